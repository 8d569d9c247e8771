//! Cache of rendered public pages.
//!
//! A page is stored with the data version it was rendered at (see
//! `db::write_transaction`) and served again while the version in the
//! database is unchanged and the entry is younger than `MAX_AGE` (pages such
//! as "upcoming meetings" depend on the clock). The version lives in the
//! database, so several app servers on one PostgreSQL stay consistent.
//! Requests carrying cookies (signed-in users) bypass the cache.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use actix_web::body::{self, BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{web, HttpResponse};

use crate::state::AppState;

const MAX_AGE: Duration = Duration::from_secs(60);
const MAX_ENTRIES: usize = 5_000;
/// Upper bound of all cached bodies together (unknown query parameters
/// make new keys, so the total must be bounded, not only the count).
const MAX_TOTAL_BYTES: usize = 64 * 1024 * 1024;
const MAX_BODY: u64 = 8 * 1024 * 1024;

struct Entry {
    version: i64,
    stored: Instant,
    content_type: HeaderValue,
    /// validators of feeds (ETag, Last-Modified), kept so that cached
    /// answers still support conditional requests
    etag: Option<HeaderValue>,
    last_modified: Option<HeaderValue>,
    body: web::Bytes,
}

/// What a cache hit serves.
struct Hit {
    content_type: HeaderValue,
    etag: Option<HeaderValue>,
    last_modified: Option<HeaderValue>,
    body: web::Bytes,
}

#[derive(Default)]
struct Entries {
    map: HashMap<String, Entry>,
    bytes: usize,
}

#[derive(Default)]
pub struct PageCache {
    entries: Mutex<Entries>,
}

impl PageCache {
    fn get(&self, key: &str, version: i64) -> Option<Hit> {
        let entries = self.entries.lock().ok()?;
        let e = entries.map.get(key)?;
        (e.version == version && e.stored.elapsed() < MAX_AGE).then(|| Hit {
            content_type: e.content_type.clone(),
            etag: e.etag.clone(),
            last_modified: e.last_modified.clone(),
            body: e.body.clone(),
        })
    }

    fn put(&self, key: String, entry: Entry) {
        if let Ok(mut entries) = self.entries.lock() {
            let size = entry.body.len() + key.len();
            if entries.map.len() >= MAX_ENTRIES || entries.bytes + size > MAX_TOTAL_BYTES {
                let version = entry.version;
                entries
                    .map
                    .retain(|_, e| e.version == version && e.stored.elapsed() < MAX_AGE);
                if entries.map.len() >= MAX_ENTRIES / 2
                    || entries.bytes + size > MAX_TOTAL_BYTES / 2
                {
                    entries.map.clear();
                }
                entries.bytes = entries
                    .map
                    .iter()
                    .map(|(k, e)| k.len() + e.body.len())
                    .sum();
            }
            if let Some(old) = entries.map.insert(key.clone(), entry) {
                entries.bytes = entries.bytes.saturating_sub(old.body.len() + key.len());
            }
            entries.bytes += size;
        }
    }
}

fn cacheable(req: &ServiceRequest) -> bool {
    req.method() == Method::GET
        && !req.headers().contains_key(header::COOKIE)
        && !req.headers().contains_key(header::AUTHORIZATION)
        && !req.path().starts_with("/static/")
        && req.path() != "/health"
}

/// Only plain pages are stored: the cache keeps the body and content type,
/// so anything whose other headers matter (cookies, downloads) or that is
/// marked private passes through.
fn storable(headers: &header::HeaderMap) -> bool {
    let private = headers
        .get(header::CACHE_CONTROL)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("no-store") || v.contains("private"));
    !private
        && !headers.contains_key(header::SET_COOKIE)
        && !headers.contains_key(header::CONTENT_DISPOSITION)
        // API answers (OParl) carry CORS headers and their own ETags
        && !headers.contains_key(header::ACCESS_CONTROL_ALLOW_ORIGIN)
}

pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let state = match req.app_data::<web::Data<AppState>>() {
        Some(s) if s.page_cache.is_some() && cacheable(&req) => s.clone(),
        _ => return next.call(req).await.map(|r| r.map_into_boxed_body()),
    };
    let Some(cache) = state.page_cache.as_ref() else {
        return next.call(req).await.map(|r| r.map_into_boxed_body());
    };
    let key = req.uri().to_string();
    let version = match state.db(|c| Ok(crate::db::data_version(c)?)).await {
        Ok(v) => v,
        Err(_) => return next.call(req).await.map(|r| r.map_into_boxed_body()),
    };
    if let Some(hit) = cache.get(&key, version) {
        let header_is = |name: header::HeaderName, value: &Option<HeaderValue>| {
            value.is_some() && req.headers().get(name) == value.as_ref()
        };
        let not_modified = header_is(header::IF_NONE_MATCH, &hit.etag)
            || (!req.headers().contains_key(header::IF_NONE_MATCH)
                && header_is(header::IF_MODIFIED_SINCE, &hit.last_modified));
        let mut res = if not_modified {
            HttpResponse::NotModified()
        } else {
            HttpResponse::Ok()
        };
        res.insert_header((header::CONTENT_TYPE, hit.content_type));
        if let Some(v) = hit.etag {
            res.insert_header((header::ETAG, v));
        }
        if let Some(v) = hit.last_modified {
            res.insert_header((header::LAST_MODIFIED, v));
        }
        let res = if not_modified {
            res.finish()
        } else {
            res.body(hit.body)
        };
        return Ok(req.into_response(res));
    }
    let res = next.call(req).await?;
    if res.status() != StatusCode::OK || !storable(res.headers()) {
        return Ok(res.map_into_boxed_body());
    }
    let Some(content_type) = res.headers().get(header::CONTENT_TYPE).cloned() else {
        return Ok(res.map_into_boxed_body());
    };
    let etag = res.headers().get(header::ETAG).cloned();
    let last_modified = res.headers().get(header::LAST_MODIFIED).cloned();
    // only bodies of known, moderate size are cached; others pass through
    match res.response().body().size() {
        body::BodySize::Sized(n) if n <= MAX_BODY => {}
        _ => return Ok(res.map_into_boxed_body()),
    }
    let (req, res) = res.into_parts();
    let (res, body) = res.into_parts();
    let bytes = body::to_bytes(body).await.map_err(|e| {
        actix_web::error::ErrorInternalServerError(format!(
            "Seite konnte nicht gelesen werden: {}",
            e.into()
        ))
    })?;
    cache.put(
        key,
        Entry {
            version,
            stored: Instant::now(),
            content_type,
            etag,
            last_modified,
            body: bytes.clone(),
        },
    );
    let res = res.set_body(bytes).map_into_boxed_body();
    Ok(ServiceResponse::new(req, res))
}
