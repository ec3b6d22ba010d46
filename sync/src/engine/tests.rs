//! Devices with real local stores syncing through the in-process hub: offline edits on
//! several replicas, lost and duplicated answers, rejections and quarantine, and a property
//! test that random edits in random sync orders converge with nothing lost.

use super::*;
use crate::model::work_order::{self as wo, CheckAnswer, ChecklistItem, EventExtra, NewWorkOrder};
use crate::model::{DeviceRecord, conflicts_at, device};
use crate::status::{EventKind, Status};
use crate::store::Identity;
use crate::testing::MemoryHub;
use automerge::ReadDoc;
use proptest::prelude::*;
use serde::Serialize;

const T0: TimestampMs = 1_750_000_000_000;

struct Device {
    name: String,
    store: LocalStore,
}

impl Device {
    fn new(name: &str, role: Role) -> Self {
        let store = LocalStore::open_in_memory().unwrap();
        store
            .set_identity(&Identity {
                user_id: name.into(),
                username: name.into(),
                display_name: name.into(),
                role,
            })
            .unwrap();
        Device {
            name: name.into(),
            store,
        }
    }

    fn caller(&self) -> Caller {
        let id = self.store.identity().unwrap().unwrap();
        Caller {
            user_id: id.user_id,
            role: id.role,
            actors: [self.store.actor().clone()].into_iter().collect(),
        }
    }

    /// Sync until the hub has nothing more.
    fn sync(&mut self, hub: &mut MemoryHub) -> SyncReport {
        let mut total = SyncReport::default();
        loop {
            let out = self.store.prepare_sync(None).unwrap();
            let resp = hub.sync(&self.name, &out.request, T0);
            let r = self.store.apply_sync(&out, resp, T0).unwrap();
            total.accepted += r.accepted;
            total.pulled += r.pulled;
            total.rejected.extend(r.rejected);
            if !r.more {
                return total;
            }
        }
    }
}

fn checklist() -> Vec<(String, ChecklistItem)> {
    ["a", "b", "c"]
        .iter()
        .enumerate()
        .map(|(i, id)| {
            (
                (*id).to_string(),
                ChecklistItem {
                    label: format!("Item {id}"),
                    kind: "pass_fail".into(),
                    order: i as i64,
                    ..Default::default()
                },
            )
        })
        .collect()
}

fn new_wo(assignees: &[&str]) -> NewWorkOrder {
    NewWorkOrder {
        kind: "inspection".into(),
        title: "Weekly round".into(),
        assignees: assignees.iter().map(|s| s.to_string()).collect(),
        checklist: checklist(),
        ..Default::default()
    }
}

fn text_of(doc: &AutoCommit, key: &str) -> String {
    match doc.get(automerge::ROOT, key).unwrap() {
        Some((_, id)) => doc.text(&id).unwrap(),
        None => String::new(),
    }
}

#[test]
fn two_engineers_fill_different_items_offline_and_both_survive() {
    let mut hub = MemoryHub::new();
    let mut disp = Device::new("disp", Role::Dispatcher);
    let mut a = Device::new("a", Role::Engineer);
    let mut b = Device::new("b", Role::Engineer);
    let id = disp
        .store
        .create(DocKind::WorkOrder, T0, |d, id| {
            wo::create_work_order(d, id, &new_wo(&["a", "b"]), "disp", T0)
        })
        .unwrap();
    disp.sync(&mut hub);
    a.sync(&mut hub);
    b.sync(&mut hub);
    a.store
        .edit(id, T0 + 1, |d| {
            wo::answer_checklist_item(
                d,
                "a",
                &CheckAnswer::PassFail("pass".into()),
                None,
                "a",
                T0 + 1,
            )
        })
        .unwrap();
    b.store
        .edit(id, T0 + 2, |d| {
            wo::answer_checklist_item(
                d,
                "b",
                &CheckAnswer::PassFail("fail".into()),
                Some("fan noisy"),
                "b",
                T0 + 2,
            )
        })
        .unwrap();
    a.store
        .edit(id, T0 + 3, |d| wo::set_findings(d, "A was here. ", T0 + 3))
        .unwrap();
    b.store
        .edit(id, T0 + 4, |d| wo::set_findings(d, "B too.", T0 + 4))
        .unwrap();
    assert_eq!(a.store.pending_count().unwrap(), 1);
    a.sync(&mut hub);
    b.sync(&mut hub);
    a.sync(&mut hub);
    for dev in [&mut a, &mut b] {
        let w = dev.store.work_order(id).unwrap();
        assert_eq!(w.checklist["a"].result.as_deref(), Some("pass"));
        assert_eq!(w.checklist["b"].result.as_deref(), Some("fail"));
        let f = w.findings.as_str().to_string();
        assert!(f.contains("A was here.") && f.contains("B too."), "{f}");
        assert_eq!(dev.store.pending_count().unwrap(), 0);
    }
}

