//! Properties of signing and verification, over arbitrary valid claims:
//! round trip, tamper evidence, and out-of-range claims named by field.

mod common;

use std::time::{Duration, SystemTime};

use common::strategies;
use common::*;
use proptest::prelude::*;
use zoomkit_server::token::{
    CloudRecordingOption, Field, GeoRegion, InvalidClaim, MeetingSdkSignature, Problem, Role,
    Secret, Verifier, VerifyError, VideoSdkApiToken, VideoSdkToken,
};

fn exact() -> Verifier {
    Verifier::new().leeway(Duration::ZERO)
}

/// Signs `token` of any kind and returns (jwt, verify-at-now).
#[derive(Debug, Clone)]
enum Any {
    Video(VideoSdkToken),
    Meeting(MeetingSdkSignature),
    Api(VideoSdkApiToken),
}

impl Any {
    fn sign(&self, s: &Secret, now: SystemTime) -> String {
        match self {
            Any::Video(t) => t.sign(s, now),
            Any::Meeting(t) => t.sign(s, now),
            Any::Api(t) => t.sign(s, now),
        }
        .expect("valid by construction")
    }

    fn verify(&self, jwt: &str, s: &Secret, now: SystemTime) -> Result<(), VerifyError> {
        match self {
            Any::Video(_) => exact().video_sdk(jwt, s, now).map(drop),
            Any::Meeting(_) => exact().meeting_sdk(jwt, s, now).map(drop),
            Any::Api(_) => exact().video_sdk_api(jwt, s, now).map(drop),
        }
    }
}

