//! Knowledge articles: known errors and their solutions, searchable offline. An article
//! published from a problem record names the problem and the incidents it explains, so an
//! engineer's device shows the workaround on those incidents without a network.

use super::doc::{ModelError, commit, ensure_map, new_document, put_opt, update_text};
use crate::ids::{DocId, DocKind, TimestampMs};
use automerge::{AutoCommit, ROOT, ReadDoc, transaction::Transactable};
use std::collections::BTreeMap;

/// Fields only the office writes (the policy keeps engineers off them): which problem an
/// article publishes and which incidents it explains.
pub const OFFICE_FIELDS: [&str; 2] = ["problem_id", "work_orders"];

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
    /// The problem record this article publishes the known error of.
    pub problem_id: Option<String>,
    /// Incidents (work order ids) the problem links; value `true`. A map keyed by id so the
    /// links merge like `device_ids` do.
    pub work_orders: BTreeMap<String, bool>,
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

/// A problem's known error as it is published: the article's title, symptoms (the known
/// error), solution (the workaround) and links.
#[derive(Clone, Debug, PartialEq)]
pub struct PublishedKnownError<'a> {
    pub problem_id: &'a str,
    pub title: &'a str,
    pub known_error: &'a str,
    pub workaround: &'a str,
    pub category: Option<&'a str>,
    /// Work order ids of the linked incidents.
    pub work_orders: &'a [String],
}

/// Write `k` into article `id`: created when `doc` is empty, otherwise its title, texts,
/// category and links are brought to `k` (texts by splicing, links key by key, so an
/// engineer's concurrent edit of the text survives and tags are left alone).
pub fn publish_known_error(
    doc: &mut AutoCommit,
    id: DocId,
    k: &PublishedKnownError<'_>,
    now: TimestampMs,
) -> Result<(), ModelError> {
    if doc.get(ROOT, "doc_type")?.is_none() {
        create_article(
            doc,
            id,
            k.title,
            k.known_error,
            k.workaround,
            k.category,
            now,
        )?;
    } else {
        KnowledgeArticle::from_doc(doc)?;
        doc.put(ROOT, "title", k.title)?;
        update_text(doc, &ROOT, "symptoms", k.known_error)?;
        update_text(doc, &ROOT, "solution", k.workaround)?;
        put_opt(doc, &ROOT, "category", k.category)?;
    }
    doc.put(ROOT, "problem_id", k.problem_id)?;
    let links = ensure_map(doc, &ROOT, "work_orders")?;
    let old: Vec<String> = doc.keys(&links).collect();
    for gone in old.iter().filter(|o| !k.work_orders.contains(o)) {
        doc.delete(&links, gone.as_str())?;
    }
    for wo in k.work_orders.iter().filter(|w| !old.contains(w)) {
        doc.put(&links, wo.as_str(), true)?;
    }
    commit(doc, &format!("publish known error {}", k.title), now);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known<'a>(links: &'a [String], workaround: &'a str) -> PublishedKnownError<'a> {
        PublishedKnownError {
            problem_id: "p-1",
            title: "3楼打印机反复卡纸",
            known_error: "搓纸轮磨损",
            workaround,
            category: Some("hardware"),
            work_orders: links,
        }
    }

    #[test]
    fn publishing_creates_then_updates_the_article_and_its_links() {
        let id = DocId::new();
        let mut doc = AutoCommit::new();
        let two = ["wo-a".to_owned(), "wo-b".to_owned()];
        publish_known_error(&mut doc, id, &known(&two, "手动送纸"), 1_000).unwrap();
        let a = KnowledgeArticle::from_doc(&doc).unwrap();
        assert_eq!(a.id, id.to_string());
        assert_eq!(
            (a.symptoms.as_str(), a.solution.as_str()),
            ("搓纸轮磨损", "手动送纸")
        );
        assert_eq!(a.problem_id.as_deref(), Some("p-1"));
        assert_eq!(a.work_orders.keys().collect::<Vec<_>>(), ["wo-a", "wo-b"]);

        // A second publish drops an unlinked incident, adds a new one and keeps tags.
        let tags = doc.get(ROOT, "tags").unwrap().unwrap().1;
        doc.insert(&tags, 0, "打印机").unwrap();
        let next = ["wo-b".to_owned(), "wo-c".to_owned()];
        publish_known_error(&mut doc, id, &known(&next, "更换搓纸轮前手动送纸"), 2_000).unwrap();
        let a = KnowledgeArticle::from_doc(&doc).unwrap();
        assert_eq!(a.solution, "更换搓纸轮前手动送纸");
        assert_eq!(a.work_orders.keys().collect::<Vec<_>>(), ["wo-b", "wo-c"]);
        assert_eq!(a.tags, ["打印机"]);
    }

    #[test]
    fn publishing_into_a_document_of_another_kind_is_refused() {
        let mut doc = AutoCommit::new();
        new_document(&mut doc, DocId::new(), DocKind::Site, 0).unwrap();
        let err = publish_known_error(&mut doc, DocId::new(), &known(&[], "x"), 1).unwrap_err();
        assert!(matches!(err, ModelError::WrongKind { .. }), "{err}");
    }
}
