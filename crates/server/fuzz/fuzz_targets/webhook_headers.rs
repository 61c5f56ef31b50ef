//! Arbitrary header values and bodies into all three webhook verifiers and
//! the payload parser: nothing may panic, and nothing forged verifies.
//!
//! Input layout: the first byte picks how the rest is split; the rest is
//! `signature header \0 timestamp header \0 body` (missing parts are
//! absent headers / an empty body).
#![no_main]

use std::time::{Duration, UNIX_EPOCH};

use libfuzzer_sys::fuzz_target;
use zoomkit_server::webhook::{
    CalcomVerifier, CalendlyVerifier, Event, Provider, Secrets, WebhookVerifier, ZoomVerifier,
};

fuzz_target!(|data: &[u8]| {
    let mut parts = data.splitn(3, |b| *b == 0);
    let signature = parts.next();
    let timestamp = parts.next();
    let body = parts.next().unwrap_or_default();
    let now = UNIX_EPOCH + Duration::from_secs(1_800_000_000);
    let secrets = Secrets::parse("fuzz-secret,other-secret").unwrap();

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
            // An arbitrary input verifying would mean a forged HMAC.
            Ok(_) => panic!("a fuzzed delivery verified"),
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
    // And the unsigned Cal.com receiver, which must accept nothing signed.
    let open = CalcomVerifier::without_signatures();
    if let Some(sig) = signature {
        let headers = [("X-Cal-Signature-256", sig)];
        let trimmed = sig.trim_ascii();
        if trimmed != b"no-secret-provided" {
            assert!(open.verify(&headers[..], body, now).is_err());
        }
    }
});
