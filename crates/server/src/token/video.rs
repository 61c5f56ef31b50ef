//! The Video SDK JWT, which a client passes to `client.join(topic, token, ...)`.
//!
//! Claims and limits: `skill/references/auth.md` in `@zoom/videosdk` 2.5.0.

use std::fmt;
use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};

use super::jwt::{self, take, Scalar};
use super::{
    check_len, check_lifetime, check_non_empty, ser_flag, window, CloudRecordingOption, Field,
    GeoRegion, InvalidClaim, Problem, Role, Secret, TranscriptOption, VerifyError,
    DEFAULT_BACKDATE, MAX_SDK_LIFETIME, MIN_SDK_LIFETIME,
};

/// `tpc`: at most 200 characters.
pub(crate) const MAX_TPC: usize = 200;
/// `user_key`, `session_key`: at most 36 characters.
pub(crate) const MAX_KEY: usize = 36;
/// `user_identity`: Zoom's auth endpoint sample caps it at 35.
pub(crate) const MAX_USER_IDENTITY: usize = 35;

/// The claims of a Video SDK JWT, as verified by
/// [`Verifier::video_sdk`](super::Verifier::video_sdk) or built by
/// [`VideoSdkToken::claims`].
///
/// Optional claims are `None` when absent (or `null`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct VideoSdkClaims {
    /// `app_key`: the Video SDK key.
    pub app_key: String,
    /// `role_type`.
    pub role_type: Role,
    /// `tpc`: the session name. Zoom matches it case-insensitively.
    pub tpc: String,
    /// `version`: 1. Tokens we sign always carry it; verification also accepts
    /// tokens without it, because Zoom's own published vector has none.
    pub version: Option<u8>,
    /// `iat`, Unix seconds.
    pub iat: u64,
    /// `exp`, Unix seconds; `exp - iat` is between 30 minutes and 48 hours.
    pub exp: u64,
    /// `user_key`: the app's id for the user, at most 36 characters.
    pub user_key: Option<String>,
    /// `user_identity`: the former name of `user_key`, still sent by Zoom's
    /// auth endpoint sample, which caps it at 35 characters.
    pub user_identity: Option<String>,
    /// `session_key`: at most 36 characters; if the host sets one, everyone
    /// must supply the same.
    pub session_key: Option<String>,
    /// `geo_regions`, in order of preference.
    pub geo_regions: Option<Vec<GeoRegion>>,
    /// `cloud_recording_option`; `PerUser` is for hosts only.
    pub cloud_recording_option: Option<CloudRecordingOption>,
    /// `cloud_recording_election`: record the user's self view.
    pub cloud_recording_election: Option<bool>,
    /// `cloud_recording_transcript_option`.
    pub cloud_recording_transcript_option: Option<TranscriptOption>,
    /// `telemetry_tracking_id` (Web SDK client telemetry).
    pub telemetry_tracking_id: Option<String>,
    /// `video_webrtc_mode`: use WebRTC video (no SharedArrayBuffer needed).
    pub video_webrtc_mode: Option<bool>,
    /// `audio_webrtc_mode`: use WebRTC audio.
    pub audio_webrtc_mode: Option<bool>,
}

/// Comma list written straight into the JSON string, without a temporary.
struct GeoList<'a>(&'a [GeoRegion]);

impl fmt::Display for GeoList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, r) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            f.write_str(r.code())?;
        }
        Ok(())
    }
}

impl Serialize for GeoList<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// What gets serialised: borrowed from the claims, with the times supplied,
/// so signing from a builder copies no strings. Key order follows Zoom's docs.
#[derive(Serialize)]
struct Payload<'a> {
    app_key: &'a str,
    role_type: Role,
    tpc: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<u8>,
    iat: u64,
    exp: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    user_key: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    user_identity: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    session_key: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    geo_regions: Option<GeoList<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cloud_recording_option: Option<CloudRecordingOption>,
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "ser_flag")]
    cloud_recording_election: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    telemetry_tracking_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "ser_flag")]
    video_webrtc_mode: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "ser_flag")]
    audio_webrtc_mode: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cloud_recording_transcript_option: Option<TranscriptOption>,
}

