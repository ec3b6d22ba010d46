//! fieldsync and samod 0.16 side by side on one workload: first sync of 500 work orders × 20
//! offline edits, then a reconnect after an app restart with 50 of them changed.
//!
//! fieldsync is measured here; the same documents are written out as a workload folder and
//! `samod-bench` (bench/samod, a package outside the workspace so CI never builds samod)
//! syncs them through samod's own server, client and storage and writes its figures as JSON.

use crate::bound::{Outcome, record_unfinished, within};
use crate::floor::{self, FloorInput};
use crate::measure::{Rig, SyncFigures, kb};
use crate::report::Table;
use crate::sync_bench::seed_work_orders_as;
use fieldsync::model::work_order as wo;
use fieldsync::store::LocalStore;
use fieldsync_tests::now_ms;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::time::Duration;

const DOCUMENTS: usize = 500;
const EDITS: usize = 20;
const CHANGED_ON_RECONNECT: usize = 50;
/// The design's budget: fieldsync syncs at least this many times faster than samod.
const SPEEDUP_BUDGET: f64 = 4.0;
/// Each fieldsync sync's bound (they take well under a second here).
const FIELDSYNC_SYNC_BOUND: Duration = Duration::from_secs(60);
/// Each samod sync's bound, passed to samod-bench (its syncs take about a second here).
const SAMOD_SYNC_BOUND: Duration = Duration::from_secs(60);
/// samod-bench as a whole: its bounded steps (seeding and settling 90 s, each sync 60 s,
/// each stop 15 s, twice) and then some; it is killed past this.
const SAMOD_PROCESS_BOUND: Duration = Duration::from_secs(360);
/// vs-samod as a whole, for `main`'s bound: fieldsync's side, the floors and samod-bench.
pub const BOUND: Duration = Duration::from_secs(570);

/// `samod-bench` next to this executable: where
/// `cargo build --release --manifest-path bench/samod/Cargo.toml --target-dir target` puts it.
fn default_samod_bin() -> PathBuf {
    std::env::current_exe()
        .map(|exe| exe.with_file_name("samod-bench"))
        .unwrap_or_else(|_| PathBuf::from("samod-bench"))
}

/// Command-line options after `vs-samod`.
struct Options {
    /// Figures measured earlier by `samod-bench run … --out <file>`.
    samod_json: Option<PathBuf>,
    samod_bin: PathBuf,
    /// Keep the workload in this folder (otherwise a temporary one).
    keep_workload: Option<PathBuf>,
}

fn options(args: &[String]) -> anyhow::Result<Options> {
    let mut opts = Options {
        samod_json: None,
        samod_bin: std::env::var_os("FIELDSYNC_SAMOD_BENCH")
            .map(PathBuf::from)
            .unwrap_or_else(default_samod_bin),
        keep_workload: None,
    };
    for pair in args.chunks(2) {
        let [name, value] = pair else {
            anyhow::bail!("{} needs a value", pair[0]);
        };
        let value = PathBuf::from(value);
        match name.as_str() {
            "--samod-json" => opts.samod_json = Some(value),
            "--samod-bin" => opts.samod_bin = value,
            "--keep-workload" => opts.keep_workload = Some(value),
            other => anyhow::bail!(
                "unknown option {other:?}; vs-samod takes --samod-json <file>, --samod-bin <path>, --keep-workload <dir>"
            ),
        }
    }
    Ok(opts)
}

/// fieldsync's side of the race and what both sides' workload is.
struct FieldsyncSide {
    first: Outcome<SyncFigures>,
    reconnect: Outcome<SyncFigures>,
    /// Sum of the documents' saved sizes.
    saved_bytes: usize,
    /// Sum of the reconnect's change bytes.
    reconnect_change_bytes: usize,
    first_floor: FloorInput,
    reconnect_floor: FloorInput,
}

