//! Cache of rendered public pages.
//!
//! A page is stored with the data version it was rendered at (see
//! `crate::edit::write_transaction`) and served again while the version in the
//! database is unchanged and the entry is younger than `MAX_AGE` (pages such
//! as "upcoming meetings" depend on the clock). The version lives in the
//! database, so several app servers on one PostgreSQL stay consistent.
//! Requests carrying cookies (signed-in users) bypass the cache.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use actix_web::body::{self, BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
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
    /// the handler's headers (content type, Cache-Control, validators,
    /// Content-Disposition, Vary …), so a hit answers exactly like a miss
    headers: Vec<(HeaderName, HeaderValue)>,
    body: web::Bytes,
}

impl Entry {
    fn size(&self, key: &str) -> usize {
        key.len()
            + self.body.len()
            + self
                .headers
                .iter()
                .map(|(n, v)| n.as_str().len() + v.len())
                .sum::<usize>()
    }
}

/// What a cache hit serves.
struct Hit {
    headers: Vec<(HeaderName, HeaderValue)>,
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
            headers: e.headers.clone(),
            body: e.body.clone(),
        })
    }

    fn put(&self, key: String, entry: Entry) {
        if let Ok(mut entries) = self.entries.lock() {
            let size = entry.size(&key);
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
                entries.bytes = entries.map.iter().map(|(k, e)| e.size(k)).sum();
            }
            if let Some(old) = entries.map.insert(key.clone(), entry) {
                entries.bytes = entries.bytes.saturating_sub(old.size(&key));
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

/// Public text answers are stored (pages, feeds, the single-meeting
/// `.ics` with its Content-Disposition, CSV); anything marked private, that
/// sets a cookie or carries CORS headers (OParl, with its own ETags) passes
/// through, and so do binary downloads (files are streamed from disk).
fn storable(headers: &header::HeaderMap) -> bool {
    let private = headers
        .get(header::CACHE_CONTROL)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("no-store") || v.contains("private"));
    let textual = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/") || t.contains("xml") || t.contains("json"));
    textual
        && !private
        && !headers.contains_key(header::CONTENT_ENCODING)
        && !headers.contains_key(header::SET_COOKIE)
        && !headers.contains_key(header::ACCESS_CONTROL_ALLOW_ORIGIN)
}

/// A weak ETag of a body (`W/"…"`): answers may be compressed, so they
/// are equivalent rather than byte-identical (RFC 9110 §8.8.1).
pub fn weak_etag(body: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    format!("W/\"{}\"", &hex::encode(Sha256::digest(body))[..32])
}

/// The ETag without its weakness mark (`W/"x"` → `"x"`).
fn opaque(tag: &str) -> &str {
    let t = tag.trim();
    t.strip_prefix("W/").unwrap_or(t)
}

/// `If-None-Match` matches this ETag by the weak comparison (RFC 9110
/// §13.1.2): a compressed answer's ETag still validates the plain one.
pub fn etag_matches(request: &header::HeaderMap, etag: &str) -> bool {
    request
        .get_all(header::IF_NONE_MATCH)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|l| l.split(','))
        .any(|t| t.trim() == "*" || opaque(t) == opaque(etag))
}

