//! Writing meetings and their agendas: creation, rescheduling and the
//! lifecycle (terminiert → eingeladen → durchgeführt, abgesagt), minutes
//! approval and publication, agenda items (from the Beratungsfolge or
//! free), ordering, attendance. All changes go to the audit log; callers
//! run these inside `write_transaction`.

mod agenda;
mod attendance;

pub(in crate::edit) use agenda::add_item_row;
pub use agenda::{add_item, move_item, remove_item, Added, NewItem};
pub use attendance::{attendance, present_count, set_attendance};

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

pub(in crate::edit) fn log(
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
