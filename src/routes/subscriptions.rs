//! E-mail subscriptions to committee dates: double opt-in, one-click
//! unsubscribe (RFC 8058). The form never tells whether an address is
//! known, and it is rate-limited per address.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};

use crate::auth::form::Fields;
use crate::auth::Viewer;
use crate::db::mail::{self as store, Confirmed};
use crate::db::{self, models::Organization};
use crate::error::AppError;
use crate::routes::admin_forms::Errors;
use crate::state::AppState;

/// Confirmation links stay valid this long.
pub const CONFIRM_HOURS: i64 = 48;
const MAX_REQUESTS_PER_HOUR: i64 = 5;

#[derive(Deserialize)]
pub struct FormQuery {
    gremium: Option<String>,
}

#[derive(Serialize)]
struct Group {
    body: String,
    organizations: Vec<Organization>,
}

#[derive(Serialize)]
struct FormPage {
    groups: Vec<Group>,
    selected: Vec<String>,
    email: String,
    errors: Errors,
}

fn groups(c: &mut db::DbConnection) -> Result<Vec<Group>, AppError> {
    let mut out = Vec::new();
    for b in db::bodies::list(c)? {
        let orgs: Vec<Organization> = crate::routes::admin_organizations_of(c, &[b.id])?
            .into_iter()
            .filter(|o| o.is_gremium())
            .collect();
        if !orgs.is_empty() {
            out.push(Group {
                body: b.name,
                organizations: orgs,
            });
        }
    }
    Ok(out)
}

pub async fn form(
    state: web::Data<AppState>,
    viewer: Viewer,
    q: web::Query<FormQuery>,
) -> Result<HttpResponse, AppError> {
    let selected: Vec<String> = q.gremium.iter().cloned().collect();
    let groups = state.db(groups).await?;
    let email = viewer.user().map(|u| u.email.clone()).unwrap_or_default();
    state.render_for(
        &viewer,
        "subscriptions/form.html",
        &FormPage {
            groups,
            selected,
            email,
            errors: Errors::new(),
        },
    )
}

/// A short message page (subscribe, confirm, unsubscribe; also saved
/// searches). Its address holds a token: the referrer goes to this site
/// only (`same-origin`; with `no-referrer` browsers post its forms with
/// `Origin: null`, which the CSRF check must refuse).
pub(super) fn message(
    state: &AppState,
    viewer: &Viewer,
    status: StatusCode,
    title: &str,
    text: &str,
    action: Option<(&str, &str)>,
) -> Result<HttpResponse, AppError> {
    let mut resp = state.render_status(
        status,
        viewer,
        "subscriptions/message.html",
        &serde_json::json!({"title": title, "text": text, "action": action.map(|(url, label)| serde_json::json!({"url": url, "label": label}))}),
    )?;
    resp.headers_mut().insert(
        actix_web::http::header::REFERRER_POLICY,
        actix_web::http::header::HeaderValue::from_static("same-origin"),
    );
    Ok(resp)
}

pub fn valid_email(e: &str) -> bool {
    let at = e.find('@');
    !e.is_empty()
        && e.len() <= 254
        && !e.contains(char::is_whitespace)
        && !e.contains(['<', '>', ',', ';', '"'])
        && at.is_some_and(|i| i > 0 && i + 1 < e.len() && e[i + 1..].contains('.'))
}

/// The client address form throttling counts by (the proxy's header only
/// when configured as behind a proxy).
pub fn client_ip(state: &AppState, req: &HttpRequest) -> String {
    if state.settings.behind_proxy {
        req.connection_info()
            .realip_remote_addr()
            .unwrap_or("unbekannt")
            .to_string()
    } else {
        req.peer_addr()
            .map(|a| a.ip().to_string())
            .unwrap_or_else(|| "unbekannt".into())
    }
}

