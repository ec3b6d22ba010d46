//! New incident on site: the engineer records another fault, offline, assigned to themself.
//! The work order gets its UUID here, so it syncs later without duplicates.

use crate::format;
use crate::state::command::Command;
use crate::state::{AppState, Screen};
use egui::RichText;
use fieldsync::model::{CATEGORIES, priority_for};
use fieldsync_i18n::t;

/// A kind of work order (`incident`, `inspection` …) in words; an unknown one as it is.
pub fn kind_word(code: &str) -> String {
    match code {
        "incident" => t!("eng-incident-kind-incident"),
        "inspection" => t!("eng-incident-kind-inspection"),
        "maintenance" => t!("eng-incident-kind-maintenance"),
        "change" => t!("eng-incident-kind-change"),
        other => other.to_string(),
    }
}

/// A work order category (`network` …) in words; an unknown one as it is.
pub fn category_word(code: &str) -> String {
    match code {
        "network" => t!("eng-incident-cat-network"),
        "security" => t!("eng-incident-cat-security"),
        "software" => t!("eng-incident-cat-software"),
        "hardware" => t!("eng-incident-cat-hardware"),
        "other" => t!("eng-incident-cat-other"),
        other => other.to_string(),
    }
}

pub fn new_incident_ui(ui: &mut egui::Ui, state: &mut AppState, out: &mut Vec<Command>) {
    let sites = state.sites.clone();
    let f = &mut state.incident;
    ui.heading(t!("eng-incident-heading"));
    ui.label(t!("eng-incident-explainer"));
    ui.add_space(8.0);
    egui::Grid::new("incident")
        .num_columns(2)
        .spacing([12.0, 8.0])
        .show(ui, |ui| {
            let l = ui.label(t!("eng-incident-title"));
            ui.add(egui::TextEdit::singleline(&mut f.title).desired_width(420.0))
                .labelled_by(l.id);
            ui.end_row();
            let l = ui.label(t!("eng-incident-description"));
            ui.add(
                egui::TextEdit::multiline(&mut f.description)
                    .desired_rows(4)
                    .desired_width(420.0),
            )
            .labelled_by(l.id);
            ui.end_row();
            let site_label = ui.label(t!("eng-incident-site"));
            let current = f
                .site_id
                .as_ref()
                .map(|id| {
                    sites
                        .iter()
                        .find(|(s, _)| s == id)
                        .map_or(id.clone(), |(_, n)| n.clone())
                })
                .unwrap_or_else(|| t!("eng-incident-no-site"));
            egui::ComboBox::from_id_salt("incident_site")
                .selected_text(current)
                .width(300.0)
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut f.site_id, None, t!("eng-incident-no-site"));
                    for (id, name) in &sites {
                        ui.selectable_value(&mut f.site_id, Some(id.clone()), name);
                    }
                })
                .response
                .labelled_by(site_label.id);
            ui.end_row();
            let cat_label = ui.label(t!("eng-incident-category"));
            egui::ComboBox::from_id_salt("incident_cat")
                .selected_text(category_word(&f.category))
                .show_ui(ui, |ui| {
                    for c in CATEGORIES {
                        ui.selectable_value(&mut f.category, c.to_string(), category_word(c));
                    }
                })
                .response
                .labelled_by(cat_label.id);
            ui.end_row();
            ui.label(t!("eng-incident-impact-urgency"));
            ui.horizontal(|ui| {
                for (id, label, value) in [
                    ("impact", t!("eng-incident-impact"), &mut f.impact),
                    ("urgency", t!("eng-incident-urgency"), &mut f.urgency),
                ] {
                    egui::ComboBox::from_id_salt(id)
                        .selected_text(t!("eng-incident-level-of", what = &label, level = *value))
                        .show_ui(ui, |ui| {
                            for (n, word) in [
                                (1, t!("eng-incident-high")),
                                (2, t!("eng-incident-medium")),
                                (3, t!("eng-incident-low")),
                            ] {
                                ui.selectable_value(
                                    value,
                                    n,
                                    t!("eng-incident-level", level = n, word = word),
                                );
                            }
                        })
                        .response
                        .accessible_name(label);
                }
                ui.label(
                    RichText::new(t!(
                        "eng-incident-priority",
                        priority = priority_for(f.impact, f.urgency).to_string()
                    ))
                    .strong(),
                );
            });
            ui.end_row();
            ui.label(t!("eng-incident-devices"));
            ui.vertical(|ui| {
                let mut remove = None;
                for (i, (_, label)) in f.devices.iter().enumerate() {
                    ui.horizontal(|ui| {
                        ui.label(label);
                        if ui.small_button("×").clicked() {
                            remove = Some(i);
                        }
                    });
                }
                if let Some(i) = remove {
                    f.devices.remove(i);
                }
                let r = ui
                    .add(
                        egui::TextEdit::singleline(&mut f.device_query)
                            .hint_text(t!("eng-incident-find-device-hint"))
                            .desired_width(300.0),
                    )
                    .accessible_name(t!("eng-incident-find-device"));
                if r.changed() {
                    out.push(Command::SearchIncidentDevices(f.device_query.clone()));
                }
                if !f.device_query.trim().is_empty() {
                    for d in f.device_results.iter().take(8) {
                        let label = format!(
                            "{} · {} · {}",
                            d.asset_tag,
                            d.model.as_deref().unwrap_or(&d.device_type),
                            d.location
                        );
                        if ui.small_button(format!("＋ {label}")).clicked()
                            && !f.devices.iter().any(|(id, _)| *id == d.doc_id)
                        {
                            f.devices.push((d.doc_id, label));
                        }
                    }
                }
            });
            ui.end_row();
        });
    ui.add_space(8.0);
    ui.horizontal(|ui| {
        if ui
            .button(RichText::new(t!("eng-incident-create")).strong())
            .clicked()
        {
            out.push(Command::CreateIncident);
        }
        if ui.button(t!("eng-incident-cancel")).clicked() {
            out.push(Command::Go(Screen::MyWork));
        }
    });
    if let Some(e) = &f.error {
        ui.label(RichText::new(e).color(format::RED));
    }
}
