//! `POST /v1/auth/refresh`: a new access token and a new refresh token for the device whose
//! refresh token this is; the one presented is retired (`auth::rotation` has the rules).

use crate::auth::rotation::{self, Verdict};
use crate::auth::token_hash;
use crate::error::{AppError, AppResult};
use crate::handlers::auth::{Issue, issue, issue_until};
use crate::handlers::extract::{DEVICE_REVOKED, REFRESH_REUSED};
use crate::state::AppState;
use crate::storage::{RefreshView, Result, RotateRefresh, Rotation, Storage, TokenKind};
use axum::Json;
use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use fieldsync::TimestampMs;
use fieldsync::wire::{RefreshRequest, RefreshResponse};
use tracing::instrument;

/// The longest string taken for a refresh token (they are 64 characters): no hashing of
/// megabytes for strangers.
const MAX_REFRESH_TOKEN_BYTES: usize = 256;

/// What one refresh came to.
enum Outcome {
    Renewed(RefreshResponse),
    DeviceRevoked,
    /// The family is ended; `detected` is set when this request found the reuse (the
    /// security event to log once).
    Reused {
        detected: Option<Detected>,
    },
    Dead,
}

/// A reuse found now: whose sign-in, and how long ago the presented token was retired.
struct Detected {
    view: RefreshView,
    retired_ago_ms: i64,
}

/// The fixed inputs of one exchange.
#[derive(Clone, Copy)]
struct Limits {
    now: TimestampMs,
    grace_ms: i64,
    access_ttl_secs: u64,
}

/// Refused (401) once the refresh token expired or was revoked, the user disabled
/// (`unauthorized`), the device revoked (`device_revoked`), or when a retired refresh token
/// comes back after the grace window: the whole sign-in ends (`refresh_reused`), logged as a
/// security event.
#[instrument(skip_all)]
pub async fn refresh(
    State(state): State<AppState>,
    payload: Result<Json<RefreshRequest>, JsonRejection>,
) -> AppResult<Json<RefreshResponse>> {
    let Json(req) = payload?;
    if req.refresh_token.is_empty() || req.refresh_token.len() > MAX_REFRESH_TOKEN_BYTES {
        return Err(AppError::Unauthorized("not a refresh token".into()));
    }
    let limits = Limits {
        now: crate::now_ms(),
        grace_ms: i64::try_from(state.config.refresh_reuse_grace_secs)
            .unwrap_or(i64::MAX)
            .saturating_mul(1000),
        access_ttl_secs: state.config.token_ttl_secs,
    };
    let presented = req.refresh_token;
    let outcome = state
        .db
        .call(move |s| exchange(s, &presented, limits))
        .await?;
    match outcome {
        Outcome::Renewed(answer) => Ok(Json(answer)),
        Outcome::DeviceRevoked => Err(AppError::DeviceRevoked(DEVICE_REVOKED.into())),
        Outcome::Reused { detected } => {
            if let Some(d) = detected {
                tracing::warn!(
                    target: "fieldsync::security",
                    event = "refresh_token_reuse",
                    user = %d.view.user,
                    device = ?d.view.device,
                    family = %d.view.family,
                    retired_ago_ms = d.retired_ago_ms,
                    "a retired refresh token was presented after the grace window: \
                     the device's sign-in is ended (every token of it revoked)"
                );
            }
            Err(AppError::RefreshReused(REFRESH_REUSED.into()))
        }
        Outcome::Dead => Err(AppError::Unauthorized(
            "the refresh token is unknown, expired or revoked; sign in with the password".into(),
        )),
    }
}

