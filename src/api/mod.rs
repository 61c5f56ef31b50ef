//! What JavaScript sees: the `#[wasm_bindgen]` exports.

use std::future::Future;
use std::pin::Pin;

use wasm_bindgen::prelude::*;

use crate::client;
use crate::error::Error;
use crate::sdk::ZoomVideo;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &str = r#"
/** What the browser supports, from `ZoomVideo.checkSystemRequirements()`. */
export interface Compatibility { audio: boolean; video: boolean; screen: boolean }
/**
 * Every error zoomkit throws or rejects with: a class, so
 * `e instanceof ZoomkitError` works. `kind` is `zoom` when the SDK itself
 * failed, and then `type`, `errorCode` and `reason` are Zoom's own.
 */
export declare class ZoomkitError extends Error {
  /** An error with this message and, optionally, these fields (for apps' own tests and wrappers). */
  constructor(message: string, fields?: Partial<Omit<ZoomkitError, "name" | "message">>);
  name: "ZoomkitError";
  /**
   * `zoom`: the SDK rejected; `thrown`: an SDK call threw; `decode`: the SDK
   * answered in a shape zoomkit cannot read; `session`: `join()` ended in
   * another state; `usage`: the app passed something wrong.
   */
  kind: "zoom" | "thrown" | "decode" | "session" | "usage";
  /** The SDK call, for `zoom`, `thrown` and `decode`. */
  op?: string;
  /** The state `join()` ended in, for `session`. */
  state?: SessionState;
  /** Zoom's `type`, `errorCode` and `reason`, unchanged, when Zoom's error is behind it. */
  type?: string;
  errorCode?: number;
  reason?: string;
  /** zoomkit's reading of Zoom's error: where it comes from, whether to retry, what to do. */
  category?: ErrorCategory;
  retryable?: boolean;
  remedy?: Remedy;
  /** The remedy in a short English sentence. */
  hint?: string;
  /** For `usage` errors that are zoomkit's refusals: which one. */
  code?: RefusalCode;
}
/** Why zoomkit refused a call (`ZoomkitError.code`). */
export type RefusalCode =
  | "alreadyActive" | "notInSession" | "invalidOption" | "hostOnly" | "hostOrManagerOnly"
  | "unknownParticipant" | "chatNotAllowed" | "recordingState" | "noConsentAsked"
  | "unknownCommand" | "wrongOutput" | "unknownDevice";
/** The part of the SDK an error comes from (by Zoom's code ranges). */
export type ErrorCategory =
  | "internal" | "session" | "client" | "stream" | "audio" | "video" | "share"
  | "remoteControl" | "chat" | "commandChannel" | "recording" | "transcription"
  | "liveStream" | "incomingLiveStream" | "subsession" | "reaction" | "summary"
  | "qa" | "broadcastStreaming" | "whiteboard" | "realTimeMediaStreams"
  | "voiceTranslator" | "driver" | "unknown";

"#;

/// A Rust value as a JS value, as the exports return it.
pub(crate) fn to_js<T: zoomkit_core::wire::Encode + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    Ok(crate::json::to_js(value))
}

/// `future` as a JS promise. Every async export goes through here, so
/// `future_to_promise` and its task machinery are instantiated once, for a
/// boxed future, rather than once per export (each copy was ~1 KB of the wasm).
pub(crate) fn promise(
    future: impl Future<Output = Result<JsValue, JsValue>> + 'static,
) -> js_sys::Promise {
    boxed_promise(Box::pin(future))
}

fn boxed_promise(
    future: Pin<Box<dyn Future<Output = Result<JsValue, JsValue>>>>,
) -> js_sys::Promise {
    wasm_bindgen_futures::future_to_promise(future)
}

/// A `ZoomkitError` of kind `usage`.
pub(crate) fn usage(msg: impl Into<String>) -> JsValue {
    Error::Usage(msg.into()).into()
}

/// A thin typed handle on the SDK: the first contact with `ZoomVideo`,
/// useful on its own for pre-join checks (browser support, device lists).
///
/// ```js
/// import ZoomVideo from "@zoom/videosdk";
/// import { init, ZoomSdk } from "zoomkit";
/// await init();
/// const sdk = new ZoomSdk(ZoomVideo);
/// sdk.checkSystemRequirements(); // { audio, video, screen }
/// await sdk.init("en-US", "CDN");
/// await sdk.getDevices();        // { cameras, microphones, speakers }
/// ```
///
/// Joining is `Session`'s: it is the one join path, through the core's
/// state machine.
#[wasm_bindgen]
pub struct ZoomSdk {
    zoom: ZoomVideo,
}

