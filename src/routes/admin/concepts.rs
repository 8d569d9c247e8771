//! Back office: integration concepts (`/verwaltung/integrationskonzepte`)
//! with status history, fields of action, measures, documents and links.

use actix_web::{web, HttpResponse};
use serde::Serialize;

use super::flow::{self, EditPage, FormState};
use super::forms::{self, Errors};
use super::links::{parse_subject, related_bodies, role_and_note, subject_links, SubjectLink};
use super::{audit_views, choices, editable_bodies, AuditView, Choice};
use crate::auth::form::Fields;
use crate::auth::{Form, SessionUser, Staff, Viewer};
use crate::db::audit::Actor;
use crate::db::concepts::{self, Concept, ConceptInput, MeasureInput};
use crate::db::links::{self, Target};
use crate::db::models::Body;
use crate::db::Saved;
use crate::db::{self, DbConnection};
use crate::domain::{ConceptStatus, MeasureStatus};
use crate::error::AppError;
use crate::routes::parse_id;
use crate::state::AppState;
use diesel::QueryResult;

#[derive(Serialize)]
struct MeasureRow {
    id: i64,
    title: String,
    responsible: String,
    status: String,
    indicator: String,
    target: String,
}

#[derive(Serialize)]
struct FieldRow {
    id: i64,
    title: String,
    goals: String,
    measures: Vec<MeasureRow>,
}

#[derive(Serialize, Default)]
pub struct Page {
    concept: Option<Concept>,
    #[serde(flatten)]
    form: FormState,
    bodies: Vec<Body>,
    statuses: Vec<Choice>,
    measure_statuses: Vec<Choice>,
    roles: Vec<Choice>,
    predecessors: Vec<Choice>,
    fields: Vec<FieldRow>,
    links: Vec<SubjectLink>,
    files: Vec<crate::views::FileRow>,
    audit: Vec<AuditView>,
    upload_limit_mb: u64,
}

fn load_page(
    c: &mut DbConnection,
    me: &SessionUser,
    x: Option<&Concept>,
) -> Result<Page, AppError> {
    let bodies = editable_bodies(c, me)?;
    let mut page = Page {
        statuses: choices(ConceptStatus::ALL, ConceptStatus::key, ConceptStatus::label),
        measure_statuses: choices(MeasureStatus::ALL, MeasureStatus::key, MeasureStatus::label),
        roles: super::links::roles(),
        form: FormState {
            sub_values: serde_json::json!({}),
            ..Default::default()
        },
        ..Default::default()
    };
    let body_ids: Vec<i64> = match x {
        Some(x) => vec![x.body_id],
        None => bodies.iter().map(|b| b.id).collect(),
    };
    page.predecessors = concepts::list(c, Some(&body_ids), None)?
        .into_iter()
        .filter(|o| x.is_none_or(|x| x.id != o.id))
        .map(|o| Choice {
            value: o.id.to_string(),
            label: format!(
                "{}{}",
                o.title,
                o.edition.map(|e| format!(" ({e})")).unwrap_or_default()
            ),
        })
        .collect();
    page.bodies = bodies;
    if let Some(x) = x {
        let fields = concepts::fields(c, &[x.id])?;
        let fids: Vec<i64> = fields.iter().map(|f| f.id).collect();
        let measures = concepts::measures(c, &fids)?;
        page.fields = fields
            .iter()
            .map(|f| FieldRow {
                id: f.id,
                title: f.title.clone(),
                goals: f.goals.clone().unwrap_or_default(),
                measures: measures
                    .iter()
                    .filter(|m| m.field_id == f.id)
                    .map(|m| MeasureRow {
                        id: m.id,
                        title: m.title.clone(),
                        responsible: m.responsible.clone().unwrap_or_default(),
                        status: m.status.clone(),
                        indicator: m.indicator.clone().unwrap_or_default(),
                        target: m.target.clone().unwrap_or_default(),
                    })
                    .collect(),
            })
            .collect();
        let list = links::for_concept(c, x.id)?;
        let names: std::collections::HashMap<i64, String> =
            fields.iter().map(|f| (f.id, f.title.clone())).collect();
        page.links = subject_links(c, &list, &|l| {
            l.field_id
                .and_then(|f| names.get(&f))
                .map(|t| format!("Handlungsfeld {t}"))
                .unwrap_or_else(|| "ganzes Konzept".into())
        })?;
        let files = {
            use db::schema::files;
            use diesel::prelude::*;
            files::table
                .filter(files::concept_id.eq(x.id))
                .filter(files::deleted_at.is_null())
                .order(files::id)
                .select(db::models::File::as_select())
                .load(c)?
        };
        page.files = files.into_iter().map(crate::views::FileRow::of).collect();
        page.audit = audit_views(db::audit::for_entity(c, concepts::ENTITY, x.id)?);
        page.form.values = Concepts::values(x);
        page.concept = Some(x.clone());
    }
    Ok(page)
}

