//! Attempts to break change management: forged approvals by the engineer, the dispatcher or
//! a supervisor in someone else's name, reclassifying a change, and starting work on an
//! unapproved change with a hand-made event.

use super::tests::{NOW, Person, code, person, push, raw_event};
use super::*;
use crate::model::{ApprovalDecision, ChangeClass, decide_change, work_order as wo};
use automerge::{AutoCommit, ROOT, transaction::Transactable};

/// A change of `class` made by `disp`, assigned to "eng", as the server holds it.
fn server_change(disp: &Person, class: ChangeClass) -> Automerge {
    let mut doc = AutoCommit::new().with_actor(disp.actor.clone());
    let new = wo::NewWorkOrder {
        kind: "change".into(),
        title: "Replace core switch".into(),
        assignees: vec!["eng".into()],
        change_class: Some(class),
        ..Default::default()
    };
    wo::create_work_order(&mut doc, crate::DocId::new(), &new, "disp", NOW).unwrap();
    Automerge::load(&doc.save()).unwrap()
}

/// `server` with `who`'s edit applied (trusted: the server's own bookkeeping of a test).
fn applied(server: &Automerge, who: &Person, edit: impl FnOnce(&mut AutoCommit)) -> Automerge {
    let mut doc = AutoCommit::load(&server.save())
        .unwrap()
        .with_actor(who.actor.clone());
    edit(&mut doc);
    Automerge::load(&doc.save()).unwrap()
}

/// An approval record written by hand, as a forger would.
fn forge_approval(d: &mut AutoCommit, by: &str) {
    let a = d
        .put_object(ROOT, "change_approval", automerge::ObjType::Map)
        .unwrap();
    d.put(&a, "decision", "approved").unwrap();
    d.put(&a, "by", by).unwrap();
    d.put(&a, "at_ms", NOW + 5).unwrap();
    d.put(&a, "reason", automerge::ScalarValue::Null).unwrap();
    d.commit();
}

/// A status event written by hand past the model's check.
fn forged_step(kind: EventKind, from: &str) -> crate::status::Event {
    crate::status::Event {
        id: uuid::Uuid::new_v4().to_string(),
        kind: kind.as_str().into(),
        at_ms: NOW + 20,
        by: "eng".into(),
        from: Some(from.into()),
        note: None,
        outcome: None,
        assignee: None,
        ref_id: None,
        received_at_ms: None,
        due_ms: None,
        score: None,
    }
}

fn accepted(server: &Automerge, eng: &Person) -> Automerge {
    applied(server, eng, |d| {
        wo::record_event(d, EventKind::Accepted, "eng", NOW + 1, Default::default()).unwrap();
    })
}

#[test]
fn only_a_supervisor_writes_the_approval_and_only_in_their_own_name() {
    let disp = person("disp", Role::Dispatcher);
    let eng = person("eng", Role::Engineer);
    let sup = person("sup", Role::Supervisor);
    let server = server_change(&disp, ChangeClass::Major);
    for (who, by) in [(&eng, "eng"), (&disp, "disp"), (&eng, "sup")] {
        let r = push(&server, who, |d| forge_approval(d, by));
        assert_eq!(
            code(r),
            RejectCode::Forbidden,
            "{} forging",
            who.caller.role
        );
    }
    // A supervisor signing as another supervisor.
    let r = push(&server, &sup, |d| forge_approval(d, "boss"));
    assert_eq!(code(r), RejectCode::Forbidden);
    // The supervisor's own decision, made through the model.
    push(&server, &sup, |d| {
        decide_change(
            d,
            ApprovalDecision::Approved,
            "plan reviewed",
            "sup",
            NOW + 5,
        )
        .unwrap();
    })
    .unwrap();
    // Nobody rewrites the class after creation, the supervisor included.
    for who in [&disp, &sup, &eng] {
        let r = push(&server, who, |d| {
            d.put(ROOT, "change_class", "standard").unwrap();
            d.commit();
        });
        assert_eq!(
            code(r),
            RejectCode::Forbidden,
            "{} reclassifying",
            who.caller.role
        );
    }
    // The app's question agrees.
    let path = [Seg::Key("change_approval".into())];
    for (role, ok) in [
        (Role::Engineer, false),
        (Role::Dispatcher, false),
        (Role::Supervisor, true),
        (Role::Admin, true),
    ] {
        assert_eq!(
            may_write(role, DocKind::WorkOrder, Relation::Assignee, &path),
            ok,
            "{role}"
        );
    }
}

