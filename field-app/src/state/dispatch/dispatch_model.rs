//! What the dispatch board knows, as the server sends it, and the pure arithmetic over it:
//! the unassigned queue and its order, an engineer's day in the board's time zone, free
//! slots between visits. No egui here, so it is tested without a window.

use chrono::{NaiveDate, TimeZone};
use chrono_tz::Tz;
use fieldsync::TimestampMs;
use fieldsync::sla::{SlaReport, SlaState};
use fieldsync::status::Status;
use serde::Deserialize;

/// One row of `GET /v1/work-orders` (the server's projection plus its SLA clocks).
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
pub struct BoardRow {
    pub doc_id: String,
    #[serde(default)]
    pub number: Option<String>,
    pub title: String,
    #[serde(default)]
    pub kind: String,
    pub status: String,
    #[serde(default)]
    pub priority: Option<String>,
    #[serde(default)]
    pub category: Option<String>,
    #[serde(default)]
    pub customer_id: Option<String>,
    #[serde(default)]
    pub site_id: Option<String>,
    #[serde(default)]
    pub assignees: Vec<String>,
    #[serde(default)]
    pub device_ids: Vec<String>,
    #[serde(default)]
    pub scheduled_start_ms: Option<TimestampMs>,
    #[serde(default)]
    pub scheduled_end_ms: Option<TimestampMs>,
    #[serde(default)]
    pub response_due_ms: Option<TimestampMs>,
    #[serde(default)]
    pub resolution_due_ms: Option<TimestampMs>,
    #[serde(default)]
    pub created_at_ms: TimestampMs,
    #[serde(default)]
    pub sla: Option<SlaReport>,
    #[serde(default)]
    pub caller_name: Option<String>,
    #[serde(default)]
    pub caller_phone: Option<String>,
}

impl BoardRow {
    pub fn status(&self) -> Option<Status> {
        Status::parse(&self.status)
    }

    /// Not completed, approved or cancelled (unknown statuses count as open: show, not hide).
    pub fn is_open(&self) -> bool {
        self.status().is_none_or(Status::is_open)
    }

    pub fn is_unassigned(&self) -> bool {
        self.is_open() && self.assignees.is_empty()
    }

    /// The worse of the two clocks (met only when both are), `None` without an SLA.
    pub fn sla_state(&self) -> Option<SlaState> {
        self.sla.as_ref().map(SlaReport::worst)
    }

    /// The due instant that matters next: response until it stopped, then resolution.
    pub fn next_due_ms(&self) -> Option<TimestampMs> {
        match &self.sla {
            Some(r) if r.response.stopped_at_ms.is_none() => Some(r.response.due_ms),
            Some(r) if r.resolution.stopped_at_ms.is_none() => Some(r.resolution.due_ms),
            Some(_) => None,
            None => self.response_due_ms.or(self.resolution_due_ms),
        }
    }

    /// "WO-2026-00012 · Printer jam".
    pub fn label(&self) -> String {
        match &self.number {
            Some(n) => format!("{n} · {}", self.title),
            None => self.title.clone(),
        }
    }

    /// The scheduled window, if it has a start (an open end counts as one hour).
    pub fn window(&self) -> Option<(TimestampMs, TimestampMs)> {
        let start = self.scheduled_start_ms?;
        let end = self
            .scheduled_end_ms
            .filter(|e| *e > start)
            .unwrap_or(start + HOUR_MS);
        Some((start, end))
    }
}

/// One engineer of `GET /v1/engineers`.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
pub struct Engineer {
    pub user_id: String,
    pub username: String,
    pub display_name: String,
    #[serde(default)]
    pub skills: Vec<String>,
    #[serde(default)]
    pub customers: Vec<String>,
    #[serde(default)]
    pub level: i64,
}

pub use super::suggestion::Suggestion;

/// One site of `GET /v1/sites`.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
pub struct SiteInfo {
    pub doc_id: String,
    pub name: String,
    pub customer_id: String,
    #[serde(default)]
    pub customer_name: String,
    #[serde(default)]
    pub address: String,
}

/// One device record of `GET /v1/devices`.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
pub struct DeviceInfo {
    pub doc_id: String,
    pub asset_tag: String,
    #[serde(default)]
    pub device_type: String,
    #[serde(default)]
    pub model: Option<String>,
    #[serde(default)]
    pub site_id: Option<String>,
    #[serde(default)]
    pub location: String,
}

