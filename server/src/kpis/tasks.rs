//! The maintenance task-completion table of the service scheme (季度维护工作任务完成记录汇总表;
//! over a year the 维护工作任务完成记录汇总表): every task of a customer in a period — the work
//! orders counted in it as the summary counts them (incidents by their call, planned work by
//! its window) and the plan occurrences whose work order never reached the hub — with what was
//! planned, when it was done, by whom, and an outcome ([`TaskOutcome`]); then the counts by
//! site and by engineer. "On time" is not decided here: planned work is classified by the
//! inspection adherence rule ([`crate::plans::adherence::standing`]), incidents by the SLA
//! engine's resolution verdict, both exactly as the summary's figures use them.

use super::{Records, Sample, pct};
use crate::plans::adherence::{Standing, standing};
use fieldsync::TimestampMs;
use fieldsync::sla::SlaState;
use fieldsync::status::Status;
use serde::Serialize;
use std::collections::{BTreeMap, HashSet};

use super::Period;

/// How one task ended up, as of when the table is made. Closed: every task has exactly one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskOutcome {
    /// Completed (or approved) by its deadline: planned work by the end of its window, an
    /// incident within the SLA resolution clock.
    DoneOnTime,
    /// Completed after its deadline.
    DoneLate,
    /// Completed, with no deadline to judge it by (an incident without an SLA verdict — no
    /// contract or target —, or planned work without a window).
    Done,
    /// Not completed and its deadline is over (window ended; resolution clock breached), or
    /// a plan occurrence whose work order never reached the hub and whose window is over.
    NotDone,
    /// Not completed and its deadline not over yet (or no deadline).
    Open,
    /// Cancelled: not planned any more, not counted.
    Cancelled,
}

impl TaskOutcome {
    pub const ALL: [TaskOutcome; 6] = [
        TaskOutcome::DoneOnTime,
        TaskOutcome::DoneLate,
        TaskOutcome::Done,
        TaskOutcome::NotDone,
        TaskOutcome::Open,
        TaskOutcome::Cancelled,
    ];

    /// The stable code (JSON, CSV's code column, translation ids `tasks-outcome-<code>`).
    pub fn as_str(self) -> &'static str {
        match self {
            TaskOutcome::DoneOnTime => "done_on_time",
            TaskOutcome::DoneLate => "done_late",
            TaskOutcome::Done => "done",
            TaskOutcome::NotDone => "not_done",
            TaskOutcome::Open => "open",
            TaskOutcome::Cancelled => "cancelled",
        }
    }

    /// Planned work with a window: the adherence rule's standing, word for word.
    fn of_standing(s: Standing) -> TaskOutcome {
        match s {
            Standing::Cancelled => TaskOutcome::Cancelled,
            Standing::OnTime => TaskOutcome::DoneOnTime,
            Standing::Late => TaskOutcome::DoneLate,
            Standing::Missed => TaskOutcome::NotDone,
            Standing::Open => TaskOutcome::Open,
        }
    }

    /// A task whose deadline is the SLA engine's resolution clock (`None`: no verdict).
    fn of_clock(cancelled: bool, done: bool, clock: Option<SlaState>) -> TaskOutcome {
        match (cancelled, done, clock) {
            (true, _, _) => TaskOutcome::Cancelled,
            (false, true, Some(SlaState::Met)) => TaskOutcome::DoneOnTime,
            (false, true, Some(SlaState::Breached)) => TaskOutcome::DoneLate,
            (false, true, _) => TaskOutcome::Done,
            (false, false, Some(SlaState::Breached)) => TaskOutcome::NotDone,
            (false, false, _) => TaskOutcome::Open,
        }
    }
}

