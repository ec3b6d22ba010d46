//! Checking and storing one pushed change set (docs/sync-protocol.md, "Policy"): the whole set
//! is accepted or rejected; nothing of a rejected set is stored.

use super::{Hub, HubError, Pending};
use crate::storage::{RejectionRecord, UserRecord};
use automerge::{ActorId, Automerge, ReadDoc};
use fieldsync::DocKind;
use fieldsync::policy::{self, Caller, DeviceView};
use fieldsync::wire::{Heads, PushDoc, PushOutcome, RejectCode};
use fieldsync::{DeviceId, DocId, Role, TimestampMs};
use std::collections::HashSet;

/// Documents of one request kept loaded from validation to commit and cached afterwards. A
/// device's first sync of its briefcase (hundreds of work orders) fits; an office's upload
/// of thousands does not hold them all (each loaded work order is ~20 times its stored size).
const KEEP_LOADED_PER_REQUEST: usize = 512;

/// The authenticated device behind a sync request.
#[derive(Clone, Debug)]
pub struct CallerCtx {
    pub user: UserRecord,
    pub device: DeviceId,
    /// Actor ids bound to the user (any of their devices).
    pub actors: HashSet<ActorId>,
    /// What the device had been sent when its request arrived ([`Storage::device_seen_seq`]),
    /// read once per request before anything of it is stored; `None` until then.
    ///
    /// [`Storage::device_seen_seq`]: crate::storage::Storage::device_seen_seq
    seen_seq: Option<u64>,
}

impl CallerCtx {
    pub fn new(user: UserRecord, device: DeviceId, actors: HashSet<ActorId>) -> Self {
        CallerCtx {
            user,
            device,
            actors,
            seen_seq: None,
        }
    }

    /// The same caller, with what its device had been sent fixed at `seen` for the request.
    pub(super) fn with_seen(&self, seen: u64) -> Self {
        CallerCtx {
            seen_seq: Some(seen),
            ..self.clone()
        }
    }

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

/// A request's pushes after validation: outcomes known already (by index) and the change
/// sets ready to append.
pub(super) struct Validated {
    outcomes: Vec<Option<PushOutcome>>,
    ready: Vec<(usize, Pending, Heads)>,
}

impl Validated {
    /// The appends to store, with the heads each was validated against.
    pub(super) fn appends(&self) -> Vec<(&crate::storage::AppendRecord, &[String])> {
        self.ready
            .iter()
            .map(|(_, p, _)| (&p.rec, p.base.as_slice()))
            .collect()
    }
}

enum Checked {
    /// Nothing new (the server has every pushed change already).
    Accepted(Heads),
    /// Valid and ready to append; the server's cached copy is out until it is stored.
    Ready(Box<Pending>, Heads),
    Rejected(RejectCode, String),
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
        for _ in 0..super::STALE_ATTEMPTS {
            let _g = self.lock(&p.doc_id);
            match self.check_and_store(caller, p, now)? {
                Checked::Accepted(heads) => return Ok(PushOutcome::Accepted { heads }),
                Checked::Rejected(code, reason) => {
                    return self.rejected(caller, p, code, reason, now);
                }
                Checked::Ready(pending, heads) => {
                    if self.commit_pending(*pending)? {
                        return Ok(PushOutcome::Accepted { heads });
                    }
                }
            }
        }
        Err(HubError::Storage(crate::storage::StorageError::Conflict(
            format!(
                "document {} keeps changing on other replicas; sync again",
                p.doc_id
            ),
        )))
    }

