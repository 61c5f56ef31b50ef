//! Which [`SdkFailure`] the simulator rejects with, and why.
//!
//! Error codes and their meanings are Zoom's (`exception-code.d.ts`,
//! `skill/references/error-codes.md`). Reason strings are quoted from those
//! documents where they give one (marked *doc*); where they do not, the
//! reason is the simulator's own short wording (marked *sim*). The `type` is
//! the `ErrorTypes` value whose description in `common.d.ts` fits.
//!
//! | code | type | reason | when |
//! |---|---|---|---|
//! | 3 `OPERATION_CANCELLED` | `INVALID_OPERATION` | `operation cancelled` (*sim*) | a pending call whose session left, failed, closed or started reconnecting |
//! | 200 `SESSION_FETCH_INFO_ERROR` | `INVALID_OPERATION` | the token reasons in [`crate::token`] (*doc*), or `connection error` (*doc*) when the network is down during `join` | `join` |
//! | 3004 `SESSION_INCORRECT_PASSCODE` | `INVALID_PARAMETERS` | `invalid password` (*doc*, `join`'s list) | `join` with the wrong session password |
//! | 3009 `SESSION_USER_REMOVED` | `INVALID_OPERATION` | `user removed` (*sim*) | rejoining a topic after `expeled by host` |
//! | 3010 `SESSION_ROLE_TYPE_ERROR` | `INVALID_PARAMETERS` | `invalid role type` (*sim*) | `role_type` not 0 or 1 |
//! | 5000 `CLIENT_PLATFORM_UNSUPPORTED` | `INVALID_OPERATION` | `platform unsupported` (*sim*) | `init` where neither audio nor video is compatible |
//! | 5001 `CLIENT_DEPENDENT_ASSETS_INACCESSIBLE` | `INVALID_OPERATION` | `dependent assets inaccessible` (*sim*) | `init` with [`SimConfig::assets_reachable`](crate::SimConfig::assets_reachable) false |
//! | 5002 `CLIENT_SESSION_STATE_CLOSED` | `IMPROPER_MEETING_STATE` | `closed` (*doc*, `ErrorTypes`) | a session call while not in a session; `join` before `init` |
//! | 5003 `CLIENT_SESSION_STATE_RECONNECTING` | `IMPROPER_MEETING_STATE` | `reconnecting` (*doc*) | a session call during failover |
//! | 5007 `CLIENT_HOST_PERMISSION_REQUIRED` | `INSUFFICIENT_PRIVILEGES` | `host only` (*sim*) | `leave(true)` or muting others as a participant |
//! | 5012 `CLIENT_DUPLICATED_JOIN` | `INVALID_OPERATION` | `duplicated operation` (*doc*) | `join` while joining or joined |
//! | 5013 `CLIENT_INVALID_JOIN_PARAMETER` | `INVALID_PARAMETERS` | *doc*: `invalid signature`, `Topic, token and userName must be string and required`, `The maximum length of topic is 200`, `... of username is 200`, `... of password is 10` | `join` |
//! | 6000 `STREAM_MISMATCH_DEVICE` | `INVALID_PARAMETERS` | `device not found` (*sim*) | `switchCamera/Microphone/Speaker`, `startAudio` with an unknown id |
//! | 6001 `STREAM_MISMATCH_USER` | `INVALID_PARAMETERS` | `user not found` (*sim*) | muting or unmuting an unknown `userId` |
//! | 6002 `STREAM_SESSION_JOIN_REQUIRED` | `IMPROPER_MEETING_STATE` | `join required` (*sim*) | a stream call before `join` resolved |
//! | 6003 `STREAM_MISMATCH_RENDER_ELEMENT` | `INVALID_PARAMETERS` | `invalid render element` (*sim*) | `startShareScreen` without a canvas or video element (JS only) |
//! | 6010 `AUDIO_CAPTURE_FAILED` | `INVALID_OPERATION` | `Permission denied by user`, `No device found` (*doc*, the code's sub-reasons) | `startAudio` |
//! | 6011 `AUDIO_CAPTURE_LOADING` | `INVALID_OPERATION` | `audio capture loading` (*sim*) | `startAudio`/`stopAudio` while one is pending |
//! | 6015 `AUDIO_NOT_STARTED` | `INVALID_OPERATION` | `audio not started` (*sim*) | `muteAudio`/`unmuteAudio`/`stopAudio` without audio |
//! | 6100 `VIDEO_CAMERA_PERMISSION_DENIED` | `INVALID_OPERATION` | `camera permission denied` (*sim*) | `startVideo` |
//! | 6101 `VIDEO_NO_CAMERA` | `INVALID_OPERATION` | `no camera` (*sim*) | `startVideo` |
//! | 6102 `VIDEO_MISMATCH_CAMERA` | `INVALID_PARAMETERS` | `camera not found` (*sim*) | `startVideo({ cameraId })` |
//! | 6105 `VIDEO_CAPTURE_LOADING` | `INVALID_OPERATION` | `video capture loading` (*sim*) | `startVideo`/`stopVideo` while one is pending |
//! | 6109 `VIDEO_MISMATCH_STATE` | `INVALID_OPERATION` | `video already started` / `video not started` (*sim*) | `startVideo` twice, `stopVideo` without video |
//! | 6200 `SCREEN_SHARE_USER_DENIED` | `INVALID_OPERATION` | `user denied` (*sim*) | after [`Fault::DenyNextShare`](crate::Fault::DenyNextShare) |
//! | 5006 `CLIENT_HOST_OR_MANAGER_PERMISSION_REQUIRED` | `INSUFFICIENT_PRIVILEGES` | `host or manager only` (*sim*) | `removeUser`, `lockShare`, muting others as a participant |
//! | 7000 `CHAT_EMPTY_MESSAGE` | `INVALID_PARAMETERS` | `empty message` (*sim*) | `send`/`sendToAll` with no text |
//! | 7001 `CHAT_MISMATCH_USER` | `INVALID_PARAMETERS` | `user not found` (*sim*) | `send` to someone not in the session |
//! | 7002 `CHAT_INSUFFICIENT_PRIVILEGE` | `INSUFFICIENT_PRIVILEGES` | `chat not allowed` (*sim*) | `send` against the host's `ChatPrivilege` |
//! | 7003 `CHAT_INVALID_PRIVILEGE` | `INSUFFICIENT_PRIVILEGES` | `host or manager only` (*sim*) | `setPrivilege` as a participant |
//! | 7200 `RECORDING_ACCOUNT_DISABLE` | `INVALID_OPERATION` | `cloud recording disabled` (*sim*) | `startCloudRecording` with [`SimConfig::cloud_recording`](crate::SimConfig::cloud_recording) false |
//! | 7202 `RECORDING_MISMATCH_STATE` | `INVALID_OPERATION` | `recording state mismatch` (*sim*) | a recording control that does not fit its status |
//! | 7203 `RECORDING_ISO_DISABLE` | `INVALID_OPERATION` | `individual recording not asked` (*sim*) | accepting or declining with no `Ask` |
//! | 6205 `SCREEN_SHARE_MISMATCH_STATE` | `INVALID_OPERATION` | `share already started` / `share not started` (*sim*) | `startShareScreen` twice, `stopShareScreen` without a share |

