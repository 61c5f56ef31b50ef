//! Carrying out the core's actions (chat, host controls, recording): the
//! SDK call for each `Op`, reading `send`'s `ChatMessage`, and settling
//! the app's promise with the command's answer. Nothing here decides: the
//! core checked the action before it issued the command.

use wasm_bindgen::prelude::*;
use zoomkit_core::{CommandOutput, Op, ZoomError};

use crate::driver::{threw, Driver};
use crate::error::Error;

/// Starts the SDK call of an action's `op`: what was called, and what it returned.
pub(crate) fn call(
    driver: &Driver,
    op: &Op,
) -> Result<(&'static str, Result<js_sys::Promise, JsValue>), ZoomError> {
    let client = driver.client()?;
    let chat = || {
        client
            .get_chat_client()
            .map_err(|e| threw("client.getChatClient", &e))
    };
    let recording = || {
        client
            .get_recording_client()
            .map_err(|e| threw("client.getRecordingClient", &e))
    };
    let id = |u: &zoomkit_core::UserId| u.0 as f64;
    Ok(match op {
        Op::SendChat { text, user_id } => ("ChatClient.send", chat()?.send(text, id(user_id))),
        Op::SendChatToAll { text } => ("ChatClient.sendToAll", chat()?.send_to_all(text)),
        Op::SetChatPrivilege { privilege } => (
            "ChatClient.setPrivilege",
            chat()?.set_privilege(privilege.code()),
        ),
        Op::MuteUser { user_id } => (
            "stream.muteAudio",
            driver.stream()?.mute_user_audio(id(user_id)),
        ),
        Op::AskToUnmute { user_id } => (
            "stream.unmuteAudio",
            driver.stream()?.unmute_user_audio(id(user_id)),
        ),
        Op::RemoveUser { user_id } => ("client.removeUser", client.remove_user(id(user_id))),
        Op::MakeHost { user_id } => ("client.makeHost", client.make_host(id(user_id))),
        Op::MakeManager { user_id } => ("client.makeManager", client.make_manager(id(user_id))),
        Op::RevokeManager { user_id } => {
            ("client.revokeManager", client.revoke_manager(id(user_id)))
        }
        Op::LockShare { locked } => ("stream.lockShare", driver.stream()?.lock_share(*locked)),
        Op::StartShareView { user_id } => (
            "stream.startShareView",
            driver
                .stream()?
                .start_share_view(&driver.share_canvas(), id(user_id)),
        ),
        Op::StopShareView => ("stream.stopShareView", driver.stream()?.stop_share_view()),
        Op::StartRecording => (
            "RecordingClient.startCloudRecording",
            recording()?.start_cloud_recording(),
        ),
        Op::StopRecording => (
            "RecordingClient.stopCloudRecording",
            recording()?.stop_cloud_recording(),
        ),
        Op::PauseRecording => (
            "RecordingClient.pauseCloudRecording",
            recording()?.pause_cloud_recording(),
        ),
        Op::ResumeRecording => (
            "RecordingClient.resumeCloudRecording",
            recording()?.resume_cloud_recording(),
        ),
        Op::AcceptIndividualRecording => (
            "RecordingClient.acceptIndividualRecording",
            recording()?.accept_individual_recording(),
        ),
        Op::DeclineIndividualRecording => (
            "RecordingClient.declineIndividualRecording",
            recording()?.decline_individual_recording(),
        ),
        other => {
            return Err(ZoomError::driver(format!(
                "`{}` is not an action",
                other.name()
            )))
        }
    })
}

/// `send`/`sendToAll` resolved: a `ChatMessage`, or (as the `.d.ts` allows)
/// an `Error`, which is the failure it is.
pub(crate) fn chat_message(value: &JsValue) -> Result<CommandOutput, ZoomError> {
    if let Some(e) = value.dyn_ref::<js_sys::Error>() {
        return Err(ZoomError::driver(String::from(e.message())));
    }
    if value.is_undefined() || value.as_string().is_some_and(|s| s.is_empty()) {
        return Ok(CommandOutput::Unit);
    }
    crate::json::from_js(value)
        .map(CommandOutput::ChatMessage)
        .map_err(|e| {
            ZoomError::driver(format!(
                "ChatClient.send resolved with an unexpected value: {e}"
            ))
        })
}

/// Settles an action's promise with its command's answer: the sent
/// `ChatMessage` or `undefined`, or a `ZoomkitError` of kind `zoom` with
/// Zoom's own `type`, `errorCode` and `reason`.
pub(crate) fn settle(
    resolve: &js_sys::Function,
    reject: &js_sys::Function,
    op: &'static str,
    result: &Result<CommandOutput, ZoomError>,
) {
    let _ = match result {
        Ok(CommandOutput::ChatMessage(m)) => resolve.call1(&JsValue::NULL, &crate::json::to_js(m)),
        Ok(_) => resolve.call1(&JsValue::NULL, &JsValue::UNDEFINED),
        Err(error) => reject.call1(
            &JsValue::NULL,
            &Error::Zoom {
                op,
                error: Box::new(error.clone()),
            }
            .into(),
        ),
    };
}

/// The session ended (or left) before the action was answered.
pub(crate) fn cancelled(reject: &js_sys::Function, op: &'static str) {
    let error = Error::Usage(format!(
        "`{op}` was not answered: the session left or ended first"
    ));
    let _ = reject.call1(&JsValue::NULL, &error.into());
}
