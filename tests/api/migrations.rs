use diesel::prelude::*;
use gremium::db::models::*;
use gremium::db::schema::*;
use gremium::db::{self, DbUrl};

use crate::helpers::{spawn_app, TestDb};

#[tokio::test]
async fn migrations_run_on_a_fresh_database_and_again_without_change() {
    let test_db = TestDb::new();
    let url = DbUrl::parse(&test_db.url).expect("url");
    db::prepare_and_migrate(&url).expect("first run");
    db::prepare_and_migrate(&url).expect("second run is a no-op");
    let app = crate::helpers::spawn_on(test_db, false).await;
    assert_eq!(app.page("/health").await, "ok");
}

/// Every column of src/db/schema.rs exists in the migrated database of this
/// backend with a type diesel can read (schema drift check).
#[tokio::test]
async fn schema_matches_migrations() {
    let app = spawn_app().await;
    let c = &mut app.conn();
    bodies::table
        .select(Body::as_select())
        .load(c)
        .expect("bodies");
    legislative_terms::table
        .select(LegislativeTerm::as_select())
        .load(c)
        .expect("legislative_terms");
    locations::table
        .select(Location::as_select())
        .load(c)
        .expect("locations");
    organizations::table
        .select(Organization::as_select())
        .load(c)
        .expect("organizations");
    persons::table
        .select(Person::as_select())
        .load(c)
        .expect("persons");
    memberships::table
        .select(Membership::as_select())
        .load(c)
        .expect("memberships");
    meetings::table
        .select(Meeting::as_select())
        .load(c)
        .expect("meetings");
    meeting_organizations::table
        .select((
            meeting_organizations::id,
            meeting_organizations::meeting_id,
            meeting_organizations::organization_id,
            meeting_organizations::created_at,
            meeting_organizations::updated_at,
        ))
        .load::<(i64, i64, i64, chrono::NaiveDateTime, chrono::NaiveDateTime)>(c)
        .expect("meeting_organizations");
    papers::table
        .select(Paper::as_select())
        .load(c)
        .expect("papers");
    paper_originators::table
        .select((
            paper_originators::id,
            paper_originators::paper_id,
            paper_originators::organization_id,
            paper_originators::person_id,
            paper_originators::created_at,
            paper_originators::updated_at,
        ))
        .load::<(
            i64,
            i64,
            Option<i64>,
            Option<i64>,
            chrono::NaiveDateTime,
            chrono::NaiveDateTime,
        )>(c)
        .expect("paper_originators");
    paper_relations::table
        .select((
            paper_relations::id,
            paper_relations::paper_id,
            paper_relations::related_paper_id,
            paper_relations::kind,
            paper_relations::created_at,
            paper_relations::updated_at,
        ))
        .load::<(
            i64,
            i64,
            i64,
            String,
            chrono::NaiveDateTime,
            chrono::NaiveDateTime,
        )>(c)
        .expect("paper_relations");
    agenda_items::table
        .select(AgendaItem::as_select())
        .load(c)
        .expect("agenda_items");
    consultations::table
        .select(Consultation::as_select())
        .load(c)
        .expect("consultations");
    agenda_item_faction_votes::table
        .select(FactionVote::as_select())
        .load(c)
        .expect("faction votes");
    agenda_item_person_votes::table
        .select(PersonVote::as_select())
        .load(c)
        .expect("person votes");
    follow_ups::table
        .select(FollowUp::as_select())
        .load(c)
        .expect("follow_ups");
    files::table
        .select(File::as_select())
        .load(c)
        .expect("files");
    users::table
        .select(gremium::db::users::User::as_select())
        .load(c)
        .expect("users");
    sessions::table
        .select(gremium::db::users::Session::as_select())
        .load(c)
        .expect("sessions");
    audit_log::table
        .select(gremium::db::audit::AuditEntry::as_select())
        .load(c)
        .expect("audit_log");
    login_attempts::table
        .select((
            login_attempts::id,
            login_attempts::email,
            login_attempts::ip,
            login_attempts::success,
            login_attempts::attempted_at,
        ))
        .load::<(i64, String, String, bool, chrono::NaiveDateTime)>(c)
        .expect("login_attempts");
    attendances::table
        .select((
            attendances::id,
            attendances::meeting_id,
            attendances::person_id,
            attendances::status,
            attendances::created_at,
            attendances::updated_at,
        ))
        .load::<(
            i64,
            i64,
            i64,
            String,
            chrono::NaiveDateTime,
            chrono::NaiveDateTime,
        )>(c)
        .expect("attendances");
    paper_counters::table
        .select((
            paper_counters::body_id,
            paper_counters::scope,
            paper_counters::last_number,
        ))
        .load::<(i64, String, i64)>(c)
        .expect("paper_counters");
    calendar_tokens::table
        .select((
            calendar_tokens::id,
            calendar_tokens::user_id,
            calendar_tokens::token_hash,
            calendar_tokens::created_at,
            calendar_tokens::revoked_at,
        ))
        .load::<(
            i64,
            i64,
            String,
            chrono::NaiveDateTime,
            Option<chrono::NaiveDateTime>,
        )>(c)
        .expect("calendar_tokens");
    outbox::table
        .select(gremium::db::mail::OutboxMail::as_select())
        .load(c)
        .expect("outbox");
    subscribers::table
        .select(gremium::db::mail::Subscriber::as_select())
        .load(c)
        .expect("subscribers");
    subscriber_organizations::table
        .select((
            subscriber_organizations::id,
            subscriber_organizations::subscriber_id,
            subscriber_organizations::organization_id,
        ))
        .load::<(i64, i64, i64)>(c)
        .expect("subscriber_organizations");
    mail_events::table
        .select((
            mail_events::id,
            mail_events::kind,
            mail_events::meeting_id,
            mail_events::details,
            mail_events::created_at,
            mail_events::processed_at,
        ))
        .load::<(
            i64,
            String,
            i64,
            Option<String>,
            chrono::NaiveDateTime,
            Option<chrono::NaiveDateTime>,
        )>(c)
        .expect("mail_events");
    form_throttle::table
        .select((
            form_throttle::id,
            form_throttle::kind,
            form_throttle::ip,
            form_throttle::at,
        ))
        .load::<(i64, String, String, chrono::NaiveDateTime)>(c)
        .expect("form_throttle");
}

