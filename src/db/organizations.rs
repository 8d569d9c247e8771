//! Organizations (Gremien, Fraktionen, Verwaltungseinheiten) and memberships.

use std::collections::HashMap;

use chrono::NaiveDate;
use diesel::prelude::*;

use super::models::{Membership, Organization, Person};
use super::schema::{memberships, organizations, persons};
use super::DbConnection;
use crate::domain::OrganizationKind;

/// Kinds that hold meetings and are listed as Gremien.
pub fn gremium_kinds() -> Vec<&'static str> {
    OrganizationKind::ALL
        .iter()
        .filter(|k| k.is_gremium())
        .map(|k| k.key())
        .collect()
}

pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<Organization>> {
    organizations::table
        .find(id)
        .filter(organizations::deleted_at.is_null())
        .select(Organization::as_select())
        .first(conn)
        .optional()
}

/// Gremien (council, committees, advisory boards), optionally of one body.
pub fn list_gremien(
    conn: &mut DbConnection,
    body_id: Option<i64>,
) -> QueryResult<Vec<Organization>> {
    let mut q = organizations::table
        .filter(organizations::deleted_at.is_null())
        .filter(organizations::kind.eq_any(gremium_kinds()))
        .into_boxed();
    if let Some(b) = body_id {
        q = q.filter(organizations::body_id.eq(b));
    }
    q.order((
        organizations::body_id,
        organizations::kind.desc(),
        organizations::name,
    ))
    .select(Organization::as_select())
    .load(conn)
}

pub fn list_by_kind(
    conn: &mut DbConnection,
    body_id: i64,
    kind: OrganizationKind,
) -> QueryResult<Vec<Organization>> {
    organizations::table
        .filter(organizations::deleted_at.is_null())
        .filter(organizations::body_id.eq(body_id))
        .filter(organizations::kind.eq(kind.key()))
        .order(organizations::name)
        .select(Organization::as_select())
        .load(conn)
}

pub fn by_ids(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<HashMap<i64, Organization>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(organizations::table
        .filter(organizations::id.eq_any(ids))
        .filter(organizations::deleted_at.is_null())
        .select(Organization::as_select())
        .load(conn)?
        .into_iter()
        .map(|o| (o.id, o))
        .collect())
}

/// Current members (membership open on `today`) with their person.
pub fn current_members(
    conn: &mut DbConnection,
    organization_id: i64,
    today: NaiveDate,
) -> QueryResult<Vec<(Membership, Person)>> {
    memberships::table
        .inner_join(persons::table.on(persons::id.eq(memberships::person_id)))
        .filter(memberships::organization_id.eq(organization_id))
        .filter(memberships::deleted_at.is_null())
        .filter(persons::deleted_at.is_null())
        .filter(
            memberships::end_date
                .is_null()
                .or(memberships::end_date.ge(today)),
        )
        .filter(
            memberships::start_date
                .is_null()
                .or(memberships::start_date.le(today)),
        )
        .order((persons::family_name, persons::given_name))
        .select((Membership::as_select(), Person::as_select()))
        .load(conn)
}

/// Ids of the organizations a person currently belongs to.
pub fn memberships_of_person(
    conn: &mut DbConnection,
    person_id: i64,
) -> QueryResult<Vec<(Membership, Organization)>> {
    memberships::table
        .inner_join(organizations::table.on(organizations::id.eq(memberships::organization_id)))
        .filter(memberships::person_id.eq(person_id))
        .filter(memberships::deleted_at.is_null())
        .filter(organizations::deleted_at.is_null())
        .order((memberships::end_date.is_not_null(), organizations::name))
        .select((Membership::as_select(), Organization::as_select()))
        .load(conn)
}
