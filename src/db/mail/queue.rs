//! The outbox: enqueued mails, claimed by workers for a lease, marked
//! sent (with the unsubscribe token redacted) or failed with backoff.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use crate::db::schema::outbox;
use crate::db::{now, DbConnection};

pub struct NewMail<'a> {
    pub kind: &'a str,
    pub meeting_id: Option<i64>,
    pub recipient: &'a str,
    pub subject: &'a str,
    pub body_text: &'a str,
    pub body_html: &'a str,
    pub ics: Option<&'a str>,
    pub unsubscribe_url: Option<&'a str>,
    pub message_id: &'a str,
}

pub fn enqueue(conn: &mut DbConnection, m: &NewMail) -> QueryResult<()> {
    let t = now();
    diesel::insert_into(outbox::table)
        .values((
            outbox::message_id.eq(m.message_id),
            outbox::kind.eq(m.kind),
            outbox::meeting_id.eq(m.meeting_id),
            outbox::recipient.eq(m.recipient),
            outbox::subject.eq(m.subject),
            outbox::body_text.eq(m.body_text),
            outbox::body_html.eq(m.body_html),
            outbox::ics.eq(m.ics),
            outbox::unsubscribe_url.eq(m.unsubscribe_url),
            outbox::status.eq("wartend"),
            outbox::next_attempt_at.eq(t),
            outbox::created_at.eq(t),
        ))
        .execute(conn)?;
    Ok(())
}

#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = outbox)]
pub struct OutboxMail {
    pub id: i64,
    pub message_id: String,
    pub kind: String,
    pub meeting_id: Option<i64>,
    pub recipient: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    pub ics: Option<String>,
    pub unsubscribe_url: Option<String>,
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub locked_until: Option<NaiveDateTime>,
    pub last_error: Option<String>,
    pub created_at: NaiveDateTime,
    pub sent_at: Option<NaiveDateTime>,
}

/// Due mails, claimed for `lease` (another worker skips them meanwhile).
pub fn claim_due(
    conn: &mut DbConnection,
    limit: i64,
    lease: Duration,
) -> QueryResult<Vec<OutboxMail>> {
    let t = now();
    let candidates: Vec<i64> = outbox::table
        .filter(outbox::status.eq("wartend"))
        .filter(outbox::next_attempt_at.le(t))
        .filter(
            outbox::locked_until
                .is_null()
                .or(outbox::locked_until.lt(t)),
        )
        .order(outbox::id)
        .limit(limit)
        .select(outbox::id)
        .load(conn)?;
    let mut claimed = Vec::new();
    for id in candidates {
        let n = diesel::update(
            outbox::table
                .filter(outbox::id.eq(id))
                .filter(outbox::status.eq("wartend"))
                .filter(
                    outbox::locked_until
                        .is_null()
                        .or(outbox::locked_until.lt(t)),
                ),
        )
        .set(outbox::locked_until.eq(Some(t + lease)))
        .execute(conn)?;
        if n == 1 {
            claimed.push(id);
        }
    }
    outbox::table
        .filter(outbox::id.eq_any(claimed))
        .order(outbox::id)
        .select(OutboxMail::as_select())
        .load(conn)
}

/// A sent mail. The unsubscribe token in its links is removed from the
/// stored copy: only the recipient keeps it (the database holds its hash).
pub fn mark_sent(conn: &mut DbConnection, m: &OutboxMail) -> QueryResult<()> {
    let token = m
        .unsubscribe_url
        .as_deref()
        .and_then(|u| u.rsplit('/').next())
        .filter(|t| t.len() >= 32);
    let redact = |s: &str| match token {
        Some(t) => s.replace(t, REDACTED),
        None => s.to_string(),
    };
    diesel::update(outbox::table.find(m.id))
        .set((
            outbox::status.eq("gesendet"),
            outbox::sent_at.eq(Some(now())),
            outbox::locked_until.eq(None::<NaiveDateTime>),
            outbox::attempts.eq(outbox::attempts + 1),
            outbox::body_text.eq(redact(&m.body_text)),
            outbox::body_html.eq(redact(&m.body_html)),
            outbox::unsubscribe_url.eq(m.unsubscribe_url.as_deref().map(redact)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Stands for an unsubscribe token in the stored copy of a sent mail.
pub const REDACTED: &str = "[entfernt]";

/// A failed attempt: retry later with exponential backoff, or give up.
pub fn mark_failed(
    conn: &mut DbConnection,
    m: &OutboxMail,
    error: &str,
    base_seconds: i64,
    max_attempts: i32,
) -> QueryResult<()> {
    let attempts = m.attempts + 1;
    let wait = (base_seconds.max(1) << (attempts - 1).clamp(0, 16)).min(6 * 3600);
    let status = if attempts >= max_attempts {
        "fehlgeschlagen"
    } else {
        "wartend"
    };
    diesel::update(outbox::table.find(m.id))
        .set((
            outbox::status.eq(status),
            outbox::attempts.eq(attempts),
            outbox::last_error.eq(Some(error.chars().take(500).collect::<String>())),
            outbox::next_attempt_at.eq(now() + Duration::seconds(wait)),
            outbox::locked_until.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
    Ok(())
}

/// Put a failed mail back into the queue (clerk's "erneut senden").
pub fn retry(conn: &mut DbConnection, id: i64) -> QueryResult<usize> {
    diesel::update(
        outbox::table
            .filter(outbox::id.eq(id))
            .filter(outbox::status.eq("fehlgeschlagen")),
    )
    .set((
        outbox::status.eq("wartend"),
        outbox::next_attempt_at.eq(now()),
        outbox::attempts.eq(0),
    ))
    .execute(conn)
}

pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<OutboxMail>> {
    outbox::table
        .find(id)
        .select(OutboxMail::as_select())
        .first(conn)
        .optional()
}

pub fn recent(
    conn: &mut DbConnection,
    status: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<OutboxMail>> {
    let mut q = outbox::table.into_boxed();
    if let Some(s) = status {
        q = q.filter(outbox::status.eq(s.to_string()));
    }
    q.order(outbox::id.desc())
        .limit(limit)
        .select(OutboxMail::as_select())
        .load(conn)
}

pub fn counts(conn: &mut DbConnection) -> QueryResult<Vec<(String, i64)>> {
    use diesel::dsl::count_star;
    outbox::table
        .group_by(outbox::status)
        .select((outbox::status, count_star()))
        .load(conn)
}
