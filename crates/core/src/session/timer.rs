//! The session's timers: one table indexed by [`TimerKind`], whose kinds are
//! listed once (the `timers!` invocation below), in the spirit of
//! quinn-proto's `connection/timer.rs`.

use crate::time::Instant;

macro_rules! timers {
    ($($(#[$doc:meta])* $kind:ident,)*) => {
        /// What a timer is for.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub(super) enum TimerKind {
            $($(#[$doc])* $kind,)*
        }

        impl TimerKind {
            /// Every kind, in declaration order (the table's index order).
            const ALL: &'static [TimerKind] = &[$(TimerKind::$kind,)*];
        }
    };
}

timers! {
    /// `join` must settle by then.
    Join,
    /// `leave` must settle by then.
    Leave,
    /// The next rejoin attempt.
    Rejoin,
    /// The failover watchdog.
    Failover,
    /// The session's maximum duration.
    MaxDuration,
    /// Alone for too long.
    Idle,
    /// Rewrite the resume snapshot.
    Snapshot,
}

/// When each timer fires, if armed.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Timers([Option<Instant>; TimerKind::ALL.len()]);

impl Timers {
    /// When `kind` fires, if armed.
    pub(super) fn get(&self, kind: TimerKind) -> Option<Instant> {
        self.0[kind as usize]
    }

    /// Arms (`Some`) or disarms (`None`) `kind`.
    pub(super) fn set(&mut self, kind: TimerKind, at: Option<Instant>) {
        self.0[kind as usize] = at;
    }

    /// The earliest armed timer.
    pub(super) fn next(&self) -> Option<Instant> {
        self.0.iter().flatten().min().copied()
    }

    /// The earliest timer due at `now`, if any (ties: declaration order).
    pub(super) fn due(&self, now: Instant) -> Option<TimerKind> {
        TimerKind::ALL
            .iter()
            .filter_map(|&k| self.get(k).filter(|at| *at <= now).map(|at| (at, k)))
            .min_by_key(|(at, _)| *at)
            .map(|(_, k)| k)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_has_a_slot_per_kind_and_fires_the_earliest_first() {
        let t = |ms| Instant::from_millis(ms);
        let mut timers = Timers::default();
        assert_eq!(timers.next(), None);
        for (i, &k) in TimerKind::ALL.iter().enumerate() {
            assert_eq!(k as usize, i, "kinds index the table in order");
        }
        timers.set(TimerKind::Snapshot, Some(t(5)));
        timers.set(TimerKind::Join, Some(t(9)));
        assert_eq!(timers.next(), Some(t(5)));
        assert_eq!(timers.due(t(4)), None);
        assert_eq!(timers.due(t(9)), Some(TimerKind::Snapshot));
        timers.set(TimerKind::Snapshot, None);
        assert_eq!(timers.due(t(9)), Some(TimerKind::Join));
        assert_eq!(timers.get(TimerKind::Snapshot), None);
    }
}
