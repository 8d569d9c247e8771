//! Rows as read from the database. Insertable structs live beside the
//! queries that write them.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use super::schema::*;

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = bodies)]
pub struct Body {
    pub id: i64,
    pub key: String,
    pub name: String,
    pub short_name: String,
    pub kind: String,
    pub parent_body_id: Option<i64>,
    pub website: Option<String>,
    pub ags: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub deleted_at: Option<NaiveDateTime>,
    pub paper_reference_pattern: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = legislative_terms)]
pub struct LegislativeTerm {
    pub id: i64,
    pub body_id: i64,
    pub name: String,
    pub start_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub deleted_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = locations)]
pub struct Location {
    pub id: i64,
    pub body_id: i64,
    pub description: String,
    pub room: Option<String>,
    pub street_address: Option<String>,
    pub postal_code: Option<String>,
    pub locality: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub deleted_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = organizations)]
pub struct Organization {
    pub id: i64,
    pub body_id: i64,
    pub name: String,
    pub short_name: Option<String>,
    pub kind: String,
    pub parent_id: Option<i64>,
    pub location_id: Option<i64>,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    pub website: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub deleted_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = persons)]
pub struct Person {
    pub id: i64,
    pub body_id: i64,
    pub family_name: String,
    pub given_name: String,
    pub title: Option<String>,
    pub form_of_address: Option<String>,
    pub affix: Option<String>,
    pub party: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub deleted_at: Option<NaiveDateTime>,
}

impl Person {
    /// "Dr. Thomas Wenning"
    pub fn display_name(&self) -> String {
        let mut s = String::new();
        if let Some(t) = self.title.as_deref().filter(|t| !t.is_empty()) {
            s.push_str(t);
            s.push(' ');
        }
        s.push_str(&self.given_name);
        if !self.given_name.is_empty() {
            s.push(' ');
        }
        s.push_str(&self.family_name);
        s
    }

    /// "Wenning, Dr. Thomas" for sorted lists.
    pub fn sort_name(&self) -> String {
        format!("{}, {}", self.family_name, self.given_name)
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = memberships)]
pub struct Membership {
    pub id: i64,
    pub person_id: i64,
    pub organization_id: i64,
    pub role: String,
    pub voting_right: bool,
    pub on_behalf_of_id: Option<i64>,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub deleted_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = meetings)]
pub struct Meeting {
    pub id: i64,
    pub body_id: i64,
    pub organization_id: i64,
    pub name: String,
    pub number: Option<String>,
    pub start_at: NaiveDateTime,
    pub end_at: Option<NaiveDateTime>,
    pub location_id: Option<i64>,
    pub state: String,
    pub sequence: i32,
    pub minutes_approved_at: Option<NaiveDateTime>,
    pub minutes_published_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub deleted_at: Option<NaiveDateTime>,
    pub version: i32,
    pub invited_at: Option<NaiveDateTime>,
    pub reminded_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = papers)]
pub struct Paper {
    pub id: i64,
    pub body_id: i64,
    pub reference: String,
    pub paper_type: String,
    pub title: String,
    pub file_number: Option<String>,
    pub date: NaiveDate,
    pub lead_organization_id: Option<i64>,
    pub proposal: Option<String>,
    pub reasoning: Option<String>,
    pub public: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub deleted_at: Option<NaiveDateTime>,
    pub version: i32,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = agenda_items)]
pub struct AgendaItem {
    pub id: i64,
    pub meeting_id: i64,
    pub parent_id: Option<i64>,
    pub public: bool,
    pub position: i32,
    pub title: String,
    pub paper_id: Option<i64>,
    pub outcome: Option<String>,
    pub votes_yes: Option<i32>,
    pub votes_no: Option<i32>,
    pub votes_abstain: Option<i32>,
    pub votes_absent: Option<i32>,
    pub resolution_text: Option<String>,
    pub minutes_text: Option<String>,
    pub deferred_to_meeting_id: Option<i64>,
    pub deferred_to_next: bool,
    pub continues_agenda_item_id: Option<i64>,
    pub referred_to_organization_id: Option<i64>,
    pub supplement: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub deleted_at: Option<NaiveDateTime>,
    pub version: i32,
    /// the original result text of an imported item (OParl `result`)
    pub result_text: Option<String>,
}

impl AgendaItem {
    /// An item with only what numbering, visibility and order need (and its
    /// title); texts, results and times stay empty. For feeds that load
    /// just these columns, and for tests of the numbering.
    pub fn outline(
        id: i64,
        meeting_id: i64,
        parent_id: Option<i64>,
        public: bool,
        position: i32,
        title: String,
    ) -> AgendaItem {
        AgendaItem {
            id,
            meeting_id,
            parent_id,
            public,
            position,
            title,
            paper_id: None,
            outcome: None,
            votes_yes: None,
            votes_no: None,
            votes_abstain: None,
            votes_absent: None,
            resolution_text: None,
            minutes_text: None,
            deferred_to_meeting_id: None,
            deferred_to_next: false,
            continues_agenda_item_id: None,
            referred_to_organization_id: None,
            supplement: false,
            created_at: NaiveDateTime::default(),
            updated_at: NaiveDateTime::default(),
            deleted_at: None,
            version: 0,
            result_text: None,
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = consultations)]
pub struct Consultation {
    pub id: i64,
    pub paper_id: i64,
    pub organization_id: i64,
    pub meeting_id: Option<i64>,
    pub agenda_item_id: Option<i64>,
    pub role: String,
    pub position: i32,
    pub authoritative: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub deleted_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = agenda_item_faction_votes)]
pub struct FactionVote {
    pub id: i64,
    pub agenda_item_id: i64,
    pub faction_id: i64,
    pub votes_yes: i32,
    pub votes_no: i32,
    pub votes_abstain: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = agenda_item_person_votes)]
pub struct PersonVote {
    pub id: i64,
    pub agenda_item_id: i64,
    pub person_id: i64,
    pub vote: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = follow_ups)]
pub struct FollowUp {
    pub id: i64,
    pub origin_agenda_item_id: i64,
    pub organization_id: i64,
    pub due_meeting_id: Option<i64>,
    pub description: String,
    pub requested_by_person_id: Option<i64>,
    pub answered_by_agenda_item_id: Option<i64>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = files)]
pub struct File {
    pub id: i64,
    pub body_id: i64,
    pub name: String,
    pub file_name: String,
    pub mime_type: String,
    pub size: i64,
    pub sha256: Option<String>,
    pub storage_path: Option<String>,
    pub text_content: Option<String>,
    pub public: bool,
    pub paper_id: Option<i64>,
    pub meeting_id: Option<i64>,
    pub agenda_item_id: Option<i64>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub deleted_at: Option<NaiveDateTime>,
    pub concept_id: Option<i64>,
    /// `pending`, `text`, `scan`, `failed`; None: not a PDF
    pub text_status: Option<String>,
    /// why no text could be read (German)
    pub text_error: Option<String>,
}

impl Organization {
    /// Holds meetings (Rat/Kreistag, Ausschuss, Beirat), unlike factions,
    /// departments and external bodies.
    pub fn is_gremium(&self) -> bool {
        crate::domain::OrganizationKind::from_key(&self.kind).is_some_and(|k| k.is_gremium())
    }
}
