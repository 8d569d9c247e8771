//! Result texts: the outcome they state and their tally (yes, no,
//! abstain), with the version of the tally mapping.

use crate::domain::Outcome;

/// The outcome a result text states, if it is unambiguous.
pub fn outcome(result: &str) -> Option<Outcome> {
    let r = result.to_lowercase();
    let has = |s: &str| r.contains(s);
    if r.trim().is_empty() {
        return None;
    }
    // our own export: "<label> (Ja 1, …)"
    let head = r.split(" (").next().unwrap_or(&r).trim();
    if let Some(o) = Outcome::ALL
        .iter()
        .find(|o| o.label().to_lowercase() == head)
    {
        return Some(*o);
    }
    let o = if has("abgelehnt") && !has("nicht abgelehnt") {
        Outcome::Rejected
    } else if has("zurückgezogen") || has("zurueckgezogen") {
        Outcome::Withdrawn
    } else if has("vertagt") || has("wiedervorlage") {
        Outcome::Deferred
    } else if has("abgesetzt") {
        Outcome::Removed
    } else if has("verwiesen") {
        Outcome::Referred
    } else if has("geändert") || has("geaendert") || has("mit änderungen") || has("geändertem") {
        if has("beschlossen") || has("zugestimmt") {
            Outcome::AdoptedAmended
        } else {
            return None;
        }
    } else if has("einstimmig") && (has("beschlossen") || has("zugestimmt") || has("angenommen")) {
        Outcome::AdoptedUnanimously
    } else if has("mehrheitlich") && (has("beschlossen") || has("zugestimmt") || has("angenommen"))
    {
        Outcome::AdoptedByMajority
    } else if has("beschlossen")
        || has("zugestimmt")
        || has("zustimmung")
        || has("genehmigt")
        || has("angenommen")
    {
        Outcome::Adopted
    } else if has("empfehl") || has("empfohlen") {
        Outcome::Recommended
    } else if has("kenntnis") {
        Outcome::Noted
    } else if has("vorberaten") || has("beraten") || has("behandelt") {
        Outcome::Discussed
    } else {
        return None;
    };
    Some(o)
}

/// Version of the tally mapping (`tally`). Raise it when `tally` changes:
/// the next `gremium import oparl` reads the tallies of the result texts
/// already stored again, so old wrong tallies are corrected.
/// 1: before the mark; 2: SD.NET texts, Gegenstimmen, several votes.
pub const RESULT_MAPPING: u32 = 2;

/// A token of a result text.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Tok {
    /// a count (digits or a number word)
    Num(i32),
    /// yes (0), no (1), abstain (2)
    Kind(usize),
    /// "Stimme(n)" between a count and its kind: "13 Stimmen dafür"
    Filler,
    Word,
    Colon,
    Sep(char),
}

fn word_kind(w: &str) -> Tok {
    match w {
        "ja" | "ja-stimme" | "ja-stimmen" | "jastimme" | "jastimmen" | "dafür" | "dafuer" => {
            Tok::Kind(0)
        }
        "nein" | "nein-stimme" | "nein-stimmen" | "neinstimme" | "neinstimmen" | "gegenstimme"
        | "gegenstimmen" | "dagegen" => Tok::Kind(1),
        "enth" | "stimmenth" => Tok::Kind(2),
        w if w.starts_with("enthaltung") || w.starts_with("stimmenthaltung") => Tok::Kind(2),
        "stimme" | "stimmen" => Tok::Filler,
        "kein" | "keine" | "keiner" => Tok::Num(0),
        "ein" | "eine" | "einer" | "einem" => Tok::Num(1),
        "zwei" => Tok::Num(2),
        "drei" => Tok::Num(3),
        "vier" => Tok::Num(4),
        "fünf" | "fuenf" => Tok::Num(5),
        "sechs" => Tok::Num(6),
        "sieben" => Tok::Num(7),
        "acht" => Tok::Num(8),
        "neun" => Tok::Num(9),
        "zehn" => Tok::Num(10),
        "elf" => Tok::Num(11),
        "zwölf" | "zwoelf" => Tok::Num(12),
        "und" | "sowie" => Tok::Sep('&'),
        _ => Tok::Word,
    }
}