impl DeviceInfo {
    /// "UPS-01 · Eaton 9PX · Server room".
    pub fn label(&self) -> String {
        let mut s = format!(
            "{} · {}",
            self.asset_tag,
            self.model.as_deref().unwrap_or(&self.device_type)
        );
        if !self.location.trim().is_empty() {
            s.push_str(" · ");
            s.push_str(self.location.trim());
        }
        s
    }
}

/// How the unassigned queue is ordered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum QueueSort {
    /// P1 first; within a priority the earliest SLA due.
    #[default]
    Priority,
    /// Earliest SLA due first (no SLA last); ties by priority.
    SlaDue,
}

pub const HOUR_MS: i64 = 3_600_000;
pub const MINUTE_MS: i64 = 60_000;

fn priority_rank(p: Option<&str>) -> u8 {
    match p {
        Some("P1") => 1,
        Some("P2") => 2,
        Some("P3") => 3,
        Some("P4") => 4,
        _ => 9,
    }
}

/// Open work nobody is assigned to, in the chosen order (oldest first on ties).
pub fn unassigned_queue(rows: &[BoardRow], sort: QueueSort) -> Vec<&BoardRow> {
    let mut q: Vec<&BoardRow> = rows.iter().filter(|r| r.is_unassigned()).collect();
    let due = |r: &BoardRow| r.next_due_ms().unwrap_or(TimestampMs::MAX);
    let prio = |r: &BoardRow| priority_rank(r.priority.as_deref());
    q.sort_by(|a, b| {
        let first = match sort {
            QueueSort::Priority => prio(a).cmp(&prio(b)).then(due(a).cmp(&due(b))),
            QueueSort::SlaDue => due(a).cmp(&due(b)).then(prio(a).cmp(&prio(b))),
        };
        first.then(a.created_at_ms.cmp(&b.created_at_ms))
    });
    q
}

/// Local midnight of `day` to the next local midnight, in ms (DST days are 23 or 25 h).
pub fn day_bounds(tz: Tz, day: NaiveDate) -> (TimestampMs, TimestampMs) {
    let at = |d: NaiveDate| {
        tz.from_local_datetime(&d.and_time(chrono::NaiveTime::MIN))
            .earliest()
            .map_or(0, |t| t.timestamp_millis())
    };
    (at(day), at(day.succ_opt().unwrap_or(day)))
}

/// The local date of an instant.
pub fn local_date(tz: Tz, ms: TimestampMs) -> NaiveDate {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.with_timezone(&tz).date_naive())
        .unwrap_or_default()
}

/// Local `HH:MM` of an instant.
pub fn local_hm(tz: Tz, ms: TimestampMs) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.with_timezone(&tz).format("%H:%M").to_string())
        .unwrap_or_else(|| "?".into())
}

/// Local "Wed 18 Nov 14:30" of an instant.
pub fn local_day_hm(tz: Tz, ms: TimestampMs) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| {
            fieldsync_i18n::time::date_time(
                fieldsync_i18n::current(),
                &t.with_timezone(&tz).naive_local(),
            )
        })
        .unwrap_or_else(|| "?".into())
}

/// The label of `tz` at an instant: "CST" / "北京时间".
pub fn zone_label(tz: Tz, ms: TimestampMs) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| fieldsync_i18n::time::zone_label(fieldsync_i18n::current(), tz, &t))
        .unwrap_or_default()
}

/// Local "14:30 CST" of an instant: the time with its zone's label.
pub fn zoned_hm(tz: Tz, ms: TimestampMs) -> String {
    format!("{} {}", local_hm(tz, ms), zone_label(tz, ms))
}

/// Local "Wed 18 Nov 14:30 CST" of an instant.
pub fn zoned_day_hm(tz: Tz, ms: TimestampMs) -> String {
    crate::format::time_in(ms, crate::format::Zone::Site(tz))
}

