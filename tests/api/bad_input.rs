//! Bad input gets a German message and a 4xx, never a 500.

use crate::helpers::{snippet, spawn_demo_app};

#[tokio::test]
async fn malformed_ids_and_parameters_are_400_with_german_message() {
    let app = spawn_demo_app().await;
    let cases = [
        ("/sitzungen/abc", "keine gültige Nummer"),
        ("/sitzungen/-5", "keine gültige Nummer"),
        ("/sitzungen/99999999999999999999999", "keine gültige Nummer"),
        ("/vorlagen/1.5", "keine gültige Nummer"),
        ("/tagesordnungspunkte/%27%3B--", "keine gültige Nummer"),
        ("/sitzungen?von=2020-13-01", "kein gültiges Datum"),
        ("/sitzungen?bis=+262142-01-01", "kein gültiges Datum"),
        ("/sitzungen?von=0001-01-01", "kein gültiges Datum"),
        (
            "/sitzungen?von=2021-03-01&bis=2021-01-01",
            "liegt vor dem Datum",
        ),
        ("/sitzungen?gremium=abc", "erwartet eine Nummer"),
        ("/sitzungen?zeitraum=gestern", "Unbekannter Zeitraum"),
        ("/sitzungen?seite=0", "keine gültige Seitenzahl"),
        ("/sitzungen?koerperschaft=atlantis", "gibt es nicht"),
        ("/sitzungen/kalender?monat=2020-13", "kein gültiger Monat"),
        ("/sitzungen/kalender?monat=%00", "kein gültiger Monat"),
        ("/vorlagen?art=roman", "Vorlagenart"),
        ("/vorlagen?jahr=zwanzig", "kein gültiges Jahr"),
        ("/personen?seite=x", "keine gültige Seitenzahl"),
        ("/sitzungen?seite=1&seite=2", "doppelte Suchparameter"),
    ];
    for (path, text) in cases {
        let p = app.get(path).await;
        assert_eq!(p.status, 400, "{path}: {}", snippet(&p.body));
        assert!(
            p.body.contains(text),
            "{path} lacks {text:?}: {}",
            snippet(&p.body)
        );
        assert!(p.body.contains("Ungültige Anfrage"));
        assert!(p.content_type.starts_with("text/html"));
    }
}

#[tokio::test]
async fn unknown_ids_and_paths_are_german_404_pages() {
    let app = spawn_demo_app().await;
    for path in [
        "/sitzungen/999999",
        "/sitzungen/999999/niederschrift",
        "/tagesordnungspunkte/999999",
        "/vorlagen/999999",
        "/gremien/999999",
        "/personen/999999",
        "/koerperschaften/atlantis",
        "/gibt-es-nicht",
        "/static/nichts.css",
    ] {
        let p = app.get(path).await;
        assert_eq!(p.status, 404, "{path}");
        assert!(
            p.body.contains("nicht gefunden"),
            "{path}: {}",
            snippet(&p.body)
        );
    }
}