fn tokens(text: &str) -> Vec<Tok> {
    let chars: Vec<char> = text.to_lowercase().chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_ascii_digit() {
            let start = i;
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
            // 05.03.2020, 1.464715, 12,5: not a count
            if i + 1 < chars.len() && matches!(chars[i], '.' | ',') && chars[i + 1].is_ascii_digit()
            {
                while i < chars.len()
                    && (chars[i].is_ascii_digit() || matches!(chars[i], '.' | ','))
                {
                    i += 1;
                }
                out.push(Tok::Word);
                continue;
            }
            let digits: String = chars[start..i].iter().collect();
            out.push(match digits.parse::<i32>() {
                Ok(n) if n <= 10_000 => Tok::Num(n),
                _ => Tok::Word,
            });
        } else if c.is_alphabetic() {
            let start = i;
            // letters with inner hyphens ("Ja-Stimmen", "CDU-Fraktion");
            // digits end a word ("einstimmig13 Ja-Stimmen")
            while i < chars.len()
                && (chars[i].is_alphabetic()
                    || (chars[i] == '-' && chars.get(i + 1).is_some_and(|x| x.is_alphabetic())))
            {
                i += 1;
            }
            let w: String = chars[start..i].iter().collect();
            let t = word_kind(&w);
            // "Enth.:" — the abbreviation's dot is part of the word
            if matches!(w.as_str(), "enth" | "stimmenth") && chars.get(i) == Some(&'.') {
                i += 1;
            }
            out.push(t);
        } else {
            match c {
                ':' | '=' => out.push(Tok::Colon),
                c if c.is_whitespace() && c != '\n' => {}
                c => out.push(Tok::Sep(c)),
            }
            i += 1;
        }
    }
    out
}

/// Signs that a text records more than one vote (or a vote on something
/// else than the item): its counts cannot be the item's tally.
fn several_votes(lower: &str) -> bool {
    const MARKS: &[&str] = &[
        "einzelabstimmung",
        "getrennte abstimmung",
        "getrennt abgestimmt",
        "punktweise",
        "ziffer",
        "änderungsantrag",
        "ergänzungsantrag",
        "zusatzantrag",
        "ersetzungsantrag",
        "wahlgang",
    ];
    if MARKS.iter().any(|m| lower.contains(m)) {
        return true;
    }
    // "1. Abstimmung", "Abstimmung 2", "zweite Abstimmung"
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    words.iter().enumerate().any(|(i, w)| {
        w.starts_with("abstimmung")
            && (i
                .checked_sub(1)
                .and_then(|j| words.get(j))
                .is_some_and(|p| {
                    p.parse::<u32>().is_ok()
                        || matches!(*p, "erste" | "zweite" | "dritte" | "weitere" | "letzte")
                })
                || words.get(i + 1).is_some_and(|n| n.parse::<u32>().is_ok()))
    })
}

