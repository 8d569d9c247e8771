//! Saved searches: an address subscribes to a query (double opt-in) and
//! gets a digest of documents that became public since the last one (each
//! digest looks a day further back than its last run and leaves out what
//! `saved_search_hits` says was sent: nothing is missed or sent twice). The
//! digest mails are written by `mail::digest`.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use crate::db::schema::saved_searches as ss;
use crate::db::{now, DbConnection};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = ss)]
pub struct SavedSearch {
    pub id: i64,
    pub email: String,
    pub query: String,
    pub label: String,
    pub confirm_token_hash: Option<String>,
    pub confirm_expires_at: Option<NaiveDateTime>,
    pub confirmed_at: Option<NaiveDateTime>,
    pub last_digest_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

/// Record (or renew) the request of an address for a query.
pub fn request(
    conn: &mut DbConnection,
    email: &str,
    query: &str,
    label: &str,
    confirm_hash: &str,
    valid: Duration,
) -> QueryResult<()> {
    let t = now();
    let existing: Option<i64> = ss::table
        .filter(ss::email.eq(email))
        .filter(ss::query.eq(query))
        .select(ss::id)
        .first(conn)
        .optional()?;
    match existing {
        Some(id) => {
            diesel::update(ss::table.find(id))
                .set((
                    ss::confirm_token_hash.eq(Some(confirm_hash)),
                    ss::confirm_expires_at.eq(Some(t + valid)),
                    ss::label.eq(label),
                ))
                .execute(conn)?;
        }
        None => {
            diesel::insert_into(ss::table)
                .values((
                    ss::email.eq(email),
                    ss::query.eq(query),
                    ss::label.eq(label),
                    ss::confirm_token_hash.eq(Some(confirm_hash)),
                    ss::confirm_expires_at.eq(Some(t + valid)),
                    ss::created_at.eq(t),
                ))
                .execute(conn)?;
        }
    }
    Ok(())
}

pub enum Confirmed {
    Ok(String),
    Expired,
    Unknown,
}

/// Confirm with the token from the mail; digests start from now.
pub fn confirm(conn: &mut DbConnection, confirm_hash: &str) -> QueryResult<Confirmed> {
    let Some(s) = ss::table
        .filter(ss::confirm_token_hash.eq(confirm_hash))
        .select(SavedSearch::as_select())
        .first(conn)
        .optional()?
    else {
        return Ok(Confirmed::Unknown);
    };
    if s.confirm_expires_at.is_none_or(|e| e < now()) {
        return Ok(Confirmed::Expired);
    }
    let t = now();
    diesel::update(ss::table.find(s.id))
        .set((
            ss::confirmed_at.eq(Some(s.confirmed_at.unwrap_or(t))),
            ss::last_digest_at.eq(Some(s.last_digest_at.unwrap_or(t))),
            ss::confirm_token_hash.eq(None::<String>),
            ss::confirm_expires_at.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
    Ok(Confirmed::Ok(s.label))
}
