//! Calendar dates (`yyyy-mm-dd`, UTC), as Zoom's `from`/`to` take them, and
//! the split of a long range into the one-month ranges Zoom allows per call.

use std::fmt;

use crate::civil::{civil_from_days, days_from_civil};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A day of the proleptic Gregorian calendar, in UTC.
///
/// ```
/// use zoomkit_server::zoom::Date;
///
/// let d = Date::parse("2026-01-31").expect("a date");
/// assert_eq!(d.to_string(), "2026-01-31");
/// assert_eq!(d.add_months(1).to_string(), "2026-02-28");
/// assert!(Date::parse("2026-02-30").is_none());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: i32,
    month: u8,
    day: u8,
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    }
}

impl Date {
    /// 1970-01-01.
    pub const UNIX_EPOCH: Self = Self {
        year: 1970,
        month: 1,
        day: 1,
    };

    /// The date, if it exists (years 1 to 9999).
    #[must_use]
    pub fn new(year: i32, month: u8, day: u8) -> Option<Self> {
        ((1..=9999).contains(&year)
            && (1..=12).contains(&month)
            && day >= 1
            && day <= days_in_month(year, month))
        .then_some(Self { year, month, day })
    }

    /// Reads `yyyy-mm-dd`.
    #[must_use]
    pub fn parse(text: &str) -> Option<Self> {
        let b = text.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let num = |r: std::ops::Range<usize>| -> Option<u32> {
            let s = text.get(r)?;
            s.bytes()
                .all(|c| c.is_ascii_digit())
                .then(|| s.parse().ok())
                .flatten()
        };
        Self::new(
            i32::try_from(num(0..4)?).ok()?,
            u8::try_from(num(5..7)?).ok()?,
            u8::try_from(num(8..10)?).ok()?,
        )
    }

    /// The UTC date of `t` (`None` before 1970 or past 9999).
    #[must_use]
    pub fn of(t: SystemTime) -> Option<Self> {
        let days = t.duration_since(UNIX_EPOCH).ok()?.as_secs() / 86_400;
        Self::from_days(i64::try_from(days).ok()?)
    }

    /// 00:00 UTC of this date.
    #[must_use]
    pub fn midnight(self) -> SystemTime {
        let days = u64::try_from(self.days()).unwrap_or(0);
        UNIX_EPOCH + Duration::from_secs(days * 86_400)
    }

    /// Days since 1970-01-01.
    fn days(self) -> i64 {
        days_from_civil(
            i64::from(self.year),
            i64::from(self.month),
            i64::from(self.day),
        )
    }

    fn from_days(z: i64) -> Option<Self> {
        let (year, month, day) = civil_from_days(z);
        Self::new(
            i32::try_from(year).ok()?,
            u8::try_from(month).ok()?,
            u8::try_from(day).ok()?,
        )
    }

    /// The next day (saturates at 9999-12-31).
    #[must_use]
    pub fn succ(self) -> Self {
        Self::from_days(self.days() + 1).unwrap_or(self)
    }

    /// The previous day (saturates at 0001-01-01).
    #[must_use]
    pub fn pred(self) -> Self {
        Self::from_days(self.days() - 1).unwrap_or(self)
    }

    /// The same day `n` months later, or the month's last day if it is
    /// shorter (saturates at 9999-12).
    #[must_use]
    pub fn add_months(self, n: u32) -> Self {
        let index = i64::from(self.year) * 12 + i64::from(self.month) - 1 + i64::from(n);
        let year = i32::try_from(index / 12).unwrap_or(9999).min(9999);
        let month = if year == 9999 && index / 12 > 9999 {
            12
        } else {
            u8::try_from(index % 12 + 1).unwrap_or(12)
        };
        let day = self.day.min(days_in_month(year, month));
        Self::new(year, month, day).unwrap_or(self)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// `from..=to` cut into consecutive ranges of at most one calendar month
/// each (`from` to the day before the same day next month), as Zoom's
/// `from`/`to` allow per call. Empty when `from > to`.
///
/// ```
/// use zoomkit_server::zoom::{month_ranges, Date};
///
/// let d = |s| Date::parse(s).unwrap();
/// let ranges = month_ranges(d("2026-01-15"), d("2026-03-20"));
/// let shown: Vec<String> = ranges.iter().map(|(a, b)| format!("{a}..{b}")).collect();
/// assert_eq!(shown, ["2026-01-15..2026-02-14", "2026-02-15..2026-03-14", "2026-03-15..2026-03-20"]);
/// ```
#[must_use]
pub fn month_ranges(from: Date, to: Date) -> Vec<(Date, Date)> {
    let mut out = Vec::new();
    let mut start = from;
    while start <= to {
        let end = start.add_months(1).pred().min(to);
        out.push((start, end));
        if end == to {
            break;
        }
        start = end.succ();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_round_trip() {
        for z in [-719_162, -1, 0, 1, 59, 365, 11_016, 20_000, 2_932_896] {
            let d = Date::from_days(z).unwrap();
            assert_eq!(d.days(), z, "{d}");
        }
        assert_eq!(Date::from_days(0).unwrap().to_string(), "1970-01-01");
        assert_eq!(
            Date::parse("2024-02-29").unwrap().succ().to_string(),
            "2024-03-01"
        );
        assert_eq!(
            Date::parse("2025-01-01").unwrap().pred().to_string(),
            "2024-12-31"
        );
    }

    #[test]
    fn parse_refuses_nonsense() {
        for bad in [
            "",
            "2026-1-01",
            "2026-13-01",
            "2026-00-10",
            "2026-02-29",
            "abcd-ef-gh",
            "+026-01-01",
            "2026-01-0a",
        ] {
            assert_eq!(Date::parse(bad), None, "{bad}");
        }
    }

    proptest::proptest! {
        /// The ranges cover `from..=to` exactly, in order, without gaps or
        /// overlaps, and none is longer than a calendar month.
        #[test]
        fn ranges_cover_exactly(a in 0i64..40_000, len in 0i64..800) {
            let from = Date::from_days(a).unwrap();
            let to = Date::from_days(a + len).unwrap();
            let ranges = month_ranges(from, to);
            proptest::prop_assert_eq!(ranges.first().map(|r| r.0), Some(from));
            proptest::prop_assert_eq!(ranges.last().map(|r| r.1), Some(to));
            for w in ranges.windows(2) {
                proptest::prop_assert_eq!(w[0].1.succ(), w[1].0);
            }
            for (s, e) in ranges {
                proptest::prop_assert!(s <= e);
                proptest::prop_assert!(e < s.add_months(1));
            }
        }
    }
}
