//! Verified webhooks from Zoom, Calendly and Cal.com: raw bytes in, a
//! [`Verified`] delivery (or a typed [`VerifyError`]) out. No web framework:
//! headers come through [`HeaderSource`] (slices of pairs, maps, and with the
//! `axum` feature `http::HeaderMap`), the body is `&[u8]`, and `now` is an
//! argument.
//!
//! | Provider | Verifier | Header | Signed message | Replay window |
//! |---|---|---|---|---|
//! | Zoom | [`ZoomVerifier`] | `x-zm-signature: v0=<hex>` + `x-zm-request-timestamp` | `v0:{timestamp}:{raw body}` | yes |
//! | Calendly | [`CalendlyVerifier`] | `Calendly-Webhook-Signature: t=<unix>,v1=<hex>` | `{t}.{raw body}` | yes |
//! | Cal.com | [`CalcomVerifier`] | `X-Cal-Signature-256: <hex>` | `{raw body}` | none sent |
//!
//! All three are hex HMAC-SHA256 under the webhook's secret (Zoom: the app's
//! *Secret Token*; Calendly: the subscription's `signing_key`; Cal.com: the
//! webhook's secret).
//!
//! # What a verifier does, in order
//!
//! 1. Refuses a body over the limit ([`DEFAULT_MAX_BODY_BYTES`], 1 MiB,
//!    `.body_limit(n)`) before anything else: [`VerifyError::BodyTooLarge`]
//!    (413). A receiver should also stop *reading* at
//!    [`WebhookVerifier::max_body_bytes`].
//! 2. Reads each signature header, which must occur exactly once, and
//!    decodes it: exactly 64 hex digits (either case), else
//!    [`VerifyError::MalformedHeader`]. An empty or truncated signature is
//!    never compared as a prefix (Svix shipped that bug).
//! 3. Computes the HMAC over the **exact bytes received** (never a
//!    re-serialised body) for each configured secret and compares in
//!    constant time (`hmac`'s `verify_slice`). No match is
//!    [`VerifyError::BadSignature`]. Several secrets are accepted at once
//!    ([`Secrets::parse`] takes a comma list), so a secret can be rotated:
//!    add the new one, switch the provider, drop the old one;
//!    [`Verified::secret_index`] tells which one matched.
//! 4. Checks the signed timestamp against `now`, [`DEFAULT_TOLERANCE`]
//!    (300 s) both ways, `.tolerance(d)` to change it:
//!    [`VerifyError::Stale`] or [`VerifyError::FromTheFuture`]. The window
//!    is checked after the signature, so only authentic deliveries learn
//!    about the receiver's clock. Cal.com signs no timestamp: its replays
//!    are stopped by the dedupe key instead.
//! 5. Reads the envelope of the now-verified body (event name, the ids the
//!    dedupe key needs); a body that is not one is
//!    [`VerifyError::MalformedBody`] (400). Zoom's `endpoint.url_validation`
//!    is answered here ([`Verified::url_validation`]), with the secret that
//!    verified the request.
//!
//! ```
//! use std::time::{Duration, UNIX_EPOCH};
//! use zoomkit_server::webhook::{Secrets, ZoomVerifier};
//!
//! // From the environment in real life: `ZOOM_WEBHOOK_SECRET=new,old`.
//! let verifier = ZoomVerifier::new(Secrets::parse("zoom-secret-token")?);
//!
//! // What arrived: the raw body bytes and the headers, as received.
//! let body = br#"{"event":"meeting.started","event_ts":1800000000123,"payload":{"account_id":"a","object":{"id":"85746065432","uuid":"4444AAAiAAAAAiAiAiiAii==","host_id":"h","topic":"Coaching","type":2,"start_time":"2027-01-15T10:00:00Z","duration":60}}}"#;
//! # let signature = {
//! #     use hmac::{Hmac, KeyInit as _, Mac as _};
//! #     let mut mac = Hmac::<sha2::Sha256>::new_from_slice(b"zoom-secret-token").unwrap();
//! #     mac.update(b"v0:1800000000:");
//! #     mac.update(body);
//! #     format!("v0={}", hex::encode(mac.finalize().into_bytes()))
//! # };
//! let headers = [
//!     ("x-zm-request-timestamp", "1800000000"),
//!     ("x-zm-signature", signature.as_str()), // "v0=<64 hex digits>"
//! ];
//! let now = UNIX_EPOCH + Duration::from_secs(1_800_000_030); // SystemTime::now() in real life
//!
//! let delivery = verifier.verify(&headers[..], body, now)?;
//! assert_eq!(delivery.event, "meeting.started");
//! assert_eq!(delivery.dedupe_key, "zoom:meeting.started:4444AAAiAAAAAiAiAiiAii==:1800000000123");
//! assert!(delivery.url_validation.is_none()); // else answer 200 with `.to_json()`
//!
//! // Store (dedupe_key, body) in the inbox, answer 2xx; parse later.
//! let event = delivery.parse(body)?;
//! # let _ = event;
//!
//! // A changed byte, an old timestamp or a missing header is a typed error
//! // with a stable reason and a status for the answer.
//! let err = verifier.verify(&headers[..], b"{}", now).unwrap_err();
//! assert_eq!((err.reason(), err.status()), ("bad_signature", 401));
//! let err = verifier.verify(&headers[..], body, now + Duration::from_secs(600)).unwrap_err();
//! assert_eq!(err.reason(), "stale_timestamp");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Errors
//!
//! | [`VerifyError`] | `reason()` | `status()` |
//! |---|---|---|
//! | `MissingHeader { header }` | `missing_header` | 401 |
//! | `MalformedHeader { header, problem }` (bad format, wrong length, sent twice) | `malformed_header` | 401 |
//! | `Stale { age_secs, tolerance_secs }` | `stale_timestamp` | 401 |
//! | `FromTheFuture { ahead_secs, tolerance_secs }` | `future_timestamp` | 401 |
//! | `BadSignature` | `bad_signature` | 401 |
//! | `BodyTooLarge { limit }` | `body_too_large` | 413 |
//! | `UnsignedRefused` (Cal.com's `no-secret-provided`) | `unsigned_refused` | 401 |
//! | `SignatureNotExpected` (signed, but the receiver opted out) | `signature_not_expected` | 401 |
//! | `MalformedBody { provider, problem }` (verified, but not an envelope) | `malformed_body` | 400 |
//!
//! No error carries a secret, a signature, a header value or a byte of the
//! body, so `Display` and `Debug` are safe to log; [`Secrets`] and the
//! verifiers print `***` for each secret.
//!
//! Cal.com sends the literal `no-secret-provided` when its webhook has no
//! secret. That is refused unless the receiver is built with
//! [`CalcomVerifier::without_signatures`], which then accepts unsigned
//! deliveries only (a signed one means there is a secret to configure).
//!
//! # Dedupe keys
//!
//! None of the three sends a delivery id, so [`Verified::dedupe_key`] is
//! derived from the verified body. Store deliveries under it with a unique
//! constraint: a provider's retry is then a no-op. The bridge behind the
//! inbox is level-triggered, so a duplicate that slips through is harmless;
//! a key that merged two *different* deliveries would lose one, so every
//! derivation below errs towards keeping both.
//!
//! - **Zoom** `zoom:{event}:{object id}:{event_ts}` for the events zoomkit
//!   types (`meeting.started/ended/deleted`, `recording.completed`,
//!   `session.started/ended`, `session.recording_completed`), which happen
//!   once per meeting instance or session: the object id is
//!   `payload.object.uuid` (a meeting instance), else `session_id` (a Video
//!   SDK session), else `id`; `event_ts` is the event's time in ms, which a
//!   retry repeats while `x-zm-request-timestamp` may change. Every other
//!   event, or one lacking those fields, uses `zoom:{event}:sha256:{hex of
//!   the body}`, because for example two participants can join one meeting
//!   in the same millisecond. `endpoint.url_validation` is a handshake:
//!   answer it and do not store it.
//! - **Calendly** `calendly:{event}:{payload.uri}:{created_at}`: the event
//!   name, the invitee's URI and the top-level `created_at` of the webhook
//!   event, which a retry repeats; a reschedule's `invitee.canceled` and `invitee.created` differ in event
//!   and invitee. Without those fields: `calendly:{event}:sha256:{hex}`.
//! - **Cal.com** `calcom:{triggerEvent}:{payload.uid}:sha256:{hex of the
//!   body}`. Cal.com has neither an id nor a signed timestamp, and no
//!   payload field identifies a delivery: `createdAt` is stamped per send,
//!   and `(triggerEvent, uid)` is not unique (each seat of a seated event is
//!   its own `BOOKING_CREATED` on the same `uid`). So the body's hash is
//!   the key: an identical re-send (or a replay, since nothing is signed
//!   with a time) is a duplicate, anything different is kept. The trigger
//!   and uid are in the key to make it readable.
//!
//! # Typed payloads
//!
//! Nothing is parsed before it verifies: [`Verified::parse`] (or, for a
//! body read back from the inbox, [`Event::parse_verified`]) turns the
//! bytes into an [`Event`]:
//!
//! - [`zoom::ZoomEvent`]: `meeting.started`, `meeting.ended`,
//!   `meeting.deleted`, `recording.completed` (with `download_token`), and
//!   the Video SDK's `session.started`, `session.ended`,
//!   `session.recording_completed`. Field names are checked against Zoom's
//!   webhook schemas by `tests/webhook_zoom_schema.rs`.
//! - [`calendly::CalendlyEvent`]: `invitee.created` and `invitee.canceled`,
//!   with `rescheduled`, `old_invitee` / `new_invitee`, `cancellation` and
//!   the embedded `scheduled_event` (required: the bridge needs its times).
//!   A reschedule is a cancel (with `new_invitee`) plus a create (with
//!   `old_invitee`), in either order.
//! - [`calcom::CalcomEvent`]: `BOOKING_CREATED`, `BOOKING_RESCHEDULED`
//!   (new `uid`, the original in `rescheduleUid`, required there),
//!   `BOOKING_CANCELLED`, `BOOKING_REQUESTED`, `BOOKING_REJECTED`,
//!   `MEETING_ENDED`.
//!
//! Any other event is kept whole as `Unknown { event, raw }`, never
//! dropped. A required field that is missing or of the wrong type is a
//! [`PayloadError`] naming the event and the field's path
//! (`payload.object.uuid`), never its value. E-mail addresses, names,
//! phone numbers, passcodes and download tokens are [`Redacted`]: `Debug`
//! prints `<redacted>`, `expose()` gives the value.
//!
//! # Fuzzing
//!
//! `crates/server/fuzz` (outside the workspace) has a `cargo fuzz` target,
//! `webhook_headers`, that feeds arbitrary header values and bodies to all
//! three verifiers and the payload parser. See `crates/server/fuzz/README.md`.

