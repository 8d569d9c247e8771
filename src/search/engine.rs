//! Running a parsed query. The database finds the ids of the matching
//! documents (one index query per backend); which of them the viewer may
//! see, the filters, the facet counts and the order are worked out here
//! from each document's [`Meta`](super::store::Meta). Same contract on
//! both backends:
//!
//! * a document matches when it matches every term; a word matches by its
//!   stem as a prefix (SQLite: FTS5 over Rust-stemmed words; PostgreSQL:
//!   `german` tsvector), or, from three letters, as a part of a word: the
//!   vocabulary (`search_words`, trigram index) gives the words containing
//!   it, which are searched by their stems; phrases match in order, and a
//!   reference number also by the paper's exact reference;
//! * `title_hit` says whether all terms match the title, `ref_hit` whether
//!   a reference matched exactly.
//!
//! Everything the visitor typed reaches the database as a bound parameter
//! or as quoted words of letters and digits.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sql_types::{Nullable, Text};

use super::query::{ParsedQuery, Term, TermKind};
use super::store::{self, Lookup, Meta};
use super::{FacetCounts, Kind};
use crate::db::DbConnection;

/// Whose search this is: what non-public documents it may find.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// anonymous visitors (and anyone without further rights)
    Public,
    /// administrators and clerks without a body: everything
    All,
    /// clerks of a body: the public documents and all of their body
    Body(i64),
    /// council members: the public documents and those of their committees
    Member(Vec<i64>),
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filters {
    pub body: Option<i64>,
    pub organization: Option<i64>,
    pub kind: Option<Kind>,
    pub paper_type: Option<String>,
    pub year: Option<i32>,
    pub outcome: Option<String>,
    /// only documents that became public in `[from, until)` (digests:
    /// consecutive windows never miss or repeat a document)
    pub published: Option<(chrono::NaiveDateTime, chrono::NaiveDateTime)>,
}

/// One visible, filtered match: what ordering needs.
#[derive(Debug, Clone, Copy)]
pub struct Row {
    pub id: i64,
    pub kind: Kind,
    pub date: NaiveDate,
    pub title_hit: bool,
    pub ref_hit: bool,
}

pub struct Matches {
    pub rows: Vec<Row>,
    pub facets: FacetCounts,
}

/// All documents matching `q` that `scope` may see, filtered, with the
/// facet counts over them. Run it inside [`crate::db::read_snapshot`].
/// `titles`: whether title hits are needed (ordering by relevance).
pub fn matches(
    conn: &mut DbConnection,
    q: &ParsedQuery,
    scope: &Scope,
    f: &Filters,
    titles: bool,
) -> QueryResult<Matches> {
    let found = match conn {
        DbConnection::Sqlite(_) => sqlite_ids(conn, q, titles)?,
        DbConnection::Postgresql(_) => pg_ids(conn, q, titles)?,
    };
    store::with(conn, &found.ids, |docs| select(docs, &found, scope, f))
}

/// Ids found by the index, before visibility and filters.
#[derive(Default)]
struct Found {
    ids: Vec<i64>,
    titles: HashSet<i64>,
    refs: HashSet<i64>,
}

fn visible(m: &Meta, scope: &Scope) -> bool {
    m.public
        || match scope {
            Scope::Public => false,
            Scope::All => true,
            Scope::Body(b) => m.body_id == *b,
            Scope::Member(orgs) => m.orgs.iter().any(|o| orgs.contains(o)),
        }
}

fn wanted(m: &Meta, f: &Filters) -> bool {
    f.body.is_none_or(|b| m.body_id == b)
        && f.organization.is_none_or(|o| m.orgs.contains(&o))
        && f.kind.is_none_or(|k| m.kind == k)
        && f.paper_type
            .as_deref()
            .is_none_or(|t| m.paper_type.as_deref() == Some(t))
        && f.year.is_none_or(|y| chrono::Datelike::year(&m.date) == y)
        && f.outcome
            .as_deref()
            .is_none_or(|o| m.outcome.as_deref() == Some(o))
        && f.published
            .is_none_or(|(from, until)| m.published_at.is_some_and(|at| at >= from && at < until))
}

