//! Sign-in, sessions, throttling and account administration.

use gremium::domain::UserRole;

use crate::helpers::{spawn_app, spawn_demo_app};
use crate::session::{add_user, client, csrf_of, Session, PASSWORD};

#[tokio::test]
async fn login_sets_a_safe_cookie_and_logout_ends_the_session_server_side() {
    let app = spawn_app().await;
    add_user(&app, "admin@example.org", UserRole::Admin, None, None);
    let c = client();
    let form = c
        .get(format!("{}/anmelden", app.address))
        .send()
        .await
        .expect("get");
    let html = form.text().await.expect("html");
    let token = csrf_of(&html).expect("token");
    let r = c
        .post(format!("{}/anmelden", app.address))
        .header("Origin", &app.address)
        .form(&[
            ("email", "Admin@Example.org"),
            ("passwort", PASSWORD),
            ("_csrf", &token),
            ("weiter", "/verwaltung/vorlagen"),
        ])
        .send()
        .await
        .expect("post");
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(
        r.headers().get("location").and_then(|v| v.to_str().ok()),
        Some("/verwaltung/vorlagen")
    );
    let cookie = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("gremium_sitzung="))
        .expect("session cookie")
        .to_string();
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(
        !cookie.contains("Secure"),
        "plain http in tests: no Secure flag"
    );
    let token_value = cookie
        .split(';')
        .next()
        .expect("pair")
        .trim_start_matches("gremium_sitzung=")
        .to_string();
    // the database keeps only a hash of the token
    let stored: Vec<String> = {
        use diesel::prelude::*;
        use gremium::db::schema::sessions;
        sessions::table
            .select(sessions::token_hash)
            .load(&mut app.conn())
            .expect("sessions")
    };
    assert_eq!(stored.len(), 1);
    assert_ne!(stored[0], token_value);
    // signed in: the back office opens
    let p = c
        .get(format!("{}/verwaltung", app.address))
        .send()
        .await
        .expect("get");
    assert_eq!(p.status().as_u16(), 200);
    let html = p.text().await.expect("html");
    let csrf = csrf_of(&html).expect("logout form token");
    // logout purges the session row; the old cookie is worthless
    let r = c
        .post(format!("{}/abmelden", app.address))
        .header("Origin", &app.address)
        .form(&[("_csrf", csrf.as_str())])
        .send()
        .await
        .expect("logout");
    assert_eq!(r.status().as_u16(), 303);
    let left: i64 = {
        use diesel::prelude::*;
        gremium::db::schema::sessions::table
            .count()
            .get_result(&mut app.conn())
            .expect("count")
    };
    assert_eq!(left, 0);
    let replay = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let r = replay
        .get(format!("{}/verwaltung", app.address))
        .header("Cookie", format!("gremium_sitzung={token_value}"))
        .send()
        .await
        .expect("replay");
    assert_eq!(
        r.status().as_u16(),
        303,
        "a logged-out token does not open the back office"
    );
}

#[tokio::test]
async fn wrong_passwords_are_throttled_per_account() {
    let app = spawn_app().await;
    add_user(&app, "clerk@example.org", UserRole::Clerk, None, None);
    for _ in 0..gremium::routes::account::MAX_FAILURES_PER_ACCOUNT {
        let p = Session::try_login(&app, "clerk@example.org", "falsch-falsch")
            .await
            .err()
            .expect("fails");
        assert_eq!(p.status, 401);
        assert!(p.body.contains("E-Mail-Adresse oder Passwort ist falsch"));
    }
    // now even the right password waits
    let p = Session::try_login(&app, "clerk@example.org", PASSWORD)
        .await
        .err()
        .expect("throttled");
    assert_eq!(p.status, 429);
    assert!(p.body.contains("Zu viele fehlgeschlagene Anmeldeversuche"));
    // another account from the same address is not locked by this one
    add_user(&app, "other@example.org", UserRole::Clerk, None, None);
    assert!(Session::try_login(&app, "other@example.org", PASSWORD)
        .await
        .is_ok());
}

#[tokio::test]
async fn login_form_needs_its_own_token_and_unknown_accounts_get_the_same_answer() {
    let app = spawn_app().await;
    let c = client();
    let r = c
        .post(format!("{}/anmelden", app.address))
        .header("Origin", &app.address)
        .form(&[
            ("email", "x@example.org"),
            ("passwort", "whatever12345"),
            ("_csrf", "forged"),
        ])
        .send()
        .await
        .expect("post");
    assert_eq!(r.status().as_u16(), 403);
    let p = Session::try_login(&app, "niemand@example.org", "irgendwas-123")
        .await
        .err()
        .expect("fails");
    assert_eq!(p.status, 401);
    assert!(p.body.contains("E-Mail-Adresse oder Passwort ist falsch"));
}

