//! Every object the simulator hands to SDK callers: event payloads, returned
//! objects and rejections, shaped exactly as `@zoom/videosdk` 2.5.0 declares
//! them.
//!
//! The rule this file keeps (checked by `tests/conformance.rs` against the
//! SDK's own `dist/types-json`, and by the lead's conformance tool):
//!
//! - each struct's container `#[serde(rename = "...")]` names what it
//!   implements: a types-json **interface** (`ConnectionChangePayload`,
//!   `Participant`, ...) or, for an event whose payload the SDK declares
//!   inline, the **event declaration** (`event_network_quality_change`),
//!   whose `payloadType` object literal lists the fields;
//! - every serialized field name is one of that declaration's properties,
//!   and every property the SDK marks required is present;
//! - each SDK enum's container `#[serde(rename = "...")]` names the types-json
//!   enum or type alias, and every value it can serialize to is a member;
//!   enums for inline literal unions (`'uplink' | 'downlink'`) carry no
//!   container name and are checked against the type of each field that
//!   uses them.

use serde::{Deserialize, Serialize};

// ----------------------------------------------------------------------------
// Rejections
// ----------------------------------------------------------------------------

/// `ErrorTypes` (`common.d.ts`): the `type` of a rejection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename = "ErrorTypes")]
pub enum ErrorType {
    /// `INVALID_OPERATION`: invalid, perhaps duplicated.
    #[serde(rename = "INVALID_OPERATION")]
    InvalidOperation,
    /// `INTERNAL_ERROR`: the remote service is temporarily unavailable.
    #[serde(rename = "INTERNAL_ERROR")]
    InternalError,
    /// `OPERATION_TIMEOUT`.
    #[serde(rename = "OPERATION_TIMEOUT")]
    OperationTimeout,
    /// `INSUFFICIENT_PRIVILEGES`: host or manager only.
    #[serde(rename = "INSUFFICIENT_PRIVILEGES")]
    InsufficientPrivileges,
    /// `IMPROPER_MEETING_STATE`: not in a session (`closed`, `reconnecting`).
    #[serde(rename = "IMPROPER_MEETING_STATE")]
    ImproperMeetingState,
    /// `INVALID_PARAMETERS`.
    #[serde(rename = "INVALID_PARAMETERS")]
    InvalidParameters,
    /// `OPERATION_LOCKED`.
    #[serde(rename = "OPERATION_LOCKED")]
    OperationLocked,
}

/// `ExecutedFailure`: what every SDK promise rejects with, a plain object
/// `{ type, reason, errorCode }`. Which one the simulator uses for what is
/// listed in [`crate::failure`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename = "ExecutedFailure", rename_all = "camelCase")]
pub struct SdkFailure {
    /// `type`.
    #[serde(rename = "type")]
    pub kind: ErrorType,
    /// `reason`, human-readable.
    pub reason: String,
    /// `errorCode`, from `ExceptionCode` (`exception-code.d.ts`).
    pub error_code: i64,
}

impl std::fmt::Display for SdkFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?} {}: {}", self.kind, self.error_code, self.reason)
    }
}

impl std::error::Error for SdkFailure {}

// ----------------------------------------------------------------------------
// connection-change
// ----------------------------------------------------------------------------

/// `ConnectionState` (`event-callback.d.ts`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename = "ConnectionState")]
pub enum ConnectionState {
    /// `Connected`.
    #[serde(rename = "Connected")]
    Connected,
    /// `Reconnecting`: failover.
    #[serde(rename = "Reconnecting")]
    Reconnecting,
    /// `Closed`: left, ended by the host, or removed.
    #[serde(rename = "Closed")]
    Closed,
    /// `Fail`.
    #[serde(rename = "Fail")]
    Fail,
}

