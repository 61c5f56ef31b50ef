//! `Retry-After` and Zoom's 429 answers: when may the call be sent again.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::error::VendorError;

/// A `Retry-After` value that is neither a number of seconds nor an HTTP
/// date. The value itself is not kept (it came from outside).
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("Retry-After is neither delay-seconds nor an HTTP date ({len} bytes)")]
pub struct BadRetryAfter {
    /// Length of the refused value.
    pub len: usize,
}

/// The longest `Retry-After` in seconds accepted (a year); larger numbers
/// are clamped, so a hostile value cannot overflow time arithmetic.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(365 * 24 * 60 * 60);

/// Reads a `Retry-After` header (RFC 9110 §10.2.3): `delay-seconds` (digits
/// only) or an HTTP date (IMF-fixdate, and the obsolete RFC 850 and asctime
/// forms). Returns the time from which the call may be sent again; a date in
/// the past means `now`.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use zoomkit_server::http::parse_retry_after;
///
/// let now = UNIX_EPOCH + Duration::from_secs(1_800_000_000);
/// assert_eq!(parse_retry_after("7", now)?, now + Duration::from_secs(7));
/// assert_eq!(
///     parse_retry_after("Sat, 16 Jan 2027 00:00:00 GMT", now)?,
///     UNIX_EPOCH + Duration::from_secs(1_800_057_600)
/// );
/// assert!(parse_retry_after("soon", now).is_err());
/// # Ok::<(), zoomkit_server::http::BadRetryAfter>(())
/// ```
pub fn parse_retry_after(value: &str, now: SystemTime) -> Result<SystemTime, BadRetryAfter> {
    let v = value.trim();
    let bad = BadRetryAfter { len: value.len() };
    if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) {
        let secs = v.parse::<u64>().unwrap_or(u64::MAX);
        let wait = Duration::from_secs(secs).min(MAX_RETRY_AFTER);
        return Ok(now + wait);
    }
    let at = httpdate::parse_http_date(v).map_err(|_| bad)?;
    Ok(at.max(now))
}

/// The next 00:00:00 UTC strictly after `now`: when Zoom's daily caps reset.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use zoomkit_server::http::next_utc_midnight;
///
/// let day = 86_400;
/// let noon = UNIX_EPOCH + Duration::from_secs(20_000 * day + day / 2);
/// assert_eq!(next_utc_midnight(noon), UNIX_EPOCH + Duration::from_secs(20_001 * day));
/// ```
#[must_use]
pub fn next_utc_midnight(now: SystemTime) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs((utc_day(now) + 1) * 86_400)
}

/// The UTC day number of `now` (days since 1970-01-01); times before the
/// epoch count as day 0.
#[must_use]
pub fn utc_day(now: SystemTime) -> u64 {
    now.duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() / 86_400)
        .unwrap_or(0)
}

/// What kind of 429 a vendor sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RateLimited {
    /// A short-window limit (Zoom's per-second categories): retry at this
    /// time (from `Retry-After`), or after a backoff when it is `None`.
    Window {
        /// From `Retry-After`, if it was sent and readable.
        retry_at: Option<SystemTime>,
    },
    /// A daily cap (Zoom's 100 creates per host, 100 updates per meeting, or
    /// the account's daily heavy quota): the key is paused until `until`
    /// (the next 00:00 UTC unless `Retry-After` names a later time), and
    /// every call of it should fail fast meanwhile.
    Daily {
        /// When the key may be used again.
        until: SystemTime,
    },
}

/// The headers of a 429 that matter, by name (case-insensitive).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RateLimitHeaders<'a> {
    /// `Retry-After`.
    pub retry_after: Option<&'a str>,
    /// `X-RateLimit-Type` (`Daily-limit`, `QPS`...).
    pub rate_limit_type: Option<&'a str>,
    /// `X-RateLimit-Reset`: Calendly's seconds until the window resets,
    /// used when a 429 has no `Retry-After` (see [`parse_rate_limit_reset`]).
    pub rate_limit_reset: Option<&'a str>,
}

/// Reads `X-RateLimit-Reset` as a time: digits below 10^9 are seconds from
/// `now` (Calendly's meaning), larger ones a Unix time in seconds (other
/// vendors' meaning; 10^9 s is 2001, so the two cannot be confused). At most
/// a day ahead is believed; anything else is `None` (the caller backs off).
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use zoomkit_server::http::parse_rate_limit_reset;
///
/// let now = UNIX_EPOCH + Duration::from_secs(1_800_000_000);
/// assert_eq!(parse_rate_limit_reset("31", now), Some(now + Duration::from_secs(31)));
/// assert_eq!(parse_rate_limit_reset("1800000060", now), Some(now + Duration::from_secs(60)));
/// assert_eq!(parse_rate_limit_reset("soon", now), None);
/// ```
#[must_use]
pub fn parse_rate_limit_reset(value: &str, now: SystemTime) -> Option<SystemTime> {
    const DAY: u64 = 86_400;
    let v = value.trim();
    if v.is_empty() || v.len() > 12 || !v.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: u64 = v.parse().ok()?;
    let at = if n < 1_000_000_000 {
        now + std::time::Duration::from_secs(n)
    } else {
        std::time::UNIX_EPOCH + std::time::Duration::from_secs(n)
    };
    let ahead = at.duration_since(now).unwrap_or_default();
    (ahead.as_secs() <= DAY).then_some(at.max(now))
}

