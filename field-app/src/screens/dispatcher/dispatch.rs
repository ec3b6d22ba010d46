//! The dispatcher's screen (same binary, role from the login): the dispatch board, an
//! incident from a phone call, and inspection plans — all server-backed through the API
//! channel. This module draws the tabs and keeps the board live while it is shown (subscribes
//! to server-sent events, reloads when due); the state and the answers are in
//! [`crate::state::dispatch`].

use super::{dispatch_board, dispatch_call, plans};
use crate::runtime::messages::ApiCall;
use crate::state::AppState;
use crate::state::command::Command;
use crate::state::dispatch::{DispatchTab, EVENTS_TAG, Liveness, POLL_MS, board_loads};
use egui::RichText;
use fieldsync_i18n::t;

/// Keep the board fresh while it is visible: subscribe once, reload when due.
fn keep_live(ui: &egui::Ui, state: &mut AppState, out: &mut Vec<Command>) {
    let now = state.now_ms;
    let d = &mut state.dispatch;
    if !d.subscribed && !d.stream_missing {
        out.push(Command::Subscribe(ApiCall::get(
            EVENTS_TAG,
            "/v1/dispatch/events",
        )));
        d.subscribed = true;
        d.liveness = Liveness::Streaming;
    }
    if d.stream_missing && !matches!(d.liveness, Liveness::Polling(_)) {
        d.liveness = Liveness::Polling(t!("dispatch-no-stream"));
    }
    if d.requested_at_ms.is_none() {
        d.reload_at_ms = Some(now);
    }
    if let (Liveness::Polling(_), Some(asked)) = (&d.liveness, d.requested_at_ms) {
        let next = asked + POLL_MS;
        d.reload_at_ms = Some(d.reload_at_ms.map_or(next, |r| r.min(next)));
    }
    if let Some(at) = d.reload_at_ms {
        if now >= at {
            d.reload_at_ms = None;
            d.requested_at_ms = Some(now);
            out.extend(board_loads());
        } else {
            let wait = u64::try_from(at - now).unwrap_or(0);
            ui.ctx()
                .request_repaint_after(std::time::Duration::from_millis(wait));
        }
    }
}

/// The dispatcher's screen.
pub fn dispatch_ui(ui: &mut egui::Ui, state: &mut AppState, out: &mut Vec<Command>) {
    keep_live(ui, state, out);
    ui.horizontal(|ui| {
        ui.heading(t!("dispatch-title"));
        ui.separator();
        for (tab, label) in [
            (DispatchTab::Board, t!("dispatch-tab-board")),
            (DispatchTab::PhoneCall, t!("dispatch-tab-call")),
            (DispatchTab::Plans, t!("dispatch-tab-plans")),
        ] {
            if ui
                .selectable_label(state.dispatch.tab == tab, label)
                .clicked()
            {
                state.dispatch.tab = tab;
                match tab {
                    DispatchTab::Board => {}
                    DispatchTab::PhoneCall => {
                        crate::state::dispatch::dispatch_call::opened(state, out)
                    }
                    // The tab reloads the plans when drawn.
                    DispatchTab::Plans => state.dispatch.plans.loaded = false,
                }
            }
        }
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui.button(t!("dispatch-reload")).clicked() {
                state.dispatch.requested_at_ms = Some(state.now_ms);
                out.extend(board_loads());
            }
            connection_line(ui, state);
        });
    });
    ui.separator();
    match state.dispatch.tab {
        DispatchTab::Board => dispatch_board::board_ui(ui, state, out),
        // The form and the customer's open tickets scroll: at 800×500 the save button and the
        // list are below the fold.
        DispatchTab::PhoneCall => {
            egui::ScrollArea::vertical()
                .id_salt("call_scroll")
                .auto_shrink([false, false])
                .show(ui, |ui| dispatch_call::call_ui(ui, state, out));
        }
        DispatchTab::Plans => plans::plans_ui(ui, state, out),
    }
}

/// "live" / "polling every 15 s" / "needs a connection — last loaded at 14:05".
fn connection_line(ui: &mut egui::Ui, state: &AppState) {
    let d = &state.dispatch;
    let last = d
        .loaded_at_ms
        .map_or_else(|| t!("dispatch-never"), crate::format::time);
    if let Some(e) = &d.load_error {
        ui.label(
            RichText::new(t!("dispatch-offline", when = last.clone())).color(crate::format::RED),
        )
        .on_hover_text(e);
        return;
    }
    let text = match &d.liveness {
        Liveness::Streaming => t!("dispatch-live"),
        Liveness::Polling(why) => {
            return {
                ui.label(
                    RichText::new(t!("dispatch-polling", seconds = POLL_MS / 1000))
                        .color(crate::format::GREY),
                )
                .on_hover_text(why.as_str());
            };
        }
        Liveness::Idle => t!("dispatch-not-live"),
    };
    ui.label(RichText::new(text).color(crate::format::GREEN))
        .on_hover_text(t!("dispatch-last-loaded", when = last));
}
