//! Why the model refuses an edit, as data rather than an English sentence: the app words it in
//! its reader's language (`fieldsync_i18n::words::refusal`), the server sends it in its error
//! body (`ErrorBody::refusal`) so the office's screens can do the same, and logs read the
//! English `Display`. The `code` is stable: translations are keyed by it.

use crate::status::{EventKind, Status};
use serde::{Deserialize, Serialize};

/// Which free text of a feedback record is missing or too long.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeedbackText {
    /// The customer's complaint, in their words.
    ComplaintReason,
    /// What was reported back to the customer when the complaint was closed.
    ReportedBack,
}

impl FeedbackText {
    pub fn as_str(self) -> &'static str {
        match self {
            FeedbackText::ComplaintReason => "complaint_reason",
            FeedbackText::ReportedBack => "reported_back",
        }
    }

    fn english(self) -> &'static str {
        match self {
            FeedbackText::ComplaintReason => "the complaint's reason",
            FeedbackText::ReportedBack => "what was reported back to the customer",
        }
    }
}

/// A rule of the model an edit broke. Each variant is one thing a person can put right.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Refusal {
    #[error("unknown work kind {kind:?}")]
    UnknownWorkKind { kind: String },
    #[error("cannot record \"{}\" on a work order that is {}", action.label().to_lowercase(), status.label().to_lowercase())]
    IllegalTransition { action: EventKind, status: Status },
    #[error("required checklist items are empty: {}", items.join(", "))]
    RequiredItemsEmpty { items: Vec<String> },
    #[error("a hold needs a reason")]
    HoldNeedsReason,
    #[error("result {result:?} is not pass/fail/na")]
    NotPassFail { result: String },
    #[error("a reading must be a number")]
    ReadingNotANumber,
    #[error("a part needs a name and a positive quantity")]
    PartIncomplete,
    #[error("a time entry cannot end before it starts")]
    TimeEntryBackwards,
    #[error("a photo reference must be a sha256 hex digest")]
    PhotoNotADigest,
    #[error("the signer's name is required")]
    SignerNameRequired,
    #[error("impact and urgency are 1..=3")]
    ImpactUrgencyRange,
    #[error("unknown category {category:?}")]
    UnknownCategory { category: String },
    #[error("the window cannot end before it starts")]
    WindowBackwards,
    #[error("unknown device field {field:?}")]
    UnknownDeviceField { field: String },
    #[error("a device cannot be down from a time still to come")]
    DownInTheFuture,
    #[error("a device cannot be restored before it went down")]
    RestoredBeforeDown,
    #[error("a device cannot be restored at a time still to come")]
    RestoredInTheFuture,
    #[error("device {device} is not linked to this work order")]
    DeviceNotLinked { device: String },
    #[error("{} is required", what.english())]
    TextRequired { what: FeedbackText },
    #[error("{} is too long", what.english())]
    TextTooLong { what: FeedbackText },
    #[error("when the complaint was received is required")]
    ComplaintReceivedMissing,
    #[error("a complaint cannot be received after it is recorded")]
    ComplaintReceivedAfterRecorded,
    #[error("a complaint cannot be received before the work order was opened")]
    ComplaintReceivedBeforeOpened,
    #[error("a complaint cannot be due before it was received")]
    ComplaintDueBeforeReceived,
    #[error("the complaint's resolution due time is required")]
    ComplaintDueMissing,
    #[error("which complaint?")]
    ComplaintNotNamed,
    #[error("no complaint {id} on this work order")]
    NoSuchComplaint { id: String },
    #[error("a complaint's outcome is resolved or unfounded")]
    ComplaintOutcome,
    #[error("a satisfaction score is 1 to 5")]
    ScoreRange,
    #[error("only finished work is scored")]
    OnlyFinishedWorkScored,
    #[error("nobody scores their own work")]
    OwnWork,
    #[error("{kind:?} is not a feedback event")]
    NotFeedback { kind: String },
    #[error("work on this change cannot start before a supervisor approves it")]
    ChangeNotApproved,
    #[error("this change was rejected: no work may be done on it")]
    ChangeRejected,
    #[error("rejecting a change needs a reason")]
    ChangeRejectionNeedsReason,
    #[error("the reason is too long")]
    ChangeReasonTooLong,
    #[error("a standard change is pre-approved")]
    ChangePreApproved,
    #[error("a change needs a class: standard, emergency or major")]
    ChangeNeedsClass,
    #[error("unknown change class {class:?}")]
    UnknownChangeClass { class: String },
    #[error("only a change has a change class")]
    ClassOnlyForChanges,
    #[error("this work order is not a change")]
    NotAChange,
}

