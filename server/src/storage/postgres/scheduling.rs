//! PostgreSQL implementation of [`SchedulingStore`]: contracts, plans, occurrences, engineer
//! profiles, notifications, event receipts (tables of migration 2). Same behaviour as the
//! SQLite one; "insert or replace" is `ON CONFLICT … DO UPDATE`, "insert or ignore" is
//! `ON CONFLICT DO NOTHING` (so two replicas recording one occurrence store it once).

use super::{PgStorage, col};
use crate::storage::{
    ContractRow, EngineerProfile, EventReceipt, NewNotification, NewOccurrence, NotificationRow,
    OccurrenceRow, PlanRow, Result, SchedulingStore, StorageError,
};
use fieldsync::TimestampMs;
use postgres::Row;

fn contract_row(r: &Row) -> Result<ContractRow> {
    Ok(ContractRow {
        customer_id: col(r, 0)?,
        body: col(r, 1)?,
        updated_at_ms: col(r, 2)?,
    })
}

fn plan_row(r: &Row) -> Result<PlanRow> {
    Ok(PlanRow {
        id: col(r, 0)?,
        customer_id: col(r, 1)?,
        paused: col(r, 2)?,
        body: col(r, 3)?,
        updated_at_ms: col(r, 4)?,
    })
}

const PLAN_COLUMNS: &str = "id, customer_id, paused, body, updated_at_ms";

impl SchedulingStore for PgStorage {
    fn put_contract(&self, c: &ContractRow) -> Result<()> {
        self.with(|db| {
            db.execute(
                "INSERT INTO contracts (customer_id, body, updated_at_ms) VALUES ($1, $2, $3)
                 ON CONFLICT (customer_id) DO UPDATE SET body = EXCLUDED.body, updated_at_ms = EXCLUDED.updated_at_ms",
                &[&c.customer_id, &c.body, &c.updated_at_ms],
            )?;
            Ok(())
        })
    }

    fn contract(&self, customer_id: &str) -> Result<Option<ContractRow>> {
        self.with(|db| {
            db.query_opt(
                "SELECT customer_id, body, updated_at_ms FROM contracts WHERE customer_id = $1",
                &[&customer_id],
            )?
            .map(|r| contract_row(&r))
            .transpose()
        })
    }

    fn list_contracts(&self) -> Result<Vec<ContractRow>> {
        self.with(|db| {
            db.query(
                "SELECT customer_id, body, updated_at_ms FROM contracts ORDER BY customer_id COLLATE \"C\"",
                &[],
            )?
            .iter()
            .map(contract_row)
            .collect()
        })
    }

    fn put_plan(&self, p: &PlanRow) -> Result<()> {
        self.with(|db| {
            db.execute(
                "INSERT INTO plans (id, customer_id, paused, body, updated_at_ms) VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (id) DO UPDATE SET customer_id = EXCLUDED.customer_id,
                     paused = EXCLUDED.paused, body = EXCLUDED.body, updated_at_ms = EXCLUDED.updated_at_ms",
                &[&p.id, &p.customer_id, &p.paused, &p.body, &p.updated_at_ms],
            )?;
            Ok(())
        })
    }

    fn plan(&self, id: &str) -> Result<Option<PlanRow>> {
        self.with(|db| {
            db.query_opt(
                &format!("SELECT {PLAN_COLUMNS} FROM plans WHERE id = $1"),
                &[&id],
            )?
            .map(|r| plan_row(&r))
            .transpose()
        })
    }

    fn list_plans(&self) -> Result<Vec<PlanRow>> {
        self.with(|db| {
            db.query(
                &format!(
                    "SELECT {PLAN_COLUMNS} FROM plans ORDER BY customer_id COLLATE \"C\", id COLLATE \"C\""
                ),
                &[],
            )?
            .iter()
            .map(plan_row)
            .collect()
        })
    }

    fn delete_plan(&self, id: &str) -> Result<bool> {
        self.with(|db| Ok(db.execute("DELETE FROM plans WHERE id = $1", &[&id])? > 0))
    }

    fn record_occurrences(&self, occs: &[NewOccurrence]) -> Result<usize> {
        self.with(|db| {
            let mut tx = db.transaction()?;
            let st = tx.prepare(
                "INSERT INTO plan_occurrences (plan_id, start_ms, end_ms, doc_id, created_at_ms)
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
            )?;
            let mut n = 0;
            for o in occs {
                n += tx.execute(
                    &st,
                    &[
                        &o.plan_id,
                        &o.start_ms,
                        &o.end_ms,
                        &o.doc_id,
                        &o.created_at_ms,
                    ],
                )?;
            }
            tx.commit()?;
            Ok(n as usize)
        })
    }

