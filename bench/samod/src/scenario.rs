//! first-sync and reconnect against samod: one device repo on samod's filesystem storage
//! makes the workload's edits offline, waits until its storage has gone quiet, then dials the
//! server with samod's own tungstenite WebSocket client (retrying with backoff); a sync is
//! over when the server has acknowledged every document's heads.
//!
//! Every step has a bound: a step that does not finish in time is reported as hung (and the
//! steps after it as not run) instead of holding the benchmark, so `fieldsync-bench
//! vs-samod` always gets an answer.

use crate::quiet::{Quiet, QuietStorage};
use crate::server::ServerChild;
use crate::wire_proxy::{self, Counters, Snapshot};
use crate::workload::Workload;
use automerge::{Automerge, ChangeHash, ReadDoc};
use futures::{FutureExt, StreamExt};
use samod::storage::TokioFilesystemStorage;
use samod::{BackoffConfig, DialerEvent, DocHandle, Repo, Url};
use serde::Serialize;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The device repo's storage: samod's filesystem storage, with its operations counted.
type DeviceStorage = QuietStorage<TokioFilesystemStorage>;

/// How long each step may take.
#[derive(Debug, Clone, Copy)]
pub struct Bounds {
    /// Seeding the device repo, reopening it and waiting for it to go quiet.
    pub setup: Duration,
    /// One sync, from the dial to the server's last acknowledgement.
    pub sync: Duration,
    /// Stopping a repo (samod waits for its storage writes).
    pub stop: Duration,
}

impl Bounds {
    /// The bounds with every sync bounded by `sync`.
    pub fn with_sync(sync: Duration) -> Self {
        Bounds {
            setup: Duration::from_secs(90),
            sync,
            stop: Duration::from_secs(15),
        }
    }
}

/// The dial: retried with backoff (10 ms doubling to 1 s, at most 15 retries, ~10 s in all).
///
/// A retry is needed: samod 0.16's `Repo::dial` hands the hub the new dialer (which at once
/// asks the io loop to connect, lib.rs:795) before it registers the dialer with the io loop
/// (lib.rs:810), so on a multi-threaded runtime the io loop may find "no dialer registered"
/// (io_loop.rs:165) and fail the first attempt. With no retry (as this benchmark had) that
/// dialer gives up and the sync waits for ever: the hangs of issue 27. The first retry comes
/// after ~10 ms, so a lost race costs samod's clock little.
fn backoff() -> BackoffConfig {
    BackoffConfig {
        initial_delay: Duration::from_millis(10),
        max_delay: Duration::from_secs(1),
        max_retries: Some(15),
    }
}

/// Figures of one sync, as fieldsync-bench reads them.
#[derive(Serialize, Debug)]
pub struct Figures {
    pub documents: usize,
    pub wall_ms: f64,
    pub bytes_up: u64,
    pub bytes_down: u64,
    pub frames_up: u64,
    pub frames_down: u64,
    pub connections: u64,
    /// Server CPU spent on this sync, including work it finished after acknowledging.
    pub server_cpu_ms: f64,
    pub server_peak_rss_mib: f64,
    /// Dial attempts after the first (reconnections included).
    pub dial_retries: u64,
    /// Why connections were lost or dial attempts failed during the sync.
    pub dial_errors: Vec<String>,
    /// Device storage operations done before the clock started (all finished).
    pub device_storage_ops_before: u64,
    /// How long the device repo took to go quiet before the clock started.
    pub device_quiet_wait_ms: f64,
}

/// How one sync of the race ended.
#[derive(Serialize, Debug)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Measured {
    Done(Figures),
    /// `stage` did not finish within its bound.
    Hung {
        stage: String,
        after_s: f64,
    },
    /// `stage` failed.
    Failed {
        stage: String,
        error: String,
    },
    /// Not attempted because an earlier step did not finish.
    NotRun {
        reason: String,
    },
}

impl Measured {
    pub fn is_done(&self) -> bool {
        matches!(self, Measured::Done(_))
    }

