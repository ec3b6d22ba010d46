//! `POST /v1/auth/login`, `POST /v1/logout` and `POST /v1/devices/actors` (the refresh
//! route is `handlers::refresh`).

use crate::auth::{hash_password, new_token, token_hash, verify_password};
use crate::error::{AppError, AppResult};
use crate::handlers::extract::Auth;
use crate::state::AppState;
use crate::storage::{NewToken, StorageError, TokenKind, UserRecord};
use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::request::Parts;
use fieldsync::wire::{LoginRequest, LoginResponse};
use serde::{Deserialize, Serialize};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Instant;
use tracing::instrument;

/// The peer address (unspecified when the server runs without connect info, e.g. in tests).
pub struct ClientIp(pub IpAddr);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientIp(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|c| c.0.ip())
                .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED)),
        ))
    }
}

/// Longest username accepted at login (checked before any other work).
pub const MAX_USERNAME_BYTES: usize = 256;
/// Longest password accepted at login.
pub const MAX_PASSWORD_BYTES: usize = 1024;

/// A hash of a password nobody has, in the same (default) argon2 parameters as real users'
/// hashes, so a login for an unknown user costs what a known user's costs.
fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_password(&new_token()).unwrap_or_default())
}

/// The user if `password` is theirs. Exactly one argon2 verification either way: an unknown
/// user is checked against [`dummy_hash`], so timing does not tell which usernames exist.
pub(crate) fn check_credentials(
    user: Option<UserRecord>,
    password: &str,
    verify: impl Fn(&str, &str) -> bool,
) -> Option<UserRecord> {
    match user {
        Some(u) => verify(password, &u.password_hash).then_some(u),
        None => {
            let _ = verify(password, dummy_hash());
            None
        }
    }
}

/// Actor ids are hex strings of 1..=32 bytes.
fn check_actors(actors: &[String]) -> AppResult<()> {
    if actors.len() > 64 {
        return Err(AppError::BadRequest("at most 64 actors per request".into()));
    }
    for a in actors {
        let ok = !a.is_empty()
            && a.len() <= 64
            && a.len() % 2 == 0
            && a.bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase());
        if !ok {
            return Err(AppError::BadRequest(format!(
                "actor {a:?} is not a lower-case hex actor id"
            )));
        }
    }
    Ok(())
}

fn actor_conflict(e: StorageError) -> AppError {
    match e {
        StorageError::Conflict(m) => AppError::Conflict("actor_taken", m),
        other => other.into(),
    }
}

