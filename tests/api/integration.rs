//! Integration concepts and funding programmes: the seed stories on the
//! public pages, the pooling rules (with the Kreis Unna numbers), links
//! and their limits, the non-public filter of the timelines, deadlines,
//! deleting with links, and bad input in the back-office forms.

use diesel::prelude::*;
use gremium::db::schema::*;
use gremium::domain::UserRole;

use crate::helpers::{find, spawn_demo_app, TestApp};
use crate::session::{add_user, error_text, id_in, Session};

fn concept_id(app: &TestApp, title: &str) -> i64 {
    integration_concepts::table
        .filter(integration_concepts::title.eq(title))
        .filter(integration_concepts::deleted_at.is_null())
        .select(integration_concepts::id)
        .first(&mut app.conn())
        .expect("concept")
}

fn programme_id(app: &TestApp, name: &str) -> i64 {
    funding_programmes::table
        .filter(funding_programmes::name.eq(name))
        .select(funding_programmes::id)
        .first(&mut app.conn())
        .expect("programme")
}

const KIM_UNNA: &str = "Kommunales Integrationsmanagement im Kreis Unna";
const KIM_AACHEN: &str = "Kommunales Integrationsmanagement in der StädteRegion Aachen";

fn programme_version(app: &TestApp, id: i64) -> String {
    funding_programmes::table
        .find(id)
        .select(funding_programmes::version)
        .first::<i32>(&mut app.conn())
        .expect("version")
        .to_string()
}

/// (participant, agreed) of a programme's stored allocations.
fn stored_allocations(app: &TestApp, id: i64) -> Vec<(String, Option<i32>)> {
    programme_allocations::table
        .filter(programme_allocations::programme_id.eq(id))
        .order(programme_allocations::position)
        .select((
            programme_allocations::participant,
            programme_allocations::agreed_centi,
        ))
        .load(&mut app.conn())
        .expect("allocations")
}

/// Position of `needle` in `hay`, failing with context when missing.
fn at(hay: &str, needle: &str) -> usize {
    hay.find(needle)
        .unwrap_or_else(|| panic!("„{needle}“ missing on the page"))
}

/// Values of all inputs named `name`, in page order.
fn input_values(html: &str, name: &str) -> Vec<String> {
    let marker = format!("name=\"{name}\" value=\"");
    html.match_indices(&marker)
        .map(|(i, _)| {
            let rest = &html[i + marker.len()..];
            rest[..rest.find('"').unwrap_or(0)].to_string()
        })
        .collect()
}

