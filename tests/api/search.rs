//! Full-text search (`/suche`) on both backends: the seed stories found by
//! the words citizens type, ranking, phrases, exact reference numbers,
//! parts of compounds, escaped highlighting, facets, the index following
//! every change in the same transaction, non-public content kept out of
//! public results but found by entitled members, bad input, PDF text.

use diesel::prelude::*;
use gremium::db::schema::*;
use gremium::domain::UserRole;

use crate::backoffice_flow::{create_paper, kamen, org_id};
use crate::helpers::{find, snippet, spawn_demo_app, TestApp};
use crate::session::{add_user, Session};

/// Hit titles of a result page, in order (text of the `<h3>` links).
pub fn hit_titles(html: &str) -> Vec<String> {
    html.split("<li class=\"hit\">")
        .skip(1)
        .filter_map(|h| {
            let a = h.find("<h3><a href=\"")?;
            let rest = &h[a..];
            let start = rest.find("\">")? + 2;
            let end = rest.find("</a></h3>")?;
            Some(
                rest[start..end]
                    .replace("<mark>", "")
                    .replace("</mark>", ""),
            )
        })
        .collect()
}

fn hit_urls(html: &str) -> Vec<String> {
    html.split("<li class=\"hit\">")
        .skip(1)
        .filter_map(|h| {
            let a = h.find("<h3><a href=\"")? + "<h3><a href=\"".len();
            Some(h[a..a + h[a..].find('"')?].to_string())
        })
        .collect()
}

fn total(html: &str) -> usize {
    let marker = "<h2 id=\"treffer\">";
    let i = html.find(marker).expect("result count") + marker.len();
    html[i..]
        .split(' ')
        .next()
        .expect("number")
        .replace('.', "")
        .parse()
        .expect("count")
}

async fn search(app: &TestApp, q: &str) -> String {
    let url = format!("/suche?q={}", urlencode(q));
    app.page(&url).await
}

pub fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

#[tokio::test]
async fn seed_stories_are_found_by_the_words_citizens_type() {
    let app = spawn_demo_app().await;

    let html = search(&app, "Integrationskonzept").await;
    let titles = hit_titles(&html);
    assert!(total(&html) >= 3, "{titles:?}");
    assert!(
        titles[0].contains("Integrationskonzept"),
        "title hits first: {titles:?}"
    );
    assert!(html.contains("Kamen"), "Kamen's concept: {titles:?}");

    let html = search(&app, "Integrationsmanagement").await;
    let titles = hit_titles(&html);
    assert!(
        titles
            .iter()
            .any(|t| t.contains("Kommunales Integrationsmanagement")),
        "{titles:?}"
    );
    assert!(
        titles
            .iter()
            .any(|t| t.contains("Einführung eines Kommunalen Integrationsmanagements")),
        "the Bergkamen paper: {titles:?}"
    );

    let html = search(&app, "KIM").await;
    assert!(
        hit_titles(&html).iter().any(|t| t.contains("(KIM)")),
        "{:?}",
        hit_titles(&html)
    );

    let html = search(&app, "Kamen").await;
    assert!(total(&html) >= 5);

    // the reference number: the paper itself first, then what treats it
    let html = search(&app, "11/1481").await;
    let urls = hit_urls(&html);
    let paper = find::paper_by_reference(&mut app.conn(), "11/1481");
    assert_eq!(urls[0], format!("/vorlagen/{paper}"), "{urls:?}");
    assert!(
        html.contains("<mark>11</mark>/<mark>1481</mark>"),
        "{}",
        snippet(&html)
    );

    // the search box is on every page
    assert!(app.page("/sitzungen").await.contains("action=\"/suche\""));
}

