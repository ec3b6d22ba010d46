//! Choosing a file from the laptop (a photo to attach) or where to save one (the service
//! report PDF) in a dialog drawn with egui itself, so it works the same on every desktop,
//! offline, without a platform portal. The folder is read
//! by the app when asked (`Command::BrowseFiles`); this module only draws the listing.

use crate::format;
use crate::runtime::files::PickPurpose;
use crate::state::command::Command;
use crate::state::{AppState, FilePicker};
use egui::RichText;
use fieldsync_i18n::t;
use std::path::{Path, PathBuf};

/// The dialog, drawn while a pick is in progress.
pub fn file_picker_ui(ui: &mut egui::Ui, state: &mut AppState, out: &mut Vec<Command>) {
    let Some(purpose) = state.file_picker.purpose else {
        return;
    };
    let p = &mut state.file_picker;
    let modal = egui::Modal::new(egui::Id::unique("file_picker")).show(ui.ctx(), |ui| {
        ui.set_width(640.0);
        ui.heading(title(purpose));
        folder_row(ui, p, purpose, out);
        if let Some(e) = &p.error {
            ui.label(RichText::new(e).color(format::RED));
        }
        ui.separator();
        listing(ui, p, purpose, out);
        ui.separator();
        if purpose.saves() {
            save_row(ui, p, purpose, out);
            return;
        }
        ui.horizontal(|ui| {
            let chosen = p.selected.clone();
            let label = chosen
                .as_ref()
                .and_then(|c| c.file_name())
                .map_or(t!("eng-picker-no-file"), |n| {
                    n.to_string_lossy().into_owned()
                });
            ui.label(label);
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if ui
                    .add_enabled(chosen.is_some(), egui::Button::new(button(purpose)))
                    .clicked()
                    && let Some(c) = chosen
                {
                    out.push(Command::PickFile(c));
                }
                if ui.button(t!("eng-picker-cancel")).clicked() {
                    out.push(Command::ClosePicker);
                }
            });
        });
    });
    if modal.should_close() {
        out.push(Command::ClosePicker);
    }
}

/// Saving: the file name, whether it replaces a file, and Save / Cancel.
fn save_row(ui: &mut egui::Ui, p: &mut FilePicker, purpose: PickPurpose, out: &mut Vec<Command>) {
    let name = p.file_name.trim().to_owned();
    let valid = !name.is_empty() && !name.contains(['/', '\\']) && name != "." && name != "..";
    ui.horizontal(|ui| {
        let label = ui.label(t!("eng-picker-file-name"));
        let field = ui
            .add(egui::TextEdit::singleline(&mut p.file_name).desired_width(360.0))
            .labelled_by(label.id);
        let entered = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            let save = ui
                .add_enabled(valid, egui::Button::new(button(purpose)))
                .on_disabled_hover_text(t!("eng-picker-file-name-hint"));
            if (save.clicked() || (entered && valid)) && !p.dir.as_os_str().is_empty() {
                out.push(Command::PickFile(p.dir.join(&name)));
            }
            if ui.button(t!("eng-picker-cancel")).clicked() {
                out.push(Command::ClosePicker);
            }
        });
    });
    let replaces = p
        .entries
        .iter()
        .any(|e| !e.is_dir && e.name == name && valid);
    if replaces {
        ui.label(RichText::new(t!("eng-picker-replaces", name = &name)).color(format::AMBER));
    }
}

fn folder_row(ui: &mut egui::Ui, p: &mut FilePicker, purpose: PickPurpose, out: &mut Vec<Command>) {
    ui.horizontal(|ui| {
        let up = p.dir.parent().map(Path::to_owned);
        if ui
            .add_enabled(up.is_some(), egui::Button::new(t!("eng-picker-up")))
            .clicked()
            && let Some(up) = up
        {
            out.push(Command::BrowseFiles {
                purpose,
                dir: Some(up),
            });
        }
        if let Some(home) = directories::UserDirs::new().map(|u| u.home_dir().to_owned())
            && ui.button(t!("eng-picker-home")).clicked()
        {
            out.push(Command::BrowseFiles {
                purpose,
                dir: Some(home),
            });
        }
        let label = ui.label(t!("eng-picker-folder"));
        let field = ui
            .add(egui::TextEdit::singleline(&mut p.dir_text).desired_width(380.0))
            .labelled_by(label.id);
        let entered = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        if ui.button(t!("eng-picker-open")).clicked() || entered {
            out.push(Command::BrowseFiles {
                purpose,
                dir: Some(PathBuf::from(p.dir_text.trim())),
            });
        }
    });
}

