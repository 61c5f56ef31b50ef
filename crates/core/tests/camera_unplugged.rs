//! Hot-plug: when the camera in use disappears, fall back (preference, OS
//! default, first); when the preferred camera returns, switch back.
mod common;
use common::*;
use zoomkit_core::device::DeviceChangeReason;
use zoomkit_core::sdk::VideoCapturingChange;
use zoomkit_core::sdk::VideoCapturingState;
use zoomkit_core::{Config, Device, DeviceKind, Event, Input, MediaIntent, Op, SdkEvent};

fn without_usb_cam() -> zoomkit_core::DeviceList {
    let mut l = devices();
    l.cameras.retain(|d| d.device_id != "cam-usb");
    l
}

fn usb_on() -> Harness {
    let mut h = Harness::new();
    h.connect();
    h.input(Input::SelectDevice {
        kind: DeviceKind::Camera,
        device_id: "cam-usb".into(),
    })
    .unwrap();
    h.input(Input::Media(MediaIntent::StartVideo)).unwrap();
    h.ok("startVideo");
    h
}

#[test]
fn unplugged_camera_falls_back_and_the_preferred_one_comes_back() {
    let mut h = usb_on();
    let m = h.mark();
    h.sdk(SdkEvent::DeviceChange);
    h.list_devices(without_usb_cam());
    assert!(h.events_since(m).contains(&Event::ActiveDeviceChanged {
        kind: DeviceKind::Camera,
        device: Some(Device::new("cam-builtin", "FaceTime HD Camera").with_group("g-cam1")),
        reason: DeviceChangeReason::Fallback,
    }));
    assert_eq!(
        h.expect("switchCamera").op,
        Op::SwitchCamera {
            camera_device_id: "cam-builtin".into()
        }
    );
    h.ok("switchCamera");

    // Plugged back in, under a new id (ids rotate): matched by label and group.
    let mut back = devices();
    back.cameras[1].device_id = "cam-usb-2".into();
    let m = h.mark();
    h.sdk(SdkEvent::DeviceChange);
    h.list_devices(back);
    assert!(h.events_since(m).iter().any(|e| matches!(
        e,
        Event::ActiveDeviceChanged {
            reason: DeviceChangeReason::PreferredReturned,
            ..
        }
    )));
    assert_eq!(
        h.expect("switchCamera").op,
        Op::SwitchCamera {
            camera_device_id: "cam-usb-2".into()
        }
    );
    assert_eq!(
        h.s.device_preferences().camera.as_ref().unwrap().device_id,
        "cam-usb-2"
    );
}

#[test]
fn switch_back_can_be_turned_off() {
    let mut config = Config::default();
    config.switch_back_to_preferred = false;
    let mut h = Harness::with_config(config);
    h.connect();
    h.input(Input::SelectDevice {
        kind: DeviceKind::Camera,
        device_id: "cam-usb".into(),
    })
    .unwrap();
    h.sdk(SdkEvent::DeviceChange);
    h.list_devices(without_usb_cam());
    h.sdk(SdkEvent::DeviceChange);
    h.list_devices(devices());
    assert_eq!(
        h.s.active_device(DeviceKind::Camera).unwrap().device_id,
        "cam-builtin"
    );
}

#[test]
fn capture_stopped_by_an_unplug_restarts_on_the_fallback() {
    let mut h = usb_on();
    // The SDK stops capturing before the device list changes.
    h.sdk(SdkEvent::VideoCapturingChange(VideoCapturingChange {
        state: VideoCapturingState::Stopped,
    }));
    assert!(h.find("startVideo").is_none(), "wait for the list");
    h.list_devices(without_usb_cam());
    assert_eq!(
        h.expect("startVideo").op,
        Op::StartVideo {
            camera_id: Some("cam-builtin".into()),
            capture: zoomkit_core::CaptureProfile::Standard,
        }
    );
}

#[test]
fn capture_stopped_with_the_camera_still_there_is_accepted() {
    let mut h = usb_on();
    h.sdk(SdkEvent::VideoCapturingChange(VideoCapturingChange {
        state: VideoCapturingState::Stopped,
    }));
    h.list_devices(devices());
    assert!(!h.s.wanted_video());
    assert!(h.find("startVideo").is_none());
}

#[test]
fn no_camera_left_turns_video_off() {
    let mut h = usb_on();
    let mut none = devices();
    none.cameras.clear();
    h.sdk(SdkEvent::DeviceChange);
    h.list_devices(none);
    assert!(!h.s.wanted_video());
    h.expect("stopVideo");
}
