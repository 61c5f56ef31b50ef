//! The one outbound HTTP layer every vendor client goes through (in
//! progress: issue 12, section 1).
//!
//! What exists is the pure core, with time (and randomness) as arguments,
//! like the client's core: no sockets, no clocks, no tasks, so every rule is
//! unit- and property-tested.
//!
//! - [`VendorError`] / [`StatusError`]: a vendor's error answer read
//!   tolerantly (Zoom's `{code, message, errors[]}`, `{status:false,
//!   errorCode}`, non-JSON), with the HTTP status and whether and when the
//!   call may be retried ([`Retry`]). Nothing printed carries a token, a
//!   body or an e-mail address.
//! - [`parse_retry_after`] (seconds or an HTTP date), [`next_utc_midnight`]
//!   and [`classify_zoom_429`]: a per-second 429 waits for its
//!   `Retry-After`; a daily-cap 429 (recognised by `X-RateLimit-Type:
//!   Daily-limit` or by its message, which often comes without
//!   `Retry-After`) pauses its key until the next 00:00 UTC.
//! - [`Budgets`]: pacing before the call. Limits per key ([`Limit`]: so
//!   many calls per rolling window, or per UTC day); a call takes every key
//!   it needs or none, and is told how long to wait ([`NotYet::Wait`]) or
//!   that its key is paused until 00:00 UTC ([`NotYet::Paused`], fail fast).
//! - Zoom's limits ([`ZoomLimits`], Pro's numbers by default, every one
//!   configurable) over [`ZoomKey`]s: per account and [`Category`], the
//!   daily heavy quota, 100 creates per host and 100 updates per meeting
//!   per UTC day. [`ZOOM_ENDPOINTS`] gives each operation we call its
//!   category, checked against Zoom's OpenAPI documents by a test.
//! - [`RetryPolicy`]: jittered exponential backoff, retrying only what is
//!   safe ([`Failure::advice`]): connection failures always; timeouts,
//!   broken connections and 5xx only for idempotent methods (never a
//!   `POST` that creates); a 429 at its `Retry-After`; a daily cap never.
//! - [`Breaker`]: per vendor, closed -> open after N consecutive outages ->
//!   one half-open probe after a cooldown -> closed or open again.
//!
//! ```
//! use std::time::{Duration, UNIX_EPOCH};
//! use zoomkit_server::http::{zoom_endpoint, NotYet, Subject, ZoomApi, ZoomLimits};
//!
//! let mut budgets = ZoomLimits::pro().budgets();
//! let create = zoom_endpoint(ZoomApi::Meetings, "meetingCreate").expect("in the table");
//! let now = UNIX_EPOCH + Duration::from_secs(1_800_000_000);
//! let keys = create.keys("account-id", Subject::Host("host-id"));
//! match budgets.acquire(&keys, now) {
//!     Ok(()) => { /* send it */ }
//!     Err(NotYet::Wait { until, .. }) => { /* sleep until `until`, ask again */ let _ = until; }
//!     Err(e) => { /* NotYet::Paused: fail now, it resumes at e.until() */ let _ = e; }
//! }
//! ```
//!
//! With the feature `http-client`, a first executor (`HttpClient`) ties
//! these around reqwest calls, with one `tracing` span per attempt (vendor,
//! operation, method, attempt, wait, status; never a URL, header, token or
//! body).
//!
//! The Zoom clients on top are `crate::zoom` (feature `zoom`). Not yet:
//! budgets shared between instances through the store (they are per
//! process: per `HttpClient` and its clones).

mod breaker;
mod budget;
#[cfg(feature = "http-client")]
#[cfg_attr(docsrs, doc(cfg(feature = "http-client")))]
mod client;
mod error;
mod rate_limit;
mod retry;
mod share;
mod zoom_limits;

pub use breaker::{Breaker, BreakerConfig, BreakerOpen, BreakerState, Outcome, Permit};
pub use budget::{Budgets, Limit, NotYet, Pending, Window};
#[cfg(feature = "http-client")]
#[cfg_attr(docsrs, doc(cfg(feature = "http-client")))]
pub use client::{
    Answer, BoxFuture, Call, ClientConfig, Clock, HttpClient, HttpError, SharedBudget,
    TransportKind, MAX_ERROR_BODY,
};
pub use error::{
    BodyShape, FieldError, Retry, StatusError, VendorCode, VendorError, MAX_FIELD_ERRORS,
    MAX_MESSAGE_CHARS,
};
pub use rate_limit::{
    classify_zoom_429, is_zoom_daily_message, next_utc_midnight, parse_rate_limit_reset,
    parse_retry_after, utc_day, BadRetryAfter, RateLimitHeaders, RateLimited, MAX_RETRY_AFTER,
};
pub use retry::{Decision, Failure, GiveUp, Method, RetryPolicy};
pub use share::{ShareHistory, ShareView};
pub use zoom_limits::{
    zoom_endpoint, Category, DailyCap, Subject, ZoomApi, ZoomEndpoint, ZoomKey, ZoomLimits,
    ZOOM_ENDPOINTS,
};
