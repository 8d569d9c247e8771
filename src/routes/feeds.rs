//! Calendar feeds (iCal): a body, a committee, a person's committees, one
//! meeting, and a member's private feed. `text/calendar`, with ETag and
//! Last-Modified; conditional requests are answered with 304.

use std::time::{Duration, UNIX_EPOCH};

use actix_web::http::header::{self, HttpDate};
use actix_web::{web, HttpRequest, HttpResponse};

use crate::access::Audience;
use crate::auth::{Form, SignedIn};
use crate::db::{self, models::Meeting};
use crate::error::AppError;
use crate::feeds::memo::EventMemo;
use crate::feeds::{self, ical, Scope};
use crate::routes::account::redirect;
use crate::routes::parse_id;
use crate::state::AppState;

struct Built {
    body: String,
    last_modified: Option<chrono::NaiveDateTime>,
}

fn build(
    c: &mut db::DbConnection,
    memo: Option<&EventMemo>,
    name: &str,
    list: &[Meeting],
    audience: Audience,
    base: &str,
) -> Result<Built, AppError> {
    let blocks = feeds::event_blocks(c, memo, list, audience, base)?;
    Ok(Built {
        body: ical::calendar_of_blocks(name, &blocks, &[]),
        last_modified: list.iter().map(|m| m.updated_at).max(),
    })
}

/// The answer with validators, or 304 when the client has this version.
fn respond(req: &HttpRequest, built: Built, private: bool) -> HttpResponse {
    validated(
        req,
        built.body,
        "text/calendar; charset=utf-8",
        built.last_modified,
        if private {
            "private, no-store"
        } else {
            "public, max-age=300"
        },
    )
}

/// A feed body with a (weak) ETag and Last-Modified; 304 on a matching
/// `If-None-Match` or, without one, an `If-Modified-Since` not older than
/// the feed's newest change.
pub(crate) fn validated(
    req: &HttpRequest,
    body: String,
    content_type: &str,
    last_modified: Option<chrono::NaiveDateTime>,
    cache_control: &str,
) -> HttpResponse {
    let etag = crate::page_cache::weak_etag(body.as_bytes());
    let last_modified = last_modified
        .map(|t| UNIX_EPOCH + Duration::from_secs(t.and_utc().timestamp().max(0) as u64));
    let fresh = crate::page_cache::not_modified(req.headers(), Some(&etag), last_modified);
    let mut resp = if fresh {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    resp.insert_header((header::CONTENT_TYPE, content_type))
        .insert_header((header::ETAG, etag))
        .insert_header((header::CACHE_CONTROL, cache_control));
    if let Some(lm) = last_modified {
        resp.insert_header((header::LAST_MODIFIED, HttpDate::from(lm)));
    }
    if fresh {
        resp.finish()
    } else if body.len() > 1_024 && crate::page_cache::accepts_gzip(req.headers()) {
        // compressed here in one piece: the Compress middleware leaves an
        // answer with Content-Encoding alone, and would hand a large body
        // to the blocking pool chunk by chunk (a third of the throughput)
        match crate::page_cache::gzip(body.as_bytes()) {
            Ok(zipped) => resp
                .insert_header((header::CONTENT_ENCODING, "gzip"))
                .body(zipped),
            Err(_) => resp.body(body),
        }
    } else {
        resp.body(body)
    }
}

/// `.ics` may be written with or without the extension in links.
fn id_of(raw: &str) -> Result<i64, AppError> {
    parse_id(raw.trim_end_matches(".ics"))
}

pub async fn body_feed(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let key = path.into_inner();
    let base = state.base_url.to_string();
    let memo = state.feed_memo.clone();
    let built = state
        .db(move |c| {
            let b = db::bodies::find_by_key(c, &key)?
                .ok_or_else(|| AppError::not_found("Die Körperschaft"))?;
            let list = feeds::meetings_of(c, &Scope::Body(b.id))?;
            let blocks = feeds::event_blocks(c, memo.as_deref(), &list, Audience::Public, &base)?;
            // the deadlines of the funding programmes the body takes part in
            let deadlines = db::programmes::deadlines_for(
                c,
                Some(&[b.id]),
                chrono::NaiveDate::from_ymd_opt(1990, 1, 1).unwrap_or_default(),
                chrono::NaiveDate::from_ymd_opt(2200, 12, 31).unwrap_or_default(),
            )?;
            let host = feeds::uid_host(&base);
            let days: Vec<ical::AllDay> = deadlines
                .iter()
                .map(|(d, p)| ical::AllDay {
                    uid: format!("frist-{}@{host}", d.id),
                    date: d.due_on,
                    stamp: p.updated_at,
                    summary: format!("Frist: {} – {}", d.title, p.display_name()),
                    url: format!("{}/foerderprogramme/{}", base.trim_end_matches('/'), p.id),
                    description: format!(
                        "{} im Förderprogramm {}",
                        d.kind_label(),
                        p.display_name()
                    ),
                })
                .collect();
            let last = list
                .iter()
                .map(|m| m.updated_at)
                .chain(deadlines.iter().map(|(_, p)| p.updated_at))
                .max();
            Ok(Built {
                body: ical::calendar_of_blocks(&format!("Sitzungen – {}", b.name), &blocks, &days),
                last_modified: last,
            })
        })
        .await?;
    Ok(respond(&req, built, false))
}

pub async fn organization_feed(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = id_of(&path)?;
    let base = state.base_url.to_string();
    let memo = state.feed_memo.clone();
    let built = state
        .db(move |c| {
            let o = db::organizations::find(c, id)?
                .ok_or_else(|| AppError::not_found("Das Gremium"))?;
            let list = feeds::meetings_of(c, &Scope::Organizations(vec![o.id]))?;
            build(
                c,
                memo.as_deref(),
                &format!("Sitzungen – {}", o.name),
                &list,
                Audience::Public,
                &base,
            )
        })
        .await?;
    Ok(respond(&req, built, false))
}

pub async fn person_feed(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = id_of(&path)?;
    let base = state.base_url.to_string();
    let memo = state.feed_memo.clone();
    let built = state
        .db(move |c| {
            let p = db::persons::find(c, id)?.ok_or_else(|| AppError::not_found("Die Person"))?;
            let orgs = db::persons::current_organization_ids(c, p.id, crate::base::dates::today())?;
            let list = feeds::meetings_of(c, &Scope::Organizations(orgs))?;
            let name = format!("Sitzungen – {} {}", p.given_name, p.family_name);
            build(c, memo.as_deref(), &name, &list, Audience::Public, &base)
        })
        .await?;
    Ok(respond(&req, built, false))
}

pub async fn meeting_ics(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = id_of(&path)?;
    let base = state.base_url.to_string();
    let memo = state.feed_memo.clone();
    let built = state
        .db(move |c| {
            let list = feeds::meetings_of(c, &Scope::Meeting(id))?;
            let m = list
                .first()
                .ok_or_else(|| AppError::not_found("Die Sitzung"))?;
            let name = m.name.clone();
            build(c, memo.as_deref(), &name, &list, Audience::Public, &base)
        })
        .await?;
    let mut resp = respond(&req, built, false);
    resp.headers_mut().insert(
        header::CONTENT_DISPOSITION,
        header::HeaderValue::from_str(&format!("attachment; filename=\"sitzung-{id}.ics\""))
            .map_err(|e| AppError::Internal(e.into()))?,
    );
    Ok(resp)
}

/// A member's private feed: their committees with non-public TOP titles.
pub async fn private_feed(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let token = path.into_inner();
    let token = token.trim_end_matches(".ics").to_string();
    let base = state.base_url.to_string();
    let memo = state.feed_memo.clone();
    let built = state
        .db(move |c| {
            let not_found = || AppError::not_found("Dieser Kalender");
            if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(not_found());
            }
            let user = db::users::user_by_calendar_token(c, &crate::auth::token_hash(&token))?
                .ok_or_else(not_found)?;
            let orgs = match user.person_id {
                Some(p) => {
                    db::persons::current_organization_ids(c, p, crate::base::dates::today())?
                }
                None => Vec::new(),
            };
            let list = feeds::meetings_of(c, &Scope::Organizations(orgs))?;
            let name = format!("Meine Sitzungen – {}", user.display_name);
            build(c, memo.as_deref(), &name, &list, Audience::Full, &base)
        })
        .await?;
    Ok(respond(&req, built, true))
}

