//! Bad input in back-office forms: the form comes back with the values
//! kept and German messages, 4xx, nothing stored; concurrent edits are
//! refused instead of overwritten.

use diesel::prelude::*;
use gremium::db::schema::*;
use gremium::domain::UserRole;

use crate::backoffice_flow::{
    create_meeting, create_paper, day, item_version, items_of_meeting, kamen, meeting_version,
    org_id, waiting_consultation,
};
use crate::helpers::spawn_demo_app;
use crate::session::{add_user, Session};

const SOZ: &str = "Sozial-, Teilhabe-, Generationen- und Familienausschuss";

#[tokio::test]
async fn invalid_forms_answer_with_messages_and_keep_the_input() {
    let app = spawn_demo_app().await;
    add_user(
        &app,
        "clerk@kamen.example",
        UserRole::Clerk,
        Some("stadt-kamen"),
        None,
    );
    let s = Session::login(&app, "clerk@kamen.example").await;
    let body = kamen(&app).to_string();
    let papers_before = crate::helpers::find::count(&mut app.conn(), "papers");

    // paper without title, with a bad date and an unknown related paper
    let p = s
        .post(
            "/verwaltung/vorlagen",
            &[
                ("koerperschaft", &body),
                ("typ", "antrag"),
                ("betreff", ""),
                ("datum", "31.02.2026"),
                (
                    "begruendung",
                    "Mein langer Text, der nicht verloren gehen darf.",
                ),
                ("bezuege", "1999/9999"),
            ],
        )
        .await;
    assert_eq!(p.status, 422);
    assert!(p.body.contains("Bitte einen Betreff angeben."));
    assert!(p.body.contains("kein gültiges Datum"));
    assert!(p
        .body
        .contains("Diese Vorlagennummern gibt es nicht: 1999/9999"));
    assert!(p
        .body
        .contains("Mein langer Text, der nicht verloren gehen darf."));
    assert_eq!(
        crate::helpers::find::count(&mut app.conn(), "papers"),
        papers_before
    );

    // meeting ending before it starts
    let soz = org_id(&app, SOZ).to_string();
    let p = s
        .post(
            "/verwaltung/sitzungen",
            &[
                ("gremium", &soz),
                ("datum", &day(60)),
                ("beginn", "18:00"),
                ("ende", "17:00"),
                ("bezeichnung", "Sondersitzung Integration"),
            ],
        )
        .await;
    assert_eq!(p.status, 422);
    assert!(p.body.contains("Das Ende muss nach dem Beginn liegen."));
    assert!(p.body.contains("Sondersitzung Integration"));
    let p = s
        .post(
            "/verwaltung/sitzungen",
            &[("gremium", &soz), ("datum", &day(60)), ("beginn", "25:99")],
        )
        .await;
    assert_eq!(p.status, 422);
    assert!(p.body.contains("keine gültige Uhrzeit"));

    // a TOP: tally larger than the members present, deferral into the past
    let paper = create_paper(&s, kamen(&app), "Tally-Test", true).await;
    s.post_ok(
        &format!("/verwaltung/vorlagen/{paper}/beratungsfolge"),
        &[("gremium", &soz), ("rolle", "entscheidung")],
    )
    .await;
    let m = create_meeting(&s, soz.parse().expect("id"), &day(700)).await;
    let c = waiting_consultation(&app, paper, soz.parse().expect("id"));
    s.post_ok(
        &format!("/verwaltung/sitzungen/{m}/tops"),
        &[
            ("beratung", &c.to_string()),
            ("version", &meeting_version(&app, m)),
        ],
    )
    .await;
    let top = items_of_meeting(&app, m)[0].0;
    // record attendance: three members present
    let ws = s.page(&format!("/verwaltung/sitzungen/{m}")).await;
    let people: Vec<String> = ws
        .match_indices("name=\"status_")
        .map(|(i, _)| ws[i + 13..].split('"').next().unwrap_or("").to_string())
        .collect();
    assert!(people.len() >= 3, "the committee has members to record");
    let mut att: Vec<(String, &str)> = people
        .iter()
        .take(3)
        .map(|p| (format!("status_{p}"), "anwesend"))
        .collect();
    att.extend(
        people
            .iter()
            .skip(3)
            .map(|p| (format!("status_{p}"), "entschuldigt")),
    );
    let att_ref: Vec<(&str, &str)> = att.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    s.post_ok(&format!("/verwaltung/sitzungen/{m}/anwesenheit"), &att_ref)
        .await;
    let p = s
        .post(
            &format!("/verwaltung/tops/{top}"),
            &[
                ("titel", "Tally-Test"),
                ("oeffentlich", "1"),
                ("ergebnis", "beschlossen"),
                ("ja", "5"),
                ("nein", "1"),
                ("protokoll", "Protokollnotiz bleibt erhalten"),
                ("version", &item_version(&app, top)),
            ],
        )
        .await;
    assert_eq!(p.status, 422);
    assert!(
        p.body
            .contains("6 Stimmen eingetragen, aber nur 3 Mitglieder"),
        "{}",
        crate::session::error_text(&p.body)
    );
    assert!(p.body.contains("Protokollnotiz bleibt erhalten"));
    let past: i64 = meetings::table
        .filter(meetings::organization_id.eq(soz.parse::<i64>().expect("id")))
        .filter(meetings::start_at.lt(gremium::db::now()))
        .select(meetings::id)
        .first(&mut app.conn())
        .expect("a past meeting of the committee");
    let p = s
        .post(
            &format!("/verwaltung/tops/{top}"),
            &[
                ("titel", "Tally-Test"),
                ("ergebnis", "vertagt"),
                ("vertagung", &past.to_string()),
                ("version", &item_version(&app, top)),
            ],
        )
        .await;
    assert_eq!(p.status, 422);
    assert!(p.body.contains("liegt in der Vergangenheit"));
    let p = s
        .post(
            &format!("/verwaltung/tops/{top}"),
            &[
                ("titel", "Tally-Test"),
                ("ergebnis", "vertagt"),
                ("version", &item_version(&app, top)),
            ],
        )
        .await;
    assert!(p.body.contains("auf welche Sitzung vertagt wird"));
    let outcome: Option<String> = agenda_items::table
        .find(top)
        .select(agenda_items::outcome)
        .first(&mut app.conn())
        .expect("item");
    assert_eq!(outcome, None, "nothing stored");
    // and the lifecycle refuses impossible steps
    let p = s
        .post(
            &format!("/verwaltung/sitzungen/{m}/status"),
            &[
                ("aktion", "niederschrift_veroeffentlichen"),
                ("version", &meeting_version(&app, m)),
            ],
        )
        .await;
    assert_eq!(p.status, 422);
    assert!(p
        .body
        .contains("Veröffentlicht werden kann nur eine genehmigte"));
    // garbage ids in URLs are 400/404, not 500
    assert_eq!(s.get("/verwaltung/vorlagen/abc").await.status, 400);
    assert_eq!(s.get("/verwaltung/tops/999999").await.status, 404);
}

