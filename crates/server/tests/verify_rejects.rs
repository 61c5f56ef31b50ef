//! What verification refuses, and with which error.

mod common;

use std::time::Duration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use common::*;
use zoomkit_server::token::{
    EmptySecret, Field, Role, Secret, Verifier, VerifyError, VideoSdkToken,
};

const PAYLOAD: &str = r#"{"app_key":"KEY","role_type":0,"tpc":"Cool Cars","version":1,"iat":1700000000,"exp":1700007200}"#;
const NOW: u64 = 1_700_000_100;

fn verify(token: &str) -> Result<(), VerifyError> {
    Verifier::new()
        .leeway(Duration::ZERO)
        .video_sdk(token, &Secret::new("k").unwrap(), at(NOW))
        .map(drop)
}

fn malformed(token: &str) -> bool {
    matches!(verify(token), Err(VerifyError::Malformed { .. }))
}

#[test]
fn a_well_formed_token_passes_so_the_refusals_below_mean_something() {
    assert_eq!(verify(&forge(HS256, PAYLOAD, "k")), Ok(()));
    // typ is optional and compared case-insensitively; key order is free.
    assert_eq!(verify(&forge(r#"{"alg":"HS256"}"#, PAYLOAD, "k")), Ok(()));
    assert_eq!(
        verify(&forge(r#"{ "typ": "jwt", "alg": "HS256" }"#, PAYLOAD, "k")),
        Ok(())
    );
}

#[test]
fn alg_none_is_refused_even_with_an_empty_signature() {
    let h = URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#);
    let p = URL_SAFE_NO_PAD.encode(PAYLOAD);
    let e = verify(&format!("{h}.{p}.")).unwrap_err();
    assert_eq!(e, VerifyError::WrongAlgorithm { alg: "none".into() });
    // ... and with a valid HS256 signature over the same input.
    assert_eq!(
        verify(&forge(r#"{"alg":"none","typ":"JWT"}"#, PAYLOAD, "k")),
        Err(VerifyError::WrongAlgorithm { alg: "none".into() })
    );
}

#[test]
fn every_other_alg_is_refused() {
    for alg in [
        "HS384", "HS512", "RS256", "ES256", "PS256", "hs256", "HS256 ", "",
    ] {
        let header = format!(r#"{{"alg":"{alg}","typ":"JWT"}}"#);
        assert_eq!(
            verify(&forge(&header, PAYLOAD, "k")),
            Err(VerifyError::WrongAlgorithm { alg: alg.into() }),
            "{alg}"
        );
    }
    assert!(malformed(&forge(r#"{"typ":"JWT"}"#, PAYLOAD, "k")));
    assert!(malformed(&forge(r#"{"alg":256}"#, PAYLOAD, "k")));
    // Two algs: a parser differential waiting to happen, so refused.
    assert!(malformed(&forge(
        r#"{"alg":"HS256","alg":"none"}"#,
        PAYLOAD,
        "k"
    )));
}

#[test]
fn odd_headers_are_refused() {
    assert!(malformed(&forge(
        r#"{"alg":"HS256","typ":"JWE"}"#,
        PAYLOAD,
        "k"
    )));
    assert!(malformed(&forge(
        r#"{"alg":"HS256","crit":["exp"]}"#,
        PAYLOAD,
        "k"
    )));
    assert!(malformed(&forge(r#"["HS256"]"#, PAYLOAD, "k")));
    assert!(malformed(&forge("not json", PAYLOAD, "k")));
}

#[test]
fn framing_errors_are_malformed() {
    let good = forge(HS256, PAYLOAD, "k");
    let parts: Vec<&str> = good.split('.').collect();
    assert!(malformed(""));
    assert!(malformed(&parts[..2].join(".")));
    assert!(malformed(&format!("{good}.")));
    assert!(malformed(&format!("{good}.{}", parts[2])));
    // Padding is not part of JWS base64url.
    let padded_payload = URL_SAFE_NO_PAD.encode(PAYLOAD) + "==";
    assert!(verify(&format!("{}.{padded_payload}.{}", parts[0], parts[2])).is_err());
    // Oversized input is refused before any work.
    assert!(malformed(&"a".repeat(9000)));
}

#[test]
fn signature_errors_are_bad_signature() {
    let good = forge(HS256, PAYLOAD, "k");
    let (input, sig) = good.rsplit_once('.').unwrap();
    assert_eq!(verify(&format!("{input}.")), Err(VerifyError::BadSignature));
    assert_eq!(
        verify(&format!("{input}.{}", &sig[1..])),
        Err(VerifyError::BadSignature)
    );
    assert_eq!(
        verify(&format!("{input}.{sig}A")),
        Err(VerifyError::BadSignature)
    );
    // The last character carries 2 unused bits; setting them must not pass.
    let last = sig.as_bytes()[42];
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let idx = alphabet.iter().position(|&c| c == last).unwrap();
    for flip in 1..4 {
        let other = alphabet[idx ^ flip] as char;
        let token = format!("{input}.{}{other}", &sig[..42]);
        assert_eq!(verify(&token), Err(VerifyError::BadSignature), "{token}");
    }
    assert_eq!(
        verify(&forge(HS256, PAYLOAD, "K")),
        Err(VerifyError::BadSignature)
    );
}

#[test]
fn payloads_that_are_not_a_claims_object_are_malformed() {
    assert!(malformed(&forge(
        HS256,
        r#"["KEY",0,"Cool Cars",1,1700000000,1700007200]"#,
        "k"
    )));
    assert!(malformed(&forge(HS256, "null", "k")));
    assert!(malformed(&forge(HS256, "{", "k")));
    let dup = r#"{"app_key":"KEY","role_type":0,"role_type":1,"tpc":"x","version":1,"iat":1700000000,"exp":1700007200}"#;
    assert!(malformed(&forge(HS256, dup, "k")));
}

#[test]
fn time_window_is_checked_after_the_claims() {
    let expired = PAYLOAD
        .replace("1700007200", "1700001800")
        .replace("1700000000", "1699000000");
    // exp - iat is wrong here: that is reported before the time.
    assert_eq!(
        verify(&forge(HS256, &expired, "k")).unwrap_err().field(),
        Some(Field::EXP)
    );
    let future = PAYLOAD
        .replace("1700000000", "1700000101")
        .replace("1700007200", "1700007301");
    assert_eq!(
        verify(&forge(HS256, &future, "k")),
        Err(VerifyError::NotYetValid {
            iat: 1_700_000_101,
            now: NOW
        })
    );
}

#[test]
fn version_other_than_1_is_named_with_zoom_range() {
    let v300 = PAYLOAD.replace(r#""version":1"#, r#""version":300"#);
    let e = verify(&forge(HS256, &v300, "k")).unwrap_err();
    assert_eq!(
        e.to_string(),
        "invalid claim `version`: must be between 1 and 1 (got 300)"
    );
}

#[test]
fn unknown_claims_and_nulls_are_tolerated() {
    let extra = PAYLOAD.replace("}", r#","nbf":null,"user_key":null,"custom":{"a":[1,2]}}"#);
    assert_eq!(verify(&forge(HS256, &extra, "k")), Ok(()));
}

#[test]
fn secrets_never_print() {
    let s = Secret::new("super-secret-value").unwrap();
    assert_eq!(format!("{s:?}"), "***");
    assert_eq!(format!("{s}"), "***");
    assert_eq!(format!("{:?}", Some(&s)), "Some(***)");
    assert_eq!(Secret::new("").unwrap_err(), EmptySecret);
    assert_eq!(Secret::new(Vec::<u8>::new()).unwrap_err(), EmptySecret);
}

#[test]
fn errors_say_what_to_do() {
    let s = Secret::new("k").unwrap();
    let e = VideoSdkToken::new("K", "x".repeat(201), Role::Host)
        .sign(&s, at(NOW))
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "invalid claim `tpc`: must be at most 200 characters (got 201)"
    );
    let e = VideoSdkToken::new("K", "tab\there", Role::Host)
        .sign(&s, at(NOW))
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "invalid claim `tpc`: has '\\t' at position 3; only visible ASCII characters and spaces are allowed"
    );
    assert_eq!(
        VerifyError::BadSignature.to_string(),
        "signature does not match: wrong secret, or the token was altered"
    );
}
