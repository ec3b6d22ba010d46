//! The direct read must agree with the JSON-tree read it replaces: on generated documents
//! (every scalar type, nested maps, lists and text, work-order field names with values of
//! the right and wrong types) and on real work orders.

use super::from_hydrated;
use crate::model::WorkOrder;
use crate::model::read::convert;
use automerge::{AutoCommit, ObjType, ROOT, ReadDoc, ScalarValue, transaction::Transactable};
use proptest::prelude::*;
use serde_json::Value as J;

/// A value to write into a generated document.
#[derive(Clone, Debug)]
enum Gen {
    Scalar(ScalarValue),
    Text(String),
    Map(Vec<(String, Gen)>),
    List(Vec<Gen>),
}

fn scalar() -> impl Strategy<Value = ScalarValue> {
    prop_oneof![
        any::<String>().prop_map(|s| ScalarValue::Str(s.into())),
        any::<i64>().prop_map(ScalarValue::Int),
        any::<u64>().prop_map(ScalarValue::Uint),
        any::<f64>().prop_map(ScalarValue::F64),
        any::<i64>().prop_map(ScalarValue::counter),
        any::<i64>().prop_map(ScalarValue::Timestamp),
        any::<bool>().prop_map(ScalarValue::Boolean),
        proptest::collection::vec(any::<u8>(), 0..8).prop_map(ScalarValue::Bytes),
        Just(ScalarValue::Null),
        // Small numbers and work-order words, so typed fields sometimes read.
        (0i64..5).prop_map(ScalarValue::Int),
        prop::sample::select(vec!["work_order", "incident", "new", "u1", "pass", "x"])
            .prop_map(|s| ScalarValue::Str(s.into())),
    ]
}

/// Keys: work-order field names (so the typed read meets them) and a few others.
fn key() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "doc_type",
        "doc_id",
        "schema",
        "kind",
        "title",
        "description",
        "findings",
        "number",
        "site_id",
        "created_by",
        "created_at_ms",
        "assignees",
        "checklist",
        "events",
        "parts",
        "photos",
        "device_ids",
        "sla",
        "impact",
        "urgency",
        "priority",
        "label",
        "value",
        "required",
        "at_ms",
        "by",
        "other",
        "名称",
    ])
    .prop_map(String::from)
}

fn value() -> impl Strategy<Value = Gen> {
    let leaf = prop_oneof![
        4 => scalar().prop_map(Gen::Scalar),
        1 => any::<String>().prop_map(Gen::Text),
    ];
    leaf.prop_recursive(3, 24, 5, |inner| {
        prop_oneof![
            proptest::collection::vec((key(), inner.clone()), 0..5).prop_map(Gen::Map),
            proptest::collection::vec(inner, 0..4).prop_map(Gen::List),
        ]
    })
}

fn put(doc: &mut AutoCommit, obj: &automerge::ObjId, prop: automerge::Prop, v: &Gen) {
    let made = |doc: &mut AutoCommit, t: ObjType| match &prop {
        automerge::Prop::Map(k) => doc.put_object(obj, k.as_str(), t),
        automerge::Prop::Seq(i) => doc.insert_object(obj, *i, t),
    };
    match v {
        Gen::Scalar(s) => {
            match &prop {
                automerge::Prop::Map(k) => doc.put(obj, k.as_str(), s.clone()),
                automerge::Prop::Seq(i) => doc.insert(obj, *i, s.clone()),
            }
            .unwrap();
        }
        Gen::Text(t) => {
            let id = made(doc, ObjType::Text).unwrap();
            doc.splice_text(&id, 0, 0, t).unwrap();
        }
        Gen::Map(entries) => {
            let id = made(doc, ObjType::Map).unwrap();
            for (k, v) in entries {
                put(doc, &id, automerge::Prop::Map(k.clone()), v);
            }
        }
        Gen::List(items) => {
            let id = made(doc, ObjType::List).unwrap();
            for (i, v) in items.iter().enumerate() {
                put(doc, &id, automerge::Prop::Seq(i), v);
            }
        }
    }
}

fn typed_old(tree: &J) -> Result<J, String> {
    serde_json::from_value::<WorkOrder>(tree.clone())
        .map(|wo| serde_json::to_value(wo).unwrap())
        .map_err(|e| e.to_string())
}

fn typed_new(h: &automerge::hydrate::Value) -> Result<J, String> {
    from_hydrated::<WorkOrder>(h)
        .map(|wo| serde_json::to_value(wo).unwrap())
        .map_err(|e| e.to_string())
}

proptest! {
    #[test]
    fn reads_every_document_as_the_json_tree_shows_it(
        root in proptest::collection::vec((key(), value()), 0..12)
    ) {
        let mut doc = AutoCommit::new();
        for (k, v) in &root {
            put(&mut doc, &ROOT, automerge::Prop::Map(k.clone()), v);
        }
        let h = doc.hydrate(ROOT, None).unwrap();
        let tree = convert(&h);
        prop_assert_eq!(from_hydrated::<J>(&h).unwrap(), tree.clone());
        // The typed read accepts and rejects the same documents, with the same result.
        let (old, new) = (typed_old(&tree), typed_new(&h));
        prop_assert_eq!(old.is_ok(), new.is_ok(), "old {:?}, new {:?}", old, new);
        if let (Ok(old), Ok(new)) = (old, new) {
            prop_assert_eq!(old, new);
        }
    }
}

#[test]
fn real_work_orders_read_the_same_both_ways() {
    use crate::model::work_order as wo;
    let mut doc = AutoCommit::new();
    let new = wo::NewWorkOrder {
        kind: "incident".into(),
        title: "机房 UPS 告警 — 2 号柜".into(),
        description: "电池 3 组电压低".into(),
        assignees: vec!["u-li".into()],
        device_ids: vec!["dev-1".into()],
        impact: Some(2),
        urgency: Some(1),
        ..Default::default()
    };
    wo::create_work_order(
        &mut doc,
        crate::DocId::new(),
        &new,
        "u-dana",
        1_700_000_000_000,
    )
    .unwrap();
    wo::set_findings(&mut doc, "更换电池后正常", 1_700_000_100_000).unwrap();
    let h = doc.hydrate(ROOT, None).unwrap();
    let tree = convert(&h);
    assert_eq!(from_hydrated::<J>(&h).unwrap(), tree);
    let (old, new) = (typed_old(&tree).unwrap(), typed_new(&h).unwrap());
    assert_eq!(old, new);
    assert_eq!(new["title"], "机房 UPS 告警 — 2 号柜");
    assert!(WorkOrder::from_doc(&doc).unwrap().is_assigned_to("u-li"));
}
