//! The engineers' day on the dispatch board: one row per engineer with their visits as
//! blocks on an hour scale. A block is wide and tall enough to read — priority and number on
//! the first line, the title on the second, all of it on hover — and blocks that would
//! overlap (or touch once widened to be readable) go to separate lanes so none hides another.

use super::dispatch_board::{sla_color, sla_line, sla_text, status_words};
use crate::format;
use crate::state::AppState;
use crate::state::command::Command;
use crate::state::dispatch::dispatch_board::select;
use crate::state::dispatch::dispatch_model::{
    self as model, BoardRow, HOUR_MS, local_hm, zoned_hm,
};
use chrono::NaiveDate;
use egui::{Color32, RichText};
use fieldsync::TimestampMs;
use fieldsync_i18n::t;

/// Width of the engineers' name column on the timeline.
const NAME_W: f32 = 150.0;
/// The hour track is never narrower than this: in a narrower panel the timeline scrolls
/// sideways (its scroll area scrolls both ways) instead of running out of the panel.
const TRACK_MIN_W: f32 = 200.0;
/// Height of the name column's three lines: a row is never lower.
const ROW_MIN_H: f32 = 52.0;
/// One lane of blocks: two lines of small text and a margin.
const LANE_H: f32 = 38.0;
/// A block is at least this wide, so "P1 · WO-2026-00042" fits; a short visit on a long day
/// was a few pixels ("u…").
const BLOCK_MIN_W: f32 = 132.0;
/// Width of the priority stripe at a block's left edge.
const STRIPE_W: f32 = 5.0;

/// Blocks' horizontal extents laid out in lanes: each widened to `min_w` (kept inside
/// `left..=right`), then put in the first lane where it does not touch the block before it.
/// `spans` are in start order; returns each block's `(x0, x1, lane)` and the lane count.
pub fn lanes(
    spans: &[(f32, f32)],
    min_w: f32,
    left: f32,
    right: f32,
) -> (Vec<(f32, f32, usize)>, usize) {
    let mut ends: Vec<f32> = Vec::new();
    let mut out = Vec::with_capacity(spans.len());
    for &(x0, x1) in spans {
        let mut x1 = x1.max(x0 + min_w);
        let mut x0 = x0;
        if x1 > right {
            x0 = (right - min_w).max(left).min(x0);
            x1 = right;
        }
        let lane = match ends.iter().position(|end| *end <= x0) {
            Some(i) => i,
            None => {
                ends.push(f32::MIN);
                ends.len() - 1
            }
        };
        ends[lane] = x1;
        out.push((x0, x1, lane));
    }
    let n = ends.len().max(1);
    (out, n)
}

/// What a block says: "P1 · WO-2026-00042" (priority and number as far as known) over the
/// title; planned visits get their number from the server shortly after they are created.
fn block_lines(r: &BoardRow) -> (String, String) {
    let head: Vec<&str> = [r.priority.as_deref(), r.number.as_deref()]
        .into_iter()
        .flatten()
        .collect();
    (head.join(" · "), r.title.clone())
}

/// Priority stripe: P1 red and P2 amber stand out; routine work gets a quiet stripe.
fn priority_stripe(p: Option<&str>) -> Color32 {
    match p {
        Some("P1") => format::RED,
        Some("P2") => format::AMBER,
        Some("P3") => format::BLUE,
        _ => Color32::from_gray(200),
    }
}

/// One line of block text, cut with "…" to the block's width.
fn line_galley(
    ui: &egui::Ui,
    text: &str,
    width: f32,
    strong: bool,
) -> std::sync::Arc<egui::Galley> {
    let font = egui::TextStyle::Small.resolve(ui.style());
    let font = if strong {
        egui::FontId::new(font.size + 1.0, font.family)
    } else {
        font
    };
    let mut job = egui::text::LayoutJob::simple_singleline(text.to_owned(), font, Color32::WHITE);
    job.wrap = egui::text::TextWrapping::truncate_at_width(width.max(1.0));
    ui.fonts_mut(|f| f.layout_job(job))
}

