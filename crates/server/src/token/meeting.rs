//! The Meeting SDK signature, which a web client passes to `ZoomMtg.join` /
//! `client.join` to join a Zoom meeting or webinar.
//!
//! Claims as in Zoom's meetingsdk-auth-endpoint-sample: `appKey` and `sdkKey`
//! (both the client id), `mn`, `role`, `iat`, `exp`, `tokenExp`, optional
//! `video_webrtc_mode`. `mn` and `role` are for web; native SDKs sign without
//! them.

use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};

use super::jwt::{self, take, Scalar};
use super::{
    check_lifetime, check_non_empty, ser_flag, window, Field, InvalidClaim, Problem, Role, Secret,
    VerifyError, DEFAULT_BACKDATE, MAX_SDK_LIFETIME, MIN_SDK_LIFETIME,
};

/// Zoom meeting and webinar numbers are 9 to 11 digits.
const MN_DIGITS: std::ops::RangeInclusive<usize> = 9..=11;

/// The claims of a Meeting SDK signature, as verified by
/// [`Verifier::meeting_sdk`](super::Verifier::meeting_sdk) or built by
/// [`MeetingSdkSignature::claims`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct MeetingSdkClaims {
    /// `appKey`: the client id (older name). Tokens we sign carry both keys.
    pub app_key: Option<String>,
    /// `sdkKey`: the client id.
    pub sdk_key: Option<String>,
    /// `mn`: the meeting number, digits only. Present for web signatures.
    pub meeting_number: Option<String>,
    /// `role`. Present exactly when `mn` is.
    pub role: Option<Role>,
    /// `iat`, Unix seconds.
    pub iat: u64,
    /// `exp`, Unix seconds; `exp - iat` is between 30 minutes and 48 hours.
    pub exp: u64,
    /// `tokenExp`: at least 30 minutes after `iat`, not after `exp`.
    pub token_exp: u64,
    /// `video_webrtc_mode` (web only).
    pub video_webrtc_mode: Option<bool>,
}

#[derive(Serialize)]
struct Payload<'a> {
    #[serde(rename = "appKey", skip_serializing_if = "Option::is_none")]
    app_key: Option<&'a str>,
    #[serde(rename = "sdkKey", skip_serializing_if = "Option::is_none")]
    sdk_key: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    mn: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    role: Option<Role>,
    iat: u64,
    exp: u64,
    #[serde(rename = "tokenExp")]
    token_exp: u64,
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "ser_flag")]
    video_webrtc_mode: Option<bool>,
}

#[derive(Deserialize)]
struct Raw<'a> {
    #[serde(borrow, rename = "appKey")]
    app_key: Option<Scalar<'a>>,
    #[serde(borrow, rename = "sdkKey")]
    sdk_key: Option<Scalar<'a>>,
    #[serde(borrow)]
    mn: Option<Scalar<'a>>,
    #[serde(borrow)]
    role: Option<Scalar<'a>>,
    #[serde(borrow)]
    iat: Option<Scalar<'a>>,
    #[serde(borrow)]
    exp: Option<Scalar<'a>>,
    #[serde(borrow, rename = "tokenExp")]
    token_exp: Option<Scalar<'a>>,
    #[serde(borrow)]
    video_webrtc_mode: Option<Scalar<'a>>,
}

impl MeetingSdkClaims {
    fn payload(&self, iat: u64, exp: u64, token_exp: u64) -> Payload<'_> {
        Payload {
            app_key: self.app_key.as_deref(),
            sdk_key: self.sdk_key.as_deref(),
            mn: self.meeting_number.as_deref(),
            role: self.role,
            iat,
            exp,
            token_exp,
            video_webrtc_mode: self.video_webrtc_mode,
        }
    }

    fn validate(&self, iat: u64, exp: u64, token_exp: u64) -> Result<(), InvalidClaim> {
        match (&self.sdk_key, &self.app_key) {
            (None, None) => return Err(InvalidClaim::new(Field::SDK_KEY, Problem::Missing)),
            (Some(s), Some(a)) if s != a => {
                return Err(InvalidClaim::new(
                    Field::MEETING_APP_KEY,
                    Problem::Inconsistent {
                        reason: "appKey and sdkKey must both be the client id",
                    },
                ))
            }
            _ => {}
        }
        if let Some(k) = &self.sdk_key {
            check_non_empty(Field::SDK_KEY, k)?;
        }
        if let Some(k) = &self.app_key {
            check_non_empty(Field::MEETING_APP_KEY, k)?;
        }
        match (&self.meeting_number, self.role) {
            (Some(mn), Some(_)) => check_meeting_number(mn)?,
            (None, None) => {}
            (Some(_), None) => return Err(InvalidClaim::new(Field::ROLE, Problem::Missing)),
            (None, Some(_)) => return Err(InvalidClaim::new(Field::MN, Problem::Missing)),
        }
        check_lifetime(iat, exp, MIN_SDK_LIFETIME, MAX_SDK_LIFETIME)?;
        if token_exp > exp || token_exp < iat.saturating_add(MIN_SDK_LIFETIME.as_secs()) {
            return Err(InvalidClaim::new(
                Field::TOKEN_EXP,
                Problem::Inconsistent {
                    reason: "tokenExp must be at least 1800 seconds after iat and not after exp",
                },
            ));
        }
        Ok(())
    }

    pub(crate) fn from_payload(json: &[u8]) -> Result<Self, VerifyError> {
        let raw: Raw<'_> = jwt::parse_claims(json)?;
        let app_key = take::opt_string(Field::MEETING_APP_KEY, raw.app_key)?;
        let sdk_key = take::opt_string(Field::SDK_KEY, raw.sdk_key)?;
        if app_key.is_none() && sdk_key.is_none() {
            return Err(InvalidClaim::new(Field::SDK_KEY, Problem::Missing).into());
        }
        // The official sample passes the front end's value through, so `mn`
        // arrives as a string ("123456789") or, from some clients, a number.
        let meeting_number = match raw.mn {
            None => None,
            Some(Scalar::UInt(n)) => Some(n.to_string()),
            other => take::opt_string(Field::MN, other)?,
        };
        let role = take::opt_small(Field::ROLE, raw.role, 1)?.and_then(Role::from_u8);
        let claims = MeetingSdkClaims {
            app_key,
            sdk_key,
            meeting_number,
            role,
            iat: take::uint(Field::IAT, raw.iat)?,
            exp: take::uint(Field::EXP, raw.exp)?,
            token_exp: take::uint(Field::TOKEN_EXP, raw.token_exp)?,
            video_webrtc_mode: take::opt_flag(Field::VIDEO_WEBRTC_MODE, raw.video_webrtc_mode)?,
        };
        claims.validate(claims.iat, claims.exp, claims.token_exp)?;
        Ok(claims)
    }
}