/// Judge the presented token and act on it. Two requests racing with one token: the loser
/// of the rotation finds the token retired a moment ago and replays the winner's successor.
fn exchange(s: &dyn Storage, presented: &str, limits: Limits) -> Result<Outcome> {
    let hash = token_hash(presented);
    for _ in 0..2 {
        let Some(view) = s.refresh_view(&hash, limits.now)? else {
            return Ok(Outcome::Dead);
        };
        let Some(device) = view.device else {
            return Ok(Outcome::Dead);
        };
        match rotation::judge(&view, limits.now, limits.grace_ms) {
            Verdict::Rotate => {
                if let Some(answer) = rotate(s, &view, device, &hash, presented, limits)? {
                    return Ok(Outcome::Renewed(answer));
                }
                // Another request rotated it first: judge it again as retired.
            }
            Verdict::Replay(r) => return replay(s, &view, device, presented, &r, limits),
            Verdict::Reuse { retired_ago_ms } => return end(s, view, retired_ago_ms, limits.now),
            Verdict::DeviceRevoked => return Ok(Outcome::DeviceRevoked),
            Verdict::FamilyEnded => return Ok(Outcome::Reused { detected: None }),
            Verdict::Dead => return Ok(Outcome::Dead),
        }
    }
    // Rotated by someone else between two reads twice: not an honest client's pattern.
    Ok(Outcome::Dead)
}

/// Retire the presented token for a new one; `None` when another request got there first.
fn rotate(
    s: &dyn Storage,
    view: &RefreshView,
    device: fieldsync::DeviceId,
    hash: &str,
    presented: &str,
    limits: Limits,
) -> Result<Option<RefreshResponse>> {
    let who = || Issue::new(view.user, device, &view.family, limits.now);
    let (next, successor) = issue_until(who(), TokenKind::Refresh, view.expires_at_ms);
    let (token, access) = issue(who(), TokenKind::Access, limits.access_ttl_secs);
    let answer = RefreshResponse {
        token,
        expires_at_ms: access.expires_at_ms,
        refresh_token: Some(next.clone()),
        refresh_expires_at_ms: Some(successor.expires_at_ms),
    };
    let rotation = RotateRefresh {
        old_hash: hash.to_owned(),
        successor_sealed: rotation::seal(presented, &next),
        successor,
        access,
        now: limits.now,
    };
    Ok(s.rotate_refresh(&rotation)?.then_some(answer))
}

/// The same successor again (a retry within the grace), with a new access token — if the
/// successor is still unused. A successor already rotated means someone went on with it
/// while this caller still holds its predecessor: reuse.
fn replay(
    s: &dyn Storage,
    view: &RefreshView,
    device: fieldsync::DeviceId,
    presented: &str,
    r: &Rotation,
    limits: Limits,
) -> Result<Outcome> {
    let next = rotation::unseal(presented, &r.successor_sealed)
        .filter(|t| token_hash(t) == r.successor_hash);
    let Some(next) = next else {
        return Ok(Outcome::Dead);
    };
    let Some(successor) = s.refresh_view(&r.successor_hash, limits.now)? else {
        return Ok(Outcome::Dead);
    };
    match rotation::judge(&successor, limits.now, limits.grace_ms) {
        Verdict::Rotate => {}
        Verdict::Replay(_) | Verdict::Reuse { .. } => {
            let retired_ago_ms = limits.now.saturating_sub(r.at_ms);
            return end(s, view.clone(), retired_ago_ms, limits.now);
        }
        Verdict::DeviceRevoked => return Ok(Outcome::DeviceRevoked),
        Verdict::FamilyEnded => return Ok(Outcome::Reused { detected: None }),
        Verdict::Dead => return Ok(Outcome::Dead),
    }
    let who = Issue::new(view.user, device, &view.family, limits.now);
    let (token, access) = issue(who, TokenKind::Access, limits.access_ttl_secs);
    s.insert_token(&access)?;
    Ok(Outcome::Renewed(RefreshResponse {
        token,
        expires_at_ms: access.expires_at_ms,
        refresh_token: Some(next),
        refresh_expires_at_ms: Some(successor.expires_at_ms),
    }))
}

/// End the sign-in of `view` for reuse.
fn end(
    s: &dyn Storage,
    view: RefreshView,
    retired_ago_ms: i64,
    now: TimestampMs,
) -> Result<Outcome> {
    let first = s.end_family_for_reuse(&view.family, view.user, view.device, now)?;
    Ok(Outcome::Reused {
        detected: first.then_some(Detected {
            view,
            retired_ago_ms,
        }),
    })
}
