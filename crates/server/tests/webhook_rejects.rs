//! Each refusal is the typed error it should be, with a stable reason and
//! status, and no error, verifier or secret list ever prints a secret, a
//! signature or a byte of the body.

mod webhook_common;

use std::collections::HashMap;

use webhook_common::*;
use zoomkit_server::webhook::{
    CalcomVerifier, CalendlyVerifier, Secrets, SecretsError, VerifyError, WebhookVerifier,
    ZoomVerifier, DEFAULT_MAX_BODY_BYTES,
};

const T0: u64 = 1_800_000_000;
const SECRET: &str = "super-secret-value";

fn reason(r: Result<zoomkit_server::webhook::Verified, VerifyError>) -> &'static str {
    r.map(|_| "ok").unwrap_or_else(|e| e.reason())
}

#[test]
fn missing_headers_are_named() {
    let none: [(&str, &[u8]); 0] = [];
    let body = zoom_body();
    let cases: [(Box<dyn WebhookVerifier>, &str); 3] = [
        (
            Box::new(ZoomVerifier::new(secrets(SECRET))),
            "x-zm-signature",
        ),
        (
            Box::new(CalendlyVerifier::new(secrets(SECRET))),
            "Calendly-Webhook-Signature",
        ),
        (
            Box::new(CalcomVerifier::new(secrets(SECRET))),
            "X-Cal-Signature-256",
        ),
    ];
    for (v, header) in cases {
        let err = v.verify(&none, &body, at(T0)).unwrap_err();
        assert_eq!(err, VerifyError::MissingHeader { header });
        assert_eq!((err.reason(), err.status()), ("missing_header", 401));
        assert!(err.to_string().contains(header));
    }
    // Zoom without its timestamp.
    let mut headers = zoom_headers(SECRET, T0, &body);
    headers.pop();
    let err = ZoomVerifier::new(secrets(SECRET))
        .verify(&headers, &body, at(T0))
        .unwrap_err();
    assert_eq!(
        err,
        VerifyError::MissingHeader {
            header: "x-zm-request-timestamp"
        }
    );
}

#[test]
fn header_names_match_in_any_case_and_repeats_are_refused() {
    let body = zoom_body();
    let upper: Headers = zoom_headers(SECRET, T0, &body)
        .into_iter()
        .map(|(n, v)| (n.to_uppercase(), v))
        .collect();
    assert_eq!(
        reason(ZoomVerifier::new(secrets(SECRET)).verify(&upper, &body, at(T0))),
        "ok"
    );

    let mut twice = zoom_headers(SECRET, T0, &body);
    twice.push(twice[0].clone());
    let err = ZoomVerifier::new(secrets(SECRET))
        .verify(&twice, &body, at(T0))
        .unwrap_err();
    assert_eq!(
        err,
        VerifyError::MalformedHeader {
            header: "x-zm-signature",
            problem: "sent more than once"
        }
    );

    // A plain map works too.
    let map: HashMap<String, Vec<u8>> = calendly_headers(SECRET, T0, &calendly_body())
        .into_iter()
        .collect();
    assert_eq!(
        reason(CalendlyVerifier::new(secrets(SECRET)).verify(&map, &calendly_body(), at(T0))),
        "ok"
    );
}

#[test]
fn malformed_headers_are_refused_by_name() {
    let body = zoom_body();
    let sig = String::from_utf8(zoom_headers(SECRET, T0, &body)[0].1.clone()).unwrap();
    let zoom = |signature: &str, ts: &str| {
        let headers = [
            ("x-zm-signature", signature.as_bytes()),
            ("x-zm-request-timestamp", ts.as_bytes()),
        ];
        ZoomVerifier::new(secrets(SECRET)).verify(&headers[..], &body, at(T0))
    };
    assert_eq!(reason(zoom(&sig, "1800000000")), "ok");
    assert_eq!(
        reason(zoom(&sig.replace("v0=", "v1="), "1800000000")),
        "malformed_header"
    );
    assert_eq!(reason(zoom(&sig[3..], "1800000000")), "malformed_header");
    assert_eq!(
        reason(zoom(&format!("{sig}00"), "1800000000")),
        "malformed_header"
    );
    assert_eq!(
        reason(zoom(&sig.replace('a', "g"), "1800000000")),
        "malformed_header"
    );
    for ts in [
        "",
        "-1800000000",
        "1800000000.5",
        "18e8",
        "abc",
        "99999999999999999999",
    ] {
        assert_eq!(reason(zoom(&sig, ts)), "malformed_header", "{ts:?}");
    }
    // Upper-case hex is the same signature.
    assert_eq!(
        reason(zoom(
            &format!("v0={}", sig[3..].to_uppercase()),
            "1800000000"
        )),
        "ok"
    );
    // Optional whitespace around values is tolerated, as HTTP allows.
    assert_eq!(reason(zoom(&format!(" {sig}\t"), " 1800000000 ")), "ok");
}

