//! Short text: one-line values, shortened values in messages.

/// A value as one line: line breaks, tabs and other control characters
/// become a single space, the ends are trimmed. Single-line fields (names,
/// titles, places) go into mail subjects, calendar SUMMARYs and feed
/// titles, where a line break would forge headers or properties.
pub fn one_line(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut space = false;
    for c in raw.chars() {
        if c.is_control() || c.is_whitespace() || matches!(c, '\u{2028}' | '\u{2029}') {
            space = true;
        } else {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push(c);
        }
    }
    out
}

/// Keep echoed user input short in messages.
pub fn shorten(s: &str) -> String {
    let mut out: String = s.chars().take(40).collect();
    if s.chars().count() > 40 {
        out.push('…');
    }
    out
}

/// The first line of a message, trimmed (error texts of drivers).
pub fn first_line(s: &str) -> String {
    s.lines().next().unwrap_or("").trim().to_string()
}
