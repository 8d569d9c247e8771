//! Back office: funding programmes (`/verwaltung/foerderprogramme`) with
//! modules, the allocation table (pooling rules checked, a proposal on
//! request), agreements, deadlines and links.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Serialize;

mod allocations;
mod parts;

use super::flow::{self, Conflict, EditPage, FormState};
use super::forms::{self, Errors};
use super::links::{parse_subject, role_and_note};
use super::links::{subject_links, SubjectLink};
use super::{audit_views, choices, editable_bodies, AuditView, Choice};
use crate::auth::form::Fields;
use crate::auth::{Form, SessionUser, Staff, Viewer};
use crate::db::audit::Actor;
use crate::db::links::{self, Target};
use crate::db::models::Body;
use crate::db::programmes::{self, AgreementInput, AllocationInput, Programme, ProgrammeInput};
use crate::db::Saved;
use crate::db::{self, DbConnection};
use crate::domain::{AgreementKind, DeadlineKind};
use crate::error::AppError;
use crate::funding::{self, fte_input, parse_centi, parse_euro, Share};
use crate::routes::account::redirect;
use crate::routes::parse_id;
use crate::state::AppState;
pub use allocations::save_allocations;
use allocations::{rows_of, AllocationRow};
use diesel::QueryResult;
pub use parts::{
    add_agreement, add_deadline, add_module, remove_agreement, remove_deadline, remove_module,
};

#[derive(Serialize, Default)]
pub struct Page {
    programme: Option<Programme>,
    #[serde(flatten)]
    form: FormState,
    bodies: Vec<Body>,
    all_bodies: Vec<Body>,
    allocations: Vec<AllocationRow>,
    problems: Vec<String>,
    proposal: bool,
    modules: Vec<programmes::Module>,
    agreements: Vec<serde_json::Value>,
    deadlines: Vec<serde_json::Value>,
    agreement_kinds: Vec<Choice>,
    deadline_kinds: Vec<Choice>,
    roles: Vec<Choice>,
    links: Vec<SubjectLink>,
    audit: Vec<AuditView>,
}

fn date_input(d: Option<chrono::NaiveDate>) -> Option<String> {
    d.map(|d| d.format("%Y-%m-%d").to_string())
}

fn load_page(
    c: &mut DbConnection,
    me: &SessionUser,
    p: Option<&Programme>,
) -> Result<Page, AppError> {
    let mut page = Page {
        bodies: editable_bodies(c, me)?,
        all_bodies: match p {
            Some(p) => allocation_bodies(c, me, p)?,
            None => Vec::new(),
        },
        agreement_kinds: choices(AgreementKind::ALL, AgreementKind::key, AgreementKind::label),
        deadline_kinds: choices(DeadlineKind::ALL, DeadlineKind::key, DeadlineKind::label),
        roles: super::links::roles(),
        form: FormState {
            sub_values: serde_json::json!({}),
            ..Default::default()
        },
        ..Default::default()
    };
    if let Some(p) = p {
        let list = programmes::allocations(c, p.id)?;
        let shares: Vec<Share> = list.iter().map(|a| a.share()).collect();
        page.problems = funding::check(p.frame(), &shares);
        page.allocations = rows_of(&list);
        page.modules = programmes::modules(c, &[p.id])?;
        page.agreements = programmes::agreements(c, p.id)?
            .iter()
            .map(|a| {
                serde_json::json!({
                    "id": a.id,
                    "kind": AgreementKind::from_key(&a.kind).map(|k| k.label()).unwrap_or(&a.kind),
                    "title": a.title,
                    "parties": a.parties,
                    "forwards_from": a.forwards_from,
                    "forwards_to": a.forwards_to,
                    "concluded": a.concluded_on.map(crate::base::dates::date),
                })
            })
            .collect();
        page.deadlines = programmes::deadlines(c, p.id)?
            .iter()
            .map(|d| {
                serde_json::json!({
                    "id": d.id,
                    "date": crate::base::dates::date(d.due_on),
                    "kind": d.kind_label(),
                    "title": d.title,
                })
            })
            .collect();
        let list = links::for_programme(c, p.id)?;
        let names: std::collections::HashMap<i64, String> = page
            .modules
            .iter()
            .map(|m| (m.id, m.name.clone()))
            .collect();
        page.links = subject_links(c, &list, &|l| {
            l.module_id
                .and_then(|m| names.get(&m).cloned())
                .unwrap_or_else(|| "ganzes Programm".into())
        })?;
        page.audit = audit_views(db::audit::for_entity(c, programmes::ENTITY, p.id)?);
        page.form.values = Programmes::values(p);
        page.programme = Some(p.clone());
    }
    Ok(page)
}

