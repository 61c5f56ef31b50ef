//! The driver: the only place where the core meets the browser.
//!
//! It turns SDK events, timers and browser signals into core inputs, and core
//! commands into SDK calls whose promises come back as `Input::Done`. It owns
//! every JS handle it creates — SDK listeners, `window` listeners, the timer —
//! as values whose `Drop` releases them, and drops them all when the session
//! reaches a terminal state or the driver itself is dropped. It decides
//! nothing: every `if` about behaviour lives in `zoomkit-core`.

use std::cell::RefCell;
use std::rc::{Rc, Weak};
use zoomkit_core::vecmap::VecMap;

use gloo::events::EventListener;
use gloo::timers::callback::Timeout;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use zoomkit_core::outcome::Settle;
pub use zoomkit_core::outcome::Wait;
use zoomkit_core::stage::StageSdkEvent;
use zoomkit_core::{
    BrowserSignal, Command, CommandId, CommandOutput, DeviceList, Event, Input, Instant, Op,
    Output, SdkEvent, StorageArea, StorageWrite, UserId, ZoomError,
};

use crate::error::js_message;
use crate::sdk::{events, AudioOption, CaptureVideoOption, Stream, VideoClient, ZoomVideo};
use zoomkit_core::log::LogKind;

/// The wall clock as the core's [`Instant`] (Unix milliseconds, so a token's
/// `exp` compares directly).
pub fn now() -> Instant {
    Instant::from_millis(js_sys::Date::now().max(0.0) as u64)
}

/// Milliseconds from now until `at`, for a `setTimeout`.
fn delay_until(at: Instant) -> u32 {
    u32::try_from(at.as_millis().saturating_sub(now().as_millis())).unwrap_or(u32::MAX)
}

/// What the driver tells the session's `Stage`, which holds no SDK listener
/// or timer of its own.
pub(crate) enum StageCall {
    /// An SDK event in `events::STAGE`.
    Sdk(StageSdkEvent),
    /// The session may have changed (participants, state, media).
    Session,
    /// The stage's timer fired.
    Timeout,
}

/// How the driver reaches the stage.
pub(crate) type StageHook = Rc<dyn Fn(StageCall)>;

/// What the app gives the driver besides the core's config.
pub struct Options {
    /// `ZoomVideo` or the simulator's look-alike.
    pub zoom: ZoomVideo,
    /// `({ topic, reason }) => Promise<string> | string`.
    pub token_provider: js_sys::Function,
    /// `init`'s language.
    pub language: String,
    /// `init`'s dependent assets: `CDN`, `Global`, `CN` or a URL.
    pub dependent_assets: String,
    /// The element `startShareScreen` renders into, if the app shares.
    pub share_element: Option<JsValue>,
    /// Whether to write and read zoomkit's own storage keys.
    pub storage: bool,
    /// Keys become `zoomkit:<namespace>:resume` and so on, so two sessions
    /// on one origin (two widgets, a QA page) keep their own.
    pub storage_namespace: Option<String>,
    /// The app's `logger`: every diagnostic goes there instead of the console.
    pub(crate) logger: crate::log::Logger,
}

/// One SDK subscription; `Drop` calls `client.off` with the same callback.
pub(crate) struct SdkListener {
    client: VideoClient,
    event: &'static str,
    callback: Closure<dyn FnMut(JsValue)>,
}

impl SdkListener {
    /// Subscribes `callback` to `event` on `client`.
    fn new(
        client: &VideoClient,
        event: &'static str,
        callback: Closure<dyn FnMut(JsValue)>,
    ) -> Result<SdkListener, JsValue> {
        client.on(event, callback.as_ref().unchecked_ref())?;
        Ok(SdkListener {
            client: client.clone(),
            event,
            callback,
        })
    }
}

impl Drop for SdkListener {
    fn drop(&mut self) {
        // `off` failing means the client is already gone; nothing to release.
        let _ = self
            .client
            .off(self.event, self.callback.as_ref().unchecked_ref());
    }
}

/// A JS callback registered with `Session.on`.
struct AppListener {
    id: u32,
    name: String,
    callback: js_sys::Function,
}

struct Waiter {
    resolve: js_sys::Function,
    reject: js_sys::Function,
}

/// Counts of what the driver holds, for tests that prove cleanup.
#[derive(Debug, Clone, Copy, Default, zoomkit_core::wire::Encode)]
#[serde(rename_all = "camelCase")]
pub struct Resources {
    /// SDK event listeners registered on the client.
    pub sdk_listeners: usize,
    /// `window` and `document` listeners (online, offline, pagehide,
    /// pageshow, visibilitychange).
    pub browser_listeners: usize,
    /// Armed timers.
    pub timers: usize,
    /// SDK or token-provider calls awaiting an answer.
    pub pending_commands: usize,
    /// `join()`/`leave()` promises not yet settled.
    pub waiters: usize,
}