#[tokio::test]
async fn ranking_phrases_references_compounds_and_escaping() {
    let app = spawn_demo_app().await;
    let body = kamen(&app);
    add_user(
        &app,
        "sd-suche@kamen.test",
        UserRole::Clerk,
        Some("stadt-kamen"),
        None,
    );
    let s = Session::login(&app, "sd-suche@kamen.test").await;
    // title hit vs. a paper that only mentions the word (many times) in its text
    let in_title = create_paper(&s, body, "Haushaltssatzung 2027 der Stadt", true).await;
    let in_text = create_paper(&s, body, "Bericht über die Friedhofsgebühren", true).await;
    let c = &mut app.conn();
    gremium::edit::write_transaction(c, |c| {
        diesel::update(papers::table.find(in_text))
            .set(papers::reasoning.eq(Some(
                "Haushaltssatzung, Haushaltssatzung, Haushaltssatzung: <script>alert('x')</script> Umweltschutzbericht Zukunft"
                    .repeat(3),
            )))
            .execute(c)
    })
    .expect("update");
    let html = search(&app, "Haushaltssatzung").await;
    let urls = hit_urls(&html);
    let pos = |id: i64| urls.iter().position(|u| *u == format!("/vorlagen/{id}"));
    assert!(
        pos(in_title).expect("title hit") < pos(in_text).expect("text hit"),
        "{urls:?}"
    );
    // stored markup is shown as text, hits are marked
    assert!(html.contains("&lt;script&gt;"), "{}", snippet(&html));
    assert!(!html.contains("<script>alert"));
    assert!(html.contains("<mark>Haushaltssatzung</mark>"));

    // parts of compounds
    let html = search(&app, "schutzbericht").await;
    assert!(hit_urls(&html).contains(&format!("/vorlagen/{in_text}")));

    // stemming: plural finds singular
    let html = search(&app, "Haushaltssatzungen").await;
    assert!(hit_urls(&html).contains(&format!("/vorlagen/{in_title}")));

    // exact phrases: the words in this order only
    let html = search(&app, "\"Stadt Haushaltssatzung\"").await;
    assert!(!hit_urls(&html).contains(&format!("/vorlagen/{in_title}")));
    let html = search(&app, "\"Haushaltssatzung 2027\"").await;
    assert!(hit_urls(&html).contains(&format!("/vorlagen/{in_title}")));

    // reference numbers are exact: 11/14810 is not 11/1481
    gremium::edit::write_transaction(c, |c| {
        diesel::update(papers::table.find(in_title))
            .set(papers::reference.eq("11/14810"))
            .execute(c)
    })
    .expect("update");
    let html = search(&app, "11/1481").await;
    assert!(!hit_urls(&html).contains(&format!("/vorlagen/{in_title}")));
    let html = search(&app, "11/14810").await;
    assert_eq!(hit_urls(&html)[0], format!("/vorlagen/{in_title}"));
}

#[tokio::test]
async fn facets_filters_sorting_and_pages() {
    let app = spawn_demo_app().await;
    let html = search(&app, "Integration").await;
    let all = total(&html);
    assert!(all > 20, "enough for two pages: {all}");
    for facet in [
        "<h3>Art</h3>",
        "<h3>Körperschaft</h3>",
        "<h3>Gremium</h3>",
        "<h3>Jahr</h3>",
    ] {
        assert!(html.contains(facet), "{facet}");
    }
    let papers = app.page("/suche?q=Integration&art=vorlage").await;
    let n = total(&papers);
    assert!(n > 0 && n < all);
    assert!(papers.contains("Art: Vorlagen"), "active filter shown");
    assert!(hit_urls(&papers)
        .iter()
        .all(|u| u.starts_with("/vorlagen/")));
    let year = app.page("/suche?q=Integration&jahr=2019").await;
    assert!(total(&year) > 0 && total(&year) < all);

    let p2 = app.page("/suche?q=Integration&seite=2").await;
    assert!(!hit_urls(&p2).is_empty());
    assert!(
        hit_urls(&p2).iter().all(|u| !hit_urls(&html).contains(u)),
        "page 2 differs"
    );

    let newest = app.page("/suche?q=Integration&sortierung=neueste").await;
    let dates: Vec<chrono::NaiveDate> = newest
        .split("<span class=\"hit-date\">")
        .skip(1)
        .filter_map(|t| chrono::NaiveDate::parse_from_str(&t[..10], "%d.%m.%Y").ok())
        .collect();
    assert!(dates.len() > 5);
    assert!(dates.windows(2).all(|w| w[0] >= w[1]), "{dates:?}");
}

