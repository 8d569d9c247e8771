//! Attachments: stored with a hash, typed from the bytes, limited in size,
//! served with the right headers, and never to those who may not see them.

use gremium::domain::UserRole;

use crate::backoffice_flow::{create_paper, kamen};
use crate::helpers::{spawn_demo_app, spawn_with, TestDb};
use crate::session::{add_user, Session};

pub fn pdf(text: &str) -> Vec<u8> {
    format!("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% {text}\ntrailer << /Root 1 0 R >>\n%%EOF\n").into_bytes()
}

fn file_rows(app: &crate::helpers::TestApp) -> Vec<(i64, String, String, String, bool)> {
    use diesel::prelude::*;
    use gremium::db::schema::{audit_log, files};
    // uploaded in the test: recorded in the change history (the demo's
    // generated documents are not)
    let uploaded = audit_log::table
        .filter(audit_log::entity_type.eq("Datei"))
        .select(audit_log::entity_id);
    files::table
        .filter(files::deleted_at.is_null())
        .filter(files::sha256.is_not_null())
        .filter(files::id.eq_any(uploaded))
        .order(files::id.desc())
        .select((
            files::id,
            files::file_name,
            files::mime_type,
            files::sha256.assume_not_null(),
            files::public,
        ))
        .load(&mut app.conn())
        .expect("files")
}

#[tokio::test]
async fn a_pdf_is_stored_by_hash_and_downloaded_with_its_headers() {
    let app = spawn_demo_app().await;
    add_user(
        &app,
        "clerk@kamen.example",
        UserRole::Clerk,
        Some("stadt-kamen"),
        None,
    );
    let s = Session::login(&app, "clerk@kamen.example").await;
    let paper = create_paper(&s, kamen(&app), "Vorlage mit Anlage", true).await;
    let bytes = pdf("Konzept");
    let p = s
        .upload(
            &format!("/verwaltung/vorlagen/{paper}/dateien"),
            "../../Integrationskonzept Entwurf (final).pdf",
            bytes.clone(),
            true,
        )
        .await;
    assert_eq!(p.status, 303, "{}", crate::session::error_text(&p.body));
    let (id, name, mime, sha, public) = file_rows(&app).remove(0);
    assert_eq!(name, "Integrationskonzept Entwurf _final_.pdf");
    assert_eq!(mime, "application/pdf");
    assert!(public);
    use sha2::Digest;
    assert_eq!(sha, hex::encode(sha2::Sha256::digest(&bytes)));
    let stored = gremium::storage::path_for(&app.data_dir.path().display().to_string(), &sha);
    assert_eq!(std::fs::read(stored).expect("stored file"), bytes);
    // citizens find it on the paper page and download it
    let page = app.page(&format!("/vorlagen/{paper}")).await;
    let link = format!("/dateien/{id}/");
    assert!(page.contains(&link));
    let r = app
        .client
        .get(format!("{}/dateien/{id}/{name}", app.address))
        .send()
        .await
        .expect("download");
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(
        r.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/pdf")
    );
    let cd = r
        .headers()
        .get("content-disposition")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    assert!(
        cd.starts_with("inline; filename=\"Integrationskonzept_Entwurf__final_.pdf\""),
        "{cd}"
    );
    assert!(
        cd.contains("filename*=UTF-8''Integrationskonzept%20Entwurf%20_final_.pdf"),
        "{cd}"
    );
    assert_eq!(r.bytes().await.expect("bytes").to_vec(), bytes);
    // a second download (page cache in between) keeps its headers
    let r = app
        .client
        .get(format!("{}/dateien/{id}/{name}", app.address))
        .send()
        .await
        .expect("download");
    assert!(r.headers().get("content-disposition").is_some());
}

