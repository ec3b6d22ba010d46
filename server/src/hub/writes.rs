//! Server-side writes (new documents from the office, assignment, unassignment): Automerge
//! changes made by the server's own persisted actor, stored through the same append path as
//! pushes so they reach devices like any other change.

use super::{Hub, HubError, project};
use automerge::{AutoCommit, Automerge, Change, ChangeHash};
use fieldsync::model::{self, ModelError};
use fieldsync::wire::Heads;
use fieldsync::{DocId, DocKind, TimestampMs, UserId};

impl Hub {
    /// Create a document as the server. `f` writes it (e.g. `model::create_work_order`).
    pub fn create_doc<F>(
        &self,
        id: DocId,
        kind: DocKind,
        created_by: Option<UserId>,
        now: TimestampMs,
        f: F,
    ) -> Result<Heads, HubError>
    where
        F: FnOnce(&mut AutoCommit) -> Result<(), ModelError>,
    {
        let _g = self.lock(&id);
        if self.db.blocking().doc_info(id)?.is_some() {
            return Err(HubError::Invalid(format!("document {id} exists already")));
        }
        let pending = self.new_doc(id, kind, f, created_by, now)?;
        let heads = Heads::from(pending.heads.clone());
        if !self.commit_pending(pending)? {
            return Err(HubError::Invalid(format!("document {id} exists already")));
        }
        Ok(heads)
    }

    /// Create several documents as the server in one transaction (one durable commit for a
    /// whole batch, e.g. a plan's occurrences). Each `f` writes one document; the answer says
    /// per document whether it was created (`false`: it exists already, nothing changed).
    pub fn create_docs<F>(
        &self,
        docs: Vec<(DocId, DocKind, F)>,
        created_by: Option<UserId>,
        now: TimestampMs,
    ) -> Result<Vec<bool>, HubError>
    where
        F: FnOnce(&mut AutoCommit) -> Result<(), ModelError> + Send,
    {
        // Writing and reading back each document is the CPU cost: spread it over the cores.
        let pending = super::on_all_cores(docs, |(id, kind, f)| {
            self.new_doc(id, kind, f, created_by, now)
        })
        .into_iter()
        .collect::<Result<Vec<_>, _>>()?;
        if pending.is_empty() {
            return Ok(Vec::new());
        }
        // Empty base heads: a document that exists already (another replica, an earlier
        // run) is left alone rather than overwritten.
        let items: Vec<_> = pending
            .iter()
            .map(|p| (&p.rec, p.base.as_slice()))
            .collect();
        let stored = self.db.blocking().append_batch(&items)?;
        drop(items);
        Ok(pending
            .into_iter()
            .zip(stored)
            .map(|(p, outcome)| match outcome {
                Some(o) => {
                    self.stored(p, o);
                    true
                }
                None => false,
            })
            .collect())
    }

    /// Write one new document as the server and validate it, ready to append.
    pub(super) fn new_doc<F>(
        &self,
        id: DocId,
        kind: DocKind,
        f: F,
        created_by: Option<UserId>,
        now: TimestampMs,
    ) -> Result<super::Pending, HubError>
    where
        F: FnOnce(&mut AutoCommit) -> Result<(), ModelError>,
    {
        let mut ac = AutoCommit::new().with_actor(self.server_actor.clone());
        f(&mut ac)?;
        let after = ac.document().clone();
        let (hid, hkind, _) = model::header(&after)?;
        if hid != id || hkind != kind {
            return Err(HubError::Invalid(format!(
                "the new document is {hkind} {hid}, expected {kind} {id}"
            )));
        }
        let changes = after.get_changes(&[]);
        let projection = project::project(kind, &after)?;
        Ok(super::Pending::new(
            id,
            kind,
            &[],
            after,
            &changes,
            projection,
            created_by,
            None,
            false,
            now,
        ))
    }

