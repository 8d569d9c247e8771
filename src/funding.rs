//! Funding programme arithmetic: positions (FTE) in hundredths, money in
//! cents, German number input and output, the pooling rules and the
//! pooling proposal. Pure functions; the forms and pages call them.

use std::collections::BTreeMap;

/// Parse a German (or plain) decimal with at most two places into
/// hundredths: "0,85" → 85, "2,5" → 250, "1.0" → 100. Negative values,
/// more than two decimal places and anything else → `Err` with a German
/// message naming `label`.
pub fn parse_centi(raw: &str, label: &str) -> Result<Option<i64>, String> {
    parse_hundredths(raw, label, 5)
}

fn parse_hundredths(raw: &str, label: &str, max_digits: usize) -> Result<Option<i64>, String> {
    let s = raw.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let bad = || {
        format!(
            "{label}: „{}“ ist keine gültige Zahl (z. B. 0,5).",
            short(s)
        )
    };
    if s.starts_with('-') {
        return Err(format!("{label} darf nicht negativ sein."));
    }
    let normal = s.replace(',', ".");
    let (whole, frac) = match normal.split_once('.') {
        Some((w, f)) => (w, f),
        None => (normal.as_str(), ""),
    };
    if whole.is_empty() && frac.is_empty() {
        return Err(bad());
    }
    if !whole.chars().all(|c| c.is_ascii_digit()) || !frac.chars().all(|c| c.is_ascii_digit()) {
        return Err(bad());
    }
    if frac.len() > 2 {
        return Err(format!(
            "{label}: höchstens zwei Nachkommastellen (z. B. 0,85)."
        ));
    }
    if whole.len() > max_digits {
        return Err(format!("{label}: „{}“ ist zu groß.", short(s)));
    }
    let w: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| bad())?
    };
    let f: i64 = match frac.len() {
        0 => 0,
        1 => frac.parse::<i64>().map_err(|_| bad())? * 10,
        _ => frac.parse().map_err(|_| bad())?,
    };
    Ok(Some(w * 100 + f))
}

/// Parse a euro amount into cents: "57.000,00", "57000", "57000,5" and
/// "1.234.567" are read the German way; "12.50" (one dot, two decimals,
/// no comma) as a decimal point.
pub fn parse_euro(raw: &str, label: &str) -> Result<Option<i64>, String> {
    let s: String = raw
        .trim()
        .trim_end_matches('€')
        .trim()
        .replace(['\u{a0}', ' '], "");
    if s.is_empty() {
        return Ok(None);
    }
    if s.starts_with('-') {
        return Err(format!("{label} darf nicht negativ sein."));
    }
    let bad = || {
        format!(
            "{label}: „{}“ ist kein gültiger Betrag (z. B. 57.000,00).",
            short(raw.trim())
        )
    };
    // dots are thousands separators: only between groups of three digits
    let grouped_ok = |whole: &str| {
        !whole.contains('.') || {
            let groups: Vec<&str> = whole.split('.').collect();
            (1..=3).contains(&groups[0].len()) && groups[1..].iter().all(|g| g.len() == 3)
        }
    };
    let german = if let Some((whole, frac)) = s.split_once(',') {
        if !grouped_ok(whole) || frac.contains(['.', ',']) {
            return Err(bad());
        }
        s.replace('.', "")
    } else if let Some((_, frac)) = s.rsplit_once('.') {
        if s.matches('.').count() == 1 && frac.len() <= 2 {
            s.replace('.', ",")
        } else if grouped_ok(&s) {
            s.replace('.', "")
        } else {
            return Err(bad());
        }
    } else {
        s.clone()
    };
    // now: digits with an optional decimal comma
    let value = parse_hundredths(&german, label, 12).map_err(|_| bad())?;
    Ok(value)
}

fn short(s: &str) -> String {
    crate::base::text::shorten(s)
}

