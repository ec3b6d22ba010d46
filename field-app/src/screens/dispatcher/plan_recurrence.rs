//! The plan editor's recurrence builder on screen: how often (daily, weekly on ticked
//! weekdays, monthly on a day or the nth weekday, every working day of the site's calendar,
//! or custom RRULE text), "every N", the working-days-only choice, and the RRULE it produces
//! shown read-only so an expert can check it.

use crate::format;
use crate::state::dispatch::recurrence::{MAX_INTERVAL, MonthlyOn, Nth, Recurrence, Repeat};
use chrono::Weekday;
use egui::RichText;
use fieldsync_i18n::{self as i18n, t};

/// The builder's rows in the form's two-column grid.
pub fn recurrence_rows(ui: &mut egui::Ui, r: &mut Recurrence) {
    let l = ui.label(t!("plans-recurrence"));
    let mut repeat = r.repeat;
    egui::ComboBox::from_id_salt("plan_repeat")
        .selected_text(repeat.label())
        .width(300.0)
        .show_ui(ui, |ui| {
            for choice in Repeat::ALL {
                ui.selectable_value(&mut repeat, choice, choice.label());
            }
        })
        .response
        .labelled_by(l.id);
    if repeat != r.repeat {
        r.set_repeat(repeat);
    }
    ui.end_row();
    match r.repeat {
        Repeat::Daily => every_row(ui, r, t!("plans-unit-days", n = i64::from(r.interval))),
        Repeat::Weekly => {
            every_row(ui, r, t!("plans-unit-weeks", n = i64::from(r.interval)));
            weekday_row(ui, r);
        }
        Repeat::Monthly => {
            every_row(ui, r, t!("plans-unit-months", n = i64::from(r.interval)));
            monthly_row(ui, r);
        }
        Repeat::WorkingDays => {
            ui.label("");
            ui.label(
                RichText::new(t!("plans-working-days-note"))
                    .small()
                    .color(format::GREY),
            );
            ui.end_row();
        }
        Repeat::Custom => {}
    }
    if !matches!(r.repeat, Repeat::WorkingDays) {
        ui.label("");
        ui.checkbox(&mut r.working_days_only, t!("plans-working-days-only"))
            .on_hover_text(t!("plans-working-days-note"));
        ui.end_row();
    }
    rule_row(ui, r);
}

/// "Every [N] weeks".
fn every_row(ui: &mut egui::Ui, r: &mut Recurrence, unit: String) {
    let l = ui.label(t!("plans-every"));
    ui.horizontal(|ui| {
        ui.add(egui::DragValue::new(&mut r.interval).range(1..=MAX_INTERVAL))
            .labelled_by(l.id);
        ui.label(unit);
    });
    ui.end_row();
}

/// Weekday checkboxes, Monday first (一 … 日).
fn weekday_row(ui: &mut egui::Ui, r: &mut Recurrence) {
    let lang = i18n::current();
    ui.label(t!("plans-on-weekdays"));
    ui.horizontal_wrapped(|ui| {
        for (i, on) in r.weekdays.iter_mut().enumerate() {
            let Ok(w) = Weekday::try_from(u8::try_from(i).unwrap_or(0)) else {
                continue;
            };
            ui.checkbox(on, i18n::time::weekday(lang, w));
        }
    });
    ui.end_row();
}

/// "On day [15]" or "on the [first] [Monday]".
fn monthly_row(ui: &mut egui::Ui, r: &mut Recurrence) {
    let lang = i18n::current();
    ui.label(t!("plans-on-month"));
    ui.vertical(|ui| {
        let by_day = matches!(r.monthly, MonthlyOn::Day(_));
        ui.horizontal(|ui| {
            if ui.radio(by_day, t!("plans-monthly-by-day")).clicked() && !by_day {
                r.monthly = MonthlyOn::Day(1);
            }
            if let MonthlyOn::Day(day) = &mut r.monthly {
                let shown = month_day_words(*day);
                egui::ComboBox::from_id_salt("plan_month_day")
                    .selected_text(shown)
                    .height(300.0)
                    .show_ui(ui, |ui| {
                        for d in (1..=31).chain([-1]) {
                            ui.selectable_value(day, d, month_day_words(d));
                        }
                    })
                    .response
                    .accessible_name(t!("plans-month-day-choice"));
            }
        });
        ui.horizontal(|ui| {
            if ui.radio(!by_day, t!("plans-monthly-by-weekday")).clicked() && by_day {
                r.monthly = MonthlyOn::default();
            }
            if let MonthlyOn::Weekday(nth, w) = &mut r.monthly {
                egui::ComboBox::from_id_salt("plan_month_nth")
                    .selected_text(nth.label())
                    .show_ui(ui, |ui| {
                        for n in Nth::ALL {
                            ui.selectable_value(nth, n, n.label());
                        }
                    })
                    .response
                    .accessible_name(t!("plans-month-week-choice"));
                egui::ComboBox::from_id_salt("plan_month_weekday")
                    .selected_text(i18n::time::weekday(lang, *w))
                    .show_ui(ui, |ui| {
                        for i in 0u8..7 {
                            if let Ok(d) = Weekday::try_from(i) {
                                ui.selectable_value(w, d, i18n::time::weekday(lang, d));
                            }
                        }
                    })
                    .response
                    .accessible_name(t!("plans-month-weekday-choice"));
            }
        });
    });
    ui.end_row();
}

fn month_day_words(day: i8) -> String {
    if day == -1 {
        t!("plans-month-last-day")
    } else {
        t!("plans-month-day", day = i64::from(day))
    }
}

/// The RRULE: typed when custom, otherwise what the builder produces, read-only.
fn rule_row(ui: &mut egui::Ui, r: &mut Recurrence) {
    let l = ui.label("RRULE");
    if r.repeat == Repeat::Custom {
        ui.add(
            egui::TextEdit::singleline(&mut r.custom)
                .desired_width(300.0)
                .hint_text("FREQ=MONTHLY;INTERVAL=3;BYDAY=1MO"),
        )
        .labelled_by(l.id)
        .on_hover_text(t!("plans-rrule-hint"));
    } else {
        let mut produced = r.rule().unwrap_or_default();
        let weak = ui.visuals().weak_text_color();
        ui.add(
            egui::TextEdit::singleline(&mut produced)
                .desired_width(300.0)
                .text_color(weak)
                .interactive(false),
        )
        .labelled_by(l.id)
        .on_hover_text(t!("plans-rrule-produced"));
    }
    ui.end_row();
}
