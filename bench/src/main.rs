//! fieldsync benchmarks. Run in release: `cargo run --release -p fieldsync-bench -- <scenario>`.
//! Each scenario prints a table: figure, measured value, budget (DESIGN.md), pass/miss.
//! Nothing here asserts on time; the numbers are for people to read and compare.

mod growth;
mod http_bench;
mod hub_bench;
mod hub_load;
mod measure;
mod micro;
mod report;
mod search_bench;
mod server_proc;
mod store_bench;
mod sync_bench;
mod vs_samod;

use report::Table;

fn main() -> anyhow::Result<()> {
    let runtime = tokio::runtime::Runtime::new()?;
    let scenario = std::env::args().nth(1).unwrap_or_else(|| "all".into());
    let arg = |i: usize, default: usize| -> usize {
        std::env::args()
            .nth(i)
            .and_then(|a| a.parse().ok())
            .unwrap_or(default)
    };
    let mut tables: Vec<Table> = Vec::new();
    match scenario.as_str() {
        "store" | "app" | "store-open" => tables.push(store_bench::run()?),
        "wire" => tables.push(sync_bench::one_field_edit()?),
        "micro" => tables.push(micro::run()?),
        "search" => tables.push(search_bench::run()?),
        "first-sync-in-process" => tables.push(sync_bench::first_sync_in_process()?),
        "hub-first-sync" => {
            let rest: Vec<String> = std::env::args().skip(2).collect();
            tables.push(hub_bench::run(&rest)?)
        }
        "hub-load" => tables.push(hub_load::run(arg(2, 20), arg(3, 3))?),
        "hub-load-mem" => tables.push(hub_load::cache_memory()?),
        "first-sync" | "reconnect" => {
            tables.extend(runtime.block_on(http_bench::first_sync_and_reconnect())?)
        }
        "briefcase" => tables.push(runtime.block_on(http_bench::briefcase())?),
        "load" => {
            // `load [devices] [rounds] [--postgres URL] [--replicas N]`
            let flag = |name: &str| {
                let args: Vec<String> = std::env::args().collect();
                let i = args.iter().position(|a| a == name)?;
                args.get(i + 1).cloned()
            };
            let postgres = flag("--postgres");
            let replicas = flag("--replicas").and_then(|n| n.parse().ok()).unwrap_or(1);
            tables.push(runtime.block_on(http_bench::load_on(
                arg(2, 200),
                arg(3, 3),
                postgres.as_deref(),
                replicas,
            ))?)
        }
        "vs-samod" => {
            let rest: Vec<String> = std::env::args().skip(2).collect();
            runtime.block_on(vs_samod::run(&rest))?
        }
        "growth" => runtime.block_on(growth::run(arg(2, 10_000), arg(3, 10_000)))?,
        "all" => {
            tables.push(sync_bench::one_field_edit()?);
            tables.extend(runtime.block_on(http_bench::first_sync_and_reconnect())?);
            tables.push(runtime.block_on(http_bench::briefcase())?);
            tables.push(runtime.block_on(http_bench::load(200, 3))?);
            tables.push(store_bench::run()?);
        }
        other => anyhow::bail!(
            "unknown scenario {other:?}; try wire, first-sync, reconnect, briefcase, load [devices] [rounds] [--postgres URL] [--replicas N], vs-samod [--samod-json f | --samod-bin p] [--keep-workload d], growth [max-docs] [max-edits], store, search, micro, first-sync-in-process, hub-first-sync [--save f | --load f] [--rounds n], hub-load [engineers] [rounds] or all"
        ),
    }
    for t in tables {
        t.print();
    }
    Ok(())
}
