//! Digests of saved searches (`search::saved`): the mail worker calls
//! [`run_digests`] every round; each digest lists the documents that became
//! public since the last one, looks a day further back than its last run
//! and leaves out what `saved_search_hits` says was sent (nothing is missed
//! or sent twice). Mails go through the outbox like all others.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use crate::db::mail as outbox;
use crate::db::schema::saved_searches as ss;
use crate::db::{now, DbConnection};
use crate::search::params::Params;
use crate::search::saved::SavedSearch;
use crate::search::Scope;

/// Digest mails list at most this many new documents.
pub const DIGEST_HITS: usize = 20;

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

fn plain(segments: &[crate::search::snippet::Segment]) -> String {
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
    let new_rows = match crate::search::parse(&params.q) {
        Ok(q) => {
            let mut f = params.filters();
            f.published = Some((from, t + Duration::days(1)));
            let rows = crate::db::read_snapshot(conn, |c| {
                crate::search::engine::matches(c, &q, &Scope::Public, &f, false)
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
        let docs = crate::search::stored(c, &ids)?;
        let m = crate::search::snippet::Matcher::new(&q);
        let hits: Vec<DigestHit> = ids
            .iter()
            .filter_map(|id| docs.get(id))
            // read after the search: a document made non-public meanwhile
            // stays out
            .filter(|d| d.public)
            .map(|d| {
                let h = crate::search::hit(d, &m);
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
                let token = crate::base::tokens::random_token();
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
                message_id: &super::message_id(base_url),
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
