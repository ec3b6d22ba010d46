//! Knowledge articles: known errors and their solutions, searchable offline.

use super::doc::{ModelError, commit, new_document, update_text};
use crate::ids::{DocId, DocKind};
use automerge::{AutoCommit, ROOT, transaction::Transactable};

#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct KnowledgeArticle {
    pub schema_version: i64,
    pub doc_type: String,
    pub id: String,
    pub title: String,
    pub symptoms: String,
    pub solution: String,
    pub category: Option<String>,
    pub tags: Vec<String>,
}

impl KnowledgeArticle {
    pub fn from_doc(doc: &impl automerge::ReadDoc) -> Result<Self, ModelError> {
        let k: KnowledgeArticle = super::read::read(doc, "knowledge article")?;
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
