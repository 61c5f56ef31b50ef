//! Who the active speaker is, held long enough not to flicker.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::sdk::UserId;
use crate::time::Instant;
use crate::wire::{Decode, Encode};

/// One entry of the SDK's `active-speaker` payload (`ActiveSpeaker` in
/// `event-callback.d.ts`; the array is loudest first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Encode, Decode)]
#[serde(rename = "ActiveSpeaker", rename_all = "camelCase")]
pub struct ActiveSpeaker {
    /// `userId`.
    pub user_id: UserId,
}

/// The active speaker, with a hold time so the speaker view does not flicker.
///
/// Feed it what the SDK says (`observe`, usually from `active-speaker`),
/// and arm a timer for [`poll_timeout`](Self::poll_timeout). Rules:
///
/// - the first speaker heard becomes current at once;
/// - a new current speaker stays current for at least [`hold`](Self::new):
///   someone else heard during the hold becomes current when it ends (the
///   last one heard wins), unless the current speaker was heard again since;
/// - after the hold, a different speaker takes over at once.
///
/// So, whatever is heard, the current speaker changes at most once per hold:
/// at most `1 + elapsed / hold` changes in any span of time (a departure,
/// [`remove`](Self::remove), is the one exception).
///
/// ```
/// # use std::time::Duration;
/// # use zoomkit_core::{ActiveSpeakerTracker, Instant, UserId};
/// let t = |ms| Instant::from_millis(ms);
/// let mut s = ActiveSpeakerTracker::new(Duration::from_secs(2));
/// assert!(s.observe(t(0), UserId(1)));
/// assert!(!s.observe(t(500), UserId(2))); // held: 1 stays until t=2000
/// assert_eq!(s.poll_timeout(), Some(t(2000)));
/// assert!(s.handle_timeout(t(2000)));
/// assert_eq!(s.current(), Some(UserId(2)));
/// assert_eq!(s.recent(), &[UserId(2), UserId(1)]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActiveSpeakerTracker {
    hold: Duration,
    capacity: usize,
    /// Most recent first; `recent[0]` is current when `has_current`.
    recent: Vec<UserId>,
    has_current: bool,
    since: Instant,
    pending: Option<UserId>,
}

impl Default for ActiveSpeakerTracker {
    fn default() -> Self {
        Self::new(Self::DEFAULT_HOLD)
    }
}

impl ActiveSpeakerTracker {
    /// Two seconds: the SDK's `video-active-change` already waits one second
    /// of talking; a second more keeps short interjections from taking the stage.
    pub const DEFAULT_HOLD: Duration = Duration::from_secs(2);

    /// How many distinct recent speakers are remembered.
    pub const HISTORY: usize = 16;

    /// A tracker whose current speaker is held for `hold`.
    #[must_use]
    pub fn new(hold: Duration) -> Self {
        ActiveSpeakerTracker {
            hold,
            capacity: Self::HISTORY,
            recent: Vec::with_capacity(Self::HISTORY),
            has_current: false,
            since: Instant::EPOCH,
            pending: None,
        }
    }

    /// The current active speaker.
    #[must_use]
    pub fn current(&self) -> Option<UserId> {
        self.has_current.then(|| self.recent[0])
    }

    /// Recent speakers, most recent first, each once; the current one (if
    /// any) first. Pass it as [`LayoutInput::recent_speakers`](crate::layout::LayoutInput::recent_speakers).
    #[must_use]
    pub fn recent(&self) -> &[UserId] {
        &self.recent
    }

    /// `user` is speaking at `now`. Returns whether the current speaker changed.
    pub fn observe(&mut self, now: Instant, user: UserId) -> bool {
        if self.current() == Some(user) {
            self.pending = None;
            return false;
        }
        if !self.has_current || now >= self.since + self.hold {
            self.switch(now, user);
            true
        } else {
            self.pending = Some(user);
            false
        }
    }

    /// The SDK's `active-speaker` payload (loudest first): observes the loudest.
    pub fn observe_all(&mut self, now: Instant, speakers: &[ActiveSpeaker]) -> bool {
        speakers
            .first()
            .is_some_and(|s| self.observe(now, s.user_id))
    }

    /// When a speaker heard during the hold is due to take over.
    #[must_use]
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.pending.map(|_| self.since + self.hold)
    }

    /// The timer fired. Returns whether the current speaker changed.
    pub fn handle_timeout(&mut self, now: Instant) -> bool {
        match self.pending {
            Some(next) if now >= self.since + self.hold => {
                self.switch(now, next);
                true
            }
            _ => false,
        }
    }

    /// `user` left. A departing current speaker is replaced at once by the
    /// one waiting (leaving is not flicker), else nobody is current.
    /// Returns whether the current speaker changed.
    pub fn remove(&mut self, now: Instant, user: UserId) -> bool {
        if self.pending == Some(user) {
            self.pending = None;
        }
        let was_current = self.current() == Some(user);
        self.recent.retain(|&u| u != user);
        if was_current {
            self.has_current = false;
            if let Some(next) = self.pending.take() {
                self.switch(now, next);
            }
        }
        was_current
    }

    fn switch(&mut self, now: Instant, user: UserId) {
        self.recent.retain(|&u| u != user);
        self.recent.insert(0, user);
        self.recent.truncate(self.capacity);
        self.has_current = true;
        self.since = now;
        self.pending = None;
    }
}
