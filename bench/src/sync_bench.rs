//! Sync figures measured in-process against the reference hub: bytes of a one-field edit on
//! the wire and the first sync of 500 work orders × 20 offline edits. (HTTP figures against
//! the real server are taken by the server scenarios.)

use crate::report::{Table, ms};
use fieldsync::model::work_order::{self as wo, CheckAnswer, ChecklistItem, NewWorkOrder};
use fieldsync::model::{DeviceRecord, device};
use fieldsync::store::LocalStore;
use fieldsync::testing::MemoryHub;
use fieldsync::wire;
use fieldsync::{DocId, DocKind};
use std::time::Instant;

const T0: i64 = 1_750_000_000_000;

/// A work order with a 20-item checklist, as `user` would open it on site (an incident
/// assigned to themselves, so an engineer's own device may create it).
pub fn new_work_order(i: usize, items: usize, user: &str) -> NewWorkOrder {
    NewWorkOrder {
        kind: "incident".into(),
        title: format!("Patrol round {i}"),
        description: "Weekly server room inspection".into(),
        assignees: vec![user.into()],
        checklist: (0..items)
            .map(|n| {
                (
                    format!("item-{n:02}"),
                    ChecklistItem {
                        label: format!("Check {n}"),
                        kind: "pass_fail".into(),
                        order: n as i64,
                        ..Default::default()
                    },
                )
            })
            .collect(),
        ..Default::default()
    }
}

/// `count` work orders, each created and then edited `edits` times (one commit per edit).
/// `count` work orders by `user`, each created and then edited `edits` times (one commit per
/// edit), as an engineer working offline would.
pub fn seed_work_orders_as(
    store: &mut LocalStore,
    count: usize,
    edits: usize,
    user: &str,
) -> anyhow::Result<Vec<DocId>> {
    let mut ids = Vec::with_capacity(count);
    for i in 0..count {
        let id = store.create(DocKind::WorkOrder, T0, |d, id| {
            wo::create_work_order(d, id, &new_work_order(i, 20, user), user, T0)
        })?;
        for e in 0..edits {
            let now = T0 + e as i64;
            let item = format!("item-{:02}", e % 20);
            let pass = CheckAnswer::PassFail("pass".into());
            store.edit(id, now, |d| {
                wo::answer_checklist_item(d, &item, &pass, None, user, now)
            })?;
        }
        ids.push(id);
    }
    Ok(ids)
}

pub fn seed_work_orders(
    store: &mut LocalStore,
    count: usize,
    edits: usize,
) -> anyhow::Result<Vec<DocId>> {
    seed_work_orders_as(store, count, edits, "eng")
}

pub fn fill_device_store(store: &mut LocalStore, count: usize) -> anyhow::Result<()> {
    fill_devices_at(store, count, None)
}

/// `count` device records (PCs with serials and IPs), optionally all at one site.
pub fn fill_devices_at(
    store: &mut LocalStore,
    count: usize,
    site: Option<&str>,
) -> anyhow::Result<()> {
    for i in 0..count {
        let rec = DeviceRecord {
            asset_tag: format!("PC-{i:05}"),
            device_type: "pc".into(),
            vendor: Some("Lenovo".into()),
            model: Some("ThinkCentre M720".into()),
            serial: Some(format!("SN{i:08}")),
            ip: Some(format!("10.{}.{}.{}", i / 65536, (i / 256) % 256, i % 256)),
            site_id: site.map(String::from),
            ..Default::default()
        };
        store.create(DocKind::Device, T0, |d, id| {
            device::create_device(d, id, &rec, T0)
        })?;
    }
    Ok(())
}

pub fn one_field_edit() -> anyhow::Result<Table> {
    let mut hub = MemoryHub::new();
    let mut store = LocalStore::open_in_memory()?;
    let ids = seed_work_orders(&mut store, 1, 0)?;
    let out = store.prepare_sync(None)?;
    let resp = hub.sync("dev", &out.request, T0);
    store.apply_sync(&out, resp, T0)?;
    store.edit(ids[0], T0, |d| {
        wo::answer_checklist_item(
            d,
            "item-03",
            &CheckAnswer::PassFail("fail".into()),
            None,
            "eng",
            T0,
        )
    })?;
    let out = store.prepare_sync(None)?;
    let change_bytes: usize = out.request.push.iter().map(|p| p.changes.len()).sum();
    let up = wire::encode(&out.request).len();
    let resp = hub.sync("dev", &out.request, T0);
    let down = wire::encode(&resp).len();
    let mut t = Table::new("wire: one checklist tick");
    t.row(
        "Automerge change bytes",
        format!("{change_bytes} B"),
        "-",
        None,
    );
    t.row(
        "request body (CBOR + zstd)",
        format!("{up} B"),
        "≤ 1.2 × change + 1 KiB",
        Some(up as f64 <= 1.2 * change_bytes as f64 + 1024.0),
    );
    t.row("answer body", format!("{down} B"), "-", None);
    Ok(t)
}

pub fn first_sync_in_process() -> anyhow::Result<Table> {
    let mut store = LocalStore::open_in_memory()?;
    let ids = seed_work_orders(&mut store, 500, 20)?;
    let saved: usize = ids
        .iter()
        .map(|id| store.doc(*id).map(|mut d| d.save().len()).unwrap_or(0))
        .sum();
    let mut hub = MemoryHub::new();
    let start = Instant::now();
    let (mut up, mut down, mut trips) = (0usize, 0usize, 0usize);
    loop {
        let out = store.prepare_sync(None)?;
        let body = wire::encode(&out.request);
        up += body.len();
        let req = wire::decode_request(&body)?;
        let resp = hub.sync("dev", &req, T0);
        let body = wire::encode(&resp);
        down += body.len();
        trips += 1;
        let report = store.apply_sync(&out, wire::decode_response(&body)?, T0)?;
        if !report.more {
            break;
        }
    }
    let elapsed = start.elapsed();
    let budget_bytes = 1.2 * saved as f64 + 1024.0;
    let mut t = Table::new("first sync, in-process hub: 500 work orders × 20 offline edits");
    t.row(
        "sum of the documents' save() sizes",
        format!("{} KB", saved / 1000),
        "-",
        None,
    );
    t.row(
        "wall time (engine + encode + hub)",
        ms(elapsed),
        "< 300 ms",
        Some(elapsed.as_millis() < 300),
    );
    t.row("round trips", trips.to_string(), "≤ 2", Some(trips <= 2));
    t.row(
        "bytes up",
        format!("{} KB", up / 1000),
        &format!("≤ {:.0} KB", budget_bytes / 1000.0),
        Some((up as f64) <= budget_bytes),
    );
    t.row("bytes down", format!("{} KB", down / 1000), "-", None);
    Ok(t)
}
