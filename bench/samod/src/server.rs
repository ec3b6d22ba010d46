//! The samod sync server: samod's own axum WebSocket acceptor on its filesystem storage, run
//! as a child process of the benchmark so its CPU time and peak RSS are its own. It exits when
//! its standard input closes: if the benchmark is killed (for instance by fieldsync-bench's
//! bound), the server goes with it instead of being left behind.

use axum::Router;
use axum::extract::ws::WebSocketUpgrade;
use axum::routing::get;
use samod::Repo;
use samod::storage::TokioFilesystemStorage;
use std::io::{BufRead, BufReader, Write};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::Duration;

/// Serve WebSocket sync at `ws://<addr>/` until killed or until standard input closes.
/// Prints `listening <addr>` once ready.
pub async fn serve(data_dir: &Path) -> anyhow::Result<()> {
    exit_when_stdin_closes();
    let repo = Repo::build_tokio()
        .with_storage(TokioFilesystemStorage::new(data_dir))
        .with_peer_id("sync-server".into())
        .load()
        .await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let acceptor = repo.make_acceptor(format!("ws://{addr}/").parse()?)?;
    let app = Router::new().route(
        "/",
        get(move |upgrade: WebSocketUpgrade| {
            let acceptor = acceptor.clone();
            async move {
                upgrade.on_upgrade(move |socket| async move {
                    // Only fails once the repo has stopped, i.e. while shutting down.
                    let _ = acceptor.accept_axum(socket, None);
                })
            }
        }),
    );
    println!("listening {addr}");
    std::io::stdout().flush()?;
    axum::serve(listener, app).await?;
    Ok(())
}

/// Exit the process once standard input reaches its end (the parent died or closed it).
fn exit_when_stdin_closes() {
    std::thread::spawn(|| {
        let mut sink = [0u8; 64];
        let mut stdin = std::io::stdin();
        while matches!(std::io::Read::read(&mut stdin, &mut sink), Ok(n) if n > 0) {}
        std::process::exit(0);
    });
}

/// The server child process.
pub struct ServerChild {
    child: Child,
    /// Kept open while the server should run: closing it (also by dying) stops the server.
    _stdin: Option<ChildStdin>,
    pub addr: SocketAddr,
}

impl ServerChild {
    /// Start `<this executable> serve --data-dir <dir>` and wait for its address.
    pub fn start(data_dir: &Path) -> anyhow::Result<Self> {
        let mut child = Command::new(std::env::current_exe()?)
            .arg("serve")
            .arg("--data-dir")
            .arg(data_dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()?;
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().expect("stdout is piped");
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line)?;
        let addr = line
            .trim()
            .strip_prefix("listening ")
            .and_then(|a| a.parse().ok());
        let Some(addr) = addr else {
            let _ = child.kill();
            anyhow::bail!("samod server did not start (said {line:?})");
        };
        Ok(ServerChild {
            child,
            _stdin: stdin,
            addr,
        })
    }

    /// User + system CPU time so far (from /proc/<pid>/stat, 100 ticks a second).
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

    /// Peak resident set size in MiB (VmHWM).
    pub fn peak_rss_mib(&self) -> f64 {
        std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default()
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.split_whitespace().next()?.parse::<f64>().ok())
            .map(|kb| kb / 1024.0)
            .unwrap_or(f64::NAN)
    }
}

impl Drop for ServerChild {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
