//! Who the caller is: passwords (argon2), bearer tokens (random, stored hashed, with expiry
//! and revocation) and the login rate limiter. The request extractor that uses them lives in
//! `handlers::extract`, so this module needs nothing from the HTTP state.

mod limiter;
pub mod password;
pub mod rotation;

pub use limiter::LoginLimiter;

use crate::error::AppError;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// Hash a password for storage (argon2id, random salt). Slow on purpose: call off the runtime.
pub fn hash_password(password: &str) -> Result<String, AppError> {
    password::hash_password(password).map_err(|e| AppError::Internal(e.to_string()))
}

/// Check a password against a stored hash; an unparsable hash never matches.
pub fn verify_password(password: &str, hash: &str) -> bool {
    password::verify_password(password, hash)
}

/// A fresh bearer token (256 random bits, hex).
pub fn new_token() -> String {
    let mut b = [0u8; 32];
    rand::rng().fill_bytes(&mut b);
    hex::encode(b)
}

/// Tokens are stored as their sha256, so a database leak does not leak sessions.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_round_trip() {
        let h = hash_password("s3cret").unwrap();
        assert!(verify_password("s3cret", &h));
        assert!(!verify_password("wrong", &h));
        assert!(!verify_password("s3cret", "not a hash"));
    }
}
