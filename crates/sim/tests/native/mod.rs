//! Test layer 2 (ARCHITECTURE.md): `zoomkit-core`'s `Session` driven against
//! `zoomkit-sim` natively, the way the wasm driver drives it against the
//! SDK, on the simulator's virtual clock: whole sessions with scripted
//! faults, no browser.
//!
//! The loop is the driver's: every core `Command` becomes the simulator's
//! call (its `OpId` answered later as `Input::Done`), every simulator event
//! is decoded as the core decodes the SDK's (`SdkEvent::decode` on the same
//! JSON), and the core's `Timeout` is a timer on the same clock.
#![allow(dead_code)]

use std::collections::{BTreeMap, VecDeque};

use zoomkit_core::{
    Command, CommandId, CommandOutput, Config, Device, DeviceKind, DeviceList, Event, Input,
    Instant, JoinOptions, MediaIntent, Op, Output, SdkEvent, Session, StateName, UserId, ZoomError,
};
use zoomkit_sim::payload::{AudioOption, CaptureVideoOption};
use zoomkit_sim::{token, Fault, OpId, Sim, SimConfig};

pub const TOPIC: &str = "standup";

/// A simulator, a core session on it, and what the session said.
pub struct World {
    pub sim: Sim,
    pub core: Session,
    /// Simulator calls in flight: the core's command id, and whether it is the join.
    pending: BTreeMap<OpId, (CommandId, bool)>,
    /// Answers available at once (token, device lists), fed after the drain.
    ready: VecDeque<(CommandId, Result<CommandOutput, ZoomError>)>,
    timer: Option<Instant>,
    pub events: Vec<Event>,
    /// Every op the core issued, by name.
    pub issued: Vec<&'static str>,
    /// Input the core refused or an SDK payload it could not decode.
    pub refused: Vec<String>,
    /// Token lifetime handed out from now on (seconds).
    pub token_lifetime_s: i64,
    /// Tokens carry `role_type` 1 (host) when set, else 0. Default host.
    pub host: bool,
    /// The answers to `Session::act`'s commands, by command id, as the
    /// driver would settle the app's promise.
    pub settled: BTreeMap<CommandId, Result<CommandOutput, ZoomError>>,
}

impl World {
    pub fn new(sim: SimConfig, config: Config) -> World {
        World {
            sim: Sim::new(sim),
            core: Session::new(config),
            pending: BTreeMap::new(),
            ready: VecDeque::new(),
            timer: None,
            events: Vec::new(),
            issued: Vec::new(),
            refused: Vec::new(),
            token_lifetime_s: 7200,
            host: true,
            settled: BTreeMap::new(),
        }
    }

    /// A world with a seeded simulator and the default config.
    pub fn standard() -> World {
        World::new(
            SimConfig {
                seed: 7,
                ..SimConfig::default()
            },
            Config::default(),
        )
    }

    /// The core's clock: Unix ms, as the driver's `Date.now()`.
    pub fn now(&self) -> Instant {
        Instant::from_millis(self.sim.config().epoch_ms + self.sim.now())
    }

    fn token(&self, topic: &str) -> String {
        let now_s = ((self.sim.config().epoch_ms + self.sim.now()) / 1000) as i64;
        token::unsigned_token(&serde_json::json!({
            "app_key": "KEY", "role_type": u8::from(self.host), "tpc": topic, "version": 1,
            "iat": now_s - 30, "exp": now_s + self.token_lifetime_s, "user_key": "ada",
        }))
    }

    /// Feeds one input to the core and carries out what it asks.
    pub fn input(&mut self, input: Input) -> Result<(), zoomkit_core::CoreError> {
        let now = self.now();
        self.core.handle(now, input)?;
        self.drain();
        Ok(())
    }

    /// Joins, asking for audio and video first (as `session.join({ audio, video })` does).
    pub fn join(&mut self, audio: bool, video: bool) {
        if audio {
            self.media(MediaIntent::StartAudio);
        }
        if video {
            self.media(MediaIntent::StartVideo);
        }
        self.input(Input::Join(JoinOptions::new(TOPIC, "Ada")))
            .expect("join accepted");
    }

    pub fn media(&mut self, intent: MediaIntent) {
        self.input(Input::Media(intent))
            .expect("media intent accepted");
    }

    /// Takes an action through the core (as `session.sendChat(...)` and
    /// the other promise-returning calls do); its answer lands in `settled`.
    pub fn act(
        &mut self,
        action: zoomkit_core::action::Action,
    ) -> Result<CommandId, zoomkit_core::CoreError> {
        let now = self.now();
        let id = self.core.act(now, action)?;
        self.drain();
        Ok(id)
    }

    /// A participant's (or the host's) action in the simulator, delivered.
    pub fn sim_act(&mut self, action: zoomkit_sim::Action) -> Vec<u32> {
        let ids = self.sim.act(action).expect("the action applies now");
        self.deliver();
        ids
    }

