//! Public pages of integration concepts (`/integrationskonzepte`) and
//! funding programmes (`/foerderprogramme`): lists with filters, detail
//! pages with fields of action, allocations, agreements, deadlines and
//! the timeline of linked papers and TOPs, and CSV exports.

use actix_web::http::header;
use actix_web::HttpResponse;
use serde::Serialize;

use crate::auth::Viewer;
use crate::db::models::Body;
use crate::error::AppError;
use crate::routes::shorten;
use crate::views::timeline;

mod concepts;
mod programmes;

pub use concepts::{concept_csv, concept_show, concepts_list};
pub use programmes::{
    allocations_csv, period, programme_links_csv, programme_show, programmes_list,
};

#[derive(Serialize)]
struct Option_ {
    value: String,
    label: String,
    selected: bool,
}

/// Body filter from its key; unknown keys are a 400 with the reason.
fn body_filter(all: &[Body], key: &Option<String>) -> Result<Option<Body>, AppError> {
    match key.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(k) => all
            .iter()
            .find(|b| b.key == k)
            .cloned()
            .map(Some)
            .ok_or_else(|| {
                AppError::bad_request(format!(
                    "Die Körperschaft „{}“ gibt es nicht. Bitte eine aus der Liste wählen.",
                    shorten(k)
                ))
            }),
    }
}

fn body_options(all: &[Body], used: &[i64], selected: Option<&Body>) -> Vec<Option_> {
    all.iter()
        .filter(|b| used.contains(&b.id))
        .map(|b| Option_ {
            value: b.key.clone(),
            label: b.name.clone(),
            selected: selected.is_some_and(|s| s.id == b.id),
        })
        .collect()
}

#[derive(Serialize)]
struct Named {
    url: String,
    name: String,
}

/// CSV for spreadsheets: `;`-separated, UTF-8 with BOM, formulas
/// defused (a leading = + - @ gets an apostrophe).
fn csv(rows: &[Vec<String>]) -> String {
    let mut out = String::from("\u{feff}");
    for r in rows {
        let cells: Vec<String> = r
            .iter()
            .map(|v| {
                let v = if v.starts_with(['=', '+', '-', '@', '\t', '\r']) {
                    format!("'{v}")
                } else {
                    v.clone()
                };
                if v.contains([';', '"', '\n', '\r']) {
                    format!("\"{}\"", v.replace('"', "\"\""))
                } else {
                    v
                }
            })
            .collect();
        out.push_str(&cells.join(";"));
        out.push_str("\r\n");
    }
    out
}

fn csv_response(viewer: &Viewer, name: &str, body: String) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/csv; charset=utf-8"))
        .insert_header((
            header::CONTENT_DISPOSITION,
            crate::storage::content_disposition(name, false),
        ))
        .insert_header((
            header::CACHE_CONTROL,
            if viewer.user().is_some() {
                "private, no-store"
            } else {
                "public, max-age=60"
            },
        ))
        .body(body)
}

fn timeline_csv(base: &str, entries: &[timeline::Entry]) -> String {
    let mut rows = vec![vec![
        "Datum".to_string(),
        "Körperschaft".into(),
        "Art".into(),
        "Gremium / Sitzung".into(),
        "TOP".into(),
        "Vorlage".into(),
        "Betreff".into(),
        "Ergebnis".into(),
        "Abstimmung".into(),
        "vertagt auf".into(),
        "Bezug".into(),
        "öffentlich".into(),
        "Adresse".into(),
    ]];
    for e in entries {
        rows.push(vec![
            e.date.clone(),
            e.body.clone(),
            e.paper_type.unwrap_or(e.kind).to_string(),
            e.meeting.clone().unwrap_or_default(),
            e.number.clone().unwrap_or_default(),
            e.reference.clone().unwrap_or_default(),
            e.title.clone(),
            e.outcome.unwrap_or("").to_string(),
            e.tally.clone().unwrap_or_default(),
            e.deferred_to.clone().unwrap_or_default(),
            e.links.join(" | "),
            if e.public { "ja" } else { "nein" }.into(),
            format!("{base}{}", e.url),
        ]);
    }
    csv(&rows)
}
