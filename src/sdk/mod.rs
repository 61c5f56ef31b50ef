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
pub mod features;

use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// The SDK's default export (`import ZoomVideo from "@zoom/videosdk"`), or
    /// any object of the same shape, such as `zoomkit/sim`'s.
    #[wasm_bindgen(typescript_type = "ZoomVideoLike")]
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

    /// `ZoomVideo.createLocalVideoTrack(deviceId?): LocalVideoTrack`, for a
    /// preview before joining.
    #[wasm_bindgen(method, structural, catch, js_name = createLocalVideoTrack)]
    pub fn create_local_video_track(
        this: &ZoomVideo,
        device_id: Option<String>,
    ) -> Result<LocalVideoTrack, JsValue>;

    /// A local camera track for previews.
    #[derive(Clone, Debug)]
    pub type LocalVideoTrack;

    /// `LocalVideoTrack.start(previewDOMElement): Promise<void | Error>`.
    #[wasm_bindgen(method, structural, catch, js_name = start)]
    pub fn start(this: &LocalVideoTrack, element: &JsValue) -> Result<js_sys::Promise, JsValue>;

    /// `LocalVideoTrack.stop(): Promise<void | Error>`.
    #[wasm_bindgen(method, structural, catch, js_name = stop)]
    pub fn stop(this: &LocalVideoTrack) -> Result<js_sys::Promise, JsValue>;

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

    /// `VideoClient.join(topic, token, userName, sessionPassword?,
    /// sessionIdleTimeoutMins?): ExecutedResult`.
    #[wasm_bindgen(method, structural, catch)]
    pub fn join(
        this: &VideoClient,
        topic: &str,
        token: &str,
        user_name: &str,
        session_password: Option<String>,
        session_idle_timeout_mins: Option<u32>,
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

    /// `VideoClient.getCurrentUserInfo(): Participant`, valid after `join`.
    #[wasm_bindgen(method, structural, catch, js_name = getCurrentUserInfo)]
    pub fn get_current_user_info(this: &VideoClient) -> Result<JsValue, JsValue>;

    /// The media stream of a joined session.
    #[derive(Clone, Debug)]
    pub type Stream;

    /// `Stream.startAudio(options?: AudioOption): ExecutedResult`.
    #[wasm_bindgen(method, structural, catch, js_name = startAudio)]
    pub fn start_audio(this: &Stream, options: &JsValue) -> Result<js_sys::Promise, JsValue>;

    /// `Stream.stopAudio(): ExecutedResult`.
    #[wasm_bindgen(method, structural, catch, js_name = stopAudio)]
    pub fn stop_audio(this: &Stream) -> Result<js_sys::Promise, JsValue>;

    /// `Stream.muteAudio(): ExecutedResult` (self).
    #[wasm_bindgen(method, structural, catch, js_name = muteAudio)]
    pub fn mute_audio(this: &Stream) -> Result<js_sys::Promise, JsValue>;

    /// `Stream.unmuteAudio(): ExecutedResult` (self).
    #[wasm_bindgen(method, structural, catch, js_name = unmuteAudio)]
    pub fn unmute_audio(this: &Stream) -> Result<js_sys::Promise, JsValue>;

    /// `Stream.switchMicrophone(microphoneId): ExecutedResult`.
    #[wasm_bindgen(method, structural, catch, js_name = switchMicrophone)]
    pub fn switch_microphone(
        this: &Stream,
        microphone_id: &str,
    ) -> Result<js_sys::Promise, JsValue>;

    /// `Stream.switchSpeaker(speakerId): ExecutedResult`.
    #[wasm_bindgen(method, structural, catch, js_name = switchSpeaker)]
    pub fn switch_speaker(this: &Stream, speaker_id: &str) -> Result<js_sys::Promise, JsValue>;

    /// `Stream.startVideo(option?: CaptureVideoOption): ExecutedResult`.
    #[wasm_bindgen(method, structural, catch, js_name = startVideo)]
    pub fn start_video(this: &Stream, option: &JsValue) -> Result<js_sys::Promise, JsValue>;

    /// `Stream.stopVideo(): ExecutedResult`.
    #[wasm_bindgen(method, structural, catch, js_name = stopVideo)]
    pub fn stop_video(this: &Stream) -> Result<js_sys::Promise, JsValue>;

    /// `Stream.switchCamera(cameraDeviceId): ExecutedResult`.
    #[wasm_bindgen(method, structural, catch, js_name = switchCamera)]
    pub fn switch_camera(this: &Stream, camera_device_id: &str)
        -> Result<js_sys::Promise, JsValue>;

    /// `Stream.startShareScreen(canvas | video, options?): ExecutedResult`.
    #[wasm_bindgen(method, structural, catch, js_name = startShareScreen)]
    pub fn start_share_screen(this: &Stream, element: &JsValue)
        -> Result<js_sys::Promise, JsValue>;

    /// `Stream.stopShareScreen(): ExecutedResult`.
    #[wasm_bindgen(method, structural, catch, js_name = stopShareScreen)]
    pub fn stop_share_screen(this: &Stream) -> Result<js_sys::Promise, JsValue>;

    /// `Stream.attachVideo(userId, videoQuality, element?): Promise<VideoPlayer | ExecutedFailure>`.
    #[wasm_bindgen(method, structural, catch, js_name = attachVideo)]
    pub fn attach_video(
        this: &Stream,
        user_id: f64,
        video_quality: u32,
    ) -> Result<js_sys::Promise, JsValue>;

    /// `Stream.detachVideo(userId, element?)`.
    #[wasm_bindgen(method, structural, catch, js_name = detachVideo)]
    pub fn detach_video(this: &Stream, user_id: f64) -> Result<js_sys::Promise, JsValue>;

    /// `Stream.getMaxRenderableVideos(): number`.
    #[wasm_bindgen(method, structural, catch, js_name = getMaxRenderableVideos)]
    pub fn get_max_renderable_videos(this: &Stream) -> Result<JsValue, JsValue>;

    /// `Stream.isSupportMultipleVideos(): boolean`.
    #[wasm_bindgen(method, structural, catch, js_name = isSupportMultipleVideos)]
    pub fn is_support_multiple_videos(this: &Stream) -> Result<JsValue, JsValue>;

    /// `Stream.isSupportHDVideo(): boolean`.
    #[wasm_bindgen(method, structural, catch, js_name = isSupportHDVideo)]
    pub fn is_support_hd_video(this: &Stream) -> Result<JsValue, JsValue>;

    /// `Stream.getCameraList(): MediaDevice[]`.
    #[wasm_bindgen(method, structural, catch, js_name = getCameraList)]
    pub fn get_camera_list(this: &Stream) -> Result<JsValue, JsValue>;

    /// `Stream.getMicList(): MediaDevice[]`.
    #[wasm_bindgen(method, structural, catch, js_name = getMicList)]
    pub fn get_mic_list(this: &Stream) -> Result<JsValue, JsValue>;

    /// `Stream.getSpeakerList(): MediaDevice[]`.
    #[wasm_bindgen(method, structural, catch, js_name = getSpeakerList)]
    pub fn get_speaker_list(this: &Stream) -> Result<JsValue, JsValue>;
}

/// `AudioOption`, the argument of `Stream.startAudio`: only the fields
/// zoomkit sets.
#[derive(Debug, Clone, Default, zoomkit_core::wire::Encode)]
#[serde(rename = "AudioOption", rename_all = "camelCase")]
pub struct AudioOption {
    /// Join muted.
    pub mute: bool,
    /// The microphone to use.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub microphone_id: Option<String>,
    /// The speaker to use.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub speaker_id: Option<String>,
}

/// `CaptureVideoOption`, the argument of `Stream.startVideo`: only the fields
/// zoomkit sets.
#[derive(Debug, Clone, Default, zoomkit_core::wire::Encode)]
#[serde(rename = "CaptureVideoOption", rename_all = "camelCase")]
pub struct CaptureVideoOption {
    /// The camera to use.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub camera_id: Option<String>,
    /// Capture 720p.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub hd: bool,
    /// Capture 1080p.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub full_hd: bool,
}
