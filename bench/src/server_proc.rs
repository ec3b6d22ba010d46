//! The real server as a child process (so its CPU time and memory are its own), and a
//! byte-counting loopback proxy in front of it (so bytes are counted on the wire).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tokio::net::{TcpListener, TcpStream};

/// `fieldsync-server` next to this benchmark's own executable (same profile).
fn server_binary() -> anyhow::Result<PathBuf> {
    let exe = std::env::current_exe()?;
    let bin = exe.with_file_name("fieldsync-server");
    anyhow::ensure!(
        bin.exists(),
        "{} is missing: build it first with `cargo build --release -p fieldsync-server`",
        bin.display()
    );
    Ok(bin)
}

pub struct ServerProc {
    child: Child,
    pub addr: SocketAddr,
    _dir: tempfile::TempDir,
}

impl ServerProc {
    /// Start a server on a fresh SQLite database with the given users (name, password, role).
    pub fn start(users: &[(String, String, &str)]) -> anyhow::Result<Self> {
        let dir = tempfile::tempdir()?;
        add_users(&db_args(dir.path(), None), users)?;
        Self::spawn(dir, None)
    }

    /// Start `fieldsync-server serve` with its own data directory (blobs; the SQLite file
    /// unless `database_url` names another database) on a free port, and wait until it
    /// accepts connections.
    fn spawn(dir: tempfile::TempDir, database_url: Option<&str>) -> anyhow::Result<Self> {
        let bin = server_binary()?;
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let addr: SocketAddr = ([127, 0, 0, 1], port).into();
        let child = Command::new(&bin)
            .args(["serve", "--addr", &addr.to_string()])
            .args(db_args(dir.path(), database_url))
            .env("FIELDSYNC_SYNC_PER_MINUTE", "100000")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()?;
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(addr).is_err() {
            anyhow::ensure!(Instant::now() < deadline, "server did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(ServerProc {
            child,
            addr,
            _dir: dir,
        })
    }

    /// User + system CPU time of the server so far.
    pub fn cpu(&self) -> Duration {
        let stat =
            std::fs::read_to_string(format!("/proc/{}/stat", self.child.id())).unwrap_or_default();
        // Fields after the command name (which may contain spaces) start after the last ')'.
        let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
        let fields: Vec<&str> = rest.split_whitespace().collect();
        let ticks: u64 = [11, 12]
            .iter()
            .filter_map(|i| fields.get(*i)?.parse::<u64>().ok())
            .sum();
        Duration::from_millis(ticks * 10)
    }

    /// (current RSS, peak RSS) of the server in MiB.
    pub fn rss_mib(&self) -> (f64, f64) {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        let get = |key: &str| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(key))
                .and_then(|v| v.split_whitespace().next()?.parse::<f64>().ok())
                .map(|kb| kb / 1024.0)
                .unwrap_or(f64::NAN)
        };
        (get("VmRSS:"), get("VmHWM:"))
    }
}

/// `--data-dir DIR [--database-url URL]`.
fn db_args(dir: &std::path::Path, database_url: Option<&str>) -> Vec<std::ffi::OsString> {
    let mut args: Vec<std::ffi::OsString> = vec!["--data-dir".into(), dir.into()];
    if let Some(url) = database_url {
        args.extend(["--database-url".into(), url.into()]);
    }
    args
}

/// Create the users with `fieldsync-server user … add`.
fn add_users(db: &[std::ffi::OsString], users: &[(String, String, &str)]) -> anyhow::Result<()> {
    let bin = server_binary()?;
    for (name, password, role) in users {
        let status = Command::new(&bin)
            .arg("user")
            .args(db)
            .args(["add", name, "--role", role])
            .env("FIELDSYNC_PASSWORD", password)
            .stdout(Stdio::null())
            .status()?;
        anyhow::ensure!(status.success(), "creating user {name} failed");
    }
    Ok(())
}

