//! Request extractors shared by the handlers: the authenticated caller.

use crate::auth::token_hash;
use crate::error::AppError;
use crate::state::AppState;
use crate::storage::Session;
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

/// The live session of a token (by its hash), or 401.
pub async fn session_of(state: &AppState, token_hash: String) -> Result<Session, AppError> {
    let now = crate::now_ms();
    state
        .db
        .call(move |s| s.session(&token_hash, now))
        .await?
        .ok_or_else(|| AppError::Unauthorized("the token is unknown, expired or revoked".into()))
}
