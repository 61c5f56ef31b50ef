//! Hysteresis on a ladder of rungs: follow a target, late, and not too often.

use std::time::Duration;

use crate::time::Instant;

use super::VideoQuality;

/// A rung of the ladder: `None` carries no video, then 90p up to 1080p
/// (`Option`'s order puts `None` lowest).
pub(crate) type Rung = Option<VideoQuality>;

/// The timing of a [`Track`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Holds {
    pub down: Duration,
    pub up: Duration,
    pub min_interval: Duration,
}

/// One decision that follows a noisy target:
///
/// - down when the target has stayed below the current rung for `down`;
/// - up when it has stayed above for `up`;
/// - never two switches within `min_interval`.
///
/// A switch goes straight to the latest target. Since a switch needs a
/// candidate that started at or after the previous switch and was held for
/// `down` or `up`, and `min_interval` too, switches are at least
/// `max(min_interval, min(down, up))` apart, whatever the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Track {
    pub current: Rung,
    /// The rung wanted, and since when it has been on that side of `current`.
    candidate: Option<(Rung, Instant)>,
    last_switch: Option<Instant>,
}

impl Track {
    pub(crate) const fn new(start: Rung) -> Self {
        Track {
            current: start,
            candidate: None,
            last_switch: None,
        }
    }

    /// Follows `target` at `now`. Returns whether `current` changed.
    pub(crate) fn update(&mut self, now: Instant, target: Rung, holds: Holds) -> bool {
        if target == self.current {
            self.candidate = None;
            return false;
        }
        let up = target > self.current;
        match &mut self.candidate {
            Some((wanted, _)) if (*wanted > self.current) == up => *wanted = target,
            _ => self.candidate = Some((target, now)),
        }
        match self.due(holds) {
            Some(at) if now >= at => {
                self.current = target;
                self.candidate = None;
                self.last_switch = Some(now);
                true
            }
            _ => false,
        }
    }

    /// When the candidate may take over (call `update` then).
    pub(crate) fn due(&self, holds: Holds) -> Option<Instant> {
        let (wanted, since) = self.candidate?;
        let hold = if wanted > self.current {
            holds.up
        } else {
            holds.down
        };
        let held = since + hold;
        Some(match self.last_switch {
            Some(last) => held.max(last + holds.min_interval),
            None => held,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: Holds = Holds {
        down: Duration::from_secs(2),
        up: Duration::from_secs(10),
        min_interval: Duration::from_secs(4),
    };

    fn t(s: u64) -> Instant {
        Instant::from_millis(s * 1000)
    }

    #[test]
    fn goes_down_after_the_down_hold_and_up_after_the_up_hold() {
        let mut tr = Track::new(Some(VideoQuality::Video720P));
        let low = Some(VideoQuality::Video180P);
        assert!(!tr.update(t(0), low, H));
        assert_eq!(tr.due(H), Some(t(2)));
        assert!(tr.update(t(2), low, H));
        assert_eq!(tr.current, low);
        let high = Some(VideoQuality::Video720P);
        assert!(!tr.update(t(3), high, H));
        assert_eq!(tr.due(H), Some(t(13)));
        // A dip back to the current rung restarts the wait.
        assert!(!tr.update(t(5), low, H));
        assert_eq!(tr.due(H), None);
        assert!(!tr.update(t(6), high, H));
        assert!(!tr.update(t(15), high, H));
        assert!(tr.update(t(16), high, H));
    }

    #[test]
    fn two_switches_are_at_least_min_interval_apart() {
        let mut tr = Track::new(Some(VideoQuality::Video720P));
        tr.update(t(0), Some(VideoQuality::Video360P), H);
        assert!(tr.update(t(2), Some(VideoQuality::Video360P), H));
        tr.update(t(3), None, H);
        assert_eq!(tr.due(H), Some(t(6)));
        assert!(!tr.update(t(5), None, H));
        assert!(tr.update(t(6), None, H));
    }
}
