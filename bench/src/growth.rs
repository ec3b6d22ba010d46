//! growth: how a sync's time and bytes grow with the number of documents (100 → 10,000) and
//! with the length of one document's history (10 → 10,000 edits), so nobody meets a cliff in
//! the field. Each step runs on a fresh server; a series stops once a step exceeds its bound.

use crate::measure::{Grid, Rig, SyncFigures, kb, ms};
use crate::sync_bench::new_work_order;
use fieldsync::model::work_order::{self as wo, CheckAnswer};
use fieldsync::store::LocalStore;
use fieldsync::{DocId, DocKind, TimestampMs};
use fieldsync_tests::SimDevice;
use std::time::{Duration, Instant};

const DOC_COUNTS: [usize; 3] = [100, 1_000, 10_000];
const HISTORY_LENGTHS: [usize; 4] = [10, 100, 1_000, 10_000];
/// Edits per work order in the document-count series, as in first-sync.
const EDITS_PER_DOC: usize = 20;
/// A step that takes longer than this ends its series (the next is ten times larger).
const STEP_BOUND: Duration = Duration::from_secs(120);
const T0: TimestampMs = 1_750_000_000_000;

/// A work order created and then edited `edits` times, one commit per edit, stored in one
/// transaction (what the engineer's edits add up to; seeding stays fast at 10,000 documents).
fn work_order_with_history(
    store: &mut LocalStore,
    i: usize,
    edits: usize,
    user: &str,
) -> anyhow::Result<DocId> {
    Ok(store.create(DocKind::WorkOrder, T0, |d, id| {
        wo::create_work_order(d, id, &new_work_order(i, 20, user), user, T0)?;
        for e in 0..edits {
            let verdict = if e % 2 == 0 { "pass" } else { "fail" };
            let answer = CheckAnswer::PassFail(verdict.into());
            let item = format!("item-{:02}", e % 20);
            wo::answer_checklist_item(d, &item, &answer, None, user, T0 + e as i64)?;
        }
        Ok(())
    })?)
}

/// One more checklist answer on `id`.
fn one_edit(dev: &mut SimDevice, id: DocId) -> anyhow::Result<()> {
    let me = dev.user_id.clone();
    let answer = CheckAnswer::PassFail("fail".into());
    dev.store.edit(id, T0 + 1_000_000, |d| {
        wo::answer_checklist_item(
            d,
            "item-07",
            &answer,
            Some("rechecked"),
            &me,
            T0 + 1_000_000,
        )
    })?;
    Ok(())
}

fn saved_size(dev: &mut SimDevice, ids: &[DocId]) -> anyhow::Result<u64> {
    let mut total = 0;
    for id in ids {
        total += dev.store.doc(*id)?.save().len() as u64;
    }
    Ok(total)
}

fn traffic(f: &SyncFigures) -> String {
    format!("{} up / {} down", kb(f.bytes_up), kb(f.bytes_down))
}

/// The document-count series.
async fn by_document_count(max_docs: usize) -> anyhow::Result<()> {
    let grid = Grid::start(
        &format!("growth by number of documents (work orders × {EDITS_PER_DOC} edits, one device)"),
        &[
            "documents",
            "saved size",
            "first sync",
            "requests",
            "first sync bytes",
            "server CPU",
            "server peak RSS",
            "idle sync (nothing changed)",
            "sync of one edited document",
        ],
    );
    for &count in DOC_COUNTS.iter().filter(|c| **c <= max_docs) {
        let step = Instant::now();
        let rig = Rig::start().await?;
        let mut dev = rig.device(LocalStore::open_in_memory()?).await?;
        let me = dev.user_id.clone();
        let ids = (0..count)
            .map(|i| work_order_with_history(&mut dev.store, i, EDITS_PER_DOC, &me))
            .collect::<anyhow::Result<Vec<_>>>()?;
        let saved = saved_size(&mut dev, &ids)?;
        let first = rig.sync(&mut dev).await?;
        let idle = rig.sync(&mut dev).await?;
        one_edit(&mut dev, ids[count / 2])?;
        let single = rig.sync(&mut dev).await?;
        grid.row(&[
            format!("{count}"),
            kb(saved),
            ms(first.wall),
            format!("{}", first.requests),
            traffic(&first),
            ms(first.server_cpu),
            format!("{:.1} MiB", first.server_peak_rss_mib),
            format!("{} ({})", ms(idle.wall), traffic(&idle)),
            format!("{} ({})", ms(single.wall), traffic(&single)),
        ]);
        if step.elapsed() > STEP_BOUND {
            grid.row(&[format!(
                "(stopped: this step took {:.0} s, over the {} s bound)",
                step.elapsed().as_secs_f64(),
                STEP_BOUND.as_secs()
            )]);
            break;
        }
    }
    Ok(())
}

/// The history-length series: one work order, pushed, edited once more, then pulled by the
/// engineer's second device.
async fn by_history_length(max_edits: usize) -> anyhow::Result<()> {
    let grid = Grid::start(
        "growth by history length (one work order)",
        &[
            "edits",
            "saved size",
            "first push",
            "one more edit: sync",
            "its server CPU",
            "second device pulls it",
            "its server CPU",
        ],
    );
    for &edits in HISTORY_LENGTHS.iter().filter(|e| **e <= max_edits) {
        let step = Instant::now();
        let rig = Rig::start().await?;
        let mut dev = rig.device(LocalStore::open_in_memory()?).await?;
        let me = dev.user_id.clone();
        let id = work_order_with_history(&mut dev.store, 0, edits, &me)?;
        let saved = saved_size(&mut dev, &[id])?;
        let first = rig.sync(&mut dev).await?;
        one_edit(&mut dev, id)?;
        let next = rig.sync(&mut dev).await?;
        let mut second = rig.device(LocalStore::open_in_memory()?).await?;
        let pull = rig.sync(&mut second).await?;
        anyhow::ensure!(
            second.store.contains(id)?,
            "the second device did not receive the work order"
        );
        grid.row(&[
            format!("{edits}"),
            kb(saved),
            format!("{} ({} up)", ms(first.wall), kb(first.bytes_up)),
            format!("{} ({} up)", ms(next.wall), kb(next.bytes_up)),
            ms(next.server_cpu),
            format!("{} ({} down)", ms(pull.wall), kb(pull.bytes_down)),
            ms(pull.server_cpu),
        ]);
        if step.elapsed() > STEP_BOUND {
            grid.row(&[format!(
                "(stopped: this step took {:.0} s, over the {} s bound)",
                step.elapsed().as_secs_f64(),
                STEP_BOUND.as_secs()
            )]);
            break;
        }
    }
    Ok(())
}

/// Both series, history first (it is the quicker); `max_docs` and `max_edits` cap them.
pub async fn run(max_docs: usize, max_edits: usize) -> anyhow::Result<()> {
    by_history_length(max_edits).await?;
    by_document_count(max_docs).await
}
