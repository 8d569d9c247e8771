//! HTTP routes of the public portal. German paths, one module per area.

pub mod account;
mod admin;
pub use admin::forms as admin_forms;
pub use admin::organizations_of as admin_organizations_of;
mod agenda_items;
mod bodies;
mod feeds;
mod files;
mod home;
mod integration;
pub(crate) use integration::period as integration_period;
mod meetings;
mod minutes;
mod oparl;
mod organizations;
mod papers;
mod persons;
mod search;
mod sitemap;
pub mod static_files;
mod subscriptions;

use actix_web::{guard, web, HttpRequest, HttpResponse, Route};

use crate::error::AppError;

/// GET and HEAD (link checkers and crawlers send HEAD; actix drops the body).
pub(crate) fn get() -> Route {
    web::route().guard(guard::Any(guard::Get()).or(guard::Head()))
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.app_data(web::PathConfig::default().error_handler(|_, _| {
        AppError::bad_request("Die Adresse enthält eine ungültige Nummer.").into()
    }))
    .app_data(web::QueryConfig::default().error_handler(|_, _| {
        AppError::bad_request(
            "Die Adresse enthält ungültige oder doppelte Suchparameter. Bitte jeden Filter nur einmal angeben.",
        )
        .into()
    }))
    .route("/", get().to(home::start_page))
    .route("/health", get().to(health))
    .route("/barrierefreiheit", get().to(home::accessibility))
    .route("/sitemap.xml", get().to(sitemap::sitemap))
    .route("/robots.txt", get().to(sitemap::robots))
    .route("/static/{path:.*}", get().to(static_files::serve))
    .route("/favicon.ico", get().to(static_files::favicon))
    .route("/koerperschaften", get().to(bodies::list))
    .route("/koerperschaften/{key}", get().to(bodies::show))
    .route("/sitzungen", get().to(meetings::list))
    .route("/sitzungen/kalender", get().to(meetings::calendar))
    .route("/sitzungen/{id}", get().to(meetings::show))
    .route("/sitzungen/{id}/niederschrift", get().to(minutes::show))
    .route("/tagesordnungspunkte/{id}", get().to(agenda_items::show))
    .route("/suche", get().to(search::page))
    .route("/suche/feed.atom", get().to(search::atom))
    .route("/suche/abonnieren", web::post().to(search::subscribe))
    .route("/suche/abonnieren/bestaetigen/{token}", get().to(search::confirm_page))
    .route("/suche/abonnieren/bestaetigen/{token}", web::post().to(search::confirm))
    .route("/suche/abbestellen/{token}", get().to(search::unsubscribe_page))
    .route("/suche/abbestellen/{token}", web::post().to(search::unsubscribe))
    .route("/vorlagen", get().to(papers::list))
    .route("/vorlagen/{id}", get().to(papers::show))
    .route("/integrationskonzepte", get().to(integration::concepts_list))
    .route("/integrationskonzepte/{id}", get().to(integration::concept_show))
    .route("/integrationskonzepte/{id}/verknuepfungen.csv", get().to(integration::concept_csv))
    .route("/foerderprogramme", get().to(integration::programmes_list))
    .route("/foerderprogramme/{id}", get().to(integration::programme_show))
    .route("/foerderprogramme/{id}/zuteilungen.csv", get().to(integration::allocations_csv))
    .route("/foerderprogramme/{id}/verknuepfungen.csv", get().to(integration::programme_links_csv))
    .route("/gremien", get().to(organizations::list))
    .route("/gremien/{id}", get().to(organizations::show))
    .route("/personen", get().to(persons::list))
    .route("/personen/{id}", get().to(persons::show))
    .route("/dateien/{id}/{name}", get().to(files::download))
    .route("/koerperschaften/{key}/kalender.ics", get().to(feeds::body_feed))
    .route("/gremien/{id}/kalender.ics", get().to(feeds::organization_feed))
    .route("/gremien/{id}/aktuelles.atom", get().to(feeds::organization_atom))
    .route("/koerperschaften/{key}/aktuelles.atom", get().to(feeds::body_atom))
    .route("/personen/{id}/kalender.ics", get().to(feeds::person_feed))
    .route("/sitzungen/{id}/kalender.ics", get().to(feeds::meeting_ics))
    .route("/kalender/{token}", get().to(feeds::private_feed))
    .route("/konto/kalender", web::post().to(feeds::create_private))
    .route("/konto/benachrichtigungen", web::post().to(subscriptions::member_setting))
    .route("/abonnieren", get().to(subscriptions::form))
    .route("/abonnieren", web::post().to(subscriptions::subscribe))
    .route("/abonnieren/bestaetigen/{token}", get().to(subscriptions::confirm_page))
    .route("/abonnieren/bestaetigen/{token}", web::post().to(subscriptions::confirm))
    .route("/abbestellen/{token}", get().to(subscriptions::unsubscribe_page))
    .route("/abbestellen/{token}", web::post().to(subscriptions::unsubscribe))
    .route("/konto/kalender/widerrufen", web::post().to(feeds::revoke_private))
    .route("/anmelden", get().to(account::login_page))
    .route("/anmelden", web::post().to(account::login))
    .route("/abmelden", web::post().to(account::logout))
    .route("/konto", get().to(account::account))
    .route("/konto/passwort", web::post().to(account::change_password))
    .configure(admin::configure)
    .configure(oparl::configure);
}

