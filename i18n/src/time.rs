//! Dates, times and durations written the way each language writes them: "Mon 7 Dec 09:30"
//! and "12月7日 周一 09:30". These take a wall-clock time; whose clock it is (the site's)
//! and its label are the caller's business ([`zone_label`] names one).

use crate::lang::Lang;
use chrono::{Datelike, NaiveDate, NaiveDateTime, Offset, TimeZone, Timelike, Weekday};

const EN_WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const ZH_WEEKDAYS: [&str; 7] = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"];
const EN_MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const EN_MONTHS_LONG: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// "Mon" / "周一".
pub fn weekday(lang: Lang, day: Weekday) -> &'static str {
    let i = day.num_days_from_monday() as usize;
    match lang {
        Lang::En => EN_WEEKDAYS[i],
        Lang::ZhCn => ZH_WEEKDAYS[i],
    }
}

fn month0(d: &impl Datelike) -> usize {
    d.month0() as usize
}

/// "09:30".
pub fn clock(t: &impl Timelike) -> String {
    format!("{:02}:{:02}", t.hour(), t.minute())
}

/// "7 Dec" / "12月7日".
pub fn day_month(lang: Lang, d: &impl Datelike) -> String {
    match lang {
        Lang::En => format!("{} {}", d.day(), EN_MONTHS[month0(d)]),
        Lang::ZhCn => format!("{}月{}日", d.month(), d.day()),
    }
}

/// "Mon 7 Dec" / "12月7日 周一": a day this year, as lists show it.
pub fn weekday_date(lang: Lang, d: &impl Datelike) -> String {
    match lang {
        Lang::En => format!("{} {}", weekday(lang, d.weekday()), day_month(lang, d)),
        Lang::ZhCn => format!("{} {}", day_month(lang, d), weekday(lang, d.weekday())),
    }
}

/// "Mon 7 Dec 2026" / "2026年12月7日 周一".
pub fn full_date(lang: Lang, d: &NaiveDate) -> String {
    match lang {
        Lang::En => format!(
            "{} {} {} {}",
            weekday(lang, d.weekday()),
            d.day(),
            EN_MONTHS[month0(d)],
            d.year()
        ),
        Lang::ZhCn => format!(
            "{}年{}月{}日 {}",
            d.year(),
            d.month(),
            d.day(),
            weekday(lang, d.weekday())
        ),
    }
}

/// "7 Dec 2026" / "2026年12月7日": a date in a document, without the weekday.
pub fn date(lang: Lang, d: &NaiveDate) -> String {
    match lang {
        Lang::En => format!("{} {} {}", d.day(), EN_MONTHS[month0(d)], d.year()),
        Lang::ZhCn => format!("{}年{}月{}日", d.year(), d.month(), d.day()),
    }
}

/// "Mon 7 Dec 09:30" / "12月7日 周一 09:30".
pub fn date_time(lang: Lang, t: &NaiveDateTime) -> String {
    format!("{} {}", weekday_date(lang, t), clock(t))
}

/// "Mon 7 Dec 2026 09:30" / "2026年12月7日 周一 09:30".
pub fn full_date_time(lang: Lang, t: &NaiveDateTime) -> String {
    format!("{} {}", full_date(lang, &t.date()), clock(t))
}

/// "December 2026" / "2026年12月".
pub fn month(lang: Lang, year: i32, month: u32) -> String {
    match lang {
        Lang::En => format!(
            "{} {year}",
            EN_MONTHS_LONG[(month.clamp(1, 12) - 1) as usize]
        ),
        Lang::ZhCn => format!("{year}年{month}月"),
    }
}

/// "October" / "10月".
pub fn month_name(lang: Lang, month: u32) -> String {
    match lang {
        Lang::En => EN_MONTHS_LONG[(month.clamp(1, 12) - 1) as usize].to_owned(),
        Lang::ZhCn => format!("{month}月"),
    }
}

/// "3 h 20 min", "45 min", "2 d 4 h" / "3小时20分钟", "45分钟", "2天4小时" (sign ignored).
pub fn duration(lang: Lang, ms: i64) -> String {
    let mins = ms.unsigned_abs() / 60_000;
    let (d, h, m) = (mins / 1440, (mins % 1440) / 60, mins % 60);
    match (lang, d > 0, h > 0) {
        (Lang::En, true, _) => format!("{d} d {h} h"),
        (Lang::En, false, true) => format!("{h} h {m} min"),
        (Lang::En, false, false) => format!("{m} min"),
        (Lang::ZhCn, true, _) => format!("{d}天{h}小时"),
        (Lang::ZhCn, false, true) => format!("{h}小时{m}分钟"),
        (Lang::ZhCn, false, false) => format!("{m}分钟"),
    }
}

