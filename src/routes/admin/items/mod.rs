//! Back office: one agenda item (TOP) – text, result, votes, deferral,
//! referral, follow-ups.

mod follow_ups;

pub use follow_ups::add_follow_up;
pub(super) use follow_ups::integration_refused;

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use diesel::prelude::*;
use serde::Serialize;

use super::flow::{Conflict, Done};
use super::forms::{self, Errors};
use super::{choices, Choice};
use crate::auth::form::Fields;
use crate::auth::{Form, SessionUser, Staff, Viewer};
use crate::db::models::{AgendaItem, Meeting, Organization, Paper};
use crate::db::{self, DbConnection};
use crate::domain::{MeetingState, OrganizationKind, Outcome, Vote};
use crate::edit::item::{Deferral, ResultInput};
use crate::edit::paper::Saved;
use crate::error::AppError;
use crate::routes::account::redirect;
use crate::routes::parse_id;
use crate::state::AppState;
use crate::views;

#[derive(Serialize)]
struct Named {
    person_id: i64,
    name: String,
}

#[derive(Serialize, Default)]
struct Page {
    item: Option<AgendaItem>,
    number: String,
    meeting: Option<views::meetings::MeetingCard>,
    meeting_id: i64,
    paper: Option<Paper>,
    values: serde_json::Value,
    selected_answers: Vec<String>,
    errors: Errors,
    conflict: Option<Conflict>,
    message: Option<String>,
    outcomes: Vec<Choice>,
    votes: Vec<Choice>,
    later_meetings: Vec<(i64, String)>,
    gremien: Vec<Organization>,
    factions: Vec<Organization>,
    members: Vec<Named>,
    present: Option<i64>,
    open_follow_ups: Vec<(i64, String)>,
    raised_here: Vec<(String, bool)>,
    files: Vec<views::FileRow>,
    upload_limit_mb: u64,
    continuation: Option<(i64, i64)>,
    integration: super::links::Panel,
}

fn item_for(
    c: &mut DbConnection,
    me: &SessionUser,
    id: i64,
) -> Result<(AgendaItem, Meeting), AppError> {
    let a = db::agenda_items::find(c, id)?
        .ok_or_else(|| AppError::not_found("Der Tagesordnungspunkt"))?;
    let m =
        db::meetings::find(c, a.meeting_id)?.ok_or_else(|| AppError::not_found("Die Sitzung"))?;
    me.require_body(m.body_id)?;
    Ok((a, m))
}

fn values_of(
    a: &AgendaItem,
    paper: Option<&Paper>,
    factions: &[db::models::FactionVote],
    named: &[db::models::PersonVote],
) -> serde_json::Value {
    let mut v = serde_json::json!({
        "titel": a.title,
        "oeffentlich": if a.public { "1" } else { "" },
        "ergebnis": a.outcome,
        "ja": a.votes_yes.map(|n| n.to_string()),
        "nein": a.votes_no.map(|n| n.to_string()),
        "enthaltung": a.votes_abstain.map(|n| n.to_string()),
        "abwesend": a.votes_absent.map(|n| n.to_string()),
        // the proposal is the starting point of the resolution text
        // (only while the item has no result yet)
        "beschlusstext": a.resolution_text.clone().or_else(|| {
            if a.outcome.is_none() {
                paper.and_then(|p| p.proposal.clone())
            } else {
                None
            }
        }),
        "protokoll": a.minutes_text,
        "vertagung": if a.deferred_to_next { "naechste".to_string() } else { a.deferred_to_meeting_id.map(|m| m.to_string()).unwrap_or_default() },
        "verwiesen_an": a.referred_to_organization_id.map(|o| o.to_string()),
        "version": a.version.to_string(),
    });
    if let Some(obj) = v.as_object_mut() {
        for f in factions {
            obj.insert(
                format!("fv_{}_ja", f.faction_id),
                f.votes_yes.to_string().into(),
            );
            obj.insert(
                format!("fv_{}_nein", f.faction_id),
                f.votes_no.to_string().into(),
            );
            obj.insert(
                format!("fv_{}_enthaltung", f.faction_id),
                f.votes_abstain.to_string().into(),
            );
        }
        for p in named {
            obj.insert(format!("nv_{}", p.person_id), p.vote.clone().into());
        }
    }
    v
}