/// `ReconnectReason` (`common.d.ts`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename = "ReconnectReason")]
pub enum ReconnectReason {
    /// `failover`.
    #[serde(rename = "failover")]
    Failover,
    /// `join breakout room`.
    #[serde(rename = "join breakout room")]
    JoinSubsession,
    /// `move to breakout room`.
    #[serde(rename = "move to breakout room")]
    MoveToSubsession,
    /// `back to main session`.
    #[serde(rename = "back to main session")]
    BackToMainSession,
}

/// `ClosedReason` (`event-callback.d.ts`, a type alias of three strings;
/// `expeled` is Zoom's spelling).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename = "ClosedReason")]
pub enum ClosedReason {
    /// `kicked by host`.
    #[serde(rename = "kicked by host")]
    KickedByHost,
    /// `ended by host`.
    #[serde(rename = "ended by host")]
    EndedByHost,
    /// `expeled by host`.
    #[serde(rename = "expeled by host")]
    ExpeledByHost,
}

/// `ReconnectReason | ClosedReason`, the type of `reason`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ConnectionReason {
    /// While `Reconnecting`.
    Reconnect(ReconnectReason),
    /// When `Closed` by the host.
    Closed(ClosedReason),
}

/// `ConnectionChangePayload`: the payload of `connection-change`.
///
/// Zoom's `handle_events.md` also mentions an `errorCode` on `Fail`, but the
/// SDK's declarations do not have it, so the simulator does not send it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename = "ConnectionChangePayload", rename_all = "camelCase")]
pub struct ConnectionChangePayload {
    /// `state`.
    pub state: ConnectionState,
    /// `reason`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<ConnectionReason>,
    /// `subsessionName` (never set: the simulator has no subsessions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subsession_name: Option<String>,
}

// ----------------------------------------------------------------------------
// Participants
// ----------------------------------------------------------------------------

/// `'' | 'computer' | 'phone'`: a participant's audio.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum AudioKind {
    /// `''`: no audio.
    #[default]
    #[serde(rename = "")]
    None,
    /// `computer`.
    #[serde(rename = "computer")]
    Computer,
    /// `phone`.
    #[serde(rename = "phone")]
    Phone,
}

/// `Participant` (`common.d.ts`): what `getAllUser()`,
/// `getCurrentUserInfo()` return.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename = "Participant", rename_all = "camelCase")]
pub struct Participant {
    /// `userId`.
    pub user_id: u32,
    /// `displayName`.
    pub display_name: String,
    /// `audio`.
    pub audio: AudioKind,
    /// `muted`: absent while the user has no audio.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub muted: Option<bool>,
    /// `isHost`.
    pub is_host: bool,
    /// `isManager`.
    pub is_manager: bool,
    /// `bVideoOn`.
    pub b_video_on: bool,
    /// `sharerOn`.
    pub sharer_on: bool,
    /// `sharerPause`.
    pub sharer_pause: bool,
    /// `isAllowIndividualRecording`.
    pub is_allow_individual_recording: bool,
    /// `isVideoConnect`: the user has a camera.
    pub is_video_connect: bool,
    /// `userGuid`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_guid: Option<String>,
    /// `userIdentity`: the JWT's `user_identity` (deprecated by Zoom).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_identity: Option<String>,
    /// `userKey`: the JWT's `user_key`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_key: Option<String>,
    /// `isInFailover`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_in_failover: Option<bool>,
}

/// `ParticipantPropertiesPayload`: one element of `user-added`,
/// `user-updated` and `user-removed`. `user-added` carries every property
/// the simulator models; `user-updated` only `userId` and what changed.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename = "ParticipantPropertiesPayload", rename_all = "camelCase")]
pub struct ParticipantPropertiesPayload {
    /// `userId`.
    pub user_id: u32,
    /// `displayName`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// `audio`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audio: Option<AudioKind>,
    /// `isHost`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_host: Option<bool>,
    /// `isManager`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_manager: Option<bool>,
    /// `muted`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub muted: Option<bool>,
    /// `bVideoOn`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub b_video_on: Option<bool>,
    /// `sharerOn`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sharer_on: Option<bool>,
    /// `sharerPause`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sharer_pause: Option<bool>,
    /// `userGuid`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_guid: Option<String>,
    /// `isAllowIndividualRecording` (declared required; sent on `user-added`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_allow_individual_recording: Option<bool>,
    /// `isVideoConnect`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_video_connect: Option<bool>,
    /// `userIdentity`: the JWT's `user_key` (or older `user_identity`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_identity: Option<String>,
    /// `isInFailover`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_in_failover: Option<bool>,
}

