//! Zoom's two published test vectors verify, inside their validity window.
//!
//! Both are from the official auth endpoint samples' READMEs (see
//! /work/shared/REFERENCE.md): signed with `your-256-bit-secret`, `exp - iat`
//! 7200 s, long expired, so `now` is passed in.

mod common;

use std::time::Duration;

use common::*;
use zoomkit_server::token::{Field, Role, Secret, Verifier, VerifyError};

const VIDEO_IAT: u64 = 1_646_248_796;
const VIDEO_EXP: u64 = 1_646_255_996;
const MEETING_IAT: u64 = 1_646_937_553;
const MEETING_EXP: u64 = 1_646_944_753;

fn secret() -> Secret {
    Secret::new(VECTOR_SECRET).unwrap()
}

#[test]
fn video_sdk_vector_verifies_inside_its_window() {
    let strict = Verifier::new().leeway(Duration::ZERO);
    for now in [VIDEO_IAT, VIDEO_IAT + 3600, VIDEO_EXP - 1] {
        let c = strict.video_sdk(VIDEO_VECTOR, &secret(), at(now)).unwrap();
        assert_eq!(c.app_key, "VIDEO_SDK_KEY");
        assert_eq!(c.tpc, "Cool Cars");
        assert_eq!(c.role_type, Role::Participant);
        assert_eq!(c.user_identity.as_deref(), Some("user123"));
        assert_eq!(c.session_key.as_deref(), Some("session123"));
        assert_eq!((c.iat, c.exp), (VIDEO_IAT, VIDEO_EXP));
        // Zoom's own vector has no `version`: verification must allow that.
        assert_eq!(c.version, None);
        assert_eq!(c.user_key, None);
    }
}

#[test]
fn meeting_sdk_vector_verifies_inside_its_window() {
    let strict = Verifier::new().leeway(Duration::ZERO);
    for now in [MEETING_IAT, MEETING_EXP - 1] {
        let c = strict
            .meeting_sdk(MEETING_VECTOR, &secret(), at(now))
            .unwrap();
        assert_eq!(c.sdk_key.as_deref(), Some("abc123"));
        assert_eq!(c.app_key.as_deref(), Some("abc123"));
        assert_eq!(c.meeting_number.as_deref(), Some("123456789"));
        assert_eq!(c.role, Some(Role::Participant));
        assert_eq!(
            (c.iat, c.exp, c.token_exp),
            (MEETING_IAT, MEETING_EXP, MEETING_EXP)
        );
    }
}

#[test]
fn vectors_are_refused_outside_their_window() {
    let strict = Verifier::new().leeway(Duration::ZERO);
    assert_eq!(
        strict.video_sdk(VIDEO_VECTOR, &secret(), at(VIDEO_EXP)),
        Err(VerifyError::Expired {
            exp: VIDEO_EXP,
            now: VIDEO_EXP
        })
    );
    assert_eq!(
        strict.video_sdk(VIDEO_VECTOR, &secret(), at(VIDEO_IAT - 1)),
        Err(VerifyError::NotYetValid {
            iat: VIDEO_IAT,
            now: VIDEO_IAT - 1
        })
    );
    let e = strict
        .meeting_sdk(MEETING_VECTOR, &secret(), at(MEETING_EXP + 10))
        .unwrap_err();
    assert_eq!(e.field(), Some(Field::EXP));
    // Today they are simply expired.
    let now = std::time::SystemTime::now();
    assert!(matches!(
        Verifier::new().video_sdk(VIDEO_VECTOR, &secret(), now),
        Err(VerifyError::Expired { .. })
    ));
}

#[test]
fn leeway_extends_both_ends_of_the_window() {
    let v = Verifier::new().leeway(Duration::from_secs(60));
    assert!(v
        .video_sdk(VIDEO_VECTOR, &secret(), at(VIDEO_EXP + 59))
        .is_ok());
    assert!(v
        .video_sdk(VIDEO_VECTOR, &secret(), at(VIDEO_EXP + 60))
        .is_err());
    assert!(v
        .video_sdk(VIDEO_VECTOR, &secret(), at(VIDEO_IAT - 60))
        .is_ok());
    assert!(v
        .video_sdk(VIDEO_VECTOR, &secret(), at(VIDEO_IAT - 61))
        .is_err());
}

#[test]
fn vectors_fail_with_another_secret_or_as_the_other_kind() {
    let wrong = Secret::new("your-256-bit-secreT").unwrap();
    let now = at(VIDEO_IAT + 1);
    assert_eq!(
        Verifier::new().video_sdk(VIDEO_VECTOR, &wrong, now),
        Err(VerifyError::BadSignature)
    );
    // A Meeting SDK signature is not a Video SDK token: it has no app_key.
    let e = Verifier::new()
        .video_sdk(MEETING_VECTOR, &secret(), at(MEETING_IAT + 1))
        .unwrap_err();
    assert_eq!(e.field(), Some(Field::APP_KEY));
    // And a Video SDK token is not a Meeting SDK signature.
    let e = Verifier::new()
        .meeting_sdk(VIDEO_VECTOR, &secret(), now)
        .unwrap_err();
    assert_eq!(e.field(), Some(Field::SDK_KEY));
}
