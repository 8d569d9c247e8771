//! Deterministic generator of a large German city over one term, for
//! benchmarks: per city 32 Gremien, 1,600 meetings, about 10,500 papers
//! with consultations and about 21,000 agenda items, a share of them
//! non-public, some deferred. Same `city` number and load day, same data;
//! the term moves with the load day (in whole weeks), so that meetings
//! before it took place and the last ones lie ahead.

use std::collections::HashMap;

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime};

use super::seeder::*;
use crate::db::DbConnection;
use crate::domain::{
    BodyKind, ConsultationRole as CR, MeetingState as MS, MembershipRole as Role,
    OrganizationKind as OK, Outcome as O, PaperType as PT,
};

pub fn body_key(city: u32) -> String {
    format!("grossstadt-{city}")
}

/// splitmix64: tiny, deterministic, good enough for demo data.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
}

const CITY_NAMES: [&str; 10] = [
    "Musterstadt",
    "Rheinhausen",
    "Lindenberg",
    "Auental",
    "Bergheide",
    "Wiesenfurt",
    "Hafenstadt",
    "Kornfeld",
    "Steinbrück",
    "Waldau",
];
const COMMITTEES: [(&str, &str); 30] = [
    ("Haupt- und Finanzausschuss", "HFA"),
    ("Ausschuss für Stadtentwicklung und Planung", "StEA"),
    ("Bau- und Verkehrsausschuss", "BVA"),
    ("Umwelt- und Klimaausschuss", "UKA"),
    ("Schulausschuss", "SchA"),
    ("Jugendhilfeausschuss", "JHA"),
    ("Sozialausschuss", "SozA"),
    ("Ausschuss für Integration und Vielfalt", "AIV"),
    ("Kulturausschuss", "KuA"),
    ("Sportausschuss", "SpA"),
    ("Rechnungsprüfungsausschuss", "RPA"),
    ("Wahlprüfungsausschuss", "WPA"),
    ("Ausschuss für Wirtschaftsförderung", "WiA"),
    ("Ausschuss für Digitalisierung", "DigA"),
    ("Gesundheitsausschuss", "GesA"),
    ("Ausschuss für Bürgerbeteiligung", "BBA"),
    ("Betriebsausschuss Stadtwerke", "BetrA SW"),
    ("Betriebsausschuss Abfallwirtschaft", "BetrA AW"),
    ("Ausschuss für Feuerschutz und Rettungswesen", "FeuA"),
    ("Liegenschaftsausschuss", "LiA"),
    ("Gleichstellungsausschuss", "GlA"),
    ("Seniorenausschuss", "SenA"),
    ("Wohnungsbauausschuss", "WoA"),
    ("Ausschuss für Mobilität", "MobA"),
    ("Bezirksvertretung Mitte", "BV 1"),
    ("Bezirksvertretung Nord", "BV 2"),
    ("Bezirksvertretung Süd", "BV 3"),
    ("Bezirksvertretung Ost", "BV 4"),
    ("Bezirksvertretung West", "BV 5"),
    ("Ausschuss für Tourismus und Stadtmarketing", "TouA"),
];
const FACTIONS: [(&str, &str, u32); 6] = [
    ("CDU-Fraktion", "CDU", 18),
    ("SPD-Fraktion", "SPD", 16),
    ("Fraktion Bündnis 90/Die Grünen", "GRÜNE", 12),
    ("FDP-Fraktion", "FDP", 5),
    ("Fraktion DIE LINKE", "LINKE", 4),
    ("Wählergemeinschaft Bürger für die Stadt", "BfS", 5),
];
const GIVEN: [&str; 24] = [
    "Anna", "Bernd", "Claudia", "Deniz", "Elena", "Frank", "Gül", "Heike", "Ingo", "Julia", "Karl",
    "Lena", "Marek", "Nina", "Oliver", "Paula", "Ralf", "Sevgi", "Thomas", "Ursula", "Volker",
    "Wiebke", "Yannick", "Zeynep",
];
const FAMILY: [&str; 24] = [
    "Albers", "Becker", "Cakir", "Dietrich", "Engel", "Fischer", "Graf", "Hartmann", "Illner",
    "Jansen", "Kowalski", "Lorenz", "Meyer", "Nowak", "Otto", "Peters", "Quast", "Richter",
    "Schmitz", "Thiele", "Unger", "Vogel", "Weber", "Yilmaz",
];
const SUBJECTS: [&str; 16] = [
    "Sanierung der Grundschule",
    "Neubau der Kindertagesstätte",
    "Bebauungsplan",
    "Radverkehrskonzept",
    "Ausbau der Straße",
    "Förderung des Sportvereins",
    "Haushaltsplanentwurf",
    "Wärmeplanung",
    "Integrationskonzept – Fortschreibung",
    "Kommunales Integrationsmanagement – Sachstand",
    "Spielplatzkonzept",
    "Digitalisierung der Verwaltung",
    "Klimaschutzmaßnahmen",
    "Quartiersentwicklung",
    "Jahresabschluss",
    "Gebührensatzung",
];
const PLACES: [&str; 12] = [
    "Am Markt",
    "Lindenallee",
    "Kirchplatz",
    "Bahnhofstraße",
    "Nordviertel",
    "Südpark",
    "Hafenweg",
    "Schulstraße",
    "Mühlenbach",
    "Eichenweg",
    "Rathausplatz",
    "Wiesengrund",
];
const CLOSED: [&str; 4] = [
    "Grundstücksangelegenheit",
    "Personalangelegenheit",
    "Vergabeangelegenheit",
    "Vertragsangelegenheit",
];

