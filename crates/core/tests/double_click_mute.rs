//! Media actions are idempotent and a second click while the first is in
//! flight makes no second SDK call; the last wish wins.
mod common;
use common::*;
use zoomkit_core::sdk::{AudioChangeAction, AudioChangeSource, CurrentAudioChange};
use zoomkit_core::{Event, Input, MediaIntent, SdkEvent};

fn with_audio() -> Harness {
    let mut h = Harness::new();
    h.connect();
    h.input(Input::Media(MediaIntent::StartAudio)).unwrap();
    h.ok("startAudio");
    h
}

#[test]
fn double_click_on_mute_makes_one_call() {
    let mut h = with_audio();
    h.input(Input::Media(MediaIntent::Mute)).unwrap();
    h.input(Input::Media(MediaIntent::Mute)).unwrap();
    assert_eq!(h.count_issued("muteAudio"), 1);
    h.ok("muteAudio");
    h.input(Input::Media(MediaIntent::Mute)).unwrap();
    assert_eq!(h.count_issued("muteAudio"), 1, "already muted");
    assert!(h.s.audio().muted);
}

#[test]
fn mute_then_unmute_while_in_flight_ends_unmuted() {
    let mut h = with_audio();
    h.input(Input::Media(MediaIntent::Mute)).unwrap();
    h.input(Input::Media(MediaIntent::Unmute)).unwrap();
    assert!(h.find("unmuteAudio").is_none(), "one call at a time");
    h.ok("muteAudio");
    h.ok("unmuteAudio");
    assert!(!h.s.audio().muted);
    assert!(h.open.is_empty());
}

#[test]
fn start_share_twice_starts_once_and_start_video_twice_too() {
    let mut h = Harness::new();
    h.connect();
    for _ in 0..3 {
        h.input(Input::Media(MediaIntent::StartShare)).unwrap();
        h.input(Input::Media(MediaIntent::StartVideo)).unwrap();
    }
    assert_eq!(h.count_issued("startShareScreen"), 1);
    assert_eq!(h.count_issued("startVideo"), 1);
}

#[test]
fn muted_by_host_is_not_undone_and_speaking_while_muted_is_surfaced() {
    let mut h = with_audio();
    let m = h.mark();
    h.sdk(SdkEvent::CurrentAudioChange(CurrentAudioChange {
        action: AudioChangeAction::Muted,
        kind: None,
        source: Some(AudioChangeSource::PassiveByMuteAll),
    }));
    assert!(h.events_since(m).contains(&Event::MutedByHost));
    assert!(h.s.wanted_audio().muted);
    assert!(h.find("unmuteAudio").is_none());
    h.sdk(SdkEvent::SpeakingWhileMuted);
    assert_eq!(h.events.last(), Some(&Event::SpeakingWhileMuted));
}

#[test]
fn mute_before_audio_starts_audio_muted() {
    let mut h = Harness::new();
    h.connect();
    h.input(Input::Media(MediaIntent::Mute)).unwrap();
    assert_eq!(h.count_issued("muteAudio"), 0);
    h.input(Input::Media(MediaIntent::StartAudio)).unwrap();
    match &h.expect("startAudio").op {
        zoomkit_core::Op::StartAudio { mute, .. } => assert!(*mute),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_call_cancelled_by_failover_is_retried_after_reconnect() {
    use zoomkit_core::sdk::{ConnectionReason, ConnectionState};
    let mut h = with_audio();
    h.input(Input::Media(MediaIntent::Mute)).unwrap();
    h.input(conn(
        ConnectionState::Reconnecting,
        Some(ConnectionReason::Failover),
        None,
    ))
    .unwrap();
    h.fail("muteAudio", zerr(3, "cancelled"));
    assert!(h.find("muteAudio").is_none());
    h.input(conn(ConnectionState::Connected, None, None))
        .unwrap();
    h.ok("muteAudio");
    assert!(h.s.audio().muted);
    assert_eq!(h.count_issued("muteAudio"), 2);
}
