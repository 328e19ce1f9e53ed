//! Rules of the member register (danh sách đảng viên): genders, statuses, positions, dates that
//! must be in order, and the chi bộ minimum used by reports.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A chi bộ must have at least this many official members (Điều lệ Đảng).
pub const CELL_MIN_OFFICIAL_MEMBERS: u32 = 3;
/// From this many members a chi bộ usually becomes a đảng bộ cơ sở.
pub const CELL_USUAL_MAX_MEMBERS: u32 = 30;
/// Minimum age to be admitted to the Party.
pub const MIN_JOINING_AGE: i32 = 18;

pub fn cell_meets_minimum(official_members: u32) -> bool {
    official_members >= CELL_MIN_OFFICIAL_MEMBERS
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Gender {
    Male,
    Female,
}

crate::domain::code::coded_by_hand!(Gender, MemberStatus, Position);

impl Gender {
    pub fn code(self) -> &'static str {
        match self {
            Gender::Male => "nam",
            Gender::Female => "nu",
        }
    }
    pub fn from_code(code: &str) -> Option<Gender> {
        match code {
            "nam" => Some(Gender::Male),
            "nu" => Some(Gender::Female),
            _ => None,
        }
    }
}

/// Dự bị (probationary) or chính thức (official).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum MemberStatus {
    Probationary,
    Official,
}

impl MemberStatus {
    pub fn code(self) -> &'static str {
        match self {
            MemberStatus::Probationary => "du_bi",
            MemberStatus::Official => "chinh_thuc",
        }
    }
    pub fn from_code(code: &str) -> Option<MemberStatus> {
        match code {
            "du_bi" => Some(MemberStatus::Probationary),
            "chinh_thuc" => Some(MemberStatus::Official),
            _ => None,
        }
    }
}

/// Chi bộ positions held in the register. Roles in the app derive from them (`domain::permission`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Position {
    Secretary,
    DeputySecretary,
    CommitteeMember,
}

impl Position {
    pub fn code(self) -> &'static str {
        match self {
            Position::Secretary => "bi_thu",
            Position::DeputySecretary => "pho_bi_thu",
            Position::CommitteeMember => "chi_uy_vien",
        }
    }
    pub fn from_code(code: &str) -> Option<Position> {
        match code {
            "bi_thu" => Some(Position::Secretary),
            "pho_bi_thu" => Some(Position::DeputySecretary),
            "chi_uy_vien" => Some(Position::CommitteeMember),
            _ => None,
        }
    }
}

/// A calendar date. The register needs ordering and whole years, nothing more, so a small
/// type keeps chrono out of the wasm.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Date {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("err_date_format")]
pub struct DateError;

impl Date {
    pub fn new(year: i32, month: u32, day: u32) -> Result<Date, DateError> {
        if !(1800..=2200).contains(&year) || !(1..=12).contains(&month) {
            return Err(DateError);
        }
        if day == 0 || day > days_in_month(year, month) {
            return Err(DateError);
        }
        Ok(Date { year, month, day })
    }

    /// Accepts ISO `2024-03-05` and the Vietnamese `05/03/2024` (also with `-` or `.`).
    pub fn parse(input: &str) -> Result<Date, DateError> {
        let s = input.trim();
        let parts: Vec<&str> = s.split(['-', '/', '.']).collect();
        if parts.len() != 3
            || parts
                .iter()
                .any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err(DateError);
        }
        // Parsed as the field's own type: `as` would wrap "2024-4294967297-01" to January.
        let n = |p: &str| p.parse::<u32>().map_err(|_| DateError);
        let year = |p: &str| p.parse::<i32>().map_err(|_| DateError);
        if parts[0].len() == 4 {
            Date::new(year(parts[0])?, n(parts[1])?, n(parts[2])?)
        } else if parts[2].len() == 4 {
            Date::new(year(parts[2])?, n(parts[1])?, n(parts[0])?)
        } else {
            Err(DateError)
        }
    }

    /// ISO form, which is also how dates are stored (text sorts in date order).
    pub fn iso(&self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }

    /// Whole years from `self` to `later`.
    pub fn years_until(&self, later: Date) -> i32 {
        let mut years = later.year - self.year;
        if (later.month, later.day) < (self.month, self.day) {
            years -= 1;
        }
        years
    }

    pub fn add_months(&self, months: u32) -> Date {
        let total = self.year * 12 + (self.month as i32 - 1) + months as i32;
        let (year, month) = (total.div_euclid(12), total.rem_euclid(12) as u32 + 1);
        Date {
            year,
            month,
            day: self.day.min(days_in_month(year, month)),
        }
    }
}

