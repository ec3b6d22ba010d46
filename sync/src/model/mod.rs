//! Typed views over fieldsync's Automerge documents, and the edits the app makes to them.
//!
//! Reads go through autosurgeon's `Hydrate`; writes are *targeted* (one key, one list
//! insert, one text splice) so that concurrent offline edits touch disjoint keys and merge,
//! and so that fields this version does not know are never rewritten or dropped.

pub mod change;
pub mod check_kind;
pub mod conflicts;
pub mod device;
pub mod doc;
pub mod feedback;
mod hydrated;
pub mod json;
pub mod knowledge;
pub mod number;
pub mod outage;
pub mod read;
pub mod refusal;
pub mod site;
pub mod template;
pub mod work_order;

pub use change::{ApprovalDecision, ApprovalState, ChangeApproval, ChangeClass, decide_change};
pub use check_kind::CheckKind;
pub use conflicts::{FieldConflict, conflicts_at, scan_conflicts};
pub use device::DeviceRecord;
pub use doc::{DocHeader, ModelError, SCHEMA_VERSION, commit, header, new_document};
pub use feedback::{Complaint, Feedback, NewComplaint, Score};
pub use json::doc_to_json;
pub use knowledge::KnowledgeArticle;
pub use number::{NumberBlock, NumberLeaseRequest, WorkOrderNumber};
pub use outage::{Outage, Outages, clear_outage, mark_device_restored, record_outage};
pub use refusal::{FeedbackText, Refusal};
pub use site::Site;
pub use template::{ChecklistTemplate, TemplateItem};
pub use work_order::*;
