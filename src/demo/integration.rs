//! The seed stories as integration concepts and funding programmes,
//! linked to the seed papers. Facts follow the sources (fields of action,
//! the Kreis Unna pooling: 8,0 positions, Kamen 0,85 computed / 0,5
//! fundable, Mittelkreis 2,5 = Kamen 1,0 + Bergkamen 1,0 + Bönen 0,5;
//! Bergkamen's § 14a project January–October 2019; KIM module 3 at the
//! Ausländerbehörde in the StädteRegion Aachen). The computed shares of
//! the other towns of the Kreis Unna are illustrative (by population)
//! and marked as such.

use chrono::{Datelike, NaiveDate};
use diesel::prelude::*;

use super::seeder::R;
use crate::db::audit::Actor;
use crate::db::concepts::{self, ConceptInput, MeasureInput};
use crate::db::links::{self, Subject, Target};
use crate::db::programmes::{self, AgreementInput, AllocationInput, ProgrammeInput};
use crate::db::DbConnection;
use crate::domain::{
    AgreementKind, ConceptStatus as CS, DeadlineKind, LinkRole, MeasureStatus as MS,
};

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

fn kamen(l: &mut Loader) -> R<()> {
    let b = body(l.c, "stadt-kamen")?;
    let k = l.concept(
        ConceptInput {
            adopted_on: Some(day(2021, 3, 18)),
            summary: s("Das Konzept soll sich in einem steten, dynamischen Prozess befinden: Chancen und neue Herausforderungen der kommunalen Integrationsarbeit werden als Teil einer präventiven Gesamtstrategie zu einem nachhaltigen Integrationsmanagement weiterentwickelt. Die nötigen Mittel stehen im Haushalt. Auf seiner Grundlage setzt die Verwaltung gemeinsam mit Institutionen und Einrichtungen Handlungsstrategien um und entwickelt weitere Maßnahmen nach Bedarf."),
            participants: s("Verwaltung der Stadt Kamen\nInstitutionen, Einrichtungen und Verbände aus Kamen\nIntegrationsrat der Stadt Kamen (künftig an der Weiterentwicklung beteiligt)\nAktion Zivilcourage (Einbindung im Ausschuss angeregt)"),
            ..concept_input(b, "Integrationskonzept der Stadt Kamen", "2020")
        },
        &[
            (CS::Drafting, day(2020, 6, 1), "Erarbeitung mit Institutionen, Einrichtungen und Verbänden aus Kamen"),
            (CS::Presented, day(2020, 11, 24), "Vorstellung durch Beigeordnete Hanna Schulze im Sozialausschuss"),
            (CS::Deferred, day(2020, 11, 24), "Beschlussfassung auf die Februarsitzung verschoben, um weitere Akteure zu beteiligen"),
            (CS::Adopted, day(2021, 3, 18), "Beschluss des Rates"),
            (CS::Updating, super::seeds::report_date(l.today), "Fortschreibung unter Mitarbeit des Integrationsrates"),
        ],
    )?;
    let f1 = l.field(k, "Unterbringung und Finanzen", Some("Geflüchtete angemessen unterbringen; Mittel für die Integrationsarbeit im Haushalt sichern."))?;
    let f2 = l.field(
        k,
        "Sprache und Bildung",
        Some("Zugang zu Sprachkursen und Bildungsangeboten für alle Altersgruppen."),
    )?;
    let f3 = l.field(
        k,
        "Qualifizierung und Arbeit",
        Some("Übergänge in Ausbildung und Arbeit begleiten."),
    )?;
    let f4 = l.field(
        k,
        "Kultureller Austausch",
        Some("Begegnung und Zusammenhalt in der Stadtgesellschaft stärken."),
    )?;
    l.measure(k, f1, "Fall- und Schnittstellenmanagement für Geflüchtete, die bisher keine Beratung finden (KIM)", "Stadt Kamen, Sozialamt", MS::Running, Some("betreute Personen je Jahr"), None)?;
    l.measure(
        k,
        f2,
        "Sprachförderangebote mit Trägern vor Ort abstimmen",
        "Stadt Kamen mit Bildungsträgern",
        MS::Running,
        None,
        None,
    )?;
    l.measure(
        k,
        f3,
        "Kooperation mit Jobcenter und Agentur für Arbeit",
        "Stadt Kamen",
        MS::Planned,
        None,
        None,
    )?;
    l.measure(
        k,
        f4,
        "Aktion Zivilcourage einbeziehen",
        "Integrationsrat der Stadt Kamen",
        MS::Planned,
        None,
        None,
    )?;
    let concept_paper = paper(l.c, b, "2020/142")?;
    let report_year = super::seeds::report_date(l.today).year();
    let report = paper(l.c, b, &format!("{report_year}/201"))?;
    let t = Target::Concept {
        concept: k,
        field: None,
    };
    l.link(
        Subject::Paper(concept_paper),
        t,
        LinkRole::Adopts,
        "Beschluss des Konzepts (vorgestellt, vertagt, beschlossen)",
    )?;
    l.link(
        Subject::Paper(report),
        t,
        LinkRole::Updates,
        "Sachstand der Fortschreibung",
    )?;
    let kim = paper(l.c, b, "2020/151")?;
    l.link(
        Subject::Paper(kim),
        Target::Concept {
            concept: k,
            field: Some(f1),
        },
        LinkRole::Concerns,
        "Fallmanagerstelle aus dem Kommunalen Integrationsmanagement",
    )?;
    Ok(())
}

