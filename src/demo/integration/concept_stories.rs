//! The integration concepts of the Stadt Kamen, the Kreis
//! Siegen-Wittgenstein and the Kreis Coesfeld: fields of action, measures
//! and links to the seed papers.

use chrono::Datelike;

use super::{body, concept_input, day, paper, s, Loader};
use crate::db::concepts::ConceptInput;
use crate::db::links::{Subject, Target};
use crate::demo::seeder::R;
use crate::domain::{ConceptStatus as CS, LinkRole, MeasureStatus as MS};

pub(super) fn kamen(l: &mut Loader) -> R<()> {
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
            (CS::Updating, crate::demo::seeds::report_date(l.today), "Fortschreibung unter Mitarbeit des Integrationsrates"),
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
    let report_year = crate::demo::seeds::report_date(l.today).year();
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

pub(super) fn siegen_wittgenstein(l: &mut Loader) -> R<()> {
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

pub(super) fn coesfeld(l: &mut Loader) -> R<()> {
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
