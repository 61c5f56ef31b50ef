//! Errors of the token module: which claim is wrong and how, and why a token
//! was refused.

use std::fmt;

/// A JWT claim, named as it appears in the token (`tpc`, `role_type`,
/// `tokenExp`, ...).
///
/// Every error about a claim carries one, so a caller can point at the exact
/// input that was wrong. Only the constants below exist.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Field(&'static str);

impl Field {
    /// `app_key`: the Video SDK key.
    pub const APP_KEY: Field = Field("app_key");
    /// `role_type`: 1 host or co-host, 0 participant.
    pub const ROLE_TYPE: Field = Field("role_type");
    /// `tpc`: the session name.
    pub const TPC: Field = Field("tpc");
    /// `version`: always 1.
    pub const VERSION: Field = Field("version");
    /// `iat`: issued at, seconds since the Unix epoch.
    pub const IAT: Field = Field("iat");
    /// `exp`: expires at, seconds since the Unix epoch.
    pub const EXP: Field = Field("exp");
    /// `user_key`: the app's identifier for the user.
    pub const USER_KEY: Field = Field("user_key");
    /// `user_identity`: the former name of `user_key`.
    pub const USER_IDENTITY: Field = Field("user_identity");
    /// `session_key`: the app's identifier for the session.
    pub const SESSION_KEY: Field = Field("session_key");
    /// `geo_regions`: comma list of data-centre regions.
    pub const GEO_REGIONS: Field = Field("geo_regions");
    /// `cloud_recording_option`: 0 one combined file, 1 one file per user.
    pub const CLOUD_RECORDING_OPTION: Field = Field("cloud_recording_option");
    /// `cloud_recording_election`: 1 to record the user's self view.
    pub const CLOUD_RECORDING_ELECTION: Field = Field("cloud_recording_election");
    /// `cloud_recording_transcript_option`: 0 none, 1 transcript, 2 with summary.
    pub const CLOUD_RECORDING_TRANSCRIPT_OPTION: Field = Field("cloud_recording_transcript_option");
    /// `telemetry_tracking_id`: tracking id for client telemetry.
    pub const TELEMETRY_TRACKING_ID: Field = Field("telemetry_tracking_id");
    /// `video_webrtc_mode`: 1 to use WebRTC video.
    pub const VIDEO_WEBRTC_MODE: Field = Field("video_webrtc_mode");
    /// `audio_webrtc_mode`: 1 to use WebRTC audio.
    pub const AUDIO_WEBRTC_MODE: Field = Field("audio_webrtc_mode");
    /// `sdkKey`: the Meeting SDK key (client id).
    pub const SDK_KEY: Field = Field("sdkKey");
    /// `appKey`: the Meeting SDK key again, under its older name.
    pub const MEETING_APP_KEY: Field = Field("appKey");
    /// `mn`: the meeting number.
    pub const MN: Field = Field("mn");
    /// `role`: Meeting SDK role, 1 host, 0 participant.
    pub const ROLE: Field = Field("role");
    /// `tokenExp`: Meeting SDK token expiry.
    pub const TOKEN_EXP: Field = Field("tokenExp");
    /// `iss`: the issuer of a REST API token, i.e. the API key.
    pub const ISS: Field = Field("iss");

    /// The claim's name exactly as it appears in the JWT payload.
    #[must_use]
    pub const fn claim(self) -> &'static str {
        self.0
    }
}

impl fmt::Debug for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Field({})", self.0)
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

