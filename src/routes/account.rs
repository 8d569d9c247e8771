//! Sign-in (`/anmelden`), sign-out (`/abmelden`) and the own account (`/konto`).

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};

use crate::auth::{self, Form, SignedIn, Viewer};
use crate::base::password;
use crate::db::users;
use crate::error::AppError;
use crate::state::AppState;

/// Failed attempts within this window count towards the limits.
const WINDOW_MINUTES: i64 = 15;
/// Per account on a browser it signed in with before (device cookie), and
/// per account and client for unknown browsers.
pub const MAX_FAILURES_PER_ACCOUNT: i64 = 5;
/// Per client (IP address, IPv6 by /64) over all accounts.
pub const MAX_FAILURES_PER_ADDRESS: i64 = 30;
/// Per account over all unknown browsers (a distributed guess); the
/// owner's known browsers still get in.
pub const MAX_FAILURES_PER_ACCOUNT_UNKNOWN_DEVICES: i64 = 50;
/// The device cookie: a browser that signed in to an account before.
pub const DEVICE_COOKIE: &str = "gremium_geraet";

/// Where a role works after signing in: the back office for the clerks'
/// office and administrators, the own page for members.
pub fn landing(role: crate::domain::UserRole) -> &'static str {
    match role {
        crate::domain::UserRole::Member => "/konto",
        _ => "/verwaltung",
    }
}

/// The client a sign-in is counted for: its IP address, an IPv6 address by
/// its /64 network (one connection usually owns the whole /64).
pub fn client_key(ip: &str) -> String {
    match ip.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V6(v6)) if v6.to_ipv4_mapped().is_none() => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
        Ok(std::net::IpAddr::V6(v6)) => v6
            .to_ipv4_mapped()
            .map(|v4| v4.to_string())
            .unwrap_or_else(|| ip.to_string()),
        _ => ip.to_string(),
    }
}

#[derive(Deserialize)]
pub struct LoginQuery {
    weiter: Option<String>,
}

#[derive(Serialize, Default)]
struct LoginPage {
    email: String,
    next: String,
    csrf: String,
    error: Option<String>,
}

/// Only local paths are accepted as targets after sign-in: one leading
/// slash, no backslash, no control characters (browsers drop tabs and
/// newlines, which would turn `/\t/evil.example` into `//evil.example`).
pub fn safe_next(raw: Option<&str>) -> String {
    match raw.map(str::trim) {
        Some(p)
            if p.starts_with('/')
                && !p.starts_with("//")
                && !p.contains('\\')
                && !p.chars().any(char::is_control)
                && p.len() <= 2000 =>
        {
            p.to_string()
        }
        _ => String::new(),
    }
}

fn login_form(
    state: &AppState,
    status: StatusCode,
    page: LoginPage,
) -> Result<HttpResponse, AppError> {
    let token = page.csrf.clone();
    let mut resp = state.render_status(status, &Viewer::default(), "account/login.html", &page)?;
    let cookie = actix_web::cookie::Cookie::build(auth::LOGIN_COOKIE, token)
        .path("/anmelden")
        .http_only(true)
        .same_site(actix_web::cookie::SameSite::Strict)
        .secure(state.base_url.starts_with("https://"))
        .finish();
    resp.add_cookie(&cookie)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("cookie: {e}")))?;
    resp.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    Ok(resp)
}

pub async fn login_page(
    state: web::Data<AppState>,
    viewer: Viewer,
    query: web::Query<LoginQuery>,
) -> Result<HttpResponse, AppError> {
    let next = safe_next(query.weiter.as_deref());
    if let Some(u) = viewer.user() {
        let target = if next.is_empty() {
            landing(u.role).to_string()
        } else {
            next
        };
        return Ok(redirect(&target));
    }
    login_form(
        &state,
        StatusCode::OK,
        LoginPage {
            next,
            csrf: auth::random_token(),
            ..Default::default()
        },
    )
}

pub fn redirect(to: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, to.to_string()))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .finish()
}

