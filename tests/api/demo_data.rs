use std::collections::BTreeSet;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use gremium::db::schema::{agenda_items, bodies, files, meetings};
use gremium::db::DbConnection;

use crate::helpers::{find, spawn_app, spawn_demo_app, spawn_on, TestApp, TestDb};

const TABLES: [&str; 8] = [
    "bodies",
    "organizations",
    "persons",
    "memberships",
    "meetings",
    "agenda_items",
    "papers",
    "consultations",
];

#[tokio::test]
async fn demo_loads_once_and_a_second_start_duplicates_nothing() {
    let app = spawn_demo_app().await;
    let c = &mut app.conn();
    let before: Vec<i64> = TABLES.iter().map(|t| find::count(c, t)).collect();
    assert!(before[0] >= 8, "seed bodies present: {before:?}");
    // `gremium demo` again and `serve --demo` again
    assert!(
        !gremium::demo::load_seeds(c, &app.data_dir.path().display().to_string())
            .expect("second load")
    );
    let files_before = live_files(c);
    let url = app.db.url.clone();
    // the second start has another (empty) data directory: the documents
    // are written again, not added again
    let again = spawn_on(reuse(&url), true).await;
    let c2 = &mut again.conn();
    let after: Vec<i64> = TABLES.iter().map(|t| find::count(c2, t)).collect();
    assert_eq!(before, after);
    assert_eq!(files_before, live_files(c2), "no document added twice");
    let links = document_links(&again).await;
    assert!(!links.is_empty());
    for link in links.iter().take(5) {
        let r = again.get(link).await;
        assert_eq!(
            r.status, 200,
            "{link} after a restart with a new data directory"
        );
    }
}

fn live_files(c: &mut DbConnection) -> i64 {
    files::table
        .filter(files::deleted_at.is_null())
        .count()
        .get_result(c)
        .expect("count files")
}

/// A TestDb handle on an existing database that does not drop it.
fn reuse(url: &str) -> TestDb {
    let mut db = TestDb::new();
    // replace the fresh database by the existing one; the fresh one is
    // dropped with `db` at the end of the test as usual
    db.url = url.to_string();
    db
}

#[tokio::test]
async fn seed_stories_are_in_the_database() {
    let app = spawn_demo_app().await;
    let c = &mut app.conn();
    let p = find::paper_by_reference(c, "11/1481");
    let items = find::items_of_paper(c, p);
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].2.as_deref(), Some("zur_kenntnis_genommen"));
}

#[tokio::test]
async fn generator_is_deterministic_and_large_enough() {
    let a = spawn_app().await;
    let b = spawn_app().await;
    let (ca, cb) = (&mut a.conn(), &mut b.conn());
    assert!(gremium::demo::load_generated(ca, 1).expect("generate a"));
    assert!(gremium::demo::load_generated(cb, 1).expect("generate b"));
    assert!(
        !gremium::demo::load_generated(ca, 1).expect("again"),
        "scale 1 twice adds nothing"
    );
    let counts_a: Vec<i64> = TABLES.iter().map(|t| find::count(ca, t)).collect();
    let counts_b: Vec<i64> = TABLES.iter().map(|t| find::count(cb, t)).collect();
    assert_eq!(counts_a, counts_b, "same scale, same data");
    let [_, orgs, _, _, meetings, items, papers, consultations] = counts_a[..] else {
        panic!()
    };
    assert!(orgs >= 30, "organizations {orgs}");
    assert!(meetings >= 1500, "meetings {meetings}");
    assert!(items >= 20_000, "agenda items {items}");
    assert!(papers >= 10_000, "papers {papers}");
    assert!(consultations >= papers, "consultations {consultations}");
    // dated around the load day: past meetings held, the last ones ahead
    let list = meetings_of(ca, "grossstadt-");
    let now = gremium::db::now();
    assert!(
        list.iter().any(|m| m.2 > now),
        "the term has meetings ahead"
    );
    assert_consistent_with_now(ca, &list, false);
    // the generated city is browsable
    let m = a
        .page("/sitzungen?koerperschaft=grossstadt-1&zeitraum=vergangene")
        .await;
    assert!(m.contains("Sitzung"));
}

#[tokio::test]
async fn serve_demo_never_mixes_demo_data_into_real_data() {
    let app = spawn_app().await;
    let c = &mut app.conn();
    let now = gremium::db::now();
    gremium::edit::write_transaction(c, |c| {
        gremium::db::insert::insert_body(
            c,
            &gremium::db::insert::NewBody {
                key: "stadt-musterhausen".into(),
                name: "Stadt Musterhausen".into(),
                short_name: "Musterhausen".into(),
                kind: "stadt".into(),
                parent_body_id: None,
                website: None,
                ags: None,
                created_at: now,
                updated_at: now,
            },
        )
    })
    .expect("real body");
    let again = spawn_on(reuse(&app.db.url), true).await;
    let c2 = &mut again.conn();
    assert_eq!(find::count(c2, "bodies"), 1, "no demo bodies added");
    let home = again.page("/koerperschaften").await;
    assert!(home.contains("Stadt Musterhausen"));
    assert!(!home.contains("Stadt Kamen"));
}

