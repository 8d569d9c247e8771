//! iCalendar (RFC 5545) output with the `ical` crate's types, written
//! here: TEXT values are escaped here (the crate does not), and lines are
//! folded at 75 octets on UTF-8 boundaries as they are written (the
//! crate counts characters). Times carry TZID=Europe/Berlin with a static
//! VTIMEZONE; DTSTAMP and LAST-MODIFIED are UTC.

use chrono::NaiveDateTime;
use ical::generator::{Emitter, IcalEvent, Property};
use ical::parser::ical::component::{
    IcalTimeZone, IcalTimeZoneTransition, IcalTimeZoneTransitionType,
};

pub const TZID: &str = "Europe/Berlin";
pub const PRODID: &str = "-//Gremium//Ratsinformationssystem//DE";

/// One meeting as a calendar event.
#[derive(Debug, Clone)]
pub struct Event {
    pub uid: String,
    pub sequence: i32,
    pub start: NaiveDateTime,
    pub end: NaiveDateTime,
    pub stamp: NaiveDateTime,
    pub summary: String,
    pub location: Option<String>,
    pub url: String,
    pub description: String,
    pub cancelled: bool,
    /// the event shows the non-public part (private feeds): `CLASS:CONFIDENTIAL`
    pub confidential: bool,
}

/// An all-day entry (a funding programme's deadline).
#[derive(Debug, Clone)]
pub struct AllDay {
    pub uid: String,
    pub date: chrono::NaiveDate,
    pub stamp: NaiveDateTime,
    pub summary: String,
    pub url: String,
    pub description: String,
}

fn all_day(e: &AllDay) -> IcalEvent {
    let mut ev = IcalEvent::new();
    let p = &mut ev.properties;
    p.push(prop("UID", e.uid.clone()));
    p.push(prop("DTSTAMP", utc_stamp(e.stamp)));
    p.push(prop("LAST-MODIFIED", utc_stamp(e.stamp)));
    p.push(prop_with(
        "DTSTART",
        &[("VALUE", "DATE")],
        e.date.format("%Y%m%d").to_string(),
    ));
    let next = e.date.succ_opt().unwrap_or(e.date);
    p.push(prop_with(
        "DTEND",
        &[("VALUE", "DATE")],
        next.format("%Y%m%d").to_string(),
    ));
    p.push(text("SUMMARY", &e.summary));
    p.push(prop_with("URL", &[("VALUE", "URI")], e.url.clone()));
    p.push(text("DESCRIPTION", &e.description));
    p.push(prop("TRANSP", "TRANSPARENT"));
    ev
}

/// Subscribed feeds and downloads carry no METHOD (they are no iTIP
/// messages; `METHOD:PUBLISH` would require an ORGANIZER per RFC 5546);
/// mailed invitations are REQUEST or CANCEL, with ORGANIZER and ATTENDEE.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Feed,
    Request,
    Cancel,
}

/// A calendar user of an iTIP message: the sender (ORGANIZER) or the
/// recipient (ATTENDEE).
#[derive(Debug, Clone)]
pub struct Party {
    pub name: Option<String>,
    pub email: String,
}

/// Who sends a mailed invitation and to whom; `member`: the recipient
/// belongs to a committee of the meeting (a required participant), not a
/// subscriber who only follows its dates.
#[derive(Debug, Clone)]
pub struct Invitation {
    pub organizer: Party,
    pub attendee: Party,
    pub member: bool,
}

/// A parameter value: quoted, without the characters a quoted value
/// cannot hold (RFC 5545 §3.1: no DQUOTE, no control characters).
fn param_value(s: &str) -> String {
    let clean: String = s.chars().filter(|c| *c != '"' && !c.is_control()).collect();
    format!("\"{clean}\"")
}

fn party(name: &str, p: &Party, extra: &[(&str, &str)]) -> Property {
    let mut params: Vec<(String, Vec<String>)> = Vec::new();
    if let Some(cn) = p.name.as_deref().filter(|n| !n.trim().is_empty()) {
        params.push(("CN".into(), vec![param_value(cn)]));
    }
    params.extend(
        extra
            .iter()
            .map(|(k, v)| (k.to_string(), vec![v.to_string()])),
    );
    Property {
        name: name.to_string(),
        params: (!params.is_empty()).then_some(params),
        value: Some(format!("mailto:{}", p.email)),
    }
}

/// TEXT escaping (RFC 5545 §3.3.11): backslash, semicolon, comma,
/// newline; other control characters are dropped.
pub fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Unfold, then fold every content line at ≤ 75 octets without splitting
/// a UTF-8 character and without leaving whitespace at a line end (some
/// parsers trim it); lines end with CRLF.
pub fn fold(generated: &str) -> String {
    let unfolded = generated.replace("\r\n ", "").replace("\r\n\t", "");
    let mut out = String::with_capacity(unfolded.len() + unfolded.len() / 60 * 3);
    for line in unfolded.split("\r\n").filter(|l| !l.is_empty()) {
        fold_line(&mut out, line);
    }
    out
}

