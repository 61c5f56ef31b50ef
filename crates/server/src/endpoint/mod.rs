//! A token endpoint for Rust back ends (feature `axum`, on by default).
//!
//! Two routes, drop-in replacements for Zoom's Node samples (same JSON body,
//! same `{"signature": ...}` answer), so a front end switches by changing a
//! URL:
//!
//! | Route | Body (camelCase, as in Zoom's sample) | Answer |
//! |---|---|---|
//! | `POST` [`VIDEO_TOKEN_PATH`] | `sessionName`, `role`, `sessionKey`, `userIdentity`, `geoRegions`, `expirationSeconds`, `videoWebRtcMode`, `audioWebRtcMode`, `cloudRecordingOption`, `cloudRecordingElection` (also `userKey`, `telemetryTrackingId`, `cloudRecordingTranscriptOption`) | `{"signature": "<Video SDK JWT>"}` |
//! | `POST` [`MEETING_SIGNATURE_PATH`] | `meetingNumber`, `role`, `expirationSeconds`, `videoWebRtcMode` | `{"signature": "<Meeting SDK JWT>", "sdkKey": "..."}` |
//!
//! Unlike the samples, it is safe by default:
//!
//! - **Host tokens need a decision.** Without an authorisation hook
//!   ([`TokenEndpoint::authorize`] / [`TokenEndpoint::authorize_fn`]) any
//!   request for `role: 1` is refused with 403. With one, the hook sees the
//!   request's headers, URI and extensions and the validated body, may change
//!   the body (pin `userKey` to the signed-in user, force a session name),
//!   and answers [`Decision::Allow`], [`Decision::Unauthorized`] (401) or
//!   [`Decision::Forbidden`] (403).
//! - **Bad input is a 400 naming the property**:
//!   `{"error": "invalid_request", "field": "role", "message": "...", "errors": [{"property": "role", "reason": "..."}]}`
//!   (`errors` has the shape Zoom's samples answer with).
//! - `Content-Type: application/json` is required (415 otherwise), so a
//!   cross-site form cannot post without a CORS preflight; bodies are limited
//!   to 4 KiB by default (413).
//! - **CORS is off** unless origins are listed with
//!   [`TokenEndpoint::cors_allow_origin`]; `*` cannot be configured.
//! - Answers carry `Cache-Control: no-store`. Logs (via `tracing`) record the
//!   route, role and outcome, never a secret, token or header.
//!
//! Order of checks: content type, size, JSON and fields (400), the hook or the
//! default policy (401/403), then signing.

mod request;
pub mod settings;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use serde_json::json;
use tower_http::cors::{AllowOrigin, CorsLayer};

pub use request::{MeetingSignatureRequest, VideoTokenRequest};

use crate::token::{InvalidClaim, Role, Secret, DEFAULT_BACKDATE};
use request::{property_of, BodyError};

/// Where the Video SDK token route is mounted.
pub const VIDEO_TOKEN_PATH: &str = "/api/zoom/video-token";
/// Where the Meeting SDK signature route is mounted.
pub const MEETING_SIGNATURE_PATH: &str = "/api/zoom/meeting-signature";
/// Default request body limit.
pub const DEFAULT_BODY_LIMIT: usize = 4 * 1024;

/// What the authorisation hook decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Decision {
    /// Sign the (possibly amended) request.
    Allow,
    /// 401: the caller is not authenticated.
    Unauthorized,
    /// 403: the caller may not have this role or session.
    Forbidden,
}

/// The validated body handed to the hook, which may amend it.
#[derive(Debug)]
#[non_exhaustive]
pub enum TokenRequest<'a> {
    /// A request on [`VIDEO_TOKEN_PATH`].
    VideoSdk(&'a mut VideoTokenRequest),
    /// A request on [`MEETING_SIGNATURE_PATH`].
    MeetingSdk(&'a mut MeetingSignatureRequest),
}

impl TokenRequest<'_> {
    /// The role asked for (`None` for a native Meeting SDK signature, which
    /// carries no role).
    #[must_use]
    pub fn role(&self) -> Option<Role> {
        match self {
            TokenRequest::VideoSdk(r) => Some(r.role),
            TokenRequest::MeetingSdk(r) => r.role,
        }
    }
}

