//! Downloading attachments: `/dateien/{id}/{name}`. A file is served only
//! to those who may see it and everything it belongs to.

use actix_web::http::header;
use actix_web::{web, HttpResponse};

use crate::access::Audience;
use crate::auth::Viewer;
use crate::db;
use crate::error::AppError;
use crate::routes::parse_id;
use crate::state::AppState;

#[derive(serde::Deserialize)]
pub struct DownloadQuery {
    /// OParl `accessUrl`: always inline (never `attachment`)
    anzeigen: Option<String>,
    /// OParl `downloadUrl`: always `attachment`
    herunterladen: Option<String>,
}

pub async fn download(
    state: web::Data<AppState>,
    viewer: Viewer,
    path: web::Path<(String, String)>,
    query: web::Query<DownloadQuery>,
) -> Result<HttpResponse, AppError> {
    let id = parse_id(&path.0)?;
    let v = viewer.clone();
    let file = state
        .db(move |c| {
            let not_found = || AppError::not_found("Die Datei");
            let f = db::files::find(c, id)?.ok_or_else(not_found)?;
            // which organizations the file belongs to decides what members see
            let meeting_id = match (f.meeting_id, f.agenda_item_id) {
                (Some(m), _) => Some(m),
                (_, Some(i)) => db::agenda_items::find(c, i)?.map(|a| a.meeting_id),
                _ => None,
            };
            let mut orgs = Vec::new();
            if let Some(m) = meeting_id.and_then(|m| db::meetings::find(c, m).ok().flatten()) {
                orgs.push(m.organization_id);
                orgs.extend(db::meetings::joint_organization_ids(c, m.id)?);
            }
            if let Some(p) = f.paper_id {
                for x in db::papers::consultations(c, p)? {
                    orgs.push(x.organization_id);
                }
            }
            let audience = v.audience(f.body_id, &orgs);
            let visible = crate::access::files::visible_files(c, vec![f], audience)?;
            let f = visible.into_iter().next().ok_or_else(not_found)?;
            // a file of a meeting follows the meeting's visibility
            if let (Some(m), Audience::Public) = (f.meeting_id, audience) {
                if db::meetings::find(c, m)?.is_none() {
                    return Err(not_found());
                }
            }
            Ok(f)
        })
        .await?;
    let Some(hash) = file.storage_path.clone() else {
        return Err(AppError::not_found("Der Inhalt dieser Datei"));
    };
    let p = crate::storage::path_for(&state.settings.data_dir, &hash);
    // streamed in chunks: a large PDF is never held in memory as a whole
    let missing = || AppError::not_found("Der Inhalt dieser Datei");
    let f = tokio::fs::File::open(&p).await.map_err(|_| missing())?;
    let len = f.metadata().await.map_err(|_| missing())?.len();
    let chunks = futures_util::stream::unfold(Some(f), |f| async move {
        use tokio::io::AsyncReadExt;
        let mut f = f?;
        let mut buf = vec![0u8; 64 * 1024];
        match f.read(&mut buf).await {
            Ok(0) => None,
            Ok(n) => {
                buf.truncate(n);
                Some((Ok::<_, std::io::Error>(web::Bytes::from(buf)), Some(f)))
            }
            // report the error once, then end the body
            Err(e) => Some((Err(e), None)),
        }
    });
    let inline = if query.herunterladen.is_some() {
        false
    } else {
        query.anzeigen.is_some()
            || file.mime_type == "application/pdf"
            || file.mime_type.starts_with("image/")
    };
    let mut resp = HttpResponse::Ok();
    resp.insert_header((header::CONTENT_TYPE, file.mime_type.clone()))
        .insert_header((
            header::CONTENT_DISPOSITION,
            crate::storage::content_disposition(&file.file_name, inline),
        ))
        .insert_header(("X-Content-Type-Options", "nosniff"));
    if viewer.user().is_some() || !file.public {
        resp.insert_header((header::CACHE_CONTROL, "private, no-store"));
    } else {
        resp.insert_header((header::CACHE_CONTROL, "public, max-age=300"));
    }
    Ok(resp.body(actix_web::body::SizedStream::new(len, chunks)))
}
