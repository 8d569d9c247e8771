//! OParl objects from our rows. Each builder takes a batch of rows of one
//! type (one list page, or one object) and loads what they refer to in a
//! fixed number of queries. Rows must already be visible to the public
//! (the callers filter); deleted rows become `deleted: true` stubs.

use std::collections::{HashMap, HashSet};

use diesel::prelude::*;
use serde_json::{json, Map, Value};

use super::{date, datetime, type_uri, Urls};
use crate::access::Audience;
use crate::db::models::*;
use crate::db::schema::*;
use crate::db::DbConnection;
use crate::domain::{
    BodyKind, ConsultationRole, MeetingState, MembershipRole, OrganizationKind, Outcome, PaperType,
};

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

/// Public agenda items of these meetings with their numbers and order.
pub struct Agenda {
    /// visible items, in agenda order per meeting
    pub items: Vec<AgendaItem>,
    pub numbers: HashMap<i64, String>,
    pub order: HashMap<i64, usize>,
}

pub fn public_agenda(c: &mut DbConnection, meeting_ids: &[i64]) -> R<Agenda> {
    let all = crate::db::agenda_items::for_meetings(c, meeting_ids)?;
    // numbers and tree order are per meeting
    let mut by_meeting: HashMap<i64, Vec<AgendaItem>> = HashMap::new();
    for a in &all {
        by_meeting.entry(a.meeting_id).or_default().push(a.clone());
    }
    let mut numbers = HashMap::new();
    let mut tree = HashMap::new();
    for items in by_meeting.values() {
        numbers.extend(crate::access::agenda::numbers(items));
        tree.extend(crate::access::agenda::tree_order(items));
    }
    let visible = crate::access::agenda::visible_ids(&all, Audience::Public);
    let mut items: Vec<AgendaItem> = all
        .into_iter()
        .filter(|a| visible.contains(&a.id))
        .collect();
    items.sort_by_key(|a| (a.meeting_id, tree.get(&a.id).copied().unwrap_or(usize::MAX)));
    let mut order = HashMap::new();
    let mut last = None;
    let mut n = 0;
    for a in &items {
        if last != Some(a.meeting_id) {
            n = 0;
            last = Some(a.meeting_id);
        }
        order.insert(a.id, n);
        n += 1;
    }
    Ok(Agenda {
        items,
        numbers,
        order,
    })
}

/// Files (already filtered for visibility) as inline objects.
pub fn file(urls: &Urls, f: &File, backrefs: Option<&HashMap<&'static str, Vec<String>>>) -> Value {
    if let Some(d) = f.deleted_at {
        return stub(urls, "file", "File", f.id, f.created_at, d);
    }
    let mut m = obj(urls, "file", "File", f.id, f.created_at, f.updated_at);
    m.insert("name".into(), f.name.clone().into());
    m.insert("fileName".into(), f.file_name.clone().into());
    m.insert("mimeType".into(), f.mime_type.clone().into());
    m.insert("date".into(), date(f.created_at.date()).into());
    m.insert("size".into(), f.size.into());
    let path = crate::base::urls::file_url(f.id, &f.file_name);
    m.insert(
        "accessUrl".into(),
        urls.web(&format!("{path}?anzeigen=1")).into(),
    );
    m.insert(
        "downloadUrl".into(),
        urls.web(&format!("{path}?herunterladen=1")).into(),
    );
    if let Some(b) = backrefs {
        for (k, v) in b {
            put(
                &mut m,
                k,
                v.iter().map(|s| Value::from(s.clone())).collect::<Vec<_>>(),
            );
        }
    }
    Value::Object(m)
}

/// Visible, live files of meetings, items or papers.
fn files_where(c: &mut DbConnection, column: &str, ids: &[i64]) -> R<Vec<File>> {
    let q = files::table
        .filter(files::deleted_at.is_null())
        .into_boxed();
    let q = match column {
        "meeting" => q
            .filter(files::meeting_id.eq_any(ids.to_vec()))
            .filter(files::agenda_item_id.is_null()),
        "item" => q.filter(files::agenda_item_id.eq_any(ids.to_vec())),
        _ => q.filter(files::paper_id.eq_any(ids.to_vec())),
    };
    let list: Vec<File> = q.order(files::id).select(File::as_select()).load(c)?;
    crate::access::files::visible_files(c, list, Audience::Public)
}

