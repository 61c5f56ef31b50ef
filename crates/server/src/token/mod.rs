//! Signing and verification of the three HS256 tokens Zoom's web products use.
//!
//! | Token | Builder | Verified claims | Signed with |
//! |---|---|---|---|
//! | Video SDK JWT (join a session) | [`VideoSdkToken`] | [`VideoSdkClaims`] | Video SDK secret |
//! | Meeting SDK signature (join a meeting) | [`MeetingSdkSignature`] | [`MeetingSdkClaims`] | Meeting SDK client secret |
//! | Video SDK REST API JWT | [`VideoSdkApiToken`] | [`VideoSdkApiClaims`] | Video SDK **API** secret |
//!
//! Builders take the claims, check every one against Zoom's documented limits
//! and end in one verb, `.sign(&secret, now)`. Time is an argument: the crate
//! never reads the clock, so tests are exact and `iat` can be backdated for
//! clock skew (30 s by default, as in Zoom's sample) while `exp - iat` stays in
//! Zoom's window.
//!
//! [`Verifier`] checks a token the way a careful receiver would: HS256 only
//! (`none` and every other `alg` are refused whatever the header says), the
//! signature compared in constant time, `exp`/`iat` against `now` with a
//! leeway, and every claim re-validated. Errors are typed ([`VerifyError`],
//! [`InvalidClaim`]) and name the claim at fault ([`Field`]).
//!
//! ```
//! use std::time::{Duration, SystemTime};
//! use zoomkit_server::token::{Role, Secret, Verifier, VideoSdkToken};
//!
//! let secret = Secret::new("my-video-sdk-secret")?;
//! let now = SystemTime::now();
//! let jwt = VideoSdkToken::new("MY_SDK_KEY", "Cool Cars", Role::Participant)
//!     .user_key("user-123")
//!     .valid_for(Duration::from_secs(60 * 60))
//!     .sign(&secret, now)?;
//!
//! let claims = Verifier::new().video_sdk(&jwt, &secret, now)?;
//! assert_eq!(claims.tpc, "Cool Cars");
//! assert_eq!(claims.exp - claims.iat, 3600);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod api;
mod error;
mod jwt;
mod meeting;
mod video;

use std::fmt;
use std::str::FromStr;
use std::time::{Duration, SystemTime};

use hmac::{Hmac, KeyInit as _};
use serde::{Serialize, Serializer};
use sha2::Sha256;

pub use api::{VideoSdkApiClaims, VideoSdkApiToken};
pub use error::{EmptySecret, Field, InvalidClaim, Problem, VerifyError};
pub use meeting::{MeetingSdkClaims, MeetingSdkSignature};
pub use video::{VideoSdkClaims, VideoSdkToken};

/// Zoom's window for `exp - iat` on SDK tokens: at least 30 minutes...
pub const MIN_SDK_LIFETIME: Duration = Duration::from_secs(1800);
/// ...and at most 48 hours.
pub const MAX_SDK_LIFETIME: Duration = Duration::from_secs(48 * 60 * 60);
/// Longest lifetime accepted for a Video SDK REST API token (keep them short).
pub const MAX_API_LIFETIME: Duration = Duration::from_secs(60 * 60);
/// How far `iat` is put before `now` unless told otherwise; Zoom's sample
/// uses the same, because a client clock a little behind the server's is the
/// most common cause of "signature is invalid".
pub const DEFAULT_BACKDATE: Duration = Duration::from_secs(30);

/// An HMAC-SHA256 signing key: a Video SDK secret, Meeting SDK client secret
/// or Video SDK API secret.
///
/// `Debug` and `Display` print `***`. The key is hashed into HMAC state once,
/// on construction; each signature clones that state instead of re-keying.
/// The state, and every per-signature clone of it, is wiped when dropped
/// (the `zeroize` features of `hmac` and `sha2`).
#[derive(Clone)]
pub struct Secret {
    mac: Hmac<Sha256>,
}

impl Secret {
    /// Keys an HMAC with `secret`. An empty secret is refused: it would make
    /// every token forgeable by anyone.
    pub fn new(secret: impl AsRef<[u8]>) -> Result<Self, EmptySecret> {
        let secret = secret.as_ref();
        if secret.is_empty() {
            return Err(EmptySecret);
        }
        // HMAC accepts keys of every length, so this cannot fail.
        let mac = Hmac::<Sha256>::new_from_slice(secret).map_err(|_| EmptySecret)?;
        Ok(Self { mac })
    }

    pub(crate) fn mac(&self) -> Hmac<Sha256> {
        self.mac.clone()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// The role a token grants. Serialised as the number Zoom requires.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// `0`: a participant. Participants may join before the host.
    Participant,
    /// `1`: host or co-host. Hand this out deliberately: see the endpoint's
    /// authorisation hook.
    Host,
}

impl Role {
    /// The number that goes into the token.
    #[must_use]
    pub const fn as_u8(self) -> u8 {
        match self {
            Role::Participant => 0,
            Role::Host => 1,
        }
    }

