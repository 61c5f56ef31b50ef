//! The compact-JWS core shared by every token kind: HS256 signing into one
//! buffer, and verification that checks the algorithm before anything else.

use std::borrow::Cow;
use std::cell::RefCell;
use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use hmac::Mac as _;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};

use super::error::{Field, InvalidClaim, Problem, VerifyError};
use super::Secret;

/// `base64url({"alg":"HS256","typ":"JWT"})`: the header every Zoom sample
/// sends, byte for byte, so it is a constant rather than serialised per token.
pub(crate) const HEADER_B64: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9";

/// Longest token `verify` will look at. Real Zoom tokens are well under 1 KiB;
/// the cap keeps hostile input from costing more than a few microseconds.
pub(crate) const MAX_TOKEN_LEN: usize = 8 * 1024;

/// base64url of a 32-byte HMAC-SHA256 tag, unpadded.
const SIG_B64_LEN: usize = 43;

thread_local! {
    // Reused across signs on a thread so the payload JSON costs no allocation.
    static SCRATCH: RefCell<Vec<u8>> = RefCell::new(Vec::with_capacity(512));
}

/// Serialises `payload` and returns `header.payload.signature`.
///
/// One allocation (the returned `String`); the JSON goes through a per-thread
/// scratch buffer and the keyed HMAC state is cloned from the [`Secret`].
pub(crate) fn sign<T: Serialize + ?Sized>(secret: &Secret, payload: &T) -> String {
    SCRATCH.with(|cell| match cell.try_borrow_mut() {
        Ok(mut json) => sign_with(secret, payload, &mut json),
        // Only reachable if a Serialize impl signs a token itself.
        Err(_) => sign_with(secret, payload, &mut Vec::new()),
    })
}

fn sign_with<T: Serialize + ?Sized>(secret: &Secret, payload: &T, json: &mut Vec<u8>) -> String {
    json.clear();
    // Writing to a Vec cannot fail, and the claim types here serialise only
    // strings, integers and string keys, which serde_json always accepts.
    serde_json::to_writer(&mut *json, payload).expect("claims always serialise to JSON");
    let payload_len = base64::encoded_len(json.len(), false).unwrap_or(0);
    let mut out = String::with_capacity(HEADER_B64.len() + payload_len + SIG_B64_LEN + 2);
    out.push_str(HEADER_B64);
    out.push('.');
    URL_SAFE_NO_PAD.encode_string(&json[..], &mut out);
    let mut mac = secret.mac();
    mac.update(out.as_bytes());
    let tag = mac.finalize().into_bytes();
    out.push('.');
    URL_SAFE_NO_PAD.encode_string(&tag[..], &mut out);
    out
}

#[derive(Deserialize)]
struct Header<'a> {
    #[serde(borrow)]
    alg: Option<Cow<'a, str>>,
    #[serde(borrow)]
    typ: Option<Cow<'a, str>>,
    crit: Option<IgnoredAny>,
}

/// Checks framing, algorithm and signature, in that order, and returns the
/// decoded payload bytes (JSON, not yet parsed).
///
/// The algorithm is fixed to HS256 by us, not chosen by the token: `none`, any
/// other `alg`, or a missing one is refused before the HMAC is computed.
pub(crate) fn verify(token: &str, secret: &Secret) -> Result<Vec<u8>, VerifyError> {
    const fn malformed(reason: &'static str) -> VerifyError {
        VerifyError::Malformed { reason }
    }
    if token.len() > MAX_TOKEN_LEN {
        return Err(malformed("token is longer than 8 KiB"));
    }
    let mut parts = token.split('.');
    let (Some(header), Some(payload), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(malformed("expected three '.'-separated parts"));
    };

    if header != HEADER_B64 {
        let bytes = URL_SAFE_NO_PAD
            .decode(header)
            .map_err(|_| malformed("header is not unpadded base64url"))?;
        let parsed: Header<'_> = if bytes.first() == Some(&b'{') {
            serde_json::from_slice(&bytes).map_err(|_| malformed("header is not a JSON object"))?
        } else {
            return Err(malformed("header is not a JSON object"));
        };
        match parsed.alg.as_deref() {
            Some("HS256") => {}
            Some(other) => {
                return Err(VerifyError::WrongAlgorithm {
                    alg: other.chars().take(32).collect(),
                })
            }
            None => return Err(malformed("header has no alg")),
        }
        if parsed.typ.is_some_and(|t| !t.eq_ignore_ascii_case("JWT")) {
            return Err(malformed("header typ is not JWT"));
        }
        if parsed.crit.is_some() {
            return Err(malformed(
                "header has crit extensions, which are not supported",
            ));
        }
    }

    if signature.len() != SIG_B64_LEN {
        return Err(VerifyError::BadSignature);
    }
    let mut tag = [0u8; 32];
    // The engine rejects non-zero trailing bits, so each tag has exactly one
    // accepted encoding and no altered character can decode to the same tag.
    match URL_SAFE_NO_PAD.decode_slice(signature, &mut tag) {
        Ok(32) => {}
        _ => return Err(VerifyError::BadSignature),
    }
    let mut mac = secret.mac();
    mac.update(header.as_bytes());
    mac.update(b".");
    mac.update(payload.as_bytes());
    // Constant-time comparison (subtle, inside `hmac`).
    mac.verify_slice(&tag)
        .map_err(|_| VerifyError::BadSignature)?;

    let json = URL_SAFE_NO_PAD
        .decode(payload)
        .map_err(|_| malformed("payload is not unpadded base64url"))?;
    if json.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Err(malformed("payload is not a JSON object"));
    }
    Ok(json)
}