impl ParticipantPropertiesPayload {
    /// Only `userId`; fill in what changed.
    #[must_use]
    pub fn id(user_id: u32) -> Self {
        ParticipantPropertiesPayload {
            user_id,
            ..Default::default()
        }
    }
}

/// `ActiveSpeaker`: one element of `active-speaker`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename = "ActiveSpeaker", rename_all = "camelCase")]
pub struct ActiveSpeaker {
    /// `userId`.
    pub user_id: u32,
    /// `displayName`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
}

// ----------------------------------------------------------------------------
// Session, devices, capabilities
// ----------------------------------------------------------------------------

/// `SessionInfo` (`videoclient.d.ts`): `getSessionInfo()`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename = "SessionInfo", rename_all = "camelCase")]
pub struct SessionInfo {
    /// `topic`.
    pub topic: String,
    /// `password`.
    pub password: String,
    /// `userName`.
    pub user_name: String,
    /// `userId`.
    pub user_id: u32,
    /// `isInMeeting`.
    pub is_in_meeting: bool,
    /// `sessionId`.
    pub session_id: String,
}

/// `MediaCompatibility` (`videoclient.d.ts`): `checkSystemRequirements()`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename = "MediaCompatibility", rename_all = "camelCase")]
pub struct MediaCompatibility {
    /// `audio`.
    pub audio: bool,
    /// `video`.
    pub video: bool,
    /// `screen`.
    pub screen: bool,
}

impl Default for MediaCompatibility {
    fn default() -> Self {
        MediaCompatibility {
            audio: true,
            video: true,
            screen: true,
        }
    }
}

/// `MediaDevice` (`media.d.ts`): an element of `getCameraList()`,
/// `getMicList()`, `getSpeakerList()`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename = "MediaDevice", rename_all = "camelCase")]
pub struct MediaDevice {
    /// `label`.
    pub label: String,
    /// `deviceId`.
    pub device_id: String,
}

/// `AudioOption` (`media.d.ts`), the part `startAudio(options)` reads.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename = "AudioOption", rename_all = "camelCase")]
pub struct AudioOption {
    /// `mute`: join audio muted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mute: Option<bool>,
    /// `microphoneId`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub microphone_id: Option<String>,
    /// `speakerId`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speaker_id: Option<String>,
}

/// `CaptureVideoOption` (`media.d.ts`), the part `startVideo(option)` reads.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename = "CaptureVideoOption", rename_all = "camelCase")]
pub struct CaptureVideoOption {
    /// `cameraId`: a device id from `getCameraList()`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub camera_id: Option<String>,
    /// `hd`: ask for 720p.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hd: Option<bool>,
    /// `fullHd`: ask for 1080p.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub full_hd: Option<bool>,
}

// ----------------------------------------------------------------------------
// Audio events
// ----------------------------------------------------------------------------

/// `AudioChangeAction` (`common.d.ts`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename = "AudioChangeAction")]
pub enum AudioChangeAction {
    /// `join`.
    #[serde(rename = "join")]
    Join,
    /// `leave`.
    #[serde(rename = "leave")]
    Leave,
    /// `muted`.
    #[serde(rename = "muted")]
    Muted,
    /// `unmuted`.
    #[serde(rename = "unmuted")]
    Unmuted,
}

