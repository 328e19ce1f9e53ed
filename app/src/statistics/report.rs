//! The monthly report as files: CSV (UTF-8 with a byte-order mark, so Excel shows Vietnamese
//! right) and Excel (.xlsx, by `rust_xlsxwriter`), with Vietnamese headers from the i18n files.

use super::{Report, ReportRow};
use crate::domain::statistics::format_rate;
use crate::i18n::*;

fn headers(l: Locale) -> Vec<&'static str> {
    vec![
        td_string!(l, st_col_org),
        td_string!(l, st_col_members),
        td_string!(l, st_col_exempt),
        td_string!(l, st_col_accounts),
        td_string!(l, st_col_signed_in),
        td_string!(l, st_col_rate),
        td_string!(l, st_col_active),
        td_string!(l, st_col_cells),
        td_string!(l, st_col_held),
        td_string!(l, st_col_on_time),
        td_string!(l, st_col_attendance),
        td_string!(l, mt_rating_tot),
        td_string!(l, mt_rating_kha),
        td_string!(l, mt_rating_trung_binh),
        td_string!(l, mt_rating_kem),
    ]
}

/// A row's cells as text (numbers stay numbers in Excel: see `xlsx`).
fn cells(r: &ReportRow) -> Vec<String> {
    let c = r.counts;
    let m = &r.meetings;
    vec![
        r.name.clone(),
        c.members.to_string(),
        c.exempt.to_string(),
        c.accounts.to_string(),
        c.signed_in.to_string(),
        format_rate(c.rate_permille()),
        c.active_30d.to_string(),
        m.cells.to_string(),
        m.held.to_string(),
        m.held_on_time.to_string(),
        format_rate(m.attendance_permille),
        m.ratings[0].to_string(),
        m.ratings[1].to_string(),
        m.ratings[2].to_string(),
        m.ratings[3].to_string(),
    ]
}

/// Text that a spreadsheet would run as a formula is written as text.
pub fn defuse(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

/// One CSV cell: defused, and quoted when it holds a separator, a quote or a line break.
pub fn csv_field(s: &str) -> String {
    let s = defuse(s);
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

pub fn file_name(r: &Report, ext: &str) -> String {
    format!("bao-cao-{}-{}.{ext}", r.org.id, r.month)
}

pub fn csv(r: &Report, l: Locale) -> Vec<u8> {
    let mut out = String::from("\u{feff}");
    let title = format!(
        "{} — {} {} — {}",
        td_string!(l, st_report_title),
        r.org.name,
        r.month,
        r.made_at
    );
    out.push_str(&csv_field(&title));
    out.push_str("\r\n");
    out.push_str(
        &headers(l)
            .iter()
            .map(|h| csv_field(h))
            .collect::<Vec<_>>()
            .join(","),
    );
    out.push_str("\r\n");
    for row in r.rows.iter().chain(std::iter::once(&r.total)) {
        out.push_str(
            &cells(row)
                .iter()
                .map(|c| csv_field(c))
                .collect::<Vec<_>>()
                .join(","),
        );
        out.push_str("\r\n");
    }
    out.into_bytes()
}

pub fn xlsx(r: &Report, l: Locale) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(&r.month)?;
    let bold = Format::new().set_bold();
    let percent = Format::new().set_num_format("0.0%");
    sheet.write_string_with_format(
        0,
        0,
        format!(
            "{} — {} {} — {}",
            td_string!(l, st_report_title),
            r.org.name,
            r.month,
            r.made_at
        ),
        &bold,
    )?;
    for (i, h) in headers(l).iter().enumerate() {
        sheet.write_string_with_format(1, i as u16, *h, &bold)?;
    }
    for (n, row) in r.rows.iter().chain(std::iter::once(&r.total)).enumerate() {
        let y = n as u32 + 2;
        let c = row.counts;
        let m = &row.meetings;
        // Names are written as strings, never as formulas.
        sheet.write_string(y, 0, &row.name)?;
        let numbers = [c.members, c.exempt, c.accounts, c.signed_in];
        for (i, v) in numbers.iter().enumerate() {
            sheet.write_number(y, i as u16 + 1, *v as f64)?;
        }
        match c.rate_permille() {
            Some(p) => sheet.write_number_with_format(y, 5, p as f64 / 1000.0, &percent)?,
            None => sheet.write_string(y, 5, "—")?,
        };
        sheet.write_number(y, 6, c.active_30d as f64)?;
        sheet.write_number(y, 7, m.cells as f64)?;
        sheet.write_number(y, 8, m.held as f64)?;
        sheet.write_number(y, 9, m.held_on_time as f64)?;
        match m.attendance_permille {
            Some(p) => sheet.write_number_with_format(y, 10, p as f64 / 1000.0, &percent)?,
            None => sheet.write_string(y, 10, "—")?,
        };
        for (i, v) in m.ratings.iter().enumerate() {
            sheet.write_number(y, 11 + i as u16, *v as f64)?;
        }
    }
    sheet.set_column_width(0, 40)?;
    book.save_to_buffer()
}

#[cfg(test)]
mod tests {
    #[test]
    fn formulas_are_defused() {
        assert_eq!(super::defuse("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(super::defuse("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(super::defuse("Chi bộ 1"), "Chi bộ 1");
        assert_eq!(super::csv_field("a,b"), "\"a,b\"");
        assert_eq!(super::csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
    }
}
