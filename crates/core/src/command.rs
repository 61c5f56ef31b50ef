//! What the core asks the driver to do, and what the driver answers.

use std::fmt;

use serde::Serialize;

use crate::chat::{ChatMessage, ChatPrivilege};
use crate::device::DeviceList;
use crate::quality::VideoQuality;
use crate::sdk::UserId;
use crate::wire::Encode;

/// Identifies one command; the driver answers with `Input::Done { id, .. }`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Encode)]
#[serde(transparent)]
pub struct CommandId(pub u64);

impl fmt::Display for CommandId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("#")?;
        f.write_str(&crate::wire::decimal(self.0))
    }
}

/// A request to call the SDK (or the app's token provider).
///
/// Each command is answered exactly once with `Input::Done`, unless the core
/// cancels it first with `Output::Cancel(id)`; after that the driver may drop
/// the promise, and a late `Done` for it is ignored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Encode)]
pub struct Command {
    /// Its id.
    pub id: CommandId,
    /// What to do.
    pub op: Op,
}

/// The capture options of `stream.startVideo`: the SDK captures at 360p by
/// default, at 720p with `hd` and at 1080p with `fullHd`. Below 360p there is
/// no capture option (the SDK's `captureWidth`/`captureHeight` are for
/// cameras with unusual aspect ratios only): the SDK's own uplink adaptation
/// sends lower layers, so lower decided qualities map to `Standard`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Encode)]
#[serde(rename_all = "camelCase")]
pub enum CaptureProfile {
    /// No option: the SDK's default (360p).
    #[default]
    Standard,
    /// `hd: true` (720p).
    Hd,
    /// `fullHd: true` (1080p).
    FullHd,
}

impl CaptureProfile {
    /// The profile that captures `quality` (or the nearest below it).
    #[must_use]
    pub fn for_quality(quality: VideoQuality) -> Self {
        match quality {
            VideoQuality::Video1080P => CaptureProfile::FullHd,
            VideoQuality::Video720P => CaptureProfile::Hd,
            _ => CaptureProfile::Standard,
        }
    }

    /// `startVideo`'s `hd` option.
    #[must_use]
    pub fn hd(self) -> bool {
        self == CaptureProfile::Hd
    }

    /// `startVideo`'s `fullHd` option.
    #[must_use]
    pub fn full_hd(self) -> bool {
        self == CaptureProfile::FullHd
    }

    /// A stable name: `standard`, `hd` or `fullHd`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            CaptureProfile::Standard => "standard",
            CaptureProfile::Hd => "hd",
            CaptureProfile::FullHd => "fullHd",
        }
    }
}

/// Why a token is needed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Encode)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum TokenReason {
    /// The first join.
    Join,
    /// A rejoin, and the previous token has expired or will expire too soon.
    Refresh,
}

