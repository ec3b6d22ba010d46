//! An in-process hub that speaks the sync protocol: the reference for the protocol's cursor,
//! delivery and echo rules, used by property tests and simulations (no sockets, no clocks).
//! The real server (`fieldsync-server`) adds authentication, storage and projections.

use crate::ids::{DocId, DocKind, TimestampMs};
use crate::policy::{Caller, check_push};
use crate::wire::{
    Heads, PROTOCOL_VERSION, PullDoc, PushOutcome, PushResult, RejectCode, SyncRequest,
    SyncResponse,
};
use automerge::{Automerge, ReadDoc};
use std::collections::{BTreeMap, HashMap, HashSet};

#[derive(Default)]
struct DeviceState {
    /// delivery number → log position covered.
    deliveries: BTreeMap<u64, u64>,
    /// Documents sent whole, with the delivery that carried them; confirmed once acked.
    sent_whole: HashMap<DocId, u64>,
    next_delivery: u64,
}

/// See the module docs. Every document is in every device's briefcase.
#[derive(Default)]
pub struct MemoryHub {
    docs: HashMap<DocId, (DocKind, Automerge)>,
    /// (seq, doc, origin device, change bytes)
    log: Vec<(u64, DocId, String, Vec<u8>)>,
    devices: HashMap<String, DeviceState>,
    callers: HashMap<String, Caller>,
    /// Byte budget of one answer (paging).
    pub page_bytes: usize,
}

impl std::fmt::Debug for MemoryHub {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoryHub")
            .field("docs", &self.docs.len())
            .finish_non_exhaustive()
    }
}

impl MemoryHub {
    pub fn new() -> Self {
        MemoryHub {
            page_bytes: 4 << 20,
            ..Default::default()
        }
    }

    /// Check this device's pushes with the policy, as `caller`.
    pub fn enforce(&mut self, device: &str, caller: Caller) {
        self.callers.insert(device.into(), caller);
    }

    pub fn doc(&self, id: DocId) -> Option<&Automerge> {
        self.docs.get(&id).map(|(_, d)| d)
    }

    /// One round trip, as `POST /v1/sync` does it.
    pub fn sync(&mut self, device: &str, req: &SyncRequest, _now: TimestampMs) -> SyncResponse {
        let results = req.push.iter().map(|p| PushResult {
            doc_id: p.doc_id,
            outcome: self.accept(device, p),
        });
        let results: Vec<_> = results.collect();
        let (cursor, pull, more) = self.pull(device, req.cursor);
        SyncResponse {
            protocol: PROTOCOL_VERSION,
            cursor,
            more,
            results,
            pull,
            removed: Vec::new(),
            server_time_ms: 0,
        }
    }

    fn accept(&mut self, device: &str, push: &crate::wire::PushDoc) -> PushOutcome {
        let reject = |code, reason: &str| PushOutcome::Rejected {
            code,
            reason: reason.into(),
        };
        let before = self
            .docs
            .get(&push.doc_id)
            .map(|(_, d)| d.clone())
            .unwrap_or_default();
        let mut after = before.clone();
        if after.load_incremental(&push.changes).is_err() {
            return reject(RejectCode::Malformed, "not automerge");
        }
        if !after.get_missing_deps(&[]).is_empty() {
            return reject(RejectCode::MissingDeps, "missing dependencies");
        }
        let new_changes = after.get_changes(&before.get_heads());
        if let Some(caller) = self.callers.get(device)
            && let Err(r) = check_push(&before, &after, &new_changes, caller)
        {
            return PushOutcome::Rejected {
                code: r.code,
                reason: r.reason,
            };
        }
        if !new_changes.is_empty() {
            let bytes: Vec<u8> = new_changes
                .iter()
                .flat_map(|c| c.raw_bytes().to_vec())
                .collect();
            let seq = self.log.len() as u64 + 1;
            self.log.push((seq, push.doc_id, device.into(), bytes));
            self.docs.insert(push.doc_id, (push.kind, after.clone()));
            // The origin holds the document already.
            let state = self.devices.entry(device.into()).or_default();
            state.sent_whole.entry(push.doc_id).or_insert(0);
        }
        PushOutcome::Accepted {
            heads: Heads::from(after.get_heads()),
        }
    }

    fn pull(&mut self, device: &str, cursor: u64) -> (u64, Vec<PullDoc>, bool) {
        let state = self.devices.entry(device.into()).or_default();
        let from = if cursor == 0 {
            None
        } else {
            state.deliveries.get(&cursor).copied()
        };
        if from.is_none() {
            // Unknown or first cursor: everything goes whole again, except documents this
            // device pushed itself (delivery 0: it holds them).
            state.sent_whole.retain(|_, d| *d == 0);
        }
        let log_pos = from.unwrap_or(0);
        // Whole sends from lost answers (delivery > cursor) are sent again.
        state.sent_whole.retain(|_, d| *d <= cursor);
        state.next_delivery = state.next_delivery.max(cursor) + 1;
        let delivery = state.next_delivery;
        let held: HashSet<DocId> = state.sent_whole.keys().copied().collect();
        let mut budget = self.page_bytes;
        let mut pull = Vec::new();
        let mut more = false;
        let mut ids: Vec<&DocId> = self.docs.keys().collect();
        ids.sort();
        for id in ids {
            if held.contains(id) {
                continue;
            }
            let (kind, doc) = &self.docs[id];
            let bytes = doc.save();
            if bytes.len() > budget && !pull.is_empty() {
                more = true;
                break;
            }
            budget = budget.saturating_sub(bytes.len());
            state.sent_whole.insert(*id, delivery);
            pull.push(PullDoc {
                doc_id: *id,
                kind: *kind,
                whole: true,
                bytes,
            });
        }
        let mut covered = log_pos;
        if !more {
            covered = self.log.last().map(|l| l.0).unwrap_or(0);
            for (seq, id, origin, bytes) in self.log.iter().filter(|l| l.0 > log_pos) {
                if origin == device || !held.contains(id) {
                    continue;
                }
                if bytes.len() > budget && !pull.is_empty() {
                    more = true;
                    covered = seq - 1;
                    break;
                }
                budget = budget.saturating_sub(bytes.len());
                pull.push(PullDoc {
                    doc_id: *id,
                    kind: self.docs[id].0,
                    whole: false,
                    bytes: bytes.clone(),
                });
            }
        }
        state.deliveries.retain(|d, _| *d >= cursor);
        state.deliveries.insert(delivery, covered);
        (delivery, pull, more)
    }
}
