//! German dates and Berlin time: times are stored in UTC and shown in
//! Europe/Berlin, in the forms German readers expect.

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, TimeZone};
use chrono_tz::Europe::Berlin;

const WEEKDAYS: [&str; 7] = [
    "Montag",
    "Dienstag",
    "Mittwoch",
    "Donnerstag",
    "Freitag",
    "Samstag",
    "Sonntag",
];
const WEEKDAYS_SHORT: [&str; 7] = ["Mo", "Di", "Mi", "Do", "Fr", "Sa", "So"];
pub const MONTHS: [&str; 12] = [
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
];

/// A stored UTC time as a time in Berlin.
pub fn berlin(utc: NaiveDateTime) -> chrono::DateTime<chrono_tz::Tz> {
    Berlin.from_utc_datetime(&utc)
}

/// A Berlin wall-clock time as stored UTC (the earlier instant when ambiguous).
pub fn berlin_to_utc(local: NaiveDateTime) -> Option<NaiveDateTime> {
    Berlin
        .from_local_datetime(&local)
        .earliest()
        .map(|d| d.naive_utc())
}

/// "Dienstag, 24. November 2020"
pub fn date_long(utc: NaiveDateTime) -> String {
    let d = berlin(utc);
    format!(
        "{}, {}. {} {}",
        WEEKDAYS[d.weekday().num_days_from_monday() as usize],
        d.day(),
        MONTHS[d.month0() as usize],
        d.year()
    )
}

/// "Di., 24.11.2020"
pub fn date_short(utc: NaiveDateTime) -> String {
    let d = berlin(utc);
    format!(
        "{}., {}",
        WEEKDAYS_SHORT[d.weekday().num_days_from_monday() as usize],
        d.format("%d.%m.%Y")
    )
}

/// "17:00"
pub fn time(utc: NaiveDateTime) -> String {
    berlin(utc).format("%H:%M").to_string()
}

/// "2020-11-24T17:00:00+01:00" for `<time datetime>`
pub fn iso(utc: NaiveDateTime) -> String {
    berlin(utc).to_rfc3339()
}

/// "24.11.2020"
pub fn date(d: NaiveDate) -> String {
    d.format("%d.%m.%Y").to_string()
}

/// Today in Berlin.
pub fn today() -> NaiveDate {
    berlin(chrono::Utc::now().naive_utc()).date_naive()
}

/// A stored UTC time as RFC 3339 in UTC (`2021-02-23T16:00:00Z`, Atom).
pub fn rfc3339(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Parse an OParl filter value: a full date-time with offset (also `Z`);
/// a bare date is read as midnight Berlin time. Returns UTC.
pub fn parse_datetime(raw: &str) -> Option<NaiveDateTime> {
    // an unencoded "+" of the offset arrives as a space ("…T10:00:00 01:00")
    let trimmed = raw.trim();
    let fixed = match trimmed.rsplit_once(' ') {
        Some((head, tail))
            if head.contains('T')
                && tail.len() == 5
                && tail.as_bytes()[2] == b':'
                && tail.bytes().filter(u8::is_ascii_digit).count() == 4 =>
        {
            format!("{head}+{tail}")
        }
        _ => trimmed.to_string(),
    };
    let s = fixed.as_str();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.naive_utc());
    }
    if let Ok(t) = DateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%z") {
        return Some(t.naive_utc());
    }
    let d = NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()?;
    berlin_to_utc(d.and_hms_opt(0, 0, 0)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summer_and_winter_evenings_are_18_00_in_berlin() {
        let july = NaiveDate::from_ymd_opt(2026, 7, 14)
            .and_then(|d| d.and_hms_opt(16, 0, 0))
            .expect("date");
        let january = NaiveDate::from_ymd_opt(2026, 1, 13)
            .and_then(|d| d.and_hms_opt(17, 0, 0))
            .expect("date");
        assert_eq!(time(july), "18:00");
        assert_eq!(time(january), "18:00");
        assert_eq!(iso(july), "2026-07-14T18:00:00+02:00");
        assert_eq!(date_long(january), "Dienstag, 13. Januar 2026");
        let local = NaiveDate::from_ymd_opt(2026, 7, 14)
            .and_then(|d| d.and_hms_opt(18, 0, 0))
            .expect("date");
        assert_eq!(berlin_to_utc(local), Some(july));
    }
}
