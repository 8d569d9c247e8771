//! Writing papers: creation with automatic reference numbers, edits with
//! optimistic locking, originators, relations and the Beratungsfolge.
//! Every function records its change in the audit log; callers run them
//! inside `write_transaction`.

use chrono::{Datelike, NaiveDate};
use diesel::prelude::*;
use serde_json::json;

use crate::db::audit::{self, Actor, Change};
use crate::db::insert::*;
use crate::db::models::{Consultation, Paper};
use crate::db::schema::{
    consultations, paper_counters, paper_originators, paper_relations, papers,
};
use crate::db::{now, DbConnection};
use crate::domain::{ConsultationRole, PaperRelationKind, PaperType};

/// A validated paper form.
#[derive(Debug, Clone)]
pub struct PaperInput {
    pub body_id: i64,
    pub paper_type: PaperType,
    pub title: String,
    pub file_number: Option<String>,
    pub date: NaiveDate,
    pub lead_organization_id: Option<i64>,
    pub proposal: Option<String>,
    pub reasoning: Option<String>,
    pub public: bool,
    pub originator_ids: Vec<i64>,
    pub related_ids: Vec<i64>,
}

pub use crate::db::Saved;

pub fn snapshot(p: &Paper, originators: &[i64], related: &[i64]) -> serde_json::Value {
    json!({
        "Art": PaperType::from_key(&p.paper_type).map(|t| t.label()).unwrap_or(&p.paper_type),
        "Betreff": p.title,
        "Aktenzeichen": p.file_number,
        "Datum": p.date.format("%d.%m.%Y").to_string(),
        "Federführung": p.lead_organization_id,
        "Beschlussvorschlag": p.proposal,
        "Begründung": p.reasoning,
        "öffentlich": p.public,
        "Urheber": originators,
        "Bezüge": related,
    })
}

fn input_snapshot(i: &PaperInput) -> serde_json::Value {
    json!({
        "Art": i.paper_type.label(),
        "Betreff": i.title,
        "Aktenzeichen": i.file_number,
        "Datum": i.date.format("%d.%m.%Y").to_string(),
        "Federführung": i.lead_organization_id,
        "Beschlussvorschlag": i.proposal,
        "Begründung": i.reasoning,
        "öffentlich": i.public,
        "Urheber": i.originator_ids,
        "Bezüge": i.related_ids,
    })
}

// ---- reference numbers ----

/// Checks a reference pattern: it needs exactly one `{nr}` or `{nr:N}`.
/// Other placeholders: `{jahr}` (2026) and `{jj}` (26).
pub fn check_pattern(pattern: &str) -> Result<(), String> {
    let n = pattern.matches("{nr").count();
    if n != 1 {
        return Err("Das Muster für Vorlagennummern braucht genau einen Platzhalter {nr} (oder {nr:4} für vierstellig mit führenden Nullen).".into());
    }
    let (_, rest) = pattern.split_once("{nr").unwrap_or(("", ""));
    let (spec, _) = rest
        .split_once('}')
        .ok_or("Der Platzhalter {nr} ist nicht geschlossen.")?;
    if !spec.is_empty() {
        let width = spec.trim_start_matches(':');
        match width.parse::<usize>() {
            Ok(1..=10) if spec.starts_with(':') => {}
            _ => {
                return Err(format!(
                "„{{nr{spec}}}“ ist kein gültiger Platzhalter; erlaubt ist {{nr}} oder {{nr:4}}."
            ))
            }
        }
    }
    Ok(())
}

/// Prefix, width and suffix of the pattern for a given date.
fn pattern_parts(pattern: &str, date: NaiveDate) -> (String, usize, String) {
    let filled = pattern
        .replace("{jahr}", &format!("{:04}", date.year()))
        .replace("{jj}", &format!("{:02}", date.year() % 100));
    let (prefix, rest) = filled.split_once("{nr").unwrap_or((&filled, "}"));
    let (spec, suffix) = rest.split_once('}').unwrap_or(("", ""));
    let width = spec.trim_start_matches(':').parse::<usize>().unwrap_or(0);
    (prefix.to_string(), width, suffix.to_string())
}

