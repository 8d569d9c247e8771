//! Funding programmes: modules, allocations per participant (with pools
//! and waivers), agreements between bodies and deadlines. Reads and the
//! back-office writes (each with its audit entry).

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use super::schema::*;
use super::DbConnection;
use crate::domain::DeadlineKind;
use crate::funding::{Frame, Share};

mod parts;
mod write;

pub use parts::{
    add_agreement, add_deadline, input_of_allocation, insert_allocation, remove_part,
    save_allocations, AgreementInput, AllocationInput, Part,
};
pub use write::{add_module, create, delete, input_of, remove_module, update, ProgrammeInput};

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

pub fn modules_by_id(c: &mut DbConnection, id: i64) -> QueryResult<Option<Module>> {
    programme_modules::table
        .find(id)
        .select(Module::as_select())
        .first(c)
        .optional()
}
