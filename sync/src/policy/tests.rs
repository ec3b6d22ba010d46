//! Attempts to break the policy: forged actors, someone else's work order, self-approval,
//! forbidden fields, rewriting the event log, editing an approved report.

use super::*;
use crate::ids::{DocId, TimestampMs};
use crate::model::work_order::{self as wo, CheckAnswer, ChecklistItem, EventExtra, NewWorkOrder};
use automerge::{AutoCommit, ROOT, transaction::Transactable};

pub(super) const NOW: TimestampMs = 1_700_000_000_000;

pub(super) struct Person {
    pub(super) caller: Caller,
    pub(super) actor: ActorId,
}

pub(super) fn person(user: &str, role: Role) -> Person {
    let actor = ActorId::random();
    Person {
        caller: Caller {
            user_id: user.into(),
            role,
            actors: [actor.clone()].into_iter().collect(),
        },
        actor,
    }
}

/// A work order created by the dispatcher and assigned to `eng`, as the server holds it.
pub(super) fn server_work_order(dispatcher: &Person, eng: &str) -> Automerge {
    let mut doc = AutoCommit::new().with_actor(dispatcher.actor.clone());
    let new = NewWorkOrder {
        kind: "inspection".into(),
        title: "Weekly server room round".into(),
        assignees: vec![eng.into()],
        impact: Some(2),
        urgency: Some(2),
        checklist: vec![
            (
                "ups".into(),
                ChecklistItem {
                    label: "UPS load".into(),
                    kind: "reading".into(),
                    required: true,
                    min: Some(0.0),
                    max: Some(80.0),
                    unit: Some("%".into()),
                    ..Default::default()
                },
            ),
            (
                "temp".into(),
                ChecklistItem {
                    label: "Room temperature ok".into(),
                    kind: "pass_fail".into(),
                    required: true,
                    ..Default::default()
                },
            ),
        ],
        ..Default::default()
    };
    wo::create_work_order(
        &mut doc,
        DocId::new(),
        &new,
        &dispatcher.caller.user_id,
        NOW,
    )
    .unwrap();
    let bytes = doc.save();
    Automerge::load(&bytes).unwrap()
}

/// Let `who` edit a copy of `server` and check the resulting push.
pub(super) fn push(
    server: &Automerge,
    who: &Person,
    edit: impl FnOnce(&mut AutoCommit),
) -> Result<(), Rejection> {
    let mut device = AutoCommit::load(&server.save())
        .unwrap()
        .with_actor(who.actor.clone());
    edit(&mut device);
    let mut after = server.clone();
    after
        .load_incremental(&device.save_after(&server.get_heads()))
        .unwrap();
    let new = after.get_changes(&server.get_heads());
    let plain = check_push(server, &after, &new, &who.caller);
    // The server passes the work order it cached with its copy; the verdict must not change.
    if let Ok(cached) = WorkOrder::from_doc(server) {
        let known = check_push_known(server, Some(&cached), &after, &new, &who.caller);
        assert_eq!(
            known.map(|_| ()),
            plain,
            "a cached typed read changed the verdict"
        );
    }
    plain
}

/// `server`'s work order filled in and completed by `eng` (user "eng").
fn completed_by_engineer(server: &Automerge, eng: &Person) -> Automerge {
    let mut doc = AutoCommit::load(&server.save())
        .unwrap()
        .with_actor(eng.actor.clone());
    wo::record_event(
        &mut doc,
        EventKind::OnSite,
        "eng",
        NOW + 1,
        EventExtra::default(),
    )
    .unwrap();
    wo::answer_checklist_item(
        &mut doc,
        "ups",
        &CheckAnswer::Reading(50.0),
        None,
        "eng",
        NOW + 2,
    )
    .unwrap();
    wo::answer_checklist_item(
        &mut doc,
        "temp",
        &CheckAnswer::PassFail("pass".into()),
        None,
        "eng",
        NOW + 2,
    )
    .unwrap();
    wo::record_event(
        &mut doc,
        EventKind::Completed,
        "eng",
        NOW + 3,
        EventExtra::default(),
    )
    .unwrap();
    Automerge::load(&doc.save()).unwrap()
}

