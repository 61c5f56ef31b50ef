//! The JavaScript face of the simulator (wasm32 only): `createSim(options)`
//! returns a [`SimController`] whose `zoomVideo` has the shape of
//! `@zoom/videosdk`'s default export.
//!
//! The exported classes are named as the SDK's namespaces (`ZoomVideo`,
//! `VideoClient`, `Stream`) and every method carries the SDK's name in an
//! explicit `js_name`, so `tests/conformance.rs` (and the lead's conformance
//! tool) can check each against the SDK's `types-json`. Parameters are taken
//! as `JsValue` and judged inside, so a wrong value from JavaScript becomes
//! the SDK's rejection, not a wasm-bindgen exception.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::rc::{Rc, Weak};

use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::failure;
use crate::payload::{AudioOption, CaptureVideoOption, SdkFailure};
use crate::script::{Action, Fault, Script};
use crate::sim::{OpId, Output, Sim, SimConfig, SimEvent};

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &str = r#"
/** What `sim.token()` makes a Video SDK token for. */
export interface SimTokenRequest {
  /** The session name (`tpc`): the topic you will join. */
  topic: string;
  /** `role_type`: 1 host, 0 participant. Default 0. */
  role?: 0 | 1;
  /** `user_key`: your id for the user. */
  userKey?: string;
  /** `session_key`. */
  sessionKey?: string;
  /** `exp - iat`, 1800 to 172800. Default 7200. */
  expiresInSeconds?: number;
}
/** `createSim` options: every field of the native `SimConfig` (camelCase), plus the clock. */
export interface SimOptions {
  /** Same seed + same script + same calls => same events (default 0). */
  seed?: number;
  /** `"real"` (default): time passes with `setTimeout`, owned by the simulator and cleared by `destroy()`.
   *  `"manual"`: time passes only in `advance(ms)`. */
  clock?: "real" | "manual";
  /** Wrap `globalThis.setTimeout`/`setInterval` so `activeTimerCount()` can count the page's live timers. */
  watchTimers?: boolean;
  /** Wall-clock ms at virtual time 0, for token `iat`/`exp` (default: `Date.now()`). */
  epochMs?: number;
  /** Call latencies in ms: `{ init, join, leave, media }`, each `{ min, max }`. */
  latency?: Partial<Record<"init" | "join" | "leave" | "media", { min: number; max: number }>>;
  /** When set, token signatures are verified with this Video SDK secret. */
  sdkSecret?: string;
  /** When set, a token's `app_key` must equal it. */
  sdkKey?: string;
  /** The session password joins must give. */
  sessionPassword?: string;
  /** The `session_key` tokens must carry. */
  sessionKey?: string;
  /** Participants already in the session. */
  participants?: { name?: string; host?: boolean; video?: boolean; audio?: boolean }[];
  /** The machine's devices (default: one camera, microphone, speaker). */
  devices?: { kind: SimDeviceKind; label: string }[];
  /** What `checkSystemRequirements()` reports. */
  compatibility?: { audio: boolean; video: boolean; screen: boolean };
  /** When false, `init` rejects with 5001. */
  assetsReachable?: boolean;
  /** A dropped connection longer than this ends in `Fail` (default 120000). */
  reconnectGiveUpMs?: number;
  cameraPermission?: "granted" | "denied" | "prompt";
  microphonePermission?: "granted" | "denied" | "prompt";
  maxRenderableVideos?: number;
  supportMultipleVideos?: boolean;
  supportHdVideo?: boolean;
  /** `canStartRecording()`; when false `startCloudRecording` rejects with 7200. Default true. */
  cloudRecording?: boolean;
}
export type SimDeviceKind = "camera" | "microphone" | "speaker" | "videoinput" | "audioinput" | "audiooutput";
export type SimFaultName =
  | "dropConnection" | "failover" | "fail" | "close" | "expireToken" | "unplug" | "replug"
  | "revokePermission" | "grantPermission" | "mediaFailed" | "qualityRamp"
  | "stopShareFromBrowser" | "denyNextShare" | "autoPlayAudioFailed";
export type SimActionName =
  | "addParticipant" | "addParticipants" | "removeParticipant" | "speak" | "setVideo" | "setMuted"
  | "setShare" | "participantFailover" | "hostMuteMe" | "hostAskUnmute" | "speakWhileMuted"
  | "sendChat" | "setChatPrivilege" | "setRecording" | "askRecordingConsent" | "setMeManager" | "micLevel";
/** The SDK's `ChatMessage`, as the simulator fills it. */
export interface ChatMessage {
  id: string; message: string; sender: { name: string; userId: number };
  receiver: { name: string; userId: number }; timestamp: number;
}
/** One script step: `{ at, fault, ...params }` or `{ at, action, ...params }`. */
export type SimStep = { at: number } & ({ fault: SimFaultName } | { action: SimActionName }) & Record<string, unknown>;
/** An event as delivered to `client.on` listeners. */
export interface SimEventRecord { at: number; name: string; payload: unknown }
/** A step of a loaded script that could not apply at its time. */
export interface SimStepError { at: number; message: string }
/** `ExecutedFailure`: what every simulated SDK promise rejects with (a plain object, not an Error). */
export interface ExecutedFailure { type: string; reason: string; errorCode: number }
/** The SDK's `Participant`, as far as the simulator fills it. */
export interface Participant {
  userId: number; displayName: string; audio: "" | "computer" | "phone"; muted?: boolean;
  isHost: boolean; isManager: boolean; bVideoOn: boolean; sharerOn: boolean; sharerPause: boolean;
  isAllowIndividualRecording: boolean; isVideoConnect: boolean; userGuid?: string;
  userIdentity?: string; userKey?: string; isInFailover?: boolean;
}
/** The SDK's `SessionInfo`. */
export interface SessionInfo { topic: string; password: string; userName: string; userId: number; isInMeeting: boolean; sessionId: string }
/** The SDK's `MediaDevice`. */
export interface MediaDevice { label: string; deviceId: string }
"#;

#[wasm_bindgen(inline_js = r#"
export function watchTimers(g) {
  const orig = { setTimeout: g.setTimeout, clearTimeout: g.clearTimeout,
                 setInterval: g.setInterval, clearInterval: g.clearInterval };
  const live = new Set();
  // Node returns Timeout objects; their primitive is the id clear* accepts.
  const key = (id) => (id !== null && typeof id === "object" && typeof id[Symbol.toPrimitive] === "function")
    ? id[Symbol.toPrimitive]() : id;
  const patched = {
    setTimeout(fn, ms, ...args) {
      let id;
      const run = typeof fn === "function"
        ? function (...a) { live.delete(key(id)); return fn.apply(this, a); } : fn;
      id = orig.setTimeout.call(g, run, ms, ...args);
      live.add(key(id));
      return id;
    },
    clearTimeout(id) { live.delete(key(id)); return orig.clearTimeout.call(g, id); },
    setInterval(fn, ms, ...args) {
      const id = orig.setInterval.call(g, fn, ms, ...args);
      live.add(key(id));
      return id;
    },
    clearInterval(id) { live.delete(key(id)); return orig.clearInterval.call(g, id); },
  };
  Object.assign(g, patched);
  return {
    count() { return live.size; },
    restore() {
      // Only undo our own patch: someone may have wrapped ours since.
      for (const k of Object.keys(patched)) { if (g[k] === patched[k]) g[k] = orig[k]; }
    },
  };
}
"#)]
extern "C" {
    type TimerWatch;
    #[wasm_bindgen(js_name = watchTimers)]
    fn watch_timers(global: &JsValue) -> TimerWatch;
    #[wasm_bindgen(method)]
    fn count(this: &TimerWatch) -> u32;
    #[wasm_bindgen(method)]
    fn restore(this: &TimerWatch);
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ClockMode {
    Real,
    Manual,
}

struct Timer {
    id: JsValue,
    due: u64,
}

struct Clock {
    mode: ClockMode,
    start_ms: f64,
    offset: u64,
    last: u64,
    timer: Option<Timer>,
    set_timeout: js_sys::Function,
    clear_timeout: js_sys::Function,
    callback: Option<Closure<dyn FnMut()>>,
}

struct Shared {
    sim: RefCell<Sim>,
    listeners: RefCell<Vec<(String, js_sys::Function)>>,
    promises: RefCell<BTreeMap<OpId, (js_sys::Function, js_sys::Function)>>,
    clock: RefCell<Clock>,
    flushing: Cell<bool>,
    destroyed: Cell<bool>,
    watch: RefCell<Option<TimerWatch>>,
    log: RefCell<Vec<SimEvent>>,
    /// `attachVideo`'d users and the quality asked for (userId -> quality).
    attached: RefCell<BTreeMap<u32, u32>>,
}

fn error(message: &str) -> JsValue {
    js_sys::Error::new(&format!("zoomkit-sim: {message}")).into()
}

fn to_js<T: Serialize + ?Sized>(value: &T) -> JsValue {
    // Our payloads are plain structs, enums, strings and numbers: they always
    // convert; `undefined` would only mark a bug in this crate.
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .unwrap_or(JsValue::UNDEFINED)
}

/// Reads a JS value as JSON data (numbers stay integers where they are).
fn json_of(value: &JsValue) -> Result<serde_json::Value, JsValue> {
    if value.is_undefined() || value.is_null() {
        return Ok(serde_json::Value::Object(Default::default()));
    }
    let text = js_sys::JSON::stringify(value)
        .map_err(|_| error("the value cannot be converted to JSON"))?;
    let text = text.as_string().unwrap_or_else(|| "{}".to_owned());
    serde_json::from_str(&text).map_err(|e| error(&e.to_string()))
}

fn from_js<T: DeserializeOwned>(value: &JsValue, what: &str) -> Result<T, JsValue> {
    serde_json::from_value(json_of(value)?).map_err(|e| error(&format!("{what}: {e}")))
}

fn global_fn(name: &str) -> Result<js_sys::Function, JsValue> {
    js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str(name))?
        .dyn_into::<js_sys::Function>()
        .map_err(|_| error(&format!("globalThis.{name} is not a function")))
}

