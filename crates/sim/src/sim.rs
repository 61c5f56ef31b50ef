//! The simulated world: one local client in one Zoom session, a virtual
//! clock, other participants, devices, permissions and the network.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use serde::{Deserialize, Serialize};

use crate::device::{DeviceKind, DeviceSpec, MediaDeviceInfo};
use crate::events as ev;
use crate::failure;
use crate::payload::{
    ActiveMediaFailedCode, ActiveMediaFailedPayload, ActiveShareChangePayload, ActiveSpeaker,
    AudioChangeAction, AudioChangeSource, AudioJoinType, AudioKind, AudioOption,
    CaptureVideoOption, ChatMessagePayload, ChatParty, ChatPrivilegeChangePayload, ClosedReason,
    ConnectionChangePayload, ConnectionReason, ConnectionState, CurrentAudioChangePayload,
    CurrentAudioLevelChangePayload, DevicePermissionChangePayload, HostAskUnmuteAudioPayload,
    IndividualRecordingChangePayload, LeaveAudioSource, MediaCompatibility, MediaDevice,
    MutedSource, NetworkQualityChangePayload, Participant, ParticipantPropertiesPayload,
    PassiveStopShareReason, PeerAction, PeerShareStateChangePayload, PeerVideoStateChangePayload,
    PermissionName, PermissionState, QualityDirection, ReconnectReason, RecordingStatus,
    SdkFailure, SessionInfo, SharePrivilegeChangePayload, ShareState, UnmuteReason,
    VideoCapturingChangePayload, VideoCapturingState,
};
use crate::rng::Rng;
use crate::script::{Action, Fault, Script, StepKind, Who};
use crate::token;

/// A latency range in milliseconds, drawn uniformly from the seeded RNG.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Range {
    /// Shortest.
    pub min: u64,
    /// Longest.
    pub max: u64,
}

impl Range {
    /// Always `ms`.
    #[must_use]
    pub const fn fixed(ms: u64) -> Self {
        Range { min: ms, max: ms }
    }
}

/// How long calls take before their promise settles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Latency {
    /// `init`.
    pub init: Range,
    /// `join`.
    pub join: Range,
    /// `leave`.
    pub leave: Range,
    /// Stream calls (`startAudio`, `startVideo`, ...) and early rejections.
    pub media: Range,
}

impl Latency {
    /// Everything settles at once (still only when the clock is run).
    #[must_use]
    pub const fn zero() -> Self {
        Latency {
            init: Range::fixed(0),
            join: Range::fixed(0),
            leave: Range::fixed(0),
            media: Range::fixed(0),
        }
    }
}

impl Default for Latency {
    fn default() -> Self {
        Latency {
            init: Range { min: 20, max: 80 },
            join: Range { min: 300, max: 900 },
            leave: Range { min: 50, max: 150 },
            media: Range { min: 20, max: 120 },
        }
    }
}

/// A participant already in the session when the local user joins.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
pub struct ParticipantSpec {
    /// Display name.
    pub name: String,
    /// Is the host.
    pub host: bool,
    /// Video on.
    pub video: bool,
    /// Computer audio joined, unmuted.
    pub audio: bool,
}

impl Default for ParticipantSpec {
    fn default() -> Self {
        ParticipantSpec {
            name: "Guest".to_owned(),
            host: false,
            video: false,
            audio: false,
        }
    }
}

/// Everything fixed before a run. From JavaScript, the same fields in
/// camelCase are `createSim`'s options (an unknown field is an error, so a
/// typo does not pass unnoticed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
pub struct SimConfig {
    /// The seed: with the same seed, config and calls, every run emits the
    /// same events at the same virtual times.
    pub seed: u64,
    /// Wall-clock time at virtual time 0, in ms since the Unix epoch; token
    /// `iat`/`exp` are compared with `epoch_ms + now`. Default 2026-01-01.
    pub epoch_ms: u64,
    /// Call latencies.
    pub latency: Latency,
    /// The Video SDK secret: when set, token signatures are verified.
    pub sdk_secret: Option<String>,
    /// The Video SDK key: when set, a token's `app_key` must equal it.
    pub sdk_key: Option<String>,
    /// The session's password (as if set by its host): joins must give it.
    pub session_password: Option<String>,
    /// The session's `session_key`: tokens must carry it.
    pub session_key: Option<String>,
    /// Participants in the session before the local user joins.
    pub participants: Vec<ParticipantSpec>,
    /// The machine's devices.
    pub devices: Vec<DeviceSpec>,
    /// What `checkSystemRequirements()` reports; `init` fails with 5000 when
    /// neither audio nor video is supported.
    pub compatibility: MediaCompatibility,
    /// When false, `init` fails with 5001 (assets unreachable).
    pub assets_reachable: bool,
    /// A [`Fault::DropConnection`] longer than this ends in `Fail` after
    /// this long.
    pub reconnect_give_up_ms: u64,
    /// Initial camera permission.
    pub camera_permission: PermissionState,
    /// Initial microphone permission.
    pub microphone_permission: PermissionState,
    /// `getMaxRenderableVideos()`.
    pub max_renderable_videos: u32,
    /// `isSupportMultipleVideos()`.
    pub support_multiple_videos: bool,
    /// `isSupportHDVideo()`.
    pub support_hd_video: bool,
    /// `canStartRecording()`: the account has cloud recording; when false,
    /// `startCloudRecording` fails with 7200.
    pub cloud_recording: bool,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            seed: 0,
            epoch_ms: 1_767_225_600_000,
            latency: Latency::default(),
            sdk_secret: None,
            sdk_key: None,
            session_password: None,
            session_key: None,
            participants: Vec::new(),
            devices: DeviceSpec::defaults(),
            compatibility: MediaCompatibility::default(),
            assets_reachable: true,
            reconnect_give_up_ms: 120_000,
            camera_permission: PermissionState::Granted,
            microphone_permission: PermissionState::Granted,
            max_renderable_videos: 9,
            support_multiple_videos: true,
            support_hd_video: true,
            cloud_recording: true,
        }
    }
}

/// Misuse of the simulator itself (not an SDK rejection).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SimError {
    /// No participant has that id or name.
    #[error("no participant {0} is in the session; add one with Action::AddParticipant first")]
    UnknownParticipant(String),
    /// No device of that kind has that label.
    #[error("no {kind:?} labelled `{label}` is plugged in; see getDevices() for the labels")]
    UnknownDevice {
        /// The kind asked for.
        kind: DeviceKind,
        /// The label asked for.
        label: String,
    },
    /// The fault needs the local user to be in a session.
    #[error("`{0}` needs the local user in a session: join first")]
    NotInSession(&'static str),
    /// Nothing is being shared.
    #[error("the local user is not sharing; startShareScreen first")]
    NotSharing,
    /// A parameter is out of range.
    #[error("invalid parameter `{field}`: {detail}")]
    InvalidParameter {
        /// Which parameter.
        field: &'static str,
        /// What is wrong with it.
        detail: String,
    },
}

/// What [`Sim::token`] makes a token for. In JS (`sim.token({...})`) the
/// fields are camelCase and all but `topic` optional.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TokenRequest {
    /// `tpc`: the session name to join.
    pub topic: String,
    /// `role_type`: 1 host, 0 participant (the default).
    #[serde(default)]
    pub role: u8,
    /// `user_key`: the app's id for the user.
    #[serde(default)]
    pub user_key: Option<String>,
    /// `session_key`.
    #[serde(default)]
    pub session_key: Option<String>,
    /// `exp - iat`. Default 7200.
    #[serde(default = "default_token_lifetime")]
    pub expires_in_seconds: i64,
}

fn default_token_lifetime() -> i64 {
    7200
}

impl TokenRequest {
    /// A participant's token request for `topic`, valid for 2 hours.
    #[must_use]
    pub fn new(topic: impl Into<String>) -> Self {
        TokenRequest {
            topic: topic.into(),
            role: 0,
            user_key: None,
            session_key: None,
            expires_in_seconds: default_token_lifetime(),
        }
    }
}

/// The handle of a pending SDK call. It settles exactly once; read the
/// outcome with [`Sim::settle`], [`Sim::result`] or [`Sim::poll_output`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct OpId(pub u64);

/// An event the SDK would have emitted: `client.on(name, cb)` gets `payload`
/// (`Null` for events without one).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SimEvent {
    /// Virtual time it was emitted.
    pub at: u64,
    /// The SDK's event name (see [`crate::events`]).
    pub name: &'static str,
    /// The payload, shaped as the SDK's (see [`crate::payload`]).
    pub payload: serde_json::Value,
}

/// What the simulator produced, in order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Output {
    /// An event.
    Event(SimEvent),
    /// A call settled: `Ok` resolves with `''`, `Err` rejects.
    Done {
        /// Virtual time it settled.
        at: u64,
        /// Which call.
        op: OpId,
        /// Its outcome.
        result: Result<(), SdkFailure>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Conn {
    /// `init` has not resolved.
    Fresh,
    /// Ready to join (also after leave, close and fail).
    Ready,
    Joining(OpId),
    Connected,
    Reconnecting {
        epoch: u64,
    },
    Leaving(OpId),
}

#[derive(Debug, Clone)]
enum OpKind {
    Reject(SdkFailure),
    /// `startShareView` (`Some`) or `stopShareView` (`None`).
    ShareView(Option<u32>),
    Init,
    Join {
        topic: String,
        token: String,
        decoded: token::Decoded,
        user_name: String,
        password: String,
    },
    Leave {
        end: bool,
        /// Left from a join in progress: there is no session to close.
        was_joining: bool,
    },
    StartAudio(AudioOption),
    StopAudio,
    Mute(Option<u32>, bool),
    StartVideo(CaptureVideoOption),
    StopVideo,
    Switch(DeviceKind, String),
    StartShare,
    StopShare,
    SendChat {
        text: String,
        to: Option<u32>,
    },
    SetChatPrivilege(u8),
    RemoveUser(u32),
    Role(u32, RoleChange),
    LockShare(bool),
    Recording(RecordingStatus),
    AnswerIndividual(bool),
}

/// `makeHost`, `makeManager`, `revokeManager`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RoleChange {
    MakeHost,
    MakeManager,
    RevokeManager,
}

impl OpKind {
    /// Whether a change of session state cancels it (error code 3).
    fn is_session_op(&self) -> bool {
        !matches!(
            self,
            OpKind::Reject(_) | OpKind::Init | OpKind::Join { .. } | OpKind::Leave { .. }
        )
    }
}

