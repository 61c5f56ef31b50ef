//! One instance's share of an account's rolling windows, when several
//! instances share the account: pure, with time as an argument.
//!
//! The account's `c` calls per window are split between the `n` live
//! instances by rank: every instance takes `c / n`, and the first `c % n`
//! (in the order of their ids, the same order for all) one more, so the
//! shares add up to `c` exactly (`20 / 3`: 7, 7, 6). With more instances
//! than calls, the last `n - c` get none for the while.
//!
//! Instances learn of each other through heartbeats, each at its own
//! moment, so for a while after a change they disagree. A share that
//! shrinks is used at once; one that grows (an instance left, or the ranks
//! moved) waits until every other instance has seen the change and its
//! calls under the old share have left the window: `settle` (the longest
//! an instance takes to see a change) plus the window's span. A new
//! instance starts from nothing and so waits the same before its first
//! call. Then no window ever holds more than `c` calls from all instances
//! together, even while they disagree.

use std::collections::VecDeque;
use std::num::NonZeroU32;
use std::time::{Duration, SystemTime};

use super::budget::{Limit, Window};

/// Where one instance stands among the live instances of an account.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ShareView {
    /// How many instances are live (this one included; at least 1).
    pub live: u32,
    /// This instance's place among them, from 0 (in an order all agree on).
    pub rank: u32,
}

impl ShareView {
    /// Alone.
    pub const ALONE: Self = Self { live: 1, rank: 0 };

    /// This instance's calls of a window of `count`: `count / live`, one
    /// more for the first `count % live` ranks.
    #[must_use]
    pub fn share_of(self, count: u32) -> u32 {
        let n = self.live.max(1);
        let rank = self.rank.min(n - 1);
        count / n + u32::from(rank < count % n)
    }
}

/// How long views are kept after they ended: longer than any window plus
/// `settle` (Zoom's longest window is a minute).
const KEEP: Duration = Duration::from_secs(15 * 60);

/// The views an instance held, newest last, each from the time it was
/// first seen: what its shares are now.
#[derive(Clone, Debug)]
pub struct ShareHistory {
    settle: Duration,
    views: VecDeque<(SystemTime, ShareView)>,
}

impl ShareHistory {
    /// A history whose first view is `first`, seen at `at`. `settle` is
    /// the longest any instance may take to see a change of the live set
    /// (its heartbeat interval, with room for a slow one).
    #[must_use]
    pub fn new(first: ShareView, at: SystemTime, settle: Duration) -> Self {
        Self {
            settle,
            views: VecDeque::from([(at, first)]),
        }
    }

    /// The view now.
    #[must_use]
    pub fn current(&self) -> ShareView {
        self.views.back().map_or(ShareView::ALONE, |(_, v)| *v)
    }

    /// A heartbeat saw `view` at `at`. A view equal to the current one
    /// changes nothing; a time before the last view's is taken as that
    /// time (the clock went back: the order of views is what counts).
    pub fn observe(&mut self, view: ShareView, at: SystemTime) {
        let last = self.views.back().copied();
        if last.is_some_and(|(_, v)| v == view) {
            return;
        }
        let at = last.map_or(at, |(t, _)| t.max(at));
        self.views.push_back((at, view));
        // A view whose successor began more than KEEP ago no longer matters.
        while self.views.len() > 1 && self.views[1].0 + KEEP < at {
            self.views.pop_front();
        }
    }

