//! The server half of zoomkit: Zoom tokens, exact, fast and safe by default.
//!
//! Every join starts with a token. This crate signs and verifies the three
//! HS256 tokens Zoom's web products use, and serves them from an endpoint a
//! Rust back end mounts in one line.
//!
//! | | Sign | Verify | Signed with |
//! |---|---|---|---|
//! | Video SDK JWT (`client.join(topic, token, ...)`) | [`token::VideoSdkToken`] | [`token::Verifier::video_sdk`] | Video SDK secret |
//! | Meeting SDK signature (`ZoomMtg.join({ signature })`) | [`token::MeetingSdkSignature`] | [`token::Verifier::meeting_sdk`] | Meeting SDK client secret |
//! | Video SDK REST API JWT (`Authorization: Bearer`) | [`token::VideoSdkApiToken`] | [`token::Verifier::video_sdk_api`] | Video SDK API secret |
//!
//! # Signing
//!
//! Builders take every documented claim (for the Video SDK: `app_key`,
//! `role_type`, `tpc`, `version`, `iat`, `exp`, `user_key` and the legacy
//! `user_identity`, `session_key`, `geo_regions`, `cloud_recording_*`,
//! `telemetry_tracking_id`, `video_webrtc_mode`, `audio_webrtc_mode`), check
//! each against Zoom's documented limits and end in `.sign(&secret, now)`.
//! A broken rule is an [`token::InvalidClaim`] naming the claim
//! ([`token::Field`]), never a token Zoom will reject at join time.
//!
//! Time is an argument. `iat` is backdated 30 seconds by default (clock skew
//! is the top cause of "signature is invalid") while `exp - iat` stays
//! exactly the requested lifetime, inside Zoom's 30 minute to 48 hour window.
//! Secrets are a [`token::Secret`], whose `Debug` and `Display` print `***`;
//! the key is hashed into HMAC state once and cloned per signature.
//!
//! ```
//! use std::time::{Duration, SystemTime};
//! use zoomkit_server::token::{GeoRegion, Role, Secret, Verifier, VideoSdkToken};
//!
//! let secret = Secret::new("your-video-sdk-secret")?;
//! let now = SystemTime::now();
//! let jwt = VideoSdkToken::new("YOUR_VIDEO_SDK_KEY", "Cool Cars", Role::Participant)
//!     .user_key("customer-acme-001")
//!     .geo_regions([GeoRegion::Us, GeoRegion::De])
//!     .video_webrtc_mode(true)
//!     .valid_for(Duration::from_secs(2 * 60 * 60))
//!     .sign(&secret, now)?;
//!
//! // The same crate verifies it: HS256 only, constant-time, claims re-checked.
//! let claims = Verifier::new().video_sdk(&jwt, &secret, now)?;
//! assert_eq!((claims.tpc.as_str(), claims.role_type), ("Cool Cars", Role::Participant));
//!
//! // Out-of-range input is refused by name, before anything is signed.
//! let err = VideoSdkToken::new("YOUR_VIDEO_SDK_KEY", "x".repeat(201), Role::Host)
//!     .sign(&secret, now)
//!     .unwrap_err();
//! assert_eq!(err.field().claim(), "tpc");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Verification
//!
//! [`token::Verifier`] refuses `alg: none` and every algorithm but HS256
//! whatever the header says, compares the signature in constant time, checks
//! `exp` and `iat` against the `now` you pass (with a leeway, 60 s by
//! default), and re-validates every claim. Errors are typed
//! ([`token::VerifyError`]): malformed, wrong algorithm, bad signature,
//! expired, not yet valid, invalid claim (with the field). Zoom's two
//! published test vectors verify when `now` is inside their (long past)
//! window.
//!
//! # Webhooks
//!
//! [`webhook`] verifies Zoom, Calendly and Cal.com deliveries on the exact
//! bytes received, without a web framework: HMAC-SHA256 compared in
//! constant time after a length check, a replay window (300 s both ways by
//! default) where the provider signs a timestamp, several secrets at once
//! for rotation, a body size limit, `now` as an argument, and typed errors
//! with a stable `reason()` and an HTTP `status()`. A verified delivery
//! carries its event name and a dedupe key (how each is derived is in the
//! module docs); typed payloads are parsed only after verification, and
//! unknown events are kept raw.
//!
//! # The token endpoint (feature `axum`, on by default)
//!
//! `endpoint::TokenEndpoint` builds an axum `Router` with
//! `POST /api/zoom/video-token` and `POST /api/zoom/meeting-signature`. They
//! accept the JSON bodies of Zoom's official auth endpoint samples
//! (`sessionName`, `role`, `sessionKey`, `userIdentity`, `geoRegions`,
//! `expirationSeconds`, `videoWebRtcMode`, `audioWebRtcMode`,
//! `cloudRecordingOption`, `cloudRecordingElection`; and `meetingNumber`,
//! `role`, `expirationSeconds`, `videoWebRtcMode`) and answer
//! `{"signature": "<jwt>"}`, so an existing front end switches by changing a
//! URL. Unlike the samples, which hand a host token to anyone who asks:
//!
//! - without an authorisation hook, `role: 1` (host) is refused (403); the
//!   hook sees the request (headers, URI, extensions) and the validated body,
//!   may amend it, and allows, refuses (403) or asks for authentication (401);
//! - a bad body is a 400 whose JSON names the field; bodies are size-limited
//!   and must be `application/json`;
//! - CORS is off unless origins are listed, and `*` cannot be listed;
//! - logs never contain a secret, a token or a header.
//!
//! ```
//! # #[cfg(feature = "axum")]
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use axum::body::Body;
//! use axum::http::{header, Request, StatusCode};
//! use axum::Router;
//! use tower::ServiceExt as _; // for `oneshot`
//! use zoomkit_server::endpoint::{CorsOrigin, Decision, TokenEndpoint};
//! use zoomkit_server::token::Secret;
//!
//! let tokens = TokenEndpoint::new()
//!     .video_sdk("YOUR_VIDEO_SDK_KEY", Secret::new("your-video-sdk-secret")?)
//!     .cors_allow_origin(CorsOrigin::parse("https://app.example.com")?)
//!     // Your session check goes here; without a hook, hosts are refused.
//!     .authorize_fn(|parts, _request| match parts.headers.get(header::AUTHORIZATION) {
//!         Some(_) => Decision::Allow, // e.g. look the bearer up in your sessions
//!         None => Decision::Unauthorized,
//!     });
//! let app: Router = Router::new().merge(tokens.router()); // the one line
//!
//! // Serve it with `axum::serve(listener, app)`; here it is called directly.
//! let request = Request::post("/api/zoom/video-token")
//!     .header(header::CONTENT_TYPE, "application/json")
//!     .header(header::AUTHORIZATION, "Bearer a-signed-in-user")
//!     .body(Body::from(r#"{"sessionName": "Cool Cars", "role": 0}"#))?;
//! let response = tokio::runtime::Runtime::new()?.block_on(app.oneshot(request))?;
//! assert_eq!(response.status(), StatusCode::OK); // {"signature": "eyJ..."}
//! # Ok(())
//! # }
//! # #[cfg(not(feature = "axum"))]
//! # fn main() {}
//! ```
//!
//! Depend with `default-features = false` to get only [`token`], without
//! axum, tower-http and tracing.
//!
//! # The service (feature `service`, on by default)
//!
//! The `zoomkit-server` binary (`zoomkit-server serve | migrate | inbox
//! list | inbox retry <job>`) serves the webhook receiver, the token
//! endpoint, `/healthz` and `/readyz`, and runs the inbox workers, on SQLite
//! or PostgreSQL (feature `postgres`). Its settings are one typed
//! `service::Config` read from the environment and an optional TOML file;
//! an axum app mounts the same receiver in one line with
//! `service::WebhookReceiver::new(store).zoom(..).calendly(..).calcom(..).router()`.
//! See the `service` module.
//!
//! # Outbound HTTP (in progress)
//!
//! [`http`] is the layer every vendor client will go through: typed vendor
//! errors, `Retry-After` and Zoom's daily-cap 429s, pacing budgets per key
//! (Zoom's categories and per-host caps), the retry policy and a breaker,
//! all pure with time as an argument; with the feature `http-client`, a
//! first reqwest executor around them. The Zoom clients on top are not
//! built yet.
//!
//! # Example server and bench
//!
//! - `cargo run -p zoomkit-server --example token_server` serves the endpoint
//!   on 127.0.0.1 (`PORT`, default 4000) from `ZOOM_VIDEO_SDK_KEY` and
//!   `ZOOM_VIDEO_SDK_SECRET`, with a bearer-token hook when
//!   `ZOOMKIT_DEMO_BEARER` is set.
//! - `cargo run --release -p zoomkit-server --example bench_tokens` (run by
//!   `cargo xtask bench tokens`) compares signing and verification throughput
//!   with Zoom's sample code path (jsrsasign) and Node's built-in crypto in
//!   the same run, on the same payload.
//!
//! # Where this differs from Zoom's samples, on purpose
//!
//! - Verification accepts a Video SDK token without `version`, because Zoom's
//!   own published vector has none; tokens we sign always carry `version: 1`.
//! - `tpc` is limited to visible ASCII and space (at most 200), as Zoom
//!   documents; the sample checks only the length.
//! - The secret is keyed as its UTF-8 bytes, as Zoom does. jsrsasign, which
//!   the samples use, reads a string key made only of an even number of hex
//!   digits as hex instead.
#![cfg_attr(docsrs, feature(doc_cfg))]
#![forbid(unsafe_code)]

