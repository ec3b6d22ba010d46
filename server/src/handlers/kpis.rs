//! `GET /v1/kpis?customer=…&month=YYYY-MM` (or `&quarter=YYYY-Qn`) as JSON, `GET /v1/kpis.csv`
//! (the same figures as CSV) and `GET /v1/kpis.pdf` (the summary with charts): the service
//! summary of one customer, compared with the period before and the trend over six periods.
//! `GET`/`PUT /v1/kpis/notes?customer=…&month=…|quarter=…`: what the supervisor writes into
//! that summary (technical summary, suggestions, evaluation of the inspection plan), which
//! the PDF shows after the figures. The task-completion table beside them: `tasks_table`.

use super::require_role;
use crate::error::{AppError, AppResult};
use crate::handlers::extract::Auth;
use crate::kpis::{self, KpiReport, Period, TaskTable};
use crate::report::summary::Notes;
use crate::state::AppState;
use crate::storage::SummaryNotes;
use axum::Json;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use fieldsync::{DocId, Role, TimestampMs};
use serde::{Deserialize, Serialize};
use tracing::instrument;

pub(super) const READERS: [Role; 3] = [Role::Supervisor, Role::Dispatcher, Role::Admin];

/// Who may write the notes of a summary.
const NOTE_WRITERS: [Role; 2] = [Role::Supervisor, Role::Admin];

/// The longest text of each note, in characters (a few pages of the PDF).
pub const NOTE_MAX_CHARS: usize = 8_000;

/// The longest customer id notes are kept for, in characters.
const CUSTOMER_MAX_CHARS: usize = 200;

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
        match (&self.month, &self.quarter) {
            (Some(_), Some(_)) => Err(AppError::BadRequest(
                "give either month or quarter, not both".into(),
            )),
            (Some(m), None) => parse_as(m, "month").map(Some),
            (None, Some(q)) => parse_as(q, "quarter").map(Some),
            (None, None) => Ok(None),
        }
    }
}

/// `s` as a period of `kind` (`month`, `quarter`, `year`: [`Period::kind`]); 400 naming the
/// shape wanted otherwise.
pub(crate) fn parse_as(s: &str, kind: &str) -> AppResult<Period> {
    let p = Period::parse(s).map_err(AppError::BadRequest)?;
    if p.kind() != kind {
        let want = match kind {
            "quarter" => "YYYY-Qn",
            "year" => "YYYY",
            _ => "YYYY-MM",
        };
        return Err(AppError::BadRequest(format!("{s:?} is not {want}")));
    }
    Ok(p)
}

/// The customer and the period named by a notes request: both are required (notes belong
/// to one month or quarter), the period as `/v1/kpis` names it (`2026-11`, `2026-Q4`).
fn notes_key(q: &KpiQuery) -> AppResult<(String, String)> {
    let customer = q.customer.trim();
    if customer.is_empty() {
        return Err(AppError::BadRequest("customer is required".into()));
    }
    if customer.chars().count() > CUSTOMER_MAX_CHARS {
        return Err(AppError::BadRequest(format!(
            "customer is longer than {CUSTOMER_MAX_CHARS} characters"
        )));
    }
    let period = q.period()?.ok_or_else(|| {
        AppError::BadRequest("give the period: month=YYYY-MM or quarter=YYYY-Qn".into())
    })?;
    Ok((customer.to_owned(), period.label()))
}

/// The notes of a summary as the API sends them: empty texts and no writer when nothing was
/// written yet.
#[derive(Clone, Debug, Serialize)]
pub struct NotesView {
    pub customer: String,
    pub period: String,
    pub technical_summary: String,
    pub suggestions: String,
    pub plan_evaluation: String,
    /// Display name of who wrote them last.
    pub updated_by: Option<String>,
    pub updated_at_ms: Option<TimestampMs>,
}

/// The three texts a supervisor writes; a `PUT` replaces all three.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotesBody {
    pub technical_summary: String,
    pub suggestions: String,
    pub plan_evaluation: String,
}

