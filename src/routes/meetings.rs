//! Meeting list, month calendar and meeting page.

use std::collections::HashMap;

use actix_web::{web, HttpResponse};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::{parse_date, parse_id, parse_opt_id, parse_page, query_string, shorten};
use crate::access::Audience;
use crate::auth::Viewer;
use crate::db::{self, meetings::MeetingFilter};
use crate::error::AppError;
use crate::state::AppState;
use crate::views::{self, agenda, meetings::MeetingCard};

const PER_PAGE: i64 = 50;

#[derive(Debug, Deserialize)]
pub struct ListQuery {
    koerperschaft: Option<String>,
    gremium: Option<String>,
    von: Option<String>,
    bis: Option<String>,
    zeitraum: Option<String>,
    seite: Option<String>,
}

#[derive(Serialize)]
struct FilterOption {
    value: String,
    label: String,
    selected: bool,
}

/// Body choices, Gremium choices and the selected body id.
type Filters = (Vec<FilterOption>, Vec<FilterOption>, Option<i64>);

/// Filter choices shared by list and calendar.
fn filter_options(
    conn: &mut db::DbConnection,
    body_key: &str,
    org_id: Option<i64>,
) -> Result<Filters, AppError> {
    let bodies = db::bodies::list(conn)?;
    let body = super::resolve_body(&bodies, body_key)?;
    let orgs = db::organizations::list_gremien(conn, body)?;
    if let Some(o) = org_id {
        if !orgs.iter().any(|x| x.id == o) && db::organizations::find(conn, o)?.is_none() {
            return Err(AppError::bad_request(format!(
                "Das Gremium Nr. {o} gibt es nicht."
            )));
        }
    }
    let short: HashMap<i64, String> = bodies
        .iter()
        .map(|b| (b.id, b.short_name.clone()))
        .collect();
    Ok((
        bodies
            .iter()
            .map(|b| FilterOption {
                value: b.key.clone(),
                label: b.name.clone(),
                selected: b.key == body_key,
            })
            .collect(),
        orgs.iter()
            .map(|o| FilterOption {
                value: o.id.to_string(),
                label: if body.is_some() {
                    o.name.clone()
                } else {
                    format!(
                        "{} ({})",
                        o.name,
                        short.get(&o.body_id).cloned().unwrap_or_default()
                    )
                },
                selected: Some(o.id) == org_id,
            })
            .collect(),
        body,
    ))
}

#[derive(Serialize)]
struct ListPage {
    title: String,
    meetings: Vec<MeetingCard>,
    bodies: Vec<FilterOption>,
    organizations: Vec<FilterOption>,
    past: bool,
    von: String,
    bis: String,
    pager: views::Pager,
    query_base: String,
}

pub async fn list(
    state: web::Data<AppState>,
    viewer: Viewer,
    q: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let q = q.into_inner();
    let org_id = parse_opt_id("gremium", &q.gremium)?;
    let from = parse_date("von", &q.von)?;
    let until = parse_date("bis", &q.bis)?;
    if let (Some(a), Some(b)) = (from, until) {
        if b < a {
            return Err(AppError::bad_request(
                "Das Datum „bis“ liegt vor dem Datum „von“.",
            ));
        }
    }
    let past = match q.zeitraum.as_deref().unwrap_or("") {
        "" | "kommende" => false,
        "vergangene" => true,
        other => {
            return Err(AppError::bad_request(format!(
                "Unbekannter Zeitraum „{}“; möglich sind „kommende“ und „vergangene“.",
                shorten(other)
            )))
        }
    };
    let page = parse_page(&q.seite)?;
    let body_key = q.koerperschaft.clone().unwrap_or_default();
    let page_ctx = state
        .db(move |c| {
            let (bodies, organizations, body_id) = filter_options(c, &body_key, org_id)?;
            let today_start = crate::base::dates::berlin_to_utc(
                crate::base::dates::today()
                    .and_hms_opt(0, 0, 0)
                    .unwrap_or_default(),
            );
            let explicit = from.is_some() || until.is_some();
            let f = MeetingFilter {
                body_id,
                organization_id: org_id,
                from: match from {
                    Some(d) => d
                        .and_hms_opt(0, 0, 0)
                        .and_then(crate::base::dates::berlin_to_utc),
                    None if !explicit && !past => today_start,
                    None => None,
                },
                until: match until {
                    Some(d) => d
                        .succ_opt()
                        .and_then(|d| d.and_hms_opt(0, 0, 0))
                        .and_then(crate::base::dates::berlin_to_utc),
                    None if !explicit && past => today_start,
                    None => None,
                },
                descending: past,
            };
            let (rows, total) = db::meetings::list(c, &f, PER_PAGE, (page - 1) * PER_PAGE)?;
            let cards = views::meetings::cards(c, &rows)?;
            Ok(ListPage {
                title: if past {
                    "Vergangene Sitzungen".into()
                } else {
                    "Sitzungen".into()
                },
                meetings: cards,
                bodies,
                organizations,
                past,
                von: from.map(|d| d.to_string()).unwrap_or_default(),
                bis: until.map(|d| d.to_string()).unwrap_or_default(),
                pager: views::Pager::new(page, PER_PAGE, total),
                query_base: query_string(&[
                    ("koerperschaft", body_key.clone()),
                    ("gremium", org_id.map(|o| o.to_string()).unwrap_or_default()),
                    ("von", from.map(|d| d.to_string()).unwrap_or_default()),
                    ("bis", until.map(|d| d.to_string()).unwrap_or_default()),
                    (
                        "zeitraum",
                        if past {
                            "vergangene".into()
                        } else {
                            String::new()
                        },
                    ),
                ]),
            })
        })
        .await?;
    state.render_for(&viewer, "meetings/list.html", &page_ctx)
}

