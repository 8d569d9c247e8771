//! Members see the non-public parts of their own committees, nobody else's;
//! follow-ups stay open until a later TOP answers them.

use diesel::prelude::*;
use gremium::db::schema::*;
use gremium::domain::UserRole;

use crate::backoffice_flow::{
    create_meeting, day, item_version, items_of_meeting, meeting_version, org_id,
};
use crate::helpers::spawn_demo_app;
use crate::session::{add_user, Session};

const SOZ: &str = "Sozial-, Teilhabe-, Generationen- und Familienausschuss";

#[tokio::test]
async fn a_member_sees_the_closed_part_of_their_committee_only() {
    let app = spawn_demo_app().await;
    let soz = org_id(&app, SOZ);
    let member_of_soz: i64 = memberships::table
        .filter(memberships::organization_id.eq(soz))
        .filter(memberships::end_date.is_null())
        .select(memberships::person_id)
        .first(&mut app.conn())
        .expect("a committee member");
    add_user(
        &app,
        "mitglied@kamen.example",
        UserRole::Member,
        None,
        Some(member_of_soz),
    );
    let (n_item, n_meeting) = crate::helpers::find::item_by_title(
        &mut app.conn(),
        "Anmietung eines Wohngebäudes zur Unterbringung Geflüchteter",
    );
    let rent = crate::helpers::find::paper_by_reference(&mut app.conn(), "2020/150");

    // citizens: not there
    assert!(!app
        .page(&format!("/sitzungen/{n_meeting}"))
        .await
        .contains("Anmietung"));
    assert_eq!(
        app.get(&format!("/tagesordnungspunkte/{n_item}"))
            .await
            .status,
        404
    );
    assert_eq!(app.get(&format!("/vorlagen/{rent}")).await.status, 404);

    // the committee member: there, marked confidential
    let s = Session::login(&app, "mitglied@kamen.example").await;
    let page = s.page(&format!("/sitzungen/{n_meeting}")).await;
    assert!(page.contains("Anmietung eines Wohngebäudes"));
    assert!(page.contains("vertraulich"));
    assert_eq!(
        s.get(&format!("/tagesordnungspunkte/{n_item}"))
            .await
            .status,
        200
    );
    assert_eq!(s.get(&format!("/vorlagen/{rent}")).await.status, 200);
    let minutes = s
        .page(&format!("/sitzungen/{n_meeting}/niederschrift"))
        .await;
    assert!(minutes.contains("vollständige Fassung"));
    assert!(minutes.contains("Zustimmung zur Anmietung"));
    // members are not clerks
    assert_eq!(s.get("/verwaltung").await.status, 403);
    // the same member sees no closed part of a committee they do not sit on
    let other_closed: Vec<(i64, i64)> = agenda_items::table
        .inner_join(meetings::table)
        .filter(agenda_items::public.eq(false))
        .filter(meetings::organization_id.ne(soz))
        .select((agenda_items::id, agenda_items::meeting_id))
        .load(&mut app.conn())
        .expect("closed items elsewhere");
    let joint: Vec<i64> = meeting_organizations::table
        .filter(meeting_organizations::organization_id.eq(soz))
        .select(meeting_organizations::meeting_id)
        .load(&mut app.conn())
        .expect("joint");
    let own = gremium::db::persons::current_organization_ids(
        &mut app.conn(),
        member_of_soz,
        chrono::Local::now().date_naive(),
    )
    .expect("orgs");
    let org_of = |m: i64| -> i64 {
        meetings::table
            .find(m)
            .select(meetings::organization_id)
            .first(&mut app.conn())
            .expect("meeting")
    };
    let (item, _) = other_closed
        .into_iter()
        .find(|(_, m)| !joint.contains(m) && !own.contains(&org_of(*m)))
        .expect("demo data has closed items of other committees");
    assert_eq!(
        s.get(&format!("/tagesordnungspunkte/{item}")).await.status,
        404
    );
    // anonymous pages stay cacheable; signed-in pages are not stored
    let r = s
        .client
        .get(format!("{}/sitzungen/{n_meeting}", app.address))
        .send()
        .await
        .expect("get");
    assert_eq!(
        r.headers()
            .get("cache-control")
            .and_then(|v| v.to_str().ok()),
        Some("private, no-store")
    );
}