/// fieldsync's figures for both syncs (each within [`FIELDSYNC_SYNC_BOUND`]), measured while
/// writing the workload into `dir`.
async fn fieldsync_side(dir: &Path) -> anyhow::Result<FieldsyncSide> {
    let (first_dir, reconnect_dir) = (dir.join("first"), dir.join("reconnect"));
    std::fs::create_dir_all(&first_dir)?;
    std::fs::create_dir_all(&reconnect_dir)?;
    let rig = Rig::start().await?;
    let store_dir = tempfile::tempdir()?;
    let mut dev = rig.device(LocalStore::open(store_dir.path())?).await?;
    let me = dev.user_id.clone();
    let ids = seed_work_orders_as(&mut dev.store, DOCUMENTS, EDITS, &me)?;
    let mut saved_bytes = 0;
    for (n, id) in ids.iter().enumerate() {
        let saved = dev.store.doc(*id)?.save();
        saved_bytes += saved.len();
        std::fs::write(first_dir.join(format!("{n:05}.automerge")), saved)?;
    }
    let first_floor = FloorInput::of_next_sync(&mut dev.store)?;
    let first = within(
        "fieldsync first-sync",
        FIELDSYNC_SYNC_BOUND,
        rig.sync(&mut dev),
    )
    .await;

    // The app restarts: reopen the store from disk, change 50 documents offline, reconnect.
    drop(std::mem::replace(
        &mut dev.store,
        LocalStore::open_in_memory()?,
    ));
    let mut dev = dev.reopen(LocalStore::open(store_dir.path())?);
    let mut reconnect_change_bytes = 0;
    for (n, id) in ids.iter().take(CHANGED_ON_RECONNECT).enumerate() {
        let before = dev.store.doc(*id)?.get_heads();
        let now = now_ms();
        dev.store.edit(*id, now, |d| {
            wo::set_findings(d, &format!("checked again, round {n}"), now)
        })?;
        let change = dev.store.doc(*id)?.save_after(&before);
        reconnect_change_bytes += change.len();
        std::fs::write(reconnect_dir.join(format!("{n:05}.automerge")), change)?;
    }
    let reconnect_floor = FloorInput::of_next_sync(&mut dev.store)?;
    let reconnect = if first.done().is_some() {
        within(
            "fieldsync reconnect",
            FIELDSYNC_SYNC_BOUND,
            rig.sync(&mut dev),
        )
        .await
    } else {
        Outcome::NotRun("the first sync did not finish".into())
    };
    Ok(FieldsyncSide {
        first,
        reconnect,
        saved_bytes,
        reconnect_change_bytes,
        first_floor,
        reconnect_floor,
    })
}

/// samod's figures: from a JSON file, or by running samod-bench on the workload within
/// [`SAMOD_PROCESS_BOUND`] (killed if it takes longer; its server child exits with it).
async fn samod_side(opts: &Options, workload: &Path) -> Outcome<Value> {
    within("samod-bench", SAMOD_PROCESS_BOUND, async {
        let path = match &opts.samod_json {
            Some(p) => p.clone(),
            None => {
                let out = workload.join("samod.json");
                let status = tokio::process::Command::new(&opts.samod_bin)
                    .args(["run", "--workload"])
                    .arg(workload)
                    .arg("--out")
                    .arg(&out)
                    .args(["--bound-s", &SAMOD_SYNC_BOUND.as_secs().to_string()])
                    .kill_on_drop(true)
                    .status()
                    .await
                    .map_err(|e| anyhow::anyhow!("cannot run {}: {e}", opts.samod_bin.display()))?;
                // Status 2: a sync hung or failed; its figures say which.
                anyhow::ensure!(
                    status.success() || (status.code() == Some(2) && out.exists()),
                    "samod-bench failed: {status}"
                );
                out
            }
        };
        let text = std::fs::read_to_string(&path)
            .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
        Ok(serde_json::from_str(&text)?)
    })
    .await
}

/// One of samod's syncs as the JSON tells it (files without `outcome` predate bounds: done).
fn samod_outcome<'a>(which: &str, v: &'a Value) -> Outcome<&'a Value> {
    let text = |key: &str| v[key].as_str().unwrap_or("?").to_string();
    let outcome = match v["outcome"].as_str().unwrap_or("done") {
        "done" => return Outcome::Done(v),
        "hung" => Outcome::Hung {
            after: Duration::from_secs_f64(v["after_s"].as_f64().unwrap_or(0.0)),
        },
        "failed" => Outcome::Failed(format!("{}: {}", text("stage"), text("error"))),
        "not_run" => Outcome::NotRun(text("reason")),
        other => Outcome::Failed(format!("unknown outcome {other:?}")),
    };
    let stage = v["stage"]
        .as_str()
        .map(|s| format!(" ({s})"))
        .unwrap_or_default();
    let label = outcome.label().unwrap_or_default();
    record_unfinished(&format!("samod {which}"), &format!("{label}{stage}"));
    outcome
}