#[derive(Debug, Clone)]
enum Due {
    Complete(OpId),
    Step(StepKind),
    Reconnected {
        epoch: u64,
    },
    GiveUp {
        epoch: u64,
    },
    Quality {
        user_id: u32,
        direction: QualityDirection,
        level: u8,
    },
    Recovered {
        user_id: u32,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct User {
    id: u32,
    name: String,
    host: bool,
    manager: bool,
    audio: AudioKind,
    muted: Option<bool>,
    video: bool,
    share: bool,
    guid: String,
    user_key: Option<String>,
    in_failover: bool,
}

impl User {
    fn props(&self) -> ParticipantPropertiesPayload {
        ParticipantPropertiesPayload {
            user_id: self.id,
            display_name: Some(self.name.clone()),
            audio: Some(self.audio),
            is_host: Some(self.host),
            is_manager: Some(self.manager),
            muted: self.muted,
            b_video_on: Some(self.video),
            sharer_on: Some(self.share),
            sharer_pause: Some(false),
            user_guid: Some(self.guid.clone()),
            is_allow_individual_recording: Some(false),
            is_video_connect: Some(true),
            user_identity: self.user_key.clone(),
            is_in_failover: self.in_failover.then_some(true),
        }
    }

    fn participant(&self) -> Participant {
        Participant {
            user_id: self.id,
            display_name: self.name.clone(),
            audio: self.audio,
            muted: self.muted,
            is_host: self.host,
            is_manager: self.manager,
            b_video_on: self.video,
            sharer_on: self.share,
            sharer_pause: false,
            is_allow_individual_recording: false,
            is_video_connect: true,
            user_guid: Some(self.guid.clone()),
            user_identity: self.user_key.clone(),
            user_key: self.user_key.clone(),
            is_in_failover: self.in_failover.then_some(true),
        }
    }
}

#[derive(Debug, Clone)]
struct Device {
    info: MediaDeviceInfo,
    plugged: bool,
}

#[derive(Debug, Clone)]
struct Me {
    id: u32,
    topic: String,
    password: String,
    session_id: String,
    token: String,
}

/// The simulator: a virtual clock, a seeded RNG, one local SDK client, the
/// session it joins and the machine it runs on.
///
/// Drive it like the SDK: issue calls through [`Sim::client`] (each async
/// call returns an [`OpId`]), move time with [`Sim::advance`] or
/// [`Sim::run_until`], and read what happened with [`Sim::poll_event`] /
/// [`Sim::settle`] (or [`Sim::poll_output`] for both, in order). Faults and
/// other participants' actions come from a [`Script`] ([`Sim::load`]) or
/// are injected at once ([`Sim::inject`], [`Sim::act`]).
///
/// Nothing happens between calls: a call's effects, events and settlement
/// all wait for the clock to run, even with zero latency.
#[derive(Debug)]
pub struct Sim {
    config: SimConfig,
    now: u64,
    rng: Rng,
    seq: u64,
    queue: BTreeMap<(u64, u64), Due>,
    outputs: VecDeque<Output>,
    results: BTreeMap<OpId, Result<(), SdkFailure>>,
    pending: BTreeMap<OpId, OpKind>,
    next_op: u64,
    step_errors: Vec<(u64, SimError)>,

    conn: Conn,
    epoch: u64,
    network_down_until: u64,
    me: Option<Me>,
    me_user: Option<User>,
    users: BTreeMap<u32, User>,
    seen: BTreeMap<u32, ParticipantPropertiesPayload>,
    user_counter: u32,
    guest_counter: u32,
    expelled: BTreeSet<String>,
    expired_tokens: BTreeSet<String>,
    expire_next_token: bool,
    last_token: Option<String>,

    devices: Vec<Device>,
    camera_permission: PermissionState,
    microphone_permission: PermissionState,
    active_camera: Option<String>,
    active_mic: Option<String>,
    active_speaker: Option<String>,
    audio_muted: Option<bool>,
    audio_suspended: bool,
    video_on: bool,
    /// The `startVideo` option of the camera now capturing.
    video_capture: Option<CaptureVideoOption>,
    /// `sessionIdleTimeoutMins` of the last `join` call.
    join_idle_timeout_mins: Option<u32>,
    share_on: bool,
    /// Whose share `startShareView` draws.
    share_view: Option<u32>,
    audio_busy: bool,
    video_busy: bool,
    share_busy: bool,
    deny_next_share: bool,

    /// What resolved calls resolved with, when not `''` (`send`'s
    /// `ChatMessage`), until the JS face takes it.
    values: BTreeMap<OpId, serde_json::Value>,
    chat: Vec<ChatMessagePayload>,
    chat_privilege: u8,
    recording: Option<RecordingStatus>,
    individual_asked: bool,
    share_locked: bool,
}

impl Sim {
    /// A simulator at virtual time 0, client not yet initialised.
    #[must_use]
    pub fn new(config: SimConfig) -> Self {
        let mut rng = Rng::new(config.seed);
        let devices = config
            .devices
            .iter()
            .map(|d| Device {
                info: MediaDeviceInfo {
                    device_id: rng.hex(64),
                    kind: d.kind,
                    label: d.label.clone(),
                    group_id: rng.hex(64),
                },
                plugged: true,
            })
            .collect();
        let mut sim = Sim {
            now: 0,
            rng,
            seq: 0,
            queue: BTreeMap::new(),
            outputs: VecDeque::new(),
            results: BTreeMap::new(),
            pending: BTreeMap::new(),
            next_op: 1,
            step_errors: Vec::new(),
            conn: Conn::Fresh,
            epoch: 0,
            network_down_until: 0,
            me: None,
            me_user: None,
            users: BTreeMap::new(),
            seen: BTreeMap::new(),
            user_counter: 0,
            guest_counter: 0,
            expelled: BTreeSet::new(),
            expired_tokens: BTreeSet::new(),
            expire_next_token: false,
            last_token: None,
            devices,
            camera_permission: config.camera_permission,
            microphone_permission: config.microphone_permission,
            active_camera: None,
            active_mic: None,
            active_speaker: None,
            audio_muted: None,
            audio_suspended: false,
            video_on: false,
            video_capture: None,
            join_idle_timeout_mins: None,
            share_on: false,
            share_view: None,
            audio_busy: false,
            video_busy: false,
            share_busy: false,
            deny_next_share: false,
            values: BTreeMap::new(),
            chat: Vec::new(),
            chat_privilege: 1,
            recording: None,
            individual_asked: false,
            share_locked: false,
            config,
        };
        for spec in sim.config.participants.clone() {
            sim.new_user(&spec.name, spec.host, spec.video, spec.audio);
        }
        sim
    }

    /// The configuration it was built with.
    #[must_use]
    pub fn config(&self) -> &SimConfig {
        &self.config
    }

    /// Virtual time, ms since start.
    #[must_use]
    pub fn now(&self) -> u64 {
        self.now
    }

    /// The SDK side: `init`, `join`, stream calls, lists.
    pub fn client(&mut self) -> SimClient<'_> {
        SimClient { sim: self }
    }

    // ------------------------------------------------------------------
    // Clock
    // ------------------------------------------------------------------

    /// Runs everything due up to `now + ms`, then sets the clock there.
    pub fn advance(&mut self, ms: u64) {
        self.run_until(self.now.saturating_add(ms));
    }

    /// Runs everything due up to virtual time `t` (in order of time, then of
    /// scheduling), then sets the clock to `t` (never backwards).
    pub fn run_until(&mut self, t: u64) {
        while let Some((&(at, seq), _)) = self.queue.first_key_value() {
            if at > t {
                break;
            }
            let Some(due) = self.queue.remove(&(at, seq)) else {
                break;
            };
            self.now = self.now.max(at);
            self.handle(due);
        }
        self.now = self.now.max(t);
    }

    /// The virtual time of the next scheduled happening, if any.
    #[must_use]
    pub fn next_due(&self) -> Option<u64> {
        self.queue.first_key_value().map(|(&(at, _), _)| at)
    }

    /// Runs the clock until `op` settles and returns its outcome, or `None`
    /// if `op` is not pending and its outcome was already taken.
    pub fn settle(&mut self, op: OpId) -> Option<Result<(), SdkFailure>> {
        loop {
            if let Some(r) = self.result(op) {
                return Some(r);
            }
            if !self.pending.contains_key(&op) {
                return None;
            }
            let next = self.next_due()?;
            self.run_until(next);
        }
    }

    // ------------------------------------------------------------------
    // Outputs
    // ------------------------------------------------------------------

    /// The next output (event or settlement), in the order produced.
    pub fn poll_output(&mut self) -> Option<Output> {
        self.outputs.pop_front()
    }

    /// The next event. Settlements before it are kept for [`Sim::result`].
    pub fn poll_event(&mut self) -> Option<SimEvent> {
        while let Some(out) = self.outputs.pop_front() {
            match out {
                Output::Event(e) => return Some(e),
                Output::Done { op, result, .. } => {
                    self.results.insert(op, result);
                }
            }
        }
        None
    }

    /// Every event produced so far, in order (settlements are kept).
    pub fn drain_events(&mut self) -> Vec<SimEvent> {
        std::iter::from_fn(|| self.poll_event()).collect()
    }

    /// Takes the outcome of `op` if it has settled.
    pub fn result(&mut self, op: OpId) -> Option<Result<(), SdkFailure>> {
        if let Some(r) = self.results.remove(&op) {
            return Some(r);
        }
        let idx = self
            .outputs
            .iter()
            .position(|o| matches!(o, Output::Done { op: o, .. } if *o == op))?;
        match self.outputs.remove(idx) {
            Some(Output::Done { result, .. }) => Some(result),
            _ => None,
        }
    }

    /// What a resolved call resolved with, when not `''`: the
    /// `ChatMessage` of `send`/`sendToAll`. Taken once.
    pub fn take_value(&mut self, op: OpId) -> Option<serde_json::Value> {
        self.values.remove(&op)
    }

    /// Whether outputs are waiting to be polled.
    #[must_use]
    pub fn has_output(&self) -> bool {
        !self.outputs.is_empty()
    }

    /// A call refused before it reached the SDK model (the JS export's own
    /// argument checks); it settles after the media latency like any other.
    #[cfg(target_arch = "wasm32")]
    pub(crate) fn reject_now(&mut self, failure: SdkFailure) -> OpId {
        self.reject(failure)
    }

    /// Whether calls are still waiting to settle.
    #[must_use]
    pub fn pending_ops(&self) -> usize {
        self.pending.len()
    }

    /// Steps of a loaded script that could not be applied at their time
    /// (e.g. naming a participant who had left), with that time.
    #[must_use]
    pub fn step_errors(&self) -> &[(u64, SimError)] {
        &self.step_errors
    }

    // ------------------------------------------------------------------
    // Introspection
    // ------------------------------------------------------------------

    /// The `startVideo` option the camera is capturing with (`None` while
    /// the camera is off).
    #[must_use]
    pub fn video_capture(&self) -> Option<&CaptureVideoOption> {
        self.video_capture.as_ref()
    }

    /// Whose share `startShareView` draws now (a test's view of the canvas).
    #[must_use]
    pub fn share_view_user(&self) -> Option<u32> {
        self.share_view
    }

    /// The `sessionIdleTimeoutMins` the last `join` was called with (`None`
    /// before any join, or when it had none).
    #[must_use]
    pub fn session_idle_timeout_mins(&self) -> Option<u32> {
        self.join_idle_timeout_mins
    }

    /// A Video SDK token this simulator accepts: `tpc` is `topic`, signed
    /// with its `sdk_secret` when it has one, for its `sdk_key` (or
    /// `zoomkit-sim`), issued at its current time less 30 s (as
    /// zoomkit-server backdates) and valid for `expires_in_seconds`.
    ///
    /// # Errors
    /// [`SimError::InvalidParameter`] for an empty or over-long topic, a
    /// role other than 0 or 1, or a lifetime outside Zoom's 1800 s to 48 h.
    pub fn token(&self, request: &TokenRequest) -> Result<String, SimError> {
        let invalid = |field, detail: &str| {
            Err(SimError::InvalidParameter {
                field,
                detail: detail.to_owned(),
            })
        };
        if request.topic.is_empty() || request.topic.chars().count() > 200 {
            return invalid("topic", "must be 1 to 200 characters");
        }
        if request.role > 1 {
            return invalid("role", "must be 0 (participant) or 1 (host)");
        }
        if !(token::MIN_LIFETIME_S..=token::MAX_LIFETIME_S).contains(&request.expires_in_seconds) {
            return invalid("expiresInSeconds", "must be 1800 to 172800 (Zoom's limits)");
        }
        let now_s = i64::try_from((self.config.epoch_ms + self.now) / 1000).unwrap_or(i64::MAX);
        let iat = now_s - 30;
        let mut claims = serde_json::json!({
            "app_key": self.config.sdk_key.as_deref().unwrap_or("zoomkit-sim"),
            "role_type": request.role,
            "tpc": request.topic,
            "version": 1,
            "iat": iat,
            "exp": iat + request.expires_in_seconds,
        });
        for (name, value) in [
            ("user_key", &request.user_key),
            ("session_key", &request.session_key),
        ] {
            if let Some(value) = value {
                claims[name] = serde_json::Value::String(value.clone());
            }
        }
        Ok(match &self.config.sdk_secret {
            Some(secret) => token::signed_token(&claims, secret.as_bytes()),
            None => token::unsigned_token(&claims),
        })
    }

    /// Media the local client has started and not stopped: microphone
    /// (computer audio), camera, screen share. Leaving, `Closed` and `Fail`
    /// stop them all, as the SDK does.
    #[must_use]
    pub fn active_track_count(&self) -> usize {
        usize::from(self.audio_muted.is_some())
            + usize::from(self.video_on)
            + usize::from(self.share_on)
    }

    /// The `connection-change` state the client was last told, or `None`
    /// before the first join completed / while joining.
    #[must_use]
    pub fn connection_state(&self) -> Option<ConnectionState> {
        match self.conn {
            Conn::Connected => Some(ConnectionState::Connected),
            Conn::Reconnecting { .. } => Some(ConnectionState::Reconnecting),
            _ => None,
        }
    }

    /// Whether the local user is in a session (connected or reconnecting).
    #[must_use]
    pub fn in_session(&self) -> bool {
        matches!(self.conn, Conn::Connected | Conn::Reconnecting { .. })
    }

    // ------------------------------------------------------------------
    // Scripts and injection
    // ------------------------------------------------------------------

    /// Schedules every step of `script` (steps in the past run at once, at
    /// the next clock run).
    pub fn load(&mut self, script: &Script) {
        for step in &script.steps {
            let at = step.at.max(self.now);
            self.schedule(at, Due::Step(step.kind.clone()));
        }
    }

    /// Applies a fault now.
    ///
    /// # Errors
    /// [`SimError`] when the fault cannot apply in the current state (e.g.
    /// unplugging an unknown device, failing a session that is not joined).
    pub fn inject(&mut self, fault: Fault) -> Result<(), SimError> {
        self.fault(fault)
    }

    /// Applies an action now. Returns the `userId`s of participants it added.
    ///
    /// # Errors
    /// [`SimError::UnknownParticipant`] when it names someone absent.
    pub fn act(&mut self, action: Action) -> Result<Vec<u32>, SimError> {
        self.action(action)
    }

    fn schedule(&mut self, at: u64, due: Due) {
        self.seq += 1;
        self.queue.insert((at, self.seq), due);
    }

    fn draw(&mut self, r: Range) -> u64 {
        self.rng.range(r.min, r.max)
    }

    fn emit<T: Serialize>(&mut self, name: &'static str, payload: &T) {
        // The payload types are plain structs and enums: serializing them to
        // a JSON value cannot fail.
        let payload = serde_json::to_value(payload).unwrap_or(serde_json::Value::Null);
        self.outputs.push_back(Output::Event(SimEvent {
            at: self.now,
            name,
            payload,
        }));
    }

    fn emit_bare(&mut self, name: &'static str) {
        self.outputs.push_back(Output::Event(SimEvent {
            at: self.now,
            name,
            payload: serde_json::Value::Null,
        }));
    }

    fn finish(&mut self, op: OpId, result: Result<(), SdkFailure>) {
        self.pending.remove(&op);
        self.outputs.push_back(Output::Done {
            at: self.now,
            op,
            result,
        });
    }

    fn begin(&mut self, kind: OpKind, latency: Range) -> OpId {
        let op = OpId(self.next_op);
        self.next_op += 1;
        let delay = self.draw(latency);
        self.pending.insert(op, kind);
        self.schedule(self.now + delay, Due::Complete(op));
        op
    }

    fn reject(&mut self, failure: SdkFailure) -> OpId {
        let latency = self.config.latency.media;
        self.begin(OpKind::Reject(failure), latency)
    }

    // ------------------------------------------------------------------
    // Handling due items
    // ------------------------------------------------------------------

    fn handle(&mut self, due: Due) {
        match due {
            Due::Complete(op) => {
                // Cancelled calls have already settled.
                if let Some(kind) = self.pending.get(&op).cloned() {
                    self.complete(op, kind);
                }
            }
            Due::Step(StepKind::Fault(f)) => {
                if let Err(e) = self.fault(f) {
                    self.step_errors.push((self.now, e));
                }
            }
            Due::Step(StepKind::Action(a)) => {
                if let Err(e) = self.action(a) {
                    self.step_errors.push((self.now, e));
                }
            }
            Due::Reconnected { epoch } => {
                if self.conn == (Conn::Reconnecting { epoch }) {
                    self.reconnected();
                }
            }
            Due::GiveUp { epoch } => {
                if self.conn == (Conn::Reconnecting { epoch }) {
                    self.emit(
                        ev::CONNECTION_CHANGE,
                        &ConnectionChangePayload {
                            state: ConnectionState::Fail,
                            reason: None,
                            subsession_name: None,
                        },
                    );
                    self.teardown();
                }
            }
            Due::Quality {
                user_id,
                direction,
                level,
            } => {
                let present = self.users.contains_key(&user_id)
                    || self.me.as_ref().is_some_and(|m| m.id == user_id);
                if self.conn == Conn::Connected && present {
                    self.emit(
                        ev::NETWORK_QUALITY_CHANGE,
                        &NetworkQualityChangePayload {
                            user_id,
                            kind: direction,
                            level,
                        },
                    );
                }
            }
            Due::Recovered { user_id } => {
                if let Some(u) = self.users.get_mut(&user_id) {
                    if u.in_failover {
                        u.in_failover = false;
                        let mut p = ParticipantPropertiesPayload::id(user_id);
                        p.is_in_failover = Some(false);
                        self.user_updated(p);
                    }
                }
            }
        }
    }

    fn complete(&mut self, op: OpId, kind: OpKind) {
        let result = match kind {
            OpKind::Reject(f) => Err(f),
            OpKind::Init => self.complete_init(),
            OpKind::Join {
                topic,
                token,
                decoded,
                user_name,
                password,
            } => {
                return self.complete_join(op, topic, token, &decoded, user_name, password);
            }
            OpKind::Leave { end, was_joining } => {
                if !was_joining {
                    self.emit(
                        ev::CONNECTION_CHANGE,
                        &ConnectionChangePayload {
                            state: ConnectionState::Closed,
                            reason: None,
                            subsession_name: None,
                        },
                    );
                }
                if end {
                    // The session is over for everyone.
                    self.users.clear();
                }
                self.teardown();
                Ok(())
            }
            OpKind::StartAudio(opt) => {
                self.audio_busy = false;
                if self.audio_muted.is_none() {
                    if let Some(id) = opt.microphone_id {
                        self.active_mic = Some(id);
                    }
                    if let Some(id) = opt.speaker_id {
                        self.active_speaker = Some(id);
                    }
                    let muted = opt.mute.unwrap_or(false);
                    self.audio_muted = Some(muted);
                    self.emit(
                        ev::CURRENT_AUDIO_CHANGE,
                        &CurrentAudioChangePayload {
                            action: AudioChangeAction::Join,
                            kind: Some(AudioJoinType::Computer),
                            source: None,
                        },
                    );
                    self.self_updated(|p| {
                        p.audio = Some(AudioKind::Computer);
                        p.muted = Some(muted);
                    });
                }
                Ok(())
            }
            OpKind::StopAudio => {
                self.audio_busy = false;
                if self.audio_muted.is_some() {
                    self.leave_audio(LeaveAudioSource::Active);
                }
                Ok(())
            }
            OpKind::Mute(None, muted) => {
                self.set_self_muted(muted, MutedSource::Active);
                Ok(())
            }
            OpKind::Mute(Some(id), muted) => {
                // Zoom never unmutes anyone directly: the participant is
                // asked (`host-ask-unmute-audio` on their side) and this
                // simulated participant says yes.
                if let Some(u) = self.users.get_mut(&id) {
                    if u.audio != AudioKind::None && u.muted != Some(muted) {
                        u.muted = Some(muted);
                        let mut p = ParticipantPropertiesPayload::id(id);
                        p.muted = Some(muted);
                        self.user_updated(p);
                    }
                }
                Ok(())
            }
            OpKind::StartVideo(option) => {
                self.video_busy = false;
                if !self.video_on {
                    if option.camera_id.is_some() {
                        self.active_camera.clone_from(&option.camera_id);
                    }
                    self.video_capture = Some(option);
                    self.video_on = true;
                    self.emit(
                        ev::VIDEO_CAPTURING_CHANGE,
                        &VideoCapturingChangePayload {
                            state: VideoCapturingState::Started,
                        },
                    );
                    self.self_updated(|p| p.b_video_on = Some(true));
                }
                Ok(())
            }
            OpKind::StopVideo => {
                self.video_busy = false;
                if self.video_on {
                    self.stop_video(VideoCapturingState::Stopped);
                }
                Ok(())
            }
            OpKind::Switch(kind, id) => {
                // The device may have been unplugged while switching.
                if self.plugged(kind).any(|d| d.device_id == id) {
                    *self.active_slot(kind) = Some(id);
                    Ok(())
                } else {
                    Err(failure::device_mismatch())
                }
            }
            OpKind::StartShare => {
                self.share_busy = false;
                if !self.share_on {
                    self.share_on = true;
                    self.self_updated(|p| p.sharer_on = Some(true));
                }
                Ok(())
            }
            OpKind::StopShare => {
                self.share_busy = false;
                if self.share_on {
                    self.share_on = false;
                    self.self_updated(|p| p.sharer_on = Some(false));
                }
                Ok(())
            }
            OpKind::SendChat { text, to } => {
                let message = self.chat_message(text, to);
                self.values.insert(
                    op,
                    serde_json::to_value(&message).unwrap_or(serde_json::Value::Null),
                );
                self.chat.push(message);
                Ok(())
            }
            OpKind::SetChatPrivilege(privilege) => {
                if self.chat_privilege != privilege {
                    self.chat_privilege = privilege;
                    self.emit(
                        ev::CHAT_PRIVILEGE_CHANGE,
                        &ChatPrivilegeChangePayload {
                            chat_privilege: privilege,
                        },
                    );
                }
                Ok(())
            }
            OpKind::RemoveUser(id) => {
                if let Some(u) = self.users.remove(&id) {
                    self.seen.remove(&id);
                    self.emit(ev::USER_REMOVED, &[removed_props(id, Some(u.name))]);
                }
                Ok(())
            }
            OpKind::Role(id, change) => {
                self.change_role(id, change);
                Ok(())
            }
            OpKind::ShareView(user) => {
                self.share_view = user;
                Ok(())
            }
            OpKind::LockShare(locked) => {
                if self.share_locked != locked {
                    self.share_locked = locked;
                    self.emit(
                        ev::SHARE_PRIVILEGE_CHANGE,
                        &SharePrivilegeChangePayload {
                            privilege: u8::from(locked),
                        },
                    );
                }
                Ok(())
            }
            OpKind::Recording(status) => {
                self.set_recording(status);
                Ok(())
            }
            OpKind::AnswerIndividual(accept) => {
                self.individual_asked = false;
                let me = self.me.as_ref().map(|m| m.id);
                self.emit(
                    ev::INDIVIDUAL_RECORDING_CHANGE,
                    &IndividualRecordingChangePayload {
                        status: if accept {
                            RecordingStatus::Accept
                        } else {
                            RecordingStatus::Decline
                        },
                        user_id: me,
                    },
                );
                Ok(())
            }
        };
        self.finish(op, result);
    }

    fn complete_init(&mut self) -> Result<(), SdkFailure> {
        let c = self.config.compatibility;
        if !c.audio && !c.video {
            return Err(failure::platform_unsupported());
        }
        if !self.config.assets_reachable {
            return Err(failure::assets_inaccessible());
        }
        if self.conn == Conn::Fresh {
            self.conn = Conn::Ready;
        }
        Ok(())
    }

    fn complete_join(
        &mut self,
        op: OpId,
        topic: String,
        token_str: String,
        decoded: &token::Decoded,
        user_name: String,
        password: String,
    ) {
        let outcome = self.check_join(&topic, &token_str, decoded, &password);
        let claims = match outcome {
            Ok(c) => c,
            Err(f) => {
                self.conn = Conn::Ready;
                self.finish(op, Err(f));
                return;
            }
        };
        let id = self.new_user_id();
        let guid = self.guid();
        let session_id = format!("{}==", self.rng.hex(22));
        self.me_user = Some(User {
            id,
            name: user_name,
            host: claims.role_type == 1,
            manager: false,
            audio: AudioKind::None,
            muted: None,
            video: false,
            share: false,
            guid,
            user_key: claims.user_key,
            in_failover: false,
        });
        self.me = Some(Me {
            id,
            topic,
            password,
            session_id,
            token: token_str,
        });
        self.conn = Conn::Connected;
        for kind in [
            DeviceKind::Camera,
            DeviceKind::Microphone,
            DeviceKind::Speaker,
        ] {
            let slot_empty = self.active_slot(kind).is_none();
            if slot_empty {
                let first = self.plugged(kind).next().map(|d| d.device_id.clone());
                *self.active_slot(kind) = first;
            }
        }
        self.emit(
            ev::CONNECTION_CHANGE,
            &ConnectionChangePayload {
                state: ConnectionState::Connected,
                reason: None,
                subsession_name: None,
            },
        );
        let everyone = self.all_props();
        self.seen = everyone.iter().map(|p| (p.user_id, p.clone())).collect();
        self.emit(ev::USER_ADDED, &everyone);
        self.finish(op, Ok(()));
    }

    fn check_join(
        &mut self,
        topic: &str,
        token_str: &str,
        decoded: &token::Decoded,
        password: &str,
    ) -> Result<token::Claims, SdkFailure> {
        if self.now < self.network_down_until {
            return Err(failure::connection_error());
        }
        if self.expelled.contains(&topic.to_lowercase()) {
            return Err(failure::user_removed());
        }
        if self.expire_next_token {
            self.expire_next_token = false;
            self.expired_tokens.insert(token_str.to_owned());
        }
        self.last_token = Some(token_str.to_owned());
        if self.expired_tokens.contains(token_str) {
            return Err(failure::token_expired());
        }
        let now_s = i64::try_from((self.config.epoch_ms + self.now) / 1000).unwrap_or(i64::MAX);
        let claims = token::verify(
            decoded,
            token::Expect {
                topic,
                now_s,
                secret: self.config.sdk_secret.as_deref().map(str::as_bytes),
                sdk_key: self.config.sdk_key.as_deref(),
                session_key: self.config.session_key.as_deref(),
            },
        )?;
        if let Some(want) = &self.config.session_password {
            if want != password {
                return Err(failure::wrong_password());
            }
        }
        Ok(claims)
    }

    // ------------------------------------------------------------------
    // Session transitions
    // ------------------------------------------------------------------

    fn cancel_session_ops(&mut self) {
        let cancelled: Vec<OpId> = self
            .pending
            .iter()
            .filter(|(_, k)| k.is_session_op())
            .map(|(op, _)| *op)
            .collect();
        for op in cancelled {
            self.finish(op, Err(failure::cancelled()));
        }
        self.audio_busy = false;
        self.video_busy = false;
        self.share_busy = false;
    }

    /// Back to ready-to-join: the session and its media are gone.
    fn teardown(&mut self) {
        self.cancel_session_ops();
        self.epoch += 1;
        self.conn = Conn::Ready;
        self.me = None;
        self.me_user = None;
        self.seen.clear();
        self.audio_muted = None;
        self.audio_suspended = false;
        self.video_on = false;
        self.share_on = false;
        self.share_view = None;
        // Chat history and a consent question are the local user's, per session.
        self.chat.clear();
        self.individual_asked = false;
    }

    fn start_reconnecting(&mut self, ms: u64, can_give_up: bool) {
        let was_connected = self.conn == Conn::Connected;
        self.epoch += 1;
        let epoch = self.epoch;
        self.conn = Conn::Reconnecting { epoch };
        if was_connected {
            self.emit(
                ev::CONNECTION_CHANGE,
                &ConnectionChangePayload {
                    state: ConnectionState::Reconnecting,
                    reason: Some(ConnectionReason::Reconnect(ReconnectReason::Failover)),
                    subsession_name: None,
                },
            );
            self.cancel_session_ops();
            if self.audio_muted.is_some() {
                self.audio_suspended = true;
                self.emit(
                    ev::CURRENT_AUDIO_CHANGE,
                    &CurrentAudioChangePayload {
                        action: AudioChangeAction::Leave,
                        kind: None,
                        source: Some(AudioChangeSource::Leave(LeaveAudioSource::Failover)),
                    },
                );
            }
        }
        let give_up = self.config.reconnect_give_up_ms;
        if can_give_up && ms > give_up {
            self.schedule(self.now + give_up, Due::GiveUp { epoch });
        } else {
            self.schedule(self.now + ms, Due::Reconnected { epoch });
        }
    }

    fn reconnected(&mut self) {
        self.conn = Conn::Connected;
        self.emit(
            ev::CONNECTION_CHANGE,
            &ConnectionChangePayload {
                state: ConnectionState::Connected,
                reason: None,
                subsession_name: None,
            },
        );
        if self.audio_suspended {
            self.audio_suspended = false;
            self.emit(
                ev::CURRENT_AUDIO_CHANGE,
                &CurrentAudioChangePayload {
                    action: AudioChangeAction::Join,
                    kind: Some(AudioJoinType::Computer),
                    source: None,
                },
            );
        }
        // What changed while the client could not hear: added, removed and
        // updated participants, as one event each.
        let now: BTreeMap<u32, ParticipantPropertiesPayload> = self
            .all_props()
            .into_iter()
            .map(|p| (p.user_id, p))
            .collect();
        let added: Vec<_> = now
            .values()
            .filter(|p| !self.seen.contains_key(&p.user_id))
            .cloned()
            .collect();
        let removed: Vec<_> = self
            .seen
            .values()
            .filter(|p| !now.contains_key(&p.user_id))
            .map(|p| removed_props(p.user_id, p.display_name.clone()))
            .collect();
        let updated: Vec<_> = now
            .values()
            .filter(|p| self.seen.get(&p.user_id).is_some_and(|old| old != *p))
            .cloned()
            .collect();
        self.seen = now;
        if !added.is_empty() {
            self.emit(ev::USER_ADDED, &added);
        }
        if !removed.is_empty() {
            self.emit(ev::USER_REMOVED, &removed);
        }
        if !updated.is_empty() {
            self.emit(ev::USER_UPDATED, &updated);
        }
    }

    // ------------------------------------------------------------------
    // Participants
    // ------------------------------------------------------------------

    /// A message from the local user to `to` (everyone when `None`).
    fn chat_message(&mut self, text: String, to: Option<u32>) -> ChatMessagePayload {
        let (me_id, me_name) = self
            .me_user
            .as_ref()
            .map(|u| (u.id, u.name.clone()))
            .unwrap_or_default();
        let receiver = match to.and_then(|id| self.users.get(&id)) {
            Some(u) => ChatParty {
                name: u.name.clone(),
                user_id: u.id,
            },
            None => ChatParty {
                name: "Everyone".to_owned(),
                user_id: 0,
            },
        };
        self.new_chat(
            text,
            ChatParty {
                name: me_name,
                user_id: me_id,
            },
            receiver,
        )
    }

    fn new_chat(
        &mut self,
        text: String,
        sender: ChatParty,
        receiver: ChatParty,
    ) -> ChatMessagePayload {
        ChatMessagePayload {
            id: self.rng.hex(16),
            message: text,
            sender,
            receiver,
            timestamp: self.config.epoch_ms + self.now,
        }
    }

    fn set_recording(&mut self, status: RecordingStatus) {
        if self.recording != Some(status) {
            self.recording = Some(status);
            self.emit(ev::RECORDING_CHANGE, &status);
        }
    }

    fn change_role(&mut self, id: u32, change: RoleChange) {
        let Some(u) = self.users.get_mut(&id) else {
            return;
        };
        let mut p = ParticipantPropertiesPayload::id(id);
        match change {
            RoleChange::MakeHost => {
                u.host = true;
                u.manager = false;
                p.is_host = Some(true);
                p.is_manager = Some(false);
            }
            RoleChange::MakeManager => {
                u.manager = true;
                p.is_manager = Some(true);
            }
            RoleChange::RevokeManager => {
                u.manager = false;
                p.is_manager = Some(false);
            }
        }
        self.user_updated(p);
        if change == RoleChange::MakeHost {
            // One host: the local user hands it over.
            if let Some(me) = self.me_user.as_mut() {
                me.host = false;
            }
            self.self_updated(|p| p.is_host = Some(false));
        }
    }

    fn new_user_id(&mut self) -> u32 {
        self.user_counter += 1;
        // Zoom's ids are large numbers in blocks of 1024 (e.g. 16778240);
        // ids grow with join order, so ordering by id is join order.
        0x0100_0000 + self.user_counter * 1024 + self.rng.range(0, 1023) as u32
    }

    fn guid(&mut self) -> String {
        let h = self.rng.hex(32).to_uppercase();
        format!(
            "{}-{}-{}-{}-{}",
            &h[0..8],
            &h[8..12],
            &h[12..16],
            &h[16..20],
            &h[20..32]
        )
    }

    fn new_user(&mut self, name: &str, host: bool, video: bool, audio: bool) -> u32 {
        let id = self.new_user_id();
        let guid = self.guid();
        let user = User {
            id,
            name: name.to_owned(),
            host,
            manager: false,
            audio: if audio {
                AudioKind::Computer
            } else {
                AudioKind::None
            },
            muted: audio.then_some(false),
            video,
            share: false,
            guid,
            user_key: None,
            in_failover: false,
        };
        self.users.insert(id, user);
        id
    }

    fn me_props(&self) -> Option<ParticipantPropertiesPayload> {
        let mut u = self.me_user.clone()?;
        u.audio = if self.audio_muted.is_some() {
            AudioKind::Computer
        } else {
            AudioKind::None
        };
        u.muted = self.audio_muted;
        u.video = self.video_on;
        u.share = self.share_on;
        Some(u.props())
    }

    fn me_participant(&self) -> Option<Participant> {
        let mut u = self.me_user.clone()?;
        u.audio = if self.audio_muted.is_some() {
            AudioKind::Computer
        } else {
            AudioKind::None
        };
        u.muted = self.audio_muted;
        u.video = self.video_on;
        u.share = self.share_on;
        Some(u.participant())
    }

    fn all_props(&self) -> Vec<ParticipantPropertiesPayload> {
        let mut all: Vec<_> = self.users.values().map(User::props).collect();
        all.extend(self.me_props());
        all.sort_by_key(|p| p.user_id);
        all
    }

    fn user_updated(&mut self, p: ParticipantPropertiesPayload) {
        if self.conn != Conn::Connected {
            return;
        }
        if let Some(full) = self
            .users
            .get(&p.user_id)
            .map(User::props)
            .or_else(|| self.me_props().filter(|m| m.user_id == p.user_id))
        {
            self.seen.insert(p.user_id, full);
        }
        self.emit(ev::USER_UPDATED, &[p]);
    }

    fn self_updated(&mut self, f: impl FnOnce(&mut ParticipantPropertiesPayload)) {
        if let Some(me) = &self.me {
            let mut p = ParticipantPropertiesPayload::id(me.id);
            f(&mut p);
            self.user_updated(p);
        }
    }

    fn find(&self, who: &Who) -> Result<u32, SimError> {
        let found = match who {
            Who::Id(id) => self.users.contains_key(id).then_some(*id),
            Who::Name(n) => self.users.values().find(|u| &u.name == n).map(|u| u.id),
        };
        found.ok_or_else(|| {
            SimError::UnknownParticipant(match who {
                Who::Id(id) => id.to_string(),
                Who::Name(n) => format!("`{n}`"),
            })
        })
    }

    fn action(&mut self, action: Action) -> Result<Vec<u32>, SimError> {
        match action {
            Action::AddParticipant {
                name,
                host,
                video,
                audio,
            } => Ok(vec![self.add_user(&name, host, video, audio)]),
            Action::AddParticipants { n } => Ok((0..n)
                .map(|_| {
                    self.guest_counter += 1;
                    let name = format!("Participant {}", self.guest_counter);
                    self.add_user(&name, false, false, false)
                })
                .collect()),
            Action::RemoveParticipant { who } => {
                let id = self.find(&who)?;
                if let Some(u) = self.users.remove(&id) {
                    if self.conn == Conn::Connected {
                        self.seen.remove(&id);
                        self.emit(ev::USER_REMOVED, &[removed_props(id, Some(u.name))]);
                    }
                }
                Ok(Vec::new())
            }
            Action::Speak { who } => {
                let id = self.find(&who)?;
                if self.conn == Conn::Connected {
                    let name = self.users.get(&id).map(|u| u.name.clone());
                    self.emit(
                        ev::ACTIVE_SPEAKER,
                        &[ActiveSpeaker {
                            user_id: id,
                            display_name: name,
                        }],
                    );
                }
                Ok(Vec::new())
            }
            Action::SetVideo { who, on } => {
                let id = self.find(&who)?;
                if let Some(u) = self.users.get_mut(&id) {
                    if u.video != on {
                        u.video = on;
                        let mut p = ParticipantPropertiesPayload::id(id);
                        p.b_video_on = Some(on);
                        let connected = self.conn == Conn::Connected;
                        self.user_updated(p);
                        if connected {
                            self.emit(
                                ev::PEER_VIDEO_STATE_CHANGE,
                                &PeerVideoStateChangePayload {
                                    action: if on {
                                        PeerAction::Start
                                    } else {
                                        PeerAction::Stop
                                    },
                                    user_id: id,
                                },
                            );
                        }
                    }
                }
                Ok(Vec::new())
            }
            Action::SetMuted { who, muted } => {
                let id = self.find(&who)?;
                if let Some(u) = self.users.get_mut(&id) {
                    if u.muted != Some(muted) {
                        u.audio = AudioKind::Computer;
                        u.muted = Some(muted);
                        let mut p = ParticipantPropertiesPayload::id(id);
                        p.audio = Some(AudioKind::Computer);
                        p.muted = Some(muted);
                        self.user_updated(p);
                    }
                }
                Ok(Vec::new())
            }
            Action::SetShare { who, on } => {
                let id = self.find(&who)?;
                if let Some(u) = self.users.get_mut(&id) {
                    if u.share != on {
                        u.share = on;
                        let mut p = ParticipantPropertiesPayload::id(id);
                        p.sharer_on = Some(on);
                        let connected = self.conn == Conn::Connected;
                        self.user_updated(p);
                        if connected {
                            self.emit(
                                ev::ACTIVE_SHARE_CHANGE,
                                &ActiveShareChangePayload {
                                    state: if on {
                                        ShareState::Active
                                    } else {
                                        ShareState::Inactive
                                    },
                                    user_id: id,
                                },
                            );
                            self.emit(
                                ev::PEER_SHARE_STATE_CHANGE,
                                &PeerShareStateChangePayload {
                                    user_id: id,
                                    action: if on {
                                        PeerAction::Start
                                    } else {
                                        PeerAction::Stop
                                    },
                                },
                            );
                        }
                    }
                }
                Ok(Vec::new())
            }
            Action::ParticipantFailover { who, ms } => {
                let id = self.find(&who)?;
                if let Some(u) = self.users.get_mut(&id) {
                    if !u.in_failover {
                        u.in_failover = true;
                        let mut p = ParticipantPropertiesPayload::id(id);
                        p.is_in_failover = Some(true);
                        self.user_updated(p);
                    }
                }
                self.schedule(self.now + ms, Due::Recovered { user_id: id });
                Ok(Vec::new())
            }
            Action::HostMuteMe => {
                if self.conn != Conn::Connected {
                    return Err(SimError::NotInSession("hostMuteMe"));
                }
                self.set_self_muted(true, MutedSource::PassiveByMuteOne);
                Ok(Vec::new())
            }
            Action::HostAskUnmute => {
                if self.conn != Conn::Connected {
                    return Err(SimError::NotInSession("hostAskUnmute"));
                }
                self.emit(
                    ev::HOST_ASK_UNMUTE_AUDIO,
                    &HostAskUnmuteAudioPayload {
                        reason: UnmuteReason::Unmute,
                    },
                );
                Ok(Vec::new())
            }
            Action::MicLevel { level } => {
                if self.conn != Conn::Connected {
                    return Err(SimError::NotInSession("micLevel"));
                }
                if level > 9 {
                    return Err(SimError::InvalidParameter {
                        field: "level",
                        detail: format!("must be 0-9, got {level}"),
                    });
                }
                if self.audio_muted == Some(false) {
                    self.emit(
                        ev::CURRENT_AUDIO_LEVEL_CHANGE,
                        &CurrentAudioLevelChangePayload { level },
                    );
                }
                Ok(Vec::new())
            }
            Action::SpeakWhileMuted => {
                if self.conn != Conn::Connected {
                    return Err(SimError::NotInSession("speakWhileMuted"));
                }
                if self.audio_muted == Some(true) {
                    self.emit_bare(ev::SPEAKING_WHILE_MUTED);
                }
                Ok(Vec::new())
            }
            Action::SendChat { who, text, to_me } => {
                let id = self.find(&who)?;
                if self.conn != Conn::Connected {
                    return Err(SimError::NotInSession("sendChat"));
                }
                let sender = self
                    .users
                    .get(&id)
                    .map(|u| ChatParty {
                        name: u.name.clone(),
                        user_id: u.id,
                    })
                    .ok_or_else(|| SimError::UnknownParticipant(id.to_string()))?;
                let receiver = match (to_me, &self.me_user) {
                    (true, Some(me)) => ChatParty {
                        name: me.name.clone(),
                        user_id: me.id,
                    },
                    _ => ChatParty {
                        name: "Everyone".to_owned(),
                        user_id: 0,
                    },
                };
                let message = self.new_chat(text, sender, receiver);
                self.chat.push(message.clone());
                self.emit(ev::CHAT_ON_MESSAGE, &message);
                Ok(Vec::new())
            }
            Action::SetChatPrivilege { privilege } => {
                if ![1, 4, 5].contains(&privilege) {
                    return Err(SimError::InvalidParameter {
                        field: "privilege",
                        detail: "must be a ChatPrivilege: 1, 4 or 5".to_owned(),
                    });
                }
                if self.conn != Conn::Connected {
                    return Err(SimError::NotInSession("setChatPrivilege"));
                }
                if self.chat_privilege != privilege {
                    self.chat_privilege = privilege;
                    self.emit(
                        ev::CHAT_PRIVILEGE_CHANGE,
                        &ChatPrivilegeChangePayload {
                            chat_privilege: privilege,
                        },
                    );
                }
                Ok(Vec::new())
            }
            Action::SetRecording { status } => {
                if self.conn != Conn::Connected {
                    return Err(SimError::NotInSession("setRecording"));
                }
                if !matches!(
                    status,
                    RecordingStatus::Recording | RecordingStatus::Paused | RecordingStatus::Stopped
                ) {
                    return Err(SimError::InvalidParameter {
                        field: "status",
                        detail: "must be Recording, Paused or Stopped".to_owned(),
                    });
                }
                self.set_recording(status);
                Ok(Vec::new())
            }
            Action::AskRecordingConsent => {
                if self.conn != Conn::Connected {
                    return Err(SimError::NotInSession("askRecordingConsent"));
                }
                self.individual_asked = true;
                let me = self.me.as_ref().map(|m| m.id);
                self.emit(
                    ev::INDIVIDUAL_RECORDING_CHANGE,
                    &IndividualRecordingChangePayload {
                        status: RecordingStatus::Ask,
                        user_id: me,
                    },
                );
                Ok(Vec::new())
            }
            Action::SetMeManager { manager } => {
                if self.conn != Conn::Connected {
                    return Err(SimError::NotInSession("setMeManager"));
                }
                if let Some(me) = self.me_user.as_mut() {
                    if me.manager != manager {
                        me.manager = manager;
                        self.self_updated(|p| p.is_manager = Some(manager));
                    }
                }
                Ok(Vec::new())
            }
        }
    }

    fn add_user(&mut self, name: &str, host: bool, video: bool, audio: bool) -> u32 {
        let id = self.new_user(name, host, video, audio);
        if self.conn == Conn::Connected {
            if let Some(p) = self.users.get(&id).map(User::props) {
                self.seen.insert(id, p.clone());
                self.emit(ev::USER_ADDED, &[p]);
            }
        }
        id
    }

    // ------------------------------------------------------------------
    // Local media
    // ------------------------------------------------------------------

    fn set_self_muted(&mut self, muted: bool, source: MutedSource) {
        if self.audio_muted.is_none() || self.audio_muted == Some(muted) {
            return;
        }
        self.audio_muted = Some(muted);
        self.emit(
            ev::CURRENT_AUDIO_CHANGE,
            &CurrentAudioChangePayload {
                action: if muted {
                    AudioChangeAction::Muted
                } else {
                    AudioChangeAction::Unmuted
                },
                kind: None,
                source: Some(AudioChangeSource::Muted(source)),
            },
        );
        self.self_updated(|p| p.muted = Some(muted));
    }

    fn leave_audio(&mut self, source: LeaveAudioSource) {
        self.audio_muted = None;
        self.audio_suspended = false;
        self.emit(
            ev::CURRENT_AUDIO_CHANGE,
            &CurrentAudioChangePayload {
                action: AudioChangeAction::Leave,
                kind: None,
                source: Some(AudioChangeSource::Leave(source)),
            },
        );
        self.self_updated(|p| p.audio = Some(AudioKind::None));
    }

    fn stop_video(&mut self, state: VideoCapturingState) {
        self.video_on = false;
        self.video_capture = None;
        self.emit(
            ev::VIDEO_CAPTURING_CHANGE,
            &VideoCapturingChangePayload { state },
        );
        self.self_updated(|p| p.b_video_on = Some(false));
    }

    fn plugged(&self, kind: DeviceKind) -> impl Iterator<Item = &MediaDeviceInfo> {
        self.devices
            .iter()
            .filter(move |d| d.plugged && d.info.kind == kind)
            .map(|d| &d.info)
    }

    fn active_slot(&mut self, kind: DeviceKind) -> &mut Option<String> {
        match kind {
            DeviceKind::Camera => &mut self.active_camera,
            DeviceKind::Microphone => &mut self.active_mic,
            DeviceKind::Speaker => &mut self.active_speaker,
        }
    }

    fn media_failed(&mut self, code: ActiveMediaFailedCode) {
        self.emit(
            ev::ACTIVE_MEDIA_FAILED,
            &ActiveMediaFailedPayload {
                code,
                message: code.message().to_owned(),
                kind: code.media(),
            },
        );
    }

    // ------------------------------------------------------------------
    // Faults
    // ------------------------------------------------------------------

    fn fault(&mut self, fault: Fault) -> Result<(), SimError> {
        match fault {
            Fault::DropConnection { ms } => {
                self.network_down_until = self.network_down_until.max(self.now + ms);
                if self.in_session() {
                    self.start_reconnecting(ms, true);
                }
                Ok(())
            }
            Fault::Failover { ms } => {
                if !self.in_session() {
                    return Err(SimError::NotInSession("failover"));
                }
                self.start_reconnecting(ms, false);
                Ok(())
            }
            Fault::Fail => match self.conn {
                Conn::Joining(op) => {
                    self.emit(
                        ev::CONNECTION_CHANGE,
                        &ConnectionChangePayload {
                            state: ConnectionState::Fail,
                            reason: None,
                            subsession_name: None,
                        },
                    );
                    self.conn = Conn::Ready;
                    self.finish(op, Err(failure::connection_error()));
                    Ok(())
                }
                Conn::Connected | Conn::Reconnecting { .. } => {
                    self.emit(
                        ev::CONNECTION_CHANGE,
                        &ConnectionChangePayload {
                            state: ConnectionState::Fail,
                            reason: None,
                            subsession_name: None,
                        },
                    );
                    self.teardown();
                    Ok(())
                }
                _ => Err(SimError::NotInSession("fail")),
            },
            Fault::Close { reason } => {
                if !self.in_session() {
                    return Err(SimError::NotInSession("close"));
                }
                self.emit(
                    ev::CONNECTION_CHANGE,
                    &ConnectionChangePayload {
                        state: ConnectionState::Closed,
                        reason: Some(ConnectionReason::Closed(reason)),
                        subsession_name: None,
                    },
                );
                match reason {
                    ClosedReason::ExpeledByHost => {
                        if let Some(me) = &self.me {
                            self.expelled.insert(me.topic.to_lowercase());
                        }
                    }
                    ClosedReason::EndedByHost => self.users.clear(),
                    ClosedReason::KickedByHost => {}
                }
                self.teardown();
                Ok(())
            }
            Fault::ExpireToken => {
                match self
                    .me
                    .as_ref()
                    .map(|m| m.token.clone())
                    .or(self.last_token.clone())
                {
                    Some(t) => {
                        self.expired_tokens.insert(t);
                    }
                    None => self.expire_next_token = true,
                }
                Ok(())
            }
            Fault::Unplug { kind, label } => self.unplug(kind, &label),
            Fault::Replug { kind, label } => {
                if let Some(d) = self
                    .devices
                    .iter_mut()
                    .find(|d| !d.plugged && d.info.kind == kind && d.info.label == label)
                {
                    d.plugged = true;
                } else {
                    let info = MediaDeviceInfo {
                        device_id: self.rng.hex(64),
                        kind,
                        label,
                        group_id: self.rng.hex(64),
                    };
                    self.devices.push(Device {
                        info,
                        plugged: true,
                    });
                }
                if self.active_slot(kind).is_none() && self.me.is_some() {
                    let first = self.plugged(kind).next().map(|d| d.device_id.clone());
                    *self.active_slot(kind) = first;
                }
                self.emit_bare(ev::DEVICE_CHANGE);
                Ok(())
            }
            Fault::RevokePermission { kind } => {
                self.set_permission(kind, PermissionState::Denied);
                match kind {
                    PermissionName::Camera if self.video_on => {
                        self.media_failed(ActiveMediaFailedCode::CameraPermissionReset);
                        self.stop_video(VideoCapturingState::Failed);
                    }
                    PermissionName::Microphone if self.audio_muted.is_some() => {
                        self.media_failed(ActiveMediaFailedCode::MicrophonePermissionReset);
                        self.leave_audio(LeaveAudioSource::MicrophoneError);
                    }
                    _ => {}
                }
                Ok(())
            }
            Fault::GrantPermission { kind } => {
                self.set_permission(kind, PermissionState::Granted);
                Ok(())
            }
            Fault::MediaFailed { code } => {
                if self.conn != Conn::Connected {
                    return Err(SimError::NotInSession("mediaFailed"));
                }
                self.media_failed(code);
                Ok(())
            }
            Fault::QualityRamp {
                user_id,
                direction,
                from,
                to,
                step_ms,
            } => {
                for (field, v) in [("from", from), ("to", to)] {
                    if v > 5 {
                        return Err(SimError::InvalidParameter {
                            field,
                            detail: format!("{v} is not a network quality level 0-5"),
                        });
                    }
                }
                let user_id = match user_id {
                    Some(id) => id,
                    None => self
                        .me
                        .as_ref()
                        .map(|m| m.id)
                        .ok_or(SimError::NotInSession("qualityRamp"))?,
                };
                let levels: Vec<u8> = if from <= to {
                    (from..=to).collect()
                } else {
                    (to..=from).rev().collect()
                };
                for (i, level) in levels.into_iter().enumerate() {
                    self.schedule(
                        self.now + step_ms * i as u64,
                        Due::Quality {
                            user_id,
                            direction,
                            level,
                        },
                    );
                }
                Ok(())
            }
            Fault::StopShareFromBrowser => {
                if !self.share_on {
                    return Err(SimError::NotSharing);
                }
                self.share_on = false;
                self.emit(
                    ev::PASSIVELY_STOP_SHARE,
                    &PassiveStopShareReason::StopScreenCapture,
                );
                self.self_updated(|p| p.sharer_on = Some(false));
                Ok(())
            }
            Fault::DenyNextShare => {
                self.deny_next_share = true;
                Ok(())
            }
            Fault::AutoPlayAudioFailed => {
                self.emit_bare(ev::AUTO_PLAY_AUDIO_FAILED);
                Ok(())
            }
        }
    }

    fn set_permission(&mut self, name: PermissionName, state: PermissionState) {
        match name {
            PermissionName::Camera => self.camera_permission = state,
            PermissionName::Microphone => self.microphone_permission = state,
        }
        self.emit(
            ev::DEVICE_PERMISSION_CHANGE,
            &DevicePermissionChangePayload { name, state },
        );
    }

    fn unplug(&mut self, kind: DeviceKind, label: &str) -> Result<(), SimError> {
        let Some(dev) = self
            .devices
            .iter_mut()
            .find(|d| d.plugged && d.info.kind == kind && d.info.label == label)
        else {
            return Err(SimError::UnknownDevice {
                kind,
                label: label.to_owned(),
            });
        };
        dev.plugged = false;
        let id = dev.info.device_id.clone();
        self.emit_bare(ev::DEVICE_CHANGE);
        if self.active_slot(kind).as_deref() == Some(id.as_str()) {
            let next = self.plugged(kind).next().map(|d| d.device_id.clone());
            let none_left = next.is_none();
            *self.active_slot(kind) = next;
            if none_left {
                match kind {
                    DeviceKind::Camera if self.video_on => {
                        self.stop_video(VideoCapturingState::Stopped);
                    }
                    DeviceKind::Microphone if self.audio_muted.is_some() => {
                        self.leave_audio(LeaveAudioSource::MicrophoneError);
                    }
                    _ => {}
                }
            }
        }
        Ok(())
    }
}

fn removed_props(user_id: u32, display_name: Option<String>) -> ParticipantPropertiesPayload {
    let mut p = ParticipantPropertiesPayload::id(user_id);
    p.display_name = display_name;
    p
}

/// The SDK side of the simulator: the calls of `VideoClient`, `Stream` and
/// `ZoomVideo`, with the SDK's names in snake case. Asynchronous calls
/// return an [`OpId`] that settles after a simulated latency when the clock
/// runs; synchronous ones answer at once.
#[derive(Debug)]
pub struct SimClient<'a> {
    sim: &'a mut Sim,
}

