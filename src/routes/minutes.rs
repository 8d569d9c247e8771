//! Public minutes (Niederschrift, öffentlicher Teil) of a held meeting.

use actix_web::{web, HttpResponse};
use serde::Serialize;

use super::parse_id;
use crate::access::Audience;
use crate::auth::Viewer;
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
    published: Option<String>,
    approved: Option<String>,
    full_view: bool,
    attendance: Vec<(String, Vec<String>)>,
    has_closed_part: bool,
}

pub async fn show(
    state: web::Data<AppState>,
    viewer: Viewer,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = parse_id(&path)?;
    let v = viewer.clone();
    let ctx = state
        .db(move |c| {
            let not_found = || AppError::not_found("Die Niederschrift dieser Sitzung");
            let m = db::meetings::find(c, id)?.ok_or_else(not_found)?;
            if m.state != MeetingState::Held.key() {
                return Err(not_found());
            }
            let mut org_ids = db::meetings::joint_organization_ids(c, id)?;
            org_ids.push(m.organization_id);
            let audience = v.audience(m.body_id, &org_ids);
            let staff = v.user().is_some_and(|u| u.may_edit_body(m.body_id));
            // citizens and members read published minutes; the clerk
            // also reads the draft
            let published = match (m.minutes_published_at, staff) {
                (Some(p), _) => Some(p),
                (None, true) => None,
                (None, false) => return Err(not_found()),
            };
            let attendance = minutes_attendance(c, &m)?;
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
                published: published.map(crate::base::dates::date_short),
                approved: m.minutes_approved_at.map(crate::base::dates::date_short),
                full_view: audience == Audience::Full,
                attendance,
                has_closed_part: items.iter().any(|a| !a.public),
            })
        })
        .await?;
    state.render_for(&viewer, "meetings/minutes.html", &ctx)
}

/// Attendance grouped by status, names sorted: ("anwesend", [...]), ….
fn minutes_attendance(
    c: &mut crate::db::DbConnection,
    m: &crate::db::models::Meeting,
) -> Result<Vec<(String, Vec<String>)>, AppError> {
    let rows = crate::edit::meeting::attendance(c, m.id)?;
    let ids: Vec<i64> = rows.iter().map(|(p, _)| *p).collect();
    let persons = db::persons::by_ids(c, &ids)?;
    let mut out = Vec::new();
    for status in crate::domain::AttendanceStatus::ALL {
        let mut names: Vec<String> = rows
            .iter()
            .filter(|(_, s)| s == status.key())
            .filter_map(|(p, _)| persons.get(p))
            .map(|p| format!("{} {}", p.given_name, p.family_name))
            .collect();
        names.sort();
        if !names.is_empty() {
            out.push((status.label().to_string(), names));
        }
    }
    Ok(out)
}
