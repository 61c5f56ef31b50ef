//! A circuit breaker per vendor, as a pure state machine.

use std::num::NonZeroU32;
use std::time::{Duration, SystemTime};

/// When a [`Breaker`] opens and how long it stays open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BreakerConfig {
    /// Consecutive outages ([`Failure::is_outage`](super::Failure::is_outage))
    /// that open the breaker.
    pub failure_threshold: NonZeroU32,
    /// How long it stays open before one probe is let through; also how
    /// long a probe may take before another one is allowed (a probe whose
    /// caller vanished must not keep the breaker half-open forever).
    pub cooldown: Duration,
}

impl Default for BreakerConfig {
    /// Opens after 5 consecutive outages, probes after 30 s.
    fn default() -> Self {
        Self {
            failure_threshold: NonZeroU32::new(5).unwrap_or(NonZeroU32::MIN),
            cooldown: Duration::from_secs(30),
        }
    }
}

/// Where a [`Breaker`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum BreakerState {
    /// Calls go through; counts consecutive outages.
    Closed {
        /// Outages in a row so far.
        consecutive_failures: u32,
    },
    /// Calls fail fast until `until`.
    Open {
        /// When one probe will be let through.
        until: SystemTime,
    },
    /// One probe is out; everyone else fails fast until it reports.
    HalfOpen {
        /// When the probe was let through.
        probe_sent: SystemTime,
    },
}

/// A call was refused because the vendor's breaker is open.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("circuit breaker open after repeated failures: try again at {}", httpdate::fmt_http_date(*until))]
pub struct BreakerOpen {
    /// When a call may be let through again (as a probe).
    pub until: SystemTime,
}

/// Permission to send one call, to be handed back with its outcome.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[must_use = "report the call's outcome with Breaker::record"]
pub struct Permit {
    /// Whether this call is the half-open probe that decides.
    pub probe: bool,
}

/// How a call admitted by a [`Permit`] ended, for the breaker.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The vendor answered (any 2xx, 3xx or 4xx, a 429 too): it is up.
    Answered,
    /// An outage: connection failure, timeout, broken connection or 5xx.
    Outage,
}

/// A circuit breaker: after [`BreakerConfig::failure_threshold`]
/// consecutive outages calls fail fast for [`BreakerConfig::cooldown`],
/// then one probe decides: closed again if it is answered, open for another
/// cooldown if not.
///
/// ```text
/// Closed --N outages in a row--> Open --cooldown--> HalfOpen (one probe)
///   ^                                                  |  answered -> Closed
///   +--------------------------------------------------+  outage   -> Open
/// ```
///
/// Pure: the caller asks [`allow`](Self::allow) before each call and hands
/// the [`Permit`] back to [`record`](Self::record) with the outcome, both
/// with `now`.
///
/// ```
/// use std::num::NonZeroU32;
/// use std::time::{Duration, UNIX_EPOCH};
/// use zoomkit_server::http::{Breaker, BreakerConfig, Outcome};
///
/// let config = BreakerConfig { failure_threshold: NonZeroU32::new(2).unwrap(), cooldown: Duration::from_secs(30) };
/// let mut breaker = Breaker::new(config);
/// let t = UNIX_EPOCH + Duration::from_secs(1_800_000_000);
/// for _ in 0..2 {
///     let permit = breaker.allow(t)?;
///     breaker.record(permit, Outcome::Outage, t);
/// }
/// assert!(breaker.allow(t).is_err()); // open: fail fast
/// let probe = breaker.allow(t + Duration::from_secs(30))?;
/// assert!(probe.probe);
/// breaker.record(probe, Outcome::Answered, t + Duration::from_secs(31));
/// assert!(!breaker.allow(t + Duration::from_secs(31))?.probe); // closed again
/// # Ok::<(), zoomkit_server::http::BreakerOpen>(())
/// ```
#[derive(Clone, Debug)]
pub struct Breaker {
    config: BreakerConfig,
    state: BreakerState,
}

impl Breaker {
    /// A closed breaker.
    #[must_use]
    pub fn new(config: BreakerConfig) -> Self {
        Self {
            config,
            state: BreakerState::Closed {
                consecutive_failures: 0,
            },
        }
    }

    /// Where it is.
    #[must_use]
    pub fn state(&self) -> BreakerState {
        self.state
    }

    /// May a call be sent at `now`? Closed: yes. Open before its cooldown
    /// ends, or half-open with a probe out: no, [`BreakerOpen`] says until
    /// when. Otherwise this call is the probe.
    pub fn allow(&mut self, now: SystemTime) -> Result<Permit, BreakerOpen> {
        match self.state {
            BreakerState::Closed { .. } => Ok(Permit { probe: false }),
            BreakerState::Open { until } if now < until => Err(BreakerOpen { until }),
            BreakerState::HalfOpen { probe_sent } if now < probe_sent + self.config.cooldown => {
                Err(BreakerOpen {
                    until: probe_sent + self.config.cooldown,
                })
            }
            BreakerState::Open { .. } | BreakerState::HalfOpen { .. } => {
                self.state = BreakerState::HalfOpen { probe_sent: now };
                Ok(Permit { probe: true })
            }
        }
    }

