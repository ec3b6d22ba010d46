//! Work-order numbers this device may give: blocks of a year's sequence the server leased to
//! it, so an incident made with no network is numbered the moment it is saved and keeps that
//! number on the server ("Numbers" in docs/sync-protocol.md). A number is taken in the same
//! transaction that writes the new work order: a crash leaves either both or neither, so no
//! number is ever given twice.

use super::{LocalStore, Result, write_doc};
use crate::ids::{DocId, DocKind, TimestampMs};
use crate::model::{ModelError, NumberBlock, WorkOrderNumber};
use automerge::AutoCommit;
use rusqlite::{OptionalExtension, params};

impl LocalStore {
    /// Keep a block the server leased. The same block twice is kept once (an answer applied
    /// again); a malformed one is refused.
    pub fn add_number_block(&self, block: &NumberBlock) -> Result<()> {
        if !block.is_valid() {
            return Err(ModelError::Invalid(format!("number block {block:?} is malformed")).into());
        }
        self.conn.execute(
            "INSERT OR IGNORE INTO number_blocks (year, first_no, last_no, next_no)
             VALUES (?1, ?2, ?3, ?2)",
            params![block.year, block.first, block.last],
        )?;
        Ok(())
    }

    /// Numbers of `year` this device can still give.
    pub fn numbers_left(&self, year: i32) -> Result<i64> {
        Ok(self.conn.query_row(
            "SELECT COALESCE(SUM(last_no - next_no + 1), 0) FROM number_blocks
             WHERE year = ?1 AND next_no <= last_no",
            [year],
            |r| r.get(0),
        )?)
    }

    /// Create a work order numbered from `year`'s blocks; durable on return. With no number
    /// left, `build` gets `None` and the server numbers the work order when it arrives.
    pub fn create_numbered(
        &mut self,
        now: TimestampMs,
        year: i32,
        build: impl FnOnce(&mut AutoCommit, DocId, Option<&str>) -> Result<(), ModelError>,
    ) -> Result<(DocId, Option<String>)> {
        let tx = self.conn.unchecked_transaction()?;
        let number = tx
            .query_row(
                "UPDATE number_blocks SET next_no = next_no + 1
                 WHERE (year, first_no) = (
                     SELECT year, first_no FROM number_blocks
                     WHERE year = ?1 AND next_no <= last_no ORDER BY first_no LIMIT 1)
                 RETURNING next_no - 1",
                [year],
                |r| r.get::<_, i64>(0),
            )
            .optional()?
            .map(|seq| WorkOrderNumber { year, seq }.to_string());
        let (id, mut doc) = self.build_new(DocKind::WorkOrder, |doc, id| {
            build(doc, id, number.as_deref())
        })?;
        // Dropping `tx` on an error above rolls the number back: it stays free.
        write_doc(&tx, id, DocKind::WorkOrder, &mut doc, &[], now)?;
        tx.commit()?;
        self.cache.insert(id, doc);
        Ok((id, number))
    }
}

#[cfg(test)]
mod tests {
    use crate::model::{self, NewWorkOrder, NumberBlock};
    use crate::store::LocalStore;

    fn block(year: i32, first: i64, last: i64) -> NumberBlock {
        NumberBlock { year, first, last }
    }

    fn incident(store: &mut LocalStore, year: i32) -> Option<String> {
        let (id, number) = store
            .create_numbered(1_000, year, |doc, id, number| {
                let new = NewWorkOrder {
                    kind: "incident".into(),
                    title: "UPS 告警".into(),
                    number: number.map(str::to_owned),
                    ..Default::default()
                };
                model::create_work_order(doc, id, &new, "u1", 1_000)
            })
            .unwrap();
        assert_eq!(store.work_order(id).unwrap().number, number);
        number
    }

    #[test]
    fn numbers_come_from_the_blocks_in_order_and_run_out() {
        let mut store = LocalStore::open_in_memory().unwrap();
        assert_eq!(incident(&mut store, 2026), None, "no block yet");
        store.add_number_block(&block(2026, 41, 42)).unwrap();
        store.add_number_block(&block(2026, 101, 101)).unwrap();
        store.add_number_block(&block(2026, 41, 42)).unwrap(); // applied twice: kept once
        store.add_number_block(&block(2027, 1, 5)).unwrap();
        assert_eq!(store.numbers_left(2026).unwrap(), 3);
        let got: Vec<_> = (0..4).map(|_| incident(&mut store, 2026)).collect();
        assert_eq!(
            got,
            [
                Some("WO-2026-00041".to_string()),
                Some("WO-2026-00042".to_string()),
                Some("WO-2026-00101".to_string()),
                None
            ]
        );
        assert_eq!(store.numbers_left(2026).unwrap(), 0);
        assert_eq!(
            store.numbers_left(2027).unwrap(),
            5,
            "another year's block untouched"
        );
    }

    #[test]
    fn a_failed_creation_gives_its_number_back() {
        let mut store = LocalStore::open_in_memory().unwrap();
        store.add_number_block(&block(2026, 7, 8)).unwrap();
        let failed = store.create_numbered(1_000, 2026, |_, _, _| {
            Err(model::ModelError::Invalid("no title".into()))
        });
        assert!(failed.is_err());
        assert_eq!(store.numbers_left(2026).unwrap(), 2);
        assert_eq!(incident(&mut store, 2026).as_deref(), Some("WO-2026-00007"));
    }

    #[test]
    fn given_numbers_survive_a_restart() {
        let dir = tempfile::tempdir().unwrap();
        {
            let mut store = LocalStore::open(dir.path()).unwrap();
            store.add_number_block(&block(2026, 1, 3)).unwrap();
            incident(&mut store, 2026);
        }
        let mut store = LocalStore::open(dir.path()).unwrap();
        assert_eq!(store.numbers_left(2026).unwrap(), 2);
        assert_eq!(incident(&mut store, 2026).as_deref(), Some("WO-2026-00002"));
    }

    #[test]
    fn malformed_blocks_are_refused() {
        let store = LocalStore::open_in_memory().unwrap();
        assert!(store.add_number_block(&block(2026, 9, 3)).is_err());
        assert!(store.add_number_block(&block(2026, 0, 3)).is_err());
        assert_eq!(store.numbers_left(2026).unwrap(), 0);
    }
}
