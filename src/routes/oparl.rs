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

/// Ids of agenda items the public never sees in a body: non-public, or
/// below a non-public, deleted or missing item at any depth (as
/// `crate::access::agenda::visible_ids` decides for pages; deeper than 8 levels
/// counts as hidden). An item's own deletion does not hide it here: under
/// `modified_since` it is listed as deleted.
fn hidden_items(c: &mut DbConnection, body: i64) -> QueryResult<Vec<i64>> {
    let rows: Vec<(i64, Option<i64>, bool, Option<chrono::NaiveDateTime>)> = agenda_items::table
        .inner_join(meetings::table)
        .filter(meetings::body_id.eq(body))
        .select((
            agenda_items::id,
            agenda_items::parent_id,
            agenda_items::public,
            agenda_items::deleted_at,
        ))
        .load(c)?;
    let by_id: std::collections::HashMap<i64, (Option<i64>, bool, bool)> = rows
        .iter()
        .map(|(id, parent, public, deleted)| (*id, (*parent, *public, deleted.is_some())))
        .collect();
    Ok(rows
        .iter()
        .filter(|(_, parent, public, _)| {
            if !*public {
                return true;
            }
            let mut p = *parent;
            let mut depth = 0;
            while let Some(pid) = p {
                match by_id.get(&pid) {
                    Some((next, true, false)) if depth < 8 => {
                        p = *next;
                        depth += 1;
                    }
                    _ => return true,
                }
            }
            false
        })
        .map(|(id, ..)| *id)
        .collect())
}

fn hidden_papers(c: &mut DbConnection, body: i64) -> QueryResult<Vec<i64>> {
    papers::table
        .filter(papers::body_id.eq(body))
        .filter(papers::public.eq(false))
        .select(papers::id)
        .load(c)
}

