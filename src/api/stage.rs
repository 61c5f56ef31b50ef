//! `Stage`: lays out a session's videos and attaches exactly the visible ones.
//!
//! The layout is the core's decision (`zoomkit_core::layout`); the stage
//! only feeds it the session's participants and the viewport, then makes the
//! SDK match: `attachVideo` for tiles that carry a quality, `detachVideo` for
//! everyone else. It re-lays out when participants change, on `resize`, and
//! on `visibilitychange` (a hidden page detaches everything). Its window and
//! document listeners and its session subscription are released by `free()`.

use std::cell::RefCell;
use std::rc::{Rc, Weak};
use zoomkit_core::vecmap::VecMap;

use gloo::events::EventListener;
use gloo::timers::callback::Timeout;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use zoomkit_core::layout::{
    Layout, LayoutInput, LayoutMode, LayoutParticipant, Layouter, Viewport,
};
use zoomkit_core::quality::{
    Capabilities, Diagnostic, QualityController, QualityInput, QualityOutput, VideoQuality,
};
use zoomkit_core::UserId;

use crate::api::Session;
use crate::api::{to_js, usage};
use crate::driver::{now, SdkListener, WeakDriver};
use crate::sdk::events;
use zoomkit_core::wire::{Decode as _, Value};

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &str = r#"
/** `Stage` options. */
export interface StageOptions {
  /** Called with every new layout. */
  onLayout?: (layout: Layout) => void;
  /** The area to lay out; default: the window's inner size. */
  viewport?: { width: number; height: number; devicePixelRatio?: number };
  mode?: LayoutMode;
  pageSize?: number;
  gap?: number;
  hideSelfView?: boolean;
  /** The render budget; default: the SDK's `getMaxRenderableVideos()` (or 9 before joining). */
  maxRenderableVideos?: number;
  /** Called when the quality decisions change (see `Stage.quality()`). */
  onQuality?: (quality: StageQuality) => void;
  /** The token was signed with `video_webrtc_mode: 1`. */
  videoWebrtcMode?: boolean;
}
/** The quality controller's current decisions, as the stage applies them. */
export interface StageQuality {
  /** What to capture at (the SDK's `VideoQuality` number), once decided. */
  capture: number | null;
  /** The most videos to render. */
  maxVideos: number | null;
  /** Video is off for the network's sake. */
  audioOnly: boolean;
  /** Per-user receive caps: `[userId, quality][]`. */
  receive: [number, number][];
  /** Why quality is limited and what would unlock more. */
  diagnostics: { kind: string; message: string }[];
}
"#;

struct Inner {
    /// Weak: a stage must not keep a freed session alive.
    driver: WeakDriver,
    layouter: Layouter,
    input: LayoutInput,
    fixed_viewport: bool,
    fixed_budget: bool,
    join_seq: VecMap<UserId, u64>,
    next_seq: u64,
    attached: VecMap<u64, u32>,
    hidden: bool,
    on_layout: Option<js_sys::Function>,
    listeners: Vec<EventListener>,
    session_listener: Option<u32>,
    session_callback: Option<Closure<dyn FnMut(JsValue)>>,
    quality: QualityController,
    quality_listeners: Vec<SdkListener>,
    quality_timer: Option<Timeout>,
    quality_ready: bool,
    /// The controller's camera decisions (capture quality, audio-only), to
    /// hand to the session once the stage is no longer borrowed.
    camera_inputs: Vec<zoomkit_core::Input>,
    video_webrtc_mode: bool,
    sdk_max_videos: u32,
    /// Diagnostics are events, not state: the controller tells each once.
    diagnostics: Vec<Diagnostic>,
    on_quality: Option<js_sys::Function>,
}

/// What `Stage.quality()` returns.
#[derive(zoomkit_core::wire::Encode)]
#[serde(rename_all = "camelCase")]
struct StageQuality<'a> {
    capture: Option<VideoQuality>,
    max_videos: Option<u32>,
    audio_only: bool,
    receive: Vec<(u64, VideoQuality)>,
    diagnostics: &'a [Diagnostic],
}