    /// This instance's part of `limit` at `now`. Rolling windows: the
    /// smallest share among the views held at any time in the last
    /// `settle + span`, or [`Window::Closed`] when that is none (a new
    /// instance's first `settle + span`, or more instances than calls).
    /// Daily limits are whole (counted exactly elsewhere).
    #[must_use]
    pub fn limit(&self, limit: Limit, now: SystemTime) -> Limit {
        let Window::Rolling(span) = limit.window else {
            return limit;
        };
        let lookback = self.settle + span;
        let since = now.checked_sub(lookback).unwrap_or(SystemTime::UNIX_EPOCH);
        let Some(&(first_at, _)) = self.views.front() else {
            return limit;
        };
        if since < first_at {
            // Before our first view we took no share: the others may
            // still be using all of it.
            let again = (first_at + lookback)
                .duration_since(now)
                .unwrap_or(Duration::ZERO);
            return closed(again);
        }
        // Views in effect during [since, now]: the last one that began at
        // or before `since`, and every later one.
        let mut smallest: Option<(u32, Option<SystemTime>)> = None;
        for (i, &(start, view)) in self.views.iter().enumerate() {
            let end = self.views.get(i + 1).map(|&(t, _)| t);
            if end.is_some_and(|e| e <= since) || start > now {
                continue;
            }
            let share = view.share_of(limit.count.get());
            if smallest.is_none_or(|(s, _)| share < s) {
                smallest = Some((share, end));
            }
        }
        let (share, end) = smallest.unwrap_or((limit.count.get(), None));
        match NonZeroU32::new(share) {
            Some(count) => Limit { count, ..limit },
            // None now: ask again when that view leaves the lookback, or
            // (the current view) after `settle`, when it may have changed.
            None => closed(end.map_or(self.settle, |e| {
                (e + lookback).duration_since(now).unwrap_or(Duration::ZERO)
            })),
        }
    }
}