/// Create (or replace) the private feed address; shown once on /konto.
pub async fn create_private(
    state: web::Data<AppState>,
    _me: SignedIn,
    form: Form,
) -> Result<HttpResponse, AppError> {
    let uid = form.user.user_id;
    let token = crate::auth::random_token();
    let hash = crate::auth::token_hash(&token);
    state
        .db(move |c| {
            db::quiet_transaction(c, |c| {
                db::users::replace_calendar_token(c, uid, &hash).map_err(AppError::from)
            })
        })
        .await?;
    Ok(redirect(&format!("/konto?kalender={token}#kalender")))
}

pub async fn revoke_private(
    state: web::Data<AppState>,
    _me: SignedIn,
    form: Form,
) -> Result<HttpResponse, AppError> {
    let uid = form.user.user_id;
    state
        .db(move |c| {
            db::quiet_transaction(c, |c| {
                db::users::revoke_calendar_tokens(c, uid).map_err(AppError::from)
            })
        })
        .await?;
    Ok(redirect("/konto#kalender"))
}

/// An Atom feed with ETag and Last-Modified (its newest entry); 304 for
/// a client that has this version.
fn atom_response(
    state: &AppState,
    req: &HttpRequest,
    feed: &feeds::atom::Feed,
) -> Result<HttpResponse, AppError> {
    let xml = crate::templating::render(
        "feeds/atom.xml",
        &serde_json::json!({ "feed": feed }),
        &state.settings.site_name,
        None,
    )?;
    Ok(validated(
        req,
        xml,
        "application/atom+xml; charset=utf-8",
        feed.last_modified(),
        "public, max-age=300",
    ))
}

pub async fn body_atom(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let key = path.into_inner();
    let base = state.base_url.to_string();
    let feed = state
        .db(move |c| {
            let b = db::bodies::find_by_key(c, &key)?
                .ok_or_else(|| AppError::not_found("Die Körperschaft"))?;
            Ok(feeds::atom::feed(
                c,
                &Scope::Body(b.id),
                &format!("Aktuelles – {}", b.name),
                &format!("/koerperschaften/{}/aktuelles.atom", b.key),
                &format!("/koerperschaften/{}", b.key),
                &base,
            )?)
        })
        .await?;
    atom_response(&state, &req, &feed)
}

pub async fn organization_atom(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = parse_id(path.trim_end_matches(".atom"))?;
    let base = state.base_url.to_string();
    let feed = state
        .db(move |c| {
            let o = db::organizations::find(c, id)?
                .ok_or_else(|| AppError::not_found("Das Gremium"))?;
            Ok(feeds::atom::feed(
                c,
                &Scope::Organizations(vec![o.id]),
                &format!("Aktuelles – {}", o.name),
                &format!("/gremien/{id}/aktuelles.atom"),
                &format!("/gremien/{id}"),
                &base,
            )?)
        })
        .await?;
    atom_response(&state, &req, &feed)
}
