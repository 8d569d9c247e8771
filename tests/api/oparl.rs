//! The OParl 1.1 API: a crawl from the System object validated against
//! the draft-07 schemas (python jsonschema with format checks) that must
//! not meet a single non-public marker; pagination, filters and deleted
//! objects; HTTP details (CORS, ETag, JSON errors, file URLs).

use std::process::Command;

use diesel::prelude::*;
use gremium::db::schema::*;
use serde_json::Value;

use crate::helpers::{find, spawn_demo_app, TestApp};

fn schema_dir() -> String {
    crate::helpers::shared("oparl/schema-draft7")
}

async fn json(app: &TestApp, url: &str) -> (u16, Value, reqwest::header::HeaderMap) {
    let url = if url.starts_with("http") {
        url.to_string()
    } else {
        format!("{}{url}", app.address)
    };
    let r = reqwest::get(&url).await.expect("GET");
    let status = r.status().as_u16();
    let headers = r.headers().clone();
    let v = r.json::<Value>().await.unwrap_or(Value::Null);
    (status, v, headers)
}

#[tokio::test]
async fn the_whole_api_validates_and_never_shows_non_public_content() {
    let app = spawn_demo_app().await;
    crate::non_public::plant(&mut app.conn());
    let forbidden = [
        crate::non_public::MARKER,
        "Anmietung eines Wohngebäudes",
        "Personalangelegenheit",
        "Grundstücksangelegenheit",
        "Mietzins",
    ];
    let system = format!("{}/oparl/v1.1/system", app.address);
    // the crawler calls back into the app: run it off the test's runtime thread
    let out = tokio::task::spawn_blocking(move || {
        Command::new("python3")
            .arg(format!(
                "{}/tests/tools/oparl_check.py",
                env!("CARGO_MANIFEST_DIR")
            ))
            .arg(system)
            .arg(schema_dir())
            .args(forbidden)
            .output()
            .expect("python3")
    })
    .await
    .expect("crawler");
    assert!(
        out.status.success(),
        "oparl_check.py failed (scripts/test-tools.sh installs jsonschema): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).expect("report");
    let list = |k: &str| report[k].as_array().cloned().unwrap_or_default();
    assert!(
        list("errors").is_empty(),
        "schema errors: {:#?}",
        list("errors")
    );
    assert!(
        list("http").is_empty(),
        "HTTP problems: {:#?}",
        list("http")
    );
    assert!(
        list("forbidden").is_empty(),
        "non-public content: {:#?}",
        list("forbidden")
    );
    for t in [
        "System",
        "Body",
        "LegislativeTerm",
        "Organization",
        "Person",
        "Membership",
        "Meeting",
        "AgendaItem",
        "Paper",
        "Consultation",
        "File",
        "Location",
    ] {
        assert!(
            report["types"][t].as_i64().unwrap_or(0) > 0,
            "the crawl met {t}: {}",
            report["types"]
        );
    }
    assert!(report["objects"].as_i64().unwrap_or(0) > 300);
}

#[tokio::test]
async fn lists_paginate_keep_their_filters_and_show_deleted_objects_only_when_asked() {
    let app = spawn_demo_app().await;
    let kamen = crate::backoffice_flow::kamen(&app);
    let base = format!("/oparl/v1.1/body/{kamen}");
    let (s, first, _) = json(&app, &format!("{base}/meeting?limit=2")).await;
    assert_eq!(s, 200);
    let total = first["pagination"]["totalElements"]
        .as_i64()
        .expect("total");
    assert!(total > 2);
    // walk the pages by links.next: every meeting once, filters kept
    let mut ids = Vec::new();
    let mut page = first;
    let mut pages = 0;
    loop {
        pages += 1;
        for m in page["data"].as_array().expect("data") {
            ids.push(m["id"].as_str().expect("id").to_string());
        }
        match page["links"]["next"].as_str() {
            Some(next) => {
                assert!(next.contains("limit=2"), "filter kept in {next}");
                page = json(&app, next).await.1;
            }
            None => break,
        }
        assert!(pages < 100);
    }
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), ids.len(), "stable order, no duplicates");
    assert_eq!(ids.len() as i64, total);

    // a deleted public paper: gone from the list, there with modified_since
    let paper = find::paper_by_reference(&mut app.conn(), "2020/142");
    diesel::update(papers::table.find(paper))
        .set(papers::deleted_at.eq(Some(gremium::db::now())))
        .execute(&mut app.conn())
        .expect("delete");
    let url = app.address.clone() + &format!("/oparl/v1.1/paper/{paper}");
    let (_, list, _) = json(&app, &format!("{base}/paper?limit=500")).await;
    assert!(!list.to_string().contains(&url));
    let (_, since, _) = json(
        &app,
        &format!("{base}/paper?limit=500&modified_since=2000-01-01T00%3A00%3A00%2B01%3A00"),
    )
    .await;
    let stub = since["data"]
        .as_array()
        .expect("data")
        .iter()
        .find(|p| p["id"] == url.as_str())
        .expect("deleted paper listed under modified_since");
    assert_eq!(stub["deleted"], true);
    assert!(stub.get("name").is_none());
    let (s, obj, _) = json(&app, &url).await;
    assert_eq!(s, 200);
    assert_eq!(obj["deleted"], true);
    // its consultations: gone from the list, deleted stubs under modified_since
    let (_, cons, _) = json(&app, &format!("{base}/consultation?limit=500")).await;
    let paper_ref = format!("\"paper\":\"{url}\"");
    assert!(!cons.to_string().contains(&paper_ref));
    let (_, cons, _) = json(
        &app,
        &format!("{base}/consultation?limit=500&modified_since=2000-01-01T00:00:00%2B01:00"),
    )
    .await;
    let consultation_ids: Vec<i64> = consultations::table
        .filter(consultations::paper_id.eq(paper))
        .select(consultations::id)
        .load(&mut app.conn())
        .expect("consultations");
    assert!(!consultation_ids.is_empty());
    for id in consultation_ids {
        let cid = format!("{}/oparl/v1.1/consultation/{id}", app.address);
        let c = cons["data"]
            .as_array()
            .expect("data")
            .iter()
            .find(|x| x["id"] == cid.as_str())
            .expect("consultation listed under modified_since");
        assert_eq!(c["deleted"], true, "{c}");
    }
    // modified_since in the future: nothing
    let (_, none, _) = json(
        &app,
        &format!("{base}/paper?modified_since=2999-01-01T00%3A00%3A00%2B00%3A00"),
    )
    .await;
    assert_eq!(none["data"].as_array().map(|a| a.len()), Some(0));
    // omit_internal leaves the inline agenda out
    let (_, lean, _) = json(&app, &format!("{base}/meeting?omit_internal=true")).await;
    assert!(lean["data"][0].get("agendaItem").is_none());
    assert!(lean["links"]["first"]
        .as_str()
        .unwrap_or("")
        .contains("omit_internal=true"));
}

