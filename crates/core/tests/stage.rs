//! The core's `Stage` follows the SDK: `active-share-change` puts the share
//! on the stage in share mode, `active-speaker` puts the speaker there in
//! speaker mode (held so it does not flicker), departures and the end of the
//! session clear both, and it attaches exactly the tiles that carry a quality.

mod common;

use std::time::Duration;

use common::{user, Harness};
use zoomkit_core::layout::{LayoutInput, LayoutMode, TileKind, TileRole, Viewport};
use zoomkit_core::sdk::{ParticipantProperties, SdkEvent};
use zoomkit_core::stage::{
    ActiveShareChange, ShareActivity, Stage, StageConfig, StageInput, StageOutput, StageSdkEvent,
    StreamInfo,
};
use zoomkit_core::{ActiveSpeaker, Input, UserId};

const STREAM: StreamInfo = StreamInfo {
    max_renderable_videos: Some(9),
    supports_multiple_videos: true,
    supports_hd_video: true,
    cross_origin_isolated: true,
};

fn with_video(id: u64, name: &str) -> ParticipantProperties {
    ParticipantProperties {
        b_video_on: Some(true),
        ..user(id, name)
    }
}

/// A connected session with Ada (you, 1), Ann (2) and Bob (3), and a stage on it.
fn setup(mode: LayoutMode) -> (Harness, Stage) {
    let mut h = Harness::new();
    h.connect();
    h.sdk(SdkEvent::UserAdded(vec![
        with_video(1, "Ada"),
        with_video(2, "Ann"),
        with_video(3, "Bob"),
    ]));
    let mut input = LayoutInput::new(Viewport::new(1280.0, 720.0), 9);
    input.mode = mode;
    let mut stage = Stage::new(StageConfig::new(input));
    stage.sync(h.now, &h.s, Some(STREAM)).unwrap();
    (h, stage)
}

fn drain(stage: &mut Stage) -> Vec<StageOutput> {
    std::iter::from_fn(|| stage.poll()).collect()
}

fn main_tile(stage: &Stage) -> (UserId, TileKind) {
    let t = stage
        .layout()
        .tiles
        .iter()
        .find(|t| t.role == TileRole::Main)
        .expect("a main tile");
    (t.user_id, t.kind)
}

fn sdk(stage: &mut Stage, h: &Harness, ev: StageSdkEvent) {
    stage.handle(h.now, StageInput::Sdk(ev)).unwrap();
}

fn share(state: ShareActivity, id: u64) -> StageSdkEvent {
    StageSdkEvent::ActiveShareChange(ActiveShareChange {
        state,
        user_id: UserId(id),
    })
}

#[test]
fn share_mode_shows_the_share_from_active_share_change() {
    let (h, mut stage) = setup(LayoutMode::Share);
    // Nobody shares: share mode falls back to speaker.
    assert_eq!(stage.layout().mode, LayoutMode::Speaker);
    drain(&mut stage);
    sdk(&mut stage, &h, share(ShareActivity::Active, 2));
    assert_eq!(stage.layout().mode, LayoutMode::Share);
    assert_eq!(main_tile(&stage), (UserId(2), TileKind::Share));
    assert!(drain(&mut stage).contains(&StageOutput::Layout));
    // Another user's Inactive does not end Ann's share; hers does.
    sdk(&mut stage, &h, share(ShareActivity::Inactive, 3));
    assert_eq!(stage.layout().mode, LayoutMode::Share);
    sdk(&mut stage, &h, share(ShareActivity::Inactive, 2));
    assert_eq!(stage.layout().mode, LayoutMode::Speaker);
}

#[test]
fn a_sharer_who_leaves_takes_the_share_with_them() {
    let (mut h, mut stage) = setup(LayoutMode::Share);
    sdk(&mut stage, &h, share(ShareActivity::Active, 2));
    h.sdk(SdkEvent::UserRemoved(vec![ParticipantProperties::new(2)]));
    stage.sync(h.now, &h.s, Some(STREAM)).unwrap();
    assert_eq!(stage.layout().mode, LayoutMode::Speaker);
    assert!(stage.input().share.is_none());
}

