//! Events from `@zoom/videosdk`, typed, with the SDK's own names and JSON shapes.
//!
//! Each payload type deserialises from exactly what `client.on(name, cb)` hands
//! `cb` (camelCase, as in `dist/types/event-callback.d.ts`), with serde or with
//! the wasm glue's [`wire`](crate::wire) codec ([`SdkEvent::decode_wire`]),
//! and a malformed payload is an error naming the missing or malformed field:
//!
//! ```
//! # use zoomkit_core::sdk::{SdkEvent, ConnectionState};
//! let json = r#"{"state":"Reconnecting","reason":"failover"}"#;
//! let mut de = serde_json::Deserializer::from_str(json);
//! let ev = SdkEvent::decode("connection-change", &mut de).unwrap();
//! assert!(matches!(ev, SdkEvent::ConnectionChange(c) if c.state == ConnectionState::Reconnecting));
//!
//! let mut de = serde_json::Deserializer::from_str(r#"{"reason":"failover"}"#);
//! let err = SdkEvent::decode("connection-change", &mut de).unwrap_err();
//! assert!(err.to_string().contains("missing field `state`"));
//! ```
//!
//! Only the fields zoomkit reads are modelled; others in the payload are ignored.

use std::fmt;

use serde::de::{Deserializer, Error as _};
use serde::{Deserialize, Serialize, Serializer};

use crate::error::ActiveMediaFailedCode;
use crate::wire::{Decode, Encode};

/// A participant's `userId`.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Default,
    Serialize,
    Deserialize,
    Encode,
    Decode,
)]
#[serde(transparent)]
pub struct UserId(pub u64);

impl fmt::Display for UserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Not `self.0.fmt(f)`: `u64`'s `Display` would come into the wasm
        // for this alone (see `wire::decimal`).
        f.write_str(&crate::wire::decimal(self.0))
    }
}

/// An event from the SDK, as the driver received it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum SdkEvent {
    /// `connection-change`.
    ConnectionChange(ConnectionChange),
    /// `user-added`.
    UserAdded(Vec<ParticipantProperties>),
    /// `user-updated`.
    UserUpdated(Vec<ParticipantProperties>),
    /// `user-removed`.
    UserRemoved(Vec<ParticipantProperties>),
    /// `current-audio-change`.
    CurrentAudioChange(CurrentAudioChange),
    /// `video-capturing-change`.
    VideoCapturingChange(VideoCapturingChange),
    /// `device-change` (no payload: the lists must be read again).
    DeviceChange,
    /// `device-permission-change`.
    DevicePermissionChange(DevicePermissionChange),
    /// `active-media-failed`.
    ActiveMediaFailed(ActiveMediaFailed),
    /// `speaking-while-muted` (no payload).
    SpeakingWhileMuted,
    /// `auto-play-audio-failed` (no payload).
    AutoPlayAudioFailed,
    /// `passively-stop-share` (payload: a `PassiveStopShareReason` string).
    PassivelyStopShare(PassiveStopShareReason),
    /// `host-ask-unmute-audio`.
    HostAskUnmuteAudio(HostAskUnmuteAudio),
}

