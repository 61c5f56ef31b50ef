//! The wire codec (what the wasm uses) against serde (the reference): same
//! values from the same JSON, including malformed JSON, and the same JSON
//! from the same values. The harnesses check every value the scenario tests
//! see; this file adds random variations of the JS-facing shapes, the error
//! messages, and the JSON text parser.
// proptest has no wasm32-unknown-unknown backend: native only.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::wire_check::{decodes_like_serde, json_of, round_trips, wire_of};
use proptest::prelude::*;
use serde::de::DeserializeOwned;
use serde_json::{json, Value as Json};
use std::fmt::Debug;
use zoomkit_core::layout::{LayoutInput, LayoutMode, Viewport};
use zoomkit_core::quality::QualityInput;
use zoomkit_core::sdk::{
    ActiveMediaFailed, ConnectionChange, CurrentAudioChange, DevicePermissionChange,
    HostAskUnmuteAudio, ParticipantProperties, VideoCapturingChange,
};
use zoomkit_core::wire::{self, Decode, Encode};
use zoomkit_core::{DeviceList, DevicePreferences, JoinOptions, QualityConfig, ZoomError};

/// A valid example of each JS-facing shape, as the SDK or an app sends it.
fn samples() -> Vec<(&'static str, Json)> {
    vec![
        (
            "ConnectionChange",
            json!({"state":"Fail","reason":"failover","subsessionName":"room","errorCode":4004}),
        ),
        (
            "ParticipantProperties",
            json!([{"userId":16778240,"displayName":"Bob","audio":"computer","muted":false,
                    "isHost":true,"isManager":false,"bVideoOn":true,"sharerOn":false,
                    "isInFailover":false,"userGuid":"g","userIdentity":"i","userKey":"k"}]),
        ),
        (
            "CurrentAudioChange",
            json!({"action":"muted","type":"phone","source":"passive(mute all)"}),
        ),
        ("VideoCapturingChange", json!({"state":"Started"})),
        (
            "DevicePermissionChange",
            json!({"name":"camera","state":"denied"}),
        ),
        (
            "ActiveMediaFailed",
            json!({"code":203,"message":"m","type":"video"}),
        ),
        ("HostAskUnmuteAudio", json!({"reason":"Spotlight"})),
        (
            "ZoomError",
            json!({"type":"INVALID_OPERATION","reason":"r","errorCode":3004,"extensionUrl":"u"}),
        ),
        (
            "DeviceList",
            json!({"cameras":[{"deviceId":"c1","label":"Cam","groupId":"g"}],
                   "microphones":[{"deviceId":"m1","label":"Mic"}],"speakers":[]}),
        ),
        (
            "DevicePreferences",
            json!({"camera":{"deviceId":"c1","label":"Cam","groupId":"g"},
                   "microphone":{"deviceId":"m1","label":"Mic"}}),
        ),
        (
            "JoinOptions",
            json!({"topic":"standup","userName":"Ann","password":"pw","sessionIdleTimeoutMins":40}),
        ),
        (
            "LayoutInput",
            json!({"participants":[{"userId":1,"joinSeq":0,"videoOn":true},{"userId":2,"joinSeq":1}],
                   "selfId":1,"activeSpeaker":2,"recentSpeakers":[2,1],
                   "share":{"userId":2,"size":{"width":1920.0,"height":1080.0}},
                   "pins":[2],"spotlights":[],"viewport":{"width":1280.5,"height":720.0,"devicePixelRatio":2.0},
                   "mode":{"kind":"fullscreen","userId":2},"page":1,"hideSelfView":true,
                   "maxRenderableVideos":9,"pageSize":4,"gap":8.5}),
        ),
        ("LayoutMode", json!({"kind":"speaker"})),
        ("Viewport", json!({"width":640.25,"height":360.0})),
        (
            "QualityInput",
            json!({"kind":"network-quality-change","payload":{"userId":3,"type":"uplink","level":4}}),
        ),
        (
            "QualityInput",
            json!({"kind":"tiles","payload":[{"userId":3,"quality":2}]}),
        ),
        (
            "QualityInput",
            json!({"kind":"capabilities","payload":{"crossOriginIsolated":true,
                   "supportsMultipleVideos":true,"maxRenderableVideos":25,"supportsHdVideo":false}}),
        ),
        (
            "QualityInput",
            json!({"kind":"system-resource-usage-change","payload":{"cpu_usage":{"system_cpu_pressure_level":2}}}),
        ),
        ("QualityInput", json!({"kind":"timeout"})),
        (
            "QualityConfig",
            json!({"downHold":2000,"upHold":10000,"minInterval":4000,"statsTtl":10000,
                   "allowFullHd":false,"videoLoss360p":0.08,"videoLoss180p":0.2,"audioLossAudioOnly":0.3}),
        ),
    ]
}

