//! The search page's URL parameters: read and checked here, written back
//! for facet links, pagination and saved searches.
//!
//! `q`, `koerperschaft` (body id), `gremium` (organization id), `art`
//! (document kind), `typ` (paper type), `jahr`, `ergebnis` (outcome),
//! `sortierung` (relevanz, neueste, aelteste), `seite`.

use super::{Filters, Kind, Sort};
use crate::domain::{Outcome, PaperType};

pub const MAX_PAGE: i64 = 500;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Params {
    pub q: String,
    pub body: Option<i64>,
    pub organization: Option<i64>,
    pub kind: Option<Kind>,
    pub paper_type: Option<String>,
    pub year: Option<i32>,
    pub outcome: Option<String>,
    pub sort: Sort,
    pub page: i64,
}

fn id(v: &str) -> Option<i64> {
    v.trim().parse::<i64>().ok().filter(|n| *n > 0)
}

impl Params {
    /// Read a query string; unknown or malformed filters are reported in
    /// German and left out.
    pub fn parse(query_string: &str) -> (Params, Vec<String>) {
        let mut p = Params {
            page: 1,
            ..Params::default()
        };
        let mut errors = Vec::new();
        for (k, v) in url::form_urlencoded::parse(query_string.as_bytes()) {
            let v = v.trim();
            if v.is_empty() {
                continue;
            }
            match k.as_ref() {
                "q" => p.q = v.to_string(),
                "koerperschaft" => match id(v) {
                    Some(n) => p.body = Some(n),
                    None => errors.push("Die gewählte Körperschaft ist ungültig.".into()),
                },
                "gremium" => match id(v) {
                    Some(n) => p.organization = Some(n),
                    None => errors.push("Das gewählte Gremium ist ungültig.".into()),
                },
                "art" => match Kind::from_key(v) {
                    Some(k) => p.kind = Some(k),
                    None => errors.push(format!(
                        "Unbekannte Art „{}“.",
                        crate::base::text::shorten(v)
                    )),
                },
                "typ" => match PaperType::from_key(v) {
                    Some(t) => p.paper_type = Some(t.key().to_string()),
                    None => errors.push(format!(
                        "Unbekannter Vorlagentyp „{}“.",
                        crate::base::text::shorten(v)
                    )),
                },
                "jahr" => match v.parse::<i32>() {
                    Ok(y) if (1900..=2200).contains(&y) => p.year = Some(y),
                    _ => errors.push("Das Jahr muss vierstellig sein, z. B. 2019.".into()),
                },
                "ergebnis" => match Outcome::from_key(v) {
                    Some(o) => p.outcome = Some(o.key().to_string()),
                    None => errors.push(format!(
                        "Unbekanntes Beratungsergebnis „{}“.",
                        crate::base::text::shorten(v)
                    )),
                },
                "sortierung" => match Sort::from_key(v) {
                    Some(s) => p.sort = s,
                    None => errors.push("Unbekannte Sortierung.".into()),
                },
                "seite" => match v.parse::<i64>() {
                    Ok(n) if (1..=MAX_PAGE).contains(&n) => p.page = n,
                    _ => errors.push(format!(
                        "Die Seitenzahl muss zwischen 1 und {MAX_PAGE} liegen."
                    )),
                },
                _ => {}
            }
        }
        (p, errors)
    }

    pub fn filters(&self) -> Filters {
        Filters {
            body: self.body,
            organization: self.organization,
            kind: self.kind,
            paper_type: self.paper_type.clone(),
            year: self.year,
            outcome: self.outcome.clone(),
            published: None,
        }
    }

    pub fn has_filters(&self) -> bool {
        self.filters() != Filters::default()
    }

    fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut v = vec![("q", self.q.clone())];
        if let Some(b) = self.body {
            v.push(("koerperschaft", b.to_string()));
        }
        if let Some(o) = self.organization {
            v.push(("gremium", o.to_string()));
        }
        if let Some(k) = self.kind {
            v.push(("art", k.key().to_string()));
        }
        if let Some(t) = &self.paper_type {
            v.push(("typ", t.clone()));
        }
        if let Some(y) = self.year {
            v.push(("jahr", y.to_string()));
        }
        if let Some(o) = &self.outcome {
            v.push(("ergebnis", o.clone()));
        }
        if self.sort != Sort::Relevance {
            v.push(("sortierung", self.sort.key().to_string()));
        }
        if self.page > 1 {
            v.push(("seite", self.page.to_string()));
        }
        v
    }

    /// The query string of these parameters.
    pub fn to_query(&self) -> String {
        let mut s = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in self.pairs() {
            s.append_pair(k, &v);
        }
        s.finish()
    }

    /// What a saved search stores: the words and filters, no sort or page.
    pub fn saved_query(&self) -> String {
        Params {
            sort: Sort::Relevance,
            page: 1,
            ..self.clone()
        }
        .to_query()
    }

    /// Link to the search with one change, back on page 1.
    pub fn url_with(&self, change: impl FnOnce(&mut Params)) -> String {
        let mut p = self.clone();
        p.page = 1;
        change(&mut p);
        format!("/suche?{}", p.to_query())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_round_trip_and_bad_ones_are_reported() {
        let (p, errors) = Params::parse(
            "q=KIM+Kamen&gremium=12&art=vorlage&jahr=2019&seite=2&sortierung=neueste",
        );
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(p.q, "KIM Kamen");
        assert_eq!(p.organization, Some(12));
        assert_eq!(p.kind, Some(Kind::Paper));
        let (again, _) = Params::parse(&p.to_query());
        assert_eq!(again, p);
        assert_eq!(
            p.saved_query(),
            "q=KIM+Kamen&gremium=12&art=vorlage&jahr=2019"
        );

        let (p, errors) = Params::parse("q=x&gremium=abc&jahr=19&art=%3Cscript%3E&seite=0");
        assert_eq!(errors.len(), 4, "{errors:?}");
        assert_eq!(p.organization, None);
        assert_eq!(p.page, 1);
    }
}
