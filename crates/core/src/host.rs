//! Host and manager controls over other participants: mute, ask to unmute,
//! remove, make host, make or revoke manager, lock the share.
//!
//! Each is one SDK call (`dist/types/media.d.ts`, `videoclient.d.ts`):
//! `stream.muteAudio(userId)` and `stream.unmuteAudio(userId)` (the host or
//! a manager; Zoom never unmutes anyone directly: the participant gets
//! `host-ask-unmute-audio` and decides), `client.removeUser(userId)` (host
//! or manager), `client.makeHost(userId)`, `client.makeManager(userId)`,
//! `client.revokeManager(userId)` (host only), `stream.lockShare(isLocked)`
//! (host or manager). A participant the roster says lacks the role is
//! refused with [`CoreError::NotPermitted`] before anything is called, as
//! `leave(true)` is with [`CoreError::HostOnly`]; an unknown role is left
//! to Zoom.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::action::{Needs, Standing};
use crate::command::Op;
use crate::error::CoreError;
use crate::participants::Participant;
use crate::sdk::UserId;
use crate::wire::{self, Decode, Encode};

/// A control over another participant (or over sharing).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum HostAction {
    /// Mute their microphone.
    Mute(UserId),
    /// Ask them to unmute (they get `host-ask-unmute-audio`).
    AskToUnmute(UserId),
    /// Remove them from the session.
    Remove(UserId),
    /// Hand them the host role (the local user stops being host).
    MakeHost(UserId),
    /// Make them a manager.
    MakeManager(UserId),
    /// Take the manager role back.
    RevokeManager(UserId),
    /// Lock (`true`) or unlock screen sharing: when locked only the host
    /// and managers may share.
    LockShare(bool),
}

impl HostAction {
    /// A stable name, in the words of the error messages.
    #[must_use]
    pub fn describe(self) -> &'static str {
        match self {
            HostAction::Mute(_) => "mute another participant",
            HostAction::AskToUnmute(_) => "ask another participant to unmute",
            HostAction::Remove(_) => "remove a participant",
            HostAction::MakeHost(_) => "make another participant the host",
            HostAction::MakeManager(_) => "make a participant a manager",
            HostAction::RevokeManager(_) => "revoke a manager",
            HostAction::LockShare(_) => "lock or unlock screen sharing",
        }
    }

    /// Who may take it.
    #[must_use]
    pub fn needs(self) -> Needs {
        match self {
            HostAction::Mute(_)
            | HostAction::AskToUnmute(_)
            | HostAction::Remove(_)
            | HostAction::LockShare(_) => Needs::HostOrManager,
            HostAction::MakeHost(_) | HostAction::MakeManager(_) | HostAction::RevokeManager(_) => {
                Needs::Host
            }
        }
    }

    fn target(self) -> Option<UserId> {
        match self {
            HostAction::Mute(id)
            | HostAction::AskToUnmute(id)
            | HostAction::Remove(id)
            | HostAction::MakeHost(id)
            | HostAction::MakeManager(id)
            | HostAction::RevokeManager(id) => Some(id),
            HostAction::LockShare(_) => None,
        }
    }

    /// The SDK call for this action, or why it is refused. `participant`
    /// looks a user up in the roster.
    ///
    /// # Errors
    /// [`CoreError::NotInSession`] outside a connected session,
    /// [`CoreError::NotPermitted`] when the local user's role is known not
    /// to be enough, [`CoreError::InvalidOption`] for oneself (use
    /// `mute()`/`unmute()`/`leave()`), [`CoreError::UnknownParticipant`]
    /// for someone not in the session.
    pub fn check<'a>(
        self,
        standing: &Standing,
        participant: impl Fn(UserId) -> Option<&'a Participant>,
    ) -> Result<Op, CoreError> {
        standing.require_connected()?;
        standing.require(self.needs(), self.describe())?;
        if let Some(id) = self.target() {
            if Some(id) == standing.self_user {
                return Err(CoreError::InvalidOption {
                    field: "userId",
                    reason: "that is you: host controls act on other participants",
                });
            }
            if participant(id).is_none() {
                return Err(CoreError::UnknownParticipant { user_id: id });
            }
        }
        Ok(match self {
            HostAction::Mute(user_id) => Op::MuteUser { user_id },
            HostAction::AskToUnmute(user_id) => Op::AskToUnmute { user_id },
            HostAction::Remove(user_id) => Op::RemoveUser { user_id },
            HostAction::MakeHost(user_id) => Op::MakeHost { user_id },
            HostAction::MakeManager(user_id) => Op::MakeManager { user_id },
            HostAction::RevokeManager(user_id) => Op::RevokeManager { user_id },
            HostAction::LockShare(locked) => Op::LockShare { locked },
        })
    }
}

/// `SharePrivilege`: who may share.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SharePrivilege {
    /// `Unlocked` (0): one participant at a time.
    Unlocked,
    /// `Locked` (1): only the host or a manager.
    Locked,
    /// `MultipleShare` (3): several at once.
    MultipleShare,
}

impl SharePrivilege {
    /// From the SDK's number.
    #[must_use]
    pub fn from_code(code: i64) -> Option<Self> {
        match code {
            0 => Some(SharePrivilege::Unlocked),
            1 => Some(SharePrivilege::Locked),
            3 => Some(SharePrivilege::MultipleShare),
            _ => None,
        }
    }

    /// The name the app sees.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            SharePrivilege::Unlocked => "unlocked",
            SharePrivilege::Locked => "locked",
            SharePrivilege::MultipleShare => "multipleShare",
        }
    }
}

impl Encode for SharePrivilege {
    fn encode(&self) -> wire::Value {
        wire::Value::String(self.as_str().to_owned())
    }
}

impl Serialize for SharePrivilege {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl Decode for SharePrivilege {
    fn decode(v: &wire::Value) -> Result<Self, wire::Error> {
        SharePrivilege::from_code(i64::decode(v)?)
            .ok_or_else(|| wire::Error::new("expected a SharePrivilege: 0, 1 or 3"))
    }
}

impl<'de> Deserialize<'de> for SharePrivilege {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        SharePrivilege::from_code(crate::sdk::de_number(d)?)
            .ok_or_else(|| serde::de::Error::custom("expected a SharePrivilege: 0, 1 or 3"))
    }
}

/// `share-privilege-change` payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Encode, Decode)]
#[serde(rename = "event_share_privilege_change")]
pub struct SharePrivilegeChange {
    /// `privilege`.
    pub privilege: SharePrivilege,
}
