//! Meetings: create, get, update, delete, list a host's (Zoom Meetings
//! API v2, operations `meetingCreate`, `meeting`, `meetingUpdate`,
//! `meetingDelete`, `meetings`).

use std::fmt;

use serde::{Deserialize, Serialize};

use super::{all_pages, require, Request, ZoomClient, ZoomError, PAGE_SIZE};
use crate::http::{zoom_endpoint, HttpError, Subject, ZoomApi, ZoomEndpoint};
use crate::webhook::Redacted;

pub(super) fn endpoint(operation: &str) -> &'static ZoomEndpoint {
    // Every operation named below is in the table (a unit test checks it).
    zoom_endpoint(ZoomApi::Meetings, operation).expect("in ZOOM_ENDPOINTS (unit-tested)")
}

/// `settings.auto_recording`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AutoRecording {
    /// Record on the host's computer.
    Local,
    /// Record to Zoom's cloud.
    Cloud,
    /// No automatic recording.
    None,
}

/// `settings.audio`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Audio {
    /// Telephone and computer audio.
    #[serde(rename = "both")]
    Both,
    /// Telephone only.
    #[serde(rename = "telephony")]
    Telephony,
    /// Computer audio only.
    #[serde(rename = "voip")]
    Voip,
    /// Third-party audio conference.
    #[serde(rename = "thirdParty")]
    ThirdParty,
}

/// `settings.approval_type` (registration approval).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub enum ApprovalType {
    /// 0: approve registrants automatically.
    Automatic,
    /// 1: approve registrants manually.
    Manual,
    /// 2: no registration required.
    NoRegistration,
}

impl From<ApprovalType> for u8 {
    fn from(a: ApprovalType) -> u8 {
        match a {
            ApprovalType::Automatic => 0,
            ApprovalType::Manual => 1,
            ApprovalType::NoRegistration => 2,
        }
    }
}

impl TryFrom<u8> for ApprovalType {
    type Error = &'static str;
    fn try_from(n: u8) -> Result<Self, Self::Error> {
        match n {
            0 => Ok(Self::Automatic),
            1 => Ok(Self::Manual),
            2 => Ok(Self::NoRegistration),
            _ => Err("approval_type must be 0, 1 or 2"),
        }
    }
}

/// The meeting settings the seeds use (`settings` of `meetingCreate` and
/// `meetingUpdate`); `None` leaves Zoom's (or the meeting's) value.
///
/// Not `#[non_exhaustive]`, so it can be written with
/// `..Default::default()`; a new setting is a new `Option` field.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeetingSettings {
    /// `waiting_room`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub waiting_room: Option<bool>,
    /// `join_before_host`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub join_before_host: Option<bool>,
    /// `jbh_time`: minutes before the start participants may join (0, 5,
    /// 10 or 15) when `join_before_host` is on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jbh_time: Option<u8>,
    /// `mute_upon_entry`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mute_upon_entry: Option<bool>,
    /// `host_video`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host_video: Option<bool>,
    /// `participant_video`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub participant_video: Option<bool>,
    /// `auto_recording`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auto_recording: Option<AutoRecording>,
    /// `approval_type`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub approval_type: Option<ApprovalType>,
    /// `audio`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub audio: Option<Audio>,
}

/// One of `tracking_fields`: our idempotency marker goes here (SERVER.md
/// rule 5), or the account's own tracking fields.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrackingField {
    /// `field`: the tracking field's name.
    pub field: String,
    /// `value` (may hold personal data: `Debug` prints `<redacted>`).
    pub value: Redacted<String>,
}

/// The body of `meetingCreate` (`POST /users/{userId}/meetings`) and of
/// `meetingUpdate` (`PATCH /meetings/{meetingId}`): what to set. Unset
/// fields are not sent.
///
/// ```
/// use zoomkit_server::zoom::{Audio, AutoRecording, MeetingRequest, MeetingSettings};
///
/// let create = MeetingRequest::scheduled("Coaching", "2026-12-24T10:00:00Z", 45)
///     .timezone("Europe/Berlin")
///     .agenda("First session")
///     .password("s3cret")
///     .tracking_field("zoomkit-booking", "calcom:uid-123")
///     .settings(MeetingSettings {
///         waiting_room: Some(true),
///         mute_upon_entry: Some(true),
///         auto_recording: Some(AutoRecording::Cloud),
///         audio: Some(Audio::Voip),
///         ..Default::default()
///     });
/// let json = serde_json::to_value(&create).unwrap();
/// assert_eq!(json["type"], 2);
/// assert_eq!(json["settings"]["auto_recording"], "cloud");
/// assert!(!format!("{create:?}").contains("s3cret"));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MeetingRequest {
    /// `topic` (at most 200 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub topic: Option<Redacted<String>>,
    /// `type`: 2 is a scheduled meeting.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<u8>,
    /// `start_time`: `yyyy-MM-ddTHH:mm:ssZ` (UTC), or local time without
    /// the `Z` together with `timezone`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_time: Option<String>,
    /// `duration`, minutes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration: Option<u32>,
    /// `timezone` (`Europe/Berlin`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    /// `agenda` (at most 2000 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agenda: Option<Redacted<String>>,
    /// `password`: the passcode (at most 10 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password: Option<Redacted<String>>,
    /// `tracking_fields`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tracking_fields: Option<Vec<TrackingField>>,
    /// `settings`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub settings: Option<MeetingSettings>,
}