impl NotesBody {
    /// Each text within [`NOTE_MAX_CHARS`] and free of control characters other than line
    /// breaks and tabs.
    fn check(&self) -> AppResult<()> {
        for (name, text) in [
            ("technical_summary", &self.technical_summary),
            ("suggestions", &self.suggestions),
            ("plan_evaluation", &self.plan_evaluation),
        ] {
            let chars = text.chars().count();
            if chars > NOTE_MAX_CHARS {
                return Err(AppError::BadRequest(format!(
                    "{name} is {chars} characters long; at most {NOTE_MAX_CHARS} are kept"
                )));
            }
            if let Some(c) = text
                .chars()
                .find(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
            {
                return Err(AppError::BadRequest(format!(
                    "{name} contains the control character U+{:04X}",
                    c as u32
                )));
            }
        }
        Ok(())
    }
}

/// The stored notes of `customer` for `period` with the writer's display name, if any.
async fn stored_notes(
    state: &AppState,
    customer: String,
    period: String,
) -> AppResult<Option<(SummaryNotes, String)>> {
    Ok(state
        .db
        .call(move |s| {
            let Some(n) = s.summary_notes(&customer, &period)? else {
                return Ok(None);
            };
            // A writer removed since is still named by their id.
            let name = s
                .user_by_id(n.updated_by)?
                .map_or_else(|| n.updated_by.to_string(), |u| u.display_name);
            Ok(Some((n, name)))
        })
        .await?)
}

fn notes_view(
    customer: String,
    period: String,
    stored: Option<(SummaryNotes, String)>,
) -> NotesView {
    match stored {
        Some((n, name)) => NotesView {
            customer,
            period,
            technical_summary: n.technical_summary,
            suggestions: n.suggestions,
            plan_evaluation: n.plan_evaluation,
            updated_by: Some(name),
            updated_at_ms: Some(n.updated_at_ms),
        },
        None => NotesView {
            customer,
            period,
            technical_summary: String::new(),
            suggestions: String::new(),
            plan_evaluation: String::new(),
            updated_by: None,
            updated_at_ms: None,
        },
    }
}

/// `GET /v1/kpis/notes`: the supervisor's notes of one customer's summary of a period.
#[instrument(skip_all)]
pub async fn get_notes(
    State(state): State<AppState>,
    Auth(session): Auth,
    query: Result<Query<KpiQuery>, QueryRejection>,
) -> AppResult<Json<NotesView>> {
    require_role(session.user.role, &READERS, "read KPIs")?;
    let Query(q) = query?;
    let (customer, period) = notes_key(&q)?;
    let stored = stored_notes(&state, customer.clone(), period.clone()).await?;
    Ok(Json(notes_view(customer, period, stored)))
}

/// `PUT /v1/kpis/notes`: write the notes (supervisors and administrators); answers them as
/// stored.
#[instrument(skip_all)]
pub async fn put_notes(
    State(state): State<AppState>,
    Auth(session): Auth,
    query: Result<Query<KpiQuery>, QueryRejection>,
    payload: Result<Json<NotesBody>, JsonRejection>,
) -> AppResult<Json<NotesView>> {
    require_role(
        session.user.role,
        &NOTE_WRITERS,
        "write the notes of a service summary",
    )?;
    let Query(q) = query?;
    let (customer, period) = notes_key(&q)?;
    let Json(body) = payload?;
    body.check()?;
    let notes = SummaryNotes {
        customer_id: customer.clone(),
        period: period.clone(),
        technical_summary: body.technical_summary,
        suggestions: body.suggestions,
        plan_evaluation: body.plan_evaluation,
        updated_by: session.user.id,
        updated_at_ms: crate::now_ms(),
    };
    state.db.call(move |s| s.put_summary_notes(&notes)).await?;
    let stored = stored_notes(&state, customer.clone(), period.clone()).await?;
    Ok(Json(notes_view(customer, period, stored)))
}

/// The report, the customer's language and, for a quarter, the task-completion table of
/// the same records (the quarterly summary's appendix).
async fn build(
    state: &AppState,
    q: KpiQuery,
) -> AppResult<(KpiReport, fieldsync_i18n::Lang, Option<TaskTable>)> {
    if q.customer.trim().is_empty() {
        return Err(AppError::BadRequest("customer is required".into()));
    }
    let now = crate::now_ms();
    let asked = q.period()?;
    let hub = state.hub.clone();
    let customer = q.customer.clone();
    let (mut report, mut tasks) = tokio::task::spawn_blocking(move || {
        let period = match asked {
            Some(p) => p,
            None => Period::month_of_in(now, kpis::customer_zone(&hub, &customer)?),
        };
        let records = kpis::gather(&hub, &customer, period, now)?;
        let tasks = period
            .is_quarter()
            .then(|| kpis::tasks::table(&customer, &records, period, now));
        let report = kpis::report(&customer, &records, period, now);
        Ok::<_, crate::hub::HubError>((report, tasks))
    })
    .await??;
    let (name, lang) = customer_words(state, &report.customer).await?;
    report.customer_name = name.clone();
    if let Some(t) = &mut tasks {
        t.customer_name = name;
    }
    Ok((report, lang, tasks))
}

/// The customer's name as its sites give it, and its language: the first of its sites that
/// names one, else the server's default (customer documents are in the customer's
/// language, whoever asks).
pub(super) async fn customer_words(
    state: &AppState,
    customer: &str,
) -> AppResult<(Option<String>, fieldsync_i18n::Lang)> {
    let sites = state.db.call(|s| s.list_sites()).await?;
    let theirs: Vec<_> = sites
        .into_iter()
        .filter(|s| s.customer_id == customer)
        .collect();
    let name = theirs
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
    Ok((name, named.unwrap_or_else(fieldsync_i18n::current)))
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
    let (report, lang, _) = build(&state, q).await?;
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
    let (report, lang, tasks) = build(&state, q).await?;
    let name = safe_file_name(&format!(
        "service-summary-{}-{}.pdf",
        report.customer, report.current.period
    ));
    let notes = stored_notes(
        &state,
        report.customer.trim().to_owned(),
        report.current.period.clone(),
    )
    .await?
    .map(|(n, name)| Notes {
        technical_summary: n.technical_summary,
        suggestions: n.suggestions,
        plan_evaluation: n.plan_evaluation,
        written_by: name,
        written_at_ms: n.updated_at_ms,
    });
    let pdf = tokio::task::spawn_blocking(move || {
        crate::report::summary::render(&report, notes.as_ref(), tasks.as_ref(), lang)
    })
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

/// `name` with every character but ASCII letters, digits, `-` and `.` replaced by `_` (a
/// header value and a file name on every system).
pub(super) fn safe_file_name(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect()
}