pub async fn list(state: web::Data<AppState>, me: Staff) -> Result<HttpResponse, AppError> {
    let me = me.0;
    let m2 = me.clone();
    let rows = state
        .db(move |c| {
            let bodies: Vec<i64> = editable_bodies(c, &m2)?.iter().map(|b| b.id).collect();
            let names: std::collections::HashMap<i64, String> = db::bodies::list(c)?
                .into_iter()
                .map(|b| (b.id, b.name))
                .collect();
            Ok(concepts::list(c, Some(&bodies), None)?
                .into_iter()
                .map(|x| {
                    serde_json::json!({
                        "id": x.id,
                        "title": x.title,
                        "edition": x.edition,
                        "status": x.status_label(),
                        "body": names.get(&x.body_id),
                    })
                })
                .collect::<Vec<_>>())
        })
        .await?;
    state.render_for(
        &Viewer(Some(me)),
        "admin/integration/concepts.html",
        &serde_json::json!({ "rows": rows }),
    )
}

pub async fn new_form(state: web::Data<AppState>, me: Staff) -> Result<HttpResponse, AppError> {
    let me = me.0;
    let m2 = me.clone();
    let page = state
        .db(move |c| {
            let mut page = load_page(c, &m2, None)?;
            page.form.values = serde_json::json!({
                "status": ConceptStatus::Drafting.key(),
                "status_datum": crate::base::dates::today().format("%Y-%m-%d").to_string(),
                "koerperschaft": page.bodies.first().map(|b| b.id.to_string()),
            });
            Ok(page)
        })
        .await?;
    state.render_for(&Viewer(Some(me)), "admin/integration/concept.html", &page)
}

/// The concept page as one `flow::EditPage`: create, update and sub-forms.
pub struct Concepts;

