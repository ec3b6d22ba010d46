//! The supervisor dashboard's state: the customer and period asked for, the KPI summary as
//! `/v1/kpis` sends it, the supervisor's notes of the summary (`/v1/kpis/notes`), the
//! feedback forms, the calls and the answers folded in.

use super::{AppState, Flash};
use crate::format;
use crate::runtime::messages::{ApiAnswer, ApiCall};
use fieldsync::TimestampMs;
use fieldsync_i18n::{self as i18n, t};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::PathBuf;

pub const TAG_KPIS: &str = "supervisor.kpis";

pub const TAG_COMPLAINT: &str = "supervisor.complaint";

pub const TAG_SCORE: &str = "supervisor.score";

pub const TAG_CUSTOMERS: &str = "supervisor.customers";

/// The loaded summary as a file (PDF or CSV) to save; written by the app, not the screen.
pub const TAG_FILE: &str = "supervisor.file";

pub const TAG_WORK_ORDERS: &str = "supervisor.work_orders";

/// The stored notes of the loaded summary's customer and period.
pub const TAG_NOTES: &str = "supervisor.notes";

/// Saving the notes as typed.
pub const TAG_NOTES_SAVE: &str = "supervisor.notes_save";

/// The most characters the server keeps of each note.
pub const NOTE_MAX_CHARS: usize = 8_000;

/// The notes of a summary as `/v1/kpis/notes` sends them.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct NotesReply {
    pub customer: String,
    pub period: String,
    pub technical_summary: String,
    pub suggestions: String,
    pub plan_evaluation: String,
    pub updated_by: Option<String>,
    pub updated_at_ms: Option<TimestampMs>,
}

/// How the notes last went.
#[derive(Clone, Debug, PartialEq)]
pub enum NotesStatus {
    /// The stored notes could not be fetched (asked again with the next Load).
    NotLoaded(String),
    Saved,
    NotSaved(String),
}

/// What the supervisor writes into the loaded summary: technical summary (技术总结),
/// suggestions (建议) and the evaluation of the inspection plan (巡检计划执行评价).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NotesForm {
    /// The customer and period the notes were asked for (those of the loaded summary).
    pub asked_for: Option<(String, String)>,
    /// The stored notes arrived: the boxes can be edited and saved.
    pub loaded: bool,
    pub saving: bool,
    pub technical_summary: String,
    pub suggestions: String,
    pub plan_evaluation: String,
    /// Who wrote the stored notes last, and when.
    pub written_by: Option<String>,
    pub written_at_ms: Option<TimestampMs>,
    pub status: Option<NotesStatus>,
}

impl NotesForm {
    /// Is `reply` about the summary the notes are for (an answer about a summary no longer
    /// shown is dropped)?
    fn is_for(&self, reply: &NotesReply) -> bool {
        self.asked_for.as_ref() == Some(&(reply.customer.clone(), reply.period.clone()))
    }

    fn take(&mut self, reply: NotesReply) {
        self.loaded = true;
        self.technical_summary = reply.technical_summary;
        self.suggestions = reply.suggestions;
        self.plan_evaluation = reply.plan_evaluation;
        self.written_by = reply.updated_by;
        self.written_at_ms = reply.updated_at_ms;
    }

    /// The `PUT` of the texts as typed.
    pub fn save_call(&self) -> Option<ApiCall> {
        let (customer, period) = self.asked_for.as_ref()?;
        let body = serde_json::json!({
            "technical_summary": self.technical_summary,
            "suggestions": self.suggestions,
            "plan_evaluation": self.plan_evaluation,
        });
        Some(ApiCall::put_json(
            TAG_NOTES_SAVE,
            kpi_path("/v1/kpis/notes", customer, period),
            &body,
        ))
    }
}

/// The `/v1/kpis/notes` call for a loaded summary (its customer and the period the server
/// named).
pub fn notes_call(summary: &Summary) -> ApiCall {
    ApiCall::get(
        TAG_NOTES,
        kpi_path("/v1/kpis/notes", &summary.customer, &summary.current.period),
    )
}

/// A work order feedback can be recorded against (from `GET /v1/work-orders?customer=`).
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct FeedbackTarget {
    pub doc_id: String,
    pub number: Option<String>,
    pub title: String,
    pub status: String,
}

