//! Media: what the user wants of audio, video and share, what the SDK has,
//! and at most one SDK call per medium to bring the two together.
//!
//! Each medium's calls are in one state enum ([`AudioSync`], [`VideoSync`],
//! [`ShareSync`]) whose variants carry what is valid in them: the call in
//! flight, a restart under way, a device list still to decide why the
//! medium stopped, or a hold after a session change cut a call short (with
//! what to go back to once connected). The camera's wish is [`VideoWish`],
//! which audio-only mode pauses without forgetting it.
//!
//! A cut-short call holds only its own medium: the other media's calls in
//! that window fail the same way and hold themselves.

use crate::command::{CaptureProfile, CommandId, CommandOutput, Op};
use crate::device::DeviceKind;
use crate::error::{CoreError, ErrorCode, ErrorType, ZoomError};
use crate::io::{AudioStatus, Event, MediaIntent};
use crate::sdk::{
    AudioChangeAction, AudioChangeSource, PermissionName, PermissionState, VideoCapturingState,
};
use crate::state::StateName;

use super::Session;

/// Where the audio's calls are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) enum AudioSync {
    /// Reconciling may issue the next call.
    #[default]
    Ready,
    /// This call is in flight.
    Busy(CommandId),
    /// This call is in flight, and the SDK dropped the audio meanwhile
    /// (system or microphone error): once it settles, the next device list
    /// decides whether to fall back.
    BusyThenCheck(CommandId),
    /// The SDK dropped the audio (system or microphone error): the next
    /// device list decides whether the microphone is gone.
    Checking,
    /// A call was cut short by a session change: wait for `Connected`.
    /// `check`: a device list is still to decide, as in `Checking`.
    Held {
        /// Checking, once connected again.
        check: bool,
    },
}

/// Where the camera's calls are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) enum VideoSync {
    /// Reconciling may issue the next call.
    #[default]
    Ready,
    /// This call is in flight.
    Busy(CommandId),
    /// The camera is stopped to start again with the wanted capture profile;
    /// the app is not told of the stop. The stop or start in flight, if any.
    Restarting(Option<CommandId>),
    /// Capture stopped without being asked: the next device list tells
    /// whether the camera was unplugged (fall back) or stopped on purpose.
    Checking,
    /// A call was cut short by a session change: wait for `Connected`, then
    /// go on as `after` says.
    Held {
        /// Where the camera was, without the call.
        after: AfterHold,
    },
}

/// Where a held camera goes on from once connected again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum AfterHold {
    /// Ready.
    Ready,
    /// A restart is under way: its start is still to come.
    Restarting,
    /// A device list is to decide, as in `Checking`.
    Checking,
}

impl VideoSync {
    /// A restart is under way (held or not).
    fn restarting(self) -> bool {
        matches!(
            self,
            VideoSync::Restarting(_)
                | VideoSync::Held {
                    after: AfterHold::Restarting
                }
        )
    }
}

/// Where the screen share's calls are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) enum ShareSync {
    /// Reconciling may issue the next call.
    #[default]
    Ready,
    /// This call is in flight.
    Busy(CommandId),
    /// A call was cut short by a session change: wait for `Connected`.
    Held,
}

/// What the user wants of the camera. Audio-only mode (the quality
/// controller's) pauses a wish without forgetting it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) enum VideoWish {
    /// Off.
    #[default]
    Off,
    /// On.
    On,
    /// Audio-only mode: off for now; `on` is the user's wish for after.
    Paused {
        /// The user's wish.
        on: bool,
    },
}

impl VideoWish {
    /// The user's wish, paused or not.
    pub(super) fn wanted(self) -> bool {
        matches!(self, VideoWish::On | VideoWish::Paused { on: true })
    }

    /// Whether the camera should be capturing now.
    fn capturing(self) -> bool {
        self == VideoWish::On
    }

    fn paused(self) -> bool {
        matches!(self, VideoWish::Paused { .. })
    }

    /// The same pause, with the user's wish `on`.
    pub(super) fn with(self, on: bool) -> VideoWish {
        match (self, on) {
            (VideoWish::Paused { .. }, on) => VideoWish::Paused { on },
            (_, true) => VideoWish::On,
            (_, false) => VideoWish::Off,
        }
    }

