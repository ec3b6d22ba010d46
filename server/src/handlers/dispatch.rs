//! Dispatch and SLA endpoints: contracts per customer, assignment suggestions, reschedule,
//! one work order's SLA clocks, engineer profiles (skills), notifications, and the SLA /
//! escalation sweep on demand.

use super::{parse_doc_id, require_role};
use crate::dispatch::{self, Suggestion};
use crate::error::{AppError, AppResult};
use crate::handlers::extract::Auth;
use crate::state::AppState;
use crate::storage::{EngineerProfile, NotificationRow, scheduling_of};
use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection};
use axum::extract::{Path, State};
use fieldsync::Role;
use fieldsync::sla::{Contract, SlaReport};
use serde::{Deserialize, Serialize};
use tracing::instrument;

const DISPATCH: [Role; 2] = [Role::Dispatcher, Role::Admin];
const OFFICE: [Role; 3] = [Role::Dispatcher, Role::Supervisor, Role::Admin];

#[instrument(skip_all)]
pub async fn list_contracts(
    State(state): State<AppState>,
    Auth(session): Auth,
) -> AppResult<Json<Vec<Contract>>> {
    require_role(session.user.role, &OFFICE, "read contracts")?;
    let rows = state
        .db
        .call(|s| scheduling_of(s)?.list_contracts())
        .await?;
    let mut out = Vec::new();
    for r in rows {
        out.push(crate::sla::parse_contract(&r.body)?.0);
    }
    Ok(Json(out))
}

#[instrument(skip_all)]
pub async fn get_contract(
    State(state): State<AppState>,
    Auth(session): Auth,
    path: Result<Path<String>, PathRejection>,
) -> AppResult<Json<Contract>> {
    let Path(customer) = path?;
    let row = state
        .db
        .call(move |s| scheduling_of(s)?.contract(&customer))
        .await?
        .ok_or_else(|| AppError::NotFound("no contract for this customer".into()))?;
    // Engineers may read contracts: the app shows countdowns offline with them.
    let _ = session;
    Ok(Json(crate::sla::parse_contract(&row.body)?.0))
}

#[instrument(skip_all)]
pub async fn put_contract(
    State(state): State<AppState>,
    Auth(session): Auth,
    path: Result<Path<String>, PathRejection>,
    payload: Result<Json<Contract>, JsonRejection>,
) -> AppResult<Json<Contract>> {
    require_role(session.user.role, &DISPATCH, "change contracts")?;
    let Path(customer) = path?;
    let Json(mut c) = payload?;
    if c.customer_id.is_empty() {
        c.customer_id = customer.clone();
    }
    if c.customer_id != customer {
        return Err(AppError::BadRequest(
            "customer_id in the body differs from the path".into(),
        ));
    }
    let now = crate::now_ms();
    let c2 = c.clone();
    state
        .db
        .call(move |s| {
            crate::sla::put_contract(s, &c2, now).map_err(|e| match e {
                crate::hub::HubError::Storage(s) => s,
                other => crate::storage::StorageError::Invalid(other.to_string()),
            })
        })
        .await?;
    Ok(Json(c))
}

