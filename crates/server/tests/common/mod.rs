//! Helpers shared by the token tests.
#![allow(dead_code)]

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// Zoom's published Video SDK vector (auth endpoint sample README).
pub const VIDEO_VECTOR: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJhcHBfa2V5IjoiVklERU9fU0RLX0tFWSIsImlhdCI6MTY0NjI0ODc5NiwiZXhwIjoxNjQ2MjU1OTk2LCJ0cGMiOiJDb29sIENhcnMiLCJ1c2VyX2lkZW50aXR5IjoidXNlcjEyMyIsInNlc3Npb25fa2V5Ijoic2Vzc2lvbjEyMyIsInJvbGVfdHlwZSI6MH0.Y6C65mZUxTZFeGiOI6oW5q2UkIXe3nLTK0MVNkfiJ9c";
/// Zoom's published Meeting SDK vector (meetingsdk-auth-endpoint-sample README).
pub const MEETING_VECTOR: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzZGtLZXkiOiJhYmMxMjMiLCJtbiI6IjEyMzQ1Njc4OSIsInJvbGUiOjAsImlhdCI6MTY0NjkzNzU1MywiZXhwIjoxNjQ2OTQ0NzUzLCJhcHBLZXkiOiJhYmMxMjMiLCJ0b2tlbkV4cCI6MTY0Njk0NDc1M30.UcWxbWY-y22wFarBBc9i3lGQuZAsuUpl8GRR8wUah2M";
/// The secret both vectors are signed with.
pub const VECTOR_SECRET: &str = "your-256-bit-secret";

/// `UNIX_EPOCH + secs`.
pub fn at(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}

/// Signs arbitrary header and payload JSON with HS256, to build tokens our
/// builders refuse to make (bad claims, odd headers).
pub fn forge(header_json: &str, payload_json: &str, secret: &str) -> String {
    let signing_input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header_json),
        URL_SAFE_NO_PAD.encode(payload_json)
    );
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(signing_input.as_bytes());
    let sig = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
    format!("{signing_input}.{sig}")
}

/// The standard header.
pub const HS256: &str = r#"{"alg":"HS256","typ":"JWT"}"#;

/// Decodes a token's payload to JSON text.
pub fn payload_json(token: &str) -> String {
    let p = token.split('.').nth(1).unwrap();
    String::from_utf8(URL_SAFE_NO_PAD.decode(p).unwrap()).unwrap()
}

pub mod strategies {
    //! proptest strategies for valid builders of every kind, with the `now`
    //! to sign at.
    use std::time::{Duration, SystemTime};

    use proptest::prelude::*;
    use zoomkit_server::token::{
        CloudRecordingOption, GeoRegion, MeetingSdkSignature, Role, TranscriptOption,
        VideoSdkApiToken, VideoSdkToken,
    };

    pub fn now() -> impl Strategy<Value = SystemTime> {
        (1_000_000_000u64..4_000_000_000).prop_map(super::at)
    }

    pub fn role() -> impl Strategy<Value = Role> {
        prop_oneof![Just(Role::Participant), Just(Role::Host)]
    }

    /// Any non-empty secret, Unicode included (keyed as UTF-8 bytes).
    pub fn secret() -> impl Strategy<Value = String> {
        "(?s).{1,70}"
    }

    /// (lifetime, backdate) with backdate < lifetime, in `[min, max]`.
    pub fn window(min: u64, max: u64) -> impl Strategy<Value = (Duration, Duration)> {
        (min..=max, any::<u64>()).prop_map(|(life, b)| {
            let backdate = if b % 4 == 0 { 0 } else { b % life.min(3600) };
            (Duration::from_secs(life), Duration::from_secs(backdate))
        })
    }

    /// Free text: any characters, controls and quotes included, to exercise
    /// JSON escaping.
    pub fn text(max: usize) -> impl Strategy<Value = String> {
        proptest::string::string_regex(&format!("(?s).{{0,{max}}}")).unwrap()
    }

    pub fn video() -> impl Strategy<Value = VideoSdkToken> {
        let required = ("[A-Za-z0-9_-]{1,40}", "[ -~]{1,200}", role());
        let ids = (
            proptest::option::of(text(36)),
            proptest::option::of(text(35)),
            proptest::option::of(text(36)),
            proptest::option::of(text(40)),
        );
        let geo = proptest::option::of(
            proptest::sample::subsequence(GeoRegion::ALL.to_vec(), 1..=GeoRegion::ALL.len())
                .prop_shuffle(),
        );
        let recording = (
            proptest::option::of(prop_oneof![
                Just(CloudRecordingOption::Combined),
                Just(CloudRecordingOption::PerUser)
            ]),
            proptest::option::of(any::<bool>()),
            proptest::option::of(prop_oneof![
                Just(TranscriptOption::None),
                Just(TranscriptOption::Transcript),
                Just(TranscriptOption::TranscriptAndSummary)
            ]),
        );
        let modes = (
            proptest::option::of(any::<bool>()),
            proptest::option::of(any::<bool>()),
        );
        (required, ids, geo, recording, modes, window(1800, 172_800)).prop_map(
            |(
                (key, tpc, role),
                (uk, ui, sk, tel),
                geo,
                (crec, elect, trans),
                (vw, aw),
                (life, back),
            )| {
                let mut t = VideoSdkToken::new(key, tpc, role)
                    .valid_for(life)
                    .backdate(back);
                if let Some(v) = uk {
                    t = t.user_key(v);
                }
                if let Some(v) = ui {
                    t = t.user_identity(v);
                }
                if let Some(v) = sk {
                    t = t.session_key(v);
                }
                if let Some(v) = tel {
                    t = t.telemetry_tracking_id(v);
                }
                if let Some(v) = geo {
                    t = t.geo_regions(v);
                }
                if let Some(mut v) = crec {
                    if role != Role::Host {
                        v = CloudRecordingOption::Combined;
                    }
                    t = t.cloud_recording_option(v);
                }
                if let Some(v) = elect {
                    t = t.cloud_recording_election(v);
                }
                if let Some(v) = trans {
                    t = t.cloud_recording_transcript_option(v);
                }
                if let Some(v) = vw {
                    t = t.video_webrtc_mode(v);
                }
                if let Some(v) = aw {
                    t = t.audio_webrtc_mode(v);
                }
                t
            },
        )
    }

    pub fn meeting() -> impl Strategy<Value = MeetingSdkSignature> {
        (
            "[A-Za-z0-9_]{1,40}",
            "[1-9][0-9]{8,10}",
            role(),
            proptest::option::of(any::<bool>()),
            proptest::bool::weighted(0.15),
            window(1800, 172_800),
        )
            .prop_map(|(key, mn, role, webrtc, native, (life, back))| {
                let mut s = if native {
                    MeetingSdkSignature::native(key)
                } else {
                    MeetingSdkSignature::new(key, mn, role)
                };
                if let Some(w) = webrtc {
                    s = s.video_webrtc_mode(w);
                }
                s.valid_for(life).backdate(back)
            })
    }

    pub fn api() -> impl Strategy<Value = VideoSdkApiToken> {
        ("[A-Za-z0-9_-]{1,40}", window(1, 3600)).prop_map(|(iss, (life, back))| {
            VideoSdkApiToken::new(iss).valid_for(life).backdate(back)
        })
    }
}