    /// The same wish, paused (`true`) or not.
    fn pause(self, paused: bool) -> VideoWish {
        let on = self.wanted();
        if paused {
            VideoWish::Paused { on }
        } else {
            VideoWish::Off.with(on)
        }
    }
}

/// The local audio.
#[derive(Debug, Clone, Default)]
pub(super) struct Audio {
    /// What the user wants.
    pub(super) want: AudioStatus,
    /// What the SDK has.
    pub(super) actual: AudioStatus,
    /// The microphone and speaker the SDK uses, while connected.
    mic: Option<String>,
    speaker: Option<String>,
    sync: AudioSync,
}

/// The local camera.
#[derive(Debug, Clone, Default)]
pub(super) struct Video {
    pub(super) want: VideoWish,
    /// Whether the SDK is capturing.
    pub(super) on: bool,
    /// The camera the SDK uses, while capturing.
    camera: Option<String>,
    /// The capture profile the quality controller asked for.
    want_capture: CaptureProfile,
    /// The profile of the last camera start.
    capture: CaptureProfile,
    sync: VideoSync,
}

/// The local screen share.
#[derive(Debug, Clone, Default)]
pub(super) struct Share {
    pub(super) want: bool,
    pub(super) on: bool,
    sync: ShareSync,
}

/// Wanted and actual media.
#[derive(Debug, Clone, Default)]
pub(super) struct Media {
    pub(super) audio: Audio,
    pub(super) video: Video,
    pub(super) share: Share,
}

impl Media {
    /// The command `id` is answered or cancelled: its medium is free again.
    pub(super) fn forget(&mut self, id: CommandId) {
        self.audio.sync = match self.audio.sync {
            AudioSync::Busy(op) if op == id => AudioSync::Ready,
            AudioSync::BusyThenCheck(op) if op == id => AudioSync::Checking,
            other => other,
        };
        self.video.sync = match self.video.sync {
            VideoSync::Busy(op) if op == id => VideoSync::Ready,
            VideoSync::Restarting(Some(op)) if op == id => VideoSync::Restarting(None),
            other => other,
        };
        if self.share.sync == ShareSync::Busy(id) {
            self.share.sync = ShareSync::Ready;
        }
    }

    /// A new SDK session (connected, rejoining, joining, over): nothing is
    /// held any more.
    pub(super) fn release_holds(&mut self) {
        self.audio.sync = match self.audio.sync {
            AudioSync::Held { check: true } => AudioSync::Checking,
            AudioSync::Held { check: false } => AudioSync::Ready,
            other => other,
        };
        self.video.sync = match self.video.sync {
            VideoSync::Held { after } => match after {
                AfterHold::Ready => VideoSync::Ready,
                AfterHold::Restarting => VideoSync::Restarting(None),
                AfterHold::Checking => VideoSync::Checking,
            },
            other => other,
        };
        if self.share.sync == ShareSync::Held {
            self.share.sync = ShareSync::Ready;
        }
    }

    /// Drops the checks waiting for a device list (it failed, or the media
    /// are off anyway).
    pub(super) fn drop_checks(&mut self) {
        self.take_audio_check();
        self.take_video_check();
    }

    /// Takes the audio's check, if one waits for this device list.
    pub(super) fn take_audio_check(&mut self) -> bool {
        let (sync, checking) = match self.audio.sync {
            AudioSync::Checking => (AudioSync::Ready, true),
            AudioSync::BusyThenCheck(op) => (AudioSync::Busy(op), true),
            AudioSync::Held { check: true } => (AudioSync::Held { check: false }, true),
            other => (other, false),
        };
        self.audio.sync = sync;
        checking
    }

    /// Takes the camera's check, if one waits for this device list.
    pub(super) fn take_video_check(&mut self) -> bool {
        let (sync, checking) = match self.video.sync {
            VideoSync::Checking => (VideoSync::Ready, true),
            VideoSync::Held {
                after: AfterHold::Checking,
            } => (
                VideoSync::Held {
                    after: AfterHold::Ready,
                },
                true,
            ),
            other => (other, false),
        };
        self.video.sync = sync;
        checking
    }