pub mod calcom;
pub mod calendly;
mod error;
mod headers;
mod redacted;
mod sig;
pub mod zoom;

use std::fmt;
use std::time::{Duration, SystemTime};

use crate::token::Secret;

pub use calcom::{CalcomVerifier, CALCOM_SIGNATURE, CALCOM_UNSIGNED};
pub use calendly::{CalendlyVerifier, CALENDLY_SIGNATURE};
pub use error::{PayloadError, PayloadProblem, SecretsError, VerifyError};
pub use headers::HeaderSource;
pub use redacted::Redacted;
pub use zoom::{ZoomVerifier, ZOOM_SIGNATURE, ZOOM_TIMESTAMP};

/// The replay window used unless a verifier is told otherwise: a signed
/// timestamp may be at most this far before or after `now`.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(300);

/// The largest body verified unless a verifier is told otherwise (1 MiB).
/// Real deliveries of the events zoomkit handles are a few KiB.
pub const DEFAULT_MAX_BODY_BYTES: usize = 1024 * 1024;

/// Who sent a delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Provider {
    /// Zoom (Meetings and Video SDK webhooks).
    Zoom,
    /// Calendly (API v2 webhook subscriptions).
    Calendly,
    /// Cal.com.
    Calcom,
}

impl Provider {
    /// `"zoom"`, `"calendly"` or `"calcom"`: stable, for storage and routes.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Zoom => "zoom",
            Self::Calendly => "calendly",
            Self::Calcom => "calcom",
        }
    }

    /// The inverse of [`Provider::as_str`].
    #[must_use]
    pub fn from_str_opt(name: &str) -> Option<Self> {
        match name {
            "zoom" => Some(Self::Zoom),
            "calendly" => Some(Self::Calendly),
            "calcom" => Some(Self::Calcom),
            _ => None,
        }
    }
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One or more webhook secrets, all accepted at once, so a secret can be
/// rotated without a window in which deliveries fail: add the new one,
/// switch the provider over, then remove the old one.
///
/// `Debug` prints `Secrets([***, ***])`.
#[derive(Clone)]
pub struct Secrets(Vec<Secret>);

