//! The Problems screen (问题管理) for the dispatcher and the supervisor: the problem records,
//! the one being written, and the recurring incidents offered to link. Wide windows show the
//! list and the candidates beside the form; narrow ones stack them.

use super::problem_form;
use crate::format;
use crate::state::AppState;
use crate::state::command::Command;
use crate::state::problems::ProblemsState;
use egui::RichText;
use fieldsync::problem::{Candidate, ProblemStatus, RecurrenceKey};
use fieldsync_i18n::{self as i18n, t};

/// Below this width the list, form and candidates stack in one column.
const TWO_COLUMNS_MIN_WIDTH: f32 = 1000.0;

pub fn problems_ui(ui: &mut egui::Ui, state: &mut AppState, out: &mut Vec<Command>) {
    let zones = &state.site_zones;
    let s = &mut state.problems;
    if !s.asked {
        s.asked = true;
        out.push(Command::Api(ProblemsState::list_call()));
        out.push(Command::Api(s.candidates_call()));
    }
    ui.horizontal_wrapped(|ui| {
        ui.heading(t!("problems-heading"));
        if ui.button(t!("problems-new")).clicked() {
            s.new_problem();
        }
        if ui.button(t!("problems-refresh")).clicked() {
            out.push(Command::Api(ProblemsState::list_call()));
            out.push(Command::Api(s.candidates_call()));
        }
    });
    if let Some(e) = &s.error {
        ui.label(RichText::new(t!("problems-not-loaded", why = e)).color(format::RED));
    }
    if ui.available_width() >= TWO_COLUMNS_MIN_WIDTH {
        ui.columns(2, |cols| {
            egui::ScrollArea::vertical()
                .id_salt("problems_side")
                .auto_shrink([false, false])
                .show(&mut cols[0], |ui| {
                    list_ui(ui, s);
                    ui.separator();
                    candidates_ui(ui, s, zones, out);
                });
            egui::ScrollArea::vertical()
                .id_salt("problems_form")
                .auto_shrink([false, false])
                .show(&mut cols[1], |ui| problem_form::form_ui(ui, s, zones, out));
        });
    } else {
        egui::ScrollArea::vertical()
            .id_salt("problems_all")
            .auto_shrink([false, false])
            .show(ui, |ui| {
                list_ui(ui, s);
                ui.separator();
                problem_form::form_ui(ui, s, zones, out);
                ui.separator();
                candidates_ui(ui, s, zones, out);
            });
    }
}

/// A status in words.
pub fn status_words(s: ProblemStatus) -> String {
    match s {
        ProblemStatus::Open => t!("problems-status-open"),
        ProblemStatus::KnownError => t!("problems-status-known_error"),
        ProblemStatus::Resolved => t!("problems-status-resolved"),
        ProblemStatus::Closed => t!("problems-status-closed"),
    }
}

fn list_ui(ui: &mut egui::Ui, s: &mut ProblemsState) {
    ui.label(RichText::new(t!("problems-list")).strong());
    let Some(list) = &s.list else {
        ui.label(RichText::new(t!("problems-loading")).color(format::GREY));
        return;
    };
    if list.is_empty() {
        ui.label(RichText::new(t!("problems-none")).color(format::GREY));
    }
    let mut open = None;
    for p in list {
        let selected = s.form.id.as_deref() == Some(p.id.as_str());
        let status = p.status.map(status_words).unwrap_or_default();
        let text = t!(
            "problems-row",
            title = &p.title,
            status = status,
            count = p.incidents.len()
        );
        let row = ui.add(egui::Button::selectable(selected, text).wrap());
        if row.clicked() {
            open = Some(p.id.clone());
        }
    }
    if let Some(id) = open {
        s.open(&id);
    }
}

/// What a group of recurring incidents has in common, in words.
fn candidate_heading(c: &Candidate) -> String {
    match &c.key {
        RecurrenceKey::Device { .. } => t!(
            "problems-candidate-device",
            device = &c.label,
            count = c.incidents.len()
        ),
        RecurrenceKey::SiteCategory { category, .. } => t!(
            "problems-candidate-site",
            site = &c.label,
            category = i18n::words::category(i18n::current(), category),
            count = c.incidents.len()
        ),
    }
}

fn candidates_ui(
    ui: &mut egui::Ui,
    s: &mut ProblemsState,
    zones: &problem_form::Zones,
    out: &mut Vec<Command>,
) {
    ui.label(RichText::new(t!("problems-candidates")).strong());
    ui.horizontal_wrapped(|ui| {
        let l = ui.label(t!("problems-candidates-min"));
        ui.add(egui::DragValue::new(&mut s.min).range(2..=50))
            .labelled_by(l.id);
        let l = ui.label(t!("problems-candidates-days"));
        ui.add(egui::DragValue::new(&mut s.days).range(1..=366))
            .labelled_by(l.id);
        if ui.button(t!("problems-candidates-find")).clicked() {
            out.push(Command::Api(s.candidates_call()));
        }
    });
    if let Some(e) = &s.candidates_error {
        ui.label(RichText::new(e).color(format::RED));
    }
    let Some(groups) = &s.candidates else {
        return;
    };
    if groups.is_empty() {
        ui.label(RichText::new(t!("problems-candidates-none")).color(format::GREY));
    }
    let form = &mut s.form;
    for (i, c) in groups.iter().enumerate() {
        ui.push_id(("candidate", i), |ui| {
            ui.add_space(4.0);
            ui.horizontal_wrapped(|ui| {
                ui.label(RichText::new(candidate_heading(c)).strong());
                let all_linked = c.incidents.iter().all(|i| form.is_linked(&i.doc_id));
                if ui
                    .add_enabled(!all_linked, egui::Button::new(t!("problems-link-all")))
                    .clicked()
                {
                    for incident in &c.incidents {
                        form.link(incident);
                    }
                }
            });
            for incident in &c.incidents {
                ui.horizontal_wrapped(|ui| {
                    let linked = form.is_linked(&incident.doc_id);
                    if ui
                        .add_enabled(!linked, egui::Button::new(t!("problems-link")))
                        .clicked()
                    {
                        form.link(incident);
                    }
                    ui.label(problem_form::incident_words(incident, zones));
                });
            }
        });
    }
}
