//! Inspection plans: the list (pause / resume, edit) and the editor — the recurrence builder
//! ([`super::plan_recurrence`]), a calendar for the first day, clock inputs for the window —
//! with a preview of the next occurrences from the server
//! (`POST /v1/plans/preview`), refreshed as the draft changes. Saving creates or updates the
//! plan; the server then generates its work orders (future occurrences only).

use crate::format;
use crate::runtime::messages::ApiCall;
use crate::state::AppState;
use crate::state::command::Command;
use crate::state::dispatch::dispatch_model::{local_date, local_day_hm, zoned_hm};
use crate::state::dispatch::may_dispatch;
use crate::state::dispatch::plans::{opened, reset_preview};
use crate::state::dispatch::plans_model::{DeviceScope, Plan, PlanDraft};
use crate::state::dispatch::recurrence::Recurrence;
use crate::widgets::{ClockInput, DatePicker};
use chrono::NaiveDate;
use egui::RichText;
use fieldsync_i18n::t;

/// Wait this long after the last keystroke before asking for a preview.
const PREVIEW_DEBOUNCE_MS: i64 = 500;
/// Width the form needs (labels, 300 px fields, the weekday row) and the preview beside it.
const FORM_W: f32 = 520.0;
const PREVIEW_W: f32 = 300.0;
/// Occurrences shown in the preview.
const PREVIEW_COUNT: usize = 8;

pub fn plans_ui(ui: &mut egui::Ui, state: &mut AppState, out: &mut Vec<Command>) {
    if !state.dispatch.plans.loaded {
        state.dispatch.plans.loaded = true; // asked; the answer fills the list
        opened(state, out);
    }
    if state.dispatch.plans.editor.is_some() {
        editor_ui(ui, state, out);
    } else {
        list_ui(ui, state, out);
    }
}

/// A stored plan's recurrence in words (the RRULE itself when only it can say it).
fn rule_words(p: &Plan) -> String {
    Recurrence::from_rule(&p.rrule, p.day_filter).describe()
}

fn list_ui(ui: &mut egui::Ui, state: &mut AppState, out: &mut Vec<Command>) {
    let can = may_dispatch(state);
    ui.horizontal(|ui| {
        ui.label(
            RichText::new(t!("plans-count", count = state.dispatch.plans.list.len()))
                .strong()
                .size(16.0),
        );
        if can && ui.button(t!("plans-new-button")).clicked() {
            let tz = state.dispatch.zone();
            let today = local_date(tz, state.now_ms);
            state.dispatch.plans.editor = Some(PlanDraft::new(today, tz.name()));
            reset_preview(&mut state.dispatch.plans);
        }
    });
    if let Some(e) = &state.dispatch.plans.error {
        ui.label(RichText::new(t!("plans-load-failed", error = e)).color(format::RED));
    }
    let d = &state.dispatch;
    if d.plans.list.is_empty() && d.plans.error.is_none() {
        let text = if !d.plans.answered {
            t!("plans-loading")
        } else if can {
            t!("plans-empty-dispatcher")
        } else {
            t!("plans-empty")
        };
        ui.label(RichText::new(text).color(format::GREY));
        return;
    }
    let mut edit = None;
    let mut toggle = None;
    // Both ways: at 800 px the table is wider than the window.
    egui::ScrollArea::both()
        .auto_shrink([false, false])
        .show(ui, |ui| {
            egui::Grid::new("plans")
                .striped(true)
                .num_columns(8)
                .spacing([14.0, 8.0])
                .show(ui, |ui| {
                    for h in [
                        t!("plans-col-plan"),
                        t!("plans-col-site"),
                        t!("plans-col-recurrence"),
                        t!("plans-col-window"),
                        t!("plans-col-engineer"),
                        t!("plans-col-priority"),
                        t!("plans-col-state"),
                        String::new(),
                    ] {
                        ui.label(RichText::new(h).strong());
                    }
                    ui.end_row();
                    for (i, p) in d.plans.list.iter().enumerate() {
                        ui.label(RichText::new(&p.title).strong());
                        ui.label(d.site_name(&p.site_id));
                        ui.label(rule_words(p)).on_hover_text(&p.rrule);
                        ui.label(format!(
                            "{}–{} ({})",
                            p.window_start, p.window_end, p.time_zone
                        ));
                        ui.label(
                            p.default_engineer
                                .as_deref()
                                .map_or("—".to_string(), |e| d.engineer_name(e)),
                        );
                        ui.label(p.priority.as_deref().unwrap_or("—"));
                        if p.paused {
                            ui.label(RichText::new(t!("plans-paused")).color(format::AMBER));
                        } else {
                            ui.label(RichText::new(t!("plans-active")).color(format::GREEN));
                        }
                        ui.horizontal(|ui| {
                            if !can {
                                return;
                            }
                            if ui.button(t!("plans-edit")).clicked() {
                                edit = Some(i);
                            }
                            let word = if p.paused {
                                t!("plans-resume")
                            } else {
                                t!("plans-pause")
                            };
                            if ui.button(word).clicked() {
                                toggle = Some(i);
                            }
                        });
                        ui.end_row();
                    }
                });
        });
    let plans = &mut state.dispatch.plans;
    if let Some(i) = edit
        && let Some(p) = plans.list.get(i)
    {
        plans.editor = Some(PlanDraft::from_plan(p));
        reset_preview(plans);
    }
    if let Some(i) = toggle
        && let Some(p) = plans.list.get(i)
        && let Some(id) = &p.id
    {
        let mut changed = p.clone();
        changed.paused = !p.paused;
        out.push(Command::Api(ApiCall::put_json(
            format!("dispatch.plan.pause.{id}"),
            format!("/v1/plans/{id}"),
            &changed,
        )));
    }
}

