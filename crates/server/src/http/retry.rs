//! The retry policy, pure: may this failed call be sent again, and when?

use std::time::{Duration, SystemTime};

use super::error::Retry;
use super::rate_limit::RateLimited;

/// The HTTP methods the vendor clients use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Method {
    /// `GET`.
    Get,
    /// `HEAD`.
    Head,
    /// `PUT`.
    Put,
    /// `PATCH` (Zoom's updates set fields: sending one twice leaves the
    /// same meeting).
    Patch,
    /// `DELETE`.
    Delete,
    /// `POST`: creates, so never sent twice blindly.
    Post,
}

impl Method {
    /// Whether sending the request twice has the effect of sending it once
    /// (for the APIs we call: everything but `POST`).
    #[must_use]
    pub fn is_idempotent(self) -> bool {
        !matches!(self, Self::Post)
    }

    /// The method's name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Head => "HEAD",
            Self::Put => "PUT",
            Self::Patch => "PATCH",
            Self::Delete => "DELETE",
            Self::Post => "POST",
        }
    }
}

/// How one attempt failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Failure {
    /// The connection could not be made (DNS, TCP, TLS): the request never
    /// left, so even a `POST` may be sent again.
    Connect,
    /// No answer in time: the vendor may have acted on it.
    Timeout,
    /// The connection broke after the request was (perhaps) sent.
    Broken,
    /// An error status other than 429.
    Status {
        /// The status code.
        status: u16,
        /// `Retry-After`, if sent and readable (503s may carry one).
        retry_after: Option<SystemTime>,
    },
    /// A 429 ([`classify_zoom_429`](super::classify_zoom_429) reads Zoom's).
    /// The vendor refused the call before acting on it.
    RateLimited(RateLimited),
}

impl Failure {
    /// Whether this failure says the vendor is unwell (counts towards the
    /// [`Breaker`](super::Breaker)): connection failures, timeouts, broken
    /// connections and 5xx. A 4xx or a 429 is an answer, not an outage.
    #[must_use]
    pub fn is_outage(&self) -> bool {
        match self {
            Self::Connect | Self::Timeout | Self::Broken => true,
            Self::Status { status, .. } => *status >= 500,
            Self::RateLimited(_) => false,
        }
    }

    /// Whether and when a call of `method` that failed this way may be sent
    /// again, before counting attempts:
    ///
    /// | failure | `GET` `PUT` `PATCH` `DELETE` | `POST` |
    /// |---|---|---|
    /// | connect | backoff | backoff (never sent) |
    /// | timeout, broken, 5xx | backoff (or `Retry-After`) | never: the caller decides |
    /// | 429, short window | at `Retry-After`, else backoff | same |
    /// | 429, daily cap | paused until 00:00 UTC | same |
    /// | other 4xx | never | never |
    #[must_use]
    pub fn advice(&self, method: Method) -> Retry {
        match *self {
            Self::Connect => Retry::Backoff,
            Self::Timeout | Self::Broken if method.is_idempotent() => Retry::Backoff,
            Self::Status {
                status,
                retry_after,
            } if status >= 500 && method.is_idempotent() => {
                retry_after.map_or(Retry::Backoff, Retry::At)
            }
            Self::RateLimited(RateLimited::Window { retry_at }) => {
                retry_at.map_or(Retry::Backoff, Retry::At)
            }
            Self::RateLimited(RateLimited::Daily { until }) => Retry::PausedUntil(until),
            _ => Retry::Never,
        }
    }
}

/// Why a failed call is not tried again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum GiveUp {
    /// The failure cannot be cured by sending again (a 4xx), or sending
    /// again is not safe (a `POST` that may have been acted on).
    NotRetryable,
    /// [`RetryPolicy::max_attempts`] attempts were made.
    AttemptsExhausted,
    /// The key is paused until then (daily cap): fail fast.
    Paused {
        /// When it resumes.
        until: SystemTime,
    },
    /// The vendor asked for a wait longer than [`RetryPolicy::max_wait`].
    WaitTooLong {
        /// When the vendor said to come back.
        until: SystemTime,
    },
}

/// What to do after a failed attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[must_use]
pub enum Decision {
    /// Send it again at this time (pacing still applies).
    RetryAt(SystemTime),
    /// Return the error to the caller.
    GiveUp(GiveUp),
}