#[tokio::test]
async fn the_seed_stories_can_be_followed_on_concept_and_programme_pages() {
    let app = spawn_demo_app().await;
    let list = app.page("/integrationskonzepte").await;
    for t in [
        "Integrationskonzept der Stadt Kamen",
        "Kommunales Integrationskonzept für den Kreis Siegen-Wittgenstein",
        "Integrationskonzept des Kreises Coesfeld",
        "Integrationskonzept der Stadt Bergkamen",
    ] {
        assert!(list.contains(t), "{t} listed");
    }
    // filter by body and status
    let kamen_only = app
        .page("/integrationskonzepte?koerperschaft=stadt-kamen")
        .await;
    assert!(kamen_only.contains("Integrationskonzept der Stadt Kamen"));
    assert!(!kamen_only.contains("Kreises Coesfeld"));
    let adopted = app.page("/integrationskonzepte?status=beschlossen").await;
    assert!(adopted.contains("Kreises Coesfeld"));
    assert!(!adopted.contains("Stadt Bergkamen</td>"));

    // Kamen: presented, deferred to February, recommended, adopted by the council
    let kamen = concept_id(&app, "Integrationskonzept der Stadt Kamen");
    let page = app.page(&format!("/integrationskonzepte/{kamen}")).await;
    for f in [
        "Unterbringung und Finanzen",
        "Sprache und Bildung",
        "Qualifizierung und Arbeit",
        "Kultureller Austausch",
    ] {
        assert!(page.contains(f), "field of action {f}");
    }
    let timeline = &page[at(&page, "Beratungen und Beschlüsse")..];
    let deferred = at(timeline, "vertagt");
    let recommended = at(timeline, "Beschlussempfehlung");
    let adopted = at(timeline, "mehrheitlich beschlossen");
    assert!(
        deferred < recommended && recommended < adopted,
        "date order"
    );
    assert!(timeline.contains("24.11.2020") && timeline.contains("23.02.2021"));
    assert!(page.contains("Beschluss vertagt"), "status history");

    // Siegen-Wittgenstein: six fields of action
    let sw = concept_id(
        &app,
        "Kommunales Integrationskonzept für den Kreis Siegen-Wittgenstein",
    );
    let page = app.page(&format!("/integrationskonzepte/{sw}")).await;
    for f in [
        "Bildung und Erziehung",
        "Ausbildung, Übergang Schule – Beruf, Arbeitsmarktintegration",
        "Gesundheit – Pflege und Wohnen im Alter",
        "Bürgerschaftliches Engagement",
        "Politische Partizipation",
        "Interkulturelle Sensibilität – Interkulturelle Öffnung",
    ] {
        assert!(page.contains(f), "{f}");
    }

    // Coesfeld: recommended by the Integrationsausschuss, adopted by the Kreistag
    let co = concept_id(&app, "Integrationskonzept des Kreises Coesfeld");
    let page = app.page(&format!("/integrationskonzepte/{co}")).await;
    let t = &page[at(&page, "Beratungen und Beschlüsse")..];
    assert!(at(t, "09.11.2016") < at(t, "14.12.2016"));
    assert!(t.contains("Integrationsausschusses") && t.contains("Kreistages Coesfeld"));
    assert!(page.contains("Migrantenselbstorganisationen"));

    // KIM in the Kreis Unna: the pooling of seed 000
    let kim = programme_id(&app, KIM_UNNA);
    let page = app.page(&format!("/foerderprogramme/{kim}")).await;
    let kamen_row = &page[at(&page, ">Stadt Kamen</a>")..];
    let kamen_row = &kamen_row[..at(kamen_row, "</tr>")];
    for v in ["Mittelkreis", "0,85", "0,5", "1,0"] {
        assert!(kamen_row.contains(v), "Kamen row has {v}: {kamen_row}");
    }
    assert!(page.contains("= 2,5 verfügbar; vereinbart 2,5 Stellen"));
    assert!(page.contains("Geprüft: Alle vereinbarten Anteile sind förderfähig"));
    assert!(page.contains("Weiterleitungsvertrag"));
    assert!(page.contains("Kooperationsvereinbarung Mittelkreis"));
    assert!(
        page.contains("einstimmig beschlossen"),
        "Kamen's decision in the timeline"
    );
    assert!(page.contains("bis 31.12.2021"));

    // Bergkamen's § 14a project, January to October 2019
    let b14 = programme_id(
        &app,
        "Zuweisungen für Integrationsmaßnahmen nach § 14a TIntG NRW – Integrationsmanagement Bergkamen",
    );
    let page = app.page(&format!("/foerderprogramme/{b14}")).await;
    assert!(page.contains("01.01.2019 bis 31.10.2019"));
    assert!(page.contains("Bezirksregierung Arnsberg"));
    assert!(page.contains("11/1481") && page.contains("11/1450"));

    // StädteRegion Aachen: status report, module 3 at the Ausländerbehörde
    let ac = programme_id(&app, KIM_AACHEN);
    let page = app.page(&format!("/foerderprogramme/{ac}")).await;
    assert!(page.contains("Baustein 3: Ausländerbehörde"));
    assert!(page.contains("zur Kenntnis genommen"));
    assert!(
        page.contains(&format!("/foerderprogramme/{kim}")),
        "same state programme elsewhere"
    );

    // the paper and its TOPs name the programme and the concept they serve
    let kim_paper = find::paper_by_reference(&mut app.conn(), "2020/151");
    let page = app.page(&format!("/vorlagen/{kim_paper}")).await;
    let refs = &page[at(&page, "Integrationskonzepte und Förderprogramme")..];
    assert!(refs.contains("Kommunales Integrationsmanagement im Kreis Unna (KIM)"));
    assert!(refs.contains("Baustein 2: Rechtskreisübergreifendes Case Management"));
    assert!(refs.contains("Integrationskonzept der Stadt Kamen"));
    let (top, _) = find::item_by_title(
        &mut app.conn(),
        "Teilnahme am Förderprogramm „Kommunales Integrationsmanagement“ – Weiterleitungsvertrag",
    );
    let page = app.page(&format!("/tagesordnungspunkte/{top}")).await;
    assert!(page.contains("beschließt die Teilnahme"));

    // lists with filters
    let progs = app
        .page("/foerderprogramme?koerperschaft=staedteregion-aachen")
        .await;
    assert!(progs.contains("StädteRegion Aachen (KIM)"));
    assert!(!progs.contains("im Kreis Unna"));
    let ended = app.page("/foerderprogramme?phase=beendet").await;
    assert!(ended.contains("im Kreis Unna") && !ended.contains("in der StädteRegion Aachen (KIM)"));
    let bad = app.get("/foerderprogramme?phase=irgendwann").await;
    assert_eq!(bad.status, 400);
    assert!(bad.body.contains("gibt es nicht"));
    let bad = app
        .get("/integrationskonzepte?koerperschaft=atlantis")
        .await;
    assert_eq!(bad.status, 400);
}

