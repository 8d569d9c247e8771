//! Writing one agenda item (TOP): its text, result, tallies, named votes,
//! deferral ("vertagt"), referral ("verwiesen an") and follow-ups.
//! Callers run these inside `write_transaction`.

use diesel::prelude::*;
use serde_json::json;

use super::paper::Saved;
use crate::db::audit::{self, Actor, Change};
use crate::db::insert::*;
use crate::db::models::{AgendaItem, Meeting};
use crate::db::schema::{
    agenda_item_faction_votes, agenda_item_person_votes, agenda_items, consultations, follow_ups,
};
use crate::db::{now, DbConnection};
use crate::domain::{ConsultationRole, Outcome, Vote};

pub use super::deferral::Deferral;

#[derive(Debug, Clone)]
pub struct ResultInput {
    pub title: String,
    pub public: bool,
    pub outcome: Option<Outcome>,
    pub votes_yes: Option<i32>,
    pub votes_no: Option<i32>,
    pub votes_abstain: Option<i32>,
    pub votes_absent: Option<i32>,
    pub resolution_text: Option<String>,
    pub minutes_text: Option<String>,
    pub deferral: Deferral,
    pub referred_to: Option<(i64, String)>,
    /// (faction id, yes, no, abstain)
    pub faction_votes: Vec<(i64, i32, i32, i32)>,
    pub person_votes: Vec<(i64, Vote)>,
    pub answers_follow_ups: Vec<i64>,
}

fn snapshot(a: &AgendaItem) -> serde_json::Value {
    json!({
        "Titel": a.title,
        "öffentlich": a.public,
        "Ergebnis": a.outcome.as_deref().and_then(Outcome::from_key).map(|o| o.label()),
        "Ja": a.votes_yes,
        "Nein": a.votes_no,
        "Enthaltung": a.votes_abstain,
        "Abwesend": a.votes_absent,
        "Beschlusstext": a.resolution_text,
        "Protokolltext": a.minutes_text,
        "vertagt auf Sitzung": a.deferred_to_meeting_id,
        "vertagt auf nächste Sitzung": a.deferred_to_next,
        "verwiesen an": a.referred_to_organization_id,
    })
}

fn input_snapshot(i: &ResultInput, a: &AgendaItem) -> serde_json::Value {
    json!({
        "Titel": i.title,
        "öffentlich": i.public,
        "Ergebnis": i.outcome.map(|o| o.label()),
        "Ja": i.votes_yes,
        "Nein": i.votes_no,
        "Enthaltung": i.votes_abstain,
        "Abwesend": i.votes_absent,
        "Beschlusstext": i.resolution_text,
        "Protokolltext": i.minutes_text,
        "vertagt auf Sitzung": match i.deferral { Deferral::ToMeeting(m) => Some(m), _ => a.deferred_to_meeting_id.filter(|_| i.deferral != Deferral::None) },
        "vertagt auf nächste Sitzung": i.deferral == Deferral::ToNext && a.deferred_to_meeting_id.is_none(),
        "verwiesen an": i.referred_to.as_ref().map(|r| r.0),
    })
}

