//! Sub-forms for a programme's parts: modules, agreements and deadlines.

use super::*;

pub async fn add_module(
    state: web::Data<AppState>,
    _staff: Staff,
    path: web::Path<String>,
    form: Form,
) -> Result<HttpResponse, AppError> {
    let id = parse_id(&path)?;
    flow::sub_action::<Programmes, _>(state, id, form, "bausteine", |c, me, p, f| {
        let mut e = Errors::new();
        let name = forms::required(f, "baustein_name", "den Namen des Bausteins", 300, &mut e);
        let d = forms::optional(f, "baustein_beschreibung", 1000, &mut e);
        if e.is_empty() {
            let actor = me.actor();
            crate::edit::write_transaction(c, |c| {
                programmes::add_module(c, &actor, p, &name, d.as_deref()).map_err(AppError::from)
            })?;
        }
        Ok(e)
    })
    .await
}

pub async fn remove_module(
    state: web::Data<AppState>,
    _staff: Staff,
    path: web::Path<(String, String)>,
    form: Form,
) -> Result<HttpResponse, AppError> {
    let (id, mid) = (parse_id(&path.0)?, parse_id(&path.1)?);
    flow::sub_action::<Programmes, _>(state, id, form, "bausteine", move |c, me, p, _| {
        let m = programmes::modules_by_id(c, mid)?
            .filter(|m| m.programme_id == p.id)
            .ok_or_else(|| AppError::not_found("Der Baustein"))?;
        let actor = me.actor();
        crate::edit::write_transaction(c, |c| {
            programmes::remove_module(c, &actor, p, &m).map_err(AppError::from)
        })?;
        Ok(Errors::new())
    })
    .await
}

pub async fn add_agreement(
    state: web::Data<AppState>,
    _staff: Staff,
    path: web::Path<String>,
    form: Form,
) -> Result<HttpResponse, AppError> {
    let id = parse_id(&path)?;
    flow::sub_action::<Programmes, _>(state, id, form, "vereinbarungen", |c, me, p, f| {
        let mut e = Errors::new();
        let kind = AgreementKind::from_key(f.get("v_art"));
        if kind.is_none() {
            e.insert(
                "v_art".into(),
                "Bitte die Art der Vereinbarung wählen.".into(),
            );
        }
        let title = forms::required(f, "v_titel", "einen Titel", 300, &mut e);
        let parties = forms::required(f, "v_beteiligte", "die Beteiligten", 500, &mut e);
        let from = forms::optional(f, "v_von", 200, &mut e);
        let to = forms::optional(f, "v_an", 300, &mut e);
        if to.is_some() && from.is_none() {
            e.insert(
                "v_von".into(),
                "Bitte angeben, wer die Mittel weiterleitet.".into(),
            );
        }
        let concluded = opt_date(f, "v_datum", "das Datum", &mut e);
        let note = forms::optional(f, "v_notiz", 1000, &mut e);
        if let (Some(kind), true) = (kind, e.is_empty()) {
            let actor = me.actor();
            let a = AgreementInput {
                kind,
                title,
                parties,
                forwards_from: from,
                forwards_to: to,
                concluded_on: concluded,
                note,
            };
            crate::edit::write_transaction(c, |c| {
                programmes::add_agreement(c, &actor, p, &a).map_err(AppError::from)
            })?;
        }
        Ok(e)
    })
    .await
}

pub async fn add_deadline(
    state: web::Data<AppState>,
    _staff: Staff,
    path: web::Path<String>,
    form: Form,
) -> Result<HttpResponse, AppError> {
    let id = parse_id(&path)?;
    flow::sub_action::<Programmes, _>(state, id, form, "fristen", |c, me, p, f| {
        let mut e = Errors::new();
        let due = forms::date(f, "frist_datum", "das Datum der Frist", &mut e);
        let kind = DeadlineKind::from_key(f.get("frist_art"));
        if kind.is_none() {
            e.insert("frist_art".into(), "Bitte die Art der Frist wählen.".into());
        }
        let title = forms::required(f, "frist_titel", "eine Bezeichnung", 300, &mut e);
        if let (Some(due), Some(kind), true) = (due, kind, e.is_empty()) {
            let actor = me.actor();
            crate::edit::write_transaction(c, |c| {
                programmes::add_deadline(c, &actor, p, due, kind, &title).map_err(AppError::from)
            })?;
        }
        Ok(e)
    })
    .await
}

/// Remove an agreement or a deadline (`/vereinbarungen/{aid}/entfernen`,
/// `/fristen/{did}/entfernen`).
async fn remove_part(
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    form: Form,
    part: programmes::Part,
    section: &'static str,
) -> Result<HttpResponse, AppError> {
    let (id, pid) = (parse_id(&path.0)?, parse_id(&path.1)?);
    flow::sub_action::<Programmes, _>(state, id, form, section, move |c, me, p, _| {
        let actor = me.actor();
        let found = crate::edit::write_transaction(c, |c| {
            programmes::remove_part(c, &actor, p, part, pid).map_err(AppError::from)
        })?;
        if !found {
            return Err(AppError::not_found(match part {
                programmes::Part::Agreement => "Die Vereinbarung",
                programmes::Part::Deadline => "Die Frist",
            }));
        }
        Ok(Errors::new())
    })
    .await
}

pub async fn remove_agreement(
    state: web::Data<AppState>,
    _staff: Staff,
    path: web::Path<(String, String)>,
    form: Form,
) -> Result<HttpResponse, AppError> {
    remove_part(
        state,
        path,
        form,
        programmes::Part::Agreement,
        "vereinbarungen",
    )
    .await
}

pub async fn remove_deadline(
    state: web::Data<AppState>,
    _staff: Staff,
    path: web::Path<(String, String)>,
    form: Form,
) -> Result<HttpResponse, AppError> {
    remove_part(state, path, form, programmes::Part::Deadline, "fristen").await
}