#[derive(Debug, Deserialize)]
pub struct CalendarQuery {
    monat: Option<String>,
    koerperschaft: Option<String>,
    gremium: Option<String>,
}

#[derive(Serialize)]
struct Day {
    day: u32,
    iso: String,
    in_month: bool,
    today: bool,
    meetings: Vec<MeetingCard>,
}

#[derive(Serialize)]
struct CalendarPage {
    month_label: String,
    month: String,
    prev: Option<String>,
    next: Option<String>,
    weeks: Vec<Vec<Day>>,
    agenda: Vec<MeetingCard>,
    bodies: Vec<FilterOption>,
    organizations: Vec<FilterOption>,
    filter_query: String,
}

fn parse_month(raw: &Option<String>) -> Result<NaiveDate, AppError> {
    match raw.as_deref().map(str::trim) {
        None | Some("") => {
            let t = crate::base::dates::today();
            Ok(t.with_day(1).unwrap_or(t))
        }
        Some(s) => NaiveDate::parse_from_str(&format!("{s}-01"), "%Y-%m-%d")
            .ok()
            .filter(|d| (1900..=2200).contains(&d.year()))
            .ok_or_else(|| {
                AppError::bad_request(format!(
                    "„{}“ ist kein gültiger Monat. Bitte im Format JJJJ-MM angeben, z. B. 2026-02.",
                    shorten(s)
                ))
            }),
    }
}

pub async fn calendar(
    state: web::Data<AppState>,
    viewer: Viewer,
    q: web::Query<CalendarQuery>,
) -> Result<HttpResponse, AppError> {
    let q = q.into_inner();
    let first = parse_month(&q.monat)?;
    let org_id = parse_opt_id("gremium", &q.gremium)?;
    let body_key = q.koerperschaft.clone().unwrap_or_default();
    let next_first = first
        .checked_add_months(chrono::Months::new(1))
        .ok_or_else(|| AppError::bad_request("Monat außerhalb des Kalenders."))?;
    let prev_first = first
        .checked_sub_months(chrono::Months::new(1))
        .ok_or_else(|| AppError::bad_request("Monat außerhalb des Kalenders."))?;
    let ctx = state
        .db(move |c| {
            let (bodies, organizations, body_id) = filter_options(c, &body_key, org_id)?;
            let f = MeetingFilter {
                body_id,
                organization_id: org_id,
                from: first
                    .and_hms_opt(0, 0, 0)
                    .and_then(crate::base::dates::berlin_to_utc),
                until: next_first
                    .and_hms_opt(0, 0, 0)
                    .and_then(crate::base::dates::berlin_to_utc),
                descending: false,
            };
            let (rows, _) = db::meetings::list(c, &f, 1000, 0)?;
            let cards = views::meetings::cards(c, &rows)?;
            let mut by_day: HashMap<NaiveDate, Vec<MeetingCard>> = HashMap::new();
            for (m, card) in rows.iter().zip(cards.iter()) {
                by_day
                    .entry(crate::base::dates::berlin(m.start_at).date_naive())
                    .or_default()
                    .push(card.clone());
            }
            let today = crate::base::dates::today();
            let start =
                first - chrono::Duration::days(first.weekday().num_days_from_monday() as i64);
            let mut weeks = Vec::new();
            let mut d = start;
            while d < next_first {
                let mut week = Vec::new();
                for _ in 0..7 {
                    week.push(Day {
                        day: d.day(),
                        iso: d.to_string(),
                        in_month: d.month() == first.month(),
                        today: d == today,
                        meetings: by_day.remove(&d).unwrap_or_default(),
                    });
                    d = d.succ_opt().unwrap_or(d);
                }
                weeks.push(week);
            }
            Ok(CalendarPage {
                month_label: format!(
                    "{} {}",
                    crate::base::dates::MONTHS[first.month0() as usize],
                    first.year()
                ),
                month: first.format("%Y-%m").to_string(),
                prev: (prev_first.year() >= 1900).then(|| prev_first.format("%Y-%m").to_string()),
                next: (next_first.year() <= 2200).then(|| next_first.format("%Y-%m").to_string()),
                weeks,
                agenda: cards,
                bodies,
                organizations,
                filter_query: query_string(&[
                    ("koerperschaft", body_key.clone()),
                    ("gremium", org_id.map(|o| o.to_string()).unwrap_or_default()),
                ]),
            })
        })
        .await?;
    state.render_for(&viewer, "meetings/calendar.html", &ctx)
}

