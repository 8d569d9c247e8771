//! Audited writes of the programme itself: the form's input, create,
//! update, soft delete and its modules. Every write records an audit entry.

use chrono::NaiveDate;
use diesel::prelude::*;

use super::{find, Module, Programme, ENTITY};
use crate::db::audit::{self, Actor};
use crate::db::schema::*;
use crate::db::Saved;
use crate::db::{now, DbConnection};

/// What the programme form submits.
#[derive(Debug, Clone)]
pub struct ProgrammeInput {
    pub body_id: i64,
    pub name: String,
    pub short_name: Option<String>,
    pub legal_basis: Option<String>,
    pub funder: Option<String>,
    pub granting_authority: Option<String>,
    pub period_from: Option<NaiveDate>,
    pub period_until: Option<NaiveDate>,
    pub total_fte_centi: Option<i32>,
    pub total_amount_cents: Option<i64>,
    pub fundable_unit_centi: Option<i32>,
    pub conditions: Option<String>,
    pub description: Option<String>,
}

pub(super) fn d(x: Option<NaiveDate>) -> Option<String> {
    x.map(|d| d.format("%d.%m.%Y").to_string())
}

fn snapshot(i: &ProgrammeInput) -> serde_json::Value {
    use crate::funding::{euro, fte};
    serde_json::json!({
        "Name": i.name,
        "Kurzname": i.short_name,
        "Rechtsgrundlage": i.legal_basis,
        "Fördermittelgeber": i.funder,
        "Bewilligungsbehörde": i.granting_authority,
        "Laufzeit von": d(i.period_from),
        "Laufzeit bis": d(i.period_until),
        "Stellen gesamt": i.total_fte_centi.map(|v| fte(v.into())),
        "Mittel gesamt": i.total_amount_cents.map(euro),
        "förderfähige Einheit": i.fundable_unit_centi.map(|v| fte(v.into())),
        "Bedingungen": i.conditions,
        "Beschreibung": i.description,
    })
}

pub fn input_of(p: &Programme) -> ProgrammeInput {
    ProgrammeInput {
        body_id: p.body_id,
        name: p.name.clone(),
        short_name: p.short_name.clone(),
        legal_basis: p.legal_basis.clone(),
        funder: p.funder.clone(),
        granting_authority: p.granting_authority.clone(),
        period_from: p.period_from,
        period_until: p.period_until,
        total_fte_centi: p.total_fte_centi,
        total_amount_cents: p.total_amount_cents,
        fundable_unit_centi: p.fundable_unit_centi,
        conditions: p.conditions.clone(),
        description: p.description.clone(),
    }
}

