//! The dispatch board: the unassigned queue (by priority or SLA due), every engineer's day
//! as a timeline coloured by SLA state, and the selected work order's card
//! ([`super::board_card`]) where the dispatcher assigns (server suggestions first, with
//! reasons), picks a slot, reschedules or unassigns. Every change goes to the server, which
//! writes it with its own actor so it reaches the engineer at their next sync.

use crate::format;
use crate::state::AppState;
use crate::state::command::Command;
use crate::state::dispatch::dispatch_board::select;
use crate::state::dispatch::dispatch_model::{
    self as model, BoardRow, QueueSort, zoned_day_hm, zoned_hm,
};
use crate::widgets::DatePicker;
use egui::{Color32, RichText};
use fieldsync::TimestampMs;
use fieldsync::sla::SlaState;
use fieldsync_i18n::{self as i18n, t};

/// The colour of an SLA state as text (lightened on a dark background).
pub fn sla_text(ui: &egui::Ui, s: Option<SlaState>) -> Color32 {
    format::readable(sla_color(s), ui.visuals().dark_mode)
}

/// Colour of an SLA state on the board.
pub fn sla_color(s: Option<SlaState>) -> Color32 {
    match s {
        Some(SlaState::OnTrack) => format::BLUE,
        Some(SlaState::AtRisk) => format::AMBER,
        Some(SlaState::Breached) => format::RED,
        Some(SlaState::Met) => format::GREEN,
        None => format::GREY,
    }
}

/// "response due 14:30 (in 45 min)", "resolution overdue since 11:00", "SLA met".
pub fn sla_line(row: &BoardRow, tz: chrono_tz::Tz, now: TimestampMs) -> String {
    let Some(r) = &row.sla else {
        return match row.next_due_ms() {
            Some(due) => t!("board-due", when = zoned_day_hm(tz, due)),
            None => t!("board-no-sla"),
        };
    };
    let (what, clock) = if r.response.stopped_at_ms.is_none() {
        ("response", &r.response)
    } else {
        ("resolution", &r.resolution)
    };
    if clock.stopped_at_ms.is_some() {
        return t!(
            "board-sla-stopped",
            state = model::sla_word(Some(r.worst()))
        );
    }
    // Always with the zone's label: the board's zone need not be the dispatcher's.
    let when = if model::local_date(tz, clock.due_ms) == model::local_date(tz, now) {
        zoned_hm(tz, clock.due_ms)
    } else {
        zoned_day_hm(tz, clock.due_ms)
    };
    if clock.state == SlaState::Breached {
        if r.paused {
            t!("board-sla-overdue-paused", clock = what, when = when)
        } else {
            t!("board-sla-overdue", clock = what, when = when)
        }
    } else if r.paused {
        // On hold the due time moves: what is left of the clock is what stays true.
        t!(
            "board-sla-due-paused",
            clock = what,
            when = when,
            left = format::duration(clock.remaining_ms.max(0))
        )
    } else {
        // Wall-clock time to the due time shown, not the business time left: at 01:00
        // "due 10:00 (1 h left)" reads as a contradiction.
        t!(
            "board-sla-due-in",
            clock = what,
            when = when,
            span = format::duration((clock.due_ms - now).max(0))
        )
    }
}

/// A row's status in words (the server's code when it is not one the app knows).
pub fn status_words(row: &BoardRow) -> String {
    row.status().map_or(row.status.clone(), |s| {
        i18n::words::status(i18n::current(), s)
    })
}

/// What a row is about in words: its fault category, else its kind.
pub fn what_words(row: &BoardRow) -> String {
    match (row.category.as_deref(), row.kind.as_str()) {
        (Some(c), _) => crate::screens::common::category_label(c),
        (None, "incident") => t!("board-kind-incident"),
        (None, "inspection") => t!("board-kind-inspection"),
        (None, other) => other.to_string(),
    }
}