#[test]
fn both_set_firmware_and_both_values_are_visible() {
    let mut hub = MemoryHub::new();
    let mut office = Device::new("office", Role::Dispatcher);
    let mut field = Device::new("field", Role::Engineer);
    let rec = DeviceRecord {
        asset_tag: "SRV-01".into(),
        device_type: "server".into(),
        firmware_version: Some("1.0".into()),
        ..Default::default()
    };
    let id = office
        .store
        .create(DocKind::Device, T0, |d, id| {
            device::create_device(d, id, &rec, T0)
        })
        .unwrap();
    office.sync(&mut hub);
    field.sync(&mut hub);
    office
        .store
        .edit(id, T0, |d| {
            device::set_device_field(d, "firmware_version", Some("2.0"), T0)
        })
        .unwrap();
    field
        .store
        .edit(id, T0, |d| {
            device::set_device_field(d, "firmware_version", Some("2.1"), T0)
        })
        .unwrap();
    office.sync(&mut hub);
    field.sync(&mut hub);
    office.sync(&mut hub);
    for dev in [&mut office, &mut field] {
        let doc = dev.store.doc(id).unwrap();
        let mut values: Vec<String> = conflicts_at(&doc, &[], "firmware_version")
            .into_iter()
            .map(|v| v.0)
            .collect();
        values.sort();
        assert_eq!(values, vec!["2.0".to_string(), "2.1".to_string()]);
        assert!(
            crate::model::scan_conflicts(&doc)
                .iter()
                .any(|c| c.path == vec!["firmware_version".to_string()])
        );
    }
    // A person picks one: the conflict is gone everywhere.
    field
        .store
        .edit(id, T0, |d| {
            device::set_device_field(d, "firmware_version", Some("2.1"), T0)
        })
        .unwrap();
    field.sync(&mut hub);
    office.sync(&mut hub);
    assert_eq!(
        conflicts_at(&office.store.doc(id).unwrap(), &[], "firmware_version").len(),
        1
    );
}

#[test]
fn dispatcher_cancels_while_engineer_completes_and_everyone_sees_the_conflict() {
    let mut hub = MemoryHub::new();
    let mut disp = Device::new("disp", Role::Dispatcher);
    let mut eng = Device::new("eng", Role::Engineer);
    let id = disp
        .store
        .create(DocKind::WorkOrder, T0, |d, id| {
            wo::create_work_order(d, id, &new_wo(&["eng"]), "disp", T0)
        })
        .unwrap();
    disp.sync(&mut hub);
    eng.sync(&mut hub);
    eng.store
        .edit(id, T0 + 10, |d| {
            wo::record_event(d, EventKind::OnSite, "eng", T0 + 10, EventExtra::default())
        })
        .unwrap();
    disp.store
        .edit(id, T0 + 20, |d| {
            wo::record_event(
                d,
                EventKind::Cancelled,
                "disp",
                T0 + 20,
                EventExtra {
                    note: Some("customer called off".into()),
                    ..Default::default()
                },
            )
        })
        .unwrap();
    eng.store
        .edit(id, T0 + 30, |d| {
            wo::record_event(
                d,
                EventKind::Completed,
                "eng",
                T0 + 30,
                EventExtra {
                    outcome: Some("fixed".into()),
                    ..Default::default()
                },
            )
        })
        .unwrap();
    disp.sync(&mut hub);
    eng.sync(&mut hub);
    disp.sync(&mut hub);
    for dev in [&mut disp, &mut eng] {
        let f = dev.store.work_order(id).unwrap().fold();
        assert_eq!(f.status, Status::Cancelled);
        assert_eq!(f.conflicts.len(), 1, "{f:?}");
        let row = dev
            .store
            .list_work_orders(None)
            .unwrap()
            .into_iter()
            .find(|r| r.doc_id == id)
            .unwrap();
        assert!(row.conflict, "the list shows the conflict flag");
    }
}

