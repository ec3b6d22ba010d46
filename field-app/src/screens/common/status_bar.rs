//! The sync status bar (always visible): online or offline, last sync, changes waiting,
//! errors in plain words, "Sync now"; and the Sync page with rejected changes in quarantine.

use crate::format;
use crate::state::command::Command;
use crate::state::connectivity::Connectivity;
use crate::state::{AppState, Screen};
use egui::RichText;
use fieldsync_i18n::t;

pub fn status_bar_ui(ui: &mut egui::Ui, state: &AppState, out: &mut Vec<Command>) {
    let s = &state.sync;
    ui.horizontal(|ui| {
        let (dot, text) = match (s.running, state.connectivity, s.server.is_some()) {
            (true, _, _) => (format::BLUE, t!("bar-syncing")),
            (_, _, false) => (format::GREY, t!("bar-no-server")),
            (_, Connectivity::Online, _) => (format::GREEN, t!("bar-online")),
            (_, Connectivity::Offline { since_ms }, _) => (
                format::RED,
                t!(
                    "bar-offline-since",
                    span = format::duration((state.now_ms - since_ms).max(60_000))
                ),
            ),
            (_, Connectivity::SignedOut, _) => (format::GREY, t!("bar-signed-out")),
            (_, Connectivity::Unknown, _) => (format::GREY, t!("bar-not-synced-yet")),
        };
        ui.label(RichText::new("●").color(dot));
        ui.label(text);
        ui.separator();
        match s.last_sync_ms {
            Some(at) => ui.label(t!("bar-last-sync", ago = format::ago(state.now_ms, at))),
            None => ui.label(t!("bar-never-synced")),
        };
        ui.separator();
        let pending = if s.pending == 0 {
            RichText::new(t!("bar-all-sent")).color(format::GREEN)
        } else {
            RichText::new(t!("bar-docs-waiting", count = s.pending)).color(format::AMBER)
        };
        ui.label(pending);
        if s.pending_blobs > 0 {
            ui.label(t!("bar-files-waiting", count = s.pending_blobs));
        }
        if !s.quarantine.is_empty() {
            ui.separator();
            let text =
                RichText::new(t!("bar-rejected", count = s.quarantine.len())).color(format::RED);
            if ui.link(text).clicked() {
                out.push(Command::Go(Screen::SyncDetails));
            }
        }
        if let Some(p) = &s.progress {
            ui.separator();
            ui.spinner();
            ui.label(p);
        }
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if state.connectivity == Connectivity::SignedOut {
                if ui.button(t!("bar-sign-in-again")).clicked() {
                    out.push(Command::Go(Screen::SignIn));
                }
            } else if ui
                .add_enabled(!s.running, egui::Button::new(t!("sync-now")))
                .clicked()
            {
                out.push(Command::SyncNow);
            }
            if let Some(e) = &s.error {
                let text = match s.retry_in_secs {
                    Some(secs) => t!("bar-error-retrying", error = e, secs = secs),
                    None => e.clone(),
                };
                // Long words (a revoked or signed-out computer) are cut to the room left, not
                // drawn over the counts beside them; the whole text is on hover.
                let hover = format!("{text}\n{}", t!("bar-work-is-saved"));
                ui.add(egui::Label::new(RichText::new(text).color(format::RED)).truncate())
                    .on_hover_text(hover);
            }
        });
    });
}

/// The Sync page: details of the last sync and the quarantine.
pub fn sync_details_ui(ui: &mut egui::Ui, state: &AppState, out: &mut Vec<Command>) {
    // The waiting list alone is longer than a 500 px window after a day offline.
    egui::ScrollArea::vertical()
        .id_salt("sync_details")
        .auto_shrink([false, false])
        .show(ui, |ui| sync_details_body_ui(ui, state, out));
}

