//! Public minutes (Niederschrift, öffentlicher Teil) of a held meeting.

use actix_web::{web, HttpResponse};
use serde::Serialize;

use super::parse_id;
use crate::access::Audience;
use crate::db;
use crate::domain::MeetingState;
use crate::error::AppError;
use crate::state::AppState;
use crate::views::{self, agenda, meetings::MeetingCard};

#[derive(Serialize)]
struct MinutesItem {
    row: agenda::AgendaRow,
    minutes_text: Option<String>,
}

#[derive(Serialize)]
struct MinutesPage {
    meeting: MeetingCard,
    organization: String,
    items: Vec<MinutesItem>,
    published: String,
    has_closed_part: bool,
}

pub async fn show(
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = parse_id(&path)?;
    let audience = Audience::Public;
    let ctx = state
        .db(move |c| {
            let not_found = || AppError::not_found("Die Niederschrift dieser Sitzung");
            let m = db::meetings::find(c, id)?.ok_or_else(not_found)?;
            let published = m.minutes_published_at.ok_or_else(not_found)?;
            if m.state != MeetingState::Held.key() {
                return Err(not_found());
            }
            let items = db::agenda_items::for_meeting(c, id)?;
            let (rows, _) = agenda::load_rows(c, &items, &|_| true, audience)?;
            let texts: std::collections::HashMap<i64, Option<String>> = items
                .iter()
                .map(|a| (a.id, a.minutes_text.clone()))
                .collect();
            let org = db::organizations::find(c, m.organization_id)?
                .map(|o| o.name)
                .unwrap_or_default();
            let card = views::meetings::cards(c, std::slice::from_ref(&m))?
                .pop()
                .ok_or_else(not_found)?;
            Ok(MinutesPage {
                meeting: card,
                organization: org,
                items: rows
                    .into_iter()
                    .map(|r| MinutesItem {
                        minutes_text: texts.get(&r.id).cloned().flatten(),
                        row: r,
                    })
                    .collect(),
                published: views::date_short(published),
                has_closed_part: items.iter().any(|a| !a.public),
            })
        })
        .await?;
    state.render("meetings/minutes.html", &ctx)
}
