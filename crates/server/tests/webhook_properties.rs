//! Property tests over thousands of deliveries: a genuine delivery
//! verifies; any change to the body, the signed timestamp, the signature
//! header or the secret is rejected; timestamps outside the window are
//! rejected as stale or from the future; every secret of a rotation list
//! is accepted, and no other.

mod webhook_common;

use std::time::Duration;

use proptest::prelude::*;
use webhook_common::*;
use zoomkit_server::webhook::{
    CalcomVerifier, CalendlyVerifier, Provider, Secrets, VerifyError, WebhookVerifier, ZoomVerifier,
};

const T0: u64 = 1_800_000_000;

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 2000,
        ..ProptestConfig::default()
    }
}

/// A verifier of each provider for `secret`.
fn verifiers(secret: &str) -> [Box<dyn WebhookVerifier>; 3] {
    [
        Box::new(ZoomVerifier::new(secrets(secret))),
        Box::new(CalendlyVerifier::new(secrets(secret))),
        Box::new(CalcomVerifier::new(secrets(secret))),
    ]
}

/// The headers `provider` sends for `body` at `ts`.
fn sign(provider: Provider, secret: &str, ts: u64, body: &[u8]) -> Headers {
    match provider {
        Provider::Zoom => zoom_headers(secret, ts, body),
        Provider::Calendly => calendly_headers(secret, ts, body),
        _ => calcom_headers(secret, body),
    }
}

/// A body each verifier accepts, with `text` inside (any bytes would also
/// verify, but then the envelope check answers `malformed_body`, which
/// would hide whether the signature check passed).
fn body(text: &str) -> Vec<u8> {
    serde_json::json!({"event": "x.y", "triggerEvent": "X_Y", "payload": {"t": text}})
        .to_string()
        .into_bytes()
}