#[tokio::test]
async fn forbidden_types_and_non_public_files_stay_out() {
    let app = spawn_demo_app().await;
    add_user(
        &app,
        "clerk@kamen.example",
        UserRole::Clerk,
        Some("stadt-kamen"),
        None,
    );
    let s = Session::login(&app, "clerk@kamen.example").await;
    let paper = create_paper(&s, kamen(&app), "Vorlage mit Anlagen", true).await;
    // an executable named .pdf is refused by its bytes
    let p = s
        .upload(
            &format!("/verwaltung/vorlagen/{paper}/dateien"),
            "rechnung.pdf",
            b"MZ\x90\x00\x03\x00\x00\x00binary".to_vec(),
            true,
        )
        .await;
    assert_eq!(p.status, 415);
    assert!(p.body.contains("Dieser Dateityp ist nicht erlaubt"));
    assert!(file_rows(&app).is_empty(), "nothing stored");
    // a non-public attachment of a public paper
    let p = s
        .upload(
            &format!("/verwaltung/vorlagen/{paper}/dateien"),
            "Vertragsentwurf.pdf",
            pdf("GEHEIM-VERTRAG"),
            false,
        )
        .await;
    assert_eq!(p.status, 303);
    let (id, name, ..) = file_rows(&app).remove(0);
    assert!(!app
        .page(&format!("/vorlagen/{paper}"))
        .await
        .contains("Vertragsentwurf"));
    assert_eq!(app.get(&format!("/dateien/{id}/{name}")).await.status, 404);
    // the clerk can open it
    assert_eq!(s.get(&format!("/dateien/{id}/{name}")).await.status, 200);
    // making it public is one click, audited
    s.post_ok(&format!("/verwaltung/dateien/{id}/oeffentlich"), &[])
        .await;
    assert_eq!(app.get(&format!("/dateien/{id}/{name}")).await.status, 200);
    let log = s
        .page(&format!("/verwaltung/protokoll?vorlage={paper}"))
        .await;
    assert!(log.contains("ist jetzt öffentlich"));
}

#[tokio::test]
async fn uploads_above_the_limit_are_refused_with_a_message() {
    let db = TestDb::new();
    let app = spawn_with(db, true, |s| s.upload_limit_mb = 1).await;
    add_user(
        &app,
        "clerk@kamen.example",
        UserRole::Clerk,
        Some("stadt-kamen"),
        None,
    );
    let s = Session::login(&app, "clerk@kamen.example").await;
    let paper = create_paper(&s, kamen(&app), "Vorlage mit großer Anlage", true).await;
    let mut big = pdf("groß");
    big.resize(1024 * 1024 + 10, b' ');
    let p = s
        .upload(
            &format!("/verwaltung/vorlagen/{paper}/dateien"),
            "gross.pdf",
            big,
            true,
        )
        .await;
    assert_eq!(p.status, 413);
    assert!(p.body.contains("höchstens 1 MB"));
    assert!(file_rows(&app).is_empty());
}

#[tokio::test]
async fn files_of_meetings_and_tops_follow_their_visibility() {
    use crate::backoffice_flow::{create_meeting, day, items_of_meeting, meeting_version, org_id};
    let app = spawn_demo_app().await;
    add_user(
        &app,
        "clerk@kamen.example",
        UserRole::Clerk,
        Some("stadt-kamen"),
        None,
    );
    let s = Session::login(&app, "clerk@kamen.example").await;
    let m = create_meeting(
        &s,
        org_id(
            &app,
            "Sozial-, Teilhabe-, Generationen- und Familienausschuss",
        ),
        &day(600),
    )
    .await;
    for (t, part) in [("Haushalt 2027", "oe"), ("Personalangelegenheit", "n")] {
        s.post_ok(
            &format!("/verwaltung/sitzungen/{m}/tops"),
            &[
                ("titel", t),
                ("teil", part),
                ("version", &meeting_version(&app, m)),
            ],
        )
        .await;
    }
    let items = items_of_meeting(&app, m);
    let (open_item, closed_item) = (items[0].0, items[1].0);
    assert_eq!(
        s.upload(
            &format!("/verwaltung/sitzungen/{m}/dateien"),
            "Einladung.pdf",
            pdf("Einladung"),
            true
        )
        .await
        .status,
        303
    );
    let invitation = file_rows(&app).remove(0);
    assert_eq!(
        s.upload(
            &format!("/verwaltung/tops/{open_item}/dateien"),
            "Haushaltsplan.pdf",
            pdf("Haushalt"),
            true
        )
        .await
        .status,
        303
    );
    let plan = file_rows(&app).remove(0);
    // a file marked public, but attached to a non-public TOP
    assert_eq!(
        s.upload(
            &format!("/verwaltung/tops/{closed_item}/dateien"),
            "Bewerbungen.pdf",
            pdf("Personal"),
            true
        )
        .await
        .status,
        303
    );
    let staff_file = file_rows(&app).remove(0);
    let page = app.page(&format!("/sitzungen/{m}")).await;
    assert!(page.contains(&format!("/dateien/{}/", invitation.0)));
    assert_eq!(
        app.get(&format!("/dateien/{}/{}", invitation.0, invitation.1))
            .await
            .status,
        200
    );
    assert_eq!(
        app.get(&format!("/dateien/{}/{}", plan.0, plan.1))
            .await
            .status,
        200
    );
    assert_eq!(
        app.get(&format!("/dateien/{}/{}", staff_file.0, staff_file.1))
            .await
            .status,
        404
    );
    assert_eq!(
        s.get(&format!("/dateien/{}/{}", staff_file.0, staff_file.1))
            .await
            .status,
        200
    );
    // removed files are gone for everyone
    s.post_ok(
        &format!("/verwaltung/dateien/{}/entfernen", invitation.0),
        &[],
    )
    .await;
    assert_eq!(
        app.get(&format!("/dateien/{}/{}", invitation.0, invitation.1))
            .await
            .status,
        404
    );
}

