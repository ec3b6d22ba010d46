//! Simulated devices for end-to-end tests: a real local store and the real sync engine,
//! talking HTTP to a real server (`fieldsync_server::testing::TestServer`).

use fieldsync::engine::{Outgoing, SyncReport};
use fieldsync::store::{Identity, LocalStore};
use fieldsync::wire::{self, LoginRequest, LoginResponse, SyncResponse};
use fieldsync::{Role, TimestampMs};

pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// A device: one local store, signed in as one user.
pub struct SimDevice {
    pub store: LocalStore,
    pub user_id: String,
    pub role: Role,
    pub token: String,
    base_url: String,
    client: reqwest::Client,
}

/// An HTTP answer that was not a sync response.
#[derive(Debug)]
pub struct HttpFailure {
    pub status: u16,
    pub body: String,
}

impl std::fmt::Display for HttpFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "HTTP {}: {}", self.status, self.body)
    }
}

impl std::error::Error for HttpFailure {}

pub fn now_ms() -> TimestampMs {
    chrono::Utc::now().timestamp_millis()
}

impl SimDevice {
    /// Sign in as `username` with a fresh in-memory store (a new device).
    pub async fn login(base_url: &str, username: &str, password: &str) -> Result<Self, BoxError> {
        Self::login_with_store(base_url, username, password, LocalStore::open_in_memory()?).await
    }

    /// Sign in with a given store (e.g. one on disk that a later run reopens).
    pub async fn login_with_store(
        base_url: &str,
        username: &str,
        password: &str,
        store: LocalStore,
    ) -> Result<Self, BoxError> {
        Self::login_with_client(base_url, username, password, store, reqwest::Client::new()).await
    }

    /// Sign in through a given HTTP client (e.g. one with the app's https trust).
    pub async fn login_with_client(
        base_url: &str,
        username: &str,
        password: &str,
        store: LocalStore,
        client: reqwest::Client,
    ) -> Result<Self, BoxError> {
        let req = LoginRequest {
            username: username.into(),
            password: password.into(),
            device_id: store.device_id()?,
            device_name: format!("sim-{username}"),
            actors: vec![store.actor().to_hex_string()],
        };
        let resp = client
            .post(format!("{base_url}/v1/auth/login"))
            .json(&req)
            .send()
            .await?;
        if !resp.status().is_success() {
            let status = resp.status().as_u16();
            return Err(Box::new(HttpFailure {
                status,
                body: resp.text().await?,
            }));
        }
        let login: LoginResponse = resp.json().await?;
        store.set_identity(&Identity {
            user_id: login.user_id.to_string(),
            username: login.username.clone(),
            display_name: login.display_name.clone(),
            role: login.role,
        })?;
        Ok(SimDevice {
            store,
            user_id: login.user_id.to_string(),
            role: login.role,
            token: login.token,
            base_url: base_url.into(),
            client,
        })
    }

    /// The same signed-in device after an app restart: a reopened store, the kept token.
    pub fn reopen(self, store: LocalStore) -> Self {
        SimDevice { store, ..self }
    }

    /// Point the device at another server address (after a restart on a new port).
    pub fn set_base_url(&mut self, url: &str) {
        self.base_url = url.into();
    }

    /// Send raw bytes to `/v1/sync`; returns the status and body. The future owns what it
    /// needs (it does not borrow the device), so devices can sync from spawned tasks.
    pub fn post_sync_raw(
        &self,
        body: Vec<u8>,
    ) -> impl std::future::Future<Output = Result<(u16, Vec<u8>), BoxError>> + Send + 'static {
        let request = self
            .client
            .post(format!("{}/v1/sync", self.base_url))
            .bearer_auth(&self.token)
            .header("content-type", wire::CONTENT_TYPE)
            .body(body);
        async move {
            let resp = request.send().await?;
            let status = resp.status().as_u16();
            Ok((status, resp.bytes().await?.to_vec()))
        }
    }

    /// `GET path` on the server's office API as this device's user: status and body.
    pub async fn get(&self, path: &str) -> Result<(u16, Vec<u8>), BoxError> {
        let resp = self
            .client
            .get(format!("{}{path}", self.base_url))
            .bearer_auth(&self.token)
            .send()
            .await?;
        let status = resp.status().as_u16();
        Ok((status, resp.bytes().await?.to_vec()))
    }

    /// `POST path` with a JSON body on the server's API as this device's user: status and body.
    pub async fn post_json(
        &self,
        path: &str,
        body: &impl serde::Serialize,
    ) -> Result<(u16, Vec<u8>), BoxError> {
        let resp = self
            .client
            .post(format!("{}{path}", self.base_url))
            .bearer_auth(&self.token)
            .json(body)
            .send()
            .await?;
        let status = resp.status().as_u16();
        Ok((status, resp.bytes().await?.to_vec()))
    }

    /// Lease a block of `year`'s work-order numbers, as the app does after a sync, and keep it
    /// in the store.
    pub async fn lease_numbers(
        &self,
        year: i32,
    ) -> Result<fieldsync::model::NumberBlock, BoxError> {
        let (status, body) = self
            .post_json(
                "/v1/devices/numbers",
                &fieldsync::model::NumberLeaseRequest { year },
            )
            .await?;
        if status != 200 {
            return Err(Box::new(HttpFailure {
                status,
                body: String::from_utf8_lossy(&body).into(),
            }));
        }
        let block: fieldsync::model::NumberBlock = serde_json::from_slice(&body)?;
        self.store.add_number_block(&block)?;
        Ok(block)
    }

    /// One request: build it, send it, return the decoded answer without applying it.
    pub async fn exchange(&mut self) -> Result<(Outgoing, SyncResponse), BoxError> {
        let out = self.store.prepare_sync(None)?;
        let (status, body) = self.post_sync_raw(wire::encode(&out.request)).await?;
        if status != 200 {
            return Err(Box::new(HttpFailure {
                status,
                body: String::from_utf8_lossy(&body).into(),
            }));
        }
        Ok((out, wire::decode_response(&body)?))
    }

    /// Sync until the server has nothing more; the reports are summed.
    pub async fn sync(&mut self) -> Result<SyncReport, BoxError> {
        let mut total = SyncReport::default();
        for _ in 0..1_000 {
            let (out, resp) = self.exchange().await?;
            let r = self.store.apply_sync(&out, resp, now_ms())?;
            total.accepted += r.accepted;
            total.pulled += r.pulled;
            total.removed += r.removed;
            total.rejected.extend(r.rejected);
            if !r.more {
                return Ok(total);
            }
        }
        Err("sync did not settle after 1000 pages".into())
    }
}
