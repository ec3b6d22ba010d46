//! Store behaviour: durability across a killed process, reopening from the index, search,
//! blobs, and failed edits leaving nothing behind.

use super::*;
use crate::model::work_order::{self as wo, CheckAnswer, ChecklistItem, NewWorkOrder};
use crate::model::{DeviceRecord, device};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

const T0: TimestampMs = 1_750_000_000_000;

fn inspection() -> NewWorkOrder {
    NewWorkOrder {
        kind: "inspection".into(),
        title: "UPS monthly test".into(),
        checklist: (0..50)
            .map(|i| {
                (
                    format!("item-{i:02}"),
                    ChecklistItem {
                        label: format!("Reading {i}"),
                        kind: "reading".into(),
                        order: i,
                        ..Default::default()
                    },
                )
            })
            .collect(),
        ..Default::default()
    }
}

/// Run by the crash test in a child process: edits forever, printing each acknowledged edit.
#[test]
#[ignore = "helper for crash_mid_write_loses_nothing_acknowledged"]
fn crash_child() {
    let Ok(dir) = std::env::var("FIELDSYNC_CRASH_DIR") else {
        return;
    };
    let mut store = LocalStore::open(Path::new(&dir)).unwrap();
    let id = store
        .create(DocKind::WorkOrder, T0, |d, id| {
            wo::create_work_order(d, id, &inspection(), "eng", T0)
        })
        .unwrap();
    println!("doc {id}");
    for n in 0.. {
        let item = format!("item-{:02}", n % 50);
        store
            .edit(id, T0 + n, |d| {
                wo::answer_checklist_item(
                    d,
                    &item,
                    &CheckAnswer::Reading(n as f64),
                    None,
                    "eng",
                    T0 + n,
                )
            })
            .unwrap();
        println!("ack {n}");
    }
}

#[test]
fn crash_mid_write_loses_nothing_acknowledged() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "store::tests::crash_child",
            "--exact",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("FIELDSYNC_CRASH_DIR", dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut doc = None;
    let mut last_ack = None;
    for line in lines.by_ref() {
        let line = line.unwrap();
        // The harness may print its own prefix on the same line.
        if let Some((_, id)) = line.split_once("doc ") {
            doc = Some(id.parse::<DocId>().unwrap());
        } else if let Some(n) = line.strip_prefix("ack ") {
            let n: i64 = n.parse().unwrap();
            last_ack = Some(n);
            if n >= 120 {
                break;
            }
        }
    }
    // SIGKILL: no destructors, no flush — whatever the OS has is what survives.
    child.kill().unwrap();
    child.wait().unwrap();
    let (doc, last_ack) = (
        doc.expect("child created a document"),
        last_ack.expect("child acknowledged edits"),
    );
    let mut store = LocalStore::open(dir.path()).unwrap();
    let w = store.work_order(doc).unwrap();
    // Every acknowledged edit is there: each item holds the latest reading written to it.
    for n in (last_ack - 49).max(0)..=last_ack {
        let item = &w.checklist[&format!("item-{:02}", n % 50)];
        assert!(
            item.reading.unwrap() >= n as f64,
            "edit {n} lost: {:?}",
            item.reading
        );
    }
    assert_eq!(store.pending_count().unwrap(), 1);
}

#[test]
fn reopening_lists_from_the_index_and_search_finds_devices() {
    let dir = tempfile::tempdir().unwrap();
    let wo_id;
    {
        let mut store = LocalStore::open(dir.path()).unwrap();
        wo_id = store
            .create(DocKind::WorkOrder, T0, |d, id| {
                wo::create_work_order(d, id, &inspection(), "eng", T0)
            })
            .unwrap();
        for (tag, serial, ip) in [
            ("PC-0001", "CN12345", "10.1.2.3"),
            ("PRN-0042", "VNB8K01234", "10.1.9.42"),
        ] {
            let rec = DeviceRecord {
                asset_tag: tag.into(),
                device_type: "pc".into(),
                serial: Some(serial.into()),
                ip: Some(ip.into()),
                ..Default::default()
            };
            store
                .create(DocKind::Device, T0, |d, id| {
                    device::create_device(d, id, &rec, T0)
                })
                .unwrap();
        }
    }
    let store = LocalStore::open(dir.path()).unwrap();
    let rows = store.list_work_orders(None).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].doc_id, wo_id);
    assert_eq!(
        store.search_devices("VNB8K", 10).unwrap()[0].asset_tag,
        "PRN-0042"
    );
    assert_eq!(
        store.search_devices("10.1.9.42", 10).unwrap()[0].asset_tag,
        "PRN-0042"
    );
    assert_eq!(
        store.search_devices("PC", 10).unwrap()[0].asset_tag,
        "PC-0001"
    );
    assert!(
        store
            .search_devices("nothing-like-it", 10)
            .unwrap()
            .is_empty()
    );
}

#[test]
fn a_failed_edit_leaves_nothing_behind() {
    let mut store = LocalStore::open_in_memory().unwrap();
    let id = store
        .create(DocKind::WorkOrder, T0, |d, id| {
            wo::create_work_order(d, id, &inspection(), "eng", T0)
        })
        .unwrap();
    let heads = store.doc(id).unwrap().get_heads();
    let err = store
        .edit(id, T0, |d| {
            wo::answer_checklist_item(
                d,
                "no-such-item",
                &CheckAnswer::Reading(1.0),
                None,
                "eng",
                T0,
            )
        })
        .unwrap_err();
    assert!(err.to_string().contains("no-such-item"), "{err}");
    assert_eq!(store.doc(id).unwrap().get_heads(), heads);
    assert_eq!(store.pending_count().unwrap(), 1, "only the creation waits");
}