impl SimClient<'_> {
    fn session_check(&self) -> Result<(), SdkFailure> {
        match self.sim.conn {
            Conn::Connected => Ok(()),
            Conn::Reconnecting { .. } => Err(failure::reconnecting()),
            Conn::Joining(_) => Err(failure::join_required()),
            Conn::Fresh | Conn::Ready | Conn::Leaving(_) => Err(failure::closed()),
        }
    }

    fn media_op(&mut self, check: impl FnOnce(&Sim) -> Result<OpKind, SdkFailure>) -> OpId {
        let latency = self.sim.config.latency.media;
        match self.session_check().and_then(|()| check(self.sim)) {
            Ok(kind) => {
                match kind {
                    OpKind::StartAudio(_) | OpKind::StopAudio => self.sim.audio_busy = true,
                    OpKind::StartVideo(_) | OpKind::StopVideo => self.sim.video_busy = true,
                    OpKind::StartShare | OpKind::StopShare => self.sim.share_busy = true,
                    _ => {}
                }
                self.sim.begin(kind, latency)
            }
            Err(f) => self.sim.reject(f),
        }
    }

    /// `ZoomVideo.checkSystemRequirements()`.
    #[doc(alias = "checkSystemRequirements")]
    #[must_use]
    pub fn check_system_requirements(&self) -> MediaCompatibility {
        self.sim.config.compatibility
    }

    /// `ZoomVideo.getDevices()`: every plugged-in device. Labels are empty
    /// for a kind whose permission is not granted, as browsers do.
    #[doc(alias = "getDevices")]
    #[must_use]
    pub fn get_devices(&self) -> Vec<MediaDeviceInfo> {
        self.sim
            .devices
            .iter()
            .filter(|d| d.plugged)
            .map(|d| {
                let granted = match d.info.kind {
                    DeviceKind::Camera => self.sim.camera_permission,
                    DeviceKind::Microphone | DeviceKind::Speaker => self.sim.microphone_permission,
                } == PermissionState::Granted;
                let mut info = d.info.clone();
                if !granted {
                    info.label.clear();
                }
                info
            })
            .collect()
    }

    /// `VideoClient.init(language, dependentAssets)`.
    pub fn init(&mut self, _language: &str, _dependent_assets: &str) -> OpId {
        let latency = self.sim.config.latency.init;
        self.sim.begin(OpKind::Init, latency)
    }

    /// `VideoClient.join(topic, token, userName, sessionPassword?)`.
    /// See [`crate::token`] for how the token is judged.
    pub fn join(
        &mut self,
        topic: &str,
        token: &str,
        user_name: &str,
        password: Option<&str>,
    ) -> OpId {
        self.join_with_idle_timeout(topic, token, user_name, password, None)
    }

    /// `VideoClient.join` with its fifth argument, `sessionIdleTimeoutMins`,
    /// which the simulator records ([`Sim::session_idle_timeout_mins`]).
    pub fn join_with_idle_timeout(
        &mut self,
        topic: &str,
        token: &str,
        user_name: &str,
        password: Option<&str>,
        session_idle_timeout_mins: Option<u32>,
    ) -> OpId {
        self.sim.join_idle_timeout_mins = session_idle_timeout_mins;
        match self.sim.conn {
            Conn::Fresh => return self.sim.reject(failure::closed()),
            Conn::Joining(_) | Conn::Connected | Conn::Reconnecting { .. } | Conn::Leaving(_) => {
                return self.sim.reject(failure::duplicated_join())
            }
            Conn::Ready => {}
        }
        let password = password.unwrap_or("");
        let bad = if topic.is_empty() || token.is_empty() || user_name.is_empty() {
            Some("Topic, token and userName must be string and required")
        } else if topic.chars().count() > 200 {
            Some("The maximum length of topic is 200")
        } else if user_name.chars().count() > 200 {
            Some("The maximum length of username is 200")
        } else if password.chars().count() > 10 {
            Some("The maximum length of password is 10")
        } else {
            None
        };
        if let Some(reason) = bad {
            return self.sim.reject(failure::invalid_join_parameter(reason));
        }
        let decoded = match token::decode(token) {
            Ok(d) => d,
            Err(f) => return self.sim.reject(f),
        };
        let latency = self.sim.config.latency.join;
        let op = self.sim.begin(
            OpKind::Join {
                topic: topic.to_owned(),
                token: token.to_owned(),
                decoded,
                user_name: user_name.to_owned(),
                password: password.to_owned(),
            },
            latency,
        );
        self.sim.conn = Conn::Joining(op);
        op
    }

    /// `VideoClient.leave(end?)`. `end` ends the session for everyone and
    /// needs the host.
    pub fn leave(&mut self, end: bool) -> OpId {
        let was_joining = matches!(self.sim.conn, Conn::Joining(_));
        match self.sim.conn {
            Conn::Joining(join) => {
                self.sim.finish(join, Err(failure::cancelled()));
            }
            Conn::Connected | Conn::Reconnecting { .. } => {
                let host = self.sim.me_user.as_ref().is_some_and(|u| u.host);
                if end && !host {
                    return self.sim.reject(failure::host_only());
                }
            }
            Conn::Fresh | Conn::Ready | Conn::Leaving(_) => {
                return self.sim.reject(failure::closed())
            }
        }
        self.sim.cancel_session_ops();
        self.sim.epoch += 1;
        let latency = self.sim.config.latency.leave;
        let op = self.sim.begin(OpKind::Leave { end, was_joining }, latency);
        self.sim.conn = Conn::Leaving(op);
        op
    }

    /// `Stream.startAudio(options?)`: computer audio.
    #[doc(alias = "startAudio")]
    pub fn start_audio(&mut self, options: AudioOption) -> OpId {
        self.media_op(|sim| {
            if sim.audio_busy {
                return Err(failure::audio_capture_loading());
            }
            if sim.microphone_permission == PermissionState::Denied {
                return Err(failure::audio_capture("Permission denied by user"));
            }
            if sim.plugged(DeviceKind::Microphone).next().is_none() {
                return Err(failure::audio_capture("No device found"));
            }
            for (kind, id) in [
                (DeviceKind::Microphone, &options.microphone_id),
                (DeviceKind::Speaker, &options.speaker_id),
            ] {
                if let Some(id) = id {
                    if !sim.plugged(kind).any(|d| &d.device_id == id) {
                        return Err(failure::device_mismatch());
                    }
                }
            }
            Ok(OpKind::StartAudio(options))
        })
    }

    /// `Stream.stopAudio()`.
    #[doc(alias = "stopAudio")]
    pub fn stop_audio(&mut self) -> OpId {
        self.media_op(|sim| {
            if sim.audio_busy {
                Err(failure::audio_capture_loading())
            } else if sim.audio_muted.is_none() {
                Err(failure::audio_not_started())
            } else {
                Ok(OpKind::StopAudio)
            }
        })
    }

    fn mute(&mut self, user_id: Option<u32>, muted: bool) -> OpId {
        self.media_op(|sim| {
            let me = sim.me.as_ref().map(|m| m.id);
            match user_id {
                None => Ok(None),
                Some(id) if Some(id) == me => Ok(None),
                Some(id) => {
                    if !sim.me_user.as_ref().is_some_and(|u| u.host || u.manager) {
                        Err(failure::host_only())
                    } else if !sim.users.contains_key(&id) {
                        Err(failure::user_mismatch())
                    } else {
                        Ok(Some(id))
                    }
                }
            }
            .and_then(|target| {
                if target.is_none() && sim.audio_muted.is_none() {
                    Err(failure::audio_not_started())
                } else {
                    Ok(OpKind::Mute(target, muted))
                }
            })
        })
    }

    /// `Stream.muteAudio(userId?)`: yourself, or (host only) another user.
    #[doc(alias = "muteAudio")]
    pub fn mute_audio(&mut self, user_id: Option<u32>) -> OpId {
        self.mute(user_id, true)
    }

    /// `Stream.unmuteAudio(userId?)`.
    #[doc(alias = "unmuteAudio")]
    pub fn unmute_audio(&mut self, user_id: Option<u32>) -> OpId {
        self.mute(user_id, false)
    }

    /// `Stream.startVideo(option?)`.
    #[doc(alias = "startVideo")]
    pub fn start_video(&mut self, option: CaptureVideoOption) -> OpId {
        self.media_op(|sim| {
            if sim.video_busy {
                return Err(failure::video_capture_loading());
            }
            if sim.video_on {
                return Err(failure::video_state("video already started"));
            }
            if sim.camera_permission == PermissionState::Denied {
                return Err(failure::camera_denied());
            }
            if sim.plugged(DeviceKind::Camera).next().is_none() {
                return Err(failure::no_camera());
            }
            if let Some(id) = &option.camera_id {
                if !sim.plugged(DeviceKind::Camera).any(|d| &d.device_id == id) {
                    return Err(failure::camera_mismatch());
                }
            }
            Ok(OpKind::StartVideo(option))
        })
    }

    /// `Stream.stopVideo()`.
    #[doc(alias = "stopVideo")]
    pub fn stop_video(&mut self) -> OpId {
        self.media_op(|sim| {
            if sim.video_busy {
                Err(failure::video_capture_loading())
            } else if !sim.video_on {
                Err(failure::video_state("video not started"))
            } else {
                Ok(OpKind::StopVideo)
            }
        })
    }

    fn switch(&mut self, kind: DeviceKind, id: &str) -> OpId {
        self.media_op(|sim| {
            if sim.plugged(kind).any(|d| d.device_id == id) {
                Ok(OpKind::Switch(kind, id.to_owned()))
            } else {
                Err(failure::device_mismatch())
            }
        })
    }

    /// `Stream.switchCamera(cameraDeviceId)`.
    #[doc(alias = "switchCamera")]
    pub fn switch_camera(&mut self, device_id: &str) -> OpId {
        self.switch(DeviceKind::Camera, device_id)
    }

    /// `Stream.switchMicrophone(microphoneId)`.
    #[doc(alias = "switchMicrophone")]
    pub fn switch_microphone(&mut self, device_id: &str) -> OpId {
        self.switch(DeviceKind::Microphone, device_id)
    }

    /// `Stream.switchSpeaker(speakerId)`.
    #[doc(alias = "switchSpeaker")]
    pub fn switch_speaker(&mut self, device_id: &str) -> OpId {
        self.switch(DeviceKind::Speaker, device_id)
    }

    /// `Stream.startShareScreen(canvas, options?)` (natively there is no
    /// element; the JS export checks it is given).
    #[doc(alias = "startShareScreen")]
    pub fn start_share_screen(&mut self) -> OpId {
        let deny = self.session_check().is_ok()
            && !self.sim.share_on
            && !self.sim.share_busy
            && std::mem::take(&mut self.sim.deny_next_share);
        self.media_op(|sim| {
            if sim.share_on || sim.share_busy {
                Err(failure::share_state("share already started"))
            } else if deny {
                Err(failure::share_denied())
            } else {
                Ok(OpKind::StartShare)
            }
        })
    }

    /// `Stream.stopShareScreen()`.
    #[doc(alias = "stopShareScreen")]
    pub fn stop_share_screen(&mut self) -> OpId {
        self.media_op(|sim| {
            if !sim.share_on || sim.share_busy {
                Err(failure::share_state("share not started"))
            } else {
                Ok(OpKind::StopShare)
            }
        })
    }

    fn list(&self, kind: DeviceKind) -> Vec<MediaDevice> {
        self.sim
            .plugged(kind)
            .map(|d| MediaDevice {
                label: d.label.clone(),
                device_id: d.device_id.clone(),
            })
            .collect()
    }

    /// `Stream.getCameraList()`.
    #[doc(alias = "getCameraList")]
    #[must_use]
    pub fn get_camera_list(&self) -> Vec<MediaDevice> {
        self.list(DeviceKind::Camera)
    }

    /// `Stream.getMicList()`.
    #[doc(alias = "getMicList")]
    #[must_use]
    pub fn get_mic_list(&self) -> Vec<MediaDevice> {
        self.list(DeviceKind::Microphone)
    }

    /// `Stream.getSpeakerList()`.
    #[doc(alias = "getSpeakerList")]
    #[must_use]
    pub fn get_speaker_list(&self) -> Vec<MediaDevice> {
        self.list(DeviceKind::Speaker)
    }

    /// `Stream.getActiveCamera()`: `''` when none.
    #[doc(alias = "getActiveCamera")]
    #[must_use]
    pub fn get_active_camera(&self) -> String {
        self.sim.active_camera.clone().unwrap_or_default()
    }

    /// `Stream.getActiveMicrophone()`: `''` when none.
    #[doc(alias = "getActiveMicrophone")]
    #[must_use]
    pub fn get_active_microphone(&self) -> String {
        self.sim.active_mic.clone().unwrap_or_default()
    }

    /// `Stream.getActiveSpeaker()`: `''` when none.
    #[doc(alias = "getActiveSpeaker")]
    #[must_use]
    pub fn get_active_speaker(&self) -> String {
        self.sim.active_speaker.clone().unwrap_or_default()
    }

    /// `Stream.isCapturingVideo()`.
    #[doc(alias = "isCapturingVideo")]
    #[must_use]
    pub fn is_capturing_video(&self) -> bool {
        self.sim.video_on
    }

    /// `Stream.isAudioMuted(userId?)`: `false` for a user without audio.
    #[doc(alias = "isAudioMuted")]
    #[must_use]
    pub fn is_audio_muted(&self, user_id: Option<u32>) -> bool {
        let me = self.sim.me.as_ref().map(|m| m.id);
        match user_id {
            Some(id) if Some(id) != me => self
                .sim
                .users
                .get(&id)
                .and_then(|u| u.muted)
                .unwrap_or(false),
            _ => self.sim.audio_muted.unwrap_or(false),
        }
    }

    /// `Stream.getMaxRenderableVideos()`.
    #[doc(alias = "getMaxRenderableVideos")]
    #[must_use]
    pub fn get_max_renderable_videos(&self) -> u32 {
        self.sim.config.max_renderable_videos
    }

    /// `Stream.isSupportMultipleVideos()`.
    #[doc(alias = "isSupportMultipleVideos")]
    #[must_use]
    pub fn is_support_multiple_videos(&self) -> bool {
        self.sim.config.support_multiple_videos
    }

    /// `Stream.isSupportHDVideo()`.
    #[doc(alias = "isSupportHDVideo")]
    #[must_use]
    pub fn is_support_hd_video(&self) -> bool {
        self.sim.config.support_hd_video
    }

    /// `VideoClient.getCurrentUserInfo()`: `None` outside a session.
    #[doc(alias = "getCurrentUserInfo")]
    #[must_use]
    pub fn get_current_user_info(&self) -> Option<Participant> {
        self.sim.me_participant()
    }

    /// `VideoClient.getAllUser()`: everyone in the session, the local user
    /// included, in join order; empty outside a session.
    #[doc(alias = "getAllUser")]
    #[must_use]
    pub fn get_all_user(&self) -> Vec<Participant> {
        if !self.sim.in_session() {
            return Vec::new();
        }
        let mut all: Vec<Participant> = self.sim.users.values().map(User::participant).collect();
        all.extend(self.sim.me_participant());
        all.sort_by_key(|p| p.user_id);
        all
    }

    fn me_is(&self, host_only: bool) -> bool {
        self.sim
            .me_user
            .as_ref()
            .is_some_and(|u| u.host || (!host_only && u.manager))
    }

    /// `ChatClient.send(text, userId)` (with `Some`) or `sendToAll(text)`:
    /// resolves with the sent `ChatMessage` ([`Sim::take_value`]).
    #[doc(alias = "send")]
    #[doc(alias = "sendToAll")]
    pub fn send_chat(&mut self, text: &str, to: Option<u32>) -> OpId {
        let text = text.to_owned();
        let privileged = self.me_is(false);
        self.media_op(|sim| {
            if text.trim().is_empty() {
                return Err(failure::chat_empty());
            }
            if let Some(id) = to {
                if !sim.users.contains_key(&id) {
                    return Err(failure::chat_user_mismatch());
                }
            }
            let forbidden = match sim.chat_privilege {
                4 => true,
                5 => to.is_some(),
                _ => false,
            };
            if forbidden && !privileged {
                return Err(failure::chat_not_allowed());
            }
            Ok(OpKind::SendChat { text, to })
        })
    }

    /// `ChatClient.setPrivilege(privilege)` (host or manager).
    #[doc(alias = "setPrivilege")]
    pub fn set_chat_privilege(&mut self, privilege: u8) -> OpId {
        let privileged = self.me_is(false);
        self.media_op(|_| {
            if !privileged || ![1, 4, 5].contains(&privilege) {
                Err(failure::chat_privilege_host_only())
            } else {
                Ok(OpKind::SetChatPrivilege(privilege))
            }
        })
    }

    /// `ChatClient.getPrivilege()`: a `ChatPrivilege` number.
    #[doc(alias = "getPrivilege")]
    #[must_use]
    pub fn get_chat_privilege(&self) -> u8 {
        self.sim.chat_privilege
    }

    /// `ChatClient.getHistory()`: every message of this session.
    #[doc(alias = "getHistory")]
    #[must_use]
    pub fn get_chat_history(&self) -> Vec<ChatMessagePayload> {
        self.sim.chat.clone()
    }

    /// `VideoClient.removeUser(userId)` (host or manager).
    #[doc(alias = "removeUser")]
    pub fn remove_user(&mut self, user_id: u32) -> OpId {
        let privileged = self.me_is(false);
        self.media_op(|sim| {
            if !privileged {
                Err(failure::host_or_manager_only())
            } else if !sim.users.contains_key(&user_id) {
                Err(failure::user_mismatch())
            } else {
                Ok(OpKind::RemoveUser(user_id))
            }
        })
    }

    fn role(&mut self, user_id: u32, change: RoleChange) -> OpId {
        let host = self.me_is(true);
        self.media_op(|sim| {
            if !host {
                Err(failure::host_only())
            } else if !sim.users.contains_key(&user_id) {
                Err(failure::user_mismatch())
            } else {
                Ok(OpKind::Role(user_id, change))
            }
        })
    }

    /// `VideoClient.makeHost(userId)` (host): the local user stops being host.
    #[doc(alias = "makeHost")]
    pub fn make_host(&mut self, user_id: u32) -> OpId {
        self.role(user_id, RoleChange::MakeHost)
    }

    /// `VideoClient.makeManager(userId)` (host).
    #[doc(alias = "makeManager")]
    pub fn make_manager(&mut self, user_id: u32) -> OpId {
        self.role(user_id, RoleChange::MakeManager)
    }

    /// `VideoClient.revokeManager(userId)` (host).
    #[doc(alias = "revokeManager")]
    pub fn revoke_manager(&mut self, user_id: u32) -> OpId {
        self.role(user_id, RoleChange::RevokeManager)
    }

    /// `Stream.lockShare(isLocked)` (host or manager).
    #[doc(alias = "lockShare")]
    pub fn lock_share(&mut self, locked: bool) -> OpId {
        let privileged = self.me_is(false);
        self.media_op(|_| {
            if privileged {
                Ok(OpKind::LockShare(locked))
            } else {
                Err(failure::host_or_manager_only())
            }
        })
    }

    /// `Stream.startShareView(canvas, activeUserId)`: draws that user's
    /// share; refused (6205, the simulator's choice) unless they are another
    /// participant who is sharing.
    #[doc(alias = "startShareView")]
    pub fn start_share_view(&mut self, user_id: u32) -> OpId {
        self.media_op(|sim| {
            if sim.users.get(&user_id).is_some_and(|u| u.share) {
                Ok(OpKind::ShareView(Some(user_id)))
            } else {
                Err(failure::share_state("that user is not sharing"))
            }
        })
    }

    /// `Stream.stopShareView()`.
    #[doc(alias = "stopShareView")]
    pub fn stop_share_view(&mut self) -> OpId {
        self.media_op(|_| Ok(OpKind::ShareView(None)))
    }

    /// `Stream.isShareLocked()`.
    #[doc(alias = "isShareLocked")]
    #[must_use]
    pub fn is_share_locked(&self) -> bool {
        self.sim.share_locked
    }

    fn recording_op(
        &mut self,
        to: RecordingStatus,
        fits: fn(Option<RecordingStatus>) -> bool,
    ) -> OpId {
        let host = self.me_is(true);
        self.media_op(|sim| {
            if !host {
                Err(failure::host_only())
            } else if !sim.config.cloud_recording {
                Err(failure::recording_disabled())
            } else if !fits(sim.recording) {
                Err(failure::recording_state())
            } else {
                Ok(OpKind::Recording(to))
            }
        })
    }

    /// `RecordingClient.startCloudRecording()` (host).
    #[doc(alias = "startCloudRecording")]
    pub fn start_cloud_recording(&mut self) -> OpId {
        self.recording_op(RecordingStatus::Recording, |s| {
            !matches!(
                s,
                Some(RecordingStatus::Recording | RecordingStatus::Paused)
            )
        })
    }

    /// `RecordingClient.stopCloudRecording()` (host).
    #[doc(alias = "stopCloudRecording")]
    pub fn stop_cloud_recording(&mut self) -> OpId {
        self.recording_op(RecordingStatus::Stopped, |s| {
            matches!(
                s,
                Some(RecordingStatus::Recording | RecordingStatus::Paused)
            )
        })
    }

    /// `RecordingClient.pauseCloudRecording()` (host).
    #[doc(alias = "pauseCloudRecording")]
    pub fn pause_cloud_recording(&mut self) -> OpId {
        self.recording_op(RecordingStatus::Paused, |s| {
            s == Some(RecordingStatus::Recording)
        })
    }

    /// `RecordingClient.resumeCloudRecording()` (host).
    #[doc(alias = "resumeCloudRecording")]
    pub fn resume_cloud_recording(&mut self) -> OpId {
        self.recording_op(RecordingStatus::Recording, |s| {
            s == Some(RecordingStatus::Paused)
        })
    }

    /// `RecordingClient.getCloudRecordingStatus()` (`Stopped` before any).
    #[doc(alias = "getCloudRecordingStatus")]
    #[must_use]
    pub fn get_cloud_recording_status(&self) -> RecordingStatus {
        self.sim.recording.unwrap_or(RecordingStatus::Stopped)
    }

    /// `RecordingClient.canStartRecording()`.
    #[doc(alias = "canStartRecording")]
    #[must_use]
    pub fn can_start_recording(&self) -> bool {
        self.sim.config.cloud_recording && self.sim.in_session()
    }

    /// `RecordingClient.acceptIndividualRecording()` / `declineIndividualRecording()`.
    #[doc(alias = "acceptIndividualRecording")]
    #[doc(alias = "declineIndividualRecording")]
    pub fn answer_individual_recording(&mut self, accept: bool) -> OpId {
        self.media_op(|sim| {
            if sim.individual_asked {
                Ok(OpKind::AnswerIndividual(accept))
            } else {
                Err(failure::recording_iso())
            }
        })
    }

    /// `VideoClient.getSessionInfo()`.
    #[doc(alias = "getSessionInfo")]
    #[must_use]
    pub fn get_session_info(&self) -> SessionInfo {
        match (&self.sim.me, &self.sim.me_user) {
            (Some(me), Some(u)) => SessionInfo {
                topic: me.topic.clone(),
                password: me.password.clone(),
                user_name: u.name.clone(),
                user_id: me.id,
                is_in_meeting: self.sim.in_session(),
                session_id: me.session_id.clone(),
            },
            _ => SessionInfo {
                topic: String::new(),
                password: String::new(),
                user_name: String::new(),
                user_id: 0,
                is_in_meeting: false,
                session_id: String::new(),
            },
        }
    }
}