/// Bodies that may have an allocation: the programme's body, its Kreis
/// and its towns, and those that already have one (for everybody,
/// administrators too).
fn allocation_bodies(
    c: &mut DbConnection,
    me: &SessionUser,
    p: &Programme,
) -> Result<Vec<Body>, AppError> {
    let _ = me;
    let related = super::links::related_bodies(c, p.body_id)?;
    let allocated: Vec<i64> = programmes::allocations(c, p.id)?
        .iter()
        .filter_map(|a| a.body_id)
        .collect();
    Ok(db::bodies::list(c)?
        .into_iter()
        .filter(|b| related.contains(&b.id) || allocated.contains(&b.id))
        .collect())
}

pub async fn list(state: web::Data<AppState>, me: Staff) -> Result<HttpResponse, AppError> {
    let me = me.0;
    let m2 = me.clone();
    let rows = state
        .db(move |c| {
            let names: std::collections::HashMap<i64, String> = db::bodies::list(c)?
                .into_iter()
                .map(|b| (b.id, b.name))
                .collect();
            Ok(programmes::all(c)?
                .into_iter()
                .filter(|p| m2.may_edit_body(p.body_id))
                .map(|p| {
                    serde_json::json!({
                        "id": p.id,
                        "name": p.display_name(),
                        "period": crate::routes::integration_period(&p),
                        "body": names.get(&p.body_id),
                    })
                })
                .collect::<Vec<_>>())
        })
        .await?;
    state.render_for(
        &Viewer(Some(me)),
        "admin/integration/programmes.html",
        &serde_json::json!({ "rows": rows }),
    )
}

pub async fn new_form(state: web::Data<AppState>, me: Staff) -> Result<HttpResponse, AppError> {
    let me = me.0;
    let m2 = me.clone();
    let page = state
        .db(move |c| {
            let mut page = load_page(c, &m2, None)?;
            page.form.values = serde_json::json!({
                "koerperschaft": page.bodies.first().map(|b| b.id.to_string()),
            });
            Ok(page)
        })
        .await?;
    state.render_for(&Viewer(Some(me)), "admin/integration/programme.html", &page)
}

fn opt_date(f: &Fields, name: &str, label: &str, e: &mut Errors) -> Option<chrono::NaiveDate> {
    if f.get(name).is_empty() {
        None
    } else {
        forms::date(f, name, label, e)
    }
}

fn centi(f: &Fields, name: &str, label: &str, e: &mut Errors) -> Option<i32> {
    match parse_centi(f.get(name), label) {
        Ok(v) => v.and_then(|v| i32::try_from(v).ok()),
        Err(msg) => {
            e.insert(name.into(), msg);
            None
        }
    }
}

/// The programme page as one `flow::EditPage`: create, update and sub-forms.
pub struct Programmes;

