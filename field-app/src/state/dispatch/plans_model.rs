//! Inspection plans as the server sends them (`/v1/plans`), the editor's draft (recurrence
//! from [`super::recurrence`], dates and times as values, not text), and the checks that
//! turn a draft into a plan with errors in plain words. The server expands the rule (the
//! `rrule` crate) for the preview and names what it cannot read.

use super::recurrence::{DayFilter, Recurrence, normalise};
use chrono::NaiveDate;
use fieldsync::TimestampMs;
use fieldsync_i18n::t;
use serde::{Deserialize, Serialize};

/// Devices to inspect by type at the plan's site.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DeviceFilter {
    pub device_type: Option<String>,
}

/// A plan: the JSON body of `/v1/plans` (the server refuses unknown fields).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub title: String,
    pub customer_id: String,
    pub site_id: String,
    #[serde(default)]
    pub device_ids: Vec<String>,
    #[serde(default)]
    pub device_filter: Option<DeviceFilter>,
    #[serde(default)]
    pub template_id: Option<String>,
    pub rrule: String,
    pub starts_on: NaiveDate,
    #[serde(default, skip_serializing_if = "DayFilter::is_every")]
    pub day_filter: DayFilter,
    pub window_start: String,
    pub window_end: String,
    pub time_zone: String,
    #[serde(default = "default_horizon_days")]
    pub horizon_days: u32,
    #[serde(default)]
    pub default_engineer: Option<String>,
    #[serde(default)]
    pub priority: Option<String>,
    #[serde(default)]
    pub paused: bool,
    #[serde(default)]
    pub effective_from_ms: TimestampMs,
    #[serde(default)]
    pub revision: u32,
}

fn default_horizon_days() -> u32 {
    28
}

/// One planned visit of a preview.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
pub struct Occurrence {
    pub start_ms: TimestampMs,
    pub end_ms: TimestampMs,
}

const RULE_KEYS: [&str; 12] = [
    "FREQ",
    "INTERVAL",
    "COUNT",
    "UNTIL",
    "BYDAY",
    "BYMONTHDAY",
    "BYMONTH",
    "BYSETPOS",
    "BYWEEKNO",
    "BYYEARDAY",
    "WKST",
    "BYHOUR",
];

/// A first check of free RRULE text, so typos are named before the server is asked; the
/// server's expansion (the `rrule` crate) has the last word.
pub fn check_rule(rule: &str) -> Result<String, String> {
    let norm = normalise(rule);
    if norm.is_empty() {
        return Err(t!("plans-rule-empty"));
    }
    let mut freq = None;
    for part in norm.split(';').filter(|p| !p.is_empty()) {
        let Some((key, value)) = part.split_once('=') else {
            return Err(t!("plans-rule-not-key-value", part = part));
        };
        if key == "DTSTART" {
            return Err(t!("plans-rule-dtstart"));
        }
        if !RULE_KEYS.contains(&key) {
            return Err(t!(
                "plans-rule-unknown-part",
                key = key,
                known = RULE_KEYS.join(", ")
            ));
        }
        if value.is_empty() {
            return Err(t!("plans-rule-no-value", key = key));
        }
        if key == "FREQ" {
            freq = Some(value.to_string());
        }
    }
    match freq.as_deref() {
        None => Err(t!("plans-rule-no-freq")),
        Some("DAILY" | "WEEKLY" | "MONTHLY" | "YEARLY") => Ok(norm),
        Some(other) => Err(t!("plans-rule-bad-freq", freq = other)),
    }
}

/// Which devices a plan covers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum DeviceScope {
    /// Every device at the site.
    #[default]
    AllAtSite,
    /// Every device of one type at the site (e.g. all UPS).
    OfType,
    /// The devices the plan lists (kept as they are; edit on the server).
    Listed,
}

/// The editor's fields as typed.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PlanDraft {
    /// The plan being edited (`None`: a new one).
    pub base: Option<Plan>,
    pub title: String,
    pub customer_id: Option<String>,
    pub site_id: Option<String>,
    pub scope: DeviceScope,
    pub device_type: String,
    pub recurrence: Recurrence,
    /// Chosen on a calendar: always a date.
    pub starts_on: NaiveDate,
    /// Minutes after local midnight (0..=1440), set with the clock input.
    pub window_start: u32,
    pub window_end: u32,
    pub time_zone: String,
    pub horizon_days: String,
    pub default_engineer: Option<String>,
    pub priority: String,
    pub paused: bool,
    /// The checklist the visits carry (a template's id).
    pub template_id: Option<String>,
}

