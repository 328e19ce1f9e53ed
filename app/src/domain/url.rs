//! Links built from what a person typed (filters carried to "older" and download links).

/// Percent-encodes a query value (its UTF-8 bytes); only RFC 3986's unreserved characters stay.
pub fn encode_query_value(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn values_are_percent_encoded() {
        assert_eq!(
            super::encode_query_value("nghị quyết&x=1/2"),
            "ngh%E1%BB%8B%20quy%E1%BA%BFt%26x%3D1%2F2"
        );
        assert_eq!(super::encode_query_value("a-b_c.d~"), "a-b_c.d~");
    }
}
