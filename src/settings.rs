//! Typed configuration: built-in defaults, then `config/default.toml`,
//! then the file named by `GREMIUM_CONFIG` (if any), then `GREMIUM_*`
//! environment variables, then `DATABASE_URL`.

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct Settings {
    /// `sqlite://PATH` or `postgres://…`
    pub database_url: String,
    /// Address the HTTP server binds to.
    pub bind: String,
    /// Absolute base URL for links that leave the page (sitemap, feeds, mails).
    /// Defaults to `http://` + bind address.
    pub public_url: Option<String>,
    /// Folder for uploaded files and generated data.
    pub data_dir: String,
    /// Database connections per app server.
    pub pool_size: u32,
    /// Name of the portal shown in the header.
    pub site_name: String,
    /// Cache rendered public pages (validated against the data version).
    pub page_cache: bool,
    /// Keep each meeting's rendered calendar event between requests,
    /// validated per meeting against its row, names and agenda version
    /// (`feeds::memo`). Off only to measure feeds without it.
    pub feed_memo: bool,
    /// Largest accepted upload in megabytes.
    pub upload_limit_mb: u64,
    /// Default pattern for new paper references, e.g. `{jahr}/{nr:4}`
    /// (2026/0042) or `11/{nr}` (11/1481); a body may override it.
    pub paper_reference_pattern: String,
    /// Served behind a reverse proxy that sets X-Forwarded-For: login
    /// throttling then counts per forwarded client address.
    pub behind_proxy: bool,
    /// `smtp://user:pass@host:587?tls=required`, `smtps://…:465`; unset:
    /// mails are written as .eml files to `<data_dir>/mail-ausgang/`.
    pub smtp_url: Option<String>,
    /// Sender address of all mails.
    pub mail_from: String,
    /// Run the mail worker inside `gremium serve`.
    pub mail_worker: bool,
    /// Pause of the worker between rounds, in milliseconds.
    pub mail_poll_ms: u64,
    /// Run the PDF text worker inside `gremium serve`.
    pub text_worker: bool,
    /// Longest pause of the text worker between rounds (uploads wake it).
    pub pdf_text_poll_ms: u64,
    /// Address space of one `pdftotext` child, in MiB.
    pub pdf_text_memory_mb: u64,
    /// CPU seconds of one `pdftotext` child (killed after twice this).
    pub pdf_text_seconds: u64,
    /// First retry after this many seconds, doubling each time.
    pub mail_retry_seconds: i64,
    /// After this many failed attempts a mail is marked failed.
    pub mail_max_attempts: i32,
    /// Reminder mails this many days before a meeting (0: none).
    pub reminder_days: i64,
    /// Saved searches: at most one digest per address and query in this
    /// many hours (0: with every round of the mail worker).
    pub search_digest_hours: i64,
    /// OParl import: largest answer read into memory, in megabytes.
    pub import_max_response_mb: u64,
    /// OParl import: seconds per request, including the whole answer.
    pub import_timeout_seconds: u64,
    /// OParl import: pages read of one list.
    pub import_max_pages: usize,
    /// OParl import: minutes for reading a server (a run).
    pub import_max_minutes: f64,
    /// OParl import: megabytes of all answers of a run together.
    pub import_max_total_mb: u64,
}

impl Settings {
    pub fn load() -> anyhow::Result<Settings> {
        let mut b = config::Config::builder()
            .set_default("database_url", "sqlite://data/gremium.sqlite")?
            .set_default("bind", "127.0.0.1:8080")?
            .set_default("data_dir", "data")?
            .set_default("pool_size", 8)?
            .set_default("site_name", "Gremium – Ratsinformationssystem")?
            .set_default("page_cache", true)?
            .set_default("feed_memo", true)?
            .set_default("upload_limit_mb", 50)?
            .set_default("paper_reference_pattern", "{jahr}/{nr:4}")?
            .set_default("behind_proxy", false)?
            .set_default("mail_from", "Gremium <ratsinfo@localhost>")?
            .set_default("mail_worker", true)?
            .set_default("mail_poll_ms", 2000)?
            .set_default("text_worker", true)?
            .set_default("pdf_text_poll_ms", 5000)?
            .set_default("pdf_text_memory_mb", 512)?
            .set_default("pdf_text_seconds", 60)?
            .set_default("mail_retry_seconds", 30)?
            .set_default("mail_max_attempts", 10)?
            .set_default("reminder_days", 2)?
            .set_default("search_digest_hours", 24)?
            .set_default("import_max_response_mb", 32)?
            .set_default("import_timeout_seconds", 30)?
            .set_default("import_max_pages", 10_000)?
            .set_default("import_max_minutes", 240.0)?
            .set_default("import_max_total_mb", 2048)?
            .add_source(config::File::with_name("config/default").required(false));
        if let Ok(path) = std::env::var("GREMIUM_CONFIG") {
            b = b.add_source(config::File::with_name(&path).required(true));
        }
        b = b.add_source(config::Environment::with_prefix("GREMIUM").try_parsing(true));
        if let Ok(url) = std::env::var("DATABASE_URL") {
            if !url.trim().is_empty() {
                b = b.set_override("database_url", url)?;
            }
        }
        let s: Settings = b
            .build()
            .map_err(|e| anyhow::anyhow!("Konfiguration ungültig: {e}"))?
            .try_deserialize()
            .map_err(|e| anyhow::anyhow!("Konfiguration ungültig: {e}"))?;
        Ok(s)
    }

    /// The public base URL without trailing slash.
    pub fn base_url(&self) -> String {
        match &self.public_url {
            Some(u) if !u.trim().is_empty() => u.trim().trim_end_matches('/').to_string(),
            _ => format!("http://{}", self.bind),
        }
    }
}
