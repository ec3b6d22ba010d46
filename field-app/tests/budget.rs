//! Rough budget figures (run with `cargo test -p fieldsync-app --release --test budget --
//! --ignored --nocapture`): cold start to a usable My-work list with 500 work orders and 5,000
//! devices, and how long a checklist tick takes to be durable on disk.

use fieldsync::model::device::create_device;
use fieldsync::model::{self, CheckAnswer, ChecklistItem, DeviceRecord, NewWorkOrder};
use fieldsync::store::LocalStore;
use fieldsync::{DocId, DocKind};
use fieldsync_app::FieldApp;
use std::time::Instant;

#[test]
#[ignore = "slow: seeds 5,500 documents; run on demand for the budget figures"]
fn cold_start_and_tick_latency() {
    let dir = tempfile::tempdir().unwrap();
    let me = fieldsync_app::sample::engineer();
    let now = 1_795_509_000_000;
    let mut ids: Vec<DocId> = Vec::new();
    {
        let mut store = LocalStore::open(dir.path()).unwrap();
        store.set_identity(&me).unwrap();
        for i in 0..5_000 {
            let r = DeviceRecord {
                asset_tag: format!("PC-{i:05}"),
                device_type: "pc".into(),
                serial: Some(format!("SN{i:08}")),
                ip: Some(format!("10.{}.{}.{}", i / 65536, (i / 256) % 256, i % 256)),
                ..Default::default()
            };
            store
                .create(DocKind::Device, now, |d, id| create_device(d, id, &r, now))
                .unwrap();
        }
        for i in 0..500 {
            let new = NewWorkOrder {
                kind: "inspection".into(),
                title: format!("Inspection {i}"),
                assignees: vec![me.user_id.clone()],
                scheduled_start_ms: Some(now + i * 60_000),
                checklist: (0..10)
                    .map(|k| {
                        (
                            format!("item-{k}"),
                            ChecklistItem {
                                label: format!("Check {k}"),
                                kind: "pass_fail".into(),
                                order: k,
                                ..Default::default()
                            },
                        )
                    })
                    .collect(),
                ..Default::default()
            };
            ids.push(
                store
                    .create(DocKind::WorkOrder, now, |d, id| {
                        model::create_work_order(d, id, &new, &me.user_id, now)
                    })
                    .unwrap(),
            );
        }
    }
    let t = Instant::now();
    let store = LocalStore::open(dir.path()).unwrap();
    let app = FieldApp::offline(store, now);
    let cold = t.elapsed();
    assert_eq!(app.state.my_work.len(), 500);
    println!("cold start to My work (500 WOs, 5,000 devices): {cold:?}");

    let store = app.store().clone();
    let mut samples = Vec::new();
    for (n, id) in ids.iter().take(200).enumerate() {
        let t = Instant::now();
        fieldsync_app::runtime::lock(&store)
            .edit(*id, now + n as i64, |d| {
                model::answer_checklist_item(
                    d,
                    "item-1",
                    &CheckAnswer::PassFail("pass".into()),
                    None,
                    &me.user_id,
                    now,
                )
            })
            .unwrap();
        samples.push(t.elapsed());
    }
    samples.sort();
    println!(
        "checklist tick durable: p50 {:?}, p99 {:?} (200 ticks, cold documents)",
        samples[100], samples[198]
    );
}
