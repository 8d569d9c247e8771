//! Subscribers of committees (double opt-in) and unsubscribe tokens: only
//! a token's SHA-256 is stored; redeeming one ends a subscription, a saved
//! search or a member's mails.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use crate::db::schema::{subscriber_organizations, subscribers};
use crate::db::{now, DbConnection};

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
    use crate::db::schema::unsubscribe_tokens as ut;
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
    use crate::db::schema::{saved_searches, unsubscribe_tokens as ut, users};
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
