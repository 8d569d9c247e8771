//! Integration concepts (`/integrationskonzepte`): the list with body and
//! status filters, the detail page with fields of action, measures, files
//! and the timeline of linked papers and TOPs, and its CSV export.

use std::collections::HashMap;

use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};

use super::{body_filter, body_options, csv_response, timeline_csv, Named, Option_};
use crate::auth::Viewer;
use crate::db::concepts::{self, Concept};
use crate::db::links::Link as DbLink;
use crate::db::{self, DbConnection};
use crate::domain::{ConceptStatus, MeasureStatus};
use crate::error::AppError;
use crate::routes::{parse_id, shorten};
use crate::state::AppState;
use crate::views::{self, timeline};

#[derive(Deserialize)]
pub struct ListQuery {
    koerperschaft: Option<String>,
    status: Option<String>,
}

#[derive(Serialize)]
struct ConceptRow {
    url: String,
    title: String,
    edition: Option<String>,
    body: String,
    status: String,
    adopted: Option<String>,
    fields: usize,
}

pub async fn concepts_list(
    state: web::Data<AppState>,
    viewer: Viewer,
    q: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let q = q.into_inner();
    let status = match q.status.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(s) => Some(ConceptStatus::from_key(s).ok_or_else(|| {
            AppError::bad_request(format!(
                "Den Status „{}“ gibt es nicht. Bitte einen aus der Liste wählen.",
                shorten(s)
            ))
        })?),
    };
    let ctx = state
        .db(move |c| {
            let all = db::bodies::list(c)?;
            let body = body_filter(&all, &q.koerperschaft)?;
            let everything = concepts::list(c, None, None)?;
            let used: Vec<i64> = everything.iter().map(|x| x.body_id).collect();
            let ids: Vec<i64> = body.iter().map(|b| b.id).collect();
            let list = concepts::list(
                c,
                body.as_ref().map(|_| ids.as_slice()),
                status.map(|s| s.key()),
            )?;
            let kids: Vec<i64> = list.iter().map(|x| x.id).collect();
            let fields = concepts::fields(c, &kids)?;
            let names: HashMap<i64, String> = all.iter().map(|b| (b.id, b.name.clone())).collect();
            Ok(serde_json::json!({
                "rows": list.iter().map(|x| ConceptRow {
                    url: format!("/integrationskonzepte/{}", x.id),
                    title: x.title.clone(),
                    edition: x.edition.clone(),
                    body: names.get(&x.body_id).cloned().unwrap_or_default(),
                    status: x.status_label().to_string(),
                    adopted: x.adopted_on.map(crate::base::dates::date),
                    fields: fields.iter().filter(|f| f.concept_id == x.id).count(),
                }).collect::<Vec<_>>(),
                "bodies": body_options(&all, &used, body.as_ref()),
                "statuses": ConceptStatus::ALL.iter().map(|s| Option_ {
                    value: s.key().into(),
                    label: s.label().into(),
                    selected: Some(*s) == status,
                }).collect::<Vec<_>>(),
                "filtered": body.is_some() || status.is_some(),
            }))
        })
        .await?;
    state.render_for(&viewer, "integration/concepts.html", &ctx)
}

#[derive(Serialize)]
struct MeasureView {
    title: String,
    responsible: Option<String>,
    status: &'static str,
    indicator: Option<String>,
    target: Option<String>,
}

#[derive(Serialize)]
struct FieldView {
    id: i64,
    title: String,
    goals: Option<String>,
    measures: Vec<MeasureView>,
}

#[derive(Serialize)]
struct FileView {
    url: String,
    name: String,
    size: String,
}

