//! Cloud recordings of meetings (Zoom Meetings API v2, operations
//! `recordingGet` and `recordingsList`).

use std::fmt;

use serde::{Deserialize, Serialize};

use super::meetings::endpoint;
use super::{all_pages, month_ranges, require, Date, Request, ZoomClient, ZoomError, PAGE_SIZE};
use crate::webhook::Redacted;

/// One file of a recording (`recording_files[]`).
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RecordingFile {
    /// `id`.
    pub id: Option<String>,
    /// `meeting_id` (the instance's UUID).
    pub meeting_id: Option<String>,
    /// `recording_start`.
    pub recording_start: Option<String>,
    /// `recording_end`.
    pub recording_end: Option<String>,
    /// `file_type` (`MP4`, `M4A`, `TRANSCRIPT`...).
    pub file_type: Option<String>,
    /// `file_size`, bytes (a JSON number in Zoom's document).
    pub file_size: Option<f64>,
    /// `play_url`.
    pub play_url: Option<Redacted<String>>,
    /// `download_url`: fetch it with `Authorization: Bearer` and the
    /// recording's `download_access_token` (or an OAuth token).
    pub download_url: Option<Redacted<String>>,
    /// `status` (`completed`).
    pub status: Option<String>,
    /// `recording_type` (`shared_screen_with_speaker_view`...).
    pub recording_type: Option<String>,
}

impl fmt::Debug for RecordingFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RecordingFile")
            .field("id", &self.id)
            .field("file_type", &self.file_type)
            .field("status", &self.status)
            .finish_non_exhaustive()
    }
}

/// A meeting's cloud recording (`recordingGet`, and each of
/// `recordingsList`'s `meetings[]`).
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MeetingRecording {
    /// `id`: the meeting number.
    pub id: Option<u64>,
    /// `uuid`: the instance.
    pub uuid: Option<String>,
    /// `host_id`.
    pub host_id: Option<String>,
    /// `topic`.
    pub topic: Option<Redacted<String>>,
    /// `start_time`.
    pub start_time: Option<String>,
    /// `duration`, minutes.
    pub duration: Option<u32>,
    /// `total_size`, bytes.
    pub total_size: Option<u64>,
    /// `recording_count`.
    pub recording_count: Option<u32>,
    /// `recording_files`.
    #[serde(default)]
    pub recording_files: Vec<RecordingFile>,
    /// `download_access_token` (only when asked for; `recordingGet` only).
    // Absent from the listings' items: not written back there either.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub download_access_token: Option<Redacted<String>>,
}

impl fmt::Debug for MeetingRecording {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MeetingRecording")
            .field("id", &self.id)
            .field("uuid", &self.uuid)
            .field("recording_files", &self.recording_files)
            .finish_non_exhaustive()
    }
}

#[derive(Deserialize)]
struct RecordingsPage {
    next_page_token: Option<String>,
    #[serde(default)]
    meetings: Vec<MeetingRecording>,
}

impl ZoomClient {
    /// `recordingGet`: `GET /meetings/{meetingId}/recordings`; with
    /// `download_token`, asks for `include_fields=download_access_token`
    /// (a token for the files' `download_url`s).
    ///
    /// # Errors
    /// [`ZoomError`]; no recording is a 404 (code 3301).
    pub async fn meeting_recordings(
        &self,
        meeting: u64,
        download_token: bool,
    ) -> Result<MeetingRecording, ZoomError> {
        let mut r = Request::new(
            endpoint("recordingGet"),
            format!("/meetings/{meeting}/recordings"),
        );
        if download_token {
            r = r.query("include_fields", "download_access_token");
        }
        self.core.get_json(&r).await
    }

    /// `recordingGet` for one meeting *instance*: `GET
    /// /meetings/{meetingId}/recordings` with the instance's UUID (the
    /// `uuid` of a recording, a webhook or a past meeting) instead of the
    /// meeting number, which answers for the latest instance only. A UUID
    /// that begins with `/` or contains `//` is encoded twice, as Zoom
    /// requires ([`super::encode_meeting_uuid`]).
    ///
    /// # Errors
    /// [`ZoomError`]; an empty `uuid` is [`ZoomError::Invalid`]; no
    /// recording is a 404 (code 3301).
    pub async fn meeting_instance_recordings(
        &self,
        uuid: &str,
        download_token: bool,
    ) -> Result<MeetingRecording, ZoomError> {
        require("recordingGet", "uuid", uuid)?;
        let mut r = Request::new(
            endpoint("recordingGet"),
            format!("/meetings/{}/recordings", super::encode_meeting_uuid(uuid)),
        );
        if download_token {
            r = r.query("include_fields", "download_access_token");
        }
        self.core.get_json(&r).await
    }

    /// `recordingsList`: `GET /users/{userId}/recordings` from `from` to
    /// `to` (UTC dates, both included), every page; a range longer than
    /// Zoom's one month per call is sent as consecutive one-month calls.
    ///
    /// # Errors
    /// [`ZoomError`]; `from` after `to` is [`ZoomError::Invalid`].
    pub async fn host_recordings(
        &self,
        host: &str,
        from: Date,
        to: Date,
    ) -> Result<Vec<MeetingRecording>, ZoomError> {
        require("recordingsList", "host", host)?;
        if from > to {
            return Err(ZoomError::Invalid {
                operation: "recordingsList",
                field: "from",
                problem: "is after `to`",
            });
        }
        let path = format!("/users/{}/recordings", super::encode_segment(host));
        let mut out = Vec::new();
        for (start, end) in month_ranges(from, to) {
            let part = all_pages("recordingsList", |token| {
                let mut r = Request::new(endpoint("recordingsList"), path.clone())
                    .query("from", start)
                    .query("to", end)
                    .query("page_size", PAGE_SIZE);
                if let Some(t) = token {
                    r = r.query("next_page_token", t);
                }
                async move {
                    let page: RecordingsPage = self.core.get_json(&r).await?;
                    Ok((page.meetings, page.next_page_token))
                }
            })
            .await?;
            out.extend(part);
        }
        Ok(out)
    }
}
