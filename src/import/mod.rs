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

use crate::db::insert::*;
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

fn slug(s: &str) -> String {
    let mut out = String::new();
    for ch in s.to_lowercase().chars() {
        let mapped = match ch {
            'ä' => "ae".to_string(),
            'ö' => "oe".to_string(),
            'ü' => "ue".to_string(),
            'ß' => "ss".to_string(),
            c if c.is_ascii_alphanumeric() => c.to_string(),
            _ => "-".to_string(),
        };
        out.push_str(&mapped);
    }
    let parts: Vec<&str> = out.split('-').filter(|p| !p.is_empty()).collect();
    parts.join("-").chars().take(60).collect()
}

fn unique_key(c: &mut DbConnection, base: &str) -> QueryResult<String> {
    let base = if base.is_empty() {
        "koerperschaft"
    } else {
        base
    };
    let mut key = base.to_string();
    let mut n = 2;
    while db::bodies::find_by_key(c, &key)?.is_some() {
        key = format!("{base}-{n}");
        n += 1;
    }
    Ok(key)
}

fn bodies(c: &mut DbConnection, ctx: &mut Ctx) -> anyhow::Result<()> {
    let ids = ctx.index.of_kind("Body");
    // bodies referenced but not delivered (e.g. a saved subset): placeholders
    let mut referenced: Vec<String> = Vec::new();
    for kind in ["Organization", "Paper", "Person", "LegislativeTerm"] {
        for id in ctx.index.of_kind(kind) {
            if let Some(b) = ctx
                .index
                .objects
                .get(&id)
                .and_then(|v| reference(v, "body"))
            {
                if !ctx.index.objects.contains_key(&b) && !referenced.contains(&b) {
                    referenced.push(b);
                }
            }
        }
    }
    referenced.sort();
    let mut plan = |c: &mut DbConnection, _: &mut Ctx, v: &Value| -> QueryResult<Plan<NewBody>> {
        let (created, modified) = times(v);
        let id = text(v, "id").unwrap_or_default();
        let name = text(v, "name").unwrap_or_else(|| format!("Körperschaft {id}"));
        let web_key = text(v, "web")
            .and_then(|w| {
                w.trim_end_matches('/')
                    .rsplit('/')
                    .next()
                    .map(str::to_string)
            })
            .filter(|k| {
                k.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            })
            .filter(|k| !k.is_empty());
        let key = match web_key {
            Some(k) if db::bodies::find_by_key(c, &k)?.is_none() => k,
            _ => unique_key(c, &slug(&text(v, "shortName").unwrap_or(name.clone())))?,
        };
        let ags = text(v, "ags").map(|a| {
            if a.len() == 7 && a.chars().all(|c| c.is_ascii_digit()) {
                format!("0{a}")
            } else {
                a
            }
        });
        Ok(Plan::Write(NewBody {
            key,
            short_name: text(v, "shortName").unwrap_or_else(|| name.clone()),
            name,
            kind: mapping::body_kind(text(v, "classification").as_deref())
                .key()
                .into(),
            parent_body_id: None,
            website: text(v, "website"),
            ags,
            created_at: created,
            updated_at: modified,
        }))
    };
    // an update keeps the key (URLs of the portal stay stable)
    let update = &|c: &mut DbConnection, id: i64, r: &NewBody| {
        diesel::update(bodies::table.find(id))
            .set((
                bodies::name.eq(&r.name),
                bodies::short_name.eq(&r.short_name),
                bodies::kind.eq(&r.kind),
                bodies::website.eq(&r.website),
                bodies::ags.eq(&r.ags),
                bodies::updated_at.eq(r.updated_at),
            ))
            .execute(c)
            .map(|_| ())
    };
    run_kind(
        c,
        ctx,
        "Body",
        &ids,
        &mut plan,
        &insert_body,
        update,
        soft_delete!(bodies),
        &mut no_after,
    )?;
    // placeholders for bodies only referenced
    let missing: Vec<String> = referenced
        .into_iter()
        .filter(|b| ctx.known.local("Body", b).is_none())
        .collect();
    if !missing.is_empty() {
        crate::edit::write_transaction(c, |c| -> anyhow::Result<()> {
            for b in &missing {
                let host = url::Url::parse(b)
                    .ok()
                    .map(|u| format!("{}{}", u.host_str().unwrap_or(""), u.path()))
                    .unwrap_or_else(|| b.clone());
                let t = db::now();
                let key = unique_key(c, &slug(&host))?;
                let id = insert_body(
                    c,
                    &NewBody {
                        key,
                        name: format!("Körperschaft {host}"),
                        short_name: host.clone(),
                        kind: "stadt".into(),
                        parent_body_id: None,
                        website: None,
                        ags: None,
                        created_at: t,
                        updated_at: t,
                    },
                )?;
                ctx.known.record(c, "Body", b, id, None)?;
                ctx.counts("Body").new += 1;
                ctx.problem(b, "Körperschaft nur verwiesen, nicht geliefert: als Platzhalter angelegt (Name bitte in der Verwaltung anpassen)".into());
            }
            Ok(())
        })?;
    }
    let all: Vec<i64> = ctx
        .known
        .map
        .values()
        .filter(|(k, _, _)| k == "Body")
        .map(|(_, l, _)| *l)
        .collect();
    let mut distinct = all.clone();
    distinct.sort();
    distinct.dedup();
    ctx.single_body = if distinct.len() == 1 {
        Some(distinct[0])
    } else {
        None
    };
    Ok(())
}

