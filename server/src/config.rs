//! Server configuration, layered: defaults → TOML file → `FIELDSYNC_*` environment →
//! command-line flags. The database URL may carry a password, so `Debug` redacts it.

use serde::Deserialize;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

#[derive(Clone)]
pub struct ServerConfig {
    pub addr: SocketAddr,
    /// Where the SQLite file and blobs live.
    pub data_dir: PathBuf,
    /// Overrides the data dir's SQLite file (e.g. `sqlite:///var/lib/fieldsync/db.sqlite`).
    pub database_url: Option<String>,
    /// Lifetime of an access token (the bearer token of every request): short, so one read
    /// off a compromised network or disk is worth little. The app renews it with its
    /// device's refresh token.
    pub token_ttl_secs: u64,
    /// Lifetime of a device's refresh token, sent only to `POST /v1/auth/refresh`: how long
    /// a laptop stays signed in without its user typing the password again.
    pub refresh_ttl_secs: u64,
    /// How long a retired refresh token still gets the successor it was exchanged for (the
    /// app crashed before saving the answer, or retried a lost one); presented later, it
    /// ends the device's sign-in as stolen.
    pub refresh_reuse_grace_secs: u64,
    /// Compressed sync request bodies above this are refused (413).
    pub max_sync_body_bytes: usize,
    pub max_blob_bytes: usize,
    /// Bytes of unfinished resumable uploads one user may hold (413 beyond), so an account
    /// cannot fill the disk with parts it never finishes; parts expire after a day.
    pub partial_upload_quota_bytes: u64,
    /// Blob uploads are refused with 507 when they would leave less than this free on the
    /// blob directory's disk, so photos never take the last space the database needs (0:
    /// no check).
    pub min_free_disk_bytes: u64,
    /// Bearer token a metrics scraper presents for `GET /metrics` (an admin's sign-in works
    /// too); without it only admins read the metrics. Redacted in `Debug`.
    pub metrics_token: Option<String>,
    /// Upper bound of an answer page.
    pub max_page_bytes: u64,
    /// Failed logins per (user, client address) before the back-off starts (1 s, doubling,
    /// at most 30 s per attempt; never a lock-out).
    pub login_max_failures: u32,
    /// A (user, client) with no failure for this long starts afresh.
    pub login_window_secs: u64,
    /// Sync requests per user per minute (429 beyond).
    pub sync_per_minute: u32,
    /// Documents kept loaded between syncs (~13 KB each for a work order). Sized to hold a
    /// busy day's working set: an LRU smaller than the set of documents edited in turn by
    /// many devices misses on every push (measured: 2,000 work orders edited by 200 devices
    /// cost 30 % more server CPU with 256 than with 4,096).
    pub cache_docs: usize,
    /// TLS certificate chain (PEM); with `tls_key`, the server speaks only https.
    pub tls_cert: Option<PathBuf>,
    pub tls_key: Option<PathBuf>,
    /// Serve https with a self-signed certificate kept in `data_dir/tls/` (small offices).
    pub tls_self_signed: bool,
    /// Open connections at most; further clients wait in the listen backlog.
    pub max_connections: usize,
    /// A client must send a request's headers within this (slow-client defence).
    pub header_read_timeout_secs: u64,
    /// A TLS handshake must finish within this.
    pub tls_handshake_timeout_secs: u64,
    /// Open connections from one client address at most (a hotel's NAT puts many devices
    /// behind one address, so this is well above one device's need), so one address cannot
    /// take every slot of `max_connections`.
    pub max_connections_per_address: usize,
    /// A request body that sends nothing for this long is cut off (slow-body clients).
    pub body_idle_timeout_secs: u64,
    /// The language of customer documents whose sites name none (`zh-CN` or `en`); absent:
    /// the server machine's locale.
    pub language: Option<String>,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
            data_dir: PathBuf::from("fieldsync-data"),
            database_url: None,
            token_ttl_secs: 3600,
            refresh_ttl_secs: 30 * 24 * 3600,
            refresh_reuse_grace_secs: 60,
            max_sync_body_bytes: 64 * 1024 * 1024,
            max_blob_bytes: 32 * 1024 * 1024,
            partial_upload_quota_bytes: 64 * 1024 * 1024,
            min_free_disk_bytes: 1024 * 1024 * 1024,
            metrics_token: None,
            max_page_bytes: crate::hub::DEFAULT_PAGE_BYTES,
            login_max_failures: 5,
            login_window_secs: 300,
            sync_per_minute: 600,
            cache_docs: crate::hub::DEFAULT_CACHE_DOCS,
            tls_cert: None,
            tls_key: None,
            tls_self_signed: false,
            max_connections: 4096,
            header_read_timeout_secs: 15,
            tls_handshake_timeout_secs: 10,
            max_connections_per_address: 256,
            body_idle_timeout_secs: 30,
            language: None,
        }
    }
}

