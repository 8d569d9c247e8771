//! `/suche`: the search page (box on every page), its Atom feed per query
//! and saved searches by e-mail (double opt-in, unsubscribe per query).

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Serialize;

use crate::auth::form::Fields;
use crate::auth::Viewer;
use crate::db;
use crate::domain::{Outcome, PaperType};
use crate::error::AppError;
use crate::search::params::Params;
use crate::search::saved::{self, Confirmed};
use crate::search::{self, FacetCounts, Hit, Scope, Sort};
use crate::state::AppState;

use super::subscriptions::{message, token_of};

pub const PER_PAGE: usize = 20;
const FACET_VALUES: usize = 12;
const MAX_REQUESTS_PER_HOUR: i64 = 5;

#[derive(Serialize)]
struct FacetValue {
    label: String,
    count: usize,
    url: String,
    active: bool,
}

#[derive(Serialize)]
struct FacetView {
    name: &'static str,
    values: Vec<FacetValue>,
}

#[derive(Serialize)]
struct Link {
    label: String,
    url: String,
    current: bool,
}

#[derive(Serialize, Default)]
struct SearchPage {
    q: String,
    searched: bool,
    message: Option<String>,
    errors: Vec<String>,
    notes: Vec<String>,
    total: usize,
    total_label: String,
    hits: Vec<Hit>,
    first: usize,
    facets: Vec<FacetView>,
    active: Vec<Link>,
    sorts: Vec<Link>,
    pages: Vec<Link>,
    prev_url: Option<String>,
    next_url: Option<String>,
    atom_url: String,
    saved_query: String,
    scope_note: Option<&'static str>,
    email: String,
    unfiltered_url: String,
}

/// German thousands separator.
fn number(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(ch);
    }
    out
}

fn scope_note(scope: &Scope) -> Option<&'static str> {
    match scope {
        Scope::Public => None,
        Scope::All => Some("Sie sind angemeldet und finden auch alle nichtöffentlichen Dokumente; sie sind als „nichtöffentlich“ markiert."),
        Scope::Body(_) => Some("Sie sind angemeldet und finden auch die nichtöffentlichen Dokumente Ihrer Körperschaft; sie sind als „nichtöffentlich“ markiert."),
        Scope::Member(_) => Some("Sie sind angemeldet und finden auch die nichtöffentlichen Dokumente Ihrer Gremien; sie sind als „nichtöffentlich“ markiert."),
    }
}

struct Labels {
    bodies: HashMap<i64, String>,
    orgs: HashMap<i64, String>,
}

fn labels(c: &mut db::DbConnection, f: &FacetCounts, p: &Params) -> Result<Labels, AppError> {
    let bodies = db::bodies::list(c)?
        .into_iter()
        .map(|b| (b.id, b.name))
        .collect();
    let mut ids: Vec<i64> = f
        .organization
        .iter()
        .take(FACET_VALUES)
        .map(|x| x.0)
        .collect();
    ids.extend(p.organization);
    let orgs = db::organizations::by_ids(c, &ids)?
        .into_values()
        .map(|o| (o.id, o.name))
        .collect();
    Ok(Labels { bodies, orgs })
}

fn facet_views(f: &FacetCounts, p: &Params, l: &Labels) -> Vec<FacetView> {
    fn view<K: Clone>(
        name: &'static str,
        values: &[(K, usize)],
        label: impl Fn(&K) -> String,
        active: impl Fn(&K) -> bool,
        url: impl Fn(&K) -> String,
    ) -> Option<FacetView> {
        if values.is_empty() {
            return None;
        }
        Some(FacetView {
            name,
            values: values
                .iter()
                .take(FACET_VALUES)
                .map(|(k, n)| FacetValue {
                    label: label(k),
                    count: *n,
                    url: url(k),
                    active: active(k),
                })
                .collect(),
        })
    }
    let mut years = f.year.clone();
    years.reverse();
    [
        view(
            "Art",
            &f.kind,
            |k| k.plural().to_string(),
            |k| p.kind == Some(*k),
            |k| p.url_with(|x| x.kind = Some(*k)),
        ),
        view(
            "Körperschaft",
            &f.body,
            |b| l.bodies.get(b).cloned().unwrap_or_default(),
            |b| p.body == Some(*b),
            |b| p.url_with(|x| x.body = Some(*b)),
        ),
        view(
            "Gremium",
            &f.organization,
            |o| l.orgs.get(o).cloned().unwrap_or_default(),
            |o| p.organization == Some(*o),
            |o| p.url_with(|x| x.organization = Some(*o)),
        ),
        view(
            "Vorlagentyp",
            &f.paper_type,
            |t| PaperType::from_key(t).map_or(t.clone(), |t| t.label().to_string()),
            |t| p.paper_type.as_deref() == Some(t.as_str()),
            |t| p.url_with(|x| x.paper_type = Some(t.clone())),
        ),
        view(
            "Jahr",
            &years,
            |y| y.to_string(),
            |y| p.year == Some(*y),
            |y| p.url_with(|x| x.year = Some(*y)),
        ),
        view(
            "Ergebnis",
            &f.outcome,
            |o| Outcome::from_key(o).map_or(o.clone(), |o| o.label().to_string()),
            |o| p.outcome.as_deref() == Some(o.as_str()),
            |o| p.url_with(|x| x.outcome = Some(o.clone())),
        ),
    ]
    .into_iter()
    .flatten()
    .collect()
}

