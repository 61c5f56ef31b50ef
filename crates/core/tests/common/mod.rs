//! The shared harness: a virtual clock, a fake driver that records what the
//! machine asks for, and helpers to answer it.
#![allow(dead_code)]

#[path = "../wire_check/mod.rs"]
pub mod wire_check;

use std::collections::VecDeque;
use std::time::Duration;

use zoomkit_core::sdk::{
    ConnectionChange, ConnectionReason, ConnectionState, ParticipantProperties,
};
use zoomkit_core::{
    is_allowed, Command, CommandId, CommandOutput, Config, CoreError, Device, DeviceList, Event,
    Input, Instant, JoinOptions, Op, Output, ReconnectPolicy, SdkEvent, Session, StateName,
    StorageWrite, UserId, ZoomError,
};

/// 2023-11-14T22:13:20Z: tokens minted around it have realistic `exp`s.
pub const T0: u64 = 1_700_000_000_000;

pub struct Harness {
    pub s: Session,
    pub now: Instant,
    /// Commands issued and not yet answered or cancelled, in issue order.
    pub open: VecDeque<Command>,
    /// Every command ever issued.
    pub issued: Vec<Command>,
    pub cancelled: Vec<CommandId>,
    pub events: Vec<Event>,
    pub storage: Vec<StorageWrite>,
    pub timeout: Option<Instant>,
}

