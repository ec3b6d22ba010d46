//! The engineer's screens; may import state, runtime types, leaf helpers and `screens::common`.
//!
//! My work, the work order (checklist, outages, parts, photos, signature), devices, a new
//! incident, the knowledge base.

pub mod checklist;
pub mod devices;
pub mod knowledge;
pub mod my_work;
pub mod new_incident;
pub mod outages;
pub mod wo_extras;
pub mod work_order;
