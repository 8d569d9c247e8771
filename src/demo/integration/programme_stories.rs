//! The funding programmes: Bergkamen's § 14a allocation (January–October
//! 2019), KIM in the Kreis Unna with its pooling, KIM module 3 in the
//! StädteRegion Aachen; modules, allocations, agreements and deadlines.

use super::{body, concept_input, day, paper, s, Loader};
use crate::db::concepts::ConceptInput;
use crate::db::links::{Subject, Target};
use crate::db::programmes::{self, AgreementInput, AllocationInput, ProgrammeInput};
use crate::demo::seeder::R;
use crate::domain::{
    AgreementKind, ConceptStatus as CS, DeadlineKind, LinkRole, MeasureStatus as MS,
};

/// Bergkamen: the § 14a allocation for January–October 2019 and the
/// concept the project is to produce.
pub(super) fn bergkamen_14a(l: &mut Loader) -> R<()> {
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

pub(super) fn kim_kreis_unna(l: &mut Loader) -> R<()> {
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

pub(super) fn kim_aachen(l: &mut Loader) -> R<()> {
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
