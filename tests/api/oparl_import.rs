//! `gremium import oparl`: the real Karlsruhe subset (every skip
//! explained, a second run changes nothing), vendor quirks, a killed run
//! that resumes, broken servers, and the round trip export → import →
//! export.

use std::collections::BTreeMap;
use std::process::Command;

use diesel::prelude::*;
use gremium::db::schema::*;
use serde_json::Value;

use crate::helpers::{spawn_demo_app, spawn_on, TestDb};

fn karlsruhe() -> String {
    crate::helpers::shared("fixtures/oparl/karlsruhe-oparl1.1")
}

/// Run `gremium import oparl SOURCE` against a database; (ok, stdout, stderr).
async fn import(db_url: &str, source: &str) -> (bool, String, String) {
    let (db_url, source) = (db_url.to_string(), source.to_string());
    tokio::task::spawn_blocking(move || {
        let dir = tempfile::tempdir().expect("tmp");
        let out = Command::new(env!("CARGO_BIN_EXE_gremium"))
            .args(["import", "oparl", &source])
            .env("DATABASE_URL", &db_url)
            .env("GREMIUM_DATA_DIR", dir.path())
            .env("RUST_LOG", "error")
            .current_dir(dir.path())
            .output()
            .expect("run gremium");
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).to_string(),
            String::from_utf8_lossy(&out.stderr).to_string(),
        )
    })
    .await
    .expect("import")
}

fn count(c: &mut gremium::db::DbConnection, table: &str) -> i64 {
    use diesel::dsl::count_star;
    match table {
        "meetings" => meetings::table
            .filter(meetings::deleted_at.is_null())
            .select(count_star())
            .first(c),
        "agenda_items" => agenda_items::table.select(count_star()).first(c),
        "papers" => papers::table
            .filter(papers::deleted_at.is_null())
            .select(count_star())
            .first(c),
        "consultations" => consultations::table.select(count_star()).first(c),
        "files" => files::table.select(count_star()).first(c),
        "organizations" => organizations::table.select(count_star()).first(c),
        "locations" => locations::table.select(count_star()).first(c),
        "oparl_imports" => oparl_imports::table.select(count_star()).first(c),
        other => panic!("{other}"),
    }
    .expect("count")
}

/// The summary the last run stored (all problems, not only the printed ones).
fn last_summary(c: &mut gremium::db::DbConnection) -> Value {
    let s: Option<String> = import_runs::table
        .order(import_runs::id.desc())
        .select(import_runs::summary)
        .first(c)
        .expect("run");
    serde_json::from_str(&s.unwrap_or_default()).expect("summary json")
}