fn page(c: &mut DbConnection, a: &AgendaItem, m: &Meeting) -> Result<Page, AppError> {
    let all = db::agenda_items::for_meeting(c, m.id)?;
    let numbers = crate::access::agenda::numbers(&all);
    let paper = match a.paper_id {
        Some(p) => db::papers::find(c, p)?,
        None => None,
    };
    let later: Vec<Meeting> = {
        use db::schema::meetings;
        meetings::table
            .filter(meetings::organization_id.eq(m.organization_id))
            .filter(meetings::start_at.gt(m.start_at))
            .filter(meetings::deleted_at.is_null())
            .filter(meetings::state.ne(MeetingState::Cancelled.key()))
            .order(meetings::start_at)
            .limit(20)
            .select(Meeting::as_select())
            .load(c)?
    };
    let orgs = super::organizations_of(c, &[m.body_id])?;
    let gremien = orgs
        .iter()
        .filter(|o| o.is_gremium() && o.id != m.organization_id)
        .cloned()
        .collect();
    let factions = orgs
        .iter()
        .filter(|o| o.kind == OrganizationKind::Faction.key())
        .cloned()
        .collect();
    let day = crate::base::dates::berlin(m.start_at).date_naive();
    let mut seen = std::collections::HashSet::new();
    let members = db::persons::members_of(c, m.organization_id, day)?
        .into_iter()
        .filter(|(p, ..)| seen.insert(p.id))
        .map(|(p, ..)| Named {
            person_id: p.id,
            name: format!("{} {}", p.given_name, p.family_name),
        })
        .collect();
    let fvotes = db::agenda_items::faction_votes(c, &[a.id])?;
    let pvotes = db::agenda_items::person_votes(c, a.id)?;
    let open_follow_ups = crate::edit::item::open_follow_ups(c, m.organization_id)?
        .into_iter()
        .filter(|f| f.origin_agenda_item_id != a.id)
        .map(|f| (f.id, f.description))
        .collect();
    let raised_here = {
        use db::schema::follow_ups;
        follow_ups::table
            .filter(follow_ups::origin_agenda_item_id.eq(a.id))
            .order(follow_ups::id)
            .select((
                follow_ups::description,
                follow_ups::answered_by_agenda_item_id.is_not_null(),
            ))
            .load(c)?
    };
    let files = db::files::of_agenda_item(c, a.id)?
        .into_iter()
        .map(views::FileRow::of)
        .collect();
    let continuation = db::agenda_items::continuation_of(c, a.id)?.map(|x| (x.id, x.meeting_id));
    Ok(Page {
        number: numbers.get(&a.id).cloned().unwrap_or_default(),
        meeting: views::meetings::cards(c, std::slice::from_ref(m))?.pop(),
        meeting_id: m.id,
        values: values_of(a, paper.as_ref(), &fvotes, &pvotes),
        selected_answers: Vec::new(),
        item: Some(a.clone()),
        paper,
        outcomes: choices(Outcome::ALL, Outcome::key, Outcome::label),
        votes: choices(Vote::ALL, Vote::key, Vote::label),
        later_meetings: later
            .iter()
            .map(|x| {
                (
                    x.id,
                    format!(
                        "{}, {} Uhr – {}",
                        crate::base::dates::date_short(x.start_at),
                        crate::base::dates::time(x.start_at),
                        x.name
                    ),
                )
            })
            .collect(),
        gremien,
        factions,
        members,
        present: crate::edit::meeting::present_count(c, m.id)?,
        open_follow_ups,
        raised_here,
        files,
        continuation,
        integration: super::links::panel(c, db::links::Subject::Item(a.id))?,
        ..Default::default()
    })
}

#[derive(serde::Deserialize)]
pub struct EditQuery {
    gespeichert: Option<String>,
}

