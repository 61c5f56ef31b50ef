//! `Session`'s chat: send to everyone or to one participant, the history,
//! and the host's chat privilege. The checks are the core's
//! (`zoomkit_core::chat`); incoming messages arrive as `chatMessage` events.

use wasm_bindgen::prelude::*;
use zoomkit_core::action::Action;
use zoomkit_core::chat::{ChatAction, ChatPrivilege, ChatTarget};
use zoomkit_core::UserId;

use crate::api::{act, to_js, usage, Session};

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &str = r#"
/** Who may chat (`ChatPrivilege`): everyone, no one but the host and managers, or only to everyone. */
export type ChatPrivilege = "all" | "noOne" | "everyonePublicly";
/** A chat message (the SDK's `ChatMessage`; file messages are not modelled). */
export interface ChatMessage {
  /** The SDK's message id, when it gives one. */
  id: string | null;
  message: string | null;
  sender: { name: string; userId: number };
  /** `userId` 0 (`ChatMsgType.All`): the message went to everyone. */
  receiver: { name: string; userId: number };
  /** Unix ms. */
  timestamp: number;
}
"#;

#[wasm_bindgen]
impl Session {
    /// Sends a chat message to everyone, or to the participant `userId`.
    /// Resolves with the sent message (also told as a `chatMessage` event).
    /// Rejects with a `usage` error (`code`: `notInSession`, `invalidOption`
    /// for an empty message or one over 10,000 bytes, `unknownParticipant`,
    /// `chatNotAllowed` when the host's privilege forbids it), or with
    /// Zoom's own error.
    #[wasm_bindgen(js_name = sendChat, unchecked_return_type = "Promise<ChatMessage | undefined>")]
    pub fn send_chat(
        &self,
        text: String,
        #[wasm_bindgen(js_name = userId)] user_id: Option<f64>,
    ) -> js_sys::Promise {
        let to = match user_id {
            None => ChatTarget::Everyone,
            Some(id) if id >= 0.0 && id.fract() == 0.0 => ChatTarget::User(UserId(id as u64)),
            Some(_) => {
                return js_sys::Promise::reject(&usage(
                    "sendChat(text, userId): userId must be a participant's userId",
                ))
            }
        };
        act(self, Action::Chat(ChatAction::Send { text, to }))
    }

    /// The messages sent and received in this session, oldest first (at
    /// most 1,000).
    #[wasm_bindgen(js_name = chatHistory, unchecked_return_type = "ChatMessage[]")]
    pub fn chat_history(&self) -> Result<JsValue, JsValue> {
        self.driver().with_core(|c| to_js(c.chat().history()))
    }

    /// Who may chat, as last reported; `null` until the host changes it
    /// (Zoom's default is `"all"`).
    #[wasm_bindgen(js_name = chatPrivilege, unchecked_return_type = "ChatPrivilege | null")]
    pub fn chat_privilege(&self) -> Result<JsValue, JsValue> {
        self.driver().with_core(|c| to_js(&c.chat().privilege()))
    }

    /// Sets who may chat (host or manager; others are refused with `code`
    /// `hostOrManagerOnly`).
    #[wasm_bindgen(js_name = setChatPrivilege, unchecked_return_type = "Promise<void>")]
    pub fn set_chat_privilege(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ChatPrivilege")] privilege: String,
    ) -> js_sys::Promise {
        match ChatPrivilege::parse(&privilege) {
            Some(p) => act(self, Action::Chat(ChatAction::SetPrivilege(p))),
            None => js_sys::Promise::reject(&usage(format!(
                "setChatPrivilege: `{privilege}` is not all, noOne or everyonePublicly"
            ))),
        }
    }
}
