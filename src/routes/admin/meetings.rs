//! Back office: meetings, their agenda, lifecycle and attendance.

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

// ---- the meeting workspace ----

#[derive(Serialize)]
struct Waiting {
    consultation_id: i64,
    label: String,
    public: bool,
}

#[derive(Serialize)]
struct AttendanceRow {
    person_id: i64,
    name: String,
    role: String,
    status: String,
}

#[derive(Serialize)]
struct Step {
    key: &'static str,
    label: &'static str,
    confirm: bool,
}

#[derive(Serialize, Default)]
struct Workspace {
    meeting: Option<Meeting>,
    card: Option<views::meetings::MeetingCard>,
    values: serde_json::Value,
    errors: Errors,
    item_errors: Errors,
    message: Option<String>,
    conflict: Option<Conflict>,
    rows: Vec<agenda::AgendaRow>,
    top_level: Vec<(i64, String)>,
    waiting: Vec<Waiting>,
    steps: Vec<Step>,
    attendance: Vec<AttendanceRow>,
    statuses: Vec<super::Choice>,
    locations: Vec<Location>,
    files: Vec<views::FileRow>,
    audit: Vec<AuditView>,
    upload_limit_mb: u64,
    has_minutes: bool,
}

pub fn meeting_for(c: &mut DbConnection, me: &SessionUser, id: i64) -> Result<Meeting, AppError> {
    let m = db::meetings::find(c, id)?.ok_or_else(|| AppError::not_found("Die Sitzung"))?;
    me.require_body(m.body_id)?;
    Ok(m)
}

fn details_values(m: &Meeting) -> serde_json::Value {
    let local = crate::base::dates::berlin(m.start_at);
    serde_json::json!({
        "bezeichnung": m.name,
        "nummer": m.number,
        "datum": local.format("%Y-%m-%d").to_string(),
        "beginn": local.format("%H:%M").to_string(),
        "ende": m.end_at.map(|e| crate::base::dates::berlin(e).format("%H:%M").to_string()),
        "ort": m.location_id.map(|l| l.to_string()),
        "version": m.version.to_string(),
    })
}

