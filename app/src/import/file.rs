//! Reading an uploaded register file into a table of text cells: CSV in UTF-8 (with or without
//! a BOM), UTF-16 or Windows-1258 — the three a Vietnamese office's tools produce — and .xlsx.
//! Every way a file can be wrong ends in an i18n key (and the line, where there is one), never
//! in a panic or a half-read table.

use crate::domain::import::{check_archive, MAX_COLUMNS, MAX_FILE_BYTES, MAX_ROWS, MAX_UNPACKED_BYTES};
use std::io::{Cursor, Read};

/// Text as a Windows-1258 file holds it: letters the code page lacks precomposed are written
/// as a base letter and combining tone marks, as Vietnamese Windows does. For tests and tools
/// that make legacy files.
pub fn to_windows_1258(s: &str) -> Vec<u8> {
    use unicode_normalization::UnicodeNormalization;
    let enc = encoding_rs::WINDOWS_1258;
    let mut out = Vec::new();
    for c in s.chars() {
        let mut buf = [0u8; 4];
        let (b, _, bad) = enc.encode(c.encode_utf8(&mut buf));
        if !bad {
            out.extend_from_slice(&b);
            continue;
        }
        // The base letter with whichever one mark the code page has precomposed (ô of ộ, ă
        // of ằ), then the other marks as combining characters.
        let parts: Vec<char> = c.to_string().nfd().collect();
        let (base, marks) = (parts[0], &parts[1..]);
        let mut composed = None;
        for (i, m) in marks.iter().enumerate() {
            let head: String = [base, *m].iter().collect::<String>().nfc().collect();
            let (b, _, bad) = enc.encode(&head);
            if !bad && head.chars().count() == 1 {
                composed = Some((b.into_owned(), i));
                break;
            }
        }
        match composed {
            Some((b, i)) => {
                out.extend_from_slice(&b);
                for (j, m) in marks.iter().enumerate() {
                    if j != i {
                        out.extend_from_slice(&enc.encode(&m.to_string()).0);
                    }
                }
            }
            None => {
                for ch in parts {
                    out.extend_from_slice(&enc.encode(&ch.to_string()).0);
                }
            }
        }
    }
    out
}

/// How the file's text was read; shown to the admin so a wrong guess is visible.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf8Bom,
    Utf16,
    Windows1258,
    Xlsx,
}

impl Encoding {
    pub fn code(self) -> &'static str {
        match self {
            Encoding::Utf8 => "utf8",
            Encoding::Utf8Bom => "utf8_bom",
            Encoding::Utf16 => "utf16",
            Encoding::Windows1258 => "windows_1258",
            Encoding::Xlsx => "xlsx",
        }
    }
}

#[derive(Debug, PartialEq, Eq)]
pub struct Table {
    pub headers: Vec<String>,
    /// Data rows with the line (CSV) or sheet row (.xlsx) each came from, 1-based.
    pub rows: Vec<(u32, Vec<String>)>,
    pub encoding: Encoding,
}

/// Why a file cannot be read: an i18n key and, where it helps, the line.
#[derive(Debug, PartialEq, Eq)]
pub struct ReadError {
    pub key: &'static str,
    pub line: Option<u32>,
}

fn err(key: &'static str) -> ReadError {
    ReadError { key, line: None }
}

fn err_at(key: &'static str, line: u32) -> ReadError {
    ReadError { key, line: Some(line) }
}

/// The longest a CSV cell may be before the file counts as broken (an unclosed quote swallows
/// the rest of the file into one cell).
const MAX_RAW_CELL: usize = 5_000;

pub fn read(bytes: &[u8], name: &str) -> Result<Table, ReadError> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(err("err_import_too_large"));
    }
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(err("err_import_empty"));
    }
    let lower = name.to_lowercase();
    if bytes.starts_with(b"PK\x03\x04") {
        return read_xlsx(bytes);
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err(err("err_import_old_xls"));
    }
    if lower.ends_with(".xlsx") || lower.ends_with(".xls") {
        return Err(err("err_import_not_xlsx"));
    }
    let (text, encoding) = decode(bytes)?;
    // One form for every letter: Windows-1258 writes most tones as combining marks, and
    // some tools write decomposed UTF-8.
    let text = if unicode_normalization::is_nfc_quick(text.chars()) == unicode_normalization::IsNormalized::Yes {
        text
    } else {
        unicode_normalization::UnicodeNormalization::nfc(text.as_str()).collect()
    };
    read_csv(&text, encoding)
}