/// What is wrong with a claim.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Problem {
    /// A required claim is absent (or `null`).
    Missing,
    /// A required string is empty.
    Empty,
    /// The value is longer than Zoom allows, counted in characters.
    TooLong {
        /// Zoom's limit.
        max: usize,
        /// The value's length.
        actual: usize,
    },
    /// A character Zoom does not accept in this claim.
    InvalidCharacter {
        /// Position of the character, counted in characters from 0.
        position: usize,
        /// The character.
        character: char,
    },
    /// The JSON type is wrong (Zoom requires e.g. `role_type` to be a number).
    WrongType {
        /// What the claim must be.
        expected: &'static str,
    },
    /// A number outside the values Zoom documents.
    OutOfRange {
        /// Smallest accepted value.
        min: u64,
        /// Largest accepted value.
        max: u64,
        /// The value found (negative and fractional numbers are reported as
        /// a wrong type instead).
        actual: u64,
    },
    /// `exp - iat` outside Zoom's window for this kind of token.
    Lifetime {
        /// Shortest accepted lifetime in seconds.
        min: u64,
        /// Longest accepted lifetime in seconds.
        max: u64,
        /// `exp - iat` in seconds (0 if `exp` is before `iat`).
        actual: u64,
    },
    /// A value that is not one of the documented ones (e.g. a geo region).
    UnknownValue {
        /// The offending value.
        value: String,
    },
    /// Zoom only honours this claim for hosts (`role_type: 1`).
    RequiresHost,
    /// The claim contradicts another one, or a time cannot be represented.
    Inconsistent {
        /// Which rule is broken.
        reason: &'static str,
    },
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Missing => f.write_str("is required"),
            Problem::Empty => f.write_str("must not be empty"),
            Problem::TooLong { max, actual } => {
                write!(f, "must be at most {max} characters (got {actual})")
            }
            Problem::InvalidCharacter { position, character } => write!(
                f,
                "has {character:?} at position {position}; only visible ASCII characters and spaces are allowed"
            ),
            Problem::WrongType { expected } => write!(f, "must be {expected}"),
            Problem::OutOfRange { min, max, actual } => {
                write!(f, "must be between {min} and {max} (got {actual})")
            }
            Problem::Lifetime { min, max, actual } => write!(
                f,
                "must be between {min} and {max} seconds after iat (got {actual})"
            ),
            Problem::UnknownValue { value } => write!(f, "has unknown value {value:?}"),
            Problem::RequiresHost => f.write_str("is only allowed for hosts (role 1)"),
            Problem::Inconsistent { reason } => f.write_str(reason),
        }
    }
}

/// A claim that breaks Zoom's documented rules. Signing refuses it; so does
/// verification.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid claim `{field}`: {problem}")]
pub struct InvalidClaim {
    field: Field,
    problem: Problem,
}

impl InvalidClaim {
    pub(crate) const fn new(field: Field, problem: Problem) -> Self {
        Self { field, problem }
    }

    /// The claim that is wrong.
    #[must_use]
    pub const fn field(&self) -> Field {
        self.field
    }

    /// What is wrong with it.
    #[must_use]
    pub const fn problem(&self) -> &Problem {
        &self.problem
    }
}

/// Why a token was refused by [`Verifier`](super::Verifier).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// Not a compact JWS with a JSON header and payload.
    #[error("malformed token: {reason}")]
    Malformed {
        /// Which part is malformed.
        reason: &'static str,
    },
    /// The header names an algorithm other than HS256 (including `none`).
    /// Only HS256 is ever accepted, whatever the token says.
    #[error("token is signed with {alg:?}; only HS256 is accepted")]
    WrongAlgorithm {
        /// The `alg` the token claims (cut to 32 characters).
        alg: String,
    },
    /// The signature does not match the secret: wrong secret, or the token
    /// was altered.
    #[error("signature does not match: wrong secret, or the token was altered")]
    BadSignature,
    /// `exp` (plus the leeway) is not after `now`.
    #[error("token expired at {exp} (now {now}); mint a fresh one")]
    Expired {
        /// The token's `exp`.
        exp: u64,
        /// The `now` passed to the verifier, in Unix seconds.
        now: u64,
    },
    /// `iat` is later than `now` plus the leeway: a clock is wrong somewhere.
    #[error("token issued at {iat}, after now ({now}): check the signer's clock")]
    NotYetValid {
        /// The token's `iat`.
        iat: u64,
        /// The `now` passed to the verifier, in Unix seconds.
        now: u64,
    },
    /// The signature is good but a claim breaks Zoom's rules.
    #[error(transparent)]
    InvalidClaim(#[from] InvalidClaim),
}

impl VerifyError {
    /// The claim at fault, if the error is about one.
    #[must_use]
    pub fn field(&self) -> Option<Field> {
        match self {
            VerifyError::InvalidClaim(e) => Some(e.field()),
            VerifyError::Expired { .. } => Some(Field::EXP),
            VerifyError::NotYetValid { .. } => Some(Field::IAT),
            _ => None,
        }
    }
}

/// The secret given to [`Secret::new`](super::Secret::new) is empty.
///
/// An empty HMAC key would let anyone mint tokens that this crate verifies, so
/// it is refused rather than accepted with a warning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the secret is empty: pass the SDK secret from your Zoom app's credentials page")]
pub struct EmptySecret;
