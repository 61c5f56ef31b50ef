//! The codes of `active-media-failed`: what broke in the local media, and
//! what to do about it.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::Remedy;
use crate::device::DeviceKind;
use crate::wire::{Decode, Encode};

/// `ActiveMediaFailedCode` from `common.d.ts`, sent by `active-media-failed`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ActiveMediaFailedCode {
    /// 101: failed to establish the audio data channel.
    AudioConnectionFailed,
    /// 102: audio track ended.
    AudioStreamEnded,
    /// 103: microphone permission denied.
    MicrophonePermissionReset,
    /// 104: failed to get audio data from the stream.
    AudioStreamFailed,
    /// 105: microphone muted in the system.
    MicrophoneMuted,
    /// 106: sent audio was interrupted (microphone briefly taken).
    AudioStreamMuted,
    /// 107: remote audio playback was interrupted.
    AudioPlaybackInterrupted,
    /// 201: failed to establish the video data channel.
    VideoConnectionFailed,
    /// 202: video track ended.
    VideoStreamEnded,
    /// 203: camera permission denied.
    CameraPermissionReset,
    /// 204: WebGL context invalid.
    WebGlContextInvalid,
    /// 205: out of memory.
    WasmOutOfMemory,
    /// 206: failed to get video data from the stream.
    VideoStreamFailed,
    /// 207: video stream was interrupted (camera briefly taken).
    VideoStreamMuted,
    /// 301: failed to get sharing data from the stream.
    SharingStreamFailed,
    /// A code this version does not know.
    Unknown(i64),
}

const ACTIVE_MEDIA: [(i64, &str, ActiveMediaFailedCode, Remedy); 15] = [
    (
        101,
        "AudioConnectionFailed",
        ActiveMediaFailedCode::AudioConnectionFailed,
        Remedy::RefreshPage,
    ),
    (
        102,
        "AudioStreamEnded",
        ActiveMediaFailedCode::AudioStreamEnded,
        Remedy::RefreshPage,
    ),
    (
        103,
        "MicrophonePermissionReset",
        ActiveMediaFailedCode::MicrophonePermissionReset,
        Remedy::GrantPermission,
    ),
    (
        104,
        "AudioStreamFailed",
        ActiveMediaFailedCode::AudioStreamFailed,
        Remedy::RestartBrowser,
    ),
    (
        105,
        "MicrophoneMuted",
        ActiveMediaFailedCode::MicrophoneMuted,
        Remedy::UnmuteInSystem,
    ),
    (
        106,
        "AudioStreamMuted",
        ActiveMediaFailedCode::AudioStreamMuted,
        Remedy::ClickToResume,
    ),
    (
        107,
        "AudioPlaybackInterrupted",
        ActiveMediaFailedCode::AudioPlaybackInterrupted,
        Remedy::ClickToResume,
    ),
    (
        201,
        "VideoConnectionFailed",
        ActiveMediaFailedCode::VideoConnectionFailed,
        Remedy::RefreshPage,
    ),
    (
        202,
        "VideoStreamEnded",
        ActiveMediaFailedCode::VideoStreamEnded,
        Remedy::RefreshPage,
    ),
    (
        203,
        "CameraPermissionReset",
        ActiveMediaFailedCode::CameraPermissionReset,
        Remedy::GrantPermission,
    ),
    (
        204,
        "WebGlContextInvalid",
        ActiveMediaFailedCode::WebGlContextInvalid,
        Remedy::CheckWebGl,
    ),
    (
        205,
        "WasmOutOfMemory",
        ActiveMediaFailedCode::WasmOutOfMemory,
        Remedy::RestartBrowser,
    ),
    (
        206,
        "VideoStreamFailed",
        ActiveMediaFailedCode::VideoStreamFailed,
        Remedy::RestartBrowser,
    ),
    (
        207,
        "VideoStreamMuted",
        ActiveMediaFailedCode::VideoStreamMuted,
        Remedy::ClickToResume,
    ),
    (
        301,
        "SharingStreamFailed",
        ActiveMediaFailedCode::SharingStreamFailed,
        Remedy::RestartBrowser,
    ),
];

impl ActiveMediaFailedCode {
    /// The typed code for a number.
    #[must_use]
    pub fn from_code(code: i64) -> Self {
        ACTIVE_MEDIA
            .iter()
            .find(|row| row.0 == code)
            .map(|row| row.2)
            .unwrap_or(ActiveMediaFailedCode::Unknown(code))
    }

    /// Every known code with Zoom's member name.
    pub fn all() -> impl Iterator<Item = (i64, &'static str, ActiveMediaFailedCode)> {
        ACTIVE_MEDIA.iter().map(|row| (row.0, row.1, row.2))
    }

    /// Zoom's number.
    #[must_use]
    pub fn code(self) -> i64 {
        match self {
            ActiveMediaFailedCode::Unknown(n) => n,
            known => ACTIVE_MEDIA
                .iter()
                .find(|row| row.2 == known)
                .map(|row| row.0)
                .unwrap_or(0),
        }
    }

    /// The action Zoom suggests (`handle_events.md`, "active-media-failed").
    #[must_use]
    pub fn remedy(self) -> Remedy {
        ACTIVE_MEDIA
            .iter()
            .find(|row| row.2 == self)
            .map(|row| row.3)
            .unwrap_or(Remedy::RefreshPage)
    }

    /// The device this code is about, if it is about one.
    #[must_use]
    pub fn device(self) -> Option<DeviceKind> {
        match self.code() {
            103 | 105 => Some(DeviceKind::Microphone),
            107 => Some(DeviceKind::Speaker),
            203 => Some(DeviceKind::Camera),
            _ => None,
        }
    }

    /// True for a denied permission (103, 203).
    #[must_use]
    pub fn is_permission(self) -> bool {
        matches!(
            self,
            ActiveMediaFailedCode::MicrophonePermissionReset
                | ActiveMediaFailedCode::CameraPermissionReset
        )
    }
}

impl Serialize for ActiveMediaFailedCode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i64(self.code())
    }
}

impl Encode for ActiveMediaFailedCode {
    fn encode(&self) -> crate::wire::Value {
        Encode::encode(&self.code())
    }
}

impl Decode for ActiveMediaFailedCode {
    fn decode(v: &crate::wire::Value) -> Result<Self, crate::wire::Error> {
        i64::decode(v).map(ActiveMediaFailedCode::from_code)
    }
}

impl<'de> Deserialize<'de> for ActiveMediaFailedCode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(ActiveMediaFailedCode::from_code(crate::sdk::de_number(d)?))
    }
}
