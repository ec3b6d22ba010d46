//! Devices: full-text search (asset tag, model, serial, IP, location) over a virtualised list,
//! and a device's page with its fields, on-site edits and maintenance history.

use crate::format;
use crate::screens::common::section;
use crate::state::command::Command;
use crate::state::devices::{device_field, label_of};
use crate::state::{AppState, DeviceView};
use egui::RichText;
use fieldsync::model::device::DEVICE_FIELDS;
use fieldsync_i18n::{self as i18n, t};

/// The device statuses of the asset ledger, as stored.
const DEVICE_STATUSES: [&str; 4] = ["in_service", "spare", "retired", "replaced"];

/// A device status code in words (`in_service` → "In service"); an unknown code as it is.
pub fn device_status(code: &str) -> String {
    match code {
        "in_service" => t!("eng-dev-status-in-service"),
        "spare" => t!("eng-dev-status-spare"),
        "retired" => t!("eng-dev-status-retired"),
        "replaced" => t!("eng-dev-status-replaced"),
        other => other.to_string(),
    }
}

pub fn devices_ui(ui: &mut egui::Ui, state: &mut AppState, out: &mut Vec<Command>) {
    if let Some(d) = &mut state.devices.open {
        let mut back = false;
        device_page_ui(ui, d, &mut back, out);
        if back {
            state.devices.open = None;
        }
        return;
    }
    let ds = &mut state.devices;
    ui.horizontal(|ui| {
        ui.heading(t!("eng-dev-heading"));
        let r = ui
            .add(
                egui::TextEdit::singleline(&mut ds.query)
                    .hint_text(t!("eng-dev-search-hint"))
                    .desired_width(360.0),
            )
            .accessible_name(t!("eng-dev-search"));
        if ds.searched.is_none() {
            r.request_focus();
        }
    });
    if ds.searched.as_deref() != Some(ds.query.as_str()) {
        out.push(Command::SearchDevices(ds.query.clone()));
    }
    ui.label(
        RichText::new(t!(
            "eng-dev-count",
            shown = ds.results.len(),
            count = ds.total
        ))
        .color(format::GREY),
    );
    let row_h = ui.text_style_height(&egui::TextStyle::Body) + 8.0;
    let widths = column_widths(ui);
    ui.horizontal(|ui| {
        for (h, w) in [
            t!("eng-dev-col-asset-tag"),
            t!("eng-dev-col-type"),
            t!("eng-dev-col-model"),
            t!("eng-dev-col-serial"),
            t!("eng-dev-col-ip"),
        ]
        .iter()
        .zip(widths)
        {
            cell(
                ui,
                w,
                row_h,
                egui::Label::new(RichText::new(h).strong()).truncate(),
            );
        }
        ui.add(egui::Label::new(RichText::new(t!("eng-dev-col-location")).strong()).truncate());
    });
    egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .show_rows(ui, row_h, ds.results.len(), |ui, range| {
            for row in &ds.results[range] {
                ui.horizontal(|ui| {
                    if cell(ui, widths[0], row_h, egui::Link::new(&row.asset_tag)).clicked() {
                        out.push(Command::OpenDevice(row.doc_id));
                    }
                    let kind = fieldsync_i18n::words::device_type(
                        fieldsync_i18n::current(),
                        &row.device_type,
                    );
                    let cells = [
                        kind.as_str(),
                        row.model.as_deref().unwrap_or("—"),
                        row.serial.as_deref().unwrap_or("—"),
                        row.ip.as_deref().unwrap_or("—"),
                    ];
                    for (c, w) in cells.iter().zip(&widths[1..]) {
                        cell(ui, *w, row_h, egui::Label::new(*c).truncate());
                    }
                    ui.add(egui::Label::new(&row.location).truncate());
                });
            }
        });
}

/// The widths of the columns before the location. All but the asset tag (a link, read
/// whole) shrink alike when the window is too narrow for them and [`LOCATION_MIN_WIDTH`]
/// (at 800 px the location column started past the window's edge); their words are elided,
/// with the full words on hover.
fn column_widths(ui: &egui::Ui) -> [f32; 5] {
    const WIDEST: [f32; 5] = [150.0, 110.0, 200.0, 160.0, 130.0];
    let gaps = ui.spacing().item_spacing.x * WIDEST.len() as f32;
    let room = ui.available_width() - LOCATION_MIN_WIDTH - gaps - WIDEST[0];
    let scale = (room / WIDEST[1..].iter().sum::<f32>()).clamp(0.5, 1.0);
    let mut widths = WIDEST.map(|w| w * scale);
    widths[0] = WIDEST[0];
    widths
}

/// Room kept for the last column, the location, which is elided to what is left.
const LOCATION_MIN_WIDTH: f32 = 160.0;

/// A fixed-width, left-aligned table cell (columns line up in the virtualised list).
fn cell(ui: &mut egui::Ui, width: f32, height: f32, widget: impl egui::Widget) -> egui::Response {
    ui.allocate_ui_with_layout(
        egui::vec2(width, height),
        egui::Layout::left_to_right(egui::Align::Center),
        |ui| {
            ui.set_min_width(width);
            ui.add(widget)
        },
    )
    .inner
}

