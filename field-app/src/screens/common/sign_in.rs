//! Sign-in: server address, user name and password. The worker does the network call; once
//! signed in the app works offline across restarts.

use crate::format;
use crate::state::AppState;
use crate::state::command::Command;
use egui::RichText;
use fieldsync_i18n::t;

pub fn sign_in_ui(ui: &mut egui::Ui, state: &mut AppState, out: &mut Vec<Command>) {
    // A certificate to confirm and the notes below it are taller than a 500 px window.
    egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .show(ui, |ui| form_ui(ui, state, out));
}

fn form_ui(ui: &mut egui::Ui, state: &mut AppState, out: &mut Vec<Command>) {
    ui.vertical_centered(|ui| {
        ui.add_space(40.0);
        ui.heading(t!("sign-in-heading"));
        ui.add_space(6.0);
        if let Some(me) = &state.identity {
            ui.label(t!(
                "sign-in-profile-of",
                name = &me.display_name,
                user = &me.username
            ));
        } else {
            ui.label(t!("sign-in-once"));
            ui.label(RichText::new(t!("sign-in-where-from")).weak());
        }
        ui.add_space(12.0);
    });
    let form = &mut state.sign_in;
    let mut submit = false;
    ui.vertical_centered(|ui| {
        ui.set_max_width(420.0);
        egui::Grid::new("sign_in")
            .num_columns(2)
            .spacing([12.0, 8.0])
            .show(ui, |ui| {
                let l = ui.label(t!("sign-in-server"));
                ui.add(
                    egui::TextEdit::singleline(&mut form.server)
                        .hint_text("https://fieldsync.example.com")
                        .desired_width(280.0),
                )
                .labelled_by(l.id);
                ui.end_row();
                let l = ui.label(t!("sign-in-user"));
                ui.add(egui::TextEdit::singleline(&mut form.username).desired_width(280.0))
                    .labelled_by(l.id);
                ui.end_row();
                let l = ui.label(t!("sign-in-password"));
                let pw = ui
                    .add(
                        egui::TextEdit::singleline(&mut form.password)
                            .password(true)
                            .desired_width(280.0),
                    )
                    .labelled_by(l.id);
                if pw.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
                    submit = true;
                }
                ui.end_row();
            });
        ui.add_space(8.0);
        if form.busy {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(t!("sign-in-busy"));
            });
        } else if ui.button(t!("screen-sign-in")).clicked() {
            submit = true;
        }
        if let Some(e) = &form.error {
            ui.label(RichText::new(e).color(format::RED));
        }
        // First contact with a self-signed server: nothing is pinned until the user has
        // compared the fingerprint with the one the server printed when it made it.
        if let Some(print) = form.to_confirm.clone() {
            ui.add_space(8.0);
            egui::Frame::group(ui.style()).show(ui, |ui| {
                ui.label(RichText::new(t!("sign-in-confirm-title")).strong());
                ui.label(t!("sign-in-confirm-explain"));
                ui.add(egui::Label::new(RichText::new(&print).monospace().strong()).wrap());
                ui.horizontal(|ui| {
                    if ui.button(t!("sign-in-confirm-trust")).clicked() {
                        out.push(Command::TrustAndSignIn(print.clone()));
                    }
                    if ui.button(t!("sign-in-confirm-cancel")).clicked() {
                        out.push(Command::DistrustCertificate);
                    }
                });
            });
        }
        ui.add_space(8.0);
        match &form.pinned_certificate {
            Some(print) => ui.small(t!("sign-in-pinned", fingerprint = print)),
            None => ui.small(t!("sign-in-tofu")),
        };
    });
    if submit && !form.busy {
        out.push(Command::SignIn);
    }
}
