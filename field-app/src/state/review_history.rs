//! The review page's history of one work order: the server's change list
//! (`/v1/docs/{id}/history`), the report as it was after any change
//! (`/v1/docs/{id}/at?upto=k`), the calls that fetch them and the answers folded in. The
//! history needs a connection; the current report comes from this device.

use super::command::Command;
use super::{AppState, Flash};
use crate::runtime::messages::{ApiAnswer, ApiCall, ApiError};
use fieldsync::DocId;
use fieldsync::model::WorkOrder;
use fieldsync_i18n::t;
use serde::Deserialize;
use std::collections::BTreeMap;

/// Tag prefix of this screen's API calls; `review.history:<doc>` and `review.at:<doc>:<k>`.
pub const TAG: &str = "review.";

const TAG_HISTORY: &str = "review.history:";

const TAG_AT: &str = "review.at:";

/// One change of a document's history, as `GET /v1/docs/{id}/history` sends it.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct Change {
    pub hash: String,
    /// The author's display name ("server" for the server's own writes).
    pub user: String,
    /// The author's device clock (whole seconds).
    pub device_time_ms: i64,
    /// When the server received the change, if the server reports it.
    pub received_at_ms: Option<i64>,
    pub message: Option<String>,
    /// Top-level fields the change touched.
    pub fields: Vec<String>,
}

/// `GET /v1/docs/{id}/at?upto=k`.
#[derive(Debug, Deserialize)]
struct DocAt {
    upto: usize,
    total: usize,
    doc: serde_json::Value,
}

/// The report as it was after change `upto` of `total`.
#[derive(Clone, Debug)]
pub struct PastState {
    pub upto: usize,
    pub total: usize,
    pub wo: WorkOrder,
}

/// One work order's history on the review page.
#[derive(Clone, Debug, Default)]
pub struct HistoryState {
    /// The work order shown; `None` shows the queue.
    pub doc: Option<DocId>,
    /// The report as it stands on this device.
    pub current: Option<Box<WorkOrder>>,
    /// The server's change list, once it came.
    pub changes: Option<Vec<Change>>,
    pub loading: bool,
    /// Why the history could not be loaded, in words.
    pub problem: Option<String>,
    /// `Some(k)`: the page shows the report as it was after change k (1-based).
    pub viewing: Option<usize>,
    /// The slider's position (follows `viewing`; moves freely while dragged).
    pub slider: usize,
    /// Past states already fetched, by change number.
    pub past: BTreeMap<usize, PastState>,
    pub past_loading: Option<usize>,
    pub past_problem: Option<String>,
}

impl HistoryState {
    /// The page for `id`, showing `current` until the history arrives.
    pub fn open(id: DocId, current: WorkOrder) -> Self {
        HistoryState {
            doc: Some(id),
            current: Some(Box::new(current)),
            loading: true,
            ..Default::default()
        }
    }
}

pub fn history_call(id: DocId) -> ApiCall {
    ApiCall::get(
        format!("{TAG_HISTORY}{id}"),
        format!("/v1/docs/{id}/history"),
    )
}

pub fn at_call(id: DocId, upto: usize) -> ApiCall {
    ApiCall::get(
        format!("{TAG_AT}{id}:{upto}"),
        format!("/v1/docs/{id}/at?upto={upto}"),
    )
}

/// Plain words for a failed history call.
fn problem_text(e: &ApiError) -> String {
    match e {
        ApiError::Offline(_) => t!("review-history-offline"),
        ApiError::NeedsSignIn => t!("review-history-sign-in"),
        e => t!("review-history-load-failed", error = e.to_string()),
    }
}

/// Answers to this screen's calls; answers for a work order no longer shown are dropped.
pub fn on_api_answer(state: &mut AppState, answer: ApiAnswer) {
    let h = &mut state.review_history;
    let shown = h.doc.map(|d| d.to_string()).unwrap_or_default();
    if let Some(doc) = answer.tag.strip_prefix(TAG_HISTORY) {
        if doc != shown {
            return;
        }
        h.loading = false;
        match answer
            .result
            .and_then(|r| r.json::<Vec<Change>>().map_err(ApiError::Other))
        {
            Ok(changes) => {
                h.problem = None;
                h.slider = changes.len();
                h.changes = Some(changes);
            }
            Err(e) => h.problem = Some(problem_text(&e)),
        }
        return;
    }
    if let Some(rest) = answer.tag.strip_prefix(TAG_AT) {
        let Some((doc, k)) = rest.rsplit_once(':') else {
            return;
        };
        let Ok(k) = k.parse::<usize>() else { return };
        if doc != shown {
            return;
        }
        if h.past_loading == Some(k) {
            h.past_loading = None;
        }
        let read = answer.result.and_then(|r| {
            let at: DocAt = r.json().map_err(ApiError::Other)?;
            let wo: WorkOrder = serde_json::from_value(at.doc).map_err(|e| {
                ApiError::Other(t!("review-history-past-unreadable", error = e.to_string()))
            })?;
            Ok(PastState {
                upto: at.upto,
                total: at.total,
                wo,
            })
        });
        match read {
            Ok(p) => {
                h.past.insert(k, p);
                if h.viewing == Some(k) {
                    h.past_problem = None;
                }
            }
            Err(e) if h.viewing == Some(k) => h.past_problem = Some(problem_text(&e)),
            Err(_) => {}
        }
        return;
    }
    if let Err(e) = answer.result {
        state.flash = Some(Flash {
            text: e.to_string(),
            error: true,
        });
    }
}

/// Show the report as it was after change `k` (asks the server unless already fetched).
pub fn show_change(state: &mut AppState, k: usize, out: &mut Vec<Command>) {
    let h = &mut state.review_history;
    let Some(id) = h.doc else { return };
    h.viewing = Some(k);
    h.slider = k;
    h.past_problem = None;
    if !h.past.contains_key(&k) && h.past_loading != Some(k) {
        h.past_loading = Some(k);
        out.push(Command::Api(at_call(id, k)));
    }
}
