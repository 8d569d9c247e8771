//! The command line fails with one clear line on bad configuration.

use std::process::Command;

fn gremium(args: &[&str], database_url: &str) -> (bool, String, String) {
    let dir = tempfile::tempdir().expect("tmp");
    let out = Command::new(env!("CARGO_BIN_EXE_gremium"))
        .args(args)
        .env("DATABASE_URL", database_url)
        .env("RUST_LOG", "error")
        .current_dir(dir.path())
        .output()
        .expect("run gremium");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

#[test]
fn unknown_database_scheme_exits_nonzero_with_one_line() {
    let (ok, _, err) = gremium(&["migrate"], "mysql://root@localhost/x");
    assert!(!ok);
    assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
    assert!(err.contains("unbekanntes Schema"), "{err}");
    assert!(!err.contains("panicked"));
}

#[test]
fn unreachable_postgres_exits_nonzero_with_one_line() {
    let (ok, _, err) = gremium(&["migrate"], "postgres://nobody:geheim@127.0.0.1:1/nichts");
    assert!(!ok);
    assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
    assert!(err.contains("nicht erreichbar"), "{err}");
    assert!(!err.contains("geheim"), "password not printed: {err}");
}

#[test]
fn migrate_and_demo_on_sqlite_file_are_idempotent() {
    let dir = tempfile::tempdir().expect("tmp");
    let url = format!("sqlite://{}/sub/g.sqlite", dir.path().display());
    let (ok, out, err) = gremium(&["migrate"], &url);
    assert!(ok, "{err}");
    assert!(out.contains("neuesten Stand"));
    let (ok, out, err) = gremium(&["demo"], &url);
    assert!(ok, "{err}");
    assert!(out.contains("Fallbeispiele geladen"), "{out}");
    let (ok, out, _) = gremium(&["demo"], &url);
    assert!(ok);
    assert!(out.contains("schon vorhanden"), "{out}");
}

/// `gremium serve --demo` starts, answers, and shuts down on SIGTERM.
#[test]
fn serve_with_demo_answers_on_its_port() {
    let dir = tempfile::tempdir().expect("tmp");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_gremium"))
        .args(["serve", "--demo", "--bind", &format!("127.0.0.1:{port}")])
        .env(
            "DATABASE_URL",
            format!("sqlite://{}/g.sqlite", dir.path().display()),
        )
        .env("RUST_LOG", "error")
        .current_dir(dir.path())
        .spawn()
        .expect("start serve");
    let mut body = String::new();
    for _ in 0..100 {
        if let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) {
            use std::io::{Read, Write};
            let _ = s.write_all(b"GET /sitzungen?zeitraum=vergangene HTTP/1.0\r\nHost: x\r\n\r\n");
            let _ = s.read_to_string(&mut body);
            if !body.is_empty() {
                break;
            }
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let _ = Command::new("kill").arg(child.id().to_string()).status();
    child.wait().expect("server stops on SIGTERM");
    assert!(
        body.starts_with("HTTP/1.0 200") || body.starts_with("HTTP/1.1 200"),
        "{}",
        &body[..body.len().min(300)]
    );
    assert!(body.contains("Kreissozialausschuss"), "demo data served");
}

/// `gremium user add` reads the password from standard input when it is
/// not a terminal; the account can then sign in. Bad input: one line.
#[tokio::test]
async fn user_add_creates_an_account_that_can_sign_in() {
    use std::io::Write;
    use std::process::Stdio;
    let test_db = crate::helpers::TestDb::new();
    let url = test_db.url.clone();
    let run = |args: &[&str], stdin: &str| {
        let dir = tempfile::tempdir().expect("tmp");
        let mut child = Command::new(env!("CARGO_BIN_EXE_gremium"))
            .args(args)
            .env("DATABASE_URL", &url)
            .env("RUST_LOG", "error")
            .current_dir(dir.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run gremium");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(stdin.as_bytes())
            .expect("write");
        let out = child.wait_with_output().expect("wait");
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).to_string(),
            String::from_utf8_lossy(&out.stderr).to_string(),
        )
    };
    let (ok, _, err) = run(&["demo"], "");
    assert!(ok, "{err}");
    let (ok, out, err) = run(
        &[
            "user",
            "add",
            "--email",
            "Kerstin.Clerk@Kamen.example",
            "--role",
            "clerk",
            "--body",
            "stadt-kamen",
            "--name",
            "Kerstin Clerk",
        ],
        "ein-langes-passwort\n",
    );
    assert!(ok, "{err}");
    assert!(out.contains("kerstin.clerk@kamen.example"), "{out}");
    // wrong role, short password, unknown body: one German line each
    for (args, expect) in [
        (
            vec!["user", "add", "--email", "a@b.example", "--role", "king"],
            "Unbekannte Rolle",
        ),
        (
            vec!["user", "add", "--email", "a@b.example", "--role", "admin"],
            "mindestens 10 Zeichen",
        ),
        (
            vec![
                "user",
                "add",
                "--email",
                "a@b.example",
                "--role",
                "clerk",
                "--body",
                "atlantis",
            ],
            "gibt es nicht",
        ),
        (
            vec![
                "user",
                "add",
                "--email",
                "kerstin.clerk@kamen.example",
                "--role",
                "clerk",
            ],
            "bereits ein Konto",
        ),
    ] {
        let (ok, _, err) = run(
            &args,
            if expect == "mindestens 10 Zeichen" {
                "kurz\n"
            } else {
                "ein-langes-passwort\n"
            },
        );
        assert!(!ok);
        assert_eq!(err.trim().lines().count(), 1, "{err}");
        assert!(err.contains(expect), "{err}");
    }
    let app = crate::helpers::spawn_on(test_db, false).await;
    let s = crate::session::Session::try_login(
        &app,
        "kerstin.clerk@kamen.example",
        "ein-langes-passwort",
    )
    .await
    .expect("signs in");
    assert_eq!(s.get("/verwaltung").await.status, 200);
}
