//! `GET /v1/devices` (CMDB device records, searchable), `GET /v1/registered-devices` (app
//! installations), `POST /v1/registered-devices/{id}/revoke|restore` (an administrator cuts
//! a lost laptop off, or lets it back) and `GET /v1/sites`.

use super::require_role;
use crate::error::AppResult;
use crate::handlers::extract::Auth;
use crate::state::AppState;
use crate::storage::{DeviceRecordRow, DeviceRow, SiteRow};
use axum::Json;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
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

/// What an administrator does to one installation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeviceAccess {
    /// Revoke every token of the device and refuse its sign-ins (its unsent work stays on it).
    Revoke,
    /// Let the device sign in again (its old tokens stay revoked).
    Restore,
}

async fn set_access(
    state: AppState,
    session: crate::storage::Session,
    id: String,
    access: DeviceAccess,
) -> AppResult<Json<Vec<DeviceRow>>> {
    require_role(
        session.user.role,
        &[Role::Admin],
        "revoke or restore devices",
    )?;
    let device: fieldsync::DeviceId = id.parse().map_err(|e| {
        crate::error::AppError::BadRequest(format!("{id:?} is not a device id (UUID): {e}"))
    })?;
    let at = (access == DeviceAccess::Revoke).then(crate::now_ms);
    let rows = state
        .db
        .call(move |s| {
            s.set_device_revoked(device, at)?;
            s.list_devices()
        })
        .await?;
    tracing::warn!(%device, ?access, by = %session.user.username, "device access changed");
    Ok(Json(rows))
}

/// `POST /v1/registered-devices/{id}/revoke` (admin): answers the installations as listed.
#[instrument(skip_all)]
pub async fn revoke(
    State(state): State<AppState>,
    Auth(session): Auth,
    path: Result<Path<String>, PathRejection>,
) -> AppResult<Json<Vec<DeviceRow>>> {
    let Path(id) = path?;
    set_access(state, session, id, DeviceAccess::Revoke).await
}

/// `POST /v1/registered-devices/{id}/restore` (admin).
#[instrument(skip_all)]
pub async fn restore(
    State(state): State<AppState>,
    Auth(session): Auth,
    path: Result<Path<String>, PathRejection>,
) -> AppResult<Json<Vec<DeviceRow>>> {
    let Path(id) = path?;
    set_access(state, session, id, DeviceAccess::Restore).await
}

#[instrument(skip_all)]
pub async fn list_sites(
    State(state): State<AppState>,
    Auth(_session): Auth,
) -> AppResult<Json<Vec<SiteRow>>> {
    Ok(Json(state.db.call(|s| s.list_sites()).await?))
}
