//! Publishing a problem's known error: the knowledge article document is written by the
//! server's actor through the model's own function (created the first time, brought up to
//! date after), so it reaches every engineer's device at the next sync and is found offline;
//! the article names the linked incidents, which then show the workaround.

use crate::hub::{Hub, HubError};
use crate::storage::ProblemRecord;
use fieldsync::model::ModelError;
use fieldsync::model::knowledge::{PublishedKnownError, publish_known_error};
use fieldsync::{DocId, DocKind, TimestampMs};
use uuid::Uuid;

/// Namespace of the articles' ids: UUID v5 of the problem id, so a publish that is retried,
/// or runs on two replicas at once, writes the same article and never a second one.
const ARTICLE_NAMESPACE: Uuid = Uuid::from_u128(0x3b8e_51d4_0c7a_4e29_b6f1_9d2c_47a8_e053);

/// The knowledge article a problem publishes to.
pub fn article_id(problem_id: &str) -> DocId {
    DocId(Uuid::new_v5(&ARTICLE_NAMESPACE, problem_id.as_bytes()))
}

/// Why a problem cannot be published yet.
pub fn refusal(p: &ProblemRecord) -> Option<String> {
    if p.known_error.trim().is_empty() || p.workaround.trim().is_empty() {
        return Some("write the known error and its workaround before publishing".into());
    }
    None
}

/// Write the article of `p` and answer its id.
pub fn publish(hub: &Hub, p: &ProblemRecord, now: TimestampMs) -> Result<DocId, HubError> {
    let id = article_id(&p.id);
    let known = PublishedKnownError {
        problem_id: &p.id,
        title: &p.title,
        known_error: &p.known_error,
        workaround: &p.workaround,
        category: p.category.as_deref(),
        work_orders: &p.incidents,
    };
    let edit = || {
        hub.server_edit(id, now, |doc, kind| {
            if kind != DocKind::Knowledge {
                return Err(ModelError::WrongKind {
                    expected: DocKind::Knowledge,
                    found: kind.to_string(),
                });
            }
            publish_known_error(doc, id, &known, now)
        })
    };
    if hub.load(id)?.is_some() {
        edit()?;
        return Ok(id);
    }
    match hub.create_doc(id, DocKind::Knowledge, None, now, |doc| {
        publish_known_error(doc, id, &known, now)
    }) {
        Ok(_) => Ok(id),
        // Created meanwhile by another replica's publish: bring that one up to date.
        Err(HubError::Invalid(_)) if hub.load(id)?.is_some() => edit().map(|_| id),
        Err(e) => Err(e),
    }
}
