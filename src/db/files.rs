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
