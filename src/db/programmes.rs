//! Funding programmes: modules, allocations per participant (with pools
//! and waivers), agreements between bodies and deadlines. Reads and the
//! back-office writes (each with its audit entry).

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use super::audit::{self, Actor};
use super::schema::*;
use super::Saved;
use super::{now, DbConnection};
use crate::domain::{AgreementKind, DeadlineKind};
use crate::funding::{Frame, Share};

pub const ENTITY: &str = "Förderprogramm";

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = funding_programmes)]
pub struct Programme {
    pub id: i64,
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
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub deleted_at: Option<NaiveDateTime>,
}

impl Programme {
    pub fn frame(&self) -> Frame {
        Frame {
            total: self.total_fte_centi.map(i64::from),
            unit: self.fundable_unit_centi.map(i64::from),
        }
    }
    /// "geplant", "läuft" or "beendet" on the given day.
    pub fn phase(&self, today: NaiveDate) -> &'static str {
        match (self.period_from, self.period_until) {
            (Some(f), _) if today < f => "geplant",
            (_, Some(u)) if today > u => "beendet",
            _ => "läuft",
        }
    }
    pub fn display_name(&self) -> String {
        match &self.short_name {
            Some(s) if !s.is_empty() => format!("{} ({s})", self.name),
            _ => self.name.clone(),
        }
    }
}

/// Phases a list can be filtered by.
pub const PHASES: &[(&str, &str)] = &[
    ("geplant", "geplant"),
    ("laeuft", "läuft"),
    ("beendet", "beendet"),
];

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = programme_modules)]
pub struct Module {
    pub id: i64,
    pub programme_id: i64,
    pub position: i32,
    pub name: String,
    pub description: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = programme_allocations)]
pub struct Allocation {
    pub id: i64,
    pub programme_id: i64,
    pub position: i32,
    pub body_id: Option<i64>,
    pub participant: String,
    pub pool: Option<String>,
    pub computed_centi: Option<i32>,
    pub waived_centi: Option<i32>,
    pub waived_to_pool: Option<String>,
    pub fundable_centi: Option<i32>,
    pub agreed_centi: Option<i32>,
    pub amount_cents: Option<i64>,
    pub note: Option<String>,
}

impl Allocation {
    pub fn share(&self) -> Share {
        share_of(self)
    }
}

fn share_of(a: &Allocation) -> Share {
    Share {
        participant: a.participant.clone(),
        pool: a.pool.clone(),
        computed: a.computed_centi.map(i64::from),
        waived: a.waived_centi.map(i64::from),
        waived_to_pool: a.waived_to_pool.clone(),
        agreed: a.agreed_centi.map(i64::from),
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = programme_agreements)]
pub struct Agreement {
    pub id: i64,
    pub programme_id: i64,
    pub kind: String,
    pub title: String,
    pub parties: String,
    pub forwards_from: Option<String>,
    pub forwards_to: Option<String>,
    pub concluded_on: Option<NaiveDate>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = programme_deadlines)]
pub struct Deadline {
    pub id: i64,
    pub programme_id: i64,
    pub due_on: NaiveDate,
    pub kind: String,
    pub title: String,
}

impl Deadline {
    pub fn kind_label(&self) -> &str {
        DeadlineKind::from_key(&self.kind)
            .map(|k| k.label())
            .unwrap_or(&self.kind)
    }
}

pub fn find(c: &mut DbConnection, id: i64) -> QueryResult<Option<Programme>> {
    funding_programmes::table
        .find(id)
        .filter(funding_programmes::deleted_at.is_null())
        .select(Programme::as_select())
        .first(c)
        .optional()
}

pub fn by_ids(c: &mut DbConnection, ids: &[i64]) -> QueryResult<HashMap<i64, Programme>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(funding_programmes::table
        .filter(funding_programmes::id.eq_any(ids.to_vec()))
        .filter(funding_programmes::deleted_at.is_null())
        .select(Programme::as_select())
        .load(c)?
        .into_iter()
        .map(|x| (x.id, x))
        .collect())
}

/// All live programmes, by name.
pub fn all(c: &mut DbConnection) -> QueryResult<Vec<Programme>> {
    funding_programmes::table
        .filter(funding_programmes::deleted_at.is_null())
        .order((funding_programmes::name, funding_programmes::id))
        .select(Programme::as_select())
        .load(c)
}

