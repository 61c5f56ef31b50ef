//! How the simulator checks a Video SDK JWT at `join`, like Zoom's service.
//!
//! The claims are those of `skill/references/auth.md` (and
//! `shared/REFERENCE.md`): `app_key`, `role_type` (0 or 1, a number), `tpc`,
//! `version`, `iat`, `exp`, optional `user_key` (formerly `user_identity`)
//! and `session_key`.
//!
//! Two stages, as with the real SDK:
//!
//! 1. **in the browser, at call time** — a token that is not three base64url
//!    parts with JSON header and payload is refused at once with
//!    `5013 CLIENT_INVALID_JOIN_PARAMETER` (`invalid signature`);
//! 2. **at the service, after the join latency** — everything else is
//!    `200 SESSION_FETCH_INFO_ERROR` with one of the reasons Zoom's
//!    `error-codes.md` lists for that code:
//!    - `exp` in the past, `exp - iat` over 48 h or under 1800 s, or the token
//!      was expired by the [`ExpireToken`](crate::Fault::ExpireToken) fault:
//!      `The token has expired, is over 2 days old, or is ineffective`;
//!    - a required claim missing or mistyped, `tpc` not equal to the topic
//!      (compared case-insensitively, as Zoom lower-cases both), `iat` in the
//!      future, or (only when the simulator was given the SDK secret) an
//!      HS256 signature that does not verify: `Verify JWT failed`;
//!    - `app_key` other than the configured SDK key (only when one is
//!      configured): `This account does not exist or does not belong to you`;
//!    - `session_key` other than the session's (when the session has one):
//!      `invalid session key`.
//!
//!    A `role_type` other than 0 or 1 is `3010 SESSION_ROLE_TYPE_ERROR`.
//!
//! Without a configured secret the signature is not checked at all, so test
//! tokens can be built with any key (see [`unsigned_token`]).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use hmac::{Hmac, KeyInit as _, Mac as _};
use serde::Deserialize;
use sha2::Sha256;

use crate::failure;
use crate::payload::SdkFailure;

/// Zoom's upper bound on `exp - iat`: 48 hours.
pub const MAX_LIFETIME_S: i64 = 48 * 3600;
/// Zoom's lower bound on `exp - iat`: 1800 seconds.
pub const MIN_LIFETIME_S: i64 = 1800;

/// The claims the simulator reads from a Video SDK JWT.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claims {
    /// `app_key`: the Video SDK key.
    pub app_key: String,
    /// `role_type`: 1 host, 0 participant.
    pub role_type: i64,
    /// `tpc`: the session name.
    pub tpc: String,
    /// `iat`, seconds since the epoch.
    pub iat: i64,
    /// `exp`, seconds since the epoch.
    pub exp: i64,
    /// `user_key`, or the older `user_identity`.
    pub user_key: Option<String>,
    /// `session_key`.
    pub session_key: Option<String>,
}

#[derive(Deserialize)]
struct RawClaims {
    app_key: Option<serde_json::Value>,
    role_type: Option<serde_json::Value>,
    tpc: Option<serde_json::Value>,
    version: Option<serde_json::Value>,
    iat: Option<serde_json::Value>,
    exp: Option<serde_json::Value>,
    user_key: Option<String>,
    user_identity: Option<String>,
    session_key: Option<String>,
}

/// A token split and decoded, not yet judged.
#[derive(Debug, Clone)]
pub(crate) struct Decoded {
    signing_input: String,
    signature: Vec<u8>,
    payload: serde_json::Value,
}

fn b64(part: &str) -> Option<Vec<u8>> {
    // Zoom's tokens are unpadded, but tolerate padding some libraries add.
    URL_SAFE_NO_PAD.decode(part.trim_end_matches('=')).ok()
}

/// Stage 1: the browser-side shape check.
pub(crate) fn decode(token: &str) -> Result<Decoded, SdkFailure> {
    let mut parts = token.split('.');
    let (Some(h), Some(p), Some(s), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(failure::invalid_join_parameter("invalid signature"));
    };
    let header: Option<serde_json::Value> = b64(h).and_then(|b| serde_json::from_slice(&b).ok());
    let payload: Option<serde_json::Value> = b64(p).and_then(|b| serde_json::from_slice(&b).ok());
    let signature = b64(s);
    match (header, payload, signature) {
        (Some(hv), Some(pv), Some(signature)) if hv.is_object() && pv.is_object() => Ok(Decoded {
            signing_input: format!("{h}.{p}"),
            signature,
            payload: pv,
        }),
        _ => Err(failure::invalid_join_parameter("invalid signature")),
    }
}

