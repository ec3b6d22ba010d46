//! Read-only connections beside the one writer. In WAL mode a reader sees the last committed
//! state and neither waits for nor blocks the writer, so validation's document reads and the
//! per-request session lookups no longer queue behind commits (each one an fsync).

use rusqlite::{Connection, OpenFlags};
use std::ops::Deref;
use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};

/// Idle read connections, opened on demand and kept for reuse (at most `max_idle` kept).
pub struct ReadPool {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
    max_idle: usize,
}

impl ReadPool {
    pub fn new(path: PathBuf, max_idle: usize) -> Self {
        Self {
            path,
            idle: Mutex::new(Vec::new()),
            max_idle,
        }
    }

    fn idle(&self) -> MutexGuard<'_, Vec<Connection>> {
        self.idle.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A connection for one read; it goes back to the pool when dropped.
    pub fn get(&self) -> rusqlite::Result<PooledReader<'_>> {
        let conn = match self.idle().pop() {
            Some(c) => c,
            None => self.open()?,
        };
        Ok(PooledReader {
            pool: self,
            conn: Some(conn),
        })
    }

    fn open(&self) -> rusqlite::Result<Connection> {
        let conn = Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_ONLY
                | OpenFlags::SQLITE_OPEN_URI
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        Ok(conn)
    }
}

/// A pooled read connection.
pub struct PooledReader<'a> {
    pool: &'a ReadPool,
    conn: Option<Connection>,
}

impl Deref for PooledReader<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        self.conn.as_ref().expect("present until drop")
    }
}

impl Drop for PooledReader<'_> {
    fn drop(&mut self) {
        if let Some(c) = self.conn.take() {
            let mut idle = self.pool.idle();
            if idle.len() < self.pool.max_idle {
                idle.push(c);
            }
        }
    }
}

/// A connection to read from: a pooled reader, or the writer itself where there is no file
/// to open twice (an in-memory database).
pub enum ReadConn<'a> {
    Pooled(PooledReader<'a>),
    Writer(MutexGuard<'a, Connection>),
}

impl Deref for ReadConn<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        match self {
            ReadConn::Pooled(p) => p,
            ReadConn::Writer(w) => w,
        }
    }
}
