//! Zoom: the verifier and the typed events (Meetings and Video SDK).
//!
//! Field names follow Zoom's webhook schemas
//! (`crates/server/tests/specs/zoom-*-webhooks.json`); a test checks that
//! every field these types carry exists there.

use std::time::{Duration, SystemTime};

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

use super::sig::{
    self, check_size, check_window, decode_tag, find_secret, single_header, trim_ows,
};
use super::{
    body_digest, parse_body, parse_raw, HeaderSource, PayloadError, Provider, Redacted, Secrets,
    UrlValidation, Verified, VerifyError, WebhookVerifier, DEFAULT_MAX_BODY_BYTES,
    DEFAULT_TOLERANCE,
};

/// `x-zm-signature: v0=<64 hex digits>`.
pub const ZOOM_SIGNATURE: &str = "x-zm-signature";
/// `x-zm-request-timestamp: <unix seconds>`, part of the signed message.
pub const ZOOM_TIMESTAMP: &str = "x-zm-request-timestamp";
/// The handshake event Zoom sends to check the endpoint URL.
pub const URL_VALIDATION: &str = "endpoint.url_validation";

/// Verifies Zoom deliveries: `x-zm-signature` must be
/// `v0=` + hex HMAC-SHA256(secret, `v0:{x-zm-request-timestamp}:{raw body}`)
/// for one of the secrets, and the timestamp inside the replay window.
///
/// The secret is the app's *Secret Token* (Marketplace, Features, Access).
#[derive(Debug, Clone)]
pub struct ZoomVerifier {
    secrets: Secrets,
    tolerance: Duration,
    body_limit: usize,
}

impl ZoomVerifier {
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

    /// How far the signed timestamp may lie from `now`, either way. Whether a
    /// Zoom retry carries a fresh timestamp is undocumented: widen this if
    /// retries are refused as stale.
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
        let signature = trim_ows(single_header(headers, ZOOM_SIGNATURE)?);
        let hex_digits = signature
            .strip_prefix(b"v0=")
            .ok_or(VerifyError::MalformedHeader {
                header: ZOOM_SIGNATURE,
                problem: "expected `v0=` followed by the hex signature",
            })?;
        let tag = decode_tag(hex_digits).ok_or(VerifyError::MalformedHeader {
            header: ZOOM_SIGNATURE,
            problem: "expected exactly 64 hex digits after `v0=`",
        })?;
        let timestamp_digits = trim_ows(single_header(headers, ZOOM_TIMESTAMP)?);
        let timestamp =
            sig::parse_unix_secs(timestamp_digits).ok_or(VerifyError::MalformedHeader {
                header: ZOOM_TIMESTAMP,
                problem: "expected a unix time in seconds (digits only)",
            })?;
        let index = find_secret(
            &self.secrets,
            &[b"v0:", timestamp_digits, b":", body],
            &[tag],
        )
        .ok_or(VerifyError::BadSignature)?;
        let signed_at = check_window(timestamp, now, self.tolerance)?;

        let envelope = Envelope::read(body)?;
        let url_validation = if envelope.event == URL_VALIDATION {
            let plain_token = envelope
                .value
                .pointer("/payload/plainToken")
                .and_then(Value::as_str)
                .ok_or(malformed(
                    "endpoint.url_validation without payload.plainToken",
                ))?;
            let secret = self.secrets.get(index).ok_or(VerifyError::BadSignature)?;
            Some(UrlValidation {
                plain_token: plain_token.to_owned(),
                encrypted_token: sig::hex_mac(secret, plain_token.as_bytes()),
            })
        } else {
            None
        };
        Ok(Verified {
            provider: Provider::Zoom,
            dedupe_key: envelope.dedupe_key(body),
            event: envelope.event,
            signed_at: Some(signed_at),
            secret_index: Some(index),
            url_validation,
        })
    }
}

impl WebhookVerifier for ZoomVerifier {
    fn provider(&self) -> Provider {
        Provider::Zoom
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
        provider: "zoom",
        problem,
    }
}

/// The parts of a verified body the verifier needs: the event name and what
/// the dedupe key is made of.
struct Envelope {
    event: String,
    value: Value,
}

/// Events whose (event, object id, `event_ts`) identifies one occurrence:
/// each happens once per meeting instance or session.
const KEYED_BY_OBJECT: &[&str] = &[
    "meeting.started",
    "meeting.ended",
    "meeting.deleted",
    "recording.completed",
    "session.started",
    "session.ended",
    "session.recording_completed",
];

