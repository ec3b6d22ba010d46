//! The supervisor's screens; may import state, runtime types, leaf helpers and `screens::common`.
//!
//! The review queue with a report's history and evidence (photos, signature), and the KPI
//! dashboard with its device figures.

pub mod change_words;
pub mod changes;
pub mod dashboard;
pub mod devices;
pub mod evidence;
pub mod names;
pub mod review;
pub mod review_history;