/// `MutedSource` (`common.d.ts`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename = "MutedSource")]
pub enum MutedSource {
    /// `active`: the user did it.
    #[serde(rename = "active")]
    Active,
    /// `passive(mute one)`: the host muted this user.
    #[serde(rename = "passive(mute one)")]
    PassiveByMuteOne,
    /// `passive(mute all)`: the host muted everyone.
    #[serde(rename = "passive(mute all)")]
    PassiveByMuteAll,
}

/// `LeaveAudioSource` (`common.d.ts`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename = "LeaveAudioSource")]
pub enum LeaveAudioSource {
    /// `active`.
    #[serde(rename = "active")]
    Active,
    /// `failover`.
    #[serde(rename = "failover")]
    Failover,
    /// `audio stream is ended by system`.
    #[serde(rename = "audio stream is ended by system")]
    EndedBySystem,
    /// `pstn`.
    #[serde(rename = "pstn")]
    Pstn,
    /// `microphone error`.
    #[serde(rename = "microphone error")]
    MicrophoneError,
}

/// `MutedSource | LeaveAudioSource`: `source` of `current-audio-change`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(untagged)]
pub enum AudioChangeSource {
    /// With `muted` / `unmuted`.
    Muted(MutedSource),
    /// With `leave`.
    Leave(LeaveAudioSource),
}

/// `'phone' | 'computer'`: `type` of `current-audio-change`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AudioJoinType {
    /// `computer`.
    #[serde(rename = "computer")]
    Computer,
    /// `phone`.
    #[serde(rename = "phone")]
    Phone,
}

/// The payload of `current-audio-change` (declared inline).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename = "event_current_audio_change", rename_all = "camelCase")]
pub struct CurrentAudioChangePayload {
    /// `action`.
    pub action: AudioChangeAction,
    /// `type`: with `join`.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<AudioJoinType>,
    /// `source`: with `leave`, `muted`, `unmuted`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<AudioChangeSource>,
}

/// `'Unmute'`: `reason` of `host-ask-unmute-audio`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum UnmuteReason {
    /// `Unmute`.
    #[serde(rename = "Unmute")]
    Unmute,
}

/// The payload of `host-ask-unmute-audio` (declared inline).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename = "event_host_ask_unmute_audio", rename_all = "camelCase")]
pub struct HostAskUnmuteAudioPayload {
    /// `reason`.
    pub reason: UnmuteReason,
}

// ----------------------------------------------------------------------------
// Video and share events
// ----------------------------------------------------------------------------

/// `VideoCapturingState` (`event-callback.d.ts`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename = "VideoCapturingState")]
pub enum VideoCapturingState {
    /// `Started`.
    #[serde(rename = "Started")]
    Started,
    /// `Stopped`.
    #[serde(rename = "Stopped")]
    Stopped,
    /// `Failed`.
    #[serde(rename = "Failed")]
    Failed,
}

/// The payload of `video-capturing-change` (declared inline).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename = "event_video_capturing_change", rename_all = "camelCase")]
pub struct VideoCapturingChangePayload {
    /// `state`.
    pub state: VideoCapturingState,
}

/// `'Start' | 'Stop'`: a peer's video or share.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PeerAction {
    /// `Start`.
    #[serde(rename = "Start")]
    Start,
    /// `Stop`.
    #[serde(rename = "Stop")]
    Stop,
}

/// The payload of `peer-video-state-change` (declared inline).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename = "event_peer_video_state_change", rename_all = "camelCase")]
pub struct PeerVideoStateChangePayload {
    /// `action`.
    pub action: PeerAction,
    /// `userId`.
    pub user_id: u32,
}

/// `'Active' | 'Inactive'`: `state` of `active-share-change`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ShareState {
    /// `Active`.
    #[serde(rename = "Active")]
    Active,
    /// `Inactive`.
    #[serde(rename = "Inactive")]
    Inactive,
}

/// The payload of `active-share-change` (declared inline).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename = "event_active_share_change", rename_all = "camelCase")]
pub struct ActiveShareChangePayload {
    /// `state`.
    pub state: ShareState,
    /// `userId`.
    pub user_id: u32,
}