#[tokio::test]
async fn the_karlsruhe_subset_imports_with_every_skip_explained_and_a_second_run_changes_nothing() {
    let db = TestDb::new();
    let (ok, out, err) = import(&db.url, &karlsruhe()).await;
    assert!(ok, "{out}\n{err}");
    let c = &mut db.connect();
    assert_eq!(
        count(c, "meetings"),
        180,
        "183 meetings, 3 of committees outside the subset"
    );
    assert_eq!(count(c, "agenda_items"), 1789);
    assert_eq!(
        count(c, "papers"),
        1145,
        "1,413 papers of which 268 are deleted"
    );
    assert_eq!(count(c, "organizations"), 97);
    assert!(count(c, "files") > 3800);
    let summary = last_summary(c);
    let skipped: i64 = summary["counts"]
        .as_object()
        .expect("counts")
        .values()
        .map(|c| c["skipped"].as_i64().unwrap_or(0))
        .sum();
    let problems = summary["problems"].as_array().expect("problems");
    assert!(skipped > 0);
    // every skipped object is named with its reason
    assert!(
        problems.len() as i64 >= skipped,
        "{} problems for {skipped} skips",
        problems.len()
    );
    assert!(problems
        .iter()
        .all(|p| p["at"].as_str().is_some_and(|a| !a.is_empty())
            && p["what"].as_str().is_some_and(|w| !w.is_empty())));
    assert!(out.contains("Beratung ohne bekannte Vorlage"), "{out}");
    // results mapped where unambiguous, the original text kept
    let (outcome, text): (Option<String>, Option<String>) = agenda_items::table
        .filter(agenda_items::result_text.eq("einstimmig zugestimmt"))
        .select((agenda_items::outcome, agenda_items::result_text))
        .first(c)
        .expect("an item with that result");
    assert_eq!(outcome.as_deref(), Some("einstimmig_beschlossen"));
    assert_eq!(text.as_deref(), Some("einstimmig zugestimmt"));

    // again: nothing changes, not even the page cache's data version
    let version = gremium::db::data_version(c).expect("version");
    let imports = count(c, "oparl_imports");
    let (ok, out, err) = import(&db.url, &karlsruhe()).await;
    assert!(ok, "{err}");
    assert_eq!(
        gremium::db::data_version(c).expect("version"),
        version,
        "{out}"
    );
    assert_eq!(count(c, "oparl_imports"), imports);
    assert_eq!(count(c, "agenda_items"), 1789);
    let summary = last_summary(c);
    let written: i64 = summary["counts"]
        .as_object()
        .expect("counts")
        .values()
        .map(|c| c["new"].as_i64().unwrap_or(0) + c["updated"].as_i64().unwrap_or(0))
        .sum();
    assert_eq!(written, 0, "{out}");

    // a TOP a clerk made non-public stays non-public when the source changes it
    let (item, oparl_id): (i64, String) = oparl_imports::table
        .filter(oparl_imports::kind.eq("AgendaItem"))
        .select((oparl_imports::local_id, oparl_imports::oparl_id))
        .first(c)
        .expect("an imported item");
    diesel::update(agenda_items::table.find(item))
        .set((
            agenda_items::public.eq(false),
            agenda_items::minutes_text.eq(Some("Vermerk")),
        ))
        .execute(c)
        .expect("clerk edit");
    diesel::update(oparl_imports::table.filter(oparl_imports::oparl_id.eq(&oparl_id)))
        .set(oparl_imports::modified.eq(Some("älter")))
        .execute(c)
        .expect("pretend the source changed");
    let (ok, out, err) = import(&db.url, &karlsruhe()).await;
    assert!(ok, "{err}");
    assert!(out.contains("AgendaItem          0         1"), "{out}");
    let (public, minutes): (bool, Option<String>) = agenda_items::table
        .find(item)
        .select((agenda_items::public, agenda_items::minutes_text))
        .first(c)
        .expect("item");
    assert!(!public, "not made public again");
    assert_eq!(minutes.as_deref(), Some("Vermerk"), "local minutes kept");
}

#[tokio::test]
async fn a_killed_import_resumes_without_duplicates() {
    let db = TestDb::new();
    let source = karlsruhe();
    let url = db.url.clone();
    // start, kill hard after a moment, then run again to the end
    tokio::task::spawn_blocking(move || {
        let dir = tempfile::tempdir().expect("tmp");
        for wait in [150u64, 300] {
            let mut child = Command::new(env!("CARGO_BIN_EXE_gremium"))
                .args(["import", "oparl", &source])
                .env("DATABASE_URL", &url)
                .env("RUST_LOG", "error")
                .current_dir(dir.path())
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .expect("spawn");
            std::thread::sleep(std::time::Duration::from_millis(wait));
            let _ = child.kill();
            let _ = child.wait();
        }
    })
    .await
    .expect("killer");
    let (ok, out, err) = import(&db.url, &karlsruhe()).await;
    assert!(ok, "{out}\n{err}");
    let c = &mut db.connect();
    assert_eq!(count(c, "agenda_items"), 1789);
    assert_eq!(count(c, "meetings"), 180);
    assert_eq!(count(c, "papers"), 1145);
    assert_eq!(count(c, "organizations"), 97);
    // every row is recorded once
    let rows = count(c, "oparl_imports");
    let (ok, _, _) = import(&db.url, &karlsruhe()).await;
    assert!(ok);
    assert_eq!(count(c, "oparl_imports"), rows);
}