#[tokio::test]
async fn admins_create_and_lock_accounts_and_locking_ends_sessions() {
    let app = spawn_demo_app().await;
    add_user(&app, "admin@example.org", UserRole::Admin, None, None);
    let admin = Session::login(&app, "admin@example.org").await;
    // bad input comes back with messages and the values kept
    let p = admin
        .post(
            "/verwaltung/benutzer",
            &[
                ("email", "kein-at-zeichen"),
                ("name", "Erika Muster"),
                ("rolle", "clerk"),
                ("passwort", "kurz"),
            ],
        )
        .await;
    assert_eq!(p.status, 422);
    assert!(p.body.contains("gültige E-Mail-Adresse"));
    assert!(p.body.contains("mindestens 10 Zeichen"));
    assert!(p.body.contains("Erika Muster"));
    let p = admin
        .post(
            "/verwaltung/benutzer",
            &[
                ("email", "mitglied@example.org"),
                ("rolle", "member"),
                ("passwort", PASSWORD),
            ],
        )
        .await;
    assert_eq!(p.status, 422);
    assert!(p.body.contains("mit einer Person verknüpft"));
    // a clerk account
    admin
        .post_ok(
            "/verwaltung/benutzer",
            &[
                ("email", "neu@kamen.example"),
                ("name", "Neue Kollegin"),
                ("rolle", "clerk"),
                ("passwort", PASSWORD),
            ],
        )
        .await;
    let clerk = Session::login(&app, "neu@kamen.example").await;
    assert_eq!(clerk.get("/verwaltung").await.status, 200);
    let list = admin.page("/verwaltung/benutzer").await;
    assert!(list.contains("neu@kamen.example"));
    let id: i64 = {
        use diesel::prelude::*;
        use gremium::db::schema::users;
        users::table
            .filter(users::email.eq("neu@kamen.example"))
            .select(users::id)
            .first(&mut app.conn())
            .expect("user")
    };
    // a new password set by the administration ends the open session too
    let p = admin
        .post(
            &format!("/verwaltung/benutzer/{id}/passwort"),
            &[("passwort", "kurz")],
        )
        .await;
    assert_eq!(p.status, 400);
    assert!(p.body.contains("mindestens 10 Zeichen"));
    admin
        .post_ok(
            &format!("/verwaltung/benutzer/{id}/passwort"),
            &[("passwort", "ganz-neues-passwort")],
        )
        .await;
    assert_eq!(clerk.get("/verwaltung").await.status, 303);
    assert!(Session::try_login(&app, "neu@kamen.example", PASSWORD)
        .await
        .is_err());
    let clerk = Session::try_login(&app, "neu@kamen.example", "ganz-neues-passwort")
        .await
        .expect("the new password works");
    admin
        .post_ok(&format!("/verwaltung/benutzer/{id}/sperren"), &[])
        .await;
    // the open session is gone at once, and signing in is refused
    assert_eq!(clerk.get("/verwaltung").await.status, 303);
    assert!(
        Session::try_login(&app, "neu@kamen.example", "ganz-neues-passwort")
            .await
            .is_err()
    );
}

#[tokio::test]
async fn every_visitor_gets_their_own_login_form_token() {
    // nothing is written between the two visits, so a page cache could
    // serve the first visitor's form to the second
    let app = spawn_app().await;
    add_user(&app, "clerk@example.org", UserRole::Clerk, None, None);
    let (a, b) = (client(), client());
    let first = a
        .get(format!("{}/anmelden", app.address))
        .send()
        .await
        .expect("get");
    assert!(first.headers().get("set-cookie").is_some());
    let first = csrf_of(&first.text().await.expect("html")).expect("token");
    let second = b
        .get(format!("{}/anmelden", app.address))
        .send()
        .await
        .expect("get");
    assert!(
        second.headers().get("set-cookie").is_some(),
        "the second visitor gets a cookie too"
    );
    let second = csrf_of(&second.text().await.expect("html")).expect("token");
    assert_ne!(first, second);
    let r = b
        .post(format!("{}/anmelden", app.address))
        .header("Origin", &app.address)
        .form(&[
            ("email", "clerk@example.org"),
            ("passwort", PASSWORD),
            ("_csrf", second.as_str()),
        ])
        .send()
        .await
        .expect("post");
    assert_eq!(r.status().as_u16(), 303);
}

