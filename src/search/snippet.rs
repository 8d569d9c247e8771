//! Highlighting: titles and text excerpts cut into plain and hit segments.
//! Templates escape every segment and wrap hits in `<mark>`, so stored
//! text can never inject markup. The same code runs for both backends.

use serde::Serialize;

use super::query::{ParsedQuery, TermKind};
use super::text::{self, is_stop_word};

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Segment {
    pub text: String,
    pub hit: bool,
}

struct WordRule {
    stem: String,
    prefix: bool,
    /// substring needle (single words of three or more characters)
    needle: Option<String>,
}

pub struct Matcher {
    rules: Vec<WordRule>,
}

impl Matcher {
    pub fn new(q: &ParsedQuery) -> Matcher {
        let mut rules = Vec::new();
        for t in &q.terms {
            for w in &t.words {
                if is_stop_word(w) {
                    continue;
                }
                rules.push(WordRule {
                    stem: text::stem(w),
                    prefix: matches!(t.kind, TermKind::Word | TermKind::Compound),
                    needle: (t.kind == TermKind::Word && w.chars().count() >= 3).then(|| w.clone()),
                });
            }
        }
        Matcher { rules }
    }

    fn is_hit(&self, word: &str) -> bool {
        let lower = word.to_lowercase();
        if self
            .rules
            .iter()
            .any(|r| r.needle.as_deref().is_some_and(|n| lower.contains(n)))
        {
            return true;
        }
        // stemming keeps the first letter (umlauts lose their dots): most
        // words of a long text are rejected without running the stemmer
        let first = lower.chars().next().map(fold_umlaut);
        if !self.rules.iter().any(|r| r.stem.chars().next() == first) {
            return false;
        }
        let stem = text::stem(&lower);
        self.rules.iter().any(|r| {
            if r.prefix {
                stem.starts_with(&r.stem)
            } else {
                stem == r.stem
            }
        })
    }
}

/// The German stemmer turns ä, ö and ü into a, o and u.
fn fold_umlaut(c: char) -> char {
    match c {
        'ä' => 'a',
        'ö' => 'o',
        'ü' => 'u',
        other => other,
    }
}

fn push(out: &mut Vec<Segment>, s: &str, hit: bool) {
    if s.is_empty() {
        return;
    }
    match out.last_mut() {
        Some(last) if last.hit == hit => last.text.push_str(s),
        _ => out.push(Segment {
            text: s.to_string(),
            hit,
        }),
    }
}

fn segments(text: &str, m: &Matcher) -> Vec<Segment> {
    let mut out = Vec::new();
    let mut pos = 0;
    for (start, w) in text::words(text) {
        if m.is_hit(w) {
            push(&mut out, &text[pos..start], false);
            push(&mut out, w, true);
            pos = start + w.len();
        }
    }
    push(&mut out, &text[pos..], false);
    out
}

/// The whole (short) text with its hits marked: titles.
pub fn highlight(text: &str, m: &Matcher) -> Vec<Segment> {
    segments(text, m)
}

/// An excerpt of about `max_chars` characters around the first hit,
/// white space collapsed, with "…" where text was cut.
pub fn snippet(body: &str, m: &Matcher, max_chars: usize) -> Vec<Segment> {
    let body = text::folded_keep_case(body);
    let first_hit = text::words(&body)
        .find(|(_, w)| m.is_hit(w))
        .map(|(i, _)| i);
    let start = match first_hit {
        Some(i) => {
            // about a fifth of the excerpt before the hit, from a word start
            let before = max_chars / 5;
            let chars_before = body[..i].chars().count();
            if chars_before <= before {
                0
            } else {
                let target = body[..i]
                    .char_indices()
                    .nth(chars_before - before)
                    .map_or(0, |(b, _)| b);
                body[target..i].find(' ').map_or(target, |s| target + s + 1)
            }
        }
        None => 0,
    };
    let rest = &body[start..];
    let mut cut = text::cap(rest, max_chars);
    let truncated = cut.len() < rest.len();
    if truncated {
        if let Some(sp) = cut.rfind(' ') {
            cut = &cut[..sp];
        }
    }
    let mut out = Vec::new();
    if start > 0 {
        push(&mut out, "… ", false);
    }
    for s in segments(cut, m) {
        push(&mut out, &s.text, s.hit);
    }
    if truncated {
        push(&mut out, " …", false);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::query::parse;

    fn marked(segs: &[Segment]) -> String {
        segs.iter()
            .map(|s| {
                if s.hit {
                    format!("[{}]", s.text)
                } else {
                    s.text.clone()
                }
            })
            .collect()
    }

    #[test]
    fn stems_prefixes_and_parts_of_words_are_marked() {
        let m = Matcher::new(&parse("Integrationskonzept schutz").expect("q"));
        assert_eq!(
            marked(&highlight(
                "Fortschreibung der Integrationskonzepte und Umweltschutz",
                &m
            )),
            "Fortschreibung der [Integrationskonzepte] und [Umweltschutz]"
        );
    }

    #[test]
    fn excerpt_starts_near_the_first_hit() {
        let m = Matcher::new(&parse("KIM").expect("q"));
        let long = format!(
            "{} Das KIM-Team berät. {}",
            "Vorwort ".repeat(100),
            "Ende ".repeat(100)
        );
        let s = marked(&snippet(&long, &m, 120));
        assert!(s.starts_with("… "), "{s}");
        assert!(s.contains("[KIM]-Team"), "{s}");
        assert!(s.ends_with(" …"), "{s}");
        assert!(s.chars().count() < 140, "{s}");
    }

    #[test]
    fn markup_in_text_stays_text() {
        let m = Matcher::new(&parse("Haushalt").expect("q"));
        let segs = highlight("<script>Haushalt</script>", &m);
        assert_eq!(segs[0].text, "<script>");
        assert!(segs[1].hit);
    }

    #[test]
    fn words_starting_with_an_umlaut_are_marked_by_their_stem() {
        // "Ämter" is no substring of "Amt" or the reverse; only the stem
        // ("amt") links them, and the stemmer drops the umlaut
        let m = Matcher::new(&parse("Amt").expect("q"));
        assert_eq!(
            marked(&highlight("Die Ämter tagen", &m)),
            "Die [Ämter] tagen"
        );
        let m = Matcher::new(&parse("Übergängen").expect("q"));
        assert_eq!(
            marked(&highlight("Übergang und Ubergang", &m)),
            "[Übergang] und [Ubergang]"
        );
    }
}
