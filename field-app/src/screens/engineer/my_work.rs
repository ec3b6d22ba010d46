//! My work as the engineer's agenda ([`crate::state::agenda`]): sent back on top with a
//! badge, then overdue, today, the next days and done; each row with site, status, SLA
//! countdown and sync badge. The countdown is computed on the device
//! ([`crate::state::sla_clocks`]), so it ticks offline.

use crate::format;
use crate::state::agenda::{self, Agenda};
use crate::state::command::Command;
use crate::state::sla_clocks;
use crate::state::{AppState, Screen};
use egui::RichText;
use fieldsync::store::SyncBadge;
use fieldsync_i18n::{self as i18n, t};

pub fn my_work_ui(ui: &mut egui::Ui, state: &mut AppState, out: &mut Vec<Command>) {
    ui.horizontal(|ui| {
        ui.heading(t!("eng-mywork-heading"));
        ui.label(t!("eng-mywork-count", count = state.my_work.len()));
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui.button(t!("eng-mywork-new-incident")).clicked() {
                out.push(Command::Go(Screen::NewIncident));
            }
        });
    });
    if state.my_work.is_empty() {
        ui.add_space(20.0);
        ui.label(t!("eng-mywork-empty"));
        return;
    }
    let now = state.now_ms;
    // Both ways: at 800 px the table is wider than the window.
    egui::ScrollArea::both()
        .auto_shrink([false, false])
        .show(ui, |ui| {
            egui::Grid::new("my_work")
                .striped(true)
                .num_columns(7)
                .spacing([14.0, 8.0])
                .show(ui, |ui| {
                    for h in [
                        t!("eng-mywork-col-when"),
                        t!("eng-mywork-col-work-order"),
                        t!("eng-mywork-col-site"),
                        t!("eng-mywork-col-status"),
                        t!("eng-mywork-col-priority"),
                        t!("eng-mywork-col-sla"),
                        t!("eng-mywork-col-sync"),
                    ] {
                        ui.label(RichText::new(h).strong());
                    }
                    ui.end_row();
                    let zone_of = |row: &fieldsync::store::WorkOrderRow| {
                        row.site_id
                            .as_ref()
                            .and_then(|s| state.site_zones.get(s))
                            .copied()
                            .unwrap_or_default()
                    };
                    for (section, rows) in agenda::sections(&state.my_work, now, zone_of) {
                        let (title, color) = section_title(section, rows.len());
                        ui.label(RichText::new(title).strong().color(color));
                        ui.end_row();
                        for row in rows {
                            let when = row.scheduled_start_ms.or(row.response_due_ms).map_or(
                                "—".to_string(),
                                |t| {
                                    let zone =
                                        row.site_id.as_ref().and_then(|s| state.site_zones.get(s));
                                    format::time_in(t, zone.copied().unwrap_or_default())
                                },
                            );
                            ui.label(when);
                            let title = match &row.number {
                                Some(n) => format!("{n} · {}", row.title),
                                None => row.title.clone(),
                            };
                            let clicked = ui
                                .horizontal(|ui| {
                                    if section == Agenda::SentBack {
                                        ui.label(
                                            RichText::new(t!("eng-agenda-sent-back-badge"))
                                                .small()
                                                .strong()
                                                .color(egui::Color32::WHITE)
                                                .background_color(format::RED),
                                        );
                                    }
                                    ui.link(RichText::new(title).strong())
                                        .on_hover_text(super::new_incident::kind_word(&row.kind))
                                        .clicked()
                                })
                                .inner;
                            if clicked {
                                out.push(Command::OpenWorkOrder(row.doc_id));
                            }
                            ui.label(row.site_name.as_deref().unwrap_or("—"));
                            let status_word = i18n::words::status(i18n::current(), row.status);
                            let mut status =
                                RichText::new(&status_word).color(format::status_color(row.status));
                            if row.conflict {
                                status =
                                    RichText::new(t!("eng-mywork-conflict", status = &status_word))
                                        .color(format::RED);
                            }
                            ui.label(status);
                            ui.label(row.priority.as_deref().unwrap_or("—"));
                            match state.sla_clocks.for_row(row, now) {
                                Some(cd) => match cd.current() {
                                    Some(c) => ui
                                        .label(
                                            RichText::new(&c.text)
                                                .color(sla_clocks::color(c.state)),
                                        )
                                        .on_hover_text(cd.details()),
                                    None => ui.label("—"),
                                },
                                None => ui.label("—"),
                            };
                            let badge = state
                                .my_work_badges
                                .get(&row.doc_id)
                                .copied()
                                .unwrap_or(SyncBadge::Synced);
                            let (text, color) = format::badge(badge);
                            ui.label(RichText::new(text).color(color));
                            ui.end_row();
                        }
                    }
                });
        });
}

/// A section's heading and colour, with its count.
fn section_title(section: Agenda, count: usize) -> (String, egui::Color32) {
    match section {
        Agenda::SentBack => (t!("eng-agenda-sent-back", count = count), format::RED),
        Agenda::Overdue => (t!("eng-agenda-overdue", count = count), format::RED),
        Agenda::Today => (t!("eng-agenda-today", count = count), format::BLUE),
        Agenda::Later => (t!("eng-agenda-later", count = count), format::GREY),
        Agenda::Done => (t!("eng-agenda-done", count = count), format::GREY),
    }
}