pub async fn run(args: &[String]) -> anyhow::Result<()> {
    let opts = options(args)?;
    if opts.samod_json.is_none() {
        anyhow::ensure!(
            opts.samod_bin.exists(),
            "{} is missing: build it with `cargo build --release --manifest-path bench/samod/Cargo.toml --target-dir target`, \
             or pass --samod-bin <path> or --samod-json <file>",
            opts.samod_bin.display()
        );
    }
    let temp = tempfile::tempdir()?;
    let dir = opts
        .keep_workload
        .clone()
        .unwrap_or_else(|| temp.path().into());
    let ours = fieldsync_side(&dir).await?;
    // The floors, in this run, before samod starts (both servers idle or gone).
    let first_floor = floor::measure(&ours.first_floor)?;
    let reconnect_floor = floor::measure(&ours.reconnect_floor)?;
    let samod = samod_side(&opts, &dir).await;
    let not_measured = |which: &str| {
        let how = samod.label().unwrap_or_default();
        Outcome::NotRun(format!("samod-bench {which}: {how}"))
    };
    let samod_first = match samod.done() {
        Some(v) => samod_outcome("first-sync", &v["first_sync"]),
        None => not_measured("first-sync"),
    };
    let samod_reconnect = match samod.done() {
        Some(v) => samod_outcome("reconnect", &v["reconnect"]),
        None => not_measured("reconnect"),
    };
    print_workload(&ours, samod.done());
    print_side_by_side(
        &format!(
            "first-sync: {DOCUMENTS} work orders × {EDITS} offline edits, fieldsync vs samod 0.16"
        ),
        &ours.first,
        &samod_first,
    )?;
    print_side_by_side(
        &format!(
            "reconnect: app restarted, {CHANGED_ON_RECONNECT} of {DOCUMENTS} documents changed, fieldsync vs samod 0.16"
        ),
        &ours.reconnect,
        &samod_reconnect,
    )?;
    let wall = |o: &Outcome<SyncFigures>| {
        o.done()
            .map(|f| f.wall)
            .ok_or(o.label().unwrap_or_default())
    };
    floor::multiples(
        "fieldsync against the floor (measured in this run, see `floor`)",
        &[
            floor::Versus {
                sync: "first sync",
                wall: wall(&ours.first),
                floor: &first_floor,
                budget: Some(floor::FIRST_SYNC_BUDGET),
            },
            floor::Versus {
                sync: "reconnect",
                wall: wall(&ours.reconnect),
                floor: &reconnect_floor,
                budget: None,
            },
        ],
    )
    .print();
    println!(
        "\nfieldsync: HTTP requests (each one answer); samod: WebSocket frames. \
         Durability: fieldsync answers after its SQLite commit (WAL, synchronous=FULL: fsynced); \
         samod answers before its storage write, which is not fsynced. \
         samod's server CPU includes storage writes it finished after acknowledging. \
         Each samod sync starts its clock once the device repo's storage is quiet; its dial is retried with backoff."
    );
    Ok(())
}

/// Both sides' workload: the same documents and changes.
fn print_workload(ours: &FieldsyncSide, samod: Option<&Value>) {
    let mut t = Table::new("the workload (both sides sync the same Automerge changes)");
    t.row(
        "documents' saved size (sum of save())",
        kb(ours.saved_bytes as u64),
        "-",
        None,
    );
    if let Some(v) = samod {
        t.row(
            "… as samod-bench read it",
            kb(v["saved_bytes"].as_u64().unwrap_or(0)),
            "-",
            None,
        );
    }
    t.row(
        "fieldsync first-sync request body (CBOR in zstd, without HTTP)",
        kb(ours.first_floor.body_bytes() as u64),
        "-",
        None,
    );
    t.row(
        "reconnect change bytes (save_after of the 50 documents)",
        kb(ours.reconnect_change_bytes as u64),
        "-",
        None,
    );
    t.row(
        "fieldsync reconnect request body",
        kb(ours.reconnect_floor.body_bytes() as u64),
        "-",
        None,
    );
    t.print();
}

fn number(v: &Value, key: &str) -> anyhow::Result<f64> {
    v[key]
        .as_f64()
        .ok_or_else(|| anyhow::anyhow!("samod figures lack {key:?}"))
}

#[derive(Clone, Copy)]
enum Unit {
    Ms,
    Bytes,
    Count,
    Mib,
}

impl Unit {
    fn show(self, v: f64) -> String {
        match self {
            Unit::Ms => format!("{v:.1} ms"),
            Unit::Bytes => format!("{:.1} KB", v / 1000.0),
            Unit::Count => format!("{v:.0}"),
            Unit::Mib => format!("{v:.1} MiB"),
        }
    }
}

/// One row of the side-by-side table: fieldsync's figure and the key of samod's.
type Row = (&'static str, Unit, fn(&SyncFigures) -> f64, &'static str);