#[tokio::test]
async fn foreign_keys_are_enforced() {
    let app = spawn_app().await;
    let c = &mut app.conn();
    let now = db::now();
    let r = db::insert::insert_meeting(
        c,
        &db::insert::NewMeeting {
            body_id: 999_999,
            organization_id: 999_999,
            name: "ohne Gremium".into(),
            number: None,
            start_at: now,
            end_at: None,
            location_id: None,
            state: "terminiert".into(),
            sequence: 0,
            minutes_approved_at: None,
            minutes_published_at: None,
            created_at: now,
            updated_at: now,
        },
    );
    assert!(r.is_err(), "a meeting of an unknown body must be refused");
}

/// Unsubscribe links of mails sent before the tokens were hashed keep
/// working after the upgrade; the database then holds no clear token.
#[tokio::test]
async fn old_clear_unsubscribe_tokens_still_work_after_the_upgrade() {
    use diesel::migration::MigrationSource;
    use diesel_migrations::MigrationHarness;
    let test_db = TestDb::new();
    let url = DbUrl::parse(&test_db.url).expect("url");
    let mut conn = db::establish(&url).expect("connect");
    db::prepare_for_migrations(&mut conn).expect("functions");
    let source = match url.kind {
        db::DbKind::Sqlite => db::SQLITE_MIGRATIONS,
        db::DbKind::Postgresql => db::POSTGRES_MIGRATIONS,
    };
    let mut all = MigrationSource::<db::MultiBackend>::migrations(&source).expect("migrations");
    all.sort_by_key(|m| m.name().to_string());
    // creates diesel's bookkeeping table
    conn.applied_migrations().expect("migration table");
    for m in all
        .iter()
        .filter(|m| m.name().to_string().as_str() < "2026-12-05-000010")
    {
        conn.run_migration(m.as_ref()).expect("old migration");
    }
    let subscriber_token = "a".repeat(64);
    let member_token = "b".repeat(64);
    let search_token = "c".repeat(64);
    diesel::sql_query(format!(
        "INSERT INTO subscribers (email, confirmed_at, unsubscribe_token, created_at, updated_at) \
         VALUES ('alt@example.org', '2026-01-01 10:00:00', '{subscriber_token}', '2026-01-01 10:00:00', '2026-01-01 10:00:00')"
    ))
    .execute(&mut conn)
    .expect("old subscriber");
    diesel::sql_query(format!(
        "INSERT INTO users (email, display_name, password_hash, role, active, created_at, updated_at, mail_opt_out, mail_token) \
         VALUES ('rm@example.org', 'Ratsmitglied', 'x', 'member', TRUE, '2026-01-01 10:00:00', '2026-01-01 10:00:00', FALSE, '{member_token}')"
    ))
    .execute(&mut conn)
    .expect("old member");
    diesel::sql_query(format!(
        "INSERT INTO saved_searches (email, query, label, confirmed_at, unsubscribe_token, created_at) \
         VALUES ('suche@example.org', 'q=Kita', '„Kita“', '2026-01-01 10:00:00', '{search_token}', '2026-01-01 10:00:00')"
    ))
    .execute(&mut conn)
    .expect("old saved search");
    drop(conn);
    db::prepare_and_migrate(&url).expect("upgrade");
    let app = crate::helpers::spawn_on(test_db, false).await;
    // only hashes are left
    let hashes: Vec<String> = unsubscribe_tokens::table
        .select(unsubscribe_tokens::token_hash)
        .load(&mut app.conn())
        .expect("tokens");
    assert_eq!(hashes.len(), 3);
    assert!(hashes.contains(&gremium::auth::token_hash(&subscriber_token)));
    assert!(!hashes.iter().any(|h| h == &subscriber_token));
    let post = |path: String| {
        let client = app.client.clone();
        let address = app.address.clone();
        async move {
            let r = client
                .post(format!("{address}{path}"))
                .form(&[("List-Unsubscribe", "One-Click")])
                .send()
                .await
                .expect("POST");
            (r.status().as_u16(), r.text().await.unwrap_or_default())
        }
    };
    let (status, body) = post(format!("/abbestellen/{subscriber_token}")).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("Adresse wurde gelöscht"));
    let (status, body) = post(format!("/abbestellen/{subscriber_token}")).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("Bereits abbestellt"));
    let (status, body) = post(format!("/abbestellen/{member_token}")).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("als Mitglied keine Terminnachrichten"));
    let opted_out: bool = users::table
        .filter(users::email.eq("rm@example.org"))
        .select(users::mail_opt_out)
        .first(&mut app.conn())
        .expect("member");
    assert!(opted_out);
    let (status, body) = post(format!("/suche/abbestellen/{search_token}")).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("Kita"));
    let (status, body) = post(format!("/suche/abbestellen/{search_token}")).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("Bereits abbestellt"));
    let left: i64 = saved_searches::table
        .count()
        .get_result(&mut app.conn())
        .expect("searches");
    assert_eq!(left, 0);
    let (status, _) = post(format!("/abbestellen/{}", "d".repeat(64))).await;
    assert_eq!(status, 404, "an unknown link");
}