pub(super) fn code(r: Result<(), Rejection>) -> RejectCode {
    r.expect_err("the push should have been rejected").code
}

#[test]
fn engineer_fills_their_checklist_and_completes() {
    let disp = person("disp", Role::Dispatcher);
    let eng = person("eng", Role::Engineer);
    let server = server_work_order(&disp, "eng");
    push(&server, &eng, |d| {
        wo::record_event(
            d,
            EventKind::Accepted,
            "eng",
            NOW + 1,
            EventExtra::default(),
        )
        .unwrap();
        wo::record_event(d, EventKind::OnSite, "eng", NOW + 2, EventExtra::default()).unwrap();
        wo::answer_checklist_item(
            d,
            "ups",
            &CheckAnswer::Reading(91.0),
            Some("high"),
            "eng",
            NOW + 3,
        )
        .unwrap();
        wo::answer_checklist_item(
            d,
            "temp",
            &CheckAnswer::PassFail("pass".into()),
            None,
            "eng",
            NOW + 4,
        )
        .unwrap();
        wo::set_findings(d, "UPS overloaded; 机房温度正常", NOW + 5).unwrap();
        wo::record_event(
            d,
            EventKind::Completed,
            "eng",
            NOW + 6,
            EventExtra {
                outcome: Some("fixed".into()),
                ..Default::default()
            },
        )
        .unwrap();
    })
    .expect("an engineer's normal visit is allowed");
}

#[test]
fn a_forged_actor_is_rejected() {
    let disp = person("disp", Role::Dispatcher);
    let mut eng = person("eng", Role::Engineer);
    let server = server_work_order(&disp, "eng");
    eng.caller.actors.clear();
    eng.caller.actors.insert(ActorId::random());
    let r = push(&server, &eng, |d| wo::set_findings(d, "x", NOW).unwrap());
    assert_eq!(code(r), RejectCode::ForeignActor);
}

#[test]
fn someone_elses_work_order_is_not_yours() {
    let disp = person("disp", Role::Dispatcher);
    let other = person("other-eng", Role::Engineer);
    let server = server_work_order(&disp, "eng");
    let r = push(&server, &other, |d| {
        wo::set_findings(d, "sneaky", NOW).unwrap()
    });
    assert_eq!(code(r), RejectCode::NotYours);
}

#[test]
fn an_engineer_may_not_change_priority_sla_or_assignment() {
    let disp = person("disp", Role::Dispatcher);
    let eng = person("eng", Role::Engineer);
    let server = server_work_order(&disp, "eng");
    let r = push(&server, &eng, |d| {
        wo::set_triage(d, 1, 1, None, NOW).unwrap()
    });
    assert_eq!(code(r), RejectCode::Forbidden);
    let r = push(&server, &eng, |d| {
        wo::set_sla(
            d,
            &wo::Sla {
                response_due_ms: Some(NOW * 2),
                resolution_due_ms: None,
            },
            NOW,
        )
        .unwrap()
    });
    assert_eq!(code(r), RejectCode::Forbidden);
    let r = push(&server, &eng, |d| {
        wo::assign(d, "friend", "eng", NOW).unwrap()
    });
    assert_eq!(code(r), RejectCode::Forbidden);
    let r = push(&server, &eng, |d| {
        let c = match d.get(ROOT, "checklist").unwrap() {
            Some((_, id)) => id,
            None => panic!(),
        };
        let item = match d.get(&c, "ups").unwrap() {
            Some((_, id)) => id,
            None => panic!(),
        };
        d.put(&item, "max", 200.0).unwrap();
        d.commit();
    });
    assert_eq!(
        code(r),
        RejectCode::Forbidden,
        "limits are the template's, not the engineer's"
    );
}