/// A stranger who knows an account's address cannot lock its owner out:
/// failures from unknown browsers count per account and client, while the
/// browser the owner signed in with before (device cookie) counts only its
/// own failures.
#[tokio::test]
async fn a_stranger_cannot_lock_out_an_account_on_its_known_browser() {
    let app = spawn_app().await;
    add_user(&app, "admin@example.org", UserRole::Admin, None, None);
    let owner = Session::login(&app, "admin@example.org").await;
    let p = owner.post("/abmelden", &[]).await;
    assert_eq!(p.status, 303);
    // the stranger guesses until he is stopped
    for _ in 0..gremium::routes::account::MAX_FAILURES_PER_ACCOUNT {
        let p = Session::try_login(&app, "admin@example.org", "falsch-falsch")
            .await
            .err()
            .expect("fails");
        assert_eq!(p.status, 401);
    }
    let p = Session::try_login(&app, "admin@example.org", PASSWORD)
        .await
        .err()
        .expect("stranger throttled");
    assert_eq!(
        p.status, 429,
        "the stranger waits, even with the right password"
    );
    // the owner's browser still gets in
    let again = Session::try_login_with(&app, owner.client.clone(), "admin@example.org", PASSWORD)
        .await
        .expect("the owner signs in on her known browser");
    assert!(again.page("/verwaltung").await.contains("Verwaltung"));
    let p = again.post("/abmelden", &[]).await;
    assert_eq!(p.status, 303);
    // and her browser is limited by its own failures only
    for _ in 0..gremium::routes::account::MAX_FAILURES_PER_ACCOUNT {
        let p =
            Session::try_login_with(&app, owner.client.clone(), "admin@example.org", "vertippt")
                .await
                .err()
                .expect("fails");
        assert_eq!(p.status, 401);
    }
    let p = Session::try_login_with(&app, owner.client.clone(), "admin@example.org", PASSWORD)
        .await
        .err()
        .expect("own failures count");
    assert_eq!(p.status, 429);
}

#[test]
fn clients_are_counted_by_address_and_ipv6_by_network() {
    use gremium::routes::account::client_key;
    assert_eq!(client_key("192.0.2.7"), "192.0.2.7");
    assert_eq!(client_key("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64");
    assert_eq!(
        client_key("2001:db8:1:2:ffff:ffff:ffff:ffff"),
        client_key("2001:db8:1:2::99")
    );
    assert_ne!(client_key("2001:db8:1:3::1"), client_key("2001:db8:1:2::1"));
    assert_eq!(client_key("::ffff:192.0.2.7"), "192.0.2.7");
}

#[tokio::test]
async fn many_failures_from_one_address_lock_that_address() {
    let app = spawn_app().await;
    add_user(&app, "clerk@example.org", UserRole::Clerk, None, None);
    for i in 0..gremium::routes::account::MAX_FAILURES_PER_ADDRESS {
        let p = Session::try_login(&app, &format!("raten{i}@example.org"), "falsch-falsch")
            .await
            .err()
            .expect("fails");
        assert_eq!(p.status, 401);
    }
    let p = Session::try_login(&app, "clerk@example.org", PASSWORD)
        .await
        .err()
        .expect("address throttled");
    assert_eq!(p.status, 429);
}

#[tokio::test]
async fn the_cookies_are_secure_behind_https() {
    let app = crate::helpers::spawn_with(crate::helpers::TestDb::new(), false, |s| {
        s.public_url = Some("https://ratsinfo.example.de".into())
    })
    .await;
    add_user(&app, "clerk@example.org", UserRole::Clerk, None, None);
    // no cookie jar: a jar would not send Secure cookies over plain http
    let c = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let set_cookie = |r: &reqwest::Response, name: &str| {
        r.headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with(&format!("{name}=")))
            .map(str::to_string)
            .unwrap_or_default()
    };
    let r = c
        .get(format!("{}/anmelden", app.address))
        .send()
        .await
        .expect("get");
    let login_cookie = set_cookie(&r, "gremium_anmeldung");
    assert!(login_cookie.contains("Secure"), "{login_cookie}");
    let token = csrf_of(&r.text().await.expect("html")).expect("token");
    // the browser behind the proxy names the public origin
    let r = c
        .post(format!("{}/anmelden", app.address))
        .header("Origin", "https://ratsinfo.example.de")
        .header("Cookie", format!("gremium_anmeldung={token}"))
        .form(&[
            ("email", "clerk@example.org"),
            ("passwort", PASSWORD),
            ("_csrf", token.as_str()),
        ])
        .send()
        .await
        .expect("post");
    assert_eq!(r.status().as_u16(), 303);
    let session_cookie = set_cookie(&r, "gremium_sitzung");
    assert!(
        session_cookie.contains("Secure") && session_cookie.contains("HttpOnly"),
        "{session_cookie}"
    );
}

