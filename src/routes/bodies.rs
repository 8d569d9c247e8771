//! Bodies (Kreise, Städte, Gemeinden).

use actix_web::{web, HttpResponse};
use serde::Serialize;

use crate::auth::Viewer;
use crate::db::{self, meetings::MeetingFilter, papers::PaperFilter};
use crate::domain::{BodyKind, OrganizationKind};
use crate::error::AppError;
use crate::state::AppState;
use crate::views::{self, agenda, meetings::MeetingCard};

#[derive(Serialize)]
struct BodyRow {
    url: String,
    name: String,
    kind: &'static str,
    parent: Option<String>,
}

#[derive(Serialize)]
struct ListPage {
    bodies: Vec<BodyRow>,
}

fn kind_label(k: &str) -> &'static str {
    BodyKind::from_key(k).map(|k| k.label()).unwrap_or("")
}

pub async fn list(state: web::Data<AppState>, viewer: Viewer) -> Result<HttpResponse, AppError> {
    let ctx = state
        .db(|c| {
            let bodies = db::bodies::list(c)?;
            Ok(ListPage {
                bodies: bodies
                    .iter()
                    .map(|b| BodyRow {
                        url: format!("/koerperschaften/{}", b.key),
                        name: b.name.clone(),
                        kind: kind_label(&b.kind),
                        parent: b
                            .parent_body_id
                            .and_then(|p| bodies.iter().find(|x| x.id == p))
                            .map(|p| p.name.clone()),
                    })
                    .collect(),
            })
        })
        .await?;
    state.render_for(&viewer, "bodies/list.html", &ctx)
}

#[derive(Serialize)]
struct Link {
    url: String,
    name: String,
}

#[derive(Serialize)]
struct BodyPage {
    feed: views::FeedLinks,
    name: String,
    key: String,
    kind: &'static str,
    website: Option<String>,
    parent: Option<Link>,
    children: Vec<Link>,
    terms: Vec<String>,
    gremien: Vec<Link>,
    factions: Vec<String>,
    upcoming: Vec<MeetingCard>,
    papers: Vec<agenda::PaperLink>,
}

pub async fn show(
    state: web::Data<AppState>,
    viewer: Viewer,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let base = state.base_url.to_string();
    let key = path.into_inner();
    let ctx = state
        .db(move |c| {
            let b = db::bodies::find_by_key(c, &key)?
                .ok_or_else(|| AppError::not_found("Die Körperschaft"))?;
            let all = db::bodies::list(c)?;
            let link = |x: &db::models::Body| Link {
                url: format!("/koerperschaften/{}", x.key),
                name: x.name.clone(),
            };
            let (up, _) = db::meetings::list(
                c,
                &MeetingFilter {
                    body_id: Some(b.id),
                    from: Some(db::now()),
                    ..Default::default()
                },
                10,
                0,
            )?;
            let (papers, _) = db::papers::list(
                c,
                &PaperFilter {
                    body_id: Some(b.id),
                    public_only: true,
                    ..Default::default()
                },
                10,
                0,
            )?;
            Ok(BodyPage {
                feed: views::FeedLinks::new(
                    &base,
                    &format!("/koerperschaften/{}/kalender.ics", b.key),
                    &b.name,
                ),
                name: b.name.clone(),
                key: b.key.clone(),
                kind: kind_label(&b.kind),
                website: b.website.clone(),
                parent: b
                    .parent_body_id
                    .and_then(|p| all.iter().find(|x| x.id == p))
                    .map(link),
                children: all
                    .iter()
                    .filter(|x| x.parent_body_id == Some(b.id))
                    .map(link)
                    .collect(),
                terms: db::bodies::terms(c, b.id)?
                    .iter()
                    .map(|t| match t.end_date {
                        Some(e) => format!(
                            "{} ({} – {})",
                            t.name,
                            crate::base::dates::date(t.start_date),
                            crate::base::dates::date(e)
                        ),
                        None => format!(
                            "{} (seit {})",
                            t.name,
                            crate::base::dates::date(t.start_date)
                        ),
                    })
                    .collect(),
                gremien: db::organizations::list_gremien(c, Some(b.id))?
                    .iter()
                    .map(|o| Link {
                        url: format!("/gremien/{}", o.id),
                        name: o.name.clone(),
                    })
                    .collect(),
                factions: db::organizations::list_by_kind(c, b.id, OrganizationKind::Faction)?
                    .into_iter()
                    .map(|o| o.name)
                    .collect(),
                upcoming: views::meetings::cards(c, &up)?,
                papers: papers.iter().map(agenda::paper_link).collect(),
            })
        })
        .await?;
    state.render_for(&viewer, "bodies/show.html", &ctx)
}