fn meeting_state(m: &Meeting) -> (&'static str, bool) {
    match MeetingState::from_key(&m.state) {
        Some(MeetingState::Scheduled) => ("terminiert", false),
        Some(MeetingState::Invited) => ("eingeladen", false),
        Some(MeetingState::Held) => ("durchgeführt", false),
        Some(MeetingState::Cancelled) => ("abgesagt", true),
        None => ("terminiert", false),
    }
}

pub fn meetings(c: &mut DbConnection, urls: &Urls, rows: &[Meeting], opts: Opts) -> R<Vec<Value>> {
    let ids: Vec<i64> = rows
        .iter()
        .filter(|m| m.deleted_at.is_none())
        .map(|m| m.id)
        .collect();
    let joint = crate::db::meetings::joint_organizations_of(c, &ids)?;
    let loc_ids: Vec<i64> = rows.iter().filter_map(|m| m.location_id).collect();
    let locs = locations(c, &loc_ids)?;
    let (agenda_values, files): (HashMap<i64, Vec<Value>>, Vec<File>) = if opts.omit_internal {
        (HashMap::new(), Vec::new())
    } else {
        let agenda = public_agenda(c, &ids)?;
        let values = agenda_items(c, urls, &agenda.items, &agenda, Opts::default())?;
        let mut by_meeting: HashMap<i64, Vec<Value>> = HashMap::new();
        for (a, v) in agenda.items.iter().zip(values) {
            by_meeting.entry(a.meeting_id).or_default().push(v);
        }
        (by_meeting, files_where(c, "meeting", &ids)?)
    };
    Ok(rows
        .iter()
        .map(|mt| {
            if let Some(d) = mt.deleted_at {
                return stub(urls, "meeting", "Meeting", mt.id, mt.created_at, d);
            }
            let mut m = obj(
                urls,
                "meeting",
                "Meeting",
                mt.id,
                mt.created_at,
                mt.updated_at,
            );
            m.insert("name".into(), mt.name.clone().into());
            let (state, cancelled) = meeting_state(mt);
            m.insert("meetingState".into(), state.into());
            if cancelled {
                m.insert("cancelled".into(), true.into());
            }
            m.insert("start".into(), datetime(mt.start_at).into());
            if let Some(e) = mt.end_at {
                m.insert("end".into(), datetime(e).into());
            }
            if let Some(l) = mt.location_id.and_then(|l| locs.get(&l)) {
                m.insert("location".into(), location(urls, l, false));
            }
            let mut orgs = vec![Value::from(urls.object("organization", mt.organization_id))];
            for o in joint.get(&mt.id).into_iter().flatten() {
                orgs.push(urls.object("organization", *o).into());
            }
            m.insert("organization".into(), Value::Array(orgs));
            if !opts.omit_internal {
                put(
                    &mut m,
                    "agendaItem",
                    agenda_values.get(&mt.id).cloned().unwrap_or_default(),
                );
                put(
                    &mut m,
                    "auxiliaryFile",
                    files
                        .iter()
                        .filter(|f| f.meeting_id == Some(mt.id))
                        .map(|f| file(urls, f, None))
                        .collect::<Vec<_>>(),
                );
            }
            m.insert(
                "web".into(),
                urls.web(&format!("/sitzungen/{}", mt.id)).into(),
            );
            Value::Object(m)
        })
        .collect())
}

/// The `result` string: outcome label and tally, e.g.
/// "einstimmig beschlossen (Ja 14, Nein 0, Enthaltung 0)".
pub fn result_text(a: &AgendaItem) -> Option<String> {
    // an imported item keeps the text its source system wrote
    if let Some(t) = a.result_text.as_deref().filter(|t| !t.trim().is_empty()) {
        return Some(t.to_string());
    }
    let label = a.outcome.as_deref().and_then(Outcome::from_key)?.label();
    let tally: Vec<String> = [
        ("Ja", a.votes_yes),
        ("Nein", a.votes_no),
        ("Enthaltung", a.votes_abstain),
    ]
    .iter()
    .filter_map(|(l, v)| v.map(|v| format!("{l} {v}")))
    .collect();
    Some(if tally.is_empty() {
        label.to_string()
    } else {
        format!("{label} ({})", tally.join(", "))
    })
}

