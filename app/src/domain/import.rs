//! Importing the member register from an export of the national member database: which
//! column is which (guessed from Vietnamese headers), one row parsed into register types with
//! every failing rule named, the difference between a row and the member already held, and the
//! limits that keep a hostile file from exhausting the server. No I/O here.

use super::cccd::Cccd;
use super::phone::Phone;
use super::register::{
    check_exemption, check_status, Change, Date, FieldError, Gender, MemberStatus, PartyDates,
    Position,
};
use super::text::{fold, nfc};
use serde::{Deserialize, Serialize};

pub use super::import_codes::{BlockedReason, ImportKind, ImportStage};

/// The largest file accepted (a 126,000-row CSV of every column is about 30 MB).
pub const MAX_FILE_BYTES: usize = 40 * 1024 * 1024;
pub const MAX_ROWS: usize = 200_000;
pub const MAX_COLUMNS: usize = 60;
pub const MAX_CELL_CHARS: usize = 500;
/// What an .xlsx may unpack to in all (its XML is about ten times the data).
pub const MAX_UNPACKED_BYTES: u64 = 400 * 1024 * 1024;
/// Real workbooks compress their XML 5–20 times; a zip bomb, thousands of times.
pub const MAX_COMPRESSION_RATIO: u64 = 200;

/// A register field a column can be mapped to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Field {
    OrgCode,
    MemberCode,
    FullName,
    BirthDate,
    Gender,
    Ethnicity,
    Hometown,
    Cccd,
    Phone,
    CardNumber,
    JoinedDate,
    OfficialDate,
    Status,
    ExemptSince,
    ExemptReason,
    Position,
    Address,
    /// The member does not use a smartphone (reached by SMS): "x", "có", "1" or empty.
    NoSmartphone,
}

impl Field {
    pub const ALL: [Field; 18] = [
        Field::OrgCode,
        Field::MemberCode,
        Field::FullName,
        Field::BirthDate,
        Field::Gender,
        Field::Ethnicity,
        Field::Hometown,
        Field::Cccd,
        Field::Phone,
        Field::CardNumber,
        Field::JoinedDate,
        Field::OfficialDate,
        Field::Status,
        Field::ExemptSince,
        Field::ExemptReason,
        Field::Position,
        Field::Address,
        Field::NoSmartphone,
    ];

    /// Fields without which a row cannot be a member.
    pub const REQUIRED: [Field; 6] = [
        Field::OrgCode,
        Field::MemberCode,
        Field::FullName,
        Field::BirthDate,
        Field::Gender,
        Field::JoinedDate,
    ];

