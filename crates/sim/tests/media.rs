//! The local user's audio, video and share: events, rejections, tracks.

mod common;

use common::*;
use serde_json::json;
use zoomkit_sim::payload::{AudioOption, CaptureVideoOption};
use zoomkit_sim::{Action, Fault, Sim};

#[test]
fn audio_join_mute_unmute_leave_emit_current_audio_change_and_user_updated() {
    let mut sim = joined(30);
    let me = my_id(&mut sim);
    let op = sim.client().start_audio(AudioOption::default());
    ok(&mut sim, op);
    let op = sim.client().mute_audio(None);
    ok(&mut sim, op);
    assert!(sim.client().is_audio_muted(None));
    let op = sim.client().unmute_audio(None);
    ok(&mut sim, op);
    let op = sim.client().stop_audio();
    ok(&mut sim, op);
    let ev = sim.drain_events();
    assert_eq!(
        payloads(&ev, "current-audio-change"),
        [
            json!({"action": "join", "type": "computer"}),
            json!({"action": "muted", "source": "active"}),
            json!({"action": "unmuted", "source": "active"}),
            json!({"action": "leave", "source": "active"}),
        ]
    );
    assert_eq!(
        payloads(&ev, "user-updated"),
        [
            json!([{"userId": me, "audio": "computer", "muted": false}]),
            json!([{"userId": me, "muted": true}]),
            json!([{"userId": me, "muted": false}]),
            json!([{"userId": me, "audio": ""}]),
        ]
    );
    assert_eq!(sim.active_track_count(), 0);
}

#[test]
fn audio_can_start_muted_on_a_chosen_microphone() {
    let mut sim = joined(31);
    let mic = sim.client().get_mic_list()[0].device_id.clone();
    let op = sim.client().start_audio(AudioOption {
        mute: Some(true),
        microphone_id: Some(mic.clone()),
        speaker_id: None,
    });
    ok(&mut sim, op);
    assert!(sim.client().is_audio_muted(None));
    assert_eq!(sim.client().get_active_microphone(), mic);
    let op = sim.client().start_audio(AudioOption {
        microphone_id: Some("no-such-mic".into()),
        ..AudioOption::default()
    });
    // Already started: a second start is a no-op... unless the id is unknown.
    assert_eq!(rejected(&mut sim, op).0, 6000);
}

#[test]
fn mute_without_audio_is_6015_and_overlapping_starts_are_loading() {
    let mut sim = joined(32);
    let op = sim.client().mute_audio(None);
    assert_eq!(rejected(&mut sim, op).0, 6015);
    let a = sim.client().start_audio(AudioOption::default());
    let b = sim.client().start_audio(AudioOption::default());
    assert_eq!(rejected(&mut sim, b).0, 6011);
    ok(&mut sim, a);
    let a = sim.client().start_video(CaptureVideoOption::default());
    let b = sim.client().stop_video();
    assert_eq!(rejected(&mut sim, b).0, 6105);
    ok(&mut sim, a);
}

#[test]
fn video_start_and_stop_emit_capturing_change_and_mismatched_states_are_6109() {
    let mut sim = joined(33);
    let me = my_id(&mut sim);
    let op = sim.client().stop_video();
    assert_eq!(rejected(&mut sim, op).0, 6109);
    let op = sim.client().start_video(CaptureVideoOption::default());
    ok(&mut sim, op);
    assert!(sim.client().is_capturing_video());
    assert_eq!(sim.active_track_count(), 1);
    let op = sim.client().start_video(CaptureVideoOption::default());
    assert_eq!(rejected(&mut sim, op).0, 6109);
    let op = sim.client().stop_video();
    ok(&mut sim, op);
    let ev = sim.drain_events();
    assert_eq!(
        names(&ev),
        [
            "video-capturing-change",
            "user-updated",
            "video-capturing-change",
            "user-updated"
        ]
    );
    assert_eq!(ev[0].payload, json!({"state": "Started"}));
    assert_eq!(ev[1].payload, json!([{"userId": me, "bVideoOn": true}]));
    assert_eq!(ev[2].payload, json!({"state": "Stopped"}));
    assert_eq!(sim.active_track_count(), 0);
}

#[test]
fn the_capture_option_of_the_running_camera_is_kept_until_it_stops() {
    let mut sim = joined(35);
    assert_eq!(sim.video_capture(), None);
    let option = CaptureVideoOption {
        full_hd: Some(true),
        ..CaptureVideoOption::default()
    };
    let op = sim.client().start_video(option.clone());
    ok(&mut sim, op);
    assert_eq!(sim.video_capture(), Some(&option));
    let op = sim.client().stop_video();
    ok(&mut sim, op);
    assert_eq!(sim.video_capture(), None);
}

