//! Reading an uploaded register file into a table of text cells: CSV in UTF-8 (with or without
//! a BOM), UTF-16 or Windows-1258 — the three a Vietnamese office's tools produce — and .xlsx.
//! Every way a file can be wrong ends in an i18n key (and the line, where there is one), never
//! in a panic or a half-read table.

use crate::domain::import::{
    check_archive, MAX_COLUMNS, MAX_FILE_BYTES, MAX_ROWS, MAX_UNPACKED_BYTES,
};
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
    ReadError {
        key,
        line: Some(line),
    }
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
    let text = if unicode_normalization::is_nfc_quick(text.chars())
        == unicode_normalization::IsNormalized::Yes
    {
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
        return std::str::from_utf8(rest)
            .map(|s| (s.to_string(), Encoding::Utf8Bom))
            .map_err(|_| err("err_import_encoding"));
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        let enc = if bytes[0] == 0xFF {
            encoding_rs::UTF_16LE
        } else {
            encoding_rs::UTF_16BE
        };
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
    if text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
    {
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

/// Line breaks in `bytes[from..to]`: `\n`, `\r\n` and a lone `\r` (old Mac exports, which the
/// csv crate also reads as ends of records) each count once.
fn line_breaks(bytes: &[u8], from: usize, to: usize) -> u32 {
    (from..to)
        .filter(|&i| bytes[i] == b'\n' || (bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n')))
        .count() as u32
}

fn read_csv(text: &str, encoding: Encoding) -> Result<Table, ReadError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter(text))
        .from_reader(text.as_bytes());
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
                line += line_breaks(bytes, counted_to, at.clamp(counted_to, bytes.len()));
                return Err(err_at("err_import_csv_malformed", line));
            }
        }
        // The record's position is just after the previous terminator; skip the line breaks
        // (blank lines included) to its first byte.
        let mut start = (record.position().map(|p| p.byte() as usize).unwrap_or(at))
            .clamp(counted_to, bytes.len());
        while start < bytes.len() && matches!(bytes[start], b'\r' | b'\n') {
            start += 1;
        }
        line += line_breaks(bytes, counted_to, start);
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

fn finish(
    headers: Option<Vec<String>>,
    rows: Vec<(u32, Vec<String>)>,
    encoding: Encoding,
) -> Result<Table, ReadError> {
    let Some(headers) = headers else {
        return Err(err("err_import_empty"));
    };
    if rows.is_empty() {
        return Err(err("err_import_no_rows"));
    }
    Ok(Table {
        headers,
        rows,
        encoding,
    })
}

/// The most shared strings a workbook may declare (`<sst uniqueCount="…">`). calamine reserves
/// room for that many before it reads one, and a lying count can ask for terabytes: an
/// allocation that fails aborts the whole process (it is not a panic that could be caught). A
/// sheet within the row and column limits holds no more text cells than this.
const MAX_SHARED_STRINGS: u64 = (MAX_ROWS as u64 + 1) * MAX_COLUMNS as u64;

/// Finds every `uniqueCount="N"` in the bytes of a workbook's entries, across the chunks they
/// are unpacked in (byte by byte, so a value split between two chunks is still read), and
/// keeps the largest N.
#[derive(Default)]
struct CountScan {
    /// Bytes of the attribute name matched so far; past its end, the step after the name.
    matched: usize,
    step: CountStep,
    value: u64,
    largest: u64,
}

#[derive(Default, Clone, Copy, PartialEq, Eq)]
enum CountStep {
    #[default]
    Name,
    BeforeEquals,
    BeforeQuote,
    Digits,
}

impl CountScan {
    const NAME: &'static [u8] = b"uniqueCount";

    fn feed(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.byte(b);
        }
    }

    fn byte(&mut self, b: u8) {
        match self.step {
            CountStep::Name => {
                self.matched = Self::advance(self.matched, b);
                if self.matched == Self::NAME.len() {
                    self.step = CountStep::BeforeEquals;
                }
            }
            CountStep::BeforeEquals if b.is_ascii_whitespace() => {}
            CountStep::BeforeEquals if b == b'=' => self.step = CountStep::BeforeQuote,
            CountStep::BeforeQuote if b.is_ascii_whitespace() => {}
            CountStep::BeforeQuote if b == b'"' || b == b'\'' => {
                self.step = CountStep::Digits;
                self.value = 0;
            }
            CountStep::Digits if b.is_ascii_digit() => {
                self.value = self
                    .value
                    .saturating_mul(10)
                    .saturating_add(u64::from(b - b'0'))
            }
            CountStep::Digits => {
                self.largest = self.largest.max(self.value);
                self.restart(b);
            }
            _ => self.restart(b),
        }
    }

    /// How much of the name is matched after `b`, when `matched` bytes were (the name has
    /// prefixes that are also its suffixes, "u" and "un": "uniquniqueCount" holds it).
    fn advance(matched: usize, b: u8) -> usize {
        let name = Self::NAME;
        let mut k = matched;
        loop {
            if name[k] == b {
                return k + 1;
            }
            if k == 0 {
                return 0;
            }
            k = (1..k)
                .rev()
                .find(|&j| name[..j] == name[k - j..k])
                .unwrap_or(0);
        }
    }

    fn restart(&mut self, b: u8) {
        self.step = CountStep::Name;
        self.matched = 0;
        self.byte(b);
    }
}