impl FeedbackTarget {
    pub fn label(&self) -> String {
        let status = fieldsync::status::Status::parse(&self.status).map_or_else(
            || self.status.clone(),
            |s| i18n::words::status(i18n::current(), s),
        );
        match &self.number {
            Some(number) => format!("{number} · {} ({status})", self.title),
            // Generated inspections get their number when they are dispatched.
            None => format!("{} ({status})", self.title),
        }
    }
}

/// Feedback is mostly about finished work: completed and approved work orders first, then
/// the rest, each newest number first; cancelled ones left out.
fn feedback_order(mut targets: Vec<FeedbackTarget>) -> Vec<FeedbackTarget> {
    targets.retain(|t| t.status != "cancelled");
    let finished = |t: &FeedbackTarget| matches!(t.status.as_str(), "completed" | "approved");
    targets.sort_by(|a, b| {
        finished(b)
            .cmp(&finished(a))
            .then_with(|| b.number.cmp(&a.number))
    });
    targets
}

/// Work orders listed for feedback (the newest this many of the customer).
pub const FEEDBACK_WORK_ORDERS: u32 = 200;

/// How the last "Save summary …" went.
#[derive(Clone, Debug, PartialEq)]
pub enum SummaryFile {
    Saving(PathBuf),
    Saved(PathBuf),
    Failed(String),
}

