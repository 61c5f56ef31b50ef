//! The booking model the planner works on: provider-neutral events and the
//! facts they leave behind.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Milliseconds since the Unix epoch (UTC). Bookings are compared and
/// stored in this one unit; see [`super::time`] for parsing RFC 3339.
pub type UnixMillis = i64;

/// Where a booking was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    /// Calendly (invitee webhooks).
    Calendly,
    /// Cal.com (`BOOKING_*` webhooks).
    Calcom,
    /// zoomkit's own admin API.
    Api,
}

impl Provider {
    /// `calendly`, `calcom` or `api`: the prefix of an [`ExternalKey`].
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Calendly => "calendly",
            Self::Calcom => "calcom",
            Self::Api => "api",
        }
    }

    /// The inverse of [`Provider::as_str`].
    #[must_use]
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "calendly" => Some(Self::Calendly),
            "calcom" => Some(Self::Calcom),
            "api" => Some(Self::Api),
            _ => None,
        }
    }
}

/// One provider-side booking id: a Calendly invitee uuid (or, for a group
/// event type, `event-{uuid}` of the scheduled event), a Cal.com uid, or
/// the client key given to the admin API. A reschedule makes a new key
/// (Cal.com a new uid, Calendly a new invitee); the keys of one booking
/// form its lineage. Printed `{provider}:{id}`, the form the HTTP API takes.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ExternalKey {
    /// The provider.
    pub provider: Provider,
    /// The provider's id.
    pub id: String,
}

impl ExternalKey {
    /// A key.
    #[must_use]
    pub fn new(provider: Provider, id: impl Into<String>) -> Self {
        Self {
            provider,
            id: id.into(),
        }
    }

    /// Parses `{provider}:{id}` (the id non-empty).
    #[must_use]
    pub fn parse(text: &str) -> Option<Self> {
        let (provider, id) = text.split_once(':')?;
        let provider = Provider::parse(provider)?;
        (!id.is_empty()).then(|| Self::new(provider, id))
    }
}

impl fmt::Display for ExternalKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.provider.as_str(), self.id)
    }
}

/// A person: the organiser or an attendee. `Debug` hides both fields
/// (they are personal data).
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Person {
    /// E-mail address, lower-cased by the mappers (it is how a participant
    /// is recognised at join time).
    pub email: String,
    /// Display name.
    pub name: String,
}

impl Person {
    /// A person; the address is trimmed and lower-cased.
    #[must_use]
    pub fn new(email: &str, name: &str) -> Self {
        Self {
            email: normalise_email(email),
            name: name.to_owned(),
        }
    }
}

/// How e-mail addresses are compared everywhere in the bridge.
#[must_use]
pub fn normalise_email(email: &str) -> String {
    email.trim().to_ascii_lowercase()
}

impl fmt::Debug for Person {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Person(***)")
    }
}

/// An attendee's standing on the booking.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AttendeeStatus {
    /// Booked and expected.
    Active,
    /// Cancelled their place (the booking may go on for the others).
    Cancelled,
}

/// An attendee with their status.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Attendee {
    /// Who.
    pub person: Person,
    /// Active or cancelled.
    pub status: AttendeeStatus,
}

/// One-to-one or a group with a capacity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "shape")]
pub enum Shape {
    /// One organiser, one attendee.
    OneToOne,
    /// Up to `capacity` attendees.
    Group {
        /// The most attendees that may join (the organiser not counted).
        capacity: u32,
    },
}

impl Shape {
    /// How many attendees may join.
    #[must_use]
    pub fn capacity(self) -> u32 {
        match self {
            Self::OneToOne => 1,
            Self::Group { capacity } => capacity,
        }
    }
}

/// The kind of session a booking gets.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "camelCase")]
pub enum SessionKind {
    /// A Video SDK session (the default): nothing to create at Zoom; the
    /// bridge assigns a topic and session key and mints tokens at join time.
    #[default]
    VideoSdk,
    /// A Zoom meeting created through the REST API.
    Meeting,
}

