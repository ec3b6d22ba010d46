//! The SLA engine, pure and shared: the server writes due times and escalates with it, the
//! app shows countdowns with it offline. A customer's [`Contract`] holds the service
//! calendar (5×8 in the customer's time zone, or 7×24), holidays, response and resolution
//! targets per priority and the impact × urgency priority matrix.
//!
//! Clocks are computed from the work order's event log — the **device-time** stamps, so an
//! engineer who arrived at 10:05 offline and synced at 16:00 arrived at 10:05 — with a guard
//! against implausible device clocks ([`ClockWarning`]), and pause while the work order is
//! on hold (measured in business time).

pub mod calendar;
mod clock;
mod complaint;
pub mod prc;
#[cfg(test)]
mod tests;

pub use calendar::{
    BusinessCalendar, BusinessHours, Calendar, DayFilter, local_instant, parse_hhmm,
};
pub use clock::{
    BusinessTimes, ClockReport, ClockWarning, SlaEvent, SlaReport, SlaState, SlaSubject,
};
pub use complaint::{COMPLAINT_WORKING_DAYS, complaint_due_ms, working_day_ms};

use crate::ids::TimestampMs;
use crate::model::work_order::Sla;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Priorities in order of urgency.
pub const PRIORITIES: [&str; 4] = ["P1", "P2", "P3", "P4"];

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SlaError {
    /// The contract or calendar configuration is wrong (names the field).
    #[error("SLA configuration: {0}")]
    Config(String),
    /// A timestamp outside what the calendar can represent.
    #[error("timestamp {0} ms is out of range")]
    OutOfRange(TimestampMs),
    /// The calendar has no business time in the next ten years (all holidays?).
    #[error("the service calendar has no business time ahead")]
    NoBusinessTime,
}

/// What ends the response clock.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResponseOn {
    /// First arrival on site (on-site service).
    #[default]
    OnSite,
    /// Acceptance by the engineer (remote work, phone support).
    Accepted,
}

/// Targets for one priority, in business minutes of the contract's calendar.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Target {
    pub response_minutes: i64,
    pub resolution_minutes: i64,
    #[serde(default)]
    pub response_on: ResponseOn,
}

/// Impact (rows, 1 high … 3 low) × urgency (columns, 1 … 3) → priority.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PriorityMatrix(pub [[String; 3]; 3]);

impl Default for PriorityMatrix {
    /// The model's default ([`crate::model::priority_for`]).
    fn default() -> Self {
        let cell = |i: i64, u: i64| crate::model::priority_for(i, u).to_owned();
        Self([1, 2, 3].map(|i| [1, 2, 3].map(|u| cell(i, u))))
    }
}

impl PriorityMatrix {
    /// The priority for impact and urgency (1..=3 each), `None` outside the range.
    pub fn priority(&self, impact: i64, urgency: i64) -> Option<&str> {
        let i = usize::try_from(impact.checked_sub(1)?).ok()?;
        let u = usize::try_from(urgency.checked_sub(1)?).ok()?;
        self.0.get(i)?.get(u).map(String::as_str)
    }

    fn validate(&self) -> Result<(), SlaError> {
        for row in &self.0 {
            for p in row {
                if !PRIORITIES.contains(&p.as_str()) {
                    return Err(SlaError::Config(format!(
                        "priority matrix cell {p:?} is not P1..P4"
                    )));
                }
            }
        }
        Ok(())
    }
}

/// A customer's service contract.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contract {
    pub customer_id: String,
    #[serde(default)]
    pub name: String,
    pub calendar: Calendar,
    /// Phone-support hours (e.g. 7×24) when they differ from the on-site calendar: the
    /// response clock of remote work (`response_on: accepted`) runs on it. Absent: the
    /// on-site calendar.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone_calendar: Option<Calendar>,
    /// Per priority ("P1".."P4"). A priority without a target has no SLA clock.
    pub targets: BTreeMap<String, Target>,
    /// Resolution targets that override the priority's for a fault category, e.g.
    /// `hardware` → 480 (one working day under 5×8).
    #[serde(default)]
    pub category_resolution_minutes: BTreeMap<String, i64>,
    #[serde(default)]
    pub matrix: PriorityMatrix,
    /// A clock is *at risk* when less than this share of its target is left.
    #[serde(default = "default_at_risk_percent")]
    pub at_risk_percent: u8,
    /// Device stamps this far past the server's receipt (or before the work order's
    /// creation) are implausible.
    #[serde(default = "default_tolerance_minutes")]
    pub clock_tolerance_minutes: i64,
}

/// DOMAIN.md: general faults are resolved within 2 hours of the call.
const GENERAL_RESOLUTION_MINUTES: i64 = 120;

fn default_at_risk_percent() -> u8 {
    25
}

fn default_tolerance_minutes() -> i64 {
    10
}

