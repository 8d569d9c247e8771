//! Anonymous visitors never see non-public content: plant marker strings in
//! non-public TOPs, papers, files and follow-ups, then walk the sitemap.

use gremium::db::{self, insert::*, DbConnection};

use crate::helpers::{snippet, spawn_demo_app, TestApp};

pub const MARKER: &str = "GEHEIMMARKER";

pub struct Planted {
    secret_paper: i64,
    secret_item: i64,
    child_of_secret: i64,
}

pub fn plant(c: &mut DbConnection) -> Planted {
    gremium::edit::write_transaction(c, |c| Ok::<_, diesel::result::Error>(plant_rows(c)))
        .expect("plant")
}

fn plant_rows(c: &mut DbConnection) -> Planted {
    let now = db::now();
    let body = db::bodies::find_by_key(c, "stadt-kamen")
        .expect("q")
        .expect("Kamen");
    let org = db::organizations::list_gremien(c, Some(body.id)).expect("orgs")[0].id;
    let meeting = |c: &mut DbConnection, day: u32| {
        insert_meeting(
            c,
            &NewMeeting {
                body_id: body.id,
                organization_id: org,
                name: "Sitzung mit vertraulichem Teil".into(),
                number: None,
                start_at: chrono::NaiveDate::from_ymd_opt(2022, 3, day)
                    .and_then(|d| d.and_hms_opt(16, 0, 0))
                    .expect("d"),
                end_at: None,
                location_id: None,
                state: "durchgefuehrt".into(),
                sequence: 0,
                minutes_approved_at: Some(now),
                minutes_published_at: Some(now),
                created_at: now,
                updated_at: now,
            },
        )
        .expect("meeting")
    };
    let m1 = meeting(c, 1);
    let m2 = meeting(c, 15);
    let paper = |c: &mut DbConnection, reference: &str, title: &str, public: bool| {
        insert_paper(
            c,
            &NewPaper {
                body_id: body.id,
                reference: reference.into(),
                paper_type: "beschlussvorlage".into(),
                title: title.into(),
                file_number: Some(format!("{MARKER}-AZ")),
                date: chrono::NaiveDate::from_ymd_opt(2022, 2, 1).expect("d"),
                lead_organization_id: None,
                proposal: Some(format!("{MARKER}-VORSCHLAG")),
                reasoning: Some(format!("{MARKER}-SACHDARSTELLUNG")),
                public,
                created_at: now,
                updated_at: now,
            },
        )
        .expect("paper")
    };
    let secret_paper = paper(
        c,
        &format!("{MARKER}/1"),
        &format!("{MARKER}-VORLAGE"),
        false,
    );
    let public_paper = paper(c, "2022/0001", "Öffentliche Vorlage", true);
    // the public paper's file_number etc. carry no marker on purpose? They do:
    // make the public one clean.
    {
        use diesel::prelude::*;
        use gremium::db::schema::papers::dsl as p;
        diesel::update(p::papers.find(public_paper))
            .set((
                p::file_number.eq(Some("10.1")),
                p::proposal.eq(Some("Zustimmung")),
                p::reasoning.eq(Some("Begründung")),
            ))
            .execute(c)
            .expect("clean");
    }
    let item = |c: &mut DbConnection,
                m: i64,
                parent: Option<i64>,
                public: bool,
                pos: i32,
                title: String,
                paper: Option<i64>,
                continues: Option<i64>| {
        insert_agenda_item(
            c,
            &NewAgendaItem {
                meeting_id: m,
                parent_id: parent,
                public,
                position: pos,
                title,
                paper_id: paper,
                outcome: Some("beschlossen".into()),
                votes_yes: Some(5),
                votes_no: Some(0),
                votes_abstain: Some(0),
                votes_absent: None,
                resolution_text: Some(if public {
                    "Öffentlicher Beschluss".into()
                } else {
                    format!("{MARKER}-BESCHLUSS")
                }),
                minutes_text: Some(if public {
                    "Öffentliches Protokoll".into()
                } else {
                    format!("{MARKER}-PROTOKOLL")
                }),
                deferred_to_meeting_id: None,
                deferred_to_next: false,
                continues_agenda_item_id: continues,
                referred_to_organization_id: None,
                supplement: false,
                created_at: now,
                updated_at: now,
            },
        )
        .expect("item")
    };
    // public TOP that treats a non-public paper: TOP visible, paper not
    let public_item = item(
        c,
        m1,
        None,
        true,
        1,
        "Öffentlicher Punkt".into(),
        Some(secret_paper),
        None,
    );
    let secret_item = item(
        c,
        m1,
        None,
        false,
        1,
        format!("{MARKER}-TOP"),
        Some(secret_paper),
        None,
    );
    let child_of_secret = item(
        c,
        m1,
        Some(secret_item),
        true,
        1,
        format!("{MARKER}-UNTERPUNKT"),
        None,
        None,
    );
    // a non-public matter deferred and continued in public
    let deferred = item(
        c,
        m1,
        None,
        false,
        2,
        format!("{MARKER}-VERTAGT"),
        None,
        None,
    );
    {
        use diesel::prelude::*;
        use gremium::db::schema::agenda_items::dsl as a;
        diesel::update(a::agenda_items.find(deferred))
            .set((
                a::outcome.eq(Some("vertagt")),
                a::deferred_to_meeting_id.eq(Some(m2)),
            ))
            .execute(c)
            .expect("defer");
    }
    item(
        c,
        m2,
        None,
        true,
        1,
        "Fortsetzung öffentlich".into(),
        Some(public_paper),
        Some(deferred),
    );
    insert_consultation(
        c,
        &NewConsultation {
            paper_id: secret_paper,
            organization_id: org,
            meeting_id: Some(m1),
            agenda_item_id: Some(secret_item),
            role: "entscheidung".into(),
            position: 1,
            authoritative: true,
            created_at: now,
            updated_at: now,
        },
    )
    .expect("consultation");
    insert_paper_relation(
        c,
        &NewPaperRelation {
            paper_id: public_paper,
            related_paper_id: secret_paper,
            kind: "bezug".into(),
            created_at: now,
            updated_at: now,
        },
    )
    .expect("relation");
    // nine public levels under the secret item: deeper than the visibility walk
    let mut parent = secret_item;
    for level in 1..=9 {
        parent = item(
            c,
            m1,
            Some(parent),
            true,
            1,
            format!("{MARKER}-EBENE-{level}"),
            None,
            None,
        );
    }
    // a public follow-up answered in closed session
    insert_follow_up(
        c,
        &NewFollowUp {
            origin_agenda_item_id: public_item,
            organization_id: org,
            due_meeting_id: None,
            description: "Öffentlicher Auftrag".into(),
            requested_by_person_id: None,
            answered_by_agenda_item_id: Some(secret_item),
            created_at: now,
            updated_at: now,
        },
    )
    .expect("follow-up answered in closed session");
    // public files whose paper or TOP is not public, listed on the meeting
    for (name, paper, item) in [
        (
            format!("{MARKER}-DATEI-ZU-GEHEIMER-VORLAGE"),
            Some(secret_paper),
            None,
        ),
        (
            format!("{MARKER}-DATEI-ZU-GEHEIMEM-TOP"),
            None,
            Some(secret_item),
        ),
    ] {
        insert_file(
            c,
            &NewFile {
                body_id: body.id,
                name,
                file_name: "y.pdf".into(),
                mime_type: "application/pdf".into(),
                size: 1000,
                sha256: None,
                storage_path: None,
                text_content: None,
                text_status: None,
                public: true,
                paper_id: paper,
                meeting_id: Some(m1),
                agenda_item_id: item,
                created_at: now,
                updated_at: now,
                concept_id: None,
            },
        )
        .expect("file");
    }
    for (name, public, paper, meeting) in [
        (format!("{MARKER}-ANLAGE"), false, Some(public_paper), None),
        (format!("{MARKER}-SITZUNGSDOKUMENT"), false, None, Some(m1)),
        (
            "Öffentliche Anlage".to_string(),
            true,
            Some(public_paper),
            None,
        ),
    ] {
        insert_file(
            c,
            &NewFile {
                body_id: body.id,
                name,
                file_name: "x.pdf".into(),
                mime_type: "application/pdf".into(),
                size: 1000,
                sha256: None,
                storage_path: None,
                text_content: Some(format!("{MARKER}-DATEITEXT")),
                text_status: None,
                public,
                paper_id: paper,
                meeting_id: meeting,
                agenda_item_id: None,
                created_at: now,
                updated_at: now,
                concept_id: None,
            },
        )
        .expect("file");
    }
    insert_follow_up(
        c,
        &NewFollowUp {
            origin_agenda_item_id: secret_item,
            organization_id: org,
            due_meeting_id: Some(m2),
            description: format!("{MARKER}-AUFTRAG"),
            requested_by_person_id: None,
            answered_by_agenda_item_id: Some(public_item),
            created_at: now,
            updated_at: now,
        },
    )
    .expect("follow-up");
    // links of the secret paper and TOP to a concept and a programme, and a
    // non-public document of the concept: the timelines and CSVs must not show them
    {
        use diesel::prelude::*;
        use gremium::db::schema::{funding_programmes, integration_concepts, integration_links};
        let concept: i64 = integration_concepts::table
            .filter(integration_concepts::body_id.eq(body.id))
            .select(integration_concepts::id)
            .first(c)
            .expect("Kamen concept");
        let programme: i64 = funding_programmes::table
            .select(funding_programmes::id)
            .first(c)
            .expect("programme");
        for (k, p, paper, item) in [
            (Some(concept), None, Some(secret_paper), None),
            (Some(concept), None, None, Some(secret_item)),
            (None, Some(programme), Some(secret_paper), None),
            (None, Some(programme), None, Some(child_of_secret)),
        ] {
            diesel::insert_into(integration_links::table)
                .values((
                    integration_links::concept_id.eq(k),
                    integration_links::programme_id.eq(p),
                    integration_links::paper_id.eq(paper),
                    integration_links::agenda_item_id.eq(item),
                    integration_links::role.eq("betrifft"),
                    integration_links::note.eq(format!("{MARKER}-VERKNUEPFUNG")),
                    integration_links::created_at.eq(now),
                ))
                .execute(c)
                .expect("link");
        }
        insert_file(
            c,
            &NewFile {
                body_id: body.id,
                name: format!("{MARKER}-KONZEPTENTWURF"),
                file_name: "k.pdf".into(),
                mime_type: "application/pdf".into(),
                size: 1000,
                sha256: None,
                storage_path: None,
                text_content: None,
                text_status: None,
                public: false,
                paper_id: None,
                meeting_id: None,
                agenda_item_id: None,
                created_at: now,
                updated_at: now,
                concept_id: Some(concept),
            },
        )
        .expect("concept file");
    }
    Planted {
        secret_paper,
        secret_item,
        child_of_secret,
    }
}

