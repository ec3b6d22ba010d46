//! The policy finds the path of an object made in the checked push from its make op instead
//! of looking it up in the document. These tests hold that shortcut to the document's answer
//! and try to slip forbidden writes past it inside objects the push itself makes.

use super::*;
use crate::ids::{DocId, TimestampMs};
use crate::model::work_order::{self as wo, CheckAnswer, ChecklistItem, NewWorkOrder};
use automerge::{AutoCommit, ROOT, transaction::Transactable};

const NOW: TimestampMs = 1_700_000_000_000;

fn engineer() -> (Caller, ActorId) {
    let actor = ActorId::random();
    let caller = Caller {
        user_id: "eng".into(),
        role: Role::Engineer,
        actors: [actor.clone()].into_iter().collect(),
    };
    (caller, actor)
}

fn incident() -> NewWorkOrder {
    NewWorkOrder {
        kind: "incident".into(),
        title: "Printer jams".into(),
        impact: Some(3),
        urgency: Some(2),
        assignees: vec!["eng".into()],
        checklist: (0..3)
            .map(|n| {
                (
                    format!("item-{n}"),
                    ChecklistItem {
                        label: format!("Check {n}"),
                        kind: "pass_fail".into(),
                        order: n,
                        ..Default::default()
                    },
                )
            })
            .collect(),
        ..Default::default()
    }
}

/// A new work order made on the engineer's device by `build`, checked as the server checks a
/// never-synced document: the whole document pushed onto an empty one.
fn push_new(build: impl FnOnce(&mut AutoCommit)) -> Result<(), Rejection> {
    let (caller, actor) = engineer();
    let mut device = AutoCommit::new().with_actor(actor);
    build(&mut device);
    let after = Automerge::load(&device.save()).unwrap();
    let empty = Automerge::new();
    let new = after.get_changes(&[]);
    check_push(&empty, &after, &new, &caller)
}

fn create(d: &mut AutoCommit) {
    wo::create_work_order(d, DocId::new(), &incident(), "eng", NOW).unwrap();
}

#[test]
fn paths_from_make_ops_are_the_documents_paths() {
    let (_, actor) = engineer();
    let mut d = AutoCommit::new().with_actor(actor);
    create(&mut d);
    wo::answer_checklist_item(
        &mut d,
        "item-1",
        &CheckAnswer::PassFail("pass".into()),
        None,
        "eng",
        NOW,
    )
    .unwrap();
    // Nested objects in a list and in a map made inside a list element, and text.
    let parts = d.put_object(ROOT, "parts", ObjType::List).unwrap();
    let part = d.insert_object(&parts, 0, ObjType::Map).unwrap();
    let serials = d.put_object(&part, "serials", ObjType::List).unwrap();
    let note = d.insert_object(&serials, 0, ObjType::Text).unwrap();
    d.splice_text(&note, 0, 0, "SN-1").unwrap();
    // An object made, replaced by another at the same key, then written into: both hang there.
    let first = d.put_object(&part, "detail", ObjType::Map).unwrap();
    d.put(&first, "a", 1).unwrap();
    let second = d.put_object(&part, "detail", ObjType::Map).unwrap();
    d.put(&second, "b", 2).unwrap();
    d.commit();
    let after = Automerge::load(&d.save()).unwrap();
    let mut paths = ObjectPaths::default();
    let mut made = 0;
    for change in after.get_changes(&[]) {
        let expanded = change.decode();
        let start = expanded.start_op.get();
        for (i, op) in expanded.operations.iter().enumerate() {
            let mut path = match &op.obj {
                legacy::ObjectId::Root => Vec::new(),
                legacy::ObjectId::Id(id) => paths.path_of(&after, id).unwrap().to_vec(),
            };
            path.push(match &op.key {
                legacy::Key::Map(k) => Seg::Key(k.to_string()),
                legacy::Key::Seq(_) => Seg::Index,
            });
            if matches!(op.action, legacy::OpType::Make(_)) {
                let id = legacy::OpId(start + i as u64, expanded.actor_id.clone());
                paths.made(&after, &id, &path).unwrap();
                assert_eq!(
                    paths.path_of(&after, &id).unwrap(),
                    resolve_path(&after, &id.to_string()).unwrap().as_slice(),
                    "object {id}"
                );
                made += 1;
            }
        }
    }
    assert!(made > 10, "only {made} objects were made");
}

#[test]
fn a_new_work_order_may_not_fill_what_only_the_office_fills() {
    assert_eq!(push_new(create), Ok(()));
    // The SLA container may be made empty, not filled, even inside the push that makes it.
    let r = push_new(|d| {
        create(d);
        let sla = d.put_object(ROOT, "sla", ObjType::Map).unwrap();
        d.put(&sla, "response_due_ms", NOW + 1).unwrap();
        d.commit();
    });
    assert_eq!(r.unwrap_err().code, RejectCode::Forbidden);
    // Deeper: a map made inside a map made by the same push.
    let r = push_new(|d| {
        create(d);
        let review = d.put_object(ROOT, "review", ObjType::Map).unwrap();
        let inner = d.put_object(&review, "decision", ObjType::Map).unwrap();
        d.put(&inner, "value", "approved").unwrap();
        d.commit();
    });
    assert_eq!(r.unwrap_err().code, RejectCode::Forbidden);
}

#[test]
fn a_forbidden_write_undone_in_the_same_push_is_still_refused() {
    let r = push_new(|d| {
        create(d);
        let review = d.put_object(ROOT, "review", ObjType::Map).unwrap();
        d.put(&review, "decision", "approved").unwrap();
        d.commit();
        d.delete(ROOT, "review").unwrap();
        d.commit();
    });
    assert_eq!(r.unwrap_err().code, RejectCode::Forbidden);
}

#[test]
fn an_engineers_own_containers_take_nested_writes() {
    let r = push_new(|d| {
        create(d);
        let part = wo::PartUsed {
            name: "fuser".into(),
            quantity: 1,
            ..Default::default()
        };
        wo::put_part(d, "p1", &part, NOW).unwrap();
        d.commit();
    });
    assert_eq!(r, Ok(()));
}

#[test]
fn inside_an_event_made_earlier_in_the_same_push_nothing_is_rewritten() {
    // Events made in this push may be filled in; the event list itself stays append-only.
    let r = push_new(|d| {
        create(d);
        let events = d.get(ROOT, "events").unwrap().unwrap().1;
        d.delete(&events, 0).unwrap();
        d.commit();
    });
    assert_eq!(r.unwrap_err().code, RejectCode::Forbidden);
}