pub mod bridge;
mod civil;
pub mod http;
pub mod token;
pub mod webhook;

#[cfg(feature = "zoom")]
#[cfg_attr(docsrs, doc(cfg(feature = "zoom")))]
pub mod zoom;

#[cfg(feature = "testing")]
#[cfg_attr(docsrs, doc(cfg(feature = "testing")))]
pub mod testing;

#[cfg(feature = "axum")]
#[cfg_attr(docsrs, doc(cfg(feature = "axum")))]
pub mod endpoint;

#[cfg(any(feature = "sqlite", feature = "postgres"))]
#[cfg_attr(docsrs, doc(cfg(any(feature = "sqlite", feature = "postgres"))))]
pub mod store;

#[cfg(all(feature = "calendly", any(feature = "sqlite", feature = "postgres")))]
#[cfg_attr(
    docsrs,
    doc(cfg(all(feature = "calendly", any(feature = "sqlite", feature = "postgres"))))
)]
pub mod calendly;

#[cfg(all(feature = "calcom", any(feature = "sqlite", feature = "postgres")))]
#[cfg_attr(
    docsrs,
    doc(cfg(all(feature = "calcom", any(feature = "sqlite", feature = "postgres"))))
)]
pub mod calcom;

#[cfg(all(feature = "service", any(feature = "sqlite", feature = "postgres")))]
#[cfg_attr(
    docsrs,
    doc(cfg(all(feature = "service", any(feature = "sqlite", feature = "postgres"))))
)]
pub mod service;
