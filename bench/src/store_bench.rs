//! App budgets: cold start to a usable list with 500 work orders and 5,000 devices, and a
//! checklist tick durable on disk.

use crate::report::{Table, ms, peak_rss_mib, percentile};
use crate::sync_bench::{fill_device_store, seed_work_orders};
use fieldsync::model::work_order::{self as wo, CheckAnswer};
use fieldsync::store::LocalStore;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

const T0: i64 = 1_750_000_000_000;

pub fn run() -> anyhow::Result<Table> {
    if let Some(dir) = std::env::args()
        .nth(2)
        .filter(|_| std::env::args().nth(1).as_deref() == Some("store-open"))
    {
        return open_only(Path::new(&dir));
    }
    let dir = tempfile::tempdir()?;
    let build = Instant::now();
    let ids = {
        let mut store = LocalStore::open(dir.path())?;
        let ids = seed_work_orders(&mut store, 500, 20)?;
        fill_device_store(&mut store, 5_000)?;
        ids
    };
    let build_time = build.elapsed();

    // Cold start in a fresh process, so its memory is the app's and not the seeding's.
    let out = Command::new(std::env::current_exe()?)
        .args(["store-open", &dir.path().display().to_string()])
        .output()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let field = |name: &str| -> f64 {
        text.lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(f64::NAN)
    };
    let open_ms = field("open_ms=");
    let rss = field("rss_mib=");
    let rows = text
        .lines()
        .find_map(|l| l.strip_prefix("rows="))
        .unwrap_or("?")
        .to_string();

    let mut store = LocalStore::open(dir.path())?;
    let mut ticks: Vec<Duration> = Vec::with_capacity(1_000);
    for n in 0..1_000 {
        let id = ids[n % ids.len()];
        let item = format!("item-{:02}", n % 20);
        let t = Instant::now();
        store.edit(id, T0 + n as i64, |d| {
            wo::answer_checklist_item(
                d,
                &item,
                &CheckAnswer::PassFail("pass".into()),
                None,
                "eng",
                T0 + n as i64,
            )
        })?;
        ticks.push(t.elapsed());
    }
    ticks.sort();
    let p99 = percentile(&ticks, 0.99);

    let mut t = Table::new("app: local store (500 work orders × 20 edits + 5,000 devices)");
    t.row(
        "seeding the store (not budgeted)",
        ms(build_time),
        "-",
        None,
    );
    t.row(
        "cold start: open + My-work list + device count",
        format!("{open_ms:.1} ms ({rows} rows)"),
        "< 1 s",
        Some(open_ms < 1000.0),
    );
    t.row(
        "cold start peak RSS",
        format!("{rss:.1} MiB"),
        "< 150 MB",
        Some(rss < 143.0),
    );
    t.row(
        "checklist tick → durable, p50",
        ms(percentile(&ticks, 0.5)),
        "-",
        None,
    );
    t.row(
        "checklist tick → durable, p99",
        ms(p99),
        "< 10 ms",
        Some(p99 < Duration::from_millis(10)),
    );
    Ok(t)
}

/// Child process: open the store and read the first screen's data.
fn open_only(dir: &Path) -> anyhow::Result<Table> {
    let t = Instant::now();
    let store = LocalStore::open(dir)?;
    let rows = store.list_work_orders(None)?;
    let devices = store.device_count()?;
    let first_page = store.search_devices("PC", 50)?;
    let elapsed = t.elapsed();
    println!("open_ms={:.3}", elapsed.as_secs_f64() * 1000.0);
    println!("rss_mib={:.2}", peak_rss_mib());
    println!(
        "rows={} devices={} first_page={}",
        rows.len(),
        devices,
        first_page.len()
    );
    std::process::exit(0);
}
