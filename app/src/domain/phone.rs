//! Vietnamese phone numbers. `0912 345 678`, `+84 912 345 678` and `84912345678` are one number;
//! we store the national form (`0912345678`) because that is what members read and type.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Phone(String);

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    #[error("err_phone_empty")]
    Empty,
    #[error("err_phone_chars")]
    InvalidCharacters,
    #[error("err_phone_length")]
    InvalidLength,
    #[error("err_phone_prefix")]
    InvalidPrefix,
}

impl PhoneError {
    pub fn key(self) -> &'static str {
        match self {
            PhoneError::Empty => "err_phone_empty",
            PhoneError::InvalidCharacters => "err_phone_chars",
            PhoneError::InvalidLength => "err_phone_length",
            PhoneError::InvalidPrefix => "err_phone_prefix",
        }
    }
}

impl Phone {
    /// Parses any common written form: spaces, dots, dashes and brackets are ignored,
    /// a leading `+84`, `84` or `0084` becomes `0`.
    pub fn parse(input: &str) -> Result<Phone, PhoneError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(PhoneError::Empty);
        }
        let mut digits = String::with_capacity(12);
        // `i` is a byte offset: a no-break space before the `+` is two bytes, one character.
        for (i, c) in trimmed.char_indices() {
            match c {
                '0'..='9' => digits.push(c),
                ' ' | '.' | '-' | '(' | ')' | '\u{a0}' => {}
                '+' if trimmed[..i].chars().all(|p| p == '(') => {}
                _ => return Err(PhoneError::InvalidCharacters),
            }
        }
        let national = if let Some(rest) = digits.strip_prefix("0084") {
            format!("0{rest}")
        } else if digits.starts_with("84") && digits.len() >= 11 {
            format!("0{}", &digits[2..])
        } else {
            digits
        };
        // Mobile numbers have 10 digits (03x, 05x, 07x, 08x, 09x); landlines 11 (02xx…).
        let ok_prefix = national.starts_with('0')
            && matches!(
                national.as_bytes().get(1),
                Some(b'2' | b'3' | b'5' | b'7' | b'8' | b'9')
            );
        let expected_len = if national.as_bytes().get(1) == Some(&b'2') {
            11
        } else {
            10
        };
        if national.len() != expected_len {
            if national.len() < 9 || national.len() > 12 {
                return Err(PhoneError::InvalidLength);
            }
            return Err(if ok_prefix {
                PhoneError::InvalidLength
            } else {
                PhoneError::InvalidPrefix
            });
        }
        if !ok_prefix {
            return Err(PhoneError::InvalidPrefix);
        }
        Ok(Phone(national))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `tel:` link target in international form, which every dialer accepts.
    pub fn tel_uri(&self) -> String {
        format!("tel:+84{}", self.0.get(1..).unwrap_or(""))
    }
}

impl fmt::Display for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_three_written_forms_are_one_number() {
        let a = Phone::parse("0912 345 678").unwrap();
        let b = Phone::parse("+84 912 345 678").unwrap();
        let c = Phone::parse("84912345678").unwrap();
        let d = Phone::parse("(+84) 912.345.678").unwrap();
        let e = Phone::parse("0084912345678").unwrap();
        assert_eq!(a.as_str(), "0912345678");
        assert_eq!(a, b);
        assert_eq!(a, c);
        assert_eq!(a, d);
        assert_eq!(a, e);
        assert_eq!(a.tel_uri(), "tel:+84912345678");
    }

    #[test]
    fn landlines_have_eleven_digits() {
        assert_eq!(
            Phone::parse("0263 3822 123").unwrap().as_str(),
            "02633822123"
        );
        assert_eq!(Phone::parse("0263 382 212"), Err(PhoneError::InvalidLength));
    }

    #[test]
    fn rejects_bad_input_with_a_reason() {
        assert_eq!(Phone::parse("  "), Err(PhoneError::Empty));
        assert_eq!(
            Phone::parse("0912a45678"),
            Err(PhoneError::InvalidCharacters)
        );
        assert_eq!(Phone::parse("091234"), Err(PhoneError::InvalidLength));
        assert_eq!(Phone::parse("0112345678"), Err(PhoneError::InvalidPrefix));
        assert_eq!(Phone::parse("1912345678"), Err(PhoneError::InvalidPrefix));
        assert_eq!(Phone::parse("09123456789"), Err(PhoneError::InvalidLength));
        assert_eq!(
            Phone::parse("0912+345678"),
            Err(PhoneError::InvalidCharacters)
        );
    }

    /// A panic found with issue #17's property tests: a no-break space between the bracket and the
    /// `+` made the character index land inside it, and slicing there panicked.
    #[test]
    fn a_no_break_space_before_the_plus_is_not_a_panic() {
        assert_eq!(
            Phone::parse("(\u{a0}+84 912 345 678"),
            Err(PhoneError::InvalidCharacters)
        );
        assert_eq!(
            Phone::parse("(+84)\u{a0}912 345 678").unwrap().as_str(),
            "0912345678"
        );
    }

    #[test]
    fn error_keys_are_i18n_keys() {
        assert_eq!(PhoneError::InvalidPrefix.key(), "err_phone_prefix");
        assert_eq!(PhoneError::Empty.to_string(), PhoneError::Empty.key());
    }
}
