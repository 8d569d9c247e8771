//! Writing meetings and their agendas: creation, rescheduling and the
//! lifecycle (terminiert → eingeladen → durchgeführt, abgesagt), minutes
//! approval and publication, agenda items (from the Beratungsfolge or
//! free), ordering, attendance. All changes go to the audit log; callers
//! run these inside `write_transaction`.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::json;

use super::paper::Saved;
use crate::db::audit::{self, Actor, Change};
use crate::db::insert::*;
use crate::db::models::{AgendaItem, Meeting};
use crate::db::schema::{agenda_items, attendances, consultations, meetings};
use crate::db::{now, DbConnection};
use crate::domain::MeetingState;

#[derive(Debug, Clone)]
pub struct MeetingInput {
    pub organization_id: i64,
    pub body_id: i64,
    pub name: String,
    pub number: Option<String>,
    pub start_at: NaiveDateTime,
    pub end_at: Option<NaiveDateTime>,
    pub location_id: Option<i64>,
}

fn snapshot(m: &Meeting) -> serde_json::Value {
    json!({
        "Bezeichnung": m.name,
        "Nummer": m.number,
        "Beginn": crate::base::dates::date_long(m.start_at) + " " + &crate::base::dates::time(m.start_at),
        "Ende": m.end_at.map(crate::base::dates::time),
        "Ort": m.location_id,
        "Status": MeetingState::from_key(&m.state).map(|s| s.label()).unwrap_or(&m.state),
    })
}

fn input_snapshot(i: &MeetingInput, state: &str) -> serde_json::Value {
    json!({
        "Bezeichnung": i.name,
        "Nummer": i.number,
        "Beginn": crate::base::dates::date_long(i.start_at) + " " + &crate::base::dates::time(i.start_at),
        "Ende": i.end_at.map(crate::base::dates::time),
        "Ort": i.location_id,
        "Status": MeetingState::from_key(state).map(|s| s.label()).unwrap_or(state),
    })
}

pub(super) fn log(
    conn: &mut DbConnection,
    actor: &Actor,
    meeting_id: i64,
    action: &str,
    summary: String,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
) -> QueryResult<()> {
    audit::record(
        conn,
        actor,
        Change {
            action,
            entity_type: "Sitzung",
            entity_id: meeting_id,
            meeting_id: Some(meeting_id),
            paper_id: None,
            summary,
            before,
            after,
        },
    )
}

/// Create a meeting. TOPs deferred "to the next meeting" of this
/// committee are carried onto it (returns their number too).
pub fn create(
    conn: &mut DbConnection,
    actor: &Actor,
    i: &MeetingInput,
) -> QueryResult<(i64, usize)> {
    let t = now();
    let id = insert_meeting(
        conn,
        &NewMeeting {
            body_id: i.body_id,
            organization_id: i.organization_id,
            name: i.name.clone(),
            number: i.number.clone(),
            start_at: i.start_at,
            end_at: i.end_at,
            location_id: i.location_id,
            state: MeetingState::Scheduled.key().into(),
            sequence: 0,
            minutes_approved_at: None,
            minutes_published_at: None,
            created_at: t,
            updated_at: t,
        },
    )?;
    log(
        conn,
        actor,
        id,
        "angelegt",
        format!("Sitzung angelegt: {}", i.name),
        None,
        Some(input_snapshot(i, MeetingState::Scheduled.key())),
    )?;
    let carried = super::deferral::carry_pending(conn, actor, id, i.organization_id, i.start_at)?;
    crate::db::mail::record_event(conn, crate::db::mail::EventKind::Scheduled, id, None)?;
    Ok((id, carried))
}

