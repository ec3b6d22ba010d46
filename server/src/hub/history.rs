//! A document's history (who changed which fields, when) and its current same-field
//! conflicts, with actors mapped to the users they are bound to.

use super::{Hub, HubError};
use automerge::{Automerge, ReadDoc, legacy};
use fieldsync::DocId;
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