/// title, parent, outcome, yes, no, abstain, paper
type ItemRow = (
    String,
    Option<i64>,
    Option<String>,
    Option<i32>,
    Option<i32>,
    Option<i32>,
    Option<i64>,
);

fn write(dir: &std::path::Path, name: &str, text: &str) {
    let p = dir.join(name);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).expect("dir");
    }
    std::fs::write(p, text).expect("write");
}

#[tokio::test]
async fn vendor_quirks_are_tolerated_and_broken_objects_reported() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    let b = "https://ris.example.org/oparl/body/1";
    write(
        d,
        "body.json",
        &format!(
            r#"{{"id":"{b}","type":"https://schema.oparl.org/1.0/Body","name":"Gemeinde Beispielhausen","ags":"5978012","classification":"Gemeinde","created":"2020-01-01T00:00:00+01:00","modified":"2020-01-01T00:00:00+01:00"}}"#
        ),
    );
    // list entries without type; a deleted entry without type
    write(
        d,
        "organizations/list.json",
        &format!(
            r#"{{"data":[
        {{"id":"{b}/org/1","body":"{b}","name":"Gemeinderat","organizationType":"Gremium","classification":"Parlament","modified":"2020-01-02T10:00:00+01:00"}},
        {{"id":"{b}/org/2","deleted":true,"modified":"2020-01-02T10:00:00+01:00"}}
    ],"links":{{}},"pagination":{{}}}}"#
        ),
    );
    // organization inlined as object where a URL belongs; location as URL;
    // a single File object where an array belongs, mimeType "pdf",
    // File.date as date-time, empty downloadUrl, size 0; tallies as text
    write(
        d,
        "meetings/7.json",
        &format!(
            r#"{{"id":"{b}/meeting/7","name":"Gemeinderat (25. Sitzung)","start":"2020-03-05T19:00:00+01:00",
        "organization":[{{"id":"{b}/org/1","type":"https://schema.oparl.org/1.1/Organization","name":"Gemeinderat"}}],
        "location":"{b}/location/3",
        "auxiliaryFile":{{"id":"{b}/file/9","name":"Bekanntmachung","fileName":"bekanntmachung.pdf","mimeType":"pdf","date":"2020-02-20T08:00:00+01:00","downloadUrl":"","size":0,"accessUrl":"{b}/file/9/x"}},
        "agendaItem":[
          {{"id":"{b}/ai/1","number":"1.","order":100001,"name":"Haushalt 2020","public":true,"result":"13 Ja-Stimmen, 0 Enthaltungen, 0 Nein-Stimmen"}},
          {{"id":"{b}/ai/2","number":"1.1","order":100002,"name":"Stellenplan","result":"gewählt"}},
          {{"id":"{b}/ai/3","number":"2","order":100003,"name":"Straßenbenennung","result":"einstimmig, 1 Enthaltung CDU-Fraktion"}}
        ]}}"#
        ),
    );
    write(
        d,
        "locations/3.json",
        &format!(
            r#"{{"id":"{b}/location/3","type":"https://schema.oparl.org/1.1/Location","description":"Rathaus","streetAddress":" ","locality":"Beispielhausen"}}"#
        ),
    );
    // a date-time where a date belongs; empty strings; an unescaped tab in a string
    write(d, "papers/5.json", &format!("{{\"id\":\"{b}/paper/5\",\"body\":\"{b}\",\"name\":\"Haushaltssatzung\tEntwurf\",\"reference\":\"2020/005\",\"paperType\":\"Drucksache\",\"date\":\"2020-02-01T00:00:00+01:00\",\"mainFile\":\"\",\"consultation\":[{{\"id\":\"{b}/cons/1\",\"agendaItem\":\"{b}/ai/1\",\"meeting\":\"{b}/meeting/7\",\"organization\":[\"{b}/org/1\"],\"role\":\"Beschlussfassung\",\"authoritative\":true}}]}}"));
    // broken: not JSON, an object without id, a meeting of an unknown committee
    write(d, "meetings/broken.json", "{ das ist kein JSON");
    write(
        d,
        "papers/noid.json",
        r#"{"type":"https://schema.oparl.org/1.1/Paper","name":"ohne id"}"#,
    );
    write(
        d,
        "meetings/8.json",
        &format!(
            r#"{{"id":"{b}/meeting/8","name":"Sondersitzung","start":"2020-04-01T18:00:00+02:00","organization":["{b}/org/99"]}}"#
        ),
    );

    let db = TestDb::new();
    let (ok, out, err) = import(&db.url, &d.display().to_string()).await;
    assert!(ok, "{out}\n{err}");
    assert!(out.contains("kein gültiges JSON"), "{out}");
    assert!(out.contains("Objekt ohne id"), "{out}");
    assert!(
        out.contains("meeting/8: Sitzung ohne bekanntes Gremium"),
        "{out}"
    );
    let c = &mut db.connect();
    let body = gremium::db::bodies::find_by_key(c, "gemeinde-beispielhausen")
        .expect("q")
        .expect("body imported with a key from its name");
    assert_eq!(
        body.ags.as_deref(),
        Some("05978012"),
        "leading zero restored"
    );
    assert_eq!(body.kind, "gemeinde");
    let org: (String, String) = organizations::table
        .select((organizations::name, organizations::kind))
        .first(c)
        .expect("org");
    assert_eq!(org, ("Gemeinderat".to_string(), "rat".to_string()));
    assert_eq!(
        count(c, "organizations"),
        1,
        "the deleted one was never imported"
    );
    let m: (String, Option<i64>) = meetings::table
        .select((meetings::name, meetings::location_id))
        .first(c)
        .expect("meeting");
    assert_eq!(m.0, "Gemeinderat (25. Sitzung)");
    assert!(m.1.is_some(), "location given as URL is resolved");
    let loc: (String, Option<String>) = locations::table
        .select((locations::description, locations::street_address))
        .first(c)
        .expect("loc");
    assert_eq!(
        loc,
        ("Rathaus".to_string(), None),
        "blank streetAddress dropped"
    );
    let f: (String, i64) = files::table
        .select((files::mime_type, files::size))
        .first(c)
        .expect("file");
    assert_eq!(f, ("application/pdf".to_string(), 0));
    let items: Vec<ItemRow> = agenda_items::table
        .order(agenda_items::position)
        .select((
            agenda_items::title,
            agenda_items::parent_id,
            agenda_items::outcome,
            agenda_items::votes_yes,
            agenda_items::votes_no,
            agenda_items::votes_abstain,
            agenda_items::paper_id,
        ))
        .load(c)
        .expect("items");
    assert_eq!(items.len(), 3);
    assert_eq!(
        (items[0].3, items[0].4, items[0].5),
        (Some(13), Some(0), Some(0)),
        "tally parsed"
    );
    assert!(items[0].6.is_some(), "the consultation links TOP and paper");
    assert!(items[1].1.is_some(), "1.1 is a sub-item of 1.");
    assert_eq!(items[1].2, None, "„gewählt“ stays text only");
    assert_eq!(items[2].5, Some(1));
    let p: (String, String, chrono::NaiveDate) = papers::table
        .select((papers::title, papers::paper_type, papers::date))
        .first(c)
        .expect("paper");
    assert_eq!(
        p.0, "Haushaltssatzung Entwurf",
        "a tab in a name becomes a space"
    );
    assert_eq!(p.1, "beschlussvorlage");
    assert_eq!(p.2, chrono::NaiveDate::from_ymd_opt(2020, 2, 1).expect("d"));
    let role: (String, bool) = consultations::table
        .select((consultations::role, consultations::authoritative))
        .first(c)
        .expect("consultation");
    assert_eq!(role, ("entscheidung".to_string(), true));
}

