//! A button showing a date that opens a month calendar (egui_extras' picker writes its
//! weekday and month names in English only). Weekday headers and the month title follow the
//! app's language; the week starts on Monday; weekends and days outside `range` are greyed,
//! and a day picked closes the calendar. Given the site's calendar, statutory holidays are
//! marked in red and 调休 make-up working days stand out as working days.

use chrono::{Datelike, Days, Months, NaiveDate, Weekday};
use egui::{Color32, RichText, Widget};
use fieldsync_i18n::{self as i18n, t};
use std::ops::RangeInclusive;

/// A date chosen on a calendar; [`egui::Response::changed`] says a day was picked.
pub struct DatePicker<'a> {
    date: &'a mut NaiveDate,
    id_salt: &'a str,
    today: NaiveDate,
    range: Option<RangeInclusive<NaiveDate>>,
    label: Option<String>,
    holidays: &'a [NaiveDate],
    working_days: &'a [NaiveDate],
}

impl<'a> DatePicker<'a> {
    /// `today` is the site's date (marked on the calendar, and where "Today" jumps to).
    pub fn new(id_salt: &'a str, date: &'a mut NaiveDate, today: NaiveDate) -> Self {
        DatePicker {
            date,
            id_salt,
            today,
            range: None,
            label: None,
            holidays: &[],
            working_days: &[],
        }
    }

    /// Mark the site calendar's days off and its extra working days (a contract's
    /// `holidays` and `working_days`).
    pub fn marks(mut self, holidays: &'a [NaiveDate], working_days: &'a [NaiveDate]) -> Self {
        self.holidays = holidays;
        self.working_days = working_days;
        self
    }

    /// Days outside `range` cannot be picked.
    pub fn range(mut self, range: RangeInclusive<NaiveDate>) -> Self {
        self.range = Some(range);
        self
    }

    /// The button's text instead of the full date (e.g. a shorter one in a toolbar).
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }
}

/// The first day of `date`'s month.
fn month_start(date: NaiveDate) -> NaiveDate {
    date.with_day(1).unwrap_or(date)
}

/// The Monday on or before the first of the month: the calendar's top-left cell.
fn grid_start(month: NaiveDate) -> NaiveDate {
    // Checked: a stored date at the edge of chrono's range must not panic the form.
    month
        .checked_sub_days(Days::new(u64::from(month.weekday().num_days_from_monday())))
        .unwrap_or(month)
}

impl Widget for DatePicker<'_> {
    fn ui(self, ui: &mut egui::Ui) -> egui::Response {
        let lang = i18n::current();
        let text = self
            .label
            .clone()
            .unwrap_or_else(|| i18n::time::full_date(lang, self.date));
        let mut button = ui.button(text).on_hover_text(t!("date-picker-hint"));
        let month_id = button.id.with(self.id_salt).with("month");
        if button.clicked() {
            ui.data_mut(|d| d.insert_temp(month_id, month_start(*self.date)));
        }
        let mut picked = None;
        egui::Popup::from_toggle_button_response(&button)
            .close_behavior(egui::PopupCloseBehavior::CloseOnClickOutside)
            .show(|ui| {
                let shown = ui
                    .data(|d| d.get_temp::<NaiveDate>(month_id))
                    .unwrap_or_else(|| month_start(*self.date));
                let (day, month) = calendar_ui(ui, shown, &self);
                if let Some(m) = month {
                    ui.data_mut(|d| d.insert_temp(month_id, m));
                }
                if day.is_some() {
                    picked = day;
                    ui.close();
                }
            });
        if let Some(d) = picked
            && d != *self.date
        {
            *self.date = d;
            button.mark_changed();
        }
        button
    }
}