#[test]
fn speaker_mode_follows_active_speaker_with_a_hold() {
    let (mut h, mut stage) = setup(LayoutMode::Speaker);
    let speak = |id| {
        StageSdkEvent::ActiveSpeaker(vec![ActiveSpeaker {
            user_id: UserId(id),
        }])
    };
    sdk(&mut stage, &h, speak(3));
    assert_eq!(main_tile(&stage).0, UserId(3));
    assert!(stage
        .layout()
        .tiles
        .iter()
        .any(|t| t.speaking && t.user_id == UserId(3)));
    // Ann talks during Bob's hold: Bob stays until the hold ends, then Ann
    // takes over on the stage's own timer.
    h.now = h.now + Duration::from_millis(500);
    sdk(&mut stage, &h, speak(2));
    assert_eq!(main_tile(&stage).0, UserId(3));
    let at = stage.poll_timeout().expect("a timer for the held speaker");
    assert!(at > h.now);
    h.now = at;
    stage.handle(h.now, StageInput::Timeout).unwrap();
    assert_eq!(main_tile(&stage).0, UserId(2));
    // The app may name the speaker itself, and hand back to the SDK.
    stage
        .handle(h.now, StageInput::ActiveSpeaker(Some(UserId(3))))
        .unwrap();
    assert_eq!(main_tile(&stage).0, UserId(3));
    stage
        .handle(h.now, StageInput::ActiveSpeaker(None))
        .unwrap();
    assert_eq!(main_tile(&stage).0, UserId(2));
}

#[test]
fn the_end_of_the_session_detaches_everything_and_forgets_share_and_speakers() {
    let (mut h, mut stage) = setup(LayoutMode::Share);
    let attached: Vec<UserId> = drain(&mut stage)
        .into_iter()
        .filter_map(|o| match o {
            StageOutput::Attach { user_id, .. } => Some(user_id),
            _ => None,
        })
        .collect();
    assert!(!attached.is_empty(), "remote videos attached in a session");
    assert!(
        !attached.contains(&UserId(1)),
        "your own video is not attached"
    );
    sdk(&mut stage, &h, share(ShareActivity::Active, 2));
    h.input(Input::Leave { end: false }).unwrap();
    h.ok("leave");
    stage.sync(h.now, &h.s, Some(STREAM)).unwrap();
    let detached: Vec<UserId> = drain(&mut stage)
        .into_iter()
        .filter_map(|o| match o {
            StageOutput::Detach { user_id } => Some(user_id),
            _ => None,
        })
        .collect();
    let mut want = attached.clone();
    want.sort();
    let mut got = detached;
    got.sort();
    assert_eq!(got, want);
    assert!(stage.input().share.is_none());
    assert_eq!(stage.poll_timeout(), None, "no timer outside a session");
    // Events from a session that is over change nothing.
    sdk(&mut stage, &h, share(ShareActivity::Active, 2));
    assert!(stage.input().share.is_none());
}

#[test]
fn dispose_detaches_what_it_attached() {
    let (_h, mut stage) = setup(LayoutMode::Gallery);
    let attached = drain(&mut stage)
        .into_iter()
        .filter(|o| matches!(o, StageOutput::Attach { .. }))
        .count();
    assert!(attached > 0);
    stage
        .handle(zoomkit_core::Instant::EPOCH, StageInput::Dispose)
        .unwrap();
    let detached = drain(&mut stage)
        .into_iter()
        .filter(|o| matches!(o, StageOutput::Detach { .. }))
        .count();
    assert_eq!(detached, attached);
    assert_eq!(stage.attached().count(), 0);
}

#[test]
fn stage_events_decode_from_the_sdk_payloads() {
    use zoomkit_core::wire::Value;
    let obj = |fields: &[(&str, Value)]| {
        Value::Object(
            fields
                .iter()
                .map(|(k, v)| ((*k).to_owned(), v.clone()))
                .collect(),
        )
    };
    let ev = StageSdkEvent::decode_wire(
        "active-share-change",
        &obj(&[
            ("state", Value::String("Active".into())),
            ("userId", Value::Number(7.0)),
        ]),
    )
    .unwrap();
    assert_eq!(ev, share(ShareActivity::Active, 7));
    let err = StageSdkEvent::decode_wire("active-share-change", &obj(&[])).unwrap_err();
    assert!(err.to_string().contains("state"), "{err}");
    assert!(StageSdkEvent::decode_wire("user-added", &Value::Null).is_err());
}
