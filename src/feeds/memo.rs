//! Rendered feed events kept between requests, per meeting and audience.
//!
//! A calendar feed of a committee holds a hundred meetings or more, each
//! with its agenda in the description; building all of them per request
//! means reading and numbering thousands of agenda items. The memo keeps
//! each meeting's finished VEVENT block together with everything it was
//! built from: the meeting row, the names of its organization, body and
//! place, and the meeting's agenda version (a counter that a database
//! trigger raises on every insert, update or delete of one of its agenda
//! items, whoever writes). A block is reused only while all of these are
//! equal to what the request has just read from the database, so a change
//! shows in the very next request, on every app server, without a shared
//! cache. This is independent of the page cache (`page_cache`), which
//! keeps whole pages and drops all of them on any write.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::access::Audience;
use crate::db::models::Meeting;

use super::Names;

/// At most this many blocks are kept (about 1.5 KB each); when full, the
/// memo starts again from empty.
pub const MAX_ENTRIES: usize = 20_000;

/// What a block was built from.
#[derive(Debug, Clone, PartialEq)]
pub struct Key {
    pub meeting: Meeting,
    pub names: Names,
    pub agenda_version: i64,
    pub audience: Audience,
}

/// Meeting id and whether the non-public part is shown.
type Slot = (i64, bool);

#[derive(Default)]
pub struct EventMemo {
    entries: Mutex<HashMap<Slot, (Key, Arc<str>)>>,
}

fn slot(key: &Key) -> Slot {
    (key.meeting.id, key.audience == Audience::Full)
}

impl EventMemo {
    /// The kept block of each key, where it was built from equal data.
    pub fn lookup(&self, keys: &[Key]) -> Vec<Option<Arc<str>>> {
        let Ok(entries) = self.entries.lock() else {
            return vec![None; keys.len()];
        };
        keys.iter()
            .map(|k| {
                entries
                    .get(&slot(k))
                    .filter(|(kept, _)| kept == k)
                    .map(|(_, text)| text.clone())
            })
            .collect()
    }

    /// Keep freshly built blocks (replacing older ones of the same meeting).
    pub fn keep(&self, built: Vec<(Key, Arc<str>)>) {
        let Ok(mut entries) = self.entries.lock() else {
            return;
        };
        if entries.len() + built.len() > MAX_ENTRIES {
            entries.clear();
        }
        for (key, text) in built {
            entries.insert(slot(&key), (key, text));
        }
    }

    pub fn len(&self) -> usize {
        self.entries.lock().map(|e| e.len()).unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
