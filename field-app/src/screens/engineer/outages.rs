//! The work order's devices, each with its outage: whether it is down, since when, and when
//! it was restored. The engineer (or the dispatcher) records it here; the monthly summary's
//! device downtime is computed from it.

use crate::format::{self, Zone};
use crate::state::command::Command;
use crate::state::{OutageForm, WorkOrderView};
use crate::time_input;
use egui::RichText;
use fieldsync::model::Outage;
use fieldsync_i18n::t;

pub fn devices_ui(ui: &mut egui::Ui, v: &mut WorkOrderView, now: i64, out: &mut Vec<Command>) {
    if v.devices.is_empty() && v.wo.outages.is_empty() {
        ui.label(t!("eng-outage-no-devices"));
        return;
    }
    let zone = v.zone();
    let mut rows: Vec<(String, Option<fieldsync::DocId>, String)> = v
        .devices
        .iter()
        .map(|(id, label)| (id.to_string(), Some(*id), label.clone()))
        .collect();
    // An outage of a device unlinked since is still shown (it still counts).
    for dev in v.wo.outages.keys() {
        if !rows.iter().any(|(d, _, _)| d == dev) {
            let label = t!("eng-outage-unlinked-device", id = short(dev));
            rows.push((dev.clone(), None, label));
        }
    }
    egui::Grid::new("wo_devices")
        .num_columns(3)
        .spacing([12.0, 6.0])
        .show(ui, |ui| {
            for (dev, id, label) in &rows {
                match id {
                    Some(id) => {
                        if ui.link(label).clicked() {
                            out.push(Command::OpenDevice(*id));
                        }
                    }
                    None => {
                        ui.label(label);
                    }
                }
                let outage = v.wo.outages.get(dev);
                outage_text_ui(ui, outage.as_ref(), zone, now);
                ui.horizontal(|ui| {
                    if v.rights.outages && v.drafts.outage.is_none() {
                        actions_ui(ui, v, dev, id.is_some(), outage.as_ref(), zone, now, out);
                    }
                });
                ui.end_row();
            }
        });
    if let Some(form) = &mut v.drafts.outage {
        let label = rows
            .iter()
            .find(|(d, _, _)| *d == form.device)
            .map_or(String::new(), |(_, _, l)| l.clone());
        let exists = v.wo.outages.contains_key(&form.device);
        let refusal = v.notice.as_deref();
        if let Err(e) = form_ui(ui, form, &label, exists, refusal, zone, now, out) {
            v.notice = Some(e);
        }
    }
}

/// "Down since 09:10 · 3 h 20 min so far", "Down 09:10 – 12:30 · 3 h 20 min", or "Serving".
fn outage_text_ui(ui: &mut egui::Ui, o: Option<&Outage>, zone: Zone, now: i64) {
    let Some(o) = o else {
        ui.label(RichText::new(t!("eng-outage-serving")).color(format::GREY));
        return;
    };
    let from = format::time_in(o.down_from_ms, zone);
    match o.restored_at_ms {
        None => ui.label(
            RichText::new(t!(
                "eng-outage-down-since",
                time = &from,
                span = format::duration(now - o.down_from_ms)
            ))
            .color(format::RED)
            .strong(),
        ),
        Some(end) if o.is_inverted() => ui.label(
            RichText::new(t!(
                "eng-outage-inverted",
                from = &from,
                to = format::time_in(end, zone)
            ))
            .color(format::AMBER),
        ),
        Some(end) => ui.label(t!(
            "eng-outage-was-down",
            from = &from,
            to = format::time_in(end, zone),
            span = format::duration(end - o.down_from_ms)
        )),
    };
}

#[allow(clippy::too_many_arguments)]
fn actions_ui(
    ui: &mut egui::Ui,
    v: &mut WorkOrderView,
    dev: &str,
    linked: bool,
    outage: Option<&Outage>,
    zone: Zone,
    now: i64,
    out: &mut Vec<Command>,
) {
    let Some(o) = outage else {
        if linked && ui.button(t!("eng-outage-device-down")).clicked() {
            // The fault was reported when the work order was opened: a good first guess.
            let from = v.wo.created_at_ms.min(now);
            v.drafts.outage = Some(OutageForm {
                device: dev.to_owned(),
                down_from: time_input::to_text(from, zone),
                restored_at: String::new(),
            });
        }
        return;
    };
    if o.restored_at_ms.is_none() && ui.button(t!("eng-outage-restored-now")).clicked() {
        out.push(Command::DeviceRestored(dev.to_owned()));
    }
    if ui.button(t!("eng-outage-correct-times")).clicked() {
        v.drafts.outage = Some(OutageForm {
            device: dev.to_owned(),
            down_from: time_input::to_text(o.down_from_ms, zone),
            restored_at: o
                .restored_at_ms
                .map(|t| time_input::to_text(t, zone))
                .unwrap_or_default(),
        });
    }
}

/// The form; `Err` is a refusal in words (a time that cannot be read). `refusal` is why the
/// last save was refused, shown beside the times it is about.
#[allow(clippy::too_many_arguments)]
fn form_ui(
    ui: &mut egui::Ui,
    form: &mut OutageForm,
    label: &str,
    exists: bool,
    refusal: Option<&str>,
    zone: Zone,
    now: i64,
    out: &mut Vec<Command>,
) -> Result<(), String> {
    let mut result = Ok(());
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.label(RichText::new(t!("eng-outage-of", device = label)).strong());
        let clock = match zone {
            Zone::Site(tz) => t!("eng-outage-clock-site", zone = tz.name()),
            Zone::Device => t!("eng-outage-clock-device"),
        };
        ui.label(RichText::new(t!("eng-outage-time-format", clock = clock)).color(format::GREY));
        egui::Grid::new("outage_form")
            .num_columns(2)
            .spacing([10.0, 4.0])
            .show(ui, |ui| {
                let l = ui.label(t!("eng-outage-down-from"));
                ui.add(egui::TextEdit::singleline(&mut form.down_from).desired_width(160.0))
                    .labelled_by(l.id);
                ui.end_row();
                let l = ui.label(t!("eng-outage-restored-at"));
                ui.add(
                    egui::TextEdit::singleline(&mut form.restored_at)
                        .hint_text(t!("eng-outage-still-down-hint"))
                        .desired_width(160.0),
                )
                .labelled_by(l.id);
                ui.end_row();
            });
        if let Some(why) = refusal {
            ui.label(RichText::new(why).color(format::RED));
        }
        ui.horizontal(|ui| {
            if ui.button(t!("eng-outage-save")).clicked() {
                result = read_form(form, zone, now).map(|(from, to)| {
                    out.push(Command::RecordOutage {
                        device: form.device.clone(),
                        down_from_ms: from,
                        restored_at_ms: to,
                    })
                });
            }
            if exists && ui.button(t!("eng-outage-remove")).clicked() {
                out.push(Command::ClearOutage(form.device.clone()));
            }
            if ui.button(t!("eng-outage-cancel")).clicked() {
                out.push(Command::CancelOutageForm);
            }
        });
    });
    result
}

fn read_form(form: &OutageForm, zone: Zone, now: i64) -> Result<(i64, Option<i64>), String> {
    let from = time_input::parse(&form.down_from, zone, now)
        .map_err(|e| t!("eng-outage-down-from-error", error = e))?;
    let to = match form.restored_at.trim() {
        "" => None,
        t => Some(
            time_input::parse(t, zone, now)
                .map_err(|e| t!("eng-outage-restored-at-error", error = e))?,
        ),
    };
    Ok((from, to))
}

fn short(id: &str) -> &str {
    id.get(..8).unwrap_or(id)
}
