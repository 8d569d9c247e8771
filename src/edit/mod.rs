//! Commands: every audited write of the app with its rules, one file per
//! aggregate (meeting, item, paper), above the store (`db`), below the web.
//! The write transaction lives here because it does more than the store
//! knows of: it re-indexes what changed for the search and bumps the data
//! version that the page caches of all app servers watch.

pub mod accounts;
pub mod deferral;
pub mod item;
pub mod meeting;
pub mod paper;

use crate::db::{self, DbConnection};

pub use crate::db::Saved;

/// What is wrong with a command's input: form field name → German message.
pub type Errors = std::collections::BTreeMap<String, String>;

/// Run a write transaction; on SQLite as `BEGIN IMMEDIATE` so that a
/// read-then-write transaction never fails with SQLITE_BUSY. Every write
/// goes through here: it re-indexes what changed for the search (see
/// `search::index`) and bumps the data version, which invalidates cached
/// pages on all app servers.
pub fn write_transaction<T, E, F>(conn: &mut DbConnection, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    db::immediate_transaction(conn, |c: &mut DbConnection| -> Result<T, E> {
        let v = f(c)?;
        crate::search::index::flush(c)?;
        db::bump_data_version(c)?;
        Ok(v)
    })
}

/// A write transaction that bumps the data version only when `f` reports
/// that it changed something (batch jobs such as the OParl import, whose
/// batches may turn out to write nothing).
pub fn write_transaction_when<T, E, F>(conn: &mut DbConnection, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<(T, bool), E>,
    E: From<diesel::result::Error>,
{
    db::immediate_transaction(conn, |c: &mut DbConnection| -> Result<T, E> {
        let (v, changed) = f(c)?;
        crate::search::index::flush(c)?;
        if changed {
            db::bump_data_version(c)?;
        }
        Ok(v)
    })
}
