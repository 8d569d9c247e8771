//! Calendar feeds: RFC 5545 output checked with four parsers (the `ical`
//! crate, the `icalendar` crate, ical.js from Thunderbird and python
//! icalendar), Berlin times across the DST switch, stable UIDs, rising
//! SEQUENCE, cancellations, validators, and no non-public text.

use std::process::Command;

use gremium::domain::UserRole;
use serde_json::Value;

use crate::backoffice_flow::{item_version, items_of_meeting, meeting_version, org_id};
use crate::helpers::{spawn_demo_app, TestApp};
use crate::session::{add_user, id_in, Session};

const SOZ: &str = "Sozial-, Teilhabe-, Generationen- und Familienausschuss";

/// A date in the given month of next year, as the form expects it.
fn next_year(month: u32, day: u32) -> String {
    let y = chrono::Datelike::year(&chrono::Local::now().date_naive()) + 1;
    format!("{y}-{month:02}-{day:02}")
}

async fn meeting_at(s: &Session, org: i64, date: &str, time: &str, name: &str) -> i64 {
    id_in(
        &s.post_ok(
            "/verwaltung/sitzungen",
            &[
                ("gremium", &org.to_string()),
                ("datum", date),
                ("beginn", time),
                ("bezeichnung", name),
            ],
        )
        .await,
    )
}

async fn feed(app: &TestApp, path: &str) -> (reqwest::header::HeaderMap, String) {
    let r = app
        .client
        .get(format!("{}{path}", app.address))
        .send()
        .await
        .expect("feed");
    assert_eq!(r.status().as_u16(), 200, "{path}");
    let h = r.headers().clone();
    (h, r.text().await.expect("text"))
}

/// Parse with the `ical` crate: (UID, SEQUENCE, STATUS, DTSTART) per event.
fn parse_ical_crate(text: &str) -> Vec<(String, String, String, String)> {
    let mut p = ical::IcalParser::new(std::io::BufReader::new(text.as_bytes()));
    let cal = p
        .next()
        .expect("one calendar")
        .expect("ical crate parses the feed");
    assert!(cal.timezones.iter().any(|tz| tz
        .properties
        .iter()
        .any(|p| p.name == "TZID" && p.value.as_deref() == Some("Europe/Berlin"))));
    cal.events
        .iter()
        .map(|e| {
            let get = |n: &str| {
                e.properties
                    .iter()
                    .find(|p| p.name == n)
                    .and_then(|p| p.value.clone())
                    .unwrap_or_default()
            };
            (get("UID"), get("SEQUENCE"), get("STATUS"), get("DTSTART"))
        })
        .collect()
}

pub fn parse_icalendar_crate(text: &str) -> usize {
    use icalendar::{Calendar, CalendarComponent};
    let cal: Calendar = text.parse().expect("icalendar crate parses the feed");
    cal.components
        .iter()
        .filter(|c| matches!(c, CalendarComponent::Event(_)))
        .count()
}

