//! The fake Zoom: state, validation, limits, faults.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::Response;
use base64::Engine as _;
use serde_json::{json, Map, Value};

use super::spec::{self, Operation, Violation};
use crate::http::{utc_day, zoom_endpoint, Category, Clock, DailyCap, ZoomApi};
use crate::token::{Secret, Verifier};
use crate::zoom::{Date, VideoSdkConfig, ZoomConfig};

/// The per-second message of Zoom's per-second 429.
pub const PER_SECOND_MESSAGE: &str =
    "You have reached the maximum per-second rate limit for this API. Try again later.";
/// The message of Zoom's daily-cap 429 (sent without `Retry-After`).
pub const DAILY_MESSAGE: &str = "You have exceeded the daily rate limit (100) of Meeting Create/Update API requests permitted for this particular user. You may resume these requests at GMT 00:00:00.";

/// The limits the fake enforces (Pro's by default), independent of the
/// client's own [`crate::http::ZoomLimits`] so a test can make them differ.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FakeLimits {
    /// LIGHT calls per second.
    pub light: u32,
    /// MEDIUM calls per second.
    pub medium: u32,
    /// HEAVY calls per second.
    pub heavy: u32,
    /// RESOURCE-INTENSIVE calls per minute.
    pub resource_intensive_per_minute: u32,
    /// Meeting creates per host per UTC day (of the fake's clock).
    pub creates_per_host_per_day: u32,
    /// Updates per meeting per UTC day.
    pub updates_per_meeting_per_day: u32,
}

impl Default for FakeLimits {
    fn default() -> Self {
        Self {
            light: 30,
            medium: 20,
            heavy: 10,
            resource_intensive_per_minute: 10,
            creates_per_host_per_day: 100,
            updates_per_meeting_per_day: 100,
        }
    }
}

/// How the fake is set up.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct FakeZoomConfig {
    /// The account id the OAuth endpoint accepts.
    pub account_id: String,
    /// The OAuth client id.
    pub client_id: String,
    /// The OAuth client secret.
    pub client_secret: String,
    /// The Video SDK API key.
    pub video_sdk_key: String,
    /// The Video SDK API secret.
    pub video_sdk_secret: String,
    /// `expires_in` of each access token (an hour, as Zoom's).
    pub token_lifetime: Duration,
    /// The limits.
    pub limits: FakeLimits,
    /// A request arriving this soon after a 429 was answered is not
    /// counted as "sent during the pause" (it was in flight).
    pub pause_grace: Duration,
    /// The largest page served, whatever `page_size` asks (Zoom's is 300;
    /// set it lower to make listings span pages).
    pub max_page_size: usize,
}

impl Default for FakeZoomConfig {
    fn default() -> Self {
        Self {
            account_id: "fake-account".into(),
            client_id: "fake-client".into(),
            client_secret: "fake-client-secret".into(),
            video_sdk_key: "fake-videosdk-key".into(),
            video_sdk_secret: "fake-videosdk-secret".into(),
            token_lifetime: Duration::from_secs(3600),
            limits: FakeLimits::default(),
            pause_grace: Duration::from_millis(250),
            max_page_size: 300,
        }
    }
}

/// A scripted fault, answered to the next request of an operation
/// (see [`FakeZoom::fault`]).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// Answer this status (5xx) with Zoom's error shape; nothing is done.
    Status(u16),
    /// Wait this long, then do the request and answer (a client that
    /// timed out meanwhile does not see it done).
    Slow(Duration),
    /// Do the request, then break the connection mid-answer.
    Reset,
    /// Answer 401 with code 124 (the token is refused), nothing done.
    ExpiredToken,
    /// Answer this status and JSON body instead, nothing done (an answer
    /// Zoom's documents do not describe, to test a client's reading of
    /// it; the fake records it as a [`Violation`] when it does not fit).
    Answer(u16, Value),
}

/// A Video SDK session the fake knows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FakeSession {
    /// Its id (may contain `/`).
    pub id: String,
    /// Its name.
    pub name: String,
    /// The UTC day it started.
    pub start: Date,
    /// In progress (listed as `live`) or ended (`past`).
    pub live: bool,
    /// Its participants' names.
    pub users: Vec<String>,
    /// How many recording files it has (0: no recording).
    pub recording_files: u32,
}

/// What the fake counted.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct FakeStats {
    /// API requests (not OAuth), whatever their answer.
    pub requests: u64,
    /// Requests per operation id.
    pub by_operation: BTreeMap<String, u64>,
    /// Per-second 429s answered.
    pub rate_limited: u64,
    /// Daily-cap 429s answered.
    pub daily_capped: u64,
    /// Requests that arrived while their category was paused by a 429
    /// (after `pause_grace`, before `Retry-After`).
    pub sent_during_pause: u64,
    /// Tokens issued by the OAuth endpoint.
    pub tokens_issued: u64,
    /// Requests refused for a violation of the spec.
    pub invalid: u64,
    /// Answers of the fake itself that did not fit the operation's
    /// documented responses (each also a [`Violation`]).
    pub invalid_answers: u64,
    /// Meetings created.
    pub meetings_created: u64,
}

