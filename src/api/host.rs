//! `Session`'s host and manager controls over other participants. Who may
//! do what is the core's (`zoomkit_core::host`): a participant who lacks the
//! role is refused before any SDK call, with `code` `hostOnly` or
//! `hostOrManagerOnly`, as `leave(true)` is.

use wasm_bindgen::prelude::*;
use zoomkit_core::action::{Action, Role};
use zoomkit_core::host::HostAction;
use zoomkit_core::UserId;

use crate::api::{act, to_js, usage, Session};

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &str = r#"
/** Who may share (`SharePrivilege`). */
export type SharePrivilege = "unlocked" | "locked" | "multipleShare";
/** The local user's role, from the participant list. */
export type Role = "unknown" | "participant" | "manager" | "host";
"#;

fn user(user_id: f64, what: &str) -> Result<UserId, JsValue> {
    if user_id >= 0.0 && user_id.fract() == 0.0 {
        Ok(UserId(user_id as u64))
    } else {
        Err(usage(format!(
            "{what}(userId): userId must be a participant's userId"
        )))
    }
}

fn host(
    session: &Session,
    what: &str,
    user_id: f64,
    f: fn(UserId) -> HostAction,
) -> js_sys::Promise {
    match user(user_id, what) {
        Ok(id) => act(session, Action::Host(f(id))),
        Err(e) => js_sys::Promise::reject(&e),
    }
}

#[wasm_bindgen]
impl Session {
    /// Mutes another participant (host or manager).
    #[wasm_bindgen(js_name = muteParticipant, unchecked_return_type = "Promise<void>")]
    pub fn mute_participant(
        &self,
        #[wasm_bindgen(js_name = userId)] user_id: f64,
    ) -> js_sys::Promise {
        host(self, "muteParticipant", user_id, HostAction::Mute)
    }

    /// Asks another participant to unmute (host or manager): Zoom never
    /// unmutes anyone directly; they get `hostAskedToUnmute` and decide.
    #[wasm_bindgen(js_name = askToUnmute, unchecked_return_type = "Promise<void>")]
    pub fn ask_to_unmute(&self, #[wasm_bindgen(js_name = userId)] user_id: f64) -> js_sys::Promise {
        host(self, "askToUnmute", user_id, HostAction::AskToUnmute)
    }

    /// Removes a participant from the session (host or manager).
    #[wasm_bindgen(js_name = removeParticipant, unchecked_return_type = "Promise<void>")]
    pub fn remove_participant(
        &self,
        #[wasm_bindgen(js_name = userId)] user_id: f64,
    ) -> js_sys::Promise {
        host(self, "removeParticipant", user_id, HostAction::Remove)
    }

    /// Makes another participant the host (host only); you stop being host.
    #[wasm_bindgen(js_name = makeHost, unchecked_return_type = "Promise<void>")]
    pub fn make_host(&self, #[wasm_bindgen(js_name = userId)] user_id: f64) -> js_sys::Promise {
        host(self, "makeHost", user_id, HostAction::MakeHost)
    }

    /// Makes a participant a manager (host only).
    #[wasm_bindgen(js_name = makeManager, unchecked_return_type = "Promise<void>")]
    pub fn make_manager(&self, #[wasm_bindgen(js_name = userId)] user_id: f64) -> js_sys::Promise {
        host(self, "makeManager", user_id, HostAction::MakeManager)
    }

    /// Takes a participant's manager role back (host only).
    #[wasm_bindgen(js_name = revokeManager, unchecked_return_type = "Promise<void>")]
    pub fn revoke_manager(
        &self,
        #[wasm_bindgen(js_name = userId)] user_id: f64,
    ) -> js_sys::Promise {
        host(self, "revokeManager", user_id, HostAction::RevokeManager)
    }

    /// Locks screen sharing to the host and managers (`true`), or unlocks
    /// it (host or manager).
    #[wasm_bindgen(js_name = lockShare, unchecked_return_type = "Promise<void>")]
    pub fn lock_share(&self, locked: bool) -> js_sys::Promise {
        act(self, Action::Host(HostAction::LockShare(locked)))
    }

    /// Who may share, as last reported; `null` until it changes.
    #[wasm_bindgen(js_name = sharePrivilege, unchecked_return_type = "SharePrivilege | null")]
    pub fn share_privilege(&self) -> Result<JsValue, JsValue> {
        self.driver().with_core(|c| to_js(&c.share_privilege()))
    }

    /// Draws other participants' active share on `canvas` (the SDK's
    /// `startShareView`) while there is one, and stops it when the share
    /// ends; `null` stops viewing. The canvas is kept across rejoins.
    /// Throws a `usage` error for anything but an element or `null`.
    #[wasm_bindgen(js_name = setShareView)]
    pub fn set_share_view(
        &self,
        #[wasm_bindgen(unchecked_param_type = "HTMLCanvasElement | null")] canvas: JsValue,
    ) -> Result<(), JsValue> {
        let canvas = (!canvas.is_null() && !canvas.is_undefined()).then_some(canvas);
        if canvas.as_ref().is_some_and(|c| !c.is_object()) {
            return Err(usage(
                "setShareView: the canvas must be an HTMLCanvasElement or null",
            ));
        }
        self.driver().set_share_view(canvas);
        Ok(())
    }

    /// Who shares, whose share is active, whose is drawn on the canvas.
    #[wasm_bindgen(js_name = shareView, unchecked_return_type = "ShareView")]
    pub fn share_view(&self) -> Result<JsValue, JsValue> {
        self.driver().with_core(|c| to_js(c.share_view()))
    }

    /// The local microphone's level, 0-9, as last reported
    /// (`current-audio-level-change`); `null` until then.
    #[wasm_bindgen(js_name = audioLevel, unchecked_return_type = "number | null")]
    pub fn audio_level(&self) -> JsValue {
        match self.driver().with_core(|c| c.audio_level()) {
            Some(level) => JsValue::from(level),
            None => JsValue::NULL,
        }
    }

    /// The local user's role, from the participant list.
    #[wasm_bindgen(unchecked_return_type = "Role")]
    pub fn role(&self) -> String {
        match self.driver().with_core(|c| c.role()) {
            Role::Unknown => "unknown",
            Role::Participant => "participant",
            Role::Manager => "manager",
            Role::Host => "host",
        }
        .to_owned()
    }
}