    /// Wishes are per session: what the app asks before the next join counts.
    pub(super) fn forget_wishes(&mut self) {
        self.audio.want = AudioStatus::default();
        self.video.want = VideoWish::Off;
        self.share.want = false;
    }

    /// The device the SDK uses for `kind`, as far as we know.
    pub(super) fn in_use(&self, kind: DeviceKind) -> Option<&String> {
        match kind {
            DeviceKind::Camera => self.video.camera.as_ref(),
            DeviceKind::Microphone => self.audio.mic.as_ref(),
            DeviceKind::Speaker => self.audio.speaker.as_ref(),
        }
    }
}

impl Session {
    pub(super) fn on_media(&mut self, intent: MediaIntent) -> Result<(), CoreError> {
        if intent == MediaIntent::StartShare && !self.config.share_target {
            return Err(CoreError::InvalidOption {
                field: "shareElement",
                reason: "screen share renders into it: pass a <video> or <canvas> as \
                         `shareElement` in the Session options",
            });
        }
        let m = &mut self.media;
        match intent {
            MediaIntent::StartAudio => m.audio.want.connected = true,
            MediaIntent::StopAudio => m.audio.want.connected = false,
            MediaIntent::Mute => m.audio.want.muted = true,
            MediaIntent::Unmute => m.audio.want.muted = false,
            MediaIntent::StartVideo | MediaIntent::StopVideo => {
                m.video.want = m.video.want.with(intent == MediaIntent::StartVideo);
                // The user decided: no device list needs to.
                m.take_video_check();
            }
            MediaIntent::StartShare => m.share.want = true,
            MediaIntent::StopShare => m.share.want = false,
        }
        self.reconcile();
        Ok(())
    }

    pub(super) fn on_capture_quality(&mut self, profile: CaptureProfile) {
        self.media.video.want_capture = profile;
        self.reconcile();
    }

    pub(super) fn on_audio_only(&mut self, on: bool) {
        if self.media.video.want.paused() != on {
            self.media.video.want = self.media.video.want.pause(on);
            self.emit(Event::VideoPaused { paused: on });
            self.reconcile();
        }
    }

    /// Issues at most one operation per medium to bring the actual state
    /// toward the wanted one. Only while connected.
    pub(super) fn reconcile(&mut self) {
        if self.name() != StateName::Connected {
            return;
        }
        // The first lists are being read: start devices once we know which.
        let first_list = self.devices.reading_first_list();
        if self.media.audio.sync == AudioSync::Ready && !first_list {
            if let Some(op) = self.next_audio_op() {
                self.media.audio.sync = AudioSync::Busy(self.issue(op));
            }
        }
        let video_free = matches!(
            self.media.video.sync,
            VideoSync::Ready | VideoSync::Restarting(None)
        );
        if video_free && !first_list {
            if let Some(op) = self.next_video_op() {
                let restart = self.media.video.sync == VideoSync::Restarting(None)
                    || (matches!(op, Op::StopVideo) && self.media.video.want.capturing());
                let id = self.issue(op);
                self.media.video.sync = if restart {
                    VideoSync::Restarting(Some(id))
                } else {
                    VideoSync::Busy(id)
                };
            }
        }
        if self.media.share.sync == ShareSync::Ready {
            let s = &self.media.share;
            let op = match (s.want, s.on) {
                (true, false) => Some(Op::StartShareScreen),
                (false, true) => Some(Op::StopShareScreen),
                _ => None,
            };
            if let Some(op) = op {
                self.media.share.sync = ShareSync::Busy(self.issue(op));
            }
        }
    }