fn workspace(c: &mut DbConnection, me: &SessionUser, m: &Meeting) -> Result<Workspace, AppError> {
    let items = db::agenda_items::for_meeting(c, m.id)?;
    let (rows, _) = agenda::load_rows(c, &items, &|_| true, Audience::Full)?;
    let top_level = rows
        .iter()
        .filter(|r| r.depth == 0)
        .map(|r| (r.id, format!("{} {}", r.number, r.title)))
        .collect();
    let mut org_ids = db::meetings::joint_organization_ids(c, m.id)?;
    org_ids.push(m.organization_id);
    let waiting = {
        use db::schema::{consultations, papers};
        let rows: Vec<(i64, String, String, bool, String)> = consultations::table
            .inner_join(papers::table)
            .filter(consultations::organization_id.eq_any(&org_ids))
            .filter(consultations::meeting_id.is_null())
            .filter(consultations::deleted_at.is_null())
            .filter(papers::deleted_at.is_null())
            .order((papers::date, papers::id))
            .select((
                consultations::id,
                papers::reference,
                papers::title,
                papers::public,
                consultations::role,
            ))
            .load(c)?;
        rows.into_iter()
            .map(|(id, r, t, public, role)| Waiting {
                consultation_id: id,
                label: format!(
                    "{r} – {t} ({}{})",
                    crate::domain::ConsultationRole::from_key(&role)
                        .map(|x| x.label())
                        .unwrap_or(""),
                    if public { "" } else { ", nichtöffentlich" }
                ),
                public,
            })
            .collect()
    };
    let steps = [
        (
            Transition::Invite,
            "einladen",
            "Einladung veröffentlichen",
            false,
        ),
        (
            Transition::Hold,
            "durchfuehren",
            "Als durchgeführt markieren",
            false,
        ),
        (Transition::Cancel, "absagen", "Sitzung absagen", true),
        (
            Transition::Reinstate,
            "wieder_ansetzen",
            "Absage zurücknehmen",
            false,
        ),
        (
            Transition::ApproveMinutes,
            "niederschrift_genehmigen",
            "Niederschrift genehmigen",
            false,
        ),
        (
            Transition::PublishMinutes,
            "niederschrift_veroeffentlichen",
            "Niederschrift veröffentlichen",
            false,
        ),
    ]
    .into_iter()
    .filter(|(t, ..)| t.refusal(m).is_none())
    .map(|(_, key, label, confirm)| Step {
        key,
        label,
        confirm,
    })
    .collect();
    let day = crate::base::dates::berlin(m.start_at).date_naive();
    let members = db::persons::members_of(c, m.organization_id, day)?;
    let recorded: std::collections::HashMap<i64, String> =
        crate::edit::meeting::attendance(c, m.id)?
            .into_iter()
            .collect();
    let mut seen = std::collections::HashSet::new();
    let attendance = members
        .into_iter()
        .filter(|(p, ..)| seen.insert(p.id))
        .map(|(p, role, _)| AttendanceRow {
            person_id: p.id,
            name: format!("{} {}", p.given_name, p.family_name),
            role: crate::domain::MembershipRole::from_key(&role)
                .map(|r| r.label())
                .unwrap_or("")
                .to_string(),
            status: recorded.get(&p.id).cloned().unwrap_or_default(),
        })
        .collect();
    let (_, locations) = gremien_and_locations(c, me)?;
    let files = db::papers::files_of_meeting(c, m.id)?
        .into_iter()
        .map(views::FileRow::of)
        .collect();
    let card = views::meetings::cards(c, std::slice::from_ref(m))?.pop();
    Ok(Workspace {
        meeting: Some(m.clone()),
        card,
        values: details_values(m),
        rows,
        top_level,
        waiting,
        steps,
        attendance,
        statuses: super::choices(
            AttendanceStatus::ALL,
            AttendanceStatus::key,
            AttendanceStatus::label,
        ),
        locations: locations
            .into_iter()
            .filter(|l| l.body_id == m.body_id)
            .collect(),
        files,
        audit: audit_views(db::audit::for_meeting(c, m.id)?),
        has_minutes: m.state == MeetingState::Held.key(),
        ..Default::default()
    })
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

pub async fn add_item(
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
            let mut e = Errors::new();
            let consultation = forms::opt_id(&fields, "beratung", &mut e);
            let parent = forms::opt_id(&fields, "unterpunkt_von", &mut e);
            let title_in = fields.get("titel").to_string();
            let part = fields.get("teil");
            if m.state == MeetingState::Cancelled.key() {
                e.insert("titel".into(), "Die Sitzung ist abgesagt; ihre Tagesordnung kann nicht mehr ergänzt werden.".into());
            }
            let mut paper_public = true;
            let mut item = NewItem { title: title_in.clone(), public: part != "n", parent_id: None, consultation_id: None, paper_id: None };
            if let Some(cid) = consultation {
                let mut orgs = db::meetings::joint_organization_ids(c, m.id)?;
                orgs.push(m.organization_id);
                match crate::edit::paper::find_consultation(c, cid)? {
                    Some(x) if x.meeting_id.is_none() && orgs.contains(&x.organization_id) => {
                        let p = db::papers::find(c, x.paper_id)?.ok_or_else(|| AppError::not_found("Die Vorlage"))?;
                        if title_in.is_empty() {
                            item.title = p.title.clone();
                        }
                        if part.is_empty() {
                            item.public = p.public;
                        }
                        paper_public = p.public;
                        item.paper_id = Some(p.id);
                        item.consultation_id = Some(x.id);
                    }
                    _ => {
                        e.insert("beratung".into(), "Diese Vorlage wartet nicht (mehr) auf eine Beratung in diesem Gremium.".into());
                    }
                }
            } else if title_in.is_empty() {
                e.insert("titel".into(), "Bitte einen Titel eingeben oder eine Vorlage wählen.".into());
            }
            if item.title.chars().count() > 500 {
                e.insert("titel".into(), "Der Titel darf höchstens 500 Zeichen lang sein.".into());
            }
            if let Some(pid) = parent {
                match db::agenda_items::find(c, pid)? {
                    Some(p) if p.meeting_id == m.id && p.parent_id.is_none() => {
                        item.public = p.public;
                        item.parent_id = Some(p.id);
                    }
                    _ => {
                        e.insert("unterpunkt_von".into(), "Unterpunkte gehören zu einem Hauptpunkt dieser Sitzung.".into());
                    }
                }
            }
            // a non-public paper is treated in the non-public part only
            // (also as a sub-item: sub-items share their parent's part)
            if !paper_public && item.public {
                e.insert("teil".into(), "Die Vorlage ist nichtöffentlich; sie kann nur im nichtöffentlichen Teil beraten werden.".into());
            }
            if !e.is_empty() {
                return Ok(Err((StatusCode::UNPROCESSABLE_ENTITY, e, None, fields)));
            }
            let actor = m2.actor();
            let added = crate::edit::write_transaction(c, |c| {
                match crate::edit::meeting::add_item(c, &actor, &m, forms::version(&fields), &item)? {
                    // roll back: the paper went onto another agenda meanwhile
                    crate::edit::meeting::Added::ConsultationTaken => Err(AppError::bad_request(
                        "Diese Vorlage wurde soeben von jemand anderem auf eine Tagesordnung gesetzt. Bitte laden Sie die Seite neu.",
                    )),
                    other => Ok(other),
                }
            })?;
            match added {
                crate::edit::meeting::Added::Conflict => Ok(Err((StatusCode::CONFLICT, Errors::new(), Some(conflict_for(c, id)?), fields))),
                _ => Ok(Ok(())),
            }
        })
        .await?;
    match outcome {
        Ok(()) => Ok(redirect(&format!(
            "/verwaltung/sitzungen/{id}#tagesordnung"
        ))),
        Err((status, errors, conflict, fields)) => {
            again(&state, me, id, status, move |p, _| {
                p.item_errors = errors;
                p.conflict = conflict;
                if let Some(obj) = p.values.as_object_mut() {
                    for k in ["titel", "teil", "beratung", "unterpunkt_von"] {
                        obj.insert(
                            k.into(),
                            serde_json::Value::String(fields.get(k).to_string()),
                        );
                    }
                }
                Ok(())
            })
            .await
        }
    }
}

