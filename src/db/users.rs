//! Accounts, server-side sessions and login attempts.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use super::schema::{login_attempts, sessions, users};
use super::DbConnection;

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = users)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    #[serde(skip)]
    pub password_hash: String,
    pub role: String,
    pub body_id: Option<i64>,
    pub person_id: Option<i64>,
    pub active: bool,
    pub last_login_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub mail_opt_out: bool,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = users)]
pub struct NewUser {
    pub email: String,
    pub display_name: String,
    pub password_hash: String,
    pub role: String,
    pub body_id: Option<i64>,
    pub person_id: Option<i64>,
    pub active: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = sessions)]
pub struct Session {
    pub id: i64,
    pub token_hash: String,
    pub user_id: i64,
    pub csrf_token: String,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub created_at: NaiveDateTime,
    pub last_seen_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
}

/// E-mail addresses are compared case-insensitively; stored lower-case.
pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

pub fn insert(conn: &mut DbConnection, row: &NewUser) -> QueryResult<i64> {
    diesel::insert_into(users::table)
        .values(row)
        .returning(users::id)
        .get_result(conn)
}

pub fn find_by_email(conn: &mut DbConnection, email: &str) -> QueryResult<Option<User>> {
    users::table
        .filter(users::email.eq(normalize_email(email)))
        .select(User::as_select())
        .first(conn)
        .optional()
}

pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<User>> {
    users::table
        .find(id)
        .select(User::as_select())
        .first(conn)
        .optional()
}

pub fn list(conn: &mut DbConnection) -> QueryResult<Vec<User>> {
    users::table
        .order(users::email)
        .select(User::as_select())
        .load(conn)
}

pub fn set_active(conn: &mut DbConnection, id: i64, active: bool) -> QueryResult<usize> {
    let n = diesel::update(users::table.find(id))
        .set((users::active.eq(active), users::updated_at.eq(super::now())))
        .execute(conn)?;
    if !active {
        delete_sessions_of(conn, id)?;
    }
    Ok(n)
}

pub fn set_password(conn: &mut DbConnection, id: i64, hash: &str) -> QueryResult<usize> {
    diesel::update(users::table.find(id))
        .set((
            users::password_hash.eq(hash),
            users::updated_at.eq(super::now()),
        ))
        .execute(conn)
}

// ---- sessions ----

pub struct NewSession<'a> {
    pub token_hash: &'a str,
    pub user_id: i64,
    pub csrf_token: &'a str,
    pub ip: Option<&'a str>,
    pub user_agent: Option<&'a str>,
    pub lifetime: Duration,
}

pub fn create_session(conn: &mut DbConnection, s: &NewSession) -> QueryResult<i64> {
    let now = super::now();
    // expired sessions of anyone are purged whenever someone signs in
    diesel::delete(sessions::table.filter(sessions::expires_at.lt(now))).execute(conn)?;
    diesel::update(users::table.find(s.user_id))
        .set(users::last_login_at.eq(now))
        .execute(conn)?;
    diesel::insert_into(sessions::table)
        .values((
            sessions::token_hash.eq(s.token_hash),
            sessions::user_id.eq(s.user_id),
            sessions::csrf_token.eq(s.csrf_token),
            sessions::ip.eq(s.ip),
            sessions::user_agent.eq(s.user_agent),
            sessions::created_at.eq(now),
            sessions::last_seen_at.eq(now),
            sessions::expires_at.eq(now + s.lifetime),
        ))
        .returning(sessions::id)
        .get_result(conn)
}

/// The live session for a token hash with its (active) user.
pub fn session_user(
    conn: &mut DbConnection,
    token_hash: &str,
) -> QueryResult<Option<(Session, User)>> {
    let now = super::now();
    let found = sessions::table
        .inner_join(users::table)
        .filter(sessions::token_hash.eq(token_hash))
        .filter(sessions::expires_at.gt(now))
        .filter(users::active.eq(true))
        .select((Session::as_select(), User::as_select()))
        .first::<(Session, User)>(conn)
        .optional()?;
    if let Some((s, _)) = &found {
        // record activity at most every five minutes (fewer writes)
        if now - s.last_seen_at > Duration::minutes(5) {
            diesel::update(sessions::table.find(s.id))
                .set(sessions::last_seen_at.eq(now))
                .execute(conn)?;
        }
    }
    Ok(found)
}