/// Runs `check::<T>` for the type `name` names.
fn for_type(name: &str, j: &Json) {
    fn check<T>(j: &Json)
    where
        T: serde::Serialize + DeserializeOwned + Encode + Decode + PartialEq + Debug,
    {
        decodes_like_serde::<T>(j);
        if let Ok(x) = serde_json::from_value::<T>(j.clone()) {
            round_trips(&x);
        }
    }
    match name {
        "ConnectionChange" => check::<ConnectionChange>(j),
        "ParticipantProperties" => check::<Vec<ParticipantProperties>>(j),
        "CurrentAudioChange" => check::<CurrentAudioChange>(j),
        "VideoCapturingChange" => check::<VideoCapturingChange>(j),
        "DevicePermissionChange" => check::<DevicePermissionChange>(j),
        "ActiveMediaFailed" => check::<ActiveMediaFailed>(j),
        "HostAskUnmuteAudio" => check::<HostAskUnmuteAudio>(j),
        "ZoomError" => check::<ZoomError>(j),
        "DeviceList" => check::<DeviceList>(j),
        "DevicePreferences" => check::<DevicePreferences>(j),
        "JoinOptions" => check::<JoinOptions>(j),
        "LayoutInput" => check::<LayoutInput>(j),
        "LayoutMode" => check::<LayoutMode>(j),
        "Viewport" => check::<Viewport>(j),
        "QualityInput" => check::<QualityInput>(j),
        "QualityConfig" => check::<QualityConfig>(j),
        other => panic!("no type {other}"),
    }
}

fn sample_is_valid(name: &str, j: &Json) -> bool {
    fn ok<T: DeserializeOwned>(j: &Json) -> bool {
        serde_json::from_value::<T>(j.clone()).is_ok()
    }
    match name {
        "ConnectionChange" => ok::<ConnectionChange>(j),
        "ParticipantProperties" => ok::<Vec<ParticipantProperties>>(j),
        "CurrentAudioChange" => ok::<CurrentAudioChange>(j),
        "VideoCapturingChange" => ok::<VideoCapturingChange>(j),
        "DevicePermissionChange" => ok::<DevicePermissionChange>(j),
        "ActiveMediaFailed" => ok::<ActiveMediaFailed>(j),
        "HostAskUnmuteAudio" => ok::<HostAskUnmuteAudio>(j),
        "ZoomError" => ok::<ZoomError>(j),
        "DeviceList" => ok::<DeviceList>(j),
        "DevicePreferences" => ok::<DevicePreferences>(j),
        "JoinOptions" => ok::<JoinOptions>(j),
        "LayoutInput" => ok::<LayoutInput>(j),
        "LayoutMode" => ok::<LayoutMode>(j),
        "Viewport" => ok::<Viewport>(j),
        "QualityInput" => ok::<QualityInput>(j),
        "QualityConfig" => ok::<QualityConfig>(j),
        _ => false,
    }
}

#[test]
fn every_sample_decodes_alike_and_round_trips() {
    for (name, j) in samples() {
        // The samples must be valid, or the mutations below test only errors.
        for_type(name, &j);
        assert!(
            sample_is_valid(name, &j),
            "{name}: {j} is not a valid sample"
        );
    }
}

/// A random JSON leaf: JS numbers (integers are exact below 2^53, so keep
/// integers there), strings that are often a variant name, and so on.
fn leaf() -> impl Strategy<Value = Json> {
    prop_oneof![
        Just(Json::Null),
        any::<bool>().prop_map(Json::Bool),
        (-1_000_000i64..5_000_000_000).prop_map(Json::from),
        (-1e6f64..1e6).prop_map(|f| Json::from(f + 0.5)),
        prop::sample::select(vec![
            "",
            "Fail",
            "Connected",
            "failover",
            "computer",
            "phone",
            "muted",
            "camera",
            "video",
            "speaker",
            "fullscreen",
            "gallery",
            "tiles",
            "timeout",
            "uplink",
            "INVALID_OPERATION",
            "x"
        ])
        .prop_map(|s| Json::String(s.to_owned())),
    ]
}