impl SdkEvent {
    /// Every event name zoomkit decodes: subscribe to these (and `off` them on drop).
    pub const NAMES: &'static [&'static str] = &[
        "connection-change",
        "user-added",
        "user-updated",
        "user-removed",
        "current-audio-change",
        "video-capturing-change",
        "device-change",
        "device-permission-change",
        "active-media-failed",
        "speaking-while-muted",
        "auto-play-audio-failed",
        "passively-stop-share",
        "host-ask-unmute-audio",
    ];

    /// Decodes the payload of event `name`. Events without a payload do not
    /// read `payload` at all (pass anything, e.g. `undefined`).
    ///
    /// # Errors
    /// The deserializer's error for a malformed payload (naming the field), or
    /// a custom error for an event name not in [`SdkEvent::NAMES`].
    pub fn decode<'de, D: Deserializer<'de>>(name: &str, payload: D) -> Result<Self, D::Error> {
        Ok(match name {
            "connection-change" => SdkEvent::ConnectionChange(Deserialize::deserialize(payload)?),
            "user-added" => SdkEvent::UserAdded(Deserialize::deserialize(payload)?),
            "user-updated" => SdkEvent::UserUpdated(Deserialize::deserialize(payload)?),
            "user-removed" => SdkEvent::UserRemoved(Deserialize::deserialize(payload)?),
            "current-audio-change" => {
                SdkEvent::CurrentAudioChange(Deserialize::deserialize(payload)?)
            }
            "video-capturing-change" => {
                SdkEvent::VideoCapturingChange(Deserialize::deserialize(payload)?)
            }
            "device-change" => SdkEvent::DeviceChange,
            "device-permission-change" => {
                SdkEvent::DevicePermissionChange(Deserialize::deserialize(payload)?)
            }
            "active-media-failed" => {
                SdkEvent::ActiveMediaFailed(Deserialize::deserialize(payload)?)
            }
            "speaking-while-muted" => SdkEvent::SpeakingWhileMuted,
            "auto-play-audio-failed" => SdkEvent::AutoPlayAudioFailed,
            "passively-stop-share" => {
                SdkEvent::PassivelyStopShare(Deserialize::deserialize(payload)?)
            }
            "host-ask-unmute-audio" => {
                SdkEvent::HostAskUnmuteAudio(Deserialize::deserialize(payload)?)
            }
            other => return Err(D::Error::custom(format!("unknown SDK event `{other}`"))),
        })
    }

    /// [`SdkEvent::decode`] from a [`wire::Value`](crate::wire::Value): what
    /// the wasm glue uses, so that serde's code is not in the wasm.
    ///
    /// # Errors
    /// A malformed payload (the error names the field), or an event name not
    /// in [`SdkEvent::NAMES`].
    pub fn decode_wire(
        name: &str,
        payload: &crate::wire::Value,
    ) -> Result<Self, crate::wire::Error> {
        use Decode;
        Ok(match name {
            "connection-change" => SdkEvent::ConnectionChange(Decode::decode(payload)?),
            "user-added" => SdkEvent::UserAdded(Decode::decode(payload)?),
            "user-updated" => SdkEvent::UserUpdated(Decode::decode(payload)?),
            "user-removed" => SdkEvent::UserRemoved(Decode::decode(payload)?),
            "current-audio-change" => SdkEvent::CurrentAudioChange(Decode::decode(payload)?),
            "video-capturing-change" => SdkEvent::VideoCapturingChange(Decode::decode(payload)?),
            "device-change" => SdkEvent::DeviceChange,
            "device-permission-change" => {
                SdkEvent::DevicePermissionChange(Decode::decode(payload)?)
            }
            "active-media-failed" => SdkEvent::ActiveMediaFailed(Decode::decode(payload)?),
            "speaking-while-muted" => SdkEvent::SpeakingWhileMuted,
            "auto-play-audio-failed" => SdkEvent::AutoPlayAudioFailed,
            "passively-stop-share" => SdkEvent::PassivelyStopShare(Decode::decode(payload)?),
            "host-ask-unmute-audio" => SdkEvent::HostAskUnmuteAudio(Decode::decode(payload)?),
            other => {
                let mut m = String::from("unknown SDK event `");
                m.push_str(other);
                m.push('`');
                return Err(crate::wire::Error::new(m));
            }
        })
    }

    /// The SDK's name for this event.
    #[must_use]
    pub fn name(&self) -> &'static str {
        match self {
            SdkEvent::ConnectionChange(_) => "connection-change",
            SdkEvent::UserAdded(_) => "user-added",
            SdkEvent::UserUpdated(_) => "user-updated",
            SdkEvent::UserRemoved(_) => "user-removed",
            SdkEvent::CurrentAudioChange(_) => "current-audio-change",
            SdkEvent::VideoCapturingChange(_) => "video-capturing-change",
            SdkEvent::DeviceChange => "device-change",
            SdkEvent::DevicePermissionChange(_) => "device-permission-change",
            SdkEvent::ActiveMediaFailed(_) => "active-media-failed",
            SdkEvent::SpeakingWhileMuted => "speaking-while-muted",
            SdkEvent::AutoPlayAudioFailed => "auto-play-audio-failed",
            SdkEvent::PassivelyStopShare(_) => "passively-stop-share",
            SdkEvent::HostAskUnmuteAudio(_) => "host-ask-unmute-audio",
        }
    }
}

