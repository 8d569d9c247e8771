//! The back-office POST cycle, written once: the work runs on a database
//! connection and ends in one of three ways — saved (303 to the page,
//! post/redirect/get), invalid (422: the form again with the entered
//! values and a German message per field) or stale (409: someone saved in
//! between; the form with what differs). `post` runs any handler's work
//! through it; `EditPage` gives aggregates with a main form and sub-forms
//! (integration concepts, funding programmes) their create, update and
//! sub-form handlers from one implementation.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Serialize;

use super::forms::{self, Errors};
use crate::auth::form::Fields;
use crate::auth::{Form, SessionUser, Viewer};
use crate::db::audit::Actor;
use crate::db::{self, DbConnection, Saved};
use crate::error::AppError;
use crate::routes::account::redirect;
use crate::state::AppState;

/// How a back-office POST ended.
pub enum Done<P> {
    /// written: 303 to this address
    Saved(String),
    /// 422: the page with the entered values and the messages
    Invalid(P),
    /// 409: the page with the differences to what was stored meanwhile
    Stale(P),
}

/// Someone else saved in between: who, and per field (label, stored, entered).
#[derive(Debug, Serialize)]
pub struct Conflict {
    pub who: String,
    pub changes: Vec<(String, String, String)>,
}

/// The form part of a back-office page, the same on every page (flattened
/// into the page's JSON: `values`, `errors`, `section`, …).
#[derive(Debug, Serialize, Default)]
pub struct FormState {
    /// the main form's values (as entered, or as stored)
    pub values: serde_json::Value,
    pub errors: Errors,
    /// which sub-form the errors belong to ("" = the main form)
    pub section: String,
    /// the values entered into that sub-form
    pub sub_values: serde_json::Value,
    pub conflict: Option<Conflict>,
    pub message: Option<String>,
}

/// Run `work` on a connection and answer: 303, or the page rendered with
/// `template` for this user with 422 or 409.
pub async fn post<P, F>(
    state: &AppState,
    me: SessionUser,
    template: &'static str,
    work: F,
) -> Result<HttpResponse, AppError>
where
    P: Serialize + Send + 'static,
    F: FnOnce(&mut DbConnection, &SessionUser) -> Result<Done<P>, AppError> + Send + 'static,
{
    let m2 = me.clone();
    let (status, page) = match state.db(move |c| work(c, &m2)).await? {
        Done::Saved(to) => return Ok(redirect(&to)),
        Done::Invalid(p) => (StatusCode::UNPROCESSABLE_ENTITY, p),
        Done::Stale(p) => (StatusCode::CONFLICT, p),
    };
    state.render_status(status, &Viewer(Some(me)), template, &page)
}

/// (label, stored, entered) for each labelled field whose text differs.
pub fn differences(
    labels: &[(&str, &str)],
    stored: &serde_json::Value,
    mine: &serde_json::Value,
) -> Vec<(String, String, String)> {
    let text = |v: &serde_json::Value, k: &str| {
        v.get(k).and_then(|x| x.as_str()).unwrap_or("").to_string()
    };
    labels
        .iter()
        .filter(|(k, _)| text(stored, k) != text(mine, k))
        .map(|(k, l)| (l.to_string(), text(stored, k), text(mine, k)))
        .collect()
}

/// An aggregate edited on one back-office page with a main form (create,
/// update with a version) and sub-forms (its parts, links).
pub trait EditPage: 'static {
    type Row: Send + 'static;
    type Input: Send + 'static;
    type Page: Serialize + Send + 'static;
    /// the page's template
    const TEMPLATE: &'static str;
    /// the aggregate's name in the audit log (`audit::for_entity`)
    const ENTITY: &'static str;
    /// main-form fields shown in a 409 (form name, German label)
    const LABELS: &'static [(&'static str, &'static str)];

    /// The edit page's address.
    fn address(id: i64) -> String;
    /// The row, if this user may edit it (404/403 otherwise).
    fn find(c: &mut DbConnection, me: &SessionUser, id: i64) -> Result<Self::Row, AppError>;
    fn version(row: &Self::Row) -> i32;
    /// The main form's values as stored.
    fn values(row: &Self::Row) -> serde_json::Value;
    /// The page for a new (None) or an existing row.
    fn page(
        c: &mut DbConnection,
        me: &SessionUser,
        row: Option<&Self::Row>,
        state: &AppState,
    ) -> Result<Self::Page, AppError>;
    fn form(page: &mut Self::Page) -> &mut FormState;
    /// Check the main form; the input when it is valid.
    fn validate(
        c: &mut DbConnection,
        me: &SessionUser,
        f: &Fields,
        existing: Option<&Self::Row>,
    ) -> Result<(Option<Self::Input>, Errors), AppError>;
    fn create(c: &mut DbConnection, actor: &Actor, input: &Self::Input) -> QueryResultId;
    fn update(
        c: &mut DbConnection,
        actor: &Actor,
        id: i64,
        version: i32,
        input: &Self::Input,
    ) -> diesel::QueryResult<Saved>;
    /// what a row is called on the delete page ("Förderprogramm")
    const KIND: &'static str;
    /// the list the delete returns to
    const LIST: &'static str;
    /// The row's name and how many links go with it when it is deleted.
    fn describe(c: &mut DbConnection, row: &Self::Row) -> Result<(String, usize), AppError>;
    fn delete(c: &mut DbConnection, actor: &Actor, row: &Self::Row) -> diesel::QueryResult<()>;
}

