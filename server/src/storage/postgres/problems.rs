//! PostgreSQL implementation of [`ProblemStore`] (the same tables as SQLite's, migration 9).
//! A record and its links are written in one transaction.

use super::{PgStorage, col, parse};
use crate::storage::problems::stale;
use crate::storage::{ProblemRecord, ProblemStore, Result, StorageError};
use postgres::{GenericClient, Row};

const COLUMNS: &str = "id, status, title, description, root_cause, known_error, workaround,
    category, device_type, article_id, published_at_ms, revision, created_by, created_at_ms,
    updated_by, updated_at_ms";

fn record(r: &Row) -> Result<ProblemRecord> {
    Ok(ProblemRecord {
        id: col(r, 0)?,
        status: parse(r, 1)?,
        title: col(r, 2)?,
        description: col(r, 3)?,
        root_cause: col(r, 4)?,
        known_error: col(r, 5)?,
        workaround: col(r, 6)?,
        category: col(r, 7)?,
        device_type: col(r, 8)?,
        incidents: Vec::new(),
        article_id: col(r, 9)?,
        published_at_ms: col(r, 10)?,
        revision: col(r, 11)?,
        created_by: parse(r, 12)?,
        created_at_ms: col(r, 13)?,
        updated_by: parse(r, 14)?,
        updated_at_ms: col(r, 15)?,
    })
}

fn with_incidents(c: &mut impl GenericClient, mut p: ProblemRecord) -> Result<ProblemRecord> {
    let rows = c.query(
        "SELECT work_order_id FROM problem_incidents WHERE problem_id = $1 ORDER BY work_order_id",
        &[&p.id],
    )?;
    p.incidents = rows.iter().map(|r| col(r, 0)).collect::<Result<_>>()?;
    Ok(p)
}

fn write_incidents(c: &mut impl GenericClient, p: &ProblemRecord) -> Result<()> {
    c.execute(
        "DELETE FROM problem_incidents WHERE problem_id = $1",
        &[&p.id],
    )?;
    for wo in &p.incidents {
        c.execute(
            "INSERT INTO problem_incidents (problem_id, work_order_id) VALUES ($1, $2)
             ON CONFLICT DO NOTHING",
            &[&p.id, wo],
        )?;
    }
    Ok(())
}

impl ProblemStore for PgStorage {
    fn list_problems(&self) -> Result<Vec<ProblemRecord>> {
        self.with(|c| {
            let rows = c.query(
                &format!("SELECT {COLUMNS} FROM problems ORDER BY updated_at_ms DESC, id"),
                &[],
            )?;
            let records: Vec<ProblemRecord> = rows.iter().map(record).collect::<Result<_>>()?;
            records.into_iter().map(|p| with_incidents(c, p)).collect()
        })
    }

    fn problem(&self, id: &str) -> Result<Option<ProblemRecord>> {
        self.with(|c| {
            let row = c.query_opt(
                &format!("SELECT {COLUMNS} FROM problems WHERE id = $1"),
                &[&id],
            )?;
            row.map(|r| record(&r).and_then(|p| with_incidents(c, p)))
                .transpose()
        })
    }

    fn insert_problem(&self, p: &ProblemRecord) -> Result<()> {
        self.with(|c| {
            let mut tx = c.transaction()?;
            let inserted = tx.execute(
                &format!(
                    "INSERT INTO problems ({COLUMNS})
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
                     ON CONFLICT (id) DO NOTHING"
                ),
                &[
                    &p.id,
                    &p.status.as_str(),
                    &p.title,
                    &p.description,
                    &p.root_cause,
                    &p.known_error,
                    &p.workaround,
                    &p.category,
                    &p.device_type,
                    &p.article_id,
                    &p.published_at_ms,
                    &p.revision,
                    &p.created_by.to_string(),
                    &p.created_at_ms,
                    &p.updated_by.to_string(),
                    &p.updated_at_ms,
                ],
            )?;
            if inserted == 0 {
                return Err(StorageError::Conflict(format!(
                    "problem {} exists already",
                    p.id
                )));
            }
            write_incidents(&mut tx, p)?;
            tx.commit()?;
            Ok(())
        })
    }

    fn update_problem(&self, p: &ProblemRecord) -> Result<()> {
        self.with(|c| {
            let mut tx = c.transaction()?;
            let changed = tx.execute(
                "UPDATE problems SET status = $2, title = $3, description = $4, root_cause = $5,
                     known_error = $6, workaround = $7, category = $8, device_type = $9,
                     article_id = $10, published_at_ms = $11, revision = $12, updated_by = $13,
                     updated_at_ms = $14
                 WHERE id = $1 AND revision = $15",
                &[
                    &p.id,
                    &p.status.as_str(),
                    &p.title,
                    &p.description,
                    &p.root_cause,
                    &p.known_error,
                    &p.workaround,
                    &p.category,
                    &p.device_type,
                    &p.article_id,
                    &p.published_at_ms,
                    &p.revision,
                    &p.updated_by.to_string(),
                    &p.updated_at_ms,
                    &(p.revision - 1),
                ],
            )?;
            if changed == 0 {
                let exists = tx.query_opt("SELECT 1 FROM problems WHERE id = $1", &[&p.id])?;
                return Err(match exists {
                    Some(_) => stale(&p.id, p.revision),
                    None => StorageError::NotFound(format!("no problem {}", p.id)),
                });
            }
            write_incidents(&mut tx, p)?;
            tx.commit()?;
            Ok(())
        })
    }
}