    pub fn fault(&mut self, fault: Fault) {
        self.sim.inject(fault).expect("the fault applies now");
        self.deliver();
    }

    pub fn state(&self) -> StateName {
        self.core.state().name()
    }

    /// Runs both clocks for `ms` of virtual time.
    pub fn run_for(&mut self, ms: u64) {
        let end = self.sim.now() + ms;
        loop {
            let core_due = self
                .timer
                .map(|t| t.as_millis().saturating_sub(self.sim.config().epoch_ms));
            let next = match (self.sim.next_due(), core_due) {
                (Some(a), Some(b)) => a.min(b),
                (a, b) => match a.or(b) {
                    Some(t) => t,
                    None => break,
                },
            };
            if next > end {
                break;
            }
            self.sim.run_until(next.max(self.sim.now()));
            self.deliver();
            if self.timer.is_some_and(|t| t <= self.now()) {
                self.timer = None;
                let now = self.now();
                if let Err(e) = self.core.handle(now, Input::Timeout) {
                    self.refused.push(e.to_string());
                }
                self.drain();
            }
        }
        self.sim.run_until(end);
        self.deliver();
    }

    /// Runs until `pred` holds, at most `ms`; panics with `what` otherwise.
    pub fn run_until(&mut self, ms: u64, what: &str, pred: impl Fn(&World) -> bool) {
        for _ in 0..ms / 10 {
            if pred(self) {
                return;
            }
            self.run_for(10);
        }
        assert!(
            pred(self),
            "{what}: not reached in {ms} ms (state {:?}, issued {:?}, refused {:?})",
            self.state(),
            self.issued,
            self.refused
        );
    }

    /// Hands the simulator's events and settled calls to the core, in order.
    fn deliver(&mut self) {
        while let Some(out) = self.sim.poll_output() {
            let now = self.now();
            let input = match out {
                zoomkit_sim::Output::Event(ev) => {
                    if zoomkit_core::action::FeatureSdkEvent::NAMES.contains(&ev.name) {
                        match zoomkit_core::action::FeatureSdkEvent::decode(ev.name, &ev.payload) {
                            Ok(f) => self.core.feature_event(now, f),
                            Err(e) => self.refused.push(format!("{}: {e}", ev.name)),
                        }
                        self.drain();
                        continue;
                    }
                    match SdkEvent::decode(ev.name, &ev.payload) {
                        Ok(sdk) => Input::Sdk(sdk),
                        // The stage's events, not the session's.
                        Err(_) if !SdkEvent::NAMES.contains(&ev.name) => continue,
                        Err(e) => {
                            self.refused.push(format!("{}: {e}", ev.name));
                            continue;
                        }
                    }
                }
                zoomkit_sim::Output::Done { op, result, .. } => {
                    let Some((id, is_join)) = self.pending.remove(&op) else {
                        continue;
                    };
                    let result = match result {
                        Ok(()) if is_join => Ok(CommandOutput::Joined {
                            user_id: self
                                .sim
                                .client()
                                .get_current_user_info()
                                .map(|p| UserId(p.user_id.into())),
                        }),
                        Ok(()) => match self.sim.take_value(op) {
                            Some(v) => Ok(CommandOutput::ChatMessage(
                                serde_json::from_value(v)
                                    .expect("the simulator's ChatMessage decodes as the core's"),
                            )),
                            None => Ok(CommandOutput::Unit),
                        },
                        Err(f) => Err(serde_json::from_value(serde_json::to_value(&f).unwrap())
                            .expect("the simulator's rejection is a ZoomError")),
                    };
                    self.settled.insert(id, result.clone());
                    Input::Done { id, result }
                }
            };
            if let Err(e) = self.core.handle(now, input) {
                self.refused.push(e.to_string());
            }
            self.drain();
        }
    }

    /// Drains the core's outputs and carries them out.
    fn drain(&mut self) {
        loop {
            while let Some(out) = self.core.poll() {
                match out {
                    Output::Command(cmd) => self.execute(cmd),
                    Output::Event(e) => self.events.push(e),
                    Output::Timeout(at) => {
                        self.timer = Some(at);
                        break;
                    }
                    Output::Cancel(id) => self.pending.retain(|_, (c, _)| *c != id),
                    _ => {}
                }
            }
            let Some((id, result)) = self.ready.pop_front() else {
                break;
            };
            let now = self.now();
            if let Err(e) = self.core.handle(now, Input::Done { id, result }) {
                self.refused.push(e.to_string());
            }
        }
    }