struct Inner {
    core: zoomkit_core::Session,
    opts: Options,
    client: Option<VideoClient>,
    sdk_listeners: Vec<SdkListener>,
    /// With the signal each gives (`visibilitychange`: `Visible`, and `Hidden`).
    browser_listeners: Vec<(BrowserSignal, EventListener)>,
    timer: Option<Timeout>,
    app_listeners: Vec<AppListener>,
    next_listener_id: u32,
    cancelled: VecMap<CommandId, ()>,
    in_flight: VecMap<CommandId, ()>,
    join_waiters: Vec<Waiter>,
    leave_waiters: Vec<Waiter>,
    /// Promises of `Session::act` (chat, host controls, recording), by the
    /// command whose answer settles them.
    action_waiters: VecMap<CommandId, (Waiter, &'static str)>,
    stage: Option<StageHook>,
    stage_timer: Option<Timeout>,
    /// The app's canvas for others' shares (`setShareView`).
    share_canvas: Option<JsValue>,
}

/// The driver. Cheap to clone (shared state); the last clone dropped releases
/// everything.
#[derive(Clone)]
pub struct Driver {
    inner: Rc<RefCell<Inner>>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        // Dropped without `leave()` (the app called `free()`): the core
        // decides whether there is a session to leave. Only its `leave` is
        // carried out: nothing would hear any answer now.
        let _ = self.core.handle(now(), Input::Dispose);
        // `poll` ends with the next `Timeout` (or nothing).
        while let Some(output) = self.core.poll() {
            match (output, &self.client) {
                (Output::Timeout(_), _) => break,
                (
                    Output::Command(Command {
                        op: Op::Leave { end },
                        ..
                    }),
                    Some(client),
                ) => {
                    let _ = client.leave(end);
                }
                _ => {}
            }
        }
        // Fields drop next: listeners call `off`, the timer is cleared.
    }
}

impl Driver {
    /// A driver around a fresh core session.
    pub fn new(core: zoomkit_core::Session, opts: Options) -> Driver {
        Driver {
            inner: Rc::new(RefCell::new(Inner {
                core,
                opts,
                client: None,
                sdk_listeners: Vec::new(),
                browser_listeners: Vec::new(),
                timer: None,
                app_listeners: Vec::new(),
                next_listener_id: 1,
                cancelled: VecMap::new(),
                in_flight: VecMap::new(),
                join_waiters: Vec::new(),
                leave_waiters: Vec::new(),
                action_waiters: VecMap::new(),
                stage: None,
                stage_timer: None,
                share_canvas: None,
            })),
        }
    }

    /// A handle that does not keep the session alive.
    pub(crate) fn downgrade(&self) -> WeakDriver {
        WeakDriver(self.weak())
    }

    fn weak(&self) -> Weak<RefCell<Inner>> {
        Rc::downgrade(&self.inner)
    }

    fn from_weak(weak: &Weak<RefCell<Inner>>) -> Option<Driver> {
        weak.upgrade().map(|inner| Driver { inner })
    }

    /// Reads the core.
    pub fn with_core<R>(&self, f: impl FnOnce(&zoomkit_core::Session) -> R) -> R {
        f(&self.inner.borrow().core)
    }

    /// What the driver holds right now.
    pub fn resources(&self) -> Resources {
        let inner = self.inner.borrow();
        Resources {
            sdk_listeners: inner.sdk_listeners.len(),
            browser_listeners: inner.browser_listeners.len(),
            timers: usize::from(inner.timer.is_some()) + usize::from(inner.stage_timer.is_some()),
            pending_commands: inner.in_flight.len(),
            waiters: inner.join_waiters.len()
                + inner.leave_waiters.len()
                + inner.action_waiters.len(),
        }
    }

    /// Feeds one input to the core and carries out what it asks.
    pub fn handle(&self, input: Input) -> Result<(), zoomkit_core::CoreError> {
        self.inner.borrow_mut().core.handle(now(), input)?;
        self.pump();
        Ok(())
    }

    /// A promise that settles when the session is connected or has ended
    /// ([`Wait::Join`]), or has left or ended ([`Wait::Leave`]), after
    /// `start` has fed the core. The waiter is registered before `start`
    /// runs, since the core may get there synchronously; if `start` is
    /// refused, the waiter is dropped again (nothing would ever settle it,
    /// and `resources()` would count it) and the refusal is returned.
    pub fn promise_for(
        &self,
        wait: Wait,
        start: impl FnOnce(&Driver) -> Result<(), zoomkit_core::CoreError>,
    ) -> Result<js_sys::Promise, zoomkit_core::CoreError> {
        let mut waiter = None;
        let promise = js_sys::Promise::new(&mut |resolve, reject| {
            waiter = Some(resolve.clone());
            let mut inner = self.inner.borrow_mut();
            let list = match wait {
                Wait::Join => &mut inner.join_waiters,
                Wait::Leave => &mut inner.leave_waiters,
            };
            list.push(Waiter { resolve, reject });
        });
        if let Err(e) = start(self) {
            if let Some(resolve) = waiter {
                let mut inner = self.inner.borrow_mut();
                inner.join_waiters.retain(|w| w.resolve != resolve);
                inner.leave_waiters.retain(|w| w.resolve != resolve);
            }
            return Err(e);
        }
        Ok(promise)
    }