/// The label of a zone at a moment: "CST" for China's (北京时间 in Chinese), the zone's
/// abbreviation elsewhere ("CET", "GMT"), or "UTC+5:30" where it has only a number.
pub fn zone_label(lang: Lang, tz: chrono_tz::Tz, utc: &chrono::DateTime<chrono::Utc>) -> String {
    let at = utc.with_timezone(&tz);
    let china = matches!(
        tz,
        chrono_tz::Tz::Asia__Shanghai
            | chrono_tz::Tz::Asia__Chongqing
            | chrono_tz::Tz::Asia__Harbin
            | chrono_tz::Tz::PRC
    );
    if china && lang == Lang::ZhCn {
        return "北京时间".into();
    }
    let abbr = at.format("%Z").to_string();
    if abbr.starts_with(['+', '-']) {
        offset_label(at.offset().fix().local_minus_utc())
    } else {
        abbr
    }
}

/// "UTC+8", "UTC-3:30", "UTC": a fixed offset as a label (the device's clock, whose zone
/// name the app does not know).
pub fn offset_label(secs: i32) -> String {
    if secs == 0 {
        return "UTC".into();
    }
    let sign = if secs < 0 { '-' } else { '+' };
    let mins = secs.unsigned_abs() / 60;
    if mins.is_multiple_of(60) {
        format!("UTC{sign}{}", mins / 60)
    } else {
        format!("UTC{sign}{}:{:02}", mins / 60, mins % 60)
    }
}

/// A wall-clock time in `tz` and its label: "Mon 7 Dec 09:30 CST" / "12月7日 周一 09:30 北京时间".
pub fn zoned(lang: Lang, tz: chrono_tz::Tz, utc: &chrono::DateTime<chrono::Utc>) -> String {
    let local = tz.from_utc_datetime(&utc.naive_utc()).naive_local();
    format!("{} {}", date_time(lang, &local), zone_label(lang, tz, utc))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn utc(s: &str) -> chrono::DateTime<chrono::Utc> {
        chrono::Utc.from_utc_datetime(&NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap())
    }

    #[test]
    fn dates_as_each_language_writes_them() {
        let t = NaiveDateTime::parse_from_str("2026-12-07 09:30", "%Y-%m-%d %H:%M").unwrap();
        assert_eq!(date_time(Lang::En, &t), "Mon 7 Dec 09:30");
        assert_eq!(date_time(Lang::ZhCn, &t), "12月7日 周一 09:30");
        assert_eq!(full_date_time(Lang::ZhCn, &t), "2026年12月7日 周一 09:30");
        assert_eq!(full_date_time(Lang::En, &t), "Mon 7 Dec 2026 09:30");
        assert_eq!(date(Lang::ZhCn, &t.date()), "2026年12月7日");
        assert_eq!(month(Lang::En, 2026, 12), "December 2026");
        assert_eq!(month(Lang::ZhCn, 2026, 12), "2026年12月");
    }

    #[test]
    fn durations() {
        assert_eq!(duration(Lang::En, 200 * 60_000), "3 h 20 min");
        assert_eq!(duration(Lang::ZhCn, 200 * 60_000), "3小时20分钟");
        assert_eq!(duration(Lang::ZhCn, 45 * 60_000), "45分钟");
        assert_eq!(duration(Lang::En, -(52 * 60 * 60_000)), "2 d 4 h");
        assert_eq!(duration(Lang::ZhCn, 52 * 60 * 60_000), "2天4小时");
    }

    #[test]
    fn zones_are_labelled() {
        let t = utc("2026-12-07 01:30");
        assert_eq!(
            zoned(Lang::En, chrono_tz::Asia::Shanghai, &t),
            "Mon 7 Dec 09:30 CST"
        );
        assert_eq!(
            zoned(Lang::ZhCn, chrono_tz::Asia::Shanghai, &t),
            "12月7日 周一 09:30 北京时间"
        );
        assert_eq!(zone_label(Lang::En, chrono_tz::Europe::Berlin, &t), "CET");
        assert_eq!(zone_label(Lang::En, chrono_tz::Asia::Kolkata, &t), "IST");
        assert_eq!(zone_label(Lang::En, chrono_tz::Asia::Dubai, &t), "UTC+4");
        assert_eq!(offset_label(-(3 * 3600 + 1800)), "UTC-3:30");
        assert_eq!(offset_label(0), "UTC");
    }
}
