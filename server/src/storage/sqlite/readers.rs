//! Read-only connections beside the one writer. In WAL mode a reader sees the last committed
//! state and neither waits for nor blocks the writer, so validation's document reads and the
//! per-request session lookups no longer queue behind commits (each one an fsync).

use rusqlite::{Connection, OpenFlags};
use std::ops::Deref;
use std::path::PathBuf;
use std::sync::{Condvar, Mutex, MutexGuard};

/// Read connections, opened on demand up to `max_open`; beyond that a read waits for one to
/// come back. Bounded because SQLite's WAL has only a handful of reader slots: hundreds of
/// connections reading at different snapshots while the writer commits run out of them and
/// get SQLITE_BUSY, which the busy handler turns into waits of seconds.
pub struct ReadPool {
    path: PathBuf,
    state: Mutex<PoolState>,
    returned: Condvar,
    max_open: usize,
}

struct PoolState {
    idle: Vec<Connection>,
    open: usize,
}

impl ReadPool {
    pub fn new(path: PathBuf, max_open: usize) -> Self {
        Self {
            path,
            state: Mutex::new(PoolState {
                idle: Vec::new(),
                open: 0,
            }),
            returned: Condvar::new(),
            max_open: max_open.max(1),
        }
    }

    fn state(&self) -> MutexGuard<'_, PoolState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A connection for one read; it goes back to the pool when dropped.
    pub fn get(&self) -> rusqlite::Result<PooledReader<'_>> {
        let mut st = self.state();
        loop {
            if let Some(conn) = st.idle.pop() {
                return Ok(self.lend(conn));
            }
            if st.open < self.max_open {
                st.open += 1;
                drop(st);
                return match self.open() {
                    Ok(conn) => Ok(self.lend(conn)),
                    Err(e) => {
                        self.state().open -= 1;
                        self.returned.notify_one();
                        Err(e)
                    }
                };
            }
            st = self.returned.wait(st).unwrap_or_else(|p| p.into_inner());
        }
    }

    fn lend(&self, conn: Connection) -> PooledReader<'_> {
        PooledReader {
            pool: self,
            conn: Some(conn),
        }
    }

    fn open(&self) -> rusqlite::Result<Connection> {
        let conn = Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_ONLY
                | OpenFlags::SQLITE_OPEN_URI
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        conn.set_prepared_statement_cache_capacity(super::STATEMENT_CACHE);
        fieldsync::store::keep_prepared_plans(&conn)?;
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
            self.pool.state().idle.push(c);
            self.pool.returned.notify_one();
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_more_than_max_open_and_waiters_get_a_returned_connection() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.db");
        let w = Connection::open(&path).unwrap();
        w.pragma_update(None, "journal_mode", "WAL").unwrap();
        w.execute_batch("CREATE TABLE t (v INTEGER); INSERT INTO t VALUES (7);")
            .unwrap();
        let pool = std::sync::Arc::new(ReadPool::new(path, 2));
        let handles: Vec<_> = (0..16)
            .map(|_| {
                let pool = pool.clone();
                std::thread::spawn(move || {
                    let c = pool.get().unwrap();
                    let v: i64 = c.query_row("SELECT v FROM t", [], |r| r.get(0)).unwrap();
                    std::thread::sleep(std::time::Duration::from_millis(5));
                    assert!(pool.state().open <= 2);
                    v
                })
            })
            .collect();
        for h in handles {
            assert_eq!(h.join().unwrap(), 7);
        }
        assert_eq!(pool.state().open, 2);
    }
}