    /// One line for the log.
    pub fn summary(&self) -> String {
        match self {
            Measured::Done(f) => format!("{:.0} ms", f.wall_ms),
            Measured::Hung { stage, after_s } => format!("HUNG after {after_s:.0} s ({stage})"),
            Measured::Failed { stage, error } => format!("FAILED ({stage}): {error}"),
            Measured::NotRun { reason } => format!("not run: {reason}"),
        }
    }
}

#[derive(Serialize, Debug)]
pub struct Report {
    pub tool: &'static str,
    pub documents: usize,
    pub saved_bytes: u64,
    pub reconnect_change_bytes: u64,
    pub first_sync: Measured,
    pub reconnect: Measured,
}

/// A document the device holds and the heads the server must acknowledge.
struct Synced {
    handle: DocHandle,
    heads: Vec<ChangeHash>,
}

struct Net<'a> {
    server: &'a ServerChild,
    counters: &'a Counters,
    url: Url,
}

async fn device_repo(storage: DeviceStorage) -> Repo {
    Repo::build_tokio()
        .with_storage(storage)
        .with_peer_id("device".into())
        .load()
        .await
}

fn stopped(_: samod::Stopped) -> anyhow::Error {
    anyhow::anyhow!("the samod repo stopped")
}

/// `fut` within `bound`, as one step of the race: its error or its hang becomes the outcome.
async fn step<T>(
    stage: &str,
    bound: Duration,
    fut: impl Future<Output = anyhow::Result<T>>,
) -> Result<T, Measured> {
    match tokio::time::timeout(bound, fut).await {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(Measured::Failed {
            stage: stage.into(),
            error: format!("{e:#}"),
        }),
        Err(_) => Err(Measured::Hung {
            stage: stage.into(),
            after_s: bound.as_secs_f64(),
        }),
    }
}

/// Stop `repo` (samod finishes its storage writes first), giving up after `bound`.
async fn stop(repo: Repo, bound: Duration) {
    if tokio::time::timeout(bound, repo.stop()).await.is_err() {
        eprintln!("samod-bench: the device repo did not stop within {bound:?}; going on");
    }
}

/// Wait for the device storage to go quiet (no write in flight, none for a moment).
async fn settle(storage: &DeviceStorage, bound: Duration) -> Result<Quiet, Measured> {
    storage.wait_quiet(bound).await.ok_or(Measured::Hung {
        stage: "waiting for the device repo to go quiet".into(),
        after_s: bound.as_secs_f64(),
    })
}

pub async fn run(workload: &Workload, bounds: Bounds) -> anyhow::Result<Report> {
    let tmp = tempfile::tempdir()?;
    let (server_dir, device_dir) = (tmp.path().join("server"), tmp.path().join("device"));
    std::fs::create_dir_all(&server_dir)?;
    std::fs::create_dir_all(&device_dir)?;
    let server = ServerChild::start(&server_dir)?;
    let counters = Arc::new(Counters::default());
    let proxy = wire_proxy::start(server.addr, counters.clone()).await?;
    let net = Net {
        server: &server,
        counters: &counters,
        url: format!("ws://{proxy}/").parse()?,
    };

    let storage = QuietStorage::new(TokioFilesystemStorage::new(&device_dir));
    let repo = device_repo(storage.clone()).await;
    let first = first_sync(&repo, &storage, &net, workload, bounds).await;
    stop(repo, bounds.stop).await;
    let (first_sync, reconnect) = match first {
        Ok((docs, figures)) => {
            let storage = QuietStorage::new(TokioFilesystemStorage::new(&device_dir));
            let repo = device_repo(storage.clone()).await;
            let reconnect = reconnect(&repo, &storage, &net, workload, &docs, bounds).await;
            stop(repo, bounds.stop).await;
            (
                Measured::Done(figures),
                reconnect.map_or_else(|m| m, Measured::Done),
            )
        }
        Err(m) => (
            m,
            Measured::NotRun {
                reason: "the first sync did not finish".into(),
            },
        ),
    };
    Ok(Report {
        tool: "samod 0.16.0",
        documents: workload.documents.len(),
        saved_bytes: workload.saved_bytes,
        reconnect_change_bytes: workload.reconnect_bytes,
        first_sync,
        reconnect,
    })
}