#[tokio::test]
async fn broken_servers_are_reported_per_url_and_nothing_imported_fails_the_run() {
    let app = spawn_demo_app().await;
    let db = TestDb::new();
    // an HTML page instead of JSON
    let (ok, out, err) = import(&db.url, &format!("{}/sitzungen", app.address)).await;
    assert!(!ok, "nothing imported must fail: {out}");
    assert!(out.contains("Antwort ist kein JSON"), "{out}");
    assert!(err.contains("nichts importiert"), "{err}");
    // an HTTP error
    let (ok, out, _) = import(&db.url, &format!("{}/oparl/v1.1/gibtsnicht", app.address)).await;
    assert!(!ok);
    assert!(out.contains("HTTP 404"), "{out}");
    // nobody listening
    let port = crate::helpers::free_port();
    let (ok, out, _) = import(
        &db.url,
        &format!("http://127.0.0.1:{port}/oparl/v1.1/system"),
    )
    .await;
    assert!(!ok);
    assert!(
        out.contains("nicht erreichbar") && out.contains("nach 3 Versuchen"),
        "{out}"
    );
}

/// Every object of an API, by list, normalized: URLs of the API and of
/// the portal replaced, extension properties OParl cannot carry dropped.
async fn export_of(address: &str) -> BTreeMap<String, Vec<String>> {
    fn norm(v: &Value, bases: &[&str]) -> Value {
        match v {
            Value::String(s) if bases.iter().any(|b| s.starts_with(b)) => {
                Value::String("<url>".into())
            }
            Value::Array(a) => Value::Array(a.iter().map(|x| norm(x, bases)).collect()),
            Value::Object(m) => Value::Object(
                m.iter()
                    .filter(|(k, _)| {
                        !matches!(
                            k.as_str(),
                            "gremium:integrationLinks"
                                | "gremium:factionTally"
                                | "gremium:deferredTo"
                                | "gremium:continues"
                                | "gremium:deferredToMeeting"
                                | "gremium:deferredToNextMeeting"
                        )
                    })
                    .map(|(k, x)| (k.clone(), norm(x, bases)))
                    .collect(),
            ),
            other => other.clone(),
        }
    }
    let get = |url: String| async move {
        reqwest::get(&url)
            .await
            .expect("GET")
            .json::<Value>()
            .await
            .expect("json")
    };
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let bodies = get(format!("{address}/oparl/v1.1/body?limit=500")).await;
    for b in bodies["data"].as_array().expect("bodies") {
        out.entry("body".into())
            .or_default()
            .push(norm(b, &[address]).to_string());
        for list in gremium::oparl::objects::BODY_LISTS {
            let mut url = Some(format!("{}?limit=500", b[*list].as_str().expect("list")));
            while let Some(u) = url {
                let page = get(u).await;
                for o in page["data"].as_array().expect("data") {
                    out.entry((*list).to_string())
                        .or_default()
                        .push(norm(o, &[address]).to_string());
                }
                url = page["links"]["next"].as_str().map(str::to_string);
            }
        }
    }
    for v in out.values_mut() {
        v.sort();
    }
    out
}

