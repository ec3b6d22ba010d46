//! Supervisor dashboard: a customer's service summary for a month or quarter, loaded from
//! `/v1/kpis` over the API channel (`supervisor.` tags), with egui_plot charts of the trend
//! (faults per period by category, service levels, phone resolution, inspections on time) and
//! breakdowns by category, engineer and device (recorded downtime, and fault time).
//! Offline it keeps the last loaded figures and says when they were loaded. Below, the office
//! records a customer complaint or a return-visit score against a work order. Between the
//! two, once a summary is loaded, the supervisor writes its notes (technical summary,
//! suggestions, evaluation of the inspection plan), which the summary PDF prints.

use crate::format;
use crate::runtime::messages::ApiCall;
use crate::screens::common::category_label;
use crate::state::AppState;
use crate::state::command::Command;
use crate::state::supervisor::{
    FEEDBACK_WORK_ORDERS, FeedbackTarget, NOTE_MAX_CHARS, NotesForm, NotesStatus, PeriodFigures,
    Summary, SummaryFile, SupervisorState, TAG_COMPLAINT, TAG_CUSTOMERS, TAG_SCORE,
    TAG_WORK_ORDERS, escape, has_task_table, kpi_call, notes_call, recent_periods,
};
use egui::RichText;
use egui_plot::{Bar, BarChart, GridInput, GridMark, Legend, Line, Plot, PlotPoints};
use fieldsync::TimestampMs;
use fieldsync_i18n::{self as i18n, t};

/// Fault categories in chart order, with their colours.
/// Every category of `fieldsync::model::CATEGORIES` with its chart colour (a test checks
/// that none is missing).
pub(crate) const CATEGORIES: [(&str, egui::Color32); 6] = [
    ("network", egui::Color32::from_rgb(47, 110, 186)),
    ("security", egui::Color32::from_rgb(192, 80, 77)),
    ("software", egui::Color32::from_rgb(96, 160, 80)),
    ("hardware", egui::Color32::from_rgb(230, 150, 40)),
    ("account", egui::Color32::from_rgb(142, 108, 180)),
    ("other", egui::Color32::from_rgb(140, 140, 140)),
];

#[cfg(test)]
mod tests {
    #[test]
    fn every_category_has_a_chart_colour() {
        let charted: Vec<&str> = super::CATEGORIES.iter().map(|(c, _)| *c).collect();
        assert_eq!(charted, fieldsync::model::CATEGORIES);
    }
}

pub fn supervisor_ui(ui: &mut egui::Ui, state: &mut AppState, out: &mut Vec<Command>) {
    // The summary is taller than a laptop screen.
    egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .show(ui, |ui| dashboard_ui(ui, state, out));
}

fn dashboard_ui(ui: &mut egui::Ui, state: &mut AppState, out: &mut Vec<Command>) {
    ui.heading(t!("dash-title"));
    let today = chrono::DateTime::from_timestamp_millis(state.now_ms)
        .unwrap_or_default()
        .with_timezone(&state.dispatch.zone())
        .date_naive();
    let s = &mut state.supervisor;
    if !s.customers_asked {
        s.customers_asked = true;
        out.push(Command::Api(ApiCall::get(TAG_CUSTOMERS, "/v1/sites")));
    }
    ui.horizontal(|ui| {
        let label = ui.label(t!("dash-customer"));
        customer_picker(ui, s, label.id);
        let label = ui.label(t!("dash-period"));
        period_picker(ui, s, today, label.id);
        let ready = !s.customer.trim().is_empty() && !s.loading;
        if ui
            .add_enabled(ready, egui::Button::new(t!("dash-load")))
            .clicked()
        {
            s.loading = true;
            out.push(Command::Api(kpi_call(&s.customer, &s.period)));
            if s.customers.is_none() && s.customers_failed {
                s.customers_failed = false;
                out.push(Command::Api(ApiCall::get(TAG_CUSTOMERS, "/v1/sites")));
            }
        }
        if s.loading {
            ui.label(RichText::new(t!("dash-loading")).color(egui::Color32::GRAY));
        }
    });
    if let Some(p) = &s.problem {
        let text = match (state.connectivity.is_offline(), s.loaded_at_ms) {
            (true, Some(at)) => t!("dash-offline-loaded", when = format::time(at)),
            (true, None) => t!("dash-offline"),
            _ => p.clone(),
        };
        ui.label(RichText::new(text).color(format::RED));
    }
    if let Some(summary) = &s.summary {
        let name = summary
            .customer_name
            .as_deref()
            .or_else(|| {
                s.customers
                    .iter()
                    .flatten()
                    .find(|(id, _)| *id == summary.customer)
                    .map(|(_, name)| name.as_str())
            })
            .unwrap_or(&summary.customer);
        save_ui(ui, s.file.as_ref(), has_task_table(summary), out);
        summary_ui(ui, summary, name, s.loaded_at_ms);
    } else {
        ui.add_space(12.0);
        ui.label(t!("dash-empty"));
    }
    notes_ui(ui, s, out);
    feedback_ui(ui, s, out);
}