/// The instant of local `hour:minute` on `day`.
pub fn local_time(tz: Tz, day: NaiveDate, minutes: u32) -> TimestampMs {
    let (start, _) = day_bounds(tz, day);
    // Walking from midnight in wall minutes is right except across a DST jump, where the
    // jump's hour does not exist; chrono resolves the local time directly instead.
    let local =
        day.and_time(chrono::NaiveTime::MIN) + chrono::Duration::minutes(i64::from(minutes));
    tz.from_local_datetime(&local)
        .earliest()
        .map_or(start + i64::from(minutes) * MINUTE_MS, |t| {
            t.timestamp_millis()
        })
}

/// One engineer's work on one day: scheduled visits overlapping the day (by start), and
/// open work assigned to them without a slot.
#[derive(Debug, Default, PartialEq)]
pub struct EngineerDay<'a> {
    pub blocks: Vec<&'a BoardRow>,
    pub unscheduled: Vec<&'a BoardRow>,
}

pub fn engineer_day<'a>(
    rows: &'a [BoardRow],
    user_id: &str,
    tz: Tz,
    day: NaiveDate,
) -> EngineerDay<'a> {
    let (from, to) = day_bounds(tz, day);
    let mut out = EngineerDay::default();
    for r in rows {
        if !r.assignees.iter().any(|a| a == user_id) || r.status() == Some(Status::Cancelled) {
            continue;
        }
        match r.window() {
            Some((a, b)) if a < to && b > from => out.blocks.push(r),
            Some(_) => {}
            None if r.is_open() => out.unscheduled.push(r),
            None => {}
        }
    }
    out.blocks.sort_by_key(|r| r.scheduled_start_ms);
    out.unscheduled
        .sort_by_key(|r| (priority_rank(r.priority.as_deref()), r.created_at_ms));
    out
}

/// Gaps of at least `min_ms` in `[from, to)` that no busy window covers.
pub fn free_slots(
    busy: &[(TimestampMs, TimestampMs)],
    from: TimestampMs,
    to: TimestampMs,
    min_ms: i64,
) -> Vec<(TimestampMs, TimestampMs)> {
    let mut busy: Vec<_> = busy.iter().copied().filter(|(a, b)| b > a).collect();
    busy.sort();
    let mut out = Vec::new();
    let mut cursor = from;
    for (a, b) in busy {
        if a > cursor && a.min(to) - cursor >= min_ms {
            out.push((cursor, a.min(to)));
        }
        cursor = cursor.max(b);
        if cursor >= to {
            return out;
        }
    }
    if to - cursor >= min_ms {
        out.push((cursor, to));
    }
    out
}

/// The board's working day for slots: 08:00–18:00 local.
pub const WORKDAY_MINUTES: (u32, u32) = (8 * 60, 18 * 60);

/// Slots offered to the dispatcher for `user_id` on `day`, in the working day's free gaps
/// long enough for `duration_ms`, not in the past: each gap's first quarter hour, then every
/// full hour that still fits (one slot per gap left a free day with only 08:00 to pick).
pub fn offered_slots(
    rows: &[BoardRow],
    user_id: &str,
    tz: Tz,
    day: NaiveDate,
    duration_ms: i64,
    now: TimestampMs,
) -> Vec<(TimestampMs, TimestampMs)> {
    let d = engineer_day(rows, user_id, tz, day);
    let busy: Vec<_> = d
        .blocks
        .iter()
        .filter(|r| r.is_open())
        .filter_map(|r| r.window())
        .collect();
    let from = local_time(tz, day, WORKDAY_MINUTES.0);
    let to = local_time(tz, day, WORKDAY_MINUTES.1);
    let quarter = 15 * MINUTE_MS;
    let earliest = now.max(from);
    let earliest = from + (earliest - from + quarter - 1).div_euclid(quarter) * quarter;
    let mut out = Vec::new();
    for (a, b) in free_slots(&busy, earliest.max(from), to, duration_ms) {
        let mut start = a;
        while start + duration_ms <= b {
            out.push((start, start + duration_ms));
            // The next full hour of the working day (which starts on one).
            start = from + ((start - from) / HOUR_MS + 1) * HOUR_MS;
        }
    }
    out
}