fn select(docs: &dyn Lookup, found: &Found, scope: &Scope, f: &Filters) -> Matches {
    let mut rows = Vec::with_capacity(found.ids.len());
    let mut kind: HashMap<Kind, usize> = HashMap::default();
    let mut body: HashMap<i64, usize> = HashMap::default();
    let mut org: HashMap<i64, usize> = HashMap::default();
    let mut paper_type: HashMap<&str, usize> = HashMap::default();
    let mut year: HashMap<i32, usize> = HashMap::default();
    let mut outcome: HashMap<&str, usize> = HashMap::default();
    for &id in &found.ids {
        let Some(m) = docs.get(id) else { continue };
        if !visible(m, scope) || !wanted(m, f) {
            continue;
        }
        *kind.entry(m.kind).or_default() += 1;
        *body.entry(m.body_id).or_default() += 1;
        for o in m.orgs.iter() {
            *org.entry(*o).or_default() += 1;
        }
        if let Some(t) = m.paper_type.as_deref() {
            *paper_type.entry(t).or_default() += 1;
        }
        *year.entry(chrono::Datelike::year(&m.date)).or_default() += 1;
        if let Some(o) = m.outcome.as_deref() {
            *outcome.entry(o).or_default() += 1;
        }
        rows.push(Row {
            id,
            kind: m.kind,
            date: m.date,
            title_hit: found.titles.contains(&id),
            ref_hit: found.refs.contains(&id),
        });
    }
    let owned = |m: HashMap<&str, usize>| -> std::collections::HashMap<String, usize> {
        m.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
    };
    Matches {
        rows,
        facets: FacetCounts {
            kind: super::ranked(kind.into_iter().collect(), false),
            body: super::ranked(body.into_iter().collect(), true),
            organization: super::ranked(org.into_iter().collect(), true),
            paper_type: super::ranked(owned(paper_type), true),
            year: super::ranked(year.into_iter().collect(), false),
            outcome: super::ranked(owned(outcome), true),
        },
    }
}

/// Words of the vocabulary that contain `needle` (lower-cased).
fn words_containing(conn: &mut DbConnection, needle: &str) -> QueryResult<Vec<String>> {
    #[derive(QueryableByName)]
    struct W {
        #[diesel(sql_type = Text)]
        word: String,
    }
    let rows: Vec<W> = match conn {
        DbConnection::Sqlite(c) => diesel::sql_query(
            "SELECT word FROM search_words_trigram WHERE search_words_trigram MATCH ?",
        )
        .bind::<Text, _>(format!("\"{}\"", needle.replace('"', "\"\"")))
        .load(c)?,
        DbConnection::Postgresql(c) => {
            diesel::sql_query("SELECT word FROM search_words WHERE word LIKE $1 ESCAPE '\\'")
                .bind::<Text, _>(like_pattern(needle))
                .load(c)?
        }
    };
    Ok(rows.into_iter().map(|w| w.word).collect())
}

