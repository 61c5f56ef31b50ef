//! What the three verifiers share: HMAC over byte pieces, hex decoding with
//! a length check, the replay window.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hmac::Mac as _;

use super::{Secrets, VerifyError};

/// Length of an HMAC-SHA256 tag in bytes.
pub(crate) const TAG_LEN: usize = 32;

/// Decodes exactly 64 hex digits (either case) into a tag. Anything else,
/// including an empty or truncated value, is `None`: a short signature must
/// never be compared as a prefix (the Svix bug).
pub(crate) fn decode_tag(hex_digits: &[u8]) -> Option<[u8; TAG_LEN]> {
    if hex_digits.len() != TAG_LEN * 2 {
        return None;
    }
    let mut tag = [0u8; TAG_LEN];
    hex::decode_to_slice(hex_digits, &mut tag).ok()?;
    Some(tag)
}

/// The index of the first secret whose HMAC over the concatenation of
/// `pieces` equals one of `tags`. Each comparison is constant-time and
/// length-checked (`verify_slice`); which secret matched is not secret.
pub(crate) fn find_secret(
    secrets: &Secrets,
    pieces: &[&[u8]],
    tags: &[[u8; TAG_LEN]],
) -> Option<usize> {
    secrets.iter().position(|secret| {
        let mut mac = secret.mac();
        for piece in pieces {
            mac.update(piece);
        }
        tags.iter().any(|tag| mac.clone().verify_slice(tag).is_ok())
    })
}

/// Lower-case hex HMAC of `message` under `secret` (Zoom's URL validation).
pub(crate) fn hex_mac(secret: &crate::token::Secret, message: &[u8]) -> String {
    let mut mac = secret.mac();
    mac.update(message);
    hex::encode(mac.finalize().into_bytes())
}

/// Checks a signed unix timestamp (seconds) against `now`, `tolerance` both
/// ways.
pub(crate) fn check_window(
    timestamp: u64,
    now: SystemTime,
    tolerance: Duration,
) -> Result<SystemTime, VerifyError> {
    let tolerance_secs = tolerance.as_secs();
    let signed = UNIX_EPOCH
        .checked_add(Duration::from_secs(timestamp))
        .ok_or(VerifyError::FromTheFuture {
            ahead_secs: u64::MAX,
            tolerance_secs,
        })?;
    match now.duration_since(signed) {
        Ok(age) if age > tolerance => Err(VerifyError::Stale {
            age_secs: age.as_secs(),
            tolerance_secs,
        }),
        Ok(_) => Ok(signed),
        Err(ahead) if ahead.duration() > tolerance => Err(VerifyError::FromTheFuture {
            ahead_secs: ahead.duration().as_secs(),
            tolerance_secs,
        }),
        Err(_) => Ok(signed),
    }
}

/// Parses a unix timestamp in seconds: ASCII digits only, at most 19 of
/// them (no sign, no spaces, no fraction).
pub(crate) fn parse_unix_secs(digits: &[u8]) -> Option<u64> {
    if digits.is_empty() || digits.len() > 19 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(digits).ok()?.parse().ok()
}

/// Refuses a body over `limit` before any work is done on it.
pub(crate) fn check_size(body: &[u8], limit: usize) -> Result<(), VerifyError> {
    if body.len() > limit {
        Err(VerifyError::BodyTooLarge { limit })
    } else {
        Ok(())
    }
}

/// The one value of a header that must occur exactly once.
pub(crate) fn single_header<'h>(
    headers: &'h dyn super::HeaderSource,
    name: &'static str,
) -> Result<&'h [u8], VerifyError> {
    let value = headers
        .header(name)
        .ok_or(VerifyError::MissingHeader { header: name })?;
    if headers.header_count(name) > 1 {
        return Err(VerifyError::MalformedHeader {
            header: name,
            problem: "sent more than once",
        });
    }
    Ok(value)
}

/// `value` without leading and trailing spaces and tabs (HTTP's optional
/// whitespace).
pub(crate) fn trim_ows(value: &[u8]) -> &[u8] {
    let start = value
        .iter()
        .position(|b| !matches!(b, b' ' | b'\t'))
        .unwrap_or(value.len());
    let end = value
        .iter()
        .rposition(|b| !matches!(b, b' ' | b'\t'))
        .map_or(start, |i| i + 1);
    &value[start..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_need_exactly_64_hex_digits() {
        assert!(decode_tag(b"").is_none());
        assert!(decode_tag(&[b'a'; 63]).is_none());
        assert!(decode_tag(&[b'a'; 65]).is_none());
        assert!(decode_tag(&[b'g'; 64]).is_none());
        assert_eq!(decode_tag(&[b'A'; 64]), Some([0xaa; 32]));
    }

    #[test]
    fn the_window_is_inclusive_both_ways() {
        let t = 1_700_000_000;
        let at = |s: u64| UNIX_EPOCH + Duration::from_secs(s);
        let w = Duration::from_secs(300);
        assert!(check_window(t, at(t + 300), w).is_ok());
        assert!(check_window(t, at(t - 300), w).is_ok());
        assert_eq!(
            check_window(t, at(t + 301), w),
            Err(VerifyError::Stale {
                age_secs: 301,
                tolerance_secs: 300
            })
        );
        assert_eq!(
            check_window(t, at(t - 301), w),
            Err(VerifyError::FromTheFuture {
                ahead_secs: 301,
                tolerance_secs: 300
            })
        );
        assert!(check_window(u64::MAX, at(t), w).is_err());
    }

    #[test]
    fn timestamps_are_plain_digits() {
        assert_eq!(parse_unix_secs(b"1700000000"), Some(1_700_000_000));
        for bad in [
            &b""[..],
            b"-1",
            b"+1",
            b" 1",
            b"1.5",
            b"99999999999999999999",
        ] {
            assert_eq!(parse_unix_secs(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn trimming_removes_only_outer_spaces() {
        assert_eq!(trim_ows(b"  a b\t"), b"a b");
        assert_eq!(trim_ows(b"   "), b"");
    }
}