impl fmt::Display for Date {
    /// Vietnamese reading order, dd/mm/yyyy.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}/{:02}/{:04}", self.day, self.month, self.year)
    }
}

pub fn is_leap_year(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

pub fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// A register rule that failed, for one field: the field's name and an i18n message key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub key: String,
}

impl FieldError {
    pub fn new(field: &str, key: &str) -> FieldError {
        FieldError {
            field: field.to_string(),
            key: key.to_string(),
        }
    }
}

/// A form's free text: trimmed, `None` when empty and optional, at most `max` characters.
/// Errors name the field (`err_required`, `err_too_long`).
pub fn bounded(
    input: &str,
    field: &str,
    max: usize,
    required: bool,
) -> Result<Option<String>, FieldError> {
    let t = input.trim();
    if t.is_empty() {
        return if required {
            Err(FieldError::new(field, "err_required"))
        } else {
            Ok(None)
        };
    }
    if t.chars().count() > max {
        return Err(FieldError::new(field, "err_too_long"));
    }
    Ok(Some(t.to_string()))
}

/// One field that would change: its name, the value held and the new one (shown before an
/// import writes anything).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub field: String,
    pub old: String,
    pub new: String,
}

/// The dates of one member's party life, checked for order against each other and today.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartyDates {
    pub birth: Date,
    pub joined: Date,
    pub official: Option<Date>,
    pub exempt_since: Option<Date>,
}

impl PartyDates {
    pub fn parse(
        birth: Date,
        joined: Date,
        official: Option<Date>,
        exempt_since: Option<Date>,
        today: Date,
    ) -> Result<PartyDates, Vec<FieldError>> {
        let mut errors = Vec::new();
        let future = |d: Date| d > today;
        if future(birth) {
            errors.push(FieldError::new("birth_date", "err_date_future"));
        }
        if future(joined) {
            errors.push(FieldError::new("joined_date", "err_date_future"));
        }
        if birth.years_until(joined) < MIN_JOINING_AGE {
            errors.push(FieldError::new("joined_date", "err_joined_too_young"));
        }
        if let Some(official) = official {
            if future(official) {
                errors.push(FieldError::new("official_date", "err_date_future"));
            }
            if official < joined {
                errors.push(FieldError::new(
                    "official_date",
                    "err_official_before_joined",
                ));
            }
        }
        if let Some(exempt) = exempt_since {
            if exempt < joined {
                errors.push(FieldError::new("exempt_since", "err_exempt_before_joined"));
            }
        }
        if errors.is_empty() {
            Ok(PartyDates {
                birth,
                joined,
                official,
                exempt_since,
            })
        } else {
            Err(errors)
        }
    }

    /// Status follows the official date: without one the member is still probationary.
    pub fn status(&self) -> MemberStatus {
        if self.official.is_some() {
            MemberStatus::Official
        } else {
            MemberStatus::Probationary
        }
    }
}

/// Checks a stated status against the official date (the national export carries both,
/// and they disagree often enough to be worth a message).
pub fn check_status(status: MemberStatus, official: Option<Date>) -> Result<(), FieldError> {
    match (status, official) {
        (MemberStatus::Official, None) => {
            Err(FieldError::new("official_date", "err_official_missing"))
        }
        (MemberStatus::Probationary, Some(_)) => {
            Err(FieldError::new("status", "err_status_conflict"))
        }
        _ => Ok(()),
    }
}

