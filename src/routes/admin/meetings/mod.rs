//! Back office: meetings, their agenda, lifecycle and attendance.

mod tops;
mod workspace;

pub use tops::{add_item, item_action, save_attendance};
pub use workspace::meeting_for;
use workspace::*;

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use diesel::prelude::*;
use serde::Serialize;

use super::flow::{Conflict, Done};
use super::forms::{self, Errors};
use super::{audit_views, editable_bodies, organizations_of, AuditView};
use crate::access::Audience;
use crate::auth::form::Fields;
use crate::auth::{Form, SessionUser, Staff, Viewer};
use crate::db::models::{Location, Meeting, Organization};
use crate::db::{self, DbConnection};
use crate::domain::{AttendanceStatus, MeetingState};
use crate::edit::meeting::{MeetingInput, NewItem, Transition};
use crate::edit::paper::Saved;
use crate::error::AppError;
use crate::routes::account::redirect;
use crate::routes::parse_id;
use crate::state::AppState;
use crate::views::{self, agenda};

#[derive(Serialize)]
struct ListRow {
    card: views::meetings::MeetingCard,
    invited: bool,
}

pub async fn list(state: web::Data<AppState>, me: Staff) -> Result<HttpResponse, AppError> {
    let me = me.0;
    let m2 = me.clone();
    let (upcoming, past) = state
        .db(move |c| {
            use db::schema::meetings;
            let bodies: Vec<i64> = editable_bodies(c, &m2)?.iter().map(|b| b.id).collect();
            let now = db::now();
            let base = || {
                meetings::table
                    .filter(meetings::deleted_at.is_null())
                    .filter(meetings::body_id.eq_any(bodies.clone()))
            };
            let up: Vec<Meeting> = base()
                .filter(meetings::start_at.ge(now - chrono::Duration::hours(12)))
                .order(meetings::start_at)
                .limit(100)
                .select(Meeting::as_select())
                .load(c)?;
            let past: Vec<Meeting> = base()
                .filter(meetings::start_at.lt(now - chrono::Duration::hours(12)))
                .order(meetings::start_at.desc())
                .limit(50)
                .select(Meeting::as_select())
                .load(c)?;
            let wrap =
                |c: &mut DbConnection, ms: Vec<Meeting>| -> diesel::QueryResult<Vec<ListRow>> {
                    Ok(views::meetings::cards(c, &ms)?
                        .into_iter()
                        .zip(ms.iter())
                        .map(|(card, m)| ListRow {
                            card,
                            invited: m.invited_at.is_some(),
                        })
                        .collect())
                };
            Ok((wrap(c, up)?, wrap(c, past)?))
        })
        .await?;
    state.render_for(
        &Viewer(Some(me)),
        "admin/meetings/list.html",
        &serde_json::json!({"upcoming": upcoming, "past": past}),
    )
}

#[derive(Serialize, Default)]
struct NewPage {
    values: serde_json::Value,
    errors: Errors,
    gremien: Vec<Organization>,
    locations: Vec<Location>,
}

fn gremien_and_locations(
    c: &mut DbConnection,
    me: &SessionUser,
) -> Result<(Vec<Organization>, Vec<Location>), AppError> {
    use db::schema::locations;
    let bodies: Vec<i64> = editable_bodies(c, me)?.iter().map(|b| b.id).collect();
    let gremien = organizations_of(c, &bodies)?
        .into_iter()
        .filter(|o| o.is_gremium())
        .collect();
    let locs = locations::table
        .filter(locations::body_id.eq_any(&bodies))
        .filter(locations::deleted_at.is_null())
        .order(locations::description)
        .select(Location::as_select())
        .load(c)?;
    Ok((gremien, locs))
}

pub async fn new_form(state: web::Data<AppState>, me: Staff) -> Result<HttpResponse, AppError> {
    let me = me.0;
    let m2 = me.clone();
    let page = state
        .db(move |c| {
            let (gremien, locations) = gremien_and_locations(c, &m2)?;
            Ok(NewPage {
                values: serde_json::json!({"beginn": "17:00"}),
                gremien,
                locations,
                ..Default::default()
            })
        })
        .await?;
    state.render_for(&Viewer(Some(me)), "admin/meetings/new.html", &page)
}

