//! Agenda item page: result, tally, votes, deferral chain, follow-ups.

use actix_web::{web, HttpResponse};
use serde::Serialize;

use super::parse_id;
use crate::access::Audience;
use crate::auth::Viewer;
use crate::db;
use crate::domain::Vote;
use crate::error::AppError;
use crate::state::AppState;
use crate::views::{self, agenda, meetings::MeetingCard};

#[derive(Serialize)]
struct ChainStep {
    url: Option<String>,
    number: String,
    meeting: String,
    date: String,
    outcome: Option<&'static str>,
    current: bool,
}

#[derive(Serialize)]
struct NamedVote {
    person_id: i64,
    name: String,
    vote: &'static str,
}

#[derive(Serialize)]
struct FollowUpView {
    description: String,
    requested_by: Option<String>,
    due: Option<String>,
    answered_by: Option<String>,
    answered_url: Option<String>,
    /// answered by an item the audience may not see
    answered_hidden: bool,
    origin_url: Option<String>,
    origin: Option<String>,
}

#[derive(Serialize)]
struct ItemPage {
    item: agenda::AgendaRow,
    meeting: MeetingCard,
    proposal: Option<String>,
    minutes_text: Option<String>,
    chain: Vec<ChainStep>,
    named_votes: Vec<NamedVote>,
    raised: Vec<FollowUpView>,
    answers: Vec<FollowUpView>,
    integration: Vec<crate::views::timeline::Reference>,
}

pub async fn show(
    state: web::Data<AppState>,
    viewer: Viewer,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = parse_id(&path)?;
    let v = viewer.clone();
    let page = state
        .db(move |c| {
            let not_found = || AppError::not_found("Der Tagesordnungspunkt");
            let item = db::agenda_items::find(c, id)?.ok_or_else(not_found)?;
            let meeting = db::meetings::find(c, item.meeting_id)?.ok_or_else(not_found)?;
            let mut org_ids = db::meetings::joint_organization_ids(c, meeting.id)?;
            org_ids.push(meeting.organization_id);
            let audience = v.audience(meeting.body_id, &org_ids);
            let all = db::agenda_items::for_meeting(c, meeting.id)?;
            let (mut rows, _) = agenda::load_rows(c, &all, &|a| a.id == id, audience)?;
            // not visible to this audience: answer as if it did not exist
            let row = rows.pop().ok_or_else(not_found)?;
            let card = views::meetings::cards(c, std::slice::from_ref(&meeting))?
                .pop()
                .ok_or_else(not_found)?;

            let proposal = match item.paper_id {
                Some(p) => db::papers::find(c, p)?
                    .filter(|p| audience.sees_paper(p))
                    .and_then(|p| p.proposal),
                None => None,
            };

            // deferral chain, each step shown only if visible
            let chain_items = db::agenda_items::deferral_chain(c, &item)?;
            let mut chain = Vec::new();
            if chain_items.len() > 1 {
                let mids: Vec<i64> = chain_items.iter().map(|a| a.meeting_id).collect();
                let ctx_items = db::agenda_items::for_meetings(c, &mids)?;
                let (nums, vis) = crate::access::agenda::number_and_filter(&ctx_items, audience);
                let ms = db::meetings::by_ids(c, &mids)?;
                for a in &chain_items {
                    let Some(m) = ms.get(&a.meeting_id) else {
                        continue;
                    };
                    if !vis.contains(&a.id) || m.deleted_at.is_some() {
                        continue;
                    }
                    chain.push(ChainStep {
                        url: (a.id != id).then(|| format!("/tagesordnungspunkte/{}", a.id)),
                        number: nums.get(&a.id).cloned().unwrap_or_default(),
                        meeting: m.name.clone(),
                        date: crate::base::dates::date_short(m.start_at),
                        outcome: a
                            .outcome
                            .as_deref()
                            .and_then(crate::domain::Outcome::from_key)
                            .map(|o| o.label()),
                        current: a.id == id,
                    });
                }
            }

            let votes = db::agenda_items::person_votes(c, id)?;
            let pids: Vec<i64> = votes.iter().map(|v| v.person_id).collect();
            let people = db::persons::by_ids(c, &pids)?;
            let mut named_votes: Vec<NamedVote> = votes
                .iter()
                .filter_map(|v| {
                    let p = people.get(&v.person_id)?;
                    Some(NamedVote {
                        person_id: p.id,
                        name: p.display_name(),
                        vote: Vote::from_key(&v.vote).map(|x| x.label()).unwrap_or("–"),
                    })
                })
                .collect();
            named_votes.sort_by(|a, b| a.name.cmp(&b.name));

            let (raised, answered) = db::agenda_items::follow_ups_of(c, id)?;
            let raised = follow_up_views(c, &raised, audience)?;
            let answers = follow_up_views(c, &answered, audience)?;
            let minutes_text = if card.minutes_published {
                item.minutes_text.clone()
            } else {
                None
            };
            let mut integration =
                crate::views::timeline::references(c, db::links::Subject::Item(id))?;
            if let Some(pl) = &row.paper {
                for r in crate::views::timeline::references(c, db::links::Subject::Paper(pl.id))? {
                    if !integration
                        .iter()
                        .any(|x| x.url == r.url && x.role == r.role)
                    {
                        integration.push(r);
                    }
                }
            }
            Ok(ItemPage {
                integration,
                item: row,
                meeting: card,
                proposal,
                minutes_text,
                chain,
                named_votes,
                raised,
                answers,
            })
        })
        .await?;
    state.render_for(&viewer, "agenda_items/show.html", &page)
}