/// Whether a conditional GET can be answered with 304: `If-None-Match`
/// decides when present, otherwise `If-Modified-Since` against
/// Last-Modified (HTTP dates, compared to the second).
pub fn not_modified(
    request: &header::HeaderMap,
    etag: Option<&str>,
    last_modified: Option<std::time::SystemTime>,
) -> bool {
    if request.contains_key(header::IF_NONE_MATCH) {
        return etag.is_some_and(|e| etag_matches(request, e));
    }
    let since = request
        .get(header::IF_MODIFIED_SINCE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<header::HttpDate>().ok());
    match (since, last_modified) {
        (Some(since), Some(lm)) => {
            // HTTP dates have whole seconds
            let lm = header::HttpDate::from(lm);
            std::time::SystemTime::from(lm) <= std::time::SystemTime::from(since)
        }
        _ => false,
    }
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
        let stored = |name: header::HeaderName| {
            hit.headers
                .iter()
                .find(|(n, _)| *n == name)
                .and_then(|(_, v)| v.to_str().ok())
        };
        let last_modified = stored(header::LAST_MODIFIED)
            .and_then(|v| v.parse::<header::HttpDate>().ok())
            .map(std::time::SystemTime::from);
        let fresh = not_modified(req.headers(), stored(header::ETAG), last_modified);
        let mut res = if fresh {
            HttpResponse::NotModified()
        } else {
            HttpResponse::Ok()
        };
        for (name, value) in hit.headers {
            res.append_header((name, value));
        }
        let res = if fresh {
            res.finish()
        } else if hit.body.len() > 1_024 && accepts_gzip(req.headers()) {
            // compressed here in one piece: `Compress` leaves an answer with
            // Content-Encoding alone, and would hand the body to the
            // blocking pool (a third of the throughput for a large feed)
            match gzip(&hit.body) {
                Ok(zipped) => res
                    .insert_header((header::CONTENT_ENCODING, "gzip"))
                    .body(zipped),
                Err(_) => res.body(hit.body),
            }
        } else {
            res.body(hit.body)
        };
        return Ok(req.into_response(res));
    }
    // the handler answers uncompressed, so what is kept fits every client
    // (`Compress` outside has already read the client's Accept-Encoding)
    let mut req = req;
    req.headers_mut().remove(header::ACCEPT_ENCODING);
    let res = next.call(req).await?;
    if res.status() != StatusCode::OK || !storable(res.headers()) {
        return Ok(res.map_into_boxed_body());
    }
    let headers: Vec<(HeaderName, HeaderValue)> = res
        .headers()
        .iter()
        .filter(|(n, _)| {
            ![
                header::CONTENT_LENGTH,
                header::DATE,
                header::TRANSFER_ENCODING,
            ]
            .contains(n)
        })
        .map(|(n, v)| (n.clone(), v.clone()))
        .collect();
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
            headers,
            body: bytes.clone(),
        },
    );
    let res = res.set_body(bytes).map_into_boxed_body();
    Ok(ServiceResponse::new(req, res))
}

/// Around `middleware::Compress` (gzip, brotli): file downloads (PDFs and
/// images are compressed already, and are streamed with their length) are
/// sent as they are, and every other answer says `Vary: Accept-Encoding`,
/// whether this client got it compressed or not, so shared caches keep
/// the variants apart.
pub async fn compression_policy(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let download = req.path().starts_with("/dateien/");
    if download {
        req.headers_mut().remove(header::ACCEPT_ENCODING);
    }
    let mut res = next.call(req).await?;
    let varies = res
        .headers()
        .get_all(header::VARY)
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.to_ascii_lowercase().contains("accept-encoding"));
    if !download && !varies {
        res.headers_mut()
            .append(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    }
    Ok(res)
}

/// Whether `Accept-Encoding` allows gzip (a `q=0` refuses it).
pub fn accepts_gzip(headers: &header::HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|coding| {
            let mut parts = coding.split(';').map(str::trim);
            let name = parts.next().unwrap_or("").to_ascii_lowercase();
            let refused = parts.any(|p| {
                p.strip_prefix("q=")
                    .and_then(|q| q.parse::<f32>().ok())
                    .is_some_and(|q| q <= 0.0)
            });
            (name == "gzip" || name == "x-gzip") && !refused
        })
}

pub fn gzip(body: &[u8]) -> std::io::Result<Vec<u8>> {
    use std::io::Write;
    let mut e = flate2::write::GzEncoder::new(
        Vec::with_capacity(body.len() / 6),
        flate2::Compression::fast(),
    );
    e.write_all(body)?;
    e.finish()
}