    /// Stable code: form values, stored mappings, and the i18n key `import_field_<code>`.
    pub fn code(self) -> &'static str {
        match self {
            Field::OrgCode => "org_code",
            Field::MemberCode => "member_code",
            Field::FullName => "full_name",
            Field::BirthDate => "birth_date",
            Field::Gender => "gender",
            Field::Ethnicity => "ethnicity",
            Field::Hometown => "hometown",
            Field::Cccd => "cccd",
            Field::Phone => "phone",
            Field::CardNumber => "card_number",
            Field::JoinedDate => "joined_date",
            Field::OfficialDate => "official_date",
            Field::Status => "status",
            Field::ExemptSince => "exempt_since",
            Field::ExemptReason => "exempt_reason",
            Field::Position => "position",
            Field::Address => "address",
            Field::NoSmartphone => "no_smartphone",
        }
    }

    pub fn from_code(code: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.code() == code)
    }

    /// Headers of the national export and the common hand-made variants, folded (no marks,
    /// lower case). Matched whole, so "Ngày vào Đảng" is not mistaken for "Ngày sinh".
    fn headers(self) -> &'static [&'static str] {
        match self {
            Field::OrgCode => &[
                "ma to chuc dang",
                "ma to chuc",
                "ma chi bo",
                "ma don vi",
                "ma to chuc co so dang",
                "org code",
                "org_code",
            ],
            Field::MemberCode => &[
                "ma dang vien",
                "ma so dang vien",
                "ma dv",
                "member code",
                "member_code",
            ],
            Field::FullName => &[
                "ho va ten",
                "ho ten",
                "ho ten dang vien",
                "ten dang vien",
                "full name",
                "full_name",
                "name",
            ],
            Field::BirthDate => &[
                "ngay sinh",
                "ngay thang nam sinh",
                "sinh ngay",
                "birth date",
                "birth_date",
                "date of birth",
            ],
            Field::Gender => &["gioi tinh", "gender", "sex"],
            Field::Ethnicity => &["dan toc", "ethnicity"],
            Field::Hometown => &["que quan", "nguyen quan", "hometown"],
            Field::Cccd => &[
                "so cccd",
                "cccd",
                "can cuoc cong dan",
                "so can cuoc",
                "so can cuoc cong dan",
                "so dinh danh",
                "so dinh danh ca nhan",
                "cccd/cmnd",
                "cccd",
            ],
            Field::Phone => &[
                "so dien thoai",
                "dien thoai",
                "sdt",
                "so dt",
                "dien thoai di dong",
                "phone",
            ],
            Field::CardNumber => &[
                "so the dang",
                "so the dang vien",
                "the dang",
                "so the",
                "card number",
                "card_number",
            ],
            Field::JoinedDate => &[
                "ngay vao dang",
                "ngay ket nap",
                "ngay ket nap dang",
                "ngay ket nap vao dang",
                "joined date",
                "joined_date",
            ],
            Field::OfficialDate => &[
                "ngay chinh thuc",
                "ngay cong nhan chinh thuc",
                "ngay dang vien chinh thuc",
                "official date",
                "official_date",
            ],
            Field::Status => &["trang thai", "loai dang vien", "tinh trang", "status"],
            Field::ExemptSince => &[
                "mien sinh hoat tu",
                "ngay mien sinh hoat",
                "mien sinh hoat tu ngay",
                "mien shd tu",
                "exempt since",
                "exempt_since",
            ],
            Field::ExemptReason => &[
                "ly do mien sinh hoat",
                "ly do mien",
                "ly do mien shd",
                "exempt reason",
                "exempt_reason",
            ],
            Field::Position => &[
                "chuc vu",
                "chuc vu dang",
                "chuc vu trong chi bo",
                "position",
            ],
            Field::Address => &[
                "dia chi",
                "noi o hien nay",
                "noi o",
                "dia chi thuong tru",
                "address",
            ],
            Field::NoSmartphone => &[
                "khong dung dien thoai thong minh",
                "khong co dien thoai thong minh",
                "khong dung smartphone",
                "khong co smartphone",
                "nhan tin sms",
                "no smartphone",
                "no_smartphone",
            ],
        }
    }
}

/// For each column of the file, the field it fills (or none).
pub type Mapping = Vec<Option<Field>>;

/// The mapping guessed from the file's header row: exact (folded) matches only, each field at
/// most once (the first column that names it).
pub fn guess_mapping(headers: &[String]) -> Mapping {
    let mut taken: Vec<Field> = Vec::new();
    headers
        .iter()
        .map(|h| {
            let folded = fold(h)
                .trim_matches(|c: char| c == ':' || c == '*' || c == '.')
                .trim()
                .to_string();
            let found = Field::ALL
                .into_iter()
                .find(|f| !taken.contains(f) && f.headers().contains(&folded.as_str()));
            if let Some(f) = found {
                taken.push(f);
            }
            found
        })
        .collect()
}