/// One server, or several replicas on one throw-away PostgreSQL database (created on the
/// server of `--postgres URL`, dropped at the end).
pub struct Cluster {
    pub replicas: Vec<ServerProc>,
    /// Dropped after the replicas.
    _pg: Option<fieldsync_server::storage::postgres::scratch::ScratchDb>,
    pub label: String,
}

impl Cluster {
    /// `postgres`: the admin URL of a PostgreSQL server; `None`: one server on SQLite.
    pub fn start(
        users: &[(String, String, &str)],
        postgres: Option<&str>,
        replicas: usize,
    ) -> anyhow::Result<Self> {
        let Some(admin) = postgres else {
            anyhow::ensure!(replicas <= 1, "several replicas need --postgres URL");
            return Ok(Self {
                replicas: vec![ServerProc::start(users)?],
                _pg: None,
                label: "SQLite, 1 server".into(),
            });
        };
        let pg = fieldsync_server::storage::postgres::scratch::ScratchDb::create(admin)
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let first = tempfile::tempdir()?;
        add_users(&db_args(first.path(), Some(&pg.url)), users)?;
        let mut procs = vec![ServerProc::spawn(first, Some(&pg.url))?];
        for _ in 1..replicas.max(1) {
            procs.push(ServerProc::spawn(tempfile::tempdir()?, Some(&pg.url))?);
        }
        Ok(Self {
            label: format!("PostgreSQL, {} replica(s)", procs.len()),
            replicas: procs,
            _pg: Some(pg),
        })
    }

    /// The base URL device `i` talks to (devices spread round-robin over the replicas).
    pub fn url_for(&self, i: usize) -> String {
        format!("http://{}", self.replicas[i % self.replicas.len()].addr)
    }

    /// CPU time of all replicas (PostgreSQL's own processes are not counted).
    pub fn cpu(&self) -> Duration {
        self.replicas.iter().map(ServerProc::cpu).sum()
    }

    /// (current, peak) RSS of the largest replica, MiB.
    pub fn rss_mib(&self) -> (f64, f64) {
        self.replicas
            .iter()
            .map(ServerProc::rss_mib)
            .fold((0.0, 0.0), |(a, b), (c, d)| {
                (f64::max(a, c), f64::max(b, d))
            })
    }
}

impl Drop for ServerProc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Bytes through the proxy, both directions, and connections opened.
#[derive(Default)]
pub struct Counters {
    pub up: AtomicU64,
    pub down: AtomicU64,
    pub connections: AtomicU64,
}

impl Counters {
    pub fn snapshot(&self) -> (u64, u64) {
        (
            self.up.load(Ordering::Relaxed),
            self.down.load(Ordering::Relaxed),
        )
    }
}

/// Forward 127.0.0.1:<random> → `target`, counting every byte as it passes (connections are
/// kept alive by the client, so counts must not wait for a close). Returns the proxy address.
pub async fn counting_proxy(
    target: SocketAddr,
    counters: Arc<Counters>,
) -> anyhow::Result<SocketAddr> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move {
        while let Ok((inbound, _)) = listener.accept().await {
            let counters = counters.clone();
            counters.connections.fetch_add(1, Ordering::Relaxed);
            tokio::spawn(async move {
                let Ok(outbound) = TcpStream::connect(target).await else {
                    return;
                };
                let (ri, wi) = inbound.into_split();
                let (ro, wo) = outbound.into_split();
                let c2 = counters.clone();
                let up = tokio::spawn(pump(ri, wo, move |n| {
                    c2.up.fetch_add(n, Ordering::Relaxed);
                }));
                pump(ro, wi, move |n| {
                    counters.down.fetch_add(n, Ordering::Relaxed);
                })
                .await;
                let _ = up.await;
            });
        }
    });
    Ok(addr)
}

async fn pump(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    count: impl Fn(u64),
) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        match from.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                count(n as u64);
                if to.write_all(&buf[..n]).await.is_err() {
                    break;
                }
            }
        }
    }
    let _ = to.shutdown().await;
}
