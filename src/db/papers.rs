//! Papers (Vorlagen), their consultation path, originators and relations.

use std::collections::HashMap;

use chrono::NaiveDate;
use diesel::prelude::*;

use super::models::{Consultation, File, Paper};
use super::schema::{consultations, files, paper_originators, paper_relations, papers};
use super::DbConnection;

#[derive(Debug, Clone, Default)]
pub struct PaperFilter {
    pub body_id: Option<i64>,
    pub paper_type: Option<String>,
    pub year: Option<i32>,
    /// only public papers (the public portal)
    pub public_only: bool,
}

pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<Paper>> {
    papers::table
        .find(id)
        .filter(papers::deleted_at.is_null())
        .select(Paper::as_select())
        .first(conn)
        .optional()
}

fn filtered<'a>(f: &PaperFilter) -> papers::BoxedQuery<'a, super::MultiBackend> {
    let mut q = papers::table
        .filter(papers::deleted_at.is_null())
        .into_boxed();
    if f.public_only {
        q = q.filter(papers::public.eq(true));
    }
    if let Some(b) = f.body_id {
        q = q.filter(papers::body_id.eq(b));
    }
    if let Some(t) = &f.paper_type {
        q = q.filter(papers::paper_type.eq(t.clone()));
    }
    if let Some(y) = f.year {
        if let (Some(a), Some(b)) = (
            NaiveDate::from_ymd_opt(y, 1, 1),
            NaiveDate::from_ymd_opt(y + 1, 1, 1),
        ) {
            q = q.filter(papers::date.ge(a)).filter(papers::date.lt(b));
        }
    }
    q
}

pub fn list(
    conn: &mut DbConnection,
    f: &PaperFilter,
    limit: i64,
    offset: i64,
) -> QueryResult<(Vec<Paper>, i64)> {
    let total = filtered(f).count().get_result(conn)?;
    let rows = filtered(f)
        .order((papers::date.desc(), papers::id.desc()))
        .limit(limit)
        .offset(offset)
        .select(Paper::as_select())
        .load(conn)?;
    Ok((rows, total))
}

pub fn by_ids(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<HashMap<i64, Paper>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(papers::table
        .filter(papers::id.eq_any(ids))
        .filter(papers::deleted_at.is_null())
        .select(Paper::as_select())
        .load(conn)?
        .into_iter()
        .map(|p| (p.id, p))
        .collect())
}

pub fn consultations(conn: &mut DbConnection, paper_id: i64) -> QueryResult<Vec<Consultation>> {
    consultations::table
        .filter(consultations::paper_id.eq(paper_id))
        .filter(consultations::deleted_at.is_null())
        .order((consultations::position, consultations::id))
        .select(Consultation::as_select())
        .load(conn)
}

/// Originators: (organization ids, person ids).
pub fn originators(conn: &mut DbConnection, paper_id: i64) -> QueryResult<(Vec<i64>, Vec<i64>)> {
    let rows: Vec<(Option<i64>, Option<i64>)> = paper_originators::table
        .filter(paper_originators::paper_id.eq(paper_id))
        .order(paper_originators::id)
        .select((
            paper_originators::organization_id,
            paper_originators::person_id,
        ))
        .load(conn)?;
    Ok((
        rows.iter().filter_map(|r| r.0).collect(),
        rows.iter().filter_map(|r| r.1).collect(),
    ))
}

/// Related papers in both directions: (other paper id, kind, outgoing?).
pub fn relations(conn: &mut DbConnection, paper_id: i64) -> QueryResult<Vec<(i64, String, bool)>> {
    let out: Vec<(i64, String)> = paper_relations::table
        .filter(paper_relations::paper_id.eq(paper_id))
        .select((paper_relations::related_paper_id, paper_relations::kind))
        .load(conn)?;
    let inc: Vec<(i64, String)> = paper_relations::table
        .filter(paper_relations::related_paper_id.eq(paper_id))
        .select((paper_relations::paper_id, paper_relations::kind))
        .load(conn)?;
    Ok(out
        .into_iter()
        .map(|(id, k)| (id, k, true))
        .chain(inc.into_iter().map(|(id, k)| (id, k, false)))
        .collect())
}

pub fn files_of_paper(conn: &mut DbConnection, paper_id: i64) -> QueryResult<Vec<File>> {
    files::table
        .filter(files::paper_id.eq(paper_id))
        .filter(files::deleted_at.is_null())
        .order(files::id)
        .select(File::as_select())
        .load(conn)
}

pub fn files_of_meeting(conn: &mut DbConnection, meeting_id: i64) -> QueryResult<Vec<File>> {
    files::table
        .filter(files::meeting_id.eq(meeting_id))
        .filter(files::deleted_at.is_null())
        .order(files::id)
        .select(File::as_select())
        .load(conn)
}

/// Distinct years that have papers (filter options).
pub fn years(conn: &mut DbConnection, public_only: bool) -> QueryResult<Vec<i32>> {
    use chrono::Datelike;
    let mut q = papers::table
        .filter(papers::deleted_at.is_null())
        .into_boxed();
    if public_only {
        q = q.filter(papers::public.eq(true));
    }
    let min: Option<NaiveDate> = q.select(diesel::dsl::min(papers::date)).first(conn)?;
    let mut q = papers::table
        .filter(papers::deleted_at.is_null())
        .into_boxed();
    if public_only {
        q = q.filter(papers::public.eq(true));
    }
    let max: Option<NaiveDate> = q.select(diesel::dsl::max(papers::date)).first(conn)?;
    Ok(match (min, max) {
        (Some(a), Some(b)) => (a.year()..=b.year()).rev().collect(),
        _ => vec![],
    })
}

pub fn all_public_ids(conn: &mut DbConnection) -> QueryResult<Vec<(i64, chrono::NaiveDateTime)>> {
    papers::table
        .filter(papers::deleted_at.is_null())
        .filter(papers::public.eq(true))
        .order(papers::id)
        .select((papers::id, papers::updated_at))
        .load(conn)
}
