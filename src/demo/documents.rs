//! Generated PDFs for the seed stories, so that every document link of the
//! demo opens a real file: the Vorlage of every paper, the invitation of
//! every meeting that has one (eingeladen or durchgeführt), the public
//! minutes of every meeting whose minutes are published, and the text of
//! every integration concept (also attached, as a file of its own, to the
//! paper of the same title).
//!
//! The PDFs are written like uploads, through `storage` (type from the
//! bytes, sanitised name, SHA-256 addressed under `<data_dir>/dateien/`),
//! and their text is stored for the search. Public documents carry only
//! public content: non-public agenda items are counted, never named.
//!
//! `ensure` is idempotent: documents already stored are skipped, rows whose
//! content is missing on disk (a new data directory) are written again.

use std::collections::{HashMap, HashSet};

use anyhow::Context;
use diesel::prelude::*;

use crate::access::Audience;
use crate::db::insert::{insert_file, NewFile};
use crate::db::models::{AgendaItem, Meeting, Paper};
use crate::db::{self, DbConnection};
use crate::domain::{ConceptStatus, ConsultationRole, MeasureStatus, Outcome, PaperType};
use crate::storage;

/// One document the demo should have.
struct Doc {
    body_id: i64,
    name: String,
    file_name: String,
    public: bool,
    paper_id: Option<i64>,
    meeting_id: Option<i64>,
    concept_id: Option<i64>,
    pages: Vec<String>,
}

impl Doc {
    fn key(&self) -> Key {
        (
            self.paper_id,
            self.meeting_id,
            self.concept_id,
            self.file_name.clone(),
        )
    }
}

type Key = (Option<i64>, Option<i64>, Option<i64>, String);

/// Write what is missing of the seed documents. Returns how many files
/// were written.
pub fn ensure(c: &mut DbConnection, data_dir: &str) -> anyhow::Result<usize> {
    let mut bodies = HashMap::new();
    for key in super::seeds::BODY_KEYS {
        if let Some(b) = db::bodies::find_by_key(c, key)? {
            bodies.insert(b.id, b);
        }
    }
    if bodies.is_empty() {
        return Ok(0);
    }
    let body_ids: Vec<i64> = bodies.keys().copied().collect();
    let docs = plan(c, &body_ids, &|id| {
        bodies.get(&id).map(|b| b.name.clone()).unwrap_or_default()
    })?;

    let existing: Vec<crate::db::models::File> = {
        use crate::db::schema::files;
        files::table
            .filter(files::body_id.eq_any(&body_ids))
            .filter(files::deleted_at.is_null())
            .select(crate::db::models::File::as_select())
            .load(c)?
    };
    // rows of an older demo without stored content answer 404: replaced
    let stale: Vec<i64> = existing
        .iter()
        .filter(|f| f.storage_path.is_none())
        .map(|f| f.id)
        .collect();
    let by_key: HashMap<Key, &crate::db::models::File> = existing
        .iter()
        .filter(|f| f.storage_path.is_some())
        .map(|f| {
            (
                (f.paper_id, f.meeting_id, f.concept_id, f.file_name.clone()),
                f,
            )
        })
        .collect();

    let now = db::now();
    let mut inserts = Vec::new();
    let mut rewrites = Vec::new();
    for d in docs {
        let old = by_key.get(&d.key());
        let on_disk = old
            .and_then(|f| f.storage_path.as_deref())
            .is_some_and(|h| storage::path_for(data_dir, h).is_file());
        if on_disk {
            continue;
        }
        let pages: Vec<&str> = d.pages.iter().map(String::as_str).collect();
        let bytes = crate::pdf_text::minimal_pdf(&pages);
        let kind = storage::detect(&bytes, &d.file_name)
            .context("Demodokument ist kein erkennbares PDF")?;
        let file_name = storage::sanitize_name(&d.file_name, kind);
        let mut incoming = storage::Incoming::new(data_dir)
            .with_context(|| format!("Verzeichnis {data_dir}/dateien nicht beschreibbar"))?;
        incoming.write(&bytes)?;
        let size = incoming.size as i64;
        let hash = incoming.persist(data_dir)?;
        let text = d.pages.join("\n\n");
        match old {
            Some(f) => rewrites.push((f.id, hash, size, text)),
            None => inserts.push(NewFile {
                body_id: d.body_id,
                name: d.name,
                file_name,
                mime_type: kind.mime.to_string(),
                size,
                sha256: Some(hash.clone()),
                storage_path: Some(hash),
                text_content: Some(text),
                text_status: Some("text".into()),
                public: d.public,
                paper_id: d.paper_id,
                meeting_id: d.meeting_id,
                agenda_item_id: None,
                created_at: now,
                updated_at: now,
                concept_id: d.concept_id,
            }),
        }
    }
    let written = inserts.len() + rewrites.len();
    if written == 0 && stale.is_empty() {
        return Ok(0);
    }
    crate::edit::write_transaction(c, |c| {
        use crate::db::schema::files;
        diesel::update(files::table.filter(files::id.eq_any(&stale)))
            .set(files::deleted_at.eq(Some(now)))
            .execute(c)?;
        for row in &inserts {
            insert_file(c, row)?;
        }
        for (id, hash, size, text) in &rewrites {
            diesel::update(files::table.find(*id))
                .set((
                    files::sha256.eq(Some(hash)),
                    files::storage_path.eq(Some(hash)),
                    files::size.eq(*size),
                    files::text_content.eq(Some(text)),
                    files::updated_at.eq(now),
                ))
                .execute(c)?;
        }
        Ok::<_, diesel::result::Error>(())
    })?;
    Ok(written)
}

