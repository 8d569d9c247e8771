//! Writing papers, their consultations and the files of meetings, items
//! and papers.

use std::collections::HashMap;

use diesel::prelude::*;
use serde_json::Value;

use super::mapping;
use super::source::{reference, references, text};
use super::{no_after, run_kind, times, Ctx, Plan};
use crate::db::insert::*;
use crate::db::schema::*;
use crate::db::{self, DbConnection};

pub(super) fn papers(c: &mut DbConnection, ctx: &mut Ctx) -> anyhow::Result<()> {
    let ids = ctx.index.of_kind("Paper");
    let mut plan =
        |_: &mut DbConnection, ctx: &mut Ctx, v: &Value| -> QueryResult<Plan<NewPaper>> {
            let (created, modified) = times(v);
            let Some(body) = ctx.body_of(v, 0) else {
                return Ok(Plan::Skip("Vorlage ohne erkennbare Körperschaft".into()));
            };
            let reference_no = text(v, "reference");
            let name = text(v, "name");
            let (reference_no, title) = match (reference_no, name) {
                (None, None) => return Ok(Plan::Skip("Vorlage ohne Namen und ohne Nummer".into())),
                (r, n) => (
                    r.clone().unwrap_or_else(|| "ohne Nummer".into()),
                    n.or(r).unwrap_or_default(),
                ),
            };
            let date = text(v, "date")
                .and_then(|s| mapping::date(&s))
                .unwrap_or_else(|| crate::base::dates::berlin(created).date_naive());
            Ok(Plan::Write(NewPaper {
                body_id: body,
                reference: reference_no,
                paper_type: mapping::paper_type(text(v, "paperType").as_deref())
                    .key()
                    .into(),
                title,
                file_number: None,
                date,
                lead_organization_id: reference(v, "underDirectionOf")
                    .and_then(|o| ctx.known.local("Organization", &o)),
                proposal: None,
                reasoning: None,
                public: true,
                created_at: created,
                updated_at: modified,
            }))
        };
    let mut after =
        |c: &mut DbConnection, ctx: &mut Ctx, local: i64, v: &Value| -> QueryResult<()> {
            diesel::delete(paper_originators::table.filter(paper_originators::paper_id.eq(local)))
                .execute(c)?;
            let t = db::now();
            for o in references(v, "originatorOrganization") {
                if let Some(l) = ctx.known.local("Organization", &o) {
                    insert_paper_originator(
                        c,
                        &NewPaperOriginator {
                            paper_id: local,
                            organization_id: Some(l),
                            person_id: None,
                            created_at: t,
                            updated_at: t,
                        },
                    )?;
                }
            }
            for p in references(v, "originatorPerson") {
                if let Some(l) = ctx.known.local("Person", &p) {
                    insert_paper_originator(
                        c,
                        &NewPaperOriginator {
                            paper_id: local,
                            organization_id: None,
                            person_id: Some(l),
                            created_at: t,
                            updated_at: t,
                        },
                    )?;
                }
            }
            Ok(())
        };
    let update = &|c: &mut DbConnection, id: i64, r: &NewPaper| {
        diesel::update(papers::table.find(id))
            .set((
                papers::reference.eq(&r.reference),
                papers::paper_type.eq(&r.paper_type),
                papers::title.eq(&r.title),
                papers::date.eq(r.date),
                papers::lead_organization_id.eq(r.lead_organization_id),
                papers::updated_at.eq(r.updated_at),
            ))
            .execute(c)
            .map(|_| ())
    };
    run_kind(
        c,
        ctx,
        "Paper",
        &ids,
        &mut plan,
        &insert_paper,
        update,
        soft_delete!(papers),
        &mut after,
    )?;
    // related papers once all are known (only the missing ones are written)
    let have: std::collections::HashSet<(i64, i64)> = paper_relations::table
        .select((paper_relations::paper_id, paper_relations::related_paper_id))
        .load::<(i64, i64)>(c)?
        .into_iter()
        .collect();
    let mut missing: Vec<(i64, i64)> = Vec::new();
    for id in &ids {
        let Some(v) = ctx.index.objects.get(id) else {
            continue;
        };
        let Some(local) = ctx.known.local("Paper", id) else {
            continue;
        };
        for r in references(v, "relatedPaper")
            .iter()
            .filter_map(|r| ctx.known.local("Paper", r))
        {
            if !have.contains(&(local, r)) && !missing.contains(&(local, r)) {
                missing.push((local, r));
            }
        }
    }
    if !missing.is_empty() {
        crate::edit::write_transaction(c, |c| -> anyhow::Result<()> {
            let t = db::now();
            for (p, r) in &missing {
                insert_paper_relation(
                    c,
                    &NewPaperRelation {
                        paper_id: *p,
                        related_paper_id: *r,
                        kind: "bezug".into(),
                        created_at: t,
                        updated_at: t,
                    },
                )?;
            }
            Ok(())
        })?;
    }
    Ok(())
}