/// An authorisation hook that may wait (a session store, a database).
///
/// For a synchronous check, [`TokenEndpoint::authorize_fn`] takes a closure.
///
/// ```
/// use axum::http::request::Parts;
/// use zoomkit_server::endpoint::{Authorize, Decision, TokenRequest};
///
/// struct Bookings; // e.g. a handle to your database
///
/// impl Authorize for Bookings {
///     async fn authorize(&self, parts: &Parts, request: TokenRequest<'_>) -> Decision {
///         let Some(user) = parts.headers.get("x-user") else { return Decision::Unauthorized };
///         match request {
///             TokenRequest::VideoSdk(r) => {
///                 // Only the session's owner hosts; everyone is known by id.
///                 r.user_key = user.to_str().ok().map(str::to_owned);
///                 if r.role == zoomkit_server::token::Role::Host && r.session_name != "owned-by-this-user" {
///                     return Decision::Forbidden;
///                 }
///                 Decision::Allow
///             }
///             _ => Decision::Forbidden,
///         }
///     }
/// }
/// ```
pub trait Authorize: Send + Sync + 'static {
    /// Decides on one request. `parts` has the method, URI, headers and
    /// extensions (where an auth middleware may have put the user).
    fn authorize(
        &self,
        parts: &Parts,
        request: TokenRequest<'_>,
    ) -> impl Future<Output = Decision> + Send;
}

type BoxFuture<'a> = Pin<Box<dyn Future<Output = Decision> + Send + 'a>>;

/// `Authorize` made object-safe.
trait DynAuthorize: Send + Sync {
    fn call<'a>(&'a self, parts: &'a Parts, request: TokenRequest<'a>) -> BoxFuture<'a>;
}

impl<A: Authorize> DynAuthorize for A {
    fn call<'a>(&'a self, parts: &'a Parts, request: TokenRequest<'a>) -> BoxFuture<'a> {
        Box::pin(self.authorize(parts, request))
    }
}

struct FnHook<F>(F);

impl<F> Authorize for FnHook<F>
where
    F: Fn(&Parts, TokenRequest<'_>) -> Decision + Send + Sync + 'static,
{
    fn authorize(
        &self,
        parts: &Parts,
        request: TokenRequest<'_>,
    ) -> impl Future<Output = Decision> + Send {
        std::future::ready((self.0)(parts, request))
    }
}

/// An origin allowed to call the endpoint from a browser, such as
/// `https://app.example.com` or `http://localhost:3000`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CorsOrigin(HeaderValue);

/// An origin string that cannot be allowed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot allow CORS origin {origin:?}: {reason}")]
pub struct InvalidOrigin {
    origin: String,
    reason: &'static str,
}

impl CorsOrigin {
    /// Parses `scheme://host[:port]`: `http` or `https`, no path, no `*`,
    /// not `null`. Lower-cased, as browsers send it.
    pub fn parse(origin: &str) -> Result<Self, InvalidOrigin> {
        let fail = |reason| InvalidOrigin {
            origin: origin.chars().take(100).collect(),
            reason,
        };
        if origin.contains('*') {
            return Err(fail("wildcards are never allowed; list each origin"));
        }
        let lower = origin.to_ascii_lowercase();
        let rest = lower
            .strip_prefix("https://")
            .or_else(|| lower.strip_prefix("http://"))
            .ok_or_else(|| fail("must start with https:// or http://"))?;
        if rest.is_empty()
            || !rest
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']'))
        {
            return Err(fail(
                "must be scheme://host[:port], without path, query or user",
            ));
        }
        HeaderValue::from_str(&lower)
            .map(CorsOrigin)
            .map_err(|_| fail("is not a valid header value"))
    }

    /// The origin as sent in `Access-Control-Allow-Origin`.
    #[must_use]
    pub fn as_str(&self) -> &str {
        self.0.to_str().unwrap_or_default()
    }
}

