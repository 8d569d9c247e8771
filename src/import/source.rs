//! Reading OParl data into one index of objects by id: from a directory
//! of saved JSON (mirrors of the URL paths, or one object/list/array per
//! file) or by crawling a server from its System object. Tolerant of what
//! real servers do: missing `type` (taken from the context), objects
//! inlined where URLs are expected and the reverse, single objects where
//! arrays belong, list pages answered as bare arrays or single objects.
//! Every problem is recorded with its URL or file and the run goes on.

use std::collections::{HashMap, HashSet, VecDeque};
use std::path::Path;
use std::time::Duration;

use serde_json::{Map, Value};

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

/// The list a page belongs to, for messages: its URL without query.
fn list_name(url: &str) -> &str {
    url.split('?').next().unwrap_or(url)
}

/// Crawl a server: System → bodies → the bodies' lists (all pages) →
/// every referenced object not yet seen. `since` adds `modified_since`
/// to the lists (incremental run). `limits` bound every answer, every
/// list and the whole crawl; a cut is recorded in `Index::cuts` and what
/// was read until then is returned.
pub async fn crawl(
    system_url: &str,
    since: Option<&str>,
    limits: &Limits,
    progress: &dyn Fn(usize),
) -> Index {
    let mut index = Index::default();
    let deadline = tokio::time::Instant::now() + limits.max_run;
    let client = match reqwest::Client::builder()
        .timeout(limits.timeout)
        .connect_timeout(limits.timeout)
        .redirect(reqwest::redirect::Policy::limited(5))
        .user_agent("Gremium-OParl-Import/1.0")
        .build()
    {
        Ok(c) => c,
        Err(e) => {
            index.problem(system_url, format!("HTTP-Client: {e}"));
            return index;
        }
    };
    let mut fetched: HashSet<String> = HashSet::new();
    let run_cut = |index: &mut Index, why: RunStop| {
        let what = match why {
            RunStop::Time => format!(
                "Laufzeit von {} Minuten erreicht",
                number_de(limits.max_run.as_secs_f64() / 60.0)
            ),
            RunStop::Bytes => format!("Gesamtmenge von {} erreicht", mb(limits.max_total_bytes)),
        };
        index.cut(format!(
            "{what}: Lauf nach {} Dokumenten abgebrochen",
            index.documents
        ));
    };
    let system = match fetch(
        &client,
        system_url,
        &mut index,
        &mut fetched,
        limits,
        deadline,
    )
    .await
    {
        Fetched::Ok(v) => v,
        Fetched::Failed => return index,
        Fetched::Stop(why) => {
            run_cut(&mut index, why);
            return index;
        }
    };
    // ids that are not the working URL (Karlsruhe: …/oparl/… vs …/ris/oparl/…):
    // learn the rewrite from the System's own id and apply it to every fetch
    let rebase = system
        .get("id")
        .and_then(Value::as_str)
        .and_then(|id| rebase_rule(id, system_url));
    if let Some((from, to)) = &rebase {
        index.problem(
            system_url,
            format!(
                "ids weichen von den abrufbaren Adressen ab: {from}… wird über {to}… abgerufen"
            ),
        );
    }
    let fix = |u: &str| -> String {
        match &rebase {
            Some((from, to)) if u.starts_with(from.as_str()) => format!("{to}{}", &u[from.len()..]),
            _ => u.to_string(),
        }
    };
    let body_list = system
        .get("body")
        .and_then(Value::as_str)
        .map(str::to_string);
    /// a page to read: URL, type of its objects, its list, page number
    type Page = (String, Option<&'static str>, String, usize);
    let mut lists: VecDeque<Page> = VecDeque::new();
    if let Some(url) = body_list {
        let url = fix(&url);
        lists.push_back((url.clone(), Some("Body"), url, 1));
    } else {
        index.problem(system_url, "System ohne body-Liste");
    }
    let with_since = |url: &str| match since {
        Some(s) => {
            let sep = if url.contains('?') { '&' } else { '?' };
            format!("{url}{sep}modified_since={}", crate::base::urls::encode(s))
        }
        None => url.to_string(),
    };
    while let Some((url, kind, list, page)) = lists.pop_front() {
        if fetched.contains(&url) {
            continue;
        }
        if index.bytes >= limits.max_total_bytes {
            run_cut(&mut index, RunStop::Bytes);
            return index;
        }
        let doc = match fetch(&client, &url, &mut index, &mut fetched, limits, deadline).await {
            Fetched::Ok(doc) => doc,
            Fetched::Failed => {
                index.incomplete = true;
                continue;
            }
            Fetched::Stop(why) => {
                run_cut(&mut index, why);
                return index;
            }
        };
        let next = doc
            .get("links")
            .and_then(|l| l.get("next"))
            .and_then(Value::as_str)
            .map(str::to_string);
        let ids = index.add_document(doc, kind, &url);
        progress(index.objects.len());
        if kind == Some("Body") {
            for id in ids {
                let Some(b) = index.objects.get(&id).cloned() else {
                    continue;
                };
                for (field, t) in [
                    ("organization", "Organization"),
                    ("person", "Person"),
                    ("meeting", "Meeting"),
                    ("paper", "Paper"),
                ] {
                    if let Some(u) = b.get(field).and_then(Value::as_str) {
                        let u = with_since(&fix(u));
                        lists.push_back((u.clone(), Some(t), u, 1));
                    }
                }
            }
        }
        if let Some(n) = next.map(|n| fix(&n)) {
            if fetched.contains(&n) {
                index.problem(
                    &url,
                    "links.next zeigt auf eine bereits gelesene Seite (Schleife)",
                );
                index.cut(format!(
                    "Liste {} nach {page} Seiten beendet: links.next zeigt auf eine bereits gelesene Seite",
                    list_name(&list)
                ));
            } else if page >= limits.max_pages {
                index.cut(format!(
                    "Liste {} nach {page} Seiten abgeschnitten",
                    list_name(&list)
                ));
            } else {
                lists.push_back((n, kind, list, page + 1));
            }
        }
    }
    // objects referenced but not delivered in lists: fetch them singly
    let mut rounds = 0;
    loop {
        let missing = missing_references(&index);
        let missing: Vec<(String, &'static str)> = missing
            .into_iter()
            .filter(|(u, _)| !fetched.contains(&fix(u)))
            .collect();
        if missing.is_empty() || rounds > 3 {
            break;
        }
        rounds += 1;
        for (url, kind) in missing {
            if index.bytes >= limits.max_total_bytes {
                run_cut(&mut index, RunStop::Bytes);
                return index;
            }
            match fetch(
                &client,
                &fix(&url),
                &mut index,
                &mut fetched,
                limits,
                deadline,
            )
            .await
            {
                Fetched::Ok(doc) => {
                    index.add_document(doc, Some(kind), &url);
                    progress(index.objects.len());
                }
                Fetched::Failed => index.incomplete = true,
                Fetched::Stop(why) => {
                    run_cut(&mut index, why);
                    return index;
                }
            }
        }
    }
    index
}

/// When an object's id differs from the URL it was fetched from only in
/// a prefix, the rule (id prefix, working prefix) that maps one to the other.
pub fn rebase_rule(id: &str, fetched_from: &str) -> Option<(String, String)> {
    let (id, url) = (id.trim_end_matches('/'), fetched_from.trim_end_matches('/'));
    if id == url {
        return None;
    }
    let common = id
        .bytes()
        .rev()
        .zip(url.bytes().rev())
        .take_while(|(a, b)| a == b)
        .count();
    // the shared tail, cut back to whole path segments ("/oparl/system")
    let tail = &id[id.len() - common..];
    let start = tail.find('/')?;
    let common = common - start;
    if common <= 1 {
        return None;
    }
    let from = format!("{}/", &id[..id.len() - common]);
    let to = format!("{}/", &url[..url.len() - common]);
    (from != to).then_some((from, to))
}

/// References to objects the import needs but the index lacks.
pub fn missing_references(index: &Index) -> Vec<(String, &'static str)> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for (id, v) in &index.objects {
        let kind = index.kinds.get(id).copied().unwrap_or("");
        let refs: &[(&str, &'static str)] = match kind {
            "Meeting" => &[("organization", "Organization")],
            "Consultation" => &[
                ("paper", "Paper"),
                ("organization", "Organization"),
                ("agendaItem", "AgendaItem"),
                ("meeting", "Meeting"),
            ],
            "Membership" => &[("organization", "Organization"), ("person", "Person")],
            "Paper" => &[("body", "Body")],
            "Organization" => &[("body", "Body")],
            "Person" => &[("body", "Body")],
            _ => &[],
        };
        for (field, t) in refs {
            let urls: Vec<String> = match v.get(*field) {
                Some(Value::String(s)) => vec![s.clone()],
                Some(Value::Array(a)) => a
                    .iter()
                    .filter_map(|x| x.as_str().map(str::to_string))
                    .collect(),
                _ => Vec::new(),
            };
            for u in urls {
                if !u.is_empty() && !index.objects.contains_key(&u) && seen.insert(u.clone()) {
                    out.push((u, *t));
                }
            }
        }
    }
    out.sort();
    out
}

/// Why the whole crawl stops.
#[derive(Debug, Clone, Copy)]
enum RunStop {
    Time,
    Bytes,
}

enum Fetched {
    Ok(Value),
    /// this URL failed (recorded as a problem or cut); the crawl goes on
    Failed,
    /// a limit of the whole run was reached
    Stop(RunStop),
}

/// One HTTP answer, read in chunks and never beyond `max` bytes.
enum Read {
    Body(Vec<u8>),
    /// larger than allowed (the answer is dropped)
    TooLarge,
    Status(reqwest::StatusCode),
    Error(reqwest::Error),
}

async fn read_capped(client: &reqwest::Client, url: &str, max: u64, read: &mut u64) -> Read {
    let mut r = match client.get(url).send().await {
        Ok(r) => r,
        Err(e) => return Read::Error(e),
    };
    if !r.status().is_success() {
        return Read::Status(r.status());
    }
    // a declared size beyond the limit is not even started
    if r.content_length().is_some_and(|n| n > max) {
        return Read::TooLarge;
    }
    let mut buf: Vec<u8> = Vec::with_capacity(r.content_length().unwrap_or(0).min(max) as usize);
    loop {
        match r.chunk().await {
            Ok(Some(chunk)) => {
                *read += chunk.len() as u64;
                if buf.len() as u64 + chunk.len() as u64 > max {
                    // dropping the response closes the connection
                    return Read::TooLarge;
                }
                buf.extend_from_slice(&chunk);
            }
            Ok(None) => return Read::Body(buf),
            Err(e) => return Read::Error(e),
        }
    }
}

async fn fetch(
    client: &reqwest::Client,
    url: &str,
    index: &mut Index,
    fetched: &mut HashSet<String>,
    limits: &Limits,
    deadline: tokio::time::Instant,
) -> Fetched {
    fetched.insert(url.to_string());
    let mut last = String::new();
    let mut timed_out = false;
    for attempt in 0..3 {
        if attempt > 0 {
            tokio::time::sleep_until(
                (tokio::time::Instant::now() + Duration::from_millis(200 << attempt)).min(deadline),
            )
            .await;
        }
        let now = tokio::time::Instant::now();
        if now >= deadline {
            return Fetched::Stop(RunStop::Time);
        }
        // one deadline for connecting, headers and the whole body: a
        // server that drips its answer cannot hold the run
        let budget = limits.timeout.min(deadline - now);
        let mut read = 0u64;
        let result = tokio::time::timeout(
            budget,
            read_capped(client, url, limits.max_response_bytes, &mut read),
        )
        .await;
        index.bytes += read;
        let result = match result {
            Ok(r) => r,
            Err(_) if budget < limits.timeout => return Fetched::Stop(RunStop::Time),
            Err(_) => {
                last = "Zeitüberschreitung".into();
                timed_out = true;
                continue;
            }
        };
        match result {
            Read::Body(bytes) => {
                index.documents += 1;
                let text = String::from_utf8_lossy(&bytes);
                return match parse_json(&text) {
                    Ok(v) => Fetched::Ok(v),
                    Err(e) => {
                        index.problem(url, format!("Antwort ist kein JSON ({e})"));
                        Fetched::Failed
                    }
                };
            }
            Read::TooLarge => {
                index.problem(
                    url,
                    format!("Antwort größer als {}", mb(limits.max_response_bytes)),
                );
                index.cut(format!(
                    "Antwort von {url} größer als {}: nicht übernommen",
                    mb(limits.max_response_bytes)
                ));
                return Fetched::Failed;
            }
            Read::Status(s) if s.is_server_error() || s.as_u16() == 429 => {
                last = format!("HTTP {}", s.as_u16());
                timed_out = false;
            }
            Read::Status(s) => {
                index.problem(url, format!("HTTP {}", s.as_u16()));
                return Fetched::Failed;
            }
            Read::Error(e) if e.is_redirect() => {
                index.problem(url, "zu viele Weiterleitungen (Schleife?)");
                return Fetched::Failed;
            }
            Read::Error(e) if e.is_timeout() => {
                last = "Zeitüberschreitung".into();
                timed_out = true;
            }
            Read::Error(e) => {
                last = format!("nicht erreichbar: {e}");
                timed_out = false;
            }
        }
    }
    index.problem(url, format!("{last} (nach 3 Versuchen)"));
    if timed_out {
        index.cut(format!(
            "Antwort von {url} nicht binnen {} s vollständig: nicht übernommen",
            limits.timeout.as_secs()
        ));
    }
    Fetched::Failed
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