impl EditPage for Concepts {
    type Row = Concept;
    type Input = ConceptInput;
    type Page = Page;
    const TEMPLATE: &'static str = "admin/integration/concept.html";
    const ENTITY: &'static str = concepts::ENTITY;
    const LABELS: &'static [(&'static str, &'static str)] = &[
        ("titel", "Titel"),
        ("fassung", "Fassung"),
        ("status", "Status"),
        ("beschlossen_am", "beschlossen am"),
        ("kurzbeschreibung", "Kurzbeschreibung"),
        ("beteiligte", "Beteiligte"),
    ];

    fn address(id: i64) -> String {
        format!("/verwaltung/integrationskonzepte/{id}")
    }
    fn find(c: &mut DbConnection, me: &SessionUser, id: i64) -> Result<Concept, AppError> {
        let x =
            concepts::find(c, id)?.ok_or_else(|| AppError::not_found("Das Integrationskonzept"))?;
        me.require_body(x.body_id)?;
        Ok(x)
    }
    fn version(row: &Concept) -> i32 {
        row.version
    }
    fn values(x: &Concept) -> serde_json::Value {
        serde_json::json!({
            "titel": x.title,
            "fassung": x.edition,
            "status": x.status,
            "status_datum": crate::base::dates::today().format("%Y-%m-%d").to_string(),
            "beschlossen_am": x.adopted_on.map(|d| d.format("%Y-%m-%d").to_string()),
            "kurzbeschreibung": x.summary,
            "beteiligte": x.participants,
            "fortschreibung_von": x.supersedes_id.map(|i| i.to_string()),
            "version": x.version.to_string(),
        })
    }
    fn page(
        c: &mut DbConnection,
        me: &SessionUser,
        row: Option<&Concept>,
        state: &AppState,
    ) -> Result<Page, AppError> {
        let mut page = load_page(c, me, row)?;
        page.upload_limit_mb = state.settings.upload_limit_mb;
        Ok(page)
    }
    fn form(page: &mut Page) -> &mut FormState {
        &mut page.form
    }
    fn validate(
        c: &mut DbConnection,
        me: &SessionUser,
        f: &Fields,
        existing: Option<&Concept>,
    ) -> Result<(Option<ConceptInput>, Errors), AppError> {
        let mut e = Errors::new();
        let body_id = match existing {
            Some(x) => Some(x.body_id),
            None => match forms::opt_id(f, "koerperschaft", &mut e) {
                Some(b) if me.may_edit_body(b) && db::bodies::find(c, b)?.is_some() => Some(b),
                _ => {
                    e.insert(
                        "koerperschaft".into(),
                        "Bitte eine Körperschaft wählen, für die Sie zuständig sind.".into(),
                    );
                    None
                }
            },
        };
        let title = forms::required(f, "titel", "einen Titel", 300, &mut e);
        let edition = forms::optional(f, "fassung", 100, &mut e);
        let status = ConceptStatus::from_key(f.get("status"));
        if status.is_none() {
            e.insert("status".into(), "Bitte einen Status wählen.".into());
        }
        let status_on = forms::date(f, "status_datum", "das Datum des Status", &mut e);
        let status_note = forms::optional(f, "status_notiz", 500, &mut e);
        let adopted_on = if f.get("beschlossen_am").is_empty() {
            None
        } else {
            forms::date(f, "beschlossen_am", "das Beschlussdatum", &mut e)
        };
        if status == Some(ConceptStatus::Adopted)
            && adopted_on.is_none()
            && !e.contains_key("beschlossen_am")
        {
            e.insert(
                "beschlossen_am".into(),
                "Für ein beschlossenes Konzept bitte das Beschlussdatum angeben.".into(),
            );
        }
        let supersedes = forms::opt_id(f, "fortschreibung_von", &mut e);
        if let (Some(s), Some(b)) = (supersedes, body_id) {
            let ok = concepts::find(c, s)?
                .is_some_and(|o| o.body_id == b && existing.is_none_or(|x| x.id != o.id));
            if !ok {
                e.insert(
                    "fortschreibung_von".into(),
                    "Bitte ein anderes Konzept derselben Körperschaft wählen.".into(),
                );
            }
        }
        let summary = f.opt_text("kurzbeschreibung");
        let participants = f.opt_text("beteiligte");
        match (body_id, status, status_on, e.is_empty()) {
            (Some(body_id), Some(status), Some(status_on), true) => Ok((
                Some(ConceptInput {
                    body_id,
                    title,
                    edition,
                    status,
                    status_on,
                    status_note,
                    adopted_on,
                    summary,
                    participants,
                    supersedes_id: supersedes,
                }),
                e,
            )),
            _ => Ok((None, e)),
        }
    }
    fn create(c: &mut DbConnection, actor: &Actor, input: &ConceptInput) -> QueryResult<i64> {
        concepts::create(c, actor, input)
    }
    fn update(
        c: &mut DbConnection,
        actor: &Actor,
        id: i64,
        version: i32,
        input: &ConceptInput,
    ) -> QueryResult<Saved> {
        concepts::update(c, actor, id, version, input)
    }
    const KIND: &'static str = "Integrationskonzept";
    const LIST: &'static str = "/verwaltung/integrationskonzepte";
    fn describe(c: &mut DbConnection, row: &Concept) -> Result<(String, usize), AppError> {
        Ok((row.title.clone(), links::for_concept(c, row.id)?.len()))
    }
    fn delete(c: &mut DbConnection, actor: &Actor, row: &Concept) -> QueryResult<()> {
        concepts::delete(c, actor, row).map(|_| ())
    }
}