#[test]
fn blobs_are_content_addressed_and_queued() {
    let dir = tempfile::tempdir().unwrap();
    let store = LocalStore::open(dir.path()).unwrap();
    let sha = store.add_blob(b"\x89PNG fake", "image/png", T0).unwrap();
    assert_eq!(sha.len(), 64);
    assert_eq!(
        store.add_blob(b"\x89PNG fake", "image/png", T0).unwrap(),
        sha
    );
    assert!(store.blob_path(&sha).is_some());
    assert_eq!(store.pending_blobs().unwrap().len(), 1);
    store.mark_blob_uploaded(&sha).unwrap();
    assert!(store.pending_blobs().unwrap().is_empty());
    assert!(store.blob_path("../../etc/passwd").is_none());
}

/// Another device's photo, fetched for review, is kept for offline use but never sent back.
#[test]
fn a_fetched_blob_is_kept_but_not_queued() {
    let dir = tempfile::tempdir().unwrap();
    let store = LocalStore::open(dir.path()).unwrap();
    let sha = store
        .keep_fetched_blob(b"\xff\xd8 jpeg", "image/jpeg", T0)
        .unwrap();
    assert!(store.blob_path(&sha).is_some());
    assert!(store.pending_blobs().unwrap().is_empty());
}

#[test]
fn each_store_has_its_own_actor_kept_across_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let a = LocalStore::open(dir.path()).unwrap().actor().clone();
    let b = LocalStore::open(dir.path()).unwrap().actor().clone();
    let other = LocalStore::open_in_memory().unwrap().actor().clone();
    assert_eq!(a, b);
    assert_ne!(a, other);
}

#[test]
fn a_snapshot_followed_by_change_chunks_loads_as_one_document() {
    // What the server sends for a whole document, and what the store keeps as received.
    let mut doc = automerge::AutoCommit::new();
    wo::create_work_order(&mut doc, DocId::new(), &inspection(), "eng", T0).unwrap();
    let snapshot = doc.save();
    let heads = doc.get_heads();
    wo::answer_checklist_item(
        &mut doc,
        "item-01",
        &CheckAnswer::Reading(3.0),
        None,
        "eng",
        T0,
    )
    .unwrap();
    let mut bytes = snapshot;
    bytes.extend(doc.save_after(&heads));
    let mut loaded = automerge::AutoCommit::load(&bytes).unwrap();
    assert_eq!(loaded.get_heads(), doc.get_heads());
}

#[test]
fn sites_are_listed_for_pickers() {
    let mut store = LocalStore::open_in_memory().unwrap();
    for (name, customer) in [("Clinic", "Harbour Clinic"), ("Tower A", "Acme Offices")] {
        let site = crate::model::Site {
            name: name.into(),
            customer_id: "c".into(),
            customer_name: customer.into(),
            ..Default::default()
        };
        store
            .create(DocKind::Site, T0, |d, id| {
                crate::model::site::create_site(d, id, &site, T0)
            })
            .unwrap();
    }
    let names: Vec<String> = store
        .list_sites()
        .unwrap()
        .into_iter()
        .map(|s| s.1)
        .collect();
    assert_eq!(names, vec!["Tower A".to_string(), "Clinic".to_string()]);
}

#[test]
fn search_rows_follow_edits_and_removals() {
    let mut store = LocalStore::open_in_memory().unwrap();
    let rec = DeviceRecord {
        asset_tag: "UPS-7".into(),
        device_type: "ups".into(),
        serial: Some("AAA111".into()),
        ..Default::default()
    };
    let id = store
        .create(DocKind::Device, T0, |d, id| {
            device::create_device(d, id, &rec, T0)
        })
        .unwrap();
    store
        .edit(id, T0, |d| {
            device::set_device_field(d, "serial", Some("BBB222"), T0)
        })
        .unwrap();
    assert!(
        store.search_devices("AAA111", 10).unwrap().is_empty(),
        "the old text left the index"
    );
    assert_eq!(store.search_devices("BBB222", 10).unwrap().len(), 1);
    let tx = store.conn.unchecked_transaction().unwrap();
    unindex(&tx, id).unwrap();
    tx.commit().unwrap();
    assert!(store.search_devices("BBB222", 10).unwrap().is_empty());
}

/// A cached statement keyed on an indexed column keeps its plan when re-bound: without
/// `keep_prepared_plans` SQLite's STAT4 build recompiles it on every new value.
#[test]
fn cached_statements_are_not_recompiled_per_binding() {
    let dir = tempfile::tempdir().unwrap();
    let store = LocalStore::open(dir.path()).unwrap();
    let mut stmt = store
        .conn
        .prepare_cached("SELECT count(*) FROM device_index WHERE site_id = ?1")
        .unwrap();
    for site in ["site-a", "site-b", "site-c", "site-d"] {
        let n: i64 = stmt.query_row([site], |r| r.get(0)).unwrap();
        assert_eq!(n, 0);
    }
    assert_eq!(stmt.get_status(rusqlite::StatementStatus::RePrepare), 0);
}
