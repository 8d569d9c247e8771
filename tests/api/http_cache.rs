//! HTTP details of caching and transfer: the page cache answers a hit with
//! the same headers as a miss (also for the single-meeting `.ics`, a
//! download), feeds and the stylesheet have validators and answer 304,
//! text answers are compressed with gzip and brotli (files are not), and
//! the favicon exists.

use std::io::Read;

use diesel::prelude::*;
use gremium::db::schema::{files, meetings};
use gremium::domain::UserRole;
use reqwest::header::HeaderMap;

use crate::backoffice_flow::{create_paper, kamen, org_id};
use crate::helpers::{spawn_demo_app, spawn_with, TestApp, TestDb};
use crate::session::{add_user, Session};

const SOZ: &str = "Sozial-, Teilhabe-, Generationen- und Familienausschuss";

/// The headers a cache hit must repeat.
const KEPT: [&str; 6] = [
    "content-type",
    "cache-control",
    "etag",
    "last-modified",
    "content-disposition",
    "vary",
];

async fn get(app: &TestApp, path: &str, headers: &[(&str, &str)]) -> (u16, HeaderMap, Vec<u8>) {
    let mut r = app.client.get(format!("{}{path}", app.address));
    for (k, v) in headers {
        r = r.header(*k, *v);
    }
    let r = r.send().await.expect("request");
    let status = r.status().as_u16();
    let h = r.headers().clone();
    (status, h, r.bytes().await.expect("body").to_vec())
}

fn header<'a>(h: &'a HeaderMap, name: &str) -> Option<&'a str> {
    h.get(name).and_then(|v| v.to_str().ok())
}

fn first_meeting(app: &TestApp) -> (i64, String) {
    meetings::table
        .filter(meetings::deleted_at.is_null())
        .order(meetings::id)
        .select((meetings::id, meetings::name))
        .first(&mut app.conn())
        .expect("a demo meeting")
}

#[tokio::test]
async fn a_cache_hit_answers_with_the_same_headers_as_the_miss() {
    let app = spawn_demo_app().await;
    let (m, name) = first_meeting(&app);
    for path in [
        format!("/sitzungen/{m}/kalender.ics"),
        format!("/sitzungen/{m}"),
        format!("/gremien/{}/aktuelles.atom", org_id(&app, SOZ)),
    ] {
        let (status, miss, body) = get(&app, &path, &[]).await;
        assert_eq!(status, 200, "{path}");
        let (_, hit, again) = get(&app, &path, &[]).await;
        assert_eq!(body, again, "{path}");
        for h in KEPT {
            assert_eq!(header(&miss, h), header(&hit, h), "{path}: {h}");
        }
        // feeds say how long they may be kept (public pages say nothing)
        if !path.ends_with(&format!("/{m}")) {
            assert!(header(&hit, "cache-control").is_some(), "{path}");
        }
    }
    // the single-meeting download keeps its file name and is served from
    // the cache: a change that bypasses write_transaction is not seen yet
    let ics = format!("/sitzungen/{m}/kalender.ics");
    let (_, h, _) = get(&app, &ics, &[]).await;
    assert_eq!(
        header(&h, "content-disposition"),
        Some(format!("attachment; filename=\"sitzung-{m}.ics\"").as_str())
    );
    assert_eq!(header(&h, "cache-control"), Some("public, max-age=300"));
    diesel::update(meetings::table.find(m))
        .set(meetings::name.eq("Umbenannt ohne Schreibtransaktion"))
        .execute(&mut app.conn())
        .expect("raw update");
    let (_, _, body) = get(&app, &ics, &[]).await;
    let text = String::from_utf8(body).expect("utf-8");
    let unfolded = text.replace("\r\n ", "");
    assert!(
        !unfolded.contains("Umbenannt ohne Schreibtransaktion"),
        "served from the cache"
    );
    assert!(
        unfolded.contains(&gremium::feeds::ical::escape_text(&name)),
        "{unfolded}"
    );
    // a conditional request on a hit: 304 with the validators
    let etag = header(&h, "etag").expect("etag").to_string();
    let (status, h304, body) = get(&app, &ics, &[("If-None-Match", &etag)]).await;
    assert_eq!(status, 304);
    assert!(body.is_empty());
    assert_eq!(header(&h304, "etag"), Some(etag.as_str()));
    assert_eq!(header(&h304, "cache-control"), Some("public, max-age=300"));
}

