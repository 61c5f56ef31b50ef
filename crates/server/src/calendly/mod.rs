//! Calendly's API v2 (feature `calendly`, with `sqlite` or `postgres`: the
//! tokens live in the store): OAuth with single-use refresh
//! tokens, users, event types, scheduled events and their invitees, and
//! webhook subscriptions, every call through [`crate::http`] (pacing at
//! Calendly's per-user limit, 429 and `Retry-After`, safe retries, the
//! breaker, typed errors).
//!
//! - [`CalendlyClient`]: one per process (clones share budgets and breaker).
//!   [`CalendlyClient::authorize`] builds the authorize URL with `state` and
//!   PKCE (S256); [`CalendlyClient::exchange_code`] and
//!   [`CalendlyClient::refresh_grant`] call the token endpoint.
//! - [`ConnectionTokens`]: the access token of a stored
//!   connection, refreshed at most once across every caller and instance
//!   ([`crate::store::Store::refresh_connection`]); `invalid_grant` marks the
//!   connection as needing re-authorisation.
//! - [`CalendlyApi`]: the calls, as one account (a bearer token), each named
//!   after the operationId of Calendly's OpenAPI document
//!   (`../shared/specs/calendly-api-2024.yaml`; a copy in
//!   `tests/specs/`, which `tests/calendly_spec.rs` checks our paths,
//!   parameters and fields against).
//!
//! Limits (REFERENCE.md): 500 API requests per user per minute on paid
//! plans (50 on free ones: [`CalendlyLimits::free`]) and 8 token requests
//! per user per minute. `X-RateLimit-Limit`, `-Remaining` and `-Reset` are
//! read from every answer ([`CalendlyApi::last_rate_limit`]).
//!
//! The token endpoint's request and answer are those of OAuth 2.0 (RFC
//! 6749, with PKCE from RFC 7636), which Calendly follows; Calendly's
//! document names only its URLs. Calendly adds `owner` (the user URI) and
//! `organization` to the answer.

//!
//! Connecting an account and calling the API as it (the README shows the
//! same):
//!
//! ```no_run
//! use std::time::SystemTime;
//! use zoomkit_server::calendly::{CalendlyClient, CalendlyConfig, ConnectionTokens, OAuthApp};
//! use zoomkit_server::store::{Store, Token, TokenKey, TokenKeys};
//!
//! # async fn demo(store: Store, returned_state: &str, code: &str) -> Result<(), Box<dyn std::error::Error>> {
//! let keys = TokenKeys::new(TokenKey::from_base64("2026-12", &std::env::var("TOKEN_KEY")?)?);
//! let calendly = CalendlyClient::new(CalendlyConfig::default())?;
//! let app = OAuthApp {
//!     client_id: std::env::var("CALENDLY_CLIENT_ID")?,
//!     client_secret: Token::new(std::env::var("CALENDLY_CLIENT_SECRET")?),
//!     redirect_uri: "https://bridge.example/oauth/calendly/callback".into(),
//! };
//! // 1. Send the user to Calendly; keep `state` and `code_verifier` with their session.
//! let auth = calendly.authorize(&app)?;
//! println!("go to {}", auth.url);
//! // 2. On the redirect: check the state, exchange the code, store the grant.
//! if !auth.check_state(returned_state) {
//!     return Err("state mismatch".into());
//! }
//! let grant = calendly.exchange_code(&app, code, &auth.code_verifier, SystemTime::now()).await?;
//! let tokens = ConnectionTokens::new(store, keys, calendly, app);
//! let id = tokens.save_grant(&grant, SystemTime::now()).await?;
//! // 3. Any time later, on any instance: refreshed once if it is about to expire.
//! let me = tokens.api(id).await?.me().await?;
//! # let _ = me; Ok(()) }
//! ```

// `CalendlyError` carries `HttpError` by value so callers can match on the
// status directly; an error is rare next to a network round trip.
#![allow(clippy::result_large_err)]

mod api;
mod oauth;
mod tokens;

use std::time::Duration;

use crate::http::{Budgets, ClientConfig, HttpClient, HttpError, Limit};
use crate::store::Token;

pub use api::{
    CalendlyApi, CreateWebhookSubscription, Deleted, EventType, Invitee, ListScheduledEvents,
    Location, Membership, Pagination, RateLimitInfo, ScheduledEvent, SubscriptionScope, User,
    WebhookEvent, WebhookState, WebhookSubscription,
};
pub use oauth::{Authorization, OAuthApp, TokenGrant};
pub use tokens::{ConnectionTokens, TokenError};

/// A budget key: whose requests count against which limit.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CalendlyKey {
    /// API requests of one user (the account's name in the store, or any
    /// stable id of the token's owner).
    User(String),
    /// Token requests (code exchange, refresh) for one user.
    Token(String),
}

/// Calendly's limits, per user per minute.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CalendlyLimits {
    /// API requests per user per minute (500 on paid plans).
    pub api_per_minute: u32,
    /// Token requests per user per minute (8).
    pub token_per_minute: u32,
}

impl CalendlyLimits {
    /// Paid plans: 500 API requests and 8 token requests per user per minute.
    #[must_use]
    pub fn paid() -> Self {
        Self {
            api_per_minute: 500,
            token_per_minute: 8,
        }
    }