impl MeetingRequest {
    /// A scheduled meeting (`type` 2) at `start_time` for `duration` minutes.
    pub fn scheduled(
        topic: impl Into<String>,
        start_time: impl Into<String>,
        duration: u32,
    ) -> Self {
        Self {
            topic: Some(Redacted::new(topic.into())),
            kind: Some(2),
            start_time: Some(start_time.into()),
            duration: Some(duration),
            ..Self::default()
        }
    }

    /// Sets `topic`.
    #[must_use]
    pub fn topic(mut self, topic: impl Into<String>) -> Self {
        self.topic = Some(Redacted::new(topic.into()));
        self
    }

    /// Sets `start_time`.
    #[must_use]
    pub fn start_time(mut self, start_time: impl Into<String>) -> Self {
        self.start_time = Some(start_time.into());
        self
    }

    /// Sets `duration` (minutes).
    #[must_use]
    pub fn duration(mut self, minutes: u32) -> Self {
        self.duration = Some(minutes);
        self
    }

    /// Sets `timezone`.
    #[must_use]
    pub fn timezone(mut self, timezone: impl Into<String>) -> Self {
        self.timezone = Some(timezone.into());
        self
    }

    /// Sets `agenda`.
    #[must_use]
    pub fn agenda(mut self, agenda: impl Into<String>) -> Self {
        self.agenda = Some(Redacted::new(agenda.into()));
        self
    }

    /// Sets `password` (the passcode).
    #[must_use]
    pub fn password(mut self, password: impl Into<String>) -> Self {
        self.password = Some(Redacted::new(password.into()));
        self
    }

    /// Adds one of `tracking_fields`.
    #[must_use]
    pub fn tracking_field(mut self, field: impl Into<String>, value: impl Into<String>) -> Self {
        self.tracking_fields
            .get_or_insert_with(Vec::new)
            .push(TrackingField {
                field: field.into(),
                value: Redacted::new(value.into()),
            });
        self
    }

    /// Sets `settings`.
    #[must_use]
    pub fn settings(mut self, settings: MeetingSettings) -> Self {
        self.settings = Some(settings);
        self
    }
}

/// A meeting as `meetingCreate` (201) and `meeting` (200) answer it.
///
/// `Debug` prints the id, type, start and duration only: topic, agenda,
/// URLs and passcode carry personal data or grant entry.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Meeting {
    /// `id`: the meeting number (int64; read exactly, never through f64).
    pub id: u64,
    /// `uuid`: this instance's id.
    pub uuid: Option<String>,
    /// `host_id`.
    pub host_id: Option<String>,
    /// `topic`.
    pub topic: Option<Redacted<String>>,
    /// `type`.
    #[serde(rename = "type")]
    pub kind: Option<u8>,
    /// `start_time`.
    pub start_time: Option<String>,
    /// `duration`, minutes.
    pub duration: Option<u32>,
    /// `timezone`.
    pub timezone: Option<String>,
    /// `agenda`.
    pub agenda: Option<Redacted<String>>,
    /// `created_at`.
    pub created_at: Option<String>,
    /// `join_url` (holds the passcode).
    pub join_url: Option<Redacted<String>>,
    /// `start_url`: starts the meeting as its host. Treat as a secret.
    pub start_url: Option<Redacted<String>>,
    /// `password`.
    pub password: Option<Redacted<String>>,
    /// `status` (`waiting`, `started`).
    pub status: Option<String>,
    /// `tracking_fields`.
    pub tracking_fields: Option<Vec<TrackingField>>,
    /// `settings` (the ones this crate reads).
    pub settings: Option<MeetingSettings>,
}

impl fmt::Debug for Meeting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Meeting")
            .field("id", &self.id)
            .field("kind", &self.kind)
            .field("start_time", &self.start_time)
            .field("duration", &self.duration)
            .finish_non_exhaustive()
    }
}

/// One meeting in a `meetings` listing.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MeetingSummary {
    /// `id` (int64).
    pub id: u64,
    /// `uuid`.
    pub uuid: Option<String>,
    /// `host_id`.
    pub host_id: Option<String>,
    /// `topic`.
    pub topic: Option<Redacted<String>>,
    /// `type`.
    #[serde(rename = "type")]
    pub kind: Option<u8>,
    /// `start_time`.
    pub start_time: Option<String>,
    /// `duration`.
    pub duration: Option<u32>,
    /// `timezone`.
    pub timezone: Option<String>,
    /// `agenda`.
    pub agenda: Option<Redacted<String>>,
    /// `created_at`.
    pub created_at: Option<String>,
    /// `join_url`.
    pub join_url: Option<Redacted<String>>,
}

impl fmt::Debug for MeetingSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MeetingSummary")
            .field("id", &self.id)
            .field("start_time", &self.start_time)
            .finish_non_exhaustive()
    }
}