impl Shared {
    fn now_virtual(&self) -> u64 {
        let mut clock = self.clock.borrow_mut();
        match clock.mode {
            ClockMode::Manual => self.sim.borrow().now(),
            ClockMode::Real => {
                let elapsed = (js_sys::Date::now() - clock.start_ms).max(0.0) as u64;
                let t = (elapsed + clock.offset).max(clock.last);
                clock.last = t;
                t
            }
        }
    }

    /// In real-time mode, brings the simulation up to the wall clock.
    fn sync(&self) {
        if self.clock.borrow().mode == ClockMode::Real {
            let t = self.now_virtual();
            self.sim.borrow_mut().run_until(t);
        }
    }

    /// Delivers everything the simulation produced: events to listeners,
    /// settlements to promises. Re-entrant calls (a listener advancing the
    /// clock) leave the delivery to the outer loop.
    fn flush(&self) {
        if self.flushing.get() || self.destroyed.get() {
            return;
        }
        self.flushing.set(true);
        loop {
            let out = self.sim.borrow_mut().poll_output();
            match out {
                None => break,
                Some(Output::Event(ev)) => self.dispatch(ev),
                Some(Output::Done { op, result, .. }) => self.settle(op, result),
            }
            if self.destroyed.get() {
                break;
            }
        }
        self.flushing.set(false);
    }

    fn dispatch(&self, ev: SimEvent) {
        let targets: Vec<js_sys::Function> = self
            .listeners
            .borrow()
            .iter()
            .filter(|(name, _)| name == ev.name)
            .map(|(_, f)| f.clone())
            .collect();
        let payload = to_js(&ev.payload);
        let bare = ev.payload.is_null();
        self.log.borrow_mut().push(ev);
        for f in targets {
            let outcome = if bare {
                f.call0(&JsValue::UNDEFINED)
            } else {
                f.call1(&JsValue::UNDEFINED, &payload)
            };
            if let Err(e) = outcome {
                // A throwing listener is the app's bug: surface it as an
                // unhandled rejection instead of swallowing it.
                let _ = js_sys::Promise::reject(&e);
            }
        }
    }

    fn settle(&self, op: OpId, result: Result<(), SdkFailure>) {
        let value = self.sim.borrow_mut().take_value(op);
        let Some((resolve, reject)) = self.promises.borrow_mut().remove(&op) else {
            return;
        };
        let _ = match result {
            Ok(()) => resolve.call1(
                &JsValue::UNDEFINED,
                &value.map_or_else(|| JsValue::from_str(""), |v| to_js(&v)),
            ),
            Err(f) => reject.call1(&JsValue::UNDEFINED, &to_js(&f)),
        };
    }

    /// Keeps exactly one owned timer armed for the next thing due.
    fn rearm(&self) {
        if self.destroyed.get() || self.clock.borrow().mode == ClockMode::Manual {
            return;
        }
        let now = self.now_virtual();
        let due = {
            let sim = self.sim.borrow();
            if sim.has_output() {
                Some(now)
            } else {
                sim.next_due()
            }
        };
        let mut clock = self.clock.borrow_mut();
        if let (Some(t), Some(due)) = (&clock.timer, due) {
            if t.due == due {
                return;
            }
        }
        if let Some(t) = clock.timer.take() {
            let _ = clock.clear_timeout.call1(&js_sys::global(), &t.id);
        }
        let Some(due) = due else { return };
        let delay = due.saturating_sub(now) as f64;
        let Some(cb) = clock.callback.as_ref() else {
            return;
        };
        let cb: JsValue = cb.as_ref().clone();
        if let Ok(id) = clock
            .set_timeout
            .call2(&js_sys::global(), &cb, &JsValue::from_f64(delay))
        {
            clock.timer = Some(Timer { id, due });
        }
    }

    fn tick(&self) {
        self.clock.borrow_mut().timer = None;
        self.sync();
        self.flush();
        self.rearm();
    }

    /// Brings the clock up to date before a call, so its latency starts now.
    fn before_call(&self) -> Result<(), JsValue> {
        if self.destroyed.get() {
            return Err(error("this simulator was destroyed"));
        }
        self.sync();
        Ok(())
    }

    fn promise(&self, op: OpId) -> js_sys::Promise {
        let mut slot = None;
        let p = js_sys::Promise::new(&mut |resolve, reject| slot = Some((resolve, reject)));
        if let Some(fns) = slot {
            self.promises.borrow_mut().insert(op, fns);
        }
        self.rearm();
        p
    }

    fn call(&self, f: impl FnOnce(&mut Sim) -> OpId) -> js_sys::Promise {
        if let Err(e) = self.before_call() {
            return js_sys::Promise::reject(&e);
        }
        let op = f(&mut self.sim.borrow_mut());
        self.promise(op)
    }

    /// After a fault or action: deliver its events now, then re-arm.
    fn after_injection(&self) {
        self.flush();
        self.rearm();
    }

    fn destroy(&self) {
        if self.destroyed.replace(true) {
            return;
        }
        {
            let mut clock = self.clock.borrow_mut();
            if let Some(t) = clock.timer.take() {
                let _ = clock.clear_timeout.call1(&js_sys::global(), &t.id);
            }
        }
        if let Some(w) = self.watch.borrow_mut().take() {
            w.restore();
        }
        let pending = std::mem::take(&mut *self.promises.borrow_mut());
        for (_, (_, reject)) in pending {
            let _ = reject.call1(&JsValue::UNDEFINED, &error("this simulator was destroyed"));
        }
    }
}

impl Drop for Shared {
    // Everything this simulator armed or patched is undone when the last
    // JS object holding it is freed, even without `destroy()`.
    fn drop(&mut self) {
        self.destroy();
    }
}

/// The handle `createSim` returns: the `zoomVideo` look-alike, the fault
/// buttons, the clock and the introspection a test needs to prove a client
/// released everything it took.
#[wasm_bindgen]
pub struct SimController {
    shared: Rc<Shared>,
    zoom_video: JsValue,
}

