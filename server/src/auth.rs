//! Passwords (argon2), bearer tokens (random, stored hashed, with expiry and revocation),
//! the authenticated-caller extractor, and the login rate limiter.

use crate::error::AppError;
use crate::state::AppState;
use crate::storage::Session;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Hash a password for storage (argon2id, random salt). Slow on purpose: call off the runtime.
pub fn hash_password(password: &str) -> Result<String, AppError> {
    crate::password::hash_password(password).map_err(|e| AppError::Internal(e.to_string()))
}

/// Check a password against a stored hash; an unparsable hash never matches.
pub fn verify_password(password: &str, hash: &str) -> bool {
    crate::password::verify_password(password, hash)
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

/// The authenticated caller of a request (`Authorization: Bearer <token>`).
#[derive(Clone, Debug)]
pub struct Auth(pub Session);

impl FromRequestParts<AppState> for Auth {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let header = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .ok_or_else(|| {
                AppError::Unauthorized("missing Authorization: Bearer <token>".into())
            })?;
        let token = header
            .to_str()
            .ok()
            .and_then(|h| h.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| {
                AppError::Unauthorized("the Authorization header must be `Bearer <token>`".into())
            })?;
        let hash = token_hash(token);
        let now = crate::now_ms();
        let session = state
            .db
            .call(move |s| s.session(&hash, now))
            .await?
            .ok_or_else(|| {
                AppError::Unauthorized("the token is unknown, expired or revoked".into())
            })?;
        Ok(Auth(session))
    }
}

/// Failed logins per (username, client address) within a sliding window.
pub struct LoginLimiter {
    max_failures: usize,
    window: Duration,
    failures: Mutex<HashMap<(String, IpAddr), VecDeque<Instant>>>,
}

impl LoginLimiter {
    pub fn new(max_failures: u32, window: Duration) -> Self {
        Self {
            max_failures: max_failures as usize,
            window,
            failures: Mutex::new(HashMap::new()),
        }
    }

    fn map(&self) -> std::sync::MutexGuard<'_, HashMap<(String, IpAddr), VecDeque<Instant>>> {
        self.failures.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Refuse while too many recent failures; returns the seconds to wait.
    pub fn check(&self, username: &str, ip: IpAddr, now: Instant) -> Result<(), u64> {
        let mut map = self.map();
        let key = (username.to_owned(), ip);
        let Some(q) = map.get_mut(&key) else {
            return Ok(());
        };
        while q
            .front()
            .is_some_and(|t| now.duration_since(*t) > self.window)
        {
            q.pop_front();
        }
        if q.is_empty() {
            map.remove(&key);
            return Ok(());
        }
        if q.len() >= self.max_failures {
            let oldest = q.front().copied().unwrap_or(now);
            let wait = self.window.saturating_sub(now.duration_since(oldest));
            return Err(wait.as_secs().max(1));
        }
        Ok(())
    }

    pub fn failed(&self, username: &str, ip: IpAddr, now: Instant) {
        let mut map = self.map();
        // Bound memory under a credential-stuffing flood.
        if map.len() > 100_000 {
            map.clear();
        }
        map.entry((username.to_owned(), ip))
            .or_default()
            .push_back(now);
    }

    pub fn succeeded(&self, username: &str, ip: IpAddr) {
        self.map().remove(&(username.to_owned(), ip));
    }
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

    #[test]
    fn limiter_blocks_after_failures_and_forgets_after_the_window() {
        let l = LoginLimiter::new(3, Duration::from_secs(60));
        let ip: IpAddr = "127.0.0.1".parse().unwrap();
        let t0 = Instant::now();
        for _ in 0..3 {
            assert!(l.check("a", ip, t0).is_ok());
            l.failed("a", ip, t0);
        }
        assert!(l.check("a", ip, t0).is_err());
        assert!(l.check("b", ip, t0).is_ok());
        assert!(l.check("a", ip, t0 + Duration::from_secs(61)).is_ok());
    }
}
