//! The workload written by `fieldsync-bench samod-workload <dir>` (or by `vs-samod`):
//! `first/<n>.automerge` holds document n as the device saved it before its first sync, and
//! `reconnect/<n>.automerge` the changes made to document n offline before the reconnect
//! (Automerge's incremental format). fieldsync and samod both use automerge 0.12, so these
//! are the very same changes fieldsync syncs.

use automerge::{Automerge, Change};
use std::collections::BTreeMap;
use std::path::Path;

pub struct Workload {
    /// Per document, its changes in causal order (the first one creates it).
    pub documents: Vec<Vec<Change>>,
    /// Document index → changes made offline before the reconnect.
    pub reconnect: BTreeMap<usize, Vec<u8>>,
    /// Sum of the documents' saved sizes.
    pub saved_bytes: u64,
    /// Sum of the reconnect change bytes.
    pub reconnect_bytes: u64,
}

/// The files of `dir`, keyed by the number in their name, in order.
fn numbered_files(dir: &Path) -> anyhow::Result<BTreeMap<usize, Vec<u8>>> {
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(dir)
        .map_err(|e| anyhow::anyhow!("cannot read workload folder {}: {e}", dir.display()))?
    {
        let path = entry?.path();
        let Some(n) = path
            .file_stem()
            .and_then(|s| s.to_str())
            .and_then(|s| s.parse::<usize>().ok())
        else {
            anyhow::bail!("unexpected file in the workload: {}", path.display());
        };
        out.insert(n, std::fs::read(&path)?);
    }
    Ok(out)
}

pub fn read(dir: &Path) -> anyhow::Result<Workload> {
    let first = numbered_files(&dir.join("first"))?;
    anyhow::ensure!(!first.is_empty(), "the workload has no documents");
    let reconnect = numbered_files(&dir.join("reconnect"))?;
    if let Some(n) = reconnect.keys().find(|n| !first.contains_key(n)) {
        anyhow::bail!("reconnect change {n} has no document");
    }
    let mut documents = Vec::with_capacity(first.len());
    let mut saved_bytes = 0;
    for (n, bytes) in &first {
        anyhow::ensure!(
            *n == documents.len(),
            "document {} is missing",
            documents.len()
        );
        saved_bytes += bytes.len() as u64;
        let doc = Automerge::load(bytes)
            .map_err(|e| anyhow::anyhow!("document {n} does not load: {e}"))?;
        documents.push(doc.get_changes(&[]));
    }
    let reconnect_bytes = reconnect.values().map(|b| b.len() as u64).sum();
    Ok(Workload {
        documents,
        reconnect,
        saved_bytes,
        reconnect_bytes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use automerge::transaction::Transactable;
    use automerge::{AutoCommit, ROOT};

    fn doc_with_edits(edits: usize) -> AutoCommit {
        let mut doc = AutoCommit::new();
        for e in 0..edits {
            doc.put(ROOT, "count", e as i64).unwrap();
            doc.commit();
        }
        doc
    }

    fn write(dir: &Path, sub: &str, n: usize, bytes: &[u8]) {
        std::fs::create_dir_all(dir.join(sub)).unwrap();
        std::fs::write(dir.join(sub).join(format!("{n:05}.automerge")), bytes).unwrap();
    }

    #[test]
    fn reads_documents_as_changes_and_reconnect_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let mut a = doc_with_edits(3);
        let (saved_a, saved_b) = (a.save(), doc_with_edits(1).save());
        write(dir.path(), "first", 0, &saved_a);
        write(dir.path(), "first", 1, &saved_b);
        let before = a.get_heads();
        a.put(ROOT, "later", "yes").unwrap();
        a.commit();
        let change = a.save_after(&before);
        write(dir.path(), "reconnect", 0, &change);

        let w = read(dir.path()).unwrap();
        assert_eq!(w.documents.len(), 2);
        assert_eq!(w.documents[0].len(), 3);
        assert_eq!(w.documents[1].len(), 1);
        assert_eq!(w.saved_bytes, (saved_a.len() + saved_b.len()) as u64);
        assert_eq!(w.reconnect.keys().copied().collect::<Vec<_>>(), vec![0]);
        assert_eq!(w.reconnect_bytes, change.len() as u64);
    }

    #[test]
    fn refuses_a_gap_in_the_numbering_and_stray_changes() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "first", 1, &doc_with_edits(1).save());
        std::fs::create_dir_all(dir.path().join("reconnect")).unwrap();
        assert!(read(dir.path()).is_err(), "document 0 is missing");

        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "first", 0, &doc_with_edits(1).save());
        write(dir.path(), "reconnect", 3, b"x");
        assert!(
            read(dir.path()).is_err(),
            "change for a document that is not there"
        );
    }
}