/// `j` with one change at a random place: a member removed, a value
/// replaced, an unknown member added, or a container replaced by a leaf.
fn mutate(j: &mut Json, path: &[usize], change: u8, new: &Json) {
    if let Some((&step, rest)) = path.split_first() {
        match j {
            Json::Object(m) if !m.is_empty() => {
                let k = m.keys().nth(step % m.len()).unwrap().clone();
                return mutate(m.get_mut(&k).unwrap(), rest, change, new);
            }
            Json::Array(a) if !a.is_empty() => {
                let n = a.len();
                return mutate(&mut a[step % n], rest, change, new);
            }
            _ => {}
        }
    }
    match (change % 4, &mut *j) {
        (0, Json::Object(m)) if !m.is_empty() => {
            let k = m.keys().nth(usize::from(change) % m.len()).unwrap().clone();
            m.remove(&k);
        }
        (1, Json::Object(m)) => {
            m.insert("unknownMember".into(), new.clone());
        }
        (2, Json::Array(a)) => a.push(new.clone()),
        _ => *j = new.clone(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Whatever JS sends, both codecs accept it and read the same value, or
    /// both refuse it; and what they read encodes the same.
    #[test]
    fn mutated_inputs_decode_alike(
        which in 0usize..20,
        path in prop::collection::vec(0usize..8, 0..4),
        change in any::<u8>(),
        new in leaf(),
    ) {
        let all = samples();
        let (name, j) = &all[which % all.len()];
        let mut j = j.clone();
        mutate(&mut j, &path, change, &new);
        for_type(name, &j);
    }

    /// The JSON text parser never panics, and accepts exactly what
    /// `serde_json` accepts, reading the same value.
    #[test]
    fn json_text_parser_agrees_with_serde_json(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
        let ours = wire::json::parse_bytes(&bytes);
        let theirs = serde_json::from_slice::<Json>(&bytes);
        match (ours, theirs) {
            (Ok(a), Ok(b)) => prop_assert!(close(&json_of(&a), &b), "{:?} vs {:?}", a, b),
            (Err(_), Err(_)) => {}
            (a, b) => prop_assert!(false, "ours {:?}, serde_json {:?}", a, b),
        }
    }

    /// Text from JSON-ish tokens (random bytes are rarely near-valid JSON).
    #[test]
    fn json_text_from_tokens_agrees_with_serde_json(tokens in prop::collection::vec(prop::sample::select(vec![
        "{", "}", "[", "]", ",", ":", "\"a\"", "\"\\u00e9\\n\"", "\"\\ud83d\\ude00\"", "\"\\ud83d\"",
        "0", "-0", "12", "1.5", "1e3", "01", "1.", "-", "true", "false", "null", " ", "nul", "\"",
    ]), 0..12)) {
        let text: String = tokens.concat();
        let ours = wire::json::parse(&text);
        let theirs = serde_json::from_str::<Json>(&text);
        match (ours, theirs) {
            (Ok(a), Ok(b)) => prop_assert!(close(&json_of(&a), &b), "{:?} vs {:?}", a, b),
            (Err(_), Err(_)) => {}
            (a, b) => prop_assert!(false, "{}: ours {:?}, serde_json {:?}", text, a, b),
        }
    }

    /// Whatever serde_json writes, the wire parser reads; whatever the wire
    /// printer writes, serde_json reads as the same value (integers exactly).
    #[test]
    fn json_text_round_trips(j in leaf().prop_recursive(4, 32, 4, |inner| prop_oneof![
        prop::collection::vec(inner.clone(), 0..4).prop_map(Json::Array),
        prop::collection::btree_map("[a-z\"\\\\\u{1}é😀]{0,4}", inner, 0..4)
            .prop_map(|m| Json::Object(m.into_iter().collect())),
    ])) {
        let text = serde_json::to_string(&j).unwrap();
        let ours = wire::json::parse(&text).unwrap();
        prop_assert!(close(&json_of(&ours), &j), "{:?} vs {:?}", ours, j);
        // The printer writes non-integers to 15 significant digits.
        let back: Json = serde_json::from_str(&wire::json::to_string(&wire_of(&j))).unwrap();
        prop_assert!(within(&back, &j, 1e-14), "{:?} vs {:?}", back, j);
    }
}

/// Equal, numbers within a few ulps: neither `serde_json` (without its
/// `float_roundtrip` feature) nor the wire parser is correctly rounded for
/// every input, so the two may differ in the last bits. Integers are exact.
fn close(a: &Json, b: &Json) -> bool {
    within(a, b, 4.0 * f64::EPSILON)
}

fn within(a: &Json, b: &Json, rel: f64) -> bool {
    match (a, b) {
        (Json::Number(x), Json::Number(y)) => {
            let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
            x == y || (x - y).abs() <= x.abs().max(y.abs()) * rel
        }
        (Json::Array(x), Json::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| within(x, y, rel))
        }
        (Json::Object(x), Json::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| within(v, w, rel)))
        }
        _ => a == b,
    }
}

