//! The dispatcher's screen state (same binary, role from the login): the dispatch board, an
//! incident from a phone call, and inspection plans — all server-backed through the API
//! channel. This module holds their state, routes the server's answers, and decides when the
//! board reloads (server-sent events, polling every 15 s when the stream is missing). Each
//! tab's own state and answers are in a child module; the data the server sends in
//! [`dispatch_model`] and [`plans_model`].

pub mod dispatch_board;
pub mod dispatch_call;
pub mod dispatch_model;
pub mod plans;
pub mod plans_model;
pub mod recurrence;
pub mod suggestion;

use self::dispatch_model::{BoardRow, DeviceInfo, Engineer, SiteInfo};
use super::command::Command;
use super::sla_clocks::CONTRACT_TAG;
use super::{AppState, Flash, Screen};
use crate::runtime::messages::{ApiAnswer, ApiCall, ApiError, ApiReply};
use fieldsync::sla::Contract;
use fieldsync::{Role, TimestampMs};
use fieldsync_i18n::t;
use serde::de::DeserializeOwned;

/// Every tag of this module starts with this (the API channel routes by prefix).
pub const TAG: &str = "dispatch.";

pub const EVENTS_TAG: &str = "dispatch.events";

/// Polling interval when the server has no event stream (or it failed).
pub const POLL_MS: i64 = 15_000;

/// Events arrive in bursts (one per changed document): reload once they settle.
pub const DEBOUNCE_MS: i64 = 700;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum DispatchTab {
    #[default]
    Board,
    PhoneCall,
    Plans,
}

/// How the board learns about changes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Liveness {
    /// Not subscribed (the screen is not open).
    #[default]
    Idle,
    /// Events arrive from `/v1/dispatch/events`.
    Streaming,
    /// The stream is missing or failed (why): reload every [`POLL_MS`] while the board is
    /// shown.
    Polling(String),
}

/// Everything the dispatcher's screen shows and edits.
#[derive(Debug, Default)]
pub struct DispatchState {
    pub tab: DispatchTab,
    pub board: dispatch_board::BoardState,
    pub call: dispatch_call::CallForm,
    pub plans: plans::PlansState,
    /// Reference data shared by the tabs.
    pub engineers: Vec<Engineer>,
    pub sites: Vec<SiteInfo>,
    pub devices: Vec<DeviceInfo>,
    /// Every contract (office roles may list them): the board's time zone comes from these.
    pub contracts: Vec<Contract>,
    pub liveness: Liveness,
    /// A subscription is open (or reconnecting in the background).
    pub subscribed: bool,
    /// The server answered 404 for the stream: do not subscribe again, poll.
    pub stream_missing: bool,
    /// When the board was last asked for (polling counts from here, answered or not).
    pub requested_at_ms: Option<TimestampMs>,
    /// When the board last loaded, and why the last load failed (kept data stays shown).
    pub loaded_at_ms: Option<TimestampMs>,
    pub load_error: Option<String>,
    /// Reload the board at this instant (debounced events, polling).
    pub reload_at_ms: Option<TimestampMs>,
    /// Calls decided while handling an answer (e.g. the slot after an assignment), sent on
    /// the next frame.
    pub outbox: Vec<Command>,
}

impl DispatchState {
    pub fn engineer_name(&self, user_id: &str) -> String {
        self.engineers
            .iter()
            .find(|e| e.user_id == user_id)
            .map_or_else(
                || t!("dispatch-user-id", id = short(user_id)),
                |e| e.display_name.clone(),
            )
    }

    pub fn site_name(&self, site_id: &str) -> String {
        self.sites.iter().find(|s| s.doc_id == site_id).map_or_else(
            || t!("dispatch-site-id", id = short(site_id)),
            |s| s.name.clone(),
        )
    }

    pub fn customer_name(&self, customer_id: &str) -> String {
        self.sites
            .iter()
            .find(|s| s.customer_id == customer_id)
            .map_or_else(|| customer_id.to_string(), |s| s.customer_name.clone())
    }

    /// The zone the board shows times in.
    pub fn zone(&self) -> chrono_tz::Tz {
        dispatch_model::board_zone(self.contracts.iter().map(|c| c.calendar.time_zone.as_str()))
    }
}

fn short(id: &str) -> String {
    id.chars().take(8).collect()
}

/// Dispatchers and admins change assignments, incidents and plans; supervisors look.
pub fn may_dispatch(state: &AppState) -> bool {
    state
        .identity
        .as_ref()
        .is_some_and(|i| matches!(i.role, Role::Dispatcher | Role::Admin))
}

/// Who sees the dispatch screen at all.
pub fn may_see(role: Role) -> bool {
    matches!(role, Role::Dispatcher | Role::Supervisor | Role::Admin)
}

