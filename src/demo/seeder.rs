//! Small helpers that make the demo data readable.

use std::collections::HashSet;

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, Weekday};

use crate::db::insert::*;
use crate::db::DbConnection;
use crate::domain::*;

pub type R<T> = Result<T, diesel::result::Error>;

/// A Berlin wall-clock time as stored UTC.
pub fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
    let local = NaiveDate::from_ymd_opt(y, m, d)
        .and_then(|x| x.and_hms_opt(h, min, 0))
        .unwrap_or_default();
    crate::base::dates::berlin_to_utc(local).unwrap_or(local)
}

pub fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

/// A Berlin wall-clock time on day `d`, as stored UTC.
pub fn on(d: NaiveDate, h: u32, min: u32) -> NaiveDateTime {
    at(d.year(), d.month(), d.day(), h, min)
}

/// The first `weekday` on or after `d`.
pub fn next_weekday(d: NaiveDate, weekday: Weekday) -> NaiveDate {
    let ahead =
        (7 + weekday.num_days_from_monday() as i64 - d.weekday().num_days_from_monday() as i64) % 7;
    d + Duration::days(ahead)
}

/// The last `weekday` on or before `d`.
pub fn last_weekday(d: NaiveDate, weekday: Weekday) -> NaiveDate {
    let back =
        (7 + d.weekday().num_days_from_monday() as i64 - weekday.num_days_from_monday() as i64) % 7;
    d - Duration::days(back)
}

pub struct Seeder<'a> {
    pub c: &'a mut DbConnection,
    /// when the data is loaded: everything dated relative to the load day
    /// is before or after it as its state says
    pub now: NaiveDateTime,
    /// the Berlin calendar day of `now`
    pub today: NaiveDate,
    /// meetings that took place (state `durchgefuehrt`): only their items
    /// carry results
    held: HashSet<i64>,
}

/// Result fields of an agenda item.
#[derive(Default, Clone)]
pub struct Result_ {
    pub outcome: Option<Outcome>,
    pub tally: Option<(i32, i32, i32, Option<i32>)>,
    pub resolution: Option<String>,
    pub minutes: Option<String>,
}

pub fn res(outcome: Outcome) -> Result_ {
    Result_ {
        outcome: Some(outcome),
        ..Default::default()
    }
}

impl Result_ {
    pub fn tally(mut self, yes: i32, no: i32, abstain: i32, absent: Option<i32>) -> Self {
        self.tally = Some((yes, no, abstain, absent));
        self
    }
    pub fn resolution(mut self, t: &str) -> Self {
        self.resolution = Some(t.to_string());
        self
    }
    pub fn minutes(mut self, t: &str) -> Self {
        self.minutes = Some(t.to_string());
        self
    }
}

