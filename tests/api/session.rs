//! A signed-in browser-like client for back-office tests: its own cookie
//! jar, the Origin header a browser sends, and the CSRF token of its
//! session added to every form.

use gremium::domain::UserRole;
use gremium::edit::accounts::{insert_account, AccountInput};

use crate::helpers::{snippet, Page, TestApp};

pub const PASSWORD: &str = "sehr-geheim-123";

pub struct Session {
    pub address: String,
    pub client: reqwest::Client,
    pub csrf: String,
}

/// Create an account directly in the database.
pub fn add_user(
    app: &TestApp,
    email: &str,
    role: UserRole,
    body_key: Option<&str>,
    person: Option<i64>,
) -> i64 {
    let c = &mut app.conn();
    let body_id = body_key.map(|k| {
        gremium::db::bodies::find_by_key(c, k)
            .expect("body query")
            .expect("body exists")
            .id
    });
    insert_account(
        c,
        &AccountInput {
            email: email.into(),
            display_name: format!("Test {email}"),
            role,
            body_id,
            person_id: person,
            password: PASSWORD.into(),
        },
    )
    .expect("insert account")
}

pub fn csrf_of(html: &str) -> Option<String> {
    let i = html.find("name=\"_csrf\" value=\"")?;
    let rest = &html[i + "name=\"_csrf\" value=\"".len()..];
    Some(rest[..rest.find('"')?].to_string())
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .build()
        .expect("client")
}

impl Session {
    /// Sign in through the login form; panics unless it succeeds.
    pub async fn login(app: &TestApp, email: &str) -> Session {
        Session::try_login(app, email, PASSWORD)
            .await
            .expect("login succeeds")
    }

    /// Sign in; returns the login page answer on failure.
    pub async fn try_login(app: &TestApp, email: &str, password: &str) -> Result<Session, Page> {
        Session::try_login_with(app, client(), email, password).await
    }

    /// Sign in with a given client (its cookies: e.g. the device cookie of
    /// an earlier sign-in).
    pub async fn try_login_with(
        app: &TestApp,
        client: reqwest::Client,
        email: &str,
        password: &str,
    ) -> Result<Session, Page> {
        let form = Page::from(
            client
                .get(format!("{}/anmelden", app.address))
                .send()
                .await
                .expect("GET /anmelden"),
        )
        .await;
        assert_eq!(form.status, 200);
        let token = csrf_of(&form.body).expect("login form has a token");
        let r = client
            .post(format!("{}/anmelden", app.address))
            .header("Origin", &app.address)
            .form(&[
                ("email", email),
                ("passwort", password),
                ("_csrf", &token),
                ("weiter", ""),
            ])
            .send()
            .await
            .expect("POST /anmelden");
        let p = Page::from(r).await;
        if p.status != 303 {
            return Err(p);
        }
        let mut s = Session {
            address: app.address.clone(),
            client,
            csrf: String::new(),
        };
        let account = s.get("/konto").await;
        assert_eq!(account.status, 200, "{}", snippet(&account.body));
        s.csrf = csrf_of(&account.body).expect("account page has a token");
        Ok(s)
    }

    pub async fn get(&self, path: &str) -> Page {
        Page::from(
            self.client
                .get(format!("{}{}", self.address, path))
                .send()
                .await
                .expect("GET"),
        )
        .await
    }

    /// GET and require 200.
    pub async fn page(&self, path: &str) -> String {
        let p = self.get(path).await;
        assert_eq!(
            p.status,
            200,
            "GET {path} -> {}: {}",
            p.status,
            snippet(&p.body)
        );
        p.body
    }

    /// POST a form with this session's CSRF token, as a browser would.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let mut all: Vec<(&str, &str)> = vec![("_csrf", &self.csrf)];
        all.extend_from_slice(fields);
        self.post_raw(path, &all, Some(&self.address)).await
    }

    /// POST exactly these fields with the given Origin header.
    pub async fn post_raw(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        origin: Option<&str>,
    ) -> Page {
        let mut rb = self
            .client
            .post(format!("{}{}", self.address, path))
            .form(fields);
        if let Some(o) = origin {
            rb = rb.header("Origin", o);
        }
        Page::from(rb.send().await.expect("POST")).await
    }

    /// POST and require a redirect (the usual answer of a successful save).
    pub async fn post_ok(&self, path: &str, fields: &[(&str, &str)]) -> String {
        let p = self.post(path, fields).await;
        assert_eq!(
            p.status,
            303,
            "POST {path} -> {}: {}",
            p.status,
            error_text(&p.body)
        );
        p.location.expect("redirect target")
    }

    /// Upload a file as multipart form.
    pub async fn upload(&self, path: &str, file_name: &str, bytes: Vec<u8>, public: bool) -> Page {
        let mut form = reqwest::multipart::Form::new()
            .text("_csrf", self.csrf.clone())
            .text("name", format!("Anlage {file_name}"));
        if public {
            form = form.text("oeffentlich", "1");
        }
        form = form.part(
            "datei",
            reqwest::multipart::Part::bytes(bytes).file_name(file_name.to_string()),
        );
        let r = self
            .client
            .post(format!("{}{}", self.address, path))
            .header("Origin", &self.address)
            .multipart(form)
            .send()
            .await
            .expect("upload");
        Page::from(r).await
    }
}

/// The German messages of a form page, for assertion output.
pub fn error_text(html: &str) -> String {
    let mut out = Vec::new();
    for marker in [
        "class=\"field-error\"",
        "class=\"form-error\"",
        "class=\"conflict\"",
        "<h1>",
        "<p>",
    ] {
        let mut rest = html;
        while let Some(i) = rest.find(marker) {
            let tail = &rest[i..];
            let end = tail.find("</").unwrap_or(tail.len()).min(300);
            out.push(tail[..end].to_string());
            rest = &tail[marker.len()..];
            if out.len() > 12 {
                break;
            }
        }
    }
    out.join(" | ")
}

/// The id at the end of a redirect target like `/verwaltung/vorlagen/17?…`.
pub fn id_in(location: &str) -> i64 {
    let path = location.split(['?', '#']).next().unwrap_or(location);
    path.rsplit('/')
        .next()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no id in {location}"))
}
