//! `/sitemap.xml`: every public page, with absolute URLs.

use actix_web::{web, HttpResponse};

use crate::db;
use crate::error::AppError;
use crate::state::AppState;

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The sitemap protocol allows 50,000 URLs per file; larger installations
/// get a sitemap index pointing to `/sitemap.xml?teil=N`.
const PER_FILE: usize = 50_000;

#[derive(serde::Deserialize)]
pub struct SitemapQuery {
    teil: Option<String>,
}

type Entry = (String, Option<chrono::NaiveDateTime>);

pub async fn sitemap(
    state: web::Data<AppState>,
    q: web::Query<SitemapQuery>,
) -> Result<HttpResponse, AppError> {
    let part = match q.into_inner().teil.as_deref() {
        None | Some("") => None,
        Some(s) => Some(
            s.parse::<usize>()
                .ok()
                .filter(|n| *n >= 1)
                .ok_or_else(|| AppError::bad_request("„teil“ muss eine positive Zahl sein."))?,
        ),
    };
    let base = state.base_url.clone();
    let entries = state.db(collect).await?;
    let parts = entries.len().div_ceil(PER_FILE).max(1);
    let mut out = String::with_capacity(64 * 1024);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    match part {
        None if parts > 1 => {
            out.push_str("<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
            for n in 1..=parts {
                out.push_str(&format!(
                    "<sitemap><loc>{}</loc></sitemap>\n",
                    xml_escape(&format!("{base}/sitemap.xml?teil={n}"))
                ));
            }
            out.push_str("</sitemapindex>\n");
        }
        _ => {
            let n = part.unwrap_or(1);
            if n > parts {
                return Err(AppError::not_found("Dieser Teil der Sitemap"));
            }
            out.push_str("<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
            for (path, lastmod) in entries.iter().skip((n - 1) * PER_FILE).take(PER_FILE) {
                out.push_str("<url><loc>");
                out.push_str(&xml_escape(&format!("{base}{path}")));
                out.push_str("</loc>");
                if let Some(t) = lastmod {
                    out.push_str("<lastmod>");
                    out.push_str(&t.format("%Y-%m-%dT%H:%M:%SZ").to_string());
                    out.push_str("</lastmod>");
                }
                out.push_str("</url>\n");
            }
            out.push_str("</urlset>\n");
        }
    }
    Ok(HttpResponse::Ok()
        .content_type("application/xml; charset=utf-8")
        .body(out))
}

/// Every public page with its last modification.
fn collect(c: &mut crate::db::DbConnection) -> Result<Vec<Entry>, AppError> {
    let mut out: Vec<Entry> = Vec::new();
    let mut push = |path: String, lastmod: Option<chrono::NaiveDateTime>| out.push((path, lastmod));
    for p in [
        "/",
        "/sitzungen",
        "/sitzungen?zeitraum=vergangene",
        "/sitzungen/kalender",
        "/vorlagen",
        "/gremien",
        "/personen",
        "/koerperschaften",
        "/integrationskonzepte",
        "/foerderprogramme",
        "/barrierefreiheit",
    ] {
        push(p.to_string(), None);
    }
    for x in db::concepts::list(c, None, None)? {
        push(
            format!("/integrationskonzepte/{}", x.id),
            Some(x.updated_at),
        );
    }
    for p in db::programmes::all(c)? {
        push(format!("/foerderprogramme/{}", p.id), Some(p.updated_at));
    }
    for b in db::bodies::list(c)? {
        push(format!("/koerperschaften/{}", b.key), Some(b.updated_at));
    }
    for o in db::organizations::list_gremien(c, None)? {
        push(format!("/gremien/{}", o.id), Some(o.updated_at));
    }
    let (persons, _) = db::persons::list(c, None, i64::MAX / 2, 0)?;
    for p in persons {
        push(format!("/personen/{}", p.id), Some(p.updated_at));
    }
    for (id, updated, minutes) in db::meetings::all_ids(c)? {
        push(format!("/sitzungen/{id}"), Some(updated));
        if minutes {
            push(format!("/sitzungen/{id}/niederschrift"), Some(updated));
        }
    }
    for (id, updated) in db::papers::all_public_ids(c)? {
        push(format!("/vorlagen/{id}"), Some(updated));
    }
    for (id, updated) in db::agenda_items::all_public_ids(c)? {
        push(format!("/tagesordnungspunkte/{id}"), Some(updated));
    }
    Ok(out)
}

pub async fn robots(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .body(format!(
            "User-agent: *\nDisallow: /verwaltung\nSitemap: {}/sitemap.xml\n",
            state.base_url
        ))
}
