//! Agenda rows: derived TOP numbers ("Ö 3", "Ö 3.1", "N 2"), outcome,
//! tally and deferral links, filtered for the audience.

use std::collections::HashMap;

use serde::Serialize;

use crate::access::agenda::{number_and_filter, tree_order};
use crate::access::Audience;
use crate::db::models::{AgendaItem, FactionVote, Meeting, Organization, Paper};
use crate::domain::Outcome;

#[derive(Debug, Clone, Serialize)]
pub struct PaperLink {
    pub id: i64,
    pub url: String,
    pub reference: String,
    pub title: String,
    pub paper_type: String,
    /// a non-public paper (shown only to the entitled, marked as such)
    pub public: bool,
}

pub fn paper_link(p: &Paper) -> PaperLink {
    PaperLink {
        id: p.id,
        url: format!("/vorlagen/{}", p.id),
        reference: p.reference.clone(),
        title: p.title.clone(),
        paper_type: crate::domain::PaperType::from_key(&p.paper_type)
            .map(|t| t.label().to_string())
            .unwrap_or_else(|| p.paper_type.clone()),
        public: p.public,
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Tally {
    pub yes: Option<i32>,
    pub no: Option<i32>,
    pub abstain: Option<i32>,
    pub absent: Option<i32>,
    pub text: String,
}

pub fn tally(a: &AgendaItem) -> Option<Tally> {
    if a.votes_yes.is_none() && a.votes_no.is_none() && a.votes_abstain.is_none() {
        return None;
    }
    // only the counts that are known: a count nobody stated is not 0
    let parts: Vec<String> = [
        ("Ja", a.votes_yes),
        ("Nein", a.votes_no),
        ("Enthaltung", a.votes_abstain),
        ("abwesend", a.votes_absent),
    ]
    .iter()
    .filter_map(|(label, n)| n.map(|n| format!("{label} {n}")))
    .collect();
    Some(Tally {
        yes: a.votes_yes,
        no: a.votes_no,
        abstain: a.votes_abstain,
        absent: a.votes_absent,
        text: parts.join(" · "),
    })
}

#[derive(Debug, Clone, Serialize)]
pub struct FactionTally {
    pub faction: String,
    pub yes: i32,
    pub no: i32,
    pub abstain: i32,
}

/// A link to another agenda item (deferral chain), as seen by the audience.
#[derive(Debug, Clone, Serialize)]
pub struct ItemLink {
    pub url: String,
    pub number: String,
    pub meeting: String,
    pub date: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct AgendaRow {
    pub id: i64,
    pub meeting_id: i64,
    pub url: String,
    pub number: String,
    pub depth: usize,
    pub public: bool,
    pub title: String,
    pub supplement: bool,
    pub paper: Option<PaperLink>,
    pub outcome: Option<&'static str>,
    pub outcome_key: Option<&'static str>,
    pub outcome_tone: Option<&'static str>,
    pub tally: Option<Tally>,
    pub factions: Vec<FactionTally>,
    /// deferred: where the matter continues
    pub deferred_to: Option<ItemLink>,
    /// deferred to "next meeting" that does not exist yet
    pub deferred_to_next_open: bool,
    /// deferred to a meeting whose agenda does not carry it (yet)
    pub deferred_to_meeting: Option<String>,
    /// this item continues a deferred one
    pub continues: Option<ItemLink>,
    pub referred_to: Option<String>,
    pub resolution_text: Option<String>,
}

/// Everything the rows need besides the items themselves.
pub struct RowContext<'a> {
    pub numbers: &'a HashMap<i64, String>,
    pub papers: &'a HashMap<i64, Paper>,
    pub orgs: &'a HashMap<i64, Organization>,
    pub faction_votes: &'a [FactionVote],
    /// items referenced by deferral links (other meetings), with numbers
    pub linked: &'a HashMap<i64, (AgendaItem, String, Meeting, bool)>,
    /// deferred item id -> item that continues it
    pub continuations: &'a HashMap<i64, AgendaItem>,
    pub meetings: &'a HashMap<i64, Meeting>,
    pub audience: Audience,
}

fn item_link(ctx: &RowContext, id: i64) -> Option<ItemLink> {
    let (item, number, meeting, visible) = ctx.linked.get(&id)?;
    if !visible {
        return None;
    }
    Some(ItemLink {
        url: format!("/tagesordnungspunkte/{}", item.id),
        number: number.clone(),
        meeting: meeting.name.clone(),
        date: crate::base::dates::date_short(meeting.start_at),
    })
}

pub fn row(a: &AgendaItem, ctx: &RowContext) -> AgendaRow {
    let outcome = a.outcome.as_deref().and_then(Outcome::from_key);
    let number = ctx.numbers.get(&a.id).cloned().unwrap_or_default();
    let depth = number.matches('.').count();
    let paper = a
        .paper_id
        .and_then(|p| ctx.papers.get(&p))
        .filter(|p| ctx.audience.sees_paper(p))
        .map(paper_link);
    let factions = ctx
        .faction_votes
        .iter()
        .filter(|f| f.agenda_item_id == a.id)
        .map(|f| FactionTally {
            faction: ctx
                .orgs
                .get(&f.faction_id)
                .map(|o| o.short_name.clone().unwrap_or_else(|| o.name.clone()))
                .unwrap_or_default(),
            yes: f.votes_yes,
            no: f.votes_no,
            abstain: f.votes_abstain,
        })
        .collect();
    let continuation = ctx.continuations.get(&a.id);
    let deferred_to = continuation.and_then(|c| item_link(ctx, c.id));
    let deferred_to_meeting = if outcome == Some(Outcome::Deferred) && continuation.is_none() {
        a.deferred_to_meeting_id
            .and_then(|m| ctx.meetings.get(&m))
            .map(|m| {
                format!(
                    "{} am {}",
                    m.name,
                    crate::base::dates::date_short(m.start_at)
                )
            })
    } else {
        None
    };
    AgendaRow {
        id: a.id,
        meeting_id: a.meeting_id,
        url: format!("/tagesordnungspunkte/{}", a.id),
        number,
        depth,
        public: a.public,
        title: a.title.clone(),
        supplement: a.supplement,
        paper,
        outcome: outcome.map(|o| o.label()),
        outcome_key: outcome.map(|o| o.key()),
        outcome_tone: outcome.map(|o| o.tone()),
        tally: tally(a),
        factions,
        deferred_to,
        deferred_to_next_open: outcome == Some(Outcome::Deferred)
            && continuation.is_none()
            && a.deferred_to_meeting_id.is_none()
            && a.deferred_to_next,
        deferred_to_meeting,
        continues: a.continues_agenda_item_id.and_then(|id| item_link(ctx, id)),
        referred_to: a
            .referred_to_organization_id
            .and_then(|o| ctx.orgs.get(&o))
            .map(|o| o.name.clone()),
        resolution_text: a.resolution_text.clone(),
    }
}

/// Rows for `items` that pass `show` and that the audience may see, with
/// everything they link to loaded in a fixed number of queries (no query
/// per item). `items` must hold *all* items of every meeting concerned,
/// so numbering and parent visibility are right.
pub fn load_rows(
    conn: &mut crate::db::DbConnection,
    items: &[AgendaItem],
    show: &dyn Fn(&AgendaItem) -> bool,
    audience: Audience,
) -> diesel::QueryResult<(Vec<AgendaRow>, HashMap<i64, Meeting>)> {
    use crate::db::{agenda_items, meetings, organizations, papers};
    let (numbers_map, visible) = number_and_filter(items, audience);
    let shown: Vec<&AgendaItem> = items
        .iter()
        .filter(|a| visible.contains(&a.id) && show(a))
        .collect();
    let shown_ids: Vec<i64> = shown.iter().map(|a| a.id).collect();
    let paper_ids: Vec<i64> = shown.iter().filter_map(|a| a.paper_id).collect();
    let papers_map = papers::by_ids(conn, &paper_ids)?;
    let faction_votes = agenda_items::faction_votes(conn, &shown_ids)?;
    let continuations = agenda_items::continuations(conn, &shown_ids)?;

    // items on the other end of deferral links, numbered within their meetings
    let mut linked_ids: Vec<i64> = continuations.values().map(|c| c.id).collect();
    linked_ids.extend(shown.iter().filter_map(|a| a.continues_agenda_item_id));
    let linked_items = agenda_items::by_ids(conn, &linked_ids)?;
    let mut meeting_ids: Vec<i64> = linked_items.values().map(|a| a.meeting_id).collect();
    let linked_context = agenda_items::for_meetings(conn, &meeting_ids)?;
    let (linked_numbers, linked_visible) = number_and_filter(&linked_context, audience);
    meeting_ids.extend(shown.iter().map(|a| a.meeting_id));
    meeting_ids.extend(shown.iter().filter_map(|a| a.deferred_to_meeting_id));
    let meetings_map = meetings::by_ids(conn, &meeting_ids)?;
    let linked: HashMap<i64, (AgendaItem, String, Meeting, bool)> = linked_items
        .into_values()
        .filter_map(|a| {
            let m = meetings_map.get(&a.meeting_id)?.clone();
            let n = linked_numbers.get(&a.id).cloned().unwrap_or_default();
            let v = linked_visible.contains(&a.id) && m.deleted_at.is_none();
            Some((a.id, (a, n, m, v)))
        })
        .collect();

    let mut org_ids: Vec<i64> = faction_votes.iter().map(|f| f.faction_id).collect();
    org_ids.extend(shown.iter().filter_map(|a| a.referred_to_organization_id));
    let orgs = organizations::by_ids(conn, &org_ids)?;

    let ctx = RowContext {
        numbers: &numbers_map,
        papers: &papers_map,
        orgs: &orgs,
        faction_votes: &faction_votes,
        linked: &linked,
        continuations: &continuations,
        meetings: &meetings_map,
        audience,
    };
    let order = tree_order(items);
    let mut rows: Vec<AgendaRow> = shown.iter().map(|a| row(a, &ctx)).collect();
    rows.sort_by_key(|r| {
        (
            r.meeting_id,
            order.get(&r.id).copied().unwrap_or(usize::MAX),
        )
    });
    Ok((rows, meetings_map))
}
