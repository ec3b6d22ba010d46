//! The plan editor's recurrence builder: daily, weekly on chosen weekdays, monthly on a day or
//! on the nth weekday, every working day of the site's calendar, or free RRULE text for
//! experts. It writes the RRULE plus the plan's day filter (an RRULE cannot name PRC holidays
//! or 调休 make-up days), and reads a stored rule back when it can express it.

use chrono::Weekday;
use fieldsync_i18n::{self as i18n, t};
use std::collections::BTreeMap;

pub use fieldsync::sla::DayFilter;

/// How often, as the builder offers it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Repeat {
    Daily,
    #[default]
    Weekly,
    Monthly,
    /// `FREQ=DAILY` on the site's working days.
    WorkingDays,
    /// RRULE text as typed.
    Custom,
}

impl Repeat {
    pub const ALL: [Repeat; 5] = [
        Repeat::Daily,
        Repeat::Weekly,
        Repeat::Monthly,
        Repeat::WorkingDays,
        Repeat::Custom,
    ];

    pub fn label(self) -> String {
        match self {
            Repeat::Daily => t!("plans-repeat-daily"),
            Repeat::Weekly => t!("plans-repeat-weekly"),
            Repeat::Monthly => t!("plans-repeat-monthly"),
            Repeat::WorkingDays => t!("plans-repeat-working-days"),
            Repeat::Custom => t!("plans-repeat-custom"),
        }
    }
}

/// Which week of the month a monthly visit falls in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Nth {
    #[default]
    First,
    Second,
    Third,
    Fourth,
    Last,
}

impl Nth {
    pub const ALL: [Nth; 5] = [Nth::First, Nth::Second, Nth::Third, Nth::Fourth, Nth::Last];

    fn code(self) -> i8 {
        match self {
            Nth::First => 1,
            Nth::Second => 2,
            Nth::Third => 3,
            Nth::Fourth => 4,
            Nth::Last => -1,
        }
    }

    fn of(code: i8) -> Option<Self> {
        Self::ALL.into_iter().find(|n| n.code() == code)
    }

    pub fn label(self) -> String {
        match self {
            Nth::First => t!("plans-nth-first"),
            Nth::Second => t!("plans-nth-second"),
            Nth::Third => t!("plans-nth-third"),
            Nth::Fourth => t!("plans-nth-fourth"),
            Nth::Last => t!("plans-nth-last"),
        }
    }
}

/// A monthly visit's day: a date (`-1` is the last day) or the nth weekday.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MonthlyOn {
    Day(i8),
    Weekday(Nth, Weekday),
}

impl Default for MonthlyOn {
    fn default() -> Self {
        MonthlyOn::Weekday(Nth::First, Weekday::Mon)
    }
}

/// The builder's state.
#[derive(Clone, Debug, PartialEq)]
pub struct Recurrence {
    pub repeat: Repeat,
    /// Every N days / weeks / months (1..=99).
    pub interval: u32,
    /// Weekly: the chosen days, Monday first.
    pub weekdays: [bool; 7],
    pub monthly: MonthlyOn,
    /// Daily, weekly and monthly rules may skip days that are not working days.
    pub working_days_only: bool,
    /// The RRULE as typed (custom), kept when the dispatcher switches back and forth.
    pub custom: String,
}

impl Default for Recurrence {
    /// Weekly on Wednesday: the round most contracts name.
    fn default() -> Self {
        Recurrence {
            repeat: Repeat::Weekly,
            interval: 1,
            weekdays: [false, false, true, false, false, false, false],
            monthly: MonthlyOn::default(),
            working_days_only: false,
            custom: String::new(),
        }
    }
}

/// Largest "every N": beyond this a plan is better written as several.
pub const MAX_INTERVAL: u32 = 99;

const CODES: [&str; 7] = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];

fn weekday_code(d: Weekday) -> &'static str {
    CODES[d.num_days_from_monday() as usize]
}