    /// `0` or `1`; anything else is `None`.
    #[must_use]
    pub const fn from_u8(n: u8) -> Option<Self> {
        match n {
            0 => Some(Role::Participant),
            1 => Some(Role::Host),
            _ => None,
        }
    }
}

impl Serialize for Role {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u8(self.as_u8())
    }
}

macro_rules! geo_regions {
    ($($variant:ident = $code:literal, $name:literal;)*) => {
        /// A data-centre region for `geo_regions` (Zoom's documented list).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum GeoRegion {
            $(#[doc = $name] $variant,)*
        }

        impl GeoRegion {
            /// Every region Zoom documents, in its documentation's order.
            pub const ALL: &'static [GeoRegion] = &[$(GeoRegion::$variant),*];

            /// The two-letter code used in the token.
            #[must_use]
            pub const fn code(self) -> &'static str {
                match self {
                    $(GeoRegion::$variant => $code,)*
                }
            }
        }

        impl FromStr for GeoRegion {
            type Err = InvalidClaim;
            /// Parses an upper-case code such as `US`.
            fn from_str(s: &str) -> Result<Self, InvalidClaim> {
                match s {
                    $($code => Ok(GeoRegion::$variant),)*
                    _ => Err(InvalidClaim::new(
                        Field::GEO_REGIONS,
                        Problem::UnknownValue { value: s.chars().take(16).collect() },
                    )),
                }
            }
        }
    };
}

geo_regions! {
    Au = "AU", "Australia";
    Br = "BR", "Brazil";
    Ca = "CA", "Canada";
    Cn = "CN", "China";
    De = "DE", "Germany";
    Hk = "HK", "Hong Kong";
    In = "IN", "India";
    Jp = "JP", "Japan";
    Mx = "MX", "Mexico";
    Nl = "NL", "Netherlands";
    Sg = "SG", "Singapore";
    Us = "US", "United States";
}

impl fmt::Display for GeoRegion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// `cloud_recording_option`: how a host's cloud recording is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CloudRecordingOption {
    /// `0` (Zoom's default): one combined video.
    Combined,
    /// `1`: one video file per user. Hosts only.
    PerUser,
}

impl CloudRecordingOption {
    /// The number that goes into the token.
    #[must_use]
    pub const fn as_u8(self) -> u8 {
        match self {
            CloudRecordingOption::Combined => 0,
            CloudRecordingOption::PerUser => 1,
        }
    }
}

impl Serialize for CloudRecordingOption {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u8(self.as_u8())
    }
}

/// `cloud_recording_transcript_option`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TranscriptOption {
    /// `0` (Zoom's default): no transcript.
    None,
    /// `1`: transcript only.
    Transcript,
    /// `2`: transcript and summary.
    TranscriptAndSummary,
}

impl TranscriptOption {
    /// The number that goes into the token.
    #[must_use]
    pub const fn as_u8(self) -> u8 {
        match self {
            TranscriptOption::None => 0,
            TranscriptOption::Transcript => 1,
            TranscriptOption::TranscriptAndSummary => 2,
        }
    }
}

impl Serialize for TranscriptOption {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u8(self.as_u8())
    }
}

/// Verifies tokens of each kind.
///
/// Checks, in order: size and framing; `alg` is HS256 (nothing else is ever
/// accepted); the signature, in constant time; the payload parses; every claim
/// obeys Zoom's rules; `now < exp + leeway` and `iat <= now + leeway`.
///
/// ```
/// use std::time::{Duration, SystemTime, UNIX_EPOCH};
/// use zoomkit_server::token::{Secret, Verifier};
///
/// // Zoom's published Video SDK vector, checked inside its validity window.
/// let token = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJhcHBfa2V5IjoiVklERU9fU0RLX0tFWSIsImlhdCI6MTY0NjI0ODc5NiwiZXhwIjoxNjQ2MjU1OTk2LCJ0cGMiOiJDb29sIENhcnMiLCJ1c2VyX2lkZW50aXR5IjoidXNlcjEyMyIsInNlc3Npb25fa2V5Ijoic2Vzc2lvbjEyMyIsInJvbGVfdHlwZSI6MH0.Y6C65mZUxTZFeGiOI6oW5q2UkIXe3nLTK0MVNkfiJ9c";
/// let secret = Secret::new("your-256-bit-secret")?;
/// let now = UNIX_EPOCH + Duration::from_secs(1_646_248_796 + 60);
/// let claims = Verifier::new().leeway(Duration::ZERO).video_sdk(token, &secret, now)?;
/// assert_eq!(claims.session_key.as_deref(), Some("session123"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verifier {
    leeway: u64,
}

impl Default for Verifier {
    fn default() -> Self {
        Self::new()
    }
}

