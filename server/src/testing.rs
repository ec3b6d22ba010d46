//! A real server on `127.0.0.1:0` with a temporary SQLite database (or a throw-away PostgreSQL
//! database: [`TestServer::start_postgres`]), for end-to-end tests. Dropping it stops the
//! server and deletes the database.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
//! let server = fieldsync_server::testing::TestServer::start().await?;
//! server.add_user("li.wei", "pw", fieldsync::Role::Engineer).await?;
//! let login_url = server.url("/v1/auth/login");
//! # Ok(()) }
//! ```

use crate::config::ServerConfig;
use crate::state::AppState;
use crate::storage::postgres::scratch::ScratchDb;
pub use crate::storage::postgres::scratch::{TEST_URL_VAR, test_url_or_skip};
use crate::storage::{self, UserRecord};
use crate::tls::Tls;
use fieldsync::Role;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

pub struct TestServer {
    /// `http://127.0.0.1:<port>`, or `https://…` when started with TLS settings
    /// (e.g. `start_with(|c| c.tls_self_signed = true)`).
    pub base_url: String,
    pub addr: SocketAddr,
    pub state: AppState,
    /// The live certificate when serving https (reload it to simulate a renewal).
    pub tls: Option<Arc<Tls>>,
    dir: tempfile::TempDir,
    /// The throw-away PostgreSQL database, when started with [`TestServer::start_postgres`].
    pg: Option<ScratchDb>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
}

impl TestServer {
    /// Start with default settings.
    pub async fn start() -> Result<Self, BoxError> {
        Self::start_with(|_| {}).await
    }

    /// Start with settings adjusted by `tweak` (page size, limits …).
    pub async fn start_with(tweak: impl FnOnce(&mut ServerConfig)) -> Result<Self, BoxError> {
        let dir = tempfile::tempdir()?;
        let mut config = ServerConfig {
            data_dir: dir.path().to_owned(),
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            ..ServerConfig::default()
        };
        tweak(&mut config);
        Self::launch(dir, config, None).await
    }

    /// Start on a fresh PostgreSQL database (random name, dropped with the server) on the
    /// server of `admin_url`, e.g. the value of [`TEST_URL_VAR`].
    pub async fn start_postgres(admin_url: &str) -> Result<Self, BoxError> {
        Self::start_postgres_with(admin_url, |_| {}).await
    }

    /// [`TestServer::start_postgres`] with settings adjusted by `tweak`.
    pub async fn start_postgres_with(
        admin_url: &str,
        tweak: impl FnOnce(&mut ServerConfig),
    ) -> Result<Self, BoxError> {
        let admin = admin_url.to_owned();
        let pg = tokio::task::spawn_blocking(move || ScratchDb::create(&admin)).await??;
        let dir = tempfile::tempdir()?;
        let mut config = ServerConfig {
            data_dir: dir.path().to_owned(),
            database_url: Some(pg.url.clone()),
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            ..ServerConfig::default()
        };
        tweak(&mut config);
        Self::launch(dir, config, Some(pg)).await
    }

    /// Another server process on the same database (a second replica behind a load balancer),
    /// with its own cache and blob directory. Dropping it leaves the database to `self`.
    pub async fn replica(&self) -> Result<Self, BoxError> {
        let dir = tempfile::tempdir()?;
        let mut config = (*self.state.config).clone();
        config.database_url = Some(config.database_url());
        config.data_dir = dir.path().to_owned();
        config.addr = SocketAddr::from(([127, 0, 0, 1], 0));
        Self::launch(dir, config, None).await
    }

    async fn launch(
        dir: tempfile::TempDir,
        config: ServerConfig,
        pg: Option<ScratchDb>,
    ) -> Result<Self, BoxError> {
        let url = config.database_url();
        let db = tokio::task::spawn_blocking(move || storage::open(&url)).await??;
        let listener = match tokio::net::TcpListener::bind(config.addr).await {
            Ok(l) => l,
            // After a restart the old port may be taken: any free port will do.
            Err(_) if config.addr.port() != 0 => {
                tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0))).await?
            }
            Err(e) => return Err(e.into()),
        };
        let addr = listener.local_addr()?;
        let tls = match config.tls_files()? {
            Some(files) => Some(Arc::new(Tls::load(files)?)),
            None => None,
        };
        let scheme = if tls.is_some() { "https" } else { "http" };
        let state = AppState::new(db, config)?;
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(crate::cli::serve::serve_tls(
            state.clone(),
            listener,
            tls.clone(),
            async {
                let _ = stopped.await;
            },
        ));
        Ok(Self {
            base_url: format!("{scheme}://{addr}"),
            addr,
            state,
            tls,
            dir,
            pg,
            stop: Some(stop),
            task: Some(task),
        })
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    pub fn data_dir(&self) -> &std::path::Path {
        self.dir.path()
    }

    pub async fn add_user(
        &self,
        username: &str,
        password: &str,
        role: Role,
    ) -> Result<UserRecord, BoxError> {
        Ok(
            crate::handlers::auth::create_user(&self.state.db, username, username, password, role)
                .await?,
        )
    }

    /// Stop the server (in-flight requests finish) and start a new one on the same database
    /// and, if still free, the same port.
    pub async fn restart(self) -> Result<Self, BoxError> {
        let mut this = self;
        let mut config = (*this.state.config).clone();
        config.addr = this.addr;
        this.shutdown().await;
        let dir = tempfile::TempDir::new()?;
        let old = std::mem::replace(&mut this.dir, dir);
        let pg = this.pg.take();
        drop(this);
        Self::launch(old, config, pg).await
    }

    /// Stop serving and wait for the server task.
    pub async fn shutdown(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

/// Text of a PDF (layout kept) via poppler's `pdftotext`, for tests that check what a report
/// says; `None` when poppler is not installed (`.ci/run` installs it).
pub fn pdf_text(pdf: &[u8]) -> Option<String> {
    let dir = tempfile::tempdir().ok()?;
    let file = dir.path().join("report.pdf");
    std::fs::write(&file, pdf).ok()?;
    let out = std::process::Command::new("pdftotext")
        .arg("-layout")
        .arg(&file)
        .arg("-")
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}