impl Refusal {
    /// The stable code (the serde tag): `refusal-<code>` names its words.
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::UnknownWorkKind { .. } => "unknown_work_kind",
            Refusal::IllegalTransition { .. } => "illegal_transition",
            Refusal::RequiredItemsEmpty { .. } => "required_items_empty",
            Refusal::HoldNeedsReason => "hold_needs_reason",
            Refusal::NotPassFail { .. } => "not_pass_fail",
            Refusal::ReadingNotANumber => "reading_not_a_number",
            Refusal::PartIncomplete => "part_incomplete",
            Refusal::TimeEntryBackwards => "time_entry_backwards",
            Refusal::PhotoNotADigest => "photo_not_a_digest",
            Refusal::SignerNameRequired => "signer_name_required",
            Refusal::ImpactUrgencyRange => "impact_urgency_range",
            Refusal::UnknownCategory { .. } => "unknown_category",
            Refusal::WindowBackwards => "window_backwards",
            Refusal::UnknownDeviceField { .. } => "unknown_device_field",
            Refusal::DownInTheFuture => "down_in_the_future",
            Refusal::RestoredBeforeDown => "restored_before_down",
            Refusal::RestoredInTheFuture => "restored_in_the_future",
            Refusal::DeviceNotLinked { .. } => "device_not_linked",
            Refusal::TextRequired { .. } => "text_required",
            Refusal::TextTooLong { .. } => "text_too_long",
            Refusal::ComplaintReceivedMissing => "complaint_received_missing",
            Refusal::ComplaintReceivedAfterRecorded => "complaint_received_after_recorded",
            Refusal::ComplaintReceivedBeforeOpened => "complaint_received_before_opened",
            Refusal::ComplaintDueBeforeReceived => "complaint_due_before_received",
            Refusal::ComplaintDueMissing => "complaint_due_missing",
            Refusal::ComplaintNotNamed => "complaint_not_named",
            Refusal::NoSuchComplaint { .. } => "no_such_complaint",
            Refusal::ComplaintOutcome => "complaint_outcome",
            Refusal::ScoreRange => "score_range",
            Refusal::OnlyFinishedWorkScored => "only_finished_work_scored",
            Refusal::OwnWork => "own_work",
            Refusal::NotFeedback { .. } => "not_feedback",
            Refusal::ChangeNotApproved => "change_not_approved",
            Refusal::ChangeRejected => "change_rejected",
            Refusal::ChangeRejectionNeedsReason => "change_rejection_needs_reason",
            Refusal::ChangeReasonTooLong => "change_reason_too_long",
            Refusal::ChangePreApproved => "change_pre_approved",
            Refusal::ChangeNeedsClass => "change_needs_class",
            Refusal::UnknownChangeClass { .. } => "unknown_change_class",
            Refusal::ClassOnlyForChanges => "class_only_for_changes",
            Refusal::NotAChange => "not_a_change",
        }
    }

    /// One of each variant, for tests that every refusal has words in every language.
    pub fn samples() -> Vec<Refusal> {
        let text = FeedbackText::ComplaintReason;
        vec![
            Refusal::UnknownWorkKind {
                kind: "repair".into(),
            },
            Refusal::IllegalTransition {
                action: EventKind::Completed,
                status: Status::Assigned,
            },
            Refusal::RequiredItemsEmpty {
                items: vec!["UPS 负载".into(), "空调".into()],
            },
            Refusal::HoldNeedsReason,
            Refusal::NotPassFail {
                result: "ok".into(),
            },
            Refusal::ReadingNotANumber,
            Refusal::PartIncomplete,
            Refusal::TimeEntryBackwards,
            Refusal::PhotoNotADigest,
            Refusal::SignerNameRequired,
            Refusal::ImpactUrgencyRange,
            Refusal::UnknownCategory {
                category: "weather".into(),
            },
            Refusal::WindowBackwards,
            Refusal::UnknownDeviceField {
                field: "colour".into(),
            },
            Refusal::DownInTheFuture,
            Refusal::RestoredBeforeDown,
            Refusal::RestoredInTheFuture,
            Refusal::DeviceNotLinked {
                device: "SW-3F-01".into(),
            },
            Refusal::TextRequired { what: text },
            Refusal::TextTooLong {
                what: FeedbackText::ReportedBack,
            },
            Refusal::ComplaintReceivedMissing,
            Refusal::ComplaintReceivedAfterRecorded,
            Refusal::ComplaintReceivedBeforeOpened,
            Refusal::ComplaintDueBeforeReceived,
            Refusal::ComplaintDueMissing,
            Refusal::ComplaintNotNamed,
            Refusal::NoSuchComplaint { id: "c-1".into() },
            Refusal::ComplaintOutcome,
            Refusal::ScoreRange,
            Refusal::OnlyFinishedWorkScored,
            Refusal::OwnWork,
            Refusal::NotFeedback {
                kind: "approved".into(),
            },
            Refusal::ChangeNotApproved,
            Refusal::ChangeRejected,
            Refusal::ChangeRejectionNeedsReason,
            Refusal::ChangeReasonTooLong,
            Refusal::ChangePreApproved,
            Refusal::ChangeNeedsClass,
            Refusal::UnknownChangeClass {
                class: "seasonal".into(),
            },
            Refusal::ClassOnlyForChanges,
            Refusal::NotAChange,
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn every_variant_is_sampled_once_with_its_own_code() {
        let samples = Refusal::samples();
        let codes: BTreeSet<&str> = samples.iter().map(Refusal::code).collect();
        assert_eq!(codes.len(), samples.len(), "two samples share a code");
        // Adding a variant without a sample fails here: this match must then be extended.
        for r in &samples {
            match r {
                Refusal::UnknownWorkKind { .. }
                | Refusal::IllegalTransition { .. }
                | Refusal::RequiredItemsEmpty { .. }
                | Refusal::HoldNeedsReason
                | Refusal::NotPassFail { .. }
                | Refusal::ReadingNotANumber
                | Refusal::PartIncomplete
                | Refusal::TimeEntryBackwards
                | Refusal::PhotoNotADigest
                | Refusal::SignerNameRequired
                | Refusal::ImpactUrgencyRange
                | Refusal::UnknownCategory { .. }
                | Refusal::WindowBackwards
                | Refusal::UnknownDeviceField { .. }
                | Refusal::DownInTheFuture
                | Refusal::RestoredBeforeDown
                | Refusal::RestoredInTheFuture
                | Refusal::DeviceNotLinked { .. }
                | Refusal::TextRequired { .. }
                | Refusal::TextTooLong { .. }
                | Refusal::ComplaintReceivedMissing
                | Refusal::ComplaintReceivedAfterRecorded
                | Refusal::ComplaintReceivedBeforeOpened
                | Refusal::ComplaintDueBeforeReceived
                | Refusal::ComplaintDueMissing
                | Refusal::ComplaintNotNamed
                | Refusal::NoSuchComplaint { .. }
                | Refusal::ComplaintOutcome
                | Refusal::ScoreRange
                | Refusal::OnlyFinishedWorkScored
                | Refusal::OwnWork
                | Refusal::NotFeedback { .. }
                | Refusal::ChangeNotApproved
                | Refusal::ChangeRejected
                | Refusal::ChangeRejectionNeedsReason
                | Refusal::ChangeReasonTooLong
                | Refusal::ChangePreApproved
                | Refusal::ChangeNeedsClass
                | Refusal::UnknownChangeClass { .. }
                | Refusal::ClassOnlyForChanges
                | Refusal::NotAChange => {}
            }
        }
        assert_eq!(samples.len(), 41);
    }

    #[test]
    fn the_code_is_the_serde_tag_and_round_trips() {
        for r in Refusal::samples() {
            let json = serde_json::to_value(&r).unwrap();
            assert_eq!(json["code"], r.code(), "{json}");
            let back: Refusal = serde_json::from_value(json).unwrap();
            assert_eq!(back, r);
        }
    }

    #[test]
    fn english_for_logs() {
        let r = Refusal::IllegalTransition {
            action: EventKind::Completed,
            status: Status::Assigned,
        };
        assert_eq!(
            r.to_string(),
            "cannot record \"completed\" on a work order that is assigned"
        );
    }
}
