//! What goes into the machine ([`Input`]) and what comes out ([`Output`]).

use serde::Serialize;

use crate::command::{Command, CommandId, CommandOutput};
use crate::device::{Device, DeviceChangeReason, DeviceKind, DeviceList};
use crate::error::{ActiveMediaFailedCode, Remedy, ZoomError};
use crate::participants::Participant;
use crate::sdk::{MediaType, PermissionState, SdkEvent, UserId};
use crate::session::JoinOptions;
use crate::state::{Cause, StateName};
use crate::time::Instant;

/// Everything that can happen to a session.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Input {
    /// The app wants to join.
    Join(JoinOptions),
    /// The app wants to leave; `end` ends the session for everyone (host only).
    Leave {
        /// `client.leave(end)`.
        end: bool,
    },
    /// At page load: the value stored under [`StorageKey::Resume`] in
    /// `sessionStorage` (or `None`), and the passcode if the app has it.
    /// Joins again if the snapshot is fresh; otherwise it is ignored and cleared.
    Resume {
        /// The stored snapshot, verbatim.
        stored: Option<String>,
        /// The session passcode, if the session has one.
        password: Option<String>,
    },
    /// At page load: the value stored under [`StorageKey::Devices`] in
    /// `localStorage` (or `None`).
    LoadPreferences {
        /// The stored preferences, verbatim.
        stored: Option<String>,
    },
    /// A media action from the user.
    Media(MediaIntent),
    /// The user picked a device.
    SelectDevice {
        /// Which kind.
        kind: DeviceKind,
        /// Its `deviceId`, from the current list.
        device_id: String,
    },
    /// Read the device lists again.
    RefreshDevices,
    /// An SDK event.
    Sdk(SdkEvent),
    /// A browser signal.
    Browser(BrowserSignal),
    /// The answer to a command.
    Done {
        /// The command.
        id: CommandId,
        /// What the promise resolved or rejected with.
        result: Result<CommandOutput, ZoomError>,
    },
    /// Only time passed (the driver's timer fired).
    Timeout,
}

/// A media action. Idempotent: asking for the state that is already wanted
/// does nothing, and a second click while the first is in flight makes no
/// second SDK call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, crate::wire::Encode)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum MediaIntent {
    /// Connect computer audio.
    StartAudio,
    /// Disconnect computer audio.
    StopAudio,
    /// Mute the microphone (also before audio starts: it will start muted).
    Mute,
    /// Unmute the microphone.
    Unmute,
    /// Start the camera.
    StartVideo,
    /// Stop the camera.
    StopVideo,
    /// Start sharing the screen.
    StartShare,
    /// Stop sharing the screen.
    StopShare,
}

/// Signals from the browser.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, crate::wire::Encode)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum BrowserSignal {
    /// `window` `offline`: rejoin attempts pause.
    Offline,
    /// `window` `online`: a waiting rejoin attempt starts now.
    Online,
}

/// Where a stored value lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, crate::wire::Encode)]
#[serde(rename_all = "camelCase")]
pub enum StorageArea {
    /// `sessionStorage`: survives a refresh of this tab only.
    Session,
    /// `localStorage`: survives across sessions.
    Local,
}

/// The only keys zoomkit writes; all start with `zoomkit:`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, crate::wire::Encode)]
#[serde(rename_all = "camelCase")]
pub enum StorageKey {
    /// `zoomkit:resume` in `sessionStorage`: the resume snapshot.
    Resume,
    /// `zoomkit:devices` in `localStorage`: device preferences.
    Devices,
}

impl StorageKey {
    /// The key string.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            StorageKey::Resume => "zoomkit:resume",
            StorageKey::Devices => "zoomkit:devices",
        }
    }

    /// The area it lives in.
    #[must_use]
    pub fn area(self) -> StorageArea {
        match self {
            StorageKey::Resume => StorageArea::Session,
            StorageKey::Devices => StorageArea::Local,
        }
    }
}

/// A write to browser storage. Fire and forget: no answer is expected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, crate::wire::Encode)]
#[serde(rename_all = "camelCase")]
pub struct StorageWrite {
    /// Which key (its area is [`StorageKey::area`]).
    pub key: StorageKey,
    /// `Some(v)`: `setItem(key, v)`; `None`: `removeItem(key)`.
    pub value: Option<String>,
}

