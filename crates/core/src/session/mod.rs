//! The session machine: lifecycle, rejoin, media, devices and resume in one
//! sans-IO state machine.

use std::collections::VecDeque;
use std::fmt;

use crate::vecmap::VecMap;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::command::{CaptureProfile, Command, CommandId, CommandOutput, Op, TokenReason};
use crate::device::{
    self, Device, DeviceChangeReason, DeviceKind, DeviceList, DevicePreference, DevicePreferences,
};
use crate::error::{CoreError, ErrorCode, ErrorType, Remedy, ZoomError};
use crate::io::{
    AudioStatus, BrowserSignal, Event, Input, MediaIntent, Output, ResumeIgnored, StorageKey,
    StorageWrite,
};
use crate::participants::{Participant, Roster};
use crate::policy::{Backoff, ReconnectContext, ReconnectPolicy};
use crate::rng::Rng;
use crate::sdk::{
    AudioChangeAction, AudioChangeSource, ConnectionChange, ConnectionReason, ConnectionState,
    PassiveStopShareReason, PermissionName, PermissionState, SdkEvent, UserId, VideoCapturingState,
};
use crate::state::{
    is_allowed, Cause, EndReason, LeaveOutcome, RejoinPhase, RejoinReason, SessionError, State,
    StateName,
};
use crate::time::Instant;
use crate::token;
use crate::wire::{Decode, Encode};

mod timer;
use timer::{TimerKind, Timers};
// Chat, host controls, recording (`Session::act`) and stats: their own file.
mod actions;

/// Settings of a [`Session`]. Start from `Config::default()` and change fields.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Config {
    /// Seed for the jitter generator (e.g. from `crypto.getRandomValues` in
    /// the driver). Sessions with different seeds spread their rejoins apart.
    pub seed: u64,
    /// Give up on a `join` promise that has not settled after this long.
    pub join_timeout: Duration,
    /// Give up on a `leave` promise that has not settled after this long.
    pub leave_timeout: Duration,
    /// Abandon Zoom's failover and rejoin ourselves after this long
    /// `Reconnecting` (`None`: wait for Zoom indefinitely). Not armed while
    /// Zoom moves the session into, between or out of breakout rooms
    /// ([`ConnectionReason::is_subsession_move`](crate::sdk::ConnectionReason::is_subsession_move)).
    pub failover_timeout: Option<Duration>,
    /// Fetch a new token before rejoining when the current one expires within this.
    pub token_expiry_margin: Duration,
    /// End the session this long after it first connected.
    pub max_duration: Option<Duration>,
    /// End the session after the local user has been alone this long.
    pub idle_timeout: Option<Duration>,
    /// Keep a resume snapshot valid this long after it was last written
    /// (`None`: do not write one). It is rewritten every half of this.
    pub resume_ttl: Option<Duration>,
    /// When the preferred device comes back, switch back to it.
    pub switch_back_to_preferred: bool,
    /// Leave on `pagehide` (keeping the resume snapshot), and join again on a
    /// `pageshow` from the back/forward cache. Like LiveKit's
    /// `disconnectOnPageLeave`: others see the user go at once instead of a
    /// frozen tile until Zoom's own timeout.
    pub leave_on_page_hide: bool,
    /// The app gave somewhere to render its own screen share (the JS
    /// `shareElement`). Without one, [`MediaIntent::StartShare`] is refused
    /// up front with [`CoreError::InvalidOption`] naming `shareElement`.
    pub share_target: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            seed: 0x5EED,
            join_timeout: Duration::from_secs(30),
            leave_timeout: Duration::from_secs(5),
            failover_timeout: Some(Duration::from_secs(120)),
            token_expiry_margin: Duration::from_secs(60),
            max_duration: None,
            idle_timeout: None,
            resume_ttl: Some(Duration::from_secs(120)),
            switch_back_to_preferred: true,
            leave_on_page_hide: true,
            share_target: true,
        }
    }
}

/// What the app passes to join.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Encode, Decode)]
#[serde(rename_all = "camelCase")]
pub struct JoinOptions {
    /// `topic`: the session name, equal to the token's `tpc`.
    pub topic: String,
    /// `userName`.
    pub user_name: String,
    /// `sessionPassword`.
    #[serde(default)]
    pub password: Option<String>,
    /// `sessionIdleTimeoutMins` (applies when this user is the host).
    #[serde(default)]
    pub session_idle_timeout_mins: Option<u32>,
}

impl JoinOptions {
    /// Options with a topic and a user name.
    #[must_use]
    pub fn new(topic: impl Into<String>, user_name: impl Into<String>) -> Self {
        JoinOptions {
            topic: topic.into(),
            user_name: user_name.into(),
            password: None,
            session_idle_timeout_mins: None,
        }
    }

    /// With a session passcode.
    #[must_use]
    pub fn password(mut self, password: impl Into<String>) -> Self {
        self.password = Some(password.into());
        self
    }

    /// Checks the limits Zoom documents for `join` (`CLIENT_INVALID_JOIN_PARAMETER`).
    ///
    /// # Errors
    /// [`CoreError::InvalidOption`] naming the field.
    pub fn validate(&self) -> Result<(), CoreError> {
        let invalid = |field, reason| Err(CoreError::InvalidOption { field, reason });
        // `chars().all(..)`, not `trim().is_empty()`: trimming from both
        // ends brings a second UTF-8 decoder into the wasm.
        if self.topic.chars().all(char::is_whitespace) {
            return invalid("topic", "must not be empty");
        }
        if char_count(&self.topic) > 200 {
            return invalid("topic", "at most 200 characters");
        }
        if char_count(&self.user_name) > 200 {
            return invalid("userName", "at most 200 characters");
        }
        if let Some(p) = &self.password {
            if char_count(p) > 10 {
                return invalid("sessionPassword", "at most 10 characters");
            }
            if !p.bytes().all(|b| (b' '..=b'~').contains(&b)) {
                return invalid("sessionPassword", "printable ASCII only");
            }
        }
        if self.session_idle_timeout_mins == Some(0) {
            return invalid("sessionIdleTimeoutMins", "must be at least 1");
        }
        Ok(())
    }
}

/// The number of `char`s in `s`, as `s.chars().count()` gives it, without
/// the unrolled counter std uses for that (~0.8 KB of the wasm): every byte
/// that is not a UTF-8 continuation byte starts a `char`.
fn char_count(s: &str) -> usize {
    s.bytes().filter(|b| b & 0xC0 != 0x80).count()
}

/// Where leaving leads.
#[derive(Debug, Clone)]
enum LeaveGoal {
    User { end: bool },
    End(EndReason),
    Fail(SessionError),
}

#[derive(Debug, Clone)]
struct Token {
    value: String,
    expires_at: Option<Instant>,
}

/// Wanted and actual media, and the one operation in flight per medium.
#[derive(Debug, Clone, Default)]
struct Media {
    want_audio: bool,
    want_muted: bool,
    want_video: bool,
    want_share: bool,
    audio: AudioStatus,
    video: bool,
    share: bool,
    mic: Option<String>,
    speaker: Option<String>,
    camera: Option<String>,
    audio_op: Option<CommandId>,
    video_op: Option<CommandId>,
    share_op: Option<CommandId>,
    /// An operation was cancelled by a session change: wait for `Connected`.
    hold: bool,
    /// Audio/video stopped without us asking: decide after the next device list.
    audio_check: bool,
    video_check: bool,
    /// The capture profile the quality controller asked for.
    want_capture: CaptureProfile,
    /// The profile of the last camera start.
    capture: CaptureProfile,
    /// The camera is being stopped to start again with `want_capture`: the
    /// app is not told of the stop.
    restarting: bool,
    /// Audio-only mode: a wanted camera stays off until it ends.
    paused: bool,
}

#[derive(Debug, Clone, Default)]
struct Devices {
    list: Option<DeviceList>,
    active: [Option<Device>; 3],
    /// The active device was chosen on purpose (selection, preference,
    /// fallback), so the SDK must be switched to it even if it chose a default.
    forced: [bool; 3],
    prefs: DevicePreferences,
    camera_permission: Option<PermissionState>,
    microphone_permission: Option<PermissionState>,
    listing: Option<CommandId>,
    list_again: bool,
}

fn idx(kind: DeviceKind) -> usize {
    match kind {
        DeviceKind::Camera => 0,
        DeviceKind::Microphone => 1,
        DeviceKind::Speaker => 2,
    }
}

/// The resume snapshot stored under `zoomkit:resume`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Encode, Decode)]
#[serde(rename_all = "camelCase")]
struct Snapshot {
    v: u32,
    topic: String,
    user_name: String,
    has_password: bool,
    #[serde(default)]
    session_idle_timeout_mins: Option<u32>,
    audio: bool,
    muted: bool,
    video: bool,
    #[serde(default)]
    devices: DevicePreferences,
    saved_at: Instant,
    expires_at: Instant,
}

const SNAPSHOT_VERSION: u32 = 1;

