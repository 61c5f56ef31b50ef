//! Cal.com: the verifier and the typed booking events.
//!
//! Field names follow Cal.com's webhook payloads (`triggerEvent`,
//! `createdAt`, `payload` with camelCase booking fields).

use std::time::SystemTime;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::sig::{check_size, decode_tag, find_secret, single_header, trim_ows};
use super::{
    body_digest, parse_body, parse_raw, HeaderSource, PayloadError, PayloadProblem, Provider,
    Redacted, Secrets, Verified, VerifyError, WebhookVerifier, DEFAULT_MAX_BODY_BYTES,
};

/// `X-Cal-Signature-256: <64 hex digits>`, the HMAC of the raw body.
pub const CALCOM_SIGNATURE: &str = "X-Cal-Signature-256";
/// What Cal.com sends in [`CALCOM_SIGNATURE`] when the webhook has no secret.
pub const CALCOM_UNSIGNED: &str = "no-secret-provided";

/// Verifies Cal.com deliveries: `X-Cal-Signature-256` must be hex
/// HMAC-SHA256(secret, raw body) for one of the secrets.
///
/// Cal.com signs no timestamp, so there is no replay window: a captured
/// delivery can be replayed, and the inbox's dedupe key (the body's hash)
/// is what makes a replay harmless.
#[derive(Debug, Clone)]
pub struct CalcomVerifier {
    secrets: Option<Secrets>,
    body_limit: usize,
}

impl CalcomVerifier {
    /// A verifier accepting any of `secrets`, with the default body limit
    /// ([`DEFAULT_MAX_BODY_BYTES`]). Unsigned deliveries
    /// (`no-secret-provided`) are refused.
    #[must_use]
    pub fn new(secrets: impl Into<Secrets>) -> Self {
        Self {
            secrets: Some(secrets.into()),
            body_limit: DEFAULT_MAX_BODY_BYTES,
        }
    }

    /// **Insecure**: accepts deliveries without a signature (no header, or
    /// `no-secret-provided`), so anyone who knows the URL can post bookings.
    /// Only for a webhook that cannot have a secret. A delivery that *is*
    /// signed is refused ([`VerifyError::SignatureNotExpected`]): it means
    /// the webhook has a secret this receiver should be given.
    #[must_use]
    pub fn without_signatures() -> Self {
        Self {
            secrets: None,
            body_limit: DEFAULT_MAX_BODY_BYTES,
        }
    }

    /// The largest body accepted, in bytes.
    #[must_use]
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.body_limit = bytes;
        self
    }

    /// Verifies one delivery (see [`WebhookVerifier::verify`]). `now` is
    /// unused (Cal.com signs no timestamp) and taken for a uniform API.
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
        _now: SystemTime,
    ) -> Result<Verified, VerifyError> {
        check_size(body, self.body_limit)?;
        let secret_index = match &self.secrets {
            Some(secrets) => {
                let value = trim_ows(single_header(headers, CALCOM_SIGNATURE)?);
                if value == CALCOM_UNSIGNED.as_bytes() {
                    return Err(VerifyError::UnsignedRefused);
                }
                let tag = decode_tag(value).ok_or(VerifyError::MalformedHeader {
                    header: CALCOM_SIGNATURE,
                    problem: "expected exactly 64 hex digits",
                })?;
                Some(find_secret(secrets, &[body], &[tag]).ok_or(VerifyError::BadSignature)?)
            }
            None => {
                match headers.header(CALCOM_SIGNATURE).map(trim_ows) {
                    None => {}
                    Some(v) if v == CALCOM_UNSIGNED.as_bytes() => {}
                    Some(_) => return Err(VerifyError::SignatureNotExpected),
                }
                None
            }
        };

        let value: Value =
            serde_json::from_slice(body).map_err(|_| malformed("the body is not JSON"))?;
        let event = value
            .get("triggerEvent")
            .and_then(Value::as_str)
            .ok_or(malformed(
                "no `triggerEvent` string at the top level (a payloadTemplate changes the shape: remove it)",
            ))?
            .to_owned();
        let uid = value
            .pointer("/payload/uid")
            .and_then(Value::as_str)
            .unwrap_or("-");
        let dedupe_key = format!("calcom:{event}:{uid}:sha256:{}", body_digest(body));
        Ok(Verified {
            provider: Provider::Calcom,
            event,
            dedupe_key,
            signed_at: None,
            secret_index,
            url_validation: None,
        })
    }
}

impl WebhookVerifier for CalcomVerifier {
    fn provider(&self) -> Provider {
        Provider::Calcom
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
        provider: "calcom",
        problem,
    }
}

/// The envelope of every Cal.com webhook: `{triggerEvent, createdAt, payload}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Delivery<P> {
    /// `BOOKING_CREATED`, ...
    pub trigger_event: String,
    /// When Cal.com built this delivery (RFC 3339).
    pub created_at: String,
    /// The booking.
    pub payload: P,
}

/// A person on a booking: the organizer or an attendee.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Person {
    /// E-mail address.
    pub email: Redacted<String>,
    /// Name.
    pub name: Redacted<String>,
    /// IANA time zone.
    pub time_zone: Option<String>,
}

/// `payload.metadata`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct BookingMetadata {
    /// The conferencing link Cal.com created, when it did.
    pub video_call_url: Option<String>,
}

