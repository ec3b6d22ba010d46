//! Words and colours for times, SLA clocks, statuses and sync badges.

use chrono::Offset;
use egui::Color32;
use fieldsync::TimestampMs;
use fieldsync::status::Status;
use fieldsync::store::SyncBadge;
use fieldsync_i18n::{self as i18n, t};

pub const RED: Color32 = Color32::from_rgb(200, 40, 40);
pub const AMBER: Color32 = Color32::from_rgb(205, 120, 0);
pub const GREEN: Color32 = Color32::from_rgb(30, 140, 60);
pub const GREY: Color32 = Color32::from_rgb(110, 110, 110);
pub const BLUE: Color32 = Color32::from_rgb(40, 100, 190);

/// A status colour made readable as text or a thin line on the current background: the
/// colours above are dark enough for a light theme; on a dark one they are lightened, or
/// blue and red text on near-black falls to about 3:1 contrast.
pub fn readable(c: Color32, dark_mode: bool) -> Color32 {
    if dark_mode {
        c.lerp_to_gamma(Color32::WHITE, 0.4)
    } else {
        c
    }
}

/// A due time is "at risk" this long before it passes.
pub const AT_RISK_MS: i64 = 60 * 60 * 1000;

/// Date and time on the device's clock, labelled with its offset: "Wed 18 Nov 09:00 UTC+8"
/// (the app knows the device's offset, not its zone's name). Use [`time_in`] with the site's
/// zone wherever a site applies.
pub fn time(ms: TimestampMs) -> String {
    let Some(t) = chrono::DateTime::from_timestamp_millis(ms) else {
        return "?".into();
    };
    let local = t.with_timezone(&chrono::Local);
    format!(
        "{} {}",
        i18n::time::date_time(i18n::current(), &local.naive_local()),
        i18n::time::offset_label(local.offset().fix().local_minus_utc())
    )
}

/// Whose clock a time is shown on: the site's (an engineer on a customer site reads the
/// customer's wall clock, and the SLA calendar runs in it) or, when the site has no known
/// time zone, the device's.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Zone {
    #[default]
    Device,
    Site(chrono_tz::Tz),
}

impl Zone {
    /// The zone of a site's IANA name (`Asia/Shanghai`); unknown or missing → the device's.
    pub fn of(time_zone: Option<&str>) -> Zone {
        time_zone
            .and_then(|z| z.trim().parse::<chrono_tz::Tz>().ok())
            .map_or(Zone::Device, Zone::Site)
    }
}

/// Date and time on `zone`'s clock, always with the zone's label: "Wed 18 Nov 09:00 CST",
/// "12月7日 周三 09:00 北京时间". One rule everywhere, so an engineer and a supervisor in
/// different zones read the same time for the same event.
pub fn time_in(ms: TimestampMs, zone: Zone) -> String {
    let Some(t) = chrono::DateTime::from_timestamp_millis(ms) else {
        return "?".into();
    };
    match zone {
        Zone::Device => time(ms),
        Zone::Site(tz) => i18n::time::zoned(i18n::current(), tz, &t),
    }
}

/// "3 h 20 min", "45 min", "2 d 4 h" (or 3小时20分钟 …) in the language in use.
pub fn duration(ms: i64) -> String {
    i18n::time::duration(i18n::current(), ms)
}

