//! `gremium import oparl <URL|DIR>`: OParl 1.0/1.1 data from another
//! council information system into ours. The source is read into an index
//! (`source.rs`), then written type by type in batches, each batch one
//! transaction, so a killed run leaves no half-written object. Every
//! imported row is recorded in `oparl_imports` with its OParl id and
//! `modified`: a second run changes only what changed, and a killed run
//! resumes without duplicates. Malformed objects are reported and skipped.

pub mod mapping;
pub mod source;

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::Value;

use crate::db::schema::*;
use crate::db::{self, DbConnection};
use source::{reference, references, text, Index, Problem};

const BATCH: usize = 500;

/// Counts per type.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct Counts {
    pub new: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub deleted: usize,
    pub skipped: usize,
}

#[derive(Debug, Default, serde::Serialize)]
pub struct Summary {
    pub documents: usize,
    pub counts: BTreeMap<&'static str, Counts>,
    pub problems: Vec<Problem>,
    /// where a limit stopped reading ("Liste …/meetings nach 10000 Seiten
    /// abgeschnitten"); any cut makes the run "unvollständig"
    pub cuts: Vec<String>,
    /// `mapping::RESULT_MAPPING` the stored result texts are mapped with
    /// (0: the run ended before they were checked)
    pub result_mapping: u32,
    /// agenda items whose result text was mapped again
    pub remapped: usize,
}

impl Summary {
    pub fn written(&self) -> usize {
        self.counts
            .values()
            .map(|c| c.new + c.updated + c.deleted)
            .sum()
    }
    pub fn seen(&self) -> usize {
        self.counts
            .values()
            .map(|c| c.new + c.updated + c.unchanged + c.deleted)
            .sum()
    }
    /// The German report printed at the end of a run.
    pub fn report(&self) -> String {
        let mut out = format!("{} Dokumente gelesen.\n", self.documents);
        if self.remapped > 0 {
            out.push_str(&format!(
                "{} gespeicherte Abstimmungsergebnisse neu gelesen (Zuordnung Version {}).\n",
                self.remapped, self.result_mapping
            ));
        }
        out.push_str("Typ              neu  geändert  unverändert  gelöscht  übersprungen\n");
        for (k, c) in &self.counts {
            out.push_str(&format!(
                "{k:<16} {:>4} {:>9} {:>12} {:>9} {:>13}\n",
                c.new, c.updated, c.unchanged, c.deleted, c.skipped
            ));
        }
        if self.problems.is_empty() {
            out.push_str("Keine Probleme.\n");
        } else {
            out.push_str(&format!("{} Probleme:\n", self.problems.len()));
            for p in self.problems.iter().take(200) {
                out.push_str(&format!("  {}: {}\n", p.at, p.what));
            }
            if self.problems.len() > 200 {
                out.push_str(&format!("  … und {} weitere\n", self.problems.len() - 200));
            }
        }
        if !self.cuts.is_empty() {
            out.push_str(&format!(
                "Lauf unvollständig – an Grenzen abgeschnitten ({}):\n",
                self.cuts.len()
            ));
            for c in &self.cuts {
                out.push_str(&format!("  {c}\n"));
            }
            out.push_str("Was bis dahin gelesen war, ist übernommen.\n");
        }
        out
    }
}

/// What is known about imported objects: OParl id → (type, our id, modified).
#[derive(Default)]
struct Known {
    map: HashMap<String, (String, i64, Option<String>)>,
}

impl Known {
    fn load(c: &mut DbConnection) -> QueryResult<Known> {
        let rows: Vec<(String, String, i64, Option<String>)> = oparl_imports::table
            .select((
                oparl_imports::oparl_id,
                oparl_imports::kind,
                oparl_imports::local_id,
                oparl_imports::modified,
            ))
            .load(c)?;
        Ok(Known {
            map: rows
                .into_iter()
                .map(|(o, k, l, m)| (o, (k, l, m)))
                .collect(),
        })
    }
    fn local(&self, kind: &str, id: &str) -> Option<i64> {
        self.map
            .get(id)
            .filter(|(k, _, _)| k == kind)
            .map(|(_, l, _)| *l)
    }
    fn record(
        &mut self,
        c: &mut DbConnection,
        kind: &str,
        id: &str,
        local: i64,
        modified: Option<&str>,
    ) -> QueryResult<()> {
        let t = db::now();
        if self.map.contains_key(id) {
            diesel::update(oparl_imports::table.filter(oparl_imports::oparl_id.eq(id)))
                .set((
                    oparl_imports::local_id.eq(local),
                    oparl_imports::modified.eq(modified),
                    oparl_imports::imported_at.eq(t),
                ))
                .execute(c)?;
        } else {
            diesel::insert_into(oparl_imports::table)
                .values((
                    oparl_imports::kind.eq(kind),
                    oparl_imports::oparl_id.eq(id),
                    oparl_imports::local_id.eq(local),
                    oparl_imports::modified.eq(modified),
                    oparl_imports::imported_at.eq(t),
                ))
                .execute(c)?;
        }
        self.map.insert(
            id.to_string(),
            (kind.to_string(), local, modified.map(str::to_string)),
        );
        Ok(())
    }
}

