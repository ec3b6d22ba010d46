//! The checklist of a work order: pass/fail, readings with unit and limits (out of range in
//! red), text, choices and photo items. Typed values are saved when the field loses focus.

use crate::format;
use crate::state::WorkOrderView;
use crate::state::command::Command;
use egui::RichText;
use fieldsync::model::{CheckAnswer, CheckKind, ChecklistItem};
use fieldsync_i18n::t;

fn limits(item: &ChecklistItem) -> String {
    let unit = item.unit.as_deref().unwrap_or("");
    match (item.min, item.max) {
        (Some(a), Some(b)) => t!("eng-check-limits", min = a, max = b, unit = unit),
        (Some(a), None) => t!("eng-check-at-least", min = a, unit = unit),
        (None, Some(b)) => t!("eng-check-at-most", max = b, unit = unit),
        (None, None) => String::new(),
    }
}

/// Parse a typed reading ("12,5" and "12.5" both work).
pub fn parse_reading(s: &str) -> Option<f64> {
    s.trim()
        .replace(',', ".")
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
}

pub fn checklist_ui(ui: &mut egui::Ui, v: &mut WorkOrderView, out: &mut Vec<Command>) {
    let items: Vec<(String, ChecklistItem)> =
        v.wo.checklist_sorted()
            .into_iter()
            .map(|(k, i)| (k.clone(), i.clone()))
            .collect();
    if items.is_empty() {
        ui.label(t!("eng-check-none"));
        return;
    }
    let editable = v.rights.checklist;
    let photos: Vec<(String, String)> =
        v.wo.photos
            .values()
            .map(|p| {
                (
                    p.sha256.clone(),
                    p.caption
                        .clone()
                        .unwrap_or_else(|| p.sha256[..8].to_string()),
                )
            })
            .collect();
    for (id, item) in items {
        egui::Frame::new()
            .inner_margin(6.0)
            .corner_radius(4.0)
            .stroke(egui::Stroke::new(
                1.0,
                ui.visuals().widgets.noninteractive.bg_stroke.color,
            ))
            .show(ui, |ui| {
                ui.set_width(ui.available_width());
                ui.horizontal_wrapped(|ui| {
                    ui.label(RichText::new(&item.label).strong());
                    if item.required {
                        let color = if item.is_answered() {
                            format::GREY
                        } else {
                            format::RED
                        };
                        ui.label(RichText::new(t!("eng-check-required")).small().color(color));
                    }
                    if let (Some(by), Some(at)) = (&item.by, item.at_ms) {
                        let who = v
                            .names
                            .get(by)
                            .cloned()
                            .unwrap_or_else(|| t!("eng-check-someone-else"));
                        ui.label(
                            RichText::new(t!(
                                "eng-check-answered-by",
                                who = who,
                                time = format::time_in(at, v.zone())
                            ))
                            .small()
                            .color(format::GREY),
                        );
                    }
                });
                ui.add_enabled_ui(editable, |ui| item_ui(ui, v, &id, &item, &photos, out));
                if item.is_failed() {
                    ui.add_enabled_ui(editable, |ui| finding_ui(ui, v, &id, &item, &photos, out));
                }
            });
        ui.add_space(4.0);
    }
}

