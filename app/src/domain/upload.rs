//! What may be uploaded: PDF and images only, recognised by their content (the first bytes),
//! never by the file name, within a size limit per kind.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    Pdf,
    Png,
    Jpeg,
    Webp,
}

pub const MAX_PDF_BYTES: usize = 20 * 1024 * 1024;
pub const MAX_IMAGE_BYTES: usize = 5 * 1024 * 1024;

impl FileKind {
    /// Recognises a file from its first bytes.
    pub fn sniff(head: &[u8]) -> Option<FileKind> {
        if head.starts_with(b"%PDF-") {
            Some(FileKind::Pdf)
        } else if head.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(FileKind::Png)
        } else if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(FileKind::Jpeg)
        } else if head.len() >= 12 && &head[..4] == b"RIFF" && &head[8..12] == b"WEBP" {
            Some(FileKind::Webp)
        } else {
            None
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            FileKind::Pdf => "application/pdf",
            FileKind::Png => "image/png",
            FileKind::Jpeg => "image/jpeg",
            FileKind::Webp => "image/webp",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            FileKind::Pdf => "pdf",
            FileKind::Png => "png",
            FileKind::Jpeg => "jpg",
            FileKind::Webp => "webp",
        }
    }

    pub fn max_bytes(self) -> usize {
        match self {
            FileKind::Pdf => MAX_PDF_BYTES,
            _ => MAX_IMAGE_BYTES,
        }
    }
}

/// A file name safe to show and to put in Content-Disposition: no paths, no quotes or control
/// characters, at most 120 characters.
pub fn clean_file_name(name: &str, kind: FileKind) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | ';' | '\\'))
        .take(120)
        .collect();
    let cleaned = cleaned.trim();
    if cleaned.is_empty() {
        format!("tep.{}", kind.extension())
    } else {
        cleaned.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_by_content_not_name() {
        assert_eq!(FileKind::sniff(b"%PDF-1.7\n..."), Some(FileKind::Pdf));
        assert_eq!(
            FileKind::sniff(b"\x89PNG\r\n\x1a\n...."),
            Some(FileKind::Png)
        );
        assert_eq!(
            FileKind::sniff(&[0xFF, 0xD8, 0xFF, 0xE0]),
            Some(FileKind::Jpeg)
        );
        assert_eq!(
            FileKind::sniff(b"RIFF\x00\x00\x00\x00WEBPVP8 "),
            Some(FileKind::Webp)
        );
        // A Windows program renamed to .pdf is still a program.
        assert_eq!(FileKind::sniff(b"MZ\x90\x00\x03"), None);
        assert_eq!(FileKind::sniff(b"<html>"), None);
        assert_eq!(FileKind::sniff(b""), None);
        assert_eq!(FileKind::Pdf.max_bytes(), 20 * 1024 * 1024);
        assert_eq!(FileKind::Png.max_bytes(), 5 * 1024 * 1024);
    }

    #[test]
    fn file_names() {
        assert_eq!(
            clean_file_name("C:\\Users\\a\\Nghị quyết 57.pdf", FileKind::Pdf),
            "Nghị quyết 57.pdf"
        );
        assert_eq!(clean_file_name("../../etc/passwd", FileKind::Pdf), "passwd");
        assert_eq!(clean_file_name("a\"b;c.pdf", FileKind::Pdf), "abc.pdf");
        assert_eq!(clean_file_name("", FileKind::Png), "tep.png");
    }
}
