//! The token endpoint, driven with tower's `oneshot` (no network).
#![cfg(feature = "axum")]

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use axum::Router;
use common::at;
use http_body_util::BodyExt as _;
use serde_json::{json, Value};
use tower::ServiceExt as _;
use zoomkit_server::endpoint::{
    Authorize, CorsOrigin, Decision, TokenEndpoint, TokenRequest, MEETING_SIGNATURE_PATH,
    VIDEO_TOKEN_PATH,
};
use zoomkit_server::token::{GeoRegion, Role, Secret, Verifier};

const NOW: u64 = 1_800_000_000;
const VIDEO_SECRET: &str = "video-secret-do-not-log";
const MEETING_SECRET: &str = "meeting-secret-do-not-log";
const BEARER: &str = "bearer-value-do-not-log";

fn endpoint() -> TokenEndpoint {
    TokenEndpoint::new()
        .video_sdk("VIDEO_KEY", Secret::new(VIDEO_SECRET).unwrap())
        .meeting_sdk("MEETING_KEY", Secret::new(MEETING_SECRET).unwrap())
        .clock(|| at(NOW))
}

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
        TokenRequest::VideoSdk(r) => {
            r.user_key = Some("user-from-auth".into());
            Decision::Allow
        }
        _ => Decision::Allow,
    }
}

fn post(path: &str, body: impl Into<Body>) -> Request<Body> {
    Request::post(path)
        .header(header::CONTENT_TYPE, "application/json")
        .body(body.into())
        .unwrap()
}

fn post_json(path: &str, body: &Value) -> Request<Body> {
    post(path, body.to_string())
}

async fn call(router: &Router, req: Request<Body>) -> (StatusCode, HeaderMap, Value) {
    let res = router.clone().oneshot(req).await.unwrap();
    let (parts, body) = res.into_parts();
    let bytes = body.collect().await.unwrap().to_bytes();
    let value = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into()))
    };
    (parts.status, parts.headers, value)
}

fn video_claims(body: &Value) -> zoomkit_server::token::VideoSdkClaims {
    let jwt = body["signature"].as_str().expect("a signature");
    Verifier::new()
        .video_sdk(jwt, &Secret::new(VIDEO_SECRET).unwrap(), at(NOW))
        .unwrap()
}

#[tokio::test]
async fn zoom_sample_body_gets_a_signature_that_verifies() {
    let router = endpoint().router();
    // The request from Zoom's sample README, with role as a string as in its
    // curl example, but as a participant.
    let body = json!({"sessionName": "Cool Cars", "role": "0", "sessionKey": "session123", "userIdentity": "user123"});
    let (status, headers, answer) = call(&router, post_json(VIDEO_TOKEN_PATH, &body)).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(headers[header::CACHE_CONTROL], "no-store");
    assert_eq!(headers[header::CONTENT_TYPE], "application/json");
    assert_eq!(
        answer.as_object().unwrap().len(),
        1,
        "only `signature`: {answer}"
    );
    let c = video_claims(&answer);
    assert_eq!(c.app_key, "VIDEO_KEY");
    assert_eq!(c.tpc, "Cool Cars");
    assert_eq!(c.role_type, Role::Participant);
    assert_eq!(c.session_key.as_deref(), Some("session123"));
    assert_eq!(c.user_identity.as_deref(), Some("user123"));
    assert_eq!(c.version, Some(1));
    assert_eq!((c.iat, c.exp), (NOW - 30, NOW - 30 + 7200));
}

#[tokio::test]
async fn every_documented_field_reaches_the_token() {
    let router = endpoint().router();
    let body = json!({
        "sessionName": "All Fields", "role": 0, "sessionKey": "s", "userIdentity": "ui", "userKey": "uk",
        "geoRegions": " US , de ,", "expirationSeconds": "1800", "videoWebrtcMode": 1, "audioWebRtcMode": "0",
        "cloudRecordingOption": 0, "cloudRecordingElection": 1, "cloudRecordingTranscriptOption": 2,
        "telemetryTrackingId": "tt", "unknownField": [1, 2, 3]
    });
    let (status, _, answer) = call(&router, post_json(VIDEO_TOKEN_PATH, &body)).await;
    // "de" is not a Zoom code (they are upper case, as in Zoom's sample).
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(answer["field"], "geoRegions");
    let mut body = body;
    body["geoRegions"] = json!(["US", " DE"]);
    let (status, _, answer) = call(&router, post_json(VIDEO_TOKEN_PATH, &body)).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let c = video_claims(&answer);
    assert_eq!(c.user_key.as_deref(), Some("uk"));
    assert_eq!(c.geo_regions, Some(vec![GeoRegion::Us, GeoRegion::De]));
    assert_eq!(c.exp - c.iat, 1800);
    assert_eq!(c.video_webrtc_mode, Some(true));
    assert_eq!(c.audio_webrtc_mode, Some(false));
    assert_eq!(c.cloud_recording_election, Some(true));
    assert_eq!(c.telemetry_tracking_id.as_deref(), Some("tt"));
    assert!(c.cloud_recording_transcript_option.is_some());
}