pub fn board_ui(ui: &mut egui::Ui, state: &mut AppState, out: &mut Vec<Command>) {
    let tz = state.dispatch.zone();
    let today = model::local_date(tz, state.now_ms);
    let day = state.dispatch.board.shown_day(tz, state.now_ms);
    let card_open = state.dispatch.board.selected.is_some();
    let (queue_w, card_w) = side_widths(ui.available_width(), card_open);
    egui::Panel::left("dispatch_queue")
        .resizable(false)
        .exact_size(queue_w)
        .show(ui, |ui| queue_ui(ui, state, out));
    if card_open {
        egui::Panel::right("dispatch_card")
            .resizable(false)
            .exact_size(card_w)
            .show(ui, |ui| {
                egui::ScrollArea::vertical()
                    .id_salt("card_scroll")
                    .show(ui, |ui| super::board_card::card_ui(ui, state, out))
            });
    }
    egui::CentralPanel::default().show(ui, |ui| {
        // Wrapped: at 800 px the zone note goes to a second line instead of widening the
        // panel (which pushed the timeline's right end off screen).
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new(t!("board-engineers-day")).strong().size(16.0));
            if ui
                .small_button("◀")
                .on_hover_text(t!("board-previous-day"))
                .clicked()
            {
                state.dispatch.board.day = day.pred_opt();
            }
            let label = i18n::time::full_date(i18n::current(), &day);
            if ui
                .add_enabled(day != today, egui::Button::new(t!("board-today")))
                .clicked()
            {
                state.dispatch.board.day = None;
            }
            // Fixed width: the arrows stay put while the dispatcher clicks through days. The
            // date opens a calendar for days further away than a few clicks.
            let mut picked = day;
            let r = ui.add_sized(
                [150.0, 20.0],
                DatePicker::new("board_day", &mut picked, today).label(label),
            );
            if r.changed() {
                state.dispatch.board.day = (picked != today).then_some(picked);
            }
            if ui
                .small_button("▶")
                .on_hover_text(t!("board-next-day"))
                .clicked()
            {
                state.dispatch.board.day = day.succ_opt();
            }
            let zone = format!("{} ({})", tz.name(), model::zone_label(tz, state.now_ms));
            ui.label(RichText::new(t!("board-times-in", zone = zone)).color(format::GREY));
        });
        legend_ui(ui);
        // Both ways: the timeline keeps a readable width (see `timeline_ui`), and where
        // the panel is narrower the dispatcher scrolls sideways to the rest of the day.
        egui::ScrollArea::both()
            .id_salt("timeline_scroll")
            .auto_shrink([false, false])
            .show(ui, |ui| {
                super::board_timeline::timeline_ui(ui, state, day, out)
            });
    });
}

/// The queue's and the card's widths in a board `total` points wide: 360 and 330 where
/// there is room. With a card open on a narrow window both give way (down to 250 and 270)
/// so the timeline between them keeps a few hundred points: at 800 px it was squeezed to
/// 90, and its day row, legend and engineers' lines ran out of it.
pub fn side_widths(total: f32, card_open: bool) -> (f32, f32) {
    const QUEUE: (f32, f32) = (250.0, 360.0);
    const CARD: (f32, f32) = (270.0, 330.0);
    if !card_open {
        return (QUEUE.1, CARD.1);
    }
    (
        (total * 0.3).clamp(QUEUE.0, QUEUE.1),
        (total * 0.3).clamp(CARD.0, CARD.1),
    )
}

/// The SLA colours' key; wrapped, each swatch kept with its word, so a narrow timeline
/// takes it on two lines instead of cutting it.
fn legend_ui(ui: &mut egui::Ui) {
    ui.horizontal_wrapped(|ui| {
        for (s, word) in [
            (Some(SlaState::OnTrack), t!("board-sla-on-track")),
            (Some(SlaState::AtRisk), t!("board-sla-at-risk")),
            (Some(SlaState::Breached), t!("board-sla-breached")),
            (Some(SlaState::Met), t!("board-sla-met")),
            (None, t!("board-legend-no-sla")),
        ] {
            // One label that does not wrap: it moves to the next line whole. It is read
            // (and found) by its word; the swatch is only colour.
            let mut key = egui::text::LayoutJob::default();
            let body = egui::TextStyle::Body.resolve(ui.style());
            let small = egui::TextStyle::Small.resolve(ui.style());
            key.append("■", 0.0, egui::TextFormat::simple(body, sla_color(s)));
            key.append(
                &word,
                ui.spacing().item_spacing.x,
                egui::TextFormat::simple(small, sla_text(ui, s)),
            );
            ui.add(egui::Label::new(key).extend())
                .widget_info(|| egui::WidgetInfo::labeled(egui::Role::Label, true, &word));
        }
    });
}

/// Colour of a priority in the queue: P1 red and P2 amber stand out from routine work.
fn priority_color(ui: &egui::Ui, p: Option<&str>) -> Color32 {
    let c = match p {
        Some("P1") => format::RED,
        Some("P2") => format::AMBER,
        _ => return ui.visuals().strong_text_color(),
    };
    format::readable(c, ui.visuals().dark_mode)
}

/// "P1 · WO-2026-00012 · Printer jam" with the priority in its colour (one label, so it
/// reads and is found as one line).
fn priority_title(ui: &egui::Ui, row: &BoardRow) -> egui::text::LayoutJob {
    let font = egui::TextStyle::Body.resolve(ui.style());
    let strong = ui.visuals().strong_text_color();
    let p = row.priority.as_deref();
    let mut job = egui::text::LayoutJob::default();
    job.append(
        p.unwrap_or("—"),
        0.0,
        egui::TextFormat::simple(font.clone(), priority_color(ui, p)),
    );
    job.append(
        &format!(" · {}", row.label()),
        0.0,
        egui::TextFormat::simple(font, strong),
    );
    job
}

