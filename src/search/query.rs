//! Reading what a visitor typed into the search box. Nothing typed is ever
//! handed to FTS5 or `to_tsquery` as syntax: the query is cut into terms
//! here, and each backend gets quoted words, phrases or bound parameters.
//!
//! * words: every word must occur (stemmed, as a prefix: "Konzept" finds
//!   "Konzepte"; or as a part of a word: "schutz" finds "Umweltschutz");
//! * "exact phrases" in double quotes;
//! * reference numbers such as 11/1481 are matched exactly;
//! * operators of other search engines (AND, OR, NEAR(, *, …) are not
//!   evaluated; the visitor is told so.

use super::text::{self, folded, is_stop_word};

pub const MAX_QUERY_CHARS: usize = 500;
pub const MAX_TERMS: usize = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TermKind {
    /// one word, matched as a stem prefix or a substring
    Word,
    /// words joined by hyphens etc. ("Kita-Ausbau"): a phrase whose last
    /// word may be a prefix, or a substring
    Compound,
    /// "in quotes": exactly these words in this order
    Phrase,
    /// a reference number like 11/1481: exact
    Reference,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    pub kind: TermKind,
    /// lower-cased words of the term (stop words included)
    pub words: Vec<String>,
    /// the term as typed, folded: substring needle, reference key and the
    /// text handed to PostgreSQL's phrase parser
    pub text: String,
}

impl Term {
    /// Stemmed words without stop words (SQLite index side).
    pub fn stems(&self) -> Vec<String> {
        self.words
            .iter()
            .filter(|w| !is_stop_word(w))
            .map(|w| text::stem(w))
            .collect()
    }

    fn prefix(&self) -> bool {
        matches!(self.kind, TermKind::Word | TermKind::Compound)
    }

    /// FTS5 expression over the stemmed columns: `"stem"*` or `"a b"`.
    /// Stems consist of letters and digits only, so quoting them is safe.
    pub fn fts5(&self) -> Option<String> {
        let stems = self.stems();
        if stems.is_empty() {
            return None;
        }
        Some(format!(
            "\"{}\"{}",
            stems.join(" "),
            if self.prefix() { "*" } else { "" }
        ))
    }

    /// Needle for parts-of-words search: single words of three or more
    /// letters that are no stop words (the vocabulary has none).
    pub fn substring(&self) -> Option<&str> {
        (self.kind == TermKind::Word
            && self.text.chars().count() >= 3
            && !self.words.iter().any(|w| is_stop_word(w)))
        .then_some(self.text.as_str())
    }