/// One request the fake received.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeenRequest {
    /// Operation id (`oauthToken` for the token endpoint).
    pub operation: String,
    /// Arrival time on the fake's clock.
    pub at: SystemTime,
    /// The status answered (0 for a broken connection).
    pub status: u16,
}

#[derive(Default)]
struct State {
    next_id: u64,
    max_page_size: usize,
    meetings: BTreeMap<u64, Value>,
    recordings: BTreeMap<u64, Value>,
    /// Recordings of earlier instances of meetings, by instance UUID.
    instances: BTreeMap<String, Value>,
    sessions: Vec<FakeSession>,
    tokens: HashMap<String, SystemTime>,
    faults: HashMap<String, VecDeque<Fault>>,
    windows: HashMap<Category, VecDeque<SystemTime>>,
    /// Per category: when a 429 was answered and until when it holds.
    holds: HashMap<Category, (SystemTime, SystemTime)>,
    host_creates: HashMap<String, (u64, u32)>,
    meeting_updates: HashMap<u64, (u64, u32)>,
    violations: Vec<Violation>,
    stats: FakeStats,
    seen: Vec<SeenRequest>,
}

struct Shared {
    config: Mutex<FakeZoomConfig>,
    state: Mutex<State>,
    offset_ms: Arc<AtomicI64>,
    base: String,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

fn now_with(offset_ms: &AtomicI64) -> SystemTime {
    let real = SystemTime::now();
    let off = offset_ms.load(Ordering::Relaxed);
    if off >= 0 {
        real + Duration::from_millis(off.unsigned_abs())
    } else {
        real - Duration::from_millis(off.unsigned_abs())
    }
}

/// The fake Zoom server; stops when dropped.
pub struct FakeZoom {
    shared: Arc<Shared>,
    addr: SocketAddr,
    task: tokio::task::JoinHandle<()>,
}

impl std::fmt::Debug for FakeZoom {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeZoom")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl Drop for FakeZoom {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl FakeZoom {
    /// Starts the fake on a free port of 127.0.0.1.
    ///
    /// # Errors
    /// When no port can be bound.
    pub async fn start(config: FakeZoomConfig) -> std::io::Result<Self> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            config: Mutex::new(config),
            state: Mutex::new(State {
                next_id: 9_007_199_254_740_993, // 2^53 + 1: an id no f64 holds
                ..State::default()
            }),
            offset_ms: Arc::new(AtomicI64::new(0)),
            base: format!("http://{addr}"),
        });
        let s = Arc::clone(&shared);
        let app = axum::Router::new().fallback(
            move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
                let s = Arc::clone(&s);
                async move { Shared::handle(&s, method, uri, headers, body).await }
            },
        );
        let task = tokio::spawn(async move {
            // The server ends only when the task is aborted.
            let _ = axum::serve(listener, app).await;
        });
        Ok(Self { shared, addr, task })
    }

    /// The API base (`http://127.0.0.1:port/v2`).
    #[must_use]
    pub fn api_base(&self) -> String {
        format!("{}/v2", self.shared.base)
    }

    /// The OAuth token endpoint.
    #[must_use]
    pub fn oauth_url(&self) -> String {
        format!("{}/oauth/token", self.shared.base)
    }

    /// A [`ZoomConfig`] for this fake: its credentials, its URLs, its clock.
    #[must_use]
    pub fn zoom_config(&self) -> ZoomConfig {
        let c = lock(&self.shared.config).clone();
        ZoomConfig::new(c.account_id, c.client_id, c.client_secret)
            .endpoints(self.api_base(), self.oauth_url())
            .clock(self.clock())
    }

    /// A [`VideoSdkConfig`] for this fake.
    ///
    /// # Panics
    /// If the configured Video SDK secret is empty.
    #[must_use]
    pub fn video_sdk_config(&self) -> VideoSdkConfig {
        let c = lock(&self.shared.config).clone();
        let secret = Secret::new(&c.video_sdk_secret).expect("a non-empty Video SDK secret");
        VideoSdkConfig::new(c.video_sdk_key, secret)
            .api_base(self.api_base())
            .clock(self.clock())
    }

    /// The fake's clock, for clients: moving it moves theirs.
    #[must_use]
    pub fn clock(&self) -> Clock {
        let offset = Arc::clone(&self.shared.offset_ms);
        Clock::new(move || now_with(&offset))
    }

    /// The fake's time now.
    #[must_use]
    pub fn now(&self) -> SystemTime {
        now_with(&self.shared.offset_ms)
    }

    /// Moves the clock forward.
    pub fn advance(&self, by: Duration) {
        let ms = i64::try_from(by.as_millis()).unwrap_or(i64::MAX);
        self.shared.offset_ms.fetch_add(ms, Ordering::Relaxed);
    }

    /// Changes the configuration (limits, token lifetime...).
    pub fn configure(&self, change: impl FnOnce(&mut FakeZoomConfig)) {
        change(&mut lock(&self.shared.config));
    }

    /// Forgets every daily count (creates per host, updates per meeting)
    /// and every per-second window and 429 hold.
    pub fn reset_limits(&self) {
        let mut s = lock(&self.shared.state);
        s.host_creates.clear();
        s.meeting_updates.clear();
        s.windows.clear();
        s.holds.clear();
    }

    /// Forgets the counters of [`stats`](Self::stats) and the request log.
    pub fn reset_stats(&self) {
        let mut s = lock(&self.shared.state);
        s.stats = FakeStats::default();
        s.seen.clear();
    }

    /// Answers the next request of `operation` (an `operationId`, or
    /// `oauthToken`) with `fault`; several queue up in order.
    pub fn fault(&self, operation: &str, fault: Fault) {
        lock(&self.shared.state)
            .faults
            .entry(operation.to_owned())
            .or_default()
            .push_back(fault);
    }

    /// Makes every issued access token invalid (Zoom's 401, code 124).
    pub fn expire_tokens(&self) {
        lock(&self.shared.state).tokens.clear();
    }

    /// Deletes a meeting as someone else would (the web portal, another
    /// app): our client does not know.
    pub fn delete_behind_our_back(&self, id: u64) -> bool {
        lock(&self.shared.state).meetings.remove(&id).is_some()
    }

    /// A meeting as the fake holds it.
    #[must_use]
    pub fn meeting(&self, id: u64) -> Option<Value> {
        lock(&self.shared.state).meetings.get(&id).cloned()
    }

    /// How many meetings exist.
    #[must_use]
    pub fn meeting_count(&self) -> usize {
        lock(&self.shared.state).meetings.len()
    }

    /// Adds a cloud recording with `files` files to an existing meeting,
    /// started on `day`. False when the meeting does not exist.
    pub fn add_recording(&self, meeting: u64, day: Date, files: u32) -> bool {
        self.add_recording_of(meeting, None, day, files)
    }

    /// Adds a cloud recording of an earlier *instance* of an existing
    /// meeting, whose UUID is `uuid` (Zoom's UUIDs are base64: they may
    /// begin with `/` or hold `//`, which a client must encode twice in a
    /// path). It is found by that UUID only; by the meeting number Zoom
    /// answers for the latest instance. False when the meeting does not
    /// exist.
    pub fn add_instance_recording(&self, meeting: u64, uuid: &str, day: Date, files: u32) -> bool {
        self.add_recording_of(meeting, Some(uuid), day, files)
    }

    fn add_recording_of(
        &self,
        meeting: u64,
        instance: Option<&str>,
        day: Date,
        files: u32,
    ) -> bool {
        let base = self.shared.base.clone();
        let mut s = lock(&self.shared.state);
        let Some(m) = s.meetings.get(&meeting) else {
            return false;
        };
        let uuid = instance.map_or_else(|| m["uuid"].clone(), |u| json!(u));
        let start = format!("{day}T10:00:00Z");
        let recording_files: Vec<Value> = (1..=files)
            .map(|n| {
                json!({
                    "id": format!("file-{meeting}-{n}"),
                    "meeting_id": uuid,
                    "recording_start": start,
                    "recording_end": format!("{day}T10:30:00Z"),
                    "file_type": "MP4",
                    "file_size": 1_048_576,
                    "play_url": format!("{base}/rec/play/{meeting}-{n}"),
                    "download_url": format!("{base}/rec/download/{meeting}-{n}"),
                    "status": "completed",
                    "recording_type": "shared_screen_with_speaker_view",
                })
            })
            .collect();
        let rec = json!({
            "uuid": uuid,
            "id": meeting,
            "host_id": m["host_id"],
            "topic": m["topic"],
            "start_time": start,
            "duration": 30,
            "total_size": 1_048_576 * u64::from(files),
            "recording_count": files,
            "recording_files": recording_files,
        });
        match instance {
            Some(uuid) => {
                s.instances.insert(uuid.to_owned(), rec);
            }
            None => {
                s.recordings.insert(meeting, rec);
            }
        }
        true
    }

    /// Adds a Video SDK session.
    pub fn add_session(&self, session: FakeSession) {
        lock(&self.shared.state).sessions.push(session);
    }

    /// Every violation of Zoom's documents the fake saw, in order.
    #[must_use]
    pub fn violations(&self) -> Vec<Violation> {
        lock(&self.shared.state).violations.clone()
    }

    /// What the fake counted.
    #[must_use]
    pub fn stats(&self) -> FakeStats {
        lock(&self.shared.state).stats.clone()
    }

    /// Every request received, in order of arrival.
    #[must_use]
    pub fn requests(&self) -> Vec<SeenRequest> {
        lock(&self.shared.state).seen.clone()
    }
}

