//! Reading a Video SDK JWT's `exp` without verifying it (only the server can).

use crate::time::Instant;

/// The claims of a readable JWT.
fn claims(token: &str) -> Option<crate::wire::Value> {
    // Bytes, not `str::split`: its searcher is several hundred bytes of wasm.
    let payload = token.as_bytes().split(|&b| b == b'.').nth(1)?;
    let bytes = base64url_decode(payload)?;
    crate::wire::json::parse_bytes(&bytes).ok()
}

/// The token's `tpc` claim (the session name it is for), if it is a
/// readable JWT that has one.
#[must_use]
pub fn topic(token: &str) -> Option<String> {
    match claims(token)?.get("tpc")? {
        crate::wire::Value::String(tpc) => Some(tpc.clone()),
        _ => None,
    }
}

/// Whether `tpc` names `topic`: Zoom matches them case-insensitively.
#[must_use]
pub fn topic_matches(tpc: &str, topic: &str) -> bool {
    tpc.eq_ignore_ascii_case(topic)
}

/// The token's `exp` claim, if it is a readable JWT.
#[must_use]
pub fn expiry(token: &str) -> Option<Instant> {
    let claims = claims(token)?;
    let crate::wire::Value::Number(exp) = claims.get("exp")? else {
        return None;
    };
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let secs = (*exp >= 0.0).then_some(*exp as u64)?;
    Some(Instant::from_unix_secs(secs))
}

fn base64url_decode(mut s: &[u8]) -> Option<Vec<u8>> {
    while let [rest @ .., b'='] = s {
        s = rest;
    }
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for &c in s {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_exp_of_zooms_official_vector() {
        // From REFERENCE.md (auth.md's sample token): exp 1646255996.
        let t = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJhcHBfa2V5IjoiVklERU9fU0RLX0tFWSIsImlhdCI6MTY0NjI0ODc5NiwiZXhwIjoxNjQ2MjU1OTk2LCJ0cGMiOiJDb29sIENhcnMiLCJ1c2VyX2lkZW50aXR5IjoidXNlcjEyMyIsInNlc3Npb25fa2V5Ijoic2Vzc2lvbjEyMyIsInJvbGVfdHlwZSI6MH0.Y6C65mZUxTZFeGiOI6oW5q2UkIXe3nLTK0MVNkfiJ9c";
        assert_eq!(expiry(t), Some(Instant::from_unix_secs(1_646_255_996)));
        assert_eq!(topic(t).as_deref(), Some("Cool Cars"));
        assert!(topic_matches("Cool Cars", "cool cars"));
        assert!(!topic_matches("Cool Cars", "Cool Cars 2"));
        assert_eq!(topic("not a jwt"), None);
        assert_eq!(expiry("not a jwt"), None);
        assert_eq!(expiry("a.!!!.c"), None);
        // `{"exp":1}`, padded.
        assert_eq!(
            expiry("x.eyJleHAiOjF9==.y"),
            Some(Instant::from_unix_secs(1))
        );
    }
}
