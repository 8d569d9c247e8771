//! Domain vocabulary: the enums stored as text keys in the database, each
//! with its German label. Keys are stable ASCII; labels are what users read.

macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $key:literal, $label:literal;)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The key stored in the database and used in URLs.
            pub fn key(self) -> &'static str {
                match self { $($name::$variant => $key),+ }
            }

            /// The German label shown to users.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }

            pub fn from_key(key: &str) -> Option<$name> {
                match key { $($key => Some($name::$variant),)+ _ => None }
            }
        }
    };
}

vocabulary!(
    /// Kind of a Body (Gebietskörperschaft).
    BodyKind {
        Kreis => "kreis", "Kreis";
        StaedteRegion => "staedteregion", "StädteRegion";
        KreisfreieStadt => "kreisfreie_stadt", "Kreisfreie Stadt";
        Stadt => "stadt", "Stadt";
        Gemeinde => "gemeinde", "Gemeinde";
    }
);

vocabulary!(
    /// Kind of an Organization.
    OrganizationKind {
        Council => "rat", "Rat / Kreistag";
        Committee => "ausschuss", "Ausschuss";
        AdvisoryBoard => "beirat", "Beirat";
        Faction => "fraktion", "Fraktion";
        Department => "verwaltung", "Verwaltungseinheit";
        External => "extern", "Externe Stelle";
    }
);

impl OrganizationKind {
    /// Organizations that hold meetings and appear under "Gremien".
    pub fn is_gremium(self) -> bool {
        matches!(
            self,
            OrganizationKind::Council
                | OrganizationKind::Committee
                | OrganizationKind::AdvisoryBoard
        )
    }
}

vocabulary!(
    /// Role of a Membership.
    MembershipRole {
        Chair => "vorsitz", "Vorsitz";
        ViceChair => "stellv_vorsitz", "stellv. Vorsitz";
        Member => "mitglied", "Mitglied";
        Deputy => "stellv_mitglied", "stellv. Mitglied";
        CitizenMember => "sachkundig", "sachkundige/r Bürger/in";
        Advisory => "beratend", "beratendes Mitglied";
    }
);

vocabulary!(
    /// Lifecycle state of a Meeting.
    MeetingState {
        Scheduled => "terminiert", "terminiert";
        Invited => "eingeladen", "eingeladen";
        Held => "durchgefuehrt", "durchgeführt";
        Cancelled => "abgesagt", "abgesagt";
    }
);

vocabulary!(
    /// Type of a Paper (Vorlagenart).
    PaperType {
        Resolution => "beschlussvorlage", "Beschlussvorlage";
        Information => "mitteilungsvorlage", "Mitteilungsvorlage";
        Motion => "antrag", "Antrag";
        Inquiry => "anfrage", "Anfrage";
        Statement => "stellungnahme", "Stellungnahme";
        Supplement => "ergaenzungsvorlage", "Ergänzungsvorlage";
        Answer => "antwort", "Beantwortung einer Anfrage";
        Report => "bericht", "Bericht";
    }
);

vocabulary!(
    /// Role of a committee in a paper's consultation path.
    ConsultationRole {
        Preliminary => "vorberatung", "Vorberatung";
        Decision => "entscheidung", "Entscheidung";
        Notice => "kenntnisnahme", "Kenntnisnahme";
        Hearing => "anhoerung", "Anhörung";
    }
);

vocabulary!(
    /// Outcome of an agenda item, kept separate from the tally.
    Outcome {
        Adopted => "beschlossen", "beschlossen";
        AdoptedUnanimously => "einstimmig_beschlossen", "einstimmig beschlossen";
        AdoptedByMajority => "mehrheitlich_beschlossen", "mehrheitlich beschlossen";
        AdoptedAmended => "geaendert_beschlossen", "geändert beschlossen";
        Recommended => "empfohlen", "Beschlussempfehlung";
        Rejected => "abgelehnt", "abgelehnt";
        Noted => "zur_kenntnis_genommen", "zur Kenntnis genommen";
        Deferred => "vertagt", "vertagt";
        Referred => "verwiesen", "verwiesen";
        Removed => "abgesetzt", "abgesetzt";
        Withdrawn => "zurueckgezogen", "zurückgezogen";
        Discussed => "beraten", "beraten";
    }
);