    /// PostgreSQL: which tsquery function gets which text. Words go to
    /// `to_tsquery` as `word:*` (letters and digits only, so no syntax can
    /// slip in), phrases and references to `phraseto_tsquery`.
    pub fn pg_tsquery(&self) -> (&'static str, String) {
        match self.kind {
            TermKind::Word | TermKind::Compound => {
                ("to_tsquery", format!("{}:*", self.words.join(" <-> ")))
            }
            TermKind::Phrase | TermKind::Reference => ("phraseto_tsquery", self.text.clone()),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct ParsedQuery {
    pub terms: Vec<Term>,
    /// hints for the visitor (operators ignored, quote not closed, …)
    pub notes: Vec<String>,
}

impl ParsedQuery {
    pub fn references(&self) -> Vec<&str> {
        self.terms
            .iter()
            .filter(|t| t.kind == TermKind::Reference)
            .map(|t| t.text.as_str())
            .collect()
    }
}

/// Why a query cannot be run: the message for the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused(pub String);

const OPERATOR_WORDS: [&str; 4] = ["AND", "OR", "NOT", "NEAR"];

fn looks_like_reference(chunk: &str) -> bool {
    chunk.contains('/')
        && chunk.chars().any(|c| c.is_ascii_digit())
        && chunk
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '/' | '-' | '.' | '_'))
        && chunk.starts_with(|c: char| c.is_alphanumeric())
        && chunk.ends_with(|c: char| c.is_alphanumeric())
}

/// Parse the search box. `Err` carries the message shown instead of results.
pub fn parse(raw: &str) -> Result<ParsedQuery, Refused> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(Refused("Bitte geben Sie einen Suchbegriff ein.".into()));
    }
    if raw.chars().count() > MAX_QUERY_CHARS {
        return Err(Refused(format!(
            "Ihre Suchanfrage ist mit {} Zeichen zu lang (höchstens {MAX_QUERY_CHARS}). Bitte suchen Sie mit den wichtigsten Wörtern.",
            raw.chars().count()
        )));
    }
    let mut notes = Vec::new();
    // typographic quotes count as quotes
    let normal: String = raw
        .chars()
        .map(|c| match c {
            '„' | '“' | '”' | '«' | '»' => '"',
            c if c.is_control() => ' ',
            c => c,
        })
        .collect();
    let parts: Vec<&str> = normal.split('"').collect();
    let quote_open = parts.len().is_multiple_of(2);
    if quote_open {
        notes.push(
            "Ein Anführungszeichen war nicht geschlossen; die Wörter danach wurden einzeln gesucht."
                .to_string(),
        );
    }
    let mut operators = false;
    let mut single_letters = false;
    let mut terms: Vec<Term> = Vec::new();
    for (i, part) in parts.iter().enumerate() {
        let quoted = i % 2 == 1 && !(quote_open && i == parts.len() - 1);
        if quoted {
            let words: Vec<String> = text::words(part).map(|(_, w)| w.to_lowercase()).collect();
            if words.iter().all(|w| is_stop_word(w)) {
                continue;
            }
            let kind = if words.len() == 1 {
                TermKind::Word
            } else {
                TermKind::Phrase
            };
            terms.push(Term {
                kind,
                text: if kind == TermKind::Word {
                    words[0].clone()
                } else {
                    folded(part)
                },
                words,
            });
            continue;
        }
        let is_operator_char =
            |c: char| matches!(c, '*' | '(' | ')' | ':' | '^' | '{' | '}' | '[' | ']' | '+');
        if part.chars().any(is_operator_char) {
            operators = true;
        }
        let spaced: String = part
            .chars()
            .map(|c| if is_operator_char(c) { ' ' } else { c })
            .collect();
        for chunk in spaced.split_whitespace() {
            if OPERATOR_WORDS.contains(&chunk) {
                operators = true;
                continue;
            }
            if chunk.starts_with('-') {
                operators = true;
            }
            let trimmed = chunk.trim_matches(|c: char| !c.is_alphanumeric());
            if trimmed.is_empty() {
                continue;
            }
            if looks_like_reference(trimmed) {
                terms.push(Term {
                    kind: TermKind::Reference,
                    words: text::words(trimmed)
                        .map(|(_, w)| w.to_lowercase())
                        .collect(),
                    text: text::reference_key(trimmed),
                });
                continue;
            }
            let words: Vec<String> = text::words(trimmed)
                .map(|(_, w)| w.to_lowercase())
                .collect();
            if words.is_empty() || words.iter().all(|w| is_stop_word(w)) {
                continue;
            }
            if words.len() == 1 {
                if words[0].chars().count() < 2 {
                    single_letters = true;
                    continue;
                }
                terms.push(Term {
                    kind: TermKind::Word,
                    text: words[0].clone(),
                    words,
                });
            } else {
                terms.push(Term {
                    kind: TermKind::Compound,
                    text: folded(trimmed),
                    words,
                });
            }
        }
    }
    if operators {
        notes.push(
            "Suchoperatoren wie AND, OR, NEAR, * oder Klammern werden nicht ausgewertet: gefunden wird, was alle Wörter enthält."
                .to_string(),
        );
    }
    if single_letters {
        notes.push("Einzelne Buchstaben werden nicht gesucht.".to_string());
    }
    terms.dedup();
    if terms.len() > MAX_TERMS {
        terms.truncate(MAX_TERMS);
        notes.push(format!(
            "Es wurden nur die ersten {MAX_TERMS} Suchbegriffe berücksichtigt."
        ));
    }
    if terms.is_empty() {
        let any_word = !operators && text::words(raw).next().is_some();
        return Err(Refused(if single_letters {
            "Bitte suchen Sie mit Wörtern aus mindestens zwei Buchstaben oder Ziffern.".into()
        } else if any_word {
            "Ihre Suche enthält nur sehr häufige Wörter wie „und“ oder „die“. Bitte ergänzen Sie ein aussagekräftiges Wort.".into()
        } else {
            "Bitte geben Sie mindestens ein Wort oder eine Vorlagennummer ein; Zeichen wie * oder Klammern allein können nicht gesucht werden.".into()
        }));
    }
    Ok(ParsedQuery { terms, notes })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(q: &str) -> Vec<(TermKind, String)> {
        parse(q)
            .expect("parses")
            .terms
            .into_iter()
            .map(|t| (t.kind, t.text))
            .collect()
    }

    #[test]
    fn words_phrases_and_references() {
        assert_eq!(
            kinds("Kamen \"Kommunales Integrationsmanagement\" 11/1481"),
            vec![
                (TermKind::Word, "kamen".into()),
                (TermKind::Phrase, "kommunales integrationsmanagement".into()),
                (TermKind::Reference, "11/1481".into()),
            ]
        );
        assert_eq!(
            kinds("Kita-Ausbau"),
            vec![(TermKind::Compound, "kita-ausbau".into())]
        );
    }

    #[test]
    fn operators_are_neutralised_and_reported() {
        let p = parse("NEAR(KIM Kamen) OR integration*").expect("parses");
        let words: Vec<&str> = p.terms.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(words, ["kim", "kamen", "integration"]);
        assert!(p.notes.iter().any(|n| n.contains("nicht ausgewertet")));
        for t in &p.terms {
            let e = t.fts5().expect("stems");
            assert!(e.starts_with('"'), "{e}");
            assert_eq!(e.matches('"').count(), 2, "{e}");
        }
    }

    #[test]
    fn bad_input_is_refused_with_a_message() {
        assert!(parse("   ").is_err());
        assert!(parse("*").is_err());
        assert!(parse("( ) * :").is_err());
        assert!(parse("und die der").is_err());
        assert!(parse(&"a".repeat(501)).is_err());
        let p = parse("\"Integrationskonzept Kamen").expect("unbalanced quote");
        assert_eq!(p.terms.len(), 2);
        assert!(p.notes.iter().any(|n| n.contains("Anführungszeichen")));
    }

    #[test]
    fn only_single_words_are_searched_as_parts_of_words() {
        let needles = |q: &str| -> Vec<Option<String>> {
            parse(q)
                .expect("parses")
                .terms
                .iter()
                .map(|t| t.substring().map(str::to_string))
                .collect()
        };
        assert_eq!(needles("schutz"), vec![Some("schutz".to_string())]);
        assert_eq!(needles("\"Umwelt schutz\""), vec![None]);
        assert_eq!(needles("Kita-Ausbau"), vec![None]);
        assert_eq!(needles("11/1481"), vec![None]);
        assert_eq!(needles("Ab Kita"), vec![None, Some("kita".to_string())]);
    }
}