pub async fn create(
    state: web::Data<AppState>,
    _staff: Staff,
    form: Form,
) -> Result<HttpResponse, AppError> {
    flow::create::<Concepts>(state, form).await
}

#[derive(serde::Deserialize)]
pub struct EditQuery {
    gespeichert: Option<String>,
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
    let limit = state.settings.upload_limit_mb;
    let saved = query.gespeichert.is_some();
    let page = state
        .db(move |c| {
            let x = Concepts::find(c, &m2, id)?;
            let mut page = load_page(c, &m2, Some(&x))?;
            page.upload_limit_mb = limit;
            if saved {
                page.form.message = Some("Gespeichert.".into());
            }
            Ok(page)
        })
        .await?;
    state.render_for(&Viewer(Some(me)), "admin/integration/concept.html", &page)
}

pub async fn update(
    state: web::Data<AppState>,
    _staff: Staff,
    path: web::Path<String>,
    form: Form,
) -> Result<HttpResponse, AppError> {
    flow::update::<Concepts>(state, parse_id(&path)?, form).await
}

pub async fn save_field(
    state: web::Data<AppState>,
    _staff: Staff,
    path: web::Path<String>,
    form: Form,
) -> Result<HttpResponse, AppError> {
    let id = parse_id(&path)?;
    flow::sub_action::<Concepts, _>(state, id, form, "handlungsfelder", |c, me, x, f| {
        let mut e = Errors::new();
        let field_id = forms::opt_id(f, "feld", &mut e);
        if let Some(fid) = field_id {
            if concepts::find_field(c, fid)?.is_none_or(|f| f.concept_id != x.id) {
                e.insert(
                    "feld".into(),
                    "Dieses Handlungsfeld gehört nicht zu diesem Konzept.".into(),
                );
            }
        }
        let title = forms::required(f, "feld_titel", "den Namen des Handlungsfelds", 300, &mut e);
        let goals = f.opt_text("feld_ziele");
        if e.is_empty() {
            let actor = me.actor();
            crate::edit::write_transaction(c, |c| {
                concepts::save_field(c, &actor, x, field_id, &title, goals.as_deref())
                    .map_err(AppError::from)
            })?;
        }
        Ok(e)
    })
    .await
}

pub async fn remove_field(
    state: web::Data<AppState>,
    _staff: Staff,
    path: web::Path<(String, String)>,
    form: Form,
) -> Result<HttpResponse, AppError> {
    let (id, fid) = (parse_id(&path.0)?, parse_id(&path.1)?);
    flow::sub_action::<Concepts, _>(state, id, form, "handlungsfelder", move |c, me, x, _| {
        let f = concepts::find_field(c, fid)?
            .filter(|f| f.concept_id == x.id)
            .ok_or_else(|| AppError::not_found("Das Handlungsfeld"))?;
        let actor = me.actor();
        crate::edit::write_transaction(c, |c| {
            concepts::remove_field(c, &actor, x, &f).map_err(AppError::from)
        })?;
        Ok(Errors::new())
    })
    .await
}

pub async fn save_measure(
    state: web::Data<AppState>,
    _staff: Staff,
    path: web::Path<String>,
    form: Form,
) -> Result<HttpResponse, AppError> {
    let id = parse_id(&path)?;
    flow::sub_action::<Concepts, _>(state, id, form, "handlungsfelder", |c, me, x, f| {
        let mut e = Errors::new();
        let field = match forms::opt_id(f, "feld", &mut e) {
            Some(fid) => concepts::find_field(c, fid)?.filter(|f| f.concept_id == x.id),
            None => None,
        };
        if field.is_none() {
            e.insert(
                "feld".into(),
                "Bitte das Handlungsfeld der Maßnahme wählen.".into(),
            );
        }
        let measure_id = forms::opt_id(f, "massnahme", &mut e);
        if let (Some(mid), Some(fl)) = (measure_id, field.as_ref()) {
            if concepts::find_measure(c, mid)?.is_none_or(|m| m.field_id != fl.id) {
                e.insert(
                    "massnahme".into(),
                    "Diese Maßnahme gehört nicht zu diesem Handlungsfeld.".into(),
                );
            }
        }
        let title = forms::required(f, "m_titel", "die Maßnahme", 500, &mut e);
        let status = MeasureStatus::from_key(f.get("m_status"));
        if status.is_none() {
            e.insert(
                "m_status".into(),
                "Bitte den Stand der Maßnahme wählen.".into(),
            );
        }
        let input = MeasureInput {
            title,
            responsible: forms::optional(f, "m_verantwortlich", 300, &mut e),
            status: status.unwrap_or(MeasureStatus::Planned),
            indicator: forms::optional(f, "m_indikator", 300, &mut e),
            target: forms::optional(f, "m_zielwert", 300, &mut e),
        };
        if let (Some(fl), true) = (field, e.is_empty()) {
            let actor = me.actor();
            crate::edit::write_transaction(c, |c| {
                concepts::save_measure(c, &actor, x, &fl, measure_id, &input)
                    .map_err(AppError::from)
            })?;
        }
        Ok(e)
    })
    .await
}