    /// The app gives (`Some`) or takes back its canvas for others' shares;
    /// the core decides what to start or stop on it.
    pub(crate) fn set_share_view(&self, canvas: Option<JsValue>) {
        {
            let mut inner = self.inner.borrow_mut();
            let wanted = canvas.is_some();
            // `stopShareView` takes no canvas: a taken-back one is let go now.
            inner.share_canvas = canvas;
            inner.core.set_share_view(now(), wanted);
        }
        self.pump();
    }

    /// The app's canvas for others' shares (`undefined` without one: the
    /// core only starts a view while it has one).
    pub(crate) fn share_canvas(&self) -> JsValue {
        self.inner
            .borrow()
            .share_canvas
            .clone()
            .unwrap_or(JsValue::UNDEFINED)
    }

    /// Takes an action (chat, host control, recording): the core checks it
    /// and issues one command; the promise settles with that command's
    /// answer (see `crate::actions`).
    pub(crate) fn act(
        &self,
        action: zoomkit_core::action::Action,
    ) -> Result<js_sys::Promise, zoomkit_core::CoreError> {
        let id = self.inner.borrow_mut().core.act(now(), action)?;
        let op = self
            .with_core(|c| {
                c.pending_commands()
                    .find(|(i, _)| *i == id)
                    .and_then(|(_, op)| op.sdk_methods().last().copied())
            })
            .unwrap_or("action");
        let promise = js_sys::Promise::new(&mut |resolve, reject| {
            self.inner
                .borrow_mut()
                .action_waiters
                .insert(id, (Waiter { resolve, reject }, op));
        });
        self.pump();
        Ok(promise)
    }

    /// `Session.on(name, callback)`; returns the id for [`Driver::off`].
    pub fn on(&self, name: String, callback: js_sys::Function) -> u32 {
        let mut inner = self.inner.borrow_mut();
        let id = inner.next_listener_id;
        inner.next_listener_id += 1;
        inner.app_listeners.push(AppListener { id, name, callback });
        id
    }

    /// Removes an app listener.
    pub fn off(&self, id: u32) {
        self.inner.borrow_mut().app_listeners.retain(|l| l.id != id);
    }

    /// Number of app listeners.
    pub fn app_listener_count(&self) -> usize {
        self.inner.borrow().app_listeners.len()
    }

    /// Drains the core's outputs. Outputs are collected under the borrow and
    /// carried out after it, so app callbacks may call back into the session.
    fn pump(&self) {
        loop {
            let output = self.inner.borrow_mut().core.poll();
            let Some(output) = output else {
                self.inner.borrow_mut().timer = None;
                break;
            };
            match output {
                Output::Command(cmd) => self.execute(cmd),
                Output::Cancel(id) => {
                    let waiter = {
                        let mut inner = self.inner.borrow_mut();
                        if inner.in_flight.remove(&id).is_some() {
                            inner.cancelled.insert(id, ());
                        }
                        inner.action_waiters.remove(&id)
                    };
                    if let Some((waiter, op)) = waiter {
                        crate::actions::cancelled(&waiter.reject, op);
                    }
                }
                Output::Event(event) => self.dispatch(&event),
                Output::Storage(write) => self.store(&write),
                Output::Timeout(at) => {
                    self.arm_timer(at);
                    break;
                }
                _ => {}
            }
        }
        self.settle_waiters();
        self.release_unneeded();
        let stage = self.inner.borrow().stage.clone();
        if let Some(hook) = stage {
            hook(StageCall::Session);
        }
    }

    fn arm_timer(&self, at: Instant) {
        let weak = self.weak();
        let timer = Timeout::new(delay_until(at), move || {
            if let Some(driver) = Driver::from_weak(&weak) {
                driver.inner.borrow_mut().timer = None;
                let _ = driver.handle(Input::Timeout);
            }
        });
        // Replacing the old timer drops (clears) it.
        self.inner.borrow_mut().timer = Some(timer);
    }