#[test]
fn an_older_reader_keeps_fields_it_does_not_know() {
    let mut hub = MemoryHub::new();
    let mut newer = Device::new("newer", Role::Dispatcher);
    let mut older = Device::new("older", Role::Engineer);
    let id = newer
        .store
        .create(DocKind::WorkOrder, T0, |d, id| {
            wo::create_work_order(d, id, &new_wo(&["older"]), "newer", T0)
        })
        .unwrap();
    newer
        .store
        .edit(id, T0, |d| {
            use automerge::transaction::Transactable;
            d.put(automerge::ROOT, "schema_version", 2)?;
            d.put(automerge::ROOT, "energy_rating", "A++")?;
            let cl = match d.get(automerge::ROOT, "checklist")? {
                Some((_, c)) => c,
                None => unreachable!(),
            };
            let item = match d.get(&cl, "a")? {
                Some((_, i)) => i,
                None => unreachable!(),
            };
            d.put(&item, "torque_nm", 12.5)?;
            crate::model::commit(d, "v2 fields", T0);
            Ok(())
        })
        .unwrap();
    newer.sync(&mut hub);
    older.sync(&mut hub);
    older
        .store
        .edit(id, T0 + 1, |d| {
            wo::answer_checklist_item(
                d,
                "a",
                &CheckAnswer::PassFail("pass".into()),
                None,
                "older",
                T0 + 1,
            )
        })
        .unwrap();
    older
        .store
        .edit(id, T0 + 2, |d| wo::set_findings(d, "ok", T0 + 2))
        .unwrap();
    older.sync(&mut hub);
    newer.sync(&mut hub);
    let doc = newer.store.doc(id).unwrap();
    assert_eq!(conflicts_at(&doc, &[], "energy_rating")[0].0, "A++");
    assert_eq!(
        conflicts_at(&doc, &["checklist", "a"], "torque_nm")[0].0,
        "12.5"
    );
    assert_eq!(
        newer.store.work_order(id).unwrap().checklist["a"]
            .result
            .as_deref(),
        Some("pass")
    );
}

#[test]
fn a_rejected_push_is_quarantined_and_the_allowed_edits_survive() {
    let mut hub = MemoryHub::new();
    let mut disp = Device::new("disp", Role::Dispatcher);
    let mut eng = Device::new("eng", Role::Engineer);
    hub.enforce("disp", disp.caller());
    hub.enforce("eng", eng.caller());
    let id = disp
        .store
        .create(DocKind::WorkOrder, T0, |d, id| {
            wo::create_work_order(d, id, &new_wo(&["eng"]), "disp", T0)
        })
        .unwrap();
    assert!(
        disp.sync(&mut hub).rejected.is_empty(),
        "the dispatcher may create the work order"
    );
    eng.sync(&mut hub);
    eng.store
        .edit(id, T0 + 1, |d| wo::set_findings(d, "Replaced fan", T0 + 1))
        .unwrap();
    eng.store
        .edit(id, T0 + 2, |d| {
            wo::set_triage(d, 1, 1, Some("hardware"), T0 + 2)
        })
        .unwrap();
    let r = eng.sync(&mut hub);
    assert_eq!(r.rejected.len(), 1);
    assert_eq!(r.rejected[0].1, "forbidden");
    let q = eng.store.quarantine().unwrap();
    assert_eq!(q.len(), 1, "the rejected state is kept");
    let kept = AutoCommit::load(&q[0].bytes).unwrap();
    assert_eq!(
        WorkOrder::from_doc(&kept).unwrap().priority.as_deref(),
        Some("P1")
    );
    assert_eq!(
        eng.store.badge(id).unwrap(),
        crate::store::SyncBadge::Rejected
    );
    // The findings are re-applied as new changes and go through on the next sync.
    let w = eng.store.work_order(id).unwrap();
    assert_eq!(w.findings.as_str(), "Replaced fan");
    assert_eq!(w.priority, None);
    let r = eng.sync(&mut hub);
    assert!(r.rejected.is_empty(), "{r:?}");
    assert_eq!(
        eng.store.badge(id).unwrap(),
        crate::store::SyncBadge::Synced
    );
    let server = WorkOrder::from_doc(hub.doc(id).unwrap()).unwrap();
    assert_eq!(server.findings.as_str(), "Replaced fan");
    assert_eq!(server.priority, None);
}

