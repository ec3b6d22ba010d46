//! Storage that can tell when the repo has gone quiet.
//!
//! samod writes a document's changes to storage asynchronously, after `with_document` has
//! returned (and `Repo::create` resolves once the first snapshot is written, not the edits
//! after it). If the clock of a sync started while the device repo was still writing the
//! workload's 10,000 offline edits, samod's sync would pay for the seeding: unfair to samod.
//! So the device repo's storage is wrapped here and the benchmark waits, before it starts
//! the clock, until no storage operation is in flight and none has started or finished for
//! a short idle window.

use samod::storage::{Storage, StorageKey};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long no storage operation may have started or finished for the repo to count as
/// quiet: longer than any gap between samod's actor finishing an edit and its io loop
/// starting the write (microseconds on a busy machine too).
pub const IDLE_WINDOW: Duration = Duration::from_millis(300);

#[derive(Debug)]
struct Activity {
    in_flight: u64,
    last: Instant,
}

/// Counts shared by every clone of a [`QuietStorage`].
#[derive(Debug)]
struct Shared {
    activity: Mutex<Activity>,
    started: AtomicU64,
}

/// `S` with every operation counted.
#[derive(Clone, Debug)]
pub struct QuietStorage<S> {
    inner: S,
    shared: Arc<Shared>,
}

/// What the wait saw.
#[derive(Debug, Clone, Copy)]
pub struct Quiet {
    /// Storage operations started since the storage was made.
    pub operations: u64,
    /// How long the wait took (including the idle window).
    pub waited: Duration,
}

impl<S> QuietStorage<S> {
    pub fn new(inner: S) -> Self {
        QuietStorage {
            inner,
            shared: Arc::new(Shared {
                activity: Mutex::new(Activity {
                    in_flight: 0,
                    last: Instant::now(),
                }),
                started: AtomicU64::new(0),
            }),
        }
    }

    fn activity(&self) -> std::sync::MutexGuard<'_, Activity> {
        self.shared
            .activity
            .lock()
            .unwrap_or_else(|p| p.into_inner())
    }

    fn begin(&self) -> Done {
        self.shared.started.fetch_add(1, Ordering::Relaxed);
        let mut a = self.activity();
        a.in_flight += 1;
        a.last = Instant::now();
        Done(self.shared.clone())
    }

    /// Is nothing in flight and has nothing happened for `idle`?
    fn is_quiet(&self, idle: Duration) -> bool {
        let a = self.activity();
        a.in_flight == 0 && a.last.elapsed() >= idle
    }

    /// Wait until the storage is quiet for [`IDLE_WINDOW`]; `None` if it is not within
    /// `bound` (then something keeps writing, or a write never finishes).
    pub async fn wait_quiet(&self, bound: Duration) -> Option<Quiet> {
        let start = Instant::now();
        while !self.is_quiet(IDLE_WINDOW) {
            if start.elapsed() >= bound {
                return None;
            }
            tokio::time::sleep(IDLE_WINDOW / 6).await;
        }
        Some(Quiet {
            operations: self.shared.started.load(Ordering::Relaxed),
            waited: start.elapsed(),
        })
    }
}

/// Marks an operation finished when dropped (also if its future is dropped unfinished).
struct Done(Arc<Shared>);

impl Drop for Done {
    fn drop(&mut self) {
        let mut a = self.0.activity.lock().unwrap_or_else(|p| p.into_inner());
        a.in_flight -= 1;
        a.last = Instant::now();
    }
}

impl<S: Storage + Sync> Storage for QuietStorage<S> {
    fn load(&self, key: StorageKey) -> impl Future<Output = Option<Vec<u8>>> + Send {
        let done = self.begin();
        let op = self.inner.load(key);
        async move {
            let out = op.await;
            drop(done);
            out
        }
    }

    fn load_range(
        &self,
        prefix: StorageKey,
    ) -> impl Future<Output = HashMap<StorageKey, Vec<u8>>> + Send {
        let done = self.begin();
        let op = self.inner.load_range(prefix);
        async move {
            let out = op.await;
            drop(done);
            out
        }
    }

    fn put(&self, key: StorageKey, data: Vec<u8>) -> impl Future<Output = ()> + Send {
        let done = self.begin();
        let op = self.inner.put(key, data);
        async move {
            op.await;
            drop(done);
        }
    }

    fn delete(&self, key: StorageKey) -> impl Future<Output = ()> + Send {
        let done = self.begin();
        let op = self.inner.delete(key);
        async move {
            op.await;
            drop(done);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use samod::storage::InMemoryStorage;

    fn key(name: &str) -> StorageKey {
        StorageKey::from_parts([name]).unwrap()
    }

    #[tokio::test]
    async fn quiet_once_every_operation_has_finished_and_the_window_passed() {
        let storage = QuietStorage::new(InMemoryStorage::new());
        storage.put(key("a"), vec![1]).await;
        storage.put(key("b"), vec![2]).await;
        let quiet = storage.wait_quiet(Duration::from_secs(30)).await.unwrap();
        assert_eq!(quiet.operations, 2);
    }

    #[tokio::test]
    async fn an_operation_still_in_flight_keeps_it_busy() {
        let storage = QuietStorage::new(InMemoryStorage::new());
        // Started but never polled to completion: it stays in flight until dropped.
        let pending = storage.put(key("a"), vec![1]);
        assert!(storage.wait_quiet(Duration::ZERO).await.is_none());
        drop(pending);
        assert!(storage.wait_quiet(Duration::from_secs(30)).await.is_some());
    }
}