/// The supervisor's notes of the loaded summary: asked for with each new summary, three
/// labelled boxes, "Save notes" and how the last save went.
fn notes_ui(ui: &mut egui::Ui, s: &mut SupervisorState, out: &mut Vec<Command>) {
    let Some(summary) = &s.summary else {
        return;
    };
    let key = (summary.customer.clone(), summary.current.period.clone());
    let n = &mut s.notes;
    if n.asked_for.as_ref() != Some(&key) {
        *n = NotesForm {
            asked_for: Some(key),
            ..NotesForm::default()
        };
        out.push(Command::Api(notes_call(summary)));
    }
    crate::screens::common::section(ui, &t!("dash-notes"));
    ui.label(RichText::new(t!("dash-notes-hint")).color(egui::Color32::GRAY));
    if !n.loaded {
        match &n.status {
            Some(NotesStatus::NotLoaded(e)) => {
                ui.label(RichText::new(t!("dash-notes-not-loaded", error = e)).color(format::RED))
            }
            _ => ui.label(RichText::new(t!("dash-notes-loading")).color(egui::Color32::GRAY)),
        };
    }
    let loaded = n.loaded;
    for (title, text) in [
        (t!("dash-notes-technical"), &mut n.technical_summary),
        (t!("dash-notes-suggestions"), &mut n.suggestions),
        (t!("dash-notes-plan"), &mut n.plan_evaluation),
    ] {
        let label = ui.label(RichText::new(title).strong());
        ui.add_enabled(
            loaded,
            egui::TextEdit::multiline(text)
                .desired_rows(4)
                .desired_width(f32::INFINITY)
                .char_limit(NOTE_MAX_CHARS),
        )
        .labelled_by(label.id);
    }
    ui.horizontal_wrapped(|ui| {
        if ui
            .add_enabled(
                loaded && !n.saving,
                egui::Button::new(t!("dash-notes-save")),
            )
            .clicked()
            && let Some(call) = n.save_call()
        {
            n.saving = true;
            n.status = None;
            out.push(Command::Api(call));
        }
        if n.saving {
            ui.label(RichText::new(t!("dash-notes-saving")).color(egui::Color32::GRAY));
        }
        match &n.status {
            Some(NotesStatus::Saved) => {
                ui.label(RichText::new(t!("dash-notes-saved")).color(format::GREEN));
            }
            Some(NotesStatus::NotSaved(e)) => {
                ui.label(RichText::new(t!("dash-notes-not-saved", error = e)).color(format::RED));
            }
            _ => {}
        }
        if let (Some(name), Some(at)) = (&n.written_by, n.written_at_ms) {
            ui.label(
                RichText::new(t!(
                    "dash-notes-written",
                    name = name,
                    when = format::time(at)
                ))
                .color(egui::Color32::GRAY),
            );
        }
    });
}