fn weekday_of(code: &str) -> Option<Weekday> {
    CODES
        .iter()
        .position(|c| *c == code)
        .and_then(|i| u8::try_from(i).ok())
        .and_then(|i| Weekday::try_from(i).ok())
}

/// A rule as the server reads it: upper case, no spaces, no `RRULE:` prefix.
pub fn normalise(rule: &str) -> String {
    let t = rule.trim();
    t.strip_prefix("RRULE:")
        .unwrap_or(t)
        .to_ascii_uppercase()
        .replace(' ', "")
}

impl Recurrence {
    /// The builder for a stored rule: its own mode when it can express the rule exactly,
    /// otherwise custom with the text as it was.
    pub fn from_rule(rule: &str, filter: DayFilter) -> Self {
        let custom = Recurrence {
            repeat: Repeat::Custom,
            custom: rule.trim().to_string(),
            working_days_only: filter == DayFilter::WorkingDays,
            ..Default::default()
        };
        parse(&normalise(rule), filter).unwrap_or(custom)
    }

    /// The RRULE this builder stands for; the error says what is missing. Custom text is
    /// returned as typed (checked by [`super::plans_model::check_rule`]).
    pub fn rule(&self) -> Result<String, String> {
        if self.repeat == Repeat::Custom {
            return Ok(self.custom.clone());
        }
        if !(1..=MAX_INTERVAL).contains(&self.interval) {
            return Err(t!("plans-bad-interval", max = MAX_INTERVAL));
        }
        let every = if self.interval > 1 {
            format!(";INTERVAL={}", self.interval)
        } else {
            String::new()
        };
        Ok(match self.repeat {
            Repeat::Daily => format!("FREQ=DAILY{every}"),
            Repeat::WorkingDays => "FREQ=DAILY".to_string(),
            Repeat::Weekly => {
                let days: Vec<&str> = CODES
                    .iter()
                    .zip(self.weekdays)
                    .filter_map(|(c, on)| on.then_some(*c))
                    .collect();
                if days.is_empty() {
                    return Err(t!("plans-need-weekday"));
                }
                format!("FREQ=WEEKLY{every};BYDAY={}", days.join(","))
            }
            Repeat::Monthly => match self.monthly {
                MonthlyOn::Day(d) if d == -1 || (1..=31).contains(&d) => {
                    format!("FREQ=MONTHLY{every};BYMONTHDAY={d}")
                }
                MonthlyOn::Day(_) => return Err(t!("plans-bad-month-day")),
                MonthlyOn::Weekday(n, w) => {
                    format!("FREQ=MONTHLY{every};BYDAY={}{}", n.code(), weekday_code(w))
                }
            },
            Repeat::Custom => self.custom.clone(),
        })
    }

    /// The plan's day filter: working days for "every working day", else as ticked.
    pub fn day_filter(&self) -> DayFilter {
        if self.repeat == Repeat::WorkingDays || self.working_days_only {
            DayFilter::WorkingDays
        } else {
            DayFilter::Every
        }
    }

    /// Switch mode, carrying over what still applies (custom text starts from the rule
    /// shown, so an expert edits rather than retypes it).
    pub fn set_repeat(&mut self, repeat: Repeat) {
        if repeat == Repeat::Custom
            && self.repeat != Repeat::Custom
            && let Ok(r) = self.rule()
        {
            self.custom = r;
        }
        self.repeat = repeat;
    }

