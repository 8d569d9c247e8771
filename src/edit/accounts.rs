//! Creating accounts: shared by the admin page and `gremium user add`.

use crate::base::password;
use crate::db::users::{self, NewUser};
use crate::db::{self, DbConnection};
use crate::domain::UserRole;

use super::Errors;

/// A validated new account (shared by the admin page and the CLI).
pub struct AccountInput {
    pub email: String,
    pub display_name: String,
    pub role: UserRole,
    pub body_id: Option<i64>,
    pub person_id: Option<i64>,
    pub password: String,
}

/// Check an account's fields; German messages per field.
pub fn check_account(c: &mut DbConnection, a: &AccountInput) -> diesel::QueryResult<Errors> {
    let mut e = Errors::new();
    let at = a.email.find('@');
    if a.email.is_empty()
        || at.is_none_or(|i| i == 0 || i + 1 >= a.email.len())
        || a.email.contains(char::is_whitespace)
    {
        e.insert(
            "email".into(),
            "Bitte eine gültige E-Mail-Adresse angeben.".into(),
        );
    } else if users::find_by_email(c, &a.email)?.is_some() {
        e.insert(
            "email".into(),
            "Für diese E-Mail-Adresse gibt es bereits ein Konto.".into(),
        );
    }
    if let Some(w) = password::weakness(&a.password) {
        e.insert("passwort".into(), w);
    }
    if let Some(b) = a.body_id {
        if db::bodies::find(c, b)?.is_none() {
            e.insert(
                "koerperschaft".into(),
                "Diese Körperschaft gibt es nicht.".into(),
            );
        }
    }
    match (a.role, a.person_id) {
        (UserRole::Member, None) => {
            e.insert(
                "person".into(),
                "Ein Konto für Mandatsträger/innen muss mit einer Person verknüpft sein.".into(),
            );
        }
        (_, Some(p)) if db::persons::find(c, p)?.is_none() => {
            e.insert("person".into(), "Diese Person gibt es nicht.".into());
        }
        _ => {}
    }
    Ok(e)
}

pub fn insert_account(c: &mut DbConnection, a: &AccountInput) -> anyhow::Result<i64> {
    let hash = password::hash(&a.password)?;
    let now = db::now();
    let row = NewUser {
        email: users::normalize_email(&a.email),
        display_name: if a.display_name.is_empty() {
            a.email.clone()
        } else {
            a.display_name.clone()
        },
        password_hash: hash,
        role: a.role.key().into(),
        body_id: a.body_id,
        person_id: a.person_id,
        active: true,
        created_at: now,
        updated_at: now,
    };
    Ok(super::write_transaction(c, |c| users::insert(c, &row))?)
}