/// What the service compares the token with.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Expect<'a> {
    pub topic: &'a str,
    pub now_s: i64,
    pub secret: Option<&'a [u8]>,
    pub sdk_key: Option<&'a str>,
    pub session_key: Option<&'a str>,
}

fn as_string(v: &Option<serde_json::Value>) -> Option<String> {
    v.as_ref().and_then(|v| v.as_str()).map(str::to_owned)
}

fn as_int(v: &Option<serde_json::Value>) -> Option<i64> {
    v.as_ref()
        .and_then(|v| v.as_i64().or_else(|| v.as_f64().map(|f| f as i64)))
}

/// Stage 2: the service-side checks, in the order documented on the module.
pub(crate) fn verify(decoded: &Decoded, expect: Expect<'_>) -> Result<Claims, SdkFailure> {
    if let Some(secret) = expect.secret {
        let mut mac = Hmac::<Sha256>::new_from_slice(secret)
            .map_err(|_| failure::session_fetch("Verify JWT failed"))?;
        mac.update(decoded.signing_input.as_bytes());
        mac.verify_slice(&decoded.signature)
            .map_err(|_| failure::session_fetch("Verify JWT failed"))?;
    }
    let raw: RawClaims = serde_json::from_value(decoded.payload.clone())
        .map_err(|_| failure::session_fetch("Verify JWT failed"))?;
    let (Some(app_key), Some(role_type), Some(tpc), Some(_version), Some(iat), Some(exp)) = (
        as_string(&raw.app_key),
        // `role_type` must be a number, not "1".
        raw.role_type.as_ref().and_then(|v| v.as_i64()),
        as_string(&raw.tpc),
        as_int(&raw.version),
        as_int(&raw.iat),
        as_int(&raw.exp),
    ) else {
        return Err(failure::session_fetch("Verify JWT failed"));
    };
    if let Some(key) = expect.sdk_key {
        if key != app_key {
            return Err(failure::session_fetch(
                "This account does not exist or does not belong to you",
            ));
        }
    }
    if exp <= expect.now_s || exp - iat > MAX_LIFETIME_S || exp - iat < MIN_LIFETIME_S {
        return Err(failure::token_expired());
    }
    if iat > expect.now_s || !tpc.eq_ignore_ascii_case(expect.topic) {
        return Err(failure::session_fetch("Verify JWT failed"));
    }
    if role_type != 0 && role_type != 1 {
        return Err(failure::role_type());
    }
    let session_key = raw.session_key;
    if let Some(want) = expect.session_key {
        if session_key.as_deref() != Some(want) {
            return Err(failure::session_fetch("invalid session key"));
        }
    }
    Ok(Claims {
        app_key,
        role_type,
        tpc,
        iat,
        exp,
        user_key: raw.user_key.or(raw.user_identity),
        session_key,
    })
}

/// A token the simulator accepts when it has no secret: header, the given
/// claims, and a placeholder signature. For tests only; a real token is
/// signed with the Video SDK secret (see `zoomkit-server`).
///
/// ```
/// let t = zoomkit_sim::token::unsigned_token(&serde_json::json!({
///     "app_key": "KEY", "role_type": 1, "tpc": "room", "version": 1,
///     "iat": 1_767_225_600, "exp": 1_767_225_600 + 7200,
/// }));
/// assert_eq!(t.split('.').count(), 3);
/// ```
#[must_use]
pub fn unsigned_token(claims: &serde_json::Value) -> String {
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
    format!("{header}.{payload}.{}", URL_SAFE_NO_PAD.encode(b"unsigned"))
}

