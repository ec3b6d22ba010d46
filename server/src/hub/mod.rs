//! The hub: validate → merge → store → project. Every accepted change, whether pushed by a
//! device or written by the server itself, is appended through `Hub::commit_pending` (or with
//! others of its request in one `append_batch`), so it lands in the change log and the
//! projections in one transaction and flows to devices like any other.
//!
//! Hub methods block (Automerge work and storage calls): run them on the blocking pool.

mod batch;
mod cache;
mod history;
mod project;
mod push;
mod writes;

pub use batch::{BatchOutcome, BatchWrite, WriteFn};
pub use history::{ChangeSummary, DocConflict};
pub use push::CallerCtx;

use crate::storage::{AppendRecord, Db, StorageError};
use automerge::{ActorId, Automerge, Change, ChangeHash};
use cache::DocCache;
use fieldsync::model::ModelError;
use fieldsync::wire::{self, SyncRequest, SyncResponse};
use fieldsync::{DocId, DocKind, TimestampMs, UserId};
use std::sync::{Arc, Mutex, MutexGuard};

/// A document taken from the cache or storage: its kind, the document, and the work order
/// read from exactly this state if the cache had one.
type TakenDoc = (DocKind, Automerge, Option<Arc<fieldsync::model::WorkOrder>>);

/// Documents kept loaded by default (see `ServerConfig::cache_docs`).
pub const DEFAULT_CACHE_DOCS: usize = 4096;
/// Default page size of a sync answer.
pub const DEFAULT_PAGE_BYTES: u64 = 4 * 1024 * 1024;
const LOCK_STRIPES: usize = 64;
/// How often a push or server edit is validated again when another replica keeps changing
/// the same document between our validation and our append.
const STALE_ATTEMPTS: usize = 8;

#[derive(Debug, thiserror::Error)]
pub enum HubError {
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error("stored document {0} does not load: {1}")]
    Corrupt(DocId, String),
    #[error("no such document {0}")]
    NotFound(DocId),
    #[error("{0}")]
    Model(Box<ModelError>),
    #[error("{0}")]
    Invalid(String),
}

impl From<ModelError> for HubError {
    fn from(e: ModelError) -> Self {
        HubError::Model(Box::new(e))
    }
}

#[derive(Clone, Debug)]
pub struct HubConfig {
    /// Documents kept loaded for validation.
    pub cache_docs: usize,
    /// Upper bound for a sync answer page (a device may ask for less).
    pub max_page_bytes: u64,
    /// Write a new snapshot once a document has this many chunks after its snapshot.
    pub compact_after_chunks: u64,
}

impl Default for HubConfig {
    fn default() -> Self {
        Self {
            cache_docs: DEFAULT_CACHE_DOCS,
            max_page_bytes: DEFAULT_PAGE_BYTES,
            compact_after_chunks: 64,
        }
    }
}

pub struct Hub {
    db: Db,
    config: HubConfig,
    cache: Mutex<DocCache>,
    /// Pushes to one document are serialised (stripe = hash of the id).
    locks: Vec<Mutex<()>>,
    server_actor: ActorId,
}

/// Counts for the metrics endpoint.
#[derive(Clone, Copy, Debug, Default)]
pub struct SyncStats {
    pub accepted: u64,
    pub rejected: u64,
}

impl Hub {
    pub fn new(db: Db, config: HubConfig) -> Result<Self, HubError> {
        let hex = db.blocking().server_actor()?;
        let server_actor = ActorId::try_from(hex.as_str())
            .map_err(|e| HubError::Invalid(format!("stored server actor {hex:?}: {e}")))?;
        Ok(Self {
            db,
            cache: Mutex::new(DocCache::new(config.cache_docs)),
            config,
            locks: (0..LOCK_STRIPES).map(|_| Mutex::new(())).collect(),
            server_actor,
        })
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    pub fn server_actor(&self) -> &ActorId {
        &self.server_actor
    }

    fn lock(&self, id: &DocId) -> MutexGuard<'_, ()> {
        let stripe = (id.0.as_u128() % LOCK_STRIPES as u128) as usize;
        self.locks[stripe].lock().unwrap_or_else(|p| p.into_inner())
    }