fn siegen_wittgenstein(l: &mut Loader) -> R<()> {
    let b = body(l.c, "kreis-siegen-wittgenstein")?;
    let k = l.concept(
        ConceptInput {
            adopted_on: Some(day(2013, 9, 13)),
            summary: s("Vom Kreistag im September 2012 in Auftrag gegeben und mit den Städten und Gemeinden abgestimmt; zugleich Voraussetzung der Landesförderung und Arbeitsgrundlage des Kommunalen Integrationszentrums (5,5 Stellen), das zum 1. Februar 2014 die bisherige RAA ablöst. Bildung gilt als Schlüssel; zunächst steht die Sprachkompetenz im Mittelpunkt."),
            participants: s("Städte und Gemeinden des Kreises Siegen-Wittgenstein\nKreisverwaltung (Dezernat Jugend, Schule, Soziales)"),
            ..concept_input(b, "Kommunales Integrationskonzept für den Kreis Siegen-Wittgenstein", "2013")
        },
        &[
            (CS::Drafting, day(2012, 9, 1), "Auftrag des Kreistages"),
            (CS::Presented, day(2013, 9, 9), "Vorstellung im Ausschuss"),
            (CS::Adopted, day(2013, 9, 13), "Beschluss des Kreistages"),
        ],
    )?;
    let mut first = None;
    for f in [
        "Bildung und Erziehung",
        "Ausbildung, Übergang Schule – Beruf, Arbeitsmarktintegration",
        "Gesundheit – Pflege und Wohnen im Alter",
        "Bürgerschaftliches Engagement",
        "Politische Partizipation",
        "Interkulturelle Sensibilität – Interkulturelle Öffnung",
    ] {
        let id = l.field(k, f, None)?;
        first.get_or_insert(id);
    }
    if let Some(f) = first {
        l.measure(k, f, "Verbesserung der Sprachkompetenz als erster Schwerpunkt des Kommunalen Integrationszentrums", "Kommunales Integrationszentrum", MS::Running, None, None)?;
        l.measure(
            k,
            f,
            "Einrichtung des Kommunalen Integrationszentrums mit 5,5 Stellen zum 1. Februar 2014",
            "Kreisverwaltung",
            MS::Done,
            Some("besetzte Stellen"),
            Some("5,5"),
        )?;
    }
    let p = paper(l.c, b, "2013/0245")?;
    l.link(
        Subject::Paper(p),
        Target::Concept {
            concept: k,
            field: None,
        },
        LinkRole::Adopts,
        "Konzept und Einrichtung des Kommunalen Integrationszentrums",
    )?;
    Ok(())
}

