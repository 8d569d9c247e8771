//! Back office: links between papers/TOPs and integration concepts or
//! funding programmes. Set from the paper and TOP pages (choose the
//! concept/programme) and from the concept/programme pages (name the
//! paper by its number or paste the address of a paper or TOP).

use actix_web::{web, HttpResponse};
use serde::Serialize;

use super::forms::Errors;
use super::{choices, Choice};
use crate::auth::form::Fields;
use crate::auth::{Form, SessionUser, Staff};
use crate::db::links::{self, Link, Subject, Target};
use crate::db::{self, DbConnection};
use crate::domain::LinkRole;
use crate::error::AppError;
use crate::routes::account::redirect;
use crate::state::AppState;

#[derive(Debug, Serialize)]
pub struct LinkRow {
    pub id: i64,
    /// the other side, as text with an admin link
    pub label: String,
    pub url: String,
    pub role: String,
    pub note: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct OptionGroup {
    pub label: String,
    pub options: Vec<Choice>,
}

/// The "Integration" panel on the paper and TOP pages.
#[derive(Debug, Serialize, Default)]
pub struct Panel {
    pub action: String,
    /// why the last attempt to link was refused (form shown again)
    pub error: Option<String>,
    pub links: Vec<LinkRow>,
    pub groups: Vec<OptionGroup>,
    pub roles: Vec<Choice>,
}

pub fn roles() -> Vec<Choice> {
    choices(LinkRole::ALL, LinkRole::key, LinkRole::label)
}

/// Bodies related to `body`: itself, its parent and its children.
pub fn related_bodies(c: &mut DbConnection, body: i64) -> diesel::QueryResult<Vec<i64>> {
    let all = db::bodies::list(c)?;
    let parent = all
        .iter()
        .find(|b| b.id == body)
        .and_then(|b| b.parent_body_id);
    Ok(all
        .iter()
        .filter(|b| b.id == body || Some(b.id) == parent || b.parent_body_id == Some(body))
        .map(|b| b.id)
        .collect())
}

pub fn panel(c: &mut DbConnection, s: Subject) -> Result<Panel, AppError> {
    let Some(body) = links::body_of(c, s)? else {
        return Ok(Panel::default());
    };
    let existing = links::for_subject(c, s)?;
    let related = related_bodies(c, body)?;
    let concepts = db::concepts::list(c, Some(&related), None)?;
    let cids: Vec<i64> = concepts.iter().map(|x| x.id).collect();
    let fields = db::concepts::fields(c, &cids)?;
    let programmes = db::programmes::all(c)?;
    let pids: Vec<i64> = programmes.iter().map(|p| p.id).collect();
    let parts = db::programmes::participants(c, &pids)?;
    let programmes: Vec<_> = programmes
        .into_iter()
        .filter(|p| parts.get(&p.id).is_some_and(|v| v.contains(&body)))
        .collect();
    let mids: Vec<i64> = programmes.iter().map(|p| p.id).collect();
    let modules = db::programmes::modules(c, &mids)?;
    let mut groups = Vec::new();
    for x in &concepts {
        let mut options = vec![Choice {
            value: format!("k{}", x.id),
            label: format!("{} (ganzes Konzept)", x.title),
        }];
        options.extend(
            fields
                .iter()
                .filter(|f| f.concept_id == x.id)
                .map(|f| Choice {
                    value: format!("f{}", f.id),
                    label: format!("Handlungsfeld: {}", f.title),
                }),
        );
        groups.push(OptionGroup {
            label: format!("Konzept: {}", x.title),
            options,
        });
    }
    for p in &programmes {
        let mut options = vec![Choice {
            value: format!("p{}", p.id),
            label: format!("{} (ganzes Programm)", p.display_name()),
        }];
        options.extend(
            modules
                .iter()
                .filter(|m| m.programme_id == p.id)
                .map(|m| Choice {
                    value: format!("m{}", m.id),
                    label: m.name.clone(),
                }),
        );
        groups.push(OptionGroup {
            label: format!("Programm: {}", p.display_name()),
            options,
        });
    }
    let all_concepts: Vec<i64> = existing.iter().filter_map(|l| l.concept_id).collect();
    let all_programmes: Vec<i64> = existing.iter().filter_map(|l| l.programme_id).collect();
    let cmap = db::concepts::by_ids(c, &all_concepts)?;
    let pmap = db::programmes::by_ids(c, &all_programmes)?;
    let fids: Vec<i64> = all_concepts.clone();
    let fmap = db::concepts::fields(c, &fids)?;
    let mmap = db::programmes::modules(c, &all_programmes)?;
    let links = existing
        .iter()
        .filter_map(|l| {
            let (label, url) = match (l.concept_id, l.programme_id) {
                (Some(k), _) => {
                    let x = cmap.get(&k)?;
                    let f = l
                        .field_id
                        .and_then(|f| fmap.iter().find(|x| x.id == f))
                        .map(|f| format!(" – Handlungsfeld {}", f.title))
                        .unwrap_or_default();
                    (
                        format!("{}{f}", x.title),
                        format!("/verwaltung/integrationskonzepte/{k}"),
                    )
                }
                (_, Some(p)) => {
                    let x = pmap.get(&p)?;
                    let m = l
                        .module_id
                        .and_then(|m| mmap.iter().find(|x| x.id == m))
                        .map(|m| format!(" – {}", m.name))
                        .unwrap_or_default();
                    (
                        format!("{}{m}", x.display_name()),
                        format!("/verwaltung/foerderprogramme/{p}"),
                    )
                }
                _ => return None,
            };
            Some(LinkRow {
                id: l.id,
                label,
                url,
                role: l.role_label().to_string(),
                note: l.note.clone(),
            })
        })
        .collect();
    let action = match s {
        Subject::Paper(id) => format!("/verwaltung/vorlagen/{id}/integration"),
        Subject::Item(id) => format!("/verwaltung/tops/{id}/integration"),
    };
    Ok(Panel {
        action,
        error: None,
        links,
        groups,
        roles: roles(),
    })
}

/// Role and note from a link form.
pub fn role_and_note(f: &Fields, e: &mut Errors) -> (Option<LinkRole>, Option<String>) {
    let role = LinkRole::from_key(f.get("rolle"));
    if role.is_none() {
        e.insert(
            "rolle".into(),
            "Bitte angeben, was die Vorlage bzw. der TOP für das Konzept oder Programm tut.".into(),
        );
    }
    let note = super::forms::optional(f, "notiz", 500, e);
    (role, note)
}

/// "k3", "f7", "p2", "m5" from the select on the paper/TOP page.
pub fn parse_target(c: &mut DbConnection, raw: &str) -> Result<Option<Target>, AppError> {
    let mut chars = raw.chars();
    let kind = chars.next().map(String::from).unwrap_or_default();
    let Ok(id) = chars.as_str().parse::<i64>() else {
        return Ok(None);
    };
    let kind = kind.as_str();
    Ok(match kind {
        "k" => Some(Target::Concept {
            concept: id,
            field: None,
        }),
        "f" => db::concepts::find_field(c, id)?.map(|f| Target::Concept {
            concept: f.concept_id,
            field: Some(f.id),
        }),
        "p" => Some(Target::Programme {
            programme: id,
            module: None,
        }),
        "m" => db::programmes::modules_by_id(c, id)?.map(|m| Target::Programme {
            programme: m.programme_id,
            module: Some(m.id),
        }),
        _ => None,
    })
}

/// A paper or TOP named on the concept/programme page: a paper number
/// of one of `bodies`, or the address of a paper or TOP page.
pub fn parse_subject(
    c: &mut DbConnection,
    raw: &str,
    bodies: &[i64],
) -> Result<Result<Subject, String>, AppError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(Err(
            "Bitte eine Vorlagennummer (z. B. 2020/142) oder die Adresse einer Vorlage oder eines TOPs angeben."
                .into(),
        ));
    }
    let path = raw
        .split_once("://")
        .map(|(_, rest)| rest.split_once('/').map(|(_, p)| p).unwrap_or(""))
        .unwrap_or(raw.trim_start_matches('/'));
    let parts: Vec<&str> = path
        .split(['/', '?', '#'])
        .filter(|s| !s.is_empty())
        .collect();
    let num = |i: usize| parts.get(i).and_then(|s| s.parse::<i64>().ok());
    let by_url = match parts.as_slice() {
        ["tagesordnungspunkte", ..] | ["verwaltung", "tops", ..] => {
            let n = if parts[0] == "verwaltung" {
                num(2)
            } else {
                num(1)
            };
            n.map(Subject::Item)
        }
        ["vorlagen", ..] if num(1).is_some() => num(1).map(Subject::Paper),
        ["verwaltung", "vorlagen", ..] => num(2).map(Subject::Paper),
        _ => None,
    };
    if let Some(s) = by_url {
        return Ok(match links::body_of(c, s)? {
            Some(_) => Ok(s),
            None => Err(format!(
                "Unter „{}“ gibt es keine Vorlage und keinen Tagesordnungspunkt.",
                crate::routes::shorten(raw)
            )),
        });
    }
    use db::schema::papers;
    use diesel::prelude::*;
    let found: Vec<(i64, i64)> = papers::table
        .filter(papers::reference.eq(raw))
        .filter(papers::deleted_at.is_null())
        .select((papers::id, papers::body_id))
        .load(c)?;
    let mine: Vec<i64> = found
        .iter()
        .filter(|(_, b)| bodies.contains(b))
        .map(|(id, _)| *id)
        .collect();
    Ok(match (mine.as_slice(), found.is_empty()) {
        ([one], _) => Ok(Subject::Paper(*one)),
        ([], true) => Err(format!(
            "Eine Vorlage mit der Nummer „{}“ gibt es nicht.",
            crate::routes::shorten(raw)
        )),
        ([], false) => Err(format!(
            "Die Vorlage „{}“ gehört zu einer Körperschaft, die hier nicht beteiligt ist.",
            crate::routes::shorten(raw)
        )),
        _ => Err(format!(
            "Die Nummer „{}“ gibt es in mehreren Körperschaften. Bitte die Adresse der Vorlage einfügen.",
            crate::routes::shorten(raw)
        )),
    })
}

