//! Zoom's REST APIs (feature `zoom`): Server-to-Server OAuth, meetings,
//! cloud recordings and the Video SDK REST API, every call through
//! [`crate::http`] (pacing under the account's limits, 429 and
//! `Retry-After`, safe retries, the breaker, typed errors).
//!
//! - [`ZoomClient`]: the Meetings API with an `account_credentials` token,
//!   cached and refreshed [`ZoomConfig::refresh_ahead`] (5 minutes) before it
//!   expires, one refresh in flight however many callers wait; an answer
//!   401 / code 124 drops the token and sends the call once more with a
//!   fresh one.
//! - [`VideoSdkClient`]: the Video SDK REST API, each call with a short JWT
//!   signed from the API key and secret by [`crate::token::VideoSdkApiToken`].
//!
//! Every method is named after Zoom's `operationId`s in its doc comment; the
//! operations, parameters and fields are checked against Zoom's own OpenAPI
//! documents by `tests/zoom_spec.rs`. Meeting ids are `u64` end to end
//! (serde reads JSON integers exactly; nothing goes through `f64`).
//!
//! Credentials and the plan's limits (Pro's by default):
//!
//! ```no_run
//! use zoomkit_server::http::ZoomLimits;
//! use zoomkit_server::zoom::{ZoomClient, ZoomConfig};
//!
//! # fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let config = ZoomConfig::new(
//!     std::env::var("ZOOM_ACCOUNT_ID")?,
//!     std::env::var("ZOOM_CLIENT_ID")?,
//!     std::env::var("ZOOM_CLIENT_SECRET")?,
//! )
//! .limits(ZoomLimits::business()); // or ZoomLimits { light: ..., ..ZoomLimits::pro() }
//! let zoom = ZoomClient::new(config)?;
//! # let _ = zoom; Ok(()) }
//! ```
//!
//! ```no_run
//! use zoomkit_server::zoom::{MeetingRequest, MeetingSettings, ZoomClient, ZoomConfig};
//!
//! # async fn demo() -> Result<(), zoomkit_server::zoom::ZoomError> {
//! let zoom = ZoomClient::new(ZoomConfig::new("ACCOUNT_ID", "CLIENT_ID", "CLIENT_SECRET"))?;
//! let meeting = zoom
//!     .create_meeting(
//!         "me",
//!         &MeetingRequest::scheduled("Coaching", "2026-12-24T10:00:00Z", 45)
//!             .settings(MeetingSettings { waiting_room: Some(true), ..Default::default() }),
//!     )
//!     .await?;
//! zoom.update_meeting(meeting.id, &MeetingRequest::default().duration(60)).await?;
//! zoom.delete_meeting(meeting.id).await?;
//! # Ok(()) }
//! ```

// `ZoomError` carries `HttpError` (144 bytes) by value so callers can match
// on Zoom's status and code directly; an error is rare next to a network
// round trip, so its size is not worth a box in every pattern.
#![allow(clippy::result_large_err)]

mod date;
mod meetings;
mod recordings;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod shared;
mod videosdk;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use serde::de::DeserializeOwned;
use serde::Deserialize;

use crate::http::{
    Answer, Budgets, Call, ClientConfig, Clock, HttpClient, HttpError, Method, SharedBudget,
    Subject, ZoomEndpoint, ZoomKey, ZoomLimits,
};
use crate::token::{InvalidClaim, Secret, VideoSdkApiToken};
use crate::webhook::Redacted;

pub use date::{month_ranges, Date};
pub use meetings::{
    ApprovalType, Audio, AutoRecording, Deleted, ListType, Meeting, MeetingRequest,
    MeetingSettings, MeetingSummary, TrackingField,
};
pub use recordings::{MeetingRecording, RecordingFile};
#[cfg(any(feature = "sqlite", feature = "postgres"))]
#[cfg_attr(docsrs, doc(cfg(any(feature = "sqlite", feature = "postgres"))))]
pub use shared::SharedZoomBudget;
pub use videosdk::{
    SessionDetail, SessionFile, SessionRecording, SessionSummary, SessionType, SessionUser,
};

