//! Calendar feeds: which meetings a feed holds and how each becomes an
//! event. Public feeds are built for `Audience::Public` (public TOP titles
//! only); private feeds of members for `Audience::Full`.

pub mod atom;
pub mod ical;

use std::collections::HashMap;

use chrono::Duration;
use diesel::prelude::*;

use crate::access::Audience;
use crate::db::models::{AgendaItem, Meeting};
use crate::db::schema::{meeting_organizations, meetings};
use crate::db::DbConnection;
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
        let mut numbers = views::agenda::numbers(meeting);
        let visible = views::agenda::visible_ids(meeting, audience);
        let order = views::agenda::tree_order(meeting);
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

/// Events for meetings, with the agenda this audience may see in the
/// description. A fixed number of queries for any number of meetings.
pub fn events(
    conn: &mut DbConnection,
    list: &[Meeting],
    audience: Audience,
    base_url: &str,
) -> QueryResult<Vec<ical::Event>> {
    let cards = views::meetings::cards(conn, list)?;
    let mut agendas = agendas(conn, list, audience)?;
    Ok(list
        .iter()
        .zip(cards)
        .map(|(m, card)| {
            let url = format!("{base_url}/sitzungen/{}", m.id);
            let agenda = agendas.remove(&m.id).unwrap_or_default();
            let mut d = String::new();
            if card.cancelled {
                d.push_str("Die Sitzung wurde abgesagt.\n\n");
            }
            d.push_str(&format!("{} – {}\n", card.organization, card.body));
            if agenda.is_empty() {
                d.push_str("\nDie Tagesordnung liegt noch nicht vor.\n");
            } else {
                d.push_str(if audience == Audience::Full {
                    "\nTagesordnung (mit nichtöffentlichem Teil – vertraulich):\n"
                } else {
                    "\nTagesordnung (öffentlicher Teil):\n"
                });
                for (n, title) in agenda {
                    d.push_str(&format!("{n} {title}\n"));
                }
            }
            d.push_str(&format!("\n{url}"));
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
                summary: if m.name.contains(&card.organization) {
                    m.name.clone()
                } else {
                    format!("{}: {}", card.organization, m.name)
                },
                location: card.location.clone(),
                url,
                description: d,
                cancelled: card.cancelled,
                confidential: audience == Audience::Full,
            }
        })
        .collect())
}
