//! Time as a value: the driver passes `now`; the core never reads a clock.

use std::fmt;
use std::ops::{Add, Sub};
use std::time::Duration;

use crate::wire::{Decode, Encode};
use serde::{Deserialize, Serialize};

/// A point in time: milliseconds since the Unix epoch, as `Date.now()` gives.
///
/// Wall-clock rather than monotonic because two things outlive the page's
/// monotonic clock: a token's `exp` (Unix seconds) and the resume snapshot
/// read back after a refresh. The machine never lets time go backwards: a
/// `now` earlier than one already seen is taken as the later one.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Default,
    Serialize,
    Deserialize,
    Encode,
    Decode,
)]
#[serde(transparent)]
pub struct Instant(u64);

impl Instant {
    /// The Unix epoch.
    pub const EPOCH: Instant = Instant(0);

    /// From milliseconds since the Unix epoch.
    #[must_use]
    pub const fn from_millis(ms: u64) -> Self {
        Instant(ms)
    }

    /// From whole seconds since the Unix epoch (a JWT's `exp`).
    #[must_use]
    pub const fn from_unix_secs(secs: u64) -> Self {
        Instant(secs.saturating_mul(1000))
    }

    /// Milliseconds since the Unix epoch.
    #[must_use]
    pub const fn as_millis(self) -> u64 {
        self.0
    }

    /// How long after `earlier` this is (zero if it is not later).
    #[must_use]
    pub fn saturating_since(self, earlier: Instant) -> Duration {
        Duration::from_millis(self.0.saturating_sub(earlier.0))
    }
}

impl Add<Duration> for Instant {
    type Output = Instant;
    fn add(self, d: Duration) -> Instant {
        Instant(
            self.0
                .saturating_add(u64::try_from(d.as_millis()).unwrap_or(u64::MAX)),
        )
    }
}

impl Sub<Instant> for Instant {
    type Output = Duration;
    fn sub(self, earlier: Instant) -> Duration {
        self.saturating_since(earlier)
    }
}

impl fmt::Display for Instant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}ms", self.0)
    }
}
