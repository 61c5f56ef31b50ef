//! The JSON bodies of Zoom's two auth endpoint samples, parsed as leniently
//! as the samples (numbers may arrive as strings, `geoRegions` as a string or
//! an array) but validated as strictly as Zoom documents.

use std::time::Duration;

use serde_json::{Map, Value};

use crate::token::{
    CloudRecordingOption, Field, GeoRegion, InvalidClaim, MeetingSdkSignature, Role,
    TranscriptOption, VideoSdkToken, MAX_SDK_LIFETIME, MIN_SDK_LIFETIME,
};

/// A bad request body: which property, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BodyError {
    pub(crate) property: &'static str,
    pub(crate) reason: String,
}

impl BodyError {
    fn new(property: &'static str, reason: impl Into<String>) -> Self {
        Self {
            property,
            reason: reason.into(),
        }
    }
}

/// The body of `POST /api/zoom/video-token`: the fields of Zoom's
/// videosdk-auth-endpoint-sample, plus `userKey` and
/// `cloudRecordingTranscriptOption`.
///
/// The authorisation hook receives it validated and may change it (say, pin
/// `user_key` to the signed-in user); what it leaves is what gets signed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct VideoTokenRequest {
    /// `sessionName` → `tpc`.
    pub session_name: String,
    /// `role` → `role_type`.
    pub role: Role,
    /// `sessionKey` → `session_key`.
    pub session_key: Option<String>,
    /// `userIdentity` → `user_identity` (what Zoom's sample sends).
    pub user_identity: Option<String>,
    /// `userKey` → `user_key` (the claim's current name).
    pub user_key: Option<String>,
    /// `geoRegions` → `geo_regions`.
    pub geo_regions: Option<Vec<GeoRegion>>,
    /// `expirationSeconds` → `exp - iat`; two hours when absent.
    pub expiration: Option<Duration>,
    /// `cloudRecordingOption`.
    pub cloud_recording_option: Option<CloudRecordingOption>,
    /// `cloudRecordingElection`.
    pub cloud_recording_election: Option<bool>,
    /// `cloudRecordingTranscriptOption`.
    pub cloud_recording_transcript_option: Option<TranscriptOption>,
    /// `telemetryTrackingId`.
    pub telemetry_tracking_id: Option<String>,
    /// `videoWebRtcMode` (also accepted as `videoWebrtcMode`).
    pub video_webrtc_mode: Option<bool>,
    /// `audioWebRtcMode` (also `audioWebrtcMode`, or the deprecated
    /// `audioCompatibleMode`).
    pub audio_webrtc_mode: Option<bool>,
}

/// The body of `POST /api/zoom/meeting-signature`, as in Zoom's
/// meetingsdk-auth-endpoint-sample: `meetingNumber` and `role` together (web)
/// or neither (native).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct MeetingSignatureRequest {
    /// `meetingNumber` → `mn` (digits; a JSON number is accepted too).
    pub meeting_number: Option<String>,
    /// `role`.
    pub role: Option<Role>,
    /// `expirationSeconds`; two hours when absent.
    pub expiration: Option<Duration>,
    /// `videoWebRtcMode` (also `videoWebrtcMode`).
    pub video_webrtc_mode: Option<bool>,
}

fn object(body: &[u8]) -> Result<Map<String, Value>, BodyError> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(BodyError::new("body", "must be a JSON object")),
        Err(e) => Err(BodyError::new("body", format!("is not valid JSON: {e}"))),
    }
}

/// The first of `names` that is present and not null.
fn get<'a>(
    map: &'a Map<String, Value>,
    names: &[&'static str],
) -> Option<(&'static str, &'a Value)> {
    names
        .iter()
        .find_map(|&n| map.get(n).filter(|v| !v.is_null()).map(|v| (n, v)))
}

/// A non-negative integer, or a string of digits (Zoom's samples `parseInt`
/// strings; we accept only clean ones).
fn integer(property: &'static str, v: &Value) -> Result<u64, BodyError> {
    let n = match v {
        Value::Number(n) => n.as_u64(),
        Value::String(s) if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) => {
            s.parse().ok()
        }
        _ => None,
    };
    n.ok_or_else(|| BodyError::new(property, "must be a whole number"))
}

fn choice(property: &'static str, v: &Value, max: u64) -> Result<u8, BodyError> {
    match integer(property, v) {
        Ok(n) if n <= max => Ok(n as u8),
        _ if max == 1 => Err(BodyError::new(property, "must be 0 or 1")),
        _ => Err(BodyError::new(
            property,
            format!("must be a whole number from 0 to {max}"),
        )),
    }
}

fn role(property: &'static str, v: &Value) -> Result<Role, BodyError> {
    choice(property, v, 1).map(|n| {
        if n == 1 {
            Role::Host
        } else {
            Role::Participant
        }
    })
}