/// The screen a role starts on after signing in: where its work is (a supervisor's is the
/// review queue, not an empty "My work").
pub fn home_screen(role: Role) -> Screen {
    match role {
        Role::Dispatcher => Screen::Dispatch,
        Role::Supervisor => Screen::Review,
        Role::Engineer | Role::Admin => Screen::MyWork,
    }
}

/// The loads that fill the board (work orders, engineers, contracts, sites).
pub fn board_loads() -> Vec<Command> {
    [
        ApiCall::get("dispatch.board", "/v1/work-orders?limit=2000"),
        ApiCall::get("dispatch.engineers", "/v1/engineers"),
        ApiCall::get("dispatch.contracts", "/v1/contracts"),
        ApiCall::get("dispatch.sites", "/v1/sites"),
    ]
    .into_iter()
    .map(Command::Api)
    .collect()
}

/// Work for every frame, whatever the screen: send queued calls, keep the event stream
/// only while the dispatch screen is open, and fetch contracts for offline countdowns.
pub fn every_frame(state: &mut AppState, out: &mut Vec<Command>) {
    let d = &mut state.dispatch;
    out.append(&mut d.outbox);
    if state.screen != Screen::Dispatch && d.subscribed {
        out.push(Command::Unsubscribe(EVENTS_TAG.into()));
        d.subscribed = false;
        d.liveness = Liveness::Idle;
    }
    if state.connectivity.is_online() && state.identity.is_some() {
        out.extend(state.sla_clocks.fetches().into_iter().map(Command::Api));
    }
}

/// Parse a JSON answer or say why not.
pub fn parse<T: DeserializeOwned>(reply: &ApiReply) -> Result<T, String> {
    reply.json::<T>()
}

/// Show a refusal or failure of a call in the flash line.
pub fn flash_error(state: &mut AppState, what: &str, e: &ApiError) {
    state.flash = Some(Flash {
        text: t!("dispatch-failed", what = what, error = e.to_string()),
        error: true,
    });
}

pub fn flash_ok(state: &mut AppState, text: impl Into<String>) {
    state.flash = Some(Flash {
        text: text.into(),
        error: false,
    });
}

/// An answer for this module (tag starts with [`TAG`]).
pub fn on_api_answer(state: &mut AppState, answer: ApiAnswer) {
    let ApiAnswer { tag, result } = answer;
    let rest = tag.strip_prefix(TAG).unwrap_or(&tag).to_string();
    if rest == "events" {
        return on_event(state, result);
    }
    if let Some(customer) = tag.strip_prefix(CONTRACT_TAG) {
        return on_contract(state, customer, result);
    }
    if rest.starts_with("plan") {
        return plans::on_answer(state, &rest, result);
    }
    if rest.starts_with("call.") {
        return dispatch_call::on_answer(state, &rest, result);
    }
    let reply = match result {
        Ok(r) => r,
        Err(e) => return on_load_error(state, &rest, e),
    };
    match rest.as_str() {
        "board" => match parse::<Vec<BoardRow>>(&reply) {
            Ok(rows) => {
                let d = &mut state.dispatch;
                d.board.rows = rows;
                d.loaded_at_ms = Some(state.now_ms);
                d.load_error = None;
                d.board.after_reload();
            }
            Err(e) => {
                state.dispatch.load_error = Some(t!("dispatch-unreadable-work-orders", error = e))
            }
        },
        "engineers" => store_list(state, &reply, |d, v| d.engineers = v),
        "sites" => store_list(state, &reply, |d, v| d.sites = v),
        "devices" => store_list(state, &reply, |d, v| d.devices = v),
        "contracts" => {
            let (list, problems) = read_contracts(&reply, &mut state.sla_clocks);
            state.dispatch.contracts = list;
            if !problems.is_empty() {
                // Shown, not dropped: a customer whose contract cannot be read has no SLA
                // clocks on this screen until it is fixed.
                state.dispatch.load_error = Some(problems.join("; "));
            }
        }
        other => dispatch_board::on_answer(state, other, Ok(reply)),
    }
}

/// The contracts of an answer, each learnt for the SLA clocks (the phone-call form's due
/// times, and offline use), with a sentence for each one that could not be read or used.
fn read_contracts(
    reply: &ApiReply,
    clocks: &mut super::sla_clocks::SlaClocks,
) -> (Vec<Contract>, Vec<String>) {
    let values = match parse::<Vec<serde_json::Value>>(reply) {
        Ok(v) => v,
        Err(e) => {
            return (
                Vec::new(),
                vec![t!("dispatch-unreadable-contracts", error = e)],
            );
        }
    };
    let mut list = Vec::new();
    let mut problems = Vec::new();
    for v in values {
        let customer = v["customer_id"].as_str().unwrap_or("?").to_owned();
        match serde_json::from_value::<Contract>(v) {
            Ok(c) => {
                if let Err(e) = clocks.learn(c.clone()) {
                    problems.push(t!(
                        "dispatch-contract-unusable",
                        customer = customer.clone(),
                        error = e.to_string()
                    ));
                }
                list.push(c);
            }
            Err(e) => problems.push(t!(
                "dispatch-contract-unreadable",
                customer = customer,
                error = e.to_string()
            )),
        }
    }
    (list, problems)
}

