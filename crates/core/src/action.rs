//! Actions the app takes in a session beyond its own media: chat
//! ([`chat`](crate::chat)), host and manager controls
//! ([`host`](crate::host)) and cloud recording
//! ([`recording`](crate::recording)), and the SDK events they follow.
//!
//! Each action is one SDK call. [`Session::act`](crate::Session::act)
//! checks it against the session (connected? the local user's role? the
//! chat privilege? the recording's state?) and either refuses it with a
//! [`CoreError`] naming why, or issues its [`Command`](crate::Command) and
//! returns the command's id: the driver settles the app's promise with the
//! answer to that command. The SDK events of these features
//! ([`FeatureSdkEvent::NAMES`]) come in through
//! [`Session::feature_event`](crate::Session::feature_event).
//!
//! ```
//! # use zoomkit_core::{Session, Config, Instant, CoreError};
//! # use zoomkit_core::action::Action;
//! # use zoomkit_core::chat::{ChatAction, ChatTarget};
//! let mut session = Session::new(Config::default());
//! let send = Action::Chat(ChatAction::Send { text: "hi".into(), to: ChatTarget::Everyone });
//! // Not in a session yet: refused, and nothing is issued.
//! assert!(matches!(session.act(Instant::EPOCH, send), Err(CoreError::NotInSession { .. })));
//! ```

use serde::Deserialize;
use serde::Deserializer;
use serde::Serialize;

use crate::chat::{ChatAction, ChatMessage, ChatPrivilegeChange};
use crate::error::CoreError;
use crate::host::{HostAction, SharePrivilegeChange};
use crate::layout::ActiveSpeaker;
use crate::quality::NetworkQualityChange;
use crate::recording::{IndividualRecordingChange, RecordingAction, RecordingStatus};
use crate::sdk::UserId;
use crate::share::{PeerShareStateChange, ShareContentChange};
use crate::stage::ActiveShareChange;
use crate::wire::{self, Decode, Encode};

/// The local user's role, as the roster says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// Not known yet (no self user, or not in the roster): Zoom decides.
    Unknown,
    /// Neither host nor manager.
    Participant,
    /// A manager (`isManager`).
    Manager,
    /// The host (`isHost`).
    Host,
}

/// Who may take an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Needs {
    /// The host only.
    Host,
    /// The host or a manager.
    HostOrManager,
}

impl Needs {
    /// In words, for error messages.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Needs::Host => "the host",
            Needs::HostOrManager => "the host or a manager",
        }
    }

    /// A stable name for the app (`host`, `hostOrManager`).
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Needs::Host => "host",
            Needs::HostOrManager => "hostOrManager",
        }
    }

    /// Whether `role` is enough. An unknown role is: Zoom decides then.
    #[must_use]
    pub fn allows(self, role: Role) -> bool {
        matches!(
            (self, role),
            (_, Role::Unknown | Role::Host) | (Needs::HostOrManager, Role::Manager)
        )
    }
}

impl std::fmt::Display for Needs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What an action's check needs to know of the session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Standing {
    /// The state's name (`connected`, `reconnecting`, ...).
    pub state: &'static str,
    /// Connected: actions are possible.
    pub connected: bool,
    /// The local user's id.
    pub self_user: Option<UserId>,
    /// The local user's role.
    pub role: Role,
}

impl Standing {
    /// Refuses outside a connected session.
    ///
    /// # Errors
    /// [`CoreError::NotInSession`].
    pub fn require_connected(&self) -> Result<(), CoreError> {
        if self.connected {
            Ok(())
        } else {
            Err(CoreError::NotInSession { state: self.state })
        }
    }

    /// Refuses when the role is known not to be enough.
    ///
    /// # Errors
    /// [`CoreError::NotPermitted`] naming the action and who may take it.
    pub fn require(&self, needs: Needs, action: &'static str) -> Result<(), CoreError> {
        if needs.allows(self.role) {
            Ok(())
        } else {
            Err(CoreError::NotPermitted { action, needs })
        }
    }
}

/// An action from the app: one SDK call once checked.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Action {
    /// A chat message or privilege change.
    Chat(ChatAction),
    /// A host or manager control.
    Host(HostAction),
    /// A cloud recording control, or an answer to individual recording.
    Recording(RecordingAction),
}

/// An SDK event of these features. The driver subscribes to
/// [`NAMES`](Self::NAMES) beside the session's own events and hands these
/// to [`Session::feature_event`](crate::Session::feature_event).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum FeatureSdkEvent {
    /// `chat-on-message`.
    ChatOnMessage(ChatMessage),
    /// `chat-privilege-change`.
    ChatPrivilegeChange(ChatPrivilegeChange),
    /// `recording-change` (payload: a bare `RecordingStatus`).
    RecordingChange(RecordingStatus),
    /// `individual-recording-change`.
    IndividualRecordingChange(IndividualRecordingChange),
    /// `share-privilege-change`.
    SharePrivilegeChange(SharePrivilegeChange),
    /// `active-speaker`: who is talking now, loudest first.
    ActiveSpeaker(Vec<ActiveSpeaker>),
    /// `network-quality-change`: one user's uplink or downlink level.
    NetworkQuality(NetworkQualityChange),
    /// `current-audio-level-change`: the local microphone's level.
    AudioLevel(CurrentAudioLevelChange),
    /// `active-share-change`: whose share the SDK shows.
    ActiveShareChange(ActiveShareChange),
    /// `peer-share-state-change`: someone else started or stopped sharing.
    PeerShareStateChange(PeerShareStateChange),
    /// `share-content-change`: the SDK switched the received share.
    ShareContentChange(ShareContentChange),
}

