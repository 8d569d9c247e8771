//! Every object under its own URL (`/{kind}/{id}`), answered as the
//! standalone OParl object or as a deleted stub.

use actix_web::{web, HttpRequest, HttpResponse};
use diesel::prelude::*;
use serde_json::Value;

use super::lists::hidden_items;
use super::{run, Failure};
use crate::db::models::*;
use crate::db::schema::*;
use crate::error::AppError;
use crate::oparl::objects::{self, Opts};
use crate::state::AppState;

pub async fn object(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (kind, id) = path.into_inner();
    run(&state, &req, move |c, urls| {
        let id = id
            .parse::<i64>()
            .ok()
            .filter(|n| *n > 0)
            .ok_or(Failure::NotFound("Dieses Objekt"))?;
        let opts = Opts {
            standalone: true,
            omit_internal: false,
        };
        macro_rules! row {
            ($t:ident, $model:ty, $what:expr) => {
                $t::table
                    .find(id)
                    .select(<$model>::as_select())
                    .first(c)
                    .optional()?
                    .ok_or(Failure::NotFound($what))?
            };
        }
        let one = |v: Vec<Value>| {
            v.into_iter()
                .next()
                .ok_or(Failure::NotFound("Dieses Objekt"))
        };
        match kind.as_str() {
            "body" => {
                let b: Body = row!(bodies, Body, "Diese Körperschaft");
                one(objects::bodies(c, urls, &[b], opts)?)
            }
            "legislativeterm" => {
                let t: LegislativeTerm =
                    row!(legislative_terms, LegislativeTerm, "Diese Wahlperiode");
                Ok(objects::term(urls, &t, true))
            }
            "location" => {
                let l: Location = row!(locations, Location, "Dieser Ort");
                Ok(objects::location(urls, &l, true))
            }
            "organization" => {
                let o: Organization = row!(organizations, Organization, "Diese Organisation");
                one(objects::organizations(c, urls, &[o])?)
            }
            "person" => {
                let x: Person = row!(persons, Person, "Diese Person");
                one(objects::persons(c, urls, &[x], opts)?)
            }
            "membership" => {
                let x: Membership = row!(memberships, Membership, "Diese Mitgliedschaft");
                Ok(objects::membership(urls, &x, true))
            }
            "meeting" => {
                let x: Meeting = row!(meetings, Meeting, "Diese Sitzung");
                one(objects::meetings(c, urls, &[x], opts)?)
            }
            "agendaitem" => {
                let a: AgendaItem = row!(agenda_items, AgendaItem, "Dieser Tagesordnungspunkt");
                let agenda = objects::public_agenda(c, &[a.meeting_id])?;
                let visible = agenda.items.iter().any(|x| x.id == a.id);
                // a deleted item is shown as deleted only if the public saw it
                let was_public = a.deleted_at.is_some() && {
                    let body: i64 = meetings::table
                        .find(a.meeting_id)
                        .select(meetings::body_id)
                        .first(c)?;
                    !hidden_items(c, body)?.contains(&a.id)
                };
                if !visible && !was_public {
                    return Err(Failure::NotFound("Dieser Tagesordnungspunkt"));
                }
                one(objects::agenda_items(c, urls, &[a], &agenda, opts)?)
            }
            "paper" => {
                let x: Paper = row!(papers, Paper, "Diese Vorlage");
                if !x.public {
                    return Err(Failure::NotFound("Diese Vorlage"));
                }
                one(objects::papers(c, urls, &[x], opts)?)
            }
            "consultation" => {
                let x: Consultation = row!(consultations, Consultation, "Diese Beratung");
                let public: bool = papers::table
                    .find(x.paper_id)
                    .select(papers::public)
                    .first(c)?;
                if !public {
                    return Err(Failure::NotFound("Diese Beratung"));
                }
                one(objects::consultation_values(c, urls, &[x], true)?)
            }
            "file" => {
                let f: File = row!(files, File, "Diese Datei");
                if f.concept_id.is_some() || !f.public {
                    return Err(Failure::NotFound("Diese Datei"));
                }
                if f.deleted_at.is_none() {
                    let visible = crate::access::files::visible_files(
                        c,
                        vec![f.clone()],
                        crate::access::Audience::Public,
                    )?;
                    if visible.is_empty() {
                        return Err(Failure::NotFound("Diese Datei"));
                    }
                }
                one(objects::files_standalone(urls, &[f]))
            }
            _ => Err(Failure::NotFound("Diese Objektart")),
        }
    })
    .await
}
