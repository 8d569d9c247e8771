//! Funding programmes (`/foerderprogramme`): the list with body and phase
//! filters, the detail page with modules, allocations, agreements,
//! deadlines and the timeline, and the CSV exports of allocations and links.

use std::collections::HashMap;

use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};

use super::{body_filter, body_options, csv, csv_response, timeline_csv, Named, Option_};
use crate::auth::Viewer;
use crate::db::links::Link as DbLink;
use crate::db::models::Body;
use crate::db::programmes::{self, Programme};
use crate::db::{self, DbConnection};
use crate::domain::AgreementKind;
use crate::error::AppError;
use crate::funding::{self, euro, fte};
use crate::routes::{parse_id, shorten};
use crate::state::AppState;
use crate::views::timeline;

#[derive(Deserialize)]
pub struct ProgrammeQuery {
    koerperschaft: Option<String>,
    phase: Option<String>,
}

pub async fn programmes_list(
    state: web::Data<AppState>,
    viewer: Viewer,
    q: web::Query<ProgrammeQuery>,
) -> Result<HttpResponse, AppError> {
    let q = q.into_inner();
    let phase = match q.phase.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(s) => Some(
            programmes::PHASES
                .iter()
                .find(|(k, _)| *k == s)
                .map(|(_, l)| *l)
                .ok_or_else(|| {
                    AppError::bad_request(format!(
                        "Die Laufzeitangabe „{}“ gibt es nicht (geplant, laeuft, beendet).",
                        shorten(s)
                    ))
                })?,
        ),
    };
    let ctx = state
        .db(move |c| {
            let all = db::bodies::list(c)?;
            let body = body_filter(&all, &q.koerperschaft)?;
            let list = programmes::all(c)?;
            let ids: Vec<i64> = list.iter().map(|p| p.id).collect();
            let parts = programmes::participants(c, &ids)?;
            let used: Vec<i64> = parts.values().flatten().copied().collect();
            let today = crate::base::dates::today();
            let names: HashMap<i64, String> =
                all.iter().map(|b| (b.id, b.short_name.clone())).collect();
            let rows: Vec<serde_json::Value> = list
                .iter()
                .filter(|p| {
                    body.as_ref().is_none_or(|b| {
                        parts.get(&p.id).is_some_and(|v| v.contains(&b.id))
                    })
                })
                .filter(|p| phase.is_none_or(|ph| p.phase(today) == ph))
                .map(|p| {
                    serde_json::json!({
                        "url": format!("/foerderprogramme/{}", p.id),
                        "name": p.display_name(),
                        "legal_basis": p.legal_basis,
                        "funder": p.funder,
                        "period": period(p),
                        "phase": p.phase(today),
                        "fte": p.total_fte_centi.map(|v| fte(v.into())),
                        "bodies": parts.get(&p.id).map(|v| v.iter().filter_map(|b| names.get(b).cloned()).collect::<Vec<_>>().join(", ")),
                    })
                })
                .collect();
            Ok(serde_json::json!({
                "rows": rows,
                "bodies": body_options(&all, &used, body.as_ref()),
                "phases": programmes::PHASES.iter().map(|(k, l)| Option_ {
                    value: (*k).into(),
                    label: (*l).into(),
                    selected: phase == Some(*l),
                }).collect::<Vec<_>>(),
                "filtered": body.is_some() || phase.is_some(),
            }))
        })
        .await?;
    state.render_for(&viewer, "integration/programmes.html", &ctx)
}

pub fn period(p: &Programme) -> String {
    match (p.period_from, p.period_until) {
        (Some(f), Some(u)) => format!(
            "{} bis {}",
            crate::base::dates::date(f),
            crate::base::dates::date(u)
        ),
        (Some(f), None) => format!("ab {}", crate::base::dates::date(f)),
        (None, Some(u)) => format!("bis {}", crate::base::dates::date(u)),
        (None, None) => String::new(),
    }
}

#[derive(Serialize)]
pub struct AllocationView {
    pub participant: String,
    pub url: Option<String>,
    pub pool: Option<String>,
    pub computed: String,
    pub waived: String,
    pub waived_to: Option<String>,
    pub fundable: String,
    pub agreed: String,
    pub amount: String,
    pub note: Option<String>,
}

