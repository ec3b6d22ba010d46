//! `GET /v1/kpis?customer=…&month=YYYY-MM` (or `&quarter=YYYY-Qn`) as JSON, `GET /v1/kpis.csv`
//! (the same figures as CSV) and `GET /v1/kpis.pdf` (the summary with charts): the service
//! summary of one customer, compared with the period before and the trend over six periods.

use super::require_role;
use crate::error::{AppError, AppResult};
use crate::handlers::extract::Auth;
use crate::kpis::{self, KpiReport, Period};
use crate::state::AppState;
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use fieldsync::{DocId, Role};
use serde::Deserialize;
use tracing::instrument;

const READERS: [Role; 3] = [Role::Supervisor, Role::Dispatcher, Role::Admin];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KpiQuery {
    pub customer: String,
    /// `YYYY-MM`; the current month when neither this nor `quarter` is given.
    pub month: Option<String>,
    /// `YYYY-Qn`: the quarterly view.
    pub quarter: Option<String>,
}

impl KpiQuery {
    /// The period asked for; `None`: the current month (in the customer's zone).
    fn period(&self) -> AppResult<Option<Period>> {
        let parse = |s: &str, quarter: bool| {
            let p = Period::parse(s).map_err(AppError::BadRequest)?;
            if p.is_quarter() != quarter {
                let want = if quarter { "YYYY-Qn" } else { "YYYY-MM" };
                return Err(AppError::BadRequest(format!("{s:?} is not {want}")));
            }
            Ok(p)
        };
        match (&self.month, &self.quarter) {
            (Some(_), Some(_)) => Err(AppError::BadRequest(
                "give either month or quarter, not both".into(),
            )),
            (Some(m), None) => parse(m, false).map(Some),
            (None, Some(q)) => parse(q, true).map(Some),
            (None, None) => Ok(None),
        }
    }
}

/// The report, and the customer's language: the first of its sites that names one, else
/// the server's default (customer documents are in the customer's language, whoever asks).
async fn build(state: &AppState, q: KpiQuery) -> AppResult<(KpiReport, fieldsync_i18n::Lang)> {
    if q.customer.trim().is_empty() {
        return Err(AppError::BadRequest("customer is required".into()));
    }
    let now = crate::now_ms();
    let asked = q.period()?;
    let hub = state.hub.clone();
    let customer = q.customer.clone();
    let mut report = tokio::task::spawn_blocking(move || {
        let period = match asked {
            Some(p) => p,
            None => Period::month_of_in(now, kpis::customer_zone(&hub, &customer)?),
        };
        let records = kpis::gather(&hub, &customer, period, now)?;
        Ok::<_, crate::hub::HubError>(kpis::report(&customer, &records, period, now))
    })
    .await??;
    let sites = state.db.call(|s| s.list_sites()).await?;
    let theirs: Vec<_> = sites
        .into_iter()
        .filter(|s| s.customer_id == report.customer)
        .collect();
    report.customer_name = theirs
        .iter()
        .find(|s| !s.customer_name.is_empty())
        .map(|s| s.customer_name.clone());
    let hub = state.hub.clone();
    let ids: Vec<DocId> = theirs
        .iter()
        .filter_map(|s| s.doc_id.parse().ok())
        .collect();
    let named = tokio::task::spawn_blocking(move || {
        for id in ids {
            let Some((_, doc)) = hub.load(id)? else {
                continue;
            };
            let lang = fieldsync::model::Site::from_doc(&doc)
                .ok()
                .and_then(|s| s.language)
                .and_then(|code| fieldsync_i18n::Lang::from_code(&code));
            if lang.is_some() {
                return Ok(lang);
            }
        }
        Ok::<_, crate::hub::HubError>(None)
    })
    .await??;
    Ok((report, named.unwrap_or_else(fieldsync_i18n::current)))
}

#[instrument(skip_all)]
pub async fn json(
    State(state): State<AppState>,
    Auth(session): Auth,
    query: Result<Query<KpiQuery>, QueryRejection>,
) -> AppResult<Json<KpiReport>> {
    require_role(session.user.role, &READERS, "read KPIs")?;
    let Query(q) = query?;
    Ok(Json(build(&state, q).await?.0))
}

#[instrument(skip_all)]
pub async fn csv(
    State(state): State<AppState>,
    Auth(session): Auth,
    query: Result<Query<KpiQuery>, QueryRejection>,
) -> AppResult<Response> {
    require_role(session.user.role, &READERS, "read KPIs")?;
    let Query(q) = query?;
    let (report, lang) = build(&state, q).await?;
    let body = crate::report::summary::csv::to_csv(&report, lang)
        .map_err(|e| AppError::Internal(format!("CSV: {e}")))?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"kpis-{}.csv\"",
                    report.current.period
                ),
            ),
        ],
        body,
    )
        .into_response())
}

/// The summary as an A4 PDF with charts.
#[instrument(skip_all)]
pub async fn pdf(
    State(state): State<AppState>,
    Auth(session): Auth,
    query: Result<Query<KpiQuery>, QueryRejection>,
) -> AppResult<Response> {
    require_role(session.user.role, &READERS, "read KPIs")?;
    let Query(q) = query?;
    let (report, lang) = build(&state, q).await?;
    let name = format!(
        "service-summary-{}-{}.pdf",
        report.customer, report.current.period
    );
    let name: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let pdf = tokio::task::spawn_blocking(move || crate::report::summary::render(&report, lang))
        .await??;
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
