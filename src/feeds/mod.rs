//! Calendar feeds: which meetings a feed holds and how each becomes an
//! event. Public feeds are built for `Audience::Public` (public TOP titles
//! only); private feeds of members for `Audience::Full`.

pub mod atom;
pub mod ical;
pub mod memo;

use std::collections::HashMap;

use chrono::Duration;
use diesel::prelude::*;

use crate::access::Audience;
use crate::db::models::{AgendaItem, Meeting};
use crate::db::schema::{meeting_organizations, meetings};
use crate::db::DbConnection;
use crate::domain::MeetingState;
use crate::views;

/// Meetings older than this do not appear in feeds (kept small for clients).
pub const PAST_DAYS: i64 = 400;
/// Without an end time a meeting is shown as three hours long.
pub const DEFAULT_HOURS: i64 = 3;
const MAX_EVENTS: i64 = 1_000;

/// Which meetings a feed shows.
pub enum Scope {
    Body(i64),
    Organizations(Vec<i64>),
    Meeting(i64),
}

pub fn meetings_of(conn: &mut DbConnection, scope: &Scope) -> QueryResult<Vec<Meeting>> {
    let since = crate::db::now() - Duration::days(PAST_DAYS);
    let base = meetings::table
        .filter(meetings::deleted_at.is_null())
        .into_boxed();
    let q = match scope {
        Scope::Meeting(id) => base.filter(meetings::id.eq(*id)),
        Scope::Body(b) => base
            .filter(meetings::body_id.eq(*b))
            .filter(meetings::start_at.ge(since)),
        Scope::Organizations(orgs) => {
            let joint = meeting_organizations::table
                .filter(meeting_organizations::organization_id.eq_any(orgs.clone()))
                .select(meeting_organizations::meeting_id);
            base.filter(
                meetings::organization_id
                    .eq_any(orgs.clone())
                    .or(meetings::id.eq_any(joint)),
            )
            .filter(meetings::start_at.ge(since))
        }
    };
    q.order((meetings::start_at, meetings::id))
        .limit(MAX_EVENTS)
        .select(Meeting::as_select())
        .load(conn)
}

/// The host part for UIDs (`sitzung-12@ratsinfo.example.de`).
pub fn uid_host(base_url: &str) -> String {
    url::Url::parse(base_url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_else(|| "gremium.invalid".into())
}

pub fn uid(meeting_id: i64, base_url: &str) -> String {
    format!("sitzung-{meeting_id}@{}", uid_host(base_url))
}

/// The live agenda items of meetings with only what numbering, visibility
/// and a feed's agenda lines need (id, meeting, parent, part, position,
/// title); texts such as resolutions and minutes are not loaded and stay
/// empty, so these rows are for `number_and_filter`/`tree_order` only.
fn outlines(conn: &mut DbConnection, meeting_ids: &[i64]) -> QueryResult<Vec<AgendaItem>> {
    use crate::db::schema::agenda_items as a;
    if meeting_ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<(i64, i64, Option<i64>, bool, i32, String)> = a::table
        .filter(a::meeting_id.eq_any(meeting_ids))
        .filter(a::deleted_at.is_null())
        .select((
            a::id,
            a::meeting_id,
            a::parent_id,
            a::public,
            a::position,
            a::title,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, meeting_id, parent_id, public, position, title)| {
            AgendaItem::outline(id, meeting_id, parent_id, public, position, title)
        })
        .collect())
}

/// The agenda lines ("Ö 1", title) of each meeting this audience may
/// see, in agenda order. A fixed number of queries for any number of meetings.
pub fn agendas(
    conn: &mut DbConnection,
    list: &[Meeting],
    audience: Audience,
) -> QueryResult<HashMap<i64, Vec<(String, String)>>> {
    let ids: Vec<i64> = list.iter().map(|m| m.id).collect();
    let mut items = outlines(conn, &ids)?;
    // numbering, visibility and order per meeting: small maps, no copies
    items.sort_unstable_by_key(|a| a.meeting_id);
    let mut out: HashMap<i64, Vec<(String, String)>> = HashMap::with_capacity(list.len());
    for meeting in items.chunk_by_mut(|a, b| a.meeting_id == b.meeting_id) {
        let mut numbers = crate::access::agenda::numbers(meeting);
        let visible = crate::access::agenda::visible_ids(meeting, audience);
        let order = crate::access::agenda::tree_order(meeting);
        let mut shown: Vec<&mut AgendaItem> = meeting
            .iter_mut()
            .filter(|a| visible.contains(&a.id))
            .collect();
        shown.sort_by_key(|a| order.get(&a.id).copied().unwrap_or(usize::MAX));
        let lines = shown
            .into_iter()
            .map(|a| {
                let n = numbers.remove(&a.id).unwrap_or_default();
                (n, std::mem::take(&mut a.title))
            })
            .collect();
        if let Some(first) = meeting.first() {
            out.insert(first.meeting_id, lines);
        }
    }
    Ok(out)
}

/// What an event shows besides its meeting row and agenda: the names of
/// its organization, body and place. Compared with the memo's copy.
#[derive(Debug, Clone, PartialEq)]
pub struct Names {
    pub organization: String,
    pub body: String,
    pub location: Option<String>,
}