pub async fn edit(
    state: web::Data<AppState>,
    me: Staff,
    path: web::Path<String>,
    q: web::Query<EditQuery>,
) -> Result<HttpResponse, AppError> {
    let me = me.0;
    let id = parse_id(&path)?;
    let m2 = me.clone();
    let mut p = state
        .db(move |c| {
            let (a, m) = item_for(c, &m2, id)?;
            page(c, &a, &m)
        })
        .await?;
    p.upload_limit_mb = state.settings.upload_limit_mb;
    if q.gespeichert.is_some() {
        p.message = Some("Gespeichert.".into());
    }
    state.render_for(&Viewer(Some(me)), "admin/items/edit.html", &p)
}

fn validate(
    c: &mut DbConnection,
    a: &AgendaItem,
    m: &Meeting,
    f: &Fields,
) -> Result<(Option<ResultInput>, Errors), AppError> {
    let mut e = Errors::new();
    let title = forms::required(f, "titel", "einen Titel", 500, &mut e);
    let outcome = match f.get("ergebnis") {
        "" => None,
        k => match Outcome::from_key(k) {
            Some(o) => Some(o),
            None => {
                e.insert("ergebnis".into(), "Unbekanntes Ergebnis.".into());
                None
            }
        },
    };
    let yes = forms::count(f, "ja", &mut e);
    let no = forms::count(f, "nein", &mut e);
    let abstain = forms::count(f, "enthaltung", &mut e);
    let absent = forms::count(f, "abwesend", &mut e);
    let cast = yes.unwrap_or(0) + no.unwrap_or(0) + abstain.unwrap_or(0);
    let day = crate::base::dates::berlin(m.start_at).date_naive();
    let members = db::persons::members_of(c, m.organization_id, day)?;
    let member_ids: std::collections::HashSet<i64> = members.iter().map(|(p, ..)| p.id).collect();
    let present = crate::edit::meeting::present_count(c, m.id)?;
    if let Some(present) = present {
        if i64::from(cast) > present {
            e.insert("ja".into(), format!("Es wurden {cast} Stimmen eingetragen, aber nur {present} Mitglieder sind als anwesend erfasst."));
        }
    }
    // deferral
    let target = f.get("vertagung");
    let deferral = match (outcome, target) {
        (Some(Outcome::Deferred), "") => {
            e.insert(
                "vertagung".into(),
                "Bitte angeben, auf welche Sitzung vertagt wird.".into(),
            );
            Deferral::None
        }
        (Some(Outcome::Deferred), "naechste") => Deferral::ToNext,
        (Some(Outcome::Deferred), s) => match s
            .parse::<i64>()
            .ok()
            .map(|id| db::meetings::find(c, id))
            .transpose()?
            .flatten()
        {
            // the target it was carried to already stays valid
            Some(t) if a.deferred_to_meeting_id == Some(t.id) => Deferral::ToMeeting(t.id),
            Some(t) if t.organization_id != m.organization_id => {
                e.insert(
                    "vertagung".into(),
                    "Vertagt werden kann nur auf eine Sitzung desselben Gremiums.".into(),
                );
                Deferral::None
            }
            Some(t) if t.start_at <= m.start_at || t.start_at <= db::now() => {
                e.insert(
                    "vertagung".into(),
                    format!(
                        "Die gewählte Sitzung ({}) liegt in der Vergangenheit.",
                        crate::base::dates::date_short(t.start_at)
                    ),
                );
                Deferral::None
            }
            Some(t) if t.state == MeetingState::Cancelled.key() => {
                e.insert(
                    "vertagung".into(),
                    "Die gewählte Sitzung ist abgesagt.".into(),
                );
                Deferral::None
            }
            Some(t) => Deferral::ToMeeting(t.id),
            None => {
                e.insert("vertagung".into(), "Diese Sitzung gibt es nicht.".into());
                Deferral::None
            }
        },
        (_, "") => Deferral::None,
        (_, _) => {
            e.insert(
                "vertagung".into(),
                "Ein Vertagungsziel gibt es nur beim Ergebnis „vertagt“.".into(),
            );
            Deferral::None
        }
    };
    // once carried to a later meeting, the deferral is fixed until the
    // carried TOP is taken off that agenda
    if let Some(cont) = db::agenda_items::continuation_of(c, a.id)? {
        let unchanged = outcome == Some(Outcome::Deferred)
            && matches!(deferral, Deferral::ToMeeting(t) if t == cont.meeting_id);
        if !unchanged {
            let when = db::meetings::find(c, cont.meeting_id)?
                .map(|t| crate::base::dates::date_short(t.start_at))
                .unwrap_or_default();
            e.insert(
                "vertagung".into(),
                format!("Dieser Punkt ist bereits auf die Sitzung vom {when} übertragen. Um Ergebnis oder Vertagungsziel zu ändern, nehmen Sie den übertragenen TOP zuerst dort von der Tagesordnung."),
            );
        }
    }
    let referred = match (outcome, forms::opt_id(f, "verwiesen_an", &mut e)) {
        (Some(Outcome::Referred), None) => {
            e.insert(
                "verwiesen_an".into(),
                "Bitte das Gremium angeben, an das verwiesen wird.".into(),
            );
            None
        }
        (Some(Outcome::Referred), Some(o)) => match db::organizations::find(c, o)? {
            Some(org)
                if org.body_id == m.body_id && org.id != m.organization_id && org.is_gremium() =>
            {
                Some((org.id, org.name))
            }
            _ => {
                e.insert(
                    "verwiesen_an".into(),
                    "Bitte ein anderes Gremium dieser Körperschaft wählen.".into(),
                );
                None
            }
        },
        (_, Some(_)) => {
            e.insert(
                "verwiesen_an".into(),
                "Ein Gremium wird nur beim Ergebnis „verwiesen“ angegeben.".into(),
            );
            None
        }
        (_, None) => None,
    };
    // per-faction tallies
    let mut faction_votes = Vec::new();
    let faction_ids: Vec<i64> = super::organizations_of(c, &[m.body_id])?
        .into_iter()
        .filter(|o| o.kind == OrganizationKind::Faction.key())
        .map(|o| o.id)
        .collect();
    for fid in faction_ids {
        let y = forms::count(f, &format!("fv_{fid}_ja"), &mut e);
        let n = forms::count(f, &format!("fv_{fid}_nein"), &mut e);
        let ab = forms::count(f, &format!("fv_{fid}_enthaltung"), &mut e);
        if y.is_some() || n.is_some() || ab.is_some() {
            faction_votes.push((fid, y.unwrap_or(0), n.unwrap_or(0), ab.unwrap_or(0)));
        }
    }
    // named votes (roll call): only for members of the committee
    let mut person_votes = Vec::new();
    for (k, v) in f.pairs() {
        if let Some(pid) = k.strip_prefix("nv_").and_then(|s| s.parse::<i64>().ok()) {
            if v.is_empty() {
                continue;
            }
            match Vote::from_key(v) {
                Some(vote) if member_ids.contains(&pid) => person_votes.push((pid, vote)),
                _ => {
                    e.insert(
                        "namentlich".into(),
                        "Ungültige namentliche Abstimmung.".into(),
                    );
                }
            }
        }
    }
    if f.checked("oeffentlich") {
        if let Some(p) = a
            .paper_id
            .map(|p| db::papers::find(c, p))
            .transpose()?
            .flatten()
        {
            if !p.public {
                e.insert(
                    "oeffentlich".into(),
                    "Die Vorlage ist nichtöffentlich; der Punkt bleibt im nichtöffentlichen Teil."
                        .into(),
                );
            }
        }
    }
    let answers = forms::ids(f, "beantwortet", &mut e);
    let open: Vec<i64> = crate::edit::item::open_follow_ups(c, m.organization_id)?
        .iter()
        .map(|x| x.id)
        .collect();
    if answers.iter().any(|x| !open.contains(x)) {
        e.insert(
            "beantwortet".into(),
            "Diese Nachfrage ist nicht (mehr) offen.".into(),
        );
    }
    // the untouched pre-filled proposal is no resolution of a deferral,
    // referral or withdrawal
    let mut resolution_text = f.opt_text("beschlusstext");
    let decides = outcome
        .is_some_and(|o| o.is_adopted() || matches!(o, Outcome::Recommended | Outcome::Rejected));
    if !decides {
        if let Some(p) = a
            .paper_id
            .map(|p| db::papers::find(c, p))
            .transpose()?
            .flatten()
        {
            if p.proposal.as_deref().map(str::trim) == resolution_text.as_deref().map(str::trim) {
                resolution_text = None;
            }
        }
    }
    if !e.is_empty() {
        return Ok((None, e));
    }
    Ok((
        Some(ResultInput {
            title,
            public: f.checked("oeffentlich"),
            outcome,
            votes_yes: yes,
            votes_no: no,
            votes_abstain: abstain,
            votes_absent: absent,
            resolution_text,
            minutes_text: f.opt_text("protokoll"),
            deferral,
            referred_to: referred,
            faction_votes,
            person_votes,
            answers_follow_ups: answers,
        }),
        e,
    ))
}

