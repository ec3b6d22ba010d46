//! Inspection adherence of one customer in one period: the occurrences of the customer's
//! inspection plans whose window starts in the period, counted as planned / done on time /
//! late / missed / open with the same rule as `/v1/plans/{id}/adherence`
//! ([`crate::plans::adherence::standing`]).

use crate::plans::adherence::{Standing, standing};
use crate::storage::Storage;
use crate::storage::StorageError;
use fieldsync::TimestampMs;
use serde::Serialize;

use super::pct;

/// What adherence needs of one generated occurrence of a plan.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PlannedInspection {
    /// The work order the occurrence was generated as (it may not have reached the hub).
    pub doc_id: String,
    /// Window start and end.
    pub start_ms: TimestampMs,
    pub end_ms: TimestampMs,
    /// The work order's projected status (`None`: not projected yet).
    pub status: Option<String>,
    pub completed_at_ms: Option<TimestampMs>,
}

/// Planned inspections of a period and how they went.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct InspectionAdherence {
    /// Occurrences not cancelled: done on time + late + missed + open.
    pub planned: u64,
    pub done_on_time: u64,
    pub late: u64,
    pub missed: u64,
    /// Window not over yet and not done: not counted in the rate.
    pub open: u64,
    /// Cancelled by a plan edit: not planned any more, not counted.
    pub cancelled: u64,
    /// done on time / (done on time + late + missed), in %.
    pub adherence_pct: Option<f64>,
}

/// Adherence of the occurrences whose window starts in `[from, to)` (the period in the
/// customer's zone, like the rest of the summary).
pub fn adherence(
    inspections: &[PlannedInspection],
    (from, to): (TimestampMs, TimestampMs),
    now: TimestampMs,
) -> InspectionAdherence {
    let mut a = InspectionAdherence::default();
    for i in inspections
        .iter()
        .filter(|i| (from..to).contains(&i.start_ms))
    {
        match standing(i.status.as_deref(), i.completed_at_ms, i.end_ms, now) {
            Standing::Cancelled => a.cancelled += 1,
            Standing::OnTime => a.done_on_time += 1,
            Standing::Late => a.late += 1,
            Standing::Missed => a.missed += 1,
            Standing::Open => a.open += 1,
        }
    }
    a.planned = a.done_on_time + a.late + a.missed + a.open;
    a.adherence_pct = pct(a.done_on_time, a.done_on_time + a.late + a.missed);
    a
}

/// Occurrences of `customer`'s plans starting in `[from_ms, to_ms)` (blocking). `None` when
/// this database keeps no plans. A deleted plan's occurrences are not found any more.
pub fn gather(
    s: &dyn Storage,
    customer: &str,
    from_ms: TimestampMs,
    to_ms: TimestampMs,
) -> Result<Option<Vec<PlannedInspection>>, StorageError> {
    let Some(sched) = s.scheduling() else {
        return Ok(None);
    };
    let mut out = Vec::new();
    for plan in sched.list_plans()? {
        if plan.customer_id != customer {
            continue;
        }
        for o in sched.plan_occurrences(&plan.id, from_ms, to_ms)? {
            out.push(PlannedInspection {
                doc_id: o.doc_id,
                start_ms: o.start_ms,
                end_ms: o.end_ms,
                status: o.status,
                completed_at_ms: o.completed_at_ms,
            });
        }
    }
    Ok(Some(out))
}
