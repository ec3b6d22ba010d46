//! Cluster-wide leases for background jobs (plan generator, SLA sweep): with several server
//! replicas on one database, a job runs on one replica at a time. On PostgreSQL the lease is
//! a session advisory lock on a dedicated connection (released when the lease drops, or by
//! the server if the replica dies); on SQLite (one process) an in-process lock per database
//! file.

/// A held lease; dropping it releases the lease.
pub struct JobLease {
    _held: Box<dyn Send>,
}

impl JobLease {
    /// A lease kept for as long as `resource` lives (its `Drop` releases it).
    pub fn holding(resource: Box<dyn Send>) -> Self {
        Self { _held: resource }
    }
}

impl std::fmt::Debug for JobLease {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("JobLease")
    }
}

/// The 64-bit advisory-lock key of a job name (stable across replicas and versions).
pub fn lease_key(job: &str) -> i64 {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(format!("fieldsync-job:{job}").as_bytes());
    let mut key = [0u8; 8];
    key.copy_from_slice(&digest[..8]);
    i64::from_be_bytes(key)
}

/// Leases held in this process, by (database, job): with one process per SQLite database
/// this is the whole cluster. It also keeps a timer tick and an on-demand run (or two
/// server instances opened on one file, as tests do) from running a job at once.
static LOCAL: std::sync::Mutex<Vec<(String, String)>> = std::sync::Mutex::new(Vec::new());

/// Releases a [`local_lease`] on drop.
struct LocalHold(String, String);

impl Drop for LocalHold {
    fn drop(&mut self) {
        let mut held = LOCAL.lock().unwrap_or_else(|p| p.into_inner());
        held.retain(|(d, j)| !(d == &self.0 && j == &self.1));
    }
}

/// The in-process lease of `job` on database `scope` (e.g. the SQLite file), waiting up to
/// `wait` for a holder in this process to let go.
pub fn local_lease(scope: &str, job: &str, wait: Option<std::time::Duration>) -> Option<JobLease> {
    let deadline = std::time::Instant::now() + wait.unwrap_or_default();
    loop {
        {
            let mut held = LOCAL.lock().unwrap_or_else(|p| p.into_inner());
            if !held.iter().any(|(d, j)| d == scope && j == job) {
                held.push((scope.to_owned(), job.to_owned()));
                let hold = LocalHold(scope.to_owned(), job.to_owned());
                return Some(JobLease::holding(Box::new(hold)));
            }
        }
        if std::time::Instant::now() >= deadline {
            return None;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}