impl std::fmt::Debug for ServerConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerConfig")
            .field("addr", &self.addr)
            .field("data_dir", &self.data_dir)
            .field(
                "database_url",
                &self.database_url.as_deref().map(crate::storage::redact_url),
            )
            .field("token_ttl_secs", &self.token_ttl_secs)
            .field("refresh_ttl_secs", &self.refresh_ttl_secs)
            .field("refresh_reuse_grace_secs", &self.refresh_reuse_grace_secs)
            .field("max_sync_body_bytes", &self.max_sync_body_bytes)
            .field("max_blob_bytes", &self.max_blob_bytes)
            .field(
                "partial_upload_quota_bytes",
                &self.partial_upload_quota_bytes,
            )
            .field("min_free_disk_bytes", &self.min_free_disk_bytes)
            .field(
                "metrics_token",
                &self.metrics_token.as_ref().map(|_| "<redacted>"),
            )
            .field("max_page_bytes", &self.max_page_bytes)
            .field("login_max_failures", &self.login_max_failures)
            .field("login_window_secs", &self.login_window_secs)
            .field("sync_per_minute", &self.sync_per_minute)
            .field("cache_docs", &self.cache_docs)
            .field("tls_cert", &self.tls_cert)
            .field("tls_key", &self.tls_key)
            .field("tls_self_signed", &self.tls_self_signed)
            .field("max_connections", &self.max_connections)
            .field("header_read_timeout_secs", &self.header_read_timeout_secs)
            .field(
                "tls_handshake_timeout_secs",
                &self.tls_handshake_timeout_secs,
            )
            .field(
                "max_connections_per_address",
                &self.max_connections_per_address,
            )
            .field("body_idle_timeout_secs", &self.body_idle_timeout_secs)
            .field("language", &self.language)
            .finish()
    }
}

/// One layer: every field optional. Used for the TOML file, the environment and the flags.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Layer {
    pub addr: Option<SocketAddr>,
    pub data_dir: Option<PathBuf>,
    pub database_url: Option<String>,
    pub token_ttl_secs: Option<u64>,
    pub refresh_ttl_secs: Option<u64>,
    pub refresh_reuse_grace_secs: Option<u64>,
    pub max_sync_body_bytes: Option<usize>,
    pub max_blob_bytes: Option<usize>,
    pub partial_upload_quota_bytes: Option<u64>,
    pub min_free_disk_bytes: Option<u64>,
    pub metrics_token: Option<String>,
    pub language: Option<String>,
    pub max_connections_per_address: Option<usize>,
    pub body_idle_timeout_secs: Option<u64>,
    pub max_page_bytes: Option<u64>,
    pub login_max_failures: Option<u32>,
    pub login_window_secs: Option<u64>,
    pub sync_per_minute: Option<u32>,
    pub cache_docs: Option<usize>,
    pub tls_cert: Option<PathBuf>,
    pub tls_key: Option<PathBuf>,
    pub tls_self_signed: Option<bool>,
    pub max_connections: Option<usize>,
    pub header_read_timeout_secs: Option<u64>,
    pub tls_handshake_timeout_secs: Option<u64>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("config file {path}: {message}")]
    Toml { path: PathBuf, message: String },
    #[error("environment variable {var}={value:?}: {message}")]
    Env {
        var: String,
        value: String,
        message: String,
    },
    #[error("invalid configuration: {0}")]
    Invalid(String),
}

fn env_parse<T: std::str::FromStr>(
    env: &dyn Fn(&str) -> Option<String>,
    name: &str,
) -> Result<Option<T>, ConfigError>
where
    T::Err: std::fmt::Display,
{
    let var = format!("FIELDSYNC_{name}");
    match env(&var) {
        None => Ok(None),
        Some(value) => value.parse::<T>().map(Some).map_err(|e| ConfigError::Env {
            var,
            value: value.clone(),
            message: e.to_string(),
        }),
    }
}