impl Inner {
    fn quality_view(&self) -> StageQuality<'_> {
        // A loop, not filter_map/collect: less wasm for the same list.
        let mut receive = Vec::new();
        for t in &self.layouter.last().tiles {
            if let Some(q) = self.quality.receive_quality(t.user_id) {
                receive.push((t.user_id.0, q));
            }
        }
        StageQuality {
            capture: self.quality.capture_quality(),
            max_videos: self.quality.max_videos(),
            audio_only: self.quality.audio_only(),
            receive,
            diagnostics: &self.diagnostics,
        }
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        let Some(driver) = self.driver.upgrade() else {
            return;
        };
        if let Some(id) = self.session_listener.take() {
            driver.off(id);
        }
        // Detach what we attached; the SDK may already be gone.
        if let Ok(stream) = driver.stream() {
            for user in self.attached.keys() {
                let _ = stream.detach_video(*user as f64);
            }
        }
        // Without a stage nothing would end audio-only mode: end it now.
        if self.quality.audio_only() {
            let _ = driver.handle(zoomkit_core::Input::AudioOnly(false));
        }
    }
}

/// Lays out a session's videos and attaches exactly the visible ones.
///
/// ```js
/// const stage = new Stage(session, { onLayout: (l) => render(l.tiles) });
/// stage.setMode({ kind: "speaker" });
/// stage.pin(userId);
/// // ... later
/// stage.free(); // releases its listeners and detaches its videos
/// ```
#[wasm_bindgen]
pub struct Stage {
    inner: Rc<RefCell<Inner>>,
}

fn window_viewport() -> Viewport {
    let Some(w) = web_sys::window() else {
        return Viewport::new(1280.0, 720.0);
    };
    let num = |v: Result<JsValue, JsValue>| v.ok().and_then(|v| v.as_f64()).filter(|v| *v > 0.0);
    Viewport {
        width: num(w.inner_width()).unwrap_or(1280.0),
        height: num(w.inner_height()).unwrap_or(720.0),
        device_pixel_ratio: w.device_pixel_ratio().max(0.5),
    }
}

#[wasm_bindgen]
impl Stage {
    /// A stage for `session`.
    #[wasm_bindgen(constructor)]
    pub fn new(
        session: &Session,
        #[wasm_bindgen(unchecked_param_type = "StageOptions | undefined")] options: JsValue,
    ) -> Result<Stage, JsValue> {
        let driver = session.driver().downgrade();
        let get = |k: &str| {
            if options.is_object() {
                js_sys::Reflect::get(&options, &JsValue::from_str(k)).unwrap_or(JsValue::UNDEFINED)
            } else {
                JsValue::UNDEFINED
            }
        };
        let callback = |name: &str| -> Result<Option<js_sys::Function>, JsValue> {
            let v = get(name);
            match v.dyn_ref::<js_sys::Function>() {
                Some(f) => Ok(Some(f.clone())),
                None if v.is_undefined() => Ok(None),
                None => Err(usage(format!("new Stage: `{name}` must be a function"))),
            }
        };
        let on_layout = callback("onLayout")?;
        let on_quality = callback("onQuality")?;
        let viewport = get("viewport");
        let fixed_viewport = !viewport.is_undefined();
        let mut input = LayoutInput::new(
            if fixed_viewport {
                crate::json::from_js(&viewport)
                    .map_err(|e| usage(format!("new Stage: viewport: {e}")))?
            } else {
                window_viewport()
            },
            9,
        );
        let mode = get("mode");
        if !mode.is_undefined() {
            input.mode =
                crate::json::from_js(&mode).map_err(|e| usage(format!("new Stage: mode: {e}")))?;
        }
        if let Some(n) = get("pageSize").as_f64() {
            input.page_size = n as u32;
        }
        if let Some(g) = get("gap").as_f64() {
            input.gap = g;
        }
        input.hide_self_view = get("hideSelfView").as_bool().unwrap_or(false);
        let budget = get("maxRenderableVideos").as_f64();
        if let Some(b) = budget {
            input.max_renderable_videos = b as u32;
        }
        let stage = Stage {
            inner: Rc::new(RefCell::new(Inner {
                driver,
                layouter: Layouter::new(),
                input,
                fixed_viewport,
                fixed_budget: budget.is_some(),
                join_seq: VecMap::new(),
                next_seq: 0,
                attached: VecMap::new(),
                hidden: false,
                on_layout,
                listeners: Vec::new(),
                session_listener: None,
                session_callback: None,
                quality: QualityController::new(Default::default()),
                quality_listeners: Vec::new(),
                quality_timer: None,
                quality_ready: false,
                camera_inputs: Vec::new(),
                video_webrtc_mode: get("videoWebrtcMode").as_bool().unwrap_or(false),
                sdk_max_videos: 9,
                diagnostics: Vec::new(),
                on_quality,
            })),
        };
        stage.listen();
        // A stage made for a session already under way lays out at once,
        // rather than at the session's next event.
        if let Err(e) = update(&stage.inner) {
            web_sys::console::error_1(&format!("zoomkit: stage layout failed: {e}").into());
        }
        Ok(stage)
    }

