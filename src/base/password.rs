//! Password hashing with argon2id (run inside `web::block`: ~30 ms).

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

pub const MIN_LENGTH: usize = 10;

pub fn hash(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("Passwort-Hash fehlgeschlagen: {e}"))
}

/// Constant-work verification: an unparsable hash simply fails.
pub fn verify(password: &str, hash: &str) -> bool {
    match PasswordHash::new(hash) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// Spend the same time as a real verification (unknown accounts).
pub fn dummy_verify(password: &str) {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let h = DUMMY.get_or_init(|| hash("gremium-dummy-password").unwrap_or_default());
    let _ = verify(password, h);
}

/// A German message if the password is too weak, else `None`.
pub fn weakness(password: &str) -> Option<String> {
    if password.chars().count() < MIN_LENGTH {
        Some(format!(
            "Das Passwort muss mindestens {MIN_LENGTH} Zeichen lang sein."
        ))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn hash_verifies_only_the_right_password() {
        let h = super::hash("richtig-geheim").expect("hash");
        assert!(h.starts_with("$argon2id$"));
        assert!(super::verify("richtig-geheim", &h));
        assert!(!super::verify("falsch-geheim", &h));
        assert!(!super::verify("x", "kein-hash"));
    }
}
