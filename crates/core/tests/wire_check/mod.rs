//! The wasm glue uses `zoomkit_core::wire`, native users and these tests use
//! serde: the two must agree on every shape. The harnesses call these checks
//! on every value they see, so every scenario test is also an equivalence
//! test; `wire_equivalence.rs` adds random inputs.
#![allow(dead_code)]

use std::fmt::Debug;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value as Json;
use zoomkit_core::wire::{self, Decode, Encode, Value};
use zoomkit_core::SdkEvent;

/// `serde_json`'s value as a wire value (what JS would hand the glue).
pub fn wire_of(j: &Json) -> Value {
    match j {
        Json::Null => Value::Null,
        Json::Bool(b) => Value::Bool(*b),
        Json::Number(n) => Value::Number(n.as_f64().unwrap()),
        Json::String(s) => Value::String(s.clone()),
        Json::Array(a) => Value::Array(a.iter().map(wire_of).collect()),
        Json::Object(m) => Value::Object(m.iter().map(|(k, v)| (k.clone(), wire_of(v))).collect()),
    }
}

/// A wire value as `serde_json`'s, numbers in [`canon`]'s form.
pub fn json_of(v: &Value) -> Json {
    match v {
        Value::Null => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Number(n) => number(*n),
        Value::String(s) => Json::String(s.clone()),
        Value::Array(a) => Json::Array(a.iter().map(json_of).collect()),
        Value::Object(m) => {
            let mut out = serde_json::Map::new();
            for (k, v) in m {
                assert!(
                    out.insert(k.clone(), json_of(v)).is_none(),
                    "duplicate key {k}"
                );
            }
            Json::Object(out)
        }
    }
}

/// JS has one number type: `3` and `3.0` are the same value there.
fn number(n: f64) -> Json {
    if n.fract() == 0.0 && n.abs() < 9_007_199_254_740_992.0 {
        Json::from(n as i64)
    } else {
        Json::from(n)
    }
}

/// `j` with every number in [`number`]'s form.
pub fn canon(j: &Json) -> Json {
    match j {
        Json::Number(n) => number(n.as_f64().unwrap()),
        Json::Array(a) => Json::Array(a.iter().map(canon).collect()),
        Json::Object(m) => Json::Object(m.iter().map(|(k, v)| (k.clone(), canon(v))).collect()),
        other => other.clone(),
    }
}

/// `wire::encode(x)` is `serde_json::to_value(x)`, compared as JSON.
pub fn encodes_like_serde<T: Serialize + Encode + Debug + ?Sized>(x: &T) {
    let serde = canon(&serde_json::to_value(x).unwrap());
    let ours = json_of(&x.encode());
    assert_eq!(ours, serde, "wire and serde encode {x:?} differently");
}

/// `wire::decode(serde_json::to_value(x)) == x`, and `x` encodes alike.
pub fn round_trips<T>(x: &T)
where
    T: Serialize + DeserializeOwned + Encode + Decode + PartialEq + Debug,
{
    encodes_like_serde(x);
    let decoded = T::decode(&wire_of(&serde_json::to_value(x).unwrap()))
        .unwrap_or_else(|e| panic!("wire cannot decode what serde wrote for {x:?}: {e}"));
    assert_eq!(&decoded, x);
}

/// Both codecs accept `j` and read the same value, or both refuse it.
pub fn decodes_like_serde<T>(j: &Json)
where
    T: DeserializeOwned + Decode + PartialEq + Debug,
{
    let serde = serde_json::from_value::<T>(j.clone());
    let ours = T::decode(&wire_of(j));
    match (serde, ours) {
        (Ok(a), Ok(b)) => assert_eq!(a, b, "for {j}"),
        (Err(_), Err(_)) => {}
        (a, b) => panic!("serde {a:?} but wire {b:?} for {j}"),
    }
}

/// The payload of an SDK event survives a trip through serde's JSON and the
/// wire decoder (the glue's path for every SDK event).
pub fn sdk_event(ev: &SdkEvent) {
    let payload = match ev {
        SdkEvent::ConnectionChange(p) => serde_json::to_value(p),
        SdkEvent::UserAdded(p) | SdkEvent::UserUpdated(p) | SdkEvent::UserRemoved(p) => {
            serde_json::to_value(p)
        }
        SdkEvent::CurrentAudioChange(p) => serde_json::to_value(p),
        SdkEvent::VideoCapturingChange(p) => serde_json::to_value(p),
        SdkEvent::DevicePermissionChange(p) => serde_json::to_value(p),
        SdkEvent::ActiveMediaFailed(p) => serde_json::to_value(p),
        SdkEvent::PassivelyStopShare(p) => serde_json::to_value(p),
        SdkEvent::HostAskUnmuteAudio(p) => serde_json::to_value(p),
        _ => Ok(Json::Null),
    }
    .unwrap();
    let ours = SdkEvent::decode_wire(ev.name(), &wire_of(&payload))
        .unwrap_or_else(|e| panic!("{}: {e}", ev.name()));
    assert_eq!(&ours, ev);
    let theirs = SdkEvent::decode(ev.name(), payload).unwrap();
    assert_eq!(&theirs, ev);
}

/// What the core stored is JSON text that serde reads as the wire parser does.
pub fn stored_text(text: &str) {
    let serde: Json = serde_json::from_str(text).unwrap();
    let ours = wire::json::parse(text).unwrap();
    assert_eq!(
        wire::json::to_string(&ours),
        text,
        "not compact or not canonical"
    );
    assert_eq!(json_of(&ours), canon(&serde));
    assert_eq!(
        wire::json::to_string(&wire_of(&serde)),
        serde_json::to_string(&serde).unwrap()
    );
}