impl Envelope {
    fn read(body: &[u8]) -> Result<Self, VerifyError> {
        let value: Value =
            serde_json::from_slice(body).map_err(|_| malformed("the body is not JSON"))?;
        let event = value
            .get("event")
            .and_then(Value::as_str)
            .ok_or(malformed("no `event` string at the top level"))?
            .to_owned();
        Ok(Self { event, value })
    }

    fn dedupe_key(&self, body: &[u8]) -> String {
        let object = self.value.pointer("/payload/object");
        let id = object.and_then(|o| {
            ["uuid", "session_id", "id"]
                .iter()
                .find_map(|k| match o.get(*k) {
                    Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
                    Some(Value::Number(n)) => Some(n.to_string()),
                    _ => None,
                })
        });
        let event_ts = self.value.get("event_ts").and_then(Value::as_i64);
        match (id, event_ts) {
            (Some(id), Some(ts)) if KEYED_BY_OBJECT.contains(&self.event.as_str()) => {
                format!("zoom:{}:{id}:{ts}", self.event)
            }
            _ => format!("zoom:{}:sha256:{}", self.event, body_digest(body)),
        }
    }
}

/// A meeting id: Zoom's schemas declare it a string in some events and an
/// int64 in others, so both are accepted. Serialised as a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MeetingId(pub u64);

impl Serialize for MeetingId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u64(self.0)
    }
}

impl<'de> Deserialize<'de> for MeetingId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Either {
            Number(u64),
            Text(String),
        }
        match Either::deserialize(deserializer)? {
            Either::Number(n) => Ok(Self(n)),
            Either::Text(s) => s
                .parse()
                .map(Self)
                .map_err(|_| serde::de::Error::custom("a meeting id is made of digits")),
        }
    }
}

/// Reads a string, or a number as its decimal text. Zoom's schema declares
/// `session_id` a string (and real ones are base64), but its own example of
/// `session.recording_completed` sends a number.
fn string_or_number<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Either {
        Text(String),
        Number(serde_json::Number),
    }
    Ok(match Either::deserialize(deserializer)? {
        Either::Text(s) => s,
        Either::Number(n) => n.to_string(),
    })
}

/// The envelope every Zoom event shares: `{event, event_ts, payload}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Notification<P> {
    /// The event name, e.g. `meeting.started`.
    pub event: String,
    /// When the event happened, in milliseconds since the epoch.
    pub event_ts: Option<i64>,
    /// The event's payload.
    pub payload: P,
}

/// `payload` of most events: the account and the object the event is about.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ObjectPayload<O> {
    /// The account the object belongs to.
    pub account_id: String,
    /// The meeting, recording or session.
    pub object: O,
}

/// `payload.object` of `meeting.started`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct StartedMeeting {
    /// The meeting number.
    pub id: MeetingId,
    /// This meeting instance's UUID (each start makes a new one).
    pub uuid: String,
    /// The host's user id.
    pub host_id: String,
    /// The topic.
    pub topic: String,
    /// Meeting type (1 instant, 2 scheduled, 3/8 recurring, 4 PMI, ...).
    #[serde(rename = "type")]
    pub kind: i64,
    /// When it started (RFC 3339).
    pub start_time: String,
    /// The host's time zone, when set.
    pub timezone: Option<String>,
    /// The scheduled duration in minutes.
    pub duration: Option<i64>,
}

/// `payload.object` of `meeting.ended`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct EndedMeeting {
    /// The meeting number.
    pub id: MeetingId,
    /// This meeting instance's UUID.
    pub uuid: String,
    /// The host's user id.
    pub host_id: String,
    /// The topic.
    pub topic: String,
    /// Meeting type.
    #[serde(rename = "type")]
    pub kind: i64,
    /// When it started (RFC 3339).
    pub start_time: String,
    /// When it ended (RFC 3339).
    pub end_time: String,
    /// The host's time zone, when set.
    pub timezone: Option<String>,
    /// The scheduled duration in minutes.
    pub duration: Option<i64>,
}

/// `payload` of `meeting.deleted`, which names who deleted it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DeletedPayload {
    /// The account the meeting belonged to.
    pub account_id: String,
    /// The e-mail address of who deleted it.
    pub operator: Redacted<String>,
    /// Their user id.
    pub operator_id: Option<String>,
    /// `single` (one occurrence) or `all`, when given.
    pub operation: Option<String>,
    /// The meeting.
    pub object: DeletedMeeting,
}