#[tokio::test]
async fn export_import_export_gives_the_same_data() {
    let a = spawn_demo_app().await;
    let db = TestDb::new();
    let (ok, out, err) = import(&db.url, &format!("{}/oparl/v1.1/system", a.address)).await;
    assert!(ok, "{out}\n{err}");
    assert!(
        out.contains("Keine Probleme"),
        "a clean export imports without problems: {out}"
    );
    let b = spawn_on(db, false).await;
    let first = export_of(&a.address).await;
    let second = export_of(&b.address).await;
    assert_eq!(
        first.keys().collect::<Vec<_>>(),
        second.keys().collect::<Vec<_>>()
    );
    for (list, objs) in &first {
        let other = &second[list];
        assert_eq!(objs.len(), other.len(), "{list}: count");
        for (x, y) in objs.iter().zip(other) {
            assert_eq!(x, y, "{list} differs");
        }
    }
    // a second import fetches only what changed since the first
    let paper = crate::helpers::find::paper_by_reference(&mut a.conn(), "2020/142");
    std::thread::sleep(std::time::Duration::from_millis(1100));
    diesel::update(papers::table.find(paper))
        .set((
            papers::title.eq("Integrationskonzept der Stadt Kamen (geänderter Titel)"),
            papers::updated_at.eq(gremium::db::now()),
        ))
        .execute(&mut a.conn())
        .expect("change at the source");
    let (ok, out, err) = import(&b.db.url, &format!("{}/oparl/v1.1/system", a.address)).await;
    assert!(ok, "{err}");
    assert!(out.contains("Hole Änderungen seit"), "{out}");
    assert!(out.contains("Keine Probleme"), "{out}");
    let titles: Vec<String> = papers::table
        .filter(papers::title.like("Integrationskonzept der Stadt Kamen%"))
        .select(papers::title)
        .load(&mut b.conn())
        .expect("titles");
    assert_eq!(
        titles,
        vec!["Integrationskonzept der Stadt Kamen (geänderter Titel)".to_string()]
    );
    let lines: Vec<&str> = out.lines().filter(|l| l.starts_with("Paper")).collect();
    assert_eq!(lines.len(), 1);
    let cols: Vec<&str> = lines[0].split_whitespace().collect();
    assert_eq!(cols[2], "1", "exactly one paper changed: {out}");
}