/// Creates a simulator. `options`: see `SimOptions` (all optional).
///
/// ```js
/// import { init, createSim } from "zoomkit/sim";
/// await init();
/// const sim = createSim({ seed: 1, clock: "manual" });
/// const client = sim.zoomVideo.createClient();
/// ```
///
/// # Errors
/// An `Error` naming the option that could not be read.
#[wasm_bindgen(js_name = createSim)]
pub fn create_sim(
    #[wasm_bindgen(unchecked_optional_param_type = "SimOptions")] options: JsValue,
) -> Result<SimController, JsValue> {
    let mut json = json_of(&options)?;
    let obj = json
        .as_object_mut()
        .ok_or_else(|| error("options must be an object"))?;
    let mode = match obj.remove("clock").as_ref().and_then(|v| v.as_str()) {
        None | Some("real") => ClockMode::Real,
        Some("manual") => ClockMode::Manual,
        Some(other) => {
            return Err(error(&format!(
                "option `clock` is `{other}`; use \"real\" or \"manual\""
            )))
        }
    };
    let watch = obj
        .remove("watchTimers")
        .and_then(|v| v.as_bool())
        .unwrap_or(false);
    let start_ms = js_sys::Date::now();
    if !obj.contains_key("epochMs") {
        obj.insert("epochMs".into(), serde_json::json!(start_ms.floor() as u64));
    }
    let config: SimConfig =
        serde_json::from_value(json).map_err(|e| error(&format!("createSim options: {e}")))?;
    // Our own timers use the functions as they are now, before any watch
    // wraps them, so they are never counted as the page's.
    let set_timeout = global_fn("setTimeout")?;
    let clear_timeout = global_fn("clearTimeout")?;
    let watch = watch.then(|| watch_timers(&js_sys::global()));
    let shared = Rc::new(Shared {
        sim: RefCell::new(Sim::new(config)),
        listeners: RefCell::new(Vec::new()),
        promises: RefCell::new(BTreeMap::new()),
        clock: RefCell::new(Clock {
            mode,
            start_ms,
            offset: 0,
            last: 0,
            timer: None,
            set_timeout,
            clear_timeout,
            callback: None,
        }),
        flushing: Cell::new(false),
        destroyed: Cell::new(false),
        watch: RefCell::new(watch),
        log: RefCell::new(Vec::new()),
        attached: RefCell::new(BTreeMap::new()),
    });
    let weak: Weak<Shared> = Rc::downgrade(&shared);
    // One closure for every timer this simulator arms; it holds only a weak
    // reference, and is dropped with the simulator.
    shared.clock.borrow_mut().callback = Some(Closure::new(move || {
        if let Some(s) = weak.upgrade() {
            s.tick();
        }
    }));
    let stream = JsValue::from(Stream {
        shared: shared.clone(),
    });
    let chat = JsValue::from(ChatClient {
        shared: shared.clone(),
    });
    let recording = JsValue::from(RecordingClient {
        shared: shared.clone(),
    });
    let client = JsValue::from(VideoClient {
        shared: shared.clone(),
        stream,
        chat,
        recording,
    });
    let zoom_video = JsValue::from(ZoomVideo {
        shared: shared.clone(),
        client,
    });
    Ok(SimController { shared, zoom_video })
}

impl SimController {
    fn inject(&self, fault: Fault) -> Result<(), JsValue> {
        if self.shared.destroyed.get() {
            return Err(error("this simulator was destroyed"));
        }
        self.shared.sync();
        let r = self.shared.sim.borrow_mut().inject(fault);
        self.shared.after_injection();
        r.map_err(|e| error(&e.to_string()))
    }

    fn act_now(&self, action: Action) -> Result<Vec<u32>, JsValue> {
        if self.shared.destroyed.get() {
            return Err(error("this simulator was destroyed"));
        }
        self.shared.sync();
        let r = self.shared.sim.borrow_mut().act(action);
        self.shared.after_injection();
        r.map_err(|e| error(&e.to_string()))
    }

    fn device(&self, fault: &str, kind: &str, label: &str) -> Result<(), JsValue> {
        let params = js_sys::Object::new();
        js_sys::Reflect::set(&params, &"kind".into(), &kind.into())?;
        js_sys::Reflect::set(&params, &"label".into(), &label.into())?;
        self.fault(fault, params.into())
    }
}

#[wasm_bindgen]
impl SimController {
    /// The `ZoomVideo` look-alike: pass it wherever `@zoom/videosdk`'s default
    /// export is expected.
    #[wasm_bindgen(getter, js_name = zoomVideo, unchecked_return_type = "ZoomVideo")]
    pub fn zoom_video(&self) -> JsValue {
        self.zoom_video.clone()
    }

    /// Applies a fault by name with its parameters, e.g.
    /// `fault("close", { reason: "ended by host" })`. Its events are
    /// delivered before this returns.
    ///
    /// # Errors
    /// An `Error` for an unknown fault, bad parameters, or a fault that
    /// cannot apply now (e.g. `fail` outside a session).
    pub fn fault(
        &self,
        #[wasm_bindgen(unchecked_param_type = "SimFaultName")] name: &str,
        #[wasm_bindgen(unchecked_optional_param_type = "Record<string, unknown>")] params: JsValue,
    ) -> Result<(), JsValue> {
        let mut v = json_of(&params)?;
        let obj = v
            .as_object_mut()
            .ok_or_else(|| error("fault parameters must be an object"))?;
        obj.insert("fault".into(), serde_json::Value::String(name.to_owned()));
        let fault: Fault =
            serde_json::from_value(v).map_err(|e| error(&format!("fault `{name}`: {e}")))?;
        self.inject(fault)
    }

    /// Applies another participant's (or the host's) action by name, e.g.
    /// `act("setVideo", { who: "Ann", on: true })`. Returns the ids of
    /// participants it added.
    ///
    /// # Errors
    /// An `Error` for an unknown action, bad parameters, or an absent
    /// participant.
    #[wasm_bindgen(unchecked_return_type = "number[]")]
    pub fn act(
        &self,
        #[wasm_bindgen(unchecked_param_type = "SimActionName")] name: &str,
        #[wasm_bindgen(unchecked_optional_param_type = "Record<string, unknown>")] params: JsValue,
    ) -> Result<JsValue, JsValue> {
        let mut v = json_of(&params)?;
        let obj = v
            .as_object_mut()
            .ok_or_else(|| error("action parameters must be an object"))?;
        obj.insert("action".into(), serde_json::Value::String(name.to_owned()));
        let action: Action =
            serde_json::from_value(v).map_err(|e| error(&format!("action `{name}`: {e}")))?;
        self.act_now(action).map(|ids| to_js(&ids))
    }

    /// Loads a script: an array of `SimStep`, times in ms of virtual time.
    ///
    /// # Errors
    /// An `Error` naming the first step that cannot be read.
    pub fn script(
        &self,
        #[wasm_bindgen(unchecked_param_type = "SimStep[]")] steps: JsValue,
    ) -> Result<(), JsValue> {
        let script: Script = from_js(&steps, "script")?;
        self.shared.sync();
        self.shared.sim.borrow_mut().load(&script);
        self.shared.rearm();
        Ok(())
    }

    /// The network is down for `ms`: `Reconnecting`, then `Connected` (or
    /// `Fail` after `reconnectGiveUpMs`).
    ///
    /// # Errors
    /// Never in practice; see [`SimController::fault`].
    #[wasm_bindgen(js_name = dropConnection)]
    pub fn drop_connection(&self, ms: u32) -> Result<(), JsValue> {
        self.inject(Fault::DropConnection { ms: ms.into() })
    }

    /// Zoom's failover for `ms`: `Reconnecting` (reason `failover`), then
    /// `Connected`.
    ///
    /// # Errors
    /// Outside a session.
    pub fn failover(&self, ms: u32) -> Result<(), JsValue> {
        self.inject(Fault::Failover { ms: ms.into() })
    }

    /// `connection-change` `Fail`.
    ///
    /// # Errors
    /// Outside a session.
    pub fn fail(&self) -> Result<(), JsValue> {
        self.inject(Fault::Fail)
    }

