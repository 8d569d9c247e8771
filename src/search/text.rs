//! Words, stems and stop words: how text is cut up for the index and for
//! queries. The same functions serve both backends, so SQLite's stemmed
//! FTS columns and the highlighting on both backends agree.

use std::collections::HashSet;
use std::sync::LazyLock;

use rust_stemmers::{Algorithm, Stemmer};

static STEMMER: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::create(Algorithm::German));

/// PostgreSQL's German stop-word list (Snowball), so both backends drop
/// the same words.
static STOP_WORDS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("german.stop")
        .lines()
        .map(str::trim)
        .filter(|w| !w.is_empty())
        .collect()
});

/// At most this many characters of a document's body are indexed
/// (PostgreSQL's tsvector has a size limit; the rest of a very long
/// attachment adds little).
pub const MAX_INDEXED_CHARS: usize = 200_000;

/// Words of `text` with their byte offsets: runs of letters and digits.
pub fn words(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut start: Option<usize> = None;
    let mut out = Vec::new();
    for (i, ch) in text.char_indices() {
        if ch.is_alphanumeric() {
            if start.is_none() {
                start = Some(i);
            }
        } else if let Some(s) = start.take() {
            out.push((s, &text[s..i]));
        }
    }
    if let Some(s) = start {
        out.push((s, &text[s..]));
    }
    out.into_iter()
}

pub fn is_stop_word(lower: &str) -> bool {
    STOP_WORDS.contains(lower)
}

/// The stem of a lower-cased word (German Snowball).
pub fn stem(lower: &str) -> String {
    STEMMER.stem(lower).into_owned()
}

/// Stems of all words of `text` that are not stop words, space-separated:
/// what goes into SQLite's stemmed FTS columns.
pub fn stems_of(text: &str) -> String {
    let mut out = String::with_capacity(text.len() / 2);
    for (_, w) in words(text) {
        let lower = w.to_lowercase();
        if is_stop_word(&lower) {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&stem(&lower));
    }
    out
}

/// Lower-cased text with runs of white space collapsed: what substring
/// (trigram) search runs on.
pub fn folded(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for ch in text.chars() {
        if ch.is_whitespace() {
            space = true;
            continue;
        }
        if space && !out.is_empty() {
            out.push(' ');
        }
        space = false;
        out.extend(ch.to_lowercase());
    }
    out
}

/// `text` with runs of white space collapsed to one space (for excerpts).
pub fn folded_keep_case(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Cut `text` to at most `max` characters (on a character boundary).
pub fn cap(text: &str, max: usize) -> &str {
    match text.char_indices().nth(max) {
        Some((i, _)) => &text[..i],
        None => text,
    }
}

/// Normalised form of a paper reference for exact look-up ("11/1481").
pub fn reference_key(reference: &str) -> String {
    folded(reference.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn german_words_are_stemmed_and_stop_words_dropped() {
        assert_eq!(
            stems_of("Die Beschlussvorlagen des Ausschusses für Umweltschutz"),
            format!(
                "{} {} {}",
                stem("beschlussvorlagen"),
                stem("ausschusses"),
                stem("umweltschutz")
            )
        );
        assert_eq!(stem("integrationskonzepte"), stem("integrationskonzept"));
        assert_eq!(stem("bäumen"), stem("baum"));
    }

    #[test]
    fn words_keep_umlauts_and_split_on_punctuation() {
        let w: Vec<&str> = words("Über 11/1481: Kita-Ausbau (Maßnahme)")
            .map(|x| x.1)
            .collect();
        assert_eq!(w, ["Über", "11", "1481", "Kita", "Ausbau", "Maßnahme"]);
    }

    #[test]
    fn folding_lowercases_umlauts_and_collapses_space() {
        assert_eq!(folded("  ÄRGER\n\tÜber  Straße "), "ärger über straße");
        assert_eq!(cap("äöü", 2), "äö");
    }
}
