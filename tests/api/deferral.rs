//! Deferral as data: "vertagt" points to the continuing TOP, which points
//! back; pages walk the chain both ways.

use crate::helpers::{find, spawn_demo_app};

#[tokio::test]
async fn kamen_concept_chain_can_be_walked_from_both_ends() {
    let app = spawn_demo_app().await;
    let c = &mut app.conn();
    let paper = find::paper_by_reference(c, "2020/142");
    let items = find::items_of_paper(c, paper);
    assert_eq!(
        items.len(),
        3,
        "November (vertagt), February (Empfehlung), Rat (Beschluss)"
    );
    let (first, _, outcome, _) = &items[0];
    assert_eq!(outcome.as_deref(), Some("vertagt"));
    let (second, second_meeting, _, continues) = &items[1];
    assert_eq!(*continues, Some(*first), "February TOP points back");

    let p1 = app.page(&format!("/tagesordnungspunkte/{first}")).await;
    assert!(
        p1.contains(&format!("href=\"/tagesordnungspunkte/{second}\"")),
        "forward link"
    );
    assert!(p1.contains("Vertagt – weiter beraten in"));
    assert!(p1.contains("23.02.2021"));

    let p2 = app.page(&format!("/tagesordnungspunkte/{second}")).await;
    assert!(
        p2.contains(&format!("href=\"/tagesordnungspunkte/{first}\"")),
        "back link"
    );
    assert!(p2.contains("Fortsetzung von"));
    assert!(p2.contains("Beratungsverlauf dieser Angelegenheit"));

    let m2 = app.page(&format!("/sitzungen/{second_meeting}")).await;
    assert!(m2.contains("Fortsetzung von"));

    let page = app.page(&format!("/vorlagen/{paper}")).await;
    let pp = page
        .split("Beratungsverlauf")
        .nth(1)
        .expect("history section");
    let i_vertagt = pp.find("vertagt").expect("history shows vertagt");
    let i_empf = pp.find("Beschlussempfehlung").expect("then recommendation");
    let i_final = pp.find("mehrheitlich beschlossen").expect("then decision");
    assert!(
        i_vertagt < i_empf && i_empf < i_final,
        "history in date order"
    );
    assert!(page.contains("Beschlossen"), "paper shows as decided");
    assert!(pp.contains("SPD"), "faction tally on paper history");
}

#[tokio::test]
async fn deferral_to_next_meeting_that_does_not_exist_yet_is_shown_as_open() {
    use diesel::prelude::*;
    use gremium::db::schema::agenda_items::dsl as a;
    let app = spawn_demo_app().await;
    let c = &mut app.conn();
    let (item, meeting) = find::item_by_title(c, "Mitteilungen der Verwaltung");
    diesel::update(a::agenda_items.find(item))
        .set((a::outcome.eq(Some("vertagt")), a::deferred_to_next.eq(true)))
        .execute(c)
        .expect("update");
    let page = app.page(&format!("/sitzungen/{meeting}")).await;
    assert!(page.contains("Vertagt auf die nächste Sitzung (noch nicht terminiert)"));
}