    /// Settles the `join()` and `leave()` promises the core's state settles.
    fn settle_waiters(&self) {
        let (join, leave) = {
            let inner = self.inner.borrow();
            let state = inner.core.state();
            (state.settle(Wait::Join), state.settle(Wait::Leave))
        };
        let take = |settle: &Settle, list: fn(&mut Inner) -> &mut Vec<Waiter>| match settle {
            Settle::Pending => Vec::new(),
            _ => std::mem::take(list(&mut self.inner.borrow_mut())),
        };
        let joins = take(&join, |i| &mut i.join_waiters);
        let leaves = take(&leave, |i| &mut i.leave_waiters);
        for (settle, waiters) in [(join, joins), (leave, leaves)] {
            for w in waiters {
                match &settle {
                    Settle::Resolve(state) => {
                        let _ = w
                            .resolve
                            .call1(&JsValue::NULL, &JsValue::from_str(state.as_str()));
                    }
                    Settle::Reject(failure) => {
                        let err = crate::error::Error::Session {
                            state: failure.state.as_str(),
                            detail: failure.detail.clone(),
                            error: failure.error.clone().map(Box::new),
                            class: failure.classification,
                        };
                        let _ = w.reject.call1(&JsValue::NULL, &JsValue::from(err));
                    }
                    Settle::Pending => {}
                }
            }
        }
    }

    /// Releases the listeners and timers the core no longer needs
    /// ([`Listening`](zoomkit_core::Listening)): once the session is over,
    /// now rather than at `free()`. They are dropped after the borrow, since
    /// dropping one calls into JS.
    fn release_unneeded(&self) {
        let released = {
            let mut inner = self.inner.borrow_mut();
            let listening = inner.core.listening();
            let (keep, browser): (Vec<_>, Vec<_>) = std::mem::take(&mut inner.browser_listeners)
                .into_iter()
                .partition(|(signal, _)| listening.browser(*signal));
            inner.browser_listeners = keep;
            let sdk = (!listening.sdk()).then(|| std::mem::take(&mut inner.sdk_listeners));
            let timers = [
                inner.timer.take_if(|_| !listening.sdk()),
                inner.stage_timer.take_if(|_| !listening.sdk()),
            ];
            (sdk, browser, timers)
        };
        drop(released);
    }

    fn dispatch(&self, event: &Event) {
        if let Event::StateChanged {
            from, to, cause, ..
        } = event
        {
            let mut text = String::from(from.as_str());
            for part in [" -> ", to.as_str(), " (", cause.as_str(), ")"] {
                text.push_str(part);
            }
            self.log(LogKind::StateChanged, &text, None, None);
        }
        let value = crate::json::to_js(event);
        let name = js_sys::Reflect::get(&value, &JsValue::from_str("event"))
            .ok()
            .and_then(|v| v.as_string())
            .unwrap_or_default();
        self.emit(&name, &value);
    }

    /// Calls the app's listeners for `name` and for `*`. A listener that
    /// throws is reported on the console and does not stop the others.
    pub fn emit(&self, name: &str, value: &JsValue) {
        let callbacks: Vec<js_sys::Function> = self
            .inner
            .borrow()
            .app_listeners
            .iter()
            .filter(|l| l.name == name || l.name == "*")
            .map(|l| l.callback.clone())
            .collect();
        for cb in callbacks {
            if let Err(e) = cb.call1(&JsValue::NULL, value) {
                self.log(
                    LogKind::ListenerThrew,
                    &format!("a `{name}` listener threw"),
                    None,
                    Some(&e),
                );
            }
        }
    }

    /// Logs a diagnostic through the app's `logger` (or the console).
    pub(crate) fn log(
        &self,
        kind: LogKind,
        message: &str,
        op: Option<&'static str>,
        detail: Option<&JsValue>,
    ) {
        let logger = self.inner.borrow().opts.logger.clone();
        logger.log(kind, message, op, detail);
    }

    fn store(&self, write: &StorageWrite) {
        if !self.inner.borrow().opts.storage {
            return;
        }
        let Some(window) = web_sys::window() else {
            return;
        };
        let storage = match write.key.area() {
            StorageArea::Session => window.session_storage(),
            StorageArea::Local => window.local_storage(),
        };
        // Storage can be unavailable (private mode, quota): resume is then
        // simply not offered; the session itself is unaffected.
        if let Ok(Some(storage)) = storage {
            let name = self.key_name(write.key);
            let _ = match &write.value {
                Some(v) => storage.set_item(&name, v),
                None => storage.remove_item(&name),
            };
        }
    }

    /// The storage key's name, in this session's namespace if it has one.
    fn key_name(&self, key: zoomkit_core::StorageKey) -> String {
        match &self.inner.borrow().opts.storage_namespace {
            Some(ns) => {
                let name = key.as_str();
                let rest = name.strip_prefix("zoomkit:").unwrap_or(name);
                let mut out = String::with_capacity(name.len() + ns.len() + 1);
                for part in ["zoomkit:", ns, ":", rest] {
                    out.push_str(part);
                }
                out
            }
            None => key.as_str().to_owned(),
        }
    }

