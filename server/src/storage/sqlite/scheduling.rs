//! SQLite implementation of [`SchedulingStore`]: contracts, plans, occurrences, engineer
//! profiles, notifications, event receipts (tables of migration 2).

use super::SqliteStorage;
use crate::storage::{
    ContractRow, EngineerProfile, EventReceipt, NewNotification, NewOccurrence, NotificationRow,
    OccurrenceRow, PlanRow, Result, SchedulingStore, StorageError,
};
use fieldsync::TimestampMs;
use rusqlite::{OptionalExtension, params};

fn contract_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ContractRow> {
    Ok(ContractRow {
        customer_id: r.get(0)?,
        body: r.get(1)?,
        updated_at_ms: r.get(2)?,
    })
}

fn plan_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<PlanRow> {
    Ok(PlanRow {
        id: r.get(0)?,
        customer_id: r.get(1)?,
        paused: r.get(2)?,
        body: r.get(3)?,
        updated_at_ms: r.get(4)?,
    })
}

impl SchedulingStore for SqliteStorage {
    fn put_contract(&self, c: &ContractRow) -> Result<()> {
        self.conn().execute(
            "INSERT OR REPLACE INTO contracts (customer_id, body, updated_at_ms) VALUES (?1, ?2, ?3)",
            params![c.customer_id, c.body, c.updated_at_ms],
        )?;
        Ok(())
    }

    fn contract(&self, customer_id: &str) -> Result<Option<ContractRow>> {
        Ok(self
            .conn()
            .query_row(
                "SELECT customer_id, body, updated_at_ms FROM contracts WHERE customer_id = ?1",
                [customer_id],
                contract_row,
            )
            .optional()?)
    }

    fn list_contracts(&self) -> Result<Vec<ContractRow>> {
        let conn = self.conn();
        let mut st = conn.prepare_cached(
            "SELECT customer_id, body, updated_at_ms FROM contracts ORDER BY customer_id",
        )?;
        let rows = st.query_map([], contract_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn put_plan(&self, p: &PlanRow) -> Result<()> {
        self.conn().execute(
            "INSERT OR REPLACE INTO plans (id, customer_id, paused, body, updated_at_ms) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![p.id, p.customer_id, p.paused, p.body, p.updated_at_ms],
        )?;
        Ok(())
    }

    fn plan(&self, id: &str) -> Result<Option<PlanRow>> {
        Ok(self
            .conn()
            .query_row(
                "SELECT id, customer_id, paused, body, updated_at_ms FROM plans WHERE id = ?1",
                [id],
                plan_row,
            )
            .optional()?)
    }

    fn list_plans(&self) -> Result<Vec<PlanRow>> {
        let conn = self.conn();
        let mut st = conn.prepare_cached(
            "SELECT id, customer_id, paused, body, updated_at_ms FROM plans ORDER BY customer_id, id",
        )?;
        let rows = st.query_map([], plan_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn delete_plan(&self, id: &str) -> Result<bool> {
        Ok(self
            .conn()
            .execute("DELETE FROM plans WHERE id = ?1", [id])?
            > 0)
    }

    fn record_occurrences(&self, occs: &[NewOccurrence]) -> Result<usize> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let mut n = 0;
        {
            let mut st = tx.prepare_cached(
                "INSERT OR IGNORE INTO plan_occurrences (plan_id, start_ms, end_ms, doc_id, created_at_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            for o in occs {
                n += st.execute(params![
                    o.plan_id,
                    o.start_ms,
                    o.end_ms,
                    o.doc_id,
                    o.created_at_ms
                ])?;
            }
        }
        tx.commit()?;
        Ok(n)
    }

    fn plan_occurrences(
        &self,
        plan_id: &str,
        from_ms: TimestampMs,
        to_ms: TimestampMs,
    ) -> Result<Vec<OccurrenceRow>> {
        let conn = self.conn();
        let mut st = conn.prepare_cached(
            "SELECT o.plan_id, o.start_ms, o.end_ms, o.doc_id, w.status, w.completed_at_ms,
                    (SELECT group_concat(user_id, ',') FROM wo_assignees a WHERE a.doc_id = o.doc_id)
             FROM plan_occurrences o LEFT JOIN work_orders w ON w.doc_id = o.doc_id
             WHERE o.plan_id = ?1 AND o.start_ms >= ?2 AND o.start_ms < ?3
             ORDER BY o.start_ms",
        )?;
        let rows = st.query_map(params![plan_id, from_ms, to_ms], |r| {
            let assignees: Option<String> = r.get(6)?;
            Ok(OccurrenceRow {
                plan_id: r.get(0)?,
                start_ms: r.get(1)?,
                end_ms: r.get(2)?,
                doc_id: r.get(3)?,
                status: r.get(4)?,
                completed_at_ms: r.get(5)?,
                assignees: assignees
                    .map(|a| a.split(',').map(str::to_owned).collect())
                    .unwrap_or_default(),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn put_profile(&self, p: &EngineerProfile) -> Result<()> {
        let body = serde_json::to_string(p)
            .map_err(|e| StorageError::Invalid(format!("engineer profile: {e}")))?;
        self.conn().execute(
            "INSERT OR REPLACE INTO engineer_profiles (user_id, body) VALUES (?1, ?2)",
            params![p.user_id, body],
        )?;
        Ok(())
    }

    fn profiles(&self) -> Result<Vec<EngineerProfile>> {
        let conn = self.conn();
        let mut st = conn.prepare_cached("SELECT body FROM engineer_profiles ORDER BY user_id")?;
        let bodies = st
            .query_map([], |r| r.get::<_, String>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        bodies
            .iter()
            .map(|b| {
                serde_json::from_str(b)
                    .map_err(|e| StorageError::Backend(format!("stored engineer profile: {e}")))
            })
            .collect()
    }

    fn add_notification(&self, n: &NewNotification) -> Result<()> {
        self.conn().execute(
            "INSERT INTO notifications (user_id, doc_id, kind, message, created_at_ms) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![n.user_id, n.doc_id, n.kind, n.message, n.created_at_ms],
        )?;
        Ok(())
    }

    fn notifications(&self, user_id: &str, limit: u32) -> Result<Vec<NotificationRow>> {
        let conn = self.conn();
        let mut st = conn.prepare_cached(
            "SELECT id, user_id, doc_id, kind, message, created_at_ms FROM notifications
             WHERE user_id = ?1 ORDER BY id DESC LIMIT ?2",
        )?;
        let rows = st.query_map(params![user_id, limit.min(1000)], |r| {
            Ok(NotificationRow {
                id: r.get(0)?,
                user_id: r.get(1)?,
                doc_id: r.get(2)?,
                kind: r.get(3)?,
                message: r.get(4)?,
                created_at_ms: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn work_order_events(&self, doc_ids: &[String]) -> Result<Vec<EventReceipt>> {
        let conn = self.conn();
        let mut st = conn.prepare_cached(
            "SELECT doc_id, event_id, kind, at_ms, note, received_at_ms FROM wo_events
             WHERE doc_id = ?1 ORDER BY at_ms, event_id",
        )?;
        let mut out = Vec::new();
        for id in doc_ids {
            let rows = st.query_map([id], |r| {
                Ok(EventReceipt {
                    doc_id: r.get(0)?,
                    event_id: r.get(1)?,
                    kind: r.get(2)?,
                    at_ms: r.get(3)?,
                    note: r.get(4)?,
                    received_at_ms: r.get(5)?,
                })
            })?;
            for r in rows {
                out.push(r?);
            }
        }
        Ok(out)
    }
}
