//! Reading OParl data into one index of objects by id: from a directory
//! of saved JSON (mirrors of the URL paths, or one object/list/array per
//! file) or by crawling a server from its System object. Tolerant of what
//! real servers do: missing `type` (taken from the context), objects
//! inlined where URLs are expected and the reverse, single objects where
//! arrays belong, list pages answered as bare arrays or single objects.
//! Every problem is recorded with its URL or file and the run goes on.

use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

use serde_json::{Map, Value};

mod crawl;

pub use crawl::{crawl, missing_references, rebase_rule};

/// One problem of the run: where, and what was wrong.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Problem {
    pub at: String,
    pub what: String,
}

#[derive(Debug, Default)]
pub struct Index {
    /// objects by id, with `type` set and inline children replaced by ids
    pub objects: HashMap<String, Value>,
    /// type name (Meeting, Paper, …) by id
    pub kinds: HashMap<String, &'static str>,
    pub problems: Vec<Problem>,
    /// documents read (files or HTTP answers)
    pub documents: usize,
    /// a list page could not be read: later pages are missing, so the
    /// next run must not start from this run's time
    pub incomplete: bool,
    /// where a limit stopped reading (German, for the run record)
    pub cuts: Vec<String>,
    /// bytes of all answers read
    pub bytes: u64,
}

/// Bounds of one crawl (settings `import_*`). Reaching one stops that
/// answer, that list or the whole run; what was read is kept and written.
#[derive(Debug, Clone)]
pub struct Limits {
    /// largest answer read into memory
    pub max_response_bytes: u64,
    /// per request: connecting, headers and the whole body
    pub timeout: Duration,
    /// pages read of one list
    pub max_pages: usize,
    /// the whole crawl
    pub max_run: Duration,
    /// all answers together
    pub max_total_bytes: u64,
}

impl Limits {
    pub fn from_settings(s: &crate::settings::Settings) -> Limits {
        const MB: u64 = 1024 * 1024;
        Limits {
            max_response_bytes: s.import_max_response_mb.saturating_mul(MB).max(1),
            timeout: Duration::from_secs(s.import_timeout_seconds.max(1)),
            max_pages: s.import_max_pages.max(1),
            max_run: Duration::from_secs_f64((s.import_max_minutes * 60.0).clamp(1.0, 1e9)),
            max_total_bytes: s.import_max_total_mb.saturating_mul(MB).max(1),
        }
    }
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_response_bytes: 32 << 20,
            timeout: Duration::from_secs(30),
            max_pages: 10_000,
            max_run: Duration::from_secs(240 * 60),
            max_total_bytes: 2048 << 20,
        }
    }
}

/// A number for messages: "240", "0,5".
fn number_de(v: f64) -> String {
    if v >= 10.0 || v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}").replace('.', ",")
    }
}

/// Megabytes for messages ("32 MB", "0,5 MB").
fn mb(bytes: u64) -> String {
    format!("{} MB", number_de(bytes as f64 / (1024.0 * 1024.0)))
}

pub const TYPES: &[&str] = &[
    "System",
    "Body",
    "LegislativeTerm",
    "Organization",
    "Person",
    "Membership",
    "Meeting",
    "AgendaItem",
    "Paper",
    "Consultation",
    "File",
    "Location",
];

fn type_name(v: &Value) -> Option<&'static str> {
    let t = v.get("type")?.as_str()?;
    let name = t.trim_end_matches('/').rsplit('/').next()?;
    TYPES.iter().copied().find(|x| x.eq_ignore_ascii_case(name))
}

/// Inline children: (field, type, back-reference field on the child).
fn children(kind: &str) -> &'static [(&'static str, &'static str, Option<&'static str>)] {
    match kind {
        "Body" => &[
            ("legislativeTerm", "LegislativeTerm", Some("body")),
            ("location", "Location", None),
        ],
        "Organization" => &[("location", "Location", None)],
        "Person" => &[
            ("membership", "Membership", Some("person")),
            ("locationObject", "Location", None),
        ],
        "Meeting" => &[
            ("location", "Location", None),
            ("agendaItem", "AgendaItem", Some("meeting")),
            ("invitation", "File", Some("meeting")),
            ("resultsProtocol", "File", Some("meeting")),
            ("verbatimProtocol", "File", Some("meeting")),
            ("auxiliaryFile", "File", Some("meeting")),
        ],
        "AgendaItem" => &[
            ("resolutionFile", "File", Some("agendaItem")),
            ("auxiliaryFile", "File", Some("agendaItem")),
        ],
        "Paper" => &[
            ("mainFile", "File", Some("paper")),
            ("auxiliaryFile", "File", Some("paper")),
            ("consultation", "Consultation", Some("paper")),
            ("location", "Location", None),
        ],
        _ => &[],
    }
}

