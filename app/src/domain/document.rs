//! Party documents: their types and numbers (`339-QĐ/TW`, `1742-CV/TU`).

use super::code::coded_enum;
use serde::{Deserialize, Serialize};

coded_enum!(
    /// Documents and news share the library; the member sees them on two pages.
    DocumentKind {
        /// Văn bản: resolutions, directives, plans …
        Document = "van_ban",
        /// Tin tức: news.
        News = "tin_tuc",
    }
);

coded_enum!(
    /// A published document is read; a withdrawn one is gone for members (kept for the record).
    DocumentStatus {
        Published = "published",
        Withdrawn = "withdrawn",
    }
);

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DocType {
    Resolution,
    Directive,
    Regulation,
    Conclusion,
    Plan,
    Guidance,
    OfficialLetter,
    Announcement,
    Report,
}

impl DocType {
    pub const ALL: [DocType; 9] = [
        DocType::Resolution,
        DocType::Directive,
        DocType::Regulation,
        DocType::Conclusion,
        DocType::Plan,
        DocType::Guidance,
        DocType::OfficialLetter,
        DocType::Announcement,
        DocType::Report,
    ];

    pub fn code(self) -> &'static str {
        match self {
            DocType::Resolution => "nghi_quyet",
            DocType::Directive => "chi_thi",
            DocType::Regulation => "quy_dinh",
            DocType::Conclusion => "ket_luan",
            DocType::Plan => "ke_hoach",
            DocType::Guidance => "huong_dan",
            DocType::OfficialLetter => "cong_van",
            DocType::Announcement => "thong_bao",
            DocType::Report => "bao_cao",
        }
    }

    pub fn from_code(code: &str) -> Option<DocType> {
        DocType::ALL.into_iter().find(|t| t.code() == code)
    }

    /// The abbreviation used in document numbers (NQ, CT, QĐ, …).
    pub fn abbreviation(self) -> &'static str {
        match self {
            DocType::Resolution => "NQ",
            DocType::Directive => "CT",
            DocType::Regulation => "QĐ",
            DocType::Conclusion => "KL",
            DocType::Plan => "KH",
            DocType::Guidance => "HD",
            DocType::OfficialLetter => "CV",
            DocType::Announcement => "TB",
            DocType::Report => "BC",
        }
    }
}

/// A document number: serial, type abbreviation, issuing body — `339-QĐ/TW`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DocNumber(String);

impl DocNumber {
    pub fn parse(input: &str) -> Result<DocNumber, &'static str> {
        let s: String = input
            .split_whitespace()
            .collect::<Vec<_>>()
            .join("")
            .replace('–', "-");
        let s = s.to_uppercase().replace("QD/", "QĐ/").replace("/DU", "/ĐU");
        let (serial, rest) = s.split_once('-').ok_or("err_doc_number")?;
        let (abbr, body) = rest.split_once('/').ok_or("err_doc_number")?;
        let ok = !serial.is_empty()
            && serial.len() <= 6
            && serial.bytes().all(|b| b.is_ascii_digit())
            && !abbr.is_empty()
            && abbr.chars().all(|c| c.is_alphabetic())
            && !body.is_empty()
            && body.chars().all(|c| c.is_alphanumeric() || c == '-');
        if ok {
            Ok(DocNumber(s))
        } else {
            Err("err_doc_number")
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The type its abbreviation names, if any.
    pub fn doc_type(&self) -> Option<DocType> {
        let abbr = self.0.split_once('-')?.1.split_once('/')?.0;
        DocType::ALL.into_iter().find(|t| t.abbreviation() == abbr)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        assert_eq!(DocNumber::parse("339-QĐ/TW").unwrap().as_str(), "339-QĐ/TW");
        assert_eq!(
            DocNumber::parse(" 1742 - cv/tu ").unwrap().as_str(),
            "1742-CV/TU"
        );
        assert_eq!(DocNumber::parse("27-KH/DU").unwrap().as_str(), "27-KH/ĐU");
        assert_eq!(
            DocNumber::parse("10-HD/BTGDVTU").unwrap().doc_type(),
            Some(DocType::Guidance)
        );
        assert_eq!(
            DocNumber::parse("339-qd/tw").unwrap().doc_type(),
            Some(DocType::Regulation)
        );
        assert_eq!(DocNumber::parse("339"), Err("err_doc_number"));
        assert_eq!(DocNumber::parse("abc-QĐ/TW"), Err("err_doc_number"));
        assert_eq!(DocNumber::parse("12-/TW"), Err("err_doc_number"));
    }

    #[test]
    fn type_codes() {
        for t in DocType::ALL {
            assert_eq!(DocType::from_code(t.code()), Some(t));
        }
    }
}
