//! Every back-office route refuses anonymous visitors (to the login page)
//! and members (403), by GET and POST alike, and nothing is written.

use diesel::prelude::*;
use gremium::db::schema::*;
use gremium::domain::UserRole;

use crate::helpers::{spawn_demo_app, TestApp};
use crate::session::{add_user, client, Session};

/// (method, route pattern as in src/routes/admin/mod.rs)
const ROUTES: &[(&str, &str)] = &[
    ("GET", ""),
    ("GET", "/benutzer"),
    ("POST", "/benutzer"),
    ("POST", "/benutzer/{id}/{aktion}"),
    ("GET", "/koerperschaften"),
    ("POST", "/koerperschaften/{id}"),
    ("GET", "/protokoll"),
    ("GET", "/postausgang"),
    ("POST", "/postausgang/{id}/erneut"),
    ("GET", "/vorlagen"),
    ("POST", "/vorlagen"),
    ("GET", "/vorlagen/neu"),
    ("GET", "/vorlagen/{id}"),
    ("POST", "/vorlagen/{id}"),
    ("POST", "/vorlagen/{id}/beratungsfolge"),
    ("POST", "/vorlagen/{id}/beratungsfolge/{cid}/{aktion}"),
    ("POST", "/vorlagen/{id}/dateien"),
    ("GET", "/sitzungen"),
    ("POST", "/sitzungen"),
    ("GET", "/sitzungen/neu"),
    ("GET", "/sitzungen/{id}"),
    ("POST", "/sitzungen/{id}"),
    ("POST", "/sitzungen/{id}/status"),
    ("POST", "/sitzungen/{id}/tops"),
    ("POST", "/sitzungen/{id}/tops/{tid}/{aktion}"),
    ("POST", "/sitzungen/{id}/anwesenheit"),
    ("POST", "/sitzungen/{id}/dateien"),
    ("GET", "/tops/{id}"),
    ("POST", "/tops/{id}"),
    ("POST", "/tops/{id}/nachfragen"),
    ("POST", "/tops/{id}/dateien"),
    ("POST", "/dateien/{id}/{aktion}"),
    ("POST", "/vorlagen/{id}/integration"),
    ("POST", "/tops/{id}/integration"),
    ("POST", "/verknuepfungen/{id}/entfernen"),
    ("GET", "/integrationskonzepte"),
    ("POST", "/integrationskonzepte"),
    ("GET", "/integrationskonzepte/neu"),
    ("GET", "/integrationskonzepte/{id}"),
    ("POST", "/integrationskonzepte/{id}"),
    ("POST", "/integrationskonzepte/{id}/handlungsfelder"),
    (
        "POST",
        "/integrationskonzepte/{id}/handlungsfelder/{fid}/entfernen",
    ),
    ("POST", "/integrationskonzepte/{id}/massnahmen"),
    (
        "POST",
        "/integrationskonzepte/{id}/massnahmen/{mid}/entfernen",
    ),
    ("POST", "/integrationskonzepte/{id}/verknuepfungen"),
    ("POST", "/integrationskonzepte/{id}/dateien"),
    ("GET", "/integrationskonzepte/{id}/loeschen"),
    ("POST", "/integrationskonzepte/{id}/loeschen"),
    ("GET", "/foerderprogramme"),
    ("POST", "/foerderprogramme"),
    ("GET", "/foerderprogramme/neu"),
    ("GET", "/foerderprogramme/{id}"),
    ("POST", "/foerderprogramme/{id}"),
    ("POST", "/foerderprogramme/{id}/zuteilungen"),
    ("POST", "/foerderprogramme/{id}/bausteine"),
    ("POST", "/foerderprogramme/{id}/bausteine/{mid}/entfernen"),
    ("POST", "/foerderprogramme/{id}/vereinbarungen"),
    (
        "POST",
        "/foerderprogramme/{id}/vereinbarungen/{aid}/entfernen",
    ),
    ("POST", "/foerderprogramme/{id}/fristen"),
    ("POST", "/foerderprogramme/{id}/fristen/{did}/entfernen"),
    ("POST", "/foerderprogramme/{id}/verknuepfungen"),
    ("GET", "/foerderprogramme/{id}/loeschen"),
    ("POST", "/foerderprogramme/{id}/loeschen"),
];

