//! SLA clocks of one work order: walk the event log (device-time stamps, guarded against
//! implausible clocks), collect on-hold pauses, and measure response and resolution in the
//! contract's business time.

use super::{BusinessCalendar, CompiledContract, ResponseOn, SlaError};
use crate::ids::TimestampMs;
use crate::model::WorkOrder;
use crate::status::{Event, EventKind};
use serde::{Deserialize, Serialize};

/// The state of one clock (ordered from best to worst).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SlaState {
    /// Stopped in time.
    Met,
    OnTrack,
    /// Less than the contract's share of the target left.
    AtRisk,
    /// Past due (running or stopped late).
    Breached,
}

impl SlaState {
    pub fn as_str(self) -> &'static str {
        match self {
            SlaState::Met => "met",
            SlaState::OnTrack => "on_track",
            SlaState::AtRisk => "at_risk",
            SlaState::Breached => "breached",
        }
    }
}

/// One event as the SLA engine reads it.
#[derive(Clone, Debug, PartialEq)]
pub struct SlaEvent {
    pub id: String,
    pub kind: String,
    /// Device-clock stamp.
    pub at_ms: TimestampMs,
    /// When the server first stored the event (unknown on a device).
    pub received_at_ms: Option<TimestampMs>,
}

impl SlaEvent {
    pub fn from_event(e: &Event, received_at_ms: Option<TimestampMs>) -> Self {
        Self {
            id: e.id.clone(),
            kind: e.kind.clone(),
            at_ms: e.at_ms,
            received_at_ms,
        }
    }
}

/// What the engine needs of a work order.
#[derive(Clone, Debug)]
pub struct SlaSubject<'a> {
    pub opened_at_ms: TimestampMs,
    pub priority: Option<&'a str>,
    pub category: Option<&'a str>,
    pub events: Vec<SlaEvent>,
}

impl<'a> SlaSubject<'a> {
    /// From a typed work order (receipt times unknown: the app's view).
    pub fn from_work_order(wo: &'a WorkOrder) -> Self {
        Self {
            opened_at_ms: wo.created_at_ms,
            priority: wo.priority.as_deref(),
            category: wo.category.as_deref(),
            events: wo
                .events
                .iter()
                .map(|e| SlaEvent::from_event(e, None))
                .collect(),
        }
    }
}

/// A device stamp that was not trusted as is.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClockWarning {
    pub event_id: String,
    pub kind: String,
    pub device_at_ms: TimestampMs,
    /// The time the engine used instead.
    pub used_at_ms: TimestampMs,
    pub reason: String,
}

/// One clock (response or resolution).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClockReport {
    pub state: SlaState,
    pub target_ms: i64,
    /// Due instant with the pauses so far (if on hold now: the due time were it resumed now).
    pub due_ms: TimestampMs,
    /// When the clock stopped (on site / accepted / completed), if it has.
    pub stopped_at_ms: Option<TimestampMs>,
    /// Business time used, pauses excluded.
    pub elapsed_ms: i64,
    /// Business time left (negative once breached).
    pub remaining_ms: i64,
    /// Business time spent on hold.
    pub paused_ms: i64,
}

/// Both clocks of a work order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SlaReport {
    pub priority: String,
    pub response: ClockReport,
    pub resolution: ClockReport,
    /// On hold now: the clocks are paused.
    pub paused: bool,
    pub warnings: Vec<ClockWarning>,
}

impl SlaReport {
    /// The worse of the two running states (what a board colours by).
    pub fn worst(&self) -> SlaState {
        self.response.state.max(self.resolution.state)
    }
}

/// Time to arrive and time on site of one work order in **business time** of the contract's
/// calendar, holds excluded: the same timeline (trusted stamps, pauses) and calendar as the
/// SLA clocks, so a report's business figures agree with the dispatch board.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct BusinessTimes {
    /// Opened → first on site, less the business time on hold in between.
    pub arrive_ms: Option<i64>,
    /// First on site → completion, less the business time on hold in between.
    pub on_site_ms: Option<i64>,
}

/// The walked event log.
#[derive(Debug, Default)]
struct Timeline {
    accepted: Option<TimestampMs>,
    on_site: Option<TimestampMs>,
    resolved: Option<TimestampMs>,
    cancelled: bool,
    pauses: Vec<(TimestampMs, Option<TimestampMs>)>,
    warnings: Vec<ClockWarning>,
}

