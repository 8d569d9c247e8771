//! The five seed stories of `../shared/seeds/` as data. Facts (bodies,
//! committees, dates, reference numbers, outcomes, people named in the
//! sources) follow the sources; texts are our own summaries. Committee
//! members who are not named in the sources are fictional, as are the
//! non-public items, which every real council has.

use chrono::{Datelike, Duration, NaiveDate, Weekday};

use super::seeder::*;
use crate::db::DbConnection;
use crate::domain::{
    BodyKind, ConsultationRole as CR, MeetingState as MS, MembershipRole as Role,
    OrganizationKind as OK, Outcome as O, PaperRelationKind, PaperType as PT, Vote,
};

/// The date of Kamen's report on the concept update: shortly before the
/// invitation to the meeting that hears it (relative to the load day).
pub fn report_date(today: NaiveDate) -> NaiveDate {
    today - Duration::days(5)
}

/// All bodies of the seed stories.
pub const BODY_KEYS: [&str; 8] = [
    "kreis-unna",
    SEED_BODY_KEY,
    "stadt-luenen",
    "gemeinde-boenen",
    "stadt-bergkamen",
    "kreis-siegen-wittgenstein",
    "kreis-coesfeld",
    "staedteregion-aachen",
];

/// Marker body: present once the seeds are loaded.
pub const SEED_BODY_KEY: &str = "stadt-kamen";

pub fn load(c: &mut DbConnection) -> R<()> {
    let now = crate::db::now();
    let mut s = Seeder::new(c, now);
    let unna = kreis_unna(&mut s)?;
    kamen(&mut s, unna)?;
    bergkamen(&mut s, unna)?;
    siegen_wittgenstein(&mut s)?;
    coesfeld(&mut s)?;
    aachen(&mut s)?;
    Ok(())
}

fn opening(s: &mut Seeder, meeting: i64, pos: i32) -> R<i64> {
    let r = if s.is_held(meeting) {
        res(O::Noted)
    } else {
        Default::default()
    };
    s.item(
        meeting,
        true,
        pos,
        "Eröffnung der Sitzung, Feststellung der ordnungsgemäßen Einberufung und der Beschlussfähigkeit",
        None,
        r,
    )
}

/// Kreis Unna with its towns of the "Mittelkreis" (seed 000).
fn kreis_unna(s: &mut Seeder) -> R<i64> {
    let unna = s.body(
        "kreis-unna",
        "Kreis Unna",
        "Kreis Unna",
        BodyKind::Kreis,
        None,
        Some("https://www.kreis-unna.de"),
    )?;
    s.term(
        unna,
        "Wahlperiode 2020–2025",
        day(2020, 11, 1),
        Some(day(2025, 10, 31)),
    )?;
    s.term(unna, "Wahlperiode 2025–2030", day(2025, 11, 1), None)?;
    let haus = s.location(
        unna,
        "Kreishaus Unna",
        Some("Großer Sitzungssaal"),
        "Friedrich-Ebert-Straße 17",
        "59425",
        "Unna",
    )?;
    s.org(unna, "Kreistag Unna", Some("KT"), OK::Council, Some(haus))?;
    s.org(
        unna,
        "Ausschuss für Arbeit, Soziales, Familie und Integration",
        Some("ASFI"),
        OK::Committee,
        Some(haus),
    )?;
    s.org(
        unna,
        "Kommunales Integrationszentrum Kreis Unna",
        Some("KI"),
        OK::Department,
        None,
    )?;
    for (key, name, short, kind) in [
        ("stadt-luenen", "Stadt Lünen", "Lünen", BodyKind::Stadt),
        (
            "gemeinde-boenen",
            "Gemeinde Bönen",
            "Bönen",
            BodyKind::Gemeinde,
        ),
    ] {
        let b = s.body(key, name, short, kind, Some(unna), None)?;
        s.org(
            b,
            &format!("Rat der {name}"),
            Some("Rat"),
            OK::Council,
            None,
        )?;
    }
    Ok(unna)
}