/// The tally a result text states: (yes, no, abstain), each only when the
/// text names that number. "13 Ja-Stimmen, 0 Enthaltungen, 0 Nein-Stimmen",
/// "Ja: 6, Nein: 3, Enthaltungen: 0", "einstimmig bei einer Enthaltung",
/// "dafür: 10, Enth.: 1". A text that records several votes, numbers whose
/// kind is unclear ("12:3:1") or two different counts of one kind give
/// nothing: no tally is better than a wrong one.
pub fn tally(result: &str) -> (Option<i32>, Option<i32>, Option<i32>) {
    const NONE: (Option<i32>, Option<i32>, Option<i32>) = (None, None, None);
    let toks = tokens(result);
    let is_num = |t: &Tok| matches!(t, Tok::Num(_));
    // counts in a row ("10/2/1", "12:3:1", a column of numbers): whose is whose?
    for (i, t) in toks.iter().enumerate() {
        if !is_num(t) {
            continue;
        }
        let mut j = i + 1;
        while matches!(toks.get(j), Some(Tok::Colon | Tok::Sep('/' | '\n' | '-'))) {
            j += 1;
        }
        if toks.get(j).is_some_and(is_num) {
            return NONE;
        }
    }
    // for each count: the kind right before it ("Ja: 6") and right after
    // it ("13 Ja-Stimmen", "13 Stimmen dafür")
    let mut sides: Vec<(usize, i32, Option<usize>, Option<usize>)> = Vec::new();
    for (i, t) in toks.iter().enumerate() {
        let Tok::Num(n) = *t else { continue };
        let mut j = i;
        let before = loop {
            match j.checked_sub(1).map(|k| (k, toks[k])) {
                Some((k, Tok::Colon)) => j = k,
                Some((k, Tok::Kind(_))) => break Some(k),
                _ => break None,
            }
        };
        let mut j = i + 1;
        while matches!(toks.get(j), Some(Tok::Filler)) {
            j += 1;
        }
        let after = matches!(toks.get(j), Some(Tok::Kind(_))).then_some(j);
        sides.push((i, n, before, after));
    }
    // an ambiguous count ("Ja 14 Nein 0 …") follows the order the
    // unambiguous ones use; no unambiguous ones, or as many each way: unsure
    let word_first = sides
        .iter()
        .filter(|s| s.2.is_some() && s.3.is_none())
        .count();
    let number_first = sides
        .iter()
        .filter(|s| s.2.is_none() && s.3.is_some())
        .count();
    let mut out: [Option<i32>; 3] = [None; 3];
    let mut used = std::collections::HashSet::new();
    for (_, n, before, after) in sides {
        let k = match (before, after) {
            (Some(b), None) => b,
            (None, Some(a)) => a,
            (Some(b), Some(a)) => match word_first.cmp(&number_first) {
                std::cmp::Ordering::Greater => b,
                std::cmp::Ordering::Less => a,
                std::cmp::Ordering::Equal => return NONE,
            },
            (None, None) => continue,
        };
        let Tok::Kind(kind) = toks[k] else { continue };
        if !used.insert(k) {
            return NONE;
        }
        match out[kind] {
            Some(old) if old != n => return NONE,
            _ => out[kind] = Some(n),
        }
    }
    if out.iter().any(Option::is_some) && several_votes(&result.to_lowercase()) {
        return NONE;
    }
    (out[0], out[1], out[2])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcomes_of_result_texts() {
        assert_eq!(
            outcome("einstimmig beschlossen"),
            Some(Outcome::AdoptedUnanimously)
        );
        assert_eq!(
            outcome("einstimmig zugestimmt"),
            Some(Outcome::AdoptedUnanimously)
        );
        assert_eq!(outcome("mehrheitlich abgelehnt"), Some(Outcome::Rejected));
        assert_eq!(outcome("Kenntnisnahme"), Some(Outcome::Noted));
        assert_eq!(
            outcome("verwiesen in Fachausschuss"),
            Some(Outcome::Referred)
        );
        assert_eq!(
            outcome("Beschlossen mit geändertem Beschlusstext"),
            Some(Outcome::AdoptedAmended)
        );
        assert_eq!(outcome("vertagt"), Some(Outcome::Deferred));
        assert_eq!(outcome("gewählt"), None);
        assert_eq!(outcome("keine Abstimmung"), None);
        assert_eq!(
            outcome("einstimmig beschlossen (Ja 14, Nein 0, Enthaltung 0)"),
            Some(Outcome::AdoptedUnanimously)
        );
    }

    /// Result texts as real servers write them, with the tally they state:
    /// (text, yes, no, abstain). Missing means "not stated", never 0.
    type Case = (&'static str, Option<i32>, Option<i32>, Option<i32>);

    #[rustfmt::skip]
    const REAL_TALLIES: &[Case] = &[
        // SD.NET (Sternberg), Hürtgenwald OParl `result`
        ("einstimmig13 Ja-Stimmen, 0 Enthaltungen, 0 Nein-Stimmen", Some(13), Some(0), Some(0)),
        ("13 Ja-Stimmen, 0 Enthaltungen, 0 Nein-Stimmen", Some(13), Some(0), Some(0)),
        ("11 Ja-Stimmen, 0 Enthaltungen, 1 Nein-Stimme", Some(11), Some(1), Some(0)),
        ("einstimmig, 0 Enthaltungen", None, None, Some(0)),
        ("einstimmig, 1 Enthaltung CDU-Fraktion", None, None, Some(1)),
        ("ohne", None, None, None),
        ("entfällt", None, None, None),
        ("(kein Text vorhanden)", None, None, None),
        ("Der Ausschuss nimmt die Ausführungen zur Kenntnis.", None, None, None),
        // SessionNet (Somacos) TOP pages, line "Abstimmung: …"
        ("Abstimmung: Ja: 12, Nein: 19, pers. beteiligt: 0, anwesend: 31", Some(12), Some(19), None),
        ("Abstimmung: Ja: 6, Nein: 3, Enthaltungen: 0", Some(6), Some(3), Some(0)),
        ("Abstimmung: Ja: 9, Nein: 2, Anwesend: 11", Some(9), Some(2), None),
        ("Abstimmung: Ja: 13, Enthaltungen: 1", Some(13), None, Some(1)),
        ("Abstimmung: Ja: 10, Nein: 25, Anwesend: 35", Some(10), Some(25), None),
        ("Abstimmung: Ja: 22, Nein: 3, Anwesend: 25", Some(22), Some(3), None),
        ("Abstimmung: Ja: 9, Nein: 1, Anwesend: 10, Befangen: 0", Some(9), Some(1), None),
        ("Abstimmung: Ja: 12, Nein: 0, Enthaltungen: 0, Befangen: 0", Some(12), Some(0), Some(0)),
        ("Abstimmung: dafür: 10, Enth.: 1", Some(10), None, Some(1)),
        ("Abstimmung: Ja: 17, Nein: 43\nÜber die Vorschläge der Parteien und Wählergruppen soll getrennt abgestimmt werden.", None, None, None),
        // SessionNet minutes texts (Norderstedt, Westliche Börde, Leverkusen, Haan, Köln, Pfinztal, Friedberg)
        ("Bei 13 Ja-Stimmen und 1 Enthaltung einstimmig beschlossen.", Some(13), None, Some(1)),
        ("Abstimmung: Ja: 13, Enthaltungen: 1\nBei 13 Ja-Stimmen und 1 Enthaltung einstimmig beschlossen.", Some(13), None, Some(1)),
        ("Der Beschlussvorschlag wird mehrheitlich mit 12 Ja-Stimmen, einer Gegenstimme und drei Enthaltungen angenommen.", Some(12), Some(1), Some(3)),
        ("dafür: 2 (1 FDP, 1 BÜRGERLISTE)\ndagegen: 10 (3 CDU, 2 SPD, 1 BÜNDNIS 90/DIE GRÜNEN, 1 OP, 3 Sonstige)\nEnth.: 1 (Sonstiger)", Some(2), Some(10), Some(1)),
        ("dafür: 4 (BÜRGERLISTE)\ndagegen: 37 (OB, 15 CDU, 10 SPD, 4 BÜNDNIS 90/DIE GRÜNEN, 3 OP, 2 FDP, 1 DIE LINKE.LEV, 1 Soziale Gerechtigkeit)", Some(4), Some(37), None),
        ("dafür: 1 (BÜRGERLISTE)\ndagegen: 11 (6 CDU, 2 SPD, 2 BÜNDNIS 90/DIE GRÜNEN, 1 FDP)\nEnth.: 1 (Herr Lind)", Some(1), Some(11), Some(1)),
        ("mehrheitlich abgelehnt\n4 Ja  /  14 Nein  /  0 Enthaltungen", Some(4), Some(14), Some(0)),
        ("Mehrheitlich zugestimmt.\n10 Ja-Stimmen (5 CDU, 4 SPD, 1 FDP)\n8 Nein-Stimmen (2 CDU, 4 Grüne, 1 Die Linke, 1 Einzelmandatsträger)\nNicht anwesend: Herr Weber-Baronowsky", Some(10), Some(8), None),
        ("Mehrheitlich gegen die CDU-Fraktion bei Enthaltung der FDP-Fraktion und Herrn Schöppe zugestimmt. (Nicht anwesend: Herr Giesen)", None, None, None),
        ("Ja-Stimmen: 14 Nein-Stimmen: 4 Enthaltungen: 2\nBefangen: 1", Some(14), Some(4), Some(2)),
        ("Mehrheitlich abgelehnt\nJa 1  Nein 7  Enthaltung 1", Some(1), Some(7), Some(1)),
        // two votes in one text (Friedberg: amendment, then the plan)
        ("Mehrheitlich abgelehnt\nJa 1  Nein 7  Enthaltung 1\nMehrheitlich beschlossen\nJa 6  Nein 1  Enthaltung 2", None, None, None),
        ("1. Abstimmung: 5 Ja-Stimmen, 3 Nein-Stimmen 2. Abstimmung: 5 Ja-Stimmen, 3 Nein-Stimmen", None, None, None),
        // Norderstedt's per-faction table: a column of numbers under "Ja:"
        ("Ja:\n4\n3\n2\n2\n1\n1\nNein:\nEnthaltung:\n1", None, None, None),
        ("mit 12:3:1 Stimmen beschlossen", None, None, None),
        // ALLRIS (Lüneburg TOP page), politik-bei-uns `result_details`
        ("Abstimmungsergebnis: Ja-Stimmen 38", Some(38), None, None),
        ("Ja: 48, Nein: 0, Enthaltungen: 0", Some(48), Some(0), Some(0)),
        // Karlsruhe fixture (texts without numbers)
        ("einstimmig beschlossen", None, None, None),
        ("mehrheitlich abgelehnt", None, None, None),
        ("Stimmengleichheit - abgelehnt", None, None, None),
        ("bei Stimmengleichheit abgelehnt", None, None, None),
        ("Zugestimmt zu geändertem Beschlusstext", None, None, None),
        // our own export
        ("einstimmig beschlossen (Ja 14, Nein 0, Enthaltung 1)", Some(14), Some(0), Some(1)),
        ("mehrheitlich beschlossen (Ja 9, Nein 2)", Some(9), Some(2), None),
        // Gegenstimme(n) are no votes
        ("mehrheitlich beschlossen bei 2 Gegenstimmen", None, Some(2), None),
        ("Beschluss vom 05.03.2020: 11 Ja, 1 Nein", Some(11), Some(1), None),
    ];

    #[test]
    fn tallies_of_real_vendor_texts() {
        assert!(REAL_TALLIES.len() >= 30);
        let mut wrong = Vec::new();
        for (text, yes, no, abstain) in REAL_TALLIES {
            let got = tally(text);
            if got != (*yes, *no, *abstain) {
                wrong.push(format!(
                    "{text:?}: {got:?}, expected {:?}",
                    (yes, no, abstain)
                ));
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }
}