/// Format a reference from a pattern, a date and a running number.
pub fn format_reference(pattern: &str, date: NaiveDate, number: i64) -> String {
    let (prefix, width, suffix) = pattern_parts(pattern, date);
    format!("{prefix}{number:0width$}{suffix}")
}

/// The next free reference for the body: the counter runs per year when
/// the pattern contains the year, else through. It starts after the
/// highest existing number of that form, so imported papers are respected.
pub fn next_reference(
    conn: &mut DbConnection,
    body_id: i64,
    pattern: &str,
    date: NaiveDate,
) -> QueryResult<String> {
    let scope = if pattern.contains("{jahr}") || pattern.contains("{jj}") {
        date.year().to_string()
    } else {
        String::new()
    };
    let (prefix, _, suffix) = pattern_parts(pattern, date);
    let existing: Option<i64> = paper_counters::table
        .find((body_id, &scope))
        .select(paper_counters::last_number)
        .first(conn)
        .optional()?;
    if existing.is_none() {
        let refs: Vec<String> = papers::table
            .filter(papers::body_id.eq(body_id))
            .filter(papers::reference.like(format!("{}%", prefix.replace('%', "\\%"))))
            .select(papers::reference)
            .load(conn)?;
        let max = refs
            .iter()
            .filter_map(|r| {
                r.strip_prefix(&prefix)?
                    .strip_suffix(&suffix)?
                    .parse::<i64>()
                    .ok()
            })
            .max()
            .unwrap_or(0);
        // a concurrent first use may have created the row meanwhile
        let row = (
            paper_counters::body_id.eq(body_id),
            paper_counters::scope.eq(&scope),
            paper_counters::last_number.eq(max),
        );
        match conn {
            DbConnection::Postgresql(c) => diesel::insert_into(paper_counters::table)
                .values(row)
                .on_conflict_do_nothing()
                .execute(c)?,
            DbConnection::Sqlite(c) => diesel::insert_into(paper_counters::table)
                .values(row)
                .on_conflict_do_nothing()
                .execute(c)?,
        };
    }
    loop {
        let n: i64 = diesel::update(paper_counters::table.find((body_id, &scope)))
            .set(paper_counters::last_number.eq(paper_counters::last_number + 1))
            .returning(paper_counters::last_number)
            .get_result(conn)?;
        let reference = format_reference(pattern, date, n);
        let taken: i64 = papers::table
            .filter(papers::body_id.eq(body_id))
            .filter(papers::reference.eq(&reference))
            .count()
            .get_result(conn)?;
        if taken == 0 {
            return Ok(reference);
        }
    }
}

// ---- papers ----

pub fn create(
    conn: &mut DbConnection,
    actor: &Actor,
    input: &PaperInput,
    pattern: &str,
) -> QueryResult<(i64, String)> {
    let t = now();
    let reference = next_reference(conn, input.body_id, pattern, input.date)?;
    let id = insert_paper(
        conn,
        &NewPaper {
            body_id: input.body_id,
            reference: reference.clone(),
            paper_type: input.paper_type.key().into(),
            title: input.title.clone(),
            file_number: input.file_number.clone(),
            date: input.date,
            lead_organization_id: input.lead_organization_id,
            proposal: input.proposal.clone(),
            reasoning: input.reasoning.clone(),
            public: input.public,
            created_at: t,
            updated_at: t,
        },
    )?;
    replace_links(conn, id, input)?;
    audit::record(
        conn,
        actor,
        Change {
            action: "angelegt",
            entity_type: "Vorlage",
            entity_id: id,
            meeting_id: None,
            paper_id: Some(id),
            summary: format!("Vorlage {reference} angelegt: {}", input.title),
            before: None,
            after: Some(input_snapshot(input)),
        },
    )?;
    Ok((id, reference))
}

