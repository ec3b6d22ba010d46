//! Supervisor review and the service report: `GET /v1/reviews`,
//! `POST /v1/work-orders/{id}/review` and `GET /v1/work-orders/{id}/report.pdf`.

use super::work_orders::resolve_user;
use super::{parse_doc_id, require_role};
use crate::error::{AppError, AppResult};
use crate::handlers::extract::Auth;
use crate::review::{self, DecisionOutcome, DecisionRequest, QueueFilter, QueueItem};
use crate::state::AppState;
use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use fieldsync::Role;
use tracing::instrument;

const REVIEWERS: [Role; 2] = [Role::Supervisor, Role::Admin];
const OFFICE: [Role; 3] = [Role::Dispatcher, Role::Supervisor, Role::Admin];

#[instrument(skip_all)]
pub async fn queue(
    State(state): State<AppState>,
    Auth(session): Auth,
    query: Result<Query<QueueFilter>, QueryRejection>,
) -> AppResult<Json<Vec<QueueItem>>> {
    require_role(session.user.role, &REVIEWERS, "review work orders")?;
    let Query(filter) = query?;
    let engineer = match &filter.engineer {
        Some(e) => Some(resolve_user(&state, e).await?.id.to_string()),
        None => None,
    };
    let hub = state.hub.clone();
    let now = crate::now_ms();
    let items =
        tokio::task::spawn_blocking(move || review::queue(&hub, &filter, engineer, now)).await??;
    Ok(Json(items))
}

#[instrument(skip_all, fields(doc))]
pub async fn decide(
    State(state): State<AppState>,
    Auth(session): Auth,
    path: Result<Path<String>, PathRejection>,
    payload: Result<Json<DecisionRequest>, JsonRejection>,
) -> AppResult<Json<DecisionOutcome>> {
    require_role(session.user.role, &REVIEWERS, "review work orders")?;
    let Path(id) = path?;
    let id = parse_doc_id(&id)?;
    tracing::Span::current().record("doc", tracing::field::display(id));
    let Json(req) = payload?;
    let hub = state.hub.clone();
    let now = crate::now_ms();
    let reviewer = session.user.clone();
    let outcome =
        tokio::task::spawn_blocking(move || review::decide(&hub, id, &reviewer, &req, now))
            .await??;
    tracing::info!(%id, decision = ?outcome.decision, by = %session.user.username, "review");
    Ok(Json(outcome))
}

/// `?upto=N`: the report as it was after the first N changes of the document's history.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportQuery {
    pub upto: Option<usize>,
}

/// The service report PDF: office roles, or an engineer assigned to the work order.
#[instrument(skip_all, fields(doc))]
pub async fn report_pdf(
    State(state): State<AppState>,
    Auth(session): Auth,
    path: Result<Path<String>, PathRejection>,
    query: Result<Query<ReportQuery>, QueryRejection>,
) -> AppResult<Response> {
    let Path(id) = path?;
    let Query(q) = query?;
    if q.upto.is_some() {
        // Past versions are for the office's review; engineers read the current report.
        require_role(session.user.role, &OFFICE, "read past versions of a report")?;
    }
    let id = parse_doc_id(&id)?;
    tracing::Span::current().record("doc", tracing::field::display(id));
    let hub = state.hub.clone();
    let blob_dir = state.config.blob_dir();
    let now = crate::now_ms();
    let data = tokio::task::spawn_blocking(move || {
        crate::report::gather(&hub, &blob_dir, id, now, q.upto)
    })
    .await??;
    let me = session.user.id.to_string();
    let allowed = OFFICE.contains(&session.user.role)
        || (session.user.role == Role::Engineer && data.wo.is_assigned_to(&me));
    if !allowed {
        // Not revealing whether the work order exists.
        return Err(AppError::NotFound(format!("no document {id}")));
    }
    let file = data.wo.number.clone().unwrap_or_else(|| id.to_string());
    let pdf = tokio::task::spawn_blocking(move || crate::report::render(&data)).await??;
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "inline; filename=\"service-report-{}.pdf\"",
                    safe_name(&file)
                ),
            ),
        ],
        pdf,
    )
        .into_response())
}

fn safe_name(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}
