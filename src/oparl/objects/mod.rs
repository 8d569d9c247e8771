//! OParl objects from our rows. Each builder takes a batch of rows of one
//! type (one list page, or one object) and loads what they refer to in a
//! fixed number of queries. Rows must already be visible to the public
//! (the callers filter); deleted rows become `deleted: true` stubs.

use std::collections::HashMap;

use diesel::prelude::*;
use serde_json::{json, Map, Value};

use super::{date, datetime, type_uri, Urls};
use crate::db::models::*;
use crate::db::schema::*;
use crate::db::DbConnection;
use crate::domain::BodyKind;

mod agenda;
mod documents;
mod people;

pub use agenda::{agenda_items, meetings, public_agenda, result_text, Agenda};
pub use documents::{consultation_values, file, files_standalone, papers};
pub use people::{membership, organizations, persons};

/// How objects are written.
#[derive(Debug, Clone, Copy, Default)]
pub struct Opts {
    /// fetched under its own URL: back-references are added
    pub standalone: bool,
    /// `omit_internal=true`: inline lists are left out
    pub omit_internal: bool,
}

type R<T> = QueryResult<T>;

fn obj(
    urls: &Urls,
    kind: &str,
    name: &str,
    id: i64,
    created: chrono::NaiveDateTime,
    modified: chrono::NaiveDateTime,
) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("id".into(), urls.object(kind, id).into());
    m.insert("type".into(), type_uri(name).into());
    m.insert("created".into(), datetime(created).into());
    m.insert("modified".into(), datetime(modified).into());
    m
}

/// A deleted object: id, type, created, modified = deletion time.
pub fn stub(
    urls: &Urls,
    kind: &str,
    name: &str,
    id: i64,
    created: chrono::NaiveDateTime,
    deleted: chrono::NaiveDateTime,
) -> Value {
    let mut m = obj(urls, kind, name, id, created, deleted);
    m.insert("deleted".into(), true.into());
    Value::Object(m)
}

/// Insert only non-empty values (OParl: no nulls, no empty strings or arrays).
fn put(m: &mut Map<String, Value>, key: &str, v: impl Into<Value>) {
    let v = v.into();
    let empty = match &v {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        Value::Array(a) => a.is_empty(),
        _ => false,
    };
    if !empty {
        m.insert(key.into(), v);
    }
}

pub fn system(urls: &Urls, name: &str, created: chrono::NaiveDateTime) -> Value {
    let mut m = Map::new();
    m.insert("id".into(), urls.system().into());
    m.insert("type".into(), type_uri("System").into());
    m.insert("oparlVersion".into(), super::NS.into());
    m.insert("body".into(), urls.bodies().into());
    m.insert("name".into(), name.into());
    m.insert("website".into(), urls.web("/").into());
    m.insert("created".into(), datetime(created).into());
    m.insert("modified".into(), datetime(created).into());
    m.insert("web".into(), urls.web("/").into());
    Value::Object(m)
}

pub const BODY_LISTS: &[&str] = &[
    "organization",
    "person",
    "meeting",
    "paper",
    "agendaItem",
    "consultation",
    "file",
    "locationList",
    "legislativeTermList",
    "membership",
];

pub fn bodies(c: &mut DbConnection, urls: &Urls, rows: &[Body], opts: Opts) -> R<Vec<Value>> {
    let ids: Vec<i64> = rows.iter().map(|b| b.id).collect();
    let terms: Vec<LegislativeTerm> = legislative_terms::table
        .filter(legislative_terms::body_id.eq_any(&ids))
        .filter(legislative_terms::deleted_at.is_null())
        .order((legislative_terms::start_date, legislative_terms::id))
        .select(LegislativeTerm::as_select())
        .load(c)?;
    Ok(rows
        .iter()
        .map(|b| {
            if let Some(d) = b.deleted_at {
                return stub(urls, "body", "Body", b.id, b.created_at, d);
            }
            let mut m = obj(urls, "body", "Body", b.id, b.created_at, b.updated_at);
            m.insert("system".into(), urls.system().into());
            m.insert("name".into(), b.name.clone().into());
            put(&mut m, "shortName", b.short_name.clone());
            put(&mut m, "website", b.website.clone());
            put(&mut m, "ags", b.ags.clone());
            put(
                &mut m,
                "classification",
                BodyKind::from_key(&b.kind).map(|k| k.label()).unwrap_or(""),
            );
            for l in BODY_LISTS {
                m.insert((*l).into(), urls.list(b.id, l).into());
            }
            // a mandatory list: present (possibly empty) unless omit_internal
            if !opts.omit_internal {
                m.insert(
                    "legislativeTerm".into(),
                    Value::Array(
                        terms
                            .iter()
                            .filter(|t| t.body_id == b.id)
                            .map(|t| term(urls, t, false))
                            .collect(),
                    ),
                );
            }
            m.insert(
                "web".into(),
                urls.web(&format!("/koerperschaften/{}", b.key)).into(),
            );
            Value::Object(m)
        })
        .collect())
}

pub fn term(urls: &Urls, t: &LegislativeTerm, standalone: bool) -> Value {
    if let Some(d) = t.deleted_at {
        return stub(
            urls,
            "legislativeterm",
            "LegislativeTerm",
            t.id,
            t.created_at,
            d,
        );
    }
    let mut m = obj(
        urls,
        "legislativeterm",
        "LegislativeTerm",
        t.id,
        t.created_at,
        t.updated_at,
    );
    if standalone {
        m.insert("body".into(), urls.object("body", t.body_id).into());
    }
    m.insert("name".into(), t.name.clone().into());
    m.insert("startDate".into(), date(t.start_date).into());
    if let Some(e) = t.end_date {
        m.insert("endDate".into(), date(e).into());
    }
    Value::Object(m)
}

pub fn location(urls: &Urls, l: &Location, standalone: bool) -> Value {
    if let Some(d) = l.deleted_at {
        return stub(urls, "location", "Location", l.id, l.created_at, d);
    }
    let mut m = obj(
        urls,
        "location",
        "Location",
        l.id,
        l.created_at,
        l.updated_at,
    );
    put(&mut m, "description", l.description.clone());
    put(&mut m, "streetAddress", l.street_address.clone());
    put(&mut m, "room", l.room.clone());
    put(&mut m, "postalCode", l.postal_code.clone());
    put(&mut m, "locality", l.locality.clone());
    if standalone {
        put(&mut m, "bodies", json!([urls.object("body", l.body_id)]));
    }
    Value::Object(m)
}

fn locations(c: &mut DbConnection, ids: &[i64]) -> R<HashMap<i64, Location>> {
    Ok(locations::table
        .filter(locations::id.eq_any(ids))
        .filter(locations::deleted_at.is_null())
        .select(Location::as_select())
        .load(c)?
        .into_iter()
        .map(|l| (l.id, l))
        .collect())
}
