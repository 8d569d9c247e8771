//! Tera templates, embedded in the binary (read from disk in debug builds).
//! The template set is immutable, so one process-wide instance is shared.

use std::sync::OnceLock;

use rust_embed::RustEmbed;
use serde::Serialize;
use tera::{Context, Tera};

#[derive(RustEmbed)]
#[folder = "$CARGO_MANIFEST_DIR/templates"]
struct TemplateFiles;

static TERA: OnceLock<Result<Tera, String>> = OnceLock::new();

fn load() -> Result<Tera, String> {
    let mut tera = Tera::default();
    tera.autoescape_on(vec![".html", ".xml"]);
    tera.set_escape_fn(escape_html);
    let mut files = Vec::new();
    for path in TemplateFiles::iter() {
        let file = TemplateFiles::get(&path).ok_or_else(|| format!("template {path} missing"))?;
        let text = String::from_utf8(file.data.into_owned())
            .map_err(|_| format!("template {path} is not UTF-8"))?;
        files.push((path.to_string(), text));
    }
    tera.add_raw_templates(files)
        .map_err(|e| format!("templates: {e:?}"))?;
    // `{{ static_url(name='gremium.css') }}`: the versioned asset URL
    tera.register_function(
        "static_url",
        |args: &std::collections::HashMap<String, tera::Value>| {
            let name = args
                .get("name")
                .and_then(|v| v.as_str())
                .ok_or_else(|| tera::Error::msg("static_url: name fehlt"))?;
            Ok(tera::Value::String(
                crate::routes::static_files::versioned_url(name),
            ))
        },
    );
    Ok(tera)
}

/// HTML escaping for text and attribute values: `& < > " '`.
pub fn escape_html(input: &str) -> String {
    let mut out = String::with_capacity(input.len() + 16);
    for c in input.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Load and check all templates (called at start so errors show early).
pub fn init() -> anyhow::Result<()> {
    match TERA.get_or_init(load) {
        Ok(_) => Ok(()),
        Err(e) => Err(anyhow::anyhow!("{e}")),
    }
}

fn tera() -> Result<&'static Tera, tera::Error> {
    match TERA.get_or_init(load) {
        Ok(t) => Ok(t),
        Err(e) => Err(tera::Error::msg(e.clone())),
    }
}

pub fn render<C: Serialize>(
    template: &str,
    ctx: &C,
    site_name: &str,
    me: Option<&crate::auth::SessionUser>,
) -> Result<String, tera::Error> {
    let mut context = Context::from_serialize(ctx)?;
    context.insert("site_name", site_name);
    if let Some(me) = me {
        context.insert("me", me);
    }
    tera()?.render(template, &context)
}

/// The German error page; falls back to plain HTML if templates fail.
pub fn render_error_page(
    status: u16,
    title: &str,
    message: &str,
    me: Option<&crate::auth::SessionUser>,
) -> String {
    let mut context = Context::new();
    context.insert("status", &status);
    context.insert("title", title);
    context.insert("message", message);
    context.insert("site_name", "Gremium – Ratsinformationssystem");
    if let Some(me) = me {
        context.insert("me", me);
    }
    match tera().and_then(|t| t.render("error.html", &context)) {
        Ok(html) => html,
        Err(e) => {
            tracing::error!(error = %e, "error page template failed");
            format!(
                "<!doctype html><html lang=\"de\"><meta charset=\"utf-8\"><title>{status}</title><h1>{}</h1><p>{}</p></html>",
                escape_html(title),
                escape_html(message)
            )
        }
    }
}