#[tokio::test]
async fn without_a_hook_host_tokens_are_refused() {
    let router = endpoint().router();
    let (status, headers, answer) = call(
        &router,
        post_json(
            VIDEO_TOKEN_PATH,
            &json!({"sessionName": "Cool Cars", "role": 1}),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(answer["error"], "forbidden");
    assert!(answer["message"]
        .as_str()
        .unwrap()
        .contains("authorisation hook"));
    assert!(answer.get("signature").is_none());
    assert_eq!(headers[header::CACHE_CONTROL], "no-store");
    // Also as a string, as Zoom's sample README sends it.
    let (status, _, _) = call(
        &router,
        post_json(
            VIDEO_TOKEN_PATH,
            &json!({"sessionName": "Cool Cars", "role": "1"}),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, _) = call(
        &router,
        post_json(
            MEETING_SIGNATURE_PATH,
            &json!({"meetingNumber": "123456789", "role": 1}),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_hook_sees_headers_and_decides() {
    let router = endpoint().authorize_fn(bearer_hook).router();
    let host = json!({"sessionName": "Cool Cars", "role": 1});

    let (status, headers, answer) = call(&router, post_json(VIDEO_TOKEN_PATH, &host)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(headers[header::WWW_AUTHENTICATE], "Bearer");
    assert_eq!(answer["error"], "unauthorized");

    let mut wrong = post_json(VIDEO_TOKEN_PATH, &host);
    wrong
        .headers_mut()
        .insert(header::AUTHORIZATION, "Bearer nope".parse().unwrap());
    assert_eq!(call(&router, wrong).await.0, StatusCode::UNAUTHORIZED);

    let authed = |body: &Value| {
        let mut r = post_json(VIDEO_TOKEN_PATH, body);
        r.headers_mut().insert(
            header::AUTHORIZATION,
            format!("Bearer {BEARER}").parse().unwrap(),
        );
        r
    };
    let (status, _, answer) = call(&router, authed(&host)).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let c = video_claims(&answer);
    assert_eq!(c.role_type, Role::Host);
    // The hook amended the request: the token names the authenticated user.
    assert_eq!(c.user_key.as_deref(), Some("user-from-auth"));

    let (status, _, answer) = call(
        &router,
        authed(&json!({"sessionName": "not-yours", "role": 0})),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(answer["error"], "forbidden");
}

/// (method, path, role) of each call the hook saw.
type Seen = Arc<Mutex<Vec<(Method, String, Option<Role>)>>>;

struct AsyncHook {
    calls: Seen,
}

impl Authorize for AsyncHook {
    async fn authorize(&self, parts: &Parts, request: TokenRequest<'_>) -> Decision {
        tokio::task::yield_now().await;
        self.calls.lock().unwrap().push((
            parts.method.clone(),
            parts.uri.path().to_owned(),
            request.role(),
        ));
        Decision::Allow
    }
}

#[tokio::test]
async fn an_async_hook_can_allow_hosts_on_both_routes() {
    let calls = Arc::new(Mutex::new(Vec::new()));
    let router = endpoint()
        .authorize(AsyncHook {
            calls: calls.clone(),
        })
        .router();
    let (status, _, answer) = call(
        &router,
        post_json(
            MEETING_SIGNATURE_PATH,
            &json!({"meetingNumber": 98765432101u64, "role": 1}),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["sdkKey"], "MEETING_KEY");
    let c = Verifier::new()
        .meeting_sdk(
            answer["signature"].as_str().unwrap(),
            &Secret::new(MEETING_SECRET).unwrap(),
            at(NOW),
        )
        .unwrap();
    assert_eq!(c.meeting_number.as_deref(), Some("98765432101"));
    assert_eq!(c.role, Some(Role::Host));
    assert_eq!(c.token_exp, c.exp);
    let (status, _, _) = call(
        &router,
        post_json(VIDEO_TOKEN_PATH, &json!({"sessionName": "s", "role": 1})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        *calls.lock().unwrap(),
        vec![
            (
                Method::POST,
                MEETING_SIGNATURE_PATH.to_owned(),
                Some(Role::Host)
            ),
            (Method::POST, VIDEO_TOKEN_PATH.to_owned(), Some(Role::Host)),
        ]
    );
}

#[tokio::test]
async fn meeting_signature_mirrors_zoom_sample() {
    let router = endpoint().router();
    let (status, _, answer) = call(
        &router,
        post_json(
            MEETING_SIGNATURE_PATH,
            &json!({"meetingNumber": "123456789", "role": 0, "expirationSeconds": 3600, "videoWebRtcMode": 1}),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let c = Verifier::new()
        .meeting_sdk(
            answer["signature"].as_str().unwrap(),
            &Secret::new(MEETING_SECRET).unwrap(),
            at(NOW),
        )
        .unwrap();
    assert_eq!(c.exp - c.iat, 3600);
    assert_eq!(c.video_webrtc_mode, Some(true));
    // Native: neither meetingNumber nor role.
    let (status, _, answer) = call(&router, post_json(MEETING_SIGNATURE_PATH, &json!({}))).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    // One without the other names the missing one.
    let (status, _, answer) = call(
        &router,
        post_json(
            MEETING_SIGNATURE_PATH,
            &json!({"meetingNumber": "123456789"}),
        ),
    )
    .await;
    assert_eq!(
        (status, &answer["field"]),
        (StatusCode::BAD_REQUEST, &json!("role"))
    );
    let (status, _, answer) = call(
        &router,
        post_json(MEETING_SIGNATURE_PATH, &json!({"role": 0})),
    )
    .await;
    assert_eq!(
        (status, &answer["field"]),
        (StatusCode::BAD_REQUEST, &json!("meetingNumber"))
    );
    let (status, _, answer) = call(
        &router,
        post_json(
            MEETING_SIGNATURE_PATH,
            &json!({"meetingNumber": "123 456 789", "role": 0}),
        ),
    )
    .await;
    assert_eq!(
        (status, &answer["field"]),
        (StatusCode::BAD_REQUEST, &json!("meetingNumber"))
    );
}

#[tokio::test]
async fn bad_fields_are_400_naming_the_field() {
    let router = endpoint().router();
    let long = "x".repeat(201);
    let cases: Vec<(Value, &str)> = vec![
        (json!({"role": 0}), "sessionName"),
        (json!({"sessionName": "s"}), "role"),
        (json!({"sessionName": "s", "role": 2}), "role"),
        (json!({"sessionName": "s", "role": "1abc"}), "role"),
        (json!({"sessionName": "s", "role": true}), "role"),
        (json!({"sessionName": 5, "role": 0}), "sessionName"),
        (json!({"sessionName": long, "role": 0}), "sessionName"),
        (json!({"sessionName": "", "role": 0}), "sessionName"),
        (json!({"sessionName": "café", "role": 0}), "sessionName"),
        (
            json!({"sessionName": "s", "role": 0, "expirationSeconds": 1799}),
            "expirationSeconds",
        ),
        (
            json!({"sessionName": "s", "role": 0, "expirationSeconds": 172_801}),
            "expirationSeconds",
        ),
        (
            json!({"sessionName": "s", "role": 0, "userIdentity": "x".repeat(36)}),
            "userIdentity",
        ),
        (
            json!({"sessionName": "s", "role": 0, "userKey": "x".repeat(37)}),
            "userKey",
        ),
        (
            json!({"sessionName": "s", "role": 0, "sessionKey": "x".repeat(37)}),
            "sessionKey",
        ),
        (
            json!({"sessionName": "s", "role": 0, "sessionKey": 12}),
            "sessionKey",
        ),
        (
            json!({"sessionName": "s", "role": 0, "geoRegions": "US,XX"}),
            "geoRegions",
        ),
        (
            json!({"sessionName": "s", "role": 0, "geoRegions": " , "}),
            "geoRegions",
        ),
        (
            json!({"sessionName": "s", "role": 0, "geoRegions": 3}),
            "geoRegions",
        ),
        (
            json!({"sessionName": "s", "role": 0, "cloudRecordingOption": 1}),
            "cloudRecordingOption",
        ),
        (
            json!({"sessionName": "s", "role": 0, "cloudRecordingElection": 2}),
            "cloudRecordingElection",
        ),
        (
            json!({"sessionName": "s", "role": 0, "videoWebRtcMode": "yes"}),
            "videoWebRtcMode",
        ),
        (
            json!({"sessionName": "s", "role": 0, "audioWebrtcMode": 5}),
            "audioWebrtcMode",
        ),
        (
            json!({"sessionName": "s", "role": 0, "cloudRecordingTranscriptOption": 3}),
            "cloudRecordingTranscriptOption",
        ),
        (json!(["sessionName", "s"]), "body"),
    ];
    for (body, field) in cases {
        let (status, headers, answer) = call(&router, post_json(VIDEO_TOKEN_PATH, &body)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body} -> {answer}");
        assert_eq!(answer["error"], "invalid_request");
        assert_eq!(answer["field"], field, "{body} -> {answer}");
        assert_eq!(answer["errors"][0]["property"], field);
        assert!(!answer["errors"][0]["reason"].as_str().unwrap().is_empty());
        assert!(answer["message"].as_str().unwrap().starts_with(field));
        assert_eq!(headers[header::CONTENT_TYPE], "application/json");
    }
    let (status, _, answer) = call(&router, post(VIDEO_TOKEN_PATH, "{\"sessionName\": ")).await;
    assert_eq!(
        (status, &answer["field"]),
        (StatusCode::BAD_REQUEST, &json!("body"))
    );
}

#[tokio::test]
async fn json_content_type_is_required() {
    let router = endpoint().router();
    let body = json!({"sessionName": "s", "role": 0}).to_string();
    for content_type in [
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        None,
    ] {
        let mut req = Request::post(VIDEO_TOKEN_PATH);
        if let Some(ct) = content_type {
            req = req.header(header::CONTENT_TYPE, ct);
        }
        let (status, _, answer) = call(&router, req.body(Body::from(body.clone())).unwrap()).await;
        assert_eq!(
            status,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "{content_type:?}"
        );
        assert_eq!(answer["error"], "unsupported_media_type");
    }
    let req = Request::post(VIDEO_TOKEN_PATH)
        .header(header::CONTENT_TYPE, "Application/JSON; charset=utf-8")
        .body(Body::from(body))
        .unwrap();
    assert_eq!(call(&router, req).await.0, StatusCode::OK);
}

#[tokio::test]
async fn bodies_are_size_limited() {
    let router = endpoint().body_limit(256).router();
    let big = json!({"sessionName": "s", "role": 0, "pad": "x".repeat(300)}).to_string();
    // With a Content-Length...
    let mut req = post(VIDEO_TOKEN_PATH, big.clone());
    req.headers_mut().insert(
        header::CONTENT_LENGTH,
        big.len().to_string().parse().unwrap(),
    );
    let (status, _, answer) = call(&router, req).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(answer["error"], "payload_too_large");
    // ... and streamed without one.
    let stream = futures::stream::iter(
        big.into_bytes()
            .chunks(64)
            .map(|c| Ok::<_, std::io::Error>(c.to_vec()))
            .collect::<Vec<_>>(),
    );
    let req = post(VIDEO_TOKEN_PATH, Body::from_stream(stream));
    assert_eq!(call(&router, req).await.0, StatusCode::PAYLOAD_TOO_LARGE);
    // The default is 4 KiB.
    let router = endpoint().router();
    let big = json!({"sessionName": "s", "role": 0, "pad": "x".repeat(5000)});
    assert_eq!(
        call(&router, post_json(VIDEO_TOKEN_PATH, &big)).await.0,
        StatusCode::PAYLOAD_TOO_LARGE
    );
}

fn preflight(origin: &str) -> Request<Body> {
    Request::builder()
        .method(Method::OPTIONS)
        .uri(VIDEO_TOKEN_PATH)
        .header(header::ORIGIN, origin)
        .header(header::ACCESS_CONTROL_REQUEST_METHOD, "POST")
        .header(header::ACCESS_CONTROL_REQUEST_HEADERS, "content-type")
        .body(Body::empty())
        .unwrap()
}

#[tokio::test]
async fn cors_is_off_by_default() {
    let router = endpoint().router();
    let (status, headers, _) = call(&router, preflight("https://evil.example")).await;
    assert_ne!(status, StatusCode::OK);
    assert!(headers.get(header::ACCESS_CONTROL_ALLOW_ORIGIN).is_none());
    let mut req = post_json(VIDEO_TOKEN_PATH, &json!({"sessionName": "s", "role": 0}));
    req.headers_mut()
        .insert(header::ORIGIN, "https://evil.example".parse().unwrap());
    let (status, headers, _) = call(&router, req).await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers.get(header::ACCESS_CONTROL_ALLOW_ORIGIN).is_none());
}

#[tokio::test]
async fn cors_allows_exactly_the_configured_origins() {
    let router = endpoint()
        .cors_allow_origin(CorsOrigin::parse("https://App.Example.com").unwrap())
        .cors_allow_origin(CorsOrigin::parse("http://localhost:3000").unwrap())
        .router();
    for origin in ["https://app.example.com", "http://localhost:3000"] {
        let (status, headers, _) = call(&router, preflight(origin)).await;
        assert!(status.is_success(), "{status}");
        assert_eq!(headers[header::ACCESS_CONTROL_ALLOW_ORIGIN], origin);
        let methods = headers[header::ACCESS_CONTROL_ALLOW_METHODS]
            .to_str()
            .unwrap();
        assert_eq!(methods, "POST");
        assert!(headers
            .get(header::ACCESS_CONTROL_ALLOW_CREDENTIALS)
            .is_none());
    }
    let (_, headers, _) = call(&router, preflight("https://evil.example")).await;
    assert!(headers.get(header::ACCESS_CONTROL_ALLOW_ORIGIN).is_none());
    let mut req = post_json(VIDEO_TOKEN_PATH, &json!({"sessionName": "s", "role": 0}));
    req.headers_mut()
        .insert(header::ORIGIN, "https://app.example.com".parse().unwrap());
    let (status, headers, _) = call(&router, req).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        headers[header::ACCESS_CONTROL_ALLOW_ORIGIN],
        "https://app.example.com"
    );
}

#[test]
fn wildcard_and_odd_origins_cannot_be_configured() {
    for bad in [
        "*",
        "https://*.example.com",
        "null",
        "app.example.com",
        "https://app.example.com/",
        "https://app.example.com/path",
        "https://user@app.example.com",
        "ftp://app.example.com",
        "https://",
        "https://a.com\r\nX: y",
    ] {
        assert!(CorsOrigin::parse(bad).is_err(), "{bad}");
    }
    assert_eq!(
        CorsOrigin::parse("https://[::1]:8443").unwrap().as_str(),
        "https://[::1]:8443"
    );
}

#[tokio::test]
async fn wrong_method_and_unconfigured_routes() {
    let router = endpoint().router();
    let (status, _, _) = call(
        &router,
        Request::get(VIDEO_TOKEN_PATH).body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    let video_only = TokenEndpoint::new()
        .video_sdk("K", Secret::new("s").unwrap())
        .router();
    let (status, _, _) = call(&video_only, post_json(MEETING_SIGNATURE_PATH, &json!({}))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_misconfigured_key_is_a_500_not_the_callers_fault() {
    let router = TokenEndpoint::new()
        .video_sdk("", Secret::new("s").unwrap())
        .router();
    let (status, _, answer) = call(
        &router,
        post_json(VIDEO_TOKEN_PATH, &json!({"sessionName": "s", "role": 0})),
    )
    .await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(answer["error"], "server_misconfigured");
}

#[tokio::test]
async fn a_hook_that_breaks_the_claims_is_a_500() {
    let router = endpoint()
        .authorize_fn(|_, request| {
            if let TokenRequest::VideoSdk(r) = request {
                r.user_key = Some("x".repeat(100));
            }
            Decision::Allow
        })
        .router();
    let (status, _, answer) = call(
        &router,
        post_json(VIDEO_TOKEN_PATH, &json!({"sessionName": "s", "role": 0})),
    )
    .await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(answer.get("signature").is_none());
}

#[derive(Clone)]
struct AppState {
    name: &'static str,
}

#[tokio::test]
async fn mounts_in_one_line_into_an_app_with_state() {
    let app: Router = Router::new()
        .route(
            "/hello",
            axum::routing::get(
                |axum::extract::State(s): axum::extract::State<AppState>| async move { s.name },
            ),
        )
        .merge(endpoint().router())
        .with_state(AppState { name: "app" });
    let (status, _, _) = call(
        &app,
        post_json(VIDEO_TOKEN_PATH, &json!({"sessionName": "s", "role": 0})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _, body) = call(&app, Request::get("/hello").body(Body::empty()).unwrap()).await;
    assert_eq!((status, body), (StatusCode::OK, json!("app")));
}

#[tokio::test]
async fn backdate_is_configurable_and_keeps_the_lifetime() {
    let router = endpoint().backdate(Duration::ZERO).router();
    let (_, _, answer) = call(
        &router,
        post_json(
            VIDEO_TOKEN_PATH,
            &json!({"sessionName": "s", "role": 0, "expirationSeconds": 172_800}),
        ),
    )
    .await;
    let c = video_claims(&answer);
    assert_eq!((c.iat, c.exp), (NOW, NOW + 172_800));
}
