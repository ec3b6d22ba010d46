//! The load scenario's server work without HTTP or a child process: `engineers` × 10 devices
//! (in-memory device stores), 100 work orders per engineer created by the office, every device
//! takes its briefcase, then each round every device pushes its 10 edited work orders and the
//! server's part of each request — decode the body, the caller's actors, `Hub::sync`, encode
//! the answer — is timed (`serve`, one request after another on this thread; the hub spreads
//! a request's documents over the cores as it does in the server).
//!
//! For profiling the per-document merge cost:
//! ```sh
//! valgrind --tool=callgrind --collect-atstart=no --toggle-collect='*hub_load::serve_round*' \
//!     target/release/fieldsync-bench hub-load 2 1
//! ```
//! (2 engineers = 20 devices, 1 round: 200 merged documents; only `serve_round` is counted.)

use crate::report::{Table, ms};
use crate::sync_bench::new_work_order;
use fieldsync::model::work_order::{self as wo};
use fieldsync::store::{Identity, LocalStore};
use fieldsync::wire::{self, PushOutcome};
use fieldsync::{DeviceId, DocId, DocKind, Role, UserId};
use fieldsync_server::hub::{CallerCtx, Hub, HubConfig};
use fieldsync_server::storage::{self, Db, NewUser, UserRecord};
use std::time::{Duration, Instant};

struct Device {
    store: LocalStore,
    user: UserRecord,
    device: DeviceId,
}

/// (VmRSS, VmHWM) of this process in KiB.
fn rss_kib() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let get = |key: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(key))
            .and_then(|v| v.split_whitespace().next()?.parse().ok())
            .unwrap_or(0)
    };
    (get("VmRSS:"), get("VmHWM:"))
}

fn process_cpu() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = [11, 12]
        .iter()
        .filter_map(|i| fields.get(*i)?.parse::<u64>().ok())
        .sum();
    Duration::from_millis(ticks * 10)
}

/// What the sync handler does with a body once it has it (off the async workers).
#[inline(never)]
fn serve(db: &Db, hub: &Hub, user: &UserRecord, device: DeviceId, body: &[u8]) -> Vec<u8> {
    let req = wire::decode_request(body).expect("the bench's request decodes");
    let actors = db
        .blocking()
        .actors_of_user(user.id)
        .expect("actors")
        .iter()
        .filter_map(|a| automerge::ActorId::try_from(a.as_str()).ok())
        .collect();
    let caller = CallerCtx::new(user.clone(), device, actors);
    let (resp, _) = hub
        .sync(&caller, &req, fieldsync_tests::now_ms())
        .expect("sync");
    wire::encode(&resp)
}

/// [`serve`] for the timed pushes only (callgrind's `--toggle-collect` target).
#[inline(never)]
fn serve_round(db: &Db, hub: &Hub, user: &UserRecord, device: DeviceId, body: &[u8]) -> Vec<u8> {
    serve(db, hub, user, device, body)
}

fn sync_until_done(db: &Db, hub: &Hub, d: &mut Device) -> anyhow::Result<usize> {
    let mut rejected = 0;
    for _ in 0..100 {
        let out = d.store.prepare_sync(None)?;
        let body = serve(db, hub, &d.user, d.device, &wire::encode(&out.request));
        let resp = wire::decode_response(&body)?;
        rejected += resp
            .results
            .iter()
            .filter(|r| matches!(r.outcome, PushOutcome::Rejected { .. }))
            .count();
        let rep = d.store.apply_sync(&out, resp, fieldsync_tests::now_ms())?;
        if !rep.more {
            return Ok(rejected);
        }
    }
    anyhow::bail!("sync did not settle")
}

fn new_device(db: &Db, user: &UserRecord, now: i64) -> anyhow::Result<Device> {
    let store = LocalStore::open_in_memory()?;
    let device = store.device_id()?;
    db.blocking().upsert_device(device, user.id, "bench", now)?;
    db.blocking()
        .register_actors(device, user.id, &[store.actor().to_hex_string()], now)?;
    store.set_identity(&Identity {
        user_id: user.id.to_string(),
        username: user.username.clone(),
        display_name: user.display_name.clone(),
        role: user.role,
    })?;
    Ok(Device {
        store,
        user: user.clone(),
        device,
    })
}