impl<'a> RateLimitHeaders<'a> {
    /// Picks the headers out of `(name, value)` pairs; the first of each
    /// name wins.
    #[must_use]
    pub fn from_pairs<I>(pairs: I) -> Self
    where
        I: IntoIterator<Item = (&'a str, &'a str)>,
    {
        let mut out = Self::default();
        for (name, value) in pairs {
            if name.eq_ignore_ascii_case("retry-after") {
                out.retry_after.get_or_insert(value);
            } else if name.eq_ignore_ascii_case("x-ratelimit-type") {
                out.rate_limit_type.get_or_insert(value);
            } else if name.eq_ignore_ascii_case("x-ratelimit-reset") {
                out.rate_limit_reset.get_or_insert(value);
            }
        }
        out
    }
}

/// Whether a Zoom 429 message is its daily-cap message ("You have exceeded
/// the daily rate limit (100) of Meeting Create/Update API requests ...
/// You may resume these requests at GMT 00:00:00."), as opposed to the
/// per-second one ("You have reached the maximum per-second rate limit for
/// this API. Try again later.").
#[must_use]
pub fn is_zoom_daily_message(message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    m.contains("daily rate limit")
        || (m.contains("exceeded") && m.contains("daily"))
        || m.contains("gmt 00:00:00")
}

