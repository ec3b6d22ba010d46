//! One work order as the summary reads it ([`Sample`]): kind, category, status, times from the
//! status fold, the SLA engine's verdicts and business times, devices, engineers, complaints,
//! scores and outages.

use super::{OutageSample, UNRESOLVED_OUTCOMES};
use fieldsync::TimestampMs;
use fieldsync::model::{Complaint, Feedback, WorkOrder};
use fieldsync::sla::{CompiledContract, SlaState, SlaSubject};
use fieldsync::status::EventKind;
use std::collections::HashMap;

/// What the KPIs need of one work order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Sample {
    /// The work order's document id, number (`WO-2026-0042`, when given) and title: the
    /// task-completion table names each task.
    pub id: String,
    pub number: Option<String>,
    pub title: String,
    /// The site's document id (its name and zone are in [`super::Records::sites`]).
    pub site_id: Option<String>,
    pub kind: String,
    pub category: Option<String>,
    pub status: String,
    pub created_at_ms: TimestampMs,
    /// Start of the planned window (patrols and other scheduled work).
    pub scheduled_start_ms: Option<TimestampMs>,
    /// End of the planned window: planned work done after it is late.
    pub scheduled_end_ms: Option<TimestampMs>,
    /// The SLA engine's verdict on the response and resolution clocks (`None`: not measured —
    /// no contract, no priority or target, or cancelled). See [`Sample::with_clocks`].
    pub sla_response: Option<SlaState>,
    pub sla_resolution: Option<SlaState>,
    /// The resolution clock's due time as the engine has it (holds added).
    pub sla_resolution_due_ms: Option<TimestampMs>,
    /// Business time (the contract's calendar, holds excluded) to arrive and on site, from the
    /// engine's timeline.
    pub arrive_business_ms: Option<i64>,
    pub on_site_business_ms: Option<i64>,
    pub first_on_site_ms: Option<TimestampMs>,
    pub completed_at_ms: Option<TimestampMs>,
    pub on_hold_ms: i64,
    pub outcome: Option<String>,
    /// Number of `on_site` events (visits).
    pub visits: usize,
    /// The customer signed on site (a signature is only taken at a visit).
    pub signed: bool,
    /// Labels of the linked devices (asset tag and type).
    pub devices: Vec<String>,
    /// Classes (`device_type`) of the linked devices as the CMDB records them.
    pub device_classes: Vec<String>,
    /// Sent back or reopened at least once.
    pub reopened: bool,
    /// Display names of the assigned engineers.
    pub engineers: Vec<String>,
    pub complaints: Vec<Complaint>,
    /// Satisfaction scores (1–5) from return visits.
    pub scores: Vec<i64>,
    /// Device outages recorded on the work order.
    pub outages: Vec<OutageSample>,
    /// Checklist findings: failed checks and out-of-range readings.
    pub findings: u64,
    /// Findings with a follow-up incident opened for them.
    pub findings_followed_up: u64,
}

impl Sample {
    /// `names` maps user and device ids to display names and labels (unknown ids are shown
    /// as they are).
    pub fn from_work_order(wo: &WorkOrder, names: &HashMap<String, String>) -> Sample {
        let name = |id: &String| names.get(id).cloned().unwrap_or_else(|| id.clone());
        let f = wo.fold();
        let count = |k: EventKind| wo.events.iter().filter(|e| e.kind() == Some(k)).count();
        let feedback = Feedback::of(&wo.events);
        Sample {
            id: wo.id.clone(),
            number: wo.number.clone(),
            title: wo.title.clone(),
            site_id: wo.site_id.clone(),
            kind: wo.kind.clone(),
            category: wo.category.clone(),
            status: f.status.as_str().into(),
            created_at_ms: wo.created_at_ms,
            scheduled_start_ms: wo.scheduled_start_ms,
            scheduled_end_ms: wo.scheduled_end_ms,
            first_on_site_ms: f.first_on_site_ms,
            completed_at_ms: f.completed_at_ms,
            on_hold_ms: f.on_hold_ms,
            outcome: f.outcome,
            visits: count(EventKind::OnSite),
            signed: wo.signature.is_some(),
            devices: wo
                .device_ids
                .iter()
                .filter(|(_, on)| **on)
                .map(|(d, _)| name(d))
                .collect(),
            reopened: count(EventKind::Rejected) + count(EventKind::Reopened) > 0,
            engineers: wo
                .assignees
                .iter()
                .filter(|(_, on)| **on)
                .map(|(u, _)| name(u))
                .collect(),
            complaints: feedback.complaints,
            scores: feedback.scores.iter().map(|s| s.score).collect(),
            outages: wo
                .outages
                .iter()
                .map(|(d, o)| OutageSample {
                    device: name(d),
                    down_from_ms: o.down_from_ms,
                    restored_at_ms: o.restored_at_ms,
                })
                .collect(),
            findings: wo.checklist.values().filter(|i| i.is_failed()).count() as u64,
            findings_followed_up: wo
                .checklist
                .values()
                .filter(|i| i.is_failed() && i.follow_up.is_some())
                .count() as u64,
            ..Default::default()
        }
    }

    /// The work order's clocks as the SLA engine measures them for the dispatch board: the
    /// same contract, calendar (holidays, make-up days), pauses and trusted stamps — the
    /// KPIs have no formula of their own for "met". `now` decides running clocks.
    pub fn with_clocks(
        mut self,
        contract: &CompiledContract,
        subject: &SlaSubject<'_>,
        now: TimestampMs,
    ) -> Sample {
        match contract.evaluate(subject, now) {
            Ok(Some(r)) => {
                self.sla_response = Some(r.response.state);
                self.sla_resolution = Some(r.resolution.state);
                self.sla_resolution_due_ms = Some(r.resolution.due_ms);
            }
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, "SLA clock failed; left out of the KPIs"),
        }
        match contract.business_times(subject, now) {
            Ok(t) => {
                self.arrive_business_ms = t.arrive_ms;
                self.on_site_business_ms = t.on_site_ms;
            }
            Err(e) => tracing::warn!(error = %e, "business time failed; left out of the KPIs"),
        }
        self
    }

    /// The instant that decides the work order's period: the call for an incident, the
    /// planned window's start for scheduled work (a January patrol generated in December
    /// counts in January), the creation otherwise.
    pub fn counted_at_ms(&self) -> TimestampMs {
        match self.scheduled_start_ms {
            Some(start) if self.kind != "incident" => start,
            _ => self.created_at_ms,
        }
    }

    pub(crate) fn is_done(&self) -> bool {
        matches!(self.status.as_str(), "completed" | "approved")
    }

    pub(super) fn is_first_time_fix(&self) -> bool {
        self.is_done()
            && self.outcome.as_deref() == Some("fixed")
            && self.visits <= 1
            && !self.reopened
    }

    /// Resolved without a site visit: completed with no `on_site` event, no customer
    /// signature (taken on site) and no outcome saying it was not resolved.
    pub(super) fn is_phone_resolution(&self) -> bool {
        self.is_done()
            && self.visits == 0
            && !self.signed
            && !self
                .outcome
                .as_deref()
                .is_some_and(|o| UNRESOLVED_OUTCOMES.contains(&o))
    }

    /// Completion − first on site − holds.
    pub(super) fn on_site_ms(&self) -> Option<i64> {
        Some((self.completed_at_ms? - self.first_on_site_ms? - self.on_hold_ms).max(0))
    }
}