type QueryResultId = diesel::QueryResult<i64>;

/// POST of the main form of a new row.
pub async fn create<E: EditPage>(
    state: web::Data<AppState>,
    form: Form,
) -> Result<HttpResponse, AppError> {
    let Form { user: me, fields } = form;
    let st = state.clone();
    post(&state, me, E::TEMPLATE, move |c, me| {
        let (input, errors) = E::validate(c, me, &fields, None)?;
        let Some(input) = input else {
            let mut page = E::page(c, me, None, &st)?;
            let f = E::form(&mut page);
            f.values = fields.to_json();
            f.errors = errors;
            return Ok(Done::Invalid(page));
        };
        let actor = me.actor();
        let id = crate::edit::write_transaction(c, |c| {
            E::create(c, &actor, &input).map_err(AppError::from)
        })?;
        Ok(Done::Saved(format!("{}?gespeichert=1", E::address(id))))
    })
    .await
}

/// POST of the main form of an existing row, guarded by its version.
pub async fn update<E: EditPage>(
    state: web::Data<AppState>,
    id: i64,
    form: Form,
) -> Result<HttpResponse, AppError> {
    let Form { user: me, fields } = form;
    let st = state.clone();
    post(&state, me, E::TEMPLATE, move |c, me| {
        let row = E::find(c, me, id)?;
        let (input, errors) = E::validate(c, me, &fields, Some(&row))?;
        let Some(input) = input else {
            let mut page = E::page(c, me, Some(&row), &st)?;
            let f = E::form(&mut page);
            f.values = fields.to_json();
            f.errors = errors;
            return Ok(Done::Invalid(page));
        };
        let actor = me.actor();
        let version = forms::version(&fields);
        let saved = crate::edit::write_transaction(c, |c| {
            E::update(c, &actor, id, version, &input).map_err(AppError::from)
        })?;
        match saved {
            Saved::Ok => Ok(Done::Saved(format!("{}?gespeichert=1", E::address(id)))),
            Saved::Conflict => {
                let current = E::find(c, me, id)?;
                let mut page = E::page(c, me, Some(&current), &st)?;
                let mut mine = fields.to_json();
                let conflict = Conflict {
                    who: super::last_change(&db::audit::for_entity(c, E::ENTITY, id)?),
                    changes: differences(E::LABELS, &E::values(&current), &mine),
                };
                // the next save is against what is stored now
                if let Some(o) = mine.as_object_mut() {
                    o.insert("version".into(), E::version(&current).to_string().into());
                }
                let f = E::form(&mut page);
                f.values = mine;
                f.conflict = Some(conflict);
                Ok(Done::Stale(page))
            }
        }
    })
    .await
}

/// POST of a sub-form: `act` checks and writes, or returns the messages;
/// with messages the page is shown again at that section (422).
pub async fn sub_action<E, F>(
    state: web::Data<AppState>,
    id: i64,
    form: Form,
    section: &'static str,
    act: F,
) -> Result<HttpResponse, AppError>
where
    E: EditPage,
    F: FnOnce(&mut DbConnection, &SessionUser, &E::Row, &Fields) -> Result<Errors, AppError>
        + Send
        + 'static,
{
    let Form { user: me, fields } = form;
    let st = state.clone();
    post(&state, me, E::TEMPLATE, move |c, me| {
        let row = E::find(c, me, id)?;
        let errors = act(c, me, &row, &fields)?;
        if errors.is_empty() {
            return Ok(Done::Saved(format!("{}#{section}", E::address(id))));
        }
        let row = E::find(c, me, id)?;
        let mut page = E::page(c, me, Some(&row), &st)?;
        let f = E::form(&mut page);
        f.errors = errors;
        f.section = section.to_string();
        f.sub_values = fields.to_json();
        Ok(Done::Invalid(page))
    })
    .await
}

/// GET of the delete page: what goes, with how many links.
pub async fn delete_confirm<E: EditPage>(
    state: web::Data<AppState>,
    me: SessionUser,
    id: i64,
) -> Result<HttpResponse, AppError> {
    super::delete_confirm_page(&state, me, E::KIND, E::address(id), move |c, me| {
        let row = E::find(c, me, id)?;
        E::describe(c, &row)
    })
    .await
}

/// POST of the delete page: deletes only when confirmed.
pub async fn delete<E: EditPage>(
    state: web::Data<AppState>,
    id: i64,
    form: Form,
) -> Result<HttpResponse, AppError> {
    super::delete_confirmed(
        &state,
        form,
        E::address(id),
        E::LIST,
        move |c, me, confirmed| {
            let row = E::find(c, me, id)?;
            if confirmed {
                let actor = me.actor();
                crate::edit::write_transaction(c, |c| {
                    E::delete(c, &actor, &row).map_err(AppError::from)
                })?;
            }
            Ok(confirmed)
        },
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn differences_name_changed_fields_only() {
        let stored = serde_json::json!({"titel": "Alt", "status": "entwurf"});
        let mine = serde_json::json!({"titel": "Neu", "status": "entwurf", "x": "1"});
        let d = differences(&[("titel", "Titel"), ("status", "Status")], &stored, &mine);
        assert_eq!(d, vec![("Titel".into(), "Alt".into(), "Neu".into())]);
    }
}
