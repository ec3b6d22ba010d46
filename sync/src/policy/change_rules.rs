//! The push rules of change management (`crate::model::change`): the approval record is the
//! supervisor's, signed by whoever writes it, and a work step on a change whose approval does
//! not allow work is refused — judged on the merged document, or else on what the pushing
//! device had (work an engineer started while the change was approved, before a later
//! rejection reached them, is kept).

use super::{Caller, Rejection};
use crate::ids::Role;
use crate::model::WorkOrder;
use crate::status::{Event, EventKind};
use crate::wire::RejectCode;
use automerge::{Automerge, Change, ChangeHash};
use std::collections::HashSet;

/// Top-level work-order fields of change management.
pub(super) const CLASS_FIELD: &str = "change_class";
pub(super) const APPROVAL_FIELD: &str = "change_approval";

/// May `role` (not an administrator) write `top` of a work order? `None` when `top` is not a
/// change-management field. The class is fixed when the work order is created (by the
/// dispatcher): changing it later could make a major change standard and skip the approval.
/// The approval is a supervisor's alone.
pub(super) fn may_write(role: Role, creator: bool, top: &str) -> Option<bool> {
    match top {
        CLASS_FIELD => Some(creator && role == Role::Dispatcher),
        APPROVAL_FIELD => Some(role == Role::Supervisor),
        _ => None,
    }
}

/// A decision written by this push names the pushing user.
pub(super) fn check_approval(
    before: Option<&WorkOrder>,
    wo: &WorkOrder,
    caller: &Caller,
) -> Result<(), Rejection> {
    let Some(a) = &wo.change_approval else {
        return Ok(());
    };
    if before.and_then(|b| b.change_approval.as_ref()) == Some(a) || caller.role == Role::Admin {
        return Ok(());
    }
    if a.by != caller.user_id {
        return Err(Rejection::new(
            RejectCode::Forbidden,
            "a change's approval must be signed by the supervisor who writes it",
        ));
    }
    Ok(())
}

/// A new status event `ev` on the merged work order `wo`: a work step needs the change's
/// approval to allow it, in the merged document or on the pushing device.
pub(super) fn check_work_step(
    wo: &WorkOrder,
    ev: &Event,
    kind: EventKind,
    after: &Automerge,
    new_changes: &[Change],
) -> Result<(), Rejection> {
    let Err(refusal) = wo.change_gate(kind) else {
        return Ok(());
    };
    let on_device = after
        .fork_at(&pushed_heads(new_changes))
        .ok()
        .and_then(|doc| WorkOrder::from_doc(&doc).ok())
        .is_some_and(|seen| seen.change_gate(kind).is_ok());
    if on_device {
        return Ok(());
    }
    Err(Rejection::new(
        RejectCode::IllegalTransition,
        format!("event {}: {refusal}", ev.id),
    ))
}

/// The heads the pushing device had: the pushed changes no other pushed change depends on.
fn pushed_heads(new_changes: &[Change]) -> Vec<ChangeHash> {
    let deps: HashSet<ChangeHash> = new_changes
        .iter()
        .flat_map(|c| c.deps().iter().copied())
        .collect();
    new_changes
        .iter()
        .map(Change::hash)
        .filter(|h| !deps.contains(h))
        .collect()
}
