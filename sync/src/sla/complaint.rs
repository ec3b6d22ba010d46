//! The complaint deadline of a service contract: resolved within three working days of the
//! contract's calendar (DOMAIN.md), counted in business time like every other SLA clock.

use super::{BusinessCalendar, Calendar, SlaError, parse_hhmm};
use crate::ids::TimestampMs;

/// DOMAIN.md: complaints are resolved within three working days.
pub const COMPLAINT_WORKING_DAYS: i64 = 3;
/// Length of one working day of a calendar: its daily service hours, or 24 h for 7×24.
pub fn working_day_ms(calendar: &Calendar) -> Result<i64, SlaError> {
    match &calendar.hours {
        Some(h) => Ok(i64::from(parse_hhmm(&h.end)? - parse_hhmm(&h.start)?) * 60_000),
        None => Ok(24 * 3_600_000),
    }
}

/// When a complaint received at `received_at_ms` must be resolved: three working days of
/// business time later (received Monday 16:00 under 5×8 → Thursday 16:00).
pub fn complaint_due_ms(calendar: &Calendar, received_at_ms: TimestampMs) -> Result<i64, SlaError> {
    let compiled: BusinessCalendar = calendar.compile()?;
    compiled.add_business_ms(
        received_at_ms,
        COMPLAINT_WORKING_DAYS * working_day_ms(calendar)?,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    const H: i64 = 3_600_000;
    /// Monday 2026-11-02 00:00 UTC.
    const MON: i64 = 1_793_577_600_000;
    const DAY: i64 = 24 * H;

    #[test]
    fn complaints_are_due_three_working_days_later() {
        let cal = Calendar::five_by_eight("UTC");
        assert_eq!(working_day_ms(&cal).unwrap(), 8 * H);
        // Monday 16:00 → 24 business hours: Mon 1 h, Tue 8, Wed 8, Thu 7 → Thursday 16:00.
        assert_eq!(
            complaint_due_ms(&cal, MON + 16 * H).unwrap(),
            MON + 3 * DAY + 16 * H
        );
        // Friday 10:00: Fri 7 h, (weekend), Mon 8, Tue 8, Wed 1 → Wednesday 10:00.
        let fri = MON + 4 * DAY;
        assert_eq!(
            complaint_due_ms(&cal, fri + 10 * H).unwrap(),
            MON + 9 * DAY + 10 * H
        );
        // Saturday evening: counting starts Monday 09:00 → Wednesday 17:00.
        assert_eq!(
            complaint_due_ms(&cal, MON + 5 * DAY + 20 * H).unwrap(),
            MON + 9 * DAY + 17 * H
        );
        // A holiday on Tuesday pushes Monday 16:00 to Friday 16:00.
        let mut with_holiday = cal.clone();
        with_holiday.holidays = vec![NaiveDate::from_ymd_opt(2026, 11, 3).unwrap()];
        assert_eq!(
            complaint_due_ms(&with_holiday, MON + 16 * H).unwrap(),
            MON + 4 * DAY + 16 * H
        );
        // 7×24: three whole days.
        let always = Calendar::always("UTC");
        assert_eq!(
            complaint_due_ms(&always, MON + H).unwrap(),
            MON + 3 * DAY + H
        );
    }
}
