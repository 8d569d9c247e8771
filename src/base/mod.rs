//! Bottom helpers: small modules that import nothing of the app (German
//! dates and Berlin time, password hashes, short text, tokens, URLs). Every layer may use
//! them; they use none.

pub mod dates;
pub mod password;
pub mod text;
pub mod tokens;
pub mod urls;