fn opt_fte(v: Option<i32>) -> String {
    v.map(|v| fte(v.into())).unwrap_or_default()
}

fn programme_page(
    c: &mut DbConnection,
    viewer: &Viewer,
    id: i64,
) -> Result<(serde_json::Value, Vec<timeline::Entry>, Programme), AppError> {
    let p = programmes::find(c, id)?.ok_or_else(|| AppError::not_found("Das Förderprogramm"))?;
    let all = db::bodies::list(c)?;
    let by_id: HashMap<i64, &Body> = all.iter().map(|b| (b.id, b)).collect();
    let modules = programmes::modules(c, &[p.id])?;
    let allocations = programmes::allocations(c, p.id)?;
    let shares: Vec<funding::Share> = allocations.iter().map(|a| a.share()).collect();
    let problems = funding::check(p.frame(), &shares);
    let pools = funding::pools(&shares);
    let agreements = programmes::agreements(c, p.id)?;
    let deadlines = programmes::deadlines(c, p.id)?;
    let module_names: HashMap<i64, String> =
        modules.iter().map(|m| (m.id, m.name.clone())).collect();
    let links = db::links::for_programme(c, p.id)?;
    let label = |l: &DbLink| l.module_id.and_then(|m| module_names.get(&m)).cloned();
    let entries = timeline::build(c, viewer, &links, &label)?;
    let sum = |f: &dyn Fn(&programmes::Allocation) -> Option<i32>| -> String {
        let v: i64 = allocations.iter().filter_map(f).map(i64::from).sum();
        fte(v)
    };
    let amount_sum: i64 = allocations.iter().filter_map(|a| a.amount_cents).sum();
    let today = crate::base::dates::today();
    // the same state programme elsewhere (same legal basis)
    let siblings: Vec<Named> = match p.legal_basis.as_deref() {
        Some(lb) if !lb.is_empty() => programmes::all(c)?
            .into_iter()
            .filter(|o| o.id != p.id && o.legal_basis.as_deref() == Some(lb))
            .map(|o| Named {
                url: format!("/foerderprogramme/{}", o.id),
                name: o.display_name(),
            })
            .collect(),
        _ => Vec::new(),
    };
    let ctx = serde_json::json!({
        "id": p.id,
        "siblings": siblings,
        "name": p.name,
        "short_name": p.short_name,
        "legal_basis": p.legal_basis,
        "funder": p.funder,
        "granting_authority": p.granting_authority,
        "period": period(&p),
        "phase": p.phase(today),
        "total_fte": p.total_fte_centi.map(|v| fte(v.into())),
        "total_amount": p.total_amount_cents.map(euro),
        "unit": p.fundable_unit_centi.map(|v| fte(v.into())),
        "conditions": p.conditions,
        "description": p.description,
        "body": by_id.get(&p.body_id).map(|b| Named { url: format!("/koerperschaften/{}", b.key), name: b.name.clone() }),
        "modules": modules,
        "allocations": allocations.iter().map(|a| AllocationView {
            participant: a.participant.clone(),
            url: a.body_id.and_then(|b| by_id.get(&b)).map(|b| format!("/koerperschaften/{}", b.key)),
            pool: a.pool.clone(),
            computed: opt_fte(a.computed_centi),
            waived: opt_fte(a.waived_centi),
            waived_to: a.waived_to_pool.clone(),
            fundable: opt_fte(a.fundable_centi),
            agreed: opt_fte(a.agreed_centi),
            amount: a.amount_cents.map(euro).unwrap_or_default(),
            note: a.note.clone(),
        }).collect::<Vec<_>>(),
        "sums": {
            "computed": sum(&|a| a.computed_centi),
            "fundable": sum(&|a| a.fundable_centi),
            "agreed": sum(&|a| a.agreed_centi),
            "amount": if amount_sum > 0 { euro(amount_sum) } else { String::new() },
        },
        "pools": pools.iter().map(|x| serde_json::json!({
            "name": x.name,
            "members": x.members.join(", "),
            "computed": fte(x.computed),
            "received": fte(x.received),
            "given": fte(x.given),
            "available": fte(x.available()),
            "agreed": fte(x.agreed),
        })).collect::<Vec<_>>(),
        "problems": problems,
        "agreements": agreements.iter().map(|a| serde_json::json!({
            "kind": AgreementKind::from_key(&a.kind).map(|k| k.label()).unwrap_or(&a.kind),
            "title": a.title,
            "parties": a.parties,
            "forwards_from": a.forwards_from,
            "forwards_to": a.forwards_to,
            "concluded": a.concluded_on.map(crate::base::dates::date),
            "note": a.note,
        })).collect::<Vec<_>>(),
        "deadlines": deadlines.iter().map(|d| serde_json::json!({
            "date": crate::base::dates::date(d.due_on),
            "iso": d.due_on.format("%Y-%m-%d").to_string(),
            "kind": d.kind_label(),
            "title": d.title,
            "past": d.due_on < today,
        })).collect::<Vec<_>>(),
        "timeline": entries,
        "staff": viewer.user().is_some_and(|u| u.may_edit_body(p.body_id)),
    });
    Ok((ctx, entries, p))
}

