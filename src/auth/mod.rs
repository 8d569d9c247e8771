//! Sign-in, sessions, roles and request forgery protection.
//!
//! * Sessions live in the `sessions` table; the cookie holds a random
//!   token, the database only its SHA-256. Any app server can check them.
//! * Every state-changing request passes [`origin_check`] (Origin/Referer
//!   must name this site) and carries the session's CSRF token in the
//!   `_csrf` field ([`Form`], [`upload`]).
//! * Handlers state what they need with an extractor: [`Viewer`] (anyone),
//!   [`SignedIn`], [`Staff`] (admin or clerk), [`Admin`].

pub mod form;

use actix_web::cookie::{Cookie, SameSite};
use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};
use futures_util::future::LocalBoxFuture;
use serde::Serialize;

use crate::access::Audience;
use crate::db::audit::Actor;
use crate::domain::UserRole;
use crate::error::AppError;
use crate::search::engine::Scope;
use crate::state::AppState;

pub use form::Form;

pub const SESSION_COOKIE: &str = "gremium_sitzung";
pub const LOGIN_COOKIE: &str = "gremium_anmeldung";
pub const SESSION_HOURS: i64 = 12;

pub use crate::base::tokens::{random_token, token_hash, tokens_equal};

/// The signed-in user of a request.
#[derive(Debug, Clone, Serialize)]
pub struct SessionUser {
    pub user_id: i64,
    pub email: String,
    pub display_name: String,
    pub role: UserRole,
    pub role_label: &'static str,
    pub body_id: Option<i64>,
    pub person_id: Option<i64>,
    /// Organizations the linked person currently belongs to.
    pub member_orgs: Vec<i64>,
    pub csrf: String,
    #[serde(skip)]
    pub token_hash: String,
}

impl SessionUser {
    pub fn is_staff(&self) -> bool {
        matches!(self.role, UserRole::Admin | UserRole::Clerk)
    }
    pub fn is_admin(&self) -> bool {
        self.role == UserRole::Admin
    }
    /// Clerks work for one body (or, without one, for all); admins for all.
    pub fn may_edit_body(&self, body_id: i64) -> bool {
        match self.role {
            UserRole::Admin => true,
            UserRole::Clerk => self.body_id.is_none_or(|b| b == body_id),
            UserRole::Member => false,
        }
    }
    /// 403 unless the user may edit records of this body.
    pub fn require_body(&self, body_id: i64) -> Result<(), AppError> {
        if self.may_edit_body(body_id) {
            Ok(())
        } else {
            Err(AppError::Forbidden(
                "Dieser Eintrag gehört zu einer Körperschaft, für die Ihr Konto nicht freigeschaltet ist."
                    .into(),
            ))
        }
    }
    pub fn actor(&self) -> Actor {
        Actor {
            user_id: Some(self.user_id),
            label: format!("{} <{}>", self.display_name, self.email),
        }
    }
    pub fn check_csrf(&self, token: &str) -> Result<(), AppError> {
        if tokens_equal(token, &self.csrf) {
            Ok(())
        } else {
            Err(AppError::Forbidden(
                "Die Sicherheitsprüfung des Formulars ist fehlgeschlagen (abgelaufene Sitzung oder fremde Seite). Bitte laden Sie die Seite neu und versuchen Sie es erneut."
                    .into(),
            ))
        }
    }
}

/// Whoever is looking: anonymous or signed in.
#[derive(Debug, Clone, Default)]
pub struct Viewer(pub Option<SessionUser>);

impl Viewer {
    pub fn user(&self) -> Option<&SessionUser> {
        self.0.as_ref()
    }
    /// What this viewer may see of records of `body_id` belonging to the
    /// organizations `org_ids`: staff of the body and members of one of the
    /// organizations see the non-public parts, everyone else the public ones.
    pub fn audience(&self, body_id: i64, org_ids: &[i64]) -> Audience {
        match &self.0 {
            Some(u) if u.may_edit_body(body_id) => Audience::Full,
            Some(u)
                if u.role == UserRole::Member
                    && org_ids.iter().any(|o| u.member_orgs.contains(o)) =>
            {
                Audience::Full
            }
            _ => Audience::Public,
        }
    }
}