/// Agenda items (all visible) with numbers/order from `agenda`.
pub fn agenda_items(
    c: &mut DbConnection,
    urls: &Urls,
    rows: &[AgendaItem],
    agenda: &Agenda,
    opts: Opts,
) -> R<Vec<Value>> {
    let ids: Vec<i64> = rows.iter().map(|a| a.id).collect();
    // the consultation of a public paper this item treats
    let cons: Vec<(i64, i64, i64)> = consultations::table
        .inner_join(papers::table)
        .filter(consultations::agenda_item_id.eq_any(&ids))
        .filter(consultations::deleted_at.is_null())
        .filter(papers::public.eq(true))
        .filter(papers::deleted_at.is_null())
        .select((
            consultations::agenda_item_id.assume_not_null(),
            consultations::id,
            papers::id,
        ))
        .load(c)?;
    let files = if opts.omit_internal {
        Vec::new()
    } else {
        files_where(c, "item", &ids)?
    };
    // deferral links, only to items the public sees
    let mut linked: Vec<i64> = rows
        .iter()
        .filter_map(|a| a.continues_agenda_item_id)
        .collect();
    let continuations = crate::db::agenda_items::continuations(c, &ids)?;
    linked.extend(continuations.values().map(|x| x.id));
    let linked_items = crate::db::agenda_items::by_ids(c, &linked)?;
    let linked_meetings: Vec<i64> = linked_items.values().map(|a| a.meeting_id).collect();
    let linked_agenda = public_agenda(c, &linked_meetings)?;
    let linked_visible: HashSet<i64> = linked_agenda.items.iter().map(|a| a.id).collect();
    let faction_votes = crate::db::agenda_items::faction_votes(c, &ids)?;
    let links = crate::db::links::Link::for_items(c, &ids)?;
    Ok(rows
        .iter()
        .map(|a| {
            if let Some(d) = a.deleted_at {
                return stub(urls, "agendaitem", "AgendaItem", a.id, a.created_at, d);
            }
            let mut m = obj(
                urls,
                "agendaitem",
                "AgendaItem",
                a.id,
                a.created_at,
                a.updated_at,
            );
            if opts.standalone {
                m.insert(
                    "meeting".into(),
                    urls.object("meeting", a.meeting_id).into(),
                );
            }
            put(
                &mut m,
                "number",
                agenda.numbers.get(&a.id).cloned().unwrap_or_default(),
            );
            m.insert(
                "order".into(),
                (agenda.order.get(&a.id).copied().unwrap_or(0) as i64).into(),
            );
            m.insert("name".into(), a.title.clone().into());
            m.insert("public".into(), true.into());
            if let Some((_, cid, _)) = cons.iter().find(|(i, _, _)| *i == a.id) {
                m.insert(
                    "consultation".into(),
                    urls.object("consultation", *cid).into(),
                );
            }
            put(&mut m, "result", result_text(a));
            put(&mut m, "resolutionText", a.resolution_text.clone());
            if !opts.omit_internal {
                put(
                    &mut m,
                    "auxiliaryFile",
                    files
                        .iter()
                        .filter(|f| f.agenda_item_id == Some(a.id))
                        .map(|f| file(urls, f, None))
                        .collect::<Vec<_>>(),
                );
            }
            // our structured data, as namespaced extensions
            put(&mut m, "gremium:outcome", a.outcome.clone());
            if a.votes_yes.is_some() || a.votes_no.is_some() || a.votes_abstain.is_some() {
                let mut t = Map::new();
                for (k, v) in [
                    ("yes", a.votes_yes),
                    ("no", a.votes_no),
                    ("abstain", a.votes_abstain),
                    ("absent", a.votes_absent),
                ] {
                    if let Some(v) = v {
                        t.insert(k.into(), v.into());
                    }
                }
                m.insert("gremium:tally".into(), Value::Object(t));
            }
            put(
                &mut m,
                "gremium:factionTally",
                faction_votes
                    .iter()
                    .filter(|f| f.agenda_item_id == a.id)
                    .map(|f| {
                        json!({
                            "organization": urls.object("organization", f.faction_id),
                            "yes": f.votes_yes, "no": f.votes_no, "abstain": f.votes_abstain,
                        })
                    })
                    .collect::<Vec<_>>(),
            );
            if let Some(next) = continuations
                .get(&a.id)
                .filter(|x| linked_visible.contains(&x.id))
            {
                m.insert(
                    "gremium:deferredTo".into(),
                    urls.object("agendaitem", next.id).into(),
                );
            } else if let Some(mid) = a.deferred_to_meeting_id {
                m.insert(
                    "gremium:deferredToMeeting".into(),
                    urls.object("meeting", mid).into(),
                );
            } else if a.deferred_to_next {
                m.insert("gremium:deferredToNextMeeting".into(), true.into());
            }
            if let Some(prev) = a
                .continues_agenda_item_id
                .filter(|p| linked_visible.contains(p))
            {
                m.insert(
                    "gremium:continues".into(),
                    urls.object("agendaitem", prev).into(),
                );
            }
            put(
                &mut m,
                "gremium:integrationLinks",
                link_values(urls, &links, |l| l.agenda_item_id == Some(a.id)),
            );
            m.insert(
                "web".into(),
                urls.web(&format!("/tagesordnungspunkte/{}", a.id)).into(),
            );
            Value::Object(m)
        })
        .collect())
}