/// Seed 000: Kamen's social committee hears the integration concept,
/// defers the decision to February and adopts KIM participation unanimously.
fn kamen(s: &mut Seeder, unna: i64) -> R<()> {
    let b = s.body(
        SEED_BODY_KEY,
        "Stadt Kamen",
        "Kamen",
        BodyKind::Stadt,
        Some(unna),
        Some("https://www.kamen.de"),
    )?;
    s.term(
        b,
        "Wahlperiode 2020–2025",
        day(2020, 11, 1),
        Some(day(2025, 10, 31)),
    )?;
    s.term(b, "Wahlperiode 2025–2030", day(2025, 11, 1), None)?;
    let saal = s.location(
        b,
        "Rathaus Kamen",
        Some("Ratssaal"),
        "Rathausplatz 1",
        "59174",
        "Kamen",
    )?;
    let rat = s.org(
        b,
        "Rat der Stadt Kamen",
        Some("Rat"),
        OK::Council,
        Some(saal),
    )?;
    let soz = s.org(
        b,
        "Sozial-, Teilhabe-, Generationen- und Familienausschuss",
        Some("SozA"),
        OK::Committee,
        Some(saal),
    )?;
    let ir = s.org(
        b,
        "Integrationsrat der Stadt Kamen",
        Some("IR"),
        OK::AdvisoryBoard,
        Some(saal),
    )?;
    let dez = s.org(
        b,
        "Dezernat II – Soziales, Generationen und Integration",
        Some("Dez. II"),
        OK::Department,
        None,
    )?;
    let spd = s.org(
        b,
        "SPD-Fraktion im Rat der Stadt Kamen",
        Some("SPD"),
        OK::Faction,
        None,
    )?;
    let cdu = s.org(
        b,
        "CDU-Fraktion im Rat der Stadt Kamen",
        Some("CDU"),
        OK::Faction,
        None,
    )?;
    let gru = s.org(
        b,
        "Fraktion Bündnis 90/Die Grünen",
        Some("GRÜNE"),
        OK::Faction,
        None,
    )?;
    let fdp = s.org(b, "FDP-Fraktion", Some("FDP"), OK::Faction, None)?;

    let schulze = s.person(b, "Frau", None, "Hanna", "Schulze", None)?;
    s.member(schulze, dez, Role::Chair, None, day(2018, 1, 1))?;
    // committee members (fictional)
    let since = day(2020, 11, 1);
    let members = [
        ("Frau", "Petra", "Hoffmann", spd, Role::Chair),
        ("Herr", "Martin", "Krüger", spd, Role::Member),
        ("Frau", "Sabine", "Wolters", spd, Role::Member),
        ("Herr", "Dirk", "Lanfermann", spd, Role::Member),
        ("Herr", "Jens", "Brockmann", cdu, Role::ViceChair),
        ("Frau", "Elke", "Sander", cdu, Role::Member),
        ("Herr", "Yusuf", "Demir", gru, Role::Member),
        ("Frau", "Anke", "Tiemann", fdp, Role::Member),
        ("Frau", "Olga", "Petrenko", gru, Role::CitizenMember),
    ];
    let mut ids = Vec::new();
    for (form, given, family, faction, role) in members {
        let party = match faction {
            f if f == spd => "SPD",
            f if f == cdu => "CDU",
            f if f == gru => "GRÜNE",
            _ => "FDP",
        };
        let p = s.person(b, form, None, given, family, Some(party))?;
        s.member(p, soz, role, Some(faction), since)?;
        if role != Role::CitizenMember {
            s.member(p, rat, Role::Member, Some(faction), since)?;
        }
        s.member(p, faction, Role::Member, None, since)?;
        ids.push(p);
    }
    s.member(ids[6], ir, Role::Member, Some(gru), since)?;

    let concept = s.paper(b, "2020/142", PT::Resolution, "Integrationskonzept der Stadt Kamen", Some("50 21 01"), day(2020, 11, 10), Some(dez),
        Some("1. Der Rat der Stadt Kamen beschließt das Integrationskonzept der Stadt Kamen.\n2. Die Verwaltung wird beauftragt, auf seiner Grundlage gemeinsam mit Institutionen und Einrichtungen die formulierten Handlungsstrategien umzusetzen und weitere Maßnahmen bedarfsgerecht zu entwickeln.\n3. Der Integrationsrat wird an der Weiterentwicklung des Konzepts beteiligt."),
        Some("Das Konzept soll die kommunale Integrationsarbeit als Teil einer vorbeugenden Gesamtstrategie zu einem nachhaltigen Integrationsmanagement weiterentwickeln. Es versteht sich als fortlaufender Prozess.\n\nEs gliedert sich in vier Handlungsfelder: Unterbringung und Finanzen; Sprache und Bildung; Qualifizierung und Arbeit; kultureller Austausch.\n\nErarbeitet wurde es von der Verwaltung gemeinsam mit zahlreichen Kamener Institutionen, Einrichtungen und Verbänden. Die erforderlichen Mittel sind im Haushalt veranschlagt."),
        true)?;
    s.originator(concept, Some(dez), None)?;
    let kim = s.paper(b, "2020/151", PT::Resolution, "Teilnahme am kreisweiten Förderprogramm „Kommunales Integrationsmanagement“ – Weiterleitungsvertrag und Kooperationsvereinbarung im Mittelkreis", Some("50 21 04"), day(2020, 11, 12), Some(dez),
        Some("Die Stadt Kamen nimmt am Förderprogramm „Kommunales Integrationsmanagement“ des Kreises Unna teil. Die Verwaltung wird beauftragt, den für die Umsetzung notwendigen Kooperationsvertrag mit der Stadt Bergkamen und der Gemeinde Bönen sowie den Weiterleitungsvertrag abzuschließen."),
        Some("Der Kreis Unna erhält eine pauschalierte Förderung für insgesamt 8,0 zusätzliche Vollzeitstellen. Rechnerisch entfielen auf die Stadt Kamen 0,85 Stellenanteile; gefördert werden jedoch nur Anteile in Schritten von 0,5 Vollzeitäquivalenten.\n\nDamit im Mittelkreis 2,5 Stellen entstehen können, hat die Stadt Lünen auf Stellenanteile verzichtet; dasselbe wird der Stadt Bergkamen vorgeschlagen. So können Kamen und Bergkamen je 1,0 Stelle und die Gemeinde Bönen 0,5 Stellen ausweisen.\n\nDie Stadt Bergkamen schließt eine Kooperationsvereinbarung mit dem Kreis Unna und leitet die vom Kreis verteilten Mittel an Kamen und Bönen weiter. Mit der Stelle soll ein Fall- bzw. Schnittstellenmanagement für Geflüchtete aufgebaut werden, die bislang keine Beratung erreicht.\n\nDas Förderprogramm ist bis zum Ende des kommenden Jahres befristet."),
        true)?;
    s.originator(kim, Some(dez), None)?;
    let rent = s.paper(b, "2020/150", PT::Resolution, "Anmietung eines Wohngebäudes zur Unterbringung Geflüchteter", Some("23 10 07"), day(2020, 11, 11), Some(dez),
        Some("Der Anmietung des Objekts zu den in der Vorlage genannten Konditionen wird zugestimmt."),
        Some("Vertrauliche Vertragsdetails: Eigentümer, Mietzins und Laufzeit. Nichtöffentlich gemäß § 48 Abs. 2 GO NRW."),
        false)?;

    // 24.11.2020 (a Tuesday): presented, decision deferred; KIM adopted unanimously
    let m1 = s.meeting(
        b,
        soz,
        "6. Sitzung des Sozial-, Teilhabe-, Generationen- und Familienausschusses",
        Some("SozA/2020/6"),
        at(2020, 11, 24, 17, 0),
        2,
        Some(saal),
        MS::Held,
    )?;
    // 23.02.2021: the February meeting the decision was moved to
    let m2 = s.meeting(
        b,
        soz,
        "7. Sitzung des Sozial-, Teilhabe-, Generationen- und Familienausschusses",
        Some("SozA/2021/1"),
        at(2021, 2, 23, 17, 0),
        2,
        Some(saal),
        MS::Held,
    )?;
    let m3 = s.meeting(
        b,
        rat,
        "4. Sitzung des Rates der Stadt Kamen",
        Some("Rat/2021/2"),
        at(2021, 3, 18, 17, 0),
        3,
        Some(saal),
        MS::Held,
    )?;

    opening(s, m1, 1)?;
    s.item(
        m1,
        true,
        2,
        "Einwohnerfragestunde",
        None,
        res(O::Noted).minutes("Es wurden keine Fragen gestellt."),
    )?;
    let i_concept = s.item(m1, true, 3, "Integrationskonzept der Stadt Kamen", Some(concept), crate::demo::seeder::Result_ {
        minutes: Some("Beigeordnete Hanna Schulze stellt das Integrationskonzept vor. Es soll sich in einem steten dynamischen Prozess befinden. Der Integrationsrat soll künftig an der Weiterentwicklung mitarbeiten; aus dem Ausschuss wird angeregt, die Aktion Zivilcourage einzubeziehen.\n\nDer Ausschuss verschiebt die Beschlussfassung auf seine nächste Sitzung im Februar, damit zuvor möglichst viele weitere Akteure an der Erstellung des Konzepts beteiligt werden können.".into()),
        ..Default::default()
    })?;
    let i_kim = s.item(m1, true, 4, "Teilnahme am Förderprogramm „Kommunales Integrationsmanagement“ – Weiterleitungsvertrag", Some(kim),
        res(O::AdoptedUnanimously).tally(14, 0, 0, Some(1))
            .resolution("Die Stadt Kamen nimmt am Förderprogramm „Kommunales Integrationsmanagement“ des Kreises Unna teil. Die Verwaltung wird beauftragt, den für die Umsetzung notwendigen Kooperationsvertrag mit der Stadt Bergkamen und der Gemeinde Bönen abzuschließen.")
            .minutes("Beigeordnete Schulze erläutert, dass mit der Fall- bzw. Schnittstellenmanagerstelle Geflüchtete erreicht werden sollen, die „durchs Raster gefallen“ sind. Die Weiterleitung der Mittel durch die Stadt Bergkamen bringe keine Nachteile; die Verwaltung stehe in engem Austausch mit der Integrationsbeauftragten der Stadt Bergkamen."))?;
    s.item(
        m1,
        true,
        5,
        "Mitteilungen der Verwaltung",
        None,
        res(O::Noted),
    )?;
    let n1 = s.item(
        m1,
        false,
        1,
        "Anmietung eines Wohngebäudes zur Unterbringung Geflüchteter",
        Some(rent),
        res(O::AdoptedUnanimously)
            .tally(14, 0, 0, Some(1))
            .minutes("Vertraulich: Zustimmung zur Anmietung zu den vorgelegten Konditionen."),
    )?;
    s.item(m1, false, 2, "Personalangelegenheit: Besetzung der Stelle Fallmanagement im Kommunalen Integrationsmanagement", None, res(O::Noted).minutes("Vertraulich: Auswahlverfahren und Bewerberlage wurden erörtert."))?;
    s.defer(i_concept, Some(m2))?;
    s.consult(kim, soz, Some(m1), Some(i_kim), CR::Decision, 1, true)?;
    s.consult(rent, soz, Some(m1), Some(n1), CR::Decision, 1, true)?;

    opening(s, m2, 1)?;
    let i_concept2 = s.item_full(m2, None, true, 2, "Integrationskonzept der Stadt Kamen", Some(concept),
        res(O::Recommended).tally(14, 0, 1, Some(0))
            .resolution("Der Ausschuss empfiehlt dem Rat, das Integrationskonzept der Stadt Kamen zu beschließen.")
            .minutes("Die Verwaltung berichtet über die seit November eingegangenen Beiträge weiterer Akteure. Der Ausschuss empfiehlt dem Rat die Beschlussfassung."),
        Some(i_concept))?;
    s.item(
        m2,
        true,
        3,
        "Mitteilungen der Verwaltung",
        None,
        res(O::Noted),
    )?;
    s.consult(
        concept,
        soz,
        Some(m2),
        Some(i_concept2),
        CR::Preliminary,
        1,
        false,
    )?;

    opening(s, m3, 1)?;
    let i_concept3 = s.item(m3, true, 5, "Integrationskonzept der Stadt Kamen", Some(concept),
        res(O::AdoptedByMajority).tally(36, 2, 1, Some(0))
            .resolution("Der Rat der Stadt Kamen beschließt das Integrationskonzept der Stadt Kamen. Die Verwaltung setzt die Handlungsstrategien gemeinsam mit Institutionen und Einrichtungen um; der Integrationsrat wird an der Weiterentwicklung beteiligt."))?;
    s.consult(
        concept,
        rat,
        Some(m3),
        Some(i_concept3),
        CR::Decision,
        2,
        true,
    )?;
    s.faction_vote(i_concept3, spd, 20, 0, 0)?;
    s.faction_vote(i_concept3, cdu, 10, 2, 1)?;
    s.faction_vote(i_concept3, gru, 4, 0, 0)?;
    s.faction_vote(i_concept3, fdp, 2, 0, 0)?;
    s.item(
        m3,
        false,
        1,
        "Grundstücksangelegenheit: Erwerb einer Teilfläche Gemarkung Methler",
        None,
        res(O::AdoptedUnanimously).minutes("Vertraulich: Kaufpreisverhandlung."),
    )?;
    for (p, v) in ids.iter().take(8).zip([
        Vote::Yes,
        Vote::Yes,
        Vote::Yes,
        Vote::Yes,
        Vote::Yes,
        Vote::No,
        Vote::Yes,
        Vote::Yes,
    ]) {
        s.person_vote(i_concept3, *p, v)?;
    }

    // upcoming, dated relative to the day the demo is loaded: the social
    // committee has sent its invitation, the council has only a date
    let report_date = report_date(s.today);
    let report = s.paper(b, &format!("{}/201", report_date.year()), PT::Information, "Fortschreibung des Integrationskonzepts – Sachstandsbericht", None, report_date, Some(dez),
        Some("Kenntnisnahme"), Some("Die Verwaltung berichtet über den Stand der Fortschreibung des Integrationskonzepts und die Mitarbeit des Integrationsrates."), true)?;
    let d4 = next_weekday(s.today + Duration::days(7), Weekday::Tue);
    let m4 = s.meeting(
        b,
        soz,
        "Sitzung des Sozial-, Teilhabe-, Generationen- und Familienausschusses",
        Some(&format!("SozA/{}/5", d4.year())),
        on(d4, 17, 0),
        2,
        Some(saal),
        MS::Invited,
    )?;
    opening(s, m4, 1)?;
    let i4 = s.item(
        m4,
        true,
        2,
        "Fortschreibung des Integrationskonzepts – Sachstandsbericht",
        Some(report),
        Default::default(),
    )?;
    s.consult(report, soz, Some(m4), Some(i4), CR::Notice, 1, false)?;
    s.item(
        m4,
        true,
        3,
        "Mitteilungen der Verwaltung",
        None,
        Default::default(),
    )?;
    s.item(
        m4,
        false,
        1,
        "Vergabe eines Sprachkursangebots – Zuschlagserteilung",
        None,
        Default::default(),
    )?;
    let d5 = next_weekday(d4 + Duration::days(7), Weekday::Thu);
    let m5 = s.meeting(
        b,
        rat,
        "Sitzung des Rates der Stadt Kamen",
        Some(&format!("Rat/{}/6", d5.year())),
        on(d5, 17, 0),
        3,
        Some(saal),
        MS::Scheduled,
    )?;
    opening(s, m5, 1)?;
    s.item(
        m5,
        true,
        2,
        &format!("Haushaltssatzung {}", d5.year() + 1),
        None,
        Default::default(),
    )?;
    Ok(())
}

