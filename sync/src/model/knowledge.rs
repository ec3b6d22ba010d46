//! Knowledge articles: known errors and their solutions, searchable offline.

use super::doc::{ModelError, commit, new_document, update_text};
use crate::ids::{DocId, DocKind};
use automerge::{AutoCommit, ROOT, transaction::Transactable};
use autosurgeon::{Hydrate, Reconcile, Text};

#[derive(Clone, Debug, Hydrate, Reconcile)]
pub struct KnowledgeArticle {
    pub schema_version: i64,
    pub doc_type: String,
    pub id: String,
    pub title: String,
    #[autosurgeon(missing = "Text::default")]
    pub symptoms: Text,
    #[autosurgeon(missing = "Text::default")]
    pub solution: Text,
    #[autosurgeon(missing = "Option::default")]
    pub category: Option<String>,
    #[autosurgeon(missing = "Vec::new")]
    pub tags: Vec<String>,
}

impl KnowledgeArticle {
    pub fn from_doc(doc: &impl autosurgeon::ReadDoc) -> Result<Self, ModelError> {
        let k: KnowledgeArticle =
            autosurgeon::hydrate(doc).map_err(|e| ModelError::shape("knowledge article", e))?;
        if k.doc_type != DocKind::Knowledge.as_str() {
            return Err(ModelError::WrongKind {
                expected: DocKind::Knowledge,
                found: k.doc_type,
            });
        }
        Ok(k)
    }
}

pub fn create_article(
    doc: &mut AutoCommit,
    id: DocId,
    title: &str,
    symptoms: &str,
    solution: &str,
    category: Option<&str>,
    now: i64,
) -> Result<(), ModelError> {
    new_document(doc, id, DocKind::Knowledge, now)?;
    doc.put(ROOT, "title", title)?;
    update_text(doc, &ROOT, "symptoms", symptoms)?;
    update_text(doc, &ROOT, "solution", solution)?;
    if let Some(c) = category {
        doc.put(ROOT, "category", c)?;
    }
    doc.put_object(ROOT, "tags", automerge::ObjType::List)?;
    commit(doc, &format!("create article {title}"), now);
    Ok(())
}