/// The operations, one per SDK call. Field names follow the SDK's parameters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Encode)]
#[serde(rename_all = "camelCase", tag = "op")]
#[non_exhaustive]
pub enum Op {
    /// Ask the app's token provider for a Video SDK JWT for `topic`.
    /// Answer: [`CommandOutput::Token`].
    FetchToken {
        /// The session name the token must carry as `tpc`.
        topic: String,
        /// Why.
        reason: TokenReason,
    },
    /// `client.init(language, dependentAssets, options)` with the driver's settings.
    Init,
    /// `client.join(topic, token, userName, sessionPassword, sessionIdleTimeoutMins)`.
    /// Answer: [`CommandOutput::Joined`] (or `Unit`).
    #[serde(rename_all = "camelCase")]
    Join {
        /// `topic`.
        topic: String,
        /// `token`.
        token: String,
        /// `userName`.
        user_name: String,
        /// `sessionPassword`.
        session_password: Option<String>,
        /// `sessionIdleTimeoutMins`.
        session_idle_timeout_mins: Option<u32>,
    },
    /// `client.leave(end)`.
    Leave {
        /// `end`: end the session for everyone (host only).
        end: bool,
    },
    /// `stream.startAudio({ mute, microphoneId, speakerId })`.
    #[serde(rename_all = "camelCase")]
    StartAudio {
        /// `mute`.
        mute: bool,
        /// `microphoneId`.
        microphone_id: Option<String>,
        /// `speakerId`.
        speaker_id: Option<String>,
    },
    /// `stream.stopAudio()`.
    StopAudio,
    /// `stream.muteAudio()`.
    MuteAudio,
    /// `stream.unmuteAudio()`.
    UnmuteAudio,
    /// `stream.switchMicrophone(microphoneId)`.
    #[serde(rename_all = "camelCase")]
    SwitchMicrophone {
        /// `microphoneId`.
        microphone_id: String,
    },
    /// `stream.switchSpeaker(speakerId)`.
    #[serde(rename_all = "camelCase")]
    SwitchSpeaker {
        /// `speakerId`.
        speaker_id: String,
    },
    /// `stream.startVideo({ cameraId, hd, fullHd })`.
    #[serde(rename_all = "camelCase")]
    StartVideo {
        /// `cameraId`.
        camera_id: Option<String>,
        /// `hd` and `fullHd`.
        capture: CaptureProfile,
    },
    /// `stream.stopVideo()`.
    StopVideo,
    /// `stream.switchCamera(cameraDeviceId)`.
    #[serde(rename_all = "camelCase")]
    SwitchCamera {
        /// `cameraDeviceId`.
        camera_device_id: String,
    },
    /// `stream.startShareScreen(element)` with the driver's element.
    StartShareScreen,
    /// `stream.stopShareScreen()`.
    StopShareScreen,
    /// Read the three device lists (`stream.getCameraList()`, `getMicList()`,
    /// `getSpeakerList()`, or `enumerateDevices` before joining).
    /// Answer: [`CommandOutput::Devices`].
    ListDevices,
    /// `client.getChatClient().send(text, userId)`.
    /// Answer: [`CommandOutput::ChatMessage`] (or `Unit`).
    #[serde(rename_all = "camelCase")]
    SendChat {
        /// `text`.
        text: String,
        /// `userId`.
        user_id: UserId,
    },
    /// `client.getChatClient().sendToAll(text)`.
    /// Answer: [`CommandOutput::ChatMessage`] (or `Unit`).
    SendChatToAll {
        /// `text`.
        text: String,
    },
    /// `client.getChatClient().setPrivilege(privilege)`.
    SetChatPrivilege {
        /// `privilege`.
        privilege: ChatPrivilege,
    },
    /// `stream.muteAudio(userId)`: mute another participant.
    #[serde(rename_all = "camelCase")]
    MuteUser {
        /// `userId`.
        user_id: UserId,
    },
    /// `stream.unmuteAudio(userId)`: they get `host-ask-unmute-audio`.
    #[serde(rename_all = "camelCase")]
    AskToUnmute {
        /// `userId`.
        user_id: UserId,
    },
    /// `client.removeUser(userId)`.
    #[serde(rename_all = "camelCase")]
    RemoveUser {
        /// `userId`.
        user_id: UserId,
    },
    /// `client.makeHost(userId)`.
    #[serde(rename_all = "camelCase")]
    MakeHost {
        /// `userId`.
        user_id: UserId,
    },
    /// `client.makeManager(userId)`.
    #[serde(rename_all = "camelCase")]
    MakeManager {
        /// `userId`.
        user_id: UserId,
    },
    /// `client.revokeManager(userId)`.
    #[serde(rename_all = "camelCase")]
    RevokeManager {
        /// `userId`.
        user_id: UserId,
    },
    /// `stream.lockShare(isLocked)`.
    LockShare {
        /// `isLocked`.
        locked: bool,
    },
    /// `stream.startShareView(canvas, activeUserId)` on the app's canvas.
    #[serde(rename_all = "camelCase")]
    StartShareView {
        /// `activeUserId`: whose share.
        user_id: UserId,
    },
    /// `stream.stopShareView()`.
    StopShareView,
    /// `client.getRecordingClient().startCloudRecording()`.
    StartRecording,
    /// `client.getRecordingClient().stopCloudRecording()`.
    StopRecording,
    /// `client.getRecordingClient().pauseCloudRecording()`.
    PauseRecording,
    /// `client.getRecordingClient().resumeCloudRecording()`.
    ResumeRecording,
    /// `client.getRecordingClient().acceptIndividualRecording()`.
    AcceptIndividualRecording,
    /// `client.getRecordingClient().declineIndividualRecording()`.
    DeclineIndividualRecording,
}

