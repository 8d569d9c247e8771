//! The clerk's whole path in the browser's place: a paper from creation
//! through Vorberatung (with one deferral) and Entscheidung to a published
//! resolution and public minutes, checked from the citizen's side.

use diesel::prelude::*;
use gremium::db::schema::*;
use gremium::domain::UserRole;

use crate::helpers::{spawn_demo_app, TestApp};
use crate::session::{add_user, error_text, id_in, Session};

pub fn org_id(app: &TestApp, name: &str) -> i64 {
    organizations::table
        .filter(organizations::name.eq(name))
        .select(organizations::id)
        .first(&mut app.conn())
        .expect("organization")
}

pub fn meeting_version(app: &TestApp, id: i64) -> String {
    meetings::table
        .find(id)
        .select(meetings::version)
        .first::<i32>(&mut app.conn())
        .expect("meeting")
        .to_string()
}

pub fn item_version(app: &TestApp, id: i64) -> String {
    agenda_items::table
        .find(id)
        .select(agenda_items::version)
        .first::<i32>(&mut app.conn())
        .expect("item")
        .to_string()
}

pub fn waiting_consultation(app: &TestApp, paper: i64, org: i64) -> i64 {
    consultations::table
        .filter(consultations::paper_id.eq(paper))
        .filter(consultations::organization_id.eq(org))
        .filter(consultations::meeting_id.is_null())
        .select(consultations::id)
        .first(&mut app.conn())
        .expect("waiting consultation")
}

pub fn items_of_meeting(app: &TestApp, meeting: i64) -> Vec<(i64, String, Option<i64>)> {
    agenda_items::table
        .filter(agenda_items::meeting_id.eq(meeting))
        .filter(agenda_items::deleted_at.is_null())
        .order(agenda_items::id)
        .select((
            agenda_items::id,
            agenda_items::title,
            agenda_items::continues_agenda_item_id,
        ))
        .load(&mut app.conn())
        .expect("items")
}

/// A date `days` from today as the form expects it.
pub fn day(days: i64) -> String {
    (chrono::Local::now().date_naive() + chrono::Duration::days(days))
        .format("%Y-%m-%d")
        .to_string()
}

pub async fn create_meeting(s: &Session, org: i64, date: &str) -> i64 {
    let loc = s
        .post_ok(
            "/verwaltung/sitzungen",
            &[
                ("gremium", &org.to_string()),
                ("datum", date),
                ("beginn", "17:00"),
                ("ende", "19:30"),
            ],
        )
        .await;
    id_in(&loc)
}

pub async fn set_state(s: &Session, app: &TestApp, meeting: i64, action: &str) {
    s.post_ok(
        &format!("/verwaltung/sitzungen/{meeting}/status"),
        &[
            ("aktion", action),
            ("version", &meeting_version(app, meeting)),
        ],
    )
    .await;
}

pub async fn create_paper(s: &Session, body: i64, title: &str, public: bool) -> i64 {
    let mut fields = vec![
        ("koerperschaft", body.to_string()),
        ("typ", "beschlussvorlage".to_string()),
        ("betreff", title.to_string()),
        ("datum", day(0)),
        (
            "beschlussvorschlag",
            "Der Rat beschließt das Konzept „Integration vor Ort“ in der vorgelegten Fassung."
                .to_string(),
        ),
        (
            "begruendung",
            "Das Konzept bündelt die Handlungsfelder Sprache, Bildung und Arbeit.".to_string(),
        ),
    ];
    if public {
        fields.push(("oeffentlich", "1".into()));
    }
    let f: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    id_in(&s.post_ok("/verwaltung/vorlagen", &f).await)
}

pub fn kamen(app: &TestApp) -> i64 {
    gremium::db::bodies::find_by_key(&mut app.conn(), "stadt-kamen")
        .expect("q")
        .expect("Kamen")
        .id
}

