//! Who is speaking and each participant's network quality, kept on the
//! roster from `active-speaker` and `network-quality-change`; the local
//! microphone's level from `current-audio-level-change`; out-of-range
//! levels refused when decoded.
mod common;
use common::*;
use zoomkit_core::action::{CurrentAudioLevelChange, FeatureSdkEvent};
use zoomkit_core::quality::{NetworkDirection, NetworkQualityChange};
use zoomkit_core::{ActiveSpeaker, Event, SdkEvent, UserId};

/// Connected as Ada (1) with Ann (2) and Bob (3).
fn session() -> Harness {
    let mut h = Harness::new();
    h.connect();
    h.sdk(SdkEvent::UserAdded(vec![
        user(1, "Ada"),
        user(2, "Ann"),
        user(3, "Bob"),
    ]));
    h
}

fn feature(h: &mut Harness, ev: FeatureSdkEvent) {
    h.s.feature_event(h.now, ev);
    h.drain();
}

fn speakers(ids: &[u64]) -> FeatureSdkEvent {
    FeatureSdkEvent::ActiveSpeaker(
        ids.iter()
            .map(|&id| ActiveSpeaker {
                user_id: UserId(id),
            })
            .collect(),
    )
}

fn speaking(h: &Harness) -> Vec<u64> {
    let mut v: Vec<u64> =
        h.s.participants()
            .filter(|p| p.speaking)
            .map(|p| p.user_id.0)
            .collect();
    v.sort_unstable();
    v
}

fn updated(events: &[Event]) -> Vec<u64> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::ParticipantUpdated(p) => Some(p.user_id.0),
            _ => None,
        })
        .collect()
}

#[test]
fn the_latest_active_speaker_list_says_who_is_speaking() {
    let mut h = session();
    assert!(speaking(&h).is_empty(), "nobody speaks before the SDK says");
    let mark = h.mark();
    feature(&mut h, speakers(&[2, 3]));
    assert_eq!(speaking(&h), vec![2, 3]);
    assert_eq!(updated(h.events_since(mark)), vec![2, 3]);
    let mark = h.mark();
    feature(&mut h, speakers(&[3]));
    assert_eq!(speaking(&h), vec![3]);
    assert_eq!(
        updated(h.events_since(mark)),
        vec![2],
        "only the one whose flag changed is told"
    );
    let mark = h.mark();
    feature(&mut h, speakers(&[3, 99]));
    assert!(
        updated(h.events_since(mark)).is_empty(),
        "same speakers, and someone not in the roster: nothing to tell"
    );
}

#[test]
fn each_participant_keeps_its_own_uplink_and_downlink_quality() {
    let mut h = session();
    let q = |id, direction, level| {
        FeatureSdkEvent::NetworkQuality(NetworkQualityChange {
            user_id: UserId(id),
            direction,
            level,
        })
    };
    feature(&mut h, q(2, NetworkDirection::Uplink, 1));
    feature(&mut h, q(2, NetworkDirection::Downlink, 4));
    feature(&mut h, q(1, NetworkDirection::Uplink, 5));
    let mark = h.mark();
    feature(&mut h, q(2, NetworkDirection::Uplink, 1));
    assert!(
        updated(h.events_since(mark)).is_empty(),
        "no change, no event"
    );
    feature(&mut h, q(42, NetworkDirection::Uplink, 0));
    let get = |h: &Harness, id| {
        let p =
            h.s.participants()
                .find(|p| p.user_id == UserId(id))
                .unwrap();
        (p.uplink_quality, p.downlink_quality)
    };
    assert_eq!(get(&h, 2), (Some(1), Some(4)));
    assert_eq!(get(&h, 1), (Some(5), None), "the local user's own quality");
    assert_eq!(get(&h, 3), (None, None));
}

#[test]
fn the_microphone_level_is_kept_and_told_when_it_changes() {
    let mut h = session();
    assert_eq!(h.s.audio_level(), None);
    let level = |level| FeatureSdkEvent::AudioLevel(CurrentAudioLevelChange { level });
    let mark = h.mark();
    feature(&mut h, level(3));
    feature(&mut h, level(3));
    feature(&mut h, level(8));
    let told: Vec<u8> = h
        .events_since(mark)
        .iter()
        .filter_map(|e| match e {
            Event::AudioLevel { level } => Some(*level),
            _ => None,
        })
        .collect();
    assert_eq!(told, vec![3, 8]);
    assert_eq!(h.s.audio_level(), Some(8));
    // Once leaving, late events are not heard.
    h.input(zoomkit_core::Input::Leave { end: false }).unwrap();
    h.drain();
    feature(&mut h, level(5));
    assert_eq!(h.s.audio_level(), Some(8), "not heard outside a session");
}

#[test]
fn levels_outside_the_documented_range_are_refused_naming_the_field() {
    let bad = serde_json::json!({ "userId": 2, "type": "uplink", "level": 6 });
    let e = FeatureSdkEvent::decode("network-quality-change", &bad).unwrap_err();
    assert!(e.to_string().contains("level must be 0-5, got 6"), "{e}");
    let bad = serde_json::json!({ "level": 10 });
    let e = FeatureSdkEvent::decode("current-audio-level-change", &bad).unwrap_err();
    assert!(e.to_string().contains("level must be 0-9, got 10"), "{e}");
    let ok = serde_json::json!([{ "userId": 2, "displayName": "Ann" }]);
    assert_eq!(
        FeatureSdkEvent::decode("active-speaker", &ok).unwrap(),
        speakers(&[2])
    );
    let wire = zoomkit_core::wire::Value::Object(vec![(
        "level".into(),
        zoomkit_core::wire::Value::Number(12.0),
    )]);
    assert!(FeatureSdkEvent::decode_wire("current-audio-level-change", &wire).is_err());
}