    fn plan_occurrences(
        &self,
        plan_id: &str,
        from_ms: TimestampMs,
        to_ms: TimestampMs,
    ) -> Result<Vec<OccurrenceRow>> {
        self.with(|db| {
            let rows = db.query(
                "SELECT o.plan_id, o.start_ms, o.end_ms, o.doc_id, w.status, w.completed_at_ms,
                        ARRAY(SELECT a.user_id FROM wo_assignees a WHERE a.doc_id = o.doc_id ORDER BY a.user_id)
                 FROM plan_occurrences o LEFT JOIN work_orders w ON w.doc_id = o.doc_id
                 WHERE o.plan_id = $1 AND o.start_ms >= $2 AND o.start_ms < $3
                 ORDER BY o.start_ms",
                &[&plan_id, &from_ms, &to_ms],
            )?;
            rows.iter()
                .map(|r| {
                    Ok(OccurrenceRow {
                        plan_id: col(r, 0)?,
                        start_ms: col(r, 1)?,
                        end_ms: col(r, 2)?,
                        doc_id: col(r, 3)?,
                        status: col(r, 4)?,
                        completed_at_ms: col(r, 5)?,
                        assignees: col(r, 6)?,
                    })
                })
                .collect()
        })
    }

    fn put_profile(&self, p: &EngineerProfile) -> Result<()> {
        let body = serde_json::to_string(p)
            .map_err(|e| StorageError::Invalid(format!("engineer profile: {e}")))?;
        self.with(|db| {
            db.execute(
                "INSERT INTO engineer_profiles (user_id, body) VALUES ($1, $2)
                 ON CONFLICT (user_id) DO UPDATE SET body = EXCLUDED.body",
                &[&p.user_id, &body],
            )?;
            Ok(())
        })
    }

    fn profiles(&self) -> Result<Vec<EngineerProfile>> {
        let bodies: Vec<String> = self.with(|db| {
            db.query(
                "SELECT body FROM engineer_profiles ORDER BY user_id COLLATE \"C\"",
                &[],
            )?
            .iter()
            .map(|r| col(r, 0))
            .collect()
        })?;
        bodies
            .iter()
            .map(|b| {
                serde_json::from_str(b)
                    .map_err(|e| StorageError::Backend(format!("stored engineer profile: {e}")))
            })
            .collect()
    }

    fn add_notification(&self, n: &NewNotification) -> Result<()> {
        self.with(|db| {
            db.execute(
                "INSERT INTO notifications (user_id, doc_id, kind, message, created_at_ms) VALUES ($1, $2, $3, $4, $5)",
                &[&n.user_id, &n.doc_id, &n.kind, &n.message, &n.created_at_ms],
            )?;
            Ok(())
        })
    }

    fn notifications(&self, user_id: &str, limit: u32) -> Result<Vec<NotificationRow>> {
        self.with(|db| {
            let rows = db.query(
                "SELECT id, user_id, doc_id, kind, message, created_at_ms FROM notifications
                 WHERE user_id = $1 ORDER BY id DESC LIMIT $2",
                &[&user_id, &i64::from(limit.min(1000))],
            )?;
            rows.iter()
                .map(|r| {
                    Ok(NotificationRow {
                        id: col(r, 0)?,
                        user_id: col(r, 1)?,
                        doc_id: col(r, 2)?,
                        kind: col(r, 3)?,
                        message: col(r, 4)?,
                        created_at_ms: col(r, 5)?,
                    })
                })
                .collect()
        })
    }

    fn work_order_events(&self, doc_ids: &[String]) -> Result<Vec<EventReceipt>> {
        self.with(|db| {
            // One query for all documents, in the order of `doc_ids` (as SQLite answers).
            let rows = db.query(
                "SELECT e.doc_id, e.event_id, e.kind, e.at_ms, e.note, e.received_at_ms
                 FROM unnest($1::text[]) WITH ORDINALITY AS q(doc_id, pos)
                 JOIN wo_events e ON e.doc_id = q.doc_id
                 ORDER BY q.pos, e.at_ms, e.event_id COLLATE \"C\"",
                &[&doc_ids],
            )?;
            rows.iter()
                .map(|r| {
                    Ok(EventReceipt {
                        doc_id: col(r, 0)?,
                        event_id: col(r, 1)?,
                        kind: col(r, 2)?,
                        at_ms: col(r, 3)?,
                        note: col(r, 4)?,
                        received_at_ms: col(r, 5)?,
                    })
                })
                .collect()
        })
    }
}
