//! fieldsync benchmarks. Run in release: `cargo run --release -p fieldsync-bench -- <scenario>`.
//! Each scenario prints a table: figure, measured value, budget (DESIGN.md), pass/miss.
//! Nothing here asserts on time; the numbers are for people to read and compare.
//!
//! Scenarios that wait on servers are bounded ([`scenario::Scenario::bound`]): one that hangs
//! is printed as a result, its servers are killed, and the run exits with status 2.

mod bound;
mod floor;
mod growth;
mod http_bench;
mod hub_bench;
mod hub_load;
mod measure;
mod micro;
mod report;
mod scenario;
mod search_bench;
mod server_proc;
mod store_bench;
mod sync_bench;
mod tick_during_sync;
mod vs_samod;

use bound::{Outcome, within};
use report::Table;
use scenario::Scenario;

const USAGE: &str = "try wire, first-sync, reconnect, floor, briefcase, load [devices] [rounds] [--postgres URL] [--replicas N], vs-samod [--samod-json f | --samod-bin p] [--keep-workload d], growth [max-docs] [max-edits], store, search, micro, first-sync-in-process, hub-first-sync [--save f | --load f] [--rounds n], hub-load [engineers] [rounds] or all";

/// Run a networked scenario within its bound; a hang or failure becomes a one-row table.
async fn bounded(
    name: &str,
    scenario: Scenario,
    scale: usize,
    fut: impl Future<Output = anyhow::Result<Vec<Table>>>,
) -> Vec<Table> {
    let bound = scenario
        .bound(scale)
        .expect("networked scenarios have a bound");
    match within(name, bound, fut).await {
        Outcome::Done(tables) => tables,
        other => {
            let mut t = Table::new(name);
            t.row(
                "result",
                other.label().unwrap_or_default(),
                &format!("finishes within {} s", bound.as_secs()),
                Some(false),
            );
            vec![t]
        }
    }
}

fn main() -> anyhow::Result<()> {
    let runtime = tokio::runtime::Runtime::new()?;
    let name = std::env::args().nth(1).unwrap_or_else(|| "all".into());
    let Some(scenario) = Scenario::parse(&name) else {
        anyhow::bail!("unknown scenario {name:?}; {USAGE}");
    };
    let arg = |i: usize, default: usize| -> usize {
        std::env::args()
            .nth(i)
            .and_then(|a| a.parse().ok())
            .unwrap_or(default)
    };
    let rest: Vec<String> = std::env::args().skip(2).collect();
    let mut tables: Vec<Table> = Vec::new();
    let first_sync = || {
        bounded(
            "first-sync",
            Scenario::FirstSync,
            0,
            http_bench::first_sync_and_reconnect(),
        )
    };
    match scenario {
        Scenario::Store => {
            tables.push(store_bench::run()?);
            tables.push(tick_during_sync::run()?);
        }
        Scenario::Wire => tables.push(sync_bench::one_field_edit()?),
        Scenario::Micro => tables.push(micro::run()?),
        Scenario::Search => tables.push(search_bench::run()?),
        Scenario::Floor => tables.extend(floor::run()?),
        Scenario::FirstSyncInProcess => tables.push(sync_bench::first_sync_in_process()?),
        Scenario::HubFirstSync => tables.push(hub_bench::run(&rest)?),
        Scenario::HubLoad => tables.push(hub_load::run(arg(2, 20), arg(3, 3))?),
        Scenario::HubLoadMem => tables.push(hub_load::cache_memory()?),
        Scenario::FirstSync => tables.extend(runtime.block_on(first_sync())),
        Scenario::Briefcase => {
            tables.extend(runtime.block_on(bounded("briefcase", scenario, 0, async {
                Ok(vec![http_bench::briefcase().await?])
            })))
        }
        Scenario::Load => {
            // `load [devices] [rounds] [--postgres URL] [--replicas N]`
            let flag = |name: &str| {
                let i = rest.iter().position(|a| a == name)?;
                rest.get(i + 1).cloned()
            };
            let postgres = flag("--postgres");
            let replicas = flag("--replicas").and_then(|n| n.parse().ok()).unwrap_or(1);
            let (devices, rounds) = (arg(2, 200), arg(3, 3));
            tables.extend(
                runtime.block_on(bounded("load", scenario, devices * rounds, async {
                    let t =
                        http_bench::load_on(devices, rounds, postgres.as_deref(), replicas).await?;
                    Ok(vec![t])
                })),
            )
        }
        Scenario::VsSamod => {
            tables.extend(runtime.block_on(bounded("vs-samod", scenario, 0, async {
                vs_samod::run(&rest).await?;
                Ok(vec![])
            })))
        }
        Scenario::Growth => {
            tables.extend(runtime.block_on(bounded("growth", scenario, 0, async {
                growth::run(arg(2, 10_000), arg(3, 10_000)).await?;
                Ok(vec![])
            })))
        }
        Scenario::All => {
            tables.push(sync_bench::one_field_edit()?);
            tables.extend(floor::run()?);
            tables.extend(runtime.block_on(first_sync()));
            tables.extend(
                runtime.block_on(bounded("briefcase", Scenario::Briefcase, 0, async {
                    Ok(vec![http_bench::briefcase().await?])
                })),
            );
            tables.extend(
                runtime.block_on(bounded("load", Scenario::Load, 200 * 3, async {
                    Ok(vec![http_bench::load(200, 3).await?])
                })),
            );
            tables.push(store_bench::run()?);
            tables.push(tick_during_sync::run()?);
        }
    }
    for t in tables {
        t.print();
    }
    drop(runtime);
    match bound::exit_status() {
        0 => Ok(()),
        status => std::process::exit(status),
    }
}