#[wasm_bindgen]
impl ZoomSdk {
    /// Wraps `ZoomVideo` (or the simulator). Calls nothing yet.
    #[wasm_bindgen(constructor)]
    pub fn new(zoom_video: ZoomVideo) -> ZoomSdk {
        ZoomSdk { zoom: zoom_video }
    }

    /// Whether audio, video and screen sharing work in this browser.
    #[wasm_bindgen(js_name = checkSystemRequirements, unchecked_return_type = "Compatibility")]
    pub fn check_system_requirements(&self) -> Result<JsValue, JsValue> {
        let compat = client::check_system_requirements(&self.zoom)?;
        to_js(&compat)
    }

    /// Creates the client and initialises it. `dependentAssets` is `"CDN"`,
    /// `"Global"`, `"CN"` or the URL of a self-hosted copy of the SDK's `dist/lib`.
    #[wasm_bindgen(unchecked_return_type = "Promise<void>")]
    pub fn init(&self, language: String, dependent_assets: String) -> js_sys::Promise {
        let client = match self.zoom.create_client() {
            Ok(client) => client,
            Err(e) => return rejected(Error::from_js("ZoomVideo.createClient", e)),
        };
        promise(async move {
            client::init(&client, &language, &dependent_assets).await?;
            Ok(JsValue::UNDEFINED)
        })
    }

    /// The cameras, microphones and speakers the SDK sees (the browser's
    /// `MediaDeviceInfo`s, by kind).
    #[wasm_bindgen(js_name = getDevices, unchecked_return_type = "Promise<DeviceLists>")]
    pub fn get_devices(&self) -> js_sys::Promise {
        let zoom = self.zoom.clone();
        promise(async move {
            let devices = client::get_devices(&zoom).await?;
            to_js(&devices)
        })
    }

    /// Starts a local camera preview in `element` (a `<video>` or
    /// `<canvas>`) before joining. Resolves with a `Preview` whose `stop()`
    /// releases the camera; freeing the `Preview` stops it too.
    #[wasm_bindgen(js_name = startPreview, unchecked_return_type = "Promise<Preview>")]
    pub fn start_preview(
        &self,
        #[wasm_bindgen(unchecked_param_type = "HTMLVideoElement | HTMLCanvasElement")]
        element: JsValue,
        device_id: Option<String>,
    ) -> js_sys::Promise {
        const OP: &str = "ZoomVideo.createLocalVideoTrack";
        let track = match self.zoom.create_local_video_track(device_id) {
            Ok(track) => track,
            Err(e) => return rejected(Error::from_js(OP, e)),
        };
        promise(async move {
            client::settle("LocalVideoTrack.start", track.start(&element)).await?;
            Ok(Preview { track: Some(track) }.into())
        })
    }
}

/// A rejected promise: async exports reject, never throw.
fn rejected(error: Error) -> js_sys::Promise {
    js_sys::Promise::reject(&error.into())
}

mod session;
pub use session::Session;

mod chat;
mod host;
mod recording;
mod stats;

/// Takes an action through the core: a promise that settles with its
/// command's answer, or rejects at once with the core's refusal.
pub(crate) fn act(session: &Session, action: zoomkit_core::action::Action) -> js_sys::Promise {
    match session.driver().act(action) {
        Ok(promise) => promise,
        Err(e) => js_sys::Promise::reject(&Error::from(e).into()),
    }
}

/// A running local camera preview. `stop()` (or `free()`) releases the camera.
#[wasm_bindgen]
pub struct Preview {
    track: Option<crate::sdk::LocalVideoTrack>,
}

#[wasm_bindgen]
impl Preview {
    /// Stops the preview and releases the camera. Idempotent.
    #[wasm_bindgen(unchecked_return_type = "Promise<void>")]
    pub fn stop(&mut self) -> js_sys::Promise {
        let track = self.track.take();
        promise(async move {
            if let Some(track) = track {
                client::settle("LocalVideoTrack.stop", track.stop()).await?;
            }
            Ok(JsValue::UNDEFINED)
        })
    }

    /// Whether the preview is running.
    #[wasm_bindgen(getter)]
    pub fn running(&self) -> bool {
        self.track.is_some()
    }
}

impl Drop for Preview {
    fn drop(&mut self) {
        // Freed without stop(): release the camera anyway.
        if let Some(track) = self.track.take() {
            let _ = track.stop();
        }
    }
}

mod layout;
pub use layout::{layout_js, Layouter};

mod stage;
pub use stage::Stage;

mod quality;
pub use quality::QualityController;