    fn listen(&self) {
        let weak = Rc::downgrade(&self.inner);
        let relayout = move |weak: &Weak<RefCell<Inner>>| {
            if let Some(inner) = weak.upgrade() {
                if let Err(e) = update(&inner) {
                    web_sys::console::error_1(&format!("zoomkit: stage layout failed: {e}").into());
                }
            }
        };
        let mut listeners = Vec::new();
        if let Some(window) = web_sys::window() {
            let w = weak.clone();
            listeners.push(EventListener::new(&window, "resize", move |_| {
                if let Some(inner) = w.upgrade() {
                    let fixed = inner.borrow().fixed_viewport;
                    if !fixed {
                        inner.borrow_mut().input.viewport = window_viewport();
                    }
                }
                relayout(&w);
            }));
            if let Some(document) = window.document() {
                let w = weak.clone();
                let doc = document.clone();
                listeners.push(EventListener::new(
                    &document,
                    "visibilitychange",
                    move |_| {
                        if let Some(inner) = w.upgrade() {
                            inner.borrow_mut().hidden = doc.hidden();
                        }
                        relayout(&w);
                    },
                ));
            }
        }
        let w = weak.clone();
        let callback = Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
            let name = js_sys::Reflect::get(&event, &"event".into())
                .ok()
                .and_then(|v| v.as_string())
                .unwrap_or_default();
            if name.starts_with("participant") || name == "stateChanged" || name == "videoChanged" {
                relayout(&w);
            }
        });
        let mut inner = self.inner.borrow_mut();
        let f = callback
            .as_ref()
            .unchecked_ref::<js_sys::Function>()
            .clone();
        inner.session_listener = inner.driver.upgrade().map(|d| d.on("*".to_owned(), f));
        inner.session_callback = Some(callback);
        inner.listeners = listeners;
    }

    /// Lays out now and makes the attached videos match. Returns the layout.
    #[wasm_bindgen(unchecked_return_type = "Layout")]
    pub fn update(&self) -> Result<JsValue, JsValue> {
        let layout = update(&self.inner).map_err(usage)?;
        to_js(&layout)
    }

    /// Sets the mode (`{ kind: "gallery" | "speaker" | "share" | "pip" }` or
    /// `{ kind: "fullscreen", userId }`) and lays out.
    #[wasm_bindgen(js_name = setMode, unchecked_return_type = "Layout")]
    pub fn set_mode(
        &self,
        #[wasm_bindgen(unchecked_param_type = "LayoutMode")] mode: JsValue,
    ) -> Result<JsValue, JsValue> {
        let mode: LayoutMode =
            crate::json::from_js(&mode).map_err(|e| usage(format!("setMode: {e}")))?;
        self.inner.borrow_mut().input.mode = mode;
        self.update()
    }

    /// Shows gallery or filmstrip page `page` (0-based) and lays out.
    #[wasm_bindgen(js_name = setPage, unchecked_return_type = "Layout")]
    pub fn set_page(&self, page: u32) -> Result<JsValue, JsValue> {
        self.inner.borrow_mut().input.page = page;
        self.update()
    }

    /// Sets the area to lay out (stops following the window) and lays out.
    #[wasm_bindgen(js_name = setViewport, unchecked_return_type = "Layout")]
    pub fn set_viewport(&self, width: f64, height: f64) -> Result<JsValue, JsValue> {
        {
            let mut inner = self.inner.borrow_mut();
            inner.fixed_viewport = true;
            let dpr = inner.input.viewport.device_pixel_ratio;
            inner.input.viewport = Viewport {
                width,
                height,
                device_pixel_ratio: dpr,
            };
        }
        self.update()
    }

    /// Pins a participant (always visible) and lays out.
    #[wasm_bindgen(unchecked_return_type = "Layout")]
    pub fn pin(&self, user_id: f64) -> Result<JsValue, JsValue> {
        let id = UserId(user_id as u64);
        {
            let mut inner = self.inner.borrow_mut();
            if !inner.input.pins.contains(&id) {
                inner.input.pins.push(id);
            }
        }
        self.update()
    }

    /// Unpins a participant and lays out.
    #[wasm_bindgen(unchecked_return_type = "Layout")]
    pub fn unpin(&self, user_id: f64) -> Result<JsValue, JsValue> {
        let id = UserId(user_id as u64);
        self.inner.borrow_mut().input.pins.retain(|p| *p != id);
        self.update()
    }

    /// Sets the active speaker (from the SDK's `active-speaker`) and lays out.
    #[wasm_bindgen(js_name = setActiveSpeaker, unchecked_return_type = "Layout")]
    pub fn set_active_speaker(&self, user_id: Option<f64>) -> Result<JsValue, JsValue> {
        self.inner.borrow_mut().input.active_speaker = user_id.map(|u| UserId(u as u64));
        self.update()
    }

    /// The videos this stage has attached: `[userId, videoQuality][]`.
    #[wasm_bindgen(unchecked_return_type = "[number, number][]")]
    pub fn attached(&self) -> Result<JsValue, JsValue> {
        let list: Vec<(u64, u32)> = self
            .inner
            .borrow()
            .attached
            .iter()
            .map(|(u, q)| (*u, *q))
            .collect();
        to_js(&list)
    }

    /// Window/document listeners, SDK listeners, timers and session
    /// subscriptions this stage holds.
    #[wasm_bindgen(js_name = listenerCount)]
    pub fn listener_count(&self) -> usize {
        let inner = self.inner.borrow();
        inner.listeners.len()
            + inner.quality_listeners.len()
            + usize::from(inner.quality_timer.is_some())
            + usize::from(inner.session_listener.is_some())
    }

    /// The quality controller's current decisions.
    #[wasm_bindgen(unchecked_return_type = "StageQuality")]
    pub fn quality(&self) -> Result<JsValue, JsValue> {
        let inner = self.inner.borrow();
        to_js(&inner.quality_view())
    }
}