/// Zoom's API base.
pub const API_BASE: &str = "https://api.zoom.us/v2";
/// Zoom's OAuth token endpoint.
pub const OAUTH_URL: &str = "https://zoom.us/oauth/token";
/// The page size asked for when listing (Zoom's maximum).
pub const PAGE_SIZE: u32 = 300;
/// The most pages one listing reads before giving up (300 000 items).
pub const MAX_PAGES: usize = 1000;

/// How a Zoom call failed.
///
/// Names the operation; never a token, a URL, a body or a value read from
/// one (a decode error gives the JSON path and what was wrong with it).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ZoomError {
    /// From the outbound layer: Zoom's error answer (with its code,
    /// message and field errors), a pause, the breaker, no answer.
    #[error(transparent)]
    Http(#[from] HttpError),
    /// Zoom answered 2xx with a body we could not read.
    #[error("zoom {operation}: unreadable answer at `{path}`: {problem}")]
    Decode {
        /// The operation.
        operation: &'static str,
        /// Where in the JSON.
        path: String,
        /// What was wrong (the kind of error, never the value).
        problem: String,
    },
    /// An argument was refused before anything was sent.
    #[error("zoom {operation}: {field} {problem}")]
    Invalid {
        /// The operation.
        operation: &'static str,
        /// The argument.
        field: &'static str,
        /// What is wrong with it.
        problem: &'static str,
    },
    /// The Video SDK API JWT could not be signed (its claims were refused).
    #[error("video sdk api token: {0}")]
    Token(#[from] InvalidClaim),
    /// Listing gave up: Zoom repeated a page token or sent more than
    /// [`MAX_PAGES`] pages.
    #[error("zoom {operation}: paging did not end (repeated token or over {MAX_PAGES} pages)")]
    Paging {
        /// The operation.
        operation: &'static str,
    },
    /// The HTTP client could not be built (no TLS backend).
    #[error("zoom: cannot build the HTTP client: {0}")]
    Build(String),
}

impl ZoomError {
    /// The HTTP status Zoom answered, if it answered with an error.
    #[must_use]
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Http(HttpError::Status(e)) => Some(e.status),
            _ => None,
        }
    }

    /// Zoom's own error code (`3001`), if it sent one.
    #[must_use]
    pub fn code(&self) -> Option<i64> {
        match self {
            Self::Http(HttpError::Status(e)) => e.vendor_error.code_number(),
            _ => None,
        }
    }
}

/// How to reach Zoom's Meetings API as a Server-to-Server OAuth app.
///
/// The three credentials are on the app's page in Zoom's App Marketplace
/// (Manage -> the app -> App Credentials). Every other field has a default.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct ZoomConfig {
    /// The account id (also the budget key: limits are per account).
    pub account_id: String,
    /// The app's client id.
    pub client_id: String,
    /// The app's client secret (`Debug` prints `<redacted>`).
    pub client_secret: Redacted<String>,
    /// The API base, `https://api.zoom.us/v2` ([`API_BASE`]).
    pub api_base: String,
    /// The token endpoint, `https://zoom.us/oauth/token` ([`OAUTH_URL`]).
    pub oauth_url: String,
    /// How long before expiry a token is replaced (5 minutes; at most half
    /// a token's life is used, so a short-lived token is not fetched per call).
    pub refresh_ahead: Duration,
    /// The plan's limits (Pro by default).
    pub limits: ZoomLimits,
    /// Timeouts, pacing, retries, breaker.
    pub http: ClientConfig,
    /// Where time is read (pacing, daily pauses, token expiry): the
    /// system clock, or a test's.
    pub clock: Clock,
}

impl ZoomConfig {
    /// Defaults for everything but the credentials.
    pub fn new(
        account_id: impl Into<String>,
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
    ) -> Self {
        Self {
            account_id: account_id.into(),
            client_id: client_id.into(),
            client_secret: Redacted::new(client_secret.into()),
            api_base: API_BASE.to_owned(),
            oauth_url: OAUTH_URL.to_owned(),
            refresh_ahead: Duration::from_secs(5 * 60),
            limits: ZoomLimits::pro(),
            http: ClientConfig::default(),
            clock: Clock::system(),
        }
    }

