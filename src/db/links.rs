//! Links between papers / agenda items and integration concepts (with a
//! field of action) or funding programmes (with a module). A link names
//! what the item does for the concept or programme and carries a note.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use super::audit::{self, Actor, Change};
use super::schema::*;
use super::{now, DbConnection};
use crate::domain::LinkRole;

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = integration_links)]
pub struct Link {
    pub id: i64,
    pub concept_id: Option<i64>,
    pub field_id: Option<i64>,
    pub programme_id: Option<i64>,
    pub module_id: Option<i64>,
    pub paper_id: Option<i64>,
    pub agenda_item_id: Option<i64>,
    pub role: String,
    pub note: Option<String>,
    pub created_at: NaiveDateTime,
}

impl Link {
    /// Links of these agenda items (to live concepts and programmes).
    pub fn for_items(c: &mut DbConnection, ids: &[i64]) -> QueryResult<Vec<Link>> {
        let links = integration_links::table
            .filter(integration_links::agenda_item_id.eq_any(ids.to_vec()))
            .order(integration_links::id)
            .select(Link::as_select())
            .load(c)?;
        Self::live(c, links)
    }

    /// Links of these papers (to live concepts and programmes).
    pub fn for_papers(c: &mut DbConnection, ids: &[i64]) -> QueryResult<Vec<Link>> {
        let links = integration_links::table
            .filter(integration_links::paper_id.eq_any(ids.to_vec()))
            .order(integration_links::id)
            .select(Link::as_select())
            .load(c)?;
        Self::live(c, links)
    }

    fn live(c: &mut DbConnection, links: Vec<Link>) -> QueryResult<Vec<Link>> {
        let cids: Vec<i64> = links.iter().filter_map(|l| l.concept_id).collect();
        let pids: Vec<i64> = links.iter().filter_map(|l| l.programme_id).collect();
        let concepts = super::concepts::by_ids(c, &cids)?;
        let programmes = super::programmes::by_ids(c, &pids)?;
        Ok(links
            .into_iter()
            .filter(|l| {
                l.concept_id.is_none_or(|k| concepts.contains_key(&k))
                    && l.programme_id.is_none_or(|p| programmes.contains_key(&p))
            })
            .collect())
    }

    pub fn role_label(&self) -> &str {
        LinkRole::from_key(&self.role)
            .map(|r| r.label())
            .unwrap_or(&self.role)
    }
}

/// What a link points to on the concept/programme side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Concept { concept: i64, field: Option<i64> },
    Programme { programme: i64, module: Option<i64> },
}

/// What a link points to on the council side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    Paper(i64),
    Item(i64),
}

pub fn for_concept(c: &mut DbConnection, id: i64) -> QueryResult<Vec<Link>> {
    integration_links::table
        .filter(integration_links::concept_id.eq(id))
        .order(integration_links::id)
        .select(Link::as_select())
        .load(c)
}

pub fn for_programme(c: &mut DbConnection, id: i64) -> QueryResult<Vec<Link>> {
    integration_links::table
        .filter(integration_links::programme_id.eq(id))
        .order(integration_links::id)
        .select(Link::as_select())
        .load(c)
}

pub fn for_subject(c: &mut DbConnection, s: Subject) -> QueryResult<Vec<Link>> {
    let q = integration_links::table.into_boxed();
    let q = match s {
        Subject::Paper(id) => q.filter(integration_links::paper_id.eq(id)),
        Subject::Item(id) => q.filter(integration_links::agenda_item_id.eq(id)),
    };
    q.order(integration_links::id)
        .select(Link::as_select())
        .load(c)
}

pub fn find(c: &mut DbConnection, id: i64) -> QueryResult<Option<Link>> {
    integration_links::table
        .find(id)
        .select(Link::as_select())
        .first(c)
        .optional()
}

/// The body a paper or agenda item belongs to (None if it is gone).
pub fn body_of(c: &mut DbConnection, s: Subject) -> QueryResult<Option<i64>> {
    match s {
        Subject::Paper(id) => Ok(super::papers::find(c, id)?.map(|p| p.body_id)),
        Subject::Item(id) => {
            let Some(a) = super::agenda_items::find(c, id)? else {
                return Ok(None);
            };
            Ok(super::meetings::find(c, a.meeting_id)?.map(|m| m.body_id))
        }
    }
}

/// Why this link may not be made, in German; None when it may.
pub fn refusal(c: &mut DbConnection, s: Subject, t: Target) -> QueryResult<Option<String>> {
    let Some(body) = body_of(c, s)? else {
        return Ok(Some(
            "Die Vorlage bzw. der Tagesordnungspunkt existiert nicht.".into(),
        ));
    };
    match t {
        Target::Concept { concept, field } => {
            let Some(x) = super::concepts::find(c, concept)? else {
                return Ok(Some("Dieses Integrationskonzept gibt es nicht.".into()));
            };
            let related = body == x.body_id || {
                let b = super::bodies::find(c, body)?;
                let k = super::bodies::find(c, x.body_id)?;
                b.and_then(|b| b.parent_body_id) == Some(x.body_id)
                    || k.and_then(|k| k.parent_body_id) == Some(body)
            };
            if !related {
                return Ok(Some(format!(
                    "„{}“ ist ein Konzept einer anderen Körperschaft; verknüpft werden können nur Vorlagen und TOPs dieser Körperschaft (oder ihres Kreises bzw. ihrer kreisangehörigen Kommunen).",
                    x.title
                )));
            }
            if let Some(f) = field {
                let ok =
                    super::concepts::find_field(c, f)?.is_some_and(|f| f.concept_id == concept);
                if !ok {
                    return Ok(Some(
                        "Dieses Handlungsfeld gehört nicht zum gewählten Konzept.".into(),
                    ));
                }
            }
        }
        Target::Programme { programme, module } => {
            let Some(p) = super::programmes::find(c, programme)? else {
                return Ok(Some("Dieses Förderprogramm gibt es nicht.".into()));
            };
            let parts = super::programmes::participants(c, &[programme])?;
            if !parts.get(&programme).is_some_and(|v| v.contains(&body)) {
                let name = super::bodies::find(c, body)?
                    .map(|b| b.name)
                    .unwrap_or_default();
                return Ok(Some(format!(
                    "{name} nimmt an „{}“ nicht teil (keine Zuteilung). Tragen Sie die Körperschaft zuerst in die Zuteilungen ein.",
                    p.display_name()
                )));
            }
            if let Some(m) = module {
                let ok = super::programmes::modules(c, &[programme])?
                    .iter()
                    .any(|x| x.id == m);
                if !ok {
                    return Ok(Some(
                        "Dieser Baustein gehört nicht zum gewählten Programm.".into(),
                    ));
                }
            }
        }
    }
    Ok(None)
}