/// The documents of the seed bodies, from what the database holds.
fn plan(
    c: &mut DbConnection,
    body_ids: &[i64],
    body_name: &dyn Fn(i64) -> String,
) -> anyhow::Result<Vec<Doc>> {
    use crate::db::schema::{consultations, meetings, organizations, papers};
    let papers: Vec<Paper> = papers::table
        .filter(papers::body_id.eq_any(body_ids))
        .filter(papers::deleted_at.is_null())
        .order(papers::id)
        .select(Paper::as_select())
        .load(c)?;
    let meetings: Vec<Meeting> = meetings::table
        .filter(meetings::body_id.eq_any(body_ids))
        .filter(meetings::deleted_at.is_null())
        .order(meetings::id)
        .select(Meeting::as_select())
        .load(c)?;
    let orgs: HashMap<i64, String> = organizations::table
        .filter(organizations::body_id.eq_any(body_ids))
        .select((organizations::id, organizations::name))
        .load::<(i64, String)>(c)?
        .into_iter()
        .collect();
    let org = |id: Option<i64>| id.and_then(|i| orgs.get(&i).cloned()).unwrap_or_default();
    let paper_ids: Vec<i64> = papers.iter().map(|p| p.id).collect();
    let consults: Vec<crate::db::models::Consultation> = consultations::table
        .filter(consultations::paper_id.eq_any(&paper_ids))
        .filter(consultations::deleted_at.is_null())
        .order((consultations::paper_id, consultations::position))
        .select(crate::db::models::Consultation::as_select())
        .load(c)?;
    let meeting_ids: Vec<i64> = meetings.iter().map(|m| m.id).collect();
    let items = db::agenda_items::for_meetings(c, &meeting_ids)?;
    let (numbers, public_items) =
        crate::access::agenda::number_and_filter(&items, Audience::Public);
    let mut items_of: HashMap<i64, Vec<&AgendaItem>> = HashMap::new();
    for a in &items {
        items_of.entry(a.meeting_id).or_default().push(a);
    }
    let meeting_by_id: HashMap<i64, &Meeting> = meetings.iter().map(|m| (m.id, m)).collect();
    let reference: HashMap<i64, &str> = papers
        .iter()
        .map(|p| (p.id, p.reference.as_str()))
        .collect();
    let location_ids: Vec<i64> = meetings.iter().filter_map(|m| m.location_id).collect();
    let locations = db::bodies::locations_by_ids(c, &location_ids)?;

    let mut docs = Vec::new();
    for p in &papers {
        let kind = PaperType::from_key(&p.paper_type)
            .map(|t| t.label())
            .unwrap_or("Vorlage");
        let mut text = vec![
            body_name(p.body_id),
            format!("{kind} {}", p.reference),
            if p.public {
                "öffentlich".into()
            } else {
                "nichtöffentlich".into()
            },
            format!("Datum: {}", crate::base::dates::date(p.date)),
        ];
        if p.lead_organization_id.is_some() {
            text.push(format!("Federführend: {}", org(p.lead_organization_id)));
        }
        if let Some(f) = &p.file_number {
            text.push(format!("Aktenzeichen: {f}"));
        }
        text.push(String::new());
        text.push(format!("Betreff: {}", p.title));
        let path: Vec<String> = consults
            .iter()
            .filter(|x| x.paper_id == p.id)
            .map(|x| {
                let role = ConsultationRole::from_key(&x.role)
                    .map(|r| r.label())
                    .unwrap_or_default();
                let when = x
                    .meeting_id
                    .and_then(|m| meeting_by_id.get(&m))
                    .map(|m| format!(" – {}", crate::base::dates::date_short(m.start_at)))
                    .unwrap_or_default();
                format!("{} ({role}){when}", org(Some(x.organization_id)))
            })
            .collect();
        if !path.is_empty() {
            text.push(String::new());
            text.push("Beratungsfolge:".into());
            text.extend(path);
        }
        for (heading, body) in [
            ("Beschlussvorschlag:", &p.proposal),
            ("Sachdarstellung:", &p.reasoning),
        ] {
            if let Some(b) = body {
                text.push(String::new());
                text.push(heading.into());
                text.push(b.clone());
            }
        }
        docs.push(Doc {
            body_id: p.body_id,
            name: format!("Vorlage {}", p.reference),
            file_name: format!("Vorlage-{}.pdf", slug(&p.reference)),
            public: p.public,
            paper_id: Some(p.id),
            meeting_id: None,
            concept_id: None,
            pages: vec![text.join("\n")],
        });
    }

    for m in &meetings {
        let state = crate::domain::MeetingState::from_key(&m.state);
        let invited = matches!(
            state,
            Some(crate::domain::MeetingState::Invited | crate::domain::MeetingState::Held)
        );
        if !invited {
            continue;
        }
        let list = items_of.get(&m.id).cloned().unwrap_or_default();
        let public: Vec<&AgendaItem> = list
            .iter()
            .copied()
            .filter(|a| public_items.contains(&a.id))
            .collect();
        let closed = list.len() - public.len();
        let number = |a: &AgendaItem| numbers.get(&a.id).cloned().unwrap_or_default();
        let place = m
            .location_id
            .and_then(|l| locations.get(&l))
            .map(|l| {
                let mut s = l.description.clone();
                for x in [&l.room, &l.street_address].into_iter().flatten() {
                    s.push_str(", ");
                    s.push_str(x);
                }
                if let (Some(pc), Some(city)) = (&l.postal_code, &l.locality) {
                    s.push_str(&format!(", {pc} {city}"));
                }
                s
            })
            .unwrap_or_else(|| "wird noch bekannt gegeben".into());
        let slug_name = m.number.as_deref().map(slug).unwrap_or_else(|| {
            crate::base::dates::berlin(m.start_at)
                .format("%Y-%m-%d")
                .to_string()
        });
        let head = vec![body_name(m.body_id), org(Some(m.organization_id))];

        let mut inv = head.clone();
        inv.extend([
            String::new(),
            "Einladung".into(),
            format!("zur {}", m.name),
            format!(
                "am {} um {} Uhr",
                crate::base::dates::date_long(m.start_at),
                crate::base::dates::time(m.start_at)
            ),
            format!("Ort: {place}"),
            String::new(),
            "Tagesordnung".into(),
            String::new(),
            "Öffentlicher Teil".into(),
        ]);
        for a in &public {
            let paper = a
                .paper_id
                .and_then(|p| reference.get(&p))
                .map(|r| format!(" (Vorlage {r})"))
                .unwrap_or_default();
            inv.push(format!("{} {}{paper}", number(a), a.title));
        }
        if closed > 0 {
            inv.push(String::new());
            inv.push("Nichtöffentlicher Teil".into());
            inv.push(format!(
                "{closed} {} (nicht öffentlich bekannt gemacht)",
                if closed == 1 {
                    "Tagesordnungspunkt"
                } else {
                    "Tagesordnungspunkte"
                }
            ));
        }
        docs.push(Doc {
            body_id: m.body_id,
            name: "Einladung".into(),
            file_name: format!("Einladung-{slug_name}.pdf"),
            public: true,
            paper_id: None,
            meeting_id: Some(m.id),
            concept_id: None,
            pages: vec![inv.join("\n")],
        });

        let held = state == Some(crate::domain::MeetingState::Held);
        if !held || m.minutes_published_at.is_none() {
            continue;
        }
        let mut min = head;
        min.extend([
            String::new(),
            "Niederschrift – öffentlicher Teil".into(),
            format!("über die {}", m.name),
            format!(
                "am {}, {} bis {} Uhr",
                crate::base::dates::date_long(m.start_at),
                crate::base::dates::time(m.start_at),
                crate::base::dates::time(m.end_at.unwrap_or(m.start_at))
            ),
            format!("Ort: {place}"),
        ]);
        for a in &public {
            min.push(String::new());
            min.push(format!("{} {}", number(a), a.title));
            if let Some(r) = a.paper_id.and_then(|p| reference.get(&p)) {
                min.push(format!("Vorlage: {r}"));
            }
            if let Some(o) = a.outcome.as_deref().and_then(Outcome::from_key) {
                min.push(format!("Ergebnis: {}", o.label()));
            }
            if let (Some(y), Some(n), Some(e)) = (a.votes_yes, a.votes_no, a.votes_abstain) {
                min.push(format!(
                    "Abstimmung: {y} Ja-Stimmen, {n} Nein-Stimmen, {e} Enthaltungen"
                ));
            }
            if let Some(r) = &a.resolution_text {
                min.push(format!("Beschluss: {r}"));
            }
            if let Some(t) = &a.minutes_text {
                min.push(t.clone());
            }
        }
        docs.push(Doc {
            body_id: m.body_id,
            name: "Niederschrift (öffentlicher Teil)".into(),
            file_name: format!("Niederschrift-{slug_name}.pdf"),
            public: true,
            paper_id: None,
            meeting_id: Some(m.id),
            concept_id: None,
            pages: vec![min.join("\n")],
        });
    }

    let concepts = db::concepts::list(c, Some(body_ids), None)?;
    let concept_ids: Vec<i64> = concepts.iter().map(|k| k.id).collect();
    let fields = db::concepts::fields(c, &concept_ids)?;
    let field_ids: Vec<i64> = fields.iter().map(|f| f.id).collect();
    let measures = db::concepts::measures(c, &field_ids)?;
    let mut attached: HashSet<i64> = HashSet::new();
    for k in &concepts {
        let mut pages = Vec::new();
        let mut title = vec![
            k.title.clone(),
            body_name(k.body_id),
            k.edition
                .as_deref()
                .map(|e| format!("Fassung {e}"))
                .unwrap_or_default(),
            format!(
                "Stand: {}",
                ConceptStatus::from_key(&k.status)
                    .map(|s| s.label())
                    .unwrap_or_default()
            ),
        ];
        if let Some(d) = k.adopted_on {
            title.push(format!("Beschlossen am {}", crate::base::dates::date(d)));
        }
        for (heading, body) in [
            ("Zusammenfassung", &k.summary),
            ("Beteiligte", &k.participants),
        ] {
            if let Some(b) = body {
                title.push(String::new());
                title.push(heading.into());
                title.push(b.clone());
            }
        }
        pages.push(title.join("\n"));
        let mine: Vec<_> = fields.iter().filter(|f| f.concept_id == k.id).collect();
        if !mine.is_empty() {
            let mut t = vec!["Handlungsfelder".to_string()];
            for (n, f) in mine.iter().enumerate() {
                t.push(String::new());
                t.push(format!("{}. {}", n + 1, f.title));
                if let Some(g) = &f.goals {
                    t.push(format!("Ziele: {g}"));
                }
                for x in measures.iter().filter(|x| x.field_id == f.id) {
                    let status = MeasureStatus::from_key(&x.status)
                        .map(|s| s.label())
                        .unwrap_or_default();
                    let who = x
                        .responsible
                        .as_deref()
                        .map(|r| format!("verantwortlich: {r}; "))
                        .unwrap_or_default();
                    t.push(format!("- {} ({who}Stand: {status})", x.title));
                }
            }
            pages.push(t.join("\n"));
        }
        // the paper that carries the concept gets it as its attachment: a
        // row of its own (files of concepts are not OParl files), the same
        // stored content
        let paper = papers
            .iter()
            .find(|p| p.body_id == k.body_id && p.title == k.title && p.public)
            .filter(|p| attached.insert(p.id))
            .map(|p| p.id);
        let doc = |paper_id: Option<i64>, concept_id: Option<i64>| Doc {
            body_id: k.body_id,
            name: k.title.clone(),
            file_name: format!("{}.pdf", slug(&k.title)),
            public: true,
            paper_id,
            meeting_id: None,
            concept_id,
            pages: pages.clone(),
        };
        if paper.is_some() {
            docs.push(doc(paper, None));
        }
        docs.push(doc(None, Some(k.id)));
    }
    Ok(docs)
}