impl CompiledContract {
    /// The trusted time of an event: a stamp past the server's receipt (or past `now` when
    /// the receipt is unknown) by more than the tolerance is taken at the receipt; one before
    /// the work order was opened is taken at the opening. Both are reported.
    fn trusted_at(
        &self,
        e: &SlaEvent,
        opened: TimestampMs,
        now: TimestampMs,
    ) -> (TimestampMs, Option<String>) {
        let tol = self.contract.clock_tolerance_minutes.saturating_mul(60_000);
        let ceiling = e.received_at_ms.unwrap_or(now);
        if e.at_ms > ceiling.saturating_add(tol) {
            let what = if e.received_at_ms.is_some() {
                "the server received it"
            } else {
                "now"
            };
            return (
                ceiling,
                Some(format!("device clock ahead: stamped after {what}")),
            );
        }
        if e.at_ms < opened.saturating_sub(tol) {
            return (
                opened,
                Some("device clock behind: stamped before the work order was opened".into()),
            );
        }
        (e.at_ms, None)
    }

    fn timeline(&self, s: &SlaSubject<'_>, now: TimestampMs) -> Timeline {
        let mut t = Timeline::default();
        let mut events: Vec<(TimestampMs, &SlaEvent)> = Vec::with_capacity(s.events.len());
        for e in &s.events {
            let (at, warn) = self.trusted_at(e, s.opened_at_ms, now);
            if let Some(reason) = warn {
                t.warnings.push(ClockWarning {
                    event_id: e.id.clone(),
                    kind: e.kind.clone(),
                    device_at_ms: e.at_ms,
                    used_at_ms: at,
                    reason,
                });
            }
            events.push((at, e));
        }
        events.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.id.cmp(&b.1.id)));
        let mut hold: Option<TimestampMs> = None;
        for (at, e) in events {
            let Some(kind) = EventKind::parse(&e.kind) else {
                continue;
            };
            match kind {
                EventKind::Accepted => {
                    t.accepted.get_or_insert(at);
                }
                EventKind::OnSite => {
                    t.on_site.get_or_insert(at);
                    if let Some(h) = hold.take() {
                        t.pauses.push((h, Some(at)));
                    }
                }
                EventKind::OnHold => {
                    hold.get_or_insert(at);
                }
                EventKind::Resumed | EventKind::EnRoute => {
                    if let Some(h) = hold.take() {
                        t.pauses.push((h, Some(at)));
                    }
                }
                EventKind::Completed => {
                    if let Some(h) = hold.take() {
                        t.pauses.push((h, Some(at)));
                    }
                    t.resolved.get_or_insert(at);
                }
                EventKind::Reopened => t.resolved = None,
                EventKind::Cancelled => t.cancelled = true,
                _ => {}
            }
        }
        if let Some(h) = hold {
            t.pauses.push((h, None));
        }
        t
    }

    /// Both clocks of a work order at `now`; `None` when it has no priority, the contract no
    /// target for it, or it was cancelled (not measured).
    pub fn evaluate(
        &self,
        s: &SlaSubject<'_>,
        now: TimestampMs,
    ) -> Result<Option<SlaReport>, SlaError> {
        let Some(priority) = s.priority else {
            return Ok(None);
        };
        let Some(target) = self.target(priority, s.category) else {
            return Ok(None);
        };
        let t = self.timeline(s, now);
        if t.cancelled {
            return Ok(None);
        }
        let response_stop = match target.response_on {
            ResponseOn::OnSite => t.on_site,
            ResponseOn::Accepted => t.accepted,
        };
        let paused = t.pauses.last().is_some_and(|p| p.1.is_none());
        Ok(Some(SlaReport {
            priority: priority.to_owned(),
            response: self.clock(
                self.response_calendar(target.response_on),
                s.opened_at_ms,
                target.response_ms,
                &t.pauses,
                response_stop,
                now,
            )?,
            resolution: self.clock(
                &self.calendar,
                s.opened_at_ms,
                target.resolution_ms,
                &t.pauses,
                t.resolved,
                now,
            )?,
            paused: paused && t.resolved.is_none(),
            warnings: t.warnings,
        }))
    }

    /// Business time to arrive and on site (see [`BusinessTimes`]); `None` for a figure
    /// whose end has not happened (not on site, not completed) or a cancelled work order.
    pub fn business_times(
        &self,
        s: &SlaSubject<'_>,
        now: TimestampMs,
    ) -> Result<BusinessTimes, SlaError> {
        let t = self.timeline(s, now);
        if t.cancelled {
            return Ok(BusinessTimes::default());
        }
        let span = |from: TimestampMs, to: TimestampMs| -> Result<i64, SlaError> {
            let cal = &self.calendar;
            let mut held = 0;
            for &(a, b) in &t.pauses {
                let (a, b) = (a.max(from), b.unwrap_or(to).min(to));
                if b > a {
                    held += cal.business_ms_between(a, b)?;
                }
            }
            Ok((cal.business_ms_between(from, to)? - held).max(0))
        };
        let opened = s.opened_at_ms;
        let arrive_ms = match t.on_site {
            Some(on_site) => Some(span(opened, on_site.max(opened))?),
            None => None,
        };
        let on_site_ms = match (t.on_site, t.resolved) {
            (Some(a), Some(b)) => Some(span(a, b.max(a))?),
            _ => None,
        };
        Ok(BusinessTimes {
            arrive_ms,
            on_site_ms,
        })
    }

    /// Convenience for the app: evaluate a typed work order (device view, no receipt times).
    pub fn evaluate_work_order(
        &self,
        wo: &WorkOrder,
        now: TimestampMs,
    ) -> Result<Option<SlaReport>, SlaError> {
        self.evaluate(&SlaSubject::from_work_order(wo), now)
    }

    /// One clock on `cal` from `start` with `target` business ms, paused during `pauses`, stopped at
    /// `stop` (if any).
    fn clock(
        &self,
        cal: &BusinessCalendar,
        start: TimestampMs,
        target: i64,
        pauses: &[(TimestampMs, Option<TimestampMs>)],
        stop: Option<TimestampMs>,
        now: TimestampMs,
    ) -> Result<ClockReport, SlaError> {
        let end = stop.unwrap_or(now).max(start);
        // Holds after the clock stopped do not move it.
        let pauses: Vec<_> = pauses
            .iter()
            .copied()
            .filter(|p| stop.is_none_or(|s| p.0 < s))
            .collect();
        // Pauses clipped to [start, end].
        let clipped: Vec<(TimestampMs, TimestampMs)> = pauses
            .iter()
            .map(|&(a, b)| (a.max(start), b.unwrap_or(end).min(end)))
            .filter(|(a, b)| b > a)
            .collect();
        // Due: walk the business time between pauses until the target is used up.
        let mut cursor = start;
        let mut left = target;
        let mut due = None;
        for &(a, b) in &pauses {
            let a = a.max(cursor);
            let run = cal.business_ms_between(cursor, a)?;
            if run >= left {
                due = Some(cal.add_business_ms(cursor, left)?);
                break;
            }
            left -= run;
            match b {
                Some(b) => cursor = cursor.max(b),
                None => {
                    // On hold now: due if resumed now.
                    due = Some(cal.add_business_ms(now.max(a), left)?);
                    break;
                }
            }
        }
        let due = match due {
            Some(d) => d,
            None => cal.add_business_ms(cursor, left)?,
        };
        let mut paused_ms = 0;
        for &(a, b) in &clipped {
            paused_ms += cal.business_ms_between(a, b)?;
        }
        let elapsed = (cal.business_ms_between(start, end)? - paused_ms).max(0);
        let remaining = target - elapsed;
        let on_hold_now = stop.is_none() && pauses.last().is_some_and(|p| p.1.is_none());
        let state = match stop {
            Some(s) if s <= due => SlaState::Met,
            Some(_) => SlaState::Breached,
            None if remaining < 0 || (!on_hold_now && now > due) => SlaState::Breached,
            None if (remaining as i128) * 100
                < (target as i128) * i128::from(self.contract.at_risk_percent) =>
            {
                SlaState::AtRisk
            }
            None => SlaState::OnTrack,
        };
        Ok(ClockReport {
            state,
            target_ms: target,
            due_ms: due,
            stopped_at_ms: stop,
            elapsed_ms: elapsed,
            remaining_ms: remaining,
            paused_ms,
        })
    }
}
