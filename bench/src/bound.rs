//! Bounds on the steps that wait on other processes or the network, so no benchmark run can
//! hang: a step that does not finish in time becomes a result ("HUNG after 60 s") instead of
//! a wait of ten minutes, its future is dropped (which kills its child processes: they are
//! killed when their handles drop), and the run exits non-zero at the end
//! ([`exit_status`]).

use std::sync::Mutex;
use std::time::Duration;

/// How a bounded step ended.
#[derive(Debug)]
pub enum Outcome<T> {
    Done(T),
    /// Not finished within the bound.
    Hung {
        after: Duration,
    },
    /// Finished with an error.
    Failed(String),
    /// Not attempted because an earlier step did not finish.
    NotRun(String),
}

impl<T> Outcome<T> {
    pub fn done(&self) -> Option<&T> {
        match self {
            Outcome::Done(v) => Some(v),
            _ => None,
        }
    }

    /// What to print in place of a figure when the step did not finish.
    pub fn label(&self) -> Option<String> {
        match self {
            Outcome::Done(_) => None,
            Outcome::Hung { after } => Some(format!("HUNG after {} s", after.as_secs())),
            Outcome::Failed(e) => Some(format!("FAILED: {e}")),
            Outcome::NotRun(why) => Some(format!("not run ({why})")),
        }
    }
}

/// Steps that hung or failed in this run, for the message at the end.
static UNFINISHED: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Remember that `what` did not finish (`how`: its label).
pub fn record_unfinished(what: &str, how: &str) {
    let line = format!("{what}: {how}");
    eprintln!("fieldsync-bench: {line}");
    UNFINISHED
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .push(line);
}

/// Run `fut` for at most `bound`. A hang or an error is recorded under `what` and returned
/// as the outcome; the future is dropped on a hang.
pub async fn within<T>(
    what: &str,
    bound: Duration,
    fut: impl Future<Output = anyhow::Result<T>>,
) -> Outcome<T> {
    let outcome = match tokio::time::timeout(bound, fut).await {
        Ok(Ok(v)) => Outcome::Done(v),
        Ok(Err(e)) => Outcome::Failed(format!("{e:#}")),
        Err(_) => Outcome::Hung { after: bound },
    };
    if let Some(label) = outcome.label() {
        record_unfinished(what, &label);
    }
    outcome
}

/// The process's exit status: 0 if every bounded step finished, else 2 with a message
/// naming them.
pub fn exit_status() -> i32 {
    let unfinished = UNFINISHED.lock().unwrap_or_else(|p| p.into_inner());
    if unfinished.is_empty() {
        return 0;
    }
    eprintln!(
        "\nfieldsync-bench: {} step(s) did not finish, so some figures above are missing:",
        unfinished.len()
    );
    for line in unfinished.iter() {
        eprintln!("  - {line}");
    }
    2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_step_that_finishes_is_done() {
        let out = within("quick", Duration::from_secs(60), async { Ok(7) }).await;
        assert_eq!(out.done(), Some(&7));
        assert_eq!(out.label(), None);
    }

    #[tokio::test]
    async fn a_step_that_never_finishes_is_reported_hung_and_dropped() {
        struct Flag(std::sync::Arc<std::sync::atomic::AtomicBool>);
        impl Drop for Flag {
            fn drop(&mut self) {
                self.0.store(true, std::sync::atomic::Ordering::SeqCst);
            }
        }
        let dropped = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = Flag(dropped.clone());
        let out: Outcome<()> = within("stuck", Duration::from_millis(1), async move {
            let _held = flag;
            std::future::pending::<()>().await;
            Ok(())
        })
        .await;
        assert!(matches!(out, Outcome::Hung { .. }));
        assert_eq!(out.label().unwrap(), "HUNG after 0 s");
        assert!(dropped.load(std::sync::atomic::Ordering::SeqCst));
    }

    #[tokio::test]
    async fn an_error_is_a_failed_step() {
        let out: Outcome<()> = within("broken", Duration::from_secs(60), async {
            anyhow::bail!("no server")
        })
        .await;
        assert_eq!(out.label().unwrap(), "FAILED: no server");
    }
}