/// The month grid; returns a picked day and a month to show next.
fn calendar_ui(
    ui: &mut egui::Ui,
    shown: NaiveDate,
    p: &DatePicker<'_>,
) -> (Option<NaiveDate>, Option<NaiveDate>) {
    let lang = i18n::current();
    let mut picked = None;
    let mut month = None;
    ui.horizontal(|ui| {
        if ui
            .small_button("◀")
            .on_hover_text(t!("date-picker-previous-month"))
            .clicked()
        {
            month = shown.checked_sub_months(Months::new(1));
        }
        let title = i18n::time::month(lang, shown.year(), shown.month());
        ui.add_sized(
            [120.0, 18.0],
            egui::Label::new(RichText::new(title).strong()),
        );
        if ui
            .small_button("▶")
            .on_hover_text(t!("date-picker-next-month"))
            .clicked()
        {
            month = shown.checked_add_months(Months::new(1));
        }
        if ui.small_button(t!("date-picker-today")).clicked() {
            picked = Some(p.today);
        }
    });
    let weak = ui.visuals().weak_text_color();
    egui::Grid::new(("date_picker_grid", p.id_salt))
        .spacing([2.0, 2.0])
        .show(ui, |ui| {
            for i in 0u8..7 {
                let Ok(w) = Weekday::try_from(i) else {
                    continue;
                };
                let color = if i >= 5 {
                    weak
                } else {
                    ui.visuals().text_color()
                };
                ui.label(
                    RichText::new(i18n::time::weekday(lang, w))
                        .small()
                        .color(color),
                );
            }
            ui.end_row();
            let mut day = grid_start(shown);
            // Six weeks cover every month whatever weekday it starts on.
            for _ in 0..6 {
                for _ in 0..7 {
                    if let Some(d) = day_cell(ui, day, shown, p) {
                        picked = Some(d);
                    }
                    match day.succ_opt() {
                        Some(next) => day = next,
                        None => break,
                    }
                }
                ui.end_row();
            }
        });
    if !p.holidays.is_empty() || !p.working_days.is_empty() {
        ui.horizontal(|ui| {
            ui.label(RichText::new("■").color(holiday_color(ui)));
            ui.label(RichText::new(t!("date-picker-holiday")).small());
            ui.label(RichText::new("■").color(ui.visuals().strong_text_color()));
            ui.label(RichText::new(t!("date-picker-make-up-day")).small());
        });
    }
    (picked, month)
}

/// One day of the grid; `Some` when it was clicked.
fn day_cell(
    ui: &mut egui::Ui,
    day: NaiveDate,
    shown: NaiveDate,
    p: &DatePicker<'_>,
) -> Option<NaiveDate> {
    let in_month = day.month() == shown.month();
    let allowed = p.range.as_ref().is_none_or(|r| r.contains(&day));
    let weekend = day.weekday().num_days_from_monday() >= 5;
    let holiday = p.holidays.contains(&day);
    let make_up = p.working_days.contains(&day);
    let mut text = RichText::new(day.day().to_string());
    if holiday {
        text = text.color(holiday_color(ui));
    } else if make_up {
        text = text.strong();
    } else if !in_month || weekend {
        text = text.color(ui.visuals().weak_text_color());
    }
    if day == p.today {
        text = text.strong().underline();
    }
    let selected = day == *p.date;
    let button = egui::Button::selectable(selected, text)
        .min_size(egui::vec2(30.0, 22.0))
        .fill(if selected {
            ui.visuals().selection.bg_fill
        } else {
            Color32::TRANSPARENT
        });
    let full = i18n::time::full_date(i18n::current(), &day);
    let hover = if holiday {
        format!("{full} · {}", t!("date-picker-holiday"))
    } else if make_up {
        format!("{full} · {}", t!("date-picker-make-up-day"))
    } else {
        full
    };
    // The mark is in the name too: a screen reader says "holiday" where the eye sees red.
    let r = ui
        .add_enabled(allowed, button)
        .accessible_name(hover.clone())
        .on_hover_text(hover);
    r.clicked().then_some(day)
}

/// Red, readable on either theme.
fn holiday_color(ui: &egui::Ui) -> Color32 {
    if ui.visuals().dark_mode {
        Color32::from_rgb(0xff, 0x7a, 0x7a)
    } else {
        Color32::from_rgb(0xc0, 0x1c, 0x1c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn the_edges_of_the_calendar_do_not_panic() {
        let _ = grid_start(month_start(NaiveDate::MIN));
        let _ = grid_start(month_start(NaiveDate::MAX));
    }

    #[test]
    fn the_grid_starts_on_the_monday_before_the_first() {
        // 1 Nov 2026 is a Sunday: the grid starts on Monday 26 Oct.
        assert_eq!(grid_start(month_start(d(2026, 11, 18))), d(2026, 10, 26));
        // 1 Jun 2026 is a Monday: it is its own first cell.
        assert_eq!(grid_start(month_start(d(2026, 6, 30))), d(2026, 6, 1));
    }
}
