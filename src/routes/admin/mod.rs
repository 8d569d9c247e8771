//! The back office under `/verwaltung`: papers, meetings, agendas,
//! results, minutes, files, users and the audit log. Every handler takes
//! a role extractor (`Staff` or `Admin`); every POST a CSRF-checked
//! [`crate::auth::Form`] (or the upload's `_csrf` part).

mod audit_log;
mod concepts;
mod dashboard;
mod flow;
pub mod forms;
mod items;
mod links;
mod meetings;
mod outbox;
mod papers;
mod programmes;
mod uploads;
mod users;

use actix_web::web;
use serde::Serialize;

use crate::auth::SessionUser;
use crate::db::audit::AuditEntry;
use crate::db::models::{Body, Organization};
use crate::db::DbConnection;

pub fn configure(cfg: &mut web::ServiceConfig) {
    let get = super::get;
    cfg.service(
        web::scope("/verwaltung")
            .route("", get().to(dashboard::show))
            .route("/benutzer", get().to(users::list))
            .route("/benutzer", web::post().to(users::create))
            .route("/benutzer/{id}/{aktion}", web::post().to(users::action))
            .route("/koerperschaften", get().to(users::bodies))
            .route("/koerperschaften/{id}", web::post().to(users::save_body))
            .route("/protokoll", get().to(audit_log::show))
            .route("/postausgang", get().to(outbox::show))
            .route("/postausgang/{id}/erneut", web::post().to(outbox::retry))
            .route("/vorlagen", get().to(papers::list))
            .route("/vorlagen", web::post().to(papers::create))
            .route("/vorlagen/neu", get().to(papers::new_form))
            .route("/vorlagen/{id}", get().to(papers::edit))
            .route("/vorlagen/{id}", web::post().to(papers::update))
            .route(
                "/vorlagen/{id}/beratungsfolge",
                web::post().to(papers::add_consultation),
            )
            .route(
                "/vorlagen/{id}/beratungsfolge/{cid}/{aktion}",
                web::post().to(papers::consultation_action),
            )
            .route(
                "/vorlagen/{id}/dateien",
                web::post().to(uploads::upload_to_paper),
            )
            .route("/sitzungen", get().to(meetings::list))
            .route("/sitzungen", web::post().to(meetings::create))
            .route("/sitzungen/neu", get().to(meetings::new_form))
            .route("/sitzungen/{id}", get().to(meetings::edit))
            .route("/sitzungen/{id}", web::post().to(meetings::update))
            .route(
                "/sitzungen/{id}/status",
                web::post().to(meetings::transition),
            )
            .route("/sitzungen/{id}/tops", web::post().to(meetings::add_item))
            .route(
                "/sitzungen/{id}/tops/{tid}/{aktion}",
                web::post().to(meetings::item_action),
            )
            .route(
                "/sitzungen/{id}/anwesenheit",
                web::post().to(meetings::save_attendance),
            )
            .route(
                "/sitzungen/{id}/dateien",
                web::post().to(uploads::upload_to_meeting),
            )
            .route("/tops/{id}", get().to(items::edit))
            .route("/tops/{id}", web::post().to(items::save))
            .route(
                "/tops/{id}/nachfragen",
                web::post().to(items::add_follow_up),
            )
            .route(
                "/tops/{id}/dateien",
                web::post().to(uploads::upload_to_item),
            )
            .route(
                "/dateien/{id}/{aktion}",
                web::post().to(uploads::file_action),
            )
            .route(
                "/vorlagen/{id}/integration",
                web::post().to(links::add_for_paper),
            )
            .route(
                "/tops/{id}/integration",
                web::post().to(links::add_for_item),
            )
            .route(
                "/verknuepfungen/{id}/entfernen",
                web::post().to(links::remove),
            )
            .route("/integrationskonzepte", get().to(concepts::list))
            .route("/integrationskonzepte", web::post().to(concepts::create))
            .route("/integrationskonzepte/neu", get().to(concepts::new_form))
            .route("/integrationskonzepte/{id}", get().to(concepts::edit))
            .route(
                "/integrationskonzepte/{id}",
                web::post().to(concepts::update),
            )
            .route(
                "/integrationskonzepte/{id}/handlungsfelder",
                web::post().to(concepts::save_field),
            )
            .route(
                "/integrationskonzepte/{id}/handlungsfelder/{fid}/entfernen",
                web::post().to(concepts::remove_field),
            )
            .route(
                "/integrationskonzepte/{id}/massnahmen",
                web::post().to(concepts::save_measure),
            )
            .route(
                "/integrationskonzepte/{id}/massnahmen/{mid}/entfernen",
                web::post().to(concepts::remove_measure),
            )
            .route(
                "/integrationskonzepte/{id}/verknuepfungen",
                web::post().to(concepts::add_link),
            )
            .route(
                "/integrationskonzepte/{id}/dateien",
                web::post().to(concepts::upload),
            )
            .route(
                "/integrationskonzepte/{id}/loeschen",
                get().to(concepts::delete_confirm),
            )
            .route(
                "/integrationskonzepte/{id}/loeschen",
                web::post().to(concepts::delete),
            )
            .route("/foerderprogramme", get().to(programmes::list))
            .route("/foerderprogramme", web::post().to(programmes::create))
            .route("/foerderprogramme/neu", get().to(programmes::new_form))
            .route("/foerderprogramme/{id}", get().to(programmes::edit))
            .route("/foerderprogramme/{id}", web::post().to(programmes::update))
            .route(
                "/foerderprogramme/{id}/zuteilungen",
                web::post().to(programmes::save_allocations),
            )
            .route(
                "/foerderprogramme/{id}/bausteine",
                web::post().to(programmes::add_module),
            )
            .route(
                "/foerderprogramme/{id}/bausteine/{mid}/entfernen",
                web::post().to(programmes::remove_module),
            )
            .route(
                "/foerderprogramme/{id}/vereinbarungen",
                web::post().to(programmes::add_agreement),
            )
            .route(
                "/foerderprogramme/{id}/vereinbarungen/{aid}/entfernen",
                web::post().to(programmes::remove_agreement),
            )
            .route(
                "/foerderprogramme/{id}/fristen",
                web::post().to(programmes::add_deadline),
            )
            .route(
                "/foerderprogramme/{id}/fristen/{did}/entfernen",
                web::post().to(programmes::remove_deadline),
            )
            .route(
                "/foerderprogramme/{id}/verknuepfungen",
                web::post().to(programmes::add_link),
            )
            .route(
                "/foerderprogramme/{id}/loeschen",
                get().to(programmes::delete_confirm),
            )
            .route(
                "/foerderprogramme/{id}/loeschen",
                web::post().to(programmes::delete),
            ),
    );
}

