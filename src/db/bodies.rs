//! Bodies (Körperschaften) and their legislative terms and locations.

use std::collections::HashMap;

use diesel::prelude::*;

use super::models::{Body, LegislativeTerm, Location};
use super::schema::{bodies, legislative_terms, locations};
use super::DbConnection;

pub fn list(conn: &mut DbConnection) -> QueryResult<Vec<Body>> {
    bodies::table
        .filter(bodies::deleted_at.is_null())
        .order((bodies::parent_body_id.is_not_null(), bodies::name))
        .select(Body::as_select())
        .load(conn)
}

pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<Body>> {
    bodies::table
        .find(id)
        .filter(bodies::deleted_at.is_null())
        .select(Body::as_select())
        .first(conn)
        .optional()
}

pub fn find_by_key(conn: &mut DbConnection, key: &str) -> QueryResult<Option<Body>> {
    bodies::table
        .filter(bodies::key.eq(key))
        .filter(bodies::deleted_at.is_null())
        .select(Body::as_select())
        .first(conn)
        .optional()
}

pub fn map_all(conn: &mut DbConnection) -> QueryResult<HashMap<i64, Body>> {
    Ok(list(conn)?.into_iter().map(|b| (b.id, b)).collect())
}

pub fn terms(conn: &mut DbConnection, body_id: i64) -> QueryResult<Vec<LegislativeTerm>> {
    legislative_terms::table
        .filter(legislative_terms::body_id.eq(body_id))
        .filter(legislative_terms::deleted_at.is_null())
        .order(legislative_terms::start_date.desc())
        .select(LegislativeTerm::as_select())
        .load(conn)
}

pub fn locations_by_ids(
    conn: &mut DbConnection,
    ids: &[i64],
) -> QueryResult<HashMap<i64, Location>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(locations::table
        .filter(locations::id.eq_any(ids))
        .select(Location::as_select())
        .load(conn)?
        .into_iter()
        .map(|l| (l.id, l))
        .collect())
}

pub fn find_location(conn: &mut DbConnection, id: i64) -> QueryResult<Option<Location>> {
    locations::table
        .find(id)
        .filter(locations::deleted_at.is_null())
        .select(Location::as_select())
        .first(conn)
        .optional()
}
