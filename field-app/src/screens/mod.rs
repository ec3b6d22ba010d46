//! Screens layer (drawing only): may import state, runtime types and leaf helpers; never app.
//!
//! One module per screen, grouped by role, each `fn <screen>_ui(ui, &mut AppState, &mut
//! Vec<Command>)`: it reads and edits the state and pushes commands, and never does I/O.
//! This module lays them out: navigation on top, the sync status bar always at the bottom.

pub mod common;
pub mod dispatcher;
pub mod engineer;
pub mod supervisor;

use self::common::{file_picker, sign_in, status_bar};
use self::dispatcher::{dispatch, problems};
use self::engineer::{devices, knowledge, my_work, new_incident, work_order};
use self::supervisor::{changes, dashboard, review};
use crate::format;
use crate::state::command::Command;
use crate::state::dispatch::{every_frame, may_see};
use crate::state::{AppState, FLASH_FADE_MS, Screen};
use egui::RichText;
use fieldsync_i18n::{self as i18n, Lang, t};

/// The whole window.
pub fn root_ui(ui: &mut egui::Ui, state: &mut AppState) -> Vec<Command> {
    let mut out = Vec::new();
    egui::Panel::top("nav").show(ui, |ui| nav_ui(ui, state, &mut out));
    egui::Panel::bottom("sync_bar").show(ui, |ui| status_bar::status_bar_ui(ui, state, &mut out));
    egui::CentralPanel::default().show(ui, |ui| match state.screen {
        Screen::SignIn => sign_in::sign_in_ui(ui, state, &mut out),
        Screen::MyWork => my_work::my_work_ui(ui, state, &mut out),
        Screen::WorkOrder => work_order::work_order_ui(ui, state, &mut out),
        Screen::Devices => devices::devices_ui(ui, state, &mut out),
        Screen::NewIncident => new_incident::new_incident_ui(ui, state, &mut out),
        Screen::Knowledge => knowledge::knowledge_ui(ui, state, &mut out),
        Screen::SyncDetails => status_bar::sync_details_ui(ui, state, &mut out),
        Screen::Review => review::review_ui(ui, state, &mut out),
        Screen::Dispatch => dispatch::dispatch_ui(ui, state, &mut out),
        Screen::Supervisor => dashboard::supervisor_ui(ui, state, &mut out),
        Screen::Changes => changes::changes_ui(ui, state, &mut out),
        Screen::Problems => problems::problems_ui(ui, state, &mut out),
    });
    every_frame(state, &mut out);
    flash_ui(ui, state, &mut out);
    file_picker::file_picker_ui(ui, state, &mut out);
    out
}

/// Below this window width the signed-in name leaves the bar (it is on the brand's hover):
/// with every office screen it overlapped the last buttons at 800 px.
const NAV_NAME_MIN_WIDTH: f32 = 1000.0;

fn nav_ui(ui: &mut egui::Ui, state: &AppState, out: &mut Vec<Command>) {
    let who = state.identity.as_ref().map(|me| {
        format!(
            "{} · {}",
            me.display_name,
            i18n::words::role(i18n::current(), me.role)
        )
    });
    let wide = ui.available_width() >= NAV_NAME_MIN_WIDTH;
    // The language menu (and name) first, at the right; the screens wrap onto a second row
    // in what is left rather than run under the menu (a supervisor's eight screens do not
    // fit in one row at 800 px in English).
    let mut right = Vec::new();
    egui::Sides::new().shrink_left().show(
        ui,
        |ui| {
            ui.horizontal_wrapped(|ui| {
                let brand = ui.label(
                    RichText::new("fieldsync")
                        .strong()
                        .size(18.0)
                        .color(format::BLUE),
                );
                if let Some(who) = &who
                    && !wide
                {
                    brand.on_hover_text(who);
                }
                ui.separator();
                screen_buttons_ui(ui, state, out);
            });
        },
        |ui| match &who {
            Some(who) => {
                language_menu(ui, &mut right);
                if wide {
                    ui.label(who);
                }
            }
            None => {
                language_menu(ui, &mut right);
                ui.label(t!("nav-not-signed-in"));
            }
        },
    );
    out.append(&mut right);
}