    fn cache(&self) -> MutexGuard<'_, DocCache> {
        self.cache.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The server's current copy (from the cache or storage); `None` if it has none.
    /// The caller must hold the document's lock if it will put it back. A cached copy whose
    /// heads differ from the stored ones (another replica wrote the document) is reloaded.
    fn take_doc(&self, id: DocId) -> Result<Option<(DocKind, Automerge)>, HubError> {
        Ok(self.take_doc_typed(id)?.map(|(kind, doc, _)| (kind, doc)))
    }

    /// [`Hub::take_doc`], with the work order already read from that state when cached.
    fn take_doc_typed(&self, id: DocId) -> Result<Option<TakenDoc>, HubError> {
        let info = self.db.blocking().doc_info(id)?;
        let Some(info) = info else {
            return Ok(None);
        };
        if let Some((doc, wo)) = self.cache().take_with(&id) {
            if same_heads(&doc.get_heads(), &info.heads) {
                return Ok(Some((info.kind, doc, wo)));
            }
            tracing::debug!(doc = %id, "cached copy is behind storage; reloading");
        }
        Ok(self.load_uncached(id)?.map(|(kind, doc)| (kind, doc, None)))
    }

    /// A read-only copy of a document (for history, conflicts, export).
    pub fn load(&self, id: DocId) -> Result<Option<(DocKind, Automerge)>, HubError> {
        let _g = self.lock(&id);
        let found = self.take_doc(id)?;
        if let Some((_, doc)) = &found {
            self.cache().put(id, doc.clone());
        }
        Ok(found)
    }

    /// A read-only copy straight from storage, leaving the cache alone: for bulk reads (the
    /// monthly KPIs read thousands of documents) that would otherwise evict the documents
    /// devices are syncing.
    pub fn load_uncached(&self, id: DocId) -> Result<Option<(DocKind, Automerge)>, HubError> {
        let Some((info, bytes)) = self.db.blocking().doc_bytes(id)? else {
            return Ok(None);
        };
        let doc = Automerge::load(&bytes).map_err(|e| HubError::Corrupt(id, e.to_string()))?;
        Ok(Some((info.kind, doc)))
    }

    /// Store a validated change set, then cache the merged document. The document's lock must
    /// be held. `Ok(false)`: the stored heads are no longer the ones it was validated on
    /// (another replica wrote the document); nothing was stored and the caller validates again.
    fn commit_pending(&self, p: Pending) -> Result<bool, HubError> {
        let Some(outcome) = self.db.blocking().append_checked(&p.rec, &p.base)? else {
            tracing::info!(doc = %p.rec.doc_id, "document changed on another replica; validating again");
            return Ok(false);
        };
        self.stored(p, outcome);
        Ok(true)
    }

    /// After an append: compact if the log has grown, tell the office of late work, and cache
    /// the merged document.
    fn stored(&self, p: Pending, outcome: crate::storage::AppendOutcome) {
        let id = p.rec.doc_id;
        if let Some(message) = &p.late_work
            && let Err(e) = self.notify_dispatchers(id, message, p.rec.received_at_ms)
        {
            tracing::warn!(doc = %id, error = %e, "could not notify the office of late work");
        }
        // A document not kept loaded is compacted by a later push that loads it.
        let Some(after) = p.after else { return };
        if outcome.chunks_since_snapshot >= self.config.compact_after_chunks {
            // Compaction failing is not the push's failure: the log still holds everything.
            if let Err(e) = self
                .db
                .blocking()
                .write_snapshot(id, &after.save(), outcome.seq)
            {
                tracing::warn!(doc = %id, error = %e, "snapshot failed; will retry on a later push");
            }
        }
        self.cache().put_with(id, after, p.work_order);
    }

