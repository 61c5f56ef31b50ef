//! The executor (feature `http-client`): one reqwest client that paces,
//! retries and breaks around each vendor call, with the pure parts of this
//! module deciding.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use tracing::Instrument as _;

use super::breaker::{Breaker, BreakerConfig, BreakerOpen, Outcome};
use super::budget::{Budgets, NotYet};
use super::error::{Retry, StatusError, VendorError};
use super::rate_limit::{classify_zoom_429, RateLimitHeaders, RateLimited};
use super::retry::{Decision, Failure, Method, RetryPolicy};

/// The most bytes of an error body read (the rest is dropped).
pub const MAX_ERROR_BODY: usize = 64 * 1024;

/// How a call failed, after pacing, retries and the breaker.
///
/// Names the vendor and operation; never a URL (query strings carry ids),
/// a header, a token or a body.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HttpError {
    /// The vendor answered with an error status.
    #[error(transparent)]
    Status(#[from] StatusError),
    /// A budget key is paused (daily cap) until `until`: not sent.
    #[error("{vendor} {operation} not sent: {reason}")]
    Paused {
        /// The vendor.
        vendor: &'static str,
        /// The operation.
        operation: &'static str,
        /// Which key and until when.
        reason: NotYet,
    },
    /// Pacing would wait longer than the client's `max_pacing_wait`.
    #[error("{vendor} {operation} not sent: budget short for longer than allowed ({reason})")]
    BudgetWaitTooLong {
        /// The vendor.
        vendor: &'static str,
        /// The operation.
        operation: &'static str,
        /// Which key and until when.
        reason: NotYet,
    },
    /// The vendor's breaker is open: not sent.
    #[error("{vendor} {operation} not sent: {open}")]
    BreakerOpen {
        /// The vendor.
        vendor: &'static str,
        /// The operation.
        operation: &'static str,
        /// Until when.
        open: BreakerOpen,
    },
    /// A 2xx answer's body was larger than [`ClientConfig::max_body`]; not
    /// retried (the same answer would come again).
    #[error("{vendor} {operation}: answer body over {limit} bytes")]
    BodyTooLarge {
        /// The vendor.
        vendor: &'static str,
        /// The operation.
        operation: &'static str,
        /// The limit.
        limit: usize,
    },
    /// No answer: connection failure, timeout or broken connection.
    #[error("{vendor} {operation} failed after {attempts} attempt(s): {kind}")]
    Transport {
        /// The vendor.
        vendor: &'static str,
        /// The operation.
        operation: &'static str,
        /// How the last attempt failed.
        kind: TransportKind,
        /// Attempts made.
        attempts: u32,
    },
}

/// How a request got no answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TransportKind {
    /// The connection could not be made; nothing was sent.
    #[error("could not connect")]
    Connect,
    /// No answer in time; the vendor may have acted on the request.
    #[error("timed out (the vendor may have acted on it)")]
    Timeout,
    /// The connection broke (the vendor may have acted on the request).
    #[error("connection broken (the vendor may have acted on it)")]
    Broken,
}

impl HttpError {
    /// Whether and when the call may be sent again.
    #[must_use]
    pub fn retry(&self) -> Retry {
        match self {
            Self::Status(e) => e.retry,
            Self::Paused { reason, .. } => reason.retry(),
            Self::BudgetWaitTooLong { reason, .. } => Retry::At(reason.until()),
            Self::BreakerOpen { open, .. } => Retry::At(open.until),
            Self::BodyTooLarge { .. } => Retry::Never,
            Self::Transport { .. } => Retry::Backoff,
        }
    }
}

/// A successful answer: status, headers and body.
#[derive(Debug)]
pub struct Answer {
    /// The HTTP status (2xx).
    pub status: u16,
    /// The body.
    pub body: Vec<u8>,
    /// The answer's headers (rate-limit headers are read from them).
    pub headers: reqwest::header::HeaderMap,
}

