//! What the result list needs of every matching document besides its id
//! (kind, visibility, facet values, dates), kept in memory per database.
//!
//! A typical word matches thousands of documents; reading their rows for
//! the facet counts cost more than the search itself. Each server keeps
//! these few columns of all documents instead and, before a search, reads
//! the rows written since (every index write numbers its rows with
//! `search_state.seq`). A search uses the store only when it is at exactly
//! the number of the search's own snapshot; otherwise (a search that
//! started before a newer one refreshed the store) it reads the rows of its
//! matches from the database. Both ways give the same answer, so several
//! servers on one PostgreSQL stay correct.
//!
//! Documents deleted from the index stay in the store until the process
//! restarts; they are never looked up, since the index no longer finds
//! them. After restoring a backup into a running system, restart the
//! servers (the page cache needs that too).

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, LazyLock, Mutex, RwLock};

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::Kind;
use crate::db::schema::search_documents as sd;
use crate::db::schema::search_state as st;
use crate::db::DbConnection;

/// The columns of one document that filtering, facets and ordering need.
#[derive(Debug, Clone)]
pub struct Meta {
    pub kind: Kind,
    pub public: bool,
    pub body_id: i64,
    pub orgs: Box<[i64]>,
    pub paper_type: Option<Arc<str>>,
    pub outcome: Option<Arc<str>>,
    pub date: NaiveDate,
    pub published_at: Option<NaiveDateTime>,
}

/// Look-up of a document's [`Meta`] by id.
pub trait Lookup {
    fn get(&self, id: i64) -> Option<&Meta>;
}

impl Lookup for HashMap<i64, Meta> {
    fn get(&self, id: i64) -> Option<&Meta> {
        HashMap::get(self, &id)
    }
}

/// Ids below this are slots of a vector (ids are dense: SQLite rowids,
/// PostgreSQL serials); others, if ever, go to a map.
const DENSE_IDS: i64 = 50_000_000;

#[derive(Default)]
struct Store {
    /// the index write the store reflects (-1: nothing loaded yet)
    seq: i64,
    docs: Vec<Option<Meta>>,
    far: HashMap<i64, Meta>,
    strings: HashSet<Arc<str>>,
}

impl Store {
    fn insert(&mut self, id: i64, m: Meta) {
        if (0..DENSE_IDS).contains(&id) {
            let i = id as usize;
            if self.docs.len() <= i {
                self.docs.resize_with(i + 1, || None);
            }
            self.docs[i] = Some(m);
        } else {
            self.far.insert(id, m);
        }
    }
}

impl Lookup for Store {
    fn get(&self, id: i64) -> Option<&Meta> {
        if (0..DENSE_IDS).contains(&id) {
            self.docs.get(id as usize).and_then(Option::as_ref)
        } else {
            self.far.get(&id)
        }
    }
}

type MetaRow = (
    i64,
    String,
    bool,
    i64,
    String,
    Option<String>,
    Option<String>,
    NaiveDate,
    Option<NaiveDateTime>,
);

fn meta_of(r: MetaRow, intern: &mut impl FnMut(String) -> Arc<str>) -> Option<(i64, Meta)> {
    let (id, kind, public, body_id, orgs, paper_type, outcome, date, published_at) = r;
    Some((
        id,
        Meta {
            kind: Kind::from_key(&kind)?,
            public,
            body_id,
            orgs: orgs.split(',').filter_map(|o| o.parse().ok()).collect(),
            paper_type: paper_type.map(&mut *intern),
            outcome: outcome.map(&mut *intern),
            date,
            published_at,
        },
    ))
}

macro_rules! meta_columns {
    () => {
        (
            sd::id,
            sd::kind,
            sd::public,
            sd::body_id,
            sd::organization_ids,
            sd::paper_type,
            sd::outcome,
            sd::date,
            sd::published_at,
        )
    };
}

impl Store {
    fn new() -> Store {
        Store {
            seq: -1,
            ..Store::default()
        }
    }

    /// Read the rows written after `self.seq` (up to `seq`, the snapshot's).
    fn refresh(&mut self, conn: &mut DbConnection, seq: i64) -> QueryResult<()> {
        let rows: Vec<MetaRow> = sd::table
            .filter(sd::seq.gt(self.seq))
            .select(meta_columns!())
            .load(conn)?;
        let mut strings = std::mem::take(&mut self.strings);
        let mut intern = |s: String| -> Arc<str> {
            match strings.get(s.as_str()) {
                Some(a) => a.clone(),
                None => {
                    let a: Arc<str> = s.into();
                    strings.insert(a.clone());
                    a
                }
            }
        };
        for r in rows {
            if let Some((id, m)) = meta_of(r, &mut intern) {
                self.insert(id, m);
            }
        }
        self.strings = strings;
        self.seq = seq;
        Ok(())
    }
}

static STORES: LazyLock<Mutex<HashMap<String, Arc<RwLock<Store>>>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

/// Run `f` with the [`Meta`] of (at least) the documents `ids`, as of the
/// snapshot the caller's transaction reads.
pub fn with<R>(
    conn: &mut DbConnection,
    ids: &[i64],
    f: impl FnOnce(&dyn Lookup) -> R,
) -> QueryResult<R> {
    let (instance, seq): (String, i64) = st::table
        .find(1)
        .select((st::instance, st::seq))
        .first(conn)?;
    let cell = STORES
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .entry(instance)
        .or_insert_with(|| Arc::new(RwLock::new(Store::new())))
        .clone();
    {
        let g = cell.read().unwrap_or_else(|e| e.into_inner());
        if g.seq == seq {
            return Ok(f(&*g));
        }
    }
    {
        let mut g = cell.write().unwrap_or_else(|e| e.into_inner());
        if g.seq < seq {
            g.refresh(conn, seq)?;
        }
        if g.seq == seq {
            return Ok(f(&*g));
        }
    }
    // the store is ahead of this snapshot: read the matches' rows
    let loaded = load(conn, ids)?;
    Ok(f(&loaded))
}

/// Load the store at start-up, so the first search is not the slow one.
pub fn warm(conn: &mut DbConnection) -> QueryResult<()> {
    crate::db::read_snapshot(conn, |c| with(c, &[], |_| ()))
}

/// The [`Meta`] of `ids`, read from the database.
pub fn load(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<HashMap<i64, Meta>> {
    let mut out = HashMap::with_capacity(ids.len());
    let mut intern = |s: String| -> Arc<str> { s.into() };
    for chunk in ids.chunks(5000) {
        let rows: Vec<MetaRow> = sd::table
            .filter(sd::id.eq_any(chunk))
            .select(meta_columns!())
            .load(conn)?;
        out.extend(rows.into_iter().filter_map(|r| meta_of(r, &mut intern)));
    }
    Ok(out)
}