/// What one object turns into.
enum Plan<T> {
    Write(T),
    Skip(String),
}

struct Ctx<'a> {
    index: &'a Index,
    known: Known,
    summary: Summary,
    /// the only body, for objects that do not name theirs
    single_body: Option<i64>,
    org_body: HashMap<i64, i64>,
    meeting_body: HashMap<i64, i64>,
    holds_meetings: std::collections::HashSet<String>,
    /// (meeting, TOP number) → agenda item, to put "3.1" under "3"
    item_numbers: HashMap<(i64, String), i64>,
    progress: &'a dyn Fn(&str, usize, usize),
}

fn times(v: &Value) -> (NaiveDateTime, NaiveDateTime) {
    let now = db::now();
    let created = text(v, "created")
        .and_then(|s| mapping::datetime(&s))
        .unwrap_or(now);
    let modified = text(v, "modified")
        .and_then(|s| mapping::datetime(&s))
        .unwrap_or(created);
    (created, modified)
}

/// `modified` of an object; objects without one are compared by content.
fn modified_of(v: &Value) -> Option<String> {
    use sha2::{Digest, Sha256};
    text(v, "modified").or_else(|| {
        // without what the reader added itself (where it was found)
        let mut own = v.clone();
        if let Some(m) = own.as_object_mut() {
            let injected: Vec<String> = m
                .get("_injected")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|x| x.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default();
            for k in injected {
                m.remove(&k);
            }
            m.remove("_parent");
            m.remove("_injected");
        }
        let digest = Sha256::digest(own.to_string().as_bytes());
        Some(format!("#{}", &hex::encode(digest)[..24]))
    })
}

fn is_deleted(v: &Value) -> bool {
    v.get("deleted").and_then(Value::as_bool).unwrap_or(false)
}

impl Ctx<'_> {
    fn counts(&mut self, kind: &'static str) -> &mut Counts {
        self.summary.counts.entry(kind).or_default()
    }

    fn problem(&mut self, at: &str, what: String) {
        self.summary.problems.push(Problem {
            at: at.to_string(),
            what,
        });
    }

    /// The body of an object: its `body`, its parent's, its
    /// organization's, or the only body there is.
    fn body_of(&self, v: &Value, depth: usize) -> Option<i64> {
        for field in ["body", "bodies"] {
            if let Some(b) = reference(v, field).and_then(|b| self.known.local("Body", &b)) {
                return Some(b);
            }
        }
        if depth < 4 {
            for field in [
                "organization",
                "meeting",
                "paper",
                "agendaItem",
                "person",
                "_parent",
            ] {
                for r in references(v, field) {
                    if let Some(kind) = self.index.kinds.get(&r) {
                        if let Some(l) = self.known.local(kind, &r) {
                            match *kind {
                                "Organization" => {
                                    if let Some(b) = self.org_body.get(&l) {
                                        return Some(*b);
                                    }
                                }
                                "Meeting" => {
                                    if let Some(b) = self.meeting_body.get(&l) {
                                        return Some(*b);
                                    }
                                }
                                "Body" => return Some(l),
                                _ => {}
                            }
                        }
                    }
                    if let Some(parent) = self.index.objects.get(&r) {
                        if let Some(b) = self.body_of(parent, depth + 1) {
                            return Some(b);
                        }
                    }
                }
            }
        }
        self.single_body
    }
}

/// Run the import of `index` into the database.
pub fn import_index(
    c: &mut DbConnection,
    index: &Index,
    progress: &dyn Fn(&str, usize, usize),
) -> anyhow::Result<Summary> {
    let mut ctx = Ctx {
        index,
        known: Known::load(c)?,
        summary: Summary {
            documents: index.documents,
            problems: index.problems.clone(),
            cuts: index.cuts.clone(),
            ..Default::default()
        },
        single_body: None,
        org_body: HashMap::new(),
        meeting_body: HashMap::new(),
        holds_meetings: Default::default(),
        item_numbers: HashMap::new(),
        progress,
    };
    for id in index.of_kind("Meeting") {
        if let Some(v) = index.objects.get(&id) {
            ctx.holds_meetings.extend(references(v, "organization"));
        }
    }
    if mapped_with(c)? < mapping::RESULT_MAPPING {
        ctx.summary.remapped = remap_results(c)?;
    }
    ctx.summary.result_mapping = mapping::RESULT_MAPPING;
    bodies(c, &mut ctx)?;
    simple_kinds(c, &mut ctx)?;
    meetings_and_items(c, &mut ctx)?;
    papers(c, &mut ctx)?;
    consultations(c, &mut ctx)?;
    files(c, &mut ctx)?;
    Ok(ctx.summary)
}