fn link_values(
    urls: &Urls,
    links: &[crate::db::links::Link],
    keep: impl Fn(&crate::db::links::Link) -> bool,
) -> Vec<Value> {
    links
        .iter()
        .filter(|l| keep(l))
        .filter_map(|l| {
            let (kind, target) = match (l.concept_id, l.programme_id) {
                (Some(k), _) => ("concept", urls.web(&format!("/integrationskonzepte/{k}"))),
                (_, Some(p)) => ("programme", urls.web(&format!("/foerderprogramme/{p}"))),
                _ => return None,
            };
            let mut m = Map::new();
            m.insert("kind".into(), kind.into());
            m.insert("target".into(), target.into());
            m.insert("role".into(), l.role.clone().into());
            put(&mut m, "note", l.note.clone());
            Some(Value::Object(m))
        })
        .collect()
}

pub fn papers(c: &mut DbConnection, urls: &Urls, rows: &[Paper], opts: Opts) -> R<Vec<Value>> {
    let ids: Vec<i64> = rows.iter().map(|p| p.id).collect();
    let cons: Vec<Consultation> = consultations::table
        .filter(consultations::paper_id.eq_any(&ids))
        .filter(consultations::deleted_at.is_null())
        .order((
            consultations::paper_id,
            consultations::position,
            consultations::id,
        ))
        .select(Consultation::as_select())
        .load(c)?;
    let cons_values = consultation_values(c, urls, &cons, false)?;
    let originators: Vec<(i64, Option<i64>, Option<i64>)> = paper_originators::table
        .filter(paper_originators::paper_id.eq_any(&ids))
        .order(paper_originators::id)
        .select((
            paper_originators::paper_id,
            paper_originators::organization_id,
            paper_originators::person_id,
        ))
        .load(c)?;
    let related: Vec<(i64, i64)> = paper_relations::table
        .inner_join(papers::table.on(papers::id.eq(paper_relations::related_paper_id)))
        .filter(paper_relations::paper_id.eq_any(&ids))
        .filter(papers::public.eq(true))
        .filter(papers::deleted_at.is_null())
        .select((paper_relations::paper_id, paper_relations::related_paper_id))
        .load(c)?;
    let files = if opts.omit_internal {
        Vec::new()
    } else {
        files_where(c, "paper", &ids)?
    };
    let links = crate::db::links::Link::for_papers(c, &ids)?;
    Ok(rows
        .iter()
        .map(|p| {
            if let Some(d) = p.deleted_at {
                return stub(urls, "paper", "Paper", p.id, p.created_at, d);
            }
            let mut m = obj(urls, "paper", "Paper", p.id, p.created_at, p.updated_at);
            m.insert("body".into(), urls.object("body", p.body_id).into());
            m.insert("name".into(), p.title.clone().into());
            m.insert("reference".into(), p.reference.clone().into());
            m.insert("date".into(), date(p.date).into());
            put(
                &mut m,
                "paperType",
                PaperType::from_key(&p.paper_type)
                    .map(|t| t.label())
                    .unwrap_or(""),
            );
            put(
                &mut m,
                "relatedPaper",
                related
                    .iter()
                    .filter(|(a, _)| *a == p.id)
                    .map(|(_, b)| Value::from(urls.object("paper", *b)))
                    .collect::<Vec<_>>(),
            );
            if let Some(l) = p.lead_organization_id {
                m.insert(
                    "underDirectionOf".into(),
                    json!([urls.object("organization", l)]),
                );
            }
            let mine: Vec<&(i64, Option<i64>, Option<i64>)> =
                originators.iter().filter(|(x, _, _)| *x == p.id).collect();
            put(
                &mut m,
                "originatorOrganization",
                mine.iter()
                    .filter_map(|(_, o, _)| o.map(|o| Value::from(urls.object("organization", o))))
                    .collect::<Vec<_>>(),
            );
            put(
                &mut m,
                "originatorPerson",
                mine.iter()
                    .filter_map(|(_, _, pe)| pe.map(|pe| Value::from(urls.object("person", pe))))
                    .collect::<Vec<_>>(),
            );
            put(
                &mut m,
                "consultation",
                cons.iter()
                    .zip(cons_values.iter())
                    .filter(|(x, _)| x.paper_id == p.id)
                    .map(|(_, v)| v.clone())
                    .collect::<Vec<_>>(),
            );
            if !opts.omit_internal {
                put(
                    &mut m,
                    "auxiliaryFile",
                    files
                        .iter()
                        .filter(|f| f.paper_id == Some(p.id))
                        .map(|f| file(urls, f, None))
                        .collect::<Vec<_>>(),
                );
            }
            put(
                &mut m,
                "gremium:integrationLinks",
                link_values(urls, &links, |l| l.paper_id == Some(p.id)),
            );
            m.insert(
                "web".into(),
                urls.web(&format!("/vorlagen/{}", p.id)).into(),
            );
            Value::Object(m)
        })
        .collect())
}

