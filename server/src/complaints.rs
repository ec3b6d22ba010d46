//! Customer complaints and return-visit satisfaction scores, recorded by the office against a
//! work order. They are feedback events in the work order's log (`fieldsync::model::feedback`)
//! written by the server's actor in the user's name, so they sync to every replica and show in
//! the history. A complaint's resolution is due three working days after it was received, on
//! the customer's contract calendar (5×8 UTC when the customer has no contract).
//!
//! Everything here blocks (storage and Automerge): run it on the blocking pool.

use crate::hub::{Hub, HubError};
use crate::storage::UserRecord;
use fieldsync::model::feedback::{self, Complaint, Feedback, NewComplaint, Score};
use fieldsync::model::{ModelError, WorkOrder};
use fieldsync::sla::Calendar;
use fieldsync::{DocId, DocKind, TimestampMs};
use serde::Deserialize;

#[derive(Debug, thiserror::Error)]
pub enum FeedbackError {
    #[error(transparent)]
    Hub(#[from] HubError),
    #[error("nobody scores their own work")]
    OwnWork,
    #[error("no complaint {0} on this work order")]
    NoComplaint(String),
    #[error("{0}")]
    Invalid(String),
}

impl From<FeedbackError> for crate::error::AppError {
    fn from(e: FeedbackError) -> Self {
        use crate::error::AppError;
        match e {
            FeedbackError::Hub(h) => h.into(),
            e @ FeedbackError::OwnWork => AppError::Forbidden(e.to_string()),
            e @ FeedbackError::NoComplaint(_) => AppError::NotFound(e.to_string()),
            FeedbackError::Invalid(m) => AppError::BadRequest(m),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ComplaintRequest {
    pub reason: String,
    /// When the customer complained; now when absent.
    #[serde(default)]
    pub received_at_ms: Option<TimestampMs>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CloseRequest {
    /// `resolved` or `unfounded`.
    pub outcome: String,
    /// What was done and reported back to the customer.
    pub note: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScoreRequest {
    /// 1 (very unhappy) … 5 (very happy).
    pub score: i64,
    #[serde(default)]
    pub note: Option<String>,
}

fn work_order(hub: &Hub, id: DocId) -> Result<WorkOrder, FeedbackError> {
    let (kind, doc) = hub.load(id)?.ok_or(HubError::NotFound(id))?;
    if kind != DocKind::WorkOrder {
        return Err(FeedbackError::Invalid(format!("{id} is not a work order")));
    }
    Ok(WorkOrder::from_doc(&doc).map_err(HubError::from)?)
}

/// The service calendar complaints are measured on: the customer's contract's, else 5×8 UTC.
pub fn calendar_for(hub: &Hub, customer: Option<&str>) -> Result<Calendar, HubError> {
    let contract = match customer {
        Some(c) => crate::sla::contract_for(hub.db().blocking(), c)?,
        None => None,
    };
    Ok(contract.map_or_else(|| Calendar::five_by_eight("UTC"), |c| c.contract.calendar))
}

/// Everything the customer said about one work order.
pub fn feedback_of(hub: &Hub, id: DocId) -> Result<Feedback, FeedbackError> {
    Ok(Feedback::of(&work_order(hub, id)?.events))
}

/// Append one feedback event through `edit` (as the server's actor) and read it back.
fn write<F>(hub: &Hub, id: DocId, now: TimestampMs, mut edit: F) -> Result<Feedback, FeedbackError>
where
    F: FnMut(&mut automerge::AutoCommit) -> Result<String, ModelError>,
{
    hub.server_edit(id, now, |doc, _| edit(doc).map(|_| ()))?;
    feedback_of(hub, id)
}

pub fn add_complaint(
    hub: &Hub,
    id: DocId,
    user: &UserRecord,
    req: &ComplaintRequest,
    now: TimestampMs,
) -> Result<Complaint, FeedbackError> {
    let wo = work_order(hub, id)?;
    let received = req.received_at_ms.unwrap_or(now);
    let calendar = calendar_for(hub, wo.customer_id.as_deref())?;
    let due = fieldsync::sla::complaint_due_ms(&calendar, received)
        .map_err(|e| FeedbackError::Invalid(e.to_string()))?;
    let new = NewComplaint {
        reason: req.reason.clone(),
        received_at_ms: received,
        due_ms: due,
    };
    let me = user.id.to_string();
    let mut written = String::new();
    let all = write(hub, id, now, |doc| {
        written = feedback::record_complaint(doc, &new, &me, now)?;
        Ok(written.clone())
    })?;
    all.complaints
        .into_iter()
        .find(|c| c.id == written)
        .ok_or(FeedbackError::NoComplaint(written))
}

pub fn close_complaint(
    hub: &Hub,
    id: DocId,
    complaint_id: &str,
    user: &UserRecord,
    req: &CloseRequest,
    now: TimestampMs,
) -> Result<Complaint, FeedbackError> {
    if !feedback_of(hub, id)?
        .complaints
        .iter()
        .any(|c| c.id == complaint_id)
    {
        return Err(FeedbackError::NoComplaint(complaint_id.into()));
    }
    let me = user.id.to_string();
    let all = write(hub, id, now, |doc| {
        feedback::close_complaint(doc, complaint_id, &req.outcome, &req.note, &me, now)
    })?;
    all.complaints
        .into_iter()
        .find(|c| c.id == complaint_id)
        .ok_or_else(|| FeedbackError::NoComplaint(complaint_id.into()))
}

pub fn add_score(
    hub: &Hub,
    id: DocId,
    user: &UserRecord,
    req: &ScoreRequest,
    now: TimestampMs,
) -> Result<Score, FeedbackError> {
    let me = user.id.to_string();
    // Checked first for a clear status code; the model checks again inside the edit.
    if feedback::did_the_work(&work_order(hub, id)?, &me) {
        return Err(FeedbackError::OwnWork);
    }
    let mut written = String::new();
    let all = write(hub, id, now, |doc| {
        written = feedback::record_satisfaction(doc, req.score, req.note.as_deref(), &me, now)?;
        Ok(written.clone())
    })?;
    all.scores
        .into_iter()
        .find(|s| s.id == written)
        .ok_or_else(|| FeedbackError::Invalid("the score was not stored".into()))
}