/// An ASCII file-name part: umlauts spelled out, everything else that is
/// not a letter or digit becomes one hyphen.
fn slug(s: &str) -> String {
    let mut out = String::new();
    for ch in s.chars() {
        let part = match ch {
            'ä' => "ae",
            'ö' => "oe",
            'ü' => "ue",
            'Ä' => "Ae",
            'Ö' => "Oe",
            'Ü' => "Ue",
            'ß' => "ss",
            c if c.is_ascii_alphanumeric() => {
                out.push(c);
                continue;
            }
            _ => "-",
        };
        if part == "-" {
            if !out.is_empty() && !out.ends_with('-') {
                out.push('-');
            }
        } else {
            out.push_str(part);
        }
    }
    out.trim_end_matches('-').to_string()
}

#[cfg(test)]
mod tests {
    use super::slug;

    #[test]
    fn slugs_are_ascii_file_name_parts() {
        assert_eq!(slug("2020/142"), "2020-142");
        assert_eq!(slug("SozA/2020/6"), "SozA-2020-6");
        assert_eq!(
            slug("Integrationskonzept des Kreises Coesfeld"),
            "Integrationskonzept-des-Kreises-Coesfeld"
        );
        assert_eq!(slug("Städteregion – Übersicht"), "Staedteregion-Uebersicht");
    }
}
