//! A small least-recently-used cache of loaded documents, so validating a push does not
//! reload the document from storage each time. Entries are taken out while a push is checked
//! (under the document's lock) and put back with the merged result, so the cache never holds
//! a state the storage does not.

use automerge::Automerge;
use fieldsync::DocId;
use std::collections::{BTreeMap, HashMap};

pub struct DocCache {
    capacity: usize,
    tick: u64,
    entries: HashMap<DocId, (Automerge, u64)>,
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
    pub fn take(&mut self, id: &DocId) -> Option<Automerge> {
        let (doc, tick) = self.entries.remove(id)?;
        self.by_use.remove(&tick);
        Some(doc)
    }

    pub fn put(&mut self, id: DocId, doc: Automerge) {
        if self.capacity == 0 {
            return;
        }
        self.tick += 1;
        if let Some((_, old)) = self.entries.remove(&id) {
            self.by_use.remove(&old);
        } else if self.entries.len() >= self.capacity
            && let Some((_, oldest)) = self.by_use.pop_first()
        {
            self.entries.remove(&oldest);
        }
        self.entries.insert(id, (doc, self.tick));
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