/// Offline: every document created and then edited change by change, as the app would;
/// then, once the device's storage is quiet, the first sync.
async fn first_sync(
    repo: &Repo,
    storage: &DeviceStorage,
    net: &Net<'_>,
    workload: &Workload,
    bounds: Bounds,
) -> Result<(Vec<Synced>, Figures), Measured> {
    let docs = step(
        "seeding the device repo",
        bounds.setup,
        seed(repo, workload),
    )
    .await?;
    let quiet = settle(storage, bounds.setup).await?;
    let figures = sync(repo, net, &docs, bounds.sync, quiet).await?;
    Ok((docs, figures))
}

async fn seed(repo: &Repo, workload: &Workload) -> anyhow::Result<Vec<Synced>> {
    let mut docs = Vec::with_capacity(workload.documents.len());
    for changes in &workload.documents {
        let (first, rest) = changes
            .split_first()
            .ok_or_else(|| anyhow::anyhow!("a document without changes"))?;
        let mut initial = Automerge::new();
        initial.apply_changes([first.clone()])?;
        let handle = repo.create(initial).await.map_err(stopped)?;
        for change in rest {
            handle.with_document(|d| d.apply_changes([change.clone()]))?;
        }
        let heads = handle.with_document(|d| d.get_heads());
        docs.push(Synced { handle, heads });
    }
    Ok(docs)
}

/// The app restarted: it opens the documents it changes (samod only syncs open documents),
/// changes them offline, and once its storage is quiet, reconnects.
async fn reconnect(
    repo: &Repo,
    storage: &DeviceStorage,
    net: &Net<'_>,
    workload: &Workload,
    docs: &[Synced],
    bounds: Bounds,
) -> Result<Figures, Measured> {
    let changed = step(
        "reopening and changing the documents",
        bounds.setup,
        change_offline(repo, workload, docs),
    )
    .await?;
    let quiet = settle(storage, bounds.setup).await?;
    sync(repo, net, &changed, bounds.sync, quiet).await
}

async fn change_offline(
    repo: &Repo,
    workload: &Workload,
    docs: &[Synced],
) -> anyhow::Result<Vec<Synced>> {
    let mut changed = Vec::with_capacity(workload.reconnect.len());
    for (n, bytes) in &workload.reconnect {
        let id = docs[*n].handle.document_id().clone();
        let handle = repo
            .find(id)
            .await
            .map_err(stopped)?
            .ok_or_else(|| anyhow::anyhow!("document {n} was not in the device's storage"))?;
        let heads = handle.with_document(|d| apply_offline_change(d, bytes))?;
        changed.push(Synced { handle, heads });
    }
    Ok(changed)
}

/// Apply changes in Automerge's incremental format; refuse ones that would wait for
/// missing dependencies (they would never sync, and the comparison would be wrong).
fn apply_offline_change(doc: &mut Automerge, bytes: &[u8]) -> anyhow::Result<Vec<ChangeHash>> {
    let before = doc.get_heads();
    doc.load_incremental(bytes)?;
    anyhow::ensure!(
        doc.get_missing_deps(&[]).is_empty() && doc.get_heads() != before,
        "the reconnect change does not apply to the document as first synced"
    );
    Ok(doc.get_heads())
}

