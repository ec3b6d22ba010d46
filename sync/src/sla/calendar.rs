//! Business-time arithmetic over a contract's service calendar: "add N business minutes to an
//! instant" and "business minutes between two instants", in the customer's IANA time zone
//! (chrono-tz), with weekly service hours, holidays and extra working days (the PRC's 调休
//! make-up days: a Saturday or Sunday that is a working day). 7×24 calendars are plain wall
//! time.

use super::SlaError;
use crate::ids::TimestampMs;
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, TimeZone, Utc, Weekday};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// How far ahead the arithmetic looks for business time before giving up (ten years).
const MAX_DAYS: u32 = 3660;

/// A service calendar as configured (JSON/TOML friendly). Unknown fields are refused: a
/// misspelt `working_days` silently dropped would shift every due time around a holiday.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Calendar {
    /// IANA zone name, e.g. `Asia/Shanghai`, `Europe/Berlin`.
    pub time_zone: String,
    /// Weekly service hours; `None` is 7×24 (every minute counts, holidays included).
    #[serde(default)]
    pub hours: Option<BusinessHours>,
    /// Local dates without service (5×8 calendars only).
    #[serde(default)]
    pub holidays: Vec<NaiveDate>,
    /// Local dates that are working days although their weekday is not a service day (调休
    /// make-up days, e.g. Sunday 2026-09-20 before National Day); served with the usual
    /// hours. 5×8 calendars only; a date cannot be both a holiday and a working day.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub working_days: Vec<NaiveDate>,
}

/// Weekly service hours, e.g. Mon–Fri 09:00–17:00.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BusinessHours {
    /// Service days, e.g. `["Mon","Tue","Wed","Thu","Fri"]`.
    pub days: Vec<Weekday>,
    /// Local start, `HH:MM`.
    pub start: String,
    /// Local end, `HH:MM` (`24:00` allowed), after `start`.
    pub end: String,
}

impl Calendar {
    /// 5×8: Monday to Friday, 09:00–17:00 local time.
    pub fn five_by_eight(time_zone: &str) -> Self {
        Self {
            time_zone: time_zone.into(),
            hours: Some(BusinessHours {
                days: vec![
                    Weekday::Mon,
                    Weekday::Tue,
                    Weekday::Wed,
                    Weekday::Thu,
                    Weekday::Fri,
                ],
                start: "09:00".into(),
                end: "17:00".into(),
            }),
            holidays: Vec::new(),
            working_days: Vec::new(),
        }
    }

    /// 7×24: wall time.
    pub fn always(time_zone: &str) -> Self {
        Self {
            time_zone: time_zone.into(),
            hours: None,
            holidays: Vec::new(),
            working_days: Vec::new(),
        }
    }

    /// This calendar with the PRC statutory holidays and make-up working days of the years
    /// shipped in [`super::prc`] added (duplicates removed).
    pub fn with_prc_holidays(mut self) -> Self {
        let prc = super::prc::calendar_days();
        self.holidays.extend(prc.holidays);
        self.holidays.sort_unstable();
        self.holidays.dedup();
        self.working_days.extend(prc.working_days);
        self.working_days.sort_unstable();
        self.working_days.dedup();
        self
    }

    /// Check the configuration and prepare it for arithmetic.
    pub fn compile(&self) -> Result<BusinessCalendar, SlaError> {
        let tz: Tz = self
            .time_zone
            .parse()
            .map_err(|_| SlaError::Config(format!("unknown time zone {:?}", self.time_zone)))?;
        let hours = match &self.hours {
            None => None,
            Some(h) => {
                let start = parse_hhmm(&h.start)?;
                let end = parse_hhmm(&h.end)?;
                if end <= start {
                    return Err(SlaError::Config(format!(
                        "service hours end {} must be after start {}",
                        h.end, h.start
                    )));
                }
                if h.days.is_empty() {
                    return Err(SlaError::Config(
                        "service hours need at least one day".into(),
                    ));
                }
                let mut days = [false; 7];
                for d in &h.days {
                    days[d.num_days_from_monday() as usize] = true;
                }
                Some(Hours {
                    days,
                    start_min: start,
                    end_min: end,
                })
            }
        };
        let holidays: BTreeSet<NaiveDate> = self.holidays.iter().copied().collect();
        if let Some(d) = self.working_days.iter().find(|d| holidays.contains(d)) {
            return Err(SlaError::Config(format!(
                "{d} is listed both as a holiday and as a working day"
            )));
        }
        Ok(BusinessCalendar {
            tz,
            hours,
            holidays,
            working_days: self.working_days.iter().copied().collect(),
        })
    }
}

/// `HH:MM` → minutes after midnight (0..=1440).
pub fn parse_hhmm(s: &str) -> Result<u32, SlaError> {
    let bad = || SlaError::Config(format!("{s:?} is not a time of day (HH:MM)"));
    let (h, m) = s.trim().split_once(':').ok_or_else(bad)?;
    let h: u32 = h.parse().map_err(|_| bad())?;
    let m: u32 = m.parse().map_err(|_| bad())?;
    if m >= 60 || h > 24 || (h == 24 && m != 0) {
        return Err(bad());
    }
    Ok(h * 60 + m)
}

#[derive(Clone, Copy, Debug)]
struct Hours {
    days: [bool; 7],
    start_min: u32,
    end_min: u32,
}

/// A compiled calendar: all arithmetic is in epoch milliseconds.
#[derive(Clone, Debug)]
pub struct BusinessCalendar {
    tz: Tz,
    hours: Option<Hours>,
    holidays: BTreeSet<NaiveDate>,
    working_days: BTreeSet<NaiveDate>,
}

