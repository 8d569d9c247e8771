//! Mail persistence: subscribers (double opt-in), the events each change
//! records, and the outbox. Claims are conditional updates, so several
//! workers on one PostgreSQL never process the same row twice.

use chrono::Duration;
use diesel::prelude::*;

use super::schema::{form_throttle, mail_events};
use super::{now, DbConnection};

mod queue;
mod subscriptions;

pub use queue::{
    claim_due, counts, enqueue, find, mark_failed, mark_sent, recent, retry, NewMail, OutboxMail,
    REDACTED,
};
pub use subscriptions::{
    confirm, mint_unsubscribe, request_subscription, subscriber_by_email, subscribers_of,
    unsubscribe, Confirmed, Subscriber, Unsubscribe, Unsubscribed,
};

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