/// Paths of all pages of the sitemap.
async fn sitemap_paths(app: &TestApp) -> Vec<String> {
    let xml = app.page("/sitemap.xml").await;
    xml.split("<loc>")
        .skip(1)
        .filter_map(|s| s.split("</loc>").next())
        .map(|u| {
            u.replace("&amp;", "&")
                .trim_start_matches(&app.address)
                .to_string()
        })
        .collect()
}

/// Every distinct `/dateien/…` link on the pages of the sitemap.
async fn document_links(app: &TestApp) -> BTreeSet<String> {
    let mut links = BTreeSet::new();
    for path in sitemap_paths(app).await {
        let page = app.get(&path).await;
        assert_eq!(page.status, 200, "GET {path}");
        for part in page.body.split("href=\"").skip(1) {
            let href = part.split('"').next().unwrap_or_default();
            if href.starts_with("/dateien/") {
                links.insert(href.replace("&amp;", "&"));
            }
        }
    }
    links
}

/// Runs a poppler tool on a file; its output, or a clear failure.
fn poppler(tool: &str, file: &std::path::Path) -> (bool, String) {
    let mut cmd = std::process::Command::new(tool);
    cmd.arg(file);
    if tool == "pdftotext" {
        cmd.arg("-"); // to stdout
    }
    let out = cmd.output().unwrap_or_else(|e| {
        panic!("{tool} fehlt ({e}); scripts/setup.sh installiert poppler-utils")
    });
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).to_string(),
    )
}

#[tokio::test]
async fn every_document_linked_on_a_demo_page_is_a_readable_pdf() {
    let app = spawn_demo_app().await;
    let links = document_links(&app).await;
    // Vorlagen, invitations, minutes and concepts of five stories
    assert!(links.len() >= 30, "documents on demo pages: {links:?}");
    let dir = tempfile::tempdir().expect("tmp");
    for (n, link) in links.iter().enumerate() {
        let r = app
            .client
            .get(format!("{}{link}", app.address))
            .send()
            .await
            .expect("request");
        assert_eq!(r.status().as_u16(), 200, "GET {link}");
        let ct = r
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        assert_eq!(ct, "application/pdf", "{link}");
        let bytes = r.bytes().await.expect("body");
        let file = dir.path().join(format!("{n}.pdf"));
        std::fs::write(&file, &bytes).expect("write pdf");
        let (ok, info) = poppler("pdfinfo", &file);
        assert!(
            ok && info.contains("Pages:"),
            "pdfinfo opens {link}: {info}"
        );
        let (ok, text) = poppler("pdftotext", &file);
        assert!(ok, "pdftotext reads {link}");
        let words = text.split_whitespace().count();
        assert!(words >= 10, "{link} has text: {text:?}");
    }
    // the concept paper of Kamen carries the concept itself
    let concept = find::paper_by_reference(&mut app.conn(), "2020/142");
    let page = app.page(&format!("/vorlagen/{concept}")).await;
    let pdf = page
        .split("href=\"")
        .skip(1)
        .filter_map(|p| p.split('"').next())
        .find(|h| h.contains("Integrationskonzept-der-Stadt-Kamen"))
        .expect("Kamen's concept linked on its paper");
    let bytes = app
        .client
        .get(format!("{}{pdf}", app.address))
        .send()
        .await
        .expect("request")
        .bytes()
        .await
        .expect("body");
    let file = dir.path().join("konzept.pdf");
    std::fs::write(&file, &bytes).expect("write pdf");
    let (_, text) = poppler("pdftotext", &file);
    assert!(text.contains("Sprache und Bildung"), "{text}");
    // and the documents' text is searchable: the consultation path is
    // written only in the PDFs of the Vorlagen
    let hits = app.page("/suche?q=Beratungsfolge").await;
    assert!(
        hits.contains("/dateien/"),
        "PDF text found by the search: {}",
        crate::helpers::snippet(&hits)
    );
}

#[tokio::test]
async fn public_documents_name_no_non_public_item() {
    let app = spawn_demo_app().await;
    let c = &mut app.conn();
    let public_texts: Vec<String> = files::table
        .filter(files::public.eq(true))
        .filter(files::deleted_at.is_null())
        .select(files::text_content)
        .load::<Option<String>>(c)
        .expect("files")
        .into_iter()
        .flatten()
        .collect();
    assert!(public_texts.len() >= 30);
    let closed: Vec<String> = agenda_items::table
        .filter(agenda_items::public.eq(false))
        .select(agenda_items::title)
        .load(c)
        .expect("items");
    assert!(!closed.is_empty());
    for text in &public_texts {
        for title in &closed {
            assert!(!text.contains(title.as_str()), "{title} in a public PDF");
        }
        assert!(!text.contains("Vertraulich"), "{text}");
    }
}