#[instrument(skip_all)]
pub async fn login(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    payload: Result<Json<LoginRequest>, JsonRejection>,
) -> AppResult<Json<LoginResponse>> {
    let Json(req) = payload?;
    // Before any work (limiter, database, argon2): a long name or password only costs us.
    if req.username.len() > MAX_USERNAME_BYTES {
        return Err(AppError::BadRequest(format!(
            "username is longer than {MAX_USERNAME_BYTES} bytes"
        )));
    }
    if req.password.len() > MAX_PASSWORD_BYTES {
        return Err(AppError::BadRequest(format!(
            "password is longer than {MAX_PASSWORD_BYTES} bytes"
        )));
    }
    if req.username.trim().is_empty() || req.password.is_empty() {
        return Err(AppError::BadRequest(
            "username and password are required".into(),
        ));
    }
    if req.device_name.len() > 200 {
        return Err(AppError::BadRequest(
            "device_name is longer than 200 characters".into(),
        ));
    }
    check_actors(&req.actors)?;
    if let Err(wait) = state.login_limiter.check(&req.username, ip, Instant::now()) {
        return Err(AppError::TooManyRequests {
            message: format!(
                "too many failed logins from this address (for {:?}, or across usernames); \
                 try again in {wait} s",
                req.username
            ),
            retry_after_secs: wait,
        });
    }
    let username = req.username.clone();
    let password = req.password.clone();
    let _slot = state
        .password_slots
        .acquire()
        .await
        .map_err(|_| AppError::Unavailable("the server is shutting down".into()))?;
    let found = state
        .db
        .call(move |s| {
            let user = s.user_by_name(&username)?;
            Ok(check_credentials(user, &password, verify_password))
        })
        .await?;
    let Some(user) = found else {
        state
            .login_limiter
            .failed(&req.username, ip, Instant::now());
        return Err(AppError::Unauthorized("wrong username or password".into()));
    };
    if user.disabled {
        return Err(AppError::Unauthorized("this account is disabled".into()));
    }
    state.login_limiter.succeeded(&req.username, ip);
    let now = crate::now_ms();
    // One family per sign-in: the refresh tokens rotated from this one and every access
    // token they issue (`auth::rotation`).
    let family = crate::auth::rotation::new_family();
    let (token, access) = issue(
        Issue::new(user.id, req.device_id, &family, now),
        TokenKind::Access,
        state.config.token_ttl_secs,
    );
    let (refresh_token, refresh) = issue(
        Issue::new(user.id, req.device_id, &family, now),
        TokenKind::Refresh,
        state.config.refresh_ttl_secs,
    );
    let (expires_at_ms, refresh_expires_at_ms) = (access.expires_at_ms, refresh.expires_at_ms);
    let (device, device_name, actors, uid) = (
        req.device_id,
        req.device_name.clone(),
        req.actors.clone(),
        user.id,
    );
    let revoked = state
        .db
        .call(move |s| {
            // A revoked installation gets no new token (the session check refuses its old
            // ones too, so a revocation racing this login still wins).
            if s.device_revoked_at(device)?.is_some() {
                return Ok(true);
            }
            s.upsert_device(device, uid, &device_name, now)?;
            s.register_actors(device, uid, &actors, now)?;
            s.insert_token(&access)?;
            s.insert_token(&refresh)?;
            Ok(false)
        })
        .await
        .map_err(actor_conflict)?;
    if revoked {
        tracing::warn!(user = %user.username, device = %req.device_id, "login from a revoked device refused");
        return Err(AppError::DeviceRevoked(
            crate::handlers::extract::DEVICE_REVOKED.into(),
        ));
    }
    tracing::info!(user = %user.username, device = %req.device_id, "login");
    Ok(Json(LoginResponse {
        token,
        expires_at_ms,
        user_id: user.id,
        username: user.username,
        display_name: user.display_name,
        role: user.role,
        refresh_token: Some(refresh_token),
        refresh_expires_at_ms: Some(refresh_expires_at_ms),
    }))
}

/// Whose token to issue: the user, their device, the sign-in (family) and when.
pub(crate) struct Issue<'a> {
    pub user: fieldsync::UserId,
    pub device: fieldsync::DeviceId,
    pub family: &'a str,
    pub now: fieldsync::TimestampMs,
}

impl<'a> Issue<'a> {
    pub fn new(
        user: fieldsync::UserId,
        device: fieldsync::DeviceId,
        family: &'a str,
        now: fieldsync::TimestampMs,
    ) -> Self {
        Self {
            user,
            device,
            family,
            now,
        }
    }
}

/// A new token of `kind` living `ttl_secs`: the secret to hand out and the record to store
/// (its hash only).
pub(crate) fn issue(who: Issue<'_>, kind: TokenKind, ttl_secs: u64) -> (String, NewToken) {
    let expires_at_ms = who.now.saturating_add(
        i64::try_from(ttl_secs)
            .unwrap_or(i64::MAX)
            .saturating_mul(1000),
    );
    issue_until(who, kind, expires_at_ms)
}

/// [`issue`] with an expiry time: a rotated refresh token keeps its sign-in's end, so the
/// password is asked for `refresh_ttl_secs` after the login however often it is renewed.
pub(crate) fn issue_until(
    who: Issue<'_>,
    kind: TokenKind,
    expires_at_ms: fieldsync::TimestampMs,
) -> (String, NewToken) {
    let token = new_token();
    let record = NewToken {
        token_hash: token_hash(&token),
        user: who.user,
        device: Some(who.device),
        created_at_ms: who.now,
        expires_at_ms,
        kind,
        family: Some(who.family.to_owned()),
    };
    (token, record)
}

