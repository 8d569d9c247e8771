use std::sync::atomic::{AtomicU32, Ordering};

use diesel::connection::SimpleConnection;
use diesel::Connection;
use gremium::db::{self, DbConnection};
use gremium::settings::Settings;
use gremium::startup::Application;

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// A fresh database for one test; dropped (PostgreSQL) or deleted with its
/// temp dir (SQLite) at the end.
pub struct TestDb {
    pub url: String,
    pg_admin: Option<(String, String)>,
    _dir: Option<tempfile::TempDir>,
}

/// A local test server needs no TLS; without it libpq never initialises
/// OpenSSL, whose exit handlers raced the test binary's threads at exit
/// ("double free or corruption" after a passed test, seen rarely on CI).
fn without_tls_on_loopback(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u)
            if matches!(u.host_str(), Some("127.0.0.1" | "localhost" | "::1"))
                && !u.query_pairs().any(|(k, _)| k == "sslmode") =>
        {
            u.query_pairs_mut().append_pair("sslmode", "disable");
            u.to_string()
        }
        _ => url.to_string(),
    }
}

impl TestDb {
    pub fn new() -> TestDb {
        match std::env::var("GREMIUM_TEST_DATABASE_URL") {
            Ok(base) if base.starts_with("postgres") => {
                let base = without_tls_on_loopback(&base);
                let name = format!(
                    "gremium_t_{}_{}_{}",
                    std::process::id(),
                    COUNTER.fetch_add(1, Ordering::SeqCst),
                    chrono::Utc::now().timestamp_subsec_nanos()
                );
                let mut admin = diesel::PgConnection::establish(&base)
                    .expect("PostgreSQL for tests not reachable (GREMIUM_TEST_DATABASE_URL)");
                admin
                    .batch_execute(&format!("CREATE DATABASE {name}"))
                    .expect("create test database");
                let mut u = url::Url::parse(&base).expect("GREMIUM_TEST_DATABASE_URL");
                u.set_path(&format!("/{name}"));
                TestDb {
                    url: u.to_string(),
                    pg_admin: Some((base, name)),
                    _dir: None,
                }
            }
            _ => {
                let dir = tempfile::tempdir().expect("temp dir");
                let path = dir.path().join("gremium.sqlite");
                TestDb {
                    url: format!("sqlite://{}", path.display()),
                    pg_admin: None,
                    _dir: Some(dir),
                }
            }
        }
    }

    pub fn connect(&self) -> DbConnection {
        let url = db::DbUrl::parse(&self.url).expect("url");
        db::establish(&url).expect("connect test db")
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((base, name)) = &self.pg_admin {
            if let Ok(mut admin) = diesel::PgConnection::establish(base) {
                let _ =
                    admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
            }
        }
    }
}

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub db: TestDb,
    /// uploaded files of this test
    pub data_dir: tempfile::TempDir,
}

#[derive(Debug)]
pub struct Page {
    pub status: u16,
    pub body: String,
    pub content_type: String,
    pub location: Option<String>,
}

