//! Pacing before the call: budgets per key, pure, with time as an argument.

use std::collections::{HashMap, VecDeque};
use std::hash::Hash;
use std::num::NonZeroU32;
use std::time::{Duration, SystemTime};

use super::error::Retry;
use super::rate_limit::{next_utc_midnight, utc_day};

/// Over which span a [`Limit`] counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Window {
    /// Any span of this length (a sliding window): at most `count` calls in
    /// every interval `(t - span, t]`. Stricter than a fixed window, so a
    /// vendor counting in fixed seconds never sees more than its limit.
    Rolling(Duration),
    /// The calendar day in UTC, reset at 00:00 UTC (Zoom's daily caps). A
    /// key whose day is used up is *paused*: calls fail fast until midnight.
    UtcDay,
    /// No call now (an instance whose share of an account's window is
    /// none for the moment); ask again after this long. `count` means
    /// nothing here.
    Closed(Duration),
}

/// How many calls a key may make per [`Window`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Limit {
    /// Calls allowed per window (at least one).
    pub count: NonZeroU32,
    /// The window.
    pub window: Window,
}

impl Limit {
    /// `count` calls per rolling `span`. `None` when `count` is zero or
    /// `span` is zero (such a limit could never be met or means nothing).
    #[must_use]
    pub fn rolling(count: u32, span: Duration) -> Option<Self> {
        (!span.is_zero()).then_some(())?;
        Some(Self {
            count: NonZeroU32::new(count)?,
            window: Window::Rolling(span),
        })
    }

    /// `count` calls per second.
    #[must_use]
    pub fn per_second(count: u32) -> Option<Self> {
        Self::rolling(count, Duration::from_secs(1))
    }

    /// `count` calls per UTC day.
    #[must_use]
    pub fn per_utc_day(count: u32) -> Option<Self> {
        Some(Self {
            count: NonZeroU32::new(count)?,
            window: Window::UtcDay,
        })
    }
}

/// Why a call may not be sent now.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NotYet {
    /// Budget is short for a moment: wait until `until`, then ask again.
    #[error("budget of key #{key_index} used up: wait until {}", httpdate::fmt_http_date(*until))]
    Wait {
        /// Index (in the slice given to `acquire`) of the key that is short.
        key_index: usize,
        /// When to ask again.
        until: SystemTime,
    },
    /// The key is paused (its daily cap is used up, or the vendor said so
    /// with a daily 429): fail the call now, it cannot be sent before
    /// `until`.
    #[error("key #{key_index} paused (daily cap): resumes at {}", httpdate::fmt_http_date(*until))]
    Paused {
        /// Index (in the slice given to `acquire`) of the paused key.
        key_index: usize,
        /// When the key resumes (00:00 UTC for Zoom's daily caps).
        until: SystemTime,
    },
}

impl NotYet {
    /// When the call may be tried again.
    #[must_use]
    pub fn until(&self) -> SystemTime {
        match self {
            Self::Wait { until, .. } | Self::Paused { until, .. } => *until,
        }
    }

    /// As a [`Retry`]: [`Retry::At`] for a wait, [`Retry::PausedUntil`]
    /// for a pause.
    #[must_use]
    pub fn retry(&self) -> Retry {
        match self {
            Self::Wait { until, .. } => Retry::At(*until),
            Self::Paused { until, .. } => Retry::PausedUntil(*until),
        }
    }
}

/// Maps a key (and the time) to its limit (`None`: unlimited).
type LimitFor<K> = Box<dyn Fn(&K, SystemTime) -> Option<Limit> + Send + Sync>;

/// A call taken by [`Budgets::acquire_pending`] whose arrival at the
/// vendor is not known yet: hand it back to [`Budgets::settle`] when the
/// answer (or the failure) is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[must_use = "a pending call holds its slots until settled"]
pub struct Pending(u64);

/// One send in a rolling window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Sent {
    /// When it was sent, or (once settled) when its answer came: the
    /// vendor counted it at some moment no later than that.
    at: SystemTime,
    /// Not settled yet: it may not have reached the vendor, so it never
    /// leaves the window until it is settled.
    pending: Option<Pending>,
}

