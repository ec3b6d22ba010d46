//! fieldsync and samod 0.16 side by side on one workload: first sync of 500 work orders × 20
//! offline edits, then a reconnect after an app restart with 50 of them changed.
//!
//! fieldsync is measured here; the same documents are written out as a workload folder and
//! `samod-bench` (bench/samod, a package outside the workspace so CI never builds samod)
//! syncs them through samod's own server, client and storage and writes its figures as JSON.

use crate::measure::{Rig, SyncFigures};
use crate::sync_bench::seed_work_orders_as;
use fieldsync::model::work_order as wo;
use fieldsync::store::LocalStore;
use fieldsync_tests::now_ms;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

const DOCUMENTS: usize = 500;
const EDITS: usize = 20;
const CHANGED_ON_RECONNECT: usize = 50;
/// The design's budget: fieldsync syncs at least this many times faster than samod.
const SPEEDUP_BUDGET: f64 = 4.0;

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

/// fieldsync's figures for both syncs, measured while writing the workload into `dir`.
async fn fieldsync_side(dir: &Path) -> anyhow::Result<(SyncFigures, SyncFigures)> {
    let (first_dir, reconnect_dir) = (dir.join("first"), dir.join("reconnect"));
    std::fs::create_dir_all(&first_dir)?;
    std::fs::create_dir_all(&reconnect_dir)?;
    let rig = Rig::start().await?;
    let store_dir = tempfile::tempdir()?;
    let mut dev = rig.device(LocalStore::open(store_dir.path())?).await?;
    let me = dev.user_id.clone();
    let ids = seed_work_orders_as(&mut dev.store, DOCUMENTS, EDITS, &me)?;
    for (n, id) in ids.iter().enumerate() {
        std::fs::write(
            first_dir.join(format!("{n:05}.automerge")),
            dev.store.doc(*id)?.save(),
        )?;
    }
    let first = rig.sync(&mut dev).await?;

    // The app restarts: reopen the store from disk, change 50 documents offline, reconnect.
    drop(std::mem::replace(
        &mut dev.store,
        LocalStore::open_in_memory()?,
    ));
    let mut dev = dev.reopen(LocalStore::open(store_dir.path())?);
    for (n, id) in ids.iter().take(CHANGED_ON_RECONNECT).enumerate() {
        let before = dev.store.doc(*id)?.get_heads();
        let now = now_ms();
        dev.store.edit(*id, now, |d| {
            wo::set_findings(d, &format!("checked again, round {n}"), now)
        })?;
        let change = dev.store.doc(*id)?.save_after(&before);
        std::fs::write(reconnect_dir.join(format!("{n:05}.automerge")), change)?;
    }
    let reconnect = rig.sync(&mut dev).await?;
    Ok((first, reconnect))
}

/// samod's figures: from a JSON file, or by running samod-bench on the workload.
fn samod_side(opts: &Options, workload: &Path) -> anyhow::Result<Value> {
    let path = match &opts.samod_json {
        Some(p) => p.clone(),
        None => {
            let out = workload.join("samod.json");
            let status = Command::new(&opts.samod_bin)
                .args(["run", "--workload"])
                .arg(workload)
                .arg("--out")
                .arg(&out)
                .status()
                .map_err(|e| anyhow::anyhow!("cannot run {}: {e}", opts.samod_bin.display()))?;
            anyhow::ensure!(status.success(), "samod-bench failed: {status}");
            out
        }
    };
    let text = std::fs::read_to_string(&path)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
    Ok(serde_json::from_str(&text)?)
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
    let (first, reconnect) = fieldsync_side(&dir).await?;
    let samod = samod_side(&opts, &dir)?;
    print_side_by_side(
        &format!(
            "first-sync: {DOCUMENTS} work orders × {EDITS} offline edits, fieldsync vs samod 0.16"
        ),
        &first,
        &samod["first_sync"],
    )?;
    print_side_by_side(
        &format!(
            "reconnect: app restarted, {CHANGED_ON_RECONNECT} of {DOCUMENTS} documents changed, fieldsync vs samod 0.16"
        ),
        &reconnect,
        &samod["reconnect"],
    )?;
    println!(
        "\nfieldsync: HTTP requests (each one answer); samod: WebSocket frames. \
         samod's server CPU includes storage writes it finished after acknowledging."
    );
    Ok(())
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

fn print_side_by_side(title: &str, ours: &SyncFigures, samod: &Value) -> anyhow::Result<()> {
    let rows = [
        (
            "wall time",
            Unit::Ms,
            ours.wall.as_secs_f64() * 1000.0,
            "wall_ms",
        ),
        (
            "bytes up (on the wire)",
            Unit::Bytes,
            ours.bytes_up as f64,
            "bytes_up",
        ),
        (
            "bytes down",
            Unit::Bytes,
            ours.bytes_down as f64,
            "bytes_down",
        ),
        (
            "messages up (fieldsync requests, samod frames)",
            Unit::Count,
            ours.requests as f64,
            "frames_up",
        ),
        (
            "messages down (answers, frames)",
            Unit::Count,
            ours.requests as f64,
            "frames_down",
        ),
        (
            "connections opened",
            Unit::Count,
            ours.connections as f64,
            "connections",
        ),
        (
            "server CPU time",
            Unit::Ms,
            ours.server_cpu.as_secs_f64() * 1000.0,
            "server_cpu_ms",
        ),
        (
            "server peak RSS",
            Unit::Mib,
            ours.server_peak_rss_mib,
            "server_peak_rss_mib",
        ),
    ];
    println!("\n## {title}\n");
    println!("| figure | fieldsync | samod | samod ÷ fieldsync | budget | result |");
    println!("|---|---|---|---|---|---|");
    for (figure, unit, ours, key) in rows {
        let theirs = number(samod, key)?;
        let ratio = if ours > 0.0 {
            format!("{:.1}×", theirs / ours)
        } else {
            "-".into()
        };
        // Only wall time has a budget: at least 4× faster than samod.
        let (budget, result) = match key {
            "wall_ms" => (
                format!("≥ {SPEEDUP_BUDGET}× faster"),
                if theirs >= SPEEDUP_BUDGET * ours {
                    "pass"
                } else {
                    "MISS"
                },
            ),
            _ => ("-".into(), "-"),
        };
        println!(
            "| {figure} | {} | {} | {ratio} | {budget} | {result} |",
            unit.show(ours),
            unit.show(theirs)
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
    fn samod_figures_must_have_every_key() {
        let v: Value = serde_json::from_str(r#"{"wall_ms": 12.5}"#).unwrap();
        assert_eq!(number(&v, "wall_ms").unwrap(), 12.5);
        assert!(number(&v, "bytes_up").is_err());
    }
}
