//! The dispatch board's state: the rows, the sort, the day shown, the selected work order and
//! what the dispatcher is choosing in its card, and the answers to the board's calls.

use super::dispatch_model::{self as model, BoardRow, QueueSort, Suggestion};
use super::{flash_error, flash_ok, may_dispatch, parse};
use crate::runtime::messages::{ApiCall, ApiError, ApiReply};
use crate::state::AppState;
use crate::state::command::Command;
use chrono::NaiveDate;
use fieldsync::TimestampMs;
use fieldsync_i18n::t;

/// What the board shows and the dispatcher is choosing.
#[derive(Debug)]
pub struct BoardState {
    pub rows: Vec<BoardRow>,
    pub sort: QueueSort,
    /// The day the dispatcher moved the timeline to; `None` follows today in the board's
    /// zone (which is only known once the contracts arrived).
    pub day: Option<NaiveDate>,
    /// The selected work order (doc id).
    pub selected: Option<String>,
    /// Suggestions for the selected work order, or why there are none.
    pub suggestions: Option<Result<Vec<Suggestion>, String>>,
    /// The engineer chosen in the card (user id).
    pub pick: Option<String>,
    pub duration_min: i64,
    /// The slot chosen in the card.
    pub slot: Option<(TimestampMs, TimestampMs)>,
    /// The slot to write once the assignment it belongs to succeeded: (doc id, slot).
    pub pending_slot: Option<(String, (TimestampMs, TimestampMs))>,
    /// The reschedule on its way is the second half of an assignment (doc id): its answer
    /// says "assigned", not "rescheduled".
    pub scheduling_assignment: Option<String>,
    /// A change is on its way to the server (buttons wait for the answer).
    pub busy: bool,
}

impl Default for BoardState {
    fn default() -> Self {
        BoardState {
            rows: Vec::new(),
            sort: QueueSort::Priority,
            day: None,
            selected: None,
            suggestions: None,
            pick: None,
            duration_min: 60,
            slot: None,
            pending_slot: None,
            scheduling_assignment: None,
            busy: false,
        }
    }
}

impl BoardState {
    /// The day the timeline shows.
    pub fn shown_day(&self, tz: chrono_tz::Tz, now: TimestampMs) -> NaiveDate {
        self.day.unwrap_or_else(|| model::local_date(tz, now))
    }

    pub fn selected_row(&self) -> Option<&BoardRow> {
        let id = self.selected.as_deref()?;
        self.rows.iter().find(|r| r.doc_id == id)
    }

    /// After new rows arrived: a selection that vanished (e.g. cancelled) is dropped.
    pub fn after_reload(&mut self) {
        if self.selected.is_some() && self.selected_row().is_none() {
            self.selected = None;
            self.suggestions = None;
        }
    }
}

/// Select a work order and ask for suggestions (dispatchers only).
pub fn select(state: &mut AppState, doc_id: &str, out: &mut Vec<Command>) {
    let b = &mut state.dispatch.board;
    if b.selected.as_deref() == Some(doc_id) {
        return;
    }
    b.selected = Some(doc_id.to_string());
    b.pick = None;
    b.slot = None;
    b.suggestions = None;
    if may_dispatch(state) {
        out.push(Command::Api(ApiCall::get(
            format!("dispatch.suggest.{doc_id}"),
            format!("/v1/work-orders/{doc_id}/suggestions"),
        )));
    }
}

pub fn reschedule_call(id: &str, (start, end): (TimestampMs, TimestampMs)) -> ApiCall {
    ApiCall::post_json(
        format!("dispatch.reschedule.{id}"),
        format!("/v1/work-orders/{id}/reschedule"),
        &serde_json::json!({ "start_ms": start, "end_ms": end }),
    )
}

/// Answers to the board's calls (`suggest.`, `assign.`, `unassign.`, `reschedule.`).
pub fn on_answer(state: &mut AppState, rest: &str, result: Result<ApiReply, ApiError>) {
    let now = state.now_ms;
    let (kind, id) = rest.split_once('.').unwrap_or((rest, ""));
    match kind {
        "suggest" => {
            let b = &mut state.dispatch.board;
            if b.selected.as_deref() == Some(id) {
                b.suggestions = Some(match result {
                    Ok(r) => parse::<Vec<Suggestion>>(&r),
                    Err(e) => Err(e.to_string()),
                });
            }
        }
        "assign" | "unassign" | "reschedule" => {
            let d = &mut state.dispatch;
            d.board.busy = false;
            let pending = d.board.pending_slot.take();
            match result {
                Ok(_) => {
                    let second_half = kind == "reschedule"
                        && d.board.scheduling_assignment.as_deref() == Some(id);
                    d.board.scheduling_assignment = None;
                    if kind == "assign"
                        && let Some((pid, slot)) = pending.filter(|(p, _)| p == id)
                    {
                        d.board.busy = true;
                        d.board.scheduling_assignment = Some(pid.clone());
                        d.outbox.push(Command::Api(reschedule_call(&pid, slot)));
                    }
                    d.board.slot = None;
                    d.reload_at_ms = Some(now);
                    let text = match kind {
                        "assign" => t!("board-done-assigned"),
                        "unassign" => t!("board-done-unassigned"),
                        _ if second_half => t!("board-done-assigned-scheduled"),
                        _ => t!("board-done-rescheduled"),
                    };
                    flash_ok(state, text);
                }
                Err(e) => {
                    d.reload_at_ms = Some(now);
                    let second_half = d.board.scheduling_assignment.take().as_deref() == Some(id);
                    let what = match kind {
                        "assign" => t!("board-fail-assign"),
                        "unassign" => t!("board-fail-unassign"),
                        _ if second_half => t!("board-fail-slot"),
                        _ => t!("board-fail-reschedule"),
                    };
                    flash_error(state, &what, &e);
                }
            }
        }
        other => {
            let msg = match result {
                Ok(_) => t!("board-unexpected-answer", tag = other),
                Err(e) => e.to_string(),
            };
            flash_error(state, &t!("board-dispatch"), &ApiError::Other(msg));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Assigning into a chosen slot is two calls (assign, then reschedule); the dispatcher is
    /// told "assigned and scheduled", not "rescheduled", for a first assignment.
    #[test]
    fn a_first_assignment_into_a_slot_says_assigned() {
        let ok = || {
            Ok(ApiReply {
                status: 200,
                content_type: "application/json".into(),
                bytes: b"{}".to_vec(),
            })
        };
        let mut state = AppState::default();
        state.dispatch.board.pending_slot = Some(("wo-1".into(), (1_000, 2_000)));
        on_answer(&mut state, "assign.wo-1", ok());
        assert_eq!(state.dispatch.outbox.len(), 1, "the slot is written next");
        assert!(state.flash.as_ref().unwrap().text.starts_with("Assigned —"));
        on_answer(&mut state, "reschedule.wo-1", ok());
        let flash = state.flash.clone().unwrap();
        assert!(
            flash.text.starts_with("Assigned and scheduled —"),
            "{}",
            flash.text
        );
        // A later move of the same visit is a reschedule.
        on_answer(&mut state, "reschedule.wo-1", ok());
        assert!(state.flash.unwrap().text.starts_with("Rescheduled —"));
    }
}