/// Reads a Zoom 429: a daily cap when `X-RateLimit-Type` says
/// `Daily-limit` or the message is the daily one ([`is_zoom_daily_message`]),
/// else a short-window limit. Without a readable `Retry-After`,
/// `X-RateLimit-Reset` names the retry time ([`parse_rate_limit_reset`]);
/// an unreadable value is ignored (the caller backs off), never trusted.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use zoomkit_server::http::{classify_zoom_429, next_utc_midnight, RateLimitHeaders, RateLimited, VendorError};
///
/// let now = UNIX_EPOCH + Duration::from_secs(1_800_000_000);
/// let body = VendorError::parse(br#"{"code":429,"message":"You have exceeded the daily rate limit (100) of Meeting Create/Update API requests permitted for this particular user. You may resume these requests at GMT 00:00:00."}"#);
/// assert_eq!(
///     classify_zoom_429(RateLimitHeaders::default(), &body, now),
///     RateLimited::Daily { until: next_utc_midnight(now) }
/// );
/// ```
#[must_use]
pub fn classify_zoom_429(
    headers: RateLimitHeaders<'_>,
    body: &VendorError,
    now: SystemTime,
) -> RateLimited {
    let retry_at = headers
        .retry_after
        .and_then(|v| parse_retry_after(v, now).ok())
        .or_else(|| {
            headers
                .rate_limit_reset
                .and_then(|v| parse_rate_limit_reset(v, now))
        });
    let daily = headers
        .rate_limit_type
        .is_some_and(|t| t.trim().eq_ignore_ascii_case("daily-limit"))
        || body.message.as_deref().is_some_and(is_zoom_daily_message);
    if daily {
        let midnight = next_utc_midnight(now);
        RateLimited::Daily {
            until: retry_at.map_or(midnight, |t| t.max(midnight)),
        }
    } else {
        RateLimited::Window { retry_at }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: u64 = 86_400;

    fn at(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs)
    }

    #[test]
    fn seconds_and_dates() {
        let now = at(1_800_000_000);
        assert_eq!(parse_retry_after("0", now), Ok(now));
        assert_eq!(parse_retry_after(" 120 ", now), Ok(at(1_800_000_120)));
        assert_eq!(
            parse_retry_after("99999999999999999999999", now),
            Ok(now + MAX_RETRY_AFTER)
        );
        // The three HTTP date forms RFC 9110 requires a recipient to accept.
        for date in [
            "Sat, 16 Jan 2027 08:00:00 GMT",
            "Saturday, 16-Jan-27 08:00:00 GMT",
            "Sat Jan 16 08:00:00 2027",
        ] {
            assert_eq!(
                parse_retry_after(date, now),
                Ok(at(1_800_086_400)),
                "{date}"
            );
        }
        // In the past: now.
        assert_eq!(
            parse_retry_after("Thu, 01 Jan 2015 00:00:00 GMT", now),
            Ok(now)
        );
        for bad in ["", "-1", "1.5", "+3", "soon", "Fri, 15 Jan 2027", "\u{0}"] {
            assert_eq!(
                parse_retry_after(bad, now),
                Err(BadRetryAfter { len: bad.len() }),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn midnight() {
        assert_eq!(next_utc_midnight(at(0)), at(DAY));
        assert_eq!(next_utc_midnight(at(5 * DAY - 1)), at(5 * DAY));
        // Exactly at midnight: the next one.
        assert_eq!(next_utc_midnight(at(5 * DAY)), at(6 * DAY));
        assert_eq!(
            next_utc_midnight(UNIX_EPOCH - Duration::from_secs(10)),
            at(DAY)
        );
        assert_eq!(utc_day(at(5 * DAY + 3)), 5);
    }

    #[test]
    fn zoom_429s() {
        let now = at(20_000 * DAY + 3600);
        let per_second = VendorError::parse(
            br#"{"code":429,"message":"You have reached the maximum per-second rate limit for this API. Try again later."}"#,
        );
        let daily = VendorError::parse(
            br#"{"code":429,"message":"You have exceeded the daily rate limit (100) of Meeting Create/Update API requests permitted for this particular user. You may resume these requests at GMT 00:00:00."}"#,
        );
        let h = |pairs: &'static [(&'static str, &'static str)]| {
            RateLimitHeaders::from_pairs(pairs.iter().copied())
        };
        assert_eq!(
            classify_zoom_429(h(&[("Retry-After", "1")]), &per_second, now),
            RateLimited::Window {
                retry_at: Some(now + Duration::from_secs(1))
            }
        );
        assert_eq!(
            classify_zoom_429(h(&[("retry-after", "later")]), &per_second, now),
            RateLimited::Window { retry_at: None }
        );
        let midnight = at(20_001 * DAY);
        assert_eq!(
            classify_zoom_429(h(&[]), &daily, now),
            RateLimited::Daily { until: midnight }
        );
        // The header alone is enough, whatever the body.
        assert_eq!(
            classify_zoom_429(
                h(&[("X-RateLimit-Type", "Daily-limit")]),
                &VendorError::parse(b""),
                now
            ),
            RateLimited::Daily { until: midnight }
        );
        // A Retry-After earlier than midnight does not shorten a daily pause;
        // a later one lengthens it.
        assert_eq!(
            classify_zoom_429(h(&[("Retry-After", "60")]), &daily, now),
            RateLimited::Daily { until: midnight }
        );
        const LATER: &str = "Sat, 16 Jan 2027 01:00:00 GMT";
        let later = LATER;
        let later_t = httpdate::parse_http_date(later).unwrap();
        assert!(later_t > midnight);
        assert_eq!(
            classify_zoom_429(h(&[("Retry-After", LATER)]), &daily, now),
            RateLimited::Daily { until: later_t }
        );
        assert!(!is_zoom_daily_message(
            "You have reached the maximum per-second rate limit for this API. Try again later."
        ));
    }

    proptest::proptest! {
        #[test]
        fn retry_after_never_panics_and_is_never_before_now(v in "\\PC{0,40}", secs in 0u64..4_000_000_000) {
            let now = at(secs);
            if let Ok(t) = parse_retry_after(&v, now) {
                proptest::prop_assert!(t >= now);
                proptest::prop_assert!(t <= now + MAX_RETRY_AFTER || httpdate::parse_http_date(v.trim()).is_ok());
            }
        }

        #[test]
        fn midnight_is_the_next_day_boundary(secs in 0u64..10_000_000_000) {
            let m = next_utc_midnight(at(secs)).duration_since(UNIX_EPOCH).unwrap().as_secs();
            proptest::prop_assert!(m > secs && m - secs <= DAY && m % DAY == 0);
        }
    }

    #[test]
    fn a_429_without_retry_after_waits_for_the_rate_limit_reset() {
        let now = UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        let body = VendorError::parse(br#"{"title":"Too Many Requests"}"#);
        let headers = RateLimitHeaders::from_pairs([("X-RateLimit-Reset", "31")]);
        assert_eq!(headers.rate_limit_reset, Some("31"));
        assert_eq!(
            classify_zoom_429(headers, &body, now),
            RateLimited::Window {
                retry_at: Some(now + Duration::from_secs(31))
            }
        );
        // Retry-After wins when both are sent.
        let both =
            RateLimitHeaders::from_pairs([("x-ratelimit-reset", "31"), ("retry-after", "5")]);
        assert_eq!(
            classify_zoom_429(both, &body, now),
            RateLimited::Window {
                retry_at: Some(now + Duration::from_secs(5))
            }
        );
        // Unreadable, negative or more than a day ahead: not believed.
        for bad in ["-3", "31.5", "", "90000", "1900000000"] {
            let h = RateLimitHeaders::from_pairs([("x-ratelimit-reset", bad)]);
            assert_eq!(
                classify_zoom_429(h, &body, now),
                RateLimited::Window { retry_at: None },
                "{bad:?}"
            );
        }
        // A reset already past is "now", not a time before it.
        assert_eq!(parse_rate_limit_reset("1700000000", now), Some(now));
    }
}