fn listing(ui: &mut egui::Ui, p: &mut FilePicker, purpose: PickPurpose, out: &mut Vec<Command>) {
    if p.entries.is_empty() && p.error.is_none() {
        ui.label(
            RichText::new(t!(
                "eng-picker-empty",
                kinds = purpose.extensions().join(" / ")
            ))
            .color(format::GREY),
        );
    }
    let row_h = ui.text_style_height(&egui::TextStyle::Body) + 6.0;
    egui::ScrollArea::vertical()
        .max_height(360.0)
        .auto_shrink([false, true])
        .show_rows(ui, row_h, p.entries.len(), |ui, range| {
            for e in &p.entries[range] {
                let selected = p.selected.as_deref() == Some(e.path.as_path());
                let text = if e.is_dir {
                    format!("{}/", e.name)
                } else {
                    format!("{}    {}", e.name, size(e.bytes))
                };
                let r = ui
                    .add(egui::Button::selectable(selected, text).min_size(egui::vec2(600.0, 0.0)));
                if e.is_dir && r.clicked() {
                    out.push(Command::BrowseFiles {
                        purpose,
                        dir: Some(e.path.clone()),
                    });
                } else if !e.is_dir && r.double_clicked() {
                    out.push(Command::PickFile(e.path.clone()));
                } else if !e.is_dir && r.clicked() {
                    p.selected = Some(e.path.clone());
                    if purpose.saves() {
                        p.file_name = e.name.clone();
                    }
                }
            }
        });
}

fn size(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 20 => t!(
            "eng-picker-size-mb",
            size = format!("{:.1}", b as f64 / (1u64 << 20) as f64)
        ),
        b if b >= 1 << 10 => t!("eng-picker-size-kb", size = (b >> 10).to_string()),
        b => t!("eng-picker-size-b", size = b.to_string()),
    }
}

/// The dialog's title for `purpose`.
fn title(purpose: PickPurpose) -> String {
    match purpose {
        PickPurpose::AttachPhoto => t!("eng-picker-title-photo"),
        PickPurpose::SaveReport => t!("eng-picker-title-report"),
        PickPurpose::SaveSummaryPdf => t!("eng-picker-title-summary-pdf"),
        PickPurpose::SaveSummaryCsv => t!("eng-picker-title-summary-csv"),
        PickPurpose::SaveTasksPdf => t!("eng-picker-title-tasks-pdf"),
        PickPurpose::SaveTasksCsv => t!("eng-picker-title-tasks-csv"),
    }
}

/// The words on the button that chooses.
fn button(purpose: PickPurpose) -> String {
    match purpose {
        PickPurpose::AttachPhoto => t!("eng-picker-use-photo"),
        PickPurpose::SaveReport
        | PickPurpose::SaveSummaryPdf
        | PickPurpose::SaveSummaryCsv
        | PickPurpose::SaveTasksPdf
        | PickPurpose::SaveTasksCsv => t!("eng-picker-save-here"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::files::list_dir;

    #[test]
    fn lists_folders_first_then_photos_only() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("b-site")).unwrap();
        std::fs::create_dir(dir.path().join(".cache")).unwrap();
        for f in ["Z.JPG", "a.png", "notes.txt", ".hidden.jpg", "scan.pdf"] {
            std::fs::write(dir.path().join(f), b"x").unwrap();
        }
        let names: Vec<_> = list_dir(dir.path(), PickPurpose::AttachPhoto)
            .unwrap()
            .into_iter()
            .map(|e| e.name)
            .collect();
        assert_eq!(names, ["b-site", "a.png", "Z.JPG"]);
        let err = list_dir(&dir.path().join("missing"), PickPurpose::AttachPhoto).unwrap_err();
        assert!(err.contains("cannot open"), "{err}");
        assert_eq!(size(1536), "1 KB");
        assert_eq!(size(3 << 20), "3.0 MB");
    }
}
