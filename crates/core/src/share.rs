//! Viewing other participants' screen shares: who shares
//! (`peer-share-state-change`), whose share the SDK shows
//! (`active-share-change`), and whether the app wants it drawn on its
//! canvas. The decisions (when to call `startShareView`, when
//! `stopShareView`) are [`ShareView::decide`]'s; the session issues them
//! and the driver calls the SDK with the app's canvas.

use serde::{Deserialize, Serialize};

use crate::sdk::UserId;
use crate::stage::{ActiveShareChange, ShareActivity};
use crate::wire::{Decode, Encode};

/// `peer-share-state-change`'s `action`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Encode, Decode)]
pub enum PeerShareAction {
    /// `Start`.
    Start,
    /// `Stop`.
    Stop,
}

/// `peer-share-state-change` (`event_peer_share_state_change` in
/// `event-callback.d.ts`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Encode, Decode)]
#[serde(rename = "event_peer_share_state_change", rename_all = "camelCase")]
pub struct PeerShareStateChange {
    /// The sharer.
    pub user_id: UserId,
    /// `Start` or `Stop`.
    pub action: PeerShareAction,
}

/// `share-content-change` (`event_share_content_change` in
/// `event-callback.d.ts`): the SDK switched the received share by itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Encode, Decode)]
#[serde(rename = "event_share_content_change", rename_all = "camelCase")]
pub struct ShareContentChange {
    /// Whose share is received now.
    pub user_id: UserId,
}

/// What to call on the SDK for the view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShareViewCall {
    /// `stream.startShareView(canvas, userId)`.
    Start(UserId),
    /// `stream.stopShareView()`.
    Stop,
}

/// The shares of one session, as the app sees them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Encode)]
#[serde(rename_all = "camelCase")]
pub struct ShareView {
    /// Who shares, in the order they started (`peer-share-state-change`).
    pub sharers: Vec<UserId>,
    /// Whose share the SDK shows (`active-share-change` `Active`); `None`
    /// when nobody's.
    pub active: Option<UserId>,
    /// Whose share is drawn on the app's canvas now (after
    /// `startShareView`); `None` when none.
    pub viewing: Option<UserId>,
    /// The app gave a canvas to draw shares on.
    pub wanted: bool,
}

impl ShareView {
    /// `peer-share-state-change`: `true` when anything changed.
    pub fn on_peer(&mut self, change: PeerShareStateChange) -> bool {
        let listed = self.sharers.contains(&change.user_id);
        match change.action {
            PeerShareAction::Start if !listed => self.sharers.push(change.user_id),
            PeerShareAction::Stop if listed => self.sharers.retain(|u| *u != change.user_id),
            _ => return false,
        }
        true
    }

    /// `user` left the session: they share no more. `true` when anything
    /// changed.
    pub fn on_left(&mut self, user: UserId) -> bool {
        let listed = self.sharers.contains(&user);
        self.sharers.retain(|u| *u != user);
        let active = self.active == Some(user);
        if active {
            self.active = None;
        }
        listed || active
    }

    /// `share-content-change`: the SDK switched the received share to
    /// `user` by itself. `true` when the active share changed.
    pub fn on_content(&mut self, user: UserId) -> bool {
        let changed = self.active != Some(user);
        self.active = Some(user);
        changed
    }

    /// `active-share-change`: `true` when the active share changed.
    pub fn on_active(&mut self, change: ActiveShareChange) -> bool {
        let active = match change.state {
            ShareActivity::Active => Some(change.user_id),
            // Only the active sharer's end clears it.
            ShareActivity::Inactive if self.active == Some(change.user_id) => None,
            ShareActivity::Inactive => self.active,
        };
        let changed = active != self.active;
        self.active = active;
        changed
    }

    /// The SDK calls that make the canvas show what should be shown: the
    /// active share of someone other than `self_user` while the app wants
    /// it, else nothing. Marks them done: a failed start is reported with
    /// [`start_failed`](Self::start_failed).
    pub fn decide(&mut self, self_user: Option<UserId>) -> Vec<ShareViewCall> {
        let target = self.active.filter(|u| self.wanted && Some(*u) != self_user);
        if target == self.viewing {
            return Vec::new();
        }
        let mut calls = Vec::new();
        if self.viewing.is_some() {
            calls.push(ShareViewCall::Stop);
        }
        if let Some(user) = target {
            calls.push(ShareViewCall::Start(user));
        }
        self.viewing = target;
        calls
    }

    /// `startShareView` for `user` was refused: nothing is drawn.
    pub fn start_failed(&mut self, user: UserId) {
        if self.viewing == Some(user) {
            self.viewing = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn active(user: u64, on: bool) -> ActiveShareChange {
        ActiveShareChange {
            state: if on {
                ShareActivity::Active
            } else {
                ShareActivity::Inactive
            },
            user_id: UserId(user),
        }
    }

    #[test]
    fn the_view_follows_the_active_share_while_wanted_and_never_our_own() {
        let me = Some(UserId(1));
        let mut v = ShareView::default();
        assert!(v.on_active(active(2, true)));
        assert!(v.decide(me).is_empty(), "not wanted yet");
        v.wanted = true;
        assert_eq!(v.decide(me), vec![ShareViewCall::Start(UserId(2))]);
        assert!(v.decide(me).is_empty(), "already viewing");
        v.on_active(active(3, true));
        assert_eq!(
            v.decide(me),
            vec![ShareViewCall::Stop, ShareViewCall::Start(UserId(3))]
        );
        assert!(!v.on_active(active(2, false)), "not the active sharer");
        v.on_active(active(3, false));
        assert_eq!(v.decide(me), vec![ShareViewCall::Stop]);
        v.on_active(active(1, true));
        assert!(v.decide(me).is_empty(), "our own share is not viewed");
        v.on_active(active(4, true));
        v.decide(me);
        v.start_failed(UserId(4));
        assert_eq!(v.viewing, None);
        v.wanted = false;
        assert!(v.decide(me).is_empty());
    }

    #[test]
    fn sharers_are_listed_once_in_start_order() {
        let mut v = ShareView::default();
        let peer = |u, action| PeerShareStateChange {
            user_id: UserId(u),
            action,
        };
        assert!(v.on_peer(peer(3, PeerShareAction::Start)));
        assert!(v.on_peer(peer(2, PeerShareAction::Start)));
        assert!(!v.on_peer(peer(3, PeerShareAction::Start)));
        assert!(v.on_peer(peer(3, PeerShareAction::Stop)));
        assert!(!v.on_peer(peer(9, PeerShareAction::Stop)));
        assert_eq!(v.sharers, vec![UserId(2)]);
    }

    #[test]
    fn a_sharer_who_leaves_shares_no_more_and_the_sdk_may_switch_the_share() {
        let mut v = ShareView {
            sharers: vec![UserId(2), UserId(3)],
            active: Some(UserId(2)),
            viewing: None,
            wanted: true,
        };
        assert!(v.on_content(UserId(3)));
        assert!(!v.on_content(UserId(3)));
        assert!(v.on_left(UserId(3)));
        assert_eq!((v.sharers.clone(), v.active), (vec![UserId(2)], None));
        assert!(!v.on_left(UserId(9)));
    }
}
