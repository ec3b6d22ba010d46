//! Calls to the server's office API (dispatch board, plans, reviews, KPIs) for the screens
//! that need live server data. Sync has its own worker; these calls run on a separate
//! "fieldsync-api" thread so a slow board query never delays a sync and the UI never waits.
//!
//! A screen pushes `Command::Api(ApiCall)`; the answer comes back tagged, as
//! `FromWorker::Api(ApiAnswer)`, and [`crate::state::on_api_answer`] routes it by tag prefix.
//! `Command::Subscribe` opens a Server-Sent-Events stream whose events arrive the same way.

use super::messages::{ApiAnswer, ApiBody, ApiCall, ApiError, ApiMethod, ApiReply, FromWorker};
use super::net::{self, NetError};
use super::store::{SharedStore, lock, meta};
use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender};
use std::time::Duration;

/// What the UI asks of the API thread.
#[derive(Debug)]
pub(crate) enum ApiRequest {
    Call(ApiCall),
    Subscribe(ApiCall),
    Unsubscribe(String),
    Shutdown,
}

type Repaint = Arc<dyn Fn() + Send + Sync>;

/// The UI's handle on the API thread.
pub(crate) struct ApiHandle {
    tx: Sender<ApiRequest>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl ApiHandle {
    pub(crate) fn spawn(store: SharedStore, out: Sender<FromWorker>, repaint: Repaint) -> Self {
        let (tx, rx) = std::sync::mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("fieldsync-api".into())
            .spawn(move || {
                ApiThread {
                    store,
                    out,
                    repaint,
                    client: None,
                    streams: HashMap::new(),
                }
                .run(rx)
            })
            .ok();
        ApiHandle { tx, thread }
    }

    pub(crate) fn send(&self, req: ApiRequest) {
        let _ = self.tx.send(req);
    }
}

impl Drop for ApiHandle {
    fn drop(&mut self) {
        let _ = self.tx.send(ApiRequest::Shutdown);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

struct ApiThread {
    store: SharedStore,
    out: Sender<FromWorker>,
    repaint: Repaint,
    client: Option<reqwest::blocking::Client>,
    /// Open streams by tag: setting the flag stops the stream's thread.
    streams: HashMap<String, Arc<AtomicBool>>,
}

impl ApiThread {
    fn run(mut self, rx: Receiver<ApiRequest>) {
        while let Ok(req) = rx.recv() {
            match req {
                ApiRequest::Call(call) => {
                    let tag = call.tag.clone();
                    let result = self.call(&call);
                    answer(&self.out, &*self.repaint, tag, result);
                }
                ApiRequest::Subscribe(call) => self.subscribe(call),
                ApiRequest::Unsubscribe(tag) => {
                    if let Some(stop) = self.streams.remove(&tag) {
                        stop.store(true, Ordering::Relaxed);
                    }
                }
                ApiRequest::Shutdown => break,
            }
        }
        for stop in self.streams.values() {
            stop.store(true, Ordering::Relaxed);
        }
    }

    fn call(&mut self, call: &ApiCall) -> Result<ApiReply, ApiError> {
        let (server, token) = credentials(&self.store)?;
        if self.client.is_none() {
            let pins = super::trust::Pins::asking(pinned_certificate(&self.store), None);
            self.client = Some(net::client(pins).map_err(|e| ApiError::from_net(e, 0))?);
        }
        let client = self.client.as_ref().expect("set above");
        match send(client, &server, &token, call) {
            // The access token lapsed: renew it once with the refresh token, then again.
            Err((NetError::Unauthorized, _)) => {
                let token = super::session::renew(client, &server, &self.store, &token)
                    .map_err(|e| ApiError::from_net(e, 401))?;
                send(client, &server, &token, call)
            }
            other => other,
        }
        .map_err(|(e, status)| ApiError::from_net(e, status))
    }

    fn subscribe(&mut self, call: ApiCall) {
        if let Some(old) = self.streams.remove(&call.tag) {
            old.store(true, Ordering::Relaxed);
        }
        let stop = Arc::new(AtomicBool::new(false));
        self.streams.insert(call.tag.clone(), stop.clone());
        let stream = EventStream {
            store: self.store.clone(),
            out: self.out.clone(),
            repaint: self.repaint.clone(),
            call,
            stop,
        };
        let spawned = std::thread::Builder::new()
            .name("fieldsync-events".into())
            .spawn(move || stream.run());
        if let Err(e) = spawned {
            tracing::warn!(error = %e, "could not start an event stream");
        }
    }
}

/// One office-API request with `token`; a failure with the answer's status (0: none came).
fn send(
    client: &reqwest::blocking::Client,
    server: &str,
    token: &str,
    call: &ApiCall,
) -> Result<ApiReply, (NetError, u16)> {
    let url = format!("{server}{}", call.path);
    let req = match call.method {
        ApiMethod::Get => client.get(url),
        ApiMethod::Post => client.post(url),
        ApiMethod::Put => client.put(url),
        ApiMethod::Delete => client.delete(url),
    }
    .bearer_auth(token)
    .timeout(Duration::from_secs(60));
    let req = match &call.body {
        ApiBody::Empty => req,
        ApiBody::Json(v) => req.json(v),
        ApiBody::Bytes {
            content_type,
            bytes,
        } => req
            .header(reqwest::header::CONTENT_TYPE, content_type)
            .body(bytes.clone()),
    };
    let resp = req.send().map_err(|e| (net::send_error(e), 0))?;
    let status = resp.status();
    let retry = net::retry_after(resp.headers());
    let content_type = content_type_of(&resp);
    let bytes = resp
        .bytes()
        .map_err(|e| (net::send_error(e), status.as_u16()))?;
    if !status.is_success() {
        return Err((net::status_error(status, retry, &bytes), status.as_u16()));
    }
    Ok(ApiReply {
        status: status.as_u16(),
        content_type,
        bytes: bytes.to_vec(),
    })
}

fn answer(
    out: &Sender<FromWorker>,
    repaint: &dyn Fn(),
    tag: String,
    result: Result<ApiReply, ApiError>,
) {
    let _ = out.send(FromWorker::Api(ApiAnswer { tag, result }));
    repaint();
}

/// The server certificate pinned at sign-in (store::meta::SERVER_CERT_SHA256).
fn pinned_certificate(store: &SharedStore) -> Option<String> {
    lock(store).meta(meta::SERVER_CERT_SHA256).ok().flatten()
}

fn credentials(store: &SharedStore) -> Result<(String, String), ApiError> {
    let store = lock(store);
    let server = store.meta(meta::SERVER_URL).ok().flatten();
    let token = store.meta(meta::TOKEN).ok().flatten();
    match (server, token) {
        (Some(s), Some(t)) => Ok((s, t)),
        _ => Err(ApiError::NeedsSignIn),
    }
}

fn content_type_of(resp: &reqwest::blocking::Response) -> String {
    resp.headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

/// First wait before reconnecting a dropped stream; doubles up to [`STREAM_BACKOFF_MAX`].
const STREAM_BACKOFF_START: Duration = Duration::from_secs(2);
const STREAM_BACKOFF_MAX: Duration = Duration::from_secs(60);

/// One Server-Sent-Events subscription on its own thread (a stream blocks while it waits).
struct EventStream {
    store: SharedStore,
    out: Sender<FromWorker>,
    repaint: Repaint,
    call: ApiCall,
    stop: Arc<AtomicBool>,
}

impl EventStream {
    fn stopped(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
    }

    fn run(self) {
        let mut backoff = STREAM_BACKOFF_START;
        while !self.stopped() {
            match self.read_stream() {
                // The server ended the stream normally: reconnect at once.
                Ok(true) => backoff = STREAM_BACKOFF_START,
                Ok(false) => return,
                Err(e) => {
                    let give_up = matches!(e, ApiError::NeedsSignIn) || e.is_not_found();
                    if !self.stopped() {
                        answer(&self.out, &*self.repaint, self.call.tag.clone(), Err(e));
                    }
                    if give_up {
                        return;
                    }
                    // Sleep in short steps so an unsubscribe ends the thread promptly.
                    let until = std::time::Instant::now() + backoff;
                    while std::time::Instant::now() < until && !self.stopped() {
                        std::thread::sleep(Duration::from_millis(200));
                    }
                    backoff = (backoff * 2).min(STREAM_BACKOFF_MAX);
                }
            }
        }
    }

    /// Read events until the stream ends (`Ok(true)`), we are told to stop (`Ok(false)`),
    /// or it fails.
    fn read_stream(&self) -> Result<bool, ApiError> {
        let (server, token) = credentials(&self.store)?;
        // No overall timeout: the stream stays open; the server's keep-alives show it is alive.
        let pins = super::trust::Pins::asking(pinned_certificate(&self.store), None);
        let client = net::builder(pins)
            .map_err(|e| ApiError::from_net(e, 0))?
            .connect_timeout(Duration::from_secs(10))
            .timeout(None)
            .build()
            .map_err(|e| ApiError::Other(e.to_string()))?;
        let resp = client
            .get(format!("{server}{}", self.call.path))
            .bearer_auth(&token)
            .header(reqwest::header::ACCEPT, "text/event-stream")
            .send()
            .map_err(|e| ApiError::from_net(net::send_error(e), 0))?;
        let status = resp.status();
        if !status.is_success() {
            let retry = net::retry_after(resp.headers());
            let bytes = resp.bytes().unwrap_or_default();
            return match net::status_error(status, retry, &bytes) {
                // The access token lapsed: renew it and reconnect at once.
                NetError::Unauthorized => {
                    super::session::renew(&client, &server, &self.store, &token)
                        .map(|_| true)
                        .map_err(|e| ApiError::from_net(e, 401))
                }
                e => Err(ApiError::from_net(e, status.as_u16())),
            };
        }
        let mut parser = SseParser::default();
        let mut reader = BufReader::new(resp);
        let mut line = String::new();
        loop {
            if self.stopped() {
                return Ok(false);
            }
            line.clear();
            let n = reader
                .read_line(&mut line)
                .map_err(|e| ApiError::Offline(e.to_string()))?;
            if n == 0 {
                return Ok(true);
            }
            if let Some(ev) = parser.line(&line) {
                let reply = ApiReply {
                    status: 200,
                    content_type: format!("event/{}", ev.event),
                    bytes: ev.data.into_bytes(),
                };
                answer(&self.out, &*self.repaint, self.call.tag.clone(), Ok(reply));
            }
        }
    }
}

/// One Server-Sent Event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SseEvent {
    pub event: String,
    pub data: String,
}

/// A line-by-line parser of `text/event-stream` (WHATWG HTML, "Server-sent events"):
/// `event:` and `data:` fields, comments, and a blank line ending each event. Our streams
/// are small JSON events, so this is all the format the app needs.
#[derive(Debug, Default)]
pub struct SseParser {
    event: String,
    data: Vec<String>,
}

impl SseParser {
    /// Feed one line (with or without its line ending); returns an event when one is complete.
    pub fn line(&mut self, line: &str) -> Option<SseEvent> {
        let line = line.strip_suffix('\n').unwrap_or(line);
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.is_empty() {
            if self.data.is_empty() {
                self.event.clear();
                return None;
            }
            let event = std::mem::take(&mut self.event);
            return Some(SseEvent {
                event: if event.is_empty() {
                    "message".into()
                } else {
                    event
                },
                data: std::mem::take(&mut self.data).join("\n"),
            });
        }
        if line.starts_with(':') {
            return None; // comment / keep-alive
        }
        let (field, value) = line.split_once(':').unwrap_or((line, ""));
        let value = value.strip_prefix(' ').unwrap_or(value);
        match field {
            "event" => self.event = value.to_string(),
            "data" => self.data.push(value.to_string()),
            _ => {} // id, retry and unknown fields are not used by our streams
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn parse_all(text: &str) -> Vec<SseEvent> {
        let mut p = SseParser::default();
        text.split_inclusive('\n')
            .filter_map(|l| p.line(l))
            .collect()
    }

    #[test]
    fn parses_named_events_comments_and_multiline_data() {
        let text = ": keep-alive\n\nevent: work_order\ndata: {\"doc_id\":\"a\",\"seq\":3}\n\n\
                    data: one\r\ndata: two\r\n\r\nevent: resync\ndata:\n\n";
        let evs = parse_all(text);
        assert_eq!(
            evs,
            vec![
                SseEvent {
                    event: "work_order".into(),
                    data: "{\"doc_id\":\"a\",\"seq\":3}".into()
                },
                SseEvent {
                    event: "message".into(),
                    data: "one\ntwo".into()
                },
                SseEvent {
                    event: "resync".into(),
                    data: String::new()
                },
            ]
        );
    }

    #[test]
    fn an_event_without_data_is_not_dispatched() {
        assert!(parse_all("event: ping\n\n").is_empty());
        // and its name does not leak into the next event
        assert_eq!(parse_all("event: ping\n\ndata: x\n\n")[0].event, "message");
    }

    proptest! {
        /// Whatever bytes a server or proxy sends, the parser never panics and every event
        /// it returns came from `data:` lines.
        #[test]
        fn never_panics_on_arbitrary_input(text in "\\PC*(\n\\PC*){0,20}") {
            let mut p = SseParser::default();
            for l in text.split_inclusive('\n') {
                if let Some(ev) = p.line(l) {
                    prop_assert!(text.contains("data"));
                    prop_assert!(!ev.event.is_empty());
                }
            }
        }

        /// Events written in the format come back as they were.
        #[test]
        fn round_trips(events in proptest::collection::vec(("[a-z_]{1,12}", "[^\r\n]{0,40}"), 0..8)) {
            let mut text = String::new();
            for (name, data) in &events {
                text.push_str(&format!("event: {name}\ndata: {data}\n\n"));
            }
            let back = parse_all(&text);
            let want: Vec<SseEvent> = events
                .iter()
                .map(|(e, d)| SseEvent { event: e.clone(), data: d.clone() })
                .collect();
            prop_assert_eq!(back, want);
        }
    }
}