    /// Another API base and token endpoint (a proxy, or the fake Zoom of
    /// `testing`).
    #[must_use]
    pub fn endpoints(mut self, api_base: impl Into<String>, oauth_url: impl Into<String>) -> Self {
        self.api_base = api_base.into();
        self.oauth_url = oauth_url.into();
        self
    }

    /// Other plan limits.
    #[must_use]
    pub fn limits(mut self, limits: ZoomLimits) -> Self {
        self.limits = limits;
        self
    }

    /// Other HTTP settings.
    #[must_use]
    pub fn http(mut self, http: ClientConfig) -> Self {
        self.http = http;
        self
    }

    /// Another clock.
    #[must_use]
    pub fn clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }
}

/// How to reach the Video SDK REST API.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct VideoSdkConfig {
    /// The Video SDK **API** key (not the SDK key); also the budget key.
    pub api_key: String,
    /// The Video SDK API secret.
    pub api_secret: Secret,
    /// The API base ([`API_BASE`]).
    pub api_base: String,
    /// Each JWT's lifetime (5 minutes; at most an hour).
    pub token_lifetime: Duration,
    /// The plan's limits (Pro by default).
    pub limits: ZoomLimits,
    /// Timeouts, pacing, retries, breaker.
    pub http: ClientConfig,
    /// Where time is read (pacing, daily pauses, token expiry): the
    /// system clock, or a test's.
    pub clock: Clock,
}

impl VideoSdkConfig {
    /// Defaults for everything but the credentials.
    pub fn new(api_key: impl Into<String>, api_secret: Secret) -> Self {
        Self {
            api_key: api_key.into(),
            api_secret,
            api_base: API_BASE.to_owned(),
            token_lifetime: Duration::from_secs(5 * 60),
            limits: ZoomLimits::pro(),
            http: ClientConfig::default(),
            clock: Clock::system(),
        }
    }

    /// Another API base.
    #[must_use]
    pub fn api_base(mut self, api_base: impl Into<String>) -> Self {
        self.api_base = api_base.into();
        self
    }

    /// Other plan limits (the Video SDK account's).
    #[must_use]
    pub fn limits(mut self, limits: ZoomLimits) -> Self {
        self.limits = limits;
        self
    }

    /// Other HTTP settings.
    #[must_use]
    pub fn http(mut self, http: ClientConfig) -> Self {
        self.http = http;
        self
    }

    /// Another clock.
    #[must_use]
    pub fn clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }
}

#[derive(Clone)]
struct AccessToken {
    value: Redacted<String>,
    refresh_at: SystemTime,
}

enum Auth {
    OAuth {
        config: Box<ZoomConfig>,
        token: tokio::sync::Mutex<Option<AccessToken>>,
        refreshes: AtomicU64,
    },
    VideoSdk {
        api_key: String,
        secret: Secret,
        lifetime: Duration,
    },
}

struct Core {
    http: HttpClient<ZoomKey>,
    api_base: String,
    account: String,
    auth: Auth,
}

#[derive(Deserialize)]
struct TokenAnswer {
    access_token: Redacted<String>,
    expires_in: u64,
}

/// What a call sends: its operation, what its daily cap counts, the path
/// (already encoded), query and JSON body.
pub(crate) struct Request<'a> {
    endpoint: &'static ZoomEndpoint,
    subject: Subject<'a>,
    path: String,
    query: Vec<(&'static str, String)>,
    body: Option<Vec<u8>>,
}

impl<'a> Request<'a> {
    fn new(endpoint: &'static ZoomEndpoint, path: String) -> Self {
        Self {
            endpoint,
            subject: Subject::None,
            path,
            query: Vec::new(),
            body: None,
        }
    }

    fn subject(mut self, subject: Subject<'a>) -> Self {
        self.subject = subject;
        self
    }

    fn query(mut self, name: &'static str, value: impl ToString) -> Self {
        self.query.push((name, value.to_string()));
        self
    }

    fn json(mut self, body: &impl serde::Serialize) -> Self {
        // Our request types are plain structs of strings, numbers and
        // options: serialising them cannot fail.
        self.body = serde_json::to_vec(body).ok();
        self
    }
}

