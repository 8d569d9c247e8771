//! The documents of each kind, built from the records: papers, agenda
//! items, meetings, files, integration concepts and funding programmes,
//! each with its visibility (public, or the organizations whose members may
//! find it).

use std::collections::HashMap;

use diesel::prelude::*;

use super::Kind;
use super::{join_texts, org_name, Doc, Names};
use crate::access::Audience;
use crate::db::models::{AgendaItem, File};
use crate::db::schema::*;
use crate::db::{self, DbConnection};
use crate::domain::{MeetingState, PaperType};

fn meeting_orgs(
    conn: &mut DbConnection,
    meetings: &[(i64, i64)],
) -> QueryResult<HashMap<i64, Vec<i64>>> {
    let ids: Vec<i64> = meetings.iter().map(|m| m.0).collect();
    let mut out: HashMap<i64, Vec<i64>> = meetings.iter().map(|(m, o)| (*m, vec![*o])).collect();
    if ids.is_empty() {
        return Ok(out);
    }
    let joint: Vec<(i64, i64)> = meeting_organizations::table
        .filter(meeting_organizations::meeting_id.eq_any(&ids))
        .select((
            meeting_organizations::meeting_id,
            meeting_organizations::organization_id,
        ))
        .load(conn)?;
    for (m, o) in joint {
        let e = out.entry(m).or_default();
        if !e.contains(&o) {
            e.push(o);
        }
    }
    Ok(out)
}

fn consulting_orgs(
    conn: &mut DbConnection,
    paper_ids: &[i64],
) -> QueryResult<HashMap<i64, Vec<i64>>> {
    let mut out: HashMap<i64, Vec<i64>> = HashMap::new();
    if paper_ids.is_empty() {
        return Ok(out);
    }
    let rows: Vec<(i64, i64)> = consultations::table
        .filter(consultations::paper_id.eq_any(paper_ids))
        .filter(consultations::deleted_at.is_null())
        .select((consultations::paper_id, consultations::organization_id))
        .load(conn)?;
    for (p, o) in rows {
        let e = out.entry(p).or_default();
        if !e.contains(&o) {
            e.push(o);
        }
    }
    Ok(out)
}

pub(super) fn papers(conn: &mut DbConnection, names: &Names, ids: &[i64]) -> QueryResult<Vec<Doc>> {
    let papers = db::papers::by_ids(conn, ids)?;
    let orgs = consulting_orgs(conn, ids)?;
    // the outcome facet: the latest result of a TOP the public may see
    let items: Vec<AgendaItem> = agenda_items::table
        .filter(agenda_items::paper_id.eq_any(ids))
        .filter(agenda_items::deleted_at.is_null())
        .select(AgendaItem::as_select())
        .load(conn)?;
    let meeting_ids: Vec<i64> = items.iter().map(|a| a.meeting_id).collect();
    let visible = public_items(conn, &meeting_ids)?;
    let meetings = db::meetings::by_ids(conn, &meeting_ids)?;
    let mut outcome: HashMap<i64, (chrono::NaiveDateTime, String)> = HashMap::new();
    for a in &items {
        let (Some(p), Some(o), Some(m)) = (a.paper_id, &a.outcome, meetings.get(&a.meeting_id))
        else {
            continue;
        };
        if !visible.contains(&a.id) {
            continue;
        }
        if outcome.get(&p).is_none_or(|(t, _)| *t < m.start_at) {
            outcome.insert(p, (m.start_at, o.clone()));
        }
    }
    Ok(papers
        .into_values()
        .map(|p| {
            let type_label = PaperType::from_key(&p.paper_type).map_or("Vorlage", |t| t.label());
            Doc {
                kind: Kind::Paper,
                ref_id: p.id,
                body_id: p.body_id,
                public: p.public,
                context: format!("{type_label} {} · {}", p.reference, names.body(p.body_id)),
                body_text: join_texts([
                    p.proposal.as_deref(),
                    p.reasoning.as_deref(),
                    p.file_number.as_deref(),
                ]),
                url: format!("/vorlagen/{}", p.id),
                paper_type: Some(p.paper_type.clone()),
                outcome: outcome.remove(&p.id).map(|x| x.1),
                org_ids: orgs.get(&p.id).cloned().unwrap_or_default(),
                date: p.date,
                reference: Some(p.reference),
                title: p.title,
            }
        })
        .collect())
}

