//! Request extractors shared by the handlers: the authenticated caller.

use crate::auth::token_hash;
use crate::error::AppError;
use crate::state::AppState;
use crate::storage::Session;
use crate::storage::TokenKind;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;

/// The authenticated caller of a request (`Authorization: Bearer <token>`).
#[derive(Clone, Debug)]
pub struct Auth(pub Session);

/// The hash of the request's bearer token (how tokens are stored).
pub fn bearer_token_hash(headers: &axum::http::HeaderMap) -> Result<String, AppError> {
    let header = headers
        .get(axum::http::header::AUTHORIZATION)
        .ok_or_else(|| AppError::Unauthorized("missing Authorization: Bearer <token>".into()))?;
    let token = header
        .to_str()
        .ok()
        .and_then(|h| h.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| {
            AppError::Unauthorized("the Authorization header must be `Bearer <token>`".into())
        })?;
    Ok(token_hash(token))
}

impl FromRequestParts<AppState> for Auth {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let hash = bearer_token_hash(&parts.headers)?;
        Ok(Auth(session_of(state, hash).await?))
    }
}

/// The live session of a token (by its hash), or 401: `device_revoked` when an administrator
/// cut the token's installation off, `unauthorized` otherwise.
pub async fn session_of(state: &AppState, token_hash: String) -> Result<Session, AppError> {
    let now = crate::now_ms();
    let (session, revoked, reused) = state
        .db
        .call(
            move |s| match s.session(&token_hash, TokenKind::Access, now)? {
                Some(session) => Ok((Some(session), false, false)),
                None => Ok((
                    None,
                    s.token_device_revoked(&token_hash)?,
                    s.token_family_reused(&token_hash)?,
                )),
            },
        )
        .await?;
    match session {
        Some(session) => Ok(session),
        None if revoked => Err(AppError::DeviceRevoked(DEVICE_REVOKED.into())),
        None if reused => Err(AppError::RefreshReused(REFRESH_REUSED.into())),
        None => Err(AppError::Unauthorized(
            "the token is unknown, expired or revoked".into(),
        )),
    }
}

/// What every token of a sign-in ended for refresh-token reuse is told (the app words it by
/// the code `refresh_reused`).
pub const REFRESH_REUSED: &str = "this device was signed out for safety: a refresh token of \
     its sign-in was used again after it had been replaced, so a copy of it may be in someone \
     else's hands; sign in again with the password (unsent work on the device is kept)";

/// What a cut-off installation is told (the app words it by the code `device_revoked`).
pub const DEVICE_REVOKED: &str = "an administrator has revoked this device; its unsent work \
     stays on it — ask your administrator to restore the device or to help you copy the work";