/// Jittered exponential backoff, retrying only what is safe
/// ([`Failure::advice`]).
///
/// The backoff before attempt `n + 1` is drawn uniformly from
/// `[cap / 2, cap]` where `cap = min(max_backoff, base * 2^(n - 1))`
/// ("equal jitter": callers that failed together spread out, and none
/// retries at once). Randomness is an argument, a number in `[0, 1]`.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use zoomkit_server::http::{Decision, Failure, GiveUp, Method, RetryPolicy};
///
/// let policy = RetryPolicy::default();
/// let now = UNIX_EPOCH + Duration::from_secs(1_800_000_000);
/// // A GET that timed out is retried after 100-200 ms (jitter 0.5: 150 ms)...
/// assert_eq!(
///     policy.decide(Method::Get, &Failure::Timeout, 1, 0.5, now),
///     Decision::RetryAt(now + Duration::from_millis(150))
/// );
/// // ...a POST that timed out is not: it may have created the meeting.
/// assert_eq!(
///     policy.decide(Method::Post, &Failure::Timeout, 1, 0.5, now),
///     Decision::GiveUp(GiveUp::NotRetryable)
/// );
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (at least 1).
    pub max_attempts: u32,
    /// The first backoff's cap.
    pub base: Duration,
    /// The largest backoff.
    pub max_backoff: Duration,
    /// The longest `Retry-After` waited for; a longer one gives up
    /// ([`GiveUp::WaitTooLong`]) so the caller's deadline is not silently
    /// blown.
    pub max_wait: Duration,
}