#[test]
fn the_matrix_lists_every_back_office_route() {
    let src = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/src/routes/admin/mod.rs"
    ))
    .expect("source");
    let mut found = Vec::new();
    // each `.route(` call up to the next one: its path and its method
    for call in src.split(".route(").skip(1) {
        let path = call.split('"').nth(1).expect("path").to_string();
        let method = if call.contains("web::post()") {
            "POST"
        } else {
            "GET"
        };
        found.push((method.to_string(), path));
    }
    let mut listed: Vec<(String, String)> = ROUTES
        .iter()
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .collect();
    found.sort();
    listed.sort();
    assert_eq!(
        found, listed,
        "update ROUTES when back-office routes change"
    );
}

struct Ids {
    meeting: i64,
    paper: i64,
    item: i64,
    consultation: i64,
    user: i64,
    body: i64,
    /// Kamen's concept with a field, a measure and a link
    concept: i64,
    field: i64,
    measure: i64,
    link: i64,
    /// the Kreis Unna's KIM (neither Kamen nor Bergkamen administers it)
    programme: i64,
    module: i64,
    agreement: i64,
    deadline: i64,
}

fn ids(app: &TestApp, user: i64) -> Ids {
    let c = &mut app.conn();
    let body = gremium::db::bodies::find_by_key(c, "stadt-kamen")
        .expect("q")
        .expect("body")
        .id;
    let (item, meeting): (i64, i64) = agenda_items::table
        .inner_join(meetings::table)
        .filter(meetings::body_id.eq(body))
        .select((agenda_items::id, agenda_items::meeting_id))
        .first(c)
        .expect("item");
    let (consultation, paper): (i64, i64) = consultations::table
        .inner_join(papers::table)
        .filter(papers::body_id.eq(body))
        .select((consultations::id, consultations::paper_id))
        .first(c)
        .expect("consultation");
    let concept: i64 = integration_concepts::table
        .filter(integration_concepts::body_id.eq(body))
        .order(integration_concepts::id)
        .select(integration_concepts::id)
        .first(c)
        .expect("concept");
    let field: i64 = concept_fields::table
        .filter(concept_fields::concept_id.eq(concept))
        .select(concept_fields::id)
        .first(c)
        .expect("field");
    let measure: i64 = concept_measures::table
        .filter(concept_measures::field_id.eq(field))
        .select(concept_measures::id)
        .first(c)
        .expect("measure");
    let link: i64 = integration_links::table
        .filter(integration_links::concept_id.eq(concept))
        .select(integration_links::id)
        .first(c)
        .expect("link");
    let unna = gremium::db::bodies::find_by_key(c, "kreis-unna")
        .expect("q")
        .expect("Kreis Unna")
        .id;
    let programme: i64 = funding_programmes::table
        .filter(funding_programmes::body_id.eq(unna))
        .select(funding_programmes::id)
        .first(c)
        .expect("programme");
    let module: i64 = programme_modules::table
        .filter(programme_modules::programme_id.eq(programme))
        .select(programme_modules::id)
        .first(c)
        .expect("module");
    let agreement: i64 = programme_agreements::table
        .filter(programme_agreements::programme_id.eq(programme))
        .select(programme_agreements::id)
        .first(c)
        .expect("agreement");
    let deadline: i64 = programme_deadlines::table
        .filter(programme_deadlines::programme_id.eq(programme))
        .select(programme_deadlines::id)
        .first(c)
        .expect("deadline");
    Ids {
        meeting,
        paper,
        item,
        consultation,
        user,
        body,
        concept,
        field,
        measure,
        link,
        programme,
        module,
        agreement,
        deadline,
    }
}

fn concrete(pattern: &str, ids: &Ids) -> String {
    let p = format!("/verwaltung{pattern}");
    let p = if p.starts_with("/verwaltung/benutzer") || p.starts_with("/verwaltung/koerperschaften")
    {
        p.replace(
            "{id}",
            &if p.contains("benutzer") {
                ids.user
            } else {
                ids.body
            }
            .to_string(),
        )
    } else if p.starts_with("/verwaltung/vorlagen") {
        p.replace("{id}", &ids.paper.to_string())
    } else if p.starts_with("/verwaltung/sitzungen") {
        p.replace("{id}", &ids.meeting.to_string())
    } else if p.starts_with("/verwaltung/integrationskonzepte") {
        p.replace("{id}", &ids.concept.to_string())
            .replace("{fid}", &ids.field.to_string())
            .replace("{mid}", &ids.measure.to_string())
    } else if p.starts_with("/verwaltung/foerderprogramme") {
        p.replace("{id}", &ids.programme.to_string())
            .replace("{mid}", &ids.module.to_string())
            .replace("{aid}", &ids.agreement.to_string())
            .replace("{did}", &ids.deadline.to_string())
    } else if p.starts_with("/verwaltung/verknuepfungen") {
        p.replace("{id}", &ids.link.to_string())
    } else if p.starts_with("/verwaltung/dateien") {
        p.replace("{id}", "1")
    } else {
        p.replace("{id}", &ids.item.to_string())
    };
    p.replace("{cid}", &ids.consultation.to_string())
        .replace("{tid}", &ids.item.to_string())
        .replace(
            "{aktion}",
            if p.contains("benutzer") {
                "sperren"
            } else if p.contains("/tops/") {
                "entfernen"
            } else {
                "hoch"
            },
        )
}