/// The user may change links of this subject (clerk of its body).
fn require_subject(c: &mut DbConnection, me: &SessionUser, s: Subject) -> Result<(), AppError> {
    let body = links::body_of(c, s)?.ok_or_else(|| AppError::not_found("Der Eintrag"))?;
    me.require_body(body)
}

/// POST from the paper or TOP page: add a link to a concept/programme.
/// Refusals show the page again (422) with the reason at the form.
async fn add_for(
    state: web::Data<AppState>,
    s: Subject,
    form: Form,
) -> Result<HttpResponse, AppError> {
    let Form { user: me, fields } = form;
    let m2 = me.clone();
    let refused = state
        .db(move |c| {
            require_subject(c, &m2, s)?;
            let mut e = Errors::new();
            let target = parse_target(c, fields.get("ziel"))?;
            if target.is_none() {
                e.insert(
                    "ziel".into(),
                    "Bitte ein Konzept, Handlungsfeld, Programm oder einen Baustein wählen.".into(),
                );
            }
            let (role, note) = role_and_note(&fields, &mut e);
            if let Some(t) = target {
                if let Some(why) = links::refusal(c, s, t)? {
                    e.insert("ziel".into(), why);
                }
            }
            match (target, role, e.is_empty()) {
                (Some(t), Some(r), true) => {
                    let actor = m2.actor();
                    crate::edit::write_transaction(c, |c| {
                        links::add(c, &actor, s, t, r, note.as_deref()).map_err(AppError::from)
                    })?;
                    Ok(None)
                }
                _ => Ok(Some(e.into_values().collect::<Vec<_>>().join(" "))),
            }
        })
        .await?;
    match (refused, s) {
        (None, Subject::Paper(id)) => {
            Ok(redirect(&format!("/verwaltung/vorlagen/{id}#integration")))
        }
        (None, Subject::Item(id)) => Ok(redirect(&format!("/verwaltung/tops/{id}#integration"))),
        (Some(msg), Subject::Paper(id)) => {
            super::papers::integration_refused(&state, me, id, msg).await
        }
        (Some(msg), Subject::Item(id)) => {
            super::items::integration_refused(&state, me, id, msg).await
        }
    }
}