/// A server whose ids are not its working URLs (as Karlsruhe's: ids under
/// `/oparl/…`, API under `/ris/oparl/…`): the importer learns the rewrite
/// from the System object and still gets every object.
#[tokio::test]
async fn ids_that_are_not_the_working_urls_are_rewritten() {
    let port = crate::helpers::free_port();
    let a = crate::helpers::spawn_with(TestDb::new(), true, |s| {
        s.bind = format!("127.0.0.1:{port}");
        // ids claim a path prefix the server does not serve
        s.public_url = Some(format!("http://127.0.0.1:{port}/alt"));
    })
    .await;
    let (s, system, _) = {
        let r = reqwest::get(format!("{}/oparl/v1.1/system", a.address))
            .await
            .expect("GET");
        (
            r.status().as_u16(),
            r.json::<Value>().await.expect("json"),
            (),
        )
    };
    assert_eq!(s, 200);
    assert!(system["id"].as_str().unwrap_or("").contains("/alt/oparl/"));
    let db = TestDb::new();
    let (ok, out, err) = import(&db.url, &format!("{}/oparl/v1.1/system", a.address)).await;
    assert!(ok, "{out}\n{err}");
    assert!(
        out.contains("ids weichen von den abrufbaren Adressen ab"),
        "{out}"
    );
    let c = &mut db.connect();
    assert!(count(c, "meetings") >= 15, "{out}");
    assert!(count(c, "papers") >= 9, "{out}");
}

/// votes (yes, no, abstain) of the item with that title
fn votes(
    c: &mut gremium::db::DbConnection,
    title: &str,
) -> (Option<i32>, Option<i32>, Option<i32>) {
    agenda_items::table
        .filter(agenda_items::title.eq(title))
        .select((
            agenda_items::votes_yes,
            agenda_items::votes_no,
            agenda_items::votes_abstain,
        ))
        .first(c)
        .expect("item")
}