impl PlanDraft {
    /// A new plan: Wednesdays 09:00–12:00, four weeks ahead, P4, from `today`.
    pub fn new(today: NaiveDate, time_zone: &str) -> Self {
        PlanDraft {
            recurrence: Recurrence::default(),
            starts_on: today,
            window_start: 9 * 60,
            window_end: 12 * 60,
            time_zone: time_zone.into(),
            horizon_days: "28".into(),
            priority: "P4".into(),
            ..Default::default()
        }
    }

    pub fn from_plan(p: &Plan) -> Self {
        let scope = if !p.device_ids.is_empty() {
            DeviceScope::Listed
        } else if p
            .device_filter
            .as_ref()
            .is_some_and(|f| f.device_type.is_some())
        {
            DeviceScope::OfType
        } else {
            DeviceScope::AllAtSite
        };
        PlanDraft {
            base: Some(p.clone()),
            title: p.title.clone(),
            customer_id: Some(p.customer_id.clone()),
            site_id: Some(p.site_id.clone()),
            scope,
            device_type: p
                .device_filter
                .as_ref()
                .and_then(|f| f.device_type.clone())
                .unwrap_or_default(),
            recurrence: Recurrence::from_rule(&p.rrule, p.day_filter),
            starts_on: p.starts_on,
            window_start: minutes_or(&p.window_start, 9 * 60),
            window_end: minutes_or(&p.window_end, 12 * 60),
            time_zone: p.time_zone.clone(),
            horizon_days: p.horizon_days.to_string(),
            default_engineer: p.default_engineer.clone(),
            priority: p.priority.clone().unwrap_or_default(),
            paused: p.paused,
            template_id: p.template_id.clone(),
        }
    }

    /// The plan to preview or save, or the first problem in words.
    pub fn to_plan(&self) -> Result<Plan, String> {
        let title = self.title.trim();
        if title.is_empty() {
            return Err(t!("plans-need-title"));
        }
        let (Some(customer_id), Some(site_id)) = (&self.customer_id, &self.site_id) else {
            return Err(t!("plans-need-site"));
        };
        let rrule = check_rule(&self.recurrence.rule()?)?;
        if self.window_end <= self.window_start {
            return Err(t!("plans-window-order"));
        }
        if self.time_zone.trim().parse::<chrono_tz::Tz>().is_err() {
            return Err(t!("plans-bad-zone", value = self.time_zone.trim()));
        }
        let horizon_days: u32 = self
            .horizon_days
            .trim()
            .parse()
            .ok()
            .filter(|d| (1..=366).contains(d))
            .ok_or_else(|| t!("plans-bad-horizon"))?;
        let base = self.base.clone();
        let (device_ids, device_filter) = match self.scope {
            DeviceScope::AllAtSite => (Vec::new(), None),
            DeviceScope::OfType => {
                let t = self.device_type.trim().to_lowercase();
                if t.is_empty() {
                    return Err(t!("plans-need-device-type"));
                }
                (
                    Vec::new(),
                    Some(DeviceFilter {
                        device_type: Some(t),
                    }),
                )
            }
            DeviceScope::Listed => (
                base.as_ref()
                    .map(|p| p.device_ids.clone())
                    .unwrap_or_default(),
                None,
            ),
        };
        Ok(Plan {
            id: base.as_ref().and_then(|p| p.id.clone()),
            title: title.to_string(),
            customer_id: customer_id.clone(),
            site_id: site_id.clone(),
            device_ids,
            device_filter,
            template_id: self.template_id.clone(),
            rrule,
            starts_on: self.starts_on,
            day_filter: self.recurrence.day_filter(),
            window_start: hhmm(self.window_start),
            window_end: hhmm(self.window_end),
            time_zone: self.time_zone.trim().to_string(),
            horizon_days,
            default_engineer: self.default_engineer.clone(),
            priority: Some(self.priority.clone()).filter(|p| !p.is_empty()),
            paused: self.paused,
            effective_from_ms: base.as_ref().map_or(0, |p| p.effective_from_ms),
            revision: base.as_ref().map_or(0, |p| p.revision),
        })
    }
}

/// Minutes after midnight as `HH:MM` (1440 is `24:00`, the end of the day).
pub fn hhmm(minutes: u32) -> String {
    let m = minutes.min(24 * 60);
    format!("{:02}:{:02}", m / 60, m % 60)
}

/// A stored `HH:MM` as minutes; the server checked it, so `fallback` only guards old data.
fn minutes_or(text: &str, fallback: u32) -> u32 {
    fieldsync::sla::parse_hhmm(text).unwrap_or(fallback)
}

