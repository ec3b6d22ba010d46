//! Checking and storing one pushed change set (docs/sync-protocol.md, "Policy"): the whole set
//! is accepted or rejected; nothing of a rejected set is stored.

use super::{Hub, HubError};
use crate::storage::{RejectionRecord, UserRecord};
use automerge::{ActorId, Automerge, ReadDoc};
use fieldsync::DocKind;
use fieldsync::policy::{self, Caller};
use fieldsync::wire::{Heads, PushDoc, PushOutcome, RejectCode};
use fieldsync::{DeviceId, Role, TimestampMs};
use std::collections::HashSet;

/// The authenticated device behind a sync request.
#[derive(Clone, Debug)]
pub struct CallerCtx {
    pub user: UserRecord,
    pub device: DeviceId,
    /// Actor ids bound to the user (any of their devices).
    pub actors: HashSet<ActorId>,
}

impl CallerCtx {
    fn policy_caller(&self) -> Caller {
        Caller {
            user_id: self.user.id.to_string(),
            role: self.user.role,
            actors: self.actors.clone(),
        }
    }
}

fn reject(code: RejectCode, reason: impl Into<String>) -> Result<Checked, HubError> {
    Ok(Checked::Rejected(code, reason.into()))
}

enum Checked {
    Accepted(Heads),
    Rejected(RejectCode, String),
    /// Validated against a copy another replica changed meanwhile: nothing stored.
    Stale,
}

impl Hub {
    /// Check one pushed document and store it if allowed. `Err` only for server-side failures.
    #[tracing::instrument(skip_all, fields(doc = %p.doc_id, kind = %p.kind))]
    pub fn push(
        &self,
        caller: &CallerCtx,
        p: &PushDoc,
        now: TimestampMs,
    ) -> Result<PushOutcome, HubError> {
        let mut checked = Checked::Stale;
        for _ in 0..super::STALE_ATTEMPTS {
            let _g = self.lock(&p.doc_id);
            checked = self.check_and_store(caller, p, now)?;
            if !matches!(checked, Checked::Stale) {
                break;
            }
        }
        Ok(match checked {
            Checked::Stale => {
                return Err(HubError::Storage(crate::storage::StorageError::Conflict(
                    format!(
                        "document {} keeps changing on other replicas; sync again",
                        p.doc_id
                    ),
                )));
            }
            Checked::Accepted(heads) => PushOutcome::Accepted { heads },
            Checked::Rejected(code, reason) => {
                tracing::info!(code = code.as_str(), %reason, user = %caller.user.username, "push rejected");
                self.db.blocking().record_rejection(&RejectionRecord {
                    doc_id: p.doc_id,
                    user: caller.user.id,
                    device: Some(caller.device),
                    code: code.as_str().into(),
                    reason: reason.clone(),
                    at_ms: now,
                })?;
                PushOutcome::Rejected { code, reason }
            }
        })
    }

    fn check_and_store(
        &self,
        caller: &CallerCtx,
        p: &PushDoc,
        now: TimestampMs,
    ) -> Result<Checked, HubError> {
        let existing = self.take_doc(p.doc_id)?;
        let (before, exists) = match existing {
            Some((kind, doc)) => {
                if kind != p.kind {
                    self.cache().put(p.doc_id, doc);
                    return reject(
                        RejectCode::WrongDocument,
                        format!("document {} is a {kind}, not a {}", p.doc_id, p.kind),
                    );
                }
                (doc, true)
            }
            None => (Automerge::new(), false),
        };
        let result = self.check_loaded(caller, p, &before, exists, now);
        // Put the server's copy back unless the push replaced it with the merged one.
        if exists && !matches!(result, Ok(Stored::Yes(_) | Stored::Stale)) {
            self.cache().put(p.doc_id, before);
        }
        match result? {
            Stored::Yes(heads) | Stored::NoOp(heads) => Ok(Checked::Accepted(heads)),
            Stored::Rejected(code, reason) => Ok(Checked::Rejected(code, reason)),
            Stored::Stale => Ok(Checked::Stale),
        }
    }

    fn check_loaded(
        &self,
        caller: &CallerCtx,
        p: &PushDoc,
        before: &Automerge,
        exists: bool,
        now: TimestampMs,
    ) -> Result<Stored, HubError> {
        let rej = |code, reason: String| Ok(Stored::Rejected(code, reason));
        // Work orders are judged by the policy, which also accepts edits an engineer made
        // while the work order was still theirs; other documents must be in the briefcase.
        let is_work_order = exists
            && fieldsync::model::header(before).is_ok_and(|(_, k, _)| k == DocKind::WorkOrder);
        if exists
            && !is_work_order
            && caller.user.role == Role::Engineer
            && !self
                .db
                .blocking()
                .in_briefcase(caller.user.id, caller.user.role, p.doc_id)?
        {
            return rej(
                RejectCode::NotYours,
                format!("document {} is not in your briefcase", p.doc_id),
            );
        }
        let mut after = before.clone();
        if let Err(e) = after.load_incremental(&p.changes) {
            return rej(
                RejectCode::Malformed,
                format!("the changes are not Automerge data: {e}"),
            );
        }
        let missing = after.get_missing_deps(&[]);
        if !missing.is_empty() {
            return rej(
                RejectCode::MissingDeps,
                format!(
                    "{} change(s) depend on history the server lacks (e.g. {}); push from base_heads = []",
                    missing.len(),
                    missing[0]
                ),
            );
        }
        if let Some(h) = p
            .heads
            .0
            .iter()
            .find(|h| after.get_change_by_hash(h).is_none())
        {
            return rej(
                RejectCode::Malformed,
                format!("head {h} is neither in the pushed bytes nor on the server"),
            );
        }
        let new_changes = after.get_changes(&before.get_heads());
        if new_changes.is_empty() {
            return Ok(Stored::NoOp(Heads::from(before.get_heads())));
        }
        match fieldsync::model::header(&after) {
            Ok((id, kind, _)) if id == p.doc_id && kind == p.kind => {}
            Ok((id, kind, _)) => {
                return rej(
                    RejectCode::WrongDocument,
                    format!(
                        "the changes are for {kind} {id}, pushed as {} {}",
                        p.kind, p.doc_id
                    ),
                );
            }
            Err(e) => return rej(RejectCode::Schema, e.to_string()),
        }
        if let Err(r) = policy::check_push(before, &after, &new_changes, &caller.policy_caller()) {
            return rej(r.code, r.reason);
        }
        // Schema rules on the merged result: the projection is built from the validated model.
        let projection = match super::project::project(p.kind, &after) {
            Ok(proj) => proj,
            Err(e) => return rej(RejectCode::Schema, e.to_string()),
        };
        let heads = Heads::from(after.get_heads());
        let stored = self.commit(
            p.doc_id,
            p.kind,
            &before.get_heads(),
            after,
            &new_changes,
            projection,
            Some(caller.user.id),
            Some(caller.device),
            !exists,
            now,
        )?;
        Ok(if stored {
            Stored::Yes(heads)
        } else {
            Stored::Stale
        })
    }
}

enum Stored {
    Yes(Heads),
    NoOp(Heads),
    Rejected(RejectCode, String),
    Stale,
}
