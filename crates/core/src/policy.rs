//! When to try rejoining, and when to give up.
//!
//! zoomkit rejoins on its own only after Zoom's failover has given up
//! (`connection-change { state: "Fail" }`), after an unexpected `Closed`, or
//! when failover hangs for longer than [`Config::failover_timeout`](crate::Config).
//! Zoom's own `Reconnecting` is left to Zoom.
//!
//! ## The default, next to LiveKit's
//!
//! | | zoomkit [`Backoff::default`] | LiveKit client-sdk-js `DefaultReconnectPolicy` |
//! |---|---|---|
//! | 1st attempt | after 0–250 ms (jittered) | at once (0 ms) |
//! | 2nd | 0.5–1 s | 300 ms |
//! | then | doubling (1–2 s, 2–4 s, 4–8 s), capped at 8–16 s | 1.2 s, 2.7 s, 4.8 s, then 7 s (each + 0–1 s jitter) |
//! | jitter | "equal jitter": each delay is 50–100 % of its step | none for the first two, then + up to 1 s |
//! | stop | 10 attempts or 2 minutes since the disconnect | 10 attempts |
//!
//! LiveKit's table was read from `src/room/DefaultReconnectPolicy.ts` of
//! livekit/client-sdk-js at commit `9380ed7a` (v2.21.0):
//! `[0, 300, 1200, 2700, 4800, 7000, 7000, 7000, 7000, 7000]` ms, `null`
//! after the tenth, and `+ Math.random() * 1000` from the third attempt.
//! It is available as [`DelayTable::livekit`] for comparison.
//!
//! zoomkit's default waits longer between late attempts than LiveKit's because
//! a Zoom join is heavier than a LiveKit signal reconnect (init, JWT check,
//! media restart), and adds a total budget so that a page left open offline
//! does not try forever. Offline time pauses attempts (the browser's `offline`
//! signal) and `online` cuts the current wait short.

use std::fmt;
use std::time::Duration;

use crate::state::RejoinReason;

/// What the policy knows when asked for the next delay.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ReconnectContext {
    /// Attempts already made since the connection was lost (0 before the first).
    pub attempt: u32,
    /// Time since the connection was lost.
    pub elapsed: Duration,
    /// Why the connection was lost, or why the last attempt failed.
    pub reason: RejoinReason,
    /// A uniform random number in `[0, 1)` from the machine's seeded generator,
    /// for jitter.
    pub random: f64,
}

impl ReconnectContext {
    /// A context (for tests and custom callers).
    #[must_use]
    pub fn new(attempt: u32, elapsed: Duration, reason: RejoinReason, random: f64) -> Self {
        ReconnectContext {
            attempt,
            elapsed,
            reason,
            random,
        }
    }
}

/// Decides the delay before each rejoin attempt.
pub trait ReconnectPolicy: fmt::Debug {
    /// The delay before the next attempt, or `None` to give up.
    fn next_delay(&self, context: &ReconnectContext) -> Option<Duration>;
}

/// Exponential backoff with equal jitter, an attempt cap and a total budget.
#[derive(Clone, PartialEq)]
pub struct Backoff {
    /// Upper bound of the random delay before the first attempt.
    pub first_jitter: Duration,
    /// The second attempt's step; each later step doubles it.
    pub base: Duration,
    /// The largest step.
    pub max: Duration,
    /// At most this many attempts.
    pub max_attempts: u32,
    /// Give up once this long has passed since the connection was lost.
    pub budget: Duration,
}

