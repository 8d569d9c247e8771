//! Deferral ("vertagt"): an item is put off to a given or the next meeting
//! of its committee. The continuing TOP on the later meeting points back
//! with `continues_agenda_item_id`, the deferred one forward with
//! `deferred_to_meeting_id`; its title stays the paper's title (pages show
//! "Fortsetzung von TOP … der Sitzung vom …" from the link). The paper's
//! consultation moves with the item.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::json;

use crate::db::audit::Actor;
use crate::db::models::{AgendaItem, Meeting};
use crate::db::schema::{agenda_items, consultations, meetings};
use crate::db::{now, DbConnection};

/// What the clerk decided for a deferred item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Deferral {
    None,
    ToMeeting(i64),
    ToNext,
}

/// Titles of continuations written before the link replaced it ended in
/// this suffix; `carry_item` leaves it off (migration `deferral_link`
/// removed it from stored rows).
const LEGACY_SUFFIX: &str = " (vertagt aus der Sitzung vom";

/// The title without the suffix older versions wrote.
pub fn base_title(title: &str) -> &str {
    title.split(LEGACY_SUFFIX).next().unwrap_or(title)
}

/// Carry out the clerk's decision for `item` (read after its result was
/// saved) on `meeting`: carry it to the target meeting, to the next meeting
/// of the committee (now, or when that meeting is created), or undo a
/// pending "next meeting". An item carried already keeps its link.
pub fn apply(
    conn: &mut DbConnection,
    actor: &Actor,
    item: &AgendaItem,
    meeting: &Meeting,
    deferral: &Deferral,
) -> QueryResult<()> {
    let continuation = crate::db::agenda_items::continuation_of(conn, item.id)?;
    match (deferral, &continuation) {
        (Deferral::ToMeeting(target), None) => {
            carry_item(conn, actor, item, *target)?;
        }
        (Deferral::ToNext, None) => {
            match crate::db::meetings::next_of_organization(
                conn,
                meeting.organization_id,
                meeting.start_at,
            )? {
                // the next meeting exists already: carry now
                Some(next) => {
                    carry_item(conn, actor, item, next.id)?;
                }
                None => {
                    diesel::update(agenda_items::table.find(item.id))
                        .set((
                            agenda_items::deferred_to_next.eq(true),
                            agenda_items::deferred_to_meeting_id.eq(None::<i64>),
                        ))
                        .execute(conn)?;
                }
            }
        }
        (Deferral::None, None) => {
            diesel::update(agenda_items::table.find(item.id))
                .set((
                    agenda_items::deferred_to_next.eq(false),
                    agenda_items::deferred_to_meeting_id.eq(None::<i64>),
                ))
                .execute(conn)?;
        }
        // already carried: the link stays
        (_, Some(_)) => {}
    }
    Ok(())
}

/// Items of earlier meetings of the committee marked "vertagt auf die
/// nächste Sitzung" without a continuation yet land on this meeting.
pub fn carry_pending(
    conn: &mut DbConnection,
    actor: &Actor,
    meeting_id: i64,
    organization_id: i64,
    start_at: NaiveDateTime,
) -> QueryResult<usize> {
    let pending: Vec<AgendaItem> = agenda_items::table
        .inner_join(meetings::table)
        .filter(meetings::organization_id.eq(organization_id))
        .filter(meetings::start_at.lt(start_at))
        .filter(meetings::deleted_at.is_null())
        .filter(agenda_items::deleted_at.is_null())
        .filter(agenda_items::deferred_to_next.eq(true))
        .filter(agenda_items::deferred_to_meeting_id.is_null())
        .order((meetings::start_at, agenda_items::position))
        .select(AgendaItem::as_select())
        .load(conn)?;
    let mut n = 0;
    for item in pending {
        if crate::db::agenda_items::continuation_of(conn, item.id)?.is_none() {
            carry_item(conn, actor, &item, meeting_id)?;
            n += 1;
        }
    }
    Ok(n)
}

/// Put a deferred item onto the target meeting, linked both ways; the
/// paper's consultation moves with it.
pub fn carry_item(
    conn: &mut DbConnection,
    actor: &Actor,
    item: &AgendaItem,
    target_meeting_id: i64,
) -> QueryResult<i64> {
    let Some(target) = crate::db::meetings::find(conn, target_meeting_id)? else {
        return Err(diesel::result::Error::NotFound);
    };
    let title = base_title(&item.title);
    let new_id = super::meeting::add_item_row(
        conn,
        &target,
        None,
        item.public,
        title,
        item.paper_id,
        Some(item.id),
    )?;
    diesel::update(agenda_items::table.find(item.id))
        .set((
            agenda_items::deferred_to_meeting_id.eq(Some(target_meeting_id)),
            agenda_items::deferred_to_next.eq(false),
            agenda_items::version.eq(agenda_items::version + 1),
            agenda_items::updated_at.eq(now()),
        ))
        .execute(conn)?;
    if item.paper_id.is_some() {
        diesel::update(consultations::table.filter(consultations::agenda_item_id.eq(item.id)))
            .set((
                consultations::meeting_id.eq(Some(target_meeting_id)),
                consultations::agenda_item_id.eq(Some(new_id)),
                consultations::updated_at.eq(now()),
            ))
            .execute(conn)?;
    }
    super::meeting::bump(conn, target_meeting_id)?;
    super::meeting::log(
        conn,
        actor,
        target_meeting_id,
        "TOP übernommen",
        format!("Vertagter Punkt „{title}“ auf die Tagesordnung übernommen"),
        None,
        Some(json!({"TOP": new_id, "vertagt aus TOP": item.id})),
    )?;
    Ok(new_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_lose_the_old_suffix_only() {
        assert_eq!(
            base_title("Integrationskonzept (vertagt aus der Sitzung vom Di., 24.11.2020)"),
            "Integrationskonzept"
        );
        assert_eq!(
            base_title("Haushalt 2024 (vertagt)"),
            "Haushalt 2024 (vertagt)"
        );
    }
}
