//! E-mail notifications. Changes record `mail_events` in their own write
//! transaction; the worker turns events into outbox mails (one transaction
//! per event, claimed first, so no event is expanded twice) and sends due
//! outbox mails with lettre over SMTP — or, without SMTP configuration,
//! writes them as .eml files. Failures are retried with exponential
//! backoff; a mail is marked sent right after the server accepted it.

pub mod digest;

use std::time::Duration as StdDuration;

use chrono::Duration;
use diesel::prelude::*;
use lettre::message::header::{ContentDisposition, ContentType, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::{Message, Transport};
use serde::Serialize;

use crate::access::Audience;
use crate::db::mail::{self as store, EventKind, NewMail, OutboxMail};
use crate::db::{self, DbConnection, Pool};
use crate::feeds::{self, ical};
use crate::settings::Settings;

/// Everything a worker needs, independent of the web server.
#[derive(Clone)]
pub struct Worker {
    pub pool: Pool,
    pub settings: std::sync::Arc<Settings>,
    pub base_url: String,
}

#[derive(Serialize)]
struct MeetingMail<'a> {
    kind: &'a str,
    headline: String,
    card: &'a crate::views::meetings::MeetingCard,
    url: String,
    details: Option<String>,
    agenda: Vec<(String, String)>,
    unsubscribe_url: String,
    site_name: &'a str,
    /// a committee member (not a subscriber): the footer says why
    member: bool,
    committees: &'a str,
    account_url: String,
}

/// The ORGANIZER of mailed invitations: the configured sender.
fn organizer(mail_from: &str) -> ical::Party {
    match mail_from.parse::<Mailbox>() {
        Ok(mb) => ical::Party {
            name: mb.name,
            email: mb.email.to_string(),
        },
        Err(_) => ical::Party {
            name: None,
            email: mail_from.trim().to_string(),
        },
    }
}

/// "A", "A oder B": the committees whose members get mails of a meeting
/// (lead committee first).
fn committee_names(
    conn: &mut DbConnection,
    orgs: &[i64],
    lead: &str,
) -> Result<String, anyhow::Error> {
    let mut names = vec![lead.to_string()];
    for o in db::organizations::by_ids(conn, orgs)?.into_values() {
        if !names.contains(&o.name) {
            names.push(o.name);
        }
    }
    names[1..].sort();
    Ok(match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => {
            format!("„{}“ oder „{last}“", rest.join("“, „"))
        }
        _ => format!("„{lead}“"),
    })
}

fn headline(kind: EventKind) -> &'static str {
    match kind {
        EventKind::Scheduled => "Neuer Sitzungstermin",
        EventKind::Invited => "Einladung und Tagesordnung",
        EventKind::Changed => "Sitzung geändert",
        EventKind::Supplement => "Nachtrag zur Tagesordnung",
        EventKind::Cancelled => "Sitzung abgesagt",
        EventKind::Reminder => "Erinnerung an die Sitzung",
    }
}

pub fn message_id(base_url: &str) -> String {
    format!(
        "<{}@{}>",
        &crate::base::tokens::random_token()[..32],
        feeds::uid_host(base_url)
    )
}

