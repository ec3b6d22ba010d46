//! fieldsync: the library both the field app and the hub server are built on.
//!
//! - [`model`]: typed views over the Automerge documents (work orders, devices, sites,
//!   templates, knowledge articles) and the targeted edits that merge well;
//! - [`status`]: the event-log fold that derives a work order's status;
//! - [`policy`]: who may change which paths, checked op by op;
//! - [`problem`]: problem records (root causes, known errors) the hub keeps for the office;
//! - [`wire`]: the sync protocol's messages and their binary encoding;
//! - [`engine`]: the sans-IO device side of sync;
//! - [`store`]: the app's local SQLite document store.

pub mod engine;
pub mod fingerprint;
pub mod ids;
pub mod model;
pub mod policy;
pub mod problem;
pub mod sla;
pub mod status;
pub mod store;
pub mod testing;
pub mod wire;

pub use fingerprint::cert_fingerprint;
pub use ids::{DeviceId, DocId, DocKind, Role, TimestampMs, UserId};