fn coesfeld(l: &mut Loader) -> R<()> {
    let b = body(l.c, "kreis-coesfeld")?;
    let k = l.concept(
        ConceptInput {
            adopted_on: Some(day(2016, 12, 14)),
            summary: s("Rund 220 Seiten, Pflichtaufgabe des Kommunalen Integrationszentrums, mit den Städten und Gemeinden abgestimmt und dem Land bis zum Jahresende vorzulegen. Teil 1: Daten zu Bevölkerung, Flüchtlings- und Schulsituation; Teil 2: Angebote vor Ort und kreisweit mit Kontakten, gesetzliche Grundlagen und Zuständigkeiten."),
            participants: s("Behörden\nWohlfahrtsverbände\nSchulen\nAgentur für Arbeit und Jobcenter\nEhrenamtsinitiativen\nMigrantenselbstorganisationen\nMenschen mit eigener Fluchterfahrung\nVorbereitungsgruppe der ersten Integrationskonferenz"),
            ..concept_input(b, "Integrationskonzept des Kreises Coesfeld", "2016")
        },
        &[
            (CS::Drafting, day(2016, 6, 1), "Erste Integrationskonferenz im Sommer"),
            (CS::Presented, day(2016, 11, 9), "Integrationsausschuss empfiehlt den Beschluss einstimmig"),
            (CS::Adopted, day(2016, 12, 14), "Beschluss des Kreistages"),
        ],
    )?;
    let f = l.field(k, "Kommunikation und Information", Some("Angebote bekannt machen; Austausch mit Kommunen, Institutionen und Ehrenamtlichen hat höchste Priorität."))?;
    l.measure(
        k,
        f,
        "Angebote und Kontakte im Internetauftritt des Kreises veröffentlichen",
        "Kommunales Integrationszentrum",
        MS::Planned,
        None,
        None,
    )?;
    l.measure(
        k,
        f,
        "Gespräche mit allen Städten und Gemeinden",
        "Leitung des Kommunalen Integrationszentrums",
        MS::Planned,
        Some("geführte Gespräche"),
        Some("alle 11 Kommunen"),
    )?;
    let p = paper(l.c, b, "SV-9-0712")?;
    l.link(
        Subject::Paper(p),
        Target::Concept {
            concept: k,
            field: None,
        },
        LinkRole::Adopts,
        "Empfehlung des Integrationsausschusses und Beschluss des Kreistages",
    )?;
    Ok(())
}