/// Builds the input from the session, lays out, and reconciles attachments.
fn update(inner: &Rc<RefCell<Inner>>) -> Result<Layout, String> {
    let (layout, to_attach, to_detach, on_layout, stream, quality_note) = {
        let mut guard = inner.borrow_mut();
        let st = &mut *guard;
        let driver = st.driver.upgrade().ok_or("the session was freed")?;
        let (participants, self_id, in_session) = driver.with_core(|c| {
            let list: Vec<(UserId, bool)> =
                c.participants().map(|p| (p.user_id, p.video_on)).collect();
            let in_session = matches!(
                c.state().name(),
                zoomkit_core::StateName::Connected | zoomkit_core::StateName::Reconnecting
            );
            (list, c.self_user(), in_session)
        });
        let stream = if in_session {
            driver.stream().ok()
        } else {
            None
        };
        if let Some(stream) = &stream {
            if let Some(n) = stream
                .get_max_renderable_videos()
                .ok()
                .and_then(|v| v.as_f64())
            {
                st.sdk_max_videos = n as u32;
            }
            if !st.quality_ready {
                st.quality_ready = true;
                let flag =
                    |v: Result<JsValue, JsValue>| v.ok().and_then(|v| v.as_bool()).unwrap_or(false);
                let caps = Capabilities {
                    cross_origin_isolated: web_sys::window()
                        .and_then(|w| js_sys::Reflect::get(&w, &"crossOriginIsolated".into()).ok())
                        .and_then(|v| v.as_bool())
                        .unwrap_or(false),
                    supports_multiple_videos: flag(stream.is_support_multiple_videos()),
                    max_renderable_videos: st.sdk_max_videos,
                    supports_hd_video: flag(stream.is_support_hd_video()),
                    video_webrtc_mode: st.video_webrtc_mode,
                };
                let t = now();
                let _ = st.quality.handle(t, QualityInput::Capabilities(caps));
                if let Some(me) = self_id {
                    let _ = st.quality.handle(t, QualityInput::SelfUser(me));
                }
            }
        } else {
            // Out of a session: release the SDK listeners and the timer.
            st.quality_listeners.clear();
            st.quality_timer = None;
            st.quality_ready = false;
        }
        if !st.fixed_budget {
            st.input.max_renderable_videos = st.quality.video_budget(st.sdk_max_videos);
        }
        st.input.participants.clear();
        for (user_id, video_on) in participants {
            let seq = match st.join_seq.get(&user_id) {
                Some(s) => *s,
                None => {
                    st.next_seq += 1;
                    st.join_seq.insert(user_id, st.next_seq);
                    st.next_seq
                }
            };
            st.input.participants.push(LayoutParticipant {
                user_id,
                join_seq: seq,
                video_on,
            });
        }
        st.input.self_id = self_id;
        let mut layout = st
            .layouter
            .layout(&st.input)
            .map_err(|e| e.to_string())?
            .clone();
        let mut quality_changed = false;
        if stream.is_some() {
            st.quality.set_layout(now(), &layout);
            quality_changed = drain_quality(st);
            // A new video budget from the controller changes the layout
            // itself: lay out once more with it.
            let budget = st.quality.video_budget(st.sdk_max_videos);
            if !st.fixed_budget && budget != st.input.max_renderable_videos {
                st.input.max_renderable_videos = budget;
                layout = st
                    .layouter
                    .layout(&st.input)
                    .map_err(|e| e.to_string())?
                    .clone();
                st.quality.set_layout(now(), &layout);
                quality_changed |= drain_quality(st);
            }
        }
        // The app hears of new decisions after the borrow is released, so
        // its callback may call back into the stage.
        let quality_note = if quality_changed {
            st.on_quality
                .clone()
                .map(|cb| (cb, crate::json::to_js(&st.quality_view())))
        } else {
            None
        };
        // What should be attached: tiles with a quality (capped by the
        // quality controller), unless the page is hidden, the network is
        // audio-only, or we are not in a session.
        let want: VecMap<u64, u32> = if stream.is_some() {
            st.quality
                .attachments(&layout, !st.hidden)
                .map(|(user, q)| (user.0, q as u32))
                .collect()
        } else {
            VecMap::new()
        };
        let to_detach: Vec<u64> = st
            .attached
            .keys()
            .filter(|u| !want.contains_key(u))
            .copied()
            .collect();
        let to_attach: Vec<(u64, u32)> = want
            .iter()
            .filter(|(u, q)| st.attached.get(u) != Some(q))
            .map(|(u, q)| (*u, *q))
            .collect();
        st.attached = want;
        (
            layout,
            to_attach,
            to_detach,
            st.on_layout.clone(),
            stream,
            quality_note,
        )
    };
    if let Some((cb, value)) = quality_note {
        if let Err(e) = cb.call1(&JsValue::NULL, &value) {
            web_sys::console::error_2(&"zoomkit: onQuality threw:".into(), &e);
        }
    }
    if stream.is_some() {
        subscribe_quality(inner, &driver_of(inner));
        arm_quality_timer(inner);
    }
    apply_capture(inner);
    if let Some(stream) = stream {
        for user in to_detach {
            let _ = stream.detach_video(user as f64);
        }
        for (user, quality) in to_attach {
            // A failed attach (render limit, user gone) shows as no video in
            // that tile; the next layout tries again.
            if let Ok(p) = stream.attach_video(user as f64, quality) {
                let weak = Rc::downgrade(inner);
                wasm_bindgen_futures::spawn_local(async move {
                    if crate::driver::settle(p).await.is_err() {
                        if let Some(inner) = weak.upgrade() {
                            inner.borrow_mut().attached.remove(&user);
                        }
                    }
                });
            }
        }
    }
    if let Some(cb) = on_layout {
        let v = crate::json::to_js(&layout);
        if let Err(e) = cb.call1(&JsValue::NULL, &v) {
            web_sys::console::error_2(&"zoomkit: onLayout threw:".into(), &e);
        }
    }

    Ok(layout)
}

