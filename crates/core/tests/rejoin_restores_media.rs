//! After a rejoin, what the user had comes back: audio and its mute state,
//! video, and the selected devices. Sharing needs a gesture and is not restored.
mod common;
use common::*;
use zoomkit_core::{DeviceKind, Event, Input, MediaIntent, Op, StateName};

#[test]
fn audio_mute_video_and_devices_come_back() {
    let mut h = Harness::with_policy(Default::default(), table(&[0]));
    h.connect();
    h.input(Input::SelectDevice {
        kind: DeviceKind::Camera,
        device_id: "cam-usb".into(),
    })
    .unwrap();
    h.input(Input::SelectDevice {
        kind: DeviceKind::Microphone,
        device_id: "mic-usb".into(),
    })
    .unwrap();
    h.input(Input::Media(MediaIntent::StartAudio)).unwrap();
    h.ok("startAudio");
    h.input(Input::Media(MediaIntent::Mute)).unwrap();
    h.ok("muteAudio");
    h.input(Input::Media(MediaIntent::StartVideo)).unwrap();
    h.ok("startVideo");
    h.input(Input::Media(MediaIntent::StartShare)).unwrap();
    h.ok("startShareScreen");
    assert!(h.s.sharing());

    let m = h.mark();
    h.input(failed_connection(None)).unwrap();
    assert!(!h.s.audio().connected && !h.s.video_on() && !h.s.sharing());
    assert!(h
        .events_since(m)
        .contains(&Event::ShareChanged { on: false }));
    h.fire_next_timer();
    h.ok("join");
    assert_eq!(h.state(), StateName::Connected);

    let audio = h.expect("startAudio");
    assert_eq!(
        audio.op,
        Op::StartAudio {
            mute: true,
            microphone_id: Some("mic-usb".into()),
            speaker_id: Some("default".into()),
        }
    );
    let video = h.expect("startVideo");
    assert_eq!(
        video.op,
        Op::StartVideo {
            camera_id: Some("cam-usb".into()),
            capture: zoomkit_core::CaptureProfile::Standard,
        }
    );
    assert!(h.find("startShareScreen").is_none());
    h.ok("startAudio");
    h.ok("startVideo");
    h.list_devices(devices());
    assert!(h.s.audio().connected && h.s.audio().muted && h.s.video_on());
    assert!(h.open.is_empty(), "nothing more to do: {:?}", h.open_ops());
}

#[test]
fn changes_asked_for_while_rejoining_apply_on_reconnect() {
    let mut h = Harness::with_policy(Default::default(), table(&[1_000]));
    h.connect();
    h.input(failed_connection(None)).unwrap();
    h.input(Input::Media(MediaIntent::StartVideo)).unwrap();
    assert!(
        h.find("startVideo").is_none(),
        "no SDK call while rejoining"
    );
    h.fire_next_timer();
    h.ok("join");
    h.expect("startVideo");
}