pub(super) fn consultations(c: &mut DbConnection, ctx: &mut Ctx) -> anyhow::Result<()> {
    // position = place in the paper's consultation list
    let mut position: HashMap<String, i32> = HashMap::new();
    for p in ctx.index.of_kind("Paper") {
        if let Some(v) = ctx.index.objects.get(&p) {
            for (i, cid) in references(v, "consultation").iter().enumerate() {
                position.insert(cid.clone(), i as i32 + 1);
            }
        }
    }
    let ids = ctx.index.of_kind("Consultation");
    let mut plan = |c: &mut DbConnection,
                    ctx: &mut Ctx,
                    v: &Value|
     -> QueryResult<Plan<NewConsultation>> {
        let (created, modified) = times(v);
        let Some(paper) = reference(v, "paper").and_then(|p| ctx.known.local("Paper", &p)) else {
            return Ok(Plan::Skip("Beratung ohne bekannte Vorlage".into()));
        };
        let meeting = reference(v, "meeting").and_then(|m| ctx.known.local("Meeting", &m));
        let item = reference(v, "agendaItem").and_then(|a| ctx.known.local("AgendaItem", &a));
        let meeting = match (meeting, item) {
            (None, Some(i)) => agenda_items::table
                .find(i)
                .select(agenda_items::meeting_id)
                .first(c)
                .optional()?,
            (m, _) => m,
        };
        let org =
            match reference(v, "organization").and_then(|o| ctx.known.local("Organization", &o)) {
                Some(o) => Some(o),
                None => match meeting {
                    Some(m) => meetings::table
                        .find(m)
                        .select(meetings::organization_id)
                        .first(c)
                        .optional()?,
                    None => None,
                },
            };
        let Some(org) = org else {
            return Ok(Plan::Skip("Beratung ohne bekanntes Gremium".into()));
        };
        let id = text(v, "id").unwrap_or_default();
        Ok(Plan::Write(NewConsultation {
            paper_id: paper,
            organization_id: org,
            meeting_id: meeting,
            agenda_item_id: item,
            role: mapping::consultation_role(text(v, "role").as_deref())
                .key()
                .into(),
            position: position.get(&id).copied().unwrap_or(1),
            authoritative: v
                .get("authoritative")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            created_at: created,
            updated_at: modified,
        }))
    };
    let mut after = |c: &mut DbConnection, _: &mut Ctx, local: i64, _: &Value| -> QueryResult<()> {
        // the TOP treats the consultation's paper
        let (paper, item): (i64, Option<i64>) = consultations::table
            .find(local)
            .select((consultations::paper_id, consultations::agenda_item_id))
            .first(c)?;
        if let Some(i) = item {
            diesel::update(agenda_items::table.find(i))
                .set(agenda_items::paper_id.eq(Some(paper)))
                .execute(c)?;
        }
        Ok(())
    };
    run_kind(
        c,
        ctx,
        "Consultation",
        &ids,
        &mut plan,
        &insert_consultation,
        update_row!(consultations, NewConsultation),
        soft_delete!(consultations),
        &mut after,
    )?;
    Ok(())
}

pub(super) fn files(c: &mut DbConnection, ctx: &mut Ctx) -> anyhow::Result<()> {
    let ids = ctx.index.of_kind("File");
    let mut plan = |_: &mut DbConnection, ctx: &mut Ctx, v: &Value| -> QueryResult<Plan<NewFile>> {
        let (created, modified) = times(v);
        let paper = reference(v, "paper").and_then(|p| ctx.known.local("Paper", &p));
        let item = reference(v, "agendaItem").and_then(|a| ctx.known.local("AgendaItem", &a));
        let meeting = reference(v, "meeting").and_then(|m| ctx.known.local("Meeting", &m));
        if paper.is_none() && item.is_none() && meeting.is_none() {
            return Ok(Plan::Skip(
                "Datei ohne bekannte Vorlage, Sitzung oder TOP".into(),
            ));
        }
        let Some(body) = ctx.body_of(v, 0) else {
            return Ok(Plan::Skip("Datei ohne erkennbare Körperschaft".into()));
        };
        let file_name = text(v, "fileName")
            .or_else(|| text(v, "name"))
            .unwrap_or_else(|| "datei".into());
        let size = v
            .get("size")
            .and_then(Value::as_i64)
            .filter(|s| *s >= 0)
            .unwrap_or(0);
        Ok(Plan::Write(NewFile {
            body_id: body,
            name: text(v, "name").unwrap_or_else(|| file_name.clone()),
            mime_type: mapping::mime(text(v, "mimeType").as_deref(), &file_name),
            file_name,
            size,
            sha256: None,
            storage_path: None,
            text_status: text(v, "text").map(|_| "text".to_string()),
            text_content: text(v, "text"),
            public: true,
            paper_id: paper,
            meeting_id: meeting,
            agenda_item_id: item,
            created_at: created,
            updated_at: modified,
            concept_id: None,
        }))
    };
    run_kind(
        c,
        ctx,
        "File",
        &ids,
        &mut plan,
        &insert_file,
        &|c: &mut DbConnection, id: i64, f: &NewFile| {
            // metadata and links only: a file a clerk made non-public stays so
            diesel::update(files::table.find(id))
                .set((
                    files::body_id.eq(f.body_id),
                    files::paper_id.eq(f.paper_id),
                    files::meeting_id.eq(f.meeting_id),
                    files::agenda_item_id.eq(f.agenda_item_id),
                    files::name.eq(&f.name),
                    files::file_name.eq(&f.file_name),
                    files::mime_type.eq(&f.mime_type),
                    files::size.eq(f.size),
                    files::text_content.eq(&f.text_content),
                    files::text_status.eq(&f.text_status),
                    files::updated_at.eq(f.updated_at),
                ))
                .execute(c)
                .map(|_| ())
        },
        soft_delete!(files),
        &mut no_after,
    )?;
    Ok(())
}