/// Continuations written before the link replaced the title suffix lose
/// the suffix on upgrade; other titles (imported, or "(vertagt)" written
/// by a clerk) stay as they are.
#[tokio::test]
async fn the_old_deferral_suffix_leaves_continuation_titles() {
    let app = crate::helpers::spawn_demo_app().await;
    let c = &mut app.conn();
    let (cont, origin): (i64, i64) = agenda_items::table
        .filter(agenda_items::continues_agenda_item_id.is_not_null())
        .select((
            agenda_items::id,
            agenda_items::continues_agenda_item_id.assume_not_null(),
        ))
        .first(c)
        .expect("a continuation in the seed stories");
    let title: String = agenda_items::table
        .find(cont)
        .select(agenda_items::title)
        .first(c)
        .expect("title");
    assert!(!title.contains("vertagt aus"), "{title}");
    let old = format!("{title} (vertagt aus der Sitzung vom 24.11.2020)");
    diesel::update(agenda_items::table.find(cont))
        .set(agenda_items::title.eq(&old))
        .execute(c)
        .expect("old title");
    let kept = "Haushalt (vertagt aus der Sitzung vom 1.1.2020)";
    diesel::update(agenda_items::table.find(origin))
        .set(agenda_items::title.eq(kept))
        .execute(c)
        .expect("not a continuation");
    // run the migration again on these rows
    diesel::sql_query("DELETE FROM __diesel_schema_migrations WHERE version = '20261206000012'")
        .execute(c)
        .expect("forget the migration");
    let url = DbUrl::parse(&app.db.url).expect("url");
    db::prepare_and_migrate(&url).expect("upgrade");
    let now_title: String = agenda_items::table
        .find(cont)
        .select(agenda_items::title)
        .first(c)
        .expect("title");
    assert_eq!(now_title, title);
    let origin_title: String = agenda_items::table
        .find(origin)
        .select(agenda_items::title)
        .first(c)
        .expect("title");
    assert_eq!(origin_title, kept, "only continuations are changed");
}
