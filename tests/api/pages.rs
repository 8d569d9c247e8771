//! Every public page answers and shows what a citizen looks for.

use crate::helpers::{find, spawn_app, spawn_demo_app};

#[tokio::test]
async fn health_answers_ok() {
    let app = spawn_app().await;
    let p = app.get("/health").await;
    assert_eq!(p.status, 200);
    assert_eq!(p.body, "ok");
}

#[tokio::test]
async fn empty_portal_pages_render() {
    let app = spawn_app().await;
    for path in [
        "/",
        "/sitzungen",
        "/sitzungen/kalender",
        "/vorlagen",
        "/gremien",
        "/personen",
        "/koerperschaften",
        "/sitemap.xml",
    ] {
        app.page(path).await;
    }
}

#[tokio::test]
async fn start_page_lists_upcoming_meetings_and_bodies() {
    let app = spawn_demo_app().await;
    let home = app.page("/").await;
    assert!(home.contains("<html lang=\"de\">"));
    assert!(home.contains("Nächste Sitzungen"));
    assert!(home.contains("Kreis Siegen-Wittgenstein"));
    assert!(home.contains("StädteRegion Aachen"));
    // the towns of the Kreis Unna are listed right under it, not after Aachen
    let list = &home[home.find("id=\"koerperschaften\"").expect("bodies section")..];
    let pos = |name: &str| list.find(name).unwrap_or_else(|| panic!("{name} listed"));
    assert!(pos("Kreis Unna") < pos("Stadt Kamen"));
    assert!(pos("Stadt Kamen") < pos("StädteRegion Aachen"));
    assert!(pos("Gemeinde Bönen") < pos("StädteRegion Aachen"));
}

#[tokio::test]
async fn kamen_meeting_shows_deferral_and_unanimous_kim_decision() {
    let app = spawn_demo_app().await;
    let c = &mut app.conn();
    let (_, meeting) = find::item_by_title(c, "Integrationskonzept der Stadt Kamen");
    let page = app.page(&format!("/sitzungen/{meeting}")).await;
    assert!(
        page.contains("Dienstag, 24. November 2020, 17:00 Uhr"),
        "Berlin time shown"
    );
    assert!(page.contains("Ö 3"));
    assert!(page.contains("Integrationskonzept der Stadt Kamen"));
    assert!(page.contains("vertagt"));
    assert!(page.contains("einstimmig beschlossen"));
    assert!(
        page.contains("Ja 14 · Nein 0 · Enthaltung 0"),
        "tally shown apart from outcome"
    );
    assert!(page.contains("Rathaus Kamen, Ratssaal"));
    assert!(page.contains("nichtöffentlichen Teil"));
}

#[tokio::test]
async fn bergkamen_paper_11_1481_shows_all_metadata_and_outcome() {
    let app = spawn_demo_app().await;
    let c = &mut app.conn();
    let id = find::paper_by_reference(c, "11/1481");
    let page = app.page(&format!("/vorlagen/{id}")).await;
    for text in [
        "Einführung eines Kommunalen Integrationsmanagements",
        "11/1481",
        "51si-",
        "Beschlussvorlage",
        "Kenntnisnahme",
        "Integrationsrat der Stadt Bergkamen",
        "zur Kenntnis genommen",
        "Bezirksregierung Arnsberg",
        "Instituts für soziale Innovation",
        "Amt 51",
        "11/1450",
    ] {
        assert!(page.contains(text), "paper page lacks {text:?}");
    }
}

#[tokio::test]
async fn aachen_top_12_with_follow_up_answered_at_next_meeting() {
    let app = spawn_demo_app().await;
    let c = &mut app.conn();
    let (item, meeting) =
        find::item_by_title(c, "Sachstandsbericht zum Kommunalen Integrationsmanagement");
    let m = app.page(&format!("/sitzungen/{meeting}")).await;
    assert!(m.contains("Mittwoch, 16. Juni 2021, 16:00 Uhr"));
    let page = app.page(&format!("/tagesordnungspunkte/{item}")).await;
    assert!(page.contains("TOP Ö 12"), "numbered Ö 12");
    assert!(page.contains("zur Kenntnis genommen"));
    assert!(page.contains("Quereinsteiger_innen"));
    assert!(page.contains("erledigt"), "follow-up shown as answered");
    assert!(page.contains("KIM-Modul 3"));
    let p = app
        .page("/vorlagen?art=mitteilungsvorlage&koerperschaft=staedteregion-aachen")
        .await;
    assert!(p.contains("Sachstandsbericht zum Kommunalen Integrationsmanagement"));
    // the answering meeting is a joint one
    let (answer, answer_meeting) = find::item_by_title(
        c,
        "Situation der Quereinsteiger_innen und der Internationalen Förderklassen",
    );
    let a = app.page(&format!("/tagesordnungspunkte/{answer}")).await;
    assert!(a.contains("Dieser Tagesordnungspunkt beantwortet"));
    let jm = app.page(&format!("/sitzungen/{answer_meeting}")).await;
    assert!(jm.contains("gemeinsam mit"));
    assert!(jm.contains("Ausschuss für Schule, Bildung, Wissenschaft und Kultur"));
    // the joint meeting is listed for the participating committee too
    let schul = jm
        .split("gemeinsam mit <a href=\"/gremien/")
        .nth(1)
        .and_then(|x| x.split('"').next())
        .expect("link to SCHUL")
        .to_string();
    let list = app
        .page(&format!("/sitzungen?zeitraum=vergangene&gremium={schul}"))
        .await;
    assert!(list.contains(&format!("/sitzungen/{answer_meeting}\"")));
}