/// Bergkamen: the § 14a allocation for January–October 2019 and the
/// concept the project is to produce.
fn bergkamen_14a(l: &mut Loader) -> R<()> {
    let b = body(l.c, "stadt-bergkamen")?;
    let k = l.concept(
        ConceptInput {
            summary: s("Aus den Bestands- und Bedarfsanalysen in den Sozialräumen sollen überprüfbare Ziele und Maßnahmen mit festzulegenden Indikatoren entstehen; oberstes Ziel ist, weitere Segregation zu verhindern und eine Willkommens- und Anerkennungskultur zu etablieren."),
            participants: s("Integrationsrat der Stadt Bergkamen\nInstitut für soziale Innovation, Solingen (Prozessbegleitung)\nAlt- und Neuzugewanderte in den Sozialräumen (Interviews)\nAkteure der Integrationsarbeit in Bergkamen"),
            ..concept_input(b, "Integrationskonzept der Stadt Bergkamen", "Entwurf 2019")
        },
        &[(CS::Drafting, day(2019, 1, 1), "Erarbeitung im Projekt nach § 14a TIntG NRW")],
    )?;
    let f = l.field(
        k,
        "Willkommens- und Anerkennungskultur",
        Some("Strukturelle, soziale und potenzialorientierte Integration; Segregation verhindern."),
    )?;
    l.measure(
        k,
        f,
        "Bestands- und Bedarfsanalysen in den Sozialräumen (Interviews)",
        "Institut für soziale Innovation",
        MS::Done,
        Some("geführte Interviews"),
        None,
    )?;
    let p = l.programme(&ProgrammeInput {
        body_id: b,
        name: "Zuweisungen für Integrationsmaßnahmen nach § 14a TIntG NRW – Integrationsmanagement Bergkamen".into(),
        short_name: s("§ 14a Bergkamen"),
        legal_basis: s("§ 14a Teilhabe- und Integrationsgesetz NRW"),
        funder: s("Land Nordrhein-Westfalen"),
        granting_authority: s("Bezirksregierung Arnsberg"),
        period_from: Some(day(2019, 1, 1)),
        period_until: Some(day(2019, 10, 31)),
        total_fte_centi: None,
        total_amount_cents: None,
        fundable_unit_centi: None,
        conditions: s("Zuweisung im Dezember 2018, Durchführung im Zeitraum Januar bis Oktober 2019."),
        description: s("Integrationsmanagement mit umfassender Analyse und anschließender Konzepterstellung; Prozessbegleitung durch das Institut für soziale Innovation (Coaching, Beratung, Bedarfsanalysen, Koordinierung der Akteure)."),
    })?;
    let m = l.module(
        &p,
        "Analyse und Konzepterstellung",
        "Bestands- und Bedarfsanalysen, Ziele und Maßnahmen mit Indikatoren",
    )?;
    programmes::insert_allocation(
        l.c,
        p.id,
        1,
        &AllocationInput {
            body_id: Some(b),
            participant: "Stadt Bergkamen".into(),
            note: s("Projektmittel; Höhe in den Quellen nicht genannt"),
            ..Default::default()
        },
    )?;
    programmes::add_deadline(
        l.c,
        &l.actor,
        &p,
        day(2019, 10, 31),
        DeadlineKind::ProgrammeEnd,
        "Ende des Förderzeitraums",
    )?;
    let decision = paper(l.c, b, "11/1450")?;
    let vorlage = paper(l.c, b, "11/1481")?;
    let t = Target::Programme {
        programme: p.id,
        module: Some(m),
    };
    l.link(
        Subject::Paper(decision),
        t,
        LinkRole::DecidesParticipation,
        "Rat beschließt die Durchführung und die Beauftragung des Instituts",
    )?;
    l.link(
        Subject::Paper(vorlage),
        t,
        LinkRole::Reports,
        "Information des Integrationsrates (keine Vorberatung möglich)",
    )?;
    l.link(
        Subject::Paper(vorlage),
        Target::Concept {
            concept: k,
            field: None,
        },
        LinkRole::Presents,
        "Projekt, aus dem das Konzept entsteht",
    )?;
    Ok(())
}

