//! Writing bodies and what they are made of: bodies (with placeholders for
//! referenced but undelivered ones), legislative terms, organizations,
//! persons, memberships and locations.

use std::collections::HashMap;

use diesel::prelude::*;
use serde_json::Value;

use super::mapping;
use super::source::{reference, references, text};
use super::{no_after, run_kind, times, Ctx, Plan};
use crate::db::insert::*;
use crate::db::schema::*;
use crate::db::{self, DbConnection};

fn slug(s: &str) -> String {
    let mut out = String::new();
    for ch in s.to_lowercase().chars() {
        let mapped = match ch {
            'ä' => "ae".to_string(),
            'ö' => "oe".to_string(),
            'ü' => "ue".to_string(),
            'ß' => "ss".to_string(),
            c if c.is_ascii_alphanumeric() => c.to_string(),
            _ => "-".to_string(),
        };
        out.push_str(&mapped);
    }
    let parts: Vec<&str> = out.split('-').filter(|p| !p.is_empty()).collect();
    parts.join("-").chars().take(60).collect()
}

fn unique_key(c: &mut DbConnection, base: &str) -> QueryResult<String> {
    let base = if base.is_empty() {
        "koerperschaft"
    } else {
        base
    };
    let mut key = base.to_string();
    let mut n = 2;
    while db::bodies::find_by_key(c, &key)?.is_some() {
        key = format!("{base}-{n}");
        n += 1;
    }
    Ok(key)
}

pub(super) fn bodies(c: &mut DbConnection, ctx: &mut Ctx) -> anyhow::Result<()> {
    let ids = ctx.index.of_kind("Body");
    // bodies referenced but not delivered (e.g. a saved subset): placeholders
    let mut referenced: Vec<String> = Vec::new();
    for kind in ["Organization", "Paper", "Person", "LegislativeTerm"] {
        for id in ctx.index.of_kind(kind) {
            if let Some(b) = ctx
                .index
                .objects
                .get(&id)
                .and_then(|v| reference(v, "body"))
            {
                if !ctx.index.objects.contains_key(&b) && !referenced.contains(&b) {
                    referenced.push(b);
                }
            }
        }
    }
    referenced.sort();
    let mut plan = |c: &mut DbConnection, _: &mut Ctx, v: &Value| -> QueryResult<Plan<NewBody>> {
        let (created, modified) = times(v);
        let id = text(v, "id").unwrap_or_default();
        let name = text(v, "name").unwrap_or_else(|| format!("Körperschaft {id}"));
        let web_key = text(v, "web")
            .and_then(|w| {
                w.trim_end_matches('/')
                    .rsplit('/')
                    .next()
                    .map(str::to_string)
            })
            .filter(|k| {
                k.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            })
            .filter(|k| !k.is_empty());
        let key = match web_key {
            Some(k) if db::bodies::find_by_key(c, &k)?.is_none() => k,
            _ => unique_key(c, &slug(&text(v, "shortName").unwrap_or(name.clone())))?,
        };
        let ags = text(v, "ags").map(|a| {
            if a.len() == 7 && a.chars().all(|c| c.is_ascii_digit()) {
                format!("0{a}")
            } else {
                a
            }
        });
        Ok(Plan::Write(NewBody {
            key,
            short_name: text(v, "shortName").unwrap_or_else(|| name.clone()),
            name,
            kind: mapping::body_kind(text(v, "classification").as_deref())
                .key()
                .into(),
            parent_body_id: None,
            website: text(v, "website"),
            ags,
            created_at: created,
            updated_at: modified,
        }))
    };
    // an update keeps the key (URLs of the portal stay stable)
    let update = &|c: &mut DbConnection, id: i64, r: &NewBody| {
        diesel::update(bodies::table.find(id))
            .set((
                bodies::name.eq(&r.name),
                bodies::short_name.eq(&r.short_name),
                bodies::kind.eq(&r.kind),
                bodies::website.eq(&r.website),
                bodies::ags.eq(&r.ags),
                bodies::updated_at.eq(r.updated_at),
            ))
            .execute(c)
            .map(|_| ())
    };
    run_kind(
        c,
        ctx,
        "Body",
        &ids,
        &mut plan,
        &insert_body,
        update,
        soft_delete!(bodies),
        &mut no_after,
    )?;
    // placeholders for bodies only referenced
    let missing: Vec<String> = referenced
        .into_iter()
        .filter(|b| ctx.known.local("Body", b).is_none())
        .collect();
    if !missing.is_empty() {
        crate::edit::write_transaction(c, |c| -> anyhow::Result<()> {
            for b in &missing {
                let host = url::Url::parse(b)
                    .ok()
                    .map(|u| format!("{}{}", u.host_str().unwrap_or(""), u.path()))
                    .unwrap_or_else(|| b.clone());
                let t = db::now();
                let key = unique_key(c, &slug(&host))?;
                let id = insert_body(
                    c,
                    &NewBody {
                        key,
                        name: format!("Körperschaft {host}"),
                        short_name: host.clone(),
                        kind: "stadt".into(),
                        parent_body_id: None,
                        website: None,
                        ags: None,
                        created_at: t,
                        updated_at: t,
                    },
                )?;
                ctx.known.record(c, "Body", b, id, None)?;
                ctx.counts("Body").new += 1;
                ctx.problem(b, "Körperschaft nur verwiesen, nicht geliefert: als Platzhalter angelegt (Name bitte in der Verwaltung anpassen)".into());
            }
            Ok(())
        })?;
    }
    let all: Vec<i64> = ctx
        .known
        .map
        .values()
        .filter(|(k, _, _)| k == "Body")
        .map(|(_, l, _)| *l)
        .collect();
    let mut distinct = all.clone();
    distinct.sort();
    distinct.dedup();
    ctx.single_body = if distinct.len() == 1 {
        Some(distinct[0])
    } else {
        None
    };
    Ok(())
}