/// Ask for a preview once the draft has been still for a moment.
fn schedule_preview(ui: &egui::Ui, state: &mut AppState, plan: &Plan, out: &mut Vec<Command>) {
    let now = state.now_ms;
    let plans = &mut state.dispatch.plans;
    let json = serde_json::to_string(plan).unwrap_or_default();
    if plans.previewed.as_deref() == Some(json.as_str()) {
        return;
    }
    let due = match &plans.pending {
        Some((j, at)) if *j == json => *at,
        _ => {
            let at = now + PREVIEW_DEBOUNCE_MS;
            plans.pending = Some((json.clone(), at));
            at
        }
    };
    if now >= due {
        plans.pending = None;
        plans.previewed = Some(json);
        out.push(Command::Api(ApiCall::post_json(
            "dispatch.plan.preview",
            format!("/v1/plans/preview?n={PREVIEW_COUNT}"),
            plan,
        )));
    } else {
        let wait = u64::try_from(due - now).unwrap_or(0);
        ui.ctx()
            .request_repaint_after(std::time::Duration::from_millis(wait));
    }
}

fn editor_ui(ui: &mut egui::Ui, state: &mut AppState, out: &mut Vec<Command>) {
    let sites: Vec<(String, String, String)> = state
        .dispatch
        .sites
        .iter()
        .map(|s| (s.doc_id.clone(), s.name.clone(), s.customer_id.clone()))
        .collect();
    let engineers: Vec<(String, String)> = state
        .dispatch
        .engineers
        .iter()
        .map(|e| (e.user_id.clone(), e.display_name.clone()))
        .collect();
    let templates = state.templates.clone();
    let Some(mut draft) = state.dispatch.plans.editor.take() else {
        return;
    };
    // "Today" on the calendar is the site's (the plan's zone), as its dates are.
    let zone = draft
        .time_zone
        .trim()
        .parse()
        .unwrap_or_else(|_| state.dispatch.zone());
    let today = local_date(zone, state.now_ms);
    // The site's calendar (its customer's contract) marks holidays and 调休 days.
    let calendar = state
        .dispatch
        .contracts
        .iter()
        .find(|c| draft.customer_id.as_deref() == Some(c.customer_id.as_str()))
        .map(|c| c.calendar.clone());
    let heading = if draft.base.is_some() {
        t!("plans-edit-heading")
    } else {
        t!("plans-new-heading")
    };
    ui.label(RichText::new(heading).strong().size(16.0));
    if draft.base.is_some() {
        ui.label(RichText::new(t!("plans-edit-note")).color(format::GREY));
    }
    let mut close = false;
    let lists = FormLists {
        sites: &sites,
        engineers: &engineers,
        templates: &templates,
        today,
        calendar: calendar.as_ref(),
    };
    // Side by side when both fit (the form is about 460 px wide); at 800 px the preview
    // goes under the form. Either way the form scrolls and Save stays in view.
    let wide = ui.available_width() >= FORM_W + PREVIEW_W;
    egui::ScrollArea::vertical()
        .id_salt("plan_form_scroll")
        .max_height((ui.available_height() - 70.0).max(120.0))
        .show(ui, |ui| {
            if wide {
                ui.horizontal_top(|ui| {
                    ui.vertical(|ui| {
                        ui.set_width(FORM_W);
                        form_ui(ui, &mut draft, &lists);
                    });
                    ui.add_space(24.0);
                    ui.vertical(|ui| preview_ui(ui, state, &draft));
                });
            } else {
                form_ui(ui, &mut draft, &lists);
                ui.separator();
                preview_ui(ui, state, &draft);
            }
        });
    let checked = draft.to_plan();
    match &checked {
        Ok(plan) => schedule_preview(ui, state, plan, out),
        Err(_) => state.dispatch.plans.pending = None,
    }
    let plans = &mut state.dispatch.plans;
    ui.add_space(8.0);
    ui.horizontal(|ui| {
        let save = ui.add_enabled(
            checked.is_ok() && !plans.saving,
            egui::Button::new(RichText::new(t!("plans-save")).strong()),
        );
        if save.clicked()
            && let Ok(plan) = &checked
        {
            plans.saving = true;
            plans.editor_error = None;
            out.push(Command::Api(match &plan.id {
                Some(id) => {
                    ApiCall::put_json("dispatch.plan.save", format!("/v1/plans/{id}"), plan)
                }
                None => ApiCall::post_json("dispatch.plan.save", "/v1/plans", plan),
            }));
        }
        if ui.button(t!("plans-cancel")).clicked() {
            close = true;
        }
        if plans.saving {
            ui.label(RichText::new(t!("plans-saving")).color(format::GREY));
        }
    });
    if let Err(e) = &checked {
        ui.label(RichText::new(e).color(format::RED));
    }
    if let Some(e) = &plans.editor_error {
        ui.label(RichText::new(e).color(format::RED));
    }
    if !close {
        plans.editor = Some(draft);
    }
}