/// A workbook: its zip directory is checked first (declared sizes), then every entry is
/// unpacked once with a hard cap, so a zip bomb that lies about its sizes stops at the cap
/// instead of filling memory; only then does calamine parse it.
fn read_xlsx(bytes: &[u8]) -> Result<Table, ReadError> {
    let mut zip =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| err("err_import_not_xlsx"))?;
    let mut declared = Vec::with_capacity(zip.len());
    for i in 0..zip.len() {
        let entry = zip
            .by_index_raw(i)
            .map_err(|_| err("err_import_not_xlsx"))?;
        declared.push((entry.compressed_size(), entry.size()));
    }
    check_archive(&declared).map_err(err)?;
    let mut total: u64 = 0;
    let mut sink = [0u8; 64 * 1024];
    let mut counts = CountScan::default();
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).map_err(|_| err("err_import_not_xlsx"))?;
        let limit = entry.size();
        let mut read: u64 = 0;
        loop {
            let n = entry
                .read(&mut sink)
                .map_err(|_| err("err_import_not_xlsx"))?;
            if n == 0 {
                break;
            }
            read += n as u64;
            total += n as u64;
            if read > limit || total > MAX_UNPACKED_BYTES {
                return Err(err("err_import_zip_bomb"));
            }
            counts.feed(&sink[..n]);
        }
        // An attribute that ends its entry ends there.
        counts.restart(b' ');
    }
    if counts.largest > MAX_SHARED_STRINGS {
        return Err(err("err_import_too_many_rows"));
    }
    // calamine parses what anyone may upload: a panic in it (an absurd cell reference overflows
    // its arithmetic in a debug build) is a refused file, never a dead import task.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| read_sheet(bytes)))
        .unwrap_or_else(|_| Err(err("err_import_not_xlsx")))
}

/// Whether cells from `start` to `end` (row, column; 0-based, inclusive) fit the limits.
fn check_extent(start: (u32, u32), end: (u32, u32)) -> Result<(), ReadError> {
    let span = |a: u32, b: u32| u64::from(b.saturating_sub(a)) + 1;
    if span(start.1, end.1) > MAX_COLUMNS as u64 {
        return Err(err("err_import_too_many_columns"));
    }
    if span(start.0, end.0) > MAX_ROWS as u64 + 1 {
        return Err(err("err_import_too_many_rows"));
    }
    Ok(())
}

