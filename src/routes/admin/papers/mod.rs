//! Back office: papers (Vorlagen) and their Beratungsfolge.

mod consultations;

pub(super) use consultations::integration_refused;
pub use consultations::{add_consultation, consultation_action};

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use super::forms::{self, Errors};
use super::{audit_views, choices, editable_bodies, organizations_of, AuditView, Choice};
use crate::auth::form::Fields;
use crate::auth::{Form, SessionUser, Staff, Viewer};
use crate::db::models::{Body, Organization, Paper};
use crate::db::{self, DbConnection};
use crate::domain::{ConsultationRole, Outcome, PaperType};
use crate::edit::paper::{PaperInput, Saved};
use crate::error::AppError;
use crate::routes::account::redirect;
use crate::routes::parse_id;
use crate::state::AppState;

#[derive(Deserialize)]
pub struct ListQuery {
    q: Option<String>,
}

#[derive(Serialize)]
struct Row {
    id: i64,
    reference: String,
    title: String,
    type_label: &'static str,
    date: String,
    public: bool,
}

pub async fn list(
    state: web::Data<AppState>,
    me: Staff,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let me = me.0;
    let q = query.q.clone().unwrap_or_default().trim().to_string();
    let (m2, q2) = (me.clone(), q.clone());
    let rows = state
        .db(move |c| {
            use db::schema::papers;
            let bodies: Vec<i64> = editable_bodies(c, &m2)?.iter().map(|b| b.id).collect();
            let mut query = papers::table
                .filter(papers::deleted_at.is_null())
                .filter(papers::body_id.eq_any(bodies))
                .into_boxed();
            if !q2.is_empty() {
                let pattern = format!("%{}%", q2.replace('%', ""));
                query = query.filter(
                    papers::title
                        .like(pattern.clone())
                        .or(papers::reference.like(pattern)),
                );
            }
            let list: Vec<Paper> = query
                .order((papers::date.desc(), papers::id.desc()))
                .limit(200)
                .select(Paper::as_select())
                .load(c)?;
            Ok(list
                .into_iter()
                .map(|p| Row {
                    id: p.id,
                    type_label: PaperType::from_key(&p.paper_type)
                        .map(|t| t.label())
                        .unwrap_or(""),
                    date: crate::base::dates::date(p.date),
                    reference: p.reference,
                    title: p.title,
                    public: p.public,
                })
                .collect::<Vec<_>>())
        })
        .await?;
    state.render_for(
        &Viewer(Some(me)),
        "admin/papers/list.html",
        &serde_json::json!({ "rows": rows, "q": q }),
    )
}

#[derive(Serialize)]
struct ConsultationRow {
    id: i64,
    position: i32,
    organization: String,
    role: String,
    meeting: Option<(i64, String)>,
    agenda_item: Option<i64>,
    outcome: Option<&'static str>,
    removable: bool,
}

#[derive(Serialize, Default)]
struct FormPage {
    paper: Option<Paper>,
    values: serde_json::Value,
    selected_originators: Vec<String>,
    errors: Errors,
    bodies: Vec<Body>,
    organizations: Vec<Organization>,
    gremien: Vec<Organization>,
    types: Vec<Choice>,
    roles: Vec<Choice>,
    consultations: Vec<ConsultationRow>,
    files: Vec<crate::views::FileRow>,
    audit: Vec<AuditView>,
    integration: super::links::Panel,
    conflict: Option<Conflict>,
    message: Option<String>,
    upload_limit_mb: u64,
}

pub use super::flow::Conflict;
use super::flow::{self, Done};

const TEMPLATE: &str = "admin/papers/form.html";