fn method_of(endpoint: &ZoomEndpoint) -> (Method, reqwest::Method) {
    match endpoint.method {
        "POST" => (Method::Post, reqwest::Method::POST),
        "PATCH" => (Method::Patch, reqwest::Method::PATCH),
        "PUT" => (Method::Put, reqwest::Method::PUT),
        "DELETE" => (Method::Delete, reqwest::Method::DELETE),
        _ => (Method::Get, reqwest::Method::GET),
    }
}

fn is_invalid_token(e: &HttpError) -> bool {
    matches!(e, HttpError::Status(s) if s.status == 401 || s.vendor_error.code_number() == Some(124))
}

impl Core {
    fn new(
        http: ClientConfig,
        clock: Clock,
        budgets: Budgets<ZoomKey>,
        shared: Option<Arc<dyn SharedBudget<ZoomKey>>>,
        api_base: &str,
        account: String,
        auth: Auth,
    ) -> Result<Self, ZoomError> {
        let mut http = HttpClient::new("zoom", budgets, http)
            .map_err(|e| ZoomError::Build(e.to_string()))?
            .with_clock(clock);
        if let Some(shared) = shared {
            http = http.with_shared(shared);
        }
        Ok(Self {
            http,
            api_base: api_base.trim_end_matches('/').to_owned(),
            account,
            auth,
        })
    }

    fn now(&self) -> SystemTime {
        self.http.clock().now()
    }

    /// A bearer token: the cached one, or a fresh one (fetched by one
    /// caller while the others wait for it on the lock).
    async fn bearer(&self) -> Result<Redacted<String>, ZoomError> {
        match &self.auth {
            Auth::VideoSdk {
                api_key,
                secret,
                lifetime,
            } => Ok(Redacted::new(
                VideoSdkApiToken::new(api_key.clone())
                    .valid_for(*lifetime)
                    .sign(secret, self.now())?,
            )),
            Auth::OAuth {
                config,
                token,
                refreshes,
            } => {
                let mut cached = token.lock().await;
                if let Some(t) = cached.as_ref() {
                    if self.now() < t.refresh_at {
                        return Ok(t.value.clone());
                    }
                }
                let fresh = self.fetch_token(config).await?;
                refreshes.fetch_add(1, Ordering::Relaxed);
                let value = fresh.value.clone();
                *cached = Some(fresh);
                Ok(value)
            }
        }
    }

    async fn fetch_token(&self, config: &ZoomConfig) -> Result<AccessToken, ZoomError> {
        const OPERATION: &str = "oauthToken";
        let call = Call {
            operation: OPERATION,
            method: Method::Post,
            keys: Vec::new(),
        };
        let started = self.now();
        let answer = self
            .http
            .send(&call, |c| {
                c.post(&config.oauth_url)
                    .query(&[
                        ("grant_type", "account_credentials"),
                        ("account_id", config.account_id.as_str()),
                    ])
                    .basic_auth(&config.client_id, Some(config.client_secret.expose()))
            })
            .await?;
        let token: TokenAnswer = decode(OPERATION, &answer.body)?;
        let life = Duration::from_secs(token.expires_in);
        let ahead = config.refresh_ahead.min(life / 2);
        Ok(AccessToken {
            value: token.access_token,
            refresh_at: started + life - ahead,
        })
    }

    async fn invalidate(&self, used: &Redacted<String>) {
        if let Auth::OAuth { token, .. } = &self.auth {
            let mut cached = token.lock().await;
            if cached.as_ref().is_some_and(|t| t.value == *used) {
                *cached = None;
            }
        }
    }