#[test]
fn a_forged_start_on_an_unapproved_major_change_is_refused() {
    let disp = person("disp", Role::Dispatcher);
    let eng = person("eng", Role::Engineer);
    let sup = person("sup", Role::Supervisor);
    let server = accepted(&server_change(&disp, ChangeClass::Major), &eng);
    // Travelling is not work.
    push(&server, &eng, |d| {
        wo::record_event(d, EventKind::EnRoute, "eng", NOW + 2, Default::default()).unwrap();
    })
    .unwrap();
    for (kind, from) in [
        (EventKind::OnSite, "accepted"),
        (EventKind::Completed, "accepted"),
    ] {
        let r = push(&server, &eng, |d| raw_event(d, forged_step(kind, from)));
        assert_eq!(code(r), RejectCode::IllegalTransition, "{kind:?}");
    }
    // Approved on the server: the same step is accepted.
    let approved = applied(&server, &sup, |d| {
        decide_change(d, ApprovalDecision::Approved, "", "sup", NOW + 5).unwrap();
    });
    push(&approved, &eng, |d| {
        raw_event(d, forged_step(EventKind::OnSite, "accepted"))
    })
    .unwrap();
}

#[test]
fn work_started_while_approved_survives_a_later_rejection() {
    let disp = person("disp", Role::Dispatcher);
    let eng = person("eng", Role::Engineer);
    let sup = person("sup", Role::Supervisor);
    let server = accepted(&server_change(&disp, ChangeClass::Major), &eng);
    let approved = applied(&server, &sup, |d| {
        decide_change(d, ApprovalDecision::Approved, "", "sup", NOW + 5).unwrap();
    });
    // The engineer's device has the approval and goes on site offline...
    let mut device = AutoCommit::load(&approved.save())
        .unwrap()
        .with_actor(eng.actor.clone());
    wo::record_event(
        &mut device,
        EventKind::OnSite,
        "eng",
        NOW + 6,
        Default::default(),
    )
    .unwrap();
    // ...while another supervisor rejects it on the server.
    let rejected = applied(&approved, &person("sup2", Role::Supervisor), |d| {
        decide_change(d, ApprovalDecision::Rejected, "freeze", "sup2", NOW + 7).unwrap();
    });
    let mut after = rejected.clone();
    after
        .load_incremental(&device.save_after(&approved.get_heads()))
        .unwrap();
    let new = after.get_changes(&rejected.get_heads());
    check_push(&rejected, &after, &new, &eng.caller).unwrap();
    // A device that never had the approval is refused the same step.
    let mut never = AutoCommit::load(&server.save())
        .unwrap()
        .with_actor(eng.actor.clone());
    raw_event(&mut never, forged_step(EventKind::OnSite, "accepted"));
    let mut after = rejected.clone();
    after
        .load_incremental(&never.save_after(&server.get_heads()))
        .unwrap();
    let new = after.get_changes(&rejected.get_heads());
    let r = check_push(&rejected, &after, &new, &eng.caller);
    assert_eq!(code(r), RejectCode::IllegalTransition);
}

#[test]
fn emergency_work_starts_at_once_and_standard_needs_no_decision() {
    let disp = person("disp", Role::Dispatcher);
    let eng = person("eng", Role::Engineer);
    let sup = person("sup", Role::Supervisor);
    let emergency = accepted(&server_change(&disp, ChangeClass::Emergency), &eng);
    push(&emergency, &eng, |d| {
        raw_event(d, forged_step(EventKind::OnSite, "accepted"))
    })
    .unwrap();
    let standard = accepted(&server_change(&disp, ChangeClass::Standard), &eng);
    push(&standard, &eng, |d| {
        raw_event(d, forged_step(EventKind::OnSite, "accepted"))
    })
    .unwrap();
    // A decision on a standard change is refused as a shape error.
    let r = push(&standard, &sup, |d| forge_approval(d, "sup"));
    assert_eq!(code(r), RejectCode::Schema);
}