/// 85 → "0,85"; 250 → "2,5"; 100 → "1,0".
pub fn fte(centi: i64) -> String {
    let (w, f) = (centi / 100, (centi % 100).abs());
    if f == 0 {
        format!("{w},0")
    } else if f % 10 == 0 {
        format!("{w},{}", f / 10)
    } else {
        format!("{w},{f:02}")
    }
}

/// 5700000 → "57.000,00 €".
pub fn euro(cents: i64) -> String {
    let whole = (cents / 100).to_string();
    let mut grouped = String::new();
    for (i, ch) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push('.');
        }
        grouped.push(ch);
    }
    format!("{grouped},{:02} €", cents % 100)
}

/// For form fields: hundredths back to the German input form, "" for none.
pub fn fte_input(centi: Option<i32>) -> String {
    centi.map(|c| fte(c as i64)).unwrap_or_default()
}

/// Cents back to the German input form "57000,00", "" for none.
pub fn euro_input(cents: Option<i64>) -> String {
    cents
        .map(|c| format!("{},{:02}", c / 100, c % 100))
        .unwrap_or_default()
}

/// One participant's share as the rules see it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Share {
    pub participant: String,
    pub pool: Option<String>,
    pub computed: Option<i64>,
    pub waived: Option<i64>,
    pub waived_to_pool: Option<String>,
    pub agreed: Option<i64>,
}

/// The programme figures the rules need.
#[derive(Debug, Clone, Copy, Default)]
pub struct Frame {
    pub total: Option<i64>,
    pub unit: Option<i64>,
}

/// What one pool holds: its members' computed shares, minus what members
/// gave away, plus waivers directed to it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PoolSum {
    pub name: String,
    pub members: Vec<String>,
    pub computed: i64,
    pub received: i64,
    pub given: i64,
    pub agreed: i64,
}

impl PoolSum {
    pub fn available(&self) -> i64 {
        self.computed + self.received - self.given
    }
}

pub fn pools(shares: &[Share]) -> Vec<PoolSum> {
    let mut map: BTreeMap<String, PoolSum> = BTreeMap::new();
    for s in shares {
        if let Some(p) = s.pool.as_deref() {
            let e = map.entry(p.to_string()).or_insert_with(|| PoolSum {
                name: p.to_string(),
                ..Default::default()
            });
            e.members.push(s.participant.clone());
            e.computed += s.computed.unwrap_or(0);
            e.agreed += s.agreed.unwrap_or(0);
            // a member's waiver that goes elsewhere leaves the pool
            if s.waived_to_pool.as_deref() != Some(p) {
                e.given += s.waived.unwrap_or(0);
            }
        }
    }
    for s in shares {
        if let Some(to) = s.waived_to_pool.as_deref() {
            if s.pool.as_deref() == Some(to) {
                continue;
            }
            if let Some(e) = map.get_mut(to) {
                e.received += s.waived.unwrap_or(0);
            }
        }
    }
    map.into_values().collect()
}