type MeetingRow = (i64, String, NaiveDateTime, String, Option<NaiveDateTime>);

/// Meetings of the bodies whose key starts with `prefix` (`""`: all).
fn meetings_of(c: &mut DbConnection, prefix: &str) -> Vec<MeetingRow> {
    meetings::table
        .inner_join(bodies::table.on(bodies::id.eq(meetings::body_id)))
        .filter(bodies::key.like(format!("{prefix}%")))
        .filter(meetings::deleted_at.is_null())
        .select((
            meetings::id,
            meetings::name,
            meetings::start_at,
            meetings::state,
            meetings::minutes_published_at,
        ))
        .load(c)
        .expect("meetings")
}

/// Items of a meeting that carry any result.
fn items_with_results(c: &mut DbConnection, meeting: i64) -> Vec<String> {
    agenda_items::table
        .filter(agenda_items::meeting_id.eq(meeting))
        .filter(agenda_items::deleted_at.is_null())
        .filter(
            agenda_items::outcome
                .is_not_null()
                .or(agenda_items::votes_yes.is_not_null())
                .or(agenda_items::resolution_text.is_not_null())
                .or(agenda_items::minutes_text.is_not_null()),
        )
        .select(agenda_items::title)
        .load(c)
        .expect("items")
}

fn items_without_outcome(c: &mut DbConnection, meeting: i64) -> Vec<String> {
    agenda_items::table
        .filter(agenda_items::meeting_id.eq(meeting))
        .filter(agenda_items::deleted_at.is_null())
        .filter(agenda_items::outcome.is_null())
        .select(agenda_items::title)
        .load(c)
        .expect("items")
}

/// Past meetings took place and have results and minutes; coming ones are
/// invited or scheduled and have no results. `strict`: every item of a past
/// meeting has an outcome (the seed stories; the generator leaves
/// "Anfragen" without one).
fn assert_consistent_with_now(c: &mut DbConnection, list: &[MeetingRow], strict: bool) {
    let now = gremium::db::now();
    for (id, name, start, state, published) in list {
        let when = format!("{name} ({start} UTC, {state})");
        if *start < now {
            assert_eq!(state, "durchgefuehrt", "past meeting not held: {when}");
            assert!(published.is_some(), "past meeting without minutes: {when}");
            if strict {
                let open = items_without_outcome(c, *id);
                assert!(open.is_empty(), "{when}: items without result {open:?}");
            }
        } else {
            assert!(
                state == "eingeladen" || state == "terminiert",
                "coming meeting {when}"
            );
            assert!(published.is_none(), "coming meeting with minutes: {when}");
            let with = items_with_results(c, *id);
            assert!(
                with.is_empty(),
                "coming meeting {when} has results: {with:?}"
            );
        }
    }
}

#[tokio::test]
async fn demo_meetings_agree_with_the_day_it_is_loaded() {
    let app = spawn_demo_app().await;
    let c = &mut app.conn();
    let list = meetings_of(c, "");
    assert_consistent_with_now(c, &list, true);
    // the demo looks alive: something just happened, something is coming
    let now = gremium::db::now();
    let days = |t: &NaiveDateTime| (*t - now).num_days();
    assert!(
        list.iter().any(|m| (-30..0).contains(&days(&m.2))),
        "a meeting in the last 30 days"
    );
    let coming: Vec<&MeetingRow> = list.iter().filter(|m| m.2 > now).collect();
    assert!(coming.len() >= 2, "coming meetings");
    assert!(coming.iter().any(|m| m.3 == "eingeladen"));
    assert!(coming.iter().all(|m| days(&m.2) < 90));
    // what a visitor sees: the invited meeting has its invitation and no
    // result; the latest held one has its minutes
    let invited = coming
        .iter()
        .find(|m| m.3 == "eingeladen")
        .expect("invited meeting");
    let page = app.page(&format!("/sitzungen/{}", invited.0)).await;
    assert!(
        page.contains("Einladung"),
        "{}",
        crate::helpers::snippet(&page)
    );
    assert!(!page.contains("Niederschrift (öffentlicher Teil)"));
    assert!(!page.contains("zur Kenntnis genommen"));
    let latest = list
        .iter()
        .filter(|m| m.2 < now)
        .max_by_key(|m| m.2)
        .expect("held meeting");
    let page = app.page(&format!("/sitzungen/{}", latest.0)).await;
    assert!(page.contains("Niederschrift (öffentlicher Teil)"));
    assert!(page.contains("zur Kenntnis genommen"));
}
