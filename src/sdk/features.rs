//! Externs for chat, host controls and cloud recording (`ChatClient`,
//! `RecordingClient`, and the `VideoClient` / `Stream` methods that act on
//! other participants). Checked against `types-json` like the rest of
//! `src/sdk` (the Rust type of `this` is the SDK namespace).

use wasm_bindgen::prelude::*;

use super::{Stream, VideoClient};

#[wasm_bindgen]
extern "C" {
    /// `VideoClient.getChatClient(): typeof ChatClient`.
    #[wasm_bindgen(method, structural, catch, js_name = getChatClient)]
    pub fn get_chat_client(this: &VideoClient) -> Result<ChatClient, JsValue>;

    /// `VideoClient.getRecordingClient(): typeof RecordingClient`.
    #[wasm_bindgen(method, structural, catch, js_name = getRecordingClient)]
    pub fn get_recording_client(this: &VideoClient) -> Result<RecordingClient, JsValue>;

    /// `VideoClient.removeUser(userId): ExecutedResult` (host or manager).
    #[wasm_bindgen(method, structural, catch, js_name = removeUser)]
    pub fn remove_user(this: &VideoClient, user_id: f64) -> Result<js_sys::Promise, JsValue>;

    /// `VideoClient.makeHost(userId): ExecutedResult` (host).
    #[wasm_bindgen(method, structural, catch, js_name = makeHost)]
    pub fn make_host(this: &VideoClient, user_id: f64) -> Result<js_sys::Promise, JsValue>;

    /// `VideoClient.makeManager(userId): ExecutedResult` (host).
    #[wasm_bindgen(method, structural, catch, js_name = makeManager)]
    pub fn make_manager(this: &VideoClient, user_id: f64) -> Result<js_sys::Promise, JsValue>;

    /// `VideoClient.revokeManager(userId): ExecutedResult` (host).
    #[wasm_bindgen(method, structural, catch, js_name = revokeManager)]
    pub fn revoke_manager(this: &VideoClient, user_id: f64) -> Result<js_sys::Promise, JsValue>;

    /// `Stream.muteAudio(userId)`: another participant (host or manager).
    #[wasm_bindgen(method, structural, catch, js_name = muteAudio)]
    pub fn mute_user_audio(this: &Stream, user_id: f64) -> Result<js_sys::Promise, JsValue>;

    /// `Stream.unmuteAudio(userId)`: asks another participant to unmute.
    #[wasm_bindgen(method, structural, catch, js_name = unmuteAudio)]
    pub fn unmute_user_audio(this: &Stream, user_id: f64) -> Result<js_sys::Promise, JsValue>;

    /// `Stream.lockShare(isLocked): ExecutedResult` (host or manager).
    #[wasm_bindgen(method, structural, catch, js_name = lockShare)]
    pub fn lock_share(this: &Stream, is_locked: bool) -> Result<js_sys::Promise, JsValue>;

    /// `Stream.startShareView(canvas, activeUserId): ExecutedResult`:
    /// draws another participant's share on the app's canvas.
    #[wasm_bindgen(method, structural, catch, js_name = startShareView)]
    pub fn start_share_view(
        this: &Stream,
        canvas: &JsValue,
        active_user_id: f64,
    ) -> Result<js_sys::Promise, JsValue>;

    /// `Stream.stopShareView(): ExecutedResult`.
    #[wasm_bindgen(method, structural, catch, js_name = stopShareView)]
    pub fn stop_share_view(this: &Stream) -> Result<js_sys::Promise, JsValue>;

    /// `client.getChatClient()`.
    #[derive(Clone, Debug)]
    pub type ChatClient;

    /// `ChatClient.send(text, userId): Promise<ChatMessage | Error>`.
    #[wasm_bindgen(method, structural, catch)]
    pub fn send(this: &ChatClient, text: &str, user_id: f64) -> Result<js_sys::Promise, JsValue>;

    /// `ChatClient.sendToAll(text): Promise<ChatMessage | Error>`.
    #[wasm_bindgen(method, structural, catch, js_name = sendToAll)]
    pub fn send_to_all(this: &ChatClient, text: &str) -> Result<js_sys::Promise, JsValue>;

    /// `ChatClient.setPrivilege(privilege): ExecutedResult`.
    #[wasm_bindgen(method, structural, catch, js_name = setPrivilege)]
    pub fn set_privilege(this: &ChatClient, privilege: u8) -> Result<js_sys::Promise, JsValue>;

    /// `client.getRecordingClient()`.
    #[derive(Clone, Debug)]
    pub type RecordingClient;

    /// `RecordingClient.startCloudRecording(): Promise<'' | Error>`.
    #[wasm_bindgen(method, structural, catch, js_name = startCloudRecording)]
    pub fn start_cloud_recording(this: &RecordingClient) -> Result<js_sys::Promise, JsValue>;

    /// `RecordingClient.stopCloudRecording(): Promise<'' | Error>`.
    #[wasm_bindgen(method, structural, catch, js_name = stopCloudRecording)]
    pub fn stop_cloud_recording(this: &RecordingClient) -> Result<js_sys::Promise, JsValue>;

    /// `RecordingClient.pauseCloudRecording(): Promise<'' | Error>`.
    #[wasm_bindgen(method, structural, catch, js_name = pauseCloudRecording)]
    pub fn pause_cloud_recording(this: &RecordingClient) -> Result<js_sys::Promise, JsValue>;

    /// `RecordingClient.resumeCloudRecording(): Promise<'' | Error>`.
    #[wasm_bindgen(method, structural, catch, js_name = resumeCloudRecording)]
    pub fn resume_cloud_recording(this: &RecordingClient) -> Result<js_sys::Promise, JsValue>;

    /// `RecordingClient.canStartRecording(): boolean`.
    #[wasm_bindgen(method, structural, catch, js_name = canStartRecording)]
    pub fn can_start_recording(this: &RecordingClient) -> Result<JsValue, JsValue>;

    /// `RecordingClient.acceptIndividualRecording(): Promise<'' | Error>`.
    #[wasm_bindgen(method, structural, catch, js_name = acceptIndividualRecording)]
    pub fn accept_individual_recording(this: &RecordingClient) -> Result<js_sys::Promise, JsValue>;

    /// `RecordingClient.declineIndividualRecording(): Promise<'' | Error>`.
    #[wasm_bindgen(method, structural, catch, js_name = declineIndividualRecording)]
    pub fn decline_individual_recording(this: &RecordingClient)
        -> Result<js_sys::Promise, JsValue>;
}