#[tokio::test]
async fn bad_input_gets_a_normal_page_with_a_message() {
    let app = spawn_demo_app().await;
    let empty = app.get("/suche?q=").await;
    assert_eq!(empty.status, 200);
    assert!(empty.body.contains("Suchbegriffe"));

    for (q, status, says) in [
        ("a".repeat(501), 400, "zu lang"),
        ("*".to_string(), 400, "mindestens ein Wort"),
        ("( ) : ^".to_string(), 400, "mindestens ein Wort"),
        ("und oder die".to_string(), 400, "häufige Wörter"),
        (
            "NEAR(Kamen Integration".to_string(),
            200,
            "nicht ausgewertet",
        ),
        ("NEAR(".to_string(), 400, "mindestens ein Wort"),
        ("e".to_string(), 400, "zwei Buchstaben"),
        ("\"Kamen Integration".to_string(), 200, "Anführungszeichen"),
        ("Kamen AND OR NOT".to_string(), 200, "nicht ausgewertet"),
        ("\"\"\"".to_string(), 400, "Suchbegriff"),
        ("integr*".to_string(), 200, "nicht ausgewertet"),
        ("'; DROP TABLE papers; --".to_string(), 200, "Treffer"),
        ("100% _x_ \\".to_string(), 200, "Treffer"),
    ] {
        let p = app.get(&format!("/suche?q={}", urlencode(&q))).await;
        assert_eq!(p.status, status, "{q}: {}", snippet(&p.body));
        assert!(p.body.contains(says), "{q}: {}", snippet(&p.body));
        for leak in ["fts5", "syntax error", "tsquery", "SQL", "panicked"] {
            assert!(!p.body.contains(leak), "{q} leaks {leak}");
        }
    }
    for bad in [
        "gremium=abc",
        "jahr=19",
        "art=x",
        "seite=0",
        "seite=100000",
        "sortierung=zufall",
    ] {
        let p = app.get(&format!("/suche?q=Kamen&{bad}")).await;
        assert_eq!(p.status, 400, "{bad}");
        assert!(p.body.contains("role=\"alert\""), "{bad}");
    }
    // the papers are still there
    assert!(total(&search(&app, "Kamen").await) > 0);
}

#[tokio::test]
async fn the_index_follows_every_change_in_the_same_transaction() {
    let app = spawn_demo_app().await;
    add_user(
        &app,
        "sd-index@kamen.test",
        UserRole::Clerk,
        Some("stadt-kamen"),
        None,
    );
    let s = Session::login(&app, "sd-index@kamen.test").await;
    let id = create_paper(&s, kamen(&app), "Neubau der Zwergenwiese", true).await;
    assert_eq!(
        hit_urls(&search(&app, "Zwergenwiese").await),
        [format!("/vorlagen/{id}")]
    );

    // renamed: the new title is found, the old one no longer
    let c = &mut app.conn();
    gremium::edit::write_transaction(c, |c| {
        diesel::update(papers::table.find(id))
            .set(papers::title.eq("Neubau der Riesenwiese"))
            .execute(c)
    })
    .expect("rename");
    assert_eq!(total(&search(&app, "Zwergenwiese").await), 0);
    assert_eq!(total(&search(&app, "Riesenwiese").await), 1);

    // made non-public: gone from public search at once
    gremium::edit::write_transaction(c, |c| {
        diesel::update(papers::table.find(id))
            .set(papers::public.eq(false))
            .execute(c)
    })
    .expect("hide");
    assert_eq!(total(&search(&app, "Riesenwiese").await), 0);

    // deleted: gone for everyone
    gremium::edit::write_transaction(c, |c| {
        diesel::update(papers::table.find(id))
            .set(papers::deleted_at.eq(Some(gremium::db::now())))
            .execute(c)
    })
    .expect("delete");
    assert_eq!(total(&s.page("/suche?q=Riesenwiese").await), 0);
    let docs: i64 = search_documents::table
        .filter(search_documents::kind.eq("vorlage"))
        .filter(search_documents::ref_id.eq(id))
        .count()
        .get_result(c)
        .expect("count");
    assert_eq!(docs, 0);
    let dirty: i64 = search_dirty::table.count().get_result(c).expect("dirty");
    assert_eq!(dirty, 0, "nothing left for later");

    // a rolled-back change leaves the index as it was
    let r: Result<(), diesel::result::Error> = gremium::edit::write_transaction(c, |c| {
        diesel::update(papers::table.filter(papers::reference.eq("11/1481")))
            .set(papers::title.eq("Zwischenstand Walfangverbot"))
            .execute(c)?;
        Err(diesel::result::Error::RollbackTransaction)
    });
    assert!(r.is_err());
    assert_eq!(total(&search(&app, "Walfangverbot").await), 0);
    assert!(total(&search(&app, "11/1481").await) > 0);
}