#[derive(Debug, Default)]
struct KeyState {
    /// Sends inside the rolling window, oldest first (at most `count`).
    sent: VecDeque<Sent>,
    /// The UTC day `day_count` counts.
    day: u64,
    day_count: u32,
    /// Fail fast until then (a daily 429).
    paused_until: Option<SystemTime>,
    /// Wait until then (a short 429 with `Retry-After`).
    held_until: Option<SystemTime>,
}

/// Budgets per key: *may I send now, and if not, until when must I wait?*
///
/// Pure and sans-IO: every method takes `now`; nothing sleeps. One
/// `Budgets` is shared (behind a lock) by every caller of a vendor account,
/// so a pause set by one caller's 429 stops all of them.
///
/// A call may need several keys at once (a Zoom meeting create needs the
/// account's LIGHT budget *and* the host's daily creates):
/// [`acquire`](Self::acquire) takes them all or none.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use zoomkit_server::http::{Budgets, Limit, NotYet};
///
/// let mut budgets = Budgets::new(|key: &&str| match *key {
///     "light" => Limit::per_second(2),
///     _ => Limit::per_utc_day(1),
/// });
/// let now = UNIX_EPOCH + Duration::from_secs(1_800_000_000);
/// assert_eq!(budgets.acquire(&["light", "host-a"], now), Ok(()));
/// assert_eq!(budgets.acquire(&["light"], now), Ok(()));
/// // Third in the same second: wait a second.
/// assert_eq!(
///     budgets.acquire(&["light"], now),
///     Err(NotYet::Wait { key_index: 0, until: now + Duration::from_secs(1) })
/// );
/// // host-a's day is used up: fail fast until 00:00 UTC.
/// let later = now + Duration::from_secs(5);
/// assert!(matches!(budgets.acquire(&["light", "host-a"], later), Err(NotYet::Paused { key_index: 1, .. })));
/// ```
pub struct Budgets<K> {
    limit_for: LimitFor<K>,
    keys: HashMap<K, KeyState>,
    next_pending: u64,
}

impl<K> std::fmt::Debug for Budgets<K> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Keys may hold host ids (e-mail addresses): print only their number.
        f.debug_struct("Budgets")
            .field("keys", &self.keys.len())
            .finish_non_exhaustive()
    }
}

impl<K: Hash + Eq + Clone> Budgets<K> {
    /// Budgets whose limits come from `limit_for`; a key it maps to `None`
    /// is unlimited (but can still be paused and held).
    pub fn new(limit_for: impl Fn(&K) -> Option<Limit> + Send + Sync + 'static) -> Self {
        Self::new_timed(move |key, _| limit_for(key))
    }

    /// Budgets whose limits may change with time (`limit_for(key, now)`):
    /// for a share of an account that grows only once the others have
    /// seen it shrink theirs ([`crate::http::ZoomLimits::budgets_shared`]).
    pub fn new_timed(
        limit_for: impl Fn(&K, SystemTime) -> Option<Limit> + Send + Sync + 'static,
    ) -> Self {
        Self {
            limit_for: Box::new(limit_for),
            keys: HashMap::new(),
            next_pending: 0,
        }
    }

