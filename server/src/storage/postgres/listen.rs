//! The replica's change listener: one dedicated connection doing `LISTEN fieldsync_changes`
//! on a thread of its own, feeding every notification (appends of any replica, this one
//! included) into the process's [`ChangeFeed`]. Started on the first subscription; after a
//! lost connection it reconnects and tells subscribers to resync (notifications sent while
//! it was away are gone).

use super::tls::Target;
use crate::storage::feed::{CHANNEL, ChangeFeed, DocChange, FeedEvent};
use crate::storage::{Result, StorageError};
use postgres::Client;
use postgres::fallible_iterator::FallibleIterator;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::Duration;

/// How often the listener looks at its stop flag while idle.
const POLL: Duration = Duration::from_millis(500);
/// Pause before reconnecting after the connection failed.
const RECONNECT_PAUSE: Duration = Duration::from_secs(1);
/// How long the first subscription waits for the listener to be listening.
const START_TIMEOUT: Duration = Duration::from_secs(10);

/// Start the listener thread and wait until it listens (so no change committed after this
/// returns is missed). It runs until `stop` is set.
pub fn start(config: Target, feed: ChangeFeed, stop: Arc<AtomicBool>) -> Result<()> {
    let (ready_tx, ready_rx) = mpsc::channel::<Result<()>>();
    std::thread::Builder::new()
        .name("pg-listen".into())
        .spawn(move || run(&config, &feed, &stop, ready_tx))
        .map_err(|e| StorageError::Backend(format!("cannot start the change listener: {e}")))?;
    ready_rx.recv_timeout(START_TIMEOUT).map_err(|_| {
        StorageError::Backend("the PostgreSQL change listener did not start in time".into())
    })?
}

fn connect(config: &Target) -> Result<Client> {
    let mut c = config.connect()?;
    c.batch_execute(&format!("LISTEN {CHANNEL}"))?;
    Ok(c)
}

fn run(config: &Target, feed: &ChangeFeed, stop: &AtomicBool, ready: mpsc::Sender<Result<()>>) {
    let mut client = match connect(config) {
        Ok(c) => {
            let _ = ready.send(Ok(()));
            c
        }
        Err(e) => {
            let _ = ready.send(Err(e));
            return;
        }
    };
    while !stop.load(Ordering::Relaxed) {
        match next(&mut client) {
            Ok(Some(change)) => feed.publish(FeedEvent::Changed(change)),
            Ok(None) if !client.is_closed() => {}
            Ok(None) | Err(_) => {
                tracing::warn!("PostgreSQL change listener lost its connection; reconnecting");
                client = loop {
                    if stop.load(Ordering::Relaxed) {
                        return;
                    }
                    std::thread::sleep(RECONNECT_PAUSE);
                    if let Ok(c) = connect(config) {
                        break c;
                    }
                };
                feed.publish(FeedEvent::Resync);
            }
        }
    }
}

/// The next change announced within [`POLL`], if any. A payload that does not parse (another
/// program on the channel) is logged and skipped.
fn next(client: &mut Client) -> Result<Option<DocChange>, postgres::Error> {
    let mut notes = client.notifications();
    let Some(n) = notes.timeout_iter(POLL).next()? else {
        return Ok(None);
    };
    match serde_json::from_str::<DocChange>(n.payload()) {
        Ok(c) => Ok(Some(c)),
        Err(e) => {
            tracing::warn!(payload = n.payload(), error = %e, "unreadable change notification");
            Ok(None)
        }
    }
}