#[derive(Deserialize)]
struct Raw<'a> {
    #[serde(borrow)]
    app_key: Option<Scalar<'a>>,
    #[serde(borrow)]
    role_type: Option<Scalar<'a>>,
    #[serde(borrow)]
    tpc: Option<Scalar<'a>>,
    #[serde(borrow)]
    version: Option<Scalar<'a>>,
    #[serde(borrow)]
    iat: Option<Scalar<'a>>,
    #[serde(borrow)]
    exp: Option<Scalar<'a>>,
    #[serde(borrow)]
    user_key: Option<Scalar<'a>>,
    #[serde(borrow)]
    user_identity: Option<Scalar<'a>>,
    #[serde(borrow)]
    session_key: Option<Scalar<'a>>,
    #[serde(borrow)]
    geo_regions: Option<Scalar<'a>>,
    #[serde(borrow)]
    cloud_recording_option: Option<Scalar<'a>>,
    #[serde(borrow)]
    cloud_recording_election: Option<Scalar<'a>>,
    #[serde(borrow)]
    cloud_recording_transcript_option: Option<Scalar<'a>>,
    #[serde(borrow)]
    telemetry_tracking_id: Option<Scalar<'a>>,
    #[serde(borrow)]
    video_webrtc_mode: Option<Scalar<'a>>,
    #[serde(borrow)]
    audio_webrtc_mode: Option<Scalar<'a>>,
}

impl VideoSdkClaims {
    fn payload(&self, iat: u64, exp: u64) -> Payload<'_> {
        Payload {
            app_key: &self.app_key,
            role_type: self.role_type,
            tpc: &self.tpc,
            version: self.version,
            iat,
            exp,
            user_key: self.user_key.as_deref(),
            user_identity: self.user_identity.as_deref(),
            session_key: self.session_key.as_deref(),
            geo_regions: self.geo_regions.as_deref().map(GeoList),
            cloud_recording_option: self.cloud_recording_option,
            cloud_recording_election: self.cloud_recording_election,
            telemetry_tracking_id: self.telemetry_tracking_id.as_deref(),
            video_webrtc_mode: self.video_webrtc_mode,
            audio_webrtc_mode: self.audio_webrtc_mode,
            cloud_recording_transcript_option: self.cloud_recording_transcript_option,
        }
    }

    /// Zoom's rules, with the times passed in. `signing` demands `version: 1`,
    /// which verification lets be absent.
    fn validate(&self, iat: u64, exp: u64, signing: bool) -> Result<(), InvalidClaim> {
        check_non_empty(Field::APP_KEY, &self.app_key)?;
        check_tpc(&self.tpc)?;
        match self.version {
            Some(1) => {}
            None if !signing => {}
            None => return Err(InvalidClaim::new(Field::VERSION, Problem::Missing)),
            Some(v) => {
                return Err(InvalidClaim::new(
                    Field::VERSION,
                    Problem::OutOfRange {
                        min: 1,
                        max: 1,
                        actual: v.into(),
                    },
                ))
            }
        }
        check_lifetime(iat, exp, MIN_SDK_LIFETIME, MAX_SDK_LIFETIME)?;
        if let Some(k) = &self.user_key {
            check_len(Field::USER_KEY, k, MAX_KEY)?;
        }
        if let Some(k) = &self.user_identity {
            check_len(Field::USER_IDENTITY, k, MAX_USER_IDENTITY)?;
        }
        if let Some(k) = &self.session_key {
            check_len(Field::SESSION_KEY, k, MAX_KEY)?;
        }
        if let Some(g) = &self.geo_regions {
            if g.is_empty() {
                return Err(InvalidClaim::new(Field::GEO_REGIONS, Problem::Empty));
            }
        }
        if self.cloud_recording_option == Some(CloudRecordingOption::PerUser)
            && self.role_type != Role::Host
        {
            return Err(InvalidClaim::new(
                Field::CLOUD_RECORDING_OPTION,
                Problem::RequiresHost,
            ));
        }
        Ok(())
    }

    /// Parses and validates a verified payload.
    pub(crate) fn from_payload(json: &[u8]) -> Result<Self, VerifyError> {
        let raw: Raw<'_> = jwt::parse_claims(json)?;
        // Taken in the docs' order, so the first problem reported is stable.
        let app_key = take::string(Field::APP_KEY, raw.app_key)?;
        let role_type = match take::uint(Field::ROLE_TYPE, raw.role_type)? {
            0 => Role::Participant,
            1 => Role::Host,
            n => {
                return Err(InvalidClaim::new(
                    Field::ROLE_TYPE,
                    Problem::OutOfRange {
                        min: 0,
                        max: 1,
                        actual: n,
                    },
                )
                .into())
            }
        };
        let claims = VideoSdkClaims {
            app_key,
            role_type,
            tpc: take::string(Field::TPC, raw.tpc)?,
            version: match take::opt_uint(Field::VERSION, raw.version)? {
                None => None,
                Some(1) => Some(1),
                Some(n) => {
                    return Err(InvalidClaim::new(
                        Field::VERSION,
                        Problem::OutOfRange {
                            min: 1,
                            max: 1,
                            actual: n,
                        },
                    )
                    .into())
                }
            },
            iat: take::uint(Field::IAT, raw.iat)?,
            exp: take::uint(Field::EXP, raw.exp)?,
            user_key: take::opt_string(Field::USER_KEY, raw.user_key)?,
            user_identity: take::opt_string(Field::USER_IDENTITY, raw.user_identity)?,
            session_key: take::opt_string(Field::SESSION_KEY, raw.session_key)?,
            geo_regions: take::opt_string(Field::GEO_REGIONS, raw.geo_regions)?
                .map(|s| parse_geo_regions(&s))
                .transpose()?,
            cloud_recording_option: take::opt_small(
                Field::CLOUD_RECORDING_OPTION,
                raw.cloud_recording_option,
                1,
            )?
            .map(|n| {
                if n == 1 {
                    CloudRecordingOption::PerUser
                } else {
                    CloudRecordingOption::Combined
                }
            }),
            cloud_recording_election: take::opt_flag(
                Field::CLOUD_RECORDING_ELECTION,
                raw.cloud_recording_election,
            )?,
            cloud_recording_transcript_option: take::opt_small(
                Field::CLOUD_RECORDING_TRANSCRIPT_OPTION,
                raw.cloud_recording_transcript_option,
                2,
            )?
            .map(|n| match n {
                0 => TranscriptOption::None,
                1 => TranscriptOption::Transcript,
                _ => TranscriptOption::TranscriptAndSummary,
            }),
            telemetry_tracking_id: take::opt_string(
                Field::TELEMETRY_TRACKING_ID,
                raw.telemetry_tracking_id,
            )?,
            video_webrtc_mode: take::opt_flag(Field::VIDEO_WEBRTC_MODE, raw.video_webrtc_mode)?,
            audio_webrtc_mode: take::opt_flag(Field::AUDIO_WEBRTC_MODE, raw.audio_webrtc_mode)?,
        };
        claims.validate(claims.iat, claims.exp, false)?;
        Ok(claims)
    }
}

