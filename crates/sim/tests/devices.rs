//! Device and permission faults, media failures, network quality.

mod common;

use common::*;
use serde_json::json;
use zoomkit_sim::payload::{
    ActiveMediaFailedCode, AudioOption, CaptureVideoOption, PermissionName, QualityDirection,
};
use zoomkit_sim::{DeviceKind, DeviceSpec, Fault, Sim, SimConfig, SimError};

fn two_cameras(seed: u64) -> SimConfig {
    let mut cfg = config(seed);
    cfg.devices
        .push(DeviceSpec::new(DeviceKind::Camera, "USB Camera"));
    cfg
}

#[test]
fn unplug_and_replug_emit_device_change_and_keep_the_device_id() {
    let mut sim = joined(40);
    let before = sim.client().get_devices();
    assert_eq!(before.len(), 3);
    sim.inject(Fault::Unplug {
        kind: DeviceKind::Microphone,
        label: "Built-in Microphone".into(),
    })
    .unwrap();
    assert!(sim.client().get_mic_list().is_empty());
    assert_eq!(sim.client().get_active_microphone(), "");
    sim.inject(Fault::Replug {
        kind: DeviceKind::Microphone,
        label: "Built-in Microphone".into(),
    })
    .unwrap();
    let ev = sim.drain_events();
    assert_eq!(names(&ev), ["device-change", "device-change"]);
    assert_eq!(ev[0].payload, json!(null));
    assert_eq!(sim.client().get_devices(), before);
    assert_eq!(
        sim.inject(Fault::Unplug {
            kind: DeviceKind::Camera,
            label: "Nope".into()
        }),
        Err(SimError::UnknownDevice {
            kind: DeviceKind::Camera,
            label: "Nope".into()
        })
    );
}

#[test]
fn unplugging_the_active_camera_moves_to_another_or_stops_video() {
    let mut sim = joined_with(two_cameras(41), true);
    let cams = sim.client().get_camera_list();
    let op = sim.client().start_video(CaptureVideoOption::default());
    ok(&mut sim, op);
    assert_eq!(sim.client().get_active_camera(), cams[0].device_id);
    sim.drain_events();
    sim.inject(Fault::Unplug {
        kind: DeviceKind::Camera,
        label: cams[0].label.clone(),
    })
    .unwrap();
    assert_eq!(sim.client().get_active_camera(), cams[1].device_id);
    assert!(sim.client().is_capturing_video());
    sim.inject(Fault::Unplug {
        kind: DeviceKind::Camera,
        label: cams[1].label.clone(),
    })
    .unwrap();
    assert!(!sim.client().is_capturing_video());
    let ev = sim.drain_events();
    assert_eq!(
        names(&ev),
        [
            "device-change",
            "device-change",
            "video-capturing-change",
            "user-updated"
        ]
    );
    let op = sim.client().start_video(CaptureVideoOption::default());
    assert_eq!(rejected(&mut sim, op).0, 6101);
}

#[test]
fn unplugging_the_last_microphone_leaves_audio_with_microphone_error() {
    let mut sim = joined(42);
    let op = sim.client().start_audio(AudioOption::default());
    ok(&mut sim, op);
    sim.drain_events();
    sim.inject(Fault::Unplug {
        kind: DeviceKind::Microphone,
        label: "Built-in Microphone".into(),
    })
    .unwrap();
    let ev = sim.drain_events();
    assert_eq!(
        payloads(&ev, "current-audio-change"),
        [json!({"action": "leave", "source": "microphone error"})]
    );
    let op = sim.client().start_audio(AudioOption::default());
    assert_eq!(rejected(&mut sim, op), (6010, "No device found".into()));
}

