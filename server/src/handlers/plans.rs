//! Inspection plans: CRUD (dispatcher/admin), preview of the next occurrences, running the
//! generator on demand, adherence per month.

use super::require_role;
use crate::error::{AppError, AppResult};
use crate::handlers::extract::Auth;
use crate::plans::adherence::{MonthAdherence, adherence};
use crate::plans::generator::{self, EditReport, GenReport};
use crate::plans::{Occurrence, Plan};
use crate::state::AppState;
use crate::storage::scheduling_of;
use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use fieldsync::Role;
use serde::Deserialize;
use tracing::instrument;
use uuid::Uuid;

const PLANNERS: [Role; 2] = [Role::Dispatcher, Role::Admin];
const READERS: [Role; 3] = [Role::Dispatcher, Role::Supervisor, Role::Admin];

fn plan_id(p: Result<Path<String>, PathRejection>) -> AppResult<Uuid> {
    let Path(s) = p?;
    s.parse()
        .map_err(|e| AppError::BadRequest(format!("{s:?} is not a plan id (UUID): {e}")))
}

/// The default engineer may be given as a username: store the user id.
async fn resolve_engineer(state: &AppState, plan: &mut Plan) -> AppResult<()> {
    if let Some(who) = plan.default_engineer.clone() {
        let u = super::work_orders::resolve_user(state, &who).await?;
        if u.role != Role::Engineer {
            return Err(AppError::BadRequest(format!(
                "{} is not an engineer",
                u.username
            )));
        }
        plan.default_engineer = Some(u.id.to_string());
    }
    Ok(())
}

#[instrument(skip_all)]
pub async fn list(
    State(state): State<AppState>,
    Auth(session): Auth,
) -> AppResult<Json<Vec<Plan>>> {
    require_role(session.user.role, &READERS, "read plans")?;
    let plans = state
        .hub
        .db()
        .call(|s| scheduling_of(s)?.list_plans())
        .await?;
    let mut out = Vec::with_capacity(plans.len());
    for row in &plans {
        out.push(generator::parse_row(row)?);
    }
    Ok(Json(out))
}

#[instrument(skip_all)]
pub async fn get(
    State(state): State<AppState>,
    Auth(session): Auth,
    path: Result<Path<String>, PathRejection>,
) -> AppResult<Json<Plan>> {
    require_role(session.user.role, &READERS, "read plans")?;
    let id = plan_id(path)?;
    let hub = state.hub.clone();
    let plan = tokio::task::spawn_blocking(move || generator::get_plan(&hub, id)).await??;
    plan.map(Json)
        .ok_or_else(|| AppError::NotFound(format!("no plan {id}")))
}

#[instrument(skip_all)]
pub async fn create(
    State(state): State<AppState>,
    Auth(session): Auth,
    payload: Result<Json<Plan>, JsonRejection>,
) -> AppResult<(StatusCode, Json<Plan>)> {
    require_role(session.user.role, &PLANNERS, "create plans")?;
    let Json(mut plan) = payload?;
    resolve_engineer(&state, &mut plan).await?;
    let hub = state.hub.clone();
    let now = crate::now_ms();
    let plan = tokio::task::spawn_blocking(move || {
        let plan = generator::create_plan(&hub, plan, now)?;
        if let Some(id) = plan.id {
            generator::run(&hub, now, Some(id))?;
        }
        Ok::<_, crate::hub::HubError>(plan)
    })
    .await??;
    Ok((StatusCode::CREATED, Json(plan)))
}

#[instrument(skip_all)]
pub async fn update(
    State(state): State<AppState>,
    Auth(session): Auth,
    path: Result<Path<String>, PathRejection>,
    payload: Result<Json<Plan>, JsonRejection>,
) -> AppResult<Json<EditReport>> {
    require_role(session.user.role, &PLANNERS, "edit plans")?;
    let id = plan_id(path)?;
    let Json(mut plan) = payload?;
    resolve_engineer(&state, &mut plan).await?;
    let hub = state.hub.clone();
    let now = crate::now_ms();
    let report = tokio::task::spawn_blocking(move || {
        if generator::get_plan(&hub, id)?.is_none() {
            return Ok(None);
        }
        let r = generator::update_plan(&hub, id, plan, now)?;
        generator::run(&hub, now, Some(id))?;
        Ok::<_, crate::hub::HubError>(Some(r))
    })
    .await??;
    report
        .map(Json)
        .ok_or_else(|| AppError::NotFound(format!("no plan {id}")))
}