async fn sitemap_paths(app: &TestApp) -> Vec<String> {
    let xml = app.page("/sitemap.xml").await;
    xml.split("<loc>")
        .skip(1)
        .filter_map(|s| s.split("</loc>").next())
        .map(|u| {
            u.replace("&amp;", "&")
                .trim_start_matches(&app.address)
                .to_string()
        })
        .collect()
}

#[tokio::test]
async fn no_public_page_shows_non_public_content() {
    let app = spawn_demo_app().await;
    let planted = plant(&mut app.conn());
    let mut paths = sitemap_paths(&app).await;
    // the CSV exports of concepts and programmes are public surfaces too
    let exports: Vec<String> = paths
        .iter()
        .filter(|p| {
            (p.starts_with("/integrationskonzepte/") || p.starts_with("/foerderprogramme/"))
                && !p.contains('?')
        })
        .flat_map(|p| {
            let mut v = vec![format!("{p}/verknuepfungen.csv")];
            if p.starts_with("/foerderprogramme/") {
                v.push(format!("{p}/zuteilungen.csv"));
            }
            v
        })
        .collect();
    assert!(
        exports.len() >= 10,
        "concepts and programmes are in the sitemap"
    );
    paths.extend(exports);
    assert!(
        paths.len() > 100,
        "sitemap covers the demo: {}",
        paths.len()
    );
    let demo_secrets = [
        "Anmietung eines Wohngebäudes",
        "Vergabe eines Sprachkursangebots",
        "Personalangelegenheit",
        "Grundstücksangelegenheit",
        "Vertraulich",
        "Mietzins",
    ];
    let mut visited = 0;
    for path in &paths {
        let p = app.get(path).await;
        assert_eq!(p.status, 200, "sitemap entry {path} answers");
        assert!(
            !p.body.contains(MARKER),
            "{path} leaks non-public content: {}",
            context(&p.body)
        );
        for s in demo_secrets {
            assert!(!p.body.contains(s), "{path} leaks demo secret {s:?}");
        }
        visited += 1;
    }
    assert_eq!(visited, paths.len());
    // the planted public items are there, so the walk did see the meetings
    assert!(paths.iter().any(|p| p.starts_with("/sitzungen/")));
    for path in [
        format!("/vorlagen/{}", planted.secret_paper),
        format!("/tagesordnungspunkte/{}", planted.secret_item),
        format!("/tagesordnungspunkte/{}", planted.child_of_secret),
    ] {
        let p = app.get(&path).await;
        assert_eq!(p.status, 404, "{path} must look absent");
        assert!(!p.body.contains(MARKER));
    }
    // filtered lists too
    for path in [
        "/vorlagen?koerperschaft=stadt-kamen",
        "/vorlagen?jahr=2022",
        "/sitzungen?zeitraum=vergangene&koerperschaft=stadt-kamen",
    ] {
        let p = app.page(path).await;
        assert!(!p.contains(MARKER), "{path}: {}", context(&p));
    }
}

#[tokio::test]
async fn public_top_with_non_public_paper_shows_title_without_paper() {
    let app = spawn_demo_app().await;
    plant(&mut app.conn());
    let c = &mut app.conn();
    let (item, meeting) = crate::helpers::find::item_by_title(c, "Öffentlicher Punkt");
    let m = app.page(&format!("/sitzungen/{meeting}")).await;
    assert!(m.contains("Öffentlicher Punkt"));
    assert!(!m.contains(MARKER), "{}", snippet(&m));
    let i = app.page(&format!("/tagesordnungspunkte/{item}")).await;
    assert!(i.contains("Öffentlicher Punkt"));
    assert!(!i.contains(MARKER));
    let min = app
        .page(&format!("/sitzungen/{meeting}/niederschrift"))
        .await;
    assert!(min.contains("Öffentliches Protokoll"));
    assert!(!min.contains(MARKER));
}

fn context(body: &str) -> String {
    match body.find(MARKER) {
        Some(i) => {
            let mut a = i.saturating_sub(200);
            while !body.is_char_boundary(a) {
                a -= 1;
            }
            body[a..].chars().take(300).collect()
        }
        None => String::new(),
    }
}
