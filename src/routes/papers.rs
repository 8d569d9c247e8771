//! Paper list and paper page with its consultation path.

use std::collections::HashMap;

use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};

use super::{parse_id, parse_page, query_string, shorten};
use crate::access::Audience;
use crate::auth::Viewer;
use crate::db::{self, papers::PaperFilter};
use crate::domain::{ConsultationRole, Outcome, PaperRelationKind, PaperType};
use crate::error::AppError;
use crate::state::AppState;
use crate::views::{self, agenda};

const PER_PAGE: i64 = 50;

#[derive(Debug, Deserialize)]
pub struct ListQuery {
    koerperschaft: Option<String>,
    art: Option<String>,
    jahr: Option<String>,
    seite: Option<String>,
}

#[derive(Serialize)]
struct Opt {
    value: String,
    label: String,
    selected: bool,
}

#[derive(Serialize)]
struct PaperRow {
    url: String,
    reference: String,
    title: String,
    paper_type: String,
    date: String,
    date_iso: String,
    body: String,
}

#[derive(Serialize)]
struct ListPage {
    papers: Vec<PaperRow>,
    bodies: Vec<Opt>,
    types: Vec<Opt>,
    years: Vec<Opt>,
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
    let paper_type = match q.art.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(s) => Some(
            PaperType::from_key(s)
                .ok_or_else(|| {
                    AppError::bad_request(format!(
                        "Die Vorlagenart „{}“ gibt es nicht.",
                        shorten(s)
                    ))
                })?
                .key()
                .to_string(),
        ),
    };
    let year = match q.jahr.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(s) => Some(
            s.parse::<i32>()
                .ok()
                .filter(|y| (1900..=2200).contains(y))
                .ok_or_else(|| {
                    AppError::bad_request(format!("„{}“ ist kein gültiges Jahr.", shorten(s)))
                })?,
        ),
    };
    let body_key = q.koerperschaft.clone().unwrap_or_default();
    let ctx = state
        .db(move |c| {
            let bodies = db::bodies::list(c)?;
            let body_id = super::resolve_body(&bodies, &body_key)?;
            let f = PaperFilter {
                body_id,
                paper_type: paper_type.clone(),
                year,
                public_only: true,
            };
            let (rows, total) = db::papers::list(c, &f, PER_PAGE, (page - 1) * PER_PAGE)?;
            let names: HashMap<i64, String> = bodies
                .iter()
                .map(|b| (b.id, b.short_name.clone()))
                .collect();
            let years = db::papers::years(c, true)?;
            Ok(ListPage {
                papers: rows
                    .iter()
                    .map(|p| PaperRow {
                        url: format!("/vorlagen/{}", p.id),
                        reference: p.reference.clone(),
                        title: p.title.clone(),
                        paper_type: PaperType::from_key(&p.paper_type)
                            .map(|t| t.label().to_string())
                            .unwrap_or_else(|| p.paper_type.clone()),
                        date: crate::base::dates::date(p.date),
                        date_iso: p.date.to_string(),
                        body: names.get(&p.body_id).cloned().unwrap_or_default(),
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
                types: PaperType::ALL
                    .iter()
                    .map(|t| Opt {
                        value: t.key().into(),
                        label: t.label().into(),
                        selected: Some(t.key()) == paper_type.as_deref(),
                    })
                    .collect(),
                years: years
                    .iter()
                    .map(|y| Opt {
                        value: y.to_string(),
                        label: y.to_string(),
                        selected: Some(*y) == year,
                    })
                    .collect(),
                pager: views::Pager::new(page, PER_PAGE, total),
                query_base: query_string(&[
                    ("koerperschaft", body_key.clone()),
                    ("art", paper_type.clone().unwrap_or_default()),
                    ("jahr", year.map(|y| y.to_string()).unwrap_or_default()),
                ]),
            })
        })
        .await?;
    state.render_for(&viewer, "papers/list.html", &ctx)
}

#[derive(Serialize)]
struct ConsultationView {
    position: i32,
    organization_id: i64,
    organization: String,
    role: &'static str,
    authoritative: bool,
    meeting_url: Option<String>,
    meeting_date: Option<String>,
    meeting_iso: Option<String>,
    item_url: Option<String>,
    item_number: Option<String>,
    outcome: Option<&'static str>,
    outcome_tone: Option<&'static str>,
}

#[derive(Serialize)]
struct HistoryStep {
    #[serde(skip)]
    start: chrono::NaiveDateTime,
    row: agenda::AgendaRow,
    meeting: String,
    meeting_url: String,
    date: String,
    iso: String,
}

#[derive(Serialize)]
struct Related {
    link: agenda::PaperLink,
    relation: String,
}

#[derive(Serialize)]
struct Named {
    url: String,
    name: String,
}

#[derive(Serialize)]
struct PaperPage {
    paper: agenda::PaperLink,
    body: String,
    date: String,
    date_iso: String,
    file_number: Option<String>,
    lead: Option<Named>,
    originators: Vec<Named>,
    proposal: Option<String>,
    reasoning: Option<String>,
    consultations: Vec<ConsultationView>,
    history: Vec<HistoryStep>,
    decided: Option<String>,
    related: Vec<Related>,
    files: Vec<(String, String, String)>,
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
            let not_found = || AppError::not_found("Die Vorlage");
            let p = db::papers::find(c, id)?.ok_or_else(not_found)?;
            // members of the consulting committees see a non-public paper
            let consulting: Vec<i64> = db::papers::consultations(c, id)?
                .iter()
                .map(|x| x.organization_id)
                .collect();
            let audience = v.audience(p.body_id, &consulting);
            if !audience.sees_paper(&p) {
                return Err(not_found());
            }
            let body = db::bodies::find(c, p.body_id)?
                .map(|b| b.name)
                .unwrap_or_default();
            let (orig_orgs, orig_people) = db::papers::originators(c, id)?;
            let consultations = db::papers::consultations(c, id)?;
            let mut org_ids: Vec<i64> = consultations.iter().map(|x| x.organization_id).collect();
            org_ids.extend(orig_orgs.iter().copied());
            org_ids.extend(p.lead_organization_id);
            let orgs = db::organizations::by_ids(c, &org_ids)?;
            let people = db::persons::by_ids(c, &orig_people)?;

            // every TOP that treated this paper, in date order
            let items = db::agenda_items::for_paper(c, id)?;
            let mids: Vec<i64> = items.iter().map(|a| a.meeting_id).collect();
            let context = db::agenda_items::for_meetings(c, &mids)?;
            // each TOP is shown as its own meeting allows: a member of one
            // committee does not read another committee's closed part here
            let full_meetings: std::collections::HashSet<i64> = if audience == Audience::Full {
                let ms = db::meetings::by_ids(c, &mids)?;
                let joint = db::meetings::joint_organizations_of(c, &mids)?;
                ms.values()
                    .filter(|m| {
                        let mut o = joint.get(&m.id).cloned().unwrap_or_default();
                        o.push(m.organization_id);
                        v.audience(m.body_id, &o) == Audience::Full
                    })
                    .map(|m| m.id)
                    .collect()
            } else {
                Default::default()
            };
            let (full_ctx, public_ctx): (Vec<_>, Vec<_>) = context
                .into_iter()
                .partition(|a| full_meetings.contains(&a.meeting_id));
            let of_paper = |a: &crate::db::models::AgendaItem| a.paper_id == Some(id);
            let (mut rows, mut meetings) =
                agenda::load_rows(c, &public_ctx, &of_paper, Audience::Public)?;
            if !full_ctx.is_empty() {
                let (more_rows, more_meetings) =
                    agenda::load_rows(c, &full_ctx, &of_paper, Audience::Full)?;
                rows.extend(more_rows);
                meetings.extend(more_meetings);
            }
            let mut history: Vec<HistoryStep> = rows
                .into_iter()
                .filter_map(|r| {
                    let m = meetings.get(&r.meeting_id)?;
                    Some(HistoryStep {
                        start: m.start_at,
                        meeting: m.name.clone(),
                        meeting_url: format!("/sitzungen/{}", m.id),
                        date: crate::base::dates::date_short(m.start_at),
                        iso: crate::base::dates::iso(m.start_at),
                        row: r,
                    })
                })
                .collect();
            history.sort_by_key(|h| h.start);
            let row_by_item: HashMap<i64, &HistoryStep> =
                history.iter().map(|h| (h.row.id, h)).collect();
            let mut extra_meetings: Vec<i64> =
                consultations.iter().filter_map(|x| x.meeting_id).collect();
            extra_meetings.retain(|m| !meetings.contains_key(m));
            let extra = db::meetings::by_ids(c, &extra_meetings)?;

            let mut decided = None;
            let consultation_views: Vec<ConsultationView> = consultations
                .iter()
                .map(|x| {
                    let step = x.agenda_item_id.and_then(|a| row_by_item.get(&a)).copied();
                    let meeting = x
                        .meeting_id
                        .and_then(|m| meetings.get(&m).or_else(|| extra.get(&m)))
                        .filter(|m| m.deleted_at.is_none());
                    let outcome_key = step.and_then(|s| s.row.outcome_key);
                    let role = ConsultationRole::from_key(&x.role);
                    if let (Some(o), Some(s)) = (outcome_key.and_then(Outcome::from_key), step) {
                        if o.is_adopted()
                            && (x.authoritative || role == Some(ConsultationRole::Decision))
                        {
                            decided = Some(format!(
                                "{} am {} ({})",
                                o.label(),
                                s.date,
                                orgs.get(&x.organization_id)
                                    .map(|o| o.name.as_str())
                                    .unwrap_or("")
                            ));
                        }
                    }
                    ConsultationView {
                        position: x.position,
                        organization_id: x.organization_id,
                        organization: orgs
                            .get(&x.organization_id)
                            .map(|o| o.name.clone())
                            .unwrap_or_default(),
                        role: role.map(|r| r.label()).unwrap_or("–"),
                        authoritative: x.authoritative,
                        meeting_url: meeting.map(|m| format!("/sitzungen/{}", m.id)),
                        meeting_date: meeting.map(|m| crate::base::dates::date_short(m.start_at)),
                        meeting_iso: meeting.map(|m| crate::base::dates::iso(m.start_at)),
                        item_url: step.map(|s| s.row.url.clone()),
                        item_number: step.map(|s| s.row.number.clone()),
                        outcome: step.and_then(|s| s.row.outcome),
                        outcome_tone: step.and_then(|s| s.row.outcome_tone),
                    }
                })
                .collect();

            let related_audience = if v.user().is_some_and(|u| u.may_edit_body(p.body_id)) {
                Audience::Full
            } else {
                Audience::Public
            };
            let rel = db::papers::relations(c, id)?;
            let rel_ids: Vec<i64> = rel.iter().map(|r| r.0).collect();
            let rel_papers = db::papers::by_ids(c, &rel_ids)?;
            let related = rel
                .iter()
                .filter_map(|(pid, kind, outgoing)| {
                    // related papers: non-public ones only for the body's staff
                    let rp = rel_papers
                        .get(pid)
                        .filter(|p| related_audience.sees_paper(p))?;
                    let k = PaperRelationKind::from_key(kind);
                    let relation = match (k, outgoing) {
                        (Some(PaperRelationKind::Supplements), true) => "ergänzt",
                        (Some(PaperRelationKind::Supplements), false) => "wird ergänzt durch",
                        (Some(PaperRelationKind::Answers), true) => "beantwortet",
                        (Some(PaperRelationKind::Answers), false) => "beantwortet durch",
                        _ => "Bezug",
                    };
                    Some(Related {
                        link: agenda::paper_link(rp),
                        relation: relation.to_string(),
                    })
                })
                .collect();
            let files = db::papers::files_of_paper(c, id)?;
            let files = crate::access::files::visible_files(c, files, audience)?
                .into_iter()
                .map(|f| {
                    (
                        f.name.clone(),
                        views::human_size(f.size),
                        crate::base::urls::file_url(f.id, &f.file_name),
                    )
                })
                .collect();
            Ok(PaperPage {
                paper: agenda::paper_link(&p),
                body,
                date: crate::base::dates::date(p.date),
                date_iso: p.date.to_string(),
                file_number: p.file_number.clone(),
                lead: p
                    .lead_organization_id
                    .and_then(|o| orgs.get(&o))
                    .map(|o| Named {
                        url: org_url(o),
                        name: o.name.clone(),
                    }),
                originators: orig_orgs
                    .iter()
                    .filter_map(|o| orgs.get(o))
                    .map(|o| Named {
                        url: org_url(o),
                        name: o.name.clone(),
                    })
                    .chain(
                        orig_people
                            .iter()
                            .filter_map(|pid| people.get(pid))
                            .map(|pp| Named {
                                url: format!("/personen/{}", pp.id),
                                name: pp.display_name(),
                            }),
                    )
                    .collect(),
                proposal: p.proposal.clone(),
                reasoning: p.reasoning.clone(),
                consultations: consultation_views,
                history,
                decided,
                related,
                files,
                integration: crate::views::timeline::references(c, db::links::Subject::Paper(id))?,
            })
        })
        .await?;
    state.render_for(&viewer, "papers/show.html", &page)
}

/// Gremien have pages; departments and factions are shown as plain names.
fn org_url(o: &db::models::Organization) -> String {
    match crate::domain::OrganizationKind::from_key(&o.kind) {
        Some(k) if k.is_gremium() => format!("/gremien/{}", o.id),
        _ => String::new(),
    }
}