#[tokio::test]
async fn the_second_of_two_concurrent_saves_is_refused_and_shows_what_changed() {
    let app = spawn_demo_app().await;
    add_user(
        &app,
        "anna@kamen.example",
        UserRole::Clerk,
        Some("stadt-kamen"),
        None,
    );
    add_user(
        &app,
        "bernd@kamen.example",
        UserRole::Clerk,
        Some("stadt-kamen"),
        None,
    );
    let anna = Session::login(&app, "anna@kamen.example").await;
    let bernd = Session::login(&app, "bernd@kamen.example").await;
    let body = kamen(&app).to_string();
    let paper = create_paper(&anna, kamen(&app), "Konzept Quartiersarbeit", true).await;
    let v = papers::table
        .find(paper)
        .select(papers::version)
        .first::<i32>(&mut app.conn())
        .expect("v")
        .to_string();
    // both opened the form at version v
    let base = |title: &'static str| {
        vec![
            ("koerperschaft", body.clone()),
            ("typ", "beschlussvorlage".to_string()),
            ("betreff", title.to_string()),
            ("datum", day(0)),
            ("oeffentlich", "1".to_string()),
            ("version", v.clone()),
        ]
    };
    let a = base("Konzept Quartiersarbeit (Fassung Anna)");
    let a: Vec<(&str, &str)> = a.iter().map(|(k, x)| (*k, x.as_str())).collect();
    anna.post_ok(&format!("/verwaltung/vorlagen/{paper}"), &a)
        .await;
    let b = base("Konzept Quartiersarbeit (Fassung Bernd)");
    let b: Vec<(&str, &str)> = b.iter().map(|(k, x)| (*k, x.as_str())).collect();
    let p = bernd
        .post(&format!("/verwaltung/vorlagen/{paper}"), &b)
        .await;
    assert_eq!(p.status, 409);
    assert!(p.body.contains("inzwischen geändert"));
    assert!(
        p.body.contains("anna@kamen.example"),
        "names who changed it"
    );
    assert!(
        p.body.contains("Fassung Anna") && p.body.contains("Fassung Bernd"),
        "shows both values"
    );
    let title: String = papers::table
        .find(paper)
        .select(papers::title)
        .first(&mut app.conn())
        .expect("t");
    assert_eq!(
        title, "Konzept Quartiersarbeit (Fassung Anna)",
        "nothing silently overwritten"
    );

    // the same on a TOP and on the agenda
    let soz = org_id(&app, SOZ);
    let m = create_meeting(&anna, soz, &day(720)).await;
    let mv = meeting_version(&app, m);
    anna.post_ok(
        &format!("/verwaltung/sitzungen/{m}/tops"),
        &[
            ("titel", "Bericht Integrationsrat"),
            ("teil", "oe"),
            ("version", &mv),
        ],
    )
    .await;
    let p = bernd
        .post(
            &format!("/verwaltung/sitzungen/{m}/tops"),
            &[
                ("titel", "Bericht Kita-Ausbau"),
                ("teil", "oe"),
                ("version", &mv),
            ],
        )
        .await;
    assert_eq!(p.status, 409);
    assert!(p.body.contains("Bericht Integrationsrat"));
    assert_eq!(items_of_meeting(&app, m).len(), 1);
    let top = items_of_meeting(&app, m)[0].0;
    let iv = item_version(&app, top);
    anna.post_ok(
        &format!("/verwaltung/tops/{top}"),
        &[
            ("titel", "Bericht Integrationsrat"),
            ("oeffentlich", "1"),
            ("ergebnis", "zur_kenntnis_genommen"),
            ("version", &iv),
        ],
    )
    .await;
    let p = bernd
        .post(
            &format!("/verwaltung/tops/{top}"),
            &[
                ("titel", "Bericht Integrationsrat"),
                ("oeffentlich", "1"),
                ("ergebnis", "abgelehnt"),
                ("version", &iv),
            ],
        )
        .await;
    assert_eq!(p.status, 409);
    assert!(p.body.contains("zur Kenntnis genommen") && p.body.contains("abgelehnt"));
    let outcome: Option<String> = agenda_items::table
        .find(top)
        .select(agenda_items::outcome)
        .first(&mut app.conn())
        .expect("o");
    assert_eq!(outcome.as_deref(), Some("zur_kenntnis_genommen"));
}