#[test]
fn an_engineer_cannot_approve_and_a_supervisor_cannot_approve_their_own_work() {
    let disp = person("disp", Role::Dispatcher);
    let eng = person("eng", Role::Engineer);
    let server = server_work_order(&disp, "eng");
    let completed = completed_by_engineer(&server, &eng);
    let r = push(&completed, &eng, |d| {
        wo::record_event(
            d,
            EventKind::Approved,
            "eng",
            NOW + 4,
            EventExtra::default(),
        )
        .unwrap();
    });
    assert_eq!(code(r), RejectCode::Forbidden);

    // A supervisor who is also assigned (did the work) may not approve it.
    let sup_eng = person("eng", Role::Supervisor);
    let r = push(&completed, &sup_eng, |d| {
        wo::record_event(
            d,
            EventKind::Approved,
            "eng",
            NOW + 4,
            EventExtra::default(),
        )
        .unwrap();
    });
    assert_eq!(code(r), RejectCode::Forbidden);

    let sup = person("sup", Role::Supervisor);
    push(&completed, &sup, |d| {
        wo::record_event(
            d,
            EventKind::Approved,
            "sup",
            NOW + 4,
            EventExtra::default(),
        )
        .unwrap();
    })
    .expect("another supervisor approves");
}

#[test]
fn an_approved_report_is_locked_for_the_engineer() {
    let disp = person("disp", Role::Dispatcher);
    let eng = person("eng", Role::Engineer);
    let sup = person("sup", Role::Supervisor);
    let server = server_work_order(&disp, "eng");
    let mut doc = AutoCommit::load(&server.save())
        .unwrap()
        .with_actor(eng.actor.clone());
    wo::record_event(
        &mut doc,
        EventKind::Accepted,
        "eng",
        NOW + 1,
        EventExtra::default(),
    )
    .unwrap();
    doc.set_actor(sup.actor.clone());
    // Force a completed + approved state as the server would hold it.
    let events = match doc.get(ROOT, "events").unwrap() {
        Some((_, id)) => id,
        None => panic!(),
    };
    let _ = events;
    wo::answer_checklist_item(
        &mut doc,
        "ups",
        &CheckAnswer::Reading(10.0),
        None,
        "eng",
        NOW,
    )
    .unwrap();
    wo::answer_checklist_item(
        &mut doc,
        "temp",
        &CheckAnswer::PassFail("pass".into()),
        None,
        "eng",
        NOW,
    )
    .unwrap();
    wo::record_event(
        &mut doc,
        EventKind::Completed,
        "eng",
        NOW + 2,
        EventExtra::default(),
    )
    .unwrap();
    wo::record_event(
        &mut doc,
        EventKind::Approved,
        "sup",
        NOW + 3,
        EventExtra::default(),
    )
    .unwrap();
    let approved = Automerge::load(&doc.save()).unwrap();
    let r = push(&approved, &eng, |d| {
        wo::set_findings(d, "one more thing", NOW + 4).unwrap()
    });
    assert_eq!(code(r), RejectCode::Locked);
}

#[test]
fn the_event_log_cannot_be_rewritten() {
    let disp = person("disp", Role::Dispatcher);
    let eng = person("eng", Role::Engineer);
    let server = server_work_order(&disp, "eng");
    let r = push(&server, &eng, |d| {
        let events = match d.get(ROOT, "events").unwrap() {
            Some((_, id)) => id,
            None => panic!(),
        };
        d.delete(&events, 0).unwrap();
        d.commit();
    });
    assert_eq!(code(r), RejectCode::Forbidden);
    let r = push(&server, &eng, |d| {
        let events = match d.get(ROOT, "events").unwrap() {
            Some((_, id)) => id,
            None => panic!(),
        };
        let first = match d.get(&events, 0).unwrap() {
            Some((_, id)) => id,
            None => panic!(),
        };
        d.put(&first, "by", "someone-else").unwrap();
        d.commit();
    });
    assert_eq!(code(r), RejectCode::Forbidden);
    let r = push(&server, &disp, |d| {
        d.put_object(ROOT, "events", ObjType::List).unwrap();
        d.commit();
    });
    assert_eq!(
        code(r),
        RejectCode::Forbidden,
        "replacing the list would erase the log"
    );
}