/// Seed 003: Bergkamen's Vorlage 11/1481 to the Integrationsrat.
fn bergkamen(s: &mut Seeder, unna: i64) -> R<()> {
    let b = s.body(
        "stadt-bergkamen",
        "Stadt Bergkamen",
        "Bergkamen",
        BodyKind::Stadt,
        Some(unna),
        Some("https://www.bergkamen.de"),
    )?;
    s.term(
        b,
        "Wahlperiode 2014–2020",
        day(2014, 6, 1),
        Some(day(2020, 10, 31)),
    )?;
    let saal = s.location(
        b,
        "Rathaus Bergkamen",
        Some("Ratssaal"),
        "Rathausplatz 1",
        "59192",
        "Bergkamen",
    )?;
    let rat = s.org(
        b,
        "Rat der Stadt Bergkamen",
        Some("Rat"),
        OK::Council,
        Some(saal),
    )?;
    let ir = s.org(
        b,
        "Integrationsrat der Stadt Bergkamen",
        Some("IR"),
        OK::AdvisoryBoard,
        Some(saal),
    )?;
    let amt = s.org(
        b,
        "Amt 51 – Jugend, Soziales und Integration",
        Some("Amt 51"),
        OK::Department,
        None,
    )?;
    s.org(
        b,
        "Institut für soziale Innovation, Solingen",
        None,
        OK::External,
        None,
    )?;
    let busch = s.person(b, "Frau", None, "", "Busch", None)?;
    s.member(busch, amt, Role::Chair, None, day(2015, 1, 1))?;
    let kortendiek = s.person(b, "Herr", None, "", "Kortendiek", None)?;
    s.member(kortendiek, amt, Role::Member, None, day(2015, 1, 1))?;
    let siebert = s.person(b, "Frau", None, "", "Siebert", None)?;
    s.member(siebert, amt, Role::Member, None, day(2015, 1, 1))?;

    let decision = s.paper(b, "11/1450", PT::Resolution, "Durchführung eines Integrationsmanagements mit Zuweisungen nach § 14a Teilhabe- und Integrationsgesetz NRW", Some("51si-"), day(2019, 2, 5), Some(amt),
        Some("Der Rat stimmt der Durchführung eines Integrationsmanagements einschließlich Analyse und Konzepterstellung zu und befürwortet die Beauftragung des Instituts für soziale Innovation, Solingen."), None, true)?;
    let vorlage = s.paper(b, "11/1481", PT::Resolution, "Einführung eines Kommunalen Integrationsmanagements", Some("51si-"), day(2019, 2, 26), Some(amt),
        Some("Kenntnisnahme"),
        Some("Mit Zuweisungen für Integrationsmaßnahmen nach § 14a Teilhabe- und Integrationsgesetz NRW der Bezirksregierung Arnsberg kann die Stadt Bergkamen ein Integrationsmanagement einschließlich einer umfassenden Analyse und anschließender Konzepterstellung durchführen. Ziel ist, Probleme im Zusammenleben von Einheimischen und Zugewanderten zu vermeiden.\n\nDer Rat hat sich am 21. Februar für die Maßnahme entschieden und die Beauftragung des Instituts für soziale Innovation befürwortet. Weil die Fördermittel erst im Dezember 2018 zugewiesen wurden, war eine Vorberatung im Integrationsrat nicht möglich.\n\nIm Projektzeitraum Januar bis Oktober 2019 steht eine Willkommens- und Anerkennungskultur in der Stadtgesellschaft im Vordergrund; weitere Segregation soll verhindert werden. Bestands- und Bedarfsanalysen in den Sozialräumen, Interviews mit Alt- und Neuzugewanderten und die Koordinierung der Akteure münden in überprüfbare Ziele und Maßnahmen anhand festzulegender Indikatoren.\n\nDas Institut lädt zeitnah die Mitglieder des Integrationsrates und alle Beteiligten zu einem Treffen ein."),
        true)?;
    s.originator(vorlage, Some(amt), None)?;
    s.originator(vorlage, None, Some(busch))?;
    s.relation(vorlage, decision, PaperRelationKind::Related)?;

    let m_rat = s.meeting(
        b,
        rat,
        "Sitzung des Rates der Stadt Bergkamen",
        Some("Rat/2019/1"),
        at(2019, 2, 21, 17, 0),
        3,
        Some(saal),
        MS::Held,
    )?;
    opening(s, m_rat, 1)?;
    let i_rat = s.item(
        m_rat,
        true,
        7,
        "Durchführung eines Integrationsmanagements mit Mitteln nach § 14a TIntG NRW",
        Some(decision),
        res(O::Adopted),
    )?;
    s.consult(
        decision,
        rat,
        Some(m_rat),
        Some(i_rat),
        CR::Decision,
        1,
        true,
    )?;
    s.item(
        m_rat,
        false,
        1,
        "Personalangelegenheit: Befristete Einstellung einer Projektkoordination",
        None,
        res(O::AdoptedUnanimously).minutes("Vertraulich: Eingruppierung nach TVöD."),
    )?;

    let m_ir = s.meeting(
        b,
        ir,
        "Sitzung des Integrationsrates der Stadt Bergkamen",
        Some("IR/2019/1"),
        at(2019, 3, 13, 17, 0),
        2,
        Some(saal),
        MS::Held,
    )?;
    opening(s, m_ir, 1)?;
    let i_ir = s.item(m_ir, true, 4, "Einführung eines Kommunalen Integrationsmanagements", Some(vorlage), res(O::Noted).minutes("Der Integrationsrat nimmt die Vorlage 11/1481 zur Kenntnis. Zum Auftakttreffen mit dem Institut für soziale Innovation werden alle Mitglieder eingeladen."))?;
    s.consult(vorlage, ir, Some(m_ir), Some(i_ir), CR::Notice, 1, false)?;

    let d_next = next_weekday(s.today + Duration::days(40), Weekday::Wed);
    let m_next = s.meeting(
        b,
        ir,
        "Sitzung des Integrationsrates der Stadt Bergkamen",
        Some(&format!("IR/{}/1", d_next.year())),
        on(d_next, 17, 0),
        2,
        Some(saal),
        MS::Scheduled,
    )?;
    opening(s, m_next, 1)?;
    Ok(())
}