    /// A notification (kind `late_work`) to every enabled dispatcher. Backends without the
    /// scheduling store only log it.
    fn notify_dispatchers(
        &self,
        id: DocId,
        message: &str,
        now: TimestampMs,
    ) -> Result<(), StorageError> {
        tracing::info!(doc = %id, message, "late work from a previous assignee");
        let db = self.db.blocking();
        let Some(s) = db.scheduling() else {
            return Ok(());
        };
        for u in db.list_users()? {
            if u.role == fieldsync::Role::Dispatcher && !u.disabled {
                s.add_notification(&crate::storage::NewNotification {
                    user_id: u.id.to_string(),
                    doc_id: Some(id.to_string()),
                    kind: "late_work".into(),
                    message: message.into(),
                    created_at_ms: now,
                })?;
            }
        }
        Ok(())
    }

    /// One `POST /v1/sync`: every push in order, then one page of the pull.
    pub fn sync(
        &self,
        caller: &CallerCtx,
        req: &SyncRequest,
        now: TimestampMs,
    ) -> Result<(SyncResponse, SyncStats), HubError> {
        // What the device had been sent before this request: its pushes (also those validated
        // again after this request's pull) are judged against that, not against this answer.
        let caller = &caller.with_seen(self.db.blocking().device_seen_seq(caller.device)?);
        let validated = self.validate_all(caller, &req.push, now)?;
        let max_bytes = req
            .max_response_bytes
            .unwrap_or(self.config.max_page_bytes)
            .clamp(1, self.config.max_page_bytes);
        let pull = crate::storage::PullParams {
            user: caller.user.id,
            role: caller.user.role,
            device: caller.device,
            from_seq: 0, // what confirming the cursor yields
            max_bytes,
            now,
        };
        // The appends, the cursor and the answer page in one transaction where the backend
        // can: one durable commit per request.
        let (appended, page) =
            self.db
                .blocking()
                .commit_sync(&validated.appends(), req.cursor, &pull)?;
        let outcomes = self.finish_pushes(caller, &req.push, validated, appended, now)?;
        let mut stats = SyncStats::default();
        let mut results = Vec::with_capacity(req.push.len());
        for (p, outcome) in req.push.iter().zip(outcomes) {
            match outcome {
                wire::PushOutcome::Accepted { .. } => stats.accepted += 1,
                wire::PushOutcome::Rejected { .. } => stats.rejected += 1,
            }
            results.push(wire::PushResult {
                doc_id: p.doc_id,
                outcome,
            });
        }
        let resp = SyncResponse {
            protocol: wire::PROTOCOL_VERSION,
            cursor: page.cursor,
            more: page.more,
            results,
            pull: page
                .docs
                .into_iter()
                .map(|d| wire::PullDoc {
                    doc_id: d.doc_id,
                    kind: d.kind,
                    whole: d.whole,
                    bytes: d.bytes,
                })
                .collect(),
            removed: page.removed,
            server_time_ms: now,
        };
        Ok((resp, stats))
    }
}

/// A change set validated against the server's copy with heads `base`, ready to append.
struct Pending {
    rec: AppendRecord,
    base: Vec<String>,
    /// The merged document, cached once the append is stored; `None` when it is not kept
    /// loaded (see [`Pending::unloaded`]).
    after: Option<Automerge>,
    /// The merged document's heads.
    heads: Vec<ChangeHash>,
    /// The work order read from `after`, if one was (cached with it).
    work_order: Option<Arc<fieldsync::model::WorkOrder>>,
    /// What to tell the office once stored: an engineer's offline work on a work order they
    /// were taken off meanwhile.
    late_work: Option<String>,
}

