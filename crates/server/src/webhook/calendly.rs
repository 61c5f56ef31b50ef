//! Calendly: the verifier and the typed invitee events.
//!
//! Field names follow Calendly's API v2 (`Invitee`, `Event`,
//! `WebhookPayload`) and its webhook documentation for the embedded
//! `scheduled_event`, which the 2024 OpenAPI document lacks.

use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::sig::{
    check_size, check_window, decode_tag, find_secret, parse_unix_secs, single_header, trim_ows,
    TAG_LEN,
};
use super::{
    body_digest, parse_body, parse_raw, HeaderSource, PayloadError, Provider, Redacted, Secrets,
    Verified, VerifyError, WebhookVerifier, DEFAULT_MAX_BODY_BYTES, DEFAULT_TOLERANCE,
};

/// `Calendly-Webhook-Signature: t=<unix seconds>,v1=<64 hex digits>`.
pub const CALENDLY_SIGNATURE: &str = "Calendly-Webhook-Signature";

/// Verifies Calendly deliveries: a `v1` of `Calendly-Webhook-Signature`
/// must be hex HMAC-SHA256(signing key, `{t}.{raw body}`) for one of the
/// keys, and `t` inside the replay window.
///
/// The key is the subscription's `signing_key` (given when the subscription
/// is created).
#[derive(Debug, Clone)]
pub struct CalendlyVerifier {
    secrets: Secrets,
    tolerance: Duration,
    body_limit: usize,
}

/// The parsed header: the timestamp digits as sent, and every `v1` tag.
struct SignatureHeader<'h> {
    t: &'h [u8],
    timestamp: u64,
    tags: Vec<[u8; TAG_LEN]>,
}

const fn bad_header(problem: &'static str) -> VerifyError {
    VerifyError::MalformedHeader {
        header: CALENDLY_SIGNATURE,
        problem,
    }
}

/// Parses `t=<digits>,v1=<hex>[,v1=<hex>...]`. Spaces around items are
/// allowed; items with other keys are ignored (room for future schemes);
/// `t` must occur once and `v1` at least once; every `v1` must be 64 hex
/// digits.
fn parse_header(value: &[u8]) -> Result<SignatureHeader<'_>, VerifyError> {
    let mut t = None;
    let mut tags = Vec::new();
    for item in value.split(|b| *b == b',') {
        let item = trim_ows(item);
        let Some(eq) = item.iter().position(|b| *b == b'=') else {
            return Err(bad_header("expected `t=<unix>,v1=<hex>`"));
        };
        let (key, rest) = (&item[..eq], &item[eq + 1..]);
        match key {
            b"t" if t.is_some() => return Err(bad_header("`t=` occurs more than once")),
            b"t" => t = Some(rest),
            b"v1" => tags.push(
                decode_tag(rest).ok_or(bad_header("expected exactly 64 hex digits after `v1=`"))?,
            ),
            _ => {}
        }
        if tags.len() > 8 {
            return Err(bad_header("more than 8 `v1=` signatures"));
        }
    }
    let t = t.ok_or(bad_header("no `t=` timestamp"))?;
    let timestamp = parse_unix_secs(t).ok_or(bad_header(
        "`t=` is not a unix time in seconds (digits only)",
    ))?;
    if tags.is_empty() {
        return Err(bad_header("no `v1=` signature"));
    }
    Ok(SignatureHeader { t, timestamp, tags })
}

impl CalendlyVerifier {
    /// A verifier accepting any of `secrets`, with the default window
    /// ([`DEFAULT_TOLERANCE`]) and body limit ([`DEFAULT_MAX_BODY_BYTES`]).
    #[must_use]
    pub fn new(secrets: impl Into<Secrets>) -> Self {
        Self {
            secrets: secrets.into(),
            tolerance: DEFAULT_TOLERANCE,
            body_limit: DEFAULT_MAX_BODY_BYTES,
        }
    }