impl<'a> Seeder<'a> {
    pub fn new(c: &'a mut DbConnection, now: NaiveDateTime) -> Seeder<'a> {
        let today = crate::base::dates::berlin(now).date_naive();
        Seeder {
            c,
            now,
            today,
            held: HashSet::new(),
        }
    }

    /// Whether `meeting` was created here as held.
    pub fn is_held(&self, meeting: i64) -> bool {
        self.held.contains(&meeting)
    }

    pub fn body(
        &mut self,
        key: &str,
        name: &str,
        short: &str,
        kind: BodyKind,
        parent: Option<i64>,
        website: Option<&str>,
    ) -> R<i64> {
        insert_body(
            self.c,
            &NewBody {
                key: key.into(),
                name: name.into(),
                short_name: short.into(),
                kind: kind.key().into(),
                parent_body_id: parent,
                website: website.map(Into::into),
                ags: None,
                created_at: self.now,
                updated_at: self.now,
            },
        )
    }

    pub fn term(
        &mut self,
        body: i64,
        name: &str,
        start: NaiveDate,
        end: Option<NaiveDate>,
    ) -> R<i64> {
        insert_legislative_term(
            self.c,
            &NewLegislativeTerm {
                body_id: body,
                name: name.into(),
                start_date: start,
                end_date: end,
                created_at: self.now,
                updated_at: self.now,
            },
        )
    }

    pub fn location(
        &mut self,
        body: i64,
        description: &str,
        room: Option<&str>,
        street: &str,
        postal: &str,
        city: &str,
    ) -> R<i64> {
        insert_location(
            self.c,
            &NewLocation {
                body_id: body,
                description: description.into(),
                room: room.map(Into::into),
                street_address: Some(street.into()),
                postal_code: Some(postal.into()),
                locality: Some(city.into()),
                created_at: self.now,
                updated_at: self.now,
            },
        )
    }

    pub fn org(
        &mut self,
        body: i64,
        name: &str,
        short: Option<&str>,
        kind: OrganizationKind,
        location: Option<i64>,
    ) -> R<i64> {
        insert_organization(
            self.c,
            &NewOrganization {
                body_id: body,
                name: name.into(),
                short_name: short.map(Into::into),
                kind: kind.key().into(),
                parent_id: None,
                location_id: location,
                start_date: None,
                end_date: None,
                website: None,
                created_at: self.now,
                updated_at: self.now,
            },
        )
    }

    pub fn person(
        &mut self,
        body: i64,
        form: &str,
        title: Option<&str>,
        given: &str,
        family: &str,
        party: Option<&str>,
    ) -> R<i64> {
        insert_person(
            self.c,
            &NewPerson {
                body_id: body,
                family_name: family.into(),
                given_name: given.into(),
                title: title.map(Into::into),
                form_of_address: Some(form.into()),
                affix: None,
                party: party.map(Into::into),
                created_at: self.now,
                updated_at: self.now,
            },
        )
    }

    pub fn member(
        &mut self,
        person: i64,
        org: i64,
        role: MembershipRole,
        faction: Option<i64>,
        since: NaiveDate,
    ) -> R<i64> {
        insert_membership(
            self.c,
            &NewMembership {
                person_id: person,
                organization_id: org,
                role: role.key().into(),
                voting_right: !matches!(role, MembershipRole::Advisory | MembershipRole::Deputy),
                on_behalf_of_id: faction,
                start_date: Some(since),
                end_date: None,
                created_at: self.now,
                updated_at: self.now,
            },
        )
    }

    #[allow(clippy::too_many_arguments)]
    pub fn meeting(
        &mut self,
        body: i64,
        org: i64,
        name: &str,
        number: Option<&str>,
        start: NaiveDateTime,
        hours: i64,
        location: Option<i64>,
        state: MeetingState,
    ) -> R<i64> {
        let held = state == MeetingState::Held;
        // minutes are approved about three weeks after a meeting, but
        // never after the moment the data is loaded
        let minutes_at = |days: i64| held.then_some((start + Duration::days(days)).min(self.now));
        let id = insert_meeting(
            self.c,
            &NewMeeting {
                body_id: body,
                organization_id: org,
                name: name.into(),
                number: number.map(Into::into),
                start_at: start,
                end_at: Some(start + Duration::hours(hours)),
                location_id: location,
                state: state.key().into(),
                sequence: 0,
                minutes_approved_at: minutes_at(21),
                minutes_published_at: minutes_at(22),
                created_at: self.now,
                updated_at: self.now,
            },
        )?;
        if held {
            self.held.insert(id);
        }
        Ok(id)
    }

    pub fn joint(&mut self, meeting: i64, org: i64) -> R<i64> {
        insert_meeting_organization(
            self.c,
            &NewMeetingOrganization {
                meeting_id: meeting,
                organization_id: org,
                created_at: self.now,
                updated_at: self.now,
            },
        )
    }

    #[allow(clippy::too_many_arguments)]
    pub fn paper(
        &mut self,
        body: i64,
        reference: &str,
        t: PaperType,
        title: &str,
        file_number: Option<&str>,
        date: NaiveDate,
        lead: Option<i64>,
        proposal: Option<&str>,
        reasoning: Option<&str>,
        public: bool,
    ) -> R<i64> {
        insert_paper(
            self.c,
            &NewPaper {
                body_id: body,
                reference: reference.into(),
                paper_type: t.key().into(),
                title: title.into(),
                file_number: file_number.map(Into::into),
                date,
                lead_organization_id: lead,
                proposal: proposal.map(Into::into),
                reasoning: reasoning.map(Into::into),
                public,
                created_at: self.now,
                updated_at: self.now,
            },
        )
    }

    pub fn originator(&mut self, paper: i64, org: Option<i64>, person: Option<i64>) -> R<i64> {
        insert_paper_originator(
            self.c,
            &NewPaperOriginator {
                paper_id: paper,
                organization_id: org,
                person_id: person,
                created_at: self.now,
                updated_at: self.now,
            },
        )
    }

    pub fn relation(&mut self, paper: i64, related: i64, kind: PaperRelationKind) -> R<i64> {
        insert_paper_relation(
            self.c,
            &NewPaperRelation {
                paper_id: paper,
                related_paper_id: related,
                kind: kind.key().into(),
                created_at: self.now,
                updated_at: self.now,
            },
        )
    }

    /// A top-level item; `public` chooses the part (Ö / N).
    pub fn item(
        &mut self,
        meeting: i64,
        public: bool,
        position: i32,
        title: &str,
        paper: Option<i64>,
        r: Result_,
    ) -> R<i64> {
        self.item_full(meeting, None, public, position, title, paper, r, None)
    }

    #[allow(clippy::too_many_arguments)]
    pub fn item_full(
        &mut self,
        meeting: i64,
        parent: Option<i64>,
        public: bool,
        position: i32,
        title: &str,
        paper: Option<i64>,
        r: Result_,
        continues: Option<i64>,
    ) -> R<i64> {
        // a meeting that has not taken place has no results yet
        let r = if self.held.contains(&meeting) {
            r
        } else {
            Result_::default()
        };
        let (y, n, a, abs) = match r.tally {
            Some((y, n, a, abs)) => (Some(y), Some(n), Some(a), abs),
            None => (None, None, None, None),
        };
        insert_agenda_item(
            self.c,
            &NewAgendaItem {
                meeting_id: meeting,
                parent_id: parent,
                public,
                position,
                title: title.into(),
                paper_id: paper,
                outcome: r.outcome.map(|o| o.key().into()),
                votes_yes: y,
                votes_no: n,
                votes_abstain: a,
                votes_absent: abs,
                resolution_text: r.resolution,
                minutes_text: r.minutes,
                deferred_to_meeting_id: None,
                deferred_to_next: false,
                continues_agenda_item_id: continues,
                referred_to_organization_id: None,
                supplement: false,
                created_at: self.now,
                updated_at: self.now,
            },
        )
    }

    /// Mark an item as deferred ("vertagt") to a meeting or to the next one.
    pub fn defer(&mut self, item: i64, to_meeting: Option<i64>) -> R<()> {
        use crate::db::schema::agenda_items::dsl as a;
        use diesel::prelude::*;
        diesel::update(a::agenda_items.find(item))
            .set((
                a::outcome.eq(Some(Outcome::Deferred.key())),
                a::deferred_to_meeting_id.eq(to_meeting),
                a::deferred_to_next.eq(to_meeting.is_none()),
            ))
            .execute(self.c)?;
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    pub fn consult(
        &mut self,
        paper: i64,
        org: i64,
        meeting: Option<i64>,
        item: Option<i64>,
        role: ConsultationRole,
        position: i32,
        authoritative: bool,
    ) -> R<i64> {
        insert_consultation(
            self.c,
            &NewConsultation {
                paper_id: paper,
                organization_id: org,
                meeting_id: meeting,
                agenda_item_id: item,
                role: role.key().into(),
                position,
                authoritative,
                created_at: self.now,
                updated_at: self.now,
            },
        )
    }

    pub fn faction_vote(
        &mut self,
        item: i64,
        faction: i64,
        yes: i32,
        no: i32,
        abstain: i32,
    ) -> R<i64> {
        insert_faction_vote(
            self.c,
            &NewFactionVote {
                agenda_item_id: item,
                faction_id: faction,
                votes_yes: yes,
                votes_no: no,
                votes_abstain: abstain,
                created_at: self.now,
                updated_at: self.now,
            },
        )
    }

    pub fn person_vote(&mut self, item: i64, person: i64, vote: Vote) -> R<i64> {
        insert_person_vote(
            self.c,
            &NewPersonVote {
                agenda_item_id: item,
                person_id: person,
                vote: vote.key().into(),
                created_at: self.now,
                updated_at: self.now,
            },
        )
    }

    #[allow(clippy::too_many_arguments)]
    pub fn follow_up(
        &mut self,
        origin: i64,
        org: i64,
        due: Option<i64>,
        text: &str,
        by: Option<i64>,
        answered: Option<i64>,
    ) -> R<i64> {
        insert_follow_up(
            self.c,
            &NewFollowUp {
                origin_agenda_item_id: origin,
                organization_id: org,
                due_meeting_id: due,
                description: text.into(),
                requested_by_person_id: by,
                answered_by_agenda_item_id: answered,
                created_at: self.now,
                updated_at: self.now,
            },
        )
    }
}