/// Hands the controller's camera decisions to the session: the capture
/// quality (it restarts the camera with the matching `startVideo` options
/// when it must) and audio-only mode (it pauses a wanted camera).
fn apply_capture(inner: &Rc<RefCell<Inner>>) {
    let (driver, inputs) = {
        let mut st = inner.borrow_mut();
        (st.driver.upgrade(), std::mem::take(&mut st.camera_inputs))
    };
    if let Some(driver) = driver {
        for input in inputs {
            // The core takes both in every state.
            let _ = driver.handle(input);
        }
    }
}

fn driver_of(inner: &Rc<RefCell<Inner>>) -> Option<crate::driver::Driver> {
    inner.borrow().driver.upgrade()
}

/// Applies the controller's decisions to the stage's state; returns whether
/// they changed.
fn drain_quality(st: &mut Inner) -> bool {
    let mut changed = false;
    while let Some(out) = st.quality.poll() {
        match out {
            // The session applies these to the camera.
            QualityOutput::SetCaptureQuality { quality } => st
                .camera_inputs
                .push(zoomkit_core::Input::CaptureQuality(quality)),
            QualityOutput::AudioOnly { on } => {
                st.camera_inputs.push(zoomkit_core::Input::AudioOnly(on));
            }
            // The controller keeps these; the stage reads them back.
            QualityOutput::SetReceiveQuality { .. } | QualityOutput::SetMaxVideos { .. } => {}
            QualityOutput::Diagnostic { diagnostic } => {
                web_sys::console::warn_1(&format!("zoomkit: {}", diagnostic.message()).into());
                st.diagnostics.push(diagnostic);
            }
            // `poll` answers `Timeout` for as long as a timer is needed: it
            // ends the drain (the timer is armed from `poll_timeout`).
            _ => break,
        }
        changed = true;
    }
    changed
}

