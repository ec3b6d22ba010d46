//! Checklist templates: the items an inspection or repair checklist starts from.

use super::check_kind::CheckKind;
use super::doc::{ModelError, commit, new_document};
use super::work_order::ChecklistItem;
use crate::ids::{DocId, DocKind};
use automerge::AutoCommit;
use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Clone, Debug, Default, PartialEq, Hydrate, Reconcile, Serialize, Deserialize)]
#[serde(default)]
pub struct TemplateItem {
    pub label: String,
    pub kind: CheckKind,
    #[autosurgeon(missing = "bool::default")]
    pub required: bool,
    #[autosurgeon(missing = "i64::default")]
    pub order: i64,
    #[autosurgeon(missing = "Option::default")]
    pub unit: Option<String>,
    #[autosurgeon(missing = "Option::default")]
    pub min: Option<f64>,
    #[autosurgeon(missing = "Option::default")]
    pub max: Option<f64>,
    #[autosurgeon(missing = "Vec::new")]
    pub choices: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Hydrate, Reconcile, Serialize, Deserialize)]
#[serde(default)]
pub struct ChecklistTemplate {
    pub schema_version: i64,
    pub doc_type: String,
    pub id: String,
    pub name: String,
    #[autosurgeon(missing = "BTreeMap::new")]
    pub items: BTreeMap<String, TemplateItem>,
}

impl ChecklistTemplate {
    pub fn from_doc(doc: &impl automerge::ReadDoc) -> Result<Self, ModelError> {
        let t: ChecklistTemplate = super::read::read(doc, "checklist template")?;
        if t.doc_type != DocKind::ChecklistTemplate.as_str() {
            return Err(ModelError::WrongKind {
                expected: DocKind::ChecklistTemplate,
                found: t.doc_type,
            });
        }
        Ok(t)
    }

    /// The checklist a new work order starts with; item ids are kept so results from
    /// different replicas land on the same keys.
    pub fn instantiate(&self) -> Vec<(String, ChecklistItem)> {
        self.items
            .iter()
            .map(|(id, t)| {
                (
                    id.clone(),
                    ChecklistItem {
                        label: t.label.clone(),
                        kind: t.kind.clone(),
                        required: t.required,
                        order: t.order,
                        unit: t.unit.clone(),
                        min: t.min,
                        max: t.max,
                        choices: t.choices.clone(),
                        ..Default::default()
                    },
                )
            })
            .collect()
    }
}

pub fn create_template(
    doc: &mut AutoCommit,
    id: DocId,
    template: &ChecklistTemplate,
    now: i64,
) -> Result<(), ModelError> {
    new_document(doc, id, DocKind::ChecklistTemplate, now)?;
    let mut t = template.clone();
    t.schema_version = super::SCHEMA_VERSION;
    t.doc_type = DocKind::ChecklistTemplate.as_str().into();
    t.id = id.to_string();
    autosurgeon::reconcile(doc, &t)?;
    commit(doc, &format!("create template {}", template.name), now);
    Ok(())
}
