//! `Stage`: lays out a session's videos and attaches exactly the visible ones.
//!
//! Every decision is the core's [`zoomkit_core::stage::Stage`]: the layout,
//! the join order, the active share and speaker, the quality adaptation and
//! which videos to attach or detach. This glue feeds it the session (the
//! driver calls it after every change), the SDK events and the timer the
//! driver owns for it, the window's size and the page's visibility, and
//! carries out its outputs. Its window and document listeners are released,
//! and its videos detached, by `free()`.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use gloo::events::EventListener;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use zoomkit_core::layout::{LayoutInput, Viewport};
use zoomkit_core::stage::{StageConfig, StageError, StageInput, StageOutput, StreamInfo};
use zoomkit_core::UserId;

use crate::api::Session;
use crate::api::{to_js, usage};
use crate::driver::{now, Driver, StageCall, WeakDriver};
use zoomkit_core::log::LogKind;

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
    core: zoomkit_core::stage::Stage,
    on_layout: Option<js_sys::Function>,
    on_quality: Option<js_sys::Function>,
    listeners: Vec<EventListener>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        let Some(driver) = self.driver.upgrade() else {
            return;
        };
        driver.detach_stage();
        // Detach what we attached and end audio-only mode: the core says how.
        let _ = self.core.handle(now(), StageInput::Dispose);
        let stream = driver.stream().ok();
        while let Some(out) = self.core.poll() {
            match out {
                StageOutput::Detach { user_id } => {
                    // The SDK may already be gone.
                    if let Some(stream) = &stream {
                        let _ = stream.detach_video(user_id.0 as f64);
                    }
                }
                StageOutput::Session(input) => {
                    let _ = driver.handle(input);
                }
                _ => {}
            }
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

/// What the SDK's stream can do, if the session has one.
fn stream_info(driver: &Driver) -> Option<StreamInfo> {
    let stream = driver.stream().ok()?;
    let flag = |v: Result<JsValue, JsValue>| v.ok().and_then(|v| v.as_bool()).unwrap_or(false);
    Some(StreamInfo {
        max_renderable_videos: stream
            .get_max_renderable_videos()
            .ok()
            .and_then(|v| v.as_f64())
            .map(|n| n as u32),
        supports_multiple_videos: flag(stream.is_support_multiple_videos()),
        supports_hd_video: flag(stream.is_support_hd_video()),
        cross_origin_isolated: web_sys::window()
            .and_then(|w| js_sys::Reflect::get(&w, &"crossOriginIsolated".into()).ok())
            .and_then(|v| v.as_bool())
            .unwrap_or(false),
    })
}

#[wasm_bindgen]
impl Stage {
    /// A stage for `session`. A session has one stage at a time.
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
            zoomkit_core::stage::Stage::DEFAULT_MAX_VIDEOS,
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
        let mut config = StageConfig::new(input);
        config.fixed_viewport = fixed_viewport;
        config.fixed_budget = budget.is_some();
        config.video_webrtc_mode = get("videoWebrtcMode").as_bool().unwrap_or(false);
        let stage = Stage {
            inner: Rc::new(RefCell::new(Inner {
                driver,
                core: zoomkit_core::stage::Stage::new(config),
                on_layout,
                on_quality,
                listeners: Vec::new(),
            })),
        };
        let weak = Rc::downgrade(&stage.inner);
        let attached = session.driver().attach_stage(Rc::new(move |call| {
            if let Some(inner) = weak.upgrade() {
                let result = called(&inner, call);
                report(&inner, result);
            }
        }));
        if !attached {
            return Err(usage(
                "new Stage: this session already has a Stage; free() it first",
            ));
        }
        stage.listen();
        // A stage made for a session already under way lays out at once,
        // rather than at the session's next event.
        report(&stage.inner, sync(&stage.inner));
        Ok(stage)
    }

    fn listen(&self) {
        let mut listeners = Vec::new();
        if let Some(window) = web_sys::window() {
            let w = Rc::downgrade(&self.inner);
            listeners.push(EventListener::new(&window, "resize", move |_| {
                input_to(&w, StageInput::Window(window_viewport()));
            }));
            if let Some(document) = window.document() {
                let w = Rc::downgrade(&self.inner);
                let doc = document.clone();
                listeners.push(EventListener::new(
                    &document,
                    "visibilitychange",
                    move |_| input_to(&w, StageInput::Hidden(doc.hidden())),
                ));
            }
        }
        self.inner.borrow_mut().listeners = listeners;
    }

    fn input(&self, input: StageInput) -> Result<JsValue, JsValue> {
        let result = handle(&self.inner, |stage| stage.handle(now(), input));
        result.map_err(|e| usage(e.to_string()))?;
        to_js(self.inner.borrow().core.layout())
    }

    /// Lays out now and makes the attached videos match. Returns the layout.
    #[wasm_bindgen(unchecked_return_type = "Layout")]
    pub fn update(&self) -> Result<JsValue, JsValue> {
        sync(&self.inner).map_err(|e| usage(e.to_string()))?;
        to_js(self.inner.borrow().core.layout())
    }

    /// Sets the mode (`{ kind: "gallery" | "speaker" | "share" | "pip" }` or
    /// `{ kind: "fullscreen", userId }`) and lays out.
    #[wasm_bindgen(js_name = setMode, unchecked_return_type = "Layout")]
    pub fn set_mode(
        &self,
        #[wasm_bindgen(unchecked_param_type = "LayoutMode")] mode: JsValue,
    ) -> Result<JsValue, JsValue> {
        let mode = crate::json::from_js(&mode).map_err(|e| usage(format!("setMode: {e}")))?;
        self.input(StageInput::Mode(mode))
    }

    /// Shows gallery or filmstrip page `page` (0-based) and lays out.
    #[wasm_bindgen(js_name = setPage, unchecked_return_type = "Layout")]
    pub fn set_page(&self, page: u32) -> Result<JsValue, JsValue> {
        self.input(StageInput::Page(page))
    }

    /// Sets the area to lay out (stops following the window) and lays out.
    #[wasm_bindgen(js_name = setViewport, unchecked_return_type = "Layout")]
    pub fn set_viewport(&self, width: f64, height: f64) -> Result<JsValue, JsValue> {
        let dpr = self.inner.borrow().core.input().viewport.device_pixel_ratio;
        self.input(StageInput::Viewport(Viewport {
            width,
            height,
            device_pixel_ratio: dpr,
        }))
    }

    /// Pins a participant (always visible) and lays out.
    #[wasm_bindgen(unchecked_return_type = "Layout")]
    pub fn pin(&self, user_id: f64) -> Result<JsValue, JsValue> {
        self.input(StageInput::Pin(UserId(user_id as u64)))
    }

    /// Unpins a participant and lays out.
    #[wasm_bindgen(unchecked_return_type = "Layout")]
    pub fn unpin(&self, user_id: f64) -> Result<JsValue, JsValue> {
        self.input(StageInput::Unpin(UserId(user_id as u64)))
    }

    /// Names the active speaker yourself, over the SDK's `active-speaker`
    /// (which the stage follows on its own); `null` follows the SDK again.
    #[wasm_bindgen(js_name = setActiveSpeaker, unchecked_return_type = "Layout")]
    pub fn set_active_speaker(&self, user_id: Option<f64>) -> Result<JsValue, JsValue> {
        self.input(StageInput::ActiveSpeaker(user_id.map(|u| UserId(u as u64))))
    }

    /// The videos this stage has attached: `[userId, videoQuality][]`.
    #[wasm_bindgen(unchecked_return_type = "[number, number][]")]
    pub fn attached(&self) -> Result<JsValue, JsValue> {
        let list: Vec<(u64, u32)> = self
            .inner
            .borrow()
            .core
            .attached()
            .map(|(u, q)| (u.0, q as u32))
            .collect();
        to_js(&list)
    }

    /// Window and document listeners this stage holds. Its SDK events and
    /// its timer are the session's (`session.resources()`).
    #[wasm_bindgen(js_name = listenerCount)]
    pub fn listener_count(&self) -> usize {
        self.inner.borrow().listeners.len()
    }

    /// The quality controller's current decisions.
    #[wasm_bindgen(unchecked_return_type = "StageQuality")]
    pub fn quality(&self) -> Result<JsValue, JsValue> {
        to_js(&self.inner.borrow().core.quality())
    }
}