fn replace_links(conn: &mut DbConnection, id: i64, input: &PaperInput) -> QueryResult<()> {
    let t = now();
    diesel::delete(paper_originators::table.filter(paper_originators::paper_id.eq(id)))
        .execute(conn)?;
    for org in &input.originator_ids {
        insert_paper_originator(
            conn,
            &NewPaperOriginator {
                paper_id: id,
                organization_id: Some(*org),
                person_id: None,
                created_at: t,
                updated_at: t,
            },
        )?;
    }
    diesel::delete(paper_relations::table.filter(paper_relations::paper_id.eq(id)))
        .execute(conn)?;
    for rel in &input.related_ids {
        if *rel != id {
            insert_paper_relation(
                conn,
                &NewPaperRelation {
                    paper_id: id,
                    related_paper_id: *rel,
                    kind: PaperRelationKind::Related.key().into(),
                    created_at: t,
                    updated_at: t,
                },
            )?;
        }
    }
    Ok(())
}

pub fn links(conn: &mut DbConnection, id: i64) -> QueryResult<(Vec<i64>, Vec<i64>)> {
    let orgs: Vec<Option<i64>> = paper_originators::table
        .filter(paper_originators::paper_id.eq(id))
        .select(paper_originators::organization_id)
        .load(conn)?;
    let rel: Vec<i64> = paper_relations::table
        .filter(paper_relations::paper_id.eq(id))
        .select(paper_relations::related_paper_id)
        .load(conn)?;
    Ok((orgs.into_iter().flatten().collect(), rel))
}

pub fn update(
    conn: &mut DbConnection,
    actor: &Actor,
    id: i64,
    version: i32,
    input: &PaperInput,
) -> QueryResult<Saved> {
    let Some(before) = crate::db::papers::find(conn, id)? else {
        return Err(diesel::result::Error::NotFound);
    };
    let (orgs, rel) = links(conn, id)?;
    let n = diesel::update(
        papers::table
            .filter(papers::id.eq(id))
            .filter(papers::version.eq(version)),
    )
    .set((
        papers::paper_type.eq(input.paper_type.key()),
        papers::title.eq(&input.title),
        papers::file_number.eq(&input.file_number),
        papers::date.eq(input.date),
        papers::lead_organization_id.eq(input.lead_organization_id),
        papers::proposal.eq(&input.proposal),
        papers::reasoning.eq(&input.reasoning),
        papers::public.eq(input.public),
        papers::version.eq(papers::version + 1),
        papers::updated_at.eq(now()),
    ))
    .execute(conn)?;
    if n == 0 {
        return Ok(Saved::Conflict);
    }
    replace_links(conn, id, input)?;
    audit::record(
        conn,
        actor,
        Change {
            action: "geändert",
            entity_type: "Vorlage",
            entity_id: id,
            meeting_id: None,
            paper_id: Some(id),
            summary: format!("Vorlage {} bearbeitet", before.reference),
            before: Some(snapshot(&before, &orgs, &rel)),
            after: Some(input_snapshot(input)),
        },
    )?;
    Ok(Saved::Ok)
}

// ---- Beratungsfolge ----

pub fn add_consultation(
    conn: &mut DbConnection,
    actor: &Actor,
    paper: &Paper,
    organization_id: i64,
    org_name: &str,
    role: ConsultationRole,
) -> QueryResult<i64> {
    let t = now();
    let max: Option<i32> = consultations::table
        .filter(consultations::paper_id.eq(paper.id))
        .filter(consultations::deleted_at.is_null())
        .select(diesel::dsl::max(consultations::position))
        .first(conn)?;
    let id = insert_consultation(
        conn,
        &NewConsultation {
            paper_id: paper.id,
            organization_id,
            meeting_id: None,
            agenda_item_id: None,
            role: role.key().into(),
            position: max.unwrap_or(0) + 1,
            authoritative: role == ConsultationRole::Decision,
            created_at: t,
            updated_at: t,
        },
    )?;
    bump_paper(conn, paper.id)?;
    audit::record(
        conn,
        actor,
        Change {
            action: "Beratungsfolge ergänzt",
            entity_type: "Beratung",
            entity_id: id,
            meeting_id: None,
            paper_id: Some(paper.id),
            summary: format!("{}: {} ({})", paper.reference, org_name, role.label()),
            before: None,
            after: Some(json!({"Gremium": org_name, "Rolle": role.label()})),
        },
    )?;
    Ok(id)
}