pub async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let fields = auth::form::Fields::parse(&body);
    let email = users::normalize_email(fields.get("email"));
    let pw = fields.text("passwort");
    let next = safe_next(Some(fields.get("weiter")));
    let again = |error: &str, status: StatusCode| {
        login_form(
            &state,
            status,
            LoginPage {
                email: email.clone(),
                next: next.clone(),
                csrf: auth::random_token(),
                error: Some(error.to_string()),
            },
        )
    };
    // double-submit token: the form must carry the value of its cookie
    let cookie_token = req
        .cookie(auth::LOGIN_COOKIE)
        .map(|c| c.value().to_string())
        .unwrap_or_default();
    if cookie_token.is_empty() || !auth::tokens_equal(&cookie_token, fields.get("_csrf")) {
        return again(
            "Das Anmeldeformular ist abgelaufen. Bitte melden Sie sich erneut an.",
            StatusCode::FORBIDDEN,
        );
    }
    if email.is_empty() || pw.is_empty() {
        return again(
            "Bitte E-Mail-Adresse und Passwort eingeben.",
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    }
    // behind a reverse proxy every request comes from the proxy: then the
    // client address is taken from X-Forwarded-For / Forwarded
    let ip = if state.settings.behind_proxy {
        req.connection_info()
            .realip_remote_addr()
            .map(str::to_string)
            .unwrap_or_else(|| "unbekannt".into())
    } else {
        req.peer_addr()
            .map(|a| a.ip().to_string())
            .unwrap_or_else(|| "unbekannt".into())
    };
    let user_agent = req
        .headers()
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(|s| s.chars().take(200).collect::<String>());
    let token = auth::random_token();
    let token_hash = auth::token_hash(&token);
    let old_cookie = req
        .cookie(auth::SESSION_COOKIE)
        .map(|c| auth::token_hash(c.value()));
    let client = client_key(&ip);
    // the browser's device cookie, or a new one to set on success
    let (device_token, device_is_new) = match req
        .cookie(DEVICE_COOKIE)
        .map(|c| c.value().to_string())
        .filter(|t| t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit()))
    {
        Some(t) => (t, false),
        None => (auth::random_token(), true),
    };
    let device_hash = auth::token_hash(&device_token);
    enum Outcome {
        Throttled,
        Wrong,
        Ok(crate::domain::UserRole),
    }
    let (e2, th) = (email.clone(), token_hash.clone());
    let outcome = state
        .db(move |conn| {
            let since = crate::db::now() - chrono::Duration::minutes(WINDOW_MINUTES);
            let known = !device_is_new && users::known_device(conn, &e2, &device_hash)?;
            let attempt = users::Attempt {
                email: &e2,
                client: &client,
                device: known.then_some(device_hash.as_str()),
            };
            let limits = users::Limits {
                per_device: MAX_FAILURES_PER_ACCOUNT,
                per_account_and_client: MAX_FAILURES_PER_ACCOUNT,
                per_client: MAX_FAILURES_PER_ADDRESS,
                per_account: MAX_FAILURES_PER_ACCOUNT_UNKNOWN_DEVICES,
            };
            if users::throttled(conn, &attempt, &limits, since)? {
                return Ok(Outcome::Throttled);
            }
            let user = users::find_by_email(conn, &e2)?;
            let ok = match &user {
                Some(u) if u.active => password::verify(&pw, &u.password_hash),
                _ => {
                    password::dummy_verify(&pw);
                    false
                }
            };
            crate::db::quiet_transaction(conn, |conn| -> Result<(), AppError> {
                users::record_attempt(conn, &attempt, ok)?;
                if let (true, Some(u)) = (ok, &user) {
                    users::remember_device(conn, u.id, &device_hash)?;
                    // a new session at every sign-in; the old one is gone
                    if let Some(old) = &old_cookie {
                        users::delete_session(conn, old)?;
                    }
                    users::create_session(
                        conn,
                        &users::NewSession {
                            token_hash: &th,
                            user_id: u.id,
                            csrf_token: &auth::random_token(),
                            ip: Some(&ip),
                            user_agent: user_agent.as_deref(),
                            lifetime: chrono::Duration::hours(auth::SESSION_HOURS),
                        },
                    )?;
                }
                Ok(())
            })?;
            Ok(match (ok, &user) {
                (true, Some(u)) => Outcome::Ok(
                    crate::domain::UserRole::from_key(&u.role)
                        .unwrap_or(crate::domain::UserRole::Member),
                ),
                _ => Outcome::Wrong,
            })
        })
        .await?;
    match outcome {
        Outcome::Throttled => again(
            &format!("Zu viele fehlgeschlagene Anmeldeversuche. Bitte warten Sie {WINDOW_MINUTES} Minuten und versuchen Sie es dann erneut."),
            StatusCode::TOO_MANY_REQUESTS,
        ),
        Outcome::Wrong => again(
            "E-Mail-Adresse oder Passwort ist falsch (oder das Konto ist gesperrt).",
            StatusCode::UNAUTHORIZED,
        ),
        Outcome::Ok(role) => {
            let target = if next.is_empty() {
                landing(role).to_string()
            } else {
                next
            };
            let mut resp = redirect(&target);
            let device = actix_web::cookie::Cookie::build(DEVICE_COOKIE, device_token)
                .path("/anmelden")
                .http_only(true)
                .same_site(actix_web::cookie::SameSite::Strict)
                .secure(state.base_url.starts_with("https://"))
                .max_age(actix_web::cookie::time::Duration::days(365))
                .finish();
            resp.add_cookie(&device)
                .map_err(|e| AppError::Internal(anyhow::anyhow!("cookie: {e}")))?;
            resp.add_cookie(&auth::session_cookie(&state, token))
                .map_err(|e| AppError::Internal(anyhow::anyhow!("cookie: {e}")))?;
            resp.add_removal_cookie(&auth::expired_cookie(auth::LOGIN_COOKIE, "/anmelden"))
                .map_err(|e| AppError::Internal(anyhow::anyhow!("cookie: {e}")))?;
            Ok(resp)
        }
    }
}

