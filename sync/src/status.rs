//! Work-order status is *derived*: every replica folds the append-only event log with the same
//! deterministic rules. Concurrent offline transitions therefore merge without loss, and
//! contradictions (cancelled vs completed) surface as a [`StatusConflict`] for a person to
//! settle instead of a silent last-writer-wins.

use crate::ids::TimestampMs;
use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};

/// What happened to a work order. Stored as a snake_case string so that newer kinds written by
/// newer apps survive (they are kept in the log and ignored by the fold).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    Created,
    Assigned,
    Accepted,
    EnRoute,
    OnSite,
    OnHold,
    Resumed,
    Completed,
    Approved,
    Rejected,
    Reopened,
    Cancelled,
    /// A person settled a status conflict, keeping the current status.
    Settled,
    /// Escalation (functional or hierarchical); informational, no status change.
    Escalated,
    /// A customer complaint against the work order (office roles); no status change.
    Complaint,
    /// The outcome of a complaint, reported back to the customer; names it in `ref_id`.
    ComplaintClosed,
    /// The customer's satisfaction score (1–5) from a return visit / follow-up call.
    Satisfaction,
}

impl EventKind {
    pub const ALL: [EventKind; 17] = [
        EventKind::Created,
        EventKind::Assigned,
        EventKind::Accepted,
        EventKind::EnRoute,
        EventKind::OnSite,
        EventKind::OnHold,
        EventKind::Resumed,
        EventKind::Completed,
        EventKind::Approved,
        EventKind::Rejected,
        EventKind::Reopened,
        EventKind::Cancelled,
        EventKind::Settled,
        EventKind::Escalated,
        EventKind::Complaint,
        EventKind::ComplaintClosed,
        EventKind::Satisfaction,
    ];

    /// Customer feedback after the work (complaints, satisfaction): kept in the log, never
    /// part of the status fold, so they neither move the status nor settle its conflicts.
    pub fn is_feedback(self) -> bool {
        matches!(
            self,
            EventKind::Complaint | EventKind::ComplaintClosed | EventKind::Satisfaction
        )
    }

    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Created => "created",
            EventKind::Assigned => "assigned",
            EventKind::Accepted => "accepted",
            EventKind::EnRoute => "en_route",
            EventKind::OnSite => "on_site",
            EventKind::OnHold => "on_hold",
            EventKind::Resumed => "resumed",
            EventKind::Completed => "completed",
            EventKind::Approved => "approved",
            EventKind::Rejected => "rejected",
            EventKind::Reopened => "reopened",
            EventKind::Cancelled => "cancelled",
            EventKind::Settled => "settled",
            EventKind::Escalated => "escalated",
            EventKind::Complaint => "complaint",
            EventKind::ComplaintClosed => "complaint_closed",
            EventKind::Satisfaction => "satisfaction",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Human label for screens and reports.
    pub fn label(self) -> &'static str {
        match self {
            EventKind::Created => "Created",
            EventKind::Assigned => "Assigned",
            EventKind::Accepted => "Accepted",
            EventKind::EnRoute => "En route",
            EventKind::OnSite => "On site",
            EventKind::OnHold => "On hold",
            EventKind::Resumed => "Resumed",
            EventKind::Completed => "Completed",
            EventKind::Approved => "Approved",
            EventKind::Rejected => "Sent back",
            EventKind::Reopened => "Reopened",
            EventKind::Cancelled => "Cancelled",
            EventKind::Settled => "Conflict settled",
            EventKind::Escalated => "Escalated",
            EventKind::Complaint => "Complaint received",
            EventKind::ComplaintClosed => "Complaint closed",
            EventKind::Satisfaction => "Satisfaction score",
        }
    }
}

/// The current state of a work order, as folded from its events.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    New,
    Assigned,
    Accepted,
    EnRoute,
    OnSite,
    OnHold,
    Completed,
    Approved,
    Reopened,
    Cancelled,
}

impl Status {
    pub const ALL: [Status; 10] = [
        Status::New,
        Status::Assigned,
        Status::Accepted,
        Status::EnRoute,
        Status::OnSite,
        Status::OnHold,
        Status::Completed,
        Status::Approved,
        Status::Reopened,
        Status::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::New => "new",
            Status::Assigned => "assigned",
            Status::Accepted => "accepted",
            Status::EnRoute => "en_route",
            Status::OnSite => "on_site",
            Status::OnHold => "on_hold",
            Status::Completed => "completed",
            Status::Approved => "approved",
            Status::Reopened => "reopened",
            Status::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Status::New => "New",
            Status::Assigned => "Assigned",
            Status::Accepted => "Accepted",
            Status::EnRoute => "En route",
            Status::OnSite => "On site",
            Status::OnHold => "On hold",
            Status::Completed => "Completed",
            Status::Approved => "Approved",
            Status::Reopened => "Reopened",
            Status::Cancelled => "Cancelled",
        }
    }

    /// Still work to do for someone in the field.
    pub fn is_open(self) -> bool {
        !matches!(
            self,
            Status::Completed | Status::Approved | Status::Cancelled
        )
    }
}