/// `ConnectionState`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Encode, Decode)]
pub enum ConnectionState {
    /// `Connected`.
    Connected,
    /// `Reconnecting`: Zoom's own failover, or a move between subsessions.
    Reconnecting,
    /// `Closed`: ended by the host, removed, or left.
    Closed,
    /// `Fail`: the connection failed; `errorCode` says why.
    Fail,
}

/// `connection-change` payload (`ConnectionChangePayload`).
///
/// `errorCode` is not in the `.d.ts` but is documented for `Fail` in Zoom's
/// `skill/references/handle_events.md`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Encode, Decode)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionChange {
    /// The new state.
    pub state: ConnectionState,
    /// `ReconnectReason | ClosedReason`, or a string this version does not know.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<ConnectionReason>,
    /// The subsession's name when joining or moving to one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subsession_name: Option<String>,
    /// Why the connection failed (`Fail` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_code: Option<i64>,
}

macro_rules! string_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident { $($(#[$vmeta:meta])* $variant:ident = $s:literal,)* }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $($(#[$vmeta])* $variant,)*
            /// A value this version of zoomkit does not know, kept verbatim.
            Other(String),
        }

        impl $name {
            /// Every value Zoom documents, with its spelling.
            pub const KNOWN: &'static [(&'static str, $name)] = &[$(($s, $name::$variant),)*];

            /// Zoom's spelling.
            #[must_use]
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $s,)*
                    $name::Other(s) => s,
                }
            }

            /// Parses Zoom's spelling; anything else is kept in `Other`.
            #[must_use]
            pub fn parse(s: &str) -> Self {
                Self::KNOWN
                    .iter()
                    .find(|(k, _)| *k == s)
                    .map(|(_, v)| v.clone())
                    .unwrap_or_else(|| $name::Other(s.to_owned()))
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl Encode for $name {
            fn encode(&self) -> crate::wire::Value {
                crate::wire::Value::String(self.as_str().to_owned())
            }
        }

        impl Decode for $name {
            fn decode(v: &crate::wire::Value) -> Result<Self, crate::wire::Error> {
                v.as_str().map($name::parse)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                Ok($name::parse(&s))
            }
        }
    };
}

string_enum! {
    /// `reason` of `connection-change`: `ReconnectReason` or `ClosedReason`.
    pub enum ConnectionReason {
        /// `failover` (ReconnectReason.Failover).
        Failover = "failover",
        /// `join breakout room`.
        JoinSubsession = "join breakout room",
        /// `move to breakout room`.
        MoveToSubsession = "move to breakout room",
        /// `back to main session`.
        BackToMainSession = "back to main session",
        /// `kicked by host` (ClosedReason).
        KickedByHost = "kicked by host",
        /// `ended by host` (ClosedReason).
        EndedByHost = "ended by host",
        /// `expeled by host` (ClosedReason, Zoom's spelling).
        ExpeledByHost = "expeled by host",
    }
}

impl ConnectionReason {
    /// Zoom is moving the session into, between or out of breakout rooms
    /// (subsessions): a `Reconnecting` that Zoom ends itself, not a failover.
    #[must_use]
    pub fn is_subsession_move(&self) -> bool {
        matches!(
            self,
            ConnectionReason::JoinSubsession
                | ConnectionReason::MoveToSubsession
                | ConnectionReason::BackToMainSession
        )
    }
}

string_enum! {
    /// `source` of `current-audio-change`: `MutedSource` or `LeaveAudioSource`.
    pub enum AudioChangeSource {
        /// `active`: the user did it.
        Active = "active",
        /// `passive(mute one)`: the host muted this user.
        PassiveByMuteOne = "passive(mute one)",
        /// `passive(mute all)`: the host muted everyone.
        PassiveByMuteAll = "passive(mute all)",
        /// `failover`: audio left because of failover.
        Failover = "failover",
        /// `audio stream is ended by system`.
        EndedBySystem = "audio stream is ended by system",
        /// `pstn`: audio moved to a phone call.
        Pstn = "pstn",
        /// `microphone error`.
        MicrophoneError = "microphone error",
    }
}

/// `''`, `computer` or `phone`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Encode, Decode)]
pub enum AudioType {
    /// `''`: no audio.
    #[serde(rename = "")]
    None,
    /// `computer`.
    #[serde(rename = "computer")]
    Computer,
    /// `phone`.
    #[serde(rename = "phone")]
    Phone,
}