fn version(app: &TestApp) -> i64 {
    gremium::db::data_version(&mut app.conn()).expect("data version")
}

#[tokio::test]
async fn anonymous_visitors_are_sent_to_the_login_page() {
    let app = spawn_demo_app().await;
    let admin = add_user(&app, "admin@example.org", UserRole::Admin, None, None);
    let ids = ids(&app, admin);
    let before = version(&app);
    let c = client();
    for (method, pattern) in ROUTES {
        let path = concrete(pattern, &ids);
        let url = format!("{}{}", app.address, path);
        let r = match *method {
            "GET" => c.get(&url).send().await,
            _ => {
                c.post(&url)
                    .header("Origin", &app.address)
                    .form(&[("titel", "x"), ("_csrf", "x")])
                    .send()
                    .await
            }
        }
        .expect("request");
        assert_eq!(r.status().as_u16(), 303, "{method} {path}");
        let loc = r
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        assert!(
            loc.starts_with("/anmelden?weiter="),
            "{method} {path} -> {loc}"
        );
    }
    assert_eq!(version(&app), before, "nothing was written");
    // the login page brings the visitor back afterwards
    let r = c
        .get(format!(
            "{}/verwaltung/sitzungen/{}",
            app.address, ids.meeting
        ))
        .send()
        .await
        .expect("get");
    assert_eq!(
        r.headers().get("location").and_then(|v| v.to_str().ok()),
        Some(
            format!(
                "/anmelden?weiter=%2Fverwaltung%2Fsitzungen%2F{}",
                ids.meeting
            )
            .as_str()
        )
    );
}

#[tokio::test]
async fn members_and_clerks_of_other_bodies_get_403_and_change_nothing() {
    let app = spawn_demo_app().await;
    let admin = add_user(&app, "admin@example.org", UserRole::Admin, None, None);
    let person: i64 = persons::table
        .select(persons::id)
        .first(&mut app.conn())
        .expect("person");
    add_user(
        &app,
        "ratsmitglied@example.org",
        UserRole::Member,
        None,
        Some(person),
    );
    add_user(
        &app,
        "clerk@bergkamen.example",
        UserRole::Clerk,
        Some("stadt-bergkamen"),
        None,
    );
    add_user(
        &app,
        "clerk@kamen.example",
        UserRole::Clerk,
        Some("stadt-kamen"),
        None,
    );
    let ids = ids(&app, admin);
    let member = Session::login(&app, "ratsmitglied@example.org").await;
    let other_clerk = Session::login(&app, "clerk@bergkamen.example").await;
    let own_clerk = Session::login(&app, "clerk@kamen.example").await;
    let before = version(&app);
    for (method, pattern) in ROUTES {
        let path = concrete(pattern, &ids);
        let p = match *method {
            "GET" => member.get(&path).await,
            _ => member.post(&path, &[("titel", "x")]).await,
        };
        assert_eq!(p.status, 403, "member: {method} {path}");
        assert!(
            p.body.contains("Kein Zugriff"),
            "German 403 page for {path}"
        );
        let admin_only = pattern.starts_with("/benutzer")
            || pattern.starts_with("/koerperschaften")
            || *pattern == "/protokoll";
        let body_specific = pattern.contains("{id}") || admin_only;
        if body_specific && !pattern.starts_with("/dateien") && !pattern.starts_with("/postausgang")
        {
            let p = match *method {
                "GET" => other_clerk.get(&path).await,
                _ => other_clerk.post(&path, &[("titel", "x")]).await,
            };
            assert_eq!(p.status, 403, "clerk of another body: {method} {path}");
        }
        if admin_only {
            let p = match *method {
                "GET" => own_clerk.get(&path).await,
                _ => own_clerk.post(&path, &[("titel", "x")]).await,
            };
            assert_eq!(p.status, 403, "clerk on admin page: {method} {path}");
        }
    }
    assert_eq!(version(&app), before, "nothing was written");
}