/// Logs a failure the app did not ask for (a layout after a session change).
fn report(inner: &Rc<RefCell<Inner>>, result: Result<(), StageError>) {
    if let Err(e) = result {
        let driver = inner.borrow().driver.upgrade();
        if let Some(driver) = driver {
            driver.log(
                LogKind::LayoutFailed,
                &format!("stage layout failed: {e}"),
                None,
                None,
            );
        }
    }
}

fn input_to(weak: &Weak<RefCell<Inner>>, input: StageInput) {
    if let Some(inner) = weak.upgrade() {
        let result = handle(&inner, |stage| stage.handle(now(), input));
        report(&inner, result);
    }
}

/// What the driver tells the stage.
fn called(inner: &Rc<RefCell<Inner>>, call: StageCall) -> Result<(), StageError> {
    match call {
        StageCall::Sdk(event) => handle(inner, |stage| stage.handle(now(), StageInput::Sdk(event))),
        StageCall::Session => sync(inner),
        StageCall::Timeout => handle(inner, |stage| stage.handle(now(), StageInput::Timeout)),
    }
}

/// Reads the session into the core stage.
fn sync(inner: &Rc<RefCell<Inner>>) -> Result<(), StageError> {
    let Some(driver) = inner.borrow().driver.upgrade() else {
        return Ok(());
    };
    let stream = stream_info(&driver);
    handle(inner, |stage| {
        driver.with_core(|session| stage.sync(now(), session, stream))
    })
}