struct Keys {
    key: String,
    secret: Secret,
}

type Clock = Arc<dyn Fn() -> SystemTime + Send + Sync>;

/// Configures and builds the token router.
///
/// ```
/// use axum::Router;
/// use zoomkit_server::endpoint::TokenEndpoint;
/// use zoomkit_server::token::Secret;
///
/// let secret = Secret::new("video-sdk-secret")?;
/// // One line in your app: participants only, until you add a hook.
/// let app: Router = Router::new().merge(TokenEndpoint::new().video_sdk("VIDEO_SDK_KEY", secret).router());
/// # Ok::<(), zoomkit_server::token::EmptySecret>(())
/// ```
#[must_use]
pub struct TokenEndpoint {
    video: Option<Keys>,
    meeting: Option<Keys>,
    hook: Option<Arc<dyn DynAuthorize>>,
    origins: Vec<HeaderValue>,
    body_limit: usize,
    backdate: Duration,
    clock: Clock,
}

impl Default for TokenEndpoint {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for TokenEndpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenEndpoint")
            .field("video_sdk_key", &self.video.as_ref().map(|k| &k.key))
            .field("meeting_sdk_key", &self.meeting.as_ref().map(|k| &k.key))
            .field("hook", &self.hook.is_some())
            .field("origins", &self.origins)
            .field("body_limit", &self.body_limit)
            .finish_non_exhaustive()
    }
}

impl TokenEndpoint {
    /// No routes yet; add [`video_sdk`](Self::video_sdk) and/or
    /// [`meeting_sdk`](Self::meeting_sdk).
    pub fn new() -> Self {
        Self {
            video: None,
            meeting: None,
            hook: None,
            origins: Vec::new(),
            body_limit: DEFAULT_BODY_LIMIT,
            backdate: DEFAULT_BACKDATE,
            clock: Arc::new(SystemTime::now),
        }
    }

    /// Serves [`VIDEO_TOKEN_PATH`], signing with the Video SDK key and secret.
    pub fn video_sdk(mut self, sdk_key: impl Into<String>, secret: Secret) -> Self {
        self.video = Some(Keys {
            key: sdk_key.into(),
            secret,
        });
        self
    }

    /// Serves [`MEETING_SIGNATURE_PATH`], signing with the Meeting SDK client
    /// id and secret.
    pub fn meeting_sdk(mut self, client_id: impl Into<String>, secret: Secret) -> Self {
        self.meeting = Some(Keys {
            key: client_id.into(),
            secret,
        });
        self
    }

    /// Puts every request through `hook`, which then alone decides who gets
    /// which role: the built-in "no host tokens" rule no longer applies.
    pub fn authorize(mut self, hook: impl Authorize) -> Self {
        self.hook = Some(Arc::new(hook));
        self
    }

    /// [`authorize`](Self::authorize) with a synchronous closure.
    pub fn authorize_fn<F>(self, hook: F) -> Self
    where
        F: Fn(&Parts, TokenRequest<'_>) -> Decision + Send + Sync + 'static,
    {
        self.authorize(FnHook(hook))
    }

    /// Lets browsers on `origin` call the endpoint (CORS, `POST` with
    /// `Content-Type` and `Authorization` headers; no credentials mode).
    pub fn cors_allow_origin(mut self, origin: CorsOrigin) -> Self {
        self.origins.push(origin.0);
        self
    }

    /// Largest accepted body in bytes (default [`DEFAULT_BODY_LIMIT`]).
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.body_limit = bytes;
        self
    }

    /// How far `iat` is put before now (default 30 s); `exp - iat` is still
    /// exactly the requested expiration.
    pub fn backdate(mut self, backdate: Duration) -> Self {
        self.backdate = backdate;
        self
    }