pub fn delete_session(conn: &mut DbConnection, token_hash: &str) -> QueryResult<usize> {
    diesel::delete(sessions::table.filter(sessions::token_hash.eq(token_hash))).execute(conn)
}

pub fn delete_sessions_of(conn: &mut DbConnection, user_id: i64) -> QueryResult<usize> {
    diesel::delete(sessions::table.filter(sessions::user_id.eq(user_id))).execute(conn)
}

pub fn session_counts(conn: &mut DbConnection) -> QueryResult<Vec<(i64, i64)>> {
    use diesel::dsl::count_star;
    sessions::table
        .filter(sessions::expires_at.gt(super::now()))
        .group_by(sessions::user_id)
        .select((sessions::user_id, count_star()))
        .load(conn)
}

// ---- login throttling ----

/// Who tries to sign in: the account, the client (IP address; IPv6 by its
/// /64 network) and, when the browser carries a device cookie this account
/// signed in with before, that device (hash of the cookie).
pub struct Attempt<'a> {
    pub email: &'a str,
    pub client: &'a str,
    pub device: Option<&'a str>,
}

/// Limits of failed sign-ins within the window.
pub struct Limits {
    /// per account on a device it signed in with before
    pub per_device: i64,
    /// per account and client, for unknown devices
    pub per_account_and_client: i64,
    /// per client over all accounts
    pub per_client: i64,
    /// per account over all unknown devices (a distributed attack): the
    /// owner's known devices are not affected
    pub per_account: i64,
}

/// Whether this attempt must wait. A stranger's failures never count
/// against the owner's known device, so nobody can lock out an account
/// whose owner signed in from that browser before.
pub fn throttled(
    conn: &mut DbConnection,
    a: &Attempt,
    limits: &Limits,
    since: NaiveDateTime,
) -> QueryResult<bool> {
    let failures = || {
        login_attempts::table
            .filter(login_attempts::success.eq(false))
            .filter(login_attempts::attempted_at.gt(since))
            .into_boxed()
    };
    if let Some(device) = a.device {
        let n: i64 = failures()
            .filter(login_attempts::email.eq(a.email))
            .filter(login_attempts::device_hash.eq(device))
            .count()
            .get_result(conn)?;
        return Ok(n >= limits.per_device);
    }
    let by_client: i64 = failures()
        .filter(login_attempts::ip.eq(a.client))
        .filter(login_attempts::device_hash.is_null())
        .count()
        .get_result(conn)?;
    if by_client >= limits.per_client {
        return Ok(true);
    }
    let by_pair: i64 = failures()
        .filter(login_attempts::email.eq(a.email))
        .filter(login_attempts::ip.eq(a.client))
        .filter(login_attempts::device_hash.is_null())
        .count()
        .get_result(conn)?;
    if by_pair >= limits.per_account_and_client {
        return Ok(true);
    }
    let by_account: i64 = failures()
        .filter(login_attempts::email.eq(a.email))
        .filter(login_attempts::device_hash.is_null())
        .count()
        .get_result(conn)?;
    Ok(by_account >= limits.per_account)
}