fn error(status: u16, code: i64, message: &str) -> Response {
    json_response(status, &json!({"code": code, "message": message}))
}

fn json_response(status: u16, body: &Value) -> Response {
    let mut r = Response::new(Body::from(body.to_string()));
    *r.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    r.headers_mut()
        .insert("content-type", HeaderValue::from_static("application/json"));
    r
}

fn empty(status: u16) -> Response {
    let mut r = Response::new(Body::empty());
    *r.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::NO_CONTENT);
    r
}

/// Headers, then a body that fails: the connection breaks mid-answer.
fn broken() -> Response {
    let stream = futures::stream::once(async {
        Err::<Bytes, std::io::Error>(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "fake reset",
        ))
    });
    let mut r = Response::new(Body::from_stream(stream));
    r.headers_mut()
        .insert("content-type", HeaderValue::from_static("application/json"));
    r
}

fn percent_decode(s: &str, plus_is_space: bool) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let escaped = (b[i] == b'%' && i + 3 <= b.len())
            .then(|| std::str::from_utf8(&b[i + 1..i + 3]).ok())
            .flatten()
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (escaped, b[i]) {
            (Some(v), _) => {
                out.push(v);
                i += 3;
                continue;
            }
            (None, b'+') if plus_is_space => out.push(b' '),
            (None, c) => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The path's segments after `/v2/`, decoded as Zoom's two APIs read
/// them, and what went wrong with an id encoded the wrong way.
///
/// - Video SDK: the path is decoded once before routing (so a `/` encoded
///   once splits its segment: a session id with `/` must be encoded
///   twice), each segment once more.
/// - Meetings: each segment is decoded, and once more when it still holds
///   escapes (encoded twice). A UUID that begins with `/` or contains `//`
///   and was encoded only once is mangled on Zoom's side (its own
///   description of `meetingId` says to encode such a UUID twice): the
///   fake drops the empty parts, as a path normaliser would, so it finds
///   nothing, and says why.
fn route_segments(rest: &str) -> (Vec<String>, Option<String>) {
    if rest.starts_with("videosdk/") {
        let segments = percent_decode(rest, false)
            .split('/')
            .map(|s| percent_decode(s, false))
            .collect();
        return (segments, None);
    }
    let mut mangled = None;
    let segments = rest
        .split('/')
        .map(|raw| {
            let once = percent_decode(raw, false);
            if once.contains('%') {
                percent_decode(&once, false)
            } else if once.starts_with('/') || once.contains("//") {
                mangled = Some(
                    "an id that begins with `/` or contains `//` must be URL-encoded twice"
                        .to_owned(),
                );
                once.split('/')
                    .filter(|p| !p.is_empty())
                    .collect::<Vec<_>>()
                    .join("/")
            } else {
                once
            }
        })
        .collect();
    (segments, mangled)
}

fn parse_query(q: Option<&str>) -> Vec<(String, String)> {
    q.unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (percent_decode(k, true), percent_decode(v, true))
        })
        .collect()
}

