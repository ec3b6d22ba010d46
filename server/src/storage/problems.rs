//! Storage of problem records (问题管理): the office's records of a root cause, its known
//! error and workaround, and the incidents they explain. Kept by the hub only — never synced —
//! so the backends store them as rows; the rules live in `crate::problems`.
//!
//! A separate trait, like [`super::SchedulingStore`]: [`super::Storage::problems`] returns
//! `None` by default and the routes answer "not supported by this database".

use super::Result;
use fieldsync::problem::ProblemStatus;
use fieldsync::{TimestampMs, UserId};

/// A stored problem record. `incidents` are work order ids.
#[derive(Clone, Debug, PartialEq)]
pub struct ProblemRecord {
    pub id: String,
    pub status: ProblemStatus,
    pub title: String,
    pub description: String,
    pub root_cause: String,
    pub known_error: String,
    pub workaround: String,
    pub category: Option<String>,
    pub device_type: Option<String>,
    pub incidents: Vec<String>,
    pub article_id: Option<String>,
    pub published_at_ms: Option<TimestampMs>,
    /// 1 when created, one more with each write.
    pub revision: i64,
    pub created_by: UserId,
    pub created_at_ms: TimestampMs,
    pub updated_by: UserId,
    pub updated_at_ms: TimestampMs,
}

/// What a backend keeps of problem records. Each write is one transaction: a record and its
/// links are stored together or not at all.
pub trait ProblemStore {
    /// Every problem, newest change first.
    fn list_problems(&self) -> Result<Vec<ProblemRecord>>;
    fn problem(&self, id: &str) -> Result<Option<ProblemRecord>>;
    /// Store a new problem (`Conflict` if the id exists).
    fn insert_problem(&self, p: &ProblemRecord) -> Result<()>;
    /// Replace the problem `p.id` with `p` if its stored revision is still `p.revision - 1`
    /// (`Conflict` if someone wrote in between, `NotFound` if there is none).
    fn update_problem(&self, p: &ProblemRecord) -> Result<()>;
}

/// The conflict every backend answers when the revision moved on.
pub(crate) fn stale(id: &str, revision: i64) -> super::StorageError {
    super::StorageError::Conflict(format!(
        "problem {id} was changed by someone else since revision {}; reload it and edit again",
        revision - 1
    ))
}

/// The problem store of a backend, or a clear error if it has none yet.
pub fn problems_of(s: &dyn super::Storage) -> Result<&dyn ProblemStore> {
    s.problems().ok_or_else(|| {
        super::StorageError::Invalid("this database backend does not keep problem records".into())
    })
}