fn simple_kinds(c: &mut DbConnection, ctx: &mut Ctx) -> anyhow::Result<()> {
    // legislative terms
    let ids = ctx.index.of_kind("LegislativeTerm");
    let mut plan =
        |_: &mut DbConnection, ctx: &mut Ctx, v: &Value| -> QueryResult<Plan<NewLegislativeTerm>> {
            let (created, modified) = times(v);
            let Some(body) = ctx.body_of(v, 0) else {
                return Ok(Plan::Skip(
                    "Wahlperiode ohne erkennbare Körperschaft".into(),
                ));
            };
            let Some(start) = text(v, "startDate").and_then(|s| mapping::date(&s)) else {
                return Ok(Plan::Skip("Wahlperiode ohne gültiges startDate".into()));
            };
            Ok(Plan::Write(NewLegislativeTerm {
                body_id: body,
                name: text(v, "name").unwrap_or_else(|| "Wahlperiode".into()),
                start_date: start,
                end_date: text(v, "endDate").and_then(|s| mapping::date(&s)),
                created_at: created,
                updated_at: modified,
            }))
        };
    run_kind(
        c,
        ctx,
        "LegislativeTerm",
        &ids,
        &mut plan,
        &insert_legislative_term,
        update_row!(legislative_terms, NewLegislativeTerm),
        soft_delete!(legislative_terms),
        &mut no_after,
    )?;

    // locations
    let ids = ctx.index.of_kind("Location");
    let mut plan =
        |_: &mut DbConnection, ctx: &mut Ctx, v: &Value| -> QueryResult<Plan<NewLocation>> {
            let (created, modified) = times(v);
            let Some(body) = ctx.body_of(v, 0) else {
                return Ok(Plan::Skip("Ort ohne erkennbare Körperschaft".into()));
            };
            let street = text(v, "streetAddress");
            let description = text(v, "description")
                .or_else(|| street.clone())
                .or_else(|| text(v, "room"))
                .unwrap_or_else(|| "Ort".into());
            Ok(Plan::Write(NewLocation {
                body_id: body,
                description,
                room: text(v, "room"),
                street_address: street,
                postal_code: text(v, "postalCode"),
                locality: text(v, "locality"),
                created_at: created,
                updated_at: modified,
            }))
        };
    run_kind(
        c,
        ctx,
        "Location",
        &ids,
        &mut plan,
        &insert_location,
        update_row!(locations, NewLocation),
        soft_delete!(locations),
        &mut no_after,
    )?;

    // organizations (parents in a second pass)
    let ids = ctx.index.of_kind("Organization");
    let mut plan =
        |_: &mut DbConnection, ctx: &mut Ctx, v: &Value| -> QueryResult<Plan<NewOrganization>> {
            let (created, modified) = times(v);
            let Some(name) = text(v, "name") else {
                return Ok(Plan::Skip("Organisation ohne Namen".into()));
            };
            let Some(body) = ctx.body_of(v, 0) else {
                return Ok(Plan::Skip(
                    "Organisation ohne erkennbare Körperschaft".into(),
                ));
            };
            let id = text(v, "id").unwrap_or_default();
            let kind = mapping::organization_kind(
                text(v, "organizationType").as_deref(),
                text(v, "classification").as_deref(),
                ctx.holds_meetings.contains(&id),
            );
            let location = reference(v, "location").and_then(|l| ctx.known.local("Location", &l));
            Ok(Plan::Write(NewOrganization {
                body_id: body,
                name,
                short_name: text(v, "shortName"),
                kind: kind.key().into(),
                parent_id: None,
                location_id: location,
                start_date: text(v, "startDate").and_then(|s| mapping::date(&s)),
                end_date: text(v, "endDate").and_then(|s| mapping::date(&s)),
                website: text(v, "website"),
                created_at: created,
                updated_at: modified,
            }))
        };
    let mut after =
        |_: &mut DbConnection, ctx: &mut Ctx, local: i64, v: &Value| -> QueryResult<()> {
            if let Some(b) = ctx.body_of(v, 0) {
                ctx.org_body.insert(local, b);
            }
            Ok(())
        };
    run_kind(
        c,
        ctx,
        "Organization",
        &ids,
        &mut plan,
        &insert_organization,
        update_row!(organizations, NewOrganization),
        soft_delete!(organizations),
        &mut after,
    )?;
    // bodies of organizations imported earlier (unchanged this time)
    let rows: Vec<(i64, i64)> = organizations::table
        .select((organizations::id, organizations::body_id))
        .load(c)?;
    ctx.org_body.extend(rows);
    let parents: HashMap<i64, Option<i64>> = organizations::table
        .select((organizations::id, organizations::parent_id))
        .load::<(i64, Option<i64>)>(c)?
        .into_iter()
        .collect();
    let changes: Vec<(i64, i64)> = ids
        .iter()
        .filter_map(|id| {
            let v = ctx.index.objects.get(id)?;
            let local = ctx.known.local("Organization", id)?;
            let parent = reference(v, "subOrganizationOf")
                .and_then(|p| ctx.known.local("Organization", &p))?;
            (parents.get(&local).copied().flatten() != Some(parent)).then_some((local, parent))
        })
        .collect();
    if !changes.is_empty() {
        crate::edit::write_transaction(c, |c| -> anyhow::Result<()> {
            for (local, parent) in &changes {
                diesel::update(organizations::table.find(*local))
                    .set(organizations::parent_id.eq(Some(*parent)))
                    .execute(c)?;
            }
            Ok(())
        })?;
    }

    // persons
    let ids = ctx.index.of_kind("Person");
    let mut plan =
        |_: &mut DbConnection, ctx: &mut Ctx, v: &Value| -> QueryResult<Plan<NewPerson>> {
            let (created, modified) = times(v);
            let Some(body) = ctx.body_of(v, 0) else {
                return Ok(Plan::Skip("Person ohne erkennbare Körperschaft".into()));
            };
            let name = text(v, "name").unwrap_or_default();
            let family = text(v, "familyName").or_else(|| {
                name.rsplit(' ')
                    .next()
                    .map(str::to_string)
                    .filter(|s| !s.is_empty())
            });
            let Some(family) = family else {
                return Ok(Plan::Skip("Person ohne Namen".into()));
            };
            let title = references(v, "title")
                .into_iter()
                .next()
                .or_else(|| text(v, "title"));
            // a given name only from givenName, or from `name` when the
            // family name had to be taken from it too (without the title)
            let given = text(v, "givenName").unwrap_or_else(|| {
                if text(v, "familyName").is_some() {
                    return String::new();
                }
                let rest = name.strip_suffix(family.as_str()).unwrap_or("").trim();
                let rest = title
                    .as_deref()
                    .and_then(|t| rest.strip_prefix(t))
                    .unwrap_or(rest);
                rest.trim().to_string()
            });
            Ok(Plan::Write(NewPerson {
                body_id: body,
                family_name: family,
                given_name: given,
                title,
                form_of_address: text(v, "formOfAddress"),
                affix: text(v, "affix"),
                party: None,
                created_at: created,
                updated_at: modified,
            }))
        };
    run_kind(
        c,
        ctx,
        "Person",
        &ids,
        &mut plan,
        &insert_person,
        update_row!(persons, NewPerson),
        soft_delete!(persons),
        &mut no_after,
    )?;

    // memberships
    let ids = ctx.index.of_kind("Membership");
    let mut plan =
        |_: &mut DbConnection, ctx: &mut Ctx, v: &Value| -> QueryResult<Plan<NewMembership>> {
            let (created, modified) = times(v);
            let Some(person) = reference(v, "person").and_then(|p| ctx.known.local("Person", &p))
            else {
                return Ok(Plan::Skip("Mitgliedschaft ohne bekannte Person".into()));
            };
            let Some(org) =
                reference(v, "organization").and_then(|o| ctx.known.local("Organization", &o))
            else {
                return Ok(Plan::Skip(
                    "Mitgliedschaft ohne bekannte Organisation".into(),
                ));
            };
            Ok(Plan::Write(NewMembership {
                person_id: person,
                organization_id: org,
                role: mapping::membership_role(text(v, "role").as_deref())
                    .key()
                    .into(),
                voting_right: v
                    .get("votingRight")
                    .and_then(Value::as_bool)
                    .unwrap_or(true),
                on_behalf_of_id: reference(v, "onBehalfOf")
                    .and_then(|o| ctx.known.local("Organization", &o)),
                start_date: text(v, "startDate").and_then(|s| mapping::date(&s)),
                end_date: text(v, "endDate").and_then(|s| mapping::date(&s)),
                created_at: created,
                updated_at: modified,
            }))
        };
    run_kind(
        c,
        ctx,
        "Membership",
        &ids,
        &mut plan,
        &insert_membership,
        update_row!(memberships, NewMembership),
        soft_delete!(memberships),
        &mut no_after,
    )?;
    Ok(())
}

