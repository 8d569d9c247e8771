//! View models: what templates get. Built from rows, formatted for German
//! readers (dates in Europe/Berlin), never carrying what the audience may
//! not see.

pub mod agenda;
pub mod meetings;
pub mod timeline;

use chrono::{Datelike, NaiveDate, NaiveDateTime, TimeZone};
use chrono_tz::Europe::Berlin;

const WEEKDAYS: [&str; 7] = [
    "Montag",
    "Dienstag",
    "Mittwoch",
    "Donnerstag",
    "Freitag",
    "Samstag",
    "Sonntag",
];
const WEEKDAYS_SHORT: [&str; 7] = ["Mo", "Di", "Mi", "Do", "Fr", "Sa", "So"];
pub const MONTHS: [&str; 12] = [
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
];

/// A stored UTC time as a time in Berlin.
pub fn berlin(utc: NaiveDateTime) -> chrono::DateTime<chrono_tz::Tz> {
    Berlin.from_utc_datetime(&utc)
}

/// A Berlin wall-clock time as stored UTC (the earlier instant when ambiguous).
pub fn berlin_to_utc(local: NaiveDateTime) -> Option<NaiveDateTime> {
    Berlin
        .from_local_datetime(&local)
        .earliest()
        .map(|d| d.naive_utc())
}

/// "Dienstag, 24. November 2020"
pub fn date_long(utc: NaiveDateTime) -> String {
    let d = berlin(utc);
    format!(
        "{}, {}. {} {}",
        WEEKDAYS[d.weekday().num_days_from_monday() as usize],
        d.day(),
        MONTHS[d.month0() as usize],
        d.year()
    )
}

/// "Di., 24.11.2020"
pub fn date_short(utc: NaiveDateTime) -> String {
    let d = berlin(utc);
    format!(
        "{}., {}",
        WEEKDAYS_SHORT[d.weekday().num_days_from_monday() as usize],
        d.format("%d.%m.%Y")
    )
}

/// "17:00"
pub fn time(utc: NaiveDateTime) -> String {
    berlin(utc).format("%H:%M").to_string()
}

/// "2020-11-24T17:00:00+01:00" for `<time datetime>`
pub fn iso(utc: NaiveDateTime) -> String {
    berlin(utc).to_rfc3339()
}

/// "24.11.2020"
pub fn date(d: NaiveDate) -> String {
    d.format("%d.%m.%Y").to_string()
}

/// Today in Berlin.
pub fn today() -> NaiveDate {
    berlin(chrono::Utc::now().naive_utc()).date_naive()
}

/// Files the audience may see: the file itself is public and so is what it
/// is attached to (its paper, its agenda item with all parents). Batched.
pub fn visible_files(
    conn: &mut crate::db::DbConnection,
    files: Vec<crate::db::models::File>,
    audience: crate::access::Audience,
) -> diesel::QueryResult<Vec<crate::db::models::File>> {
    let paper_ids: Vec<i64> = files.iter().filter_map(|f| f.paper_id).collect();
    let papers = crate::db::papers::by_ids(conn, &paper_ids)?;
    let item_ids: Vec<i64> = files.iter().filter_map(|f| f.agenda_item_id).collect();
    let items = crate::db::agenda_items::by_ids(conn, &item_ids)?;
    let meeting_ids: Vec<i64> = items.values().map(|a| a.meeting_id).collect();
    let context = crate::db::agenda_items::for_meetings(conn, &meeting_ids)?;
    let (_, visible_items) = agenda::number_and_filter(&context, audience);
    let concept_ids: Vec<i64> = files.iter().filter_map(|f| f.concept_id).collect();
    let concepts = crate::db::concepts::by_ids(conn, &concept_ids)?;
    Ok(files
        .into_iter()
        .filter(|f| audience.sees_file(f))
        .filter(|f| {
            f.paper_id
                .is_none_or(|p| papers.get(&p).is_some_and(|p| audience.sees_paper(p)))
        })
        .filter(|f| f.agenda_item_id.is_none_or(|a| visible_items.contains(&a)))
        .filter(|f| f.concept_id.is_none_or(|k| concepts.contains_key(&k)))
        .collect())
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summer_and_winter_evenings_are_18_00_in_berlin() {
        let july = NaiveDate::from_ymd_opt(2026, 7, 14)
            .and_then(|d| d.and_hms_opt(16, 0, 0))
            .expect("date");
        let january = NaiveDate::from_ymd_opt(2026, 1, 13)
            .and_then(|d| d.and_hms_opt(17, 0, 0))
            .expect("date");
        assert_eq!(time(july), "18:00");
        assert_eq!(time(january), "18:00");
        assert_eq!(iso(july), "2026-07-14T18:00:00+02:00");
        assert_eq!(date_long(january), "Dienstag, 13. Januar 2026");
        let local = NaiveDate::from_ymd_opt(2026, 7, 14)
            .and_then(|d| d.and_hms_opt(18, 0, 0))
            .expect("date");
        assert_eq!(berlin_to_utc(local), Some(july));
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
    pub size: String,
    pub public: bool,
    /// the state of its text for the search ("Text ausstehend", …)
    pub text: Option<String>,
}

impl FileRow {
    pub fn of(f: crate::db::models::File) -> FileRow {
        FileRow {
            id: f.id,
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
