//! The sync status bar (always visible): online or offline, last sync, changes waiting,
//! errors in plain words, "Sync now"; and the Sync page with rejected changes in quarantine.

use crate::command::Command;
use crate::format;
use crate::state::{AppState, Screen};
use egui::RichText;

pub fn status_bar_ui(ui: &mut egui::Ui, state: &AppState, out: &mut Vec<Command>) {
    let s = &state.sync;
    ui.horizontal(|ui| {
        let (dot, text) = match (s.running, s.online, s.server.is_some()) {
            (true, _, _) => (format::BLUE, "syncing"),
            (_, _, false) => (format::GREY, "not connected to a server"),
            (_, Some(true), _) => (format::GREEN, "online"),
            (_, Some(false), _) => (format::RED, "offline"),
            (_, None, _) => (format::GREY, "not synced yet"),
        };
        ui.label(RichText::new("●").color(dot));
        ui.label(text);
        ui.separator();
        match s.last_sync_ms {
            Some(t) => ui.label(format!("last sync {}", format::ago(state.now_ms, t))),
            None => ui.label("never synced"),
        };
        ui.separator();
        let pending = if s.pending == 0 {
            RichText::new("all changes sent").color(format::GREEN)
        } else {
            RichText::new(format!(
                "{} document{} with changes waiting",
                s.pending,
                if s.pending == 1 { "" } else { "s" }
            ))
            .color(format::AMBER)
        };
        ui.label(pending);
        if s.pending_blobs > 0 {
            ui.label(format!("· {} file(s) waiting", s.pending_blobs));
        }
        if !s.quarantine.is_empty() {
            ui.separator();
            let t = RichText::new(format!("{} rejected change(s)", s.quarantine.len())).color(format::RED);
            if ui.link(t).clicked() {
                out.push(Command::Go(Screen::SyncDetails));
            }
        }
        if let Some(p) = &s.progress {
            ui.separator();
            ui.spinner();
            ui.label(p);
        }
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if s.needs_sign_in {
                if ui.button("Sign in again").clicked() {
                    out.push(Command::Go(Screen::SignIn));
                }
            } else if ui.add_enabled(!s.running, egui::Button::new("Sync now")).clicked() {
                out.push(Command::SyncNow);
            }
            if let Some(e) = &s.error {
                let retry = s.retry_in_secs.map(|r| format!(" — retrying in {r} s")).unwrap_or_default();
                ui.label(RichText::new(format!("{e}{retry}")).color(format::RED))
                    .on_hover_text("Your work is saved on this device and is sent when the server is reachable.");
            }
        });
    });
}

/// The Sync page: details of the last sync and the quarantine.
pub fn sync_details_ui(ui: &mut egui::Ui, state: &AppState, out: &mut Vec<Command>) {
    let s = &state.sync;
    ui.heading("Sync");
    egui::Grid::new("sync_grid")
        .num_columns(2)
        .spacing([16.0, 6.0])
        .show(ui, |ui| {
            ui.label("Server");
            ui.label(s.server.as_deref().unwrap_or("not signed in"));
            ui.end_row();
            ui.label("Last successful sync");
            ui.label(s.last_sync_ms.map_or("never".into(), |t| {
                format!("{} ({})", format::time(t), format::ago(state.now_ms, t))
            }));
            ui.end_row();
            ui.label("Changes waiting");
            ui.label(format!(
                "{} document(s), {} file(s)",
                s.pending, s.pending_blobs
            ));
            ui.end_row();
            if let Some(sum) = &s.last_summary {
                ui.label("Last sync");
                ui.label(sum);
                ui.end_row();
            }
            if let Some(e) = &s.error {
                ui.label("Problem");
                ui.label(RichText::new(e).color(format::RED));
                ui.end_row();
            }
        });
    ui.add_space(6.0);
    ui.label("The app syncs by itself every 30 seconds while online, and retries with growing pauses while offline. Everything you enter is saved on this device first.");
    ui.horizontal(|ui| {
        if ui
            .add_enabled(!s.running, egui::Button::new("Sync now"))
            .clicked()
        {
            out.push(Command::SyncNow);
        }
        if ui.button("Sign in again…").clicked() {
            out.push(Command::Go(Screen::SignIn));
        }
    });
    super::section(ui, "Rejected changes (quarantine)");
    if s.quarantine.is_empty() {
        ui.label("None: the server accepted everything you sent.");
        return;
    }
    ui.label("The server refused these changes. Your edits are kept here (nothing is deleted); the document went back to the server's version with the edits you are allowed to make re-applied.");
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
                if ui.small_button("Dismiss").clicked() {
                    out.push(Command::DismissQuarantine(q.id));
                }
                ui.end_row();
            }
        });
}