/// Seed 001: Kreis Siegen-Wittgenstein presents its concept (9 and 13 September).
fn siegen_wittgenstein(s: &mut Seeder) -> R<()> {
    let b = s.body(
        "kreis-siegen-wittgenstein",
        "Kreis Siegen-Wittgenstein",
        "Siegen-Wittgenstein",
        BodyKind::Kreis,
        None,
        Some("https://www.siegen-wittgenstein.de"),
    )?;
    s.term(
        b,
        "Wahlperiode 2009–2014",
        day(2009, 10, 21),
        Some(day(2014, 5, 31)),
    )?;
    let haus = s.location(
        b,
        "Kreishaus Siegen",
        Some("Sitzungssaal"),
        "Koblenzer Straße 73",
        "57072",
        "Siegen",
    )?;
    let kt = s.org(
        b,
        "Kreistag Siegen-Wittgenstein",
        Some("KT"),
        OK::Council,
        Some(haus),
    )?;
    let ksa = s.org(
        b,
        "Kreissozialausschuss",
        Some("KSA"),
        OK::Committee,
        Some(haus),
    )?;
    let dez = s.org(
        b,
        "Dezernat Jugend, Familie und Soziales",
        None,
        OK::Department,
        None,
    )?;
    let breuer = s.person(b, "Herr", None, "Paul", "Breuer", None)?;
    s.member(breuer, kt, Role::Chair, None, day(2009, 10, 21))?;
    let klinkert = s.person(b, "Frau", None, "Helge", "Klinkert", None)?;
    s.member(klinkert, dez, Role::Chair, None, day(2010, 1, 1))?;

    let p = s.paper(b, "2013/0245", PT::Resolution, "Kommunales Integrationskonzept für den Kreis Siegen-Wittgenstein und Einrichtung eines Kommunalen Integrationszentrums", None, day(2013, 8, 20), Some(dez),
        Some("1. Der Kreistag beschließt das Kommunale Integrationskonzept für den Kreis Siegen-Wittgenstein.\n2. Die Verwaltung wird beauftragt, ab dem 1. Dezember 2013 alle personellen und organisatorischen Vorbereitungen zu treffen, damit das Kommunale Integrationszentrum seine Arbeit zum 1. Februar 2014 aufnehmen kann."),
        Some("Der Kreistag hatte die Verwaltung im September 2012 beauftragt, in Abstimmung mit den Städten und Gemeinden ein Integrationskonzept zu erarbeiten. Es ist zugleich Voraussetzung der Landesförderung und Arbeitsgrundlage des Kommunalen Integrationszentrums.\n\nHandlungsfelder: Bildung und Erziehung; Ausbildung, Übergang Schule – Beruf, Arbeitsmarktintegration; Gesundheit – Pflege und Wohnen im Alter; Bürgerschaftliches Engagement; Politische Partizipation; Interkulturelle Sensibilität – Interkulturelle Öffnung.\n\nDas Zentrum erhält 5,5 Stellen: zwei sozialpädagogische Fachkräfte, zwei vom Schulministerium abgeordnete Lehrkräfte und 1,5 Stellen für Organisation und Verwaltung. Rahmen ist das Teilhabe- und Integrationsgesetz NRW vom Februar 2012; die Kommunalen Integrationszentren lösen die bisherigen RAA ab. Zunächst soll die Verbesserung der Sprachkompetenz im Mittelpunkt stehen."),
        true)?;
    s.originator(p, Some(dez), None)?;
    let m1 = s.meeting(
        b,
        ksa,
        "Sitzung des Kreissozialausschusses",
        Some("KSA/2013/4"),
        at(2013, 9, 9, 15, 0),
        2,
        Some(haus),
        MS::Held,
    )?;
    opening(s, m1, 1)?;
    let i1 = s.item(m1, true, 3, "Kommunales Integrationskonzept für den Kreis Siegen-Wittgenstein", Some(p), res(O::Recommended).minutes("Dezernentin Helge Klinkert erläutert das Konzept: Bildung sei der Schlüssel erfolgreicher Integrationsarbeit, daher stehe zunächst die Sprachkompetenz im Mittelpunkt. Der Ausschuss empfiehlt dem Kreistag die Beschlussfassung."))?;
    let m2 = s.meeting(
        b,
        kt,
        "Sitzung des Kreistages Siegen-Wittgenstein",
        Some("KT/2013/5"),
        at(2013, 9, 13, 14, 0),
        3,
        Some(haus),
        MS::Held,
    )?;
    opening(s, m2, 1)?;
    let i2 = s.item(m2, true, 6, "Kommunales Integrationskonzept für den Kreis Siegen-Wittgenstein und Einrichtung eines Kommunalen Integrationszentrums", Some(p), res(O::Adopted).resolution("Der Kreistag beschließt das Kommunale Integrationskonzept. Die Verwaltung trifft ab dem 1. Dezember 2013 die Vorbereitungen, damit das Kommunale Integrationszentrum zum 1. Februar 2014 seine Arbeit aufnimmt."))?;
    s.consult(p, ksa, Some(m1), Some(i1), CR::Preliminary, 1, false)?;
    s.consult(p, kt, Some(m2), Some(i2), CR::Decision, 2, true)?;
    s.item(
        m2,
        false,
        1,
        "Personalangelegenheit: Leitung des Kommunalen Integrationszentrums",
        None,
        res(O::AdoptedUnanimously),
    )?;
    Ok(())
}

