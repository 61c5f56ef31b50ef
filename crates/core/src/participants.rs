//! The participant list, kept across Zoom's failover and never counting anyone twice.

use crate::vecmap::VecMap;

use serde::Serialize;

use crate::io::Event;
use crate::quality::{NetworkDirection, NetworkQualityChange};
use crate::sdk::{AudioType, ParticipantProperties, UserId};
use crate::wire::Encode;

/// One participant as zoomkit shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Encode)]
#[serde(rename_all = "camelCase")]
pub struct Participant {
    /// `userId`.
    pub user_id: UserId,
    /// `displayName`.
    pub display_name: String,
    /// `userKey` (or `userIdentity`): the app's id for this user, if set in the JWT.
    pub user_key: Option<String>,
    /// `isHost`.
    pub is_host: bool,
    /// `isManager`.
    pub is_manager: bool,
    /// `audio`.
    pub audio: Option<AudioType>,
    /// `muted`.
    pub muted: Option<bool>,
    /// `bVideoOn`.
    pub video_on: bool,
    /// `sharerOn`.
    pub sharing: bool,
    /// `isInFailover`: connection lost, Zoom removes them after two minutes.
    pub reconnecting: bool,
    /// In the SDK's latest `active-speaker` list: talking now. (The held
    /// speaker that speaker mode shows is the `Stage`'s.)
    pub speaking: bool,
    /// Their uplink's `network-quality-change` level, 0-5 (0-1 bad, 2
    /// normal, 3-5 good); `None` until the SDK says (it sends it only while
    /// video flows).
    pub uplink_quality: Option<u8>,
    /// Their downlink's level, 0-5, as [`uplink_quality`](Self::uplink_quality).
    pub downlink_quality: Option<u8>,
}

impl Participant {
    fn from_props(p: &ParticipantProperties) -> Self {
        let mut me = Participant {
            user_id: p.user_id,
            display_name: String::new(),
            user_key: None,
            is_host: false,
            is_manager: false,
            audio: None,
            muted: None,
            video_on: false,
            sharing: false,
            reconnecting: false,
            speaking: false,
            uplink_quality: None,
            downlink_quality: None,
        };
        me.apply(p);
        me
    }

    fn apply(&mut self, p: &ParticipantProperties) {
        if let Some(v) = &p.display_name {
            self.display_name.clone_from(v);
        }
        if let Some(k) = p.app_key() {
            self.user_key = Some(k.to_owned());
        }
        if let Some(v) = p.is_host {
            self.is_host = v;
        }
        if let Some(v) = p.is_manager {
            self.is_manager = v;
        }
        if let Some(v) = p.audio {
            self.audio = Some(v);
        }
        if let Some(v) = p.muted {
            self.muted = Some(v);
        }
        if let Some(v) = p.b_video_on {
            self.video_on = v;
        }
        if let Some(v) = p.sharer_on {
            self.sharing = v;
        }
        if let Some(v) = p.is_in_failover {
            self.reconnecting = v;
        }
    }
}

/// The participants by id.
#[derive(Debug, Clone, Default)]
pub(crate) struct Roster {
    by_id: VecMap<UserId, Participant>,
}

impl Roster {
    pub(crate) fn iter(&self) -> impl Iterator<Item = &Participant> {
        self.by_id.values()
    }

    pub(crate) fn get(&self, id: UserId) -> Option<&Participant> {
        self.by_id.get(&id)
    }

    pub(crate) fn clear(&mut self) -> bool {
        let had = !self.by_id.is_empty();
        self.by_id.clear();
        had
    }

    /// `user-added` or `user-updated`: both upsert, because Zoom re-announces
    /// users after failover and a duplicate `user-added` must not add twice.
    pub(crate) fn upsert(&mut self, props: &ParticipantProperties, events: &mut Vec<Event>) {
        if let Some(existing) = self.by_id.get_mut(&props.user_id) {
            let was_reconnecting = existing.reconnecting;
            let before = existing.clone();
            existing.apply(props);
            let now = existing.clone();
            if was_reconnecting && !now.reconnecting {
                events.push(Event::ParticipantRecovered {
                    user_id: now.user_id,
                    replaced: None,
                });
            } else if !was_reconnecting && now.reconnecting {
                events.push(Event::ParticipantReconnecting {
                    user_id: now.user_id,
                });
            }
            if before != now {
                events.push(Event::ParticipantUpdated(now));
            }
            return;
        }
        let fresh = Participant::from_props(props);
        // The same person back under a new id while their old entry is still
        // in failover: replace it rather than show them twice.
        let stale = fresh.user_key.as_deref().and_then(|key| {
            self.by_id
                .values()
                .find(|p| p.reconnecting && p.user_key.as_deref() == Some(key))
                .map(|p| p.user_id)
        });
        let id = fresh.user_id;
        self.by_id.insert(id, fresh.clone());
        match stale {
            Some(old) => {
                self.by_id.remove(&old);
                events.push(Event::ParticipantRecovered {
                    user_id: id,
                    replaced: Some(old),
                });
                events.push(Event::ParticipantUpdated(fresh));
            }
            None => {
                events.push(Event::ParticipantJoined(fresh.clone()));
                if fresh.reconnecting {
                    events.push(Event::ParticipantReconnecting { user_id: id });
                }
            }
        }
    }

    /// `active-speaker`: those listed are speaking, everyone else is not;
    /// each participant whose `speaking` changed is told as updated.
    pub(crate) fn set_speaking(&mut self, speakers: &[UserId], events: &mut Vec<Event>) {
        let ids: Vec<UserId> = self.by_id.keys().copied().collect();
        for id in ids {
            if let Some(p) = self.by_id.get_mut(&id) {
                let speaking = speakers.contains(&id);
                if p.speaking != speaking {
                    p.speaking = speaking;
                    events.push(Event::ParticipantUpdated(p.clone()));
                }
            }
        }
    }

    /// `network-quality-change` for one user (0-5, checked when decoded);
    /// someone not in the roster is ignored.
    pub(crate) fn set_quality(&mut self, change: &NetworkQualityChange, events: &mut Vec<Event>) {
        let Some(p) = self.by_id.get_mut(&change.user_id) else {
            return;
        };
        let slot = match change.direction {
            NetworkDirection::Uplink => &mut p.uplink_quality,
            NetworkDirection::Downlink => &mut p.downlink_quality,
        };
        if *slot != Some(change.level) {
            *slot = Some(change.level);
            events.push(Event::ParticipantUpdated(p.clone()));
        }
    }

    pub(crate) fn remove(&mut self, props: &ParticipantProperties, events: &mut Vec<Event>) {
        if let Some(p) = self.by_id.remove(&props.user_id) {
            events.push(Event::ParticipantLeft(p));
        }
    }
}
