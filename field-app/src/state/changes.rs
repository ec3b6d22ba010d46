//! The supervisor's change approvals: the changes held on this device that await a decision
//! (emergency first: work may already be under way, then the oldest), those decided lately,
//! and the reasons being typed. Read from the local store, so the list and the decisions
//! work offline; a decision is a document edit that syncs (`fieldsync::model::decide_change`).

use fieldsync::model::{ApprovalState, ChangeApproval, ChangeClass, WorkOrder};
use fieldsync::status::Status;
use fieldsync::{DocId, TimestampMs};
use std::collections::BTreeMap;

/// Most decided changes listed under the pending ones.
pub const RECENT_DECIDED: usize = 10;

/// One change as the approval list shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct ChangeLine {
    pub doc_id: DocId,
    pub number: Option<String>,
    pub title: String,
    pub site_id: Option<String>,
    pub site_name: Option<String>,
    pub class: Option<ChangeClass>,
    pub state: ApprovalState,
    pub status: Status,
    pub created_at_ms: TimestampMs,
    pub approval: Option<ChangeApproval>,
}

impl ChangeLine {
    /// The line of `wo` (`None`: not a change).
    pub fn of(doc_id: DocId, wo: &WorkOrder, site_name: Option<String>) -> Option<ChangeLine> {
        Some(ChangeLine {
            state: wo.approval_state()?,
            doc_id,
            number: wo.number.clone(),
            title: wo.title.clone(),
            site_id: wo.site_id.clone(),
            site_name,
            class: wo.change_class.clone(),
            status: wo.fold().status,
            created_at_ms: wo.created_at_ms,
            approval: wo.change_approval.clone(),
        })
    }

    /// "WO-2026-00042 · Replace core switch".
    pub fn label(&self) -> String {
        match &self.number {
            Some(n) => format!("{n} · {}", self.title),
            None => self.title.clone(),
        }
    }
}

/// The approval list's content.
#[derive(Clone, Debug, Default)]
pub struct ChangeQueue {
    /// Awaiting a decision: emergency first, then by opening time. Cancelled changes are
    /// left out (nobody decides on them).
    pub pending: Vec<ChangeLine>,
    /// Decided, the latest decision first (at most [`RECENT_DECIDED`]).
    pub decided: Vec<ChangeLine>,
    /// Reasons being typed, per change.
    pub reasons: BTreeMap<DocId, String>,
}

impl ChangeQueue {
    /// Sort `lines` into the list, keeping the reasons being typed.
    pub fn fill(&mut self, lines: Vec<ChangeLine>) {
        let (mut pending, mut decided): (Vec<_>, Vec<_>) = lines
            .into_iter()
            .filter(|l| l.status != Status::Cancelled && l.state != ApprovalState::PreApproved)
            .partition(|l| l.state.is_pending());
        pending.sort_by_key(|l| (l.class != Some(ChangeClass::Emergency), l.created_at_ms));
        decided.sort_by_key(|l| std::cmp::Reverse(l.approval.as_ref().map(|a| a.at_ms)));
        decided.truncate(RECENT_DECIDED);
        self.pending = pending;
        self.decided = decided;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use fieldsync::model::ApprovalDecision;

    fn line(class: ChangeClass, state: ApprovalState, created: i64) -> ChangeLine {
        ChangeLine {
            doc_id: DocId::new(),
            number: None,
            title: format!("{class:?} {created}"),
            site_id: None,
            site_name: None,
            class: Some(class),
            approval: matches!(state, ApprovalState::Approved | ApprovalState::Rejected).then(
                || ChangeApproval {
                    decision: ApprovalDecision::Approved,
                    by: "sup".into(),
                    at_ms: created * 10,
                    reason: None,
                },
            ),
            state,
            status: Status::Assigned,
            created_at_ms: created,
        }
    }

    #[test]
    fn emergency_first_then_the_oldest_and_decided_apart() {
        let mut q = ChangeQueue::default();
        q.fill(vec![
            line(ChangeClass::Major, ApprovalState::Pending, 1),
            line(
                ChangeClass::Emergency,
                ApprovalState::AwaitingRetrospective,
                5,
            ),
            line(ChangeClass::Major, ApprovalState::Pending, 3),
            line(ChangeClass::Standard, ApprovalState::PreApproved, 0),
            line(ChangeClass::Major, ApprovalState::Approved, 2),
            line(ChangeClass::Emergency, ApprovalState::Approved, 4),
            line(
                ChangeClass::Unknown("seasonal".into()),
                ApprovalState::UnknownDecision("deferred".into()),
                9,
            ),
        ]);
        let order: Vec<i64> = q.pending.iter().map(|l| l.created_at_ms).collect();
        assert_eq!(order, [5, 1, 3, 9]);
        let decided: Vec<i64> = q.decided.iter().map(|l| l.created_at_ms).collect();
        assert_eq!(
            decided,
            [4, 2],
            "latest decision first; standard never listed"
        );
    }
}