/// Validate the meeting details form.
fn validate(
    c: &mut DbConnection,
    me: &SessionUser,
    f: &Fields,
    fixed_org: Option<&Organization>,
) -> Result<(Option<MeetingInput>, Errors), AppError> {
    let mut e = Errors::new();
    let org = match fixed_org {
        Some(o) => Some(o.clone()),
        None => match forms::opt_id(f, "gremium", &mut e)
            .map(|o| db::organizations::find(c, o))
            .transpose()?
            .flatten()
        {
            Some(o) if me.may_edit_body(o.body_id) && o.is_gremium() => Some(o),
            _ => {
                e.insert(
                    "gremium".into(),
                    "Bitte ein Gremium wählen, für das Sie zuständig sind.".into(),
                );
                None
            }
        },
    };
    let name = forms::optional(f, "bezeichnung", 300, &mut e);
    let number = forms::optional(f, "nummer", 50, &mut e);
    let date = forms::date(f, "datum", "das Datum", &mut e);
    let begin = forms::time(f, "beginn", "die Uhrzeit des Beginns", true, &mut e);
    let end = forms::time(f, "ende", "das Ende", false, &mut e);
    let location_id = forms::opt_id(f, "ort", &mut e);
    if let (Some(l), Some(o)) = (location_id, &org) {
        match db::bodies::find_location(c, l)? {
            Some(loc) if loc.body_id == o.body_id => {}
            _ => {
                e.insert(
                    "ort".into(),
                    "Dieser Sitzungsort gehört nicht zur Körperschaft des Gremiums.".into(),
                );
            }
        }
    }
    let start_at = match (date, begin) {
        (Some(d), Some(t)) => forms::berlin(d, t, "beginn", &mut e),
        _ => None,
    };
    let end_at = match (date, end) {
        (Some(d), Some(t)) => forms::berlin(d, t, "ende", &mut e),
        _ => None,
    };
    if let (Some(s), Some(en)) = (start_at, end_at) {
        if en <= s {
            e.insert(
                "ende".into(),
                "Das Ende muss nach dem Beginn liegen.".into(),
            );
        }
    }
    if !e.is_empty() {
        return Ok((None, e));
    }
    match (org, start_at) {
        (Some(o), Some(start_at)) => Ok((
            Some(MeetingInput {
                organization_id: o.id,
                body_id: o.body_id,
                name: name.unwrap_or_else(|| format!("Sitzung: {}", o.name)),
                number,
                start_at,
                end_at,
                location_id,
            }),
            e,
        )),
        _ => Ok((None, e)),
    }
}

pub async fn create(
    state: web::Data<AppState>,
    _staff: Staff,
    form: Form,
) -> Result<HttpResponse, AppError> {
    let Form { user: me, fields } = form;
    super::flow::post(&state, me, "admin/meetings/new.html", move |c, me| {
        let (input, errors) = validate(c, me, &fields, None)?;
        let Some(input) = input else {
            let (gremien, locations) = gremien_and_locations(c, me)?;
            return Ok(Done::Invalid(NewPage {
                values: fields.to_json(),
                errors,
                gremien,
                locations,
            }));
        };
        let actor = me.actor();
        let (id, _) = crate::edit::write_transaction(c, |c| {
            crate::edit::meeting::create(c, &actor, &input).map_err(AppError::from)
        })?;
        Ok(Done::Saved(format!("/verwaltung/sitzungen/{id}")))
    })
    .await
}

#[derive(serde::Deserialize)]
pub struct EditQuery {
    hinweis: Option<String>,
}

pub async fn edit(
    state: web::Data<AppState>,
    me: Staff,
    path: web::Path<String>,
    query: web::Query<EditQuery>,
) -> Result<HttpResponse, AppError> {
    let me = me.0;
    let id = parse_id(&path)?;
    let m2 = me.clone();
    let mut page = state
        .db(move |c| {
            let m = meeting_for(c, &m2, id)?;
            workspace(c, &m2, &m)
        })
        .await?;
    page.upload_limit_mb = state.settings.upload_limit_mb;
    page.message = match query.hinweis.as_deref() {
        Some("gespeichert") => Some("Gespeichert.".into()),
        Some("status") => Some("Status geändert.".into()),
        Some("anwesenheit") => Some("Anwesenheit gespeichert.".into()),
        _ => None,
    };
    state.render_for(&Viewer(Some(me)), "admin/meetings/edit.html", &page)
}

/// Render the workspace again with messages (4xx).
async fn again(
    state: &AppState,
    me: SessionUser,
    id: i64,
    status: StatusCode,
    f: impl FnOnce(&mut Workspace, &mut DbConnection) -> Result<(), AppError> + Send + 'static,
) -> Result<HttpResponse, AppError> {
    let m2 = me.clone();
    let mut page = state
        .db(move |c| {
            let m = meeting_for(c, &m2, id)?;
            let mut page = workspace(c, &m2, &m)?;
            f(&mut page, c)?;
            Ok(page)
        })
        .await?;
    page.upload_limit_mb = state.settings.upload_limit_mb;
    state.render_status(status, &Viewer(Some(me)), "admin/meetings/edit.html", &page)
}

/// Where a refusal's message goes on the workspace.
enum Field {
    Status,
    Item,
}

/// A refused step: status, message, conflict details.
type Refusal = (StatusCode, String, Option<Conflict>);

