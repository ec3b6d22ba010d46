//! Running the HTTP server: accept, (TLS handshake,) serve HTTP/1.1 with connect info, shut
//! down gracefully (in-flight syncs finish; new ones get 503) on SIGTERM/Ctrl-C or a
//! caller-provided signal.
//!
//! Hostile-network limits: at most `max_connections` open connections (the rest wait in the
//! listen backlog), a TLS handshake must finish within `tls_handshake_timeout_secs` and a
//! request's headers arrive within `header_read_timeout_secs`, so clients that connect and
//! stall cannot hold the server's connections forever.

use crate::state::AppState;
use crate::tls::Tls;
use axum::extract::ConnectInfo;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

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
    };
    let slots = Arc::new(Semaphore::new(state.config.max_connections.max(1)));
    let app = crate::router(state);
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
        let _ = tcp.set_nodelay(true);
        let (app, tls, watcher) = (app.clone(), tls.clone(), graceful.watcher());
        tokio::spawn(async move {
            let _permit = permit;
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
    let service =
        hyper::service::service_fn(move |mut req: hyper::Request<hyper::body::Incoming>| {
            req.extensions_mut().insert(ConnectInfo(remote));
            tower::ServiceExt::oneshot(app.clone(), req.map(axum::body::Body::new))
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
