//! Writing built documents into the index: rows, FTS entries (SQLite),
//! organizations, the vocabulary and the sequence number of each write.

use std::collections::{HashMap, HashSet};

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

use super::text::{self, cap, is_stop_word, stems_of, MAX_INDEXED_CHARS};
use super::Kind;
use super::{Built, CHUNK};
use crate::db::schema::*;
use crate::db::{self, DbConnection};

/// How `published_at` of a document new to the index is set: `now` for a
/// change happening now, the document's own date when an existing
/// database is indexed (so saved searches do not report old documents).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Stamp {
    Now,
    DocumentDate,
}

pub(super) fn write(conn: &mut DbConnection, built: Vec<Built>, stamp: Stamp) -> QueryResult<()> {
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
pub(super) fn add_words(out: &mut HashSet<String>, text: &str) {
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