/// Redirect after success, else the workspace with the message (4xx).
async fn answer(
    state: &AppState,
    me: SessionUser,
    id: i64,
    outcome: Result<(), Refusal>,
    ok: &str,
    field: Field,
) -> Result<HttpResponse, AppError> {
    match outcome {
        Ok(()) => Ok(redirect(ok)),
        Err((status, msg, conflict)) => {
            again(state, me, id, status, move |p, _| {
                if !msg.is_empty() {
                    match field {
                        Field::Status => p.errors.insert("status".into(), msg),
                        Field::Item => p.item_errors.insert("titel".into(), msg),
                    };
                }
                p.conflict = conflict;
                Ok(())
            })
            .await
        }
    }
}

fn conflict_for(c: &mut DbConnection, id: i64) -> Result<Conflict, AppError> {
    let entries = db::audit::for_meeting(c, id)?;
    let changes = entries.first().map(|e| {
        let parse = |s: &Option<String>| {
            s.as_deref()
                .and_then(|s| serde_json::from_str(s).ok())
                .unwrap_or(serde_json::Value::Null)
        };
        let mut d = db::audit::diff(&parse(&e.before_json), &parse(&e.after_json));
        if d.is_empty() {
            d.push(("Änderung".into(), String::new(), e.summary.clone()));
        }
        d
    });
    Ok(Conflict {
        who: super::last_change(&entries),
        changes: changes.unwrap_or_default(),
    })
}

pub async fn update(
    state: web::Data<AppState>,
    _staff: Staff,
    path: web::Path<String>,
    form: Form,
) -> Result<HttpResponse, AppError> {
    let id = parse_id(&path)?;
    let Form { user: me, fields } = form;
    let m2 = me.clone();
    let outcome = state
        .db(move |c| {
            let m = meeting_for(c, &m2, id)?;
            let org = db::organizations::find(c, m.organization_id)?
                .ok_or_else(|| AppError::not_found("Das Gremium"))?;
            let (input, errors) = validate(c, &m2, &fields, Some(&org))?;
            let Some(input) = input else {
                return Ok(Err((
                    StatusCode::UNPROCESSABLE_ENTITY,
                    errors,
                    None,
                    fields,
                )));
            };
            let actor = m2.actor();
            let saved = crate::edit::write_transaction(c, |c| {
                crate::edit::meeting::update(c, &actor, &m, forms::version(&fields), &input)
                    .map_err(AppError::from)
            })?;
            match saved {
                Saved::Ok => Ok(Ok(())),
                Saved::Conflict => Ok(Err((
                    StatusCode::CONFLICT,
                    Errors::new(),
                    Some(conflict_for(c, id)?),
                    fields,
                ))),
            }
        })
        .await?;
    match outcome {
        Ok(()) => Ok(redirect(&format!(
            "/verwaltung/sitzungen/{id}?hinweis=gespeichert"
        ))),
        Err((status, errors, conflict, fields)) => {
            again(&state, me, id, status, move |p, _| {
                let version = p.values.get("version").cloned();
                p.values = fields.to_json();
                if let (Some(v), Some(obj)) = (version, p.values.as_object_mut()) {
                    if conflict.is_some() {
                        obj.insert("version".into(), v);
                    }
                }
                p.errors = errors;
                p.conflict = conflict;
                Ok(())
            })
            .await
        }
    }
}

pub async fn transition(
    state: web::Data<AppState>,
    _staff: Staff,
    path: web::Path<String>,
    form: Form,
) -> Result<HttpResponse, AppError> {
    let id = parse_id(&path)?;
    let Form { user: me, fields } = form;
    let m2 = me.clone();
    let outcome = state
        .db(move |c| {
            let m = meeting_for(c, &m2, id)?;
            let Some(t) = Transition::from_key(fields.get("aktion")) else {
                return Err(AppError::bad_request("Unbekannter Arbeitsschritt."));
            };
            if let Some(why) = t.refusal(&m) {
                return Ok(Err((
                    StatusCode::UNPROCESSABLE_ENTITY,
                    why.to_string(),
                    None,
                )));
            }
            let actor = m2.actor();
            match crate::edit::write_transaction(c, |c| {
                crate::edit::meeting::transition(c, &actor, &m, forms::version(&fields), t)
                    .map_err(AppError::from)
            })? {
                Saved::Ok => Ok(Ok(())),
                Saved::Conflict => Ok(Err((
                    StatusCode::CONFLICT,
                    String::new(),
                    Some(conflict_for(c, id)?),
                ))),
            }
        })
        .await?;
    answer(
        &state,
        me,
        id,
        outcome,
        &format!("/verwaltung/sitzungen/{id}?hinweis=status"),
        Field::Status,
    )
    .await
}