    /// Check every pushed document of one request. Validation (where the CPU goes) runs in
    /// parallel across the machine's cores; what is accepted is left in [`Validated::ready`]
    /// for the caller to store in one transaction with the rest of the request's writes, so a
    /// first sync of 500 documents costs one durable commit, not 500. The same document
    /// twice in one request is pushed in order instead, each push storing itself, since the
    /// second must see the first.
    pub(super) fn validate_all(
        &self,
        caller: &CallerCtx,
        pushes: &[PushDoc],
        now: TimestampMs,
    ) -> Result<Validated, HubError> {
        let unique: HashSet<_> = pushes.iter().map(|p| p.doc_id).collect();
        if unique.len() != pushes.len() {
            let outcomes = pushes
                .iter()
                .map(|p| self.push(caller, p, now).map(Some))
                .collect::<Result<_, _>>()?;
            return Ok(Validated {
                outcomes,
                ready: Vec::new(),
            });
        }
        let checked = self.check_all(caller, pushes, now);
        let mut outcomes: Vec<Option<PushOutcome>> = (0..pushes.len()).map(|_| None).collect();
        let mut ready = Vec::new();
        for (i, c) in checked.into_iter().enumerate() {
            match c? {
                Checked::Accepted(heads) => outcomes[i] = Some(PushOutcome::Accepted { heads }),
                Checked::Rejected(code, reason) => {
                    outcomes[i] = Some(self.rejected(caller, &pushes[i], code, reason, now)?);
                }
                Checked::Ready(pending, heads) => ready.push((i, *pending, heads)),
            }
        }
        Ok(Validated { outcomes, ready })
    }

    /// After the request's appends were written (`appended`, one entry per ready change set):
    /// cache what was stored; a document another replica changed meanwhile is checked and
    /// stored again on its own. Outcomes come back in request order.
    pub(super) fn finish_pushes(
        &self,
        caller: &CallerCtx,
        pushes: &[PushDoc],
        v: Validated,
        appended: Vec<Option<crate::storage::AppendOutcome>>,
        now: TimestampMs,
    ) -> Result<Vec<PushOutcome>, HubError> {
        let Validated {
            mut outcomes,
            ready,
        } = v;
        for ((i, pending, heads), stored) in ready.into_iter().zip(appended) {
            outcomes[i] = Some(match stored {
                Some(outcome) => {
                    self.stored(pending, outcome);
                    PushOutcome::Accepted { heads }
                }
                None => {
                    tracing::info!(doc = %pending.rec.doc_id, "document changed on another replica; validating again");
                    self.push(caller, &pushes[i], now)?
                }
            });
        }
        Ok(outcomes
            .into_iter()
            .map(|o| o.expect("every push has an outcome"))
            .collect())
    }

    /// Check every push (each under its document's lock), in parallel across the cores.
    fn check_all(
        &self,
        caller: &CallerCtx,
        pushes: &[PushDoc],
        now: TimestampMs,
    ) -> Vec<Result<Checked, HubError>> {
        super::on_all_cores(
            pushes.iter().enumerate().collect(),
            |(i, p): (usize, &PushDoc)| {
                let _g = self.lock(&p.doc_id);
                let checked = self.check_and_store(caller, p, now);
                // Only the first documents of a large request stay loaded until its commit
                // (and are cached then): memory for the rest is what they store.
                match checked {
                    Ok(Checked::Ready(pending, heads)) if i >= KEEP_LOADED_PER_REQUEST => {
                        Ok(Checked::Ready(Box::new((*pending).unloaded()), heads))
                    }
                    other => other,
                }
            },
        )
    }

    /// Record a rejection (for the admin's view and the device's quarantine) and answer it.
    fn rejected(
        &self,
        caller: &CallerCtx,
        p: &PushDoc,
        code: RejectCode,
        reason: String,
        now: TimestampMs,
    ) -> Result<PushOutcome, HubError> {
        tracing::info!(code = code.as_str(), %reason, user = %caller.user.username, "push rejected");
        self.db.blocking().record_rejection(&RejectionRecord {
            doc_id: p.doc_id,
            user: caller.user.id,
            device: Some(caller.device),
            code: code.as_str().into(),
            reason: reason.clone(),
            at_ms: now,
        })?;
        Ok(PushOutcome::Rejected { code, reason })
    }