    /// How far `t` may lie from `now`, either way.
    #[must_use]
    pub fn tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// The largest body accepted, in bytes.
    #[must_use]
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.body_limit = bytes;
        self
    }

    /// Verifies one delivery (see [`WebhookVerifier::verify`]).
    pub fn verify<H: HeaderSource + ?Sized>(
        &self,
        headers: &H,
        body: &[u8],
        now: SystemTime,
    ) -> Result<Verified, VerifyError> {
        self.verify_dyn(&headers, body, now)
    }

    fn verify_dyn(
        &self,
        headers: &dyn HeaderSource,
        body: &[u8],
        now: SystemTime,
    ) -> Result<Verified, VerifyError> {
        check_size(body, self.body_limit)?;
        let header = parse_header(trim_ows(single_header(headers, CALENDLY_SIGNATURE)?))?;
        let index = find_secret(&self.secrets, &[header.t, b".", body], &header.tags)
            .ok_or(VerifyError::BadSignature)?;
        let signed_at = check_window(header.timestamp, now, self.tolerance)?;

        let value: Value =
            serde_json::from_slice(body).map_err(|_| malformed("the body is not JSON"))?;
        let event = value
            .get("event")
            .and_then(Value::as_str)
            .ok_or(malformed("no `event` string at the top level"))?
            .to_owned();
        let uri = value.pointer("/payload/uri").and_then(Value::as_str);
        let created_at = value.get("created_at").and_then(Value::as_str);
        let dedupe_key = match (uri, created_at) {
            (Some(uri), Some(at)) => format!("calendly:{event}:{uri}:{at}"),
            _ => format!("calendly:{event}:sha256:{}", body_digest(body)),
        };
        Ok(Verified {
            provider: Provider::Calendly,
            event,
            dedupe_key,
            signed_at: Some(signed_at),
            secret_index: Some(index),
            url_validation: None,
        })
    }
}

impl WebhookVerifier for CalendlyVerifier {
    fn provider(&self) -> Provider {
        Provider::Calendly
    }

    fn max_body_bytes(&self) -> usize {
        self.body_limit
    }

    fn verify(
        &self,
        headers: &dyn HeaderSource,
        body: &[u8],
        now: SystemTime,
    ) -> Result<Verified, VerifyError> {
        self.verify_dyn(headers, body, now)
    }
}

const fn malformed(problem: &'static str) -> VerifyError {
    VerifyError::MalformedBody {
        provider: "calendly",
        problem,
    }
}

/// The envelope of every Calendly webhook:
/// `{event, created_at, created_by, payload}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Delivery<P> {
    /// `invitee.created`, `invitee.canceled`, ...
    pub event: String,
    /// When the event was created (RFC 3339); part of the dedupe key.
    pub created_at: String,
    /// The user (URI) whose subscription produced it.
    pub created_by: Option<String>,
    /// The invitee.
    pub payload: P,
}

/// `payload` of `invitee.created` / `invitee.canceled`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Invitee {
    /// The invitee's URI (`.../scheduled_events/{uuid}/invitees/{uuid}`).
    pub uri: String,
    /// The invitee's e-mail address.
    pub email: Redacted<String>,
    /// The invitee's name.
    pub name: Redacted<String>,
    /// `active` or `canceled`.
    pub status: String,
    /// The invitee's time zone.
    pub timezone: Option<String>,
    /// The scheduled event's URI.
    pub event: String,
    /// When the invitee was created (RFC 3339).
    pub created_at: String,
    /// When it last changed (RFC 3339).
    pub updated_at: Option<String>,
    /// The invitee's cancel link.
    pub cancel_url: Option<String>,
    /// The invitee's reschedule link.
    pub reschedule_url: Option<String>,
    /// On `invitee.canceled`: whether this cancellation is half of a
    /// reschedule (then `new_invitee` names the replacement).
    #[serde(default)]
    pub rescheduled: bool,
    /// On `invitee.created` after a reschedule: the invitee it replaces.
    pub old_invitee: Option<String>,
    /// On `invitee.canceled` with `rescheduled`: the replacement invitee.
    pub new_invitee: Option<String>,
    /// On `invitee.canceled`: who cancelled and why.
    pub cancellation: Option<Cancellation>,
    /// The SMS reminder number, when the invitee gave one.
    pub text_reminder_number: Option<Redacted<String>>,
    /// The scheduled event, embedded.
    pub scheduled_event: ScheduledEvent,
}