/// Expand one event into outbox mails for the confirmed subscribers of the
/// meeting's committees (lead and joint). Returns the number of mails.
fn expand(
    conn: &mut DbConnection,
    w: &Worker,
    id: i64,
    kind: EventKind,
    meeting_id: i64,
    details: Option<String>,
) -> Result<usize, anyhow::Error> {
    db::quiet_transaction(conn, |conn| -> Result<usize, anyhow::Error> {
        if !store::claim_event(conn, id)? {
            return Ok(0);
        }
        let Some(m) = db::meetings::find(conn, meeting_id)? else {
            return Ok(0);
        };
        let mut orgs = db::meetings::joint_organization_ids(conn, m.id)?;
        orgs.push(m.organization_id);
        // confirmed subscribers and the committees' members (unless they
        // opted out), each address once
        // (address, whom its unsubscribe link stops, member: gets the
        // members' footer and is a required participant in the invitation)
        let mut recipients: Vec<(String, store::Unsubscribe, bool)> =
            store::subscribers_of(conn, &orgs)?
                .into_iter()
                .map(|(e, id)| (e, store::Unsubscribe::Subscriber(id), false))
                .collect();
        let day = crate::base::dates::berlin(m.start_at).date_naive();
        for (email, id) in store::members_of(conn, &orgs, day)? {
            if !recipients
                .iter()
                .any(|(e, _, _)| e.eq_ignore_ascii_case(&email))
            {
                recipients.push((email, store::Unsubscribe::Member(id), true));
            }
        }
        if recipients.is_empty() {
            return Ok(0);
        }
        let card = crate::views::meetings::cards(conn, std::slice::from_ref(&m))?
            .pop()
            .ok_or_else(|| anyhow::anyhow!("meeting card"))?;
        let events = feeds::events(
            conn,
            std::slice::from_ref(&m),
            Audience::Public,
            &w.base_url,
        )?;
        let method = if kind == EventKind::Cancelled || card.cancelled {
            ical::Method::Cancel
        } else {
            ical::Method::Request
        };
        let organizer = organizer(&w.settings.mail_from);
        let committees = committee_names(conn, &orgs, &card.organization)?;
        let agenda = feeds::agendas(conn, std::slice::from_ref(&m), Audience::Public)?
            .remove(&m.id)
            .unwrap_or_default();
        let url = format!("{}/sitzungen/{}", w.base_url, m.id);
        let subject = format!("{}: {} am {}", headline(kind), m.name, card.date_short);
        let mut n = 0;
        for (email, target, member) in recipients {
            // one token per mail; the database keeps only its hash
            let token = crate::base::tokens::random_token();
            store::mint_unsubscribe(conn, target, &token)?;
            let unsubscribe_url = format!("{}/abbestellen/{token}", w.base_url);
            let ics = ical::invitation(
                &m.name,
                &events,
                method,
                &ical::Invitation {
                    organizer: organizer.clone(),
                    attendee: ical::Party {
                        name: None,
                        email: email.clone(),
                    },
                    member,
                },
            );
            let ctx = MeetingMail {
                kind: kind.key(),
                headline: headline(kind).to_string(),
                card: &card,
                url: url.clone(),
                details: details.clone(),
                agenda: agenda.clone(),
                unsubscribe_url: unsubscribe_url.clone(),
                site_name: &w.settings.site_name,
                member,
                committees: &committees,
                account_url: format!("{}/konto", w.base_url),
            };
            let text =
                crate::templating::render("mail/meeting.txt", &ctx, &w.settings.site_name, None)?;
            let html =
                crate::templating::render("mail/meeting.html", &ctx, &w.settings.site_name, None)?;
            store::enqueue(
                conn,
                &NewMail {
                    kind: kind.key(),
                    meeting_id: Some(m.id),
                    recipient: &email,
                    subject: &subject,
                    body_text: &text,
                    body_html: &html,
                    ics: Some(&ics),
                    unsubscribe_url: Some(&unsubscribe_url),
                    message_id: &message_id(&w.base_url),
                },
            )?;
            n += 1;
        }
        Ok(n)
    })
}

/// Record reminder events for meetings starting within `reminder_days`.
fn schedule_reminders(conn: &mut DbConnection, days: i64) -> Result<usize, anyhow::Error> {
    use crate::db::schema::meetings;
    if days <= 0 {
        return Ok(0);
    }
    let t = db::now();
    let due: Vec<i64> = meetings::table
        .filter(meetings::deleted_at.is_null())
        .filter(meetings::reminded_at.is_null())
        .filter(meetings::start_at.gt(t))
        .filter(meetings::start_at.le(t + Duration::days(days)))
        .filter(meetings::state.eq_any([
            crate::domain::MeetingState::Scheduled.key(),
            crate::domain::MeetingState::Invited.key(),
        ]))
        .select(meetings::id)
        .load(conn)?;
    let mut n = 0;
    for id in due {
        n += db::quiet_transaction(conn, |c| -> Result<usize, anyhow::Error> {
            let claimed = diesel::update(
                meetings::table
                    .filter(meetings::id.eq(id))
                    .filter(meetings::reminded_at.is_null()),
            )
            .set(meetings::reminded_at.eq(Some(t)))
            .execute(c)?;
            if claimed == 1 {
                store::record_event(c, EventKind::Reminder, id, None)?;
            }
            Ok(claimed)
        })?;
    }
    Ok(n)
}

enum Mailer {
    Smtp(lettre::SmtpTransport),
    Files(lettre::FileTransport),
}

impl Mailer {
    fn new(s: &Settings) -> Result<Mailer, anyhow::Error> {
        match s
            .smtp_url
            .as_deref()
            .map(str::trim)
            .filter(|u| !u.is_empty())
        {
            Some(url) => Ok(Mailer::Smtp(
                lettre::SmtpTransport::from_url(url)
                    .map_err(|e| anyhow::anyhow!("SMTP-Adresse ungültig: {e}"))?
                    .timeout(Some(StdDuration::from_secs(15)))
                    .build(),
            )),
            None => {
                let dir = std::path::Path::new(&s.data_dir).join("mail-ausgang");
                std::fs::create_dir_all(&dir)?;
                Ok(Mailer::Files(lettre::FileTransport::new(dir)))
            }
        }
    }