/// Record an attempt. A success clears the failures of this account from
/// the same client or device (not those of others).
pub fn record_attempt(conn: &mut DbConnection, a: &Attempt, success: bool) -> QueryResult<()> {
    let now = super::now();
    if success {
        match a.device {
            Some(d) => diesel::delete(
                login_attempts::table
                    .filter(login_attempts::email.eq(a.email))
                    .filter(login_attempts::success.eq(false))
                    .filter(login_attempts::device_hash.eq(d)),
            )
            .execute(conn)?,
            None => diesel::delete(
                login_attempts::table
                    .filter(login_attempts::email.eq(a.email))
                    .filter(login_attempts::success.eq(false))
                    .filter(login_attempts::ip.eq(a.client))
                    .filter(login_attempts::device_hash.is_null()),
            )
            .execute(conn)?,
        };
    }
    // keep the table small: attempts older than a day are irrelevant
    diesel::delete(
        login_attempts::table.filter(login_attempts::attempted_at.lt(now - Duration::days(1))),
    )
    .execute(conn)?;
    diesel::insert_into(login_attempts::table)
        .values((
            login_attempts::email.eq(a.email),
            login_attempts::ip.eq(a.client),
            login_attempts::success.eq(success),
            login_attempts::attempted_at.eq(now),
            login_attempts::device_hash.eq(a.device),
        ))
        .execute(conn)?;
    Ok(())
}

/// The hash of a device cookie if this account signed in with it before.
pub fn known_device(conn: &mut DbConnection, email: &str, device_hash: &str) -> QueryResult<bool> {
    use super::schema::login_devices;
    let n: i64 = login_devices::table
        .inner_join(users::table)
        .filter(users::email.eq(email))
        .filter(login_devices::token_hash.eq(device_hash))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// Remember the device an account signed in with (or refresh it).
pub fn remember_device(
    conn: &mut DbConnection,
    user_id: i64,
    device_hash: &str,
) -> QueryResult<()> {
    use super::schema::login_devices;
    let now = super::now();
    let n = diesel::update(
        login_devices::table
            .filter(login_devices::user_id.eq(user_id))
            .filter(login_devices::token_hash.eq(device_hash)),
    )
    .set(login_devices::last_used_at.eq(now))
    .execute(conn)?;
    if n == 0 {
        // forget devices unused for a year
        diesel::delete(
            login_devices::table.filter(login_devices::last_used_at.lt(now - Duration::days(400))),
        )
        .execute(conn)?;
        diesel::insert_into(login_devices::table)
            .values((
                login_devices::user_id.eq(user_id),
                login_devices::token_hash.eq(device_hash),
                login_devices::created_at.eq(now),
                login_devices::last_used_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(())
}

// ---- private calendar feeds ----

/// The active user whose (unrevoked) calendar token has this hash.
pub fn user_by_calendar_token(conn: &mut DbConnection, hash: &str) -> QueryResult<Option<User>> {
    use super::schema::calendar_tokens;
    calendar_tokens::table
        .inner_join(users::table)
        .filter(calendar_tokens::token_hash.eq(hash))
        .filter(calendar_tokens::revoked_at.is_null())
        .filter(users::active.eq(true))
        .select(User::as_select())
        .first(conn)
        .optional()
}

/// One live token per user: a new one revokes the old.
pub fn replace_calendar_token(
    conn: &mut DbConnection,
    user_id: i64,
    hash: &str,
) -> QueryResult<()> {
    use super::schema::calendar_tokens;
    revoke_calendar_tokens(conn, user_id)?;
    diesel::insert_into(calendar_tokens::table)
        .values((
            calendar_tokens::user_id.eq(user_id),
            calendar_tokens::token_hash.eq(hash),
            calendar_tokens::created_at.eq(super::now()),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn revoke_calendar_tokens(conn: &mut DbConnection, user_id: i64) -> QueryResult<usize> {
    use super::schema::calendar_tokens;
    diesel::update(
        calendar_tokens::table
            .filter(calendar_tokens::user_id.eq(user_id))
            .filter(calendar_tokens::revoked_at.is_null()),
    )
    .set(calendar_tokens::revoked_at.eq(Some(super::now())))
    .execute(conn)
}

pub fn has_calendar_token(conn: &mut DbConnection, user_id: i64) -> QueryResult<bool> {
    use super::schema::calendar_tokens;
    let n: i64 = calendar_tokens::table
        .filter(calendar_tokens::user_id.eq(user_id))
        .filter(calendar_tokens::revoked_at.is_null())
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}
