//! The dispatcher's screen; may import state, runtime types, leaf helpers and `screens::common`.
//!
//! The dispatch screen and its tabs: the board, an incident from a phone call, plans; and
//! the problem records the dispatcher shares with the supervisor.

pub mod board_card;
pub mod board_timeline;
pub mod dispatch;
pub mod dispatch_board;
pub mod dispatch_call;
pub mod plan_recurrence;
pub mod plans;
pub mod problem_form;
pub mod problems;