#[instrument(skip_all)]
pub async fn delete(
    State(state): State<AppState>,
    Auth(session): Auth,
    path: Result<Path<String>, PathRejection>,
) -> AppResult<StatusCode> {
    require_role(session.user.role, &PLANNERS, "delete plans")?;
    let id = plan_id(path)?.to_string();
    let gone = state
        .hub
        .db()
        .call(move |s| scheduling_of(s)?.delete_plan(&id))
        .await?;
    if gone {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(AppError::NotFound("no such plan".into()))
    }
}

#[derive(Debug, Deserialize)]
pub struct PreviewQuery {
    /// How many occurrences (default 10, at most 200).
    pub n: Option<usize>,
}

#[instrument(skip_all)]
pub async fn preview(
    State(state): State<AppState>,
    Auth(session): Auth,
    path: Result<Path<String>, PathRejection>,
    query: Result<Query<PreviewQuery>, QueryRejection>,
) -> AppResult<Json<Vec<Occurrence>>> {
    require_role(session.user.role, &READERS, "read plans")?;
    let id = plan_id(path)?;
    let Query(q) = query?;
    let n = q.n.unwrap_or(10).clamp(1, 200);
    let hub = state.hub.clone();
    let now = crate::now_ms();
    let occ = tokio::task::spawn_blocking(move || {
        let plan = generator::get_plan(&hub, id)?
            .ok_or_else(|| AppError::NotFound(format!("no plan {id}")))?;
        let occ = generator::compile(&hub, &plan)?.occurrences(now, i64::MAX, n);
        Ok::<_, AppError>(occ)
    })
    .await??;
    Ok(Json(occ))
}

/// Preview a plan that is not saved yet (the editor's "next occurrences").
/// Working days come from the site's contract calendar, as for the saved plan.
#[instrument(skip_all)]
pub async fn preview_draft(
    State(state): State<AppState>,
    Auth(session): Auth,
    query: Result<Query<PreviewQuery>, QueryRejection>,
    payload: Result<Json<Plan>, JsonRejection>,
) -> AppResult<Json<Vec<Occurrence>>> {
    require_role(session.user.role, &READERS, "preview plans")?;
    let Query(q) = query?;
    let Json(plan) = payload?;
    let n = q.n.unwrap_or(10).clamp(1, 200);
    let hub = state.hub.clone();
    let now = crate::now_ms();
    let occ = tokio::task::spawn_blocking(move || {
        generator::compile(&hub, &plan).map(|cp| cp.occurrences(now, i64::MAX, n))
    })
    .await??;
    Ok(Json(occ))
}

#[instrument(skip_all)]
pub async fn run_generator(
    State(state): State<AppState>,
    Auth(session): Auth,
) -> AppResult<Json<GenReport>> {
    require_role(session.user.role, &PLANNERS, "run the plan generator")?;
    let hub = state.hub.clone();
    let now = crate::now_ms();
    let job = crate::jobs::PLAN_GENERATOR;
    tokio::task::spawn_blocking(move || {
        let wait = Some(crate::jobs::ON_DEMAND_WAIT);
        crate::jobs::exclusive(&hub, job, wait, || generator::run(&hub, now, None))
    })
    .await??
    .map(Json)
    .ok_or_else(|| crate::jobs::busy(job))
}

#[derive(Debug, Deserialize)]
pub struct AdherenceQuery {
    /// Window start (ms; default: 12 months ago).
    pub from_ms: Option<i64>,
    /// Window end (ms; default: now).
    pub to_ms: Option<i64>,
}

#[instrument(skip_all)]
pub async fn adherence_of(
    State(state): State<AppState>,
    Auth(session): Auth,
    path: Result<Path<String>, PathRejection>,
    query: Result<Query<AdherenceQuery>, QueryRejection>,
) -> AppResult<Json<Vec<MonthAdherence>>> {
    require_role(session.user.role, &READERS, "read plan adherence")?;
    let id = plan_id(path)?;
    let Query(q) = query?;
    let now = crate::now_ms();
    let from = q.from_ms.unwrap_or(now - 366 * 24 * 3600 * 1000);
    let to = q.to_ms.unwrap_or(now);
    let hub = state.hub.clone();
    let out = tokio::task::spawn_blocking(move || {
        let plan = generator::get_plan(&hub, id)?
            .ok_or_else(|| crate::hub::HubError::Invalid(format!("no plan {id}")))?;
        adherence(hub.db().blocking(), &plan, from, to, now)
    })
    .await??;
    Ok(Json(out))
}