#[tokio::test]
async fn atom_feeds_have_etag_and_last_modified_and_answer_304() {
    for page_cache in [false, true] {
        let app = spawn_with(TestDb::new(), true, |s| s.page_cache = page_cache).await;
        let soz = org_id(&app, SOZ);
        for path in [
            format!("/gremien/{soz}/aktuelles.atom"),
            "/koerperschaften/stadt-kamen/aktuelles.atom".to_string(),
        ] {
            let (status, h, body) = get(&app, &path, &[]).await;
            assert_eq!(status, 200, "{path}");
            assert!(String::from_utf8_lossy(&body).contains("<feed"));
            let etag = header(&h, "etag").expect("etag").to_string();
            let lm = header(&h, "last-modified")
                .expect("last-modified")
                .to_string();
            let cases: [(&str, &str, u16); 4] = [
                ("If-None-Match", &etag, 304),
                ("If-None-Match", "\"anders\"", 200),
                ("If-Modified-Since", &lm, 304),
                ("If-Modified-Since", "Sat, 01 Jan 2000 00:00:00 GMT", 200),
            ];
            for (name, value, expected) in cases {
                let (status, h2, _) = get(&app, &path, &[(name, value)]).await;
                assert_eq!(
                    status, expected,
                    "{path} {name}: {value} (cache {page_cache})"
                );
                assert_eq!(header(&h2, "etag"), Some(etag.as_str()));
            }
        }
        // the search feed has an ETag too
        let (_, h, _) = get(&app, "/suche/feed.atom?q=Kita", &[]).await;
        let etag = header(&h, "etag").expect("etag").to_string();
        let (status, _, _) =
            get(&app, "/suche/feed.atom?q=Kita", &[("If-None-Match", &etag)]).await;
        assert_eq!(status, 304);
    }
}

fn decode(encoding: &str, body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    match encoding {
        "gzip" => {
            flate2::read::GzDecoder::new(body)
                .read_to_end(&mut out)
                .expect("gzip");
        }
        "br" => {
            brotli::Decompressor::new(body, 4096)
                .read_to_end(&mut out)
                .expect("brotli");
        }
        other => panic!("{other}"),
    }
    out
}

#[tokio::test]
async fn text_answers_are_compressed_with_gzip_and_brotli() {
    let app = spawn_demo_app().await;
    let (m, _) = first_meeting(&app);
    let soz = org_id(&app, SOZ);
    let home = String::from_utf8(get(&app, "/", &[]).await.2).expect("utf-8");
    let css = home
        .split("href=\"")
        .map(|s| s.split('"').next().unwrap_or(""))
        .find(|s| s.starts_with("/static/gremium."))
        .expect("stylesheet link")
        .to_string();
    let paths = [
        ("/".to_string(), 200),
        (format!("/sitzungen/{m}"), 200),
        (css, 200),
        (format!("/gremien/{soz}/kalender.ics"), 200),
        (format!("/sitzungen/{m}/kalender.ics"), 200),
        (format!("/gremien/{soz}/aktuelles.atom"), 200),
        ("/oparl/v1.1/system".to_string(), 200),
        ("/gibt-es-nicht".to_string(), 404),
    ];
    for (path, expected) in &paths {
        let (status, plain_h, plain) = get(&app, path, &[]).await;
        assert_eq!(status, *expected, "{path}");
        assert_eq!(header(&plain_h, "content-encoding"), None, "{path}");
        assert!(
            header(&plain_h, "vary")
                .is_some_and(|v| v.to_ascii_lowercase().contains("accept-encoding")),
            "{path}: Vary without compression too"
        );
        for enc in ["gzip", "br"] {
            let (status, h, body) = get(&app, path, &[("Accept-Encoding", enc)]).await;
            assert_eq!(status, *expected, "{path} {enc}");
            assert_eq!(header(&h, "content-encoding"), Some(enc), "{path}");
            assert!(
                header(&h, "vary")
                    .is_some_and(|v| v.to_ascii_lowercase().contains("accept-encoding")),
                "{path} {enc}"
            );
            assert_eq!(decode(enc, &body), plain, "{path} {enc}");
            if plain.len() > 2_000 {
                assert!(body.len() * 2 < plain.len(), "{path} {enc}: compressed");
            }
            // the (weak) ETag validates across encodings
            if let Some(etag) = header(&h, "etag") {
                assert!(etag.starts_with("W/"), "{path}: {etag}");
                assert_eq!(header(&plain_h, "etag"), Some(etag), "{path}");
                let (status, _, _) = get(
                    &app,
                    path,
                    &[("Accept-Encoding", enc), ("If-None-Match", etag)],
                )
                .await;
                assert_eq!(status, 304, "{path} {enc}");
            }
        }
    }
}

