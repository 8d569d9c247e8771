//! OParl 1.1 export: URLs, date formats, list parameters and the JSON
//! objects (in `objects.rs`). Everything here is public: non-public agenda
//! items, papers and files never appear; deleted objects appear as
//! `deleted: true` stubs (in lists only under `modified_since`).
//! Our richer data goes into properties prefixed `gremium:` (docs/OPARL.md).

pub mod objects;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime};

/// Namespace of the OParl 1.1 types.
pub const NS: &str = "https://schema.oparl.org/1.1/";
/// Page size when the client asks for none, and the most we hand out.
pub const DEFAULT_LIMIT: i64 = 100;
pub const MAX_LIMIT: i64 = 500;

pub fn type_uri(name: &str) -> String {
    format!("{NS}{name}")
}

/// Builds every URL of the API from the configured public base URL.
#[derive(Debug, Clone)]
pub struct Urls {
    /// e.g. `https://ratsinfo.example.de`
    pub site: String,
    /// e.g. `https://ratsinfo.example.de/oparl/v1.1`
    pub api: String,
}

impl Urls {
    pub fn new(base_url: &str) -> Urls {
        let site = base_url.trim_end_matches('/').to_string();
        Urls {
            api: format!("{site}/oparl/v1.1"),
            site,
        }
    }
    pub fn system(&self) -> String {
        format!("{}/system", self.api)
    }
    pub fn bodies(&self) -> String {
        format!("{}/body", self.api)
    }
    /// An object under its own URL: `kind` is the lower-case type name.
    pub fn object(&self, kind: &str, id: i64) -> String {
        format!("{}/{kind}/{id}", self.api)
    }
    /// One of a body's external lists (`organization`, `agendaItem`, …).
    pub fn list(&self, body: i64, name: &str) -> String {
        format!("{}/body/{body}/{name}", self.api)
    }
    /// A page of the portal for people (`web` property).
    pub fn web(&self, path: &str) -> String {
        format!("{}{path}", self.site)
    }
}

/// The Berlin offset of a UTC timestamp: `2021-02-23T17:00:00+01:00`.
pub fn datetime(utc: NaiveDateTime) -> String {
    let local: DateTime<FixedOffset> = crate::base::dates::berlin(utc).fixed_offset();
    local.format("%Y-%m-%dT%H:%M:%S%:z").to_string()
}

pub fn date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

pub use crate::base::dates::parse_datetime;

/// The parameters every external list understands.
#[derive(Debug, Clone, Default)]
pub struct ListParams {
    pub created_since: Option<NaiveDateTime>,
    pub created_until: Option<NaiveDateTime>,
    pub modified_since: Option<NaiveDateTime>,
    pub modified_until: Option<NaiveDateTime>,
    pub omit_internal: bool,
    pub limit: i64,
    pub page: i64,
    /// the filters as given, to repeat them in the `links` URLs
    pub raw: Vec<(String, String)>,
}

impl ListParams {
    /// From the query string; a malformed value is an error naming it.
    pub fn parse(query: &[(String, String)]) -> Result<ListParams, String> {
        let mut p = ListParams {
            limit: DEFAULT_LIMIT,
            page: 1,
            ..Default::default()
        };
        for (k, v) in query {
            let dt = |v: &str| {
                parse_datetime(v).ok_or_else(|| {
                    format!(
                        "Der Parameter {k} erwartet Datum und Uhrzeit wie 2021-01-01T00:00:00+01:00, nicht „{}“.",
                        crate::base::text::shorten(v)
                    )
                })
            };
            match k.as_str() {
                "created_since" => p.created_since = Some(dt(v)?),
                "created_until" => p.created_until = Some(dt(v)?),
                "modified_since" => p.modified_since = Some(dt(v)?),
                "modified_until" => p.modified_until = Some(dt(v)?),
                "omit_internal" => {
                    p.omit_internal = match v.as_str() {
                        "true" | "1" => true,
                        "false" | "0" | "" => false,
                        _ => return Err("omit_internal erwartet true oder false.".into()),
                    }
                }
                "limit" => {
                    p.limit = v
                        .parse::<i64>()
                        .ok()
                        .filter(|n| *n > 0)
                        .ok_or("limit erwartet eine positive ganze Zahl.")?
                        .min(MAX_LIMIT);
                }
                "page" => {
                    p.page = v
                        .parse::<i64>()
                        .ok()
                        .filter(|n| *n > 0)
                        .ok_or("page erwartet eine positive ganze Zahl.")?;
                }
                _ => continue,
            }
            if k != "page" {
                p.raw.push((k.clone(), v.clone()));
            }
        }
        // one canonical spelling: parameters sorted by name
        p.raw.sort();
        Ok(p)
    }