/// The payload of `peer-share-state-change` (declared inline).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename = "event_peer_share_state_change", rename_all = "camelCase")]
pub struct PeerShareStateChangePayload {
    /// `userId`.
    pub user_id: u32,
    /// `action`.
    pub action: PeerAction,
}

/// `PassiveStopShareReason` (`event-callback.d.ts`): the whole payload of
/// `passively-stop-share`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename = "PassiveStopShareReason")]
pub enum PassiveStopShareReason {
    /// `PrivilegeChange`.
    #[serde(rename = "PrivilegeChange")]
    PrivilegeChange,
    /// `StopScreenCapture`: the browser's own "stop sharing" button.
    #[serde(rename = "StopScreenCapture")]
    StopScreenCapture,
}

// ----------------------------------------------------------------------------
// Devices, permissions, media failures, network
// ----------------------------------------------------------------------------

/// `'microphone' | 'camera'`: `name` of `device-permission-change`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum PermissionName {
    /// `microphone`.
    #[serde(rename = "microphone")]
    Microphone,
    /// `camera`.
    #[serde(rename = "camera")]
    Camera,
}

/// `'denied' | 'granted' | 'prompt'`: `state` of `device-permission-change`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PermissionState {
    /// `denied`.
    #[serde(rename = "denied")]
    Denied,
    /// `granted`.
    #[serde(rename = "granted")]
    Granted,
    /// `prompt`.
    #[serde(rename = "prompt")]
    Prompt,
}

/// The payload of `device-permission-change` (declared inline).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename = "event_device_permission_change", rename_all = "camelCase")]
pub struct DevicePermissionChangePayload {
    /// `name`.
    pub name: PermissionName,
    /// `state`.
    pub state: PermissionState,
}

/// `ActiveMediaFailedCode` (`common.d.ts`), sent as its number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename = "ActiveMediaFailedCode", into = "u16", try_from = "u16")]
#[repr(u16)]
pub enum ActiveMediaFailedCode {
    /// 101: failed to establish the audio data channel.
    AudioConnectionFailed = 101,
    /// 102: audio track ended.
    AudioStreamEnded = 102,
    /// 103: microphone permission denied.
    MicrophonePermissionReset = 103,
    /// 104: failed to get audio data from the stream.
    AudioStreamFailed = 104,
    /// 105: microphone muted in the system.
    MicrophoneMuted = 105,
    /// 106: sent audio playback was interrupted.
    AudioStreamMuted = 106,
    /// 107: remote audio playback was interrupted.
    AudioPlaybackInterrupted = 107,
    /// 201: failed to establish the video data channel.
    VideoConnectionFailed = 201,
    /// 202: video track ended.
    VideoStreamEnded = 202,
    /// 203: camera permission denied.
    CameraPermissionReset = 203,
    /// 204: WebGL context invalid.
    WebGlContextInvalid = 204,
    /// 205: out of memory.
    WasmOutOfMemory = 205,
    /// 206: failed to get video data from the stream.
    VideoStreamFailed = 206,
    /// 207: video stream was interrupted.
    VideoStreamMuted = 207,
    /// 301: failed to get sharing data from the stream.
    SharingStreamFailed = 301,
}

impl ActiveMediaFailedCode {
    /// Every code, in order.
    pub const ALL: [ActiveMediaFailedCode; 15] = [
        Self::AudioConnectionFailed,
        Self::AudioStreamEnded,
        Self::MicrophonePermissionReset,
        Self::AudioStreamFailed,
        Self::MicrophoneMuted,
        Self::AudioStreamMuted,
        Self::AudioPlaybackInterrupted,
        Self::VideoConnectionFailed,
        Self::VideoStreamEnded,
        Self::CameraPermissionReset,
        Self::WebGlContextInvalid,
        Self::WasmOutOfMemory,
        Self::VideoStreamFailed,
        Self::VideoStreamMuted,
        Self::SharingStreamFailed,
    ];