/// Consultations (of public papers). The agenda item is named only when
/// the public sees it.
pub fn consultation_values(
    c: &mut DbConnection,
    urls: &Urls,
    rows: &[Consultation],
    standalone: bool,
) -> R<Vec<Value>> {
    let meeting_ids: Vec<i64> = rows.iter().filter_map(|x| x.meeting_id).collect();
    let agenda = public_agenda(c, &meeting_ids)?;
    let visible: HashSet<i64> = agenda.items.iter().map(|a| a.id).collect();
    let live_meetings: HashSet<i64> = crate::db::meetings::by_ids(c, &meeting_ids)?
        .into_keys()
        .collect();
    Ok(rows
        .iter()
        .map(|x| {
            if let Some(d) = x.deleted_at {
                return stub(urls, "consultation", "Consultation", x.id, x.created_at, d);
            }
            let mut m = obj(
                urls,
                "consultation",
                "Consultation",
                x.id,
                x.created_at,
                x.updated_at,
            );
            if standalone {
                m.insert("paper".into(), urls.object("paper", x.paper_id).into());
            }
            if let Some(a) = x.agenda_item_id.filter(|a| visible.contains(a)) {
                m.insert("agendaItem".into(), urls.object("agendaitem", a).into());
            }
            if let Some(mt) = x.meeting_id.filter(|mt| live_meetings.contains(mt)) {
                m.insert("meeting".into(), urls.object("meeting", mt).into());
            }
            m.insert(
                "organization".into(),
                json!([urls.object("organization", x.organization_id)]),
            );
            m.insert("authoritative".into(), x.authoritative.into());
            put(
                &mut m,
                "role",
                ConsultationRole::from_key(&x.role)
                    .map(|r| r.label())
                    .unwrap_or(&x.role),
            );
            Value::Object(m)
        })
        .collect())
}

/// Files under their own URL or in the body's file list, with back-references.
pub fn files_standalone(urls: &Urls, rows: &[File]) -> Vec<Value> {
    rows.iter()
        .map(|f| {
            let mut refs: HashMap<&'static str, Vec<String>> = HashMap::new();
            if let Some(p) = f.paper_id {
                refs.insert("paper", vec![urls.object("paper", p)]);
            }
            if let Some(i) = f.agenda_item_id {
                refs.insert("agendaItem", vec![urls.object("agendaitem", i)]);
            } else if let Some(mt) = f.meeting_id {
                refs.insert("meeting", vec![urls.object("meeting", mt)]);
            }
            file(urls, f, Some(&refs))
        })
        .collect()
}
