//! Agenda item page: result, tally, votes, deferral chain, follow-ups.

use actix_web::{web, HttpResponse};
use serde::Serialize;

use super::parse_id;
use crate::access::Audience;
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
}

pub async fn show(
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = parse_id(&path)?;
    let audience = Audience::Public;
    let page = state
        .db(move |c| {
            let not_found = || AppError::not_found("Der Tagesordnungspunkt");
            let item = db::agenda_items::find(c, id)?.ok_or_else(not_found)?;
            let meeting = db::meetings::find(c, item.meeting_id)?.ok_or_else(not_found)?;
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
                let (nums, vis) = agenda::number_and_filter(&ctx_items, audience);
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
                        date: views::date_short(m.start_at),
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
            Ok(ItemPage {
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
    state.render("agenda_items/show.html", &page)
}

fn follow_up_views(
    c: &mut db::DbConnection,
    list: &[db::models::FollowUp],
    audience: Audience,
) -> Result<Vec<FollowUpView>, AppError> {
    let mut out = Vec::new();
    for f in list {
        let requested_by = match f.requested_by_person_id {
            Some(p) => db::persons::find(c, p)?.map(|p| p.display_name()),
            None => None,
        };
        let due = match f.due_meeting_id {
            Some(m) => db::meetings::find(c, m)?
                .map(|m| format!("{} am {}", m.name, views::date_short(m.start_at))),
            None => None,
        };
        let link = |c: &mut db::DbConnection,
                    item_id: i64|
         -> Result<Option<(String, String)>, AppError> {
            let Some(a) = db::agenda_items::find(c, item_id)? else {
                return Ok(None);
            };
            let Some(m) = db::meetings::find(c, a.meeting_id)? else {
                return Ok(None);
            };
            let all = db::agenda_items::for_meeting(c, m.id)?;
            let (nums, vis) = agenda::number_and_filter(&all, audience);
            if !vis.contains(&a.id) {
                return Ok(None);
            }
            Ok(Some((
                format!("/tagesordnungspunkte/{}", a.id),
                format!(
                    "TOP {} der Sitzung am {}",
                    nums.get(&a.id).cloned().unwrap_or_default(),
                    views::date_short(m.start_at)
                ),
            )))
        };
        let answered = match f.answered_by_agenda_item_id {
            Some(a) => link(c, a)?,
            None => None,
        };
        // a request raised under a TOP the audience cannot see stays hidden
        let Some(origin) = link(c, f.origin_agenda_item_id)? else {
            continue;
        };
        let origin = Some(origin);
        out.push(FollowUpView {
            description: f.description.clone(),
            requested_by,
            due,
            answered_hidden: f.answered_by_agenda_item_id.is_some() && answered.is_none(),
            answered_by: answered.as_ref().map(|a| a.1.clone()),
            answered_url: answered.map(|a| a.0),
            origin_url: origin.as_ref().map(|o| o.0.clone()),
            origin: origin.map(|o| o.1),
        });
    }
    Ok(out)
}
