//! Background jobs of a serving hub: the inspection-plan generator and the SLA sweep
//! (due times, escalation), run once at start and then on a timer. Both are idempotent, so
//! several server instances on one database may run them side by side.

use crate::state::AppState;
use std::sync::atomic::Ordering;
use std::time::Duration;

/// Run both jobs once, now (logs what they did; errors are logged, never fatal).
pub async fn run_once(state: &AppState) {
    let hub = state.hub.clone();
    let now = crate::now_ms();
    let result = tokio::task::spawn_blocking(move || {
        let plans = crate::plans::generator::run(&hub, now, None);
        let sla = crate::sla::sweep(&hub, now);
        (plans, sla)
    })
    .await;
    match result {
        Ok((plans, sla)) => {
            match plans {
                Ok(r) if r.created > 0 || !r.errors.is_empty() => {
                    tracing::info!(created = r.created, existing = r.existing, errors = ?r.errors, "plan generator")
                }
                Ok(_) => {}
                Err(e) => tracing::error!(error = %e, "plan generator failed"),
            }
            match sla {
                Ok(r) if r.escalations > 0 || r.due_times_written > 0 => {
                    tracing::info!(?r, "SLA sweep")
                }
                Ok(_) => {}
                Err(e) => tracing::error!(error = %e, "SLA sweep failed"),
            }
        }
        Err(e) => tracing::error!(error = %e, "background job panicked"),
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
