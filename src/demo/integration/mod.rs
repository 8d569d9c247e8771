//! The seed stories as integration concepts and funding programmes,
//! linked to the seed papers. Facts follow the sources (fields of action,
//! the Kreis Unna pooling: 8,0 positions, Kamen 0,85 computed / 0,5
//! fundable, Mittelkreis 2,5 = Kamen 1,0 + Bergkamen 1,0 + Bönen 0,5;
//! Bergkamen's § 14a project January–October 2019; KIM module 3 at the
//! Ausländerbehörde in the StädteRegion Aachen). The computed shares of
//! the other towns of the Kreis Unna are illustrative (by population)
//! and marked as such.

use chrono::NaiveDate;
use diesel::prelude::*;

use super::seeder::R;
use crate::db::audit::Actor;
use crate::db::concepts::{self, ConceptInput, MeasureInput};
use crate::db::links::{self, Subject, Target};
use crate::db::programmes::{self, ProgrammeInput};
use crate::db::DbConnection;
use crate::domain::{ConceptStatus as CS, LinkRole, MeasureStatus as MS};

mod concept_stories;
mod programme_stories;

use concept_stories::{coesfeld, kamen, siegen_wittgenstein};
use programme_stories::{bergkamen_14a, kim_aachen, kim_kreis_unna};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

fn body(c: &mut DbConnection, key: &str) -> R<i64> {
    use crate::db::schema::bodies;
    bodies::table
        .filter(bodies::key.eq(key))
        .select(bodies::id)
        .first(c)
}

fn paper(c: &mut DbConnection, body_id: i64, reference: &str) -> R<i64> {
    use crate::db::schema::papers;
    papers::table
        .filter(papers::body_id.eq(body_id))
        .filter(papers::reference.eq(reference))
        .select(papers::id)
        .first(c)
}

fn s(v: &str) -> Option<String> {
    Some(v.to_string())
}

struct Loader<'a> {
    c: &'a mut DbConnection,
    actor: Actor,
    /// the load day in Berlin: recent and coming dates are relative to it
    today: NaiveDate,
}

impl Loader<'_> {
    /// A concept whose status went through `steps` (first = created).
    fn concept(&mut self, i: ConceptInput, steps: &[(CS, NaiveDate, &str)]) -> R<i64> {
        let first = steps.first().copied();
        let mut input = i.clone();
        if let Some((st, on, note)) = first {
            input.status = st;
            input.status_on = on;
            input.status_note = Some(note.to_string()).filter(|n| !n.is_empty());
        }
        let id = concepts::create(self.c, &self.actor, &input)?;
        for (n, (st, on, note)) in steps.iter().enumerate().skip(1) {
            let next = ConceptInput {
                status: *st,
                status_on: *on,
                status_note: Some(note.to_string()).filter(|n| !n.is_empty()),
                ..i.clone()
            };
            concepts::update(self.c, &self.actor, id, n as i32, &next)?;
        }
        Ok(id)
    }

    fn field(&mut self, concept: i64, title: &str, goals: Option<&str>) -> R<i64> {
        let x = concepts::find(self.c, concept)?.ok_or(diesel::result::Error::NotFound)?;
        concepts::save_field(self.c, &self.actor, &x, None, title, goals)?;
        let f = concepts::fields(self.c, &[concept])?;
        f.last()
            .map(|f| f.id)
            .ok_or(diesel::result::Error::NotFound)
    }

    #[allow(clippy::too_many_arguments)]
    fn measure(
        &mut self,
        concept: i64,
        field: i64,
        title: &str,
        responsible: &str,
        status: MS,
        indicator: Option<&str>,
        target: Option<&str>,
    ) -> R<()> {
        let x = concepts::find(self.c, concept)?.ok_or(diesel::result::Error::NotFound)?;
        let f = concepts::find_field(self.c, field)?.ok_or(diesel::result::Error::NotFound)?;
        concepts::save_measure(
            self.c,
            &self.actor,
            &x,
            &f,
            None,
            &MeasureInput {
                title: title.into(),
                responsible: s(responsible),
                status,
                indicator: indicator.map(String::from),
                target: target.map(String::from),
            },
        )
    }

    fn link(&mut self, subject: Subject, target: Target, role: LinkRole, note: &str) -> R<()> {
        links::add(
            self.c,
            &self.actor,
            subject,
            target,
            role,
            Some(note).filter(|n| !n.is_empty()),
        )?;
        Ok(())
    }

    fn programme(&mut self, i: &ProgrammeInput) -> R<programmes::Programme> {
        let id = programmes::create(self.c, &self.actor, i)?;
        programmes::find(self.c, id)?.ok_or(diesel::result::Error::NotFound)
    }

    fn module(&mut self, p: &programmes::Programme, name: &str, d: &str) -> R<i64> {
        programmes::add_module(self.c, &self.actor, p, name, Some(d))?;
        programmes::modules(self.c, &[p.id])?
            .last()
            .map(|m| m.id)
            .ok_or(diesel::result::Error::NotFound)
    }
}

fn concept_input(body_id: i64, title: &str, edition: &str) -> ConceptInput {
    ConceptInput {
        body_id,
        title: title.into(),
        edition: s(edition),
        status: CS::Drafting,
        status_on: day(2000, 1, 1),
        status_note: None,
        adopted_on: None,
        summary: None,
        participants: None,
        supersedes_id: None,
    }
}

pub fn load(c: &mut DbConnection) -> R<()> {
    let mut l = Loader {
        c,
        actor: Actor {
            user_id: None,
            label: "Demo-Daten".into(),
        },
        today: crate::base::dates::berlin(crate::db::now()).date_naive(),
    };
    kamen(&mut l)?;
    siegen_wittgenstein(&mut l)?;
    coesfeld(&mut l)?;
    bergkamen_14a(&mut l)?;
    kim_kreis_unna(&mut l)?;
    kim_aachen(&mut l)?;
    Ok(())
}
