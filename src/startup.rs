//! Building and running the application; shared by `main` and the tests.

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::dev::Server;
use actix_web::middleware::DefaultHeaders;
use actix_web::{web, App, HttpServer};

use crate::db::{self, DbUrl};
use crate::settings::Settings;
use crate::state::AppState;

pub struct Application {
    server: Server,
    port: u16,
    pub state: AppState,
}

/// Open the database: parse the URL, create/migrate, build the pool.
pub async fn open_database(settings: &Settings) -> anyhow::Result<(DbUrl, db::Pool)> {
    let url = DbUrl::parse(&settings.database_url).map_err(anyhow::Error::msg)?;
    let size = settings.pool_size.max(1);
    let u = url.clone();
    let pool = tokio::task::spawn_blocking(move || -> anyhow::Result<db::Pool> {
        db::prepare_and_migrate(&u)?;
        db::build_pool(&u, size)
    })
    .await??;
    Ok((url, pool))
}

impl Application {
    pub async fn build(mut settings: Settings, load_demo: bool) -> anyhow::Result<Application> {
        crate::templating::init()?;
        let (_url, pool) = open_database(&settings).await?;
        if load_demo {
            let p = pool.clone();
            let data_dir = settings.data_dir.clone();
            tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
                let mut conn = p.get()?;
                // `--demo` fills an empty database; it never mixes demo
                // data into a database that holds real data
                let seeded = crate::db::bodies::find_by_key(&mut conn, crate::demo::SEED_BODY_KEY)?
                    .is_some();
                if !seeded && !crate::db::bodies::list(&mut conn)?.is_empty() {
                    tracing::warn!(
                        "Die Datenbank enthält bereits Daten; --demo lädt keine Demodaten hinzu."
                    );
                } else {
                    if crate::demo::load_seeds(&mut conn, &data_dir)? {
                        tracing::info!("Demodaten geladen");
                    }
                    if crate::demo::load_demo_accounts(&mut conn)? {
                        tracing::info!(
                            "Demokonten angelegt (Passwort „{}“): admin@gremium.example, sitzungsdienst@kamen.example, ratsmitglied@kamen.example",
                            crate::demo::DEMO_PASSWORD
                        );
                    }
                }
                Ok(())
            })
            .await??;
        }
        // a database from before the search (or restored without its
        // index) gets its index now
        let p = pool.clone();
        tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
            let mut conn = p.get()?;
            if let Some(n) = crate::search::index::ensure_built(&mut conn)? {
                tracing::info!("Suchindex aufgebaut: {n} Dokumente");
            }
            // the facet store in memory, so the first search is fast too
            crate::search::store::warm(&mut conn)?;
            Ok(())
        })
        .await??;
        let listener = TcpListener::bind(&settings.bind).map_err(|e| {
            anyhow::anyhow!("Adresse {} kann nicht gebunden werden: {e}", settings.bind)
        })?;
        let addr = listener.local_addr()?;
        if settings
            .public_url
            .as_deref()
            .is_none_or(|u| u.trim().is_empty())
        {
            settings.public_url = Some(format!("http://{addr}"));
        }
        let base_url: Arc<str> = settings.base_url().into();
        let page_cache = settings
            .page_cache
            .then(|| Arc::new(crate::page_cache::PageCache::default()));
        let feed_memo = settings.feed_memo;
        let state = AppState {
            pool,
            settings: Arc::new(settings),
            base_url,
            page_cache,
            feed_memo: feed_memo.then(|| Arc::new(crate::feeds::memo::EventMemo::default())),
            text_wake: Arc::new(tokio::sync::Notify::new()),
        };
        if state.settings.text_worker {
            if !crate::pdf_text::tool_available() {
                tracing::warn!(
                    "pdftotext fehlt (Debian: poppler-utils): hochgeladene PDF-Dateien \
                     bleiben ohne Text, bis es installiert ist"
                );
            }
            let worker = crate::pdf_text::worker::TextWorker {
                pool: state.pool.clone(),
                settings: state.settings.clone(),
                wake: state.text_wake.clone(),
            };
            tokio::spawn(worker.run());
        }
        if state.settings.mail_worker {
            let worker = crate::mail::Worker {
                pool: state.pool.clone(),
                settings: state.settings.clone(),
                base_url: state.base_url.to_string(),
            };
            tokio::spawn(worker.run());
        }
        let server = run(listener, state.clone())?;
        Ok(Application {
            server,
            port: addr.port(),
            state,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

/// Security headers on every response (no inline scripts anywhere);
/// HSTS when the portal is served over HTTPS.
fn security_headers(https: bool) -> DefaultHeaders {
    let h = DefaultHeaders::new();
    let h = if https {
        h.add(("Strict-Transport-Security", "max-age=31536000"))
    } else {
        h
    };
    h
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("Referrer-Policy", "strict-origin-when-cross-origin"))
        .add((
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
        ))
        .add(("X-Frame-Options", "DENY"))
        .add((
            "Permissions-Policy",
            "camera=(), microphone=(), geolocation=(), interest-cohort=()",
        ))
}

fn run(listener: TcpListener, state: AppState) -> anyhow::Result<Server> {
    let https = state.base_url.starts_with("https://");
    let data = web::Data::new(state);
    let server = HttpServer::new(move || {
        App::new()
            .wrap(actix_web::middleware::from_fn(
                crate::page_cache::middleware,
            ))
            .wrap(actix_web::middleware::from_fn(crate::auth::origin_check))
            .wrap(actix_web::middleware::from_fn(
                crate::auth::signed_in_error_pages,
            ))
            .wrap(actix_web::middleware::NormalizePath::trim())
            .wrap(security_headers(https))
            .wrap(actix_web::middleware::Compress::default())
            .wrap(actix_web::middleware::from_fn(
                crate::page_cache::compression_policy,
            ))
            .app_data(data.clone())
            .app_data(web::PayloadConfig::new(4 * 1024 * 1024))
            .configure(crate::routes::configure)
            .default_service(web::to(crate::routes::not_found))
    })
    .listen(listener)?
    .run();
    Ok(server)
}