    /// The rule in words for lists: "Weekly on Wed, Fri", "每月第一个星期一", "每个工作日".
    pub fn describe(&self) -> String {
        let lang = i18n::current();
        let n = i64::from(self.interval);
        let text = match self.repeat {
            Repeat::Custom => return self.custom.clone(),
            Repeat::WorkingDays => return t!("plans-describe-working-days"),
            Repeat::Daily => t!("plans-describe-daily", n = n),
            Repeat::Weekly => {
                let days: Vec<&str> = (0u8..7)
                    .filter(|i| self.weekdays[usize::from(*i)])
                    .filter_map(|i| Weekday::try_from(i).ok())
                    .map(|d| i18n::time::weekday(lang, d))
                    .collect();
                t!(
                    "plans-describe-weekly",
                    n = n,
                    days = days.join(&t!("plans-list-sep"))
                )
            }
            Repeat::Monthly => match self.monthly {
                MonthlyOn::Day(-1) => t!("plans-describe-monthly-last-day", n = n),
                MonthlyOn::Day(d) => t!("plans-describe-monthly-day", n = n, day = i64::from(d)),
                MonthlyOn::Weekday(nth, w) => t!(
                    "plans-describe-monthly-nth",
                    n = n,
                    nth = nth.label(),
                    weekday = i18n::time::weekday(lang, w)
                ),
            },
        };
        if self.working_days_only {
            t!("plans-describe-working-days-only", rule = text)
        } else {
            text
        }
    }
}