/// "Save PDF…" / "Save CSV…" of the loaded summary (fetched from the server when a place to
/// save is chosen), and how the last save went; below, the same for the quarter's
/// task-completion table (a month has none: the row says to choose a quarter).
fn save_ui(ui: &mut egui::Ui, file: Option<&SummaryFile>, quarter: bool, out: &mut Vec<Command>) {
    use crate::runtime::files::PickPurpose;
    let saving = matches!(file, Some(SummaryFile::Saving(_)));
    ui.horizontal_wrapped(|ui| {
        for (text, purpose) in [
            (t!("dash-save-pdf"), PickPurpose::SaveSummaryPdf),
            (t!("dash-save-csv"), PickPurpose::SaveSummaryCsv),
        ] {
            if ui.add_enabled(!saving, egui::Button::new(text)).clicked() {
                out.push(Command::BrowseFiles { purpose, dir: None });
            }
        }
        match file {
            Some(SummaryFile::Saving(path)) => {
                ui.spinner();
                ui.label(t!("dash-fetching", path = path.display().to_string()));
            }
            Some(SummaryFile::Saved(path)) => {
                ui.label(
                    RichText::new(t!("dash-saved", path = path.display().to_string()))
                        .color(format::GREEN),
                );
            }
            Some(SummaryFile::Failed(e)) => {
                ui.label(RichText::new(t!("dash-not-saved", error = e)).color(format::RED));
            }
            None => {}
        }
    });
    ui.horizontal_wrapped(|ui| {
        ui.label(t!("dash-tasks-label"));
        if !quarter {
            ui.label(RichText::new(t!("dash-tasks-quarter-only")).color(egui::Color32::GRAY));
            return;
        }
        for (text, purpose) in [
            (t!("dash-tasks-save-pdf"), PickPurpose::SaveTasksPdf),
            (t!("dash-tasks-save-csv"), PickPurpose::SaveTasksCsv),
        ] {
            if ui.add_enabled(!saving, egui::Button::new(text)).clicked() {
                out.push(Command::BrowseFiles { purpose, dir: None });
            }
        }
    });
}

/// A list of the customers when known, else a field for the customer id.
fn customer_picker(ui: &mut egui::Ui, s: &mut SupervisorState, label: egui::Id) {
    match &s.customers {
        Some(customers) if !customers.is_empty() => {
            let shown = customers
                .iter()
                .find(|(id, _)| *id == s.customer)
                .map_or_else(|| t!("dash-choose-customer"), |(_, name)| name.clone());
            egui::ComboBox::from_id_salt("kpi_customer")
                .selected_text(shown)
                .width(220.0)
                .show_ui(ui, |ui| {
                    for (id, name) in customers {
                        ui.selectable_value(&mut s.customer, id.clone(), name);
                    }
                })
                .response
                .labelled_by(label);
        }
        _ => {
            ui.add(
                egui::TextEdit::singleline(&mut s.customer)
                    .hint_text(t!("dash-customer-id"))
                    .desired_width(180.0),
            )
            .labelled_by(label);
        }
    }
}

/// The unit of a figure.
#[derive(Clone, Copy)]
enum Unit {
    Count,
    Min,
    Pct,
    Hours,
}

/// A figure with its unit; counts (no unit) without decimals.
fn figure(v: Option<f64>, unit: Unit) -> String {
    let Some(v) = v else {
        return "—".into();
    };
    let value = format!("{v:.1}");
    match unit {
        Unit::Count => format!("{v:.0}"),
        Unit::Min => t!("dash-value-min", value = value),
        Unit::Pct => t!("dash-value-pct", value = value),
        Unit::Hours => t!("dash-value-hours", value = value),
    }
}

/// The month or quarter to report, chosen from the recent ones (empty: this month, as the
/// server reads no period).
fn period_picker(
    ui: &mut egui::Ui,
    s: &mut SupervisorState,
    today: chrono::NaiveDate,
    label: egui::Id,
) {
    let (months, quarters) = recent_periods(today);
    let shown = if s.period.trim().is_empty() {
        period_label(&months[0])
    } else {
        period_label(&s.period)
    };
    egui::ComboBox::from_id_salt("dash_period")
        .selected_text(shown)
        .height(320.0)
        .show_ui(ui, |ui| {
            ui.label(RichText::new(t!("dash-period-months")).strong());
            for m in months {
                let words = period_label(&m);
                ui.selectable_value(&mut s.period, m, words);
            }
            ui.separator();
            ui.label(RichText::new(t!("dash-period-quarters")).strong());
            for q in quarters {
                let words = period_label(&q);
                ui.selectable_value(&mut s.period, q, words);
            }
        })
        .response
        .labelled_by(label);
}