/// UTF-8 (a BOM is dropped), UTF-16 with its BOM, else Windows-1258 — the legacy Vietnamese
/// code page of older Excel and Access exports. Binary data is refused, not guessed at.
fn decode(bytes: &[u8]) -> Result<(String, Encoding), ReadError> {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return std::str::from_utf8(rest).map(|s| (s.to_string(), Encoding::Utf8Bom)).map_err(|_| err("err_import_encoding"));
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        let enc = if bytes[0] == 0xFF { encoding_rs::UTF_16LE } else { encoding_rs::UTF_16BE };
        let (text, had_errors) = enc.decode_without_bom_handling(&bytes[2..]);
        if had_errors {
            return Err(err("err_import_encoding"));
        }
        return check_text(text.into_owned(), Encoding::Utf16);
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return check_text(s.to_string(), Encoding::Utf8);
    }
    let (text, _, had_errors) = encoding_rs::WINDOWS_1258.decode(bytes);
    if had_errors {
        return Err(err("err_import_encoding"));
    }
    check_text(text.into_owned(), Encoding::Windows1258)
}

/// Text files have no control characters besides tab and line breaks; anything else means the
/// bytes were not text (a picture renamed .csv, UTF-16 without its BOM).
fn check_text(text: String, encoding: Encoding) -> Result<(String, Encoding), ReadError> {
    if text.chars().any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r')) {
        return Err(err("err_import_encoding"));
    }
    Ok((text, encoding))
}

/// Comma, semicolon (Excel in a Vietnamese locale) or tab: whichever the header line has most of.
fn delimiter(text: &str) -> u8 {
    let first = text.lines().next().unwrap_or("");
    let count = |c: char| first.chars().filter(|x| *x == c).count();
    let (comma, semicolon, tab) = (count(','), count(';'), count('\t'));
    if semicolon > comma && semicolon >= tab {
        b';'
    } else if tab > comma && tab > semicolon {
        b'\t'
    } else {
        b','
    }
}

fn read_csv(text: &str, encoding: Encoding) -> Result<Table, ReadError> {
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter(text)).from_reader(text.as_bytes());
    let mut headers: Option<Vec<String>> = None;
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    // Lines are counted here from byte offsets: the csv crate's own count skips CRLF files.
    let bytes = text.as_bytes();
    let (mut counted_to, mut line) = (0usize, 1u32);
    loop {
        let at = reader.position().byte() as usize;
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(_) => {
                line += bytes[counted_to..at.min(bytes.len())].iter().filter(|b| **b == b'\n').count() as u32;
                return Err(err_at("err_import_csv_malformed", line));
            }
        }
        // The record's position is just after the previous terminator; skip the line breaks
        // (blank lines included) to its first byte.
        let mut start = (record.position().map(|p| p.byte() as usize).unwrap_or(at)).clamp(counted_to, bytes.len());
        while start < bytes.len() && matches!(bytes[start], b'\r' | b'\n') {
            start += 1;
        }
        line += bytes[counted_to..start].iter().filter(|b| **b == b'\n').count() as u32;
        counted_to = start;
        let mut cells: Vec<String> = record.iter().map(|c| c.trim().to_string()).collect();
        if cells.iter().any(|c| c.len() > MAX_RAW_CELL) {
            return Err(err_at("err_import_csv_malformed", line));
        }
        // Spreadsheets pad rows with empty cells; only a row with real extra cells is broken.
        while cells.last().is_some_and(|c| c.is_empty()) {
            cells.pop();
        }
        if cells.is_empty() {
            continue;
        }
        match &headers {
            None => {
                if cells.len() > MAX_COLUMNS {
                    return Err(err("err_import_too_many_columns"));
                }
                headers = Some(cells);
            }
            Some(h) => {
                if cells.len() > h.len() {
                    return Err(err_at("err_import_csv_columns", line));
                }
                cells.resize(h.len(), String::new());
                if rows.len() >= MAX_ROWS {
                    return Err(err("err_import_too_many_rows"));
                }
                rows.push((line, cells));
            }
        }
    }
    finish(headers, rows, encoding)
}