pub fn external(tool: &str, text: &str) -> Option<Value> {
    if std::env::var("GREMIUM_SKIP_EXTERNAL_PARSERS").as_deref() == Ok("1") {
        return None;
    }
    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("feed.ics");
    std::fs::write(&file, text).expect("write");
    let script = format!("{}/tests/tools/{tool}", env!("CARGO_MANIFEST_DIR"));
    let (cmd, hint) = if tool.ends_with(".js") {
        ("node", "scripts/test-tools.sh installs ical.js")
    } else if tool.starts_with("libical") {
        // Debian's python, where python3-gi and gir1.2-ical-3.0 live
        (
            "/usr/bin/python3",
            "scripts/test-tools.sh installs python3-gi and gir1.2-ical-3.0",
        )
    } else {
        ("python3", "scripts/test-tools.sh installs icalendar")
    };
    let out = Command::new(cmd)
        .arg(&script)
        .arg(&file)
        .output()
        .unwrap_or_else(|e| panic!("{cmd}: {e}"));
    assert!(
        out.status.success(),
        "{tool} failed ({hint}): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(serde_json::from_slice(&out.stdout).expect("json"))
}

/// libical parses the calendar without an error and its iTIP
/// restrictions for the METHOD (or for a plain calendar) hold.
pub fn libical_accepts(text: &str, method: Option<&str>, events: usize) {
    let Some(v) = external("libical_check.py", text) else {
        return;
    };
    assert_eq!(v["errors"], Value::Array(vec![]), "libical: {v}\n{text}");
    assert_eq!(v["restrictions_ok"], Value::Bool(true), "libical: {v}");
    assert_eq!(v["method"].as_str(), method, "libical: {v}");
    assert_eq!(v["events"].as_u64(), Some(events as u64), "libical: {v}");
}

pub fn lines_ok(text: &str) {
    assert!(text.starts_with("BEGIN:VCALENDAR\r\n"));
    assert!(text.ends_with("END:VCALENDAR\r\n"));
    for l in text.split("\r\n") {
        assert!(l.len() <= 75, "line of {} octets: {l}", l.len());
        assert!(!l.contains('\n') && !l.contains('\r'));
    }
}

#[tokio::test]
async fn committee_feed_is_correct_for_every_parser() {
    let app = spawn_demo_app().await;
    add_user(
        &app,
        "clerk@kamen.example",
        UserRole::Clerk,
        Some("stadt-kamen"),
        None,
    );
    let s = Session::login(&app, "clerk@kamen.example").await;
    let soz = org_id(&app, SOZ);
    let summer = meeting_at(
        &s,
        soz,
        &next_year(7, 9),
        "18:00",
        "Sommersitzung: Umwelt, Klima; Verkehr",
    )
    .await;
    let winter = meeting_at(&s, soz, &next_year(1, 14), "18:00", "Wintersitzung").await;
    for (m, t, part) in [(summer, "Ferienangebote für Kinder und Jugendliche in Kamen – ein sehr langer Titel, der über mehrere Zeilen gefaltet werden muss", "oe"), (summer, "Personalangelegenheit GEHEIMMARKER", "n")] {
        s.post_ok(&format!("/verwaltung/sitzungen/{m}/tops"), &[("titel", t), ("teil", part), ("version", &meeting_version(&app, m))]).await;
    }
    let (headers, text) = feed(&app, &format!("/gremien/{soz}/kalender.ics")).await;
    assert_eq!(
        headers.get("content-type").and_then(|v| v.to_str().ok()),
        Some("text/calendar; charset=utf-8")
    );
    lines_ok(&text);
    for needed in [
        "PRODID:",
        "VERSION:2.0",
        "X-WR-CALNAME:",
        "REFRESH-INTERVAL;VALUE=DURATION:PT1H",
        "BEGIN:VTIMEZONE",
        "TZID:Europe/Berlin",
    ] {
        assert!(text.contains(needed), "{needed}");
    }
    assert!(
        !text.contains("GEHEIMMARKER"),
        "no non-public title in a public feed"
    );
    assert!(
        text.replace("\r\n ", "")
            .contains("Sommersitzung: Umwelt\\, Klima\\; Verkehr"),
        "TEXT escaped"
    );

    // 1. the ical crate
    let events = parse_ical_crate(&text);
    let uid_summer = format!("sitzung-{summer}@127.0.0.1");
    let e = events
        .iter()
        .find(|e| e.0 == uid_summer)
        .expect("summer event");
    assert!(e.3.ends_with("T180000"), "18:00 Berlin in July: {}", e.3);
    let w = events
        .iter()
        .find(|e| e.0 == format!("sitzung-{winter}@127.0.0.1"))
        .expect("winter event");
    assert!(w.3.ends_with("T180000"), "18:00 Berlin in January: {}", w.3);
    // 2. the icalendar crate
    assert_eq!(parse_icalendar_crate(&text), events.len());
    // 5. libical with its RFC 5546 rules (METHOD:PUBLISH without an
    // ORGANIZER was rejected)
    libical_accepts(&text, None, events.len());
    // 3. ical.js and 4. python icalendar agree on the instants
    for tool in ["ical_check.js", "ical_check.py"] {
        let Some(v) = external(tool, &text) else {
            continue;
        };
        let list = v["events"].as_array().expect("events");
        assert_eq!(list.len(), events.len(), "{tool}");
        let find = |uid: &str| {
            list.iter()
                .find(|e| e["uid"] == uid)
                .unwrap_or_else(|| panic!("{tool}: {uid}"))
                .clone()
        };
        let se = find(&uid_summer);
        assert!(
            se["start_berlin"].as_str().unwrap_or("").ends_with("18:00"),
            "{tool}: {se}"
        );
        assert_eq!(
            se["start_utc"].as_str().unwrap_or("").get(11..16),
            Some("16:00"),
            "{tool}: CEST is UTC+2"
        );
        let we = find(&format!("sitzung-{winter}@127.0.0.1"));
        assert!(
            we["start_berlin"].as_str().unwrap_or("").ends_with("18:00"),
            "{tool}: {we}"
        );
        assert_eq!(
            we["start_utc"].as_str().unwrap_or("").get(11..16),
            Some("17:00"),
            "{tool}: CET is UTC+1"
        );
        assert!(
            se["summary"]
                .as_str()
                .unwrap_or("")
                .contains("Umwelt, Klima; Verkehr"),
            "{tool} unescapes"
        );
        assert!(
            se["description"]
                .as_str()
                .unwrap_or("")
                .contains("mehrere Zeilen gefaltet werden muss"),
            "{tool}: folded text intact"
        );
        assert!(!se["description"]
            .as_str()
            .unwrap_or("")
            .contains("GEHEIMMARKER"));
    }
}

#[tokio::test]
async fn edits_keep_the_uid_raise_the_sequence_and_cancellations_stay_in_the_feed() {
    let app = spawn_demo_app().await;
    add_user(
        &app,
        "clerk@kamen.example",
        UserRole::Clerk,
        Some("stadt-kamen"),
        None,
    );
    let s = Session::login(&app, "clerk@kamen.example").await;
    let soz = org_id(&app, SOZ);
    let m = meeting_at(&s, soz, &next_year(3, 10), "17:00", "Märzsitzung").await;
    let uid = format!("sitzung-{m}@127.0.0.1");
    let path = format!("/sitzungen/{m}/kalender.ics");
    let before = parse_ical_crate(&feed(&app, &path).await.1);
    assert_eq!(before.len(), 1);
    assert_eq!(before[0].0, uid);
    // reschedule across the DST switch (last Sunday of March)
    s.post_ok(
        &format!("/verwaltung/sitzungen/{m}"),
        &[
            ("bezeichnung", "Märzsitzung"),
            ("datum", &next_year(4, 7)),
            ("beginn", "17:00"),
            ("version", &meeting_version(&app, m)),
        ],
    )
    .await;
    let (_, text) = feed(&app, &path).await;
    let after = parse_ical_crate(&text);
    assert_eq!(after[0].0, uid, "UID stable across edits");
    assert!(
        after[0].1.parse::<i32>().expect("seq") > before[0].1.parse::<i32>().expect("seq"),
        "SEQUENCE rises"
    );
    assert!(
        after[0].3.ends_with("T170000"),
        "still 17:00 Berlin after the switch: {}",
        after[0].3
    );
    if let Some(v) = external("ical_check.py", &text) {
        assert_eq!(
            v["events"][0]["start_utc"]
                .as_str()
                .and_then(|t| t.get(11..16)),
            Some("15:00")
        );
    }
    // cancel: the event stays, marked cancelled, with a higher sequence
    s.post_ok(
        &format!("/verwaltung/sitzungen/{m}/status"),
        &[
            ("aktion", "absagen"),
            ("version", &meeting_version(&app, m)),
        ],
    )
    .await;
    let (_, text) = feed(&app, &format!("/gremien/{soz}/kalender.ics")).await;
    let events = parse_ical_crate(&text);
    let e = events
        .iter()
        .find(|e| e.0 == uid)
        .expect("cancelled meeting stays in the feed");
    assert_eq!(e.2, "CANCELLED");
    assert!(e.1.parse::<i32>().expect("seq") > after[0].1.parse::<i32>().expect("seq"));
    if let Some(v) = external("ical_check.js", &text) {
        let ev = v["events"]
            .as_array()
            .expect("events")
            .iter()
            .find(|x| x["uid"] == uid.as_str())
            .cloned()
            .expect("event");
        assert_eq!(ev["status"], "CANCELLED");
    }
}

#[tokio::test]
async fn feeds_answer_conditional_requests_with_304() {
    let app = spawn_demo_app().await;
    let soz = org_id(&app, SOZ);
    let path = format!("/gremien/{soz}/kalender.ics");
    for _ in 0..2 {
        // the second round is served from the page cache
        let r = app
            .client
            .get(format!("{}{path}", app.address))
            .send()
            .await
            .expect("get");
        let etag = r
            .headers()
            .get("etag")
            .and_then(|v| v.to_str().ok())
            .expect("etag")
            .to_string();
        let lm = r
            .headers()
            .get("last-modified")
            .and_then(|v| v.to_str().ok())
            .expect("last-modified")
            .to_string();
        let r = app
            .client
            .get(format!("{}{path}", app.address))
            .header("If-None-Match", &etag)
            .send()
            .await
            .expect("get");
        assert_eq!(r.status().as_u16(), 304);
        assert_eq!(
            r.headers().get("etag").and_then(|v| v.to_str().ok()),
            Some(etag.as_str())
        );
        let r = app
            .client
            .get(format!("{}{path}", app.address))
            .header("If-Modified-Since", &lm)
            .send()
            .await
            .expect("get");
        assert_eq!(r.status().as_u16(), 304);
        let r = app
            .client
            .get(format!("{}{path}", app.address))
            .header("If-None-Match", "\"anders\"")
            .send()
            .await
            .expect("get");
        assert_eq!(r.status().as_u16(), 200);
    }
    // pages advertise their feeds
    let page = app.page(&format!("/gremien/{soz}")).await;
    assert!(page.contains(&format!("<link rel=\"alternate\" type=\"text/calendar\" title=\"Sitzungskalender {SOZ}\" href=\"{}{path}\">", app.address)));
    assert!(page.contains("webcal://127.0.0.1"));
    assert!(page.contains("calendar.google.com") && page.contains("outlook.live.com"));
    // the other feeds exist too
    let body = feed(&app, "/koerperschaften/stadt-kamen/kalender.ics")
        .await
        .1;
    assert!(!parse_ical_crate(&body).is_empty());
    let person: i64 = {
        use diesel::prelude::*;
        use gremium::db::schema::memberships;
        memberships::table
            .filter(memberships::organization_id.eq(soz))
            .select(memberships::person_id)
            .first(&mut app.conn())
            .expect("member")
    };
    let p = feed(&app, &format!("/personen/{person}/kalender.ics"))
        .await
        .1;
    assert!(!parse_ical_crate(&p).is_empty());
    assert_eq!(app.get("/gremien/999999/kalender.ics").await.status, 404);
    assert_eq!(app.get("/gremien/abc/kalender.ics").await.status, 400);
}

#[tokio::test]
async fn a_members_private_feed_carries_non_public_titles_until_revoked() {
    let app = spawn_demo_app().await;
    add_user(
        &app,
        "clerk@kamen.example",
        UserRole::Clerk,
        Some("stadt-kamen"),
        None,
    );
    let s = Session::login(&app, "clerk@kamen.example").await;
    let soz = org_id(&app, SOZ);
    let m = meeting_at(&s, soz, &next_year(5, 5), "17:00", "Maisitzung").await;
    s.post_ok(
        &format!("/verwaltung/sitzungen/{m}/tops"),
        &[
            ("titel", "Grundstücksangelegenheit GEHEIMMARKER"),
            ("teil", "n"),
            ("version", &meeting_version(&app, m)),
        ],
    )
    .await;
    let top = items_of_meeting(&app, m)[0].0;
    let _ = item_version(&app, top);
    let person: i64 = {
        use diesel::prelude::*;
        use gremium::db::schema::memberships;
        memberships::table
            .filter(memberships::organization_id.eq(soz))
            .filter(memberships::end_date.is_null())
            .select(memberships::person_id)
            .first(&mut app.conn())
            .expect("member")
    };
    add_user(
        &app,
        "mitglied@kamen.example",
        UserRole::Member,
        None,
        Some(person),
    );
    let member = Session::login(&app, "mitglied@kamen.example").await;
    let loc = member.post_ok("/konto/kalender", &[]).await;
    let page = member.page(&loc).await;
    let start = page.find("/kalender/").expect("feed address shown once");
    let token: String = page[start + "/kalender/".len()..]
        .chars()
        .take_while(|c| c.is_ascii_hexdigit())
        .collect();
    assert_eq!(token.len(), 64);
    let private = format!("/kalender/{token}.ics");
    let (headers, text) = feed(&app, &private).await;
    assert!(
        text.contains("GEHEIMMARKER"),
        "private feed shows the non-public title"
    );
    assert_eq!(
        headers.get("cache-control").and_then(|v| v.to_str().ok()),
        Some("private, no-store")
    );
    lines_ok(&text);
    parse_ical_crate(&text);
    // calendar programs keep confidential events out of shared views
    let events = text.matches("BEGIN:VEVENT").count();
    assert!(events > 0);
    assert_eq!(
        text.matches("CLASS:CONFIDENTIAL").count(),
        events,
        "every private event is confidential"
    );
    // the address is not shown again
    assert!(!member.page("/konto").await.contains(&token));
    // public feeds still hide it, and are not confidential
    let public = feed(&app, &format!("/gremien/{soz}/kalender.ics")).await.1;
    assert!(!public.contains("GEHEIMMARKER"));
    assert!(!public.contains("CLASS:CONFIDENTIAL"));
    // revoked: gone; forged tokens: 404 as well
    member.post_ok("/konto/kalender/widerrufen", &[]).await;
    assert_eq!(app.get(&private).await.status, 404);
    assert_eq!(
        app.get(&format!("/kalender/{}.ics", "0".repeat(64)))
            .await
            .status,
        404
    );
    assert_eq!(app.get("/kalender/kurz.ics").await.status, 404);
}

#[tokio::test]
async fn atom_feeds_report_new_meetings_cancellations_and_papers() {
    let app = spawn_demo_app().await;
    add_user(
        &app,
        "clerk@kamen.example",
        UserRole::Clerk,
        Some("stadt-kamen"),
        None,
    );
    let s = Session::login(&app, "clerk@kamen.example").await;
    let soz = org_id(&app, SOZ);
    let m = meeting_at(
        &s,
        soz,
        &next_year(6, 2),
        "17:00",
        "Junisitzung <Sonder> & Co",
    )
    .await;
    s.post_ok(
        &format!("/verwaltung/sitzungen/{m}/status"),
        &[
            ("aktion", "absagen"),
            ("version", &meeting_version(&app, m)),
        ],
    )
    .await;
    let body = crate::backoffice_flow::kamen(&app);
    let public =
        crate::backoffice_flow::create_paper(&s, body, "Konzept Sprachförderung", true).await;
    let secret =
        crate::backoffice_flow::create_paper(&s, body, "Ankauf Grundstück GEHEIMMARKER", false)
            .await;
    for p in [public, secret] {
        s.post_ok(
            &format!("/verwaltung/vorlagen/{p}/beratungsfolge"),
            &[("gremium", &soz.to_string()), ("rolle", "vorberatung")],
        )
        .await;
    }
    for path in [
        format!("/gremien/{soz}/aktuelles.atom"),
        "/koerperschaften/stadt-kamen/aktuelles.atom".to_string(),
    ] {
        let r = app
            .client
            .get(format!("{}{path}", app.address))
            .send()
            .await
            .expect("atom");
        assert_eq!(r.status().as_u16(), 200);
        assert_eq!(
            r.headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok()),
            Some("application/atom+xml; charset=utf-8")
        );
        let xml = r.text().await.expect("xml");
        assert!(!xml.contains("GEHEIMMARKER"), "{path}: no non-public paper");
        if std::env::var("GREMIUM_SKIP_EXTERNAL_PARSERS").as_deref() == Ok("1") {
            continue;
        }
        let dir = tempfile::tempdir().expect("tmp");
        let file = dir.path().join("feed.atom");
        std::fs::write(&file, &xml).expect("write");
        let out = Command::new("python3")
            .arg(format!(
                "{}/tests/tools/atom_check.py",
                env!("CARGO_MANIFEST_DIR")
            ))
            .arg(&file)
            .output()
            .expect("python3");
        assert!(
            out.status.success(),
            "{path}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: Value = serde_json::from_slice(&out.stdout).expect("json");
        let titles: Vec<String> = v["entries"]
            .as_array()
            .expect("entries")
            .iter()
            .map(|e| e["title"].as_str().unwrap_or("").to_string())
            .collect();
        assert!(
            titles
                .iter()
                .any(|t| t.starts_with("Abgesagt: Junisitzung <Sonder> & Co")),
            "{path}: {titles:?}"
        );
        assert!(
            titles.iter().any(|t| t.contains("Konzept Sprachförderung")),
            "{path}: {titles:?}"
        );
    }
    let page = app.page(&format!("/gremien/{soz}")).await;
    assert!(page.contains(&format!("type=\"application/atom+xml\" title=\"Aktuelles: {SOZ}\" href=\"/gremien/{soz}/aktuelles.atom\"")));
}

/// The text of a feed with folded lines joined again.
fn unfolded(text: &str) -> String {
    text.replace("\r\n ", "")
}

/// Feeds keep each meeting's rendered event between requests (the feed
/// memo). A change by any writer — here plain SQL past the app, which
/// neither audits nor bumps the data version — must show in the next
/// request: agenda titles, a TOP turned non-public or deleted, the
/// committee's and the place's names.
#[tokio::test]
async fn feed_events_follow_every_change_even_from_outside_the_app() {
    use diesel::prelude::*;
    use gremium::db::schema::{agenda_items as a, locations, meetings as m, organizations as o};
    let app = crate::helpers::spawn_with(crate::helpers::TestDb::new(), true, |s| {
        s.page_cache = false
    })
    .await;
    let soz = org_id(&app, SOZ);
    let path = format!("/gremien/{soz}/kalender.ics");
    let first = unfolded(&feed(&app, &path).await.1);
    let mut c = app.conn();
    // a meeting of the feed with a place and a public top-level TOP
    let (meeting, item, loc): (i64, i64, i64) = a::table
        .inner_join(m::table)
        .filter(m::organization_id.eq(soz))
        .filter(m::deleted_at.is_null())
        .filter(m::location_id.is_not_null())
        .filter(a::public.eq(true))
        .filter(a::parent_id.is_null())
        .filter(a::deleted_at.is_null())
        .order(m::start_at.desc())
        .select((m::id, a::id, m::location_id.assume_not_null()))
        .first(&mut c)
        .expect("a meeting with a public TOP");
    assert!(first.contains(&format!("sitzung-{meeting}@")));
    // the same feed again comes from the memo: byte for byte the same
    assert_eq!(unfolded(&feed(&app, &path).await.1), first);

    diesel::update(a::table.find(item))
        .set(a::title.eq("Umbenannt AUSSENMARKER"))
        .execute(&mut c)
        .expect("rename TOP");
    let text = unfolded(&feed(&app, &path).await.1);
    assert!(text.contains("Umbenannt AUSSENMARKER"), "renamed TOP shown");

    diesel::update(a::table.find(item))
        .set(a::public.eq(false))
        .execute(&mut c)
        .expect("TOP non-public");
    let text = unfolded(&feed(&app, &path).await.1);
    assert!(
        !text.contains("AUSSENMARKER"),
        "a TOP turned non-public leaves the public feed at once"
    );
    diesel::update(a::table.find(item))
        .set((a::public.eq(true), a::deleted_at.eq(gremium::db::now())))
        .execute(&mut c)
        .expect("TOP deleted");
    assert!(!unfolded(&feed(&app, &path).await.1).contains("AUSSENMARKER"));

    diesel::update(o::table.find(soz))
        .set(o::name.eq("Ausschuss NAMENSMARKER"))
        .execute(&mut c)
        .expect("rename committee");
    diesel::update(locations::table.find(loc))
        .set(locations::description.eq("Ratssaal ORTSMARKER"))
        .execute(&mut c)
        .expect("rename place");
    let text = unfolded(&feed(&app, &path).await.1);
    let event = text
        .split("BEGIN:VEVENT")
        .find(|e| e.contains(&format!("sitzung-{meeting}@")))
        .expect("event of the meeting");
    assert!(event.contains("Ausschuss NAMENSMARKER"), "{event}");
    assert!(event.contains("LOCATION:Ratssaal ORTSMARKER"), "{event}");
}

/// The memo's blocks are the blocks built without it, before and after
/// an agenda change, on the database under test.
#[tokio::test]
async fn feed_memo_gives_the_same_events_as_building_them() {
    use diesel::prelude::*;
    use gremium::access::Audience;
    use gremium::feeds::{event_blocks, meetings_of, memo::EventMemo, Scope};
    let app = spawn_demo_app().await;
    let mut c = app.conn();
    let bodies: Vec<i64> = gremium::db::schema::bodies::table
        .select(gremium::db::schema::bodies::id)
        .load(&mut c)
        .expect("bodies");
    let list = bodies
        .into_iter()
        .map(|b| meetings_of(&mut c, &Scope::Body(b)).expect("meetings"))
        .max_by_key(|l| l.len())
        .expect("a body");
    assert!(list.len() >= 2, "{}", list.len());
    let memo = EventMemo::default();
    let base = "https://rat.example";
    for audience in [Audience::Public, Audience::Full] {
        let plain = event_blocks(&mut c, None, &list, audience, base).expect("plain");
        let kept = event_blocks(&mut c, Some(&memo), &list, audience, base).expect("first");
        let again = event_blocks(&mut c, Some(&memo), &list, audience, base).expect("again");
        assert_eq!(plain, kept);
        assert_eq!(plain, again);
        assert!(again
            .iter()
            .zip(&kept)
            .all(|(a, b)| std::sync::Arc::ptr_eq(a, b)));
    }
    assert_eq!(memo.len(), 2 * list.len());
    use gremium::db::schema::agenda_items as a;
    let (item, meeting): (i64, i64) = a::table
        .filter(a::meeting_id.eq_any(list.iter().map(|m| m.id)))
        .filter(a::deleted_at.is_null())
        .select((a::id, a::meeting_id))
        .first(&mut c)
        .expect("an agenda item");
    diesel::update(a::table.find(item))
        .set(a::position.eq(999))
        .execute(&mut c)
        .expect("move TOP");
    let plain = event_blocks(&mut c, None, &list, Audience::Full, base).expect("plain");
    let kept = event_blocks(&mut c, Some(&memo), &list, Audience::Full, base).expect("kept");
    assert_eq!(plain, kept, "moved TOP of meeting {meeting} renumbered");
}