/// One call: what it is, for logs, pacing and retries.
#[derive(Clone, Debug)]
pub struct Call<K> {
    /// The vendor's operation id (`"meetingCreate"`).
    pub operation: &'static str,
    /// The method (decides what may be retried).
    pub method: Method,
    /// The budget keys, most general first: a short 429 holds the first,
    /// a daily 429 pauses the last (for Zoom, [`ZoomEndpoint::keys`]
    /// gives this order).
    ///
    /// [`ZoomEndpoint::keys`]: super::ZoomEndpoint::keys
    pub keys: Vec<K>,
}

/// Settings of an [`HttpClient`].
#[derive(Clone, Copy, Debug)]
pub struct ClientConfig {
    /// Timeout of each attempt, connect to last byte.
    pub timeout: Duration,
    /// The longest a call waits for budget before failing.
    pub max_pacing_wait: Duration,
    /// Retries.
    pub retry: RetryPolicy,
    /// The breaker.
    pub breaker: BreakerConfig,
    /// The largest 2xx body read, in bytes.
    pub max_body: usize,
}

impl Default for ClientConfig {
    /// 30 s per attempt, up to 60 s of pacing, default retry and breaker,
    /// 16 MiB bodies.
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(30),
            max_pacing_wait: Duration::from_secs(60),
            retry: RetryPolicy::default(),
            breaker: BreakerConfig::default(),
            max_body: 16 * 1024 * 1024,
        }
    }
}

/// A boxed future, for [`SharedBudget`]'s object-safe methods.
pub type BoxFuture<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>;

/// Budgets shared with other instances (through a store), asked after a
/// call's local budgets allowed it, and told of every 429.
pub trait SharedBudget<K>: Send + Sync {
    /// May a call needing `keys` be sent now? Takes any shared (daily)
    /// budget when yes; says until when to wait or fail fast when not.
    fn admit<'a>(&'a self, keys: &'a [K], now: SystemTime) -> BoxFuture<'a, Result<(), NotYet>>;
    /// A 429 held (`daily: false`) or paused (`daily: true`) `key` until
    /// `until`: tell the other instances.
    fn limited<'a>(&'a self, key: &'a K, until: SystemTime, daily: bool) -> BoxFuture<'a, ()>;
}

/// Where an [`HttpClient`] reads the time: the system clock, or one a test
/// (or the fake Zoom of `testing`) moves. Pacing, pauses, `Retry-After`
/// and the breaker all read it; only sleeping uses real time.
#[derive(Clone)]
pub struct Clock(Arc<dyn Fn() -> SystemTime + Send + Sync>);

impl Clock {
    /// The system clock.
    #[must_use]
    pub fn system() -> Self {
        Self(Arc::new(SystemTime::now))
    }

    /// A clock that reads `now`.
    pub fn new(now: impl Fn() -> SystemTime + Send + Sync + 'static) -> Self {
        Self(Arc::new(now))
    }

    /// The time now.
    #[must_use]
    pub fn now(&self) -> SystemTime {
        (self.0)()
    }
}

impl Default for Clock {
    fn default() -> Self {
        Self::system()
    }
}

impl std::fmt::Debug for Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Clock")
    }
}

/// The executor for one vendor: pacing ([`Budgets`]), then the
/// [`Breaker`], then the request, then [`RetryPolicy`]; a 429 holds or
/// pauses its key for every caller sharing this client (clone it: clones
/// share budgets and breaker).
pub struct HttpClient<K> {
    vendor: &'static str,
    client: reqwest::Client,
    config: ClientConfig,
    budgets: Arc<Mutex<Budgets<K>>>,
    breaker: Arc<Mutex<Breaker>>,
    seed: Arc<AtomicU64>,
    clock: Clock,
    shared: Option<Arc<dyn SharedBudget<K>>>,
}

impl<K> Clone for HttpClient<K> {
    fn clone(&self) -> Self {
        Self {
            vendor: self.vendor,
            client: self.client.clone(),
            config: self.config,
            budgets: Arc::clone(&self.budgets),
            breaker: Arc::clone(&self.breaker),
            seed: Arc::clone(&self.seed),
            clock: self.clock.clone(),
            shared: self.shared.clone(),
        }
    }
}

