//! Meeting cards for lists, calendars and headers.

use std::collections::HashMap;

use serde::Serialize;

use crate::db::models::{Body, Location, Meeting, Organization};
use crate::domain::MeetingState;

#[derive(Debug, Clone, Serialize)]
pub struct MeetingCard {
    pub id: i64,
    pub url: String,
    pub name: String,
    pub number: Option<String>,
    pub organization_id: i64,
    pub organization: String,
    pub body: String,
    pub body_key: String,
    pub date_long: String,
    pub date_short: String,
    pub time: String,
    pub end_time: Option<String>,
    pub iso: String,
    pub state: &'static str,
    pub state_label: &'static str,
    pub cancelled: bool,
    pub location: Option<String>,
    pub minutes_published: bool,
}

pub fn location_label(l: &Location) -> String {
    let mut s = l.description.clone();
    if let Some(r) = l.room.as_deref().filter(|r| !r.is_empty()) {
        s.push_str(", ");
        s.push_str(r);
    }
    if let Some(a) = l.street_address.as_deref().filter(|a| !a.is_empty()) {
        s.push_str(", ");
        s.push_str(a);
    }
    match (l.postal_code.as_deref(), l.locality.as_deref()) {
        (Some(p), Some(c)) => s.push_str(&format!(", {p} {c}")),
        (None, Some(c)) => s.push_str(&format!(", {c}")),
        _ => {}
    }
    s
}

pub fn card(
    m: &Meeting,
    orgs: &HashMap<i64, Organization>,
    bodies: &HashMap<i64, Body>,
    locations: &HashMap<i64, Location>,
) -> MeetingCard {
    let state = MeetingState::from_key(&m.state).unwrap_or(MeetingState::Scheduled);
    let body = bodies.get(&m.body_id);
    MeetingCard {
        id: m.id,
        url: format!("/sitzungen/{}", m.id),
        name: m.name.clone(),
        number: m.number.clone(),
        organization_id: m.organization_id,
        organization: orgs
            .get(&m.organization_id)
            .map(|o| o.name.clone())
            .unwrap_or_default(),
        body: body.map(|b| b.name.clone()).unwrap_or_default(),
        body_key: body.map(|b| b.key.clone()).unwrap_or_default(),
        date_long: crate::base::dates::date_long(m.start_at),
        date_short: crate::base::dates::date_short(m.start_at),
        time: crate::base::dates::time(m.start_at),
        end_time: m.end_at.map(crate::base::dates::time),
        iso: crate::base::dates::iso(m.start_at),
        state: state.key(),
        state_label: state.label(),
        cancelled: state == MeetingState::Cancelled,
        location: m
            .location_id
            .and_then(|l| locations.get(&l))
            .map(location_label),
        minutes_published: m.minutes_published_at.is_some() && state == MeetingState::Held,
    }
}

/// Load what cards need for a list of meetings (three queries in all).
pub fn cards(
    conn: &mut crate::db::DbConnection,
    meetings: &[Meeting],
) -> diesel::QueryResult<Vec<MeetingCard>> {
    Ok(cards_and_organizations(conn, meetings, &[])?.0)
}

/// Like `cards`, and also returns the organizations loaded for them plus
/// `extra_org_ids`, so a page needing more organizations loads them once.
pub fn cards_and_organizations(
    conn: &mut crate::db::DbConnection,
    meetings: &[Meeting],
    extra_org_ids: &[i64],
) -> diesel::QueryResult<(Vec<MeetingCard>, HashMap<i64, Organization>)> {
    let mut org_ids: Vec<i64> = meetings.iter().map(|m| m.organization_id).collect();
    org_ids.extend_from_slice(extra_org_ids);
    let loc_ids: Vec<i64> = meetings.iter().filter_map(|m| m.location_id).collect();
    let orgs = crate::db::organizations::by_ids(conn, &org_ids)?;
    let bodies = crate::db::bodies::map_all(conn)?;
    let locs = crate::db::bodies::locations_by_ids(conn, &loc_ids)?;
    let cards = meetings
        .iter()
        .map(|m| card(m, &orgs, &bodies, &locs))
        .collect();
    Ok((cards, orgs))
}
