//! Audited writes of a programme's parts: allocations (saved as a whole
//! table), agreements and deadlines, and removing one of them. Each bumps
//! the programme's version.

use chrono::NaiveDate;
use diesel::prelude::*;

use super::write::{d, record, touch};
use super::{allocations, Allocation, Programme};
use crate::db::audit::Actor;
use crate::db::schema::*;
use crate::db::Saved;
use crate::db::{now, DbConnection};
use crate::domain::{AgreementKind, DeadlineKind};

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
