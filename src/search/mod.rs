//! Full-text search over papers, agenda items, meetings, files (with the
//! text of their PDFs), integration concepts and funding programmes.
//!
//! * [`query`] reads the search box, [`engine`] runs it (SQLite FTS5 or
//!   PostgreSQL tsvector, chosen by the connection; parts of words through
//!   the vocabulary), [`store`] holds the facet columns in memory, [`index`]
//!   keeps the index current, [`snippet`] marks the hits, [`saved`] holds
//!   saved searches and their digests.
//! * Ranking: exact reference hits first (the paper before the items that
//!   treat it), then documents with all terms in the title, then newest
//!   first. Both backends give the same order: no backend-specific score
//!   (bm25, ts_rank) takes part.

pub mod engine;
pub mod index;
pub mod params;
pub mod query;
pub mod saved;
pub mod snippet;
pub mod store;
pub mod text;

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::search_documents as sd;
use crate::db::DbConnection;
pub use engine::{Filters, Scope};
pub use query::{parse, ParsedQuery, Refused};

/// What a search document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Paper,
    Item,
    Meeting,
    File,
    Concept,
    Programme,
}

impl Kind {
    pub const ALL: [Kind; 6] = [
        Kind::Paper,
        Kind::Item,
        Kind::Meeting,
        Kind::File,
        Kind::Concept,
        Kind::Programme,
    ];
    pub fn key(self) -> &'static str {
        match self {
            Kind::Paper => "vorlage",
            Kind::Item => "tagesordnungspunkt",
            Kind::Meeting => "sitzung",
            Kind::File => "datei",
            Kind::Concept => "integrationskonzept",
            Kind::Programme => "foerderprogramm",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Kind::Paper => "Vorlage",
            Kind::Item => "Tagesordnungspunkt",
            Kind::Meeting => "Sitzung",
            Kind::File => "Datei",
            Kind::Concept => "Integrationskonzept",
            Kind::Programme => "Förderprogramm",
        }
    }
    pub fn plural(self) -> &'static str {
        match self {
            Kind::Paper => "Vorlagen",
            Kind::Item => "Tagesordnungspunkte",
            Kind::Meeting => "Sitzungen",
            Kind::File => "Dateien",
            Kind::Concept => "Integrationskonzepte",
            Kind::Programme => "Förderprogramme",
        }
    }
    pub fn from_key(k: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|x| x.key() == k)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    #[default]
    Relevance,
    Newest,
    Oldest,
}

impl Sort {
    pub fn key(self) -> &'static str {
        match self {
            Sort::Relevance => "relevanz",
            Sort::Newest => "neueste",
            Sort::Oldest => "aelteste",
        }
    }
    pub fn from_key(k: &str) -> Option<Sort> {
        [Sort::Relevance, Sort::Newest, Sort::Oldest]
            .into_iter()
            .find(|s| s.key() == k)
    }
}

/// Counts per facet value over all matches: (value, count).
#[derive(Debug, Clone, Default)]
pub struct FacetCounts {
    pub kind: Vec<(Kind, usize)>,
    pub body: Vec<(i64, usize)>,
    pub organization: Vec<(i64, usize)>,
    pub paper_type: Vec<(String, usize)>,
    pub year: Vec<(i32, usize)>,
    pub outcome: Vec<(String, usize)>,
}

/// Facet values with their counts, by count (then value) or by value.
fn ranked<K: Ord>(m: HashMap<K, usize>, by_count: bool) -> Vec<(K, usize)> {
    let mut v: Vec<(K, usize)> = m.into_iter().collect();
    if by_count {
        v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    } else {
        v.sort_by(|a, b| a.0.cmp(&b.0));
    }
    v
}

