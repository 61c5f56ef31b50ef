//! The quality controller's capture decision reaches the camera: the SDK takes
//! capture options only in `startVideo`, so a running camera is restarted
//! once per profile change, quietly for the app.
mod common;
use common::*;
use zoomkit_core::{CaptureProfile, Event, Input, MediaIntent, Op, VideoQuality};

fn start_camera(h: &mut Harness) {
    h.input(Input::Media(MediaIntent::StartVideo)).unwrap();
    h.ok("startVideo");
    assert!(h.s.video_on());
}

/// Connected, with the camera on.
fn camera_on() -> Harness {
    let mut h = Harness::new();
    h.connect();
    start_camera(&mut h);
    h
}

fn decide(h: &mut Harness, quality: VideoQuality) {
    h.input(Input::CaptureQuality(quality)).unwrap();
}

fn capture_of(op: &Op) -> CaptureProfile {
    match op {
        Op::StartVideo { capture, .. } => *capture,
        other => panic!("not a start: {other:?}"),
    }
}

#[test]
fn profiles_follow_the_sdk_options() {
    use VideoQuality::*;
    let cases = [
        (Video90P, CaptureProfile::Standard),
        (Video180P, CaptureProfile::Standard),
        (Video360P, CaptureProfile::Standard),
        (Video720P, CaptureProfile::Hd),
        (Video1080P, CaptureProfile::FullHd),
    ];
    for (q, p) in cases {
        assert_eq!(CaptureProfile::for_quality(q), p, "{q}");
    }
    assert!(CaptureProfile::Hd.hd() && !CaptureProfile::Hd.full_hd());
    assert!(CaptureProfile::FullHd.full_hd() && !CaptureProfile::FullHd.hd());
    assert!(!CaptureProfile::Standard.hd() && !CaptureProfile::Standard.full_hd());
}

#[test]
fn a_decision_before_the_camera_starts_is_used_by_the_start() {
    let mut h = Harness::new();
    h.connect();
    decide(&mut h, VideoQuality::Video720P);
    assert!(h.open.is_empty(), "nothing to restart: {:?}", h.open_ops());
    h.input(Input::Media(MediaIntent::StartVideo)).unwrap();
    let m = h.mark();
    let start = h.ok("startVideo");
    assert_eq!(capture_of(&start.op), CaptureProfile::Hd);
    assert!(h
        .events_since(m)
        .contains(&Event::VideoChanged { on: true }));
    assert!(h.events_since(m).contains(&Event::CaptureChanged {
        profile: CaptureProfile::Hd
    }));
}

#[test]
fn a_new_profile_restarts_the_running_camera_once_without_telling_the_app_it_stopped() {
    let mut h = camera_on();
    let m = h.mark();
    decide(&mut h, VideoQuality::Video720P);
    h.ok("stopVideo");
    let start = h.ok("startVideo");
    assert_eq!(capture_of(&start.op), CaptureProfile::Hd);
    assert_eq!(
        h.events_since(m),
        &[Event::CaptureChanged {
            profile: CaptureProfile::Hd
        }],
        "no VideoChanged off/on for a restart"
    );
    assert!(h.s.video_on());
    assert!(h.open.is_empty());
    // The same profile again (1080p is a new one; 360p and 180p are the same).
    decide(&mut h, VideoQuality::Video720P);
    assert!(h.open.is_empty());
    decide(&mut h, VideoQuality::Video360P);
    h.ok("stopVideo");
    h.ok("startVideo");
    decide(&mut h, VideoQuality::Video180P);
    assert!(h.open.is_empty(), "180p and 360p share the default profile");
    assert_eq!(h.count_issued("startVideo"), 3);
}

#[test]
fn a_failed_restart_start_tells_the_app_the_camera_is_off() {
    let mut h = camera_on();
    decide(&mut h, VideoQuality::Video1080P);
    h.ok("stopVideo");
    let m = h.mark();
    h.fail("startVideo", zerr(6103, "camera is busy"));
    let events = h.events_since(m);
    assert!(
        events.contains(&Event::VideoChanged { on: false }),
        "{events:?}"
    );
    assert!(events
        .iter()
        .any(|e| matches!(e, Event::MediaFailed { .. })));
    assert!(!h.s.wanted_video() && !h.s.video_on());
    assert!(h.open.is_empty(), "no retry loop: {:?}", h.open_ops());
}

#[test]
fn a_failed_restart_stop_keeps_the_camera_and_does_not_retry() {
    let mut h = camera_on();
    decide(&mut h, VideoQuality::Video720P);
    let m = h.mark();
    h.fail("stopVideo", zerr(6103, "busy"));
    assert!(h.s.video_on() && h.s.wanted_video());
    assert!(h.open.is_empty(), "no retry loop: {:?}", h.open_ops());
    assert!(!h
        .events_since(m)
        .contains(&Event::VideoChanged { on: false }));
    // A later decision tries again.
    decide(&mut h, VideoQuality::Video1080P);
    h.expect("stopVideo");
}

#[test]
fn stopping_the_camera_during_a_restart_tells_the_app() {
    let mut h = camera_on();
    decide(&mut h, VideoQuality::Video720P);
    h.input(Input::Media(MediaIntent::StopVideo)).unwrap();
    let m = h.mark();
    h.ok("stopVideo");
    assert_eq!(h.events_since(m), &[Event::VideoChanged { on: false }]);
    assert!(h.open.is_empty());
}