pub async fn subscribe(
    state: web::Data<AppState>,
    viewer: Viewer,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let f = Fields::parse(&body);
    let email = crate::db::users::normalize_email(f.get("email"));
    let mut errors = Errors::new();
    if !valid_email(&email) {
        errors.insert(
            "email".into(),
            "Bitte eine gültige E-Mail-Adresse angeben.".into(),
        );
    }
    let mut ids = Vec::new();
    for raw in f.all("gremium") {
        match raw.parse::<i64>() {
            Ok(n) if n > 0 => ids.push(n),
            _ => {
                errors.insert("gremium".into(), "Unbekanntes Gremium.".into());
            }
        }
    }
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() && !errors.contains_key("gremium") {
        errors.insert(
            "gremium".into(),
            "Bitte mindestens ein Gremium wählen.".into(),
        );
    }
    let ip = client_ip(&state, &req);
    let base = state.base_url.to_string();
    let site = state.settings.site_name.clone();
    let e2 = email.clone();
    enum Outcome {
        Invalid(FormPage),
        Throttled,
        Requested,
    }
    let outcome = state
        .db(move |c| {
            let mut names = Vec::new();
            for id in &ids {
                match db::organizations::find(c, *id)? {
                    Some(o) if o.is_gremium() => names.push(o.name),
                    _ => {
                        errors.insert("gremium".into(), "Unbekanntes Gremium.".into());
                    }
                }
            }
            if !errors.is_empty() {
                let groups = groups(c)?;
                return Ok(Outcome::Invalid(FormPage { groups, selected: ids.iter().map(|i| i.to_string()).collect(), email: e2, errors }));
            }
            let throttled = db::quiet_transaction(c, |c| {
                store::throttled(c, "abonnieren", &ip, MAX_REQUESTS_PER_HOUR, chrono::Duration::hours(1)).map_err(AppError::from)
            })?;
            if throttled {
                return Ok(Outcome::Throttled);
            }
            let confirm = crate::auth::random_token();
            let confirm_url = format!("{base}/abonnieren/bestaetigen/{confirm}");
            let ctx = serde_json::json!({"organizations": names, "confirm_url": confirm_url, "hours": CONFIRM_HOURS, "site_name": site});
            let text = crate::templating::render("mail/confirm.txt", &ctx, &site, None)?;
            let html = crate::templating::render("mail/confirm.html", &ctx, &site, None)?;
            db::quiet_transaction(c, |c| -> Result<(), AppError> {
                store::request_subscription(
                    c,
                    &e2,
                    &ids,
                    &crate::auth::token_hash(&confirm),
                    chrono::Duration::hours(CONFIRM_HOURS),
                )?;
                store::enqueue(
                    c,
                    &store::NewMail {
                        kind: "bestaetigung",
                        meeting_id: None,
                        recipient: &e2,
                        subject: "Bitte bestätigen Sie Ihr Abonnement der Sitzungstermine",
                        body_text: &text,
                        body_html: &html,
                        ics: None,
                        unsubscribe_url: None,
                        message_id: &crate::mail::message_id(&base),
                    },
                )?;
                Ok(())
            })?;
            Ok(Outcome::Requested)
        })
        .await?;
    match outcome {
        Outcome::Invalid(page) => state.render_status(StatusCode::UNPROCESSABLE_ENTITY, &viewer, "subscriptions/form.html", &page),
        Outcome::Throttled => message(&state, &viewer, StatusCode::TOO_MANY_REQUESTS, "Zu viele Anfragen", "Von Ihrem Anschluss kamen in der letzten Stunde zu viele Bestellungen. Bitte versuchen Sie es später erneut.", None),
        // the same answer whether the address is new or known
        Outcome::Requested => message(&state, &viewer, StatusCode::OK, "Fast geschafft", &format!("Wir haben eine E-Mail an {email} geschickt. Bitte öffnen Sie den Link darin, um das Abonnement zu bestätigen; erst dann erhalten Sie Nachrichten. Der Link ist {CONFIRM_HOURS} Stunden gültig."), None),
    }
}

/// A link token: 64 hex digits, lower-cased.
pub(super) fn token_of(raw: &str) -> Option<String> {
    (raw.len() == 64 && raw.bytes().all(|b| b.is_ascii_hexdigit()))
        .then(|| raw.to_ascii_lowercase())
}