    /// Whether a call needing `keys` may be sent at `now`, without using
    /// any budget. The first reason found is returned, a pause before a
    /// wait (a paused call fails fast; waiting for it would be pointless).
    pub fn check(&mut self, keys: &[K], now: SystemTime) -> Result<(), NotYet> {
        let mut wait: Option<NotYet> = None;
        for (key_index, key) in keys.iter().enumerate() {
            let limit = (self.limit_for)(key, now);
            let Some(state) = self.keys.get_mut(key) else {
                if let Some(Window::Closed(again)) = limit.map(|l| l.window) {
                    let until = now + again.max(Duration::from_millis(1));
                    if wait.is_none_or(|w| until > w.until()) {
                        wait = Some(NotYet::Wait { key_index, until });
                    }
                }
                continue;
            };
            if let Some(until) = state.paused_until {
                if until > now {
                    return Err(NotYet::Paused { key_index, until });
                }
                state.paused_until = None;
            }
            let mut until = state.held_until.filter(|&t| t > now);
            match limit.map(|l| (l.count.get(), l.window)) {
                Some((count, Window::Rolling(span))) => {
                    expire(&mut state.sent, span, now);
                    if state.sent.len() >= count as usize {
                        let free_at = free_at(&state.sent, count as usize, span, now);
                        until = Some(until.map_or(free_at, |u| u.max(free_at)));
                    }
                }
                Some((_, Window::Closed(again))) => {
                    let free_at = now + again.max(Duration::from_millis(1));
                    until = Some(until.map_or(free_at, |u| u.max(free_at)));
                }
                Some((count, Window::UtcDay))
                    if state.day == utc_day(now) && state.day_count >= count =>
                {
                    return Err(NotYet::Paused {
                        key_index,
                        until: next_utc_midnight(now),
                    });
                }
                _ => {}
            }
            if let Some(until) = until {
                if wait.is_none_or(|w| until > w.until()) {
                    wait = Some(NotYet::Wait { key_index, until });
                }
            }
        }
        wait.map_or(Ok(()), Err)
    }

    /// Uses one call of budget from every key in `keys`, or none if any is
    /// short ([`check`](Self::check)'s answer is returned then).
    ///
    /// The call counts in each rolling window from `now`. When the time
    /// the vendor counts it may be later (the request is still to travel),
    /// use [`acquire_pending`](Self::acquire_pending) instead.
    pub fn acquire(&mut self, keys: &[K], now: SystemTime) -> Result<(), NotYet> {
        self.take(keys, now, None)
    }

    /// Like [`acquire`](Self::acquire), for a call about to be sent: its
    /// slot in each rolling window stays taken until it is
    /// [settled](Self::settle) and then for a whole window from the
    /// settling time. The vendor counts a request when it arrives,
    /// somewhere between our send and its answer; counting it from the
    /// answer keeps every window the vendor sees within the limit however
    /// long requests travel, where counting from the send would let a
    /// delayed request share a window with the next window's first calls.
    pub fn acquire_pending(&mut self, keys: &[K], now: SystemTime) -> Result<Pending, NotYet> {
        let pending = Pending(self.next_pending);
        self.take(keys, now, Some(pending))?;
        self.next_pending = self.next_pending.wrapping_add(1);
        Ok(pending)
    }

    /// The answer to a [pending](Self::acquire_pending) call came (or it
    /// failed) at `at`: its slots count from then and leave each window a
    /// window later. Unknown or already settled calls are ignored.
    pub fn settle(&mut self, keys: &[K], pending: Pending, at: SystemTime) {
        for key in keys {
            let Some(state) = self.keys.get_mut(key) else {
                continue;
            };
            let Some(i) = state.sent.iter().position(|s| s.pending == Some(pending)) else {
                continue;
            };
            let mut entry = state.sent.remove(i).unwrap_or(Sent { at, pending: None });
            entry.at = entry.at.max(at);
            entry.pending = None;
            // Kept in order of time.
            let j = state.sent.partition_point(|s| s.at <= entry.at);
            state.sent.insert(j, entry);
        }
    }

    fn take(
        &mut self,
        keys: &[K],
        now: SystemTime,
        pending: Option<Pending>,
    ) -> Result<(), NotYet> {
        self.check(keys, now)?;
        for key in keys {
            let limit = (self.limit_for)(key, now);
            let state = self.keys.entry(key.clone()).or_default();
            match limit.map(|l| (l.count.get(), l.window)) {
                Some((_, Window::Rolling(_))) => {
                    let entry = Sent { at: now, pending };
                    let j = state.sent.partition_point(|s| s.at <= now);
                    state.sent.insert(j, entry);
                }
                Some((_, Window::UtcDay)) => {
                    let today = utc_day(now);
                    if state.day != today {
                        state.day = today;
                        state.day_count = 0;
                    }
                    state.day_count += 1;
                }
                // `check` refused a closed key.
                Some((_, Window::Closed(_))) | None => {}
            }
        }
        Ok(())
    }