#[tokio::test]
async fn a_follow_up_stays_open_until_a_later_top_answers_it() {
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
    let m1 = create_meeting(&s, soz, &day(800)).await;
    let m2 = create_meeting(&s, soz, &day(830)).await;
    s.post_ok(
        &format!("/verwaltung/sitzungen/{m1}/tops"),
        &[
            ("titel", "Bericht Schulentwicklung"),
            ("teil", "oe"),
            ("version", &meeting_version(&app, m1)),
        ],
    )
    .await;
    let t1 = items_of_meeting(&app, m1)[0].0;
    let p = s
        .post(
            &format!("/verwaltung/tops/{t1}/nachfragen"),
            &[("auftrag", ""), ("faellig_in", &m2.to_string())],
        )
        .await;
    assert_eq!(p.status, 422);
    assert!(p.body.contains("Bitte den Auftrag angeben."));
    s.post_ok(
        &format!("/verwaltung/tops/{t1}/nachfragen"),
        &[
            (
                "auftrag",
                "In der nächsten Sitzung über die internationalen Klassen berichten",
            ),
            ("faellig_in", &m2.to_string()),
        ],
    )
    .await;
    let public = app.page(&format!("/tagesordnungspunkte/{t1}")).await;
    assert!(public.contains("internationalen Klassen"));
    assert!(public.contains("offen"));
    s.post_ok(
        &format!("/verwaltung/sitzungen/{m2}/tops"),
        &[
            ("titel", "Bericht: Internationale Klassen"),
            ("teil", "oe"),
            ("version", &meeting_version(&app, m2)),
        ],
    )
    .await;
    let t2 = items_of_meeting(&app, m2)[0].0;
    let fu: i64 = follow_ups::table
        .filter(follow_ups::origin_agenda_item_id.eq(t1))
        .select(follow_ups::id)
        .first(&mut app.conn())
        .expect("follow-up");
    let form = s.page(&format!("/verwaltung/tops/{t2}")).await;
    assert!(
        form.contains("internationalen Klassen"),
        "offered as open follow-up"
    );
    s.post_ok(
        &format!("/verwaltung/tops/{t2}"),
        &[
            ("titel", "Bericht: Internationale Klassen"),
            ("oeffentlich", "1"),
            ("ergebnis", "zur_kenntnis_genommen"),
            ("beantwortet", &fu.to_string()),
            ("version", &item_version(&app, t2)),
        ],
    )
    .await;
    let answered: Option<i64> = follow_ups::table
        .find(fu)
        .select(follow_ups::answered_by_agenda_item_id)
        .first(&mut app.conn())
        .expect("fu");
    assert_eq!(answered, Some(t2));
    let public = app.page(&format!("/tagesordnungspunkte/{t1}")).await;
    assert!(
        public.contains(&format!("/tagesordnungspunkte/{t2}")),
        "links to the answer"
    );
}

#[tokio::test]
async fn on_a_paper_page_a_member_reads_only_their_own_committees_closed_items() {
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
    let rat = org_id(&app, "Rat der Stadt Kamen");
    // a committee member who does not sit on the council
    let rat_members: Vec<i64> = memberships::table
        .filter(memberships::organization_id.eq(rat))
        .select(memberships::person_id)
        .load(&mut app.conn())
        .expect("rat");
    let only_soz: i64 = memberships::table
        .filter(memberships::organization_id.eq(soz))
        .filter(memberships::end_date.is_null())
        .select(memberships::person_id)
        .load::<i64>(&mut app.conn())
        .expect("soz")
        .into_iter()
        .find(|p| !rat_members.contains(p))
        .expect("a committee member outside the council");
    add_user(
        &app,
        "nur-ausschuss@kamen.example",
        UserRole::Member,
        None,
        Some(only_soz),
    );
    let paper = crate::backoffice_flow::create_paper(
        &s,
        crate::backoffice_flow::kamen(&app),
        "Grundstücksangelegenheit Flüchtlingsunterkunft",
        false,
    )
    .await;
    for org in [soz, rat] {
        s.post_ok(
            &format!("/verwaltung/vorlagen/{paper}/beratungsfolge"),
            &[("gremium", &org.to_string()), ("rolle", "vorberatung")],
        )
        .await;
    }
    for (org, days, secret) in [(soz, 840, "AUSSCHUSS-NOTIZ"), (rat, 860, "RATS-GEHEIMNIS")] {
        let loc = s
            .post_ok(
                "/verwaltung/sitzungen",
                &[
                    ("gremium", &org.to_string()),
                    ("datum", &day(days)),
                    ("beginn", "17:00"),
                    ("bezeichnung", secret),
                ],
            )
            .await;
        let m = crate::session::id_in(&loc);
        let c = crate::backoffice_flow::waiting_consultation(&app, paper, org);
        s.post_ok(
            &format!("/verwaltung/sitzungen/{m}/tops"),
            &[
                ("beratung", &c.to_string()),
                ("version", &meeting_version(&app, m)),
            ],
        )
        .await;
        let top = items_of_meeting(&app, m)[0].0;
        s.post_ok(
            &format!("/verwaltung/tops/{top}"),
            &[
                ("titel", "Grundstücksangelegenheit"),
                ("ergebnis", "beschlossen"),
                ("beschlusstext", secret),
                ("version", &item_version(&app, top)),
            ],
        )
        .await;
    }
    let member = Session::login(&app, "nur-ausschuss@kamen.example").await;
    let page = member.page(&format!("/vorlagen/{paper}")).await;
    assert!(
        page.contains("AUSSCHUSS-NOTIZ"),
        "own committee's closed item"
    );
    assert!(
        !page.contains("RATS-GEHEIMNIS"),
        "not the council's closed item"
    );
    assert_eq!(app.get(&format!("/vorlagen/{paper}")).await.status, 404);
}