async fn health(state: web::Data<crate::state::AppState>) -> Result<HttpResponse, AppError> {
    state
        .db(|c| {
            use diesel::connection::SimpleConnection;
            c.batch_execute("SELECT 1").map_err(AppError::from)
        })
        .await?;
    Ok(HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .body("ok"))
}

/// Fallback for unknown paths: the German 404 page.
pub async fn not_found(_req: HttpRequest) -> Result<HttpResponse, AppError> {
    Err(AppError::not_found("Die angeforderte Seite"))
}

/// Parse an id from a path segment: positive integer, else 400.
pub fn parse_id(raw: &str) -> Result<i64, AppError> {
    match raw.parse::<i64>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(AppError::bad_request(format!(
            "„{}“ ist keine gültige Nummer. Erwartet wird eine positive ganze Zahl.",
            shorten(raw)
        ))),
    }
}

/// Optional numeric filter from a query string; empty means "no filter".
pub fn parse_opt_id(name: &str, raw: &Option<String>) -> Result<Option<i64>, AppError> {
    match raw.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(s) => match s.parse::<i64>() {
            Ok(n) if n > 0 => Ok(Some(n)),
            _ => Err(AppError::bad_request(format!(
                "Der Filter „{name}“ erwartet eine Nummer, nicht „{}“.",
                shorten(s)
            ))),
        },
    }
}

pub fn parse_page(raw: &Option<String>) -> Result<i64, AppError> {
    match raw.as_deref().map(str::trim) {
        None | Some("") => Ok(1),
        Some(s) => match s.parse::<i64>() {
            Ok(n) if (1..=100_000).contains(&n) => Ok(n),
            _ => Err(AppError::bad_request(format!(
                "„{}“ ist keine gültige Seitenzahl.",
                shorten(s)
            ))),
        },
    }
}

/// Parse "JJJJ-MM-TT" (or German "TT.MM.JJJJ").
pub fn parse_date(name: &str, raw: &Option<String>) -> Result<Option<chrono::NaiveDate>, AppError> {
    match raw.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(s) => chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .or_else(|_| chrono::NaiveDate::parse_from_str(s, "%d.%m.%Y"))
            .ok()
            .filter(|d| (1900..=2200).contains(&chrono::Datelike::year(d)))
            .map(Some)
            .ok_or(())
            .map_err(|_| {
                AppError::bad_request(format!(
                    "„{}“ ist kein gültiges Datum für „{name}“. Bitte im Format JJJJ-MM-TT angeben, z. B. 2026-02-23.",
                    shorten(s)
                ))
            }),
    }
}

/// The id of the body named by the `koerperschaft` filter (empty: none);
/// an unknown key is a 400 with a German message.
pub fn resolve_body(
    bodies: &[crate::db::models::Body],
    key: &str,
) -> Result<Option<i64>, AppError> {
    if key.is_empty() {
        return Ok(None);
    }
    bodies
        .iter()
        .find(|b| b.key == key)
        .map(|b| Some(b.id))
        .ok_or_else(|| {
            AppError::bad_request(format!(
                "Die Körperschaft „{}“ gibt es nicht.",
                shorten(key)
            ))
        })
}

pub use crate::base::text::shorten;

/// Build a query string from non-empty pairs (for pager links).
pub fn query_string(pairs: &[(&str, String)]) -> String {
    let parts: Vec<String> = pairs
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| {
            format!(
                "{k}={}",
                url::form_urlencoded::byte_serialize(v.as_bytes()).collect::<String>()
            )
        })
        .collect();
    parts.join("&")
}
