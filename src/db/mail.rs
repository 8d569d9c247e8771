//! Mail persistence: subscribers (double opt-in), the events each change
//! records, and the outbox. Claims are conditional updates, so several
//! workers on one PostgreSQL never process the same row twice.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use super::schema::{form_throttle, mail_events, outbox, subscriber_organizations, subscribers};
use super::{now, DbConnection};

// ---- events recorded with the change ----

/// What happened to a meeting (the worker turns it into mails).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    Scheduled,
    Invited,
    Changed,
    Supplement,
    Cancelled,
    Reminder,
}

impl EventKind {
    pub fn key(self) -> &'static str {
        match self {
            EventKind::Scheduled => "terminiert",
            EventKind::Invited => "eingeladen",
            EventKind::Changed => "geaendert",
            EventKind::Supplement => "nachtrag",
            EventKind::Cancelled => "abgesagt",
            EventKind::Reminder => "erinnerung",
        }
    }
    pub fn from_key(k: &str) -> Option<EventKind> {
        [
            EventKind::Scheduled,
            EventKind::Invited,
            EventKind::Changed,
            EventKind::Supplement,
            EventKind::Cancelled,
            EventKind::Reminder,
        ]
        .into_iter()
        .find(|e| e.key() == k)
    }
}

/// Record an event inside the caller's write transaction.
pub fn record_event(
    conn: &mut DbConnection,
    kind: EventKind,
    meeting_id: i64,
    details: Option<String>,
) -> QueryResult<()> {
    diesel::insert_into(mail_events::table)
        .values((
            mail_events::kind.eq(kind.key()),
            mail_events::meeting_id.eq(meeting_id),
            mail_events::details.eq(details),
            mail_events::created_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// An unprocessed event: (id, kind, meeting id, details).
pub type OpenEvent = (i64, String, i64, Option<String>);

/// Unprocessed events, oldest first.
pub fn open_events(conn: &mut DbConnection, limit: i64) -> QueryResult<Vec<OpenEvent>> {
    mail_events::table
        .filter(mail_events::processed_at.is_null())
        .order(mail_events::id)
        .limit(limit)
        .select((
            mail_events::id,
            mail_events::kind,
            mail_events::meeting_id,
            mail_events::details,
        ))
        .load(conn)
}

/// Take an event for processing; false if another worker has it.
pub fn claim_event(conn: &mut DbConnection, id: i64) -> QueryResult<bool> {
    let n = diesel::update(
        mail_events::table
            .filter(mail_events::id.eq(id))
            .filter(mail_events::processed_at.is_null()),
    )
    .set(mail_events::processed_at.eq(Some(now())))
    .execute(conn)?;
    Ok(n == 1)
}

// ---- outbox ----

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

// ---- subscribers ----

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = subscribers)]
pub struct Subscriber {
    pub id: i64,
    pub email: String,
    pub confirmed_at: Option<NaiveDateTime>,
    pub confirm_token_hash: Option<String>,
    pub confirm_expires_at: Option<NaiveDateTime>,
    pub pending_organizations: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

pub fn subscriber_by_email(
    conn: &mut DbConnection,
    email: &str,
) -> QueryResult<Option<Subscriber>> {
    subscribers::table
        .filter(subscribers::email.eq(email))
        .select(Subscriber::as_select())
        .first(conn)
        .optional()
}

/// Create or update the pending request of an address; returns its id.
pub fn request_subscription(
    conn: &mut DbConnection,
    email: &str,
    organizations: &[i64],
    confirm_hash: &str,
    valid: Duration,
) -> QueryResult<i64> {
    let t = now();
    let pending = organizations
        .iter()
        .map(|o| o.to_string())
        .collect::<Vec<_>>()
        .join(",");
    match subscriber_by_email(conn, email)? {
        Some(s) => {
            diesel::update(subscribers::table.find(s.id))
                .set((
                    subscribers::confirm_token_hash.eq(Some(confirm_hash)),
                    subscribers::confirm_expires_at.eq(Some(t + valid)),
                    subscribers::pending_organizations.eq(Some(pending)),
                    subscribers::updated_at.eq(t),
                ))
                .execute(conn)?;
            Ok(s.id)
        }
        None => diesel::insert_into(subscribers::table)
            .values((
                subscribers::email.eq(email),
                subscribers::confirm_token_hash.eq(Some(confirm_hash)),
                subscribers::confirm_expires_at.eq(Some(t + valid)),
                subscribers::pending_organizations.eq(Some(pending)),
                subscribers::created_at.eq(t),
                subscribers::updated_at.eq(t),
            ))
            .returning(subscribers::id)
            .get_result(conn),
    }
}

pub enum Confirmed {
    Ok(Vec<i64>),
    Expired,
    Unknown,
}

/// Confirm with the token: the requested committees become the subscription.
pub fn confirm(conn: &mut DbConnection, confirm_hash: &str) -> QueryResult<Confirmed> {
    let Some(s) = subscribers::table
        .filter(subscribers::confirm_token_hash.eq(confirm_hash))
        .select(Subscriber::as_select())
        .first(conn)
        .optional()?
    else {
        return Ok(Confirmed::Unknown);
    };
    if s.confirm_expires_at.is_none_or(|e| e < now()) {
        return Ok(Confirmed::Expired);
    }
    let orgs: Vec<i64> = s
        .pending_organizations
        .as_deref()
        .unwrap_or("")
        .split(',')
        .filter_map(|x| x.parse().ok())
        .collect();
    diesel::delete(
        subscriber_organizations::table.filter(subscriber_organizations::subscriber_id.eq(s.id)),
    )
    .execute(conn)?;
    for o in &orgs {
        diesel::insert_into(subscriber_organizations::table)
            .values((
                subscriber_organizations::subscriber_id.eq(s.id),
                subscriber_organizations::organization_id.eq(o),
            ))
            .execute(conn)?;
    }
    diesel::update(subscribers::table.find(s.id))
        .set((
            subscribers::confirmed_at.eq(Some(now())),
            subscribers::confirm_token_hash.eq(None::<String>),
            subscribers::confirm_expires_at.eq(None::<NaiveDateTime>),
            subscribers::pending_organizations.eq(None::<String>),
            subscribers::updated_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(Confirmed::Ok(orgs))
}

/// Confirmed subscribers of any of these organizations: (email, id).
pub fn subscribers_of(conn: &mut DbConnection, orgs: &[i64]) -> QueryResult<Vec<(String, i64)>> {
    subscriber_organizations::table
        .inner_join(subscribers::table)
        .filter(subscriber_organizations::organization_id.eq_any(orgs))
        .filter(subscribers::confirmed_at.is_not_null())
        .select((subscribers::email, subscribers::id))
        .distinct()
        .load(conn)
}

// ---- unsubscribe tokens ----

/// Whom an unsubscribe link stops mailing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unsubscribe {
    /// an e-mail subscription of committees (the address is deleted)
    Subscriber(i64),
    /// a member's notifications about her committees (she opts out)
    Member(i64),
    /// a saved search (it is deleted)
    SavedSearch(i64),
}

impl Unsubscribe {
    fn kind(self) -> &'static str {
        match self {
            Unsubscribe::Subscriber(_) => "abonnement",
            Unsubscribe::Member(_) => "mitglied",
            Unsubscribe::SavedSearch(_) => "suche",
        }
    }
}

/// A new unsubscribe token for one mail: the clear token goes into the
/// mail, only its SHA-256 is stored.
pub fn mint_unsubscribe(
    conn: &mut DbConnection,
    target: Unsubscribe,
    token: &str,
) -> QueryResult<()> {
    use super::schema::unsubscribe_tokens as ut;
    let (s, u, q) = match target {
        Unsubscribe::Subscriber(id) => (Some(id), None, None),
        Unsubscribe::Member(id) => (None, Some(id), None),
        Unsubscribe::SavedSearch(id) => (None, None, Some(id)),
    };
    diesel::insert_into(ut::table)
        .values((
            ut::token_hash.eq(sha256_hex(token)),
            ut::kind.eq(target.kind()),
            ut::subscriber_id.eq(s),
            ut::user_id.eq(u),
            ut::saved_search_id.eq(q),
            ut::created_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}

fn sha256_hex(token: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// id, kind, subscriber, user, saved search, used at
type TokenRow = (
    i64,
    String,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<NaiveDateTime>,
);

/// Outcome of an unsubscribe link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unsubscribed {
    /// stopped now; the e-mail address (or label of the search)
    Done(Unsubscribe, String),
    /// this link was used before, or its target is gone
    Already(&'static str),
    /// no such link
    Unknown,
}

/// Redeem an unsubscribe token: the subscription or saved search is
/// deleted, a member opts out. A second use answers `Already`.
pub fn unsubscribe(conn: &mut DbConnection, token: &str) -> QueryResult<Unsubscribed> {
    use super::schema::{saved_searches, unsubscribe_tokens as ut, users};
    let row: Option<TokenRow> = ut::table
        .filter(ut::token_hash.eq(sha256_hex(token)))
        .select((
            ut::id,
            ut::kind,
            ut::subscriber_id,
            ut::user_id,
            ut::saved_search_id,
            ut::used_at,
        ))
        .first(conn)
        .optional()?;
    let Some((id, kind, subscriber, user, search, used)) = row else {
        return Ok(Unsubscribed::Unknown);
    };
    let kind: &'static str = match kind.as_str() {
        "mitglied" => "mitglied",
        "suche" => "suche",
        _ => "abonnement",
    };
    let target = match (subscriber, user, search) {
        (Some(s), _, _) => Unsubscribe::Subscriber(s),
        (_, Some(u), _) => Unsubscribe::Member(u),
        (_, _, Some(q)) => Unsubscribe::SavedSearch(q),
        // the subscription or search is gone (SET NULL)
        _ => return Ok(Unsubscribed::Already(kind)),
    };
    let t = now();
    diesel::update(ut::table.find(id))
        .set(ut::used_at.eq(Some(t)))
        .execute(conn)?;
    let what = match target {
        Unsubscribe::Subscriber(sid) => {
            let email: Option<String> = subscribers::table
                .find(sid)
                .select(subscribers::email)
                .first(conn)
                .optional()?;
            diesel::delete(
                subscriber_organizations::table
                    .filter(subscriber_organizations::subscriber_id.eq(sid)),
            )
            .execute(conn)?;
            diesel::delete(subscribers::table.find(sid)).execute(conn)?;
            diesel::update(ut::table.filter(ut::subscriber_id.eq(sid)))
                .set((ut::subscriber_id.eq(None::<i64>), ut::used_at.eq(Some(t))))
                .execute(conn)?;
            email
        }
        Unsubscribe::Member(uid) => {
            if used.is_some() {
                return Ok(Unsubscribed::Already(kind));
            }
            let found: Option<(String, bool)> = users::table
                .find(uid)
                .select((users::email, users::mail_opt_out))
                .first(conn)
                .optional()?;
            match found {
                Some((_, true)) => return Ok(Unsubscribed::Already(kind)),
                Some((email, false)) => {
                    diesel::update(users::table.find(uid))
                        .set(users::mail_opt_out.eq(true))
                        .execute(conn)?;
                    Some(email)
                }
                None => None,
            }
        }
        Unsubscribe::SavedSearch(qid) => {
            let label: Option<String> = saved_searches::table
                .find(qid)
                .select(saved_searches::label)
                .first(conn)
                .optional()?;
            diesel::delete(saved_searches::table.find(qid)).execute(conn)?;
            diesel::update(ut::table.filter(ut::saved_search_id.eq(qid)))
                .set((ut::saved_search_id.eq(None::<i64>), ut::used_at.eq(Some(t))))
                .execute(conn)?;
            label
        }
    };
    match what {
        Some(w) => Ok(Unsubscribed::Done(target, w)),
        None => Ok(Unsubscribed::Already(kind)),
    }
}

// ---- throttling of public forms ----

/// Count this request and tell whether the address is over `max` within `window`.
pub fn throttled(
    conn: &mut DbConnection,
    kind: &str,
    ip: &str,
    max: i64,
    window: Duration,
) -> QueryResult<bool> {
    let t = now();
    diesel::delete(form_throttle::table.filter(form_throttle::at.lt(t - Duration::days(1))))
        .execute(conn)?;
    let n: i64 = form_throttle::table
        .filter(form_throttle::kind.eq(kind))
        .filter(form_throttle::ip.eq(ip))
        .filter(form_throttle::at.gt(t - window))
        .count()
        .get_result(conn)?;
    if n >= max {
        return Ok(true);
    }
    diesel::insert_into(form_throttle::table)
        .values((
            form_throttle::kind.eq(kind),
            form_throttle::ip.eq(ip),
            form_throttle::at.eq(t),
        ))
        .execute(conn)?;
    Ok(false)
}

/// Members who get the dates of their committees (unless they opted out):
/// (email, user id).
pub fn members_of(
    conn: &mut DbConnection,
    orgs: &[i64],
    day: chrono::NaiveDate,
) -> QueryResult<Vec<(String, i64)>> {
    use super::schema::{memberships, users};
    let persons: Vec<i64> = memberships::table
        .filter(memberships::organization_id.eq_any(orgs))
        .filter(memberships::deleted_at.is_null())
        .filter(
            memberships::end_date
                .is_null()
                .or(memberships::end_date.ge(day)),
        )
        .select(memberships::person_id)
        .distinct()
        .load(conn)?;
    users::table
        .filter(users::person_id.eq_any(persons))
        .filter(users::role.eq(crate::domain::UserRole::Member.key()))
        .filter(users::active.eq(true))
        .filter(users::mail_opt_out.eq(false))
        .select((users::email, users::id))
        .load(conn)
}

pub fn set_member_opt_out(conn: &mut DbConnection, user_id: i64, opt_out: bool) -> QueryResult<()> {
    use super::schema::users;
    diesel::update(users::table.find(user_id))
        .set(users::mail_opt_out.eq(opt_out))
        .execute(conn)?;
    Ok(())
}