/// Append one content line, folded: at most 75 octets per physical line
/// (74 after the leading blank of a continuation), never inside a UTF-8
/// character, trailing blanks moved to the next physical line.
fn fold_line(out: &mut String, line: &str) {
    let mut budget = 75;
    let mut start = 0;
    let mut first = true;
    while line.len() - start > budget {
        let mut end = start + budget;
        while !line.is_char_boundary(end) {
            end -= 1;
        }
        while end > start + 1 && matches!(line.as_bytes()[end - 1], b' ' | b'\t') {
            end -= 1;
        }
        if !first {
            out.push(' ');
        }
        out.push_str(&line[start..end]);
        out.push_str("\r\n");
        first = false;
        budget = 74;
        start = end;
    }
    if !first {
        out.push(' ');
    }
    out.push_str(&line[start..]);
    out.push_str("\r\n");
}

/// Write a property (`NAME;KEY=v1,v2:value`) as folded content lines.
fn emit(out: &mut String, line: &mut String, p: &Property) {
    line.clear();
    line.push_str(&p.name);
    for (k, values) in p.params.iter().flatten() {
        line.push(';');
        line.push_str(k);
        line.push('=');
        for (i, v) in values.iter().enumerate() {
            if i > 0 {
                line.push(',');
            }
            line.push_str(v);
        }
    }
    line.push(':');
    line.push_str(p.value.as_deref().unwrap_or(""));
    fold_line(out, line);
}

fn emit_component(out: &mut String, line: &mut String, kind: &str, props: &[Property]) {
    out.push_str("BEGIN:");
    out.push_str(kind);
    out.push_str("\r\n");
    for p in props {
        emit(out, line, p);
    }
    out.push_str("END:");
    out.push_str(kind);
    out.push_str("\r\n");
}

/// The VTIMEZONE block, generated once.
fn berlin_text() -> &'static str {
    static TEXT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    TEXT.get_or_init(|| fold(&berlin().generate()))
}

fn prop(name: &str, value: impl Into<String>) -> Property {
    Property {
        name: name.to_string(),
        params: None,
        value: Some(value.into()),
    }
}

fn prop_with(name: &str, params: &[(&str, &str)], value: impl Into<String>) -> Property {
    Property {
        name: name.to_string(),
        params: Some(
            params
                .iter()
                .map(|(k, v)| (k.to_string(), vec![v.to_string()]))
                .collect(),
        ),
        value: Some(value.into()),
    }
}

fn text(name: &str, value: &str) -> Property {
    prop(name, escape_text(value))
}

pub fn utc_stamp(t: NaiveDateTime) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

pub fn local_stamp(t: NaiveDateTime) -> String {
    crate::base::dates::berlin(t)
        .format("%Y%m%dT%H%M%S")
        .to_string()
}

/// Europe/Berlin since 1996 (EU rules): CET/CEST, last Sunday of March
/// and October.
fn berlin() -> IcalTimeZone {
    let mut tz = IcalTimeZone::new();
    tz.properties.push(prop("TZID", TZID));
    tz.properties.push(prop("X-LIC-LOCATION", TZID));
    let mut daylight = IcalTimeZoneTransition::new(IcalTimeZoneTransitionType::DAYLIGHT);
    daylight.properties.extend([
        prop("TZOFFSETFROM", "+0100"),
        prop("TZOFFSETTO", "+0200"),
        prop("TZNAME", "CEST"),
        prop("DTSTART", "19700329T020000"),
        prop("RRULE", "FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU"),
    ]);
    let mut standard = IcalTimeZoneTransition::new(IcalTimeZoneTransitionType::STANDARD);
    standard.properties.extend([
        prop("TZOFFSETFROM", "+0200"),
        prop("TZOFFSETTO", "+0100"),
        prop("TZNAME", "CET"),
        prop("DTSTART", "19701025T030000"),
        prop("RRULE", "FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU"),
    ]);
    tz.transitions.push(daylight);
    tz.transitions.push(standard);
    tz
}

fn event(e: &Event, method: Method, invitation: Option<&Invitation>) -> IcalEvent {
    let mut ev = IcalEvent::new();
    let p = &mut ev.properties;
    p.push(prop("UID", e.uid.clone()));
    if let Some(inv) = invitation {
        p.push(party("ORGANIZER", &inv.organizer, &[]));
        let role = if inv.member {
            "REQ-PARTICIPANT"
        } else {
            "NON-PARTICIPANT"
        };
        p.push(party(
            "ATTENDEE",
            &inv.attendee,
            &[
                ("CUTYPE", "INDIVIDUAL"),
                ("ROLE", role),
                ("PARTSTAT", "NEEDS-ACTION"),
                ("RSVP", "FALSE"),
            ],
        ));
    }
    p.push(prop("DTSTAMP", utc_stamp(e.stamp)));
    p.push(prop("LAST-MODIFIED", utc_stamp(e.stamp)));
    p.push(prop("SEQUENCE", e.sequence.max(0).to_string()));
    p.push(prop_with(
        "DTSTART",
        &[("TZID", TZID)],
        local_stamp(e.start),
    ));
    p.push(prop_with("DTEND", &[("TZID", TZID)], local_stamp(e.end)));
    let cancelled = e.cancelled || method == Method::Cancel;
    let summary = if cancelled {
        format!("Abgesagt: {}", e.summary)
    } else {
        e.summary.clone()
    };
    p.push(text("SUMMARY", &summary));
    if let Some(l) = &e.location {
        p.push(text("LOCATION", l));
    }
    p.push(prop_with("URL", &[("VALUE", "URI")], e.url.clone()));
    p.push(text("DESCRIPTION", &e.description));
    p.push(prop(
        "STATUS",
        if cancelled { "CANCELLED" } else { "CONFIRMED" },
    ));
    p.push(prop("TRANSP", "OPAQUE"));
    if e.confidential {
        p.push(prop("CLASS", "CONFIDENTIAL"));
    }
    ev
}

