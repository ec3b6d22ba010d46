//! fieldsync-server: the hub every device syncs with — authentication, the one-round-trip
//! sync endpoint with its change policy, relational projections, blobs and the CLI's
//! building blocks (demo data, CSV import, export).

// `fieldsync::model::ModelError` (128 bytes) is what the model's edit functions return, and
// server-side writes pass those functions through as closures; errors are rare and cold.
#![allow(clippy::result_large_err)]

pub mod auth;
pub mod cli;
pub mod complaints;
pub mod config;
pub mod dispatch;
pub mod error;
pub mod handlers;
pub mod http;
pub mod hub;
pub mod jobs;
pub mod kpis;
pub mod metrics;
pub mod plans;
pub mod problems;
pub mod report;
pub mod review;
pub mod seed;
pub mod sla;
pub mod spreadsheet;
pub mod state;
pub mod storage;
pub mod tls;

pub use config::ServerConfig;
pub use http::router;
pub use state::AppState;

/// Wall-clock milliseconds since the Unix epoch.
pub fn now_ms() -> fieldsync::TimestampMs {
    chrono::Utc::now().timestamp_millis()
}

pub mod testing;
