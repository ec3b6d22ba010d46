//! `GET /v1/kpis?customer=…&month=YYYY-MM` (JSON) and `GET /v1/kpis.csv` (the same figures
//! as CSV): the monthly service summary of one customer, compared with the month before.

use super::require_role;
use crate::auth::Auth;
use crate::error::{AppError, AppResult};
use crate::kpis::{self, KpiReport, Month};
use crate::state::AppState;
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use fieldsync::Role;
use serde::Deserialize;
use tracing::instrument;

const READERS: [Role; 3] = [Role::Supervisor, Role::Dispatcher, Role::Admin];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KpiQuery {
    pub customer: String,
    /// `YYYY-MM`; the current month when absent.
    pub month: Option<String>,
}

async fn build(state: &AppState, q: KpiQuery) -> AppResult<KpiReport> {
    if q.customer.trim().is_empty() {
        return Err(AppError::BadRequest("customer is required".into()));
    }
    let now = crate::now_ms();
    let month = match &q.month {
        Some(m) => Month::parse(m).map_err(AppError::BadRequest)?,
        None => kpis::current_month(now),
    };
    let hub = state.hub.clone();
    let customer = q.customer.clone();
    let (samples, truncated) =
        tokio::task::spawn_blocking(move || kpis::gather(&hub, &customer, month)).await??;
    Ok(kpis::report(&q.customer, &samples, month, now, truncated))
}

#[instrument(skip_all)]
pub async fn json(
    State(state): State<AppState>,
    Auth(session): Auth,
    query: Result<Query<KpiQuery>, QueryRejection>,
) -> AppResult<Json<KpiReport>> {
    require_role(session.user.role, &READERS, "read KPIs")?;
    let Query(q) = query?;
    Ok(Json(build(&state, q).await?))
}

#[instrument(skip_all)]
pub async fn csv(
    State(state): State<AppState>,
    Auth(session): Auth,
    query: Result<Query<KpiQuery>, QueryRejection>,
) -> AppResult<Response> {
    require_role(session.user.role, &READERS, "read KPIs")?;
    let Query(q) = query?;
    let report = build(&state, q).await?;
    let body = kpis::to_csv(&report).map_err(|e| AppError::Internal(format!("CSV: {e}")))?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"kpis-{}.csv\"", report.current.month),
            ),
        ],
        body,
    )
        .into_response())
}
