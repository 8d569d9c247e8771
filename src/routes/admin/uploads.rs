//! Back office: uploading attachments to papers, meetings and TOPs, and
//! changing or removing them. The `_csrf` part must precede the file.

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use futures_util::StreamExt;

use crate::auth::{Form, SessionUser, Staff, Viewer};
use crate::db::insert::NewFile;
use crate::db::{self, DbConnection};
use crate::error::AppError;
use crate::routes::account::redirect;
use crate::routes::parse_id;
use crate::state::AppState;
use crate::storage;

#[derive(Clone, Copy)]
enum Target {
    Paper(i64),
    Meeting(i64),
    Item(i64),
    Concept(i64),
}

impl Target {
    fn back(self) -> String {
        match self {
            Target::Paper(id) => format!("/verwaltung/vorlagen/{id}"),
            Target::Meeting(id) => format!("/verwaltung/sitzungen/{id}"),
            Target::Item(id) => format!("/verwaltung/tops/{id}"),
            Target::Concept(id) => format!("/verwaltung/integrationskonzepte/{id}"),
        }
    }
    fn action(self) -> String {
        format!("{}/dateien", self.back())
    }
}

/// (body id, meeting id for the audit log) of the target; checks rights.
fn resolve(
    c: &mut DbConnection,
    me: &SessionUser,
    t: Target,
) -> Result<(i64, Option<i64>), AppError> {
    let (body, meeting) = match t {
        Target::Paper(id) => (
            db::papers::find(c, id)?
                .ok_or_else(|| AppError::not_found("Die Vorlage"))?
                .body_id,
            None,
        ),
        Target::Meeting(id) => (
            db::meetings::find(c, id)?
                .ok_or_else(|| AppError::not_found("Die Sitzung"))?
                .body_id,
            Some(id),
        ),
        Target::Item(id) => {
            let a = db::agenda_items::find(c, id)?
                .ok_or_else(|| AppError::not_found("Der Tagesordnungspunkt"))?;
            (
                db::meetings::find(c, a.meeting_id)?
                    .ok_or_else(|| AppError::not_found("Die Sitzung"))?
                    .body_id,
                Some(a.meeting_id),
            )
        }
        Target::Concept(id) => (
            db::concepts::find(c, id)?
                .ok_or_else(|| AppError::not_found("Das Integrationskonzept"))?
                .body_id,
            None,
        ),
    };
    me.require_body(body)?;
    Ok((body, meeting))
}

fn error_page(
    state: &AppState,
    me: SessionUser,
    status: StatusCode,
    t: Target,
    message: String,
    limit: u64,
) -> Result<HttpResponse, AppError> {
    state.render_status(
        status,
        &Viewer(Some(me)),
        "admin/upload_error.html",
        &serde_json::json!({"message": message, "action": t.action(), "back": t.back(), "upload_limit_mb": limit}),
    )
}

async fn read_small(field: &mut actix_multipart::Field) -> Result<String, AppError> {
    let mut buf = Vec::new();
    while let Some(chunk) = field.next().await {
        let chunk =
            chunk.map_err(|_| AppError::bad_request("Die Übertragung wurde unterbrochen."))?;
        buf.extend_from_slice(&chunk);
        if buf.len() > 1000 {
            return Err(AppError::bad_request("Ein Formularfeld ist zu lang."));
        }
    }
    Ok(String::from_utf8_lossy(&buf).trim().to_string())
}

