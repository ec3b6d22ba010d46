//! Customer feedback after the work: **complaints** (reason, when the customer complained,
//! resolution due in 3 working days of the contract's calendar — computed by
//! [`crate::sla::complaint_due_ms`] — outcome reported back) and
//! **satisfaction scores** (1–5) from return visits / follow-up calls.
//!
//! Both are events in the work order's append-only log (`complaint`, `complaint_closed`,
//! `satisfaction`), so offline recordings from several people merge without loss, every one
//! carries its author and time for the history, and the status fold ignores them. Office
//! roles record them (policy); nobody scores their own work. [`check_feedback`] is the one
//! rule set, used by the edit functions here and by the server's push policy.

use super::doc::{ModelError, commit};
use super::refusal::{FeedbackText, Refusal};
use super::work_order::{WorkOrder, append_event};
use crate::ids::TimestampMs;
use crate::status::{Event, EventKind, Status};
use automerge::AutoCommit;
use serde::{Deserialize, Serialize};

/// How a complaint ends: `resolved` (something was put right) or `unfounded`.
pub const COMPLAINT_OUTCOMES: [&str; 2] = ["resolved", "unfounded"];
/// A complaint's receipt may lie this far after its recording (device clocks differ).
const RECEIPT_SLACK_MS: i64 = 10 * 60_000;
/// Longest reason / outcome note kept.
const MAX_TEXT: usize = 4000;

/// Why a feedback event is refused: a rule broken ([`Refusal`], worded for people), or
/// scoring one's own work, which the push policy treats as forbidden rather than malformed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FeedbackError {
    #[error("{0}")]
    Invalid(Refusal),
    #[error("nobody scores their own work")]
    OwnWork,
}

impl FeedbackError {
    /// The refusal to show a person.
    pub fn refusal(&self) -> Refusal {
        match self {
            FeedbackError::Invalid(r) => r.clone(),
            FeedbackError::OwnWork => Refusal::OwnWork,
        }
    }
}

impl From<Refusal> for FeedbackError {
    fn from(r: Refusal) -> Self {
        FeedbackError::Invalid(r)
    }
}

fn text_given(t: &Option<String>, what: FeedbackText) -> Result<(), FeedbackError> {
    match t.as_deref().map(str::trim) {
        Some(t) if !t.is_empty() && t.len() <= MAX_TEXT => Ok(()),
        Some(t) if t.len() > MAX_TEXT => Err(Refusal::TextTooLong { what }.into()),
        _ => Err(Refusal::TextRequired { what }.into()),
    }
}

/// Did `user` do (part of) the work: assigned, or the author of a completion?
pub fn did_the_work(wo: &WorkOrder, user: &str) -> bool {
    wo.is_assigned_to(user)
        || wo
            .events
            .iter()
            .any(|e| e.by == user && e.kind() == Some(EventKind::Completed))
}

/// The rules for one feedback event `ev` in work order `wo` (which may already contain it).
pub fn check_feedback(wo: &WorkOrder, ev: &Event) -> Result<(), FeedbackError> {
    match ev.kind() {
        Some(EventKind::Complaint) => {
            text_given(&ev.note, FeedbackText::ComplaintReason)?;
            let received = ev.received_at_ms.ok_or(Refusal::ComplaintReceivedMissing)?;
            if received > ev.at_ms + RECEIPT_SLACK_MS {
                return Err(Refusal::ComplaintReceivedAfterRecorded.into());
            }
            if received < wo.created_at_ms {
                return Err(Refusal::ComplaintReceivedBeforeOpened.into());
            }
            match ev.due_ms {
                Some(due) if due >= received => Ok(()),
                Some(_) => Err(Refusal::ComplaintDueBeforeReceived.into()),
                None => Err(Refusal::ComplaintDueMissing.into()),
            }
        }
        Some(EventKind::ComplaintClosed) => {
            let target = ev.ref_id.as_deref().ok_or(Refusal::ComplaintNotNamed)?;
            let known = wo
                .events
                .iter()
                .any(|e| e.id == target && e.kind() == Some(EventKind::Complaint));
            if !known {
                return Err(Refusal::NoSuchComplaint {
                    id: target.to_owned(),
                }
                .into());
            }
            match ev.outcome.as_deref() {
                Some(o) if COMPLAINT_OUTCOMES.contains(&o) => {}
                _ => return Err(Refusal::ComplaintOutcome.into()),
            }
            text_given(&ev.note, FeedbackText::ReportedBack)
        }
        Some(EventKind::Satisfaction) => {
            if !ev.score.is_some_and(|s| (1..=5).contains(&s)) {
                return Err(Refusal::ScoreRange.into());
            }
            if !matches!(wo.fold().status, Status::Completed | Status::Approved) {
                return Err(Refusal::OnlyFinishedWorkScored.into());
            }
            if did_the_work(wo, &ev.by) {
                return Err(FeedbackError::OwnWork);
            }
            Ok(())
        }
        _ => Err(Refusal::NotFeedback {
            kind: ev.kind.clone(),
        }
        .into()),
    }
}

fn feedback_event(kind: EventKind, by: &str, now: TimestampMs) -> Event {
    Event {
        id: uuid::Uuid::new_v4().to_string(),
        kind: kind.as_str().into(),
        at_ms: now,
        by: by.into(),
        from: None,
        note: None,
        outcome: None,
        assignee: None,
        ref_id: None,
        received_at_ms: None,
        due_ms: None,
        score: None,
    }
}

