//! `GET /v1/docs/{id}/history` and `GET /v1/docs/{id}/conflicts`.

use super::parse_doc_id;
use crate::auth::Auth;
use crate::error::{AppError, AppResult};
use crate::hub::{ChangeSummary, DocConflict};
use crate::state::AppState;
use axum::Json;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use tracing::instrument;

/// Engineers see only their briefcase.
async fn check_visible(state: &AppState, auth: &Auth, id: fieldsync::DocId) -> AppResult<()> {
    let (uid, role) = (auth.0.user.id, auth.0.user.role);
    let visible = state
        .db
        .call(move |s| s.in_briefcase(uid, role, id))
        .await?;
    if visible {
        Ok(())
    } else {
        Err(AppError::NotFound(format!("no document {id}")))
    }
}

#[instrument(skip_all)]
pub async fn history(
    State(state): State<AppState>,
    auth: Auth,
    path: Result<Path<String>, PathRejection>,
) -> AppResult<Json<Vec<ChangeSummary>>> {
    let Path(id) = path?;
    let id = parse_doc_id(&id)?;
    check_visible(&state, &auth, id).await?;
    let hub = state.hub.clone();
    Ok(Json(
        tokio::task::spawn_blocking(move || hub.history(id)).await??,
    ))
}

#[instrument(skip_all)]
pub async fn conflicts(
    State(state): State<AppState>,
    auth: Auth,
    path: Result<Path<String>, PathRejection>,
) -> AppResult<Json<Vec<DocConflict>>> {
    let Path(id) = path?;
    let id = parse_doc_id(&id)?;
    check_visible(&state, &auth, id).await?;
    let hub = state.hub.clone();
    Ok(Json(
        tokio::task::spawn_blocking(move || hub.conflicts(id)).await??,
    ))
}
