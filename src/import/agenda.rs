//! Writing meetings and their agenda items: state, participating
//! organizations, locations, numbering and results.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::Value;

use super::mapping;
use super::source::{self, reference, references, text};
use super::{run_kind, times, Ctx, Plan};
use crate::db::insert::*;
use crate::db::schema::*;
use crate::db::{self, DbConnection};

fn meeting_state(v: &Value, start: NaiveDateTime) -> &'static str {
    if v.get("cancelled").and_then(Value::as_bool).unwrap_or(false) {
        return "abgesagt";
    }
    match text(v, "meetingState").map(|s| s.to_lowercase()).as_deref() {
        Some("terminiert") | Some("geplant") => "terminiert",
        Some("eingeladen") => "eingeladen",
        Some("durchgeführt") | Some("durchgefuehrt") | Some("abgeschlossen") => "durchgefuehrt",
        Some("abgesagt") => "abgesagt",
        _ if start < db::now() => "durchgefuehrt",
        _ => "terminiert",
    }
}

pub(super) fn meetings_and_items(c: &mut DbConnection, ctx: &mut Ctx) -> anyhow::Result<()> {
    let rows: Vec<(i64, i64)> = meetings::table
        .select((meetings::id, meetings::body_id))
        .load(c)?;
    ctx.meeting_body.extend(rows);
    let ids = ctx.index.of_kind("Meeting");
    let mut plan =
        |_: &mut DbConnection, ctx: &mut Ctx, v: &Value| -> QueryResult<Plan<NewMeeting>> {
            let (created, modified) = times(v);
            let orgs: Vec<i64> = references(v, "organization")
                .iter()
                .filter_map(|o| ctx.known.local("Organization", o))
                .collect();
            let Some(org) = orgs.first().copied() else {
                return Ok(Plan::Skip(
                    "Sitzung ohne bekanntes Gremium (organization fehlt oder ist nicht geliefert)"
                        .into(),
                ));
            };
            let Some(body) = ctx.org_body.get(&org).copied().or(ctx.single_body) else {
                return Ok(Plan::Skip("Sitzung ohne erkennbare Körperschaft".into()));
            };
            let Some(start) = text(v, "start").and_then(|s| mapping::datetime(&s)) else {
                return Ok(Plan::Skip("Sitzung ohne gültigen Beginn (start)".into()));
            };
            let name = text(v, "name").unwrap_or_else(|| "Sitzung".into());
            Ok(Plan::Write(NewMeeting {
                body_id: body,
                organization_id: org,
                name,
                number: None,
                start_at: start,
                end_at: text(v, "end")
                    .and_then(|s| mapping::datetime(&s))
                    .filter(|e| *e >= start),
                location_id: reference(v, "location").and_then(|l| ctx.known.local("Location", &l)),
                state: meeting_state(v, start).into(),
                sequence: 0,
                minutes_approved_at: None,
                minutes_published_at: None,
                created_at: created,
                updated_at: modified,
            }))
        };
    let mut after =
        |c: &mut DbConnection, ctx: &mut Ctx, local: i64, v: &Value| -> QueryResult<()> {
            let orgs: Vec<i64> = references(v, "organization")
                .iter()
                .filter_map(|o| ctx.known.local("Organization", o))
                .collect();
            if let Some(b) = orgs
                .first()
                .and_then(|o| ctx.org_body.get(o))
                .copied()
                .or(ctx.single_body)
            {
                ctx.meeting_body.insert(local, b);
            }
            diesel::delete(
                meeting_organizations::table.filter(meeting_organizations::meeting_id.eq(local)),
            )
            .execute(c)?;
            let t = db::now();
            for o in orgs.iter().skip(1) {
                insert_meeting_organization(
                    c,
                    &NewMeetingOrganization {
                        meeting_id: local,
                        organization_id: *o,
                        created_at: t,
                        updated_at: t,
                    },
                )?;
            }
            Ok(())
        };
    // an update keeps the meeting's own change counter and minutes state
    let update = &|c: &mut DbConnection, id: i64, r: &NewMeeting| {
        diesel::update(meetings::table.find(id))
            .set((
                meetings::organization_id.eq(r.organization_id),
                meetings::name.eq(&r.name),
                meetings::start_at.eq(r.start_at),
                meetings::end_at.eq(r.end_at),
                meetings::location_id.eq(r.location_id),
                meetings::state.eq(&r.state),
                meetings::updated_at.eq(r.updated_at),
            ))
            .execute(c)
            .map(|_| ())
    };
    run_kind(
        c,
        ctx,
        "Meeting",
        &ids,
        &mut plan,
        &insert_meeting,
        update,
        soft_delete!(meetings),
        &mut after,
    )?;

    // agenda items, meeting by meeting, in their order; "3.1" goes under "3"
    let mut ids = ctx.index.of_kind("AgendaItem");
    let order_of = |v: &Value| v.get("order").and_then(Value::as_i64).unwrap_or(i64::MAX);
    ids.sort_by_key(|id| {
        let v = &ctx.index.objects[id];
        (
            source::natural_key(&reference(v, "meeting").unwrap_or_default()),
            order_of(v),
            source::natural_key(id),
        )
    });
    for id in &ids {
        let v = &ctx.index.objects[id];
        if let (Some(local), Some(m), Some(n)) = (
            ctx.known.local("AgendaItem", id),
            reference(v, "meeting").and_then(|m| ctx.known.local("Meeting", &m)),
            text(v, "number"),
        ) {
            ctx.item_numbers
                .insert((m, n.trim_end_matches('.').to_string()), local);
        }
    }
    let mut plan = |c: &mut DbConnection,
                    ctx: &mut Ctx,
                    v: &Value|
     -> QueryResult<Plan<(NewAgendaItem, Option<String>)>> {
        let (created, modified) = times(v);
        let Some(meeting) = reference(v, "meeting").and_then(|m| ctx.known.local("Meeting", &m))
        else {
            return Ok(Plan::Skip(
                "Tagesordnungspunkt ohne bekannte Sitzung".into(),
            ));
        };
        let number = text(v, "number").unwrap_or_default();
        let parent = number
            .trim_end_matches('.')
            .rsplit_once('.')
            .and_then(|(head, _)| {
                ctx.item_numbers
                    .get(&(meeting, head.trim_end_matches('.').to_string()))
            })
            .copied();
        // "3.1" without "3" in this run: keep the parent it already has
        let parent = match (parent, number.trim_end_matches('.').contains('.')) {
            (None, true) => match ctx
                .known
                .local("AgendaItem", &text(v, "id").unwrap_or_default())
            {
                Some(l) => {
                    let kept: Option<i64> = agenda_items::table
                        .find(l)
                        .select(agenda_items::parent_id)
                        .first::<Option<i64>>(c)?;
                    // only a parent of the same meeting
                    match kept {
                        Some(pid) => agenda_items::table
                            .find(pid)
                            .filter(agenda_items::meeting_id.eq(meeting))
                            .select(agenda_items::id)
                            .first::<i64>(c)
                            .optional()?,
                        None => None,
                    }
                }
                None => None,
            },
            (p, _) => p,
        };
        let result = text(v, "result");
        let outcome = text(v, "gremium:outcome")
            .and_then(|k| crate::domain::Outcome::from_key(&k))
            .or_else(|| result.as_deref().and_then(mapping::outcome));
        let tally = v.get("gremium:tally");
        // our own extension is exact; otherwise the tally is read from the text
        let (yes, no, abstain) = match tally {
            Some(t) => {
                let n = |k: &str| t.get(k).and_then(Value::as_i64).map(|n| n as i32);
                (n("yes"), n("no"), n("abstain"))
            }
            None => result
                .as_deref()
                .map(mapping::tally)
                .unwrap_or((None, None, None)),
        };
        let absent = tally
            .and_then(|t| t.get("absent"))
            .and_then(Value::as_i64)
            .map(|n| n as i32);
        let position = v
            .get("order")
            .and_then(Value::as_i64)
            .and_then(|o| i32::try_from(o).ok())
            .unwrap_or(0);
        let existing_paper: Option<i64> = match ctx
            .known
            .local("AgendaItem", &text(v, "id").unwrap_or_default())
        {
            Some(l) => agenda_items::table
                .find(l)
                .select(agenda_items::paper_id)
                .first(c)?,
            None => None,
        };
        let title = text(v, "name").unwrap_or_else(|| format!("TOP {number}"));
        Ok(Plan::Write((
            NewAgendaItem {
                meeting_id: meeting,
                parent_id: parent,
                public: v.get("public").and_then(Value::as_bool).unwrap_or(true),
                position,
                title,
                paper_id: existing_paper,
                outcome: outcome.map(|o| o.key().to_string()),
                votes_yes: yes,
                votes_no: no,
                votes_abstain: abstain,
                votes_absent: absent,
                resolution_text: text(v, "resolutionText"),
                minutes_text: None,
                deferred_to_meeting_id: None,
                deferred_to_next: false,
                continues_agenda_item_id: None,
                referred_to_organization_id: None,
                supplement: false,
                created_at: created,
                updated_at: modified,
            },
            result,
        )))
    };
    let insert = &|c: &mut DbConnection, r: &(NewAgendaItem, Option<String>)| -> QueryResult<i64> {
        let id = insert_agenda_item(c, &r.0)?;
        diesel::update(agenda_items::table.find(id))
            .set(agenda_items::result_text.eq(&r.1))
            .execute(c)?;
        Ok(id)
    };
    let update =
        &|c: &mut DbConnection, id: i64, r: &(NewAgendaItem, Option<String>)| -> QueryResult<()> {
            // only what OParl carries; a TOP a clerk made non-public stays so,
            // minutes, deferral links and the Nachtrag mark stay as they are
            let a = &r.0;
            diesel::update(agenda_items::table.find(id))
                .set((
                    agenda_items::meeting_id.eq(a.meeting_id),
                    agenda_items::parent_id.eq(a.parent_id),
                    agenda_items::position.eq(a.position),
                    agenda_items::title.eq(&a.title),
                    agenda_items::outcome.eq(&a.outcome),
                    agenda_items::votes_yes.eq(a.votes_yes),
                    agenda_items::votes_no.eq(a.votes_no),
                    agenda_items::votes_abstain.eq(a.votes_abstain),
                    agenda_items::votes_absent.eq(a.votes_absent),
                    agenda_items::resolution_text.eq(&a.resolution_text),
                    agenda_items::result_text.eq(&r.1),
                    agenda_items::updated_at.eq(a.updated_at),
                ))
                .execute(c)?;
            if !a.public {
                diesel::update(agenda_items::table.find(id))
                    .set(agenda_items::public.eq(false))
                    .execute(c)?;
            }
            Ok(())
        };
    let mut after =
        |_: &mut DbConnection, ctx: &mut Ctx, local: i64, v: &Value| -> QueryResult<()> {
            if let (Some(m), Some(n)) = (
                reference(v, "meeting").and_then(|m| ctx.known.local("Meeting", &m)),
                text(v, "number"),
            ) {
                ctx.item_numbers
                    .insert((m, n.trim_end_matches('.').to_string()), local);
            }
            Ok(())
        };
    run_kind(
        c,
        ctx,
        "AgendaItem",
        &ids,
        &mut plan,
        insert,
        update,
        soft_delete!(agenda_items),
        &mut after,
    )?;
    Ok(())
}
