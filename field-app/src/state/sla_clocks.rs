//! SLA countdowns computed on the device, so they tick correctly with no network: the work
//! order's event log (device-time stamps, pauses while on hold) measured with the customer's
//! contract through `fieldsync::sla`. Contracts are fetched from `/v1/contracts/{customer}`
//! while online and kept in the local store; without one on the device the countdown falls
//! back to the due times the server wrote into the document (and says so).

use crate::format;
use crate::runtime::messages::ApiCall;
use fieldsync::model::WorkOrder;
use fieldsync::sla::{ClockReport, CompiledContract, Contract, SlaEvent, SlaState, SlaSubject};
use fieldsync::store::{LocalStore, Result, WorkOrderRow};
use fieldsync::{DocId, TimestampMs};
use fieldsync_i18n::t;
use std::collections::{BTreeMap, BTreeSet};

/// Store meta key prefix of a cached contract (JSON), followed by the customer id.
pub const CONTRACT_META_PREFIX: &str = "app.sla_contract.";
/// Tag prefix of contract fetches (routed to the dispatch module, which hands them here).
pub const CONTRACT_TAG: &str = "dispatch.contract.";

/// What the engine needs of one work order, owned (the store is not read while drawing).
#[derive(Clone, Debug)]
struct Subject {
    customer_id: Option<String>,
    opened_at_ms: TimestampMs,
    priority: Option<String>,
    category: Option<String>,
    events: Vec<SlaEvent>,
}

impl Subject {
    fn of(wo: &WorkOrder) -> Self {
        Subject {
            customer_id: wo.customer_id.clone(),
            opened_at_ms: wo.created_at_ms,
            priority: wo.priority.clone(),
            category: wo.category.clone(),
            events: wo
                .events
                .iter()
                .map(|e| SlaEvent::from_event(e, None))
                .collect(),
        }
    }
}

/// Contracts on this device and the SLA inputs of the open incidents in My work.
#[derive(Debug, Default)]
pub struct SlaClocks {
    contracts: BTreeMap<String, CompiledContract>,
    subjects: BTreeMap<DocId, Subject>,
    /// Fetched from the server, not yet written to the store.
    unsaved: Vec<Contract>,
    /// Customers whose contract was asked for since the last refresh.
    requested: BTreeSet<String>,
}

/// One clock, ready to show.
#[derive(Clone, Debug, PartialEq)]
pub struct ClockLine {
    pub state: SlaState,
    pub text: String,
    /// Still counting (not stopped by arrival, acceptance or completion).
    pub running: bool,
}

/// Both clocks of a work order.
#[derive(Clone, Debug, PartialEq)]
pub struct Countdown {
    pub response: Option<ClockLine>,
    pub resolution: Option<ClockLine>,
    /// Where the figures come from, in words (contract name, or the server's due times).
    pub source: String,
    /// Device stamps the engine did not trust (in words).
    pub warnings: Vec<String>,
}

/// Colour of a clock in the engineer's lists (on track stays quiet).
pub fn color(s: SlaState) -> egui::Color32 {
    match s {
        SlaState::OnTrack => format::GREY,
        SlaState::AtRisk => format::AMBER,
        SlaState::Breached => format::RED,
        SlaState::Met => format::GREEN,
    }
}

impl Countdown {
    /// Both clocks, where the figures come from and any untrusted stamps, for a tooltip.
    pub fn details(&self) -> String {
        let mut lines: Vec<String> = [&self.response, &self.resolution]
            .into_iter()
            .flatten()
            .map(|c| c.text.clone())
            .collect();
        lines.push(t!("eng-sla-from", source = &self.source));
        lines.extend(self.warnings.iter().map(|w| format!("⚠ {w}")));
        lines.join("\n")
    }

    /// The clock that matters now: response until it stopped, then resolution.
    pub fn current(&self) -> Option<&ClockLine> {
        match (&self.response, &self.resolution) {
            (Some(r), _) if r.running => Some(r),
            (r, None) => r.as_ref(),
            (_, Some(s)) => Some(s),
        }
    }
}

