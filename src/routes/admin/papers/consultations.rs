//! The consultation path (Beratungsfolge) of a paper: add, move, remove.

use super::*;

pub async fn add_consultation(
    state: web::Data<AppState>,
    _staff: Staff,
    path: web::Path<String>,
    form: Form,
) -> Result<HttpResponse, AppError> {
    let id = parse_id(&path)?;
    let Form { user: me, fields } = form;
    let m2 = me.clone();
    let limit = state.settings.upload_limit_mb;
    let result = state
        .db(move |c| {
            let p = paper_for(c, &m2, id)?;
            let mut e = Errors::new();
            let org = forms::opt_id(&fields, "gremium", &mut e);
            let role = ConsultationRole::from_key(fields.get("rolle"));
            if role.is_none() {
                e.insert(
                    "rolle".into(),
                    "Bitte die Rolle des Gremiums wählen.".into(),
                );
            }
            let org = match org
                .map(|o| db::organizations::find(c, o))
                .transpose()?
                .flatten()
            {
                Some(o) if o.body_id == p.body_id && o.is_gremium() => Some(o),
                _ => {
                    e.insert(
                        "gremium".into(),
                        "Bitte ein Gremium dieser Körperschaft wählen.".into(),
                    );
                    None
                }
            };
            match (org, role, e.is_empty()) {
                (Some(o), Some(r), true) => {
                    let actor = m2.actor();
                    crate::edit::write_transaction(c, |c| {
                        crate::edit::paper::add_consultation(c, &actor, &p, o.id, &o.name, r)
                            .map_err(AppError::from)
                    })?;
                    Ok(Ok(()))
                }
                _ => {
                    let mut page = load_page(c, &m2, Some(&p))?;
                    let (values, originators) = values_of(c, &p)?;
                    page.values = values;
                    page.selected_originators = originators;
                    page.errors = e;
                    page.upload_limit_mb = limit;
                    Ok(Err(page))
                }
            }
        })
        .await?;
    match result {
        Ok(()) => Ok(redirect(&format!(
            "/verwaltung/vorlagen/{id}#beratungsfolge"
        ))),
        Err(page) => state.render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &Viewer(Some(me)),
            "admin/papers/form.html",
            &page,
        ),
    }
}

pub async fn consultation_action(
    state: web::Data<AppState>,
    _staff: Staff,
    path: web::Path<(String, String, String)>,
    form: Form,
) -> Result<HttpResponse, AppError> {
    let (id, cid, action) = path.into_inner();
    let (id, cid) = (parse_id(&id)?, parse_id(&cid)?);
    let me = form.user;
    state
        .db(move |c| {
            let p = paper_for(c, &me, id)?;
            let cons = crate::edit::paper::find_consultation(c, cid)?
                .filter(|x| x.paper_id == p.id)
                .ok_or_else(|| AppError::not_found("Der Beratungsschritt"))?;
            let actor = me.actor();
            match action.as_str() {
                "hoch" | "runter" => {
                    crate::edit::write_transaction(c, |c| crate::edit::paper::move_consultation(c, &actor, &p, &cons, action == "hoch").map_err(AppError::from))?;
                }
                "entfernen" => {
                    if cons.meeting_id.is_some() {
                        return Err(AppError::bad_request("Dieser Beratungsschritt steht bereits auf einer Tagesordnung und kann nicht entfernt werden. Nehmen Sie zuerst den TOP von der Tagesordnung."));
                    }
                    crate::edit::write_transaction(c, |c| crate::edit::paper::remove_consultation(c, &actor, &p, &cons).map_err(AppError::from))?;
                }
                _ => return Err(AppError::not_found("Diese Aktion")),
            }
            Ok(())
        })
        .await?;
    Ok(redirect(&format!(
        "/verwaltung/vorlagen/{id}#beratungsfolge"
    )))
}

/// The paper page again with the reason a link was refused (422).
pub(in crate::routes::admin) async fn integration_refused(
    state: &AppState,
    me: SessionUser,
    id: i64,
    msg: String,
) -> Result<HttpResponse, AppError> {
    let m2 = me.clone();
    let limit = state.settings.upload_limit_mb;
    let page = state
        .db(move |c| {
            let p = paper_for(c, &m2, id)?;
            let mut page = load_page(c, &m2, Some(&p))?;
            let (values, originators) = values_of(c, &p)?;
            page.values = values;
            page.selected_originators = originators;
            page.integration.error = Some(msg);
            page.upload_limit_mb = limit;
            Ok(page)
        })
        .await?;
    state.render_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        &Viewer(Some(me)),
        "admin/papers/form.html",
        &page,
    )
}
