//! Papers with their consultations and links, and files (inline, or under
//! their own URL with back-references).

use std::collections::{HashMap, HashSet};

use diesel::prelude::*;
use serde_json::{json, Map, Value};

use super::agenda::public_agenda;
use super::{obj, put, stub, Opts, R};
use crate::access::Audience;
use crate::db::models::*;
use crate::db::schema::*;
use crate::db::DbConnection;
use crate::domain::{ConsultationRole, PaperType};
use crate::oparl::{date, Urls};

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
pub(super) fn files_where(c: &mut DbConnection, column: &str, ids: &[i64]) -> R<Vec<File>> {
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

pub(super) fn link_values(
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
