//! Static assets (CSS, icons), embedded in the binary.
//!
//! Pages link assets by a versioned name (`/static/gremium.<hash>.css`,
//! see `versioned_url`): the hash of the content, computed once per
//! process, so the versioned URL can be cached for a year (`immutable`)
//! and a new release is fetched at once. The plain name stays available
//! with a short lifetime; every answer carries an ETag.

use std::collections::HashMap;
use std::sync::OnceLock;

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use rust_embed::RustEmbed;
use sha2::{Digest, Sha256};

use crate::error::AppError;

#[derive(RustEmbed)]
#[folder = "$CARGO_MANIFEST_DIR/static"]
struct StaticFiles;

/// Hex digits of the content hash in a versioned name.
const HASH_LEN: usize = 12;
const LONG: &str = "public, max-age=31536000, immutable";
const SHORT: &str = "public, max-age=3600";

/// Content hash of every embedded file (by name).
fn hashes() -> &'static HashMap<String, String> {
    static HASHES: OnceLock<HashMap<String, String>> = OnceLock::new();
    HASHES.get_or_init(|| {
        StaticFiles::iter()
            .filter_map(|name| {
                let file = StaticFiles::get(&name)?;
                let hash = hex::encode(Sha256::digest(&file.data));
                Some((name.to_string(), hash[..HASH_LEN].to_string()))
            })
            .collect()
    })
}

/// `/static/gremium.css` → `/static/gremium.<hash>.css` (unknown names
/// stay as they are).
pub fn versioned_url(name: &str) -> String {
    match (hashes().get(name), name.rsplit_once('.')) {
        (Some(hash), Some((stem, ext))) => format!("/static/{stem}.{hash}.{ext}"),
        _ => format!("/static/{name}"),
    }
}

/// `gremium.<hash>.css` → (`gremium.css`, `<hash>`); `None` for a plain name.
fn split_version(path: &str) -> Option<(String, &str)> {
    let (rest, ext) = path.rsplit_once('.')?;
    let (stem, hash) = rest.rsplit_once('.')?;
    (hash.len() == HASH_LEN && hash.bytes().all(|b| b.is_ascii_hexdigit()))
        .then(|| (format!("{stem}.{ext}"), hash))
}

pub async fn serve(req: HttpRequest, path: web::Path<String>) -> Result<HttpResponse, AppError> {
    answer(&req, path.into_inner())
}

/// `/favicon.ico`, asked for by browsers and feed readers on their own.
pub async fn favicon(req: HttpRequest) -> Result<HttpResponse, AppError> {
    answer(&req, "favicon.ico".to_string())
}

fn answer(req: &HttpRequest, path: String) -> Result<HttpResponse, AppError> {
    let (name, requested) = match split_version(&path) {
        Some((name, hash)) if StaticFiles::get(&path).is_none() => (name, Some(hash.to_string())),
        _ => (path, None),
    };
    let file = StaticFiles::get(&name).ok_or_else(|| AppError::not_found("Die Datei"))?;
    let hash = hashes().get(&name).cloned().unwrap_or_default();
    // only the current version may be kept for a year; an old versioned
    // link (a page from before a release) gets the current file briefly
    let cache = if requested.as_deref() == Some(hash.as_str()) {
        LONG
    } else {
        SHORT
    };
    // weak: the stylesheet may be sent compressed
    let etag = format!("W/\"{hash}\"");
    let mime = mime_guess::from_path(&name).first_or_octet_stream();
    let fresh = crate::page_cache::etag_matches(req.headers(), &etag);
    let mut resp = if fresh {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    resp.insert_header((header::CONTENT_TYPE, mime.as_ref()))
        .insert_header((header::CACHE_CONTROL, cache))
        .insert_header((header::ETAG, etag));
    if fresh {
        return Ok(resp.finish());
    }
    Ok(resp.body(file.data.into_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versioned_names_carry_the_content_hash() {
        let url = versioned_url("gremium.css");
        let name = url.trim_start_matches("/static/");
        let (plain, hash) = split_version(name).expect("versioned");
        assert_eq!(plain, "gremium.css");
        assert_eq!(hash, &hashes()["gremium.css"]);
        assert_eq!(versioned_url("fehlt.css"), "/static/fehlt.css");
        assert!(split_version("gremium.css").is_none());
    }
}
