//! In-session chat: send to everyone or to one participant, receive
//! (`chat-on-message`), the history of this session, and the host's chat
//! privilege (`chat-privilege-change`, `ChatClient.setPrivilege`).
//!
//! What the SDK has (`dist/types/chat.d.ts`): `ChatClient.send(text,
//! userId)`, `sendToAll(text)`, both resolving with the sent `ChatMessage`;
//! `setPrivilege(ChatPrivilege)` (host or manager); `getPrivilege()`;
//! `getHistory()`. Zoom truncates a message past 10,000 bytes
//! (`skill/references/chat/chat.md`), so zoomkit refuses one that long
//! instead of sending something else than the user wrote.
//!
//! The decisions here (what may be sent, to whom, under which privilege,
//! and which messages are new) are pure: [`Chat`] is fed by the session.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::action::{Needs, Role, Standing};
use crate::command::Op;
use crate::error::CoreError;
use crate::io::Event;
use crate::sdk::UserId;
use crate::wire::{self, Decode, Encode};

/// The longest message Zoom delivers whole, in bytes (UTF-8).
pub const MAX_MESSAGE_BYTES: usize = 10_000;

/// How many messages [`Chat`] keeps; older ones are dropped first, so a
/// day-long session cannot grow the heap without bound.
pub const HISTORY_LIMIT: usize = 1_000;

/// `ChatPrivilege`: who may chat, set by the host or a manager.
///
/// The SDK sends it as a number (`1`, `4`, `5`); zoomkit shows it to the
/// app by name (`all`, `noOne`, `everyonePublicly`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ChatPrivilege {
    /// `ChatPrivilege.All` (1): everyone may chat with everyone.
    All,
    /// `ChatPrivilege.NoOne` (4): participants may not chat (the host and
    /// managers still may).
    NoOne,
    /// `ChatPrivilege.EveryonePublicly` (5): messages to everyone only, no
    /// private messages (except to and from the host and managers).
    EveryonePublicly,
}

impl ChatPrivilege {
    /// The SDK's number.
    #[must_use]
    pub fn code(self) -> u8 {
        match self {
            ChatPrivilege::All => 1,
            ChatPrivilege::NoOne => 4,
            ChatPrivilege::EveryonePublicly => 5,
        }
    }

    /// From the SDK's number; `None` for a number this version does not know.
    #[must_use]
    pub fn from_code(code: i64) -> Option<Self> {
        match code {
            1 => Some(ChatPrivilege::All),
            4 => Some(ChatPrivilege::NoOne),
            5 => Some(ChatPrivilege::EveryonePublicly),
            _ => None,
        }
    }

    /// The name the app sees.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            ChatPrivilege::All => "all",
            ChatPrivilege::NoOne => "noOne",
            ChatPrivilege::EveryonePublicly => "everyonePublicly",
        }
    }

    /// From the name the app uses.
    #[must_use]
    pub fn parse(name: &str) -> Option<Self> {
        [
            ChatPrivilege::All,
            ChatPrivilege::NoOne,
            ChatPrivilege::EveryonePublicly,
        ]
        .into_iter()
        .find(|p| p.as_str() == name)
    }
}

impl std::fmt::Display for ChatPrivilege {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// To the app: the name.
impl Encode for ChatPrivilege {
    fn encode(&self) -> wire::Value {
        wire::Value::String(self.as_str().to_owned())
    }
}

impl Serialize for ChatPrivilege {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// From the SDK: the number.
impl Decode for ChatPrivilege {
    fn decode(v: &wire::Value) -> Result<Self, wire::Error> {
        let n = i64::decode(v)?;
        ChatPrivilege::from_code(n)
            .ok_or_else(|| wire::Error::new("expected a ChatPrivilege: 1, 4 or 5"))
    }
}

impl<'de> Deserialize<'de> for ChatPrivilege {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let n = crate::sdk::de_number(d)?;
        ChatPrivilege::from_code(n)
            .ok_or_else(|| serde::de::Error::custom("expected a ChatPrivilege: 1, 4 or 5"))
    }
}

/// The sender or receiver of a [`ChatMessage`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Encode, Decode)]
#[serde(rename_all = "camelCase")]
pub struct ChatUser {
    /// `name`: their display name.
    #[serde(default)]
    pub name: String,
    /// `userId`; `0` as the receiver of a message to everyone
    /// (`ChatMsgType.All`).
    pub user_id: UserId,
}

/// `ChatMessage`: one message, as `chat-on-message` delivers it and
/// `send`/`sendToAll` resolve with it (file messages are not modelled).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Encode, Decode)]
#[serde(rename = "ChatMessage", rename_all = "camelCase")]
pub struct ChatMessage {
    /// `id`: the message's id, when the SDK gives one.
    #[serde(default)]
    pub id: Option<String>,
    /// `message`: the text.
    #[serde(default)]
    pub message: Option<String>,
    /// `sender`.
    pub sender: ChatUser,
    /// `receiver`.
    pub receiver: ChatUser,
    /// `timestamp`: Unix milliseconds.
    pub timestamp: u64,
}

impl ChatMessage {
    /// Sent to everyone (`receiver.userId` is `ChatMsgType.All`, 0) rather
    /// than to one participant.
    #[must_use]
    pub fn to_everyone(&self) -> bool {
        self.receiver.user_id == UserId(0)
    }
}

/// `chat-privilege-change` payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Encode, Decode)]
#[serde(rename = "event_chat_privilege_change", rename_all = "camelCase")]
pub struct ChatPrivilegeChange {
    /// `chatPrivilege`.
    pub chat_privilege: ChatPrivilege,
}

/// Whom a message goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChatTarget {
    /// Everyone in the session (`sendToAll`).
    Everyone,
    /// One participant (`send(text, userId)`).
    User(UserId),
}

