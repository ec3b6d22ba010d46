//! The evidence on the review page: each photo fitted to the page width with what it shows
//! (checklist item, caption, who took it and when on the site's clock), a full-size viewer
//! with previous / next, and the customer's signature drawn. A photo not on this device
//! shows why (loading, not uploaded yet, offline, failed) until the app has it.

use crate::format;
use crate::state::command::Command;
use crate::state::photos::{self, PhotoState, Photos};
use egui::RichText;
use fieldsync::model::{PhotoRef, WorkOrder};
use fieldsync_i18n::t;
use std::collections::BTreeMap;

/// Tallest a photo stands on the page (a portrait photo would fill several screens).
const PAGE_MAX_HEIGHT: f32 = 420.0;

/// Height of a photo's place while it has no image.
const PLACEHOLDER_HEIGHT: f32 = 110.0;

/// The photos and the signature of `wo`.
pub fn evidence_ui(
    ui: &mut egui::Ui,
    wo: &WorkOrder,
    names: &BTreeMap<String, String>,
    zone: format::Zone,
    photos: &mut Photos,
    out: &mut Vec<Command>,
) {
    // Not justified (the page's columns are): photos, placeholders and the signature keep
    // their own widths.
    ui.with_layout(egui::Layout::top_down(egui::Align::Min), |ui| {
        photos_ui(ui, wo, names, zone, photos, out);
        signature_ui(ui, wo, zone, photos, out);
    });
}

fn photos_ui(
    ui: &mut egui::Ui,
    wo: &WorkOrder,
    names: &BTreeMap<String, String>,
    zone: format::Zone,
    photos: &mut Photos,
    out: &mut Vec<Command>,
) {
    let list = photos::in_order(wo);
    crate::screens::common::section(
        ui,
        &format!(
            "{} — {}",
            t!("review-report-photos-signature"),
            t!("review-report-photos", count = list.len())
        ),
    );
    for (i, p) in list.iter().enumerate() {
        let alt = t!("review-photo-alt", n = i + 1, count = list.len());
        let width = ui.available_width();
        let clicked = photo_ui(ui, &p.sha256, &alt, [width, PAGE_MAX_HEIGHT], photos, out);
        if clicked {
            photos.viewer = Some(p.sha256.clone());
        }
        caption_ui(ui, wo, p, names, zone);
        ui.add_space(8.0);
    }
}

/// One photo fitted into `max` (or its placeholder); returns whether it was clicked.
fn photo_ui(
    ui: &mut egui::Ui,
    sha256: &str,
    alt: &str,
    max: [f32; 2],
    photos: &mut Photos,
    out: &mut Vec<Command>,
) -> bool {
    let state = photos.by_sha.get(sha256).cloned();
    if let Some(PhotoState::Ready { texture, size }) = state {
        let (w, h) = (size[0].max(1) as f32, size[1].max(1) as f32);
        let scale = (max[0] / w).min(max[1] / h).min(1.0);
        let shown = egui::vec2(w * scale, h * scale);
        let sized = egui::load::SizedTexture::new(texture, shown);
        let r = ui
            .add(
                egui::Image::new(sized)
                    .fit_to_exact_size(shown)
                    .alt_text(alt)
                    .sense(egui::Sense::click()),
            )
            .on_hover_text(t!("review-photo-open-hint"))
            .on_hover_cursor(egui::CursorIcon::ZoomIn);
        return r.clicked();
    }
    let frame = egui::Frame::new()
        .fill(ui.visuals().faint_bg_color)
        .stroke(egui::Stroke::new(1.0, format::GREY))
        .inner_margin(10.0)
        .corner_radius(4.0);
    let shown = frame.show(ui, |ui| {
        ui.set_min_size(egui::vec2(
            max[0].min(480.0) - 20.0,
            PLACEHOLDER_HEIGHT - 20.0,
        ));
        ui.label(RichText::new(alt).strong());
        let retry = |ui: &mut egui::Ui, photos: &mut Photos| {
            if ui.button(t!("review-photo-try-again")).clicked() {
                photos.by_sha.remove(sha256);
            }
        };
        match &state {
            None | Some(PhotoState::Loading) => {
                ui.horizontal(|ui| {
                    ui.spinner();
                    ui.label(t!("review-photo-loading"));
                });
            }
            Some(PhotoState::NotUploaded) => {
                ui.label(RichText::new(t!("review-photo-not-uploaded")).color(format::AMBER));
                retry(ui, photos);
            }
            Some(PhotoState::Offline) => {
                ui.label(RichText::new(t!("review-photo-offline")).color(format::AMBER));
                retry(ui, photos);
            }
            Some(PhotoState::Failed(why)) => {
                ui.label(
                    RichText::new(t!("review-photo-failed", error = why.clone()))
                        .color(format::RED),
                );
                retry(ui, photos);
            }
            Some(PhotoState::Ready { .. }) => {}
        }
    });
    // Asked for only once in view: a long report does not fetch every photo at once.
    if state.is_none() && ui.is_rect_visible(shown.response.rect) {
        out.push(Command::LoadPhoto(sha256.to_owned()));
    }
    false
}