#[tokio::test]
async fn forms_without_the_token_or_from_another_site_are_refused() {
    let app = spawn_demo_app().await;
    add_user(
        &app,
        "clerk@kamen.example",
        UserRole::Clerk,
        Some("stadt-kamen"),
        None,
    );
    let s = Session::login(&app, "clerk@kamen.example").await;
    let body = crate::backoffice_flow::kamen(&app);
    let fields = [
        ("koerperschaft", body.to_string()),
        ("typ", "antrag".into()),
        ("betreff", "Fremdantrag".into()),
        ("datum", "2026-11-21".into()),
    ];
    let f: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let before = version(&app);
    // no token
    let p = s
        .post_raw("/verwaltung/vorlagen", &f, Some(&s.address))
        .await;
    assert_eq!(p.status, 403);
    assert!(p.body.contains("Sicherheitsprüfung"));
    // right token, but posted from another site
    let mut with_token = f.clone();
    with_token.push(("_csrf", &s.csrf));
    let p = s
        .post_raw(
            "/verwaltung/vorlagen",
            &with_token,
            Some("https://boese.example"),
        )
        .await;
    assert_eq!(p.status, 403);
    assert!(p.body.contains("nicht von einer Seite dieses Portals"));
    // no Origin and no Referer at all
    let p = s.post_raw("/verwaltung/vorlagen", &with_token, None).await;
    assert_eq!(p.status, 403);
    // what Chromium sends from a page with `Referrer-Policy: no-referrer`:
    // `Origin: null`, no Referer, but `Sec-Fetch-Site` says where it is from
    let post = |origin: Option<&'static str>, site: &'static str| {
        let mut r = s
            .client
            .post(format!("{}/verwaltung/vorlagen", s.address))
            .header("Sec-Fetch-Site", site)
            .form(&with_token);
        if let Some(o) = origin {
            r = r.header("Origin", o);
        }
        r.send()
    };
    let r = post(Some("null"), "cross-site").await.expect("post");
    assert_eq!(r.status().as_u16(), 403, "a cross-site form is refused");
    let r = post(None, "same-site").await.expect("post");
    assert_eq!(r.status().as_u16(), 403, "a sibling site is refused");
    let r = s
        .client
        .post(format!("{}/verwaltung/vorlagen", s.address))
        .header("Origin", &s.address)
        .header("Sec-Fetch-Site", "cross-site")
        .form(&with_token)
        .send()
        .await
        .expect("post");
    assert_eq!(r.status().as_u16(), 403, "Sec-Fetch-Site outweighs Origin");
    assert_eq!(version(&app), before);
    let r = post(Some("null"), "same-origin").await.expect("post");
    assert_eq!(
        r.status().as_u16(),
        303,
        "a form of this portal with Origin: null passes"
    );
    // the same form from the portal itself works
    let p = s
        .post_raw("/verwaltung/vorlagen", &with_token, Some(&s.address))
        .await;
    assert_eq!(p.status, 303);
}

/// Pages whose address or content holds a secret send the referrer to this
/// site only: `no-referrer` made browsers post their forms with
/// `Origin: null` (the 403s users met on /konto and confirmation pages).
#[tokio::test]
async fn pages_with_forms_keep_the_referrer_on_this_site() {
    let app = crate::helpers::spawn_demo_app().await;
    add_user(&app, "rm-ref@kamen.test", UserRole::Member, None, None);
    let s = Session::login(&app, "rm-ref@kamen.test").await;
    let r = s
        .client
        .get(format!("{}/konto", s.address))
        .send()
        .await
        .expect("konto");
    assert_eq!(
        r.headers()
            .get("referrer-policy")
            .and_then(|v| v.to_str().ok()),
        Some("same-origin")
    );
    let token = "e".repeat(64);
    for path in [
        format!("/abonnieren/bestaetigen/{token}"),
        format!("/suche/abonnieren/bestaetigen/{token}"),
        format!("/abbestellen/{token}"),
    ] {
        let r = app
            .client
            .get(format!("{}{path}", app.address))
            .send()
            .await
            .expect("page");
        let policy = r
            .headers()
            .get("referrer-policy")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        assert!(
            policy == "same-origin" || policy == "strict-origin-when-cross-origin",
            "{path}: {policy}"
        );
        assert_ne!(policy, "no-referrer", "{path}");
    }
}