    fn send(&self, m: &Message) -> Result<(), String> {
        match self {
            Mailer::Smtp(t) => t.send(m).map(|_| ()).map_err(|e| e.to_string()),
            Mailer::Files(t) => t.send(m).map(|_| ()).map_err(|e| e.to_string()),
        }
    }
}

/// Build the MIME message of an outbox row.
pub fn build_message(m: &OutboxMail, from: &str) -> Result<Message, String> {
    let from: Mailbox = from
        .parse()
        .map_err(|e| format!("Absender ungültig: {e}"))?;
    let to: Mailbox = m
        .recipient
        .parse()
        .map_err(|e| format!("Empfänger ungültig: {e}"))?;
    let domain = from.email.domain().to_string();
    let mut b = Message::builder()
        .from(from)
        .to(to)
        .subject(m.subject.clone())
        .message_id(Some(m.message_id.clone()))
        // sent by a program: no out-of-office replies (RFC 3834)
        .raw_header(HeaderValue::new(
            HeaderName::new_from_ascii_str("Auto-Submitted"),
            "auto-generated".to_string(),
        ))
        .raw_header(HeaderValue::new(
            HeaderName::new_from_ascii_str("X-Auto-Response-Suppress"),
            "All".to_string(),
        ));
    if let Some(u) = &m.unsubscribe_url {
        // list mail (RFC 2919): meeting dates or a saved search's digest
        let (label, phrase) = if m.meeting_id.is_some() {
            ("sitzungstermine", "Sitzungstermine")
        } else {
            ("suchabos", "Gespeicherte Suchen")
        };
        b = b
            .raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("List-Id"),
                format!("{phrase} <{label}.{domain}>"),
            ))
            .raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("List-Unsubscribe"),
                format!("<{u}>"),
            ))
            .raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("List-Unsubscribe-Post"),
                "List-Unsubscribe=One-Click".to_string(),
            ));
    }
    let alternative = MultiPart::alternative_plain_html(m.body_text.clone(), m.body_html.clone());
    let result = match &m.ics {
        Some(ics) => {
            let method = if ics.contains("\r\nMETHOD:CANCEL\r\n") {
                "CANCEL"
            } else {
                "REQUEST"
            };
            let ct = ContentType::parse(&format!("text/calendar; charset=utf-8; method={method}"))
                .map_err(|e| e.to_string())?;
            b.multipart(
                MultiPart::mixed().multipart(alternative).singlepart(
                    SinglePart::builder()
                        .header(ct)
                        .header(ContentDisposition::attachment("sitzung.ics"))
                        .body(ics.clone()),
                ),
            )
        }
        None => b.multipart(alternative),
    };
    result.map_err(|e| e.to_string())
}

impl Worker {
    /// One round: expand events, schedule reminders, queue digests of
    /// saved searches, send due mails.
    /// Returns the number of mails sent.
    pub fn round(&self) -> Result<usize, anyhow::Error> {
        let mut conn = self.pool.get()?;
        for (id, kind, meeting_id, details) in store::open_events(&mut conn, 50)? {
            if let Some(k) = EventKind::from_key(&kind) {
                expand(&mut conn, self, id, k, meeting_id, details)?;
            }
        }
        schedule_reminders(&mut conn, self.settings.reminder_days)?;
        digest::run_digests(
            &mut conn,
            &self.base_url,
            &self.settings.site_name,
            Duration::hours(self.settings.search_digest_hours.max(0)),
        )?;
        let mailer = Mailer::new(&self.settings)?;
        let due = db::quiet_transaction(&mut conn, |c| {
            store::claim_due(c, 50, Duration::seconds(120))
        })?;
        let mut sent = 0;
        for m in due {
            let outcome =
                build_message(&m, &self.settings.mail_from).and_then(|msg| mailer.send(&msg));
            db::quiet_transaction(&mut conn, |c| match &outcome {
                Ok(()) => store::mark_sent(c, &m),
                Err(e) => store::mark_failed(
                    c,
                    &m,
                    e,
                    self.settings.mail_retry_seconds,
                    self.settings.mail_max_attempts,
                ),
            })?;
            match outcome {
                Ok(()) => sent += 1,
                Err(e) => {
                    tracing::warn!(mail = m.id, error = %e, "Mail nicht zugestellt, neuer Versuch später")
                }
            }
        }
        Ok(sent)
    }

    /// Run rounds until the process ends.
    pub async fn run(self) {
        loop {
            let w = self.clone();
            match tokio::task::spawn_blocking(move || w.round()).await {
                Ok(Ok(_)) => {}
                Ok(Err(e)) => tracing::warn!(error = %e, "Mail-Worker: Runde fehlgeschlagen"),
                Err(e) => tracing::warn!(error = %e, "Mail-Worker: Aufgabe abgebrochen"),
            }
            tokio::time::sleep(StdDuration::from_millis(self.settings.mail_poll_ms.max(50))).await;
        }
    }
}
