//! Insertable rows and their insert functions (returning the new id).
//! Used by the demo loader now and by the back office later.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::schema::*;
use super::DbConnection;

macro_rules! insert_fn {
    ($fn_name:ident, $new:ident, $table:ident) => {
        pub fn $fn_name(conn: &mut DbConnection, row: &$new) -> QueryResult<i64> {
            diesel::insert_into($table::table)
                .values(row)
                .returning($table::id)
                .get_result(conn)
        }
    };
}

#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(treat_none_as_null = true)]
#[diesel(table_name = bodies)]
pub struct NewBody {
    pub key: String,
    pub name: String,
    pub short_name: String,
    pub kind: String,
    pub parent_body_id: Option<i64>,
    pub website: Option<String>,
    pub ags: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}
insert_fn!(insert_body, NewBody, bodies);

#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(treat_none_as_null = true)]
#[diesel(table_name = legislative_terms)]
pub struct NewLegislativeTerm {
    pub body_id: i64,
    pub name: String,
    pub start_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}
insert_fn!(
    insert_legislative_term,
    NewLegislativeTerm,
    legislative_terms
);

#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(treat_none_as_null = true)]
#[diesel(table_name = locations)]
pub struct NewLocation {
    pub body_id: i64,
    pub description: String,
    pub room: Option<String>,
    pub street_address: Option<String>,
    pub postal_code: Option<String>,
    pub locality: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}
insert_fn!(insert_location, NewLocation, locations);

#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(treat_none_as_null = true)]
#[diesel(table_name = organizations)]
pub struct NewOrganization {
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
}
insert_fn!(insert_organization, NewOrganization, organizations);

#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(treat_none_as_null = true)]
#[diesel(table_name = persons)]
pub struct NewPerson {
    pub body_id: i64,
    pub family_name: String,
    pub given_name: String,
    pub title: Option<String>,
    pub form_of_address: Option<String>,
    pub affix: Option<String>,
    pub party: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}
insert_fn!(insert_person, NewPerson, persons);

#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(treat_none_as_null = true)]
#[diesel(table_name = memberships)]
pub struct NewMembership {
    pub person_id: i64,
    pub organization_id: i64,
    pub role: String,
    pub voting_right: bool,
    pub on_behalf_of_id: Option<i64>,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}
insert_fn!(insert_membership, NewMembership, memberships);

#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(treat_none_as_null = true)]
#[diesel(table_name = meetings)]
pub struct NewMeeting {
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
}
insert_fn!(insert_meeting, NewMeeting, meetings);

#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(treat_none_as_null = true)]
#[diesel(table_name = meeting_organizations)]
pub struct NewMeetingOrganization {
    pub meeting_id: i64,
    pub organization_id: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}
insert_fn!(
    insert_meeting_organization,
    NewMeetingOrganization,
    meeting_organizations
);

#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(treat_none_as_null = true)]
#[diesel(table_name = papers)]
pub struct NewPaper {
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
}
insert_fn!(insert_paper, NewPaper, papers);

#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(treat_none_as_null = true)]
#[diesel(table_name = paper_originators)]
pub struct NewPaperOriginator {
    pub paper_id: i64,
    pub organization_id: Option<i64>,
    pub person_id: Option<i64>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}
insert_fn!(
    insert_paper_originator,
    NewPaperOriginator,
    paper_originators
);

#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(treat_none_as_null = true)]
#[diesel(table_name = paper_relations)]
pub struct NewPaperRelation {
    pub paper_id: i64,
    pub related_paper_id: i64,
    pub kind: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}
insert_fn!(insert_paper_relation, NewPaperRelation, paper_relations);

#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(treat_none_as_null = true)]
#[diesel(table_name = agenda_items)]
pub struct NewAgendaItem {
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
}
insert_fn!(insert_agenda_item, NewAgendaItem, agenda_items);

#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(treat_none_as_null = true)]
#[diesel(table_name = consultations)]
pub struct NewConsultation {
    pub paper_id: i64,
    pub organization_id: i64,
    pub meeting_id: Option<i64>,
    pub agenda_item_id: Option<i64>,
    pub role: String,
    pub position: i32,
    pub authoritative: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}
insert_fn!(insert_consultation, NewConsultation, consultations);

#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(treat_none_as_null = true)]
#[diesel(table_name = agenda_item_faction_votes)]
pub struct NewFactionVote {
    pub agenda_item_id: i64,
    pub faction_id: i64,
    pub votes_yes: i32,
    pub votes_no: i32,
    pub votes_abstain: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}
insert_fn!(
    insert_faction_vote,
    NewFactionVote,
    agenda_item_faction_votes
);

#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(treat_none_as_null = true)]
#[diesel(table_name = agenda_item_person_votes)]
pub struct NewPersonVote {
    pub agenda_item_id: i64,
    pub person_id: i64,
    pub vote: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}
insert_fn!(insert_person_vote, NewPersonVote, agenda_item_person_votes);

#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(treat_none_as_null = true)]
#[diesel(table_name = follow_ups)]
pub struct NewFollowUp {
    pub origin_agenda_item_id: i64,
    pub organization_id: i64,
    pub due_meeting_id: Option<i64>,
    pub description: String,
    pub requested_by_person_id: Option<i64>,
    pub answered_by_agenda_item_id: Option<i64>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}
insert_fn!(insert_follow_up, NewFollowUp, follow_ups);

#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(treat_none_as_null = true)]
#[diesel(table_name = files)]
pub struct NewFile {
    pub body_id: i64,
    pub name: String,
    pub file_name: String,
    pub mime_type: String,
    pub size: i64,
    pub sha256: Option<String>,
    pub storage_path: Option<String>,
    pub text_content: Option<String>,
    /// `text`, `scan` (a PDF without text), `failed`; None: not a PDF
    pub text_status: Option<String>,
    pub public: bool,
    pub paper_id: Option<i64>,
    pub meeting_id: Option<i64>,
    pub agenda_item_id: Option<i64>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub concept_id: Option<i64>,
}
insert_fn!(insert_file, NewFile, files);