    /// Sends a request; on 401 / code 124 drops the token and sends it
    /// once more with a fresh one (Zoom refused it unread: safe even for
    /// a POST).
    async fn send(&self, request: &Request<'_>) -> Result<Answer, ZoomError> {
        let endpoint = request.endpoint;
        let (method, reqwest_method) = method_of(endpoint);
        let call = Call {
            operation: endpoint.operation_id,
            method,
            keys: endpoint.keys(&self.account, request.subject),
        };
        let url = format!("{}{}", self.api_base, request.path);
        let mut second = false;
        loop {
            let bearer = self.bearer().await?;
            let sent = self
                .http
                .send(&call, |c| {
                    let mut b = c
                        .request(reqwest_method.clone(), &url)
                        .bearer_auth(bearer.expose())
                        .header("accept", "application/json");
                    if !request.query.is_empty() {
                        b = b.query(&request.query);
                    }
                    if let Some(body) = &request.body {
                        b = b
                            .header("content-type", "application/json")
                            .body(body.clone());
                    }
                    b
                })
                .await;
            match sent {
                Err(e) if !second && is_invalid_token(&e) => {
                    tracing::info!(
                        operation = endpoint.operation_id,
                        "token refused; fetching a new one"
                    );
                    self.invalidate(&bearer).await;
                    second = true;
                }
                other => return other.map_err(ZoomError::from),
            }
        }
    }

    async fn get_json<T: DeserializeOwned>(&self, request: &Request<'_>) -> Result<T, ZoomError> {
        let answer = self.send(request).await?;
        decode(request.endpoint.operation_id, &answer.body)
    }
}

/// Reads a JSON body; the error keeps the path and the kind of problem,
/// never the offending value (it may be an e-mail address).
pub(crate) fn decode<T: DeserializeOwned>(
    operation: &'static str,
    body: &[u8],
) -> Result<T, ZoomError> {
    let mut de = serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        ZoomError::Decode {
            operation,
            path,
            problem: format!(
                "{:?} error at line {} column {}",
                inner.classify(),
                inner.line(),
                inner.column()
            ),
        }
    })
}

/// Percent-encodes one path segment (everything but RFC 3986's unreserved
/// characters).
#[must_use]
pub fn encode_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A Video SDK session id (or meeting UUID) as a path segment: encoded
/// once, or twice when it contains `/`, as Zoom requires.
///
/// ```
/// use zoomkit_server::zoom::encode_session_id;
///
/// assert_eq!(encode_session_id("4444AAAiAAAAAiAiAiiAii=="), "4444AAAiAAAAAiAiAiiAii%3D%3D");
/// assert_eq!(encode_session_id("/ajXp112QmuoKj4854875=="), "%252FajXp112QmuoKj4854875%253D%253D");
/// ```
#[must_use]
pub fn encode_session_id(id: &str) -> String {
    if id.contains('/') {
        encode_segment(&encode_segment(id))
    } else {
        encode_segment(id)
    }
}

/// A meeting instance's UUID as a path segment: encoded once, or twice
/// when it begins with `/` or contains `//`, as Zoom's Meetings API
/// requires ("If a UUID starts with `/` or contains `//` ... double encode
/// the UUID", in `recordingGet`'s `meetingId` description).
///
/// ```
/// use zoomkit_server::zoom::encode_meeting_uuid;
///
/// assert_eq!(encode_meeting_uuid("aDYlohsHRtCd4ii1uC2+hA=="), "aDYlohsHRtCd4ii1uC2%2BhA%3D%3D");
/// assert_eq!(encode_meeting_uuid("/ajXp112QmuoKj4854875=="), "%252FajXp112QmuoKj4854875%253D%253D");
/// assert_eq!(encode_meeting_uuid("ab//cd=="), "ab%252F%252Fcd%253D%253D");
/// assert_eq!(encode_meeting_uuid("ab/cd=="), "ab%2Fcd%3D%3D");
/// ```
#[must_use]
pub fn encode_meeting_uuid(uuid: &str) -> String {
    if uuid.starts_with('/') || uuid.contains("//") {
        encode_segment(&encode_segment(uuid))
    } else {
        encode_segment(uuid)
    }
}

fn require(operation: &'static str, field: &'static str, value: &str) -> Result<(), ZoomError> {
    if value.trim().is_empty() {
        return Err(ZoomError::Invalid {
            operation,
            field,
            problem: "is empty",
        });
    }
    Ok(())
}

/// Zoom's Meetings API (meetings and cloud recordings) for one account,
/// through [`crate::http`]. Clones share the token, budgets and breaker.
#[derive(Clone)]
pub struct ZoomClient {
    core: Arc<Core>,
}