fn query_value<'a>(query: &'a [(String, String)], name: &str) -> Option<&'a str> {
    query
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

fn merge(into: &mut Value, from: &Value) {
    match (into, from) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in b {
                if v.is_object() && a.get(k).is_some_and(Value::is_object) {
                    if let Some(slot) = a.get_mut(k) {
                        merge(slot, v);
                    }
                } else {
                    a.insert(k.clone(), v.clone());
                }
            }
        }
        (slot, v) => *slot = v.clone(),
    }
}

/// A page of `items` from `token` (an offset) of `page_size`.
fn page(
    items: Vec<Value>,
    query: &[(String, String)],
    max: usize,
) -> (Vec<Value>, String, usize, usize) {
    let size = query_value(query, "page_size")
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(30)
        .clamp(1, max.max(1));
    let start = query_value(query, "next_page_token")
        .and_then(|t| t.strip_prefix("page-"))
        .and_then(|t| t.parse::<usize>().ok())
        .unwrap_or(0);
    let total = items.len();
    let end = (start + size).min(total);
    let next = if end < total {
        format!("page-{end}")
    } else {
        String::new()
    };
    (
        items.into_iter().skip(start).take(size).collect(),
        next,
        size,
        total,
    )
}

/// `from`/`to` of a listing: both dates, `to` not before `from`, at most
/// one month apart (Zoom's rule, in its parameter descriptions).
fn date_range(query: &[(String, String)], today: Date) -> Result<(Date, Date), String> {
    let from = query_value(query, "from").map_or(Some(today), Date::parse);
    let to = query_value(query, "to").map_or(Some(today), Date::parse);
    let (Some(from), Some(to)) = (from, to) else {
        return Err("from/to are not yyyy-mm-dd dates".into());
    };
    if to < from {
        return Err("`to` is before `from`".into());
    }
    if to >= from.add_months(1) {
        return Err("the range of `from` and `to` is longer than one month".into());
    }
    Ok((from, to))
}

fn day_of(value: &Value) -> Option<Date> {
    value
        .as_str()
        .and_then(|s| s.get(..10))
        .and_then(Date::parse)
}

/// `yyyy-mm-ddThh:mm:ssZ` (Zoom's `start_time` in UTC); `None` for
/// anything else (a local time, read in the meeting's `timezone`, is not
/// judged).
fn utc_time(s: &str) -> Option<SystemTime> {
    let s = s.strip_suffix('Z')?;
    let (day, time) = s.split_once('T')?;
    let day = Date::parse(day)?;
    let mut parts = time.split(':').map(|p| p.parse::<u64>().ok());
    let (h, m, sec) = (parts.next()??, parts.next()??, parts.next()??);
    (parts.next().is_none() && h < 24 && m < 60 && sec < 61)
        .then(|| day.midnight() + Duration::from_secs(h * 3600 + m * 60 + sec))
}

