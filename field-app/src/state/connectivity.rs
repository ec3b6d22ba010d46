//! "Am I online?" has one owner: every answer from the server — a sync, an office call, a
//! sign-in — updates it, and every screen reads it (the status bar, the dispatch board's
//! live feed, the supervisor's dashboard). Being refused or asked to wait (429) is not being
//! offline: only "could not reach the server" is.

use fieldsync::TimestampMs;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Connectivity {
    /// Nothing was tried yet.
    #[default]
    Unknown,
    /// The server answered last time.
    Online,
    /// The server could not be reached since this moment (the first failure of the run).
    Offline { since_ms: TimestampMs },
    /// No valid sign-in: the server answered, but not for us.
    SignedOut,
}

impl Connectivity {
    /// The server answered (whatever it said).
    pub fn reached(&mut self) {
        *self = Connectivity::Online;
    }

    /// The server could not be reached at `now`; an outage keeps the moment it began.
    pub fn unreachable(&mut self, now: TimestampMs) {
        if !matches!(self, Connectivity::Offline { .. }) {
            *self = Connectivity::Offline { since_ms: now };
        }
    }

    pub fn signed_out(&mut self) {
        *self = Connectivity::SignedOut;
    }

    pub fn is_online(self) -> bool {
        self == Connectivity::Online
    }

    pub fn is_offline(self) -> bool {
        matches!(self, Connectivity::Offline { .. })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_outage_keeps_its_start_and_any_answer_ends_it() {
        let mut c = Connectivity::default();
        assert!(!c.is_online() && !c.is_offline());
        c.unreachable(10);
        c.unreachable(20);
        assert_eq!(c, Connectivity::Offline { since_ms: 10 });
        c.reached();
        assert!(c.is_online());
        c.signed_out();
        assert!(!c.is_online() && !c.is_offline());
    }
}