    pub fn offset(&self) -> i64 {
        (self.page - 1).saturating_mul(self.limit)
    }

    /// The list URL for page `n` with all filters kept.
    pub fn page_url(&self, list: &str, n: i64) -> String {
        let mut q: Vec<String> = self
            .raw
            .iter()
            .map(|(k, v)| format!("{k}={}", encode(v)))
            .collect();
        if n > 1 {
            q.push(format!("page={n}"));
        }
        if q.is_empty() {
            list.to_string()
        } else {
            format!("{list}?{}", q.join("&"))
        }
    }

    /// Deleted objects only appear when `modified_since` is given.
    pub fn with_deleted(&self) -> bool {
        self.modified_since.is_some()
    }
}

pub use crate::base::urls::encode;

/// A list page: data, pagination, links.
pub fn list_page(
    list_url: &str,
    params: &ListParams,
    data: Vec<serde_json::Value>,
    total: i64,
    web: Option<String>,
) -> serde_json::Value {
    let pages = ((total + params.limit - 1) / params.limit).max(1);
    let mut links = serde_json::Map::new();
    links.insert("first".into(), params.page_url(list_url, 1).into());
    links.insert("last".into(), params.page_url(list_url, pages).into());
    links.insert("self".into(), params.page_url(list_url, params.page).into());
    if params.page > 1 {
        links.insert(
            "prev".into(),
            params
                .page_url(list_url, (params.page - 1).min(pages))
                .into(),
        );
    }
    if params.page < pages {
        links.insert(
            "next".into(),
            params.page_url(list_url, params.page + 1).into(),
        );
    }
    if let Some(w) = web {
        links.insert("web".into(), w.into());
    }
    serde_json::json!({
        "data": data,
        "pagination": {
            "totalElements": total,
            "elementsPerPage": params.limit,
            "currentPage": params.page,
            "totalPages": pages,
        },
        "links": links,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_are_kept_in_the_links_sorted_and_encoded() {
        let q = vec![
            (
                "modified_since".to_string(),
                "2021-01-01T00:00:00+01:00".to_string(),
            ),
            ("limit".to_string(), "2".to_string()),
            ("page".to_string(), "2".to_string()),
        ];
        let p = ListParams::parse(&q).expect("valid");
        assert_eq!(p.limit, 2);
        assert_eq!(p.offset(), 2);
        assert_eq!(
            p.page_url("https://x/l", 3),
            "https://x/l?limit=2&modified_since=2021-01-01T00%3A00%3A00%2B01%3A00&page=3"
        );
        let page = list_page("https://x/l", &p, vec![], 5, None);
        assert_eq!(page["pagination"]["totalPages"], 3);
        assert!(page["links"]["next"].as_str().is_some());
        let last = ListParams::parse(&[("page".into(), "3".into()), ("limit".into(), "2".into())])
            .expect("valid");
        assert!(list_page("https://x/l", &last, vec![], 5, None)["links"]
            .get("next")
            .is_none());
        assert!(ListParams::parse(&[("created_since".into(), "gestern".into())]).is_err());
        assert!(ListParams::parse(&[("limit".into(), "-1".into())]).is_err());
    }

    #[test]
    fn datetimes_carry_the_berlin_offset() {
        let t = NaiveDate::from_ymd_opt(2021, 2, 23)
            .and_then(|d| d.and_hms_opt(16, 0, 0))
            .expect("date");
        assert_eq!(datetime(t), "2021-02-23T17:00:00+01:00");
        assert_eq!(parse_datetime("2021-02-23T17:00:00+01:00"), Some(t));
        assert_eq!(parse_datetime("2021-02-23T16:00:00Z"), Some(t));
        assert_eq!(
            parse_datetime("2021-02-23T17:00:00 01:00"),
            Some(t),
            "unencoded +"
        );
    }
}
