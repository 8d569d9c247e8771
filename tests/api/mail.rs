//! E-mail against a real SMTP server (aiosmtpd on loopback): double
//! opt-in, notifications with .ics, one-click unsubscribe, and the outbox
//! surviving an SMTP outage without losing or doubling a mail.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use diesel::prelude::*;
use gremium::db::schema::*;
use gremium::domain::UserRole;
use serde_json::Value;

use crate::backoffice_flow::{meeting_version, org_id};
use crate::helpers::{free_port, settings, spawn_with, TestApp, TestDb};
use crate::session::{add_user, client, id_in, Session};

const SOZ: &str = "Sozial-, Teilhabe-, Generationen- und Familienausschuss";

struct Smtp {
    child: Child,
    port: u16,
    dir: tempfile::TempDir,
}

impl Smtp {
    fn start_on(port: u16, dir: tempfile::TempDir) -> Smtp {
        let mut child = Command::new("python3")
            .arg(format!(
                "{}/tests/tools/smtp_sink.py",
                env!("CARGO_MANIFEST_DIR")
            ))
            .arg(port.to_string())
            .arg(dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python3 with aiosmtpd (scripts/test-tools.sh installs it)");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("ready line");
        assert_eq!(
            line.trim(),
            "ready",
            "SMTP sink did not start (aiosmtpd missing? scripts/test-tools.sh)"
        );
        Smtp { child, port, dir }
    }

    fn messages(&self) -> Vec<Value> {
        let out = Command::new("python3")
            .arg(format!(
                "{}/tests/tools/mail_check.py",
                env!("CARGO_MANIFEST_DIR")
            ))
            .arg(self.dir.path())
            .output()
            .expect("python3");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice::<Value>(&out.stdout)
            .expect("json")
            .as_array()
            .cloned()
            .unwrap_or_default()
    }
}

impl Drop for Smtp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn app_with_smtp(port: u16) -> (TestApp, gremium::mail::Worker) {
    let db = TestDb::new();
    let url = db.url.clone();
    let smtp = format!("smtp://127.0.0.1:{port}");
    let s2 = smtp.clone();
    let app = spawn_with(db, true, move |s| s.smtp_url = Some(s2)).await;
    let mut st = settings(&app.db);
    st.database_url = url.clone();
    st.smtp_url = Some(smtp);
    st.data_dir = app.data_dir.path().display().to_string();
    let pool =
        gremium::db::build_pool(&gremium::db::DbUrl::parse(&url).expect("url"), 2).expect("pool");
    let worker = gremium::mail::Worker {
        pool,
        settings: std::sync::Arc::new(st),
        base_url: app.address.clone(),
    };
    (app, worker)
}

/// A subscriber who has confirmed already (for tests about sending).
fn add_confirmed_subscriber(app: &TestApp, email: &str, org: i64) {
    let c = &mut app.conn();
    let id: i64 = diesel::insert_into(subscribers::table)
        .values((
            subscribers::email.eq(email),
            subscribers::confirmed_at.eq(Some(gremium::db::now())),
            subscribers::created_at.eq(gremium::db::now()),
            subscribers::updated_at.eq(gremium::db::now()),
        ))
        .returning(subscribers::id)
        .get_result(c)
        .expect("subscriber");
    diesel::insert_into(subscriber_organizations::table)
        .values((
            subscriber_organizations::subscriber_id.eq(id),
            subscriber_organizations::organization_id.eq(org),
        ))
        .execute(c)
        .expect("subscription");
}

/// The demo accounts include a committee member, who would get mails too.
fn quiet_demo_members(app: &TestApp) {
    diesel::update(users::table)
        .set(users::mail_opt_out.eq(true))
        .execute(&mut app.conn())
        .expect("opt out");
}

async fn round(w: &gremium::mail::Worker) -> usize {
    let w = w.clone();
    tokio::task::spawn_blocking(move || w.round())
        .await
        .expect("join")
        .expect("worker round")
}

async fn wait_for(smtp: &Smtp, n: usize) -> Vec<Value> {
    for _ in 0..100 {
        let m = smtp.messages();
        if m.len() >= n {
            return m;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    smtp.messages()
}

async fn post_anonymous(
    app: &TestApp,
    path: &str,
    fields: &[(&str, &str)],
) -> crate::helpers::Page {
    let r = client()
        .post(format!("{}{path}", app.address))
        .header("Origin", &app.address)
        .form(fields)
        .send()
        .await
        .expect("post");
    crate::helpers::Page::from(r).await
}

fn link_in(text: &str, prefix: &str) -> String {
    let i = text
        .find(prefix)
        .unwrap_or_else(|| panic!("no {prefix} in {text}"));
    text[i..]
        .split_whitespace()
        .next()
        .expect("link")
        .to_string()
}

#[tokio::test]
async fn double_opt_in_notifications_with_ics_and_one_click_unsubscribe() {
    let smtp = Smtp::start_on(free_port(), tempfile::tempdir().expect("dir"));
    let (app, worker) = app_with_smtp(smtp.port).await;
    quiet_demo_members(&app);
    let soz = org_id(&app, SOZ).to_string();

    // bad input: German messages, nothing stored
    let p = post_anonymous(
        &app,
        "/abonnieren",
        &[("email", "keine-adresse"), ("gremium", &soz)],
    )
    .await;
    assert_eq!(p.status, 422);
    assert!(p.body.contains("gültige E-Mail-Adresse"));
    let p = post_anonymous(
        &app,
        "/abonnieren",
        &[("email", "buerger@example.org"), ("gremium", "999999")],
    )
    .await;
    assert_eq!(p.status, 422);
    assert!(p.body.contains("Unbekanntes Gremium"));
    let none: i64 = subscribers::table
        .count()
        .get_result(&mut app.conn())
        .expect("count");
    assert_eq!(none, 0);

    // subscribe: only the confirmation mail is sent
    let p = post_anonymous(
        &app,
        "/abonnieren",
        &[("email", "Buerger@Example.org"), ("gremium", &soz)],
    )
    .await;
    assert_eq!(p.status, 200);
    assert!(p
        .body
        .contains("Wir haben eine E-Mail an buerger@example.org geschickt"));
    // a clerk schedules a meeting before the address is confirmed: no mail for it
    add_user(
        &app,
        "clerk@kamen.example",
        UserRole::Clerk,
        Some("stadt-kamen"),
        None,
    );
    let s = Session::login(&app, "clerk@kamen.example").await;
    let early = id_in(
        &s.post_ok(
            "/verwaltung/sitzungen",
            &[
                ("gremium", &soz),
                ("datum", &crate::backoffice_flow::day(300)),
                ("beginn", "17:00"),
            ],
        )
        .await,
    );
    assert_eq!(round(&worker).await, 1);
    let mails = wait_for(&smtp, 1).await;
    assert_eq!(mails.len(), 1, "{mails:?}");
    let confirm = &mails[0];
    assert_eq!(confirm["to"], "buerger@example.org");
    assert!(confirm["subject"]
        .as_str()
        .unwrap_or("")
        .contains("bestätigen"));
    let link = link_in(
        confirm["text"].as_str().unwrap_or(""),
        &format!("{}/abonnieren/bestaetigen/", app.address),
    );
    let path = link.trim_start_matches(&app.address).to_string();
    // a forged token is refused; the real one confirms (page, then button)
    assert_eq!(
        post_anonymous(
            &app,
            &format!("/abonnieren/bestaetigen/{}", "a".repeat(64)),
            &[]
        )
        .await
        .status,
        404
    );
    assert_eq!(app.get(&path).await.status, 200);
    let p = post_anonymous(&app, &path, &[]).await;
    assert_eq!(p.status, 200);
    assert!(p.body.contains("Abonnement bestätigt"));
    let _ = early;

    // invitation of a new meeting: mail with text, html and a REQUEST .ics
    let m = id_in(
        &s.post_ok(
            "/verwaltung/sitzungen",
            &[
                ("gremium", &soz),
                ("datum", &crate::backoffice_flow::day(320)),
                ("beginn", "18:00"),
                ("bezeichnung", "Sondersitzung Integration"),
            ],
        )
        .await,
    );
    s.post_ok(
        &format!("/verwaltung/sitzungen/{m}/tops"),
        &[
            ("titel", "Bericht des Integrationsrates"),
            ("teil", "oe"),
            ("version", &meeting_version(&app, m)),
        ],
    )
    .await;
    s.post_ok(
        &format!("/verwaltung/sitzungen/{m}/status"),
        &[
            ("aktion", "einladen"),
            ("version", &meeting_version(&app, m)),
        ],
    )
    .await;
    round(&worker).await;
    let mails = wait_for(&smtp, 3).await;
    let invitation = mails
        .iter()
        .find(|x| {
            x["subject"]
                .as_str()
                .unwrap_or("")
                .starts_with("Einladung und Tagesordnung")
        })
        .expect("invitation mail");
    assert!(mails.iter().any(|x| x["subject"]
        .as_str()
        .unwrap_or("")
        .starts_with("Neuer Sitzungstermin: Sondersitzung Integration")));
    assert_eq!(invitation["to"], "buerger@example.org");
    assert_eq!(
        invitation["types"],
        serde_json::json!([
            "multipart/mixed",
            "multipart/alternative",
            "text/plain",
            "text/html",
            "text/calendar"
        ])
    );
    assert!(invitation["text"]
        .as_str()
        .unwrap_or("")
        .contains("Bericht des Integrationsrates"));
    assert!(invitation["html"]
        .as_str()
        .unwrap_or("")
        .contains("Bericht des Integrationsrates"));
    assert_eq!(invitation["ics_method"], "REQUEST");
    let ics = invitation["ics"].as_str().unwrap_or("");
    assert!(ics.contains(&format!("UID:sitzung-{m}@127.0.0.1")));
    assert!(ics.contains("METHOD:REQUEST"));
    // RFC 5546: the sender as ORGANIZER, the recipient as ATTENDEE;
    // libical accepts the REQUEST
    let unfolded = ics.replace("\r\n ", "");
    assert!(
        unfolded.contains("ORGANIZER;CN=\"Gremium Test\":mailto:ratsinfo@gremium.test"),
        "{unfolded}"
    );
    assert!(
        unfolded
            .lines()
            .any(|l| l.starts_with("ATTENDEE;") && l.ends_with(":mailto:buerger@example.org")),
        "{unfolded}"
    );
    crate::calendar_feeds::libical_accepts(ics, Some("REQUEST"), 1);
    // a list mail sent by a program
    assert_eq!(
        invitation["list_id"],
        "Sitzungstermine <sitzungstermine.gremium.test>"
    );
    assert_eq!(invitation["auto_submitted"], "auto-generated");
    assert_eq!(confirm["auto_submitted"], "auto-generated");
    assert!(invitation["text"]
        .as_str()
        .unwrap_or("")
        .contains("weil Sie die Termine dieses Gremiums abonniert haben"));
    let unsubscribe = invitation["list_unsubscribe"]
        .as_str()
        .expect("List-Unsubscribe")
        .trim_matches(['<', '>'])
        .to_string();
    assert_eq!(
        invitation["list_unsubscribe_post"],
        "List-Unsubscribe=One-Click"
    );
    // the feed carries the same UID and SEQUENCE as the mail
    let feed = app.page(&format!("/sitzungen/{m}/kalender.ics")).await;
    let seq = |t: &str| {
        t.lines()
            .find(|l| l.starts_with("SEQUENCE:"))
            .map(|l| l.trim().to_string())
    };
    assert_eq!(seq(ics), seq(&feed));

    // cancellation: METHOD:CANCEL
    s.post_ok(
        &format!("/verwaltung/sitzungen/{m}/status"),
        &[
            ("aktion", "absagen"),
            ("version", &meeting_version(&app, m)),
        ],
    )
    .await;
    round(&worker).await;
    let mails = wait_for(&smtp, 4).await;
    let cancel = mails
        .iter()
        .find(|x| {
            x["subject"]
                .as_str()
                .unwrap_or("")
                .starts_with("Sitzung abgesagt")
        })
        .expect("cancellation");
    assert_eq!(cancel["ics_method"], "CANCEL");
    assert!(cancel["ics"]
        .as_str()
        .unwrap_or("")
        .contains("STATUS:CANCELLED"));
    crate::calendar_feeds::libical_accepts(cancel["ics"].as_str().unwrap_or(""), Some("CANCEL"), 1);

    // one-click unsubscribe as a mail provider does it: POST without Origin
    let r = reqwest::Client::new()
        .post(&unsubscribe)
        .body("List-Unsubscribe=One-Click")
        .header("Content-Type", "application/x-www-form-urlencoded")
        .send()
        .await
        .expect("post");
    assert_eq!(r.status().as_u16(), 200);
    let left: i64 = subscribers::table
        .count()
        .get_result(&mut app.conn())
        .expect("count");
    assert_eq!(left, 0, "address deleted");
    s.post_ok(
        &format!("/verwaltung/sitzungen/{m}/status"),
        &[
            ("aktion", "wieder_ansetzen"),
            ("version", &meeting_version(&app, m)),
        ],
    )
    .await;
    round(&worker).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        smtp.messages().len(),
        mails.len(),
        "nothing after unsubscribing"
    );

    // an expired confirmation link: 410 with a German message
    let p = post_anonymous(
        &app,
        "/abonnieren",
        &[("email", "spaet@example.org"), ("gremium", &soz)],
    )
    .await;
    assert_eq!(p.status, 200);
    round(&worker).await;
    let mails = wait_for(&smtp, mails.len() + 1).await;
    let last = mails
        .iter()
        .find(|x| x["to"] == "spaet@example.org")
        .expect("confirmation");
    let link = link_in(
        last["text"].as_str().unwrap_or(""),
        &format!("{}/abonnieren/bestaetigen/", app.address),
    );
    diesel::update(subscribers::table)
        .set(
            subscribers::confirm_expires_at
                .eq(Some(gremium::db::now() - chrono::Duration::hours(1))),
        )
        .execute(&mut app.conn())
        .expect("expire");
    let p = post_anonymous(&app, link.trim_start_matches(&app.address), &[]).await;
    assert_eq!(p.status, 410);
    assert!(p.body.contains("abgelaufen"));
}

#[tokio::test]
async fn two_hundred_queued_mails_survive_an_smtp_outage_exactly_once() {
    let port = free_port();
    // the SMTP server is down at first
    let (app, worker) = app_with_smtp(port).await;
    quiet_demo_members(&app);
    let soz = org_id(&app, SOZ);
    for i in 0..200 {
        add_confirmed_subscriber(&app, &format!("abo{i:03}@example.org"), soz);
    }
    add_user(
        &app,
        "clerk@kamen.example",
        UserRole::Clerk,
        Some("stadt-kamen"),
        None,
    );
    let s = Session::login(&app, "clerk@kamen.example").await;
    // the clerk's save works although SMTP is unreachable
    let m = id_in(
        &s.post_ok(
            "/verwaltung/sitzungen",
            &[
                ("gremium", &soz.to_string()),
                ("datum", &crate::backoffice_flow::day(330)),
                ("beginn", "17:00"),
            ],
        )
        .await,
    );
    assert_eq!(round(&worker).await, 0, "nothing can be sent");
    let pending: i64 = outbox::table
        .filter(outbox::status.eq("wartend"))
        .filter(outbox::meeting_id.eq(m))
        .count()
        .get_result(&mut app.conn())
        .expect("count");
    assert_eq!(pending, 200);
    let failed_once: i64 = outbox::table
        .filter(outbox::attempts.ge(1))
        .count()
        .get_result(&mut app.conn())
        .expect("count");
    assert!(failed_once > 0, "attempts were recorded");
    let admin = add_user(&app, "admin@example.org", UserRole::Admin, None, None);
    let _ = admin;
    let a = Session::login(&app, "admin@example.org").await;
    let page = a.page("/verwaltung/postausgang?status=wartend").await;
    assert!(
        page.contains("abo000@example.org") || page.contains("abo1"),
        "outbox page lists pending mails"
    );

    // the server comes back: everything arrives, once — with two workers
    // (separate pools, as two processes would have) racing for the rows
    let smtp = Smtp::start_on(port, tempfile::tempdir().expect("dir"));
    let second = gremium::mail::Worker {
        pool: gremium::db::build_pool(&gremium::db::DbUrl::parse(&app.db.url).expect("url"), 2)
            .expect("pool"),
        ..worker.clone()
    };
    for _ in 0..60 {
        tokio::join!(round(&worker), round(&second));
        let left: i64 = outbox::table
            .filter(outbox::status.ne("gesendet"))
            .count()
            .get_result(&mut app.conn())
            .expect("count");
        if left == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let mails = wait_for(&smtp, 200).await;
    assert_eq!(mails.len(), 200, "every mail arrived");
    let mut to: Vec<String> = mails
        .iter()
        .map(|x| x["to"].as_str().unwrap_or("").to_string())
        .collect();
    to.sort();
    to.dedup();
    assert_eq!(to.len(), 200, "each recipient exactly once");
    let mut ids: Vec<String> = mails
        .iter()
        .map(|x| x["message_id"].as_str().unwrap_or("").to_string())
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 200);
    // further rounds send nothing again
    assert_eq!(round(&worker).await, 0);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(smtp.messages().len(), 200);
}

#[tokio::test]
async fn without_smtp_mails_become_eml_files_and_reminders_come_before_the_meeting() {
    let db = TestDb::new();
    let url = db.url.clone();
    let app = spawn_with(db, true, |_| {}).await;
    quiet_demo_members(&app);
    let mut st = settings(&app.db);
    st.database_url = url.clone();
    st.data_dir = app.data_dir.path().display().to_string();
    let pool =
        gremium::db::build_pool(&gremium::db::DbUrl::parse(&url).expect("url"), 2).expect("pool");
    let worker = gremium::mail::Worker {
        pool,
        settings: std::sync::Arc::new(st),
        base_url: app.address.clone(),
    };
    let soz = org_id(&app, SOZ);
    add_confirmed_subscriber(&app, "leserin@example.org", soz);
    add_user(
        &app,
        "clerk@kamen.example",
        UserRole::Clerk,
        Some("stadt-kamen"),
        None,
    );
    let s = Session::login(&app, "clerk@kamen.example").await;
    // a meeting tomorrow: announced and, within the reminder window, reminded
    s.post_ok(
        "/verwaltung/sitzungen",
        &[
            ("gremium", &soz.to_string()),
            ("datum", &crate::backoffice_flow::day(1)),
            ("beginn", "23:00"),
        ],
    )
    .await;
    // sending touches no public page: the page cache stays valid
    let version = gremium::db::data_version(&mut app.conn()).expect("version");
    round(&worker).await;
    round(&worker).await;
    assert_eq!(
        gremium::db::data_version(&mut app.conn()).expect("version"),
        version
    );
    let dir = app.data_dir.path().join("mail-ausgang");
    let mut texts: Vec<String> = std::fs::read_dir(&dir)
        .expect("mail folder")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
        .map(|e| std::fs::read_to_string(e.path()).expect("eml"))
        .collect();
    texts.sort();
    assert_eq!(texts.len(), 2, "announcement and reminder");
    assert!(texts
        .iter()
        .any(|t| t.contains("Subject: Neuer Sitzungstermin")));
    assert!(texts
        .iter()
        .any(|t| t.contains("Subject: Erinnerung an die Sitzung")));
    // the reminder is sent once
    round(&worker).await;
    assert_eq!(std::fs::read_dir(&dir).expect("dir").count(), 2);
}

#[tokio::test]
async fn the_subscribe_form_is_rate_limited_and_does_not_reveal_known_addresses() {
    let db = TestDb::new();
    let app = spawn_with(db, true, |_| {}).await;
    let soz = org_id(&app, SOZ).to_string();
    let first = post_anonymous(
        &app,
        "/abonnieren",
        &[("email", "bekannt@example.org"), ("gremium", &soz)],
    )
    .await;
    let again = post_anonymous(
        &app,
        "/abonnieren",
        &[("email", "bekannt@example.org"), ("gremium", &soz)],
    )
    .await;
    let other = post_anonymous(
        &app,
        "/abonnieren",
        &[("email", "neu@example.org"), ("gremium", &soz)],
    )
    .await;
    assert_eq!((first.status, again.status, other.status), (200, 200, 200));
    assert_eq!(
        again.body.replace("bekannt@example.org", "X"),
        other.body.replace("neu@example.org", "X"),
        "same answer for known and new addresses"
    );
    for _ in 0..2 {
        post_anonymous(
            &app,
            "/abonnieren",
            &[("email", "x@example.org"), ("gremium", &soz)],
        )
        .await;
    }
    let p = post_anonymous(
        &app,
        "/abonnieren",
        &[("email", "y@example.org"), ("gremium", &soz)],
    )
    .await;
    assert_eq!(p.status, 429);
    assert!(p.body.contains("zu viele Bestellungen"));
    // the subscribe page is linked from the committee page
    assert!(app
        .page(&format!("/gremien/{soz}"))
        .await
        .contains(&format!("/abonnieren?gremium={soz}")));
}

#[tokio::test]
async fn members_get_their_committees_dates_unless_they_opt_out() {
    let smtp = Smtp::start_on(free_port(), tempfile::tempdir().expect("dir"));
    let (app, worker) = app_with_smtp(smtp.port).await;
    quiet_demo_members(&app);
    let soz = org_id(&app, SOZ);
    let person: i64 = memberships::table
        .filter(memberships::organization_id.eq(soz))
        .filter(memberships::end_date.is_null())
        .select(memberships::person_id)
        .first(&mut app.conn())
        .expect("member");
    add_user(
        &app,
        "ratsfrau@kamen.example",
        UserRole::Member,
        None,
        Some(person),
    );
    add_user(
        &app,
        "clerk@kamen.example",
        UserRole::Clerk,
        Some("stadt-kamen"),
        None,
    );
    let s = Session::login(&app, "clerk@kamen.example").await;
    let day = crate::backoffice_flow::day;
    s.post_ok(
        "/verwaltung/sitzungen",
        &[
            ("gremium", &soz.to_string()),
            ("datum", &day(340)),
            ("beginn", "17:00"),
        ],
    )
    .await;
    round(&worker).await;
    let mails = wait_for(&smtp, 1).await;
    let to: Vec<&str> = mails.iter().filter_map(|m| m["to"].as_str()).collect();
    assert!(to.contains(&"ratsfrau@kamen.example"), "{to:?}");
    // she never subscribed: the footer says why she gets it and where to
    // change it, and the invitation names her as a required participant
    let hers = mails
        .iter()
        .find(|m| m["to"] == "ratsfrau@kamen.example")
        .expect("her mail");
    for part in ["text", "html"] {
        let body = hers[part].as_str().unwrap_or("");
        assert!(
            body.contains(&format!("weil Sie Mitglied im Gremium „{SOZ}“ sind")),
            "{body}"
        );
        assert!(body.contains(&format!("{}/konto", app.address)), "{body}");
        assert!(!body.contains("abonniert"), "{body}");
    }
    let ics = hers["ics"].as_str().unwrap_or("").replace("\r\n ", "");
    assert!(
        ics.lines().any(|l| l.starts_with("ATTENDEE;")
            && l.contains("ROLE=REQ-PARTICIPANT")
            && l.ends_with(":mailto:ratsfrau@kamen.example")),
        "{ics}"
    );
    assert_eq!(hers["auto_submitted"], "auto-generated");
    assert_eq!(
        hers["list_id"],
        "Sitzungstermine <sitzungstermine.gremium.test>"
    );
    // one click in the mail switches it off; the account page switches it on again
    let unsubscribe = mails[0]["list_unsubscribe"]
        .as_str()
        .expect("header")
        .trim_matches(['<', '>'])
        .to_string();
    let r = reqwest::Client::new()
        .post(&unsubscribe)
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .expect("post");
    assert_eq!(r.status().as_u16(), 200);
    s.post_ok(
        "/verwaltung/sitzungen",
        &[
            ("gremium", &soz.to_string()),
            ("datum", &day(350)),
            ("beginn", "17:00"),
        ],
    )
    .await;
    round(&worker).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        smtp.messages().len(),
        mails.len(),
        "no mail after opting out"
    );
    let member = Session::login(&app, "ratsfrau@kamen.example").await;
    assert!(member
        .page("/konto")
        .await
        .contains("Terminnachrichten einschalten"));
    member
        .post_ok("/konto/benachrichtigungen", &[("benachrichtigen", "1")])
        .await;
    s.post_ok(
        "/verwaltung/sitzungen",
        &[
            ("gremium", &soz.to_string()),
            ("datum", &day(360)),
            ("beginn", "17:00"),
        ],
    )
    .await;
    round(&worker).await;
    assert_eq!(
        wait_for(&smtp, mails.len() + 1).await.len(),
        mails.len() + 1
    );
}

/// Saved searches: double opt-in, a digest of only the new public matches
/// through the outbox, nothing when nothing is new, one-click unsubscribe,
/// and the query's Atom feed.
#[tokio::test]
async fn saved_search_double_opt_in_digest_of_new_matches_and_atom() {
    let smtp = Smtp::start_on(free_port(), tempfile::tempdir().expect("dir"));
    let (app, worker) = app_with_smtp(smtp.port).await;
    quiet_demo_members(&app);
    let kamen = crate::backoffice_flow::kamen(&app);

    // a query that cannot run is not saved
    let p = post_anonymous(
        &app,
        "/suche/abonnieren",
        &[("email", "leserin@example.org"), ("suche", "q=*")],
    )
    .await;
    assert_eq!(p.status, 400);
    let p = post_anonymous(
        &app,
        "/suche/abonnieren",
        &[("email", "kaputt"), ("suche", "q=Spielplatz")],
    )
    .await;
    assert_eq!(p.status, 422);
    let none: i64 = saved_searches::table
        .count()
        .get_result(&mut app.conn())
        .expect("count");
    assert_eq!(none, 0);

    let p = post_anonymous(
        &app,
        "/suche/abonnieren",
        &[
            ("email", "Leserin@Example.org"),
            ("suche", "q=Spielplatz&art=vorlage"),
        ],
    )
    .await;
    assert_eq!(p.status, 200, "{}", crate::helpers::snippet(&p.body));
    assert!(p.body.contains("leserin@example.org"));

    // a matching paper before confirmation is not part of any digest
    add_user(
        &app,
        "sd-abo@kamen.test",
        UserRole::Clerk,
        Some("stadt-kamen"),
        None,
    );
    let s = Session::login(&app, "sd-abo@kamen.test").await;
    crate::backoffice_flow::create_paper(&s, kamen, "Spielplatz am Alten Markt", true).await;
    assert_eq!(round(&worker).await, 1);
    let mails = wait_for(&smtp, 1).await;
    assert_eq!(mails.len(), 1, "only the confirmation: {mails:?}");
    let text = mails[0]["text"].as_str().unwrap_or("").to_string();
    assert!(text.contains("„Spielplatz“ · Art: Vorlagen"), "{text}");
    let link = link_in(
        &text,
        &format!("{}/suche/abonnieren/bestaetigen/", app.address),
    );
    let path = link.trim_start_matches(&app.address).to_string();
    assert!(app.page(&path).await.contains("Jetzt bestätigen"));
    // (a paper of the very second of the confirmation would count as new)
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let p = post_anonymous(&app, &path, &[]).await;
    assert_eq!(p.status, 200);
    assert!(p.body.contains("bestätigt"));

    // nothing new yet: no digest
    assert_eq!(round(&worker).await, 0);

    // new public papers: one digest listing them (and not the older one);
    // a non-public one is never mentioned
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    crate::backoffice_flow::create_paper(&s, kamen, "Spielplatz Sesekeaue: Sanierung", true).await;
    crate::backoffice_flow::create_paper(
        &s,
        kamen,
        "Spielplatz Grundstückstausch vertraulich",
        false,
    )
    .await;
    // a digest covers whole seconds up to the one it runs in
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    assert_eq!(round(&worker).await, 1);
    let mails = wait_for(&smtp, 2).await;
    assert_eq!(mails.len(), 2, "{mails:?}");
    let digest = &mails[1];
    assert_eq!(digest["to"], "leserin@example.org");
    assert!(
        digest["subject"]
            .as_str()
            .unwrap_or("")
            .contains("1 neuer Treffer"),
        "{digest}"
    );
    let text = digest["text"].as_str().unwrap_or("").to_string();
    assert!(text.contains("Spielplatz Sesekeaue: Sanierung"), "{text}");
    assert!(!text.contains("Alten Markt"), "{text}");
    assert!(!text.contains("vertraulich"), "{text}");
    assert!(digest["html"]
        .as_str()
        .unwrap_or("")
        .contains("Spielplatz Sesekeaue"));
    let unsubscribe = digest["list_unsubscribe"]
        .as_str()
        .unwrap_or("")
        .to_string();
    assert!(unsubscribe.contains("/suche/abbestellen/"), "{unsubscribe}");

    // again: nothing new, nothing sent
    assert_eq!(round(&worker).await, 0);

    // the Atom feed of the query lists the public matches only
    let feed = app.page("/suche/feed.atom?q=Spielplatz&art=vorlage").await;
    assert!(feed.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\""));
    assert!(feed.contains("Spielplatz Sesekeaue: Sanierung"));
    assert!(feed.contains("Spielplatz am Alten Markt"));
    assert!(!feed.contains("vertraulich"));

    // one-click unsubscribe removes the saved search
    let path = link_in(&text, &format!("{}/suche/abbestellen/", app.address))
        .trim_start_matches(&app.address)
        .to_string();
    let p = post_anonymous(&app, &path, &[]).await;
    assert_eq!(p.status, 200);
    let left: i64 = saved_searches::table
        .count()
        .get_result(&mut app.conn())
        .expect("count");
    assert_eq!(left, 0);
    // a second click (mail providers retry) answers calmly
    let again = post_anonymous(&app, &path, &[]).await;
    assert_eq!(again.status, 200);
    assert!(again.body.contains("Bereits abbestellt"), "{}", again.body);
}