    fn next_audio_op(&self) -> Option<Op> {
        let a = &self.media.audio;
        if a.want.connected && !a.actual.connected {
            return Some(Op::StartAudio {
                mute: a.want.muted,
                microphone_id: self.devices.active_id(DeviceKind::Microphone),
                speaker_id: self.devices.active_id(DeviceKind::Speaker),
            });
        }
        if !a.actual.connected {
            return None;
        }
        if !a.want.connected {
            return Some(Op::StopAudio);
        }
        if let Some(id) = self
            .devices
            .needs_switch(DeviceKind::Microphone, a.mic.as_ref())
        {
            return Some(Op::SwitchMicrophone { microphone_id: id });
        }
        if let Some(id) = self
            .devices
            .needs_switch(DeviceKind::Speaker, a.speaker.as_ref())
        {
            return Some(Op::SwitchSpeaker { speaker_id: id });
        }
        match (a.want.muted, a.actual.muted) {
            (true, false) => Some(Op::MuteAudio),
            (false, true) => Some(Op::UnmuteAudio),
            _ => None,
        }
    }

    fn next_video_op(&self) -> Option<Op> {
        let v = &self.media.video;
        match (v.want.capturing(), v.on) {
            (true, false) => Some(Op::StartVideo {
                camera_id: self.devices.active_id(DeviceKind::Camera),
                capture: v.want_capture,
            }),
            (false, true) => Some(Op::StopVideo),
            (true, true) => self
                .devices
                .needs_switch(DeviceKind::Camera, v.camera.as_ref())
                .map(|id| Op::SwitchCamera {
                    camera_device_id: id,
                })
                // The SDK takes the capture options only in `startVideo`.
                .or_else(|| (v.capture != v.want_capture).then_some(Op::StopVideo)),
            (false, false) => None,
        }
    }

    pub(super) fn on_audio_change(
        &mut self,
        action: AudioChangeAction,
        source: Option<AudioChangeSource>,
    ) {
        let ours = matches!(
            self.media.audio.sync,
            AudioSync::Busy(_) | AudioSync::BusyThenCheck(_)
        );
        let mut audio = self.media.audio.actual;
        let want = &mut self.media.audio.want;
        match action {
            AudioChangeAction::Join => {
                audio.connected = true;
                if !ours {
                    want.connected = true;
                }
            }
            AudioChangeAction::Leave => {
                audio.connected = false;
                match source {
                    Some(AudioChangeSource::Failover) => {}
                    Some(AudioChangeSource::EndedBySystem | AudioChangeSource::MicrophoneError) => {
                        // Maybe the microphone was unplugged: decide once the list is read.
                        self.media.audio.sync = match self.media.audio.sync {
                            AudioSync::Busy(op) | AudioSync::BusyThenCheck(op) => {
                                AudioSync::BusyThenCheck(op)
                            }
                            AudioSync::Held { .. } => AudioSync::Held { check: true },
                            AudioSync::Ready | AudioSync::Checking => AudioSync::Checking,
                        };
                        self.request_list();
                    }
                    _ if !ours => want.connected = false,
                    _ => {}
                }
            }
            AudioChangeAction::Muted => {
                audio.muted = true;
                let by_host = matches!(
                    source,
                    Some(AudioChangeSource::PassiveByMuteOne | AudioChangeSource::PassiveByMuteAll)
                );
                if by_host {
                    // Never fight the host: the wanted state follows.
                    want.muted = true;
                    self.emit(Event::MutedByHost);
                } else if !ours {
                    want.muted = true;
                }
            }
            AudioChangeAction::Unmuted => {
                audio.muted = false;
                if !ours {
                    want.muted = false;
                }
            }
        }
        self.set_audio(audio);
        self.reconcile();
    }

    pub(super) fn on_capturing(&mut self, state: VideoCapturingState) {
        let sync = self.media.video.sync;
        let ours = matches!(sync, VideoSync::Busy(_) | VideoSync::Restarting(Some(_)));
        match state {
            VideoCapturingState::Started => {
                if !ours {
                    self.media.video.want = self.media.video.want.with(true);
                }
                if sync.restarting() {
                    self.media.video.on = true;
                } else {
                    self.set_video(true);
                }
            }
            VideoCapturingState::Stopped if matches!(sync, VideoSync::Restarting(Some(_))) => {
                // The stop of a restart: the app is not told.
                self.media.video.on = false;
                self.media.video.camera = None;
            }
            VideoCapturingState::Stopped | VideoCapturingState::Failed => {
                self.end_restart();
                self.set_video(false);
                if !ours && self.media.video.want.wanted() {
                    // Unplugged, or stopped by the OS or browser? The next
                    // device list tells: fall back, or accept the stop.
                    self.media.video.sync = match self.media.video.sync {
                        VideoSync::Held { .. } => VideoSync::Held {
                            after: AfterHold::Checking,
                        },
                        _ => VideoSync::Checking,
                    };
                    self.request_list();
                }
            }
        }
        self.reconcile();
    }