async fn load_viewer(req: &HttpRequest) -> Result<Viewer, AppError> {
    if let Some(v) = req.extensions().get::<Viewer>() {
        return Ok(v.clone());
    }
    let viewer = match req.cookie(SESSION_COOKIE) {
        None => Viewer(None),
        Some(c) => {
            let state = req
                .app_data::<web::Data<AppState>>()
                .ok_or_else(|| AppError::Internal(anyhow::anyhow!("state missing")))?
                .clone();
            let hash = token_hash(c.value());
            let today = crate::base::dates::today();
            let found = state
                .db(move |conn| {
                    let Some((session, user)) = crate::db::users::session_user(conn, &hash)? else {
                        return Ok(None);
                    };
                    let orgs = match user.person_id {
                        Some(p) => crate::db::persons::current_organization_ids(conn, p, today)?,
                        None => Vec::new(),
                    };
                    Ok(Some((session, user, orgs)))
                })
                .await?;
            Viewer(found.and_then(|(session, user, member_orgs)| {
                let role = UserRole::from_key(&user.role)?;
                Some(SessionUser {
                    user_id: user.id,
                    email: user.email,
                    display_name: user.display_name,
                    role,
                    role_label: role.label(),
                    body_id: user.body_id,
                    person_id: user.person_id,
                    member_orgs,
                    csrf: session.csrf_token,
                    token_hash: session.token_hash,
                })
            }))
        }
    };
    req.extensions_mut().insert(viewer.clone());
    Ok(viewer)
}

/// Where to send an anonymous visitor: the login page, then back.
fn login_required(req: &HttpRequest) -> AppError {
    let target = if req.method() == actix_web::http::Method::GET {
        req.uri()
            .path_and_query()
            .map(|p| p.as_str().to_string())
            .unwrap_or_else(|| "/verwaltung".into())
    } else {
        "/verwaltung".into()
    };
    AppError::LoginRequired(target)
}

impl FromRequest for Viewer {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;
    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { load_viewer(&req).await })
    }
}

macro_rules! role_extractor {
    ($(#[$meta:meta])* $name:ident, $allowed:expr, $msg:literal) => {
        $(#[$meta])*
        #[derive(Debug, Clone)]
        pub struct $name(pub SessionUser);

        impl FromRequest for $name {
            type Error = AppError;
            type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;
            fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
                let req = req.clone();
                Box::pin(async move {
                    match load_viewer(&req).await?.0 {
                        None => Err(login_required(&req)),
                        Some(u) if ($allowed)(&u) => Ok($name(u)),
                        Some(_) => Err(AppError::Forbidden($msg.into())),
                    }
                })
            }
        }
    };
}

role_extractor!(
    /// Any signed-in user.
    SignedIn,
    |_: &SessionUser| true,
    ""
);
role_extractor!(
    /// Sitzungsdienst or administration.
    Staff,
    |u: &SessionUser| u.is_staff(),
    "Dieser Bereich ist dem Sitzungsdienst vorbehalten."
);
role_extractor!(
    /// Administration only.
    Admin,
    |u: &SessionUser| u.is_admin(),
    "Dieser Bereich ist der Administration vorbehalten."
);

/// Build the session cookie (Secure when the portal is served over HTTPS).
pub fn session_cookie(state: &AppState, token: String) -> Cookie<'static> {
    Cookie::build(SESSION_COOKIE, token)
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(state.base_url.starts_with("https://"))
        .max_age(actix_web::cookie::time::Duration::hours(SESSION_HOURS))
        .finish()
}

pub fn expired_cookie(name: &'static str, path: &'static str) -> Cookie<'static> {
    let mut c = Cookie::build(name, "").path(path).http_only(true).finish();
    c.make_removal();
    c
}