impl EditPage for Programmes {
    type Row = Programme;
    type Input = ProgrammeInput;
    type Page = Page;
    const TEMPLATE: &'static str = "admin/integration/programme.html";
    const ENTITY: &'static str = programmes::ENTITY;
    const LABELS: &'static [(&'static str, &'static str)] = &[
        ("name", "Name"),
        ("kurzname", "Kurzname"),
        ("von", "Laufzeit von"),
        ("bis", "Laufzeit bis"),
        ("stellen", "Stellen gesamt"),
        ("einheit", "förderfähige Einheit"),
        ("mittel", "Mittel gesamt"),
    ];

    fn address(id: i64) -> String {
        format!("/verwaltung/foerderprogramme/{id}")
    }
    fn find(c: &mut DbConnection, me: &SessionUser, id: i64) -> Result<Programme, AppError> {
        let p =
            programmes::find(c, id)?.ok_or_else(|| AppError::not_found("Das Förderprogramm"))?;
        me.require_body(p.body_id)?;
        Ok(p)
    }
    fn version(row: &Programme) -> i32 {
        row.version
    }
    fn values(p: &Programme) -> serde_json::Value {
        serde_json::json!({
            "name": p.name,
            "kurzname": p.short_name,
            "rechtsgrundlage": p.legal_basis,
            "foerdergeber": p.funder,
            "bewilligung": p.granting_authority,
            "von": date_input(p.period_from),
            "bis": date_input(p.period_until),
            "stellen": fte_input(p.total_fte_centi),
            "mittel": funding::euro_input(p.total_amount_cents),
            "einheit": fte_input(p.fundable_unit_centi),
            "bedingungen": p.conditions,
            "beschreibung": p.description,
            "version": p.version.to_string(),
        })
    }
    fn page(
        c: &mut DbConnection,
        me: &SessionUser,
        row: Option<&Programme>,
        _state: &AppState,
    ) -> Result<Page, AppError> {
        load_page(c, me, row)
    }
    fn form(page: &mut Page) -> &mut FormState {
        &mut page.form
    }
    fn validate(
        c: &mut DbConnection,
        me: &SessionUser,
        f: &Fields,
        existing: Option<&Programme>,
    ) -> Result<(Option<ProgrammeInput>, Errors), AppError> {
        let mut e = Errors::new();
        let body_id = match existing {
            Some(p) => Some(p.body_id),
            None => match forms::opt_id(f, "koerperschaft", &mut e) {
                Some(b) if me.may_edit_body(b) && db::bodies::find(c, b)?.is_some() => Some(b),
                _ => {
                    e.insert(
                        "koerperschaft".into(),
                        "Bitte eine Körperschaft wählen, für die Sie zuständig sind.".into(),
                    );
                    None
                }
            },
        };
        let name = forms::required(f, "name", "den Namen des Programms", 300, &mut e);
        let from = opt_date(f, "von", "den Beginn", &mut e);
        let until = opt_date(f, "bis", "das Ende", &mut e);
        if let (Some(a), Some(b)) = (from, until) {
            if b < a {
                e.insert(
                    "bis".into(),
                    format!(
                        "Das Ende der Laufzeit ({}) liegt vor ihrem Beginn ({}).",
                        crate::base::dates::date(b),
                        crate::base::dates::date(a)
                    ),
                );
            }
        }
        let total = centi(f, "stellen", "Stellen gesamt", &mut e);
        let unit = centi(f, "einheit", "Förderfähige Einheit", &mut e);
        if unit == Some(0) {
            e.insert(
                "einheit".into(),
                "Die förderfähige Einheit muss größer als 0 sein (z. B. 0,5).".into(),
            );
        }
        let amount = match parse_euro(f.get("mittel"), "Mittel gesamt") {
            Ok(v) => v,
            Err(msg) => {
                e.insert("mittel".into(), msg);
                None
            }
        };
        let input = ProgrammeInput {
            body_id: body_id.unwrap_or_default(),
            name,
            short_name: forms::optional(f, "kurzname", 50, &mut e),
            legal_basis: forms::optional(f, "rechtsgrundlage", 300, &mut e),
            funder: forms::optional(f, "foerdergeber", 300, &mut e),
            granting_authority: forms::optional(f, "bewilligung", 300, &mut e),
            period_from: from,
            period_until: until,
            total_fte_centi: total,
            total_amount_cents: amount,
            fundable_unit_centi: unit,
            conditions: f.opt_text("bedingungen"),
            description: f.opt_text("beschreibung"),
        };
        if let Some(p) = existing {
            let t = total;
            // lowering the total below what is already agreed breaks the pooling
            let shares: Vec<Share> = programmes::allocations(c, p.id)?
                .iter()
                .map(|a| a.share())
                .collect();
            let frame = funding::Frame {
                total: t.map(Into::into),
                unit: unit.map(Into::into),
            };
            if let Some(msg) = funding::check(frame, &shares).into_iter().next() {
                e.insert(
                    "stellen".into(),
                    format!("Mit diesen Angaben passen die Zuteilungen nicht mehr: {msg}"),
                );
            }
        }
        if body_id.is_some() && e.is_empty() {
            Ok((Some(input), e))
        } else {
            Ok((None, e))
        }
    }
    fn create(c: &mut DbConnection, actor: &Actor, input: &ProgrammeInput) -> QueryResult<i64> {
        programmes::create(c, actor, input)
    }
    fn update(
        c: &mut DbConnection,
        actor: &Actor,
        id: i64,
        version: i32,
        input: &ProgrammeInput,
    ) -> QueryResult<Saved> {
        programmes::update(c, actor, id, version, input)
    }
    const KIND: &'static str = "Förderprogramm";
    const LIST: &'static str = "/verwaltung/foerderprogramme";
    fn describe(c: &mut DbConnection, row: &Programme) -> Result<(String, usize), AppError> {
        Ok((row.display_name(), links::for_programme(c, row.id)?.len()))
    }
    fn delete(c: &mut DbConnection, actor: &Actor, row: &Programme) -> QueryResult<()> {
        programmes::delete(c, actor, row).map(|_| ())
    }
}