/// Turns one OParl object into a row (or a reason to skip it).
type Planner<'p, T> = dyn FnMut(&mut DbConnection, &mut Ctx, &Value) -> QueryResult<Plan<T>> + 'p;
/// Runs after an object was written (links, back-references).
type After<'p> = dyn FnMut(&mut DbConnection, &mut Ctx, i64, &Value) -> QueryResult<()> + 'p;

/// Write the objects of one type in batches of one transaction each.
#[allow(clippy::too_many_arguments)]
fn run_kind<T>(
    c: &mut DbConnection,
    ctx: &mut Ctx,
    kind: &'static str,
    ids: &[String],
    plan: &mut Planner<T>,
    insert: &dyn Fn(&mut DbConnection, &T) -> QueryResult<i64>,
    update: &dyn Fn(&mut DbConnection, i64, &T) -> QueryResult<()>,
    soft_delete: &dyn Fn(&mut DbConnection, i64) -> QueryResult<()>,
    after: &mut After,
) -> anyhow::Result<()> {
    let total = ids.len();
    for (n, chunk) in ids.chunks(BATCH).enumerate() {
        // objects that need no write are settled outside any transaction
        let todo: Vec<&String> = chunk
            .iter()
            .filter(|id| {
                let Some(v) = ctx.index.objects.get(*id) else {
                    return false;
                };
                let modified = modified_of(v);
                let same = ctx
                    .known
                    .map
                    .get(*id)
                    .is_some_and(|(k, _, m)| k == kind && m.is_some() && *m == modified);
                if same {
                    ctx.counts(kind).unchanged += 1;
                    return false;
                }
                if is_deleted(v) && ctx.known.local(kind, id).is_none() {
                    // deleted at the source and never imported: nothing to do
                    ctx.counts(kind).unchanged += 1;
                    return false;
                }
                true
            })
            .collect();
        if !todo.is_empty() {
            crate::edit::write_transaction_when(c, |c| -> anyhow::Result<((), bool)> {
                let mut changed = false;
                for id in &todo {
                    let Some(v) = ctx.index.objects.get(*id) else {
                        continue;
                    };
                    let modified = modified_of(v);
                    let existing = ctx.known.local(kind, id);
                    if is_deleted(v) {
                        if let Some(l) = existing {
                            soft_delete(c, l)?;
                            changed = true;
                            ctx.known.record(c, kind, id, l, modified.as_deref())?;
                            ctx.counts(kind).deleted += 1;
                        }
                        continue;
                    }
                    match plan(c, ctx, v)? {
                        Plan::Skip(why) => {
                            ctx.counts(kind).skipped += 1;
                            ctx.problem(id, why);
                        }
                        Plan::Write(row) => {
                            let local = match existing {
                                Some(l) => {
                                    update(c, l, &row)?;
                                    ctx.counts(kind).updated += 1;
                                    l
                                }
                                None => {
                                    let l = insert(c, &row)?;
                                    ctx.counts(kind).new += 1;
                                    l
                                }
                            };
                            ctx.known.record(c, kind, id, local, modified.as_deref())?;
                            after(c, ctx, local, v)?;
                            changed = true;
                        }
                    }
                }
                Ok(((), changed))
            })?;
        }
        (ctx.progress)(kind, ((n + 1) * BATCH).min(total), total);
    }
    Ok(())
}

macro_rules! soft_delete {
    ($t:ident) => {
        &|c: &mut DbConnection, id: i64| {
            diesel::update($t::table.find(id))
                .set($t::deleted_at.eq(Some(db::now())))
                .execute(c)
                .map(|_| ())
        }
    };
}

macro_rules! update_row {
    ($t:ident, $row:ty) => {
        &|c: &mut DbConnection, id: i64, r: &$row| {
            diesel::update($t::table.find(id))
                .set(r)
                .execute(c)
                .map(|_| ())
        }
    };
}

fn no_after(_: &mut DbConnection, _: &mut Ctx, _: i64, _: &Value) -> QueryResult<()> {
    Ok(())
}

// Declared after the macros above, which the writers use.
mod agenda;
mod documents;
mod runs;
mod structure;

use agenda::meetings_and_items;
use documents::{consultations, files, papers};
use runs::mapped_with;
pub use runs::{finish_run, last_success, remap_results, runs_report, start_run};
use structure::{bodies, simple_kinds};