/// Ids of the items of these meetings that the public may see.
fn public_items(
    conn: &mut DbConnection,
    meeting_ids: &[i64],
) -> QueryResult<std::collections::HashSet<i64>> {
    let all = db::agenda_items::for_meetings(conn, meeting_ids)?;
    Ok(crate::access::agenda::number_and_filter(&all, Audience::Public).1)
}

pub(super) fn items(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<Vec<Doc>> {
    let items = db::agenda_items::by_ids(conn, ids)?;
    let meeting_ids: Vec<i64> = items.values().map(|a| a.meeting_id).collect();
    let meetings = db::meetings::by_ids(conn, &meeting_ids)?;
    let all = db::agenda_items::for_meetings(conn, &meeting_ids)?;
    let (numbers, public) = crate::access::agenda::number_and_filter(&all, Audience::Public);
    let (_, any) = crate::access::agenda::number_and_filter(&all, Audience::Full);
    let pairs: Vec<(i64, i64)> = meetings
        .values()
        .map(|m| (m.id, m.organization_id))
        .collect();
    let morgs = meeting_orgs(conn, &pairs)?;
    let org_map = db::organizations::by_ids(conn, &pairs.iter().map(|p| p.1).collect::<Vec<_>>())?;
    let paper_ids: Vec<i64> = items.values().filter_map(|a| a.paper_id).collect();
    let papers = db::papers::by_ids(conn, &paper_ids)?;
    let mut out = Vec::new();
    for a in items.into_values() {
        let Some(m) = meetings.get(&a.meeting_id) else {
            continue;
        };
        if !any.contains(&a.id) {
            continue;
        }
        let held = MeetingState::from_key(&m.state) == Some(MeetingState::Held);
        let minutes = (held && m.minutes_published_at.is_some())
            .then_some(a.minutes_text.as_deref())
            .flatten();
        let date = crate::base::dates::berlin(m.start_at).date_naive();
        let number = numbers.get(&a.id).cloned().unwrap_or_default();
        // a public TOP names only a public paper; a non-public TOP is seen
        // by those who see the paper on its page
        let is_public = public.contains(&a.id);
        let paper = a
            .paper_id
            .and_then(|p| papers.get(&p))
            .filter(|p| p.public || !is_public);
        out.push(Doc {
            kind: Kind::Item,
            ref_id: a.id,
            body_id: m.body_id,
            public: is_public,
            title: a.title.clone(),
            reference: paper.map(|p| p.reference.clone()),
            body_text: join_texts([
                a.resolution_text.as_deref(),
                a.result_text.as_deref(),
                minutes,
            ]),
            context: format!(
                "TOP {number} · {} · {}",
                org_name(&org_map, m.organization_id),
                crate::base::dates::date(date)
            ),
            url: format!("/tagesordnungspunkte/{}", a.id),
            paper_type: None,
            outcome: a.outcome.clone(),
            org_ids: morgs.get(&m.id).cloned().unwrap_or_default(),
            date,
        });
    }
    Ok(out)
}

pub(super) fn meetings(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<Vec<Doc>> {
    let meetings = db::meetings::by_ids(conn, ids)?;
    let pairs: Vec<(i64, i64)> = meetings
        .values()
        .map(|m| (m.id, m.organization_id))
        .collect();
    let morgs = meeting_orgs(conn, &pairs)?;
    let all_orgs: Vec<i64> = morgs.values().flatten().copied().collect();
    let org_map = db::organizations::by_ids(conn, &all_orgs)?;
    Ok(meetings
        .into_values()
        .map(|m| {
            let orgs = morgs.get(&m.id).cloned().unwrap_or_default();
            let date = crate::base::dates::berlin(m.start_at).date_naive();
            let org_names: Vec<&str> = orgs.iter().map(|o| org_name(&org_map, *o)).collect();
            let state = MeetingState::from_key(&m.state).map(|s| s.label());
            Doc {
                kind: Kind::Meeting,
                ref_id: m.id,
                body_id: m.body_id,
                public: true,
                title: m.name.clone(),
                reference: None,
                body_text: join_texts([Some(org_names.join(", ").as_str()), m.number.as_deref()]),
                context: format!(
                    "Sitzung · {} · {}{}",
                    org_name(&org_map, m.organization_id),
                    crate::base::dates::date_short(m.start_at),
                    state.map(|s| format!(" · {s}")).unwrap_or_default()
                ),
                url: format!("/sitzungen/{}", m.id),
                paper_type: None,
                outcome: None,
                org_ids: orgs,
                date,
            }
        })
        .collect())
}

pub(super) fn files(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<Vec<Doc>> {
    let list: Vec<File> = files::table
        .filter(files::id.eq_any(ids))
        .filter(files::deleted_at.is_null())
        .select(File::as_select())
        .load(conn)?;
    let any: std::collections::HashSet<i64> =
        crate::access::files::visible_files(conn, list.clone(), Audience::Full)?
            .iter()
            .map(|f| f.id)
            .collect();
    let public: std::collections::HashSet<i64> =
        crate::access::files::visible_files(conn, list.clone(), Audience::Public)?
            .iter()
            .map(|f| f.id)
            .collect();
    let paper_ids: Vec<i64> = list.iter().filter_map(|f| f.paper_id).collect();
    let papers = db::papers::by_ids(conn, &paper_ids)?;
    let paper_orgs = consulting_orgs(conn, &paper_ids)?;
    let item_ids: Vec<i64> = list.iter().filter_map(|f| f.agenda_item_id).collect();
    let items = db::agenda_items::by_ids(conn, &item_ids)?;
    let mut meeting_ids: Vec<i64> = list.iter().filter_map(|f| f.meeting_id).collect();
    meeting_ids.extend(items.values().map(|a| a.meeting_id));
    let meetings = db::meetings::by_ids(conn, &meeting_ids)?;
    let pairs: Vec<(i64, i64)> = meetings
        .values()
        .map(|m| (m.id, m.organization_id))
        .collect();
    let morgs = meeting_orgs(conn, &pairs)?;
    let concept_ids: Vec<i64> = list.iter().filter_map(|f| f.concept_id).collect();
    let concepts = db::concepts::by_ids(conn, &concept_ids)?;
    let mut out = Vec::new();
    for f in list {
        if !any.contains(&f.id) {
            continue;
        }
        // a file of a deleted meeting, or of a TOP that is gone, is gone too
        let meeting_id = f.meeting_id.or_else(|| {
            f.agenda_item_id
                .and_then(|a| items.get(&a))
                .map(|a| a.meeting_id)
        });
        if f.agenda_item_id.is_some_and(|a| !items.contains_key(&a))
            || meeting_id.is_some_and(|m| !meetings.contains_key(&m))
        {
            continue;
        }
        let meeting = meeting_id.and_then(|m| meetings.get(&m));
        let (context, date, orgs) = if let Some(p) = f.paper_id.and_then(|p| papers.get(&p)) {
            // members of the paper's and of the meeting's committees (as
            // the download route decides)
            let mut orgs = paper_orgs.get(&p.id).cloned().unwrap_or_default();
            for o in meeting.and_then(|m| morgs.get(&m.id)).into_iter().flatten() {
                if !orgs.contains(o) {
                    orgs.push(*o);
                }
            }
            (format!("Datei zur Vorlage {}", p.reference), p.date, orgs)
        } else if let Some(m) = meeting {
            let what = if f.agenda_item_id.is_some() {
                "zum Tagesordnungspunkt der Sitzung"
            } else {
                "zur Sitzung"
            };
            (
                format!(
                    "Datei {what} {} am {}",
                    m.name,
                    crate::base::dates::date_short(m.start_at)
                ),
                crate::base::dates::berlin(m.start_at).date_naive(),
                morgs.get(&m.id).cloned().unwrap_or_default(),
            )
        } else if let Some(k) = f.concept_id.and_then(|k| concepts.get(&k)) {
            (
                format!("Datei zum Integrationskonzept {}", k.title),
                k.adopted_on.unwrap_or(f.created_at.date()),
                vec![],
            )
        } else {
            ("Datei".to_string(), f.created_at.date(), vec![])
        };
        let note = match f.text_status.as_deref() {
            Some("scan") => Some("gescanntes PDF ohne Text (nur der Titel ist durchsuchbar)"),
            Some("failed") => Some("PDF-Text nicht lesbar (nur der Titel ist durchsuchbar)"),
            Some("pending") => Some("Text wird noch ausgewertet"),
            _ => None,
        };
        out.push(Doc {
            kind: Kind::File,
            ref_id: f.id,
            body_id: f.body_id,
            public: public.contains(&f.id),
            title: f.name.clone(),
            reference: None,
            body_text: f.text_content.clone().unwrap_or_default(),
            context: match note {
                Some(n) => format!("{context} · {n}"),
                None => context,
            },
            url: crate::base::urls::file_url(f.id, &f.file_name),
            paper_type: None,
            outcome: None,
            org_ids: orgs,
            date,
        });
    }
    Ok(out)
}

pub(super) fn concepts(
    conn: &mut DbConnection,
    names: &Names,
    ids: &[i64],
) -> QueryResult<Vec<Doc>> {
    let concepts = db::concepts::by_ids(conn, ids)?;
    let fields = db::concepts::fields(conn, ids)?;
    let field_ids: Vec<i64> = fields.iter().map(|f| f.id).collect();
    let measures = db::concepts::measures(conn, &field_ids)?;
    Ok(concepts
        .into_values()
        .map(|k| {
            let mut parts: Vec<String> = vec![
                k.summary.clone().unwrap_or_default(),
                k.participants.clone().unwrap_or_default(),
            ];
            for f in fields.iter().filter(|f| f.concept_id == k.id) {
                parts.push(join_texts([Some(f.title.as_str()), f.goals.as_deref()]));
                for m in measures.iter().filter(|m| m.field_id == f.id) {
                    parts.push(join_texts([
                        Some(m.title.as_str()),
                        m.responsible.as_deref(),
                        m.indicator.as_deref(),
                        m.target.as_deref(),
                    ]));
                }
            }
            Doc {
                kind: Kind::Concept,
                ref_id: k.id,
                body_id: k.body_id,
                public: true,
                title: match &k.edition {
                    Some(e) if !e.is_empty() => format!("{} ({e})", k.title),
                    _ => k.title.clone(),
                },
                reference: None,
                body_text: join_texts(parts.iter().map(|s| Some(s.as_str()))),
                context: format!(
                    "Integrationskonzept · {} · {}",
                    k.status_label(),
                    names.body(k.body_id)
                ),
                url: format!("/integrationskonzepte/{}", k.id),
                paper_type: None,
                outcome: None,
                org_ids: vec![],
                date: k.adopted_on.unwrap_or(k.created_at.date()),
            }
        })
        .collect())
}

pub(super) fn programmes(
    conn: &mut DbConnection,
    names: &Names,
    ids: &[i64],
) -> QueryResult<Vec<Doc>> {
    let programmes = db::programmes::by_ids(conn, ids)?;
    let modules = db::programmes::modules(conn, ids)?;
    Ok(programmes
        .into_values()
        .map(|p| {
            let mut parts: Vec<String> = [
                &p.legal_basis,
                &p.funder,
                &p.granting_authority,
                &p.description,
                &p.conditions,
            ]
            .into_iter()
            .filter_map(|x| x.clone())
            .collect();
            for m in modules.iter().filter(|m| m.programme_id == p.id) {
                parts.push(join_texts([
                    Some(m.name.as_str()),
                    m.description.as_deref(),
                ]));
            }
            Doc {
                kind: Kind::Programme,
                ref_id: p.id,
                body_id: p.body_id,
                public: true,
                title: p.display_name(),
                reference: None,
                body_text: join_texts(parts.iter().map(|s| Some(s.as_str()))),
                context: format!("Förderprogramm · {}", names.body(p.body_id)),
                url: format!("/foerderprogramme/{}", p.id),
                paper_type: None,
                outcome: None,
                org_ids: vec![],
                date: p.period_from.unwrap_or(p.created_at.date()),
            }
        })
        .collect())
}