    /// Which media the code is about: 1xx audio, 2xx video, 3xx sharing.
    #[must_use]
    pub fn media(self) -> MediaFailedType {
        match self as u16 {
            100..=199 => MediaFailedType::Audio,
            200..=299 => MediaFailedType::Video,
            _ => MediaFailedType::Sharing,
        }
    }

    /// The SDK's description of the code (its doc comment in `common.d.ts`),
    /// used as the event's `message`.
    #[must_use]
    pub fn message(self) -> &'static str {
        match self {
            Self::AudioConnectionFailed => "Failed to establish the audio data channel.",
            Self::AudioStreamEnded => "Audio track ended.",
            Self::MicrophonePermissionReset => "Microphone permission denied.",
            Self::AudioStreamFailed => "Failed to get audio data from the stream.",
            Self::MicrophoneMuted => "Microphone muted in the system.",
            Self::AudioStreamMuted => "Sent audio playback was interrupted.",
            Self::AudioPlaybackInterrupted => "Remote audio playback was interrupted.",
            Self::VideoConnectionFailed => "Failed to establish the video data channel.",
            Self::VideoStreamEnded => "Video track ended.",
            Self::CameraPermissionReset => "Camera permission denied.",
            Self::WebGlContextInvalid => "WebGL context invalid.",
            Self::WasmOutOfMemory => "Out of memory",
            Self::VideoStreamFailed => "Failed to get video data from the stream.",
            Self::VideoStreamMuted => "Video stream was interrupted.",
            Self::SharingStreamFailed => "Failed to get sharing data from the stream.",
        }
    }
}

impl From<ActiveMediaFailedCode> for u16 {
    fn from(code: ActiveMediaFailedCode) -> u16 {
        code as u16
    }
}

impl TryFrom<u16> for ActiveMediaFailedCode {
    type Error = String;
    fn try_from(n: u16) -> Result<Self, String> {
        Self::ALL
            .iter()
            .copied()
            .find(|c| *c as u16 == n)
            .ok_or_else(|| format!("{n} is not an ActiveMediaFailedCode (101-107, 201-207, 301)"))
    }
}

/// `'audio' | 'video' | 'sharing'`: `type` of `active-media-failed`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum MediaFailedType {
    /// `audio`.
    #[serde(rename = "audio")]
    Audio,
    /// `video`.
    #[serde(rename = "video")]
    Video,
    /// `sharing`.
    #[serde(rename = "sharing")]
    Sharing,
}

/// The payload of `active-media-failed` (declared inline).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename = "event_active_media_failed", rename_all = "camelCase")]
pub struct ActiveMediaFailedPayload {
    /// `code`.
    pub code: ActiveMediaFailedCode,
    /// `message`.
    pub message: String,
    /// `type`.
    #[serde(rename = "type")]
    pub kind: MediaFailedType,
}

/// `'uplink' | 'downlink'`: `type` of `network-quality-change`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum QualityDirection {
    /// `uplink`.
    #[serde(rename = "uplink")]
    Uplink,
    /// `downlink`.
    #[serde(rename = "downlink")]
    Downlink,
}

/// The payload of `network-quality-change` (declared inline). `level` is
/// 0-5: 0-1 bad, 2 normal, 3-5 good (`NetworkQuality` in `media.d.ts`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename = "event_network_quality_change", rename_all = "camelCase")]
pub struct NetworkQualityChangePayload {
    /// `userId`.
    pub user_id: u32,
    /// `type`.
    #[serde(rename = "type")]
    pub kind: QualityDirection,
    /// `level`, 0-5.
    pub level: u8,
}

