//! `POST /v1/sync`: one round trip (docs/sync-protocol.md). Checks content type, body size,
//! protocol version and rate, then runs the hub off the async workers.

use crate::error::{AppError, AppResult};
use crate::handlers::extract::Auth;
use crate::hub::CallerCtx;
use crate::state::AppState;
use automerge::ActorId;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use fieldsync::wire::{self, WireError};
use std::sync::atomic::Ordering;
use std::time::Instant;
use tracing::instrument;

fn check_content_type(headers: &HeaderMap) -> AppResult<()> {
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let essence = ct.split(';').next().unwrap_or("").trim();
    if essence.eq_ignore_ascii_case(wire::CONTENT_TYPE) {
        Ok(())
    } else {
        Err(AppError::UnsupportedMediaType(format!(
            "content type must be {}, got {:?}",
            wire::CONTENT_TYPE,
            ct
        )))
    }
}

fn body_error(r: BytesRejection, limit: usize) -> AppError {
    if r.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        AppError::TooLarge(format!("the compressed body is larger than {limit} bytes"))
    } else {
        AppError::BadRequest(format!("could not read the body: {}", r.body_text()))
    }
}

#[instrument(skip_all, fields(user, docs))]
pub async fn sync(
    State(state): State<AppState>,
    Auth(session): Auth,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> AppResult<Response> {
    let started = Instant::now();
    tracing::Span::current().record("user", session.user.username.as_str());
    if state.shutting_down.load(Ordering::Relaxed) {
        return Err(AppError::Unavailable(
            "the server is shutting down; retry shortly".into(),
        ));
    }
    check_content_type(&headers)?;
    let body = body.map_err(|r| body_error(r, state.config.max_sync_body_bytes))?;
    if !state.sync_limiter.allow(session.user.id, Instant::now()) {
        return Err(AppError::TooManyRequests {
            message: format!(
                "more than {} syncs a minute; slow down",
                state.config.sync_per_minute
            ),
            // The per-minute window frees a slot within this long at the latest.
            retry_after_secs: 60u64.div_ceil(u64::from(state.config.sync_per_minute.max(1))),
        });
    }
    let device = session.device.ok_or_else(|| {
        AppError::BadRequest("this token is not bound to a device; log in with a device_id".into())
    })?;
    // Syncs beyond a few per core wait here, cheaply, instead of piling up threads and
    // memory in the blocking pool; each sync already uses every core for its documents.
    let _permit = state
        .sync_slots
        .acquire()
        .await
        .map_err(|_| AppError::Unavailable("the server is shutting down".into()))?;
    let state2 = state.clone();
    let user = session.user.clone();
    let (resp, stats) = tokio::task::spawn_blocking(move || -> AppResult<_> {
        let req = wire::decode_request(&body).map_err(|e| match e {
            WireError::Version(_) => AppError::UpgradeRequired(e.to_string()),
            WireError::TooLarge => AppError::TooLarge(e.to_string()),
            other => AppError::BadRequest(other.to_string()),
        })?;
        tracing::Span::current().record("docs", req.push.len());
        let actors = state2
            .db
            .blocking()
            .actors_of_user(user.id)?
            .iter()
            .filter_map(|a| ActorId::try_from(a.as_str()).ok())
            .collect();
        let caller = CallerCtx::new(user, device, actors);
        let (resp, stats) = state2.hub.sync(&caller, &req, crate::now_ms())?;
        Ok((wire::encode(&resp), stats))
    })
    .await??;
    state
        .metrics
        .changes_accepted
        .fetch_add(stats.accepted, Ordering::Relaxed);
    state
        .metrics
        .changes_rejected
        .fetch_add(stats.rejected, Ordering::Relaxed);
    state.metrics.sync_latency(started.elapsed());
    Ok((
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static(wire::CONTENT_TYPE),
        )],
        resp,
    )
        .into_response())
}