    /// Pauses `key` until `until` (a daily-cap 429): every call needing it
    /// fails fast with [`NotYet::Paused`] until then. A later pause extends
    /// an earlier one; an earlier one never shortens it.
    pub fn pause_until(&mut self, key: &K, until: SystemTime) {
        let state = self.keys.entry(key.clone()).or_default();
        state.paused_until = Some(state.paused_until.map_or(until, |t| t.max(until)));
    }

    /// Holds `key` until `until` (a short 429's `Retry-After`): calls
    /// needing it wait ([`NotYet::Wait`]) until then.
    pub fn hold_until(&mut self, key: &K, until: SystemTime) {
        let state = self.keys.entry(key.clone()).or_default();
        state.held_until = Some(state.held_until.map_or(until, |t| t.max(until)));
    }

    /// Marks a key's day as used up (the vendor said so before our own
    /// count did): the same as [`pause_until`](Self::pause_until) the next
    /// 00:00 UTC.
    pub fn exhaust_day(&mut self, key: &K, now: SystemTime) {
        self.pause_until(key, next_utc_midnight(now));
    }

    /// Forgets keys that hold nothing that matters at `now` (no send inside
    /// their window, no pause or hold ahead, no count for today), so per-
    /// meeting keys do not pile up. Call it now and then (each call is
    /// O(keys)).
    pub fn prune(&mut self, now: SystemTime) {
        let today = utc_day(now);
        let limit_for = &self.limit_for;
        self.keys.retain(|key, state| {
            if let Some(Limit {
                window: Window::Rolling(span),
                ..
            }) = limit_for(key, now)
            {
                expire(&mut state.sent, span, now);
            }
            !state.sent.is_empty()
                || state.paused_until.is_some_and(|t| t > now)
                || state.held_until.is_some_and(|t| t > now)
                || (state.day == today && state.day_count > 0)
        });
    }

    /// How many keys hold state.
    #[must_use]
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether no key holds state.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

/// Drops settled sends that left the window `(now - span, now]`. A send
/// "in the future" (the clock went back) stays, so a clock step cannot
/// grant extra budget; a pending one stays until settled.
fn expire(sent: &mut VecDeque<Sent>, span: Duration, now: SystemTime) {
    sent.retain(|s| s.pending.is_some() || s.at + span > now);
}

/// When `sent` (at least `count` entries, after [`expire`]) next holds
/// fewer than `count`: the `len - count + 1`-th earliest time an entry
/// leaves. A pending entry leaves a window after it is settled, which is
/// no earlier than `now`: `now + span` is the earliest it can (asking
/// again then finds when it really does).
fn free_at(sent: &VecDeque<Sent>, count: usize, span: Duration, now: SystemTime) -> SystemTime {
    let mut leaves: Vec<SystemTime> = sent
        .iter()
        .map(|s| match s.pending {
            Some(_) => s.at.max(now) + span,
            None => s.at + span,
        })
        .collect();
    leaves.sort_unstable();
    let index = sent.len().saturating_sub(count);
    leaves.get(index).copied().unwrap_or(now)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::num::NonZeroU32;
    use std::time::UNIX_EPOCH;

    const DAY: u64 = 86_400;

    fn at_ms(ms: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_millis(ms)
    }

    fn budgets() -> Budgets<&'static str> {
        Budgets::new(|k: &&str| match *k {
            "3/s" => Limit::per_second(3),
            "2/day" => Limit::per_utc_day(2),
            _ => None,
        })
    }

    #[test]
    fn limits_refuse_nonsense() {
        assert_eq!(Limit::per_second(0), None);
        assert_eq!(Limit::rolling(5, Duration::ZERO), None);
        assert_eq!(Limit::per_utc_day(0), None);
    }

