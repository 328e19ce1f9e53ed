//! Party documents: their types and numbers (`339-QĐ/TW`, `1742-CV/TU`).

use super::code::coded_enum;
use super::register::{Date, FieldError};
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

crate::domain::code::coded_by_hand!(DocType);

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

/// The longest document title, in characters.
pub const TITLE_MAX: usize = 300;
/// The longest document text, in characters (a long resolution is about 100 000).
pub const BODY_MAX: usize = 200_000;
/// The longest question or answer option, in characters.
pub const QUESTION_MAX: usize = 500;

/// Trimmed, or nothing when blank.
fn clean(s: &str) -> Option<String> {
    Some(s.trim().to_string()).filter(|s| !s.is_empty())
}

/// The publish form as typed.
#[derive(Clone, Copy, Debug, Default)]
pub struct PublishForm<'a> {
    pub kind: &'a str,
    pub doc_type: &'a str,
    pub number: &'a str,
    pub issuing_body: &'a str,
    pub issued_on: &'a str,
    pub title: &'a str,
    pub summary: &'a str,
    pub body: &'a str,
    pub tags: &'a str,
    /// The checkbox confirming the document is not classified (`on`, or `true` from scripts).
    pub not_classified: Option<&'a str>,
}

/// A document or news post ready to publish. A document has its type and number; news has
/// neither and is dated today unless a date is given.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocumentDraft {
    pub kind: DocumentKind,
    pub doc_type: Option<DocType>,
    pub number: Option<DocNumber>,
    pub issuing_body: Option<String>,
    pub issued_on: Date,
    pub title: String,
    pub summary: Option<String>,
    pub body: Option<String>,
    pub tags: Option<String>,
}

impl DocumentDraft {
    /// `today` is the date in Vietnam (no later issue date). Every field's error at once.
    pub fn parse(f: &PublishForm, today: Date) -> Result<DocumentDraft, Vec<FieldError>> {
        // Anything but news is a document (the form's two choices).
        let kind = match DocumentKind::from_code(f.kind.trim()) {
            Some(DocumentKind::News) => DocumentKind::News,
            _ => DocumentKind::Document,
        };
        let is_news = kind == DocumentKind::News;
        let mut errors = Vec::new();
        let title = f.title.trim().to_string();
        if title.is_empty() {
            errors.push(FieldError::new("title", "err_title_required"));
        } else if title.chars().count() > TITLE_MAX {
            errors.push(FieldError::new("title", "err_too_long"));
        }
        let doc_type = if is_news {
            None
        } else {
            DocType::from_code(f.doc_type.trim()).or_else(|| {
                errors.push(FieldError::new("doc_type", "err_required"));
                None
            })
        };
        let number = if is_news {
            None
        } else {
            DocNumber::parse(f.number)
                .map_err(|key| errors.push(FieldError::new("number", key)))
                .ok()
        };
        let issued_on = match clean(f.issued_on) {
            None if is_news => Some(today),
            None => {
                errors.push(FieldError::new("issued_on", "err_required"));
                None
            }
            Some(d) => match Date::parse(&d) {
                Ok(d) if d > today => {
                    errors.push(FieldError::new("issued_on", "err_date_future"));
                    None
                }
                Ok(d) => Some(d),
                Err(_) => {
                    errors.push(FieldError::new("issued_on", "err_date_format"));
                    None
                }
            },
        };
        let (summary, body) = (clean(f.summary), clean(f.body));
        if summary.is_none() && body.is_none() {
            errors.push(FieldError::new("body", "err_text_required"));
        }
        if body
            .as_deref()
            .is_some_and(|b| b.chars().count() > BODY_MAX)
        {
            errors.push(FieldError::new("body", "err_too_long"));
        }
        if !matches!(f.not_classified, Some("on" | "true")) {
            errors.push(FieldError::new("not_classified", "err_classified_confirm"));
        }
        match issued_on {
            Some(issued_on) if errors.is_empty() => Ok(DocumentDraft {
                kind,
                doc_type,
                number,
                issuing_body: clean(f.issuing_body),
                issued_on,
                title,
                summary,
                body,
                tags: clean(f.tags),
            }),
            _ => Err(errors),
        }
    }
}

/// A new text of a published document: a title, and a summary or a body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EditDraft {
    pub title: String,
    pub summary: Option<String>,
    pub body: Option<String>,
}

impl EditDraft {
    /// The first error only: a missing title is reported alone.
    pub fn parse(title: &str, summary: &str, body: &str) -> Result<EditDraft, FieldError> {
        let title = title.trim();
        if title.is_empty() {
            return Err(FieldError::new("title", "err_title_required"));
        }
        let (summary, body) = (clean(summary), clean(body));
        if summary.is_none() && body.is_none() {
            return Err(FieldError::new("body", "err_text_required"));
        }
        Ok(EditDraft {
            title: title.to_string(),
            summary,
            body,
        })
    }
}

/// A multiple-choice question on a document: three options, one of them (`a`, `b`, `c`) right.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuestionDraft {
    pub question: String,
    pub options: [String; 3],
    pub correct: String,
}