pub async fn body_sub_list(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (id, list) = path.into_inner();
    let p = params(&req);
    run(&state, &req, move |c, urls| {
        let p = p?;
        let body_id = id
            .parse::<i64>()
            .map_err(|_| Failure::NotFound("Diese Körperschaft"))?;
        let body = bodies::table
            .find(body_id)
            .filter(bodies::deleted_at.is_null())
            .select(Body::as_select())
            .first(c)
            .optional()?
            .ok_or(Failure::NotFound("Diese Körperschaft"))?;
        let url = urls.list(body.id, &list);
        let opts = Opts {
            standalone: false,
            omit_internal: p.omit_internal,
        };
        let web = |path: &str| Some(urls.web(path));
        macro_rules! page {
            ($base:expr, $t:ident, $model:ty) => {{
                let total: i64 = $base().count().get_result(c)?;
                let rows: Vec<$model> = $base()
                    .order($t::id)
                    .limit(p.limit)
                    .offset(p.offset())
                    .select(<$model>::as_select())
                    .load(c)?;
                (total, rows)
            }};
        }
        let (total, data, w) = match list.as_str() {
            "organization" => {
                let base = || {
                    window!(
                        organizations::table
                            .filter(organizations::body_id.eq(body.id))
                            .into_boxed(),
                        organizations,
                        p
                    )
                };
                let (t, rows) = page!(base, organizations, Organization);
                (t, objects::organizations(c, urls, &rows)?, web("/gremien"))
            }
            "person" => {
                let base = || {
                    window!(
                        persons::table
                            .filter(persons::body_id.eq(body.id))
                            .into_boxed(),
                        persons,
                        p
                    )
                };
                let (t, rows) = page!(base, persons, Person);
                (t, objects::persons(c, urls, &rows, opts)?, web("/personen"))
            }
            "meeting" => {
                let base = || {
                    window!(
                        meetings::table
                            .filter(meetings::body_id.eq(body.id))
                            .into_boxed(),
                        meetings,
                        p
                    )
                };
                let (t, rows) = page!(base, meetings, Meeting);
                (
                    t,
                    objects::meetings(c, urls, &rows, opts)?,
                    web("/sitzungen"),
                )
            }
            "paper" => {
                let base = || {
                    window!(
                        papers::table
                            .filter(papers::body_id.eq(body.id))
                            .filter(papers::public.eq(true))
                            .into_boxed(),
                        papers,
                        p
                    )
                };
                let (t, rows) = page!(base, papers, Paper);
                (t, objects::papers(c, urls, &rows, opts)?, web("/vorlagen"))
            }
            "agendaItem" => {
                let hidden = hidden_items(c, body.id)?;
                // joins, not id lists: SQLite binds one variable per listed id
                let base = || {
                    window!(
                        agenda_items::table
                            .inner_join(meetings::table)
                            .filter(meetings::body_id.eq(body.id))
                            .filter(meetings::deleted_at.is_null())
                            .filter(agenda_items::id.ne_all(hidden.clone()))
                            .into_boxed(),
                        agenda_items,
                        p
                    )
                };
                let (t, rows) = page!(base, agenda_items, AgendaItem);
                let mids: Vec<i64> = rows.iter().map(|a| a.meeting_id).collect();
                let agenda = objects::public_agenda(c, &mids)?;
                let item_opts = Opts {
                    standalone: true,
                    omit_internal: p.omit_internal,
                };
                (
                    t,
                    objects::agenda_items(c, urls, &rows, &agenda, item_opts)?,
                    None,
                )
            }
            "consultation" => {
                // consultations of deleted papers only as deleted stubs
                let with_deleted = p.with_deleted();
                let base = || {
                    let q = consultations::table
                        .inner_join(papers::table)
                        .filter(papers::body_id.eq(body.id))
                        .filter(papers::public.eq(true))
                        .into_boxed();
                    let q = if with_deleted {
                        q
                    } else {
                        q.filter(papers::deleted_at.is_null())
                    };
                    window!(q, consultations, p)
                };
                let (t, rows) = page!(base, consultations, Consultation);
                let mut values = objects::consultation_values(c, urls, &rows, true)?;
                // a consultation of a deleted paper is deleted with it
                let ids: Vec<i64> = rows.iter().map(|x| x.paper_id).collect();
                let gone: std::collections::HashMap<i64, chrono::NaiveDateTime> = papers::table
                    .filter(papers::id.eq_any(ids))
                    .filter(papers::deleted_at.is_not_null())
                    .select((papers::id, papers::deleted_at.assume_not_null()))
                    .load(c)?
                    .into_iter()
                    .collect();
                for (x, v) in rows.iter().zip(values.iter_mut()) {
                    if let Some(d) = gone.get(&x.paper_id) {
                        *v = objects::stub(
                            urls,
                            "consultation",
                            "Consultation",
                            x.id,
                            x.created_at,
                            *d,
                        );
                    }
                }
                (t, values, None)
            }
            "file" => {
                // as the portal: no files of hidden or deleted papers, TOPs, meetings
                let mut hidden_i = hidden_items(c, body.id)?;
                hidden_i.extend(
                    agenda_items::table
                        .inner_join(meetings::table)
                        .filter(meetings::body_id.eq(body.id))
                        .filter(
                            agenda_items::deleted_at
                                .is_not_null()
                                .or(meetings::deleted_at.is_not_null()),
                        )
                        .select(agenda_items::id)
                        .load::<i64>(c)?,
                );
                let mut hidden_p = hidden_papers(c, body.id)?;
                hidden_p.extend(
                    papers::table
                        .filter(papers::body_id.eq(body.id))
                        .filter(papers::deleted_at.is_not_null())
                        .select(papers::id)
                        .load::<i64>(c)?,
                );
                let gone_meetings: Vec<i64> = meetings::table
                    .filter(meetings::body_id.eq(body.id))
                    .filter(meetings::deleted_at.is_not_null())
                    .select(meetings::id)
                    .load(c)?;
                let base = || {
                    window!(
                        files::table
                            .filter(files::body_id.eq(body.id))
                            .filter(files::public.eq(true))
                            .filter(files::concept_id.is_null())
                            .filter(
                                files::paper_id
                                    .is_null()
                                    .or(files::paper_id.ne_all(hidden_p.clone())),
                            )
                            .filter(
                                files::meeting_id
                                    .is_null()
                                    .or(files::meeting_id.ne_all(gone_meetings.clone())),
                            )
                            .filter(
                                files::agenda_item_id
                                    .is_null()
                                    .or(files::agenda_item_id.ne_all(hidden_i.clone())),
                            )
                            .into_boxed(),
                        files,
                        p
                    )
                };
                // under modified_since too, files of deleted parents are not
                // listed: clients drop them with their parent's deleted stub
                let (t, rows) = page!(base, files, File);
                (t, objects::files_standalone(urls, &rows), None)
            }
            "locationList" => {
                let base = || {
                    window!(
                        locations::table
                            .filter(locations::body_id.eq(body.id))
                            .into_boxed(),
                        locations,
                        p
                    )
                };
                let (t, rows) = page!(base, locations, Location);
                (
                    t,
                    rows.iter()
                        .map(|l| objects::location(urls, l, true))
                        .collect(),
                    None,
                )
            }
            "legislativeTermList" => {
                let base = || {
                    window!(
                        legislative_terms::table
                            .filter(legislative_terms::body_id.eq(body.id))
                            .into_boxed(),
                        legislative_terms,
                        p
                    )
                };
                let (t, rows) = page!(base, legislative_terms, LegislativeTerm);
                (
                    t,
                    rows.iter().map(|x| objects::term(urls, x, true)).collect(),
                    None,
                )
            }
            "membership" => {
                let base = || {
                    window!(
                        memberships::table
                            .inner_join(persons::table)
                            .filter(persons::body_id.eq(body.id))
                            .into_boxed(),
                        memberships,
                        p
                    )
                };
                let (t, rows) = page!(base, memberships, Membership);
                (
                    t,
                    rows.iter()
                        .map(|x| objects::membership(urls, x, true))
                        .collect(),
                    None,
                )
            }
            _ => return Err(Failure::NotFound("Diese Liste")),
        };
        Ok(list_page(&url, &p, data, total, w))
    })
    .await
}

