//! Attachments (OParl File): rows here, bytes on disk (see `crate::storage`).

use diesel::prelude::*;
use serde_json::json;

use super::audit::{self, Actor, Change};
use super::insert::{insert_file, NewFile};
use super::models::File;
use super::schema::files;
use super::{now, DbConnection};

pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<File>> {
    files::table
        .find(id)
        .filter(files::deleted_at.is_null())
        .select(File::as_select())
        .first(conn)
        .optional()
}

pub fn of_agenda_item(conn: &mut DbConnection, item_id: i64) -> QueryResult<Vec<File>> {
    files::table
        .filter(files::agenda_item_id.eq(item_id))
        .filter(files::deleted_at.is_null())
        .order(files::id)
        .select(File::as_select())
        .load(conn)
}

pub fn create(
    conn: &mut DbConnection,
    actor: &Actor,
    f: &NewFile,
    meeting_id: Option<i64>,
) -> QueryResult<i64> {
    let id = insert_file(conn, f)?;
    audit::record(
        conn,
        actor,
        Change {
            action: "Datei hochgeladen",
            entity_type: "Datei",
            entity_id: id,
            meeting_id,
            paper_id: f.paper_id,
            summary: format!(
                "Datei „{}“ hochgeladen ({}, {} Bytes, {})",
                f.file_name,
                f.mime_type,
                f.size,
                if f.public {
                    "öffentlich"
                } else {
                    "nichtöffentlich"
                }
            ),
            before: None,
            after: Some(
                json!({"Name": f.name, "Datei": f.file_name, "öffentlich": f.public, "SHA-256": f.sha256}),
            ),
        },
    )?;
    Ok(id)
}

pub fn set_public(
    conn: &mut DbConnection,
    actor: &Actor,
    f: &File,
    public: bool,
    meeting_id: Option<i64>,
) -> QueryResult<()> {
    diesel::update(files::table.find(f.id))
        .set((files::public.eq(public), files::updated_at.eq(now())))
        .execute(conn)?;
    audit::record(
        conn,
        actor,
        Change {
            action: "Datei geändert",
            entity_type: "Datei",
            entity_id: f.id,
            meeting_id,
            paper_id: f.paper_id,
            summary: format!(
                "Datei „{}“ ist jetzt {}",
                f.file_name,
                if public {
                    "öffentlich"
                } else {
                    "nichtöffentlich"
                }
            ),
            before: Some(json!({"öffentlich": f.public})),
            after: Some(json!({"öffentlich": public})),
        },
    )
}

pub fn delete(
    conn: &mut DbConnection,
    actor: &Actor,
    f: &File,
    meeting_id: Option<i64>,
) -> QueryResult<()> {
    diesel::update(files::table.find(f.id))
        .set(files::deleted_at.eq(Some(now())))
        .execute(conn)?;
    audit::record(
        conn,
        actor,
        Change {
            action: "Datei entfernt",
            entity_type: "Datei",
            entity_id: f.id,
            meeting_id,
            paper_id: f.paper_id,
            summary: format!("Datei „{}“ entfernt", f.file_name),
            before: Some(json!({"Datei": f.file_name})),
            after: None,
        },
    )
}

// ------------------------------------------------------------- text jobs

/// Text status of a PDF whose text is still to be extracted.
pub const TEXT_PENDING: &str = "pending";