/// The hours a day's timeline shows: 07–19, widened to hold every block.
pub fn timeline_hours(blocks: &[(TimestampMs, TimestampMs)], tz: Tz, day: NaiveDate) -> (u32, u32) {
    let (day_start, day_end) = day_bounds(tz, day);
    let (mut first, mut last) = (7u32, 19u32);
    for &(a, b) in blocks {
        let a = a.clamp(day_start, day_end);
        let b = b.clamp(day_start, day_end);
        let h = |ms: TimestampMs| u32::try_from((ms - day_start) / HOUR_MS).unwrap_or(0);
        first = first.min(h(a));
        last = last.max(h(b - 1) + 1);
    }
    (first, last.min(24))
}

/// The zone the board shows times in: the one most contracts use (dispatchers serve
/// customers in one region), else UTC.
pub fn board_zone<'a>(zones: impl IntoIterator<Item = &'a str>) -> Tz {
    let mut count: std::collections::BTreeMap<&str, usize> = Default::default();
    for z in zones {
        *count.entry(z).or_default() += 1;
    }
    count
        .into_iter()
        .max_by_key(|(_, n)| *n)
        .and_then(|(z, _)| z.parse().ok())
        .unwrap_or(chrono_tz::UTC)
}

/// Plain words for an SLA state.
pub fn sla_word(s: Option<SlaState>) -> String {
    use fieldsync_i18n::t;
    match s {
        Some(SlaState::OnTrack) => t!("board-sla-on-track"),
        Some(SlaState::AtRisk) => t!("board-sla-at-risk"),
        Some(SlaState::Breached) => t!("board-sla-breached"),
        Some(SlaState::Met) => t!("board-sla-met"),
        None => t!("board-no-sla"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use fieldsync::sla::ClockReport;

    const TZ: Tz = chrono_tz::Asia::Shanghai;

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 18).unwrap()
    }

    fn at(h: u32, m: u32) -> TimestampMs {
        local_time(TZ, day(), h * 60 + m)
    }

    fn row(id: &str, priority: Option<&str>, due: Option<TimestampMs>) -> BoardRow {
        BoardRow {
            doc_id: id.into(),
            title: id.into(),
            status: "new".into(),
            priority: priority.map(Into::into),
            response_due_ms: due,
            ..Default::default()
        }
    }

    fn clock(state: SlaState, due: TimestampMs, stopped: Option<TimestampMs>) -> ClockReport {
        ClockReport {
            state,
            target_ms: HOUR_MS,
            due_ms: due,
            stopped_at_ms: stopped,
            elapsed_ms: 0,
            remaining_ms: HOUR_MS,
            paused_ms: 0,
        }
    }

    #[test]
    fn queue_orders_by_priority_or_due_and_skips_assigned_and_closed() {
        let mut rows = vec![
            row("p3-early", Some("P3"), Some(at(9, 0))),
            row("p1-late", Some("P1"), Some(at(15, 0))),
            row("p1-early", Some("P1"), Some(at(10, 0))),
            row("none", None, None),
        ];
        let mut assigned = row("assigned", Some("P1"), Some(at(8, 0)));
        assigned.assignees = vec!["u1".into()];
        let mut done = row("done", Some("P1"), Some(at(8, 0)));
        done.status = "completed".into();
        rows.extend([assigned, done]);
        let ids = |q: Vec<&BoardRow>| q.iter().map(|r| r.doc_id.clone()).collect::<Vec<_>>();
        assert_eq!(
            ids(unassigned_queue(&rows, QueueSort::Priority)),
            ["p1-early", "p1-late", "p3-early", "none"]
        );
        assert_eq!(
            ids(unassigned_queue(&rows, QueueSort::SlaDue)),
            ["p3-early", "p1-early", "p1-late", "none"]
        );
    }

    #[test]
    fn next_due_follows_the_running_clock() {
        let mut r = row("x", Some("P2"), Some(at(9, 0)));
        assert_eq!(r.next_due_ms(), Some(at(9, 0)));
        r.sla = Some(SlaReport {
            priority: "P2".into(),
            response: clock(SlaState::Met, at(10, 0), Some(at(9, 30))),
            resolution: clock(SlaState::AtRisk, at(12, 0), None),
            paused: false,
            warnings: vec![],
        });
        assert_eq!(r.next_due_ms(), Some(at(12, 0)));
        assert_eq!(r.sla_state(), Some(SlaState::AtRisk));
        assert_eq!(sla_word(r.sla_state()), "at risk");
    }

    #[test]
    fn engineer_day_splits_scheduled_and_unscheduled_work() {
        let mut visit = row("visit", Some("P4"), None);
        visit.assignees = vec!["u1".into()];
        visit.scheduled_start_ms = Some(at(9, 0));
        visit.scheduled_end_ms = Some(at(12, 0));
        let mut tomorrow = visit.clone();
        tomorrow.doc_id = "tomorrow".into();
        tomorrow.scheduled_start_ms = Some(at(9, 0) + 24 * HOUR_MS);
        tomorrow.scheduled_end_ms = Some(at(10, 0) + 24 * HOUR_MS);
        let mut asap = row("asap", Some("P1"), None);
        asap.assignees = vec!["u1".into()];
        let mut other = asap.clone();
        other.doc_id = "other".into();
        other.assignees = vec!["u2".into()];
        let rows = vec![visit, tomorrow, asap, other];
        let d = engineer_day(&rows, "u1", TZ, day());
        assert_eq!(d.blocks.len(), 1);
        assert_eq!(d.blocks[0].doc_id, "visit");
        assert_eq!(d.unscheduled.len(), 1);
        assert_eq!(d.unscheduled[0].doc_id, "asap");
        // Slots of one hour around the 09:00–12:00 visit, from 08:00, not in the past.
        let slots = offered_slots(&rows, "u1", TZ, day(), HOUR_MS, at(7, 0));
        assert_eq!(slots.first(), Some(&(at(8, 0), at(9, 0))));
        assert_eq!(slots.get(1), Some(&(at(12, 0), at(13, 0))));
        let slots = offered_slots(&rows, "u1", TZ, day(), HOUR_MS, at(12, 50));
        assert_eq!(slots.first(), Some(&(at(13, 0), at(14, 0))));
        // The afternoon's gap offers every hour up to the end of the working day.
        assert_eq!(slots.last(), Some(&(at(17, 0), at(18, 0))));
        assert_eq!(slots.len(), 5);
        // A gap starting on a quarter hour offers it, then the full hours.
        let slots = offered_slots(&rows, "u1", TZ, day(), HOUR_MS, at(13, 10));
        assert_eq!(
            slots[..2],
            [(at(13, 15), at(14, 15)), (at(14, 0), at(15, 0))]
        );
        // Long visits still fit the gap: 3 h from 15:00 is the last.
        let slots = offered_slots(&rows, "u1", TZ, day(), 3 * HOUR_MS, at(12, 50));
        assert_eq!(slots.last(), Some(&(at(15, 0), at(18, 0))));
        assert_eq!(
            timeline_hours(&[(at(6, 30), at(20, 10))], TZ, day()),
            (6, 21)
        );
        assert_eq!(timeline_hours(&[], TZ, day()), (7, 19));
    }

    #[test]
    fn free_slots_between_visits() {
        let h = HOUR_MS;
        assert_eq!(
            free_slots(&[(2 * h, 3 * h), (5 * h, 6 * h)], 0, 8 * h, h),
            vec![(0, 2 * h), (3 * h, 5 * h), (6 * h, 8 * h)]
        );
        // Overlapping and too-short gaps.
        assert_eq!(
            free_slots(
                &[(h, 4 * h), (2 * h, 3 * h), (4 * h + 60_000, 7 * h)],
                0,
                8 * h,
                h
            ),
            vec![(0, h), (7 * h, 8 * h)]
        );
        assert!(free_slots(&[(0, 10 * h)], h, 8 * h, 1).is_empty());
    }

    #[test]
    fn days_follow_the_zone_including_dst() {
        let berlin: Tz = "Europe/Berlin".parse().unwrap();
        let dst_end = NaiveDate::from_ymd_opt(2026, 10, 25).unwrap();
        let (a, b) = day_bounds(berlin, dst_end);
        assert_eq!(b - a, 25 * HOUR_MS);
        assert_eq!(
            local_hm(berlin, local_time(berlin, dst_end, 9 * 60)),
            "09:00"
        );
        assert_eq!(board_zone(["Asia/Shanghai", "UTC", "Asia/Shanghai"]), TZ);
        assert_eq!(board_zone([]), chrono_tz::UTC);
        assert_eq!(local_date(TZ, at(23, 59)), day());
    }
}
