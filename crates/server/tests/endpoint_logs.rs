//! The token endpoint's logs never carry a secret, a token or a header.
//!
//! Alone in its own test binary: `tracing` caches per-callsite interest
//! process-wide, so events hit first by a concurrent test with no subscriber
//! could go missing here and make the test pass for the wrong reason.
#![cfg(feature = "axum")]

mod common;

use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::http::request::Parts;
use axum::http::{header, Request};
use common::at;
use http_body_util::BodyExt as _;
use serde_json::{json, Value};
use tower::ServiceExt as _;
use zoomkit_server::endpoint::{
    Decision, TokenEndpoint, TokenRequest, MEETING_SIGNATURE_PATH, VIDEO_TOKEN_PATH,
};
use zoomkit_server::token::Secret;

const VIDEO_SECRET: &str = "video-secret-do-not-log";
const MEETING_SECRET: &str = "meeting-secret-do-not-log";
const BEARER: &str = "bearer-value-do-not-log";

fn bearer_hook(parts: &Parts, request: TokenRequest<'_>) -> Decision {
    let expected = format!("Bearer {BEARER}");
    if parts
        .headers
        .get(header::AUTHORIZATION)
        .map(|v| v.as_bytes())
        != Some(expected.as_bytes())
    {
        return Decision::Unauthorized;
    }
    match request {
        TokenRequest::VideoSdk(r) if r.session_name == "not-yours" => Decision::Forbidden,
        _ => Decision::Allow,
    }
}

fn post_json(path: &str, body: &Value) -> Request<Body> {
    Request::post(path)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap()
}

/// Collects everything `tracing` emits on this thread.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(flavor = "current_thread")]
async fn logs_never_carry_secrets_tokens_or_headers() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let router: axum::Router = TokenEndpoint::new()
        .video_sdk("VIDEO_KEY", Secret::new(VIDEO_SECRET).unwrap())
        .meeting_sdk("MEETING_KEY", Secret::new(MEETING_SECRET).unwrap())
        .clock(|| at(1_800_000_000))
        .authorize_fn(bearer_hook)
        .router();
    let with_bearer = |path: &str, body: Value| {
        let mut r = post_json(path, &body);
        r.headers_mut().insert(
            header::AUTHORIZATION,
            format!("Bearer {BEARER}").parse().unwrap(),
        );
        r
    };
    let mut tokens = Vec::new();
    for req in [
        with_bearer(VIDEO_TOKEN_PATH, json!({"sessionName": "s", "role": 1})),
        with_bearer(
            MEETING_SIGNATURE_PATH,
            json!({"meetingNumber": "123456789", "role": 1}),
        ),
        with_bearer(
            VIDEO_TOKEN_PATH,
            json!({"sessionName": "not-yours", "role": 0}),
        ),
        with_bearer(VIDEO_TOKEN_PATH, json!({"sessionName": "s", "role": 9})),
        post_json(VIDEO_TOKEN_PATH, &json!({"sessionName": "s", "role": 0})),
    ] {
        let res = router.clone().oneshot(req).await.unwrap();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        let answer: Value = serde_json::from_slice(&bytes).unwrap();
        if let Some(t) = answer["signature"].as_str() {
            tokens.push(t.to_owned());
        }
    }
    assert_eq!(tokens.len(), 2);
    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    // The test only means something if the endpoint logged.
    assert!(logs.contains("issued zoom video sdk token"), "{logs}");
    assert!(logs.contains("refused"), "{logs}");
    for secret in [VIDEO_SECRET, MEETING_SECRET, BEARER] {
        assert!(!logs.contains(secret), "{secret} in logs:\n{logs}");
    }
    for t in &tokens {
        for part in t.split('.').skip(1) {
            assert!(!logs.contains(part), "token part in logs:\n{logs}");
        }
    }
    assert!(
        !logs.to_ascii_lowercase().contains("authorization"),
        "{logs}"
    );
}
