//! Whole sessions of `zoomkit-core` against `zoomkit-sim`, natively, with
//! each fault the browser suite covers: Zoom's failover, a connection drop,
//! `Fail` with a rejoin that restores media, ended by the host, removed, an
//! expired token, camera unplug and replug, a revoked permission and a media
//! failure. Test layer 2 of ARCHITECTURE.md; the harness is `native/`.
mod native;

use native::World;
use zoomkit_core::{DeviceKind, EndReason, Event, Input, MediaIntent, State, StateName};
use zoomkit_sim::payload::{ActiveMediaFailedCode, ClosedReason, PermissionName};
use zoomkit_sim::Fault;

fn connected(audio: bool, video: bool) -> World {
    let mut w = World::standard();
    w.join(audio, video);
    w.run_until(10_000, "connected with media", |w| {
        w.state() == StateName::Connected
            && (!audio || w.core.audio().connected)
            && (!video || w.core.video_on())
    });
    w
}

fn leave(w: &mut World) {
    w.input(Input::Leave { end: false })
        .expect("leave accepted");
    w.run_until(10_000, "left", |w| w.state() == StateName::Left);
    w.assert_released();
}

#[test]
fn join_media_and_leave_release_everything() {
    let mut w = connected(true, true);
    assert_eq!(
        &w.states()[..4],
        &[
            StateName::FetchingToken,
            StateName::Initialising,
            StateName::Joining,
            StateName::Connected
        ]
    );
    assert!(
        w.sim.active_track_count() >= 2,
        "camera and microphone tracks"
    );
    leave(&mut w);
}

#[test]
fn zooms_failover_keeps_the_session() {
    let mut w = connected(true, false);
    let joins = w.issued.iter().filter(|o| **o == "join").count();
    w.fault(Fault::Failover { ms: 5_000 });
    assert_eq!(w.state(), StateName::Reconnecting);
    w.run_until(10_000, "connected again", |w| {
        w.state() == StateName::Connected
    });
    assert_eq!(
        w.issued.iter().filter(|o| **o == "join").count(),
        joins,
        "nothing rejoined"
    );
    assert!(w.core.audio().connected);
    leave(&mut w);
}

#[test]
fn a_short_connection_drop_recovers_by_itself() {
    let mut w = connected(false, false);
    w.fault(Fault::DropConnection { ms: 3_000 });
    assert_eq!(w.state(), StateName::Reconnecting);
    w.run_until(10_000, "connected again", |w| {
        w.state() == StateName::Connected
    });
    leave(&mut w);
}

#[test]
fn fail_rejoins_and_restores_muted_audio_and_video() {
    let mut w = connected(true, true);
    w.media(MediaIntent::Mute);
    w.run_until(5_000, "muted", |w| w.core.audio().muted);
    w.fault(Fault::Fail);
    assert_eq!(w.state(), StateName::Rejoining);
    w.run_until(60_000, "rejoined with media", |w| {
        w.state() == StateName::Connected && w.core.audio().connected && w.core.video_on()
    });
    assert!(w.core.audio().muted, "muted before, muted after");
    assert!(w.issued.iter().filter(|o| **o == "join").count() >= 2);
    leave(&mut w);
}

#[test]
fn ended_by_the_host_ends_the_session() {
    let mut w = connected(true, false);
    w.fault(Fault::Close {
        reason: ClosedReason::EndedByHost,
    });
    assert!(matches!(
        w.core.state(),
        State::Ended {
            reason: EndReason::EndedByHost
        }
    ));
    w.run_for(1_000);
    w.assert_released();
}

#[test]
fn removed_by_the_host_ends_the_session_as_removed() {
    let mut w = connected(false, false);
    w.fault(Fault::Close {
        reason: ClosedReason::KickedByHost,
    });
    assert!(matches!(
        w.core.state(),
        State::Ended {
            reason: EndReason::Removed
        }
    ));
    w.assert_released();
}

#[test]
fn an_expired_token_is_refused_up_front() {
    let mut w = World::standard();
    w.token_lifetime_s = -60;
    w.join(false, false);
    w.run_until(5_000, "failed", |w| w.state() == StateName::Failed);
    assert!(
        !w.issued.contains(&"join"),
        "no join with a token known to be expired: {:?}",
        w.issued
    );
    w.assert_released();
}