fn describe(s: Subject) -> (&'static str, Option<i64>) {
    match s {
        Subject::Paper(id) => ("Vorlage", Some(id)),
        Subject::Item(_) => ("Tagesordnungspunkt", None),
    }
}

/// Add a link (the caller has checked [`refusal`]). An identical link
/// (same subject, target and role) is not added twice.
pub fn add(
    c: &mut DbConnection,
    actor: &Actor,
    s: Subject,
    t: Target,
    role: LinkRole,
    note: Option<&str>,
) -> QueryResult<i64> {
    let (paper, item) = match s {
        Subject::Paper(id) => (Some(id), None),
        Subject::Item(id) => (None, Some(id)),
    };
    let (concept, field, programme, module) = match t {
        Target::Concept { concept, field } => (Some(concept), field, None, None),
        Target::Programme { programme, module } => (None, None, Some(programme), module),
    };
    macro_rules! same {
        ($q:ident, $col:ident, $v:expr) => {
            match $v {
                Some(v) => $q.filter(integration_links::$col.eq(v)),
                None => $q.filter(integration_links::$col.is_null()),
            }
        };
    }
    let q = integration_links::table
        .filter(integration_links::role.eq(role.key()))
        .into_boxed();
    let q = same!(q, paper_id, paper);
    let q = same!(q, agenda_item_id, item);
    let q = same!(q, concept_id, concept);
    let q = same!(q, field_id, field);
    let q = same!(q, programme_id, programme);
    let q = same!(q, module_id, module);
    let existing: Option<i64> = q.select(integration_links::id).first(c).optional()?;
    if let Some(id) = existing {
        diesel::update(integration_links::table.find(id))
            .set(integration_links::note.eq(note))
            .execute(c)?;
        return Ok(id);
    }
    let id = diesel::insert_into(integration_links::table)
        .values((
            integration_links::concept_id.eq(concept),
            integration_links::field_id.eq(field),
            integration_links::programme_id.eq(programme),
            integration_links::module_id.eq(module),
            integration_links::paper_id.eq(paper),
            integration_links::agenda_item_id.eq(item),
            integration_links::role.eq(role.key()),
            integration_links::note.eq(note),
            integration_links::created_at.eq(now()),
        ))
        .returning(integration_links::id)
        .get_result(c)?;
    audit_link(c, actor, "verknüpft", s, t, role.label(), note)?;
    Ok(id)
}

fn audit_link(
    c: &mut DbConnection,
    actor: &Actor,
    action: &str,
    s: Subject,
    t: Target,
    role: &str,
    note: Option<&str>,
) -> QueryResult<()> {
    let (kind, paper_id) = describe(s);
    let (entity_type, entity_id, target) = match t {
        Target::Concept { concept, .. } => (
            super::concepts::ENTITY,
            concept,
            super::concepts::find(c, concept)?.map(|x| x.title),
        ),
        Target::Programme { programme, .. } => (
            super::programmes::ENTITY,
            programme,
            super::programmes::find(c, programme)?.map(|x| x.name),
        ),
    };
    let meeting_id = match s {
        Subject::Item(id) => super::agenda_items::find(c, id)?.map(|a| a.meeting_id),
        Subject::Paper(_) => None,
    };
    let sid = match s {
        Subject::Paper(id) | Subject::Item(id) => id,
    };
    audit::record(
        c,
        actor,
        Change {
            action,
            entity_type,
            entity_id,
            meeting_id,
            paper_id,
            summary: format!(
                "{kind} {sid} {action}: {} ({role})",
                target.unwrap_or_default()
            ),
            before: None,
            after: Some(serde_json::json!({"Rolle": role, "Notiz": note})),
        },
    )
}

pub fn remove(c: &mut DbConnection, actor: &Actor, l: &Link) -> QueryResult<()> {
    diesel::delete(integration_links::table.filter(integration_links::id.eq(l.id))).execute(c)?;
    let s = match (l.paper_id, l.agenda_item_id) {
        (Some(p), _) => Subject::Paper(p),
        (_, Some(i)) => Subject::Item(i),
        _ => return Ok(()),
    };
    let t = match (l.concept_id, l.programme_id) {
        (Some(concept), _) => Target::Concept {
            concept,
            field: l.field_id,
        },
        (_, Some(programme)) => Target::Programme {
            programme,
            module: l.module_id,
        },
        _ => return Ok(()),
    };
    audit_link(
        c,
        actor,
        "Verknüpfung entfernt",
        s,
        t,
        l.role_label(),
        l.note.as_deref(),
    )
}