/// The names of each meeting's organization, body and place (three
/// queries for any number of meetings), in the order of `list`.
fn names(conn: &mut DbConnection, list: &[Meeting]) -> QueryResult<Vec<Names>> {
    let org_ids: Vec<i64> = list.iter().map(|m| m.organization_id).collect();
    let loc_ids: Vec<i64> = list.iter().filter_map(|m| m.location_id).collect();
    let orgs = crate::db::organizations::by_ids(conn, &org_ids)?;
    let bodies = crate::db::bodies::map_all(conn)?;
    let locs = crate::db::bodies::locations_by_ids(conn, &loc_ids)?;
    Ok(list
        .iter()
        .map(|m| Names {
            organization: orgs
                .get(&m.organization_id)
                .map(|o| o.name.clone())
                .unwrap_or_default(),
            body: bodies
                .get(&m.body_id)
                .map(|b| b.name.clone())
                .unwrap_or_default(),
            location: m
                .location_id
                .and_then(|l| locs.get(&l))
                .map(views::meetings::location_label),
        })
        .collect())
}

/// One meeting as an event, with the agenda lines this audience may see in
/// the description.
fn event_of(
    m: &Meeting,
    names: &Names,
    agenda: Vec<(String, String)>,
    audience: Audience,
    base_url: &str,
) -> ical::Event {
    let cancelled = MeetingState::from_key(&m.state) == Some(MeetingState::Cancelled);
    let url = format!("{base_url}/sitzungen/{}", m.id);
    let mut d = String::with_capacity(256 + 80 * agenda.len());
    if cancelled {
        d.push_str("Die Sitzung wurde abgesagt.\n\n");
    }
    d.push_str(&format!("{} – {}\n", names.organization, names.body));
    if agenda.is_empty() {
        d.push_str("\nDie Tagesordnung liegt noch nicht vor.\n");
    } else {
        d.push_str(if audience == Audience::Full {
            "\nTagesordnung (mit nichtöffentlichem Teil – vertraulich):\n"
        } else {
            "\nTagesordnung (öffentlicher Teil):\n"
        });
        for (n, title) in agenda {
            d.push_str(&n);
            d.push(' ');
            d.push_str(&title);
            d.push('\n');
        }
    }
    d.push('\n');
    d.push_str(&url);
    ical::Event {
        uid: uid(m.id, base_url),
        sequence: m.sequence,
        start: m.start_at,
        end: m
            .end_at
            .filter(|e| *e > m.start_at)
            .unwrap_or(m.start_at + Duration::hours(DEFAULT_HOURS)),
        stamp: m.updated_at,
        // "Sitzung des Rates …" already names the committee
        summary: if m.name.contains(&names.organization) {
            m.name.clone()
        } else {
            format!("{}: {}", names.organization, m.name)
        },
        location: names.location.clone(),
        url,
        description: d,
        cancelled,
        confidential: audience == Audience::Full,
    }
}

/// Events for meetings, with the agenda this audience may see in the
/// description. A fixed number of queries for any number of meetings.
pub fn events(
    conn: &mut DbConnection,
    list: &[Meeting],
    audience: Audience,
    base_url: &str,
) -> QueryResult<Vec<ical::Event>> {
    let names = names(conn, list)?;
    let mut agendas = agendas(conn, list, audience)?;
    Ok(list
        .iter()
        .zip(&names)
        .map(|(m, n)| {
            let agenda = agendas.remove(&m.id).unwrap_or_default();
            event_of(m, n, agenda, audience, base_url)
        })
        .collect())
}

/// The feed's VEVENT blocks for meetings, in the order of `list`. Blocks
/// the memo holds for the same meeting row, names and agenda version are
/// reused; the others are built (one agenda query for all of them) and
/// kept. Every call reads the meetings' current rows, names and agenda
/// versions, so a change by any writer shows in the next request.
pub fn event_blocks(
    conn: &mut DbConnection,
    memo: Option<&memo::EventMemo>,
    list: &[Meeting],
    audience: Audience,
    base_url: &str,
) -> QueryResult<Vec<std::sync::Arc<str>>> {
    let Some(memo) = memo else {
        return Ok(events(conn, list, audience, base_url)?
            .iter()
            .map(|e| std::sync::Arc::from(ical::feed_event_text(e)))
            .collect());
    };
    let names = names(conn, list)?;
    let ids: Vec<i64> = list.iter().map(|m| m.id).collect();
    let versions = crate::db::meetings::agenda_versions(conn, &ids)?;
    let keys: Vec<memo::Key> = list
        .iter()
        .zip(names)
        .map(|(m, n)| memo::Key {
            meeting: m.clone(),
            names: n,
            agenda_version: versions.get(&m.id).copied().unwrap_or(0),
            audience,
        })
        .collect();
    let mut blocks = memo.lookup(&keys);
    let missing: Vec<Meeting> = keys
        .iter()
        .zip(&blocks)
        .filter(|(_, b)| b.is_none())
        .map(|(k, _)| k.meeting.clone())
        .collect();
    if !missing.is_empty() {
        let mut agendas = agendas(conn, &missing, audience)?;
        let mut built = Vec::with_capacity(missing.len());
        for (key, block) in keys.iter().zip(blocks.iter_mut()) {
            if block.is_some() {
                continue;
            }
            let agenda = agendas.remove(&key.meeting.id).unwrap_or_default();
            let text: std::sync::Arc<str> = ical::feed_event_text(&event_of(
                &key.meeting,
                &key.names,
                agenda,
                audience,
                base_url,
            ))
            .into();
            *block = Some(text.clone());
            built.push((key.clone(), text));
        }
        memo.keep(built);
    }
    Ok(blocks.into_iter().flatten().collect())
}