fn device_page_ui(ui: &mut egui::Ui, d: &mut DeviceView, back: &mut bool, out: &mut Vec<Command>) {
    egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .show(ui, |ui| {
            ui.horizontal(|ui| {
                if ui.button(t!("eng-dev-back")).clicked() {
                    *back = true;
                }
                ui.heading(format!(
                    "{} · {}",
                    d.record.asset_tag,
                    d.record.model.as_deref().unwrap_or(&d.record.device_type)
                ));
                let (t, c) = format::badge(d.badge);
                ui.label(RichText::new(t).color(c));
            });
            if let Some(site) = &d.site_name {
                ui.label(format!("{site} — {}", d.record.location.display()));
            }
            if !d.conflicts.is_empty() {
                section(ui, &t!("eng-dev-conflicts"));
                for c in &d.conflicts {
                    ui.horizontal_wrapped(|ui| {
                        ui.label(RichText::new(format!("{}:", c.label)).strong());
                        for (value, who) in &c.values {
                            ui.label(t!("eng-wo-value-set-by", value = value, who = who));
                            if c.pickable && ui.small_button(t!("eng-wo-keep-this")).clicked() {
                                out.push(Command::SetDeviceField {
                                    field: c.path.join("."),
                                    value: Some(value.clone()),
                                });
                            }
                        }
                    });
                }
            }
            ui.horizontal(|ui| {
                section(ui, &t!("eng-dev-configuration"));
                if !d.editable.is_empty() {
                    let label = if d.editing {
                        t!("eng-dev-done-editing")
                    } else {
                        t!("eng-dev-edit")
                    };
                    if ui.button(label).clicked() {
                        d.editing = !d.editing;
                    }
                }
            });
            if d.editing {
                ui.label(RichText::new(t!("eng-dev-edit-explainer")).color(format::GREY));
            }
            let mut fields: Vec<String> = DEVICE_FIELDS.iter().map(|f| f.to_string()).collect();
            fields.extend(
                d.editable
                    .iter()
                    .filter(|f| f.starts_with("location."))
                    .cloned(),
            );
            egui::Grid::new("device_fields")
                .num_columns(2)
                .striped(true)
                .spacing([16.0, 4.0])
                .show(ui, |ui| {
                    for field in &fields {
                        if field == "site_id" || field == "customer_id" {
                            continue;
                        }
                        let stored = device_field(&d.record, field);
                        ui.label(label_of(field));
                        let editing = d.editing && d.editable.contains(field);
                        if field == "status" && editing {
                            status_ui(ui, &stored, out);
                        } else if field == "device_type" && editing {
                            device_type_ui(ui, &stored, out);
                        } else if editing {
                            let draft = d
                                .drafts
                                .entry(field.clone())
                                .or_insert_with(|| stored.clone());
                            let r = ui
                                .add(egui::TextEdit::singleline(draft).desired_width(320.0))
                                .accessible_name(t!(
                                    "eng-dev-edit-field",
                                    field = label_of(field).to_lowercase()
                                ));
                            if r.lost_focus() && *draft != stored {
                                out.push(Command::SetDeviceField {
                                    field: field.clone(),
                                    value: Some(draft.clone()),
                                });
                            }
                        } else {
                            ui.label(if stored.is_empty() {
                                "—".to_string()
                            } else if field == "status" {
                                device_status(&stored)
                            } else if field == "device_type" {
                                i18n::words::device_type(i18n::current(), &stored)
                            } else {
                                stored
                            });
                        }
                        ui.end_row();
                    }
                    for (k, val) in &d.record.attributes {
                        ui.label(k);
                        ui.label(val);
                        ui.end_row();
                    }
                });
            section(ui, &t!("eng-dev-history"));
            if d.history.is_empty() {
                ui.label(t!("eng-dev-history-empty"));
            }
            egui::Grid::new("device_history")
                .striped(true)
                .num_columns(4)
                .spacing([12.0, 4.0])
                .show(ui, |ui| {
                    for w in &d.history {
                        let when = w
                            .completed_at_ms
                            .or(w.scheduled_start_ms)
                            .map_or("—".into(), |t| format::time_in(t, d.zone));
                        ui.label(when);
                        if ui.link(&w.title).clicked() {
                            out.push(Command::OpenWorkOrder(w.doc_id));
                        }
                        ui.label(super::new_incident::kind_word(&w.kind));
                        ui.label(
                            RichText::new(i18n::words::status(i18n::current(), w.status))
                                .color(format::status_color(w.status)),
                        );
                        ui.end_row();
                    }
                });
        });
}

/// The device's status as a choice of the ledger's statuses, in words.
/// The device type as a choice among the ledger's types, in words.
fn device_type_ui(ui: &mut egui::Ui, stored: &str, out: &mut Vec<Command>) {
    let lang = i18n::current();
    let shown = if stored.is_empty() {
        "—".to_string()
    } else {
        i18n::words::device_type(lang, stored)
    };
    egui::ComboBox::from_id_salt("device_type_edit")
        .selected_text(shown)
        .show_ui(ui, |ui| {
            for code in fieldsync::model::device::DEVICE_TYPES {
                if ui
                    .selectable_label(code == stored, i18n::words::device_type(lang, code))
                    .clicked()
                    && code != stored
                {
                    out.push(Command::SetDeviceField {
                        field: "device_type".into(),
                        value: Some(code.to_owned()),
                    });
                }
            }
        })
        .response
        .accessible_name(t!(
            "eng-dev-edit-field",
            field = label_of("device_type").to_lowercase()
        ));
}

fn status_ui(ui: &mut egui::Ui, stored: &str, out: &mut Vec<Command>) {
    let shown = if stored.is_empty() {
        "—".to_string()
    } else {
        device_status(stored)
    };
    egui::ComboBox::from_id_salt("device_status")
        .selected_text(shown)
        .show_ui(ui, |ui| {
            for code in DEVICE_STATUSES {
                if ui
                    .selectable_label(stored == code, device_status(code))
                    .clicked()
                    && stored != code
                {
                    out.push(Command::SetDeviceField {
                        field: "status".into(),
                        value: Some(code.into()),
                    });
                }
            }
        })
        .response
        .accessible_name(t!(
            "eng-dev-edit-field",
            field = t!("eng-dev-field-status").to_lowercase()
        ));
}
