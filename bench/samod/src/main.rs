//! The fieldsync first-sync and reconnect workload against samod 0.16, for a side-by-side
//! table in `fieldsync-bench vs-samod`. A package of its own so CI never builds samod.
//!
//! `samod-bench run --workload <dir> [--out <file.json>] [--bound-s <seconds>]` measures and
//! writes figures as JSON (stdout without `--out`); each sync is bounded (default 60 s) and a
//! sync that hangs or fails is written as such, then the process exits with status 2.
//! `samod-bench serve --data-dir <dir>` is the server child process (it exits when its
//! standard input closes, so it never outlives the benchmark that started it).

mod quiet;
mod scenario;
mod server;
mod wire_proxy;
mod workload;

use std::path::PathBuf;
use std::time::Duration;

/// Each sync's bound unless `--bound-s` says otherwise: samod's syncs here take about a
/// second, so this is far beyond a slow run and far below the 10 minutes a hang once cost.
const DEFAULT_SYNC_BOUND: Duration = Duration::from_secs(60);

fn usage() -> anyhow::Error {
    anyhow::anyhow!(
        "usage: samod-bench run --workload <dir> [--out <file.json>] [--bound-s <seconds>] | samod-bench serve --data-dir <dir>"
    )
}

/// The value after `--name`, if given.
fn flag(args: &[String], name: &str) -> Option<PathBuf> {
    let i = args.iter().position(|a| a == name)?;
    args.get(i + 1).map(PathBuf::from)
}

fn sync_bound(args: &[String]) -> anyhow::Result<Duration> {
    match flag(args, "--bound-s") {
        None => Ok(DEFAULT_SYNC_BOUND),
        Some(s) => {
            let secs: f64 = s
                .to_string_lossy()
                .parse()
                .map_err(|_| anyhow::anyhow!("--bound-s takes seconds, got {}", s.display()))?;
            anyhow::ensure!(secs > 0.0, "--bound-s must be positive");
            Ok(Duration::from_secs_f64(secs))
        }
    }
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let runtime = tokio::runtime::Runtime::new()?;
    match args.first().map(String::as_str) {
        Some("serve") => {
            let dir = flag(&args, "--data-dir").ok_or_else(usage)?;
            runtime.block_on(server::serve(&dir))
        }
        Some("run") => {
            let dir = flag(&args, "--workload").ok_or_else(usage)?;
            let bounds = scenario::Bounds::with_sync(sync_bound(&args)?);
            let workload = workload::read(&dir)?;
            let report = runtime.block_on(scenario::run(&workload, bounds))?;
            let json = serde_json::to_string_pretty(&report)?;
            match flag(&args, "--out") {
                Some(out) => std::fs::write(&out, json + "\n")?,
                None => println!("{json}"),
            }
            eprintln!(
                "samod first sync: {}, reconnect: {}",
                report.first_sync.summary(),
                report.reconnect.summary()
            );
            if !(report.first_sync.is_done() && report.reconnect.is_done()) {
                eprintln!("samod-bench: not every sync finished (figures written); exit status 2");
                drop(runtime);
                std::process::exit(2);
            }
            Ok(())
        }
        _ => Err(usage()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn the_sync_bound_defaults_and_refuses_nonsense() {
        assert_eq!(sync_bound(&args(&["run"])).unwrap(), DEFAULT_SYNC_BOUND);
        assert_eq!(
            sync_bound(&args(&["run", "--bound-s", "2.5"])).unwrap(),
            Duration::from_millis(2500)
        );
        assert!(sync_bound(&args(&["run", "--bound-s", "soon"])).is_err());
        assert!(sync_bound(&args(&["run", "--bound-s", "0"])).is_err());
    }
}