impl Default for RetryPolicy {
    /// 4 attempts, backoff from 200 ms up to 10 s, `Retry-After` up to 60 s.
    fn default() -> Self {
        Self {
            max_attempts: 4,
            base: Duration::from_millis(200),
            max_backoff: Duration::from_secs(10),
            max_wait: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// The backoff after `attempt` failed attempts (1 after the first), for
    /// `jitter` in `[0, 1]` (clamped; NaN counts as 0).
    #[must_use]
    pub fn backoff(&self, attempt: u32, jitter: f64) -> Duration {
        let doublings = attempt.saturating_sub(1).min(32);
        let cap = self
            .base
            .checked_mul(1u32 << doublings.min(31))
            .unwrap_or(self.max_backoff)
            .min(self.max_backoff);
        let jitter = if jitter.is_nan() {
            0.0
        } else {
            jitter.clamp(0.0, 1.0)
        };
        cap / 2 + (cap / 2).mul_f64(jitter)
    }

    /// What to do after attempt number `attempt` (1 for the first) of a
    /// `method` call failed with `failure` at `now`.
    pub fn decide(
        &self,
        method: Method,
        failure: &Failure,
        attempt: u32,
        jitter: f64,
        now: SystemTime,
    ) -> Decision {
        let at = match failure.advice(method) {
            Retry::Never => return Decision::GiveUp(GiveUp::NotRetryable),
            Retry::PausedUntil(until) => return Decision::GiveUp(GiveUp::Paused { until }),
            Retry::Backoff => now + self.backoff(attempt, jitter),
            Retry::At(until) => {
                if until.duration_since(now).unwrap_or(Duration::ZERO) > self.max_wait {
                    return Decision::GiveUp(GiveUp::WaitTooLong { until });
                }
                until.max(now)
            }
        };
        if attempt >= self.max_attempts {
            return Decision::GiveUp(GiveUp::AttemptsExhausted);
        }
        Decision::RetryAt(at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::time::UNIX_EPOCH;

    fn now() -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(1_800_000_000)
    }

    #[test]
    fn table() {
        let p = RetryPolicy::default();
        let t = now();
        let in5 = t + Duration::from_secs(5);
        let midnight = t + Duration::from_secs(57_600);
        let s = |status| Failure::Status {
            status,
            retry_after: None,
        };
        for (method, failure, expected) in [
            (Method::Post, Failure::Connect, Retry::Backoff),
            (Method::Post, Failure::Timeout, Retry::Never),
            (Method::Post, Failure::Broken, Retry::Never),
            (Method::Post, s(503), Retry::Never),
            (Method::Get, s(503), Retry::Backoff),
            (
                Method::Delete,
                Failure::Status {
                    status: 503,
                    retry_after: Some(in5),
                },
                Retry::At(in5),
            ),
            (Method::Patch, Failure::Timeout, Retry::Backoff),
            (Method::Put, Failure::Broken, Retry::Backoff),
            (Method::Get, s(404), Retry::Never),
            (Method::Get, s(401), Retry::Never),
            (
                Method::Post,
                Failure::RateLimited(RateLimited::Window {
                    retry_at: Some(in5),
                }),
                Retry::At(in5),
            ),
            (
                Method::Post,
                Failure::RateLimited(RateLimited::Window { retry_at: None }),
                Retry::Backoff,
            ),
            (
                Method::Get,
                Failure::RateLimited(RateLimited::Daily { until: midnight }),
                Retry::PausedUntil(midnight),
            ),
        ] {
            assert_eq!(failure.advice(method), expected, "{method:?} {failure:?}");
        }
        assert_eq!(
            p.decide(
                Method::Get,
                &Failure::RateLimited(RateLimited::Window {
                    retry_at: Some(t + Duration::from_secs(61))
                }),
                1,
                0.0,
                t
            ),
            Decision::GiveUp(GiveUp::WaitTooLong {
                until: t + Duration::from_secs(61)
            })
        );
        assert_eq!(
            p.decide(Method::Get, &Failure::Timeout, 4, 0.0, t),
            Decision::GiveUp(GiveUp::AttemptsExhausted)
        );
        assert!(
            s(500).is_outage()
                && Failure::Connect.is_outage()
                && !s(429).is_outage()
                && !s(404).is_outage()
        );
    }

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let p = RetryPolicy::default();
        let ms = |n: u32, j| p.backoff(n, j).as_millis();
        assert_eq!(
            [ms(1, 1.0), ms(2, 1.0), ms(3, 1.0), ms(4, 1.0)],
            [200, 400, 800, 1600]
        );
        assert_eq!([ms(1, 0.0), ms(3, 0.0)], [100, 400]);
        assert_eq!(ms(40, 1.0), 10_000);
        assert_eq!(ms(u32::MAX, f64::NAN), 5_000);
        assert_eq!(ms(1, 7.0), 200);
    }

    fn any_method() -> impl Strategy<Value = Method> {
        prop_oneof![
            Just(Method::Get),
            Just(Method::Head),
            Just(Method::Put),
            Just(Method::Patch),
            Just(Method::Delete),
            Just(Method::Post),
        ]
    }

    fn any_failure() -> impl Strategy<Value = Failure> {
        let t = |s: u64| UNIX_EPOCH + Duration::from_secs(1_800_000_000 - 100 + s);
        prop_oneof![
            Just(Failure::Connect),
            Just(Failure::Timeout),
            Just(Failure::Broken),
            (400u16..600, proptest::option::of(0u64..200)).prop_map(move |(status, r)| {
                Failure::Status {
                    status,
                    retry_after: r.map(t),
                }
            }),
            proptest::option::of(0u64..200).prop_map(move |r| Failure::RateLimited(
                RateLimited::Window { retry_at: r.map(t) }
            )),
            (0u64..100_000)
                .prop_map(move |u| Failure::RateLimited(RateLimited::Daily { until: t(u) })),
        ]
    }

    proptest! {
        #[test]
        fn retries_only_what_is_safe(
            method in any_method(),
            failure in any_failure(),
            attempt in 1u32..10,
            jitter in proptest::num::f64::ANY,
        ) {
            let p = RetryPolicy::default();
            let t = now();
            match p.decide(method, &failure, attempt, jitter, t) {
                Decision::RetryAt(at) => {
                    prop_assert!(attempt < p.max_attempts);
                    prop_assert!(at >= t);
                    prop_assert!(at <= t + p.max_wait.max(p.max_backoff));
                    // A POST is sent again only if it never left or was refused with a 429.
                    if method == Method::Post {
                        prop_assert!(matches!(failure, Failure::Connect | Failure::RateLimited(RateLimited::Window { .. })), "{:?}", failure);
                    }
                    // Never before the vendor's Retry-After.
                    if let Failure::Status { retry_after: Some(r), .. }
                        | Failure::RateLimited(RateLimited::Window { retry_at: Some(r) }) = failure {
                        prop_assert!(at >= r);
                    }
                    // Never a 4xx other than 429, never a daily cap.
                    let client_error = matches!(failure, Failure::Status { status: 400..=499, .. });
                    prop_assert!(!client_error, "{:?}", failure);
                    let daily = matches!(failure, Failure::RateLimited(RateLimited::Daily { .. }));
                    prop_assert!(!daily, "{:?}", failure);
                }
                Decision::GiveUp(GiveUp::Paused { until }) => {
                    prop_assert_eq!(failure, Failure::RateLimited(RateLimited::Daily { until }));
                }
                Decision::GiveUp(_) => {}
            }
        }

        #[test]
        fn backoff_stays_in_its_band(attempt in 1u32..100, jitter in 0.0f64..=1.0) {
            let p = RetryPolicy::default();
            let cap = p.base.saturating_mul(1u32 << (attempt - 1).min(31)).min(p.max_backoff);
            let b = p.backoff(attempt, jitter);
            prop_assert!(b >= cap / 2 && b <= cap, "{:?} not in [{:?}, {:?}]", b, cap / 2, cap);
        }
    }
}