pub async fn remove_measure(
    state: web::Data<AppState>,
    _staff: Staff,
    path: web::Path<(String, String)>,
    form: Form,
) -> Result<HttpResponse, AppError> {
    let (id, mid) = (parse_id(&path.0)?, parse_id(&path.1)?);
    flow::sub_action::<Concepts, _>(state, id, form, "handlungsfelder", move |c, me, x, _| {
        let m =
            concepts::find_measure(c, mid)?.ok_or_else(|| AppError::not_found("Die Maßnahme"))?;
        if concepts::find_field(c, m.field_id)?.is_none_or(|f| f.concept_id != x.id) {
            return Err(AppError::not_found("Die Maßnahme"));
        }
        let actor = me.actor();
        crate::edit::write_transaction(c, |c| {
            concepts::remove_measure(c, &actor, x, &m).map_err(AppError::from)
        })?;
        Ok(Errors::new())
    })
    .await
}

pub async fn add_link(
    state: web::Data<AppState>,
    _staff: Staff,
    path: web::Path<String>,
    form: Form,
) -> Result<HttpResponse, AppError> {
    let id = parse_id(&path)?;
    flow::sub_action::<Concepts, _>(state, id, form, "verknuepfungen", |c, me, x, f| {
        let mut e = Errors::new();
        let bodies = related_bodies(c, x.body_id)?;
        let subject = match parse_subject(c, f.get("vorlage"), &bodies)? {
            Ok(s) => Some(s),
            Err(msg) => {
                e.insert("vorlage".into(), msg);
                None
            }
        };
        let field = forms::opt_id(f, "feld", &mut e);
        let (role, note) = role_and_note(f, &mut e);
        let target = Target::Concept { concept: x.id, field };
        if let Some(s) = subject {
            if let Some(why) = links::refusal(c, s, target)? {
                e.insert("vorlage".into(), why);
            } else if let Some(b) = links::body_of(c, s)? {
                if !me.may_edit_body(b) && !me.may_edit_body(x.body_id) {
                    e.insert("vorlage".into(), "Diese Vorlage gehört zu einer Körperschaft, für die Ihr Konto nicht freigeschaltet ist.".into());
                }
            }
        }
        if let (Some(s), Some(r), true) = (subject, role, e.is_empty()) {
            let actor = me.actor();
            crate::edit::write_transaction(c, |c| {
                links::add(c, &actor, s, target, r, note.as_deref()).map_err(AppError::from)
            })?;
        }
        Ok(e)
    })
    .await
}

pub async fn upload(
    state: web::Data<AppState>,
    me: Staff,
    path: web::Path<String>,
    mp: actix_multipart::Multipart,
) -> Result<HttpResponse, AppError> {
    super::uploads::upload_to_concept(state, me, path, mp).await
}

pub async fn delete_confirm(
    state: web::Data<AppState>,
    me: Staff,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    flow::delete_confirm::<Concepts>(state, me.0, parse_id(&path)?).await
}

pub async fn delete(
    state: web::Data<AppState>,
    _staff: Staff,
    path: web::Path<String>,
    form: Form,
) -> Result<HttpResponse, AppError> {
    flow::delete::<Concepts>(state, parse_id(&path)?, form).await
}
