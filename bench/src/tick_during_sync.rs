//! The UI's view of a big sync: a checklist tick on the UI thread while the sync worker
//! applies a 2 MiB page to the same store (the app shares one store behind a mutex). The
//! worker applies the page in slices (`fieldsync::engine::Applying`), so a tick waits for one
//! slice; applied whole, a tick waits for the whole page.

use crate::report::{Table, ms, percentile};
use crate::sync_bench::{fill_device_store, seed_work_orders_as};
use fieldsync::engine::{APPLY_SLICE_BYTES as SLICE, Applying};
use fieldsync::model::work_order::{self as wo, CheckAnswer};
use fieldsync::store::LocalStore;
use fieldsync::testing::MemoryHub;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const T0: i64 = 1_750_000_000_000;
const PAGE: usize = 2 * 1024 * 1024;

pub fn run() -> anyhow::Result<Table> {
    let mut hub = MemoryHub::new();
    hub.page_bytes = PAGE;
    let mut office = LocalStore::open_in_memory()?;
    let ids = seed_work_orders_as(&mut office, 50, 5, "eng")?;
    sync_all(&mut office, "office", &mut hub)?;
    // Two engineers' laptops with the work orders, on disk as in the app.
    let dirs = [tempfile::tempdir()?, tempfile::tempdir()?];
    let mut laptops = Vec::new();
    for (n, dir) in dirs.iter().enumerate() {
        let mut store = LocalStore::open(dir.path())?;
        sync_all(&mut store, &format!("eng{n}"), &mut hub)?;
        laptops.push(store);
    }
    // The office imports a ledger: the laptops' next answer is a full page of devices.
    fill_device_store(&mut office, 8_000)?;
    sync_all(&mut office, "office", &mut hub)?;

    let mut t = Table::new("app: a checklist tick while a 2 MiB sync page is applied");
    for (n, (mut store, budget)) in laptops.into_iter().zip([usize::MAX, SLICE]).enumerate() {
        let name = format!("eng{n}");
        let out = store.prepare_sync(Some(PAGE as u64))?;
        let resp = hub.sync(&name, &out.request, T0);
        let page_bytes: usize = resp.pull.iter().map(|p| p.bytes.len()).sum();
        let docs = resp.pull.len();
        let shared = Arc::new(Mutex::new(store));
        let (waits, apply) = ticks_while_applying(&shared, &out, resp, budget, &ids)?;
        let how = if budget == usize::MAX {
            "applied whole (one transaction)".to_string()
        } else {
            format!("applied in {} KiB slices (the app)", budget / 1024)
        };
        t.row(
            &format!("page of {docs} documents, {} KiB: {how}", page_bytes / 1024),
            format!("{} to apply", ms(apply)),
            "-",
            None,
        );
        let worst = waits.last().copied().unwrap_or_default();
        let p99 = percentile(&waits, 0.99);
        t.row(
            &format!(
                "  tick → durable meanwhile ({} ticks): p99 / longest",
                waits.len()
            ),
            format!("{} / {}", ms(p99), ms(worst)),
            if budget == usize::MAX {
                "-"
            } else {
                "< 50 ms (3 frames)"
            },
            (budget != usize::MAX).then_some(worst < Duration::from_millis(50)),
        );
    }
    Ok(t)
}

/// Sync until the hub has nothing more.
fn sync_all(store: &mut LocalStore, name: &str, hub: &mut MemoryHub) -> anyhow::Result<()> {
    loop {
        let out = store.prepare_sync(None)?;
        let resp = hub.sync(name, &out.request, T0);
        if !store.apply_sync(&out, resp, T0)?.more {
            return Ok(());
        }
    }
}

/// Apply `resp` on a worker thread in slices of `budget` bytes while this thread ticks
/// checklist items every 2 ms, as the UI does; each tick's wait (lock + durable write), sorted,
/// and the apply's wall time.
fn ticks_while_applying(
    store: &Arc<Mutex<LocalStore>>,
    out: &fieldsync::engine::Outgoing,
    resp: fieldsync::wire::SyncResponse,
    budget: usize,
    ids: &[fieldsync::DocId],
) -> anyhow::Result<(Vec<Duration>, Duration)> {
    let done = Arc::new(AtomicBool::new(false));
    let worker = {
        let (store, out, done) = (store.clone(), out.clone(), done.clone());
        std::thread::spawn(move || -> anyhow::Result<Duration> {
            let started = Instant::now();
            let mut applying = Applying::new(resp);
            loop {
                let mut guard = store.lock().unwrap_or_else(|p| p.into_inner());
                if applying.step(&mut guard, &out, budget, T0)?.is_some() {
                    break;
                }
            }
            done.store(true, Ordering::SeqCst);
            Ok(started.elapsed())
        })
    };
    let mut waits = Vec::new();
    let mut n = 0usize;
    while !done.load(Ordering::SeqCst) {
        let id = ids[n % ids.len()];
        let item = format!("item-{:02}", n % 20);
        let now = T0 + 1_000 + n as i64;
        let t = Instant::now();
        store
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .edit(id, now, |d| {
                wo::answer_checklist_item(
                    d,
                    &item,
                    &CheckAnswer::PassFail("fail".into()),
                    None,
                    "eng",
                    now,
                )
            })?;
        waits.push(t.elapsed());
        n += 1;
        std::thread::sleep(Duration::from_millis(2));
    }
    let apply = worker
        .join()
        .map_err(|_| anyhow::anyhow!("the applying thread panicked"))??;
    waits.sort();
    Ok((waits, apply))
}
