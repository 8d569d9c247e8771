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

use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDate;
use diesel::prelude::*;

use super::text::{self};
use super::Kind;
use crate::db::models::{Body, Organization};
use crate::db::schema::*;
use crate::db::{self, DbConnection};

mod documents;
mod rebuild;
mod write;

pub use rebuild::{
    all_ids, ensure_built, index_batch, optimize, rebuild_vocabulary, remove_orphans, remove_stale,
};
pub use write::insert_words;

use documents::{concepts, files, items, meetings, papers, programmes};
use write::{write, Stamp};

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
