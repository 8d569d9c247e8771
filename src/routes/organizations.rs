//! Committee (Gremium) list and page.

use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};

use super::parse_id;
use crate::auth::Viewer;
use crate::db::{self, meetings::MeetingFilter};
use crate::domain::{MembershipRole, OrganizationKind};
use crate::error::AppError;
use crate::state::AppState;
use crate::views::{self, meetings::MeetingCard};

#[derive(Debug, Deserialize)]
pub struct ListQuery {
    koerperschaft: Option<String>,
}

#[derive(Serialize)]
struct OrgRow {
    url: String,
    name: String,
    kind: &'static str,
}

#[derive(Serialize)]
struct BodyGroup {
    name: String,
    key: String,
    organizations: Vec<OrgRow>,
}

#[derive(Serialize)]
struct ListPage {
    groups: Vec<BodyGroup>,
}

pub async fn list(
    state: web::Data<AppState>,
    viewer: Viewer,
    q: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let body_key = q.into_inner().koerperschaft.unwrap_or_default();
    let ctx = state
        .db(move |c| {
            let bodies = db::bodies::list(c)?;
            super::resolve_body(&bodies, &body_key)?;
            let orgs = db::organizations::list_gremien(c, None)?;
            let groups = bodies
                .iter()
                .filter(|b| body_key.is_empty() || b.key == body_key)
                .map(|b| BodyGroup {
                    name: b.name.clone(),
                    key: b.key.clone(),
                    organizations: orgs
                        .iter()
                        .filter(|o| o.body_id == b.id)
                        .map(|o| OrgRow {
                            url: format!("/gremien/{}", o.id),
                            name: o.name.clone(),
                            kind: OrganizationKind::from_key(&o.kind)
                                .map(|k| k.label())
                                .unwrap_or(""),
                        })
                        .collect(),
                })
                .filter(|g| !g.organizations.is_empty())
                .collect();
            Ok(ListPage { groups })
        })
        .await?;
    state.render_for(&viewer, "organizations/list.html", &ctx)
}

#[derive(Serialize)]
struct MemberRow {
    person_url: String,
    name: String,
    role: &'static str,
    voting_right: bool,
    faction: Option<String>,
    since: Option<String>,
}

#[derive(Serialize)]
struct OrgPage {
    feed: views::FeedLinks,
    /// holds meetings (not a faction or department): feeds and mail offered
    is_gremium: bool,
    id: i64,
    name: String,
    short_name: Option<String>,
    kind: &'static str,
    body: String,
    body_key: String,
    members: Vec<MemberRow>,
    upcoming: Vec<MeetingCard>,
    past: Vec<MeetingCard>,
    past_total: i64,
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
            let o = db::organizations::find(c, id)?
                .ok_or_else(|| AppError::not_found("Das Gremium"))?;
            let body = db::bodies::find(c, o.body_id)?;
            let members = db::organizations::current_members(c, id, crate::base::dates::today())?;
            let faction_ids: Vec<i64> = members
                .iter()
                .filter_map(|(m, _)| m.on_behalf_of_id)
                .collect();
            let factions = db::organizations::by_ids(c, &faction_ids)?;
            let mut member_rows: Vec<(usize, MemberRow)> = members
                .iter()
                .map(|(m, p)| {
                    let role = MembershipRole::from_key(&m.role);
                    let rank = role
                        .and_then(|r| MembershipRole::ALL.iter().position(|x| *x == r))
                        .unwrap_or(99);
                    (
                        rank,
                        MemberRow {
                            person_url: format!("/personen/{}", p.id),
                            name: p.display_name(),
                            role: role.map(|r| r.label()).unwrap_or("Mitglied"),
                            voting_right: m.voting_right,
                            faction: m
                                .on_behalf_of_id
                                .and_then(|f| factions.get(&f))
                                .map(|f| f.short_name.clone().unwrap_or_else(|| f.name.clone())),
                            since: m.start_date.map(crate::base::dates::date),
                        },
                    )
                })
                .collect();
            member_rows.sort_by_key(|(rank, _)| *rank);
            let now = db::now();
            let (up, _) = db::meetings::list(
                c,
                &MeetingFilter {
                    organization_id: Some(id),
                    from: Some(now),
                    ..Default::default()
                },
                10,
                0,
            )?;
            let (past, past_total) = db::meetings::list(
                c,
                &MeetingFilter {
                    organization_id: Some(id),
                    until: Some(now),
                    descending: true,
                    ..Default::default()
                },
                20,
                0,
            )?;
            Ok(OrgPage {
                is_gremium: o.is_gremium(),
                feed: views::FeedLinks::new(&base, &format!("/gremien/{id}/kalender.ics"), &o.name),
                id,
                name: o.name.clone(),
                short_name: o.short_name.clone(),
                kind: OrganizationKind::from_key(&o.kind)
                    .map(|k| k.label())
                    .unwrap_or(""),
                body: body.as_ref().map(|b| b.name.clone()).unwrap_or_default(),
                body_key: body.map(|b| b.key).unwrap_or_default(),
                members: member_rows.into_iter().map(|(_, r)| r).collect(),
                upcoming: views::meetings::cards(c, &up)?,
                past: views::meetings::cards(c, &past)?,
                past_total,
            })
        })
        .await?;
    state.render_for(&viewer, "organizations/show.html", &ctx)
}