#[test]
fn a_lost_answer_is_harmless_and_a_replayed_request_duplicates_nothing() {
    let mut hub = MemoryHub::new();
    let mut disp = Device::new("disp", Role::Dispatcher);
    let mut eng = Device::new("eng", Role::Engineer);
    let id = disp
        .store
        .create(DocKind::WorkOrder, T0, |d, id| {
            wo::create_work_order(d, id, &new_wo(&["eng"]), "disp", T0)
        })
        .unwrap();
    disp.sync(&mut hub);
    // The engineer's first answer is lost on the way.
    let out = eng.store.prepare_sync(None).unwrap();
    let _lost = hub.sync("eng", &out.request, T0);
    assert!(!eng.store.contains(id).unwrap());
    eng.sync(&mut hub);
    assert!(
        eng.store.contains(id).unwrap(),
        "the lost whole document is sent again"
    );
    eng.store
        .edit(id, T0 + 1, |d| wo::set_findings(d, "once", T0 + 1))
        .unwrap();
    let out = eng.store.prepare_sync(None).unwrap();
    let first = hub.sync("eng", &out.request, T0);
    let second = hub.sync("eng", &out.request, T0);
    eng.store.apply_sync(&out, second, T0).unwrap();
    drop(first);
    disp.sync(&mut hub);
    assert_eq!(text_of(&disp.store.doc(id).unwrap(), "findings"), "once");
    assert_eq!(eng.store.pending_count().unwrap(), 0);
}

#[test]
fn paging_delivers_everything() {
    let mut hub = MemoryHub::new();
    hub.page_bytes = 2_000;
    let mut disp = Device::new("disp", Role::Dispatcher);
    let mut eng = Device::new("eng", Role::Engineer);
    for i in 0..30 {
        let rec = DeviceRecord {
            asset_tag: format!("PC-{i:03}"),
            device_type: "pc".into(),
            serial: Some(format!("SN{i:05}")),
            ..Default::default()
        };
        disp.store
            .create(DocKind::Device, T0, |d, id| {
                device::create_device(d, id, &rec, T0)
            })
            .unwrap();
    }
    disp.sync(&mut hub);
    let mut rounds = 0;
    loop {
        let out = eng.store.prepare_sync(None).unwrap();
        let resp = hub.sync("eng", &out.request, T0);
        rounds += 1;
        if !eng.store.apply_sync(&out, resp, T0).unwrap().more {
            break;
        }
    }
    assert!(rounds > 1, "the answer was paged");
    assert_eq!(eng.store.device_count().unwrap(), 30);
    assert_eq!(eng.store.search_devices("SN00017", 10).unwrap().len(), 1);
}