fn follow_up_views(
    c: &mut db::DbConnection,
    list: &[db::models::FollowUp],
    audience: Audience,
) -> Result<Vec<FollowUpView>, AppError> {
    if list.is_empty() {
        return Ok(vec![]);
    }
    // everything the list refers to, loaded at once
    let person_ids: Vec<i64> = list
        .iter()
        .filter_map(|f| f.requested_by_person_id)
        .collect();
    let people = db::persons::by_ids(c, &person_ids)?;
    let mut item_ids: Vec<i64> = list.iter().map(|f| f.origin_agenda_item_id).collect();
    item_ids.extend(list.iter().filter_map(|f| f.answered_by_agenda_item_id));
    let items = db::agenda_items::by_ids(c, &item_ids)?;
    let mut meeting_ids: Vec<i64> = items.values().map(|a| a.meeting_id).collect();
    let context = db::agenda_items::for_meetings(c, &meeting_ids)?;
    let (nums, vis) = crate::access::agenda::number_and_filter(&context, audience);
    meeting_ids.extend(list.iter().filter_map(|f| f.due_meeting_id));
    let meetings = db::meetings::by_ids(c, &meeting_ids)?;
    let link = |item_id: i64| -> Option<(String, String)> {
        let a = items.get(&item_id)?;
        let m = meetings.get(&a.meeting_id)?;
        vis.contains(&a.id).then(|| {
            (
                format!("/tagesordnungspunkte/{}", a.id),
                format!(
                    "TOP {} der Sitzung am {}",
                    nums.get(&a.id).cloned().unwrap_or_default(),
                    crate::base::dates::date_short(m.start_at)
                ),
            )
        })
    };
    let mut out = Vec::new();
    for f in list {
        // a request raised under a TOP the audience cannot see stays hidden
        let Some(origin) = link(f.origin_agenda_item_id) else {
            continue;
        };
        let answered = f.answered_by_agenda_item_id.and_then(link);
        out.push(FollowUpView {
            description: f.description.clone(),
            requested_by: f
                .requested_by_person_id
                .and_then(|p| people.get(&p))
                .map(|p| p.display_name()),
            due: f.due_meeting_id.and_then(|m| meetings.get(&m)).map(|m| {
                format!(
                    "{} am {}",
                    m.name,
                    crate::base::dates::date_short(m.start_at)
                )
            }),
            answered_hidden: f.answered_by_agenda_item_id.is_some() && answered.is_none(),
            answered_by: answered.as_ref().map(|a| a.1.clone()),
            answered_url: answered.map(|a| a.0),
            origin_url: Some(origin.0),
            origin: Some(origin.1),
        });
    }
    Ok(out)
}