/// Requests that change something must come from a page of this site.
/// Modern browsers say so in `Sec-Fetch-Site` (which pages cannot set):
/// `same-origin` passes, any other value is refused. Without it, the
/// `Origin` (or, when it is missing or `null`, the `Referer`) must name
/// our host. Pages send `Referrer-Policy: same-origin` at most, so a
/// browser always sends one of them with a form POST of this site.
pub async fn origin_check(
    req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody + 'static>,
) -> Result<actix_web::dev::ServiceResponse<actix_web::body::BoxBody>, actix_web::Error> {
    use actix_web::http::Method;
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    // one-click unsubscribe (RFC 8058) is posted by mail providers without
    // Origin; the secret token in the path is its authority
    let one_click =
        req.path().starts_with("/abbestellen/") || req.path().starts_with("/suche/abbestellen/");
    if !safe && !one_click && !same_origin(req.request()) {
        let err = AppError::Forbidden(
            "Die Anfrage kam nicht von einer Seite dieses Portals und wurde abgelehnt.".into(),
        );
        return Ok(req.error_response(err));
    }
    next.call(req).await.map(|r| r.map_into_boxed_body())
}

/// Error pages show the signed-in state in their header like every page:
/// an error response of a visitor with a session is rendered again with
/// her account (the session is looked up only then).
pub async fn signed_in_error_pages(
    req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody + 'static>,
) -> Result<actix_web::dev::ServiceResponse<actix_web::body::BoxBody>, actix_web::Error> {
    let has_session = req.cookie(SESSION_COOKIE).is_some();
    let res = next.call(req).await?.map_into_boxed_body();
    if !has_session {
        return Ok(res);
    }
    let Some(page) = res
        .response()
        .extensions()
        .get::<crate::error::ErrorPage>()
        .cloned()
    else {
        return Ok(res);
    };
    let viewer = match load_viewer(res.request()).await {
        Ok(v) => v,
        Err(_) => return Ok(res),
    };
    let Some(me) = viewer.user() else {
        return Ok(res);
    };
    let body =
        crate::templating::render_error_page(page.status, &page.title, &page.message, Some(me));
    Ok(res.map_body(|_, _| actix_web::body::BoxBody::new(body)))
}

fn same_origin(req: &HttpRequest) -> bool {
    let header = |name| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    match header(actix_web::http::header::HeaderName::from_static(
        "sec-fetch-site",
    ))
    .as_deref()
    {
        Some("same-origin") => return true,
        Some(_) => return false,
        None => {}
    }
    let Some(origin) = header(actix_web::http::header::ORIGIN)
        .filter(|o| o != "null")
        .or_else(|| header(actix_web::http::header::REFERER))
    else {
        return false;
    };
    let Ok(url) = url::Url::parse(&origin) else {
        return false;
    };
    let Some(host) = url.host_str() else {
        return false;
    };
    let origin_host = match url.port() {
        Some(p) => format!("{host}:{p}"),
        None => host.to_string(),
    };
    let conn = req.connection_info();
    if origin_host.eq_ignore_ascii_case(conn.host()) {
        return true;
    }
    // the configured public address (behind a reverse proxy)
    req.app_data::<web::Data<AppState>>()
        .and_then(|s| url::Url::parse(&s.base_url).ok())
        .is_some_and(|base| base.origin() == url.origin())
}

impl Viewer {
    /// What this viewer's search covers.
    pub fn search_scope(&self) -> Scope {
        match self.user() {
            None => Scope::Public,
            Some(u) => match u.role {
                UserRole::Admin => Scope::All,
                UserRole::Clerk => match u.body_id {
                    None => Scope::All,
                    Some(b) => Scope::Body(b),
                },
                UserRole::Member if !u.member_orgs.is_empty() => {
                    Scope::Member(u.member_orgs.clone())
                }
                UserRole::Member => Scope::Public,
            },
        }
    }
}