impl Secrets {
    /// Parses a comma-separated list (`ZOOM_WEBHOOK_SECRET=new,old`).
    /// Spaces around entries are trimmed; an empty entry is an error rather
    /// than silently skipped, since `a,,b` is usually a typo.
    pub fn parse(list: &str) -> Result<Self, SecretsError> {
        if list.trim().is_empty() {
            return Err(SecretsError::Empty);
        }
        list.split(',')
            .enumerate()
            .map(|(i, entry)| {
                Secret::new(entry.trim()).map_err(|_| SecretsError::EmptyEntry { position: i + 1 })
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Self)
    }

    /// The given secrets, in order (the first is tried first).
    pub fn new(secrets: impl IntoIterator<Item = Secret>) -> Result<Self, SecretsError> {
        let secrets: Vec<_> = secrets.into_iter().collect();
        if secrets.is_empty() {
            return Err(SecretsError::Empty);
        }
        Ok(Self(secrets))
    }

    /// How many secrets there are (at least one).
    #[must_use]
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Always `false`: a `Secrets` holds at least one secret.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = &Secret> {
        self.0.iter()
    }

    pub(crate) fn get(&self, index: usize) -> Option<&Secret> {
        self.0.get(index)
    }
}

impl From<Secret> for Secrets {
    fn from(secret: Secret) -> Self {
        Self(vec![secret])
    }
}

impl fmt::Debug for Secrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Secrets").field(&self.0).finish()
    }
}

