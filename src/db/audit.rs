//! The audit log: who changed what, when, with before/after snapshots.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use super::schema::audit_log;
use super::DbConnection;

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = audit_log)]
pub struct AuditEntry {
    pub id: i64,
    pub user_id: Option<i64>,
    pub user_label: String,
    pub at: NaiveDateTime,
    pub action: String,
    pub entity_type: String,
    pub entity_id: i64,
    pub meeting_id: Option<i64>,
    pub paper_id: Option<i64>,
    pub summary: String,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
}

/// One change to record. `before`/`after` are JSON snapshots of the
/// changed entity (`None` for creation/deletion respectively).
pub struct Change<'a> {
    pub action: &'a str,
    pub entity_type: &'a str,
    pub entity_id: i64,
    pub meeting_id: Option<i64>,
    pub paper_id: Option<i64>,
    pub summary: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

/// The acting user: id and a label that survives the account.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: Option<i64>,
    pub label: String,
}

pub fn record(conn: &mut DbConnection, actor: &Actor, c: Change) -> QueryResult<()> {
    diesel::insert_into(audit_log::table)
        .values((
            audit_log::user_id.eq(actor.user_id),
            audit_log::user_label.eq(&actor.label),
            audit_log::at.eq(super::now()),
            audit_log::action.eq(c.action),
            audit_log::entity_type.eq(c.entity_type),
            audit_log::entity_id.eq(c.entity_id),
            audit_log::meeting_id.eq(c.meeting_id),
            audit_log::paper_id.eq(c.paper_id),
            audit_log::summary.eq(c.summary),
            audit_log::before_json.eq(c.before.map(|v| v.to_string())),
            audit_log::after_json.eq(c.after.map(|v| v.to_string())),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn for_meeting(conn: &mut DbConnection, meeting_id: i64) -> QueryResult<Vec<AuditEntry>> {
    audit_log::table
        .filter(audit_log::meeting_id.eq(meeting_id))
        .order((audit_log::at.desc(), audit_log::id.desc()))
        .limit(500)
        .select(AuditEntry::as_select())
        .load(conn)
}

pub fn for_paper(conn: &mut DbConnection, paper_id: i64) -> QueryResult<Vec<AuditEntry>> {
    audit_log::table
        .filter(audit_log::paper_id.eq(paper_id))
        .order((audit_log::at.desc(), audit_log::id.desc()))
        .limit(500)
        .select(AuditEntry::as_select())
        .load(conn)
}

/// Record a change of an entity that belongs to no meeting or paper
/// (integration concepts, funding programmes).
#[allow(clippy::too_many_arguments)]
pub fn record_entity(
    conn: &mut DbConnection,
    actor: &Actor,
    entity_type: &str,
    action: &str,
    entity_id: i64,
    summary: String,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
) -> QueryResult<()> {
    record(
        conn,
        actor,
        Change {
            action,
            entity_type,
            entity_id,
            meeting_id: None,
            paper_id: None,
            summary,
            before,
            after,
        },
    )
}

/// Entries of one entity (e.g. "Integrationskonzept", 3), newest first.
pub fn for_entity(
    conn: &mut DbConnection,
    entity_type: &str,
    entity_id: i64,
) -> QueryResult<Vec<AuditEntry>> {
    audit_log::table
        .filter(audit_log::entity_type.eq(entity_type.to_string()))
        .filter(audit_log::entity_id.eq(entity_id))
        .order((audit_log::at.desc(), audit_log::id.desc()))
        .limit(500)
        .select(AuditEntry::as_select())
        .load(conn)
}

pub fn recent(conn: &mut DbConnection, limit: i64) -> QueryResult<Vec<AuditEntry>> {
    audit_log::table
        .order((audit_log::at.desc(), audit_log::id.desc()))
        .limit(limit)
        .select(AuditEntry::as_select())
        .load(conn)
}

/// Field-level differences between two JSON object snapshots, for display:
/// (field, before, after).
pub fn diff(
    before: &serde_json::Value,
    after: &serde_json::Value,
) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    let (Some(b), Some(a)) = (before.as_object(), after.as_object()) else {
        return out;
    };
    for (k, av) in a {
        let bv = b.get(k).unwrap_or(&serde_json::Value::Null);
        if bv != av {
            out.push((k.clone(), show(bv), show(av)));
        }
    }
    out
}

fn show(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => "–".into(),
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Bool(true) => "ja".into(),
        serde_json::Value::Bool(false) => "nein".into(),
        other => other.to_string(),
    }
}
