//! Agenda items (Tagesordnungspunkte), their votes, deferral links and
//! follow-up requests.

use std::collections::HashMap;

use diesel::prelude::*;

use super::models::{AgendaItem, FactionVote, File, FollowUp, PersonVote};
use super::schema::{
    agenda_item_faction_votes, agenda_item_person_votes, agenda_items, files, follow_ups, meetings,
};
use super::DbConnection;

pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<AgendaItem>> {
    agenda_items::table
        .find(id)
        .filter(agenda_items::deleted_at.is_null())
        .select(AgendaItem::as_select())
        .first(conn)
        .optional()
}

/// All items of a meeting (both parts) in agenda order. Callers filter by
/// audience; numbering needs the whole list of the part it shows.
pub fn for_meeting(conn: &mut DbConnection, meeting_id: i64) -> QueryResult<Vec<AgendaItem>> {
    agenda_items::table
        .filter(agenda_items::meeting_id.eq(meeting_id))
        .filter(agenda_items::deleted_at.is_null())
        .order((
            agenda_items::public.desc(),
            agenda_items::position,
            agenda_items::id,
        ))
        .select(AgendaItem::as_select())
        .load(conn)
}

pub fn by_ids(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<HashMap<i64, AgendaItem>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(agenda_items::table
        .filter(agenda_items::id.eq_any(ids))
        .filter(agenda_items::deleted_at.is_null())
        .select(AgendaItem::as_select())
        .load(conn)?
        .into_iter()
        .map(|a| (a.id, a))
        .collect())
}

/// Items of several meetings at once (for numbering items shown elsewhere).
pub fn for_meetings(conn: &mut DbConnection, meeting_ids: &[i64]) -> QueryResult<Vec<AgendaItem>> {
    if meeting_ids.is_empty() {
        return Ok(vec![]);
    }
    agenda_items::table
        .filter(agenda_items::meeting_id.eq_any(meeting_ids))
        .filter(agenda_items::deleted_at.is_null())
        .order((
            agenda_items::meeting_id,
            agenda_items::public.desc(),
            agenda_items::position,
            agenda_items::id,
        ))
        .select(AgendaItem::as_select())
        .load(conn)
}

/// Agenda items that treat a paper, across all meetings, oldest first.
pub fn for_paper(conn: &mut DbConnection, paper_id: i64) -> QueryResult<Vec<AgendaItem>> {
    agenda_items::table
        .inner_join(meetings::table.on(meetings::id.eq(agenda_items::meeting_id)))
        .filter(agenda_items::paper_id.eq(paper_id))
        .filter(agenda_items::deleted_at.is_null())
        .filter(meetings::deleted_at.is_null())
        .order((meetings::start_at, agenda_items::id))
        .select(AgendaItem::as_select())
        .load(conn)
}

/// The item that continues a deferred one (points back to it).
pub fn continuation_of(conn: &mut DbConnection, id: i64) -> QueryResult<Option<AgendaItem>> {
    agenda_items::table
        .filter(agenda_items::continues_agenda_item_id.eq(id))
        .filter(agenda_items::deleted_at.is_null())
        .order(agenda_items::id)
        .select(AgendaItem::as_select())
        .first(conn)
        .optional()
}

/// Continuations of any of the given items: map deferred id -> continuing item.
pub fn continuations(
    conn: &mut DbConnection,
    ids: &[i64],
) -> QueryResult<HashMap<i64, AgendaItem>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<AgendaItem> = agenda_items::table
        .filter(agenda_items::continues_agenda_item_id.eq_any(ids))
        .filter(agenda_items::deleted_at.is_null())
        .select(AgendaItem::as_select())
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|a| a.continues_agenda_item_id.map(|p| (p, a)))
        .collect())
}