/// A period as people read it: "November 2026" / "2026年11月", "Q4 2026" / "2026年第4季度"
/// (the server's "2026-11" / "2026-Q4"; anything else as it is).
pub fn period_label(period: &str) -> String {
    let Some((year, rest)) = period.trim().split_once('-') else {
        return period.to_string();
    };
    let Ok(year) = year.parse::<i32>() else {
        return period.to_string();
    };
    if let Some(q) = rest
        .strip_prefix(['Q', 'q'])
        .and_then(|q| q.parse::<u32>().ok())
    {
        return t!("dash-quarter", year = year, quarter = q);
    }
    match rest.parse::<u32>() {
        Ok(m) if (1..=12).contains(&m) => i18n::time::month(i18n::current(), year, m),
        _ => period.to_string(),
    }
}

fn summary_ui(ui: &mut egui::Ui, r: &Summary, customer: &str, loaded: Option<TimestampMs>) {
    let (k, p) = (&r.current, &r.previous);
    ui.add_space(6.0);
    let (period, previous) = (period_label(&k.period), period_label(&p.period));
    ui.label(
        RichText::new(t!(
            "dash-summary-heading",
            customer = customer,
            period = period.clone(),
            when = loaded.map_or("—".into(), format::time)
        ))
        .strong(),
    );
    egui::Grid::new("kpi_figures")
        .striped(true)
        .num_columns(3)
        .show(ui, |ui| {
            for h in [t!("dash-col-figure"), period.clone(), previous.clone()] {
                ui.label(RichText::new(h).strong());
            }
            ui.end_row();
            let count = |v: u64| Some(v as f64);
            let rows = [
                (
                    t!("dash-faults"),
                    count(k.faults),
                    count(p.faults),
                    Unit::Count,
                ),
                (
                    t!("dash-work-orders"),
                    count(k.work_orders),
                    count(p.work_orders),
                    Unit::Count,
                ),
                (
                    t!("dash-mean-time-to-arrive"),
                    k.mean_time_to_arrive_min,
                    p.mean_time_to_arrive_min,
                    Unit::Min,
                ),
                (
                    t!("dash-sla-resolution-met"),
                    k.sla_resolution.rate_pct,
                    p.sla_resolution.rate_pct,
                    Unit::Pct,
                ),
                (
                    t!("dash-first-time-fix"),
                    k.first_time_fix_rate_pct,
                    p.first_time_fix_rate_pct,
                    Unit::Pct,
                ),
                (
                    t!("dash-resolved-by-phone"),
                    k.phone_resolution_rate_pct,
                    p.phone_resolution_rate_pct,
                    Unit::Pct,
                ),
                (
                    t!("dash-complaints"),
                    count(k.complaints),
                    count(p.complaints),
                    Unit::Count,
                ),
                (
                    t!("dash-satisfaction"),
                    k.customer_satisfaction_pct,
                    p.customer_satisfaction_pct,
                    Unit::Pct,
                ),
                (
                    t!("dash-inspections-on-time"),
                    adherence(k),
                    adherence(p),
                    Unit::Pct,
                ),
                (
                    t!("dash-inspections-missed"),
                    k.inspections.as_ref().map(|i| i.missed as f64),
                    p.inspections.as_ref().map(|i| i.missed as f64),
                    Unit::Count,
                ),
                (
                    t!("dash-downtime-recorded"),
                    k.device_downtime.downtime_hours,
                    p.device_downtime.downtime_hours,
                    Unit::Hours,
                ),
                (
                    t!("dash-still-down-so-far"),
                    k.device_downtime.down_so_far_hours,
                    p.device_downtime.down_so_far_hours,
                    Unit::Hours,
                ),
                (
                    t!("dash-fault-time"),
                    k.device_faults.fault_hours,
                    p.device_faults.fault_hours,
                    Unit::Hours,
                ),
            ];
            for (label, cur, prev, unit) in rows {
                ui.label(label);
                ui.label(figure(cur, unit));
                ui.label(figure(prev, unit));
                ui.end_row();
            }
        });
    ui.add_space(8.0);
    ui.columns(2, |cols| {
        cols[0].label(RichText::new(t!("dash-chart-faults")).strong());
        trend_bars(&mut cols[0], &r.trend);
        cols[1].label(RichText::new(t!("dash-chart-levels")).strong());
        level_lines(&mut cols[1], &r.trend);
    });
    ui.columns(2, |cols| {
        cols[0].label(RichText::new(t!("dash-by-category", period = period.clone())).strong());
        let bars: Vec<Bar> = CATEGORIES
            .iter()
            .enumerate()
            .map(|(i, (c, color))| {
                let n = k.faults_by_category.get(*c).map_or(0, |s| s.count);
                Bar::new(i as f64, n as f64)
                    .name(category_label(c))
                    .fill(*color)
            })
            .collect();
        let names = CATEGORIES.iter().map(|(c, _)| category_label(c)).collect();
        labelled_x(Plot::new("by_category"), names)
            .height(160.0)
            .allow_drag(false)
            .allow_zoom(false)
            .allow_scroll(false)
            .show(&mut cols[0], |p| {
                p.bar_chart(BarChart::new(t!("dash-faults"), bars))
            });
        cols[1].label(RichText::new(t!("dash-by-engineer", period = period.clone())).strong());
        for (name, e) in &k.by_engineer {
            cols[1].label(t!(
                "dash-engineer-line",
                name = name,
                work_orders = e.work_orders,
                completed = e.completed,
                complaints = e.complaints
            ));
        }
    });
    ui.columns(2, |cols| {
        inspections_ui(&mut cols[0], k, &period);
        super::devices::downtime_ui(&mut cols[1], &k.device_downtime, &period);
    });
    ui.columns(2, |cols| {
        super::devices::fault_time_ui(&mut cols[0], &k.device_faults, &period);
    });
}

