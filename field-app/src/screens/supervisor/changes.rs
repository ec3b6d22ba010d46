//! Change approvals (supervisor): the changes awaiting a decision, emergency first, each with
//! its class, state, a reason box and Approve / Reject; below, the latest decisions. Read from
//! the local store and decided as document edits, so it works offline
//! ([`crate::state::changes`]).

use crate::format;
use crate::screens::common::change_class as words;
use crate::state::AppState;
use crate::state::changes::ChangeLine;
use crate::state::command::Command;
use egui::RichText;
use fieldsync::model::ApprovalDecision;
use fieldsync_i18n::t;

pub fn changes_ui(ui: &mut egui::Ui, state: &mut AppState, out: &mut Vec<Command>) {
    ui.horizontal_wrapped(|ui| {
        ui.heading(t!("changes-title"));
        ui.label(t!("changes-count", count = state.changes.pending.len()));
    });
    ui.label(RichText::new(t!("changes-intro")).color(format::GREY));
    ui.label(
        RichText::new(t!("changes-offline-note"))
            .small()
            .color(format::GREY),
    );
    ui.add_space(6.0);
    egui::ScrollArea::both()
        .auto_shrink([false, false])
        .show(ui, |ui| {
            if state.changes.pending.is_empty() {
                ui.label(t!("changes-empty"));
            } else {
                pending_ui(ui, state, out);
            }
            if !state.changes.decided.is_empty() {
                crate::screens::common::section(ui, &t!("changes-recent"));
                decided_ui(ui, state, out);
            }
        });
}

fn header_row(ui: &mut egui::Ui) {
    for h in [
        t!("changes-col-class"),
        t!("changes-col-work-order"),
        t!("changes-col-decision"),
    ] {
        ui.label(RichText::new(h).strong());
    }
    ui.end_row();
}

/// Two cells: the class over its state, and the work order (a link to open it) over its
/// site and opening time on the site's clock. Stacked, so the list fits 800 px.
fn line_ui(ui: &mut egui::Ui, state: &AppState, line: &ChangeLine, out: &mut Vec<Command>) {
    let dark = ui.visuals().dark_mode;
    let emergency = line.class == Some(fieldsync::model::ChangeClass::Emergency);
    ui.vertical(|ui| {
        // One line each: wrapped, the state ran down three lines in a column of spare room.
        ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Extend);
        let class = RichText::new(words::class_word(line.class.as_ref())).strong();
        ui.label(if emergency {
            class.color(format::readable(format::RED, dark))
        } else {
            class
        });
        let color = words::state_color(&line.state, dark);
        ui.label(RichText::new(words::state_word(&line.state)).color(color));
    });
    let width = (ui.ctx().content_rect().width() * 0.3).clamp(200.0, 420.0);
    ui.vertical(|ui| {
        ui.set_max_width(width);
        ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Wrap);
        if ui.link(line.label()).clicked() {
            out.push(Command::OpenWorkOrder(line.doc_id));
        }
        let zone = zone_of(state, line);
        let mut place = vec![format::time_in(line.created_at_ms, zone)];
        if let Some(site) = &line.site_name {
            place.insert(0, site.clone());
        }
        ui.label(RichText::new(place.join(" · ")).small().color(format::GREY));
    });
}

/// The clock a change's times are shown on: its site's.
fn zone_of(state: &AppState, line: &ChangeLine) -> format::Zone {
    line.site_id
        .as_ref()
        .and_then(|s| state.site_zones.get(s).copied())
        .unwrap_or_default()
}

fn pending_ui(ui: &mut egui::Ui, state: &mut AppState, out: &mut Vec<Command>) {
    let lines = state.changes.pending.clone();
    egui::Grid::new("change_queue")
        .striped(true)
        .num_columns(3)
        .spacing([14.0, 8.0])
        .show(ui, |ui| {
            header_row(ui);
            for line in &lines {
                line_ui(ui, state, line, out);
                ui.vertical(|ui| {
                    let reason = state.changes.reasons.entry(line.doc_id).or_default();
                    ui.add_sized(
                        [240.0, 20.0],
                        egui::TextEdit::singleline(reason).hint_text(t!("changes-reason-hint")),
                    )
                    .on_hover_text(line.label());
                    let reason = reason.clone();
                    ui.horizontal(|ui| {
                        for (decision, word) in [
                            (ApprovalDecision::Approved, t!("changes-approve")),
                            (ApprovalDecision::Rejected, t!("changes-reject")),
                        ] {
                            if ui.button(word).clicked() {
                                out.push(Command::DecideChange {
                                    id: line.doc_id,
                                    decision,
                                    reason: reason.clone(),
                                });
                            }
                        }
                    });
                });
                ui.end_row();
            }
        });
}

fn decided_ui(ui: &mut egui::Ui, state: &AppState, out: &mut Vec<Command>) {
    let names = super::names::names_of(state);
    egui::Grid::new("change_decided")
        .striped(true)
        .num_columns(3)
        .spacing([14.0, 8.0])
        .show(ui, |ui| {
            header_row(ui);
            for line in &state.changes.decided {
                line_ui(ui, state, line, out);
                let lines = line
                    .approval
                    .as_ref()
                    .map(|a| words::decision_lines(a, &names, zone_of(state, line)))
                    .unwrap_or_default();
                ui.label(lines.join("\n"));
                ui.end_row();
            }
        });
}