pub fn timeline_ui(
    ui: &mut egui::Ui,
    state: &mut AppState,
    day: NaiveDate,
    out: &mut Vec<Command>,
) {
    let tz = state.dispatch.zone();
    let now = state.now_ms;
    let d = &state.dispatch;
    if d.engineers.is_empty() {
        ui.label(if d.loaded_at_ms.is_some() {
            t!("board-no-engineers")
        } else {
            t!("board-loading-engineers")
        });
        return;
    }
    // As wide as the name column and the shortest track, so the hour header, the rows and
    // the wrapped "not scheduled" line below them all lay out in that width.
    ui.set_min_width(NAME_W + 8.0 + TRACK_MIN_W);
    let (day_start, _) = model::day_bounds(tz, day);
    let days: Vec<(String, model::EngineerDay<'_>)> = d
        .engineers
        .iter()
        .map(|e| {
            (
                e.user_id.clone(),
                model::engineer_day(&d.board.rows, &e.user_id, tz, day),
            )
        })
        .collect();
    let windows: Vec<_> = days
        .iter()
        .flat_map(|(_, ed)| ed.blocks.iter().filter_map(|r| r.window()))
        .collect();
    let (first_h, last_h) = model::timeline_hours(&windows, tz, day);
    let span_ms = i64::from(last_h - first_h) * HOUR_MS;
    let origin = day_start + i64::from(first_h) * HOUR_MS;
    let width = (ui.available_width() - NAME_W - 8.0).max(TRACK_MIN_W);
    let x_of = |left: f32, ms: TimestampMs| {
        left + ((ms - origin) as f32 / span_ms as f32).clamp(0.0, 1.0) * width
    };
    // Lanes follow the theme: the working day is the "paper", hours outside it are shaded
    // (a fixed near-white lane glared on the dark theme and hid its hour lines).
    let visuals = ui.visuals();
    let work_fill = visuals.extreme_bg_color;
    let off_fill = work_fill.lerp_to_gamma(visuals.text_color(), 0.12);
    let grid = visuals.widgets.noninteractive.bg_stroke.color;
    let hour_text = visuals.weak_text_color();
    let now_line = format::readable(format::RED, visuals.dark_mode);
    let work = (
        model::local_time(tz, day, model::WORKDAY_MINUTES.0),
        model::local_time(tz, day, model::WORKDAY_MINUTES.1),
    );
    // Hour header.
    let (rect, _) = ui.allocate_exact_size(egui::vec2(NAME_W + width, 18.0), egui::Sense::hover());
    let left = rect.left() + NAME_W;
    for h in first_h..=last_h {
        let x = x_of(left, origin + i64::from(h - first_h) * HOUR_MS);
        ui.painter().text(
            egui::pos2(x, rect.center().y),
            egui::Align2::CENTER_CENTER,
            format!("{h:02}"),
            egui::FontId::proportional(11.0),
            hour_text,
        );
    }
    let mut clicked = None;
    for (e, (user_id, ed)) in d.engineers.iter().zip(&days) {
        ui.separator();
        ui.horizontal(|ui| {
            ui.vertical(|ui| {
                ui.set_width(NAME_W - 8.0);
                ui.label(RichText::new(&e.display_name).strong());
                let open = d
                    .board
                    .rows
                    .iter()
                    .filter(|r| r.is_open() && r.assignees.contains(user_id))
                    .count();
                let lang = fieldsync_i18n::current();
                let skills: Vec<String> = e
                    .skills
                    .iter()
                    .map(|s| fieldsync_i18n::words::skill(lang, s))
                    .collect();
                ui.label(
                    RichText::new(t!("board-engineer-load", open = open, level = e.level)).small(),
                )
                .on_hover_text(t!(
                    "board-engineer-skills",
                    skills = skills.join(&t!("board-why-sep"))
                ));
                // Where they are now, from the work they report on: on site, on the way, on
                // hold, or nothing in progress.
                let (text, color) = live_status(&d.board.rows, user_id);
                ui.label(RichText::new(text).small().color(color));
            });
            // Lanes first: the row is as tall as its overlapping visits need.
            let row_left = ui.cursor().left();
            let spans: Vec<(f32, f32)> = ed
                .blocks
                .iter()
                .filter_map(|r| r.window())
                .map(|(a, b)| (x_of(row_left, a), x_of(row_left, b)))
                .collect();
            let (placed, n_lanes) =
                lanes(&spans, BLOCK_MIN_W.min(width), row_left, row_left + width);
            let row_h = (n_lanes as f32 * LANE_H + 6.0).max(ROW_MIN_H);
            let (rect, _) = ui.allocate_exact_size(egui::vec2(width, row_h), egui::Sense::hover());
            let painter = ui.painter_at(rect);
            painter.rect_filled(rect, 3.0, off_fill);
            let working = egui::Rect::from_x_y_ranges(
                x_of(rect.left(), work.0)..=x_of(rect.left(), work.1),
                rect.y_range(),
            );
            painter.rect_filled(working, 0.0, work_fill);
            for h in first_h..=last_h {
                let x = x_of(rect.left(), origin + i64::from(h - first_h) * HOUR_MS);
                painter.line_segment(
                    [egui::pos2(x, rect.top()), egui::pos2(x, rect.bottom())],
                    egui::Stroke::new(1.0, grid),
                );
            }
            // Only when now is on the shown hours: clamped to an edge it read as 07:00.
            if (origin..=origin + span_ms).contains(&now) {
                let x = x_of(rect.left(), now);
                painter.line_segment(
                    [egui::pos2(x, rect.top()), egui::pos2(x, rect.bottom())],
                    egui::Stroke::new(2.0, now_line),
                );
            }
            let windowed = ed.blocks.iter().filter_map(|r| r.window().map(|w| (r, w)));
            for ((r, (a, b)), (x0, x1, lane)) in windowed.zip(placed) {
                let top = rect.top() + 3.0 + lane as f32 * LANE_H;
                let block = egui::Rect::from_min_max(
                    egui::pos2(x0 + 1.0, top),
                    egui::pos2(x1 - 1.0, top + LANE_H - 4.0),
                );
                let mut fill = sla_color(r.sla_state());
                if !r.is_open() {
                    fill = fill.gamma_multiply(0.5);
                }
                let (first, second) = block_lines(r);
                let when = format!("{}–{}", local_hm(tz, a), zoned_hm(tz, b));
                let id = ui.scope_id().with(("timeline_block", &r.doc_id));
                let resp = ui.interact(block, id, egui::Sense::click());
                // Read as one button: number, title and window (the queue's line has no time).
                let name = [first.as_str(), second.as_str(), when.as_str()]
                    .into_iter()
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>()
                    .join(" · ");
                resp.widget_info(|| {
                    egui::WidgetInfo::labeled(egui::Role::Button, true, name.clone())
                });
                let painter = ui.painter_at(block);
                let stroke = if resp.hovered() { 2.0 } else { 0.0 };
                painter.rect_filled(block, 3.0, fill);
                let stripe = egui::Rect::from_min_max(
                    block.min,
                    egui::pos2(block.left() + STRIPE_W, block.bottom()),
                );
                painter.rect_filled(stripe, 0.0, priority_stripe(r.priority.as_deref()));
                painter.line_segment(
                    [stripe.right_top(), stripe.right_bottom()],
                    egui::Stroke::new(1.0, Color32::WHITE),
                );
                if stroke > 0.0 {
                    painter.rect_stroke(
                        block.shrink(1.0),
                        3.0,
                        egui::Stroke::new(stroke, Color32::WHITE),
                        egui::StrokeKind::Inside,
                    );
                }
                let text_left = stripe.right() + 4.0;
                let text_w = block.right() - text_left - 3.0;
                let g1 = line_galley(ui, &first, text_w, true);
                let g2 = line_galley(ui, &second, text_w, false);
                painter.galley(egui::pos2(text_left, block.top() + 2.0), g1, Color32::WHITE);
                painter.galley(
                    egui::pos2(text_left, block.top() + 18.0),
                    g2,
                    Color32::WHITE,
                );
                let resp = resp.on_hover_text(format!(
                    "{}\n{} · {}\n{}\n{}",
                    r.label(),
                    r.priority.as_deref().unwrap_or("—"),
                    when,
                    status_words(r),
                    sla_line(r, tz, now)
                ));
                if resp.clicked() {
                    clicked = Some(r.doc_id.clone());
                }
            }
        });
        if !ed.unscheduled.is_empty() {
            // Wrapped lines stay right of the name column.
            ui.horizontal_top(|ui| {
                ui.add_space(NAME_W);
                ui.horizontal_wrapped(|ui| {
                    ui.label(
                        RichText::new(t!("board-not-scheduled"))
                            .small()
                            .color(format::GREY),
                    );
                    for r in &ed.unscheduled {
                        let text = RichText::new(r.label()).color(sla_text(ui, r.sla_state()));
                        if ui
                            .small_button(text)
                            .on_hover_text(sla_line(r, tz, now))
                            .clicked()
                        {
                            clicked = Some(r.doc_id.clone());
                        }
                    }
                });
            });
        }
    }
    if let Some(id) = clicked {
        select(state, &id, out);
    }
}

/// An engineer's live status from the board's rows: the work they are on site for, on the
/// way to, or holding (the latest such), else that nothing is in progress.
fn live_status(
    rows: &[crate::state::dispatch::dispatch_model::BoardRow],
    user_id: &str,
) -> (String, egui::Color32) {
    use fieldsync::status::Status;
    let current = rows
        .iter()
        .filter(|r| r.assignees.iter().any(|a| a == user_id))
        .filter(|r| {
            matches!(
                r.status(),
                Some(Status::OnSite | Status::EnRoute | Status::OnHold)
            )
        })
        .max_by_key(|r| r.created_at_ms);
    match current {
        Some(r) => {
            let label = r.label();
            match r.status() {
                Some(Status::OnSite) => (t!("board-live-on-site", work = label), format::GREEN),
                Some(Status::EnRoute) => (t!("board-live-en-route", work = label), format::AMBER),
                _ => (t!("board-live-on-hold", work = label), format::GREY),
            }
        }
        None => (t!("board-live-idle"), format::GREY),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_visits_are_widened_and_overlaps_go_to_other_lanes() {
        // Three visits: 0–10 px (short), 20–200 px, and 300–320 px.
        let (placed, n) = lanes(
            &[(0.0, 10.0), (20.0, 200.0), (300.0, 320.0)],
            100.0,
            0.0,
            1000.0,
        );
        // The short one is widened to 100 px and then touches the second: another lane.
        assert_eq!(placed[0], (0.0, 100.0, 0));
        assert_eq!(placed[1], (20.0, 200.0, 1));
        // The third fits after the first in lane 0.
        assert_eq!(placed[2], (300.0, 400.0, 0));
        assert_eq!(n, 2);
        // At the right edge a block is shifted left to keep its width.
        let (placed, _) = lanes(&[(950.0, 990.0)], 100.0, 0.0, 1000.0);
        assert_eq!(placed[0], (900.0, 1000.0, 0));
        // No blocks: one (empty) lane.
        assert_eq!(lanes(&[], 100.0, 0.0, 1000.0).1, 1);
    }
}