    #[test]
    fn rolling_window_waits_for_the_oldest_send() {
        let mut b = budgets();
        let t0 = 1_000_000 * 1000;
        for ms in [0, 100, 200] {
            assert_eq!(b.acquire(&["3/s"], at_ms(t0 + ms)), Ok(()));
        }
        assert_eq!(
            b.acquire(&["3/s"], at_ms(t0 + 500)),
            Err(NotYet::Wait {
                key_index: 0,
                until: at_ms(t0 + 1000)
            })
        );
        // Refused calls used no budget.
        assert_eq!(b.acquire(&["3/s"], at_ms(t0 + 1000)), Ok(()));
        assert_eq!(
            b.check(&["3/s"], at_ms(t0 + 1000)),
            Err(NotYet::Wait {
                key_index: 0,
                until: at_ms(t0 + 1100)
            })
        );
    }

    #[test]
    fn a_pending_call_holds_its_slot_until_settled_and_a_window_after() {
        let mut b = budgets();
        let t0 = 2_000_000 * 1000;
        let wait = |ms| {
            Err(NotYet::Wait {
                key_index: 0,
                until: at_ms(t0 + ms),
            })
        };
        let slow = b.acquire_pending(&["3/s"], at_ms(t0)).unwrap();
        let quick = b.acquire_pending(&["3/s"], at_ms(t0)).unwrap();
        b.acquire(&["3/s"], at_ms(t0)).unwrap();
        b.settle(&["3/s"], quick, at_ms(t0 + 20));
        assert_eq!(b.check(&["3/s"], at_ms(t0 + 999)), wait(1000));
        assert_eq!(b.acquire(&["3/s"], at_ms(t0 + 1000)), Ok(()));
        // The quick one counts from its answer (+20 ms), not its send.
        assert_eq!(b.check(&["3/s"], at_ms(t0 + 1010)), wait(1020));
        assert_eq!(b.acquire(&["3/s"], at_ms(t0 + 1020)), Ok(()));
        // The slow one, still unanswered, never leaves on its own.
        assert_eq!(b.check(&["3/s"], at_ms(t0 + 1500)), wait(2000));
        b.settle(&["3/s"], slow, at_ms(t0 + 1600));
        b.settle(&["3/s"], slow, at_ms(t0 + 9000)); // twice: ignored
        assert_eq!(b.acquire(&["3/s"], at_ms(t0 + 2000)), Ok(()));
        assert_eq!(b.acquire(&["3/s"], at_ms(t0 + 2020)), Ok(()));
        // Answered at +1600: it leaves a window later.
        assert_eq!(b.check(&["3/s"], at_ms(t0 + 2599)), wait(2600));
        assert_eq!(b.check(&["3/s"], at_ms(t0 + 2600)), Ok(()));
    }

    #[test]
    fn a_closed_window_waits_even_for_a_new_key() {
        let mut b = Budgets::new(|_: &&str| {
            Some(Limit {
                count: NonZeroU32::MIN,
                window: Window::Closed(Duration::from_millis(300)),
            })
        });
        let now = at_ms(1_000_000);
        assert_eq!(
            b.acquire(&["k"], now),
            Err(NotYet::Wait {
                key_index: 0,
                until: now + Duration::from_millis(300)
            })
        );
    }

    #[test]
    fn all_or_nothing() {
        let mut b = budgets();
        let now = at_ms(5 * DAY * 1000);
        assert_eq!(b.acquire(&["3/s", "2/day"], now), Ok(()));
        assert_eq!(b.acquire(&["3/s", "2/day"], now), Ok(()));
        assert_eq!(
            b.acquire(&["3/s", "2/day"], now),
            Err(NotYet::Paused {
                key_index: 1,
                until: at_ms(6 * DAY * 1000)
            })
        );
        // The refused call did not use the per-second budget.
        assert_eq!(b.acquire(&["3/s"], now), Ok(()));
        // The day resets at 00:00 UTC.
        let tomorrow = at_ms(6 * DAY * 1000);
        assert_eq!(b.acquire(&["2/day"], tomorrow), Ok(()));
    }