impl Pending {
    #[allow(clippy::too_many_arguments)]
    fn new(
        id: DocId,
        kind: DocKind,
        base: &[ChangeHash],
        after: Automerge,
        new_changes: &[Change],
        projection: crate::storage::Projection,
        user: Option<UserId>,
        origin: Option<fieldsync::DeviceId>,
        created: bool,
        now: TimestampMs,
    ) -> Self {
        let mut bytes = Vec::new();
        for c in new_changes {
            bytes.extend_from_slice(c.raw_bytes());
        }
        let heads = after.get_heads();
        let rec = AppendRecord {
            doc_id: id,
            kind,
            user,
            origin_device: origin,
            bytes,
            change_count: new_changes.len() as u32,
            heads: heads.iter().map(|h| h.to_string()).collect(),
            received_at_ms: now,
            projection,
            created,
        };
        Self {
            rec,
            base: base.iter().map(|h| h.to_string()).collect(),
            after: Some(after),
            heads,
            work_order: None,
            late_work: None,
        }
    }

    /// Store `pushed` as the log row instead of the new changes one by one, if it is no
    /// larger. Only for a document new to the server whose pushed bytes were loaded strictly
    /// into `after` from nothing: they then hold exactly the changes that were checked. A
    /// device sends such a document as it saved it (one compact document chunk, a fraction
    /// of its changes' size), and whoever loads the document later — devices pulling it
    /// whole, the server after a cache miss, the history — loads that chunk instead of
    /// replaying every change.
    fn use_pushed_bytes(mut self, pushed: &[u8]) -> Self {
        if pushed.len() <= self.rec.bytes.len() {
            self.rec.bytes = pushed.to_vec();
        }
        self
    }

    /// Drop the merged document and its work order now instead of caching them once stored:
    /// a request bringing thousands of new documents (an office's first upload) would
    /// otherwise hold every one loaded until its commit. What is stored is unchanged.
    fn unloaded(mut self) -> Self {
        self.after = None;
        self.work_order = None;
        self
    }

    /// Tell the office `message` once stored ([`Hub::notify_dispatchers`]).
    fn with_late_work(mut self, message: Option<String>) -> Self {
        self.late_work = message;
        self
    }

    /// Keep the work order read from `after`, to be cached with it.
    fn with_work_order(mut self, wo: Option<Arc<fieldsync::model::WorkOrder>>) -> Self {
        self.work_order = wo;
        self
    }
}

/// Run `f` on every item, spread over the machine's cores (each worker takes the next item, so
/// uneven items balance out); results come back in input order. Public for the benchmarks'
/// floor, which must spread its work exactly as the hub does.
pub fn on_all_cores<T: Send, R: Send>(items: Vec<T>, f: impl Fn(T) -> R + Sync) -> Vec<R> {
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(items.len());
    if workers <= 1 {
        return items.into_iter().map(f).collect();
    }
    let n = items.len();
    let queue: Vec<Mutex<Option<T>>> = items.into_iter().map(|t| Mutex::new(Some(t))).collect();
    let next = std::sync::atomic::AtomicUsize::new(0);
    let done: Vec<Vec<(usize, R)>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                s.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(cell) = queue.get(i) else { break };
                        let item = cell
                            .lock()
                            .unwrap_or_else(|p| p.into_inner())
                            .take()
                            .expect("every index is taken by exactly one worker");
                        mine.push((i, f(item)));
                    }
                    mine
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    });
    let mut slots: Vec<Option<R>> = (0..n).map(|_| None).collect();
    for (i, r) in done.into_iter().flatten() {
        slots[i] = Some(r);
    }
    slots
        .into_iter()
        .map(|r| r.expect("every index has a result"))
        .collect()
}

/// Do the document's heads equal the stored ones (hex, any order)?
fn same_heads(doc: &[ChangeHash], stored: &[String]) -> bool {
    doc.len() == stored.len() && doc.iter().all(|h| stored.contains(&h.to_string()))
}
