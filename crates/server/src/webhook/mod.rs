//! Verified webhooks from Zoom, Calendly and Cal.com: raw bytes in, a
//! [`Verified`] delivery (or a typed [`VerifyError`]) out. No web framework.
//!
//! (Full module documentation follows with the implementation.)

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
