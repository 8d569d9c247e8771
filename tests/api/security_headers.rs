//! Security headers on every kind of response: pages, API, errors,
//! redirects, static files; HSTS only when served over HTTPS.

use crate::helpers::{spawn_demo_app, spawn_with, TestDb};

fn header<'a>(r: &'a reqwest::Response, name: &str) -> &'a str {
    r.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let app = spawn_demo_app().await;
    for (path, status) in [
        ("/", 200),
        ("/sitzungen", 200),
        ("/oparl/v1.1/system", 200),
        ("/gibt-es-nicht", 404),
        ("/verwaltung", 303),
        ("/static/gremium.css", 200),
        ("/koerperschaften/stadt-kamen/kalender.ics", 200),
        ("/sitzungen/abc", 400),
    ] {
        let r = app
            .client
            .get(format!("{}{path}", app.address))
            .send()
            .await
            .expect("GET");
        assert_eq!(r.status().as_u16(), status, "{path}");
        let csp = header(&r, "content-security-policy");
        assert!(csp.contains("default-src 'self'"), "{path}: {csp}");
        assert!(csp.contains("script-src 'self'"), "{path}: {csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert!(
            !csp.contains("unsafe-inline"),
            "{path}: no inline scripts or styles"
        );
        assert_eq!(header(&r, "x-content-type-options"), "nosniff", "{path}");
        assert_eq!(header(&r, "x-frame-options"), "DENY", "{path}");
        assert_eq!(
            header(&r, "referrer-policy"),
            "strict-origin-when-cross-origin",
            "{path}"
        );
        assert!(
            header(&r, "permissions-policy").contains("camera=()"),
            "{path}"
        );
        assert_eq!(
            header(&r, "strict-transport-security"),
            "",
            "{path}: no HSTS over http"
        );
    }
    // pages carry no inline script or style (the CSP would block them)
    let html = app.page("/").await;
    assert!(
        !html.contains("<script>") && !html.contains(" style=\""),
        "no inline code"
    );
}

#[tokio::test]
async fn hsts_when_the_portal_is_served_over_https() {
    let app = spawn_with(TestDb::new(), false, |s| {
        s.public_url = Some("https://ratsinfo.example.de".into());
    })
    .await;
    let r = app
        .client
        .get(format!("{}/", app.address))
        .send()
        .await
        .expect("GET");
    assert_eq!(header(&r, "strict-transport-security"), "max-age=31536000");
}