fn finish(headers: Option<Vec<String>>, rows: Vec<(u32, Vec<String>)>, encoding: Encoding) -> Result<Table, ReadError> {
    let Some(headers) = headers else {
        return Err(err("err_import_empty"));
    };
    if rows.is_empty() {
        return Err(err("err_import_no_rows"));
    }
    Ok(Table { headers, rows, encoding })
}

/// A workbook: its zip directory is checked first (declared sizes), then every entry is
/// unpacked once with a hard cap, so a zip bomb that lies about its sizes stops at the cap
/// instead of filling memory; only then does calamine parse it.
fn read_xlsx(bytes: &[u8]) -> Result<Table, ReadError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| err("err_import_not_xlsx"))?;
    let mut declared = Vec::with_capacity(zip.len());
    for i in 0..zip.len() {
        let entry = zip.by_index_raw(i).map_err(|_| err("err_import_not_xlsx"))?;
        declared.push((entry.compressed_size(), entry.size()));
    }
    check_archive(&declared).map_err(err)?;
    let mut total: u64 = 0;
    let mut sink = [0u8; 64 * 1024];
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).map_err(|_| err("err_import_not_xlsx"))?;
        let limit = entry.size();
        let mut read: u64 = 0;
        loop {
            let n = entry.read(&mut sink).map_err(|_| err("err_import_not_xlsx"))?;
            if n == 0 {
                break;
            }
            read += n as u64;
            total += n as u64;
            if read > limit || total > MAX_UNPACKED_BYTES {
                return Err(err("err_import_zip_bomb"));
            }
        }
    }
    use calamine::{open_workbook_from_rs, Reader, Xlsx};
    let mut workbook: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).map_err(|_| err("err_import_not_xlsx"))?;
    let range = match workbook.worksheet_range_at(0) {
        Some(Ok(r)) => r,
        Some(Err(_)) => return Err(err("err_import_not_xlsx")),
        None => return Err(err("err_import_empty")),
    };
    if range.width() > MAX_COLUMNS {
        return Err(err("err_import_too_many_columns"));
    }
    if range.height() > MAX_ROWS + 1 {
        return Err(err("err_import_too_many_rows"));
    }
    let first_row = range.start().map(|(r, _)| r).unwrap_or(0);
    let mut headers: Option<Vec<String>> = None;
    let mut rows = Vec::new();
    for (i, row) in range.rows().enumerate() {
        let line = first_row + i as u32 + 1;
        let mut cells: Vec<String> = row.iter().map(cell_text).collect();
        while cells.last().is_some_and(|c| c.is_empty()) {
            cells.pop();
        }
        if cells.is_empty() {
            continue;
        }
        match &headers {
            None => headers = Some(cells),
            Some(h) => {
                cells.resize(h.len().max(cells.len()), String::new());
                if cells.len() > h.len() {
                    return Err(err_at("err_import_csv_columns", line));
                }
                rows.push((line, cells));
            }
        }
    }
    finish(headers, rows, Encoding::Xlsx)
}