fn secret() -> impl Strategy<Value = String> {
    "[!-~]{1,48}"
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn genuine_deliveries_verify(secret in secret(), text in ".{0,200}", skew in -300i64..=300) {
        let body = body(&text);
        let now = at(T0.saturating_add_signed(skew));
        for v in verifiers(&secret) {
            let headers = sign(v.provider(), &secret, T0, &body);
            let verified = v.verify(&headers, &body, now).unwrap();
            prop_assert_eq!(verified.provider, v.provider());
            prop_assert_eq!(verified.secret_index, Some(0));
        }
    }

    #[test]
    fn any_change_to_the_body_is_rejected(
        secret in secret(),
        text in ".{0,200}",
        at_byte in any::<prop::sample::Index>(),
        edit in 0u8..3,
        byte in any::<u8>(),
    ) {
        let body = body(&text);
        let mut changed = body.clone();
        let i = at_byte.index(changed.len());
        match edit {
            0 => changed[i] ^= byte.max(1),          // flip bits
            1 => changed.insert(i, byte),            // insert a byte
            _ => { changed.remove(i); }              // drop a byte
        }
        prop_assume!(changed != body);
        for v in verifiers(&secret) {
            let headers = sign(v.provider(), &secret, T0, &body);
            prop_assert_eq!(v.verify(&headers, &changed, at(T0)), Err(VerifyError::BadSignature));
        }
    }

    #[test]
    fn a_changed_timestamp_is_rejected(secret in secret(), delta in -300i64..=300) {
        prop_assume!(delta != 0);
        let body = body("t");
        let other = T0.saturating_add_signed(delta).to_string();
        // Zoom: the timestamp header replaced.
        let mut zoom = zoom_headers(&secret, T0, &body);
        zoom[1].1 = other.clone().into_bytes();
        let v = ZoomVerifier::new(secrets(&secret));
        prop_assert_eq!(v.verify(&zoom, &body, at(T0)), Err(VerifyError::BadSignature));
        // Calendly: `t=` replaced, `v1` kept.
        let mut calendly = calendly_headers(&secret, T0, &body);
        let value = String::from_utf8(calendly[0].1.clone()).unwrap();
        calendly[0].1 = value.replacen(&format!("t={T0}"), &format!("t={other}"), 1).into_bytes();
        let v = CalendlyVerifier::new(secrets(&secret));
        prop_assert_eq!(v.verify(&calendly, &body, at(T0)), Err(VerifyError::BadSignature));
    }

    #[test]
    fn any_change_to_the_signature_header_is_rejected(
        secret in secret(),
        at_char in any::<prop::sample::Index>(),
        replacement in any::<u8>(),
        cut in any::<prop::sample::Index>(),
    ) {
        let body = body("h");
        for v in verifiers(&secret) {
            let headers = sign(v.provider(), &secret, T0, &body);
            // Replace one byte of the signature header's value...
            let mut changed = headers.clone();
            let value = &mut changed[0].1;
            let i = at_char.index(value.len());
            prop_assume!(value[i] != replacement);
            // Hex digits differ only in case: the same signature.
            prop_assume!(!(value[i].is_ascii_hexdigit() && value[i].eq_ignore_ascii_case(&replacement)));
            value[i] = replacement;
            prop_assert!(v.verify(&changed, &body, at(T0)).is_err());
            // ...or truncate it anywhere (including to nothing).
            let mut truncated = headers.clone();
            let n = cut.index(truncated[0].1.len());
            truncated[0].1.truncate(n);
            let err = v.verify(&truncated, &body, at(T0)).unwrap_err();
            prop_assert!(matches!(
                err,
                VerifyError::MalformedHeader { .. } | VerifyError::BadSignature | VerifyError::MissingHeader { .. }
            ), "{err:?}");
        }
    }

    #[test]
    fn another_secret_is_rejected(secret in secret(), other in secret()) {
        prop_assume!(secret != other);
        let body = body("s");
        for v in verifiers(&other) {
            let headers = sign(v.provider(), &secret, T0, &body);
            prop_assert_eq!(v.verify(&headers, &body, at(T0)), Err(VerifyError::BadSignature));
        }
    }

    #[test]
    fn timestamps_outside_the_window_are_rejected(
        secret in secret(),
        beyond in 1u64..10_000_000,
        tolerance in 0u64..3600,
    ) {
        let body = body("w");
        let window = Duration::from_secs(tolerance);
        let zoom = ZoomVerifier::new(secrets(&secret)).tolerance(window);
        let calendly = CalendlyVerifier::new(secrets(&secret)).tolerance(window);
        let stale = at(T0 + tolerance + beyond);
        let early = at(T0 - tolerance - beyond);
        for v in [&zoom as &dyn WebhookVerifier, &calendly] {
            let headers = sign(v.provider(), &secret, T0, &body);
            prop_assert_eq!(
                v.verify(&headers, &body, stale),
                Err(VerifyError::Stale { age_secs: tolerance + beyond, tolerance_secs: tolerance })
            );
            prop_assert_eq!(
                v.verify(&headers, &body, early),
                Err(VerifyError::FromTheFuture { ahead_secs: tolerance + beyond, tolerance_secs: tolerance })
            );
            // The edges of the window are inside it.
            prop_assert!(v.verify(&headers, &body, at(T0 + tolerance)).is_ok());
            prop_assert!(v.verify(&headers, &body, at(T0 - tolerance)).is_ok());
        }
    }

    #[test]
    fn every_secret_of_a_rotation_list_is_accepted(
        list in proptest::collection::vec("[!-+\\--~]{1,24}", 1..5),
        outsider in "[!-+\\--~]{1,24}",
    ) {
        // `[!-+\--~]` is visible ASCII without the comma.
        let joined = list.join(",");
        let rotation = Secrets::parse(&joined).unwrap();
        prop_assert_eq!(rotation.len(), list.len());
        let body = body("r");
        let all: [Box<dyn WebhookVerifier>; 3] = [
            Box::new(ZoomVerifier::new(rotation.clone())),
            Box::new(CalendlyVerifier::new(rotation.clone())),
            Box::new(CalcomVerifier::new(rotation)),
        ];
        for v in &all {
            for (i, secret) in list.iter().enumerate() {
                let headers = sign(v.provider(), secret, T0, &body);
                let verified = v.verify(&headers, &body, at(T0)).unwrap();
                // The first secret in the list that matches (duplicates
                // in the list match the earlier copy).
                let first = list.iter().position(|s| s == secret).unwrap();
                prop_assert!(first <= i);
                prop_assert_eq!(verified.secret_index, Some(first));
            }
            if !list.contains(&outsider) {
                let headers = sign(v.provider(), &outsider, T0, &body);
                prop_assert_eq!(v.verify(&headers, &body, at(T0)), Err(VerifyError::BadSignature));
            }
        }
    }
}