/// A type from a file path or list name (`meetings/12.json`, `…/paper`).
pub fn type_from_path(path: &str) -> Option<&'static str> {
    let lower = path.to_ascii_lowercase();
    let pairs = [
        ("agendaitem", "AgendaItem"),
        ("consultation", "Consultation"),
        ("legislativeterm", "LegislativeTerm"),
        ("membership", "Membership"),
        ("organization", "Organization"),
        ("meeting", "Meeting"),
        ("paper", "Paper"),
        ("person", "Person"),
        ("people", "Person"),
        ("location", "Location"),
        ("file", "File"),
        ("bod", "Body"),
        ("system", "System"),
    ];
    // the last segment that names a type wins (…/bodies/1/meetings/7)
    let mut best: Option<(usize, &'static str)> = None;
    for (needle, t) in pairs {
        if let Some(i) = lower.rfind(needle) {
            if best.is_none_or(|(j, _)| i > j) {
                best = Some((i, t));
            }
        }
    }
    best.map(|(_, t)| t)
}

impl Index {
    /// A limit stopped reading: recorded for the run, which is incomplete.
    pub fn cut(&mut self, what: impl Into<String>) {
        self.cuts.push(what.into());
        self.incomplete = true;
    }

    fn problem(&mut self, at: &str, what: impl Into<String>) {
        self.problems.push(Problem {
            at: at.to_string(),
            what: what.into(),
        });
    }

    /// Add an object (and its inline children). `expected` is the type
    /// the context implies; `parent` sets the back-reference on children.
    pub fn add(
        &mut self,
        mut v: Value,
        expected: Option<&'static str>,
        at: &str,
    ) -> Option<String> {
        let Some(map) = v.as_object_mut() else {
            self.problem(at, "Eintrag ist kein JSON-Objekt");
            return None;
        };
        let id = match map.get("id").and_then(Value::as_str) {
            Some(id) if !id.trim().is_empty() => id.trim().to_string(),
            _ => {
                self.problem(at, "Objekt ohne id");
                return None;
            }
        };
        let kind = match type_name(&Value::Object(map.clone())).or(expected) {
            Some(k) => k,
            None => {
                self.problem(&id, "Objekt ohne erkennbaren type");
                return None;
            }
        };
        map.insert(
            "type".into(),
            Value::String(format!("https://schema.oparl.org/1.1/{kind}")),
        );
        for (field, child_kind, backref) in children(kind) {
            let Some(value) = map.remove(*field) else {
                continue;
            };
            // one object where an array belongs, or an array: both fine
            let items: Vec<Value> = match value {
                Value::Array(a) => a,
                Value::Null => Vec::new(),
                other => vec![other],
            };
            let mut refs = Vec::new();
            for item in items {
                match item {
                    Value::String(s) if !s.trim().is_empty() => refs.push(Value::String(s)),
                    Value::Object(mut child) => {
                        if let Some(b) = backref {
                            if !child.contains_key(*b) {
                                child.insert((*b).into(), Value::String(id.clone()));
                                child.insert("_injected".into(), serde_json::json!([b]));
                            }
                        }
                        // where it was found: decides e.g. a Location's body
                        child.insert("_parent".into(), Value::String(id.clone()));
                        if let Some(cid) = self.add(Value::Object(child), Some(child_kind), &id) {
                            refs.push(Value::String(cid));
                        }
                    }
                    _ => {}
                }
            }
            map.insert((*field).into(), Value::Array(refs));
        }
        // an existing full object is not replaced by a later, older copy
        let modified = |v: &Value| {
            v.get("modified")
                .and_then(Value::as_str)
                .map(str::to_string)
        };
        let new_modified = modified(&Value::Object(map.clone()));
        if let Some(old) = self.objects.get(&id) {
            if modified(old) > new_modified {
                return Some(id);
            }
        }
        self.kinds.insert(id.clone(), kind);
        self.objects.insert(id.clone(), Value::Object(map.clone()));
        Some(id)
    }

    /// Add whatever a document holds: an object, a list page or an array.
    pub fn add_document(
        &mut self,
        v: Value,
        expected: Option<&'static str>,
        at: &str,
    ) -> Vec<String> {
        let mut ids = Vec::new();
        match v {
            Value::Array(items) => {
                for item in items {
                    ids.extend(self.add(item, expected, at));
                }
            }
            Value::Object(m) if m.get("data").is_some_and(Value::is_array) => {
                if let Some(Value::Array(items)) = m.get("data").cloned() {
                    for item in items {
                        ids.extend(self.add(item, expected, at));
                    }
                }
            }
            Value::Object(m) => ids.extend(self.add(Value::Object(m), expected, at)),
            _ => self.problem(at, "weder Objekt noch Liste"),
        }
        ids
    }

    /// Ids of a type, sorted (deterministic import order).
    pub fn of_kind(&self, kind: &str) -> Vec<String> {
        let mut v: Vec<String> = self
            .kinds
            .iter()
            .filter(|(_, k)| **k == kind)
            .map(|(id, _)| id.clone())
            .collect();
        // natural order (…/membership/2 before …/membership/10): the
        // source's own order, so our ids follow it
        v.sort_by_cached_key(|id| natural_key(id));
        v
    }
}