#[tokio::test]
async fn non_public_items_are_found_only_by_those_entitled() {
    let app = spawn_demo_app().await;
    let body = kamen(&app);
    add_user(
        &app,
        "sd-np@kamen.test",
        UserRole::Clerk,
        Some("stadt-kamen"),
        None,
    );
    let clerk = Session::login(&app, "sd-np@kamen.test").await;
    let secret = create_paper(&clerk, body, "Grundstücksankauf Quarzsandgrube", false).await;
    // a consulting committee: its members may find the paper
    let committee = org_id(&app, "Rat der Stadt Kamen");
    let c = &mut app.conn();
    gremium::edit::write_transaction(c, |c| {
        diesel::insert_into(consultations::table)
            .values((
                consultations::paper_id.eq(secret),
                consultations::organization_id.eq(committee),
                consultations::role.eq("entscheidung"),
                consultations::position.eq(1),
                consultations::authoritative.eq(true),
                consultations::created_at.eq(gremium::db::now()),
                consultations::updated_at.eq(gremium::db::now()),
            ))
            .execute(c)
    })
    .expect("consultation");
    // a non-public TOP with a marked resolution in a public meeting
    let item: i64 = agenda_items::table
        .filter(agenda_items::public.eq(true))
        .inner_join(meetings::table)
        .filter(meetings::organization_id.eq(committee))
        .select(agenda_items::id)
        .first(c)
        .expect("an item of the council");
    gremium::edit::write_transaction(c, |c| {
        diesel::update(agenda_items::table.find(item))
            .set((
                agenda_items::public.eq(false),
                agenda_items::resolution_text.eq(Some("Vertraulich: Quarzsandgrube Vorkaufsrecht")),
            ))
            .execute(c)
    })
    .expect("hide item");

    for path in [
        "/suche?q=Quarzsandgrube",
        "/suche?q=Vorkaufsrecht",
        "/suche/feed.atom?q=Quarzsandgrube",
    ] {
        let p = app.get(path).await;
        assert_eq!(p.status, 200, "{path}");
        assert!(
            !p.body.contains("Grundstücksankauf"),
            "{path} leaks the paper"
        );
        assert!(
            !p.body.contains("Vorkaufsrecht</mark>"),
            "{path} leaks the item"
        );
        assert!(
            !p.body.contains(&format!("/tagesordnungspunkte/{item}\"")),
            "{path}"
        );
    }

    // a member of the council finds both, marked non-public
    let person: i64 = memberships::table
        .filter(memberships::organization_id.eq(committee))
        .filter(memberships::end_date.is_null())
        .select(memberships::person_id)
        .first(c)
        .expect("a council member");
    add_user(
        &app,
        "rm-np@kamen.test",
        UserRole::Member,
        None,
        Some(person),
    );
    let member = Session::login(&app, "rm-np@kamen.test").await;
    let html = member.page("/suche?q=Quarzsandgrube").await;
    assert!(
        hit_urls(&html).contains(&format!("/vorlagen/{secret}")),
        "{:?}",
        hit_titles(&html)
    );
    assert!(hit_urls(&html).contains(&format!("/tagesordnungspunkte/{item}")));
    assert!(html.contains("nichtöffentlich"));
    // and the page it links to opens for them
    assert_eq!(member.get(&format!("/vorlagen/{secret}")).await.status, 200);

    // a member of another committee does not
    let council: Vec<i64> = memberships::table
        .filter(memberships::organization_id.eq(committee))
        .select(memberships::person_id)
        .load(c)
        .expect("council");
    let other: i64 = memberships::table
        .filter(memberships::person_id.ne_all(&council))
        .select(memberships::person_id)
        .first(c)
        .expect("someone else");
    add_user(
        &app,
        "rm-other@kamen.test",
        UserRole::Member,
        None,
        Some(other),
    );
    let outsider = Session::login(&app, "rm-other@kamen.test").await;
    assert_eq!(total(&outsider.page("/suche?q=Quarzsandgrube").await), 0);

    // the clerk of the body finds both
    let html = clerk.page("/suche?q=Quarzsandgrube").await;
    assert_eq!(total(&html), 2, "{:?}", hit_titles(&html));
}

