//! The names of the SDK events the simulator emits, exactly as
//! `VideoClient.on` takes them (each is an overload of `on` in the SDK's
//! `videoclient.json`; `tests/conformance.rs` checks that).

/// `connection-change`, payload [`ConnectionChangePayload`](crate::payload::ConnectionChangePayload).
pub const CONNECTION_CHANGE: &str = "connection-change";
/// `user-added`, payload `ParticipantPropertiesPayload[]`.
pub const USER_ADDED: &str = "user-added";
/// `user-updated`, payload `ParticipantPropertiesPayload[]`.
pub const USER_UPDATED: &str = "user-updated";
/// `user-removed`, payload `ParticipantPropertiesPayload[]`.
pub const USER_REMOVED: &str = "user-removed";
/// `active-speaker`, payload `ActiveSpeaker[]`.
pub const ACTIVE_SPEAKER: &str = "active-speaker";
/// `current-audio-change`.
pub const CURRENT_AUDIO_CHANGE: &str = "current-audio-change";
/// `host-ask-unmute-audio`.
pub const HOST_ASK_UNMUTE_AUDIO: &str = "host-ask-unmute-audio";
/// `speaking-while-muted`, no payload.
pub const SPEAKING_WHILE_MUTED: &str = "speaking-while-muted";
/// `auto-play-audio-failed`, no payload.
pub const AUTO_PLAY_AUDIO_FAILED: &str = "auto-play-audio-failed";
/// `video-capturing-change`.
pub const VIDEO_CAPTURING_CHANGE: &str = "video-capturing-change";
/// `peer-video-state-change`.
pub const PEER_VIDEO_STATE_CHANGE: &str = "peer-video-state-change";
/// `active-share-change`.
pub const ACTIVE_SHARE_CHANGE: &str = "active-share-change";
/// `peer-share-state-change`.
pub const PEER_SHARE_STATE_CHANGE: &str = "peer-share-state-change";
/// `passively-stop-share`, payload a `PassiveStopShareReason` string.
pub const PASSIVELY_STOP_SHARE: &str = "passively-stop-share";
/// `device-change`, no payload: read the device lists again.
pub const DEVICE_CHANGE: &str = "device-change";
/// `device-permission-change`.
pub const DEVICE_PERMISSION_CHANGE: &str = "device-permission-change";
/// `active-media-failed`.
pub const ACTIVE_MEDIA_FAILED: &str = "active-media-failed";
/// `network-quality-change`.
pub const NETWORK_QUALITY_CHANGE: &str = "network-quality-change";

/// `chat-on-message`.
pub const CHAT_ON_MESSAGE: &str = "chat-on-message";
/// `chat-privilege-change`.
pub const CHAT_PRIVILEGE_CHANGE: &str = "chat-privilege-change";
/// `recording-change`: a bare `RecordingStatus`.
pub const RECORDING_CHANGE: &str = "recording-change";
/// `individual-recording-change`.
pub const INDIVIDUAL_RECORDING_CHANGE: &str = "individual-recording-change";
/// `share-privilege-change`.
pub const SHARE_PRIVILEGE_CHANGE: &str = "share-privilege-change";

/// `current-audio-level-change`: the local microphone's level, 0-9.
pub const CURRENT_AUDIO_LEVEL_CHANGE: &str = "current-audio-level-change";

/// Every event the simulator can emit.
pub const ALL: &[&str] = &[
    CONNECTION_CHANGE,
    USER_ADDED,
    USER_UPDATED,
    USER_REMOVED,
    ACTIVE_SPEAKER,
    CURRENT_AUDIO_CHANGE,
    HOST_ASK_UNMUTE_AUDIO,
    SPEAKING_WHILE_MUTED,
    AUTO_PLAY_AUDIO_FAILED,
    VIDEO_CAPTURING_CHANGE,
    PEER_VIDEO_STATE_CHANGE,
    ACTIVE_SHARE_CHANGE,
    PEER_SHARE_STATE_CHANGE,
    PASSIVELY_STOP_SHARE,
    DEVICE_CHANGE,
    DEVICE_PERMISSION_CHANGE,
    ACTIVE_MEDIA_FAILED,
    NETWORK_QUALITY_CHANGE,
    CHAT_ON_MESSAGE,
    CHAT_PRIVILEGE_CHANGE,
    RECORDING_CHANGE,
    INDIVIDUAL_RECORDING_CHANGE,
    SHARE_PRIVILEGE_CHANGE,
    CURRENT_AUDIO_LEVEL_CHANGE,
];