/// A file of several megabytes arrives whole and with its length (it is
/// streamed in chunks, not read into memory).
#[tokio::test]
async fn a_large_file_is_streamed_whole() {
    let app = spawn_demo_app().await;
    add_user(
        &app,
        "clerk@kamen.example",
        UserRole::Clerk,
        Some("stadt-kamen"),
        None,
    );
    let s = Session::login(&app, "clerk@kamen.example").await;
    let paper = create_paper(&s, kamen(&app), "Vorlage mit großer Anlage", true).await;
    let mut bytes = pdf("Anfang");
    // 3 MB of varying content, so that a chunk mix-up would show
    bytes.extend((0..3_000_000u32).map(|i| (i % 251) as u8));
    bytes.extend_from_slice(b"\n%%EOF\n");
    let p = s
        .upload(
            &format!("/verwaltung/vorlagen/{paper}/dateien"),
            "gross.pdf",
            bytes.clone(),
            true,
        )
        .await;
    assert_eq!(p.status, 303, "{}", crate::session::error_text(&p.body));
    let (id, name, ..) = file_rows(&app).remove(0);
    let r = app
        .client
        .get(format!("{}/dateien/{id}/{name}", app.address))
        .send()
        .await
        .expect("download");
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(
        r.headers()
            .get("content-length")
            .and_then(|v| v.to_str().ok()),
        Some(bytes.len().to_string().as_str())
    );
    let got = r.bytes().await.expect("body");
    assert_eq!(got.len(), bytes.len());
    assert!(
        got.as_ref() == bytes.as_slice(),
        "same bytes in the same order"
    );
}

/// The server process, killed when the test ends (also on failure).
struct Server(std::process::Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Peak resident memory of a process in MiB (`VmHWM`).
fn peak_mib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("proc status");
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .expect("VmHWM")
        / 1024
}

fn hostile(kind: &str) -> Vec<u8> {
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join(format!("{kind}.pdf"));
    let tool = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/tools/hostile_pdf.py");
    let ok = std::process::Command::new("python3")
        .args([tool, kind, &out.display().to_string()])
        .status()
        .expect("python3");
    assert!(ok.success(), "hostile_pdf.py {kind}");
    std::fs::read(out).expect("hostile pdf")
}

