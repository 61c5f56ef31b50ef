//! The driver decodes Zoom's JS payloads with serde: the shapes are Zoom's
//! (camelCase), unknown strings are kept, and a missing field is named.
use zoomkit_core::sdk::{
    AudioChangeSource, AudioType, ConnectionReason, ConnectionState, PassiveStopShareReason,
};
use zoomkit_core::{ActiveMediaFailedCode, ErrorCode, ErrorType, SdkEvent, ZoomError};

fn decode(name: &str, json: &str) -> Result<SdkEvent, serde_json::Error> {
    SdkEvent::decode(name, &mut serde_json::Deserializer::from_str(json))
}

#[test]
fn payloads_decode_from_zooms_shapes() {
    match decode(
        "connection-change",
        r#"{"state":"Fail","reason":"x","errorCode":4004}"#,
    )
    .unwrap()
    {
        SdkEvent::ConnectionChange(c) => {
            assert_eq!(c.state, ConnectionState::Fail);
            assert_eq!(c.reason, Some(ConnectionReason::Other("x".into())));
            assert_eq!(c.error_code, Some(4004));
        }
        other => panic!("{other:?}"),
    }
    match decode(
        "user-updated",
        r#"[{"userId":16778240,"displayName":"Bob","audio":"computer","bVideoOn":true,"isInFailover":true,"isAllowIndividualRecording":false,"avatar":"x"}]"#,
    )
    .unwrap()
    {
        SdkEvent::UserUpdated(v) => {
            assert_eq!(v[0].user_id.0, 16_778_240);
            assert_eq!(v[0].audio, Some(AudioType::Computer));
            assert_eq!(v[0].b_video_on, Some(true));
            assert_eq!(v[0].is_in_failover, Some(true));
        }
        other => panic!("{other:?}"),
    }
    match decode(
        "current-audio-change",
        r#"{"action":"leave","source":"audio stream is ended by system"}"#,
    )
    .unwrap()
    {
        SdkEvent::CurrentAudioChange(c) => {
            assert_eq!(c.source, Some(AudioChangeSource::EndedBySystem))
        }
        other => panic!("{other:?}"),
    }
    match decode(
        "active-media-failed",
        r#"{"code":203,"message":"m","type":"video"}"#,
    )
    .unwrap()
    {
        SdkEvent::ActiveMediaFailed(f) => {
            assert_eq!(f.code, ActiveMediaFailedCode::CameraPermissionReset)
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        decode("passively-stop-share", r#""StopScreenCapture""#).unwrap(),
        SdkEvent::PassivelyStopShare(PassiveStopShareReason::StopScreenCapture)
    );
    // Events without a payload never read it.
    assert_eq!(decode("device-change", "").unwrap(), SdkEvent::DeviceChange);
    assert_eq!(
        decode("speaking-while-muted", "").unwrap(),
        SdkEvent::SpeakingWhileMuted
    );
}

#[test]
fn errors_name_the_field_or_the_event() {
    let e = decode("user-added", r#"[{"displayName":"x"}]"#).unwrap_err();
    assert!(e.to_string().contains("userId"), "{e}");
    let e = decode("video-capturing-change", r#"{"state":"Sideways"}"#).unwrap_err();
    assert!(e.to_string().contains("Sideways"), "{e}");
    let e = decode("no-such-event", "{}").unwrap_err();
    assert!(e.to_string().contains("no-such-event"));
}

#[test]
fn rejections_decode_and_keep_everything() {
    let e: ZoomError = serde_json::from_str(
        r#"{"type":"INSUFFICIENT_PRIVILEGES","reason":"AUDIO_CAPTURE_FAILED","errorCode":6010}"#,
    )
    .unwrap();
    assert_eq!(e.kind, Some(ErrorType::InsufficientPrivileges));
    assert_eq!(e.code(), ErrorCode::AudioCaptureFailed);
    let e: ZoomError = serde_json::from_str(
        r#"{"type":"INVALID_OPERATION","reason":"required extension","extensionUrl":"https://x"}"#,
    )
    .unwrap();
    assert_eq!(e.error_code, None);
    assert_eq!(e.classify().remedy, zoomkit_core::Remedy::InstallExtension);
    let e: ZoomError =
        serde_json::from_str(r#"{"type":"SOMETHING_NEW","reason":"r","errorCode":123456}"#)
            .unwrap();
    assert_eq!(e.kind, Some(ErrorType::Other("SOMETHING_NEW".into())));
    assert_eq!(e.code(), ErrorCode::Unknown(123_456));
    let back = serde_json::to_value(&e).unwrap();
    assert_eq!(back["type"], "SOMETHING_NEW");
    assert_eq!(back["errorCode"], 123_456);
}
