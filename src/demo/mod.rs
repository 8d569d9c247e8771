//! Demo data: the five seed stories (`seeds.rs`, `integration.rs`) with
//! generated PDFs (`documents.rs`), and a deterministic generator of a
//! large city for benchmarks (`generator.rs`).
//!
//! Recent and coming dates are relative to the day the data is loaded:
//! meetings before it took place (durchgeführt, with results and minutes),
//! meetings after it are eingeladen or terminiert, without results.
//!
//! Both are idempotent: they look for their marker bodies first and do
//! nothing when those exist, so `serve --demo` can run on every start.

mod documents;
mod generator;
mod integration;
mod seeder;
mod seeds;

use crate::db::{self, DbConnection};

pub use seeds::SEED_BODY_KEY;

/// Load the seed stories unless present, and write their documents into
/// `<data_dir>/dateien/` where missing (also for stories loaded before,
/// e.g. with another data directory). Returns true when stories were
/// loaded now.
pub fn load_seeds(conn: &mut DbConnection, data_dir: &str) -> anyhow::Result<bool> {
    let mut loaded = false;
    if db::bodies::find_by_key(conn, SEED_BODY_KEY)?.is_some() {
        // databases seeded before concepts and programmes existed get them now
        use diesel::prelude::*;
        let any: i64 = db::schema::integration_concepts::table
            .count()
            .get_result(conn)?;
        if any == 0 {
            crate::edit::write_transaction(conn, integration::load)?;
            loaded = true;
        }
    } else {
        crate::edit::write_transaction(conn, |c| {
            seeds::load(c)?;
            integration::load(c)
        })?;
        loaded = true;
    }
    let written = documents::ensure(conn, data_dir)?;
    if written > 0 {
        tracing::info!("{written} Demodokumente nach {data_dir}/dateien geschrieben");
    }
    Ok(loaded)
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
        crate::edit::write_transaction(conn, |c| generator::generate_city(c, city))?;
        any = true;
    }
    if any {
        crate::search::index::optimize(conn)?;
    }
    Ok(any)
}

/// Password of the demo accounts (documented in the README; only ever
/// created by `serve --demo` on a database without any account).
pub const DEMO_PASSWORD: &str = "gremium-demo";

/// Demo accounts so the back office can be tried at once: an admin, the
/// Sitzungsdienst of Kamen, and a member of Kamen's social committee.
/// Returns false if accounts exist already.
pub fn load_demo_accounts(conn: &mut DbConnection) -> anyhow::Result<bool> {
    use crate::domain::UserRole;
    use crate::edit::accounts::{insert_account, AccountInput};
    use diesel::prelude::*;
    if !crate::db::users::list(conn)?.is_empty() {
        return Ok(false);
    }
    let Some(kamen) = crate::db::bodies::find_by_key(conn, SEED_BODY_KEY)? else {
        return Ok(false);
    };
    let member: Option<i64> = {
        use crate::db::schema::{memberships, organizations};
        memberships::table
            .inner_join(organizations::table.on(organizations::id.eq(memberships::organization_id)))
            .filter(organizations::body_id.eq(kamen.id))
            .filter(organizations::name.like("Sozial%"))
            .filter(memberships::end_date.is_null())
            .select(memberships::person_id)
            .first(conn)
            .optional()?
    };
    let accounts = [
        (
            "admin@gremium.example",
            "Administration (Demo)",
            UserRole::Admin,
            None,
            None,
        ),
        (
            "sitzungsdienst@kamen.example",
            "Sitzungsdienst Kamen (Demo)",
            UserRole::Clerk,
            Some(kamen.id),
            None,
        ),
        (
            "ratsmitglied@kamen.example",
            "Ratsmitglied Kamen (Demo)",
            UserRole::Member,
            None,
            member,
        ),
    ];
    for (email, name, role, body_id, person_id) in accounts {
        if role == UserRole::Member && person_id.is_none() {
            continue;
        }
        insert_account(
            conn,
            &AccountInput {
                email: email.into(),
                display_name: name.into(),
                role,
                body_id,
                person_id,
                password: DEMO_PASSWORD.into(),
            },
        )
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    }
    Ok(true)
}
