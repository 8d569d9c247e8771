//! The meeting workspace of the back office: details, agenda with
//! waiting consultations, attendance and the next steps.

use super::*;

#[derive(Serialize)]
pub(super) struct Waiting {
    pub(super) consultation_id: i64,
    pub(super) label: String,
    public: bool,
}

#[derive(Serialize)]
pub(super) struct AttendanceRow {
    pub(super) person_id: i64,
    pub(super) name: String,
    pub(super) role: String,
    pub(super) status: String,
}

#[derive(Serialize)]
pub(super) struct Step {
    pub(super) key: &'static str,
    pub(super) label: &'static str,
    pub(super) confirm: bool,
}

#[derive(Serialize, Default)]
pub(super) struct Workspace {
    pub(super) meeting: Option<Meeting>,
    pub(super) card: Option<views::meetings::MeetingCard>,
    pub(super) values: serde_json::Value,
    pub(super) errors: Errors,
    pub(super) item_errors: Errors,
    pub(super) message: Option<String>,
    pub(super) conflict: Option<Conflict>,
    pub(super) rows: Vec<agenda::AgendaRow>,
    pub(super) top_level: Vec<(i64, String)>,
    pub(super) waiting: Vec<Waiting>,
    pub(super) steps: Vec<Step>,
    pub(super) attendance: Vec<AttendanceRow>,
    pub(super) statuses: Vec<super::super::Choice>,
    pub(super) locations: Vec<Location>,
    pub(super) files: Vec<views::FileRow>,
    pub(super) audit: Vec<AuditView>,
    pub(super) upload_limit_mb: u64,
    pub(super) has_minutes: bool,
}

pub fn meeting_for(c: &mut DbConnection, me: &SessionUser, id: i64) -> Result<Meeting, AppError> {
    let m = db::meetings::find(c, id)?.ok_or_else(|| AppError::not_found("Die Sitzung"))?;
    me.require_body(m.body_id)?;
    Ok(m)
}

pub(super) fn details_values(m: &Meeting) -> serde_json::Value {
    let local = crate::base::dates::berlin(m.start_at);
    serde_json::json!({
        "bezeichnung": m.name,
        "nummer": m.number,
        "datum": local.format("%Y-%m-%d").to_string(),
        "beginn": local.format("%H:%M").to_string(),
        "ende": m.end_at.map(|e| crate::base::dates::berlin(e).format("%H:%M").to_string()),
        "ort": m.location_id.map(|l| l.to_string()),
        "version": m.version.to_string(),
    })
}

pub(super) fn workspace(
    c: &mut DbConnection,
    me: &SessionUser,
    m: &Meeting,
) -> Result<Workspace, AppError> {
    let items = db::agenda_items::for_meeting(c, m.id)?;
    let (rows, _) = agenda::load_rows(c, &items, &|_| true, Audience::Full)?;
    let top_level = rows
        .iter()
        .filter(|r| r.depth == 0)
        .map(|r| (r.id, format!("{} {}", r.number, r.title)))
        .collect();
    let mut org_ids = db::meetings::joint_organization_ids(c, m.id)?;
    org_ids.push(m.organization_id);
    let waiting = {
        use db::schema::{consultations, papers};
        let rows: Vec<(i64, String, String, bool, String)> = consultations::table
            .inner_join(papers::table)
            .filter(consultations::organization_id.eq_any(&org_ids))
            .filter(consultations::meeting_id.is_null())
            .filter(consultations::deleted_at.is_null())
            .filter(papers::deleted_at.is_null())
            .order((papers::date, papers::id))
            .select((
                consultations::id,
                papers::reference,
                papers::title,
                papers::public,
                consultations::role,
            ))
            .load(c)?;
        rows.into_iter()
            .map(|(id, r, t, public, role)| Waiting {
                consultation_id: id,
                label: format!(
                    "{r} – {t} ({}{})",
                    crate::domain::ConsultationRole::from_key(&role)
                        .map(|x| x.label())
                        .unwrap_or(""),
                    if public { "" } else { ", nichtöffentlich" }
                ),
                public,
            })
            .collect()
    };
    let steps = [
        (
            Transition::Invite,
            "einladen",
            "Einladung veröffentlichen",
            false,
        ),
        (
            Transition::Hold,
            "durchfuehren",
            "Als durchgeführt markieren",
            false,
        ),
        (Transition::Cancel, "absagen", "Sitzung absagen", true),
        (
            Transition::Reinstate,
            "wieder_ansetzen",
            "Absage zurücknehmen",
            false,
        ),
        (
            Transition::ApproveMinutes,
            "niederschrift_genehmigen",
            "Niederschrift genehmigen",
            false,
        ),
        (
            Transition::PublishMinutes,
            "niederschrift_veroeffentlichen",
            "Niederschrift veröffentlichen",
            false,
        ),
    ]
    .into_iter()
    .filter(|(t, ..)| t.refusal(m).is_none())
    .map(|(_, key, label, confirm)| Step {
        key,
        label,
        confirm,
    })
    .collect();
    let day = crate::base::dates::berlin(m.start_at).date_naive();
    let members = db::persons::members_of(c, m.organization_id, day)?;
    let recorded: std::collections::HashMap<i64, String> =
        crate::edit::meeting::attendance(c, m.id)?
            .into_iter()
            .collect();
    let mut seen = std::collections::HashSet::new();
    let attendance = members
        .into_iter()
        .filter(|(p, ..)| seen.insert(p.id))
        .map(|(p, role, _)| AttendanceRow {
            person_id: p.id,
            name: format!("{} {}", p.given_name, p.family_name),
            role: crate::domain::MembershipRole::from_key(&role)
                .map(|r| r.label())
                .unwrap_or("")
                .to_string(),
            status: recorded.get(&p.id).cloned().unwrap_or_default(),
        })
        .collect();
    let (_, locations) = gremien_and_locations(c, me)?;
    let files = db::papers::files_of_meeting(c, m.id)?
        .into_iter()
        .map(views::FileRow::of)
        .collect();
    let card = views::meetings::cards(c, std::slice::from_ref(m))?.pop();
    Ok(Workspace {
        meeting: Some(m.clone()),
        card,
        values: details_values(m),
        rows,
        top_level,
        waiting,
        steps,
        attendance,
        statuses: super::super::choices(
            AttendanceStatus::ALL,
            AttendanceStatus::key,
            AttendanceStatus::label,
        ),
        locations: locations
            .into_iter()
            .filter(|l| l.body_id == m.body_id)
            .collect(),
        files,
        audit: audit_views(db::audit::for_meeting(c, m.id)?),
        has_minutes: m.state == MeetingState::Held.key(),
        ..Default::default()
    })
}
