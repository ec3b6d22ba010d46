//! The physical floor of a sync: what any server must at least do with the very request the
//! app sends, measured in this process on this machine, so each sync figure can be read as a
//! multiple of it (issue 27, item 6) instead of against a guess.
//!
//! One pass, stage by stage:
//! 1. **receive** the request body (CBOR in zstd, exactly `wire::encode` of what
//!    `prepare_sync` builds) over a loopback TCP connection, read to its end;
//! 2. **decode** it: zstd, then CBOR into the `SyncRequest` (`wire::decode_request`);
//! 3. **parse every change with its hash**: `automerge::Change::from_bytes` on each pushed
//!    change as its own change chunk (header, SHA-256 hash, metadata, every op decoded). The
//!    body carries a new document as one compact document chunk, whose change hashes
//!    automerge yields only through a load; parsing the changes' own chunks is less work
//!    than that, so it is a floor;
//! 4. **one fsync**: write a file the size of the pushed Automerge bytes (what the server
//!    stores) and `sync_all` it, on the same disk as the servers' data;
//!
//! and separately the same plus
//! 5. **one `Automerge::load` per document** (the pushed document, or for changes to a known
//!    document the whole document after them).
//!
//! Stages 3 and 5 use every core, as the server validates a request's documents on every
//! core. Each figure is the median of several passes.

use crate::report::{Table, ms};
use automerge::{Automerge, Change};
use fieldsync::store::LocalStore;
use fieldsync::wire;
use std::io::{Read, Write};
use std::time::{Duration, Instant};

/// Passes per measurement (the median is reported).
const PASSES: usize = 7;
/// The design's budget: a first sync costs at most this many floors.
pub const FIRST_SYNC_BUDGET: f64 = 2.5;

/// What one floor pass works on, built from a device store before it syncs.
pub struct FloorInput {
    /// The request body the app sends.
    body: Vec<u8>,
    /// Every pushed change as its own change chunk.
    changes: Vec<Vec<u8>>,
    /// Per pushed document, what a server would load.
    documents: Vec<Vec<u8>>,
    /// Sum of the pushed Automerge bytes.
    stored: usize,
}

impl FloorInput {
    /// The inputs for `store`'s next sync (read only: the store is not changed).
    pub fn of_next_sync(store: &mut LocalStore) -> anyhow::Result<Self> {
        let out = store.prepare_sync(None)?;
        let mut changes = Vec::new();
        let mut documents = Vec::with_capacity(out.request.push.len());
        for push in &out.request.push {
            let mut doc = store.doc(push.doc_id)?;
            changes.extend(
                doc.get_changes(&push.base_heads.0)
                    .iter()
                    .map(|c| c.raw_bytes().to_vec()),
            );
            documents.push(if push.base_heads.is_empty() {
                push.changes.clone()
            } else {
                doc.save()
            });
        }
        Ok(FloorInput {
            body: wire::encode(&out.request),
            stored: out.request.push.iter().map(|p| p.changes.len()).sum(),
            changes,
            documents,
        })
    }

    pub fn body_bytes(&self) -> usize {
        self.body.len()
    }
}

/// The stages of one pass, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Receive,
    Decode,
    Parse,
    Fsync,
    Load,
}

impl Stage {
    pub const ALL: [Stage; 5] = [
        Stage::Receive,
        Stage::Decode,
        Stage::Parse,
        Stage::Fsync,
        Stage::Load,
    ];

    fn describe(self, input: &FloorInput) -> String {
        match self {
            Stage::Receive => format!(
                "receive the request body over loopback TCP ({:.1} KB)",
                input.body.len() as f64 / 1000.0
            ),
            Stage::Decode => "decode it: zstd, then CBOR (one thread)".into(),
            Stage::Parse => format!(
                "parse every change with its hash: Change::from_bytes × {} (all cores)",
                input.changes.len()
            ),
            Stage::Fsync => format!(
                "write and fsync one file of the stored size ({:.1} KB)",
                input.stored as f64 / 1000.0
            ),
            Stage::Load => format!(
                "one Automerge::load per document × {} (all cores)",
                input.documents.len()
            ),
        }
    }
}

/// Median time of every stage.
#[derive(Debug, Clone)]
pub struct Floor {
    stages: [Duration; 5],
}

impl Floor {
    fn stage(&self, s: Stage) -> Duration {
        self.stages[s as usize]
    }

    /// Receive + decode + parse + fsync.
    pub fn floor(&self) -> Duration {
        [Stage::Receive, Stage::Decode, Stage::Parse, Stage::Fsync]
            .iter()
            .map(|s| self.stage(*s))
            .sum()
    }

    /// The floor plus one load per document.
    pub fn with_load(&self) -> Duration {
        self.floor() + self.stage(Stage::Load)
    }
}

