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

/// One address cannot take every connection: beyond its cap its connections are closed at
/// once, while other addresses (here a second loopback address) are still served.
#[tokio::test]
async fn one_address_cannot_take_every_connection() -> Result<(), BoxError> {
    let server = TestServer::start_with(|c| {
        c.header_read_timeout_secs = 30;
        c.max_connections_per_address = 4;
    })
    .await?;
    let mut held = Vec::new();
    for _ in 0..4 {
        held.push(TcpStream::connect(server.addr).await?);
    }
    // Let the server accept and count them.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mut fifth = TcpStream::connect(server.addr).await?;
    assert!(
        closed(&mut fifth, Duration::from_secs(2)).await,
        "a fifth connection from the same address stayed open"
    );
    // Another address is served meanwhile (127.0.0.2 is loopback too on Linux).
    let other = tokio::net::TcpSocket::new_v4()?;
    if other.bind("127.0.0.2:0".parse()?).is_ok() {
        let mut s = other.connect(server.addr).await?;
        s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .await?;
        let mut answer = Vec::new();
        tokio::time::timeout(Duration::from_secs(5), s.read_to_end(&mut answer)).await??;
        assert!(answer.starts_with(b"HTTP/1.1 200"), "{answer:?}");
    }
    // Once one is closed, the address may connect again.
    drop(held.pop());
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(healthy(&server).await? < Duration::from_secs(2));
    Ok(())
}

/// A request whose body stops arriving is cut off after the body idle timeout instead of
/// holding its connection and handler forever.
#[tokio::test]
async fn a_stalled_body_is_cut_off() -> Result<(), BoxError> {
    let server = TestServer::start_with(|c| c.body_idle_timeout_secs = 1).await?;
    let mut s = TcpStream::connect(server.addr).await?;
    // Promise 1,000 bytes, send 10, then nothing.
    s.write_all(
        b"POST /v1/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
          Content-Length: 1000\r\n\r\n{\"usernam",
    )
    .await?;
    let started = Instant::now();
    assert!(
        closed(&mut s, Duration::from_secs(10)).await,
        "the stalled body held the connection"
    );
    let took = started.elapsed();
    assert!(took < Duration::from_secs(5), "cut off only after {took:?}");
    Ok(())
}