fn queue_ui(ui: &mut egui::Ui, state: &mut AppState, out: &mut Vec<Command>) {
    let tz = state.dispatch.zone();
    let now = state.now_ms;
    let n = model::unassigned_queue(&state.dispatch.board.rows, QueueSort::Priority).len();
    let heading = RichText::new(t!("board-unassigned", n = n))
        .strong()
        .size(16.0);
    let sort = &mut state.dispatch.board.sort;
    // The sort choice sits at the right; in a narrow queue (a card open at 800 px) it
    // goes under the heading instead of over it.
    if ui.available_width() >= 320.0 {
        ui.horizontal(|ui| {
            ui.label(heading);
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                ui.selectable_value(sort, QueueSort::SlaDue, t!("board-sort-sla-due"));
                ui.selectable_value(sort, QueueSort::Priority, t!("board-sort-priority"));
                ui.label(t!("board-sort"));
            });
        });
    } else {
        ui.label(heading);
        ui.horizontal_wrapped(|ui| {
            ui.label(t!("board-sort"));
            ui.selectable_value(sort, QueueSort::Priority, t!("board-sort-priority"));
            ui.selectable_value(sort, QueueSort::SlaDue, t!("board-sort-sla-due"));
        });
    }
    ui.separator();
    let mut clicked = None;
    egui::ScrollArea::vertical()
        .id_salt("queue_scroll")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            let d = &state.dispatch;
            let queue = model::unassigned_queue(&d.board.rows, d.board.sort);
            if queue.is_empty() {
                ui.label(if d.loaded_at_ms.is_some() {
                    t!("board-queue-empty")
                } else {
                    t!("board-loading")
                });
            }
            for row in queue {
                let selected = d.board.selected.as_deref() == Some(row.doc_id.as_str());
                let text_color = sla_text(ui, row.sla_state());
                egui::Frame::new()
                    .stroke(egui::Stroke::new(
                        if selected { 2.0 } else { 1.0 },
                        text_color,
                    ))
                    .inner_margin(6.0)
                    .corner_radius(4.0)
                    .show(ui, |ui| {
                        ui.set_width(ui.available_width());
                        let title = priority_title(ui, row);
                        if ui.selectable_label(selected, title).clicked() {
                            clicked = Some(row.doc_id.clone());
                        }
                        let place = row
                            .site_id
                            .as_deref()
                            .map(|s| d.site_name(s))
                            .or_else(|| row.customer_id.as_deref().map(|c| d.customer_name(c)))
                            .unwrap_or_else(|| t!("board-no-site"));
                        let what = what_words(row);
                        ui.label(RichText::new(format!("{place} · {what}")).small());
                        ui.label(RichText::new(sla_line(row, tz, now)).color(text_color));
                    });
                ui.add_space(4.0);
            }
        });
    if let Some(id) = clicked {
        select(state, &id, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::dispatch::dispatch_model::{HOUR_MS, MINUTE_MS};

    #[test]
    fn side_panels_give_way_to_the_timeline_only_on_a_narrow_board_with_a_card() {
        // Wide, or no card: the panels as designed.
        assert_eq!(side_widths(1920.0, true), (360.0, 330.0));
        assert_eq!(side_widths(1280.0, true), (360.0, 330.0));
        assert_eq!(side_widths(800.0, false), (360.0, 330.0));
        // 800 px with a card: the timeline keeps over 250 points (it had 90).
        let (queue, card) = side_widths(800.0, true);
        assert!(800.0 - queue - card >= 250.0, "{queue} + {card}");
        assert!(queue >= 250.0 && card >= 270.0, "{queue} + {card}");
    }

    #[test]
    fn sla_line_without_a_report_uses_due_times() {
        let tz = chrono_tz::Asia::Shanghai;
        let row = BoardRow {
            response_due_ms: Some(1_794_990_600_000),
            ..Default::default()
        };
        assert_eq!(sla_line(&row, tz, 0), "due Wed 18 Nov 16:30 CST");
        assert_eq!(sla_line(&BoardRow::default(), tz, 0), "no SLA");
        let _ = MINUTE_MS;
    }

    #[test]
    fn sla_line_counts_wall_clock_time_to_the_due_time_shown() {
        use fieldsync::sla::{ClockReport, SlaReport};
        let tz = chrono_tz::Asia::Shanghai;
        // Thu 03 Dec 2026 01:00 Shanghai; a P1 due at 10:00 with 1 business hour left.
        let now = 1_796_230_800_000;
        let clock = ClockReport {
            state: SlaState::OnTrack,
            target_ms: HOUR_MS,
            due_ms: now + 9 * HOUR_MS,
            stopped_at_ms: None,
            elapsed_ms: 0,
            remaining_ms: HOUR_MS,
            paused_ms: 0,
        };
        let mut row = BoardRow {
            sla: Some(SlaReport {
                priority: "P1".into(),
                response: clock.clone(),
                resolution: clock,
                paused: false,
                warnings: vec![],
            }),
            ..Default::default()
        };
        assert_eq!(
            sla_line(&row, tz, now),
            "response due 10:00 CST (in 9 h 0 min)"
        );
        // On hold the due time moves: the clock's remainder is what holds.
        if let Some(r) = row.sla.as_mut() {
            r.paused = true;
        }
        assert_eq!(
            sla_line(&row, tz, now),
            "response due 10:00 CST (1 h 0 min left · paused, on hold)"
        );
    }
}