fn store_list<T: DeserializeOwned>(
    state: &mut AppState,
    reply: &ApiReply,
    put: impl FnOnce(&mut DispatchState, Vec<T>),
) {
    match parse::<Vec<T>>(reply) {
        Ok(v) => put(&mut state.dispatch, v),
        Err(e) => state.dispatch.load_error = Some(t!("dispatch-unreadable-list", error = e)),
    }
}

fn on_load_error(state: &mut AppState, rest: &str, e: ApiError) {
    match rest {
        // Loads: keep what is shown, say it is stale.
        "board" | "engineers" | "sites" => {
            state.dispatch.load_error = Some(e.to_string());
        }
        // Contracts are office-only reads; a supervisor without them still sees the board.
        "contracts" | "devices" => {}
        other => dispatch_board::on_answer(state, other, Err(e)),
    }
}

fn on_event(state: &mut AppState, result: Result<ApiReply, ApiError>) {
    let now = state.now_ms;
    let d = &mut state.dispatch;
    match result {
        Ok(reply) => {
            if d.subscribed {
                d.liveness = Liveness::Streaming;
            }
            // `event/work_order` and `event/resync` both mean: reload soon (debounced).
            if reply.content_type.starts_with("event/") {
                let at = now + DEBOUNCE_MS;
                d.reload_at_ms = Some(d.reload_at_ms.map_or(at, |r| r.min(at)));
            }
        }
        Err(ApiError::Server { status: 404, .. }) => {
            d.stream_missing = true;
            d.subscribed = false;
            d.outbox.push(Command::Unsubscribe(EVENTS_TAG.into()));
            d.liveness = Liveness::Polling(t!("dispatch-no-stream"));
        }
        // The channel reconnects by itself; poll meanwhile.
        Err(e) => {
            d.liveness = Liveness::Polling(t!("dispatch-stream-interrupted", error = e.to_string()))
        }
    }
}

fn on_contract(state: &mut AppState, customer: &str, result: Result<ApiReply, ApiError>) {
    let contract = match result {
        Ok(reply) => parse::<Contract>(&reply),
        Err(e) => Err(e.to_string()),
    };
    let outcome = contract.and_then(|c| state.sla_clocks.learn(c));
    dispatch_call::contract_arrived(state, customer, outcome.err());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(json: serde_json::Value) -> ApiReply {
        ApiReply {
            status: 200,
            content_type: "application/json".into(),
            bytes: serde_json::to_vec(&json).unwrap(),
        }
    }

    /// A contract this version cannot read is named on the screen, and the others still
    /// arrive (one bad contract used to drop silently with the whole list).
    #[test]
    fn an_unreadable_contract_is_named_and_the_others_kept() {
        let good = serde_json::to_value(Contract::demo("cust-a", "Asia/Shanghai")).unwrap();
        let bad_zone = serde_json::json!({"customer_id": "cust-b",
            "calendar": {"time_zone": "Nowhere/Nope"}, "targets": {}});
        let garbage = serde_json::json!({"customer_id": "cust-c", "calendar": 7});
        let mut clocks = crate::state::sla_clocks::SlaClocks::default();
        let (list, problems) = read_contracts(
            &reply(serde_json::json!([good, bad_zone, garbage])),
            &mut clocks,
        );
        let ids: Vec<&str> = list.iter().map(|c| c.customer_id.as_str()).collect();
        assert_eq!(ids, ["cust-a", "cust-b"]);
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[0].contains("cust-b"), "{problems:?}");
        assert!(problems[1].contains("cust-c") && problems[1].contains("could not be read"));
        let (list, problems) =
            read_contracts(&reply(serde_json::json!({"no": "list"})), &mut clocks);
        assert!(list.is_empty());
        assert!(problems[0].starts_with("contracts:"), "{problems:?}");
    }

    #[test]
    fn each_role_lands_where_its_work_is() {
        assert_eq!(home_screen(Role::Engineer), Screen::MyWork);
        assert_eq!(home_screen(Role::Dispatcher), Screen::Dispatch);
        assert_eq!(home_screen(Role::Supervisor), Screen::Review);
    }
}
