//! Crawling a server over HTTP: System, bodies, their lists page by page,
//! then every referenced object not yet seen; each answer read in chunks
//! and bounded by the crawl's `Limits`.

use std::collections::{HashSet, VecDeque};
use std::time::Duration;

use super::{mb, number_de, parse_json, Index, Limits};
use serde_json::Value;

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
