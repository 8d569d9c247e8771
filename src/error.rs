//! One error type for the web layer.
//!
//! Policy: handlers return `Result<_, AppError>`. Unknown ids become
//! `NotFound` (404), malformed input `BadRequest` (400) with a German
//! message meant for the user, everything else `Internal` (500, logged with
//! its cause chain, the user sees a generic German page). Queries return
//! `diesel::QueryResult` and are converted with `?`. No `unwrap()` on
//! request paths.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    BadRequest(String),
    /// Not signed in: redirect to the login page, then back to the path.
    #[error("Anmeldung erforderlich")]
    LoginRequired(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    TooManyRequests(String),
    #[error("{0}")]
    PayloadTooLarge(String),
    #[error("interner Fehler: {0:#}")]
    Internal(#[from] anyhow::Error),
}

impl AppError {
    pub fn not_found(what: &str) -> AppError {
        AppError::NotFound(what.to_string())
    }
    pub fn bad_request(msg: impl Into<String>) -> AppError {
        AppError::BadRequest(msg.into())
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(e: diesel::result::Error) -> Self {
        AppError::Internal(e.into())
    }
}

impl From<diesel::r2d2::PoolError> for AppError {
    fn from(e: diesel::r2d2::PoolError) -> Self {
        AppError::Internal(e.into())
    }
}

impl From<actix_web::error::BlockingError> for AppError {
    fn from(e: actix_web::error::BlockingError) -> Self {
        AppError::Internal(anyhow::anyhow!("blocking task failed: {e}"))
    }
}

impl From<tera::Error> for AppError {
    fn from(e: tera::Error) -> Self {
        AppError::Internal(anyhow::Error::new(e))
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::LoginRequired(_) => StatusCode::SEE_OTHER,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            AppError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        if let AppError::LoginRequired(target) = self {
            let q: String = url::form_urlencoded::byte_serialize(target.as_bytes()).collect();
            return HttpResponse::SeeOther()
                .insert_header((header::LOCATION, format!("/anmelden?weiter={q}")))
                .insert_header((header::CACHE_CONTROL, "no-store"))
                .finish();
        }
        let (title, message) = match self {
            AppError::NotFound(what) => (
                "Seite nicht gefunden".to_string(),
                format!("{what} wurde nicht gefunden. Vielleicht wurde die Adresse falsch eingegeben oder der Eintrag ist nicht (mehr) öffentlich."),
            ),
            AppError::BadRequest(msg) => ("Ungültige Anfrage".to_string(), msg.clone()),
            AppError::LoginRequired(_) => ("Anmeldung erforderlich".to_string(), String::new()),
            AppError::Forbidden(msg) => ("Kein Zugriff".to_string(), msg.clone()),
            AppError::TooManyRequests(msg) => ("Zu viele Versuche".to_string(), msg.clone()),
            AppError::PayloadTooLarge(msg) => ("Datei zu groß".to_string(), msg.clone()),
            AppError::Internal(e) => {
                tracing::error!(error = ?e, "request failed");
                (
                    "Interner Fehler".to_string(),
                    "Beim Bearbeiten der Anfrage ist ein Fehler aufgetreten. Bitte versuchen Sie es später erneut.".to_string(),
                )
            }
        };
        let body = crate::templating::render_error_page(status.as_u16(), &title, &message, None);
        let mut resp = HttpResponse::build(status)
            .insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
            .body(body);
        // a signed-in visitor gets the page again with her header
        // (`auth::signed_in_error_pages`)
        resp.extensions_mut().insert(ErrorPage {
            status: status.as_u16(),
            title,
            message,
        });
        resp
    }
}

/// The content of an error page, kept on the response so a middleware can
/// render it again for a signed-in visitor.
#[derive(Debug, Clone)]
pub struct ErrorPage {
    pub status: u16,
    pub title: String,
    pub message: String,
}