/// A token signed with HS256 and `secret`, for tests of the signature check.
#[must_use]
pub fn signed_token(claims: &serde_json::Value, secret: &[u8]) -> String {
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
    let input = format!("{header}.{payload}");
    // HMAC accepts keys of any length, so this cannot fail.
    let sig = match Hmac::<Sha256>::new_from_slice(secret) {
        Ok(mut mac) => {
            mac.update(input.as_bytes());
            mac.finalize().into_bytes().to_vec()
        }
        Err(_) => Vec::new(),
    };
    format!("{input}.{}", URL_SAFE_NO_PAD.encode(sig))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    // The official vector from REFERENCE.md (Zoom's auth docs): verifies with
    // `your-256-bit-secret`; iat 1646248796, exp 1646255996, tpc "Cool Cars".
    const VECTOR: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJhcHBfa2V5IjoiVklERU9fU0RLX0tFWSIsImlhdCI6MTY0NjI0ODc5NiwiZXhwIjoxNjQ2MjU1OTk2LCJ0cGMiOiJDb29sIENhcnMiLCJ1c2VyX2lkZW50aXR5IjoidXNlcjEyMyIsInNlc3Npb25fa2V5Ijoic2Vzc2lvbjEyMyIsInJvbGVfdHlwZSI6MH0.Y6C65mZUxTZFeGiOI6oW5q2UkIXe3nLTK0MVNkfiJ9c";

    fn expect(now_s: i64, secret: Option<&'static [u8]>) -> Expect<'static> {
        Expect {
            topic: "cool cars",
            now_s,
            secret,
            sdk_key: None,
            session_key: None,
        }
    }

    #[test]
    fn the_official_vector_verifies_with_its_secret_but_lacks_version() {
        let d = decode(VECTOR).unwrap();
        // The vector's signature is right...
        let mut mac = Hmac::<Sha256>::new_from_slice(b"your-256-bit-secret").unwrap();
        mac.update(d.signing_input.as_bytes());
        assert!(mac.verify_slice(&d.signature).is_ok());
        // ...but it has no `version` claim, which auth.md requires.
        let e = verify(&d, expect(1_646_250_000, Some(b"your-256-bit-secret"))).unwrap_err();
        assert_eq!(
            (e.error_code, e.reason.as_str()),
            (200, "Verify JWT failed")
        );
    }

    fn claims(iat: i64, exp: i64) -> serde_json::Value {
        json!({"app_key": "K", "role_type": 0, "tpc": "Cool Cars", "version": 1,
               "iat": iat, "exp": exp, "user_key": "u1"})
    }

    #[test]
    fn a_wrong_signature_is_rejected_only_when_a_secret_is_configured() {
        let t = signed_token(&claims(1000, 9000), b"other");
        let d = decode(&t).unwrap();
        assert!(verify(&d, expect(2000, None)).is_ok());
        let e = verify(&d, expect(2000, Some(b"secret"))).unwrap_err();
        assert_eq!(e.error_code, 200);
        let good = decode(&signed_token(&claims(1000, 9000), b"secret")).unwrap();
        assert_eq!(
            verify(&good, expect(2000, Some(b"secret")))
                .unwrap()
                .user_key
                .as_deref(),
            Some("u1")
        );
    }

    #[test]
    fn expiry_and_lifetime_bounds_are_the_token_reason() {
        for (iat, exp, now) in [
            (1000, 9000, 9000),                      // exp reached
            (1000, 1000 + MAX_LIFETIME_S + 1, 2000), // over 48 h
            (1000, 1000 + MIN_LIFETIME_S - 1, 1500), // under 1800 s
        ] {
            let d = decode(&unsigned_token(&claims(iat, exp))).unwrap();
            let e = verify(&d, expect(now, None)).unwrap_err();
            assert_eq!(e.error_code, 200);
            assert_eq!(e.reason, failure::TOKEN_EXPIRED_REASON);
        }
    }

    #[test]
    fn topic_mismatch_and_future_iat_fail_verification() {
        let d = decode(&unsigned_token(&claims(1000, 9000))).unwrap();
        let mut ex = expect(2000, None);
        ex.topic = "other";
        assert_eq!(verify(&d, ex).unwrap_err().reason, "Verify JWT failed");
        assert_eq!(
            verify(&d, expect(999, None)).unwrap_err().reason,
            "Verify JWT failed"
        );
        // The topic is compared case-insensitively.
        let mut ex = expect(2000, None);
        ex.topic = "COOL CARS";
        assert!(verify(&d, ex).is_ok());
    }

    #[test]
    fn a_malformed_token_is_refused_in_the_browser() {
        for t in ["", "a.b", "a.b.c.d", "!!.??.xx", "e30.bm90anNvbg.c2ln"] {
            let e = decode(t).unwrap_err();
            assert_eq!(
                (e.error_code, e.reason.as_str()),
                (5013, "invalid signature")
            );
        }
    }

    #[test]
    fn role_type_must_be_a_number_zero_or_one() {
        let mut c = claims(1000, 9000);
        c["role_type"] = json!(2);
        let d = decode(&unsigned_token(&c)).unwrap();
        assert_eq!(verify(&d, expect(2000, None)).unwrap_err().error_code, 3010);
        c["role_type"] = json!("1");
        let d = decode(&unsigned_token(&c)).unwrap();
        assert_eq!(verify(&d, expect(2000, None)).unwrap_err().error_code, 200);
    }
}