/// Programme id → bodies taking part: the administering body and every
/// body with an allocation.
pub fn participants(
    c: &mut DbConnection,
    programme_ids: &[i64],
) -> QueryResult<HashMap<i64, Vec<i64>>> {
    let mut out: HashMap<i64, Vec<i64>> = HashMap::new();
    let admin: Vec<(i64, i64)> = funding_programmes::table
        .filter(funding_programmes::id.eq_any(programme_ids.to_vec()))
        .select((funding_programmes::id, funding_programmes::body_id))
        .load(c)?;
    let alloc: Vec<(i64, Option<i64>)> = programme_allocations::table
        .filter(programme_allocations::programme_id.eq_any(programme_ids.to_vec()))
        .select((
            programme_allocations::programme_id,
            programme_allocations::body_id,
        ))
        .load(c)?;
    for (p, b) in admin
        .into_iter()
        .chain(alloc.into_iter().filter_map(|(p, b)| Some((p, b?))))
    {
        let v = out.entry(p).or_default();
        if !v.contains(&b) {
            v.push(b);
        }
    }
    Ok(out)
}

pub fn modules(c: &mut DbConnection, programme_ids: &[i64]) -> QueryResult<Vec<Module>> {
    if programme_ids.is_empty() {
        return Ok(Vec::new());
    }
    programme_modules::table
        .filter(programme_modules::programme_id.eq_any(programme_ids.to_vec()))
        .order((
            programme_modules::programme_id,
            programme_modules::position,
            programme_modules::id,
        ))
        .select(Module::as_select())
        .load(c)
}

pub fn allocations(c: &mut DbConnection, programme_id: i64) -> QueryResult<Vec<Allocation>> {
    programme_allocations::table
        .filter(programme_allocations::programme_id.eq(programme_id))
        .order((programme_allocations::position, programme_allocations::id))
        .select(Allocation::as_select())
        .load(c)
}

pub fn agreements(c: &mut DbConnection, programme_id: i64) -> QueryResult<Vec<Agreement>> {
    programme_agreements::table
        .filter(programme_agreements::programme_id.eq(programme_id))
        .order((programme_agreements::concluded_on, programme_agreements::id))
        .select(Agreement::as_select())
        .load(c)
}

pub fn deadlines(c: &mut DbConnection, programme_id: i64) -> QueryResult<Vec<Deadline>> {
    programme_deadlines::table
        .filter(programme_deadlines::programme_id.eq(programme_id))
        .order((programme_deadlines::due_on, programme_deadlines::id))
        .select(Deadline::as_select())
        .load(c)
}

/// Deadlines in `[from, until]` of the live programmes the given bodies
/// take part in (all programmes when `bodies` is None), by date.
pub fn deadlines_for(
    c: &mut DbConnection,
    bodies: Option<&[i64]>,
    from: NaiveDate,
    until: NaiveDate,
) -> QueryResult<Vec<(Deadline, Programme)>> {
    let rows: Vec<Deadline> = programme_deadlines::table
        .filter(programme_deadlines::due_on.ge(from))
        .filter(programme_deadlines::due_on.le(until))
        .order((programme_deadlines::due_on, programme_deadlines::id))
        .select(Deadline::as_select())
        .load(c)?;
    let ids: Vec<i64> = rows.iter().map(|d| d.programme_id).collect();
    let progs = by_ids(c, &ids)?;
    let parts = participants(c, &ids)?;
    Ok(rows
        .into_iter()
        .filter_map(|d| {
            let p = progs.get(&d.programme_id)?.clone();
            let ok = match bodies {
                None => true,
                Some(b) => parts
                    .get(&p.id)
                    .is_some_and(|v| v.iter().any(|x| b.contains(x))),
            };
            ok.then_some((d, p))
        })
        .collect())
}

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

