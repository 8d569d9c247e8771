//! The allocation table of a funding programme: participants, their
//! pooled, computed, waived and agreed positions (FTE) and amounts, checked
//! against the pooling rules (`funding::check`), with a proposal on
//! request (`funding::propose`).

use super::*;

/// Empty rows offered below the allocations for new participants.
const NEW_ROWS: usize = 3;

#[derive(Serialize, Clone, Default)]
pub(super) struct AllocationRow {
    n: usize,
    body: String,
    participant: String,
    pool: String,
    computed: String,
    waived: String,
    waived_to: String,
    fundable: String,
    agreed: String,
    amount: String,
    note: String,
    error: Option<String>,
}

pub(super) fn rows_of(list: &[programmes::Allocation]) -> Vec<AllocationRow> {
    let mut rows: Vec<AllocationRow> = list
        .iter()
        .enumerate()
        .map(|(n, a)| AllocationRow {
            n,
            body: a.body_id.map(|b| b.to_string()).unwrap_or_default(),
            participant: a.participant.clone(),
            pool: a.pool.clone().unwrap_or_default(),
            computed: fte_input(a.computed_centi),
            waived: fte_input(a.waived_centi),
            waived_to: a.waived_to_pool.clone().unwrap_or_default(),
            fundable: fte_input(a.fundable_centi),
            agreed: fte_input(a.agreed_centi),
            amount: funding::euro_input(a.amount_cents),
            note: a.note.clone().unwrap_or_default(),
            error: None,
        })
        .collect();
    pad(&mut rows);
    rows
}

fn pad(rows: &mut Vec<AllocationRow>) {
    let filled = rows.iter().filter(|r| !is_blank(r)).count();
    rows.retain(|r| !is_blank(r));
    for n in filled..filled + NEW_ROWS {
        rows.push(AllocationRow {
            n,
            ..Default::default()
        });
    }
    for (i, r) in rows.iter_mut().enumerate() {
        r.n = i;
    }
}

fn is_blank(r: &AllocationRow) -> bool {
    [
        &r.body,
        &r.participant,
        &r.pool,
        &r.computed,
        &r.waived,
        &r.waived_to,
        &r.fundable,
        &r.agreed,
        &r.amount,
        &r.note,
    ]
    .iter()
    .all(|s| s.trim().is_empty())
}

/// Parse the allocation table. Returns the rows as entered (for
/// re-display, with per-row messages) and the inputs if all rows parse.
fn parse_allocations(
    f: &Fields,
    bodies: &[Body],
) -> (Vec<AllocationRow>, Option<Vec<AllocationInput>>) {
    let col =
        |name: &str| -> Vec<String> { f.all(name).iter().map(|s| s.trim().to_string()).collect() };
    let (body, name, pool, computed, waived, waived_to, fundable, agreed, amount, note) = (
        col("koerperschaft"),
        col("teilnehmer"),
        col("verbund"),
        col("rechenanteil"),
        col("verzicht"),
        col("verzicht_an"),
        col("foerderfaehig"),
        col("vereinbart"),
        col("betrag"),
        col("anmerkung"),
    );
    let n = name
        .len()
        .max(body.len())
        .max(computed.len())
        .max(agreed.len());
    let get = |v: &Vec<String>, i: usize| v.get(i).cloned().unwrap_or_default();
    let mut rows = Vec::new();
    let mut inputs = Vec::new();
    let mut ok = true;
    for i in 0..n {
        let mut r = AllocationRow {
            n: i,
            body: get(&body, i),
            participant: get(&name, i),
            pool: get(&pool, i),
            computed: get(&computed, i),
            waived: get(&waived, i),
            waived_to: get(&waived_to, i),
            fundable: get(&fundable, i),
            agreed: get(&agreed, i),
            amount: get(&amount, i),
            note: get(&note, i),
            error: None,
        };
        if is_blank(&r) {
            continue;
        }
        let mut msgs = Vec::new();
        let body_id = match r.body.as_str() {
            "" => None,
            s => match s
                .parse::<i64>()
                .ok()
                .and_then(|id| bodies.iter().find(|b| b.id == id))
            {
                Some(b) => Some(b),
                None => {
                    msgs.push(
                        "Diese Körperschaft gehört nicht zum Gebiet dieses Programms.".to_string(),
                    );
                    None
                }
            },
        };
        if r.participant.is_empty() {
            match body_id {
                Some(b) => r.participant = b.name.clone(),
                None => msgs.push(
                    "Bitte die Kommune nennen oder eine Körperschaft wählen (zum Entfernen einer Zeile alle Felder leeren).".into(),
                ),
            }
        }
        if r.participant.chars().count() > 200 {
            msgs.push("Der Name ist zu lang (höchstens 200 Zeichen).".into());
        }
        let mut num = |v: &str, label: &str| -> Option<i32> {
            match parse_centi(v, label) {
                Ok(x) => x.and_then(|x| i32::try_from(x).ok()),
                Err(m) => {
                    msgs.push(m);
                    None
                }
            }
        };
        let computed_v = num(&r.computed, "Rechenanteil");
        let waived_v = num(&r.waived, "Verzicht");
        let fundable_v = num(&r.fundable, "förderfähig");
        let agreed_v = num(&r.agreed, "vereinbart");
        let amount_v = match parse_euro(&r.amount, "Betrag") {
            Ok(v) => v,
            Err(m) => {
                msgs.push(m);
                None
            }
        };
        if !r.waived_to.is_empty() && r.waived.is_empty() {
            msgs.push("Ein Verzicht zugunsten eines Verbunds braucht einen Umfang.".into());
        }
        let opt = |s: &String| Some(s.clone()).filter(|s| !s.is_empty());
        if msgs.is_empty() {
            inputs.push(AllocationInput {
                body_id: body_id.map(|b| b.id),
                participant: r.participant.clone(),
                pool: opt(&r.pool),
                computed_centi: computed_v,
                waived_centi: waived_v,
                waived_to_pool: opt(&r.waived_to),
                fundable_centi: fundable_v,
                agreed_centi: agreed_v,
                amount_cents: amount_v,
                note: opt(&r.note),
            });
        } else {
            ok = false;
            r.error = Some(msgs.join(" "));
        }
        rows.push(r);
    }
    pad(&mut rows);
    (rows, ok.then_some(inputs))
}

