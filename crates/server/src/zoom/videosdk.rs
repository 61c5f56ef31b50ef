//! The Video SDK REST API (`zoom-videosdk-api.json`): sessions, their
//! users and recordings (operations `sessions`, `sessionDetail`,
//! `sessionUsers`, `recordingGet`, `recordingsList`).

use std::fmt;

use serde::{Deserialize, Serialize};

use super::{
    all_pages, encode_session_id, month_ranges, require, Date, Request, VideoSdkClient, ZoomError,
    PAGE_SIZE,
};
use crate::http::{zoom_endpoint, ZoomApi, ZoomEndpoint};
use crate::webhook::Redacted;

fn endpoint(operation: &str) -> &'static ZoomEndpoint {
    zoom_endpoint(ZoomApi::VideoSdk, operation).expect("in ZOOM_ENDPOINTS (unit-tested)")
}

/// Past or live sessions (the `type` parameter).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SessionType {
    /// `past`: ended sessions in the date range.
    Past,
    /// `live`: sessions in progress.
    Live,
}

impl SessionType {
    fn as_str(self) -> &'static str {
        match self {
            Self::Past => "past",
            Self::Live => "live",
        }
    }
}

/// One session of a `sessions` listing.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SessionSummary {
    /// `id`: the session's UUID (may contain `/`).
    pub id: String,
    /// `session_name` (the `tpc` of the join token).
    pub session_name: Option<String>,
    /// `start_time`.
    pub start_time: Option<String>,
    /// `end_time`.
    pub end_time: Option<String>,
    /// `duration` (`HH:mm:ss`, a string in Zoom's document).
    pub duration: Option<String>,
    /// `user_count`.
    pub user_count: Option<u32>,
    /// `has_recording`.
    pub has_recording: Option<bool>,
    /// `session_key`.
    pub session_key: Option<String>,
}

/// `sessionDetail`'s answer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SessionDetail {
    /// `id`.
    pub id: String,
    /// `session_number` (int64).
    pub session_number: Option<u64>,
    /// `session_name`.
    pub session_name: Option<String>,
    /// `start_time`.
    pub start_time: Option<String>,
    /// `end_time`.
    pub end_time: Option<String>,
    /// `duration`.
    pub duration: Option<String>,
    /// `user_count`.
    pub user_count: Option<u32>,
    /// `has_recording`.
    pub has_recording: Option<bool>,
    /// `session_key`.
    pub session_key: Option<String>,
}

/// One participant of `sessionUsers`. `Debug` prints no name or address.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SessionUser {
    /// `id`.
    pub id: Option<String>,
    /// `name`: the display name.
    pub name: Option<Redacted<String>>,
    /// `user_key` (the token's `user_key`).
    pub user_key: Option<String>,
    /// `device`.
    pub device: Option<String>,
    /// `join_time`.
    pub join_time: Option<String>,
    /// `leave_time`.
    pub leave_time: Option<String>,
}

impl fmt::Debug for SessionUser {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionUser")
            .field("id", &self.id)
            .field("join_time", &self.join_time)
            .field("leave_time", &self.leave_time)
            .finish_non_exhaustive()
    }
}

/// One file of a session's recording.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SessionFile {
    /// `id`.
    pub id: Option<String>,
    /// `recording_start`.
    pub recording_start: Option<String>,
    /// `recording_end`.
    pub recording_end: Option<String>,
    /// `file_type`.
    pub file_type: Option<String>,
    /// `file_size`, bytes.
    pub file_size: Option<f64>,
    /// `download_url`.
    pub download_url: Option<Redacted<String>>,
    /// `status`.
    pub status: Option<String>,
    /// `recording_type`.
    pub recording_type: Option<String>,
}

impl fmt::Debug for SessionFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionFile")
            .field("id", &self.id)
            .field("file_type", &self.file_type)
            .finish_non_exhaustive()
    }
}

/// A session's cloud recording (`recordingGet`, and each of
/// `recordingsList`'s `sessions[]`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SessionRecording {
    /// `session_id`.
    pub session_id: Option<String>,
    /// `session_name`.
    pub session_name: Option<String>,
    /// `start_time`.
    pub start_time: Option<String>,
    /// `duration`, minutes.
    pub duration: Option<u32>,
    /// `total_size`.
    pub total_size: Option<u64>,
    /// `recording_count`.
    pub recording_count: Option<u32>,
    /// `session_key`.
    pub session_key: Option<String>,
    /// `recording_files`.
    #[serde(default)]
    pub recording_files: Vec<SessionFile>,
    /// `download_access_token` (when asked for; `recordingGet` only).
    // Absent from the listings' items: not written back there either.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub download_access_token: Option<Redacted<String>>,
}

#[derive(Deserialize)]
struct SessionsPage {
    next_page_token: Option<String>,
    #[serde(default)]
    sessions: Vec<SessionSummary>,
}

#[derive(Deserialize)]
struct UsersPage {
    next_page_token: Option<String>,
    #[serde(default)]
    users: Vec<SessionUser>,
}

