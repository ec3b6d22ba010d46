//! The device side of sync, sans-IO: [`LocalStore::prepare_sync`] builds the request from the
//! store, [`LocalStore::apply_sync`] applies the server's answer. No sockets and no clocks in
//! here (`now` is passed in), so the app's worker and the tests' simulated devices share it.

use crate::ids::{DocId, DocKind, Role, TimestampMs};
use crate::model::{self, WorkOrder};
use crate::policy::{self, Caller, Relation, Seg};
use crate::store::{
    LocalStore, Result, StoreError, heads_from_blob, heads_to_blob, unindex, write_doc,
    write_doc_bytes,
};
use crate::wire::{Heads, PROTOCOL_VERSION, PushDoc, PushOutcome, SyncRequest, SyncResponse};
use automerge::{
    AutoCommit, ChangeHash, ObjType, Patch, PatchAction, Prop, ReadDoc, transaction::Transactable,
};
use rusqlite::params;
use std::collections::HashMap;

/// What a request carried, needed to apply its answer.
#[derive(Clone, Debug)]
pub struct Outgoing {
    pub request: SyncRequest,
    pushed: HashMap<DocId, PushedDoc>,
}

#[derive(Clone, Debug)]
struct PushedDoc {
    base: Vec<ChangeHash>,
    heads: Vec<ChangeHash>,
}

/// What an applied answer did, for the UI's sync status.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SyncReport {
    pub accepted: usize,
    pub rejected: Vec<(DocId, String, String)>,
    pub pulled: usize,
    pub removed: usize,
    pub more: bool,
}

impl LocalStore {
    /// Build the next request: new changes of every dirty document and the cursor.
    pub fn prepare_sync(&mut self, max_response_bytes: Option<u64>) -> Result<Outgoing> {
        let mut stmt = self.conn.prepare(
            "SELECT doc_id, kind, heads, synced_heads FROM docs WHERE dirty = 1 ORDER BY doc_id",
        )?;
        let dirty: Vec<(String, String, Vec<u8>, Vec<u8>)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
            .collect::<rusqlite::Result<_>>()?;
        drop(stmt);
        let mut push = Vec::with_capacity(dirty.len());
        let mut pushed = HashMap::new();
        for (id, kind, heads, synced) in dirty {
            let (Ok(doc_id), Some(kind)) = (id.parse::<DocId>(), DocKind::parse(&kind)) else {
                continue;
            };
            let base = heads_from_blob(&synced);
            let heads = heads_from_blob(&heads);
            // A document the server may not know goes whole, in the compact columnar format
            // the store already holds: no Automerge work.
            let changes = if base.is_empty() {
                self.stored_bytes(doc_id)?
            } else {
                self.doc(doc_id)?.save_after(&base)
            };
            push.push(PushDoc {
                doc_id,
                kind,
                base_heads: Heads::from(base.clone()),
                changes,
                heads: Heads::from(heads.clone()),
            });
            pushed.insert(doc_id, PushedDoc { base, heads });
        }
        Ok(Outgoing {
            request: SyncRequest {
                protocol: PROTOCOL_VERSION,
                cursor: self.cursor()?,
                push,
                max_response_bytes,
            },
            pushed,
        })
    }

    /// Apply an answer in one transaction: results, quarantine, pulled documents, removals,
    /// and the new cursor. If this fails nothing is stored and the same request can be resent.
    /// A caller that shares the store with a UI applies it in slices instead ([`Applying`]).
    pub fn apply_sync(
        &mut self,
        out: &Outgoing,
        resp: SyncResponse,
        now: TimestampMs,
    ) -> Result<SyncReport> {
        let mut applying = Applying::new(resp);
        loop {
            if let Some(report) = applying.step(self, out, usize::MAX, now)? {
                return Ok(report);
            }
        }
    }
}

/// Pulled bytes an app applies per slice ([`Applying::step`]): a slice takes milliseconds,
/// so a UI thread sharing the store never waits long while a 2 MiB page is applied.
pub const APPLY_SLICE_BYTES: usize = 128 * 1024;

/// An answer applied in slices of about `budget` bytes of pulled documents, one transaction
/// each, so whoever shares the store (the app's UI thread ticking a checklist item) waits for
/// one slice, never for a whole page. The cursor moves in the last slice only: if applying
/// stops half-way, the next sync receives the same page again, and merging a document twice
/// changes nothing.
pub struct Applying {
    resp: SyncResponse,
    /// Results (accepted, quarantined) are applied with the first slice.
    results_done: bool,
    /// The first pulled document not applied yet.
    next_pull: usize,
    report: SyncReport,
}