/// Who cancelled and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Cancellation {
    /// The canceller's name.
    pub canceled_by: Redacted<String>,
    /// The reason they gave (free text).
    pub reason: Option<Redacted<String>>,
    /// `host` or `invitee`.
    pub canceler_type: String,
    /// When (RFC 3339), when given.
    pub created_at: Option<String>,
}

/// The scheduled event a webhook embeds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ScheduledEvent {
    /// The event's URI.
    pub uri: String,
    /// The event type's name.
    pub name: Option<String>,
    /// `active` or `canceled`.
    pub status: String,
    /// Start (RFC 3339).
    pub start_time: String,
    /// End (RFC 3339).
    pub end_time: String,
    /// The event type's URI.
    pub event_type: Option<String>,
    /// Where it takes place.
    pub location: Option<Location>,
    /// The hosts.
    #[serde(default)]
    pub event_memberships: Vec<EventMembership>,
    /// When the event was created (RFC 3339).
    pub created_at: Option<String>,
    /// When it last changed (RFC 3339).
    pub updated_at: Option<String>,
}

/// A scheduled event's location.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Location {
    /// `zoom`, `google_conference`, `physical`, `outbound_call`, `custom`, ...
    #[serde(rename = "type")]
    pub kind: String,
    /// The free-form location (an address or phone number).
    pub location: Option<Redacted<String>>,
    /// The conference link, for conferencing locations.
    pub join_url: Option<String>,
    /// The conference's status (`pushed`, `failed`, ...), when given.
    pub status: Option<String>,
}

/// A host of a scheduled event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct EventMembership {
    /// The host's user URI.
    pub user: String,
    /// The host's e-mail address.
    pub user_email: Option<Redacted<String>>,
    /// The host's name.
    pub user_name: Option<Redacted<String>>,
}

/// A typed Calendly event; others are kept whole in
/// [`CalendlyEvent::Unknown`].
///
/// A reschedule arrives as two deliveries in no guaranteed order:
/// `invitee.canceled` with `rescheduled: true` and `new_invitee`, and
/// `invitee.created` with `old_invitee`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum CalendlyEvent {
    /// `invitee.created`.
    InviteeCreated(Delivery<Invitee>),
    /// `invitee.canceled`.
    InviteeCanceled(Delivery<Invitee>),
    /// Any other event, as received.
    Unknown {
        /// The event name.
        event: String,
        /// The whole body (redacted in `Debug`: it holds e-mails).
        raw: Redacted<Value>,
    },
}

impl CalendlyEvent {
    /// The event name.
    #[must_use]
    pub fn name(&self) -> &str {
        match self {
            Self::InviteeCreated(d) | Self::InviteeCanceled(d) => &d.event,
            Self::Unknown { event, .. } => event,
        }
    }

    /// Parses a body that passed [`CalendlyVerifier`].
    pub fn parse_verified(body: &[u8]) -> Result<Self, PayloadError> {
        #[derive(Deserialize)]
        struct Head {
            event: String,
        }
        let p = Provider::Calendly;
        let head: Head = parse_body(p, "", body)?;
        let event = head.event.as_str();
        Ok(match event {
            "invitee.created" => Self::InviteeCreated(parse_body(p, event, body)?),
            "invitee.canceled" => Self::InviteeCanceled(parse_body(p, event, body)?),
            _ => Self::Unknown {
                raw: Redacted::new(parse_raw(p, event, body)?),
                event: head.event,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::parse_header;

    #[test]
    fn the_header_needs_one_t_and_a_v1() {
        let hex = "ab".repeat(32);
        let ok = format!("t=1700000000, v1={hex}");
        let parsed = parse_header(ok.as_bytes()).unwrap();
        assert_eq!((parsed.timestamp, parsed.tags.len()), (1_700_000_000, 1));
        let two = format!("t=1,v1={hex},v0=zz,v1={hex}");
        assert_eq!(parse_header(two.as_bytes()).unwrap().tags.len(), 2);
        for bad in [
            String::new(),
            "t=1".to_owned(),
            format!("v1={hex}"),
            format!("t=1,t=2,v1={hex}"),
            "t=1,v1=".to_owned(),
            format!("t=1,v1={}", &hex[..63]),
            format!("t=x,v1={hex}"),
            format!("t=1;v1={hex}"),
        ] {
            assert!(parse_header(bad.as_bytes()).is_err(), "{bad}");
        }
    }
}