fn closed(again: Duration) -> Limit {
    Limit {
        count: NonZeroU32::MIN,
        window: Window::Closed(again.max(Duration::from_millis(1))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::UNIX_EPOCH;

    fn at(ms: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_millis(1_800_000_000_000 + ms)
    }

    fn v(live: u32, rank: u32) -> ShareView {
        ShareView { live, rank }
    }

    const SETTLE: Duration = Duration::from_secs(2);

    fn count(l: Limit) -> Option<u32> {
        matches!(l.window, Window::Rolling(_)).then(|| l.count.get())
    }

    #[test]
    fn shares_add_up_to_the_whole() {
        for c in 1..=40 {
            for n in 1..=7 {
                let total: u32 = (0..n).map(|r| v(n, r).share_of(c)).sum();
                assert_eq!(total, c, "{c} over {n}");
                let shares: Vec<u32> = (0..n).map(|r| v(n, r).share_of(c)).collect();
                let (lo, hi) = (shares.iter().min().unwrap(), shares.iter().max().unwrap());
                assert!(hi - lo <= 1, "{c} over {n}: {shares:?}");
            }
        }
        assert_eq!(
            [v(3, 0), v(3, 1), v(3, 2)].map(|v| v.share_of(20)),
            [7, 7, 6]
        );
    }

    #[test]
    fn a_new_instance_waits_settle_plus_a_window() {
        let light = Limit::per_second(20).unwrap();
        let h = ShareHistory::new(v(2, 1), at(0), SETTLE);
        let l = h.limit(light, at(100));
        assert_eq!(l.window, Window::Closed(Duration::from_millis(2900)));
        assert_eq!(count(h.limit(light, at(3000))), Some(10));
        // A daily cap is whole from the start.
        let day = Limit::per_utc_day(100).unwrap();
        assert_eq!(h.limit(day, at(0)), day);
    }

    #[test]
    fn shrinking_is_at_once_growing_waits() {
        let light = Limit::per_second(20).unwrap();
        let mut h = ShareHistory::new(ShareView::ALONE, at(0), SETTLE);
        assert_eq!(count(h.limit(light, at(3000))), Some(20));
        // A second instance is seen: 10 at once.
        h.observe(v(2, 0), at(10_000));
        assert_eq!(count(h.limit(light, at(10_000))), Some(10));
        // A third: rank 0 of 3 is 7.
        h.observe(v(3, 0), at(20_000));
        assert_eq!(count(h.limit(light, at(20_000))), Some(7));
        // Both leave: 20 again only settle + 1 s later.
        h.observe(ShareView::ALONE, at(30_000));
        assert_eq!(count(h.limit(light, at(30_000))), Some(7));
        assert_eq!(count(h.limit(light, at(32_999))), Some(7));
        assert_eq!(count(h.limit(light, at(33_001))), Some(20));
        // The same view again changes nothing.
        h.observe(ShareView::ALONE, at(40_000));
        assert_eq!(h.views.len(), 4);
    }

    #[test]
    fn more_instances_than_calls() {
        let ri = Limit::rolling(2, Duration::from_secs(60)).unwrap();
        let mut h = ShareHistory::new(v(3, 2), at(0), SETTLE);
        let late = at(100_000);
        assert_eq!(h.limit(ri, late).window, Window::Closed(SETTLE));
        let first = ShareHistory::new(v(3, 0), at(0), SETTLE);
        assert_eq!(count(first.limit(ri, late)), Some(1));
        // When the others leave, the last one gets one call once the view
        // with none has left the lookback.
        h.observe(v(1, 0), at(100_000));
        assert_eq!(
            h.limit(ri, at(100_000)).window,
            Window::Closed(Duration::from_secs(62))
        );
        assert_eq!(count(h.limit(ri, at(162_000))), Some(2));
    }

    proptest::proptest! {
        /// Instances joining and leaving at random, each seeing changes up
        /// to `settle` late, each sending as much as its share allows
        /// (assessed every 10 ms): no window of 1 s ever holds more than
        /// the account's calls.
        #[test]
        fn disagreeing_instances_never_overrun(
            events in proptest::collection::vec((0u64..3_000, 0u8..4, 0u64..2_000), 1..12),
            count in 1u32..25,
        ) {
            use crate::http::Budgets;
            use std::sync::{Arc, Mutex};
            let limit = Limit::per_second(count).unwrap();
            // Membership: for each of 4 instance ids, intervals alive.
            let mut t = 0u64;
            let mut alive = [false; 4];
            let mut changes: Vec<(u64, [bool; 4])> = vec![(0, alive)];
            for (gap, who, _) in &events {
                t += gap;
                alive[*who as usize] = !alive[*who as usize];
                changes.push((t, alive));
            }
            let end = t + 5_000;
            let truth = |ms: u64| changes.iter().rev().find(|(c, _)| *c <= ms).map_or([false; 4], |(_, a)| *a);
            let lags: Vec<u64> = events.iter().map(|(_, _, lag)| *lag).chain([700, 1300, 1999, 0]).collect();
            type Seat = (Arc<Mutex<ShareHistory>>, Budgets<u8>);
            let mut seats: [Option<Seat>; 4] = Default::default();
            let mut sends: Vec<u64> = Vec::new();
            let mut ms = 0;
            while ms <= end {
                for id in 0..4usize {
                    if !truth(ms)[id] {
                        seats[id] = None;
                        continue;
                    }
                    // A first heartbeat reads the live set fresh; later
                    // ones see it up to `lag` late (always with itself).
                    let fresh = seats[id].is_none();
                    let lag = if fresh { 0 } else { lags[id % lags.len()] };
                    let mut seen = truth(ms.saturating_sub(lag));
                    seen[id] = true;
                    let live = seen.iter().filter(|a| **a).count() as u32;
                    let rank = seen[..id].iter().filter(|a| **a).count() as u32;
                    let view = v(live, rank);
                    let (h, b) = seats[id].get_or_insert_with(|| {
                        let h = Arc::new(Mutex::new(ShareHistory::new(view, at(ms), SETTLE)));
                        let read = Arc::clone(&h);
                        let b = Budgets::new_timed(move |_: &u8, now| {
                            Some(read.lock().unwrap().limit(limit, now))
                        });
                        (h, b)
                    });
                    h.lock().unwrap().observe(view, at(ms));
                    while b.acquire(&[0u8], at(ms)).is_ok() {
                        sends.push(ms);
                    }
                }
                ms += 10;
            }
            sends.sort_unstable();
            for (i, &s) in sends.iter().enumerate() {
                let n = sends[i..].iter().take_while(|&&x| x < s + 1000).count();
                proptest::prop_assert!(n as u32 <= count, "{n} calls in the second from {s}");
            }
        }
    }
}
