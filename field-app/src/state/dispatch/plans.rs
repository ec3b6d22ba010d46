//! The inspection plans tab's state: the list, the draft in the editor and the server's
//! preview of its occurrences, and the answers to the plans calls.

use super::plans_model::{Occurrence, Plan, PlanDraft};
use super::{flash_error, flash_ok, parse};
use crate::runtime::messages::{ApiCall, ApiError, ApiReply};
use crate::state::AppState;
use crate::state::command::Command;
use fieldsync::TimestampMs;
use fieldsync_i18n::t;

/// What the plans tab shows and edits.
#[derive(Debug, Default)]
pub struct PlansState {
    pub list: Vec<Plan>,
    pub loaded: bool,
    /// The server answered the list at least once (an empty list then means no plans).
    pub answered: bool,
    pub error: Option<String>,
    pub editor: Option<PlanDraft>,
    /// The server's preview of the draft, or why it could not expand it.
    pub preview: Option<Result<Vec<Occurrence>, String>>,
    /// JSON of the draft last sent for preview, and of the draft waiting to be sent.
    pub previewed: Option<String>,
    pub pending: Option<(String, TimestampMs)>,
    pub saving: bool,
    pub editor_error: Option<String>,
}

/// The tab was opened: (re)load the plans and the names they show.
pub fn opened(state: &mut AppState, out: &mut Vec<Command>) {
    out.push(Command::Api(ApiCall::get("dispatch.plans", "/v1/plans")));
    if state.dispatch.sites.is_empty() {
        out.push(Command::Api(ApiCall::get("dispatch.sites", "/v1/sites")));
    }
    if state.dispatch.engineers.is_empty() {
        out.push(Command::Api(ApiCall::get(
            "dispatch.engineers",
            "/v1/engineers",
        )));
    }
}

/// Forget the preview (a new draft, or the draft was saved).
pub fn reset_preview(plans: &mut PlansState) {
    plans.preview = None;
    plans.previewed = None;
    plans.pending = None;
    plans.editor_error = None;
    plans.saving = false;
}

/// Answers to `plans` and `plan.*` calls.
pub fn on_answer(state: &mut AppState, rest: &str, result: Result<ApiReply, ApiError>) {
    let plans = &mut state.dispatch.plans;
    match rest {
        "plans" => match result.map_err(|e| e.to_string()).and_then(|r| parse(&r)) {
            Ok(list) => {
                plans.list = list;
                plans.answered = true;
                plans.error = None;
            }
            Err(e) => plans.error = Some(e),
        },
        "plan.preview" => {
            plans.preview = Some(result.map_err(|e| server_words(&e)).and_then(|r| parse(&r)));
        }
        "plan.save" => {
            plans.saving = false;
            match result {
                Ok(_) => {
                    plans.editor = None;
                    reset_preview(plans);
                    state
                        .dispatch
                        .outbox
                        .push(Command::Api(ApiCall::get("dispatch.plans", "/v1/plans")));
                    state.dispatch.reload_at_ms = Some(state.now_ms);
                    flash_ok(state, t!("plans-saved"));
                }
                Err(e) => {
                    plans.editor_error = Some(t!("plans-not-saved", error = server_words(&e)))
                }
            }
        }
        other if other.starts_with("plan.pause.") => match result {
            Ok(_) => {
                state
                    .dispatch
                    .outbox
                    .push(Command::Api(ApiCall::get("dispatch.plans", "/v1/plans")));
            }
            Err(e) => flash_error(state, &t!("plans-pause-failed"), &e),
        },
        _ => {}
    }
}

/// The server's refusal as the dispatcher should read it: a rule in words, else its
/// message, which names the field.
fn server_words(e: &ApiError) -> String {
    match e {
        ApiError::Server {
            refusal: None,
            message,
            ..
        } => message.clone(),
        other => other.to_string(),
    }
}