pub async fn save(
    state: web::Data<AppState>,
    _staff: Staff,
    path: web::Path<String>,
    form: Form,
) -> Result<HttpResponse, AppError> {
    let id = parse_id(&path)?;
    let Form { user: me, fields } = form;
    let limit = state.settings.upload_limit_mb;
    super::flow::post(&state, me, "admin/items/edit.html", move |c, m2| {
            let (a, m) = item_for(c, m2, id)?;
            let (input, errors) = validate(c, &a, &m, &fields)?;
            let rerender = |c: &mut DbConnection, stale: bool, errors: Errors, conflict: Option<Conflict>| -> Result<Done<Page>, AppError> {
                let (a2, m2) = (db::agenda_items::find(c, id)?.unwrap_or(a.clone()), m.clone());
                let mut p = page(c, &a2, &m2)?;
                let stored_version = p.values.get("version").cloned();
                p.values = fields.to_json();
                if let (Some(v), Some(obj), true) = (stored_version, p.values.as_object_mut(), conflict.is_some()) {
                    obj.insert("version".into(), v);
                }
                p.selected_answers = fields.all("beantwortet").iter().map(|s| s.to_string()).collect();
                p.errors = errors;
                p.conflict = conflict;
                p.upload_limit_mb = limit;
                Ok(if stale { Done::Stale(p) } else { Done::Invalid(p) })
            };
            let Some(input) = input else {
                return rerender(c, false, errors, None);
            };
            let actor = m2.actor();
            match crate::edit::write_transaction(c, |c| crate::edit::item::save_result(c, &actor, &a, &m, forms::version(&fields), &input).map_err(AppError::from))? {
                Saved::Ok => Ok(Done::Saved(format!("/verwaltung/tops/{id}?gespeichert=1"))),
                Saved::Conflict => {
                    let current = db::agenda_items::find(c, id)?.ok_or_else(|| AppError::not_found("Der Tagesordnungspunkt"))?;
                    let mut mine = current.clone();
                    mine.title = input.title.clone();
                    mine.public = input.public;
                    mine.outcome = input.outcome.map(|o| o.key().to_string());
                    mine.votes_yes = input.votes_yes;
                    mine.votes_no = input.votes_no;
                    mine.votes_abstain = input.votes_abstain;
                    mine.votes_absent = input.votes_absent;
                    mine.resolution_text = input.resolution_text.clone();
                    mine.minutes_text = input.minutes_text.clone();
                    let show = |x: &AgendaItem| serde_json::json!({
                        "Titel": x.title, "öffentlich": x.public,
                        "Ergebnis": x.outcome.as_deref().and_then(Outcome::from_key).map(|o| o.label()),
                        "Ja": x.votes_yes, "Nein": x.votes_no, "Enthaltung": x.votes_abstain, "Abwesend": x.votes_absent,
                        "Beschlusstext": x.resolution_text, "Protokolltext": x.minutes_text,
                    });
                    let who = {
                        use db::schema::audit_log;
                        let entries: Vec<db::audit::AuditEntry> = audit_log::table
                            .filter(audit_log::entity_type.eq("TOP"))
                            .filter(audit_log::entity_id.eq(id))
                            .order(audit_log::id.desc())
                            .limit(1)
                            .select(db::audit::AuditEntry::as_select())
                            .load(c)?;
                        super::last_change(&entries)
                    };
                    let conflict = Conflict { who, changes: db::audit::diff(&show(&current), &show(&mine)) };
                    rerender(c, true, Errors::new(), Some(conflict))
                }
            }
        })
        .await
}
