//! Database access for both backends (Vaultwarden's shape): one
//! `MultiConnection` enum, a connection manager that picks the backend from
//! the URL scheme, per-backend migrations, one schema.
//!
//! Queries live in one module per aggregate as free functions taking
//! `&mut DbConnection` and returning `QueryResult<…>`.

pub mod agenda_items;
pub mod audit;
pub mod bodies;
pub mod concepts;
pub mod files;
pub mod insert;
pub mod links;
pub mod mail;
pub mod meetings;
pub mod models;
pub mod organizations;
pub mod papers;
pub mod persons;
pub mod programmes;
pub mod schema;
pub mod users;

use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::r2d2::{self, ManageConnection};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

pub const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
pub const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgresql");

#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Postgresql(diesel::PgConnection),
    Sqlite(diesel::SqliteConnection),
}

/// Which backend a `DATABASE_URL` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DbKind {
    Sqlite,
    Postgresql,
}

/// A parsed, validated database URL.
#[derive(Debug, Clone)]
pub struct DbUrl {
    pub kind: DbKind,
    /// What the driver gets: a file path for SQLite, the URL for PostgreSQL.
    pub target: String,
}

impl DbUrl {
    /// Accepts `sqlite://path`, `sqlite:path`, `postgres://…` and
    /// `postgresql://…`; anything else is refused with a German message.
    pub fn parse(url: &str) -> Result<DbUrl, String> {
        let url = url.trim();
        if let Some(rest) = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
        {
            if rest.is_empty() {
                return Err("DATABASE_URL: Nach „sqlite://“ fehlt der Dateipfad.".into());
            }
            return Ok(DbUrl {
                kind: DbKind::Sqlite,
                target: rest.to_string(),
            });
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(DbUrl {
                kind: DbKind::Postgresql,
                target: url.to_string(),
            });
        }
        Err(format!(
            "DATABASE_URL „{}“ hat ein unbekanntes Schema; erlaubt sind sqlite://PFAD und postgres://…",
            redact(url)
        ))
    }
}

/// Hide a password in a URL before it is printed.
pub fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        _ => url.to_string(),
    }
}

/// r2d2 manager that chooses the variant from the URL scheme (the derived
/// `establish` would try PostgreSQL, then treat any string as a SQLite file).
pub struct ConnManager {
    url: DbUrl,
}

impl ConnManager {
    pub fn new(url: DbUrl) -> Self {
        ConnManager { url }
    }
}

pub fn establish(url: &DbUrl) -> ConnectionResult<DbConnection> {
    match url.kind {
        DbKind::Sqlite => {
            let mut c = diesel::SqliteConnection::establish(&url.target)?;
            c.batch_execute(
                "PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; PRAGMA mmap_size = 268435456; PRAGMA cache_size = -16000;",
            )
            .map_err(diesel::ConnectionError::CouldntSetupConfiguration)?;
            Ok(DbConnection::Sqlite(c))
        }
        DbKind::Postgresql => Ok(DbConnection::Postgresql(diesel::PgConnection::establish(
            &url.target,
        )?)),
    }
}

impl ManageConnection for ConnManager {
    type Connection = DbConnection;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<DbConnection, r2d2::Error> {
        establish(&self.url).map_err(r2d2::Error::ConnectionError)
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), r2d2::Error> {
        conn.batch_execute("SELECT 1")
            .map_err(r2d2::Error::QueryError)
    }

    /// A connection that comes back while its thread panics, or with a
    /// transaction still open or its transaction manager in an error state
    /// (a failed COMMIT and ROLLBACK), is closed instead of reused: on
    /// SQLite an open write transaction would block every other writer.
    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        std::thread::panicking() || diesel::r2d2::R2D2Connection::is_broken(conn)
    }
}

pub type Pool = r2d2::Pool<ConnManager>;

/// Result of a save guarded by a version number.
#[derive(Debug, PartialEq, Eq)]
pub enum Saved {
    Ok,
    /// Someone else saved in between; nothing was written.
    Conflict,
}

/// Prepare the database (create the SQLite file and its folder, switch on
/// WAL once) and run pending migrations on a dedicated connection.
pub fn prepare_and_migrate(url: &DbUrl) -> anyhow::Result<()> {
    if url.kind == DbKind::Sqlite && url.target != ":memory:" {
        let path = std::path::Path::new(&url.target);
        if let Some(dir) = path.parent() {
            if !dir.as_os_str().is_empty() {
                std::fs::create_dir_all(dir).map_err(|e| {
                    anyhow::anyhow!(
                        "Verzeichnis {} kann nicht angelegt werden: {e}",
                        dir.display()
                    )
                })?;
            }
        }
    }
    let mut conn = establish(url).map_err(|e| {
        anyhow::anyhow!(
            "Datenbank {} nicht erreichbar: {}",
            redact(&url.target),
            first_line(&e.to_string())
        )
    })?;
    if let DbConnection::Sqlite(c) = &mut conn {
        c.batch_execute("PRAGMA journal_mode = WAL; PRAGMA foreign_keys = OFF;")?;
    }
    prepare_for_migrations(&mut conn)?;
    let migrations = match url.kind {
        DbKind::Sqlite => SQLITE_MIGRATIONS,
        DbKind::Postgresql => POSTGRES_MIGRATIONS,
    };
    conn.run_pending_migrations(migrations)
        .map_err(|e| anyhow::anyhow!("Migration fehlgeschlagen: {e}"))?;
    if let DbConnection::Sqlite(c) = &mut conn {
        c.batch_execute("PRAGMA foreign_keys = ON;")?;
    }
    Ok(())
}