/// A failed check or an out-of-range reading leads somewhere: a reason (asked for until
/// given; completion waits for it), a photo as evidence, and a follow-up incident linked both
/// ways.
fn finding_ui(
    ui: &mut egui::Ui,
    v: &mut WorkOrderView,
    id: &str,
    item: &ChecklistItem,
    photos: &[(String, String)],
    out: &mut Vec<Command>,
) {
    let stored = item.note.clone().unwrap_or_default();
    let draft = v
        .drafts
        .notes
        .entry(id.to_string())
        .or_insert_with(|| stored.clone());
    ui.horizontal(|ui| {
        let color = if item.needs_reason() {
            format::RED
        } else {
            format::GREY
        };
        ui.label(RichText::new(t!("eng-finding-reason-label")).color(color));
        let r = ui
            .add(
                egui::TextEdit::singleline(draft)
                    .desired_width(360.0)
                    .hint_text(t!("eng-finding-reason-hint")),
            )
            .accessible_name(t!("eng-finding-reason-name", item = &item.label));
        let save = ui
            .small_button(t!("eng-check-save"))
            .accessible_name(t!("eng-finding-save-reason-name", item = &item.label))
            .clicked();
        if (r.lost_focus() || save) && draft.trim() != stored.trim() && !draft.trim().is_empty() {
            out.push(Command::CheckNote {
                item: id.to_string(),
                note: draft.trim().to_string(),
            });
        }
    });
    ui.horizontal_wrapped(|ui| {
        let linked: Vec<&str> =
            v.wo.photos
                .values()
                .filter(|p| p.checklist_item.as_deref() == Some(id))
                .map(|p| p.sha256.as_str())
                .collect();
        for sha in &linked {
            let caption = photos
                .iter()
                .find(|(s, _)| s == sha)
                .map_or(&sha[..8.min(sha.len())], |(_, c)| c.as_str());
            ui.label(RichText::new(format!("▣ {caption}")).color(format::GREY));
        }
        let free: Vec<&(String, String)> = photos
            .iter()
            .filter(|(s, _)| !linked.contains(&s.as_str()))
            .collect();
        if !free.is_empty() {
            egui::ComboBox::from_id_salt(("finding_photo", id))
                .selected_text(t!("eng-finding-add-photo"))
                .show_ui(ui, |ui| {
                    for (sha, caption) in free {
                        if ui.selectable_label(false, caption).clicked() {
                            out.push(Command::LinkPhoto {
                                sha: sha.clone(),
                                item: Some(id.to_string()),
                            });
                        }
                    }
                })
                .response
                .accessible_name(t!("eng-finding-photo-name", item = &item.label));
        } else if linked.is_empty() {
            ui.label(RichText::new(t!("eng-finding-no-photo")).color(format::GREY));
        }
        match &item.follow_up {
            Some(incident) => {
                let shown = incident
                    .parse::<fieldsync::DocId>()
                    .ok()
                    .and_then(|d| v.follow_ups.get(&d).cloned().map(|label| (d, label)));
                match shown {
                    Some((d, label)) => {
                        if ui
                            .link(t!("eng-finding-follow-up", label = label))
                            .clicked()
                        {
                            out.push(Command::OpenWorkOrder(d));
                        }
                    }
                    None => {
                        ui.label(t!("eng-finding-follow-up-elsewhere"));
                    }
                }
            }
            None => {
                if ui.button(t!("eng-finding-new-incident")).clicked() {
                    out.push(Command::IncidentFromCheck(id.to_string()));
                }
            }
        }
    });
}