/// An exemption needs both a date and a reason.
pub fn check_exemption(since: Option<Date>, reason: Option<&str>) -> Result<(), FieldError> {
    match (since, reason.map(str::trim).filter(|r| !r.is_empty())) {
        (Some(_), None) => Err(FieldError::new(
            "exempt_reason",
            "err_exempt_reason_missing",
        )),
        (None, Some(_)) => Err(FieldError::new("exempt_since", "err_exempt_date_missing")),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn bounded_text_trims_requires_and_limits() {
        use super::bounded;
        assert_eq!(bounded("  a b ", "f", 3, true).unwrap(), Some("a b".into()));
        assert_eq!(bounded("   ", "f", 3, false).unwrap(), None);
        let e = bounded(" ", "f", 3, true).unwrap_err();
        assert_eq!((e.field.as_str(), e.key.as_str()), ("f", "err_required"));
        // Characters, not bytes: "Đảng" is 4 characters, 7 bytes.
        assert_eq!(bounded("Đảng", "f", 4, true).unwrap(), Some("Đảng".into()));
        let e = bounded("abcd", "f", 3, false).unwrap_err();
        assert_eq!((e.field.as_str(), e.key.as_str()), ("f", "err_too_long"));
    }

    use super::*;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    #[test]
    fn dates_parse_in_both_orders_and_validate_days() {
        assert_eq!(
            d("2024-03-05"),
            Date {
                year: 2024,
                month: 3,
                day: 5
            }
        );
        assert_eq!(d("05/03/2024"), d("2024-03-05"));
        assert_eq!(d("5.3.2024"), d("2024-03-05"));
        assert_eq!(d("29/02/2024").iso(), "2024-02-29");
        assert!(Date::parse("29/02/2023").is_err());
        assert!(Date::parse("31/04/2024").is_err());
        assert!(Date::parse("2024/13/01").is_err());
        assert!(Date::parse("hôm qua").is_err());
        assert!(Date::parse("").is_err());
        // Issue #17: a number past u32 used to wrap round to a valid month or day.
        assert!(Date::parse("2024-4294967297-01").is_err());
        assert!(Date::parse("4294967301/01/2024").is_err());
        assert_eq!(d("2024-03-05").to_string(), "05/03/2024");
    }

    #[test]
    fn years_and_months() {
        assert_eq!(d("1946-05-19").years_until(d("2026-05-18")), 79);
        assert_eq!(d("1946-05-19").years_until(d("2026-05-19")), 80);
        assert_eq!(d("2024-01-31").add_months(1), d("2024-02-29"));
        assert_eq!(d("2024-11-15").add_months(12), d("2025-11-15"));
        assert_eq!(d("2024-11-15").add_months(2), d("2025-01-15"));
    }

    #[test]
    fn party_dates_must_be_in_order() {
        let today = d("2026-11-22");
        let ok = PartyDates::parse(
            d("1980-01-01"),
            d("2005-06-01"),
            Some(d("2006-06-01")),
            None,
            today,
        )
        .unwrap();
        assert_eq!(ok.status(), MemberStatus::Official);

        let probation =
            PartyDates::parse(d("2000-01-01"), d("2026-06-01"), None, None, today).unwrap();
        assert_eq!(probation.status(), MemberStatus::Probationary);

        let errs = PartyDates::parse(
            d("2010-01-01"),
            d("2026-01-01"),
            Some(d("2025-01-01")),
            Some(d("2020-01-01")),
            today,
        )
        .unwrap_err();
        let keys: Vec<_> = errs
            .iter()
            .map(|e| (e.field.as_str(), e.key.as_str()))
            .collect();
        assert_eq!(
            keys,
            vec![
                ("joined_date", "err_joined_too_young"),
                ("official_date", "err_official_before_joined"),
                ("exempt_since", "err_exempt_before_joined"),
            ]
        );

        let future =
            PartyDates::parse(d("1990-01-01"), d("2027-01-01"), None, None, today).unwrap_err();
        assert_eq!(future[0], FieldError::new("joined_date", "err_date_future"));
    }

    #[test]
    fn status_and_exemption_consistency() {
        assert!(check_status(MemberStatus::Official, Some(d("2020-01-01"))).is_ok());
        assert_eq!(
            check_status(MemberStatus::Official, None).unwrap_err().key,
            "err_official_missing"
        );
        assert_eq!(
            check_status(MemberStatus::Probationary, Some(d("2020-01-01")))
                .unwrap_err()
                .field,
            "status"
        );
        assert!(check_exemption(None, None).is_ok());
        assert!(check_exemption(Some(d("2020-01-01")), Some("Tuổi cao, sức yếu")).is_ok());
        assert_eq!(
            check_exemption(Some(d("2020-01-01")), Some("  "))
                .unwrap_err()
                .key,
            "err_exempt_reason_missing"
        );
        assert_eq!(
            check_exemption(None, Some("x")).unwrap_err().key,
            "err_exempt_date_missing"
        );
    }

    #[test]
    fn cell_minimum() {
        assert!(!cell_meets_minimum(2));
        assert!(cell_meets_minimum(3));
    }

    #[test]
    fn codes_round_trip() {
        for p in [
            Position::Secretary,
            Position::DeputySecretary,
            Position::CommitteeMember,
        ] {
            assert_eq!(Position::from_code(p.code()), Some(p));
        }
        for s in [MemberStatus::Probationary, MemberStatus::Official] {
            assert_eq!(MemberStatus::from_code(s.code()), Some(s));
        }
        for g in [Gender::Male, Gender::Female] {
            assert_eq!(Gender::from_code(g.code()), Some(g));
        }
        assert_eq!(Position::from_code("giam_doc"), None);
    }
}
