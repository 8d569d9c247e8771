//! Follow-ups (Wiedervorlagen) of a TOP.

use super::*;

pub async fn add_follow_up(
    state: web::Data<AppState>,
    _staff: Staff,
    path: web::Path<String>,
    form: Form,
) -> Result<HttpResponse, AppError> {
    let id = parse_id(&path)?;
    let Form { user: me, fields } = form;
    let m2 = me.clone();
    let limit = state.settings.upload_limit_mb;
    let outcome = state
        .db(move |c| {
            let (a, m) = item_for(c, &m2, id)?;
            let mut e = Errors::new();
            let text = forms::required(&fields, "auftrag", "den Auftrag", 2000, &mut e);
            let due = forms::opt_id(&fields, "faellig_in", &mut e);
            if let Some(d) = due {
                match db::meetings::find(c, d)? {
                    Some(t)
                        if t.organization_id == m.organization_id && t.start_at > m.start_at => {}
                    _ => {
                        e.insert(
                            "faellig_in".into(),
                            "Bitte eine spätere Sitzung desselben Gremiums wählen.".into(),
                        );
                    }
                }
            }
            if !e.is_empty() {
                let mut p = page(c, &a, &m)?;
                p.errors = e;
                p.upload_limit_mb = limit;
                return Ok(Err(p));
            }
            let actor = m2.actor();
            crate::edit::write_transaction(c, |c| {
                crate::edit::item::add_follow_up(c, &actor, &a, &m, &text, due)
                    .map_err(AppError::from)
            })?;
            Ok(Ok(()))
        })
        .await?;
    match outcome {
        Ok(()) => Ok(redirect(&format!(
            "/verwaltung/tops/{id}?gespeichert=1#nachfragen"
        ))),
        Err(p) => state.render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &Viewer(Some(me)),
            "admin/items/edit.html",
            &p,
        ),
    }
}

/// The TOP page again with the reason a link was refused (422).
pub(in crate::routes::admin) async fn integration_refused(
    state: &AppState,
    me: SessionUser,
    id: i64,
    msg: String,
) -> Result<HttpResponse, AppError> {
    let m2 = me.clone();
    let mut p = state
        .db(move |c| {
            let (a, m) = item_for(c, &m2, id)?;
            page(c, &a, &m)
        })
        .await?;
    p.upload_limit_mb = state.settings.upload_limit_mb;
    p.integration.error = Some(msg);
    state.render_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        &Viewer(Some(me)),
        "admin/items/edit.html",
        &p,
    )
}
