//! End-to-end in a real browser: Debian's headless Chromium driven through
//! chromedriver's WebDriver protocol signs in and builds an agenda.
//! `scripts/setup.sh` installs chromium and chromium-driver; set
//! GREMIUM_SKIP_BROWSER=1 to skip on machines without them.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{json, Value};

use crate::backoffice_flow::{day, items_of_meeting, org_id};
use crate::helpers::{free_port, spawn_demo_app};

struct Driver {
    child: Child,
    base: String,
    session: String,
    http: reqwest::Client,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn find(bin: &[&str]) -> Option<String> {
    bin.iter()
        .find(|p| std::path::Path::new(p).exists())
        .map(|p| p.to_string())
}

impl Driver {
    async fn start() -> Option<Driver> {
        let driver = find(&["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"]);
        let chromium = find(&["/usr/bin/chromium", "/usr/bin/chromium-browser"]);
        let (Some(driver), Some(chromium)) = (driver, chromium) else {
            if std::env::var("GREMIUM_SKIP_BROWSER").as_deref() == Ok("1") {
                return None;
            }
            panic!("chromium/chromedriver fehlen: scripts/setup.sh installiert sie (oder GREMIUM_SKIP_BROWSER=1 setzen)");
        };
        let port = free_port();
        let child = Command::new(driver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let base = format!("http://127.0.0.1:{port}");
        let http = reqwest::Client::new();
        for _ in 0..100 {
            if let Ok(r) = http.get(format!("{base}/status")).send().await {
                if r.status().is_success() {
                    break;
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium,
                "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         "--disable-background-networking", "--disable-component-update", "--disable-sync",
                         "--no-first-run", "--disable-quic", "--window-size=1280,1800", "--lang=de-DE"]
            }
        }}});
        let r: Value = http
            .post(format!("{base}/session"))
            .json(&caps)
            .send()
            .await
            .expect("new session")
            .json()
            .await
            .expect("json");
        let session = r["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no WebDriver session: {r}"))
            .to_string();
        Some(Driver {
            child,
            base,
            session,
            http,
        })
    }

    async fn cmd(&self, method: reqwest::Method, path: &str, body: Value) -> Value {
        let url = format!("{}/session/{}{}", self.base, self.session, path);
        let mut rb = self.http.request(method, url);
        if !body.is_null() {
            rb = rb.json(&body);
        }
        let r = rb.send().await.expect("webdriver");
        let v: Value = r.json().await.expect("json");
        if v["value"].get("error").is_some() {
            panic!("WebDriver {path}: {}", v["value"]);
        }
        v["value"].clone()
    }

    async fn goto(&self, url: &str) {
        self.cmd(reqwest::Method::POST, "/url", json!({"url": url}))
            .await;
    }

    async fn el(&self, css: &str) -> String {
        let v = self
            .cmd(
                reqwest::Method::POST,
                "/element",
                json!({"using": "css selector", "value": css}),
            )
            .await;
        v.as_object()
            .and_then(|o| o.values().next())
            .and_then(|x| x.as_str())
            .expect("element id")
            .to_string()
    }

    async fn type_into(&self, css: &str, text: &str) {
        let id = self.el(css).await;
        self.cmd(
            reqwest::Method::POST,
            &format!("/element/{id}/value"),
            json!({"text": text}),
        )
        .await;
    }

    async fn click(&self, css: &str) {
        let id = self.el(css).await;
        self.cmd(
            reqwest::Method::POST,
            &format!("/element/{id}/click"),
            json!({}),
        )
        .await;
    }

    async fn set_value(&self, css: &str, value: &str) {
        self.cmd(
            reqwest::Method::POST,
            "/execute/sync",
            json!({"script": "document.querySelector(arguments[0]).value = arguments[1];", "args": [css, value]}),
        )
        .await;
    }

    async fn source(&self) -> String {
        self.cmd(reqwest::Method::GET, "/source", Value::Null)
            .await
            .as_str()
            .unwrap_or("")
            .to_string()
    }

    async fn url(&self) -> String {
        self.cmd(reqwest::Method::GET, "/url", Value::Null)
            .await
            .as_str()
            .unwrap_or("")
            .to_string()
    }

    /// Poll until the page satisfies `ok(url, html)` (a click's navigation
    /// may still be under way when the click command returns).
    async fn wait_for(&self, what: &str, ok: impl Fn(&str, &str) -> bool) -> (String, String) {
        let mut last = (String::new(), String::new());
        for _ in 0..100 {
            last = (self.url().await, self.source().await);
            if ok(&last.0, &last.1) {
                return last;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("waited in vain for: {what} (at {})", last.0);
    }

    async fn screenshot(&self, name: &str) {
        let v = self
            .cmd(reqwest::Method::GET, "/screenshot", Value::Null)
            .await;
        if let Some(b64) = v.as_str() {
            let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"));
            let _ = std::fs::write(dir.join(format!("{name}.png.b64")), b64);
        }
    }
}

#[tokio::test]
async fn a_clerk_signs_in_and_builds_an_agenda_in_chromium() {
    let app = spawn_demo_app().await;
    let Some(d) = Driver::start().await else {
        return;
    };
    // sign in with the demo clerk account
    d.goto(&format!("{}/verwaltung/sitzungen/neu", app.address))
        .await;
    d.wait_for("the login page", |url, _| url.contains("/anmelden?weiter="))
        .await;
    d.type_into("#email", "sitzungsdienst@kamen.example").await;
    d.type_into("#passwort", gremium::demo::DEMO_PASSWORD).await;
    d.click("form[action='/anmelden'] button[type=submit]")
        .await;
    d.wait_for("back where the clerk wanted to go", |url, _| {
        url.ends_with("/verwaltung/sitzungen/neu")
    })
    .await;

    // a new meeting of the social committee
    let soz = org_id(
        &app,
        "Sozial-, Teilhabe-, Generationen- und Familienausschuss",
    );
    d.click(&format!("#f-gremium option[value='{soz}']")).await;
    d.set_value("#f-datum", &day(900)).await;
    d.set_value("#f-beginn", "17:00").await;
    d.type_into("#f-bezeichnung", "Sondersitzung Integrationskonzept")
        .await;
    d.click("form[action='/verwaltung/sitzungen'] button[type=submit]")
        .await;
    let (url, _) = d
        .wait_for("the new meeting's page", |url, _| {
            url.rsplit('/')
                .next()
                .is_some_and(|s| s.parse::<i64>().is_ok())
        })
        .await;
    let meeting: i64 = url
        .rsplit('/')
        .next()
        .and_then(|s| s.parse().ok())
        .expect("meeting id");

    // two items, the second moved to the top, all without JavaScript
    for title in ["Eröffnung und Begrüßung", "Bericht des Integrationsrates"] {
        d.type_into("#f-titel", title).await;
        d.click("#top-hinzufuegen button[type=submit]").await;
        d.wait_for(title, |_, html| html.contains(title)).await;
    }
    d.click("button[aria-label='Ö 2 nach oben']").await;
    let (_, html) = d
        .wait_for("the moved item on top", |_, html| {
            matches!((html.find("Bericht des Integrationsrates"), html.find("Eröffnung und Begrüßung")), (Some(a), Some(b)) if a < b)
        })
        .await;
    d.screenshot("agenda").await;
    assert!(html.contains("Ö 2"));
    let items = items_of_meeting(&app, meeting);
    assert_eq!(items.len(), 2);
    // the public page shows the same order
    let public = app.page(&format!("/sitzungen/{meeting}")).await;
    assert!(public.find("Bericht des Integrationsrates") < public.find("Eröffnung und Begrüßung"));
}