impl Applying {
    pub fn new(resp: SyncResponse) -> Self {
        let report = SyncReport {
            more: resp.more,
            ..Default::default()
        };
        Applying {
            resp,
            results_done: false,
            next_pull: 0,
            report,
        }
    }

    /// Apply the next slice (at least one pulled document, more while under `budget` bytes);
    /// `Some(report)` once the whole answer is applied and the cursor has moved.
    pub fn step(
        &mut self,
        store: &mut LocalStore,
        out: &Outgoing,
        budget: usize,
        now: TimestampMs,
    ) -> Result<Option<SyncReport>> {
        let resp = &self.resp;
        let report = &mut self.report;
        // Work out every new state of this slice first; then write them in one transaction.
        let mut docs: HashMap<DocId, (DocKind, AutoCommit, Vec<ChangeHash>)> = HashMap::new();
        let mut quarantined: Vec<(DocId, DocKind, Vec<u8>, String, String)> = Vec::new();
        let mut accepted: Vec<(DocId, Vec<ChangeHash>)> = Vec::new();
        let mut dropped: Vec<DocId> = Vec::new();
        let mut received_whole: HashMap<DocId, Vec<u8>> = HashMap::new();

        if !self.results_done {
            // Who we are decides what a rejected document keeps; only the first slice asks.
            let identity = store.identity()?;
            for result in &resp.results {
                let Some(pushed) = out.pushed.get(&result.doc_id) else {
                    continue;
                };
                let Some(kind) = store.kind_of(result.doc_id)? else {
                    continue;
                };
                match &result.outcome {
                    PushOutcome::Accepted { .. } => {
                        // Only the shared heads move; the document itself is unchanged.
                        report.accepted += 1;
                        accepted.push((result.doc_id, pushed.heads.clone()));
                    }
                    PushOutcome::Rejected { code, reason } => {
                        let mut doc = store.doc(result.doc_id)?;
                        quarantined.push((
                            result.doc_id,
                            kind,
                            doc.save(),
                            code.as_str().into(),
                            reason.clone(),
                        ));
                        report
                            .rejected
                            .push((result.doc_id, code.as_str().into(), reason.clone()));
                        let actor = store.actor().clone();
                        match reset_to_shared(
                            &mut doc,
                            &pushed.base,
                            kind,
                            identity.as_ref(),
                            actor,
                            now,
                        )? {
                            Some(reset) => {
                                docs.insert(result.doc_id, (kind, reset, pushed.base.clone()));
                            }
                            // The server never had this document: nothing shared to return
                            // to, so it lives on only in quarantine (unless the answer also
                            // sends it, in this slice or a later one).
                            None if resp.pull.iter().any(|p| p.doc_id == result.doc_id) => {}
                            None => dropped.push(result.doc_id),
                        }
                    }
                }
            }
        }

        let pulls = &resp.pull;
        let first = self.next_pull;
        let mut end = first;
        let mut bytes = 0usize;
        while end < pulls.len() && (end == first || bytes < budget) {
            bytes = bytes.saturating_add(pulls[end].bytes.len());
            end += 1;
        }
        let last = end == pulls.len();

        for pull in &pulls[first..end] {
            report.pulled += 1;
            let acked = accepted
                .iter()
                .find(|(id, _)| *id == pull.doc_id)
                .map(|(_, h)| h.clone());
            let entry = match docs.remove(&pull.doc_id) {
                Some(e) => Some(e),
                None if store.contains(pull.doc_id)? => {
                    let synced = match acked {
                        Some(h) => h,
                        None => store.synced_heads(pull.doc_id)?,
                    };
                    Some((pull.kind, store.doc(pull.doc_id)?, synced))
                }
                None => None,
            };
            // A document received whole and new here is stored as received: no second save.
            if entry.is_none() && pull.whole {
                received_whole.insert(pull.doc_id, pull.bytes.clone());
            } else {
                received_whole.remove(&pull.doc_id);
            }
            let unreadable = |e: automerge::AutomergeError| StoreError::Corrupt {
                doc: pull.doc_id.to_string(),
                detail: format!("server sent unreadable bytes: {e}"),
            };
            let (kind, mut doc, synced, had_local_changes) = match entry {
                Some((kind, mut doc, synced)) => {
                    let local = sorted(&doc.get_heads()) != sorted(&synced);
                    doc.load_incremental(&pull.bytes).map_err(unreadable)?;
                    (kind, doc, synced, local)
                }
                // New here: load the bytes directly (much cheaper than merging into an empty
                // document).
                None => {
                    let doc = AutoCommit::load(&pull.bytes)
                        .map_err(unreadable)?
                        .with_actor(store.actor().clone());
                    (pull.kind, doc, Vec::new(), false)
                }
            };
            let new_synced = if had_local_changes {
                // Shared = what we had shared plus what the server just sent.
                let mut shared = doc.fork_at(&synced).map_err(ModelErr)?;
                shared.load_incremental(&pull.bytes).map_err(ModelErr)?;
                shared.get_heads()
            } else {
                doc.get_heads()
            };
            docs.insert(pull.doc_id, (kind, doc, new_synced));
        }

        let mut removed: Vec<DocId> = Vec::new();
        for id in resp.removed.iter().filter(|_| last) {
            let clean = match docs.get_mut(id) {
                Some((_, doc, synced)) => sorted(&doc.get_heads()) == sorted(synced),
                None => match accepted.iter().find(|(a, _)| a == id) {
                    Some((_, heads)) => store.heads(*id)? == sorted(heads),
                    None => !store.is_dirty(*id)?,
                },
            };
            if clean {
                docs.remove(id);
                removed.push(*id);
            }
        }
        report.removed += removed.len();

        let tx = store.conn.unchecked_transaction()?;
        for (id, kind, bytes, code, reason) in &quarantined {
            crate::store::exec_cached(
                &tx,
                "INSERT INTO quarantine (doc_id, kind, bytes, code, reason, created_at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![id.to_string(), kind.as_str(), bytes, code, reason, now],
            )?;
            crate::store::exec_cached(
                &tx,
                "INSERT OR REPLACE INTO rejections (doc_id, code, reason, at_ms) VALUES (?1, ?2, ?3, ?4)",
                params![id.to_string(), code, reason, now],
            )?;
        }
        for (id, heads) in &accepted {
            crate::store::exec_cached(
                &tx,
                "DELETE FROM rejections WHERE doc_id = ?1",
                [id.to_string()],
            )?;
            if !docs.contains_key(id) {
                crate::store::exec_cached(
                    &tx,
                    "UPDATE docs SET synced_heads = ?2, dirty = (heads != ?2) WHERE doc_id = ?1",
                    params![id.to_string(), heads_to_blob(heads)],
                )?;
            }
        }
        for (id, (kind, doc, synced)) in docs.iter_mut() {
            match received_whole.remove(id) {
                Some(bytes) => write_doc_bytes(&tx, *id, *kind, doc, synced, now, bytes)?,
                None => write_doc(&tx, *id, *kind, doc, synced, now)?,
            }
        }
        for id in dropped.iter().chain(&removed) {
            unindex(&tx, *id)?;
            crate::store::exec_cached(&tx, "DELETE FROM docs WHERE doc_id = ?1", [id.to_string()])?;
        }
        let moved = [
            ("cursor", resp.cursor.to_string()),
            ("last_sync_ms", now.to_string()),
        ];
        for (key, value) in moved.iter().filter(|_| last) {
            crate::store::exec_cached(
                &tx,
                "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                params![key, value],
            )?;
        }
        tx.commit()?;
        for id in dropped.iter().chain(&removed) {
            store.forget_cached(*id);
        }
        for (id, (_, doc, _)) in docs {
            store.cache_doc(id, doc);
        }
        self.results_done = true;
        self.next_pull = end;
        Ok(last.then(|| std::mem::take(&mut self.report)))
    }
}