/// One audit entry for display.
#[derive(Debug, Serialize)]
pub struct AuditView {
    pub at: String,
    pub who: String,
    pub action: String,
    pub summary: String,
    pub changes: Vec<(String, String, String)>,
}

pub fn audit_views(entries: Vec<AuditEntry>) -> Vec<AuditView> {
    entries
        .into_iter()
        .map(|e| {
            let parse = |s: &Option<String>| {
                s.as_deref()
                    .and_then(|s| serde_json::from_str::<serde_json::Value>(s).ok())
                    .unwrap_or(serde_json::Value::Null)
            };
            let (b, a) = (parse(&e.before_json), parse(&e.after_json));
            let changes = if b.is_object() && a.is_object() {
                crate::db::audit::diff(&b, &a)
            } else if a.is_object() {
                crate::db::audit::diff(&serde_json::json!({}), &a)
            } else {
                Vec::new()
            };
            AuditView {
                at: format!(
                    "{}, {} Uhr",
                    crate::base::dates::date_short(e.at),
                    crate::base::dates::time(e.at)
                ),
                who: e.user_label,
                action: e.action,
                summary: e.summary,
                changes,
            }
        })
        .collect()
}

/// Bodies this user may edit.
pub fn editable_bodies(
    conn: &mut DbConnection,
    me: &SessionUser,
) -> diesel::QueryResult<Vec<Body>> {
    Ok(crate::db::bodies::list(conn)?
        .into_iter()
        .filter(|b| me.may_edit_body(b.id))
        .collect())
}

/// All organizations of the given bodies, by name.
pub fn organizations_of(
    conn: &mut DbConnection,
    body_ids: &[i64],
) -> diesel::QueryResult<Vec<Organization>> {
    use crate::db::schema::organizations;
    use diesel::prelude::*;
    organizations::table
        .filter(organizations::body_id.eq_any(body_ids))
        .filter(organizations::deleted_at.is_null())
        .order((organizations::body_id, organizations::name))
        .select(Organization::as_select())
        .load(conn)
}

/// A select option.
#[derive(Debug, Serialize)]
pub struct Choice {
    pub value: String,
    pub label: String,
}

pub fn choices<T: Copy>(
    all: &[T],
    key: impl Fn(T) -> &'static str,
    label: impl Fn(T) -> &'static str,
) -> Vec<Choice> {
    all.iter()
        .map(|v| Choice {
            value: key(*v).to_string(),
            label: label(*v).to_string(),
        })
        .collect()
}

/// Who last changed an entity (for conflict messages).
pub fn last_change(entries: &[AuditEntry]) -> String {
    entries
        .first()
        .map(|e| {
            format!(
                "{} am {} um {} Uhr",
                e.user_label,
                crate::base::dates::date_short(e.at),
                crate::base::dates::time(e.at)
            )
        })
        .unwrap_or_else(|| "einer anderen Person".into())
}

/// The "really delete?" page of a concept or programme: its name and how
/// many papers/TOPs are linked (`describe` loads both and checks rights).
pub(super) async fn delete_confirm_page<F>(
    state: &crate::state::AppState,
    me: SessionUser,
    kind: &'static str,
    base: String,
    describe: F,
) -> Result<actix_web::HttpResponse, crate::error::AppError>
where
    F: FnOnce(&mut DbConnection, &SessionUser) -> Result<(String, usize), crate::error::AppError>
        + Send
        + 'static,
{
    let m2 = me.clone();
    let (name, links) = state.db(move |c| describe(c, &m2)).await?;
    state.render_for(
        &crate::auth::Viewer(Some(me)),
        "admin/integration/delete.html",
        &serde_json::json!({
            "kind": kind,
            "name": name,
            "links": links,
            "action": format!("{base}/loeschen"),
            "back": base,
        }),
    )
}

/// Delete once the confirmation box is ticked, else back to the question.
/// `delete` loads the record (rights checked) and deletes it when
/// `confirmed`; it answers whether it did.
pub(super) async fn delete_confirmed<F>(
    state: &crate::state::AppState,
    form: crate::auth::Form,
    base: String,
    list: &'static str,
    delete: F,
) -> Result<actix_web::HttpResponse, crate::error::AppError>
where
    F: FnOnce(&mut DbConnection, &SessionUser, bool) -> Result<bool, crate::error::AppError>
        + Send
        + 'static,
{
    let crate::auth::Form { user: me, fields } = form;
    let confirmed = fields.checked("bestaetigt");
    let done = state.db(move |c| delete(c, &me, confirmed)).await?;
    Ok(crate::routes::account::redirect(&if done {
        list.to_string()
    } else {
        format!("{base}/loeschen")
    }))
}