/// A Zoom Video SDK session as a sans-IO state machine.
///
/// # The driving loop
///
/// Feed every input with [`handle`](Session::handle), then drain
/// [`poll`](Session::poll) until it yields [`Output::Timeout`] or `None`:
///
/// - [`Output::Command`]: call the SDK (or the token provider); when its
///   promise settles, `handle(now, Input::Done { id, result })`. Every
///   command is answered exactly once, unless cancelled first.
/// - [`Output::Cancel`]: the command is no longer wanted; drop its promise and
///   do not answer it (a late answer is ignored).
/// - [`Output::Event`]: tell the app.
/// - [`Output::Storage`]: write (or remove) a `zoomkit:` key; no answer.
/// - [`Output::Timeout`]: (re)arm the single timer for that instant, then stop
///   draining; when it fires, `handle(now, Input::Timeout)`. `None` means no
///   timer is needed: clear it.
///
/// `now` is wall-clock milliseconds (`Date.now()`); the machine never reads a
/// clock, and a `now` that goes backwards is taken as the last one seen.
///
/// ```no_run
/// use zoomkit_core::{Config, Input, Instant, JoinOptions, Output, Session};
///
/// # fn now() -> Instant { Instant::from_millis(0) }
/// # fn call_sdk(_: zoomkit_core::Command) {}
/// # fn drop_promise(_: zoomkit_core::CommandId) {}
/// # fn notify_app(_: zoomkit_core::Event) {}
/// # fn write_storage(_: zoomkit_core::StorageWrite) {}
/// # fn set_timer(_: Option<Instant>) {}
/// let mut session = Session::new(Config::default());
/// session.handle(now(), Input::Join(JoinOptions::new("standup", "Ada")))?;
/// loop {
///     match session.poll() {
///         Some(Output::Command(cmd)) => call_sdk(cmd), // later: Input::Done { id, result }
///         Some(Output::Cancel(id)) => drop_promise(id),
///         Some(Output::Event(ev)) => notify_app(ev),
///         Some(Output::Storage(w)) => write_storage(w),
///         Some(Output::Timeout(at)) => { set_timer(Some(at)); break }
///         Some(_) => {}
///         None => { set_timer(None); break }
///     }
/// }
/// # Ok::<(), zoomkit_core::CoreError>(())
/// ```
#[derive(Debug)]
pub struct Session {
    config: Config,
    policy: Policy,
    rng: Rng,
    now: Instant,
    state: State,
    next_id: u64,
    pending: VecMap<CommandId, Op>,
    cancelled: VecMap<CommandId, ()>,
    out: VecDeque<Output>,
    timers: Timers,
    join: Option<JoinOptions>,
    token: Option<Token>,
    initialised: bool,
    online: bool,
    first_connected: Option<Instant>,
    self_user: Option<UserId>,
    roster: Roster,
    /// Rejoin bookkeeping: attempts started, the last attempt's error, and
    /// whether the token must be replaced before the next attempt.
    rejoin_attempts: u32,
    rejoin_last_error: Option<ZoomError>,
    token_stale: bool,
    leave_goal: Option<LeaveGoal>,
    /// Zoom's refusal of `leave(true)`, while the plain leave that replaced
    /// it is under way; the final transition carries it.
    end_refused: Option<ZoomError>,
    media: Media,
    devices: Devices,
    last_snapshot: Option<Snapshot>,
    /// Set when the session left on `pagehide`: what to join again with on
    /// `pageshow`.
    page_left: Option<PageLeft>,
    /// Chat, recording, share privilege and stats (see `actions.rs`).
    features: actions::Features,
}

/// The join and the media wishes of a session that left on `pagehide`.
#[derive(Debug, Clone)]
struct PageLeft {
    join: JoinOptions,
    audio: bool,
    muted: bool,
    video: bool,
    /// `pageshow` came: join again once the leave has settled.
    shown: bool,
}

/// The reconnect policy. The default is held by value rather than boxed as a
/// `dyn ReconnectPolicy`: a `Backoff` vtable would carry its `Debug` impl
/// (the trait's supertrait) into every build, and the wasm, which only ever
/// uses the default, never prints it.
enum Policy {
    Default(Backoff),
    Custom(Box<dyn ReconnectPolicy>),
}

impl Policy {
    fn next_delay(&self, context: &ReconnectContext) -> Option<Duration> {
        match self {
            Policy::Default(backoff) => backoff.next_delay(context),
            Policy::Custom(policy) => policy.next_delay(context),
        }
    }
}

/// Prints the policy itself, as the boxed field did.
impl fmt::Debug for Policy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Policy::Default(backoff) => backoff.fmt(f),
            Policy::Custom(policy) => policy.fmt(f),
        }
    }
}

impl Session {
    /// A session with the default reconnect policy ([`Backoff::default`]).
    #[must_use]
    pub fn new(config: Config) -> Self {
        Session::with(config, Policy::Default(Backoff::default()))
    }

    /// A session whose reconnect policy is `backoff` (e.g. from the app's
    /// options; check it with [`Backoff::validate`] first). Held by value,
    /// like the default.
    #[must_use]
    pub fn with_backoff(config: Config, backoff: Backoff) -> Self {
        Session::with(config, Policy::Default(backoff))
    }

    /// A session with a custom reconnect policy.
    #[must_use]
    pub fn with_policy(config: Config, policy: Box<dyn ReconnectPolicy>) -> Self {
        Session::with(config, Policy::Custom(policy))
    }

    fn with(config: Config, policy: Policy) -> Self {
        Session {
            rng: Rng::new(config.seed),
            config,
            policy,
            now: Instant::EPOCH,
            state: State::Idle,
            next_id: 1,
            pending: VecMap::new(),
            cancelled: VecMap::new(),
            out: VecDeque::new(),
            timers: Timers::default(),
            join: None,
            token: None,
            initialised: false,
            online: true,
            first_connected: None,
            self_user: None,
            roster: Roster::default(),
            rejoin_attempts: 0,
            rejoin_last_error: None,
            token_stale: false,
            leave_goal: None,
            end_refused: None,
            media: Media::default(),
            devices: Devices::default(),
            last_snapshot: None,
            page_left: None,
            features: actions::Features::default(),
        }
    }

    /// The current state.
    #[must_use]
    pub fn state(&self) -> &State {
        &self.state
    }

    /// The configuration.
    #[must_use]
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The participants, by id.
    pub fn participants(&self) -> impl Iterator<Item = &Participant> {
        self.roster.iter()
    }

    /// One participant.
    #[must_use]
    pub fn participant(&self, id: UserId) -> Option<&Participant> {
        self.roster.get(id)
    }

    /// The local user's id, once joined.
    #[must_use]
    pub fn self_user(&self) -> Option<UserId> {
        self.self_user
    }

    /// True after the session left on `pagehide` (with
    /// [`Config::leave_on_page_hide`]): a `pageshow` from the back/forward
    /// cache will join again, so the driver keeps listening for it.
    #[must_use]
    pub fn awaiting_page_show(&self) -> bool {
        self.page_left.is_some()
    }

    /// The local audio as the SDK has it.
    #[must_use]
    pub fn audio(&self) -> AudioStatus {
        self.media.audio
    }

    /// The audio the user wants (applied whenever the session is connected).
    #[must_use]
    pub fn wanted_audio(&self) -> AudioStatus {
        AudioStatus {
            connected: self.media.want_audio,
            muted: self.media.want_muted,
        }
    }

    /// Whether the camera is capturing.
    #[must_use]
    pub fn video_on(&self) -> bool {
        self.media.video
    }

    /// Whether the user wants the camera on.
    #[must_use]
    pub fn wanted_video(&self) -> bool {
        self.media.want_video
    }

    /// Whether the screen is being shared.
    #[must_use]
    pub fn sharing(&self) -> bool {
        self.media.share
    }

    /// The current device lists, once read.
    #[must_use]
    pub fn device_list(&self) -> Option<&DeviceList> {
        self.devices.list.as_ref()
    }

    /// The device in use (or to be used) for a kind.
    #[must_use]
    pub fn active_device(&self, kind: DeviceKind) -> Option<&Device> {
        self.devices.active[idx(kind)].as_ref()
    }

    /// The remembered device preferences.
    #[must_use]
    pub fn device_preferences(&self) -> &DevicePreferences {
        &self.devices.prefs
    }

    /// A permission as last reported, with what to do if it is denied.
    #[must_use]
    pub fn permission(&self, kind: DeviceKind) -> Option<(PermissionState, Option<Remedy>)> {
        let state = match kind {
            DeviceKind::Camera => self.devices.camera_permission,
            DeviceKind::Microphone => self.devices.microphone_permission,
            DeviceKind::Speaker => None,
        }?;
        Some((
            state,
            (state == PermissionState::Denied).then_some(Remedy::GrantPermission),
        ))
    }

    /// Commands issued and neither answered nor cancelled.
    pub fn pending_commands(&self) -> impl Iterator<Item = (CommandId, &Op)> {
        self.pending.iter().map(|(id, op)| (*id, op))
    }

    /// The next output. Drain until `Timeout` or `None` after every `handle`.
    #[must_use]
    pub fn poll(&mut self) -> Option<Output> {
        if let Some(o) = self.out.pop_front() {
            return Some(o);
        }
        self.timers.next().map(Output::Timeout)
    }

    /// Only the next command, event, cancel or storage write (no timeout).
    #[must_use]
    pub fn poll_output(&mut self) -> Option<Output> {
        self.out.pop_front()
    }