/// A delivery whose signature verified (or, for a Cal.com receiver that
/// opted out of signatures, that was accepted unsigned).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Verified {
    /// Who sent it.
    pub provider: Provider,
    /// The event type name: Zoom's `event`, Calendly's `event`, Cal.com's
    /// `triggerEvent` (e.g. `meeting.started`, `invitee.created`,
    /// `BOOKING_CREATED`).
    pub event: String,
    /// A key equal for every delivery of the same event and different for
    /// different events; store deliveries under it to drop duplicates. How it
    /// is derived for each provider is in the module documentation.
    pub dedupe_key: String,
    /// The signed timestamp (Zoom, Calendly); `None` for Cal.com.
    pub signed_at: Option<SystemTime>,
    /// Which of the configured secrets verified it (0-based), `None` when
    /// unsigned. Watch it during a rotation: when nothing uses the old
    /// secret any more, remove it.
    pub secret_index: Option<usize>,
    /// For Zoom's `endpoint.url_validation`: the JSON to answer with (200).
    /// Such a delivery is a handshake, not an event: do not store it.
    pub url_validation: Option<UrlValidation>,
}

impl Verified {
    /// Parses the typed payload of this delivery. `body` must be the bytes
    /// that were verified.
    pub fn parse(&self, body: &[u8]) -> Result<Event, PayloadError> {
        Event::parse_verified(self.provider, body)
    }
}