#[tokio::test]
async fn the_exports_are_csv_for_spreadsheets() {
    let app = spawn_demo_app().await;
    let kim = programme_id(&app, KIM_UNNA);
    let p = app
        .get(&format!("/foerderprogramme/{kim}/zuteilungen.csv"))
        .await;
    assert_eq!(p.status, 200);
    assert!(p.content_type.starts_with("text/csv"));
    assert!(
        p.body.starts_with('\u{feff}'),
        "BOM for spreadsheet programs"
    );
    assert!(p.body.contains("Stadt Kamen;Mittelkreis;0,85;;;0,5;1,0;"));
    assert!(p
        .body
        .contains("Stadt Lünen;;1,76;0,29;Mittelkreis;1,5;1,0;"));
    assert!(p.body.contains("Summe;;8,0;"));
    let kamen = concept_id(&app, "Integrationskonzept der Stadt Kamen");
    let p = app
        .get(&format!("/integrationskonzepte/{kamen}/verknuepfungen.csv"))
        .await;
    assert_eq!(p.status, 200);
    let lines: Vec<&str> = p.body.lines().collect();
    assert!(lines[0].contains("Datum;Körperschaft;Art"));
    assert!(p.body.contains("vertagt"));
    assert!(p.body.contains("/vorlagen/"));
    let p = app.get("/foerderprogramme/999999/zuteilungen.csv").await;
    assert_eq!(p.status, 404);
}

fn unna_clerk(app: &TestApp) -> &'static str {
    add_user(
        app,
        "sd@kreis-unna.example",
        UserRole::Clerk,
        Some("kreis-unna"),
        None,
    );
    "sd@kreis-unna.example"
}

/// The Mittelkreis rows of seed 000 plus Lünen's waiver, as form fields.
fn mittelkreis_rows(agreed: [&str; 4]) -> Vec<(&'static str, String)> {
    let rows = [
        ("Stadt Kamen", "Mittelkreis", "0,85", "", ""),
        ("Stadt Bergkamen", "Mittelkreis", "0,99", "", ""),
        ("Gemeinde Bönen", "Mittelkreis", "0,37", "", ""),
        ("Stadt Lünen", "", "1,76", "0,29", "Mittelkreis"),
    ];
    let mut out = Vec::new();
    for (i, (name, pool, computed, waived, to)) in rows.iter().enumerate() {
        out.push(("teilnehmer", name.to_string()));
        out.push(("koerperschaft", String::new()));
        out.push(("verbund", pool.to_string()));
        out.push(("rechenanteil", computed.to_string()));
        out.push(("verzicht", waived.to_string()));
        out.push(("verzicht_an", to.to_string()));
        out.push(("foerderfaehig", String::new()));
        out.push(("vereinbart", agreed[i].to_string()));
        out.push(("betrag", String::new()));
        out.push(("anmerkung", String::new()));
    }
    out
}