#[test]
fn a_token_expired_in_the_session_is_fetched_afresh_for_the_rejoin() {
    let mut w = connected(false, false);
    w.fault(Fault::ExpireToken);
    w.fault(Fault::Fail);
    w.run_until(60_000, "rejoined", |w| {
        w.state() == StateName::Connected && w.issued.iter().filter(|o| **o == "join").count() >= 2
    });
    assert!(w.issued.iter().filter(|o| **o == "fetchToken").count() >= 2);
    leave(&mut w);
}

#[test]
fn unplugging_the_chosen_camera_falls_back_and_replugging_switches_back() {
    use zoomkit_sim::{DeviceKind as SimKind, DeviceSpec};
    let mut w = World::new(
        zoomkit_sim::SimConfig {
            seed: 7,
            devices: vec![
                DeviceSpec::new(SimKind::Camera, "Desk Cam"),
                DeviceSpec::new(SimKind::Camera, "Laptop Cam"),
                DeviceSpec::new(SimKind::Microphone, "Mic"),
                DeviceSpec::new(SimKind::Speaker, "Speaker"),
            ],
            ..zoomkit_sim::SimConfig::default()
        },
        zoomkit_core::Config::default(),
    );
    w.join(false, true);
    w.run_until(10_000, "camera on, both cameras listed", |w| {
        w.core.video_on() && w.core.device_list().is_some_and(|d| d.cameras.len() == 2)
    });
    let desk = w.core.device_list().unwrap().cameras[0].clone();
    assert_eq!(desk.label, "Desk Cam");
    w.input(Input::SelectDevice {
        kind: DeviceKind::Camera,
        device_id: desk.device_id.clone(),
    })
    .unwrap();
    w.run_until(5_000, "Desk Cam chosen", |w| {
        w.active(DeviceKind::Camera).as_deref() == Some("Desk Cam")
    });
    w.fault(Fault::Unplug {
        kind: SimKind::Camera,
        label: "Desk Cam".into(),
    });
    w.run_until(10_000, "fell back to Laptop Cam", |w| {
        w.active(DeviceKind::Camera).as_deref() == Some("Laptop Cam") && w.core.video_on()
    });
    w.fault(Fault::Replug {
        kind: SimKind::Camera,
        label: "Desk Cam".into(),
    });
    w.run_until(10_000, "switched back to Desk Cam", |w| {
        w.active(DeviceKind::Camera).as_deref() == Some("Desk Cam")
    });
    assert!(w.core.video_on());
    leave(&mut w);
}

#[test]
fn a_revoked_camera_permission_turns_the_camera_off_and_says_why() {
    let mut w = connected(false, true);
    w.fault(Fault::RevokePermission {
        kind: PermissionName::Camera,
    });
    w.run_until(5_000, "camera off", |w| !w.core.video_on());
    assert!(w.events.iter().any(|e| matches!(
        e,
        Event::PermissionChanged {
            kind: DeviceKind::Camera,
            ..
        }
    )));
    assert!(w.events.iter().any(|e| matches!(
        e,
        Event::MediaHealth {
            code: zoomkit_core::ActiveMediaFailedCode::CameraPermissionReset,
            ..
        }
    )));
    assert_eq!(w.state(), StateName::Connected, "the session stays");
    leave(&mut w);
}

#[test]
fn a_media_failure_is_reported_and_the_session_stays() {
    let mut w = connected(true, false);
    w.fault(Fault::MediaFailed {
        code: ActiveMediaFailedCode::AudioStreamEnded,
    });
    w.run_for(1_000);
    assert!(w.events.iter().any(|e| matches!(
        e,
        Event::MediaHealth {
            code: zoomkit_core::ActiveMediaFailedCode::AudioStreamEnded,
            remedy: zoomkit_core::Remedy::RefreshPage,
            ..
        }
    )));
    assert_eq!(w.state(), StateName::Connected);
    leave(&mut w);
}

#[test]
fn a_breakout_move_longer_than_the_failover_watchdog_is_not_rejoined() {
    let mut w = connected(false, false);
    let joins = w.issued.iter().filter(|o| **o == "join").count();
    // The simulator has no breakout rooms: the SDK's own event is fed in.
    w.input(Input::Sdk(zoomkit_core::SdkEvent::ConnectionChange(
        zoomkit_core::sdk::ConnectionChange {
            state: zoomkit_core::sdk::ConnectionState::Reconnecting,
            reason: Some(zoomkit_core::sdk::ConnectionReason::JoinSubsession),
            subsession_name: Some("Room 1".into()),
            error_code: None,
        },
    )))
    .unwrap();
    w.run_for(300_000);
    assert_eq!(w.state(), StateName::Reconnecting);
    assert_eq!(w.issued.iter().filter(|o| **o == "join").count(), joins);
}