/// `current-audio-level-change` (`event_current_audio_level_change` in
/// `event-callback.d.ts`): the local microphone's volume, 0-9.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Encode, Decode)]
#[serde(rename = "event_current_audio_level_change")]
pub struct CurrentAudioLevelChange {
    /// `level`, 0-9.
    pub level: u8,
}

impl FeatureSdkEvent {
    /// The ranges the SDK documents: a quality level 0-5, an audio level
    /// 0-9. Anything else is refused with a message naming the field.
    fn checked(self) -> Result<Self, String> {
        match &self {
            FeatureSdkEvent::NetworkQuality(n) if n.level > 5 => Err(format!(
                "network-quality-change level must be 0-5, got {}",
                n.level
            )),
            FeatureSdkEvent::AudioLevel(a) if a.level > 9 => Err(format!(
                "current-audio-level-change level must be 0-9, got {}",
                a.level
            )),
            _ => Ok(self),
        }
    }
}

impl FeatureSdkEvent {
    /// Every SDK event these features read.
    pub const NAMES: &'static [&'static str] = &[
        "chat-on-message",
        "chat-privilege-change",
        "recording-change",
        "individual-recording-change",
        "share-privilege-change",
        "active-speaker",
        "network-quality-change",
        "current-audio-level-change",
        "active-share-change",
        "peer-share-state-change",
        "share-content-change",
    ];

    /// Decodes the payload of event `name` from a [`wire::Value`].
    ///
    /// # Errors
    /// A malformed payload (the error names the field), or a name not in
    /// [`NAMES`](Self::NAMES).
    pub fn decode_wire(name: &str, payload: &wire::Value) -> Result<Self, wire::Error> {
        let event = match name {
            "chat-on-message" => FeatureSdkEvent::ChatOnMessage(Decode::decode(payload)?),
            "chat-privilege-change" => {
                FeatureSdkEvent::ChatPrivilegeChange(Decode::decode(payload)?)
            }
            "recording-change" => FeatureSdkEvent::RecordingChange(Decode::decode(payload)?),
            "individual-recording-change" => {
                FeatureSdkEvent::IndividualRecordingChange(Decode::decode(payload)?)
            }
            "share-privilege-change" => {
                FeatureSdkEvent::SharePrivilegeChange(Decode::decode(payload)?)
            }
            "active-speaker" => FeatureSdkEvent::ActiveSpeaker(Decode::decode(payload)?),
            "network-quality-change" => FeatureSdkEvent::NetworkQuality(Decode::decode(payload)?),
            "current-audio-level-change" => FeatureSdkEvent::AudioLevel(Decode::decode(payload)?),
            "active-share-change" => FeatureSdkEvent::ActiveShareChange(Decode::decode(payload)?),
            "peer-share-state-change" => {
                FeatureSdkEvent::PeerShareStateChange(Decode::decode(payload)?)
            }
            "share-content-change" => FeatureSdkEvent::ShareContentChange(Decode::decode(payload)?),
            other => {
                let mut m = String::from("unknown feature event `");
                m.push_str(other);
                m.push('`');
                return Err(wire::Error::new(m));
            }
        };
        event.checked().map_err(wire::Error::new)
    }

    /// [`decode_wire`](Self::decode_wire) with serde (native harnesses).
    ///
    /// # Errors
    /// The deserializer's error, or an unknown name.
    pub fn decode<'de, D: Deserializer<'de>>(name: &str, payload: D) -> Result<Self, D::Error> {
        let event = match name {
            "chat-on-message" => FeatureSdkEvent::ChatOnMessage(Deserialize::deserialize(payload)?),
            "chat-privilege-change" => {
                FeatureSdkEvent::ChatPrivilegeChange(Deserialize::deserialize(payload)?)
            }
            "recording-change" => {
                FeatureSdkEvent::RecordingChange(Deserialize::deserialize(payload)?)
            }
            "individual-recording-change" => {
                FeatureSdkEvent::IndividualRecordingChange(Deserialize::deserialize(payload)?)
            }
            "share-privilege-change" => {
                FeatureSdkEvent::SharePrivilegeChange(Deserialize::deserialize(payload)?)
            }
            "active-speaker" => FeatureSdkEvent::ActiveSpeaker(Deserialize::deserialize(payload)?),
            "network-quality-change" => {
                FeatureSdkEvent::NetworkQuality(Deserialize::deserialize(payload)?)
            }
            "current-audio-level-change" => {
                FeatureSdkEvent::AudioLevel(Deserialize::deserialize(payload)?)
            }
            "active-share-change" => {
                FeatureSdkEvent::ActiveShareChange(Deserialize::deserialize(payload)?)
            }
            "peer-share-state-change" => {
                FeatureSdkEvent::PeerShareStateChange(Deserialize::deserialize(payload)?)
            }
            "share-content-change" => {
                FeatureSdkEvent::ShareContentChange(Deserialize::deserialize(payload)?)
            }
            other => {
                return Err(serde::de::Error::custom(format!(
                    "unknown feature event `{other}`"
                )))
            }
        };
        event.checked().map_err(serde::de::Error::custom)
    }
}