#[tokio::test]
async fn files_are_downloaded_uncompressed() {
    let app = spawn_demo_app().await;
    add_user(
        &app,
        "clerk@kamen.example",
        UserRole::Clerk,
        Some("stadt-kamen"),
        None,
    );
    let s = Session::login(&app, "clerk@kamen.example").await;
    let paper = create_paper(&s, kamen(&app), "Vorlage mit Anlage", true).await;
    let bytes = crate::uploads::pdf(&"Konzept ".repeat(500));
    let p = s
        .upload(
            &format!("/verwaltung/vorlagen/{paper}/dateien"),
            "konzept.pdf",
            bytes.clone(),
            true,
        )
        .await;
    assert_eq!(p.status, 303);
    let (id, name): (i64, String) = files::table
        .filter(files::paper_id.eq(paper))
        .select((files::id, files::file_name))
        .first(&mut app.conn())
        .expect("file");
    let (status, h, body) = get(
        &app,
        &format!("/dateien/{id}/{name}"),
        &[("Accept-Encoding", "gzip, br")],
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(header(&h, "content-encoding"), None);
    assert_eq!(header(&h, "content-type"), Some("application/pdf"));
    assert_eq!(
        header(&h, "content-length"),
        Some(bytes.len().to_string().as_str())
    );
    assert_eq!(body, bytes);
}

#[tokio::test]
async fn favicon_and_versioned_stylesheet() {
    let app = spawn_demo_app().await;
    let (status, h, body) = get(&app, "/favicon.ico", &[]).await;
    assert_eq!(status, 200);
    assert_eq!(header(&h, "content-type"), Some("image/x-icon"));
    assert_eq!(body.get(..4), Some(&[0u8, 0, 1, 0][..]), "an ICO file");
    let home = String::from_utf8(get(&app, "/", &[]).await.2).expect("utf-8");
    assert!(home.contains("<link rel=\"icon\" href=\"/static/favicon."));
    assert!(home.contains("<link rel=\"icon\" href=\"/favicon.ico\""));
    let css = home
        .split("<link rel=\"stylesheet\" href=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("stylesheet link")
        .to_string();
    let hash = css
        .strip_prefix("/static/gremium.")
        .and_then(|s| s.strip_suffix(".css"))
        .expect("versioned name");
    assert!(
        hash.len() >= 8 && hash.bytes().all(|b| b.is_ascii_hexdigit()),
        "{css}"
    );
    let (status, vh, versioned) = get(&app, &css, &[]).await;
    assert_eq!(status, 200);
    assert!(header(&vh, "content-type").is_some_and(|t| t.starts_with("text/css")));
    assert_eq!(
        header(&vh, "cache-control"),
        Some("public, max-age=31536000, immutable")
    );
    let etag = header(&vh, "etag").expect("etag").to_string();
    let (status, _, _) = get(&app, &css, &[("If-None-Match", &etag)]).await;
    assert_eq!(status, 304);
    // the hash is the content's: the plain name serves the same bytes,
    // briefly cached, and so does a link from before a release
    let (_, ph, plain) = get(&app, "/static/gremium.css", &[]).await;
    assert_eq!(plain, versioned);
    use sha2::Digest;
    assert!(hex::encode(sha2::Sha256::digest(&plain)).starts_with(hash));
    assert_eq!(header(&ph, "cache-control"), Some("public, max-age=3600"));
    let (status, oh, old) = get(&app, "/static/gremium.0123456789ab.css", &[]).await;
    assert_eq!(status, 200);
    assert_eq!(old, plain);
    assert_eq!(header(&oh, "cache-control"), Some("public, max-age=3600"));
}

/// The first client of a page may ask for gzip: what the page cache keeps
/// must still fit the next client, who asks for nothing or refuses gzip.
#[tokio::test]
async fn a_compressed_first_answer_is_not_kept_for_plain_clients() {
    let app = spawn_demo_app().await;
    let soz = org_id(&app, SOZ);
    for path in [format!("/gremien/{soz}/kalender.ics"), "/".to_string()] {
        for round in 0..2 {
            // round 0 is a miss (the handler answers), round 1 a cache hit
            let (_, h, zipped) = get(&app, &path, &[("Accept-Encoding", "gzip")]).await;
            assert_eq!(
                header(&h, "content-encoding"),
                Some("gzip"),
                "{path} {round}"
            );
            let (_, plain_h, plain) = get(&app, &path, &[]).await;
            assert_eq!(header(&plain_h, "content-encoding"), None, "{path} {round}");
            assert_eq!(decode("gzip", &zipped), plain, "{path} {round}");
            let (_, h, body) = get(&app, &path, &[("Accept-Encoding", "gzip;q=0, br")]).await;
            assert_eq!(header(&h, "content-encoding"), Some("br"), "{path} {round}");
            assert_eq!(decode("br", &body), plain, "{path} {round}");
        }
    }
}