fn active_filters(p: &Params, l: &Labels) -> Vec<Link> {
    let mut v = Vec::new();
    if let Some(k) = p.kind {
        v.push((
            format!("Art: {}", k.plural()),
            p.url_with(|x| x.kind = None),
        ));
    }
    if let Some(b) = p.body {
        let name = l.bodies.get(&b).cloned().unwrap_or_else(|| b.to_string());
        v.push((
            format!("Körperschaft: {name}"),
            p.url_with(|x| x.body = None),
        ));
    }
    if let Some(o) = p.organization {
        let name = l.orgs.get(&o).cloned().unwrap_or_else(|| o.to_string());
        v.push((
            format!("Gremium: {name}"),
            p.url_with(|x| x.organization = None),
        ));
    }
    if let Some(t) = &p.paper_type {
        let name = PaperType::from_key(t).map_or(t.clone(), |t| t.label().to_string());
        v.push((
            format!("Vorlagentyp: {name}"),
            p.url_with(|x| x.paper_type = None),
        ));
    }
    if let Some(y) = p.year {
        v.push((format!("Jahr: {y}"), p.url_with(|x| x.year = None)));
    }
    if let Some(o) = &p.outcome {
        let name = Outcome::from_key(o).map_or(o.clone(), |o| o.label().to_string());
        v.push((
            format!("Ergebnis: {name}"),
            p.url_with(|x| x.outcome = None),
        ));
    }
    v.into_iter()
        .map(|(label, url)| Link {
            label,
            url,
            current: true,
        })
        .collect()
}

/// A short, human description of a saved query (mail subjects, pages).
fn describe(p: &Params, l: &Labels) -> String {
    let q: String =
        p.q.chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
    let mut s = format!("„{}“", crate::routes::shorten(q.trim()));
    for a in active_filters(p, l) {
        s.push_str(" · ");
        s.push_str(&a.label);
    }
    s
}

pub async fn page(
    state: web::Data<AppState>,
    viewer: Viewer,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let (params, errors) = Params::parse(req.query_string());
    let scope = viewer.search_scope();
    let mut page = SearchPage {
        q: params
            .q
            .chars()
            .take(search::query::MAX_QUERY_CHARS + 20)
            .collect(),
        scope_note: scope_note(&scope),
        email: viewer.user().map(|u| u.email.clone()).unwrap_or_default(),
        unfiltered_url: Params {
            q: params.q.clone(),
            page: 1,
            ..Params::default()
        }
        .url_with(|_| {}),
        ..SearchPage::default()
    };
    if !errors.is_empty() {
        page.errors = errors;
        return state.render_status(StatusCode::BAD_REQUEST, &viewer, "search/page.html", &page);
    }
    if params.q.trim().is_empty() {
        return state.render_for(&viewer, "search/page.html", &page);
    }
    let parsed = match search::parse(&params.q) {
        Ok(p) => p,
        Err(search::Refused(msg)) => {
            page.message = Some(msg);
            return state.render_status(
                StatusCode::BAD_REQUEST,
                &viewer,
                "search/page.html",
                &page,
            );
        }
    };
    page.searched = true;
    page.notes = parsed.notes.clone();
    let offset = (params.page as usize - 1) * PER_PAGE;
    let p2 = params.clone();
    let (results, labels) = state
        .db(move |c| {
            let r = search::search(c, &parsed, &scope, &p2.filters(), p2.sort, offset, PER_PAGE)?;
            let l = labels(c, &r.facets, &p2)?;
            Ok::<_, AppError>((r, l))
        })
        .await?;
    page.total = results.total;
    page.total_label = format!("{} Treffer", number(results.total));
    page.first = offset + 1;
    page.hits = results.hits;
    page.facets = facet_views(&results.facets, &params, &labels);
    page.active = active_filters(&params, &labels);
    page.sorts = [Sort::Relevance, Sort::Newest, Sort::Oldest]
        .into_iter()
        .map(|s| Link {
            label: match s {
                Sort::Relevance => "Relevanz",
                Sort::Newest => "Neueste zuerst",
                Sort::Oldest => "Älteste zuerst",
            }
            .to_string(),
            url: params.url_with(|x| x.sort = s),
            current: params.sort == s,
        })
        .collect();
    let pages = results
        .total
        .div_ceil(PER_PAGE)
        .min(crate::search::params::MAX_PAGE as usize);
    let current = params.page as usize;
    let at = |n: usize| {
        let mut p = params.clone();
        p.page = n as i64;
        format!("/suche?{}", p.to_query())
    };
    if pages > 1 {
        let lo = current.saturating_sub(3).max(1);
        let hi = (current + 3).min(pages);
        page.pages = (lo..=hi)
            .map(|n| Link {
                label: n.to_string(),
                url: at(n),
                current: n == current,
            })
            .collect();
        page.prev_url = (current > 1).then(|| at(current - 1));
        page.next_url = (current < pages).then(|| at(current + 1));
    }
    page.saved_query = params.saved_query();
    page.atom_url = format!("/suche/feed.atom?{}", params.saved_query());
    state.render_for(&viewer, "search/page.html", &page)
}

