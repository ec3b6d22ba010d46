//! What the fuzz targets of `fieldsync-server` run on one input. Shared, by `#[path]`, by
//! `fuzz/fuzz_targets/*.rs` and the corpus replay in `server/tests/fuzz_corpus.rs`, so the
//! fuzzer and `cargo test` call exactly the same entry points. Must never panic.

use fieldsync_server::cli::import::{ImportOptions, import_devices};
use fieldsync_server::config::{Layer, ServerConfig};
use fieldsync_server::kpis::Period;
use fieldsync_server::plans::Plan;

/// 2026-12-07 00:00 UTC: "now" for the targets that need one.
pub const NOW_MS: i64 = 1_796_601_600_000;

/// `import devices --dry-run <file>`: a ledger in any encoding, without a hub.
pub fn csv_import(data: &[u8]) {
    let opts = ImportOptions {
        dry_run: true,
        ..Default::default()
    };
    let _ = import_devices(None, data, &opts, 0);
}

/// `PUT /v1/contracts/{customer}` and every stored contract: parse, check, compile the
/// calendars, then the due times the hub writes into an incident.
pub fn contract_json(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok((_, compiled)) = fieldsync_server::sla::parse_contract(text) else {
        return;
    };
    for p in fieldsync::sla::PRIORITIES {
        for category in [None, Some("hardware")] {
            let _ = compiled.due_times(NOW_MS, p, category);
        }
    }
    for impact in 0..=4 {
        for urgency in 0..=4 {
            let _ = compiled.priority(impact, urgency);
        }
    }
}

/// `GET /v1/kpis?month=…` / `?quarter=…`: the period and the instants the report reads.
pub fn kpi_period(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let Ok(p) = Period::parse(&text) else {
        return;
    };
    let _ = p.range_ms();
    let _ = p.range_in(chrono_tz::Asia::Shanghai);
    let _ = p.range_in(chrono_tz::America::New_York);
    let _ = p.months();
    let _ = p.trailing(12);
    let _ = p.previous().label();
}

/// `POST /v1/plans`: the body, its checks and the generator's expansion of one run (the
/// generator's window: now → now + horizon, at most 1,000 occurrences).
pub fn plan_json(data: &[u8]) {
    let Ok(plan) = serde_json::from_slice::<Plan>(data) else {
        return;
    };
    let Ok(cp) = plan.compile() else {
        return;
    };
    let from = NOW_MS.max(plan.effective_from_ms);
    let to = NOW_MS.saturating_add(i64::from(plan.horizon_days) * 24 * 3600 * 1000);
    for o in cp.occurrences(from, to, 1000) {
        let _ = cp.occurrence_id(o.start_ms);
    }
}

/// The variables `Layer::from_env` reads.
const ENV_VARS: [&str; 19] = [
    "FIELDSYNC_ADDR",
    "FIELDSYNC_DATA_DIR",
    "FIELDSYNC_DATABASE_URL",
    "FIELDSYNC_TOKEN_TTL_SECS",
    "FIELDSYNC_MAX_SYNC_BODY_BYTES",
    "FIELDSYNC_MAX_BLOB_BYTES",
    "FIELDSYNC_PARTIAL_UPLOAD_QUOTA_BYTES",
    "FIELDSYNC_MAX_PAGE_BYTES",
    "FIELDSYNC_LOGIN_MAX_FAILURES",
    "FIELDSYNC_LOGIN_WINDOW_SECS",
    "FIELDSYNC_SYNC_PER_MINUTE",
    "FIELDSYNC_CACHE_DOCS",
    "FIELDSYNC_TLS_CERT",
    "FIELDSYNC_TLS_KEY",
    "FIELDSYNC_TLS_SELF_SIGNED",
    "FIELDSYNC_MAX_CONNECTIONS",
    "FIELDSYNC_HEADER_READ_TIMEOUT_SECS",
    "FIELDSYNC_TLS_HANDSHAKE_TIMEOUT_SECS",
    "FIELDSYNC_METRICS_TOKEN",
];

/// The server's TOML config file, then the environment layer (first byte: which variable,
/// the rest: its value), each applied to the defaults and validated as `serve` does (not `tls_files`, which
/// may write a self-signed certificate).
pub fn config_toml(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    if let Ok(layer) = Layer::from_toml(&text, std::path::Path::new("fuzz.toml")) {
        let mut config = ServerConfig::default();
        config.apply(&layer);
        let _ = config.validate();
    }
    let Some((&which, value)) = data.split_first() else {
        return;
    };
    let var = ENV_VARS[usize::from(which) % ENV_VARS.len()];
    let value = String::from_utf8_lossy(value).into_owned();
    let env = |name: &str| (name == var).then(|| value.clone());
    if let Ok(layer) = Layer::from_env(&env) {
        let mut config = ServerConfig::default();
        config.apply(&layer);
        let _ = config.validate();
    }
}

/// `PATCH /v1/blobs/{sha256}`'s path and headers (`Upload-Offset`, `Upload-Length`), checked
/// before anything touches the disk. The input is the hash, the two header values and the
/// part's length, separated by newlines. An accepted part must end within its upload.
pub fn blob_part(data: &[u8]) {
    use axum::http::{HeaderMap, HeaderValue};
    let mut fields = data.splitn(4, |b| *b == b'\n');
    let sha = String::from_utf8_lossy(fields.next().unwrap_or_default()).into_owned();
    let mut headers = HeaderMap::new();
    for name in ["upload-offset", "upload-length"] {
        if let Some(v) = fields.next().and_then(|v| HeaderValue::from_bytes(v).ok()) {
            headers.insert(name, v);
        }
    }
    let part_len = fields
        .next()
        .and_then(|v| std::str::from_utf8(v).ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .unwrap_or(1);
    const MAX: u64 = 32 * 1024 * 1024;
    if let Ok(part) = fieldsync_server::handlers::blobs::check_part(&sha, &headers, part_len, MAX) {
        assert!(part.total <= MAX, "{part:?}");
        assert!(
            part.offset
                .checked_add(part_len)
                .is_some_and(|end| end <= part.total),
            "{part:?} with a part of {part_len} bytes"
        );
    }
}
