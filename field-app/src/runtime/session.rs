//! Staying signed in: the access token every request carries lives an hour (the server's
//! `token_ttl_secs`); when the server answers that it lapsed, the device's refresh token gets
//! a new one and the request is tried once more, so a user types their password only when
//! the refresh token itself is gone (expired after 30 days, signed out, the device revoked,
//! or the sign-in ended for safety because a copy of its refresh token was used).
//!
//! The server rotates the refresh token on every renewal and treats the old one, presented
//! again after a short grace, as stolen. So renewal is single-flight — the sync worker, the
//! office-API thread and the event streams may all meet a lapsed token at once, and only one
//! of them asks the server; the others wait and use its answer — and the new refresh token
//! is saved durably in the store before the new access token is used.

use super::net::{self, NetError};
use super::store::{SharedStore, lock, meta};
use fieldsync::store::LocalStore;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, Weak};

/// The renewal of one store: whether one is running, and how the last one ended.
#[derive(Default)]
struct Flight {
    running: bool,
    /// Renewals finished so far: a waiter knows its leader finished when this moves.
    finished: u64,
    last: Option<Result<String, NetError>>,
}

#[derive(Default)]
struct Gate {
    flight: Mutex<Flight>,
    done: Condvar,
}

impl Gate {
    fn lock(&self) -> MutexGuard<'_, Flight> {
        self.flight.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The gate of `store` (one per open store, so two profiles in one process never share an
/// answer).
fn gate_of(store: &SharedStore) -> Arc<Gate> {
    type Gates = Vec<(Weak<Mutex<LocalStore>>, Arc<Gate>)>;
    static GATES: Mutex<Gates> = Mutex::new(Vec::new());
    let mut gates = GATES.lock().unwrap_or_else(|p| p.into_inner());
    gates.retain(|(s, _)| s.strong_count() > 0);
    let mine = Arc::downgrade(store);
    if let Some((_, g)) = gates.iter().find(|(s, _)| s.ptr_eq(&mine)) {
        return g.clone();
    }
    let g = Arc::new(Gate::default());
    gates.push((mine, g.clone()));
    g
}

/// A new access token for a request refused with `failed`: the one another thread renewed in
/// the meantime, the answer of a renewal already running, or one renewal of our own. Without
/// a refresh token (a profile signed in before they existed) or when the server refuses it,
/// `Unauthorized`: sign in with the password. `DeviceRevoked` and `SignedOutForSafety` pass
/// through.
pub fn renew(
    client: &reqwest::blocking::Client,
    server: &str,
    store: &SharedStore,
    failed: &str,
) -> Result<String, NetError> {
    let gate = gate_of(store);
    let mut flight = gate.lock();
    if flight.running {
        let leader = flight.finished;
        while flight.running && flight.finished == leader {
            flight = gate.done.wait(flight).unwrap_or_else(|p| p.into_inner());
        }
        if let Some(answer) = flight.last.clone() {
            return answer;
        }
    }
    // Renewed by another thread after our request was refused: use that token.
    let current = lock(store).meta(meta::TOKEN).ok().flatten();
    match current {
        None => return Err(NetError::Unauthorized),
        Some(t) if t != failed => return Ok(t),
        Some(_) => {}
    }
    flight.running = true;
    drop(flight);
    let answer = renew_now(client, server, store);
    let mut flight = gate.lock();
    flight.running = false;
    flight.finished += 1;
    flight.last = Some(answer.clone());
    gate.done.notify_all();
    answer
}

/// One renewal: ask the server, then keep its answer — the new refresh token first, so a
/// crash after this leaves the store holding the token the server now expects.
fn renew_now(
    client: &reqwest::blocking::Client,
    server: &str,
    store: &SharedStore,
) -> Result<String, NetError> {
    let refresh = lock(store).meta(meta::REFRESH_TOKEN).ok().flatten();
    let Some(refresh) = refresh else {
        return Err(NetError::Unauthorized);
    };
    let fresh = net::refresh(client, server, &refresh)?;
    let store = lock(store);
    let saved = match &fresh.refresh_token {
        Some(next) => store.set_meta(meta::REFRESH_TOKEN, Some(next)),
        None => Ok(()),
    };
    saved
        .and_then(|_| store.set_meta(meta::TOKEN, Some(&fresh.token)))
        .and_then(|_| {
            store.set_meta(
                meta::TOKEN_EXPIRES_MS,
                Some(&fresh.expires_at_ms.to_string()),
            )
        })
        .map_err(|e| NetError::Protocol(e.to_string()))?;
    Ok(fresh.token)
}