pub async fn add_for_paper(
    state: web::Data<AppState>,
    _staff: Staff,
    path: web::Path<String>,
    form: Form,
) -> Result<HttpResponse, AppError> {
    let id = crate::routes::parse_id(&path)?;
    add_for(state, Subject::Paper(id), form).await
}

pub async fn add_for_item(
    state: web::Data<AppState>,
    _staff: Staff,
    path: web::Path<String>,
    form: Form,
) -> Result<HttpResponse, AppError> {
    let id = crate::routes::parse_id(&path)?;
    add_for(state, Subject::Item(id), form).await
}

/// POST: remove a link. Allowed to clerks of the paper's/TOP's body and
/// to those who edit the concept or programme. `zurueck` picks the page
/// to return to (only back-office paths).
pub async fn remove(
    state: web::Data<AppState>,
    _staff: Staff,
    path: web::Path<String>,
    form: Form,
) -> Result<HttpResponse, AppError> {
    let id = crate::routes::parse_id(&path)?;
    let Form { user: me, fields } = form;
    let back = fields.get("zurueck").to_string();
    let back = if back.starts_with("/verwaltung/") && !back.contains("//") {
        back
    } else {
        "/verwaltung".to_string()
    };
    state
        .db(move |c| {
            let l: Link =
                links::find(c, id)?.ok_or_else(|| AppError::not_found("Die Verknüpfung"))?;
            let subject = match (l.paper_id, l.agenda_item_id) {
                (Some(p), _) => Some(Subject::Paper(p)),
                (_, Some(i)) => Some(Subject::Item(i)),
                _ => None,
            };
            let mut allowed = false;
            if let Some(s) = subject {
                if let Some(b) = links::body_of(c, s)? {
                    allowed |= me.may_edit_body(b);
                }
            }
            if let Some(k) = l.concept_id.map(|k| db::concepts::find(c, k)).transpose()?.flatten() {
                allowed |= me.may_edit_body(k.body_id);
            }
            if let Some(p) = l.programme_id.map(|p| db::programmes::find(c, p)).transpose()?.flatten() {
                allowed |= me.may_edit_body(p.body_id);
            }
            if !allowed {
                return Err(AppError::Forbidden(
                    "Diese Verknüpfung gehört zu einer Körperschaft, für die Ihr Konto nicht freigeschaltet ist.".into(),
                ));
            }
            let actor = me.actor();
            crate::edit::write_transaction(c, |c| links::remove(c, &actor, &l).map_err(AppError::from))
        })
        .await?;
    Ok(redirect(&format!("{back}#integration")))
}

