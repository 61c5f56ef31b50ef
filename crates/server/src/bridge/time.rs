//! RFC 3339 timestamps to [`UnixMillis`] and back, without a date crate
//! (the providers send `2026-05-01T10:00:00Z`, `...00.000000Z` or
//! `...00+02:00`).

use super::model::UnixMillis;
use crate::civil::{civil_from_days, days_from_civil};

fn digits(s: &[u8]) -> Option<i64> {
    if s.is_empty() || !s.iter().all(u8::is_ascii_digit) {
        return None;
    }
    s.iter().try_fold(0i64, |acc, b| {
        acc.checked_mul(10)?.checked_add(i64::from(b - b'0'))
    })
}

/// Parses an RFC 3339 date-time (`T` or space, optional fraction, `Z` or
/// an offset). `None` for anything else, or an impossible date.
#[must_use]
pub fn parse_rfc3339(text: &str) -> Option<UnixMillis> {
    let s = text.trim().as_bytes();
    if s.len() < 20 || s[4] != b'-' || s[7] != b'-' || s[13] != b':' || s[16] != b':' {
        return None;
    }
    if !matches!(s[10], b'T' | b't' | b' ') {
        return None;
    }
    let (y, mo, d) = (digits(&s[0..4])?, digits(&s[5..7])?, digits(&s[8..10])?);
    let (h, mi, se) = (
        digits(&s[11..13])?,
        digits(&s[14..16])?,
        digits(&s[17..19])?,
    );
    if !(1..=12).contains(&mo) || d < 1 || h > 23 || mi > 59 || se > 60 {
        return None;
    }
    let days_in_month = match mo {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    if d > days_in_month {
        return None;
    }
    let mut rest = &s[19..];
    let mut millis = 0;
    if rest.first() == Some(&b'.') {
        let n = rest[1..].iter().take_while(|b| b.is_ascii_digit()).count();
        if n == 0 {
            return None;
        }
        let frac = &rest[1..=n];
        let mut ms = 0;
        for i in 0..3 {
            ms = ms * 10 + frac.get(i).map_or(0, |b| i64::from(b - b'0'));
        }
        millis = ms;
        rest = &rest[1 + n..];
    }
    let offset_secs = match rest {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), oh1, oh2, b':', om1, om2] => {
            let oh = digits(&[*oh1, *oh2])?;
            let om = digits(&[*om1, *om2])?;
            if oh > 23 || om > 59 {
                return None;
            }
            let o = oh * 3600 + om * 60;
            if *sign == b'-' {
                -o
            } else {
                o
            }
        }
        _ => return None,
    };
    let secs = days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + se.min(59) - offset_secs;
    Some(secs * 1000 + millis)
}

/// Formats as `YYYY-MM-DDTHH:MM:SSZ` (what Zoom's `start_time` takes;
/// milliseconds dropped).
#[must_use]
pub fn format_rfc3339(t: UnixMillis) -> String {
    let secs = t.div_euclid(1000);
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::{format_rfc3339, parse_rfc3339};

    #[test]
    fn parses_what_the_providers_send() {
        assert_eq!(parse_rfc3339("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(
            parse_rfc3339("2026-05-01T10:00:00.123456Z"),
            Some(1_777_629_600_123)
        );
        assert_eq!(
            parse_rfc3339("2026-05-01T12:00:00+02:00"),
            parse_rfc3339("2026-05-01T10:00:00Z")
        );
        for bad in [
            "",
            "2026-02-30T10:00:00Z",
            "2026-05-01T10:00:00",
            "2026-05-01T25:00:00Z",
            "2026-05-01T10:00:00.Z",
            "2026-05-01X10:00:00Z",
            "２０２６-05-01T10:00:00Z",
        ] {
            assert_eq!(parse_rfc3339(bad), None, "{bad}");
        }
        assert_eq!(format_rfc3339(1_777_629_600_123), "2026-05-01T10:00:00Z");
    }
}