/// A cell as the text a CSV export would hold: whole numbers without ".0", dates as ISO dates.
fn cell_text(cell: &calamine::Data) -> String {
    use calamine::Data;
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_string(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        Data::DateTime(dt) if dt.is_datetime() => {
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            format!("{y:04}-{m:02}-{d:02}")
        }
        Data::DateTime(dt) => dt.as_f64().to_string(),
        Data::DateTimeIso(s) => s.chars().take(10).collect(),
        Data::DurationIso(s) => s.clone(),
        // "#REF!" and the like: kept as text, so the row fails as a bad value with its line.
        Data::Error(e) => format!("#{e:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_and_without_bom_and_semicolons() {
        let t = read("Mã đảng viên,Họ và tên\nDV1,Nguyễn Văn An\n".as_bytes(), "a.csv").unwrap();
        assert_eq!(t.encoding, Encoding::Utf8);
        assert_eq!(t.headers, vec!["Mã đảng viên", "Họ và tên"]);
        assert_eq!(t.rows, vec![(2, vec!["DV1".to_string(), "Nguyễn Văn An".to_string()])]);

        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice("Mã;Tên\r\n\r\nDV1;\"Lê Thị, Hoa\"\r\n".as_bytes());
        let t = read(&bom, "a.csv").unwrap();
        assert_eq!(t.encoding, Encoding::Utf8Bom);
        assert_eq!(t.headers[0], "Mã", "the BOM is not part of the first header");
        assert_eq!(t.rows[0], (3, vec!["DV1".to_string(), "Lê Thị, Hoa".to_string()]));
    }

    #[test]
    fn windows_1258_is_read_as_vietnamese() {
        let bytes = to_windows_1258("Họ và tên,Dân tộc\nNguyễn Thị Hằng,Mường\n");
        assert!(std::str::from_utf8(&bytes).is_err());
        assert!(!bytes.contains(&b'&'), "no character references: every letter has a 1258 form");
        let t = read(&bytes, "a.csv").unwrap();
        assert_eq!(t.encoding, Encoding::Windows1258);
        // Windows-1258 stores most tones as combining marks; the table holds them composed.
        assert_eq!(t.headers[1], crate::domain::text::nfc("Dân tộc"));
        assert_eq!(t.rows[0].1, vec![crate::domain::text::nfc("Nguyễn Thị Hằng"), crate::domain::text::nfc("Mường")]);
    }

    #[test]
    fn utf16_with_bom() {
        let mut bytes = vec![0xFF, 0xFE];
        for u in "Tên\tMã\nAn\tDV1\n".encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        let t = read(&bytes, "a.txt").unwrap();
        assert_eq!(t.encoding, Encoding::Utf16);
        assert_eq!(t.rows[0].1, vec!["An", "DV1"]);
    }

    #[test]
    fn broken_files_are_refused_with_a_reason() {
        assert_eq!(read(b"", "a.csv").unwrap_err().key, "err_import_empty");
        assert_eq!(read(b"a,b\n", "a.csv").unwrap_err().key, "err_import_no_rows");
        assert_eq!(read(b"a,b\n1,2\n1,2,3\n", "a.csv").unwrap_err(), ReadError { key: "err_import_csv_columns", line: Some(3) });
        let unclosed = format!("a,b\n1,\"2\n{}\n", "x,y\n".repeat(2_000));
        assert_eq!(read(unclosed.as_bytes(), "a.csv").unwrap_err().key, "err_import_csv_malformed");
        assert_eq!(read(&[0x89, b'P', b'N', b'G', 0, 0, 1, 2], "a.csv").unwrap_err().key, "err_import_encoding");
        assert_eq!(read(b"a,b\n1,2\n", "a.xlsx").unwrap_err().key, "err_import_not_xlsx");
        assert_eq!(read(b"PK\x03\x04garbage", "a.xlsx").unwrap_err().key, "err_import_not_xlsx");
        assert_eq!(read(&vec![b'a'; MAX_FILE_BYTES + 1], "a.csv").unwrap_err().key, "err_import_too_large");
    }

    fn workbook(rows: &[&[&str]]) -> Vec<u8> {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        for (r, row) in rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                if let Ok(n) = v.parse::<f64>() {
                    sheet.write_number(r as u32, c as u16, n).unwrap();
                } else {
                    sheet.write_string(r as u32, c as u16, *v).unwrap();
                }
            }
        }
        book.save_to_buffer().unwrap()
    }

    #[test]
    fn xlsx_cells_read_like_csv_text() {
        let bytes = workbook(&[&["Mã", "Họ và tên", "Số CCCD"], &["DV1", "Nguyễn Văn An", "1070012345"]]);
        let t = read(&bytes, "danh-sach.xlsx").unwrap();
        assert_eq!(t.encoding, Encoding::Xlsx);
        assert_eq!(t.headers, vec!["Mã", "Họ và tên", "Số CCCD"]);
        assert_eq!(t.rows, vec![(2, vec!["DV1".to_string(), "Nguyễn Văn An".to_string(), "1070012345".to_string()])]);
    }

    #[test]
    fn a_zip_bomb_named_xlsx_is_refused_before_it_is_unpacked() {
        use std::io::Write;
        let mut out = Cursor::new(Vec::new());
        {
            let mut w = zip::ZipWriter::new(&mut out);
            let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
            w.start_file("xl/worksheets/sheet1.xml", opts).unwrap();
            let zeros = vec![0u8; 1024 * 1024];
            for _ in 0..64 {
                w.write_all(&zeros).unwrap();
            }
            w.finish().unwrap();
        }
        let bytes = out.into_inner();
        assert!(bytes.len() < 200_000, "64 MB of zeros packs small: {}", bytes.len());
        assert_eq!(read(&bytes, "bao-cao.xlsx").unwrap_err().key, "err_import_zip_bomb");
    }
}