impl<K> std::fmt::Debug for HttpClient<K> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpClient")
            .field("vendor", &self.vendor)
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // The guarded state stays consistent across a panic (every method
    // finishes its update before returning), so a poisoned lock is used.
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl<K: std::hash::Hash + Eq + Clone + Send + 'static> HttpClient<K> {
    /// A client for `vendor` with these budgets.
    ///
    /// # Errors
    /// When reqwest cannot build its client (no TLS backend).
    pub fn new(
        vendor: &'static str,
        budgets: Budgets<K>,
        config: ClientConfig,
    ) -> Result<Self, reqwest::Error> {
        let client = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        let seed = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0x9e37_79b9, |d| d.as_nanos() as u64);
        Ok(Self {
            vendor,
            client,
            config,
            budgets: Arc::new(Mutex::new(budgets)),
            breaker: Arc::new(Mutex::new(Breaker::new(config.breaker))),
            seed: Arc::new(AtomicU64::new(seed | 1)),
            clock: Clock::system(),
            shared: None,
        })
    }

    /// The same client asking `shared` too before each call and telling it
    /// of each 429 (budgets shared by several instances).
    #[must_use]
    pub fn with_shared(mut self, shared: Arc<dyn SharedBudget<K>>) -> Self {
        self.shared = Some(shared);
        self
    }

    /// The same client reading time from `clock` (for tests: a clock that
    /// can pass midnight without waiting for it).
    #[must_use]
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// The clock this client reads.
    #[must_use]
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// The vendor's breaker state now.
    #[must_use]
    pub fn breaker_state(&self) -> super::BreakerState {
        lock(&self.breaker).state()
    }

    /// A number in `[0, 1)` for jitter (xorshift; not for secrets).
    fn jitter(&self) -> f64 {
        let mut x = self
            .seed
            .fetch_add(0x9e37_79b9_7f4a_7c15, Ordering::Relaxed);
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Sends `call`, building each attempt's request with `build` (called
    /// once per attempt), and returns the 2xx answer or a typed error.
    ///
    /// # Errors
    /// See [`HttpError`].
    pub async fn send<F>(&self, call: &Call<K>, build: F) -> Result<Answer, HttpError>
    where
        F: Fn(&reqwest::Client) -> reqwest::RequestBuilder,
    {
        let (vendor, operation) = (self.vendor, call.operation);
        let mut attempt = 0u32;
        // The previous attempt's error: what the caller sees if a retry is
        // refused by pacing or by the breaker (the real cause, not the
        // refusal).
        let mut last: Option<HttpError> = None;
        loop {
            attempt += 1;
            // The shared budget first (it may wait for the store), so that
            // local pacing decides the moment right before the send.
            if let Some(shared) = &self.shared {
                let now = self.clock.now();
                match shared.admit(&call.keys, now).await {
                    Ok(()) => {}
                    Err(reason @ NotYet::Paused { key_index, until }) => {
                        // What another instance learnt holds here too.
                        if let Some(key) = call.keys.get(key_index) {
                            lock(&self.budgets).pause_until(key, until);
                        }
                        return Err(last.unwrap_or(HttpError::Paused {
                            vendor,
                            operation,
                            reason,
                        }));
                    }
                    Err(NotYet::Wait { key_index, until }) => {
                        if let Some(key) = call.keys.get(key_index) {
                            lock(&self.budgets).hold_until(key, until);
                        }
                    }
                }
            }
            // Pacing: wait for budget, or fail fast on a pause.
            let mut waited = Duration::ZERO;
            let slot = loop {
                let now = self.clock.now();
                let checked = lock(&self.budgets).acquire_pending(&call.keys, now);
                match checked {
                    Ok(pending) => {
                        break Slot {
                            budgets: &self.budgets,
                            keys: &call.keys,
                            clock: &self.clock,
                            pending: Some(pending),
                        }
                    }
                    Err(reason @ NotYet::Paused { .. }) => {
                        return Err(last.unwrap_or(HttpError::Paused {
                            vendor,
                            operation,
                            reason,
                        }))
                    }
                    Err(reason) => {
                        let wait = reason.until().duration_since(now).unwrap_or(Duration::ZERO);
                        if waited + wait > self.config.max_pacing_wait {
                            return Err(last.unwrap_or(HttpError::BudgetWaitTooLong {
                                vendor,
                                operation,
                                reason,
                            }));
                        }
                        waited += wait;
                        tokio::time::sleep(wait).await;
                    }
                }
            };
            let allowed = lock(&self.breaker).allow(self.clock.now());
            let permit = match allowed {
                Ok(permit) => permit,
                Err(open) => {
                    return Err(last.unwrap_or(HttpError::BreakerOpen {
                        vendor,
                        operation,
                        open,
                    }))
                }
            };
            let span = tracing::info_span!(
                "http",
                vendor,
                operation,
                method = call.method.as_str(),
                attempt,
                wait_ms = waited.as_millis() as u64,
                status = tracing::field::Empty,
            );
            let sent = build(&self.client).send().instrument(span.clone()).await;
            // The vendor has counted the request by now (or never will).
            drop(slot);
            let now = self.clock.now();
            let failure = match sent {
                Ok(response) => {
                    let status = response.status().as_u16();
                    span.record("status", status);
                    lock(&self.breaker).record(
                        permit,
                        if status >= 500 {
                            Outcome::Outage
                        } else {
                            Outcome::Answered
                        },
                        now,
                    );
                    if (200..300).contains(&status) {
                        let headers = response.headers().clone();
                        match read_limited(response, self.config.max_body).await {
                            Ok(body) => {
                                tracing::debug!(parent: &span, "answered");
                                return Ok(Answer {
                                    status,
                                    body,
                                    headers,
                                });
                            }
                            Err(BodyError::TooLarge) => {
                                tracing::info!(parent: &span, "answer too large");
                                return Err(HttpError::BodyTooLarge {
                                    vendor,
                                    operation,
                                    limit: self.config.max_body,
                                });
                            }
                            Err(BodyError::Broken) => {
                                tracing::info!(parent: &span, "answer broken off");
                                (TransportKind::Broken, Failure::Broken)
                            }
                        }
                    } else {
                        let retry_after = header(&response, "retry-after");
                        let limit_type = header(&response, "x-ratelimit-type");
                        let limit_reset = header(&response, "x-ratelimit-reset");
                        // An error body is only read for what it says: the
                        // first MAX_ERROR_BODY bytes, whatever else follows.
                        let body = read_prefix(response, MAX_ERROR_BODY).await;
                        let vendor_error = VendorError::parse(&body);
                        let failure = if status == 429 {
                            let headers = RateLimitHeaders {
                                retry_after: retry_after.as_deref(),
                                rate_limit_type: limit_type.as_deref(),
                                rate_limit_reset: limit_reset.as_deref(),
                            };
                            let limited = classify_zoom_429(headers, &vendor_error, now);
                            let learnt = match limited {
                                RateLimited::Daily { until } => {
                                    call.keys.last().map(|key| (key, until, true))
                                }
                                RateLimited::Window { retry_at: Some(at) } => {
                                    call.keys.first().map(|key| (key, at, false))
                                }
                                RateLimited::Window { retry_at: None } => None,
                            };
                            if let Some((key, until, daily)) = learnt {
                                {
                                    let mut budgets = lock(&self.budgets);
                                    if daily {
                                        budgets.pause_until(key, until);
                                    } else {
                                        budgets.hold_until(key, until);
                                    }
                                }
                                if let Some(shared) = &self.shared {
                                    shared.limited(key, until, daily).await;
                                }
                            }
                            Failure::RateLimited(limited)
                        } else {
                            Failure::Status {
                                status,
                                retry_after: retry_after
                                    .as_deref()
                                    .and_then(|v| super::parse_retry_after(v, now).ok()),
                            }
                        };
                        tracing::info!(parent: &span, code = ?vendor_error.code_number(), "vendor error");
                        let error = HttpError::Status(StatusError {
                            vendor,
                            operation,
                            status,
                            vendor_error,
                            retry: failure.advice(call.method),
                        });
                        match self.decide(call.method, &failure, attempt, now) {
                            Some(at) => {
                                last = Some(error);
                                sleep_until(&self.clock, at).await;
                                continue;
                            }
                            None => return Err(error),
                        }
                    }
                }
                Err(e) => {
                    lock(&self.breaker).record(permit, Outcome::Outage, now);
                    let kind = if e.is_connect() {
                        TransportKind::Connect
                    } else if e.is_timeout() {
                        TransportKind::Timeout
                    } else {
                        TransportKind::Broken
                    };
                    tracing::info!(parent: &span, error = %kind, "no answer");
                    (
                        kind,
                        match kind {
                            TransportKind::Connect => Failure::Connect,
                            TransportKind::Timeout => Failure::Timeout,
                            TransportKind::Broken => Failure::Broken,
                        },
                    )
                }
            };
            let (kind, failure) = failure;
            let error = HttpError::Transport {
                vendor,
                operation,
                kind,
                attempts: attempt,
            };
            match self.decide(call.method, &failure, attempt, now) {
                Some(at) => {
                    last = Some(error);
                    sleep_until(&self.clock, at).await;
                }
                None => return Err(error),
            }
        }
    }

    fn decide(
        &self,
        method: Method,
        failure: &Failure,
        attempt: u32,
        now: SystemTime,
    ) -> Option<SystemTime> {
        match self
            .config
            .retry
            .decide(method, failure, attempt, self.jitter(), now)
        {
            Decision::RetryAt(at) => Some(at),
            Decision::GiveUp(_) => None,
        }
    }
}

