//! Căn cước công dân (citizen ID) numbers: 12 digits = birth-province code (3), century and
//! gender (1), last two digits of the birth year (2), serial (6).

use super::register::Gender;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The 63 province codes in use for CCCD numbers (Circular 07/2016/TT-BCA).
const PROVINCE_CODES: [u16; 63] = [
    1, 2, 4, 6, 8, 10, 11, 12, 14, 15, 17, 19, 20, 22, 24, 25, 26, 27, 30, 31, 33, 34, 35, 36, 37,
    38, 40, 42, 44, 45, 46, 48, 49, 51, 52, 54, 56, 58, 60, 62, 64, 66, 67, 68, 70, 72, 74, 75, 77,
    79, 80, 82, 83, 84, 86, 87, 89, 91, 92, 93, 94, 95, 96,
];

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Cccd(String);

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CccdError {
    #[error("err_cccd_empty")]
    Empty,
    #[error("err_cccd_shape")]
    Shape,
    #[error("err_cccd_province")]
    UnknownProvince,
}

impl CccdError {
    pub fn key(self) -> &'static str {
        match self {
            CccdError::Empty => "err_cccd_empty",
            CccdError::Shape => "err_cccd_shape",
            CccdError::UnknownProvince => "err_cccd_province",
        }
    }
}

impl Cccd {
    /// Accepts the number with spaces (as printed on the card) and returns the 12 digits.
    pub fn parse(input: &str) -> Result<Cccd, CccdError> {
        let digits: String = input.chars().filter(|c| !c.is_whitespace()).collect();
        if digits.is_empty() {
            return Err(CccdError::Empty);
        }
        if digits.len() != 12 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(CccdError::Shape);
        }
        let province: u16 = digits[..3].parse().map_err(|_| CccdError::Shape)?;
        if !PROVINCE_CODES.contains(&province) {
            return Err(CccdError::UnknownProvince);
        }
        Ok(Cccd(digits))
    }

    /// Builds a number from its parts (used by the demo generator).
    pub fn compose(province: u16, birth_year: i32, gender: Gender, serial: u32) -> Cccd {
        let century = (birth_year / 100 - 19).clamp(0, 4);
        let digit = century * 2 + if gender == Gender::Female { 1 } else { 0 };
        Cccd(format!(
            "{:03}{}{:02}{:06}",
            province,
            digit,
            birth_year.rem_euclid(100),
            serial % 1_000_000
        ))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn province_code(&self) -> u16 {
        self.0[..3].parse().unwrap_or(0)
    }

    /// Whether the century/gender digit and the year digits agree with the register.
    /// A mismatch is a warning for the import (the ID or the register has a typo), not a refusal.
    pub fn agrees_with(&self, birth_year: i32, gender: Gender) -> bool {
        // A `Cccd` is 12 digits when parsed, but may also come from deserialisation: no indexing.
        let Some(digit) = self
            .0
            .as_bytes()
            .get(3)
            .filter(|b| b.is_ascii_digit())
            .map(|b| (b - b'0') as i32)
        else {
            return false;
        };
        let century = 19 + digit / 2;
        let female = digit % 2 == 1;
        let Some(yy) = self.0.get(4..6).and_then(|y| y.parse::<i32>().ok()) else {
            return false;
        };
        century * 100 + yy == birth_year && female == (gender == Gender::Female)
    }
}

impl fmt::Display for Cccd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_printed_numbers() {
        let c = Cccd::parse("068 1 85 001234").unwrap();
        assert_eq!(c.as_str(), "068185001234");
        assert_eq!(c.province_code(), 68);
    }

    #[test]
    fn refuses_wrong_shapes() {
        assert_eq!(Cccd::parse(""), Err(CccdError::Empty));
        assert_eq!(Cccd::parse("06818500123"), Err(CccdError::Shape));
        assert_eq!(Cccd::parse("0681850012345"), Err(CccdError::Shape));
        assert_eq!(Cccd::parse("06818500123a"), Err(CccdError::Shape));
        // 003 is not a province code (Hà Giang is 002, Cao Bằng 004).
        assert_eq!(Cccd::parse("003185001234"), Err(CccdError::UnknownProvince));
        assert_eq!(Cccd::parse("000185001234"), Err(CccdError::UnknownProvince));
    }

    #[test]
    fn compose_and_agree() {
        let c = Cccd::compose(68, 1946, Gender::Male, 42);
        assert_eq!(c.as_str(), "068046000042");
        assert!(c.agrees_with(1946, Gender::Male));
        assert!(!c.agrees_with(1946, Gender::Female));
        assert!(!c.agrees_with(2046, Gender::Male));
        let d = Cccd::compose(79, 2003, Gender::Female, 1_234_567);
        assert_eq!(d.as_str(), "079303234567");
        assert!(d.agrees_with(2003, Gender::Female));
        assert!(Cccd::parse(d.as_str()).is_ok());
    }
}