fn err<T: Decode + Debug>(j: Json) -> String {
    T::decode(&wire_of(&j)).unwrap_err().to_string()
}

#[test]
fn errors_name_the_field() {
    assert_eq!(
        err::<ConnectionChange>(json!({"state": 7})),
        "`state`: expected a string, found a number"
    );
    assert_eq!(
        err::<ConnectionChange>(json!({"reason": "failover"})),
        "missing field `state`"
    );
    assert_eq!(
        err::<Vec<ParticipantProperties>>(json!([{"userId": 1}, {"userId": "2"}])),
        "`[1].userId`: expected an unsigned integer, found a string"
    );
    assert_eq!(
        err::<LayoutInput>(json!({"participants": [], "viewport": {"width": 1, "height": "x"}})),
        "`viewport.height`: expected a number, found a string"
    );
    assert_eq!(
        err::<QualityInput>(json!({"kind": "tiles", "payload": [{"userId": 1, "quality": 9}]})),
        "`payload[0].quality`: expected a VideoQuality number: 0 (90P), 1 (180P), 2 (360P), 3 (720P) or 4 (1080P)"
    );
    assert!(
        err::<LayoutMode>(json!({"kind": "grid"})).starts_with("`kind`: unknown variant `grid`")
    );
    assert_eq!(
        err::<LayoutMode>(json!({"kind": "fullscreen"})),
        "missing field `userId`"
    );
    assert_eq!(
        err::<QualityConfig>(json!({"upHold": 1, "upHoldMs": 2})),
        "unknown field `upHoldMs`"
    );
}

/// Absent optional fields default, unknown fields are ignored (the SDK adds
/// fields), except where a type denies them (an app's typo must not pass).
#[test]
fn defaults_and_unknown_fields() {
    let c =
        ConnectionChange::decode(&wire_of(&json!({"state": "Closed", "extra": [1, {}]}))).unwrap();
    assert_eq!(
        (c.reason, c.subsession_name, c.error_code),
        (None, None, None)
    );
    let v = Viewport::decode(&wire_of(&json!({"width": 2, "height": 1}))).unwrap();
    assert_eq!(v.device_pixel_ratio, 1.0, "default = \"one\"");
    let q = QualityConfig::decode(&wire_of(&json!({"upHold": 1234}))).unwrap();
    assert_eq!(
        q,
        QualityConfig {
            up_hold: std::time::Duration::from_millis(1234),
            ..QualityConfig::default()
        },
        "container default fills the rest"
    );
    assert!(QualityConfig::decode(&wire_of(&json!({"upHold": 1, "bogus": 1}))).is_err());
    let e = ZoomError::decode(&wire_of(&json!({"errorCode": 1, "reason": null}))).unwrap_err();
    assert_eq!(e.to_string(), "`reason`: expected a string, found null");
}

/// What the glue returns from `Session.transitions()` and `layout()`/`Stage`
/// encodes as serde would (the harnesses cover events and states).
#[test]
fn transition_table_and_layouts_encode_alike() {
    common::wire_check::encodes_like_serde(zoomkit_core::transition_table());
    let input: LayoutInput = serde_json::from_value(
        samples()
            .into_iter()
            .find(|(n, _)| *n == "LayoutInput")
            .unwrap()
            .1,
    )
    .unwrap();
    for mode in [
        LayoutMode::Gallery,
        LayoutMode::Speaker,
        LayoutMode::Share,
        LayoutMode::Pip,
        LayoutMode::Fullscreen {
            user_id: zoomkit_core::UserId(2),
        },
    ] {
        let input = LayoutInput {
            mode,
            ..input.clone()
        };
        let layout = zoomkit_core::layout::layout(&input).unwrap();
        common::wire_check::encodes_like_serde(&layout);
    }
}
