//! Persons.

use std::collections::HashMap;

use diesel::prelude::*;

use super::models::Person;
use super::schema::persons;
use super::DbConnection;

pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<Person>> {
    persons::table
        .find(id)
        .filter(persons::deleted_at.is_null())
        .select(Person::as_select())
        .first(conn)
        .optional()
}

pub fn list(
    conn: &mut DbConnection,
    body_id: Option<i64>,
    limit: i64,
    offset: i64,
) -> QueryResult<(Vec<Person>, i64)> {
    let base = || {
        let mut q = persons::table
            .filter(persons::deleted_at.is_null())
            .into_boxed();
        if let Some(b) = body_id {
            q = q.filter(persons::body_id.eq(b));
        }
        q
    };
    let total = base().count().get_result(conn)?;
    let rows = base()
        .order((persons::family_name, persons::given_name, persons::id))
        .limit(limit)
        .offset(offset)
        .select(Person::as_select())
        .load(conn)?;
    Ok((rows, total))
}

pub fn by_ids(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<HashMap<i64, Person>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(persons::table
        .filter(persons::id.eq_any(ids))
        .filter(persons::deleted_at.is_null())
        .select(Person::as_select())
        .load(conn)?
        .into_iter()
        .map(|p| (p.id, p))
        .collect())
}

/// Organizations the person belongs to on `day` (memberships not ended).
pub fn current_organization_ids(
    conn: &mut DbConnection,
    person_id: i64,
    day: chrono::NaiveDate,
) -> QueryResult<Vec<i64>> {
    use crate::db::schema::memberships;
    memberships::table
        .filter(memberships::person_id.eq(person_id))
        .filter(memberships::deleted_at.is_null())
        .filter(
            memberships::end_date
                .is_null()
                .or(memberships::end_date.ge(day)),
        )
        .select(memberships::organization_id)
        .distinct()
        .load(conn)
}

/// Voting members of an organization on `day`, with their faction
/// (for attendance lists and roll calls).
pub fn members_of(
    conn: &mut DbConnection,
    organization_id: i64,
    day: chrono::NaiveDate,
) -> QueryResult<Vec<(Person, String, Option<i64>)>> {
    use crate::db::schema::{memberships, persons};
    memberships::table
        .inner_join(persons::table)
        .filter(memberships::organization_id.eq(organization_id))
        .filter(memberships::deleted_at.is_null())
        .filter(persons::deleted_at.is_null())
        .filter(
            memberships::start_date
                .is_null()
                .or(memberships::start_date.le(day)),
        )
        .filter(
            memberships::end_date
                .is_null()
                .or(memberships::end_date.ge(day)),
        )
        .order((persons::family_name, persons::given_name))
        .select((
            Person::as_select(),
            memberships::role,
            memberships::on_behalf_of_id,
        ))
        .load(conn)
}