/// The figures of one period, as `/v1/kpis` sends them (the parts the dashboard shows).
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct PeriodFigures {
    pub period: String,
    pub work_orders: u64,
    pub faults: u64,
    pub faults_by_category: BTreeMap<String, CategoryCount>,
    pub mean_time_to_arrive_min: Option<f64>,
    pub mean_on_site_resolution_min: Option<f64>,
    pub sla_response: Rate,
    pub sla_resolution: Rate,
    pub first_time_fix_rate_pct: Option<f64>,
    pub phone_resolution_rate_pct: Option<f64>,
    pub complaints: u64,
    pub complaint_rate_pct: Option<f64>,
    pub customer_satisfaction_pct: Option<f64>,
    pub by_engineer: BTreeMap<String, EngineerFigures>,
    /// `None`: the server keeps no inspection plans.
    pub inspections: Option<InspectionFigures>,
    pub device_faults: DeviceFaultFigures,
    pub device_downtime: DowntimeFigures,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct InspectionFigures {
    pub planned: u64,
    pub done_on_time: u64,
    pub late: u64,
    pub missed: u64,
    pub adherence_pct: Option<f64>,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct CategoryCount {
    pub count: u64,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct Rate {
    pub rate_pct: Option<f64>,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct EngineerFigures {
    pub work_orders: u64,
    pub completed: u64,
    pub complaints: u64,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct Summary {
    pub customer: String,
    pub customer_name: Option<String>,
    pub period_kind: String,
    pub current: PeriodFigures,
    pub previous: PeriodFigures,
    pub trend: Vec<PeriodFigures>,
}

/// The dashboard's state: the query being typed, the last loaded summary and the forms.
#[derive(Clone, Debug, Default)]
pub struct SupervisorState {
    /// Customer id the summary is for.
    pub customer: String,
    /// Customers to pick from (id, name), learnt from `GET /v1/sites`; `None` until loaded
    /// (then the id is typed instead, e.g. offline).
    pub customers: Option<Vec<(String, String)>>,
    pub customers_asked: bool,
    /// The last ask failed (offline): asked again with the next Load, not every frame.
    pub customers_failed: bool,
    /// `YYYY-MM` or `YYYY-Qn`; empty is the current month.
    pub period: String,
    pub summary: Option<Summary>,
    pub loaded_at_ms: Option<TimestampMs>,
    pub loading: bool,
    /// Why the last load failed (offline, refused …); the last summary stays shown.
    pub problem: Option<String>,
    /// The last save of the summary as a file.
    pub file: Option<SummaryFile>,
    /// Work order (document id) the feedback is about.
    pub feedback_wo: String,
    /// The customer whose work orders were asked for, and the answer (`None` until it
    /// comes; then the id is typed instead if it failed).
    pub feedback_for: Option<String>,
    pub feedback_targets: Option<Vec<FeedbackTarget>>,
    pub complaint_reason: String,
    pub score: i64,
    pub notes: NotesForm,
}

/// Query-string escaping for a customer id (letters, digits and `-_.~` pass).
pub fn escape(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Months the period picker offers (this one and the 17 before) and quarters (this one and
/// the 5 before), newest first, as the server names them: `2026-12`, `2026-Q4`.
pub fn recent_periods(today: chrono::NaiveDate) -> (Vec<String>, Vec<String>) {
    use chrono::Datelike;
    let index = today.year() * 12 + today.month0() as i32;
    let months = (0..18)
        .map(|back| {
            let i = index - back;
            format!("{}-{:02}", i.div_euclid(12), i.rem_euclid(12) + 1)
        })
        .collect();
    let quarter = today.year() * 4 + today.month0() as i32 / 3;
    let quarters = (0..6)
        .map(|back| {
            let q = quarter - back;
            format!("{}-Q{}", q.div_euclid(4), q.rem_euclid(4) + 1)
        })
        .collect();
    (months, quarters)
}

/// The `/v1/kpis` call for what is typed.
pub fn kpi_call(customer: &str, period: &str) -> ApiCall {
    ApiCall::get(TAG_KPIS, kpi_path("/v1/kpis", customer, period))
}

/// A file the dashboard saves for the loaded customer and period: the summary, or (for a
/// quarter) the task-completion table 季度维护工作任务完成记录汇总表, as PDF or CSV.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Export {
    SummaryPdf,
    SummaryCsv,
    TasksPdf,
    TasksCsv,
}

impl Export {
    fn endpoint(self) -> &'static str {
        match self {
            Export::SummaryPdf => "/v1/kpis.pdf",
            Export::SummaryCsv => "/v1/kpis.csv",
            Export::TasksPdf => "/v1/kpis/tasks.pdf",
            Export::TasksCsv => "/v1/kpis/tasks.csv",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Export::SummaryPdf | Export::TasksPdf => "pdf",
            Export::SummaryCsv | Export::TasksCsv => "csv",
        }
    }

    fn file_prefix(self) -> &'static str {
        match self {
            Export::SummaryPdf | Export::SummaryCsv => "service-summary",
            Export::TasksPdf | Export::TasksCsv => "task-completion",
        }
    }
}

/// The loaded period can have a task-completion table saved: a quarter.
pub fn has_task_table(summary: &Summary) -> bool {
    summary.current.period.contains('Q')
}

/// The call for `export` of the loaded summary's customer and period.
pub fn file_call(summary: &Summary, export: Export) -> ApiCall {
    ApiCall::get(
        TAG_FILE,
        kpi_path(
            export.endpoint(),
            &summary.customer,
            &summary.current.period,
        ),
    )
}

/// `service-summary-<customer>-<period>.<ext>` (`task-completion-…` for the table), safe on
/// every file system.
pub fn default_file_name(summary: &Summary, export: Export) -> String {
    let base = format!("{}-{}", summary.customer, summary.current.period);
    format!(
        "{}-{}.{}",
        export.file_prefix(),
        crate::file_names::safe_file_part(&base),
        export.extension()
    )
}

fn kpi_path(endpoint: &str, customer: &str, period: &str) -> String {
    let period = period.trim();
    let which = if period.contains('Q') || period.contains('q') {
        format!("&quarter={}", escape(period))
    } else if period.is_empty() {
        String::new()
    } else {
        format!("&month={}", escape(period))
    };
    format!("{endpoint}?customer={}{which}", escape(customer.trim()))
}

pub fn on_api_answer(state: &mut AppState, answer: ApiAnswer) {
    let s = &mut state.supervisor;
    match (answer.tag.as_str(), answer.result) {
        (TAG_KPIS, Ok(reply)) => {
            s.loading = false;
            match reply.json::<Summary>() {
                Ok(summary) => {
                    s.summary = Some(summary);
                    s.loaded_at_ms = Some(state.now_ms);
                    s.problem = None;
                    // Notes that did not arrive are asked again with the summary.
                    if !s.notes.loaded {
                        s.notes.asked_for = None;
                    }
                }
                Err(e) => s.problem = Some(e),
            }
        }
        (TAG_KPIS, Err(e)) => {
            s.loading = false;
            s.problem = Some(e.to_string());
        }
        (TAG_NOTES, Ok(reply)) => match reply.json::<NotesReply>() {
            Ok(notes) if s.notes.is_for(&notes) => {
                s.notes.take(notes);
                s.notes.status = None;
            }
            Ok(_) => {}
            Err(e) => s.notes.status = Some(NotesStatus::NotLoaded(e)),
        },
        (TAG_NOTES, Err(e)) => s.notes.status = Some(NotesStatus::NotLoaded(e.to_string())),
        (TAG_NOTES_SAVE, Ok(reply)) => {
            s.notes.saving = false;
            match reply.json::<NotesReply>() {
                Ok(notes) => {
                    if s.notes.is_for(&notes) {
                        s.notes.written_by = notes.updated_by;
                        s.notes.written_at_ms = notes.updated_at_ms;
                    }
                    s.notes.status = Some(NotesStatus::Saved);
                }
                Err(e) => s.notes.status = Some(NotesStatus::NotSaved(e)),
            }
        }
        (TAG_NOTES_SAVE, Err(e)) => {
            s.notes.saving = false;
            s.notes.status = Some(NotesStatus::NotSaved(e.to_string()));
        }
        (TAG_WORK_ORDERS, Ok(reply)) => {
            s.feedback_targets = reply.json::<Vec<FeedbackTarget>>().ok().map(feedback_order);
        }
        (TAG_WORK_ORDERS, Err(_)) => s.feedback_targets = None,
        (TAG_CUSTOMERS, Ok(reply)) => {
            match reply.json::<Vec<super::dispatch::dispatch_model::SiteInfo>>() {
                Ok(sites) => s.customers = Some(customers_of(&sites)),
                // An answer that cannot be read is asked again with the next Load, like a failure.
                Err(_) => s.customers_failed = true,
            }
        }
        // Without the list the id can still be typed; asked again with the next Load.
        (TAG_CUSTOMERS, Err(_)) => s.customers_failed = true,
        (TAG_COMPLAINT, Ok(reply)) => {
            let due = reply
                .json::<serde_json::Value>()
                .ok()
                .and_then(|v| v["due_ms"].as_i64())
                .map(format::time)
                .unwrap_or_default();
            s.complaint_reason.clear();
            state.flash = Some(Flash {
                text: t!("dash-complaint-recorded", due = due),
                error: false,
            });
        }
        (TAG_SCORE, Ok(_)) => {
            state.flash = Some(Flash {
                text: t!("dash-score-recorded"),
                error: false,
            });
        }
        (_, Err(e)) => {
            state.flash = Some(Flash {
                text: e.to_string(),
                error: true,
            });
        }
        (_, Ok(_)) => {}
    }
}

/// Each customer once (id, name), by name.
fn customers_of(sites: &[super::dispatch::dispatch_model::SiteInfo]) -> Vec<(String, String)> {
    let mut by_id: BTreeMap<&str, &str> = BTreeMap::new();
    for site in sites {
        let name = if site.customer_name.is_empty() {
            &site.customer_id
        } else {
            &site.customer_name
        };
        by_id.entry(&site.customer_id).or_insert(name);
    }
    let mut out: Vec<(String, String)> = by_id
        .into_iter()
        .map(|(id, name)| (id.to_string(), name.to_string()))
        .collect();
    out.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)));
    out
}

/// Hours devices had a fault open (created → completed): an upper bound of downtime.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct DeviceFaultFigures {
    pub faults: u64,
    pub fault_hours: Option<f64>,
    pub by_device: BTreeMap<String, DeviceFigures>,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct DeviceFigures {
    pub faults: u64,
    pub still_open: u64,
    pub fault_hours: f64,
}

/// Downtime from the outages recorded on the period's work orders.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct DowntimeFigures {
    pub outages: u64,
    pub still_down: u64,
    pub downtime_hours: Option<f64>,
    /// Hours the still-down outages have lasted so far (not in `downtime_hours`).
    pub down_so_far_hours: Option<f64>,
    pub by_device: BTreeMap<String, DeviceDowntime>,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct DeviceDowntime {
    pub outages: u64,
    pub still_down: u64,
    pub downtime_hours: f64,
    pub down_so_far_hours: f64,
}

#[cfg(test)]
mod tests {
    use super::recent_periods;

    #[test]
    fn recent_periods_cross_year_ends() {
        let day = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let (months, quarters) = recent_periods(day("2027-01-15"));
        assert_eq!(months.len(), 18);
        assert_eq!(&months[..3], ["2027-01", "2026-12", "2026-11"]);
        assert_eq!(months[17], "2025-08");
        assert_eq!(
            quarters,
            [
                "2027-Q1", "2026-Q4", "2026-Q3", "2026-Q2", "2026-Q1", "2025-Q4"
            ]
        );
        let (months, quarters) = recent_periods(day("2026-12-31"));
        assert_eq!(months[0], "2026-12");
        assert_eq!(quarters[0], "2026-Q4");
    }
}
