//! Work-order numbers (`WO-2026-00042`): one sequence per year, shared by the office (which
//! numbers a call as it saves it) and by every engineer's laptop, which numbers its own
//! incidents offline from blocks of the sequence the server leased to it ("Numbers" in
//! docs/sync-protocol.md). One format and one parser, so the server can tell whether a number
//! a device wrote is one it was given.

use serde::{Deserialize, Serialize};

/// A number as its parts: the year of the sequence and the place in it (from 1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct WorkOrderNumber {
    pub year: i32,
    pub seq: i64,
}

impl WorkOrderNumber {
    /// `WO-<year>-<seq>`, the sequence zero-padded to five digits (wider once past 99 999).
    pub fn parse(text: &str) -> Option<Self> {
        let rest = text.strip_prefix("WO-")?;
        let (year, seq) = rest.split_once('-')?;
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if year.len() != 4 || !digits(year) || seq.len() < 5 || !digits(seq) {
            return None;
        }
        let seq: i64 = seq.parse().ok()?;
        // One spelling per number: "WO-2026-000042" is not "WO-2026-00042".
        let n = WorkOrderNumber {
            year: year.parse().ok()?,
            seq,
        };
        (seq >= 1 && n.to_string() == text).then_some(n)
    }
}

impl std::fmt::Display for WorkOrderNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "WO-{}-{:05}", self.year, self.seq)
    }
}

/// A run of numbers of one year's sequence leased to one device, `first..=last`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NumberBlock {
    pub year: i32,
    pub first: i64,
    pub last: i64,
}

impl NumberBlock {
    /// How many numbers the block holds (0 if it is malformed).
    pub fn len(&self) -> i64 {
        (self.last - self.first + 1).max(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// A block a server could have leased: a year of four digits and a non-empty run of
    /// positive numbers.
    pub fn is_valid(&self) -> bool {
        (1000..=9999).contains(&self.year) && self.first >= 1 && self.first <= self.last
    }
}

/// What a device asks for: a block of the given year's sequence (the server decides how
/// many numbers; it accepts the current year and, in December, the next).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NumberLeaseRequest {
    pub year: i32,
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn formats_and_parses() {
        let n = WorkOrderNumber {
            year: 2026,
            seq: 42,
        };
        assert_eq!(n.to_string(), "WO-2026-00042");
        assert_eq!(WorkOrderNumber::parse("WO-2026-00042"), Some(n));
        let big = WorkOrderNumber {
            year: 2026,
            seq: 123_456,
        };
        assert_eq!(WorkOrderNumber::parse(&big.to_string()), Some(big));
    }

    #[test]
    fn refuses_other_spellings() {
        for bad in [
            "",
            "WO-2026-",
            "WO-2026-0042",
            "WO-2026-000042",
            "WO-26-00042",
            "wo-2026-00042",
            "WO-2026-00000",
            "WO-2026-+0042",
            "WO-2026-00042 ",
            "INC-2026-00042",
            "WO-２０２６-00042",
        ] {
            assert_eq!(WorkOrderNumber::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn block_bounds() {
        let b = NumberBlock {
            year: 2026,
            first: 41,
            last: 60,
        };
        assert_eq!(b.len(), 20);
        assert!(b.is_valid());
        assert!(
            !NumberBlock {
                year: 2026,
                first: 5,
                last: 4
            }
            .is_valid()
        );
        assert!(
            !NumberBlock {
                year: 26,
                first: 1,
                last: 4
            }
            .is_valid()
        );
    }

    proptest! {
        #[test]
        fn round_trips(year in 1000i32..=9999, seq in 1i64..=10_000_000_000) {
            let n = WorkOrderNumber { year, seq };
            prop_assert_eq!(WorkOrderNumber::parse(&n.to_string()), Some(n));
        }

        #[test]
        fn never_panics(text in ".{0,24}") {
            let _ = WorkOrderNumber::parse(&text);
        }
    }
}
