//! Running the HTTP server: accept, (TLS handshake,) serve HTTP/1.1 with connect info, shut
//! down gracefully (in-flight syncs finish; new ones get 503) on SIGTERM/Ctrl-C or a
//! caller-provided signal.
//!
//! Hostile-network limits: at most `max_connections` open connections (the rest wait in the
//! listen backlog) and `max_connections_per_address` from one address (the rest are closed at
//! once), a TLS handshake must finish within `tls_handshake_timeout_secs`, a request's headers
//! arrive within `header_read_timeout_secs` and its body never pauses longer than
//! `body_idle_timeout_secs`, so clients that connect and stall cannot hold the server's
//! connections forever, and one address cannot take them all.

use crate::state::AppState;
use crate::tls::Tls;
use axum::extract::ConnectInfo;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use std::collections::HashMap;
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

/// Over https, every answer tells browsers and proxies to use https only for a year (HSTS):
/// an office admin opening the server's address in a browser is never downgraded by a hotel
/// network. The app never downgrades anyway.
async fn strict_transport(mut resp: axum::response::Response) -> axum::response::Response {
    resp.headers_mut().insert(
        axum::http::header::STRICT_TRANSPORT_SECURITY,
        axum::http::HeaderValue::from_static("max-age=31536000"),
    );
    resp
}

/// Serve plain http on `listener` until `shutdown` resolves.
pub async fn serve(
    state: AppState,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_tls(state, listener, None, shutdown).await
}

/// Serve on `listener` until `shutdown` resolves: https when `tls` is given, else plain http.
pub async fn serve_tls(
    state: AppState,
    listener: TcpListener,
    tls: Option<Arc<Tls>>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let flag = state.shutting_down.clone();
    let limits = Limits {
        header_read: Duration::from_secs(state.config.header_read_timeout_secs.max(1)),
        handshake: Duration::from_secs(state.config.tls_handshake_timeout_secs.max(1)),
        body_idle: Duration::from_secs(state.config.body_idle_timeout_secs.max(1)),
    };
    let per_address = PerAddress::new(state.config.max_connections_per_address.max(1));
    let slots = Arc::new(Semaphore::new(state.config.max_connections.max(1)));
    let app = match &tls {
        Some(_) => crate::router(state).layer(axum::middleware::map_response(strict_transport)),
        None => crate::router(state),
    };
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            p = slots.clone().acquire_owned() => p.expect("the semaphore is never closed"),
            () = &mut shutdown => break,
        };
        let (tcp, remote) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of file descriptors and the like: wait instead of spinning.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let Some(held) = per_address.take(remote.ip()) else {
            tracing::debug!(%remote, "too many connections from this address: closed");
            continue;
        };
        let _ = tcp.set_nodelay(true);
        let (app, tls, watcher) = (app.clone(), tls.clone(), graceful.watcher());
        tokio::spawn(async move {
            let _permit = (permit, held);
            let Some(tls) = tls else {
                return serve_connection(tcp, remote, app, watcher, limits).await;
            };
            match tokio::time::timeout(limits.handshake, tls.acceptor().accept(tcp)).await {
                Ok(Ok(stream)) => serve_connection(stream, remote, app, watcher, limits).await,
                Ok(Err(e)) => tracing::debug!(%remote, error = %e, "TLS handshake failed"),
                Err(_) => tracing::debug!(%remote, "TLS handshake timed out"),
            }
        });
    }
    flag.store(true, Ordering::Relaxed);
    tracing::info!("shutting down: finishing in-flight requests");
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}

#[derive(Clone, Copy)]
struct Limits {
    header_read: Duration,
    handshake: Duration,
    body_idle: Duration,
}

/// Open connections per client address, capped.
#[derive(Clone)]
struct PerAddress {
    cap: usize,
    open: Arc<std::sync::Mutex<HashMap<IpAddr, usize>>>,
}

/// One connection counted against its address until dropped.
struct AddressSlot {
    ip: IpAddr,
    open: Arc<std::sync::Mutex<HashMap<IpAddr, usize>>>,
}

impl PerAddress {
    fn new(cap: usize) -> Self {
        PerAddress {
            cap,
            open: Arc::default(),
        }
    }

    /// A slot for one more connection from `ip`, or `None` at the cap.
    fn take(&self, ip: IpAddr) -> Option<AddressSlot> {
        let mut open = self
            .open
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let n = open.entry(ip).or_default();
        if *n >= self.cap {
            return None;
        }
        *n += 1;
        Some(AddressSlot {
            ip,
            open: self.open.clone(),
        })
    }
}

impl Drop for AddressSlot {
    fn drop(&mut self) {
        let mut open = self
            .open
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(n) = open.get_mut(&self.ip) {
            *n -= 1;
            // Forget addresses with nothing open, so the map stays as small as the
            // connections are few.
            if *n == 0 {
                open.remove(&self.ip);
            }
        }
    }
}

/// One HTTP/1.1 connection, watched for graceful shutdown.
async fn serve_connection<I>(
    io: I,
    remote: SocketAddr,
    app: axum::Router,
    watcher: hyper_util::server::graceful::Watcher,
    limits: Limits,
) where
    I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let body_idle = limits.body_idle;
    let service =
        hyper::service::service_fn(move |mut req: hyper::Request<hyper::body::Incoming>| {
            req.extensions_mut().insert(ConnectInfo(remote));
            // A body that stops arriving fails its read, which ends the request and frees
            // the connection.
            let req = req.map(|b| {
                axum::body::Body::new(tower_http::timeout::TimeoutBody::new(body_idle, b))
            });
            tower::ServiceExt::oneshot(app.clone(), req)
        });
    let conn = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read)
        .serve_connection(TokioIo::new(io), service);
    if let Err(e) = watcher.watch(conn).await {
        tracing::trace!(%remote, error = %e, "connection ended");
    }
}

/// Reload the TLS certificate on SIGHUP (after a renewal); errors keep the old one.
pub fn reload_on_sighup(tls: Arc<Tls>) {
    #[cfg(unix)]
    tokio::spawn(async move {
        let kind = tokio::signal::unix::SignalKind::hangup();
        let mut hup = match tokio::signal::unix::signal(kind) {
            Ok(s) => s,
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGHUP; no certificate reload");
                return;
            }
        };
        while hup.recv().await.is_some() {
            match tls.reload() {
                Ok(print) => tracing::info!(fingerprint = %print, "TLS certificate reloaded"),
                Err(e) => tracing::error!(error = %e, "TLS reload failed; keeping the old one"),
            }
        }
    });
    #[cfg(not(unix))]
    let _ = tls;
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