/// What a photo shows and where it comes from: caption, checklist item, who and when.
fn caption_ui(
    ui: &mut egui::Ui,
    wo: &WorkOrder,
    p: &PhotoRef,
    names: &BTreeMap<String, String>,
    zone: format::Zone,
) {
    if let Some(c) = p.caption.as_deref().filter(|c| !c.trim().is_empty()) {
        ui.label(RichText::new(c).strong());
    }
    if let Some(item) = &p.checklist_item {
        let label = wo
            .checklist
            .get(item)
            .map_or_else(|| item.clone(), |i| i.label.clone());
        ui.label(t!("review-photo-for-check", item = label));
    }
    let who = p.by.as_deref().map(|u| super::names::who(names, u));
    let when = p.at_ms.map(|ms| format::time_in(ms, zone));
    let line = match (who, when) {
        (Some(who), Some(when)) => t!("review-photo-taken-by-at", who = who, when = when),
        (Some(who), None) => t!("review-photo-taken-by", who = who),
        (None, Some(when)) => t!("review-photo-taken-at", when = when),
        (None, None) => return,
    };
    ui.label(RichText::new(line).color(format::GREY));
}

/// The customer's signature as drawn, who signed and when; or that nobody signed.
fn signature_ui(
    ui: &mut egui::Ui,
    wo: &WorkOrder,
    zone: format::Zone,
    photos: &mut Photos,
    out: &mut Vec<Command>,
) {
    let Some(s) = &wo.signature else {
        ui.label(RichText::new(t!("review-report-not-signed")).color(format::RED));
        return;
    };
    ui.label(RichText::new(t!("review-signature")).strong());
    if !s.strokes.is_empty() {
        crate::signature::show_strokes(ui, &s.strokes);
    } else if let Some(sha) = &s.image_sha256 {
        // Only the rendered image travelled: shown like a photo.
        let max = [ui.available_width(), crate::signature::PAD_H * 2.0];
        photo_ui(ui, sha, &t!("review-signature"), max, photos, out);
    }
    ui.label(t!(
        "review-report-signed",
        name = s.signer_name.clone(),
        when = format::time_in(s.signed_at_ms, zone)
    ));
}

/// The photo open at full size over the page: previous / next (also ← →), close (also Esc
/// or a click beside it).
pub fn viewer_ui(
    ctx: &egui::Context,
    wo: &WorkOrder,
    names: &BTreeMap<String, String>,
    zone: format::Zone,
    photos: &mut Photos,
    out: &mut Vec<Command>,
) {
    let Some(open) = photos.viewer.clone() else {
        return;
    };
    let list = photos::in_order(wo);
    let Some(i) = list.iter().position(|p| p.sha256 == open) else {
        photos.viewer = None; // the photo is not in the report shown (any more)
        return;
    };
    let n = list.len();
    let mut go: Option<usize> = None;
    let mut close = false;
    let screen = ctx.content_rect().size();
    let max = [screen.x * 0.9 - 24.0, screen.y * 0.9 - 130.0];
    let modal = egui::Modal::new(egui::Id::unique("review_photo_viewer")).show(ctx, |ui| {
        // One size for every photo, so the buttons stay under the pointer while stepping.
        ui.set_min_width(max[0]);
        ui.horizontal(|ui| {
            ui.heading(t!("review-photo-alt", n = i + 1, count = n));
            if ui
                .add_enabled(i > 0, egui::Button::new(t!("review-photo-previous")))
                .clicked()
            {
                go = Some(i - 1);
            }
            if ui
                .add_enabled(i + 1 < n, egui::Button::new(t!("review-photo-next")))
                .clicked()
            {
                go = Some(i + 1);
            }
            if ui.button(t!("review-photo-close")).clicked() {
                close = true;
            }
        });
        let alt = t!("review-photo-full-size", n = i + 1, count = n);
        ui.allocate_ui_with_layout(
            egui::vec2(max[0], max[1]),
            egui::Layout::top_down(egui::Align::Center),
            |ui| {
                ui.set_min_size(egui::vec2(max[0], max[1]));
                photo_ui(ui, &list[i].sha256, &alt, max, photos, out);
            },
        );
        caption_ui(ui, wo, list[i], names, zone);
    });
    let (left, right) = ctx.input(|k| {
        (
            k.key_pressed(egui::Key::ArrowLeft),
            k.key_pressed(egui::Key::ArrowRight),
        )
    });
    if left && i > 0 {
        go = Some(i - 1);
    }
    if right && i + 1 < n {
        go = Some(i + 1);
    }
    if close || modal.should_close() {
        photos.viewer = None;
    } else if let Some(j) = go {
        photos.viewer = Some(list[j].sha256.clone());
    }
}