/// What the machine wants done or told. See [`Session`](crate::Session) for the loop.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Output {
    /// Call the SDK (or token provider); answer with `Input::Done`.
    Command(Command),
    /// The command is no longer wanted: drop its promise; do not answer it.
    Cancel(CommandId),
    /// Tell the app.
    Event(Event),
    /// Write browser storage.
    Storage(StorageWrite),
    /// Call `handle(now, Input::Timeout)` at this time. Always the last
    /// output of a drain; `poll` returns `None` when no timer is armed.
    Timeout(Instant),
}

/// The local user's audio.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, crate::wire::Encode)]
#[serde(rename_all = "camelCase")]
pub struct AudioStatus {
    /// Computer audio connected.
    pub connected: bool,
    /// Microphone muted.
    pub muted: bool,
}

/// What happened, for the app.
#[derive(Debug, Clone, PartialEq, Serialize, crate::wire::Encode)]
#[serde(rename_all = "camelCase", tag = "event")]
#[non_exhaustive]
pub enum Event {
    /// The session changed state. The full state is `Session::state()`.
    #[serde(rename_all = "camelCase")]
    StateChanged {
        /// The previous state.
        from: StateName,
        /// The new state.
        to: StateName,
        /// Why.
        cause: Cause,
        /// The error behind it, if any.
        error: Option<ZoomError>,
    },
    /// A rejoin attempt will start at `at`.
    RejoinScheduled {
        /// Its number (1 for the first).
        attempt: u32,
        /// When.
        at: Instant,
    },
    /// Someone joined.
    ParticipantJoined(Participant),
    /// Someone's properties changed.
    ParticipantUpdated(Participant),
    /// Someone left.
    ParticipantLeft(Participant),
    /// Someone lost their connection (`isInFailover`); shown as reconnecting.
    #[serde(rename_all = "camelCase")]
    ParticipantReconnecting {
        /// Who.
        user_id: UserId,
    },
    /// Someone reconnecting is back; `replaced` is their old id when they came
    /// back under a new one (matched by `userKey`), so they are never counted twice.
    #[serde(rename_all = "camelCase")]
    ParticipantRecovered {
        /// Who.
        user_id: UserId,
        /// Their previous id, if it changed.
        replaced: Option<UserId>,
    },
    /// zoomkit rejoined: the participant list starts over.
    ParticipantsCleared,
    /// The local audio changed.
    AudioChanged(AudioStatus),
    /// The local camera started or stopped.
    VideoChanged {
        /// Capturing.
        on: bool,
    },
    /// The local screen share started or stopped.
    ShareChanged {
        /// Sharing.
        on: bool,
    },
    /// A media operation failed; the wanted state was reset to the actual one.
    #[serde(rename_all = "camelCase")]
    MediaFailed {
        /// The operation's name (`startVideo`).
        op: &'static str,
        /// Zoom's error.
        error: ZoomError,
    },
    /// The host muted the local user.
    MutedByHost,
    /// The host asks the local user to unmute.
    HostAskedToUnmute,
    /// The user is speaking while muted.
    SpeakingWhileMuted,
    /// Audio playback needs a user gesture (`auto-play-audio-failed`).
    AutoPlayBlocked,
    /// New device lists.
    DevicesChanged(DeviceList),
    /// The device in use changed.
    ActiveDeviceChanged {
        /// Which kind.
        kind: DeviceKind,
        /// The device now in use (`None`: none available).
        device: Option<Device>,
        /// Why.
        reason: DeviceChangeReason,
    },
    /// A permission changed.
    PermissionChanged {
        /// Camera or microphone.
        kind: DeviceKind,
        /// The permission now.
        state: PermissionState,
        /// What to do, when denied.
        remedy: Option<Remedy>,
    },
    /// `active-media-failed`: a media stream is unhealthy.
    MediaHealth {
        /// Which media.
        media: MediaType,
        /// Zoom's code.
        code: ActiveMediaFailedCode,
        /// Zoom's message.
        message: String,
        /// What to do.
        remedy: Remedy,
    },
    /// A stored snapshot was not used.
    ResumeIgnored {
        /// Why.
        reason: ResumeIgnored,
    },
}

/// Why a resume snapshot was not used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, crate::wire::Encode)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum ResumeIgnored {
    /// Nothing was stored.
    Missing,
    /// It could not be read (other version, corrupted).
    Unreadable,
    /// It has expired.
    Stale,
    /// The session had a passcode and none was given.
    PasswordRequired,
}