fn rfc3339(t: SystemTime) -> String {
    let secs = t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let day = Date::of(t).map_or_else(|| "1970-01-01".to_owned(), |d| d.to_string());
    let s = secs % 86_400;
    format!("{day}T{:02}:{:02}:{:02}Z", s / 3600, s / 60 % 60, s % 60)
}

impl Shared {
    fn now(&self) -> SystemTime {
        now_with(&self.offset_ms)
    }

    fn log(&self, operation: &str, at: SystemTime, response: &Response) {
        let status = response.status().as_u16();
        lock(&self.state).seen.push(SeenRequest {
            operation: operation.to_owned(),
            at,
            status,
        });
    }

    async fn handle(
        self: &Arc<Self>,
        method: Method,
        uri: Uri,
        headers: HeaderMap,
        body: Bytes,
    ) -> Response {
        let at = self.now();
        let query = parse_query(uri.query());
        if uri.path() == "/oauth/token" {
            let r = self.oauth(&method, &query, &headers, at).await;
            self.log("oauthToken", at, &r);
            return r;
        }
        let Some(rest) = uri.path().strip_prefix("/v2/") else {
            return error(404, 404, "Not found.");
        };
        let (segments, mangled) = route_segments(rest);
        let (op, violations) = spec::check_request(method.as_str(), &segments, &query, &body);
        let Some(op) = op else {
            let mut s = lock(&self.state);
            s.stats.invalid += 1;
            s.violations.extend(violations);
            return error(404, 404, "No such API in Zoom's documents.");
        };
        let id = op.id();
        if let Some(problem) = mangled {
            // Zoom would not refuse it: it would look up another value and
            // not find it. Recorded for the test; answered as Zoom would.
            let mut s = lock(&self.state);
            s.stats.invalid += 1;
            s.violations.push(Violation {
                operation: id.to_owned(),
                place: "path".to_owned(),
                problem,
            });
        }
        let r = self
            .api(op, &segments, &query, &headers, &body, violations, at)
            .await;
        let r = self.checked(op, r).await;
        self.log(id, at, &r);
        r
    }

