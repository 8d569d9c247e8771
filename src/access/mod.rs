//! Who may see what. Every page decides visibility through this module,
//! so the public/non-public rule lives in one place.

pub mod agenda;
pub mod files;

use crate::db::models::{AgendaItem, File, Paper};

/// The audience a page is rendered for. The public portal renders for
/// `Public`; entitled members (back-office issue) will get `Full`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    Public,
    Full,
}

impl Audience {
    pub fn sees_paper(self, p: &Paper) -> bool {
        p.deleted_at.is_none() && (self == Audience::Full || p.public)
    }

    /// An item is visible if it and its parent are public.
    pub fn sees_item(self, item: &AgendaItem, parent_public: bool) -> bool {
        item.deleted_at.is_none() && (self == Audience::Full || (item.public && parent_public))
    }

    pub fn sees_file(self, f: &File) -> bool {
        f.deleted_at.is_none() && (self == Audience::Full || f.public)
    }
}