/// Seed 002: Kreis Coesfeld's Integrationsausschuss recommends the concept.
fn coesfeld(s: &mut Seeder) -> R<()> {
    let b = s.body(
        "kreis-coesfeld",
        "Kreis Coesfeld",
        "Coesfeld",
        BodyKind::Kreis,
        None,
        Some("https://www.kreis-coesfeld.de"),
    )?;
    s.term(
        b,
        "Wahlperiode 2014–2020",
        day(2014, 6, 1),
        Some(day(2020, 10, 31)),
    )?;
    let haus = s.location(
        b,
        "Kreishaus I",
        Some("Großer Sitzungssaal"),
        "Friedrich-Ebert-Straße 7",
        "48653",
        "Coesfeld",
    )?;
    let kt = s.org(b, "Kreistag Coesfeld", Some("KT"), OK::Council, Some(haus))?;
    let ia = s.org(
        b,
        "Integrationsausschuss",
        Some("IA"),
        OK::Committee,
        Some(haus),
    )?;
    let ki = s.org(
        b,
        "Kommunales Integrationszentrum Kreis Coesfeld",
        Some("KI"),
        OK::Department,
        None,
    )?;
    let cdu = s.org(b, "CDU-Kreistagsfraktion", Some("CDU"), OK::Faction, None)?;
    let landrat = s.person(
        b,
        "Herr",
        Some("Dr."),
        "Christian",
        "Schulze Pellengahr",
        None,
    )?;
    s.member(landrat, kt, Role::Chair, None, day(2015, 10, 21))?;
    let kleerbaum = s.person(b, "Herr", None, "Klaus-Viktor", "Kleerbaum", Some("CDU"))?;
    s.member(kleerbaum, ia, Role::Chair, Some(cdu), day(2014, 6, 1))?;
    let wenning = s.person(b, "Herr", Some("Dr."), "Thomas", "Wenning", None)?;
    s.member(wenning, ia, Role::Member, None, day(2014, 6, 1))?;
    let dreier = s.person(b, "Herr", None, "Bodo", "Dreier", None)?;
    s.member(dreier, ki, Role::Chair, None, day(2015, 1, 1))?;

    let p = s.paper(b, "SV-9-0712", PT::Resolution, "Integrationskonzept des Kreises Coesfeld", None, day(2016, 10, 25), Some(ki),
        Some("Der Integrationsausschuss empfiehlt dem Kreistag, das Integrationskonzept des Kreises Coesfeld zu beschließen."),
        Some("Die Erstellung eines Integrationskonzepts gehört zu den Pflichtaufgaben des Kommunalen Integrationszentrums. Es ist mit den Städten und Gemeinden abzustimmen, vom Kreistag zu verabschieden und dem Land bis zum Jahresende vorzulegen.\n\nDas rund 220 Seiten starke Konzept beruht auf einer breiten Beteiligung: Behörden, Wohlfahrtsverbände, Schulen, Agentur für Arbeit und Jobcenter, Ehrenamtsinitiativen, Migrantenselbstorganisationen und Menschen mit eigener Fluchterfahrung. Eine Vorbereitungsgruppe hat die erste Integrationskonferenz im Sommer vorbereitet und die Struktur erarbeitet.\n\nTeil 1 stellt Daten zur Bevölkerung, zur Flüchtlings- und zur Schulsituation dar, Teil 2 beschreibt die Angebote vor Ort und kreisweit mit Kontakten, dazu gesetzliche Grundlagen und Zuständigkeiten."),
        true)?;
    s.originator(p, Some(ki), None)?;
    let m1 = s.meeting(
        b,
        ia,
        "Sitzung des Integrationsausschusses",
        Some("IA/2016/3"),
        at(2016, 11, 9, 16, 0),
        2,
        Some(haus),
        MS::Held,
    )?;
    opening(s, m1, 1)?;
    let i1 = s.item(m1, true, 3, "Integrationskonzept des Kreises Coesfeld", Some(p),
        res(O::Recommended).resolution("Der Integrationsausschuss empfiehlt dem Kreistag einstimmig, das Integrationskonzept in seiner nächsten Sitzung zu verabschieden.")
            .minutes("Landrat Dr. Christian Schulze Pellengahr betont die intensive Beteiligung haupt- und ehrenamtlicher Akteure; das Konzept dürfe kein Papier „für die Schublade“ werden. Die Ausschussmitglieder loben die Ausrichtung auf die Bedürfnisse der Städte und Gemeinden.\n\nDr. Thomas Wenning hebt hervor, dass die Kommunikation mit Kommunen, Institutionen und Ehrenamtlichen nun höchste Priorität habe. KI-Leiter Bodo Dreier kündigt Gespräche mit allen Städten und Gemeinden und die Veröffentlichung der Angebote im Internet an. Der Vorsitzende Klaus-Viktor Kleerbaum sichert die weitere Unterstützung des Ausschusses zu.")
            .tally(15, 0, 0, None))?;
    let m2 = s.meeting(
        b,
        kt,
        "Sitzung des Kreistages Coesfeld",
        Some("KT/2016/6"),
        at(2016, 12, 14, 16, 0),
        3,
        Some(haus),
        MS::Held,
    )?;
    opening(s, m2, 1)?;
    let i2 = s.item(
        m2,
        true,
        8,
        "Integrationskonzept des Kreises Coesfeld",
        Some(p),
        res(O::Adopted)
            .resolution("Der Kreistag beschließt das Integrationskonzept des Kreises Coesfeld."),
    )?;
    s.consult(p, ia, Some(m1), Some(i1), CR::Preliminary, 1, false)?;
    s.consult(p, kt, Some(m2), Some(i2), CR::Decision, 2, true)?;
    Ok(())
}

