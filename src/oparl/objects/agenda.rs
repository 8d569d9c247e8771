//! Meetings and their agenda items: the public agenda with numbers and
//! order, meeting states, results with tallies.

use std::collections::{HashMap, HashSet};

use diesel::prelude::*;
use serde_json::{json, Map, Value};

use super::documents::{file, files_where, link_values};
use super::{location, locations, obj, put, stub, Opts, R};
use crate::access::Audience;
use crate::db::models::*;
use crate::db::schema::*;
use crate::db::DbConnection;
use crate::domain::{MeetingState, Outcome};
use crate::oparl::{datetime, Urls};

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