struct ModelErr(automerge::AutomergeError);
impl From<ModelErr> for StoreError {
    fn from(e: ModelErr) -> Self {
        StoreError::Model(Box::new(model::ModelError::from(e.0)))
    }
}

fn sorted(h: &[ChangeHash]) -> Vec<ChangeHash> {
    let mut v = h.to_vec();
    v.sort();
    v
}

/// After a rejection: return to the state shared with the server and re-apply, as new
/// changes, the edits the policy allows (field writes and text edits outside the event log).
/// If even those would be refused, stay at the shared state. `None` when nothing is shared.
fn reset_to_shared(
    doc: &mut AutoCommit,
    base: &[ChangeHash],
    kind: DocKind,
    identity: Option<&crate::store::Identity>,
    actor: automerge::ActorId,
    now: TimestampMs,
) -> Result<Option<AutoCommit>> {
    if base.is_empty() {
        return Ok(None);
    }
    let mut reset = doc.fork_at(base).map_err(ModelErr)?.with_actor(actor);
    let Some(me) = identity else {
        return Ok(Some(reset));
    };
    let relation = match kind {
        DocKind::WorkOrder => match WorkOrder::from_doc(&reset) {
            Ok(wo) if wo.is_assigned_to(&me.user_id) || wo.created_by == me.user_id => {
                Relation::Assignee
            }
            _ => Relation::Other,
        },
        _ => Relation::Assignee,
    };
    let local_heads = doc.get_heads();
    let patches = doc.diff(base, &local_heads);
    let shared = reset.clone();
    let mut created: HashMap<automerge::ObjId, automerge::ObjId> = HashMap::new();
    let mut applied = 0;
    for patch in patches {
        if reapply(&mut reset, &patch, me.role, kind, relation, &mut created).is_some() {
            applied += 1;
        }
    }
    if applied == 0 {
        return Ok(Some(shared));
    }
    model::commit(&mut reset, "re-apply edits allowed after a rejection", now);
    // Check the result with the same policy as the server; fall back to the shared state.
    let before = automerge::Automerge::load(&shared.clone().save()).map_err(ModelErr)?;
    let after = automerge::Automerge::load(&reset.save()).map_err(ModelErr)?;
    let new_changes = after.get_changes(&before.get_heads());
    let caller = Caller {
        user_id: me.user_id.clone(),
        role: me.role,
        actors: [reset.get_actor().clone()].into_iter().collect(),
    };
    if policy::check_push(&before, &after, &new_changes, &caller).is_err() {
        return Ok(Some(shared));
    }
    Ok(Some(reset))
}

