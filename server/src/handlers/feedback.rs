//! Customer feedback on a work order (office roles): `GET /v1/work-orders/{id}/feedback`,
//! `POST …/complaints`, `POST …/complaints/{complaint_id}/close`, `POST …/satisfaction`.

use super::{parse_doc_id, require_role};
use crate::complaints::{self, CloseRequest, ComplaintRequest, ScoreRequest};
use crate::error::AppResult;
use crate::handlers::extract::Auth;
use crate::state::AppState;
use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use fieldsync::Role;
use fieldsync::model::{Complaint, Feedback, Score};
use tracing::instrument;

/// Who takes complaints and return-visit scores: the office, never the field.
const OFFICE: [Role; 3] = [Role::Dispatcher, Role::Supervisor, Role::Admin];

#[instrument(skip_all)]
pub async fn get(
    State(state): State<AppState>,
    Auth(session): Auth,
    path: Result<Path<String>, PathRejection>,
) -> AppResult<Json<Feedback>> {
    require_role(session.user.role, &OFFICE, "read customer feedback")?;
    let Path(id) = path?;
    let id = parse_doc_id(&id)?;
    let hub = state.hub.clone();
    Ok(Json(
        tokio::task::spawn_blocking(move || complaints::feedback_of(&hub, id)).await??,
    ))
}

#[instrument(skip_all)]
pub async fn add_complaint(
    State(state): State<AppState>,
    Auth(session): Auth,
    path: Result<Path<String>, PathRejection>,
    payload: Result<Json<ComplaintRequest>, JsonRejection>,
) -> AppResult<(StatusCode, Json<Complaint>)> {
    require_role(session.user.role, &OFFICE, "record complaints")?;
    let Path(id) = path?;
    let id = parse_doc_id(&id)?;
    let Json(req) = payload?;
    let (hub, user, now) = (state.hub.clone(), session.user.clone(), crate::now_ms());
    let c =
        tokio::task::spawn_blocking(move || complaints::add_complaint(&hub, id, &user, &req, now))
            .await??;
    tracing::info!(%id, complaint = %c.id, by = %session.user.username, "complaint recorded");
    Ok((StatusCode::CREATED, Json(c)))
}

#[instrument(skip_all)]
pub async fn close_complaint(
    State(state): State<AppState>,
    Auth(session): Auth,
    path: Result<Path<(String, String)>, PathRejection>,
    payload: Result<Json<CloseRequest>, JsonRejection>,
) -> AppResult<Json<Complaint>> {
    require_role(session.user.role, &OFFICE, "close complaints")?;
    let Path((id, complaint_id)) = path?;
    let id = parse_doc_id(&id)?;
    let Json(req) = payload?;
    let (hub, user, now) = (state.hub.clone(), session.user.clone(), crate::now_ms());
    let c = tokio::task::spawn_blocking(move || {
        complaints::close_complaint(&hub, id, &complaint_id, &user, &req, now)
    })
    .await??;
    tracing::info!(%id, complaint = %c.id, by = %session.user.username, "complaint closed");
    Ok(Json(c))
}

#[instrument(skip_all)]
pub async fn add_score(
    State(state): State<AppState>,
    Auth(session): Auth,
    path: Result<Path<String>, PathRejection>,
    payload: Result<Json<ScoreRequest>, JsonRejection>,
) -> AppResult<(StatusCode, Json<Score>)> {
    require_role(session.user.role, &OFFICE, "record satisfaction scores")?;
    let Path(id) = path?;
    let id = parse_doc_id(&id)?;
    let Json(req) = payload?;
    let (hub, user, now) = (state.hub.clone(), session.user.clone(), crate::now_ms());
    let s = tokio::task::spawn_blocking(move || complaints::add_score(&hub, id, &user, &req, now))
        .await??;
    Ok((StatusCode::CREATED, Json(s)))
}
