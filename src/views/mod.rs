//! View models: what templates get. Built from rows, formatted for German
//! readers (dates in Europe/Berlin), never carrying what the audience may
//! not see.

pub mod agenda;
pub mod meetings;
pub mod timeline;

/// Pagination numbers for list pages.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Pager {
    pub page: i64,
    pub pages: i64,
    pub total: i64,
    pub prev: Option<i64>,
    pub next: Option<i64>,
}

impl Pager {
    pub fn new(page: i64, per_page: i64, total: i64) -> Pager {
        let pages = ((total + per_page - 1) / per_page).max(1);
        Pager {
            page,
            pages,
            total,
            prev: (page > 1).then_some(page - 1),
            next: (page < pages).then_some(page + 1),
        }
    }
}

/// Subscribe links of a calendar feed for the page that advertises it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FeedLinks {
    /// the feed's https/http address (also for "copy the address")
    pub url: String,
    /// webcal:// opens the system calendar app
    pub webcal: String,
    pub google: String,
    pub outlook: String,
    pub name: String,
}

impl FeedLinks {
    pub fn new(base_url: &str, path: &str, name: &str) -> FeedLinks {
        let url = format!("{base_url}{path}");
        let webcal = match url.split_once("://") {
            Some((_, rest)) => format!("webcal://{rest}"),
            None => url.clone(),
        };
        let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
        FeedLinks {
            google: format!(
                "https://calendar.google.com/calendar/render?cid={}",
                enc(&webcal)
            ),
            outlook: format!(
                "https://outlook.live.com/calendar/0/addfromweb?url={}&name={}",
                enc(&url),
                enc(name)
            ),
            webcal,
            url,
            name: name.to_string(),
        }
    }
}

/// A file in the back-office editors' file tables.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FileRow {
    pub id: i64,
    pub name: String,
    pub file_name: String,
    /// the download address (`base::urls::file_url`)
    pub url: String,
    pub size: String,
    pub public: bool,
    /// the state of its text for the search ("Text ausstehend", …)
    pub text: Option<String>,
}

impl FileRow {
    pub fn of(f: crate::db::models::File) -> FileRow {
        FileRow {
            id: f.id,
            url: crate::base::urls::file_url(f.id, &f.file_name),
            size: human_size(f.size),
            text: text_label(f.text_status.as_deref(), f.text_error.as_deref()),
            name: f.name,
            file_name: f.file_name,
            public: f.public,
        }
    }
}

/// The text state of an attachment in German (None: not a PDF).
pub fn text_label(status: Option<&str>, error: Option<&str>) -> Option<String> {
    Some(match status? {
        "pending" => "Text ausstehend".to_string(),
        "text" => "Text durchsuchbar".to_string(),
        "scan" => "kein Text – gescannt".to_string(),
        _ => match error {
            Some(e) => format!("kein Text: {e}"),
            None => "kein Text".to_string(),
        },
    })
}

/// "1,5 MB" / "12 KB" for file lists.
pub fn human_size(bytes: i64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / 1024.0 / 1024.0).replace('.', ",")
    } else {
        format!("{} KB", (bytes + 1023) / 1024)
    }
}