/// Check and append a feedback event as one commit; returns its id.
fn append_checked(doc: &mut AutoCommit, mut ev: Event) -> Result<String, ModelError> {
    let wo = WorkOrder::from_doc(doc)?;
    let mut with = wo.clone();
    with.events.push(ev.clone());
    check_feedback(&with, &ev).map_err(|e| ModelError::Refused(e.refusal()))?;
    let id = append_event(doc, &mut ev)?;
    commit(doc, ev.kind.as_str(), ev.at_ms);
    Ok(id)
}

/// What the office records when a customer complains.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NewComplaint {
    pub reason: String,
    pub received_at_ms: TimestampMs,
    pub due_ms: TimestampMs,
}

pub fn record_complaint(
    doc: &mut AutoCommit,
    c: &NewComplaint,
    by: &str,
    now: TimestampMs,
) -> Result<String, ModelError> {
    let mut ev = feedback_event(EventKind::Complaint, by, now);
    ev.note = Some(c.reason.trim().to_owned());
    ev.received_at_ms = Some(c.received_at_ms);
    ev.due_ms = Some(c.due_ms);
    append_checked(doc, ev)
}

/// Close complaint `complaint_id` with `outcome` (one of [`COMPLAINT_OUTCOMES`]) and what
/// was reported back to the customer.
pub fn close_complaint(
    doc: &mut AutoCommit,
    complaint_id: &str,
    outcome: &str,
    note: &str,
    by: &str,
    now: TimestampMs,
) -> Result<String, ModelError> {
    let mut ev = feedback_event(EventKind::ComplaintClosed, by, now);
    ev.ref_id = Some(complaint_id.into());
    ev.outcome = Some(outcome.into());
    ev.note = Some(note.trim().to_owned());
    append_checked(doc, ev)
}

pub fn record_satisfaction(
    doc: &mut AutoCommit,
    score: i64,
    note: Option<&str>,
    by: &str,
    now: TimestampMs,
) -> Result<String, ModelError> {
    let mut ev = feedback_event(EventKind::Satisfaction, by, now);
    ev.score = Some(score);
    ev.note = note
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(Into::into);
    append_checked(doc, ev)
}

/// A complaint as read from the log.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Complaint {
    pub id: String,
    pub reason: String,
    pub by: String,
    pub recorded_at_ms: TimestampMs,
    pub received_at_ms: TimestampMs,
    pub due_ms: TimestampMs,
    pub closed: Option<ComplaintClosure>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ComplaintClosure {
    pub outcome: String,
    pub note: String,
    pub by: String,
    pub at_ms: TimestampMs,
}

impl Complaint {
    /// Closed by the due time? `None` while open.
    pub fn closed_on_time(&self) -> Option<bool> {
        self.closed.as_ref().map(|c| c.at_ms <= self.due_ms)
    }

    /// Still open after the due time.
    pub fn is_overdue(&self, now: TimestampMs) -> bool {
        self.closed.is_none() && now > self.due_ms
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Score {
    pub id: String,
    pub score: i64,
    pub note: Option<String>,
    pub by: String,
    pub at_ms: TimestampMs,
}

/// All feedback of one work order.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Feedback {
    pub complaints: Vec<Complaint>,
    pub scores: Vec<Score>,
}

impl Feedback {
    /// Read from an event log. Two people closing the same complaint offline both stay in
    /// the log; the earlier closure counts.
    pub fn of(events: &[Event]) -> Feedback {
        let mut out = Feedback::default();
        for e in events {
            match e.kind() {
                Some(EventKind::Complaint) => out.complaints.push(Complaint {
                    id: e.id.clone(),
                    reason: e.note.clone().unwrap_or_default(),
                    by: e.by.clone(),
                    recorded_at_ms: e.at_ms,
                    received_at_ms: e.received_at_ms.unwrap_or(e.at_ms),
                    due_ms: e.due_ms.unwrap_or(e.at_ms),
                    closed: None,
                }),
                Some(EventKind::Satisfaction) => {
                    if let Some(score) = e.score.filter(|s| (1..=5).contains(s)) {
                        out.scores.push(Score {
                            id: e.id.clone(),
                            score,
                            note: e.note.clone(),
                            by: e.by.clone(),
                            at_ms: e.at_ms,
                        });
                    }
                }
                _ => {}
            }
        }
        for e in events
            .iter()
            .filter(|e| e.kind() == Some(EventKind::ComplaintClosed))
        {
            let Some(c) = out
                .complaints
                .iter_mut()
                .find(|c| Some(&c.id) == e.ref_id.as_ref())
            else {
                continue;
            };
            if c.closed.as_ref().is_none_or(|old| e.at_ms < old.at_ms) {
                c.closed = Some(ComplaintClosure {
                    outcome: e.outcome.clone().unwrap_or_default(),
                    note: e.note.clone().unwrap_or_default(),
                    by: e.by.clone(),
                    at_ms: e.at_ms,
                });
            }
        }
        out.complaints.sort_by_key(|c| c.received_at_ms);
        out.scores.sort_by_key(|s| s.at_ms);
        out
    }
}

#[cfg(test)]
#[path = "feedback_tests.rs"]
mod tests;
