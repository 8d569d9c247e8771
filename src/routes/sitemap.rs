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

pub async fn sitemap(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let base = state.base_url.clone();
    let body = state
        .db(move |c| {
            let mut out = String::with_capacity(64 * 1024);
            out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
            let mut push = |path: String, lastmod: Option<chrono::NaiveDateTime>| {
                out.push_str("<url><loc>");
                out.push_str(&xml_escape(&format!("{base}{path}")));
                out.push_str("</loc>");
                if let Some(t) = lastmod {
                    out.push_str("<lastmod>");
                    out.push_str(&t.format("%Y-%m-%dT%H:%M:%SZ").to_string());
                    out.push_str("</lastmod>");
                }
                out.push_str("</url>\n");
            };
            for p in [
                "/",
                "/sitzungen",
                "/sitzungen?zeitraum=vergangene",
                "/sitzungen/kalender",
                "/vorlagen",
                "/gremien",
                "/personen",
                "/koerperschaften",
            ] {
                push(p.to_string(), None);
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
            out.push_str("</urlset>\n");
            Ok(out)
        })
        .await?;
    Ok(HttpResponse::Ok()
        .content_type("application/xml; charset=utf-8")
        .body(body))
}

pub async fn robots(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .body(format!(
            "User-agent: *\nDisallow: /verwaltung\nSitemap: {}/sitemap.xml\n",
            state.base_url
        ))
}