    /// Free plans: 50 API requests per user per minute.
    #[must_use]
    pub fn free() -> Self {
        Self {
            api_per_minute: 50,
            ..Self::paid()
        }
    }

    fn budgets(self) -> Budgets<CalendlyKey> {
        let minute = Duration::from_secs(60);
        let api = Limit::rolling(self.api_per_minute, minute);
        let token = Limit::rolling(self.token_per_minute, minute);
        Budgets::new(move |key| match key {
            CalendlyKey::User(_) => api,
            CalendlyKey::Token(_) => token,
        })
    }
}

impl Default for CalendlyLimits {
    fn default() -> Self {
        Self::paid()
    }
}

/// Where and how to reach Calendly.
#[derive(Clone, Debug)]
pub struct CalendlyConfig {
    /// `https://api.calendly.com` (a fake's URL in tests).
    pub api_base: String,
    /// `https://auth.calendly.com` (a fake's URL in tests).
    pub auth_base: String,
    /// The limits paced at.
    pub limits: CalendlyLimits,
    /// Timeouts, retries, breaker.
    pub http: ClientConfig,
}

impl Default for CalendlyConfig {
    fn default() -> Self {
        Self {
            api_base: "https://api.calendly.com".into(),
            auth_base: "https://auth.calendly.com".into(),
            limits: CalendlyLimits::default(),
            http: ClientConfig::default(),
        }
    }
}

impl CalendlyConfig {
    /// Both base URLs at once (a fake serving both).
    #[must_use]
    pub fn endpoints(mut self, api_base: impl Into<String>, auth_base: impl Into<String>) -> Self {
        self.api_base = api_base.into();
        self.auth_base = auth_base.into();
        self
    }
}

/// How a Calendly call failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CalendlyError {
    /// The call failed in the HTTP layer (a status, pacing, the breaker,
    /// the transport); Calendly's `title` is the vendor code, its `message`
    /// the message.
    #[error(transparent)]
    Http(#[from] HttpError),
    /// The token endpoint refused the grant (`invalid_grant`): the code or
    /// refresh token is spent, expired or revoked. Never retried.
    #[error("Calendly refused the grant ({code}): the account must be connected again")]
    InvalidGrant {
        /// The OAuth error code (`invalid_grant`).
        code: String,
    },
    /// A 2xx answer did not have the documented shape.
    #[error("Calendly {operation} answered with an unexpected body: {reason}")]
    BadAnswer {
        /// The operation.
        operation: &'static str,
        /// What was wrong (a field path and serde's message; never the body).
        reason: String,
    },
    /// An argument was refused before anything was sent.
    #[error("invalid {field}: {reason}")]
    InvalidInput {
        /// The argument.
        field: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// The HTTP client could not be built.
    #[error("cannot build the HTTP client: {0}")]
    Build(String),
}

impl CalendlyError {
    /// The HTTP status Calendly answered, if it answered with an error.
    #[must_use]
    pub fn status(&self) -> Option<u16> {
        match self {
            CalendlyError::Http(HttpError::Status(s)) => Some(s.status),
            _ => None,
        }
    }
}

/// The Calendly client: pacing, breaker and connection pool, shared by its
/// clones.
#[derive(Clone, Debug)]
pub struct CalendlyClient {
    http: HttpClient<CalendlyKey>,
    config: CalendlyConfig,
}

impl CalendlyClient {
    /// A client with `config`.
    ///
    /// # Errors
    /// [`CalendlyError::Build`] when reqwest cannot build its client.
    pub fn new(config: CalendlyConfig) -> Result<Self, CalendlyError> {
        let http = HttpClient::new("calendly", config.limits.budgets(), config.http)
            .map_err(|e| CalendlyError::Build(e.to_string()))?;
        Ok(Self { http, config })
    }

    /// The API as the account `account` (its budget key) with `token`.
    #[must_use]
    pub fn api(&self, account: impl Into<String>, token: Token) -> CalendlyApi {
        CalendlyApi::new(self.clone(), account.into(), token)
    }

    /// The configuration.
    #[must_use]
    pub fn config(&self) -> &CalendlyConfig {
        &self.config
    }
}

/// Reads a 2xx body as `T`, naming the field that did not fit.
fn parse<T: serde::de::DeserializeOwned>(
    operation: &'static str,
    body: &[u8],
) -> Result<T, CalendlyError> {
    let de = &mut serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(de).map_err(|e| CalendlyError::BadAnswer {
        operation,
        reason: format!("at `{}`: {}", e.path(), e.inner().classify_str()),
    })
}

trait ClassifyStr {
    fn classify_str(&self) -> &'static str;
}

impl ClassifyStr for serde_json::Error {
    fn classify_str(&self) -> &'static str {
        // serde's message can quote the value (an e-mail address): only
        // its category is kept.
        match self.classify() {
            serde_json::error::Category::Io => "I/O error",
            serde_json::error::Category::Syntax => "not valid JSON",
            serde_json::error::Category::Data => "a field is missing or has the wrong type",
            serde_json::error::Category::Eof => "the body ends early",
        }
    }
}