#[test]
fn a_restart_cut_by_a_dropped_connection_ends_with_the_camera_off_for_the_app() {
    let mut h = camera_on();
    decide(&mut h, VideoQuality::Video720P);
    h.ok("stopVideo");
    let m = h.mark();
    h.input(failed_connection(None)).unwrap();
    let on_off: Vec<_> = h
        .events_since(m)
        .iter()
        .filter(|e| matches!(e, Event::VideoChanged { .. }))
        .collect();
    assert_eq!(on_off, [&Event::VideoChanged { on: false }]);
    // The rejoin restores the camera with the new profile.
    h.fire_next_timer();
    h.ok("join");
    h.list_devices(devices());
    let start = h.expect("startVideo");
    assert_eq!(capture_of(&start.op), CaptureProfile::Hd);
}

fn capturing(state: zoomkit_core::sdk::VideoCapturingState) -> zoomkit_core::SdkEvent {
    zoomkit_core::SdkEvent::VideoCapturingChange(zoomkit_core::sdk::VideoCapturingChange { state })
}

#[test]
fn the_sdk_capture_events_of_a_restart_are_not_reported_either_in_any_order() {
    use zoomkit_core::sdk::VideoCapturingState::{Started, Stopped};
    for events_first in [true, false] {
        let mut h = Harness::new();
        h.connect();
        start_camera(&mut h);
        decide(&mut h, VideoQuality::Video720P);
        let m = h.mark();
        if events_first {
            h.sdk(capturing(Stopped));
            h.ok("stopVideo");
            h.sdk(capturing(Started));
            h.ok("startVideo");
        } else {
            h.ok("stopVideo");
            h.sdk(capturing(Stopped));
            h.ok("startVideo");
            h.sdk(capturing(Started));
        }
        let changes: Vec<_> = h
            .events_since(m)
            .iter()
            .filter(|e| matches!(e, Event::VideoChanged { .. }))
            .collect();
        assert!(
            changes.is_empty(),
            "events first: {events_first}: {changes:?}"
        );
        assert!(h.s.video_on());
        assert!(h.open.is_empty(), "{:?}", h.open_ops());
        // A real stop afterwards is reported.
        h.sdk(capturing(Stopped));
        assert!(h.events.contains(&Event::VideoChanged { on: false }));
    }
}

#[test]
fn audio_only_pauses_a_wanted_camera_and_resumes_it() {
    let mut h = camera_on();
    let m = h.mark();
    h.input(Input::AudioOnly(true)).unwrap();
    h.ok("stopVideo");
    assert_eq!(
        h.events_since(m),
        &[
            Event::VideoPaused { paused: true },
            Event::VideoChanged { on: false }
        ]
    );
    assert!(h.s.wanted_video() && !h.s.video_on());
    // Asking for the camera while paused changes nothing yet.
    h.input(Input::Media(MediaIntent::StartVideo)).unwrap();
    assert!(h.open.is_empty());
    // The same decision again is not news.
    h.input(Input::AudioOnly(true)).unwrap();
    assert_eq!(h.events_since(m).len(), 2);
    let m = h.mark();
    h.input(Input::AudioOnly(false)).unwrap();
    h.ok("startVideo");
    assert_eq!(
        h.events_since(m),
        &[
            Event::VideoPaused { paused: false },
            Event::VideoChanged { on: true }
        ]
    );
}

#[test]
fn audio_only_without_a_camera_starts_nothing_and_a_stop_meanwhile_is_kept() {
    let mut h = Harness::new();
    h.connect();
    h.input(Input::AudioOnly(true)).unwrap();
    assert!(h.open.is_empty());
    h.input(Input::AudioOnly(false)).unwrap();
    assert!(h.open.is_empty(), "the camera was not wanted");
    start_camera(&mut h);
    h.input(Input::AudioOnly(true)).unwrap();
    h.ok("stopVideo");
    h.input(Input::Media(MediaIntent::StopVideo)).unwrap();
    h.input(Input::AudioOnly(false)).unwrap();
    assert!(
        h.open.is_empty(),
        "stopped by the user while paused: stays off"
    );
}

#[test]
fn audio_only_during_a_restart_reports_the_camera_off_once() {
    use zoomkit_core::sdk::VideoCapturingState::Stopped;
    let mut h = camera_on();
    decide(&mut h, VideoQuality::Video720P);
    let m = h.mark();
    h.input(Input::AudioOnly(true)).unwrap();
    h.sdk(capturing(Stopped));
    h.ok("stopVideo");
    let offs = h
        .events_since(m)
        .iter()
        .filter(|e| **e == Event::VideoChanged { on: false })
        .count();
    assert_eq!(offs, 1, "{:?}", h.events_since(m));
    assert!(h.open.is_empty(), "{:?}", h.open_ops());
    h.input(Input::AudioOnly(false)).unwrap();
    let start = h.ok("startVideo");
    assert_eq!(capture_of(&start.op), CaptureProfile::Hd);
}

#[test]
fn a_pause_the_camera_refuses_is_given_up() {
    let mut h = camera_on();
    h.input(Input::AudioOnly(true)).unwrap();
    let m = h.mark();
    h.fail("stopVideo", zerr(6103, "busy"));
    assert!(h
        .events_since(m)
        .contains(&Event::VideoPaused { paused: false }));
    assert!(h.open.is_empty(), "no retry loop: {:?}", h.open_ops());
    assert!(h.s.video_on());
}