impl Page {
    pub async fn from(r: reqwest::Response) -> Page {
        let status = r.status().as_u16();
        let header = |n: &str| {
            r.headers()
                .get(n)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let content_type = header("content-type").unwrap_or_default();
        let location = header("location");
        Page {
            status,
            content_type,
            location,
            body: r.text().await.expect("body"),
        }
    }
}

impl TestApp {
    pub async fn get(&self, path: &str) -> Page {
        let r = self
            .client
            .get(format!("{}{}", self.address, path))
            .send()
            .await
            .expect("request");
        Page::from(r).await
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

    pub fn conn(&self) -> DbConnection {
        self.db.connect()
    }
}

/// A path in `../shared` (beside the checkout: the OParl schemas and the
/// Karlsruhe fixture). A missing folder fails with a message naming it.
pub fn shared(sub: &str) -> String {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared");
    let path = dir.join(sub);
    assert!(
        path.exists(),
        "Dieser Test braucht {} – der Ordner ../shared muss neben dem Checkout liegen \
         (OParl-Schemas in ../shared/oparl/, Testdaten in ../shared/fixtures/; siehe README, „Tests“).",
        path.display()
    );
    path.to_string_lossy().into_owned()
}

/// Wait until the background job has read the text of every uploaded PDF
/// (at most a minute).
pub async fn texts_done(app: &TestApp) {
    use diesel::prelude::*;
    use gremium::db::schema::text_jobs;
    for _ in 0..600 {
        let left: i64 = text_jobs::table
            .count()
            .get_result(&mut app.conn())
            .expect("text jobs");
        if left == 0 {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("PDF-Texte nach einer Minute noch nicht ausgewertet");
}

pub fn snippet(s: &str) -> String {
    s.chars().take(600).collect()
}

pub fn settings(db: &TestDb) -> Settings {
    Settings {
        database_url: db.url.clone(),
        bind: "127.0.0.1:0".into(),
        public_url: None,
        data_dir: "data".into(),
        pool_size: 4,
        site_name: "Gremium Test".into(),
        page_cache: true,
        feed_memo: true,
        upload_limit_mb: 50,
        paper_reference_pattern: "{jahr}/{nr:4}".into(),
        behind_proxy: false,
        smtp_url: None,
        mail_from: "Gremium Test <ratsinfo@gremium.test>".into(),
        mail_worker: false,
        mail_poll_ms: 100,
        text_worker: true,
        pdf_text_poll_ms: 100,
        pdf_text_memory_mb: 512,
        pdf_text_seconds: 20,
        mail_retry_seconds: 1,
        mail_max_attempts: 10,
        reminder_days: 2,
        search_digest_hours: 0,
        import_max_response_mb: 32,
        import_timeout_seconds: 30,
        import_max_pages: 10_000,
        import_max_minutes: 240.0,
        import_max_total_mb: 2048,
    }
}

/// Start the app on an empty (migrated) database.
pub async fn spawn_app() -> TestApp {
    spawn(false).await
}

/// Start the app with the seed stories loaded (`serve --demo`).
pub async fn spawn_demo_app() -> TestApp {
    spawn(true).await
}

async fn spawn(demo: bool) -> TestApp {
    let db = TestDb::new();
    spawn_on(db, demo).await
}

pub async fn spawn_on(db: TestDb, demo: bool) -> TestApp {
    spawn_with(db, demo, |_| {}).await
}

/// Start the app with adjusted settings.
pub async fn spawn_with(db: TestDb, demo: bool, adjust: impl FnOnce(&mut Settings)) -> TestApp {
    let data_dir = tempfile::tempdir().expect("data dir");
    let mut s = settings(&db);
    s.data_dir = data_dir.path().display().to_string();
    adjust(&mut s);
    let app = Application::build(s, demo)
        .await
        .expect("application starts");
    let address = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    TestApp {
        address,
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client"),
        db,
        data_dir,
    }
}

/// Find an id with diesel, for tests that need to open a specific page.
pub mod find {
    use diesel::prelude::*;
    use gremium::db::schema::*;
    use gremium::db::DbConnection;

    pub fn org_by_name(c: &mut DbConnection, name: &str) -> i64 {
        use gremium::db::schema::organizations;
        organizations::table
            .filter(organizations::name.eq(name))
            .select(organizations::id)
            .first(c)
            .unwrap_or_else(|_| panic!("organization {name}"))
    }

    /// A current member of an organization (person id).
    pub fn a_member_of(c: &mut DbConnection, org: i64) -> i64 {
        use gremium::db::schema::memberships;
        memberships::table
            .filter(memberships::organization_id.eq(org))
            .filter(memberships::deleted_at.is_null())
            .filter(memberships::end_date.is_null())
            .select(memberships::person_id)
            .first(c)
            .unwrap_or_else(|_| panic!("a member of organization {org}"))
    }

    pub fn paper_by_reference(c: &mut DbConnection, reference: &str) -> i64 {
        papers::table
            .filter(papers::reference.eq(reference))
            .select(papers::id)
            .first(c)
            .expect("paper")
    }

    /// A paper by its title (demo papers whose reference carries the year
    /// they are loaded in).
    pub fn paper_by_title(c: &mut DbConnection, title: &str) -> i64 {
        papers::table
            .filter(papers::title.eq(title))
            .order(papers::id)
            .select(papers::id)
            .first(c)
            .expect("paper")
    }

    pub fn items_of_paper(
        c: &mut DbConnection,
        paper: i64,
    ) -> Vec<(i64, i64, Option<String>, Option<i64>)> {
        agenda_items::table
            .filter(agenda_items::paper_id.eq(paper))
            .order(agenda_items::id)
            .select((
                agenda_items::id,
                agenda_items::meeting_id,
                agenda_items::outcome,
                agenda_items::continues_agenda_item_id,
            ))
            .load(c)
            .expect("items")
    }

    pub fn item_by_title(c: &mut DbConnection, title: &str) -> (i64, i64) {
        agenda_items::table
            .filter(agenda_items::title.eq(title))
            .order(agenda_items::id)
            .select((agenda_items::id, agenda_items::meeting_id))
            .first(c)
            .expect("item")
    }

    pub fn count(c: &mut DbConnection, table: &str) -> i64 {
        use diesel::dsl::count_star;
        match table {
            "bodies" => bodies::table.select(count_star()).first(c),
            "organizations" => organizations::table.select(count_star()).first(c),
            "persons" => persons::table.select(count_star()).first(c),
            "memberships" => memberships::table.select(count_star()).first(c),
            "meetings" => meetings::table.select(count_star()).first(c),
            "agenda_items" => agenda_items::table.select(count_star()).first(c),
            "papers" => papers::table.select(count_star()).first(c),
            "consultations" => consultations::table.select(count_star()).first(c),
            other => panic!("unknown table {other}"),
        }
        .expect("count")
    }
}

/// A port nobody listens on right now (for helper servers of tests).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("port")
        .local_addr()
        .expect("addr")
        .port()
}