/// One element of `user-added` / `user-updated` / `user-removed`
/// (`ParticipantPropertiesPayload`; `userKey` is from `Participant`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, Encode, Decode)]
#[serde(rename_all = "camelCase")]
pub struct ParticipantProperties {
    /// `userId` (required).
    pub user_id: UserId,
    /// `displayName`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// `audio`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audio: Option<AudioType>,
    /// `muted`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub muted: Option<bool>,
    /// `isHost`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_host: Option<bool>,
    /// `isManager`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_manager: Option<bool>,
    /// `bVideoOn`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub b_video_on: Option<bool>,
    /// `sharerOn`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sharer_on: Option<bool>,
    /// `isInFailover`: the user lost their connection and is reconnecting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_in_failover: Option<bool>,
    /// `userGuid`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_guid: Option<String>,
    /// `userIdentity` (deprecated by Zoom in favour of `userKey`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_identity: Option<String>,
    /// `userKey`: the JWT's `user_key`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_key: Option<String>,
}

impl ParticipantProperties {
    /// A payload with only `userId` set.
    #[must_use]
    pub fn new(user_id: u64) -> Self {
        ParticipantProperties {
            user_id: UserId(user_id),
            ..Default::default()
        }
    }

    /// The app's identity for this user: `userKey`, else `userIdentity`.
    #[must_use]
    pub fn app_key(&self) -> Option<&str> {
        self.user_key
            .as_deref()
            .or(self.user_identity.as_deref())
            .filter(|k| !k.is_empty())
    }
}

/// `AudioChangeAction`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Encode, Decode)]
#[serde(rename_all = "lowercase")]
pub enum AudioChangeAction {
    /// `join`.
    Join,
    /// `leave`.
    Leave,
    /// `muted`.
    Muted,
    /// `unmuted`.
    Unmuted,
}

/// `current-audio-change` payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Encode, Decode)]
pub struct CurrentAudioChange {
    /// What changed.
    pub action: AudioChangeAction,
    /// `phone` or `computer`.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<AudioType>,
    /// Why (muted by host, left on failover, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<AudioChangeSource>,
}

/// `VideoCapturingState`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Encode, Decode)]
pub enum VideoCapturingState {
    /// `Started`.
    Started,
    /// `Stopped`.
    Stopped,
    /// `Failed`.
    Failed,
}

/// `video-capturing-change` payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Encode, Decode)]
pub struct VideoCapturingChange {
    /// The local capture's state.
    pub state: VideoCapturingState,
}

/// `name` of `device-permission-change`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Encode, Decode)]
#[serde(rename_all = "lowercase")]
pub enum PermissionName {
    /// `microphone`.
    Microphone,
    /// `camera`.
    Camera,
}

/// A browser permission's state (`denied | granted | prompt`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Encode, Decode)]
#[serde(rename_all = "lowercase")]
pub enum PermissionState {
    /// `denied`.
    Denied,
    /// `granted`.
    Granted,
    /// `prompt`.
    Prompt,
}

/// `device-permission-change` payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Encode, Decode)]
pub struct DevicePermissionChange {
    /// Which device.
    pub name: PermissionName,
    /// Its permission now.
    pub state: PermissionState,
}

/// `type` of `active-media-failed`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Encode, Decode)]
#[serde(rename_all = "lowercase")]
pub enum MediaType {
    /// `audio`.
    Audio,
    /// `video`.
    Video,
    /// `sharing`.
    Sharing,
}

/// `active-media-failed` payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Encode, Decode)]
pub struct ActiveMediaFailed {
    /// `ActiveMediaFailedCode`.
    pub code: ActiveMediaFailedCode,
    /// Zoom's message.
    #[serde(default)]
    pub message: String,
    /// Which media.
    #[serde(rename = "type")]
    pub kind: MediaType,
}

/// `PassiveStopShareReason`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Encode, Decode)]
pub enum PassiveStopShareReason {
    /// `PrivilegeChange`: privilege changed or another user started sharing.
    PrivilegeChange,
    /// `StopScreenCapture`: the user pressed the browser's "stop sharing".
    StopScreenCapture,
}

/// `host-ask-unmute-audio` payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Encode, Decode)]
pub struct HostAskUnmuteAudio {
    /// `Unmute`, `Spotlight` or `Allow to talk`.
    pub reason: String,
}

pub(crate) fn de_number<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    i64::deserialize(d)
}
