//! fieldsync benchmarks. Run in release: `cargo run --release -p fieldsync-bench -- <scenario>`.
//! Each scenario prints a table: figure, measured value, budget (DESIGN.md), pass/miss.
//! Nothing here asserts on time; the numbers are for people to read and compare.

mod micro;
mod report;
mod store_bench;
mod sync_bench;

use report::Table;

fn main() -> anyhow::Result<()> {
    let scenario = std::env::args().nth(1).unwrap_or_else(|| "all".into());
    let mut tables: Vec<Table> = Vec::new();
    match scenario.as_str() {
        "store" | "app" | "store-open" => tables.push(store_bench::run()?),
        "wire" => tables.push(sync_bench::one_field_edit()?),
        "micro" => tables.push(micro::run()?),
        "first-sync" => tables.push(sync_bench::first_sync_in_process()?),
        "all" => {
            tables.push(sync_bench::one_field_edit()?);
            tables.push(sync_bench::first_sync_in_process()?);
            tables.push(store_bench::run()?);
        }
        other => anyhow::bail!("unknown scenario {other:?}; try store, wire, first-sync or all"),
    }
    for t in tables {
        t.print();
    }
    Ok(())
}