    /// What `caller`'s device had been sent of document `id` (whose server copy is
    /// `before`) when its request arrived: the document as of the highest change-log position
    /// delivered to the device, or [`DeviceView::NotHeld`] if the server does not count the
    /// document as on the device (never sent, or its removal confirmed).
    fn device_view(
        &self,
        caller: &CallerCtx,
        id: fieldsync::DocId,
        before: &Automerge,
    ) -> Result<DeviceView, HubError> {
        let db = self.db.blocking();
        if !db.device_holds(caller.device, id)? {
            return Ok(DeviceView::NotHeld);
        }
        let seen = match caller.seen_seq {
            Some(s) => s,
            None => db.device_seen_seq(caller.device)?,
        };
        let rows = db.change_log_rows(id)?;
        if rows.iter().all(|(seq, _, _)| *seq <= seen) {
            return Ok(DeviceView::Knew(before.get_heads()));
        }
        // The log's chunks of one document are in causal order, so a prefix loads.
        let mut bytes = Vec::new();
        for (_, _, b) in rows.iter().filter(|(seq, _, _)| *seq <= seen) {
            bytes.extend_from_slice(b);
        }
        if bytes.is_empty() {
            return Ok(DeviceView::Knew(Vec::new()));
        }
        let known = Automerge::load(&bytes).map_err(|e| HubError::Corrupt(id, e.to_string()))?;
        Ok(DeviceView::Knew(known.get_heads()))
    }

    fn check_and_store(
        &self,
        caller: &CallerCtx,
        p: &PushDoc,
        now: TimestampMs,
    ) -> Result<Checked, HubError> {
        let existing = self.take_doc_typed(p.doc_id)?;
        let (before, before_wo, exists) = match existing {
            Some((kind, doc, wo)) => {
                if kind != p.kind {
                    self.cache().put_with(p.doc_id, doc, wo);
                    return reject(
                        RejectCode::WrongDocument,
                        format!("document {} is a {kind}, not a {}", p.doc_id, p.kind),
                    );
                }
                (doc, wo, true)
            }
            None => (Automerge::new(), None, false),
        };
        let result = self.check_loaded(caller, p, &before, before_wo.as_deref(), exists, now);
        // Put the server's copy back unless the merged one will replace it once stored.
        if exists && !matches!(result, Ok(Checked::Ready(..))) {
            self.cache().put_with(p.doc_id, before, before_wo);
        }
        result
    }

    /// Why the work-order number a push writes is refused, if it is: a device may give only
    /// a number the server leased to it, and only to one work order. The office's and the
    /// server's own numbering do not come through here; an administrator's push is trusted.
    fn number_refusal(
        &self,
        caller: &CallerCtx,
        doc: DocId,
        before: &Automerge,
        after: &fieldsync::model::WorkOrder,
    ) -> Result<Option<String>, HubError> {
        let Some(number) = after.number.as_deref() else {
            return Ok(None);
        };
        let before_number = match before.get(automerge::ROOT, "number") {
            Ok(Some((automerge::Value::Scalar(s), _))) => s.as_str().map(str::to_owned),
            _ => None,
        };
        if before_number.as_deref() == Some(number) || caller.user.role == Role::Admin {
            return Ok(None);
        }
        let Some(parsed) = fieldsync::model::WorkOrderNumber::parse(number) else {
            return Ok(Some(format!(
                "{number:?} is not a work-order number (WO-<year>-<00001>)"
            )));
        };
        let db = self.db.blocking();
        if !db.number_leased_to(caller.device, parsed)? {
            return Ok(Some(format!(
                "work-order number {number} was not leased to this computer"
            )));
        }
        let me = doc.to_string();
        if db.work_orders_numbered(number)?.iter().any(|d| *d != me) {
            return Ok(Some(format!(
                "work-order number {number} is already given to another work order"
            )));
        }
        Ok(None)
    }