fn any_token() -> impl Strategy<Value = Any> {
    prop_oneof![
        strategies::video().prop_map(Any::Video),
        strategies::meeting().prop_map(Any::Meeting),
        strategies::api().prop_map(Any::Api),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn video_sign_then_verify_gives_back_the_claims(
        t in strategies::video(), secret in strategies::secret(), now in strategies::now()
    ) {
        let s = Secret::new(&secret).unwrap();
        let jwt = t.sign(&s, now).unwrap();
        let got = exact().video_sdk(&jwt, &s, now).unwrap();
        prop_assert_eq!(got, t.claims(now).unwrap());
    }

    #[test]
    fn meeting_sign_then_verify_gives_back_the_claims(
        t in strategies::meeting(), secret in strategies::secret(), now in strategies::now()
    ) {
        let s = Secret::new(&secret).unwrap();
        let jwt = t.sign(&s, now).unwrap();
        prop_assert_eq!(exact().meeting_sdk(&jwt, &s, now).unwrap(), t.claims(now).unwrap());
    }

    #[test]
    fn api_sign_then_verify_gives_back_the_claims(
        t in strategies::api(), secret in strategies::secret(), now in strategies::now()
    ) {
        let s = Secret::new(&secret).unwrap();
        let jwt = t.sign(&s, now).unwrap();
        prop_assert_eq!(exact().video_sdk_api(&jwt, &s, now).unwrap(), t.claims(now).unwrap());
    }

    #[test]
    fn signed_tokens_stay_valid_until_exp_and_not_after(
        t in strategies::video(), now in strategies::now()
    ) {
        let s = Secret::new("k").unwrap();
        let jwt = t.sign(&s, now).unwrap();
        let c = t.claims(now).unwrap();
        prop_assert!(exact().video_sdk(&jwt, &s, at(c.exp - 1)).is_ok());
        prop_assert!(exact().video_sdk(&jwt, &s, at(c.iat)).is_ok());
        prop_assert_eq!(
            exact().video_sdk(&jwt, &s, at(c.exp)),
            Err(VerifyError::Expired { exp: c.exp, now: c.exp })
        );
    }

    #[test]
    fn any_one_byte_change_is_refused(
        t in any_token(), now in strategies::now(), pos in any::<prop::sample::Index>(), byte in 0u8..128
    ) {
        let s = Secret::new("one-byte-secret").unwrap();
        let jwt = t.sign(&s, now);
        let mut bytes = jwt.clone().into_bytes();
        let i = pos.index(bytes.len());
        prop_assume!(bytes[i] != byte);
        bytes[i] = byte;
        let altered = String::from_utf8(bytes).unwrap();
        prop_assert!(t.verify(&jwt, &s, now).is_ok());
        prop_assert!(t.verify(&altered, &s, now).is_err(), "accepted {altered} (from {jwt})");
    }

    #[test]
    fn any_deleted_or_inserted_byte_is_refused(
        t in any_token(), now in strategies::now(), pos in any::<prop::sample::Index>(), byte in 0u8..128
    ) {
        let s = Secret::new("one-byte-secret").unwrap();
        let jwt = t.sign(&s, now);
        let mut deleted = jwt.clone();
        deleted.remove(pos.index(jwt.len()));
        prop_assert!(t.verify(&deleted, &s, now).is_err());
        let mut inserted = jwt.clone();
        inserted.insert(pos.index(jwt.len() + 1), char::from(byte));
        prop_assert!(t.verify(&inserted, &s, now).is_err());
    }

    #[test]
    fn another_secret_is_refused(t in any_token(), now in strategies::now(), a in strategies::secret(), b in strategies::secret()) {
        prop_assume!(a != b);
        let jwt = t.sign(&Secret::new(&a).unwrap(), now);
        prop_assert_eq!(t.verify(&jwt, &Secret::new(&b).unwrap(), now), Err(VerifyError::BadSignature));
    }
}

/// One claim pushed outside Zoom's limits, and the field that must be named.
fn bad_video() -> impl Strategy<Value = (VideoSdkToken, Field)> {
    let base = || strategies::video();
    prop_oneof![
        (base(), "[ -~]{201,260}")
            .prop_map(|(_, tpc)| (VideoSdkToken::new("K", tpc, Role::Host), Field::TPC)),
        (base(), "[ -~]{0,20}[^ -~][ -~]{0,20}")
            .prop_map(|(_, tpc)| (VideoSdkToken::new("K", tpc, Role::Host), Field::TPC)),
        base().prop_map(|_| (VideoSdkToken::new("K", "", Role::Host), Field::TPC)),
        base().prop_map(|_| (VideoSdkToken::new("", "s", Role::Host), Field::APP_KEY)),
        (base(), "(?s).{37,60}").prop_map(|(t, v)| (t.user_key(v), Field::USER_KEY)),
        (base(), "(?s).{36,60}").prop_map(|(t, v)| (t.user_identity(v), Field::USER_IDENTITY)),
        (base(), "(?s).{37,60}").prop_map(|(t, v)| (t.session_key(v), Field::SESSION_KEY)),
        base().prop_map(|t| (t.geo_regions(Vec::<GeoRegion>::new()), Field::GEO_REGIONS)),
        (base(), prop_oneof![0u64..1800, 172_801u64..10_000_000])
            .prop_map(|(t, life)| (
                t.valid_for(Duration::from_secs(life))
                    .backdate(Duration::ZERO),
                Field::EXP
            ))
            .prop_filter("a zero lifetime is reported on iat", |(t, _)| t
                .claims(at(2_000_000_000))
                .err()
                .map(|e| e.field())
                != Some(Field::IAT)),
        (strategies::role(), "[ -~]{1,50}").prop_map(|(_, tpc)| (
            VideoSdkToken::new("K", tpc, Role::Participant)
                .cloud_recording_option(CloudRecordingOption::PerUser),
            Field::CLOUD_RECORDING_OPTION
        )),
        (base(), 7200u64..100_000).prop_map(|(t, back)| (
            t.valid_for(Duration::from_secs(7200))
                .backdate(Duration::from_secs(back)),
            Field::IAT
        )),
    ]
}

fn bad_meeting() -> impl Strategy<Value = (MeetingSdkSignature, Field)> {
    prop_oneof![
        "[0-9]{0,8}".prop_map(|mn| (
            MeetingSdkSignature::new("K", mn, Role::Participant),
            Field::MN
        )),
        "[0-9]{12,20}".prop_map(|mn| (
            MeetingSdkSignature::new("K", mn, Role::Participant),
            Field::MN
        )),
        "[0-9]{3,5}[ a-z-][0-9]{3,5}"
            .prop_map(|mn| (MeetingSdkSignature::new("K", mn, Role::Host), Field::MN)),
        Just((
            MeetingSdkSignature::new("", "123456789", Role::Host),
            Field::SDK_KEY
        )),
        prop_oneof![1u64..1800, 172_801u64..1_000_000].prop_map(|life| (
            MeetingSdkSignature::new("K", "123456789", Role::Host)
                .valid_for(Duration::from_secs(life))
                .backdate(Duration::ZERO),
            Field::EXP
        )),
    ]
}

fn bad_api() -> impl Strategy<Value = (VideoSdkApiToken, Field)> {
    prop_oneof![
        (3601u64..1_000_000).prop_map(|life| (
            VideoSdkApiToken::new("K")
                .valid_for(Duration::from_secs(life))
                .backdate(Duration::ZERO),
            Field::EXP
        )),
        Just((VideoSdkApiToken::new(""), Field::ISS)),
        (0u64..600).prop_map(|life| (
            VideoSdkApiToken::new("K")
                .valid_for(Duration::from_secs(life))
                .backdate(Duration::from_secs(life)),
            Field::IAT
        )),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn out_of_range_video_claims_are_refused_by_name((t, field) in bad_video(), now in strategies::now()) {
        let s = Secret::new("k").unwrap();
        prop_assert_eq!(t.sign(&s, now).unwrap_err().field(), field);
        prop_assert_eq!(t.claims(now).unwrap_err().field(), field);
    }

    #[test]
    fn out_of_range_meeting_claims_are_refused_by_name((t, field) in bad_meeting(), now in strategies::now()) {
        let s = Secret::new("k").unwrap();
        prop_assert_eq!(t.sign(&s, now).unwrap_err().field(), field);
    }

    #[test]
    fn out_of_range_api_claims_are_refused_by_name((t, field) in bad_api(), now in strategies::now()) {
        let s = Secret::new("k").unwrap();
        prop_assert_eq!(t.sign(&s, now).unwrap_err().field(), field);
    }
}

/// A valid Video SDK payload with one claim replaced by raw JSON, as another
/// signer might produce; verification must name that claim.
fn bad_video_payload() -> impl Strategy<Value = (String, Field)> {
    let cases: Vec<(&str, &str, Field)> = vec![
        ("role_type", "2", Field::ROLE_TYPE),
        ("role_type", "\"1\"", Field::ROLE_TYPE),
        ("role_type", "-1", Field::ROLE_TYPE),
        ("role_type", "1.5", Field::ROLE_TYPE),
        ("role_type", "null", Field::ROLE_TYPE),
        ("tpc", "\"\"", Field::TPC),
        ("tpc", "7", Field::TPC),
        ("tpc", "\"caf\\u00e9\"", Field::TPC),
        ("app_key", "\"\"", Field::APP_KEY),
        ("app_key", "[]", Field::APP_KEY),
        ("version", "2", Field::VERSION),
        ("version", "\"1\"", Field::VERSION),
        ("iat", "\"1700000000\"", Field::IAT),
        ("exp", "1700000000.5", Field::EXP),
        (
            "user_key",
            "\"0123456789012345678901234567890123456\"",
            Field::USER_KEY,
        ),
        (
            "user_identity",
            "\"012345678901234567890123456789012345\"",
            Field::USER_IDENTITY,
        ),
        ("session_key", "{}", Field::SESSION_KEY),
        ("geo_regions", "\"US,XX\"", Field::GEO_REGIONS),
        ("geo_regions", "\"us\"", Field::GEO_REGIONS),
        ("geo_regions", "\"US, DE\"", Field::GEO_REGIONS),
        ("geo_regions", "\"\"", Field::GEO_REGIONS),
        ("geo_regions", "[\"US\"]", Field::GEO_REGIONS),
        ("cloud_recording_option", "2", Field::CLOUD_RECORDING_OPTION),
        (
            "cloud_recording_election",
            "true",
            Field::CLOUD_RECORDING_ELECTION,
        ),
        (
            "cloud_recording_transcript_option",
            "3",
            Field::CLOUD_RECORDING_TRANSCRIPT_OPTION,
        ),
        ("telemetry_tracking_id", "0", Field::TELEMETRY_TRACKING_ID),
        ("video_webrtc_mode", "2", Field::VIDEO_WEBRTC_MODE),
        ("audio_webrtc_mode", "\"1\"", Field::AUDIO_WEBRTC_MODE),
    ];
    proptest::sample::select(cases).prop_map(|(claim, value, field)| {
        let mut claims = vec![
            ("app_key", "\"KEY\"".to_string()),
            ("role_type", "0".into()),
            ("tpc", "\"Cool Cars\"".into()),
            ("version", "1".into()),
            ("iat", "1700000000".into()),
            ("exp", "1700007200".into()),
        ];
        match claims.iter_mut().find(|(k, _)| *k == claim) {
            Some(slot) => slot.1 = value.to_string(),
            None => claims.push((claim, value.to_string())),
        }
        let body: Vec<String> = claims.iter().map(|(k, v)| format!("\"{k}\":{v}")).collect();
        (format!("{{{}}}", body.join(",")), field)
    })
}

proptest! {
    #[test]
    fn verification_names_the_bad_claim((payload, field) in bad_video_payload()) {
        let jwt = forge(HS256, &payload, "k");
        let err = exact().video_sdk(&jwt, &Secret::new("k").unwrap(), at(1_700_000_100)).unwrap_err();
        prop_assert_eq!(err.field(), Some(field), "{} -> {:?}", payload, err);
        prop_assert!(matches!(err, VerifyError::InvalidClaim(_)));
    }
}

#[test]
fn lifetimes_at_the_edges_of_zoom_window() {
    let s = Secret::new("k").unwrap();
    let now = at(2_000_000_000);
    let token = |life: u64| {
        VideoSdkToken::new("K", "s", Role::Participant)
            .valid_for(Duration::from_secs(life))
            .sign(&s, now)
    };
    assert!(token(1800).is_ok());
    assert!(token(172_800).is_ok());
    let e: InvalidClaim = token(1799).unwrap_err();
    assert_eq!(e.field(), Field::EXP);
    assert_eq!(
        e.problem(),
        &Problem::Lifetime {
            min: 1800,
            max: 172_800,
            actual: 1799
        }
    );
    assert_eq!(
        e.to_string(),
        "invalid claim `exp`: must be between 1800 and 172800 seconds after iat (got 1799)"
    );
    assert_eq!(token(172_801).unwrap_err().field(), Field::EXP);
}
