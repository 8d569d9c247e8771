//! URLs the portal writes: percent-encoding and the one address of a file.

/// Percent-encode a query value (RFC 3986 unreserved characters stay).
pub fn encode(v: &str) -> String {
    let mut out = String::new();
    for b in v.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// The download address of a stored file: `/dateien/{id}/{name}`, the
/// name percent-encoded (spaces, umlauts, `#`, `?` and `/` in uploaded names
/// must not break the link).
pub fn file_url(id: i64, file_name: &str) -> String {
    format!("/dateien/{id}/{}", encode(file_name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_percent_encoded() {
        assert_eq!(file_url(7, "plan.pdf"), "/dateien/7/plan.pdf");
        assert_eq!(
            file_url(7, "Förder plan #2?.pdf"),
            "/dateien/7/F%C3%B6rder%20plan%20%232%3F.pdf"
        );
        assert_eq!(file_url(1, "a/b.pdf"), "/dateien/1/a%2Fb.pdf");
    }
}