    /// `connection-change` `Closed` with `reason`: `kicked by host`,
    /// `ended by host` or `expeled by host`.
    ///
    /// # Errors
    /// Another reason, or outside a session.
    pub fn close(
        &self,
        #[wasm_bindgen(
            unchecked_param_type = r#""kicked by host" | "ended by host" | "expeled by host""#
        )]
        reason: &str,
    ) -> Result<(), JsValue> {
        let reason = serde_json::from_value(serde_json::Value::String(reason.to_owned()))
            .map_err(|e| error(&format!("close: {e}")))?;
        self.inject(Fault::Close { reason })
    }

    /// The current (or last, or next) join's token is expired: rejoining with
    /// it is rejected with 200.
    ///
    /// # Errors
    /// Never in practice.
    #[wasm_bindgen(js_name = expireToken)]
    pub fn expire_token(&self) -> Result<(), JsValue> {
        self.inject(Fault::ExpireToken)
    }

    /// Unplugs the device of `kind` (`camera`, `microphone`, `speaker`)
    /// labelled `label` (`device-change`).
    ///
    /// # Errors
    /// No such device.
    pub fn unplug(
        &self,
        #[wasm_bindgen(unchecked_param_type = "SimDeviceKind")] kind: &str,
        label: &str,
    ) -> Result<(), JsValue> {
        self.device("unplug", kind, label)
    }

    /// Plugs the device back (same id), or a new one with that label.
    ///
    /// # Errors
    /// An unknown kind.
    pub fn replug(
        &self,
        #[wasm_bindgen(unchecked_param_type = "SimDeviceKind")] kind: &str,
        label: &str,
    ) -> Result<(), JsValue> {
        self.device("replug", kind, label)
    }

    /// Revokes the `camera` or `microphone` permission.
    ///
    /// # Errors
    /// Another kind.
    #[wasm_bindgen(js_name = revokePermission)]
    pub fn revoke_permission(
        &self,
        #[wasm_bindgen(unchecked_param_type = r#""camera" | "microphone""#)] kind: &str,
    ) -> Result<(), JsValue> {
        let params = js_sys::Object::new();
        js_sys::Reflect::set(&params, &"kind".into(), &kind.into())?;
        self.fault("revokePermission", params.into())
    }

    /// Grants the `camera` or `microphone` permission again.
    ///
    /// # Errors
    /// Another kind.
    #[wasm_bindgen(js_name = grantPermission)]
    pub fn grant_permission(
        &self,
        #[wasm_bindgen(unchecked_param_type = r#""camera" | "microphone""#)] kind: &str,
    ) -> Result<(), JsValue> {
        let params = js_sys::Object::new();
        js_sys::Reflect::set(&params, &"kind".into(), &kind.into())?;
        self.fault("grantPermission", params.into())
    }

    /// `active-media-failed` with an `ActiveMediaFailedCode`.
    ///
    /// # Errors
    /// Not a real code, or outside a session.
    #[wasm_bindgen(js_name = mediaFailed)]
    pub fn media_failed(&self, code: u16) -> Result<(), JsValue> {
        let code = code.try_into().map_err(|e: String| error(&e))?;
        self.inject(Fault::MediaFailed { code })
    }

    /// `network-quality-change` from `from` to `to` every `stepMs`:
    /// `{ direction: "uplink" | "downlink", from, to, stepMs, userId? }`.
    ///
    /// # Errors
    /// Bad parameters.
    #[wasm_bindgen(js_name = qualityRamp)]
    pub fn quality_ramp(
        &self,
        #[wasm_bindgen(
            unchecked_param_type = r#"{ direction: "uplink" | "downlink"; from: number; to: number; stepMs: number; userId?: number }"#
        )]
        params: JsValue,
    ) -> Result<(), JsValue> {
        self.fault("qualityRamp", params)
    }

    /// `n` participants join. Returns their `userId`s.
    ///
    /// # Errors
    /// Never in practice.
    #[wasm_bindgen(js_name = addParticipants, unchecked_return_type = "number[]")]
    pub fn add_participants(&self, n: u32) -> Result<JsValue, JsValue> {
        self.act_now(Action::AddParticipants { n })
            .map(|ids| to_js(&ids))
    }

    /// A participant leaves.
    ///
    /// # Errors
    /// No such participant.
    #[wasm_bindgen(js_name = removeParticipant)]
    pub fn remove_participant(
        &self,
        #[wasm_bindgen(js_name = userId)] user_id: u32,
    ) -> Result<(), JsValue> {
        self.act_now(Action::RemoveParticipant {
            who: user_id.into(),
        })
        .map(drop)
    }

    /// Moves virtual time forward by `ms` and delivers what happened. In
    /// real-time mode this skips ahead of the wall clock.
    pub fn advance(&self, ms: u32) {
        if self.shared.destroyed.get() {
            return;
        }
        let mode = self.shared.clock.borrow().mode;
        match mode {
            ClockMode::Manual => self.shared.sim.borrow_mut().advance(ms.into()),
            ClockMode::Real => {
                self.shared.clock.borrow_mut().offset += u64::from(ms);
                self.shared.sync();
            }
        }
        self.shared.flush();
        self.shared.rearm();
    }

    /// Virtual time in ms.
    pub fn now(&self) -> f64 {
        self.shared.now_virtual() as f64
    }

    /// Listeners registered with `client.on` and not removed with `off`,
    /// for one event or all.
    #[wasm_bindgen(js_name = listenerCount)]
    pub fn listener_count(&self, event: Option<String>) -> u32 {
        self.shared
            .listeners
            .borrow()
            .iter()
            .filter(|(name, _)| event.as_deref().is_none_or(|e| e == name))
            .count() as u32
    }

    /// Timers the page started with `setTimeout`/`setInterval` since
    /// `createSim({ watchTimers: true })` and that are still pending (the
    /// simulator's own timers excluded).
    ///
    /// # Errors
    /// Without `watchTimers: true`, so that a test cannot pass by not
    /// counting.
    #[wasm_bindgen(js_name = activeTimerCount)]
    pub fn active_timer_count(&self) -> Result<u32, JsValue> {
        self.shared
            .watch
            .borrow()
            .as_ref()
            .map(TimerWatch::count)
            .ok_or_else(|| error("create the simulator with { watchTimers: true } to count timers"))
    }

    /// Timers the simulator itself has armed (0 or 1; 0 after `destroy`).
    #[wasm_bindgen(js_name = simTimerCount)]
    pub fn sim_timer_count(&self) -> u32 {
        u32::from(self.shared.clock.borrow().timer.is_some())
    }

    /// Media the client started and did not stop (microphone, camera,
    /// screen share).
    #[wasm_bindgen(js_name = activeTrackCount)]
    pub fn active_track_count(&self) -> u32 {
        self.shared.sim.borrow().active_track_count() as u32
    }

    /// The `startVideo` option the camera is capturing with
    /// (`{ cameraId?, hd?, fullHd? }`), or `null` while it is off.
    #[wasm_bindgen(
        js_name = videoCapture,
        unchecked_return_type = "{ cameraId?: string; hd?: boolean; fullHd?: boolean } | null"
    )]
    pub fn video_capture(&self) -> JsValue {
        let sim = self.shared.sim.borrow();
        match sim.video_capture() {
            Some(option) => to_js(option),
            None => JsValue::NULL,
        }
    }

    /// Whose share `startShareView` draws now, or `null`.
    #[wasm_bindgen(js_name = shareViewUser, unchecked_return_type = "number | null")]
    pub fn share_view_user(&self) -> JsValue {
        self.shared.sync();
        match self.shared.sim.borrow().share_view_user() {
            Some(id) => JsValue::from(id),
            None => JsValue::NULL,
        }
    }

    /// The `sessionIdleTimeoutMins` the last `join` was called with, or
    /// `null` (no join yet, or none given).
    #[wasm_bindgen(js_name = sessionIdleTimeoutMins, unchecked_return_type = "number | null")]
    pub fn session_idle_timeout_mins(&self) -> JsValue {
        match self.shared.sim.borrow().session_idle_timeout_mins() {
            Some(minutes) => JsValue::from(minutes),
            None => JsValue::NULL,
        }
    }

    /// A Video SDK token this simulator accepts, for tests and demos that
    /// have no token server: `sim.token({ topic, role, userKey, sessionKey,
    /// expiresInSeconds })` (all but `topic` optional; `role` 0 or 1,
    /// default 0; lifetime default 7200 s). It is signed with the
    /// simulator's `sdkSecret` when it has one, for its `sdkKey`.
    ///
    /// # Errors
    /// A missing or bad field, or an unknown one, named.
    pub fn token(
        &self,
        #[wasm_bindgen(unchecked_param_type = "SimTokenRequest")] request: JsValue,
    ) -> Result<String, JsValue> {
        let request: crate::TokenRequest = serde_json::from_value(json_of(&request)?)
            .map_err(|e| error(&format!("token: {e}")))?;
        self.shared
            .sim
            .borrow()
            .token(&request)
            .map_err(|e| error(&format!("token: {e}")))
    }

    /// SDK calls whose promise has not settled yet.
    #[wasm_bindgen(js_name = pendingCalls)]
    pub fn pending_calls(&self) -> u32 {
        self.shared.promises.borrow().len() as u32
    }

    /// Every event delivered so far, in order; `take` empties the log.
    #[wasm_bindgen(unchecked_return_type = "SimEventRecord[]")]
    pub fn events(&self, take: Option<bool>) -> JsValue {
        if take.unwrap_or(false) {
            to_js(&std::mem::take(&mut *self.shared.log.borrow_mut()))
        } else {
            to_js(&*self.shared.log.borrow())
        }
    }

    /// Script steps that could not apply at their time.
    #[wasm_bindgen(js_name = stepErrors, unchecked_return_type = "SimStepError[]")]
    pub fn step_errors(&self) -> JsValue {
        let errs: Vec<serde_json::Value> = self
            .shared
            .sim
            .borrow()
            .step_errors()
            .iter()
            .map(|(at, e)| serde_json::json!({"at": at, "message": e.to_string()}))
            .collect();
        to_js(&errs)
    }

    /// Stops the simulator: clears its timer, restores watched timer
    /// functions, rejects calls still pending. Listener counts stay readable.
    pub fn destroy(&self) {
        self.shared.attached.borrow_mut().clear();
        self.shared.destroy();
    }

    /// The videos attached with `attachVideo` and not detached:
    /// `[{ userId, videoQuality }]`, by user id.
    #[wasm_bindgen(js_name = attachedVideos, unchecked_return_type = "{ userId: number; videoQuality: number }[]")]
    pub fn attached_videos(&self) -> JsValue {
        let list = js_sys::Array::new();
        for (user, quality) in self.shared.attached.borrow().iter() {
            let o = js_sys::Object::new();
            let _ = js_sys::Reflect::set(&o, &"userId".into(), &JsValue::from(*user));
            let _ = js_sys::Reflect::set(&o, &"videoQuality".into(), &JsValue::from(*quality));
            list.push(&o);
        }
        list.into()
    }
}