/// One row of the table.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Task {
    /// The work order's document id.
    pub work_order_id: String,
    pub number: Option<String>,
    pub title: String,
    /// `incident`, `inspection`, `maintenance`, `change`.
    pub kind: String,
    /// The site's name (its id when the site record is unknown); `None`: no site.
    pub site: Option<String>,
    /// The zone the times are shown in: the site's, else the customer's.
    pub time_zone: String,
    /// Planned work: the window's start; an incident: the call; unscheduled work: creation.
    pub planned_from_ms: TimestampMs,
    /// Planned work: the window's end; an incident: the resolution due time (SLA engine).
    pub planned_to_ms: Option<TimestampMs>,
    /// Completion (the final one, after a send-back), when completed or approved.
    pub done_at_ms: Option<TimestampMs>,
    /// Display names of the assigned engineers.
    pub engineers: Vec<String>,
    /// The work order's status (`None`: no work order reached the hub).
    pub status: Option<String>,
    pub outcome: TaskOutcome,
}

/// Planned vs done of a group of tasks.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct TaskCounts {
    /// Tasks not cancelled.
    pub planned: u64,
    /// done on time + done late + done.
    pub done: u64,
    pub on_time: u64,
    pub late: u64,
    pub not_done: u64,
    pub open: u64,
    pub cancelled: u64,
    /// done ÷ planned × 100.
    pub completion_pct: Option<f64>,
    /// on time ÷ (on time + late + not done) × 100: the adherence rate's formula.
    pub on_time_pct: Option<f64>,
}

impl TaskCounts {
    fn add(&mut self, o: TaskOutcome) {
        match o {
            TaskOutcome::DoneOnTime => self.on_time += 1,
            TaskOutcome::DoneLate => self.late += 1,
            TaskOutcome::NotDone => self.not_done += 1,
            TaskOutcome::Open => self.open += 1,
            TaskOutcome::Cancelled => self.cancelled += 1,
            TaskOutcome::Done => {}
        }
        if o != TaskOutcome::Cancelled {
            self.planned += 1;
        }
        if matches!(
            o,
            TaskOutcome::DoneOnTime | TaskOutcome::DoneLate | TaskOutcome::Done
        ) {
            self.done += 1;
        }
        self.completion_pct = pct(self.done, self.planned);
        self.on_time_pct = pct(self.on_time, self.on_time + self.late + self.not_done);
    }

    fn of<'a>(tasks: impl Iterator<Item = &'a Task>) -> TaskCounts {
        let mut c = TaskCounts::default();
        for t in tasks {
            c.add(t.outcome);
        }
        c
    }
}

/// The counts of one site or one engineer (`name` empty: no site / nobody assigned).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GroupCounts {
    pub name: String,
    #[serde(flatten)]
    pub counts: TaskCounts,
}

#[derive(Clone, Debug, Serialize)]
pub struct TaskTable {
    pub customer: String,
    /// As the customer's sites name it (filled by the handler).
    pub customer_name: Option<String>,
    /// `2026-Q4`, `2026` or `2026-11`.
    pub period: String,
    /// `quarter`, `year` or `month`.
    pub period_kind: &'static str,
    /// The customer's zone, whose calendar draws the period.
    pub time_zone: String,
    /// In planned order.
    pub tasks: Vec<Task>,
    pub total: TaskCounts,
    /// One group per site (each task in exactly one), by name.
    pub by_site: Vec<GroupCounts>,
    /// One group per engineer (a task with two engineers counts for both; unassigned tasks
    /// under the empty name), by name.
    pub by_engineer: Vec<GroupCounts>,
    /// The projection returned its row limit somewhere: tasks may be missing.
    pub truncated: bool,
    pub generated_at_ms: TimestampMs,
}