    fn check_loaded(
        &self,
        caller: &CallerCtx,
        p: &PushDoc,
        before: &Automerge,
        before_wo: Option<&fieldsync::model::WorkOrder>,
        exists: bool,
        now: TimestampMs,
    ) -> Result<Checked, HubError> {
        let rej = |code, reason: String| Ok(Checked::Rejected(code, reason));
        // Work orders are judged by the policy, which also accepts edits an engineer made
        // while the work order was still theirs; other documents must be in the briefcase.
        // A cached typed work order was read (and validated as one) from exactly `before`,
        // so it answers without reading the header again.
        let is_work_order = exists
            && (before_wo.is_some()
                || fieldsync::model::header(before).is_ok_and(|(_, k, _)| k == DocKind::WorkOrder));
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
        // A document new to the server is loaded strictly (every byte must be Automerge
        // data), since what it was pushed as may be stored as it came (`use_pushed_bytes`).
        let loaded = if exists {
            let mut after = before.clone();
            after.load_incremental(&p.changes).map(|_| after)
        } else {
            Automerge::load(&p.changes)
        };
        let after = match loaded {
            Ok(after) => after,
            Err(automerge::AutomergeError::MissingDeps) => {
                return rej(
                    RejectCode::MissingDeps,
                    "the changes depend on history the server lacks; push from base_heads = []"
                        .into(),
                );
            }
            Err(e) => {
                return rej(
                    RejectCode::Malformed,
                    format!("the changes are not Automerge data: {e}"),
                );
            }
        };
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
        // Looking up the metadata is enough to know a head is there; `get_change_by_hash`
        // would encode the whole change.
        if let Some(h) = p
            .heads
            .0
            .iter()
            .find(|h| after.get_change_meta_by_hash(h).is_none())
        {
            return rej(
                RejectCode::Malformed,
                format!("head {h} is neither in the pushed bytes nor on the server"),
            );
        }
        let new_changes = after.get_changes(&before.get_heads());
        if new_changes.is_empty() {
            return Ok(Checked::Accepted(Heads::from(before.get_heads())));
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
        // An engineer's changes to a work order that is no longer theirs are judged against
        // the assignment their device had been sent (looked up only then).
        let mut view_err = None;
        let verdict = policy::check_push_viewed(
            before,
            before_wo,
            &after,
            &new_changes,
            &caller.policy_caller(),
            &mut || {
                self.device_view(caller, p.doc_id, before)
                    .unwrap_or_else(|e| {
                        view_err = Some(e);
                        DeviceView::NotHeld
                    })
            },
        );
        if let Some(e) = view_err {
            return Err(e);
        }
        let checked_wo = match verdict {
            Ok(wo) => wo.map(std::sync::Arc::new),
            Err(r) => return rej(r.code, r.reason),
        };
        if let Some(wo) = checked_wo.as_deref()
            && let Some(reason) = self.number_refusal(caller, p.doc_id, before, wo)?
        {
            return rej(RejectCode::Forbidden, reason);
        }
        // Schema rules on the merged result: the projection is built from the validated model.
        let projection =
            match super::project::project_checked(p.kind, &after, checked_wo.as_deref()) {
                Ok(proj) => proj,
                Err(e) => return rej(RejectCode::Schema, e.to_string()),
            };
        // Accepted although the work order is no longer theirs: offline work done before the
        // device learned of a reassignment. The office hears of it once it is stored.
        let late = checked_wo.as_deref().and_then(|wo| {
            let me = caller.user.id.to_string();
            (caller.user.role == Role::Engineer && !wo.is_assigned_to(&me) && wo.created_by != me)
                .then(|| {
                    format!(
                        "{} {}: late work from {}, who was taken off it, arrived after the reassignment",
                        wo.number.clone().unwrap_or_default(),
                        wo.title,
                        caller.user.display_name
                    )
                })
        });
        let heads = Heads::from(after.get_heads());
        let pending = Pending::new(
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
        )
        .with_work_order(checked_wo)
        .with_late_work(late);
        let pending = if exists {
            pending
        } else {
            pending.use_pushed_bytes(&p.changes)
        };
        Ok(Checked::Ready(Box::new(pending), heads))
    }
}