impl Contract {
    /// The demo contract of DOMAIN.md: on site 5×8, phone support 7×24; arrival on site by
    /// priority; general faults resolved within 2 hours of the call, hardware faults within
    /// one working day (8 business hours of the 5×8 calendar).
    pub fn demo(customer_id: &str, time_zone: &str) -> Self {
        let t = |r, s| Target {
            response_minutes: r,
            resolution_minutes: s,
            response_on: ResponseOn::OnSite,
        };
        Self {
            customer_id: customer_id.into(),
            name: "5×8 on-site, 7×24 phone".into(),
            calendar: Calendar::five_by_eight(time_zone),
            phone_calendar: Some(Calendar::always(time_zone)),
            targets: BTreeMap::from([
                ("P1".into(), t(60, GENERAL_RESOLUTION_MINUTES)),
                ("P2".into(), t(120, GENERAL_RESOLUTION_MINUTES)),
                ("P3".into(), t(240, GENERAL_RESOLUTION_MINUTES)),
                ("P4".into(), t(480, GENERAL_RESOLUTION_MINUTES)),
            ]),
            category_resolution_minutes: BTreeMap::from([("hardware".into(), 480)]),
            matrix: PriorityMatrix::default(),
            at_risk_percent: default_at_risk_percent(),
            clock_tolerance_minutes: default_tolerance_minutes(),
        }
    }

    /// Check every field and prepare the calendar.
    pub fn compile(&self) -> Result<CompiledContract, SlaError> {
        if self.customer_id.trim().is_empty() {
            return Err(SlaError::Config("customer_id is required".into()));
        }
        for (p, t) in &self.targets {
            if !PRIORITIES.contains(&p.as_str()) {
                return Err(SlaError::Config(format!("target key {p:?} is not P1..P4")));
            }
            if t.response_minutes <= 0 || t.resolution_minutes <= 0 {
                return Err(SlaError::Config(format!(
                    "targets of {p} must be positive minutes"
                )));
            }
        }
        for (c, m) in &self.category_resolution_minutes {
            if *m <= 0 {
                return Err(SlaError::Config(format!(
                    "resolution target of category {c:?} must be positive"
                )));
            }
        }
        self.matrix.validate()?;
        if self.at_risk_percent > 100 {
            return Err(SlaError::Config("at_risk_percent is 0..=100".into()));
        }
        if self.clock_tolerance_minutes < 0 {
            return Err(SlaError::Config(
                "clock_tolerance_minutes must not be negative".into(),
            ));
        }
        let phone = match &self.phone_calendar {
            Some(c) => Some(c.compile()?),
            None => None,
        };
        Ok(CompiledContract {
            calendar: self.calendar.compile()?,
            phone_calendar: phone,
            contract: self.clone(),
        })
    }
}

/// A validated contract with its calendar ready for arithmetic.
#[derive(Clone, Debug)]
pub struct CompiledContract {
    pub contract: Contract,
    /// The on-site calendar.
    pub calendar: BusinessCalendar,
    /// The phone-support calendar, if the contract has its own.
    pub phone_calendar: Option<BusinessCalendar>,
}

/// The targets that apply to a work order (priority, with the category's override).
#[derive(Clone, Debug, PartialEq)]
pub struct AppliedTarget {
    pub response_ms: i64,
    pub resolution_ms: i64,
    pub response_on: ResponseOn,
}

impl CompiledContract {
    /// The calendar a response clock runs on: phone support's for remote work (when the
    /// contract has one), the on-site calendar otherwise.
    pub fn response_calendar(&self, on: ResponseOn) -> &BusinessCalendar {
        match (on, &self.phone_calendar) {
            (ResponseOn::Accepted, Some(phone)) => phone,
            _ => &self.calendar,
        }
    }

    /// Priority from impact × urgency by this contract's matrix.
    pub fn priority(&self, impact: i64, urgency: i64) -> Option<&str> {
        self.contract.matrix.priority(impact, urgency)
    }

    /// Targets for a priority and category; `None` if the contract has none.
    pub fn target(&self, priority: &str, category: Option<&str>) -> Option<AppliedTarget> {
        let t = self.contract.targets.get(priority)?;
        let resolution = category
            .and_then(|c| self.contract.category_resolution_minutes.get(c))
            .copied()
            .unwrap_or(t.resolution_minutes);
        Some(AppliedTarget {
            response_ms: t.response_minutes.saturating_mul(60_000),
            resolution_ms: resolution.saturating_mul(60_000),
            response_on: t.response_on,
        })
    }

    /// Due times for a work order opened at `opened_at_ms` (no pauses yet): what the server
    /// writes into `sla.response_due_ms` / `sla.resolution_due_ms`.
    pub fn due_times(
        &self,
        opened_at_ms: TimestampMs,
        priority: &str,
        category: Option<&str>,
    ) -> Result<Option<Sla>, SlaError> {
        let Some(t) = self.target(priority, category) else {
            return Ok(None);
        };
        Ok(Some(Sla {
            response_due_ms: Some(
                self.response_calendar(t.response_on)
                    .add_business_ms(opened_at_ms, t.response_ms)?,
            ),
            resolution_due_ms: Some(
                self.calendar
                    .add_business_ms(opened_at_ms, t.resolution_ms)?,
            ),
        }))
    }
}