#[tokio::test]
async fn results_tallies_deferrals_and_http_details() {
    let app = spawn_demo_app().await;
    // Kamen's KIM decision: result string plus the structured tally
    let (item, _) = find::item_by_title(
        &mut app.conn(),
        "Teilnahme am Förderprogramm „Kommunales Integrationsmanagement“ – Weiterleitungsvertrag",
    );
    let (s, top, headers) = json(&app, &format!("/oparl/v1.1/agendaitem/{item}")).await;
    assert_eq!(s, 200);
    assert_eq!(headers["access-control-allow-origin"], "*");
    assert!(headers["content-type"]
        .to_str()
        .unwrap_or("")
        .starts_with("application/json"));
    assert_eq!(
        top["result"],
        "einstimmig beschlossen (Ja 14, Nein 0, Enthaltung 0)"
    );
    assert_eq!(top["gremium:tally"]["yes"], 14);
    assert_eq!(top["public"], true);
    assert!(
        top["meeting"].as_str().is_some(),
        "back-reference when standalone"
    );
    let kim = find::paper_by_reference(&mut app.conn(), "2020/151");
    let (_, paper, _) = json(&app, &format!("/oparl/v1.1/paper/{kim}")).await;
    let links = paper["gremium:integrationLinks"].to_string();
    assert!(
        links.contains("/foerderprogramme/") && links.contains("beschliesst_teilnahme"),
        "{links}"
    );
    // the deferred concept TOP points to where it continued
    let concept = find::paper_by_reference(&mut app.conn(), "2020/142");
    let first = find::items_of_paper(&mut app.conn(), concept)[0].0;
    let (_, deferred, _) = json(&app, &format!("/oparl/v1.1/agendaitem/{first}")).await;
    assert!(deferred["result"]
        .as_str()
        .unwrap_or("")
        .starts_with("vertagt"));
    assert!(deferred["gremium:deferredTo"].as_str().is_some());

    // ETag and 304
    let url = format!("{}/oparl/v1.1/agendaitem/{item}", app.address);
    let etag = headers["etag"].to_str().expect("etag").to_string();
    let r = reqwest::Client::new()
        .get(&url)
        .header("If-None-Match", &etag)
        .send()
        .await
        .expect("GET");
    assert_eq!(r.status().as_u16(), 304);

    // errors are JSON objects of type Error
    for (path, status) in [
        ("/oparl/v1.1/paper/999999".to_string(), 404),
        ("/oparl/v1.1/gibtsnicht/1".to_string(), 404),
        ("/oparl/v1.1/paper/abc".to_string(), 404),
        (
            format!(
                "/oparl/v1.1/body/{}/paper?created_since=gestern",
                crate::backoffice_flow::kamen(&app)
            ),
            400,
        ),
    ] {
        let (s, e, h) = json(&app, &path).await;
        assert_eq!(s, status, "{path}");
        assert_eq!(e["type"], "https://schema.oparl.org/1.1/Error", "{path}");
        assert!(e["message"].as_str().is_some_and(|m| !m.is_empty()));
        assert_eq!(h["access-control-allow-origin"], "*");
    }
    // non-public paper and TOP: absent
    let closed: i64 = agenda_items::table
        .filter(agenda_items::public.eq(false))
        .select(agenda_items::id)
        .first(&mut app.conn())
        .expect("closed item");
    assert_eq!(
        json(&app, &format!("/oparl/v1.1/agendaitem/{closed}"))
            .await
            .0,
        404
    );
    let secret = find::paper_by_reference(&mut app.conn(), "2020/150");
    assert_eq!(
        json(&app, &format!("/oparl/v1.1/paper/{secret}")).await.0,
        404
    );

    // files: accessUrl shows, downloadUrl downloads
    crate::session::add_user(
        &app,
        "sd@kamen.test",
        gremium::domain::UserRole::Clerk,
        Some("stadt-kamen"),
        None,
    );
    let clerk = crate::session::Session::login(&app, "sd@kamen.test").await;
    let up = clerk
        .upload(
            &format!("/verwaltung/vorlagen/{concept}/dateien"),
            "konzept.pdf",
            crate::uploads::pdf("Konzept"),
            true,
        )
        .await;
    assert_eq!(up.status, 303);
    let file: i64 = files::table
        .filter(files::paper_id.eq(concept))
        .order(files::id.desc())
        .select(files::id)
        .first(&mut app.conn())
        .expect("file");
    let (s, f, _) = json(&app, &format!("/oparl/v1.1/file/{file}")).await;
    assert_eq!(s, 200);
    // a file of a TOP that was taken off the agenda leaves the file list
    let (top, _) = find::item_by_title(
        &mut app.conn(),
        "Teilnahme am Förderprogramm „Kommunales Integrationsmanagement“ – Weiterleitungsvertrag",
    );
    let up = clerk
        .upload(
            &format!("/verwaltung/tops/{top}/dateien"),
            "top.pdf",
            crate::uploads::pdf("TOP-Anlage"),
            true,
        )
        .await;
    assert_eq!(up.status, 303);
    let kamen = crate::backoffice_flow::kamen(&app);
    let files_list = format!("/oparl/v1.1/body/{kamen}/file?limit=500");
    assert!(json(&app, &files_list)
        .await
        .1
        .to_string()
        .contains("Anlage top.pdf"));
    diesel::update(agenda_items::table.find(top))
        .set(agenda_items::deleted_at.eq(Some(gremium::db::now())))
        .execute(&mut app.conn())
        .expect("remove TOP");
    assert!(!json(&app, &files_list)
        .await
        .1
        .to_string()
        .contains("Anlage top.pdf"));
    for (key, attachment) in [("accessUrl", false), ("downloadUrl", true)] {
        let u = f[key].as_str().expect(key);
        let r = reqwest::get(u).await.expect("file GET");
        let cd = r
            .headers()
            .get("content-disposition")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        assert_eq!(cd.starts_with("attachment"), attachment, "{key}: {cd}");
    }
}
