//! The supervisor dashboard's device figures: downtime from the outages recorded on work
//! orders, and fault time (fault reported → completed, an upper bound that needs nothing
//! recorded). Both as read from `/v1/kpis` (the figures themselves are in
//! [`crate::state::supervisor`]).

use crate::state::supervisor::{DeviceFaultFigures, DowntimeFigures};
use egui::RichText;
use fieldsync_i18n::t;

/// Devices listed under each figure (the most hours first).
const DEVICES_SHOWN: usize = 10;

/// Devices by recorded downtime, most first.
pub fn downtime_ui(ui: &mut egui::Ui, d: &DowntimeFigures, period: &str) {
    ui.label(RichText::new(t!("dash-downtime-title", period = period)).strong());
    if d.by_device.is_empty() {
        ui.label(t!("dash-downtime-none"));
        return;
    }
    ui.label(RichText::new(t!("dash-downtime-note")).color(egui::Color32::GRAY));
    if let Some(so_far) = d.down_so_far_hours {
        ui.label(
            RichText::new(t!(
                "dash-downtime-still-down",
                count = d.still_down,
                hours = format!("{so_far:.1}")
            ))
            .color(crate::format::RED),
        );
    }
    let rows = d.by_device.iter().map(|(name, s)| {
        let hours = format!("{:.1}", s.downtime_hours);
        let text = if s.still_down > 0 {
            t!(
                "dash-downtime-device-down",
                name = name,
                hours = hours,
                count = s.outages,
                so_far = format!("{:.1}", s.down_so_far_hours)
            )
        } else {
            t!(
                "dash-downtime-device",
                name = name,
                hours = hours,
                count = s.outages
            )
        };
        (s.downtime_hours, name, text)
    });
    top_list(ui, rows.collect());
}

/// Devices by fault hours, most first.
pub fn fault_time_ui(ui: &mut egui::Ui, d: &DeviceFaultFigures, period: &str) {
    ui.label(RichText::new(t!("dash-fault-time-title", period = period)).strong());
    if d.by_device.is_empty() {
        ui.label(t!("dash-fault-time-none"));
        return;
    }
    ui.label(RichText::new(t!("dash-fault-time-note")).color(egui::Color32::GRAY));
    let rows = d.by_device.iter().map(|(name, s)| {
        let hours = format!("{:.1}", s.fault_hours);
        let text = if s.still_open > 0 {
            t!(
                "dash-fault-time-device-open",
                name = name,
                hours = hours,
                count = s.faults,
                open = s.still_open
            )
        } else {
            t!(
                "dash-fault-time-device",
                name = name,
                hours = hours,
                count = s.faults
            )
        };
        (s.fault_hours, name, text)
    });
    top_list(ui, rows.collect());
}

/// The [`DEVICES_SHOWN`] rows with the most hours (ties by name), and how many more there are.
fn top_list(ui: &mut egui::Ui, mut rows: Vec<(f64, &String, String)>) {
    rows.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    let more = rows.len().saturating_sub(DEVICES_SHOWN);
    for (_, _, text) in rows.into_iter().take(DEVICES_SHOWN) {
        ui.label(text);
    }
    if more > 0 {
        ui.label(t!("dash-more-devices", count = more));
    }
}