impl BusinessCalendar {
    pub fn time_zone(&self) -> Tz {
        self.tz
    }

    /// Is this a 7×24 calendar?
    pub fn is_always(&self) -> bool {
        self.hours.is_none()
    }

    fn utc(ms: TimestampMs) -> Result<DateTime<Utc>, SlaError> {
        DateTime::from_timestamp_millis(ms).ok_or(SlaError::OutOfRange(ms))
    }

    /// The customer's local date at `ms`.
    pub fn local_date(&self, ms: TimestampMs) -> Result<NaiveDate, SlaError> {
        Ok(Self::utc(ms)?.with_timezone(&self.tz).date_naive())
    }

    /// The instant of a local wall-clock time. In a DST gap the time does not exist and the
    /// next existing instant is used; in an overlap the earlier one.
    pub fn local_ms(&self, date: NaiveDate, minutes: u32) -> TimestampMs {
        local_instant(self.tz, date, minutes)
    }

    /// Is `date` a service day: a holiday never, an extra working day always, otherwise by
    /// its weekday. (7×24 calendars serve every day.)
    pub fn is_service_day(&self, date: NaiveDate) -> bool {
        let Some(h) = &self.hours else {
            return true;
        };
        if self.holidays.contains(&date) {
            return false;
        }
        self.working_days.contains(&date) || h.days[date.weekday().num_days_from_monday() as usize]
    }

    /// The service window of a local date, or `None` on a non-service day or holiday.
    fn window(&self, date: NaiveDate, h: &Hours) -> Option<(TimestampMs, TimestampMs)> {
        if !self.is_service_day(date) {
            return None;
        }
        Some((
            self.local_ms(date, h.start_min),
            self.local_ms(date, h.end_min),
        ))
    }

    /// The instant `duration_ms` of business time after `start` (`start` itself if ≤ 0).
    /// Ends exactly at a window's close rather than at the next window's opening.
    pub fn add_business_ms(
        &self,
        start: TimestampMs,
        duration_ms: i64,
    ) -> Result<TimestampMs, SlaError> {
        if duration_ms <= 0 {
            return Ok(start);
        }
        let Some(h) = self.hours else {
            return start
                .checked_add(duration_ms)
                .ok_or(SlaError::OutOfRange(start));
        };
        let mut day = self.local_date(start)?;
        let mut left = duration_ms;
        for _ in 0..MAX_DAYS {
            if let Some((open, close)) = self.window(day, &h) {
                let from = open.max(start);
                if close > from {
                    let len = close - from;
                    if left <= len {
                        return Ok(from + left);
                    }
                    left -= len;
                }
            }
            day = day.succ_opt().ok_or(SlaError::OutOfRange(start))?;
        }
        Err(SlaError::NoBusinessTime)
    }

    /// Business minutes added to an instant.
    pub fn add_business_minutes(
        &self,
        start: TimestampMs,
        minutes: i64,
    ) -> Result<TimestampMs, SlaError> {
        self.add_business_ms(start, minutes.saturating_mul(60_000))
    }

    /// Business time in `[from, to)`, 0 if `to <= from`.
    pub fn business_ms_between(&self, from: TimestampMs, to: TimestampMs) -> Result<i64, SlaError> {
        if to <= from {
            return Ok(0);
        }
        let Some(h) = self.hours else {
            return Ok(to - from);
        };
        let last = self.local_date(to)?;
        let mut day = self.local_date(from)?;
        let mut total = 0i64;
        while day <= last {
            if let Some((open, close)) = self.window(day, &h) {
                let a = open.max(from);
                let b = close.min(to);
                if b > a {
                    total += b - a;
                }
            }
            day = day.succ_opt().ok_or(SlaError::OutOfRange(to))?;
        }
        Ok(total)
    }

    /// Business minutes in `[from, to)` (rounded down).
    pub fn business_minutes_between(
        &self,
        from: TimestampMs,
        to: TimestampMs,
    ) -> Result<i64, SlaError> {
        Ok(self.business_ms_between(from, to)? / 60_000)
    }
}

/// The instant of local `date` + `minutes` in `tz` (gap → later, overlap → earlier).
pub fn local_instant(tz: Tz, date: NaiveDate, minutes: u32) -> TimestampMs {
    let midnight: NaiveDateTime = date.and_time(chrono::NaiveTime::MIN);
    let mut ndt = midnight + Duration::minutes(i64::from(minutes));
    // A DST gap is at most a few hours: step forward until the wall time exists.
    for _ in 0..6 {
        if let Some(t) = tz.from_local_datetime(&ndt).earliest() {
            return t.timestamp_millis();
        }
        ndt += Duration::minutes(30);
    }
    // Unreachable for real zones; fall back to reading the wall time as UTC.
    ndt.and_utc().timestamp_millis()
}

/// Which dates an inspection plan's rule visits (a plan's `day_filter`, shared by the hub's
/// generator and the app's plan form, so both spell it the same).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayFilter {
    /// Every date the rule produces.
    #[default]
    Every,
    /// Only the site's working days: statutory holidays are skipped and 调休 make-up
    /// Saturdays/Sundays count. With `FREQ=DAILY` this is "every working day"; with a weekly
    /// rule it is "Wednesdays, except on holidays".
    WorkingDays,
}

impl DayFilter {
    /// The default, which a plan does not write (`skip_serializing_if`).
    pub fn is_every(&self) -> bool {
        *self == DayFilter::Every
    }
}
