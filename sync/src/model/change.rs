//! Change management (ITIL; the seeds' 变更管理: a change to a CI is approved before it is
//! made). A change work order carries its class — standard (标准变更, pre-approved), emergency
//! (紧急变更) or major (重大变更) — and the supervisor's approval record. The class decides
//! whether the engineer may start work ([`work_gate`]); the model refuses a work step the
//! gate closes, and the server's policy refuses the same step in a forged push.
//!
//! The rule, one per class:
//! - **standard**: pre-approved; no approval record is needed or taken.
//! - **major** (and a class this version does not know, or none): work (on site, resume,
//!   complete) waits for an `approved` record. Accepting and travelling do not.
//! - **emergency**: work may start at once; the approval is recorded afterwards
//!   ("awaiting retrospective approval" until then).
//!
//! A `rejected` record closes the gate for every class that takes one: the dispatcher
//! cancels the change, or a supervisor records a new decision.

use super::doc::{ModelError, commit};
use super::refusal::Refusal;
use super::work_order::WorkOrder;
use crate::ids::TimestampMs;
use crate::status::EventKind;
use automerge::{AutoCommit, ROOT};
use autosurgeon::reconcile::NoKey;
use autosurgeon::{Hydrate, HydrateError, Reconcile, Reconciler};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Longest reason kept with a decision.
pub const REASON_MAX_CHARS: usize = 2_000;

/// Named values stored as strings, with a value from a newer version kept verbatim.
macro_rules! open_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $v:ident => $s:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vm])* $v,)+
            /// A value this version does not know (written by a newer one), kept verbatim.
            Unknown(String),
        }

        impl $name {
            /// Every value this version knows, in the order a form offers them.
            pub const KNOWN: &'static [$name] = &[$($name::$v),+];

            /// The name stored in documents.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$v => $s,)+
                    $name::Unknown(s) => s,
                }
            }

            /// The stored name; an unknown one is kept, never an error.
            pub fn from_name(name: &str) -> Self {
                Self::KNOWN
                    .iter()
                    .find(|k| k.as_str() == name)
                    .cloned()
                    .unwrap_or_else(|| $name::Unknown(name.to_owned()))
            }

            pub fn is_known(&self) -> bool {
                !matches!(self, $name::Unknown(_))
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                Ok(Self::from_name(&String::deserialize(d)?))
            }
        }

        impl Hydrate for $name {
            fn hydrate_string(s: &'_ str) -> Result<Self, HydrateError> {
                Ok(Self::from_name(s))
            }
        }

        impl Reconcile for $name {
            type Key<'a> = NoKey;

            fn reconcile<R: Reconciler>(&self, mut reconciler: R) -> Result<(), R::Error> {
                reconciler.str(self.as_str())
            }
        }
    };
}

open_enum! {
    /// How a change is approved (ITIL change types).
    ChangeClass {
        /// 标准变更: a routine change on an agreed procedure, pre-approved.
        Standard => "standard",
        /// 紧急变更: made at once to restore service, approved afterwards.
        Emergency => "emergency",
        /// 重大变更: approved by a supervisor before work starts.
        Major => "major",
    }
}

open_enum! {
    /// A supervisor's decision on a change.
    ApprovalDecision {
        Approved => "approved",
        Rejected => "rejected",
    }
}

/// The supervisor's decision on a change, written whole (`change_approval`).
#[derive(Clone, Debug, PartialEq, Eq, Hydrate, Reconcile, Serialize, Deserialize)]
pub struct ChangeApproval {
    pub decision: ApprovalDecision,
    /// The supervisor's user id.
    pub by: String,
    pub at_ms: TimestampMs,
    /// Why (required when rejecting).
    #[autosurgeon(missing = "Option::default")]
    #[serde(default)]
    pub reason: Option<String>,
}

impl ChangeApproval {
    /// A reason when rejecting, and one not too long. A decision from a newer version is
    /// kept as it is (readers treat it as no approval).
    pub fn check(&self) -> Result<(), Refusal> {
        let reason = self.reason.as_deref().map(str::trim).unwrap_or_default();
        if self.decision == ApprovalDecision::Rejected && reason.is_empty() {
            return Err(Refusal::ChangeRejectionNeedsReason);
        }
        if reason.chars().count() > REASON_MAX_CHARS {
            return Err(Refusal::ChangeReasonTooLong);
        }
        Ok(())
    }
}

/// Where a change stands on approval, as the screens show it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ApprovalState {
    /// Standard: pre-approved.
    PreApproved,
    /// Major (or unknown class): waiting for a decision before work.
    Pending,
    /// Emergency: work may go on; the decision is still to be recorded.
    AwaitingRetrospective,
    Approved,
    Rejected,
    /// A decision this version does not know: treated as no approval.
    UnknownDecision(String),
}

impl ApprovalState {
    /// Does a supervisor still owe a decision?
    pub fn is_pending(&self) -> bool {
        matches!(
            self,
            ApprovalState::Pending
                | ApprovalState::AwaitingRetrospective
                | ApprovalState::UnknownDecision(_)
        )
    }
}