#[tokio::test]
async fn a_paper_goes_from_creation_through_two_committees_to_public_minutes() {
    let app = spawn_demo_app().await;
    add_user(
        &app,
        "sd@kamen.example",
        UserRole::Clerk,
        Some("stadt-kamen"),
        None,
    );
    let s = Session::login(&app, "sd@kamen.example").await;
    let body = kamen(&app);
    let soz = org_id(
        &app,
        "Sozial-, Teilhabe-, Generationen- und Familienausschuss",
    );
    let rat = org_id(&app, "Rat der Stadt Kamen");

    // 1. the paper, numbered automatically
    let paper = create_paper(&s, body, "Integrationskonzept „Integration vor Ort“", true).await;
    let edit = s.page(&format!("/verwaltung/vorlagen/{paper}")).await;
    let year = chrono::Local::now().format("%Y").to_string();
    let reference: String = papers::table
        .find(paper)
        .select(papers::reference)
        .first(&mut app.conn())
        .expect("paper");
    assert!(
        reference.starts_with(&format!("{year}/")) && reference.len() == 9,
        "reference {reference}"
    );
    assert!(edit.contains(&reference));

    // 2. Beratungsfolge: Vorberatung in the committee, decision in the council
    s.post_ok(
        &format!("/verwaltung/vorlagen/{paper}/beratungsfolge"),
        &[("gremium", &soz.to_string()), ("rolle", "vorberatung")],
    )
    .await;
    s.post_ok(
        &format!("/verwaltung/vorlagen/{paper}/beratungsfolge"),
        &[("gremium", &rat.to_string()), ("rolle", "entscheidung")],
    )
    .await;

    // 3. committee meeting far ahead, agenda from the waiting paper
    let m1 = create_meeting(&s, soz, &day(400)).await;
    let ws = s.page(&format!("/verwaltung/sitzungen/{m1}")).await;
    assert!(
        ws.contains(&reference),
        "the waiting paper is offered: {}",
        error_text(&ws)
    );
    let c1 = waiting_consultation(&app, paper, soz);
    s.post_ok(
        &format!("/verwaltung/sitzungen/{m1}/tops"),
        &[
            ("beratung", &c1.to_string()),
            ("version", &meeting_version(&app, m1)),
        ],
    )
    .await;
    s.post_ok(
        &format!("/verwaltung/sitzungen/{m1}/tops"),
        &[
            ("titel", "Mitteilungen der Verwaltung"),
            ("teil", "oe"),
            ("version", &meeting_version(&app, m1)),
        ],
    )
    .await;
    let items1 = items_of_meeting(&app, m1);
    assert_eq!(items1.len(), 2);
    let top1 = items1[0].0;
    set_state(&s, &app, m1, "einladen").await;
    // an item added after the invitation is a supplement (Nachtrag)
    s.post_ok(
        &format!("/verwaltung/sitzungen/{m1}/tops"),
        &[
            ("titel", "Anfrage zu Sprachkursen"),
            ("teil", "oe"),
            ("version", &meeting_version(&app, m1)),
        ],
    )
    .await;
    let ws = s.page(&format!("/verwaltung/sitzungen/{m1}")).await;
    assert!(ws.contains("Nachtrag"));
    set_state(&s, &app, m1, "durchfuehren").await;

    // 4. deferred to "the next meeting", which does not exist yet
    s.post_ok(
        &format!("/verwaltung/tops/{top1}"),
        &[
            ("titel", "Integrationskonzept „Integration vor Ort“"),
            ("oeffentlich", "1"),
            ("ergebnis", "vertagt"),
            ("vertagung", "naechste"),
            // the browser sends the pre-filled proposal back unchanged
            (
                "beschlusstext",
                "Der Rat beschließt das Konzept „Integration vor Ort“ in der vorgelegten Fassung.",
            ),
            (
                "protokoll",
                "Der Ausschuss möchte zuvor den Integrationsrat beteiligen.",
            ),
            ("version", &item_version(&app, top1)),
        ],
    )
    .await;
    let public_m1 = app.page(&format!("/sitzungen/{m1}")).await;
    assert!(public_m1.contains("vertagt"));
    let stored: Option<String> = agenda_items::table
        .find(top1)
        .select(agenda_items::resolution_text)
        .first(&mut app.conn())
        .expect("item");
    assert_eq!(stored, None, "a deferral stores no resolution text");

    // 5. the next committee meeting is created: the item lands on it
    let m2 = create_meeting(&s, soz, &day(430)).await;
    let items2 = items_of_meeting(&app, m2);
    assert_eq!(items2.len(), 1, "the deferred item is carried over");
    let (top2, title2, continues) = items2[0].clone();
    assert_eq!(continues, Some(top1));
    // the title stays the paper's; the link says where it comes from
    assert_eq!(title2, "Integrationskonzept „Integration vor Ort“");
    let public_m2 = app.page(&format!("/sitzungen/{m2}")).await;
    assert!(
        public_m2.contains("Fortsetzung von")
            && public_m2.contains(&format!("/tagesordnungspunkte/{top1}")),
        "deferral links back"
    );
    // linked both ways on the public pages
    let public_m1 = app.page(&format!("/sitzungen/{m1}")).await;
    assert!(
        public_m1.contains(&format!("/tagesordnungspunkte/{top2}")),
        "deferral links forward"
    );
    set_state(&s, &app, m2, "einladen").await;
    set_state(&s, &app, m2, "durchfuehren").await;
    s.post_ok(
        &format!("/verwaltung/tops/{top2}"),
        &[
            ("titel", &title2),
            ("oeffentlich", "1"),
            ("ergebnis", "empfohlen"),
            ("ja", "11"),
            ("nein", "2"),
            ("enthaltung", "1"),
            ("version", &item_version(&app, top2)),
        ],
    )
    .await;

    // 6. the council decides
    let m3 = create_meeting(&s, rat, &day(450)).await;
    let c3 = waiting_consultation(&app, paper, rat);
    s.post_ok(
        &format!("/verwaltung/sitzungen/{m3}/tops"),
        &[
            ("beratung", &c3.to_string()),
            ("version", &meeting_version(&app, m3)),
        ],
    )
    .await;
    let top3 = items_of_meeting(&app, m3)[0].0;
    // the resolution text starts as the proposal
    let form = s.page(&format!("/verwaltung/tops/{top3}")).await;
    assert!(form.contains("Der Rat beschließt das Konzept „Integration vor Ort“"));
    set_state(&s, &app, m3, "einladen").await;
    set_state(&s, &app, m3, "durchfuehren").await;
    // tallies per faction and a roll call of two members
    let spd = org_id(&app, "SPD-Fraktion im Rat der Stadt Kamen").to_string();
    let cdu = org_id(&app, "CDU-Fraktion im Rat der Stadt Kamen").to_string();
    let roll: Vec<(i64, String)> = memberships::table
        .inner_join(persons::table)
        .filter(memberships::organization_id.eq(rat))
        .filter(memberships::end_date.is_null())
        .order(persons::family_name)
        .select((persons::id, persons::family_name))
        .limit(2)
        .load(&mut app.conn())
        .expect("council members");
    assert_eq!(roll.len(), 2);
    let (nv1, nv2) = (format!("nv_{}", roll[0].0), format!("nv_{}", roll[1].0));
    let (s_ja, s_nein, c_ja, c_enth) = (
        format!("fv_{spd}_ja"),
        format!("fv_{spd}_nein"),
        format!("fv_{cdu}_ja"),
        format!("fv_{cdu}_enthaltung"),
    );
    s.post_ok(&format!("/verwaltung/tops/{top3}"), &[
        ("titel", "Integrationskonzept „Integration vor Ort“"), ("oeffentlich", "1"), ("ergebnis", "mehrheitlich_beschlossen"),
        ("ja", "30"), ("nein", "6"), ("enthaltung", "2"),
        ("beschlusstext", "Der Rat beschließt das Konzept „Integration vor Ort“ mit der Ergänzung des Integrationsrates."),
        ("protokoll", "Aussprache: Die Fraktionen begrüßen die Beteiligung des Integrationsrates."),
        (&s_ja, "17"), (&s_nein, "1"), (&c_ja, "13"), (&c_enth, "2"),
        (&nv1, "ja"), (&nv2, "nein"),
        ("version", &item_version(&app, top3)),
    ]).await;
    let top_page = app.page(&format!("/tagesordnungspunkte/{top3}")).await;
    assert!(
        top_page.contains(&roll[0].1) && top_page.contains(&roll[1].1),
        "named votes shown"
    );
    assert!(
        top_page.contains("SPD") && top_page.contains("17"),
        "faction tally shown"
    );

    // minutes are not public before publication
    assert_eq!(
        app.get(&format!("/sitzungen/{m3}/niederschrift"))
            .await
            .status,
        404
    );
    let draft = s.page(&format!("/sitzungen/{m3}/niederschrift")).await;
    assert!(draft.contains("Entwurf"));
    set_state(&s, &app, m3, "niederschrift_genehmigen").await;
    set_state(&s, &app, m3, "niederschrift_veroeffentlichen").await;

    // 7. what citizens see
    let p = app.page(&format!("/vorlagen/{paper}")).await;
    assert!(p.contains("Beschlossen"), "paper shows as decided");
    assert!(p.contains("mehrheitlich beschlossen"));
    assert!(p.contains("Rat der Stadt Kamen"));
    let minutes = app.page(&format!("/sitzungen/{m3}/niederschrift")).await;
    assert!(minutes.contains("mit der Ergänzung des Integrationsrates"));
    assert!(minutes.contains("Die Fraktionen begrüßen"));
    assert!(!minutes.contains("Entwurf"));

    // 8. the audit log names who did what
    let log = s
        .page(&format!("/verwaltung/protokoll?vorlage={paper}"))
        .await;
    assert!(log.contains("sd@kamen.example"));
    assert!(log.contains("Beratungsfolge ergänzt"));
    assert!(log.contains("mehrheitlich beschlossen"));
    let log = s.page(&format!("/verwaltung/protokoll?sitzung={m1}")).await;
    assert!(log.contains("Einladung veröffentlicht"));
    assert!(log.contains("Nachtrag"));
}

