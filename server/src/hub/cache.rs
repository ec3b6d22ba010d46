//! A small least-recently-used cache of loaded documents, so validating a push does not
//! reload the document from storage each time. Entries are taken out while a push is checked
//! (under the document's lock) and put back with the merged result, so the cache never holds
//! a state the storage does not.

use automerge::Automerge;
use fieldsync::DocId;
use std::collections::HashMap;

pub struct DocCache {
    capacity: usize,
    tick: u64,
    entries: HashMap<DocId, (Automerge, u64)>,
}

impl DocCache {
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity,
            tick: 0,
            entries: HashMap::new(),
        }
    }

    /// Remove and return a document (the caller puts back what storage now holds).
    pub fn take(&mut self, id: &DocId) -> Option<Automerge> {
        self.entries.remove(id).map(|(d, _)| d)
    }

    pub fn put(&mut self, id: DocId, doc: Automerge) {
        if self.capacity == 0 {
            return;
        }
        self.tick += 1;
        if !self.entries.contains_key(&id)
            && self.entries.len() >= self.capacity
            && let Some(oldest) = self
                .entries
                .iter()
                .min_by_key(|(_, (_, t))| *t)
                .map(|(k, _)| *k)
        {
            self.entries.remove(&oldest);
        }
        self.entries.insert(id, (doc, self.tick));
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
}
