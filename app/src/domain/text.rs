//! Vietnamese text: stored in NFC, compared and searched in a folded form without marks.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Text arrives precomposed (NFC) or decomposed (NFD); store one form so equal names are equal.
pub fn nfc(s: &str) -> String {
    s.trim().nfc().collect()
}

/// Lower-case, diacritic-free form for search: "Nghị quyết" → "nghi quyet". `đ` does not
/// decompose in Unicode, so it is folded by hand.
pub fn fold(s: &str) -> String {
    s.nfd()
        .filter(|c| !is_combining_mark(*c))
        .map(|c| match c {
            'đ' | 'Đ' => 'd',
            c => c,
        })
        .flat_map(char::to_lowercase)
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The words of a text for full-text search: folded, and every run of characters that are not
/// letters or digits becomes one space ("339-QĐ/TW" → "339 qd tw"). Stored text and queries go
/// through the same function, so both databases' tokenizers see plain space-separated words.
pub fn search_words(s: &str) -> String {
    fold(s)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Query terms: at most 12 words, each at most 40 characters (a pasted page must not become a
/// thousand-term query).
pub fn search_terms(query: &str) -> Vec<String> {
    search_words(query)
        .split(' ')
        .filter(|w| !w.is_empty())
        .take(12)
        .map(|w| w.chars().take(40).collect())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_words_and_terms() {
        assert_eq!(
            search_words("Quy định số 339-QĐ/TW"),
            "quy dinh so 339 qd tw"
        );
        assert_eq!(
            search_terms("  nghi quyết   57 "),
            vec!["nghi", "quyet", "57"]
        );
        assert!(search_terms("\"; DROP --")
            .iter()
            .all(|t| t.chars().all(char::is_alphanumeric)));
        assert_eq!(search_terms(&"a ".repeat(50)).len(), 12);
    }

    #[test]
    fn folds_marks_and_d() {
        assert_eq!(fold("Nghị quyết 57"), "nghi quyet 57");
        assert_eq!(fold("ĐẢNG ỦY Phường  Đông Hòa"), "dang uy phuong dong hoa");
        assert_eq!(fold("Chi bộ Khu phố 1"), "chi bo khu pho 1");
    }

    #[test]
    fn nfc_and_nfd_become_equal() {
        let nfd: String = "Nguyễn Thị Ánh".nfd().collect();
        assert_ne!(nfd, "Nguyễn Thị Ánh");
        assert_eq!(nfc(&nfd), "Nguyễn Thị Ánh");
        assert_eq!(fold(&nfd), "nguyen thi anh");
    }
}
