//! The record of import runs (`import_runs`): start, finish, reports, the
//! last successful run, and re-mapping stored result texts after
//! `mapping::RESULT_MAPPING` changed.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::Value;

use super::mapping;
use super::{Summary, BATCH};
use crate::db::schema::*;
use crate::db::{self, DbConnection};

/// The result mapping the stored texts were last mapped with: that of the
/// newest run that recorded one (runs before the mark existed: 1; no run
/// yet: nothing stored, nothing to re-map).
pub(super) fn mapped_with(c: &mut DbConnection) -> QueryResult<u32> {
    let ids: Vec<i64> = import_runs::table
        .filter(import_runs::summary.is_not_null())
        .order(import_runs::id.desc())
        .select(import_runs::id)
        .limit(20)
        .load(c)?;
    if ids.is_empty() {
        return Ok(mapping::RESULT_MAPPING);
    }
    for id in ids {
        let summary: Option<String> = import_runs::table
            .find(id)
            .select(import_runs::summary)
            .first(c)?;
        let v: Value = summary
            .and_then(|s| serde_json::from_str(&s).ok())
            .unwrap_or(Value::Null);
        match v.get("result_mapping").and_then(Value::as_u64) {
            // a run that ended before mapping: look further back
            Some(0) => continue,
            Some(n) => return Ok(u32::try_from(n).unwrap_or(u32::MAX)),
            None => return Ok(1),
        }
    }
    Ok(0)
}

/// Read the tallies of the stored result texts of imported agenda items
/// again, after `mapping::RESULT_MAPPING` changed. Items a clerk changed
/// after their import keep what the clerk entered.
pub fn remap_results(c: &mut DbConnection) -> anyhow::Result<usize> {
    type Row = (
        i64,
        Option<String>,
        Option<i32>,
        Option<i32>,
        Option<i32>,
        NaiveDateTime,
        NaiveDateTime,
    );
    let rows: Vec<Row> = agenda_items::table
        .inner_join(oparl_imports::table.on(oparl_imports::local_id.eq(agenda_items::id)))
        .filter(oparl_imports::kind.eq("AgendaItem"))
        .filter(agenda_items::result_text.is_not_null())
        .select((
            agenda_items::id,
            agenda_items::result_text,
            agenda_items::votes_yes,
            agenda_items::votes_no,
            agenda_items::votes_abstain,
            agenda_items::updated_at,
            oparl_imports::imported_at,
        ))
        .load(c)?;
    type Change = (i64, (Option<i32>, Option<i32>, Option<i32>));
    let changes: Vec<Change> = rows
        .into_iter()
        .filter(|r| r.5 <= r.6)
        .filter_map(|(id, text, yes, no, abstain, _, _)| {
            let new = mapping::tally(&text?);
            (new != (yes, no, abstain)).then_some((id, new))
        })
        .collect();
    for chunk in changes.chunks(BATCH) {
        crate::edit::write_transaction(c, |c| -> anyhow::Result<()> {
            for (id, (yes, no, abstain)) in chunk {
                diesel::update(agenda_items::table.find(*id))
                    .set((
                        agenda_items::votes_yes.eq(yes),
                        agenda_items::votes_no.eq(no),
                        agenda_items::votes_abstain.eq(abstain),
                    ))
                    .execute(c)?;
            }
            Ok(())
        })?;
    }
    Ok(changes.len())
}

/// The newest `limit` runs as German text (`gremium import laeufe`): start,
/// status, source, objects written and, for a cut run, where it was cut.
pub fn runs_report(c: &mut DbConnection, limit: i64) -> QueryResult<String> {
    let rows: Vec<(i64, String, NaiveDateTime, String, Option<String>)> = import_runs::table
        .order(import_runs::id.desc())
        .limit(limit.max(1))
        .select((
            import_runs::id,
            import_runs::source,
            import_runs::started_at,
            import_runs::status,
            import_runs::summary,
        ))
        .load(c)?;
    if rows.is_empty() {
        return Ok("Noch keine Importläufe.\n".into());
    }
    let mut out = String::new();
    for (id, source, started, status, summary) in rows {
        let v: Value = summary
            .as_deref()
            .and_then(|s| serde_json::from_str(s).ok())
            .unwrap_or(Value::Null);
        let written: u64 = v
            .get("counts")
            .and_then(Value::as_object)
            .map(|m| {
                m.values()
                    .map(|c| {
                        ["new", "updated", "deleted"]
                            .iter()
                            .filter_map(|k| c.get(*k).and_then(Value::as_u64))
                            .sum::<u64>()
                    })
                    .sum()
            })
            .unwrap_or(0);
        let cuts: Vec<&str> = v
            .get("cuts")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        out.push_str(&format!(
            "Lauf {id}  {}  {status:<15} {source}  ({written} Objekte geschrieben)\n",
            crate::base::dates::berlin(started).format("%d.%m.%Y %H:%M"),
        ));
        for c in cuts {
            out.push_str(&format!("    abgeschnitten: {c}\n"));
        }
    }
    Ok(out)
}

/// The last successful run of a source: its start, for `modified_since`.
pub fn last_success(c: &mut DbConnection, source: &str) -> QueryResult<Option<NaiveDateTime>> {
    import_runs::table
        .filter(import_runs::source.eq(source))
        .filter(import_runs::status.eq("ok"))
        .order(import_runs::started_at.desc())
        .select(import_runs::started_at)
        .first(c)
        .optional()
}

pub fn start_run(c: &mut DbConnection, source: &str) -> QueryResult<(i64, NaiveDateTime)> {
    let t = db::now();
    let id = db::quiet_transaction(c, |c| {
        diesel::insert_into(import_runs::table)
            .values((
                import_runs::source.eq(source),
                import_runs::started_at.eq(t),
                import_runs::status.eq("läuft"),
            ))
            .returning(import_runs::id)
            .get_result(c)
    })?;
    Ok((id, t))
}

pub fn finish_run(
    c: &mut DbConnection,
    id: i64,
    status: &str,
    summary: &Summary,
) -> QueryResult<()> {
    let json = serde_json::to_string(summary).unwrap_or_default();
    db::quiet_transaction(c, |c| {
        diesel::update(import_runs::table.find(id))
            .set((
                import_runs::finished_at.eq(Some(db::now())),
                import_runs::status.eq(status),
                import_runs::summary.eq(Some(json)),
            ))
            .execute(c)
            .map(|_| ())
    })
}