    /// Where "now" comes from (default [`SystemTime::now`]); for tests.
    pub fn clock(mut self, now: impl Fn() -> SystemTime + Send + Sync + 'static) -> Self {
        self.clock = Arc::new(now);
        self
    }

    /// The router, ready to `merge` into an app with any state type.
    pub fn router<S: Clone + Send + Sync + 'static>(mut self) -> Router<S> {
        let origins = std::mem::take(&mut self.origins);
        let shared = Arc::new(self);
        let mut router = Router::new();
        if shared.video.is_some() {
            router = router.route(VIDEO_TOKEN_PATH, post(video_token));
        }
        if shared.meeting.is_some() {
            router = router.route(MEETING_SIGNATURE_PATH, post(meeting_signature));
        }
        let router = router.with_state(shared);
        if origins.is_empty() {
            return router;
        }
        router.layer(
            CorsLayer::new()
                .allow_origin(AllowOrigin::list(origins))
                .allow_methods([Method::POST])
                .allow_headers([header::CONTENT_TYPE, header::AUTHORIZATION])
                .max_age(Duration::from_secs(600)),
        )
    }
}

/// A JSON answer that no cache keeps.
fn answer(status: StatusCode, body: &serde_json::Value) -> Response {
    let mut r = (status, body.to_string()).into_response();
    let headers = r.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

fn error(status: StatusCode, code: &str, message: &str) -> Response {
    answer(status, &json!({"error": code, "message": message}))
}

fn bad_field(property: &str, reason: &str) -> Response {
    let message = format!("{property} {reason}");
    let body = json!({
        "error": "invalid_request",
        "field": property,
        "message": message,
        "errors": [{"property": property, "reason": reason}],
    });
    answer(StatusCode::BAD_REQUEST, &body)
}

fn claim_error(route: &'static str, e: &InvalidClaim) -> Response {
    match property_of(e) {
        Some(property) => {
            tracing::info!(
                route,
                field = property,
                "zoom token request refused: invalid field"
            );
            bad_field(property, &e.problem().to_string())
        }
        None => {
            tracing::error!(route, claim = %e.field(), "zoom token endpoint misconfigured: {e}");
            error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "server_misconfigured",
                "the token endpoint is misconfigured; see the server log",
            )
        }
    }
}

/// Content type, then size: the body as bytes, or the answer to send.
async fn read_body(
    route: &'static str,
    body: Body,
    parts: &Parts,
    limit: usize,
) -> Result<Bytes, Response> {
    let json = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"));
    if !json {
        tracing::info!(route, "zoom token request refused: not JSON");
        return Err(error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "send the body as JSON with Content-Type: application/json",
        ));
    }
    let too_large = || {
        tracing::info!(route, limit, "zoom token request refused: body too large");
        error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            "the request body is too large",
        )
    };
    let declared = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(too_large());
    }
    match axum::body::to_bytes(body, limit).await {
        Ok(b) => Ok(b),
        Err(e) if is_length_limit(&e) => Err(too_large()),
        Err(_) => Err(error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "could not read the request body",
        )),
    }
}

fn is_length_limit(e: &axum::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(s) = source {
        if s.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        source = s.source();
    }
    false
}

async fn decide(
    endpoint: &TokenEndpoint,
    route: &'static str,
    parts: &Parts,
    request: TokenRequest<'_>,
) -> Result<(), Response> {
    let role = request.role();
    let decision = match &endpoint.hook {
        Some(hook) => hook.call(parts, request).await,
        // Zoom's sample hands a host token to anyone who asks; without an
        // app that has decided who may host, nobody gets one.
        None if role == Some(Role::Host) => Decision::Forbidden,
        None => Decision::Allow,
    };
    let role = role.map(Role::as_u8);
    match decision {
        Decision::Allow => Ok(()),
        Decision::Unauthorized => {
            tracing::info!(route, role, "zoom token request refused: unauthorized");
            let mut r = error(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "authentication is required",
            );
            r.headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            Err(r)
        }
        Decision::Forbidden => {
            tracing::info!(route, role, "zoom token request refused: forbidden");
            let message = if endpoint.hook.is_none() {
                "host tokens (role 1) are only issued when the server has an authorisation hook that allows them"
            } else {
                "not allowed to join with this role or session"
            };
            Err(error(StatusCode::FORBIDDEN, "forbidden", message))
        }
    }
}