impl Layer {
    pub fn from_toml_file(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_owned(),
            source,
        })?;
        Self::from_toml(&text, path)
    }

    /// The text of a TOML config file (`path` only names it in errors).
    pub fn from_toml(text: &str, path: &Path) -> Result<Self, ConfigError> {
        toml::from_str(text).map_err(|e| ConfigError::Toml {
            path: path.to_owned(),
            message: e.to_string(),
        })
    }

    /// `FIELDSYNC_ADDR`, `FIELDSYNC_DATA_DIR`, `FIELDSYNC_DATABASE_URL`, … (field names upper-cased).
    pub fn from_env(env: &dyn Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        Ok(Self {
            addr: env_parse(env, "ADDR")?,
            data_dir: env_parse(env, "DATA_DIR")?,
            database_url: env_parse(env, "DATABASE_URL")?,
            token_ttl_secs: env_parse(env, "TOKEN_TTL_SECS")?,
            refresh_ttl_secs: env_parse(env, "REFRESH_TTL_SECS")?,
            refresh_reuse_grace_secs: env_parse(env, "REFRESH_REUSE_GRACE_SECS")?,
            max_sync_body_bytes: env_parse(env, "MAX_SYNC_BODY_BYTES")?,
            max_blob_bytes: env_parse(env, "MAX_BLOB_BYTES")?,
            partial_upload_quota_bytes: env_parse(env, "PARTIAL_UPLOAD_QUOTA_BYTES")?,
            min_free_disk_bytes: env_parse(env, "MIN_FREE_DISK_BYTES")?,
            metrics_token: env_parse(env, "METRICS_TOKEN")?,
            language: env_parse(env, "LANGUAGE")?,
            max_connections_per_address: env_parse(env, "MAX_CONNECTIONS_PER_ADDRESS")?,
            body_idle_timeout_secs: env_parse(env, "BODY_IDLE_TIMEOUT_SECS")?,
            max_page_bytes: env_parse(env, "MAX_PAGE_BYTES")?,
            login_max_failures: env_parse(env, "LOGIN_MAX_FAILURES")?,
            login_window_secs: env_parse(env, "LOGIN_WINDOW_SECS")?,
            sync_per_minute: env_parse(env, "SYNC_PER_MINUTE")?,
            cache_docs: env_parse(env, "CACHE_DOCS")?,
            tls_cert: env_parse(env, "TLS_CERT")?,
            tls_key: env_parse(env, "TLS_KEY")?,
            tls_self_signed: env_parse(env, "TLS_SELF_SIGNED")?,
            max_connections: env_parse(env, "MAX_CONNECTIONS")?,
            header_read_timeout_secs: env_parse(env, "HEADER_READ_TIMEOUT_SECS")?,
            tls_handshake_timeout_secs: env_parse(env, "TLS_HANDSHAKE_TIMEOUT_SECS")?,
        })
    }
}

impl ServerConfig {
    /// The language of customer documents when a site names none.
    pub fn document_language(&self) -> fieldsync_i18n::Lang {
        self.language
            .as_deref()
            .and_then(fieldsync_i18n::Lang::from_code)
            .unwrap_or_else(fieldsync_i18n::Lang::from_os)
    }

    pub fn apply(&mut self, l: &Layer) {
        macro_rules! set {
            ($($f:ident),*) => { $( if let Some(v) = &l.$f { self.$f = v.clone(); } )* };
        }
        set!(
            addr,
            data_dir,
            token_ttl_secs,
            refresh_ttl_secs,
            refresh_reuse_grace_secs,
            max_sync_body_bytes,
            max_blob_bytes,
            partial_upload_quota_bytes,
            min_free_disk_bytes,
            max_page_bytes,
            login_max_failures,
            login_window_secs,
            sync_per_minute,
            cache_docs,
            tls_self_signed,
            max_connections,
            header_read_timeout_secs,
            tls_handshake_timeout_secs,
            max_connections_per_address,
            body_idle_timeout_secs
        );
        if let Some(u) = &l.database_url {
            self.database_url = Some(u.clone());
        }
        if let Some(t) = &l.metrics_token {
            self.metrics_token = Some(t.clone());
        }
        if let Some(t) = &l.language {
            self.language = Some(t.clone());
        }
        if let Some(p) = &l.tls_cert {
            self.tls_cert = Some(p.clone());
        }
        if let Some(p) = &l.tls_key {
            self.tls_key = Some(p.clone());
        }
    }

    /// Defaults → file → environment → flags.
    pub fn layered(
        file: Option<&Path>,
        env: &dyn Fn(&str) -> Option<String>,
        flags: &Layer,
    ) -> Result<Self, ConfigError> {
        let mut c = Self::default();
        if let Some(path) = file {
            c.apply(&Layer::from_toml_file(path)?);
        }
        c.apply(&Layer::from_env(env)?);
        c.apply(flags);
        c.validate()?;
        Ok(c)
    }