pub async fn logout(state: web::Data<AppState>, form: Form) -> Result<HttpResponse, AppError> {
    let hash = form.user.token_hash.clone();
    state
        .db(move |conn| {
            crate::db::quiet_transaction(conn, |c| {
                users::delete_session(c, &hash).map_err(AppError::from)
            })
        })
        .await?;
    let mut resp = redirect("/");
    resp.add_removal_cookie(&auth::expired_cookie(auth::SESSION_COOKIE, "/"))
        .map_err(|e| AppError::Internal(anyhow::anyhow!("cookie: {e}")))?;
    Ok(resp)
}

#[derive(Serialize)]
struct AccountPage {
    organizations: Vec<crate::db::models::Organization>,
    message: Option<String>,
    error: Option<String>,
    /// a private feed exists
    has_calendar: bool,
    /// the next meetings of her committees
    upcoming: Vec<crate::views::meetings::MeetingCard>,
    /// a member gets the dates of their committees by mail
    notify: bool,
    /// the address of a private feed just created (shown once)
    calendar: Option<crate::views::FeedLinks>,
}

#[derive(Deserialize)]
pub struct AccountQuery {
    kalender: Option<String>,
}

pub async fn account(
    state: web::Data<AppState>,
    me: SignedIn,
    query: web::Query<AccountQuery>,
) -> Result<HttpResponse, AppError> {
    let token = query
        .kalender
        .clone()
        .filter(|t| t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit()));
    let mut resp = account_page_with(&state, me.0, StatusCode::OK, None, None, token).await?;
    // the page may show the secret feed address: no referrer to other
    // sites (`no-referrer` would make browsers post its forms with
    // `Origin: null`, which the CSRF check refuses)
    resp.headers_mut().insert(
        header::REFERRER_POLICY,
        header::HeaderValue::from_static("same-origin"),
    );
    Ok(resp)
}