fn kim_kreis_unna(l: &mut Loader) -> R<()> {
    let unna = body(l.c, "kreis-unna")?;
    let kamen = body(l.c, "stadt-kamen")?;
    let bergkamen = body(l.c, "stadt-bergkamen")?;
    let boenen = body(l.c, "gemeinde-boenen")?;
    let luenen = body(l.c, "stadt-luenen")?;
    let p = l.programme(&ProgrammeInput {
        body_id: unna,
        name: "Kommunales Integrationsmanagement im Kreis Unna".into(),
        short_name: s("KIM"),
        legal_basis: s("Landesprogramm Kommunales Integrationsmanagement NRW (Förderrichtlinie)"),
        funder: s("Land Nordrhein-Westfalen"),
        granting_authority: s("Bezirksregierung Arnsberg"),
        period_from: None,
        period_until: Some(day(2021, 12, 31)),
        total_fte_centi: Some(800),
        total_amount_cents: None,
        fundable_unit_centi: Some(50),
        conditions: s("Pauschalierte Förderung von 8,0 zusätzlichen Vollzeitstellen für den Kreis Unna. Gefördert werden nur Stellenanteile in Schritten von 0,5 Vollzeitäquivalenten; Kommunen können ihre Anteile in Verbünden zusammenlegen. Befristet bis Ende 2021."),
        description: s("Fall- beziehungsweise Schnittstellenmanagerstellen für Geflüchtete, die „durch das Raster gefallen“ sind und bisher keine Beratung finden. Die Mittel werden vom Kreis verteilt; im Mittelkreis leitet die Stadt Bergkamen sie an Kamen und Bönen weiter."),
    })?;
    l.module(
        &p,
        "Baustein 1: Strategische Steuerung",
        "Koordinierung beim Kreis",
    )?;
    let cm = l.module(
        &p,
        "Baustein 2: Rechtskreisübergreifendes Case Management",
        "Fall- und Schnittstellenmanagement in den Kommunen",
    )?;
    l.module(
        &p,
        "Baustein 3: Ausländer- und Einbürgerungsbehörden",
        "Stellen in der Ausländerbehörde",
    )?;
    let estimate = "Rechenanteil geschätzt (Demo, nach Einwohnerzahl)";
    let rows: Vec<AllocationInput> = vec![
        AllocationInput { body_id: Some(kamen), participant: "Stadt Kamen".into(), pool: s("Mittelkreis"), computed_centi: Some(85), fundable_centi: Some(50), agreed_centi: Some(100), note: s("0,85 rechnerisch, allein nur 0,5 förderfähig"), ..Default::default() },
        AllocationInput { body_id: Some(bergkamen), participant: "Stadt Bergkamen".into(), pool: s("Mittelkreis"), computed_centi: Some(99), fundable_centi: Some(50), agreed_centi: Some(100), note: s("leitet die Mittel im Mittelkreis weiter; Rechenanteil geschätzt (Demo)"), ..Default::default() },
        AllocationInput { body_id: Some(boenen), participant: "Gemeinde Bönen".into(), pool: s("Mittelkreis"), computed_centi: Some(37), fundable_centi: Some(0), agreed_centi: Some(50), note: s(estimate), ..Default::default() },
        AllocationInput { body_id: Some(luenen), participant: "Stadt Lünen".into(), computed_centi: Some(176), waived_centi: Some(29), waived_to_pool: s("Mittelkreis"), fundable_centi: Some(150), agreed_centi: Some(100), note: s("verzichtet auf Stellenanteile zugunsten des Mittelkreises; Rechenanteil geschätzt (Demo)"), ..Default::default() },
        AllocationInput { participant: "Kreisstadt Unna".into(), computed_centi: Some(119), fundable_centi: Some(100), agreed_centi: Some(100), note: s(estimate), ..Default::default() },
        AllocationInput { participant: "Stadt Schwerte".into(), pool: s("Südkreis"), computed_centi: Some(93), fundable_centi: Some(50), agreed_centi: Some(100), note: s(estimate), ..Default::default() },
        AllocationInput { participant: "Stadt Fröndenberg/Ruhr".into(), pool: s("Südkreis"), computed_centi: Some(42), fundable_centi: Some(0), agreed_centi: Some(50), note: s(estimate), ..Default::default() },
        AllocationInput { participant: "Gemeinde Holzwickede".into(), pool: s("Südkreis"), computed_centi: Some(35), fundable_centi: Some(0), agreed_centi: Some(0), note: s(estimate), ..Default::default() },
        AllocationInput { participant: "Stadt Werne".into(), computed_centi: Some(61), fundable_centi: Some(50), agreed_centi: Some(50), note: s(estimate), ..Default::default() },
        AllocationInput { participant: "Stadt Selm".into(), computed_centi: Some(53), fundable_centi: Some(50), agreed_centi: Some(50), note: s(estimate), ..Default::default() },
    ];
    for (i, r) in rows.iter().enumerate() {
        programmes::insert_allocation(l.c, p.id, i as i32 + 1, r)?;
    }
    let p = programmes::find(l.c, p.id)?.ok_or(diesel::result::Error::NotFound)?;
    programmes::add_agreement(
        l.c,
        &l.actor,
        &p,
        &AgreementInput {
            kind: AgreementKind::Forwarding,
            title: "Weiterleitungsvertrag Kreis Unna – Stadt Bergkamen".into(),
            parties: "Kreis Unna, Stadt Bergkamen".into(),
            forwards_from: s("Kreis Unna"),
            forwards_to: s("Stadt Bergkamen"),
            concluded_on: None,
            note: s("Kooperationsvereinbarung der Stadt Bergkamen mit dem Kreis Unna"),
        },
    )?;
    programmes::add_agreement(l.c, &l.actor, &p, &AgreementInput {
        kind: AgreementKind::Cooperation,
        title: "Kooperationsvereinbarung Mittelkreis".into(),
        parties: "Stadt Kamen, Stadt Bergkamen, Gemeinde Bönen".into(),
        forwards_from: s("Stadt Bergkamen"),
        forwards_to: s("Stadt Kamen, Gemeinde Bönen"),
        concluded_on: None,
        note: s("Grundlage: 2,5 Stellen im Mittelkreis (Kamen 1,0, Bergkamen 1,0, Bönen 0,5); vom Sozialausschuss Kamen am 24.11.2020 einstimmig beauftragt"),
    })?;
    programmes::add_deadline(
        l.c,
        &l.actor,
        &p,
        day(2021, 12, 31),
        DeadlineKind::ProgrammeEnd,
        "Förderung befristet bis Ende 2021",
    )?;
    let kim = paper(l.c, kamen, "2020/151")?;
    l.link(
        Subject::Paper(kim),
        Target::Programme {
            programme: p.id,
            module: Some(cm),
        },
        LinkRole::DecidesParticipation,
        "Teilnahme, Weiterleitungsvertrag und Kooperationsvereinbarung im Mittelkreis",
    )?;
    Ok(())
}

