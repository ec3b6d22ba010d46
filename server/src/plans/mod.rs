//! Patrol-inspection plans: customer/site, devices (or a device filter), checklist template,
//! recurrence as an iCalendar RRULE (the `rrule` crate), a local time window, lead time,
//! default engineer, priority and a paused flag. [`CompiledPlan::occurrences`] expands a plan in
//! the site's time zone, keeping only the site's working days when the plan's [`DayFilter`]
//! says so (an RRULE cannot name PRC holidays or 调休 make-up days); [`generator`] turns
//! occurrences into work orders with deterministic ids; [`adherence`] reports planned / on
//! time / late / missed per month.

pub mod adherence;
pub mod generator;

use crate::hub::HubError;
use chrono::{NaiveDate, TimeZone};
use fieldsync::TimestampMs;
use fieldsync::sla::{BusinessCalendar, Calendar, local_instant, parse_hhmm};
use rrule::{Frequency, RRule, RRuleSet, Unvalidated};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Namespace of occurrence work-order ids: UUID v5 of `"{plan id}/{start ms}"`.
/// The years a plan may start in. Occurrences are walked from the start, so a plan starting
/// in year 506 would walk half a million days on every preview and generator run (found by
/// the `plan_json` fuzz target: a 14 s request); no real patrol plan starts outside these.
pub const STARTS_ON_YEARS: std::ops::RangeInclusive<i32> = 1970..=2099;

pub const OCCURRENCE_NAMESPACE: Uuid = Uuid::from_u128(0x6d1f_3c2a_8b4e_4f57_9a0c_51e2_7d3b_9f10);

/// Devices to inspect: a fixed list, or every device of a type at the plan's site.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DeviceFilter {
    /// e.g. `ups`; `None` = every device at the site.
    pub device_type: Option<String>,
}

pub use fieldsync::sla::DayFilter;

/// An inspection plan (the JSON body of `/v1/plans`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    /// Assigned by the server on creation.
    #[serde(default)]
    pub id: Option<Uuid>,
    pub title: String,
    pub customer_id: String,
    pub site_id: String,
    #[serde(default)]
    pub device_ids: Vec<String>,
    #[serde(default)]
    pub device_filter: Option<DeviceFilter>,
    #[serde(default)]
    pub template_id: Option<String>,
    /// RRULE without DTSTART, e.g. `FREQ=WEEKLY;BYDAY=WE` or `FREQ=MONTHLY;BYDAY=1MO`.
    pub rrule: String,
    /// First local date the rule may fall on.
    pub starts_on: NaiveDate,
    /// Absent in plans saved before it existed: those visit every date of the rule.
    #[serde(default, skip_serializing_if = "DayFilter::is_every")]
    pub day_filter: DayFilter,
    /// Local window, `HH:MM`.
    pub window_start: String,
    pub window_end: String,
    /// IANA zone of the site, e.g. `Asia/Shanghai`.
    pub time_zone: String,
    /// Lead time: occurrences starting within this many days are created.
    #[serde(default = "default_horizon_days")]
    pub horizon_days: u32,
    /// User id (or username, resolved on save) of the default engineer.
    #[serde(default)]
    pub default_engineer: Option<String>,
    /// P1..P4 (inspections usually P4).
    #[serde(default)]
    pub priority: Option<String>,
    #[serde(default)]
    pub paused: bool,
    /// Server-managed: occurrences starting before this instant belong to an earlier
    /// version of the plan and are never touched by edits.
    #[serde(default)]
    pub effective_from_ms: TimestampMs,
    #[serde(default)]
    pub revision: u32,
}

fn default_horizon_days() -> u32 {
    28
}

/// One planned visit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Occurrence {
    pub start_ms: TimestampMs,
    pub end_ms: TimestampMs,
}

/// A plan checked and ready to expand.
pub struct CompiledPlan {
    pub plan: Plan,
    pub id: Uuid,
    tz: chrono_tz::Tz,
    start_min: u32,
    end_min: u32,
    set: RRuleSet,
    /// The working-day calendar when the plan visits working days only.
    working_days: Option<BusinessCalendar>,
}

/// The working-day calendar of plans whose customer has no 5×8 contract: Monday to Friday
/// with the PRC statutory holidays and 调休 make-up days, in the plan's zone. (A 7×24
/// contract serves every day, which says nothing about when a routine visit is welcome.)
pub fn prc_working_days(time_zone: &str) -> Calendar {
    Calendar::five_by_eight(time_zone).with_prc_holidays()
}

impl Plan {
    /// Check every field; the error names the field. Working days, if the plan keeps to
    /// them, are the PRC's ([`prc_working_days`]); the generator passes the site's contract
    /// calendar through [`Plan::compile_on`].
    pub fn compile(&self) -> Result<CompiledPlan, HubError> {
        self.compile_on(None)
    }