/// Digits only, 9 to 11 of them (no spaces: "123 4567 8901" is refused).
pub(crate) fn check_meeting_number(mn: &str) -> Result<(), InvalidClaim> {
    check_non_empty(Field::MN, mn)?;
    if let Some((position, character)) = mn.chars().enumerate().find(|(_, c)| !c.is_ascii_digit()) {
        return Err(InvalidClaim::new(
            Field::MN,
            Problem::InvalidCharacter {
                position,
                character,
            },
        ));
    }
    if !MN_DIGITS.contains(&mn.len()) {
        return Err(InvalidClaim::new(
            Field::MN,
            Problem::Inconsistent {
                reason: "a Zoom meeting number has 9 to 11 digits",
            },
        ));
    }
    Ok(())
}

/// Builds and signs a Meeting SDK signature. `tokenExp` is set to `exp`, as
/// in Zoom's sample; `iat` is backdated 30 seconds; `exp - iat` is two hours
/// unless set.
///
/// ```
/// use std::time::SystemTime;
/// use zoomkit_server::token::{MeetingSdkSignature, Role, Secret, Verifier};
///
/// let secret = Secret::new("client-secret")?;
/// let now = SystemTime::now();
/// let signature = MeetingSdkSignature::new("CLIENT_ID", "123456789", Role::Participant)
///     .sign(&secret, now)?;
/// let claims = Verifier::new().meeting_sdk(&signature, &secret, now)?;
/// assert_eq!(claims.meeting_number.as_deref(), Some("123456789"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub struct MeetingSdkSignature {
    claims: MeetingSdkClaims,
    lifetime: Duration,
    backdate: Duration,
}

impl MeetingSdkSignature {
    /// A web signature: client id, meeting number (digits) and role.
    pub fn new(sdk_key: impl Into<String>, meeting_number: impl Into<String>, role: Role) -> Self {
        let mut s = Self::native(sdk_key);
        s.claims.meeting_number = Some(meeting_number.into());
        s.claims.role = Some(role);
        s
    }

    /// A native-SDK signature: no meeting number and no role.
    pub fn native(sdk_key: impl Into<String>) -> Self {
        let key = sdk_key.into();
        Self {
            claims: MeetingSdkClaims {
                app_key: Some(key.clone()),
                sdk_key: Some(key),
                meeting_number: None,
                role: None,
                iat: 0,
                exp: 0,
                token_exp: 0,
                video_webrtc_mode: None,
            },
            lifetime: Duration::from_secs(2 * 60 * 60),
            backdate: DEFAULT_BACKDATE,
        }
    }

    /// `video_webrtc_mode` (web only).
    pub fn video_webrtc_mode(mut self, enabled: bool) -> Self {
        self.claims.video_webrtc_mode = Some(enabled);
        self
    }

    /// `exp - iat`: between 30 minutes and 48 hours (whole seconds).
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
    pub fn claims(&self, now: SystemTime) -> Result<MeetingSdkClaims, InvalidClaim> {
        let (iat, exp) = window(now, self.backdate, self.lifetime)?;
        self.claims.validate(iat, exp, exp)?;
        Ok(MeetingSdkClaims {
            iat,
            exp,
            token_exp: exp,
            ..self.claims.clone()
        })
    }

    /// Validates every claim and signs with the Meeting SDK client secret.
    pub fn sign(&self, secret: &Secret, now: SystemTime) -> Result<String, InvalidClaim> {
        let (iat, exp) = window(now, self.backdate, self.lifetime)?;
        self.claims.validate(iat, exp, exp)?;
        Ok(jwt::sign(secret, &self.claims.payload(iat, exp, exp)))
    }
}