    /// Refuse values that would break the server quietly: a zero or overflowing token
    /// lifetime, zero limits, a login back-off that starts before the first failure.
    pub fn validate(&self) -> Result<(), ConfigError> {
        const TEN_YEARS_SECS: u64 = 10 * 366 * 24 * 3600;
        let check = |ok: bool, name: &str, value: &dyn std::fmt::Display, rule: &str| {
            if ok {
                Ok(())
            } else {
                Err(ConfigError::Invalid(format!("{name} = {value}: {rule}")))
            }
        };
        if let Some(code) = &self.language {
            check(
                fieldsync_i18n::Lang::from_code(code).is_some(),
                "language",
                code,
                "must be zh-CN or en",
            )?;
        }
        check(
            (1..=TEN_YEARS_SECS).contains(&self.token_ttl_secs),
            "token_ttl_secs",
            &self.token_ttl_secs,
            "must be between 1 and 316224000 (10 years)",
        )?;
        check(
            (1..=TEN_YEARS_SECS).contains(&self.refresh_ttl_secs),
            "refresh_ttl_secs",
            &self.refresh_ttl_secs,
            "must be between 1 and 316224000 (10 years)",
        )?;
        // Zero would sign out an app that crashed between the server's answer and saving it;
        // more than an hour would let a copied token ride along unnoticed for long.
        check(
            (1..=3600).contains(&self.refresh_reuse_grace_secs)
                && self.refresh_reuse_grace_secs < self.refresh_ttl_secs,
            "refresh_reuse_grace_secs",
            &self.refresh_reuse_grace_secs,
            "must be between 1 and 3600, and shorter than refresh_ttl_secs",
        )?;
        check(
            (1..=1 << 32).contains(&self.max_blob_bytes),
            "max_blob_bytes",
            &self.max_blob_bytes,
            "must be between 1 and 4294967296 (4 GiB)",
        )?;
        check(
            (1..=1 << 32).contains(&self.max_sync_body_bytes),
            "max_sync_body_bytes",
            &self.max_sync_body_bytes,
            "must be between 1 and 4294967296 (4 GiB)",
        )?;
        check(
            (1..=1000).contains(&self.login_max_failures),
            "login_max_failures",
            &self.login_max_failures,
            "must be between 1 and 1000",
        )?;
        check(
            (1..=TEN_YEARS_SECS).contains(&self.login_window_secs),
            "login_window_secs",
            &self.login_window_secs,
            "must be between 1 and 316224000",
        )?;
        check(
            self.max_connections >= 1,
            "max_connections",
            &self.max_connections,
            "must be at least 1",
        )?;
        check(
            self.max_connections_per_address >= 1,
            "max_connections_per_address",
            &self.max_connections_per_address,
            "must be at least 1",
        )?;
        check(
            (1..=3600).contains(&self.body_idle_timeout_secs),
            "body_idle_timeout_secs",
            &self.body_idle_timeout_secs,
            "must be between 1 and 3600",
        )?;
        check(
            (1..=3600).contains(&self.header_read_timeout_secs),
            "header_read_timeout_secs",
            &self.header_read_timeout_secs,
            "must be between 1 and 3600",
        )?;
        check(
            (1..=3600).contains(&self.tls_handshake_timeout_secs),
            "tls_handshake_timeout_secs",
            &self.tls_handshake_timeout_secs,
            "must be between 1 and 3600",
        )
    }

    pub fn database_url(&self) -> String {
        self.database_url
            .clone()
            .unwrap_or_else(|| crate::storage::url_for_data_dir(&self.data_dir))
    }

    /// The TLS files to serve with, if any: the given pair, or the self-signed certificate's.
    /// `None` means plain http (only sensible on loopback or behind a TLS proxy).
    pub fn tls_files(&self) -> Result<Option<crate::tls::TlsFiles>, ConfigError> {
        match (&self.tls_cert, &self.tls_key, self.tls_self_signed) {
            (Some(cert), Some(key), false) => Ok(Some(crate::tls::TlsFiles {
                cert: cert.clone(),
                key: key.clone(),
            })),
            (None, None, false) => Ok(None),
            (None, None, true) => {
                let mut names = Vec::new();
                if !self.addr.ip().is_unspecified() {
                    names.push(self.addr.ip().to_string());
                }
                crate::tls::self_signed(&self.data_dir, &names)
                    .map(Some)
                    .map_err(|e| ConfigError::Invalid(e.to_string()))
            }
            (_, _, true) => Err(ConfigError::Invalid(
                "tls_self_signed and tls_cert/tls_key exclude each other".into(),
            )),
            _ => Err(ConfigError::Invalid(
                "tls_cert and tls_key go together: give both".into(),
            )),
        }
    }

