//! The lower half of a work order: parts used (with the customer's consent), photos attached
//! from files, and the customer's signature pad.

use crate::format;
use crate::runtime::files::PickPurpose;
use crate::runtime::thumbs::Thumb;
use crate::signature;
use crate::state::WorkOrderView;
use crate::state::command::Command;
use egui::RichText;
use fieldsync_i18n::t;

pub fn parts_ui(
    ui: &mut egui::Ui,
    v: &mut WorkOrderView,
    me: &str,
    now: i64,
    out: &mut Vec<Command>,
) {
    if v.wo.parts.is_empty() {
        ui.label(t!("eng-extras-no-parts"));
    } else {
        egui::Grid::new("parts")
            .striped(true)
            .num_columns(6)
            .spacing([12.0, 4.0])
            .show(ui, |ui| {
                for h in [
                    t!("eng-extras-col-part"),
                    t!("eng-extras-col-part-number"),
                    t!("eng-extras-col-serial"),
                    t!("eng-extras-col-qty"),
                    t!("eng-extras-col-consent"),
                    String::new(),
                ] {
                    ui.label(RichText::new(h).strong());
                }
                ui.end_row();
                for (key, p) in &v.wo.parts {
                    ui.label(&p.name);
                    ui.label(p.part_number.as_deref().unwrap_or("—"));
                    ui.label(p.serial.as_deref().unwrap_or("—"));
                    ui.label(p.quantity.to_string());
                    if p.customer_consent {
                        ui.label(
                            RichText::new(t!("eng-extras-consent-given")).color(format::GREEN),
                        );
                    } else {
                        ui.label(
                            RichText::new(t!("eng-extras-consent-missing")).color(format::RED),
                        );
                    }
                    if v.rights.parts {
                        ui.horizontal(|ui| {
                            let edit = ui
                                .small_button(t!("eng-extras-edit-part"))
                                .accessible_name(t!("eng-extras-edit-part-name", part = &p.name));
                            if edit.clicked() {
                                v.drafts.part = crate::state::PartForm::editing(key, p);
                            }
                            let remove = ui
                                .small_button(t!("eng-extras-remove-part"))
                                .accessible_name(t!("eng-extras-remove-part-name", part = &p.name));
                            if remove.clicked() {
                                out.push(Command::RemovePart(key.clone()));
                            }
                        });
                    } else {
                        ui.label("");
                    }
                    ui.end_row();
                }
            });
    }
    if !v.rights.parts {
        return;
    }
    ui.add_space(4.0);
    let f = &mut v.drafts.part;
    ui.horizontal_wrapped(|ui| {
        ui.add(
            egui::TextEdit::singleline(&mut f.name)
                .hint_text(t!("eng-extras-part-name-hint"))
                .desired_width(180.0),
        )
        .accessible_name(t!("eng-extras-part-name"));
        ui.add(
            egui::TextEdit::singleline(&mut f.part_number)
                .hint_text(t!("eng-extras-part-number-hint"))
                .desired_width(110.0),
        );
        ui.add(
            egui::TextEdit::singleline(&mut f.serial)
                .hint_text(t!("eng-extras-serial-hint"))
                .desired_width(110.0),
        );
        ui.add(
            egui::TextEdit::singleline(&mut f.quantity)
                .hint_text(t!("eng-extras-qty-hint"))
                .desired_width(50.0),
        );
        ui.checkbox(&mut f.consent, t!("eng-extras-consent"));
        let label = if f.editing.is_some() {
            t!("eng-extras-save-part")
        } else {
            t!("eng-extras-add-part")
        };
        if ui.button(label).clicked() {
            match f.to_part(me, now) {
                Ok(p) if !p.customer_consent => v.notice = Some(t!("eng-extras-consent-needed")),
                Ok(part) => out.push(Command::PutPart {
                    key: f.editing.clone(),
                    part,
                }),
                Err(e) => v.notice = Some(e),
            }
        }
        if f.editing.is_some() && ui.button(t!("eng-extras-cancel-edit")).clicked() {
            *f = Default::default();
        }
    });
}