/// One entry of a work order's event log, as stored in the document.
#[derive(Clone, Debug, PartialEq, Hydrate, Reconcile, Serialize, Deserialize)]
pub struct Event {
    pub id: String,
    /// An [`EventKind`] as a string; unknown kinds are kept and ignored by the fold.
    pub kind: String,
    /// Device-clock time of the action.
    pub at_ms: TimestampMs,
    /// User id of the author.
    pub by: String,
    /// The status the author's replica showed when acting: lets the fold tell a concurrent
    /// contradiction (a conflict) from a sequential transition.
    #[autosurgeon(missing = "Option::default")]
    pub from: Option<String>,
    /// Free text: hold reason, rejection comment, cancellation reason.
    #[autosurgeon(missing = "Option::default")]
    pub note: Option<String>,
    /// For `completed`: fixed / not_fixed / referred … For `settled`: what was decided.
    #[autosurgeon(missing = "Option::default")]
    pub outcome: Option<String>,
    /// For `assigned`: the user id assigned.
    #[autosurgeon(missing = "Option::default")]
    pub assignee: Option<String>,
    /// For `complaint_closed`: the id of the `complaint` event it closes.
    #[autosurgeon(missing = "Option::default")]
    #[serde(default)]
    pub ref_id: Option<String>,
    /// For `complaint`: when the customer complained (may precede `at_ms`, the recording).
    #[autosurgeon(missing = "Option::default")]
    #[serde(default)]
    pub received_at_ms: Option<TimestampMs>,
    /// For `complaint`: resolution due (3 working days on the contract's calendar).
    #[autosurgeon(missing = "Option::default")]
    #[serde(default)]
    pub due_ms: Option<TimestampMs>,
    /// For `satisfaction`: the customer's score, 1 (very unhappy) … 5 (very happy).
    #[autosurgeon(missing = "Option::default")]
    #[serde(default)]
    pub score: Option<i64>,
}

impl Event {
    pub fn kind(&self) -> Option<EventKind> {
        EventKind::parse(&self.kind)
    }
}

/// Two people did contradictory things offline; a person must decide.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusConflict {
    /// The status the fold kept.
    pub kept: Status,
    /// The event that could not be applied on top of it.
    pub event_id: String,
    pub event_kind: EventKind,
    pub by: String,
    pub at_ms: TimestampMs,
}

/// The result of folding an event log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Folded {
    pub status: Status,
    pub conflicts: Vec<StatusConflict>,
    pub accepted_at_ms: Option<TimestampMs>,
    /// First arrival on site (response time for on-site SLAs).
    pub first_on_site_ms: Option<TimestampMs>,
    pub completed_at_ms: Option<TimestampMs>,
    /// Sum of completed on-hold periods (SLA clocks pause then).
    pub on_hold_ms: i64,
    pub outcome: Option<String>,
    /// Last rejection comment, shown to the engineer when a report is sent back.
    pub sent_back_comment: Option<String>,
}

/// May `kind` move a work order that is in `from`? Returns the new status.
pub fn transition(from: Status, kind: EventKind) -> Option<Status> {
    use EventKind as K;
    use Status as S;
    let to = match (kind, from) {
        (K::Assigned, s) if s.is_open() => S::Assigned,
        (K::Accepted, S::New | S::Assigned | S::Reopened) => S::Accepted,
        (K::EnRoute, S::New | S::Assigned | S::Accepted | S::Reopened | S::OnHold) => S::EnRoute,
        (K::OnSite, S::New | S::Assigned | S::Accepted | S::EnRoute | S::Reopened) => S::OnSite,
        (K::OnHold, S::Accepted | S::EnRoute | S::OnSite) => S::OnHold,
        (K::Resumed, S::OnHold) => S::OnSite,
        (K::Completed, S::Accepted | S::OnSite | S::Reopened) => S::Completed,
        (K::Approved, S::Completed) => S::Approved,
        (K::Rejected, S::Completed) => S::Reopened,
        (K::Reopened, S::Completed | S::Approved | S::Cancelled) => S::Reopened,
        (K::Cancelled, s) if s.is_open() => S::Cancelled,
        (K::Settled | K::Escalated, s) => s,
        (k, s) if k.is_feedback() => s,
        _ => return None,
    };
    Some(to)
}

