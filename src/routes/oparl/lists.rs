//! The external lists of a body (`/body/{id}/{list}`): one page of a
//! list, filtered by the OParl window parameters and by what the public
//! may see.

use actix_web::{web, HttpRequest, HttpResponse};
use diesel::prelude::*;

use super::{params, run, Failure};
use crate::db::models::*;
use crate::db::schema::*;
use crate::db::DbConnection;
use crate::error::AppError;
use crate::oparl::list_page;
use crate::oparl::objects::{self, Opts};
use crate::state::AppState;

/// Ids of agenda items the public never sees in a body: non-public, or
/// below a non-public, deleted or missing item at any depth (as
/// `crate::access::agenda::visible_ids` decides for pages; deeper than 8 levels
/// counts as hidden). An item's own deletion does not hide it here: under
/// `modified_since` it is listed as deleted.
pub(super) fn hidden_items(c: &mut DbConnection, body: i64) -> QueryResult<Vec<i64>> {
    let rows: Vec<(i64, Option<i64>, bool, Option<chrono::NaiveDateTime>)> = agenda_items::table
        .inner_join(meetings::table)
        .filter(meetings::body_id.eq(body))
        .select((
            agenda_items::id,
            agenda_items::parent_id,
            agenda_items::public,
            agenda_items::deleted_at,
        ))
        .load(c)?;
    let by_id: std::collections::HashMap<i64, (Option<i64>, bool, bool)> = rows
        .iter()
        .map(|(id, parent, public, deleted)| (*id, (*parent, *public, deleted.is_some())))
        .collect();
    Ok(rows
        .iter()
        .filter(|(_, parent, public, _)| {
            if !*public {
                return true;
            }
            let mut p = *parent;
            let mut depth = 0;
            while let Some(pid) = p {
                match by_id.get(&pid) {
                    Some((next, true, false)) if depth < 8 => {
                        p = *next;
                        depth += 1;
                    }
                    _ => return true,
                }
            }
            false
        })
        .map(|(id, ..)| *id)
        .collect())
}

fn hidden_papers(c: &mut DbConnection, body: i64) -> QueryResult<Vec<i64>> {
    papers::table
        .filter(papers::body_id.eq(body))
        .filter(papers::public.eq(false))
        .select(papers::id)
        .load(c)
}