#[derive(Deserialize)]
struct RecordingsPage {
    next_page_token: Option<String>,
    #[serde(default)]
    sessions: Vec<SessionRecording>,
}

fn check_range(operation: &'static str, from: Date, to: Date) -> Result<(), ZoomError> {
    if from > to {
        return Err(ZoomError::Invalid {
            operation,
            field: "from",
            problem: "is after `to`",
        });
    }
    Ok(())
}

impl VideoSdkClient {
    /// `sessions`: `GET /videosdk/sessions` of `kind` from `from` to `to`
    /// (UTC dates), every page; longer ranges become one-month calls.
    /// Zoom keeps six months of sessions.
    ///
    /// # Errors
    /// [`ZoomError`].
    pub async fn sessions(
        &self,
        kind: SessionType,
        from: Date,
        to: Date,
    ) -> Result<Vec<SessionSummary>, ZoomError> {
        check_range("sessions", from, to)?;
        let mut out = Vec::new();
        for (start, end) in month_ranges(from, to) {
            let part = all_pages("sessions", |token| {
                let mut r = Request::new(endpoint("sessions"), "/videosdk/sessions".to_owned())
                    .query("type", kind.as_str())
                    .query("from", start)
                    .query("to", end)
                    .query("page_size", PAGE_SIZE);
                if let Some(t) = token {
                    r = r.query("next_page_token", t);
                }
                async move {
                    let page: SessionsPage = self.core.get_json(&r).await?;
                    Ok((page.sessions, page.next_page_token))
                }
            })
            .await?;
            out.extend(part);
        }
        Ok(out)
    }

    /// `sessionDetail`: `GET /videosdk/sessions/{sessionId}` (a past
    /// session; `live` asks for one in progress).
    ///
    /// # Errors
    /// [`ZoomError`].
    pub async fn session(&self, id: &str, kind: SessionType) -> Result<SessionDetail, ZoomError> {
        require("sessionDetail", "session id", id)?;
        let r = Request::new(
            endpoint("sessionDetail"),
            format!("/videosdk/sessions/{}", encode_session_id(id)),
        )
        .query("type", kind.as_str());
        self.core.get_json(&r).await
    }

    /// `sessionUsers`: `GET /videosdk/sessions/{sessionId}/users`, every page.
    ///
    /// # Errors
    /// [`ZoomError`].
    pub async fn session_users(
        &self,
        id: &str,
        kind: SessionType,
    ) -> Result<Vec<SessionUser>, ZoomError> {
        require("sessionUsers", "session id", id)?;
        let path = format!("/videosdk/sessions/{}/users", encode_session_id(id));
        all_pages("sessionUsers", |token| {
            let mut r = Request::new(endpoint("sessionUsers"), path.clone())
                .query("type", kind.as_str())
                .query("page_size", PAGE_SIZE);
            if let Some(t) = token {
                r = r.query("next_page_token", t);
            }
            async move {
                let page: UsersPage = self.core.get_json(&r).await?;
                Ok((page.users, page.next_page_token))
            }
        })
        .await
    }

    /// `recordingGet`: `GET /videosdk/sessions/{sessionId}/recordings`,
    /// with `include_fields=download_access_token` when asked.
    ///
    /// # Errors
    /// [`ZoomError`]; none is a 404 with code 3301.
    pub async fn session_recordings(
        &self,
        id: &str,
        download_token: bool,
    ) -> Result<SessionRecording, ZoomError> {
        require("recordingGet", "session id", id)?;
        let mut r = Request::new(
            endpoint("recordingGet"),
            format!("/videosdk/sessions/{}/recordings", encode_session_id(id)),
        );
        if download_token {
            r = r.query("include_fields", "download_access_token");
        }
        self.core.get_json(&r).await
    }

    /// `recordingsList`: `GET /videosdk/recordings` (the account's) from
    /// `from` to `to`, every page, one-month calls.
    ///
    /// # Errors
    /// [`ZoomError`].
    pub async fn recordings(
        &self,
        from: Date,
        to: Date,
    ) -> Result<Vec<SessionRecording>, ZoomError> {
        check_range("recordingsList", from, to)?;
        let mut out = Vec::new();
        for (start, end) in month_ranges(from, to) {
            let part = all_pages("recordingsList", |token| {
                let mut r = Request::new(
                    endpoint("recordingsList"),
                    "/videosdk/recordings".to_owned(),
                )
                .query("from", start)
                .query("to", end)
                .query("page_size", PAGE_SIZE);
                if let Some(t) = token {
                    r = r.query("next_page_token", t);
                }
                async move {
                    let page: RecordingsPage = self.core.get_json(&r).await?;
                    Ok((page.sessions, page.next_page_token))
                }
            })
            .await?;
            out.extend(part);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_operation_is_in_the_table() {
        for op in [
            "sessions",
            "sessionDetail",
            "sessionUsers",
            "recordingGet",
            "recordingsList",
        ] {
            assert_eq!(super::endpoint(op).operation_id, op);
        }
    }
}
