//! What goes into the machine ([`Input`]) and what comes out ([`Output`]).

use serde::Serialize;

use crate::chat::{ChatMessage, ChatPrivilege};
use crate::command::{CaptureProfile, Command, CommandId, CommandOutput};
use crate::device::{Device, DeviceChangeReason, DeviceKind, DeviceList};
use crate::error::{ActiveMediaFailedCode, Remedy, ZoomError};
use crate::host::SharePrivilege;
use crate::participants::Participant;
use crate::quality::VideoQuality;
use crate::recording::RecordingStatus;
use crate::sdk::{MediaType, PermissionState, SdkEvent, UserId};
use crate::session::JoinOptions;
use crate::state::{Cause, StateName};
use crate::time::Instant;
use crate::wire::Encode;

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
    /// Capture at this quality (the quality controller's
    /// [`SetCaptureQuality`](crate::QualityOutput::SetCaptureQuality)). While
    /// the camera is on and the SDK's capture profile must change, the camera
    /// is restarted once; see [`CaptureProfile`].
    CaptureQuality(VideoQuality),
    /// Audio-only mode (the quality controller's
    /// [`AudioOnly`](crate::QualityOutput::AudioOnly)): the network cannot
    /// carry video, so a wanted camera is paused (stopped, and said with
    /// [`Event::VideoPaused`]) until this says `false`, then started again.
    AudioOnly(bool),
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
    /// The app dropped the session without leaving (`free()`): leave the
    /// SDK's session now, so the camera and microphone stop, and answer
    /// nothing more. Nothing happens when no session is open.
    Dispose,
}

/// A media action. Idempotent: asking for the state that is already wanted
/// does nothing, and a second click while the first is in flight makes no
/// second SDK call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Encode)]
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

/// What the driver must keep of its listeners and timers, asked after every
/// drain ([`Session::listening`](crate::Session::listening)): the driver
/// releases the rest at once rather than at `free()`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Listening {
    /// A session is under way, or none has started: keep everything.
    All,
    /// Left on `pagehide`: only a `pageshow` from the back/forward cache can
    /// bring it back, so only that listener stays.
    PageShow,
    /// Over: nothing more can arrive; release every listener and timer.
    Nothing,
}

impl Listening {
    /// Whether the SDK's listeners and the timers are still needed.
    #[must_use]
    pub fn sdk(self) -> bool {
        self == Listening::All
    }

    /// Whether the browser listener that gives `signal` is still needed.
    #[must_use]
    pub fn browser(self, signal: BrowserSignal) -> bool {
        match self {
            Listening::All => true,
            Listening::PageShow => signal == BrowserSignal::PageShow,
            Listening::Nothing => false,
        }
    }
}

/// Signals from the browser.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Encode)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum BrowserSignal {
    /// `window` `offline`: rejoin attempts pause.
    Offline,
    /// `window` `online`: a waiting rejoin attempt starts now.
    Online,
    /// `document` `visibilitychange` to hidden. The resume snapshot is written
    /// afresh: a mobile browser may discard a hidden tab without `pagehide`.
    Hidden,
    /// `document` `visibilitychange` to visible. Browsers throttle timers in
    /// hidden tabs, so a rejoin waiting out its backoff starts now, and a
    /// connected session reads the device lists again (devices come and go
    /// while the tab is in the background).
    Visible,
    /// `window` `pagehide`: the page is unloading or entering the back/forward
    /// cache. With [`Config::leave_on_page_hide`](crate::Config::leave_on_page_hide)
    /// (the default) the session writes a fresh resume snapshot and leaves,
    /// so others do not see a frozen tile until Zoom times it out, and the
    /// snapshot is kept so the next page (or this one, restored) resumes.
    PageHide,
    /// `window` `pageshow` with `persisted`: the page came back from the
    /// back/forward cache. A session that left on `PageHide` joins again with
    /// the media it had.
    PageShow,
}

/// Where a stored value lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Encode)]
#[serde(rename_all = "camelCase")]
pub enum StorageArea {
    /// `sessionStorage`: survives a refresh of this tab only.
    Session,
    /// `localStorage`: survives across sessions.
    Local,
}