pub async fn programme_show(
    state: web::Data<AppState>,
    viewer: Viewer,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = parse_id(&path)?;
    let v = viewer.clone();
    let (ctx, _, _) = state.db(move |c| programme_page(c, &v, id)).await?;
    state.render_for(&viewer, "integration/programme.html", &ctx)
}

pub async fn programme_links_csv(
    state: web::Data<AppState>,
    viewer: Viewer,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = parse_id(&path)?;
    let v = viewer.clone();
    let (_, entries, _) = state.db(move |c| programme_page(c, &v, id)).await?;
    let body = timeline_csv(state.base_url.trim_end_matches('/'), &entries);
    Ok(csv_response(
        &viewer,
        &format!("foerderprogramm-{id}-verknuepfungen.csv"),
        body,
    ))
}

pub async fn allocations_csv(
    state: web::Data<AppState>,
    viewer: Viewer,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = parse_id(&path)?;
    let (p, allocations) = state
        .db(move |c| {
            let p = programmes::find(c, id)?
                .ok_or_else(|| AppError::not_found("Das Förderprogramm"))?;
            let a = programmes::allocations(c, p.id)?;
            Ok((p, a))
        })
        .await?;
    let mut rows = vec![
        vec![
            "Programm".to_string(),
            p.display_name(),
            String::new(),
            String::new(),
        ],
        vec![
            "Stellen gesamt".into(),
            opt_fte(p.total_fte_centi),
            "förderfähige Einheit".into(),
            opt_fte(p.fundable_unit_centi),
        ],
        vec![],
        vec![
            "Kommune".to_string(),
            "Verbund".into(),
            "Rechenanteil (Stellen)".into(),
            "Verzicht (Stellen)".into(),
            "Verzicht zugunsten".into(),
            "förderfähig (Stellen)".into(),
            "vereinbart (Stellen)".into(),
            "Betrag (EUR)".into(),
            "Anmerkung".into(),
        ],
    ];
    for a in &allocations {
        rows.push(vec![
            a.participant.clone(),
            a.pool.clone().unwrap_or_default(),
            opt_fte(a.computed_centi),
            opt_fte(a.waived_centi),
            a.waived_to_pool.clone().unwrap_or_default(),
            opt_fte(a.fundable_centi),
            opt_fte(a.agreed_centi),
            funding::euro_input(a.amount_cents),
            a.note.clone().unwrap_or_default(),
        ]);
    }
    let total = |f: &dyn Fn(&programmes::Allocation) -> Option<i32>| {
        fte(allocations.iter().filter_map(f).map(i64::from).sum())
    };
    let amount: i64 = allocations.iter().filter_map(|a| a.amount_cents).sum();
    rows.push(vec![
        "Summe".into(),
        String::new(),
        total(&|a| a.computed_centi),
        total(&|a| a.waived_centi),
        String::new(),
        total(&|a| a.fundable_centi),
        total(&|a| a.agreed_centi),
        funding::euro_input(Some(amount)),
        String::new(),
    ]);
    Ok(csv_response(
        &viewer,
        &format!("foerderprogramm-{id}-zuteilungen.csv"),
        csv(&rows),
    ))
}