    /// When the machine next needs `Input::Timeout`.
    #[must_use]
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.timers.next()
    }

    /// Feeds one input at time `now`. Timers due at `now` fire first.
    ///
    /// # Errors
    /// [`CoreError`] for misuse; the machine is unchanged by the refused input.
    pub fn handle(&mut self, now: Instant, input: Input) -> Result<(), CoreError> {
        if now > self.now {
            self.now = now;
        }
        self.fire_timers();
        let result = match input {
            Input::Join(opts) => self.on_join(opts, Cause::Join),
            Input::Leave { end } => self.on_leave(end),
            Input::Resume { stored, password } => self.on_resume(stored, password),
            Input::LoadPreferences { stored } => {
                self.on_load_preferences(stored);
                Ok(())
            }
            Input::Media(intent) => self.on_media(intent),
            Input::SelectDevice { kind, device_id } => self.on_select(kind, device_id),
            Input::RefreshDevices => {
                self.request_list();
                Ok(())
            }
            Input::CaptureQuality(quality) => {
                self.media.want_capture = CaptureProfile::for_quality(quality);
                self.reconcile();
                Ok(())
            }
            Input::AudioOnly(on) => {
                if self.media.paused != on {
                    self.media.paused = on;
                    self.emit(Event::VideoPaused { paused: on });
                    self.reconcile();
                }
                Ok(())
            }
            Input::Sdk(ev) => {
                self.on_sdk(ev);
                Ok(())
            }
            Input::Browser(sig) => {
                self.on_browser(sig);
                Ok(())
            }
            Input::Done { id, result } => self.on_done(id, result),
            Input::Timeout => Ok(()),
            Input::Dispose => {
                self.on_dispose();
                Ok(())
            }
        };
        self.maybe_return_from_page_cache();
        self.update_idle_timer();
        self.maybe_write_snapshot(false);
        result
    }

    // ---- plumbing -------------------------------------------------------

    fn issue(&mut self, op: Op) -> CommandId {
        let id = CommandId(self.next_id);
        self.next_id += 1;
        self.pending.insert(id, op.clone());
        self.out.push_back(Output::Command(Command { id, op }));
        id
    }

    fn cancel(&mut self, id: CommandId) {
        if self.pending.remove(&id).is_some() {
            self.cancelled.insert(id, ());
            self.out.push_back(Output::Cancel(id));
        }
        self.forget_slot(id);
    }

    fn cancel_all(&mut self) {
        let ids: Vec<CommandId> = self.pending.keys().copied().collect();
        for id in ids {
            self.cancel(id);
        }
    }

    fn forget_slot(&mut self, id: CommandId) {
        for slot in [
            &mut self.media.audio_op,
            &mut self.media.video_op,
            &mut self.media.share_op,
            &mut self.devices.listing,
        ] {
            if *slot == Some(id) {
                *slot = None;
            }
        }
    }

    fn emit(&mut self, ev: Event) {
        // Session stats read every event (see `actions.rs`); the last state
        // change of a session brings its final `stats` event after it.
        let last = self.features.observe(self.now, self.self_user, &ev);
        self.out.push_back(Output::Event(ev));
        if let Some(stats) = last {
            self.out.push_back(Output::Event(Event::Stats(stats)));
        }
    }

    fn arm(&mut self, kind: TimerKind, after: Duration) {
        self.timers.set(kind, Some(self.now + after));
    }

    fn disarm(&mut self, kind: TimerKind) {
        self.timers.set(kind, None);
    }

    fn name(&self) -> StateName {
        self.state.name()
    }

    fn transition(&mut self, to: State, cause: Cause, error: Option<ZoomError>) {
        let from = self.state.name();
        let to_name = to.name();
        debug_assert!(
            is_allowed(from, to_name, cause),
            "transition {from} -> {to_name} ({}) is not in the table",
            cause.as_str()
        );
        self.state = to;
        self.emit(Event::StateChanged {
            from,
            to: to_name,
            cause,
            error,
            in_previous_ms: self.features.time_in_state(self.now),
        });
        if to_name.is_terminal() {
            self.enter_terminal();
        }
        if to_name == StateName::Connected {
            self.enter_connected(from);
        }
    }

    fn fire_timers(&mut self) {
        // Each firing can arm others; a bound keeps a bad policy from spinning.
        for _ in 0..64 {
            let Some(kind) = self.timers.due(self.now) else {
                return;
            };
            self.disarm(kind);
            match kind {
                TimerKind::Join => self.on_join_timeout(),
                TimerKind::Leave => self.on_leave_timeout(),
                TimerKind::Rejoin => self.on_rejoin_timer(),
                TimerKind::Failover => self.on_failover_timeout(),
                TimerKind::MaxDuration => self.on_session_timeout(EndReason::MaxDuration),
                TimerKind::Idle => self.on_session_timeout(EndReason::Idle),
                TimerKind::Snapshot => self.maybe_write_snapshot(true),
            }
        }
    }

    // ---- join -----------------------------------------------------------

    fn on_join(&mut self, opts: JoinOptions, cause: Cause) -> Result<(), CoreError> {
        let name = self.name();
        if !(name == StateName::Idle || name.is_terminal()) {
            return Err(CoreError::AlreadyActive {
                state: name.as_str(),
            });
        }
        opts.validate()?;
        self.page_left = None;
        self.features.reset();
        let topic = opts.topic.clone();
        if self.join.as_ref().map(|j| &j.topic) != Some(&topic) {
            self.token = None;
        }
        self.join = Some(opts);
        self.first_connected = None;
        self.self_user = None;
        self.rejoin_attempts = 0;
        self.rejoin_last_error = None;
        self.token_stale = false;
        self.leave_goal = None;
        self.media.want_share = false;
        self.media.hold = false;
        self.transition(State::FetchingToken { since: self.now }, cause, None);
        self.issue(Op::FetchToken {
            topic,
            reason: TokenReason::Join,
        });
        Ok(())
    }

    fn issue_join(&mut self) {
        let Some(opts) = self.join.clone() else {
            return;
        };
        let token = self
            .token
            .as_ref()
            .map(|t| t.value.clone())
            .unwrap_or_default();
        self.issue(Op::Join {
            topic: opts.topic,
            token,
            user_name: opts.user_name,
            session_password: opts.password,
            session_idle_timeout_mins: opts.session_idle_timeout_mins,
        });
        self.arm(TimerKind::Join, self.config.join_timeout);
    }

    /// Stores a fetched token; `Err` if it has already expired or is for
    /// another session.
    fn accept_token(&mut self, value: String) -> Result<(), SessionError> {
        let expires_at = token::expiry(&value);
        if let Some(exp) = expires_at {
            if exp <= self.now {
                return Err(SessionError::TokenExpired { expired_at: exp });
            }
        }
        let topic = self.join.as_ref().map(|j| j.topic.as_str()).unwrap_or("");
        if let Some(tpc) = token::topic(&value) {
            if !token::topic_matches(&tpc, topic) {
                return Err(SessionError::TokenTopicMismatch {
                    token_topic: tpc,
                    topic: topic.to_owned(),
                });
            }
        }
        self.token = Some(Token { value, expires_at });
        self.token_stale = false;
        Ok(())
    }

    fn token_usable(&self) -> bool {
        match &self.token {
            None => false,
            Some(_) if self.token_stale => false,
            Some(Token {
                expires_at: Some(exp),
                ..
            }) => *exp > self.now + self.config.token_expiry_margin + self.config.join_timeout,
            Some(_) => true,
        }
    }

    fn on_token(&mut self, result: Result<CommandOutput, ZoomError>) {
        match (self.name(), result) {
            (StateName::FetchingToken, Ok(CommandOutput::Token(value))) => {
                match self.accept_token(value) {
                    Err(error) => {
                        self.transition(State::Failed { error }, Cause::TokenFailed, None)
                    }
                    Ok(()) if self.initialised => {
                        self.transition(
                            State::Joining { since: self.now },
                            Cause::TokenFetched,
                            None,
                        );
                        self.issue_join();
                    }
                    Ok(()) => {
                        self.transition(
                            State::Initialising { since: self.now },
                            Cause::TokenFetched,
                            None,
                        );
                        self.issue(Op::Init);
                    }
                }
            }
            (StateName::FetchingToken, Err(error)) => self.transition(
                State::Failed {
                    error: SessionError::Token {
                        error: error.clone(),
                    },
                },
                Cause::TokenFailed,
                Some(error),
            ),
            (StateName::Rejoining, Ok(CommandOutput::Token(value))) => {
                match self.accept_token(value) {
                    Err(error) => {
                        self.transition(State::Failed { error }, Cause::TokenFailed, None)
                    }
                    Ok(()) => {
                        self.set_rejoin_phase(RejoinPhase::Joining, Cause::TokenFetched);
                        self.issue_join();
                    }
                }
            }
            (StateName::Rejoining, Err(error)) => {
                self.token_stale = true;
                self.rejoin_last_error = Some(error.clone());
                self.schedule_rejoin(RejoinReason::AttemptFailed { error }, Cause::RetryScheduled);
            }
            _ => {}
        }
    }

    fn on_init(&mut self, result: Result<CommandOutput, ZoomError>) {
        if self.name() != StateName::Initialising {
            return;
        }
        match result {
            Ok(_) => {
                self.initialised = true;
                self.transition(State::Joining { since: self.now }, Cause::Initialised, None);
                self.issue_join();
            }
            Err(error) => self.transition(
                State::Failed {
                    error: SessionError::Init {
                        error: error.clone(),
                    },
                },
                Cause::InitFailed,
                Some(error),
            ),
        }
    }

    fn on_join_done(&mut self, result: Result<CommandOutput, ZoomError>) {
        self.disarm(TimerKind::Join);
        let rejoining = match &self.state {
            State::Joining { .. } => false,
            State::Rejoining {
                phase: RejoinPhase::Joining,
                ..
            } => true,
            _ => return,
        };
        match result {
            Ok(out) => {
                if let CommandOutput::Joined { user_id } = out {
                    self.self_user = user_id;
                }
                self.transition(State::Connected { since: self.now }, Cause::Joined, None);
            }
            Err(error) if !rejoining => self.transition(
                State::Failed {
                    error: SessionError::Join {
                        error: error.clone(),
                    },
                },
                Cause::JoinFailed,
                Some(error),
            ),
            Err(error) => {
                if let Some(end) = end_reason_for_code(error.code()) {
                    return self.end_now(end, Some(error));
                }
                let class = error.classify();
                if error.code() == ErrorCode::ClientDuplicatedJoin {
                    // The SDK still holds the old session: reset it first.
                    self.rejoin_last_error = Some(error.clone());
                    self.reset_then_schedule(
                        RejoinReason::AttemptFailed { error },
                        Cause::JoinFailed,
                    );
                } else if class.retryable || error.is_cancelled() {
                    if class.remedy == Remedy::RefreshToken {
                        self.token_stale = true;
                    }
                    self.rejoin_last_error = Some(error.clone());
                    self.schedule_rejoin(
                        RejoinReason::AttemptFailed { error },
                        Cause::RetryScheduled,
                    );
                } else {
                    self.transition(
                        State::Failed {
                            error: SessionError::Join {
                                error: error.clone(),
                            },
                        },
                        Cause::JoinFailed,
                        Some(error),
                    );
                }
            }
        }
    }

    fn on_join_timeout(&mut self) {
        match &self.state {
            State::Joining { .. } => {
                self.cancel_all();
                let after = self.config.join_timeout;
                self.start_leave(
                    false,
                    LeaveGoal::Fail(SessionError::JoinTimedOut { after }),
                    Cause::JoinTimedOut,
                );
            }
            State::Rejoining {
                phase: RejoinPhase::Joining,
                ..
            } => {
                let joins: Vec<CommandId> = self
                    .pending
                    .iter()
                    .filter(|(_, op)| matches!(op, Op::Join { .. }))
                    .map(|(id, _)| *id)
                    .collect();
                for id in joins {
                    self.cancel(id);
                }
                self.rejoin_last_error = None;
                self.reset_then_schedule(RejoinReason::AttemptTimedOut, Cause::JoinTimedOut);
            }
            _ => {}
        }
    }

    fn enter_connected(&mut self, from: StateName) {
        self.disarm(TimerKind::Failover);
        self.disarm(TimerKind::Rejoin);
        self.rejoin_attempts = 0;
        self.rejoin_last_error = None;
        self.media.hold = false;
        if self.first_connected.is_none() {
            self.first_connected = Some(self.now);
            if let Some(max) = self.config.max_duration {
                self.arm(TimerKind::MaxDuration, max);
            }
        }
        if from != StateName::Reconnecting {
            // A new SDK session: ids may have rotated, read the lists again.
            self.request_list();
        }
        self.reconcile();
    }

    // ---- leave and end --------------------------------------------------

    fn on_leave(&mut self, end: bool) -> Result<(), CoreError> {
        // The app's leave wins over a return from the page cache.
        self.page_left = None;
        let goal = LeaveGoal::User { end };
        match &self.state {
            State::Idle | State::Left { .. } | State::Ended { .. } | State::Failed { .. } => {
                Err(CoreError::NotInSession {
                    state: self.name().as_str(),
                })
            }
            State::Leaving { .. } => Ok(()),
            State::FetchingToken { .. } | State::Initialising { .. } => {
                self.finish_leave_without_sdk(end);
                Ok(())
            }
            State::Rejoining { phase, .. }
                if !matches!(phase, RejoinPhase::Joining | RejoinPhase::Resetting) =>
            {
                self.finish_leave_without_sdk(end);
                Ok(())
            }
            _ if end && self.known_not_host() => Err(CoreError::HostOnly),
            _ => {
                self.cancel_all();
                self.start_leave(end, goal, Cause::UserLeft);
                Ok(())
            }
        }
    }

    /// Freed without a leave: leave plainly, as `on_leave(false)` would, and
    /// do nothing where there is nothing to leave (idle, over, or a leave
    /// already in flight).
    fn on_dispose(&mut self) {
        let name = self.name();
        if name == StateName::Idle || name.is_terminal() || name == StateName::Leaving {
            return;
        }
        // Refused only in the states just excluded.
        let _ = self.on_leave(false);
    }

    /// Whether the roster says the local user is not the host. Unknown (no
    /// self user yet, or not in the roster) is not "not host": Zoom decides.
    fn known_not_host(&self) -> bool {
        self.self_user
            .and_then(|id| self.roster.get(id))
            .is_some_and(|me| !me.is_host)
    }

    fn finish_leave_without_sdk(&mut self, end: bool) {
        self.cancel_all();
        self.transition(
            State::Left {
                outcome: LeaveOutcome::NotConnected,
                end_session: end,
            },
            Cause::UserLeft,
            None,
        );
    }

    fn start_leave(&mut self, end: bool, goal: LeaveGoal, cause: Cause) {
        self.leave_goal = Some(goal);
        self.transition(State::Leaving { since: self.now }, cause, None);
        self.issue(Op::Leave { end });
        self.arm(TimerKind::Leave, self.config.leave_timeout);
    }

    fn finish_leave(&mut self, outcome: LeaveOutcome, cause: Cause) {
        self.cancel_all();
        let refused = self.end_refused.take();
        let error = match &outcome {
            LeaveOutcome::Rejected { error } => Some(error.clone()),
            _ => refused,
        };
        let state = match self.leave_goal.take() {
            Some(LeaveGoal::End(reason)) => State::Ended { reason },
            Some(LeaveGoal::Fail(error)) => State::Failed { error },
            Some(LeaveGoal::User { end }) => State::Left {
                outcome,
                end_session: end,
            },
            None => State::Left {
                outcome,
                end_session: false,
            },
        };
        self.transition(state, cause, error);
    }

    fn on_leave_done(&mut self, result: Result<CommandOutput, ZoomError>) {
        match &self.state {
            State::Leaving { .. } => {
                self.disarm(TimerKind::Leave);
                let outcome = match result {
                    Ok(_) => LeaveOutcome::Clean,
                    // Zoom refused to end the session (only the host may,
                    // and the roster did not say we were not): the SDK's
                    // session is still open, so leave it plainly instead.
                    Err(error)
                        if matches!(self.leave_goal, Some(LeaveGoal::User { end: true })) =>
                    {
                        self.leave_goal = Some(LeaveGoal::User { end: false });
                        self.end_refused = Some(error);
                        self.issue(Op::Leave { end: false });
                        self.arm(TimerKind::Leave, self.config.leave_timeout);
                        return;
                    }
                    Err(error) => LeaveOutcome::Rejected { error },
                };
                self.finish_leave(outcome, Cause::LeaveDone);
            }
            State::Rejoining {
                phase: RejoinPhase::Resetting,
                reason,
                ..
            } => {
                let reason = reason.clone();
                self.disarm(TimerKind::Leave);
                self.schedule_rejoin(reason, Cause::ResetDone);
            }
            _ => {}
        }
    }

    fn on_leave_timeout(&mut self) {
        match &self.state {
            State::Leaving { .. } => {
                self.finish_leave(LeaveOutcome::TimedOut, Cause::LeaveTimedOut)
            }
            State::Rejoining {
                phase: RejoinPhase::Resetting,
                reason,
                ..
            } => {
                let reason = reason.clone();
                let leaves: Vec<CommandId> = self
                    .pending
                    .iter()
                    .filter(|(_, op)| matches!(op, Op::Leave { .. }))
                    .map(|(id, _)| *id)
                    .collect();
                for id in leaves {
                    self.cancel(id);
                }
                self.schedule_rejoin(reason, Cause::ResetDone);
            }
            _ => {}
        }
    }

    /// Ends the session without calling `leave` (the SDK already closed it,
    /// or no SDK call is in flight).
    fn end_now(&mut self, reason: EndReason, error: Option<ZoomError>) {
        self.cancel_all();
        let cause = match reason {
            EndReason::EndedByHost => Cause::EndedByHost,
            EndReason::Removed => Cause::Removed,
            EndReason::MaxDuration | EndReason::Idle => Cause::SessionTimedOut,
        };
        self.transition(State::Ended { reason }, cause, error);
    }

    fn on_session_timeout(&mut self, reason: EndReason) {
        match &self.state {
            State::Connected { .. } | State::Reconnecting { .. } => {
                self.cancel_all();
                self.start_leave(false, LeaveGoal::End(reason), Cause::SessionTimedOut);
            }
            State::Rejoining { phase, .. } => {
                if matches!(phase, RejoinPhase::Joining | RejoinPhase::Resetting) {
                    self.cancel_all();
                    self.start_leave(false, LeaveGoal::End(reason), Cause::SessionTimedOut);
                } else {
                    self.end_now(reason, None);
                }
            }
            _ => {}
        }
    }

    fn enter_terminal(&mut self) {
        self.cancel_all();
        self.timers = Timers::default();
        self.leave_goal = None;
        self.media.hold = false;
        self.media.audio_check = false;
        self.media.video_check = false;
        // Wishes are per session; what the app asks before the next join counts.
        self.media.want_audio = false;
        self.media.want_muted = false;
        self.media.want_video = false;
        self.media.want_share = false;
        self.media.paused = false;
        self.set_actual_media_off();
        if self.roster.clear() {
            self.emit(Event::ParticipantsCleared);
        }
        self.self_user = None;
        if self.page_left.is_some() {
            // Left on `pagehide`: the next page resumes from the snapshot.
            self.last_snapshot = None;
        } else if self.last_snapshot.take().is_some() || self.config.resume_ttl.is_some() {
            self.out.push_back(Output::Storage(StorageWrite {
                key: StorageKey::Resume,
                value: None,
            }));
        }
    }

    // ---- failover and rejoin --------------------------------------------

    fn on_connection_change(&mut self, c: ConnectionChange) {
        let name = self.name();
        match c.state {
            ConnectionState::Reconnecting if name == StateName::Connected => {
                // The watchdog is for a failover that hangs; a breakout-room
                // move is Zoom's own and ends in `Connected` (or `Fail`).
                let moving = c
                    .reason
                    .as_ref()
                    .is_some_and(ConnectionReason::is_subsession_move);
                if let (Some(t), false) = (self.config.failover_timeout, moving) {
                    self.arm(TimerKind::Failover, t);
                }
                self.transition(
                    State::Reconnecting {
                        since: self.now,
                        reason: c.reason,
                    },
                    Cause::SdkReconnecting,
                    None,
                );
            }
            ConnectionState::Connected if name == StateName::Reconnecting => {
                self.transition(
                    State::Connected { since: self.now },
                    Cause::SdkReconnected,
                    None,
                );
            }
            ConnectionState::Closed | ConnectionState::Fail if name == StateName::Leaving => {
                self.disarm(TimerKind::Leave);
                self.finish_leave(LeaveOutcome::Clean, Cause::LeaveDone);
            }
            ConnectionState::Closed
                if matches!(name, StateName::Connected | StateName::Reconnecting) =>
            {
                match c.reason {
                    Some(ConnectionReason::EndedByHost) => {
                        self.end_now(EndReason::EndedByHost, None)
                    }
                    Some(ConnectionReason::KickedByHost | ConnectionReason::ExpeledByHost) => {
                        self.end_now(EndReason::Removed, None);
                    }
                    _ => self.enter_rejoin(RejoinReason::ConnectionLost, false, Cause::SdkClosed),
                }
            }
            ConnectionState::Fail
                if matches!(name, StateName::Connected | StateName::Reconnecting) =>
            {
                let error = ZoomError {
                    kind: None,
                    reason: c
                        .reason
                        .as_ref()
                        .map(|r| r.as_str().to_owned())
                        .unwrap_or_default(),
                    error_code: c.error_code,
                    extension_url: None,
                };
                if let Some(end) = end_reason_for_code(error.code()) {
                    return self.end_now(end, Some(error));
                }
                let known = error.code().info().is_some();
                if known && !error.classify().retryable {
                    self.transition(
                        State::Failed {
                            error: SessionError::Connection {
                                error: error.clone(),
                            },
                        },
                        Cause::SdkFailed,
                        Some(error),
                    );
                } else {
                    self.enter_rejoin(
                        RejoinReason::SdkFailed {
                            error_code: c.error_code,
                        },
                        false,
                        Cause::SdkFailed,
                    );
                }
            }
            _ => {}
        }
    }

    fn on_failover_timeout(&mut self) {
        if self.name() == StateName::Reconnecting {
            self.enter_rejoin(
                RejoinReason::FailoverTimedOut,
                true,
                Cause::FailoverTimedOut,
            );
        }
    }

    /// From connected or reconnecting into rejoining: the SDK session is gone
    /// (or abandoned), so media and participants start over.
    fn enter_rejoin(&mut self, reason: RejoinReason, needs_reset: bool, cause: Cause) {
        self.cancel_all();
        self.disarm(TimerKind::Failover);
        self.disarm(TimerKind::Idle);
        self.rejoin_attempts = 0;
        self.rejoin_last_error = None;
        self.media.hold = false;
        if self.media.want_share {
            // getDisplayMedia needs a user gesture: sharing cannot be restored.
            self.media.want_share = false;
        }
        self.set_actual_media_off();
        if self.roster.clear() {
            self.emit(Event::ParticipantsCleared);
        }
        self.self_user = None;
        let since = self.now;
        if needs_reset {
            self.transition(
                State::Rejoining {
                    since,
                    attempt: 0,
                    reason,
                    phase: RejoinPhase::Resetting,
                },
                cause,
                None,
            );
            self.issue(Op::Leave { end: false });
            self.arm(TimerKind::Leave, self.config.leave_timeout);
            return;
        }
        match self.next_phase(&reason, since) {
            Some(phase) => {
                self.transition(
                    State::Rejoining {
                        since,
                        attempt: 0,
                        reason,
                        phase,
                    },
                    cause,
                    None,
                );
                self.announce_schedule();
            }
            None => self.transition(
                State::Failed {
                    error: SessionError::GaveUp {
                        attempts: 0,
                        last_error: None,
                    },
                },
                Cause::GaveUp,
                None,
            ),
        }
    }

    /// Asks the policy; arms the timer. `None` when it gives up.
    fn next_phase(&mut self, reason: &RejoinReason, since: Instant) -> Option<RejoinPhase> {
        let ctx = ReconnectContext::new(
            self.rejoin_attempts,
            self.now.saturating_since(since),
            reason.clone(),
            self.rng.next_unit(),
        );
        let delay = self.policy.next_delay(&ctx)?;
        let until = self.now + delay;
        if self.online {
            self.timers.set(TimerKind::Rejoin, Some(until));
            Some(RejoinPhase::Waiting { until })
        } else {
            Some(RejoinPhase::Offline)
        }
    }

    fn announce_schedule(&mut self) {
        if let State::Rejoining {
            phase: RejoinPhase::Waiting { until },
            ..
        } = &self.state
        {
            let at = *until;
            self.emit(Event::RejoinScheduled {
                attempt: self.rejoin_attempts + 1,
                at,
            });
        }
    }

    fn reset_then_schedule(&mut self, reason: RejoinReason, cause: Cause) {
        self.set_rejoin(reason, RejoinPhase::Resetting, cause);
        self.issue(Op::Leave { end: false });
        self.arm(TimerKind::Leave, self.config.leave_timeout);
    }

    fn schedule_rejoin(&mut self, reason: RejoinReason, cause: Cause) {
        let State::Rejoining { since, .. } = self.state else {
            return;
        };
        match self.next_phase(&reason, since) {
            Some(phase) => {
                self.set_rejoin(reason, phase, cause);
                self.announce_schedule();
            }
            None => {
                self.cancel_all();
                let error = SessionError::GaveUp {
                    attempts: self.rejoin_attempts,
                    last_error: self.rejoin_last_error.clone(),
                };
                let last = self.rejoin_last_error.clone();
                self.transition(State::Failed { error }, Cause::GaveUp, last);
            }
        }
    }

    fn set_rejoin(&mut self, reason: RejoinReason, phase: RejoinPhase, cause: Cause) {
        if let State::Rejoining { since, .. } = self.state {
            self.transition(
                State::Rejoining {
                    since,
                    attempt: self.rejoin_attempts,
                    reason,
                    phase,
                },
                cause,
                None,
            );
        }
    }

    fn set_rejoin_phase(&mut self, phase: RejoinPhase, cause: Cause) {
        if let State::Rejoining { reason, .. } = &self.state {
            let reason = reason.clone();
            self.set_rejoin(reason, phase, cause);
        }
    }

    fn on_rejoin_timer(&mut self) {
        if !matches!(
            self.state,
            State::Rejoining {
                phase: RejoinPhase::Waiting { .. },
                ..
            }
        ) {
            return;
        }
        if self.online {
            self.start_attempt();
        } else {
            self.set_rejoin_phase(RejoinPhase::Offline, Cause::Offline);
        }
    }

    fn start_attempt(&mut self) {
        self.disarm(TimerKind::Rejoin);
        self.rejoin_attempts += 1;
        if self.token_usable() {
            self.set_rejoin_phase(RejoinPhase::Joining, Cause::RetryStarted);
            self.issue_join();
        } else {
            let topic = self
                .join
                .as_ref()
                .map(|j| j.topic.clone())
                .unwrap_or_default();
            self.set_rejoin_phase(RejoinPhase::FetchingToken, Cause::RetryStarted);
            self.issue(Op::FetchToken {
                topic,
                reason: TokenReason::Refresh,
            });
        }
    }

    fn on_browser(&mut self, sig: BrowserSignal) {
        match sig {
            BrowserSignal::Offline => {
                self.online = false;
                if let State::Rejoining {
                    phase: RejoinPhase::Waiting { .. },
                    ..
                } = self.state
                {
                    self.disarm(TimerKind::Rejoin);
                    self.set_rejoin_phase(RejoinPhase::Offline, Cause::Offline);
                }
            }
            BrowserSignal::Online => {
                self.online = true;
                if let State::Rejoining {
                    phase: RejoinPhase::Waiting { .. } | RejoinPhase::Offline,
                    ..
                } = self.state
                {
                    self.start_attempt();
                }
            }
            BrowserSignal::Hidden => self.maybe_write_snapshot(true),
            BrowserSignal::Visible => match self.state {
                State::Rejoining {
                    phase: RejoinPhase::Waiting { .. },
                    ..
                } if self.online => self.start_attempt(),
                State::Connected { .. } => self.request_list(),
                _ => {}
            },
            BrowserSignal::PageHide => self.on_page_hide(),
            BrowserSignal::PageShow => {
                if let Some(p) = &mut self.page_left {
                    p.shown = true;
                }
            }
        }
    }

    /// Writes a fresh snapshot, then (with `leave_on_page_hide`) leaves
    /// without clearing it.
    fn on_page_hide(&mut self) {
        self.maybe_write_snapshot(true);
        let name = self.name();
        if !self.config.leave_on_page_hide
            || name == StateName::Idle
            || name == StateName::Leaving
            || name.is_terminal()
        {
            return;
        }
        let Some(join) = self.join.clone() else {
            return;
        };
        self.page_left = Some(PageLeft {
            join,
            audio: self.media.want_audio,
            muted: self.media.want_muted,
            video: self.media.want_video,
            shown: false,
        });
        // Nothing to tell the SDK unless a join may have reached Zoom.
        let connected = match &self.state {
            State::FetchingToken { .. } | State::Initialising { .. } => false,
            State::Rejoining { phase, .. } => {
                matches!(phase, RejoinPhase::Joining | RejoinPhase::Resetting)
            }
            _ => true,
        };
        self.cancel_all();
        if connected {
            self.start_leave(false, LeaveGoal::User { end: false }, Cause::PageHidden);
        } else {
            self.transition(
                State::Left {
                    outcome: LeaveOutcome::NotConnected,
                    end_session: false,
                },
                Cause::PageHidden,
                None,
            );
        }
    }

    /// After `pageshow` from the back/forward cache, a session that left on
    /// `pagehide` joins again with its media, once its leave has settled.
    fn maybe_return_from_page_cache(&mut self) {
        let ready = self.name().is_terminal() && self.page_left.as_ref().is_some_and(|p| p.shown);
        if !ready {
            return;
        }
        let Some(p) = self.page_left.take() else {
            return;
        };
        self.media.want_audio = p.audio;
        self.media.want_muted = p.muted;
        self.media.want_video = p.video;
        // The options were valid when they joined; a refusal cannot happen
        // from a terminal state, and would leave the session as it is.
        let _ = self.on_join(p.join, Cause::Resume);
    }

    // ---- SDK events -----------------------------------------------------

    fn in_session(&self) -> bool {
        matches!(self.name(), StateName::Connected | StateName::Reconnecting)
    }

    /// The SDK announces who is there (`user-added` with the local user and
    /// everyone present) before `join` resolves, so the roster listens while
    /// joining and rejoining too.
    fn roster_open(&self) -> bool {
        matches!(
            self.name(),
            StateName::Connected
                | StateName::Reconnecting
                | StateName::Joining
                | StateName::Rejoining
        )
    }

    fn on_sdk(&mut self, ev: SdkEvent) {
        match ev {
            SdkEvent::ConnectionChange(c) => self.on_connection_change(c),
            SdkEvent::UserAdded(list) | SdkEvent::UserUpdated(list) if self.roster_open() => {
                let mut events = Vec::new();
                for p in &list {
                    self.roster.upsert(p, &mut events);
                }
                events.into_iter().for_each(|e| self.emit(e));
            }
            SdkEvent::UserRemoved(list) if self.roster_open() => {
                let mut events = Vec::new();
                for p in &list {
                    self.roster.remove(p, &mut events);
                }
                events.into_iter().for_each(|e| self.emit(e));
            }
            SdkEvent::CurrentAudioChange(c) if self.in_session() => {
                self.on_audio_change(c.action, c.source);
            }
            SdkEvent::VideoCapturingChange(c) if self.in_session() => self.on_capturing(c.state),
            SdkEvent::DeviceChange if self.in_session() => self.request_list(),
            SdkEvent::DevicePermissionChange(p) => self.on_permission(p.name, p.state),
            SdkEvent::ActiveMediaFailed(f) if self.in_session() => {
                if f.code.is_permission() {
                    let name = if f.code.device() == Some(DeviceKind::Camera) {
                        PermissionName::Camera
                    } else {
                        PermissionName::Microphone
                    };
                    self.on_permission(name, PermissionState::Denied);
                }
                self.emit(Event::MediaHealth {
                    media: f.kind,
                    code: f.code,
                    message: f.message,
                    remedy: f.code.remedy(),
                });
            }
            SdkEvent::SpeakingWhileMuted if self.in_session() => {
                self.emit(Event::SpeakingWhileMuted)
            }
            SdkEvent::AutoPlayAudioFailed if self.in_session() => self.emit(Event::AutoPlayBlocked),
            SdkEvent::HostAskUnmuteAudio(_) if self.in_session() => {
                self.emit(Event::HostAskedToUnmute)
            }
            SdkEvent::PassivelyStopShare(reason) if self.in_session() => {
                let _: PassiveStopShareReason = reason;
                self.media.want_share = false;
                self.set_share(false);
                self.reconcile();
            }
            _ => {}
        }
    }

    fn on_audio_change(&mut self, action: AudioChangeAction, source: Option<AudioChangeSource>) {
        let ours = self.media.audio_op.is_some();
        let mut audio = self.media.audio;
        match action {
            AudioChangeAction::Join => {
                audio.connected = true;
                if !ours {
                    self.media.want_audio = true;
                }
            }
            AudioChangeAction::Leave => {
                audio.connected = false;
                match source {
                    Some(AudioChangeSource::Failover) => {}
                    Some(AudioChangeSource::EndedBySystem | AudioChangeSource::MicrophoneError) => {
                        // Maybe the microphone was unplugged: decide once the list is read.
                        self.media.audio_check = true;
                        self.request_list();
                    }
                    _ if !ours => self.media.want_audio = false,
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
                    self.media.want_muted = true;
                    self.emit(Event::MutedByHost);
                } else if !ours {
                    self.media.want_muted = true;
                }
            }
            AudioChangeAction::Unmuted => {
                audio.muted = false;
                if !ours {
                    self.media.want_muted = false;
                }
            }
        }
        self.set_audio(audio);
        self.reconcile();
    }

    fn on_capturing(&mut self, state: VideoCapturingState) {
        match state {
            VideoCapturingState::Started => {
                if self.media.video_op.is_none() {
                    self.media.want_video = true;
                }
                if self.media.restarting {
                    self.media.video = true;
                } else {
                    self.set_video(true);
                }
            }
            VideoCapturingState::Stopped
                if self.media.restarting && self.media.video_op.is_some() =>
            {
                // The stop of a restart: the app is not told.
                self.media.video = false;
                self.media.camera = None;
            }
            VideoCapturingState::Stopped | VideoCapturingState::Failed => {
                self.end_restart();
                self.set_video(false);
                if self.media.video_op.is_none() && self.media.want_video {
                    // Unplugged, or stopped by the OS or browser? The next
                    // device list tells: fall back, or accept the stop.
                    self.media.video_check = true;
                    self.request_list();
                }
            }
        }
        self.reconcile();
    }

    fn on_permission(&mut self, name: PermissionName, state: PermissionState) {
        let (kind, slot) = match name {
            PermissionName::Camera => (DeviceKind::Camera, &mut self.devices.camera_permission),
            PermissionName::Microphone => (
                DeviceKind::Microphone,
                &mut self.devices.microphone_permission,
            ),
        };
        if *slot == Some(state) {
            return;
        }
        *slot = Some(state);
        let remedy = (state == PermissionState::Denied).then_some(Remedy::GrantPermission);
        self.emit(Event::PermissionChanged {
            kind,
            state,
            remedy,
        });
        match state {
            PermissionState::Denied => {
                if kind == DeviceKind::Camera {
                    self.media.want_video = false;
                    self.media.video_check = false;
                }
                self.reconcile();
            }
            // Labels appear once permission is granted.
            PermissionState::Granted if self.in_session() => self.request_list(),
            _ => {}
        }
    }

    // ---- media ----------------------------------------------------------

    fn on_media(&mut self, intent: MediaIntent) -> Result<(), CoreError> {
        if intent == MediaIntent::StartShare && !self.config.share_target {
            return Err(CoreError::InvalidOption {
                field: "shareElement",
                reason: "screen share renders into it: pass a <video> or <canvas> as \
                         `shareElement` in the Session options",
            });
        }
        let m = &mut self.media;
        match intent {
            MediaIntent::StartAudio => m.want_audio = true,
            MediaIntent::StopAudio => m.want_audio = false,
            MediaIntent::Mute => m.want_muted = true,
            MediaIntent::Unmute => m.want_muted = false,
            MediaIntent::StartVideo => {
                m.want_video = true;
                m.video_check = false;
            }
            MediaIntent::StopVideo => {
                m.want_video = false;
                m.video_check = false;
            }
            MediaIntent::StartShare => m.want_share = true,
            MediaIntent::StopShare => m.want_share = false,
        }
        self.reconcile();
        Ok(())
    }

    fn active_id(&self, kind: DeviceKind) -> Option<String> {
        self.devices.active[idx(kind)]
            .as_ref()
            .map(|d| d.device_id.clone())
    }

    fn needs_switch(&self, kind: DeviceKind, actual: Option<&String>) -> Option<String> {
        let active = self.active_id(kind)?;
        match actual {
            Some(a) if *a == active => None,
            Some(_) => Some(active),
            None if self.devices.forced[idx(kind)] => Some(active),
            None => None,
        }
    }

    /// Issues at most one operation per medium to bring the actual state
    /// toward the wanted one. Only while connected.
    fn reconcile(&mut self) {
        if self.name() != StateName::Connected || self.media.hold {
            return;
        }
        // The first lists are being read: start devices once we know which.
        let first_list = self.devices.list.is_none() && self.devices.listing.is_some();
        if self.media.audio_op.is_none() && !self.media.audio_check && !first_list {
            let m = &self.media;
            let op = if m.want_audio && !m.audio.connected {
                Some(Op::StartAudio {
                    mute: m.want_muted,
                    microphone_id: self.active_id(DeviceKind::Microphone),
                    speaker_id: self.active_id(DeviceKind::Speaker),
                })
            } else if !m.want_audio && m.audio.connected {
                Some(Op::StopAudio)
            } else if m.audio.connected {
                if let Some(id) = self.needs_switch(DeviceKind::Microphone, m.mic.as_ref()) {
                    Some(Op::SwitchMicrophone { microphone_id: id })
                } else if let Some(id) = self.needs_switch(DeviceKind::Speaker, m.speaker.as_ref())
                {
                    Some(Op::SwitchSpeaker { speaker_id: id })
                } else if m.want_muted && !m.audio.muted {
                    Some(Op::MuteAudio)
                } else if !m.want_muted && m.audio.muted {
                    Some(Op::UnmuteAudio)
                } else {
                    None
                }
            } else {
                None
            };
            if let Some(op) = op {
                self.media.audio_op = Some(self.issue(op));
            }
        }
        if self.media.video_op.is_none() && !self.media.video_check && !first_list {
            let m = &self.media;
            let want_video = m.want_video && !m.paused;
            let op = if want_video && !m.video {
                Some(Op::StartVideo {
                    camera_id: self.active_id(DeviceKind::Camera),
                    capture: m.want_capture,
                })
            } else if !want_video && m.video {
                Some(Op::StopVideo)
            } else if m.video {
                let switch = self
                    .needs_switch(DeviceKind::Camera, m.camera.as_ref())
                    .map(|id| Op::SwitchCamera {
                        camera_device_id: id,
                    });
                // The SDK takes the capture options only in `startVideo`.
                switch.or_else(|| (m.capture != m.want_capture).then_some(Op::StopVideo))
            } else {
                None
            };
            if matches!(op, Some(Op::StopVideo)) && want_video {
                self.media.restarting = true;
            }
            if let Some(op) = op {
                self.media.video_op = Some(self.issue(op));
            }
        }
        if self.media.share_op.is_none() {
            let m = &self.media;
            let op = if m.want_share && !m.share {
                Some(Op::StartShareScreen)
            } else if !m.want_share && m.share {
                Some(Op::StopShareScreen)
            } else {
                None
            };
            if let Some(op) = op {
                self.media.share_op = Some(self.issue(op));
            }
        }
    }

    fn set_audio(&mut self, audio: AudioStatus) {
        if self.media.audio != audio {
            self.media.audio = audio;
            self.emit(Event::AudioChanged(audio));
        }
        if !audio.connected {
            self.media.mic = None;
            self.media.speaker = None;
        }
    }

    fn set_video(&mut self, on: bool) {
        if self.media.video != on {
            self.media.video = on;
            self.emit(Event::VideoChanged { on });
        }
        if !on {
            self.media.camera = None;
        }
    }

    fn set_share(&mut self, on: bool) {
        if self.media.share != on {
            self.media.share = on;
            self.emit(Event::ShareChanged { on });
        }
    }

    /// A restart that will not complete: the app was told the camera is on,
    /// so tell it that it is off.
    fn end_restart(&mut self) {
        if std::mem::take(&mut self.media.restarting) && !self.media.video {
            self.emit(Event::VideoChanged { on: false });
        }
    }

    fn set_actual_media_off(&mut self) {
        self.end_restart();
        self.set_audio(AudioStatus {
            connected: false,
            muted: self.media.audio.muted,
        });
        self.set_video(false);
        self.set_share(false);
        self.media.audio_check = false;
        self.media.video_check = false;
    }

    fn on_media_done(&mut self, op: Op, result: Result<CommandOutput, ZoomError>) {
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
                    self.media.hold = true;
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

    fn apply_media_success(&mut self, op: Op) {
        let mut audio = self.media.audio;
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
                self.media.mic = microphone_id;
                self.media.speaker = speaker_id;
                return;
            }
            Op::StopAudio => audio.connected = false,
            Op::MuteAudio => audio.muted = true,
            Op::UnmuteAudio => audio.muted = false,
            Op::SwitchMicrophone { microphone_id } => self.media.mic = Some(microphone_id),
            Op::SwitchSpeaker { speaker_id } => self.media.speaker = Some(speaker_id),
            Op::StartVideo { camera_id, capture } => {
                if std::mem::take(&mut self.media.restarting) {
                    self.media.video = true;
                } else {
                    self.set_video(true);
                }
                self.media.camera = camera_id;
                if self.media.capture != capture {
                    self.media.capture = capture;
                    self.emit(Event::CaptureChanged { profile: capture });
                }
            }
            Op::StopVideo
                if self.media.restarting && self.media.want_video && !self.media.paused =>
            {
                // Quietly off: the start that follows completes the restart.
                self.media.video = false;
                self.media.camera = None;
            }
            Op::StopVideo => {
                self.end_restart();
                self.set_video(false);
            }
            Op::SwitchCamera { camera_device_id } => self.media.camera = Some(camera_device_id),
            Op::StartShareScreen => self.set_share(true),
            Op::StopShareScreen => self.set_share(false),
            _ => {}
        }
        self.set_audio(audio);
    }

    fn apply_media_failure(&mut self, op: &Op, error: &ZoomError) {
        let code = error.code();
        match op {
            Op::StartAudio { .. } => self.media.want_audio = false,
            Op::StopAudio => self.media.want_audio = self.media.audio.connected,
            Op::MuteAudio | Op::UnmuteAudio => {
                if code == ErrorCode::AudioNotStarted {
                    let audio = AudioStatus {
                        connected: false,
                        muted: self.media.audio.muted,
                    };
                    self.set_audio(audio);
                    self.media.want_audio = false;
                }
                self.media.want_muted = self.media.audio.muted;
            }
            Op::SwitchMicrophone { .. } => self.give_up_switch(DeviceKind::Microphone, code),
            Op::SwitchSpeaker { .. } => self.give_up_switch(DeviceKind::Speaker, code),
            Op::SwitchCamera { .. } => self.give_up_switch(DeviceKind::Camera, code),
            Op::StartVideo { .. } => {
                self.end_restart();
                self.media.want_video = false;
                if code == ErrorCode::VideoCameraPermissionDenied {
                    self.on_permission(PermissionName::Camera, PermissionState::Denied);
                }
            }
            Op::StopVideo => {
                if std::mem::take(&mut self.media.restarting) {
                    // Keep the camera as it is rather than retry the restart.
                    self.media.want_capture = self.media.capture;
                }
                if self.media.paused {
                    // The camera would not stop: do not retry the pause.
                    self.media.paused = false;
                    self.emit(Event::VideoPaused { paused: false });
                }
                self.media.want_video = self.media.video;
            }
            Op::StartShareScreen => self.media.want_share = false,
            Op::StopShareScreen => self.media.want_share = self.media.share,
            _ => {}
        }
    }

    /// A switch failed: point the active device back at the one in use so the
    /// reconciler does not try again, and re-read the lists if ids went stale.
    fn give_up_switch(&mut self, kind: DeviceKind, code: ErrorCode) {
        let actual = match kind {
            DeviceKind::Camera => self.media.camera.clone(),
            DeviceKind::Microphone => self.media.mic.clone(),
            DeviceKind::Speaker => self.media.speaker.clone(),
        };
        let back = actual.and_then(|id| {
            self.devices
                .list
                .as_ref()
                .and_then(|l| l.of(kind).iter().find(|d| d.device_id == id).cloned())
        });
        let i = idx(kind);
        self.devices.forced[i] = false;
        if self.devices.active[i] != back {
            self.devices.active[i].clone_from(&back);
            self.emit(Event::ActiveDeviceChanged {
                kind,
                device: back,
                reason: DeviceChangeReason::Fallback,
            });
        }
        if matches!(
            code,
            ErrorCode::StreamMismatchDevice | ErrorCode::VideoMismatchCamera
        ) {
            self.request_list();
        }
    }

    // ---- devices --------------------------------------------------------

    fn request_list(&mut self) {
        if self.devices.listing.is_some() {
            self.devices.list_again = true;
        } else {
            self.devices.listing = Some(self.issue(Op::ListDevices));
        }
    }

    fn on_list_done(&mut self, result: Result<CommandOutput, ZoomError>) {
        match result {
            Ok(CommandOutput::Devices(list)) => self.apply_list(list),
            Ok(_) => {}
            Err(error) => {
                self.media.audio_check = false;
                self.media.video_check = false;
                self.emit(Event::MediaFailed {
                    op: "listDevices",
                    error,
                });
            }
        }
        if std::mem::take(&mut self.devices.list_again) {
            self.request_list();
        }
        self.reconcile();
    }

    fn apply_list(&mut self, list: DeviceList) {
        if self.devices.list.as_ref() != Some(&list) {
            self.emit(Event::DevicesChanged(list.clone()));
        }
        let mut prefs_changed = false;
        let mut fell_back = [false; 3];
        for kind in DeviceKind::ALL {
            let i = idx(kind);
            let pref = self.devices.prefs.get(kind).cloned();
            // Ids rotate: keep the stored preference pointing at today's id.
            if let Some(p) = &pref {
                if let Some(found) = p.find(list.of(kind)) {
                    let fresh = DevicePreference::from(found);
                    if fresh != *p {
                        self.devices.prefs.set(kind, Some(fresh));
                        prefs_changed = true;
                    }
                }
            }
            let current = self.devices.active[i].clone();
            let choice = device::choose(
                list.of(kind),
                current.as_ref(),
                pref.as_ref(),
                self.config.switch_back_to_preferred,
            );
            if choice.device != current {
                let preferred_match = pref
                    .as_ref()
                    .and_then(|p| p.find(list.of(kind)))
                    .is_some_and(|d| Some(d) == choice.device.as_ref());
                self.devices.forced[i] =
                    choice.reason != DeviceChangeReason::Initial || preferred_match;
                fell_back[i] = choice.reason == DeviceChangeReason::Fallback;
                self.devices.active[i].clone_from(&choice.device);
                self.emit(Event::ActiveDeviceChanged {
                    kind,
                    device: choice.device,
                    reason: choice.reason,
                });
            }
        }
        self.devices.list = Some(list);
        if prefs_changed {
            self.write_prefs();
        }
        if std::mem::take(&mut self.media.video_check) {
            let has_camera = self.devices.active[idx(DeviceKind::Camera)].is_some();
            if !(fell_back[idx(DeviceKind::Camera)] && has_camera) {
                // The camera is still there: the stop was deliberate.
                self.media.want_video = false;
            }
        }
        if std::mem::take(&mut self.media.audio_check) {
            let has_mic = self.devices.active[idx(DeviceKind::Microphone)].is_some();
            if !(fell_back[idx(DeviceKind::Microphone)] && has_mic) {
                self.media.want_audio = false;
            }
        }
        if self.devices.active[idx(DeviceKind::Camera)].is_none() {
            self.media.want_video = false;
        }
    }

    fn on_select(&mut self, kind: DeviceKind, device_id: String) -> Result<(), CoreError> {
        let Some(device) = self.devices.list.as_ref().and_then(|l| {
            l.of(kind)
                .iter()
                .find(|d| d.device_id == device_id)
                .cloned()
        }) else {
            return Err(CoreError::UnknownDevice { kind, device_id });
        };
        let i = idx(kind);
        self.devices
            .prefs
            .set(kind, Some(DevicePreference::from(&device)));
        self.devices.forced[i] = true;
        self.write_prefs();
        if self.devices.active[i].as_ref() != Some(&device) {
            self.devices.active[i] = Some(device.clone());
            self.emit(Event::ActiveDeviceChanged {
                kind,
                device: Some(device),
                reason: DeviceChangeReason::Selected,
            });
        }
        self.reconcile();
        Ok(())
    }

    fn write_prefs(&mut self) {
        let json = crate::wire::json::to_string(&crate::wire::encode(&self.devices.prefs));
        self.out.push_back(Output::Storage(StorageWrite {
            key: StorageKey::Devices,
            value: Some(json),
        }));
    }

    fn on_load_preferences(&mut self, stored: Option<String>) {
        let Some(text) = stored else { return };
        let Ok(prefs) = crate::wire::json::parse(&text)
            .and_then(|v| crate::wire::decode::<DevicePreferences>(&v))
        else {
            // Ours and unreadable (older format): drop it.
            self.out.push_back(Output::Storage(StorageWrite {
                key: StorageKey::Devices,
                value: None,
            }));
            return;
        };
        self.merge_prefs(prefs);
    }

    fn merge_prefs(&mut self, prefs: DevicePreferences) {
        for kind in DeviceKind::ALL {
            if self.devices.prefs.get(kind).is_none() {
                self.devices.prefs.set(kind, prefs.get(kind).cloned());
            }
        }
        if let Some(list) = self.devices.list.clone() {
            // Preferences arrived after the lists: prefer them now.
            for kind in DeviceKind::ALL {
                let i = idx(kind);
                let Some(found) = self
                    .devices
                    .prefs
                    .get(kind)
                    .and_then(|p| p.find(list.of(kind)))
                    .cloned()
                else {
                    continue;
                };
                if self.devices.active[i].as_ref() != Some(&found) {
                    self.devices.active[i] = Some(found.clone());
                    self.devices.forced[i] = true;
                    self.emit(Event::ActiveDeviceChanged {
                        kind,
                        device: Some(found),
                        reason: DeviceChangeReason::Initial,
                    });
                }
            }
            self.reconcile();
        }
    }

    // ---- resume ---------------------------------------------------------

    fn snapshot(&self) -> Option<Snapshot> {
        let ttl = self.config.resume_ttl?;
        if !matches!(
            self.name(),
            StateName::Connected | StateName::Reconnecting | StateName::Rejoining
        ) {
            return None;
        }
        let j = self.join.as_ref()?;
        Some(Snapshot {
            v: SNAPSHOT_VERSION,
            topic: j.topic.clone(),
            user_name: j.user_name.clone(),
            has_password: j.password.is_some(),
            session_idle_timeout_mins: j.session_idle_timeout_mins,
            audio: self.media.want_audio,
            muted: self.media.want_muted,
            video: self.media.want_video,
            devices: self.devices.prefs.clone(),
            saved_at: self.now,
            expires_at: self.now + ttl,
        })
    }

    /// Writes the snapshot when its content changed, or when `refresh`.
    fn maybe_write_snapshot(&mut self, refresh: bool) {
        let Some(snap) = self.snapshot() else { return };
        let same = self.last_snapshot.as_ref().is_some_and(|last| {
            Snapshot {
                saved_at: snap.saved_at,
                expires_at: snap.expires_at,
                ..last.clone()
            } == snap
        });
        if same && !refresh {
            return;
        }
        let json = crate::wire::json::to_string(&crate::wire::encode(&snap));
        if let Some(ttl) = self.config.resume_ttl {
            self.arm(TimerKind::Snapshot, ttl / 2);
        }
        self.last_snapshot = Some(snap);
        self.out.push_back(Output::Storage(StorageWrite {
            key: StorageKey::Resume,
            value: Some(json),
        }));
    }

    fn on_resume(
        &mut self,
        stored: Option<String>,
        password: Option<String>,
    ) -> Result<(), CoreError> {
        let name = self.name();
        if !(name == StateName::Idle || name.is_terminal()) {
            return Err(CoreError::AlreadyActive {
                state: name.as_str(),
            });
        }
        let ignore = |me: &mut Self, reason: ResumeIgnored, clear: bool| {
            if clear {
                me.out.push_back(Output::Storage(StorageWrite {
                    key: StorageKey::Resume,
                    value: None,
                }));
            }
            me.emit(Event::ResumeIgnored { reason });
            Ok(())
        };
        let Some(text) = stored else {
            return ignore(self, ResumeIgnored::Missing, false);
        };
        let snap = match crate::wire::json::parse(&text)
            .and_then(|v| crate::wire::decode::<Snapshot>(&v))
        {
            Ok(s) if s.v == SNAPSHOT_VERSION => s,
            _ => return ignore(self, ResumeIgnored::Unreadable, true),
        };
        if snap.expires_at <= self.now {
            return ignore(self, ResumeIgnored::Stale, true);
        }
        if snap.has_password && password.is_none() {
            return ignore(self, ResumeIgnored::PasswordRequired, false);
        }
        let opts = JoinOptions {
            topic: snap.topic,
            user_name: snap.user_name,
            password,
            session_idle_timeout_mins: snap.session_idle_timeout_mins,
        };
        if opts.validate().is_err() {
            return ignore(self, ResumeIgnored::Unreadable, true);
        }
        self.media.want_audio = snap.audio;
        self.media.want_muted = snap.muted;
        self.media.want_video = snap.video;
        self.merge_prefs(snap.devices);
        self.on_join(opts, Cause::Resume)
    }

    fn update_idle_timer(&mut self) {
        let Some(idle) = self.config.idle_timeout else {
            return;
        };
        let alone = self.in_session()
            && !self
                .roster
                .iter()
                .any(|p| Some(p.user_id) != self.self_user);
        match (alone, self.timers.get(TimerKind::Idle)) {
            (true, None) => self.arm(TimerKind::Idle, idle),
            (false, Some(_)) => self.disarm(TimerKind::Idle),
            _ => {}
        }
    }

    // ---- command results --------------------------------------------------

    fn on_done(
        &mut self,
        id: CommandId,
        result: Result<CommandOutput, ZoomError>,
    ) -> Result<(), CoreError> {
        if self.cancelled.remove(&id).is_some() {
            return Ok(());
        }
        let Some(op) = self.pending.get(&id) else {
            return Err(CoreError::UnknownCommand(id));
        };
        if let Ok(out) = &result {
            if !op.accepts(out) {
                return Err(CoreError::WrongOutput {
                    id,
                    op: op.name(),
                    expected: op.expected_output(),
                });
            }
        }
        let op = self.pending.remove(&id).unwrap_or(Op::Init);
        self.forget_slot(id);
        match op {
            Op::FetchToken { .. } => self.on_token(result),
            Op::Init => self.on_init(result),
            Op::Join { .. } => self.on_join_done(result),
            Op::Leave { .. } => self.on_leave_done(result),
            Op::ListDevices => self.on_list_done(result),
            action if action.is_action() => self.on_action_done(action, result),
            media => self.on_media_done(media, result),
        }
        Ok(())
    }

    /// Number of participants other than the local user.
    #[must_use]
    pub fn others(&self) -> usize {
        self.roster
            .iter()
            .filter(|p| Some(p.user_id) != self.self_user)
            .count()
    }
}

