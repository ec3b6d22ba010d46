//! The change feed: every stored append, announced to live subscribers (the dispatch board's
//! `GET /v1/dispatch/events`). In one process a `tokio::sync::broadcast` channel; across
//! PostgreSQL replicas each append also sends `NOTIFY fieldsync_changes` in its transaction
//! and every replica's listener feeds what it hears into its own channel (so a replica hears
//! its own appends that way too, exactly once).
//!
//! Delivery is best effort: a subscriber that falls behind, or a listener that lost its
//! connection, gets [`FeedEvent::Resync`] and reloads what it shows.

use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;

/// Name of the PostgreSQL notification channel.
pub const CHANNEL: &str = "fieldsync_changes";
/// Events kept for a slow subscriber before it is told to resync.
const CAPACITY: usize = 1024;

/// One stored append: which document, of what kind, at which log position.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocChange {
    pub doc_id: String,
    pub kind: String,
    pub seq: u64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FeedEvent {
    Changed(DocChange),
    /// Changes may have been missed: reload.
    Resync,
}

/// A broadcast of [`FeedEvent`]s; cloning shares the channel.
#[derive(Clone, Debug)]
pub struct ChangeFeed {
    tx: broadcast::Sender<FeedEvent>,
}

impl Default for ChangeFeed {
    fn default() -> Self {
        Self {
            tx: broadcast::channel(CAPACITY).0,
        }
    }
}

impl ChangeFeed {
    /// Announce an event; without subscribers it is dropped.
    pub fn publish(&self, event: FeedEvent) {
        let _ = self.tx.send(event);
    }

    pub fn subscribe(&self) -> broadcast::Receiver<FeedEvent> {
        self.tx.subscribe()
    }
}