/// `tpc`: required, at most 200 characters, visible ASCII and space.
pub(crate) fn check_tpc(tpc: &str) -> Result<(), InvalidClaim> {
    check_non_empty(Field::TPC, tpc)?;
    if let Some((position, character)) = tpc
        .chars()
        .enumerate()
        .find(|(_, c)| !matches!(c, ' '..='~'))
    {
        return Err(InvalidClaim::new(
            Field::TPC,
            Problem::InvalidCharacter {
                position,
                character,
            },
        ));
    }
    // All ASCII from here, so bytes are characters.
    check_len(Field::TPC, tpc, MAX_TPC)
}

/// `US,AU` -> `[Us, Au]`. Strict: upper case, no spaces, nothing empty.
pub(crate) fn parse_geo_regions(s: &str) -> Result<Vec<GeoRegion>, InvalidClaim> {
    if s.is_empty() {
        return Err(InvalidClaim::new(Field::GEO_REGIONS, Problem::Empty));
    }
    s.split(',').map(str::parse).collect()
}

/// Builds and signs a Video SDK JWT.
///
/// Defaults: `version: 1`, `iat` 30 seconds before `now`
/// ([`DEFAULT_BACKDATE`]), `exp - iat` two hours, as in Zoom's sample.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use zoomkit_server::token::{GeoRegion, Role, Secret, VideoSdkToken};
///
/// let secret = Secret::new("your-256-bit-secret")?;
/// let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
/// let token = VideoSdkToken::new("VIDEO_SDK_KEY", "Cool Cars", Role::Host)
///     .session_key("session123")
///     .geo_regions([GeoRegion::Us, GeoRegion::De])
///     .video_webrtc_mode(true);
/// let claims = token.claims(now)?;
/// assert_eq!((claims.iat, claims.exp), (1_699_999_970, 1_700_007_170));
/// let jwt = token.sign(&secret, now)?;
/// assert!(jwt.starts_with("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub struct VideoSdkToken {
    claims: VideoSdkClaims,
    lifetime: Duration,
    backdate: Duration,
}