fn d(x: Option<NaiveDate>) -> Option<String> {
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
fn touch(c: &mut DbConnection, id: i64) -> QueryResult<()> {
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

/// One allocation row as the form submits it.
#[derive(Debug, Clone, Default)]
pub struct AllocationInput {
    pub body_id: Option<i64>,
    pub participant: String,
    pub pool: Option<String>,
    pub computed_centi: Option<i32>,
    pub waived_centi: Option<i32>,
    pub waived_to_pool: Option<String>,
    pub fundable_centi: Option<i32>,
    pub agreed_centi: Option<i32>,
    pub amount_cents: Option<i64>,
    pub note: Option<String>,
}

fn allocations_json(rows: &[AllocationInput]) -> serde_json::Value {
    use crate::funding::{euro, fte};
    let f = |v: Option<i32>| v.map(|v| fte(v.into())).unwrap_or_default();
    serde_json::Value::Object(
        rows.iter()
            .map(|r| {
                (
                    r.participant.clone(),
                    serde_json::Value::String(format!(
                        "Rechenanteil {}, Verbund {}, Verzicht {}{}, förderfähig {}, vereinbart {}, Betrag {}",
                        f(r.computed_centi),
                        r.pool.clone().unwrap_or_else(|| "–".into()),
                        f(r.waived_centi),
                        r.waived_to_pool
                            .as_deref()
                            .map(|p| format!(" zugunsten {p}"))
                            .unwrap_or_default(),
                        f(r.fundable_centi),
                        f(r.agreed_centi),
                        r.amount_cents.map(euro).unwrap_or_default()
                    )),
                )
            })
            .collect(),
    )
}

pub fn input_of_allocation(a: &Allocation) -> AllocationInput {
    AllocationInput {
        body_id: a.body_id,
        participant: a.participant.clone(),
        pool: a.pool.clone(),
        computed_centi: a.computed_centi,
        waived_centi: a.waived_centi,
        waived_to_pool: a.waived_to_pool.clone(),
        fundable_centi: a.fundable_centi,
        agreed_centi: a.agreed_centi,
        amount_cents: a.amount_cents,
        note: a.note.clone(),
    }
}

/// Replace all allocations of a programme (the table is edited as a
/// whole). The caller has checked the pooling rules; guarded by the
/// programme's version.
pub fn save_allocations(
    c: &mut DbConnection,
    actor: &Actor,
    p: &Programme,
    version: i32,
    rows: &[AllocationInput],
) -> QueryResult<Saved> {
    let n = diesel::update(
        funding_programmes::table
            .filter(funding_programmes::id.eq(p.id))
            .filter(funding_programmes::version.eq(version)),
    )
    .set((
        funding_programmes::version.eq(version + 1),
        funding_programmes::updated_at.eq(now()),
    ))
    .execute(c)?;
    if n == 0 {
        return Ok(Saved::Conflict);
    }
    let before: Vec<AllocationInput> = allocations(c, p.id)?
        .iter()
        .map(input_of_allocation)
        .collect();
    diesel::delete(
        programme_allocations::table.filter(programme_allocations::programme_id.eq(p.id)),
    )
    .execute(c)?;
    for (i, r) in rows.iter().enumerate() {
        insert_allocation(c, p.id, i as i32 + 1, r)?;
    }
    record(
        c,
        actor,
        "geändert",
        p.id,
        format!("Zuteilungen von {} gespeichert", p.name),
        Some(allocations_json(&before)),
        Some(allocations_json(rows)),
    )?;
    Ok(Saved::Ok)
}

pub fn insert_allocation(
    c: &mut DbConnection,
    programme_id: i64,
    position: i32,
    r: &AllocationInput,
) -> QueryResult<()> {
    diesel::insert_into(programme_allocations::table)
        .values((
            programme_allocations::programme_id.eq(programme_id),
            programme_allocations::position.eq(position),
            programme_allocations::body_id.eq(r.body_id),
            programme_allocations::participant.eq(&r.participant),
            programme_allocations::pool.eq(&r.pool),
            programme_allocations::computed_centi.eq(r.computed_centi),
            programme_allocations::waived_centi.eq(r.waived_centi),
            programme_allocations::waived_to_pool.eq(&r.waived_to_pool),
            programme_allocations::fundable_centi.eq(r.fundable_centi),
            programme_allocations::agreed_centi.eq(r.agreed_centi),
            programme_allocations::amount_cents.eq(r.amount_cents),
            programme_allocations::note.eq(&r.note),
        ))
        .execute(c)?;
    Ok(())
}

#[derive(Debug, Clone)]
pub struct AgreementInput {
    pub kind: AgreementKind,
    pub title: String,
    pub parties: String,
    pub forwards_from: Option<String>,
    pub forwards_to: Option<String>,
    pub concluded_on: Option<NaiveDate>,
    pub note: Option<String>,
}

pub fn add_agreement(
    c: &mut DbConnection,
    actor: &Actor,
    p: &Programme,
    a: &AgreementInput,
) -> QueryResult<()> {
    diesel::insert_into(programme_agreements::table)
        .values((
            programme_agreements::programme_id.eq(p.id),
            programme_agreements::kind.eq(a.kind.key()),
            programme_agreements::title.eq(&a.title),
            programme_agreements::parties.eq(&a.parties),
            programme_agreements::forwards_from.eq(&a.forwards_from),
            programme_agreements::forwards_to.eq(&a.forwards_to),
            programme_agreements::concluded_on.eq(a.concluded_on),
            programme_agreements::note.eq(&a.note),
        ))
        .execute(c)?;
    touch(c, p.id)?;
    record(
        c,
        actor,
        "angelegt",
        p.id,
        format!("{} „{}“", a.kind.label(), a.title),
        None,
        Some(serde_json::json!({
            "Art": a.kind.label(),
            "Titel": a.title,
            "Beteiligte": a.parties,
            "leitet weiter": a.forwards_from,
            "an": a.forwards_to,
            "geschlossen am": d(a.concluded_on),
        })),
    )
}

pub fn add_deadline(
    c: &mut DbConnection,
    actor: &Actor,
    p: &Programme,
    due_on: NaiveDate,
    kind: DeadlineKind,
    title: &str,
) -> QueryResult<()> {
    diesel::insert_into(programme_deadlines::table)
        .values((
            programme_deadlines::programme_id.eq(p.id),
            programme_deadlines::due_on.eq(due_on),
            programme_deadlines::kind.eq(kind.key()),
            programme_deadlines::title.eq(title),
        ))
        .execute(c)?;
    touch(c, p.id)?;
    record(
        c,
        actor,
        "angelegt",
        p.id,
        format!("Frist „{title}“ am {}", due_on.format("%d.%m.%Y")),
        None,
        Some(
            serde_json::json!({"Frist": title, "Art": kind.label(), "fällig am": due_on.format("%d.%m.%Y").to_string()}),
        ),
    )
}

/// A removable part of a programme.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Agreement,
    Deadline,
}

impl Part {
    /// German name, for messages and the change log.
    pub fn label(self) -> &'static str {
        match self {
            Part::Agreement => "Vereinbarung",
            Part::Deadline => "Frist",
        }
    }
}

