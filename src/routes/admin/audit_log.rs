//! The audit log per meeting or per paper.

use actix_web::{web, HttpResponse};
use serde::Deserialize;

use super::audit_views;
use crate::auth::{Staff, Viewer};
use crate::db;
use crate::error::AppError;
use crate::routes::parse_opt_id;
use crate::state::AppState;

#[derive(Deserialize)]
pub struct Q {
    sitzung: Option<String>,
    vorlage: Option<String>,
}

pub async fn show(
    state: web::Data<AppState>,
    me: Staff,
    q: web::Query<Q>,
) -> Result<HttpResponse, AppError> {
    let me = me.0;
    let meeting = parse_opt_id("sitzung", &q.sitzung)?;
    let paper = parse_opt_id("vorlage", &q.vorlage)?;
    let m2 = me.clone();
    let (title, entries) = state
        .db(move |c| match (meeting, paper) {
            (Some(id), _) => {
                let m = super::meetings::meeting_for(c, &m2, id)?;
                Ok((format!("Änderungsprotokoll: {}", m.name), db::audit::for_meeting(c, id)?))
            }
            (_, Some(id)) => {
                let p = super::papers::paper_for(c, &m2, id)?;
                Ok((format!("Änderungsprotokoll: Vorlage {}", p.reference), db::audit::for_paper(c, id)?))
            }
            _ if m2.is_admin() => Ok(("Änderungsprotokoll (neueste 200)".to_string(), db::audit::recent(c, 200)?)),
            _ => Err(AppError::Forbidden(
                "Das gesamte Änderungsprotokoll ist der Administration vorbehalten. Das Protokoll einer Sitzung oder Vorlage finden Sie auf deren Bearbeitungsseite.".into(),
            )),
        })
        .await?;
    state.render_for(
        &Viewer(Some(me)),
        "admin/audit.html",
        &serde_json::json!({"title": title, "entries": audit_views(entries)}),
    )
}