/// "just now", "5 min ago", or the time.
pub fn ago(now: TimestampMs, ms: TimestampMs) -> String {
    let d = now - ms;
    if d < 60_000 {
        t!("time-just-now")
    } else if d < 24 * 3_600_000 {
        t!("time-ago", span = duration(d))
    } else {
        time(ms)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SlaState {
    Running,
    AtRisk,
    Breached,
    Met,
}

impl SlaState {
    pub fn color(self) -> Color32 {
        match self {
            SlaState::Running => GREY,
            SlaState::AtRisk => AMBER,
            SlaState::Breached => RED,
            SlaState::Met => GREEN,
        }
    }
}

/// The SLA clock that matters now: response until the engineer is on site, then resolution.
pub fn sla(
    response_due: Option<TimestampMs>,
    resolution_due: Option<TimestampMs>,
    on_site: Option<TimestampMs>,
    completed: Option<TimestampMs>,
    now: TimestampMs,
) -> Option<(String, SlaState)> {
    if let Some(done) = completed {
        return resolution_due.map(|due| {
            if done <= due {
                (t!("sla-resolved-in-time"), SlaState::Met)
            } else {
                (
                    t!("sla-resolved-late", span = duration(done - due)),
                    SlaState::Breached,
                )
            }
        });
    }
    let (response, due) = match (on_site, response_due, resolution_due) {
        (None, Some(due), _) => (true, due),
        (_, _, Some(due)) => (false, due),
        _ => return None,
    };
    let left = due - now;
    let span = duration(left);
    let text = match (response, left < 0) {
        (true, true) => t!("sla-response-overdue", span = span),
        (true, false) => t!("sla-response-due-in", span = span),
        (false, true) => t!("sla-resolution-overdue", span = span),
        (false, false) => t!("sla-resolution-due-in", span = span),
    };
    let state = if left < 0 {
        SlaState::Breached
    } else if left < AT_RISK_MS {
        SlaState::AtRisk
    } else {
        SlaState::Running
    };
    Some((text, state))
}

pub fn badge(b: SyncBadge) -> (String, Color32) {
    match b {
        SyncBadge::Synced => (t!("badge-synced"), GREEN),
        SyncBadge::Pending => (t!("badge-pending"), AMBER),
        SyncBadge::Rejected => (t!("badge-rejected"), RED),
    }
}

pub fn status_color(s: Status) -> Color32 {
    match s {
        Status::New | Status::Assigned => BLUE,
        Status::Accepted | Status::EnRoute | Status::OnSite | Status::Reopened => AMBER,
        Status::OnHold => GREY,
        Status::Completed | Status::Approved => GREEN,
        Status::Cancelled => GREY,
    }
}

/// Plain words for the server's rejection codes.
pub fn reject_reason(code: &str) -> String {
    match code {
        "forbidden" => t!("reject-forbidden"),
        "not_yours" => t!("reject-not-yours"),
        "locked" => t!("reject-locked"),
        "illegal_transition" => t!("reject-illegal-transition"),
        "schema" => t!("reject-schema"),
        "foreign_actor" => t!("reject-foreign-actor"),
        "missing_deps" => t!("reject-missing-deps"),
        "malformed" => t!("reject-malformed"),
        _ => t!("reject-other"),
    }
}

/// The first eight characters of an id, enough to tell ids apart on screen.
pub fn short_id(id: &str) -> String {
    id.chars().take(8).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_on_the_sites_clock() {
        // 2026-11-18 01:00 UTC is 09:00 in Shanghai.
        let ms = 1_794_963_600_000;
        let shanghai = Zone::of(Some("Asia/Shanghai"));
        assert_eq!(shanghai, Zone::Site(chrono_tz::Asia::Shanghai));
        // Labelled whatever the device's own zone is.
        assert_eq!(time_in(ms, shanghai), "Wed 18 Nov 09:00 CST");
        {
            let _zh = i18n::ThreadLang::set(i18n::Lang::ZhCn);
            assert_eq!(time_in(ms, shanghai), "11月18日 周三 09:00 北京时间");
            assert_eq!(ago(ms + 5 * 60_000, ms), "5分钟前");
        }
        assert!(time(ms).contains("UTC"), "{}", time(ms));
        // Unknown or missing zones fall back to the device's clock.
        assert_eq!(Zone::of(Some("Mars/Olympus")), Zone::Device);
        assert_eq!(Zone::of(None), Zone::Device);
        assert_eq!(time_in(ms, Zone::Device), time(ms));
    }

    #[test]
    fn sla_states() {
        let h = 3_600_000;
        assert_eq!(
            sla(Some(10 * h), None, None, None, 0).unwrap().1,
            SlaState::Running
        );
        assert_eq!(
            sla(Some(h / 2), None, None, None, 0).unwrap().1,
            SlaState::AtRisk
        );
        assert_eq!(
            sla(Some(h), None, None, None, 2 * h).unwrap().1,
            SlaState::Breached
        );
        // On site: the resolution clock counts.
        assert_eq!(
            sla(Some(h), Some(9 * h), Some(0), None, 2 * h).unwrap().1,
            SlaState::Running
        );
        assert_eq!(
            sla(None, Some(h), None, Some(0), 5).unwrap().1,
            SlaState::Met
        );
        assert!(sla(None, None, None, None, 0).is_none());
        assert_eq!(duration(90 * 60_000), "1 h 30 min");
    }
}
