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

/// Where one planned occurrence stands. Shared with the customer's service summary
/// (`crate::kpis`), so both count the same way.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Standing {
    /// Cancelled by a plan edit (or by hand): not planned any more.
    Cancelled,
    /// Completed (or approved) by the end of its window.
    OnTime,
    /// Completed after the window's end.
    Late,
    /// Window over and not completed.
    Missed,
    /// Window not over yet, not completed.
    Open,
}

/// Classify an occurrence from its work order's projected `status` and completion time
/// (`None` status: no work order projected yet).
pub fn standing(
    status: Option<&str>,
    completed_at_ms: Option<TimestampMs>,
    end_ms: TimestampMs,
    now: TimestampMs,
) -> Standing {
    match (status.and_then(Status::parse), completed_at_ms) {
        (Some(Status::Cancelled), _) => Standing::Cancelled,
        (Some(Status::Completed | Status::Approved), Some(done)) if done <= end_ms => {
            Standing::OnTime
        }
        (Some(Status::Completed | Status::Approved), _) => Standing::Late,
        _ if end_ms < now => Standing::Missed,
        _ => Standing::Open,
    }
}

impl MonthAdherence {
    fn add(&mut self, s: Standing) {
        match s {
            Standing::Cancelled => self.cancelled += 1,
            Standing::OnTime => self.done_on_time += 1,
            Standing::Late => self.late += 1,
            Standing::Missed => self.missed += 1,
            Standing::Open => self.open += 1,
        }
        if s != Standing::Cancelled {
            self.planned += 1;
        }
    }
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
        m.add(standing(
            o.status.as_deref(),
            o.completed_at_ms,
            o.end_ms,
            now,
        ));
    }
    Ok(months.into_values().collect())
}