    /// Reports how a permitted call ended. Outcomes of calls let through
    /// before the breaker opened are ignored while it is open or half-open:
    /// only the probe decides.
    pub fn record(&mut self, permit: Permit, outcome: Outcome, now: SystemTime) {
        let open = BreakerState::Open {
            until: now + self.config.cooldown,
        };
        self.state = match (self.state, permit.probe, outcome) {
            (BreakerState::Closed { .. }, _, Outcome::Answered)
            | (BreakerState::HalfOpen { .. }, true, Outcome::Answered) => BreakerState::Closed {
                consecutive_failures: 0,
            },
            (
                BreakerState::Closed {
                    consecutive_failures,
                },
                _,
                Outcome::Outage,
            ) => {
                let failures = consecutive_failures.saturating_add(1);
                if failures >= self.config.failure_threshold.get() {
                    open
                } else {
                    BreakerState::Closed {
                        consecutive_failures: failures,
                    }
                }
            }
            (BreakerState::HalfOpen { .. }, true, Outcome::Outage) => open,
            (state, _, _) => state,
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::time::UNIX_EPOCH;

    fn t(s: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(1_800_000_000 + s)
    }

    fn breaker(n: u32) -> Breaker {
        Breaker::new(BreakerConfig {
            failure_threshold: NonZeroU32::new(n).unwrap(),
            cooldown: Duration::from_secs(30),
        })
    }

    #[test]
    fn opens_probes_and_closes() {
        let mut b = breaker(3);
        // Answers (4xx included) reset the count.
        for outcome in [
            Outcome::Outage,
            Outcome::Outage,
            Outcome::Answered,
            Outcome::Outage,
            Outcome::Outage,
        ] {
            let p = b.allow(t(0)).unwrap();
            b.record(p, outcome, t(0));
        }
        assert_eq!(
            b.state(),
            BreakerState::Closed {
                consecutive_failures: 2
            }
        );
        let p = b.allow(t(1)).unwrap();
        b.record(p, Outcome::Outage, t(1));
        assert_eq!(b.state(), BreakerState::Open { until: t(31) });
        assert_eq!(b.allow(t(30)), Err(BreakerOpen { until: t(31) }));
        assert_eq!(
            BreakerOpen { until: t(31) }.to_string(),
            "circuit breaker open after repeated failures: try again at Fri, 15 Jan 2027 08:00:31 GMT"
        );

        // One probe; everyone else fails fast meanwhile.
        let probe = b.allow(t(31)).unwrap();
        assert!(probe.probe);
        assert_eq!(b.allow(t(32)), Err(BreakerOpen { until: t(61) }));
        // The probe fails: open for another cooldown.
        b.record(probe, Outcome::Outage, t(33));
        assert_eq!(b.state(), BreakerState::Open { until: t(63) });
        let probe = b.allow(t(63)).unwrap();
        b.record(probe, Outcome::Answered, t(64));
        assert_eq!(
            b.state(),
            BreakerState::Closed {
                consecutive_failures: 0
            }
        );
    }

    #[test]
    fn late_outcomes_do_not_decide() {
        let mut b = breaker(1);
        let early = b.allow(t(0)).unwrap();
        let p = b.allow(t(0)).unwrap();
        b.record(p, Outcome::Outage, t(0));
        // A call let through before it opened answers late: still open.
        b.record(early, Outcome::Answered, t(1));
        assert_eq!(b.state(), BreakerState::Open { until: t(30) });
        let probe = b.allow(t(30)).unwrap();
        b.record(early, Outcome::Answered, t(31));
        assert_eq!(b.state(), BreakerState::HalfOpen { probe_sent: t(30) });
        // A probe whose caller vanished: another one after a cooldown.
        let again = b.allow(t(60)).unwrap();
        assert!(again.probe);
        b.record(again, Outcome::Answered, t(61));
        assert_eq!(
            b.state(),
            BreakerState::Closed {
                consecutive_failures: 0
            }
        );
        let _ = probe;
    }

    proptest! {
        /// Over any sequence of calls and outcomes: an open breaker lets
        /// nothing through before its time, a half-open one lets one probe
        /// through per cooldown, and N outages in a row from closed open it.
        #[test]
        fn invariants(steps in proptest::collection::vec((0u64..20, any::<bool>(), any::<bool>()), 1..200)) {
            let mut b = breaker(3);
            let mut now = 0;
            let mut outstanding: Vec<Permit> = Vec::new();
            let mut closed_run = 0u32;
            for (gap, outage, report) in steps {
                now += gap;
                let before = b.state();
                match b.allow(t(now)) {
                    Ok(p) => {
                        match before {
                            BreakerState::Closed { .. } => prop_assert!(!p.probe),
                            BreakerState::Open { until } => prop_assert!(p.probe && t(now) >= until),
                            BreakerState::HalfOpen { probe_sent } => prop_assert!(p.probe && t(now) >= probe_sent + Duration::from_secs(30)),
                        }
                        outstanding.push(p);
                    }
                    Err(BreakerOpen { until }) => {
                        prop_assert!(until > t(now));
                        let was_closed = matches!(before, BreakerState::Closed { .. });
                        prop_assert!(!was_closed, "refused while closed");
                    }
                }
                if report {
                    if let Some(p) = outstanding.pop() {
                        let was_closed = matches!(b.state(), BreakerState::Closed { .. });
                        b.record(p, if outage { Outcome::Outage } else { Outcome::Answered }, t(now));
                        if was_closed {
                            closed_run = if outage { closed_run + 1 } else { 0 };
                            if closed_run >= 3 {
                                prop_assert_eq!(b.state(), BreakerState::Open { until: t(now + 30) });
                                closed_run = 0;
                            }
                        } else {
                            closed_run = 0;
                        }
                    }
                }
            }
        }
    }
}
