//! The outbox: pending, sent and failed mails, with "send again".

use actix_web::{web, HttpResponse};
use serde::Deserialize;

use crate::auth::{Form, Staff, Viewer};
use crate::db;
use crate::error::AppError;
use crate::routes::account::redirect;
use crate::routes::parse_id;
use crate::state::AppState;

#[derive(Deserialize)]
pub struct Q {
    status: Option<String>,
}

pub async fn show(
    state: web::Data<AppState>,
    me: Staff,
    q: web::Query<Q>,
) -> Result<HttpResponse, AppError> {
    let me = me.0;
    let status = match q.status.as_deref() {
        None | Some("") => None,
        Some(s @ ("wartend" | "gesendet" | "fehlgeschlagen")) => Some(s.to_string()),
        Some(_) => {
            return Err(AppError::bad_request(
                "Unbekannter Status: erlaubt sind wartend, gesendet, fehlgeschlagen.",
            ))
        }
    };
    let m2 = me.clone();
    let (mails, counts) = state
        .db(move |c| {
            let all = db::mail::recent(c, status.as_deref(), 500)?;
            // clerks see the mails of their body's meetings; admins all
            let ids: Vec<i64> = all.iter().filter_map(|m| m.meeting_id).collect();
            let meetings = db::meetings::by_ids(c, &ids)?;
            let visible: Vec<_> = all
                .into_iter()
                .filter(|m| {
                    m2.is_admin()
                        || m.meeting_id.and_then(|id| meetings.get(&id)).is_some_and(|mt| m2.may_edit_body(mt.body_id))
                })
                .take(200)
                .map(|m| {
                    serde_json::json!({
                        "id": m.id, "recipient": m.recipient, "subject": m.subject, "status": m.status,
                        "attempts": m.attempts, "error": m.last_error,
                        "created": format!("{} {}", crate::base::dates::date_short(m.created_at), crate::base::dates::time(m.created_at)),
                        "sent": m.sent_at.map(|s| format!("{} {}", crate::base::dates::date_short(s), crate::base::dates::time(s))),
                    })
                })
                .collect();
            Ok((visible, db::mail::counts(c)?))
        })
        .await?;
    state.render_for(&Viewer(Some(me)), "admin/outbox.html", &serde_json::json!({"mails": mails, "counts": counts, "smtp": state.settings.smtp_url.is_some()}))
}

pub async fn retry(
    state: web::Data<AppState>,
    _staff: Staff,
    path: web::Path<String>,
    form: Form,
) -> Result<HttpResponse, AppError> {
    let id = parse_id(&path)?;
    let me = form.user;
    state
        .db(move |c| {
            let mail = db::mail::find(c, id)?
                .filter(|m| m.status == "fehlgeschlagen")
                .ok_or_else(|| AppError::not_found("Diese fehlgeschlagene Nachricht"))?;
            if !me.is_admin() {
                let body = match mail
                    .meeting_id
                    .map(|m| db::meetings::find(c, m))
                    .transpose()?
                    .flatten()
                {
                    Some(m) => m.body_id,
                    None => {
                        return Err(AppError::Forbidden(
                            "Diese Nachricht kann nur die Administration erneut senden.".into(),
                        ))
                    }
                };
                me.require_body(body)?;
            }
            db::quiet_transaction(c, |c| db::mail::retry(c, id).map_err(AppError::from))
        })
        .await?;
    Ok(redirect("/verwaltung/postausgang?status=wartend"))
}