/// Deterministic order of events on every replica: device time, then the log's own order.
/// `events` is in Automerge list order, which is the same on every replica and keeps one
/// device's appends in the order they were made, so two actions in the same millisecond (a
/// double tap) fold in the order they happened. The sort is stable.
fn ordered(events: &[Event]) -> Vec<&Event> {
    let mut v: Vec<&Event> = events.iter().collect();
    v.sort_by_key(|e| e.at_ms);
    v
}

/// Fold an event log into the current status. Pure and deterministic: the same log yields the
/// same result on every replica, whatever order the events arrived in.
pub fn fold(events: &[Event]) -> Folded {
    let mut out = Folded {
        status: Status::New,
        conflicts: Vec::new(),
        accepted_at_ms: None,
        first_on_site_ms: None,
        completed_at_ms: None,
        on_hold_ms: 0,
        outcome: None,
        sent_back_comment: None,
    };
    let mut hold_started: Option<TimestampMs> = None;
    for ev in ordered(events) {
        let Some(kind) = ev.kind() else { continue };
        if kind == EventKind::Created || kind.is_feedback() {
            continue;
        }
        let Some(next) = transition(out.status, kind) else {
            if is_benign_repeat(&out, kind, ev) {
                continue;
            }
            out.conflicts.push(StatusConflict {
                kept: out.status,
                event_id: ev.id.clone(),
                event_kind: kind,
                by: ev.by.clone(),
                at_ms: ev.at_ms,
            });
            continue;
        };
        // A transition made by someone who saw the current state settles earlier conflicts.
        let saw_current = ev.from.as_deref() == Some(out.status.as_str());
        if kind == EventKind::Settled || (saw_current && !out.conflicts.is_empty()) {
            out.conflicts.retain(|c| c.at_ms > ev.at_ms);
        }
        match kind {
            EventKind::Accepted => {
                out.accepted_at_ms.get_or_insert(ev.at_ms);
            }
            EventKind::OnSite => {
                out.first_on_site_ms.get_or_insert(ev.at_ms);
            }
            EventKind::OnHold => hold_started = Some(ev.at_ms),
            EventKind::Resumed => {
                if let Some(start) = hold_started.take() {
                    out.on_hold_ms += (ev.at_ms - start).max(0);
                }
            }
            EventKind::Completed => {
                out.completed_at_ms = Some(ev.at_ms);
                out.outcome = ev.outcome.clone();
                if let Some(start) = hold_started.take() {
                    out.on_hold_ms += (ev.at_ms - start).max(0);
                }
            }
            EventKind::Rejected => out.sent_back_comment = ev.note.clone(),
            EventKind::Reopened => out.completed_at_ms = None,
            _ => {}
        }
        out.status = next;
    }
    out
}