/// Hostile PDFs uploaded to the real `gremium serve` process: a 1 GiB
/// decompression bomb, millions of content operators, a form that draws
/// itself, 100,000 nested arrays and a text bomb. Every upload answers at
/// once with the text "ausstehend"; the text job's child is limited and
/// killed, the server stays up with bounded memory, every file is kept and
/// downloadable and ends with "kein Text …"; a normal PDF afterwards still
/// gets its text.
#[tokio::test]
async fn hostile_pdfs_never_endanger_the_server() {
    use diesel::prelude::*;
    use gremium::db::schema::files;
    let db = TestDb::new();
    let data_dir = tempfile::tempdir().expect("data dir");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_gremium"))
        .args(["serve", "--demo", "--bind", &format!("127.0.0.1:{port}")])
        .env("DATABASE_URL", &db.url)
        .env("GREMIUM_DATA_DIR", data_dir.path())
        .env("GREMIUM_MAIL_WORKER", "false")
        .env("GREMIUM_PDF_TEXT_MEMORY_MB", "256")
        .env("GREMIUM_PDF_TEXT_SECONDS", "4")
        .env("GREMIUM_PDF_TEXT_POLL_MS", "200")
        .env("RUST_LOG", "error")
        .current_dir(data_dir.path())
        .spawn()
        .expect("start gremium serve");
    let server = Server(child);
    let pid = server.0.id();
    let address = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    let health = |client: reqwest::Client, address: String| async move {
        client
            .get(format!("{address}/health"))
            .send()
            .await
            .map(|r| r.status().as_u16())
            .unwrap_or(0)
    };
    let mut up = false;
    for _ in 0..600 {
        if health(client.clone(), address.clone()).await == 200 {
            up = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(up, "server did not start");
    let app = crate::helpers::TestApp {
        address: address.clone(),
        client: client.clone(),
        db,
        data_dir,
    };
    add_user(&app, "sd-hostile@kreis.test", UserRole::Clerk, None, None);
    let paper = crate::helpers::find::paper_by_reference(&mut app.conn(), "11/1481");
    // generated first: an idle pooled connection may time out meanwhile
    let kinds: Vec<(&str, Vec<u8>)> = ["bomb", "operators", "recursion", "nesting", "textbomb"]
        .into_iter()
        .map(|k| (k, hostile(k)))
        .collect();
    let s = Session::login(&app, "sd-hostile@kreis.test").await;
    let mut uploaded = Vec::new();
    for (kind, bytes) in kinds {
        let r = s
            .upload(
                &format!("/verwaltung/vorlagen/{paper}/dateien"),
                &format!("{kind}.pdf"),
                bytes.clone(),
                true,
            )
            .await;
        assert_eq!(
            r.status,
            303,
            "{kind}: {}",
            crate::session::error_text(&r.body)
        );
        uploaded.push((kind, bytes));
    }
    // the bomb takes the child seconds: right after the uploads it waits
    let editor = s.page(&format!("/verwaltung/vorlagen/{paper}")).await;
    assert!(
        editor.contains("Text ausstehend"),
        "upload waits for its text"
    );
    // wait for the jobs (each child is killed after at most 2 × 4 s + 5 s)
    let mut left = i64::MAX;
    for _ in 0..1800 {
        left = gremium::db::schema::text_jobs::table
            .count()
            .get_result(&mut app.conn())
            .expect("jobs");
        if left == 0 {
            break;
        }
        assert_eq!(
            health(client.clone(), address.clone()).await,
            200,
            "the server answers while hostile files are read"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(left, 0, "text jobs did not finish");
    assert_eq!(health(client.clone(), address.clone()).await, 200);
    let peak = peak_mib(pid);
    assert!(peak < 400, "server peak memory {peak} MiB");
    type Row = (i64, String, Option<String>, Option<String>, Option<String>);
    let rows: Vec<Row> = files::table
        .filter(files::paper_id.eq(paper))
        .filter(files::deleted_at.is_null())
        .select((
            files::id,
            files::file_name,
            files::text_status,
            files::text_content,
            files::text_error,
        ))
        .load(&mut app.conn())
        .expect("files");
    for (kind, bytes) in &uploaded {
        let (id, name, status, text, error) = rows
            .iter()
            .find(|r| r.1 == format!("{kind}.pdf"))
            .cloned()
            .unwrap_or_else(|| panic!("{kind}.pdf kept"));
        // no text worth indexing from any of them; the bomb's one line of
        // text may survive, nothing else
        assert!(
            matches!(status.as_deref(), Some("failed" | "scan" | "text")),
            "{kind}: {status:?} {error:?}"
        );
        if status.as_deref() == Some("text") {
            assert!(
                text.unwrap_or_default().len() < 8_000_000,
                "{kind}: text capped"
            );
        }
        let r = client
            .get(format!("{address}/dateien/{id}/{name}"))
            .send()
            .await
            .expect("download");
        assert_eq!(r.status().as_u16(), 200, "{kind} downloadable");
        assert_eq!(
            &r.bytes().await.expect("bytes").to_vec(),
            bytes,
            "{kind} kept whole"
        );
    }
    let bomb = rows.iter().find(|r| r.1 == "bomb.pdf").expect("bomb");
    assert_eq!(bomb.2.as_deref(), Some("failed"), "{:?}", bomb.4);
    let editor = s.page(&format!("/verwaltung/vorlagen/{paper}")).await;
    assert!(editor.contains("kein Text: Die Textauswertung der PDF-Datei hat zu lange gedauert"));
    // a normal PDF afterwards still gets its text, and the search finds it
    let r = s
        .upload(
            &format!("/verwaltung/vorlagen/{paper}/dateien"),
            "normal.pdf",
            gremium::pdf_text::minimal_pdf(&["Die Quartiersarbeit im Kreis wird verstetigt."]),
            true,
        )
        .await;
    assert_eq!(r.status, 303);
    crate::helpers::texts_done(&app).await;
    let hits = s.page("/suche?q=Quartiersarbeit").await;
    assert!(
        hits.contains("normal.pdf"),
        "{}",
        crate::helpers::snippet(&hits)
    );
}