fn kim_aachen(l: &mut Loader) -> R<()> {
    let b = body(l.c, "staedteregion-aachen")?;
    let p = l.programme(&ProgrammeInput {
        body_id: b,
        name: "Kommunales Integrationsmanagement in der StädteRegion Aachen".into(),
        short_name: s("KIM"),
        legal_basis: s("Landesprogramm Kommunales Integrationsmanagement NRW (Förderrichtlinie)"),
        funder: s("Land Nordrhein-Westfalen"),
        granting_authority: None,
        period_from: Some(day(2021, 1, 1)),
        period_until: None,
        total_fte_centi: None,
        total_amount_cents: None,
        fundable_unit_centi: None,
        conditions: s("Erstmals eine rechtskreisübergreifende Stelle, damit Menschen nicht zwischen Zuständigkeiten hin- und hergereicht werden. Eine Auslagerung der Case-Management-Stellen an freie Träger ist nur möglich, wo diese bereits rechtskreisübergreifende Strukturen aufgebaut haben."),
        description: s("Aufbau gemeinsam mit der Stadt Aachen; die KIM-Stellen von Stadt und StädteRegion sollen gemeinsam in den Aachen-Arkaden untergebracht werden. Die freien Träger werden eng eingebunden."),
    })?;
    l.module(
        &p,
        "Baustein 1: Strategische Steuerung",
        "Kommunales Integrationszentrum (A 46)",
    )?;
    l.module(
        &p,
        "Baustein 2: Rechtskreisübergreifendes Case Management",
        "Ursprünglich bei freien Trägern geplant, nun in der Verwaltung",
    )?;
    let m3 = l.module(&p, "Baustein 3: Ausländerbehörde", "Ausländeramt und Kommunales Integrationszentrum; gemeinsame Fallkonferenzen auf der operativen Ebene")?;
    programmes::insert_allocation(
        l.c,
        p.id,
        1,
        &AllocationInput {
            body_id: Some(b),
            participant: "StädteRegion Aachen".into(),
            note: s("Stellenzahl in den Quellen nicht genannt"),
            ..Default::default()
        },
    )?;
    programmes::insert_allocation(
        l.c,
        p.id,
        2,
        &AllocationInput {
            participant: "Stadt Aachen".into(),
            note: s("gemeinsame Unterbringung der KIM-Stellen geplant"),
            ..Default::default()
        },
    )?;
    let p = programmes::find(l.c, p.id)?.ok_or(diesel::result::Error::NotFound)?;
    programmes::add_deadline(
        l.c,
        &l.actor,
        &p,
        l.today + chrono::Duration::days(56),
        DeadlineKind::Report,
        "Sachstandsbericht KIM an den Sozialausschuss (Demo-Frist)",
    )?;
    let report = paper(l.c, b, "2021/0214")?;
    l.link(
        Subject::Paper(report),
        Target::Programme {
            programme: p.id,
            module: Some(m3),
        },
        LinkRole::Reports,
        "Sachstandsbericht: KIM-Modul 3 bei der Ausländerbehörde in Vorbereitung",
    )?;
    Ok(())
}