#[tokio::test]
async fn agenda_order_and_parts_are_built_without_javascript() {
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
    let m = create_meeting(&s, soz, &day(750)).await;
    for (t, part) in [
        ("Eröffnung", "oe"),
        ("Bericht", "oe"),
        ("Personalangelegenheit", "n"),
    ] {
        s.post_ok(
            &format!("/verwaltung/sitzungen/{m}/tops"),
            &[
                ("titel", t),
                ("teil", part),
                ("version", &meeting_version(&app, m)),
            ],
        )
        .await;
    }
    let bericht = items_of_meeting(&app, m)[1].0;
    s.post_ok(
        &format!("/verwaltung/sitzungen/{m}/tops"),
        &[
            ("titel", "Sprachkurse"),
            ("unterpunkt_von", &bericht.to_string()),
            ("version", &meeting_version(&app, m)),
        ],
    )
    .await;
    s.post_ok(
        &format!("/verwaltung/sitzungen/{m}/tops/{bericht}/hoch"),
        &[("version", &meeting_version(&app, m))],
    )
    .await;
    let ws = s.page(&format!("/verwaltung/sitzungen/{m}")).await;
    let pos = |t: &str| ws.find(t).unwrap_or_else(|| panic!("{t} on page"));
    assert!(pos("Bericht") < pos("Eröffnung"), "moved up");
    assert!(ws.contains("Ö 1.1"), "sub-item numbered");
    assert!(ws.contains("N 1"));
    // the public agenda shows the public part only
    let public = app.page(&format!("/sitzungen/{m}")).await;
    assert!(public.contains("Sprachkurse") && !public.contains("Personalangelegenheit"));
    // cancel and reschedule keep the meeting and bump its change counter
    let seq0: i32 = meetings::table
        .find(m)
        .select(meetings::sequence)
        .first(&mut app.conn())
        .expect("seq");
    s.post_ok(
        &format!("/verwaltung/sitzungen/{m}"),
        &[
            ("datum", &day(751)),
            ("beginn", "16:00"),
            ("version", &meeting_version(&app, m)),
        ],
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
    let seq1: i32 = meetings::table
        .find(m)
        .select(meetings::sequence)
        .first(&mut app.conn())
        .expect("seq");
    assert_eq!(seq1, seq0 + 2);
    let public = app.page(&format!("/sitzungen/{m}")).await;
    assert!(public.contains("Diese Sitzung wurde abgesagt."));
    assert!(public.contains("16:00"));
}

#[tokio::test]
async fn a_body_can_number_its_papers_through_the_legislative_term() {
    let app = spawn_demo_app().await;
    add_user(&app, "admin@example.org", UserRole::Admin, None, None);
    let admin = Session::login(&app, "admin@example.org").await;
    let bergkamen = gremium::db::bodies::find_by_key(&mut app.conn(), "stadt-bergkamen")
        .expect("q")
        .expect("body")
        .id;
    let p = admin
        .post(
            &format!("/verwaltung/koerperschaften/{bergkamen}"),
            &[("muster", "11/{nr")],
        )
        .await;
    assert_eq!(p.status, 400);
    assert!(p.body.contains("nicht geschlossen"));
    admin
        .post_ok(
            &format!("/verwaltung/koerperschaften/{bergkamen}"),
            &[("muster", "11/{nr}")],
        )
        .await;
    // the demo data holds 11/1450 and 11/1481: numbering continues after them
    let first = create_paper(&admin, bergkamen, "Integrationsrat: Bericht 2026", true).await;
    let second = create_paper(&admin, bergkamen, "Integrationsrat: Wahlvorbereitung", true).await;
    let refs: Vec<String> = papers::table
        .filter(papers::id.eq_any([first, second]))
        .order(papers::id)
        .select(papers::reference)
        .load(&mut app.conn())
        .expect("refs");
    assert_eq!(refs, vec!["11/1482".to_string(), "11/1483".to_string()]);
    let page = admin.page("/verwaltung/koerperschaften").await;
    assert!(page.contains("11/42"), "example shown");
}

#[tokio::test]
async fn a_non_public_paper_stays_in_the_non_public_part() {
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
    let paper = create_paper(
        &s,
        kamen(&app),
        "Anmietung Gemeinschaftsunterkunft GEHEIMMARKER",
        false,
    )
    .await;
    s.post_ok(
        &format!("/verwaltung/vorlagen/{paper}/beratungsfolge"),
        &[("gremium", &soz.to_string()), ("rolle", "entscheidung")],
    )
    .await;
    let m = create_meeting(&s, soz, &day(770)).await;
    s.post_ok(
        &format!("/verwaltung/sitzungen/{m}/tops"),
        &[
            ("titel", "Berichte"),
            ("teil", "oe"),
            ("version", &meeting_version(&app, m)),
        ],
    )
    .await;
    let public_parent = items_of_meeting(&app, m)[0].0.to_string();
    let c = waiting_consultation(&app, paper, soz).to_string();
    for extra in [("teil", "oe"), ("unterpunkt_von", public_parent.as_str())] {
        let p = s
            .post(
                &format!("/verwaltung/sitzungen/{m}/tops"),
                &[
                    ("beratung", &c),
                    extra,
                    ("version", &meeting_version(&app, m)),
                ],
            )
            .await;
        assert_eq!(p.status, 422, "{extra:?}");
        assert!(p.body.contains("nur im nichtöffentlichen Teil"));
    }
    // without a part it follows the paper into N
    s.post_ok(
        &format!("/verwaltung/sitzungen/{m}/tops"),
        &[("beratung", &c), ("version", &meeting_version(&app, m))],
    )
    .await;
    let top = items_of_meeting(&app, m)[1].0;
    let p = s
        .post(
            &format!("/verwaltung/tops/{top}"),
            &[
                ("titel", "Anmietung"),
                ("oeffentlich", "1"),
                ("version", &item_version(&app, top)),
            ],
        )
        .await;
    assert_eq!(p.status, 422);
    assert!(!app
        .page(&format!("/sitzungen/{m}"))
        .await
        .contains("GEHEIMMARKER"));
}

#[tokio::test]
async fn an_item_whose_sub_item_has_a_result_stays_on_the_agenda() {
    let app = spawn_demo_app().await;
    add_user(
        &app,
        "clerk@kamen.example",
        UserRole::Clerk,
        Some("stadt-kamen"),
        None,
    );
    let s = Session::login(&app, "clerk@kamen.example").await;
    let m = create_meeting(&s, org_id(&app, SOZ), &day(780)).await;
    s.post_ok(
        &format!("/verwaltung/sitzungen/{m}/tops"),
        &[
            ("titel", "Berichte"),
            ("teil", "oe"),
            ("version", &meeting_version(&app, m)),
        ],
    )
    .await;
    let parent = items_of_meeting(&app, m)[0].0;
    s.post_ok(
        &format!("/verwaltung/sitzungen/{m}/tops"),
        &[
            ("titel", "Bericht Kita"),
            ("unterpunkt_von", &parent.to_string()),
            ("version", &meeting_version(&app, m)),
        ],
    )
    .await;
    let child = items_of_meeting(&app, m)[1].0;
    s.post_ok(
        &format!("/verwaltung/tops/{child}"),
        &[
            ("titel", "Bericht Kita"),
            ("oeffentlich", "1"),
            ("ergebnis", "zur_kenntnis_genommen"),
            ("version", &item_version(&app, child)),
        ],
    )
    .await;
    let p = s
        .post(
            &format!("/verwaltung/sitzungen/{m}/tops/{parent}/entfernen"),
            &[("version", &meeting_version(&app, m))],
        )
        .await;
    assert_eq!(p.status, 422);
    assert!(p.body.contains("auch bei einem seiner Unterpunkte"));
    assert_eq!(items_of_meeting(&app, m).len(), 2);
}

/// Line breaks in single-line fields would reach mail subjects, calendar
/// SUMMARYs and feed titles as forged headers or properties: they are
/// turned into spaces when the form is read.
#[tokio::test]
async fn single_line_fields_lose_their_line_breaks() {
    let app = spawn_demo_app().await;
    add_user(
        &app,
        "sd-crlf@kamen.test",
        UserRole::Clerk,
        Some("stadt-kamen"),
        None,
    );
    let s = Session::login(&app, "sd-crlf@kamen.test").await;
    let council = org_id(&app, "Rat der Stadt Kamen");
    s.post_ok(
        "/verwaltung/sitzungen",
        &[
            ("gremium", &council.to_string()),
            (
                "bezeichnung",
                "Sondersitzung\r\nBcc: opfer@example.org\r\n\r\nX\tY",
            ),
            ("datum", &day(40)),
            ("beginn", "17:00"),
        ],
    )
    .await;
    let (id, name): (i64, String) = meetings::table
        .filter(meetings::name.like("Sondersitzung%"))
        .select((meetings::id, meetings::name))
        .first(&mut app.conn())
        .expect("meeting");
    assert_eq!(name, "Sondersitzung Bcc: opfer@example.org X Y");
    let ics = app
        .page(&format!("/sitzungen/{id}/kalender.ics"))
        .await
        .replace("\r\n ", "");
    let summary = ics
        .lines()
        .find(|l| l.starts_with("SUMMARY"))
        .expect("summary")
        .to_string();
    assert!(
        summary.contains("Sondersitzung Bcc: opfer@example.org X Y"),
        "{summary}"
    );
    assert!(!ics.lines().any(|l| l.starts_with("Bcc")), "{ics}");
}