/// The Svix bug: a verifier that compared only up to the shorter string
/// accepted `v1,` (an empty signature). Ours decodes, checks the length and
/// only then compares.
#[test]
fn empty_and_truncated_signatures_fail_for_every_provider() {
    let secret = "whsec";
    let body = body("svix");
    let full_zoom = zoom_headers(secret, T0, &body);
    let full_calendly = calendly_headers(secret, T0, &body);
    let full_calcom = calcom_headers(secret, &body);
    let zoom_sig = String::from_utf8(full_zoom[0].1.clone()).unwrap();
    let calcom_sig = String::from_utf8(full_calcom[0].1.clone()).unwrap();
    let calendly_v1 = String::from_utf8(full_calendly[0].1.clone())
        .unwrap()
        .split_once("v1=")
        .unwrap()
        .1
        .to_owned();
    for keep in [0, 1, 2, 31, 32, 62, 63] {
        let zoom = vec![
            (
                "x-zm-signature".to_owned(),
                format!("v0={}", &zoom_sig[3..3 + keep]).into_bytes(),
            ),
            full_zoom[1].clone(),
        ];
        let err = ZoomVerifier::new(secrets(secret))
            .verify(&zoom, &body, at(T0))
            .unwrap_err();
        assert_eq!(err.reason(), "malformed_header", "zoom keeping {keep}");
        let calendly = vec![(
            "Calendly-Webhook-Signature".to_owned(),
            format!("t={T0},v1={}", &calendly_v1[..keep]).into_bytes(),
        )];
        let err = CalendlyVerifier::new(secrets(secret))
            .verify(&calendly, &body, at(T0))
            .unwrap_err();
        assert_eq!(err.reason(), "malformed_header", "calendly keeping {keep}");
        let calcom = vec![(
            "X-Cal-Signature-256".to_owned(),
            calcom_sig.as_bytes()[..keep].to_vec(),
        )];
        let err = CalcomVerifier::new(secrets(secret))
            .verify(&calcom, &body, at(T0))
            .unwrap_err();
        assert_eq!(err.reason(), "malformed_header", "calcom keeping {keep}");
    }
    // `v0=` / `v1,`-style values with nothing after them.
    for value in ["v0=", "v0", "", "v1,"] {
        let zoom = vec![
            ("x-zm-signature".to_owned(), value.as_bytes().to_vec()),
            full_zoom[1].clone(),
        ];
        assert!(ZoomVerifier::new(secrets(secret))
            .verify(&zoom, &body, at(T0))
            .is_err());
    }
    for value in ["t=1800000000,v1=", "t=1800000000,v1", "v1,", "t=1800000000"] {
        let calendly = vec![(
            "Calendly-Webhook-Signature".to_owned(),
            value.as_bytes().to_vec(),
        )];
        assert!(CalendlyVerifier::new(secrets(secret))
            .verify(&calendly, &body, at(T0))
            .is_err());
    }
    // The full signatures do verify, so the failures above are about length.
    assert!(ZoomVerifier::new(secrets(secret))
        .verify(&full_zoom, &body, at(T0))
        .is_ok());
    assert!(CalendlyVerifier::new(secrets(secret))
        .verify(&full_calendly, &body, at(T0))
        .is_ok());
    assert!(CalcomVerifier::new(secrets(secret))
        .verify(&full_calcom, &body, at(T0))
        .is_ok());
}
