//! Cluster-wide leases for background jobs (plan generator, SLA sweep): with several server
//! replicas on one database, a job runs on one replica at a time. On PostgreSQL the lease is
//! a session advisory lock on a dedicated connection (released when the lease drops, or by
//! the server if the replica dies); on SQLite (one process) it is a no-op.

/// A held lease; dropping it releases the lease.
pub struct JobLease {
    _held: Option<Box<dyn Send>>,
}

impl JobLease {
    /// A lease that holds nothing (single-process backends).
    pub fn local() -> Self {
        Self { _held: None }
    }

    /// A lease kept for as long as `resource` lives (its `Drop` releases it).
    pub fn holding(resource: Box<dyn Send>) -> Self {
        Self {
            _held: Some(resource),
        }
    }
}

impl std::fmt::Debug for JobLease {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self._held.is_some() {
            "JobLease(held)"
        } else {
            "JobLease(local)"
        })
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
