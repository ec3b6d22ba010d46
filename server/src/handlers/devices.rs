//! `GET /v1/devices` (CMDB device records, searchable), `GET /v1/registered-devices` (app
//! installations) and `GET /v1/sites`.

use super::require_role;
use crate::error::AppResult;
use crate::handlers::extract::Auth;
use crate::state::AppState;
use crate::storage::{DeviceRecordRow, DeviceRow, SiteRow};
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use fieldsync::Role;
use serde::Deserialize;
use tracing::instrument;

#[derive(Debug, Deserialize)]
pub struct DeviceQuery {
    pub q: Option<String>,
    pub limit: Option<u32>,
}

const OFFICE: [Role; 3] = [Role::Dispatcher, Role::Supervisor, Role::Admin];

#[instrument(skip_all)]
pub async fn list_records(
    State(state): State<AppState>,
    Auth(session): Auth,
    query: Result<Query<DeviceQuery>, QueryRejection>,
) -> AppResult<Json<Vec<DeviceRecordRow>>> {
    require_role(session.user.role, &OFFICE, "list all devices")?;
    let Query(q) = query?;
    let limit = q.limit.unwrap_or(500);
    Ok(Json(
        state
            .db
            .call(move |s| s.list_device_records(q.q.as_deref().filter(|s| !s.is_empty()), limit))
            .await?,
    ))
}

#[instrument(skip_all)]
pub async fn list_registered(
    State(state): State<AppState>,
    Auth(session): Auth,
) -> AppResult<Json<Vec<DeviceRow>>> {
    require_role(
        session.user.role,
        &[Role::Admin, Role::Supervisor],
        "list app installations",
    )?;
    Ok(Json(state.db.call(|s| s.list_devices()).await?))
}

#[instrument(skip_all)]
pub async fn list_sites(
    State(state): State<AppState>,
    Auth(_session): Auth,
) -> AppResult<Json<Vec<SiteRow>>> {
    Ok(Json(state.db.call(|s| s.list_sites()).await?))
}