#[test]
fn events_must_be_signed_by_their_author_and_legal() {
    let disp = person("disp", Role::Dispatcher);
    let eng = person("eng", Role::Engineer);
    let server = server_work_order(&disp, "eng");
    let r = push(&server, &eng, |d| {
        wo::record_event(
            d,
            EventKind::Accepted,
            "disp",
            NOW + 1,
            EventExtra::default(),
        )
        .unwrap();
    });
    assert_eq!(code(r), RejectCode::Forbidden);
    // Completing with required items empty, bypassing the model's own guard.
    let r = push(&server, &eng, |d| {
        let events = match d.get(ROOT, "events").unwrap() {
            Some((_, id)) => id,
            None => panic!(),
        };
        let len = d.length(&events);
        let ev = crate::status::Event {
            id: "x".into(),
            kind: "completed".into(),
            at_ms: NOW,
            by: "eng".into(),
            from: Some("on_site".into()),
            note: None,
            outcome: None,
            assignee: None,
            ref_id: None,
            received_at_ms: None,
            due_ms: None,
            score: None,
        };
        autosurgeon::reconcile_insert(d, events, len, &ev).unwrap();
        d.commit();
    });
    assert_eq!(code(r), RejectCode::IllegalTransition);
}

#[test]
fn an_engineer_opens_an_incident_on_site_but_only_for_themselves() {
    let eng = person("eng", Role::Engineer);
    let empty = Automerge::new();
    let new = NewWorkOrder {
        kind: "incident".into(),
        title: "Printer jams".into(),
        impact: Some(3),
        urgency: Some(2),
        assignees: vec!["eng".into()],
        ..Default::default()
    };
    push(&empty, &eng, |d| {
        wo::create_work_order(d, DocId::new(), &new, "eng", NOW).unwrap()
    })
    .expect("own incident");
    let for_other = NewWorkOrder {
        assignees: vec!["someone".into()],
        ..new
    };
    let r = push(&empty, &eng, |d| {
        wo::create_work_order(d, DocId::new(), &for_other, "eng", NOW).unwrap()
    });
    assert_eq!(code(r), RejectCode::Forbidden);
}

#[test]
fn the_creator_of_a_new_work_order_is_whoever_pushes_it() {
    // li.wei opens an incident "by" zhang.min, assigned to himself: it would land in zhang's
    // briefcase (the creator's) and count as zhang's work.
    let li = person("li.wei", Role::Engineer);
    let empty = Automerge::new();
    let new = NewWorkOrder {
        kind: "incident".into(),
        title: "Printer jams".into(),
        impact: Some(3),
        urgency: Some(2),
        assignees: vec!["li.wei".into()],
        ..Default::default()
    };
    let r = push(&empty, &li, |d| {
        wo::create_work_order(d, DocId::new(), &new, "zhang.min", NOW).unwrap()
    });
    let r = r.expect_err("a work order created in someone else's name");
    assert_eq!(r.code, RejectCode::Forbidden);
    assert!(r.reason.contains("created_by"), "{}", r.reason);
    // The office cannot create in another's name either.
    let disp = person("disp", Role::Dispatcher);
    let inspection = NewWorkOrder {
        kind: "inspection".into(),
        assignees: vec!["li.wei".into()],
        ..new.clone()
    };
    let r = push(&empty, &disp, |d| {
        wo::create_work_order(d, DocId::new(), &inspection, "zhang.min", NOW).unwrap()
    });
    assert_eq!(code(r), RejectCode::Forbidden);
    push(&empty, &disp, |d| {
        wo::create_work_order(d, DocId::new(), &inspection, "disp", NOW).unwrap()
    })
    .expect("created in one's own name");
    // Once it exists, nobody rewrites who created it.
    let server = server_work_order(&disp, "li.wei");
    for who in [&li, &disp] {
        let r = push(&server, who, |d| {
            d.put(ROOT, "created_by", "zhang.min").unwrap();
            d.commit();
        });
        assert_eq!(code(r), RejectCode::Forbidden);
    }
}

#[test]
fn a_dispatcher_may_not_write_review_or_signature() {
    let disp = person("disp", Role::Dispatcher);
    let server = server_work_order(&disp, "eng");
    let r = push(&server, &disp, |d| {
        wo::sign(
            d,
            &wo::Signature {
                signer_name: "Forged".into(),
                signed_at_ms: NOW,
                ..Default::default()
            },
            NOW,
        )
        .unwrap()
    });
    assert_eq!(code(r), RejectCode::Forbidden);
    let r = push(&server, &disp, |d| {
        let m = d.put_object(ROOT, "review", ObjType::Map).unwrap();
        d.put(&m, "decision", "approved").unwrap();
        d.commit();
    });
    assert_eq!(code(r), RejectCode::Forbidden);
}

