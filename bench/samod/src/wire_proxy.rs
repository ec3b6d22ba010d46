//! A loopback proxy that counts bytes and WebSocket frames in each direction, so samod's
//! traffic is measured on the wire the same way fieldsync-bench measures HTTP.
//!
//! (fieldsync-bench has its own byte-counting proxy; this package cannot depend on the
//! workspace's bench crate without CI building samod, and frames are counted only here.)

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Totals since the proxy started.
#[derive(Default, Debug)]
pub struct Counters {
    pub bytes_up: AtomicU64,
    pub bytes_down: AtomicU64,
    pub frames_up: AtomicU64,
    pub frames_down: AtomicU64,
    pub connections: AtomicU64,
}

/// A copy of the counters at one moment.
#[derive(Clone, Copy, Debug, Default)]
pub struct Snapshot {
    pub bytes_up: u64,
    pub bytes_down: u64,
    pub frames_up: u64,
    pub frames_down: u64,
    pub connections: u64,
}

impl Counters {
    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            bytes_up: self.bytes_up.load(Ordering::Relaxed),
            bytes_down: self.bytes_down.load(Ordering::Relaxed),
            frames_up: self.frames_up.load(Ordering::Relaxed),
            frames_down: self.frames_down.load(Ordering::Relaxed),
            connections: self.connections.load(Ordering::Relaxed),
        }
    }
}

impl std::ops::Sub for Snapshot {
    type Output = Snapshot;
    fn sub(self, before: Snapshot) -> Snapshot {
        Snapshot {
            bytes_up: self.bytes_up - before.bytes_up,
            bytes_down: self.bytes_down - before.bytes_down,
            frames_up: self.frames_up - before.frames_up,
            frames_down: self.frames_down - before.frames_down,
            connections: self.connections - before.connections,
        }
    }
}

/// Forward 127.0.0.1:<random> → `target`; returns the proxy's address.
pub async fn start(target: SocketAddr, counters: Arc<Counters>) -> anyhow::Result<SocketAddr> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move {
        while let Ok((inbound, _)) = listener.accept().await {
            counters.connections.fetch_add(1, Ordering::Relaxed);
            let counters = counters.clone();
            tokio::spawn(async move {
                let Ok(outbound) = TcpStream::connect(target).await else {
                    return;
                };
                let (ri, wi) = inbound.into_split();
                let (ro, wo) = outbound.into_split();
                let c = counters.clone();
                let up = tokio::spawn(pump(ri, wo, move |bytes, frames| {
                    c.bytes_up.fetch_add(bytes, Ordering::Relaxed);
                    c.frames_up.fetch_add(frames, Ordering::Relaxed);
                }));
                pump(ro, wi, move |bytes, frames| {
                    counters.bytes_down.fetch_add(bytes, Ordering::Relaxed);
                    counters.frames_down.fetch_add(frames, Ordering::Relaxed);
                })
                .await;
                let _ = up.await;
            });
        }
    });
    Ok(addr)
}

async fn pump(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    count: impl Fn(u64, u64),
) {
    let mut frames = FrameCounter::default();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        match from.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                count(n as u64, frames.feed(&buf[..n]));
                if to.write_all(&buf[..n]).await.is_err() {
                    break;
                }
            }
        }
    }
    let _ = to.shutdown().await;
}

/// Counts WebSocket frames in one direction of a connection: skips the HTTP upgrade
/// (everything up to the first blank line), then walks frame headers (RFC 6455 §5.2).
#[derive(Default, Debug)]
pub struct FrameCounter {
    upgraded: bool,
    /// Bytes of an HTTP head or a frame header that arrived split across reads.
    pending: Vec<u8>,
    /// Payload bytes of the current frame still to skip.
    skip: u64,
}

impl FrameCounter {
    /// Feed the next bytes; returns how many frames started in them.
    pub fn feed(&mut self, mut data: &[u8]) -> u64 {
        let mut frames = 0;
        if !self.upgraded {
            self.pending.extend_from_slice(data);
            let Some(end) = self.pending.windows(4).position(|w| w == b"\r\n\r\n") else {
                return 0;
            };
            self.upgraded = true;
            let rest = self.pending.split_off(end + 4);
            self.pending.clear();
            return self.feed(&rest);
        }
        loop {
            if self.skip > 0 {
                let n = self.skip.min(data.len() as u64);
                self.skip -= n;
                data = &data[n as usize..];
            }
            if data.is_empty() {
                return frames;
            }
            let take = data.len().min(14 - self.pending.len().min(14));
            self.pending.extend_from_slice(&data[..take]);
            match header_len(&self.pending) {
                Some((header, payload)) => {
                    // Bytes of `data` beyond this header belong to the payload or later frames.
                    let used = header - (self.pending.len() - take);
                    data = &data[used..];
                    self.pending.clear();
                    self.skip = payload;
                    frames += 1;
                }
                None => return frames,
            }
        }
    }
}

/// (header length, payload length) of a frame starting at `b`, once enough bytes are there.
fn header_len(b: &[u8]) -> Option<(usize, u64)> {
    if b.len() < 2 {
        return None;
    }
    let masked = b[1] & 0x80 != 0;
    let mask = if masked { 4 } else { 0 };
    let (ext, payload) = match b[1] & 0x7f {
        126 => (2, u64::from(u16::from_be_bytes([*b.get(2)?, *b.get(3)?]))),
        127 => {
            let bytes: [u8; 8] = b.get(2..10)?.try_into().ok()?;
            (8, u64::from_be_bytes(bytes))
        }
        n => (0, u64::from(n)),
    };
    let header = 2 + ext + mask;
    (b.len() >= header).then_some((header, payload))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(payload_len: usize, masked: bool) -> Vec<u8> {
        let mut f = vec![0x82];
        let m = if masked { 0x80 } else { 0 };
        match payload_len {
            0..=125 => f.push(m | payload_len as u8),
            126..=65535 => {
                f.push(m | 126);
                f.extend_from_slice(&(payload_len as u16).to_be_bytes());
            }
            _ => {
                f.push(m | 127);
                f.extend_from_slice(&(payload_len as u64).to_be_bytes());
            }
        }
        if masked {
            f.extend_from_slice(&[1, 2, 3, 4]);
        }
        f.extend(std::iter::repeat_n(7u8, payload_len));
        f
    }

    fn stream() -> Vec<u8> {
        let mut s = b"GET / HTTP/1.1\r\nUpgrade: websocket\r\n\r\n".to_vec();
        for (len, masked) in [
            (5, true),
            (300, false),
            (70_000, true),
            (0, false),
            (125, true),
        ] {
            s.extend(frame(len, masked));
        }
        s
    }

    #[test]
    fn counts_frames_fed_at_once() {
        assert_eq!(FrameCounter::default().feed(&stream()), 5);
    }

    #[test]
    fn counts_frames_fed_byte_by_byte_and_in_odd_chunks() {
        let s = stream();
        for chunk in [1, 2, 3, 7, 13, 1000] {
            let mut c = FrameCounter::default();
            let total: u64 = s.chunks(chunk).map(|part| c.feed(part)).sum();
            assert_eq!(total, 5, "chunk size {chunk}");
        }
    }

    #[test]
    fn no_frames_before_the_upgrade_ends() {
        let mut c = FrameCounter::default();
        assert_eq!(c.feed(b"HTTP/1.1 101 Switching Protocols\r\n"), 0);
        assert_eq!(c.feed(&frame(3, false)), 0, "still inside the HTTP head");
    }
}
