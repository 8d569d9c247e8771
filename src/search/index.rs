//! Keeping the search index current. Triggers on the source tables note
//! every changed row in `search_dirty` (see the migration); [`flush`] runs
//! at the end of every write transaction (`crate::edit::write_transaction`), works
//! out which documents depend on the changed rows (a meeting's items, a
//! paper's TOPs and files, …), rebuilds them from the records and writes
//! them: so the index changes in the same transaction as the data.
//!
//! Visibility is decided here, once per document, with the same rules the
//! pages use (`access`, `crate::access::agenda::number_and_filter`,
//! `crate::access::files::visible_files`): `public` says whether anonymous visitors may
//! find it, the organizations say which members may find it if not.

use std::collections::{BTreeSet, HashMap, HashSet};

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

use super::text::{self, cap, is_stop_word, stems_of, MAX_INDEXED_CHARS};
use super::Kind;
use crate::access::Audience;
use crate::db::models::{AgendaItem, Body, File, Organization};
use crate::db::schema::*;
use crate::db::{self, DbConnection};
use crate::domain::{MeetingState, PaperType};

const CHUNK: usize = 500;

/// A document as it goes into the index.
#[derive(Debug, Clone)]
pub struct Doc {
    pub kind: Kind,
    pub ref_id: i64,
    pub body_id: i64,
    pub public: bool,
    pub title: String,
    pub reference: Option<String>,
    pub body_text: String,
    pub context: String,
    pub url: String,
    pub paper_type: Option<String>,
    pub outcome: Option<String>,
    pub org_ids: Vec<i64>,
    pub date: NaiveDate,
}

enum Built {
    Doc(Box<Doc>),
    Gone(Kind, i64),
}

/// Names the documents mention (bodies, organizations), loaded once.
struct Names {
    bodies: HashMap<i64, Body>,
}

impl Names {
    fn load(conn: &mut DbConnection) -> QueryResult<Names> {
        Ok(Names {
            bodies: db::bodies::list(conn)?
                .into_iter()
                .map(|b| (b.id, b))
                .collect(),
        })
    }
    fn body(&self, id: i64) -> &str {
        self.bodies.get(&id).map_or("", |b| b.name.as_str())
    }
}

fn join_texts<'a>(parts: impl IntoIterator<Item = Option<&'a str>>) -> String {
    parts
        .into_iter()
        .flatten()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n")
}

fn org_name(orgs: &HashMap<i64, Organization>, id: i64) -> &str {
    orgs.get(&id).map_or("", |o| o.name.as_str())
}

// ---------------------------------------------------------------- dirty

/// Re-index everything the triggers noted since the last flush. Returns
/// the number of documents written or removed.
pub fn flush(conn: &mut DbConnection) -> QueryResult<usize> {
    let mut total = 0;
    loop {
        let dirty: Vec<(String, i64)> = search_dirty::table
            .select((search_dirty::kind, search_dirty::ref_id))
            .load(conn)?;
        if dirty.is_empty() {
            return Ok(total);
        }
        if let DbConnection::Postgresql(c) = conn {
            // One indexer at a time: under READ COMMITTED two concurrent
            // transactions would each rebuild shared documents (a file of
            // a paper made non-public by the other) from stale reads. The
            // lock is held until commit; what the other transaction
            // committed is visible to every statement after it.
            diesel::sql_query("SELECT pg_advisory_xact_lock(80080008)").execute(c)?;
        }
        let mut by_kind: HashMap<String, Vec<i64>> = HashMap::new();
        for (k, id) in dirty {
            by_kind.entry(k).or_default().push(id);
        }
        for (k, ids) in &by_kind {
            for chunk in ids.chunks(CHUNK) {
                diesel::delete(
                    search_dirty::table
                        .filter(search_dirty::kind.eq(k))
                        .filter(search_dirty::ref_id.eq_any(chunk)),
                )
                .execute(conn)?;
            }
        }
        let set = expand(conn, by_kind)?;
        total += index(conn, &set)?;
    }
}

type KindSets = HashMap<Kind, BTreeSet<i64>>;

fn ids_where<F>(conn: &mut DbConnection, ids: &[i64], mut q: F) -> QueryResult<Vec<i64>>
where
    F: FnMut(&mut DbConnection, &[i64]) -> QueryResult<Vec<i64>>,
{
    let mut out = Vec::new();
    for chunk in ids.chunks(CHUNK) {
        out.extend(q(conn, chunk)?);
    }
    Ok(out)
}

/// Rows that hang on other rows (whose documents change with them).
#[derive(Clone, Copy)]
enum Link {
    ItemsOfMeetings,
    ItemsOfItems,
    ItemsOfPapers,
    FilesOfMeetings,
    FilesOfItems,
    FilesOfPapers,
    FilesOfConcepts,
}