    #[test]
    fn pauses_fail_fast_and_holds_wait() {
        let mut b = budgets();
        let now = at_ms(5 * DAY * 1000);
        let midnight = at_ms(6 * DAY * 1000);
        b.exhaust_day(&"host", now);
        b.pause_until(&"host", now); // an earlier pause does not shorten it
        assert_eq!(
            b.acquire(&["3/s", "host"], now),
            Err(NotYet::Paused {
                key_index: 1,
                until: midnight
            })
        );
        assert_eq!(b.acquire(&["3/s", "host"], midnight), Ok(()));

        let later = now + Duration::from_secs(2);
        b.hold_until(&"other", later);
        assert_eq!(
            b.check(&["other"], now),
            Err(NotYet::Wait {
                key_index: 0,
                until: later
            })
        );
        assert_eq!(b.check(&["other"], later), Ok(()));
        let err = NotYet::Paused {
            key_index: 0,
            until: midnight,
        };
        assert_eq!(err.retry(), Retry::PausedUntil(midnight));
        assert_eq!(
            err.to_string(),
            "key #0 paused (daily cap): resumes at Wed, 07 Jan 1970 00:00:00 GMT"
        );
    }

    #[test]
    fn prune_forgets_idle_keys_only() {
        let mut b = budgets();
        let now = at_ms(5 * DAY * 1000);
        b.acquire(&["3/s", "2/day", "free"], now).unwrap();
        b.hold_until(&"held", now + Duration::from_secs(10));
        assert_eq!(b.len(), 4);
        b.prune(now + Duration::from_secs(2));
        // "3/s" and "free" are idle; the day count and the hold still matter.
        assert_eq!(b.len(), 2);
        b.prune(at_ms(6 * DAY * 1000));
        assert!(b.is_empty());
    }

    #[test]
    fn a_clock_step_back_grants_no_budget() {
        let mut b = budgets();
        let t = at_ms(10_000_000);
        for _ in 0..3 {
            b.acquire(&["3/s"], t).unwrap();
        }
        assert!(b.acquire(&["3/s"], t - Duration::from_secs(60)).is_err());
    }

    proptest::proptest! {
        /// Whatever the arrival times, no rolling window of one second ever
        /// holds more than the limit, and a refused call is told a time
        /// after now at which it would have been allowed.
        #[test]
        fn rolling_limit_holds_in_every_window(gaps in proptest::collection::vec(0u64..700, 1..200)) {
            let mut b = budgets();
            let mut now = 1_000_000_000u64;
            let mut sent = Vec::new();
            for gap in gaps {
                now += gap;
                match b.acquire(&["3/s"], at_ms(now)) {
                    Ok(()) => sent.push(now),
                    Err(NotYet::Wait { until, .. }) => {
                        proptest::prop_assert!(until > at_ms(now));
                        let mut probe = budgets();
                        for &s in &sent { probe.acquire(&["3/s"], at_ms(s)).unwrap(); }
                        proptest::prop_assert_eq!(probe.check(&["3/s"], until), Ok(()));
                    }
                    Err(e) => proptest::prop_assert!(false, "{e}"),
                }
            }
            for (i, &s) in sent.iter().enumerate() {
                let in_window = sent[i..].iter().filter(|&&t| t < s + 1000).count();
                proptest::prop_assert!(in_window <= 3, "{in_window} sends in the second from {s}");
            }
        }

        /// No UTC day ever holds more than the daily cap.
        #[test]
        fn daily_cap_holds_per_utc_day(gaps in proptest::collection::vec(0u64..(DAY / 2), 1..60)) {
            let mut b = budgets();
            let mut now = 100 * DAY;
            let mut per_day: HashMap<u64, u32> = HashMap::new();
            for gap in gaps {
                now += gap;
                match b.acquire(&["2/day"], UNIX_EPOCH + Duration::from_secs(now)) {
                    Ok(()) => *per_day.entry(now / DAY).or_default() += 1,
                    Err(NotYet::Paused { until, .. }) => {
                        proptest::prop_assert_eq!(until, UNIX_EPOCH + Duration::from_secs((now / DAY + 1) * DAY));
                        proptest::prop_assert_eq!(per_day.get(&(now / DAY)), Some(&2));
                    }
                    Err(e) => proptest::prop_assert!(false, "{e}"),
                }
            }
            proptest::prop_assert!(per_day.values().all(|&n| n <= 2));
        }
    }
}