/// One hit as the result list shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    pub kind: &'static str,
    pub kind_label: &'static str,
    pub title: Vec<snippet::Segment>,
    pub snippet: Vec<snippet::Segment>,
    pub url: String,
    pub context: String,
    pub public: bool,
    pub date: String,
    /// when it became public (RFC 3339), for feeds
    pub published: String,
    pub outcome: Option<&'static str>,
}

pub struct Results {
    pub total: usize,
    pub hits: Vec<Hit>,
    pub facets: FacetCounts,
}

/// A document's stored fields for the result list.
#[derive(Debug, Clone, Queryable)]
pub struct Stored {
    pub id: i64,
    pub kind: String,
    pub title: String,
    pub body_text: String,
    pub context: String,
    pub url: String,
    pub public: bool,
    pub date: NaiveDate,
    pub outcome: Option<String>,
    pub published_at: Option<NaiveDateTime>,
}

pub fn stored(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<HashMap<i64, Stored>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(sd::table
        .filter(sd::id.eq_any(ids))
        .select((
            sd::id,
            sd::kind,
            sd::title,
            sd::body_text,
            sd::context,
            sd::url,
            sd::public,
            sd::date,
            sd::outcome,
            sd::published_at,
        ))
        .load::<Stored>(conn)?
        .into_iter()
        .map(|s| (s.id, s))
        .collect())
}

pub fn hit(s: &Stored, m: &snippet::Matcher) -> Hit {
    let kind = Kind::from_key(&s.kind).unwrap_or(Kind::Paper);
    Hit {
        kind: kind.key(),
        kind_label: kind.label(),
        title: snippet::highlight(&s.title, m),
        snippet: snippet::snippet(&s.body_text, m, 240),
        url: s.url.clone(),
        context: s.context.clone(),
        public: s.public,
        date: crate::base::dates::date(s.date),
        published: crate::base::dates::rfc3339(
            s.published_at
                .unwrap_or_else(|| s.date.and_time(chrono::NaiveTime::MIN)),
        ),
        outcome: s
            .outcome
            .as_deref()
            .and_then(crate::domain::Outcome::from_key)
            .map(|o| o.label()),
    }
}

/// Run a search: all matches ranked and counted, one page of hits built,
/// all from one snapshot of the database.
pub fn search(
    conn: &mut DbConnection,
    q: &ParsedQuery,
    scope: &Scope,
    filters: &Filters,
    sort: Sort,
    offset: usize,
    limit: usize,
) -> QueryResult<Results> {
    crate::db::read_snapshot(conn, |c| {
        let found = engine::matches(c, q, scope, filters, sort == Sort::Relevance)?;
        let mut rows = found.rows;
        let total = rows.len();
        let key = |r: &engine::Row| (r.date, r.id);
        let order = |a: &engine::Row, b: &engine::Row| match sort {
            Sort::Relevance => b
                .ref_hit
                .cmp(&a.ref_hit)
                // for a reference number: the paper before what treats it
                .then(
                    (b.ref_hit && b.kind == Kind::Paper).cmp(&(a.ref_hit && a.kind == Kind::Paper)),
                )
                .then(b.title_hit.cmp(&a.title_hit))
                .then(key(b).cmp(&key(a))),
            Sort::Newest => key(b).cmp(&key(a)),
            Sort::Oldest => key(a).cmp(&key(b)),
        };
        // only the rows up to the requested page need their order
        let wanted = (offset + limit).min(rows.len());
        if wanted > 0 && wanted < rows.len() {
            rows.select_nth_unstable_by(wanted - 1, order);
            rows.truncate(wanted);
        }
        rows.sort_unstable_by(order);
        let page: Vec<i64> = rows.iter().skip(offset).take(limit).map(|r| r.id).collect();
        let docs = stored(c, &page)?;
        let m = snippet::Matcher::new(q);
        let hits = page
            .iter()
            .filter_map(|id| docs.get(id))
            .map(|s| hit(s, &m))
            .collect();
        Ok(Results {
            total,
            hits,
            facets: found.facets,
        })
    })
}