use crate::payload::{ErrorType, SdkFailure};

/// The reason of a `200` for an expired or out-of-bounds token, quoted from
/// `error-codes.md`.
pub const TOKEN_EXPIRED_REASON: &str =
    "The token has expired, is over 2 days old, or is ineffective";

fn f(kind: ErrorType, error_code: i64, reason: &str) -> SdkFailure {
    SdkFailure {
        kind,
        reason: reason.to_owned(),
        error_code,
    }
}

pub(crate) fn cancelled() -> SdkFailure {
    f(ErrorType::InvalidOperation, 3, "operation cancelled")
}
pub(crate) fn session_fetch(reason: &str) -> SdkFailure {
    f(ErrorType::InvalidOperation, 200, reason)
}
pub(crate) fn token_expired() -> SdkFailure {
    session_fetch(TOKEN_EXPIRED_REASON)
}
pub(crate) fn connection_error() -> SdkFailure {
    session_fetch("connection error")
}
pub(crate) fn wrong_password() -> SdkFailure {
    f(ErrorType::InvalidParameters, 3004, "invalid password")
}
pub(crate) fn user_removed() -> SdkFailure {
    f(ErrorType::InvalidOperation, 3009, "user removed")
}
pub(crate) fn role_type() -> SdkFailure {
    f(ErrorType::InvalidParameters, 3010, "invalid role type")
}
pub(crate) fn platform_unsupported() -> SdkFailure {
    f(ErrorType::InvalidOperation, 5000, "platform unsupported")
}
pub(crate) fn assets_inaccessible() -> SdkFailure {
    f(
        ErrorType::InvalidOperation,
        5001,
        "dependent assets inaccessible",
    )
}
pub(crate) fn closed() -> SdkFailure {
    f(ErrorType::ImproperMeetingState, 5002, "closed")
}
pub(crate) fn reconnecting() -> SdkFailure {
    f(ErrorType::ImproperMeetingState, 5003, "reconnecting")
}
pub(crate) fn host_only() -> SdkFailure {
    f(ErrorType::InsufficientPrivileges, 5007, "host only")
}
pub(crate) fn duplicated_join() -> SdkFailure {
    f(ErrorType::InvalidOperation, 5012, "duplicated operation")
}
pub(crate) fn invalid_join_parameter(reason: &str) -> SdkFailure {
    f(ErrorType::InvalidParameters, 5013, reason)
}
pub(crate) fn device_mismatch() -> SdkFailure {
    f(ErrorType::InvalidParameters, 6000, "device not found")
}
pub(crate) fn user_mismatch() -> SdkFailure {
    f(ErrorType::InvalidParameters, 6001, "user not found")
}
pub(crate) fn join_required() -> SdkFailure {
    f(ErrorType::ImproperMeetingState, 6002, "join required")
}
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
pub(crate) fn render_element() -> SdkFailure {
    f(ErrorType::InvalidParameters, 6003, "invalid render element")
}
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
pub(crate) fn render_limit() -> SdkFailure {
    f(
        ErrorType::InvalidOperation,
        6111,
        "exceed max rendered video count",
    )
}
pub(crate) fn audio_capture(reason: &str) -> SdkFailure {
    f(ErrorType::InvalidOperation, 6010, reason)
}
pub(crate) fn audio_capture_loading() -> SdkFailure {
    f(ErrorType::InvalidOperation, 6011, "audio capture loading")
}
pub(crate) fn audio_not_started() -> SdkFailure {
    f(ErrorType::InvalidOperation, 6015, "audio not started")
}
pub(crate) fn camera_denied() -> SdkFailure {
    f(
        ErrorType::InvalidOperation,
        6100,
        "camera permission denied",
    )
}
pub(crate) fn no_camera() -> SdkFailure {
    f(ErrorType::InvalidOperation, 6101, "no camera")
}
pub(crate) fn camera_mismatch() -> SdkFailure {
    f(ErrorType::InvalidParameters, 6102, "camera not found")
}
pub(crate) fn video_capture_loading() -> SdkFailure {
    f(ErrorType::InvalidOperation, 6105, "video capture loading")
}
pub(crate) fn video_state(reason: &str) -> SdkFailure {
    f(ErrorType::InvalidOperation, 6109, reason)
}
pub(crate) fn share_denied() -> SdkFailure {
    f(ErrorType::InvalidOperation, 6200, "user denied")
}
pub(crate) fn share_state(reason: &str) -> SdkFailure {
    f(ErrorType::InvalidOperation, 6205, reason)
}

pub(crate) fn host_or_manager_only() -> SdkFailure {
    f(
        ErrorType::InsufficientPrivileges,
        5006,
        "host or manager only",
    )
}
pub(crate) fn chat_empty() -> SdkFailure {
    f(ErrorType::InvalidParameters, 7000, "empty message")
}
pub(crate) fn chat_user_mismatch() -> SdkFailure {
    f(ErrorType::InvalidParameters, 7001, "user not found")
}
pub(crate) fn chat_not_allowed() -> SdkFailure {
    f(ErrorType::InsufficientPrivileges, 7002, "chat not allowed")
}
pub(crate) fn chat_privilege_host_only() -> SdkFailure {
    f(
        ErrorType::InsufficientPrivileges,
        7003,
        "host or manager only",
    )
}
pub(crate) fn recording_disabled() -> SdkFailure {
    f(
        ErrorType::InvalidOperation,
        7200,
        "cloud recording disabled",
    )
}
pub(crate) fn recording_state() -> SdkFailure {
    f(
        ErrorType::InvalidOperation,
        7202,
        "recording state mismatch",
    )
}
pub(crate) fn recording_iso() -> SdkFailure {
    f(
        ErrorType::InvalidOperation,
        7203,
        "individual recording not asked",
    )
}
