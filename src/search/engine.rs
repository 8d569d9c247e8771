//! Running a parsed query: one SQL statement per backend that returns
//! every matching document the viewer may see, with what ranking and
//! facets need. Same contract on both backends:
//!
//! * a document matches when it matches every term; a term matches by its
//!   stems (SQLite: FTS5 over Rust-stemmed words; PostgreSQL: `german`
//!   tsvector), as a substring of three or more characters (SQLite: FTS5
//!   trigram; PostgreSQL: `pg_trgm`), or, for a reference number, by the
//!   paper's reference;
//! * `score` is the backend's relevance (bm25 with title weight 10,
//!   `ts_rank` with title weight A), `title_hit` says whether all terms
//!   occur in the title, `ref_hit` whether a reference matched exactly.
//!
//! Everything the visitor typed reaches the database as a bound parameter.

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Date, Double, Integer, Nullable, Text, Timestamp};

use super::query::ParsedQuery;
use super::Kind;
use crate::auth::Viewer;
use crate::db::DbConnection;
use crate::domain::UserRole;

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

impl Scope {
    pub fn of(viewer: &Viewer) -> Scope {
        match viewer.user() {
            None => Scope::Public,
            Some(u) => match u.role {
                UserRole::Admin => Scope::All,
                UserRole::Clerk => match u.body_id {
                    None => Scope::All,
                    Some(b) => Scope::Body(b),
                },
                UserRole::Member if !u.member_orgs.is_empty() => {
                    Scope::Member(u.member_orgs.clone())
                }
                UserRole::Member => Scope::Public,
            },
        }
    }
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

#[derive(Debug, QueryableByName)]
pub struct Row {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Text)]
    pub kind: String,
    #[diesel(sql_type = BigInt)]
    pub body_id: i64,
    #[diesel(sql_type = Text)]
    pub organization_ids: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub paper_type: Option<String>,
    #[diesel(sql_type = Integer)]
    pub year: i32,
    #[diesel(sql_type = Nullable<Text>)]
    pub outcome: Option<String>,
    #[diesel(sql_type = Date)]
    pub date: NaiveDate,
    #[diesel(sql_type = Nullable<Double>)]
    pub score: Option<f64>,
    #[diesel(sql_type = Bool)]
    pub title_hit: bool,
    #[diesel(sql_type = Bool)]
    pub ref_hit: bool,
}

impl Row {
    pub fn organizations(&self) -> impl Iterator<Item = i64> + '_ {
        self.organization_ids
            .split(',')
            .filter_map(|x| x.parse().ok())
    }
}

enum Bind {
    Text(String),
    Int(i64),
    Time(chrono::NaiveDateTime),
}

/// SQL text and its parameters, with placeholders for one backend.
struct Sql {
    text: String,
    binds: Vec<Bind>,
    pg: bool,
}

impl Sql {
    fn param(&mut self, b: Bind) -> String {
        self.binds.push(b);
        if self.pg {
            format!("${}", self.binds.len())
        } else {
            "?".to_string()
        }
    }
    fn text(&mut self, s: &str) -> String {
        self.param(Bind::Text(s.to_string()))
    }
    fn int(&mut self, i: i64) -> String {
        self.param(Bind::Int(i))
    }
    fn push(&mut self, s: &str) {
        self.text.push_str(s);
    }
}