impl std::fmt::Debug for ZoomClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ZoomClient")
            .field("account", &self.core.account)
            .finish_non_exhaustive()
    }
}

impl ZoomClient {
    /// A client for the account of `config`. Nothing is sent until the
    /// first call (which fetches the first token).
    ///
    /// # Errors
    /// [`ZoomError::Build`] when no HTTP client can be built.
    pub fn new(config: ZoomConfig) -> Result<Self, ZoomError> {
        let budgets = config.limits.budgets();
        Self::build(config, budgets, None)
    }

    /// A client whose budgets are shared with the other instances on
    /// `shared`'s store: per-second limits split between the live
    /// instances, daily caps and 429 pauses counted in the store (see
    /// [`crate::store::rate_limits`]). `shared` should be started with the
    /// same account and limits as `config`.
    ///
    /// # Errors
    /// [`ZoomError::Build`] when no HTTP client can be built.
    #[cfg(any(feature = "sqlite", feature = "postgres"))]
    pub fn with_shared_budget(
        config: ZoomConfig,
        shared: Arc<SharedZoomBudget>,
    ) -> Result<Self, ZoomError> {
        let budgets = shared.budgets();
        Self::build(config, budgets, Some(shared))
    }

    fn build(
        config: ZoomConfig,
        budgets: Budgets<ZoomKey>,
        shared: Option<Arc<dyn SharedBudget<ZoomKey>>>,
    ) -> Result<Self, ZoomError> {
        let core = Core::new(
            config.http,
            config.clock.clone(),
            budgets,
            shared,
            &config.api_base,
            config.account_id.clone(),
            Auth::OAuth {
                config: Box::new(config.clone()),
                token: tokio::sync::Mutex::new(None),
                refreshes: AtomicU64::new(0),
            },
        )?;
        Ok(Self {
            core: Arc::new(core),
        })
    }

    /// How many tokens this client (and its clones) has fetched.
    #[must_use]
    pub fn token_refreshes(&self) -> u64 {
        match &self.core.auth {
            Auth::OAuth { refreshes, .. } => refreshes.load(Ordering::Relaxed),
            Auth::VideoSdk { .. } => 0,
        }
    }

    /// The outbound client underneath (its breaker state, its clock).
    #[must_use]
    pub fn http(&self) -> &HttpClient<ZoomKey> {
        &self.core.http
    }
}

/// The Video SDK REST API for one Video SDK account, through
/// [`crate::http`]. Clones share budgets and breaker.
#[derive(Clone)]
pub struct VideoSdkClient {
    core: Arc<Core>,
}

impl std::fmt::Debug for VideoSdkClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VideoSdkClient")
            .field("api_key", &self.core.account)
            .finish_non_exhaustive()
    }
}

impl VideoSdkClient {
    /// A client for the Video SDK account of `config`.
    ///
    /// # Errors
    /// [`ZoomError::Build`] when no HTTP client can be built.
    pub fn new(config: VideoSdkConfig) -> Result<Self, ZoomError> {
        let core = Core::new(
            config.http,
            config.clock.clone(),
            config.limits.budgets(),
            None,
            &config.api_base,
            config.api_key.clone(),
            Auth::VideoSdk {
                api_key: config.api_key,
                secret: config.api_secret,
                lifetime: config.token_lifetime,
            },
        )?;
        Ok(Self {
            core: Arc::new(core),
        })
    }
}

/// Reads every page of a listing: `page(token)` fetches one page and says
/// what it held and the next token (empty or absent: done).
async fn all_pages<T, F, Fut>(operation: &'static str, mut page: F) -> Result<Vec<T>, ZoomError>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: std::future::Future<Output = Result<(Vec<T>, Option<String>), ZoomError>>,
{
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    let mut seen = std::collections::HashSet::new();
    for _ in 0..MAX_PAGES {
        let (items, next) = page(token.take()).await?;
        out.extend(items);
        match next.filter(|t| !t.is_empty()) {
            None => return Ok(out),
            Some(t) => {
                if !seen.insert(t.clone()) {
                    return Err(ZoomError::Paging { operation });
                }
                token = Some(t);
            }
        }
    }
    Err(ZoomError::Paging { operation })
}