#[test]
fn the_ui_question_matches_the_server_rule() {
    let path = |p: &[&str]| p.iter().map(|s| Seg::Key((*s).into())).collect::<Vec<_>>();
    assert!(may_write(
        Role::Engineer,
        DocKind::WorkOrder,
        Relation::Assignee,
        &path(&["checklist", "ups", "reading"])
    ));
    assert!(!may_write(
        Role::Engineer,
        DocKind::WorkOrder,
        Relation::Assignee,
        &path(&["priority"])
    ));
    assert!(!may_write(
        Role::Engineer,
        DocKind::WorkOrder,
        Relation::Other,
        &path(&["findings"])
    ));
    assert!(may_write(
        Role::Engineer,
        DocKind::Device,
        Relation::Assignee,
        &path(&["firmware_version"])
    ));
    assert!(!may_write(
        Role::Engineer,
        DocKind::Device,
        Relation::Assignee,
        &path(&["id"])
    ));
    assert!(!may_write(
        Role::Engineer,
        DocKind::ChecklistTemplate,
        Relation::Assignee,
        &path(&["name"])
    ));
}

/// An engineer edits an article's text (the knowledge base is theirs too) but cannot make it
/// pose as a problem's known error on other people's incidents; the office can.
#[test]
fn only_the_office_links_an_article_to_a_problem_and_its_incidents() {
    let path = |p: &[&str]| p.iter().map(|s| Seg::Key((*s).into())).collect::<Vec<_>>();
    for rel in [Relation::Creator, Relation::Assignee] {
        assert!(may_write(
            Role::Engineer,
            DocKind::Knowledge,
            rel,
            &path(&["solution"])
        ));
        for field in ["problem_id", "work_orders"] {
            assert!(
                !may_write(
                    Role::Engineer,
                    DocKind::Knowledge,
                    rel,
                    &path(&[field, "x"])
                ),
                "{field}"
            );
            for office in [Role::Dispatcher, Role::Supervisor, Role::Admin] {
                assert!(may_write(office, DocKind::Knowledge, rel, &path(&[field])));
            }
        }
    }
}

mod arbitrary_bytes {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]
        /// Pushed bytes are outside input: loading and checking them never panics.
        #[test]
        fn mutated_pushes_never_panic(pos in any::<prop::sample::Index>(), val in any::<u8>(), cut in any::<prop::sample::Index>()) {
            let disp = person("disp", Role::Dispatcher);
            let eng = person("eng", Role::Engineer);
            let server = server_work_order(&disp, "eng");
            let mut device = AutoCommit::load(&server.save()).unwrap().with_actor(eng.actor.clone());
            wo::set_findings(&mut device, "some text", NOW).unwrap();
            let mut bytes = device.save_after(&server.get_heads());
            let i = pos.index(bytes.len());
            bytes[i] = val;
            bytes.truncate(cut.index(bytes.len()) + 1);
            let mut after = server.clone();
            if after.load_incremental(&bytes).is_ok() {
                let new = after.get_changes(&server.get_heads());
                let _ = check_push(&server, &after, &new, &eng.caller);
            }
            let _ = crate::model::header(&after);
        }

        #[test]
        fn arbitrary_documents_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
            if let Ok(doc) = Automerge::load(&bytes) {
                let _ = WorkOrder::from_doc(&doc);
                let _ = crate::model::scan_conflicts(&doc);
            }
        }
    }
}

