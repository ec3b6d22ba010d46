//! A real server on `127.0.0.1:0` with a temporary SQLite database, for end-to-end tests.
//! Dropping it stops the server and deletes the database.
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
use crate::storage::{self, UserRecord};
use fieldsync::Role;
use std::net::SocketAddr;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

pub struct TestServer {
    /// `http://127.0.0.1:<port>`
    pub base_url: String,
    pub addr: SocketAddr,
    pub state: AppState,
    dir: tempfile::TempDir,
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
        Self::launch(dir, config).await
    }

    async fn launch(dir: tempfile::TempDir, config: ServerConfig) -> Result<Self, BoxError> {
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
        let state = AppState::new(db, config)?;
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(crate::serve::serve(state.clone(), listener, async {
            let _ = stopped.await;
        }));
        Ok(Self {
            base_url: format!("http://{addr}"),
            addr,
            state,
            dir,
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
        drop(this);
        Self::launch(old, config).await
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