pub fn photos_ui(ui: &mut egui::Ui, v: &mut WorkOrderView, out: &mut Vec<Command>) {
    if v.wo.photos.is_empty() {
        ui.label(t!("eng-extras-no-photos"));
    }
    ui.horizontal_wrapped(|ui| {
        for p in v.wo.photos.values() {
            ui.vertical(|ui| {
                ui.set_width(THUMB_W);
                thumbnail_ui(ui, v.thumbs.get(&p.sha256));
                ui.label(
                    p.caption
                        .clone()
                        .unwrap_or_else(|| t!("eng-extras-no-caption")),
                );
                if let Some(t) = p.at_ms {
                    ui.label(
                        RichText::new(format::time_in(t, v.zone()))
                            .small()
                            .color(format::GREY),
                    );
                }
            });
        }
    });
    if !v.drafts.copying_photos.is_empty() {
        ui.horizontal(|ui| {
            ui.spinner();
            ui.label(t!(
                "eng-extras-copying-photos",
                count = v.drafts.copying_photos.len()
            ));
        });
    }
    if !v.rights.photos {
        return;
    }
    // Photos dropped on the window (from the file manager or a camera's folder) are attached
    // as they are, one command each; the caption field applies to them too.
    let dropped: Vec<std::path::PathBuf> = ui.ctx().input(|i| {
        i.raw
            .dropped_files
            .iter()
            .map(|f| f.path().to_path_buf())
            .collect()
    });
    for path in dropped {
        out.push(Command::AttachPhoto {
            path: path.display().to_string(),
            caption: v.drafts.photo_caption.clone(),
        });
    }
    let hovering = ui.ctx().input(|i| !i.raw.hovered_files.is_empty());
    ui.label(
        RichText::new(t!("eng-extras-drop-photos"))
            .small()
            .color(if hovering { format::BLUE } else { format::GREY }),
    );
    ui.horizontal_wrapped(|ui| {
        if ui.button(t!("eng-extras-choose-photo")).clicked() {
            out.push(Command::BrowseFiles {
                purpose: PickPurpose::AttachPhoto,
                dir: None,
            });
        }
        ui.add(
            egui::TextEdit::singleline(&mut v.drafts.photo_path)
                .hint_text("/path/to/photo.jpg")
                .desired_width(300.0),
        )
        .accessible_name(t!("eng-extras-photo-file"));
        ui.add(
            egui::TextEdit::singleline(&mut v.drafts.photo_caption)
                .hint_text(t!("eng-extras-caption-hint"))
                .desired_width(200.0),
        );
        let ready = !v.drafts.photo_path.trim().is_empty();
        if ui
            .add_enabled(ready, egui::Button::new(t!("eng-extras-attach-photo")))
            .clicked()
        {
            out.push(Command::AttachPhoto {
                path: v.drafts.photo_path.clone(),
                caption: v.drafts.photo_caption.clone(),
            });
        }
    });
}

/// Width of a photo preview in the list.
const THUMB_W: f32 = 160.0;

fn thumbnail_ui(ui: &mut egui::Ui, thumb: Option<&Thumb>) {
    let size = egui::vec2(THUMB_W, THUMB_W * 0.75);
    match thumb {
        Some(Thumb::Ready(uri)) => {
            ui.add(
                egui::Image::new(uri.as_str())
                    .fit_to_exact_size(size)
                    .corner_radius(4.0),
            );
        }
        Some(Thumb::Pending(_)) => {
            ui.add_sized(size, egui::Spinner::new());
        }
        Some(Thumb::Unavailable(why)) => {
            ui.add_sized(
                size,
                egui::Label::new(
                    RichText::new(format!("▣ {why}"))
                        .small()
                        .color(format::GREY),
                )
                .wrap(),
            );
        }
        None => {
            ui.add_sized(size, egui::Label::new("▣"));
        }
    }
}

pub fn signature_ui(ui: &mut egui::Ui, v: &mut WorkOrderView, out: &mut Vec<Command>) {
    if let Some(s) = &v.wo.signature {
        ui.label(t!(
            "eng-extras-signed-by",
            name = &s.signer_name,
            time = format::time_in(s.signed_at_ms, v.zone())
        ));
        signature::show_strokes(ui, &s.strokes);
        if !v.rights.signature {
            return;
        }
        if !v.drafts.resign {
            if ui.button(t!("eng-extras-sign-again")).clicked() {
                v.drafts.resign = true;
            }
            return;
        }
        ui.label(RichText::new(t!("eng-extras-resign-note")).color(format::GREY));
    } else if !v.rights.signature {
        ui.label(t!("eng-extras-not-signed"));
        return;
    } else {
        ui.label(t!("eng-extras-ask-to-sign"));
    }
    signature::pad_ui(ui, &mut v.drafts.signature);
    ui.horizontal(|ui| {
        let l = ui.label(t!("eng-extras-signer-name"));
        ui.add(egui::TextEdit::singleline(&mut v.drafts.signer).desired_width(200.0))
            .labelled_by(l.id);
        if ui.button(t!("eng-extras-clear-pad")).clicked() {
            v.drafts.signature.clear();
        }
        if ui.button(t!("eng-extras-save-signature")).clicked() {
            out.push(Command::Sign {
                signer: v.drafts.signer.clone(),
                strokes: v.drafts.signature.strokes.clone(),
            });
        }
    });
}