/// Atom feed of a query: the newest public matches (never non-public
/// ones, whoever asks: feed readers share URLs).
pub async fn atom(state: web::Data<AppState>, req: HttpRequest) -> Result<HttpResponse, AppError> {
    let (params, errors) = Params::parse(req.query_string());
    if let Some(e) = errors.first() {
        return Err(AppError::BadRequest(e.clone()));
    }
    let parsed = search::parse(&params.q).map_err(|e| AppError::BadRequest(e.0))?;
    let base = state.base_url.to_string();
    let site = state.settings.site_name.clone();
    let p2 = params.clone();
    let xml = state
        .db(move |c| {
            let r = search::search(
                c,
                &parsed,
                &Scope::Public,
                &p2.filters(),
                Sort::Newest,
                0,
                50,
            )?;
            let l = labels(c, &r.facets, &p2)?;
            let query = p2.saved_query();
            let label = describe(&p2, &l);
            let entries: Vec<crate::feeds::atom::Entry> = r
                .hits
                .iter()
                .map(|h| crate::feeds::atom::Entry {
                    id: format!("{base}{}", h.url),
                    title: format!("{}: {}", h.kind_label, plain(&h.title)),
                    url: format!("{base}{}", h.url),
                    updated: h.published.clone(),
                    summary: format!("{} – {}", h.context, plain(&h.snippet)),
                    sort: chrono::NaiveDateTime::default(),
                })
                .collect();
            let updated = entries
                .iter()
                .map(|e| e.updated.clone())
                .max()
                .unwrap_or_else(|| crate::feeds::atom::rfc3339(db::now()));
            let feed = crate::feeds::atom::Feed {
                id: format!("{base}/suche?{query}"),
                title: format!("Suche {label}"),
                self_url: format!("{base}/suche/feed.atom?{query}"),
                page_url: format!("{base}/suche?{query}"),
                updated,
                entries,
            };
            Ok::<_, AppError>(crate::templating::render(
                "feeds/atom.xml",
                &serde_json::json!({ "feed": feed }),
                &site,
                None,
            )?)
        })
        .await?;
    // entries carry no change time of their own: ETag only
    Ok(super::feeds::validated(
        &req,
        xml,
        "application/atom+xml; charset=utf-8",
        None,
        "public, max-age=300",
    ))
}

fn plain(segments: &[search::snippet::Segment]) -> String {
    segments.iter().map(|s| s.text.as_str()).collect()
}