/// Dial the server and wait until it has acknowledged every document's heads, within
/// `bound`. The clock starts at the dial: the device repo is quiet by then.
async fn sync(
    repo: &Repo,
    net: &Net<'_>,
    docs: &[Synced],
    bound: Duration,
    quiet: Quiet,
) -> Result<Figures, Measured> {
    let before: Snapshot = net.counters.snapshot();
    let cpu0 = net.server.cpu();
    let start = Instant::now();
    let dialer = repo
        .dial_websocket(net.url.clone(), backoff())
        .map_err(|_| Measured::Failed {
            stage: "dialing".into(),
            error: "the samod repo stopped".into(),
        })?;
    let mut events = dialer.events();
    let acknowledged = step("syncing", bound, async {
        let mut all = std::pin::pin!(futures::future::try_join_all(docs.iter().map(server_has)));
        tokio::select! {
            done = &mut all => done.map(|_| ()),
            Err(e) = dialer.established() => Err(anyhow::anyhow!("could not connect: {e}")),
        }
    })
    .await;
    let wall = start.elapsed();
    let (mut dial_retries, mut dial_errors) = (0, Vec::new());
    while let Some(Some(event)) = events.next().now_or_never() {
        match event {
            DialerEvent::Reconnecting { .. } => dial_retries += 1,
            DialerEvent::Disconnected { reason } => dial_errors.push(reason),
            _ => {}
        }
    }
    if let Err(outcome) = acknowledged {
        dialer.close();
        return Err(outcome);
    }
    let traffic = net.counters.snapshot() - before;
    let cpu = settled_cpu(net.server).await - cpu0;
    dialer.close();
    Ok(Figures {
        documents: docs.len(),
        wall_ms: wall.as_secs_f64() * 1000.0,
        bytes_up: traffic.bytes_up,
        bytes_down: traffic.bytes_down,
        frames_up: traffic.frames_up,
        frames_down: traffic.frames_down,
        connections: traffic.connections,
        server_cpu_ms: cpu.as_secs_f64() * 1000.0,
        server_peak_rss_mib: net.server.peak_rss_mib(),
        dial_retries,
        dial_errors,
        device_storage_ops_before: quiet.operations,
        device_quiet_wait_ms: quiet.waited.as_secs_f64() * 1000.0,
    })
}

/// Resolves once the server's acknowledged heads for this document are `doc.heads`.
async fn server_has(doc: &Synced) -> anyhow::Result<()> {
    let mut want = doc.heads.clone();
    want.sort();
    let acked = |state: &samod::PeerDocState| {
        state.their_heads.as_ref().is_some_and(|h| {
            let mut h = h.clone();
            h.sort();
            h == want
        })
    };
    let (now, updates) = doc.handle.peers();
    if now.values().any(acked) {
        return Ok(());
    }
    let mut updates = Box::pin(updates);
    while let Some(changed) = updates.next().await {
        if changed.values().any(acked) {
            return Ok(());
        }
    }
    anyhow::bail!(
        "document {} closed before the server had it",
        doc.handle.document_id()
    )
}

/// The server's CPU time once it has gone quiet (samod may write storage after acknowledging),
/// checked every 100 ms, for at most 10 s.
async fn settled_cpu(server: &ServerChild) -> Duration {
    let mut last = server.cpu();
    for _ in 0..100 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let now = server.cpu();
        if now == last {
            break;
        }
        last = now;
    }
    last
}

#[cfg(test)]
mod tests {
    use super::*;
    use automerge::transaction::Transactable;
    use automerge::{AutoCommit, ROOT};

    #[test]
    fn an_offline_change_applies_on_top_of_the_synced_document() {
        let mut device = AutoCommit::new();
        device.put(ROOT, "status", "open").unwrap();
        device.commit();
        let mut synced = Automerge::load(&device.save()).unwrap();
        let before = device.get_heads();
        device.put(ROOT, "findings", "checked").unwrap();
        device.commit();
        let heads = apply_offline_change(&mut synced, &device.save_after(&before)).unwrap();
        assert_eq!(heads, device.get_heads());
    }

    #[test]
    fn a_change_whose_dependencies_are_missing_is_refused() {
        let mut device = AutoCommit::new();
        device.put(ROOT, "status", "open").unwrap();
        device.commit();
        let mut synced = Automerge::load(&device.save()).unwrap();
        device.put(ROOT, "status", "travelling").unwrap();
        device.commit();
        let middle = device.get_heads();
        device.put(ROOT, "status", "on site").unwrap();
        device.commit();
        // Only the last change: it depends on one `synced` has never seen.
        let last_only = device.save_after(&middle);
        assert!(apply_offline_change(&mut synced, &last_only).is_err());
    }
}