async fn post_rows(
    s: &Session,
    app: &TestApp,
    id: i64,
    rows: &[(&'static str, String)],
    action: &str,
) -> crate::helpers::Page {
    let version = programme_version(app, id);
    let mut fields: Vec<(&str, &str)> = vec![("version", &version), ("aktion", action)];
    fields.extend(rows.iter().map(|(k, v)| (*k, v.as_str())));
    s.post(
        &format!("/verwaltung/foerderprogramme/{id}/zuteilungen"),
        &fields,
    )
    .await
}

#[tokio::test]
async fn pooling_follows_the_rules_and_explains_every_violation() {
    let app = spawn_demo_app().await;
    let s = Session::login(&app, unna_clerk(&app)).await;
    let kim = programme_id(&app, KIM_UNNA);
    let before = stored_allocations(&app, kim);
    assert_eq!(before.len(), 10);

    // the helper proposes the Mittelkreis distribution from the shares
    let p = post_rows(
        &s,
        &app,
        kim,
        &mittelkreis_rows(["", "", "", ""]),
        "vorschlag",
    )
    .await;
    assert_eq!(p.status, 200, "{}", error_text(&p.body));
    assert!(p.body.contains("noch nicht gespeichert"));
    let agreed = input_values(&p.body, "vereinbart");
    assert_eq!(
        &agreed[..4],
        ["1,0", "1,0", "0,5", "1,0"],
        "Kamen 1,0, Bergkamen 1,0, Bönen 0,5"
    );
    let fundable = input_values(&p.body, "foerderfaehig");
    assert_eq!(fundable[0], "0,5", "Kamen alone: only 0,5 fundable");
    assert_eq!(
        stored_allocations(&app, kim),
        before,
        "a proposal is not saved"
    );

    // 0,85 is not a multiple of the fundable unit
    let p = post_rows(
        &s,
        &app,
        kim,
        &mittelkreis_rows(["0,85", "1,0", "0,5", "1,0"]),
        "speichern",
    )
    .await;
    assert_eq!(p.status, 422);
    assert!(p.body.contains(
        "Stadt Kamen: 0,85 Stellen sind kein Vielfaches der förderfähigen Einheit von 0,5 Stellen."
    ));
    // the pool holds 2,5 (2,21 from its members, 0,29 waived by Lünen)
    let p = post_rows(
        &s,
        &app,
        kim,
        &mittelkreis_rows(["1,0", "1,0", "1,0", "1,0"]),
        "speichern",
    )
    .await;
    assert_eq!(p.status, 422);
    assert!(
        p.body.contains(
            "Verbund Mittelkreis: vereinbart sind 3,0 Stellen, zur Verfügung stehen nur 2,5"
        ),
        "{}",
        error_text(&p.body)
    );
    // more than the programme's 8,0 positions
    let p = post_rows(
        &s,
        &app,
        kim,
        &mittelkreis_rows(["1,0", "1,0", "0,5", "6,0"]),
        "speichern",
    )
    .await;
    assert_eq!(p.status, 422);
    assert!(p
        .body
        .contains("übersteigen die Gesamtzahl des Programms (8,0) um 0,5"));
    // negative and non-numeric FTE
    let mut rows = mittelkreis_rows(["1,0", "1,0", "0,5", "1,0"]);
    rows[3].1 = "-0,85".into();
    rows[13].1 = "viel".into();
    let p = post_rows(&s, &app, kim, &rows, "speichern").await;
    assert_eq!(p.status, 422);
    assert!(p.body.contains("Rechenanteil darf nicht negativ sein."));
    assert!(p
        .body
        .contains("Rechenanteil: „viel“ ist keine gültige Zahl"));
    assert!(
        p.body.contains("value=\"viel\""),
        "the entry stays in the form"
    );
    assert_eq!(
        stored_allocations(&app, kim),
        before,
        "nothing stored after refusals"
    );

    // only bodies of the programme's area can have an allocation
    let coesfeld = gremium::db::bodies::find_by_key(&mut app.conn(), "kreis-coesfeld")
        .expect("q")
        .expect("Coesfeld")
        .id
        .to_string();
    let mut rows = mittelkreis_rows(["1,0", "1,0", "0,5", "1,0"]);
    rows[1].1 = coesfeld;
    let p = post_rows(&s, &app, kim, &rows, "speichern").await;
    assert_eq!(p.status, 422);
    assert!(p.body.contains("gehört nicht zum Gebiet dieses Programms"));

    // the valid distribution is saved
    let p = post_rows(
        &s,
        &app,
        kim,
        &mittelkreis_rows(["1,0", "1,0", "0,5", "1,0"]),
        "speichern",
    )
    .await;
    assert_eq!(p.status, 303, "{}", error_text(&p.body));
    let after = stored_allocations(&app, kim);
    assert_eq!(
        after,
        vec![
            ("Stadt Kamen".to_string(), Some(100)),
            ("Stadt Bergkamen".to_string(), Some(100)),
            ("Gemeinde Bönen".to_string(), Some(50)),
            ("Stadt Lünen".to_string(), Some(100)),
        ]
    );
    let page = app.page(&format!("/foerderprogramme/{kim}")).await;
    assert!(page.contains("vereinbart 2,5 Stellen"));
    // a save against an older version is refused
    let mut fields: Vec<(&str, &str)> = vec![("version", "1"), ("aktion", "speichern")];
    let rows = mittelkreis_rows(["0,5", "1,0", "0,5", "1,0"]);
    fields.extend(rows.iter().map(|(k, v)| (*k, v.as_str())));
    let p = s
        .post(
            &format!("/verwaltung/foerderprogramme/{kim}/zuteilungen"),
            &fields,
        )
        .await;
    assert_eq!(p.status, 409);
    assert_eq!(stored_allocations(&app, kim), after);
}

#[tokio::test]
async fn the_programme_form_refuses_bad_input_and_keeps_what_is_stored() {
    let app = spawn_demo_app().await;
    let s = Session::login(&app, unna_clerk(&app)).await;
    let kim = programme_id(&app, KIM_UNNA);
    let v = programme_version(&app, kim);
    let base = [
        ("version", v.as_str()),
        ("name", "Kommunales Integrationsmanagement im Kreis Unna"),
        ("einheit", "0,5"),
        ("stellen", "8,0"),
    ];
    let with = |extra: &[(&'static str, &'static str)]| {
        let mut f: Vec<(&str, &str)> = base.to_vec();
        for (k, val) in extra {
            f.retain(|(x, _)| x != k);
            f.push((k, val));
        }
        f
    };
    let path = format!("/verwaltung/foerderprogramme/{kim}");
    let p = s
        .post(
            &path,
            &with(&[("von", "2021-12-31"), ("bis", "2021-01-01")]),
        )
        .await;
    assert_eq!(p.status, 422);
    assert!(p
        .body
        .contains("Das Ende der Laufzeit (01.01.2021) liegt vor ihrem Beginn (31.12.2021)."));
    let p = s.post(&path, &with(&[("stellen", "-8")])).await;
    assert_eq!(p.status, 422);
    assert!(p.body.contains("Stellen gesamt darf nicht negativ sein."));
    let p = s.post(&path, &with(&[("stellen", "acht")])).await;
    assert!(p.body.contains("„acht“ ist keine gültige Zahl"));
    let p = s.post(&path, &with(&[("einheit", "0")])).await;
    assert!(p.body.contains("muss größer als 0 sein"));
    // the seed's towns have 7,0 positions agreed: 6,0 would break that
    let p = s.post(&path, &with(&[("stellen", "6,0")])).await;
    assert_eq!(p.status, 422);
    assert!(p
        .body
        .contains("übersteigen die Gesamtzahl des Programms (6,0)"));
    let p = s.post(&path, &with(&[("mittel", "zwölf Euro")])).await;
    assert!(p.body.contains("kein gültiger Betrag"));
    assert_eq!(programme_version(&app, kim), v, "nothing stored");
    let page = app.page(&format!("/foerderprogramme/{kim}")).await;
    assert!(page.contains("Stellen gesamt</dt><dd>8,0"));

    // a valid new programme with money in German notation
    let loc = s
        .post_ok(
            "/verwaltung/foerderprogramme",
            &[
                (
                    "koerperschaft",
                    &gremium::db::bodies::find_by_key(&mut app.conn(), "kreis-unna")
                        .expect("q")
                        .expect("b")
                        .id
                        .to_string(),
                ),
                ("name", "Landesprogramm Integration durch Bildung"),
                ("von", "2027-01-01"),
                ("bis", "2027-12-31"),
                ("mittel", "125.000,50"),
            ],
        )
        .await;
    let id = id_in(&loc);
    let page = app.page(&format!("/foerderprogramme/{id}")).await;
    assert!(page.contains("125.000,50 €"));
    assert!(page.contains("01.01.2027 bis 31.12.2027"));
    // clerks of another body cannot edit the Kreis Unna's programme
    add_user(
        &app,
        "sd@coesfeld.example",
        UserRole::Clerk,
        Some("kreis-coesfeld"),
        None,
    );
    let other = Session::login(&app, "sd@coesfeld.example").await;
    let p = other
        .get(&format!("/verwaltung/foerderprogramme/{kim}"))
        .await;
    assert_eq!(p.status, 403);
}

#[tokio::test]
async fn links_respect_who_takes_part() {
    let app = spawn_demo_app().await;
    add_user(
        &app,
        "sd@kamen.test",
        UserRole::Clerk,
        Some("stadt-kamen"),
        None,
    );
    let kamen = Session::login(&app, "sd@kamen.test").await;
    let kim = programme_id(&app, KIM_UNNA);
    let coesfeld = concept_id(&app, "Integrationskonzept des Kreises Coesfeld");
    let report = find::paper_by_title(
        &mut app.conn(),
        "Fortschreibung des Integrationskonzepts – Sachstandsbericht",
    );

    // Kamen takes part in the Kreis Unna's KIM: its paper can be linked there
    kamen
        .post_ok(
            &format!("/verwaltung/vorlagen/{report}/integration"),
            &[
                ("ziel", &format!("p{kim}")),
                ("rolle", "berichtet"),
                ("notiz", "Sachstand Fallmanagement"),
            ],
        )
        .await;
    let page = app.page(&format!("/foerderprogramme/{kim}")).await;
    assert!(page.contains("Fortschreibung des Integrationskonzepts – Sachstandsbericht"));
    assert!(page.contains("Sachstand Fallmanagement"));
    let admin_page = kamen.page(&format!("/verwaltung/vorlagen/{report}")).await;
    assert!(admin_page.contains("Kommunales Integrationsmanagement im Kreis Unna (KIM)"));

    // but not to Coesfeld's concept
    let p = kamen
        .post(
            &format!("/verwaltung/vorlagen/{report}/integration"),
            &[("ziel", &format!("k{coesfeld}")), ("rolle", "betrifft")],
        )
        .await;
    assert_eq!(p.status, 422);
    assert!(p
        .body
        .contains("ist ein Konzept einer anderen Körperschaft"));
    assert!(
        p.body.contains("id=\"i-ziel\""),
        "the paper page with the link form again"
    );
    for junk in ["ä1", "", "k", "kx", "z5", "p99999999999999999999"] {
        let p = kamen
            .post(
                &format!("/verwaltung/vorlagen/{report}/integration"),
                &[("ziel", junk), ("rolle", "betrifft")],
            )
            .await;
        assert_eq!(p.status, 422, "ziel={junk:?}");
        assert!(
            p.body
                .contains("Bitte ein Konzept, Handlungsfeld, Programm oder einen Baustein wählen."),
            "ziel={junk:?}"
        );
    }
    let p = kamen
        .post(
            &format!("/verwaltung/vorlagen/{report}/integration"),
            &[("ziel", "k-1"), ("rolle", "betrifft")],
        )
        .await;
    assert_eq!(p.status, 422);
    assert!(p.body.contains("Dieses Integrationskonzept gibt es nicht."));

    // Coesfeld does not take part in the Kreis Unna's KIM
    let s = Session::login(&app, unna_clerk(&app)).await;
    let p = s
        .post(
            &format!("/verwaltung/foerderprogramme/{kim}/verknuepfungen"),
            &[("vorlage", "SV-9-0712"), ("rolle", "betrifft")],
        )
        .await;
    assert_eq!(p.status, 422);
    assert!(p
        .body
        .contains("gehört zu einer Körperschaft, die hier nicht beteiligt ist"));
    let sv = find::paper_by_reference(&mut app.conn(), "SV-9-0712");
    let p = s
        .post(
            &format!("/verwaltung/foerderprogramme/{kim}/verknuepfungen"),
            &[
                ("vorlage", &format!("{}/vorlagen/{sv}", app.address)),
                ("rolle", "betrifft"),
            ],
        )
        .await;
    assert_eq!(p.status, 422);
    assert!(p.body.contains("Kreis Coesfeld nimmt an „Kommunales Integrationsmanagement im Kreis Unna (KIM)“ nicht teil"), "{}", error_text(&p.body));
    let p = s
        .post(
            &format!("/verwaltung/foerderprogramme/{kim}/verknuepfungen"),
            &[("vorlage", "9999/1"), ("rolle", "betrifft")],
        )
        .await;
    assert!(p
        .body
        .contains("Eine Vorlage mit der Nummer „9999/1“ gibt es nicht."));
    // a TOP by its address
    let (item, _) = find::item_by_title(
        &mut app.conn(),
        "Teilnahme am Förderprogramm „Kommunales Integrationsmanagement“ – Weiterleitungsvertrag",
    );
    s.post_ok(
        &format!("/verwaltung/foerderprogramme/{kim}/verknuepfungen"),
        &[
            ("vorlage", &format!("/tagesordnungspunkte/{item}")),
            ("rolle", "beschliesst_teilnahme"),
            ("notiz", "einstimmig"),
        ],
    )
    .await;
    let links: i64 = integration_links::table
        .filter(integration_links::agenda_item_id.eq(item))
        .count()
        .get_result(&mut app.conn())
        .expect("count");
    assert_eq!(links, 1);
}

#[tokio::test]
async fn non_public_papers_and_items_never_reach_the_public_timeline() {
    let app = spawn_demo_app().await;
    add_user(
        &app,
        "sd@kamen.test",
        UserRole::Clerk,
        Some("stadt-kamen"),
        None,
    );
    let s = Session::login(&app, "sd@kamen.test").await;
    let concept = concept_id(&app, "Integrationskonzept der Stadt Kamen");
    // the non-public paper about renting a house for refugees
    let p = s
        .post(
            &format!("/verwaltung/integrationskonzepte/{concept}/verknuepfungen"),
            &[
                ("vorlage", "2020/150"),
                ("rolle", "betrifft"),
                ("notiz", "GEHEIM-NOTIZ"),
            ],
        )
        .await;
    assert_eq!(p.status, 303, "{}", error_text(&p.body));
    // and a TOP of the closed part of a Kamen meeting
    let kamen_body = crate::backoffice_flow::kamen(&app);
    let (closed, title): (i64, String) = agenda_items::table
        .inner_join(meetings::table)
        .filter(meetings::body_id.eq(kamen_body))
        .filter(agenda_items::public.eq(false))
        .select((agenda_items::id, agenda_items::title))
        .first(&mut app.conn())
        .expect("closed item");
    s.post_ok(
        &format!("/verwaltung/tops/{closed}/integration"),
        &[
            ("ziel", &format!("k{concept}")),
            ("rolle", "betrifft"),
            ("notiz", "GEHEIM-TOP"),
        ],
    )
    .await;

    for path in [
        format!("/integrationskonzepte/{concept}"),
        format!("/integrationskonzepte/{concept}/verknuepfungen.csv"),
    ] {
        let public = app.page(&path).await;
        for secret in [
            "Anmietung eines Wohngebäudes",
            "GEHEIM-NOTIZ",
            "GEHEIM-TOP",
            title.as_str(),
        ] {
            assert!(!public.contains(secret), "{secret} on public {path}");
        }
        assert!(public.contains("Integrationskonzept der Stadt Kamen"));
    }
    // the clerk sees both, marked
    let own = s.page(&format!("/integrationskonzepte/{concept}")).await;
    assert!(own.contains("Anmietung eines Wohngebäudes"));
    assert!(own.contains(title.as_str()));
    assert!(own.contains("nichtöffentlich"));
}

#[tokio::test]
async fn concepts_are_kept_with_status_history_fields_measures_and_safe_deletion() {
    let app = spawn_demo_app().await;
    add_user(
        &app,
        "sd@kamen.test",
        UserRole::Clerk,
        Some("stadt-kamen"),
        None,
    );
    let s = Session::login(&app, "sd@kamen.test").await;
    let body = crate::backoffice_flow::kamen(&app).to_string();
    let old = concept_id(&app, "Integrationskonzept der Stadt Kamen").to_string();
    // bad input: no title, adopted without a date, a broken date
    let p = s
        .post(
            "/verwaltung/integrationskonzepte",
            &[
                ("koerperschaft", &body),
                ("titel", ""),
                ("status", "beschlossen"),
                ("status_datum", "32.13.2026"),
            ],
        )
        .await;
    assert_eq!(p.status, 422);
    assert!(p.body.contains("Bitte einen Titel angeben."));
    assert!(p
        .body
        .contains("Für ein beschlossenes Konzept bitte das Beschlussdatum angeben."));
    assert!(p.body.contains("ist kein gültiges Datum"));
    let loc = s
        .post_ok(
            "/verwaltung/integrationskonzepte",
            &[
                ("koerperschaft", &body),
                ("titel", "Integrationskonzept der Stadt Kamen"),
                ("fassung", "1. Fortschreibung 2027"),
                ("status", "in_erarbeitung"),
                ("status_datum", "2026-11-20"),
                ("fortschreibung_von", &old),
                (
                    "beteiligte",
                    "Integrationsrat der Stadt Kamen\nAktion Zivilcourage",
                ),
            ],
        )
        .await;
    let id = id_in(&loc);
    // fields of action and measures
    s.post_ok(
        &format!("/verwaltung/integrationskonzepte/{id}/handlungsfelder"),
        &[
            ("feld_titel", "Teilhabe und Antidiskriminierung"),
            ("feld_ziele", "Zugang zu Angeboten ohne Hürden"),
        ],
    )
    .await;
    let field: i64 = concept_fields::table
        .filter(concept_fields::concept_id.eq(id))
        .select(concept_fields::id)
        .first(&mut app.conn())
        .expect("field");
    let p = s
        .post(
            &format!("/verwaltung/integrationskonzepte/{id}/massnahmen"),
            &[
                ("feld", &field.to_string()),
                ("m_titel", ""),
                ("m_status", "laufend"),
            ],
        )
        .await;
    assert_eq!(p.status, 422);
    assert!(p.body.contains("Bitte die Maßnahme angeben."));
    s.post_ok(
        &format!("/verwaltung/integrationskonzepte/{id}/massnahmen"),
        &[
            ("feld", &field.to_string()),
            ("m_titel", "Beratungsstelle gegen Diskriminierung"),
            ("m_verantwortlich", "Integrationsrat"),
            ("m_status", "geplant"),
            ("m_indikator", "Beratungen je Jahr"),
            ("m_zielwert", "120"),
        ],
    )
    .await;
    // status change with history; a stale save is refused
    let form = |status: &'static str, version: &'static str| {
        vec![
            ("version", version),
            ("fortschreibung_von", old.as_str()),
            ("titel", "Integrationskonzept der Stadt Kamen"),
            ("fassung", "1. Fortschreibung 2027"),
            ("status", status),
            ("status_datum", "2027-03-01"),
            ("status_notiz", "im Sozialausschuss"),
        ]
    };
    s.post_ok(
        &format!("/verwaltung/integrationskonzepte/{id}"),
        &form("vorgestellt", "1"),
    )
    .await;
    let p = s
        .post(
            &format!("/verwaltung/integrationskonzepte/{id}"),
            &form("beschluss_vertagt", "1"),
        )
        .await;
    assert_eq!(p.status, 409);
    assert!(p.body.contains("inzwischen geändert"));
    let public = app.page(&format!("/integrationskonzepte/{id}")).await;
    assert!(public.contains("1. Fortschreibung 2027"));
    assert!(
        at(&public, "20.11.2026") < at(&public, "01.03.2027"),
        "history in date order"
    );
    assert!(public.contains("vorgestellt – im Sozialausschuss"));
    assert!(public.contains("Beratungsstelle gegen Diskriminierung"));
    assert!(public.contains("Fortschreibung von"));

    // documents: the public one is listed and downloadable, the draft is not
    let up = s
        .upload(
            &format!("/verwaltung/integrationskonzepte/{id}/dateien"),
            "konzept.pdf",
            crate::uploads::pdf("Fortschreibung"),
            true,
        )
        .await;
    assert_eq!(up.status, 303, "{}", error_text(&up.body));
    let up = s
        .upload(
            &format!("/verwaltung/integrationskonzepte/{id}/dateien"),
            "entwurf.pdf",
            crate::uploads::pdf("Entwurf"),
            false,
        )
        .await;
    assert_eq!(up.status, 303);
    let public = app.page(&format!("/integrationskonzepte/{id}")).await;
    assert!(public.contains("Anlage konzept.pdf"));
    assert!(!public.contains("Anlage entwurf.pdf"));
    let href = &public[at(&public, "/dateien/")..];
    let href = &href[..at(href, "\"")];
    let file = app.get(href).await;
    assert_eq!(file.status, 200);
    assert_eq!(file.content_type, "application/pdf");
    let own = s.page(&format!("/integrationskonzepte/{id}")).await;
    assert!(
        own.contains("Anlage entwurf.pdf"),
        "the clerk sees the draft"
    );

    // deleting a concept with links asks first and keeps the papers
    let paper = find::paper_by_reference(&mut app.conn(), "2020/142");
    s.post_ok(
        &format!("/verwaltung/integrationskonzepte/{id}/verknuepfungen"),
        &[("vorlage", "2020/142"), ("rolle", "schreibt_fort")],
    )
    .await;
    let confirm = s
        .page(&format!("/verwaltung/integrationskonzepte/{id}/loeschen"))
        .await;
    assert!(confirm.contains("mit 1 Vorlagen bzw. Tagesordnungspunkten verknüpft"));
    let loc = s
        .post_ok(
            &format!("/verwaltung/integrationskonzepte/{id}/loeschen"),
            &[],
        )
        .await;
    assert!(
        loc.ends_with("/loeschen"),
        "without confirmation nothing happens"
    );
    assert_eq!(
        app.get(&format!("/integrationskonzepte/{id}")).await.status,
        200
    );
    s.post_ok(
        &format!("/verwaltung/integrationskonzepte/{id}/loeschen"),
        &[("bestaetigt", "1")],
    )
    .await;
    assert_eq!(
        app.get(&format!("/integrationskonzepte/{id}")).await.status,
        404
    );
    assert_eq!(
        app.get(&format!("/vorlagen/{paper}")).await.status,
        200,
        "the paper stays"
    );
    let left: i64 = integration_links::table
        .filter(integration_links::concept_id.eq(id))
        .count()
        .get_result(&mut app.conn())
        .expect("count");
    assert_eq!(left, 0);
}

#[tokio::test]
async fn deadlines_reach_the_dashboard_and_the_body_calendar() {
    let app = spawn_demo_app().await;
    let s = Session::login(&app, unna_clerk(&app)).await;
    let kim = programme_id(&app, KIM_UNNA);
    let due = crate::backoffice_flow::day(40);
    let p = s
        .post(
            &format!("/verwaltung/foerderprogramme/{kim}/fristen"),
            &[
                ("frist_datum", "31.02.2027"),
                ("frist_art", "bericht"),
                ("frist_titel", "x"),
            ],
        )
        .await;
    assert_eq!(p.status, 422);
    assert!(p.body.contains("ist kein gültiges Datum"));
    s.post_ok(
        &format!("/verwaltung/foerderprogramme/{kim}/fristen"),
        &[
            ("frist_datum", &due),
            ("frist_art", "verwendungsnachweis"),
            ("frist_titel", "Verwendungsnachweis an die Bezirksregierung"),
        ],
    )
    .await;
    // Kamen takes part: its clerk sees the deadline; Coesfeld's does not
    add_user(
        &app,
        "sd@kamen.test",
        UserRole::Clerk,
        Some("stadt-kamen"),
        None,
    );
    add_user(
        &app,
        "sd@coesfeld.test",
        UserRole::Clerk,
        Some("kreis-coesfeld"),
        None,
    );
    let kamen = Session::login(&app, "sd@kamen.test").await;
    let dash = kamen.page("/verwaltung").await;
    assert!(dash.contains("Verwendungsnachweis an die Bezirksregierung"));
    let dash = Session::login(&app, "sd@coesfeld.test")
        .await
        .page("/verwaltung")
        .await;
    assert!(!dash.contains("Verwendungsnachweis an die Bezirksregierung"));
    // and in the body calendar as an all-day entry
    let ics = app.page("/koerperschaften/stadt-kamen/kalender.ics").await;
    let compact = due.replace('-', "");
    assert!(
        ics.contains(&format!("DTSTART;VALUE=DATE:{compact}")),
        "{ics}"
    );
    assert!(ics.contains("SUMMARY:Frist: Verwendungsnachweis an die Bezirksregierung"));
    crate::calendar_feeds::lines_ok(&ics);
    assert!(crate::calendar_feeds::parse_icalendar_crate(&ics) > 0);
    // Thunderbird's parser and python icalendar read it as an all-day entry
    for tool in ["ical_check.js", "ical_check.py"] {
        let Some(parsed) = crate::calendar_feeds::external(tool, &ics) else {
            continue;
        };
        let events = parsed["events"].as_array().expect("events");
        let deadline = events
            .iter()
            .find(|e| {
                e["summary"]
                    .as_str()
                    .is_some_and(|s| s.starts_with("Frist: Verwendungsnachweis"))
            })
            .unwrap_or_else(|| panic!("{tool} finds the deadline"));
        assert_eq!(deadline["all_day"], true, "{tool}");
        assert_eq!(deadline["date"], due.as_str(), "{tool}");
    }
    let other = app
        .page("/koerperschaften/kreis-coesfeld/kalender.ics")
        .await;
    assert!(!other.contains("Verwendungsnachweis"));
    // removing it takes it off the dashboard again; unknown ones are 404
    let did: i64 = programme_deadlines::table
        .filter(programme_deadlines::title.eq("Verwendungsnachweis an die Bezirksregierung"))
        .select(programme_deadlines::id)
        .first(&mut app.conn())
        .expect("deadline");
    let remove = format!("/verwaltung/foerderprogramme/{kim}/fristen/{did}/entfernen");
    s.post_ok(&remove, &[]).await;
    assert!(!kamen
        .page("/verwaltung")
        .await
        .contains("Verwendungsnachweis an die Bezirksregierung"));
    assert_eq!(s.post(&remove, &[]).await.status, 404);
    let aid: i64 = programme_agreements::table
        .filter(programme_agreements::programme_id.eq(kim))
        .order(programme_agreements::id)
        .select(programme_agreements::id)
        .first(&mut app.conn())
        .expect("agreement");
    s.post_ok(
        &format!("/verwaltung/foerderprogramme/{kim}/vereinbarungen/{aid}/entfernen"),
        &[],
    )
    .await;
    let log = s.page(&format!("/verwaltung/foerderprogramme/{kim}")).await;
    assert!(log.contains("Frist „Verwendungsnachweis an die Bezirksregierung“ entfernt"));
    assert!(
        log.contains("Vereinbarung „Weiterleitungsvertrag Kreis Unna – Stadt Bergkamen“ entfernt")
    );
}