/// Remove an agreement or a deadline of `p`; false if it is not one of its.
pub fn remove_part(
    c: &mut DbConnection,
    actor: &Actor,
    p: &Programme,
    part: Part,
    id: i64,
) -> QueryResult<bool> {
    let title: Option<String> = match part {
        Part::Agreement => programme_agreements::table
            .filter(programme_agreements::id.eq(id))
            .filter(programme_agreements::programme_id.eq(p.id))
            .select(programme_agreements::title)
            .first(c)
            .optional()?,
        Part::Deadline => programme_deadlines::table
            .filter(programme_deadlines::id.eq(id))
            .filter(programme_deadlines::programme_id.eq(p.id))
            .select(programme_deadlines::title)
            .first(c)
            .optional()?,
    };
    let Some(title) = title else { return Ok(false) };
    match part {
        Part::Agreement => diesel::delete(programme_agreements::table.find(id)).execute(c)?,
        Part::Deadline => diesel::delete(programme_deadlines::table.find(id)).execute(c)?,
    };
    touch(c, p.id)?;
    let label = part.label();
    record(
        c,
        actor,
        "entfernt",
        p.id,
        format!("{label} „{title}“ entfernt"),
        Some(serde_json::Value::Object(
            [(label.to_string(), serde_json::Value::String(title.clone()))]
                .into_iter()
                .collect(),
        )),
        None,
    )?;
    Ok(true)
}

pub fn modules_by_id(c: &mut DbConnection, id: i64) -> QueryResult<Option<Module>> {
    programme_modules::table
        .find(id)
        .select(Module::as_select())
        .first(c)
        .optional()
}