    /// [`Plan::compile`] with the site's service calendar (its contract's on-site calendar)
    /// deciding which days are working days; `None` or a 7×24 calendar means the PRC's.
    pub fn compile_on(&self, site_calendar: Option<&Calendar>) -> Result<CompiledPlan, HubError> {
        let bad = |m: String| HubError::Invalid(format!("plan: {m}"));
        if self.title.trim().is_empty() {
            return Err(bad("title is required".into()));
        }
        if self.customer_id.trim().is_empty() || self.site_id.trim().is_empty() {
            return Err(bad("customer_id and site_id are required".into()));
        }
        let tz: chrono_tz::Tz = self
            .time_zone
            .parse()
            .map_err(|_| bad(format!("unknown time zone {:?}", self.time_zone)))?;
        let start_min =
            parse_hhmm(&self.window_start).map_err(|e| bad(format!("window_start: {e}")))?;
        let end_min = parse_hhmm(&self.window_end).map_err(|e| bad(format!("window_end: {e}")))?;
        if end_min <= start_min {
            return Err(bad("window_end must be after window_start".into()));
        }
        if self.horizon_days == 0 || self.horizon_days > 366 {
            return Err(bad("horizon_days is 1..=366".into()));
        }
        if !STARTS_ON_YEARS.contains(&chrono::Datelike::year(&self.starts_on)) {
            return Err(bad(format!(
                "starts_on {} is not in the years {}–{}",
                self.starts_on,
                STARTS_ON_YEARS.start(),
                STARTS_ON_YEARS.end()
            )));
        }
        if let Some(p) = &self.priority
            && !fieldsync::sla::PRIORITIES.contains(&p.as_str())
        {
            return Err(bad(format!("priority {p:?} is not P1..P4")));
        }
        let text = self.rrule.trim();
        let text = text.strip_prefix("RRULE:").unwrap_or(text);
        // The rrule crate slices BYDAY values by bytes and panics inside a multi-byte
        // character (found by the plan_json fuzz target): an RRULE is ASCII, say so first.
        if !text.is_ascii() {
            return Err(bad(format!(
                "rrule {text:?}: only ASCII letters, digits and ;=,:+- belong in a rule"
            )));
        }
        if text.to_uppercase().contains("DTSTART") {
            return Err(bad("rrule: give the start as starts_on, not DTSTART".into()));
        }
        let rule: RRule<Unvalidated> = text
            .parse()
            .map_err(|e| bad(format!("rrule {text:?}: {e}")))?;
        if matches!(
            rule.get_freq(),
            Frequency::Hourly | Frequency::Minutely | Frequency::Secondly
        ) {
            return Err(bad(
                "rrule: inspections recur daily at most (FREQ=DAILY, WEEKLY, MONTHLY or YEARLY)"
                    .into(),
            ));
        }
        let local_start = self.starts_on.and_time(chrono::NaiveTime::MIN)
            + chrono::Duration::minutes(i64::from(start_min));
        let dt_start = rrule::Tz::Tz(tz)
            .from_local_datetime(&local_start)
            .earliest()
            .or_else(|| {
                rrule::Tz::Tz(tz)
                    .from_local_datetime(&(local_start + chrono::Duration::hours(1)))
                    .earliest()
            })
            .ok_or_else(|| bad("starts_on/window_start does not exist in the time zone".into()))?;
        let set = rule
            .build(dt_start)
            .map_err(|e| bad(format!("rrule: {e}")))?;
        let working_days = match self.day_filter {
            DayFilter::Every => None,
            DayFilter::WorkingDays => {
                let own = site_calendar.filter(|c| c.hours.is_some());
                let calendar = match own {
                    Some(c) => c.clone(),
                    None => prc_working_days(&self.time_zone),
                };
                Some(
                    calendar
                        .compile()
                        .map_err(|e| bad(format!("the site's working-day calendar: {e}")))?,
                )
            }
        };
        Ok(CompiledPlan {
            plan: self.clone(),
            id: self.id.unwrap_or_else(Uuid::nil),
            tz,
            start_min,
            end_min,
            set,
            working_days,
        })
    }
}

impl CompiledPlan {
    /// Occurrences whose window ends after `from_ms` and that start before `to_ms`, at most
    /// `limit` of them. Each local date of the rule gets the local window, so DST changes
    /// keep 09:00 at 09:00; dates that are not working days are left out when the plan keeps
    /// to working days.
    pub fn occurrences(
        &self,
        from_ms: TimestampMs,
        to_ms: TimestampMs,
        limit: usize,
    ) -> Vec<Occurrence> {
        let mut out = Vec::new();
        for dt in &self.set {
            let date = dt.date_naive();
            if self
                .working_days
                .as_ref()
                .is_some_and(|c| !c.is_service_day(date))
            {
                // A daily rule across a long holiday still ends: the set is walked lazily
                // and `to_ms` bounds it below.
                if local_instant(self.tz, date, self.start_min) >= to_ms {
                    break;
                }
                continue;
            }
            let start_ms = local_instant(self.tz, date, self.start_min);
            if start_ms >= to_ms || out.len() >= limit {
                break;
            }
            let end_ms = local_instant(self.tz, date, self.end_min);
            if end_ms > from_ms {
                out.push(Occurrence { start_ms, end_ms });
            }
        }
        out
    }

    /// The deterministic work-order id of an occurrence.
    pub fn occurrence_id(&self, start_ms: TimestampMs) -> Uuid {
        occurrence_id(self.id, start_ms)
    }
}

/// UUID v5 of `"{plan}/{start_ms}"`: the same occurrence always gets the same work order.
pub fn occurrence_id(plan: Uuid, start_ms: TimestampMs) -> Uuid {
    Uuid::new_v5(
        &OCCURRENCE_NAMESPACE,
        format!("{plan}/{start_ms}").as_bytes(),
    )
}

#[cfg(test)]
mod tests;