    /// Edit an existing document as the server. A no-op edit stores nothing. `f` runs again
    /// on the fresh document if another replica changed it before the edit was stored.
    pub fn server_edit<F>(&self, id: DocId, now: TimestampMs, mut f: F) -> Result<Heads, HubError>
    where
        F: FnMut(&mut AutoCommit, DocKind) -> Result<(), ModelError>,
    {
        for _ in 0..super::STALE_ATTEMPTS {
            if let Some(heads) = self.server_edit_once(id, now, &mut f)? {
                return Ok(heads);
            }
        }
        Err(HubError::Storage(crate::storage::StorageError::Conflict(
            format!("document {id} keeps changing on other replicas; try again"),
        )))
    }

    /// One attempt of [`Hub::server_edit`]; `Ok(None)` if the document changed meanwhile.
    fn server_edit_once<F>(
        &self,
        id: DocId,
        now: TimestampMs,
        f: &mut F,
    ) -> Result<Option<Heads>, HubError>
    where
        F: FnMut(&mut AutoCommit, DocKind) -> Result<(), ModelError>,
    {
        let _g = self.lock(&id);
        let (kind, before) = self.take_doc(id)?.ok_or(HubError::NotFound(id))?;
        let edited = (|| -> Result<Automerge, HubError> {
            let mut ac = AutoCommit::load(&before.save())
                .map_err(|e| HubError::Corrupt(id, e.to_string()))?
                .with_actor(self.server_actor.clone());
            f(&mut ac, kind)?;
            Ok(ac.document().clone())
        })();
        let after = match edited {
            Ok(a) => a,
            Err(e) => {
                self.cache().put(id, before);
                return Err(e);
            }
        };
        let changes = after.get_changes(&before.get_heads());
        if changes.is_empty() {
            let heads = Heads::from(before.get_heads());
            self.cache().put(id, before);
            return Ok(Some(heads));
        }
        match self.store_server_changes(id, kind, &before.get_heads(), after, changes, None, now) {
            Ok(h) => Ok(h),
            Err(e) => {
                self.cache().put(id, before);
                Err(e)
            }
        }
    }

    /// Store the server's changes on top of `base`; `Ok(None)` if the stored heads moved.
    #[allow(clippy::too_many_arguments)]
    fn store_server_changes(
        &self,
        id: DocId,
        kind: DocKind,
        base: &[ChangeHash],
        after: Automerge,
        changes: Vec<Change>,
        created_by: Option<UserId>,
        now: TimestampMs,
    ) -> Result<Option<Heads>, HubError> {
        let projection = project::project(kind, &after)?;
        let heads = Heads::from(after.get_heads());
        let pending = super::Pending::new(
            id, kind, base, after, &changes, projection, created_by, None, false, now,
        );
        Ok(self.commit_pending(pending)?.then_some(heads))
    }

    /// Assign an engineer to a work order (dispatcher action, written by the server).
    pub fn assign(
        &self,
        wo: DocId,
        user: UserId,
        by: UserId,
        now: TimestampMs,
    ) -> Result<Heads, HubError> {
        self.server_edit(wo, now, |doc, kind| {
            require_work_order(kind)?;
            let current = model::WorkOrder::from_doc(doc)?;
            if current.is_assigned_to(&user.to_string()) {
                return Ok(());
            }
            model::assign(doc, &user.to_string(), &by.to_string(), now)
        })
    }

    /// Remove an engineer from a work order; it leaves their briefcase at their next sync.
    pub fn unassign(&self, wo: DocId, user: UserId, now: TimestampMs) -> Result<Heads, HubError> {
        self.server_edit(wo, now, |doc, kind| {
            require_work_order(kind)?;
            let current = model::WorkOrder::from_doc(doc)?;
            if !current.assignees.contains_key(&user.to_string()) {
                return Ok(());
            }
            model::unassign(doc, &user.to_string(), now)
        })
    }
}

fn require_work_order(kind: DocKind) -> Result<(), ModelError> {
    if kind == DocKind::WorkOrder {
        Ok(())
    } else {
        Err(ModelError::WrongKind {
            expected: DocKind::WorkOrder,
            found: kind.as_str().into(),
        })
    }
}
