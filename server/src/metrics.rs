//! Prometheus text metrics: requests by route and status, sync latency histogram, changes
//! accepted and rejected. Hand-rolled: a few atomics need no framework.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

const BUCKETS_SECS: [f64; 11] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

#[derive(Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(String, String, u16), u64>>,
    sync_buckets: [AtomicU64; BUCKETS_SECS.len()],
    sync_count: AtomicU64,
    sync_sum_micros: AtomicU64,
    pub changes_accepted: AtomicU64,
    pub changes_rejected: AtomicU64,
}

impl Metrics {
    pub fn request(&self, method: &str, route: &str, status: u16) {
        let mut m = self.requests.lock().unwrap_or_else(|p| p.into_inner());
        *m.entry((method.to_owned(), route.to_owned(), status))
            .or_default() += 1;
    }

    pub fn sync_latency(&self, d: Duration) {
        let secs = d.as_secs_f64();
        for (i, b) in BUCKETS_SECS.iter().enumerate() {
            if secs <= *b {
                self.sync_buckets[i].fetch_add(1, Ordering::Relaxed);
            }
        }
        self.sync_count.fetch_add(1, Ordering::Relaxed);
        self.sync_sum_micros
            .fetch_add(d.as_micros() as u64, Ordering::Relaxed);
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        out.push_str("# HELP fieldsync_http_requests_total HTTP requests by route and status.\n");
        out.push_str("# TYPE fieldsync_http_requests_total counter\n");
        for ((method, route, status), n) in self
            .requests
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
        {
            let _ = writeln!(
                out,
                "fieldsync_http_requests_total{{method=\"{method}\",route=\"{route}\",status=\"{status}\"}} {n}"
            );
        }
        out.push_str("# HELP fieldsync_sync_duration_seconds Time to answer POST /v1/sync.\n");
        out.push_str("# TYPE fieldsync_sync_duration_seconds histogram\n");
        for (i, b) in BUCKETS_SECS.iter().enumerate() {
            let _ = writeln!(
                out,
                "fieldsync_sync_duration_seconds_bucket{{le=\"{b}\"}} {}",
                self.sync_buckets[i].load(Ordering::Relaxed)
            );
        }
        let count = self.sync_count.load(Ordering::Relaxed);
        let _ = writeln!(
            out,
            "fieldsync_sync_duration_seconds_bucket{{le=\"+Inf\"}} {count}"
        );
        let _ = writeln!(
            out,
            "fieldsync_sync_duration_seconds_sum {}",
            self.sync_sum_micros.load(Ordering::Relaxed) as f64 / 1e6
        );
        let _ = writeln!(out, "fieldsync_sync_duration_seconds_count {count}");
        out.push_str("# HELP fieldsync_changes_total Pushed change sets by outcome.\n");
        out.push_str("# TYPE fieldsync_changes_total counter\n");
        let _ = writeln!(
            out,
            "fieldsync_changes_total{{outcome=\"accepted\"}} {}",
            self.changes_accepted.load(Ordering::Relaxed)
        );
        let _ = writeln!(
            out,
            "fieldsync_changes_total{{outcome=\"rejected\"}} {}",
            self.changes_rejected.load(Ordering::Relaxed)
        );
        out
    }
}