#[test]
fn start_video_with_an_unknown_camera_is_6102_and_switching_checks_ids() {
    let mut sim = joined(34);
    let op = sim.client().start_video(CaptureVideoOption {
        camera_id: Some("nope".into()),
        ..CaptureVideoOption::default()
    });
    assert_eq!(rejected(&mut sim, op).0, 6102);
    for op in [
        sim.client().switch_camera("nope"),
        sim.client().switch_microphone("nope"),
        sim.client().switch_speaker("nope"),
    ] {
        assert_eq!(rejected(&mut sim, op).0, 6000);
    }
    sim.inject(Fault::Replug {
        kind: zoomkit_sim::DeviceKind::Camera,
        label: "USB Camera".into(),
    })
    .unwrap();
    let usb = sim.client().get_camera_list()[1].device_id.clone();
    let op = sim.client().switch_camera(&usb);
    ok(&mut sim, op);
    assert_eq!(sim.client().get_active_camera(), usb);
}

#[test]
fn stream_calls_outside_a_session_are_refused_by_state() {
    let mut sim = Sim::new(config(35));
    let op = sim.client().start_video(CaptureVideoOption::default());
    assert_eq!(rejected(&mut sim, op), (5002, "closed".into()));
    let op = sim.client().init("en-US", "Global");
    ok(&mut sim, op);
    let join = sim.client().join("room", &token("room", 1), "Me", None);
    let op = sim.client().start_audio(AudioOption::default());
    assert_eq!(rejected(&mut sim, op), (6002, "join required".into()));
    ok(&mut sim, join);
}

#[test]
fn share_start_and_stop_and_the_browser_stop_button() {
    let mut sim = joined(36);
    let me = my_id(&mut sim);
    let op = sim.client().start_share_screen();
    ok(&mut sim, op);
    let op = sim.client().start_share_screen();
    assert_eq!(rejected(&mut sim, op).0, 6205);
    assert_eq!(sim.active_track_count(), 1);
    sim.inject(Fault::StopShareFromBrowser).unwrap();
    let ev = sim.drain_events();
    assert_eq!(
        names(&ev),
        ["user-updated", "passively-stop-share", "user-updated"]
    );
    assert_eq!(ev[1].payload, json!("StopScreenCapture"));
    assert_eq!(ev[2].payload, json!([{"userId": me, "sharerOn": false}]));
    assert_eq!(sim.active_track_count(), 0);
    let op = sim.client().stop_share_screen();
    assert_eq!(rejected(&mut sim, op).0, 6205);
    sim.inject(Fault::DenyNextShare).unwrap();
    let op = sim.client().start_share_screen();
    assert_eq!(rejected(&mut sim, op).0, 6200);
    let op = sim.client().start_share_screen();
    ok(&mut sim, op);
}

#[test]
fn leaving_stops_every_track_the_client_started() {
    let mut sim = joined(37);
    for op in [
        sim.client().start_audio(AudioOption::default()),
        sim.client().start_video(CaptureVideoOption::default()),
        sim.client().start_share_screen(),
    ] {
        ok(&mut sim, op);
    }
    assert_eq!(sim.active_track_count(), 3);
    let op = sim.client().leave(false);
    ok(&mut sim, op);
    assert_eq!(sim.active_track_count(), 0);
}

#[test]
fn the_host_mutes_me_and_asks_me_to_unmute() {
    let mut sim = joined(38);
    let op = sim.client().start_audio(AudioOption::default());
    ok(&mut sim, op);
    sim.drain_events();
    sim.act(Action::HostMuteMe).unwrap();
    sim.act(Action::SpeakWhileMuted).unwrap();
    sim.act(Action::HostAskUnmute).unwrap();
    let ev = sim.drain_events();
    assert_eq!(
        names(&ev),
        [
            "current-audio-change",
            "user-updated",
            "speaking-while-muted",
            "host-ask-unmute-audio"
        ]
    );
    assert_eq!(
        ev[0].payload,
        json!({"action": "muted", "source": "passive(mute one)"})
    );
    assert_eq!(ev[2].payload, json!(null));
    assert_eq!(ev[3].payload, json!({"reason": "Unmute"}));
}

#[test]
fn the_host_can_mute_others_and_a_participant_cannot() {
    let mut sim = joined(39);
    let ids = sim
        .act(Action::AddParticipant {
            name: "Ann".into(),
            host: false,
            video: false,
            audio: true,
        })
        .unwrap();
    let op = sim.client().mute_audio(Some(ids[0]));
    ok(&mut sim, op);
    assert!(sim.client().is_audio_muted(Some(ids[0])));
    let op = sim.client().mute_audio(Some(1));
    assert_eq!(rejected(&mut sim, op).0, 6001);

    let mut sim = joined_with(config(39), false);
    let ids = sim.act(Action::AddParticipants { n: 1 }).unwrap();
    let op = sim.client().mute_audio(Some(ids[0]));
    assert_eq!(rejected(&mut sim, op).0, 5007);
}
