//! `GET /v1/docs/{id}/history`, `GET /v1/docs/{id}/at?upto=N` (the document as it was after
//! the first N changes of that history) and `GET /v1/docs/{id}/conflicts`.

use super::parse_doc_id;
use crate::error::{AppError, AppResult};
use crate::handlers::extract::Auth;
use crate::hub::{ChangeSummary, DocConflict};
use crate::state::AppState;
use axum::Json;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use serde::{Deserialize, Serialize};
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

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AtQuery {
    /// How many changes of the history to replay (1 …).
    pub upto: usize,
}

/// A document at a point of its history.
#[derive(Debug, Serialize)]
pub struct DocAt {
    pub upto: usize,
    /// Changes in the whole history.
    pub total: usize,
    /// The document's fields at that point (text as strings).
    pub doc: serde_json::Value,
    /// For a work order: its status at that point.
    pub status: Option<&'static str>,
}

#[instrument(skip_all)]
pub async fn at(
    State(state): State<AppState>,
    auth: Auth,
    path: Result<Path<String>, PathRejection>,
    query: Result<Query<AtQuery>, QueryRejection>,
) -> AppResult<Json<DocAt>> {
    let Path(id) = path?;
    let id = parse_doc_id(&id)?;
    let Query(q) = query?;
    check_visible(&state, &auth, id).await?;
    let hub = state.hub.clone();
    let out = tokio::task::spawn_blocking(move || {
        let (_, doc) = hub.load(id)?.ok_or(crate::hub::HubError::NotFound(id))?;
        let at = crate::review::doc_at(&doc, q.upto)?;
        let status = fieldsync::model::WorkOrder::from_doc(&at)
            .ok()
            .map(|wo| wo.fold().status.as_str());
        Ok::<_, crate::hub::HubError>(DocAt {
            upto: q.upto,
            total: doc.get_changes(&[]).len(),
            doc: fieldsync::model::doc_to_json(&at),
            status,
        })
    })
    .await??;
    Ok(Json(out))
}