pub async fn object(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (kind, id) = path.into_inner();
    run(&state, &req, move |c, urls| {
        let id = id
            .parse::<i64>()
            .ok()
            .filter(|n| *n > 0)
            .ok_or(Failure::NotFound("Dieses Objekt"))?;
        let opts = Opts {
            standalone: true,
            omit_internal: false,
        };
        macro_rules! row {
            ($t:ident, $model:ty, $what:expr) => {
                $t::table
                    .find(id)
                    .select(<$model>::as_select())
                    .first(c)
                    .optional()?
                    .ok_or(Failure::NotFound($what))?
            };
        }
        let one = |v: Vec<Value>| {
            v.into_iter()
                .next()
                .ok_or(Failure::NotFound("Dieses Objekt"))
        };
        match kind.as_str() {
            "body" => {
                let b: Body = row!(bodies, Body, "Diese Körperschaft");
                one(objects::bodies(c, urls, &[b], opts)?)
            }
            "legislativeterm" => {
                let t: LegislativeTerm =
                    row!(legislative_terms, LegislativeTerm, "Diese Wahlperiode");
                Ok(objects::term(urls, &t, true))
            }
            "location" => {
                let l: Location = row!(locations, Location, "Dieser Ort");
                Ok(objects::location(urls, &l, true))
            }
            "organization" => {
                let o: Organization = row!(organizations, Organization, "Diese Organisation");
                one(objects::organizations(c, urls, &[o])?)
            }
            "person" => {
                let x: Person = row!(persons, Person, "Diese Person");
                one(objects::persons(c, urls, &[x], opts)?)
            }
            "membership" => {
                let x: Membership = row!(memberships, Membership, "Diese Mitgliedschaft");
                Ok(objects::membership(urls, &x, true))
            }
            "meeting" => {
                let x: Meeting = row!(meetings, Meeting, "Diese Sitzung");
                one(objects::meetings(c, urls, &[x], opts)?)
            }
            "agendaitem" => {
                let a: AgendaItem = row!(agenda_items, AgendaItem, "Dieser Tagesordnungspunkt");
                let agenda = objects::public_agenda(c, &[a.meeting_id])?;
                let visible = agenda.items.iter().any(|x| x.id == a.id);
                // a deleted item is shown as deleted only if the public saw it
                let was_public = a.deleted_at.is_some() && {
                    let body: i64 = meetings::table
                        .find(a.meeting_id)
                        .select(meetings::body_id)
                        .first(c)?;
                    !hidden_items(c, body)?.contains(&a.id)
                };
                if !visible && !was_public {
                    return Err(Failure::NotFound("Dieser Tagesordnungspunkt"));
                }
                one(objects::agenda_items(c, urls, &[a], &agenda, opts)?)
            }
            "paper" => {
                let x: Paper = row!(papers, Paper, "Diese Vorlage");
                if !x.public {
                    return Err(Failure::NotFound("Diese Vorlage"));
                }
                one(objects::papers(c, urls, &[x], opts)?)
            }
            "consultation" => {
                let x: Consultation = row!(consultations, Consultation, "Diese Beratung");
                let public: bool = papers::table
                    .find(x.paper_id)
                    .select(papers::public)
                    .first(c)?;
                if !public {
                    return Err(Failure::NotFound("Diese Beratung"));
                }
                one(objects::consultation_values(c, urls, &[x], true)?)
            }
            "file" => {
                let f: File = row!(files, File, "Diese Datei");
                if f.concept_id.is_some() || !f.public {
                    return Err(Failure::NotFound("Diese Datei"));
                }
                if f.deleted_at.is_none() {
                    let visible = crate::access::files::visible_files(
                        c,
                        vec![f.clone()],
                        crate::access::Audience::Public,
                    )?;
                    if visible.is_empty() {
                        return Err(Failure::NotFound("Diese Datei"));
                    }
                }
                one(objects::files_standalone(urls, &[f]))
            }
            _ => Err(Failure::NotFound("Diese Objektart")),
        }
    })
    .await
}