/// What the form offers to choose from: (id, name, customer) sites, (id, name) engineers
/// and templates, and the site's today for the calendar.
struct FormLists<'a> {
    sites: &'a [(String, String, String)],
    engineers: &'a [(String, String)],
    templates: &'a [(String, String)],
    today: NaiveDate,
    calendar: Option<&'a fieldsync::sla::Calendar>,
}

fn form_ui(ui: &mut egui::Ui, d: &mut PlanDraft, lists: &FormLists<'_>) {
    let FormLists {
        sites,
        engineers,
        templates,
        today,
        calendar,
    } = *lists;
    egui::Grid::new("plan_form")
        .num_columns(2)
        .spacing([10.0, 8.0])
        .show(ui, |ui| {
            let l = ui.label(t!("plans-title"));
            ui.add(egui::TextEdit::singleline(&mut d.title).desired_width(300.0))
                .labelled_by(l.id);
            ui.end_row();
            let l = ui.label(t!("plans-site"));
            let current = d
                .site_id
                .as_ref()
                .and_then(|id| sites.iter().find(|s| &s.0 == id))
                .map_or_else(|| t!("plans-choose"), |s| s.1.clone());
            egui::ComboBox::from_id_salt("plan_site")
                .selected_text(current)
                .width(280.0)
                .show_ui(ui, |ui| {
                    for s in sites {
                        if ui
                            .selectable_value(&mut d.site_id, Some(s.0.clone()), &s.1)
                            .clicked()
                        {
                            d.customer_id = Some(s.2.clone());
                        }
                    }
                })
                .response
                .labelled_by(l.id);
            ui.end_row();
            ui.label(t!("plans-devices"));
            ui.horizontal(|ui| {
                ui.selectable_value(
                    &mut d.scope,
                    DeviceScope::AllAtSite,
                    t!("plans-devices-all"),
                );
                ui.selectable_value(
                    &mut d.scope,
                    DeviceScope::OfType,
                    t!("plans-devices-of-type"),
                );
                if d.scope == DeviceScope::OfType {
                    // The ledger's types, in words: a typed "UPS" would match nothing.
                    let lang = fieldsync_i18n::current();
                    let shown = if d.device_type.is_empty() {
                        t!("plans-choose")
                    } else {
                        fieldsync_i18n::words::device_type(lang, &d.device_type)
                    };
                    egui::ComboBox::from_id_salt("plan_device_type")
                        .selected_text(shown)
                        .show_ui(ui, |ui| {
                            for code in fieldsync::model::device::DEVICE_TYPES {
                                ui.selectable_value(
                                    &mut d.device_type,
                                    code.to_owned(),
                                    fieldsync_i18n::words::device_type(lang, code),
                                );
                            }
                        })
                        .response
                        .accessible_name(t!("plans-device-type"));
                }
                if d.base.as_ref().is_some_and(|p| !p.device_ids.is_empty()) {
                    let n = d.base.as_ref().map_or(0, |p| p.device_ids.len());
                    ui.selectable_value(
                        &mut d.scope,
                        DeviceScope::Listed,
                        t!("plans-devices-listed", count = n),
                    );
                }
            });
            ui.end_row();
            let l = ui.label(t!("plans-template"));
            let current = d
                .template_id
                .as_ref()
                .map(|id| {
                    templates
                        .iter()
                        .find(|(t, _)| t == id)
                        .map_or_else(|| t!("plans-template-elsewhere"), |(_, n)| n.clone())
                })
                .unwrap_or_else(|| t!("plans-template-none"));
            egui::ComboBox::from_id_salt("plan_template")
                .selected_text(current)
                .width(300.0)
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut d.template_id, None, t!("plans-template-none"));
                    for (id, name) in templates {
                        ui.selectable_value(&mut d.template_id, Some(id.clone()), name);
                    }
                })
                .response
                .labelled_by(l.id);
            ui.end_row();
            super::plan_recurrence::recurrence_rows(ui, &mut d.recurrence);
            // Not `labelled_by`: the button's own name is the date it shows.
            ui.label(t!("plans-starts-on"));
            let (off, on) = calendar.map_or((&[][..], &[][..]), |c| {
                (c.holidays.as_slice(), c.working_days.as_slice())
            });
            ui.add(DatePicker::new("plan_starts_on", &mut d.starts_on, today).marks(off, on));
            ui.end_row();
            // The window is the site's wall clock: the zone is named beside each time.
            let zone = d.time_zone.trim().to_string();
            for (label, minutes) in [
                (t!("plans-window-start"), &mut d.window_start),
                (t!("plans-window-end"), &mut d.window_end),
            ] {
                ui.label(&label);
                ui.add(ClockInput::new(minutes, label, zone.clone()));
                ui.end_row();
            }
            for (label, value, hint) in [
                (
                    t!("plans-time-zone"),
                    &mut d.time_zone,
                    chrono_tz::Asia::Shanghai.name(),
                ),
                (t!("plans-horizon"), &mut d.horizon_days, "28"),
            ] {
                let l = ui.label(label);
                ui.add(
                    egui::TextEdit::singleline(value)
                        .hint_text(hint)
                        .desired_width(160.0),
                )
                .labelled_by(l.id);
                ui.end_row();
            }
            let l = ui.label(t!("plans-default-engineer"));
            let current = d
                .default_engineer
                .as_ref()
                .and_then(|id| engineers.iter().find(|e| &e.0 == id))
                .map_or_else(|| t!("plans-no-engineer"), |e| e.1.clone());
            egui::ComboBox::from_id_salt("plan_engineer")
                .selected_text(current)
                .width(220.0)
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut d.default_engineer, None, t!("plans-no-engineer"));
                    for (id, name) in engineers {
                        ui.selectable_value(&mut d.default_engineer, Some(id.clone()), name);
                    }
                })
                .response
                .labelled_by(l.id);
            ui.end_row();
            let l = ui.label(t!("plans-priority"));
            egui::ComboBox::from_id_salt("plan_priority")
                .selected_text(d.priority.clone())
                .show_ui(ui, |ui| {
                    for p in fieldsync::sla::PRIORITIES {
                        ui.selectable_value(&mut d.priority, p.to_string(), p);
                    }
                })
                .response
                .labelled_by(l.id);
            ui.end_row();
            ui.label(t!("plans-paused-label"));
            ui.checkbox(&mut d.paused, t!("plans-paused-hint"));
            ui.end_row();
        });
}

fn preview_ui(ui: &mut egui::Ui, state: &AppState, d: &PlanDraft) {
    ui.label(RichText::new(t!("plans-next-visits")).strong());
    let tz: chrono_tz::Tz = d.time_zone.trim().parse().unwrap_or(chrono_tz::UTC);
    match &state.dispatch.plans.preview {
        None => {
            ui.label(RichText::new(t!("plans-preview-waiting")).color(format::GREY));
        }
        Some(Err(e)) => {
            ui.label(RichText::new(e).color(format::RED));
        }
        Some(Ok(list)) if list.is_empty() => {
            ui.label(t!("plans-no-visits"));
        }
        Some(Ok(list)) => {
            for o in list {
                ui.label(format!(
                    "{}–{}",
                    local_day_hm(tz, o.start_ms),
                    zoned_hm(tz, o.end_ms)
                ));
            }
            ui.label(
                RichText::new(t!("plans-times-in", zone = tz.name()))
                    .small()
                    .color(format::GREY),
            );
        }
    }
}