#[test]
fn edits_made_while_assigned_survive_a_reassignment() {
    let disp = person("disp", Role::Dispatcher);
    let eng = person("eng", Role::Engineer);
    let server = server_work_order(&disp, "eng");
    // The engineer edits offline while it is theirs …
    let mut device = AutoCommit::load(&server.save())
        .unwrap()
        .with_actor(eng.actor.clone());
    wo::set_findings(&mut device, "half done, fan ordered", NOW + 1).unwrap();
    // … meanwhile the dispatcher hands it to someone else.
    let mut office = AutoCommit::load(&server.save())
        .unwrap()
        .with_actor(disp.actor.clone());
    wo::unassign(&mut office, "eng", NOW + 2).unwrap();
    wo::assign(&mut office, "other", "disp", NOW + 2).unwrap();
    let reassigned = Automerge::load(&office.save()).unwrap();
    let mut after = reassigned.clone();
    after
        .load_incremental(&device.save_after(&server.get_heads()))
        .unwrap();
    let new = after.get_changes(&reassigned.get_heads());
    check_push(&reassigned, &after, &new, &eng.caller).expect("edits made while assigned are kept");
    // New edits made after seeing the reassignment are not.
    let mut later = AutoCommit::load(&reassigned.save())
        .unwrap()
        .with_actor(eng.actor.clone());
    wo::set_findings(&mut later, "sneaking back in", NOW + 3).unwrap();
    let mut after = reassigned.clone();
    after
        .load_incremental(&later.save_after(&reassigned.get_heads()))
        .unwrap();
    let new = after.get_changes(&reassigned.get_heads());
    assert_eq!(
        check_push(&reassigned, &after, &new, &eng.caller)
            .unwrap_err()
            .code,
        RejectCode::NotYours
    );
}

/// Raw feedback event, bypassing the model's own checks.
pub(super) fn raw_event(d: &mut AutoCommit, ev: crate::status::Event) {
    let events = match d.get(ROOT, "events").unwrap() {
        Some((_, id)) => id,
        None => panic!("no event log"),
    };
    let len = d.length(&events);
    autosurgeon::reconcile_insert(d, events, len, &ev).unwrap();
    d.commit();
}

fn feedback(kind: EventKind, by: &str) -> crate::status::Event {
    crate::status::Event {
        id: uuid::Uuid::new_v4().to_string(),
        kind: kind.as_str().into(),
        at_ms: NOW + 10,
        by: by.into(),
        from: Some("completed".into()),
        note: Some("reason".into()),
        outcome: None,
        assignee: None,
        ref_id: None,
        received_at_ms: Some(NOW + 5),
        due_ms: Some(NOW + 50),
        score: None,
    }
}

#[test]
fn customer_feedback_is_office_work_checked_on_the_server() {
    use crate::model::feedback::{self as fb, NewComplaint};
    let disp = person("disp", Role::Dispatcher);
    let eng = person("eng", Role::Engineer);
    let sup = person("sup", Role::Supervisor);
    let server = completed_by_engineer(&server_work_order(&disp, "eng"), &eng);
    let complaint = NewComplaint {
        reason: "Came two hours late".into(),
        received_at_ms: NOW + 5,
        due_ms: NOW + 50,
    };
    // The engineer may neither take a complaint about their visit nor score it.
    let r = push(&server, &eng, |d| {
        fb::record_complaint(d, &complaint, "eng", NOW + 10).unwrap();
    });
    assert_eq!(code(r), RejectCode::Forbidden);
    let r = push(&server, &eng, |d| {
        let mut ev = feedback(EventKind::Satisfaction, "eng");
        ev.score = Some(5);
        raw_event(d, ev);
    });
    assert_eq!(code(r), RejectCode::Forbidden);
    // Dispatcher and supervisor record complaints and scores.
    push(&server, &disp, |d| {
        fb::record_complaint(d, &complaint, "disp", NOW + 10).unwrap();
    })
    .expect("dispatcher takes a complaint");
    push(&server, &sup, |d| {
        fb::record_satisfaction(d, 3, None, "sup", NOW + 10).unwrap();
    })
    .expect("supervisor records a score");
    // Signed as someone else.
    let r = push(&server, &sup, |d| {
        fb::record_satisfaction(d, 3, None, "disp", NOW + 10).unwrap();
    });
    assert_eq!(code(r), RejectCode::Forbidden);
    // A supervisor who did the work does not score it.
    let sup_eng = person("eng", Role::Supervisor);
    let r = push(&server, &sup_eng, |d| {
        let mut ev = feedback(EventKind::Satisfaction, "eng");
        ev.score = Some(5);
        raw_event(d, ev);
    });
    assert_eq!(code(r), RejectCode::Forbidden);
    // Out-of-range score, complaint without reason or due time, closing a complaint that
    // does not exist, an unknown outcome: all refused whatever the app did.
    let mut bad = Vec::new();
    let mut ev = feedback(EventKind::Satisfaction, "sup");
    ev.score = Some(9);
    bad.push(ev);
    let mut ev = feedback(EventKind::Complaint, "sup");
    ev.note = Some("  ".into());
    bad.push(ev);
    let mut ev = feedback(EventKind::Complaint, "sup");
    ev.due_ms = None;
    bad.push(ev);
    let mut ev = feedback(EventKind::ComplaintClosed, "sup");
    ev.ref_id = Some("nothing".into());
    ev.outcome = Some("resolved".into());
    bad.push(ev);
    for ev in bad {
        let what = format!("{ev:?}");
        let r = push(&server, &sup, |d| raw_event(d, ev));
        assert_eq!(code(r), RejectCode::Schema, "{what}");
    }
    // A complaint and its closure in one push, and a closure with a made-up outcome.
    push(&server, &sup, |d| {
        let id = fb::record_complaint(d, &complaint, "sup", NOW + 10).unwrap();
        fb::close_complaint(
            d,
            &id,
            "resolved",
            "Apologised, rescheduled",
            "sup",
            NOW + 20,
        )
        .unwrap();
    })
    .expect("complaint and closure");
    let r = push(&server, &sup, |d| {
        let id = fb::record_complaint(d, &complaint, "sup", NOW + 10).unwrap();
        let mut ev = feedback(EventKind::ComplaintClosed, "sup");
        ev.ref_id = Some(id);
        ev.outcome = Some("ignored".into());
        raw_event(d, ev);
    });
    assert_eq!(code(r), RejectCode::Schema);
}

