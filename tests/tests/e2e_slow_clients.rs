//! Slow clients (slowloris): connections that never finish their request headers, or never send
//! a byte, are dropped after the header read timeout, and the connection cap keeps them from
//! taking the server's resources while real devices are still served.

use fieldsync_server::testing::TestServer;
use fieldsync_tests::BoxError;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Open `n` connections that start a request and stall (every other one sends nothing).
async fn stall(server: &TestServer, n: usize) -> Result<Vec<TcpStream>, BoxError> {
    let mut conns = Vec::with_capacity(n);
    for i in 0..n {
        let mut s = TcpStream::connect(server.addr).await?;
        if i % 2 == 0 {
            s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")
                .await?;
        }
        conns.push(s);
    }
    Ok(conns)
}

/// Is the connection closed by the server within `within`?
async fn closed(s: &mut TcpStream, within: Duration) -> bool {
    let mut buf = [0u8; 512];
    loop {
        match tokio::time::timeout(within, s.read(&mut buf)).await {
            Err(_) => return false,
            Ok(Ok(0)) | Ok(Err(_)) => return true,
            // A 408 before closing is fine; keep reading to the end.
            Ok(Ok(_)) => {}
        }
    }
}

async fn healthy(server: &TestServer) -> Result<Duration, BoxError> {
    let started = Instant::now();
    let status = reqwest::Client::new()
        .get(server.url("/healthz"))
        .timeout(Duration::from_secs(20))
        .send()
        .await?
        .status();
    assert!(status.is_success(), "{status}");
    Ok(started.elapsed())
}

#[tokio::test]
async fn stalled_connections_are_dropped_while_others_are_served() -> Result<(), BoxError> {
    let server = TestServer::start_with(|c| {
        c.header_read_timeout_secs = 1;
        c.max_connections = 200;
    })
    .await?;
    let mut slow = stall(&server, 100).await?;
    // Real devices are served at once while the slow ones hang on.
    let took = healthy(&server).await?;
    assert!(took < Duration::from_secs(1), "served only after {took:?}");
    // And the slow ones are gone soon after the header timeout.
    for (i, s) in slow.iter_mut().enumerate() {
        assert!(
            closed(s, Duration::from_secs(5)).await,
            "stalled connection {i} still open"
        );
    }
    Ok(())
}

#[tokio::test]
async fn the_connection_cap_holds_under_a_flood_of_slow_clients() -> Result<(), BoxError> {
    let server = TestServer::start_with(|c| {
        c.header_read_timeout_secs = 1;
        c.max_connections = 20;
    })
    .await?;
    // Three times the cap: the extra ones wait in the listen backlog, not in the server.
    let mut slow = stall(&server, 60).await?;
    // A real device gets through once the stalled connections time out (a few seconds), not
    // never: the slow ones cannot hold the slots forever.
    let took = healthy(&server).await?;
    assert!(took < Duration::from_secs(10), "served only after {took:?}");
    for s in slow.iter_mut() {
        assert!(closed(s, Duration::from_secs(10)).await);
    }
    assert!(healthy(&server).await? < Duration::from_secs(1));
    Ok(())
}
