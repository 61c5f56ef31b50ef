//! The Video SDK REST API JWT: `Authorization: Bearer <jwt>` on
//! `api.zoom.us/v2/videosdk/...`, signed with the Video SDK **API** key and
//! secret (not the SDK key and secret).

use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};

use super::jwt::{self, take, Scalar};
use super::{
    check_lifetime, check_non_empty, window, Field, InvalidClaim, Secret, VerifyError,
    MAX_API_LIFETIME,
};

/// The claims of a Video SDK REST API token.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct VideoSdkApiClaims {
    /// `iss`: the Video SDK API key.
    pub iss: String,
    /// `iat`, Unix seconds.
    pub iat: u64,
    /// `exp`, Unix seconds; at most one hour after `iat`.
    pub exp: u64,
}

#[derive(Serialize)]
struct Payload<'a> {
    iss: &'a str,
    iat: u64,
    exp: u64,
}

#[derive(Deserialize)]
struct Raw<'a> {
    #[serde(borrow)]
    iss: Option<Scalar<'a>>,
    #[serde(borrow)]
    iat: Option<Scalar<'a>>,
    #[serde(borrow)]
    exp: Option<Scalar<'a>>,
}

fn validate(iss: &str, iat: u64, exp: u64) -> Result<(), InvalidClaim> {
    check_non_empty(Field::ISS, iss)?;
    check_lifetime(iat, exp, Duration::from_secs(1), MAX_API_LIFETIME)
}

impl VideoSdkApiClaims {
    pub(crate) fn from_payload(json: &[u8]) -> Result<Self, VerifyError> {
        let raw: Raw<'_> = jwt::parse_claims(json)?;
        let claims = VideoSdkApiClaims {
            iss: take::string(Field::ISS, raw.iss)?,
            iat: take::uint(Field::IAT, raw.iat)?,
            exp: take::uint(Field::EXP, raw.exp)?,
        };
        validate(&claims.iss, claims.iat, claims.exp)?;
        Ok(claims)
    }
}

/// Builds and signs a Video SDK REST API token. Defaults: `iat` 30 seconds
/// before `now`, `exp - iat` five minutes; at most one hour is accepted.
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use zoomkit_server::token::{Secret, VideoSdkApiToken};
///
/// let api_secret = Secret::new("api-secret")?;
/// let bearer = VideoSdkApiToken::new("API_KEY")
///     .valid_for(Duration::from_secs(600))
///     .sign(&api_secret, SystemTime::now())?;
/// assert_eq!(bearer.split('.').count(), 3);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub struct VideoSdkApiToken {
    iss: String,
    lifetime: Duration,
    backdate: Duration,
}

impl VideoSdkApiToken {
    /// A token for the Video SDK API key `api_key` (`iss`).
    pub fn new(api_key: impl Into<String>) -> Self {
        Self {
            iss: api_key.into(),
            lifetime: Duration::from_secs(5 * 60),
            backdate: super::DEFAULT_BACKDATE,
        }
    }

    /// `exp - iat`: more than zero and at most one hour (whole seconds).
    pub fn valid_for(mut self, lifetime: Duration) -> Self {
        self.lifetime = lifetime;
        self
    }

    /// How far before `now` to put `iat` (whole seconds).
    pub fn backdate(mut self, backdate: Duration) -> Self {
        self.backdate = backdate;
        self
    }

    /// The validated claims this builder would sign at `now`.
    pub fn claims(&self, now: SystemTime) -> Result<VideoSdkApiClaims, InvalidClaim> {
        let (iat, exp) = window(now, self.backdate, self.lifetime)?;
        validate(&self.iss, iat, exp)?;
        Ok(VideoSdkApiClaims {
            iss: self.iss.clone(),
            iat,
            exp,
        })
    }

    /// Validates the claims and signs with the Video SDK API secret.
    pub fn sign(&self, secret: &Secret, now: SystemTime) -> Result<String, InvalidClaim> {
        let (iat, exp) = window(now, self.backdate, self.lifetime)?;
        validate(&self.iss, iat, exp)?;
        Ok(jwt::sign(
            secret,
            &Payload {
                iss: &self.iss,
                iat,
                exp,
            },
        ))
    }
}
