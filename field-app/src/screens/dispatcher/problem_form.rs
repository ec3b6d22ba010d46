//! The form of one problem record on the Problems screen: its texts, status, category and
//! device class, the linked incidents, who wrote it and when (on this computer's clock,
//! labelled), Save, and Publish to the knowledge base.

use super::problems::status_words;
use crate::format;
use crate::state::command::Command;
use crate::state::problems::{FormStatus, ProblemsState};
use egui::RichText;
use fieldsync::model::CATEGORIES;
use fieldsync::model::device::DEVICE_TYPES;
use fieldsync::problem::LinkedIncident;
use fieldsync_i18n::{self as i18n, t};

/// Site id → the clock its times are shown on.
pub type Zones = std::collections::BTreeMap<String, format::Zone>;

/// "WO-2026-00012 · 打印机卡纸 · 已完成 · 12月3日 … 北京时间" for a linked or offered
/// incident: its call time on its site's clock where known, else this computer's, labelled.
pub fn incident_words(i: &LinkedIncident, zones: &Zones) -> String {
    let status = fieldsync::status::Status::parse(&i.status).map_or_else(
        || i.status.clone(),
        |s| i18n::words::status(i18n::current(), s),
    );
    let name = match &i.number {
        Some(n) => format!("{n} · {}", i.title),
        None if i.title.is_empty() => format::short_id(&i.doc_id),
        None => i.title.clone(),
    };
    if i.created_at_ms == 0 {
        return name;
    }
    let zone = i
        .site_id
        .as_ref()
        .and_then(|s| zones.get(s).copied())
        .unwrap_or_default();
    format!(
        "{name} · {status} · {}",
        format::time_in(i.created_at_ms, zone)
    )
}

pub fn form_ui(ui: &mut egui::Ui, s: &mut ProblemsState, zones: &Zones, out: &mut Vec<Command>) {
    let f = &mut s.form;
    ui.label(
        RichText::new(match &f.id {
            Some(_) => t!("problems-edit-heading"),
            None => t!("problems-new-heading"),
        })
        .strong()
        .size(16.0),
    );
    let mut changed = false;
    let width = ui.available_width().min(700.0);
    let l = ui.label(t!("problems-title"));
    changed |= ui
        .add(egui::TextEdit::singleline(&mut f.title).desired_width(width))
        .labelled_by(l.id)
        .changed();
    ui.horizontal_wrapped(|ui| {
        let l = ui.label(t!("problems-status"));
        egui::ComboBox::from_id_salt("problem_status")
            .selected_text(status_words(f.status))
            .show_ui(ui, |ui| {
                for st in f.reachable() {
                    changed |= ui
                        .selectable_value(&mut f.status, st, status_words(st))
                        .changed();
                }
            })
            .response
            .labelled_by(l.id);
        let l = ui.label(t!("problems-category"));
        let words = |c: &Option<String>| match c {
            Some(c) => i18n::words::category(i18n::current(), c),
            None => t!("problems-none-chosen"),
        };
        egui::ComboBox::from_id_salt("problem_category")
            .selected_text(words(&f.category))
            .show_ui(ui, |ui| {
                changed |= ui
                    .selectable_value(&mut f.category, None, words(&None))
                    .changed();
                for c in CATEGORIES {
                    let v = Some(c.to_owned());
                    let w = words(&v);
                    changed |= ui.selectable_value(&mut f.category, v, w).changed();
                }
            })
            .response
            .labelled_by(l.id);
        let l = ui.label(t!("problems-device-type"));
        let words = |d: &Option<String>| match d {
            Some(d) => i18n::words::device_type(i18n::current(), d),
            None => t!("problems-none-chosen"),
        };
        egui::ComboBox::from_id_salt("problem_device_type")
            .selected_text(words(&f.device_type))
            .show_ui(ui, |ui| {
                changed |= ui
                    .selectable_value(&mut f.device_type, None, words(&None))
                    .changed();
                for d in DEVICE_TYPES {
                    let v = Some(d.to_owned());
                    let w = words(&v);
                    changed |= ui.selectable_value(&mut f.device_type, v, w).changed();
                }
            })
            .response
            .labelled_by(l.id);
    });
    for (label, text) in [
        (t!("problems-description"), &mut f.description),
        (t!("problems-root-cause"), &mut f.root_cause),
        (t!("problems-known-error"), &mut f.known_error),
        (t!("problems-workaround"), &mut f.workaround),
    ] {
        let l = ui.label(&label);
        changed |= ui
            .add(
                egui::TextEdit::multiline(text)
                    .desired_rows(2)
                    .desired_width(width),
            )
            .labelled_by(l.id)
            .changed();
    }
    ui.label(RichText::new(t!("problems-incidents", count = f.incidents.len())).strong());
    if f.incidents.is_empty() {
        ui.label(RichText::new(t!("problems-incidents-none")).color(format::GREY));
    }
    let mut unlink = None;
    for (i, incident) in f.incidents.iter().enumerate() {
        ui.push_id(("linked", i), |ui| {
            ui.horizontal_wrapped(|ui| {
                if ui.button(t!("problems-unlink")).clicked() {
                    unlink = Some(incident.doc_id.clone());
                }
                ui.label(incident_words(incident, zones));
            });
        });
    }
    if let Some(id) = unlink {
        f.unlink(&id);
    }
    if changed {
        f.dirty = true;
        s.status = None;
    }
    who_and_when_ui(ui, s);
    actions_ui(ui, s, out);
}

fn who_and_when_ui(ui: &mut egui::Ui, s: &ProblemsState) {
    let f = &s.form;
    if let Some((by, at)) = &f.created {
        ui.label(
            RichText::new(t!("problems-created", name = by, time = format::time(*at)))
                .color(format::GREY),
        );
    }
    if let Some((by, at)) = &f.updated {
        ui.label(
            RichText::new(t!("problems-updated", name = by, time = format::time(*at)))
                .color(format::GREY),
        );
    }
    if let Some(at) = f.published_at_ms {
        ui.label(
            RichText::new(t!("problems-published-at", time = format::time(at)))
                .color(format::GREEN),
        );
    }
}

fn actions_ui(ui: &mut egui::Ui, s: &mut ProblemsState, out: &mut Vec<Command>) {
    let refusal = s.form.refusal();
    ui.horizontal_wrapped(|ui| {
        let save = ui.add_enabled(
            !s.busy && refusal.is_none() && (s.form.dirty || s.form.id.is_none()),
            egui::Button::new(t!("problems-save")),
        );
        if save.clicked() {
            s.busy = true;
            out.push(Command::Api(s.form.save_call()));
        }
        let publish = ui
            .add_enabled(
                !s.busy && s.form.may_publish(),
                egui::Button::new(t!("problems-publish")),
            )
            .on_hover_text(t!("problems-publish-hint"))
            .on_disabled_hover_text(t!("problems-publish-needs"));
        if publish.clicked()
            && let Some(call) = s.form.publish_call()
        {
            s.busy = true;
            out.push(Command::Api(call));
        }
    });
    if let Some(why) = refusal {
        ui.label(RichText::new(why).color(format::AMBER));
    }
    match &s.status {
        Some(FormStatus::Saved) => {
            ui.label(RichText::new(t!("problems-saved")).color(format::GREEN));
        }
        Some(FormStatus::Published) => {
            ui.label(RichText::new(t!("problems-published")).color(format::GREEN));
        }
        Some(FormStatus::NotSaved(why)) => {
            ui.label(RichText::new(t!("problems-not-saved", why = why)).color(format::RED));
        }
        None => {}
    }
}