fn item_ui(
    ui: &mut egui::Ui,
    v: &mut WorkOrderView,
    id: &str,
    item: &ChecklistItem,
    photos: &[(String, String)],
    out: &mut Vec<Command>,
) {
    let answer = |a: CheckAnswer| Command::Answer {
        item: id.to_string(),
        answer: a,
    };
    match &item.kind {
        CheckKind::PassFail => {
            ui.horizontal(|ui| {
                for (value, text) in [
                    ("pass", t!("eng-check-pass")),
                    ("fail", t!("eng-check-fail")),
                    ("na", t!("eng-check-na")),
                ] {
                    let selected = item.result.as_deref() == Some(value);
                    let button = if selected {
                        let fill = match value {
                            "pass" => format::GREEN,
                            "fail" => format::RED,
                            _ => format::GREY,
                        };
                        egui::Button::new(
                            RichText::new(format!("✓ {text}"))
                                .color(egui::Color32::WHITE)
                                .strong(),
                        )
                        .fill(fill)
                    } else {
                        egui::Button::new(text.as_str())
                    };
                    let b = ui.add(button).accessible_name(t!(
                        "eng-check-answer-name",
                        answer = &text,
                        item = &item.label
                    ));
                    if b.clicked() && !selected {
                        out.push(answer(CheckAnswer::PassFail(value.into())));
                    }
                }
            });
        }
        CheckKind::Reading => {
            let stored = item.reading.map(|r| r.to_string()).unwrap_or_default();
            let draft = v
                .drafts
                .readings
                .entry(id.to_string())
                .or_insert_with(|| stored.clone());
            ui.horizontal(|ui| {
                let r = ui
                    .add(
                        egui::TextEdit::singleline(draft)
                            .desired_width(90.0)
                            .hint_text(t!("eng-check-value-hint")),
                    )
                    .accessible_name(t!("eng-check-reading-name", item = &item.label));
                ui.label(item.unit.as_deref().unwrap_or(""));
                ui.label(RichText::new(limits(item)).color(format::GREY));
                let save = ui
                    .small_button(t!("eng-check-save"))
                    .accessible_name(t!("eng-check-save-reading-name", item = &item.label))
                    .clicked();
                if (r.lost_focus() || save) && draft.trim() != stored {
                    match parse_reading(draft) {
                        Some(x) => out.push(answer(CheckAnswer::Reading(x))),
                        None if draft.trim().is_empty() => {}
                        None => {
                            v.notice = Some(t!(
                                "eng-check-not-a-number",
                                value = draft.trim(),
                                item = &item.label
                            ))
                        }
                    }
                }
                if item.out_of_range() {
                    ui.label(
                        RichText::new(t!("eng-check-out-of-range"))
                            .color(format::RED)
                            .strong(),
                    );
                }
            });
        }
        CheckKind::Text => {
            let stored = item.text.clone().unwrap_or_default();
            let draft = v
                .drafts
                .texts
                .entry(id.to_string())
                .or_insert_with(|| stored.clone());
            ui.horizontal(|ui| {
                let r = ui
                    .add(egui::TextEdit::singleline(draft).desired_width(420.0))
                    .accessible_name(t!("eng-check-text-name", item = &item.label));
                let save = ui.small_button(t!("eng-check-save")).clicked();
                if (r.lost_focus() || save) && *draft != stored {
                    out.push(answer(CheckAnswer::Text(draft.clone())));
                }
            });
        }
        CheckKind::Choice => {
            ui.horizontal_wrapped(|ui| {
                for c in &item.choices {
                    let selected = item.choice.as_deref() == Some(c.as_str());
                    if ui.add(egui::Button::new(c).selected(selected)).clicked() && !selected {
                        out.push(answer(CheckAnswer::Choice(c.clone())));
                    }
                }
            });
        }
        CheckKind::Photo => {
            ui.horizontal(|ui| {
                let current = item.photo.as_ref().map(|p| {
                    photos
                        .iter()
                        .find(|(s, _)| s == p)
                        .map_or(p[..8.min(p.len())].to_string(), |(_, c)| c.clone())
                });
                egui::ComboBox::from_id_salt(("photo_item", id))
                    .selected_text(current.unwrap_or_else(|| t!("eng-check-choose-photo")))
                    .show_ui(ui, |ui| {
                        for (sha, caption) in photos {
                            if ui
                                .selectable_label(item.photo.as_deref() == Some(sha), caption)
                                .clicked()
                            {
                                out.push(answer(CheckAnswer::Photo(sha.clone())));
                            }
                        }
                    })
                    .response
                    .accessible_name(t!("eng-check-photo-name", item = &item.label));
                if photos.is_empty() {
                    ui.label(RichText::new(t!("eng-check-attach-first")).color(format::GREY));
                }
            });
        }
        CheckKind::Unknown(other) => {
            ui.label(t!("eng-check-unknown-kind", kind = format!("{other:?}")));
        }
    }
}