/// A call's place in its rolling windows, from the budget's answer to the
/// vendor's: settled when dropped (after the answer's head arrives, or
/// when the call is refused by the breaker, fails or is cancelled), so a
/// cancelled call cannot hold budget for ever.
struct Slot<'a, K: std::hash::Hash + Eq + Clone> {
    budgets: &'a Mutex<Budgets<K>>,
    keys: &'a [K],
    clock: &'a Clock,
    pending: Option<super::budget::Pending>,
}

impl<K: std::hash::Hash + Eq + Clone> Drop for Slot<'_, K> {
    fn drop(&mut self) {
        if let Some(pending) = self.pending.take() {
            let now = self.clock.now();
            lock(self.budgets).settle(self.keys, pending, now);
        }
    }
}

fn header(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

enum BodyError {
    TooLarge,
    Broken,
}

/// The whole body, refused past `limit` bytes (checked per chunk, so a
/// body without a length cannot grow without bound).
async fn read_limited(mut response: reqwest::Response, limit: usize) -> Result<Vec<u8>, BodyError> {
    if response.content_length().is_some_and(|n| n > limit as u64) {
        return Err(BodyError::TooLarge);
    }
    let mut body = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                if body.len() + chunk.len() > limit {
                    return Err(BodyError::TooLarge);
                }
                body.extend_from_slice(&chunk);
            }
            Ok(None) => return Ok(body),
            Err(_) => return Err(BodyError::Broken),
        }
    }
}

/// At most the first `limit` bytes of the body (an error body is read for
/// its message only; a broken one is what arrived).
async fn read_prefix(mut response: reqwest::Response, limit: usize) -> Vec<u8> {
    let mut body = Vec::new();
    while let Ok(Some(chunk)) = response.chunk().await {
        let room = limit.saturating_sub(body.len());
        body.extend_from_slice(&chunk[..chunk.len().min(room)]);
        if body.len() >= limit {
            break;
        }
    }
    body
}

async fn sleep_until(clock: &Clock, at: SystemTime) {
    let wait = at.duration_since(clock.now()).unwrap_or(Duration::ZERO);
    tokio::time::sleep(wait).await;
}
