//! Shared application state handed to every handler.

use std::sync::Arc;

use actix_web::http::StatusCode;
use actix_web::HttpResponse;

use crate::auth::Viewer;
use serde::Serialize;

use crate::db::{DbConnection, Pool};
use crate::error::AppError;
use crate::settings::Settings;

#[derive(Clone)]
pub struct AppState {
    pub pool: Pool,
    pub settings: Arc<Settings>,
    pub base_url: Arc<str>,
    /// Rendered public pages; `None` when disabled by configuration.
    pub page_cache: Option<Arc<crate::page_cache::PageCache>>,
    /// Rendered feed events per meeting (see `feeds::memo`); `None` when
    /// disabled by configuration.
    pub feed_memo: Option<Arc<crate::feeds::memo::EventMemo>>,
    /// Wakes the PDF text worker after an upload.
    pub text_wake: Arc<tokio::sync::Notify>,
}

impl AppState {
    /// Run blocking database work on actix's blocking pool.
    pub async fn db<T, F>(&self, f: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.pool.clone();
        actix_web::web::block(move || {
            let mut conn = pool.get()?;
            f(&mut conn)
        })
        .await?
    }

    /// Render a public page template for an anonymous visitor.
    pub fn render<C: Serialize>(&self, template: &str, ctx: &C) -> Result<HttpResponse, AppError> {
        self.render_for(&Viewer::default(), template, ctx)
    }

    /// Render a page for this viewer (the header shows who is signed in).
    pub fn render_for<C: Serialize>(
        &self,
        viewer: &Viewer,
        template: &str,
        ctx: &C,
    ) -> Result<HttpResponse, AppError> {
        self.render_status(StatusCode::OK, viewer, template, ctx)
    }

    /// Render with a status (forms answered with errors use 4xx).
    /// Pages for signed-in users are never stored by caches.
    pub fn render_status<C: Serialize>(
        &self,
        status: StatusCode,
        viewer: &Viewer,
        template: &str,
        ctx: &C,
    ) -> Result<HttpResponse, AppError> {
        let html =
            crate::templating::render(template, ctx, &self.settings.site_name, viewer.user())?;
        let mut resp = HttpResponse::build(status);
        resp.content_type("text/html; charset=utf-8");
        if viewer.user().is_some() {
            resp.insert_header((actix_web::http::header::CACHE_CONTROL, "private, no-store"));
        }
        Ok(resp.body(html))
    }
}