/// Parses a verified payload into `T`, mapping JSON errors to `Malformed`.
pub(crate) fn parse_claims<'a, T: Deserialize<'a>>(json: &'a [u8]) -> Result<T, VerifyError> {
    serde_json::from_slice(json).map_err(|_| VerifyError::Malformed {
        reason: "payload is not a JSON object of claims (or repeats a claim)",
    })
}

/// Seconds since the Unix epoch, or `None` before 1970.
pub(crate) fn unix_seconds(t: SystemTime) -> Option<u64> {
    t.duration_since(UNIX_EPOCH).ok().map(|d| d.as_secs())
}

/// Any JSON value, reduced to what claim validation needs, without building a
/// `serde_json::Value`: strings are borrowed from the payload where possible,
/// arrays and objects are skipped.
#[derive(Debug)]
pub(crate) enum Scalar<'a> {
    Bool,
    UInt(u64),
    /// Negative integers and fractions: never valid for a Zoom claim.
    OtherNumber,
    Str(Cow<'a, str>),
    Compound,
}

impl<'de: 'a, 'a> Deserialize<'de> for Scalar<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = Scalar<'a>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
                Ok(Scalar::Bool)
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(Scalar::UInt(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(u64::try_from(v).map_or(Scalar::OtherNumber, Scalar::UInt))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
                Ok(Scalar::OtherNumber)
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Scalar::Str(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Scalar::Str(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(Scalar::Str(Cow::Owned(v)))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Scalar::Compound)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Scalar::Compound)
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

/// Typed access to raw claims, naming the field in every error.
pub(crate) mod take {
    use super::*;

    const fn err(field: Field, problem: Problem) -> InvalidClaim {
        InvalidClaim::new(field, problem)
    }

    pub(crate) fn opt_string(
        field: Field,
        v: Option<Scalar<'_>>,
    ) -> Result<Option<String>, InvalidClaim> {
        match v {
            None => Ok(None),
            Some(Scalar::Str(s)) => Ok(Some(s.into_owned())),
            Some(_) => Err(err(
                field,
                Problem::WrongType {
                    expected: "a string",
                },
            )),
        }
    }

    pub(crate) fn string(field: Field, v: Option<Scalar<'_>>) -> Result<String, InvalidClaim> {
        opt_string(field, v)?.ok_or(err(field, Problem::Missing))
    }

    pub(crate) fn opt_uint(
        field: Field,
        v: Option<Scalar<'_>>,
    ) -> Result<Option<u64>, InvalidClaim> {
        match v {
            None => Ok(None),
            Some(Scalar::UInt(n)) => Ok(Some(n)),
            Some(_) => Err(err(
                field,
                Problem::WrongType {
                    expected: "a non-negative integer",
                },
            )),
        }
    }

    pub(crate) fn uint(field: Field, v: Option<Scalar<'_>>) -> Result<u64, InvalidClaim> {
        opt_uint(field, v)?.ok_or(err(field, Problem::Missing))
    }

    /// A number in `0..=max`.
    pub(crate) fn opt_small(
        field: Field,
        v: Option<Scalar<'_>>,
        max: u64,
    ) -> Result<Option<u8>, InvalidClaim> {
        match opt_uint(field, v)? {
            None => Ok(None),
            Some(n) if n <= max => Ok(Some(n as u8)),
            Some(n) => Err(err(
                field,
                Problem::OutOfRange {
                    min: 0,
                    max,
                    actual: n,
                },
            )),
        }
    }

    /// A 0/1 flag, which Zoom requires as a number, not a JSON boolean.
    pub(crate) fn opt_flag(
        field: Field,
        v: Option<Scalar<'_>>,
    ) -> Result<Option<bool>, InvalidClaim> {
        Ok(opt_small(field, v, 1)?.map(|n| n == 1))
    }
}