#[test]
fn an_answer_applied_in_slices_keeps_edits_made_between_them_and_moves_the_cursor_last() {
    let mut hub = MemoryHub::new();
    let mut disp = Device::new("disp", Role::Dispatcher);
    let mut eng = Device::new("eng", Role::Engineer);
    let ids: Vec<DocId> = (0..3)
        .map(|_| {
            disp.store
                .create(DocKind::WorkOrder, T0, |d, id| {
                    wo::create_work_order(d, id, &new_wo(&["eng"]), "disp", T0)
                })
                .unwrap()
        })
        .collect();
    disp.sync(&mut hub);
    eng.sync(&mut hub);
    // The dispatcher edits all three; the engineer's answer brings them in three slices.
    for (i, id) in ids.iter().enumerate() {
        disp.store
            .edit(*id, T0 + 1, |d| {
                wo::set_findings(d, &format!("office {i}"), T0 + 1)
            })
            .unwrap();
    }
    disp.sync(&mut hub);
    let cursor_before = eng.store.cursor().unwrap();
    let out = eng.store.prepare_sync(None).unwrap();
    let resp = hub.sync("eng", &out.request, T0 + 2);
    assert_eq!(resp.pull.len(), 3);
    let mut applying = Applying::new(resp);
    let mut slices = 0;
    let report = loop {
        slices += 1;
        let step = applying.step(&mut eng.store, &out, 1, T0 + 2).unwrap();
        if let Some(report) = step {
            break report;
        }
        assert_eq!(
            eng.store.cursor().unwrap(),
            cursor_before,
            "the cursor moves with the last slice only"
        );
        // The UI thread writes between two slices, to every document (applied or not yet).
        for id in &ids {
            eng.store
                .edit(*id, T0 + 3, |d| {
                    wo::set_findings(d, &format!("site {slices}"), T0 + 3)
                })
                .unwrap();
        }
    };
    assert_eq!(slices, 3, "one slice per document at a one-byte budget");
    assert_eq!(report.pulled, 3);
    assert_ne!(eng.store.cursor().unwrap(), cursor_before);
    // Nothing written between the slices is lost: it goes up on the next sync and merges.
    assert!(eng.store.pending_count().unwrap() > 0);
    assert!(eng.sync(&mut hub).rejected.is_empty());
    disp.sync(&mut hub);
    for id in &ids {
        let office = text_of(&disp.store.doc(*id).unwrap(), "findings");
        let site = text_of(&eng.store.doc(*id).unwrap(), "findings");
        assert_eq!(office, site, "both sides converge");
        assert!(
            site.contains("site 2"),
            "the last edit between slices survives: {site}"
        );
    }
    assert_eq!(eng.store.pending_count().unwrap(), 0);
}

// ---- property test: convergence with nothing lost ----

#[derive(Clone, Debug)]
enum Step {
    Check {
        replica: usize,
        item: usize,
        pass: bool,
    },
    Note {
        replica: usize,
    },
    Firmware {
        replica: usize,
        version: u8,
    },
    Status {
        replica: usize,
        kind: usize,
    },
    Sync {
        replica: usize,
        lose_answer: bool,
        duplicate: bool,
        /// Apply one pulled document per slice, and stop (the app quits) after this many
        /// slices; `None`: the whole answer in one transaction.
        slices: Option<usize>,
    },
}

fn step(replicas: usize) -> impl Strategy<Value = Step> {
    let r = 0..replicas;
    prop_oneof![
        (r.clone(), 0usize..3, any::<bool>()).prop_map(|(replica, item, pass)| Step::Check {
            replica,
            item,
            pass
        }),
        r.clone().prop_map(|replica| Step::Note { replica }),
        (r.clone(), any::<u8>()).prop_map(|(replica, version)| Step::Firmware { replica, version }),
        (r.clone(), 0usize..6).prop_map(|(replica, kind)| Step::Status { replica, kind }),
        (
            r,
            any::<bool>(),
            any::<bool>(),
            proptest::option::of(1usize..3)
        )
            .prop_map(|(replica, lose_answer, duplicate, slices)| Step::Sync {
                replica,
                lose_answer,
                duplicate,
                slices,
            }),
    ]
}

