//! Free texts of other systems mapped to our vocabulary: results and
//! tallies, paper types, consultation and membership roles, organization
//! kinds, dates. Only unambiguous texts are mapped; the rest stays text.

use chrono::{DateTime, NaiveDate, NaiveDateTime};

use crate::domain::{BodyKind, ConsultationRole, MembershipRole, OrganizationKind, PaperType};

mod results;

pub use results::{outcome, tally, RESULT_MAPPING};

pub fn paper_type(label: Option<&str>) -> PaperType {
    let l = label.unwrap_or("").to_lowercase();
    if let Some(t) = PaperType::ALL
        .iter()
        .find(|t| t.label().to_lowercase() == l)
    {
        return *t;
    }
    if l.contains("beantwortung") {
        PaperType::Answer
    } else if l.contains("anfrage") {
        PaperType::Inquiry
    } else if l.contains("ergänzungsvorlage") {
        PaperType::Supplement
    } else if l.contains("antrag") {
        PaperType::Motion
    } else if l.contains("mitteilung")
        || l.contains("informationsvorlage")
        || l.contains("kenntnis")
    {
        PaperType::Information
    } else if l.contains("stellungnahme") {
        PaperType::Statement
    } else if l.contains("beschlussvorlage") || l.contains("vorlage") || l.contains("drucksache") {
        PaperType::Resolution
    } else {
        PaperType::Report
    }
}

pub fn consultation_role(label: Option<&str>) -> ConsultationRole {
    let l = label.unwrap_or("").to_lowercase();
    if let Some(r) = ConsultationRole::ALL
        .iter()
        .find(|r| r.label().to_lowercase() == l)
    {
        return *r;
    }
    if l.contains("entscheid") || l.contains("beschluss") {
        ConsultationRole::Decision
    } else if l.contains("kenntnis") {
        ConsultationRole::Notice
    } else if l.contains("anhörung") || l.contains("anhoerung") {
        ConsultationRole::Hearing
    } else {
        ConsultationRole::Preliminary
    }
}

pub fn membership_role(label: Option<&str>) -> MembershipRole {
    let l = label.unwrap_or("").to_lowercase();
    if let Some(r) = MembershipRole::ALL
        .iter()
        .find(|r| r.label().to_lowercase() == l)
    {
        return *r;
    }
    if l.contains("stellv") && l.contains("vorsitz") {
        MembershipRole::ViceChair
    } else if l.contains("vorsitz") {
        MembershipRole::Chair
    } else if l.contains("sachkundig") {
        MembershipRole::CitizenMember
    } else if l.contains("beratend") {
        MembershipRole::Advisory
    } else if l.contains("stellv") || l.contains("vertreter") {
        MembershipRole::Deputy
    } else {
        MembershipRole::Member
    }
}

/// Organization kind from organizationType/classification; `holds
/// meetings` decides for organizations that say nothing.
pub fn organization_kind(
    org_type: Option<&str>,
    classification: Option<&str>,
    holds_meetings: bool,
) -> OrganizationKind {
    let t = org_type.unwrap_or("").to_lowercase();
    let c = classification.unwrap_or("").to_lowercase();
    let any = |s: &str| t.contains(s) || c.contains(s);
    if any("fraktion") || any("partei") {
        OrganizationKind::Faction
    } else if any("parlament")
        || c == "rat"
        || any("gemeinderat")
        || any("stadtrat")
        || any("kreistag")
        || any("städteregionstag")
    {
        OrganizationKind::Council
    } else if any("beirat") || any("integrationsrat") {
        OrganizationKind::AdvisoryBoard
    } else if any("verwaltung") || any("dienststelle") || any("referat") || any("amt") {
        OrganizationKind::Department
    } else if any("extern") || any("institution") {
        OrganizationKind::External
    } else if any("gremi") || any("ausschuss") || any("kommission") || holds_meetings {
        OrganizationKind::Committee
    } else {
        OrganizationKind::External
    }
}

pub fn body_kind(classification: Option<&str>) -> BodyKind {
    let c = classification.unwrap_or("").to_lowercase();
    BodyKind::ALL
        .iter()
        .find(|k| k.label().to_lowercase() == c)
        .copied()
        .unwrap_or(if c.contains("kreis") {
            BodyKind::Kreis
        } else if c.contains("gemeinde") {
            BodyKind::Gemeinde
        } else {
            BodyKind::Stadt
        })
}

/// A date-time with offset (or `Z`) as UTC; a bare date as midnight Berlin.
pub fn datetime(s: &str) -> Option<NaiveDateTime> {
    crate::base::dates::parse_datetime(s).or_else(|| {
        DateTime::parse_from_str(s.trim(), "%Y-%m-%dT%H:%M:%S%.f%:z")
            .ok()
            .map(|t| t.naive_utc())
    })
}

/// A date; date-times where dates belong give their (Berlin) date.
pub fn date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .or_else(|| datetime(s).map(|t| crate::base::dates::berlin(t).date_naive()))
        .or_else(|| NaiveDate::parse_from_str(s, "%d.%m.%Y").ok())
}

/// "pdf" → "application/pdf"; full types stay.
pub fn mime(raw: Option<&str>, file_name: &str) -> String {
    let r = raw.unwrap_or("").trim().to_lowercase();
    if r.contains('/') {
        return r;
    }
    let ext = if r.is_empty() {
        file_name.rsplit('.').next().unwrap_or("").to_lowercase()
    } else {
        r
    };
    mime_guess::from_ext(&ext)
        .first_raw()
        .unwrap_or("application/octet-stream")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vocabulary() {
        assert_eq!(paper_type(Some("Beschlussvorlage")), PaperType::Resolution);
        assert_eq!(
            paper_type(Some("Informationsvorlage")),
            PaperType::Information
        );
        assert_eq!(
            paper_type(Some("Änderungs-/Ergänzungsantrag")),
            PaperType::Motion
        );
        assert_eq!(
            paper_type(Some("Beantwortung einer Anfrage")),
            PaperType::Answer
        );
        assert_eq!(
            consultation_role(Some("Entscheidung")),
            ConsultationRole::Decision
        );
        assert_eq!(
            consultation_role(Some("unbekannt")),
            ConsultationRole::Preliminary
        );
        assert_eq!(
            date("2021-02-23T17:00:00+01:00"),
            NaiveDate::from_ymd_opt(2021, 2, 23)
        );
        assert_eq!(mime(Some("pdf"), "x"), "application/pdf");
        assert_eq!(
            mime(None, "a.docx"),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        );
    }

    #[test]
    fn ids_that_are_not_the_working_url() {
        use super::super::source::rebase_rule;
        assert_eq!(
            rebase_rule(
                "https://web1.karlsruhe.de/oparl/system",
                "https://web1.karlsruhe.de/ris/oparl/system"
            ),
            Some((
                "https://web1.karlsruhe.de/".to_string(),
                "https://web1.karlsruhe.de/ris/".to_string()
            ))
        );
        let (from, to) = rebase_rule(
            "http://ris.example/oparl/system",
            "https://ris.example/oparl/system",
        )
        .expect("rule");
        let id = "http://ris.example/oparl/paper/7";
        assert_eq!(
            format!("{to}{}", &id[from.len()..]),
            "https://ris.example/oparl/paper/7"
        );
        assert_eq!(
            rebase_rule("https://a/oparl/system", "https://a/oparl/system/"),
            None
        );
    }
}
