//! Integration concepts: the concept itself, its status history, fields
//! of action (Handlungsfelder) and their measures. Reads and the
//! back-office writes (each with its audit entry).

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use super::audit::{self, Actor};
use super::schema::*;
use super::Saved;
use super::{now, DbConnection};
use crate::domain::{ConceptStatus, MeasureStatus};

pub const ENTITY: &str = "Integrationskonzept";

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = integration_concepts)]
pub struct Concept {
    pub id: i64,
    pub body_id: i64,
    pub title: String,
    pub edition: Option<String>,
    pub status: String,
    pub adopted_on: Option<NaiveDate>,
    pub summary: Option<String>,
    pub participants: Option<String>,
    pub supersedes_id: Option<i64>,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub deleted_at: Option<NaiveDateTime>,
}

impl Concept {
    pub fn status_label(&self) -> &str {
        ConceptStatus::from_key(&self.status)
            .map(|s| s.label())
            .unwrap_or(&self.status)
    }
    /// Participating institutions, one per line or comma-separated.
    pub fn participant_list(&self) -> Vec<String> {
        split_list(self.participants.as_deref())
    }
}

pub fn split_list(s: Option<&str>) -> Vec<String> {
    s.unwrap_or("")
        .split(['\n', ';'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = concept_status_changes)]
pub struct StatusChange {
    pub id: i64,
    pub concept_id: i64,
    pub status: String,
    pub changed_on: NaiveDate,
    pub note: Option<String>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = concept_fields)]
pub struct Field {
    pub id: i64,
    pub concept_id: i64,
    pub position: i32,
    pub title: String,
    pub goals: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = concept_measures)]
pub struct Measure {
    pub id: i64,
    pub field_id: i64,
    pub position: i32,
    pub title: String,
    pub responsible: Option<String>,
    pub status: String,
    pub indicator: Option<String>,
    pub target: Option<String>,
}

pub fn find(c: &mut DbConnection, id: i64) -> QueryResult<Option<Concept>> {
    integration_concepts::table
        .find(id)
        .filter(integration_concepts::deleted_at.is_null())
        .select(Concept::as_select())
        .first(c)
        .optional()
}

/// Live concepts, optionally of some bodies and in one status; newest
/// first within a body.
pub fn list(
    c: &mut DbConnection,
    bodies: Option<&[i64]>,
    status: Option<&str>,
) -> QueryResult<Vec<Concept>> {
    let mut q = integration_concepts::table
        .filter(integration_concepts::deleted_at.is_null())
        .into_boxed();
    if let Some(b) = bodies {
        q = q.filter(integration_concepts::body_id.eq_any(b.to_vec()));
    }
    if let Some(s) = status {
        q = q.filter(integration_concepts::status.eq(s.to_string()));
    }
    q.order((integration_concepts::title, integration_concepts::id.desc()))
        .select(Concept::as_select())
        .load(c)
}

pub fn by_ids(c: &mut DbConnection, ids: &[i64]) -> QueryResult<HashMap<i64, Concept>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(integration_concepts::table
        .filter(integration_concepts::id.eq_any(ids.to_vec()))
        .filter(integration_concepts::deleted_at.is_null())
        .select(Concept::as_select())
        .load(c)?
        .into_iter()
        .map(|x| (x.id, x))
        .collect())
}

pub fn history(c: &mut DbConnection, id: i64) -> QueryResult<Vec<StatusChange>> {
    concept_status_changes::table
        .filter(concept_status_changes::concept_id.eq(id))
        .order((
            concept_status_changes::changed_on,
            concept_status_changes::id,
        ))
        .select(StatusChange::as_select())
        .load(c)
}

pub fn fields(c: &mut DbConnection, concept_ids: &[i64]) -> QueryResult<Vec<Field>> {
    if concept_ids.is_empty() {
        return Ok(Vec::new());
    }
    concept_fields::table
        .filter(concept_fields::concept_id.eq_any(concept_ids.to_vec()))
        .order((
            concept_fields::concept_id,
            concept_fields::position,
            concept_fields::id,
        ))
        .select(Field::as_select())
        .load(c)
}