/// Every rule the allocations break, in German. Empty when all is well.
pub fn check(frame: Frame, shares: &[Share]) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(unit) = frame.unit.filter(|u| *u > 0) {
        for s in shares {
            if let Some(a) = s.agreed.filter(|a| a % unit != 0) {
                out.push(format!(
                    "{}: {} Stellen sind kein Vielfaches der förderfähigen Einheit von {} Stellen.",
                    s.participant,
                    fte(a),
                    fte(unit)
                ));
            }
        }
    }
    for s in shares {
        if let (Some(w), Some(c)) = (s.waived, s.computed) {
            if w > c {
                out.push(format!(
                    "{}: Der Verzicht ({}) ist größer als der Rechenanteil ({}).",
                    s.participant,
                    fte(w),
                    fte(c)
                ));
            }
        }
        if let Some(to) = s.waived_to_pool.as_deref() {
            if !shares.iter().any(|o| o.pool.as_deref() == Some(to)) {
                out.push(format!(
                    "{}: Den Verbund „{to}“, zugunsten dessen verzichtet wird, gibt es in dieser Aufteilung nicht.",
                    s.participant
                ));
            }
            if s.waived.unwrap_or(0) == 0 {
                out.push(format!(
                    "{}: Ein Verzicht zugunsten von „{to}“ braucht einen Umfang.",
                    s.participant
                ));
            }
        }
    }
    for s in shares.iter().filter(|s| s.pool.is_none()) {
        if let (Some(a), Some(c), Some(w)) = (s.agreed, s.computed, s.waived) {
            if a > c - w {
                out.push(format!(
                    "{}: vereinbart sind {} Stellen, nach dem Verzicht von {} bleiben nur {}.",
                    s.participant,
                    fte(a),
                    fte(w),
                    fte(c - w)
                ));
            }
        }
    }
    let sum: i64 = shares.iter().filter_map(|s| s.agreed).sum();
    if let Some(total) = frame.total {
        if sum > total {
            out.push(format!(
                "Die vereinbarten Stellen ({}) übersteigen die Gesamtzahl des Programms ({}) um {}.",
                fte(sum),
                fte(total),
                fte(sum - total)
            ));
        }
    }
    for p in pools(shares) {
        if p.agreed > p.available() {
            out.push(format!(
                "Verbund {}: vereinbart sind {} Stellen, zur Verfügung stehen nur {} ({} aus Rechenanteilen{}{}).",
                p.name,
                fte(p.agreed),
                fte(p.available()),
                fte(p.computed),
                if p.received > 0 {
                    format!(", {} aus Verzichten anderer", fte(p.received))
                } else {
                    String::new()
                },
                if p.given > 0 {
                    format!(", {} abgegeben", fte(p.given))
                } else {
                    String::new()
                }
            ));
        }
    }
    out
}

/// A proposed distribution: per share (same order) the fundable share on
/// its own and the proposed agreed positions after pooling.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proposal {
    pub fundable: Vec<Option<i64>>,
    pub agreed: Vec<Option<i64>>,
}