    /// Reads one of zoomkit's own storage keys.
    pub fn load(&self, key: zoomkit_core::StorageKey) -> Option<String> {
        if !self.inner.borrow().opts.storage {
            return None;
        }
        let window = web_sys::window()?;
        let storage = match key.area() {
            StorageArea::Session => window.session_storage(),
            StorageArea::Local => window.local_storage(),
        };
        storage.ok()??.get_item(&self.key_name(key)).ok()?
    }

    /// Subscribes to the SDK's events and the browser's signals (online,
    /// offline, pagehide, pageshow from the page cache, visibilitychange),
    /// once per client.
    fn subscribe(&self, client: &VideoClient) -> Result<(), ZoomError> {
        if !self.inner.borrow().sdk_listeners.is_empty() {
            return Ok(());
        }
        let mut listeners = Vec::new();
        for &event in events::ALL {
            listeners.push(self.sdk_listener(client, event, Driver::on_sdk_event)?);
        }
        // One listener per event: an event both the stage and the
        // session read goes to both.
        for &event in events::STAGE {
            let on: fn(&Driver, &'static str, JsValue) = if events::FEATURES.contains(&event) {
                Driver::on_stage_and_feature_event
            } else {
                Driver::on_stage_event
            };
            listeners.push(self.sdk_listener(client, event, on)?);
        }
        for &event in events::FEATURES {
            if !events::STAGE.contains(&event) {
                listeners.push(self.sdk_listener(client, event, Driver::on_feature_event)?);
            }
        }
        let mut browser = Vec::new();
        if let Some(window) = web_sys::window() {
            let signal_of = |name: &'static str| -> fn(&web_sys::Event) -> Option<BrowserSignal> {
                match name {
                    "online" => |_| Some(BrowserSignal::Online),
                    "offline" => |_| Some(BrowserSignal::Offline),
                    "pagehide" => |_| Some(BrowserSignal::PageHide),
                    // Only a page restored from the back/forward cache.
                    "pageshow" => |e| {
                        js_sys::Reflect::get(e, &JsValue::from_str("persisted"))
                            .ok()
                            .and_then(|p| p.as_bool())
                            .unwrap_or(false)
                            .then_some(BrowserSignal::PageShow)
                    },
                    _ => |_| {
                        let hidden = web_sys::window()
                            .and_then(|w| w.document())
                            .is_some_and(|d| d.hidden());
                        Some(if hidden {
                            BrowserSignal::Hidden
                        } else {
                            BrowserSignal::Visible
                        })
                    },
                }
            };
            for (name, gives) in [
                ("online", BrowserSignal::Online),
                ("offline", BrowserSignal::Offline),
                ("pagehide", BrowserSignal::PageHide),
                ("pageshow", BrowserSignal::PageShow),
            ] {
                browser.push((gives, self.browser_listener(&window, signal_of(name), name)));
            }
            if let Some(document) = window.document() {
                let name = "visibilitychange";
                browser.push((
                    BrowserSignal::Visible,
                    self.browser_listener(&document, signal_of(name), name),
                ));
            }
        }
        let mut inner = self.inner.borrow_mut();
        inner.sdk_listeners = listeners;
        inner.browser_listeners = browser;
        Ok(())
    }

    /// A listener for `event` on `client` that hands its payload to `on`.
    fn sdk_listener(
        &self,
        client: &VideoClient,
        event: &'static str,
        on: fn(&Driver, &'static str, JsValue),
    ) -> Result<SdkListener, ZoomError> {
        let weak = self.weak();
        let callback = Closure::<dyn FnMut(JsValue)>::new(move |payload: JsValue| {
            if let Some(driver) = Driver::from_weak(&weak) {
                on(&driver, event, payload);
            }
        });
        SdkListener::new(client, event, callback)
            .map_err(|e| ZoomError::driver(format!("client.on({event}) threw: {}", js_message(&e))))
    }

    /// An event for the session's `Stage`, if it has one.
    fn on_stage_event(&self, event: &'static str, payload: JsValue) {
        let Some(hook) = self.inner.borrow().stage.clone() else {
            return;
        };
        let decoded = crate::json::value(&payload)
            .and_then(|v| StageSdkEvent::decode_wire(event, &v))
            .map_err(|e| e.to_string());
        match decoded {
            Ok(ev) => hook(StageCall::Sdk(ev)),
            // A payload that does not match the SDK's documented shape is
            // reported, never silently dropped.
            Err(e) => self.report("sdkPayloadError", event, &e, &payload),
        }
    }

    /// An event both the stage and the session read (`active-speaker`,
    /// `active-share-change`, `network-quality-change`).
    fn on_stage_and_feature_event(&self, event: &'static str, payload: JsValue) {
        self.on_feature_event(event, payload.clone());
        self.on_stage_event(event, payload);
    }

    /// An event of chat, host controls or recording, for the core.
    fn on_feature_event(&self, event: &'static str, payload: JsValue) {
        let decoded = crate::json::value(&payload)
            .and_then(|v| zoomkit_core::action::FeatureSdkEvent::decode_wire(event, &v))
            .map_err(|e| e.to_string());
        match decoded {
            Ok(ev) => {
                self.inner.borrow_mut().core.feature_event(now(), ev);
                self.pump();
            }
            Err(e) => self.report("sdkPayloadError", event, &e, &payload),
        }
    }

    /// Gives the session a `Stage`: it hears the SDK events in
    /// `events::STAGE`, every change of the session, and its timer. A
    /// session has one stage at a time; `false` when it already has one.
    pub(crate) fn attach_stage(&self, hook: StageHook) -> bool {
        let mut inner = self.inner.borrow_mut();
        if inner.stage.is_some() {
            return false;
        }
        inner.stage = Some(hook);
        true
    }

    /// The stage is gone: stop telling it, and clear its timer.
    pub(crate) fn detach_stage(&self) {
        let mut inner = self.inner.borrow_mut();
        inner.stage = None;
        inner.stage_timer = None;
    }

    /// Arms (or, with `None`, clears) the stage's one timer.
    pub(crate) fn arm_stage_timer(&self, at: Option<Instant>) {
        let timer = at.map(|at| {
            let weak = self.weak();
            Timeout::new(delay_until(at), move || {
                let Some(driver) = Driver::from_weak(&weak) else {
                    return;
                };
                let hook = {
                    let mut inner = driver.inner.borrow_mut();
                    inner.stage_timer = None;
                    inner.stage.clone()
                };
                if let Some(hook) = hook {
                    hook(StageCall::Timeout);
                }
            })
        });
        self.inner.borrow_mut().stage_timer = timer;
    }

    /// A listener on `target` that feeds `signal(event)` to the core.
    fn browser_listener(
        &self,
        target: &web_sys::EventTarget,
        signal: fn(&web_sys::Event) -> Option<BrowserSignal>,
        name: &'static str,
    ) -> EventListener {
        let weak = self.weak();
        EventListener::new(target, name, move |event| {
            if let (Some(driver), Some(signal)) = (Driver::from_weak(&weak), signal(event)) {
                let _ = driver.handle(Input::Browser(signal));
            }
        })
    }

    fn on_sdk_event(&self, event: &'static str, payload: JsValue) {
        let decoded = crate::json::value(&payload)
            .and_then(|v| SdkEvent::decode_wire(event, &v))
            .map_err(|e| e.to_string());
        match decoded {
            Ok(ev) => {
                if let Err(e) = self.handle(Input::Sdk(ev)) {
                    self.report("sdkEventRejected", event, &e.to_string(), &payload);
                }
            }
            // A payload that does not match the SDK's documented shape is
            // reported, never silently dropped.
            Err(e) => self.report("sdkPayloadError", event, &e.to_string(), &payload),
        }
    }

    fn report(&self, kind: &str, sdk_event: &'static str, message: &str, payload: &JsValue) {
        let log_kind = if kind == "sdkPayloadError" {
            LogKind::SdkPayloadError
        } else {
            LogKind::SdkEventRejected
        };
        self.log(log_kind, message, Some(sdk_event), Some(payload));
        let obj = js_sys::Object::new();
        let set = |k: &str, v: &JsValue| {
            let _ = js_sys::Reflect::set(&obj, &JsValue::from_str(k), v);
        };
        set("event", &JsValue::from_str(kind));
        set("sdkEvent", &JsValue::from_str(sdk_event));
        set("message", &JsValue::from_str(message));
        set("payload", payload);
        self.emit(kind, &obj);
    }

    fn execute(&self, cmd: Command) {
        // The op's name only: its fields may hold a token or a message.
        self.log(LogKind::Command, "issued", Some(cmd.op.name()), None);
        self.inner.borrow_mut().in_flight.insert(cmd.id, ());
        let weak = self.weak();
        let this = self.clone();
        // The future holds the driver only until the SDK call has started;
        // awaiting holds a weak handle so a freed session is not kept alive.
        let op = cmd.op.name();
        let call = this.start(cmd.op);
        drop(this);
        wasm_bindgen_futures::spawn_local(async move {
            let result = call.await;
            let Some(driver) = Driver::from_weak(&weak) else {
                return;
            };
            let answered = {
                let mut inner = driver.inner.borrow_mut();
                inner.in_flight.remove(&cmd.id).is_some()
                    && inner.cancelled.remove(&cmd.id).is_none()
            };
            let waiter = driver.inner.borrow_mut().action_waiters.remove(&cmd.id);
            if let Some((waiter, op)) = waiter {
                crate::actions::settle(&waiter.resolve, &waiter.reject, op, &result);
            }
            if answered {
                match &result {
                    Ok(_) => driver.log(LogKind::Answer, "answered", Some(op), None),
                    Err(e) => driver.log(LogKind::Answer, &e.to_string(), Some(op), None),
                }
                if let Err(e) = driver.handle(Input::Done { id: cmd.id, result }) {
                    driver.log(
                        LogKind::AnswerRefused,
                        &format!("core refused the answer to {}: {e}", cmd.id),
                        Some(op),
                        None,
                    );
                }
            } else {
                driver.inner.borrow_mut().cancelled.remove(&cmd.id);
            }
        });
    }

    pub(crate) fn client(&self) -> Result<VideoClient, ZoomError> {
        self.inner
            .borrow()
            .client
            .clone()
            .ok_or_else(|| ZoomError::driver("the SDK client is not created yet"))
    }

    pub(crate) fn stream(&self) -> Result<Stream, ZoomError> {
        self.client()?
            .get_media_stream()
            .map_err(|e| threw("client.getMediaStream", &e))
    }

    /// Starts the SDK call for `op` now (synchronously, so calls keep the
    /// order the core issued them in) and returns its outcome as a future.
    fn start(
        &self,
        op: Op,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<CommandOutput, ZoomError>>>>
    {
        let started = self.start_promise(&op);
        let driver = self.weak();
        Box::pin(async move {
            let (kind, promise) = started?;
            let value = match promise {
                Some(p) => settle(p).await?,
                None => JsValue::UNDEFINED,
            };
            match kind {
                Answer::Unit => Ok(CommandOutput::Unit),
                Answer::ChatMessage => crate::actions::chat_message(&value),
                Answer::Token => value
                    .as_string()
                    .filter(|t| !t.is_empty())
                    .map(CommandOutput::Token)
                    .ok_or_else(|| {
                        ZoomError::driver("the token provider did not return a non-empty string")
                    }),
                Answer::Joined => {
                    let user_id = Driver::from_weak(&driver)
                        .and_then(|d| d.client().ok())
                        .and_then(|c| c.get_current_user_info().ok())
                        .and_then(|info| {
                            js_sys::Reflect::get(&info, &JsValue::from_str("userId")).ok()
                        })
                        .and_then(|v| v.as_f64())
                        .map(|id| UserId(id as u64));
                    Ok(CommandOutput::Joined { user_id })
                }
                Answer::Devices(list) => Ok(CommandOutput::Devices(list)),
            }
        })
    }

    fn start_promise(&self, op: &Op) -> Result<(Answer, Option<js_sys::Promise>), ZoomError> {
        // Each arm names the call and returns what it returned; a throw is
        // turned into an error once, below, rather than in every arm.
        let (what, called): (&str, Result<js_sys::Promise, JsValue>) = match op {
            Op::FetchToken { topic, reason } => {
                let request = js_sys::Object::new();
                let _ = js_sys::Reflect::set(&request, &"topic".into(), &JsValue::from_str(topic));
                let reason = crate::json::to_js(reason);
                let _ = js_sys::Reflect::set(&request, &"reason".into(), &reason);
                let provider = self.inner.borrow().opts.token_provider.clone();
                let value = provider.call1(&JsValue::NULL, &request);
                (
                    "the token provider",
                    value.map(|v| js_sys::Promise::resolve(&v)),
                )
            }
            Op::Init => {
                let (zoom, language, assets) = {
                    let inner = self.inner.borrow();
                    (
                        inner.opts.zoom.clone(),
                        inner.opts.language.clone(),
                        inner.opts.dependent_assets.clone(),
                    )
                };
                let client = zoom
                    .create_client()
                    .map_err(|e| threw("ZoomVideo.createClient", &e))?;
                self.inner.borrow_mut().client = Some(client.clone());
                self.subscribe(&client)?;
                (
                    "client.init",
                    client.init(&language, &assets, &JsValue::UNDEFINED),
                )
            }
            Op::Join {
                topic,
                token,
                user_name,
                session_password,
                session_idle_timeout_mins,
            } => {
                let client = self.client()?;
                self.subscribe(&client)?;
                (
                    "client.join",
                    client.join(
                        topic,
                        token,
                        user_name,
                        session_password.clone(),
                        *session_idle_timeout_mins,
                    ),
                )
            }
            Op::Leave { end } => ("client.leave", self.client()?.leave(*end)),
            Op::StartAudio {
                mute,
                microphone_id,
                speaker_id,
            } => {
                let opts = crate::json::to_js(&AudioOption {
                    mute: *mute,
                    microphone_id: microphone_id.clone(),
                    speaker_id: speaker_id.clone(),
                });
                ("stream.startAudio", self.stream()?.start_audio(&opts))
            }
            Op::StopAudio => ("stream.stopAudio", self.stream()?.stop_audio()),
            Op::MuteAudio => ("stream.muteAudio", self.stream()?.mute_audio()),
            Op::UnmuteAudio => ("stream.unmuteAudio", self.stream()?.unmute_audio()),
            Op::SwitchMicrophone { microphone_id } => (
                "stream.switchMicrophone",
                self.stream()?.switch_microphone(microphone_id),
            ),
            Op::SwitchSpeaker { speaker_id } => (
                "stream.switchSpeaker",
                self.stream()?.switch_speaker(speaker_id),
            ),
            Op::StartVideo { camera_id, capture } => {
                let opts = crate::json::to_js(&CaptureVideoOption {
                    camera_id: camera_id.clone(),
                    hd: capture.hd(),
                    full_hd: capture.full_hd(),
                });
                ("stream.startVideo", self.stream()?.start_video(&opts))
            }
            Op::StopVideo => ("stream.stopVideo", self.stream()?.stop_video()),
            Op::SwitchCamera { camera_device_id } => (
                "stream.switchCamera",
                self.stream()?.switch_camera(camera_device_id),
            ),
            Op::StartShareScreen => {
                // The core refuses a share without a `shareElement` (its
                // `Config::share_target`), so one is here.
                let element = self
                    .inner
                    .borrow()
                    .opts
                    .share_element
                    .clone()
                    .unwrap_or_default();
                (
                    "stream.startShareScreen",
                    self.stream()?.start_share_screen(&element),
                )
            }
            Op::StopShareScreen => ("stream.stopShareScreen", self.stream()?.stop_share_screen()),
            Op::ListDevices => {
                let stream = self.stream()?;
                let list = DeviceList {
                    cameras: devices(stream.get_camera_list(), "stream.getCameraList")?,
                    microphones: devices(stream.get_mic_list(), "stream.getMicList")?,
                    speakers: devices(stream.get_speaker_list(), "stream.getSpeakerList")?,
                };
                return Ok((Answer::Devices(list), None));
            }
            action if action.is_action() => {
                let (what, called) = crate::actions::call(self, action)?;
                let answer = match action {
                    Op::SendChat { .. } | Op::SendChatToAll { .. } => Answer::ChatMessage,
                    _ => Answer::Unit,
                };
                return Ok((answer, Some(called.map_err(|e| threw(what, &e))?)));
            }
            other => {
                return Err(ZoomError::driver(format!(
                    "zoomkit's driver does not implement `{}` yet",
                    other.name()
                )))
            }
        };
        let promise = called.map_err(|e| threw(what, &e))?;
        let answer = match op {
            Op::FetchToken { .. } => Answer::Token,
            Op::Join { .. } => Answer::Joined,
            _ => Answer::Unit,
        };
        Ok((answer, Some(promise)))
    }
}

/// "`what` threw: message", for a JS call that threw.
pub(crate) fn threw(what: &str, e: &JsValue) -> ZoomError {
    let mut reason = String::from(what);
    reason.push_str(" threw: ");
    reason.push_str(&js_message(e));
    ZoomError::driver(reason)
}

/// A [`Driver`] that does not keep the session alive (for the `Stage`).
#[derive(Clone)]
pub(crate) struct WeakDriver(Weak<RefCell<Inner>>);

impl WeakDriver {
    /// The driver, if the session still exists.
    pub(crate) fn upgrade(&self) -> Option<Driver> {
        Driver::from_weak(&self.0)
    }
}

/// What a settled promise is turned into.
enum Answer {
    Unit,
    ChatMessage,
    Token,
    Joined,
    Devices(DeviceList),
}

fn devices(
    list: Result<JsValue, JsValue>,
    op: &str,
) -> Result<Vec<zoomkit_core::Device>, ZoomError> {
    let list = list.map_err(|e| threw(op, &e))?;
    crate::json::from_js(&list)
        .map_err(|e| ZoomError::driver(format!("{op} returned an unexpected value: {e}")))
}

/// Awaits an SDK promise. Zoom rejects with `{type, reason, errorCode}`, and
/// some calls resolve with that object instead of rejecting: both become a
/// typed [`ZoomError`]; anything else thrown keeps its message.
pub async fn settle(promise: js_sys::Promise) -> Result<JsValue, ZoomError> {
    match JsFuture::from(promise).await {
        Ok(value) => match zoom_error(&value) {
            Some(err) => Err(err),
            None => Ok(value),
        },
        Err(value) => {
            Err(zoom_error(&value).unwrap_or_else(|| ZoomError::driver(js_message(&value))))
        }
    }
}

/// Decodes Zoom's `ExecutedFailure` shape; `None` for anything else.
pub fn zoom_error(value: &JsValue) -> Option<ZoomError> {
    if !value.is_object() || value.is_instance_of::<js_sys::Error>() {
        return None;
    }
    let has = |k: &str| js_sys::Reflect::has(value, &JsValue::from_str(k)).unwrap_or(false);
    if !(has("errorCode") || has("type")) || !has("reason") {
        return None;
    }
    crate::json::from_js(value).ok()
}
