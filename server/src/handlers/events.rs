//! `GET /v1/dispatch/events`: live updates for dispatch boards as Server-Sent Events.
//!
//! Contract (the dispatcher app relies on it):
//! - `event: work_order` / `data: {"doc_id":"<id>","seq":<n>}` each time a work order is
//!   stored (any actor, any replica);
//! - `event: resync` / `data: {}` when changes may have been missed (the subscriber fell
//!   behind, or this replica lost its PostgreSQL listener): reload the board;
//! - a `: keep-alive` comment every 15 s.
//!
//! Office roles only (dispatcher, supervisor, admin); engineers get 403.

use super::require_role;
use crate::error::AppResult;
use crate::handlers::extract::Auth;
use crate::state::AppState;
use crate::storage::feed::FeedEvent;
use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use fieldsync::{DocKind, Role};
use futures_util::Stream;
use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tokio::sync::broadcast::{Receiver, error::RecvError};

const OFFICE: [Role; 3] = [Role::Dispatcher, Role::Supervisor, Role::Admin];
/// Interval of the keep-alive comments.
pub const KEEP_ALIVE: Duration = Duration::from_secs(15);
/// How often an idle stream checks whether the server is shutting down (so a graceful
/// shutdown is not held up by open event streams).
const SHUTDOWN_CHECK: Duration = Duration::from_secs(1);

pub async fn dispatch_events(
    State(state): State<AppState>,
    Auth(session): Auth,
) -> AppResult<Sse<impl Stream<Item = Result<Event, Infallible>>>> {
    require_role(session.user.role, &OFFICE, "follow dispatch events")?;
    let rx = state.db.call(|s| s.subscribe_changes()).await?;
    let stream = futures_util::stream::unfold(
        (rx, state.shutting_down.clone()),
        |(mut rx, stop)| async move {
            let event = next_event(&mut rx, &stop).await?;
            Some((Ok(event.to_sse()), (rx, stop)))
        },
    );
    Ok(Sse::new(stream).keep_alive(KeepAlive::new().interval(KEEP_ALIVE).text("keep-alive")))
}

/// What a board is told.
#[derive(Clone, Debug, PartialEq, Eq)]
enum BoardEvent {
    WorkOrder { doc_id: String, seq: u64 },
    Resync,
}

impl BoardEvent {
    fn to_sse(&self) -> Event {
        match self {
            BoardEvent::WorkOrder { doc_id, seq } => {
                let data = serde_json::json!({ "doc_id": doc_id, "seq": seq });
                Event::default().event("work_order").data(data.to_string())
            }
            BoardEvent::Resync => Event::default().event("resync").data("{}"),
        }
    }
}

/// The next event for a board; `None` ends the stream (server shutting down, feed closed).
async fn next_event(rx: &mut Receiver<FeedEvent>, stop: &Arc<AtomicBool>) -> Option<BoardEvent> {
    loop {
        // `recv` is cancel-safe: waking up to look at the stop flag loses nothing.
        let received = tokio::select! {
            r = rx.recv() => r,
            _ = tokio::time::sleep(SHUTDOWN_CHECK) => {
                if stop.load(Ordering::Relaxed) {
                    return None;
                }
                continue;
            }
        };
        match received {
            Ok(FeedEvent::Changed(c)) if c.kind == DocKind::WorkOrder.as_str() => {
                return Some(BoardEvent::WorkOrder {
                    doc_id: c.doc_id,
                    seq: c.seq,
                });
            }
            Ok(FeedEvent::Changed(_)) => {}
            Ok(FeedEvent::Resync) | Err(RecvError::Lagged(_)) => return Some(BoardEvent::Resync),
            Err(RecvError::Closed) => return None,
        }
    }
}

#[cfg(test)]
mod tests;