    pub fn blob_dir(&self) -> PathBuf {
        self.data_dir.join("blobs")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layers_apply_in_order_and_debug_redacts() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("c.toml");
        std::fs::write(&file, "addr = \"127.0.0.1:9000\"\ncache_docs = 7\n").unwrap();
        let env = |k: &str| match k {
            "FIELDSYNC_CACHE_DOCS" => Some("9".to_owned()),
            "FIELDSYNC_DATABASE_URL" => Some("postgres://app:hunter2@db/fs".to_owned()),
            _ => None,
        };
        let flags = Layer {
            addr: Some("127.0.0.1:9100".parse().unwrap()),
            ..Default::default()
        };
        let c = ServerConfig::layered(Some(&file), &env, &flags).unwrap();
        assert_eq!(c.addr.port(), 9100);
        assert_eq!(c.cache_docs, 9);
        let dbg = format!("{c:?}");
        assert!(!dbg.contains("hunter2"), "{dbg}");
    }

    #[test]
    fn zero_and_overflowing_limits_are_refused_with_their_name() {
        let cases: [(&str, &str); 9] = [
            ("FIELDSYNC_REFRESH_REUSE_GRACE_SECS", "0"),
            ("FIELDSYNC_REFRESH_REUSE_GRACE_SECS", "3601"),
            ("FIELDSYNC_TOKEN_TTL_SECS", "0"),
            ("FIELDSYNC_TOKEN_TTL_SECS", "18446744073709551615"),
            ("FIELDSYNC_MAX_BLOB_BYTES", "0"),
            ("FIELDSYNC_MAX_BLOB_BYTES", "18446744073709551615"),
            ("FIELDSYNC_LOGIN_MAX_FAILURES", "0"),
            ("FIELDSYNC_MAX_CONNECTIONS", "0"),
            ("FIELDSYNC_HEADER_READ_TIMEOUT_SECS", "0"),
        ];
        for (var, value) in cases {
            let env = |k: &str| (k == var).then(|| value.to_owned());
            let err = ServerConfig::layered(None, &env, &Layer::default()).unwrap_err();
            let field = var.trim_start_matches("FIELDSYNC_").to_lowercase();
            assert!(err.to_string().contains(&field), "{var}={value}: {err}");
        }
        // The defaults pass, and so does a TOML file with sane values.
        ServerConfig::default().validate().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("c.toml");
        std::fs::write(&file, "token_ttl_secs = 0\n").unwrap();
        let err = ServerConfig::layered(Some(&file), &|_| None, &Layer::default()).unwrap_err();
        assert!(err.to_string().contains("token_ttl_secs"), "{err}");
    }

    #[test]
    fn the_refresh_grace_must_be_shorter_than_the_refresh_token_lives() {
        let env = |k: &str| match k {
            "FIELDSYNC_REFRESH_TTL_SECS" => Some("30".to_owned()),
            "FIELDSYNC_REFRESH_REUSE_GRACE_SECS" => Some("30".to_owned()),
            _ => None,
        };
        let err = ServerConfig::layered(None, &env, &Layer::default()).unwrap_err();
        assert!(
            err.to_string().contains("refresh_reuse_grace_secs"),
            "{err}"
        );
        let toml = Layer::from_toml("refresh_reuse_grace_secs = 5\n", Path::new("c.toml")).unwrap();
        assert_eq!(toml.refresh_reuse_grace_secs, Some(5));
    }

    #[test]
    fn tls_settings_must_be_whole() {
        let mut c = ServerConfig {
            tls_cert: Some("c.pem".into()),
            ..ServerConfig::default()
        };
        assert!(c.tls_files().is_err(), "a certificate without its key");
        c.tls_key = Some("k.pem".into());
        assert!(c.tls_files().unwrap().is_some());
        c.tls_self_signed = true;
        assert!(c.tls_files().is_err(), "both kinds at once");
        let c = ServerConfig::default();
        assert!(c.tls_files().unwrap().is_none());
    }

    #[test]
    fn bad_values_are_named() {
        let env = |k: &str| (k == "FIELDSYNC_CACHE_DOCS").then(|| "many".to_owned());
        let err = ServerConfig::layered(None, &env, &Layer::default()).unwrap_err();
        assert!(err.to_string().contains("FIELDSYNC_CACHE_DOCS"), "{err}");
    }
}
