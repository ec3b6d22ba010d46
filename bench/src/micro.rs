//! Per-operation costs on one work order document (for finding where time goes).

use crate::report::Table;
use crate::sync_bench::seed_work_orders;
use fieldsync::model::WorkOrder;
use fieldsync::store::LocalStore;
use std::time::Instant;

fn per_op<T>(n: usize, mut f: impl FnMut() -> T) -> String {
    let t = Instant::now();
    for _ in 0..n {
        std::hint::black_box(f());
    }
    format!("{:.1} µs", t.elapsed().as_secs_f64() * 1e6 / n as f64)
}

pub fn run() -> anyhow::Result<Table> {
    let mut store = LocalStore::open_in_memory()?;
    let ids = seed_work_orders(&mut store, 1, 20)?;
    let mut doc = store.doc(ids[0])?;
    let bytes = doc.save();
    let heads = doc.get_heads();
    let mut t = Table::new(&format!(
        "micro: one work order, 21 changes, {} bytes saved",
        bytes.len()
    ));
    t.row("AutoCommit::save", per_op(200, || doc.save()), "-", None);
    t.row(
        "AutoCommit::load",
        per_op(200, || automerge::AutoCommit::load(&bytes).map(|_| ())),
        "-",
        None,
    );
    t.row(
        "Automerge::load",
        per_op(200, || automerge::Automerge::load(&bytes).map(|_| ())),
        "-",
        None,
    );
    t.row(
        "WorkOrder::from_doc",
        per_op(200, || WorkOrder::from_doc(&doc).map(|_| ())),
        "-",
        None,
    );
    let am = automerge::Automerge::load(&bytes)?;
    t.row(
        "WorkOrder::from_doc on Automerge",
        per_op(200, || WorkOrder::from_doc(&am).map(|_| ())),
        "-",
        None,
    );
    t.row(
        "hydrate checklist only",
        per_op(200, || {
            autosurgeon::hydrate_prop::<
                _,
                std::collections::BTreeMap<String, fieldsync::model::ChecklistItem>,
                _,
                _,
            >(&am, automerge::ROOT, "checklist")
            .map(|_| ())
        }),
        "-",
        None,
    );
    t.row(
        "hydrate events only",
        per_op(200, || {
            autosurgeon::hydrate_prop::<_, Vec<fieldsync::status::Event>, _, _>(
                &am,
                automerge::ROOT,
                "events",
            )
            .map(|_| ())
        }),
        "-",
        None,
    );
    t.row(
        "hydrate title only",
        per_op(200, || {
            autosurgeon::hydrate_prop::<_, String, _, _>(&am, automerge::ROOT, "title").map(|_| ())
        }),
        "-",
        None,
    );
    t.row(
        "AutoSerde -> serde_json::Value",
        per_op(200, || {
            serde_json::to_value(automerge::AutoSerde::from(&am)).map(|_| ())
        }),
        "-",
        None,
    );
    t.row(
        "Automerge::hydrate(None)",
        per_op(200, || am.hydrate(None)),
        "-",
        None,
    );
    t.row(
        "save_after(heads)",
        per_op(200, || doc.save_after(&heads)),
        "-",
        None,
    );
    // What the server does with a pushed never-synced work order (the first-sync hot path).
    let changes = am.get_changes(&[]);
    let raw: Vec<u8> = changes
        .iter()
        .flat_map(|c| c.raw_bytes().to_vec())
        .collect();
    t.row(
        &format!("Automerge::get_changes(&[]) ({} changes)", changes.len()),
        per_op(200, || am.get_changes(&[])),
        "-",
        None,
    );
    t.row(
        "Change::decode of every change (legacy ops)",
        per_op(200, || {
            changes.iter().map(|c| c.decode()).collect::<Vec<_>>()
        }),
        "-",
        None,
    );
    t.row(
        &format!("Change::from_bytes of every change ({} B raw)", raw.len()),
        per_op(200, || {
            changes
                .iter()
                .map(|c| automerge::Change::from_bytes(c.raw_bytes().to_vec()))
                .collect::<Vec<_>>()
        }),
        "-",
        None,
    );
    t.row(
        "Automerge::new().apply_changes(every change)",
        per_op(200, || {
            let mut d = automerge::Automerge::new();
            d.apply_changes(changes.iter().cloned()).map(|_| d)
        }),
        "-",
        None,
    );
    t.row(
        "Automerge::load of the concatenated changes",
        per_op(200, || automerge::Automerge::load(&raw).map(|_| ())),
        "-",
        None,
    );
    t.row(
        "Automerge::get_changes_meta(&[])",
        per_op(200, || am.get_changes_meta(&[]).len()),
        "-",
        None,
    );
    t.row(
        "fold",
        per_op(200, || WorkOrder::from_doc(&doc).map(|w| w.fold())),
        "-",
        None,
    );
    Ok(t)
}
