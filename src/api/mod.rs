//! What JavaScript sees: the `#[wasm_bindgen]` exports.

use std::future::Future;
use std::pin::Pin;

use wasm_bindgen::prelude::*;

use crate::client;
use crate::error::Error;
use crate::sdk::{VideoClient, ZoomVideo};

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &str = r#"
/** What the browser supports, from `ZoomVideo.checkSystemRequirements()`. */
export interface Compatibility { audio: boolean; video: boolean; screen: boolean }
/** One camera, microphone or speaker. `deviceId` rotates between origins; `label` is stabler. */
export interface Device { deviceId: string; kind: "camera" | "microphone" | "speaker"; label: string; groupId: string }
/**
 * Every error zoomkit throws or rejects with. `kind` is `zoom` when the SDK
 * itself failed, and then `type`, `errorCode` and `reason` are Zoom's own.
 */
export interface ZoomkitError extends Error {
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
}
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
/// await sdk.getDevices();        // Device[]
/// ```
#[wasm_bindgen]
pub struct ZoomSdk {
    zoom: ZoomVideo,
    client: Option<VideoClient>,
}

#[wasm_bindgen]
impl ZoomSdk {
    /// Wraps `ZoomVideo` (or the simulator). Calls nothing yet.
    #[wasm_bindgen(constructor)]
    pub fn new(zoom_video: ZoomVideo) -> ZoomSdk {
        ZoomSdk {
            zoom: zoom_video,
            client: None,
        }
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
    pub fn init(
        &mut self,
        language: String,
        dependent_assets: String,
    ) -> Result<js_sys::Promise, JsValue> {
        let client = self
            .zoom
            .create_client()
            .map_err(|e| Error::from_js("ZoomVideo.createClient", e))?;
        self.client = Some(client.clone());
        Ok(promise(async move {
            client::init(&client, &language, &dependent_assets).await?;
            Ok(JsValue::UNDEFINED)
        }))
    }

    /// The cameras, microphones and speakers the SDK sees.
    #[wasm_bindgen(js_name = getDevices, unchecked_return_type = "Promise<Device[]>")]
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
    ) -> Result<js_sys::Promise, JsValue> {
        const OP: &str = "ZoomVideo.createLocalVideoTrack";
        let track = self
            .zoom
            .create_local_video_track(device_id)
            .map_err(|e| Error::from_js(OP, e))?;
        Ok(promise(async move {
            let started = track
                .start(&element)
                .map_err(|e| Error::from_js("LocalVideoTrack.start", e))?;
            crate::driver::settle(started)
                .await
                .map_err(|error| Error::Zoom {
                    op: "LocalVideoTrack.start",
                    error: Box::new(error),
                })?;
            Ok(Preview { track: Some(track) }.into())
        }))
    }

    /// Joins a session. Rejects with a `ZoomkitError` carrying Zoom's `type`,
    /// `errorCode` and `reason` when Zoom refuses.
    #[wasm_bindgen(unchecked_return_type = "Promise<void>")]
    pub fn join(
        &self,
        topic: String,
        token: String,
        user_name: String,
        password: Option<String>,
    ) -> Result<js_sys::Promise, JsValue> {
        let client = self
            .client
            .clone()
            .ok_or_else(|| Error::Usage("call `init` before `join`".to_owned()))?;
        Ok(promise(async move {
            client::join(&client, &topic, &token, &user_name, password).await?;
            Ok(JsValue::UNDEFINED)
        }))
    }
}

mod session;
pub use session::Session;

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
                let p = track
                    .stop()
                    .map_err(|e| Error::from_js("LocalVideoTrack.stop", e))?;
                crate::driver::settle(p)
                    .await
                    .map_err(|error| Error::Zoom {
                        op: "LocalVideoTrack.stop",
                        error: Box::new(error),
                    })?;
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