/// Walk a deferral chain from any member: the whole chain, oldest first.
/// Bounded, so a corrupt cycle cannot hang a request.
pub fn deferral_chain(conn: &mut DbConnection, item: &AgendaItem) -> QueryResult<Vec<AgendaItem>> {
    const MAX: usize = 50;
    let mut back = Vec::new();
    let mut cur = item.continues_agenda_item_id;
    while let Some(id) = cur {
        if back.len() >= MAX {
            break;
        }
        match find(conn, id)? {
            Some(prev) => {
                cur = prev.continues_agenda_item_id;
                back.push(prev);
            }
            None => break,
        }
    }
    back.reverse();
    back.push(item.clone());
    let mut cur_id = item.id;
    let mut forward = 0;
    while let Some(next) = continuation_of(conn, cur_id)? {
        if forward >= MAX || back.iter().any(|a| a.id == next.id) {
            break;
        }
        cur_id = next.id;
        back.push(next);
        forward += 1;
    }
    Ok(back)
}

pub fn faction_votes(conn: &mut DbConnection, item_ids: &[i64]) -> QueryResult<Vec<FactionVote>> {
    if item_ids.is_empty() {
        return Ok(vec![]);
    }
    agenda_item_faction_votes::table
        .filter(agenda_item_faction_votes::agenda_item_id.eq_any(item_ids))
        .order(agenda_item_faction_votes::id)
        .select(FactionVote::as_select())
        .load(conn)
}

pub fn person_votes(conn: &mut DbConnection, item_id: i64) -> QueryResult<Vec<PersonVote>> {
    agenda_item_person_votes::table
        .filter(agenda_item_person_votes::agenda_item_id.eq(item_id))
        .order(agenda_item_person_votes::id)
        .select(PersonVote::as_select())
        .load(conn)
}

/// Follow-ups requested under an item, and those it answers.
pub fn follow_ups_of(
    conn: &mut DbConnection,
    item_id: i64,
) -> QueryResult<(Vec<FollowUp>, Vec<FollowUp>)> {
    let raised = follow_ups::table
        .filter(follow_ups::origin_agenda_item_id.eq(item_id))
        .order(follow_ups::id)
        .select(FollowUp::as_select())
        .load(conn)?;
    let answered = follow_ups::table
        .filter(follow_ups::answered_by_agenda_item_id.eq(item_id))
        .order(follow_ups::id)
        .select(FollowUp::as_select())
        .load(conn)?;
    Ok((raised, answered))
}

pub fn files_of_items(conn: &mut DbConnection, item_ids: &[i64]) -> QueryResult<Vec<File>> {
    if item_ids.is_empty() {
        return Ok(vec![]);
    }
    files::table
        .filter(files::agenda_item_id.eq_any(item_ids))
        .filter(files::deleted_at.is_null())
        .order(files::id)
        .select(File::as_select())
        .load(conn)
}

/// Items of live meetings the public may see (sitemap): the item and its
/// parent are public.
pub fn all_public_ids(conn: &mut DbConnection) -> QueryResult<Vec<(i64, chrono::NaiveDateTime)>> {
    let rows: Vec<(i64, Option<i64>, bool, chrono::NaiveDateTime)> = agenda_items::table
        .inner_join(meetings::table.on(meetings::id.eq(agenda_items::meeting_id)))
        .filter(agenda_items::deleted_at.is_null())
        .filter(meetings::deleted_at.is_null())
        .order(agenda_items::id)
        .select((
            agenda_items::id,
            agenda_items::parent_id,
            agenda_items::public,
            agenda_items::updated_at,
        ))
        .load(conn)?;
    let public: std::collections::HashMap<i64, (Option<i64>, bool)> =
        rows.iter().map(|r| (r.0, (r.1, r.2))).collect();
    let visible = |id: i64| {
        let mut cur = Some(id);
        let mut depth = 0;
        while let Some(c) = cur {
            match public.get(&c) {
                Some((parent, true)) if depth < 8 => cur = *parent,
                _ => return false,
            }
            depth += 1;
        }
        true
    };
    Ok(rows
        .iter()
        .filter(|r| visible(r.0))
        .map(|r| (r.0, r.3))
        .collect())
}