/// Ids of the rows linked to `ids` (deleted ones too: they leave the index).
fn linked(conn: &mut DbConnection, link: Link, ids: &[i64]) -> QueryResult<Vec<i64>> {
    ids_where(conn, ids, |c, ch| match link {
        Link::ItemsOfMeetings => agenda_items::table
            .filter(agenda_items::meeting_id.eq_any(ch))
            .select(agenda_items::id)
            .load(c),
        Link::ItemsOfItems => agenda_items::table
            .filter(agenda_items::parent_id.eq_any(ch))
            .select(agenda_items::id)
            .load(c),
        Link::ItemsOfPapers => agenda_items::table
            .filter(agenda_items::paper_id.eq_any(ch))
            .select(agenda_items::id)
            .load(c),
        Link::FilesOfMeetings => files::table
            .filter(files::meeting_id.eq_any(ch))
            .select(files::id)
            .load(c),
        Link::FilesOfItems => files::table
            .filter(files::agenda_item_id.eq_any(ch))
            .select(files::id)
            .load(c),
        Link::FilesOfPapers => files::table
            .filter(files::paper_id.eq_any(ch))
            .select(files::id)
            .load(c),
        Link::FilesOfConcepts => files::table
            .filter(files::concept_id.eq_any(ch))
            .select(files::id)
            .load(c),
    })
}

/// Everything whose document depends on the changed rows.
fn expand(conn: &mut DbConnection, dirty: HashMap<String, Vec<i64>>) -> QueryResult<KindSets> {
    let mut done: KindSets = HashMap::new();
    let mut pending: KindSets = HashMap::new();
    for (k, ids) in dirty {
        let kind = match k.as_str() {
            "handlungsfeld" => {
                let concepts = ids_where(conn, &ids, |c, ch| {
                    concept_fields::table
                        .filter(concept_fields::id.eq_any(ch))
                        .select(concept_fields::concept_id)
                        .load(c)
                })?;
                pending.entry(Kind::Concept).or_default().extend(concepts);
                continue;
            }
            k => match Kind::from_key(k) {
                Some(kind) => kind,
                None => continue,
            },
        };
        pending.entry(kind).or_default().extend(ids);
    }
    while pending.values().any(|s| !s.is_empty()) {
        let mut next: KindSets = HashMap::new();
        for (kind, ids) in std::mem::take(&mut pending) {
            let fresh: Vec<i64> = ids
                .into_iter()
                .filter(|id| done.entry(kind).or_default().insert(*id))
                .collect();
            if fresh.is_empty() {
                continue;
            }
            match kind {
                Kind::Meeting => {
                    let items = linked(conn, Link::ItemsOfMeetings, &fresh)?;
                    next.entry(Kind::Item).or_default().extend(items);
                    let files = linked(conn, Link::FilesOfMeetings, &fresh)?;
                    next.entry(Kind::File).or_default().extend(files);
                }
                Kind::Item => {
                    let children = linked(conn, Link::ItemsOfItems, &fresh)?;
                    next.entry(Kind::Item).or_default().extend(children);
                    let papers = ids_where(conn, &fresh, |c, ch| {
                        Ok(agenda_items::table
                            .filter(agenda_items::id.eq_any(ch))
                            .select(agenda_items::paper_id)
                            .load::<Option<i64>>(c)?
                            .into_iter()
                            .flatten()
                            .collect())
                    })?;
                    next.entry(Kind::Paper).or_default().extend(papers);
                    let files = linked(conn, Link::FilesOfItems, &fresh)?;
                    next.entry(Kind::File).or_default().extend(files);
                }
                Kind::Paper => {
                    let items = linked(conn, Link::ItemsOfPapers, &fresh)?;
                    next.entry(Kind::Item).or_default().extend(items);
                    let files = linked(conn, Link::FilesOfPapers, &fresh)?;
                    next.entry(Kind::File).or_default().extend(files);
                }
                Kind::Concept => {
                    let files = linked(conn, Link::FilesOfConcepts, &fresh)?;
                    next.entry(Kind::File).or_default().extend(files);
                }
                Kind::File | Kind::Programme => {}
            }
        }
        for (kind, ids) in next {
            let d = done.entry(kind).or_default();
            let fresh: BTreeSet<i64> = ids.into_iter().filter(|i| !d.contains(i)).collect();
            if !fresh.is_empty() {
                pending.entry(kind).or_default().extend(fresh);
            }
        }
    }
    Ok(done)
}

/// Build and write the documents of these records.
pub fn index(conn: &mut DbConnection, set: &KindSets) -> QueryResult<usize> {
    if set.values().all(|s| s.is_empty()) {
        return Ok(0);
    }
    let names = Names::load(conn)?;
    let mut n = 0;
    for kind in Kind::ALL {
        let Some(ids) = set.get(&kind) else { continue };
        let ids: Vec<i64> = ids.iter().copied().collect();
        for chunk in ids.chunks(CHUNK) {
            let built = build(conn, &names, kind, chunk)?;
            n += built.len();
            write(conn, built, Stamp::Now)?;
        }
    }
    Ok(n)
}

