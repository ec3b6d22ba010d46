//! Reporting periods: calendar months (`2026-11`), quarters (`2026-Q4`) and years (`2026`, the
//! yearly task-completion table only) of the customer's
//! local calendar: for an Asia/Shanghai customer November starts at 1 November 00:00 in
//! Shanghai (31 October 16:00 UTC).

use chrono::{Datelike, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use fieldsync::TimestampMs;
use serde::Serialize;

/// A calendar month or quarter (its instants depend on the time zone: [`Period::range_in`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    Month {
        year: i32,
        month: u32,
    },
    Quarter {
        year: i32,
        quarter: u32,
    },
    /// A calendar year: the yearly 维护工作任务完成记录汇总表 (not a KPI summary period).
    Year {
        year: i32,
    },
}

impl Period {
    /// Parse `YYYY-MM`, `YYYY-Qn` or `YYYY`.
    pub fn parse(s: &str) -> Result<Period, String> {
        let bad = || format!("period {s:?} is neither YYYY-MM nor YYYY-Qn nor YYYY");
        if s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit()) {
            let year = s.parse().map_err(|_| bad())?;
            return Ok(Period::Year { year });
        }
        let (y, rest) = s.split_once('-').ok_or_else(bad)?;
        if y.len() != 4 {
            return Err(bad());
        }
        let year: i32 = y.parse().map_err(|_| bad())?;
        if let Some(q) = rest.strip_prefix('Q').or_else(|| rest.strip_prefix('q')) {
            let quarter: u32 = q.parse().map_err(|_| bad())?;
            if q.len() != 1 || !(1..=4).contains(&quarter) {
                return Err(bad());
            }
            return Ok(Period::Quarter { year, quarter });
        }
        let month: u32 = rest.parse().map_err(|_| bad())?;
        if rest.len() != 2 || !(1..=12).contains(&month) {
            return Err(bad());
        }
        Ok(Period::Month { year, month })
    }

    /// The month containing `ms` in UTC.
    pub fn month_of(ms: TimestampMs) -> Period {
        Self::month_of_in(ms, Tz::UTC)
    }

    /// The month containing `ms` on the local calendar of `tz`.
    pub fn month_of_in(ms: TimestampMs, tz: Tz) -> Period {
        let t = Utc
            .timestamp_millis_opt(ms)
            .single()
            .unwrap_or_default()
            .with_timezone(&tz);
        Period::Month {
            year: t.year(),
            month: t.month(),
        }
    }

    /// The quarter containing `ms` in UTC.
    pub fn quarter_of(ms: TimestampMs) -> Period {
        match Self::month_of(ms) {
            Period::Month { year, month } => Period::Quarter {
                year,
                quarter: (month - 1) / 3 + 1,
            },
            q => q,
        }
    }

    pub fn is_quarter(self) -> bool {
        matches!(self, Period::Quarter { .. })
    }

    /// `month`, `quarter` or `year`: what a query parameter names.
    pub fn kind(self) -> &'static str {
        match self {
            Period::Month { .. } => "month",
            Period::Quarter { .. } => "quarter",
            Period::Year { .. } => "year",
        }
    }

    /// Year and first month, and the length in months.
    fn span(self) -> (i32, u32, u32) {
        match self {
            Period::Month { year, month } => (year, month, 1),
            Period::Quarter { year, quarter } => (year, (quarter - 1) * 3 + 1, 3),
            Period::Year { year } => (year, 1, 12),
        }
    }

    /// The period `n` periods later (negative: earlier).
    pub fn shift(self, n: i32) -> Period {
        match self {
            Period::Month { year, month } => {
                let idx = year * 12 + month as i32 - 1 + n;
                Period::Month {
                    year: idx.div_euclid(12),
                    month: idx.rem_euclid(12) as u32 + 1,
                }
            }
            Period::Quarter { year, quarter } => {
                let idx = year * 4 + quarter as i32 - 1 + n;
                Period::Quarter {
                    year: idx.div_euclid(4),
                    quarter: idx.rem_euclid(4) as u32 + 1,
                }
            }
            Period::Year { year } => Period::Year { year: year + n },
        }
    }

    pub fn previous(self) -> Period {
        self.shift(-1)
    }

    /// `[start, end)` in milliseconds, UTC months.
    pub fn range_ms(self) -> (TimestampMs, TimestampMs) {
        self.range_in(Tz::UTC)
    }

    /// `[start, end)` in milliseconds: from local midnight of the first day to local midnight
    /// of the first day after, in `tz`.
    pub fn range_in(self, tz: Tz) -> (TimestampMs, TimestampMs) {
        let (year, month, len) = self.span();
        let start = month_start_ms(year, month, tz);
        let end_idx = year * 12 + (month + len) as i32 - 1;
        let end = month_start_ms(
            end_idx.div_euclid(12),
            end_idx.rem_euclid(12) as u32 + 1,
            tz,
        );
        (start, end)
    }

    /// The months of this period, in order (a month is its own only month).
    pub fn months(self) -> Vec<Period> {
        let (year, month, len) = self.span();
        let first = Period::Month { year, month };
        (0..len as i32).map(|i| first.shift(i)).collect()
    }

    /// This period and the `n - 1` before it, oldest first.
    pub fn trailing(self, n: usize) -> Vec<Period> {
        (0..n as i32).rev().map(|i| self.shift(-i)).collect()
    }

    /// `2026-11`, `2026-Q4` or `2026`.
    pub fn label(self) -> String {
        match self {
            Period::Month { year, month } => format!("{year:04}-{month:02}"),
            Period::Quarter { year, quarter } => format!("{year:04}-Q{quarter}"),
            Period::Year { year } => format!("{year:04}"),
        }
    }
}

/// Local midnight of the month's first day (the first instant of that day should midnight
/// not exist in a DST gap).
fn month_start_ms(year: i32, month: u32, tz: Tz) -> TimestampMs {
    NaiveDate::from_ymd_opt(year, month, 1)
        .map(|d| fieldsync::sla::local_instant(tz, d, 0))
        .unwrap_or(0)
}
