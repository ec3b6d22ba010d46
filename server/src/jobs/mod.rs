//! Background jobs of a serving hub: the inspection-plan generator, numbering the work
//! orders that arrived without a number, the SLA sweep (due times, escalation) and the
//! removal of expired unfinished uploads, run once at start and then on a timer.
//!
//! With several replicas on one database each job runs under a cluster-wide lease
//! ([`crate::storage::Storage::job_lease`]): a replica that does not get it skips this tick,
//! so an escalation is never decided twice from the same stale view. The work is idempotent
//! as well (deterministic occurrence ids, unique keys, conditional appends), so a job that
//! dies half-way is simply finished by the next tick. Compaction needs no lease: snapshots
//! are written inline after an append and only ever move forward (`snapshot_seq`).

use crate::hub::{Hub, HubError};
use crate::state::AppState;
use std::sync::atomic::Ordering;
use std::time::Duration;

pub mod numbering;

/// Lease name of the inspection-plan generator.
pub const PLAN_GENERATOR: &str = "plan-generator";
/// Lease name of the SLA sweep (due times and escalation).
pub const SLA_SWEEP: &str = "sla-sweep";
/// How long an on-demand run (HTTP) waits for the same job running on another replica.
pub const ON_DEMAND_WAIT: Duration = Duration::from_secs(30);

/// Run `work` while holding the lease of `job`; `Ok(None)` if another replica holds it
/// (after waiting up to `wait`, if given). Blocking: call it on the blocking pool.
pub fn exclusive<R>(
    hub: &Hub,
    job: &str,
    wait: Option<Duration>,
    work: impl FnOnce() -> Result<R, HubError>,
) -> Result<Option<R>, HubError> {
    let Some(lease) = hub.db().blocking().job_lease(job, wait)? else {
        return Ok(None);
    };
    let out = work();
    drop(lease);
    out.map(Some)
}

/// The answer to an on-demand run while the job stayed busy on another replica.
pub fn busy(job: &str) -> crate::error::AppError {
    crate::error::AppError::Unavailable(format!(
        "{job} is running on another server and did not finish within {} s; try again",
        ON_DEMAND_WAIT.as_secs()
    ))
}

/// Run both jobs once, now (logs what they did; errors are logged, never fatal).
pub async fn run_once(state: &AppState) {
    let hub = state.hub.clone();
    let now = crate::now_ms();
    let result = tokio::task::spawn_blocking(move || {
        let plans = exclusive(&hub, PLAN_GENERATOR, None, || {
            crate::plans::generator::run(&hub, now, None)
        });
        let numbered = exclusive(&hub, crate::jobs::numbering::NUMBERING, None, || {
            crate::jobs::numbering::number_work_orders(&hub, now)
        });
        let sla = exclusive(&hub, SLA_SWEEP, None, || crate::sla::sweep(&hub, now));
        (plans, numbered, sla)
    })
    .await;
    match result {
        Ok((plans, numbered, sla)) => {
            match numbered {
                Ok(Some(n)) if n > 0 => tracing::info!(numbered = n, "work orders numbered"),
                Ok(_) => {}
                Err(e) => tracing::error!(error = %e, "numbering work orders failed"),
            }
            match plans {
                Ok(Some(r)) if r.created > 0 || !r.errors.is_empty() => {
                    tracing::info!(created = r.created, existing = r.existing, errors = ?r.errors, "plan generator")
                }
                Ok(Some(_)) => {}
                Ok(None) => tracing::debug!("plan generator runs on another replica; skipped"),
                Err(e) => tracing::error!(error = %e, "plan generator failed"),
            }
            match sla {
                Ok(Some(r)) if r.escalations > 0 || r.due_times_written > 0 => {
                    tracing::info!(?r, "SLA sweep")
                }
                Ok(Some(_)) => {}
                Ok(None) => tracing::debug!("SLA sweep runs on another replica; skipped"),
                Err(e) => tracing::error!(error = %e, "SLA sweep failed"),
            }
        }
        Err(e) => tracing::error!(error = %e, "background job panicked"),
    }
    sweep_uploads(state).await;
}

/// Remove unfinished uploads nobody resumed within [`crate::storage::uploads::MAX_AGE`]. Every replica
/// may run it (removing a file twice is harmless), so it needs no lease.
async fn sweep_uploads(state: &AppState) {
    let dir = state.config.blob_dir();
    let swept = tokio::task::spawn_blocking(move || {
        crate::storage::uploads::sweep(
            &dir,
            std::time::SystemTime::now(),
            crate::storage::uploads::MAX_AGE,
        )
    })
    .await;
    match swept {
        Ok(Ok(s)) if s.files > 0 => {
            tracing::info!(
                files = s.files,
                bytes = s.bytes,
                "expired unfinished uploads removed"
            )
        }
        Ok(Ok(_)) => {}
        Ok(Err(e)) => tracing::warn!(error = %e, "sweeping unfinished uploads failed"),
        Err(e) => tracing::error!(error = %e, "upload sweep panicked"),
    }
}

/// Start the jobs: once now, then every `every`, until the server shuts down.
pub fn spawn(state: AppState, every: Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            if state.shutting_down.load(Ordering::Relaxed) {
                break;
            }
            run_once(&state).await;
            tokio::time::sleep(every).await;
        }
    })
}