pub fn jwt(exp_unix_secs: u64) -> String {
    fn b64(data: &[u8]) -> String {
        const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let mut out = String::new();
        for chunk in data.chunks(3) {
            let n = chunk.iter().fold(0u32, |acc, b| (acc << 8) | u32::from(*b))
                << (8 * (3 - chunk.len()));
            for i in 0..=chunk.len() {
                out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
            }
        }
        out
    }
    format!(
        "{}.{}.sig",
        b64(br#"{"alg":"HS256","typ":"JWT"}"#),
        b64(format!(r#"{{"tpc":"standup","exp":{exp_unix_secs},"iat":1}}"#).as_bytes())
    )
}

/// A token valid for two hours from `now`.
pub fn token_at(now: Instant) -> String {
    jwt(now.as_millis() / 1000 + 7200)
}

pub fn zerr(code: i64, reason: &str) -> ZoomError {
    ZoomError::new(zoomkit_core::ErrorType::InvalidOperation, code, reason)
}

pub fn conn(state: ConnectionState, reason: Option<ConnectionReason>, code: Option<i64>) -> Input {
    Input::Sdk(SdkEvent::ConnectionChange(ConnectionChange {
        state,
        reason,
        subsession_name: None,
        error_code: code,
    }))
}

pub fn user(id: u64, name: &str) -> ParticipantProperties {
    ParticipantProperties {
        display_name: Some(name.into()),
        ..ParticipantProperties::new(id)
    }
}

pub fn devices() -> DeviceList {
    DeviceList {
        cameras: vec![
            Device::new("cam-builtin", "FaceTime HD Camera").with_group("g-cam1"),
            Device::new("cam-usb", "Logitech BRIO").with_group("g-cam2"),
        ],
        microphones: vec![
            Device::new("default", "Default - MacBook Pro Microphone").with_group("g-mic1"),
            Device::new("mic-usb", "Logitech BRIO").with_group("g-cam2"),
        ],
        speakers: vec![
            Device::new("default", "Default - MacBook Pro Speakers").with_group("g-spk1")
        ],
    }
}

impl Harness {
    pub fn new() -> Self {
        Self::with_config(Config::default())
    }

    pub fn with_config(config: Config) -> Self {
        Self::from_session(Session::new(config))
    }

    pub fn with_policy(config: Config, policy: Box<dyn ReconnectPolicy>) -> Self {
        Self::from_session(Session::with_policy(config, policy))
    }

    fn from_session(s: Session) -> Self {
        Harness {
            s,
            now: Instant::from_millis(T0),
            open: VecDeque::new(),
            issued: Vec::new(),
            cancelled: Vec::new(),
            events: Vec::new(),
            storage: Vec::new(),
            timeout: None,
        }
    }

    /// Feeds one input now and drains the outputs.
    pub fn input(&mut self, input: Input) -> Result<(), CoreError> {
        match &input {
            Input::Sdk(ev) => wire_check::sdk_event(ev),
            Input::Done { result: Err(e), .. } => wire_check::round_trips(e),
            Input::Done {
                result: Ok(CommandOutput::Devices(list)),
                ..
            } => {
                for d in list
                    .cameras
                    .iter()
                    .chain(&list.microphones)
                    .chain(&list.speakers)
                {
                    wire_check::round_trips(d);
                }
            }
            _ => {}
        }
        let r = self.s.handle(self.now, input);
        self.drain();
        r
    }

    pub fn drain(&mut self) {
        loop {
            match self.s.poll() {
                Some(Output::Command(c)) => {
                    self.open.push_back(c.clone());
                    self.issued.push(c);
                }
                Some(Output::Cancel(id)) => {
                    let before = self.open.len();
                    self.open.retain(|c| c.id != id);
                    assert_eq!(
                        before,
                        self.open.len() + 1,
                        "cancel of unknown command {id}"
                    );
                    self.cancelled.push(id);
                }
                Some(Output::Event(e)) => {
                    if let Event::StateChanged {
                        from, to, cause, ..
                    } = &e
                    {
                        assert!(
                            is_allowed(*from, *to, *cause),
                            "{from} -> {to} ({cause:?}) not in table"
                        );
                    }
                    wire_check::encodes_like_serde(&e);
                    self.events.push(e);
                }
                Some(Output::Storage(w)) => {
                    assert!(w.key.as_str().starts_with("zoomkit:"));
                    if let Some(text) = &w.value {
                        wire_check::stored_text(text);
                    }
                    self.storage.push(w);
                }
                Some(Output::Timeout(at)) => {
                    self.timeout = Some(at);
                    wire_check::encodes_like_serde(self.s.state());
                    break;
                }
                Some(other) => panic!("unexpected output {other:?}"),
                None => {
                    self.timeout = None;
                    wire_check::encodes_like_serde(self.s.state());
                    break;
                }
            }
        }
    }

    /// Moves the clock forward by `d`, firing every timer due on the way.
    pub fn advance(&mut self, d: Duration) {
        let end = self.now + d;
        while let Some(at) = self.timeout.filter(|at| *at <= end) {
            self.now = self.now.max(at);
            self.input(Input::Timeout).unwrap();
        }
        self.now = end;
    }

    /// Moves the clock to the next timer and fires it.
    pub fn fire_next_timer(&mut self) -> Instant {
        let at = self.timeout.expect("a timer is armed");
        self.now = self.now.max(at);
        self.input(Input::Timeout).unwrap();
        at
    }

    pub fn state(&self) -> StateName {
        self.s.state().name()
    }

    pub fn open_ops(&self) -> Vec<&'static str> {
        self.open.iter().map(|c| c.op.name()).collect()
    }

    /// The oldest open command whose op has this name.
    pub fn find(&self, op: &str) -> Option<Command> {
        self.open.iter().find(|c| c.op.name() == op).cloned()
    }

    pub fn expect(&self, op: &str) -> Command {
        self.find(op)
            .unwrap_or_else(|| panic!("no open `{op}` command; open: {:?}", self.open_ops()))
    }

    pub fn answer(&mut self, id: CommandId, result: Result<CommandOutput, ZoomError>) {
        self.open.retain(|c| c.id != id);
        self.input(Input::Done { id, result }).unwrap();
    }

    /// Answers the oldest open `op` with the natural success output.
    pub fn ok(&mut self, op: &str) -> Command {
        let c = self.expect(op);
        let out = match &c.op {
            Op::FetchToken { .. } => CommandOutput::Token(token_at(self.now)),
            Op::Join { .. } => CommandOutput::Joined {
                user_id: Some(UserId(1)),
            },
            Op::ListDevices => CommandOutput::Devices(devices()),
            _ => CommandOutput::Unit,
        };
        self.answer(c.id, Ok(out));
        c
    }

    pub fn fail(&mut self, op: &str, e: ZoomError) -> Command {
        let c = self.expect(op);
        self.answer(c.id, Err(e));
        c
    }

    /// Answers every open `listDevices` with `list`.
    pub fn list_devices(&mut self, list: DeviceList) {
        while let Some(c) = self.find("listDevices") {
            self.answer(c.id, Ok(CommandOutput::Devices(list.clone())));
        }
    }

    pub fn join(&mut self) {
        self.input(Input::Join(JoinOptions::new("standup", "Ada")))
            .unwrap();
    }

    /// Join, token, init, join: connected, with devices listed.
    pub fn connect(&mut self) {
        self.join();
        self.ok("fetchToken");
        self.ok("init");
        self.ok("join");
        assert_eq!(self.state(), StateName::Connected);
        self.list_devices(devices());
    }

    pub fn sdk(&mut self, ev: SdkEvent) {
        self.input(Input::Sdk(ev)).unwrap();
    }

    pub fn mark(&self) -> usize {
        self.events.len()
    }

    pub fn events_since(&self, mark: usize) -> &[Event] {
        &self.events[mark..]
    }

    /// The `(from, to)` names of state changes since `mark`.
    pub fn transitions_since(&self, mark: usize) -> Vec<(StateName, StateName)> {
        self.events[mark..]
            .iter()
            .filter_map(|e| match e {
                Event::StateChanged { from, to, .. } => Some((*from, *to)),
                _ => None,
            })
            .collect()
    }

    pub fn count_issued(&self, op: &str) -> usize {
        self.issued.iter().filter(|c| c.op.name() == op).count()
    }

    /// In a terminal state nothing may be open and no timer armed.
    pub fn assert_quiet(&self) {
        assert!(self.open.is_empty(), "open commands: {:?}", self.open_ops());
        assert_eq!(self.timeout, None, "a timer is still armed");
    }
}

/// A deterministic policy: these delays in ms, no jitter.
pub fn table(ms: &[u64]) -> Box<dyn ReconnectPolicy> {
    Box::new(zoomkit_core::DelayTable {
        delays: ms.iter().map(|m| Duration::from_millis(*m)).collect(),
        jitter_from: u32::MAX,
        jitter: Duration::ZERO,
    })
}

pub fn failed_connection(code: Option<i64>) -> Input {
    conn(ConnectionState::Fail, None, code)
}