#[test]
fn outages_are_recorded_by_the_assigned_engineer_and_the_office_only() {
    const DEV: &str = "0b9c4f0e-0000-4000-8000-0000000000aa";
    let disp = person("disp", Role::Dispatcher);
    let eng = person("eng", Role::Engineer);
    let other = person("other-eng", Role::Engineer);
    let sup = person("sup", Role::Supervisor);
    let server = server_work_order(&disp, "eng");
    let mut linked = AutoCommit::load(&server.save())
        .unwrap()
        .with_actor(disp.actor.clone());
    wo::link_device(&mut linked, DEV, NOW).unwrap();
    let server = Automerge::load(&linked.save()).unwrap();
    let down = |d: &mut AutoCommit| {
        crate::model::record_outage(d, DEV, NOW - 60_000, None, "x", NOW + 1).unwrap()
    };
    assert_eq!(push(&server, &eng, down), Ok(()));
    assert_eq!(push(&server, &disp, down), Ok(()));
    assert_eq!(code(push(&server, &other, down)), RejectCode::NotYours);
    assert_eq!(code(push(&server, &sup, down)), RejectCode::Forbidden);
    // Once the report is approved, the engineer's outage times are locked with the rest.
    let completed = completed_by_engineer(&server, &eng);
    let mut approving = AutoCommit::load(&completed.save())
        .unwrap()
        .with_actor(sup.actor.clone());
    wo::record_event(
        &mut approving,
        EventKind::Approved,
        "sup",
        NOW + 4,
        EventExtra::default(),
    )
    .unwrap();
    let approved = Automerge::load(&approving.save()).unwrap();
    let late = |d: &mut AutoCommit| {
        crate::model::record_outage(d, DEV, NOW - 60_000, Some(NOW), "eng", NOW + 5).unwrap()
    };
    assert_eq!(code(push(&approved, &eng, late)), RejectCode::Locked);
}

/// Every kind of checklist item can be answered by the assigned engineer (and corrected by a
/// supervisor), not by another engineer or a dispatcher: the policy takes the answer fields
/// from `CheckKind`, so a new kind cannot be left out.
#[test]
fn every_check_kind_is_answerable_by_the_assignee_only() {
    for kind in CheckKind::KNOWN {
        let field = kind.answer_field().unwrap();
        let path = [
            Seg::Key("checklist".into()),
            Seg::Key("item-1".into()),
            Seg::Key(field.into()),
        ];
        assert!(
            may_write(
                Role::Engineer,
                DocKind::WorkOrder,
                Relation::Assignee,
                &path
            ),
            "{kind}"
        );
        assert!(
            !may_write(Role::Engineer, DocKind::WorkOrder, Relation::Other, &path),
            "{kind}"
        );
        assert!(
            !may_write(Role::Dispatcher, DocKind::WorkOrder, Relation::Other, &path),
            "{kind}"
        );
        assert!(
            may_write(Role::Supervisor, DocKind::WorkOrder, Relation::Other, &path),
            "{kind}"
        );
    }
}

