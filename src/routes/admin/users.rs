//! Administration: user accounts and per-body settings.

use actix_web::{web, HttpResponse};
use serde::Serialize;

use super::forms::{self, Errors};
use super::{choices, Choice};
use crate::auth::{Admin, Form, SessionUser, Viewer};
use crate::db::models::{Body, Person};
use crate::db::users::{self, User};
use crate::db::{self, DbConnection};
use crate::domain::UserRole;
use crate::edit::accounts::{check_account, insert_account, AccountInput};
use crate::error::AppError;
use crate::routes::account::redirect;
use crate::routes::parse_id;
use crate::state::AppState;

#[derive(Serialize)]
struct UserRow {
    user: User,
    role_label: &'static str,
    body: Option<String>,
    person: Option<String>,
    sessions: i64,
}

#[derive(Serialize, Default)]
struct Page {
    users: Vec<UserRow>,
    roles: Vec<Choice>,
    bodies: Vec<Body>,
    persons: Vec<Person>,
    values: serde_json::Value,
    errors: Errors,
    message: Option<String>,
}

fn page(c: &mut DbConnection) -> Result<Page, AppError> {
    let bodies = db::bodies::list(c)?;
    let persons = {
        use db::schema::persons;
        use diesel::prelude::*;
        persons::table
            .filter(persons::deleted_at.is_null())
            .order((persons::family_name, persons::given_name))
            .limit(2000)
            .select(Person::as_select())
            .load(c)?
    };
    let counts: std::collections::HashMap<i64, i64> =
        users::session_counts(c)?.into_iter().collect();
    let users = users::list(c)?
        .into_iter()
        .map(|u| UserRow {
            role_label: UserRole::from_key(&u.role).map(|r| r.label()).unwrap_or(""),
            body: u
                .body_id
                .and_then(|b| bodies.iter().find(|x| x.id == b))
                .map(|b| b.name.clone()),
            person: u
                .person_id
                .and_then(|p| persons.iter().find(|x| x.id == p))
                .map(|p| format!("{} {}", p.given_name, p.family_name)),
            sessions: counts.get(&u.id).copied().unwrap_or(0),
            user: u,
        })
        .collect();
    Ok(Page {
        users,
        roles: choices(UserRole::ALL, UserRole::key, UserRole::label),
        bodies,
        persons,
        ..Default::default()
    })
}

#[derive(serde::Deserialize)]
pub struct Q {
    hinweis: Option<String>,
}

pub async fn list(
    state: web::Data<AppState>,
    me: Admin,
    q: web::Query<Q>,
) -> Result<HttpResponse, AppError> {
    let mut p = state.db(page).await?;
    p.values = serde_json::json!({"rolle": "clerk"});
    p.message = q.hinweis.as_deref().map(|h| match h {
        "angelegt" => "Das Konto wurde angelegt.".to_string(),
        _ => "Gespeichert.".to_string(),
    });
    state.render_for(&Viewer(Some(me.0)), "admin/users.html", &p)
}

pub async fn create(
    state: web::Data<AppState>,
    _admin: Admin,
    form: Form,
) -> Result<HttpResponse, AppError> {
    let Form { user: me, fields } = form;
    let mut e = Errors::new();
    let role = UserRole::from_key(fields.get("rolle"));
    if role.is_none() {
        e.insert("rolle".into(), "Bitte eine Rolle wählen.".into());
    }
    let input = AccountInput {
        email: users::normalize_email(fields.get("email")),
        display_name: fields.get("name").chars().take(200).collect(),
        role: role.unwrap_or(UserRole::Member),
        body_id: forms::opt_id(&fields, "koerperschaft", &mut e),
        person_id: forms::opt_id(&fields, "person", &mut e),
        password: fields.text("passwort"),
    };
    let actor = me.actor();
    super::flow::post(&state, me, "admin/users.html", move |c, _| {
        let mut errors = check_account(c, &input)?;
        errors.extend(e);
        if errors.is_empty() {
            let id = insert_account(c, &input)?;
            crate::edit::write_transaction(c, |c| {
                db::audit::record(
                    c,
                    &actor,
                    db::audit::Change {
                        action: "Konto angelegt",
                        entity_type: "Konto",
                        entity_id: id,
                        meeting_id: None,
                        paper_id: None,
                        summary: format!("Konto {} ({}) angelegt", input.email, input.role.label()),
                        before: None,
                        after: None,
                    },
                )
                .map_err(AppError::from)
            })?;
            return Ok(super::flow::Done::Saved(
                "/verwaltung/benutzer?hinweis=angelegt".into(),
            ));
        }
        let mut p = page(c)?;
        p.values = fields.to_json();
        if let Some(obj) = p.values.as_object_mut() {
            obj.remove("passwort");
        }
        p.errors = errors;
        Ok(super::flow::Done::Invalid(p))
    })
    .await
}

