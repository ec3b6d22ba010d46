//! A small results table and process measurements read from /proc.

use std::time::Duration;

pub struct Row {
    pub figure: String,
    pub value: String,
    pub budget: String,
    pub pass: Option<bool>,
}

pub struct Table {
    pub title: String,
    pub rows: Vec<Row>,
}

impl Table {
    pub fn new(title: &str) -> Self {
        Table {
            title: title.into(),
            rows: Vec::new(),
        }
    }

    pub fn row(&mut self, figure: &str, value: String, budget: &str, pass: Option<bool>) {
        self.rows.push(Row {
            figure: figure.into(),
            value,
            budget: budget.into(),
            pass,
        });
    }

    pub fn print(&self) {
        println!("\n## {}\n", self.title);
        println!("| figure | measured | budget | result |");
        println!("|---|---|---|---|");
        for r in &self.rows {
            let verdict = match r.pass {
                Some(true) => "pass",
                Some(false) => "MISS",
                None => "-",
            };
            println!(
                "| {} | {} | {} | {} |",
                r.figure, r.value, r.budget, verdict
            );
        }
    }
}

pub fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

/// Peak resident set size of this process in MiB (Linux).
pub fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next()?.parse::<f64>().ok())
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}

pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}