/// The first sheet, streamed cell by cell: the declared `<dimension>` and every cell's position
/// are checked against the limits before anything is kept, and only cells with a value are kept
/// (a dense grid from the extremes — one cell at A1, one at XFD1048576 — would be 17 billion
/// cells). The rows are then built from the kept cells alone.
fn read_sheet(bytes: &[u8]) -> Result<Table, ReadError> {
    use calamine::{open_workbook_from_rs, Data, Reader, Xlsx, XlsxError};
    let mut workbook: Xlsx<_> =
        open_workbook_from_rs(Cursor::new(bytes)).map_err(|_| err("err_import_not_xlsx"))?;
    let Some(first) = workbook.sheet_names().first().cloned() else {
        return Err(err("err_import_empty"));
    };
    let mut reader = match workbook.worksheet_cells_reader(&first) {
        Ok(r) => r,
        Err(XlsxError::NotAWorksheet(_)) => return Err(err("err_import_empty")),
        Err(_) => return Err(err("err_import_not_xlsx")),
    };
    let declared = reader.dimensions();
    check_extent(declared.start, declared.end)?;
    let mut cells: Vec<(u32, u32, String)> = Vec::new();
    // The smallest and largest row and column holding a value.
    let mut extent: Option<((u32, u32), (u32, u32))> = None;
    while let Some(cell) = reader.next_cell().map_err(|_| err("err_import_not_xlsx"))? {
        let text = cell_text(&Data::from(cell.get_value().clone()));
        if text.is_empty() {
            continue;
        }
        let (row, col) = cell.get_position();
        let (lo, hi) = match extent {
            None => ((row, col), (row, col)),
            Some((lo, hi)) => (
                (lo.0.min(row), lo.1.min(col)),
                (hi.0.max(row), hi.1.max(col)),
            ),
        };
        check_extent(lo, hi)?;
        extent = Some((lo, hi));
        cells.push((row, col, text));
    }
    let Some(((_, first_col), _)) = extent else {
        return Err(err("err_import_empty"));
    };
    cells.sort_by_key(|(row, col, _)| (*row, *col));
    let mut headers: Option<Vec<String>> = None;
    let mut rows = Vec::new();
    let mut kept = cells.into_iter().peekable();
    while let Some((row, col, text)) = kept.next() {
        let mut cells: Vec<String> = Vec::new();
        let mut place = |col: u32, text: String| {
            // Within MAX_COLUMNS of the first column: checked above.
            let i = (col - first_col) as usize;
            if cells.len() <= i {
                cells.resize(i + 1, String::new());
            }
            cells[i] = text;
        };
        place(col, text);
        while let Some((_, col, text)) = kept.next_if(|c| c.0 == row) {
            place(col, text);
        }
        let line = row.saturating_add(1);
        match &headers {
            None => headers = Some(cells),
            Some(h) => {
                if cells.len() > h.len() {
                    return Err(err_at("err_import_csv_columns", line));
                }
                cells.resize(h.len(), String::new());
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
        let t = read(
            "Mã đảng viên,Họ và tên\nDV1,Nguyễn Văn An\n".as_bytes(),
            "a.csv",
        )
        .unwrap();
        assert_eq!(t.encoding, Encoding::Utf8);
        assert_eq!(t.headers, vec!["Mã đảng viên", "Họ và tên"]);
        assert_eq!(
            t.rows,
            vec![(2, vec!["DV1".to_string(), "Nguyễn Văn An".to_string()])]
        );

        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice("Mã;Tên\r\n\r\nDV1;\"Lê Thị, Hoa\"\r\n".as_bytes());
        let t = read(&bom, "a.csv").unwrap();
        assert_eq!(t.encoding, Encoding::Utf8Bom);
        assert_eq!(
            t.headers[0], "Mã",
            "the BOM is not part of the first header"
        );
        assert_eq!(
            t.rows[0],
            (3, vec!["DV1".to_string(), "Lê Thị, Hoa".to_string()])
        );
    }

    /// Found by the property test of the reader (issue #17): with lone `\r` line ends (old Mac
    /// exports) every row was numbered as the first line.
    #[test]
    fn old_mac_line_ends_are_counted() {
        let t = read(b"a,b\r1,2\r\r3,4\r", "a.csv").unwrap();
        assert_eq!(t.rows.iter().map(|r| r.0).collect::<Vec<_>>(), vec![2, 4]);
        assert_eq!(
            read(b"a,b\r1,2\r1,2,3\r", "a.csv").unwrap_err(),
            ReadError {
                key: "err_import_csv_columns",
                line: Some(3)
            }
        );
        let t = read(b"a\na\r;", "a.csv").unwrap();
        assert_eq!(t.rows.iter().map(|r| r.0).collect::<Vec<_>>(), vec![2, 3]);
    }

    #[test]
    fn windows_1258_is_read_as_vietnamese() {
        let bytes = to_windows_1258("Họ và tên,Dân tộc\nNguyễn Thị Hằng,Mường\n");
        assert!(std::str::from_utf8(&bytes).is_err());
        assert!(
            !bytes.contains(&b'&'),
            "no character references: every letter has a 1258 form"
        );
        let t = read(&bytes, "a.csv").unwrap();
        assert_eq!(t.encoding, Encoding::Windows1258);
        // Windows-1258 stores most tones as combining marks; the table holds them composed.
        assert_eq!(t.headers[1], crate::domain::text::nfc("Dân tộc"));
        assert_eq!(
            t.rows[0].1,
            vec![
                crate::domain::text::nfc("Nguyễn Thị Hằng"),
                crate::domain::text::nfc("Mường")
            ]
        );
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
        assert_eq!(
            read(b"a,b\n", "a.csv").unwrap_err().key,
            "err_import_no_rows"
        );
        assert_eq!(
            read(b"a,b\n1,2\n1,2,3\n", "a.csv").unwrap_err(),
            ReadError {
                key: "err_import_csv_columns",
                line: Some(3)
            }
        );
        let unclosed = format!("a,b\n1,\"2\n{}\n", "x,y\n".repeat(2_000));
        assert_eq!(
            read(unclosed.as_bytes(), "a.csv").unwrap_err().key,
            "err_import_csv_malformed"
        );
        assert_eq!(
            read(&[0x89, b'P', b'N', b'G', 0, 0, 1, 2], "a.csv")
                .unwrap_err()
                .key,
            "err_import_encoding"
        );
        assert_eq!(
            read(b"a,b\n1,2\n", "a.xlsx").unwrap_err().key,
            "err_import_not_xlsx"
        );
        assert_eq!(
            read(b"PK\x03\x04garbage", "a.xlsx").unwrap_err().key,
            "err_import_not_xlsx"
        );
        assert_eq!(
            read(&vec![b'a'; MAX_FILE_BYTES + 1], "a.csv")
                .unwrap_err()
                .key,
            "err_import_too_large"
        );
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
        let bytes = workbook(&[
            &["Mã", "Họ và tên", "Số CCCD"],
            &["DV1", "Nguyễn Văn An", "1070012345"],
        ]);
        let t = read(&bytes, "danh-sach.xlsx").unwrap();
        assert_eq!(t.encoding, Encoding::Xlsx);
        assert_eq!(t.headers, vec!["Mã", "Họ và tên", "Số CCCD"]);
        assert_eq!(
            t.rows,
            vec![(
                2,
                vec![
                    "DV1".to_string(),
                    "Nguyễn Văn An".to_string(),
                    "1070012345".to_string()
                ]
            )]
        );
    }

    #[test]
    fn a_zip_bomb_named_xlsx_is_refused_before_it_is_unpacked() {
        use std::io::Write;
        let mut out = Cursor::new(Vec::new());
        {
            let mut w = zip::ZipWriter::new(&mut out);
            let opts = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated);
            w.start_file("xl/worksheets/sheet1.xml", opts).unwrap();
            let zeros = vec![0u8; 1024 * 1024];
            for _ in 0..64 {
                w.write_all(&zeros).unwrap();
            }
            w.finish().unwrap();
        }
        let bytes = out.into_inner();
        assert!(
            bytes.len() < 200_000,
            "64 MB of zeros packs small: {}",
            bytes.len()
        );
        assert_eq!(
            read(&bytes, "bao-cao.xlsx").unwrap_err().key,
            "err_import_zip_bomb"
        );
    }

    /// Every entry of a zip, by name (a workbook's parts).
    fn unzip(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        (0..zip.len())
            .map(|i| {
                let mut e = zip.by_index(i).unwrap();
                let mut out = Vec::new();
                e.read_to_end(&mut out).unwrap();
                (e.name().unwrap().to_string(), out)
            })
            .collect()
    }

    fn rezip(entries: &[(String, Vec<u8>)]) -> Vec<u8> {
        use std::io::Write;
        let mut out = Cursor::new(Vec::new());
        {
            let mut w = zip::ZipWriter::new(&mut out);
            let opts = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Stored);
            for (name, data) in entries {
                w.start_file(name.as_str(), opts).unwrap();
                w.write_all(data).unwrap();
            }
            w.finish().unwrap();
        }
        out.into_inner()
    }

    /// A workbook whose part `name` is rewritten by `edit`.
    fn edited(bytes: &[u8], name: &str, edit: impl Fn(&str) -> String) -> Vec<u8> {
        let mut entries = unzip(bytes);
        let part = entries
            .iter_mut()
            .find(|(n, _)| n == name)
            .unwrap_or_else(|| panic!("{name} in the workbook"));
        part.1 = edit(std::str::from_utf8(&part.1).unwrap()).into_bytes();
        rezip(&entries)
    }

    const SHEET: &str = "xl/worksheets/sheet1.xml";

    fn small_workbook() -> Vec<u8> {
        workbook(&[&["Mã", "Họ và tên"], &["DV1", "Nguyễn Văn An"]])
    }

    /// Refused, and quickly: no grid of the sheet's extremes was built.
    fn refused_quickly(bytes: &[u8]) -> &'static str {
        let started = std::time::Instant::now();
        let key = read(bytes, "a.xlsx").unwrap_err().key;
        assert!(
            started.elapsed() < std::time::Duration::from_secs(5),
            "{:?}",
            started.elapsed()
        );
        key
    }

    #[test]
    fn the_rewritten_workbook_still_reads() {
        let bytes = edited(&small_workbook(), SHEET, str::to_string);
        assert_eq!(
            read(&bytes, "a.xlsx").unwrap().rows,
            vec![(2, vec!["DV1".to_string(), "Nguyễn Văn An".to_string()])]
        );
    }

    #[test]
    fn a_cell_far_away_is_refused_before_any_grid_is_allocated() {
        // Written by a real spreadsheet library: A1 and the last cell of a sheet, XFD1048576.
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        sheet.write_string(0, 0, "Mã").unwrap();
        sheet.write_string(1, 0, "DV1").unwrap();
        sheet.write_string(1_048_575, 16_383, "x").unwrap();
        assert_eq!(
            refused_quickly(&book.save_to_buffer().unwrap()),
            "err_import_too_many_columns"
        );
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        sheet.write_string(0, 0, "Mã").unwrap();
        sheet.write_string(1_048_575, 0, "x").unwrap();
        assert_eq!(
            refused_quickly(&book.save_to_buffer().unwrap()),
            "err_import_too_many_rows"
        );

        // The same cells under a dimension that claims a small sheet: each cell's own position
        // is checked as it streams by.
        let far = |cell: &'static str| {
            edited(&small_workbook(), SHEET, move |xml| {
                let xml = xml.replace(r#"<dimension ref="A1:B2"/>"#, r#"<dimension ref="A1"/>"#);
                let row = cell.trim_start_matches(char::is_alphabetic);
                xml.replace("</sheetData>", &format!(r#"<row r="{row}"><c r="{cell}" t="inlineStr"><is><t>x</t></is></c></row></sheetData>"#))
            })
        };
        assert_eq!(
            refused_quickly(&far("XFD1048576")),
            "err_import_too_many_columns"
        );
        assert_eq!(
            refused_quickly(&far("A1048576")),
            "err_import_too_many_rows"
        );
        assert_eq!(
            refused_quickly(&far("BI3")),
            "err_import_too_many_columns",
            "61 columns from A"
        );
        // 60 columns from A fit the limit (this row is then longer than its header).
        assert_eq!(
            read(&far("BH3"), "a.xlsx").unwrap_err(),
            ReadError {
                key: "err_import_csv_columns",
                line: Some(3)
            }
        );
        assert_eq!(refused_quickly(&far("A200002")), "err_import_too_many_rows");
        assert!(
            read(&far("A200001"), "a.xlsx").is_ok(),
            "a header and 200,000 rows are fine"
        );
        // Absurd references overflow calamine's arithmetic: refused (or read), never a panic.
        match read(&far("AAAAAAAAAAAAAAAA99999999999999"), "a.xlsx") {
            Ok(_) => {}
            Err(e) => assert!(e.key.starts_with("err_import_"), "{e:?}"),
        }
    }

    #[test]
    fn a_lying_huge_dimension_is_refused() {
        let lying = |dimension: &'static str| {
            edited(&small_workbook(), SHEET, move |xml| {
                xml.replace(
                    r#"<dimension ref="A1:B2"/>"#,
                    &format!(r#"<dimension ref="{dimension}"/>"#),
                )
            })
        };
        assert_eq!(
            refused_quickly(&lying("A1:XFD1048576")),
            "err_import_too_many_columns"
        );
        assert_eq!(
            refused_quickly(&lying("A1:B1048576")),
            "err_import_too_many_rows"
        );
        assert!(
            read(&lying("A1:BH200001"), "a.xlsx").is_ok(),
            "within the limits"
        );
        // Backwards or unreadable: nothing to allocate, so nothing to refuse for its size.
        assert!(matches!(
            read(&lying("B2:A1"), "a.xlsx"),
            Ok(_)
                | Err(ReadError {
                    key: "err_import_not_xlsx",
                    ..
                })
        ));
    }

    #[test]
    fn a_lying_count_of_shared_strings_is_refused_before_calamine_reserves_it() {
        let bytes = small_workbook();
        let strings = "xl/sharedStrings.xml";
        assert!(unzip(&bytes)
            .iter()
            .any(|(n, d)| n == strings && String::from_utf8_lossy(d).contains("uniqueCount=")));
        let lying = edited(&bytes, strings, |xml| {
            let at = xml.find("uniqueCount=\"").unwrap() + "uniqueCount=\"".len();
            let end = at + xml[at..].find('"').unwrap();
            format!("{}99999999999999{}", &xml[..at], &xml[end..])
        });
        assert_eq!(refused_quickly(&lying), "err_import_too_many_rows");
    }

    #[test]
    fn the_count_scan_reads_across_chunks_and_overlaps() {
        let scan = |parts: &[&str]| {
            let mut s = CountScan::default();
            for p in parts {
                s.feed(p.as_bytes());
            }
            s.restart(b' ');
            s.largest
        };
        assert_eq!(scan(&[r#"<sst count="3" uniqueCount="2">"#]), 2);
        assert_eq!(scan(&["<sst uniq", "ueCount = '12", "34'>"]), 1234);
        assert_eq!(scan(&[r#"uniquniqueCount="5" unununiqueCount="7""#]), 7);
        assert_eq!(
            scan(&[
                r#"uniqueCount="00000000000000000000042""#,
                r#" uniqueCount="99999999999999999999999999""#
            ]),
            u64::MAX
        );
        assert_eq!(scan(&[r#"uniqueCount=x"9" count="8""#]), 0);
    }

    #[test]
    fn data_from_a_later_column_starts_the_table() {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        for (r, row) in [["Mã", "Tên"], ["DV1", "An"]].iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                sheet.write_string(r as u32 + 2, c as u16 + 2, *v).unwrap();
            }
        }
        let t = read(&book.save_to_buffer().unwrap(), "a.xlsx").unwrap();
        assert_eq!(t.headers, vec!["Mã", "Tên"]);
        assert_eq!(t.rows, vec![(4, vec!["DV1".to_string(), "An".to_string()])]);
    }

    /// Issue #17's fuzz/property targets of the file readers: any bytes, CSV or workbook, give a
    /// table or a `ReadError` whose key is a message in vi.json, never a panic.
    mod properties {
        use super::*;
        use crate::domain::properties::{config, is_i18n_key};
        use proptest::prelude::*;
        use std::sync::LazyLock;

        fn check(result: Result<Table, ReadError>) -> Result<(), TestCaseError> {
            match result {
                Ok(t) => {
                    prop_assert!(!t.headers.is_empty() && !t.rows.is_empty());
                    prop_assert!(t.headers.len() <= MAX_COLUMNS);
                    let mut last = 0;
                    for (line, cells) in &t.rows {
                        prop_assert_eq!(cells.len(), t.headers.len());
                        prop_assert!(*line > last, "lines rise: {} after {}", line, last);
                        last = *line;
                    }
                }
                Err(e) => prop_assert!(is_i18n_key(e.key), "{}", e.key),
            }
            Ok(())
        }

        /// Bytes that CSV and text decoding treat specially, more often than chance would.
        fn csv_bytes() -> impl Strategy<Value = Vec<u8>> {
            let special = prop::sample::select(
                b",;\t\"\r\n a1=-\xEF\xBB\xBF\xFF\xFE\x00\xC3\xA9\xD0\xCF".to_vec(),
            );
            prop::collection::vec(prop_oneof![3 => special, 1 => any::<u8>()], 0..600)
        }

        const LETTERS: &str = "aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ0123456789";

        fn word() -> impl Strategy<Value = String> {
            prop::collection::vec(
                prop::sample::select(LETTERS.chars().collect::<Vec<_>>()),
                1..8,
            )
            .prop_map(|v| v.into_iter().collect())
        }

        static BASE: LazyLock<Vec<(String, Vec<u8>)>> = LazyLock::new(|| {
            unzip(&workbook(&[
                &["Mã", "Họ và tên", "Ngày sinh"],
                &["DV1", "Nguyễn Văn An", "25569"],
                &["DV2", "Lê Thị Hoa", "x"],
            ]))
        });

        /// Pieces of worksheet and workbook XML, for edits that keep a file mostly well-formed.
        fn xml_piece() -> impl Strategy<Value = String> {
            prop_oneof![
                prop::sample::select(vec![
                    "<",
                    ">",
                    "/>",
                    "\"",
                    "<row>",
                    "</row>",
                    "<row r=\"0\">",
                    "<row r=\"4294967295\">",
                    "<c>",
                    "</c>",
                    "<c r=\"A1\">",
                    "<c r=\"XFD1048576\">",
                    "<c r=\"ZZZZZZZZ1\">",
                    "<c r=\"A99999999999\">",
                    "<c t=\"s\"><v>999999</v></c>",
                    "<c t=\"s\"><v>-1</v></c>",
                    "<c t=\"d\"><v>99999-99</v></c>",
                    "<c s=\"99999\"><v>1e308</v></c>",
                    "<v>NaN</v>",
                    "<is><t>x</t></is>",
                    "<dimension ref=\"A1:XFD1048576\"/>",
                    "<dimension ref=\"Z9:A1\"/>",
                    "<sheetData>",
                    "</sheetData>",
                    "&amp;",
                    "&#0;",
                    "&bogus;",
                    "<![CDATA[",
                    "]]>",
                    "<!--",
                    "-->",
                    "uniqueCount=\"5\"",
                    "<f t=\"shared\" si=\"4294967295\" ref=\"A1:B2\"/>",
                    "<mergeCell ref=\"A1:XFD1048576\"/>",
                ])
                .prop_map(String::from),
                ".{0,8}",
            ]
        }

        #[derive(Debug, Clone)]
        enum Edit {
            Insert(usize, String),
            Remove(usize, usize),
        }

        fn edits() -> impl Strategy<Value = Vec<Edit>> {
            prop::collection::vec(
                prop_oneof![
                    (any::<usize>(), xml_piece()).prop_map(|(at, s)| Edit::Insert(at, s)),
                    (any::<usize>(), 1usize..40).prop_map(|(at, n)| Edit::Remove(at, n)),
                ],
                1..6,
            )
        }

        fn apply(text: &[u8], edits: &[Edit]) -> Vec<u8> {
            let mut out = text.to_vec();
            for e in edits {
                match e {
                    Edit::Insert(at, s) => {
                        let at = at % (out.len() + 1);
                        out.splice(at..at, s.bytes());
                    }
                    Edit::Remove(at, n) => {
                        let at = at % (out.len() + 1);
                        out.drain(at..(at + n).min(out.len()));
                    }
                }
            }
            out
        }

        proptest! {
            #![proptest_config(config())]

            #[test]
            fn any_bytes_are_a_table_or_a_named_refusal(bytes in prop_oneof![csv_bytes(), prop::collection::vec(any::<u8>(), 0..300)], xlsx_name in any::<bool>()) {
                check(read(&bytes, if xlsx_name { "a.xlsx" } else { "a.csv" }))?;
            }

            #[test]
            fn any_bytes_after_a_zip_signature_are_refused_by_name(tail in prop::collection::vec(any::<u8>(), 0..300)) {
                let mut bytes = b"PK\x03\x04".to_vec();
                bytes.extend_from_slice(&tail);
                check(read(&bytes, "a.xlsx"))?;
            }

            /// A real workbook with its sheet, shared strings or workbook part damaged.
            #[test]
            fn any_damaged_workbook_is_a_table_or_a_named_refusal(part in prop::sample::select(vec![SHEET, "xl/sharedStrings.xml", "xl/workbook.xml", "xl/styles.xml", "xl/_rels/workbook.xml.rels"]), edits in edits()) {
                let entries: Vec<(String, Vec<u8>)> = BASE.iter().map(|(n, d)| (n.clone(), if n == part { apply(d, &edits) } else { d.clone() })).collect();
                check(read(&rezip(&entries), "a.xlsx"))?;
            }

            /// A table written as CSV, with any of the three separators and any line end,
            /// reads back as that table with its line numbers.
            #[test]
            fn a_written_table_reads_back(width in 1usize..6, body in prop::collection::vec(prop::collection::vec(word(), 6), 1..12), sep in prop::sample::select(vec![",", ";", "\t"]), end in prop::sample::select(vec!["\n", "\r\n", "\r"]), bom in any::<bool>()) {
                let headers: Vec<String> = (0..width).map(|i| format!("Cột {i}")).collect();
                let rows: Vec<Vec<String>> = body.into_iter().map(|r| r.into_iter().take(width).collect()).collect();
                let mut text = headers.join(sep) + end;
                for r in &rows {
                    text.push_str(&r.join(sep));
                    text.push_str(end);
                }
                let mut bytes = if bom { vec![0xEF, 0xBB, 0xBF] } else { Vec::new() };
                bytes.extend_from_slice(text.as_bytes());
                let t = read(&bytes, "a.csv").map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
                prop_assert_eq!(t.headers, headers);
                let expected: Vec<(u32, Vec<String>)> = rows.into_iter().enumerate().map(|(i, r)| (i as u32 + 2, r)).collect();
                prop_assert_eq!(t.rows, expected);
            }
        }
    }
}