impl SlaClocks {
    /// Re-read the SLA inputs of the open incidents in `rows` and the contracts cached for
    /// their customers. Called after every store refresh (edits, syncs), never while drawing.
    pub fn refresh(&mut self, store: &mut LocalStore, rows: &[WorkOrderRow]) -> Result<()> {
        self.subjects.clear();
        self.requested.clear();
        for row in rows {
            if row.kind != "incident" || !row.status.is_open() {
                continue;
            }
            let wo = store.work_order(row.doc_id)?;
            if let Some(c) = &wo.customer_id
                && !self.contracts.contains_key(c)
                && let Some(json) = store.meta(&format!("{CONTRACT_META_PREFIX}{c}"))?
            {
                // A cached contract that no longer parses is ignored: the server's due
                // times are shown instead and the next fetch replaces it.
                if let Ok(compiled) = serde_json::from_str::<Contract>(&json)
                    .map_err(|e| e.to_string())
                    .and_then(|k| k.compile().map_err(|e| e.to_string()))
                {
                    self.contracts.insert(c.clone(), compiled);
                }
            }
            self.subjects.insert(row.doc_id, Subject::of(&wo));
        }
        Ok(())
    }

    /// A contract arrived from the server: use it now, keep it for offline use.
    pub fn learn(&mut self, contract: Contract) -> std::result::Result<(), String> {
        let compiled = contract.compile().map_err(|e| e.to_string())?;
        self.contracts
            .insert(contract.customer_id.clone(), compiled);
        self.unsaved.push(contract);
        Ok(())
    }

    /// The customer's contract, if this device has it.
    pub fn contract(&self, customer_id: &str) -> Option<&CompiledContract> {
        self.contracts.get(customer_id)
    }

    /// Write contracts learned since the last call into the store.
    pub fn persist(&mut self, store: &LocalStore) -> Result<()> {
        for c in std::mem::take(&mut self.unsaved) {
            let json = serde_json::to_string(&c).unwrap_or_default();
            store.set_meta(
                &format!("{CONTRACT_META_PREFIX}{}", c.customer_id),
                Some(&json),
            )?;
        }
        Ok(())
    }

    /// Contract fetches for customers of open incidents, once per refresh each (the
    /// server's copy may have changed, so cached ones are fetched again too).
    pub fn fetches(&mut self) -> Vec<ApiCall> {
        let wanted: BTreeSet<String> = self
            .subjects
            .values()
            .filter_map(|s| s.customer_id.clone())
            .filter(|c| !self.requested.contains(c))
            .collect();
        wanted
            .into_iter()
            .map(|c| {
                self.requested.insert(c.clone());
                contract_call(&c)
            })
            .collect()
    }

    /// The countdown of a work order in My work (refreshed subjects), `None` without SLA.
    pub fn for_row(&self, row: &WorkOrderRow, now: TimestampMs) -> Option<Countdown> {
        let from_contract = self.subjects.get(&row.doc_id).and_then(|s| {
            let c = self.contracts.get(s.customer_id.as_deref()?)?;
            let subject = SlaSubject {
                opened_at_ms: s.opened_at_ms,
                priority: s.priority.as_deref(),
                category: s.category.as_deref(),
                events: s.events.clone(),
            };
            evaluate(c, &subject, now)
        });
        from_contract.or_else(|| {
            from_due_times(
                row.response_due_ms,
                row.resolution_due_ms,
                row.first_on_site_ms,
                row.completed_at_ms,
                now,
            )
        })
    }

    /// The countdown of the open work order (read from the store by the screen).
    pub fn for_work_order(
        &self,
        wo: &WorkOrder,
        folded: &fieldsync::status::Folded,
        now: TimestampMs,
    ) -> Option<Countdown> {
        let from_contract = wo
            .customer_id
            .as_deref()
            .and_then(|c| self.contracts.get(c))
            .filter(|_| wo.kind == "incident")
            .and_then(|c| evaluate(c, &SlaSubject::from_work_order(wo), now));
        from_contract.or_else(|| {
            from_due_times(
                wo.sla.response_due_ms,
                wo.sla.resolution_due_ms,
                folded.first_on_site_ms,
                folded.completed_at_ms,
                now,
            )
        })
    }
}

/// `GET /v1/contracts/{customer}` with the tag this module answers to.
pub fn contract_call(customer_id: &str) -> ApiCall {
    ApiCall::get(
        format!("{CONTRACT_TAG}{customer_id}"),
        format!(
            "/v1/contracts/{}",
            crate::runtime::messages::path_segment(customer_id)
        ),
    )
}