impl SessionKind {
    /// `videoSdk` or `meeting`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::VideoSdk => "videoSdk",
            Self::Meeting => "meeting",
        }
    }
}

/// When participants may join, relative to the booking's start and end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct JoinWindow {
    /// How long before the start the window opens, in seconds.
    pub before_start_secs: u32,
    /// How long after the start the window closes, in seconds.
    pub after_start_secs: u32,
}

impl Default for JoinWindow {
    /// From 10 minutes before the start to 90 minutes after (the seeds').
    fn default() -> Self {
        Self {
            before_start_secs: 10 * 60,
            after_start_secs: 90 * 60,
        }
    }
}

/// What a provider says a booking is, as of one delivery.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Details {
    /// The title (event type name or booking title).
    pub title: String,
    /// Start.
    pub start: UnixMillis,
    /// End.
    pub end: UnixMillis,
    /// The booking's IANA time zone, when known.
    pub time_zone: Option<String>,
    /// The organiser (the host of the session).
    pub organiser: Person,
    /// The attendees as this delivery lists them; `None` when the delivery
    /// speaks for one attendee only (a Calendly group invitee) and the
    /// roster is made of attendee facts alone.
    pub attendees: Option<Vec<Attendee>>,
    /// One-to-one or group.
    pub shape: Shape,
    /// Video SDK session or Zoom meeting.
    pub kind: SessionKind,
    /// The join window.
    pub join_window: JoinWindow,
}

/// What happened to one booking key, provider-neutral.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "type")]
#[non_exhaustive]
pub enum EventBody {
    /// The booking exists with these details: created, requested (not yet
    /// `confirmed`), accepted (`confirmed`), or the new half of a
    /// reschedule (`replaces` names the key it replaces).
    Booked {
        /// The details.
        details: Details,
        /// Confirmed (Cal.com `ACCEPTED`, every Calendly booking) or
        /// pending the organiser's confirmation.
        confirmed: bool,
        /// The key this booking replaces (Cal.com `rescheduleUid`,
        /// Calendly `old_invitee`).
        replaces: Option<ExternalKey>,
    },
    /// The old half of a reschedule (Calendly `invitee.canceled` with
    /// `rescheduled: true`): the booking lives on as `to`.
    RescheduledTo {
        /// The replacement key.
        to: ExternalKey,
    },
    /// Cancelled for good.
    Cancelled,
    /// The organiser rejected the request.
    Rejected,
    /// An attendee joined a group booking.
    AttendeeAdded {
        /// Who.
        person: Person,
    },
    /// An attendee left a group booking (by e-mail).
    AttendeeRemoved {
        /// Their address.
        email: String,
    },
    /// The booking has a new organiser.
    HostChanged {
        /// The new organiser.
        host: Person,
    },
    /// Zoom says the booking's meeting is gone (a `meeting.deleted`
    /// webhook, or code 3001 on a call): recreate it if still wanted.
    MeetingGone {
        /// The meeting's id.
        meeting_id: u64,
    },
}

/// One event about one booking key at one instant (the provider's time of
/// the change, e.g. Calendly `created_at`, Cal.com `createdAt`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct BookingEvent {
    /// The key the event is about.
    pub key: ExternalKey,
    /// When the provider says it happened.
    pub at: UnixMillis,
    /// What happened.
    pub body: EventBody,
}

impl BookingEvent {
    /// Every key this event touches: the lineage it belongs to is found by
    /// any of them.
    #[must_use]
    pub fn keys(&self) -> Vec<ExternalKey> {
        let mut keys = vec![self.key.clone()];
        match &self.body {
            EventBody::Booked {
                replaces: Some(k), ..
            }
            | EventBody::RescheduledTo { to: k } => keys.push(k.clone()),
            _ => {}
        }
        keys
    }
}
