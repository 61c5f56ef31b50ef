//! A denied or revoked permission is a state with the action to take.
mod common;
use common::*;
use zoomkit_core::sdk::{
    ActiveMediaFailed, DevicePermissionChange, MediaType, PermissionName, PermissionState,
};
use zoomkit_core::{
    ActiveMediaFailedCode, DeviceKind, Event, Input, MediaIntent, Remedy, SdkEvent,
};

#[test]
fn camera_permission_revoked_turns_video_off_and_says_what_to_do() {
    let mut h = Harness::new();
    h.connect();
    h.input(Input::Media(MediaIntent::StartVideo)).unwrap();
    h.ok("startVideo");
    let m = h.mark();
    h.sdk(SdkEvent::DevicePermissionChange(DevicePermissionChange {
        name: PermissionName::Camera,
        state: PermissionState::Denied,
    }));
    assert!(h.events_since(m).contains(&Event::PermissionChanged {
        kind: DeviceKind::Camera,
        state: PermissionState::Denied,
        remedy: Some(Remedy::GrantPermission),
    }));
    assert_eq!(
        h.s.permission(DeviceKind::Camera),
        Some((PermissionState::Denied, Some(Remedy::GrantPermission)))
    );
    assert!(!h.s.wanted_video());
    h.expect("stopVideo");

    // Granted again: lists are read again (labels appear), nothing restarts by itself.
    h.ok("stopVideo");
    h.sdk(SdkEvent::DevicePermissionChange(DevicePermissionChange {
        name: PermissionName::Camera,
        state: PermissionState::Granted,
    }));
    h.expect("listDevices");
    assert_eq!(
        h.s.permission(DeviceKind::Camera),
        Some((PermissionState::Granted, None))
    );
}

#[test]
fn active_media_failed_becomes_device_health_with_the_suggested_action() {
    let mut h = Harness::new();
    h.connect();
    let m = h.mark();
    h.sdk(SdkEvent::ActiveMediaFailed(ActiveMediaFailed {
        code: ActiveMediaFailedCode::MicrophonePermissionReset,
        message: "Microphone permission denied".into(),
        kind: MediaType::Audio,
    }));
    let ev = h.events_since(m);
    assert!(ev.contains(&Event::MediaHealth {
        media: MediaType::Audio,
        code: ActiveMediaFailedCode::MicrophonePermissionReset,
        message: "Microphone permission denied".into(),
        remedy: Remedy::GrantPermission,
    }));
    assert!(ev.iter().any(|e| matches!(
        e,
        Event::PermissionChanged {
            kind: DeviceKind::Microphone,
            ..
        }
    )));
    let m = h.mark();
    h.sdk(SdkEvent::ActiveMediaFailed(ActiveMediaFailed {
        code: ActiveMediaFailedCode::AudioStreamMuted,
        message: String::new(),
        kind: MediaType::Audio,
    }));
    assert!(h.events_since(m).iter().any(|e| matches!(
        e,
        Event::MediaHealth {
            remedy: Remedy::ClickToResume,
            ..
        }
    )));
}

#[test]
fn start_video_denied_records_the_permission() {
    let mut h = Harness::new();
    h.connect();
    h.input(Input::Media(MediaIntent::StartVideo)).unwrap();
    h.fail("startVideo", zerr(6100, "VIDEO_USER_FORBIDDEN_CAPTURE"));
    assert_eq!(
        h.s.permission(DeviceKind::Camera).map(|p| p.0),
        Some(PermissionState::Denied)
    );
    assert!(!h.s.wanted_video());
    assert!(h.events.iter().any(|e| matches!(
        e,
        Event::MediaFailed {
            op: "startVideo",
            ..
        }
    )));
    assert!(h.find("startVideo").is_none(), "no retry loop");
}