#[tokio::test]
async fn text_of_uploaded_pdfs_is_found_and_scans_are_marked() {
    let app = spawn_demo_app().await;
    add_user(&app, "sd-pdf@kreis.test", UserRole::Clerk, None, None);
    let s = Session::login(&app, "sd-pdf@kreis.test").await;
    let paper = find::paper_by_reference(&mut app.conn(), "11/1481");
    let pdf = gremium::pdf_text::minimal_pdf(&[
        "Anlage zur Vorlage",
        "Die Stelle der Koordinatorin wird im Ordnungsamt angesiedelt. Zuständigkeit: Übergänge Schule-Beruf.",
    ]);
    let r = s
        .upload(
            &format!("/verwaltung/vorlagen/{paper}/dateien"),
            "anlage.pdf",
            pdf,
            true,
        )
        .await;
    assert!(r.status < 400, "{}", snippet(&r.body));
    crate::helpers::texts_done(&app).await;
    let html = search(&app, "Koordinatorin").await;
    let titles = hit_titles(&html);
    assert!(titles.iter().any(|t| t.contains("anlage")), "{titles:?}");
    assert!(html.contains("<mark>Koordinatorin</mark>"));
    assert!(html.contains("Datei zur Vorlage 11/1481"));

    let r = s
        .upload(
            &format!("/verwaltung/vorlagen/{paper}/dateien"),
            "eingescannt.pdf",
            gremium::pdf_text::image_only_pdf(),
            true,
        )
        .await;
    assert!(r.status < 400, "{}", snippet(&r.body));
    crate::helpers::texts_done(&app).await;
    let html = search(&app, "eingescannt").await;
    assert!(
        html.contains("gescanntes PDF ohne Text"),
        "{}",
        snippet(&html)
    );
}

#[tokio::test]
async fn a_search_sees_one_moment_even_when_the_facet_store_is_newer() {
    use gremium::search::{engine, parse, Filters, Scope, Sort};
    let app = spawn_demo_app().await;
    add_user(
        &app,
        "sd-moment@kamen.test",
        UserRole::Clerk,
        Some("stadt-kamen"),
        None,
    );
    let s = Session::login(&app, "sd-moment@kamen.test").await;
    let id = create_paper(&s, kamen(&app), "Bau der Mondscheinbrücke", true).await;
    let q = parse("Mondscheinbrücke").expect("query");
    let mut a = app.conn();
    let mut b = app.conn();
    let counts = gremium::db::read_snapshot(&mut a, |a| -> QueryResult<(usize, usize, usize)> {
        // the snapshot of `a` starts with its first read
        let before = engine::matches(a, &q, &Scope::Public, &Filters::default(), true)?
            .rows
            .len();
        // meanwhile the paper is hidden and someone else searches: the
        // in-memory store moves past the snapshot of `a`
        gremium::edit::write_transaction(&mut b, |c| {
            diesel::update(papers::table.find(id))
                .set(papers::public.eq(false))
                .execute(c)
        })?;
        let now = gremium::search::search(
            &mut b,
            &q,
            &Scope::Public,
            &Filters::default(),
            Sort::Relevance,
            0,
            20,
        )?
        .total;
        // `a` still sees its own moment, in which the paper was public
        let again = engine::matches(a, &q, &Scope::Public, &Filters::default(), true)?
            .rows
            .len();
        Ok((before, now, again))
    })
    .expect("searches");
    assert_eq!(counts, (1, 0, 1));
    assert_eq!(total(&search(&app, "Mondscheinbrücke").await), 0);
}

#[tokio::test]
async fn parts_of_words_come_from_the_vocabulary_which_the_rebuild_prunes() {
    let app = spawn_demo_app().await;
    add_user(
        &app,
        "sd-wort@kamen.test",
        UserRole::Clerk,
        Some("stadt-kamen"),
        None,
    );
    let s = Session::login(&app, "sd-wort@kamen.test").await;
    let id = create_paper(&s, kamen(&app), "Erweiterung der Zwergenwiese", true).await;
    // a part inside a compound, and inflected forms of that compound
    assert_eq!(
        hit_urls(&search(&app, "wergenwies").await),
        [format!("/vorlagen/{id}")]
    );
    let c = &mut app.conn();
    gremium::edit::write_transaction(c, |c| {
        diesel::update(papers::table.find(id))
            .set(papers::title.eq("Erweiterung der Riesenwiese"))
            .execute(c)
    })
    .expect("rename");
    assert_eq!(total(&search(&app, "wergenwies").await), 0);
    assert_eq!(total(&search(&app, "iesenwies").await), 1);
    let words = |c: &mut gremium::db::DbConnection, w: &str| -> i64 {
        search_words::table
            .filter(search_words::word.eq(w))
            .count()
            .get_result(c)
            .expect("count")
    };
    assert_eq!(words(c, "zwergenwiese"), 1, "kept until the rebuild");
    gremium::search::index::rebuild_vocabulary(c).expect("rebuild");
    assert_eq!(words(c, "zwergenwiese"), 0);
    assert_eq!(words(c, "riesenwiese"), 1);
    assert_eq!(total(&search(&app, "iesenwies").await), 1);
}
