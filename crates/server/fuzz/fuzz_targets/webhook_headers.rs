//! Arbitrary header values and bodies into all three webhook verifiers and
//! the payload parser: nothing may panic, and a delivery verifies only if
//! its header really carries the HMAC of its message (recomputed here with
//! the `hmac` crate, independently of the verifiers).
//!
//! Input layout: `signature header \0 timestamp header \0 body` (missing
//! parts are absent headers / an empty body). The seeds in
//! `seeds/webhook_headers/` are genuine deliveries signed with `SECRET`.
#![no_main]

use std::time::{Duration, UNIX_EPOCH};

use hmac::{Hmac, KeyInit as _, Mac as _};
use libfuzzer_sys::fuzz_target;
use zoomkit_server::webhook::{
    CalcomVerifier, CalendlyVerifier, Event, Provider, Secrets, WebhookVerifier, ZoomVerifier,
};

const SECRET: &str = "fuzz-secret";

fn hmac_hex(parts: &[&[u8]]) -> String {
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
    for part in parts {
        mac.update(part);
    }
    hex::encode(mac.finalize().into_bytes())
}

fn trim(value: &[u8]) -> &[u8] {
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

/// Whether `header` (lower-cased) carries the genuine signature of `body`
/// for `provider`.
fn genuine(provider: Provider, header: &[u8], timestamp: &[u8], body: &[u8]) -> bool {
    let header = trim(header).to_ascii_lowercase();
    match provider {
        Provider::Zoom => {
            let expected = hmac_hex(&[b"v0:", trim(timestamp), b":", body]);
            header == format!("v0={expected}").into_bytes()
        }
        Provider::Calendly => {
            let t = header
                .split(|b| *b == b',')
                .map(trim)
                .find_map(|item| item.strip_prefix(b"t="))
                .unwrap_or_default();
            let expected = format!("v1={}", hmac_hex(&[t, b".", body])).into_bytes();
            header
                .split(|b| *b == b',')
                .map(trim)
                .any(|item| item == expected)
        }
        _ => header == hmac_hex(&[body]).into_bytes(),
    }
}

fuzz_target!(|data: &[u8]| {
    let mut parts = data.splitn(3, |b| *b == 0);
    let signature = parts.next();
    let timestamp = parts.next();
    let body = parts.next().unwrap_or_default();
    let now = UNIX_EPOCH + Duration::from_secs(1_800_000_000);
    let secrets = Secrets::parse(&format!("other-secret,{SECRET}")).unwrap();

    let verifiers: [(Box<dyn WebhookVerifier>, &str, Option<&str>); 3] = [
        (
            Box::new(ZoomVerifier::new(secrets.clone())),
            "x-zm-signature",
            Some("x-zm-request-timestamp"),
        ),
        (
            Box::new(CalendlyVerifier::new(secrets.clone())),
            "Calendly-Webhook-Signature",
            None,
        ),
        (
            Box::new(CalcomVerifier::new(secrets)),
            "X-Cal-Signature-256",
            None,
        ),
    ];
    for (verifier, signature_name, timestamp_name) in verifiers {
        let mut headers: Vec<(&str, &[u8])> = Vec::new();
        if let Some(sig) = signature {
            headers.push((signature_name, sig));
        }
        if let (Some(name), Some(ts)) = (timestamp_name, timestamp) {
            headers.push((name, ts));
        }
        match verifier.verify(&headers, body, now) {
            Ok(verified) => {
                let provider = verifier.provider();
                assert!(
                    genuine(
                        provider,
                        signature.unwrap_or_default(),
                        timestamp.unwrap_or_default(),
                        body
                    ),
                    "{provider} verified a delivery whose header is not its HMAC"
                );
                assert_eq!(verified.secret_index, Some(1));
                assert!(verified.dedupe_key.starts_with(provider.as_str()));
                let _ = verified.parse(body);
            }
            Err(e) => {
                let _ = (e.reason(), e.status(), e.to_string());
            }
        }
    }
    // The payload parser on arbitrary bytes: errors, never panics.
    for provider in [Provider::Zoom, Provider::Calendly, Provider::Calcom] {
        if let Err(e) = Event::parse_verified(provider, body) {
            let _ = e.field();
        }
    }
    // The unsigned Cal.com receiver must accept nothing that is signed.
    let open = CalcomVerifier::without_signatures();
    if let Some(sig) = signature {
        let headers = [("X-Cal-Signature-256", sig)];
        if trim(sig) != b"no-secret-provided" {
            assert!(open.verify(&headers[..], body, now).is_err());
        }
    }
});