impl QuestionDraft {
    /// Every field's error at once.
    pub fn parse(
        question: &str,
        options: [&str; 3],
        correct: &str,
    ) -> Result<QuestionDraft, Vec<FieldError>> {
        let mut errors = Vec::new();
        for (field, value) in [
            ("question", question),
            ("option_a", options[0]),
            ("option_b", options[1]),
            ("option_c", options[2]),
        ] {
            if value.trim().is_empty() {
                errors.push(FieldError::new(field, "err_required"));
            } else if value.chars().count() > QUESTION_MAX {
                errors.push(FieldError::new(field, "err_too_long"));
            }
        }
        if !matches!(correct, "a" | "b" | "c") {
            errors.push(FieldError::new("correct", "err_required"));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(QuestionDraft {
            question: question.trim().to_string(),
            options: options.map(|o| o.trim().to_string()),
            correct: correct.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(e: Vec<FieldError>) -> Vec<(String, String)> {
        e.into_iter().map(|f| (f.field, f.key)).collect()
    }

    fn today() -> Date {
        Date::new(2026, 5, 10).unwrap()
    }

    fn resolution() -> PublishForm<'static> {
        PublishForm {
            kind: "van_ban",
            doc_type: "nghi_quyet",
            number: " 12 - nq/tu ",
            issuing_body: " Tỉnh ủy ",
            issued_on: "2026-05-01",
            title: "  Nghị quyết về chuyển đổi số ",
            summary: "",
            body: " Toàn văn ",
            tags: " ",
            not_classified: Some("on"),
        }
    }

    #[test]
    fn a_document_has_type_number_date_and_text() {
        let d = DocumentDraft::parse(&resolution(), today()).unwrap();
        assert_eq!(d.kind, DocumentKind::Document);
        assert_eq!(d.doc_type, Some(DocType::Resolution));
        assert_eq!(d.number.as_ref().map(DocNumber::as_str), Some("12-NQ/TU"));
        assert_eq!(d.issuing_body.as_deref(), Some("Tỉnh ủy"));
        assert_eq!(d.issued_on.iso(), "2026-05-01");
        assert_eq!(d.title, "Nghị quyết về chuyển đổi số");
        assert_eq!((d.summary, d.body.as_deref()), (None, Some("Toàn văn")));
        assert_eq!(d.tags, None);
        // The date may be today, not later.
        let on_day = PublishForm {
            issued_on: "10/05/2026",
            not_classified: Some("true"),
            ..resolution()
        };
        assert!(DocumentDraft::parse(&on_day, today()).is_ok());
    }

    #[test]
    fn news_needs_no_type_or_number_and_is_dated_today() {
        let news = PublishForm {
            kind: "tin_tuc",
            doc_type: "",
            number: "",
            issued_on: "",
            ..resolution()
        };
        let d = DocumentDraft::parse(&news, today()).unwrap();
        assert_eq!(d.kind, DocumentKind::News);
        assert_eq!((d.doc_type, d.number), (None, None));
        assert_eq!(d.issued_on, today());
        // Anything but news is a document.
        let odd = PublishForm {
            kind: "khac",
            ..resolution()
        };
        assert_eq!(
            DocumentDraft::parse(&odd, today()).unwrap().kind,
            DocumentKind::Document
        );
    }

    #[test]
    fn every_publish_error_at_once_in_form_order() {
        let bad = PublishForm {
            kind: "van_ban",
            doc_type: "thu",
            number: "12",
            issued_on: "",
            title: " ",
            summary: " ",
            body: "",
            not_classified: None,
            ..resolution()
        };
        assert_eq!(
            keys(DocumentDraft::parse(&bad, today()).unwrap_err()),
            vec![
                ("title".into(), "err_title_required".into()),
                ("doc_type".into(), "err_required".into()),
                ("number".into(), "err_doc_number".into()),
                ("issued_on".into(), "err_required".into()),
                ("body".into(), "err_text_required".into()),
                ("not_classified".into(), "err_classified_confirm".into()),
            ]
        );
        let long_title = "a".repeat(TITLE_MAX + 1);
        let long_body = "b".repeat(BODY_MAX + 1);
        let too_much = PublishForm {
            title: &long_title,
            body: &long_body,
            issued_on: "11/05/2026",
            not_classified: Some("yes"),
            ..resolution()
        };
        assert_eq!(
            keys(DocumentDraft::parse(&too_much, today()).unwrap_err()),
            vec![
                ("title".into(), "err_too_long".into()),
                ("issued_on".into(), "err_date_future".into()),
                ("body".into(), "err_too_long".into()),
                ("not_classified".into(), "err_classified_confirm".into()),
            ]
        );
        let bad_date = PublishForm {
            issued_on: "hôm qua",
            ..resolution()
        };
        assert_eq!(
            keys(DocumentDraft::parse(&bad_date, today()).unwrap_err()),
            vec![("issued_on".into(), "err_date_format".into())]
        );
    }

    #[test]
    fn an_edit_needs_a_title_and_some_text() {
        let e = EditDraft::parse(" Tiêu đề ", " Tóm tắt ", "").unwrap();
        assert_eq!(
            (e.title.as_str(), e.summary.as_deref(), e.body),
            ("Tiêu đề", Some("Tóm tắt"), None)
        );
        assert_eq!(
            EditDraft::parse(" ", "", "").unwrap_err(),
            FieldError::new("title", "err_title_required")
        );
        assert_eq!(
            EditDraft::parse("x", " ", " ").unwrap_err(),
            FieldError::new("body", "err_text_required")
        );
    }

    #[test]
    fn a_question_has_three_options_and_a_right_one() {
        let q = QuestionDraft::parse(" Câu hỏi? ", [" A ", "B", "C"], "b").unwrap();
        assert_eq!(q.question, "Câu hỏi?");
        assert_eq!(q.options, ["A".to_string(), "B".into(), "C".into()]);
        assert_eq!(q.correct, "b");
        let long = "x".repeat(QUESTION_MAX + 1);
        assert_eq!(
            keys(QuestionDraft::parse("", ["a", &long, " "], "d").unwrap_err()),
            vec![
                ("question".into(), "err_required".into()),
                ("option_b".into(), "err_too_long".into()),
                ("option_c".into(), "err_required".into()),
                ("correct".into(), "err_required".into()),
            ]
        );
    }

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
