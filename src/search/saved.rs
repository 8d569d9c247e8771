//! Saved searches: an address subscribes to a query (double opt-in) and
//! gets a digest of documents that became public since the last one (each
//! digest covers the seconds from the last check up to, not including, the
//! second of this one, so no document is missed or sent twice). The
//! mail worker calls [`run_digests`] every round; mails go through the
//! outbox like all others.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use super::params::Params;
use super::{Scope, Sort};
use crate::db::mail as outbox;
use crate::db::schema::saved_searches as ss;
use crate::db::{now, DbConnection};

/// Digest mails list at most this many new documents.
pub const DIGEST_HITS: usize = 20;

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
    pub unsubscribe_token: String,
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
                    ss::unsubscribe_token.eq(crate::auth::random_token()),
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

/// Delete a saved search by its unsubscribe token; returns its label.
pub fn unsubscribe(conn: &mut DbConnection, token: &str) -> QueryResult<Option<String>> {
    let Some(s) = ss::table
        .filter(ss::unsubscribe_token.eq(token))
        .select(SavedSearch::as_select())
        .first(conn)
        .optional()?
    else {
        return Ok(None);
    };
    diesel::delete(ss::table.find(s.id)).execute(conn)?;
    Ok(Some(s.label))
}

#[derive(Serialize)]
struct DigestHit {
    title: String,
    url: String,
    context: String,
    excerpt: String,
}

#[derive(Serialize)]
struct DigestMail<'a> {
    label: &'a str,
    total: usize,
    more: usize,
    hits: Vec<DigestHit>,
    search_url: String,
    unsubscribe_url: String,
    site_name: &'a str,
}

fn plain(segments: &[super::snippet::Segment]) -> String {
    segments.iter().map(|s| s.text.as_str()).collect()
}

/// Send a digest to every confirmed saved search that is due and has new
/// public matches. Returns the number of digests queued.
pub fn run_digests(
    conn: &mut DbConnection,
    base_url: &str,
    site_name: &str,
    every: Duration,
) -> anyhow::Result<usize> {
    let t = now();
    let due: Vec<SavedSearch> = ss::table
        .filter(ss::confirmed_at.is_not_null())
        .filter(
            ss::last_digest_at
                .is_null()
                .or(ss::last_digest_at.le(t - every)),
        )
        .select(SavedSearch::as_select())
        .order(ss::id)
        .limit(200)
        .load(conn)?;
    let mut queued = 0;
    for s in due {
        let since = s.last_digest_at.or(s.confirmed_at).unwrap_or(t);
        let (params, _) = Params::parse(&s.query);
        let results = match super::parse(&params.q) {
            Ok(q) => {
                let mut f = params.filters();
                f.published = Some((since, t));
                Some(super::search(
                    conn,
                    &q,
                    &Scope::Public,
                    &f,
                    Sort::Newest,
                    0,
                    DIGEST_HITS,
                )?)
            }
            Err(_) => None,
        };
        crate::db::quiet_transaction(conn, |c| -> anyhow::Result<()> {
            if let Some(r) = results.filter(|r| r.total > 0) {
                let mail = DigestMail {
                    label: &s.label,
                    total: r.total,
                    more: r.total.saturating_sub(r.hits.len()),
                    hits: r
                        .hits
                        .iter()
                        .map(|h| DigestHit {
                            title: plain(&h.title),
                            url: format!("{base_url}{}", h.url),
                            context: h.context.clone(),
                            excerpt: plain(&h.snippet),
                        })
                        .collect(),
                    search_url: format!("{base_url}/suche?{}", s.query),
                    unsubscribe_url: format!(
                        "{base_url}/suche/abbestellen/{}",
                        s.unsubscribe_token
                    ),
                    site_name,
                };
                let text =
                    crate::templating::render("mail/search_digest.txt", &mail, site_name, None)?;
                let html =
                    crate::templating::render("mail/search_digest.html", &mail, site_name, None)?;
                let subject = format!(
                    "{} neue{} Treffer für Ihre Suche {}",
                    r.total,
                    if r.total == 1 { "r" } else { "" },
                    s.label
                );
                outbox::enqueue(
                    c,
                    &outbox::NewMail {
                        kind: "suchabo",
                        meeting_id: None,
                        recipient: &s.email,
                        subject: &subject,
                        body_text: &text,
                        body_html: &html,
                        ics: None,
                        unsubscribe_url: Some(&mail.unsubscribe_url),
                        message_id: &crate::mail::message_id(base_url),
                    },
                )?;
                queued += 1;
            }
            diesel::update(ss::table.find(s.id))
                .set(ss::last_digest_at.eq(Some(t)))
                .execute(c)?;
            Ok(())
        })?;
    }
    Ok(queued)
}
