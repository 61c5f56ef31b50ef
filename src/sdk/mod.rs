//! wasm-bindgen externs for the parts of `@zoom/videosdk` that zoomkit calls.
//!
//! Bound by shape (`structural`), so the genuine `ZoomVideo` object and the
//! simulator's look-alike are interchangeable, and `catch` on every call, so a
//! synchronous throw from the SDK arrives as an `Err` instead of a trap.
//!
//! Every method and event bound here is checked against the SDK's own
//! `dist/types-json` by `cargo xtask test` (the conformance step): the Rust
//! type name of `this` is the SDK namespace (`ZoomVideo`, `VideoClient`,
//! `Stream`), `js_name` is the method, and the parameter count must fit the
//! SDK's signature. Event names live in [`events`] for the same reason.

pub mod events;

use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// The SDK's default export (`import ZoomVideo from "@zoom/videosdk"`), or
    /// any object of the same shape, such as `zoomkit/sim`'s.
    #[wasm_bindgen(typescript_type = "typeof import('@zoom/videosdk').default")]
    #[derive(Clone, Debug)]
    pub type ZoomVideo;

    /// `ZoomVideo.checkSystemRequirements(): MediaCompatibility`.
    #[wasm_bindgen(method, structural, catch, js_name = checkSystemRequirements)]
    pub fn check_system_requirements(this: &ZoomVideo) -> Result<JsValue, JsValue>;

    /// `ZoomVideo.createClient(): VideoClient` (the same instance every call).
    #[wasm_bindgen(method, structural, catch, js_name = createClient)]
    pub fn create_client(this: &ZoomVideo) -> Result<VideoClient, JsValue>;

    /// `ZoomVideo.getDevices(skipPermissionCheck?): Promise<MediaDeviceInfo[]>`.
    #[wasm_bindgen(method, structural, catch, js_name = getDevices)]
    pub fn get_devices(this: &ZoomVideo) -> Result<js_sys::Promise, JsValue>;

    /// `ZoomVideo.destroyClient(): Promise<void>`.
    #[wasm_bindgen(method, structural, catch, js_name = destroyClient)]
    pub fn destroy_client(this: &ZoomVideo) -> Result<js_sys::Promise, JsValue>;

    /// The object `createClient()` returns.
    #[derive(Clone, Debug)]
    pub type VideoClient;

    /// `VideoClient.init(language, dependentAssets, options?): ExecutedResult`.
    #[wasm_bindgen(method, structural, catch)]
    pub fn init(
        this: &VideoClient,
        language: &str,
        dependent_assets: &str,
        options: &JsValue,
    ) -> Result<js_sys::Promise, JsValue>;

    /// `VideoClient.join(topic, token, userName, sessionPassword?): ExecutedResult`.
    #[wasm_bindgen(method, structural, catch)]
    pub fn join(
        this: &VideoClient,
        topic: &str,
        token: &str,
        user_name: &str,
        session_password: Option<String>,
    ) -> Result<js_sys::Promise, JsValue>;

    /// `VideoClient.leave(end?): ExecutedResult`.
    #[wasm_bindgen(method, structural, catch)]
    pub fn leave(this: &VideoClient, end: bool) -> Result<js_sys::Promise, JsValue>;

    /// `VideoClient.on(event, callback)`.
    #[wasm_bindgen(method, structural, catch)]
    pub fn on(this: &VideoClient, event: &str, callback: &js_sys::Function) -> Result<(), JsValue>;

    /// `VideoClient.off(event, callback)`.
    #[wasm_bindgen(method, structural, catch)]
    pub fn off(this: &VideoClient, event: &str, callback: &js_sys::Function)
        -> Result<(), JsValue>;

    /// `VideoClient.getMediaStream(): Stream`, valid after `join` resolves.
    #[wasm_bindgen(method, structural, catch, js_name = getMediaStream)]
    pub fn get_media_stream(this: &VideoClient) -> Result<Stream, JsValue>;

    /// The media stream of a joined session.
    #[derive(Clone, Debug)]
    pub type Stream;
}
