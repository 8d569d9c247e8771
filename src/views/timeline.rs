//! The timeline of a concept or programme: every linked paper and every
//! agenda item that treated a linked paper (or is linked itself), across
//! all bodies, in date order with outcomes. Each entry is shown as the
//! viewer may see it: non-public papers and TOPs are dropped for the
//! public, exactly as on the paper and meeting pages.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use super::agenda;
use crate::access::Audience;
use crate::auth::Viewer;
use crate::db::links::Link;
use crate::db::models::{AgendaItem, Paper};
use crate::db::{self, DbConnection};
use crate::domain::PaperType;

#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    #[serde(skip)]
    pub sort: NaiveDateTime,
    pub date: String,
    pub iso: String,
    pub body: String,
    /// "Vorlage" or "Beratung"
    pub kind: &'static str,
    pub title: String,
    pub url: String,
    /// committee and meeting for a Beratung
    pub meeting: Option<String>,
    pub meeting_url: Option<String>,
    pub number: Option<String>,
    pub reference: Option<String>,
    pub paper_type: Option<&'static str>,
    pub outcome: Option<&'static str>,
    pub outcome_tone: Option<&'static str>,
    pub tally: Option<String>,
    pub deferred_to: Option<String>,
    pub resolution: Option<String>,
    /// what the link says: role, field/module, note
    pub links: Vec<String>,
    pub public: bool,
}

/// Build the timeline for `links` as `viewer` may see it. `label` names
/// the field of action / module of a link (or None).
pub fn build(
    c: &mut DbConnection,
    viewer: &Viewer,
    links: &[Link],
    label: &dyn Fn(&Link) -> Option<String>,
) -> QueryResult<Vec<Entry>> {
    let describe = |l: &Link| {
        let mut s = l.role_label().to_string();
        if let Some(x) = label(l) {
            s = format!("{s} ({x})");
        }
        if let Some(n) = l.note.as_deref().filter(|n| !n.is_empty()) {
            s = format!("{s}: {n}");
        }
        s
    };
    let paper_ids: Vec<i64> = links.iter().filter_map(|l| l.paper_id).collect();
    let direct_items: Vec<i64> = links.iter().filter_map(|l| l.agenda_item_id).collect();
    let papers = db::papers::by_ids(c, &paper_ids)?;
    let consulting = consulting_orgs(c, &paper_ids)?;
    let visible_papers: HashMap<i64, &Paper> = papers
        .iter()
        .filter(|(id, p)| {
            let orgs = consulting.get(id).cloned().unwrap_or_default();
            viewer.audience(p.body_id, &orgs).sees_paper(p)
        })
        .map(|(id, p)| (*id, p))
        .collect();

    // items: linked directly, or treating a visible linked paper
    let mut wanted: HashSet<i64> = direct_items.iter().copied().collect();
    {
        use db::schema::agenda_items;
        let ids: Vec<i64> = visible_papers.keys().copied().collect();
        let via: Vec<i64> = agenda_items::table
            .filter(agenda_items::paper_id.eq_any(ids))
            .filter(agenda_items::deleted_at.is_null())
            .select(agenda_items::id)
            .load(c)?;
        wanted.extend(via);
    }
    let wanted_ids: Vec<i64> = wanted.iter().copied().collect();
    let items = db::agenda_items::by_ids(c, &wanted_ids)?;
    let mids: Vec<i64> = items.values().map(|a| a.meeting_id).collect();
    let meetings = db::meetings::by_ids(c, &mids)?;
    let joint = db::meetings::joint_organizations_of(c, &mids)?;
    let full: HashSet<i64> = meetings
        .values()
        .filter(|m| {
            let mut o = joint.get(&m.id).cloned().unwrap_or_default();
            o.push(m.organization_id);
            viewer.audience(m.body_id, &o) == Audience::Full
        })
        .map(|m| m.id)
        .collect();
    let live: Vec<i64> = meetings
        .values()
        .filter(|m| m.deleted_at.is_none())
        .map(|m| m.id)
        .collect();
    let context = db::agenda_items::for_meetings(c, &live)?;
    let (full_ctx, public_ctx): (Vec<AgendaItem>, Vec<AgendaItem>) = context
        .into_iter()
        .partition(|a| full.contains(&a.meeting_id));
    let show = |a: &AgendaItem| wanted.contains(&a.id);
    let (mut rows, mut row_meetings) = agenda::load_rows(c, &public_ctx, &show, Audience::Public)?;
    if !full_ctx.is_empty() {
        let (r, m) = agenda::load_rows(c, &full_ctx, &show, Audience::Full)?;
        rows.extend(r);
        row_meetings.extend(m);
    }
    let org_ids: Vec<i64> = meetings.values().map(|m| m.organization_id).collect();
    let orgs = db::organizations::by_ids(c, &org_ids)?;
    let mut body_ids: Vec<i64> = meetings.values().map(|m| m.body_id).collect();
    body_ids.extend(visible_papers.values().map(|p| p.body_id));
    let bodies: HashMap<i64, String> = db::bodies::list(c)?
        .into_iter()
        .filter(|b| body_ids.contains(&b.id))
        .map(|b| (b.id, b.short_name))
        .collect();

    let mut out = Vec::new();
    for p in visible_papers.values() {
        let sort = p.date.and_hms_opt(0, 0, 0).unwrap_or_default();
        out.push(Entry {
            sort,
            date: crate::base::dates::date(p.date),
            iso: p.date.format("%Y-%m-%d").to_string(),
            body: bodies.get(&p.body_id).cloned().unwrap_or_default(),
            kind: "Vorlage",
            title: p.title.clone(),
            url: format!("/vorlagen/{}", p.id),
            meeting: None,
            meeting_url: None,
            number: None,
            reference: Some(p.reference.clone()),
            paper_type: PaperType::from_key(&p.paper_type).map(|t| t.label()),
            outcome: None,
            outcome_tone: None,
            tally: None,
            deferred_to: None,
            resolution: None,
            links: links
                .iter()
                .filter(|l| l.paper_id == Some(p.id))
                .map(describe)
                .collect(),
            public: p.public,
        });
    }
    for r in rows {
        let Some(m) = row_meetings.get(&r.meeting_id) else {
            continue;
        };
        let org = orgs
            .get(&m.organization_id)
            .map(|o| o.short_name.clone().unwrap_or_else(|| o.name.clone()))
            .unwrap_or_default();
        let tally = r.tally.as_ref().map(|t| t.text.clone());
        let deferred_to = r
            .deferred_to
            .as_ref()
            .map(|l| format!("{} am {}", l.meeting, l.date))
            .or_else(|| r.deferred_to_meeting.clone())
            .or_else(|| {
                r.deferred_to_next_open
                    .then(|| "nächste Sitzung".to_string())
            });
        out.push(Entry {
            sort: m.start_at,
            date: crate::base::dates::date_short(m.start_at),
            iso: crate::base::dates::iso(m.start_at),
            body: bodies.get(&m.body_id).cloned().unwrap_or_default(),
            kind: "Beratung",
            title: r.title.clone(),
            url: r.url.clone(),
            meeting: Some(format!("{org}, {}", m.name)),
            meeting_url: Some(format!("/sitzungen/{}", m.id)),
            number: Some(r.number.clone()),
            reference: r.paper.as_ref().map(|p| p.reference.clone()),
            paper_type: None,
            outcome: r.outcome,
            outcome_tone: r.outcome_tone,
            tally,
            deferred_to,
            resolution: r.resolution_text.clone(),
            links: links
                .iter()
                .filter(|l| l.agenda_item_id == Some(r.id))
                .map(describe)
                .collect(),
            public: r.public,
        });
    }
    out.sort_by(|a, b| {
        a.sort
            .cmp(&b.sort)
            .then(a.kind.cmp(b.kind).reverse())
            .then(a.title.cmp(&b.title))
    });
    Ok(out)
}