    /// The camera permission was denied: the camera stays off.
    pub(super) fn camera_denied(&mut self) {
        self.media.video.want = self.media.video.want.with(false);
        self.media.take_video_check();
    }

    /// Zoom stopped the share (another participant started one, or the
    /// browser's own stop button).
    pub(super) fn on_share_stopped(&mut self) {
        self.media.share.want = false;
        self.set_share(false);
        self.reconcile();
    }

    pub(super) fn set_audio(&mut self, audio: AudioStatus) {
        if self.media.audio.actual != audio {
            self.media.audio.actual = audio;
            self.emit(Event::AudioChanged(audio));
        }
        if !audio.connected {
            self.media.audio.mic = None;
            self.media.audio.speaker = None;
        }
    }

    fn set_video(&mut self, on: bool) {
        if self.media.video.on != on {
            self.media.video.on = on;
            self.emit(Event::VideoChanged { on });
        }
        if !on {
            self.media.video.camera = None;
        }
    }

    fn set_share(&mut self, on: bool) {
        if self.media.share.on != on {
            self.media.share.on = on;
            self.emit(Event::ShareChanged { on });
        }
    }

    /// Ends a restart; `true` if one was under way.
    fn take_restart(&mut self) -> bool {
        let sync = match self.media.video.sync {
            VideoSync::Restarting(op) => op.map_or(VideoSync::Ready, VideoSync::Busy),
            VideoSync::Held {
                after: AfterHold::Restarting,
            } => VideoSync::Held {
                after: AfterHold::Ready,
            },
            _ => return false,
        };
        self.media.video.sync = sync;
        true
    }

    /// A restart that will not complete: the app was told the camera is on,
    /// so tell it that it is off.
    fn end_restart(&mut self) {
        if self.take_restart() && !self.media.video.on {
            self.emit(Event::VideoChanged { on: false });
        }
    }

    /// The SDK session is gone: no media, and nothing waits for a device list.
    pub(super) fn set_actual_media_off(&mut self) {
        self.end_restart();
        self.set_audio(AudioStatus {
            connected: false,
            muted: self.media.audio.actual.muted,
        });
        self.set_video(false);
        self.set_share(false);
        self.media.drop_checks();
    }

    pub(super) fn on_media_done(&mut self, op: Op, result: Result<CommandOutput, ZoomError>) {
        match result {
            Ok(_) => self.apply_media_success(op),
            Err(error) => {
                let interrupted = error.is_cancelled()
                    || matches!(
                        error.code(),
                        ErrorCode::ClientSessionStateClosed
                            | ErrorCode::ClientSessionStateReconnecting
                            | ErrorCode::ClientSessionStateOnHold
                            | ErrorCode::StreamSessionJoinRequired
                    )
                    || (error.error_code.is_none()
                        && error.kind == Some(ErrorType::ImproperMeetingState));
                if interrupted {
                    // The session changed under the call: keep the wish, retry
                    // once connected again.
                    self.hold(&op);
                    return;
                }
                self.apply_media_failure(&op, &error);
                self.emit(Event::MediaFailed {
                    op: op.name(),
                    error,
                });
            }
        }
        self.reconcile();
    }

    /// Holds the medium of `op` (whose call just settled) until the session
    /// is connected again, keeping what it was waiting for.
    fn hold(&mut self, op: &Op) {
        let m = &mut self.media;
        match op {
            Op::StartAudio { .. }
            | Op::StopAudio
            | Op::MuteAudio
            | Op::UnmuteAudio
            | Op::SwitchMicrophone { .. }
            | Op::SwitchSpeaker { .. } => {
                let check = matches!(
                    m.audio.sync,
                    AudioSync::Checking | AudioSync::Held { check: true }
                );
                m.audio.sync = AudioSync::Held { check };
            }
            Op::StartVideo { .. } | Op::StopVideo | Op::SwitchCamera { .. } => {
                let after = match m.video.sync {
                    VideoSync::Restarting(_) => AfterHold::Restarting,
                    VideoSync::Checking => AfterHold::Checking,
                    VideoSync::Held { after } => after,
                    VideoSync::Ready | VideoSync::Busy(_) => AfterHold::Ready,
                };
                m.video.sync = VideoSync::Held { after };
            }
            Op::StartShareScreen | Op::StopShareScreen => m.share.sync = ShareSync::Held,
            _ => {}
        }
    }