#[tokio::test]
async fn committee_person_body_and_list_pages() {
    let app = spawn_demo_app().await;
    let gremien = app.page("/gremien").await;
    assert!(gremien.contains("Integrationsausschuss"));
    let c = &mut app.conn();
    let (_, meeting) = find::item_by_title(c, "Integrationskonzept des Kreises Coesfeld");
    let mp = app.page(&format!("/sitzungen/{meeting}")).await;
    let org_link = mp
        .split("href=\"/gremien/")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("committee link on meeting page")
        .to_string();
    let committee = app.page(&format!("/gremien/{org_link}")).await;
    assert!(committee.contains("Klaus-Viktor Kleerbaum"));
    assert!(committee.contains("Vorsitz"));
    assert!(committee.contains("Dr. Thomas Wenning"));
    assert!(committee.contains("Vergangene Sitzungen"));
    let person_link = committee
        .split("href=\"/personen/")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("person link")
        .to_string();
    let person = app.page(&format!("/personen/{person_link}")).await;
    assert!(person.contains("Mitgliedschaften"));
    assert!(person.contains("Integrationsausschuss"));
    let body = app.page("/koerperschaften/kreis-unna").await;
    assert!(
        body.contains("Stadt Kamen"),
        "Gemeinden of the Kreis listed"
    );
    assert!(body.contains("Stadt Bergkamen"));
    let persons = app.page("/personen?koerperschaft=kreis-coesfeld").await;
    assert!(persons.contains("Kleerbaum"));
    assert!(!persons.contains("Ziemons"));
}

#[tokio::test]
async fn meeting_list_filters_and_month_calendar() {
    let app = spawn_demo_app().await;
    let past = app
        .page("/sitzungen?zeitraum=vergangene&koerperschaft=kreis-siegen-wittgenstein")
        .await;
    assert!(past.contains("Kreissozialausschuss"));
    assert!(!past.contains("Rat der Stadt Kamen"));
    let range = app.page("/sitzungen?von=2013-09-01&bis=2013-09-30").await;
    assert!(range.contains("09.09.2013"));
    assert!(range.contains("13.09.2013"));
    assert!(!range.contains("2016"));
    let cal = app.page("/sitzungen/kalender?monat=2013-09").await;
    assert!(cal.contains("September 2013"));
    assert!(cal.contains("Kreissozialausschuss"));
    let cal = app
        .page("/sitzungen/kalender?monat=2021-02&koerperschaft=stadt-kamen")
        .await;
    assert!(cal.contains("Sozial-, Teilhabe-, Generationen- und Familienausschuss"));
}

#[tokio::test]
async fn public_minutes_of_held_meeting() {
    let app = spawn_demo_app().await;
    let c = &mut app.conn();
    let (_, meeting) = find::item_by_title(c, "Integrationskonzept des Kreises Coesfeld");
    let min = app
        .page(&format!("/sitzungen/{meeting}/niederschrift"))
        .await;
    assert!(min.contains("Niederschrift – öffentlicher Teil"));
    assert!(min.contains("Schublade"));
    assert!(min.contains("Beschlussempfehlung"));
    // a meeting in the future has no minutes
    let future = app.page("/sitzungen?koerperschaft=stadt-kamen").await;
    let fid = future
        .split("href=\"/sitzungen/")
        .filter_map(|s| s.split('"').next())
        .find(|s| s.chars().all(|c| c.is_ascii_digit()) && !s.is_empty())
        .expect("an upcoming meeting")
        .to_string();
    let p = app.get(&format!("/sitzungen/{fid}/niederschrift")).await;
    assert_eq!(p.status, 404);
}

