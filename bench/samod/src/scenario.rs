//! first-sync and reconnect against samod: one device repo on samod's filesystem storage
//! makes the workload's edits offline, then dials the server with samod's own tungstenite
//! WebSocket client; a sync is over when the server has acknowledged every document's heads.

use crate::server::ServerChild;
use crate::wire_proxy::{self, Counters, Snapshot};
use crate::workload::Workload;
use automerge::{Automerge, ChangeHash, ReadDoc};
use futures::StreamExt;
use samod::storage::TokioFilesystemStorage;
use samod::{BackoffConfig, DocHandle, Repo, Url};
use serde::Serialize;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// No sync in this benchmark may take longer than this.
const SYNC_BOUND: Duration = Duration::from_secs(600);

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
}

#[derive(Serialize, Debug)]
pub struct Report {
    pub tool: &'static str,
    pub documents: usize,
    pub saved_bytes: u64,
    pub reconnect_change_bytes: u64,
    pub first_sync: Figures,
    pub reconnect: Figures,
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

async fn device_repo(dir: &Path) -> Repo {
    Repo::build_tokio()
        .with_storage(TokioFilesystemStorage::new(dir))
        .with_peer_id("device".into())
        .load()
        .await
}

fn stopped(_: samod::Stopped) -> anyhow::Error {
    anyhow::anyhow!("the samod repo stopped")
}

pub async fn run(workload: &Workload) -> anyhow::Result<Report> {
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

    // Offline: every document created and then edited change by change, as the app would.
    let repo = device_repo(&device_dir).await;
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
    let first_sync = sync(&repo, &net, &docs).await?;
    repo.stop().await;

    // The app restarts, opens the documents it changes, changes them offline, reconnects.
    let repo = device_repo(&device_dir).await;
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
    let reconnect = sync(&repo, &net, &changed).await?;
    repo.stop().await;

    Ok(Report {
        tool: "samod 0.16.0",
        documents: docs.len(),
        saved_bytes: workload.saved_bytes,
        reconnect_change_bytes: workload.reconnect_bytes,
        first_sync,
        reconnect,
    })
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

/// Dial the server and wait until it has acknowledged every document's heads.
async fn sync(repo: &Repo, net: &Net<'_>, docs: &[Synced]) -> anyhow::Result<Figures> {
    let before: Snapshot = net.counters.snapshot();
    let cpu0 = net.server.cpu();
    let start = Instant::now();
    let backoff = BackoffConfig {
        max_retries: Some(0),
        ..BackoffConfig::default()
    };
    let dialer = repo
        .dial_websocket(net.url.clone(), backoff)
        .map_err(stopped)?;
    let all = futures::future::try_join_all(docs.iter().map(server_has));
    tokio::time::timeout(SYNC_BOUND, all)
        .await
        .map_err(|_| anyhow::anyhow!("sync did not finish within {SYNC_BOUND:?}"))??;
    let wall = start.elapsed();
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