fn load_page(
    c: &mut DbConnection,
    me: &SessionUser,
    paper: Option<&Paper>,
) -> Result<FormPage, AppError> {
    let bodies = editable_bodies(c, me)?;
    let body_ids: Vec<i64> = match paper {
        Some(p) => vec![p.body_id],
        None => bodies.iter().map(|b| b.id).collect(),
    };
    let organizations = organizations_of(c, &body_ids)?;
    let gremien = organizations
        .iter()
        .filter(|o| o.is_gremium())
        .cloned()
        .collect();
    let mut page = FormPage {
        bodies,
        organizations,
        gremien,
        types: choices(PaperType::ALL, PaperType::key, PaperType::label),
        roles: choices(
            ConsultationRole::ALL,
            ConsultationRole::key,
            ConsultationRole::label,
        ),
        ..Default::default()
    };
    if let Some(p) = paper {
        let cons = db::papers::consultations(c, p.id)?;
        let org_ids: Vec<i64> = cons.iter().map(|x| x.organization_id).collect();
        let orgs = db::organizations::by_ids(c, &org_ids)?;
        let meeting_ids: Vec<i64> = cons.iter().filter_map(|x| x.meeting_id).collect();
        let meetings = db::meetings::by_ids(c, &meeting_ids)?;
        let item_ids: Vec<i64> = cons.iter().filter_map(|x| x.agenda_item_id).collect();
        let items = db::agenda_items::by_ids(c, &item_ids)?;
        page.consultations = cons
            .iter()
            .map(|x| ConsultationRow {
                id: x.id,
                position: x.position,
                organization: orgs
                    .get(&x.organization_id)
                    .map(|o| o.name.clone())
                    .unwrap_or_default(),
                role: ConsultationRole::from_key(&x.role)
                    .map(|r| r.label())
                    .unwrap_or(&x.role)
                    .to_string(),
                meeting: x
                    .meeting_id
                    .and_then(|m| meetings.get(&m))
                    .map(|m| (m.id, crate::base::dates::date_short(m.start_at))),
                agenda_item: x.agenda_item_id,
                outcome: x
                    .agenda_item_id
                    .and_then(|i| items.get(&i))
                    .and_then(|i| i.outcome.as_deref())
                    .and_then(Outcome::from_key)
                    .map(|o| o.label()),
                removable: x.meeting_id.is_none(),
            })
            .collect();
        page.files = db::papers::files_of_paper(c, p.id)?
            .into_iter()
            .map(crate::views::FileRow::of)
            .collect();
        page.audit = audit_views(db::audit::for_paper(c, p.id)?);
        page.integration = super::links::panel(c, db::links::Subject::Paper(p.id))?;
        page.paper = Some(p.clone());
    }
    Ok(page)
}

fn values_of(
    c: &mut DbConnection,
    p: &Paper,
) -> Result<(serde_json::Value, Vec<String>), AppError> {
    let (orgs, rel) = crate::edit::paper::links(c, p.id)?;
    let related = db::papers::by_ids(c, &rel)?;
    let refs: Vec<String> = rel
        .iter()
        .filter_map(|r| related.get(r))
        .map(|p| p.reference.clone())
        .collect();
    Ok((
        serde_json::json!({
            "koerperschaft": p.body_id.to_string(),
            "typ": p.paper_type,
            "betreff": p.title,
            "aktenzeichen": p.file_number,
            "datum": p.date.format("%Y-%m-%d").to_string(),
            "federfuehrung": p.lead_organization_id.map(|i| i.to_string()),
            "beschlussvorschlag": p.proposal,
            "begruendung": p.reasoning,
            "oeffentlich": if p.public { "1" } else { "" },
            "bezuege": refs.join(", "),
            "version": p.version.to_string(),
        }),
        orgs.iter().map(|i| i.to_string()).collect(),
    ))
}

pub async fn new_form(state: web::Data<AppState>, me: Staff) -> Result<HttpResponse, AppError> {
    let me = me.0;
    let m2 = me.clone();
    let page = state
        .db(move |c| {
            let mut page = load_page(c, &m2, None)?;
            page.values = serde_json::json!({
                "typ": PaperType::Resolution.key(),
                "datum": crate::base::dates::today().format("%Y-%m-%d").to_string(),
                "oeffentlich": "1",
                "koerperschaft": page.bodies.first().map(|b| b.id.to_string()),
            });
            Ok(page)
        })
        .await?;
    state.render_for(&Viewer(Some(me)), "admin/papers/form.html", &page)
}