/// The payload of `current-audio-level-change` (declared inline).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename = "event_current_audio_level_change")]
pub struct CurrentAudioLevelChangePayload {
    /// `level`, 0-9.
    pub level: u8,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn payloads_serialize_with_the_sdk_field_names() {
        let p = ConnectionChangePayload {
            state: ConnectionState::Closed,
            reason: Some(ConnectionReason::Closed(ClosedReason::ExpeledByHost)),
            subsession_name: None,
        };
        assert_eq!(
            serde_json::to_value(&p).unwrap(),
            json!({"state": "Closed", "reason": "expeled by host"})
        );
        let f = SdkFailure {
            kind: ErrorType::InvalidOperation,
            reason: "x".into(),
            error_code: 200,
        };
        assert_eq!(
            serde_json::to_value(&f).unwrap(),
            json!({"type": "INVALID_OPERATION", "reason": "x", "errorCode": 200})
        );
        let mut u = ParticipantPropertiesPayload::id(7);
        u.b_video_on = Some(true);
        assert_eq!(
            serde_json::to_value(&u).unwrap(),
            json!({"userId": 7, "bVideoOn": true})
        );
        let m = ActiveMediaFailedPayload {
            code: ActiveMediaFailedCode::CameraPermissionReset,
            message: "m".into(),
            kind: MediaFailedType::Video,
        };
        assert_eq!(
            serde_json::to_value(&m).unwrap(),
            json!({"code": 203, "message": "m", "type": "video"})
        );
    }

    #[test]
    fn media_failed_codes_round_trip_as_numbers() {
        for c in ActiveMediaFailedCode::ALL {
            let v = serde_json::to_value(c).unwrap();
            assert_eq!(v, json!(c as u16));
            assert_eq!(
                serde_json::from_value::<ActiveMediaFailedCode>(v).unwrap(),
                c
            );
        }
        assert!(serde_json::from_value::<ActiveMediaFailedCode>(json!(108)).is_err());
    }
}

// ----------------------------------------------------------------------------
// Chat, recording, share privilege
// ----------------------------------------------------------------------------

/// The sender or receiver of a [`ChatMessagePayload`] (declared inline in
/// `ChatMessage`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChatParty {
    /// `name`.
    pub name: String,
    /// `userId` (0 for everyone: `ChatMsgType.All`).
    pub user_id: u32,
}

/// `ChatMessage` (`chat.d.ts`): `chat-on-message`, and what `send` /
/// `sendToAll` resolve with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename = "ChatMessage", rename_all = "camelCase")]
pub struct ChatMessagePayload {
    /// `id`.
    pub id: String,
    /// `message`.
    pub message: String,
    /// `sender`.
    pub sender: ChatParty,
    /// `receiver`.
    pub receiver: ChatParty,
    /// `timestamp` (Unix ms).
    pub timestamp: u64,
}

/// The payload of `chat-privilege-change` (declared inline).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename = "event_chat_privilege_change", rename_all = "camelCase")]
pub struct ChatPrivilegeChangePayload {
    /// `chatPrivilege`: a `ChatPrivilege` number (1 all, 4 no one, 5 everyone publicly).
    pub chat_privilege: u8,
}

/// `RecordingStatus` (`recording.d.ts`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename = "RecordingStatus")]
pub enum RecordingStatus {
    /// `Recording`.
    #[serde(rename = "Recording")]
    Recording,
    /// `Paused`.
    #[serde(rename = "Paused")]
    Paused,
    /// `Stopped`.
    #[serde(rename = "Stopped")]
    Stopped,
    /// `Ask`.
    #[serde(rename = "Ask")]
    Ask,
    /// `Accept`.
    #[serde(rename = "Accept")]
    Accept,
    /// `Decline`.
    #[serde(rename = "Decline")]
    Decline,
}

/// The payload of `individual-recording-change` (declared inline).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename = "event_individual_recording_change", rename_all = "camelCase")]
pub struct IndividualRecordingChangePayload {
    /// `status`.
    pub status: RecordingStatus,
    /// `userId`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<u32>,
}

/// The payload of `share-privilege-change` (declared inline).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename = "event_share_privilege_change", rename_all = "camelCase")]
pub struct SharePrivilegeChangePayload {
    /// `privilege`: a `SharePrivilege` number (0 unlocked, 1 locked, 3 multiple).
    pub privilege: u8,
}
