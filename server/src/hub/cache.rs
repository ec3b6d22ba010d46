//! A small least-recently-used cache of loaded documents, so validating a push does not
//! reload the document from storage each time. Entries are taken out while a push is checked
//! (under the document's lock) and put back with the merged result, so the cache never holds
//! a state the storage does not.

use automerge::Automerge;
use fieldsync::DocId;
use fieldsync::model::WorkOrder;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// A cached document, with its typed work order when one was read from exactly this state
/// (so the next push's policy check need not read it again).
type Entry = (Automerge, Option<Arc<WorkOrder>>, u64);

pub struct DocCache {
    capacity: usize,
    tick: u64,
    entries: HashMap<DocId, Entry>,
    /// Entries by last use, oldest first: eviction without scanning thousands of entries
    /// under the cache's lock.
    by_use: BTreeMap<u64, DocId>,
}

impl DocCache {
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity,
            tick: 0,
            entries: HashMap::new(),
            by_use: BTreeMap::new(),
        }
    }

    /// Remove and return a document (the caller puts back what storage now holds).
    #[cfg(test)]
    pub fn take(&mut self, id: &DocId) -> Option<Automerge> {
        self.take_with(id).map(|(doc, _)| doc)
    }

    /// [`DocCache::take`], with the work order read from that state if one is cached.
    pub fn take_with(&mut self, id: &DocId) -> Option<(Automerge, Option<Arc<WorkOrder>>)> {
        let (doc, wo, tick) = self.entries.remove(id)?;
        self.by_use.remove(&tick);
        Some((doc, wo))
    }

    pub fn put(&mut self, id: DocId, doc: Automerge) {
        self.put_with(id, doc, None);
    }

    /// Cache a document; `wo` must have been read from exactly `doc`'s state.
    pub fn put_with(&mut self, id: DocId, doc: Automerge, wo: Option<Arc<WorkOrder>>) {
        if self.capacity == 0 {
            return;
        }
        self.tick += 1;
        if let Some((_, _, old)) = self.entries.remove(&id) {
            self.by_use.remove(&old);
        } else if self.entries.len() >= self.capacity
            && let Some((_, oldest)) = self.by_use.pop_first()
        {
            self.entries.remove(&oldest);
        }
        self.entries.insert(id, (doc, wo, self.tick));
        self.by_use.insert(self.tick, id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evicts_the_least_recently_used() {
        let mut c = DocCache::new(2);
        let (a, b, d) = (DocId::new(), DocId::new(), DocId::new());
        c.put(a, Automerge::new());
        c.put(b, Automerge::new());
        let doc = c.take(&a).unwrap();
        c.put(a, doc);
        c.put(d, Automerge::new());
        assert!(c.take(&b).is_none());
        assert!(c.take(&a).is_some());
        assert!(c.take(&d).is_some());
    }

    #[test]
    fn putting_a_cached_document_again_refreshes_it_without_growing() {
        let mut c = DocCache::new(2);
        let (a, b, d) = (DocId::new(), DocId::new(), DocId::new());
        c.put(a, Automerge::new());
        c.put(b, Automerge::new());
        c.put(a, Automerge::new()); // a is now the most recent; b the oldest
        c.put(d, Automerge::new());
        assert_eq!(c.entries.len(), 2);
        assert_eq!(c.by_use.len(), 2);
        assert!(c.take(&b).is_none());
        assert!(c.take(&a).is_some() && c.take(&d).is_some());
        assert!(c.by_use.is_empty());
    }
}
