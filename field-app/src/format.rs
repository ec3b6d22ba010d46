//! Words and colours for times, SLA clocks, statuses and sync badges.

use chrono::Offset;
use egui::Color32;
use fieldsync::TimestampMs;
use fieldsync::status::Status;
use fieldsync::store::SyncBadge;

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

/// Local date and time, e.g. "Wed 18 Nov 09:00".
pub fn time(ms: TimestampMs) -> String {
    match chrono::DateTime::from_timestamp_millis(ms) {
        Some(t) => t
            .with_timezone(&chrono::Local)
            .format("%a %d %b %H:%M")
            .to_string(),
        None => "?".into(),
    }
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

/// Date and time on `zone`'s clock, e.g. "Wed 18 Nov 09:00"; when the site's clock differs
/// from the device's at that moment, its abbreviation follows ("Wed 18 Nov 09:00 CST"), so
/// an engineer travelling across zones is never misled.
pub fn time_in(ms: TimestampMs, zone: Zone) -> String {
    let Some(t) = chrono::DateTime::from_timestamp_millis(ms) else {
        return "?".into();
    };
    match zone {
        Zone::Device => time(ms),
        Zone::Site(tz) => {
            let site = t.with_timezone(&tz);
            let local = t.with_timezone(&chrono::Local);
            if site.offset().fix() == *local.offset() {
                site.format("%a %d %b %H:%M").to_string()
            } else {
                site.format("%a %d %b %H:%M %Z").to_string()
            }
        }
    }
}

/// "3 h 20 min", "45 min", "2 d 4 h".
pub fn duration(ms: i64) -> String {
    let mins = ms.abs() / 60_000;
    let (d, h, m) = (mins / 1440, (mins % 1440) / 60, mins % 60);
    if d > 0 {
        format!("{d} d {h} h")
    } else if h > 0 {
        format!("{h} h {m} min")
    } else {
        format!("{m} min")
    }
}

/// "just now", "5 min ago", or the time.
pub fn ago(now: TimestampMs, ms: TimestampMs) -> String {
    let d = now - ms;
    if d < 60_000 {
        "just now".into()
    } else if d < 24 * 3_600_000 {
        format!("{} ago", duration(d))
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
                ("resolved within SLA".to_string(), SlaState::Met)
            } else {
                (
                    format!("resolved {} late", duration(done - due)),
                    SlaState::Breached,
                )
            }
        });
    }
    let (what, due) = match (on_site, response_due, resolution_due) {
        (None, Some(due), _) => ("response", due),
        (_, _, Some(due)) => ("resolution", due),
        _ => return None,
    };
    let left = due - now;
    Some(if left < 0 {
        (
            format!("{what} overdue by {}", duration(-left)),
            SlaState::Breached,
        )
    } else if left < AT_RISK_MS {
        (
            format!("{what} due in {}", duration(left)),
            SlaState::AtRisk,
        )
    } else {
        (
            format!("{what} due in {}", duration(left)),
            SlaState::Running,
        )
    })
}

pub fn badge(b: SyncBadge) -> (&'static str, Color32) {
    match b {
        SyncBadge::Synced => ("● synced", GREEN),
        SyncBadge::Pending => ("● pending sync", AMBER),
        SyncBadge::Rejected => ("● rejected", RED),
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
pub fn reject_reason(code: &str) -> &'static str {
    match code {
        "forbidden" => "you may not change this field",
        "not_yours" => "this work order is not assigned to you",
        "locked" => "the report is approved and locked",
        "illegal_transition" => "the status change was not allowed from the status the server has",
        "schema" => "the change would make the document invalid",
        "foreign_actor" => "this device is not registered to you",
        "missing_deps" => "the server lacks earlier changes",
        "malformed" => "the change could not be read (a bug: please report it)",
        _ => "the server refused the change",
    }
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
        let shown = time_in(ms, shanghai);
        let local_is_shanghai = chrono::DateTime::from_timestamp_millis(ms)
            .unwrap()
            .with_timezone(&chrono::Local)
            .offset()
            .local_minus_utc()
            == 8 * 3600;
        if local_is_shanghai {
            assert_eq!(shown, "Wed 18 Nov 09:00");
        } else {
            assert_eq!(shown, "Wed 18 Nov 09:00 CST");
        }
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