/// Order a digest of new matches of a query by e-mail.
pub async fn subscribe(
    state: web::Data<AppState>,
    viewer: Viewer,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let f = Fields::parse(&body);
    let email = crate::db::users::normalize_email(f.get("email"));
    let (params, errors) = Params::parse(f.get("suche"));
    if !errors.is_empty() || search::parse(&params.q).is_err() {
        return message(&state, &viewer, StatusCode::BAD_REQUEST, "Suche nicht speicherbar", "Diese Suche kann nicht gespeichert werden: Bitte suchen Sie zuerst mit einem gültigen Suchbegriff.", Some(("/suche", "Zur Suche")));
    }
    if !crate::routes::subscriptions::valid_email(&email) {
        let back = format!("/suche?{}", params.to_query());
        return message(&state, &viewer, StatusCode::UNPROCESSABLE_ENTITY, "E-Mail-Adresse fehlt", "Bitte geben Sie eine gültige E-Mail-Adresse an, an die wir neue Treffer schicken sollen.", Some((&back, "Zurück zur Suche")));
    }
    let ip = crate::routes::subscriptions::client_ip(&state, &req);
    let base = state.base_url.to_string();
    let site = state.settings.site_name.clone();
    let e2 = email.clone();
    let throttled = state
        .db(move |c| {
            if db::quiet_transaction(c, |c| {
                db::mail::throttled(
                    c,
                    "suchabo",
                    &ip,
                    MAX_REQUESTS_PER_HOUR,
                    chrono::Duration::hours(1),
                )
            })? {
                return Ok::<_, AppError>(true);
            }
            let facets = FacetCounts::default();
            let l = labels(c, &facets, &params)?;
            let label = describe(&params, &l);
            let confirm = crate::auth::random_token();
            let hours = crate::routes::subscriptions::CONFIRM_HOURS;
            let ctx = serde_json::json!({
                "label": label,
                "confirm_url": format!("{base}/suche/abonnieren/bestaetigen/{confirm}"),
                "hours": hours,
            });
            let text = crate::templating::render("mail/search_confirm.txt", &ctx, &site, None)?;
            let html = crate::templating::render("mail/search_confirm.html", &ctx, &site, None)?;
            db::quiet_transaction(c, |c| -> Result<(), AppError> {
                saved::request(
                    c,
                    &e2,
                    &params.saved_query(),
                    &label,
                    &crate::auth::token_hash(&confirm),
                    chrono::Duration::hours(hours),
                )?;
                db::mail::enqueue(
                    c,
                    &db::mail::NewMail {
                        kind: "bestaetigung",
                        meeting_id: None,
                        recipient: &e2,
                        subject: "Bitte bestätigen Sie Ihre gespeicherte Suche",
                        body_text: &text,
                        body_html: &html,
                        ics: None,
                        unsubscribe_url: None,
                        message_id: &crate::mail::message_id(&base),
                    },
                )?;
                Ok(())
            })?;
            Ok(false)
        })
        .await?;
    if throttled {
        return message(&state, &viewer, StatusCode::TOO_MANY_REQUESTS, "Zu viele Anfragen", "Von Ihrem Anschluss kamen in der letzten Stunde zu viele Bestellungen. Bitte versuchen Sie es später erneut.", None);
    }
    message(
        &state,
        &viewer,
        StatusCode::OK,
        "Fast geschafft",
        &format!("Wir haben eine E-Mail an {email} geschickt. Bitte öffnen Sie den Link darin, um die gespeicherte Suche zu bestätigen; erst dann erhalten Sie Nachrichten über neue Treffer. Der Link ist {} Stunden gültig.", crate::routes::subscriptions::CONFIRM_HOURS),
        None,
    )
}

pub async fn confirm_page(
    state: web::Data<AppState>,
    viewer: Viewer,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let Some(token) = token_of(&path) else {
        return Err(AppError::not_found("Dieser Bestätigungslink"));
    };
    let action = format!("/suche/abonnieren/bestaetigen/{token}");
    message(
        &state,
        &viewer,
        StatusCode::OK,
        "Gespeicherte Suche bestätigen",
        "Bitte bestätigen Sie, dass Sie E-Mails über neue Treffer dieser Suche erhalten möchten.",
        Some((&action, "Jetzt bestätigen")),
    )
}

pub async fn confirm(
    state: web::Data<AppState>,
    viewer: Viewer,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let Some(token) = token_of(&path) else {
        return Err(AppError::not_found("Dieser Bestätigungslink"));
    };
    let hash = crate::auth::token_hash(&token);
    let result = state
        .db(move |c| db::quiet_transaction(c, |c| saved::confirm(c, &hash).map_err(AppError::from)))
        .await?;
    match result {
        Confirmed::Ok(label) => message(&state, &viewer, StatusCode::OK, "Gespeicherte Suche bestätigt", &format!("Vielen Dank. Sie erhalten ab jetzt eine E-Mail, wenn neue Dokumente zur Suche {label} veröffentlicht werden. Jede Nachricht enthält einen Link zum Abbestellen."), None),
        Confirmed::Expired => message(&state, &viewer, StatusCode::GONE, "Link abgelaufen", "Dieser Bestätigungslink ist abgelaufen. Bitte speichern Sie die Suche erneut.", Some(("/suche", "Zur Suche"))),
        Confirmed::Unknown => Err(AppError::not_found("Dieser Bestätigungslink")),
    }
}

pub async fn unsubscribe_page(
    state: web::Data<AppState>,
    viewer: Viewer,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let Some(token) = token_of(&path) else {
        return Err(AppError::not_found("Diese gespeicherte Suche"));
    };
    let action = format!("/suche/abbestellen/{token}");
    message(
        &state,
        &viewer,
        StatusCode::OK,
        "Gespeicherte Suche abbestellen",
        "Möchten Sie keine E-Mails über neue Treffer dieser Suche mehr erhalten?",
        Some((&action, "Abbestellen")),
    )
}

/// Also the RFC 8058 one-click target (the same tokens as all unsubscribe
/// links, see `subscriptions::unsubscribe`).
pub async fn unsubscribe(
    state: web::Data<AppState>,
    viewer: Viewer,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    super::subscriptions::unsubscribe(state, viewer, path).await
}
