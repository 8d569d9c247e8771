//! The background job that extracts the text of uploaded PDFs (see the
//! module docs of `crate::pdf_text`). One job at a time per server: each
//! runs a limited child process, so a hostile file costs one child, never
//! the server. Several servers on one database share the queue safely
//! (jobs are claimed by a conditional update of their lease).

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;

use super::{extract_file, Extracted, Limits};
use crate::db::{self, files, Pool};
use crate::settings::Settings;

/// A job whose child was killed three times (e.g. the server went down
/// while it ran) is given up with this reason.
const MAX_ATTEMPTS: i32 = 3;
const MSG_GAVE_UP: &str =
    "Die Textauswertung der PDF-Datei ist mehrfach abgebrochen und wurde aufgegeben.";
/// When the tool is missing, look again after this many seconds.
const RETRY_UNAVAILABLE_SECONDS: i64 = 300;

#[derive(Clone)]
pub struct TextWorker {
    pub pool: Pool,
    pub settings: Arc<Settings>,
    /// Woken by uploads so the text does not wait for the next poll.
    pub wake: Arc<Notify>,
}

impl TextWorker {
    fn limits(&self) -> Limits {
        Limits {
            memory_mb: self.settings.pdf_text_memory_mb,
            cpu_seconds: self.settings.pdf_text_seconds,
        }
    }

    /// Work off every due job; returns how many were finished.
    pub fn round(&self) -> anyhow::Result<usize> {
        let mut done = 0;
        let lease = (self.settings.pdf_text_seconds as i64) * 3 + 30;
        loop {
            let mut conn = self.pool.get()?;
            let Some(job) = db::quiet_transaction(&mut conn, |c| files::claim_text_job(c, lease))?
            else {
                return Ok(done);
            };
            let outcome = if job.attempts > MAX_ATTEMPTS {
                Extracted::Failed(MSG_GAVE_UP.to_owned())
            } else {
                match &job.storage_path {
                    Some(p) => {
                        let path = crate::storage::path_for(&self.settings.data_dir, p);
                        // no connection is held while the child runs
                        drop(conn);
                        let got = extract_file(&path, self.limits());
                        conn = self.pool.get()?;
                        got
                    }
                    None => Extracted::Failed(super::MSG_READ_FILE.to_owned()),
                }
            };
            let (status, text, error) = match &outcome {
                Extracted::Text(t) => ("text", Some(t.as_str()), None),
                Extracted::NoText => ("scan", None, None),
                Extracted::Failed(why) => {
                    tracing::warn!(file = job.file_id, reason = %why, "PDF-Text nicht lesbar");
                    ("failed", None, Some(why.as_str()))
                }
                Extracted::Unavailable => {
                    tracing::warn!(
                        "pdftotext ist nicht installiert (Debian: poppler-utils); \
                         PDF-Texte bleiben ausstehend"
                    );
                    db::quiet_transaction(&mut conn, |c| {
                        files::release_text_job(c, job.file_id, RETRY_UNAVAILABLE_SECONDS)
                    })?;
                    return Ok(done);
                }
            };
            crate::edit::write_transaction(&mut conn, |c| {
                files::finish_text_job(c, job.file_id, status, text, error)
            })?;
            done += 1;
        }
    }

    /// Run rounds until the process ends: after each upload (woken) and
    /// at least every `pdf_text_poll_ms`.
    pub async fn run(self) {
        let poll = Duration::from_millis(self.settings.pdf_text_poll_ms.max(50));
        loop {
            let w = self.clone();
            match tokio::task::spawn_blocking(move || w.round()).await {
                Ok(Ok(_)) => {}
                Ok(Err(e)) => tracing::warn!(error = %e, "Text-Worker: Runde fehlgeschlagen"),
                Err(e) => tracing::warn!(error = %e, "Text-Worker: Aufgabe abgebrochen"),
            }
            let _ = tokio::time::timeout(poll, self.wake.notified()).await;
        }
    }
}