fn adherence(k: &PeriodFigures) -> Option<f64> {
    k.inspections.as_ref().and_then(|i| i.adherence_pct)
}

fn inspections_ui(ui: &mut egui::Ui, k: &PeriodFigures, period: &str) {
    ui.label(RichText::new(t!("dash-inspections", period = period)).strong());
    match &k.inspections {
        None => ui.label(t!("dash-no-plans")),
        Some(i) => ui.label(t!(
            "dash-inspections-line",
            planned = i.planned,
            on_time = i.done_on_time,
            late = i.late,
            missed = i.missed
        )),
    };
}

/// An x axis with one mark per item (at 0, 1, …), named by `labels` (periods, categories)
/// instead of the item's index.
fn labelled_x<'a>(plot: Plot<'a>, labels: Vec<String>) -> Plot<'a> {
    let count = labels.len();
    plot.include_x(-0.5)
        .include_x(count as f64 - 0.5)
        .x_grid_spacer(move |input: GridInput| {
            let (lo, hi) = input.bounds;
            (0..count)
                .map(|i| i as f64)
                .filter(|v| (lo..=hi).contains(v))
                .map(|value| GridMark {
                    value,
                    step_size: 1.0,
                })
                .collect()
        })
        .x_axis_formatter(move |mark, _| {
            let i = mark.value.round();
            if (mark.value - i).abs() > 1e-6 || i < 0.0 {
                return String::new();
            }
            labels.get(i as usize).cloned().unwrap_or_default()
        })
}

fn trend_bars(ui: &mut egui::Ui, trend: &[PeriodFigures]) {
    let mut charts: Vec<BarChart> = Vec::new();
    for (cat, color) in CATEGORIES {
        let bars: Vec<Bar> = trend
            .iter()
            .enumerate()
            .map(|(i, k)| {
                let n = k.faults_by_category.get(cat).map_or(0, |s| s.count);
                Bar::new(i as f64, n as f64).name(period_label(&k.period))
            })
            .collect();
        let chart = BarChart::new(category_label(cat), bars).color(color);
        let below: Vec<&BarChart> = charts.iter().collect();
        let chart = chart.stack_on(&below);
        charts.push(chart);
    }
    let periods = trend.iter().map(|k| period_label(&k.period)).collect();
    labelled_x(Plot::new("trend_faults"), periods)
        .height(180.0)
        .legend(Legend::default().position(egui_plot::Corner::LeftTop))
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .show(ui, |p| {
            for c in charts {
                p.bar_chart(c);
            }
        });
}

/// A named percentage read off one period's figures.
type Series = (String, fn(&PeriodFigures) -> Option<f64>);

