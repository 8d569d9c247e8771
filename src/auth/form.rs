//! Form bodies of the back office. [`Form`] reads an urlencoded body into
//! a list of fields (so repeated names work) and checks the CSRF token of
//! the signed-in user before a handler sees anything.

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;

use super::{load_viewer, login_required, SessionUser};
use crate::error::AppError;

/// Largest accepted form body (texts of minutes can be long).
const LIMIT: usize = 2 * 1024 * 1024;

/// The fields of a form: (name, raw value, value as one line).
#[derive(Debug, Clone, Default)]
pub struct Fields(Vec<(String, String, String)>);

pub use crate::base::text::one_line;

impl Fields {
    pub fn parse(body: &[u8]) -> Fields {
        Fields(
            url::form_urlencoded::parse(body)
                .map(|(k, v)| {
                    let line = one_line(&v);
                    (k.into_owned(), v.into_owned(), line)
                })
                .collect(),
        )
    }
    /// The first value as one line (see [`one_line`]; "" if missing).
    /// Multi-line texts are read with [`Fields::text`].
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _, _)| k == name)
            .map(|(_, _, line)| line.as_str())
            .unwrap_or("")
    }
    /// The first value untrimmed (long texts keep their layout).
    pub fn text(&self, name: &str) -> String {
        self.0
            .iter()
            .find(|(k, _, _)| k == name)
            .map(|(_, v, _)| v.replace("\r\n", "\n").trim_end().to_string())
            .unwrap_or_default()
    }
    pub fn opt_text(&self, name: &str) -> Option<String> {
        Some(self.text(name)).filter(|s| !s.trim().is_empty())
    }
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _, _)| k == name)
            .map(|(_, _, line)| line.as_str())
            .collect()
    }
    /// All fields in order: (name, value as one line).
    pub fn pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0
            .iter()
            .map(|(k, _, line)| (k.as_str(), line.as_str()))
    }
    pub fn has(&self, name: &str) -> bool {
        self.0.iter().any(|(k, _, _)| k == name)
    }
    pub fn checked(&self, name: &str) -> bool {
        matches!(self.get(name), "1" | "on" | "ja" | "true")
    }
    /// The fields as a JSON object (first value per name) to refill forms.
    pub fn to_json(&self) -> serde_json::Value {
        let mut m = serde_json::Map::new();
        for (k, v, _) in &self.0 {
            if k != "_csrf" && !m.contains_key(k) {
                m.insert(k.clone(), serde_json::Value::String(v.clone()));
            }
        }
        serde_json::Value::Object(m)
    }
}

/// A CSRF-checked form of a signed-in user.
pub struct Form {
    pub user: SessionUser,
    pub fields: Fields,
}

impl FromRequest for Form {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let body = actix_web::web::Bytes::from_request(&req, payload);
        Box::pin(async move {
            let Some(user) = load_viewer(&req).await?.0 else {
                return Err(login_required(&req));
            };
            let bytes = body.await.map_err(|_| {
                AppError::bad_request("Das Formular ist zu groß oder unvollständig übertragen.")
            })?;
            if bytes.len() > LIMIT {
                return Err(AppError::bad_request("Das Formular ist zu groß."));
            }
            let fields = Fields::parse(&bytes);
            user.check_csrf(fields.get("_csrf"))?;
            Ok(Form { user, fields })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_line_values_lose_line_breaks_and_controls() {
        assert_eq!(
            one_line("  Rat\r\nBcc: x@y\u{2028}z\t \u{0}ende  "),
            "Rat Bcc: x@y z ende"
        );
        let f = Fields::parse(b"name=A%0D%0AB&text=Zeile%201%0D%0AZeile%202");
        assert_eq!(f.get("name"), "A B");
        assert_eq!(
            f.text("text"),
            "Zeile 1\nZeile 2",
            "multi-line texts keep their lines"
        );
    }
}