/// `payload.object` of `meeting.deleted`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DeletedMeeting {
    /// The meeting's UUID.
    pub uuid: String,
    /// The meeting number.
    pub id: MeetingId,
    /// The host's user id.
    pub host_id: String,
    /// The topic, when given.
    pub topic: Option<String>,
    /// Meeting type.
    #[serde(rename = "type")]
    pub kind: i64,
    /// The scheduled start (RFC 3339), when it had one.
    pub start_time: Option<String>,
    /// The scheduled duration in minutes.
    pub duration: Option<i64>,
    /// The time zone, when set.
    pub timezone: Option<String>,
    /// The deleted occurrences of a recurring meeting.
    #[serde(default)]
    pub occurrences: Vec<Occurrence>,
}

/// One occurrence of a recurring meeting.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Occurrence {
    /// The occurrence id.
    pub occurrence_id: String,
    /// Its start (RFC 3339).
    pub start_time: String,
}

/// `recording.completed` and `session.recording_completed`: the envelope
/// plus `download_token`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RecordingNotification<O> {
    /// The event name.
    pub event: String,
    /// When the event happened, in milliseconds since the epoch.
    pub event_ts: Option<i64>,
    /// Send as `Authorization: Bearer` with each file's `download_url`;
    /// valid 24 hours. A credential: redacted in `Debug`.
    pub download_token: Redacted<String>,
    /// The account and the recording.
    pub payload: ObjectPayload<O>,
}

/// `payload.object` of `recording.completed`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MeetingRecording {
    /// The meeting number.
    pub id: MeetingId,
    /// The meeting instance's UUID.
    pub uuid: String,
    /// The host's user id.
    pub host_id: String,
    /// The host's e-mail address.
    pub host_email: Option<Redacted<String>>,
    /// The topic.
    pub topic: String,
    /// Meeting type.
    #[serde(rename = "type")]
    pub kind: i64,
    /// When the meeting started (RFC 3339).
    pub start_time: String,
    /// The time zone, when set.
    pub timezone: Option<String>,
    /// The meeting's duration in minutes.
    pub duration: Option<i64>,
    /// Total size of all files in bytes.
    pub total_size: Option<u64>,
    /// Number of files.
    pub recording_count: Option<u64>,
    /// The page to share the recording (with its passcode, a credential).
    pub share_url: Option<Redacted<String>>,
    /// The recording's passcode.
    pub password: Option<Redacted<String>>,
    /// The files.
    pub recording_files: Vec<MeetingRecordingFile>,
}

/// One file of a meeting recording.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MeetingRecordingFile {
    /// The file id (absent on some file types).
    pub id: Option<String>,
    /// The meeting instance's UUID.
    pub meeting_id: Option<String>,
    /// When this file's recording started (RFC 3339).
    pub recording_start: Option<String>,
    /// When it ended (RFC 3339).
    pub recording_end: Option<String>,
    /// `MP4`, `M4A`, `TIMELINE`, `TRANSCRIPT`, `CHAT`, `CC`, `CSV`, ...
    pub file_type: String,
    /// Size in bytes.
    pub file_size: Option<u64>,
    /// The file extension.
    pub file_extension: Option<String>,
    /// Where to play it (with the passcode, a credential).
    pub play_url: Option<Redacted<String>>,
    /// Where to download it, with `download_token`.
    pub download_url: String,
    /// `completed` when ready.
    pub status: Option<String>,
    /// `shared_screen_with_speaker_view`, `audio_only`, ...
    pub recording_type: Option<String>,
}

/// `payload.object` of `session.started`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct StartedSession {
    /// The session's id.
    pub id: String,
    /// The session's unique id.
    #[serde(deserialize_with = "string_or_number")]
    pub session_id: String,
    /// The session name (the `tpc` of the tokens).
    pub session_name: String,
    /// The `session_key` of the tokens, when one was set.
    pub session_key: Option<String>,
    /// When it started (RFC 3339).
    pub start_time: String,
}

/// `payload.object` of `session.ended`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct EndedSession {
    /// The session's id.
    pub id: String,
    /// The session's unique id.
    #[serde(deserialize_with = "string_or_number")]
    pub session_id: String,
    /// The session name.
    pub session_name: String,
    /// The `session_key` of the tokens, when one was set.
    pub session_key: Option<String>,
    /// When it started (RFC 3339).
    pub start_time: String,
    /// When it ended (RFC 3339).
    pub end_time: String,
}

