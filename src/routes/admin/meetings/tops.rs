//! Changing a meeting's agenda (add, move, remove TOPs) and its
//! attendance list.

use super::*;

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