/// Runs `f` on the core stage, then carries out its outputs with no borrow
/// held (app callbacks and the session may call back into the stage).
fn handle(
    inner: &Rc<RefCell<Inner>>,
    f: impl FnOnce(&mut zoomkit_core::stage::Stage) -> Result<(), StageError>,
) -> Result<(), StageError> {
    let (outputs, at, driver, on_layout, on_quality) = {
        let mut st = inner.borrow_mut();
        f(&mut st.core)?;
        let mut outputs = Vec::new();
        while let Some(out) = st.core.poll() {
            outputs.push(out);
        }
        (
            outputs,
            st.core.poll_timeout(),
            st.driver.upgrade(),
            st.on_layout.clone(),
            st.on_quality.clone(),
        )
    };
    let Some(driver) = driver else {
        return Ok(());
    };
    driver.arm_stage_timer(at);
    let stream = driver.stream().ok();
    for out in outputs {
        match out {
            StageOutput::Detach { user_id } => {
                if let Some(stream) = &stream {
                    let _ = stream.detach_video(user_id.0 as f64);
                }
            }
            StageOutput::Attach { user_id, quality } => {
                // A refused attach (render limit, user gone) shows as no
                // video in that tile; the core tries again at the next layout.
                let attached = stream
                    .as_ref()
                    .and_then(|s| s.attach_video(user_id.0 as f64, quality as u32).ok());
                if let Some(promise) = attached {
                    let weak = Rc::downgrade(inner);
                    wasm_bindgen_futures::spawn_local(async move {
                        if crate::driver::settle(promise).await.is_err() {
                            input_to(&weak, StageInput::AttachFailed(user_id));
                        }
                    });
                }
            }
            StageOutput::Session(input) => {
                // The core session takes both in every state.
                let _ = driver.handle(input);
            }
            StageOutput::Layout => {
                if let Some(cb) = &on_layout {
                    let v = crate::json::to_js(inner.borrow().core.layout());
                    if let Err(e) = cb.call1(&JsValue::NULL, &v) {
                        driver.log(LogKind::CallbackThrew, "onLayout threw", None, Some(&e));
                    }
                }
            }
            StageOutput::Quality => {
                if let Some(cb) = &on_quality {
                    let v = crate::json::to_js(&inner.borrow().core.quality());
                    if let Err(e) = cb.call1(&JsValue::NULL, &v) {
                        driver.log(LogKind::CallbackThrew, "onQuality threw", None, Some(&e));
                    }
                }
            }
            StageOutput::Diagnostic(d) => {
                driver.log(LogKind::QualityDiagnostic, d.message(), None, None);
            }
            _ => {}
        }
    }
    Ok(())
}