async fn account_page(
    state: &AppState,
    me: auth::SessionUser,
    status: StatusCode,
    message: Option<String>,
    error: Option<String>,
) -> Result<HttpResponse, AppError> {
    account_page_with(state, me, status, message, error, None).await
}

async fn account_page_with(
    state: &AppState,
    me: auth::SessionUser,
    status: StatusCode,
    message: Option<String>,
    error: Option<String>,
    new_calendar_token: Option<String>,
) -> Result<HttpResponse, AppError> {
    let ids = me.member_orgs.clone();
    let uid = me.user_id;
    let (organizations, has_calendar, notify, upcoming) = state
        .db(move |c| {
            let mut orgs = crate::db::organizations::by_ids(c, &ids)?
                .into_values()
                .collect::<Vec<_>>();
            orgs.sort_by(|a, b| a.name.cmp(&b.name));
            let notify = users::find(c, uid)?.is_some_and(|u| !u.mail_opt_out);
            // the meetings of her committees, including today's
            let from = crate::db::now() - chrono::Duration::hours(8);
            let next = crate::db::meetings::upcoming_of_organizations(c, &ids, from, 10)?;
            let cards = crate::views::meetings::cards(c, &next)?;
            Ok((orgs, users::has_calendar_token(c, uid)?, notify, cards))
        })
        .await?;
    let calendar = new_calendar_token.map(|t| {
        crate::views::FeedLinks::new(
            &state.base_url,
            &format!("/kalender/{t}.ics"),
            "Meine Sitzungen",
        )
    });
    state.render_status(
        status,
        &Viewer(Some(me)),
        "account/show.html",
        &AccountPage {
            organizations,
            message,
            error,
            has_calendar,
            notify,
            calendar,
            upcoming,
        },
    )
}

pub async fn change_password(
    state: web::Data<AppState>,
    form: Form,
) -> Result<HttpResponse, AppError> {
    let old = form.fields.text("altes_passwort");
    let new = form.fields.text("neues_passwort");
    let repeat = form.fields.text("wiederholung");
    let me = form.user;
    let error = if new != repeat {
        Some("Die beiden neuen Passwörter stimmen nicht überein.".to_string())
    } else {
        password::weakness(&new)
    };
    if let Some(e) = error {
        return account_page(&state, me, StatusCode::UNPROCESSABLE_ENTITY, None, Some(e)).await;
    }
    let uid = me.user_id;
    let keep = me.token_hash.clone();
    let changed = state
        .db(move |conn| {
            let Some(user) = users::find(conn, uid)? else {
                return Ok(false);
            };
            if !password::verify(&old, &user.password_hash) {
                return Ok(false);
            }
            let hash = password::hash(&new)?;
            crate::db::quiet_transaction(conn, |c| -> Result<(), AppError> {
                users::set_password(c, uid, &hash)?;
                // sign out everywhere else
                use crate::db::schema::sessions;
                use diesel::prelude::*;
                diesel::delete(
                    sessions::table
                        .filter(sessions::user_id.eq(uid))
                        .filter(sessions::token_hash.ne(&keep)),
                )
                .execute(c)?;
                Ok(())
            })?;
            Ok(true)
        })
        .await?;
    if changed {
        account_page(
            &state,
            me,
            StatusCode::OK,
            Some("Das Passwort wurde geändert. Andere Sitzungen wurden abgemeldet.".into()),
            None,
        )
        .await
    } else {
        account_page(
            &state,
            me,
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
            Some("Das bisherige Passwort ist falsch.".into()),
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_local_paths_are_targets() {
        assert_eq!(
            super::safe_next(Some("/verwaltung/vorlagen?q=1")),
            "/verwaltung/vorlagen?q=1"
        );
        for bad in [
            "//evil.example",
            "/\t/evil.example",
            "/\\evil.example",
            "https://evil.example",
            "/\r\nSet-Cookie: x",
            "/\u{7f}",
        ] {
            assert_eq!(super::safe_next(Some(bad)), "", "{bad:?}");
        }
    }
}