fn build(
    conn: &mut DbConnection,
    names: &Names,
    kind: Kind,
    ids: &[i64],
) -> QueryResult<Vec<Built>> {
    let docs = match kind {
        Kind::Paper => papers(conn, names, ids)?,
        Kind::Item => items(conn, ids)?,
        Kind::Meeting => meetings(conn, ids)?,
        Kind::File => files(conn, ids)?,
        Kind::Concept => concepts(conn, names, ids)?,
        Kind::Programme => programmes(conn, names, ids)?,
    };
    let found: std::collections::HashSet<i64> = docs.iter().map(|d| d.ref_id).collect();
    let mut out: Vec<Built> = docs.into_iter().map(|d| Built::Doc(Box::new(d))).collect();
    out.extend(
        ids.iter()
            .filter(|id| !found.contains(id))
            .map(|id| Built::Gone(kind, *id)),
    );
    Ok(out)
}

// ---------------------------------------------------------------- builders

fn meeting_orgs(
    conn: &mut DbConnection,
    meetings: &[(i64, i64)],
) -> QueryResult<HashMap<i64, Vec<i64>>> {
    let ids: Vec<i64> = meetings.iter().map(|m| m.0).collect();
    let mut out: HashMap<i64, Vec<i64>> = meetings.iter().map(|(m, o)| (*m, vec![*o])).collect();
    if ids.is_empty() {
        return Ok(out);
    }
    let joint: Vec<(i64, i64)> = meeting_organizations::table
        .filter(meeting_organizations::meeting_id.eq_any(&ids))
        .select((
            meeting_organizations::meeting_id,
            meeting_organizations::organization_id,
        ))
        .load(conn)?;
    for (m, o) in joint {
        let e = out.entry(m).or_default();
        if !e.contains(&o) {
            e.push(o);
        }
    }
    Ok(out)
}

fn consulting_orgs(
    conn: &mut DbConnection,
    paper_ids: &[i64],
) -> QueryResult<HashMap<i64, Vec<i64>>> {
    let mut out: HashMap<i64, Vec<i64>> = HashMap::new();
    if paper_ids.is_empty() {
        return Ok(out);
    }
    let rows: Vec<(i64, i64)> = consultations::table
        .filter(consultations::paper_id.eq_any(paper_ids))
        .filter(consultations::deleted_at.is_null())
        .select((consultations::paper_id, consultations::organization_id))
        .load(conn)?;
    for (p, o) in rows {
        let e = out.entry(p).or_default();
        if !e.contains(&o) {
            e.push(o);
        }
    }
    Ok(out)
}

fn papers(conn: &mut DbConnection, names: &Names, ids: &[i64]) -> QueryResult<Vec<Doc>> {
    let papers = db::papers::by_ids(conn, ids)?;
    let orgs = consulting_orgs(conn, ids)?;
    // the outcome facet: the latest result of a TOP the public may see
    let items: Vec<AgendaItem> = agenda_items::table
        .filter(agenda_items::paper_id.eq_any(ids))
        .filter(agenda_items::deleted_at.is_null())
        .select(AgendaItem::as_select())
        .load(conn)?;
    let meeting_ids: Vec<i64> = items.iter().map(|a| a.meeting_id).collect();
    let visible = public_items(conn, &meeting_ids)?;
    let meetings = db::meetings::by_ids(conn, &meeting_ids)?;
    let mut outcome: HashMap<i64, (chrono::NaiveDateTime, String)> = HashMap::new();
    for a in &items {
        let (Some(p), Some(o), Some(m)) = (a.paper_id, &a.outcome, meetings.get(&a.meeting_id))
        else {
            continue;
        };
        if !visible.contains(&a.id) {
            continue;
        }
        if outcome.get(&p).is_none_or(|(t, _)| *t < m.start_at) {
            outcome.insert(p, (m.start_at, o.clone()));
        }
    }
    Ok(papers
        .into_values()
        .map(|p| {
            let type_label = PaperType::from_key(&p.paper_type).map_or("Vorlage", |t| t.label());
            Doc {
                kind: Kind::Paper,
                ref_id: p.id,
                body_id: p.body_id,
                public: p.public,
                context: format!("{type_label} {} · {}", p.reference, names.body(p.body_id)),
                body_text: join_texts([
                    p.proposal.as_deref(),
                    p.reasoning.as_deref(),
                    p.file_number.as_deref(),
                ]),
                url: format!("/vorlagen/{}", p.id),
                paper_type: Some(p.paper_type.clone()),
                outcome: outcome.remove(&p.id).map(|x| x.1),
                org_ids: orgs.get(&p.id).cloned().unwrap_or_default(),
                date: p.date,
                reference: Some(p.reference),
                title: p.title,
            }
        })
        .collect())
}

/// Ids of the items of these meetings that the public may see.
fn public_items(
    conn: &mut DbConnection,
    meeting_ids: &[i64],
) -> QueryResult<std::collections::HashSet<i64>> {
    let all = db::agenda_items::for_meetings(conn, meeting_ids)?;
    Ok(crate::access::agenda::number_and_filter(&all, Audience::Public).1)
}

