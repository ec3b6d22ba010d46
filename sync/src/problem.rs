//! Problem records (问题管理): the root cause behind several incidents, its known error
//! (已知错误) and workaround (规避措施). The records are kept by the hub, not synced (see
//! "Problem records" in docs/document-schemas.md); this module holds what the hub and the
//! office app share: the status lifecycle, the limits and the shapes on the wire.

use crate::ids::TimestampMs;
use serde::{Deserialize, Serialize};

/// The longest title kept, in characters.
pub const TITLE_MAX_CHARS: usize = 200;
/// The longest description, root cause, known error or workaround kept, in characters.
pub const TEXT_MAX_CHARS: usize = 8_000;
/// The most incidents one problem links (a problem behind more is a major incident).
pub const MAX_INCIDENTS: usize = 200;

/// Where a problem stands. `KnownError`: the root cause is diagnosed and a workaround is
/// written (what the knowledge base publishes); `Resolved`: a permanent fix went in
/// (usually through a change); `Closed`: reviewed, nothing more to do.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum ProblemStatus {
    #[default]
    Open,
    KnownError,
    Resolved,
    Closed,
}

impl ProblemStatus {
    pub const ALL: [ProblemStatus; 4] = [
        ProblemStatus::Open,
        ProblemStatus::KnownError,
        ProblemStatus::Resolved,
        ProblemStatus::Closed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ProblemStatus::Open => "open",
            ProblemStatus::KnownError => "known_error",
            ProblemStatus::Resolved => "resolved",
            ProblemStatus::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == s)
    }

    /// May a problem in `self` be moved to `next`? Forward one or more steps, or back to
    /// `Open` when the incidents come back (a fix that did not hold); a closed problem only
    /// reopens.
    pub fn may_become(self, next: ProblemStatus) -> bool {
        use ProblemStatus::*;
        match (self, next) {
            (a, b) if a == b => true,
            (Closed, b) => b == Open,
            (_, Open) => true,
            (a, b) => a < b,
        }
    }

    /// Statuses that need a known error and a workaround written (what makes an error
    /// "known").
    pub fn needs_known_error(self) -> bool {
        self == ProblemStatus::KnownError
    }
}

impl std::str::FromStr for ProblemStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Self::parse(s).ok_or_else(|| format!("{s:?} is not a problem status"))
    }
}

/// A problem as the API sends it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ProblemView {
    pub id: String,
    pub status: Option<ProblemStatus>,
    pub title: String,
    pub description: String,
    pub root_cause: String,
    pub known_error: String,
    pub workaround: String,
    /// One of the incident categories (`model::CATEGORIES`).
    pub category: Option<String>,
    /// One of the device classes (`model::device::DEVICE_TYPES`).
    pub device_type: Option<String>,
    /// The linked incidents, oldest first.
    pub incidents: Vec<LinkedIncident>,
    /// The knowledge article the known error was published as, and when.
    pub article_id: Option<String>,
    pub published_at_ms: Option<TimestampMs>,
    /// Bumped by every write; a write must name the revision it was made from.
    pub revision: i64,
    /// Display names of who created it and who changed it last.
    pub created_by: String,
    pub created_at_ms: TimestampMs,
    pub updated_by: String,
    pub updated_at_ms: TimestampMs,
}

/// A linked incident with what the office needs to recognise it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LinkedIncident {
    pub doc_id: String,
    pub number: Option<String>,
    pub title: String,
    pub status: String,
    pub site_id: Option<String>,
    pub created_at_ms: TimestampMs,
}

/// What a create (`POST`) or an edit (`PUT`, with `revision`) sends. Every field is
/// required on an edit so that nothing is cleared by omission; unknown fields are refused.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProblemBody {
    pub status: ProblemStatus,
    pub title: String,
    pub description: String,
    pub root_cause: String,
    pub known_error: String,
    pub workaround: String,
    pub category: Option<String>,
    pub device_type: Option<String>,
    /// Work order ids or numbers (`WO-2026-00012`) of the incidents.
    pub incidents: Vec<String>,
    /// The revision the edit was made from (ignored on create).
    #[serde(default)]
    pub revision: i64,
}

/// Why incidents were put forward as one recurring problem.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "by", rename_all = "snake_case")]
pub enum RecurrenceKey {
    /// The same configuration item failed again.
    Device { device_id: String },
    /// The same kind of fault at the same site.
    SiteCategory { site_id: String, category: String },
}

/// A group of recent incidents that look like one problem.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Candidate {
    pub key: RecurrenceKey,
    /// A readable name of the device (asset tag) or the site.
    pub label: String,
    pub incidents: Vec<LinkedIncident>,
}

#[cfg(test)]
mod tests {
    use super::ProblemStatus::*;

    #[test]
    fn a_problem_moves_forward_or_reopens_and_a_closed_one_only_reopens() {
        assert!(Open.may_become(KnownError));
        assert!(Open.may_become(Resolved));
        assert!(KnownError.may_become(Resolved));
        assert!(Resolved.may_become(Closed));
        assert!(Resolved.may_become(Open));
        assert!(!Resolved.may_become(KnownError));
        assert!(!Closed.may_become(Resolved));
        assert!(!Closed.may_become(KnownError));
        assert!(Closed.may_become(Open));
        assert!(Closed.may_become(Closed));
        for s in super::ProblemStatus::ALL {
            assert_eq!(super::ProblemStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(super::ProblemStatus::parse("solved"), None);
    }
}