#[test]
fn bodies_over_the_limit_are_refused_with_413_before_verifying() {
    let big = vec![b' '; DEFAULT_MAX_BODY_BYTES + 1];
    let v = ZoomVerifier::new(secrets(SECRET));
    // Even with a valid signature, and without looking at the headers.
    let headers = zoom_headers(SECRET, T0, &big);
    let err = v.verify(&headers, &big, at(T0)).unwrap_err();
    assert_eq!(
        err,
        VerifyError::BodyTooLarge {
            limit: DEFAULT_MAX_BODY_BYTES
        }
    );
    assert_eq!((err.reason(), err.status()), ("body_too_large", 413));
    assert_eq!(WebhookVerifier::max_body_bytes(&v), DEFAULT_MAX_BODY_BYTES);

    // The limit is configurable, and inclusive.
    let body = calcom_body();
    let exact = CalcomVerifier::new(secrets(SECRET)).body_limit(body.len());
    assert_eq!(
        reason(exact.verify(&calcom_headers(SECRET, &body), &body, at(T0))),
        "ok"
    );
    let smaller = CalcomVerifier::new(secrets(SECRET)).body_limit(body.len() - 1);
    assert_eq!(
        reason(smaller.verify(&calcom_headers(SECRET, &body), &body, at(T0))),
        "body_too_large"
    );
    let calendly = CalendlyVerifier::new(secrets(SECRET)).body_limit(10);
    assert_eq!(WebhookVerifier::max_body_bytes(&calendly), 10);
}

#[test]
fn cal_com_s_unsigned_literal_is_refused_unless_opted_out() {
    let body = calcom_body();
    let unsigned = [("X-Cal-Signature-256", &b"no-secret-provided"[..])];
    let err = CalcomVerifier::new(secrets(SECRET))
        .verify(&unsigned[..], &body, at(T0))
        .unwrap_err();
    assert_eq!(err, VerifyError::UnsignedRefused);
    assert_eq!((err.reason(), err.status()), ("unsigned_refused", 401));

    let open = CalcomVerifier::without_signatures();
    let v = open.verify(&unsigned[..], &body, at(T0)).unwrap();
    assert_eq!(
        (v.event.as_str(), v.secret_index),
        ("BOOKING_CREATED", None)
    );
    let none: [(&str, &[u8]); 0] = [];
    assert!(open.verify(&none[..], &body, at(T0)).is_ok());
    // A signed delivery to a receiver without a secret is a misconfiguration.
    let err = open
        .verify(&calcom_headers(SECRET, &body), &body, at(T0))
        .unwrap_err();
    assert_eq!(err.reason(), "signature_not_expected");
}

#[test]
fn a_verified_body_that_is_not_an_envelope_is_a_400() {
    for body in [
        &b"not json"[..],
        b"[1,2]",
        b"{\"payload\":{}}",
        b"{\"event\":7}",
    ] {
        let headers = zoom_headers(SECRET, T0, body);
        let err = ZoomVerifier::new(secrets(SECRET))
            .verify(&headers, body, at(T0))
            .unwrap_err();
        assert_eq!(
            (err.reason(), err.status()),
            ("malformed_body", 400),
            "{body:?}"
        );
    }
    let body = br#"{"payload":{"uid":"x"}}"#; // a payloadTemplate body
    let err = CalcomVerifier::new(secrets(SECRET))
        .verify(&calcom_headers(SECRET, body), body, at(T0))
        .unwrap_err();
    assert!(err.to_string().contains("payloadTemplate"));
    // The URL validation handshake needs its plainToken.
    let body = br#"{"event":"endpoint.url_validation","payload":{}}"#;
    let err = ZoomVerifier::new(secrets(SECRET))
        .verify(&zoom_headers(SECRET, T0, body), body, at(T0))
        .unwrap_err();
    assert_eq!(err.reason(), "malformed_body");
}

#[test]
fn the_reasons_and_statuses_are_stable() {
    let table = [
        (
            VerifyError::MissingHeader { header: "h" },
            "missing_header",
            401,
        ),
        (
            VerifyError::MalformedHeader {
                header: "h",
                problem: "p",
            },
            "malformed_header",
            401,
        ),
        (
            VerifyError::Stale {
                age_secs: 1,
                tolerance_secs: 0,
            },
            "stale_timestamp",
            401,
        ),
        (
            VerifyError::FromTheFuture {
                ahead_secs: 1,
                tolerance_secs: 0,
            },
            "future_timestamp",
            401,
        ),
        (VerifyError::BadSignature, "bad_signature", 401),
        (
            VerifyError::BodyTooLarge { limit: 1 },
            "body_too_large",
            413,
        ),
        (VerifyError::UnsignedRefused, "unsigned_refused", 401),
        (
            VerifyError::SignatureNotExpected,
            "signature_not_expected",
            401,
        ),
        (
            VerifyError::MalformedBody {
                provider: "zoom",
                problem: "p",
            },
            "malformed_body",
            400,
        ),
    ];
    for (err, reason, status) in table {
        assert_eq!((err.reason(), err.status()), (reason, status), "{err:?}");
    }
}