fn sync_details_body_ui(ui: &mut egui::Ui, state: &AppState, out: &mut Vec<Command>) {
    let s = &state.sync;
    ui.heading(t!("screen-sync"));
    egui::Grid::new("sync_grid")
        .num_columns(2)
        .spacing([16.0, 6.0])
        .show(ui, |ui| {
            ui.label(t!("sync-server"));
            ui.label(s.server.clone().unwrap_or_else(|| t!("nav-not-signed-in")));
            ui.end_row();
            ui.label(t!("sync-last-success"));
            ui.label(s.last_sync_ms.map_or(t!("sync-never"), |at| {
                format!("{} ({})", format::time(at), format::ago(state.now_ms, at))
            }));
            ui.end_row();
            ui.label(t!("sync-waiting"));
            ui.label(t!(
                "sync-waiting-counts",
                docs = s.pending,
                files = s.pending_blobs
            ));
            ui.end_row();
            if let Some(sum) = &s.last_summary {
                ui.label(t!("sync-last"));
                ui.label(sum);
                ui.end_row();
            }
            if let Some(e) = &s.error {
                ui.label(t!("sync-problem"));
                // The whole words, wrapped: the bar above may only have room for their start.
                ui.add(egui::Label::new(RichText::new(e).color(format::RED)).wrap());
                ui.end_row();
            }
        });
    ui.add_space(6.0);
    ui.label(t!("sync-explainer"));
    ui.horizontal(|ui| {
        if ui
            .add_enabled(!s.running, egui::Button::new(t!("sync-now")))
            .clicked()
        {
            out.push(Command::SyncNow);
        }
        if ui.button(t!("sync-sign-in-again")).clicked() {
            out.push(Command::Go(Screen::SignIn));
        }
        if state.identity.is_some() && s.server.is_some() {
            let b = ui
                .button(t!("sync-sign-out"))
                .on_hover_text(t!("sync-sign-out-hint"));
            if b.clicked() {
                out.push(Command::SignOut);
            }
        }
    });
    if state.identity.is_some() && s.pending > 0 {
        ui.label(RichText::new(t!("sync-sign-out-pending", count = s.pending)).color(format::GREY));
    }
    if !s.pending_items.is_empty() {
        super::section(ui, &t!("sync-waiting-list", count = s.pending_items.len()));
        // Why they wait: the last problem, or simply that the next sync has not run yet.
        let why = match (&s.error, state.connectivity.is_offline()) {
            (Some(e), _) => t!("sync-waiting-because", why = e.clone()),
            (None, true) => t!("sync-waiting-offline"),
            _ => t!("sync-waiting-next"),
        };
        ui.label(RichText::new(why).color(format::GREY));
        egui::Grid::new("pending")
            .striped(true)
            .num_columns(2)
            .spacing([12.0, 4.0])
            .show(ui, |ui| {
                for p in &s.pending_items {
                    if p.is_work_order {
                        if ui.link(&p.name).clicked() {
                            out.push(Command::OpenWorkOrder(p.doc_id));
                        }
                    } else {
                        ui.label(&p.name);
                    }
                    ui.label(
                        RichText::new(t!(
                            "sync-edited-here",
                            when = format::ago(state.now_ms, p.edited_at_ms)
                        ))
                        .color(format::GREY),
                    );
                    ui.end_row();
                }
            });
    }
    super::section(ui, &t!("sync-quarantine"));
    if s.quarantine.is_empty() {
        ui.label(t!("sync-quarantine-empty"));
        return;
    }
    ui.label(t!("sync-quarantine-explainer"));
    egui::Grid::new("quarantine")
        .striped(true)
        .num_columns(4)
        .spacing([12.0, 6.0])
        .show(ui, |ui| {
            for q in &s.quarantine {
                if ui.link(&q.title).clicked() {
                    out.push(Command::OpenWorkOrder(q.doc_id));
                }
                ui.label(format::time(q.at_ms));
                ui.label(
                    RichText::new(format!("{} — {}", format::reject_reason(&q.code), q.reason))
                        .color(format::RED),
                );
                if ui.small_button(t!("flash-dismiss")).clicked() {
                    out.push(Command::DismissQuarantine(q.id));
                }
                ui.end_row();
            }
        });
}