#[tokio::test]
async fn referral_adds_a_consultation_and_a_fixed_deferral_target_links_at_once() {
    let app = spawn_demo_app().await;
    add_user(
        &app,
        "clerk@kamen.example",
        UserRole::Clerk,
        Some("stadt-kamen"),
        None,
    );
    let s = Session::login(&app, "clerk@kamen.example").await;
    let body = kamen(&app);
    let soz = org_id(
        &app,
        "Sozial-, Teilhabe-, Generationen- und Familienausschuss",
    );
    let rat = org_id(&app, "Rat der Stadt Kamen");
    let paper = create_paper(&s, body, "Sprachkursangebote für Neuzugewanderte", true).await;
    s.post_ok(
        &format!("/verwaltung/vorlagen/{paper}/beratungsfolge"),
        &[("gremium", &rat.to_string()), ("rolle", "entscheidung")],
    )
    .await;
    let m1 = create_meeting(&s, rat, &day(500)).await;
    let m2 = create_meeting(&s, rat, &day(530)).await;
    let c = waiting_consultation(&app, paper, rat);
    s.post_ok(
        &format!("/verwaltung/sitzungen/{m1}/tops"),
        &[
            ("beratung", &c.to_string()),
            ("version", &meeting_version(&app, m1)),
        ],
    )
    .await;
    let top = items_of_meeting(&app, m1)[0].0;
    // deferral onto a chosen meeting: carried immediately
    s.post_ok(
        &format!("/verwaltung/tops/{top}"),
        &[
            ("titel", "Sprachkursangebote"),
            ("oeffentlich", "1"),
            ("ergebnis", "vertagt"),
            ("vertagung", &m2.to_string()),
            ("version", &item_version(&app, top)),
        ],
    )
    .await;
    let carried = items_of_meeting(&app, m2);
    assert_eq!(carried.len(), 1);
    assert_eq!(carried[0].2, Some(top));
    // referral to the committee adds a consultation there
    let top2 = carried[0].0;
    s.post_ok(
        &format!("/verwaltung/tops/{top2}"),
        &[
            ("titel", "Sprachkursangebote"),
            ("oeffentlich", "1"),
            ("ergebnis", "verwiesen"),
            ("verwiesen_an", &soz.to_string()),
            ("version", &item_version(&app, top2)),
        ],
    )
    .await;
    waiting_consultation(&app, paper, soz);
    let p = app.page(&format!("/vorlagen/{paper}")).await;
    assert!(p.contains("Sozial-, Teilhabe-, Generationen- und Familienausschuss"));
    // a later correction of the minutes text adds no second referral
    s.post_ok(
        &format!("/verwaltung/tops/{top2}"),
        &[
            ("titel", "Sprachkursangebote"),
            ("oeffentlich", "1"),
            ("ergebnis", "verwiesen"),
            ("verwiesen_an", &soz.to_string()),
            ("protokoll", "Korrigierte Fassung."),
            ("version", &item_version(&app, top2)),
        ],
    )
    .await;
    let steps: i64 = consultations::table
        .filter(consultations::paper_id.eq(paper))
        .filter(consultations::organization_id.eq(soz))
        .count()
        .get_result(&mut app.conn())
        .expect("count");
    assert_eq!(steps, 1);
    // the carried deferral is fixed until the carried TOP leaves the agenda
    let p = s
        .post(
            &format!("/verwaltung/tops/{top}"),
            &[
                ("titel", "Sprachkursangebote"),
                ("oeffentlich", "1"),
                ("ergebnis", "beschlossen"),
                ("version", &item_version(&app, top)),
            ],
        )
        .await;
    assert_eq!(p.status, 422);
    assert!(p.body.contains("bereits auf die Sitzung vom"));
    // saving it unchanged (minutes text only) still works
    s.post_ok(
        &format!("/verwaltung/tops/{top}"),
        &[
            ("titel", "Sprachkursangebote"),
            ("oeffentlich", "1"),
            ("ergebnis", "vertagt"),
            ("vertagung", &m2.to_string()),
            ("protokoll", "Vertagt wegen Beratungsbedarf."),
            ("version", &item_version(&app, top)),
        ],
    )
    .await;
    assert_eq!(items_of_meeting(&app, m2).len(), 1, "not carried twice");
}
