//! The closed set of scenarios `fieldsync-bench` runs, and the bound of each one that waits on
//! other processes or the network (in-process scenarios need none: they cannot wait on
//! anything that might never answer).

use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scenario {
    Store,
    Wire,
    Micro,
    Search,
    Floor,
    FirstSyncInProcess,
    HubFirstSync,
    HubLoad,
    HubLoadMem,
    FirstSync,
    Briefcase,
    Load,
    VsSamod,
    Growth,
    All,
}

impl Scenario {
    pub fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "store" | "app" | "store-open" => Scenario::Store,
            "wire" => Scenario::Wire,
            "micro" => Scenario::Micro,
            "search" => Scenario::Search,
            "floor" => Scenario::Floor,
            "first-sync-in-process" => Scenario::FirstSyncInProcess,
            "hub-first-sync" => Scenario::HubFirstSync,
            "hub-load" => Scenario::HubLoad,
            "hub-load-mem" => Scenario::HubLoadMem,
            "first-sync" | "reconnect" => Scenario::FirstSync,
            "briefcase" => Scenario::Briefcase,
            "load" => Scenario::Load,
            "vs-samod" => Scenario::VsSamod,
            "growth" => Scenario::Growth,
            "all" => Scenario::All,
            _ => return None,
        })
    }

    /// How long the scenario may take before it is reported hung and its servers killed;
    /// `None` for in-process scenarios. `load` grows with its devices × rounds.
    pub fn bound(self, devices_times_rounds: usize) -> Option<Duration> {
        let secs = match self {
            // Seeding 500 work orders on disk, two syncs, then 14 floor passes.
            Scenario::FirstSync => 240,
            Scenario::Briefcase => 300,
            // 200 × 3 → 11 min; 1,000 × 1 → 15 min (the sign-ins alone are ~25 s of CPU).
            Scenario::Load => 300 + devices_times_rounds as u64 * 3 / 5,
            Scenario::VsSamod => return Some(crate::vs_samod::BOUND),
            // Stops a series itself once a step passes 120 s; this catches a step that never ends.
            Scenario::Growth => 3_600,
            Scenario::Store
            | Scenario::Wire
            | Scenario::Micro
            | Scenario::Search
            | Scenario::Floor
            | Scenario::FirstSyncInProcess
            | Scenario::HubFirstSync
            | Scenario::HubLoad
            | Scenario::HubLoadMem
            | Scenario::All => return None,
        };
        Some(Duration::from_secs(secs))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_parse_and_every_networked_scenario_is_bounded() {
        assert_eq!(Scenario::parse("reconnect"), Some(Scenario::FirstSync));
        assert_eq!(Scenario::parse("floor"), Some(Scenario::Floor));
        assert_eq!(Scenario::parse("nope"), None);
        for s in [
            Scenario::FirstSync,
            Scenario::Briefcase,
            Scenario::Load,
            Scenario::VsSamod,
            Scenario::Growth,
        ] {
            assert!(s.bound(600).is_some(), "{s:?} waits on servers");
        }
        assert!(Scenario::VsSamod.bound(0).unwrap() < Duration::from_secs(600));
        assert_eq!(Scenario::Floor.bound(0), None);
    }
}