/// `f` on every item, spread over the cores as the hub spreads a request's documents
/// ([`fieldsync_server::hub::on_all_cores`]); the first error, if any.
fn on_all_cores<T: Sync>(
    items: &[T],
    f: impl Fn(&T) -> anyhow::Result<()> + Sync,
) -> anyhow::Result<()> {
    fieldsync_server::hub::on_all_cores(items.iter().collect(), f)
        .into_iter()
        .collect()
}

/// Stage 1: the body sent by another thread over a fresh loopback connection, read to its end.
fn receive(body: &[u8]) -> anyhow::Result<Vec<u8>> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    std::thread::scope(|s| {
        let sender = s.spawn(move || -> std::io::Result<()> {
            let mut out = std::net::TcpStream::connect(addr)?;
            out.write_all(body)?;
            out.shutdown(std::net::Shutdown::Write)
        });
        let (mut inbound, _) = listener.accept()?;
        let mut got = Vec::with_capacity(body.len());
        inbound.read_to_end(&mut got)?;
        sender
            .join()
            .unwrap_or_else(|p| std::panic::resume_unwind(p))?;
        anyhow::ensure!(got.len() == body.len(), "the body arrived truncated");
        Ok(got)
    })
}

/// One pass; returns the time of every stage.
fn pass(input: &FloorInput, dir: &std::path::Path, n: usize) -> anyhow::Result<[Duration; 5]> {
    let mut times = [Duration::ZERO; 5];
    let mut timed = |stage: Stage, f: &mut dyn FnMut() -> anyhow::Result<()>| {
        let t = Instant::now();
        let r = f();
        times[stage as usize] = t.elapsed();
        r
    };
    let mut received = Vec::new();
    timed(Stage::Receive, &mut || {
        received = receive(&input.body)?;
        Ok(())
    })?;
    let mut pushed = 0;
    timed(Stage::Decode, &mut || {
        pushed = wire::decode_request(&received)?.push.len();
        Ok(())
    })?;
    anyhow::ensure!(pushed == input.documents.len(), "the body decoded wrong");
    timed(Stage::Parse, &mut || {
        on_all_cores(&input.changes, |bytes| {
            let change = Change::from_bytes(bytes.clone())?;
            std::hint::black_box(change.hash());
            Ok(())
        })
    })?;
    let stored = vec![0x5au8; input.stored];
    let path = dir.join(format!("floor-{n}.bin"));
    timed(Stage::Fsync, &mut || {
        let mut file = std::fs::File::create(&path)?;
        file.write_all(&stored)?;
        file.sync_all()?;
        Ok(())
    })?;
    std::fs::remove_file(&path)?;
    timed(Stage::Load, &mut || {
        on_all_cores(&input.documents, |bytes| {
            std::hint::black_box(Automerge::load(bytes)?);
            Ok(())
        })
    })?;
    Ok(times)
}

/// The median of [`PASSES`] passes over `input`.
pub fn measure(input: &FloorInput) -> anyhow::Result<Floor> {
    let dir = tempfile::tempdir()?;
    let mut passes = Vec::with_capacity(PASSES);
    for n in 0..PASSES {
        passes.push(pass(input, dir.path(), n)?);
    }
    let mut stages = [Duration::ZERO; 5];
    for (i, slot) in stages.iter_mut().enumerate() {
        let mut times: Vec<Duration> = passes.iter().map(|p| p[i]).collect();
        times.sort();
        *slot = times[times.len() / 2];
    }
    Ok(Floor { stages })
}

/// The floor's table: every stage, the floor and the floor with loads.
/// `estimates`: what issue 27 estimated for this machine (floor, with loads), if it did.
pub fn table(
    title: &str,
    input: &FloorInput,
    floor: &Floor,
    estimates: Option<(u32, u32)>,
) -> Table {
    let mut t = Table::new(title);
    for stage in Stage::ALL {
        t.row(&stage.describe(input), ms(floor.stage(stage)), "-", None);
    }
    let (floor_est, load_est) = match estimates {
        Some((f, l)) => (
            format!("≈ {f} ms (estimate)"),
            format!("≈ {l} ms (estimate)"),
        ),
        None => ("-".into(), "-".into()),
    };
    t.row(
        "floor: receive + decode + parse + fsync",
        ms(floor.floor()),
        &floor_est,
        None,
    );
    t.row(
        "floor with one load per document",
        ms(floor.with_load()),
        &load_est,
        None,
    );
    t
}

/// `figure ÷ floor` as "412.0 ms ÷ 31.0 ms = 13.3×".
fn multiple(figure: Duration, floor: Duration) -> (String, f64) {
    let m = figure.as_secs_f64() / floor.as_secs_f64().max(1e-9);
    (format!("{} ÷ {} = {m:.1}×", ms(figure), ms(floor)), m)
}

/// What one sync is compared with: its wall time (or why there is none) and its floor.
pub struct Versus<'a> {
    pub sync: &'a str,
    pub wall: Result<Duration, String>,
    pub floor: &'a Floor,
    /// At most this many floors, if the design sets a budget.
    pub budget: Option<f64>,
}