fn concept_page(
    c: &mut DbConnection,
    viewer: &Viewer,
    id: i64,
) -> Result<(serde_json::Value, Vec<timeline::Entry>), AppError> {
    let x = concepts::find(c, id)?.ok_or_else(|| AppError::not_found("Das Integrationskonzept"))?;
    let body = db::bodies::find(c, x.body_id)?;
    let fields = concepts::fields(c, &[x.id])?;
    let fids: Vec<i64> = fields.iter().map(|f| f.id).collect();
    let measures = concepts::measures(c, &fids)?;
    let field_names: HashMap<i64, String> =
        fields.iter().map(|f| (f.id, f.title.clone())).collect();
    let links = db::links::for_concept(c, x.id)?;
    let label = |l: &DbLink| {
        l.field_id
            .and_then(|f| field_names.get(&f))
            .map(|t| format!("Handlungsfeld {t}"))
    };
    let entries = timeline::build(c, viewer, &links, &label)?;
    let history = concepts::history(c, x.id)?;
    let supersedes = match x.supersedes_id {
        Some(s) => concepts::find(c, s)?,
        None => None,
    };
    let successors: Vec<Concept> = concepts::list(c, Some(&[x.body_id]), None)?
        .into_iter()
        .filter(|o| o.supersedes_id == Some(x.id))
        .collect();
    let audience = viewer.audience(x.body_id, &[]);
    let files = {
        use crate::db::schema::files;
        use diesel::prelude::*;
        let list: Vec<crate::db::models::File> = files::table
            .filter(files::concept_id.eq(x.id))
            .filter(files::deleted_at.is_null())
            .order(files::id)
            .select(crate::db::models::File::as_select())
            .load(c)?;
        crate::access::files::visible_files(c, list, audience)?
    };
    let ctx = serde_json::json!({
        "id": x.id,
        "title": x.title,
        "edition": x.edition,
        "status": x.status_label(),
        "status_key": x.status,
        "adopted": x.adopted_on.map(crate::base::dates::date),
        "summary": x.summary,
        "participants": x.participant_list(),
        "body": body.map(|b| Named { url: format!("/koerperschaften/{}", b.key), name: b.name }),
        "supersedes": supersedes.map(|s| Named { url: format!("/integrationskonzepte/{}", s.id), name: format!("{}{}", s.title, s.edition.map(|e| format!(" ({e})")).unwrap_or_default()) }),
        "successors": successors.iter().map(|s| Named { url: format!("/integrationskonzepte/{}", s.id), name: format!("{}{}", s.title, s.edition.clone().map(|e| format!(" ({e})")).unwrap_or_default()) }).collect::<Vec<_>>(),
        "history": history.iter().map(|h| serde_json::json!({
            "date": crate::base::dates::date(h.changed_on),
            "iso": h.changed_on.format("%Y-%m-%d").to_string(),
            "status": ConceptStatus::from_key(&h.status).map(|s| s.label()).unwrap_or(&h.status),
            "note": h.note,
        })).collect::<Vec<_>>(),
        "fields": fields.iter().map(|f| FieldView {
            id: f.id,
            title: f.title.clone(),
            goals: f.goals.clone(),
            measures: measures.iter().filter(|m| m.field_id == f.id).map(|m| MeasureView {
                title: m.title.clone(),
                responsible: m.responsible.clone(),
                status: MeasureStatus::from_key(&m.status).map(|s| s.label()).unwrap_or(""),
                indicator: m.indicator.clone(),
                target: m.target.clone(),
            }).collect(),
        }).collect::<Vec<_>>(),
        "files": files.iter().map(|f| FileView {
            url: crate::base::urls::file_url(f.id, &f.file_name),
            name: f.name.clone(),
            size: views::human_size(f.size),
        }).collect::<Vec<_>>(),
        "timeline": entries,
        "staff": viewer.user().is_some_and(|u| u.may_edit_body(x.body_id)),
    });
    Ok((ctx, entries))
}

pub async fn concept_show(
    state: web::Data<AppState>,
    viewer: Viewer,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = parse_id(&path)?;
    let v = viewer.clone();
    let (ctx, _) = state.db(move |c| concept_page(c, &v, id)).await?;
    state.render_for(&viewer, "integration/concept.html", &ctx)
}

pub async fn concept_csv(
    state: web::Data<AppState>,
    viewer: Viewer,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = parse_id(&path)?;
    let v = viewer.clone();
    let (_, entries) = state.db(move |c| concept_page(c, &v, id)).await?;
    let body = timeline_csv(state.base_url.trim_end_matches('/'), &entries);
    Ok(csv_response(
        &viewer,
        &format!("integrationskonzept-{id}-verknuepfungen.csv"),
        body,
    ))
}