#[cfg(test)]
mod tests {
    use super::super::recurrence::Repeat;
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 18).unwrap()
    }

    fn draft() -> PlanDraft {
        PlanDraft {
            title: "Weekly round".into(),
            customer_id: Some("c1".into()),
            site_id: Some("s1".into()),
            ..PlanDraft::new(today(), "Asia/Shanghai")
        }
    }

    #[test]
    fn custom_rules_are_checked() {
        assert_eq!(
            check_rule("FREQ=WEEKLY;BYDAY=TU").unwrap(),
            "FREQ=WEEKLY;BYDAY=TU"
        );
        assert!(check_rule("").unwrap_err().contains("Enter"));
        assert!(check_rule("FREQ=HOURLY").unwrap_err().contains("HOURLY"));
        assert!(check_rule("BYDAY=WE").unwrap_err().contains("needs FREQ"));
        assert!(
            check_rule("FREQ=WEEKLY;BYDAYS=WE")
                .unwrap_err()
                .contains("BYDAYS")
        );
        assert!(
            check_rule("FREQ=WEEKLY;WE")
                .unwrap_err()
                .contains("KEY=VALUE")
        );
        assert!(
            check_rule("DTSTART=20260101;FREQ=DAILY")
                .unwrap_err()
                .contains("Starts on")
        );
    }

    #[test]
    fn draft_to_plan_names_the_problem() {
        let p = draft().to_plan().unwrap();
        assert_eq!(p.rrule, "FREQ=WEEKLY;BYDAY=WE");
        assert_eq!((p.horizon_days, p.priority.as_deref()), (28, Some("P4")));
        let json = serde_json::to_value(&p).unwrap();
        assert!(json.get("id").is_none(), "a new plan has no id: {json}");
        let mut d = draft();
        d.recurrence.set_repeat(Repeat::Custom);
        d.recurrence.custom = "FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=15".into();
        assert_eq!(
            d.to_plan().unwrap().rrule,
            "FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=15"
        );
        type Edit = (fn(&mut PlanDraft), &'static str);
        let edits: [Edit; 7] = [
            (
                |d: &mut PlanDraft| d.recurrence.weekdays = [false; 7],
                "weekday",
            ),
            (|d: &mut PlanDraft| d.title.clear(), "title"),
            (|d: &mut PlanDraft| d.site_id = None, "site"),
            (|d: &mut PlanDraft| d.window_end = 8 * 60, "end after"),
            (
                |d: &mut PlanDraft| d.time_zone = "Mars/Base".into(),
                "time zone",
            ),
            (|d: &mut PlanDraft| d.horizon_days = "400".into(), "366"),
            (
                |d: &mut PlanDraft| d.scope = DeviceScope::OfType,
                "device type",
            ),
        ];
        for (edit, needle) in edits {
            let mut d = draft();
            edit(&mut d);
            let e = d.to_plan().unwrap_err();
            assert!(e.contains(needle), "{e:?} should mention {needle:?}");
        }
    }

    #[test]
    fn editing_keeps_what_the_editor_does_not_show() {
        let p = Plan {
            id: Some("p1".into()),
            device_ids: vec!["d1".into()],
            template_id: Some("t1".into()),
            effective_from_ms: 5,
            revision: 2,
            ..draft().to_plan().unwrap()
        };
        let d = PlanDraft::from_plan(&p);
        assert_eq!(d.scope, DeviceScope::Listed);
        assert_eq!(d.recurrence, Recurrence::default());
        assert_eq!(d.to_plan().unwrap(), p);
    }

    #[test]
    fn working_days_reach_the_plan_and_come_back() {
        let mut d = draft();
        d.recurrence.set_repeat(Repeat::WorkingDays);
        let p = d.to_plan().unwrap();
        assert_eq!(
            (p.rrule.as_str(), p.day_filter),
            ("FREQ=DAILY", DayFilter::WorkingDays)
        );
        let json = serde_json::to_value(&p).unwrap();
        assert_eq!(json["day_filter"], "working_days");
        assert_eq!(
            PlanDraft::from_plan(&p).recurrence.repeat,
            Repeat::WorkingDays
        );
        // Plans without the filter send none (a server before it refuses unknown fields).
        let plain = serde_json::to_value(draft().to_plan().unwrap()).unwrap();
        assert!(plain.get("day_filter").is_none());
    }

    #[test]
    fn the_checklist_is_chosen_in_the_form() {
        let mut d = draft();
        assert_eq!(d.to_plan().unwrap().template_id, None);
        d.template_id = Some("tpl-server-room".into());
        assert_eq!(
            d.to_plan().unwrap().template_id.as_deref(),
            Some("tpl-server-room")
        );
        // Editing another plan starts from its checklist, and clearing it is kept.
        let mut e = PlanDraft::from_plan(&d.to_plan().unwrap());
        assert_eq!(e.template_id.as_deref(), Some("tpl-server-room"));
        e.template_id = None;
        assert_eq!(e.to_plan().unwrap().template_id, None);
    }
}