/// Zoom's URL validation answer: `{"plainToken": .., "encryptedToken": ..}`,
/// where `encryptedToken` is the hex HMAC-SHA256 of `plainToken` under the
/// secret that verified the request.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UrlValidation {
    /// The token Zoom sent, echoed.
    pub plain_token: String,
    /// `hex(HMAC-SHA256(secret, plainToken))`.
    pub encrypted_token: String,
}

impl UrlValidation {
    /// The JSON body to answer with.
    #[must_use]
    pub fn to_json(&self) -> String {
        // Two strings: serialisation cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// What every verifier does; lets a receiver hold any of them.
pub trait WebhookVerifier: Send + Sync {
    /// Which provider this verifier is for.
    fn provider(&self) -> Provider;

    /// The body size limit; a receiver should stop reading past it and
    /// answer [`VerifyError::BodyTooLarge`] (413).
    fn max_body_bytes(&self) -> usize;

    /// Verifies one delivery: `body` is the exact bytes received, `now` the
    /// receiver's clock (the verifier never reads a clock).
    fn verify(
        &self,
        headers: &dyn HeaderSource,
        body: &[u8],
        now: SystemTime,
    ) -> Result<Verified, VerifyError>;
}

/// A typed event of any provider.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Event {
    /// From Zoom.
    Zoom(Box<zoom::ZoomEvent>),
    /// From Calendly.
    Calendly(Box<calendly::CalendlyEvent>),
    /// From Cal.com.
    Calcom(Box<calcom::CalcomEvent>),
}

impl Event {
    /// Parses a body that was verified earlier, e.g. one read back from the
    /// inbox. Never call this on bytes that did not pass a verifier.
    pub fn parse_verified(provider: Provider, body: &[u8]) -> Result<Self, PayloadError> {
        match provider {
            Provider::Zoom => {
                zoom::ZoomEvent::parse_verified(body).map(|e| Self::Zoom(Box::new(e)))
            }
            Provider::Calendly => {
                calendly::CalendlyEvent::parse_verified(body).map(|e| Self::Calendly(Box::new(e)))
            }
            Provider::Calcom => {
                calcom::CalcomEvent::parse_verified(body).map(|e| Self::Calcom(Box::new(e)))
            }
        }
    }
}

/// Deserialises a verified body into `T`, turning serde's error into a
/// [`PayloadError`] that names the path and never quotes a value.
pub(crate) fn parse_body<T: serde::de::DeserializeOwned>(
    provider: Provider,
    event: &str,
    body: &[u8],
) -> Result<T, PayloadError> {
    let fail = |path: String, inner: serde_json::Error| {
        let problem = match inner.classify() {
            serde_json::error::Category::Data => {
                // serde's wording for a missing field is fixed by
                // `serde::de::Error::missing_field`: "missing field `name`".
                // Every other data error may quote the value, so only the
                // category is kept.
                let message = inner.to_string();
                message
                    .strip_prefix("missing field `")
                    .and_then(|rest| rest.split_once('`'))
                    .map_or(PayloadProblem::InvalidValue, |(name, _)| {
                        PayloadProblem::MissingField(name.to_owned())
                    })
            }
            _ => PayloadProblem::NotJson,
        };
        PayloadError {
            provider: provider.as_str(),
            event: event.to_owned(),
            path,
            problem,
        }
    };
    let mut de = serde_json::Deserializer::from_slice(body);
    let value = serde_path_to_error::deserialize(&mut de)
        .map_err(|err| fail(err.path().to_string(), err.into_inner()))?;
    de.end().map_err(|err| fail(".".to_owned(), err))?;
    Ok(value)
}

/// The body as a raw JSON value, for events kept unparsed.
pub(crate) fn parse_raw(
    provider: Provider,
    event: &str,
    body: &[u8],
) -> Result<serde_json::Value, PayloadError> {
    parse_body(provider, event, body)
}

/// The lower-case hex SHA-256 of `body`: the dedupe key of last resort.
pub(crate) fn body_digest(body: &[u8]) -> String {
    use sha2::Digest as _;
    hex::encode(sha2::Sha256::digest(body))
}
