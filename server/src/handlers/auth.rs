//! `POST /v1/auth/login` and `POST /v1/devices/actors`.

use crate::auth::{hash_password, new_token, token_hash, verify_password};
use crate::error::{AppError, AppResult};
use crate::handlers::extract::Auth;
use crate::state::AppState;
use crate::storage::{NewToken, StorageError};
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
        return Err(AppError::TooManyRequests(format!(
            "too many failed logins for {:?}; try again in {wait} s",
            req.username
        )));
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
            Ok(user.filter(|u| verify_password(&password, &u.password_hash)))
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
    let token = new_token();
    let now = crate::now_ms();
    let expires_at_ms =
        now.saturating_add((state.config.token_ttl_secs as i64).saturating_mul(1000));
    let new = NewToken {
        token_hash: token_hash(&token),
        user: user.id,
        device: Some(req.device_id),
        created_at_ms: now,
        expires_at_ms,
    };
    let (device, device_name, actors, uid) = (
        req.device_id,
        req.device_name.clone(),
        req.actors.clone(),
        user.id,
    );
    state
        .db
        .call(move |s| {
            s.upsert_device(device, uid, &device_name, now)?;
            s.register_actors(device, uid, &actors, now)?;
            s.insert_token(&new)
        })
        .await
        .map_err(actor_conflict)?;
    tracing::info!(user = %user.username, device = %req.device_id, "login");
    Ok(Json(LoginResponse {
        token,
        expires_at_ms,
        user_id: user.id,
        username: user.username,
        display_name: user.display_name,
        role: user.role,
    }))
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