impl Outcome {
    /// Outcomes that count as an adopted resolution.
    pub fn is_adopted(self) -> bool {
        matches!(
            self,
            Outcome::Adopted
                | Outcome::AdoptedUnanimously
                | Outcome::AdoptedByMajority
                | Outcome::AdoptedAmended
        )
    }

    /// A CSS class hint for the outcome badge.
    pub fn tone(self) -> &'static str {
        match self {
            o if o.is_adopted() => "positiv",
            Outcome::Recommended | Outcome::Noted | Outcome::Discussed => "neutral",
            Outcome::Rejected => "negativ",
            _ => "offen",
        }
    }
}

vocabulary!(
    /// A named vote of one person.
    Vote {
        Yes => "ja", "Ja";
        No => "nein", "Nein";
        Abstain => "enthaltung", "Enthaltung";
        Absent => "abwesend", "abwesend";
    }
);

vocabulary!(
    /// How two papers relate.
    PaperRelationKind {
        Related => "bezug", "Bezug";
        Supplements => "ergaenzt", "ergänzt";
        Answers => "beantwortet", "beantwortet";
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_and_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for o in Outcome::ALL {
            assert_eq!(Outcome::from_key(o.key()), Some(*o));
            assert!(seen.insert(o.key()));
        }
        assert_eq!(
            PaperType::from_key("beschlussvorlage"),
            Some(PaperType::Resolution)
        );
        assert_eq!(PaperType::from_key("Beschlussvorlage"), None);
    }
}

vocabulary!(
    /// Role of a user account.
    UserRole {
        Admin => "admin", "Administration";
        Clerk => "clerk", "Sitzungsdienst";
        Member => "member", "Mandatsträger/in";
    }
);

vocabulary!(
    /// Attendance of a person at a meeting.
    AttendanceStatus {
        Present => "anwesend", "anwesend";
        Excused => "entschuldigt", "entschuldigt";
        Absent => "abwesend", "abwesend";
    }
);

vocabulary!(
    /// Status of an integration concept.
    ConceptStatus {
        Drafting => "in_erarbeitung", "in Erarbeitung";
        Presented => "vorgestellt", "vorgestellt";
        Deferred => "beschluss_vertagt", "Beschluss vertagt";
        Adopted => "beschlossen", "beschlossen";
        Updating => "in_fortschreibung", "in Fortschreibung";
        Superseded => "abgeloest", "abgelöst";
    }
);

vocabulary!(
    /// Status of a measure (Maßnahme) of a field of action.
    MeasureStatus {
        Planned => "geplant", "geplant";
        Running => "laufend", "laufend";
        Done => "abgeschlossen", "abgeschlossen";
        Stopped => "eingestellt", "eingestellt";
    }
);

vocabulary!(
    /// Kind of an agreement between bodies under a funding programme.
    AgreementKind {
        Cooperation => "kooperationsvereinbarung", "Kooperationsvereinbarung";
        Forwarding => "weiterleitungsvertrag", "Weiterleitungsvertrag";
        Other => "sonstige", "sonstige Vereinbarung";
    }
);

vocabulary!(
    /// Kind of a programme deadline.
    DeadlineKind {
        ProgrammeEnd => "programmende", "Programmende";
        Report => "bericht", "Bericht fällig";
        Application => "antrag", "Antragsfrist";
        Proof => "verwendungsnachweis", "Verwendungsnachweis";
        Other => "sonstige", "sonstige Frist";
    }
);

vocabulary!(
    /// What a paper or agenda item does for a concept or programme.
    LinkRole {
        Presents => "stellt_vor", "stellt vor";
        Adopts => "beschliesst", "beschließt";
        DecidesParticipation => "beschliesst_teilnahme", "beschließt die Teilnahme";
        ApprovesAgreement => "genehmigt_vereinbarung", "genehmigt eine Vereinbarung";
        Reports => "berichtet", "berichtet über den Stand";
        Updates => "schreibt_fort", "schreibt fort";
        Concerns => "betrifft", "betrifft";
    }
);
