//! Plan adherence per month (in the plan's time zone): planned vs done on time (completed by
//! the window's end) vs late vs missed (window over, not completed) vs still open.
//! Occurrences cancelled by a plan edit are not planned any more and are counted apart.

use super::Plan;
use crate::hub::HubError;
use crate::storage::{Storage, scheduling_of};
use fieldsync::TimestampMs;
use fieldsync::status::Status;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct MonthAdherence {
    /// `YYYY-MM`
    pub month: String,
    pub planned: usize,
    pub done_on_time: usize,
    pub late: usize,
    pub missed: usize,
    pub open: usize,
    pub cancelled: usize,
}

/// Adherence of one plan for occurrences starting in `[from_ms, to_ms)`, by month.
pub fn adherence(
    s: &dyn Storage,
    plan: &Plan,
    from_ms: TimestampMs,
    to_ms: TimestampMs,
    now: TimestampMs,
) -> Result<Vec<MonthAdherence>, HubError> {
    let id = plan
        .id
        .ok_or_else(|| HubError::Invalid("plan without id".into()))?;
    let tz: chrono_tz::Tz = plan
        .time_zone
        .parse()
        .map_err(|_| HubError::Invalid(format!("unknown time zone {:?}", plan.time_zone)))?;
    let mut months: BTreeMap<String, MonthAdherence> = BTreeMap::new();
    for o in scheduling_of(s)?.plan_occurrences(&id.to_string(), from_ms, to_ms)? {
        let month = chrono::DateTime::from_timestamp_millis(o.start_ms)
            .map(|d| d.with_timezone(&tz).format("%Y-%m").to_string())
            .unwrap_or_default();
        let m = months
            .entry(month.clone())
            .or_insert_with(|| MonthAdherence {
                month,
                ..Default::default()
            });
        let status = o.status.as_deref().and_then(Status::parse);
        if status == Some(Status::Cancelled) {
            m.cancelled += 1;
            continue;
        }
        m.planned += 1;
        match (status, o.completed_at_ms) {
            (Some(Status::Completed | Status::Approved), Some(done)) if done <= o.end_ms => {
                m.done_on_time += 1
            }
            (Some(Status::Completed | Status::Approved), _) => m.late += 1,
            _ if o.end_ms < now => m.missed += 1,
            _ => m.open += 1,
        }
    }
    Ok(months.into_values().collect())
}