/// Every refusal we can provoke, rendered with `Display` and `Debug`,
/// together with the verifiers and secret lists: none contains the
/// secret, the signature or any of the body's text.
#[test]
fn nothing_prints_a_secret_a_signature_or_the_body() {
    let body = br#"{"event":"meeting.started","payload":{"email":"alice@example.com"}}"#.to_vec();
    let good = zoom_headers(SECRET, T0, &body);
    let signature = String::from_utf8(good[0].1.clone()).unwrap();
    let mut rendered = Vec::new();
    let mut record = |r: Result<zoomkit_server::webhook::Verified, VerifyError>| {
        if let Err(e) = r {
            rendered.push(format!("{e} {e:?}"));
        }
    };
    let zoom = ZoomVerifier::new(Secrets::parse(&format!("{SECRET},other-{SECRET}")).unwrap());
    let calendly = CalendlyVerifier::new(secrets(SECRET));
    let calcom = CalcomVerifier::new(secrets(SECRET));
    record(zoom.verify(&good, &body, at(T0 + 10_000)));
    record(zoom.verify(&good, &body, at(T0 - 10_000)));
    record(zoom.verify(&good, b"{\"tampered\":\"alice@example.com\"}", at(T0)));
    record(zoom.verify(&zoom_headers("wrong", T0, &body), &body, at(T0)));
    record(zoom.verify(
        &[("x-zm-signature", signature.as_bytes())][..],
        &body,
        at(T0),
    ));
    let mangled = [
        ("x-zm-signature", format!("{signature}x")),
        ("x-zm-request-timestamp", "1800000000".into()),
    ];
    record(zoom.verify(&mangled[..], &body, at(T0)));
    record(calendly.verify(
        &[("Calendly-Webhook-Signature", format!("t=1,v1={SECRET}"))][..],
        &body,
        at(T0),
    ));
    record(calcom.verify(&[("X-Cal-Signature-256", SECRET)][..], &body, at(T0)));
    record(calcom.verify(
        &calcom_headers(SECRET, b"alice@example.com"),
        b"alice@example.com",
        at(T0),
    ));
    record(zoom.clone().body_limit(4).verify(&good, &body, at(T0)));
    assert_eq!(rendered.len(), 10, "every case above is a refusal");

    rendered.push(format!("{zoom:?} {calendly:?} {calcom:?}"));
    rendered.push(format!(
        "{:?}",
        Secrets::parse("a-secret,b-secret").unwrap()
    ));
    for text in &rendered {
        for needle in [
            SECRET,
            &signature[3..],
            "alice",
            "example.com",
            "a-secret",
            "tampered",
        ] {
            assert!(!text.contains(needle), "{text:?} contains {needle:?}");
        }
    }
    assert!(rendered.last().unwrap().contains("***"));
}

#[test]
fn secret_lists_parse_and_refuse_empty_entries() {
    assert_eq!(Secrets::parse("a").unwrap().len(), 1);
    assert_eq!(Secrets::parse(" new , old ").unwrap().len(), 2);
    assert_eq!(Secrets::parse("").unwrap_err(), SecretsError::Empty);
    assert_eq!(Secrets::parse("  ").unwrap_err(), SecretsError::Empty);
    assert_eq!(
        Secrets::parse("a,,b").unwrap_err(),
        SecretsError::EmptyEntry { position: 2 }
    );
    assert_eq!(
        Secrets::parse("a,").unwrap_err(),
        SecretsError::EmptyEntry { position: 2 }
    );
    assert_eq!(Secrets::new([]).unwrap_err(), SecretsError::Empty);
    // Trimmed entries sign as the trimmed text.
    let body = calcom_body();
    let v = CalcomVerifier::new(Secrets::parse(" old , new ").unwrap());
    let verified = v
        .verify(&calcom_headers("new", &body), &body, at(T0))
        .unwrap();
    assert_eq!(verified.secret_index, Some(1));
}

#[cfg(feature = "axum")]
#[test]
fn an_http_header_map_is_a_header_source() {
    use axum::http::{HeaderMap, HeaderName, HeaderValue};
    let body = zoom_body();
    let mut map = HeaderMap::new();
    for (name, value) in zoom_headers(SECRET, T0, &body) {
        map.append(
            HeaderName::from_bytes(name.as_bytes()).unwrap(),
            HeaderValue::from_bytes(&value).unwrap(),
        );
    }
    let v = ZoomVerifier::new(secrets(SECRET))
        .verify(&map, &body, at(T0))
        .unwrap();
    assert_eq!(v.event, "meeting.started");
    map.append("x-zm-signature", HeaderValue::from_static("v0=00"));
    assert_eq!(
        reason(ZoomVerifier::new(secrets(SECRET)).verify(&map, &body, at(T0))),
        "malformed_header"
    );
}