/// Paper id → organizations of its consultations (members of those see
/// a non-public paper).
fn consulting_orgs(c: &mut DbConnection, paper_ids: &[i64]) -> QueryResult<HashMap<i64, Vec<i64>>> {
    use db::schema::consultations;
    let rows: Vec<(i64, i64)> = consultations::table
        .filter(consultations::paper_id.eq_any(paper_ids.to_vec()))
        .filter(consultations::deleted_at.is_null())
        .select((consultations::paper_id, consultations::organization_id))
        .load(c)?;
    let mut out: HashMap<i64, Vec<i64>> = HashMap::new();
    for (p, o) in rows {
        out.entry(p).or_default().push(o);
    }
    Ok(out)
}

/// A concept or programme a paper or TOP is linked to, for its page.
#[derive(Debug, Clone, Serialize)]
pub struct Reference {
    pub url: String,
    pub name: String,
    pub part: Option<String>,
    pub role: String,
    pub note: Option<String>,
}

/// The concepts and programmes linked to a paper or TOP (live ones only).
pub fn references(
    c: &mut DbConnection,
    subject: db::links::Subject,
) -> QueryResult<Vec<Reference>> {
    let links = db::links::for_subject(c, subject)?;
    if links.is_empty() {
        // most papers and TOPs: one query, not five
        return Ok(Vec::new());
    }
    let cids: Vec<i64> = links.iter().filter_map(|l| l.concept_id).collect();
    let pids: Vec<i64> = links.iter().filter_map(|l| l.programme_id).collect();
    let concepts = db::concepts::by_ids(c, &cids)?;
    let programmes = db::programmes::by_ids(c, &pids)?;
    let fields = db::concepts::fields(c, &cids)?;
    let modules = db::programmes::modules(c, &pids)?;
    Ok(links
        .iter()
        .filter_map(|l| {
            let (url, name, part) = match (l.concept_id, l.programme_id) {
                (Some(k), _) => {
                    let x = concepts.get(&k)?;
                    let part = l
                        .field_id
                        .and_then(|f| fields.iter().find(|x| x.id == f))
                        .map(|f| format!("Handlungsfeld {}", f.title));
                    (format!("/integrationskonzepte/{k}"), x.title.clone(), part)
                }
                (_, Some(p)) => {
                    let x = programmes.get(&p)?;
                    let part = l
                        .module_id
                        .and_then(|m| modules.iter().find(|x| x.id == m))
                        .map(|m| m.name.clone());
                    (format!("/foerderprogramme/{p}"), x.display_name(), part)
                }
                _ => return None,
            };
            Some(Reference {
                url,
                name,
                part,
                role: l.role_label().to_string(),
                note: l.note.clone(),
            })
        })
        .collect())
}