/// Sort key that orders embedded numbers by value.
pub fn natural_key(s: &str) -> Vec<(String, u64)> {
    let mut out = Vec::new();
    let mut text = String::new();
    let mut num = String::new();
    for ch in s.chars() {
        if ch.is_ascii_digit() {
            num.push(ch);
        } else {
            if !num.is_empty() {
                out.push((std::mem::take(&mut text), num.parse().unwrap_or(u64::MAX)));
                num.clear();
            }
            text.push(ch);
        }
    }
    out.push((text, num.parse().unwrap_or(0)));
    out
}

/// Read every `*.json` below `dir`; files larger than
/// `limits.max_response_bytes` are skipped and recorded as cut.
pub fn read_dir(dir: &Path, limits: &Limits) -> Index {
    let mut index = Index::default();
    let mut stack = vec![dir.to_path_buf()];
    let mut files = Vec::new();
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            index.problem(&d.display().to_string(), "Verzeichnis nicht lesbar");
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "json") {
                files.push(p);
            }
        }
    }
    files.sort();
    for p in files {
        let at = p.display().to_string();
        let rel = p.strip_prefix(dir).unwrap_or(&p).display().to_string();
        if let Ok(m) = std::fs::metadata(&p) {
            if m.len() > limits.max_response_bytes {
                index.problem(
                    &at,
                    format!("Datei größer als {}", mb(limits.max_response_bytes)),
                );
                index.cut(format!(
                    "Datei {at} größer als {}: nicht übernommen",
                    mb(limits.max_response_bytes)
                ));
                continue;
            }
        }
        index.documents += 1;
        let text = match std::fs::read(&p) {
            Ok(b) => String::from_utf8_lossy(&b).into_owned(),
            Err(e) => {
                index.problem(&at, format!("nicht lesbar: {e}"));
                continue;
            }
        };
        match parse_json(&text) {
            Ok(v) => {
                index.add_document(v, type_from_path(&rel), &at);
            }
            Err(e) => index.problem(&at, format!("kein gültiges JSON: {e}")),
        }
    }
    index
}

/// Parse JSON; unescaped control characters inside strings (a known
/// vendor defect) are escaped first.
pub fn parse_json(text: &str) -> Result<Value, String> {
    match serde_json::from_str(text) {
        Ok(v) => Ok(v),
        Err(first) => {
            let mut fixed = String::with_capacity(text.len());
            let mut in_string = false;
            let mut escaped = false;
            for ch in text.chars() {
                if in_string {
                    if escaped {
                        escaped = false;
                    } else if ch == '\\' {
                        escaped = true;
                    } else if ch == '"' {
                        in_string = false;
                    } else if (ch as u32) < 0x20 {
                        fixed.push_str(&format!("\\u{:04x}", ch as u32));
                        continue;
                    }
                } else if ch == '"' {
                    in_string = true;
                }
                fixed.push(ch);
            }
            serde_json::from_str(&fixed).map_err(|_| first.to_string())
        }
    }
}

/// Fields whose text may span lines; every other text field is read as one
/// line (names end up in mail subjects, calendar SUMMARYs, feed titles).
const MULTI_LINE: &[&str] = &["description", "resolutionText", "text", "result"];

/// String field, trimmed; empty strings count as missing. Line breaks and
/// control characters of single-line fields become spaces.
pub fn text(v: &Value, field: &str) -> Option<String> {
    match v.get(field)? {
        Value::String(s) if MULTI_LINE.contains(&field) => {
            Some(s.trim().to_string()).filter(|s| !s.is_empty())
        }
        Value::String(s) => Some(crate::base::text::one_line(s)).filter(|s| !s.is_empty()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A reference field: a URL, or an inline object's id; arrays give the first.
pub fn reference(v: &Value, field: &str) -> Option<String> {
    references(v, field).into_iter().next()
}

pub fn references(v: &Value, field: &str) -> Vec<String> {
    let one = |x: &Value| match x {
        Value::String(s) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
        Value::Object(m) => m.get("id").and_then(Value::as_str).map(str::to_string),
        _ => None,
    };
    match v.get(field) {
        Some(Value::Array(a)) => a.iter().filter_map(one).collect(),
        Some(x) => one(x).into_iter().collect(),
        None => Vec::new(),
    }
}

pub fn map_of(v: &Value) -> Map<String, Value> {
    v.as_object().cloned().unwrap_or_default()
}

#[cfg(test)]
mod one_line_tests {
    #[test]
    fn imported_names_are_one_line_and_long_texts_keep_their_lines() {
        let v = serde_json::json!({"name": "Rat\r\nBcc: x@y", "description": "Zeile 1\nZeile 2"});
        assert_eq!(super::text(&v, "name").as_deref(), Some("Rat Bcc: x@y"));
        assert_eq!(
            super::text(&v, "description").as_deref(),
            Some("Zeile 1\nZeile 2")
        );
    }
}
