//! One fieldsync sync measured end to end against the server child process behind the
//! byte-counting proxy: what vs-samod and growth report per step.

use crate::server_proc::{Counters, ServerProc, counting_proxy};
use fieldsync::store::LocalStore;
use fieldsync_tests::{SimDevice, now_ms};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

/// The server, the proxy in front of it and the URL that goes through the proxy.
pub struct Rig {
    pub server: ServerProc,
    pub counters: Arc<Counters>,
    pub url: String,
}

impl Rig {
    /// A fresh server with one engineer account, `eng`.
    pub async fn start() -> anyhow::Result<Self> {
        let server = ServerProc::start(&[("eng".into(), "password-eng".into(), "engineer")])?;
        let counters = Arc::new(Counters::default());
        let proxy = counting_proxy(server.addr, counters.clone()).await?;
        Ok(Rig {
            server,
            counters,
            url: format!("http://{proxy}"),
        })
    }

    /// The engineer's device on `store`, signed in.
    pub async fn device(&self, store: LocalStore) -> anyhow::Result<SimDevice> {
        SimDevice::login_with_store(&self.url, "eng", "password-eng", store)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))
    }

    /// Sync `dev` until the server has nothing more, measuring the whole exchange.
    pub async fn sync(&self, dev: &mut SimDevice) -> anyhow::Result<SyncFigures> {
        let (up0, down0) = self.counters.snapshot();
        let conns0 = self.counters.connections.load(Ordering::Relaxed);
        let cpu0 = self.server.cpu();
        let start = Instant::now();
        let (mut requests, mut rejected) = (0, 0);
        loop {
            let (out, resp) = dev.exchange().await.map_err(|e| anyhow::anyhow!("{e}"))?;
            requests += 1;
            let report = dev.store.apply_sync(&out, resp, now_ms())?;
            rejected += report.rejected.len();
            if !report.more {
                break;
            }
        }
        let wall = start.elapsed();
        anyhow::ensure!(rejected == 0, "the server rejected {rejected} documents");
        let (up1, down1) = self.counters.snapshot();
        Ok(SyncFigures {
            wall,
            requests,
            bytes_up: up1 - up0,
            bytes_down: down1 - down0,
            connections: self.counters.connections.load(Ordering::Relaxed) - conns0,
            server_cpu: self.server.cpu() - cpu0,
            server_peak_rss_mib: self.server.rss_mib().1,
        })
    }
}

/// What one sync cost.
#[derive(Debug, Clone)]
pub struct SyncFigures {
    pub wall: Duration,
    pub requests: usize,
    pub bytes_up: u64,
    pub bytes_down: u64,
    /// TCP connections opened during the sync (the device keeps its login connection).
    pub connections: u64,
    pub server_cpu: Duration,
    pub server_peak_rss_mib: f64,
}

/// A markdown table printed row by row as figures arrive (a long run that is stopped
/// still leaves the rows it finished).
pub struct Grid;

impl Grid {
    pub fn start(title: &str, headers: &[&str]) -> Self {
        println!("\n## {title}\n");
        println!("| {} |", headers.join(" | "));
        println!("|{}", "---|".repeat(headers.len()));
        Grid
    }

    pub fn row(&self, cells: &[String]) {
        use std::io::Write;
        println!("| {} |", cells.join(" | "));
        let _ = std::io::stdout().flush();
    }
}

pub fn kb(bytes: u64) -> String {
    format!("{:.1} KB", bytes as f64 / 1000.0)
}

pub fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}