pub async fn action(
    state: web::Data<AppState>,
    _admin: Admin,
    path: web::Path<(String, String)>,
    form: Form,
) -> Result<HttpResponse, AppError> {
    let (id, action) = path.into_inner();
    let id = parse_id(&id)?;
    let me: SessionUser = form.user;
    let new_password = form.fields.text("passwort");
    if action == "passwort" {
        if let Some(w) = crate::base::password::weakness(&new_password) {
            return Err(AppError::bad_request(w));
        }
    }
    if id == me.user_id && action == "sperren" {
        return Err(AppError::bad_request(
            "Sie können Ihr eigenes Konto nicht sperren.",
        ));
    }
    let actor = me.actor();
    state
        .db(move |c| {
            let u = users::find(c, id)?.ok_or_else(|| AppError::not_found("Das Konto"))?;
            let summary = match action.as_str() {
                "sperren" => {
                    crate::edit::write_transaction(c, |c| {
                        users::set_active(c, id, false).map_err(AppError::from)
                    })?;
                    format!("Konto {} gesperrt, Sitzungen beendet", u.email)
                }
                "entsperren" => {
                    crate::edit::write_transaction(c, |c| {
                        users::set_active(c, id, true).map_err(AppError::from)
                    })?;
                    format!("Konto {} entsperrt", u.email)
                }
                "passwort" => {
                    // set by the administration: all sessions of the account end
                    let hash = crate::base::password::hash(&new_password)?;
                    crate::edit::write_transaction(c, |c| -> Result<(), AppError> {
                        users::set_password(c, id, &hash)?;
                        users::delete_sessions_of(c, id)?;
                        Ok(())
                    })?;
                    format!("Neues Passwort für {} gesetzt, Sitzungen beendet", u.email)
                }
                "abmelden" => {
                    crate::edit::write_transaction(c, |c| {
                        users::delete_sessions_of(c, id).map_err(AppError::from)
                    })?;
                    format!("Alle Sitzungen von {} beendet", u.email)
                }
                _ => return Err(AppError::not_found("Diese Aktion")),
            };
            crate::edit::write_transaction(c, |c| {
                db::audit::record(
                    c,
                    &actor,
                    db::audit::Change {
                        action: "Konto geändert",
                        entity_type: "Konto",
                        entity_id: id,
                        meeting_id: None,
                        paper_id: None,
                        summary,
                        before: None,
                        after: None,
                    },
                )
                .map_err(AppError::from)
            })
        })
        .await?;
    Ok(redirect("/verwaltung/benutzer?hinweis=gespeichert"))
}

// ---- bodies: reference pattern ----

#[derive(Serialize)]
struct BodyRow {
    body: Body,
    example: String,
}

pub async fn bodies(state: web::Data<AppState>, me: Admin) -> Result<HttpResponse, AppError> {
    let default = state.settings.paper_reference_pattern.clone();
    let rows = state
        .db(move |c| {
            Ok(db::bodies::list(c)?
                .into_iter()
                .map(|b| {
                    let pattern = b
                        .paper_reference_pattern
                        .clone()
                        .unwrap_or_else(|| default.clone());
                    BodyRow {
                        example: crate::edit::paper::format_reference(
                            &pattern,
                            crate::base::dates::today(),
                            42,
                        ),
                        body: b,
                    }
                })
                .collect::<Vec<_>>())
        })
        .await?;
    state.render_for(
        &Viewer(Some(me.0)),
        "admin/bodies.html",
        &serde_json::json!({"rows": rows, "default": state.settings.paper_reference_pattern}),
    )
}

pub async fn save_body(
    state: web::Data<AppState>,
    _admin: Admin,
    path: web::Path<String>,
    form: Form,
) -> Result<HttpResponse, AppError> {
    let id = parse_id(&path)?;
    let Form { user: me, fields } = form;
    let pattern = fields.get("muster").to_string();
    if !pattern.is_empty() {
        if let Err(msg) = crate::edit::paper::check_pattern(&pattern) {
            return Err(AppError::bad_request(msg));
        }
    }
    let actor = me.actor();
    state
        .db(move |c| {
            let b =
                db::bodies::find(c, id)?.ok_or_else(|| AppError::not_found("Die Körperschaft"))?;
            crate::edit::write_transaction(c, |c| -> Result<(), AppError> {
                use db::schema::bodies;
                use diesel::prelude::*;
                let value = Some(pattern.clone()).filter(|p| !p.is_empty());
                diesel::update(bodies::table.find(id))
                    .set(bodies::paper_reference_pattern.eq(&value))
                    .execute(c)?;
                db::audit::record(
                    c,
                    &actor,
                    db::audit::Change {
                        action: "Nummernmuster geändert",
                        entity_type: "Körperschaft",
                        entity_id: id,
                        meeting_id: None,
                        paper_id: None,
                        summary: format!("{}: Muster für Vorlagennummern „{}“", b.name, pattern),
                        before: Some(serde_json::json!({"Muster": b.paper_reference_pattern})),
                        after: Some(serde_json::json!({"Muster": value})),
                    },
                )?;
                Ok(())
            })
        })
        .await?;
    Ok(redirect("/verwaltung/koerperschaften"))
}