fn meeting_state(v: &Value, start: NaiveDateTime) -> &'static str {
    if v.get("cancelled").and_then(Value::as_bool).unwrap_or(false) {
        return "abgesagt";
    }
    match text(v, "meetingState").map(|s| s.to_lowercase()).as_deref() {
        Some("terminiert") | Some("geplant") => "terminiert",
        Some("eingeladen") => "eingeladen",
        Some("durchgeführt") | Some("durchgefuehrt") | Some("abgeschlossen") => "durchgefuehrt",
        Some("abgesagt") => "abgesagt",
        _ if start < db::now() => "durchgefuehrt",
        _ => "terminiert",
    }
}

fn meetings_and_items(c: &mut DbConnection, ctx: &mut Ctx) -> anyhow::Result<()> {
    let rows: Vec<(i64, i64)> = meetings::table
        .select((meetings::id, meetings::body_id))
        .load(c)?;
    ctx.meeting_body.extend(rows);
    let ids = ctx.index.of_kind("Meeting");
    let mut plan =
        |_: &mut DbConnection, ctx: &mut Ctx, v: &Value| -> QueryResult<Plan<NewMeeting>> {
            let (created, modified) = times(v);
            let orgs: Vec<i64> = references(v, "organization")
                .iter()
                .filter_map(|o| ctx.known.local("Organization", o))
                .collect();
            let Some(org) = orgs.first().copied() else {
                return Ok(Plan::Skip(
                    "Sitzung ohne bekanntes Gremium (organization fehlt oder ist nicht geliefert)"
                        .into(),
                ));
            };
            let Some(body) = ctx.org_body.get(&org).copied().or(ctx.single_body) else {
                return Ok(Plan::Skip("Sitzung ohne erkennbare Körperschaft".into()));
            };
            let Some(start) = text(v, "start").and_then(|s| mapping::datetime(&s)) else {
                return Ok(Plan::Skip("Sitzung ohne gültigen Beginn (start)".into()));
            };
            let name = text(v, "name").unwrap_or_else(|| "Sitzung".into());
            Ok(Plan::Write(NewMeeting {
                body_id: body,
                organization_id: org,
                name,
                number: None,
                start_at: start,
                end_at: text(v, "end")
                    .and_then(|s| mapping::datetime(&s))
                    .filter(|e| *e >= start),
                location_id: reference(v, "location").and_then(|l| ctx.known.local("Location", &l)),
                state: meeting_state(v, start).into(),
                sequence: 0,
                minutes_approved_at: None,
                minutes_published_at: None,
                created_at: created,
                updated_at: modified,
            }))
        };
    let mut after =
        |c: &mut DbConnection, ctx: &mut Ctx, local: i64, v: &Value| -> QueryResult<()> {
            let orgs: Vec<i64> = references(v, "organization")
                .iter()
                .filter_map(|o| ctx.known.local("Organization", o))
                .collect();
            if let Some(b) = orgs
                .first()
                .and_then(|o| ctx.org_body.get(o))
                .copied()
                .or(ctx.single_body)
            {
                ctx.meeting_body.insert(local, b);
            }
            diesel::delete(
                meeting_organizations::table.filter(meeting_organizations::meeting_id.eq(local)),
            )
            .execute(c)?;
            let t = db::now();
            for o in orgs.iter().skip(1) {
                insert_meeting_organization(
                    c,
                    &NewMeetingOrganization {
                        meeting_id: local,
                        organization_id: *o,
                        created_at: t,
                        updated_at: t,
                    },
                )?;
            }
            Ok(())
        };
    // an update keeps the meeting's own change counter and minutes state
    let update = &|c: &mut DbConnection, id: i64, r: &NewMeeting| {
        diesel::update(meetings::table.find(id))
            .set((
                meetings::organization_id.eq(r.organization_id),
                meetings::name.eq(&r.name),
                meetings::start_at.eq(r.start_at),
                meetings::end_at.eq(r.end_at),
                meetings::location_id.eq(r.location_id),
                meetings::state.eq(&r.state),
                meetings::updated_at.eq(r.updated_at),
            ))
            .execute(c)
            .map(|_| ())
    };
    run_kind(
        c,
        ctx,
        "Meeting",
        &ids,
        &mut plan,
        &insert_meeting,
        update,
        soft_delete!(meetings),
        &mut after,
    )?;

    // agenda items, meeting by meeting, in their order; "3.1" goes under "3"
    let mut ids = ctx.index.of_kind("AgendaItem");
    let order_of = |v: &Value| v.get("order").and_then(Value::as_i64).unwrap_or(i64::MAX);
    ids.sort_by_key(|id| {
        let v = &ctx.index.objects[id];
        (
            source::natural_key(&reference(v, "meeting").unwrap_or_default()),
            order_of(v),
            source::natural_key(id),
        )
    });
    for id in &ids {
        let v = &ctx.index.objects[id];
        if let (Some(local), Some(m), Some(n)) = (
            ctx.known.local("AgendaItem", id),
            reference(v, "meeting").and_then(|m| ctx.known.local("Meeting", &m)),
            text(v, "number"),
        ) {
            ctx.item_numbers
                .insert((m, n.trim_end_matches('.').to_string()), local);
        }
    }
    let mut plan = |c: &mut DbConnection,
                    ctx: &mut Ctx,
                    v: &Value|
     -> QueryResult<Plan<(NewAgendaItem, Option<String>)>> {
        let (created, modified) = times(v);
        let Some(meeting) = reference(v, "meeting").and_then(|m| ctx.known.local("Meeting", &m))
        else {
            return Ok(Plan::Skip(
                "Tagesordnungspunkt ohne bekannte Sitzung".into(),
            ));
        };
        let number = text(v, "number").unwrap_or_default();
        let parent = number
            .trim_end_matches('.')
            .rsplit_once('.')
            .and_then(|(head, _)| {
                ctx.item_numbers
                    .get(&(meeting, head.trim_end_matches('.').to_string()))
            })
            .copied();
        // "3.1" without "3" in this run: keep the parent it already has
        let parent = match (parent, number.trim_end_matches('.').contains('.')) {
            (None, true) => match ctx
                .known
                .local("AgendaItem", &text(v, "id").unwrap_or_default())
            {
                Some(l) => {
                    let kept: Option<i64> = agenda_items::table
                        .find(l)
                        .select(agenda_items::parent_id)
                        .first::<Option<i64>>(c)?;
                    // only a parent of the same meeting
                    match kept {
                        Some(pid) => agenda_items::table
                            .find(pid)
                            .filter(agenda_items::meeting_id.eq(meeting))
                            .select(agenda_items::id)
                            .first::<i64>(c)
                            .optional()?,
                        None => None,
                    }
                }
                None => None,
            },
            (p, _) => p,
        };
        let result = text(v, "result");
        let outcome = text(v, "gremium:outcome")
            .and_then(|k| crate::domain::Outcome::from_key(&k))
            .or_else(|| result.as_deref().and_then(mapping::outcome));
        let tally = v.get("gremium:tally");
        // our own extension is exact; otherwise the tally is read from the text
        let (yes, no, abstain) = match tally {
            Some(t) => {
                let n = |k: &str| t.get(k).and_then(Value::as_i64).map(|n| n as i32);
                (n("yes"), n("no"), n("abstain"))
            }
            None => result
                .as_deref()
                .map(mapping::tally)
                .unwrap_or((None, None, None)),
        };
        let absent = tally
            .and_then(|t| t.get("absent"))
            .and_then(Value::as_i64)
            .map(|n| n as i32);
        let position = v
            .get("order")
            .and_then(Value::as_i64)
            .and_then(|o| i32::try_from(o).ok())
            .unwrap_or(0);
        let existing_paper: Option<i64> = match ctx
            .known
            .local("AgendaItem", &text(v, "id").unwrap_or_default())
        {
            Some(l) => agenda_items::table
                .find(l)
                .select(agenda_items::paper_id)
                .first(c)?,
            None => None,
        };
        let title = text(v, "name").unwrap_or_else(|| format!("TOP {number}"));
        Ok(Plan::Write((
            NewAgendaItem {
                meeting_id: meeting,
                parent_id: parent,
                public: v.get("public").and_then(Value::as_bool).unwrap_or(true),
                position,
                title,
                paper_id: existing_paper,
                outcome: outcome.map(|o| o.key().to_string()),
                votes_yes: yes,
                votes_no: no,
                votes_abstain: abstain,
                votes_absent: absent,
                resolution_text: text(v, "resolutionText"),
                minutes_text: None,
                deferred_to_meeting_id: None,
                deferred_to_next: false,
                continues_agenda_item_id: None,
                referred_to_organization_id: None,
                supplement: false,
                created_at: created,
                updated_at: modified,
            },
            result,
        )))
    };
    let insert = &|c: &mut DbConnection, r: &(NewAgendaItem, Option<String>)| -> QueryResult<i64> {
        let id = insert_agenda_item(c, &r.0)?;
        diesel::update(agenda_items::table.find(id))
            .set(agenda_items::result_text.eq(&r.1))
            .execute(c)?;
        Ok(id)
    };
    let update =
        &|c: &mut DbConnection, id: i64, r: &(NewAgendaItem, Option<String>)| -> QueryResult<()> {
            // only what OParl carries; a TOP a clerk made non-public stays so,
            // minutes, deferral links and the Nachtrag mark stay as they are
            let a = &r.0;
            diesel::update(agenda_items::table.find(id))
                .set((
                    agenda_items::meeting_id.eq(a.meeting_id),
                    agenda_items::parent_id.eq(a.parent_id),
                    agenda_items::position.eq(a.position),
                    agenda_items::title.eq(&a.title),
                    agenda_items::outcome.eq(&a.outcome),
                    agenda_items::votes_yes.eq(a.votes_yes),
                    agenda_items::votes_no.eq(a.votes_no),
                    agenda_items::votes_abstain.eq(a.votes_abstain),
                    agenda_items::votes_absent.eq(a.votes_absent),
                    agenda_items::resolution_text.eq(&a.resolution_text),
                    agenda_items::result_text.eq(&r.1),
                    agenda_items::updated_at.eq(a.updated_at),
                ))
                .execute(c)?;
            if !a.public {
                diesel::update(agenda_items::table.find(id))
                    .set(agenda_items::public.eq(false))
                    .execute(c)?;
            }
            Ok(())
        };
    let mut after =
        |_: &mut DbConnection, ctx: &mut Ctx, local: i64, v: &Value| -> QueryResult<()> {
            if let (Some(m), Some(n)) = (
                reference(v, "meeting").and_then(|m| ctx.known.local("Meeting", &m)),
                text(v, "number"),
            ) {
                ctx.item_numbers
                    .insert((m, n.trim_end_matches('.').to_string()), local);
            }
            Ok(())
        };
    run_kind(
        c,
        ctx,
        "AgendaItem",
        &ids,
        &mut plan,
        insert,
        update,
        soft_delete!(agenda_items),
        &mut after,
    )?;
    Ok(())
}