/// Written out by hand, durations in milliseconds: `ReconnectPolicy`'s vtable
/// keeps this impl in the wasm, and `debug_struct` would bring the pretty
/// printer and integer `Debug` with it, `Duration`'s `Debug` its decimal
/// formatting.
impl fmt::Debug for Backoff {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = |d: Duration| u64::try_from(d.as_millis()).unwrap_or(u64::MAX);
        let fields = [
            ("first_jitter", ms(self.first_jitter), "ms"),
            ("base", ms(self.base), "ms"),
            ("max", ms(self.max), "ms"),
            ("max_attempts", u64::from(self.max_attempts), ""),
            ("budget", ms(self.budget), "ms"),
        ];
        // `{:#?}`: one field a line, as a derived impl prints.
        let (open, separator, close) = if f.alternate() {
            (" {\n    ", ",\n    ", ",\n}")
        } else {
            (" { ", ", ", " }")
        };
        let mut out = String::from("Backoff");
        for (i, (name, value, unit)) in fields.into_iter().enumerate() {
            out.push_str(if i == 0 { open } else { separator });
            out.push_str(name);
            out.push_str(": ");
            crate::wire::push_u64(value, &mut out);
            out.push_str(unit);
        }
        out.push_str(close);
        f.write_str(&out)
    }
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff {
            first_jitter: Duration::from_millis(250),
            base: Duration::from_secs(1),
            max: Duration::from_secs(16),
            max_attempts: 10,
            budget: Duration::from_secs(120),
        }
    }
}

impl Backoff {
    /// Checks that the policy can work: a `base` and a `budget` above zero,
    /// and a `max` no smaller than `base`. The fields are named as the JS
    /// options name them (`reconnect.baseMs`). `max_attempts: 0` is valid:
    /// never rejoin.
    ///
    /// # Errors
    /// [`CoreError::InvalidOption`](crate::CoreError::InvalidOption) naming the field.
    pub fn validate(&self) -> Result<(), crate::CoreError> {
        let invalid = |field, reason| Err(crate::CoreError::InvalidOption { field, reason });
        if self.base.is_zero() {
            return invalid("reconnect.baseMs", "must be at least 1");
        }
        if self.max < self.base {
            return invalid("reconnect.maxMs", "must be at least reconnect.baseMs");
        }
        if self.budget.is_zero() {
            return invalid("reconnect.budgetMs", "must be at least 1");
        }
        Ok(())
    }
}

impl ReconnectPolicy for Backoff {
    fn next_delay(&self, ctx: &ReconnectContext) -> Option<Duration> {
        if ctx.attempt >= self.max_attempts || ctx.elapsed >= self.budget {
            return None;
        }
        let random = ctx.random.clamp(0.0, 1.0);
        let delay = if ctx.attempt == 0 {
            scale(self.first_jitter, random)
        } else {
            let shift = (ctx.attempt - 1).min(30);
            let step = self.base.saturating_mul(1 << shift).min(self.max);
            scale(step, 0.5 + 0.5 * random)
        };
        // Never schedule an attempt past the budget.
        if ctx.elapsed + delay > self.budget {
            return None;
        }
        Some(delay)
    }
}

/// `d` times `factor` (in `0.0..=1.0`), to the microsecond. Unlike
/// `Duration::mul_f64` it cannot panic, and it keeps std's float-to-Duration
/// conversion (~0.6 KB with its panic messages) out of the wasm.
fn scale(d: Duration, factor: f64) -> Duration {
    let micros = d
        .as_secs()
        .saturating_mul(1_000_000)
        .saturating_add(u64::from(d.subsec_micros()));
    Duration::from_micros((micros as f64 * factor) as u64)
}

/// A fixed table of delays plus optional jitter, as LiveKit's policy works.
#[derive(Debug, Clone, PartialEq)]
pub struct DelayTable {
    /// The delay before each attempt; its length is the attempt cap.
    pub delays: Vec<Duration>,
    /// Attempts with an index at or above this get jitter added.
    pub jitter_from: u32,
    /// Upper bound of that jitter.
    pub jitter: Duration,
}

impl DelayTable {
    /// LiveKit client-sdk-js's `DefaultReconnectPolicy` (v2.21.0).
    #[must_use]
    pub fn livekit() -> Self {
        DelayTable {
            delays: [0, 300, 1200, 2700, 4800, 7000, 7000, 7000, 7000, 7000]
                .into_iter()
                .map(Duration::from_millis)
                .collect(),
            jitter_from: 2,
            jitter: Duration::from_millis(1000),
        }
    }
}

impl ReconnectPolicy for DelayTable {
    fn next_delay(&self, ctx: &ReconnectContext) -> Option<Duration> {
        let base = *self.delays.get(ctx.attempt as usize)?;
        if ctx.attempt < self.jitter_from {
            return Some(base);
        }
        Some(base + scale(self.jitter, ctx.random.clamp(0.0, 1.0)))
    }
}

