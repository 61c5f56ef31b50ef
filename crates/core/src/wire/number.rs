//! Numbers as text without core's `flt2dec`/`dec2flt` (about 30 KB of code
//! and tables in the wasm). Integers below 2^53 are exact; anything else is
//! written to 15 significant digits, which is what error messages need.

use std::fmt;

/// Exactly representable powers of ten: one multiplication or division by
/// these is correctly rounded.
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// Below this every integer is an exact `f64`.
const EXACT: f64 = 9_007_199_254_740_992.0;

/// `mantissa * 10^exp`: correctly rounded when `mantissa < 2^53` and
/// `|exp| <= 22` (every number the core reads), else within a few ulps.
#[must_use]
#[allow(clippy::cast_precision_loss)]
pub(crate) fn scale(mantissa: u64, exp: i32) -> f64 {
    let mut n = mantissa as f64;
    if n == 0.0 {
        return 0.0;
    }
    let mut e = exp;
    while e > 22 {
        n *= 1e22;
        e -= 22;
        if n.is_infinite() {
            return n;
        }
    }
    while e < -22 {
        n /= 1e22;
        e += 22;
        if n == 0.0 {
            return n;
        }
    }
    let p = POW10[e.unsigned_abs() as usize];
    if e >= 0 {
        n * p
    } else {
        n / p
    }
}

/// Writes a finite `n` as a JSON number.
#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
pub(crate) fn write(n: f64, out: &mut String) {
    if n < 0.0 {
        out.push('-');
    }
    let x = n.abs();
    if x.fract() == 0.0 && x < EXACT {
        push_u64(x as u64, out);
        return;
    }
    // x = m * 10^e with 15 significant digits in m.
    let mut e: i32 = 0;
    let mut y = x;
    while y >= 1e15 {
        let k = if y >= 1e37 { 22 } else { 1 };
        y /= POW10[k as usize];
        e += k;
    }
    while y < 1e14 {
        let k = if y < 1e-8 { 22 } else { 1 };
        y *= POW10[k as usize];
        e -= k;
    }
    let mut m = y.round() as u64;
    if m >= 1_000_000_000_000_000 {
        m /= 10;
        e += 1;
    }
    // Drop trailing zeros.
    while m % 10 == 0 && m != 0 {
        m /= 10;
        e += 1;
    }
    let mut buf = [0u8; 20];
    let digits = digits_of(m, &mut buf);
    let len = digits.len() as i32;
    let push = |out: &mut String, d: &[u8]| d.iter().for_each(|&b| out.push(char::from(b)));
    // The decimal point goes after `point` digits.
    let point = len + e;
    if (-5..=21).contains(&point) {
        if point <= 0 {
            out.push_str("0.");
            for _ in 0..-point {
                out.push('0');
            }
            push(out, digits);
        } else if point >= len {
            push(out, digits);
            for _ in 0..point - len {
                out.push('0');
            }
        } else {
            let (int, frac) = digits.split_at(point as usize);
            push(out, int);
            out.push('.');
            push(out, frac);
        }
    } else {
        let (first, rest) = digits.split_at(1);
        push(out, first);
        if !rest.is_empty() {
            out.push('.');
            push(out, rest);
        }
        out.push('e');
        let exp = point - 1;
        if exp < 0 {
            out.push('-');
        }
        push_u64(u64::from(exp.unsigned_abs()), out);
    }
}

/// The decimal digits of `n`, written at the end of `buf`.
fn digits_of(mut n: u64, buf: &mut [u8; 20]) -> &[u8] {
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    &buf[i..]
}

/// Appends `n` in decimal, without `core::fmt`.
pub(crate) fn push_u64(n: u64, out: &mut String) {
    let mut buf = [0u8; 20];
    for &b in digits_of(n, &mut buf) {
        out.push(char::from(b));
    }
}

/// `n` in decimal, as `n.to_string()` writes it, but without `core::fmt`'s
/// integer printing: the `Display` impls that print ids and error codes use
/// this, so the wasm does not carry `u64`'s and `i64`'s impls (~0.6 KB).
pub(crate) fn decimal(n: u64) -> String {
    let mut out = String::new();
    push_u64(n, &mut out);
    out
}

/// A number for a message (`NaN`, `inf` and `-inf` spelled as Rust does).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Num(pub f64);

impl Num {
    /// For format arguments that hold a reference.
    #[must_use]
    pub fn of(n: &f64) -> Self {
        Num(*n)
    }
}

impl fmt::Display for Num {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.0;
        if n.is_nan() {
            f.write_str("NaN")
        } else if n.is_infinite() {
            f.write_str(if n > 0.0 { "inf" } else { "-inf" })
        } else {
            let mut s = String::new();
            write(n, &mut s);
            f.write_str(&s)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(n: f64) -> String {
        let mut s = String::new();
        write(n, &mut s);
        s
    }

    #[test]
    fn writes_integers_exactly_and_others_readably() {
        assert_eq!(text(0.0), "0");
        assert_eq!(text(-3.0), "-3");
        assert_eq!(text(1_700_000_000_000.0), "1700000000000");
        assert_eq!(text(9_007_199_254_740_991.0), "9007199254740991");
        assert_eq!(text(0.1), "0.1");
        assert_eq!(text(-2.5), "-2.5");
        assert_eq!(text(1280.75), "1280.75");
        assert_eq!(text(1e-7), "1e-7");
        assert_eq!(text(1.5e300), "1.5e300");
        assert_eq!(text(123_456.789), "123456.789");
        assert_eq!(text(0.000_123), "0.000123");
        assert_eq!(Num(f64::NAN).to_string(), "NaN");
        assert_eq!(Num(f64::NEG_INFINITY).to_string(), "-inf");
        assert_eq!(Num(-0.25).to_string(), "-0.25");
    }

    #[test]
    fn scales_exactly_in_the_fast_path() {
        assert_eq!(scale(15, -1), 1.5);
        assert_eq!(scale(1_646_255_996, 0), 1_646_255_996.0);
        assert_eq!(scale(1, 22), 1e22);
        assert_eq!(scale(123_456_789, -6), 123.456789);
        assert_eq!(scale(0, 400), 0.0);
        assert!(scale(1, 400).is_infinite());
    }
}