fn level_lines(ui: &mut egui::Ui, trend: &[PeriodFigures]) {
    let series: [Series; 5] = [
        (t!("dash-line-sla-resolution"), |k| {
            k.sla_resolution.rate_pct
        }),
        (t!("dash-line-first-time-fix"), |k| {
            k.first_time_fix_rate_pct
        }),
        (t!("dash-line-satisfied"), |k| k.customer_satisfaction_pct),
        (t!("dash-line-by-phone"), |k| k.phone_resolution_rate_pct),
        (t!("dash-line-inspections-on-time"), adherence),
    ];
    let periods = trend.iter().map(|k| period_label(&k.period)).collect();
    labelled_x(Plot::new("trend_levels"), periods)
        .height(180.0)
        .legend(Legend::default().position(egui_plot::Corner::LeftTop))
        .include_y(0.0)
        .include_y(100.0)
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .show(ui, |p| {
            for (name, pick) in series {
                let points: Vec<[f64; 2]> = trend
                    .iter()
                    .enumerate()
                    .filter_map(|(i, k)| Some([i as f64, pick(k)?]))
                    .collect();
                p.line(Line::new(name, PlotPoints::from(points)));
            }
        });
}

fn feedback_ui(ui: &mut egui::Ui, s: &mut SupervisorState, out: &mut Vec<Command>) {
    crate::screens::common::section(ui, &t!("dash-feedback"));
    // The loaded customer's work orders to choose from.
    let customer = s.summary.as_ref().map(|r| r.customer.clone());
    if customer.is_some() && s.feedback_for != customer {
        s.feedback_for = customer.clone();
        s.feedback_targets = None;
        s.feedback_wo.clear();
        let path = format!(
            "/v1/work-orders?customer={}&limit={FEEDBACK_WORK_ORDERS}",
            escape(customer.as_deref().unwrap_or_default())
        );
        out.push(Command::Api(ApiCall::get(TAG_WORK_ORDERS, path)));
    }
    ui.horizontal(|ui| {
        let label = ui.label(t!("dash-work-order"));
        match &s.feedback_targets {
            Some(targets) if !targets.is_empty() => {
                let shown = targets
                    .iter()
                    .find(|t| t.doc_id == s.feedback_wo)
                    .map_or_else(|| t!("dash-choose-work-order"), FeedbackTarget::label);
                egui::ComboBox::from_id_salt("feedback_wo")
                    .selected_text(shown)
                    .width(420.0)
                    .show_ui(ui, |ui| {
                        for t in targets {
                            ui.selectable_value(&mut s.feedback_wo, t.doc_id.clone(), t.label());
                        }
                    })
                    .response
                    .labelled_by(label.id);
            }
            _ => {
                ui.add(
                    egui::TextEdit::singleline(&mut s.feedback_wo)
                        .hint_text(t!("dash-work-order-id"))
                        .desired_width(360.0),
                )
                .labelled_by(label.id);
            }
        }
    });
    let wo = s.feedback_wo.trim().to_owned();
    ui.horizontal(|ui| {
        ui.add(
            egui::TextEdit::singleline(&mut s.complaint_reason)
                .hint_text(t!("dash-complaint-hint"))
                .desired_width(360.0),
        );
        let ok = !wo.is_empty() && !s.complaint_reason.trim().is_empty();
        if ui
            .add_enabled(ok, egui::Button::new(t!("dash-record-complaint")))
            .clicked()
        {
            let body = serde_json::json!({"reason": s.complaint_reason.trim()});
            let path = format!("/v1/work-orders/{}/complaints", escape(&wo));
            out.push(Command::Api(ApiCall::post_json(TAG_COMPLAINT, path, &body)));
        }
    });
    ui.horizontal(|ui| {
        ui.label(t!("dash-score"));
        if s.score == 0 {
            s.score = 5;
        }
        for n in 1..=5 {
            ui.selectable_value(&mut s.score, n, n.to_string())
                .on_hover_text(t!("dash-score-hint"));
        }
        if ui
            .add_enabled(!wo.is_empty(), egui::Button::new(t!("dash-record-score")))
            .clicked()
        {
            let body = serde_json::json!({"score": s.score});
            let path = format!("/v1/work-orders/{}/satisfaction", escape(&wo));
            out.push(Command::Api(ApiCall::post_json(TAG_SCORE, path, &body)));
        }
    });
}