/// The look-alike of `@zoom/videosdk`'s default export.
#[wasm_bindgen]
pub struct ZoomVideo {
    shared: Rc<Shared>,
    client: JsValue,
}

#[wasm_bindgen(js_class = ZoomVideo)]
impl ZoomVideo {
    /// `ZoomVideo.createClient()`: the same `VideoClient` every call.
    #[wasm_bindgen(js_name = createClient, unchecked_return_type = "VideoClient")]
    pub fn create_client(&self) -> JsValue {
        self.client.clone()
    }

    /// `ZoomVideo.checkSystemRequirements()`: `MediaCompatibility`.
    #[wasm_bindgen(
        js_name = checkSystemRequirements,
        unchecked_return_type = "{ audio: boolean; video: boolean; screen: boolean }"
    )]
    pub fn check_system_requirements(&self) -> JsValue {
        to_js(
            &self
                .shared
                .sim
                .borrow_mut()
                .client()
                .check_system_requirements(),
        )
    }

    /// `ZoomVideo.getDevices(skipPermissionCheck?)`: resolves with
    /// `{ deviceId, kind, label, groupId }[]`.
    #[wasm_bindgen(
        js_name = getDevices,
        unchecked_return_type = "Promise<{ deviceId: string; kind: \"videoinput\" | \"audioinput\" | \"audiooutput\"; label: string; groupId: string }[]>"
    )]
    pub fn get_devices(
        &self,
        #[wasm_bindgen(js_name = skipPermissionCheck, unchecked_optional_param_type = "boolean")]
        _skip_permission_check: JsValue,
    ) -> js_sys::Promise {
        self.shared.sync();
        let list = self.shared.sim.borrow_mut().client().get_devices();
        js_sys::Promise::resolve(&to_js(&list))
    }

    /// `ZoomVideo.destroyClient()`: leaves the session if in one, and
    /// resolves when that is done.
    #[wasm_bindgen(js_name = destroyClient, unchecked_return_type = "Promise<void>")]
    pub fn destroy_client(&self) -> js_sys::Promise {
        self.shared.sync();
        let in_session = self.shared.sim.borrow().in_session();
        if !in_session {
            return js_sys::Promise::resolve(&JsValue::UNDEFINED);
        }
        self.shared.call(|sim| sim.client().leave(false))
    }
}

/// The look-alike of `VideoClient`.
#[wasm_bindgen]
pub struct VideoClient {
    shared: Rc<Shared>,
    stream: JsValue,
    chat: JsValue,
    recording: JsValue,
}

