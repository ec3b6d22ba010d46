//! The merged work order re-read from the touched fields must be the full read's, field for
//! field, whatever the push did: edits, deletions, concurrent writes, wrong types.

use super::reread::{Touched, merged_work_order};
use super::*;
use crate::ids::{DocId, TimestampMs};
use crate::model::work_order::{self as wo, CheckAnswer, ChecklistItem, NewWorkOrder, PartUsed};
use automerge::{AutoCommit, ROOT, transaction::Transactable};

const NOW: TimestampMs = 1_700_000_000_000;

fn server_doc() -> Automerge {
    let mut doc = AutoCommit::new().with_actor(ActorId::random());
    let new = NewWorkOrder {
        kind: "inspection".into(),
        title: "Round".into(),
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
    };
    wo::create_work_order(&mut doc, DocId::new(), &new, "office", NOW).unwrap();
    Automerge::load(&doc.save()).unwrap()
}

fn edit_of(server: &Automerge, edit: impl FnOnce(&mut AutoCommit)) -> Vec<u8> {
    let mut d = AutoCommit::load(&server.save())
        .unwrap()
        .with_actor(ActorId::random());
    edit(&mut d);
    d.save_after(&server.get_heads())
}

/// Merge `pushes` onto `server`; compare the re-read with the full read (both `Ok` and
/// equal, or both `Err` with the same message).
fn same_as_full_read(server: &Automerge, pushes: &[Vec<u8>]) {
    let before = WorkOrder::from_doc(server).unwrap();
    let mut after = server.clone();
    for p in pushes {
        after.load_incremental(p).unwrap();
    }
    let new = after.get_changes(&server.get_heads());
    let mut touched = Touched::new();
    for c in &new {
        for op in c.decode().operations {
            // Good enough for these tests: ops on the root name their field, ops inside an
            // object are resolved as the policy does.
            let first = match &op.obj {
                legacy::ObjectId::Root => match &op.key {
                    legacy::Key::Map(k) => Seg::Key(k.to_string()),
                    legacy::Key::Seq(_) => Seg::Index,
                },
                legacy::ObjectId::Id(id) => resolve_path(&after, &id.to_string())
                    .unwrap()
                    .into_iter()
                    .next()
                    .unwrap(),
            };
            touched.field(Some(&first));
        }
    }
    let quick = merged_work_order(Some(&before), &after, &touched);
    let full = WorkOrder::from_doc(&after);
    match (quick, full) {
        (Ok(q), Ok(f)) => assert_eq!(
            serde_json::to_value(&q).unwrap(),
            serde_json::to_value(&f).unwrap()
        ),
        (Err(q), Err(f)) => assert_eq!(q.to_string(), f.to_string()),
        (q, f) => panic!("re-read {q:?} but full read {f:?}"),
    }
}

#[test]
fn one_field_edits_of_every_kind() {
    let s = server_doc();
    same_as_full_read(
        &s,
        &[edit_of(&s, |d| {
            wo::set_findings(d, "all fine", NOW).unwrap()
        })],
    );
    same_as_full_read(
        &s,
        &[edit_of(&s, |d| {
            wo::answer_checklist_item(
                d,
                "item-1",
                &CheckAnswer::PassFail("fail".into()),
                Some("smoke"),
                "eng",
                NOW,
            )
            .unwrap()
        })],
    );
    same_as_full_read(
        &s,
        &[edit_of(&s, |d| {
            let part = PartUsed {
                name: "Fan".into(),
                quantity: 2,
                ..Default::default()
            };
            wo::put_part(d, "p1", &part, NOW).unwrap()
        })],
    );
    same_as_full_read(
        &s,
        &[edit_of(&s, |d| {
            wo::record_event(
                d,
                crate::status::EventKind::Accepted,
                "eng",
                NOW,
                wo::EventExtra::default(),
            )
            .unwrap();
        })],
    );
}

#[test]
fn deleted_fields_fall_back_to_their_defaults() {
    let s = server_doc();
    same_as_full_read(
        &s,
        &[edit_of(&s, |d| {
            d.delete(ROOT, "findings").unwrap();
            d.delete(ROOT, "kind").unwrap();
            d.delete(ROOT, "checklist").unwrap();
            d.commit();
        })],
    );
}

#[test]
fn concurrent_writes_of_one_field_merge_as_the_full_read_sees_them() {
    let s = server_doc();
    let a = edit_of(&s, |d| wo::set_findings(d, "from a", NOW).unwrap());
    let b = edit_of(&s, |d| wo::set_findings(d, "from b", NOW).unwrap());
    same_as_full_read(&s, &[a, b]);
    let a = edit_of(&s, |d| {
        d.put(ROOT, "title", "plain string").unwrap();
        d.commit();
    });
    let b = edit_of(&s, |d| {
        let t = d
            .put_object(ROOT, "title", automerge::ObjType::Text)
            .unwrap();
        d.splice_text(&t, 0, 0, "a text").unwrap();
        d.commit();
    });
    same_as_full_read(&s, &[a, b]);
}

#[test]
fn wrong_types_are_refused_with_the_full_reads_error() {
    let s = server_doc();
    same_as_full_read(
        &s,
        &[edit_of(&s, |d| {
            d.put(ROOT, "created_at_ms", "yesterday").unwrap();
            d.commit();
        })],
    );
    same_as_full_read(
        &s,
        &[edit_of(&s, |d| {
            d.put(ROOT, "priority", "P9").unwrap();
            d.commit();
        })],
    );
    same_as_full_read(
        &s,
        &[edit_of(&s, |d| {
            d.put_object(ROOT, "assignees", automerge::ObjType::List)
                .unwrap();
            d.commit();
        })],
    );
}

#[test]
fn an_op_outside_a_named_field_means_a_full_read() {
    let mut t = Touched::new();
    t.field(Some(&Seg::Key("findings".into())));
    t.field(Some(&Seg::Index));
    let s = server_doc();
    let mut after = s.clone();
    after
        .load_incremental(&edit_of(&s, |d| {
            wo::set_findings(d, "x", NOW).unwrap();
        }))
        .unwrap();
    // A stale `before` would show if it were used: the full read is taken instead.
    let stale = WorkOrder {
        title: "stale".into(),
        ..WorkOrder::from_doc(&s).unwrap()
    };
    let got = merged_work_order(Some(&stale), &after, &t).unwrap();
    assert_eq!(got.title, "Round");
    assert_eq!(got.findings, "x");
}