/// The only keys zoomkit writes; all start with `zoomkit:`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Encode)]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Encode)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Encode)]
#[serde(rename_all = "camelCase")]
pub struct AudioStatus {
    /// Computer audio connected.
    pub connected: bool,
    /// Microphone muted.
    pub muted: bool,
}

/// What happened, for the app.
#[derive(Debug, Clone, PartialEq, Serialize, Encode)]
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
        /// How long the session was in `from` (ms); `None` for the first
        /// change of a join. "Reconnected in 1.8 s" is this on the change
        /// from `reconnecting` to `connected`.
        in_previous_ms: Option<u64>,
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
    /// The camera now captures with this profile (after a start, or after a
    /// restart for a new [`Input::CaptureQuality`]).
    CaptureChanged {
        /// The SDK's `startVideo` options in use.
        profile: CaptureProfile,
    },
    /// The camera is paused for audio-only mode (`paused: true`, followed by
    /// `VideoChanged { on: false }`), or resumes (`false`, then it starts).
    /// The camera stays wanted meanwhile: [`Session::wanted_video`](crate::Session::wanted_video).
    VideoPaused {
        /// Paused.
        paused: bool,
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
    /// A chat message arrived (`chat-on-message`) or one of ours was sent;
    /// each message is told once.
    ChatMessage(ChatMessage),
    /// Who may chat changed (`chat-privilege-change`, or our own change).
    ChatPrivilegeChanged {
        /// The privilege now.
        privilege: ChatPrivilege,
    },
    /// Who may share changed (`share-privilege-change`).
    SharePrivilegeChanged {
        /// The privilege now.
        privilege: SharePrivilege,
    },
    /// The cloud recording's status changed (`recording-change`, or our
    /// own control's answer).
    RecordingChanged {
        /// The status now.
        status: RecordingStatus,
    },
    /// The shares changed: who shares, whose is active, whose is drawn on
    /// the app's canvas (`active-share-change`, `peer-share-state-change`,
    /// `startShareView`'s answer).
    ShareViewChanged(crate::share::ShareView),
    /// The local microphone's level changed (`current-audio-level-change`,
    /// 0-9): for a meter.
    AudioLevel {
        /// 0 (silent) to 9.
        level: u8,
    },
    /// The session ended (left, ended or failed): its final numbers (also
    /// `Session::stats()` at any time).
    Stats(crate::stats::SessionStats),
    /// Individual recording (`individual-recording-change`): `ask` wants
    /// this user's answer (`acceptRecording()` / `declineRecording()`).
    #[serde(rename_all = "camelCase")]
    IndividualRecordingChanged {
        /// `Ask`, `Accept` or `Decline`.
        status: RecordingStatus,
        /// Who is recorded, when the SDK says.
        user_id: Option<UserId>,
    },
}

/// Why a resume snapshot was not used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Encode)]
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

/// Samples of every [`Event`] as the JS side receives them, written to
/// `tests/fixtures/events.json`; `cargo xtask test` checks the npm package's
/// `SessionEvent` TypeScript union against them with `tsc`.
#[cfg(test)]
mod event_samples {
    use super::*;
    use crate::error::ErrorType;
    use crate::sdk::AudioType;
    use crate::state::{transition_table, StateName};