fn items(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<Vec<Doc>> {
    let items = db::agenda_items::by_ids(conn, ids)?;
    let meeting_ids: Vec<i64> = items.values().map(|a| a.meeting_id).collect();
    let meetings = db::meetings::by_ids(conn, &meeting_ids)?;
    let all = db::agenda_items::for_meetings(conn, &meeting_ids)?;
    let (numbers, public) = crate::access::agenda::number_and_filter(&all, Audience::Public);
    let (_, any) = crate::access::agenda::number_and_filter(&all, Audience::Full);
    let pairs: Vec<(i64, i64)> = meetings
        .values()
        .map(|m| (m.id, m.organization_id))
        .collect();
    let morgs = meeting_orgs(conn, &pairs)?;
    let org_map = db::organizations::by_ids(conn, &pairs.iter().map(|p| p.1).collect::<Vec<_>>())?;
    let paper_ids: Vec<i64> = items.values().filter_map(|a| a.paper_id).collect();
    let papers = db::papers::by_ids(conn, &paper_ids)?;
    let mut out = Vec::new();
    for a in items.into_values() {
        let Some(m) = meetings.get(&a.meeting_id) else {
            continue;
        };
        if !any.contains(&a.id) {
            continue;
        }
        let held = MeetingState::from_key(&m.state) == Some(MeetingState::Held);
        let minutes = (held && m.minutes_published_at.is_some())
            .then_some(a.minutes_text.as_deref())
            .flatten();
        let date = crate::base::dates::berlin(m.start_at).date_naive();
        let number = numbers.get(&a.id).cloned().unwrap_or_default();
        // a public TOP names only a public paper; a non-public TOP is seen
        // by those who see the paper on its page
        let is_public = public.contains(&a.id);
        let paper = a
            .paper_id
            .and_then(|p| papers.get(&p))
            .filter(|p| p.public || !is_public);
        out.push(Doc {
            kind: Kind::Item,
            ref_id: a.id,
            body_id: m.body_id,
            public: is_public,
            title: a.title.clone(),
            reference: paper.map(|p| p.reference.clone()),
            body_text: join_texts([
                a.resolution_text.as_deref(),
                a.result_text.as_deref(),
                minutes,
            ]),
            context: format!(
                "TOP {number} · {} · {}",
                org_name(&org_map, m.organization_id),
                crate::base::dates::date(date)
            ),
            url: format!("/tagesordnungspunkte/{}", a.id),
            paper_type: None,
            outcome: a.outcome.clone(),
            org_ids: morgs.get(&m.id).cloned().unwrap_or_default(),
            date,
        });
    }
    Ok(out)
}

fn meetings(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<Vec<Doc>> {
    let meetings = db::meetings::by_ids(conn, ids)?;
    let pairs: Vec<(i64, i64)> = meetings
        .values()
        .map(|m| (m.id, m.organization_id))
        .collect();
    let morgs = meeting_orgs(conn, &pairs)?;
    let all_orgs: Vec<i64> = morgs.values().flatten().copied().collect();
    let org_map = db::organizations::by_ids(conn, &all_orgs)?;
    Ok(meetings
        .into_values()
        .map(|m| {
            let orgs = morgs.get(&m.id).cloned().unwrap_or_default();
            let date = crate::base::dates::berlin(m.start_at).date_naive();
            let org_names: Vec<&str> = orgs.iter().map(|o| org_name(&org_map, *o)).collect();
            let state = MeetingState::from_key(&m.state).map(|s| s.label());
            Doc {
                kind: Kind::Meeting,
                ref_id: m.id,
                body_id: m.body_id,
                public: true,
                title: m.name.clone(),
                reference: None,
                body_text: join_texts([Some(org_names.join(", ").as_str()), m.number.as_deref()]),
                context: format!(
                    "Sitzung · {} · {}{}",
                    org_name(&org_map, m.organization_id),
                    crate::base::dates::date_short(m.start_at),
                    state.map(|s| format!(" · {s}")).unwrap_or_default()
                ),
                url: format!("/sitzungen/{}", m.id),
                paper_type: None,
                outcome: None,
                org_ids: orgs,
                date,
            }
        })
        .collect())
}

fn files(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<Vec<Doc>> {
    let list: Vec<File> = files::table
        .filter(files::id.eq_any(ids))
        .filter(files::deleted_at.is_null())
        .select(File::as_select())
        .load(conn)?;
    let any: std::collections::HashSet<i64> =
        crate::access::files::visible_files(conn, list.clone(), Audience::Full)?
            .iter()
            .map(|f| f.id)
            .collect();
    let public: std::collections::HashSet<i64> =
        crate::access::files::visible_files(conn, list.clone(), Audience::Public)?
            .iter()
            .map(|f| f.id)
            .collect();
    let paper_ids: Vec<i64> = list.iter().filter_map(|f| f.paper_id).collect();
    let papers = db::papers::by_ids(conn, &paper_ids)?;
    let paper_orgs = consulting_orgs(conn, &paper_ids)?;
    let item_ids: Vec<i64> = list.iter().filter_map(|f| f.agenda_item_id).collect();
    let items = db::agenda_items::by_ids(conn, &item_ids)?;
    let mut meeting_ids: Vec<i64> = list.iter().filter_map(|f| f.meeting_id).collect();
    meeting_ids.extend(items.values().map(|a| a.meeting_id));
    let meetings = db::meetings::by_ids(conn, &meeting_ids)?;
    let pairs: Vec<(i64, i64)> = meetings
        .values()
        .map(|m| (m.id, m.organization_id))
        .collect();
    let morgs = meeting_orgs(conn, &pairs)?;
    let concept_ids: Vec<i64> = list.iter().filter_map(|f| f.concept_id).collect();
    let concepts = db::concepts::by_ids(conn, &concept_ids)?;
    let mut out = Vec::new();
    for f in list {
        if !any.contains(&f.id) {
            continue;
        }
        // a file of a deleted meeting, or of a TOP that is gone, is gone too
        let meeting_id = f.meeting_id.or_else(|| {
            f.agenda_item_id
                .and_then(|a| items.get(&a))
                .map(|a| a.meeting_id)
        });
        if f.agenda_item_id.is_some_and(|a| !items.contains_key(&a))
            || meeting_id.is_some_and(|m| !meetings.contains_key(&m))
        {
            continue;
        }
        let meeting = meeting_id.and_then(|m| meetings.get(&m));
        let (context, date, orgs) = if let Some(p) = f.paper_id.and_then(|p| papers.get(&p)) {
            // members of the paper's and of the meeting's committees (as
            // the download route decides)
            let mut orgs = paper_orgs.get(&p.id).cloned().unwrap_or_default();
            for o in meeting.and_then(|m| morgs.get(&m.id)).into_iter().flatten() {
                if !orgs.contains(o) {
                    orgs.push(*o);
                }
            }
            (format!("Datei zur Vorlage {}", p.reference), p.date, orgs)
        } else if let Some(m) = meeting {
            let what = if f.agenda_item_id.is_some() {
                "zum Tagesordnungspunkt der Sitzung"
            } else {
                "zur Sitzung"
            };
            (
                format!(
                    "Datei {what} {} am {}",
                    m.name,
                    crate::base::dates::date_short(m.start_at)
                ),
                crate::base::dates::berlin(m.start_at).date_naive(),
                morgs.get(&m.id).cloned().unwrap_or_default(),
            )
        } else if let Some(k) = f.concept_id.and_then(|k| concepts.get(&k)) {
            (
                format!("Datei zum Integrationskonzept {}", k.title),
                k.adopted_on.unwrap_or(f.created_at.date()),
                vec![],
            )
        } else {
            ("Datei".to_string(), f.created_at.date(), vec![])
        };
        let note = match f.text_status.as_deref() {
            Some("scan") => Some("gescanntes PDF ohne Text (nur der Titel ist durchsuchbar)"),
            Some("failed") => Some("PDF-Text nicht lesbar (nur der Titel ist durchsuchbar)"),
            Some("pending") => Some("Text wird noch ausgewertet"),
            _ => None,
        };
        out.push(Doc {
            kind: Kind::File,
            ref_id: f.id,
            body_id: f.body_id,
            public: public.contains(&f.id),
            title: f.name.clone(),
            reference: None,
            body_text: f.text_content.clone().unwrap_or_default(),
            context: match note {
                Some(n) => format!("{context} · {n}"),
                None => context,
            },
            url: crate::base::urls::file_url(f.id, &f.file_name),
            paper_type: None,
            outcome: None,
            org_ids: orgs,
            date,
        });
    }
    Ok(out)
}

fn concepts(conn: &mut DbConnection, names: &Names, ids: &[i64]) -> QueryResult<Vec<Doc>> {
    let concepts = db::concepts::by_ids(conn, ids)?;
    let fields = db::concepts::fields(conn, ids)?;
    let field_ids: Vec<i64> = fields.iter().map(|f| f.id).collect();
    let measures = db::concepts::measures(conn, &field_ids)?;
    Ok(concepts
        .into_values()
        .map(|k| {
            let mut parts: Vec<String> = vec![
                k.summary.clone().unwrap_or_default(),
                k.participants.clone().unwrap_or_default(),
            ];
            for f in fields.iter().filter(|f| f.concept_id == k.id) {
                parts.push(join_texts([Some(f.title.as_str()), f.goals.as_deref()]));
                for m in measures.iter().filter(|m| m.field_id == f.id) {
                    parts.push(join_texts([
                        Some(m.title.as_str()),
                        m.responsible.as_deref(),
                        m.indicator.as_deref(),
                        m.target.as_deref(),
                    ]));
                }
            }
            Doc {
                kind: Kind::Concept,
                ref_id: k.id,
                body_id: k.body_id,
                public: true,
                title: match &k.edition {
                    Some(e) if !e.is_empty() => format!("{} ({e})", k.title),
                    _ => k.title.clone(),
                },
                reference: None,
                body_text: join_texts(parts.iter().map(|s| Some(s.as_str()))),
                context: format!(
                    "Integrationskonzept · {} · {}",
                    k.status_label(),
                    names.body(k.body_id)
                ),
                url: format!("/integrationskonzepte/{}", k.id),
                paper_type: None,
                outcome: None,
                org_ids: vec![],
                date: k.adopted_on.unwrap_or(k.created_at.date()),
            }
        })
        .collect())
}

fn programmes(conn: &mut DbConnection, names: &Names, ids: &[i64]) -> QueryResult<Vec<Doc>> {
    let programmes = db::programmes::by_ids(conn, ids)?;
    let modules = db::programmes::modules(conn, ids)?;
    Ok(programmes
        .into_values()
        .map(|p| {
            let mut parts: Vec<String> = [
                &p.legal_basis,
                &p.funder,
                &p.granting_authority,
                &p.description,
                &p.conditions,
            ]
            .into_iter()
            .filter_map(|x| x.clone())
            .collect();
            for m in modules.iter().filter(|m| m.programme_id == p.id) {
                parts.push(join_texts([
                    Some(m.name.as_str()),
                    m.description.as_deref(),
                ]));
            }
            Doc {
                kind: Kind::Programme,
                ref_id: p.id,
                body_id: p.body_id,
                public: true,
                title: p.display_name(),
                reference: None,
                body_text: join_texts(parts.iter().map(|s| Some(s.as_str()))),
                context: format!("Förderprogramm · {}", names.body(p.body_id)),
                url: format!("/foerderprogramme/{}", p.id),
                paper_type: None,
                outcome: None,
                org_ids: vec![],
                date: p.period_from.unwrap_or(p.created_at.date()),
            }
        })
        .collect())
}

// ---------------------------------------------------------------- writing

/// How `published_at` of a document new to the index is set: `now` for a
/// change happening now, the document's own date when an existing
/// database is indexed (so saved searches do not report old documents).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Stamp {
    Now,
    DocumentDate,
}

fn write(conn: &mut DbConnection, built: Vec<Built>, stamp: Stamp) -> QueryResult<()> {
    use crate::db::schema::search_documents as sd;
    let mut by_kind: HashMap<Kind, Vec<i64>> = HashMap::new();
    for b in &built {
        let (k, id) = match b {
            Built::Doc(d) => (d.kind, d.ref_id),
            Built::Gone(k, id) => (*k, *id),
        };
        by_kind.entry(k).or_default().push(id);
    }
    // (kind, ref_id) -> (id, public, published_at)
    type Existing = HashMap<(Kind, i64), (i64, bool, Option<chrono::NaiveDateTime>)>;
    let mut existing: Existing = HashMap::new();
    for (k, ids) in &by_kind {
        let rows: Vec<(i64, i64, bool, Option<chrono::NaiveDateTime>)> = sd::table
            .filter(sd::kind.eq(k.key()))
            .filter(sd::ref_id.eq_any(ids))
            .select((sd::id, sd::ref_id, sd::public, sd::published_at))
            .load(conn)?;
        for (id, r, p, at) in rows {
            existing.insert((*k, r), (id, p, at));
        }
    }
    let now = db::now();
    let seq = next_seq(conn)?;
    let mut vocabulary: HashSet<String> = HashSet::new();
    for b in built {
        match b {
            Built::Gone(k, r) => {
                if let Some((id, _, _)) = existing.get(&(k, r)) {
                    remove_fts(conn, *id)?;
                    diesel::delete(
                        search_document_organizations::table
                            .filter(search_document_organizations::document_id.eq(id)),
                    )
                    .execute(conn)?;
                    diesel::delete(sd::table.find(id)).execute(conn)?;
                }
            }
            Built::Doc(d) => {
                let body_text = cap(&d.body_text, MAX_INDEXED_CHARS).to_string();
                let title_and_ref = match &d.reference {
                    Some(r) => format!("{} {r}", d.title),
                    None => d.title.clone(),
                };
                add_words(&mut vocabulary, &title_and_ref);
                add_words(&mut vocabulary, &body_text);
                let prev = existing.get(&(d.kind, d.ref_id)).copied();
                let published_at = match (d.public, prev) {
                    (false, _) => None,
                    (true, Some((_, true, Some(at)))) => Some(at),
                    (true, None) if stamp == Stamp::DocumentDate => {
                        Some(d.date.and_time(chrono::NaiveTime::MIN).min(now))
                    }
                    (true, _) => Some(now),
                };
                let org_text = if d.org_ids.is_empty() {
                    String::new()
                } else {
                    format!(
                        ",{},",
                        d.org_ids
                            .iter()
                            .map(|o| o.to_string())
                            .collect::<Vec<_>>()
                            .join(",")
                    )
                };
                let values = (
                    sd::body_id.eq(d.body_id),
                    sd::public.eq(d.public),
                    sd::title.eq(&d.title),
                    sd::reference.eq(&d.reference),
                    sd::reference_key.eq(d.reference.as_deref().map(text::reference_key)),
                    sd::body_text.eq(&body_text),
                    sd::context.eq(&d.context),
                    sd::url.eq(&d.url),
                    sd::paper_type.eq(&d.paper_type),
                    sd::outcome.eq(&d.outcome),
                    sd::organization_ids.eq(&org_text),
                    sd::date.eq(d.date),
                    sd::year.eq(chrono::Datelike::year(&d.date)),
                    sd::published_at.eq(published_at),
                    sd::indexed_at.eq(now),
                    sd::seq.eq(seq),
                );
                let id = match prev {
                    Some((id, _, _)) => {
                        diesel::update(sd::table.find(id))
                            .set(values)
                            .execute(conn)?;
                        remove_fts(conn, id)?;
                        diesel::delete(
                            search_document_organizations::table
                                .filter(search_document_organizations::document_id.eq(id)),
                        )
                        .execute(conn)?;
                        id
                    }
                    None => diesel::insert_into(sd::table)
                        .values((sd::kind.eq(d.kind.key()), sd::ref_id.eq(d.ref_id), values))
                        .returning(sd::id)
                        .get_result(conn)?,
                };
                for o in &d.org_ids {
                    diesel::insert_into(search_document_organizations::table)
                        .values((
                            search_document_organizations::document_id.eq(id),
                            search_document_organizations::organization_id.eq(o),
                        ))
                        .execute(conn)?;
                }
                if let DbConnection::Sqlite(c) = conn {
                    diesel::sql_query(
                        "INSERT INTO search_fts (rowid, title, body) VALUES (?, ?, ?)",
                    )
                    .bind::<BigInt, _>(id)
                    .bind::<Text, _>(stems_of(&title_and_ref))
                    .bind::<Text, _>(stems_of(&body_text))
                    .execute(c)?;
                }
            }
        }
    }
    insert_words(conn, vocabulary)
}

/// Words longer than this (run-together PDF text, long numbers) stay out
/// of the vocabulary; they are still found by their stems.
const MAX_WORD_CHARS: usize = 64;

/// The lower-cased words of `text` that are no stop words, for the
/// vocabulary.
fn add_words(out: &mut HashSet<String>, text: &str) {
    for (_, w) in text::words(text) {
        if w.chars().count() > MAX_WORD_CHARS {
            continue;
        }
        let lower = w.to_lowercase();
        if !is_stop_word(&lower) && !out.contains(&lower) {
            out.insert(lower);
        }
    }
}

/// Add words to the vocabulary (those already in it are skipped).
pub fn insert_words(conn: &mut DbConnection, words: HashSet<String>) -> QueryResult<()> {
    let words: Vec<String> = words.into_iter().collect();
    for chunk in words.chunks(CHUNK) {
        match conn {
            DbConnection::Sqlite(c) => {
                let json = serde_json::to_string(chunk).unwrap_or_else(|_| "[]".to_string());
                diesel::sql_query(
                    "INSERT OR IGNORE INTO search_words (word) SELECT value FROM json_each(?)",
                )
                .bind::<Text, _>(json)
                .execute(c)?;
            }
            DbConnection::Postgresql(c) => {
                diesel::sql_query(
                    "INSERT INTO search_words (word) SELECT unnest($1::text[]) ON CONFLICT (word) DO NOTHING",
                )
                .bind::<diesel::sql_types::Array<Text>, _>(chunk)
                .execute(c)?;
            }
        }
    }
    Ok(())
}

/// The number of this index write: every document written now carries it,
/// and servers read what changed after the number they have seen. The
/// row lock (PostgreSQL) and the single writer (SQLite) make the numbers
/// follow the order of commits.
fn next_seq(conn: &mut DbConnection) -> QueryResult<i64> {
    use crate::db::schema::search_state as st;
    diesel::update(st::table.find(1))
        .set(st::seq.eq(st::seq + 1))
        .execute(conn)?;
    st::table.find(1).select(st::seq).first(conn)
}

/// SQLite: drop a document's rows from the FTS tables (PostgreSQL's
/// index columns live in the row itself).
fn remove_fts(conn: &mut DbConnection, id: i64) -> QueryResult<()> {
    if let DbConnection::Sqlite(c) = conn {
        diesel::sql_query("DELETE FROM search_fts WHERE rowid = ?")
            .bind::<BigInt, _>(id)
            .execute(c)?;
    }
    Ok(())
}

// ---------------------------------------------------------------- rebuild

/// Ids of all live records of a kind (what a full rebuild indexes).
pub fn all_ids(conn: &mut DbConnection, kind: Kind) -> QueryResult<Vec<i64>> {
    match kind {
        Kind::Paper => papers::table
            .filter(papers::deleted_at.is_null())
            .select(papers::id)
            .order(papers::id)
            .load(conn),
        Kind::Item => agenda_items::table
            .filter(agenda_items::deleted_at.is_null())
            .select(agenda_items::id)
            .order(agenda_items::id)
            .load(conn),
        Kind::Meeting => meetings::table
            .filter(meetings::deleted_at.is_null())
            .select(meetings::id)
            .order(meetings::id)
            .load(conn),
        Kind::File => files::table
            .filter(files::deleted_at.is_null())
            .select(files::id)
            .order(files::id)
            .load(conn),
        Kind::Concept => integration_concepts::table
            .filter(integration_concepts::deleted_at.is_null())
            .select(integration_concepts::id)
            .order(integration_concepts::id)
            .load(conn),
        Kind::Programme => funding_programmes::table
            .filter(funding_programmes::deleted_at.is_null())
            .select(funding_programmes::id)
            .order(funding_programmes::id)
            .load(conn),
    }
}

/// Remove documents of `kind` whose record is gone (a step of `gremium
/// search reindex`); returns how many.
pub fn remove_stale(conn: &mut DbConnection, kind: Kind) -> QueryResult<usize> {
    // read inside this transaction: records created during the rebuild stay
    let live: std::collections::HashSet<i64> = all_ids(conn, kind)?.into_iter().collect();
    let stale: Vec<i64> = search_documents::table
        .filter(search_documents::kind.eq(kind.key()))
        .select(search_documents::ref_id)
        .load::<i64>(conn)?
        .into_iter()
        .filter(|r| !live.contains(r))
        .collect();
    let n = stale.len();
    for chunk in stale.chunks(CHUNK) {
        write(
            conn,
            chunk.iter().map(|r| Built::Gone(kind, *r)).collect(),
            Stamp::Now,
        )?;
    }
    Ok(n)
}

/// SQLite: drop FTS rows that belong to no document (after a crash or a
/// manual edit); the last step of the rebuild.
pub fn remove_orphans(conn: &mut DbConnection) -> QueryResult<()> {
    if let DbConnection::Sqlite(c) = conn {
        diesel::sql_query(
            "DELETE FROM search_fts WHERE rowid NOT IN (SELECT id FROM search_documents)",
        )
        .execute(c)?;
    }
    flush(conn)?;
    optimize(conn)
}

/// SQLite: merge the FTS segments into one (after a rebuild or a large
/// import every change left segments and delete markers that slow down
/// queries). PostgreSQL's GIN indexes need nothing of the kind.
pub fn optimize(conn: &mut DbConnection) -> QueryResult<()> {
    if let DbConnection::Sqlite(c) = conn {
        diesel::sql_query("INSERT INTO search_fts (search_fts) VALUES ('optimize')").execute(c)?;
        diesel::sql_query(
            "INSERT INTO search_words_trigram (search_words_trigram) VALUES ('optimize')",
        )
        .execute(c)?;
    }
    Ok(())
}

/// Index one batch of records of a kind (a step of the rebuild).
pub fn index_batch(conn: &mut DbConnection, kind: Kind, ids: &[i64]) -> QueryResult<usize> {
    let names = Names::load(conn)?;
    let mut n = 0;
    for chunk in ids.chunks(CHUNK) {
        let built = build(conn, &names, kind, chunk)?;
        n += built.len();
        write(conn, built, Stamp::DocumentDate)?;
    }
    Ok(n)
}

/// An index that is empty while there are records (a database from before
/// the search, or restored without it) is built at start-up, with each
/// document's own date as its publication date.
pub fn ensure_built(conn: &mut DbConnection) -> QueryResult<Option<usize>> {
    let docs: i64 = search_documents::table.count().get_result(conn)?;
    let records: i64 = meetings::table.count().get_result::<i64>(conn)?
        + papers::table.count().get_result::<i64>(conn)?;
    if docs > 0 {
        // an index from before the vocabulary (migration 9) gets one
        let words: i64 = search_words::table.count().get_result(conn)?;
        if words == 0 {
            rebuild_vocabulary(conn)?;
        }
        return Ok(None);
    }
    if records == 0 {
        return Ok(None);
    }
    let mut n = 0;
    for kind in Kind::ALL {
        let ids = all_ids(conn, kind)?;
        for chunk in ids.chunks(5000) {
            n += crate::edit::write_transaction(conn, |c| index_batch(c, kind, chunk))?;
        }
    }
    Ok(Some(n))
}

/// Rebuild the vocabulary from the stored documents (the last step of
/// `gremium search reindex`, and the upgrade of an older index): words of
/// deleted or changed texts leave it. Reading runs outside a write
/// transaction; words written meanwhile get higher ids and are kept.
pub fn rebuild_vocabulary(conn: &mut DbConnection) -> QueryResult<usize> {
    use crate::db::schema::search_documents as sd;
    use crate::db::schema::search_words as sw;
    let known_max: i64 = sw::table
        .select(diesel::dsl::max(sw::id))
        .first::<Option<i64>>(conn)?
        .unwrap_or(0);
    let mut words: HashSet<String> = HashSet::new();
    let mut after = 0i64;
    loop {
        let rows: Vec<(i64, String, Option<String>, String)> = sd::table
            .filter(sd::id.gt(after))
            .order(sd::id)
            .limit(2000)
            .select((sd::id, sd::title, sd::reference, sd::body_text))
            .load(conn)?;
        let Some(last) = rows.last() else { break };
        after = last.0;
        for (_, title, reference, body) in &rows {
            add_words(&mut words, title);
            if let Some(r) = reference {
                add_words(&mut words, r);
            }
            add_words(&mut words, body);
        }
    }
    let n = words.len();
    crate::edit::write_transaction(conn, |c| -> QueryResult<()> {
        let old: Vec<(i64, String)> = sw::table
            .filter(sw::id.le(known_max))
            .select((sw::id, sw::word))
            .load(c)?;
        let gone: Vec<i64> = old
            .into_iter()
            .filter(|(_, w)| !words.contains(w))
            .map(|(id, _)| id)
            .collect();
        for chunk in gone.chunks(CHUNK) {
            diesel::delete(sw::table.filter(sw::id.eq_any(chunk))).execute(c)?;
        }
        insert_words(c, std::mem::take(&mut words))
    })?;
    Ok(n)
}