fn evaluate(c: &CompiledContract, s: &SlaSubject<'_>, now: TimestampMs) -> Option<Countdown> {
    let report = c.evaluate(s, now).ok().flatten()?;
    // The SLA calendar runs on the site's clock: due times are shown on it.
    let zone = format::Zone::of(Some(&c.contract.calendar.time_zone));
    let line = |response: bool, clock: &ClockReport| ClockLine {
        state: clock.state,
        text: clock_text(response, clock, report.paused, zone, now),
        running: clock.stopped_at_ms.is_none(),
    };
    Some(Countdown {
        response: Some(line(true, &report.response)),
        resolution: Some(line(false, &report.resolution)),
        source: t!(
            "eng-sla-source-contract",
            contract = if c.contract.name.is_empty() {
                &c.contract.customer_id
            } else {
                &c.contract.name
            }
        ),
        warnings: report
            .warnings
            .iter()
            .map(|w| format!("{} ({})", w.reason, w.kind))
            .collect(),
    })
}

/// "response: 1 h 20 min left (due Wed 18 Nov 14:30)", "resolution paused (on hold) …",
/// "response overdue by 25 min", "on site in time", "resolved 30 min late".
/// `response`: the response clock (stopped on site), else the resolution clock.
fn clock_text(
    response: bool,
    c: &ClockReport,
    paused: bool,
    zone: format::Zone,
    now: TimestampMs,
) -> String {
    if let Some(at) = c.stopped_at_ms {
        return match (c.state == SlaState::Met, response) {
            (true, true) => t!("eng-sla-on-site-in-time"),
            (true, false) => t!("eng-sla-resolved-in-time-clock"),
            (false, true) => t!(
                "eng-sla-on-site-late",
                span = format::duration(at - c.due_ms)
            ),
            (false, false) => t!(
                "eng-sla-resolved-late-clock",
                span = format::duration(at - c.due_ms)
            ),
        };
    }
    if c.state == SlaState::Breached {
        let span = format::duration((-c.remaining_ms).max(now - c.due_ms).max(0));
        return if response {
            t!("eng-sla-response-overdue-by", span = span)
        } else {
            t!("eng-sla-resolution-overdue-by", span = span)
        };
    }
    let left = format::duration(c.remaining_ms.max(0));
    let due = format::time_in(c.due_ms, zone);
    match (paused, response) {
        (true, true) => t!("eng-sla-response-paused", left = left),
        (true, false) => t!("eng-sla-resolution-paused", left = left),
        (false, true) => t!("eng-sla-response-left", left = left, due = due),
        (false, false) => t!("eng-sla-resolution-left", left = left, due = due),
    }
}