#[derive(Deserialize)]
struct MeetingsPage {
    next_page_token: Option<String>,
    #[serde(default)]
    meetings: Vec<MeetingSummary>,
}

/// Which of a host's meetings `meetings` lists (its `type` parameter).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ListType {
    /// `scheduled`: every valid meeting not yet expired (Zoom's default).
    Scheduled,
    /// `live`: in progress.
    Live,
    /// `upcoming`: scheduled to start.
    Upcoming,
}

impl ListType {
    fn as_str(self) -> &'static str {
        match self {
            Self::Scheduled => "scheduled",
            Self::Live => "live",
            Self::Upcoming => "upcoming",
        }
    }
}

/// What `delete_meeting` found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Deleted {
    /// Zoom deleted it (204).
    Deleted,
    /// It was already gone (404, code 3001): the goal is met.
    AlreadyGone,
}

impl ZoomClient {
    /// `meetingCreate`: `POST /users/{userId}/meetings` for `host` (a user
    /// id, an e-mail address, or `me`). Counts against the host's 100
    /// creates per UTC day.
    ///
    /// Never sent twice by this client: after a timeout or a broken
    /// connection the error says the meeting may exist; search the host's
    /// meetings for your marker ([`MeetingRequest::tracking_field`] or the
    /// agenda) before creating again.
    ///
    /// # Errors
    /// [`ZoomError`]; `host` empty is [`ZoomError::Invalid`].
    pub async fn create_meeting(
        &self,
        host: &str,
        request: &MeetingRequest,
    ) -> Result<Meeting, ZoomError> {
        require("meetingCreate", "host", host)?;
        let r = Request::new(
            endpoint("meetingCreate"),
            format!("/users/{}/meetings", super::encode_segment(host)),
        )
        .subject(Subject::Host(host))
        .json(request);
        self.core.get_json(&r).await
    }

    /// `meeting`: `GET /meetings/{meetingId}`.
    ///
    /// # Errors
    /// [`ZoomError`]; a missing meeting is a 404 with code 3001.
    pub async fn meeting(&self, id: u64) -> Result<Meeting, ZoomError> {
        let r = Request::new(endpoint("meeting"), format!("/meetings/{id}"));
        self.core.get_json(&r).await
    }

    /// `meetingUpdate`: `PATCH /meetings/{meetingId}` (204). Counts against
    /// the meeting's 100 updates per UTC day; a `start_time` must be in
    /// the future.
    ///
    /// # Errors
    /// [`ZoomError`].
    pub async fn update_meeting(&self, id: u64, request: &MeetingRequest) -> Result<(), ZoomError> {
        let r = Request::new(endpoint("meetingUpdate"), format!("/meetings/{id}"))
            .subject(Subject::Meeting(id))
            .json(request);
        self.core.send(&r).await.map(drop)
    }

    /// `meetingDelete`: `DELETE /meetings/{meetingId}` (204). A 404 with
    /// code 3001 is success ([`Deleted::AlreadyGone`]).
    ///
    /// # Errors
    /// [`ZoomError`] for anything else.
    pub async fn delete_meeting(&self, id: u64) -> Result<Deleted, ZoomError> {
        let r = Request::new(endpoint("meetingDelete"), format!("/meetings/{id}"));
        match self.core.send(&r).await {
            Ok(_) => Ok(Deleted::Deleted),
            Err(ZoomError::Http(HttpError::Status(e)))
                if e.status == 404 && e.vendor_error.code_number() == Some(3001) =>
            {
                Ok(Deleted::AlreadyGone)
            }
            Err(e) => Err(e),
        }
    }

    /// `meetings`: `GET /users/{userId}/meetings`, every page (300 a page).
    ///
    /// # Errors
    /// [`ZoomError`].
    pub async fn list_meetings(
        &self,
        host: &str,
        kind: ListType,
    ) -> Result<Vec<MeetingSummary>, ZoomError> {
        require("meetings", "host", host)?;
        let path = format!("/users/{}/meetings", super::encode_segment(host));
        all_pages("meetings", |token| {
            let mut r = Request::new(endpoint("meetings"), path.clone())
                .query("type", kind.as_str())
                .query("page_size", PAGE_SIZE);
            if let Some(t) = token {
                r = r.query("next_page_token", t);
            }
            async move {
                let page: MeetingsPage = self.core.get_json(&r).await?;
                Ok((page.meetings, page.next_page_token))
            }
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_is_in_the_table() {
        for op in [
            "meetingCreate",
            "meeting",
            "meetingUpdate",
            "meetingDelete",
            "meetings",
            "recordingGet",
            "recordingsList",
        ] {
            assert_eq!(endpoint(op).operation_id, op);
        }
    }

    #[test]
    fn ids_past_f64_precision_survive() {
        let id = 9_007_199_254_740_993u64; // 2^53 + 1: not an f64
        let m: Meeting = serde_json::from_str(&format!(r#"{{"id":{id}}}"#)).unwrap();
        assert_eq!(m.id, id);
        assert!(serde_json::from_str::<Meeting>(r#"{"id":1.5}"#).is_err());
    }
}