#[test]
fn revoking_camera_permission_fails_running_video_and_refuses_new_video() {
    let mut sim = joined(43);
    let op = sim.client().start_video(CaptureVideoOption::default());
    ok(&mut sim, op);
    sim.drain_events();
    sim.inject(Fault::RevokePermission {
        kind: PermissionName::Camera,
    })
    .unwrap();
    let ev = sim.drain_events();
    assert_eq!(
        names(&ev),
        [
            "device-permission-change",
            "active-media-failed",
            "video-capturing-change",
            "user-updated"
        ]
    );
    assert_eq!(ev[0].payload, json!({"name": "camera", "state": "denied"}));
    assert_eq!(
        ev[1].payload,
        json!({"code": 203, "message": "Camera permission denied.", "type": "video"})
    );
    assert_eq!(ev[2].payload, json!({"state": "Failed"}));
    // Browsers hide labels without permission.
    assert!(sim
        .client()
        .get_devices()
        .iter()
        .any(|d| d.kind == DeviceKind::Camera && d.label.is_empty()));
    let op = sim.client().start_video(CaptureVideoOption::default());
    assert_eq!(rejected(&mut sim, op).0, 6100);
    sim.inject(Fault::GrantPermission {
        kind: PermissionName::Camera,
    })
    .unwrap();
    assert_eq!(
        sim.drain_events()[0].payload,
        json!({"name": "camera", "state": "granted"})
    );
    let op = sim.client().start_video(CaptureVideoOption::default());
    ok(&mut sim, op);
}

#[test]
fn revoking_microphone_permission_refuses_audio_with_6010() {
    let mut sim = joined(44);
    let op = sim.client().start_audio(AudioOption::default());
    ok(&mut sim, op);
    sim.drain_events();
    sim.inject(Fault::RevokePermission {
        kind: PermissionName::Microphone,
    })
    .unwrap();
    let ev = sim.drain_events();
    assert_eq!(payloads(&ev, "active-media-failed")[0]["code"], 103);
    assert_eq!(sim.active_track_count(), 0);
    let op = sim.client().start_audio(AudioOption::default());
    assert_eq!(
        rejected(&mut sim, op),
        (6010, "Permission denied by user".into())
    );
}

#[test]
fn media_failed_sends_every_real_code_with_its_media_type() {
    let mut sim = joined(45);
    for code in ActiveMediaFailedCode::ALL {
        sim.inject(Fault::MediaFailed { code }).unwrap();
    }
    let got: Vec<(u64, String)> = payloads(&sim.drain_events(), "active-media-failed")
        .into_iter()
        .map(|p| {
            (
                p["code"].as_u64().unwrap(),
                p["type"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let want: Vec<(u64, String)> = [101, 102, 103, 104, 105, 106, 107]
        .into_iter()
        .map(|c| (c, "audio".to_owned()))
        .chain(
            [201, 202, 203, 204, 205, 206, 207]
                .into_iter()
                .map(|c| (c, "video".to_owned())),
        )
        .chain([(301, "sharing".to_owned())])
        .collect();
    assert_eq!(got, want);
}

#[test]
fn a_quality_ramp_sends_each_level_at_its_time() {
    let mut sim = joined(46);
    let me = my_id(&mut sim);
    let at = sim.now();
    sim.inject(Fault::QualityRamp {
        user_id: None,
        direction: QualityDirection::Uplink,
        from: 5,
        to: 1,
        step_ms: 1_000,
    })
    .unwrap();
    sim.run_until(at + 4_000);
    let ev = sim.drain_events();
    let levels: Vec<_> = ev
        .iter()
        .map(|e| (e.at - at, e.payload["level"].as_u64().unwrap()))
        .collect();
    assert_eq!(levels, [(0, 5), (1000, 4), (2000, 3), (3000, 2), (4000, 1)]);
    assert_eq!(
        ev[0].payload,
        json!({"userId": me, "type": "uplink", "level": 5})
    );
    let bad = sim.inject(Fault::QualityRamp {
        user_id: None,
        direction: QualityDirection::Downlink,
        from: 6,
        to: 0,
        step_ms: 1,
    });
    assert!(matches!(
        bad,
        Err(SimError::InvalidParameter { field: "from", .. })
    ));
}

#[test]
fn device_faults_work_before_any_session() {
    let mut sim = Sim::new(config(47));
    sim.inject(Fault::Unplug {
        kind: DeviceKind::Speaker,
        label: "Built-in Speakers".into(),
    })
    .unwrap();
    assert_eq!(names(&sim.drain_events()), ["device-change"]);
    assert!(sim.inject(Fault::AutoPlayAudioFailed).is_ok());
    assert!(matches!(
        sim.inject(Fault::MediaFailed {
            code: ActiveMediaFailedCode::AudioStreamEnded
        }),
        Err(SimError::NotInSession(_))
    ));
}
