//! SQLite implementation of [`ProblemStore`]: `problems` and `problem_incidents` (migration
//! 10). A record and its links are written in one transaction.

use super::{SqliteStorage, parse_col};
use crate::storage::problems::stale;
use crate::storage::{ProblemRecord, ProblemStore, Result, StorageError};
use rusqlite::{Connection, OptionalExtension, Transaction, params};

const COLUMNS: &str = "id, status, title, description, root_cause, known_error, workaround,
    category, device_type, article_id, published_at_ms, revision, created_by, created_at_ms,
    updated_by, updated_at_ms";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ProblemRecord> {
    Ok(ProblemRecord {
        id: r.get(0)?,
        status: parse_col(1, r.get(1)?)?,
        title: r.get(2)?,
        description: r.get(3)?,
        root_cause: r.get(4)?,
        known_error: r.get(5)?,
        workaround: r.get(6)?,
        category: r.get(7)?,
        device_type: r.get(8)?,
        incidents: Vec::new(),
        article_id: r.get(9)?,
        published_at_ms: r.get(10)?,
        revision: r.get(11)?,
        created_by: parse_col(12, r.get(12)?)?,
        created_at_ms: r.get(13)?,
        updated_by: parse_col(14, r.get(14)?)?,
        updated_at_ms: r.get(15)?,
    })
}

fn with_incidents(conn: &Connection, mut p: ProblemRecord) -> Result<ProblemRecord> {
    let mut st = conn.prepare_cached(
        "SELECT work_order_id FROM problem_incidents WHERE problem_id = ?1 ORDER BY work_order_id",
    )?;
    p.incidents = st
        .query_map([&p.id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(p)
}

fn write_incidents(tx: &Transaction<'_>, p: &ProblemRecord) -> Result<()> {
    tx.execute(
        "DELETE FROM problem_incidents WHERE problem_id = ?1",
        [&p.id],
    )?;
    for wo in &p.incidents {
        tx.execute(
            "INSERT OR IGNORE INTO problem_incidents (problem_id, work_order_id) VALUES (?1, ?2)",
            params![p.id, wo],
        )?;
    }
    Ok(())
}

impl ProblemStore for SqliteStorage {
    fn list_problems(&self) -> Result<Vec<ProblemRecord>> {
        let conn = self.reader()?;
        let mut st = conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM problems ORDER BY updated_at_ms DESC, id"
        ))?;
        let rows: Vec<ProblemRecord> = st.query_map([], row)?.collect::<rusqlite::Result<_>>()?;
        rows.into_iter().map(|p| with_incidents(&conn, p)).collect()
    }

    fn problem(&self, id: &str) -> Result<Option<ProblemRecord>> {
        let conn = self.reader()?;
        let p = conn
            .query_row(
                &format!("SELECT {COLUMNS} FROM problems WHERE id = ?1"),
                [id],
                row,
            )
            .optional()?;
        p.map(|p| with_incidents(&conn, p)).transpose()
    }

    fn insert_problem(&self, p: &ProblemRecord) -> Result<()> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let inserted = tx.execute(
            &format!(
                "INSERT OR IGNORE INTO problems ({COLUMNS})
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)"
            ),
            params![
                p.id,
                p.status.as_str(),
                p.title,
                p.description,
                p.root_cause,
                p.known_error,
                p.workaround,
                p.category,
                p.device_type,
                p.article_id,
                p.published_at_ms,
                p.revision,
                p.created_by.to_string(),
                p.created_at_ms,
                p.updated_by.to_string(),
                p.updated_at_ms
            ],
        )?;
        if inserted == 0 {
            return Err(StorageError::Conflict(format!(
                "problem {} exists already",
                p.id
            )));
        }
        write_incidents(&tx, p)?;
        tx.commit()?;
        Ok(())
    }

    fn update_problem(&self, p: &ProblemRecord) -> Result<()> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let changed = tx.execute(
            "UPDATE problems SET status = ?2, title = ?3, description = ?4, root_cause = ?5,
                 known_error = ?6, workaround = ?7, category = ?8, device_type = ?9,
                 article_id = ?10, published_at_ms = ?11, revision = ?12, updated_by = ?13,
                 updated_at_ms = ?14
             WHERE id = ?1 AND revision = ?15",
            params![
                p.id,
                p.status.as_str(),
                p.title,
                p.description,
                p.root_cause,
                p.known_error,
                p.workaround,
                p.category,
                p.device_type,
                p.article_id,
                p.published_at_ms,
                p.revision,
                p.updated_by.to_string(),
                p.updated_at_ms,
                p.revision - 1
            ],
        )?;
        if changed == 0 {
            let exists: Option<i64> = tx
                .query_row("SELECT 1 FROM problems WHERE id = ?1", [&p.id], |r| {
                    r.get(0)
                })
                .optional()?;
            return Err(match exists {
                Some(_) => stale(&p.id, p.revision),
                None => StorageError::NotFound(format!("no problem {}", p.id)),
            });
        }
        write_incidents(&tx, p)?;
        tx.commit()?;
        Ok(())
    }
}
