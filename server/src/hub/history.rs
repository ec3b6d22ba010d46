//! A document's history (who changed which fields, when) and its current same-field
//! conflicts, with actors mapped to the users they are bound to.

use super::{Hub, HubError};
use automerge::{Automerge, ChangeHash, ReadDoc, legacy};
use fieldsync::{DocId, TimestampMs};
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};

#[derive(Clone, Debug, Serialize)]
pub struct ChangeSummary {
    pub hash: String,
    pub actor: String,
    /// The user the actor is bound to; "server" for the server's own writes.
    pub user: String,
    /// Device clock of the change (milliseconds; the change records seconds).
    pub device_time_ms: i64,
    /// Server clock when the change-log row that first brought the change was stored.
    /// `None` (JSON `null`) when no stored row holds it. A change made offline and synced
    /// later has a receipt time after its device time.
    pub received_at_ms: Option<TimestampMs>,
    pub message: Option<String>,
    /// Top-level fields the change touched.
    pub fields: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ConflictValue {
    pub value: String,
    pub actor: String,
    pub user: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct DocConflict {
    pub path: Vec<String>,
    pub values: Vec<ConflictValue>,
}

impl Hub {
    fn actor_names(&self) -> Result<HashMap<String, String>, HubError> {
        let mut names: HashMap<String, String> =
            self.db.blocking().actor_names()?.into_iter().collect();
        names.insert(self.server_actor.to_hex_string(), "server".into());
        Ok(names)
    }

    pub fn history(&self, id: DocId) -> Result<Vec<ChangeSummary>, HubError> {
        let (_, doc) = self.load(id)?.ok_or(HubError::NotFound(id))?;
        // Read after the document: the log then holds every row it was built from (rows are
        // never deleted); a row appended in between only adds changes not listed here.
        let received = receipt_times(id, &self.db.blocking().change_log_rows(id)?);
        let names = self.actor_names()?;
        Ok(doc
            .get_changes(&[])
            .iter()
            .map(|c| {
                let actor = c.actor_id().to_hex_string();
                ChangeSummary {
                    hash: c.hash().to_string(),
                    user: names
                        .get(&actor)
                        .cloned()
                        .unwrap_or_else(|| "unknown".into()),
                    actor,
                    device_time_ms: c.timestamp().saturating_mul(1000),
                    received_at_ms: received.get(&c.hash()).copied(),
                    message: c.message().map(str::to_owned),
                    fields: touched_fields(&doc, &c.decode()).into_iter().collect(),
                }
            })
            .collect())
    }

    pub fn conflicts(&self, id: DocId) -> Result<Vec<DocConflict>, HubError> {
        let (_, doc) = self.load(id)?.ok_or(HubError::NotFound(id))?;
        let names = self.actor_names()?;
        Ok(fieldsync::model::scan_conflicts(&doc)
            .into_iter()
            .map(|c| DocConflict {
                path: c.path,
                values: c
                    .values
                    .into_iter()
                    .map(|(value, actor)| {
                        let actor = actor.to_hex_string();
                        ConflictValue {
                            value,
                            user: names
                                .get(&actor)
                                .cloned()
                                .unwrap_or_else(|| "unknown".into()),
                            actor,
                        }
                    })
                    .collect(),
            })
            .collect())
    }
}

/// When each change first reached the server: the log rows replayed in `seq` order into a
/// fresh document, each change stamped with the receipt time of the row that first brought it
/// (a later row repeating it, e.g. a whole document sent again, changes nothing).
/// Snapshots do not delete log rows, so every stored change has its row; were old rows ever
/// pruned, the changes only in the snapshot (and later ones still missing their deps) would
/// get no time rather than a wrong one.
fn receipt_times(
    id: DocId,
    rows: &[(u64, TimestampMs, Vec<u8>)],
) -> HashMap<ChangeHash, TimestampMs> {
    let mut replay = Automerge::new();
    let mut heads = Vec::new();
    let mut out = HashMap::new();
    for (seq, received_at_ms, bytes) in rows {
        if let Err(e) = replay.load_incremental(bytes) {
            // Stored rows were validated on append; one that no longer loads only costs its
            // changes their receipt time.
            tracing::warn!(doc = %id, seq, error = %e, "change-log row does not load; skipped for history");
            continue;
        }
        for meta in replay.get_changes_meta(&heads) {
            out.entry(meta.hash).or_insert(*received_at_ms);
        }
        heads = replay.get_heads();
    }
    out
}

/// The top-level keys under which a change's ops land.
fn touched_fields(doc: &Automerge, change: &legacy::Change) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut by_obj: HashMap<String, Option<String>> = HashMap::new();
    for op in &change.operations {
        match &op.obj {
            legacy::ObjectId::Root => {
                if let legacy::Key::Map(k) = &op.key {
                    out.insert(k.to_string());
                }
            }
            obj => {
                let s = obj.to_string();
                let top = by_obj
                    .entry(s.clone())
                    .or_insert_with(|| top_level_key(doc, &s))
                    .clone();
                out.insert(top.unwrap_or_else(|| "(removed object)".into()));
            }
        }
    }
    out
}

fn top_level_key(doc: &Automerge, obj: &str) -> Option<String> {
    let id = doc.import_obj(obj).ok()?;
    let root_parent = doc.parents(&id).ok()?.last()?;
    match root_parent.prop {
        automerge::Prop::Map(k) => Some(k),
        automerge::Prop::Seq(i) => Some(i.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use automerge::transaction::Transactable;
    use automerge::{AutoCommit, ROOT};

    fn edit(doc: &mut AutoCommit, key: &str) -> ChangeHash {
        doc.put(ROOT, key, "x").unwrap();
        doc.commit().unwrap()
    }

    #[test]
    fn each_change_gets_the_time_of_the_row_that_first_brought_it() {
        let mut doc = AutoCommit::new();
        let (a, b) = (edit(&mut doc, "a"), edit(&mut doc, "b"));
        let whole = doc.save();
        let c = edit(&mut doc, "c");
        let later = doc.save_after(&[b]);
        let id = DocId::new();
        // A document chunk, then a change chunk, then the same change chunk again.
        let rows = vec![(1, 100, whole), (5, 200, later.clone()), (9, 300, later)];
        let t = receipt_times(id, &rows);
        assert_eq!((t[&a], t[&b], t[&c]), (100, 100, 200));
        // Without the row that brought a change (only in a snapshot), no time: nothing made
        // up, and a row that does not load is skipped.
        let t = receipt_times(id, &[(3, 50, b"garbage".to_vec()), rows[0].clone()]);
        assert_eq!((t.get(&a), t.get(&c)), (Some(&100), None));
    }
}
