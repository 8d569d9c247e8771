//! Atom (RFC 4287) feeds of what happens in a body or committee: meetings
//! scheduled, agendas published, changes, cancellations, minutes, and new
//! public papers. Entries are derived from the current state; an entry's
//! `updated` moves when its meeting or paper changes.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use crate::db::models::{Meeting, Paper};
use crate::db::schema::{consultations, papers};
use crate::db::DbConnection;
use crate::domain::MeetingState;
use crate::views;

const MAX_ENTRIES: usize = 50;

#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    pub id: String,
    pub title: String,
    pub url: String,
    pub updated: String,
    pub summary: String,
    #[serde(skip)]
    pub sort: NaiveDateTime,
}

#[derive(Debug, Serialize)]
pub struct Feed {
    pub id: String,
    pub title: String,
    pub self_url: String,
    pub page_url: String,
    pub updated: String,
    pub entries: Vec<Entry>,
}

impl Feed {
    /// The newest change among the entries (HTTP Last-Modified); `None`
    /// for an empty feed.
    pub fn last_modified(&self) -> Option<NaiveDateTime> {
        self.entries.iter().map(|e| e.sort).max()
    }
}

pub use crate::base::dates::rfc3339;

fn tag(base_url: &str, what: &str) -> String {
    format!("tag:{},2026:{what}", super::uid_host(base_url))
}

fn meeting_entry(m: &Meeting, card: &views::meetings::MeetingCard, base_url: &str) -> Entry {
    let state = MeetingState::from_key(&m.state).unwrap_or(MeetingState::Scheduled);
    let when = format!("{}, {} Uhr", card.date_long, card.time);
    let (label, summary) = match state {
        MeetingState::Cancelled => ("Abgesagt", format!("Die Sitzung am {when} wurde abgesagt.")),
        MeetingState::Held if m.minutes_published_at.is_some() => (
            "Niederschrift veröffentlicht",
            format!("Die Niederschrift der Sitzung vom {when} ist veröffentlicht."),
        ),
        MeetingState::Held => (
            "Sitzung durchgeführt",
            format!("Die Sitzung fand am {when} statt."),
        ),
        MeetingState::Invited => (
            "Tagesordnung veröffentlicht",
            format!("Einladung zur Sitzung am {when}."),
        ),
        MeetingState::Scheduled if m.sequence > 0 => {
            ("Termin geändert", format!("Neuer Termin: {when}."))
        }
        MeetingState::Scheduled => (
            "Sitzung terminiert",
            format!("Die Sitzung ist für {when} angesetzt."),
        ),
    };
    let place = card
        .location
        .as_deref()
        .map(|l| format!(" Ort: {l}."))
        .unwrap_or_default();
    Entry {
        id: tag(base_url, &format!("sitzung-{}", m.id)),
        title: format!("{label}: {} ({})", m.name, card.date_short),
        url: format!("{base_url}/sitzungen/{}", m.id),
        updated: rfc3339(m.updated_at),
        summary: format!("{summary}{place}"),
        sort: m.updated_at,
    }
}

fn paper_entry(p: &Paper, base_url: &str) -> Entry {
    Entry {
        id: tag(base_url, &format!("vorlage-{}", p.id)),
        title: format!("Vorlage {}: {}", p.reference, p.title),
        url: format!("{base_url}/vorlagen/{}", p.id),
        updated: rfc3339(p.updated_at),
        summary: format!(
            "{} vom {}",
            crate::domain::PaperType::from_key(&p.paper_type)
                .map(|t| t.label())
                .unwrap_or("Vorlage"),
            crate::base::dates::date(p.date)
        ),
        sort: p.updated_at,
    }
}

/// Papers of a body, or papers consulted by one of the organizations.
fn recent_papers(
    conn: &mut DbConnection,
    scope: &super::Scope,
    since: NaiveDateTime,
) -> QueryResult<Vec<Paper>> {
    let base = papers::table
        .filter(papers::deleted_at.is_null())
        .filter(papers::public.eq(true))
        .filter(papers::updated_at.ge(since))
        .into_boxed();
    let q = match scope {
        super::Scope::Body(b) => base.filter(papers::body_id.eq(*b)),
        super::Scope::Organizations(orgs) => {
            let consulted = consultations::table
                .filter(consultations::organization_id.eq_any(orgs.clone()))
                .filter(consultations::deleted_at.is_null())
                .select(consultations::paper_id);
            base.filter(papers::id.eq_any(consulted))
        }
        super::Scope::Meeting(_) => return Ok(Vec::new()),
    };
    q.order(papers::updated_at.desc())
        .limit(MAX_ENTRIES as i64)
        .select(Paper::as_select())
        .load(conn)
}

pub fn feed(
    conn: &mut DbConnection,
    scope: &super::Scope,
    title: &str,
    self_path: &str,
    page_path: &str,
    base_url: &str,
) -> QueryResult<Feed> {
    let since = crate::db::now() - Duration::days(super::PAST_DAYS);
    let meetings = super::meetings_of(conn, scope)?;
    let cards = views::meetings::cards(conn, &meetings)?;
    let mut entries: Vec<Entry> = meetings
        .iter()
        .zip(cards.iter())
        .map(|(m, c)| meeting_entry(m, c, base_url))
        .collect();
    entries.extend(
        recent_papers(conn, scope, since)?
            .iter()
            .map(|p| paper_entry(p, base_url)),
    );
    entries.sort_by(|a, b| b.sort.cmp(&a.sort).then_with(|| a.id.cmp(&b.id)));
    entries.truncate(MAX_ENTRIES);
    let updated = entries
        .first()
        .map(|e| e.updated.clone())
        .unwrap_or_else(|| rfc3339(crate::db::now()));
    Ok(Feed {
        id: tag(base_url, self_path),
        title: title.to_string(),
        self_url: format!("{base_url}{self_path}"),
        page_url: format!("{base_url}{page_path}"),
        updated,
        entries,
    })
}