/// The table of `customer` for `period` from `records` ([`super::gather_periods`]), as of
/// `now`.
pub fn table(customer: &str, records: &Records, period: Period, now: TimestampMs) -> TaskTable {
    let customer_zone = records.zone();
    let (from, to) = period.range_in(customer_zone);
    let zone_of = |site: Option<&String>| {
        site.and_then(|id| records.sites.get(id))
            .and_then(|s| s.time_zone.clone())
            .unwrap_or_else(|| customer_zone.name().to_owned())
    };
    let mut tasks: Vec<Task> = records
        .work_orders
        .iter()
        .filter(|s| (from..to).contains(&s.counted_at_ms()))
        .map(|s| Task {
            site: s.site_id.as_ref().map(|id| {
                records
                    .sites
                    .get(id)
                    .map_or_else(|| id.clone(), |site| site.name.clone())
            }),
            time_zone: zone_of(s.site_id.as_ref()),
            ..task_of(s, now)
        })
        .collect();
    // Occurrences the adherence figure counts whose work order the hub has not got.
    let known: HashSet<&str> = records.work_orders.iter().map(|s| s.id.as_str()).collect();
    for o in records.inspections.iter().flatten() {
        if (from..to).contains(&o.start_ms) && !known.contains(o.doc_id.as_str()) {
            tasks.push(Task {
                work_order_id: o.doc_id.clone(),
                number: None,
                title: String::new(),
                kind: "inspection".into(),
                site: None,
                time_zone: customer_zone.name().to_owned(),
                planned_from_ms: o.start_ms,
                planned_to_ms: Some(o.end_ms),
                done_at_ms: None,
                engineers: Vec::new(),
                status: o.status.clone(),
                outcome: TaskOutcome::of_standing(standing(
                    o.status.as_deref(),
                    o.completed_at_ms,
                    o.end_ms,
                    now,
                )),
            });
        }
    }
    tasks.sort_by(|a, b| {
        (a.planned_from_ms, &a.number, &a.work_order_id).cmp(&(
            b.planned_from_ms,
            &b.number,
            &b.work_order_id,
        ))
    });
    TaskTable {
        customer: customer.to_owned(),
        customer_name: None,
        period: period.label(),
        period_kind: period.kind(),
        time_zone: customer_zone.name().to_owned(),
        total: TaskCounts::of(tasks.iter()),
        by_site: groups(&tasks, |t| vec![t.site.clone().unwrap_or_default()]),
        by_engineer: groups(&tasks, |t| {
            if t.engineers.is_empty() {
                vec![String::new()]
            } else {
                t.engineers.clone()
            }
        }),
        tasks,
        truncated: records.truncated,
        generated_at_ms: now,
    }
}

/// One work order as a task (site name and zone filled by the caller).
fn task_of(s: &Sample, now: TimestampMs) -> Task {
    let cancelled = s.status == Status::Cancelled.as_str();
    let incident = s.kind == "incident";
    let window = match (incident, s.scheduled_start_ms) {
        (false, Some(start)) => Some((start, s.scheduled_end_ms)),
        _ => None,
    };
    let (planned_from_ms, planned_to_ms, outcome) = match window {
        Some((start, Some(end))) => {
            let st = standing(Some(&s.status), s.completed_at_ms, end, now);
            (start, Some(end), TaskOutcome::of_standing(st))
        }
        Some((start, None)) => (
            start,
            None,
            TaskOutcome::of_clock(cancelled, s.is_done(), None),
        ),
        None if incident => (
            s.created_at_ms,
            s.sla_resolution_due_ms,
            TaskOutcome::of_clock(cancelled, s.is_done(), s.sla_resolution),
        ),
        None => (
            s.created_at_ms,
            None,
            TaskOutcome::of_clock(cancelled, s.is_done(), None),
        ),
    };
    Task {
        work_order_id: s.id.clone(),
        number: s.number.clone(),
        title: s.title.clone(),
        kind: s.kind.clone(),
        site: None,
        time_zone: String::new(),
        planned_from_ms,
        planned_to_ms,
        done_at_ms: s.completed_at_ms.filter(|_| s.is_done()),
        engineers: s.engineers.clone(),
        status: Some(s.status.clone()),
        outcome,
    }
}

/// Counts per group name, the names sorted (the empty name — none — last).
fn groups(tasks: &[Task], names: impl Fn(&Task) -> Vec<String>) -> Vec<GroupCounts> {
    let mut by: BTreeMap<(bool, String), TaskCounts> = BTreeMap::new();
    for t in tasks {
        for name in names(t) {
            by.entry((name.is_empty(), name))
                .or_default()
                .add(t.outcome);
        }
    }
    by.into_iter()
        .map(|((_, name), counts)| GroupCounts { name, counts })
        .collect()
}

#[cfg(test)]
pub(crate) mod tests;