#[test]
fn the_caller_is_written_at_creation_and_corrected_by_the_office_only() {
    let li = person("li.wei", Role::Engineer);
    let empty = Automerge::new();
    let new = NewWorkOrder {
        kind: "incident".into(),
        title: "重置邮箱密码".into(),
        category: Some("account".into()),
        assignees: vec!["li.wei".into()],
        caller: wo::Caller::new(" 李强 ", "010-6888 1234 转 8021"),
        ..Default::default()
    };
    // The engineer on site records who asked, as part of the incident they create.
    let created = push(&empty, &li, |d| {
        wo::create_work_order(d, DocId::new(), &new, "li.wei", NOW).unwrap()
    });
    created.expect("an engineer's incident with its caller");
    // On a work order the office made, only the office corrects the caller.
    let disp = person("disp", Role::Dispatcher);
    let server = server_work_order(&disp, "li.wei");
    let fix = wo::Caller::new("王芳", "138 0013 8000");
    let r = push(&server, &li, |d| {
        wo::set_caller(d, fix.as_ref(), NOW).unwrap()
    });
    assert_eq!(code(r), RejectCode::Forbidden);
    push(&server, &disp, |d| {
        wo::set_caller(d, fix.as_ref(), NOW).unwrap()
    })
    .expect("the dispatcher corrects the caller");
    // The typed read keeps it as written, trimmed; a number without digits is refused.
    let mut doc = AutoCommit::new();
    wo::create_work_order(&mut doc, DocId::new(), &new, "li.wei", NOW).unwrap();
    let read = wo::WorkOrder::from_doc(&doc).unwrap();
    assert_eq!(
        read.caller,
        Some(wo::Caller {
            name: "李强".into(),
            phone: "010-6888 1234 转 8021".into()
        })
    );
    wo::set_caller(&mut doc, None, NOW).unwrap();
    assert_eq!(wo::WorkOrder::from_doc(&doc).unwrap().caller, None);
    let bad = wo::Caller::new("x", "call the front desk").unwrap();
    assert!(wo::set_caller(&mut doc, Some(&bad), NOW).is_err());
}

#[test]
fn the_assigned_engineer_links_a_finding_to_its_follow_up_and_nobody_else_does() {
    let disp = person("disp", Role::Dispatcher);
    let li = person("li.wei", Role::Engineer);
    let zhang = person("zhang.min", Role::Engineer);
    let server = server_work_order(&disp, "li.wei");
    let incident = DocId::new();
    push(&server, &li, |d| {
        wo::answer_checklist_item(
            d,
            "temp",
            &CheckAnswer::PassFail("fail".into()),
            None,
            "li.wei",
            NOW,
        )
        .unwrap();
        wo::set_check_note(d, "temp", "CRAC filter clogged", NOW).unwrap();
        wo::set_check_follow_up(d, "temp", incident, NOW).unwrap();
    })
    .expect("the engineer's finding, reason and follow-up");
    let r = push(&server, &zhang, |d| {
        wo::set_check_follow_up(d, "temp", incident, NOW).unwrap()
    });
    assert_eq!(code(r), RejectCode::NotYours);
    // The follow-up incident itself names the inspection and the item.
    let empty = Automerge::new();
    let new = NewWorkOrder {
        kind: "incident".into(),
        title: "Room temperature ok: failed check".into(),
        parent_id: Some(DocId::new().to_string()),
        parent_check: Some("temp".into()),
        assignees: vec!["li.wei".into()],
        ..Default::default()
    };
    push(&empty, &li, |d| {
        wo::create_work_order(d, incident, &new, "li.wei", NOW).unwrap()
    })
    .expect("an engineer's follow-up incident");
}
