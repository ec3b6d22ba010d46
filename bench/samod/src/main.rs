//! The fieldsync first-sync and reconnect workload against samod 0.16, for a side-by-side
//! table in `fieldsync-bench vs-samod`. A package of its own so CI never builds samod.
//!
//! `samod-bench run --workload <dir> [--out <file.json>]` measures and writes figures as JSON
//! (stdout without `--out`); `samod-bench serve --data-dir <dir>` is the server child process.

mod scenario;
mod server;
mod wire_proxy;
mod workload;

use std::path::PathBuf;

fn usage() -> anyhow::Error {
    anyhow::anyhow!(
        "usage: samod-bench run --workload <dir> [--out <file.json>] | samod-bench serve --data-dir <dir>"
    )
}

/// The value after `--name`, if given.
fn flag(args: &[String], name: &str) -> Option<PathBuf> {
    let i = args.iter().position(|a| a == name)?;
    args.get(i + 1).map(PathBuf::from)
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
            let workload = workload::read(&dir)?;
            let report = runtime.block_on(scenario::run(&workload))?;
            let json = serde_json::to_string_pretty(&report)?;
            match flag(&args, "--out") {
                Some(out) => std::fs::write(&out, json + "\n")?,
                None => println!("{json}"),
            }
            eprintln!(
                "samod first sync: {:.0} ms, reconnect: {:.0} ms",
                report.first_sync.wall_ms, report.reconnect.wall_ms
            );
            Ok(())
        }
        _ => Err(usage()),
    }
}