#[wasm_bindgen(js_class = VideoClient)]
impl VideoClient {
    /// `init(language, dependentAssets, options?)`.
    #[wasm_bindgen(js_name = init, unchecked_return_type = "Promise<\"\">")]
    pub fn init(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] language: JsValue,
        #[wasm_bindgen(js_name = dependentAssets, unchecked_param_type = "string")]
        dependent_assets: JsValue,
        #[wasm_bindgen(js_name = options, unchecked_optional_param_type = "object")]
        _options: JsValue,
    ) -> js_sys::Promise {
        let language = language.as_string().unwrap_or_default();
        let assets = dependent_assets.as_string().unwrap_or_default();
        self.shared
            .call(|sim| sim.client().init(&language, &assets))
    }

    /// `join(topic, token, userName, sessionPassword?, sessionIdleTimeoutMins?)`.
    #[wasm_bindgen(js_name = join, unchecked_return_type = "Promise<\"\">")]
    pub fn join(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] topic: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] token: JsValue,
        #[wasm_bindgen(js_name = userName, unchecked_param_type = "string")] user_name: JsValue,
        #[wasm_bindgen(js_name = sessionPassword, unchecked_optional_param_type = "string")]
        session_password: JsValue,
        #[wasm_bindgen(
            js_name = sessionIdleTimeoutMins,
            unchecked_optional_param_type = "number"
        )]
        session_idle_timeout_mins: JsValue,
    ) -> js_sys::Promise {
        // Non-strings become empty, which the SDK's own check refuses (5013).
        let topic = topic.as_string().unwrap_or_default();
        let token = token.as_string().unwrap_or_default();
        let user_name = user_name.as_string().unwrap_or_default();
        let password = session_password.as_string();
        // Recorded as given (`sim.sessionIdleTimeoutMins()`); what is not a
        // whole number of minutes the SDK would not take either.
        let idle = session_idle_timeout_mins
            .as_f64()
            .filter(|m| m.fract() == 0.0 && *m >= 0.0 && *m <= f64::from(u32::MAX))
            .map(|m| m as u32);
        self.shared.call(|sim| {
            sim.client().join_with_idle_timeout(
                &topic,
                &token,
                &user_name,
                password.as_deref(),
                idle,
            )
        })
    }

    /// `leave(end?)`.
    #[wasm_bindgen(js_name = leave, unchecked_return_type = "Promise<\"\">")]
    pub fn leave(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "boolean")] end: JsValue,
    ) -> js_sys::Promise {
        let end = end.as_bool().unwrap_or(false);
        // Leaving detaches every rendered video.
        self.shared.attached.borrow_mut().clear();
        self.shared.call(|sim| sim.client().leave(end))
    }

    /// `on(event, callback)`.
    ///
    /// # Errors
    /// A `TypeError`-like `Error` when `event` is not a string or `callback`
    /// not a function.
    #[wasm_bindgen(js_name = on)]
    pub fn on(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] event: JsValue,
        #[wasm_bindgen(unchecked_param_type = "(payload: any) => void")] callback: JsValue,
    ) -> Result<(), JsValue> {
        let (Some(name), Some(f)) = (event.as_string(), callback.dyn_ref::<js_sys::Function>())
        else {
            return Err(error("on(event, callback) needs a string and a function"));
        };
        self.shared.listeners.borrow_mut().push((name, f.clone()));
        Ok(())
    }

    /// `off(event, callback)`: removes one registration of `callback`.
    ///
    /// # Errors
    /// When `event` is not a string or `callback` not a function.
    #[wasm_bindgen(js_name = off)]
    pub fn off(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] event: JsValue,
        #[wasm_bindgen(unchecked_param_type = "(payload: any) => void")] callback: JsValue,
    ) -> Result<(), JsValue> {
        let Some(name) = event.as_string() else {
            return Err(error("off(event, callback) needs a string and a function"));
        };
        if !callback.is_function() {
            return Err(error("off(event, callback) needs a string and a function"));
        }
        let mut listeners = self.shared.listeners.borrow_mut();
        if let Some(i) = listeners
            .iter()
            .position(|(n, f)| *n == name && JsValue::from(f.clone()) == callback)
        {
            listeners.remove(i);
        }
        Ok(())
    }

    /// `getMediaStream()`: the same `Stream` every call.
    #[wasm_bindgen(js_name = getMediaStream, unchecked_return_type = "Stream")]
    pub fn get_media_stream(&self) -> JsValue {
        self.stream.clone()
    }

    /// `getCurrentUserInfo()`: a `Participant`, `undefined` outside a session.
    #[wasm_bindgen(
        js_name = getCurrentUserInfo,
        unchecked_return_type = "Participant | undefined"
    )]
    pub fn get_current_user_info(&self) -> JsValue {
        self.shared.sync();
        match self
            .shared
            .sim
            .borrow_mut()
            .client()
            .get_current_user_info()
        {
            Some(p) => to_js(&p),
            None => JsValue::UNDEFINED,
        }
    }

    /// `getAllUser()`: `Participant[]`.
    #[wasm_bindgen(js_name = getAllUser, unchecked_return_type = "Participant[]")]
    pub fn get_all_user(&self) -> JsValue {
        self.shared.sync();
        to_js(&self.shared.sim.borrow_mut().client().get_all_user())
    }

    /// `getSessionInfo()`: `SessionInfo`.
    #[wasm_bindgen(js_name = getSessionInfo, unchecked_return_type = "SessionInfo")]
    pub fn get_session_info(&self) -> JsValue {
        self.shared.sync();
        to_js(&self.shared.sim.borrow_mut().client().get_session_info())
    }

    /// `getChatClient()`: the same `ChatClient` every call.
    #[wasm_bindgen(js_name = getChatClient, unchecked_return_type = "ChatClient")]
    pub fn get_chat_client(&self) -> JsValue {
        self.chat.clone()
    }

    /// `getRecordingClient()`: the same `RecordingClient` every call.
    #[wasm_bindgen(js_name = getRecordingClient, unchecked_return_type = "RecordingClient")]
    pub fn get_recording_client(&self) -> JsValue {
        self.recording.clone()
    }

    /// `removeUser(userId)` (host or manager).
    #[wasm_bindgen(js_name = removeUser, unchecked_return_type = "Promise<\"\">")]
    pub fn remove_user(
        &self,
        #[wasm_bindgen(js_name = userId, unchecked_param_type = "number")] user: JsValue,
    ) -> js_sys::Promise {
        let id = user_id(&user).unwrap_or(0);
        self.shared.call(|sim| sim.client().remove_user(id))
    }

    /// `makeHost(userId)` (host).
    #[wasm_bindgen(js_name = makeHost, unchecked_return_type = "Promise<\"\">")]
    pub fn make_host(
        &self,
        #[wasm_bindgen(js_name = userId, unchecked_param_type = "number")] user: JsValue,
    ) -> js_sys::Promise {
        let id = user_id(&user).unwrap_or(0);
        self.shared.call(|sim| sim.client().make_host(id))
    }

    /// `makeManager(userId)` (host).
    #[wasm_bindgen(js_name = makeManager, unchecked_return_type = "Promise<\"\">")]
    pub fn make_manager(
        &self,
        #[wasm_bindgen(js_name = userId, unchecked_param_type = "number")] user: JsValue,
    ) -> js_sys::Promise {
        let id = user_id(&user).unwrap_or(0);
        self.shared.call(|sim| sim.client().make_manager(id))
    }

    /// `revokeManager(userId)` (host).
    #[wasm_bindgen(js_name = revokeManager, unchecked_return_type = "Promise<\"\">")]
    pub fn revoke_manager(
        &self,
        #[wasm_bindgen(js_name = userId, unchecked_param_type = "number")] user: JsValue,
    ) -> js_sys::Promise {
        let id = user_id(&user).unwrap_or(0);
        self.shared.call(|sim| sim.client().revoke_manager(id))
    }
}

/// The look-alike of `ChatClient` (`client.getChatClient()`).
#[wasm_bindgen]
pub struct ChatClient {
    shared: Rc<Shared>,
}

#[wasm_bindgen(js_class = ChatClient)]
impl ChatClient {
    /// `send(text, userId)`: resolves with the sent `ChatMessage`.
    #[wasm_bindgen(js_name = send, unchecked_return_type = "Promise<ChatMessage>")]
    pub fn send(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] text: JsValue,
        #[wasm_bindgen(js_name = userId, unchecked_param_type = "number")] user: JsValue,
    ) -> js_sys::Promise {
        let text = text.as_string().unwrap_or_default();
        let id = user_id(&user).unwrap_or(0);
        self.shared
            .call(|sim| sim.client().send_chat(&text, Some(id)))
    }

    /// `sendToAll(text)`: resolves with the sent `ChatMessage`.
    #[wasm_bindgen(js_name = sendToAll, unchecked_return_type = "Promise<ChatMessage>")]
    pub fn send_to_all(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] text: JsValue,
    ) -> js_sys::Promise {
        let text = text.as_string().unwrap_or_default();
        self.shared.call(|sim| sim.client().send_chat(&text, None))
    }

    /// `setPrivilege(privilege)`: a `ChatPrivilege` number (host or manager).
    #[wasm_bindgen(js_name = setPrivilege, unchecked_return_type = "Promise<\"\">")]
    pub fn set_privilege(
        &self,
        #[wasm_bindgen(unchecked_param_type = "number")] privilege: JsValue,
    ) -> js_sys::Promise {
        let p = privilege
            .as_f64()
            .filter(|p| p.fract() == 0.0 && *p >= 0.0 && *p < 256.0);
        let p = p.map_or(0, |p| p as u8);
        self.shared.call(|sim| sim.client().set_chat_privilege(p))
    }

    /// `getPrivilege()`: a `ChatPrivilege` number.
    #[wasm_bindgen(js_name = getPrivilege, unchecked_return_type = "number")]
    pub fn get_privilege(&self) -> JsValue {
        self.shared.sync();
        to_js(&self.shared.sim.borrow_mut().client().get_chat_privilege())
    }

    /// `getHistory()`: `ChatMessage[]`.
    #[wasm_bindgen(js_name = getHistory, unchecked_return_type = "ChatMessage[]")]
    pub fn get_history(&self) -> JsValue {
        self.shared.sync();
        to_js(&self.shared.sim.borrow_mut().client().get_chat_history())
    }
}

/// The look-alike of `RecordingClient` (`client.getRecordingClient()`).
#[wasm_bindgen]
pub struct RecordingClient {
    shared: Rc<Shared>,
}