const ROWS: [Row; 8] = [
    (
        "wall time",
        Unit::Ms,
        |f| f.wall.as_secs_f64() * 1000.0,
        "wall_ms",
    ),
    (
        "bytes up (on the wire)",
        Unit::Bytes,
        |f| f.bytes_up as f64,
        "bytes_up",
    ),
    (
        "bytes down",
        Unit::Bytes,
        |f| f.bytes_down as f64,
        "bytes_down",
    ),
    (
        "messages up (fieldsync requests, samod frames)",
        Unit::Count,
        |f| f.requests as f64,
        "frames_up",
    ),
    (
        "messages down (answers, frames)",
        Unit::Count,
        |f| f.requests as f64,
        "frames_down",
    ),
    (
        "connections opened",
        Unit::Count,
        |f| f.connections as f64,
        "connections",
    ),
    (
        "server CPU time",
        Unit::Ms,
        |f| f.server_cpu.as_secs_f64() * 1000.0,
        "server_cpu_ms",
    ),
    (
        "server peak RSS",
        Unit::Mib,
        |f| f.server_peak_rss_mib,
        "server_peak_rss_mib",
    ),
];

/// A table of both sides' figures; a side that did not finish shows why in every row.
fn print_side_by_side(
    title: &str,
    ours: &Outcome<SyncFigures>,
    samod: &Outcome<&Value>,
) -> anyhow::Result<()> {
    println!("\n## {title}\n");
    println!("| figure | fieldsync | samod | samod ÷ fieldsync | budget | result |");
    println!("|---|---|---|---|---|---|");
    for (figure, unit, of, key) in ROWS {
        let mine = ours
            .done()
            .map(of)
            .ok_or_else(|| ours.label().unwrap_or_default());
        let theirs = match samod.done() {
            Some(v) => Ok(number(v, key)?),
            None => Err(samod.label().unwrap_or_default()),
        };
        let show = |v: &Result<f64, String>| match v {
            Ok(x) => unit.show(*x),
            Err(why) => why.clone(),
        };
        let ratio = match (&mine, &theirs) {
            (Ok(m), Ok(t)) if *m > 0.0 => format!("{:.1}×", t / m),
            _ => "-".into(),
        };
        // Only wall time has a budget: at least 4× faster than samod.
        let (budget, result) = match (key, &mine, &theirs) {
            ("wall_ms", Ok(m), Ok(t)) => (
                format!("≥ {SPEEDUP_BUDGET}× faster"),
                if *t >= SPEEDUP_BUDGET * m {
                    "pass"
                } else {
                    "MISS"
                },
            ),
            ("wall_ms", _, _) => (format!("≥ {SPEEDUP_BUDGET}× faster"), "-"),
            _ => ("-".into(), "-"),
        };
        println!(
            "| {figure} | {} | {} | {ratio} | {budget} | {result} |",
            show(&mine),
            show(&theirs)
        );
    }
    if let Some(v) = samod.done() {
        println!(
            "\nsamod's device repo was quiet before its clock started ({} storage operations, \
             {:.0} ms waited); dial retries during the sync: {}.",
            v["device_storage_ops_before"].as_u64().unwrap_or(0),
            v["device_quiet_wait_ms"].as_f64().unwrap_or(0.0),
            v["dial_retries"].as_u64().unwrap_or(0)
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn options_take_paths_and_refuse_unknown_or_incomplete_flags() {
        let o = options(&args(&["--samod-json", "s.json", "--keep-workload", "wl"])).unwrap();
        assert_eq!(o.samod_json, Some(PathBuf::from("s.json")));
        assert_eq!(o.keep_workload, Some(PathBuf::from("wl")));
        let o = options(&args(&["--samod-bin", "/x/samod-bench"])).unwrap();
        assert_eq!(o.samod_bin, PathBuf::from("/x/samod-bench"));
        assert!(options(&args(&["--samod-json"])).is_err());
        assert!(options(&args(&["--fast", "yes"])).is_err());
    }

    #[test]
    fn samod_outcomes_are_read_from_the_json() {
        let done: Value = serde_json::from_str(r#"{"outcome": "done", "wall_ms": 1.0}"#).unwrap();
        assert!(samod_outcome("first-sync", &done).done().is_some());
        let old: Value = serde_json::from_str(r#"{"wall_ms": 1.0}"#).unwrap();
        assert!(samod_outcome("first-sync", &old).done().is_some());
        let hung: Value =
            serde_json::from_str(r#"{"outcome": "hung", "stage": "syncing", "after_s": 60.0}"#)
                .unwrap();
        assert_eq!(
            samod_outcome("first-sync", &hung).label().unwrap(),
            "HUNG after 60 s"
        );
        let not_run: Value =
            serde_json::from_str(r#"{"outcome": "not_run", "reason": "first sync hung"}"#).unwrap();
        assert_eq!(
            samod_outcome("reconnect", &not_run).label().unwrap(),
            "not run (first sync hung)"
        );
    }

    #[test]
    fn samod_figures_must_have_every_key() {
        let v: Value = serde_json::from_str(r#"{"wall_ms": 12.5}"#).unwrap();
        assert_eq!(number(&v, "wall_ms").unwrap(), 12.5);
        assert!(number(&v, "bytes_up").is_err());
    }
}