pub async fn item_action(
    state: web::Data<AppState>,
    _staff: Staff,
    path: web::Path<(String, String, String)>,
    form: Form,
) -> Result<HttpResponse, AppError> {
    let (id, tid, action) = path.into_inner();
    let (id, tid) = (parse_id(&id)?, parse_id(&tid)?);
    let Form { user: me, fields } = form;
    let m2 = me.clone();
    let outcome = state
        .db(move |c| {
            let m = meeting_for(c, &m2, id)?;
            let item = db::agenda_items::find(c, tid)?
                .filter(|a| a.meeting_id == m.id)
                .ok_or_else(|| AppError::not_found("Der Tagesordnungspunkt"))?;
            let actor = m2.actor();
            let version = forms::version(&fields);
            let saved = match action.as_str() {
                "hoch" | "runter" => crate::edit::write_transaction(c, |c| crate::edit::meeting::move_item(c, &actor, &m, version, &item, action == "hoch").map_err(AppError::from))?,
                "entfernen" => {
                    let with_result = db::agenda_items::for_meeting(c, m.id)?
                        .iter()
                        .any(|x| (x.id == item.id || x.parent_id == Some(item.id)) && x.outcome.is_some());
                    if with_result {
                        return Ok(Err((StatusCode::UNPROCESSABLE_ENTITY, "Ein TOP mit Ergebnis (auch bei einem seiner Unterpunkte) kann nicht entfernt werden. Setzen Sie stattdessen das Ergebnis „abgesetzt“.".to_string(), None)));
                    }
                    crate::edit::write_transaction(c, |c| crate::edit::meeting::remove_item(c, &actor, &m, version, &item).map_err(AppError::from))?
                }
                _ => return Err(AppError::not_found("Diese Aktion")),
            };
            match saved {
                Saved::Ok => Ok(Ok(())),
                Saved::Conflict => Ok(Err((StatusCode::CONFLICT, String::new(), Some(conflict_for(c, id)?)))),
            }
        })
        .await?;
    answer(
        &state,
        me,
        id,
        outcome,
        &format!("/verwaltung/sitzungen/{id}#tagesordnung"),
        Field::Item,
    )
    .await
}

pub async fn save_attendance(
    state: web::Data<AppState>,
    _staff: Staff,
    path: web::Path<String>,
    form: Form,
) -> Result<HttpResponse, AppError> {
    let id = parse_id(&path)?;
    let Form { user: me, fields } = form;
    let m2 = me.clone();
    state
        .db(move |c| {
            let m = meeting_for(c, &m2, id)?;
            let day = crate::base::dates::berlin(m.start_at).date_naive();
            let members: Vec<i64> = db::persons::members_of(c, m.organization_id, day)?
                .into_iter()
                .map(|(p, ..)| p.id)
                .collect();
            let mut rows = Vec::new();
            for pid in members {
                if rows.iter().any(|(p, _)| *p == pid) {
                    continue;
                }
                match fields.get(&format!("status_{pid}")) {
                    "" => {}
                    s => match AttendanceStatus::from_key(s) {
                        Some(st) => rows.push((pid, st)),
                        None => {
                            return Err(AppError::bad_request("Unbekannter Anwesenheitsstatus."))
                        }
                    },
                }
            }
            let actor = m2.actor();
            crate::edit::write_transaction(c, |c| {
                crate::edit::meeting::set_attendance(c, &actor, m.id, &rows).map_err(AppError::from)
            })
        })
        .await?;
    Ok(redirect(&format!(
        "/verwaltung/sitzungen/{id}?hinweis=anwesenheit#anwesenheit"
    )))
}
