//! A change's class and approval in words and colours, as the call form, the engineer's work
//! order and the supervisor's approval list show them (`fieldsync::model::change`).

use crate::format;
use fieldsync::model::{ApprovalDecision, ApprovalState, ChangeApproval, ChangeClass};
use fieldsync_i18n::t;
use std::collections::BTreeMap;

/// The class in words; a change written without one says how it is treated.
pub fn class_word(class: Option<&ChangeClass>) -> String {
    match class {
        Some(ChangeClass::Standard) => t!("change-class-standard"),
        Some(ChangeClass::Emergency) => t!("change-class-emergency"),
        Some(ChangeClass::Major) => t!("change-class-major"),
        Some(ChangeClass::Unknown(c)) => t!("change-class-unknown", class = c.as_str()),
        None => t!("change-class-none"),
    }
}

/// What choosing a class means, under the form's choice.
pub fn class_hint(class: &ChangeClass) -> String {
    match class {
        ChangeClass::Standard => t!("call-change-class-hint-standard"),
        ChangeClass::Emergency => t!("call-change-class-hint-emergency"),
        ChangeClass::Major | ChangeClass::Unknown(_) => t!("call-change-class-hint-major"),
    }
}

/// The approval state in words.
pub fn state_word(state: &ApprovalState) -> String {
    match state {
        ApprovalState::PreApproved => t!("change-state-pre-approved"),
        ApprovalState::Pending => t!("change-state-pending"),
        ApprovalState::AwaitingRetrospective => t!("change-state-awaiting-retrospective"),
        ApprovalState::Approved => t!("change-state-approved"),
        ApprovalState::Rejected => t!("change-state-rejected"),
        ApprovalState::UnknownDecision(d) => t!("change-state-unknown", decision = d.as_str()),
    }
}

/// Green when work may go on as approved, amber while a decision is owed, red when refused.
pub fn state_color(state: &ApprovalState, dark: bool) -> egui::Color32 {
    let c = match state {
        ApprovalState::PreApproved | ApprovalState::Approved => format::GREEN,
        ApprovalState::AwaitingRetrospective => format::AMBER,
        ApprovalState::Pending | ApprovalState::UnknownDecision(_) => format::AMBER,
        ApprovalState::Rejected => format::RED,
    };
    format::readable(c, dark)
}

/// "Approved by Sam Supervisor, 8 Dec 10:00 (Asia/Shanghai)", the reason on its own line.
pub fn decision_lines(
    a: &ChangeApproval,
    names: &BTreeMap<String, String>,
    zone: format::Zone,
) -> Vec<String> {
    let decision = match &a.decision {
        ApprovalDecision::Approved => t!("change-state-approved"),
        ApprovalDecision::Rejected => t!("change-state-rejected"),
        ApprovalDecision::Unknown(d) => d.clone(),
    };
    let who = names.get(&a.by).cloned().unwrap_or_else(|| a.by.clone());
    let mut lines = vec![t!(
        "change-decided",
        decision = decision,
        who = who,
        when = format::time_in(a.at_ms, zone)
    )];
    if let Some(r) = a.reason.as_deref().filter(|r| !r.trim().is_empty()) {
        lines.push(t!("change-decided-reason", reason = r));
    }
    lines
}