fn scenario() -> impl Strategy<Value = (usize, Vec<Step>)> {
    (3usize..=5).prop_flat_map(|n| (Just(n), proptest::collection::vec(step(n), 1..40)))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]
    #[test]
    fn replicas_converge_and_no_edit_is_lost((n, steps) in scenario()) {
        let mut hub = MemoryHub::new();
        let mut devs: Vec<Device> = (0..n).map(|i| Device::new(&format!("u{i}"), Role::Admin)).collect();
        let names: Vec<String> = devs.iter().map(|d| d.name.clone()).collect();
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let wo_id = devs[0].store.create(DocKind::WorkOrder, T0, |d, id| wo::create_work_order(d, id, &new_wo(&refs), "u0", T0)).unwrap();
        let rec = DeviceRecord { asset_tag: "UPS-1".into(), device_type: "ups".into(), ..Default::default() };
        let dev_id = devs[0].store.create(DocKind::Device, T0, |d, id| device::create_device(d, id, &rec, T0)).unwrap();
        for d in devs.iter_mut() { d.sync(&mut hub); }
        let mut made: Vec<automerge::ChangeHash> = Vec::new();
        let mut notes: Vec<String> = Vec::new();
        let kinds = [EventKind::Accepted, EventKind::EnRoute, EventKind::OnSite, EventKind::Completed, EventKind::Cancelled, EventKind::Reopened];
        for (t, s) in steps.iter().enumerate() {
            let now = T0 + 1 + t as i64;
            match s {
                Step::Check { replica, item, pass } => {
                    let user = names[*replica].clone();
                    let answer = CheckAnswer::PassFail(if *pass { "pass" } else { "fail" }.into());
                    devs[*replica].store.edit(wo_id, now, |d| wo::answer_checklist_item(d, ["a", "b", "c"][*item], &answer, None, &user, now)).unwrap();
                    made.extend(devs[*replica].store.doc(wo_id).unwrap().get_heads());
                }
                Step::Note { replica } => {
                    let token = format!("[n{t}]");
                    let current = devs[*replica].store.work_order(wo_id).unwrap().findings.as_str().to_string();
                    devs[*replica].store.edit(wo_id, now, |d| wo::set_findings(d, &format!("{current}{token}"), now)).unwrap();
                    notes.push(token);
                    made.extend(devs[*replica].store.doc(wo_id).unwrap().get_heads());
                }
                Step::Firmware { replica, version } => {
                    devs[*replica].store.edit(dev_id, now, |d| device::set_device_field(d, "firmware_version", Some(&version.to_string()), now)).unwrap();
                    made.extend(devs[*replica].store.doc(dev_id).unwrap().get_heads());
                }
                Step::Status { replica, kind } => {
                    let user = names[*replica].clone();
                    // Illegal from this replica's view: refused locally, nothing to keep.
                    if devs[*replica].store.edit(wo_id, now, |d| wo::record_event(d, kinds[*kind], &user, now, EventExtra::default())).is_ok() {
                        made.extend(devs[*replica].store.doc(wo_id).unwrap().get_heads());
                    }
                }
                Step::Sync { replica, lose_answer, duplicate, slices } => {
                    let dev = &mut devs[*replica];
                    let out = dev.store.prepare_sync(None).unwrap();
                    let mut resp = hub.sync(&dev.name, &out.request, now);
                    if *duplicate { resp = hub.sync(&dev.name, &out.request, now); }
                    match (lose_answer, slices) {
                        (true, _) => {}
                        (false, None) => { dev.store.apply_sync(&out, resp, now).unwrap(); }
                        (false, Some(k)) => {
                            let mut applying = Applying::new(resp);
                            for _ in 0..*k {
                                if applying.step(&mut dev.store, &out, 1, now).unwrap().is_some() { break; }
                            }
                        }
                    }
                }
            }
        }
        // Everyone comes online until quiescent: two rounds reach every replica.
        for _ in 0..2 { for d in devs.iter_mut() { d.sync(&mut hub); } }
        let reference_wo = automerge::AutoSerde::from(&devs[0].store.doc(wo_id).unwrap()).serialize(serde_json::value::Serializer).unwrap();
        let reference_dev = automerge::AutoSerde::from(&devs[0].store.doc(dev_id).unwrap()).serialize(serde_json::value::Serializer).unwrap();
        let reference_fold = devs[0].store.work_order(wo_id).unwrap().fold();
        for d in devs.iter_mut() {
            prop_assert_eq!(d.store.pending_count().unwrap(), 0);
            let w = d.store.doc(wo_id).unwrap();
            let dv = d.store.doc(dev_id).unwrap();
            prop_assert_eq!(&automerge::AutoSerde::from(&w).serialize(serde_json::value::Serializer).unwrap(), &reference_wo);
            prop_assert_eq!(&automerge::AutoSerde::from(&dv).serialize(serde_json::value::Serializer).unwrap(), &reference_dev);
            prop_assert_eq!(&d.store.work_order(wo_id).unwrap().fold(), &reference_fold);

            for h in &made {
                prop_assert!(w.get_change_by_hash(h).is_some() || dv.get_change_by_hash(h).is_some(), "change {h} lost");
            }
            let findings = text_of(&w, "findings");
            for token in &notes {
                prop_assert!(findings.contains(token.as_str()), "{token} missing from {findings}");
            }
        }
    }
}