    /// Exhaustive on purpose: a new variant does not compile until it has a
    /// name here, and the test below then wants a sample of it.
    fn name(e: &Event) -> &'static str {
        match e {
            Event::StateChanged { .. } => "stateChanged",
            Event::RejoinScheduled { .. } => "rejoinScheduled",
            Event::ParticipantJoined(_) => "participantJoined",
            Event::ParticipantUpdated(_) => "participantUpdated",
            Event::ParticipantLeft(_) => "participantLeft",
            Event::ParticipantReconnecting { .. } => "participantReconnecting",
            Event::ParticipantRecovered { .. } => "participantRecovered",
            Event::ParticipantsCleared => "participantsCleared",
            Event::AudioChanged(_) => "audioChanged",
            Event::VideoChanged { .. } => "videoChanged",
            Event::VideoPaused { .. } => "videoPaused",
            Event::CaptureChanged { .. } => "captureChanged",
            Event::ShareChanged { .. } => "shareChanged",
            Event::MediaFailed { .. } => "mediaFailed",
            Event::MutedByHost => "mutedByHost",
            Event::HostAskedToUnmute => "hostAskedToUnmute",
            Event::SpeakingWhileMuted => "speakingWhileMuted",
            Event::AutoPlayBlocked => "autoPlayBlocked",
            Event::DevicesChanged(_) => "devicesChanged",
            Event::ActiveDeviceChanged { .. } => "activeDeviceChanged",
            Event::PermissionChanged { .. } => "permissionChanged",
            Event::MediaHealth { .. } => "mediaHealth",
            Event::ResumeIgnored { .. } => "resumeIgnored",
            Event::ChatMessage(_) => "chatMessage",
            Event::ChatPrivilegeChanged { .. } => "chatPrivilegeChanged",
            Event::SharePrivilegeChanged { .. } => "sharePrivilegeChanged",
            Event::RecordingChanged { .. } => "recordingChanged",
            Event::IndividualRecordingChanged { .. } => "individualRecordingChanged",
            Event::Stats(_) => "stats",
            Event::AudioLevel { .. } => "audioLevel",
            Event::ShareViewChanged(_) => "shareViewChanged",
        }
    }

    const NAMES: [&str; 31] = [
        "stats",
        "shareViewChanged",
        "audioLevel",
        "chatMessage",
        "chatPrivilegeChanged",
        "sharePrivilegeChanged",
        "recordingChanged",
        "individualRecordingChanged",
        "videoPaused",
        "stateChanged",
        "rejoinScheduled",
        "participantJoined",
        "participantUpdated",
        "participantLeft",
        "participantReconnecting",
        "participantRecovered",
        "participantsCleared",
        "audioChanged",
        "videoChanged",
        "captureChanged",
        "shareChanged",
        "mediaFailed",
        "mutedByHost",
        "hostAskedToUnmute",
        "speakingWhileMuted",
        "autoPlayBlocked",
        "devicesChanged",
        "activeDeviceChanged",
        "permissionChanged",
        "mediaHealth",
        "resumeIgnored",
    ];

    /// Every `Remedy`: the match is exhaustive, so a new one must be added.
    fn all_remedies() -> Vec<Remedy> {
        let all = vec![
            Remedy::None,
            Remedy::RetryLater,
            Remedy::ReportToZoom,
            Remedy::CheckToken,
            Remedy::RefreshToken,
            Remedy::CheckPasscode,
            Remedy::AskHost,
            Remedy::WaitForHost,
            Remedy::LeaveOtherSession,
            Remedy::UseSupportedBrowser,
            Remedy::FixAssets,
            Remedy::WaitForReconnection,
            Remedy::FixCallOrder,
            Remedy::FixParameters,
            Remedy::GrantPermission,
            Remedy::CheckMicrophone,
            Remedy::ConnectDevice,
            Remedy::ChooseAnotherDevice,
            Remedy::CloseOtherApps,
            Remedy::EnableFeature,
            Remedy::StopConflictingFeature,
            Remedy::RefreshPage,
            Remedy::ClickToResume,
            Remedy::UnmuteInSystem,
            Remedy::RestartBrowser,
            Remedy::CheckWebGl,
            Remedy::InstallExtension,
        ];
        for r in &all {
            match r {
                Remedy::None
                | Remedy::RetryLater
                | Remedy::ReportToZoom
                | Remedy::CheckToken
                | Remedy::RefreshToken
                | Remedy::CheckPasscode
                | Remedy::AskHost
                | Remedy::WaitForHost
                | Remedy::LeaveOtherSession
                | Remedy::UseSupportedBrowser
                | Remedy::FixAssets
                | Remedy::WaitForReconnection
                | Remedy::FixCallOrder
                | Remedy::FixParameters
                | Remedy::GrantPermission
                | Remedy::CheckMicrophone
                | Remedy::ConnectDevice
                | Remedy::ChooseAnotherDevice
                | Remedy::CloseOtherApps
                | Remedy::EnableFeature
                | Remedy::StopConflictingFeature
                | Remedy::RefreshPage
                | Remedy::ClickToResume
                | Remedy::UnmuteInSystem
                | Remedy::RestartBrowser
                | Remedy::CheckWebGl
                | Remedy::InstallExtension => {}
            }
        }
        all
    }

    fn participant(id: u64, full: bool) -> Participant {
        Participant {
            user_id: UserId(id),
            display_name: "Ada".into(),
            user_key: full.then(|| "key-1".into()),
            is_host: full,
            is_manager: false,
            audio: full.then_some(AudioType::Computer),
            muted: full.then_some(true),
            video_on: full,
            sharing: false,
            reconnecting: false,
            speaking: full,
            uplink_quality: full.then_some(4),
            downlink_quality: full.then_some(1),
        }
    }

    fn samples() -> Vec<Event> {
        let zoom = ZoomError::new(ErrorType::InvalidOperation, 6103, "camera is busy");
        let bare = ZoomError {
            kind: None,
            reason: "no code".into(),
            error_code: None,
            extension_url: None,
        };
        let camera = Device::new("cam-1", "FaceTime HD Camera").with_group("g-1");
        let mut out = Vec::new();
        // Every state change the table allows: every state and cause name.
        for (i, t) in transition_table().iter().enumerate() {
            out.push(Event::StateChanged {
                from: t.from,
                to: t.to,
                cause: t.cause,
                error: (i % 2 == 0).then(|| zoom.clone()),
                in_previous_ms: (i % 3 != 0).then_some(1_800),
            });
        }
        out.push(Event::StateChanged {
            from: StateName::Joining,
            to: StateName::Failed,
            cause: crate::state::Cause::JoinFailed,
            error: Some(bare.clone()),
            in_previous_ms: None,
        });
        out.push(Event::RejoinScheduled {
            attempt: 2,
            at: crate::time::Instant::from_millis(1_700_000_000_000),
        });
        for full in [true, false] {
            out.push(Event::ParticipantJoined(participant(16_778_240, full)));
            out.push(Event::ParticipantUpdated(participant(16_778_240, full)));
            out.push(Event::ParticipantLeft(participant(16_778_240, full)));
        }
        out.push(Event::ParticipantReconnecting { user_id: UserId(7) });
        for replaced in [Some(UserId(7)), None] {
            out.push(Event::ParticipantRecovered {
                user_id: UserId(8),
                replaced,
            });
        }
        out.push(Event::ParticipantsCleared);
        out.push(Event::AudioChanged(AudioStatus {
            connected: true,
            muted: false,
        }));
        out.push(Event::VideoChanged { on: true });
        out.push(Event::VideoPaused { paused: true });
        for profile in [
            CaptureProfile::Standard,
            CaptureProfile::Hd,
            CaptureProfile::FullHd,
        ] {
            out.push(Event::CaptureChanged { profile });
        }
        out.push(Event::ShareChanged { on: false });
        out.push(Event::MediaFailed {
            op: "startVideo",
            error: zoom.clone(),
        });
        out.push(Event::MutedByHost);
        out.push(Event::HostAskedToUnmute);
        out.push(Event::SpeakingWhileMuted);
        out.push(Event::AutoPlayBlocked);
        out.push(Event::DevicesChanged(DeviceList {
            cameras: vec![camera.clone(), Device::new("cam-2", "USB")],
            microphones: vec![],
            speakers: vec![Device::new("default", "Speakers")],
        }));
        for (reason, device) in [
            (DeviceChangeReason::Selected, Some(camera.clone())),
            (DeviceChangeReason::Initial, Some(camera.clone())),
            (DeviceChangeReason::Fallback, None),
            (DeviceChangeReason::PreferredReturned, Some(camera.clone())),
            (DeviceChangeReason::Renamed, Some(camera.clone())),
        ] {
            for kind in DeviceKind::ALL {
                out.push(Event::ActiveDeviceChanged {
                    kind,
                    device: device.clone(),
                    reason,
                });
            }
        }
        for (state, remedy) in [
            (PermissionState::Denied, Some(Remedy::GrantPermission)),
            (PermissionState::Granted, None),
            (PermissionState::Prompt, None),
        ] {
            out.push(Event::PermissionChanged {
                kind: DeviceKind::Camera,
                state,
                remedy,
            });
        }
        let media = [MediaType::Audio, MediaType::Video, MediaType::Sharing];
        for (i, remedy) in all_remedies().into_iter().enumerate() {
            out.push(Event::MediaHealth {
                media: media[i % 3],
                code: ActiveMediaFailedCode::from_code(1),
                message: "the stream ended".into(),
                remedy,
            });
        }
        for reason in [
            ResumeIgnored::Missing,
            ResumeIgnored::Unreadable,
            ResumeIgnored::Stale,
            ResumeIgnored::PasswordRequired,
        ] {
            out.push(Event::ResumeIgnored { reason });
        }
        for (receiver, id) in [(0, Some("msg-1")), (16_778_240, None)] {
            out.push(Event::ChatMessage(crate::chat::ChatMessage {
                id: id.map(str::to_owned),
                message: Some("hello".into()),
                sender: crate::chat::ChatUser {
                    name: "Ann".into(),
                    user_id: UserId(16_779_264),
                },
                receiver: crate::chat::ChatUser {
                    name: if receiver == 0 { "Everyone" } else { "Ada" }.into(),
                    user_id: UserId(receiver),
                },
                timestamp: 1_700_000_000_000,
            }));
        }
        for privilege in [
            ChatPrivilege::All,
            ChatPrivilege::NoOne,
            ChatPrivilege::EveryonePublicly,
        ] {
            out.push(Event::ChatPrivilegeChanged { privilege });
        }
        for privilege in [
            SharePrivilege::Unlocked,
            SharePrivilege::Locked,
            SharePrivilege::MultipleShare,
        ] {
            out.push(Event::SharePrivilegeChanged { privilege });
        }
        for status in [
            RecordingStatus::Recording,
            RecordingStatus::Paused,
            RecordingStatus::Stopped,
        ] {
            out.push(Event::RecordingChanged { status });
        }
        for (status, user_id) in [
            (RecordingStatus::Ask, None),
            (RecordingStatus::Accept, Some(UserId(7))),
            (RecordingStatus::Decline, Some(UserId(7))),
        ] {
            out.push(Event::IndividualRecordingChanged { status, user_id });
        }
        out.push(Event::AudioLevel { level: 7 });
        out.push(Event::ShareViewChanged(crate::share::ShareView::default()));
        out.push(Event::ShareViewChanged(crate::share::ShareView {
            sharers: vec![UserId(2), UserId(3)],
            active: Some(UserId(3)),
            viewing: Some(UserId(3)),
            wanted: true,
        }));
        out.push(Event::Stats(crate::stats::SessionStats::default()));
        out.push(Event::Stats(crate::stats::SessionStats {
            join_ms: Some(840),
            first_remote_video_ms: Some(120),
            connected_ms: 60_000,
            reconnects: vec![
                crate::stats::Reconnect {
                    kind: crate::stats::ReconnectKind::SdkFailover,
                    cause: crate::state::Cause::SdkReconnecting,
                    started_at: crate::time::Instant::from_millis(1_700_000_010_000),
                    duration_ms: Some(1_800),
                },
                crate::stats::Reconnect {
                    kind: crate::stats::ReconnectKind::Rejoin,
                    cause: crate::state::Cause::SdkFailed,
                    started_at: crate::time::Instant::from_millis(1_700_000_020_000),
                    duration_ms: None,
                },
            ],
            rejoin_attempts: 2,
            device_switches: 1,
            capture_ms: crate::stats::CaptureTimes {
                standard: 1,
                hd: 2,
                full_hd: 3,
            },
            audio_only_ms: 500,
            media_failures: 1,
        }));
        out
    }

    #[test]
    fn every_event_has_a_sample_and_the_fixture_is_current() {
        let samples = samples();
        for n in NAMES {
            assert!(
                samples.iter().any(|e| name(e) == n),
                "no sample of `{n}` in event_samples::samples()"
            );
        }
        let json: Vec<_> = samples
            .iter()
            .map(|e| {
                let json = serde_json::to_value(e).expect("events serialise");
                assert_eq!(json["event"], name(e), "the tag is the variant's name");
                json
            })
            .collect();
        crate::fixture::check("events.json", &json, "event_samples");
    }
}
