//! `gremium import oparl` against a hostile server
//! (tests/tools/hostile_oparl_server.py): an endless answer, endless
//! unique `links.next`, a next-link loop and an answer that drips. Each run
//! ends, keeps and writes what it read, names the cut in its run record
//! and is marked "unvollständig"; memory stays bounded while 2 GB are
//! offered.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use diesel::prelude::*;
use gremium::db::schema::*;
use serde_json::Value;

use crate::helpers::{free_port, TestDb};

struct Hostile {
    child: Child,
    base: String,
}

impl Hostile {
    fn start(mode: &str) -> Hostile {
        let port = free_port();
        let mut child = Command::new("python3")
            .arg(format!(
                "{}/tests/tools/hostile_oparl_server.py",
                env!("CARGO_MANIFEST_DIR")
            ))
            .arg(port.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python3");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("ready line");
        assert_eq!(line.trim(), "ready", "hostile server did not start");
        let h = Hostile {
            child,
            base: format!("http://127.0.0.1:{port}"),
        };
        h.mode(mode);
        h
    }

    fn mode(&self, mode: &str) {
        let out = Command::new("python3")
            .args([
                "-c",
                "import sys, urllib.request; urllib.request.urlopen(sys.argv[1]).read()",
            ])
            .arg(format!("{}/mode/{mode}", self.base))
            .output()
            .expect("python3");
        assert!(out.status.success(), "switching mode to {mode}");
    }

    fn system(&self) -> String {
        format!("{}/system", self.base)
    }
}

impl Drop for Hostile {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Run {
    ok: bool,
    out: String,
    /// peak resident memory of the import process (VmHWM), in kB
    peak_kb: u64,
}

fn vm_hwm_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// `gremium [args]` with extra settings as GREMIUM_* variables; the peak
/// memory is read from /proc while it runs. A run that does not end within
/// a generous bound is killed and fails the test.
async fn gremium(db_url: &str, args: &[&str], env: &[(&str, &str)]) -> Run {
    let db_url = db_url.to_string();
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    let env: Vec<(String, String)> = env
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    tokio::task::spawn_blocking(move || {
        let dir = tempfile::tempdir().expect("tmp");
        let out_path = dir.path().join("out.txt");
        let mut child = Command::new(env!("CARGO_BIN_EXE_gremium"))
            .args(&args)
            .env("DATABASE_URL", &db_url)
            .env("GREMIUM_DATA_DIR", dir.path())
            .env("RUST_LOG", "error")
            .envs(env)
            .current_dir(dir.path())
            .stdout(std::fs::File::create(&out_path).expect("out file"))
            .stderr(Stdio::inherit())
            .spawn()
            .expect("run gremium");
        let started = Instant::now();
        let mut peak_kb = 0;
        let status = loop {
            if let Some(kb) = vm_hwm_kb(child.id()) {
                peak_kb = peak_kb.max(kb);
            }
            if let Some(s) = child.try_wait().expect("wait") {
                break s;
            }
            if started.elapsed() > Duration::from_secs(300) {
                let _ = child.kill();
                let _ = child.wait();
                panic!("the import did not end within 5 minutes");
            }
            std::thread::sleep(Duration::from_millis(10));
        };
        Run {
            ok: status.success(),
            out: std::fs::read_to_string(&out_path).unwrap_or_default(),
            peak_kb,
        }
    })
    .await
    .expect("import")
}

async fn import(db_url: &str, h: &Hostile, env: &[(&str, &str)]) -> Run {
    gremium(db_url, &["import", "oparl", &h.system()], env).await
}

/// (status, cuts) of the newest run.
fn last_run(c: &mut gremium::db::DbConnection) -> (String, Vec<String>) {
    let (status, summary): (String, Option<String>) = import_runs::table
        .order(import_runs::id.desc())
        .select((import_runs::status, import_runs::summary))
        .first(c)
        .expect("run");
    let v: Value = serde_json::from_str(&summary.unwrap_or_default()).expect("summary json");
    let cuts = v["cuts"]
        .as_array()
        .expect("cuts")
        .iter()
        .map(|c| c.as_str().expect("text").to_string())
        .collect();
    (status, cuts)
}

fn live(c: &mut gremium::db::DbConnection, table: &str) -> i64 {
    use diesel::dsl::count_star;
    match table {
        "meetings" => meetings::table
            .filter(meetings::deleted_at.is_null())
            .select(count_star())
            .first(c),
        "papers" => papers::table
            .filter(papers::deleted_at.is_null())
            .select(count_star())
            .first(c),
        "organizations" => organizations::table.select(count_star()).first(c),
        other => panic!("{other}"),
    }
    .expect("count")
}

#[tokio::test]
async fn an_endless_answer_is_cut_with_bounded_memory_and_everything_read_is_kept() {
    let h = Hostile::start("normal");
    let db = TestDb::new();
    let first = import(&db.url, &h, &[]).await;
    assert!(first.ok, "{}", first.out);
    let c = &mut db.connect();
    assert_eq!((live(c, "meetings"), live(c, "papers")), (1, 1));
    assert_eq!(last_run(c).0, "ok");

    // now the paper list answers with 2 GB, without a declared length
    h.mode("huge");
    let run = import(&db.url, &h, &[("GREMIUM_IMPORT_MAX_RESPONSE_MB", "1")]).await;
    assert!(run.ok, "{}", run.out);
    assert!(
        run.peak_kb < 256 * 1024,
        "peak memory {} MB while 2 GB were offered",
        run.peak_kb / 1024
    );
    let cut = format!("Antwort von {}/papers", h.base);
    assert!(run.out.contains("Lauf unvollständig"), "{}", run.out);
    assert!(run.out.contains(&cut), "{}", run.out);
    let (status, cuts) = last_run(c);
    assert_eq!(status, "unvollständig");
    assert!(
        cuts.iter()
            .any(|c| c.starts_with(&cut) && c.contains("größer als 1 MB")),
        "{cuts:?}"
    );
    // what came before is kept: nothing deleted, the other lists read
    assert_eq!(live(c, "papers"), 1, "the paper of the first run stays");
    assert_eq!(live(c, "meetings"), 1);
    assert_eq!(live(c, "organizations"), 1);

    // the run list shows the mark and the cut
    let runs = gremium(&db.url, &["import", "laeufe"], &[]).await;
    assert!(runs.ok, "{}", runs.out);
    let newest = runs.out.lines().next().unwrap_or_default();
    assert!(newest.contains("unvollständig"), "{}", runs.out);
    assert!(
        runs.out.contains("abgeschnitten: Antwort von"),
        "{}",
        runs.out
    );
}

#[tokio::test]
async fn endless_next_links_stop_at_the_page_limit_the_run_time_and_repeated_pages() {
    let h = Hostile::start("endless");
    let db = TestDb::new();
    let run = import(&db.url, &h, &[("GREMIUM_IMPORT_MAX_PAGES", "5")]).await;
    assert!(run.ok, "{}", run.out);
    let c = &mut db.connect();
    // the five pages read are written
    assert_eq!(live(c, "meetings"), 5, "{}", run.out);
    assert_eq!(live(c, "papers"), 1, "the other lists are read in full");
    let (status, cuts) = last_run(c);
    assert_eq!(status, "unvollständig");
    let cut = format!("Liste {}/meetings nach 5 Seiten abgeschnitten", h.base);
    assert!(cuts.contains(&cut), "{cuts:?}");
    assert!(run.out.contains(&cut), "{}", run.out);

    // no page limit to speak of: the run time ends it
    let db = TestDb::new();
    let run = import(
        &db.url,
        &h,
        &[
            ("GREMIUM_IMPORT_MAX_PAGES", "100000000"),
            ("GREMIUM_IMPORT_MAX_MINUTES", "0.1"),
        ],
    )
    .await;
    assert!(run.ok, "{}", run.out);
    let c = &mut db.connect();
    let (status, cuts) = last_run(c);
    assert_eq!(status, "unvollständig");
    assert!(
        cuts.iter()
            .any(|c| c.starts_with("Laufzeit von 0,1 Minuten erreicht: Lauf nach")),
        "{cuts:?}"
    );
    assert!(live(c, "meetings") > 5, "what was read is written");

    // a next link back to a page already read ends the list
    h.mode("loop");
    let db = TestDb::new();
    let run = import(&db.url, &h, &[]).await;
    assert!(run.ok, "{}", run.out);
    let c = &mut db.connect();
    let (status, cuts) = last_run(c);
    assert_eq!(status, "unvollständig");
    assert!(
        cuts.iter()
            .any(|c| c.starts_with(&format!("Liste {}/meetings", h.base))
                && c.contains("bereits gelesene Seite")),
        "{cuts:?}"
    );
    assert_eq!(live(c, "meetings"), 2);
}

#[tokio::test]
async fn a_dripping_answer_is_cut_by_the_request_deadline() {
    let h = Hostile::start("slow");
    let db = TestDb::new();
    let run = import(&db.url, &h, &[("GREMIUM_IMPORT_TIMEOUT_SECONDS", "1")]).await;
    assert!(run.ok, "{}", run.out);
    let c = &mut db.connect();
    assert_eq!(live(c, "meetings"), 1, "the lists before are written");
    assert_eq!(live(c, "papers"), 0);
    let (status, cuts) = last_run(c);
    assert_eq!(status, "unvollständig");
    assert!(
        cuts.iter().any(|c| c
            == &format!(
                "Antwort von {}/papers nicht binnen 1 s vollständig: nicht übernommen",
                h.base
            )),
        "{cuts:?}"
    );
}

#[tokio::test]
async fn endless_pages_stop_at_the_total_size_of_a_run() {
    let h = Hostile::start("endless");
    let db = TestDb::new();
    let run = import(
        &db.url,
        &h,
        &[
            ("GREMIUM_IMPORT_MAX_PAGES", "100000000"),
            ("GREMIUM_IMPORT_MAX_TOTAL_MB", "1"),
        ],
    )
    .await;
    assert!(run.ok, "{}", run.out);
    let c = &mut db.connect();
    let (status, cuts) = last_run(c);
    assert_eq!(status, "unvollständig");
    assert!(
        cuts.iter()
            .any(|c| c.starts_with("Gesamtmenge von 1 MB erreicht: Lauf nach")),
        "{cuts:?}"
    );
    // about 400 bytes a page: some thousand meetings read and written
    assert!(live(c, "meetings") > 1000, "{}", run.out);
}