/// The class that governs a change: a change written without one is treated as major.
pub fn effective_class(class: Option<&ChangeClass>) -> ChangeClass {
    class.cloned().unwrap_or(ChangeClass::Major)
}

/// The approval state of a change of `class` with `approval` recorded.
pub fn approval_state(
    class: Option<&ChangeClass>,
    approval: Option<&ChangeApproval>,
) -> ApprovalState {
    let class = effective_class(class);
    if class == ChangeClass::Standard {
        return ApprovalState::PreApproved;
    }
    match approval.map(|a| &a.decision) {
        Some(ApprovalDecision::Approved) => ApprovalState::Approved,
        Some(ApprovalDecision::Rejected) => ApprovalState::Rejected,
        Some(ApprovalDecision::Unknown(d)) => ApprovalState::UnknownDecision(d.clone()),
        None if class == ChangeClass::Emergency => ApprovalState::AwaitingRetrospective,
        None => ApprovalState::Pending,
    }
}

/// Status steps that are the work itself (not accepting or travelling to it).
pub fn is_work_step(kind: EventKind) -> bool {
    matches!(
        kind,
        EventKind::OnSite | EventKind::Resumed | EventKind::Completed
    )
}

/// May `kind` be recorded on a change in `state`? `Ok` for every step that is not work.
pub fn work_gate(kind: EventKind, state: &ApprovalState) -> Result<(), Refusal> {
    if !is_work_step(kind) {
        return Ok(());
    }
    match state {
        ApprovalState::PreApproved
        | ApprovalState::Approved
        | ApprovalState::AwaitingRetrospective => Ok(()),
        ApprovalState::Rejected => Err(Refusal::ChangeRejected),
        ApprovalState::Pending | ApprovalState::UnknownDecision(_) => {
            Err(Refusal::ChangeNotApproved)
        }
    }
}

/// Record a supervisor's decision on the change (one commit, the record written whole, so
/// of two supervisors deciding offline the later write wins and both are in the history).
pub fn decide_change(
    doc: &mut AutoCommit,
    decision: ApprovalDecision,
    reason: &str,
    by: &str,
    now: TimestampMs,
) -> Result<(), ModelError> {
    let wo = WorkOrder::from_doc(doc)?;
    if !wo.is_change() {
        return Err(Refusal::NotAChange.into());
    }
    if effective_class(wo.change_class.as_ref()) == ChangeClass::Standard {
        return Err(Refusal::ChangePreApproved.into());
    }
    let reason = reason.trim();
    let record = ChangeApproval {
        decision,
        by: by.to_owned(),
        at_ms: now,
        reason: (!reason.is_empty()).then(|| reason.to_owned()),
    };
    record.check()?;
    autosurgeon::reconcile_prop(doc, ROOT, "change_approval", &record)?;
    commit(
        doc,
        &format!("{APPROVAL_MESSAGE} {}", record.decision.as_str()),
        now,
    );
    Ok(())
}

/// How the commit message of a decision starts (the decision follows).
pub const APPROVAL_MESSAGE: &str = "change approval";

/// What a new work order may say about its class: a change has a known one, nothing else
/// has one.
pub fn check_new(kind: &str, class: Option<&ChangeClass>) -> Result<(), Refusal> {
    match (kind == CHANGE_KIND, class) {
        (true, None) => Err(Refusal::ChangeNeedsClass),
        (true, Some(c)) if !c.is_known() => Err(Refusal::UnknownChangeClass {
            class: c.as_str().to_owned(),
        }),
        (false, Some(_)) => Err(Refusal::ClassOnlyForChanges),
        _ => Ok(()),
    }
}

/// The work kind that has a class and an approval.
pub const CHANGE_KIND: &str = "change";

impl WorkOrder {
    pub fn is_change(&self) -> bool {
        self.kind == CHANGE_KIND
    }

    /// Where the change stands on approval (`None`: not a change).
    pub fn approval_state(&self) -> Option<ApprovalState> {
        self.is_change()
            .then(|| approval_state(self.change_class.as_ref(), self.change_approval.as_ref()))
    }

    /// May `kind` be recorded, as far as change approval goes?
    pub fn change_gate(&self, kind: EventKind) -> Result<(), Refusal> {
        match self.approval_state() {
            Some(state) => work_gate(kind, &state),
            None => Ok(()),
        }
    }

    /// The shape rules of the two change fields (a `schema` error on push): a class and a
    /// decision only on a change, and a rejection with its reason.
    pub(crate) fn check_change_fields(&self) -> Result<(), String> {
        if !self.is_change() {
            if self.change_class.is_some() {
                return Err(format!("a {} has no change_class", self.kind));
            }
            if self.change_approval.is_some() {
                return Err(format!("a {} has no change_approval", self.kind));
            }
            return Ok(());
        }
        if let Some(a) = &self.change_approval {
            if self.change_class == Some(ChangeClass::Standard) {
                return Err("a standard change is pre-approved: no change_approval".into());
            }
            a.check().map_err(|r| format!("change_approval: {r}"))?;
        }
        Ok(())
    }
}

#[cfg(test)]
#[path = "change_tests.rs"]
mod tests;
