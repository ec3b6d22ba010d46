//! A time of day (a visit window's start or end) as hours and minutes that can be dragged,
//! typed or stepped, with the zone it is on beside it: a window is always the site's wall
//! clock, never the dispatcher's. Typed text is read by `DragValue`, so "9:0x" cannot land.

use egui::{DragValue, Widget};
use fieldsync_i18n::t;

/// Minutes after midnight, 00:00..=24:00, in steps the dispatcher can reach quickly.
pub struct ClockInput<'a> {
    minutes: &'a mut u32,
    name: String,
    zone: String,
}

impl<'a> ClockInput<'a> {
    /// `name` is what the time is ("Window start": screen readers and tests find the hour
    /// and minute fields by it); `zone` is shown after the time (e.g. "Asia/Shanghai").
    pub fn new(minutes: &'a mut u32, name: impl Into<String>, zone: impl Into<String>) -> Self {
        ClockInput {
            minutes,
            name: name.into(),
            zone: zone.into(),
        }
    }
}

/// Split minutes into (hour, minute), 24:00 at most.
fn split(minutes: u32) -> (u32, u32) {
    let m = minutes.min(24 * 60);
    (m / 60, m % 60)
}

/// Join them again; 24 hours allows only :00 (the end of the day).
fn join(hour: u32, minute: u32) -> u32 {
    (hour.min(24) * 60 + minute.min(59)).min(24 * 60)
}

impl Widget for ClockInput<'_> {
    fn ui(self, ui: &mut egui::Ui) -> egui::Response {
        let (mut h, mut m) = split(*self.minutes);
        let inner = ui.horizontal(|ui| {
            ui.spacing_mut().item_spacing.x = 2.0;
            let fmt2 = |v: f64, _: std::ops::RangeInclusive<usize>| format!("{v:02.0}");
            let hr = ui
                .add(
                    DragValue::new(&mut h)
                        .range(0..=24)
                        .speed(0.1)
                        .custom_formatter(fmt2),
                )
                .accessible_name(t!("clock-hours", what = self.name.as_str()));
            ui.label(":");
            let mr = ui
                .add(
                    DragValue::new(&mut m)
                        .range(0..=59)
                        .speed(0.2)
                        .custom_formatter(fmt2),
                )
                .accessible_name(t!("clock-minutes", what = self.name.as_str()));
            ui.add_space(6.0);
            ui.weak(self.zone);
            hr | mr
        });
        let mut response = inner.inner;
        let joined = join(h, m);
        if joined != *self.minutes {
            *self.minutes = joined;
            response.mark_changed();
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hours_and_minutes_stay_on_the_clock() {
        assert_eq!(split(9 * 60 + 5), (9, 5));
        assert_eq!(join(9, 5), 545);
        assert_eq!(join(24, 30), 1440);
        assert_eq!(join(30, 0), 1440);
        assert_eq!(split(5000), (24, 0));
    }
}