/// The same step taken twice by two replicas (two "accepted", two completions with the same
/// outcome) is not a contradiction.
fn is_benign_repeat(state: &Folded, kind: EventKind, ev: &Event) -> bool {
    match (kind, state.status) {
        (EventKind::Completed, Status::Completed | Status::Approved) => state.outcome == ev.outcome,
        (EventKind::Accepted, Status::Accepted | Status::EnRoute | Status::OnSite) => true,
        (EventKind::EnRoute, Status::EnRoute | Status::OnSite) => true,
        (EventKind::OnSite, Status::OnSite) => true,
        (EventKind::OnHold, Status::OnHold) => true,
        (EventKind::Approved, Status::Approved) => true,
        (EventKind::Cancelled, Status::Cancelled) => true,
        (EventKind::Reopened, Status::Reopened) => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(
        id: &str,
        kind: EventKind,
        at: i64,
        from: Option<Status>,
        outcome: Option<&str>,
    ) -> Event {
        Event {
            id: id.into(),
            kind: kind.as_str().into(),
            at_ms: at,
            by: "u".into(),
            from: from.map(|s| s.as_str().into()),
            note: None,
            outcome: outcome.map(Into::into),
            assignee: None,
            ref_id: None,
            received_at_ms: None,
            due_ms: None,
            score: None,
        }
    }

    #[test]
    fn a_normal_visit_folds_to_completed_with_times() {
        let log = vec![
            ev("1", EventKind::Created, 0, None, None),
            ev("2", EventKind::Assigned, 10, Some(Status::New), None),
            ev("3", EventKind::Accepted, 20, Some(Status::Assigned), None),
            ev("4", EventKind::OnSite, 30, Some(Status::Accepted), None),
            ev("5", EventKind::OnHold, 40, Some(Status::OnSite), None),
            ev("6", EventKind::Resumed, 55, Some(Status::OnHold), None),
            ev(
                "7",
                EventKind::Completed,
                70,
                Some(Status::OnSite),
                Some("fixed"),
            ),
        ];
        let f = fold(&log);
        assert_eq!(f.status, Status::Completed);
        assert!(f.conflicts.is_empty());
        assert_eq!(f.first_on_site_ms, Some(30));
        assert_eq!(f.on_hold_ms, 15);
        assert_eq!(f.outcome.as_deref(), Some("fixed"));
    }

    #[test]
    fn cancel_versus_complete_is_a_conflict_whatever_the_arrival_order() {
        let a = ev("a", EventKind::Cancelled, 50, Some(Status::Accepted), None);
        let c = ev(
            "c",
            EventKind::Completed,
            60,
            Some(Status::OnSite),
            Some("fixed"),
        );
        let base = vec![
            ev("1", EventKind::Assigned, 10, Some(Status::New), None),
            ev("2", EventKind::Accepted, 20, Some(Status::Assigned), None),
        ];
        let mut one = base.clone();
        one.extend([a.clone(), c.clone()]);
        let mut two = base;
        two.extend([c, a]);
        let (f1, f2) = (fold(&one), fold(&two));
        assert_eq!(f1, f2);
        assert_eq!(f1.status, Status::Cancelled);
        assert_eq!(f1.conflicts.len(), 1);
        assert_eq!(f1.conflicts[0].event_kind, EventKind::Completed);
    }

    #[test]
    fn two_completions_differ_only_when_outcomes_differ() {
        let base = vec![ev("1", EventKind::OnSite, 10, Some(Status::Assigned), None)];
        let mut same = base.clone();
        same.push(ev(
            "2",
            EventKind::Completed,
            20,
            Some(Status::OnSite),
            Some("fixed"),
        ));
        same.push(ev(
            "3",
            EventKind::Completed,
            21,
            Some(Status::OnSite),
            Some("fixed"),
        ));
        assert!(fold(&same).conflicts.is_empty());
        let mut differ = base;
        differ.push(ev(
            "2",
            EventKind::Completed,
            20,
            Some(Status::OnSite),
            Some("fixed"),
        ));
        differ.push(ev(
            "3",
            EventKind::Completed,
            21,
            Some(Status::OnSite),
            Some("not_fixed"),
        ));
        assert_eq!(fold(&differ).conflicts.len(), 1);
    }

    #[test]
    fn settling_clears_the_conflict() {
        let log = vec![
            ev("1", EventKind::Accepted, 10, Some(Status::Assigned), None),
            ev("2", EventKind::Cancelled, 20, Some(Status::Accepted), None),
            ev(
                "3",
                EventKind::Completed,
                30,
                Some(Status::Accepted),
                Some("fixed"),
            ),
            ev("4", EventKind::Reopened, 40, Some(Status::Cancelled), None),
        ];
        let f = fold(&log);
        assert_eq!(f.status, Status::Reopened);
        assert!(f.conflicts.is_empty());
    }

    #[test]
    fn same_millisecond_actions_fold_in_the_order_they_were_made() {
        // Ids are random; a lexicographically smaller id must not jump the queue.
        let log = vec![
            ev("zz", EventKind::Accepted, 10, Some(Status::Assigned), None),
            ev("aa", EventKind::EnRoute, 10, Some(Status::Accepted), None),
        ];
        let f = fold(&log);
        assert_eq!(f.status, Status::EnRoute);
        assert!(f.conflicts.is_empty());
    }

    #[test]
    fn unknown_event_kinds_are_ignored_not_fatal() {
        let mut log = vec![ev(
            "1",
            EventKind::Accepted,
            10,
            Some(Status::Assigned),
            None,
        )];
        log.push(Event {
            kind: "teleported".into(),
            ..ev("2", EventKind::Accepted, 20, None, None)
        });
        assert_eq!(fold(&log).status, Status::Accepted);
    }

    #[test]
    fn feedback_neither_moves_the_status_nor_settles_a_conflict() {
        let mut log = vec![
            ev("1", EventKind::Accepted, 10, Some(Status::Assigned), None),
            ev("2", EventKind::Cancelled, 20, Some(Status::Accepted), None),
            ev(
                "3",
                EventKind::Completed,
                30,
                Some(Status::Accepted),
                Some("fixed"),
            ),
        ];
        assert_eq!(fold(&log).conflicts.len(), 1);
        for (id, kind) in [
            ("4", EventKind::Complaint),
            ("5", EventKind::ComplaintClosed),
            ("6", EventKind::Satisfaction),
        ] {
            log.push(ev(id, kind, 40, Some(Status::Cancelled), None));
        }
        let f = fold(&log);
        assert_eq!(f.status, Status::Cancelled);
        assert_eq!(f.conflicts.len(), 1, "feedback must not settle a conflict");
        for s in Status::ALL {
            assert_eq!(transition(s, EventKind::Complaint), Some(s));
        }
    }
}
