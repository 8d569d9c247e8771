//! Saved searches: an address subscribes to a query (double opt-in) and
//! gets a digest of documents that became public since the last one (each
//! digest looks a day further back than its last run and leaves out what
//! `saved_search_hits` says was sent: nothing is missed or sent twice). The
//! mail worker calls [`run_digests`] every round; mails go through the
//! outbox like all others.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use super::params::Params;
use super::Scope;
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

/// How far back a digest looks again beyond its last run: documents
/// stamped earlier but committed later (a long import) are still found;
/// `saved_search_hits` keeps them from being sent twice.
const OVERLAP_HOURS: i64 = 24;

/// Send a digest to every confirmed saved search that is due and has new
/// public matches. Returns the number of digests queued. A search that
/// fails is logged and skipped; the others go on.
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
        match digest(conn, &s, t, base_url, site_name) {
            Ok(true) => queued += 1,
            Ok(false) => {}
            Err(e) => {
                tracing::warn!(saved_search = s.id, error = %e, "Suchabo: Zusammenfassung fehlgeschlagen")
            }
        }
    }
    Ok(queued)
}

fn digest(
    conn: &mut DbConnection,
    s: &SavedSearch,
    t: NaiveDateTime,
    base_url: &str,
    site_name: &str,
) -> anyhow::Result<bool> {
    use crate::db::schema::saved_search_hits as sh;
    let confirmed = s.confirmed_at.unwrap_or(t);
    let from = s.last_digest_at.map_or(confirmed, |l| {
        (l - Duration::hours(OVERLAP_HOURS)).max(confirmed)
    });
    let (params, _) = Params::parse(&s.query);
    let new_rows = match super::parse(&params.q) {
        Ok(q) => {
            let mut f = params.filters();
            f.published = Some((from, t + Duration::days(1)));
            let rows = crate::db::read_snapshot(conn, |c| {
                super::engine::matches(c, &q, &Scope::Public, &f, false)
            })?
            .rows;
            let sent: std::collections::HashSet<i64> = sh::table
                .filter(sh::saved_search_id.eq(s.id))
                .select(sh::document_id)
                .load::<i64>(conn)?
                .into_iter()
                .collect();
            let mut rows: Vec<_> = rows.into_iter().filter(|r| !sent.contains(&r.id)).collect();
            rows.sort_by_key(|r| std::cmp::Reverse((r.date, r.id)));
            Some((q, rows))
        }
        Err(_) => None,
    };
    crate::db::quiet_transaction(conn, |c| -> anyhow::Result<bool> {
        // claim the run: another worker that got here first wins
        let claimed = match s.last_digest_at {
            Some(old) => diesel::update(ss::table.find(s.id).filter(ss::last_digest_at.eq(old)))
                .set(ss::last_digest_at.eq(Some(t)))
                .execute(c)?,
            None => diesel::update(ss::table.find(s.id).filter(ss::last_digest_at.is_null()))
                .set(ss::last_digest_at.eq(Some(t)))
                .execute(c)?,
        };
        if claimed == 0 {
            return Ok(false);
        }
        let Some((q, rows)) = new_rows.filter(|(_, r)| !r.is_empty()) else {
            return Ok(false);
        };
        let ids: Vec<i64> = rows.iter().take(DIGEST_HITS).map(|r| r.id).collect();
        let docs = super::stored(c, &ids)?;
        let m = super::snippet::Matcher::new(&q);
        let hits: Vec<DigestHit> = ids
            .iter()
            .filter_map(|id| docs.get(id))
            // read after the search: a document made non-public meanwhile
            // stays out
            .filter(|d| d.public)
            .map(|d| {
                let h = super::hit(d, &m);
                DigestHit {
                    title: plain(&h.title),
                    url: format!("{base_url}{}", h.url),
                    context: h.context,
                    excerpt: plain(&h.snippet),
                }
            })
            .collect();
        let total = rows.len();
        let mail = DigestMail {
            label: &s.label,
            total,
            more: total.saturating_sub(hits.len()),
            hits,
            search_url: format!("{base_url}/suche?{}", s.query),
            unsubscribe_url: {
                let token = crate::auth::random_token();
                crate::db::mail::mint_unsubscribe(
                    c,
                    crate::db::mail::Unsubscribe::SavedSearch(s.id),
                    &token,
                )?;
                format!("{base_url}/suche/abbestellen/{token}")
            },
            site_name,
        };
        let text = crate::templating::render("mail/search_digest.txt", &mail, site_name, None)?;
        let html = crate::templating::render("mail/search_digest.html", &mail, site_name, None)?;
        let subject = format!(
            "{total} neue{} Treffer für Ihre Suche {}",
            if total == 1 { "r" } else { "" },
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
        for r in &rows {
            diesel::insert_into(sh::table)
                .values((
                    sh::saved_search_id.eq(s.id),
                    sh::document_id.eq(r.id),
                    sh::sent_at.eq(t),
                ))
                .execute(c)?;
        }
        Ok(true)
    })
}