/// Why a mapping cannot be used: a required field not mapped, or a field mapped twice.
pub fn check_mapping(mapping: &Mapping) -> Result<(), Vec<FieldError>> {
    let mut errors = Vec::new();
    for f in Field::REQUIRED {
        if !mapping.contains(&Some(f)) {
            errors.push(FieldError::new(f.code(), "err_import_field_unmapped"));
        }
    }
    for f in Field::ALL {
        if mapping.iter().filter(|m| **m == Some(f)).count() > 1 {
            errors.push(FieldError::new(f.code(), "err_import_field_twice"));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// One row of the file as a register member, before its organisation code is resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportRow {
    pub org_code: String,
    pub member_code: String,
    pub full_name: String,
    pub gender: Gender,
    pub ethnicity: Option<String>,
    pub hometown: Option<String>,
    pub cccd: Option<Cccd>,
    pub phone: Option<Phone>,
    pub card_number: Option<String>,
    pub dates: PartyDates,
    /// Whether the file carries the exemption columns at all: when it does, an empty cell
    /// means "not exempt" (the register is the authority on exemptions).
    pub exemption_known: bool,
    /// Likewise for the official date (and with it the status).
    pub official_known: bool,
    pub exempt_reason: Option<String>,
    pub position: Option<Position>,
    pub address: Option<String>,
    /// None when the cell is empty or the column absent: the app keeps its mark.
    pub no_smartphone: Option<bool>,
}

/// Spreadsheet programs run a cell that starts like a formula; such text has no place in a
/// register (a name, a code) and is refused rather than stored and exported again.
pub fn looks_like_formula(cell: &str) -> bool {
    let t = cell.trim_start();
    match t.chars().next() {
        Some('=') | Some('@') => true,
        Some('+') | Some('-') => {
            // "+84 912 345 678" and "-" (an empty marker) are data, "+SUM(A1)" or "-1+2" are not.
            let rest = &t[1..];
            !(rest.is_empty()
                || rest
                    .chars()
                    .all(|c| c.is_ascii_digit() || c == ' ' || c == '.'))
        }
        Some('\t') | Some('\r') => true,
        _ => false,
    }
}

fn gender(cell: &str) -> Option<Gender> {
    match fold(cell).as_str() {
        "nam" | "m" | "male" | "1" => Some(Gender::Male),
        "nu" | "f" | "female" | "0" | "2" => Some(Gender::Female),
        _ => None,
    }
}

fn status(cell: &str) -> Option<MemberStatus> {
    match fold(cell).as_str() {
        "chinh thuc" | "dang vien chinh thuc" | "dvct" | "ct" | "chinh_thuc" | "official" => {
            Some(MemberStatus::Official)
        }
        "du bi" | "dang vien du bi" | "dvdb" | "db" | "du_bi" | "probationary" => {
            Some(MemberStatus::Probationary)
        }
        _ => None,
    }
}

fn position(cell: &str) -> Result<Option<Position>, ()> {
    match fold(cell).as_str() {
        "" | "dang vien" | "khong" => Ok(None),
        "bi thu" | "bi thu chi bo" | "bi_thu" => Ok(Some(Position::Secretary)),
        "pho bi thu" | "pho bi thu chi bo" | "pho_bi_thu" => Ok(Some(Position::DeputySecretary)),
        "chi uy vien" | "uy vien" | "chi_uy_vien" => Ok(Some(Position::CommitteeMember)),
        _ => Err(()),
    }
}

/// Spreadsheets drop leading zeros from numbers typed into number cells: a CCCD of Hà Nội
/// (province 001) arrives as 11 or 10 digits, a mobile number as 9.
fn restore_zeros(cell: &str, full_len: usize, max_lost: usize) -> String {
    let t = cell.trim();
    if !t.is_empty()
        && t.len() < full_len
        && t.len() + max_lost >= full_len
        && t.bytes().all(|b| b.is_ascii_digit())
        && !t.starts_with('0')
    {
        format!("{}{t}", "0".repeat(full_len - t.len()))
    } else {
        t.to_string()
    }
}

fn text(cell: &str) -> Option<String> {
    let t = nfc(cell);
    if t.is_empty() || t == "-" {
        None
    } else {
        Some(t)
    }
}

/// Parses one row (cells in file order) with `mapping`; `today` bounds the dates. Every rule
/// that fails is returned, each with the field it concerns.
pub fn parse_row(
    cells: &[String],
    mapping: &Mapping,
    today: Date,
) -> Result<ImportRow, Vec<FieldError>> {
    let mut errors: Vec<FieldError> = Vec::new();
    let cell = |f: Field| -> &str {
        mapping
            .iter()
            .position(|m| *m == Some(f))
            .and_then(|i| cells.get(i))
            .map(String::as_str)
            .unwrap_or("")
    };
    for (i, c) in cells.iter().enumerate() {
        if mapping.get(i).copied().flatten().is_some() && looks_like_formula(c) {
            let f = mapping[i].unwrap();
            errors.push(FieldError::new(f.code(), "err_import_formula"));
        }
        if c.chars().count() > MAX_CELL_CHARS {
            let f = mapping
                .get(i)
                .copied()
                .flatten()
                .map(Field::code)
                .unwrap_or("row");
            errors.push(FieldError::new(f, "err_import_cell_too_long"));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let required = |f: Field, errors: &mut Vec<FieldError>| -> Option<String> {
        let v = text(cell(f));
        if v.is_none() {
            errors.push(FieldError::new(f.code(), "err_required"));
        }
        v
    };
    let org_code = required(Field::OrgCode, &mut errors);
    let member_code = required(Field::MemberCode, &mut errors);
    let full_name = required(Field::FullName, &mut errors);
    let date = |f: Field, errors: &mut Vec<FieldError>| -> Option<Date> {
        let raw = cell(f).trim();
        if raw.is_empty() || raw == "-" {
            return None;
        }
        // Exports sometimes carry a time after the date ("1980-01-05 00:00:00").
        let raw = raw.split_whitespace().next().unwrap_or(raw);
        let raw = raw.split('T').next().unwrap_or(raw);
        match Date::parse(raw) {
            Ok(d) => Some(d),
            Err(_) => {
                errors.push(FieldError::new(f.code(), "err_date_format"));
                None
            }
        }
    };
    // "-" is a blank too (as `date` reads it): a required date given as "-" is missing, not
    // silently absent (it used to reach the `expect` below and panic the dry run).
    let blank = |f: Field| matches!(cell(f).trim(), "" | "-");
    let birth = date(Field::BirthDate, &mut errors);
    if birth.is_none() && blank(Field::BirthDate) {
        errors.push(FieldError::new(Field::BirthDate.code(), "err_required"));
    }
    let joined = date(Field::JoinedDate, &mut errors);
    if joined.is_none() && blank(Field::JoinedDate) {
        errors.push(FieldError::new(Field::JoinedDate.code(), "err_required"));
    }
    let official = date(Field::OfficialDate, &mut errors);
    let exempt_since = date(Field::ExemptSince, &mut errors);
    let gender = match gender(cell(Field::Gender)) {
        Some(g) => Some(g),
        None => {
            errors.push(FieldError::new(
                Field::Gender.code(),
                if cell(Field::Gender).trim().is_empty() {
                    "err_required"
                } else {
                    "err_import_gender"
                },
            ));
            None
        }
    };
    let cccd = match restore_zeros(cell(Field::Cccd), 12, 2).as_str() {
        "" | "-" => None,
        raw => match Cccd::parse(raw) {
            Ok(c) => Some(c),
            Err(e) => {
                errors.push(FieldError::new(Field::Cccd.code(), e.key()));
                None
            }
        },
    };
    let phone = match restore_zeros(cell(Field::Phone), 10, 1).as_str() {
        "" | "-" => None,
        raw => match Phone::parse(raw) {
            Ok(p) => Some(p),
            Err(e) => {
                errors.push(FieldError::new(Field::Phone.code(), e.key()));
                None
            }
        },
    };
    if mapping.contains(&Some(Field::Status)) && !cell(Field::Status).trim().is_empty() {
        match status(cell(Field::Status)) {
            Some(s) => {
                if let Err(e) = check_status(s, official) {
                    errors.push(e);
                }
            }
            None => errors.push(FieldError::new(Field::Status.code(), "err_import_status")),
        }
    }
    let exempt_reason = text(cell(Field::ExemptReason));
    if let Err(e) = check_exemption(exempt_since, exempt_reason.as_deref()) {
        errors.push(e);
    }
    let position = match position(cell(Field::Position)) {
        Ok(p) => p,
        Err(()) => {
            errors.push(FieldError::new(
                Field::Position.code(),
                "err_import_position",
            ));
            None
        }
    };
    let dates = match (birth, joined) {
        (Some(b), Some(j)) => match PartyDates::parse(b, j, official, exempt_since, today) {
            Ok(d) => Some(d),
            Err(mut e) => {
                errors.append(&mut e);
                None
            }
        },
        _ => None,
    };
    if let (Some(c), Some(b), Some(g)) = (&cccd, birth, gender) {
        if !c.agrees_with(b.year, g) {
            errors.push(FieldError::new(Field::Cccd.code(), "err_cccd_mismatch"));
        }
    }
    let no_smartphone = match fold(cell(Field::NoSmartphone)).trim() {
        "" | "-" => None,
        "x" | "co" | "1" | "true" | "yes" | "khong dung" | "khong co" => Some(true),
        "khong" | "0" | "false" | "no" | "co dung" => Some(false),
        _ => {
            errors.push(FieldError::new(
                Field::NoSmartphone.code(),
                "err_import_yes_no",
            ));
            None
        }
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    let Some(dates) = dates else {
        // Unreachable while every missing date above names its error; a refused row, never a panic.
        return Err(vec![FieldError::new(
            Field::BirthDate.code(),
            "err_date_format",
        )]);
    };
    Ok(ImportRow {
        org_code: org_code.unwrap_or_default(),
        member_code: member_code.unwrap_or_default(),
        full_name: full_name.unwrap_or_default(),
        gender: gender.unwrap_or(Gender::Male),
        ethnicity: text(cell(Field::Ethnicity)),
        hometown: text(cell(Field::Hometown)),
        cccd,
        phone,
        card_number: text(cell(Field::CardNumber)),
        dates,
        exemption_known: mapping.contains(&Some(Field::ExemptSince)),
        official_known: mapping.contains(&Some(Field::OfficialDate)),
        exempt_reason,
        position,
        address: text(cell(Field::Address)),
        no_smartphone,
    })
}

/// A member as the app holds them, in the shape compared with a row.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Held {
    pub org_code: String,
    pub full_name: String,
    pub birth_date: String,
    pub gender: String,
    pub ethnicity: String,
    pub hometown: Option<String>,
    pub cccd: Option<String>,
    pub phone: Option<String>,
    pub card_number: Option<String>,
    pub joined_date: String,
    pub official_date: Option<String>,
    pub exempt_since: Option<String>,
    pub exempt_reason: Option<String>,
    pub position: Option<String>,
    pub address: Option<String>,
    pub no_smartphone: bool,
}

/// The values a row gives each field, as stored (codes and ISO dates). An optional field left
/// empty in the file keeps what the app holds (nothing stored is lost to a blank cell); the
/// exemption follows the file whenever the file carries it.
pub fn merged(held: &Held, row: &ImportRow) -> Held {
    let keep = |new: Option<String>, old: &Option<String>| new.or_else(|| old.clone());
    let (exempt_since, exempt_reason) = if row.exemption_known {
        (
            row.dates.exempt_since.map(|d| d.iso()),
            row.exempt_reason.clone(),
        )
    } else {
        (held.exempt_since.clone(), held.exempt_reason.clone())
    };
    Held {
        org_code: row.org_code.clone(),
        full_name: row.full_name.clone(),
        birth_date: row.dates.birth.iso(),
        gender: row.gender.code().to_string(),
        ethnicity: row
            .ethnicity
            .clone()
            .unwrap_or_else(|| held.ethnicity.clone()),
        hometown: keep(row.hometown.clone(), &held.hometown),
        cccd: keep(
            row.cccd.as_ref().map(|c| c.as_str().to_string()),
            &held.cccd,
        ),
        phone: keep(
            row.phone.as_ref().map(|p| p.as_str().to_string()),
            &held.phone,
        ),
        card_number: keep(row.card_number.clone(), &held.card_number),
        joined_date: row.dates.joined.iso(),
        official_date: if row.official_known {
            row.dates.official.map(|d| d.iso())
        } else {
            held.official_date.clone()
        },
        exempt_since,
        exempt_reason,
        // Positions are the cell's own business once set in the app; the file fills a blank.
        position: keep(row.position.map(|p| p.code().to_string()), &held.position),
        address: keep(row.address.clone(), &held.address),
        no_smartphone: row.no_smartphone.unwrap_or(held.no_smartphone),
    }
}

/// The fields in which `new` differs from `old`, in a fixed order.
pub fn changes(old: &Held, new: &Held) -> Vec<Change> {
    let mut out = Vec::new();
    let mut cmp = |field: Field, a: Option<&str>, b: Option<&str>| {
        if a != b {
            out.push(Change {
                field: field.code().to_string(),
                old: a.unwrap_or("").to_string(),
                new: b.unwrap_or("").to_string(),
            });
        }
    };
    cmp(Field::OrgCode, Some(&old.org_code), Some(&new.org_code));
    cmp(Field::FullName, Some(&old.full_name), Some(&new.full_name));
    cmp(
        Field::BirthDate,
        Some(&old.birth_date),
        Some(&new.birth_date),
    );
    cmp(Field::Gender, Some(&old.gender), Some(&new.gender));
    cmp(Field::Ethnicity, Some(&old.ethnicity), Some(&new.ethnicity));
    cmp(
        Field::Hometown,
        old.hometown.as_deref(),
        new.hometown.as_deref(),
    );
    cmp(Field::Cccd, old.cccd.as_deref(), new.cccd.as_deref());
    cmp(Field::Phone, old.phone.as_deref(), new.phone.as_deref());
    cmp(
        Field::CardNumber,
        old.card_number.as_deref(),
        new.card_number.as_deref(),
    );
    cmp(
        Field::JoinedDate,
        Some(&old.joined_date),
        Some(&new.joined_date),
    );
    cmp(
        Field::OfficialDate,
        old.official_date.as_deref(),
        new.official_date.as_deref(),
    );
    cmp(
        Field::ExemptSince,
        old.exempt_since.as_deref(),
        new.exempt_since.as_deref(),
    );
    cmp(
        Field::ExemptReason,
        old.exempt_reason.as_deref(),
        new.exempt_reason.as_deref(),
    );
    cmp(
        Field::Position,
        old.position.as_deref(),
        new.position.as_deref(),
    );
    cmp(
        Field::Address,
        old.address.as_deref(),
        new.address.as_deref(),
    );
    let mark = |b: bool| b.then_some("1");
    cmp(
        Field::NoSmartphone,
        mark(old.no_smartphone),
        mark(new.no_smartphone),
    );
    out
}

/// How a row changes the member's exemption, if it does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ExemptionChange {
    Starts,
    Ends,
}

pub fn exemption_change(old: &Held, new: &Held) -> Option<ExemptionChange> {
    match (old.exempt_since.is_some(), new.exempt_since.is_some()) {
        (false, true) => Some(ExemptionChange::Starts),
        (true, false) => Some(ExemptionChange::Ends),
        _ => None,
    }
}

/// The zip-bomb guard, on the sizes a workbook's zip directory declares (read before anything
/// is unpacked): too much in all, or one entry compressed far beyond what XML allows.
pub fn check_archive(entries: &[(u64, u64)]) -> Result<(), &'static str> {
    let mut total: u64 = 0;
    for &(compressed, unpacked) in entries {
        total = total.saturating_add(unpacked);
        if unpacked > 1024 * 1024 && unpacked / compressed.max(1) > MAX_COMPRESSION_RATIO {
            return Err("err_import_zip_bomb");
        }
    }
    if total > MAX_UNPACKED_BYTES {
        return Err("err_import_zip_bomb");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_and_reasons_read_back_from_their_codes() {
        for s in ImportStage::ALL {
            assert_eq!(ImportStage::from_code(s.code()), Some(*s));
        }
        let running: Vec<_> = ImportStage::ALL
            .iter()
            .filter(|s| s.is_running())
            .map(|s| s.code())
            .collect();
        assert_eq!(running, ["reading", "checking", "applying"]);
        let reasons: Vec<_> = BlockedReason::ALL.iter().map(|r| r.code()).collect();
        assert_eq!(
            reasons,
            [
                "no_phone",
                "no_account",
                "pending",
                "no_password",
                "locked",
                "rejected"
            ]
        );
        assert_eq!(ImportKind::from_code("orgs"), Some(ImportKind::Orgs));
    }

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    const HEADERS: [&str; 12] = [
        "STT",
        "Mã đảng viên",
        "Họ và tên",
        "Ngày sinh",
        "Giới tính",
        "Dân tộc",
        "Số CCCD",
        "Số điện thoại",
        "Ngày vào Đảng",
        "Ngày chính thức",
        "Mã tổ chức đảng",
        "Miễn sinh hoạt từ",
    ];

    fn mapping() -> Mapping {
        let mut m = guess_mapping(&s(&HEADERS));
        m.push(Some(Field::ExemptReason));
        m
    }

    fn today() -> Date {
        Date::parse("2026-11-22").unwrap()
    }

    fn row(edit: impl FnOnce(&mut Vec<String>)) -> Vec<String> {
        let mut r = s(&[
            "1",
            "DV0001",
            "Nguyễn Văn An",
            "05/01/1970",
            "Nam",
            "Kinh",
            "001070012345",
            "0912345678",
            "01/06/1995",
            "01/06/1996",
            "CB01",
            "",
            "",
        ]);
        edit(&mut r);
        r
    }

    #[test]
    fn vietnamese_headers_map_to_fields_whatever_their_marks_and_case() {
        let m = guess_mapping(&s(&HEADERS));
        assert_eq!(m[0], None);
        assert_eq!(m[1], Some(Field::MemberCode));
        assert_eq!(m[2], Some(Field::FullName));
        assert_eq!(m[3], Some(Field::BirthDate));
        assert_eq!(m[8], Some(Field::JoinedDate));
        assert_eq!(m[9], Some(Field::OfficialDate));
        assert_eq!(m[10], Some(Field::OrgCode));
        assert_eq!(m[11], Some(Field::ExemptSince));
        // Decomposed marks, upper case, a trailing colon.
        let m = guess_mapping(&s(&["HỌ VÀ TÊN:", "ho ten"]));
        assert_eq!(
            m,
            vec![Some(Field::FullName), None],
            "a field is taken once"
        );
        assert!(check_mapping(&mapping()).is_ok());
    }

    #[test]
    fn a_mapping_needs_the_required_fields_once_each() {
        let errs = check_mapping(&vec![Some(Field::FullName), Some(Field::FullName)]).unwrap_err();
        let keys: Vec<(&str, &str)> = errs
            .iter()
            .map(|e| (e.field.as_str(), e.key.as_str()))
            .collect();
        assert!(keys.contains(&("org_code", "err_import_field_unmapped")));
        assert!(keys.contains(&("full_name", "err_import_field_twice")));
        assert!(!keys.contains(&("full_name", "err_import_field_unmapped")));
    }

    #[test]
    fn a_good_row_parses_into_register_types() {
        let r = parse_row(&row(|_| {}), &mapping(), today()).unwrap();
        assert_eq!(r.member_code, "DV0001");
        assert_eq!(r.org_code, "CB01");
        assert_eq!(r.gender, Gender::Male);
        assert_eq!(r.dates.status(), MemberStatus::Official);
        assert_eq!(r.phone.unwrap().as_str(), "0912345678");
        assert!(r.exemption_known);
        assert_eq!(r.dates.exempt_since, None);
    }

    #[test]
    fn numbers_that_lost_their_leading_zeros_in_a_spreadsheet_get_them_back() {
        let r = parse_row(
            &row(|r| {
                r[6] = "1070012345".into();
                r[7] = "912345678".into();
            }),
            &mapping(),
            today(),
        )
        .unwrap();
        assert_eq!(r.cccd.unwrap().as_str(), "001070012345");
        assert_eq!(r.phone.unwrap().as_str(), "0912345678");
    }

    fn keys(r: Result<ImportRow, Vec<FieldError>>) -> Vec<(String, String)> {
        r.unwrap_err()
            .into_iter()
            .map(|e| (e.field, e.key))
            .collect()
    }

    #[test]
    fn every_failing_rule_of_a_row_is_named() {
        let k = keys(parse_row(
            &row(|r| {
                r[6] = "12345".into();
                r[3] = "31/02/1970".into();
                r[4] = "Không rõ".into();
            }),
            &mapping(),
            today(),
        ));
        assert!(
            k.contains(&("cccd".into(), "err_cccd_shape".into())),
            "{k:?}"
        );
        assert!(
            k.contains(&("birth_date".into(), "err_date_format".into())),
            "{k:?}"
        );
        assert!(
            k.contains(&("gender".into(), "err_import_gender".into())),
            "{k:?}"
        );

        let k = keys(parse_row(
            &row(|r| r[9] = "01/01/1990".into()),
            &mapping(),
            today(),
        ));
        assert_eq!(
            k,
            vec![("official_date".into(), "err_official_before_joined".into())]
        );

        let k = keys(parse_row(
            &row(|r| r[11] = "01/01/2020".into()),
            &mapping(),
            today(),
        ));
        assert_eq!(
            k,
            vec![("exempt_reason".into(), "err_exempt_reason_missing".into())]
        );

        let k = keys(parse_row(&row(|r| r[1] = " ".into()), &mapping(), today()));
        assert_eq!(k, vec![("member_code".into(), "err_required".into())]);

        // The CCCD's century-and-gender digit disagrees with the row.
        let k = keys(parse_row(&row(|r| r[4] = "Nữ".into()), &mapping(), today()));
        assert_eq!(k, vec![("cccd".into(), "err_cccd_mismatch".into())]);
    }

    /// Issue #17: a required date given as "-" (the exports' blank) passed as "no date and no
    /// error", and the row then panicked at the end of `parse_row`.
    #[test]
    fn a_dash_for_a_required_date_is_a_missing_date_not_a_panic() {
        let k = keys(parse_row(&row(|r| r[3] = "-".into()), &mapping(), today()));
        assert_eq!(k, vec![("birth_date".into(), "err_required".into())]);
        let k = keys(parse_row(
            &row(|r| r[8] = " - ".into()),
            &mapping(),
            today(),
        ));
        assert_eq!(k, vec![("joined_date".into(), "err_required".into())]);
    }

    #[test]
    fn formula_looking_cells_are_refused() {
        assert!(looks_like_formula("=HYPERLINK(\"http://x\")"));
        assert!(looks_like_formula("@SUM(A1)"));
        assert!(looks_like_formula("+SUM(A1:A2)"));
        assert!(looks_like_formula("-2+3"));
        assert!(!looks_like_formula("+84 912 345 678"));
        assert!(!looks_like_formula("-"));
        assert!(!looks_like_formula("Nguyễn Văn An"));
        let k = keys(parse_row(
            &row(|r| r[2] = "=cmd|' /C calc'!A0".into()),
            &mapping(),
            today(),
        ));
        assert_eq!(k, vec![("full_name".into(), "err_import_formula".into())]);
        // An unmapped column is never read, so it may hold anything.
        assert!(parse_row(&row(|r| r[0] = "=1+1".into()), &mapping(), today()).is_ok());
    }

    fn held() -> Held {
        Held {
            org_code: "CB01".into(),
            full_name: "Nguyễn Văn An".into(),
            birth_date: "1970-01-05".into(),
            gender: "nam".into(),
            ethnicity: "Kinh".into(),
            cccd: Some("001070012345".into()),
            phone: Some("0912345678".into()),
            joined_date: "1995-06-01".into(),
            official_date: Some("1996-06-01".into()),
            address: Some("Số 5 Hàng Bài".into()),
            ..Held::default()
        }
    }

    #[test]
    fn the_no_smartphone_mark_comes_from_the_file_and_a_blank_keeps_it() {
        let headers: Vec<String> = ["Mã đảng viên", "Không dùng điện thoại thông minh"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(
            guess_mapping(&headers),
            vec![Some(Field::MemberCode), Some(Field::NoSmartphone)]
        );
        let mut m = mapping();
        m.push(Some(Field::NoSmartphone));
        let with = |v: &str| {
            let mut r = row(|_| {});
            r.push(v.to_string());
            parse_row(&r, &m, today())
        };
        assert_eq!(with("x").unwrap().no_smartphone, Some(true));
        assert_eq!(with("Có").unwrap().no_smartphone, Some(true));
        assert_eq!(with("").unwrap().no_smartphone, None);
        assert_eq!(with("không").unwrap().no_smartphone, Some(false));
        assert_eq!(with("có lẽ").unwrap_err()[0].key, "err_import_yes_no");
        let marked = Held {
            no_smartphone: true,
            ..held()
        };
        assert!(
            changes(&marked, &merged(&marked, &with("").unwrap())).is_empty(),
            "a blank keeps the mark"
        );
        assert_eq!(
            changes(&held(), &merged(&held(), &with("x").unwrap()))[0].field,
            "no_smartphone"
        );
    }

    #[test]
    fn an_unchanged_row_changes_nothing_and_blank_cells_keep_what_is_held() {
        let r = parse_row(&row(|_| {}), &mapping(), today()).unwrap();
        let new = merged(&held(), &r);
        assert_eq!(
            changes(&held(), &new),
            vec![],
            "the address is not in the file and stays"
        );
        let r = parse_row(&row(|r| r[7] = "".into()), &mapping(), today()).unwrap();
        assert!(
            changes(&held(), &merged(&held(), &r)).is_empty(),
            "a blank phone keeps the phone"
        );
    }

    #[test]
    fn changes_and_exemptions_are_listed_old_to_new() {
        let r = parse_row(
            &row(|r| {
                r[10] = "CB02".into();
                r[11] = "01/01/2024".into();
                r[12] = "Tuổi cao, sức yếu".into();
            }),
            &mapping(),
            today(),
        )
        .unwrap();
        let new = merged(&held(), &r);
        let c = changes(&held(), &new);
        assert_eq!(
            c[0],
            Change {
                field: "org_code".into(),
                old: "CB01".into(),
                new: "CB02".into()
            }
        );
        assert_eq!(
            c.iter().map(|c| c.field.as_str()).collect::<Vec<_>>(),
            vec!["org_code", "exempt_since", "exempt_reason"]
        );
        assert_eq!(
            exemption_change(&held(), &new),
            Some(ExemptionChange::Starts)
        );

        // The file carries the exemption columns and they are empty: the exemption ends.
        let mut exempt = held();
        exempt.exempt_since = Some("2020-01-01".into());
        exempt.exempt_reason = Some("Ốm".into());
        let r = parse_row(&row(|_| {}), &mapping(), today()).unwrap();
        assert_eq!(
            exemption_change(&exempt, &merged(&exempt, &r)),
            Some(ExemptionChange::Ends)
        );
        // Without those columns the held exemption stands.
        let mut m = mapping();
        m[11] = None;
        m[12] = None;
        let r = parse_row(&row(|_| {}), &m, today()).unwrap();
        assert_eq!(exemption_change(&exempt, &merged(&exempt, &r)), None);
    }

    #[test]
    fn the_zip_guard_refuses_bombs_not_workbooks() {
        assert!(check_archive(&[(300_000, 3_000_000), (2_000, 9_000)]).is_ok());
        assert_eq!(
            check_archive(&[(10_000, 1_000_000_000)]),
            Err("err_import_zip_bomb")
        );
        assert_eq!(
            check_archive(&[(100 * 1024 * 1024, 450 * 1024 * 1024)]),
            Err("err_import_zip_bomb")
        );
        // A tiny entry may compress well: the ratio rule starts at 1 MB.
        assert!(check_archive(&[(10, 100_000)]).is_ok());
    }
}