/// Each sync's wall time as a multiple of its floor and of its floor with loads.
pub fn multiples(title: &str, syncs: &[Versus]) -> Table {
    let mut t = Table::new(title);
    for v in syncs {
        let rows = [
            ("floor", v.floor.floor(), v.budget),
            (
                "floor with one load per document",
                v.floor.with_load(),
                None,
            ),
        ];
        for (which, floor, budget) in rows {
            let figure = format!("{} wall time ÷ {which}", v.sync);
            let budget_text = budget.map_or("-".into(), |b| format!("≤ {b}×"));
            match &v.wall {
                Ok(wall) => {
                    let (text, m) = multiple(*wall, floor);
                    t.row(&figure, text, &budget_text, budget.map(|b| m <= b));
                }
                Err(why) => t.row(&figure, why.clone(), &budget_text, None),
            }
        }
    }
    t
}

/// Issue 27's estimates for the first sync on this machine: floor, floor with loads (ms).
pub const FIRST_SYNC_ESTIMATES: (u32, u32) = (32, 87);

/// The first-sync workload (500 work orders × 20 offline edits, as `first-sync` seeds it)
/// and the reconnect after it (50 of them changed once more), in memory, synced with the
/// in-process reference hub so the reconnect pushes changes, not whole documents.
pub fn workloads() -> anyhow::Result<(FloorInput, FloorInput)> {
    use fieldsync::model::work_order as wo;
    let mut store = LocalStore::open_in_memory()?;
    let user = fieldsync::UserId::new().to_string();
    let ids = crate::sync_bench::seed_work_orders_as(&mut store, 500, 20, &user)?;
    let first = FloorInput::of_next_sync(&mut store)?;
    let mut hub = fieldsync::testing::MemoryHub::new();
    let now = fieldsync_tests::now_ms();
    loop {
        let out = store.prepare_sync(None)?;
        let resp = hub.sync("dev", &out.request, now);
        if !store.apply_sync(&out, resp, now)?.more {
            break;
        }
    }
    for (n, id) in ids.iter().take(50).enumerate() {
        store.edit(*id, now, |d| {
            wo::set_findings(d, &format!("checked again, round {n}"), now)
        })?;
    }
    Ok((first, FloorInput::of_next_sync(&mut store)?))
}

/// `fieldsync-bench floor`: the floor of first-sync's request and of reconnect's.
pub fn run() -> anyhow::Result<Vec<Table>> {
    let (first, reconnect) = workloads()?;
    let (f, r) = (measure(&first)?, measure(&reconnect)?);
    Ok(vec![
        table(
            "floor of first-sync's request: 500 work orders × 20 offline edits (median of 7 passes)",
            &first,
            &f,
            Some(FIRST_SYNC_ESTIMATES),
        ),
        table(
            "floor of reconnect's request: 50 of 500 documents changed (median of 7 passes)",
            &reconnect,
            &r,
            None,
        ),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn the_floor_adds_its_stages_and_the_load_on_top() {
        let f = Floor {
            stages: [1, 2, 3, 4, 10].map(Duration::from_millis),
        };
        assert_eq!(f.floor(), Duration::from_millis(10));
        assert_eq!(f.with_load(), Duration::from_millis(20));
    }

    #[test]
    fn a_multiple_reads_as_figure_over_floor() {
        let (text, m) = multiple(Duration::from_millis(50), Duration::from_millis(20));
        assert_eq!(text, "50.0 ms ÷ 20.0 ms = 2.5×");
        assert_eq!(m, 2.5);
    }

    #[test]
    fn work_on_all_cores_visits_every_item_once_and_stops_on_an_error() {
        let seen = AtomicUsize::new(0);
        let items: Vec<usize> = (0..100).collect();
        on_all_cores(&items, |i| {
            seen.fetch_add(*i, Ordering::Relaxed);
            Ok(())
        })
        .unwrap();
        assert_eq!(seen.load(Ordering::Relaxed), (0..100).sum::<usize>());
        let refused = on_all_cores(&items, |i| {
            anyhow::ensure!(*i != 42, "bad item");
            Ok(())
        });
        assert!(refused.is_err());
    }

    #[test]
    fn a_pass_over_a_small_store_parses_and_loads_what_it_pushes() {
        let mut store = LocalStore::open_in_memory().unwrap();
        crate::sync_bench::seed_work_orders(&mut store, 3, 2).unwrap();
        let input = FloorInput::of_next_sync(&mut store).unwrap();
        assert_eq!(input.documents.len(), 3);
        let in_documents: usize = input
            .documents
            .iter()
            .map(|d| Automerge::load(d).unwrap().get_changes(&[]).len())
            .sum();
        assert_eq!(input.changes.len(), in_documents, "every change, once");
        assert!(in_documents >= 3 * 3, "creation plus two edits each");
        let dir = tempfile::tempdir().unwrap();
        pass(&input, dir.path(), 0).unwrap();
    }
}