pub fn find_field(c: &mut DbConnection, id: i64) -> QueryResult<Option<Field>> {
    concept_fields::table
        .find(id)
        .select(Field::as_select())
        .first(c)
        .optional()
}

pub fn measures(c: &mut DbConnection, field_ids: &[i64]) -> QueryResult<Vec<Measure>> {
    concept_measures::table
        .filter(concept_measures::field_id.eq_any(field_ids.to_vec()))
        .order((
            concept_measures::field_id,
            concept_measures::position,
            concept_measures::id,
        ))
        .select(Measure::as_select())
        .load(c)
}

pub fn find_measure(c: &mut DbConnection, id: i64) -> QueryResult<Option<Measure>> {
    concept_measures::table
        .find(id)
        .select(Measure::as_select())
        .first(c)
        .optional()
}

/// What the concept form submits.
#[derive(Debug, Clone)]
pub struct ConceptInput {
    pub body_id: i64,
    pub title: String,
    pub edition: Option<String>,
    pub status: ConceptStatus,
    /// when the status was reached (history entry on change)
    pub status_on: NaiveDate,
    pub status_note: Option<String>,
    pub adopted_on: Option<NaiveDate>,
    pub summary: Option<String>,
    pub participants: Option<String>,
    pub supersedes_id: Option<i64>,
}

fn snapshot(i: &ConceptInput) -> serde_json::Value {
    serde_json::json!({
        "Titel": i.title,
        "Fassung": i.edition,
        "Status": i.status.label(),
        "beschlossen am": i.adopted_on.map(|d| d.format("%d.%m.%Y").to_string()),
        "Kurzbeschreibung": i.summary,
        "Beteiligte": i.participants,
    })
}

pub fn input_of(x: &Concept) -> ConceptInput {
    ConceptInput {
        body_id: x.body_id,
        title: x.title.clone(),
        edition: x.edition.clone(),
        status: ConceptStatus::from_key(&x.status).unwrap_or(ConceptStatus::Drafting),
        status_on: x.updated_at.date(),
        status_note: None,
        adopted_on: x.adopted_on,
        summary: x.summary.clone(),
        participants: x.participants.clone(),
        supersedes_id: x.supersedes_id,
    }
}

fn record(
    c: &mut DbConnection,
    actor: &Actor,
    action: &str,
    id: i64,
    summary: String,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
) -> QueryResult<()> {
    audit::record_entity(c, actor, ENTITY, action, id, summary, before, after)
}

fn add_history(
    c: &mut DbConnection,
    id: i64,
    status: ConceptStatus,
    on: NaiveDate,
    note: Option<&str>,
) -> QueryResult<()> {
    diesel::insert_into(concept_status_changes::table)
        .values((
            concept_status_changes::concept_id.eq(id),
            concept_status_changes::status.eq(status.key()),
            concept_status_changes::changed_on.eq(on),
            concept_status_changes::note.eq(note),
            concept_status_changes::created_at.eq(now()),
        ))
        .execute(c)?;
    Ok(())
}

pub fn create(c: &mut DbConnection, actor: &Actor, i: &ConceptInput) -> QueryResult<i64> {
    let t = now();
    let id = diesel::insert_into(integration_concepts::table)
        .values((
            integration_concepts::body_id.eq(i.body_id),
            integration_concepts::title.eq(&i.title),
            integration_concepts::edition.eq(&i.edition),
            integration_concepts::status.eq(i.status.key()),
            integration_concepts::adopted_on.eq(i.adopted_on),
            integration_concepts::summary.eq(&i.summary),
            integration_concepts::participants.eq(&i.participants),
            integration_concepts::supersedes_id.eq(i.supersedes_id),
            integration_concepts::version.eq(1),
            integration_concepts::created_at.eq(t),
            integration_concepts::updated_at.eq(t),
        ))
        .returning(integration_concepts::id)
        .get_result(c)?;
    add_history(c, id, i.status, i.status_on, i.status_note.as_deref())?;
    record(
        c,
        actor,
        "angelegt",
        id,
        format!("Integrationskonzept angelegt: {}", i.title),
        None,
        Some(snapshot(i)),
    )?;
    Ok(id)
}