impl VideoSdkToken {
    /// The required claims: SDK key, session name (`tpc`) and role.
    pub fn new(app_key: impl Into<String>, session_name: impl Into<String>, role: Role) -> Self {
        Self {
            claims: VideoSdkClaims {
                app_key: app_key.into(),
                role_type: role,
                tpc: session_name.into(),
                version: Some(1),
                iat: 0,
                exp: 0,
                user_key: None,
                user_identity: None,
                session_key: None,
                geo_regions: None,
                cloud_recording_option: None,
                cloud_recording_election: None,
                cloud_recording_transcript_option: None,
                telemetry_tracking_id: None,
                video_webrtc_mode: None,
                audio_webrtc_mode: None,
            },
            lifetime: Duration::from_secs(2 * 60 * 60),
            backdate: DEFAULT_BACKDATE,
        }
    }

    /// `user_key` (at most 36 characters): your id for the user, reported
    /// back in Zoom's usage reports and session APIs.
    pub fn user_key(mut self, user_key: impl Into<String>) -> Self {
        self.claims.user_key = Some(user_key.into());
        self
    }

    /// `user_identity` (at most 35 characters): the legacy name of
    /// `user_key`, for clients that still read it.
    pub fn user_identity(mut self, user_identity: impl Into<String>) -> Self {
        self.claims.user_identity = Some(user_identity.into());
        self
    }

    /// `session_key` (at most 36 characters).
    pub fn session_key(mut self, session_key: impl Into<String>) -> Self {
        self.claims.session_key = Some(session_key.into());
        self
    }

    /// `geo_regions`, in order of preference; must not be empty.
    pub fn geo_regions(mut self, regions: impl IntoIterator<Item = GeoRegion>) -> Self {
        self.claims.geo_regions = Some(regions.into_iter().collect());
        self
    }

    /// `cloud_recording_option`. `PerUser` requires [`Role::Host`].
    pub fn cloud_recording_option(mut self, option: CloudRecordingOption) -> Self {
        self.claims.cloud_recording_option = Some(option);
        self
    }

    /// `cloud_recording_election`: record this user's self view.
    pub fn cloud_recording_election(mut self, record_self_view: bool) -> Self {
        self.claims.cloud_recording_election = Some(record_self_view);
        self
    }

    /// `cloud_recording_transcript_option`.
    pub fn cloud_recording_transcript_option(mut self, option: TranscriptOption) -> Self {
        self.claims.cloud_recording_transcript_option = Some(option);
        self
    }

    /// `telemetry_tracking_id`.
    pub fn telemetry_tracking_id(mut self, id: impl Into<String>) -> Self {
        self.claims.telemetry_tracking_id = Some(id.into());
        self
    }

    /// `video_webrtc_mode`: WebRTC video needs no cross-origin isolation.
    pub fn video_webrtc_mode(mut self, enabled: bool) -> Self {
        self.claims.video_webrtc_mode = Some(enabled);
        self
    }

    /// `audio_webrtc_mode`.
    pub fn audio_webrtc_mode(mut self, enabled: bool) -> Self {
        self.claims.audio_webrtc_mode = Some(enabled);
        self
    }

    /// `exp - iat`: between 30 minutes and 48 hours (whole seconds).
    pub fn valid_for(mut self, lifetime: Duration) -> Self {
        self.lifetime = lifetime;
        self
    }

    /// How far before `now` to put `iat` (whole seconds). Must be shorter than
    /// the lifetime. `Duration::ZERO` for `iat = now`.
    pub fn backdate(mut self, backdate: Duration) -> Self {
        self.backdate = backdate;
        self
    }

    /// The validated claims this builder would sign at `now`.
    pub fn claims(&self, now: SystemTime) -> Result<VideoSdkClaims, InvalidClaim> {
        let (iat, exp) = window(now, self.backdate, self.lifetime)?;
        self.claims.validate(iat, exp, true)?;
        Ok(VideoSdkClaims {
            iat,
            exp,
            ..self.claims.clone()
        })
    }

    /// Validates every claim and signs with the Video SDK secret.
    pub fn sign(&self, secret: &Secret, now: SystemTime) -> Result<String, InvalidClaim> {
        let (iat, exp) = window(now, self.backdate, self.lifetime)?;
        self.claims.validate(iat, exp, true)?;
        Ok(jwt::sign(secret, &self.claims.payload(iat, exp)))
    }
}