impl Op {
    /// A stable name for logs and errors.
    #[must_use]
    pub fn name(&self) -> &'static str {
        match self {
            Op::FetchToken { .. } => "fetchToken",
            Op::Init => "init",
            Op::Join { .. } => "join",
            Op::Leave { .. } => "leave",
            Op::StartAudio { .. } => "startAudio",
            Op::StopAudio => "stopAudio",
            Op::MuteAudio => "muteAudio",
            Op::UnmuteAudio => "unmuteAudio",
            Op::SwitchMicrophone { .. } => "switchMicrophone",
            Op::SwitchSpeaker { .. } => "switchSpeaker",
            Op::StartVideo { .. } => "startVideo",
            Op::StopVideo => "stopVideo",
            Op::SwitchCamera { .. } => "switchCamera",
            Op::StartShareScreen => "startShareScreen",
            Op::StopShareScreen => "stopShareScreen",
            Op::ListDevices => "listDevices",
            Op::SendChat { .. } => "sendChat",
            Op::SendChatToAll { .. } => "sendChatToAll",
            Op::SetChatPrivilege { .. } => "setChatPrivilege",
            Op::MuteUser { .. } => "muteUser",
            Op::AskToUnmute { .. } => "askToUnmute",
            Op::RemoveUser { .. } => "removeUser",
            Op::MakeHost { .. } => "makeHost",
            Op::MakeManager { .. } => "makeManager",
            Op::RevokeManager { .. } => "revokeManager",
            Op::LockShare { .. } => "lockShare",
            Op::StartShareView { .. } => "startShareView",
            Op::StopShareView => "stopShareView",
            Op::StartRecording => "startRecording",
            Op::StopRecording => "stopRecording",
            Op::PauseRecording => "pauseRecording",
            Op::ResumeRecording => "resumeRecording",
            Op::AcceptIndividualRecording => "acceptIndividualRecording",
            Op::DeclineIndividualRecording => "declineIndividualRecording",
        }
    }

    /// The SDK methods this op calls, as `client.x` / `stream.x` (empty for
    /// the token provider). Checked against `types-json` by the tests.
    #[must_use]
    pub fn sdk_methods(&self) -> &'static [&'static str] {
        match self {
            Op::FetchToken { .. } => &[],
            Op::Init => &["client.init"],
            Op::Join { .. } => &["client.join", "client.getCurrentUserInfo"],
            Op::Leave { .. } => &["client.leave"],
            Op::StartAudio { .. } => &["stream.startAudio"],
            Op::StopAudio => &["stream.stopAudio"],
            Op::MuteAudio => &["stream.muteAudio"],
            Op::UnmuteAudio => &["stream.unmuteAudio"],
            Op::SwitchMicrophone { .. } => &["stream.switchMicrophone"],
            Op::SwitchSpeaker { .. } => &["stream.switchSpeaker"],
            Op::StartVideo { .. } => &["stream.startVideo"],
            Op::StopVideo => &["stream.stopVideo"],
            Op::SwitchCamera { .. } => &["stream.switchCamera"],
            Op::StartShareScreen => &["stream.startShareScreen"],
            Op::StopShareScreen => &["stream.stopShareScreen"],
            Op::ListDevices => &[
                "stream.getCameraList",
                "stream.getMicList",
                "stream.getSpeakerList",
            ],
            Op::SendChat { .. } => &["client.getChatClient", "ChatClient.send"],
            Op::SendChatToAll { .. } => &["client.getChatClient", "ChatClient.sendToAll"],
            Op::SetChatPrivilege { .. } => &["client.getChatClient", "ChatClient.setPrivilege"],
            Op::MuteUser { .. } => &["stream.muteAudio"],
            Op::AskToUnmute { .. } => &["stream.unmuteAudio"],
            Op::RemoveUser { .. } => &["client.removeUser"],
            Op::MakeHost { .. } => &["client.makeHost"],
            Op::MakeManager { .. } => &["client.makeManager"],
            Op::RevokeManager { .. } => &["client.revokeManager"],
            Op::LockShare { .. } => &["stream.lockShare"],
            Op::StartShareView { .. } => &["stream.startShareView"],
            Op::StopShareView => &["stream.stopShareView"],
            Op::StartRecording => &[
                "client.getRecordingClient",
                "RecordingClient.startCloudRecording",
            ],
            Op::StopRecording => &[
                "client.getRecordingClient",
                "RecordingClient.stopCloudRecording",
            ],
            Op::PauseRecording => &[
                "client.getRecordingClient",
                "RecordingClient.pauseCloudRecording",
            ],
            Op::ResumeRecording => &[
                "client.getRecordingClient",
                "RecordingClient.resumeCloudRecording",
            ],
            Op::AcceptIndividualRecording => &[
                "client.getRecordingClient",
                "RecordingClient.acceptIndividualRecording",
            ],
            Op::DeclineIndividualRecording => &[
                "client.getRecordingClient",
                "RecordingClient.declineIndividualRecording",
            ],
        }
    }

    /// Whether this is an [`Action`](crate::action::Action)'s call (chat,
    /// host controls, recording), answered through
    /// [`Session::act`](crate::Session::act)'s command id.
    #[must_use]
    pub fn is_action(&self) -> bool {
        matches!(
            self,
            Op::SendChat { .. }
                | Op::SendChatToAll { .. }
                | Op::SetChatPrivilege { .. }
                | Op::MuteUser { .. }
                | Op::AskToUnmute { .. }
                | Op::RemoveUser { .. }
                | Op::MakeHost { .. }
                | Op::MakeManager { .. }
                | Op::RevokeManager { .. }
                | Op::LockShare { .. }
                | Op::StartShareView { .. }
                | Op::StopShareView
                | Op::StartRecording
                | Op::StopRecording
                | Op::PauseRecording
                | Op::ResumeRecording
                | Op::AcceptIndividualRecording
                | Op::DeclineIndividualRecording
        )
    }

    /// The output kind a successful answer must carry.
    #[must_use]
    pub fn expected_output(&self) -> &'static str {
        match self {
            Op::FetchToken { .. } => "Token",
            Op::Join { .. } => "Joined or Unit",
            Op::ListDevices => "Devices",
            Op::SendChat { .. } | Op::SendChatToAll { .. } => "ChatMessage or Unit",
            _ => "Unit",
        }
    }

    pub(crate) fn accepts(&self, out: &CommandOutput) -> bool {
        matches!(
            (self, out),
            (Op::FetchToken { .. }, CommandOutput::Token(_))
                | (
                    Op::Join { .. },
                    CommandOutput::Joined { .. } | CommandOutput::Unit
                )
                | (Op::ListDevices, CommandOutput::Devices(_))
                | (
                    Op::SendChat { .. } | Op::SendChatToAll { .. },
                    CommandOutput::ChatMessage(_)
                )
        ) || (!matches!(
            self,
            Op::FetchToken { .. } | Op::Join { .. } | Op::ListDevices
        ) && *out == CommandOutput::Unit)
    }
}

/// A successful answer to a command.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CommandOutput {
    /// The SDK promise resolved with `''` (every `ExecutedResult`).
    Unit,
    /// The token provider's JWT.
    Token(String),
    /// `join` resolved; `userId` from `client.getCurrentUserInfo()`.
    Joined {
        /// The local user's id, if the driver read it.
        user_id: Option<UserId>,
    },
    /// The device lists.
    Devices(DeviceList),
    /// The message `send`/`sendToAll` resolved with.
    ChatMessage(ChatMessage),
}