/// A chat action from the app.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ChatAction {
    /// Send `text` to `to`.
    Send {
        /// The message.
        text: String,
        /// Its receiver.
        to: ChatTarget,
    },
    /// Set who may chat (host or manager).
    SetPrivilege(ChatPrivilege),
}

/// The chat of one session: its history and privilege.
#[derive(Debug, Clone, Default)]
pub struct Chat {
    history: Vec<ChatMessage>,
    privilege: Option<ChatPrivilege>,
}

impl Chat {
    /// Messages sent and received in this session, oldest first (at most
    /// [`HISTORY_LIMIT`]).
    #[must_use]
    pub fn history(&self) -> &[ChatMessage] {
        &self.history
    }

    /// The privilege last reported (`chat-privilege-change`) or set; `None`
    /// until then (Zoom's default is [`ChatPrivilege::All`]).
    #[must_use]
    pub fn privilege(&self) -> Option<ChatPrivilege> {
        self.privilege
    }

    /// A new session: nothing of the last one's chat is kept.
    pub fn reset(&mut self) {
        *self = Chat::default();
    }

    /// The SDK call for `action`, or why it is refused. `is_participant`
    /// says whether a user id is in the roster.
    ///
    /// # Errors
    /// [`CoreError::NotInSession`] outside a connected session,
    /// [`CoreError::InvalidOption`] for an empty or over-long message or a
    /// message to oneself, [`CoreError::UnknownParticipant`] for a receiver
    /// not in the session, [`CoreError::ChatNotAllowed`] when the privilege
    /// forbids it, and [`CoreError::NotPermitted`] for a privilege change by
    /// a participant who is neither host nor manager.
    pub fn check(
        &self,
        standing: &Standing,
        action: &ChatAction,
        is_participant: impl Fn(UserId) -> bool,
    ) -> Result<Op, CoreError> {
        standing.require_connected()?;
        match action {
            ChatAction::Send { text, to } => {
                if text.trim().is_empty() {
                    return Err(CoreError::InvalidOption {
                        field: "text",
                        reason: "a chat message must not be empty",
                    });
                }
                if text.len() > MAX_MESSAGE_BYTES {
                    return Err(CoreError::InvalidOption {
                        field: "text",
                        reason: "a chat message must be at most 10,000 bytes (Zoom truncates longer ones)",
                    });
                }
                if let ChatTarget::User(id) = to {
                    if Some(*id) == standing.self_user {
                        return Err(CoreError::InvalidOption {
                            field: "userId",
                            reason: "that is you: send to another participant or to everyone",
                        });
                    }
                    if !is_participant(*id) {
                        return Err(CoreError::UnknownParticipant { user_id: *id });
                    }
                }
                // The host and managers may always chat; a participant is
                // held to the privilege. Unknown roles: Zoom decides.
                if standing.role == Role::Participant {
                    match (self.privilege, to) {
                        (Some(ChatPrivilege::NoOne), _) => {
                            return Err(CoreError::ChatNotAllowed {
                                privilege: ChatPrivilege::NoOne,
                            })
                        }
                        (Some(ChatPrivilege::EveryonePublicly), ChatTarget::User(_)) => {
                            return Err(CoreError::ChatNotAllowed {
                                privilege: ChatPrivilege::EveryonePublicly,
                            })
                        }
                        _ => {}
                    }
                }
                Ok(match to {
                    ChatTarget::Everyone => Op::SendChatToAll { text: text.clone() },
                    ChatTarget::User(user_id) => Op::SendChat {
                        text: text.clone(),
                        user_id: *user_id,
                    },
                })
            }
            ChatAction::SetPrivilege(privilege) => {
                standing.require(Needs::HostOrManager, "change who may chat")?;
                Ok(Op::SetChatPrivilege {
                    privilege: *privilege,
                })
            }
        }
    }

    /// A message arrived (`chat-on-message`) or was sent (the answer to
    /// `send`/`sendToAll`). `Some` when it is new: one already in the
    /// history (the same id) is not told twice.
    pub fn on_message(&mut self, message: ChatMessage) -> Option<Event> {
        let seen = message.id.is_some()
            && self
                .history
                .iter()
                .rev()
                .any(|m| m.id.is_some() && m.id == message.id);
        if seen {
            return None;
        }
        if self.history.len() >= HISTORY_LIMIT {
            self.history.remove(0);
        }
        self.history.push(message.clone());
        Some(Event::ChatMessage(message))
    }

    /// `chat-privilege-change`, or our own `setPrivilege` resolved.
    pub fn on_privilege(&mut self, privilege: ChatPrivilege) -> Option<Event> {
        if self.privilege == Some(privilege) {
            return None;
        }
        self.privilege = Some(privilege);
        Some(Event::ChatPrivilegeChanged { privilege })
    }
}