pub async fn create(
    state: web::Data<AppState>,
    _staff: Staff,
    form: Form,
) -> Result<HttpResponse, AppError> {
    flow::create::<Programmes>(state, form).await
}

fn render(
    state: &AppState,
    me: SessionUser,
    page: Page,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    state.render_status(
        status,
        &Viewer(Some(me)),
        "admin/integration/programme.html",
        &page,
    )
}

#[derive(serde::Deserialize)]
pub struct EditQuery {
    gespeichert: Option<String>,
}

pub async fn edit(
    state: web::Data<AppState>,
    me: Staff,
    path: web::Path<String>,
    query: web::Query<EditQuery>,
) -> Result<HttpResponse, AppError> {
    let me = me.0;
    let id = parse_id(&path)?;
    let m2 = me.clone();
    let saved = query.gespeichert.is_some();
    let page = state
        .db(move |c| {
            let p = Programmes::find(c, &m2, id)?;
            let mut page = load_page(c, &m2, Some(&p))?;
            if saved {
                page.form.message = Some("Gespeichert.".into());
            }
            Ok(page)
        })
        .await?;
    render(&state, me, page, StatusCode::OK)
}

pub async fn update(
    state: web::Data<AppState>,
    _staff: Staff,
    path: web::Path<String>,
    form: Form,
) -> Result<HttpResponse, AppError> {
    flow::update::<Programmes>(state, parse_id(&path)?, form).await
}

pub async fn add_link(
    state: web::Data<AppState>,
    _staff: Staff,
    path: web::Path<String>,
    form: Form,
) -> Result<HttpResponse, AppError> {
    let id = parse_id(&path)?;
    flow::sub_action::<Programmes, _>(state, id, form, "verknuepfungen", |c, me, p, f| {
        let mut e = Errors::new();
        let bodies = programmes::participants(c, &[p.id])?
            .remove(&p.id)
            .unwrap_or_default();
        let subject = match parse_subject(c, f.get("vorlage"), &bodies)? {
            Ok(s) => Some(s),
            Err(msg) => {
                e.insert("vorlage".into(), msg);
                None
            }
        };
        let module = forms::opt_id(f, "baustein", &mut e);
        let (role, note) = role_and_note(f, &mut e);
        let target = Target::Programme {
            programme: p.id,
            module,
        };
        if let Some(s) = subject {
            if let Some(why) = links::refusal(c, s, target)? {
                e.insert("vorlage".into(), why);
            }
        }
        if let (Some(s), Some(r), true) = (subject, role, e.is_empty()) {
            let actor = me.actor();
            crate::edit::write_transaction(c, |c| {
                links::add(c, &actor, s, target, r, note.as_deref()).map_err(AppError::from)
            })?;
        }
        Ok(e)
    })
    .await
}

pub async fn delete_confirm(
    state: web::Data<AppState>,
    me: Staff,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    flow::delete_confirm::<Programmes>(state, me.0, parse_id(&path)?).await
}

pub async fn delete(
    state: web::Data<AppState>,
    _staff: Staff,
    path: web::Path<String>,
    form: Form,
) -> Result<HttpResponse, AppError> {
    flow::delete::<Programmes>(state, parse_id(&path)?, form).await
}