/// A whole feed (no METHOD) as folded text.
pub fn calendar(name: &str, events: &[Event]) -> String {
    calendar_with(name, events, &[])
}

/// A feed with meetings and all-day entries (deadlines).
pub fn calendar_with(name: &str, events: &[Event], days: &[AllDay]) -> String {
    build(name, events, days, Method::Feed, None)
}

/// A mailed invitation (REQUEST) or cancellation (CANCEL) for one
/// recipient, with ORGANIZER and ATTENDEE as RFC 5546 requires.
pub fn invitation(name: &str, events: &[Event], method: Method, inv: &Invitation) -> String {
    build(name, events, &[], method, Some(inv))
}

/// A feed from VEVENT blocks written by `feed_event_text` (the feed memo
/// keeps them per meeting), followed by all-day entries.
pub fn calendar_of_blocks<B: AsRef<str>>(name: &str, blocks: &[B], days: &[AllDay]) -> String {
    let size: usize = blocks.iter().map(|b| b.as_ref().len()).sum();
    let mut out = String::with_capacity(2_048 + size + 600 * days.len());
    let mut line = String::with_capacity(256);
    begin(&mut out, &mut line, name, Method::Feed);
    for b in blocks {
        out.push_str(b.as_ref());
    }
    for d in days {
        emit_component(&mut out, &mut line, "VEVENT", &all_day(d).properties);
    }
    out.push_str("END:VCALENDAR\r\n");
    out
}

/// One meeting's VEVENT of a feed (no METHOD, no attendee) as folded text.
pub fn feed_event_text(e: &Event) -> String {
    let mut out = String::with_capacity(1_400);
    let mut line = String::with_capacity(256);
    emit_component(
        &mut out,
        &mut line,
        "VEVENT",
        &event(e, Method::Feed, None).properties,
    );
    out
}

/// BEGIN:VCALENDAR, the calendar's properties and the VTIMEZONE.
fn begin(out: &mut String, line: &mut String, name: &str, method: Method) {
    let mut head = vec![
        prop("VERSION", "2.0"),
        prop("PRODID", PRODID),
        prop("CALSCALE", "GREGORIAN"),
    ];
    match method {
        Method::Feed => {}
        Method::Request => head.push(prop("METHOD", "REQUEST")),
        Method::Cancel => head.push(prop("METHOD", "CANCEL")),
    }
    head.extend([
        text("NAME", name),
        text("X-WR-CALNAME", name),
        prop("X-WR-TIMEZONE", TZID),
        prop_with("REFRESH-INTERVAL", &[("VALUE", "DURATION")], "PT1H"),
        prop("X-PUBLISHED-TTL", "PT1H"),
    ]);
    out.push_str("BEGIN:VCALENDAR\r\n");
    for p in &head {
        emit(out, line, p);
    }
    out.push_str(berlin_text());
}

fn build(
    name: &str,
    events: &[Event],
    days: &[AllDay],
    method: Method,
    invitation: Option<&Invitation>,
) -> String {
    // written directly (folded as it goes)
    let mut out = String::with_capacity(2_048 + 1_400 * (events.len() + days.len()));
    let mut line = String::with_capacity(256);
    begin(&mut out, &mut line, name, method);
    for e in events {
        emit_component(
            &mut out,
            &mut line,
            "VEVENT",
            &event(e, method, invitation).properties,
        );
    }
    for d in days {
        emit_component(&mut out, &mut line, "VEVENT", &all_day(d).properties);
    }
    out.push_str("END:VCALENDAR\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped() {
        assert_eq!(
            escape_text("Umwelt, Klima; Verkehr\\Bau\nZeile\r"),
            "Umwelt\\, Klima\\; Verkehr\\\\Bau\\nZeile"
        );
    }

    #[test]
    fn lines_are_folded_at_75_octets_on_char_boundaries() {
        let long = format!(
            "DESCRIPTION:{}\r\n",
            "Ä".repeat(100) + " Ende mit Leerzeichen     x"
        );
        let folded = fold(&long);
        for l in folded.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(l.len() <= 75, "{} octets: {l}", l.len());
            assert!(!l.ends_with(' '), "no trailing blank: {l:?}");
        }
        let unfolded = folded.replace("\r\n ", "");
        assert_eq!(unfolded, long);
    }
}
