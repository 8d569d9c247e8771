//! Shared application state handed to every handler.

use std::sync::Arc;

use actix_web::HttpResponse;
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

    /// Render a page template with the global context.
    pub fn render<C: Serialize>(&self, template: &str, ctx: &C) -> Result<HttpResponse, AppError> {
        let html = crate::templating::render(template, ctx, &self.settings.site_name)?;
        Ok(HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            .body(html))
    }
}
