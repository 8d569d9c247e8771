//! Start page.

use actix_web::{web, HttpResponse};
use serde::Serialize;

use crate::auth::Viewer;
use crate::db::{self, meetings::MeetingFilter};
use crate::error::AppError;
use crate::state::AppState;
use crate::views::{self, meetings::MeetingCard};

#[derive(Serialize)]
struct BodyLink {
    url: String,
    name: String,
    kind: &'static str,
    child: bool,
}

#[derive(Serialize)]
struct StartPage {
    upcoming: Vec<MeetingCard>,
    recent: Vec<MeetingCard>,
    bodies: Vec<BodyLink>,
}

pub async fn start_page(
    state: web::Data<AppState>,
    viewer: Viewer,
) -> Result<HttpResponse, AppError> {
    let ctx = state
        .db(|c| {
            let now = db::now();
            let (up, _) = db::meetings::list(
                c,
                &MeetingFilter {
                    from: Some(now),
                    ..Default::default()
                },
                12,
                0,
            )?;
            let (recent, _) = db::meetings::list(
                c,
                &MeetingFilter {
                    until: Some(now),
                    descending: true,
                    ..Default::default()
                },
                8,
                0,
            )?;
            // each Kreis followed by its towns (the list comes sorted by name)
            let all = db::bodies::list(c)?;
            let ids: Vec<i64> = all.iter().map(|b| b.id).collect();
            let mut ordered: Vec<db::models::Body> = Vec::with_capacity(all.len());
            let mut stack: Vec<&db::models::Body> = all
                .iter()
                .filter(|b| b.parent_body_id.is_none_or(|p| !ids.contains(&p)))
                .rev()
                .collect();
            while let Some(b) = stack.pop() {
                if ordered.iter().any(|o| o.id == b.id) {
                    continue; // a cycle in bad data
                }
                ordered.push(b.clone());
                stack.extend(all.iter().filter(|x| x.parent_body_id == Some(b.id)).rev());
            }
            let bodies = ordered
                .into_iter()
                .map(|b| BodyLink {
                    url: format!("/koerperschaften/{}", b.key),
                    kind: crate::domain::BodyKind::from_key(&b.kind)
                        .map(|k| k.label())
                        .unwrap_or(""),
                    child: b.parent_body_id.is_some_and(|p| ids.contains(&p)),
                    name: b.name,
                })
                .collect();
            Ok(StartPage {
                upcoming: views::meetings::cards(c, &up)?,
                recent: views::meetings::cards(c, &recent)?,
                bodies,
            })
        })
        .await?;
    state.render_for(&viewer, "home.html", &ctx)
}

/// Erklärung zur Barrierefreiheit (BITV 2.0 / WCAG 2.1 AA).
pub async fn accessibility(
    state: web::Data<AppState>,
    viewer: Viewer,
) -> Result<HttpResponse, AppError> {
    // "Name <adresse@…>" or a bare address
    let from = state.settings.mail_from.trim();
    let contact = match (from.find('<'), from.rfind('>')) {
        (Some(a), Some(b)) if a < b => from[a + 1..b].trim().to_string(),
        _ => from.to_string(),
    };
    state.render_for(
        &viewer,
        "accessibility.html",
        &serde_json::json!({ "contact": contact }),
    )
}