/// SD.NET-style result texts give the tally they state (and nothing they
/// do not state); tallies stored by an older mapping are corrected by the
/// next import; pages and OParl show the corrected tally and keep the text.
#[tokio::test]
async fn tallies_of_real_texts_are_read_and_old_wrong_ones_corrected_on_pages_and_in_oparl() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    let b = "https://sdnet.example.org/oparl/body/1";
    write(
        d,
        "body.json",
        &format!(
            r#"{{"id":"{b}","type":"https://schema.oparl.org/1.0/Body","name":"Gemeinde Zählhausen","modified":"2020-01-01T00:00:00+01:00"}}"#
        ),
    );
    write(
        d,
        "organizations/list.json",
        &format!(
            r#"{{"data":[{{"id":"{b}/org/1","body":"{b}","name":"Gemeinderat","organizationType":"Gremium","classification":"Parlament","modified":"2020-01-02T10:00:00+01:00"}}]}}"#
        ),
    );
    write(
        d,
        "meetings/7.json",
        &format!(
            r#"{{"id":"{b}/meeting/7","name":"Gemeinderat (3. Sitzung)","start":"2020-03-05T19:00:00+01:00","organization":["{b}/org/1"],"modified":"2020-03-06T10:00:00+01:00",
        "agendaItem":[
          {{"id":"{b}/ai/1","number":"1","order":1,"name":"Haushaltssatzung","public":true,"result":"einstimmig13 Ja-Stimmen, 0 Enthaltungen, 0 Nein-Stimmen","modified":"2020-03-06T10:00:00+01:00"}},
          {{"id":"{b}/ai/2","number":"2","order":2,"name":"Straßenbenennung","public":true,"result":"einstimmig, 1 Enthaltung CDU-Fraktion","modified":"2020-03-06T10:00:00+01:00"}},
          {{"id":"{b}/ai/3","number":"3","order":3,"name":"Bebauungsplan","public":true,"result":"1. Abstimmung: 5 Ja-Stimmen, 3 Nein-Stimmen 2. Abstimmung: 7 Ja-Stimmen, 1 Nein-Stimme","modified":"2020-03-06T10:00:00+01:00"}},
          {{"id":"{b}/ai/4","number":"4","order":4,"name":"Friedhofssatzung","public":true,"result":"mehrheitlich beschlossen bei 2 Gegenstimmen","modified":"2020-03-06T10:00:00+01:00"}}
        ]}}"#
        ),
    );
    let db = TestDb::new();
    let (ok, out, err) = import(&db.url, &d.display().to_string()).await;
    assert!(ok, "{out}\n{err}");
    let c = &mut db.connect();
    assert_eq!(votes(c, "Haushaltssatzung"), (Some(13), Some(0), Some(0)));
    assert_eq!(votes(c, "Straßenbenennung"), (None, None, Some(1)));
    assert_eq!(
        votes(c, "Bebauungsplan"),
        (None, None, None),
        "two votes: no tally"
    );
    assert_eq!(votes(c, "Friedhofssatzung"), (None, Some(2), None));

    // as an older mapping stored them: yes 0, no empty, abstain 0 — and a
    // run record from before the mapping had a version
    let set = |c: &mut gremium::db::DbConnection,
               title: &str,
               v: (Option<i32>, Option<i32>, Option<i32>)| {
        diesel::update(agenda_items::table.filter(agenda_items::title.eq(title)))
            .set((
                agenda_items::votes_yes.eq(v.0),
                agenda_items::votes_no.eq(v.1),
                agenda_items::votes_abstain.eq(v.2),
            ))
            .execute(c)
            .expect("old tally");
    };
    set(c, "Haushaltssatzung", (Some(0), None, Some(0)));
    set(c, "Bebauungsplan", (Some(5), Some(3), None));
    // a clerk corrected this one after the import: it stays as entered
    set(c, "Friedhofssatzung", (Some(9), Some(2), Some(1)));
    diesel::update(agenda_items::table.filter(agenda_items::title.eq("Friedhofssatzung")))
        .set(agenda_items::updated_at.eq(gremium::db::now() + chrono::Duration::days(1)))
        .execute(c)
        .expect("clerk edit");
    let summary: String = import_runs::table
        .order(import_runs::id.desc())
        .select(import_runs::summary)
        .first::<Option<String>>(c)
        .expect("run")
        .expect("summary");
    let mut old: Value = serde_json::from_str(&summary).expect("json");
    old.as_object_mut()
        .expect("object")
        .remove("result_mapping");
    diesel::update(import_runs::table)
        .set(import_runs::summary.eq(Some(old.to_string())))
        .execute(c)
        .expect("old run record");

    // the next import (nothing changed at the source) corrects them
    let (ok, out, err) = import(&db.url, &d.display().to_string()).await;
    assert!(ok, "{out}\n{err}");
    assert!(
        out.contains("2 gespeicherte Abstimmungsergebnisse neu gelesen"),
        "{out}"
    );
    assert_eq!(votes(c, "Haushaltssatzung"), (Some(13), Some(0), Some(0)));
    assert_eq!(votes(c, "Bebauungsplan"), (None, None, None));
    assert_eq!(votes(c, "Friedhofssatzung"), (Some(9), Some(2), Some(1)));
    // and only once
    let (ok, out, _) = import(&db.url, &d.display().to_string()).await;
    assert!(ok);
    assert!(!out.contains("neu gelesen"), "{out}");

    let item = |c: &mut gremium::db::DbConnection, title: &str| -> (i64, i64) {
        crate::helpers::find::item_by_title(c, title)
    };
    let (first, meeting) = item(c, "Haushaltssatzung");
    let (second, _) = item(c, "Straßenbenennung");
    let (third, _) = item(c, "Bebauungsplan");
    let app = spawn_on(db, false).await;
    let get = |path: String| {
        let client = app.client.clone();
        let url = format!("{}{path}", app.address);
        async move {
            let r = client.get(&url).send().await.expect("GET");
            assert_eq!(r.status().as_u16(), 200, "{url}");
            r.text().await.expect("body")
        }
    };
    // the meeting's agenda: the stated counts, never one that is not stated
    let page = get(format!("/sitzungen/{meeting}")).await;
    assert!(page.contains("Ja 13 · Nein 0 · Enthaltung 0"), "{page}");
    assert!(page.contains(">Enthaltung 1<"), "{page}");
    assert!(!page.contains("Ja 0"), "{page}");
    // the TOP page: unknown counts empty, not 0
    let page = get(format!("/tagesordnungspunkte/{second}")).await;
    assert!(
        page.contains(r#"<td data-label="Ja">–</td><td data-label="Nein">–</td><td data-label="Enthaltung">1</td><td data-label="abwesend">–</td>"#),
        "{page}"
    );
    // OParl: the corrected tally, the original text
    let json = |s: String| serde_json::from_str::<Value>(&s).expect("json");
    let a = json(get(format!("/oparl/v1.1/agendaitem/{first}")).await);
    assert_eq!(
        a["gremium:tally"],
        serde_json::json!({"yes": 13, "no": 0, "abstain": 0})
    );
    assert_eq!(
        a["result"],
        "einstimmig13 Ja-Stimmen, 0 Enthaltungen, 0 Nein-Stimmen"
    );
    let a = json(get(format!("/oparl/v1.1/agendaitem/{second}")).await);
    assert_eq!(a["gremium:tally"], serde_json::json!({"abstain": 1}));
    let a = json(get(format!("/oparl/v1.1/agendaitem/{third}")).await);
    assert!(a.get("gremium:tally").is_none(), "{a}");
    assert!(a["result"]
        .as_str()
        .is_some_and(|r| r.starts_with("1. Abstimmung")));
}