/// Read a normalised rule into a builder, or `None` when only custom text can hold it.
fn parse(rule: &str, filter: DayFilter) -> Option<Recurrence> {
    let mut parts = BTreeMap::new();
    for part in rule.split(';').filter(|p| !p.is_empty()) {
        let (k, v) = part.split_once('=')?;
        if parts.insert(k, v).is_some() {
            return None;
        }
    }
    // WKST=MO is the default week start and changes nothing for these rules.
    if parts.get("WKST").is_some_and(|w| *w == "MO") {
        parts.remove("WKST");
    }
    let freq = parts.remove("FREQ")?;
    let interval: u32 = match parts.remove("INTERVAL") {
        Some(v) => v.parse().ok().filter(|n| (1..=MAX_INTERVAL).contains(n))?,
        None => 1,
    };
    let by_day = parts.remove("BYDAY");
    let by_month_day = parts.remove("BYMONTHDAY");
    if !parts.is_empty() {
        return None;
    }
    let mut r = Recurrence {
        interval,
        working_days_only: filter == DayFilter::WorkingDays,
        ..Default::default()
    };
    match (freq, by_day, by_month_day) {
        ("DAILY", None, None) => {
            if interval == 1 && r.working_days_only {
                r.repeat = Repeat::WorkingDays;
                r.working_days_only = false;
            } else {
                r.repeat = Repeat::Daily;
            }
        }
        ("WEEKLY", Some(days), None) => {
            r.repeat = Repeat::Weekly;
            r.weekdays = [false; 7];
            for code in days.split(',') {
                let d = weekday_of(code)?;
                r.weekdays[d.num_days_from_monday() as usize] = true;
            }
        }
        ("MONTHLY", None, Some(day)) => {
            let d: i8 = day.parse().ok()?;
            if d != -1 && !(1..=31).contains(&d) {
                return None;
            }
            r.repeat = Repeat::Monthly;
            r.monthly = MonthlyOn::Day(d);
        }
        ("MONTHLY", Some(day), None) => {
            let split = day.len().checked_sub(2)?;
            let (n, code) = day.split_at_checked(split)?;
            let nth = Nth::of(n.parse().ok()?)?;
            r.repeat = Repeat::Monthly;
            r.monthly = MonthlyOn::Weekday(nth, weekday_of(code)?);
        }
        _ => return None,
    }
    Some(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(rule: &str, filter: DayFilter) -> (Repeat, String, DayFilter) {
        let b = Recurrence::from_rule(rule, filter);
        (b.repeat, b.rule().unwrap(), b.day_filter())
    }

    #[test]
    fn rules_the_builder_can_say_come_back_unchanged() {
        use DayFilter::{Every, WorkingDays};
        let cases = [
            ("FREQ=DAILY", Every, Repeat::Daily),
            ("FREQ=DAILY;INTERVAL=2", WorkingDays, Repeat::Daily),
            ("FREQ=DAILY", WorkingDays, Repeat::WorkingDays),
            ("FREQ=WEEKLY;BYDAY=WE", Every, Repeat::Weekly),
            ("FREQ=WEEKLY;BYDAY=WE", WorkingDays, Repeat::Weekly),
            (
                "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH,SU",
                Every,
                Repeat::Weekly,
            ),
            ("FREQ=MONTHLY;BYMONTHDAY=15", Every, Repeat::Monthly),
            ("FREQ=MONTHLY;BYMONTHDAY=-1", Every, Repeat::Monthly),
            ("FREQ=MONTHLY;BYDAY=1MO", Every, Repeat::Monthly),
            ("FREQ=MONTHLY;INTERVAL=3;BYDAY=1MO", Every, Repeat::Monthly),
            ("FREQ=MONTHLY;BYDAY=-1FR", WorkingDays, Repeat::Monthly),
        ];
        for (rule, filter, repeat) in cases {
            assert_eq!(
                round_trip(rule, filter),
                (repeat, rule.to_string(), filter),
                "{rule}"
            );
        }
        // Spelling the server accepts reads the same.
        assert_eq!(
            round_trip("RRULE:freq=weekly; byday=we;wkst=mo", DayFilter::Every).1,
            "FREQ=WEEKLY;BYDAY=WE"
        );
        // The order of the days is the week's.
        assert_eq!(
            round_trip("FREQ=WEEKLY;BYDAY=FR,MO", DayFilter::Every).1,
            "FREQ=WEEKLY;BYDAY=MO,FR"
        );
    }

    #[test]
    fn rules_beyond_the_builder_stay_custom_and_untouched() {
        for rule in [
            "FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=15",
            "FREQ=WEEKLY",
            "FREQ=MONTHLY;BYDAY=MO;BYSETPOS=2",
            "FREQ=MONTHLY;BYDAY=5MO",
            "FREQ=MONTHLY;BYDAY=1MO,3MO",
            "FREQ=MONTHLY;BYMONTHDAY=32",
            "FREQ=DAILY;COUNT=10",
            "FREQ=WEEKLY;BYDAY=XX",
            "FREQ=WEEKLY;BYDAY=WE;BYDAY=FR",
            "FREQ=DAILY;INTERVAL=0",
            "not a rule",
            "",
        ] {
            let b = Recurrence::from_rule(rule, DayFilter::WorkingDays);
            assert_eq!(b.repeat, Repeat::Custom, "{rule}");
            assert_eq!(b.rule().unwrap(), rule);
            assert_eq!(b.day_filter(), DayFilter::WorkingDays);
        }
    }

    #[test]
    fn the_builder_writes_each_mode_and_names_what_is_missing() {
        let mut b = Recurrence {
            repeat: Repeat::Weekly,
            interval: 2,
            weekdays: [true, false, false, false, true, false, false],
            ..Default::default()
        };
        assert_eq!(b.rule().unwrap(), "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,FR");
        b.weekdays = [false; 7];
        assert!(b.rule().is_err());
        b.set_repeat(Repeat::Monthly);
        b.monthly = MonthlyOn::Weekday(Nth::Last, Weekday::Fri);
        assert_eq!(b.rule().unwrap(), "FREQ=MONTHLY;INTERVAL=2;BYDAY=-1FR");
        b.interval = 0;
        assert!(b.rule().is_err());
        b.interval = 1;
        b.set_repeat(Repeat::WorkingDays);
        assert_eq!(
            (b.rule().unwrap(), b.day_filter()),
            ("FREQ=DAILY".to_string(), DayFilter::WorkingDays)
        );
        // Custom starts from the rule the builder showed.
        b.set_repeat(Repeat::Monthly);
        b.set_repeat(Repeat::Custom);
        assert_eq!(b.custom, "FREQ=MONTHLY;BYDAY=-1FR");
    }

    #[test]
    fn rules_in_words() {
        let b = Recurrence::from_rule("FREQ=WEEKLY;BYDAY=WE,FR", DayFilter::WorkingDays);
        let words = b.describe();
        assert!(words.contains("Wed") && words.contains("Fri"), "{words}");
        assert!(words.contains("working days"), "{words}");
        let b = Recurrence::from_rule("FREQ=MONTHLY;BYDAY=1MO", DayFilter::Every);
        assert!(b.describe().contains("first Mon"), "{}", b.describe());
    }
}