pub(super) fn simple_kinds(c: &mut DbConnection, ctx: &mut Ctx) -> anyhow::Result<()> {
    // legislative terms
    let ids = ctx.index.of_kind("LegislativeTerm");
    let mut plan =
        |_: &mut DbConnection, ctx: &mut Ctx, v: &Value| -> QueryResult<Plan<NewLegislativeTerm>> {
            let (created, modified) = times(v);
            let Some(body) = ctx.body_of(v, 0) else {
                return Ok(Plan::Skip(
                    "Wahlperiode ohne erkennbare Körperschaft".into(),
                ));
            };
            let Some(start) = text(v, "startDate").and_then(|s| mapping::date(&s)) else {
                return Ok(Plan::Skip("Wahlperiode ohne gültiges startDate".into()));
            };
            Ok(Plan::Write(NewLegislativeTerm {
                body_id: body,
                name: text(v, "name").unwrap_or_else(|| "Wahlperiode".into()),
                start_date: start,
                end_date: text(v, "endDate").and_then(|s| mapping::date(&s)),
                created_at: created,
                updated_at: modified,
            }))
        };
    run_kind(
        c,
        ctx,
        "LegislativeTerm",
        &ids,
        &mut plan,
        &insert_legislative_term,
        update_row!(legislative_terms, NewLegislativeTerm),
        soft_delete!(legislative_terms),
        &mut no_after,
    )?;

    // locations
    let ids = ctx.index.of_kind("Location");
    let mut plan =
        |_: &mut DbConnection, ctx: &mut Ctx, v: &Value| -> QueryResult<Plan<NewLocation>> {
            let (created, modified) = times(v);
            let Some(body) = ctx.body_of(v, 0) else {
                return Ok(Plan::Skip("Ort ohne erkennbare Körperschaft".into()));
            };
            let street = text(v, "streetAddress");
            let description = text(v, "description")
                .or_else(|| street.clone())
                .or_else(|| text(v, "room"))
                .unwrap_or_else(|| "Ort".into());
            Ok(Plan::Write(NewLocation {
                body_id: body,
                description,
                room: text(v, "room"),
                street_address: street,
                postal_code: text(v, "postalCode"),
                locality: text(v, "locality"),
                created_at: created,
                updated_at: modified,
            }))
        };
    run_kind(
        c,
        ctx,
        "Location",
        &ids,
        &mut plan,
        &insert_location,
        update_row!(locations, NewLocation),
        soft_delete!(locations),
        &mut no_after,
    )?;

    // organizations (parents in a second pass)
    let ids = ctx.index.of_kind("Organization");
    let mut plan =
        |_: &mut DbConnection, ctx: &mut Ctx, v: &Value| -> QueryResult<Plan<NewOrganization>> {
            let (created, modified) = times(v);
            let Some(name) = text(v, "name") else {
                return Ok(Plan::Skip("Organisation ohne Namen".into()));
            };
            let Some(body) = ctx.body_of(v, 0) else {
                return Ok(Plan::Skip(
                    "Organisation ohne erkennbare Körperschaft".into(),
                ));
            };
            let id = text(v, "id").unwrap_or_default();
            let kind = mapping::organization_kind(
                text(v, "organizationType").as_deref(),
                text(v, "classification").as_deref(),
                ctx.holds_meetings.contains(&id),
            );
            let location = reference(v, "location").and_then(|l| ctx.known.local("Location", &l));
            Ok(Plan::Write(NewOrganization {
                body_id: body,
                name,
                short_name: text(v, "shortName"),
                kind: kind.key().into(),
                parent_id: None,
                location_id: location,
                start_date: text(v, "startDate").and_then(|s| mapping::date(&s)),
                end_date: text(v, "endDate").and_then(|s| mapping::date(&s)),
                website: text(v, "website"),
                created_at: created,
                updated_at: modified,
            }))
        };
    let mut after =
        |_: &mut DbConnection, ctx: &mut Ctx, local: i64, v: &Value| -> QueryResult<()> {
            if let Some(b) = ctx.body_of(v, 0) {
                ctx.org_body.insert(local, b);
            }
            Ok(())
        };
    run_kind(
        c,
        ctx,
        "Organization",
        &ids,
        &mut plan,
        &insert_organization,
        update_row!(organizations, NewOrganization),
        soft_delete!(organizations),
        &mut after,
    )?;
    // bodies of organizations imported earlier (unchanged this time)
    let rows: Vec<(i64, i64)> = organizations::table
        .select((organizations::id, organizations::body_id))
        .load(c)?;
    ctx.org_body.extend(rows);
    let parents: HashMap<i64, Option<i64>> = organizations::table
        .select((organizations::id, organizations::parent_id))
        .load::<(i64, Option<i64>)>(c)?
        .into_iter()
        .collect();
    let changes: Vec<(i64, i64)> = ids
        .iter()
        .filter_map(|id| {
            let v = ctx.index.objects.get(id)?;
            let local = ctx.known.local("Organization", id)?;
            let parent = reference(v, "subOrganizationOf")
                .and_then(|p| ctx.known.local("Organization", &p))?;
            (parents.get(&local).copied().flatten() != Some(parent)).then_some((local, parent))
        })
        .collect();
    if !changes.is_empty() {
        crate::edit::write_transaction(c, |c| -> anyhow::Result<()> {
            for (local, parent) in &changes {
                diesel::update(organizations::table.find(*local))
                    .set(organizations::parent_id.eq(Some(*parent)))
                    .execute(c)?;
            }
            Ok(())
        })?;
    }

    // persons
    let ids = ctx.index.of_kind("Person");
    let mut plan =
        |_: &mut DbConnection, ctx: &mut Ctx, v: &Value| -> QueryResult<Plan<NewPerson>> {
            let (created, modified) = times(v);
            let Some(body) = ctx.body_of(v, 0) else {
                return Ok(Plan::Skip("Person ohne erkennbare Körperschaft".into()));
            };
            let name = text(v, "name").unwrap_or_default();
            let family = text(v, "familyName").or_else(|| {
                name.rsplit(' ')
                    .next()
                    .map(str::to_string)
                    .filter(|s| !s.is_empty())
            });
            let Some(family) = family else {
                return Ok(Plan::Skip("Person ohne Namen".into()));
            };
            let title = references(v, "title")
                .into_iter()
                .next()
                .or_else(|| text(v, "title"));
            // a given name only from givenName, or from `name` when the
            // family name had to be taken from it too (without the title)
            let given = text(v, "givenName").unwrap_or_else(|| {
                if text(v, "familyName").is_some() {
                    return String::new();
                }
                let rest = name.strip_suffix(family.as_str()).unwrap_or("").trim();
                let rest = title
                    .as_deref()
                    .and_then(|t| rest.strip_prefix(t))
                    .unwrap_or(rest);
                rest.trim().to_string()
            });
            Ok(Plan::Write(NewPerson {
                body_id: body,
                family_name: family,
                given_name: given,
                title,
                form_of_address: text(v, "formOfAddress"),
                affix: text(v, "affix"),
                party: None,
                created_at: created,
                updated_at: modified,
            }))
        };
    run_kind(
        c,
        ctx,
        "Person",
        &ids,
        &mut plan,
        &insert_person,
        update_row!(persons, NewPerson),
        soft_delete!(persons),
        &mut no_after,
    )?;

    // memberships
    let ids = ctx.index.of_kind("Membership");
    let mut plan =
        |_: &mut DbConnection, ctx: &mut Ctx, v: &Value| -> QueryResult<Plan<NewMembership>> {
            let (created, modified) = times(v);
            let Some(person) = reference(v, "person").and_then(|p| ctx.known.local("Person", &p))
            else {
                return Ok(Plan::Skip("Mitgliedschaft ohne bekannte Person".into()));
            };
            let Some(org) =
                reference(v, "organization").and_then(|o| ctx.known.local("Organization", &o))
            else {
                return Ok(Plan::Skip(
                    "Mitgliedschaft ohne bekannte Organisation".into(),
                ));
            };
            Ok(Plan::Write(NewMembership {
                person_id: person,
                organization_id: org,
                role: mapping::membership_role(text(v, "role").as_deref())
                    .key()
                    .into(),
                voting_right: v
                    .get("votingRight")
                    .and_then(Value::as_bool)
                    .unwrap_or(true),
                on_behalf_of_id: reference(v, "onBehalfOf")
                    .and_then(|o| ctx.known.local("Organization", &o)),
                start_date: text(v, "startDate").and_then(|s| mapping::date(&s)),
                end_date: text(v, "endDate").and_then(|s| mapping::date(&s)),
                created_at: created,
                updated_at: modified,
            }))
        };
    run_kind(
        c,
        ctx,
        "Membership",
        &ids,
        &mut plan,
        &insert_membership,
        update_row!(memberships, NewMembership),
        soft_delete!(memberships),
        &mut no_after,
    )?;
    Ok(())
}