/// The server's due times from the document, measured in wall time (no contract here).
fn from_due_times(
    response_due: Option<TimestampMs>,
    resolution_due: Option<TimestampMs>,
    on_site: Option<TimestampMs>,
    completed: Option<TimestampMs>,
    now: TimestampMs,
) -> Option<Countdown> {
    let state = |s: format::SlaState| match s {
        format::SlaState::Running => SlaState::OnTrack,
        format::SlaState::AtRisk => SlaState::AtRisk,
        format::SlaState::Breached => SlaState::Breached,
        format::SlaState::Met => SlaState::Met,
    };
    let (text, s) = format::sla(response_due, resolution_due, on_site, completed, now)?;
    let line = ClockLine {
        state: state(s),
        text,
        running: completed.is_none(),
    };
    let is_response = on_site.is_none() && completed.is_none() && response_due.is_some();
    Some(Countdown {
        response: is_response.then(|| line.clone()),
        resolution: (!is_response).then_some(line),
        source: t!("eng-sla-source-due-times"),
        warnings: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use fieldsync::status::Event;

    /// Wed 18 Nov 2026 08:30 UTC = 16:30 in Shanghai.
    const NOW: TimestampMs = 1_794_990_600_000;
    const MIN: i64 = 60_000;

    fn event(kind: &str, at_ms: TimestampMs) -> Event {
        Event {
            id: format!("{kind}-{at_ms}"),
            kind: kind.into(),
            by: "u1".into(),
            at_ms,
            from: None,
            note: None,
            outcome: None,
            assignee: None,
            ref_id: None,
            received_at_ms: None,
            due_ms: None,
            score: None,
        }
    }

    fn incident(opened: TimestampMs, events: Vec<Event>) -> WorkOrder {
        WorkOrder {
            kind: "incident".into(),
            customer_id: Some("c1".into()),
            priority: Some("P2".into()),
            category: Some("network".into()),
            created_at_ms: opened,
            events,
            ..Default::default()
        }
    }

    fn clocks() -> SlaClocks {
        let mut c = SlaClocks::default();
        c.learn(Contract::demo("c1", "Asia/Shanghai")).unwrap();
        c
    }

    #[test]
    fn countdown_runs_in_business_time_and_pauses_on_hold() {
        let c = clocks();
        // Opened at 15:30 Shanghai with a 2 h response target: 30 min left at 16:30 (at risk
        // below 25 %? no: 60 of 120 min used), due the next working morning at 09:30.
        let opened = NOW - 60 * MIN;
        let wo = incident(opened, vec![]);
        let folded = wo.fold();
        let cd = c.for_work_order(&wo, &folded, NOW).unwrap();
        let r = cd.response.clone().unwrap();
        assert_eq!(r.state, SlaState::OnTrack);
        assert!(r.text.starts_with("response: 1 h 0 min left"), "{}", r.text);
        assert!(cd.source.contains("contract"));
        // On hold since 16:00: the clock stopped counting at 30 min used.
        let held = incident(opened, vec![event("on_hold", NOW - 30 * MIN)]);
        let cd = c.for_work_order(&held, &held.fold(), NOW).unwrap();
        let r = cd.response.unwrap();
        assert!(
            r.text.contains("paused (on hold): 1 h 30 min left"),
            "{}",
            r.text
        );
        // Arrived on site (offline, stamped on the device) at 16:10: response met.
        let arrived = incident(opened, vec![event("on_site", NOW - 20 * MIN)]);
        let cd = c.for_work_order(&arrived, &arrived.fold(), NOW).unwrap();
        assert_eq!(cd.response.clone().unwrap().text, "on site in time");
        assert_eq!(
            cd.current().unwrap().text,
            cd.resolution.clone().unwrap().text
        );
    }

    #[test]
    fn without_a_contract_the_documents_due_times_count() {
        let c = SlaClocks::default();
        let mut wo = incident(NOW - 60 * MIN, vec![]);
        wo.sla.response_due_ms = Some(NOW - 5 * MIN);
        let cd = c.for_work_order(&wo, &wo.fold(), NOW).unwrap();
        assert_eq!(cd.response.unwrap().state, SlaState::Breached);
        assert!(cd.source.contains("not on this device"));
        let none = incident(NOW, vec![]);
        assert!(c.for_work_order(&none, &none.fold(), NOW).is_none());
    }

    #[test]
    fn contracts_are_kept_in_the_store_and_fetched_once_per_refresh() {
        let mut store = LocalStore::open_in_memory().unwrap();
        let mut c = clocks();
        c.persist(&store).unwrap();
        assert!(
            store
                .meta(&format!("{CONTRACT_META_PREFIX}c1"))
                .unwrap()
                .is_some()
        );
        let me = crate::sample::engineer();
        store.set_identity(&me).unwrap();
        let new = fieldsync::model::NewWorkOrder {
            kind: "incident".into(),
            title: "Switch down".into(),
            customer_id: Some("c1".into()),
            assignees: vec![me.user_id.clone()],
            ..Default::default()
        };
        store
            .create(fieldsync::DocKind::WorkOrder, NOW, |d, id| {
                fieldsync::model::create_work_order(d, id, &new, &me.user_id, NOW)
            })
            .unwrap();
        let rows = store.list_work_orders(Some(&me.user_id)).unwrap();
        let mut fresh = SlaClocks::default();
        fresh.refresh(&mut store, &rows).unwrap();
        assert!(fresh.contract("c1").is_some(), "read back from the store");
        let calls = fresh.fetches();
        assert_eq!(calls.len(), 1);
        assert_eq!(calls[0].path, "/v1/contracts/c1");
        assert!(fresh.fetches().is_empty());
    }
}