impl Verifier {
    /// A verifier with 60 seconds of leeway on `exp` and `iat`.
    #[must_use]
    pub const fn new() -> Self {
        Self { leeway: 60 }
    }

    /// Tolerance for clock differences between signer and verifier (whole
    /// seconds; the fraction is dropped).
    #[must_use]
    pub const fn leeway(self, leeway: Duration) -> Self {
        Self {
            leeway: leeway.as_secs(),
        }
    }

    /// Verifies a Video SDK JWT signed with the Video SDK secret.
    pub fn video_sdk(
        &self,
        token: &str,
        secret: &Secret,
        now: SystemTime,
    ) -> Result<VideoSdkClaims, VerifyError> {
        let json = jwt::verify(token, secret)?;
        let claims = VideoSdkClaims::from_payload(&json)?;
        self.check_time(claims.iat, claims.exp, now)?;
        Ok(claims)
    }

    /// Verifies a Meeting SDK signature signed with the Meeting SDK secret.
    pub fn meeting_sdk(
        &self,
        token: &str,
        secret: &Secret,
        now: SystemTime,
    ) -> Result<MeetingSdkClaims, VerifyError> {
        let json = jwt::verify(token, secret)?;
        let claims = MeetingSdkClaims::from_payload(&json)?;
        self.check_time(claims.iat, claims.exp, now)?;
        Ok(claims)
    }

    /// Verifies a Video SDK REST API JWT signed with the API secret.
    pub fn video_sdk_api(
        &self,
        token: &str,
        secret: &Secret,
        now: SystemTime,
    ) -> Result<VideoSdkApiClaims, VerifyError> {
        let json = jwt::verify(token, secret)?;
        let claims = VideoSdkApiClaims::from_payload(&json)?;
        self.check_time(claims.iat, claims.exp, now)?;
        Ok(claims)
    }

    fn check_time(&self, iat: u64, exp: u64, now: SystemTime) -> Result<(), VerifyError> {
        // A clock before 1970 is treated as 1970: every real token is then
        // "not yet valid", which is the honest answer.
        let now = jwt::unix_seconds(now).unwrap_or(0);
        if now >= exp.saturating_add(self.leeway) {
            return Err(VerifyError::Expired { exp, now });
        }
        if iat > now.saturating_add(self.leeway) {
            return Err(VerifyError::NotYetValid { iat, now });
        }
        Ok(())
    }
}

/// Turns `now`, a backdate and a lifetime into `(iat, exp)`.
pub(crate) fn window(
    now: SystemTime,
    backdate: Duration,
    lifetime: Duration,
) -> Result<(u64, u64), InvalidClaim> {
    let now = jwt::unix_seconds(now).ok_or(InvalidClaim::new(
        Field::IAT,
        Problem::Inconsistent {
            reason: "`now` is before 1970",
        },
    ))?;
    let (backdate, lifetime) = (backdate.as_secs(), lifetime.as_secs());
    if backdate >= lifetime {
        return Err(InvalidClaim::new(
            Field::IAT,
            Problem::Inconsistent {
                reason:
                    "the backdate must be shorter than the lifetime, or the token is born expired",
            },
        ));
    }
    let iat = now.saturating_sub(backdate);
    let exp = iat.checked_add(lifetime).ok_or(InvalidClaim::new(
        Field::EXP,
        Problem::Inconsistent {
            reason: "`exp` overflows",
        },
    ))?;
    Ok((iat, exp))
}

/// `exp - iat` within `[min, max]`.
pub(crate) fn check_lifetime(
    iat: u64,
    exp: u64,
    min: Duration,
    max: Duration,
) -> Result<(), InvalidClaim> {
    let (min, max) = (min.as_secs(), max.as_secs());
    let actual = exp.saturating_sub(iat);
    if exp < iat || actual < min || actual > max {
        return Err(InvalidClaim::new(
            Field::EXP,
            Problem::Lifetime { min, max, actual },
        ));
    }
    Ok(())
}

pub(crate) fn check_non_empty(field: Field, s: &str) -> Result<(), InvalidClaim> {
    if s.is_empty() {
        return Err(InvalidClaim::new(field, Problem::Empty));
    }
    Ok(())
}

/// At most `max` characters (Unicode scalar values, as Zoom's docs say
/// "characters").
pub(crate) fn check_len(field: Field, s: &str, max: usize) -> Result<(), InvalidClaim> {
    // Byte length bounds the character count, so most strings skip counting.
    if s.len() > max {
        let actual = s.chars().count();
        if actual > max {
            return Err(InvalidClaim::new(field, Problem::TooLong { max, actual }));
        }
    }
    Ok(())
}

pub(crate) fn ser_flag<S: Serializer>(v: &Option<bool>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(b) => s.serialize_u8(u8::from(*b)),
        None => s.serialize_none(),
    }
}
