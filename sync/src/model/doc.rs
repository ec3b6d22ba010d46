//! What every fieldsync document shares: a header (`schema_version`, `doc_type`, `id`), one
//! Automerge commit per user action, and typed errors for documents of the wrong shape.

use crate::ids::{DocId, DocKind, TimestampMs};
use automerge::{AutoCommit, ObjType, ReadDoc, ScalarValue, Value, transaction::Transactable};
use autosurgeon::{Hydrate, HydrateError, ReconcileError};

/// The schema version this build writes. Older builds keep fields they do not know.
pub const SCHEMA_VERSION: i64 = 1;

#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error("document is not a valid {kind}: {detail}")]
    Shape { kind: &'static str, detail: String },
    #[error("document has no header (doc_type/id): {0}")]
    NoHeader(String),
    #[error("expected a {expected} document, found {found}")]
    WrongKind { expected: DocKind, found: String },
    #[error("no such {what}: {id}")]
    NotFound { what: &'static str, id: String },
    #[error("{0}")]
    Invalid(String),
    /// A rule a person can put right, as data (worded in their language by the app).
    #[error("{0}")]
    Refused(super::refusal::Refusal),
    #[error("automerge: {0}")]
    Automerge(Box<automerge::AutomergeError>),
    #[error("reconcile: {0}")]
    Reconcile(Box<ReconcileError>),
}

// Boxed so that `Result<_, ModelError>` stays small on the happy path.
impl From<automerge::AutomergeError> for ModelError {
    fn from(e: automerge::AutomergeError) -> Self {
        ModelError::Automerge(Box::new(e))
    }
}

impl From<super::refusal::Refusal> for ModelError {
    fn from(r: super::refusal::Refusal) -> Self {
        ModelError::Refused(r)
    }
}

impl From<ReconcileError> for ModelError {
    fn from(e: ReconcileError) -> Self {
        ModelError::Reconcile(Box::new(e))
    }
}

impl ModelError {
    pub(crate) fn shape(kind: &'static str, e: HydrateError) -> Self {
        ModelError::Shape {
            kind,
            detail: e.to_string(),
        }
    }
}

/// The three fields every document starts with.
#[derive(Clone, Debug, PartialEq, Eq, Hydrate)]
pub struct DocHeader {
    pub schema_version: i64,
    pub doc_type: String,
    pub id: String,
}

/// Read a document's header, checking it names a known kind and a UUID.
pub fn header(doc: &impl autosurgeon::ReadDoc) -> Result<(DocId, DocKind, i64), ModelError> {
    let h: DocHeader =
        autosurgeon::hydrate(doc).map_err(|e| ModelError::NoHeader(e.to_string()))?;
    let kind = DocKind::parse(&h.doc_type)
        .ok_or_else(|| ModelError::NoHeader(format!("unknown doc_type {:?}", h.doc_type)))?;
    let id =
        h.id.parse::<DocId>()
            .map_err(|e| ModelError::NoHeader(format!("id {:?} is not a UUID: {e}", h.id)))?;
    Ok((id, kind, h.schema_version))
}

/// Start a new document of `kind`: the header is the first commit.
pub fn new_document(
    doc: &mut AutoCommit,
    id: DocId,
    kind: DocKind,
    now: TimestampMs,
) -> Result<(), ModelError> {
    doc.put(automerge::ROOT, "schema_version", SCHEMA_VERSION)?;
    doc.put(automerge::ROOT, "doc_type", kind.as_str())?;
    doc.put(automerge::ROOT, "id", id.to_string())?;
    commit(doc, &format!("create {kind}"), now);
    Ok(())
}

/// Close one user action as one Automerge change, with a message and the device time.
pub fn commit(doc: &mut AutoCommit, message: &str, now: TimestampMs) {
    doc.commit_with(
        automerge::transaction::CommitOptions::default()
            .with_message(message.to_owned())
            .with_time(now / 1000),
    );
}

/// Get or create a map under `parent` at `key` (used for nested records).
pub(crate) fn ensure_map(
    doc: &mut AutoCommit,
    parent: &automerge::ObjId,
    key: &str,
) -> Result<automerge::ObjId, ModelError> {
    match doc.get(parent, key)? {
        Some((Value::Object(ObjType::Map), id)) => Ok(id),
        _ => Ok(doc.put_object(parent, key, ObjType::Map)?),
    }
}

/// Get or create a Text object under `parent` at `key`.
pub(crate) fn ensure_text(
    doc: &mut AutoCommit,
    parent: &automerge::ObjId,
    key: &str,
) -> Result<automerge::ObjId, ModelError> {
    match doc.get(parent, key)? {
        Some((Value::Object(ObjType::Text), id)) => Ok(id),
        _ => Ok(doc.put_object(parent, key, ObjType::Text)?),
    }
}

/// Replace the content of a text object by splicing only what changed, so concurrent edits
/// elsewhere in the text survive.
pub(crate) fn update_text(
    doc: &mut AutoCommit,
    parent: &automerge::ObjId,
    key: &str,
    new_value: &str,
) -> Result<(), ModelError> {
    let text = ensure_text(doc, parent, key)?;
    doc.update_text(&text, new_value)?;
    Ok(())
}

/// Look up a child map, if present.
pub(crate) fn get_map(
    doc: &impl ReadDoc,
    parent: &automerge::ObjId,
    key: &str,
) -> Result<Option<automerge::ObjId>, ModelError> {
    Ok(match doc.get(parent, key)? {
        Some((Value::Object(ObjType::Map), id)) => Some(id),
        _ => None,
    })
}

/// Put a scalar or remove the key when `None`.
pub(crate) fn put_opt<V: Into<ScalarValue>>(
    doc: &mut AutoCommit,
    obj: &automerge::ObjId,
    key: &str,
    value: Option<V>,
) -> Result<(), ModelError> {
    match value {
        Some(v) => doc.put(obj, key, v)?,
        None => {
            if doc.get(obj, key)?.is_some() {
                doc.delete(obj, key)?;
            }
        }
    }
    Ok(())
}