async fn video_token(State(endpoint): State<Arc<TokenEndpoint>>, request: Request) -> Response {
    const ROUTE: &str = VIDEO_TOKEN_PATH;
    let Some(keys) = &endpoint.video else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let (parts, body) = request.into_parts();
    let mut req = match parse_body(&endpoint, ROUTE, body, &parts, VideoTokenRequest::parse).await {
        Ok(r) => r,
        Err(r) => return r,
    };
    let now = (endpoint.clock)();
    if let Err(e) = req.token(&keys.key, endpoint.backdate).claims(now) {
        return claim_error(ROUTE, &e);
    }
    if let Err(r) = decide(&endpoint, ROUTE, &parts, TokenRequest::VideoSdk(&mut req)).await {
        return r;
    }
    let signed = req
        .token(&keys.key, endpoint.backdate)
        .sign(&keys.secret, now);
    answer_signed(ROUTE, signed, |jwt| {
        tracing::info!(
            route = ROUTE,
            role = req.role.as_u8(),
            "issued zoom video sdk token"
        );
        json!({ "signature": jwt })
    })
}

async fn meeting_signature(
    State(endpoint): State<Arc<TokenEndpoint>>,
    request: Request,
) -> Response {
    const ROUTE: &str = MEETING_SIGNATURE_PATH;
    let Some(keys) = &endpoint.meeting else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let (parts, body) = request.into_parts();
    let mut req = match parse_body(
        &endpoint,
        ROUTE,
        body,
        &parts,
        MeetingSignatureRequest::parse,
    )
    .await
    {
        Ok(r) => r,
        Err(r) => return r,
    };
    let now = (endpoint.clock)();
    if let Err(e) = req.signature(&keys.key, endpoint.backdate).claims(now) {
        return claim_error(ROUTE, &e);
    }
    if let Err(r) = decide(&endpoint, ROUTE, &parts, TokenRequest::MeetingSdk(&mut req)).await {
        return r;
    }
    let signed = req
        .signature(&keys.key, endpoint.backdate)
        .sign(&keys.secret, now);
    answer_signed(ROUTE, signed, |jwt| {
        tracing::info!(
            route = ROUTE,
            role = req.role.map(Role::as_u8),
            "issued zoom meeting sdk signature"
        );
        json!({ "signature": jwt, "sdkKey": keys.key })
    })
}

/// Reads the body (content type and size checked) and parses it; a refusal
/// is the answer to send, logged without the body.
async fn parse_body<T>(
    endpoint: &TokenEndpoint,
    route: &'static str,
    body: Body,
    parts: &Parts,
    parse: fn(&[u8]) -> Result<T, BodyError>,
) -> Result<T, Response> {
    let bytes = read_body(route, body, parts, endpoint.body_limit).await?;
    parse(&bytes).map_err(|BodyError { property, reason }| {
        tracing::info!(
            route,
            field = property,
            "zoom token request refused: invalid field"
        );
        bad_field(property, &reason)
    })
}

/// 200 with `body(jwt)`, or a 500 when signing failed. Signing can only fail
/// if the authorisation hook amended the request into something invalid:
/// the caller did nothing wrong.
fn answer_signed(
    route: &'static str,
    signed: Result<String, InvalidClaim>,
    body: impl FnOnce(&str) -> serde_json::Value,
) -> Response {
    match signed {
        Ok(jwt) => answer(StatusCode::OK, &body(&jwt)),
        Err(e) => {
            tracing::error!(route, claim = %e.field(), "authorisation hook produced an invalid claim: {e}");
            error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "server_error",
                "the token could not be signed; see the server log",
            )
        }
    }
}
