//! Person list and person page.

use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};

use super::{parse_id, parse_page, query_string};
use crate::auth::Viewer;
use crate::db;
use crate::domain::{MembershipRole, OrganizationKind};
use crate::error::AppError;
use crate::state::AppState;
use crate::views;

const PER_PAGE: i64 = 100;

#[derive(Debug, Deserialize)]
pub struct ListQuery {
    koerperschaft: Option<String>,
    seite: Option<String>,
}

#[derive(Serialize)]
struct PersonRow {
    url: String,
    name: String,
    party: Option<String>,
    body: String,
}

#[derive(Serialize)]
struct Opt {
    value: String,
    label: String,
    selected: bool,
}

#[derive(Serialize)]
struct ListPage {
    persons: Vec<PersonRow>,
    bodies: Vec<Opt>,
    pager: views::Pager,
    query_base: String,
}

pub async fn list(
    state: web::Data<AppState>,
    viewer: Viewer,
    q: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let q = q.into_inner();
    let page = parse_page(&q.seite)?;
    let body_key = q.koerperschaft.unwrap_or_default();
    let ctx = state
        .db(move |c| {
            let bodies = db::bodies::list(c)?;
            let body_id = super::resolve_body(&bodies, &body_key)?;
            let (rows, total) = db::persons::list(c, body_id, PER_PAGE, (page - 1) * PER_PAGE)?;
            Ok(ListPage {
                persons: rows
                    .iter()
                    .map(|p| PersonRow {
                        url: format!("/personen/{}", p.id),
                        name: p.sort_name(),
                        party: p.party.clone(),
                        body: bodies
                            .iter()
                            .find(|b| b.id == p.body_id)
                            .map(|b| b.short_name.clone())
                            .unwrap_or_default(),
                    })
                    .collect(),
                bodies: bodies
                    .iter()
                    .map(|b| Opt {
                        value: b.key.clone(),
                        label: b.name.clone(),
                        selected: b.key == body_key,
                    })
                    .collect(),
                pager: views::Pager::new(page, PER_PAGE, total),
                query_base: query_string(&[("koerperschaft", body_key.clone())]),
            })
        })
        .await?;
    state.render_for(&viewer, "persons/list.html", &ctx)
}

#[derive(Serialize)]
struct MembershipRow {
    organization: String,
    organization_url: Option<String>,
    role: &'static str,
    faction: Option<String>,
    from: Option<String>,
    until: Option<String>,
    current: bool,
}

#[derive(Serialize)]
struct PersonPage {
    feed: views::FeedLinks,
    name: String,
    form_of_address: Option<String>,
    party: Option<String>,
    body: String,
    memberships: Vec<MembershipRow>,
}

pub async fn show(
    state: web::Data<AppState>,
    viewer: Viewer,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let base = state.base_url.to_string();
    let id = parse_id(&path)?;
    let ctx = state
        .db(move |c| {
            let p = db::persons::find(c, id)?.ok_or_else(|| AppError::not_found("Die Person"))?;
            let body = db::bodies::find(c, p.body_id)?
                .map(|b| b.name)
                .unwrap_or_default();
            let ms = db::organizations::memberships_of_person(c, id)?;
            let fids: Vec<i64> = ms.iter().filter_map(|(m, _)| m.on_behalf_of_id).collect();
            let factions = db::organizations::by_ids(c, &fids)?;
            let today = crate::base::dates::today();
            Ok(PersonPage {
                feed: views::FeedLinks::new(
                    &base,
                    &format!("/personen/{id}/kalender.ics"),
                    &format!("Sitzungen – {}", p.display_name()),
                ),
                name: p.display_name(),
                form_of_address: p.form_of_address.clone(),
                party: p.party.clone(),
                body,
                memberships: ms
                    .iter()
                    .map(|(m, o)| MembershipRow {
                        organization: o.name.clone(),
                        organization_url: OrganizationKind::from_key(&o.kind)
                            .filter(|k| k.is_gremium())
                            .map(|_| format!("/gremien/{}", o.id)),
                        role: MembershipRole::from_key(&m.role)
                            .map(|r| r.label())
                            .unwrap_or("Mitglied"),
                        faction: m
                            .on_behalf_of_id
                            .and_then(|f| factions.get(&f))
                            .map(|f| f.short_name.clone().unwrap_or_else(|| f.name.clone())),
                        from: m.start_date.map(crate::base::dates::date),
                        until: m.end_date.map(crate::base::dates::date),
                        current: m.end_date.is_none_or(|e| e >= today)
                            && m.start_date.is_none_or(|st| st <= today),
                    })
                    .collect(),
            })
        })
        .await?;
    state.render_for(&viewer, "persons/show.html", &ctx)
}