/// Never rejoin.
#[derive(Debug, Clone, Copy, Default)]
pub struct Never;

impl ReconnectPolicy for Never {
    fn next_delay(&self, _: &ReconnectContext) -> Option<Duration> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_validate_names_the_bad_field() {
        assert_eq!(Backoff::default().validate(), Ok(()));
        let never = Backoff {
            max_attempts: 0,
            ..Backoff::default()
        };
        assert_eq!(never.validate(), Ok(()), "0 attempts: never rejoin");
        let field = |b: Backoff| match b.validate() {
            Err(crate::CoreError::InvalidOption { field, .. }) => field,
            other => panic!("expected InvalidOption, got {other:?}"),
        };
        let zero_base = Backoff {
            base: Duration::ZERO,
            ..Backoff::default()
        };
        assert_eq!(field(zero_base), "reconnect.baseMs");
        let max_below_base = Backoff {
            base: Duration::from_secs(2),
            max: Duration::from_secs(1),
            ..Backoff::default()
        };
        assert_eq!(field(max_below_base), "reconnect.maxMs");
        let zero_budget = Backoff {
            budget: Duration::ZERO,
            ..Backoff::default()
        };
        assert_eq!(field(zero_budget), "reconnect.budgetMs");
    }

    #[test]
    fn backoff_debug_shows_milliseconds() {
        assert_eq!(
            format!("{:?}", Backoff::default()),
            "Backoff { first_jitter: 250ms, base: 1000ms, max: 16000ms, max_attempts: 10, budget: 120000ms }"
        );
        assert_eq!(
            format!("{:#?}", Backoff::default()),
            "Backoff {\n    first_jitter: 250ms,\n    base: 1000ms,\n    max: 16000ms,\n    \
             max_attempts: 10,\n    budget: 120000ms,\n}"
        );
    }

    fn ctx(attempt: u32, elapsed_ms: u64, random: f64) -> ReconnectContext {
        ReconnectContext::new(
            attempt,
            Duration::from_millis(elapsed_ms),
            RejoinReason::ConnectionLost,
            random,
        )
    }

    #[test]
    fn backoff_doubles_with_equal_jitter_and_caps() {
        let p = Backoff::default();
        assert_eq!(p.next_delay(&ctx(0, 0, 0.0)), Some(Duration::ZERO));
        assert_eq!(
            p.next_delay(&ctx(1, 0, 0.0)),
            Some(Duration::from_millis(500))
        );
        assert_eq!(
            p.next_delay(&ctx(1, 0, 0.999_999)).unwrap().as_millis(),
            999
        );
        assert_eq!(p.next_delay(&ctx(3, 0, 0.0)), Some(Duration::from_secs(2)));
        assert_eq!(p.next_delay(&ctx(9, 0, 0.0)), Some(Duration::from_secs(8)));
        assert_eq!(p.next_delay(&ctx(10, 0, 0.0)), None);
    }

    #[test]
    fn backoff_respects_budget() {
        let p = Backoff::default();
        assert_eq!(p.next_delay(&ctx(2, 120_000, 0.0)), None);
        assert_eq!(p.next_delay(&ctx(5, 119_000, 0.0)), None);
        assert!(p.next_delay(&ctx(1, 119_000, 0.0)).is_some());
    }

    #[test]
    fn livekit_table_matches_upstream() {
        let p = DelayTable::livekit();
        let got: Vec<u128> = (0..10)
            .map(|a| p.next_delay(&ctx(a, 0, 0.0)).unwrap().as_millis())
            .collect();
        assert_eq!(
            got,
            [0, 300, 1200, 2700, 4800, 7000, 7000, 7000, 7000, 7000]
        );
        assert_eq!(p.next_delay(&ctx(1, 0, 0.9)).unwrap().as_millis(), 300);
        assert_eq!(p.next_delay(&ctx(2, 0, 0.5)).unwrap().as_millis(), 1700);
        assert_eq!(p.next_delay(&ctx(10, 0, 0.0)), None);
    }
}