async fn upload(
    state: web::Data<AppState>,
    me: SessionUser,
    t: Target,
    mut mp: Multipart,
) -> Result<HttpResponse, AppError> {
    let limit_mb = state.settings.upload_limit_mb;
    let limit = limit_mb.saturating_mul(1024 * 1024);
    let data_dir = state.settings.data_dir.clone();
    let m2 = me.clone();
    let (body_id, meeting_id) = state.db(move |c| resolve(c, &m2, t)).await?;
    let mut csrf_ok = false;
    let mut title = String::new();
    let mut public = false;
    let mut upload: Option<(storage::Incoming, String)> = None;
    let mut too_large = false;
    while let Some(field) = mp.next().await {
        let mut field = field.map_err(|_| {
            AppError::bad_request("Das Formular wurde nicht vollständig übertragen.")
        })?;
        let name = field.name().unwrap_or_default().to_string();
        match name.as_str() {
            "_csrf" => {
                let v = read_small(&mut field).await?;
                me.check_csrf(&v)?;
                csrf_ok = true;
            }
            "name" => title = read_small(&mut field).await?,
            "oeffentlich" => public = matches!(read_small(&mut field).await?.as_str(), "1" | "on"),
            "datei" => {
                if !csrf_ok {
                    me.check_csrf("")?;
                }
                let file_name = field
                    .content_disposition()
                    .and_then(|cd| cd.get_filename())
                    .unwrap_or_default()
                    .to_string();
                let mut incoming =
                    storage::Incoming::new(&data_dir).map_err(|e| AppError::Internal(e.into()))?;
                let mut seen: u64 = 0;
                while let Some(chunk) = field.next().await {
                    let chunk = chunk.map_err(|_| {
                        AppError::bad_request("Die Übertragung der Datei wurde unterbrochen.")
                    })?;
                    seen += chunk.len() as u64;
                    if seen > limit {
                        // keep reading (and discarding) so the browser gets the answer
                        too_large = true;
                        continue;
                    }
                    incoming
                        .write(&chunk)
                        .map_err(|e| AppError::Internal(e.into()))?;
                }
                if !file_name.is_empty() || incoming.size > 0 {
                    upload = Some((incoming, file_name));
                }
            }
            _ => {
                let _ = read_small(&mut field).await;
            }
        }
    }
    if !csrf_ok {
        me.check_csrf("")?;
    }
    if too_large {
        return error_page(
            &state,
            me,
            StatusCode::PAYLOAD_TOO_LARGE,
            t,
            format!("Die Datei ist zu groß. Erlaubt sind höchstens {limit_mb} MB."),
            limit_mb,
        );
    }
    let Some((incoming, raw_name)) = upload else {
        return error_page(
            &state,
            me,
            StatusCode::UNPROCESSABLE_ENTITY,
            t,
            "Bitte eine Datei auswählen.".into(),
            limit_mb,
        );
    };
    if incoming.size == 0 {
        return error_page(
            &state,
            me,
            StatusCode::UNPROCESSABLE_ENTITY,
            t,
            "Die Datei ist leer.".into(),
            limit_mb,
        );
    }
    let Some(kind) = storage::detect(&incoming.head, &raw_name) else {
        return error_page(
            &state,
            me,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            t,
            format!("Dieser Dateityp ist nicht erlaubt (der Inhalt von „{}“ ist kein erlaubtes Format). Erlaubt sind: {}.", crate::routes::shorten(&raw_name), storage::ALLOWED_TEXT),
            limit_mb,
        );
    };
    let file_name = storage::sanitize_name(&raw_name, kind);
    let title = crate::auth::form::one_line(&title);
    let title = if title.is_empty() {
        file_name.clone()
    } else {
        title.chars().take(300).collect()
    };
    let size = incoming.size as i64;
    let dd = data_dir.clone();
    let hash = web::block(move || incoming.persist(&dd))
        .await?
        .map_err(|e| AppError::Internal(e.into()))?;
    // the text of a PDF is extracted by the background job (pdf_text::worker),
    // never here: the upload answers at once with the status "ausstehend"
    let is_pdf = kind.mime == "application/pdf";
    let now = db::now();
    let row = NewFile {
        body_id,
        name: title,
        file_name,
        mime_type: kind.mime.to_string(),
        size,
        sha256: Some(hash.clone()),
        storage_path: Some(hash),
        text_content: None,
        text_status: is_pdf.then(|| db::files::TEXT_PENDING.to_string()),
        public,
        paper_id: match t {
            Target::Paper(id) => Some(id),
            _ => None,
        },
        meeting_id: match t {
            Target::Meeting(id) => Some(id),
            _ => None,
        },
        agenda_item_id: match t {
            Target::Item(id) => Some(id),
            _ => None,
        },
        created_at: now,
        updated_at: now,
        concept_id: match t {
            Target::Concept(id) => Some(id),
            _ => None,
        },
    };
    let actor = me.actor();
    state
        .db(move |c| {
            crate::edit::write_transaction(c, |c| {
                let id = db::files::create(c, &actor, &row, meeting_id)?;
                if is_pdf {
                    // the same PDF uploaded before: its text is known
                    match row
                        .sha256
                        .as_deref()
                        .map(|h| db::files::known_text(c, h))
                        .transpose()?
                        .flatten()
                    {
                        Some((status, text, error)) => {
                            db::files::set_text(c, id, &status, text.as_deref(), error.as_deref())?
                        }
                        None => db::files::enqueue_text(c, id)?,
                    }
                }
                Ok::<_, AppError>(())
            })
        })
        .await?;
    state.text_wake.notify_one();
    Ok(redirect(&format!("{}#dateien", t.back())))
}