#[derive(Serialize)]
pub struct SubjectLink {
    pub id: i64,
    pub label: String,
    pub url: String,
    pub public_url: String,
    pub role: String,
    pub target: String,
    pub note: Option<String>,
}

/// Describe the paper/TOP side of links for back-office lists.
pub fn subject_links(
    c: &mut DbConnection,
    list: &[links::Link],
    target: &dyn Fn(&links::Link) -> String,
) -> Result<Vec<SubjectLink>, AppError> {
    let pids: Vec<i64> = list.iter().filter_map(|l| l.paper_id).collect();
    let iids: Vec<i64> = list.iter().filter_map(|l| l.agenda_item_id).collect();
    let papers = db::papers::by_ids(c, &pids)?;
    let items = db::agenda_items::by_ids(c, &iids)?;
    let mids: Vec<i64> = items.values().map(|a| a.meeting_id).collect();
    let meetings = db::meetings::by_ids(c, &mids)?;
    Ok(list
        .iter()
        .filter_map(|l| {
            let (label, url, public_url) = match (l.paper_id, l.agenda_item_id) {
                (Some(p), _) => {
                    let p = papers.get(&p)?;
                    (
                        format!("Vorlage {} – {}", p.reference, p.title),
                        format!("/verwaltung/vorlagen/{}", p.id),
                        format!("/vorlagen/{}", p.id),
                    )
                }
                (_, Some(i)) => {
                    let a = items.get(&i)?;
                    let m = meetings.get(&a.meeting_id)?;
                    (
                        format!(
                            "TOP „{}“ – {} am {}",
                            a.title,
                            m.name,
                            crate::base::dates::date_short(m.start_at)
                        ),
                        format!("/verwaltung/tops/{}", a.id),
                        format!("/tagesordnungspunkte/{}", a.id),
                    )
                }
                _ => return None,
            };
            Some(SubjectLink {
                id: l.id,
                label,
                url,
                public_url,
                role: l.role_label().to_string(),
                target: target(l),
                note: l.note.clone(),
            })
        })
        .collect())
}