/// `payload.object` of `session.recording_completed`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SessionRecording {
    /// The session's unique id.
    #[serde(deserialize_with = "string_or_number")]
    pub session_id: String,
    /// The session name.
    pub session_name: String,
    /// The session key (Zoom sends it, possibly empty).
    pub session_key: Option<String>,
    /// When the session started (RFC 3339).
    pub start_time: String,
    /// The time zone.
    pub timezone: Option<String>,
    /// The files.
    pub recording_files: Vec<SessionRecordingFile>,
}

/// One file of a Video SDK session recording.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SessionRecordingFile {
    /// The file id.
    pub id: Option<String>,
    /// When this file's recording started.
    pub recording_start: Option<String>,
    /// When it ended.
    pub recording_end: Option<String>,
    /// The file name.
    pub file_name: Option<String>,
    /// `MP4`, `M4A`, `TRANSCRIPT`, ...
    pub file_type: Option<String>,
    /// Size in bytes.
    pub file_size: Option<u64>,
    /// The file extension.
    pub file_extension: Option<String>,
    /// Where to download it, with `download_token`.
    pub download_url: Option<String>,
    /// `completed` when ready.
    pub status: Option<String>,
    /// The kind of recording.
    pub recording_type: Option<String>,
}

/// A typed Zoom event. Events zoomkit does not model are kept whole in
/// [`ZoomEvent::Unknown`], never dropped.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ZoomEvent {
    /// `endpoint.url_validation`: a handshake, answered with
    /// [`Verified::url_validation`]; carries nothing to store.
    UrlValidation,
    /// `meeting.started`.
    MeetingStarted(Notification<ObjectPayload<StartedMeeting>>),
    /// `meeting.ended`.
    MeetingEnded(Notification<ObjectPayload<EndedMeeting>>),
    /// `meeting.deleted`.
    MeetingDeleted(Notification<DeletedPayload>),
    /// `recording.completed`.
    RecordingCompleted(RecordingNotification<MeetingRecording>),
    /// Video SDK `session.started`.
    SessionStarted(Notification<ObjectPayload<StartedSession>>),
    /// Video SDK `session.ended`.
    SessionEnded(Notification<ObjectPayload<EndedSession>>),
    /// Video SDK `session.recording_completed`.
    SessionRecordingCompleted(RecordingNotification<SessionRecording>),
    /// Any other event, as received.
    Unknown {
        /// The event name.
        event: String,
        /// The whole body (redacted in `Debug`: it may hold e-mails).
        raw: Redacted<Value>,
    },
}

impl ZoomEvent {
    /// The event name (`meeting.started`, ...).
    #[must_use]
    pub fn name(&self) -> &str {
        match self {
            Self::UrlValidation => URL_VALIDATION,
            Self::MeetingStarted(n) => &n.event,
            Self::MeetingEnded(n) => &n.event,
            Self::MeetingDeleted(n) => &n.event,
            Self::RecordingCompleted(n) => &n.event,
            Self::SessionStarted(n) => &n.event,
            Self::SessionEnded(n) => &n.event,
            Self::SessionRecordingCompleted(n) => &n.event,
            Self::Unknown { event, .. } => event,
        }
    }

    /// Parses a body that passed [`ZoomVerifier`] (now, or before it was
    /// stored).
    pub fn parse_verified(body: &[u8]) -> Result<Self, PayloadError> {
        #[derive(Deserialize)]
        struct Head {
            event: String,
        }
        let head: Head = parse_body(Provider::Zoom, "", body)?;
        let event = head.event.as_str();
        let p = Provider::Zoom;
        Ok(match event {
            URL_VALIDATION => Self::UrlValidation,
            "meeting.started" => Self::MeetingStarted(parse_body(p, event, body)?),
            "meeting.ended" => Self::MeetingEnded(parse_body(p, event, body)?),
            "meeting.deleted" => Self::MeetingDeleted(parse_body(p, event, body)?),
            "recording.completed" => Self::RecordingCompleted(parse_body(p, event, body)?),
            "session.started" => Self::SessionStarted(parse_body(p, event, body)?),
            "session.ended" => Self::SessionEnded(parse_body(p, event, body)?),
            "session.recording_completed" => {
                Self::SessionRecordingCompleted(parse_body(p, event, body)?)
            }
            _ => Self::Unknown {
                raw: Redacted::new(parse_raw(p, event, body)?),
                event: head.event,
            },
        })
    }
}