#[wasm_bindgen(js_class = RecordingClient)]
impl RecordingClient {
    /// `startCloudRecording()` (host).
    #[wasm_bindgen(js_name = startCloudRecording, unchecked_return_type = "Promise<\"\">")]
    pub fn start_cloud_recording(&self) -> js_sys::Promise {
        self.shared.call(|sim| sim.client().start_cloud_recording())
    }

    /// `stopCloudRecording()` (host).
    #[wasm_bindgen(js_name = stopCloudRecording, unchecked_return_type = "Promise<\"\">")]
    pub fn stop_cloud_recording(&self) -> js_sys::Promise {
        self.shared.call(|sim| sim.client().stop_cloud_recording())
    }

    /// `pauseCloudRecording()` (host).
    #[wasm_bindgen(js_name = pauseCloudRecording, unchecked_return_type = "Promise<\"\">")]
    pub fn pause_cloud_recording(&self) -> js_sys::Promise {
        self.shared.call(|sim| sim.client().pause_cloud_recording())
    }

    /// `resumeCloudRecording()` (host).
    #[wasm_bindgen(js_name = resumeCloudRecording, unchecked_return_type = "Promise<\"\">")]
    pub fn resume_cloud_recording(&self) -> js_sys::Promise {
        self.shared
            .call(|sim| sim.client().resume_cloud_recording())
    }

    /// `getCloudRecordingStatus()`: a `RecordingStatus`.
    #[wasm_bindgen(js_name = getCloudRecordingStatus, unchecked_return_type = "string")]
    pub fn get_cloud_recording_status(&self) -> JsValue {
        self.shared.sync();
        to_js(
            &self
                .shared
                .sim
                .borrow_mut()
                .client()
                .get_cloud_recording_status(),
        )
    }

    /// `canStartRecording()`.
    #[wasm_bindgen(js_name = canStartRecording)]
    pub fn can_start_recording(&self) -> bool {
        self.shared.sync();
        self.shared.sim.borrow_mut().client().can_start_recording()
    }

    /// `acceptIndividualRecording()`.
    #[wasm_bindgen(js_name = acceptIndividualRecording, unchecked_return_type = "Promise<\"\">")]
    pub fn accept_individual_recording(&self) -> js_sys::Promise {
        self.shared
            .call(|sim| sim.client().answer_individual_recording(true))
    }

    /// `declineIndividualRecording()`.
    #[wasm_bindgen(js_name = declineIndividualRecording, unchecked_return_type = "Promise<\"\">")]
    pub fn decline_individual_recording(&self) -> js_sys::Promise {
        self.shared
            .call(|sim| sim.client().answer_individual_recording(false))
    }
}

/// The look-alike of `Stream` (`client.getMediaStream()`).
#[wasm_bindgen]
pub struct Stream {
    shared: Rc<Shared>,
}

fn user_id(v: &JsValue) -> Option<u32> {
    v.as_f64().filter(|f| *f >= 0.0).map(|f| f as u32)
}

impl Stream {
    fn read<T: Serialize>(&self, f: impl FnOnce(&mut Sim) -> T) -> JsValue {
        self.shared.sync();
        to_js(&f(&mut self.shared.sim.borrow_mut()))
    }
}

