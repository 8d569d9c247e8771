//! Demo data: the five seed stories (`seeds.rs`) and a deterministic
//! generator of a large city for benchmarks (`generator.rs`).
//!
//! Both are idempotent: they look for their marker bodies first and do
//! nothing when those exist, so `serve --demo` can run on every start.

mod generator;
mod seeder;
mod seeds;

use crate::db::{self, DbConnection};

pub use seeds::SEED_BODY_KEY;

/// Load the seed stories unless present. Returns true when loaded now.
pub fn load_seeds(conn: &mut DbConnection) -> anyhow::Result<bool> {
    if db::bodies::find_by_key(conn, SEED_BODY_KEY)?.is_some() {
        return Ok(false);
    }
    db::write_transaction(conn, seeds::load)?;
    Ok(true)
}

/// Generate the benchmark city at `scale` unless present.
/// Each unit of scale is one large city over one term; cities already
/// present are skipped, so raising the scale only adds the missing ones.
pub fn load_generated(conn: &mut DbConnection, scale: u32) -> anyhow::Result<bool> {
    let mut any = false;
    for city in 1..=scale {
        if db::bodies::find_by_key(conn, &generator::body_key(city))?.is_some() {
            continue;
        }
        db::write_transaction(conn, |c| generator::generate_city(c, city))?;
        any = true;
    }
    Ok(any)
}
