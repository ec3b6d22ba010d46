//! The supervisor's screens; may import state, runtime types, leaf helpers and `screens::common`.
//!
//! The review queue with a report's history, and the KPI dashboard with its device figures.

pub mod dashboard;
pub mod devices;
pub mod review;
pub mod review_history;
