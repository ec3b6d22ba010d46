//! Times typed by a person, on the clock the screen shows (the site's, or the device's): "14:05"
//! for today, or "2026-12-02 14:05". Used where someone records when something happened, such
//! as when a device went down.

use crate::format::Zone;
use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, TimeZone};
use fieldsync::TimestampMs;
use fieldsync_i18n::t;

/// `ms` as the text a person would type for it on `zone`'s clock.
pub fn to_text(ms: TimestampMs, zone: Zone) -> String {
    let Some(t) = DateTime::from_timestamp_millis(ms) else {
        return String::new();
    };
    const FMT: &str = "%Y-%m-%d %H:%M";
    match zone {
        Zone::Device => t.with_timezone(&chrono::Local).format(FMT).to_string(),
        Zone::Site(tz) => t.with_timezone(&tz).format(FMT).to_string(),
    }
}

/// Read "HH:MM" (today on `zone`'s clock at `now`) or "YYYY-MM-DD HH:MM"; the error says in
/// words what is wrong.
pub fn parse(text: &str, zone: Zone, now: TimestampMs) -> Result<TimestampMs, String> {
    let text = text.trim();
    let bad = || t!("eng-time-not-a-time", text = text);
    let naive = if let Ok(t) = NaiveTime::parse_from_str(text, "%H:%M") {
        today(zone, now).ok_or_else(bad)?.and_time(t)
    } else {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").map_err(|_| bad())?
    };
    let resolved = match zone {
        Zone::Device => chrono::Local
            .from_local_datetime(&naive)
            .earliest()
            .map(|t| t.timestamp_millis()),
        Zone::Site(tz) => tz
            .from_local_datetime(&naive)
            .earliest()
            .map(|t| t.timestamp_millis()),
    };
    resolved.ok_or_else(|| t!("eng-time-does-not-exist", text = text))
}

fn today(zone: Zone, now: TimestampMs) -> Option<NaiveDate> {
    let t = DateTime::from_timestamp_millis(now)?;
    Some(match zone {
        Zone::Device => t.with_timezone(&chrono::Local).date_naive(),
        Zone::Site(tz) => t.with_timezone(&tz).date_naive(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// 2026-12-02 10:30 UTC = 18:30 in Shanghai.
    const NOW: TimestampMs = 1_796_207_400_000;

    fn shanghai() -> Zone {
        Zone::of(Some("Asia/Shanghai"))
    }

    #[test]
    fn times_are_read_on_the_sites_clock() {
        let z = shanghai();
        // 09:10 in Shanghai today = 01:10 UTC.
        assert_eq!(parse("09:10", z, NOW), Ok(NOW - (9 * 60 + 20) * 60_000));
        assert_eq!(
            parse(" 2026-12-01 23:00 ", z, NOW),
            Ok(NOW - (19 * 60 + 30) * 60_000)
        );
        assert_eq!(to_text(NOW, z), "2026-12-02 18:30");
        assert_eq!(parse(&to_text(NOW, z), z, NOW), Ok(NOW));
    }

    #[test]
    fn nonsense_gets_words_not_a_panic() {
        for text in ["", "9", "25:00", "yesterday", "2026-13-01 10:00", "10:61"] {
            let e = parse(text, shanghai(), NOW).unwrap_err();
            assert!(e.contains("is not a time"), "{text:?}: {e}");
        }
        // A time skipped by a clock change.
        let ny = Zone::of(Some("America/New_York"));
        let e = parse("2026-03-08 02:30", ny, NOW).unwrap_err();
        assert!(e.contains("does not exist"), "{e}");
    }

    proptest! {
        #[test]
        fn any_text_is_read_or_refused(text in "\\PC{0,24}", now in 0i64..4_000_000_000_000) {
            let _ = parse(&text, shanghai(), now);
            let _ = parse(&text, Zone::Device, now);
        }

        #[test]
        // From 2000: Shanghai kept summer time in 1986–1991, when some wall-clock times
        // happened twice.
        fn what_is_shown_reads_back_to_the_minute(ms in 946_684_800_000i64..4_000_000_000_000) {
            let z = shanghai();
            let minute = ms - ms.rem_euclid(60_000);
            prop_assert_eq!(parse(&to_text(ms, z), z, ms), Ok(minute));
        }
    }
}