/// Subscribes to the SDK's quality events once per session.
fn subscribe_quality(inner: &Rc<RefCell<Inner>>, driver: &Option<crate::driver::Driver>) {
    if !inner.borrow().quality_listeners.is_empty() {
        return;
    }
    let Some(client) = driver.as_ref().and_then(|d| d.client().ok()) else {
        return;
    };
    let mut listeners = Vec::new();
    for &event in events::QUALITY {
        let weak = Rc::downgrade(inner);
        let callback = Closure::<dyn FnMut(JsValue)>::new(move |payload: JsValue| {
            let Some(inner) = weak.upgrade() else { return };
            let input = crate::json::value(&payload)
                .and_then(|payload| {
                    QualityInput::decode(&Value::Object(vec![
                        ("kind".to_owned(), Value::String(event.to_owned())),
                        ("payload".to_owned(), payload),
                    ]))
                })
                .map_err(|e| e.to_string());
            let result = match input {
                Ok(input) => inner
                    .borrow_mut()
                    .quality
                    .handle(now(), input)
                    .map_err(|e| e.to_string()),
                Err(e) => Err(e),
            };
            if let Err(e) = result {
                // A payload that does not match the SDK's documented shape is
                // reported, never silently dropped.
                web_sys::console::warn_1(
                    &format!("zoomkit: `{event}` payload not understood: {e}").into(),
                );
                return;
            }
            if let Err(e) = update(&inner) {
                web_sys::console::error_1(&format!("zoomkit: stage layout failed: {e}").into());
            }
        });
        match SdkListener::new(&client, event, callback) {
            Ok(l) => listeners.push(l),
            Err(e) => web_sys::console::warn_2(
                &format!("zoomkit: cannot listen to `{event}`:").into(),
                &e,
            ),
        }
    }
    inner.borrow_mut().quality_listeners = listeners;
}

/// One timer for the controller's hysteresis holds.
fn arm_quality_timer(inner: &Rc<RefCell<Inner>>) {
    let at = inner.borrow().quality.poll_timeout();
    let Some(at) = at else {
        inner.borrow_mut().quality_timer = None;
        return;
    };
    let delay = u32::try_from(at.as_millis().saturating_sub(now().as_millis())).unwrap_or(u32::MAX);
    let weak = Rc::downgrade(inner);
    let timer = Timeout::new(delay, move || {
        let Some(inner) = weak.upgrade() else { return };
        inner.borrow_mut().quality_timer = None;
        let _ = inner
            .borrow_mut()
            .quality
            .handle(now(), QualityInput::Timeout);
        if let Err(e) = update(&inner) {
            web_sys::console::error_1(&format!("zoomkit: stage layout failed: {e}").into());
        }
    });
    inner.borrow_mut().quality_timer = Some(timer);
}