fn papers(c: &mut DbConnection, ctx: &mut Ctx) -> anyhow::Result<()> {
    let ids = ctx.index.of_kind("Paper");
    let mut plan =
        |_: &mut DbConnection, ctx: &mut Ctx, v: &Value| -> QueryResult<Plan<NewPaper>> {
            let (created, modified) = times(v);
            let Some(body) = ctx.body_of(v, 0) else {
                return Ok(Plan::Skip("Vorlage ohne erkennbare Körperschaft".into()));
            };
            let reference_no = text(v, "reference");
            let name = text(v, "name");
            let (reference_no, title) = match (reference_no, name) {
                (None, None) => return Ok(Plan::Skip("Vorlage ohne Namen und ohne Nummer".into())),
                (r, n) => (
                    r.clone().unwrap_or_else(|| "ohne Nummer".into()),
                    n.or(r).unwrap_or_default(),
                ),
            };
            let date = text(v, "date")
                .and_then(|s| mapping::date(&s))
                .unwrap_or_else(|| crate::base::dates::berlin(created).date_naive());
            Ok(Plan::Write(NewPaper {
                body_id: body,
                reference: reference_no,
                paper_type: mapping::paper_type(text(v, "paperType").as_deref())
                    .key()
                    .into(),
                title,
                file_number: None,
                date,
                lead_organization_id: reference(v, "underDirectionOf")
                    .and_then(|o| ctx.known.local("Organization", &o)),
                proposal: None,
                reasoning: None,
                public: true,
                created_at: created,
                updated_at: modified,
            }))
        };
    let mut after =
        |c: &mut DbConnection, ctx: &mut Ctx, local: i64, v: &Value| -> QueryResult<()> {
            diesel::delete(paper_originators::table.filter(paper_originators::paper_id.eq(local)))
                .execute(c)?;
            let t = db::now();
            for o in references(v, "originatorOrganization") {
                if let Some(l) = ctx.known.local("Organization", &o) {
                    insert_paper_originator(
                        c,
                        &NewPaperOriginator {
                            paper_id: local,
                            organization_id: Some(l),
                            person_id: None,
                            created_at: t,
                            updated_at: t,
                        },
                    )?;
                }
            }
            for p in references(v, "originatorPerson") {
                if let Some(l) = ctx.known.local("Person", &p) {
                    insert_paper_originator(
                        c,
                        &NewPaperOriginator {
                            paper_id: local,
                            organization_id: None,
                            person_id: Some(l),
                            created_at: t,
                            updated_at: t,
                        },
                    )?;
                }
            }
            Ok(())
        };
    let update = &|c: &mut DbConnection, id: i64, r: &NewPaper| {
        diesel::update(papers::table.find(id))
            .set((
                papers::reference.eq(&r.reference),
                papers::paper_type.eq(&r.paper_type),
                papers::title.eq(&r.title),
                papers::date.eq(r.date),
                papers::lead_organization_id.eq(r.lead_organization_id),
                papers::updated_at.eq(r.updated_at),
            ))
            .execute(c)
            .map(|_| ())
    };
    run_kind(
        c,
        ctx,
        "Paper",
        &ids,
        &mut plan,
        &insert_paper,
        update,
        soft_delete!(papers),
        &mut after,
    )?;
    // related papers once all are known (only the missing ones are written)
    let have: std::collections::HashSet<(i64, i64)> = paper_relations::table
        .select((paper_relations::paper_id, paper_relations::related_paper_id))
        .load::<(i64, i64)>(c)?
        .into_iter()
        .collect();
    let mut missing: Vec<(i64, i64)> = Vec::new();
    for id in &ids {
        let Some(v) = ctx.index.objects.get(id) else {
            continue;
        };
        let Some(local) = ctx.known.local("Paper", id) else {
            continue;
        };
        for r in references(v, "relatedPaper")
            .iter()
            .filter_map(|r| ctx.known.local("Paper", r))
        {
            if !have.contains(&(local, r)) && !missing.contains(&(local, r)) {
                missing.push((local, r));
            }
        }
    }
    if !missing.is_empty() {
        crate::edit::write_transaction(c, |c| -> anyhow::Result<()> {
            let t = db::now();
            for (p, r) in &missing {
                insert_paper_relation(
                    c,
                    &NewPaperRelation {
                        paper_id: *p,
                        related_paper_id: *r,
                        kind: "bezug".into(),
                        created_at: t,
                        updated_at: t,
                    },
                )?;
            }
            Ok(())
        })?;
    }
    Ok(())
}

