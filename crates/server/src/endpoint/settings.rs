//! The token endpoint's settings, read through a lookup function (the
//! environment, a configuration file), shared by `zoomkit-server serve` and
//! the `token_server` example so the two cannot drift.

use axum::http::header;
use subtle::ConstantTimeEq as _;

use super::{CorsOrigin, Decision, TokenEndpoint};
use crate::token::Secret;

/// Video SDK key and secret.
pub const VIDEO_SDK_KEY: &str = "ZOOM_VIDEO_SDK_KEY";
/// Video SDK secret.
pub const VIDEO_SDK_SECRET: &str = "ZOOM_VIDEO_SDK_SECRET";
/// Meeting SDK client id.
pub const MEETING_SDK_KEY: &str = "ZOOM_MEETING_SDK_KEY";
/// Meeting SDK client secret.
pub const MEETING_SDK_SECRET: &str = "ZOOM_MEETING_SDK_SECRET";
/// A static bearer that callers must present (a stand-in for a session check).
pub const DEMO_BEARER: &str = "ZOOMKIT_DEMO_BEARER";
/// Comma-separated origins allowed from browsers.
pub const CORS_ORIGINS: &str = "ZOOMKIT_CORS_ORIGINS";

/// Every variable [`TokenSettings::from_lookup`] reads.
pub const VARIABLES: [&str; 6] = [
    VIDEO_SDK_KEY,
    VIDEO_SDK_SECRET,
    MEETING_SDK_KEY,
    MEETING_SDK_SECRET,
    DEMO_BEARER,
    CORS_ORIGINS,
];

/// A setting that cannot be used; the message names the variable and never
/// repeats a secret's value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{variable}: {problem}")]
pub struct SettingError {
    /// The variable (or file key) at fault.
    pub variable: &'static str,
    /// What is wrong with it, and what to do.
    pub problem: String,
}

impl SettingError {
    pub(crate) fn new(variable: &'static str, problem: impl Into<String>) -> Self {
        Self {
            variable,
            problem: problem.into(),
        }
    }
}

/// The token endpoint's configuration. `Debug` prints secrets as `***`.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct TokenSettings {
    /// `ZOOM_VIDEO_SDK_KEY` and `ZOOM_VIDEO_SDK_SECRET`, both or neither.
    pub video: Option<(String, Secret)>,
    /// `ZOOM_MEETING_SDK_KEY` and `ZOOM_MEETING_SDK_SECRET`, both or neither.
    pub meeting: Option<(String, Secret)>,
    /// `ZOOMKIT_DEMO_BEARER`: if set, callers must send
    /// `Authorization: Bearer <value>`, and those who do may ask for any role.
    pub bearer: Option<BearerToken>,
    /// `ZOOMKIT_CORS_ORIGINS`: comma-separated origins allowed from browsers.
    pub cors_origins: Vec<CorsOrigin>,
}

/// The demo bearer; `Debug` prints `***`.
#[derive(Clone)]
pub struct BearerToken(String);

impl BearerToken {
    /// The bearer as configured.
    #[must_use]
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for BearerToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}

/// A value that must be non-empty and without surrounding whitespace (a
/// stray newline in a secret makes every token invalid, silently).
pub(crate) fn value(
    get: &dyn Fn(&str) -> Option<String>,
    name: &'static str,
) -> Result<Option<String>, SettingError> {
    match get(name) {
        None => Ok(None),
        Some(v) if v.is_empty() => Err(SettingError::new(name, "is set but empty")),
        Some(v) if v.trim() != v => Err(SettingError::new(
            name,
            "has leading or trailing whitespace",
        )),
        Some(v) => Ok(Some(v)),
    }
}

fn pair(
    get: &dyn Fn(&str) -> Option<String>,
    key: &'static str,
    secret: &'static str,
) -> Result<Option<(String, Secret)>, SettingError> {
    match (value(get, key)?, value(get, secret)?) {
        (Some(k), Some(s)) => {
            let s = Secret::new(s).map_err(|e| SettingError::new(secret, e.to_string()))?;
            Ok(Some((k, s)))
        }
        (None, None) => Ok(None),
        (Some(_), None) => Err(SettingError::new(
            secret,
            format!("is missing: set both {key} and {secret}, or neither"),
        )),
        (None, Some(_)) => Err(SettingError::new(
            key,
            format!("is missing: set both {key} and {secret}, or neither"),
        )),
    }
}

impl TokenSettings {
    /// Reads the variables through `get` (normally `std::env::var(..).ok()`).
    /// Nothing set is valid: the endpoint then has no routes.
    pub fn from_lookup(get: &dyn Fn(&str) -> Option<String>) -> Result<Self, SettingError> {
        let video = pair(get, VIDEO_SDK_KEY, VIDEO_SDK_SECRET)?;
        let meeting = pair(get, MEETING_SDK_KEY, MEETING_SDK_SECRET)?;
        let bearer = value(get, DEMO_BEARER)?.map(BearerToken);
        let cors_origins = match value(get, CORS_ORIGINS)? {
            None => Vec::new(),
            Some(list) => list
                .split(',')
                .map(|o| {
                    CorsOrigin::parse(o.trim())
                        .map_err(|e| SettingError::new(CORS_ORIGINS, e.to_string()))
                })
                .collect::<Result<_, _>>()?,
        };
        Ok(Self {
            video,
            meeting,
            bearer,
            cors_origins,
        })
    }

    /// Whether any token route is configured.
    #[must_use]
    pub fn any_route(&self) -> bool {
        self.video.is_some() || self.meeting.is_some()
    }

    /// The endpoint these settings describe. With a bearer, every request
    /// must carry it (compared in constant time) and may then ask for any
    /// role; without one there is no hook, so host tokens are refused.
    pub fn endpoint(&self) -> TokenEndpoint {
        let mut endpoint = TokenEndpoint::new();
        if let Some((key, secret)) = &self.video {
            endpoint = endpoint.video_sdk(key.clone(), secret.clone());
        }
        if let Some((key, secret)) = &self.meeting {
            endpoint = endpoint.meeting_sdk(key.clone(), secret.clone());
        }
        if let Some(bearer) = &self.bearer {
            let expected = format!("Bearer {}", bearer.0).into_bytes();
            endpoint = endpoint.authorize_fn(move |parts, _request| {
                let given = parts
                    .headers
                    .get(header::AUTHORIZATION)
                    .map(|v| v.as_bytes())
                    .unwrap_or_default();
                if bool::from(given.ct_eq(&expected)) {
                    Decision::Allow
                } else {
                    Decision::Unauthorized
                }
            });
        }
        for origin in &self.cors_origins {
            endpoint = endpoint.cors_allow_origin(origin.clone());
        }
        endpoint
    }
}