/// Seed 004: StädteRegion Aachen, social committee, 16.06.2021, TOP Ö 12.
fn aachen(s: &mut Seeder) -> R<()> {
    let b = s.body(
        "staedteregion-aachen",
        "StädteRegion Aachen",
        "StädteRegion Aachen",
        BodyKind::StaedteRegion,
        None,
        Some("https://www.staedteregion-aachen.de"),
    )?;
    s.term(
        b,
        "Wahlperiode 2020–2025",
        day(2020, 11, 1),
        Some(day(2025, 10, 31)),
    )?;
    let haus = s.location(
        b,
        "Haus der StädteRegion",
        Some("Sitzungssaal"),
        "Zollernstraße 10",
        "52070",
        "Aachen",
    )?;
    let srt = s.org(b, "Städteregionstag", Some("SRT"), OK::Council, Some(haus))?;
    let soz = s.org(
        b,
        "Ausschuss für Soziales, Gesundheit, Senioren und demographische Vielfalt",
        Some("SOZ"),
        OK::Committee,
        Some(haus),
    )?;
    let schul = s.org(
        b,
        "Ausschuss für Schule, Bildung, Wissenschaft und Kultur",
        Some("SCHUL"),
        OK::Committee,
        Some(haus),
    )?;
    let a46 = s.org(
        b,
        "A 46 – Kommunales Integrationszentrum",
        Some("A 46"),
        OK::Department,
        None,
    )?;
    s.org(b, "A 33 – Ausländeramt", Some("A 33"), OK::Department, None)?;
    let gru = s.org(
        b,
        "GRÜNE-Städteregionstagsfraktion",
        Some("GRÜNE"),
        OK::Faction,
        None,
    )?;
    let cdu = s.org(
        b,
        "CDU-Städteregionstagsfraktion",
        Some("CDU"),
        OK::Faction,
        None,
    )?;
    let spd = s.org(
        b,
        "SPD-Städteregionstagsfraktion",
        Some("SPD"),
        OK::Faction,
        None,
    )?;

    let ziemons = s.person(b, "Herr", Some("Dr."), "", "Ziemons", None)?;
    s.member(ziemons, a46, Role::Advisory, None, day(2020, 11, 1))?;
    let roeder = s.person(b, "Herr", None, "Jan", "Röder", None)?;
    s.member(roeder, a46, Role::Chair, None, day(2021, 7, 1))?;
    let since = day(2020, 11, 1);
    let koester = s.person(b, "Frau", None, "", "Köster", Some("CDU"))?;
    s.member(koester, soz, Role::Chair, Some(cdu), since)?;
    s.member(koester, srt, Role::Member, Some(cdu), since)?;
    let luebben = s.person(b, "Herr", None, "", "Lübben", Some("GRÜNE"))?;
    s.member(luebben, soz, Role::Member, Some(gru), since)?;
    s.member(luebben, srt, Role::Member, Some(gru), since)?;
    let paul = s.person(b, "Frau", None, "", "Paul", Some("SPD"))?;
    s.member(paul, soz, Role::Member, Some(spd), since)?;
    s.member(paul, schul, Role::Member, Some(spd), since)?;
    s.member(paul, srt, Role::Member, Some(spd), since)?;
    let aye = s.person(b, "Frau", None, "", "Aye", None)?;
    s.member(aye, soz, Role::Advisory, None, since)?;

    let report = s.paper(b, "2021/0214", PT::Information, "Sachstandsbericht zum Kommunalen Integrationsmanagement", None, day(2021, 6, 1), Some(a46),
        Some("Der Ausschuss nimmt den Sachstandsbericht zur Kenntnis."),
        Some("Die Verwaltung berichtet über den Aufbau des Kommunalen Integrationsmanagements (KIM) in der StädteRegion: rechtskreisübergreifendes Case Management, die Einbindung der freien Träger und die Umsetzung von KIM-Modul 3 bei den Ausländerbehörden."),
        true)?;
    s.originator(report, Some(a46), None)?;
    let m = s.meeting(
        b,
        soz,
        "Sitzung des Ausschusses für Soziales, Gesundheit, Senioren und demographische Vielfalt",
        Some("SOZ/2021/3"),
        at(2021, 6, 16, 16, 0),
        3,
        Some(haus),
        MS::Held,
    )?;
    let titles = [
        "Eröffnung der Sitzung und Feststellung der Tagesordnung",
        "Niederschrift über die Sitzung vom 21.04.2021 – öffentlicher Teil",
        "Mitteilungen der Verwaltung",
        "Bericht des Gesundheitsamtes zur Pandemielage",
        "Pflegebedarfsplanung 2021",
        "Kommunale Pflegekonferenz",
        "Förderung der Seniorenarbeit",
        "Zuschüsse an die Verbände der freien Wohlfahrtspflege",
        "Quartiersentwicklung in den Städten und Gemeinden",
        "Demografiebericht der StädteRegion",
        "Suchthilfe und Suchtprävention – Jahresbericht",
    ];
    for (i, t) in titles.iter().enumerate() {
        s.item(m, true, i as i32 + 1, t, None, res(O::Noted))?;
    }
    let top12 = s.item(m, true, 12, "Sachstandsbericht zum Kommunalen Integrationsmanagement", Some(report),
        res(O::Noted).minutes("Herr Dr. Ziemons erläutert, dass mit dem KIM erstmals eine rechtskreisübergreifende Stelle entstehe, damit Menschen nicht zwischen den Zuständigkeiten verloren gehen. Die Casemanagementstellen könnten nicht bei den freien Trägern angesiedelt werden, weil dort keine rechtskreisübergreifenden Strukturen bestünden; die Träger würden aber eng eingebunden. Er stellt den neuen Leiter des Kommunalen Integrationszentrums, Herrn Jan Röder, vor, der seine Arbeit am 01.07.2021 aufnimmt.\n\nKIM-Modul 3 ist bei den Ausländerbehörden angesiedelt; Ausländeramt und Kommunales Integrationszentrum bereiten gemeinsame Fallkonferenzen vor. Die KIM-Stellen von Stadt Aachen und StädteRegion sollen gemeinsam in den Aachen-Arkaden untergebracht werden.\n\nFrau Aye (Arbeitsgemeinschaft der Verbände der freien Wohlfahrtspflege) bekundet das Interesse der Träger, die neuen Strukturen mit aufzubauen. Herr SRTM Lübben (GRÜNE) erhofft sich vom KIM einen Quantensprung und fragt nach der Lage der Internationalen Förderklassen; Herr Dr. Ziemons berichtet von zu wenigen Plätzen und langen Wartezeiten.\n\nDer Ausschuss nimmt die Mitteilungsvorlage zur Kenntnis."))?;
    s.consult(report, soz, Some(m), Some(top12), CR::Notice, 1, false)?;
    s.item(
        m,
        false,
        1,
        "Niederschrift über die Sitzung vom 21.04.2021 – nichtöffentlicher Teil",
        None,
        res(O::Noted),
    )?;
    s.item(
        m,
        false,
        2,
        "Vergabe der Trägerschaft einer Beratungsstelle",
        None,
        res(O::AdoptedUnanimously).minutes("Vertraulich: Bieterauswahl."),
    )?;

    // the requested overview, answered at the next meeting together with SCHUL
    let overview = s.paper(b, "2021/0301", PT::Information, "Situation der Quereinsteiger_innen und der Internationalen Förderklassen in der StädteRegion", None, day(2021, 9, 6), Some(a46),
        Some("Der Ausschuss nimmt die Übersicht zur Kenntnis."),
        Some("Auf Bitte aus der Sitzung vom 16.06.2021 gibt die Verwaltung eine Übersicht über Plätze, Wartezeiten und Schulträger der Internationalen Förderklassen und die Situation der Quereinsteiger_innen."),
        true)?;
    let m2 = s.meeting(b, soz, "Gemeinsame Sitzung des Ausschusses für Soziales, Gesundheit, Senioren und demographische Vielfalt und des Ausschusses für Schule, Bildung, Wissenschaft und Kultur", Some("SOZ/2021/4"), at(2021, 9, 22, 16, 0), 3, Some(haus), MS::Held)?;
    s.joint(m2, schul)?;
    opening(s, m2, 1)?;
    let answer = s.item(m2, true, 4, "Situation der Quereinsteiger_innen und der Internationalen Förderklassen", Some(overview), res(O::Noted).minutes("Die Verwaltung stellt die erbetene Übersicht vor. Die Schulträger in den Städten und Gemeinden werden einbezogen."))?;
    s.consult(overview, soz, Some(m2), Some(answer), CR::Notice, 1, false)?;
    s.consult(
        overview,
        schul,
        Some(m2),
        Some(answer),
        CR::Notice,
        2,
        false,
    )?;
    s.relation(overview, report, PaperRelationKind::Related)?;
    s.follow_up(top12, soz, Some(m2), "Übersicht und Sachstand zur Situation der Quereinsteiger_innen und der Internationalen Förderklassen in der StädteRegion für die nächste Sitzung, unter Einbeziehung des Ausschusses für Schule, Bildung, Wissenschaft und Kultur", Some(luebben), Some(answer))?;

    // the latest meeting, shortly before the day the demo is loaded: held,
    // with results and published minutes
    let d3 = last_weekday(s.today - Duration::days(10), Weekday::Wed);
    let m3 = s.meeting(
        b,
        soz,
        "Sitzung des Ausschusses für Soziales, Gesundheit, Senioren und demographische Vielfalt",
        Some(&format!("SOZ/{}/6", d3.year())),
        on(d3, 16, 0),
        3,
        Some(haus),
        MS::Held,
    )?;
    let annual_title = format!(
        "Kommunales Integrationsmanagement – Jahresbericht {}",
        d3.year()
    );
    let d_annual = d3 - Duration::days(14);
    let annual = s.paper(b, &format!("{}/0412", d_annual.year()), PT::Information, &annual_title, None, d_annual, Some(a46),
        Some("Der Ausschuss nimmt den Jahresbericht zur Kenntnis."),
        Some("Die Verwaltung berichtet über das Jahr des Kommunalen Integrationsmanagements: Case Management in allen Städten und Gemeinden, gemeinsame Fallkonferenzen von Ausländeramt und Kommunalem Integrationszentrum, Einbindung der freien Träger."),
        true)?;
    s.originator(annual, Some(a46), None)?;
    opening(s, m3, 1)?;
    let i_annual = s.item(
        m3,
        true,
        2,
        &annual_title,
        Some(annual),
        res(O::Noted).minutes("Herr Röder stellt den Jahresbericht des Kommunalen Integrationsmanagements vor: Das Case Management ist in allen Städten und Gemeinden der StädteRegion erreichbar; die gemeinsamen Fallkonferenzen mit dem Ausländeramt finden regelmäßig statt. Der Ausschuss nimmt den Bericht zur Kenntnis."),
    )?;
    s.consult(annual, soz, Some(m3), Some(i_annual), CR::Notice, 1, false)?;
    s.item(
        m3,
        false,
        1,
        "Personalangelegenheit: Stellenbesetzung im Kommunalen Integrationszentrum",
        None,
        res(O::AdoptedUnanimously).minutes("Vertraulich: Auswahl aus drei Bewerbungen."),
    )?;
    Ok(())
}