/// Where sign-in without a target leads: members to their own page (with
/// the next meetings of their committees), the clerks' office and
/// administrators to the back office. Error pages show the signed-in
/// header like every page.
#[tokio::test]
async fn each_role_lands_where_it_works_and_error_pages_show_the_account() {
    let app = spawn_demo_app().await;
    let council = crate::helpers::find::org_by_name(&mut app.conn(), "Rat der Stadt Kamen");
    let person = crate::helpers::find::a_member_of(&mut app.conn(), council);
    add_user(
        &app,
        "rm-land@kamen.test",
        UserRole::Member,
        None,
        Some(person),
    );
    add_user(
        &app,
        "sd-land@kamen.test",
        UserRole::Clerk,
        Some("stadt-kamen"),
        None,
    );
    add_user(&app, "admin-land@kamen.test", UserRole::Admin, None, None);
    for (email, landing) in [
        ("rm-land@kamen.test", "/konto"),
        ("sd-land@kamen.test", "/verwaltung"),
        ("admin-land@kamen.test", "/verwaltung"),
    ] {
        let c = client();
        let html = c
            .get(format!("{}/anmelden", app.address))
            .send()
            .await
            .expect("get")
            .text()
            .await
            .expect("html");
        let token = csrf_of(&html).expect("token");
        let r = c
            .post(format!("{}/anmelden", app.address))
            .header("Origin", &app.address)
            .form(&[
                ("email", email),
                ("passwort", PASSWORD),
                ("_csrf", &token),
                ("weiter", ""),
            ])
            .send()
            .await
            .expect("post");
        assert_eq!(r.status().as_u16(), 303);
        assert_eq!(
            r.headers().get("location").and_then(|v| v.to_str().ok()),
            Some(landing),
            "{email}"
        );
        // where they land works for them
        let page = c
            .get(format!("{}{landing}", app.address))
            .send()
            .await
            .expect("landing");
        assert_eq!(page.status().as_u16(), 200, "{email} on {landing}");
        // the login page sends the signed-in there too
        let again = c
            .get(format!("{}/anmelden", app.address))
            .send()
            .await
            .expect("again");
        assert_eq!(
            again
                .headers()
                .get("location")
                .and_then(|v| v.to_str().ok()),
            Some(landing)
        );
    }
    // a meeting of her council set for next month is on her page
    let clerk = Session::login(&app, "sd-land@kamen.test").await;
    let day = (chrono::Local::now().date_naive() + chrono::Duration::days(30))
        .format("%Y-%m-%d")
        .to_string();
    clerk
        .post_ok(
            "/verwaltung/sitzungen",
            &[
                ("gremium", &council.to_string()),
                ("datum", &day),
                ("beginn", "18:30"),
            ],
        )
        .await;
    let member = Session::login(&app, "rm-land@kamen.test").await;
    let own = member.page("/konto").await;
    assert!(
        own.contains("Meine nächsten Sitzungen"),
        "{}",
        crate::helpers::snippet(&own)
    );
    assert!(
        own.contains("18:30 Uhr"),
        "{}",
        crate::helpers::snippet(&own)
    );
    let p = member.get("/verwaltung").await;
    assert_eq!(p.status, 403);
    assert!(p.body.contains("Abmelden"), "403 page shows the account");
    assert!(p.body.contains("Test rm-land@kamen.test"));
    let p = member.get("/gibt-es-nicht").await;
    assert_eq!(p.status, 404);
    assert!(p.body.contains("Abmelden"), "404 page shows the account");
    let anonymous = app
        .client
        .get(format!("{}/gibt-es-nicht", app.address))
        .send()
        .await
        .expect("404");
    let body = anonymous.text().await.expect("body");
    assert!(body.contains("Anmelden") && !body.contains("Abmelden"));
}