fn consultations(c: &mut DbConnection, ctx: &mut Ctx) -> anyhow::Result<()> {
    // position = place in the paper's consultation list
    let mut position: HashMap<String, i32> = HashMap::new();
    for p in ctx.index.of_kind("Paper") {
        if let Some(v) = ctx.index.objects.get(&p) {
            for (i, cid) in references(v, "consultation").iter().enumerate() {
                position.insert(cid.clone(), i as i32 + 1);
            }
        }
    }
    let ids = ctx.index.of_kind("Consultation");
    let mut plan = |c: &mut DbConnection,
                    ctx: &mut Ctx,
                    v: &Value|
     -> QueryResult<Plan<NewConsultation>> {
        let (created, modified) = times(v);
        let Some(paper) = reference(v, "paper").and_then(|p| ctx.known.local("Paper", &p)) else {
            return Ok(Plan::Skip("Beratung ohne bekannte Vorlage".into()));
        };
        let meeting = reference(v, "meeting").and_then(|m| ctx.known.local("Meeting", &m));
        let item = reference(v, "agendaItem").and_then(|a| ctx.known.local("AgendaItem", &a));
        let meeting = match (meeting, item) {
            (None, Some(i)) => agenda_items::table
                .find(i)
                .select(agenda_items::meeting_id)
                .first(c)
                .optional()?,
            (m, _) => m,
        };
        let org =
            match reference(v, "organization").and_then(|o| ctx.known.local("Organization", &o)) {
                Some(o) => Some(o),
                None => match meeting {
                    Some(m) => meetings::table
                        .find(m)
                        .select(meetings::organization_id)
                        .first(c)
                        .optional()?,
                    None => None,
                },
            };
        let Some(org) = org else {
            return Ok(Plan::Skip("Beratung ohne bekanntes Gremium".into()));
        };
        let id = text(v, "id").unwrap_or_default();
        Ok(Plan::Write(NewConsultation {
            paper_id: paper,
            organization_id: org,
            meeting_id: meeting,
            agenda_item_id: item,
            role: mapping::consultation_role(text(v, "role").as_deref())
                .key()
                .into(),
            position: position.get(&id).copied().unwrap_or(1),
            authoritative: v
                .get("authoritative")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            created_at: created,
            updated_at: modified,
        }))
    };
    let mut after = |c: &mut DbConnection, _: &mut Ctx, local: i64, _: &Value| -> QueryResult<()> {
        // the TOP treats the consultation's paper
        let (paper, item): (i64, Option<i64>) = consultations::table
            .find(local)
            .select((consultations::paper_id, consultations::agenda_item_id))
            .first(c)?;
        if let Some(i) = item {
            diesel::update(agenda_items::table.find(i))
                .set(agenda_items::paper_id.eq(Some(paper)))
                .execute(c)?;
        }
        Ok(())
    };
    run_kind(
        c,
        ctx,
        "Consultation",
        &ids,
        &mut plan,
        &insert_consultation,
        update_row!(consultations, NewConsultation),
        soft_delete!(consultations),
        &mut after,
    )?;
    Ok(())
}