pub fn update(
    c: &mut DbConnection,
    actor: &Actor,
    id: i64,
    version: i32,
    i: &ConceptInput,
) -> QueryResult<Saved> {
    let Some(before) = find(c, id)? else {
        return Ok(Saved::Conflict);
    };
    let n = diesel::update(
        integration_concepts::table
            .filter(integration_concepts::id.eq(id))
            .filter(integration_concepts::version.eq(version)),
    )
    .set((
        integration_concepts::title.eq(&i.title),
        integration_concepts::edition.eq(&i.edition),
        integration_concepts::status.eq(i.status.key()),
        integration_concepts::adopted_on.eq(i.adopted_on),
        integration_concepts::summary.eq(&i.summary),
        integration_concepts::participants.eq(&i.participants),
        integration_concepts::supersedes_id.eq(i.supersedes_id),
        integration_concepts::version.eq(version + 1),
        integration_concepts::updated_at.eq(now()),
    ))
    .execute(c)?;
    if n == 0 {
        return Ok(Saved::Conflict);
    }
    if before.status != i.status.key() {
        add_history(c, id, i.status, i.status_on, i.status_note.as_deref())?;
    }
    record(
        c,
        actor,
        "geändert",
        id,
        format!("Integrationskonzept geändert: {}", i.title),
        Some(snapshot(&input_of(&before))),
        Some(snapshot(i)),
    )?;
    Ok(Saved::Ok)
}

/// Soft-delete the concept; its links go, the papers and TOPs stay.
/// Returns how many links were removed.
pub fn delete(c: &mut DbConnection, actor: &Actor, x: &Concept) -> QueryResult<usize> {
    let links =
        diesel::delete(integration_links::table.filter(integration_links::concept_id.eq(x.id)))
            .execute(c)?;
    diesel::update(integration_concepts::table.find(x.id))
        .set(integration_concepts::deleted_at.eq(Some(now())))
        .execute(c)?;
    record(
        c,
        actor,
        "gelöscht",
        x.id,
        format!(
            "Integrationskonzept gelöscht: {} ({links} Verknüpfungen entfernt, Vorlagen bleiben)",
            x.title
        ),
        Some(snapshot(&input_of(x))),
        None,
    )?;
    Ok(links)
}

fn next_position(c: &mut DbConnection, concept_id: i64) -> QueryResult<i32> {
    let max: Option<i32> = concept_fields::table
        .filter(concept_fields::concept_id.eq(concept_id))
        .select(diesel::dsl::max(concept_fields::position))
        .first(c)?;
    Ok(max.unwrap_or(0) + 1)
}

pub fn save_field(
    c: &mut DbConnection,
    actor: &Actor,
    concept: &Concept,
    field_id: Option<i64>,
    title: &str,
    goals: Option<&str>,
) -> QueryResult<()> {
    match field_id {
        Some(fid) => {
            diesel::update(
                concept_fields::table
                    .filter(concept_fields::id.eq(fid))
                    .filter(concept_fields::concept_id.eq(concept.id)),
            )
            .set((
                concept_fields::title.eq(title),
                concept_fields::goals.eq(goals),
            ))
            .execute(c)?;
        }
        None => {
            let pos = next_position(c, concept.id)?;
            diesel::insert_into(concept_fields::table)
                .values((
                    concept_fields::concept_id.eq(concept.id),
                    concept_fields::position.eq(pos),
                    concept_fields::title.eq(title),
                    concept_fields::goals.eq(goals),
                ))
                .execute(c)?;
        }
    }
    record(
        c,
        actor,
        if field_id.is_some() {
            "geändert"
        } else {
            "angelegt"
        },
        concept.id,
        format!("Handlungsfeld „{title}“"),
        None,
        Some(serde_json::json!({"Handlungsfeld": title, "Ziele": goals})),
    )
}