/// All documents matching `q` that `scope` may see, filtered.
pub fn matches(
    conn: &mut DbConnection,
    q: &ParsedQuery,
    scope: &Scope,
    f: &Filters,
) -> QueryResult<Vec<Row>> {
    let pg = matches!(conn, DbConnection::Postgresql(_));
    let mut sql = Sql {
        text: String::new(),
        binds: Vec::new(),
        pg,
    };
    let refs = q.references();
    if pg {
        let all: Vec<(&str, String)> = q.terms.iter().map(|t| t.pg_tsquery()).collect();
        let mut all_q = Vec::new();
        for (func, text) in &all {
            let p = sql.text(text);
            all_q.push(format!("{func}('german', {p})"));
        }
        let all_q = all_q.join(" && ");
        let ref_hit = if refs.is_empty() {
            "FALSE".to_string()
        } else {
            let ps: Vec<String> = refs.iter().map(|r| sql.text(r)).collect();
            format!("COALESCE(d.reference_key IN ({}), FALSE)", ps.join(", "))
        };
        sql.push(&format!(
            "SELECT d.id, d.kind, d.body_id, d.organization_ids, d.paper_type, d.year, d.outcome, d.date, \
             ts_rank(d.tsv, {all_q})::float8 AS score, (d.title_tsv @@ ({all_q})) AS title_hit, {ref_hit} AS ref_hit \
             FROM search_documents d WHERE TRUE"
        ));
        for t in &q.terms {
            let (func, text) = t.pg_tsquery();
            let p = sql.text(&text);
            let mut alts = vec![format!("d.tsv @@ {func}('german', {p})")];
            if let Some(like) = t.like_pattern() {
                let p = sql.text(&like);
                alts.push(format!("d.search_text LIKE {p}"));
            }
            if t.kind == super::query::TermKind::Reference {
                let p = sql.text(&t.text);
                alts.push(format!("d.reference_key = {p}"));
            }
            sql.push(&format!(" AND ({})", alts.join(" OR ")));
        }
    } else {
        let ref_hit = if refs.is_empty() {
            "0".to_string()
        } else {
            let ps: Vec<String> = refs.iter().map(|r| sql.text(r)).collect();
            format!("COALESCE(d.reference_key IN ({}), 0)", ps.join(", "))
        };
        // score and title hits come from two plain FTS queries afterwards
        // (see `rank_sqlite`): an FTS subquery joined here would be run
        // again for every row
        sql.push(&format!(
            "SELECT d.id, d.kind, d.body_id, d.organization_ids, d.paper_type, d.year, d.outcome, d.date, \
             NULL AS score, 0 AS title_hit, {ref_hit} AS ref_hit \
             FROM search_documents d WHERE 1 = 1"
        ));
        for t in &q.terms {
            let mut alts = Vec::new();
            if let Some(e) = t.fts5() {
                let p = sql.text(&e);
                alts.push(format!(
                    "SELECT rowid FROM search_fts WHERE search_fts MATCH {p}"
                ));
            }
            if let Some(e) = t.trigram() {
                let p = sql.text(&e);
                alts.push(format!(
                    "SELECT rowid FROM search_trigram WHERE search_trigram MATCH {p}"
                ));
            }
            if t.kind == super::query::TermKind::Reference {
                let p = sql.text(&t.text);
                alts.push(format!(
                    "SELECT id FROM search_documents WHERE reference_key = {p}"
                ));
            }
            if alts.is_empty() {
                continue;
            }
            sql.push(&format!(" AND d.id IN ({})", alts.join(" UNION ")));
        }
    }
    let public = if pg { "d.public" } else { "d.public = 1" };
    match scope {
        Scope::All => {}
        Scope::Public => sql.push(&format!(" AND {public}")),
        Scope::Body(b) => {
            let p = sql.int(*b);
            sql.push(&format!(" AND ({public} OR d.body_id = {p})"));
        }
        Scope::Member(orgs) => {
            let ps: Vec<String> = orgs.iter().map(|o| sql.int(*o)).collect();
            sql.push(&format!(
                " AND ({public} OR d.id IN (SELECT document_id FROM search_document_organizations WHERE organization_id IN ({})))",
                ps.join(", ")
            ));
        }
    }
    if let Some(b) = f.body {
        let p = sql.int(b);
        sql.push(&format!(" AND d.body_id = {p}"));
    }
    if let Some(o) = f.organization {
        let p = sql.int(o);
        sql.push(&format!(
            " AND d.id IN (SELECT document_id FROM search_document_organizations WHERE organization_id = {p})"
        ));
    }
    if let Some(k) = f.kind {
        let p = sql.text(k.key());
        sql.push(&format!(" AND d.kind = {p}"));
    }
    if let Some(t) = &f.paper_type {
        let p = sql.text(t);
        sql.push(&format!(" AND d.paper_type = {p}"));
    }
    if let Some(y) = f.year {
        let p = sql.int(y as i64);
        sql.push(&format!(" AND d.year = {p}"));
    }
    if let Some(o) = &f.outcome {
        let p = sql.text(o);
        sql.push(&format!(" AND d.outcome = {p}"));
    }
    if let Some((from, until)) = f.published {
        let a = sql.param(Bind::Time(from));
        let b = sql.param(Bind::Time(until));
        sql.push(&format!(
            " AND d.published_at >= {a} AND d.published_at < {b}"
        ));
    }
    let mut rows = run(conn, sql)?;
    if !pg {
        rank_sqlite(conn, q, &mut rows)?;
    }
    Ok(rows)
}

#[derive(QueryableByName)]
struct Scored {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Double)]
    score: f64,
}

#[derive(QueryableByName)]
struct IdOnly {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

/// SQLite: bm25 (title weighted 10:1) for documents whose stems match all
/// terms, and whether all terms occur in the title.
fn rank_sqlite(conn: &mut DbConnection, q: &ParsedQuery, rows: &mut [Row]) -> QueryResult<()> {
    let DbConnection::Sqlite(c) = conn else {
        return Ok(());
    };
    if rows.is_empty() {
        return Ok(());
    }
    let all = q
        .terms
        .iter()
        .filter_map(|t| t.fts5())
        .collect::<Vec<_>>()
        .join(" AND ");
    if all.is_empty() {
        return Ok(());
    }
    let scores: std::collections::HashMap<i64, f64> = diesel::sql_query(
        "SELECT rowid AS id, -bm25(search_fts, 10.0, 1.0) AS score FROM search_fts WHERE search_fts MATCH ?",
    )
    .bind::<Text, _>(&all)
    .load::<Scored>(c)?
    .into_iter()
    .map(|s| (s.id, s.score))
    .collect();
    let titles: std::collections::HashSet<i64> =
        diesel::sql_query("SELECT rowid AS id FROM search_fts WHERE search_fts MATCH ?")
            .bind::<Text, _>(format!("title : ({all})"))
            .load::<IdOnly>(c)?
            .into_iter()
            .map(|r| r.id)
            .collect();
    for r in rows.iter_mut() {
        r.score = scores.get(&r.id).copied();
        r.title_hit = titles.contains(&r.id);
    }
    Ok(())
}

fn run(conn: &mut DbConnection, sql: Sql) -> QueryResult<Vec<Row>> {
    match conn {
        DbConnection::Sqlite(c) => {
            let mut q = diesel::sql_query(sql.text).into_boxed::<diesel::sqlite::Sqlite>();
            for b in sql.binds {
                q = match b {
                    Bind::Text(s) => q.bind::<Text, _>(s),
                    Bind::Int(i) => q.bind::<BigInt, _>(i),
                    Bind::Time(t) => q.bind::<Timestamp, _>(t),
                };
            }
            q.load(c)
        }
        DbConnection::Postgresql(c) => {
            let mut q = diesel::sql_query(sql.text).into_boxed::<diesel::pg::Pg>();
            for b in sql.binds {
                q = match b {
                    Bind::Text(s) => q.bind::<Text, _>(s),
                    Bind::Int(i) => q.bind::<BigInt, _>(i),
                    Bind::Time(t) => q.bind::<Timestamp, _>(t),
                };
            }
            q.load(c)
        }
    }
}