diesel::define_sql_function! {
    /// SHA-256 as lower-case hex; on SQLite registered by
    /// [`prepare_for_migrations`] (PostgreSQL migrations use `sha256()`).
    fn gremium_sha256(x: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

/// What a migration may call besides SQL: on SQLite the function
/// `gremium_sha256(text)` that turns stored clear tokens into hashes
/// (migration 000010).
pub fn prepare_for_migrations(conn: &mut DbConnection) -> QueryResult<()> {
    if let DbConnection::Sqlite(c) = conn {
        gremium_sha256_utils::register_impl(c, |x: String| {
            use sha2::Digest;
            hex::encode(sha2::Sha256::digest(x.as_bytes()))
        })?;
    }
    Ok(())
}

pub use crate::base::text::first_line;

pub fn build_pool(url: &DbUrl, size: u32) -> anyhow::Result<Pool> {
    r2d2::Pool::builder()
        .max_size(size)
        .min_idle(Some(1))
        .connection_timeout(Duration::from_secs(10))
        .build(ConnManager::new(url.clone()))
        .map_err(|e| anyhow::anyhow!("Datenbank-Pool: {}", first_line(&e.to_string())))
}

/// The current data version (see `write_transaction`).
pub fn data_version(conn: &mut DbConnection) -> QueryResult<i64> {
    schema::data_version::table
        .find(1i64)
        .select(schema::data_version::version)
        .first(conn)
}

/// Mark the data as changed: cached pages of every app server become stale.
pub fn bump_data_version(conn: &mut DbConnection) -> QueryResult<()> {
    use schema::data_version::dsl as v;
    diesel::update(v::data_version.find(1i64))
        .set((v::version.eq(v::version + 1), v::updated_at.eq(now())))
        .execute(conn)?;
    Ok(())
}

/// A write transaction for rows no public page shows (sessions, login
/// attempts, the mail outbox and its events, form throttling): it does
/// not bump the data version, so it leaves the page cache alone. Changes
/// to anything a page renders must use `write_transaction`.
pub fn quiet_transaction<T, E, F>(conn: &mut DbConnection, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    immediate_transaction(conn, f)
}

/// Read-only work on one consistent snapshot (search: the matches, their
/// facet values and the page of hits must all be of the same moment).
/// SQLite: a deferred transaction; PostgreSQL: REPEATABLE READ, READ ONLY.
pub fn read_snapshot<T, E, F>(conn: &mut DbConnection, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    match conn {
        DbConnection::Sqlite(_) => sqlite_transaction(conn, "BEGIN", f),
        DbConnection::Postgresql(_) => conn.transaction(|c| {
            c.batch_execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")?;
            f(c)
        }),
    }
}

/// A transaction that takes the write lock at once (SQLite: `BEGIN
/// IMMEDIATE`, so a read-then-write transaction never fails with
/// SQLITE_BUSY). The store's primitive: writes of the app go through
/// `edit::write_transaction`, which also re-indexes search and bumps the
/// data version.
pub fn immediate_transaction<T, E, F>(conn: &mut DbConnection, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    match conn {
        DbConnection::Sqlite(_) => sqlite_transaction(conn, "BEGIN IMMEDIATE", f),
        DbConnection::Postgresql(_) => conn.transaction(f),
    }
}

/// SQLite: `begin` (deferred or immediate), `f`, then COMMIT, or ROLLBACK
/// when `f` fails — through diesel's transaction manager, so that it knows
/// of the open transaction: a nested `conn.transaction` becomes a
/// savepoint, and a connection left inside a transaction (a panic in `f`, a
/// COMMIT that failed and could not be rolled back) counts as broken and is
/// not handed out by the pool again (`ConnManager::has_broken`).
fn sqlite_transaction<T, E, F>(conn: &mut DbConnection, begin: &str, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    use diesel::connection::{AnsiTransactionManager, TransactionManager};
    if let DbConnection::Sqlite(c) = conn {
        AnsiTransactionManager::begin_transaction_sql(c, begin)?;
    }
    let result = f(conn);
    let DbConnection::Sqlite(c) = conn else {
        return result;
    };
    match result {
        Ok(v) => {
            AnsiTransactionManager::commit_transaction(c)?;
            Ok(v)
        }
        Err(e) => {
            // a failed rollback leaves the manager in its error state: the
            // pool then drops this connection
            let _ = AnsiTransactionManager::rollback_transaction(c);
            Err(e)
        }
    }
}

/// Current time in UTC as stored in the database (second precision).
pub fn now() -> chrono::NaiveDateTime {
    use chrono::Timelike;
    let n = chrono::Utc::now().naive_utc();
    n.with_nanosecond(0).unwrap_or(n)
}