fn end_reason_for_code(code: ErrorCode) -> Option<EndReason> {
    match code {
        ErrorCode::SessionEnded => Some(EndReason::EndedByHost),
        ErrorCode::SessionUserRemoved | ErrorCode::SessionWebinarUserRemoved => {
            Some(EndReason::Removed)
        }
        _ => None,
    }
}

#[cfg(test)]
mod stored_text {
    use super::*;
    use crate::device::DevicePreference;

    fn snapshot(password: bool, idle: Option<u32>, camera: bool) -> Snapshot {
        let mut devices = DevicePreferences::default();
        if camera {
            devices.camera = Some(DevicePreference {
                device_id: "cam \"1\"".into(),
                label: "Front — HD".into(),
                group_id: Some("g".into()),
            });
        }
        Snapshot {
            v: SNAPSHOT_VERSION,
            topic: "standup".into(),
            user_name: "Zoë".into(),
            has_password: password,
            session_idle_timeout_mins: idle,
            audio: true,
            muted: false,
            video: camera,
            devices,
            saved_at: Instant::from_millis(1_700_000_000_000),
            expires_at: Instant::from_millis(1_700_000_900_000),
        }
    }

    /// Snapshots and preferences written by the serde code (before the wire
    /// codec) still read, and what is written now is byte for byte the same.
    #[test]
    fn snapshots_read_and_write_as_serde_did() {
        for snap in [snapshot(false, None, false), snapshot(true, Some(40), true)] {
            let serde_text = serde_json::to_string(&snap).unwrap();
            let read = crate::wire::json::parse(&serde_text)
                .and_then(|v| crate::wire::decode::<Snapshot>(&v))
                .unwrap();
            assert_eq!(read, snap);
            let ours = crate::wire::json::to_string(&crate::wire::encode(&snap));
            assert_eq!(ours, serde_text);
            let prefs = serde_json::to_string(&snap.devices).unwrap();
            assert_eq!(
                crate::wire::json::to_string(&crate::wire::encode(&snap.devices)),
                prefs
            );
        }
    }
}

#[cfg(test)]
mod join_options {
    use super::*;

    fn reason(opts: &JoinOptions) -> Option<&'static str> {
        match opts.validate() {
            Ok(()) => None,
            Err(CoreError::InvalidOption { reason, .. }) => Some(reason),
            Err(other) => panic!("unexpected error {other}"),
        }
    }

    #[test]
    fn a_blank_topic_or_a_non_ascii_password_is_refused() {
        assert_eq!(
            reason(&JoinOptions::new(" \t\u{3000}", "Ada")),
            Some("must not be empty")
        );
        assert_eq!(reason(&JoinOptions::new(" a ", "Ada")), None);
        let opts = JoinOptions::new("t", "Ada");
        assert_eq!(reason(&opts.clone().password("pass word~")), None);
        assert_eq!(
            reason(&opts.clone().password("pässe")),
            Some("printable ASCII only")
        );
        assert_eq!(
            reason(&opts.password("\u{7f}")),
            Some("printable ASCII only")
        );
    }
}
