//! The session machine, in parts (in the spirit of quinn-proto's
//! `connection/` and str0m's small sans-IO pieces), each in its own file:
//!
//! - `lifecycle`: token, init, join, leave, end, session timeouts;
//! - `rejoin`: Zoom's failover, the watchdog, zoomkit's rejoin attempts;
//! - `media`: one state enum per medium, one SDK call in flight per medium;
//! - `devices`: lists, the device per kind, preferences, permissions;
//! - `resume`: the resume snapshot and the page lifecycle;
//! - `timer`: the timers, one table indexed by kind;
//! - `options`: [`JoinOptions`] and its checks.
//!
//! This file holds the [`Session`] itself: its inputs and outputs, the
//! command and timer plumbing, and the routing of each input to its part.
//! The state ([`State`]) carries the lifecycle's and the rejoin's data; the
//! parts keep only what no state variant can.

use std::collections::VecDeque;
use std::fmt;
use std::time::Duration;

use crate::command::{CaptureProfile, Command, CommandId, CommandOutput, Op};
use crate::device::{Device, DeviceKind, DeviceList, DevicePreferences};
use crate::error::{CoreError, Remedy, ZoomError};
use crate::io::{AudioStatus, BrowserSignal, Event, Input, Listening, Output};
use crate::participants::{Participant, Roster};
use crate::policy::{Backoff, ReconnectContext, ReconnectPolicy};
use crate::rng::Rng;
use crate::sdk::{PermissionName, PermissionState, SdkEvent, UserId};
use crate::state::{is_allowed, Cause, EndReason, State, StateName};
use crate::time::Instant;
use crate::vecmap::VecMap;

mod devices;
mod lifecycle;
mod media;
mod options;
mod rejoin;
mod resume;
mod timer;

pub use options::JoinOptions;

use devices::Devices;
use lifecycle::Token;
use media::Media;
use resume::Resume;
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
    /// `shareElement`). Without one, [`MediaIntent::StartShare`](crate::MediaIntent::StartShare) is refused
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
    /// The lifecycle's and the rejoin's state, with their data.
    state: State,
    // Commands: the next id, those awaiting an answer, those cancelled
    // (whose late answer is ignored), and the outputs not yet polled.
    next_id: u64,
    pending: VecMap<CommandId, Op>,
    cancelled: VecMap<CommandId, ()>,
    out: VecDeque<Output>,
    timers: Timers,
    // What the lifecycle keeps across states: the join asked for, the
    // token it was given, whether the SDK is initialised, when the session
    // first connected, and the local user.
    join: Option<JoinOptions>,
    token: Option<Token>,
    initialised: bool,
    first_connected: Option<Instant>,
    self_user: Option<UserId>,
    /// The browser's `online`/`offline`: rejoin attempts wait while offline.
    online: bool,
    roster: Roster,
    media: Media,
    devices: Devices,
    resume: Resume,
    /// Chat, recording, share privilege and stats (see `actions.rs`).
    features: actions::Features,
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
            first_connected: None,
            self_user: None,
            online: true,
            roster: Roster::default(),
            media: Media::default(),
            devices: Devices::default(),
            resume: Resume::default(),
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
        self.resume.page_left.is_some()
    }

    /// What the driver must keep of its listeners and timers now; it
    /// releases the rest. Ask after every drain of [`poll`](Session::poll).
    #[must_use]
    pub fn listening(&self) -> Listening {
        self.listening_now()
    }

    /// The local audio as the SDK has it.
    #[must_use]
    pub fn audio(&self) -> AudioStatus {
        self.media.audio.actual
    }

    /// The audio the user wants (applied whenever the session is connected).
    #[must_use]
    pub fn wanted_audio(&self) -> AudioStatus {
        self.media.audio.want
    }

    /// Whether the camera is capturing.
    #[must_use]
    pub fn video_on(&self) -> bool {
        self.media.video.on
    }

    /// Whether the user wants the camera on.
    #[must_use]
    pub fn wanted_video(&self) -> bool {
        self.media.video.want.wanted()
    }

    /// Whether the screen is being shared.
    #[must_use]
    pub fn sharing(&self) -> bool {
        self.media.share.on
    }

    /// The current device lists, once read.
    #[must_use]
    pub fn device_list(&self) -> Option<&DeviceList> {
        self.devices.list.as_ref()
    }

    /// The device in use (or to be used) for a kind.
    #[must_use]
    pub fn active_device(&self, kind: DeviceKind) -> Option<&Device> {
        self.devices.active(kind)
    }

    /// The remembered device preferences.
    #[must_use]
    pub fn device_preferences(&self) -> &DevicePreferences {
        &self.devices.prefs
    }

    /// A permission as last reported, with what to do if it is denied.
    #[must_use]
    pub fn permission(&self, kind: DeviceKind) -> Option<(PermissionState, Option<Remedy>)> {
        let state = self.devices.permission(kind)?;
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
        let result = self.dispatch(input);
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

    /// The command `id` is answered or cancelled: whatever waited on it is free.
    fn forget_slot(&mut self, id: CommandId) {
        self.media.forget(id);
        self.devices.forget(id);
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

    /// Feeds `input` to the part of the machine it is for.
    fn dispatch(&mut self, input: Input) -> Result<(), CoreError> {
        match input {
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
                self.on_capture_quality(CaptureProfile::for_quality(quality));
                Ok(())
            }
            Input::AudioOnly(on) => {
                self.on_audio_only(on);
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
        }
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
                // A sharer who left shares no more (see `actions.rs`).
                self.participants_left(list.iter().map(|p| p.user_id));
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
            SdkEvent::PassivelyStopShare(_) if self.in_session() => self.on_share_stopped(),
            _ => {}
        }
    }

    fn on_browser(&mut self, sig: BrowserSignal) {
        match sig {
            BrowserSignal::Offline => self.on_offline(),
            BrowserSignal::Online => self.on_online(),
            BrowserSignal::Hidden => self.maybe_write_snapshot(true),
            BrowserSignal::Visible => self.on_visible(),
            BrowserSignal::PageHide => self.on_page_hide(),
            BrowserSignal::PageShow => self.on_page_show(),
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