pub fn save_result(
    conn: &mut DbConnection,
    actor: &Actor,
    item: &AgendaItem,
    meeting: &Meeting,
    version: i32,
    i: &ResultInput,
) -> QueryResult<Saved> {
    let t = now();
    let n = diesel::update(
        agenda_items::table
            .filter(agenda_items::id.eq(item.id))
            .filter(agenda_items::version.eq(version)),
    )
    .set((
        agenda_items::title.eq(&i.title),
        agenda_items::public.eq(i.public),
        agenda_items::outcome.eq(i.outcome.map(|o| o.key())),
        // a result recorded here replaces the text an import brought
        agenda_items::result_text.eq(None::<String>),
        agenda_items::votes_yes.eq(i.votes_yes),
        agenda_items::votes_no.eq(i.votes_no),
        agenda_items::votes_abstain.eq(i.votes_abstain),
        agenda_items::votes_absent.eq(i.votes_absent),
        agenda_items::resolution_text.eq(&i.resolution_text),
        agenda_items::minutes_text.eq(&i.minutes_text),
        agenda_items::referred_to_organization_id.eq(i.referred_to.as_ref().map(|r| r.0)),
        agenda_items::version.eq(agenda_items::version + 1),
        agenda_items::updated_at.eq(t),
    ))
    .execute(conn)?;
    if n == 0 {
        return Ok(Saved::Conflict);
    }
    if i.public != item.public {
        // a part change moves the item to the end of the other part
        let max: Option<i32> = agenda_items::table
            .filter(agenda_items::meeting_id.eq(meeting.id))
            .filter(agenda_items::public.eq(i.public))
            .filter(agenda_items::parent_id.is_null())
            .filter(agenda_items::deleted_at.is_null())
            .select(diesel::dsl::max(agenda_items::position))
            .first(conn)?;
        diesel::update(agenda_items::table.find(item.id))
            .set((
                agenda_items::position.eq(max.unwrap_or(0) + 1),
                agenda_items::parent_id.eq(None::<i64>),
            ))
            .execute(conn)?;
    }
    // tallies per faction and named votes are replaced as a whole
    diesel::delete(
        agenda_item_faction_votes::table
            .filter(agenda_item_faction_votes::agenda_item_id.eq(item.id)),
    )
    .execute(conn)?;
    for (faction, yes, no, abstain) in &i.faction_votes {
        insert_faction_vote(
            conn,
            &NewFactionVote {
                agenda_item_id: item.id,
                faction_id: *faction,
                votes_yes: *yes,
                votes_no: *no,
                votes_abstain: *abstain,
                created_at: t,
                updated_at: t,
            },
        )?;
    }
    diesel::delete(
        agenda_item_person_votes::table
            .filter(agenda_item_person_votes::agenda_item_id.eq(item.id)),
    )
    .execute(conn)?;
    for (person, vote) in &i.person_votes {
        insert_person_vote(
            conn,
            &NewPersonVote {
                agenda_item_id: item.id,
                person_id: *person,
                vote: vote.key().into(),
                created_at: t,
                updated_at: t,
            },
        )?;
    }
    // deferral: carry the item as it is now (new title and part)
    let before = item;
    let item =
        &crate::db::agenda_items::find(conn, before.id)?.ok_or(diesel::result::Error::NotFound)?;
    super::deferral::apply(conn, actor, item, meeting, &i.deferral)?;
    // referral: the paper gets a consultation in the other committee
    // (only when the referral is new, not on every later save)
    let referral_is_new = before.outcome.as_deref() != Some(Outcome::Referred.key())
        || i.referred_to.as_ref().map(|r| r.0) != before.referred_to_organization_id;
    if let (Some(Outcome::Referred), Some((org, _)), Some(paper_id), true) =
        (i.outcome, &i.referred_to, item.paper_id, referral_is_new)
    {
        let waiting: i64 = consultations::table
            .filter(consultations::paper_id.eq(paper_id))
            .filter(consultations::organization_id.eq(org))
            .filter(consultations::meeting_id.is_null())
            .filter(consultations::deleted_at.is_null())
            .count()
            .get_result(conn)?;
        if waiting == 0 {
            let max: Option<i32> = consultations::table
                .filter(consultations::paper_id.eq(paper_id))
                .filter(consultations::deleted_at.is_null())
                .select(diesel::dsl::max(consultations::position))
                .first(conn)?;
            insert_consultation(
                conn,
                &NewConsultation {
                    paper_id,
                    organization_id: *org,
                    meeting_id: None,
                    agenda_item_id: None,
                    role: ConsultationRole::Preliminary.key().into(),
                    position: max.unwrap_or(0) + 1,
                    authoritative: false,
                    created_at: t,
                    updated_at: t,
                },
            )?;
        }
    }
    for f in &i.answers_follow_ups {
        diesel::update(follow_ups::table.find(f))
            .set((
                follow_ups::answered_by_agenda_item_id.eq(Some(item.id)),
                follow_ups::updated_at.eq(t),
            ))
            .execute(conn)?;
    }
    super::meeting::bump(conn, meeting.id)?;
    let label = i.outcome.map(|o| o.label()).unwrap_or("ohne Ergebnis");
    audit::record(
        conn,
        actor,
        Change {
            action: "TOP bearbeitet",
            entity_type: "TOP",
            entity_id: item.id,
            meeting_id: Some(meeting.id),
            paper_id: item.paper_id,
            summary: format!("TOP „{}“: {label}", i.title),
            before: Some(snapshot(before)),
            after: Some(input_snapshot(i, before)),
        },
    )?;
    Ok(Saved::Ok)
}

pub fn add_follow_up(
    conn: &mut DbConnection,
    actor: &Actor,
    item: &AgendaItem,
    meeting: &Meeting,
    description: &str,
    due_meeting_id: Option<i64>,
) -> QueryResult<i64> {
    let t = now();
    let id = insert_follow_up(
        conn,
        &NewFollowUp {
            origin_agenda_item_id: item.id,
            organization_id: meeting.organization_id,
            due_meeting_id,
            description: description.to_string(),
            requested_by_person_id: None,
            answered_by_agenda_item_id: None,
            created_at: t,
            updated_at: t,
        },
    )?;
    audit::record(
        conn,
        actor,
        Change {
            action: "Nachfrage erfasst",
            entity_type: "Nachfrage",
            entity_id: id,
            meeting_id: Some(meeting.id),
            paper_id: item.paper_id,
            summary: format!("Nachfrage zu „{}“: {description}", item.title),
            before: None,
            after: Some(json!({"Auftrag": description, "fällig in Sitzung": due_meeting_id})),
        },
    )?;
    Ok(id)
}

/// Open follow-ups of a committee (for "answers" on a later item).
pub fn open_follow_ups(
    conn: &mut DbConnection,
    organization_id: i64,
) -> QueryResult<Vec<crate::db::models::FollowUp>> {
    follow_ups::table
        .filter(follow_ups::organization_id.eq(organization_id))
        .filter(follow_ups::answered_by_agenda_item_id.is_null())
        .order(follow_ups::id)
        .select(crate::db::models::FollowUp::as_select())
        .load(conn)
}