pub async fn upload_to_paper(
    state: web::Data<AppState>,
    me: Staff,
    path: web::Path<String>,
    mp: Multipart,
) -> Result<HttpResponse, AppError> {
    upload(state, me.0, Target::Paper(parse_id(&path)?), mp).await
}

pub async fn upload_to_meeting(
    state: web::Data<AppState>,
    me: Staff,
    path: web::Path<String>,
    mp: Multipart,
) -> Result<HttpResponse, AppError> {
    upload(state, me.0, Target::Meeting(parse_id(&path)?), mp).await
}

pub async fn upload_to_item(
    state: web::Data<AppState>,
    me: Staff,
    path: web::Path<String>,
    mp: Multipart,
) -> Result<HttpResponse, AppError> {
    upload(state, me.0, Target::Item(parse_id(&path)?), mp).await
}

pub async fn upload_to_concept(
    state: web::Data<AppState>,
    me: Staff,
    path: web::Path<String>,
    mp: Multipart,
) -> Result<HttpResponse, AppError> {
    upload(state, me.0, Target::Concept(parse_id(&path)?), mp).await
}

pub async fn file_action(
    state: web::Data<AppState>,
    _staff: Staff,
    path: web::Path<(String, String)>,
    form: Form,
) -> Result<HttpResponse, AppError> {
    let (id, action) = path.into_inner();
    let id = parse_id(&id)?;
    let me = form.user;
    let back = state
        .db(move |c| {
            let f = db::files::find(c, id)?.ok_or_else(|| AppError::not_found("Die Datei"))?;
            let target = match (f.paper_id, f.meeting_id, f.agenda_item_id, f.concept_id) {
                (Some(p), _, _, _) => Target::Paper(p),
                (_, Some(m), _, _) => Target::Meeting(m),
                (_, _, Some(i), _) => Target::Item(i),
                (_, _, _, Some(k)) => Target::Concept(k),
                _ => return Err(AppError::not_found("Die Datei")),
            };
            let (body, meeting_id) = resolve(c, &me, target)?;
            me.require_body(body)?;
            let actor = me.actor();
            match action.as_str() {
                "oeffentlich" | "nichtoeffentlich" => crate::edit::write_transaction(c, |c| {
                    db::files::set_public(c, &actor, &f, action == "oeffentlich", meeting_id)
                        .map_err(AppError::from)
                })?,
                "entfernen" => crate::edit::write_transaction(c, |c| {
                    db::files::delete(c, &actor, &f, meeting_id).map_err(AppError::from)
                })?,
                _ => return Err(AppError::not_found("Diese Aktion")),
            }
            Ok(target.back())
        })
        .await?;
    Ok(redirect(&format!("{back}#dateien")))
}