pub async fn body_sub_list(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (id, list) = path.into_inner();
    let p = params(&req);
    run(&state, &req, move |c, urls| {
        let p = p?;
        let body_id = id
            .parse::<i64>()
            .map_err(|_| Failure::NotFound("Diese Körperschaft"))?;
        let body = bodies::table
            .find(body_id)
            .filter(bodies::deleted_at.is_null())
            .select(Body::as_select())
            .first(c)
            .optional()?
            .ok_or(Failure::NotFound("Diese Körperschaft"))?;
        let url = urls.list(body.id, &list);
        let opts = Opts {
            standalone: false,
            omit_internal: p.omit_internal,
        };
        let web = |path: &str| Some(urls.web(path));
        macro_rules! page {
            ($base:expr, $t:ident, $model:ty) => {{
                let total: i64 = $base().count().get_result(c)?;
                let rows: Vec<$model> = $base()
                    .order($t::id)
                    .limit(p.limit)
                    .offset(p.offset())
                    .select(<$model>::as_select())
                    .load(c)?;
                (total, rows)
            }};
        }
        let (total, data, w) = match list.as_str() {
            "organization" => {
                let base = || {
                    window!(
                        organizations::table
                            .filter(organizations::body_id.eq(body.id))
                            .into_boxed(),
                        organizations,
                        p
                    )
                };
                let (t, rows) = page!(base, organizations, Organization);
                (t, objects::organizations(c, urls, &rows)?, web("/gremien"))
            }
            "person" => {
                let base = || {
                    window!(
                        persons::table
                            .filter(persons::body_id.eq(body.id))
                            .into_boxed(),
                        persons,
                        p
                    )
                };
                let (t, rows) = page!(base, persons, Person);
                (t, objects::persons(c, urls, &rows, opts)?, web("/personen"))
            }
            "meeting" => {
                let base = || {
                    window!(
                        meetings::table
                            .filter(meetings::body_id.eq(body.id))
                            .into_boxed(),
                        meetings,
                        p
                    )
                };
                let (t, rows) = page!(base, meetings, Meeting);
                (
                    t,
                    objects::meetings(c, urls, &rows, opts)?,
                    web("/sitzungen"),
                )
            }
            "paper" => {
                let base = || {
                    window!(
                        papers::table
                            .filter(papers::body_id.eq(body.id))
                            .filter(papers::public.eq(true))
                            .into_boxed(),
                        papers,
                        p
                    )
                };
                let (t, rows) = page!(base, papers, Paper);
                (t, objects::papers(c, urls, &rows, opts)?, web("/vorlagen"))
            }
            "agendaItem" => {
                let hidden = hidden_items(c, body.id)?;
                // joins, not id lists: SQLite binds one variable per listed id
                let base = || {
                    window!(
                        agenda_items::table
                            .inner_join(meetings::table)
                            .filter(meetings::body_id.eq(body.id))
                            .filter(meetings::deleted_at.is_null())
                            .filter(agenda_items::id.ne_all(hidden.clone()))
                            .into_boxed(),
                        agenda_items,
                        p
                    )
                };
                let (t, rows) = page!(base, agenda_items, AgendaItem);
                let mids: Vec<i64> = rows.iter().map(|a| a.meeting_id).collect();
                let agenda = objects::public_agenda(c, &mids)?;
                let item_opts = Opts {
                    standalone: true,
                    omit_internal: p.omit_internal,
                };
                (
                    t,
                    objects::agenda_items(c, urls, &rows, &agenda, item_opts)?,
                    None,
                )
            }
            "consultation" => {
                // consultations of deleted papers only as deleted stubs
                let with_deleted = p.with_deleted();
                let base = || {
                    let q = consultations::table
                        .inner_join(papers::table)
                        .filter(papers::body_id.eq(body.id))
                        .filter(papers::public.eq(true))
                        .into_boxed();
                    let q = if with_deleted {
                        q
                    } else {
                        q.filter(papers::deleted_at.is_null())
                    };
                    window!(q, consultations, p)
                };
                let (t, rows) = page!(base, consultations, Consultation);
                let mut values = objects::consultation_values(c, urls, &rows, true)?;
                // a consultation of a deleted paper is deleted with it
                let ids: Vec<i64> = rows.iter().map(|x| x.paper_id).collect();
                let gone: std::collections::HashMap<i64, chrono::NaiveDateTime> = papers::table
                    .filter(papers::id.eq_any(ids))
                    .filter(papers::deleted_at.is_not_null())
                    .select((papers::id, papers::deleted_at.assume_not_null()))
                    .load(c)?
                    .into_iter()
                    .collect();
                for (x, v) in rows.iter().zip(values.iter_mut()) {
                    if let Some(d) = gone.get(&x.paper_id) {
                        *v = objects::stub(
                            urls,
                            "consultation",
                            "Consultation",
                            x.id,
                            x.created_at,
                            *d,
                        );
                    }
                }
                (t, values, None)
            }
            "file" => {
                // as the portal: no files of hidden or deleted papers, TOPs, meetings
                let mut hidden_i = hidden_items(c, body.id)?;
                hidden_i.extend(
                    agenda_items::table
                        .inner_join(meetings::table)
                        .filter(meetings::body_id.eq(body.id))
                        .filter(
                            agenda_items::deleted_at
                                .is_not_null()
                                .or(meetings::deleted_at.is_not_null()),
                        )
                        .select(agenda_items::id)
                        .load::<i64>(c)?,
                );
                let mut hidden_p = hidden_papers(c, body.id)?;
                hidden_p.extend(
                    papers::table
                        .filter(papers::body_id.eq(body.id))
                        .filter(papers::deleted_at.is_not_null())
                        .select(papers::id)
                        .load::<i64>(c)?,
                );
                let gone_meetings: Vec<i64> = meetings::table
                    .filter(meetings::body_id.eq(body.id))
                    .filter(meetings::deleted_at.is_not_null())
                    .select(meetings::id)
                    .load(c)?;
                let base = || {
                    window!(
                        files::table
                            .filter(files::body_id.eq(body.id))
                            .filter(files::public.eq(true))
                            .filter(files::concept_id.is_null())
                            .filter(
                                files::paper_id
                                    .is_null()
                                    .or(files::paper_id.ne_all(hidden_p.clone())),
                            )
                            .filter(
                                files::meeting_id
                                    .is_null()
                                    .or(files::meeting_id.ne_all(gone_meetings.clone())),
                            )
                            .filter(
                                files::agenda_item_id
                                    .is_null()
                                    .or(files::agenda_item_id.ne_all(hidden_i.clone())),
                            )
                            .into_boxed(),
                        files,
                        p
                    )
                };
                // under modified_since too, files of deleted parents are not
                // listed: clients drop them with their parent's deleted stub
                let (t, rows) = page!(base, files, File);
                (t, objects::files_standalone(urls, &rows), None)
            }
            "locationList" => {
                let base = || {
                    window!(
                        locations::table
                            .filter(locations::body_id.eq(body.id))
                            .into_boxed(),
                        locations,
                        p
                    )
                };
                let (t, rows) = page!(base, locations, Location);
                (
                    t,
                    rows.iter()
                        .map(|l| objects::location(urls, l, true))
                        .collect(),
                    None,
                )
            }
            "legislativeTermList" => {
                let base = || {
                    window!(
                        legislative_terms::table
                            .filter(legislative_terms::body_id.eq(body.id))
                            .into_boxed(),
                        legislative_terms,
                        p
                    )
                };
                let (t, rows) = page!(base, legislative_terms, LegislativeTerm);
                (
                    t,
                    rows.iter().map(|x| objects::term(urls, x, true)).collect(),
                    None,
                )
            }
            "membership" => {
                let base = || {
                    window!(
                        memberships::table
                            .inner_join(persons::table)
                            .filter(persons::body_id.eq(body.id))
                            .into_boxed(),
                        memberships,
                        p
                    )
                };
                let (t, rows) = page!(base, memberships, Membership);
                (
                    t,
                    rows.iter()
                        .map(|x| objects::membership(urls, x, true))
                        .collect(),
                    None,
                )
            }
            _ => return Err(Failure::NotFound("Diese Liste")),
        };
        Ok(list_page(&url, &p, data, total, w))
    })
    .await
}