/// The booking in `BOOKING_*` payloads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Booking {
    /// The numeric booking id.
    pub booking_id: Option<i64>,
    /// The booking's uid; a reschedule makes a new one.
    pub uid: String,
    /// The title.
    pub title: String,
    /// The event type's slug.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// The event type's id.
    pub event_type_id: Option<i64>,
    /// Start (RFC 3339).
    pub start_time: String,
    /// End (RFC 3339).
    pub end_time: String,
    /// The organizer.
    pub organizer: Person,
    /// The attendees.
    #[serde(default)]
    pub attendees: Vec<Person>,
    /// The location (a URL, an address or an integration name).
    pub location: Option<Redacted<String>>,
    /// `ACCEPTED`, `PENDING`, `CANCELLED`, `REJECTED`.
    pub status: Option<String>,
    /// Metadata, with the video call URL.
    #[serde(default)]
    pub metadata: Option<BookingMetadata>,
    /// On `BOOKING_RESCHEDULED`: the uid of the booking this one replaces.
    pub reschedule_uid: Option<String>,
    /// On `BOOKING_RESCHEDULED`: the original start.
    pub reschedule_start_time: Option<String>,
    /// On `BOOKING_RESCHEDULED`: the original end.
    pub reschedule_end_time: Option<String>,
    /// On `BOOKING_CANCELLED`: the reason given (free text).
    pub cancellation_reason: Option<Redacted<String>>,
    /// On `BOOKING_CANCELLED`: who cancelled (an e-mail address).
    pub cancelled_by: Option<Redacted<String>>,
}

/// The payload of `MEETING_ENDED`: the booking whose meeting ended. Only
/// `uid` is required; Cal.com's shape for this trigger is less settled than
/// for the `BOOKING_*` ones (it names the id `bookingId` or `id`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct EndedMeeting {
    /// The numeric booking id.
    #[serde(alias = "id")]
    pub booking_id: Option<i64>,
    /// The booking's uid.
    pub uid: String,
    /// Start (RFC 3339).
    pub start_time: Option<String>,
    /// End (RFC 3339).
    pub end_time: Option<String>,
}

/// A typed Cal.com event; others are kept whole in [`CalcomEvent::Unknown`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum CalcomEvent {
    /// `BOOKING_CREATED`.
    BookingCreated(Delivery<Booking>),
    /// `BOOKING_RESCHEDULED`: `uid` is the new booking, `reschedule_uid`
    /// (always present here) the original.
    BookingRescheduled(Delivery<Booking>),
    /// `BOOKING_CANCELLED`.
    BookingCancelled(Delivery<Booking>),
    /// `BOOKING_REQUESTED` (the event type needs confirmation).
    BookingRequested(Delivery<Booking>),
    /// `BOOKING_REJECTED`.
    BookingRejected(Delivery<Booking>),
    /// `MEETING_ENDED`.
    MeetingEnded(Delivery<EndedMeeting>),
    /// Any other trigger (`PING`, `BOOKING_PAID`, ...), as received.
    Unknown {
        /// The trigger name.
        event: String,
        /// The whole body (redacted in `Debug`: it holds e-mails).
        raw: Redacted<Value>,
    },
}

impl CalcomEvent {
    /// The trigger name.
    #[must_use]
    pub fn name(&self) -> &str {
        match self {
            Self::BookingCreated(d)
            | Self::BookingRescheduled(d)
            | Self::BookingCancelled(d)
            | Self::BookingRequested(d)
            | Self::BookingRejected(d) => &d.trigger_event,
            Self::MeetingEnded(d) => &d.trigger_event,
            Self::Unknown { event, .. } => event,
        }
    }

    /// Parses a body that passed [`CalcomVerifier`].
    pub fn parse_verified(body: &[u8]) -> Result<Self, PayloadError> {
        #[derive(Deserialize)]
        struct Head {
            #[serde(rename = "triggerEvent")]
            trigger_event: String,
        }
        let p = Provider::Calcom;
        let head: Head = parse_body(p, "", body)?;
        let event = head.trigger_event.as_str();
        Ok(match event {
            "BOOKING_CREATED" => Self::BookingCreated(parse_body(p, event, body)?),
            "BOOKING_RESCHEDULED" => {
                let delivery: Delivery<Booking> = parse_body(p, event, body)?;
                if delivery.payload.reschedule_uid.is_none() {
                    return Err(PayloadError {
                        provider: p.as_str(),
                        event: head.trigger_event,
                        path: "payload".to_owned(),
                        problem: PayloadProblem::MissingField("rescheduleUid".to_owned()),
                    });
                }
                Self::BookingRescheduled(delivery)
            }
            "BOOKING_CANCELLED" => Self::BookingCancelled(parse_body(p, event, body)?),
            "BOOKING_REQUESTED" => Self::BookingRequested(parse_body(p, event, body)?),
            "BOOKING_REJECTED" => Self::BookingRejected(parse_body(p, event, body)?),
            "MEETING_ENDED" => Self::MeetingEnded(parse_body(p, event, body)?),
            _ => Self::Unknown {
                raw: Redacted::new(parse_raw(p, event, body)?),
                event: head.trigger_event,
            },
        })
    }
}
