//! Session stats: time to join and to the first remote camera, each
//! reconnect (Zoom's failover or zoomkit's rejoin, and how long it took),
//! rejoin attempts, device switches, camera time per capture profile,
//! audio-only time, media failures; `stateChanged` says how long the
//! previous state lasted; the session's end brings the final numbers.
mod common;
use std::time::Duration;

use common::*;
use zoomkit_core::sdk::{ConnectionState, ParticipantProperties};
use zoomkit_core::stats::{ReconnectKind, SessionStats};
use zoomkit_core::{Cause, CommandOutput, Event, Input, MediaIntent, SdkEvent, StateName};

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn in_previous(h: &Harness, from: StateName, to: StateName) -> Vec<Option<u64>> {
    h.events
        .iter()
        .filter_map(|e| match e {
            Event::StateChanged {
                from: f,
                to: t,
                in_previous_ms,
                ..
            } if *f == from && *t == to => Some(*in_previous_ms),
            _ => None,
        })
        .collect()
}

#[test]
fn time_to_join_and_to_the_first_remote_camera() {
    let mut h = Harness::new();
    h.join();
    h.advance(ms(100));
    h.ok("fetchToken");
    h.advance(ms(200));
    h.ok("init");
    h.advance(ms(540));
    h.ok("join");
    assert_eq!(h.s.stats(h.now).join_ms, Some(840));
    assert_eq!(
        in_previous(&h, StateName::Joining, StateName::Connected),
        [Some(540)]
    );
    assert_eq!(
        in_previous(&h, StateName::Idle, StateName::FetchingToken),
        [None],
        "nothing before the first state of a join"
    );
    h.advance(ms(120));
    // Our own camera does not count; Ann's does.
    h.sdk(SdkEvent::UserUpdated(vec![ParticipantProperties {
        b_video_on: Some(true),
        ..user(1, "Ada")
    }]));
    assert_eq!(h.s.stats(h.now).first_remote_video_ms, None);
    h.sdk(SdkEvent::UserAdded(vec![ParticipantProperties {
        b_video_on: Some(true),
        ..user(2, "Ann")
    }]));
    assert_eq!(h.s.stats(h.now).first_remote_video_ms, Some(120));
}

#[test]
fn a_remote_camera_already_on_while_joining_counts_as_at_once() {
    let mut h = Harness::new();
    h.join();
    h.ok("fetchToken");
    h.ok("init");
    // The SDK lists who is there before `join` resolves.
    h.sdk(SdkEvent::UserAdded(vec![ParticipantProperties {
        b_video_on: Some(true),
        ..user(2, "Ann")
    }]));
    h.advance(ms(300));
    h.ok("join");
    assert_eq!(h.s.stats(h.now).first_remote_video_ms, Some(0));
}

#[test]
fn a_failover_and_a_rejoin_are_each_one_reconnect_with_their_duration() {
    let mut h = Harness::with_policy(Default::default(), table(&[0, 0]));
    h.connect();
    h.advance(ms(1_000));
    h.input(conn(ConnectionState::Reconnecting, None, None))
        .unwrap();
    h.advance(ms(1_800));
    h.input(conn(ConnectionState::Connected, None, None))
        .unwrap();
    assert_eq!(
        in_previous(&h, StateName::Reconnecting, StateName::Connected),
        [Some(1_800)],
        "reconnected in 1.8 s"
    );
    h.advance(ms(500));
    h.input(failed_connection(Some(1))).unwrap();
    h.fire_next_timer();
    h.fail("join", zerr(1, "OPERATION_TIMEOUT"));
    h.fire_next_timer();
    h.advance(ms(300));
    h.ok("join");
    assert_eq!(h.state(), StateName::Connected);
    let s = h.s.stats(h.now);
    assert_eq!(s.reconnects.len(), 2, "{:?}", s.reconnects);
    assert_eq!(s.reconnects[0].kind, ReconnectKind::SdkFailover);
    assert_eq!(s.reconnects[0].cause, Cause::SdkReconnecting);
    assert_eq!(s.reconnects[0].duration_ms, Some(1_800));
    assert_eq!(s.reconnects[1].kind, ReconnectKind::Rejoin);
    assert_eq!(s.reconnects[1].cause, Cause::SdkFailed);
    assert!(s.reconnects[1].duration_ms.is_some_and(|d| d >= 300));
    assert_eq!(s.rejoin_attempts, 2);
    // Rejoining's phases are one state: the time in it is from the loss.
    let rejoined = in_previous(&h, StateName::Rejoining, StateName::Connected);
    assert_eq!(rejoined.len(), 1);
    assert_eq!(rejoined[0], s.reconnects[1].duration_ms);
    // Connected 1,000 + 500 ms before each loss, 0 since the last.
    assert_eq!(s.connected_ms, 1_500);
}

#[test]
fn media_devices_and_audio_only_are_counted_and_the_end_brings_the_final_numbers() {
    let mut h = Harness::new();
    h.input(Input::Media(MediaIntent::StartVideo)).unwrap();
    h.connect();
    h.ok("startVideo");
    h.sdk(SdkEvent::VideoCapturingChange(
        zoomkit_core::sdk::VideoCapturingChange {
            state: zoomkit_core::sdk::VideoCapturingState::Started,
        },
    ));
    h.advance(ms(2_000));
    h.input(Input::AudioOnly(true)).unwrap();
    if let Some(c) = h.find("stopVideo") {
        h.answer(c.id, Ok(CommandOutput::Unit));
    }
    h.advance(ms(700));
    h.input(Input::AudioOnly(false)).unwrap();
    let cams = devices().cameras;
    h.input(Input::SelectDevice {
        kind: zoomkit_core::DeviceKind::Camera,
        device_id: cams[1].device_id.clone(),
    })
    .unwrap();
    if let Some(c) = h.find("switchCamera") {
        h.answer(c.id, Ok(CommandOutput::Unit));
    }
    h.fail("startVideo", zerr(6103, "camera is busy"));
    let s = h.s.stats(h.now);
    assert_eq!(s.audio_only_ms, 700);
    assert!(s.capture_ms.standard >= 2_000, "{:?}", s.capture_ms);
    assert!(s.device_switches >= 1, "{s:?}");
    assert!(s.media_failures >= 1, "{s:?}");
    h.advance(ms(50));
    let mark = h.mark();
    h.input(Input::Leave { end: false }).unwrap();
    h.ok("leave");
    let end = h.events_since(mark);
    let left = end
        .iter()
        .position(|e| {
            matches!(
                e,
                Event::StateChanged {
                    to: StateName::Left,
                    ..
                }
            )
        })
        .expect("left");
    let Some(Event::Stats(final_stats)) = end.get(left + 1) else {
        panic!("the final stats follow the last state change: {end:?}");
    };
    assert_eq!(
        final_stats,
        &h.s.stats(h.now),
        "the final numbers are the stats"
    );
    assert_eq!(
        end.iter().filter(|e| matches!(e, Event::Stats(_))).count(),
        1,
        "told once"
    );
    // A new join starts from zero.
    h.join();
    assert_eq!(
        SessionStats {
            join_ms: None,
            ..h.s.stats(h.now)
        },
        SessionStats::default()
    );
}