#[derive(Serialize)]
struct OrgLink {
    id: i64,
    name: String,
}

#[derive(Serialize)]
struct FileLink {
    url: String,
    name: String,
    size: String,
}

#[derive(Serialize)]
struct MeetingPage {
    feed: views::FeedLinks,
    committee_feed: views::FeedLinks,
    full_view: bool,
    may_edit: bool,
    meeting: MeetingCard,
    organization: OrgLink,
    joint: Vec<OrgLink>,
    public_items: Vec<agenda::AgendaRow>,
    has_closed_part: bool,
    files: Vec<FileLink>,
    prev: Option<MeetingCard>,
    next: Option<MeetingCard>,
}

pub async fn show(
    state: web::Data<AppState>,
    viewer: Viewer,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let base = state.base_url.to_string();
    let id = parse_id(&path)?;
    let v = viewer.clone();
    let page = state
        .db(move |c| {
            let m = db::meetings::find(c, id)?.ok_or_else(|| AppError::not_found("Die Sitzung"))?;
            let mut org_ids = db::meetings::joint_organization_ids(c, id)?;
            org_ids.push(m.organization_id);
            let audience = v.audience(m.body_id, &org_ids);
            let items = db::agenda_items::for_meeting(c, id)?;
            let (rows, _) = agenda::load_rows(c, &items, &|_| true, audience)?;
            let has_closed_part = items.iter().any(|a| !a.public && a.deleted_at.is_none());
            let joint_ids = db::meetings::joint_organization_ids(c, id)?;
            let (prev, next) = db::meetings::neighbours(c, &m)?;
            let mut list = vec![m.clone()];
            list.extend(prev.iter().cloned());
            list.extend(next.iter().cloned());
            let (cards, orgs) = views::meetings::cards_and_organizations(c, &list, &joint_ids)?;
            let mut cards = cards.into_iter();
            let card = cards
                .next()
                .ok_or_else(|| AppError::not_found("Die Sitzung"))?;
            let prev_card = if prev.is_some() { cards.next() } else { None };
            let next_card = if next.is_some() { cards.next() } else { None };
            let files = db::papers::files_of_meeting(c, id)?;
            let files = crate::access::files::visible_files(c, files, audience)?
                .into_iter()
                .map(|f| FileLink {
                    url: crate::base::urls::file_url(f.id, &f.file_name),
                    name: f.name,
                    size: views::human_size(f.size),
                })
                .collect();
            let org_name = orgs
                .get(&m.organization_id)
                .map(|o| o.name.clone())
                .unwrap_or_default();
            Ok(MeetingPage {
                feed: views::FeedLinks::new(
                    &base,
                    &format!("/sitzungen/{id}/kalender.ics"),
                    &m.name,
                ),
                committee_feed: views::FeedLinks::new(
                    &base,
                    &format!("/gremien/{}/kalender.ics", m.organization_id),
                    &org_name,
                ),
                organization: OrgLink {
                    id: m.organization_id,
                    name: orgs
                        .get(&m.organization_id)
                        .map(|o| o.name.clone())
                        .unwrap_or_default(),
                },
                joint: joint_ids
                    .iter()
                    .filter_map(|j| orgs.get(j))
                    .map(|o| OrgLink {
                        id: o.id,
                        name: o.name.clone(),
                    })
                    .collect(),
                meeting: card,
                public_items: rows,
                has_closed_part,
                full_view: audience == Audience::Full,
                may_edit: v.user().is_some_and(|u| u.may_edit_body(m.body_id)),
                files,
                prev: prev_card,
                next: next_card,
            })
        })
        .await?;
    state.render_for(&viewer, "meetings/show.html", &page)
}
