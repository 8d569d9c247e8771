//! The full rebuild (`gremium search reindex`) and the start-up build:
//! all ids of a kind, batches, stale and orphaned rows, FTS optimisation
//! and the vocabulary rebuilt from the stored documents.

use std::collections::HashSet;

use diesel::prelude::*;

use super::write::{add_words, insert_words, write, Stamp};
use super::Kind;
use super::{build, flush, Built, Names, CHUNK};
use crate::db::schema::*;
use crate::db::DbConnection;

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
