//! `GET /healthz` (open: load balancers ask it) and `GET /metrics` (counters of every route
//! and of the sync engine: for the operator's scraper or an admin, not for anyone).

use crate::auth::token_hash;
use crate::error::{AppError, AppResult};
use crate::handlers::extract::{bearer_token_hash, session_of};
use crate::state::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::IntoResponse;
use fieldsync::Role;

pub async fn healthz(State(state): State<AppState>) -> impl IntoResponse {
    match state.db.call(|s| s.server_actor()).await {
        Ok(_) => (axum::http::StatusCode::OK, "ok"),
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            (
                axum::http::StatusCode::SERVICE_UNAVAILABLE,
                "storage unavailable",
            )
        }
    }
}

/// `GET /metrics` with `Authorization: Bearer <metrics_token>`, or an admin's token.
pub async fn metrics(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> AppResult<impl IntoResponse> {
    let hash = bearer_token_hash(&headers)?;
    // Compared as hashes, so the comparison's time says nothing about the configured token.
    let scraper = state
        .config
        .metrics_token
        .as_deref()
        .is_some_and(|t| token_hash(t) == hash);
    if !scraper {
        let session = session_of(&state, hash).await?;
        if session.user.role != Role::Admin {
            return Err(AppError::Forbidden(
                "metrics are for admins and the metrics token (metrics_token)".into(),
            ));
        }
    }
    Ok((
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.metrics.render(),
    ))
}
