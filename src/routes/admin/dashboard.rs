//! The back office start page.

use actix_web::{web, HttpResponse};
use diesel::prelude::*;

use super::{audit_views, editable_bodies};
use crate::auth::{Staff, Viewer};
use crate::db;
use crate::db::models::Meeting;
use crate::error::AppError;
use crate::state::AppState;

pub async fn show(state: web::Data<AppState>, me: Staff) -> Result<HttpResponse, AppError> {
    let me = me.0;
    let m2 = me.clone();
    let (upcoming, waiting, audit, deadlines) = state
        .db(move |c| {
            use db::schema::{consultations, meetings, papers};
            let bodies: Vec<i64> = editable_bodies(c, &m2)?.iter().map(|b| b.id).collect();
            let up: Vec<Meeting> = meetings::table
                .filter(meetings::deleted_at.is_null())
                .filter(meetings::body_id.eq_any(&bodies))
                .filter(meetings::start_at.ge(db::now() - chrono::Duration::hours(12)))
                .order(meetings::start_at)
                .limit(10)
                .select(Meeting::as_select())
                .load(c)?;
            let waiting: i64 = consultations::table
                .inner_join(papers::table)
                .filter(papers::body_id.eq_any(&bodies))
                .filter(papers::deleted_at.is_null())
                .filter(consultations::deleted_at.is_null())
                .filter(consultations::meeting_id.is_null())
                .count()
                .get_result(c)?;
            let audit = if m2.is_admin() {
                db::audit::recent(c, 20)?
            } else {
                Vec::new()
            };
            // programme deadlines: overdue by up to 30 days, due in 180
            let today = crate::base::dates::today();
            let deadlines: Vec<serde_json::Value> = db::programmes::deadlines_for(
                c,
                Some(&bodies),
                today - chrono::Duration::days(30),
                today + chrono::Duration::days(180),
            )?
            .iter()
            .map(|(d, p)| {
                serde_json::json!({
                    "date": crate::base::dates::date(d.due_on),
                    "iso": d.due_on.format("%Y-%m-%d").to_string(),
                    "kind": d.kind_label(),
                    "title": d.title,
                    "programme": p.display_name(),
                    "url": format!("/verwaltung/foerderprogramme/{}#fristen", p.id),
                    "public_url": format!("/foerderprogramme/{}", p.id),
                    "overdue": d.due_on < today,
                })
            })
            .collect();
            Ok((
                crate::views::meetings::cards(c, &up)?,
                waiting,
                audit_views(audit),
                deadlines,
            ))
        })
        .await?;
    state.render_for(
        &Viewer(Some(me)),
        "admin/dashboard.html",
        &serde_json::json!({"upcoming": upcoming, "waiting": waiting, "audit": audit, "deadlines": deadlines}),
    )
}