fn flag(map: &Map<String, Value>, names: &[&'static str]) -> Result<Option<bool>, BodyError> {
    get(map, names)
        .map(|(p, v)| choice(p, v, 1).map(|n| n == 1))
        .transpose()
}

/// A string; `""` means "not set", as front ends send empty form fields.
fn text(map: &Map<String, Value>, property: &'static str) -> Result<Option<String>, BodyError> {
    match get(map, &[property]) {
        None => Ok(None),
        Some((_, Value::String(s))) if s.is_empty() => Ok(None),
        Some((_, Value::String(s))) => Ok(Some(s.clone())),
        Some(_) => Err(BodyError::new(property, "must be a string")),
    }
}

fn expiration(map: &Map<String, Value>) -> Result<Option<Duration>, BodyError> {
    const P: &str = "expirationSeconds";
    let Some((_, v)) = get(map, &[P]) else {
        return Ok(None);
    };
    let (min, max) = (MIN_SDK_LIFETIME.as_secs(), MAX_SDK_LIFETIME.as_secs());
    match integer(P, v) {
        Ok(n) if (min..=max).contains(&n) => Ok(Some(Duration::from_secs(n))),
        _ => Err(BodyError::new(
            P,
            format!("must be a whole number of seconds from {min} to {max}"),
        )),
    }
}

/// `"US, DE"` or `["US", "DE"]`; whitespace and empty items are dropped, as
/// in Zoom's sample.
fn geo_regions(map: &Map<String, Value>) -> Result<Option<Vec<GeoRegion>>, BodyError> {
    const P: &str = "geoRegions";
    let Some((_, v)) = get(map, &[P]) else {
        return Ok(None);
    };
    let items: Vec<String> = match v {
        Value::String(s) => s
            .split(',')
            .map(|i| i.split_whitespace().collect())
            .collect(),
        Value::Array(a) => a
            .iter()
            .map(|i| match i {
                Value::String(s) => Ok(s.split_whitespace().collect()),
                _ => Err(BodyError::new(P, "must be a string or an array of strings")),
            })
            .collect::<Result<_, _>>()?,
        _ => return Err(BodyError::new(P, "must be a string or an array of strings")),
    };
    let regions = items
        .iter()
        .filter(|i| !i.is_empty())
        .map(|i| {
            i.parse::<GeoRegion>().map_err(|_| {
                let all: Vec<&str> = GeoRegion::ALL.iter().map(|r| r.code()).collect();
                BodyError::new(
                    P,
                    format!(
                        "{:?} is not a Zoom region; expected some of {}",
                        i.chars().take(16).collect::<String>(),
                        all.join(", ")
                    ),
                )
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    if regions.is_empty() {
        return Err(BodyError::new(P, "must name at least one region"));
    }
    Ok(Some(regions))
}

impl VideoTokenRequest {
    /// Parses the body; every error names the camelCase property.
    pub(crate) fn parse(body: &[u8]) -> Result<Self, BodyError> {
        let map = object(body)?;
        let session_name = match get(&map, &["sessionName"]) {
            None => return Err(BodyError::new("sessionName", "is required")),
            Some((_, Value::String(s))) => s.clone(),
            Some(_) => return Err(BodyError::new("sessionName", "must be a string")),
        };
        let role = match get(&map, &["role"]) {
            None => {
                return Err(BodyError::new(
                    "role",
                    "is required (0 participant, 1 host)",
                ))
            }
            Some((p, v)) => role(p, v)?,
        };
        Ok(Self {
            session_name,
            role,
            session_key: text(&map, "sessionKey")?,
            user_identity: text(&map, "userIdentity")?,
            user_key: text(&map, "userKey")?,
            geo_regions: geo_regions(&map)?,
            expiration: expiration(&map)?,
            cloud_recording_option: flag(&map, &["cloudRecordingOption"])?.map(|b| {
                if b {
                    CloudRecordingOption::PerUser
                } else {
                    CloudRecordingOption::Combined
                }
            }),
            cloud_recording_election: flag(&map, &["cloudRecordingElection"])?,
            cloud_recording_transcript_option: get(&map, &["cloudRecordingTranscriptOption"])
                .map(|(p, v)| choice(p, v, 2))
                .transpose()?
                .map(|n| match n {
                    0 => TranscriptOption::None,
                    1 => TranscriptOption::Transcript,
                    _ => TranscriptOption::TranscriptAndSummary,
                }),
            telemetry_tracking_id: text(&map, "telemetryTrackingId")?,
            video_webrtc_mode: flag(&map, &["videoWebRtcMode", "videoWebrtcMode"])?,
            audio_webrtc_mode: flag(
                &map,
                &["audioWebRtcMode", "audioWebrtcMode", "audioCompatibleMode"],
            )?,
        })
    }

    /// The builder for this request, signed with `app_key`.
    pub(crate) fn token(&self, app_key: &str, backdate: Duration) -> VideoSdkToken {
        let mut t = VideoSdkToken::new(app_key, self.session_name.clone(), self.role)
            .backdate(backdate)
            .valid_for(self.expiration.unwrap_or(DEFAULT_EXPIRATION));
        if let Some(v) = &self.session_key {
            t = t.session_key(v.clone());
        }
        if let Some(v) = &self.user_identity {
            t = t.user_identity(v.clone());
        }
        if let Some(v) = &self.user_key {
            t = t.user_key(v.clone());
        }
        if let Some(v) = &self.geo_regions {
            t = t.geo_regions(v.iter().copied());
        }
        if let Some(v) = self.cloud_recording_option {
            t = t.cloud_recording_option(v);
        }
        if let Some(v) = self.cloud_recording_election {
            t = t.cloud_recording_election(v);
        }
        if let Some(v) = self.cloud_recording_transcript_option {
            t = t.cloud_recording_transcript_option(v);
        }
        if let Some(v) = &self.telemetry_tracking_id {
            t = t.telemetry_tracking_id(v.clone());
        }
        if let Some(v) = self.video_webrtc_mode {
            t = t.video_webrtc_mode(v);
        }
        if let Some(v) = self.audio_webrtc_mode {
            t = t.audio_webrtc_mode(v);
        }
        t
    }
}

impl MeetingSignatureRequest {
    /// Parses the body; every error names the camelCase property.
    pub(crate) fn parse(body: &[u8]) -> Result<Self, BodyError> {
        let map = object(body)?;
        let meeting_number = match get(&map, &["meetingNumber"]) {
            None => None,
            Some((_, Value::String(s))) => Some(s.clone()),
            Some((_, Value::Number(n))) if n.is_u64() => Some(n.to_string()),
            Some(_) => {
                return Err(BodyError::new(
                    "meetingNumber",
                    "must be a string of digits",
                ))
            }
        };
        let role = get(&map, &["role"]).map(|(p, v)| role(p, v)).transpose()?;
        match (&meeting_number, role) {
            (Some(_), None) => {
                return Err(BodyError::new(
                    "role",
                    "is required with meetingNumber (0 participant, 1 host)",
                ))
            }
            (None, Some(_)) => {
                return Err(BodyError::new("meetingNumber", "is required with role"))
            }
            _ => {}
        }
        Ok(Self {
            meeting_number,
            role,
            expiration: expiration(&map)?,
            video_webrtc_mode: flag(&map, &["videoWebRtcMode", "videoWebrtcMode"])?,
        })
    }

    pub(crate) fn signature(&self, sdk_key: &str, backdate: Duration) -> MeetingSdkSignature {
        let s = match (&self.meeting_number, self.role) {
            (Some(mn), Some(role)) => MeetingSdkSignature::new(sdk_key, mn.clone(), role),
            _ => MeetingSdkSignature::native(sdk_key),
        };
        let s = s
            .backdate(backdate)
            .valid_for(self.expiration.unwrap_or(DEFAULT_EXPIRATION));
        match self.video_webrtc_mode {
            Some(v) => s.video_webrtc_mode(v),
            None => s,
        }
    }
}

/// Zoom's samples default to two hours.
pub(crate) const DEFAULT_EXPIRATION: Duration = Duration::from_secs(2 * 60 * 60);

/// The body property a claim came from, for 400 answers. `None` for claims
/// the server sets itself (a configuration problem, not the caller's).
pub(crate) fn property_of(e: &InvalidClaim) -> Option<&'static str> {
    Some(match e.field() {
        Field::TPC => "sessionName",
        Field::ROLE_TYPE | Field::ROLE => "role",
        Field::SESSION_KEY => "sessionKey",
        Field::USER_IDENTITY => "userIdentity",
        Field::USER_KEY => "userKey",
        Field::GEO_REGIONS => "geoRegions",
        Field::CLOUD_RECORDING_OPTION => "cloudRecordingOption",
        Field::CLOUD_RECORDING_ELECTION => "cloudRecordingElection",
        Field::CLOUD_RECORDING_TRANSCRIPT_OPTION => "cloudRecordingTranscriptOption",
        Field::TELEMETRY_TRACKING_ID => "telemetryTrackingId",
        Field::VIDEO_WEBRTC_MODE => "videoWebRtcMode",
        Field::AUDIO_WEBRTC_MODE => "audioWebRtcMode",
        Field::MN => "meetingNumber",
        Field::EXP | Field::TOKEN_EXP => "expirationSeconds",
        _ => return None,
    })
}