    /// Checks an answer against the operation's documented responses
    /// ([`spec::check_response`]); a violation is recorded (the answer is
    /// sent as it is: the test decides). A broken answer stays broken.
    async fn checked(&self, op: Operation, r: Response) -> Response {
        let status = r.status().as_u16();
        let (parts, body) = r.into_parts();
        let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
            return broken();
        };
        let violations = spec::check_response(&op, status, &bytes);
        if !violations.is_empty() {
            let mut s = lock(&self.state);
            s.stats.invalid_answers += 1;
            s.violations.extend(violations);
        }
        Response::from_parts(parts, Body::from(bytes))
    }

    async fn oauth(
        &self,
        method: &Method,
        query: &[(String, String)],
        headers: &HeaderMap,
        at: SystemTime,
    ) -> Response {
        let config = lock(&self.config).clone();
        match self.take_fault("oauthToken") {
            Some(Fault::Status(code)) => return error(code, code.into(), "Internal error."),
            Some(Fault::Slow(d)) => tokio::time::sleep(d).await,
            Some(Fault::Reset) => return broken(),
            Some(Fault::Answer(status, body)) => return json_response(status, &body),
            Some(Fault::ExpiredToken) | None => {}
        }
        let expected = format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD
                .encode(format!("{}:{}", config.client_id, config.client_secret))
        );
        let basic_ok = headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v == expected);
        if method != Method::POST
            || query_value(query, "grant_type") != Some("account_credentials")
            || query_value(query, "account_id") != Some(config.account_id.as_str())
        {
            return json_response(
                400,
                &json!({"reason": "Unsupported grant type", "error": "unsupported_grant_type"}),
            );
        }
        if !basic_ok {
            return json_response(
                401,
                &json!({"reason": "Invalid client_id or client_secret", "error": "invalid_client"}),
            );
        }
        let mut s = lock(&self.state);
        s.stats.tokens_issued += 1;
        let token = format!("fake-access-token-{}", s.stats.tokens_issued);
        s.tokens.insert(token.clone(), at + config.token_lifetime);
        json_response(
            200,
            &json!({
                "access_token": token,
                "token_type": "bearer",
                "expires_in": config.token_lifetime.as_secs(),
                "scope": "meeting:write:admin meeting:read:admin recording:read:admin",
            }),
        )
    }

    fn take_fault(&self, operation: &str) -> Option<Fault> {
        lock(&self.state)
            .faults
            .get_mut(operation)
            .and_then(VecDeque::pop_front)
    }

    fn authorized(&self, api: ZoomApi, headers: &HeaderMap, at: SystemTime) -> bool {
        let Some(bearer) = headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
        else {
            return false;
        };
        match api {
            ZoomApi::Meetings => lock(&self.state)
                .tokens
                .get(bearer)
                .is_some_and(|&exp| at < exp),
            ZoomApi::VideoSdk => {
                let config = lock(&self.config).clone();
                let Ok(secret) = Secret::new(&config.video_sdk_secret) else {
                    return false;
                };
                Verifier::new()
                    .video_sdk_api(bearer, &secret, at)
                    .is_ok_and(|claims| claims.iss == config.video_sdk_key)
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    async fn api(
        self: &Arc<Self>,
        op: Operation,
        segments: &[String],
        query: &[(String, String)],
        headers: &HeaderMap,
        body: &[u8],
        violations: Vec<Violation>,
        at: SystemTime,
    ) -> Response {
        let id = op.id();
        {
            let mut s = lock(&self.state);
            s.stats.requests += 1;
            *s.stats.by_operation.entry(id.to_owned()).or_default() += 1;
        }
        if !self.authorized(op.api, headers, at) {
            return error(401, 124, "Invalid access token.");
        }
        if !violations.is_empty() {
            let errors: Vec<Value> = violations
                .iter()
                .map(|v| json!({"field": v.place, "message": v.problem}))
                .collect();
            let mut s = lock(&self.state);
            s.stats.invalid += 1;
            s.violations.extend(violations);
            return json_response(
                400,
                &json!({"code": 300, "message": "Validation Failed.", "errors": errors}),
            );
        }
        let mut reset = false;
        match self.take_fault(id) {
            Some(Fault::Status(code)) => {
                return error(code, code.into(), "Internal error. Try again later.")
            }
            Some(Fault::ExpiredToken) => return error(401, 124, "Invalid access token."),
            Some(Fault::Answer(status, body)) => return json_response(status, &body),
            Some(Fault::Slow(d)) => {
                // Done in a task of its own, as Zoom would: a client that
                // gives up (and closes the connection) does not stop it.
                let me = Arc::clone(self);
                let (segments, query, body) = (segments.to_vec(), query.to_vec(), body.to_vec());
                let work = tokio::spawn(async move {
                    tokio::time::sleep(d).await;
                    let at = me.now();
                    me.serve(op, &segments, &query, &body, at)
                });
                return work
                    .await
                    .unwrap_or_else(|_| error(500, 500, "The fake's slow answer failed."));
            }
            Some(Fault::Reset) => reset = true,
            None => {}
        }
        let r = self.serve(op, segments, query, body, at);
        if reset {
            broken()
        } else {
            r
        }
    }

    /// The rate limits, then the operation itself (one lock: atomic).
    fn serve(
        &self,
        op: Operation,
        segments: &[String],
        query: &[(String, String)],
        body: &[u8],
        at: SystemTime,
    ) -> Response {
        let config = lock(&self.config).clone();
        let mut s = lock(&self.state);
        let id = op.id();
        let Some(endpoint) = zoom_endpoint(op.api, id) else {
            return error(501, 0, "The fake does not serve this operation.");
        };
        // Per-category window.
        let (count, span) = match endpoint.category {
            Category::Light => (config.limits.light, Duration::from_secs(1)),
            Category::Medium => (config.limits.medium, Duration::from_secs(1)),
            Category::Heavy => (config.limits.heavy, Duration::from_secs(1)),
            Category::ResourceIntensive => (
                config.limits.resource_intensive_per_minute,
                Duration::from_secs(60),
            ),
        };
        if let Some(&(issued, until)) = s.holds.get(&endpoint.category) {
            if at < until && at > issued + config.pause_grace {
                s.stats.sent_during_pause += 1;
            }
        }
        let window = s.windows.entry(endpoint.category).or_default();
        // Requests are timed when they arrive but counted here, under the
        // lock, in whatever order their tasks get it: the window is kept
        // in order of arrival (see the push below) and everything that
        // arrived in the last `span` counts, later arrivals counted first
        // included, wherever it sits.
        window.retain(|&t| t + span > at);
        if window.len() >= count as usize {
            let index = window.len() - count.max(1) as usize;
            let free_at = window[index] + span;
            let wait = free_at.duration_since(at).unwrap_or(Duration::ZERO);
            let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            let secs = secs.max(1);
            let until = at + Duration::from_secs(secs);
            let hold = s.holds.entry(endpoint.category).or_insert((at, until));
            if hold.1 <= at {
                *hold = (at, until);
            }
            s.stats.rate_limited += 1;
            let mut r = error(429, 429, PER_SECOND_MESSAGE);
            let h = r.headers_mut();
            h.insert("retry-after", HeaderValue::from(secs));
            h.insert(
                "x-ratelimit-category",
                HeaderValue::from_static(endpoint.category.label()),
            );
            h.insert("x-ratelimit-type", HeaderValue::from_static("QPS"));
            return r;
        }
        // Daily caps (by the fake's UTC day).
        let today = utc_day(at);
        let daily = match endpoint.daily_cap {
            Some(DailyCap::CreatesPerHost) => {
                let host = segments.get(1).cloned().unwrap_or_default();
                let e = s.host_creates.entry(host).or_insert((today, 0));
                Some((e, config.limits.creates_per_host_per_day))
            }
            Some(DailyCap::UpdatesPerMeeting) => {
                let meeting = segments
                    .get(1)
                    .and_then(|m| m.parse::<u64>().ok())
                    .unwrap_or(0);
                let e = s.meeting_updates.entry(meeting).or_insert((today, 0));
                Some((e, config.limits.updates_per_meeting_per_day))
            }
            None => None,
        };
        if let Some((entry, cap)) = daily {
            if entry.0 != today {
                *entry = (today, 0);
            }
            if entry.1 >= cap {
                s.stats.daily_capped += 1;
                // Zoom's daily 429 often comes without Retry-After: the
                // client must know its message.
                return error(429, 429, DAILY_MESSAGE);
            }
            entry.1 += 1;
        }
        if let Some(w) = s.windows.get_mut(&endpoint.category) {
            let i = w.partition_point(|&t| t <= at);
            w.insert(i, at);
        }
        let today = Date::of(at).unwrap_or(Date::UNIX_EPOCH);
        let body: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
        s.max_page_size = config.max_page_size;
        let base = self.base.clone();
        s.operation(op.api, id, segments, query, &body, at, today, &base)
    }
}

impl State {
    #[allow(clippy::too_many_arguments)]
    fn operation(
        &mut self,
        api: ZoomApi,
        id: &str,
        segments: &[String],
        query: &[(String, String)],
        body: &Value,
        at: SystemTime,
        today: Date,
        base: &str,
    ) -> Response {
        let param = |i: usize| segments.get(i).cloned().unwrap_or_default();
        let meeting_id = || param(1).parse::<u64>().unwrap_or(0);
        let missing = |m: u64| error(404, 3001, &format!("Meeting does not exist: {m}."));
        match (api, id) {
            (ZoomApi::Meetings, "meetingCreate") => {
                let host = param(1);
                let id = self.next_id;
                self.next_id += 1;
                self.stats.meetings_created += 1;
                let mut m = json!({
                    "type": 2,
                    "settings": {},
                });
                merge(&mut m, body);
                merge(
                    &mut m,
                    &json!({
                        "id": id,
                        "uuid": format!("fake-uuid-{id}=="),
                        "host_id": host,
                        "created_at": rfc3339(at),
                        "join_url": format!("{base}/j/{id}"),
                        "start_url": format!("{base}/s/{id}?zak=fake"),
                        "status": "waiting",
                    }),
                );
                self.meetings.insert(id, m.clone());
                json_response(201, &m)
            }
            (ZoomApi::Meetings, "meeting") => match self.meetings.get(&meeting_id()) {
                Some(m) => json_response(200, m),
                None => missing(meeting_id()),
            },
            (ZoomApi::Meetings, "meetingUpdate") => match self.meetings.get_mut(&meeting_id()) {
                // Zoom refuses to move a scheduled meeting into the past.
                Some(_)
                    if body["start_time"]
                        .as_str()
                        .and_then(utc_time)
                        .is_some_and(|t| t < at) =>
                {
                    error(400, 300, "The start time must be in the future.")
                }
                Some(m) => {
                    merge(m, body);
                    empty(204)
                }
                None => missing(meeting_id()),
            },
            (ZoomApi::Meetings, "meetingDelete") => match self.meetings.remove(&meeting_id()) {
                Some(_) => {
                    self.recordings.remove(&meeting_id());
                    let gone = json!(meeting_id());
                    self.instances.retain(|_, r| r["id"] != gone);
                    empty(204)
                }
                None => missing(meeting_id()),
            },
            (ZoomApi::Meetings, "meetings") => {
                let host = param(1);
                let items: Vec<Value> = self
                    .meetings
                    .values()
                    .filter(|m| m["host_id"] == host.as_str())
                    .map(|m| {
                        let mut out = Map::new();
                        for k in [
                            "id",
                            "uuid",
                            "host_id",
                            "topic",
                            "type",
                            "start_time",
                            "duration",
                            "timezone",
                            "agenda",
                            "created_at",
                            "join_url",
                        ] {
                            if let Some(v) = m.get(k) {
                                out.insert(k.to_owned(), v.clone());
                            }
                        }
                        Value::Object(out)
                    })
                    .collect();
                let (items, next, size, total) = page(items, query, self.max_page_size);
                json_response(
                    200,
                    &json!({"page_size": size, "total_records": total, "next_page_token": next, "meetings": items}),
                )
            }
            // A number: the latest instance; anything else: an instance's UUID.
            (ZoomApi::Meetings, "recordingGet") => match param(1).parse::<u64>().ok().map_or_else(
                || {
                    let uuid = param(1);
                    self.instances.get(&uuid).or_else(|| {
                        self.recordings
                            .values()
                            .find(|r| r["uuid"] == uuid.as_str())
                    })
                },
                |id| self.recordings.get(&id),
            ) {
                Some(r) => {
                    let mut r = r.clone();
                    if query_value(query, "include_fields") == Some("download_access_token") {
                        r["download_access_token"] =
                            json!(format!("fake-download-token-{}", r["id"]));
                    }
                    json_response(200, &r)
                }
                None => error(404, 3301, "This recording does not exist."),
            },
            (ZoomApi::Meetings, "recordingsList") => {
                let host = param(1);
                let (from, to) = match date_range(query, today) {
                    Ok(r) => r,
                    Err(problem) => return self.invalid(id, problem),
                };
                let items: Vec<Value> = self
                    .recordings
                    .values()
                    .chain(self.instances.values())
                    .filter(|r| r["host_id"] == host.as_str())
                    .filter(|r| day_of(&r["start_time"]).is_some_and(|d| from <= d && d <= to))
                    .cloned()
                    .collect();
                let (items, next, size, total) = page(items, query, self.max_page_size);
                json_response(
                    200,
                    &json!({"from": from.to_string(), "to": to.to_string(), "page_size": size, "total_records": total, "next_page_token": next, "meetings": items}),
                )
            }
            (ZoomApi::VideoSdk, "sessions") => {
                let (from, to) = match date_range(query, today) {
                    Ok(r) => r,
                    Err(problem) => return self.invalid(id, problem),
                };
                let live = query_value(query, "type") != Some("past");
                let items: Vec<Value> = self
                    .sessions
                    .iter()
                    .filter(|s| s.live == live && from <= s.start && s.start <= to)
                    .map(|s| session_json(s, false))
                    .collect();
                let (items, next, size, _) = page(items, query, self.max_page_size);
                json_response(
                    200,
                    &json!({"from": from.to_string(), "to": to.to_string(), "page_size": size, "next_page_token": next, "sessions": items}),
                )
            }
            (ZoomApi::VideoSdk, "sessionDetail") => {
                match self.sessions.iter().find(|s| s.id == param(2)) {
                    Some(s) => json_response(200, &session_json(s, true)),
                    None => error(404, 2300, "This session does not exist."),
                }
            }
            (ZoomApi::VideoSdk, "sessionUsers") => {
                match self.sessions.iter().find(|s| s.id == param(2)) {
                    Some(s) => {
                        let items: Vec<Value> = s
                        .users
                        .iter()
                        .enumerate()
                        .map(|(i, name)| json!({"id": format!("user-{i}"), "name": name, "user_key": format!("key-{i}"), "device": "Windows", "join_time": format!("{}T10:00:00Z", s.start), "leave_time": format!("{}T10:30:00Z", s.start)}))
                        .collect();
                        let (items, next, size, _) = page(items, query, self.max_page_size);
                        json_response(
                            200,
                            &json!({"page_size": size, "next_page_token": next, "users": items}),
                        )
                    }
                    None => error(404, 2300, "This session does not exist."),
                }
            }
            (ZoomApi::VideoSdk, "recordingGet") => {
                match self
                    .sessions
                    .iter()
                    .find(|s| s.id == param(2) && s.recording_files > 0)
                {
                    Some(s) => {
                        let mut r = session_recording_json(s, base);
                        if query_value(query, "include_fields") == Some("download_access_token") {
                            r["download_access_token"] = json!("fake-session-download-token");
                        }
                        json_response(200, &r)
                    }
                    None => error(404, 3301, "There is no recording for this session."),
                }
            }
            (ZoomApi::VideoSdk, "recordingsList") => {
                let (from, to) = match date_range(query, today) {
                    Ok(r) => r,
                    Err(problem) => return self.invalid(id, problem),
                };
                let items: Vec<Value> = self
                    .sessions
                    .iter()
                    .filter(|s| s.recording_files > 0 && from <= s.start && s.start <= to)
                    .map(|s| session_recording_json(s, base))
                    .collect();
                let (items, next, size, total) = page(items, query, self.max_page_size);
                json_response(
                    200,
                    &json!({"from": from.to_string(), "to": to.to_string(), "page_size": size, "total_records": total, "next_page_token": next, "sessions": items}),
                )
            }
            _ => error(501, 0, "The fake does not serve this operation."),
        }
    }

    fn invalid(&mut self, operation: &str, problem: String) -> Response {
        self.stats.invalid += 1;
        self.violations.push(Violation {
            operation: operation.to_owned(),
            place: "query parameters `from`/`to`".to_owned(),
            problem: problem.clone(),
        });
        json_response(400, &json!({"code": 300, "message": problem}))
    }
}

fn session_json(s: &FakeSession, detail: bool) -> Value {
    let mut v = json!({
        "id": s.id,
        "session_name": s.name,
        "start_time": format!("{}T10:00:00Z", s.start),
        "end_time": format!("{}T10:30:00Z", s.start),
        "duration": "00:30:00",
        "user_count": s.users.len(),
        "has_recording": s.recording_files > 0,
        "session_key": format!("key-{}", s.name),
    });
    if detail {
        v["session_number"] = json!(9_007_199_254_740_993u64);
    }
    v
}

fn session_recording_json(s: &FakeSession, base: &str) -> Value {
    let files: Vec<Value> = (1..=s.recording_files)
        .map(|n| {
            json!({
                "id": format!("sfile-{n}"),
                "recording_start": format!("{}T10:00:00Z", s.start),
                "recording_end": format!("{}T10:30:00Z", s.start),
                "file_type": "MP4",
                "file_size": 2_097_152,
                "download_url": format!("{base}/rec/download/session-{n}"),
                "status": "completed",
                "recording_type": "gallery_view",
            })
        })
        .collect();
    json!({
        "session_id": s.id,
        "session_name": s.name,
        "start_time": format!("{}T10:00:00Z", s.start),
        "duration": 30,
        "total_size": 2_097_152 * u64::from(s.recording_files),
        "recording_count": s.recording_files,
        "session_key": format!("key-{}", s.name),
        "recording_files": files,
    })
}
