//! A meeting's agenda: add, move and remove TOPs (numbered by part and
//! position), each guarded by the meeting's version and audited.

use super::*;

/// Insert an item at the end of its part (and parent); after the
/// invitation it is a supplement (Nachtrag).
pub(in crate::edit) fn add_item_row(
    conn: &mut DbConnection,
    meeting: &Meeting,
    parent_id: Option<i64>,
    public: bool,
    title: &str,
    paper_id: Option<i64>,
    continues: Option<i64>,
) -> QueryResult<i64> {
    let t = now();
    let mut q = agenda_items::table
        .filter(agenda_items::meeting_id.eq(meeting.id))
        .filter(agenda_items::deleted_at.is_null())
        .filter(agenda_items::public.eq(public))
        .into_boxed();
    q = match parent_id {
        Some(p) => q.filter(agenda_items::parent_id.eq(p)),
        None => q.filter(agenda_items::parent_id.is_null()),
    };
    let max: Option<i32> = q
        .select(diesel::dsl::max(agenda_items::position))
        .first(conn)?;
    insert_agenda_item(
        conn,
        &NewAgendaItem {
            meeting_id: meeting.id,
            parent_id,
            public,
            position: max.unwrap_or(0) + 1,
            title: title.to_string(),
            paper_id,
            outcome: None,
            votes_yes: None,
            votes_no: None,
            votes_abstain: None,
            votes_absent: None,
            resolution_text: None,
            minutes_text: None,
            deferred_to_meeting_id: None,
            deferred_to_next: false,
            continues_agenda_item_id: continues,
            referred_to_organization_id: None,
            supplement: meeting.invited_at.is_some()
                || meeting.state != MeetingState::Scheduled.key(),
            created_at: t,
            updated_at: t,
        },
    )
}

/// What adding an item did.
#[derive(Debug, PartialEq, Eq)]
pub enum Added {
    Item(i64),
    /// the agenda changed meanwhile; nothing written
    Conflict,
    /// the paper's consultation is on another agenda by now; the caller
    /// must roll the transaction back
    ConsultationTaken,
}

pub struct NewItem {
    pub title: String,
    pub public: bool,
    pub parent_id: Option<i64>,
    /// A waiting consultation of a paper this item treats.
    pub consultation_id: Option<i64>,
    pub paper_id: Option<i64>,
}

pub fn add_item(
    conn: &mut DbConnection,
    actor: &Actor,
    meeting: &Meeting,
    version: i32,
    item: &NewItem,
) -> QueryResult<Added> {
    if !claim(conn, meeting.id, version)? {
        return Ok(Added::Conflict);
    }
    let id = add_item_row(
        conn,
        meeting,
        item.parent_id,
        item.public,
        &item.title,
        item.paper_id,
        None,
    )?;
    if let Some(c) = item.consultation_id {
        // still waiting? (another clerk may just have put it on an agenda)
        let n = diesel::update(
            consultations::table
                .find(c)
                .filter(consultations::meeting_id.is_null()),
        )
        .set((
            consultations::meeting_id.eq(Some(meeting.id)),
            consultations::agenda_item_id.eq(Some(id)),
            consultations::updated_at.eq(now()),
        ))
        .execute(conn)?;
        if n == 0 {
            return Ok(Added::ConsultationTaken);
        }
    }
    if meeting.invited_at.is_some() && item.public {
        crate::db::mail::record_event(
            conn,
            crate::db::mail::EventKind::Supplement,
            meeting.id,
            Some(format!("Neu auf der Tagesordnung: {}", item.title)),
        )?;
    }
    let nachtrag = if meeting.invited_at.is_some() {
        " (Nachtrag)"
    } else {
        ""
    };
    log(
        conn,
        actor,
        meeting.id,
        "TOP hinzugefügt",
        format!("TOP „{}“ hinzugefügt{nachtrag}", item.title),
        None,
        Some(json!({"Titel": item.title, "öffentlich": item.public, "Vorlage": item.paper_id})),
    )?;
    Ok(Added::Item(id))
}

/// Move an item up or down among its siblings (same part and parent).
pub fn move_item(
    conn: &mut DbConnection,
    actor: &Actor,
    meeting: &Meeting,
    version: i32,
    item: &AgendaItem,
    up: bool,
) -> QueryResult<Saved> {
    if !claim(conn, meeting.id, version)? {
        return Ok(Saved::Conflict);
    }
    let mut siblings: Vec<AgendaItem> = crate::db::agenda_items::for_meeting(conn, meeting.id)?
        .into_iter()
        .filter(|a| a.public == item.public && a.parent_id == item.parent_id)
        .collect();
    siblings.sort_by_key(|a| (a.position, a.id));
    let Some(i) = siblings.iter().position(|a| a.id == item.id) else {
        return Ok(Saved::Ok);
    };
    let j = if up {
        i.checked_sub(1)
    } else {
        (i + 1 < siblings.len()).then_some(i + 1)
    };
    let Some(j) = j else {
        return Ok(Saved::Ok);
    };
    siblings.swap(i, j);
    for (pos, a) in siblings.iter().enumerate() {
        diesel::update(agenda_items::table.find(a.id))
            .set(agenda_items::position.eq(pos as i32 + 1))
            .execute(conn)?;
    }
    log(
        conn,
        actor,
        meeting.id,
        "TOP verschoben",
        format!(
            "TOP „{}“ nach {} verschoben",
            item.title,
            if up { "oben" } else { "unten" }
        ),
        None,
        None,
    )?;
    Ok(Saved::Ok)
}

/// Remove an item without result (and its sub-items); the paper's
/// consultation waits for a meeting again.
pub fn remove_item(
    conn: &mut DbConnection,
    actor: &Actor,
    meeting: &Meeting,
    version: i32,
    item: &AgendaItem,
) -> QueryResult<Saved> {
    if !claim(conn, meeting.id, version)? {
        return Ok(Saved::Conflict);
    }
    let t = now();
    let ids: Vec<i64> = agenda_items::table
        .filter(
            agenda_items::parent_id
                .eq(item.id)
                .or(agenda_items::id.eq(item.id)),
        )
        .select(agenda_items::id)
        .load(conn)?;
    diesel::update(agenda_items::table.filter(agenda_items::id.eq_any(&ids)))
        .set(agenda_items::deleted_at.eq(Some(t)))
        .execute(conn)?;
    diesel::update(consultations::table.filter(consultations::agenda_item_id.eq_any(&ids)))
        .set((
            consultations::meeting_id.eq(None::<i64>),
            consultations::agenda_item_id.eq(None::<i64>),
            consultations::updated_at.eq(t),
        ))
        .execute(conn)?;
    log(
        conn,
        actor,
        meeting.id,
        "TOP entfernt",
        format!("TOP „{}“ von der Tagesordnung genommen", item.title),
        Some(json!({"Titel": item.title})),
        None,
    )?;
    Ok(Saved::Ok)
}

// ---- attendance ----