fn files(c: &mut DbConnection, ctx: &mut Ctx) -> anyhow::Result<()> {
    let ids = ctx.index.of_kind("File");
    let mut plan = |_: &mut DbConnection, ctx: &mut Ctx, v: &Value| -> QueryResult<Plan<NewFile>> {
        let (created, modified) = times(v);
        let paper = reference(v, "paper").and_then(|p| ctx.known.local("Paper", &p));
        let item = reference(v, "agendaItem").and_then(|a| ctx.known.local("AgendaItem", &a));
        let meeting = reference(v, "meeting").and_then(|m| ctx.known.local("Meeting", &m));
        if paper.is_none() && item.is_none() && meeting.is_none() {
            return Ok(Plan::Skip(
                "Datei ohne bekannte Vorlage, Sitzung oder TOP".into(),
            ));
        }
        let Some(body) = ctx.body_of(v, 0) else {
            return Ok(Plan::Skip("Datei ohne erkennbare Körperschaft".into()));
        };
        let file_name = text(v, "fileName")
            .or_else(|| text(v, "name"))
            .unwrap_or_else(|| "datei".into());
        let size = v
            .get("size")
            .and_then(Value::as_i64)
            .filter(|s| *s >= 0)
            .unwrap_or(0);
        Ok(Plan::Write(NewFile {
            body_id: body,
            name: text(v, "name").unwrap_or_else(|| file_name.clone()),
            mime_type: mapping::mime(text(v, "mimeType").as_deref(), &file_name),
            file_name,
            size,
            sha256: None,
            storage_path: None,
            text_status: text(v, "text").map(|_| "text".to_string()),
            text_content: text(v, "text"),
            public: true,
            paper_id: paper,
            meeting_id: meeting,
            agenda_item_id: item,
            created_at: created,
            updated_at: modified,
            concept_id: None,
        }))
    };
    run_kind(
        c,
        ctx,
        "File",
        &ids,
        &mut plan,
        &insert_file,
        &|c: &mut DbConnection, id: i64, f: &NewFile| {
            // metadata and links only: a file a clerk made non-public stays so
            diesel::update(files::table.find(id))
                .set((
                    files::body_id.eq(f.body_id),
                    files::paper_id.eq(f.paper_id),
                    files::meeting_id.eq(f.meeting_id),
                    files::agenda_item_id.eq(f.agenda_item_id),
                    files::name.eq(&f.name),
                    files::file_name.eq(&f.file_name),
                    files::mime_type.eq(&f.mime_type),
                    files::size.eq(f.size),
                    files::text_content.eq(&f.text_content),
                    files::text_status.eq(&f.text_status),
                    files::updated_at.eq(f.updated_at),
                ))
                .execute(c)
                .map(|_| ())
        },
        soft_delete!(files),
        &mut no_after,
    )?;
    Ok(())
}

/// The result mapping the stored texts were last mapped with: that of the
/// newest run that recorded one (runs before the mark existed: 1; no run
/// yet: nothing stored, nothing to re-map).
fn mapped_with(c: &mut DbConnection) -> QueryResult<u32> {
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
