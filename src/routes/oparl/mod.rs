//! The OParl 1.1 read API under `/oparl/v1.1`: System, bodies, every
//! external list of a body and every object under its own URL. JSON in
//! UTF-8, `Access-Control-Allow-Origin: *`, ETag/304, JSON errors.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use diesel::prelude::*;
use serde_json::Value;

use crate::db::models::*;
use crate::db::schema::*;
use crate::db::DbConnection;
use crate::error::AppError;
use crate::oparl::objects::{self, Opts};
use crate::oparl::{list_page, type_uri, ListParams, Urls};
use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    let get = super::get;
    cfg.service(
        web::scope("/oparl/v1.1")
            .route("", get().to(system))
            .route("/system", get().to(system))
            .route("/body", get().to(body_list))
            .route("/body/{id}/{list}", get().to(body_sub_list))
            .route("/{kind}/{id}", get().to(object))
            .default_service(web::to(unknown)),
    );
}

/// A JSON error object (OParl 1.1) with the matching status.
fn error(status: StatusCode, message: &str) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header((header::CONTENT_TYPE, "application/json; charset=utf-8"))
        .insert_header((header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"))
        .body(
            serde_json::json!({
                "type": type_uri("Error"),
                "message": message,
                "debug": status.as_u16().to_string(),
            })
            .to_string(),
        )
}

/// 200 with ETag, or 304 when the client has this version.
fn respond(req: &HttpRequest, v: &Value) -> HttpResponse {
    let body = v.to_string();
    // weak: the answer may be compressed
    let etag = crate::page_cache::weak_etag(body.as_bytes());
    let fresh = crate::page_cache::etag_matches(req.headers(), &etag);
    let mut r = if fresh {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    r.insert_header((header::CONTENT_TYPE, "application/json; charset=utf-8"))
        .insert_header((header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"))
        .insert_header((header::ETAG, etag))
        .insert_header((header::CACHE_CONTROL, "public, no-cache"));
    if fresh {
        r.finish()
    } else {
        r.body(body)
    }
}

fn query_pairs(req: &HttpRequest) -> Vec<(String, String)> {
    url::form_urlencoded::parse(req.query_string().as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

enum Failure {
    NotFound(&'static str),
    Bad(String),
    App(AppError),
}

impl From<diesel::result::Error> for Failure {
    fn from(e: diesel::result::Error) -> Self {
        Failure::App(e.into())
    }
}

impl From<AppError> for Failure {
    fn from(e: AppError) -> Self {
        Failure::App(e)
    }
}

async fn run<F>(state: &AppState, req: &HttpRequest, f: F) -> Result<HttpResponse, AppError>
where
    F: FnOnce(&mut DbConnection, &Urls) -> Result<Value, Failure> + Send + 'static,
{
    let urls = Urls::new(&state.base_url);
    let out = state.db(move |c| Ok(f(c, &urls))).await?;
    match out {
        Ok(v) => Ok(respond(req, &v)),
        Err(Failure::NotFound(what)) => Ok(error(
            StatusCode::NOT_FOUND,
            &format!("{what} gibt es nicht (oder es ist nicht öffentlich)."),
        )),
        Err(Failure::Bad(msg)) => Ok(error(StatusCode::BAD_REQUEST, &msg)),
        Err(Failure::App(e)) => Err(e),
    }
}

pub async fn unknown(req: HttpRequest) -> HttpResponse {
    let _ = req;
    error(
        StatusCode::NOT_FOUND,
        "Diese Adresse gibt es in der OParl-Schnittstelle nicht. Einstieg: /oparl/v1.1/system",
    )
}

pub async fn system(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let name = state.settings.site_name.clone();
    run(&state, &req, move |c, urls| {
        let first: Option<chrono::NaiveDateTime> = bodies::table
            .select(diesel::dsl::min(bodies::created_at))
            .first(c)?;
        Ok(objects::system(
            urls,
            &name,
            first.unwrap_or_else(crate::db::now),
        ))
    })
    .await
}

fn params(req: &HttpRequest) -> Result<ListParams, Failure> {
    ListParams::parse(&query_pairs(req)).map_err(Failure::Bad)
}

/// Apply created/modified filters and the deleted rule to a boxed query
/// of a table with created_at, updated_at, deleted_at.
macro_rules! window {
    ($q:expr, $t:ident, $p:expr) => {{
        let mut q = $q;
        if let Some(v) = $p.created_since {
            q = q.filter($t::created_at.ge(v));
        }
        if let Some(v) = $p.created_until {
            q = q.filter($t::created_at.le(v));
        }
        if let Some(v) = $p.modified_since {
            q = q.filter($t::updated_at.ge(v).or($t::deleted_at.ge(v)));
        }
        if let Some(v) = $p.modified_until {
            q = q.filter($t::updated_at.le(v));
        }
        if !$p.with_deleted() {
            q = q.filter($t::deleted_at.is_null());
        }
        q
    }};
}

// Declared after `window!`, which the lists use.
mod lists;
mod object;

pub use lists::body_sub_list;
pub use object::object;

pub async fn body_list(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let p = params(&req);
    run(&state, &req, move |c, urls| {
        let p = p?;
        let base = || window!(bodies::table.into_boxed(), bodies, p);
        let total: i64 = base().count().get_result(c)?;
        let rows: Vec<Body> = base()
            .order(bodies::id)
            .limit(p.limit)
            .offset(p.offset())
            .select(Body::as_select())
            .load(c)?;
        let opts = Opts {
            standalone: false,
            omit_internal: p.omit_internal,
        };
        let data = objects::bodies(c, urls, &rows, opts)?;
        Ok(list_page(
            &urls.bodies(),
            &p,
            data,
            total,
            Some(urls.web("/koerperschaften")),
        ))
    })
    .await
}