/// Re-apply one patch if the policy allows its path. Returns `Some(())` if applied.
fn reapply(
    doc: &mut AutoCommit,
    patch: &Patch,
    role: Role,
    kind: DocKind,
    relation: Relation,
    created: &mut HashMap<automerge::ObjId, automerge::ObjId>,
) -> Option<()> {
    let mut path: Vec<Seg> = patch
        .path
        .iter()
        .map(|(_, p)| match p {
            Prop::Map(k) => Seg::Key(k.clone()),
            Prop::Seq(_) => Seg::Index,
        })
        .collect();
    let target = created
        .get(&patch.obj)
        .cloned()
        .unwrap_or_else(|| patch.obj.clone());
    match &patch.action {
        PatchAction::PutMap { key, value, .. } => {
            path.push(Seg::Key(key.clone()));
            allowed(role, kind, relation, &path)?;
            match &value.0 {
                automerge::Value::Scalar(s) => {
                    doc.put(&target, key.as_str(), s.as_ref().clone()).ok()?
                }
                automerge::Value::Object(t) => {
                    let new = doc.put_object(&target, key.as_str(), *t).ok()?;
                    created.insert(value.1.clone(), new);
                }
            }
        }
        PatchAction::DeleteMap { key } => {
            path.push(Seg::Key(key.clone()));
            allowed(role, kind, relation, &path)?;
            doc.delete(&target, key.as_str()).ok()?;
        }
        PatchAction::SpliceText { index, value, .. } => {
            allowed(role, kind, relation, &path)?;
            doc.splice_text(&target, *index, 0, &value.make_string())
                .ok()?;
        }
        PatchAction::DeleteSeq { index, length } => {
            allowed(role, kind, relation, &path)?;
            if doc.object_type(&target).ok()? == ObjType::Text {
                doc.splice_text(&target, *index, *length as isize, "")
                    .ok()?;
            } else {
                doc.splice(
                    &target,
                    *index,
                    *length as isize,
                    std::iter::empty::<automerge::ScalarValue>(),
                )
                .ok()?;
            }
        }
        _ => return None,
    }
    Some(())
}

fn allowed(role: Role, kind: DocKind, relation: Relation, path: &[Seg]) -> Option<()> {
    let in_event_log = matches!(path.first(), Some(Seg::Key(k)) if k == "events");
    (!in_event_log && policy::may_write(role, kind, relation, path)).then_some(())
}

#[cfg(test)]
mod tests;
