//! Renewal is single-flight: the sync worker, the office-API thread and the event streams
//! may all meet a lapsed access token at once, and the server rotates the refresh token on
//! every use (the retired one, sent again later, ends the sign-in). So one refresh goes out;
//! the other threads wait and use its answer, and the new refresh token is in the store.

use fieldsync::store::LocalStore;
use fieldsync_app::runtime::{SharedStore, lock, meta, session};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier, Mutex};
use std::time::Duration;

/// A hub that only renews: `R1` is exchanged (slowly, so every thread is waiting by then)
/// for access token `A2` and refresh token `R2`; anything else is refused as reuse.
struct RefreshHub {
    url: String,
    refreshes: Arc<AtomicUsize>,
}

fn answer(mut conn: TcpStream, refreshes: &AtomicUsize) {
    let mut reader = BufReader::new(conn.try_clone().unwrap());
    let mut length = 0usize;
    let mut line = String::new();
    while reader.read_line(&mut line).unwrap_or(0) > 2 {
        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            length = v.trim().parse().unwrap_or(0);
        }
        line.clear();
    }
    let mut body = vec![0; length];
    let _ = reader.read_exact(&mut body);
    refreshes.fetch_add(1, Ordering::SeqCst);
    std::thread::sleep(Duration::from_millis(300));
    let sent: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
    let (status, reply) = if sent["refresh_token"] == "R1" {
        (
            "200 OK",
            serde_json::json!({"token": "A2", "expires_at_ms": 1, "refresh_token": "R2",
                               "refresh_expires_at_ms": 2}),
        )
    } else {
        (
            "401 Unauthorized",
            serde_json::json!({"code": "refresh_reused", "message": "reused"}),
        )
    };
    let reply = reply.to_string();
    let _ = write!(
        conn,
        "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{reply}",
        reply.len()
    );
}

fn refresh_hub() -> RefreshHub {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let refreshes = Arc::new(AtomicUsize::new(0));
    let counted = refreshes.clone();
    std::thread::spawn(move || {
        for conn in listener.incoming().flatten() {
            let counted = counted.clone();
            std::thread::spawn(move || answer(conn, &counted));
        }
    });
    RefreshHub { url, refreshes }
}

fn signed_in_store(dir: &std::path::Path, url: &str) -> SharedStore {
    let store = LocalStore::open(dir).unwrap();
    store.set_meta(meta::SERVER_URL, Some(url)).unwrap();
    store.set_meta(meta::TOKEN, Some("A1")).unwrap();
    store.set_meta(meta::REFRESH_TOKEN, Some("R1")).unwrap();
    Arc::new(Mutex::new(store))
}

#[test]
fn threads_renewing_at_once_make_one_refresh_and_all_succeed() {
    let hub = refresh_hub();
    let dir = tempfile::tempdir().unwrap();
    let store = signed_in_store(dir.path(), &hub.url);
    let threads = 4;
    let start = Arc::new(Barrier::new(threads));
    let renewals: Vec<_> = (0..threads)
        .map(|_| {
            let (store, url, start) = (store.clone(), hub.url.clone(), start.clone());
            std::thread::spawn(move || {
                let client = reqwest::blocking::Client::new();
                start.wait();
                session::renew(&client, &url, &store, "A1")
            })
        })
        .collect();
    for r in renewals {
        assert_eq!(r.join().unwrap(), Ok("A2".to_owned()));
    }
    assert_eq!(
        hub.refreshes.load(Ordering::SeqCst),
        1,
        "one refresh for all"
    );
    // The rotated refresh token is kept, with the access token it came with.
    let kept = |key| lock(&store).meta(key).unwrap();
    assert_eq!(kept(meta::REFRESH_TOKEN).as_deref(), Some("R2"));
    assert_eq!(kept(meta::TOKEN).as_deref(), Some("A2"));

    // A thread whose request was refused just before the renewal finished uses its result
    // instead of sending the retired refresh token again.
    let client = reqwest::blocking::Client::new();
    assert_eq!(
        session::renew(&client, &hub.url, &store, "A1"),
        Ok("A2".to_owned())
    );
    assert_eq!(hub.refreshes.load(Ordering::SeqCst), 1);
    // The new token lapsing in turn renews with the new refresh token (refused by this
    // hub, which only knows R1): the failure comes back in its own words.
    assert_eq!(
        session::renew(&client, &hub.url, &store, "A2"),
        Err(fieldsync_app::runtime::net::NetError::SignedOutForSafety)
    );
    assert_eq!(hub.refreshes.load(Ordering::SeqCst), 2);
}
