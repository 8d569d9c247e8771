//! Organizations, their memberships and persons.

use diesel::prelude::*;
use serde_json::{json, Value};

use super::{location, locations, obj, put, stub, Opts, R};
use crate::db::models::*;
use crate::db::schema::*;
use crate::db::DbConnection;
use crate::domain::{MembershipRole, OrganizationKind};
use crate::oparl::{date, Urls};

fn org_type(kind: &str) -> (&'static str, &'static str) {
    match OrganizationKind::from_key(kind) {
        Some(OrganizationKind::Council) => ("Gremium", "Parlament"),
        Some(OrganizationKind::Committee) => ("Gremium", "Ausschuss"),
        Some(OrganizationKind::AdvisoryBoard) => ("Gremium", "Beirat"),
        Some(OrganizationKind::Faction) => ("Fraktion", "Fraktion"),
        Some(OrganizationKind::Department) => ("Verwaltungsbereich", "Verwaltungsbereich"),
        Some(OrganizationKind::External) => ("externes Gremium", "Sonstiges"),
        None => ("Sonstiges", "Sonstiges"),
    }
}

pub fn organizations(c: &mut DbConnection, urls: &Urls, rows: &[Organization]) -> R<Vec<Value>> {
    let ids: Vec<i64> = rows.iter().map(|o| o.id).collect();
    let members: Vec<(i64, i64)> = memberships::table
        .filter(memberships::organization_id.eq_any(&ids))
        .filter(memberships::deleted_at.is_null())
        .order(memberships::id)
        .select((memberships::organization_id, memberships::id))
        .load(c)?;
    let loc_ids: Vec<i64> = rows.iter().filter_map(|o| o.location_id).collect();
    let locs = locations(c, &loc_ids)?;
    Ok(rows
        .iter()
        .map(|o| {
            if let Some(d) = o.deleted_at {
                return stub(urls, "organization", "Organization", o.id, o.created_at, d);
            }
            let mut m = obj(
                urls,
                "organization",
                "Organization",
                o.id,
                o.created_at,
                o.updated_at,
            );
            m.insert("body".into(), urls.object("body", o.body_id).into());
            m.insert("name".into(), o.name.clone().into());
            put(&mut m, "shortName", o.short_name.clone());
            let (t, cl) = org_type(&o.kind);
            m.insert("organizationType".into(), t.into());
            m.insert("classification".into(), cl.into());
            put(
                &mut m,
                "membership",
                members
                    .iter()
                    .filter(|(org, _)| *org == o.id)
                    .map(|(_, id)| Value::from(urls.object("membership", *id)))
                    .collect::<Vec<_>>(),
            );
            if let Some(p) = o.parent_id {
                m.insert(
                    "subOrganizationOf".into(),
                    urls.object("organization", p).into(),
                );
            }
            if let Some(d) = o.start_date {
                m.insert("startDate".into(), date(d).into());
            }
            if let Some(d) = o.end_date {
                m.insert("endDate".into(), date(d).into());
            }
            put(&mut m, "website", o.website.clone());
            if let Some(l) = o.location_id.and_then(|l| locs.get(&l)) {
                m.insert("location".into(), location(urls, l, false));
            }
            if OrganizationKind::from_key(&o.kind).is_some_and(|k| k.is_gremium()) {
                m.insert("web".into(), urls.web(&format!("/gremien/{}", o.id)).into());
            }
            Value::Object(m)
        })
        .collect())
}

pub fn membership(urls: &Urls, ms: &Membership, standalone: bool) -> Value {
    if let Some(d) = ms.deleted_at {
        return stub(urls, "membership", "Membership", ms.id, ms.created_at, d);
    }
    let mut m = obj(
        urls,
        "membership",
        "Membership",
        ms.id,
        ms.created_at,
        ms.updated_at,
    );
    if standalone {
        m.insert("person".into(), urls.object("person", ms.person_id).into());
    }
    m.insert(
        "organization".into(),
        urls.object("organization", ms.organization_id).into(),
    );
    put(
        &mut m,
        "role",
        MembershipRole::from_key(&ms.role)
            .map(|r| r.label())
            .unwrap_or(&ms.role),
    );
    m.insert("votingRight".into(), ms.voting_right.into());
    if let Some(d) = ms.start_date {
        m.insert("startDate".into(), date(d).into());
    }
    if let Some(d) = ms.end_date {
        m.insert("endDate".into(), date(d).into());
    }
    if let Some(o) = ms.on_behalf_of_id {
        m.insert("onBehalfOf".into(), urls.object("organization", o).into());
    }
    Value::Object(m)
}

pub fn persons(c: &mut DbConnection, urls: &Urls, rows: &[Person], opts: Opts) -> R<Vec<Value>> {
    let ids: Vec<i64> = rows.iter().map(|p| p.id).collect();
    let ms: Vec<Membership> = if opts.omit_internal {
        Vec::new()
    } else {
        memberships::table
            .filter(memberships::person_id.eq_any(&ids))
            .filter(memberships::deleted_at.is_null())
            .order(memberships::id)
            .select(Membership::as_select())
            .load(c)?
    };
    Ok(rows
        .iter()
        .map(|p| {
            if let Some(d) = p.deleted_at {
                return stub(urls, "person", "Person", p.id, p.created_at, d);
            }
            let mut m = obj(urls, "person", "Person", p.id, p.created_at, p.updated_at);
            m.insert("body".into(), urls.object("body", p.body_id).into());
            m.insert("name".into(), p.display_name().into());
            put(&mut m, "familyName", p.family_name.clone());
            put(&mut m, "givenName", p.given_name.clone());
            put(&mut m, "formOfAddress", p.form_of_address.clone());
            put(&mut m, "affix", p.affix.clone());
            if let Some(t) = p.title.as_deref().filter(|t| !t.is_empty()) {
                m.insert("title".into(), json!([t]));
            }
            if !opts.omit_internal {
                put(
                    &mut m,
                    "membership",
                    ms.iter()
                        .filter(|x| x.person_id == p.id)
                        .map(|x| membership(urls, x, false))
                        .collect::<Vec<_>>(),
                );
            }
            m.insert(
                "web".into(),
                urls.web(&format!("/personen/{}", p.id)).into(),
            );
            Value::Object(m)
        })
        .collect())
}