/// `%needle%` with `\` escaping LIKE's wildcards.
fn like_pattern(needle: &str) -> String {
    let mut p = String::from("%");
    for ch in needle.chars() {
        if matches!(ch, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(ch);
    }
    p.push('%');
    p
}

/// The words (other than stop words) that contain a word term as a part,
/// for terms that are searched that way.
fn expansions(conn: &mut DbConnection, t: &Term) -> QueryResult<Vec<String>> {
    match t.substring() {
        Some(needle) => words_containing(conn, needle),
        None => Ok(Vec::new()),
    }
}

/// Comma-separated ids (group_concat / string_agg) into a list.
fn id_list(s: Option<String>) -> Vec<i64> {
    s.map(|s| s.split(',').filter_map(|x| x.parse().ok()).collect())
        .unwrap_or_default()
}

#[derive(QueryableByName)]
struct IdText {
    #[diesel(sql_type = Nullable<Text>)]
    ids: Option<String>,
}

#[derive(QueryableByName)]
struct IdTexts {
    #[diesel(sql_type = Nullable<Text>)]
    ids: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    titles: Option<String>,
}

fn reference_ids(conn: &mut DbConnection, refs: &[&str]) -> QueryResult<Vec<i64>> {
    use crate::db::schema::search_documents as sd;
    if refs.is_empty() {
        return Ok(Vec::new());
    }
    sd::table
        .filter(sd::reference_key.eq_any(refs))
        .select(sd::id)
        .load(conn)
}

/// SQLite: ids from FTS5 over the stemmed columns.
fn sqlite_ids(conn: &mut DbConnection, q: &ParsedQuery, titles: bool) -> QueryResult<Found> {
    let mut plain = Vec::new();
    let mut references: Vec<(String, &str)> = Vec::new();
    for t in &q.terms {
        let Some(own) = t.fts5() else { continue };
        let mut alts = vec![own];
        if t.kind == TermKind::Word {
            let own_stem = t.stems().concat();
            let mut seen = HashSet::default();
            for w in expansions(conn, t)? {
                let s = super::text::stem(&w);
                // stems that start with the term's own are found already
                if !s.starts_with(&own_stem) && seen.insert(s.clone()) {
                    alts.push(format!("\"{s}\""));
                }
            }
        }
        let expr = if alts.len() == 1 {
            alts.remove(0)
        } else {
            format!("({})", alts.join(" OR "))
        };
        if t.kind == TermKind::Reference {
            references.push((expr, t.text.as_str()));
        } else {
            plain.push(expr);
        }
    }
    let DbConnection::Sqlite(c) = conn else {
        return Ok(Found::default());
    };
    let fts = sqlite_fts;
    let first: Option<Vec<i64>> = if plain.is_empty() {
        None
    } else {
        Some(fts(c, &plain.join(" AND "))?)
    };
    let mut refs = HashSet::default();
    if references.is_empty() {
        let ids = first.unwrap_or_default();
        let titles = if titles && !ids.is_empty() {
            title_ids(conn, q)?
        } else {
            HashSet::default()
        };
        return Ok(Found { ids, titles, refs });
    }
    let mut ids: Option<HashSet<i64>> = first.map(|v| v.into_iter().collect());
    for (expr, key) in &references {
        let by_ref = reference_ids(conn, &[key])?;
        let DbConnection::Sqlite(c) = conn else {
            return Ok(Found::default());
        };
        refs.extend(by_ref.iter().copied());
        let mut set: HashSet<i64> = fts(c, expr)?.into_iter().collect();
        set.extend(by_ref);
        ids = Some(match ids {
            None => set,
            Some(prev) => prev.intersection(&set).copied().collect(),
        });
    }
    let ids: Vec<i64> = ids.map(|s| s.into_iter().collect()).unwrap_or_default();
    let titles = if titles && !ids.is_empty() {
        title_ids(conn, q)?
    } else {
        HashSet::default()
    };
    Ok(Found { ids, titles, refs })
}

fn sqlite_fts(c: &mut diesel::SqliteConnection, expr: &str) -> QueryResult<Vec<i64>> {
    let r: IdText = diesel::sql_query(
        "SELECT group_concat(rowid) AS ids FROM search_fts WHERE search_fts MATCH ?",
    )
    .bind::<Text, _>(expr)
    .get_result(c)?;
    Ok(id_list(r.ids))
}

/// SQLite: documents whose title matches every term by its stems.
fn title_ids(conn: &mut DbConnection, q: &ParsedQuery) -> QueryResult<HashSet<i64>> {
    let all: Vec<String> = q.terms.iter().filter_map(|t| t.fts5()).collect();
    match conn {
        DbConnection::Sqlite(c) if !all.is_empty() => {
            Ok(sqlite_fts(c, &format!("title : ({})", all.join(" AND ")))?
                .into_iter()
                .collect())
        }
        _ => Ok(HashSet::default()),
    }
}

/// PostgreSQL: ids from the `german` tsvector (and references).
fn pg_ids(conn: &mut DbConnection, q: &ParsedQuery, titles: bool) -> QueryResult<Found> {
    let mut binds: Vec<String> = Vec::new();
    let mut p = |s: String| -> String {
        binds.push(s);
        format!("${}", binds.len())
    };
    let mut conds = Vec::new();
    let mut all = Vec::new();
    for t in &q.terms {
        let (func, text) = t.pg_tsquery();
        let own = format!("{func}('german', {})", p(text));
        all.push(own.clone());
        let mut alts = vec![format!("d.tsv @@ {own}")];
        let words = if t.kind == TermKind::Word {
            expansions(conn, t)?
        } else {
            Vec::new()
        };
        if !words.is_empty() {
            // words of letters and digits only: quoted, they are lexemes
            let list = words
                .iter()
                .map(|w| format!("'{}'", w.replace('\'', "''")))
                .collect::<Vec<_>>()
                .join(" | ");
            alts.push(format!("d.tsv @@ to_tsquery('german', {})", p(list)));
        }
        if t.kind == TermKind::Reference {
            alts.push(format!("d.reference_key = {}", p(t.text.clone())));
        }
        conds.push(format!("({})", alts.join(" OR ")));
    }
    if conds.is_empty() {
        return Ok(Found::default());
    }
    let title = if titles {
        format!(
            "string_agg(CASE WHEN d.title_tsv @@ ({}) THEN d.id::text END, ',')",
            all.join(" && ")
        )
    } else {
        "NULL::text".to_string()
    };
    let sql = format!(
        "SELECT string_agg(d.id::text, ',') AS ids, {title} AS titles FROM search_documents d WHERE {}",
        conds.join(" AND ")
    );
    let DbConnection::Postgresql(c) = conn else {
        return Ok(Found::default());
    };
    let mut query = diesel::sql_query(sql).into_boxed::<diesel::pg::Pg>();
    for b in binds {
        query = query.bind::<Text, _>(b);
    }
    let r: IdTexts = query.get_result(c)?;
    let refs = reference_ids(conn, &q.references())?;
    Ok(Found {
        ids: id_list(r.ids),
        titles: id_list(r.titles).into_iter().collect(),
        refs: refs.into_iter().collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_wildcards_typed_by_visitors_are_escaped() {
        assert_eq!(like_pattern("100%_x"), "%100\\%\\_x%");
        assert_eq!(like_pattern("a\\b"), "%a\\\\b%");
    }
}
