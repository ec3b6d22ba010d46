//! Storage for dispatch, SLA and inspection plans: contracts per customer, plans and their
//! generated occurrences, engineer profiles (skills, home customers, level), notifications,
//! and event receipt times for the SLA clock guard.
//!
//! A separate trait so a backend can add it on its own schedule: [`super::Storage::scheduling`]
//! returns `None` by default, and the callers answer "not supported by this database".
//! Bodies of contracts and plans are JSON text owned by the server's `sla`/`plans` modules,
//! so the backends stay schema-light.

use super::Result;
use fieldsync::TimestampMs;
use serde::{Deserialize, Serialize};

/// A stored contract: the customer and the JSON of a `fieldsync::sla::Contract`.
#[derive(Clone, Debug)]
pub struct ContractRow {
    pub customer_id: String,
    pub body: String,
    pub updated_at_ms: TimestampMs,
}

/// A stored inspection plan: the JSON of a `crate::plans::Plan`.
#[derive(Clone, Debug)]
pub struct PlanRow {
    pub id: String,
    pub customer_id: String,
    pub paused: bool,
    pub body: String,
    pub updated_at_ms: TimestampMs,
}

/// One generated occurrence of a plan (the work order has a deterministic id).
#[derive(Clone, Debug)]
pub struct NewOccurrence {
    pub plan_id: String,
    pub start_ms: TimestampMs,
    pub end_ms: TimestampMs,
    pub doc_id: String,
    pub created_at_ms: TimestampMs,
}

/// An occurrence with its work order's projected state.
#[derive(Clone, Debug, Serialize)]
pub struct OccurrenceRow {
    pub plan_id: String,
    pub start_ms: TimestampMs,
    pub end_ms: TimestampMs,
    pub doc_id: String,
    pub status: Option<String>,
    pub completed_at_ms: Option<TimestampMs>,
    pub assignees: Vec<String>,
}

/// What dispatch knows of an engineer beyond the user record.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct EngineerProfile {
    pub user_id: String,
    /// Device types and categories the engineer handles, e.g. `ups`, `network`, `printer`.
    #[serde(default)]
    pub skills: Vec<String>,
    /// Customers the engineer is resident at or usually serves (territory).
    #[serde(default)]
    pub customers: Vec<String>,
    /// 1 (junior) … 3 (expert): functional escalation suggests a higher level.
    #[serde(default = "default_level")]
    pub level: i64,
}

fn default_level() -> i64 {
    1
}

#[derive(Clone, Debug)]
pub struct NewNotification {
    pub user_id: String,
    pub doc_id: Option<String>,
    pub kind: String,
    pub message: String,
    pub created_at_ms: TimestampMs,
}

#[derive(Clone, Debug, Serialize)]
pub struct NotificationRow {
    pub id: i64,
    pub user_id: String,
    pub doc_id: Option<String>,
    pub kind: String,
    pub message: String,
    pub created_at_ms: TimestampMs,
}

/// A work-order event as projected, with the time the server first stored it.
#[derive(Clone, Debug)]
pub struct EventReceipt {
    pub doc_id: String,
    pub event_id: String,
    pub kind: String,
    pub at_ms: TimestampMs,
    pub note: Option<String>,
    pub received_at_ms: TimestampMs,
}

/// Dispatch, SLA and plan storage. Methods are blocking, one transaction each.
pub trait SchedulingStore: Send + Sync {
    /// Insert or replace the contract of a customer.
    fn put_contract(&self, row: &ContractRow) -> Result<()>;
    fn contract(&self, customer_id: &str) -> Result<Option<ContractRow>>;
    fn list_contracts(&self) -> Result<Vec<ContractRow>>;

    /// Insert or replace a plan.
    fn put_plan(&self, row: &PlanRow) -> Result<()>;
    fn plan(&self, id: &str) -> Result<Option<PlanRow>>;
    fn list_plans(&self) -> Result<Vec<PlanRow>>;
    /// Delete a plan (its generated work orders stay); `false` if there was none.
    fn delete_plan(&self, id: &str) -> Result<bool>;
    /// Record generated occurrences in one transaction; returns how many were new (one
    /// recorded already is left as it is, so re-runs are idempotent).
    fn record_occurrences(&self, occs: &[NewOccurrence]) -> Result<usize>;
    /// Occurrences of a plan starting in `[from_ms, to_ms)`, by start, with their work
    /// orders' status.
    fn plan_occurrences(
        &self,
        plan_id: &str,
        from_ms: TimestampMs,
        to_ms: TimestampMs,
    ) -> Result<Vec<OccurrenceRow>>;

    /// Insert or replace an engineer's profile.
    fn put_profile(&self, profile: &EngineerProfile) -> Result<()>;
    fn profiles(&self) -> Result<Vec<EngineerProfile>>;

    fn add_notification(&self, n: &NewNotification) -> Result<()>;
    /// Newest first.
    fn notifications(&self, user_id: &str, limit: u32) -> Result<Vec<NotificationRow>>;

    /// Projected events of these work orders with their receipt times, in log order.
    fn work_order_events(&self, doc_ids: &[String]) -> Result<Vec<EventReceipt>>;
}

/// The scheduling store of a backend, or a clear error if it has none yet.
pub fn scheduling_of(s: &dyn super::Storage) -> Result<&dyn SchedulingStore> {
    s.scheduling().ok_or_else(|| {
        super::StorageError::Invalid(
            "this database backend does not support contracts, plans and dispatch yet".into(),
        )
    })
}