/// Take the agenda for a change: bumps the meeting's version if it is
/// still `version`; false if someone else changed it meanwhile.
fn claim(conn: &mut DbConnection, meeting_id: i64, version: i32) -> QueryResult<bool> {
    let n = diesel::update(
        meetings::table
            .filter(meetings::id.eq(meeting_id))
            .filter(meetings::version.eq(version)),
    )
    .set((
        meetings::version.eq(meetings::version + 1),
        meetings::updated_at.eq(now()),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Bump the meeting's version (agenda changed) without other changes.
pub fn bump(conn: &mut DbConnection, id: i64) -> QueryResult<()> {
    diesel::update(meetings::table.find(id))
        .set((
            meetings::version.eq(meetings::version + 1),
            meetings::updated_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Edit details; a new time or place bumps the change counter
/// (`sequence`) so calendars update.
pub fn update(
    conn: &mut DbConnection,
    actor: &Actor,
    m: &Meeting,
    version: i32,
    i: &MeetingInput,
) -> QueryResult<Saved> {
    let rescheduled =
        m.start_at != i.start_at || m.end_at != i.end_at || m.location_id != i.location_id;
    let n = diesel::update(
        meetings::table
            .filter(meetings::id.eq(m.id))
            .filter(meetings::version.eq(version)),
    )
    .set((
        meetings::name.eq(&i.name),
        meetings::number.eq(&i.number),
        meetings::start_at.eq(i.start_at),
        meetings::end_at.eq(i.end_at),
        meetings::location_id.eq(i.location_id),
        meetings::sequence.eq(meetings::sequence + if rescheduled { 1 } else { 0 }),
        meetings::version.eq(meetings::version + 1),
        meetings::updated_at.eq(now()),
    ))
    .execute(conn)?;
    if n == 0 {
        return Ok(Saved::Conflict);
    }
    if rescheduled {
        let was = format!(
            "Bisher: {}, {} Uhr. Neu: {}, {} Uhr.",
            crate::base::dates::date_long(m.start_at),
            crate::base::dates::time(m.start_at),
            crate::base::dates::date_long(i.start_at),
            crate::base::dates::time(i.start_at)
        );
        let place = if m.location_id != i.location_id {
            " Der Sitzungsort hat sich geändert."
        } else {
            ""
        };
        crate::db::mail::record_event(
            conn,
            crate::db::mail::EventKind::Changed,
            m.id,
            Some(format!("{was}{place}")),
        )?;
    }
    let action = if rescheduled { "verlegt" } else { "geändert" };
    log(
        conn,
        actor,
        m.id,
        action,
        format!("Sitzungsdaten {action}"),
        Some(snapshot(m)),
        Some(input_snapshot(i, &m.state)),
    )?;
    Ok(Saved::Ok)
}

/// A lifecycle step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    Invite,
    Hold,
    Cancel,
    Reinstate,
    ApproveMinutes,
    PublishMinutes,
}

impl Transition {
    pub fn from_key(k: &str) -> Option<Transition> {
        Some(match k {
            "einladen" => Transition::Invite,
            "durchfuehren" => Transition::Hold,
            "absagen" => Transition::Cancel,
            "wieder_ansetzen" => Transition::Reinstate,
            "niederschrift_genehmigen" => Transition::ApproveMinutes,
            "niederschrift_veroeffentlichen" => Transition::PublishMinutes,
            _ => return None,
        })
    }

    /// Why this step is not possible now, in German; `None` if it is.
    pub fn refusal(self, m: &Meeting) -> Option<&'static str> {
        let state = MeetingState::from_key(&m.state);
        use MeetingState::*;
        match (self, state) {
            (Transition::Invite, Some(Scheduled)) => None,
            (Transition::Invite, _) => Some("Einladen ist nur bei einer terminierten Sitzung möglich."),
            (Transition::Hold, Some(Scheduled | Invited)) => None,
            (Transition::Hold, _) => Some("Nur eine terminierte oder eingeladene Sitzung kann als durchgeführt markiert werden."),
            (Transition::Cancel, Some(Scheduled | Invited)) => None,
            (Transition::Cancel, _) => Some("Eine durchgeführte oder bereits abgesagte Sitzung kann nicht abgesagt werden."),
            (Transition::Reinstate, Some(Cancelled)) => None,
            (Transition::Reinstate, _) => Some("Nur eine abgesagte Sitzung kann wieder angesetzt werden."),
            (Transition::ApproveMinutes, Some(Held)) if m.minutes_approved_at.is_none() => None,
            (Transition::ApproveMinutes, _) => Some("Die Niederschrift kann erst nach der Sitzung und nur einmal genehmigt werden."),
            (Transition::PublishMinutes, Some(Held)) if m.minutes_approved_at.is_some() && m.minutes_published_at.is_none() => None,
            (Transition::PublishMinutes, _) => Some("Veröffentlicht werden kann nur eine genehmigte, noch nicht veröffentlichte Niederschrift."),
        }
    }
}

pub fn transition(
    conn: &mut DbConnection,
    actor: &Actor,
    m: &Meeting,
    version: i32,
    t: Transition,
) -> QueryResult<Saved> {
    let now = now();
    let target = diesel::update(
        meetings::table
            .filter(meetings::id.eq(m.id))
            .filter(meetings::version.eq(version)),
    );
    let n = match t {
        Transition::Invite => target
            .set((
                meetings::state.eq(MeetingState::Invited.key()),
                meetings::invited_at.eq(Some(now)),
                meetings::sequence.eq(meetings::sequence + 1),
                meetings::version.eq(meetings::version + 1),
                meetings::updated_at.eq(now),
            ))
            .execute(conn)?,
        Transition::Hold => target
            .set((
                meetings::state.eq(MeetingState::Held.key()),
                meetings::version.eq(meetings::version + 1),
                meetings::updated_at.eq(now),
            ))
            .execute(conn)?,
        Transition::Cancel => target
            .set((
                meetings::state.eq(MeetingState::Cancelled.key()),
                meetings::sequence.eq(meetings::sequence + 1),
                meetings::version.eq(meetings::version + 1),
                meetings::updated_at.eq(now),
            ))
            .execute(conn)?,
        Transition::Reinstate => {
            let state = if m.invited_at.is_some() {
                MeetingState::Invited
            } else {
                MeetingState::Scheduled
            };
            target
                .set((
                    meetings::state.eq(state.key()),
                    meetings::sequence.eq(meetings::sequence + 1),
                    meetings::version.eq(meetings::version + 1),
                    meetings::updated_at.eq(now),
                ))
                .execute(conn)?
        }
        Transition::ApproveMinutes => target
            .set((
                meetings::minutes_approved_at.eq(Some(now)),
                meetings::version.eq(meetings::version + 1),
                meetings::updated_at.eq(now),
            ))
            .execute(conn)?,
        Transition::PublishMinutes => target
            .set((
                meetings::minutes_published_at.eq(Some(now)),
                meetings::version.eq(meetings::version + 1),
                meetings::updated_at.eq(now),
            ))
            .execute(conn)?,
    };
    if n == 0 {
        return Ok(Saved::Conflict);
    }
    use crate::db::mail::{record_event, EventKind};
    match t {
        Transition::Invite => record_event(conn, EventKind::Invited, m.id, None)?,
        Transition::Cancel => record_event(conn, EventKind::Cancelled, m.id, None)?,
        Transition::Reinstate => record_event(
            conn,
            EventKind::Changed,
            m.id,
            Some("Die Absage wurde zurückgenommen; die Sitzung findet statt.".into()),
        )?,
        _ => {}
    }
    let (action, summary) = match t {
        Transition::Invite => ("eingeladen", "Einladung veröffentlicht"),
        Transition::Hold => ("durchgeführt", "Sitzung als durchgeführt markiert"),
        Transition::Cancel => ("abgesagt", "Sitzung abgesagt"),
        Transition::Reinstate => ("wieder angesetzt", "Absage zurückgenommen"),
        Transition::ApproveMinutes => ("Niederschrift genehmigt", "Niederschrift genehmigt"),
        Transition::PublishMinutes => (
            "Niederschrift veröffentlicht",
            "Niederschrift veröffentlicht",
        ),
    };
    log(
        conn,
        actor,
        m.id,
        action,
        summary.to_string(),
        Some(json!({"Status": m.state})),
        None,
    )?;
    Ok(Saved::Ok)
}

// ---- agenda ----

/// Insert an item at the end of its part (and parent); after the
/// invitation it is a supplement (Nachtrag).
pub(super) fn add_item_row(
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

pub fn attendance(conn: &mut DbConnection, meeting_id: i64) -> QueryResult<Vec<(i64, String)>> {
    attendances::table
        .filter(attendances::meeting_id.eq(meeting_id))
        .select((attendances::person_id, attendances::status))
        .load(conn)
}

pub fn present_count(conn: &mut DbConnection, meeting_id: i64) -> QueryResult<Option<i64>> {
    let rows = attendance(conn, meeting_id)?;
    if rows.is_empty() {
        return Ok(None);
    }
    Ok(Some(
        rows.iter()
            .filter(|(_, s)| s == crate::domain::AttendanceStatus::Present.key())
            .count() as i64,
    ))
}

pub fn set_attendance(
    conn: &mut DbConnection,
    actor: &Actor,
    meeting_id: i64,
    rows: &[(i64, crate::domain::AttendanceStatus)],
) -> QueryResult<()> {
    let t = now();
    let before = attendance(conn, meeting_id)?;
    diesel::delete(attendances::table.filter(attendances::meeting_id.eq(meeting_id)))
        .execute(conn)?;
    for (person, status) in rows {
        diesel::insert_into(attendances::table)
            .values((
                attendances::meeting_id.eq(meeting_id),
                attendances::person_id.eq(person),
                attendances::status.eq(status.key()),
                attendances::created_at.eq(t),
                attendances::updated_at.eq(t),
            ))
            .execute(conn)?;
    }
    let present = rows
        .iter()
        .filter(|(_, s)| *s == crate::domain::AttendanceStatus::Present)
        .count();
    log(
        conn,
        actor,
        meeting_id,
        "Anwesenheit erfasst",
        format!("Anwesenheit erfasst: {present} von {} anwesend", rows.len()),
        Some(json!(before
            .iter()
            .map(|(p, s)| format!("{p}: {s}"))
            .collect::<Vec<_>>())),
        Some(json!(rows
            .iter()
            .map(|(p, s)| format!("{p}: {}", s.key()))
            .collect::<Vec<_>>())),
    )
}