    fn apply_media_success(&mut self, op: Op) {
        let mut audio = self.media.audio.actual;
        match op {
            Op::StartAudio {
                mute,
                microphone_id,
                speaker_id,
            } => {
                audio = AudioStatus {
                    connected: true,
                    muted: mute,
                };
                self.set_audio(audio);
                self.media.audio.mic = microphone_id;
                self.media.audio.speaker = speaker_id;
                return;
            }
            Op::StopAudio => audio.connected = false,
            Op::MuteAudio => audio.muted = true,
            Op::UnmuteAudio => audio.muted = false,
            Op::SwitchMicrophone { microphone_id } => self.media.audio.mic = Some(microphone_id),
            Op::SwitchSpeaker { speaker_id } => self.media.audio.speaker = Some(speaker_id),
            Op::StartVideo { camera_id, capture } => {
                if self.take_restart() {
                    self.media.video.on = true;
                } else {
                    self.set_video(true);
                }
                self.media.video.camera = camera_id;
                if self.media.video.capture != capture {
                    self.media.video.capture = capture;
                    self.emit(Event::CaptureChanged { profile: capture });
                }
            }
            Op::StopVideo
                if self.media.video.sync == VideoSync::Restarting(None)
                    && self.media.video.want.capturing() =>
            {
                // Quietly off: the start that follows completes the restart.
                self.media.video.on = false;
                self.media.video.camera = None;
            }
            Op::StopVideo => {
                self.end_restart();
                self.set_video(false);
            }
            Op::SwitchCamera { camera_device_id } => {
                self.media.video.camera = Some(camera_device_id);
            }
            Op::StartShareScreen => self.set_share(true),
            Op::StopShareScreen => self.set_share(false),
            _ => {}
        }
        self.set_audio(audio);
    }

    fn apply_media_failure(&mut self, op: &Op, error: &ZoomError) {
        let code = error.code();
        match op {
            Op::StartAudio { .. } => self.media.audio.want.connected = false,
            Op::StopAudio => self.media.audio.want.connected = self.media.audio.actual.connected,
            Op::MuteAudio | Op::UnmuteAudio => {
                if code == ErrorCode::AudioNotStarted {
                    let audio = AudioStatus {
                        connected: false,
                        muted: self.media.audio.actual.muted,
                    };
                    self.set_audio(audio);
                    self.media.audio.want.connected = false;
                }
                self.media.audio.want.muted = self.media.audio.actual.muted;
            }
            Op::SwitchMicrophone { .. } => self.give_up_switch(DeviceKind::Microphone, code),
            Op::SwitchSpeaker { .. } => self.give_up_switch(DeviceKind::Speaker, code),
            Op::SwitchCamera { .. } => self.give_up_switch(DeviceKind::Camera, code),
            Op::StartVideo { .. } => {
                self.end_restart();
                self.media.video.want = self.media.video.want.with(false);
                if code == ErrorCode::VideoCameraPermissionDenied {
                    self.on_permission(PermissionName::Camera, PermissionState::Denied);
                }
            }
            Op::StopVideo => {
                if self.take_restart() {
                    // Keep the camera as it is rather than retry the restart.
                    self.media.video.want_capture = self.media.video.capture;
                }
                if self.media.video.want.paused() {
                    // The camera would not stop: do not retry the pause.
                    self.emit(Event::VideoPaused { paused: false });
                }
                self.media.video.want = VideoWish::Off.with(self.media.video.on);
            }
            Op::StartShareScreen => self.media.share.want = false,
            Op::StopShareScreen => self.media.share.want = self.media.share.on,
            _ => {}
        }
    }
}
