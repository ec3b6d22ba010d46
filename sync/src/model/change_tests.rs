//! A change's class and approval: creating one, the work gate per class, the decision record,
//! and values from a newer version kept.

use super::*;
use crate::ids::DocId;
use crate::model::work_order::{self as wo, EventExtra, NewWorkOrder};
use automerge::ReadDoc;
use automerge::transaction::Transactable;

/// Monday 2026-11-02 00:00 UTC.
const MON: i64 = 1_793_577_600_000;
const H: i64 = 3_600_000;

fn change(class: ChangeClass) -> AutoCommit {
    let mut doc = AutoCommit::new();
    let new = NewWorkOrder {
        kind: CHANGE_KIND.into(),
        title: "Upgrade core switch firmware".into(),
        assignees: vec!["eng".into()],
        change_class: Some(class),
        ..Default::default()
    };
    wo::create_work_order(&mut doc, DocId::new(), &new, "disp", MON).unwrap();
    doc
}

fn step(doc: &mut AutoCommit, kind: EventKind, at: i64) -> Result<String, ModelError> {
    wo::record_event(doc, kind, "eng", MON + at * H, EventExtra::default())
}

fn refusal(e: ModelError) -> Refusal {
    match e {
        ModelError::Refused(r) => r,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn a_major_change_waits_for_approval_before_work_but_not_before_travel() {
    let mut doc = change(ChangeClass::Major);
    let w = WorkOrder::from_doc(&doc).unwrap();
    assert_eq!(w.change_class, Some(ChangeClass::Major));
    assert_eq!(w.approval_state(), Some(ApprovalState::Pending));
    step(&mut doc, EventKind::Accepted, 1).unwrap();
    step(&mut doc, EventKind::EnRoute, 2).unwrap();
    let e = step(&mut doc, EventKind::OnSite, 3).unwrap_err();
    assert_eq!(refusal(e), Refusal::ChangeNotApproved);
    decide_change(&mut doc, ApprovalDecision::Approved, "", "sup", MON + 4 * H).unwrap();
    let w = WorkOrder::from_doc(&doc).unwrap();
    assert_eq!(w.approval_state(), Some(ApprovalState::Approved));
    let a = w.change_approval.unwrap();
    assert_eq!(
        (a.by.as_str(), a.at_ms, a.reason),
        ("sup", MON + 4 * H, None)
    );
    step(&mut doc, EventKind::OnSite, 5).unwrap();
    step(&mut doc, EventKind::Completed, 6).unwrap();
}

#[test]
fn completing_straight_from_accepted_is_work_too() {
    let mut doc = change(ChangeClass::Major);
    step(&mut doc, EventKind::Accepted, 1).unwrap();
    let e = step(&mut doc, EventKind::Completed, 2).unwrap_err();
    assert_eq!(refusal(e), Refusal::ChangeNotApproved);
}

#[test]
fn an_emergency_change_starts_at_once_and_awaits_retrospective_approval() {
    let mut doc = change(ChangeClass::Emergency);
    assert_eq!(
        WorkOrder::from_doc(&doc).unwrap().approval_state(),
        Some(ApprovalState::AwaitingRetrospective)
    );
    step(&mut doc, EventKind::OnSite, 1).unwrap();
    step(&mut doc, EventKind::Completed, 2).unwrap();
    assert!(
        WorkOrder::from_doc(&doc)
            .unwrap()
            .approval_state()
            .unwrap()
            .is_pending()
    );
    decide_change(
        &mut doc,
        ApprovalDecision::Approved,
        "ok",
        "sup",
        MON + 3 * H,
    )
    .unwrap();
    assert_eq!(
        WorkOrder::from_doc(&doc).unwrap().approval_state(),
        Some(ApprovalState::Approved)
    );
}

#[test]
fn a_rejected_change_takes_no_work_and_a_rejection_needs_a_reason() {
    let mut doc = change(ChangeClass::Emergency);
    let e = decide_change(&mut doc, ApprovalDecision::Rejected, "  ", "sup", MON).unwrap_err();
    assert_eq!(refusal(e), Refusal::ChangeRejectionNeedsReason);
    let long = "x".repeat(REASON_MAX_CHARS + 1);
    let e = decide_change(&mut doc, ApprovalDecision::Rejected, &long, "sup", MON).unwrap_err();
    assert_eq!(refusal(e), Refusal::ChangeReasonTooLong);
    decide_change(
        &mut doc,
        ApprovalDecision::Rejected,
        " no backout plan ",
        "sup",
        MON,
    )
    .unwrap();
    let w = WorkOrder::from_doc(&doc).unwrap();
    assert_eq!(w.approval_state(), Some(ApprovalState::Rejected));
    assert_eq!(
        w.change_approval.unwrap().reason.as_deref(),
        Some("no backout plan")
    );
    step(&mut doc, EventKind::Accepted, 1).unwrap();
    let e = step(&mut doc, EventKind::OnSite, 2).unwrap_err();
    assert_eq!(refusal(e), Refusal::ChangeRejected);
}

#[test]
fn a_standard_change_is_pre_approved_and_takes_no_decision() {
    let mut doc = change(ChangeClass::Standard);
    assert_eq!(
        WorkOrder::from_doc(&doc).unwrap().approval_state(),
        Some(ApprovalState::PreApproved)
    );
    step(&mut doc, EventKind::OnSite, 1).unwrap();
    let e = decide_change(&mut doc, ApprovalDecision::Approved, "", "sup", MON).unwrap_err();
    assert_eq!(refusal(e), Refusal::ChangePreApproved);
}

#[test]
fn only_a_change_has_a_class_and_a_change_needs_a_known_one() {
    let new = |kind: &str, class: Option<ChangeClass>| NewWorkOrder {
        kind: kind.into(),
        title: "t".into(),
        change_class: class,
        ..Default::default()
    };
    let make = |n: NewWorkOrder| {
        let mut doc = AutoCommit::new();
        wo::create_work_order(&mut doc, DocId::new(), &n, "disp", MON).map_err(refusal)
    };
    assert_eq!(make(new("change", None)), Err(Refusal::ChangeNeedsClass));
    assert_eq!(
        make(new("change", Some(ChangeClass::from_name("seasonal")))),
        Err(Refusal::UnknownChangeClass {
            class: "seasonal".into()
        })
    );
    assert_eq!(
        make(new("incident", Some(ChangeClass::Major))),
        Err(Refusal::ClassOnlyForChanges)
    );
    let mut doc = AutoCommit::new();
    wo::create_work_order(&mut doc, DocId::new(), &new("incident", None), "d", MON).unwrap();
    let e = decide_change(&mut doc, ApprovalDecision::Approved, "", "sup", MON).unwrap_err();
    assert_eq!(refusal(e), Refusal::NotAChange);
    // An incident is never gated.
    assert_eq!(WorkOrder::from_doc(&doc).unwrap().approval_state(), None);
}

#[test]
fn a_class_and_a_decision_from_a_newer_version_are_kept_and_count_as_unapproved() {
    let mut doc = change(ChangeClass::Major);
    doc.put(automerge::ROOT, "change_class", "seasonal")
        .unwrap();
    let approval = doc
        .put_object(automerge::ROOT, "change_approval", automerge::ObjType::Map)
        .unwrap();
    doc.put(&approval, "decision", "deferred").unwrap();
    doc.put(&approval, "by", "sup").unwrap();
    doc.put(&approval, "at_ms", MON).unwrap();
    let w = WorkOrder::from_doc(&doc).unwrap();
    assert_eq!(
        w.change_class,
        Some(ChangeClass::Unknown("seasonal".into()))
    );
    assert_eq!(
        w.approval_state(),
        Some(ApprovalState::UnknownDecision("deferred".into()))
    );
    assert!(w.approval_state().unwrap().is_pending());
    // Another edit does not rewrite them.
    step(&mut doc, EventKind::Accepted, 1).unwrap();
    let e = step(&mut doc, EventKind::OnSite, 2).unwrap_err();
    assert_eq!(refusal(e), Refusal::ChangeNotApproved);
    let class = doc.get(automerge::ROOT, "change_class").unwrap().unwrap().0;
    assert_eq!(class.to_string(), "\"seasonal\"");
    let json = serde_json::to_value(WorkOrder::from_doc(&doc).unwrap()).unwrap();
    assert_eq!(json["change_class"], "seasonal");
    assert_eq!(json["change_approval"]["decision"], "deferred");
}

#[test]
fn a_change_without_a_class_is_treated_as_major() {
    assert_eq!(approval_state(None, None), ApprovalState::Pending);
    assert_eq!(
        work_gate(EventKind::OnSite, &approval_state(None, None)),
        Err(Refusal::ChangeNotApproved)
    );
    assert_eq!(
        work_gate(EventKind::OnHold, &ApprovalState::Pending),
        Ok(())
    );
}

#[test]
fn the_shape_rules_refuse_a_decision_where_none_belongs() {
    let mut doc = change(ChangeClass::Standard);
    let approval = doc
        .put_object(automerge::ROOT, "change_approval", automerge::ObjType::Map)
        .unwrap();
    doc.put(&approval, "decision", "approved").unwrap();
    doc.put(&approval, "by", "sup").unwrap();
    doc.put(&approval, "at_ms", MON).unwrap();
    assert!(
        WorkOrder::from_doc(&doc).is_err(),
        "standard with a decision"
    );
    doc.put(automerge::ROOT, "change_class", "major").unwrap();
    doc.put(&approval, "decision", "rejected").unwrap();
    assert!(
        WorkOrder::from_doc(&doc).is_err(),
        "a rejection without reason"
    );
    doc.put(&approval, "reason", "risky").unwrap();
    WorkOrder::from_doc(&doc).unwrap();
    doc.put(automerge::ROOT, "kind", "incident").unwrap();
    assert!(
        WorkOrder::from_doc(&doc).is_err(),
        "an incident with a class"
    );
}