/// Queue the text extraction of a stored PDF (same transaction as its row).
pub fn enqueue_text(conn: &mut DbConnection, file_id: i64) -> QueryResult<()> {
    use super::schema::text_jobs;
    diesel::insert_into(text_jobs::table)
        .values((
            text_jobs::file_id.eq(file_id),
            text_jobs::attempts.eq(0),
            text_jobs::created_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Status, text and reason of an extracted file.
pub type KnownText = (String, Option<String>, Option<String>);

/// Text already extracted from an identical file (same SHA-256): status,
/// text and reason, so an upload of the same PDF needs no new job.
pub fn known_text(conn: &mut DbConnection, sha256: &str) -> QueryResult<Option<KnownText>> {
    files::table
        .filter(files::sha256.eq(sha256))
        .filter(files::text_status.is_not_null())
        .filter(files::text_status.ne(TEXT_PENDING))
        .order(files::id.desc())
        .select((
            files::text_status.assume_not_null(),
            files::text_content,
            files::text_error,
        ))
        .first(conn)
        .optional()
}

/// A claimed extraction job.
#[derive(Debug, Clone)]
pub struct TextJob {
    pub file_id: i64,
    pub storage_path: Option<String>,
    pub attempts: i32,
}

/// Claim the oldest due job: a conditional update of its lease, so two
/// workers (several app servers on one database) never run the same job.
pub fn claim_text_job(conn: &mut DbConnection, lease_seconds: i64) -> QueryResult<Option<TextJob>> {
    use super::schema::text_jobs;
    let now = now();
    let due: Vec<(i64, i32, Option<chrono::NaiveDateTime>)> = text_jobs::table
        .filter(
            text_jobs::locked_until
                .is_null()
                .or(text_jobs::locked_until.lt(now)),
        )
        .order((text_jobs::created_at, text_jobs::file_id))
        .select((
            text_jobs::file_id,
            text_jobs::attempts,
            text_jobs::locked_until,
        ))
        .limit(5)
        .load(conn)?;
    for (file_id, attempts, locked) in due {
        let lease = now + chrono::Duration::seconds(lease_seconds);
        let q =
            diesel::update(text_jobs::table.find(file_id)).filter(text_jobs::attempts.eq(attempts));
        let n = match locked {
            Some(l) => q
                .filter(text_jobs::locked_until.eq(l))
                .set((
                    text_jobs::locked_until.eq(lease),
                    text_jobs::attempts.eq(attempts + 1),
                ))
                .execute(conn)?,
            None => q
                .filter(text_jobs::locked_until.is_null())
                .set((
                    text_jobs::locked_until.eq(lease),
                    text_jobs::attempts.eq(attempts + 1),
                ))
                .execute(conn)?,
        };
        if n == 1 {
            let storage_path = files::table
                .find(file_id)
                .select(files::storage_path)
                .first::<Option<String>>(conn)
                .optional()?
                .flatten();
            return Ok(Some(TextJob {
                file_id,
                storage_path,
                attempts: attempts + 1,
            }));
        }
    }
    Ok(None)
}

/// Write the outcome of a job and remove it. `status` is `text`, `scan` or
/// `failed`; the search index picks the text up in the caller's
/// write transaction.
pub fn finish_text_job(
    conn: &mut DbConnection,
    file_id: i64,
    status: &str,
    text: Option<&str>,
    error: Option<&str>,
) -> QueryResult<()> {
    use super::schema::text_jobs;
    set_text(conn, file_id, status, text, error)?;
    diesel::delete(text_jobs::table.find(file_id)).execute(conn)?;
    Ok(())
}

/// Set the text of a file (status `text`, `scan` or `failed`).
pub fn set_text(
    conn: &mut DbConnection,
    file_id: i64,
    status: &str,
    text: Option<&str>,
    error: Option<&str>,
) -> QueryResult<()> {
    diesel::update(files::table.find(file_id))
        .set((
            files::text_status.eq(status),
            files::text_content.eq(text),
            files::text_error.eq(error),
        ))
        .execute(conn)?;
    Ok(())
}

/// Give a claimed job back (the tool is missing): due again after `seconds`.
pub fn release_text_job(conn: &mut DbConnection, file_id: i64, seconds: i64) -> QueryResult<()> {
    use super::schema::text_jobs;
    diesel::update(text_jobs::table.find(file_id))
        .set((
            text_jobs::locked_until.eq(now() + chrono::Duration::seconds(seconds)),
            text_jobs::attempts.eq(text_jobs::attempts - 1),
        ))
        .execute(conn)?;
    Ok(())
}

/// Number of files waiting for their text.
pub fn pending_text_jobs(conn: &mut DbConnection) -> QueryResult<i64> {
    use super::schema::text_jobs;
    text_jobs::table.count().get_result(conn)
}
