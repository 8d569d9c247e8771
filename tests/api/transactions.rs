//! Write transactions and the connection pool: a panic or an error inside
//! a write leaves no open transaction behind in a pooled connection (on
//! SQLite one would block every other writer), and nothing of the failed
//! write is kept.

use diesel::prelude::*;
use gremium::db::{self, schema::data_version, DbUrl};

use crate::helpers::TestDb;

fn version(c: &mut db::DbConnection) -> i64 {
    db::data_version(c).expect("data version")
}

#[test]
fn a_panic_inside_a_write_leaves_the_pool_usable() {
    let test_db = TestDb::new();
    let url = DbUrl::parse(&test_db.url).expect("url");
    db::prepare_and_migrate(&url).expect("migrate");
    // one connection, so the next checkout gets the very same one if the
    // pool kept it
    let pool = db::build_pool(&url, 1).expect("pool");
    let before = version(&mut pool.get().expect("conn"));

    let p = pool.clone();
    let panicked = std::thread::spawn(move || {
        let mut c = p.get().expect("conn");
        let _: Result<(), diesel::result::Error> = gremium::edit::write_transaction(&mut c, |c| {
            diesel::update(data_version::table.find(1i64))
                .set(data_version::version.eq(9_999))
                .execute(c)?;
            panic!("Absturz mitten im Schreiben");
        });
    })
    .join();
    assert!(panicked.is_err(), "the write panicked");

    // the pool hands out a working connection at once and writes go on
    let mut c = pool.get().expect("a connection after the panic");
    assert_eq!(version(&mut c), before, "the panicked write was not kept");
    gremium::edit::write_transaction(&mut c, |_| Ok::<_, diesel::result::Error>(()))
        .expect("write again");
    assert_eq!(version(&mut c), before + 1);
    drop(c);

    // a second connection of the database is not blocked either (SQLite:
    // a left-open BEGIN IMMEDIATE would hold the write lock)
    let mut other = test_db.connect();
    gremium::edit::write_transaction(&mut other, |_| Ok::<_, diesel::result::Error>(()))
        .expect("another connection writes");
    assert_eq!(version(&mut other), before + 2);
}

#[test]
fn a_failed_write_rolls_back_and_the_connection_is_reused() {
    let test_db = TestDb::new();
    let url = DbUrl::parse(&test_db.url).expect("url");
    db::prepare_and_migrate(&url).expect("migrate");
    let pool = db::build_pool(&url, 1).expect("pool");
    let mut c = pool.get().expect("conn");
    let before = version(&mut c);
    let failed: Result<(), diesel::result::Error> = gremium::edit::write_transaction(&mut c, |c| {
        diesel::update(data_version::table.find(1i64))
            .set(data_version::version.eq(9_999))
            .execute(c)?;
        Err(diesel::result::Error::RollbackTransaction)
    });
    assert!(failed.is_err());
    assert_eq!(version(&mut c), before, "rolled back");
    // a nested transaction inside a write is a savepoint, not an error
    gremium::edit::write_transaction(&mut c, |c| {
        let inner: Result<(), diesel::result::Error> = c.transaction(|c| {
            diesel::update(data_version::table.find(1i64))
                .set(data_version::version.eq(5_000))
                .execute(c)?;
            Err(diesel::result::Error::RollbackTransaction)
        });
        assert!(inner.is_err());
        Ok::<_, diesel::result::Error>(())
    })
    .expect("outer write commits");
    assert_eq!(version(&mut c), before + 1, "inner savepoint rolled back");
}