/// `hub-load [engineers] [rounds]` (defaults 20 and 3: the HTTP load scenario's 200 devices).
pub fn run(engineers: usize, rounds: usize) -> anyhow::Result<Table> {
    let dir = tempfile::tempdir()?;
    let db = storage::open(&storage::url_for_data_dir(dir.path()))?;
    let now = fieldsync_tests::now_ms();
    let mk = |name: &str, role: Role| {
        db.blocking().create_user(&NewUser {
            id: UserId::new(),
            username: name.into(),
            display_name: name.into(),
            role,
            password_hash: "-".into(),
            now,
        })
    };
    let hub = Hub::new(db.clone(), HubConfig::default())?;
    let office_user = mk("office", Role::Dispatcher)?;
    let mut office = new_device(&db, &office_user, now)?;
    let mut devs = Vec::new();
    let mut owned: Vec<Vec<DocId>> = Vec::new();
    for e in 0..engineers {
        let user = mk(&format!("eng{e:03}"), Role::Engineer)?;
        for _ in 0..10 {
            devs.push(new_device(&db, &user, now)?);
            owned.push(Vec::new());
        }
        for k in 0..100 {
            let mut new = new_work_order(k, 5, &user.id.to_string());
            new.kind = "inspection".into();
            let by = office_user.id.to_string();
            let id = office.store.create(DocKind::WorkOrder, 0, |doc, id| {
                wo::create_work_order(doc, id, &new, &by, 0)
            })?;
            owned[e * 10 + k / 10].push(id);
        }
    }
    let rss0 = rss_kib();
    sync_until_done(&db, &hub, &mut office)?;
    let office_rss = (rss0, rss_kib());
    for d in devs.iter_mut() {
        sync_until_done(&db, &hub, d)?;
    }
    let (mut serve_wall, mut serve_cpu, mut merged, mut rejected) =
        (Duration::ZERO, Duration::ZERO, 0usize, 0usize);
    let mut answer_bytes = 0usize;
    for round in 0..rounds {
        for (d, dev) in devs.iter_mut().enumerate() {
            for id in &owned[d] {
                let now = fieldsync_tests::now_ms();
                dev.store.edit(*id, now, |doc| {
                    wo::set_findings(doc, &format!("round {round}"), now)
                })?;
            }
        }
        for dev in devs.iter_mut() {
            let out = dev.store.prepare_sync(None)?;
            let body = wire::encode(&out.request);
            let (cpu0, t) = (process_cpu(), Instant::now());
            let answer = serve_round(&db, &hub, &dev.user, dev.device, &body);
            serve_wall += t.elapsed();
            serve_cpu += process_cpu() - cpu0;
            answer_bytes += answer.len();
            let resp = wire::decode_response(&answer)?;
            for r in &resp.results {
                match r.outcome {
                    PushOutcome::Accepted { .. } => merged += 1,
                    PushOutcome::Rejected { .. } => rejected += 1,
                }
            }
            let rep = dev
                .store
                .apply_sync(&out, resp, fieldsync_tests::now_ms())?;
            if rep.more {
                rejected += sync_until_done(&db, &hub, dev)?;
            }
        }
    }
    anyhow::ensure!(rejected == 0, "{rejected} pushes were rejected");
    if let Ok(keep) = std::env::var("FIELDSYNC_BENCH_KEEP_DB") {
        drop(hub);
        std::fs::create_dir_all(&keep)?;
        for e in std::fs::read_dir(dir.path())? {
            let e = e?;
            std::fs::copy(e.path(), std::path::Path::new(&keep).join(e.file_name()))?;
        }
    }
    let mut t = Table::new(&format!(
        "load's server work in process: {} devices × 10 documents × {rounds} rounds, requests one after another",
        devs.len()
    ));
    let per = |d: Duration| format!("{:.0} µs", d.as_secs_f64() * 1e6 / merged.max(1) as f64);
    t.row("documents merged", merged.to_string(), "-", None);
    t.row(
        "process RSS before the office's upload / peak during it / after it (MiB)",
        format!(
            "{:.1} / {:.1} / {:.1}",
            office_rss.0.0 as f64 / 1024.0,
            office_rss.1.1 as f64 / 1024.0,
            office_rss.1.0 as f64 / 1024.0
        ),
        "-",
        None,
    );
    t.row(
        "serve (decode, actors, Hub::sync, encode): wall / process CPU",
        format!("{} / {}", ms(serve_wall), ms(serve_cpu)),
        "-",
        None,
    );
    t.row(
        "per merged document: wall / CPU",
        format!("{} / {}", per(serve_wall), per(serve_cpu)),
        "-",
        None,
    );
    t.row(
        "answer bytes per request",
        format!("{}", answer_bytes / (devs.len() * rounds).max(1)),
        "-",
        None,
    );
    Ok(t)
}

/// Memory of what the hub's cache keeps per work order (`hub-load-mem`): RSS growth for
/// 2,000 loaded copies of one load-scenario work order, for its saved bytes, and for its
/// typed read.
pub fn cache_memory() -> anyhow::Result<Table> {
    let mut store = LocalStore::open_in_memory()?;
    let mut new = new_work_order(1, 5, "eng");
    new.kind = "inspection".into();
    let id = store.create(DocKind::WorkOrder, 0, |doc, id| {
        wo::create_work_order(doc, id, &new, "office", 0)
    })?;
    for r in 0..3 {
        store.edit(id, r, |doc| wo::set_findings(doc, &format!("round {r}"), r))?;
    }
    let bytes = store.doc(id)?.save();
    let n = 2000;
    let mut t = Table::new("what a cached work order costs in memory (2,000 copies, RSS growth)");
    let r0 = rss_kib().0;
    let docs: Vec<automerge::Automerge> = (0..n)
        .map(|_| automerge::Automerge::load(&bytes))
        .collect::<Result<_, _>>()?;
    let r1 = rss_kib().0;
    let wos: Vec<fieldsync::model::WorkOrder> = docs
        .iter()
        .map(fieldsync::model::WorkOrder::from_doc)
        .collect::<Result<_, _>>()?;
    let r2 = rss_kib().0;
    let saved: Vec<Vec<u8>> = docs.iter().map(|d| d.save()).collect();
    let r3 = rss_kib().0;
    let per = |a: u64, b: u64| format!("{:.1} KiB", (b.saturating_sub(a)) as f64 / n as f64);
    t.row("saved size", format!("{} B", bytes.len()), "-", None);
    t.row("loaded Automerge document", per(r0, r1), "-", None);
    t.row("typed work order", per(r1, r2), "-", None);
    t.row("saved bytes", per(r2, r3), "-", None);
    drop((docs, wos, saved));
    Ok(t)
}