/// One button per screen this role may open, the current one selected.
fn screen_buttons_ui(ui: &mut egui::Ui, state: &AppState, out: &mut Vec<Command>) {
    let signed_in = state.identity.is_some();
    for screen in [
        Screen::MyWork,
        Screen::Devices,
        Screen::NewIncident,
        Screen::Knowledge,
        Screen::SyncDetails,
        Screen::Review,
        Screen::Changes,
        Screen::Dispatch,
        Screen::Problems,
        Screen::Supervisor,
    ] {
        let supervisor = state
            .identity
            .as_ref()
            .is_some_and(|i| i.role == fieldsync::Role::Supervisor);
        if matches!(
            screen,
            Screen::Review | Screen::Changes | Screen::Supervisor
        ) && !supervisor
        {
            continue;
        }
        let office = state.identity.as_ref().is_some_and(|i| may_see(i.role));
        if matches!(screen, Screen::Dispatch | Screen::Problems) && !office {
            continue;
        }
        let current = state.screen == screen
            || (screen == Screen::MyWork && state.screen == Screen::WorkOrder);
        let b = ui.add_enabled(signed_in, egui::Button::selectable(current, screen.title()));
        if b.clicked() {
            out.push(Command::Go(screen));
        }
    }
}

/// The language menu, each language named in itself so anyone can find theirs.
fn language_menu(ui: &mut egui::Ui, out: &mut Vec<Command>) {
    let now = i18n::current();
    egui::ComboBox::from_id_salt("language")
        .selected_text(now.native_name())
        .width(90.0)
        .show_ui(ui, |ui| {
            for lang in Lang::ALL {
                if ui
                    .selectable_label(lang == now, lang.native_name())
                    .clicked()
                    && lang != now
                {
                    out.push(Command::SetLanguage(lang));
                }
            }
        })
        .response
        .on_hover_text(t!("nav-language"));
}

/// The message of the moment as a toast over the bottom-right corner, above the sync bar:
/// drawn on top, so nothing under the pointer moves when it appears. A success fades after
/// [`FLASH_FADE_MS`]; an error stays until its × is clicked.
fn flash_ui(ui: &mut egui::Ui, state: &mut AppState, out: &mut Vec<Command>) {
    let Some(f) = state.flash.clone() else {
        state.flash_shown = None;
        return;
    };
    let now = state.now_ms;
    let since = match &state.flash_shown {
        Some((shown, at)) if *shown == f => *at,
        _ => {
            state.flash_shown = Some((f.clone(), now));
            now
        }
    };
    if !f.error {
        let left = FLASH_FADE_MS - (now - since);
        if left <= 0 {
            state.flash = None;
            state.flash_shown = None;
            return;
        }
        ui.ctx()
            .request_repaint_after(std::time::Duration::from_millis(left as u64));
    }
    let (fill, color) = if f.error {
        (egui::Color32::from_rgb(253, 236, 236), format::RED)
    } else {
        (egui::Color32::from_rgb(234, 246, 236), format::GREEN)
    };
    egui::Area::new(egui::Id::unique("flash_toast"))
        .order(egui::Order::Foreground)
        .anchor(egui::Align2::RIGHT_BOTTOM, [-12.0, -40.0])
        .show(ui.ctx(), |ui| {
            egui::Frame::popup(ui.style())
                .fill(fill)
                .inner_margin(8.0)
                .show(ui, |ui| {
                    ui.set_max_width(460.0);
                    ui.horizontal_top(|ui| {
                        ui.add(egui::Label::new(RichText::new(&f.text).color(color)).wrap());
                        if ui
                            .small_button("×")
                            .on_hover_text(t!("flash-dismiss"))
                            .clicked()
                        {
                            out.push(Command::DismissFlash);
                        }
                    });
                });
        });
}