/// `POST /v1/logout`: sign this device out — its access and refresh tokens are revoked
/// (the user's other devices stay signed in).
#[instrument(skip_all)]
pub async fn logout(
    State(state): State<AppState>,
    Auth(session): Auth,
    headers: axum::http::HeaderMap,
) -> AppResult<axum::http::StatusCode> {
    let hash = crate::handlers::extract::bearer_token_hash(&headers)?;
    let (user, device) = (session.user.id, session.device);
    state
        .db
        .call(move |s| {
            s.revoke_token(&hash)?;
            match device {
                Some(d) => s.revoke_device_tokens(user, d),
                None => Ok(()),
            }
        })
        .await?;
    tracing::info!(user = %session.user.username, "logout");
    Ok(axum::http::StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize)]
pub struct ActorsRequest {
    pub actors: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct ActorsResponse {
    pub actors: Vec<String>,
}

#[instrument(skip_all)]
pub async fn add_actors(
    State(state): State<AppState>,
    Auth(session): Auth,
    payload: Result<Json<ActorsRequest>, JsonRejection>,
) -> AppResult<Json<ActorsResponse>> {
    let Json(req) = payload?;
    check_actors(&req.actors)?;
    let device = session.device.ok_or_else(|| {
        AppError::BadRequest("this token is not bound to a device; log in with a device_id".into())
    })?;
    let uid = session.user.id;
    let now = crate::now_ms();
    let actors = state
        .db
        .call(move |s| {
            s.register_actors(device, uid, &req.actors, now)?;
            s.actors_of_user(uid)
        })
        .await
        .map_err(actor_conflict)?;
    Ok(Json(ActorsResponse { actors }))
}

/// Create a user (CLI and tests): hashes the password off the async runtime.
pub async fn create_user(
    db: &crate::storage::Db,
    username: &str,
    display_name: &str,
    password: &str,
    role: fieldsync::Role,
) -> AppResult<crate::storage::UserRecord> {
    let (username, display_name, password) = (
        username.to_owned(),
        display_name.to_owned(),
        password.to_owned(),
    );
    let hash = tokio::task::spawn_blocking(move || hash_password(&password)).await??;
    let new = crate::storage::NewUser {
        id: fieldsync::UserId::new(),
        username,
        display_name,
        role,
        password_hash: hash,
        now: crate::now_ms(),
    };
    Ok(db.call(move |s| s.create_user(&new)).await?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;

    fn user(hash: &str) -> UserRecord {
        UserRecord {
            id: fieldsync::UserId::new(),
            username: "u".into(),
            display_name: "U".into(),
            role: fieldsync::Role::Engineer,
            password_hash: hash.into(),
            disabled: false,
            created_at_ms: 0,
        }
    }

    #[test]
    fn an_unknown_user_costs_one_verification_against_the_dummy_hash() {
        let calls = RefCell::new(Vec::new());
        let verify = |pw: &str, hash: &str| {
            calls.borrow_mut().push((pw.to_owned(), hash.to_owned()));
            false
        };
        assert!(check_credentials(None, "guess", verify).is_none());
        let calls = calls.into_inner();
        assert_eq!(
            calls.len(),
            1,
            "one argon2 verification, as for a known user"
        );
        assert_eq!(calls[0].0, "guess");
        assert_eq!(calls[0].1, dummy_hash());
        // The dummy is a real argon2id hash in the default parameters (same cost).
        assert!(
            dummy_hash().starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{}",
            dummy_hash()
        );
        assert!(!verify_password("guess", dummy_hash()));
    }

    #[test]
    fn a_known_user_is_verified_once_against_their_hash() {
        let count = RefCell::new(0);
        let verify = |_: &str, hash: &str| {
            *count.borrow_mut() += 1;
            hash == "H"
        };
        assert!(check_credentials(Some(user("H")), "pw", verify).is_some());
        assert!(check_credentials(Some(user("X")), "pw", verify).is_none());
        assert_eq!(count.into_inner(), 2);
    }
}
