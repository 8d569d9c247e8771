use crate::helpers::{find, spawn_app, spawn_demo_app, spawn_on, TestDb};

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
    assert!(!gremium::demo::load_seeds(c).expect("second load"));
    let url = app.db.url.clone();
    let again = spawn_on(reuse(&url), true).await;
    let c2 = &mut again.conn();
    let after: Vec<i64> = TABLES.iter().map(|t| find::count(c2, t)).collect();
    assert_eq!(before, after);
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
    gremium::db::write_transaction(c, |c| {
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