#[wasm_bindgen(js_class = Stream)]
impl Stream {
    /// `startAudio(options?)`: reads `mute`, `microphoneId`, `speakerId`.
    #[wasm_bindgen(js_name = startAudio, unchecked_return_type = "Promise<\"\">")]
    pub fn start_audio(
        &self,
        #[wasm_bindgen(
            unchecked_optional_param_type = "{ mute?: boolean; microphoneId?: string; speakerId?: string }"
        )]
        options: JsValue,
    ) -> js_sys::Promise {
        match from_js::<AudioOption>(&options, "startAudio options") {
            Ok(o) => self.shared.call(|sim| sim.client().start_audio(o)),
            Err(e) => js_sys::Promise::reject(&e),
        }
    }

    /// `stopAudio()`.
    #[wasm_bindgen(js_name = stopAudio, unchecked_return_type = "Promise<\"\">")]
    pub fn stop_audio(&self) -> js_sys::Promise {
        self.shared.call(|sim| sim.client().stop_audio())
    }

    /// `muteAudio(userId?)`.
    #[wasm_bindgen(js_name = muteAudio, unchecked_return_type = "Promise<\"\">")]
    pub fn mute_audio(
        &self,
        #[wasm_bindgen(js_name = userId, unchecked_optional_param_type = "number")] user: JsValue,
    ) -> js_sys::Promise {
        let id = user_id(&user);
        self.shared.call(|sim| sim.client().mute_audio(id))
    }

    /// `unmuteAudio(userId?)`.
    #[wasm_bindgen(js_name = unmuteAudio, unchecked_return_type = "Promise<\"\">")]
    pub fn unmute_audio(
        &self,
        #[wasm_bindgen(js_name = userId, unchecked_optional_param_type = "number")] user: JsValue,
    ) -> js_sys::Promise {
        let id = user_id(&user);
        self.shared.call(|sim| sim.client().unmute_audio(id))
    }

    /// `lockShare(isLocked)` (host or manager).
    #[wasm_bindgen(js_name = lockShare, unchecked_return_type = "Promise<\"\">")]
    pub fn lock_share(
        &self,
        #[wasm_bindgen(js_name = isLocked, unchecked_param_type = "boolean")] locked: JsValue,
    ) -> js_sys::Promise {
        let locked = locked.as_bool().unwrap_or(false);
        self.shared.call(|sim| sim.client().lock_share(locked))
    }

    /// `isShareLocked()`.
    #[wasm_bindgen(js_name = isShareLocked)]
    pub fn is_share_locked(&self) -> bool {
        self.shared.sync();
        self.shared.sim.borrow_mut().client().is_share_locked()
    }

    /// `switchMicrophone(microphoneId)`.
    #[wasm_bindgen(js_name = switchMicrophone, unchecked_return_type = "Promise<\"\">")]
    pub fn switch_microphone(
        &self,
        #[wasm_bindgen(js_name = microphoneId, unchecked_param_type = "string")]
        microphone_id: JsValue,
    ) -> js_sys::Promise {
        let id = microphone_id.as_string().unwrap_or_default();
        self.shared.call(|sim| sim.client().switch_microphone(&id))
    }

    /// `switchSpeaker(speakerId)`.
    #[wasm_bindgen(js_name = switchSpeaker, unchecked_return_type = "Promise<\"\">")]
    pub fn switch_speaker(
        &self,
        #[wasm_bindgen(js_name = speakerId, unchecked_param_type = "string")] speaker_id: JsValue,
    ) -> js_sys::Promise {
        let id = speaker_id.as_string().unwrap_or_default();
        self.shared.call(|sim| sim.client().switch_speaker(&id))
    }

    /// `isAudioMuted(userId?)`.
    #[wasm_bindgen(js_name = isAudioMuted)]
    pub fn is_audio_muted(
        &self,
        #[wasm_bindgen(js_name = userId, unchecked_optional_param_type = "number")] user: JsValue,
    ) -> bool {
        self.shared.sync();
        self.shared
            .sim
            .borrow_mut()
            .client()
            .is_audio_muted(user_id(&user))
    }

    /// `getMicList()`: `MediaDevice[]`.
    #[wasm_bindgen(js_name = getMicList, unchecked_return_type = "MediaDevice[]")]
    pub fn get_mic_list(&self) -> JsValue {
        self.read(|sim| sim.client().get_mic_list())
    }

    /// `getSpeakerList()`: `MediaDevice[]`.
    #[wasm_bindgen(js_name = getSpeakerList, unchecked_return_type = "MediaDevice[]")]
    pub fn get_speaker_list(&self) -> JsValue {
        self.read(|sim| sim.client().get_speaker_list())
    }

    /// `getActiveMicrophone()`.
    #[wasm_bindgen(js_name = getActiveMicrophone)]
    pub fn get_active_microphone(&self) -> String {
        self.shared.sync();
        self.shared
            .sim
            .borrow_mut()
            .client()
            .get_active_microphone()
    }

    /// `getActiveSpeaker()`.
    #[wasm_bindgen(js_name = getActiveSpeaker)]
    pub fn get_active_speaker(&self) -> String {
        self.shared.sync();
        self.shared.sim.borrow_mut().client().get_active_speaker()
    }

    /// `startVideo(option?)`: reads `cameraId`, `hd`, `fullHd`.
    #[wasm_bindgen(js_name = startVideo, unchecked_return_type = "Promise<\"\">")]
    pub fn start_video(
        &self,
        #[wasm_bindgen(
            unchecked_optional_param_type = "{ cameraId?: string; hd?: boolean; fullHd?: boolean }"
        )]
        option: JsValue,
    ) -> js_sys::Promise {
        match from_js::<CaptureVideoOption>(&option, "startVideo option") {
            Ok(o) => self.shared.call(|sim| sim.client().start_video(o)),
            Err(e) => js_sys::Promise::reject(&e),
        }
    }

    /// `stopVideo()`.
    #[wasm_bindgen(js_name = stopVideo, unchecked_return_type = "Promise<\"\">")]
    pub fn stop_video(&self) -> js_sys::Promise {
        self.shared.call(|sim| sim.client().stop_video())
    }

    /// `switchCamera(cameraDeviceId)`.
    #[wasm_bindgen(js_name = switchCamera, unchecked_return_type = "Promise<\"\">")]
    pub fn switch_camera(
        &self,
        #[wasm_bindgen(js_name = cameraDeviceId, unchecked_param_type = "string")] camera_device_id: JsValue,
    ) -> js_sys::Promise {
        let id = camera_device_id.as_string().unwrap_or_default();
        self.shared.call(|sim| sim.client().switch_camera(&id))
    }

    /// `isCapturingVideo()`.
    #[wasm_bindgen(js_name = isCapturingVideo)]
    pub fn is_capturing_video(&self) -> bool {
        self.shared.sync();
        self.shared.sim.borrow_mut().client().is_capturing_video()
    }

    /// `getCameraList()`: `MediaDevice[]`.
    #[wasm_bindgen(js_name = getCameraList, unchecked_return_type = "MediaDevice[]")]
    pub fn get_camera_list(&self) -> JsValue {
        self.read(|sim| sim.client().get_camera_list())
    }

    /// `getActiveCamera()`.
    #[wasm_bindgen(js_name = getActiveCamera)]
    pub fn get_active_camera(&self) -> String {
        self.shared.sync();
        self.shared.sim.borrow_mut().client().get_active_camera()
    }

    /// `isSupportMultipleVideos()`.
    #[wasm_bindgen(js_name = isSupportMultipleVideos)]
    pub fn is_support_multiple_videos(&self) -> bool {
        self.shared
            .sim
            .borrow_mut()
            .client()
            .is_support_multiple_videos()
    }

    /// `getMaxRenderableVideos()`.
    #[wasm_bindgen(js_name = getMaxRenderableVideos)]
    pub fn get_max_renderable_videos(&self) -> u32 {
        self.shared
            .sim
            .borrow_mut()
            .client()
            .get_max_renderable_videos()
    }

    /// `isSupportHDVideo()`.
    #[wasm_bindgen(js_name = isSupportHDVideo)]
    pub fn is_support_hd_video(&self) -> bool {
        self.shared.sim.borrow_mut().client().is_support_hd_video()
    }

    /// `startShareScreen(canvas, options?)`: `canvas` must be an element
    /// (any object), else 6003.
    #[wasm_bindgen(js_name = startShareScreen, unchecked_return_type = "Promise<\"\">")]
    pub fn start_share_screen(
        &self,
        #[wasm_bindgen(unchecked_param_type = "object")] canvas: JsValue,
        #[wasm_bindgen(js_name = options, unchecked_optional_param_type = "object")]
        _options: JsValue,
    ) -> js_sys::Promise {
        if !canvas.is_object() {
            let f = failure::render_element();
            return self.shared.call(|sim| sim.reject_now(f));
        }
        self.shared.call(|sim| sim.client().start_share_screen())
    }

    /// `startShareView(canvas, activeUserId)`: `canvas` must be an element
    /// (any object), else 6003; the user must be sharing, else 6205.
    #[wasm_bindgen(js_name = startShareView, unchecked_return_type = "Promise<\"\">")]
    pub fn start_share_view(
        &self,
        #[wasm_bindgen(unchecked_param_type = "object")] canvas: JsValue,
        #[wasm_bindgen(js_name = activeUserId, unchecked_param_type = "number")] user_id: JsValue,
    ) -> js_sys::Promise {
        if !canvas.is_object() {
            let f = failure::render_element();
            return self.shared.call(|sim| sim.reject_now(f));
        }
        let user_id = user_id.as_f64().unwrap_or(0.0) as u32;
        self.shared
            .call(|sim| sim.client().start_share_view(user_id))
    }

    /// `stopShareView()`.
    #[wasm_bindgen(js_name = stopShareView, unchecked_return_type = "Promise<\"\">")]
    pub fn stop_share_view(&self) -> js_sys::Promise {
        self.shared.call(|sim| sim.client().stop_share_view())
    }

    /// `attachVideo(userId, videoQuality, element?)`: resolves with a
    /// `VideoPlayer` stand-in `{ userId, videoQuality }`; rejects with 6002
    /// outside a session, 6001 for an unknown user, 6111 past
    /// `getMaxRenderableVideos()`.
    #[wasm_bindgen(js_name = attachVideo, unchecked_return_type = "Promise<{ userId: number; videoQuality: number }>")]
    pub fn attach_video(
        &self,
        #[wasm_bindgen(js_name = userId, unchecked_param_type = "number")] user_id: JsValue,
        #[wasm_bindgen(js_name = videoQuality, unchecked_param_type = "number")]
        video_quality: JsValue,
        #[wasm_bindgen(js_name = element, unchecked_optional_param_type = "object")]
        _element: JsValue,
    ) -> js_sys::Promise {
        self.shared.sync();
        let (Some(user), Some(quality)) = (user_id.as_f64(), video_quality.as_f64()) else {
            return js_sys::Promise::reject(&to_js(&failure::user_mismatch()));
        };
        let (user, quality) = (user as u32, quality as u32);
        let failure = {
            let mut sim = self.shared.sim.borrow_mut();
            let max = sim.client().get_max_renderable_videos() as usize;
            let attached = self.shared.attached.borrow();
            if !sim.in_session() {
                Some(failure::join_required())
            } else if !sim
                .client()
                .get_all_user()
                .iter()
                .any(|p| p.user_id == user)
            {
                Some(failure::user_mismatch())
            } else if !attached.contains_key(&user) && attached.len() >= max {
                Some(failure::render_limit())
            } else {
                None
            }
        };
        if let Some(f) = failure {
            return js_sys::Promise::reject(&to_js(&f));
        }
        self.shared.attached.borrow_mut().insert(user, quality);
        let player = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&player, &"userId".into(), &JsValue::from(user));
        let _ = js_sys::Reflect::set(&player, &"videoQuality".into(), &JsValue::from(quality));
        js_sys::Promise::resolve(&JsValue::from(player))
    }

    /// `detachVideo(userId, element?)`.
    #[wasm_bindgen(js_name = detachVideo, unchecked_return_type = "Promise<unknown>")]
    pub fn detach_video(
        &self,
        #[wasm_bindgen(js_name = userId, unchecked_param_type = "number")] user_id: JsValue,
        #[wasm_bindgen(js_name = element, unchecked_optional_param_type = "object")]
        _element: JsValue,
    ) -> js_sys::Promise {
        if let Some(user) = user_id.as_f64() {
            self.shared.attached.borrow_mut().remove(&(user as u32));
        }
        js_sys::Promise::resolve(&JsValue::UNDEFINED)
    }

    /// `stopShareScreen()`.
    #[wasm_bindgen(js_name = stopShareScreen, unchecked_return_type = "Promise<\"\">")]
    pub fn stop_share_screen(&self) -> js_sys::Promise {
        self.shared.call(|sim| sim.client().stop_share_screen())
    }
}
