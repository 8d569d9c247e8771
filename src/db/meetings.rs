//! Meetings (Sitzungen).

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::models::Meeting;
use super::schema::{meeting_organizations, meetings};
use super::DbConnection;

#[derive(Debug, Clone, Default)]
pub struct MeetingFilter {
    pub body_id: Option<i64>,
    pub organization_id: Option<i64>,
    /// UTC, inclusive
    pub from: Option<NaiveDateTime>,
    /// UTC, exclusive
    pub until: Option<NaiveDateTime>,
    pub descending: bool,
}

pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<Meeting>> {
    meetings::table
        .find(id)
        .filter(meetings::deleted_at.is_null())
        .select(Meeting::as_select())
        .first(conn)
        .optional()
}

fn filtered<'a>(f: &MeetingFilter) -> QueryResult<meetings::BoxedQuery<'a, super::MultiBackend>> {
    let mut q = meetings::table
        .filter(meetings::deleted_at.is_null())
        .into_boxed();
    if let Some(b) = f.body_id {
        q = q.filter(meetings::body_id.eq(b));
    }
    if let Some(o) = f.organization_id {
        // lead organization or taking part in a joint meeting
        let joint = meeting_organizations::table
            .filter(meeting_organizations::organization_id.eq(o))
            .select(meeting_organizations::meeting_id);
        q = q.filter(
            meetings::organization_id
                .eq(o)
                .or(meetings::id.eq_any(joint)),
        );
    }
    if let Some(from) = f.from {
        q = q.filter(meetings::start_at.ge(from));
    }
    if let Some(until) = f.until {
        q = q.filter(meetings::start_at.lt(until));
    }
    Ok(q)
}

pub fn list(
    conn: &mut DbConnection,
    f: &MeetingFilter,
    limit: i64,
    offset: i64,
) -> QueryResult<(Vec<Meeting>, i64)> {
    let total: i64 = filtered(f)?.count().get_result(conn)?;
    let q = filtered(f)?;
    let q = if f.descending {
        q.order((meetings::start_at.desc(), meetings::id.desc()))
    } else {
        q.order((meetings::start_at, meetings::id))
    };
    let rows = q
        .limit(limit)
        .offset(offset)
        .select(Meeting::as_select())
        .load(conn)?;
    Ok((rows, total))
}

/// The next meetings of these organizations (also joint meetings), from
/// `from` on, soonest first.
pub fn upcoming_of_organizations(
    conn: &mut DbConnection,
    orgs: &[i64],
    from: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<Meeting>> {
    use super::schema::meeting_organizations;
    if orgs.is_empty() {
        return Ok(Vec::new());
    }
    let joint: Vec<i64> = meeting_organizations::table
        .filter(meeting_organizations::organization_id.eq_any(orgs))
        .select(meeting_organizations::meeting_id)
        .load(conn)?;
    meetings::table
        .filter(meetings::deleted_at.is_null())
        .filter(
            meetings::organization_id
                .eq_any(orgs)
                .or(meetings::id.eq_any(joint)),
        )
        .filter(meetings::start_at.ge(from))
        .order((meetings::start_at, meetings::id))
        .limit(limit)
        .select(Meeting::as_select())
        .load(conn)
}

pub fn by_ids(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<HashMap<i64, Meeting>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(meetings::table
        .filter(meetings::id.eq_any(ids))
        .filter(meetings::deleted_at.is_null())
        .select(Meeting::as_select())
        .load(conn)?
        .into_iter()
        .map(|m| (m.id, m))
        .collect())
}

/// Further organizations of a joint meeting.
pub fn joint_organization_ids(conn: &mut DbConnection, meeting_id: i64) -> QueryResult<Vec<i64>> {
    meeting_organizations::table
        .filter(meeting_organizations::meeting_id.eq(meeting_id))
        .order(meeting_organizations::id)
        .select(meeting_organizations::organization_id)
        .load(conn)
}

/// The next meeting of the same committee after `after` (not cancelled):
/// where "vertagt auf die nächste Sitzung" lands.
pub fn next_of_organization(
    conn: &mut DbConnection,
    organization_id: i64,
    after: NaiveDateTime,
) -> QueryResult<Option<Meeting>> {
    meetings::table
        .filter(meetings::deleted_at.is_null())
        .filter(meetings::organization_id.eq(organization_id))
        .filter(meetings::start_at.gt(after))
        .filter(meetings::state.ne(crate::domain::MeetingState::Cancelled.key()))
        .order(meetings::start_at)
        .select(Meeting::as_select())
        .first(conn)
        .optional()
}

/// Neighbours in the committee's series, for "vorige / nächste Sitzung".
pub fn neighbours(
    conn: &mut DbConnection,
    m: &Meeting,
) -> QueryResult<(Option<Meeting>, Option<Meeting>)> {
    let prev = meetings::table
        .filter(meetings::deleted_at.is_null())
        .filter(meetings::organization_id.eq(m.organization_id))
        .filter(meetings::start_at.lt(m.start_at))
        .order(meetings::start_at.desc())
        .select(Meeting::as_select())
        .first(conn)
        .optional()?;
    let next = meetings::table
        .filter(meetings::deleted_at.is_null())
        .filter(meetings::organization_id.eq(m.organization_id))
        .filter(meetings::start_at.gt(m.start_at))
        .order(meetings::start_at)
        .select(Meeting::as_select())
        .first(conn)
        .optional()?;
    Ok((prev, next))
}

/// All ids with their update time and whether public minutes exist (sitemap).
pub fn all_ids(conn: &mut DbConnection) -> QueryResult<Vec<(i64, NaiveDateTime, bool)>> {
    let rows: Vec<(i64, NaiveDateTime, Option<NaiveDateTime>, String)> = meetings::table
        .filter(meetings::deleted_at.is_null())
        .order(meetings::id)
        .select((
            meetings::id,
            meetings::updated_at,
            meetings::minutes_published_at,
            meetings::state,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, up, minutes, state)| {
            (
                id,
                up,
                minutes.is_some() && state == crate::domain::MeetingState::Held.key(),
            )
        })
        .collect())
}

/// Joint organizations of several meetings: meeting id -> organization ids.
pub fn joint_organizations_of(
    conn: &mut DbConnection,
    meeting_ids: &[i64],
) -> QueryResult<HashMap<i64, Vec<i64>>> {
    let rows: Vec<(i64, i64)> = meeting_organizations::table
        .filter(meeting_organizations::meeting_id.eq_any(meeting_ids))
        .select((
            meeting_organizations::meeting_id,
            meeting_organizations::organization_id,
        ))
        .load(conn)?;
    let mut out: HashMap<i64, Vec<i64>> = HashMap::new();
    for (m, o) in rows {
        out.entry(m).or_default().push(o);
    }
    Ok(out)
}

/// Each meeting's agenda version: a counter raised by a database trigger on
/// every insert, update or delete of one of its agenda items (migration
/// `agenda_version`). Meetings whose agenda was never written are missing.
pub fn agenda_versions(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<HashMap<i64, i64>> {
    use super::schema::agenda_versions as v;
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(v::table
        .filter(v::meeting_id.eq_any(ids))
        .select((v::meeting_id, v::version))
        .load::<(i64, i64)>(conn)?
        .into_iter()
        .collect())
}
