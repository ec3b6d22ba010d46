//! Supervisor review: the queue of completed work orders awaiting a decision, and the decision
//! itself (approve, or send back with a comment), written as an `approved` / `rejected` event
//! by the server's actor so it reaches the engineer's device at the next sync. Sending back
//! reopens the work order there (the fold maps `rejected` → `reopened` with the comment).
//! Nobody reviews their own work: an assignee or the author of the completion is refused.

use crate::hub::{Hub, HubError};
use crate::storage::{UserRecord, WorkOrderFilter};
use fieldsync::model::{self, EventExtra, ModelError, WorkOrder};
use fieldsync::status::{EventKind, Status};
use fieldsync::{DocId, DocKind, TimestampMs};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

#[derive(Debug, thiserror::Error)]
pub enum ReviewError {
    #[error(transparent)]
    Hub(#[from] HubError),
    #[error("nobody reviews their own work")]
    OwnWork,
    #[error("only a completed work order can be reviewed; this one is {0}")]
    NotCompleted(&'static str),
    #[error("{0}")]
    Invalid(String),
}

impl From<ReviewError> for crate::error::AppError {
    fn from(e: ReviewError) -> Self {
        use crate::error::AppError;
        match e {
            ReviewError::Hub(h) => h.into(),
            e @ ReviewError::OwnWork => AppError::Forbidden(e.to_string()),
            e @ ReviewError::NotCompleted(_) => AppError::Conflict("not_completed", e.to_string()),
            ReviewError::Invalid(m) => AppError::BadRequest(m),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Approve,
    SendBack,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DecisionRequest {
    pub decision: Decision,
    #[serde(default)]
    pub comment: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct DecisionOutcome {
    pub doc_id: DocId,
    pub decision: Decision,
    /// The status after the decision: `approved` or `reopened`.
    pub status: &'static str,
}

/// Did `user` do (part of) the work? Assignees and whoever completed it may not review it.
pub fn is_own_work(wo: &WorkOrder, user: &str) -> bool {
    wo.is_assigned_to(user)
        || wo
            .events
            .iter()
            .any(|e| e.by == user && e.kind() == Some(EventKind::Completed))
}

/// Record a supervisor's decision as the server's actor.
pub fn decide(
    hub: &Hub,
    id: DocId,
    reviewer: &UserRecord,
    req: &DecisionRequest,
    now: TimestampMs,
) -> Result<DecisionOutcome, ReviewError> {
    let comment = req
        .comment
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty());
    if req.decision == Decision::SendBack && comment.is_none() {
        return Err(ReviewError::Invalid(
            "sending a report back needs a comment for the engineer".into(),
        ));
    }
    let me = reviewer.id.to_string();
    // Checked before writing (for a clear status code) and again inside the edit, against the
    // document as it is when the event is appended.
    let (kind, doc) = hub.load(id)?.ok_or(HubError::NotFound(id))?;
    if kind != DocKind::WorkOrder {
        return Err(ReviewError::Invalid(format!("{id} is not a work order")));
    }
    let wo = WorkOrder::from_doc(&doc).map_err(HubError::from)?;
    check(&wo, &me)?;
    let event = match req.decision {
        Decision::Approve => EventKind::Approved,
        Decision::SendBack => EventKind::Rejected,
    };
    hub.server_edit(id, now, |doc, _| {
        let wo = WorkOrder::from_doc(doc)?;
        check(&wo, &me).map_err(|e| ModelError::Invalid(e.to_string()))?;
        let extra = EventExtra {
            note: comment.map(Into::into),
            ..Default::default()
        };
        model::record_event(doc, event, &me, now, extra).map(|_| ())
    })?;
    Ok(DecisionOutcome {
        doc_id: id,
        decision: req.decision,
        status: match req.decision {
            Decision::Approve => Status::Approved.as_str(),
            Decision::SendBack => Status::Reopened.as_str(),
        },
    })
}

fn check(wo: &WorkOrder, reviewer: &str) -> Result<(), ReviewError> {
    if is_own_work(wo, reviewer) {
        return Err(ReviewError::OwnWork);
    }
    let status = wo.fold().status;
    if status != Status::Completed {
        return Err(ReviewError::NotCompleted(status.as_str()));
    }
    Ok(())
}

/// Filters of the review queue. `engineer` is a username or user id.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QueueFilter {
    pub customer: Option<String>,
    pub engineer: Option<String>,
    pub kind: Option<String>,
    pub limit: Option<u32>,
}

/// One report awaiting review.
#[derive(Clone, Debug, Serialize)]
pub struct QueueItem {
    pub doc_id: String,
    pub number: Option<String>,
    pub title: String,
    pub kind: String,
    pub category: Option<String>,
    pub priority: Option<String>,
    pub customer_id: Option<String>,
    pub site_id: Option<String>,
    /// Display names of the assigned engineers.
    pub engineers: Vec<String>,
    pub completed_at_ms: Option<TimestampMs>,
    /// How long the report has waited for review.
    pub waiting_ms: i64,
    pub resolution_due_ms: Option<TimestampMs>,
    /// Completed after the resolution due time.
    pub resolution_breached: bool,
    /// Breached, or P1: the supervisor should look at these first.
    pub sla_critical: bool,
    pub checks_failed: usize,
    pub parts_without_consent: usize,
    pub signed: bool,
    pub conflict: bool,
}

/// Completed work orders awaiting review: SLA-critical first, then oldest completion first.
/// `engineer` must already be resolved to a user id.
pub fn queue(
    hub: &Hub,
    filter: &QueueFilter,
    engineer_id: Option<String>,
    now: TimestampMs,
) -> Result<Vec<QueueItem>, ReviewError> {
    let rows = hub
        .db()
        .blocking()
        .list_work_orders(&WorkOrderFilter {
            status: Some(Status::Completed.as_str().into()),
            assignee: engineer_id,
            customer: filter.customer.clone(),
            ..Default::default()
        })
        .map_err(HubError::from)?;
    let mut names: HashMap<String, String> = HashMap::new();
    let mut items = Vec::new();
    for row in rows {
        if filter.kind.as_ref().is_some_and(|k| *k != row.kind) {
            continue;
        }
        let Ok(id) = row.doc_id.parse::<DocId>() else {
            continue;
        };
        let Some((_, doc)) = hub.load(id)? else {
            continue;
        };
        let wo = match WorkOrder::from_doc(&doc) {
            Ok(wo) => wo,
            Err(e) => {
                tracing::warn!(%id, error = %e, "work order in the review queue does not read");
                continue;
            }
        };
        let folded = wo.fold();
        let mut engineers = Vec::new();
        for u in &row.assignees {
            if !names.contains_key(u)
                && let Ok(uid) = u.parse()
            {
                let name = hub
                    .db()
                    .blocking()
                    .user_by_id(uid)
                    .map_err(HubError::from)?
                    .map(|r| r.display_name);
                names.insert(u.clone(), name.unwrap_or_else(|| u.clone()));
            }
            engineers.push(names.get(u).cloned().unwrap_or_else(|| u.clone()));
        }
        let completed = folded.completed_at_ms;
        let due = row.resolution_due_ms;
        let breached = matches!((completed, due), (Some(c), Some(d)) if c > d);
        items.push(QueueItem {
            doc_id: row.doc_id,
            number: row.number,
            title: row.title,
            kind: row.kind,
            category: row.category,
            sla_critical: breached || row.priority.as_deref() == Some("P1"),
            priority: row.priority,
            customer_id: row.customer_id,
            site_id: row.site_id,
            engineers,
            completed_at_ms: completed,
            waiting_ms: completed.map_or(0, |c| (now - c).max(0)),
            resolution_due_ms: due,
            resolution_breached: breached,
            checks_failed: wo.checklist.values().filter(|i| i.is_failed()).count(),
            parts_without_consent: wo.parts.values().filter(|p| !p.customer_consent).count(),
            signed: wo.signature.is_some(),
            conflict: row.conflict || !folded.conflicts.is_empty(),
        });
    }
    items.sort_by_key(|i| (!i.sla_critical, i.completed_at_ms.unwrap_or(i64::MAX)));
    if let Some(limit) = filter.limit {
        items.truncate(limit as usize);
    }
    Ok(items)
}

/// The document as it was after the first `upto` changes of its history, in the order
/// `GET /v1/docs/{id}/history` lists them (each change after its dependencies), so a
/// supervisor can read the report as it stood at any past point.
pub fn doc_at(doc: &automerge::Automerge, upto: usize) -> Result<automerge::Automerge, HubError> {
    let changes = doc.get_changes(&[]);
    if upto == 0 || upto > changes.len() {
        return Err(HubError::Invalid(format!(
            "the history has {} changes; pick a point from 1 to {}",
            changes.len(),
            changes.len()
        )));
    }
    let mut at = automerge::Automerge::new();
    at.apply_changes(changes.into_iter().take(upto))
        .map_err(|e| HubError::Invalid(format!("replaying the history: {e}")))?;
    Ok(at)
}