/// Validate the paper form against the database (body rights, ids).
fn validate(
    c: &mut DbConnection,
    me: &SessionUser,
    f: &Fields,
    fixed_body: Option<i64>,
) -> Result<(Option<PaperInput>, Errors), AppError> {
    let mut e = Errors::new();
    let body_id = match fixed_body {
        Some(b) => Some(b),
        None => forms::opt_id(f, "koerperschaft", &mut e),
    };
    let body_id = match body_id {
        Some(b) if me.may_edit_body(b) && db::bodies::find(c, b)?.is_some() => Some(b),
        _ => {
            e.insert(
                "koerperschaft".into(),
                "Bitte eine Körperschaft wählen, für die Sie zuständig sind.".into(),
            );
            None
        }
    };
    let paper_type = PaperType::from_key(f.get("typ"));
    if paper_type.is_none() {
        e.insert("typ".into(), "Bitte die Art der Vorlage wählen.".into());
    }
    let title = forms::required(f, "betreff", "einen Betreff", 500, &mut e);
    let file_number = forms::optional(f, "aktenzeichen", 100, &mut e);
    let date = forms::date(f, "datum", "das Datum", &mut e);
    let lead = forms::opt_id(f, "federfuehrung", &mut e);
    let originators = forms::ids(f, "urheber", &mut e);
    let proposal = f.opt_text("beschlussvorschlag");
    let reasoning = f.opt_text("begruendung");
    let mut related_ids = Vec::new();
    if let Some(body) = body_id {
        let orgs: Vec<i64> = organizations_of(c, &[body])?.iter().map(|o| o.id).collect();
        if lead.is_some_and(|l| !orgs.contains(&l)) {
            e.insert(
                "federfuehrung".into(),
                "Diese Stelle gehört nicht zur gewählten Körperschaft.".into(),
            );
        }
        if originators.iter().any(|o| !orgs.contains(o)) {
            e.insert(
                "urheber".into(),
                "Mindestens ein Urheber gehört nicht zur gewählten Körperschaft.".into(),
            );
        }
        let mut unknown = Vec::new();
        for r in f
            .get("bezuege")
            .split([',', ';', '\n'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            use db::schema::papers;
            let found: Option<i64> = papers::table
                .filter(papers::body_id.eq(body))
                .filter(papers::reference.eq(r))
                .filter(papers::deleted_at.is_null())
                .select(papers::id)
                .first(c)
                .optional()?;
            match found {
                Some(id) => related_ids.push(id),
                None => unknown.push(r.to_string()),
            }
        }
        if !unknown.is_empty() {
            e.insert(
                "bezuege".into(),
                format!(
                    "Diese Vorlagennummern gibt es nicht: {}",
                    unknown.join(", ")
                ),
            );
        }
    }
    if !e.is_empty() {
        return Ok((None, e));
    }
    match (body_id, paper_type, date) {
        (Some(body_id), Some(paper_type), Some(date)) => Ok((
            Some(PaperInput {
                body_id,
                paper_type,
                title,
                file_number,
                date,
                lead_organization_id: lead,
                proposal,
                reasoning,
                public: f.checked("oeffentlich"),
                originator_ids: originators,
                related_ids,
            }),
            e,
        )),
        _ => Ok((None, e)),
    }
}

fn refill(page: &mut FormPage, f: &Fields) {
    page.values = f.to_json();
    page.selected_originators = f.all("urheber").iter().map(|s| s.to_string()).collect();
}

pub async fn create(
    state: web::Data<AppState>,
    _staff: Staff,
    form: Form,
) -> Result<HttpResponse, AppError> {
    let Form { user: me, fields } = form;
    let default_pattern = state.settings.paper_reference_pattern.clone();
    flow::post(&state, me, TEMPLATE, move |c, m2| {
        let (input, errors) = validate(c, m2, &fields, None)?;
        let Some(input) = input else {
            let mut page = load_page(c, m2, None)?;
            refill(&mut page, &fields);
            page.errors = errors;
            return Ok(Done::Invalid(page));
        };
        let pattern = db::bodies::find(c, input.body_id)?
            .and_then(|b| b.paper_reference_pattern)
            .filter(|p| !p.trim().is_empty())
            .unwrap_or(default_pattern);
        let actor = m2.actor();
        let (id, _) = crate::edit::write_transaction(c, |c| {
            crate::edit::paper::create(c, &actor, &input, &pattern).map_err(AppError::from)
        })?;
        Ok(Done::Saved(format!(
            "/verwaltung/vorlagen/{id}?gespeichert=1"
        )))
    })
    .await
}

#[derive(Deserialize)]
pub struct EditQuery {
    gespeichert: Option<String>,
}

/// Load a paper the user may edit (404 if missing, 403 if another body).
pub fn paper_for(c: &mut DbConnection, me: &SessionUser, id: i64) -> Result<Paper, AppError> {
    let p = db::papers::find(c, id)?.ok_or_else(|| AppError::not_found("Die Vorlage"))?;
    me.require_body(p.body_id)?;
    Ok(p)
}

pub async fn edit(
    state: web::Data<AppState>,
    me: Staff,
    path: web::Path<String>,
    query: web::Query<EditQuery>,
) -> Result<HttpResponse, AppError> {
    let me = me.0;
    let id = parse_id(&path)?;
    let m2 = me.clone();
    let saved = query.gespeichert.is_some();
    let page = state
        .db(move |c| {
            let p = paper_for(c, &m2, id)?;
            let mut page = load_page(c, &m2, Some(&p))?;
            let (values, originators) = values_of(c, &p)?;
            page.values = values;
            page.selected_originators = originators;
            if saved {
                page.message = Some(format!("Gespeichert. Vorlagennummer: {}", p.reference));
            }
            Ok(page)
        })
        .await?;
    let mut page = page;
    page.upload_limit_mb = state.settings.upload_limit_mb;
    state.render_for(&Viewer(Some(me)), "admin/papers/form.html", &page)
}

pub async fn update(
    state: web::Data<AppState>,
    _staff: Staff,
    path: web::Path<String>,
    form: Form,
) -> Result<HttpResponse, AppError> {
    let id = parse_id(&path)?;
    let Form { user: me, fields } = form;
    let limit = state.settings.upload_limit_mb;
    flow::post(&state, me, TEMPLATE, move |c, m2| {
        let p = paper_for(c, m2, id)?;
        let (input, errors) = validate(c, m2, &fields, Some(p.body_id))?;
        let page_with = |c: &mut DbConnection,
                         errors: Errors,
                         conflict: Option<Conflict>|
         -> Result<FormPage, AppError> {
            let current = db::papers::find(c, id)?.unwrap_or(p.clone());
            let mut page = load_page(c, m2, Some(&current))?;
            refill(&mut page, &fields);
            page.errors = errors;
            page.conflict = conflict;
            page.upload_limit_mb = limit;
            if let (Some(obj), true) = (page.values.as_object_mut(), page.conflict.is_some()) {
                // the next save is against what is stored now
                obj.insert(
                    "version".into(),
                    serde_json::Value::String(current.version.to_string()),
                );
            }
            Ok(page)
        };
        let Some(input) = input else {
            return Ok(Done::Invalid(page_with(c, errors, None)?));
        };
        let actor = m2.actor();
        let version = forms::version(&fields);
        let saved = crate::edit::write_transaction(c, |c| {
            crate::edit::paper::update(c, &actor, id, version, &input).map_err(AppError::from)
        })?;
        match saved {
            Saved::Ok => Ok(Done::Saved(format!(
                "/verwaltung/vorlagen/{id}?gespeichert=1"
            ))),
            Saved::Conflict => {
                let current =
                    db::papers::find(c, id)?.ok_or_else(|| AppError::not_found("Die Vorlage"))?;
                let (orgs, rel) = crate::edit::paper::links(c, id)?;
                let stored = crate::edit::paper::snapshot(&current, &orgs, &rel);
                let mine = crate::edit::paper::snapshot(
                    &Paper {
                        paper_type: input.paper_type.key().into(),
                        title: input.title.clone(),
                        file_number: input.file_number.clone(),
                        date: input.date,
                        lead_organization_id: input.lead_organization_id,
                        proposal: input.proposal.clone(),
                        reasoning: input.reasoning.clone(),
                        public: input.public,
                        ..current.clone()
                    },
                    &input.originator_ids,
                    &input.related_ids,
                );
                let who = super::last_change(&db::audit::for_paper(c, id)?);
                let conflict = Conflict {
                    who,
                    changes: db::audit::diff(&stored, &mine),
                };
                Ok(Done::Stale(page_with(c, Errors::new(), Some(conflict))?))
            }
        }
    })
    .await
}