/// Remove a field of action with its measures; links to it keep the
/// concept but lose the field.
pub fn remove_field(
    c: &mut DbConnection,
    actor: &Actor,
    concept: &Concept,
    f: &Field,
) -> QueryResult<()> {
    diesel::update(integration_links::table.filter(integration_links::field_id.eq(f.id)))
        .set(integration_links::field_id.eq(None::<i64>))
        .execute(c)?;
    diesel::delete(concept_measures::table.filter(concept_measures::field_id.eq(f.id)))
        .execute(c)?;
    diesel::delete(concept_fields::table.filter(concept_fields::id.eq(f.id))).execute(c)?;
    record(
        c,
        actor,
        "entfernt",
        concept.id,
        format!("Handlungsfeld „{}“ entfernt", f.title),
        Some(serde_json::json!({"Handlungsfeld": f.title})),
        None,
    )
}

#[derive(Debug, Clone)]
pub struct MeasureInput {
    pub title: String,
    pub responsible: Option<String>,
    pub status: MeasureStatus,
    pub indicator: Option<String>,
    pub target: Option<String>,
}

pub fn save_measure(
    c: &mut DbConnection,
    actor: &Actor,
    concept: &Concept,
    field: &Field,
    measure_id: Option<i64>,
    m: &MeasureInput,
) -> QueryResult<()> {
    match measure_id {
        Some(mid) => {
            diesel::update(
                concept_measures::table
                    .filter(concept_measures::id.eq(mid))
                    .filter(concept_measures::field_id.eq(field.id)),
            )
            .set((
                concept_measures::title.eq(&m.title),
                concept_measures::responsible.eq(&m.responsible),
                concept_measures::status.eq(m.status.key()),
                concept_measures::indicator.eq(&m.indicator),
                concept_measures::target.eq(&m.target),
            ))
            .execute(c)?;
        }
        None => {
            let max: Option<i32> = concept_measures::table
                .filter(concept_measures::field_id.eq(field.id))
                .select(diesel::dsl::max(concept_measures::position))
                .first(c)?;
            diesel::insert_into(concept_measures::table)
                .values((
                    concept_measures::field_id.eq(field.id),
                    concept_measures::position.eq(max.unwrap_or(0) + 1),
                    concept_measures::title.eq(&m.title),
                    concept_measures::responsible.eq(&m.responsible),
                    concept_measures::status.eq(m.status.key()),
                    concept_measures::indicator.eq(&m.indicator),
                    concept_measures::target.eq(&m.target),
                ))
                .execute(c)?;
        }
    }
    record(
        c,
        actor,
        if measure_id.is_some() {
            "geändert"
        } else {
            "angelegt"
        },
        concept.id,
        format!("Maßnahme „{}“ im Handlungsfeld „{}“", m.title, field.title),
        None,
        Some(serde_json::json!({
            "Maßnahme": m.title,
            "verantwortlich": m.responsible,
            "Status": m.status.label(),
            "Indikator": m.indicator,
            "Zielwert": m.target,
        })),
    )
}

pub fn remove_measure(
    c: &mut DbConnection,
    actor: &Actor,
    concept: &Concept,
    m: &Measure,
) -> QueryResult<()> {
    diesel::delete(concept_measures::table.filter(concept_measures::id.eq(m.id))).execute(c)?;
    record(
        c,
        actor,
        "entfernt",
        concept.id,
        format!("Maßnahme „{}“ entfernt", m.title),
        Some(serde_json::json!({"Maßnahme": m.title})),
        None,
    )
}