    fn execute(&mut self, cmd: Command) {
        self.issued.push(cmd.op.name());
        let is_join = matches!(cmd.op, Op::Join { .. });
        let mut c = self.sim.client();
        let op = match cmd.op {
            Op::FetchToken { topic, .. } => {
                let t = self.token(&topic);
                self.ready.push_back((cmd.id, Ok(CommandOutput::Token(t))));
                return;
            }
            Op::ListDevices => {
                let list = |l: Vec<zoomkit_sim::payload::MediaDevice>| {
                    l.into_iter()
                        .map(|d| Device::new(d.device_id, d.label))
                        .collect::<Vec<_>>()
                };
                let devices = DeviceList {
                    cameras: list(c.get_camera_list()),
                    microphones: list(c.get_mic_list()),
                    speakers: list(c.get_speaker_list()),
                };
                self.ready
                    .push_back((cmd.id, Ok(CommandOutput::Devices(devices))));
                return;
            }
            Op::Init => c.init("en-US", "Global"),
            Op::Join {
                topic,
                token,
                user_name,
                session_password,
                ..
            } => c.join(&topic, &token, &user_name, session_password.as_deref()),
            Op::Leave { end } => c.leave(end),
            Op::StartAudio {
                mute,
                microphone_id,
                speaker_id,
            } => c.start_audio(AudioOption {
                mute: Some(mute),
                microphone_id,
                speaker_id,
            }),
            Op::StopAudio => c.stop_audio(),
            Op::MuteAudio => c.mute_audio(None),
            Op::UnmuteAudio => c.unmute_audio(None),
            Op::SwitchMicrophone { microphone_id } => c.switch_microphone(&microphone_id),
            Op::SwitchSpeaker { speaker_id } => c.switch_speaker(&speaker_id),
            Op::StartVideo { camera_id, capture } => c.start_video(CaptureVideoOption {
                camera_id,
                hd: capture.hd().then_some(true),
                full_hd: capture.full_hd().then_some(true),
            }),
            Op::StopVideo => c.stop_video(),
            Op::SwitchCamera { camera_device_id } => c.switch_camera(&camera_device_id),
            Op::StartShareScreen => c.start_share_screen(),
            Op::StopShareScreen => c.stop_share_screen(),
            Op::SendChat { text, user_id } => c.send_chat(&text, Some(sim_id(user_id))),
            Op::SendChatToAll { text } => c.send_chat(&text, None),
            Op::SetChatPrivilege { privilege } => c.set_chat_privilege(privilege.code()),
            Op::MuteUser { user_id } => c.mute_audio(Some(sim_id(user_id))),
            Op::AskToUnmute { user_id } => c.unmute_audio(Some(sim_id(user_id))),
            Op::RemoveUser { user_id } => c.remove_user(sim_id(user_id)),
            Op::MakeHost { user_id } => c.make_host(sim_id(user_id)),
            Op::MakeManager { user_id } => c.make_manager(sim_id(user_id)),
            Op::RevokeManager { user_id } => c.revoke_manager(sim_id(user_id)),
            Op::LockShare { locked } => c.lock_share(locked),
            Op::StartShareView { user_id } => c.start_share_view(sim_id(user_id)),
            Op::StopShareView => c.stop_share_view(),
            Op::StartRecording => c.start_cloud_recording(),
            Op::StopRecording => c.stop_cloud_recording(),
            Op::PauseRecording => c.pause_cloud_recording(),
            Op::ResumeRecording => c.resume_cloud_recording(),
            Op::AcceptIndividualRecording => c.answer_individual_recording(true),
            Op::DeclineIndividualRecording => c.answer_individual_recording(false),
            other => panic!("the harness does not carry out `{}`", other.name()),
        };
        self.pending.insert(op, (cmd.id, is_join));
    }

    /// The `(from, to)` state changes so far.
    pub fn transitions(&self) -> Vec<(StateName, StateName)> {
        self.events
            .iter()
            .filter_map(|e| match e {
                Event::StateChanged { from, to, .. } => Some((*from, *to)),
                _ => None,
            })
            .collect()
    }

    /// The states entered so far, in order.
    pub fn states(&self) -> Vec<StateName> {
        self.transitions().into_iter().map(|(_, to)| to).collect()
    }

    pub fn active(&self, kind: DeviceKind) -> Option<String> {
        self.core.active_device(kind).map(|d| d.label.clone())
    }

    /// Nothing is left running: no call in flight and the simulator holds
    /// no media track.
    pub fn assert_released(&self) {
        assert!(
            self.pending.is_empty(),
            "calls in flight: {:?}",
            self.pending
        );
        assert_eq!(
            self.sim.active_track_count(),
            0,
            "media tracks left running"
        );
        assert!(self.refused.is_empty(), "refused: {:?}", self.refused);
    }
}

/// The simulator's `u32` ids (the core keeps JS's numbers as `u64`).
fn sim_id(id: UserId) -> u32 {
    u32::try_from(id.0).expect("simulator ids fit in u32")
}
