//! HTTP revalidation both the edge (pages) and the API (QR images) answer.

/// RFC 9110 §13.1.2: does an `If-None-Match` header match `etag`? Weak
/// comparison, a comma-separated list of tags, or `*`.
pub fn if_none_match(header: &str, etag: &str) -> bool {
    header
        .split(',')
        .map(str::trim)
        .any(|tag| tag == "*" || tag.trim_start_matches("W/") == etag)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_strong_weak_listed_and_any() {
        let etag = "\"abc\"";
        for header in ["\"abc\"", "W/\"abc\"", "\"x\", \"abc\"", "*"] {
            assert!(if_none_match(header, etag), "{header}");
        }
        for header in ["", "\"abd\"", "abc", "\"x\""] {
            assert!(!if_none_match(header, etag), "{header}");
        }
    }
}