/// Next position in a meeting's public (Ö) or non-public (N) part.
fn next_position(positions: &mut HashMap<i64, (i32, i32)>, meeting: i64, public: bool) -> i32 {
    let pp = positions.entry(meeting).or_insert((1, 0));
    if public {
        pp.0 += 1;
        pp.0
    } else {
        pp.1 += 1;
        pp.1
    }
}

fn date_at(d: NaiveDate, h: u32) -> NaiveDateTime {
    at(d.year(), d.month(), d.day(), h, 0)
}

pub fn generate_city(c: &mut DbConnection, city: u32) -> Result<(), diesel::result::Error> {
    let now = crate::db::now();
    let mut rng = Rng(0xC0FFEE ^ city as u64);
    // The term is laid out around the load day, moved in whole weeks (so
    // meetings stay on weekdays): meetings before `now` took place and have
    // results, the last few lie ahead.
    let today = crate::base::dates::berlin(now).date_naive();
    let shift = Duration::weeks((today - day(2026, 11, 15)).num_weeks());
    let cutoff = now;
    let term_start = day(2021, 11, 1) + shift;
    let term_end = day(2026, 12, 31) + shift;
    let name = format!(
        "{}{}",
        CITY_NAMES[(city as usize - 1) % 10],
        if city > 10 {
            format!(" {city}")
        } else {
            String::new()
        }
    );
    let mut s = Seeder::new(c, now);
    let b = s.body(
        &body_key(city),
        &format!("Stadt {name}"),
        &name,
        BodyKind::KreisfreieStadt,
        None,
        None,
    )?;
    s.term(
        b,
        &format!("Wahlperiode {}–{}", term_start.year(), term_end.year()),
        term_start,
        Some(term_end),
    )?;
    let loc = s.location(
        b,
        &format!("Rathaus {name}"),
        Some("Ratssaal"),
        "Rathausplatz 1",
        "12345",
        &name,
    )?;

    let rat = s.org(
        b,
        &format!("Rat der Stadt {name}"),
        Some("Rat"),
        OK::Council,
        Some(loc),
    )?;
    let mut gremien = vec![rat];
    for (n, short) in COMMITTEES {
        gremien.push(s.org(b, n, Some(short), OK::Committee, Some(loc))?);
    }
    gremien.push(s.org(
        b,
        "Integrationsrat",
        Some("IR"),
        OK::AdvisoryBoard,
        Some(loc),
    )?);
    let mut departments = Vec::new();
    for i in 1..=20 {
        departments.push(s.org(
            b,
            &format!("Amt {}", 10 + i * 3),
            None,
            OK::Department,
            None,
        )?);
    }
    let mut factions = Vec::new();
    let mut councillors = Vec::new();
    for (fname, short, seats) in FACTIONS {
        let f = s.org(b, fname, Some(short), OK::Faction, None)?;
        factions.push(f);
        for _ in 0..seats {
            let p = s.person(
                b,
                "",
                None,
                rng.pick::<&str>(&GIVEN),
                rng.pick::<&str>(&FAMILY),
                Some(short),
            )?;
            s.member(p, rat, Role::Member, Some(f), term_start)?;
            s.member(p, f, Role::Member, None, term_start)?;
            councillors.push((p, f));
        }
    }
    for (i, g) in gremien.iter().enumerate().skip(1) {
        for k in 0..13 {
            let (p, f) = councillors[(i * 7 + k * 5) % councillors.len()];
            let role = if k == 0 {
                Role::Chair
            } else if k == 1 {
                Role::ViceChair
            } else {
                Role::Member
            };
            s.member(p, *g, role, Some(f), term_start)?;
        }
        let p = s.person(
            b,
            "",
            None,
            rng.pick::<&str>(&GIVEN),
            rng.pick::<&str>(&FAMILY),
            None,
        )?;
        s.member(p, *g, Role::CitizenMember, None, term_start)?;
    }

    // 50 meetings per Gremium over the term, on weekday evenings
    let mut meetings: HashMap<i64, Vec<(i64, NaiveDateTime)>> = HashMap::new();
    let mut positions: HashMap<i64, (i32, i32)> = HashMap::new();
    for (gi, g) in gremien.iter().enumerate() {
        let mut list = Vec::new();
        for k in 0..50i64 {
            let d = day(2022, 1, 10) + shift + Duration::days(k * 36 + (gi as i64 % 20));
            let d = d + Duration::days(match d.weekday().num_days_from_monday() {
                5 => 2,
                6 => 1,
                _ => 0,
            });
            let start = date_at(d, if gi % 3 == 0 { 16 } else { 17 });
            let state = if start < cutoff {
                MS::Held
            } else if k % 2 == 0 {
                MS::Invited
            } else {
                MS::Scheduled
            };
            let short = COMMITTEES
                .get(gi.wrapping_sub(1))
                .map(|c| c.1)
                .unwrap_or("Rat");
            let m = s.meeting(
                b,
                *g,
                &format!("{}. Sitzung", k + 1),
                Some(&format!("{short}/{}/{}", d.year(), k + 1)),
                start,
                3,
                Some(loc),
                state,
            )?;
            s.item(
                m,
                true,
                1,
                "Eröffnung, Feststellung der Tagesordnung",
                None,
                if state == MS::Held {
                    res(O::Noted)
                } else {
                    Default::default()
                },
            )?;
            positions.insert(m, (1, 0));
            list.push((m, start));
        }
        meetings.insert(*g, list);
    }

    // papers with their consultation path, each consultation a TOP
    let types = [
        PT::Resolution,
        PT::Resolution,
        PT::Resolution,
        PT::Information,
        PT::Motion,
        PT::Inquiry,
    ];
    let mut year_counter: HashMap<i32, u32> = HashMap::new();
    for n in 0..10_500u32 {
        let date = day(2021, 12, 1) + shift + Duration::days((n as i64 * 1770) / 10_500);
        let t = *rng.pick(&types);
        let public = !rng.chance(7);
        let subject = rng.pick(&SUBJECTS);
        let place = rng.pick(&PLACES);
        let title = format!("{subject} {place}");
        let seq = year_counter.entry(date.year()).or_insert(0);
        *seq += 1;
        let reference = format!("{}/{:04}", date.year(), seq);
        let lead = *rng.pick(&departments);
        let p = s.paper(b, &reference, t, &title, Some(&format!("{}.{}", 10 + rng.below(60), rng.below(99))), date, Some(lead),
            Some(&format!("Der Ausschuss beschließt: {title} wird wie in der Sachdarstellung beschrieben umgesetzt.")),
            Some(&format!("Die Verwaltung legt zu „{title}“ die Planung und die Kosten vor. Die Maßnahme ist im Haushalt veranschlagt. Vorlage {reference}.")),
            public)?;
        s.originator(p, Some(lead), None)?;
        let steps = 1 + rng.below(3);
        let mut path: Vec<i64> = (0..steps)
            .map(|_| gremien[1 + rng.below(gremien.len() - 1)])
            .collect();
        if t == PT::Resolution && rng.chance(30) {
            path.push(rat);
        }
        path.dedup();
        let mut earliest = date_at(date, 0) + Duration::days(7);
        for (pos, org) in path.iter().enumerate() {
            let last = pos + 1 == path.len();
            let role = match t {
                PT::Information | PT::Inquiry => CR::Notice,
                _ if last => CR::Decision,
                _ => CR::Preliminary,
            };
            let Some(&(m, start)) = meetings[org].iter().find(|(_, st)| *st >= earliest) else {
                s.consult(p, *org, None, None, role, pos as i32 + 1, last)?;
                break;
            };
            earliest = start + Duration::days(1);
            let held = start < cutoff;
            let deferred = held && rng.chance(3);
            let outcome = if !held || deferred {
                Default::default()
            } else {
                match role {
                    CR::Notice => res(O::Noted),
                    CR::Preliminary => res(O::Recommended).tally(9, 2, 2, Some(1)),
                    _ => match rng.below(10) {
                        0 => res(O::Rejected).tally(5, 8, 0, Some(1)),
                        1..=4 => res(O::AdoptedUnanimously).tally(13, 0, 0, Some(1)),
                        _ => res(O::AdoptedByMajority).tally(9, 3, 1, Some(1)),
                    },
                }
            };
            let position = next_position(&mut positions, m, public);
            let item = s.item(m, public, position, &title, Some(p), outcome)?;
            s.consult(
                p,
                *org,
                Some(m),
                Some(item),
                role,
                pos as i32 + 1,
                last && role == CR::Decision,
            )?;
            if deferred {
                let next = meetings[org].iter().find(|(_, st)| *st > start).copied();
                s.defer(item, next.map(|n| n.0))?;
                if let Some((nm, nstart)) = next {
                    let position = next_position(&mut positions, nm, public);
                    let r = if nstart < cutoff {
                        res(O::AdoptedByMajority).tally(8, 4, 1, Some(1))
                    } else {
                        Default::default()
                    };
                    s.item_full(
                        nm,
                        None,
                        public,
                        position,
                        &format!("{title} (vertagt)"),
                        Some(p),
                        r,
                        Some(item),
                    )?;
                    earliest = nstart + Duration::days(1);
                }
            }
        }
    }

    // closing items: announcements, inquiries, one non-public matter
    for list in meetings.values() {
        for (m, start) in list {
            let held = *start < cutoff;
            let pp = positions.entry(*m).or_insert((1, 0));
            pp.0 += 1;
            s.item(
                *m,
                true,
                pp.0,
                "Mitteilungen der Verwaltung",
                None,
                if held {
                    res(O::Noted)
                } else {
                    Default::default()
                },
            )?;
            pp.0 += 1;
            s.item(*m, true, pp.0, "Anfragen", None, Default::default())?;
            pp.1 += 1;
            let closed = format!("{}: {}", rng.pick(&CLOSED), rng.pick(&PLACES));
            s.item(
                *m,
                false,
                pp.1,
                &closed,
                None,
                if held {
                    res(O::AdoptedUnanimously)
                } else {
                    Default::default()
                },
            )?;
        }
    }
    Ok(())
}