/// Propose a distribution. Without a pool a participant gets its
/// computed share minus waivers, rounded down to the unit. A pool gets
/// what its members hold plus the waivers directed to it, rounded down to
/// the unit; the pool's units go first to each member's whole units
/// (largest-remainder method), the rest by the largest remainders, ties
/// by name. Never more than the programme total.
pub fn propose(frame: Frame, shares: &[Share]) -> Proposal {
    let unit = frame.unit.filter(|u| *u > 0).unwrap_or(1);
    let floor = |v: i64| (v.max(0) / unit) * unit;
    let fundable: Vec<Option<i64>> = shares.iter().map(|s| s.computed.map(floor)).collect();
    let mut agreed: Vec<Option<i64>> = vec![None; shares.len()];
    for (i, s) in shares.iter().enumerate() {
        if s.pool.is_none() {
            agreed[i] = s.computed.map(|c| floor(c - s.waived.unwrap_or(0)));
        }
    }
    for p in pools(shares) {
        let members: Vec<usize> = shares
            .iter()
            .enumerate()
            .filter(|(_, s)| s.pool.as_deref() == Some(p.name.as_str()))
            .map(|(i, _)| i)
            .collect();
        let mut units_left = floor(p.available()) / unit;
        let own = |i: usize| {
            let s = &shares[i];
            let gives = if s.waived_to_pool.as_deref() == Some(p.name.as_str()) {
                0
            } else {
                s.waived.unwrap_or(0)
            };
            (s.computed.unwrap_or(0) - gives).max(0)
        };
        for &i in &members {
            let whole = (own(i) / unit).min(units_left);
            agreed[i] = Some(whole * unit);
            units_left -= whole;
        }
        let mut order = members.clone();
        order.sort_by(|&a, &b| {
            (own(b) % unit)
                .cmp(&(own(a) % unit))
                .then_with(|| shares[a].participant.cmp(&shares[b].participant))
        });
        let mut k = 0;
        while units_left > 0 && !order.is_empty() {
            let i = order[k % order.len()];
            agreed[i] = Some(agreed[i].unwrap_or(0) + unit);
            units_left -= 1;
            k += 1;
        }
    }
    if let Some(total) = frame.total {
        // never propose more than the programme holds: take back from the
        // end of the list, one unit at a time
        let mut sum: i64 = agreed.iter().flatten().sum();
        let mut i = agreed.len();
        while sum > total && i > 0 {
            i -= 1;
            while let Some(a) = agreed[i].filter(|a| *a >= unit) {
                if sum <= total {
                    break;
                }
                agreed[i] = Some(a - unit);
                sum -= unit;
            }
        }
    }
    Proposal { fundable, agreed }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn share(name: &str, pool: Option<&str>, computed: i64) -> Share {
        Share {
            participant: name.into(),
            pool: pool.map(Into::into),
            computed: Some(computed),
            ..Default::default()
        }
    }

    #[test]
    fn german_numbers() {
        assert_eq!(parse_centi("0,85", "x"), Ok(Some(85)));
        assert_eq!(parse_centi("2,5", "x"), Ok(Some(250)));
        assert_eq!(parse_centi("8", "x"), Ok(Some(800)));
        assert_eq!(parse_centi(",5", "x"), Ok(Some(50)));
        assert_eq!(parse_centi("", "x"), Ok(None));
        assert!(parse_centi("-1", "x").unwrap_err().contains("negativ"));
        assert!(parse_centi("0,855", "x").is_err());
        assert!(parse_centi("eins", "x").is_err());
        assert!(parse_centi("1,2,3", "x").is_err());
        assert_eq!(parse_euro("57.000,00", "x"), Ok(Some(5_700_000)));
        assert_eq!(parse_euro("57000", "x"), Ok(Some(5_700_000)));
        assert_eq!(parse_euro("1.234.567", "x"), Ok(Some(123_456_700)));
        assert_eq!(parse_euro("12.50 €", "x"), Ok(Some(1250)));
        assert!(parse_euro("zwölf", "x").is_err());
        assert!(parse_euro("1,5.5", "x").is_err());
        assert!(parse_euro("12.34.5", "x").is_err());
        assert_eq!(parse_euro("1.000", "x"), Ok(Some(100_000)));
        assert_eq!(fte(85), "0,85");
        assert_eq!(fte(250), "2,5");
        assert_eq!(fte(100), "1,0");
        assert_eq!(euro(5_700_000), "57.000,00 €");
        assert_eq!(euro(1250), "12,50 €");
    }

    #[test]
    fn kreis_unna_mittelkreis_proposal() {
        let mut luenen = share("Lünen", None, 176);
        luenen.waived = Some(29);
        luenen.waived_to_pool = Some("Mittelkreis".into());
        let shares = vec![
            share("Kamen", Some("Mittelkreis"), 85),
            share("Bergkamen", Some("Mittelkreis"), 99),
            share("Bönen", Some("Mittelkreis"), 37),
            luenen,
        ];
        let frame = Frame {
            total: Some(800),
            unit: Some(50),
        };
        let p = propose(frame, &shares);
        assert_eq!(p.fundable[0], Some(50), "Kamen alone: only 0,5 fundable");
        assert_eq!(
            p.agreed,
            vec![Some(100), Some(100), Some(50), Some(100)],
            "Kamen 1,0, Bergkamen 1,0, Bönen 0,5; Lünen keeps 1,47 → 1,0"
        );
        // a waiver is not counted twice: Lünen cannot keep 1,5 after giving 0,29
        let mut twice = shares.clone();
        for (s, a) in twice.iter_mut().zip([100, 100, 50, 150]) {
            s.agreed = Some(a);
        }
        let problems = check(frame, &twice);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].starts_with("Lünen: vereinbart sind 1,5 Stellen"));
    }
}