fn bump_paper(conn: &mut DbConnection, id: i64) -> QueryResult<()> {
    diesel::update(papers::table.find(id))
        .set((
            papers::version.eq(papers::version + 1),
            papers::updated_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn find_consultation(conn: &mut DbConnection, id: i64) -> QueryResult<Option<Consultation>> {
    consultations::table
        .find(id)
        .filter(consultations::deleted_at.is_null())
        .select(Consultation::as_select())
        .first(conn)
        .optional()
}

/// Remove a step that is not yet on an agenda.
pub fn remove_consultation(
    conn: &mut DbConnection,
    actor: &Actor,
    paper: &Paper,
    c: &Consultation,
) -> QueryResult<()> {
    diesel::update(consultations::table.find(c.id))
        .set(consultations::deleted_at.eq(Some(now())))
        .execute(conn)?;
    bump_paper(conn, paper.id)?;
    audit::record(
        conn,
        actor,
        Change {
            action: "Beratungsfolge entfernt",
            entity_type: "Beratung",
            entity_id: c.id,
            meeting_id: None,
            paper_id: Some(paper.id),
            summary: format!(
                "{}: Beratungsschritt {} entfernt",
                paper.reference, c.position
            ),
            before: Some(json!({"Gremium": c.organization_id, "Rolle": c.role})),
            after: None,
        },
    )
}

/// Swap a step with its neighbour (up: -1, down: +1).
pub fn move_consultation(
    conn: &mut DbConnection,
    actor: &Actor,
    paper: &Paper,
    c: &Consultation,
    up: bool,
) -> QueryResult<bool> {
    let all: Vec<Consultation> = crate::db::papers::consultations(conn, paper.id)?;
    let Some(i) = all.iter().position(|x| x.id == c.id) else {
        return Ok(false);
    };
    let j = if up { i.checked_sub(1) } else { Some(i + 1) };
    let Some(other) = j.and_then(|j| all.get(j)) else {
        return Ok(false);
    };
    let mut order: Vec<i64> = all.iter().map(|x| x.id).collect();
    order.swap(i, j.unwrap_or(i));
    for (pos, id) in order.iter().enumerate() {
        diesel::update(consultations::table.find(id))
            .set(consultations::position.eq(pos as i32 + 1))
            .execute(conn)?;
    }
    bump_paper(conn, paper.id)?;
    audit::record(
        conn,
        actor,
        Change {
            action: "Beratungsfolge umgestellt",
            entity_type: "Beratung",
            entity_id: c.id,
            meeting_id: None,
            paper_id: Some(paper.id),
            summary: format!(
                "{}: Schritt {} mit Schritt {} getauscht",
                paper.reference, c.position, other.position
            ),
            before: None,
            after: None,
        },
    )?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, 3, 1).expect("date")
    }

    #[test]
    fn references_follow_the_pattern() {
        assert_eq!(format_reference("{jahr}/{nr:4}", d(2026), 42), "2026/0042");
        assert_eq!(format_reference("11/{nr}", d(2026), 1482), "11/1482");
        assert_eq!(format_reference("V-{jj}-{nr:3}", d(2031), 7), "V-31-007");
    }

    #[test]
    fn patterns_need_one_number() {
        assert!(check_pattern("{jahr}/{nr:4}").is_ok());
        assert!(check_pattern("11/{nr}").is_ok());
        assert!(check_pattern("{jahr}").is_err());
        assert!(check_pattern("{nr}/{nr}").is_err());
        assert!(check_pattern("{nr:x}").is_err());
        assert!(check_pattern("{nr:4").is_err());
    }
}