pub async fn confirm_page(
    state: web::Data<AppState>,
    viewer: Viewer,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let Some(token) = token_of(&path) else {
        return Err(AppError::not_found("Dieser Bestätigungslink"));
    };
    let action = format!("/abonnieren/bestaetigen/{token}");
    message(&state, &viewer, StatusCode::OK, "Abonnement bestätigen", "Bitte bestätigen Sie, dass Sie Nachrichten zu den gewählten Sitzungsterminen erhalten möchten.", Some((&action, "Jetzt bestätigen")))
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
        .db(move |c| db::quiet_transaction(c, |c| store::confirm(c, &hash).map_err(AppError::from)))
        .await?;
    match result {
        Confirmed::Ok(orgs) => message(&state, &viewer, StatusCode::OK, "Abonnement bestätigt", &format!("Vielen Dank. Sie erhalten ab jetzt Nachrichten zu den Terminen von {} Gremien. Jede Nachricht enthält einen Link zum Abbestellen.", orgs.len()), None),
        Confirmed::Expired => message(&state, &viewer, StatusCode::GONE, "Link abgelaufen", &format!("Dieser Bestätigungslink ist abgelaufen (gültig {CONFIRM_HOURS} Stunden). Bitte bestellen Sie die Termine erneut."), Some(("/abonnieren", "Erneut bestellen"))),
        Confirmed::Unknown => Err(AppError::not_found("Dieser Bestätigungslink")),
    }
}

pub async fn unsubscribe_page(
    state: web::Data<AppState>,
    viewer: Viewer,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let Some(token) = token_of(&path) else {
        return Err(AppError::not_found("Dieses Abonnement"));
    };
    let action = format!("/abbestellen/{token}");
    message(
        &state,
        &viewer,
        StatusCode::OK,
        "Benachrichtigungen abbestellen",
        "Möchten Sie keine Nachrichten zu Sitzungsterminen mehr erhalten?",
        Some((&action, "Abbestellen")),
    )
}

/// Also the RFC 8058 one-click target (mail providers POST without Origin).
/// Serves the links of subscriptions, members' notifications and saved
/// searches alike; a link used before answers calmly "bereits abbestellt".
pub async fn unsubscribe(
    state: web::Data<AppState>,
    viewer: Viewer,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let Some(token) = token_of(&path) else {
        return Err(AppError::not_found("Dieser Abbestell-Link"));
    };
    let outcome = state
        .db(move |c| {
            db::quiet_transaction(c, |c| store::unsubscribe(c, &token).map_err(AppError::from))
        })
        .await?;
    use store::{Unsubscribe, Unsubscribed};
    match outcome {
        Unsubscribed::Done(Unsubscribe::Subscriber(_), _) => message(&state, &viewer, StatusCode::OK, "Abbestellt", "Sie erhalten keine Nachrichten zu Sitzungsterminen mehr. Ihre Adresse wurde gelöscht.", None),
        Unsubscribed::Done(Unsubscribe::Member(_), _) => message(&state, &viewer, StatusCode::OK, "Abbestellt", "Sie erhalten als Mitglied keine Terminnachrichten Ihrer Gremien mehr. Unter „Mein Konto“ können Sie sie wieder einschalten.", Some(("/konto#benachrichtigungen", "Zu „Mein Konto“"))),
        Unsubscribed::Done(Unsubscribe::SavedSearch(_), label) => message(&state, &viewer, StatusCode::OK, "Abbestellt", &format!("Sie erhalten keine E-Mails zur Suche {label} mehr."), None),
        Unsubscribed::Already(kind) => message(&state, &viewer, StatusCode::OK, "Bereits abbestellt", match kind {
            "mitglied" => "Diese Benachrichtigungen sind bereits abbestellt. Unter „Mein Konto“ können Sie sie wieder einschalten.",
            "suche" => "Diese gespeicherte Suche ist bereits abbestellt; Sie erhalten dazu keine E-Mails mehr.",
            _ => "Dieses Abonnement ist bereits abbestellt; Sie erhalten dazu keine Nachrichten mehr.",
        }, None),
        Unsubscribed::Unknown => Err(AppError::not_found("Dieser Abbestell-Link")),
    }
}

/// Members switch the notifications of their committees on or off.
pub async fn member_setting(
    state: web::Data<AppState>,
    _me: crate::auth::SignedIn,
    form: crate::auth::Form,
) -> Result<HttpResponse, AppError> {
    let uid = form.user.user_id;
    let opt_out = form.fields.get("benachrichtigen") != "1";
    state
        .db(move |c| {
            db::quiet_transaction(c, |c| {
                store::set_member_opt_out(c, uid, opt_out).map_err(AppError::from)
            })
        })
        .await?;
    Ok(crate::routes::account::redirect(
        "/konto#benachrichtigungen",
    ))
}