fn share_of(i: &AllocationInput) -> Share {
    Share {
        participant: i.participant.clone(),
        pool: i.pool.clone(),
        computed: i.computed_centi.map(Into::into),
        waived: i.waived_centi.map(Into::into),
        waived_to_pool: i.waived_to_pool.clone(),
        agreed: i.agreed_centi.map(Into::into),
    }
}

/// POST the allocation table: `aktion=vorschlag` computes a proposal and
/// shows it (not saved); otherwise the rules are checked and the table
/// saved, or shown again with the German reasons.
pub async fn save_allocations(
    state: web::Data<AppState>,
    _staff: Staff,
    path: web::Path<String>,
    form: Form,
) -> Result<HttpResponse, AppError> {
    let id = parse_id(&path)?;
    let Form { user: me, fields } = form;
    let m2 = me.clone();
    let result = state
        .db(move |c| {
            let p = Programmes::find(c, &m2, id)?;
            let all = allocation_bodies(c, &m2, &p)?;
            let (mut rows, inputs) = parse_allocations(&fields, &all);
            let propose = fields.get("aktion") == "vorschlag";
            let show = |c: &mut DbConnection, rows: Vec<AllocationRow>, problems: Vec<String>, message: Option<String>, proposal: bool| -> Result<Page, AppError> {
                let mut page = load_page(c, &m2, Some(&p))?;
                page.allocations = rows;
                page.problems = problems;
                page.form.message = message;
                page.proposal = proposal;
                page.form.section = "zuteilungen".into();
                page.form.sub_values = serde_json::json!({"version": fields.get("version")});
                Ok(page)
            };
            let Some(mut inputs) = inputs else {
                let page = show(c, rows, vec!["Einige Zeilen enthalten ungültige Angaben; sie sind markiert. Es wurde nichts gespeichert.".into()], None, false)?;
                return Ok(Err((StatusCode::UNPROCESSABLE_ENTITY, page)));
            };
            if propose {
                let shares: Vec<Share> = inputs.iter().map(share_of).collect();
                let proposal = funding::propose(p.frame(), &shares);
                let filled: Vec<&mut AllocationRow> = rows.iter_mut().filter(|r| !is_blank(r)).collect();
                for (i, r) in filled.into_iter().enumerate() {
                    r.fundable = proposal.fundable.get(i).copied().flatten().map(funding::fte).unwrap_or_default();
                    r.agreed = proposal.agreed.get(i).copied().flatten().map(funding::fte).unwrap_or_default();
                    if let Some(x) = inputs.get_mut(i) {
                        x.agreed_centi = proposal.agreed.get(i).copied().flatten().and_then(|v| i32::try_from(v).ok());
                    }
                }
                let shares: Vec<Share> = inputs.iter().map(share_of).collect();
                let problems = funding::check(p.frame(), &shares);
                let page = show(c, rows, problems, Some("Vorschlag berechnet – noch nicht gespeichert. Bitte prüfen, bei Bedarf anpassen und dann speichern.".into()), true)?;
                return Ok(Err((StatusCode::OK, page)));
            }
            let shares: Vec<Share> = inputs.iter().map(share_of).collect();
            let problems = funding::check(p.frame(), &shares);
            if !problems.is_empty() {
                let page = show(c, rows, problems, None, false)?;
                return Ok(Err((StatusCode::UNPROCESSABLE_ENTITY, page)));
            }
            let actor = m2.actor();
            let version = forms::version(&fields);
            let saved = crate::edit::write_transaction(c, |c| {
                programmes::save_allocations(c, &actor, &p, version, &inputs).map_err(AppError::from)
            })?;
            match saved {
                Saved::Ok => Ok(Ok(())),
                Saved::Conflict => {
                    let current = Programmes::find(c, &m2, id)?;
                    let mut page = load_page(c, &m2, Some(&current))?;
                    page.allocations = rows;
                    page.form.section = "zuteilungen".into();
                    page.form.sub_values = serde_json::json!({"version": current.version.to_string()});
                    page.form.conflict = Some(Conflict {
                        who: super::super::last_change(&db::audit::for_entity(c, programmes::ENTITY, id)?),
                        changes: Vec::new(),
                    });
                    Ok(Err((StatusCode::CONFLICT, page)))
                }
            }
        })
        .await?;
    match result {
        Ok(()) => Ok(redirect(&format!(
            "/verwaltung/foerderprogramme/{id}?gespeichert=1#zuteilungen"
        ))),
        Err((status, page)) => render(&state, me, page, status),
    }
}
