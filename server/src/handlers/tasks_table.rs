//! `GET /v1/kpis/tasks?customer=…&quarter=YYYY-Qn` (or `year=YYYY`, `month=YYYY-MM`), and
//! `/v1/kpis/tasks.csv`, `/v1/kpis/tasks.pdf`: the maintenance task-completion table
//! (季度维护工作任务完成记录汇总表) of one customer, for the same readers as the summary.

use super::kpis::{READERS, customer_words, parse_as, safe_file_name};
use super::require_role;
use crate::error::{AppError, AppResult};
use crate::handlers::extract::Auth;
use crate::kpis::{self, Period, TaskTable};
use crate::state::AppState;
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tracing::instrument;

/// `GET /v1/kpis/tasks…?customer=…&quarter=YYYY-Qn` (or `month=YYYY-MM`, `year=YYYY`; one
/// of them is required): the task-completion table.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaskQuery {
    pub customer: String,
    pub month: Option<String>,
    pub quarter: Option<String>,
    pub year: Option<String>,
}

impl TaskQuery {
    fn period(&self) -> AppResult<Period> {
        let given: Vec<(&String, &str)> = [
            (&self.month, "month"),
            (&self.quarter, "quarter"),
            (&self.year, "year"),
        ]
        .into_iter()
        .filter_map(|(v, kind)| v.as_ref().map(|v| (v, kind)))
        .collect();
        match given.as_slice() {
            [(v, kind)] => parse_as(v, kind),
            [] => Err(AppError::BadRequest(
                "give the period: quarter=YYYY-Qn, year=YYYY or month=YYYY-MM".into(),
            )),
            _ => Err(AppError::BadRequest(
                "give one of month, quarter or year, not several".into(),
            )),
        }
    }
}

/// The table of the asked customer and period, and the customer's language.
async fn build_tasks(
    state: &AppState,
    q: TaskQuery,
) -> AppResult<(TaskTable, fieldsync_i18n::Lang)> {
    let customer = q.customer.trim().to_owned();
    if customer.is_empty() {
        return Err(AppError::BadRequest("customer is required".into()));
    }
    let period = q.period()?;
    let now = crate::now_ms();
    let hub = state.hub.clone();
    let id = customer.clone();
    let mut table = tokio::task::spawn_blocking(move || {
        let records = kpis::gather_periods(&hub, &id, period, 1, now)?;
        Ok::<_, crate::hub::HubError>(kpis::tasks::table(&id, &records, period, now))
    })
    .await??;
    let (name, lang) = customer_words(state, &customer).await?;
    table.customer_name = name;
    Ok((table, lang))
}

/// `GET /v1/kpis/tasks`: the task-completion table as JSON.
#[instrument(skip_all)]
pub async fn tasks_json(
    State(state): State<AppState>,
    Auth(session): Auth,
    query: Result<Query<TaskQuery>, QueryRejection>,
) -> AppResult<Json<TaskTable>> {
    require_role(session.user.role, &READERS, "read KPIs")?;
    let Query(q) = query?;
    Ok(Json(build_tasks(&state, q).await?.0))
}

/// `GET /v1/kpis/tasks.csv`: the table as CSV in the customer's language.
#[instrument(skip_all)]
pub async fn tasks_csv(
    State(state): State<AppState>,
    Auth(session): Auth,
    query: Result<Query<TaskQuery>, QueryRejection>,
) -> AppResult<Response> {
    require_role(session.user.role, &READERS, "read KPIs")?;
    let Query(q) = query?;
    let (table, lang) = build_tasks(&state, q).await?;
    let body = crate::report::tasks::csv::to_csv(&table, lang)
        .map_err(|e| AppError::Internal(format!("CSV: {e}")))?;
    let name = safe_file_name(&format!("tasks-{}-{}.csv", table.customer, table.period));
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        body,
    )
        .into_response())
}

/// `GET /v1/kpis/tasks.pdf`: the table as an A4 PDF in the customer's language.
#[instrument(skip_all)]
pub async fn tasks_pdf(
    State(state): State<AppState>,
    Auth(session): Auth,
    query: Result<Query<TaskQuery>, QueryRejection>,
) -> AppResult<Response> {
    require_role(session.user.role, &READERS, "read KPIs")?;
    let Query(q) = query?;
    let (table, lang) = build_tasks(&state, q).await?;
    let name = safe_file_name(&format!("tasks-{}-{}.pdf", table.customer, table.period));
    let pdf =
        tokio::task::spawn_blocking(move || crate::report::tasks::render(&table, lang)).await??;
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"{name}\""),
            ),
        ],
        pdf,
    )
        .into_response())
}
