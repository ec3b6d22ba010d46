//! `--demo`: run the demo server inside the app, on its own thread and tokio runtime, so one
//! command starts everything (no second program to build or find). The first start seeds a
//! fresh database with the demo data; later starts reopen it, so the demo keeps what was
//! synced. The app then signs in as a demo user through the worker. A second window (the
//! other engineer's profile) finds the server already listening and uses it.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The in-process demo server; stopped gracefully (in-flight syncs finish) on drop.
#[derive(Debug)]
pub struct DemoServer {
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Drop for DemoServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// The demo password of a demo login (engineers, dispatcher, supervisor, admin).
pub fn demo_password(user: &str) -> Option<&'static str> {
    fieldsync_server::cli::demo::demo_password(user)
}

/// `host:port` of a loopback `http://` server address, for the demo server to listen on.
pub fn listen_addr(server: &str) -> Option<String> {
    let rest = server.strip_prefix("http://")?;
    let hostport = rest.split('/').next()?;
    let loopback = hostport.starts_with("127.") || hostport.starts_with("localhost:");
    (loopback && hostport.contains(':')).then(|| hostport.replace("localhost", "127.0.0.1"))
}

/// Is a server already listening at `addr` (e.g. started by the other demo engineer's window)?
pub fn already_running(addr: &str) -> bool {
    addr.parse::<std::net::SocketAddr>().is_ok_and(|a| {
        std::net::TcpStream::connect_timeout(&a, std::time::Duration::from_millis(300)).is_ok()
    })
}

/// Start the demo server on `addr`, keeping its data in `data_dir`. Returns once it listens
/// (or with the reason it cannot); seeding a fresh database continues in the background and
/// the sign-in waits for it. A fresh database is seeded in `lang` (the app's language), and
/// the server writes customer documents in it.
pub fn start(
    data_dir: &Path,
    addr: &str,
    lang: fieldsync_i18n::Lang,
) -> Result<DemoServer, String> {
    let addr: SocketAddr = addr
        .parse()
        .map_err(|e| format!("demo server address {addr:?}: {e}"))?;
    std::fs::create_dir_all(data_dir)
        .map_err(|e| format!("cannot create {}: {e}", data_dir.display()))?;
    let fresh = !fieldsync_server::cli::demo::holds_database(data_dir);
    let data_dir: PathBuf = data_dir.to_owned();
    let (ready_tx, ready_rx) = std::sync::mpsc::channel::<Result<(), String>>();
    let (shutdown_tx, shutdown_rx) = tokio::sync::oneshot::channel::<()>();
    let thread = std::thread::Builder::new()
        .name("fieldsync-demo-server".into())
        .spawn(move || {
            let rt = match tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .thread_name("fieldsync-demo-rt")
                .enable_all()
                .build()
            {
                Ok(rt) => rt,
                Err(e) => {
                    let _ = ready_tx.send(Err(format!("cannot start the demo runtime: {e}")));
                    return;
                }
            };
            rt.block_on(run(data_dir, addr, fresh, lang, ready_tx, shutdown_rx));
        })
        .map_err(|e| format!("cannot start the demo server thread: {e}"))?;
    let server = DemoServer {
        shutdown: Some(shutdown_tx),
        thread: Some(thread),
    };
    match ready_rx.recv_timeout(Duration::from_secs(60)) {
        Ok(Ok(())) => Ok(server),
        Ok(Err(e)) => Err(e),
        Err(_) => Err("the demo server did not start within a minute".into()),
    }
}

async fn run(
    data_dir: PathBuf,
    addr: SocketAddr,
    fresh: bool,
    lang: fieldsync_i18n::Lang,
    ready: std::sync::mpsc::Sender<Result<(), String>>,
    shutdown: tokio::sync::oneshot::Receiver<()>,
) {
    let config = fieldsync_server::config::ServerConfig {
        addr,
        data_dir: data_dir.clone(),
        language: Some(lang.code().into()),
        ..Default::default()
    };
    let state = match fieldsync_server::cli::demo::open_state(config).await {
        Ok(s) => s,
        Err(e) => {
            let _ = ready.send(Err(format!("demo server: {e:#}")));
            return;
        }
    };
    let listener = match tokio::net::TcpListener::bind(addr).await {
        Ok(l) => l,
        Err(e) => {
            let _ = ready.send(Err(format!("demo server cannot listen on {addr}: {e}")));
            return;
        }
    };
    let _ = ready.send(Ok(()));
    if fresh {
        match fieldsync_server::cli::demo::seed(&state, lang).await {
            Ok(r) => tracing::info!(
                dir = %data_dir.display(),
                sites = r.sites,
                devices = r.devices,
                work_orders = r.work_orders,
                "demo data loaded"
            ),
            Err(e) => {
                tracing::error!(error = %format!("{e:#}"), "loading the demo data failed");
                return;
            }
        }
    }
    let stop = async move {
        let _ = shutdown.await;
    };
    if let Err(e) = fieldsync_server::cli::demo::serve_with_jobs(state, listener, None, stop).await
    {
        tracing::error!(error = %format!("{e:#}"), "demo server stopped");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_addresses_and_passwords() {
        assert_eq!(
            listen_addr("http://127.0.0.1:8080").as_deref(),
            Some("127.0.0.1:8080")
        );
        assert_eq!(
            listen_addr("http://localhost:9000/").as_deref(),
            Some("127.0.0.1:9000")
        );
        assert_eq!(listen_addr("https://hub.example.com"), None);
        assert_eq!(demo_password("zhang.min"), Some("engineer-zhang"));
        assert_eq!(demo_password("dana"), Some("dispatch-dana"));
        assert_eq!(demo_password("nobody"), None);
    }
}