pub(super) fn record(
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

pub fn create(c: &mut DbConnection, actor: &Actor, i: &ProgrammeInput) -> QueryResult<i64> {
    let t = now();
    let id = diesel::insert_into(funding_programmes::table)
        .values((
            funding_programmes::body_id.eq(i.body_id),
            funding_programmes::name.eq(&i.name),
            funding_programmes::short_name.eq(&i.short_name),
            funding_programmes::legal_basis.eq(&i.legal_basis),
            funding_programmes::funder.eq(&i.funder),
            funding_programmes::granting_authority.eq(&i.granting_authority),
            funding_programmes::period_from.eq(i.period_from),
            funding_programmes::period_until.eq(i.period_until),
            funding_programmes::total_fte_centi.eq(i.total_fte_centi),
            funding_programmes::total_amount_cents.eq(i.total_amount_cents),
            funding_programmes::fundable_unit_centi.eq(i.fundable_unit_centi),
            funding_programmes::conditions.eq(&i.conditions),
            funding_programmes::description.eq(&i.description),
            funding_programmes::version.eq(1),
            funding_programmes::created_at.eq(t),
            funding_programmes::updated_at.eq(t),
        ))
        .returning(funding_programmes::id)
        .get_result(c)?;
    record(
        c,
        actor,
        "angelegt",
        id,
        format!("Förderprogramm angelegt: {}", i.name),
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
    i: &ProgrammeInput,
) -> QueryResult<Saved> {
    let Some(before) = find(c, id)? else {
        return Ok(Saved::Conflict);
    };
    let n = diesel::update(
        funding_programmes::table
            .filter(funding_programmes::id.eq(id))
            .filter(funding_programmes::version.eq(version)),
    )
    .set((
        funding_programmes::name.eq(&i.name),
        funding_programmes::short_name.eq(&i.short_name),
        funding_programmes::legal_basis.eq(&i.legal_basis),
        funding_programmes::funder.eq(&i.funder),
        funding_programmes::granting_authority.eq(&i.granting_authority),
        funding_programmes::period_from.eq(i.period_from),
        funding_programmes::period_until.eq(i.period_until),
        funding_programmes::total_fte_centi.eq(i.total_fte_centi),
        funding_programmes::total_amount_cents.eq(i.total_amount_cents),
        funding_programmes::fundable_unit_centi.eq(i.fundable_unit_centi),
        funding_programmes::conditions.eq(&i.conditions),
        funding_programmes::description.eq(&i.description),
        funding_programmes::version.eq(version + 1),
        funding_programmes::updated_at.eq(now()),
    ))
    .execute(c)?;
    if n == 0 {
        return Ok(Saved::Conflict);
    }
    record(
        c,
        actor,
        "geändert",
        id,
        format!("Förderprogramm geändert: {}", i.name),
        Some(snapshot(&input_of(&before))),
        Some(snapshot(i)),
    )?;
    Ok(Saved::Ok)
}

/// Bump the version after a change to the programme's parts (modules,
/// allocations, agreements, deadlines), so an open programme form
/// notices that something else changed.
pub(super) fn touch(c: &mut DbConnection, id: i64) -> QueryResult<()> {
    diesel::update(funding_programmes::table.find(id))
        .set((
            funding_programmes::version.eq(funding_programmes::version + 1),
            funding_programmes::updated_at.eq(now()),
        ))
        .execute(c)?;
    Ok(())
}

/// Soft-delete; links go, papers and TOPs stay. Returns removed links.
pub fn delete(c: &mut DbConnection, actor: &Actor, p: &Programme) -> QueryResult<usize> {
    let links =
        diesel::delete(integration_links::table.filter(integration_links::programme_id.eq(p.id)))
            .execute(c)?;
    diesel::update(funding_programmes::table.find(p.id))
        .set(funding_programmes::deleted_at.eq(Some(now())))
        .execute(c)?;
    record(
        c,
        actor,
        "gelöscht",
        p.id,
        format!(
            "Förderprogramm gelöscht: {} ({links} Verknüpfungen entfernt, Vorlagen bleiben)",
            p.name
        ),
        Some(snapshot(&input_of(p))),
        None,
    )?;
    Ok(links)
}

pub fn add_module(
    c: &mut DbConnection,
    actor: &Actor,
    p: &Programme,
    name: &str,
    description: Option<&str>,
) -> QueryResult<()> {
    let max: Option<i32> = programme_modules::table
        .filter(programme_modules::programme_id.eq(p.id))
        .select(diesel::dsl::max(programme_modules::position))
        .first(c)?;
    diesel::insert_into(programme_modules::table)
        .values((
            programme_modules::programme_id.eq(p.id),
            programme_modules::position.eq(max.unwrap_or(0) + 1),
            programme_modules::name.eq(name),
            programme_modules::description.eq(description),
        ))
        .execute(c)?;
    touch(c, p.id)?;
    record(
        c,
        actor,
        "angelegt",
        p.id,
        format!("Baustein „{name}“"),
        None,
        Some(serde_json::json!({"Baustein": name, "Beschreibung": description})),
    )
}

pub fn remove_module(
    c: &mut DbConnection,
    actor: &Actor,
    p: &Programme,
    m: &Module,
) -> QueryResult<()> {
    diesel::update(integration_links::table.filter(integration_links::module_id.eq(m.id)))
        .set(integration_links::module_id.eq(None::<i64>))
        .execute(c)?;
    diesel::delete(programme_modules::table.filter(programme_modules::id.eq(m.id))).execute(c)?;
    touch(c, p.id)?;
    record(
        c,
        actor,
        "entfernt",
        p.id,
        format!("Baustein „{}“ entfernt", m.name),
        Some(serde_json::json!({"Baustein": m.name})),
        None,
    )
}