#[instrument(skip_all)]
pub async fn suggestions(
    State(state): State<AppState>,
    Auth(session): Auth,
    path: Result<Path<String>, PathRejection>,
) -> AppResult<Json<Vec<Suggestion>>> {
    require_role(session.user.role, &DISPATCH, "see assignment suggestions")?;
    let Path(id) = path?;
    let id = parse_doc_id(&id)?;
    let hub = state.hub.clone();
    let now = crate::now_ms();
    let out = tokio::task::spawn_blocking(move || {
        let s = hub.db().blocking();
        let row = dispatch::work_order_row(s, id)?;
        dispatch::suggestions(s, &row, now)
    })
    .await??;
    Ok(Json(out))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RescheduleRequest {
    pub start_ms: i64,
    pub end_ms: i64,
}

#[derive(Debug, Serialize)]
pub struct Rescheduled {
    pub doc_id: String,
    pub start_ms: i64,
    pub end_ms: i64,
}

#[instrument(skip_all)]
pub async fn reschedule(
    State(state): State<AppState>,
    Auth(session): Auth,
    path: Result<Path<String>, PathRejection>,
    payload: Result<Json<RescheduleRequest>, JsonRejection>,
) -> AppResult<Json<Rescheduled>> {
    require_role(session.user.role, &DISPATCH, "reschedule work orders")?;
    let Path(id) = path?;
    let id = parse_doc_id(&id)?;
    let Json(r) = payload?;
    let hub = state.hub.clone();
    let now = crate::now_ms();
    tokio::task::spawn_blocking(move || dispatch::reschedule(&hub, id, r.start_ms, r.end_ms, now))
        .await??;
    Ok(Json(Rescheduled {
        doc_id: id.to_string(),
        start_ms: r.start_ms,
        end_ms: r.end_ms,
    }))
}

#[instrument(skip_all)]
pub async fn work_order_sla(
    State(state): State<AppState>,
    Auth(session): Auth,
    path: Result<Path<String>, PathRejection>,
) -> AppResult<Json<Option<SlaReport>>> {
    require_role(session.user.role, &OFFICE, "read SLA clocks")?;
    let Path(id) = path?;
    let id = parse_doc_id(&id)?;
    let hub = state.hub.clone();
    let now = crate::now_ms();
    let rep = tokio::task::spawn_blocking(move || {
        let s = hub.db().blocking();
        let row = dispatch::work_order_row(s, id)?;
        let contracts = crate::sla::all_contracts(s)?;
        let mut reps = crate::sla::reports_for(s, std::slice::from_ref(&row), &contracts, now)?;
        Ok::<_, crate::hub::HubError>(reps.remove(&row.doc_id))
    })
    .await??;
    Ok(Json(rep))
}

/// An engineer as the dispatch board lists them: who (names for the rows) and their profile
/// (a default one when none was stored).
#[derive(Debug, Serialize)]
pub struct EngineerItem {
    pub username: String,
    pub display_name: String,
    #[serde(flatten)]
    pub profile: EngineerProfile,
}

/// Every enabled engineer, by display name, with skills, customers and level.
#[instrument(skip_all)]
pub async fn list_profiles(
    State(state): State<AppState>,
    Auth(session): Auth,
) -> AppResult<Json<Vec<EngineerItem>>> {
    require_role(session.user.role, &OFFICE, "read engineer profiles")?;
    let (users, profiles) = state
        .db
        .call(|s| Ok((s.list_users()?, scheduling_of(s)?.profiles()?)))
        .await?;
    let mut out: Vec<EngineerItem> = users
        .into_iter()
        .filter(|u| u.role == Role::Engineer && !u.disabled)
        .map(|u| {
            let user_id = u.id.to_string();
            let profile = profiles
                .iter()
                .find(|p| p.user_id == user_id)
                .cloned()
                .unwrap_or_else(|| EngineerProfile {
                    user_id,
                    level: 1,
                    ..Default::default()
                });
            EngineerItem {
                username: u.username,
                display_name: u.display_name,
                profile,
            }
        })
        .collect();
    out.sort_by(|a, b| a.display_name.cmp(&b.display_name));
    Ok(Json(out))
}

#[instrument(skip_all)]
pub async fn put_profile(
    State(state): State<AppState>,
    Auth(session): Auth,
    path: Result<Path<String>, PathRejection>,
    payload: Result<Json<EngineerProfile>, JsonRejection>,
) -> AppResult<Json<EngineerProfile>> {
    require_role(session.user.role, &DISPATCH, "change engineer profiles")?;
    let Path(who) = path?;
    let Json(mut p) = payload?;
    let u = super::work_orders::resolve_user(&state, &who).await?;
    if u.role != Role::Engineer {
        return Err(AppError::BadRequest(format!(
            "{} is not an engineer",
            u.username
        )));
    }
    if !(1..=3).contains(&p.level) {
        return Err(AppError::BadRequest(
            "level is 1 (junior) … 3 (expert)".into(),
        ));
    }
    p.user_id = u.id.to_string();
    let p2 = p.clone();
    state
        .db
        .call(move |s| scheduling_of(s)?.put_profile(&p2))
        .await?;
    Ok(Json(p))
}

#[instrument(skip_all)]
pub async fn notifications(
    State(state): State<AppState>,
    Auth(session): Auth,
) -> AppResult<Json<Vec<NotificationRow>>> {
    let me = session.user.id.to_string();
    Ok(Json(
        state
            .db
            .call(move |s| scheduling_of(s)?.notifications(&me, 200))
            .await?,
    ))
}

#[instrument(skip_all)]
pub async fn sweep(
    State(state): State<AppState>,
    Auth(session): Auth,
) -> AppResult<Json<crate::sla::SweepReport>> {
    require_role(session.user.role, &DISPATCH, "run the SLA sweep")?;
    let hub = state.hub.clone();
    let now = crate::now_ms();
    let job = crate::jobs::SLA_SWEEP;
    tokio::task::spawn_blocking(move || {
        let wait = Some(crate::jobs::ON_DEMAND_WAIT);
        crate::jobs::exclusive(&hub, job, wait, || crate::sla::sweep(&hub, now))
    })
    .await??
    .map(Json)
    .ok_or_else(|| crate::jobs::busy(job))
}
