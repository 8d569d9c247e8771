//! Validation helpers for back-office forms: each collects German
//! messages per field instead of failing on the first.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

use crate::auth::form::Fields;

/// Field name → German message.
pub use crate::edit::Errors;

pub fn required(f: &Fields, name: &str, label: &str, max: usize, errors: &mut Errors) -> String {
    let v = f.get(name).to_string();
    if v.is_empty() {
        errors.insert(name.into(), format!("Bitte {label} angeben."));
    } else if v.chars().count() > max {
        errors.insert(
            name.into(),
            format!("{label} darf höchstens {max} Zeichen lang sein."),
        );
    }
    v
}

pub fn optional(f: &Fields, name: &str, max: usize, errors: &mut Errors) -> Option<String> {
    let v = f.get(name);
    if v.chars().count() > max {
        errors.insert(name.into(), format!("Höchstens {max} Zeichen."));
    }
    Some(v.to_string()).filter(|s| !s.is_empty())
}

pub fn opt_id(f: &Fields, name: &str, errors: &mut Errors) -> Option<i64> {
    match f.get(name) {
        "" => None,
        s => match s.parse::<i64>() {
            Ok(n) if n > 0 => Some(n),
            _ => {
                errors.insert(name.into(), "Ungültige Auswahl.".into());
                None
            }
        },
    }
}

pub fn ids(f: &Fields, name: &str, errors: &mut Errors) -> Vec<i64> {
    let mut out = Vec::new();
    for s in f.all(name) {
        if s.is_empty() {
            continue;
        }
        match s.parse::<i64>() {
            Ok(n) if n > 0 => out.push(n),
            _ => {
                errors.insert(name.into(), "Ungültige Auswahl.".into());
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

pub fn version(f: &Fields) -> i32 {
    f.get("version").parse().unwrap_or(-1)
}

pub fn date(f: &Fields, name: &str, label: &str, errors: &mut Errors) -> Option<NaiveDate> {
    let s = f.get(name);
    if s.is_empty() {
        errors.insert(name.into(), format!("Bitte {label} angeben."));
        return None;
    }
    let d = NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(s, "%d.%m.%Y"))
        .ok()
        .filter(|d| (1990..=2100).contains(&chrono::Datelike::year(d)));
    if d.is_none() {
        errors.insert(
            name.into(),
            format!(
                "„{}“ ist kein gültiges Datum (TT.MM.JJJJ).",
                crate::routes::shorten(s)
            ),
        );
    }
    d
}

pub fn time(
    f: &Fields,
    name: &str,
    label: &str,
    required: bool,
    errors: &mut Errors,
) -> Option<NaiveTime> {
    let s = f.get(name);
    if s.is_empty() {
        if required {
            errors.insert(name.into(), format!("Bitte {label} angeben."));
        }
        return None;
    }
    let t = NaiveTime::parse_from_str(s, "%H:%M")
        .or_else(|_| NaiveTime::parse_from_str(s, "%H:%M:%S"))
        .ok();
    if t.is_none() {
        errors.insert(
            name.into(),
            format!(
                "„{}“ ist keine gültige Uhrzeit (SS:MM).",
                crate::routes::shorten(s)
            ),
        );
    }
    t
}

/// Berlin wall time → UTC; the gap hour of the DST change is an error.
pub fn berlin(
    d: NaiveDate,
    t: NaiveTime,
    name: &str,
    errors: &mut Errors,
) -> Option<NaiveDateTime> {
    let utc = crate::base::dates::berlin_to_utc(d.and_time(t));
    if utc.is_none() {
        errors.insert(
            name.into(),
            "Diese Uhrzeit gibt es an diesem Tag nicht (Zeitumstellung).".into(),
        );
    }
    utc
}

pub fn count(f: &Fields, name: &str, errors: &mut Errors) -> Option<i32> {
    match f.get(name) {
        "" => None,
        s => match s.parse::<i32>() {
            Ok(n) if (0..=10_000).contains(&n) => Some(n),
            _ => {
                errors.insert(
                    name.into(),
                    format!("„{}“ ist keine gültige Anzahl.", crate::routes::shorten(s)),
                );
                None
            }
        },
    }
}