#[tokio::test]
async fn sitemap_lists_absolute_urls_of_public_pages() {
    let app = spawn_demo_app().await;
    let p = app.get("/sitemap.xml").await;
    assert_eq!(p.status, 200);
    assert!(p.content_type.starts_with("application/xml"));
    assert!(p.body.contains(&format!("<loc>{}/vorlagen/", app.address)));
    assert!(p.body.contains("/niederschrift</loc>"));
    assert!(p.body.contains("/tagesordnungspunkte/"));
    // part 1 of a single-part sitemap is the same list; other parts do not exist
    assert_eq!(app.page("/sitemap.xml?teil=1").await, p.body);
    assert_eq!(app.get("/sitemap.xml?teil=2").await.status, 404);
    assert_eq!(app.get("/sitemap.xml?teil=0").await.status, 400);
}

#[tokio::test]
async fn head_requests_are_answered_without_body() {
    let app = spawn_demo_app().await;
    let r = app
        .client
        .head(format!("{}/sitzungen", app.address))
        .send()
        .await
        .expect("head");
    assert_eq!(r.status(), 200);
    assert!(r.text().await.expect("body").is_empty());
}

#[tokio::test]
async fn security_headers_and_static_css() {
    let app = spawn_demo_app().await;
    let r = app
        .client
        .get(format!("{}/", app.address))
        .send()
        .await
        .expect("get");
    let h = r.headers();
    assert_eq!(
        h.get("x-content-type-options")
            .map(|v| v.to_str().unwrap_or("")),
        Some("nosniff")
    );
    assert!(h.get("content-security-policy").is_some());
    let css = app.get("/static/gremium.css").await;
    assert_eq!(css.status, 200);
    assert!(css.content_type.starts_with("text/css"));
}

#[tokio::test]
async fn cached_pages_are_refreshed_by_every_write_transaction() {
    use diesel::prelude::*;
    use gremium::db::schema::agenda_items::dsl as a;
    let app = spawn_demo_app().await;
    let c = &mut app.conn();
    let (item, meeting) = find::item_by_title(c, "Einwohnerfragestunde");
    let path = format!("/sitzungen/{meeting}");
    assert!(app.page(&path).await.contains("Einwohnerfragestunde"));
    // a write that bypasses write_transaction is not seen: the page is cached
    diesel::update(a::agenda_items.find(item))
        .set(a::title.eq("Fragestunde für Einwohnerinnen und Einwohner"))
        .execute(c)
        .expect("raw update");
    assert!(
        app.page(&path).await.contains("Einwohnerfragestunde"),
        "served from cache"
    );
    // a proper write transaction invalidates the cache (on every app server)
    gremium::edit::write_transaction(c, |c| {
        diesel::update(a::agenda_items.find(item))
            .set(a::title.eq("Fragestunde für Einwohnerinnen und Einwohner"))
            .execute(c)
    })
    .expect("write");
    assert!(app
        .page(&path)
        .await
        .contains("Fragestunde für Einwohnerinnen und Einwohner"));
    // requests with cookies are never served from the cache
    let r = app
        .client
        .get(format!("{}{}", app.address, path))
        .header("cookie", "x=1")
        .send()
        .await
        .expect("get");
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn public_base_url_is_used_for_absolute_links() {
    let app = crate::helpers::spawn_with(crate::helpers::TestDb::new(), true, |s| {
        s.public_url = Some("https://ratsinfo.example.de/".into());
    })
    .await;
    let xml = app.page("/sitemap.xml").await;
    assert!(xml.contains("<loc>https://ratsinfo.example.de/vorlagen/"));
    assert!(!xml.contains("127.0.0.1"));
    let robots = app.page("/robots.txt").await;
    assert!(robots.contains("Sitemap: https://ratsinfo.example.de/sitemap.xml"));
}

#[tokio::test]
async fn trailing_slashes_are_tolerated() {
    let app = spawn_demo_app().await;
    assert!(app.page("/sitzungen/").await.contains("Sitzungen"));
    assert!(app.page("/vorlagen/").await.contains("Vorlagen"));
}

#[tokio::test]
async fn the_accessibility_statement_and_the_plain_explanation_are_there() {
    let app = crate::helpers::spawn_demo_app().await;
    let page = app.page("/barrierefreiheit").await;
    assert!(page.contains("<h1>Erklärung zur Barrierefreiheit</h1>"));
    assert!(page.contains("WCAG"));
    assert!(
        page.contains("href=\"mailto:ratsinfo@gremium.test\""),
        "feedback address from mail_from"
    );
    let start = app.page("/").await;
    assert!(start.contains("Kurz und einfach erklärt"));
    assert!(
        start.contains("href=\"/barrierefreiheit\""),
        "linked in the footer"
    );
    assert!(app.page("/sitemap.xml").await.contains("/barrierefreiheit"));
}
