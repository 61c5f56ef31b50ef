//! Walks `@zoom/videosdk`'s own `dist/types-json`: `VideoQuality` and
//! `SystemCPUPressureLevel` have exactly the SDK's members and numbers, every
//! field the quality and layout payloads read exists in the SDK's event
//! payloads, and every SDK method and event the docs tell the glue to use
//! exists.
//!
//! The SDK is read from `$ZOOMKIT_VIDEOSDK_DIR`, else
//! `<workspace>/tests/browser/node_modules/@zoom/videosdk`. Without it the
//! tests fail (never skip): run `npm ci --prefix tests/browser`.

mod sdk_json;
use sdk_json::{decl, sdk_dir, types_json};

use serde::Serialize;
use serde_json::Value;
use zoomkit_core::quality::{
    AudioStatisticDataChange, AudioStatistics, CpuUsage, NetworkDirection, NetworkQualityChange,
    QualityInput, SystemCpuPressureLevel, SystemResourceUsageChange, VideoStatisticDataChange,
    VideoStatistics,
};
use zoomkit_core::{ActiveSpeaker, UserId, VideoQuality};

fn members(doc: &Value, name: &str) -> Vec<(String, u8)> {
    decl(doc, name)["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["name"].as_str().unwrap().to_owned(),
                m["value"].as_str().unwrap().parse().unwrap(),
            )
        })
        .collect()
}

/// Top-level `name: type` pairs of a TypeScript object literal.
fn literal(ty: &str) -> Vec<(String, String)> {
    let body = ty
        .trim()
        .strip_prefix('{')
        .and_then(|b| b.strip_suffix('}'))
        .unwrap_or_else(|| panic!("not an object literal: {ty}"));
    let mut out = Vec::new();
    let (mut depth, mut start) = (0i32, 0);
    let mut push = |member: &str| {
        if let Some((name, ty)) = member.split_once(':') {
            let name = name.trim().trim_end_matches('?').trim();
            out.push((name.to_owned(), ty.trim().to_owned()));
        }
    };
    for (i, b) in body.bytes().enumerate() {
        match b {
            b'{' | b'(' | b'[' | b'<' => depth += 1,
            b'}' | b')' | b']' | b'>' => depth -= 1,
            b';' if depth == 0 => {
                push(&body[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    push(&body[start..]);
    out
}

/// The payload literal of event declaration `event_*`.
fn payload(event: &str) -> Vec<(String, String)> {
    let doc = types_json("event-callback");
    literal(decl(&doc, event)["payloadType"].as_str().unwrap())
}

fn field<'a>(fields: &'a [(String, String)], name: &str) -> &'a str {
    &fields
        .iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("no field `{name}` in {fields:?}"))
        .1
}

/// The JSON keys a value serialises with.
fn keys(v: impl Serialize) -> Vec<String> {
    serde_json::to_value(v)
        .unwrap()
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect()
}

fn assert_fields_exist(ours: Vec<String>, sdk: &[(String, String)], what: &str) {
    assert!(!ours.is_empty());
    for k in ours {
        assert!(
            sdk.iter().any(|(n, _)| *n == k),
            "`{k}` is not a field of the SDK's {what}: {sdk:?}"
        );
    }
}

/// `'a' | 'b'` -> ["a", "b"].
fn string_union(def: &str) -> Vec<String> {
    def.split('|')
        .map(|s| s.trim().trim_matches('\'').to_owned())
        .collect()
}

fn stream_method(name: &str) -> Value {
    let media = types_json("media");
    decl(&media, "Stream")["methods"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == name)
        .unwrap_or_else(|| panic!("Stream.{name} does not exist in @zoom/videosdk"))
        .clone()
}

#[test]
fn video_quality_is_the_sdks_enum() {
    let sdk = members(&types_json("common"), "VideoQuality");
    let ours: Vec<(String, u8)> = VideoQuality::ALL
        .iter()
        .map(|(n, q)| ((*n).to_owned(), q.as_number()))
        .collect();
    assert_eq!(ours, sdk);
    for (name, q) in VideoQuality::ALL {
        assert_eq!(q.sdk_name(), name);
        assert_eq!(serde_json::to_value(q).unwrap(), q.as_number());
        assert_eq!(VideoQuality::from_number(q.as_number()), Some(q));
    }
    // attachVideo takes it as its second parameter.
    let attach = stream_method("attachVideo");
    assert_eq!(attach["parameters"][1]["name"], "videoQuality");
    assert_eq!(attach["parameters"][1]["type"], "VideoQuality");
}

#[test]
fn cpu_pressure_is_the_sdks_enum() {
    let sdk = members(&types_json("common"), "SystemCPUPressureLevel");
    let ours: Vec<(String, u8)> = SystemCpuPressureLevel::ALL
        .iter()
        .map(|(n, l)| ((*n).to_owned(), l.as_number()))
        .collect();
    assert_eq!(ours, sdk);
}

#[test]
fn network_quality_change_has_the_sdks_fields_and_directions() {
    let sdk = payload("event_network_quality_change");
    let ours = NetworkQualityChange {
        user_id: UserId(1),
        direction: NetworkDirection::Uplink,
        level: 3,
    };
    assert_fields_exist(keys(ours), &sdk, "event_network_quality_change");
    assert_eq!(field(&sdk, "level"), "number");
    let directions = string_union(field(&sdk, "type"));
    let ours: Vec<String> = [NetworkDirection::Uplink, NetworkDirection::Downlink]
        .iter()
        .map(|d| {
            serde_json::to_value(d)
                .unwrap()
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(ours, directions);
}

#[test]
fn statistics_payloads_have_the_sdks_fields() {
    let audio = payload("event_audio_statistic_data_change");
    let ours = AudioStatisticDataChange {
        data: AudioStatistics {
            encoding: true,
            avg_loss: 0.0,
        },
    };
    assert_fields_exist(keys(ours), &audio, "audio-statistic-data-change");
    assert_fields_exist(
        keys(ours.data),
        &literal(field(&audio, "data")),
        "audio-statistic-data-change data",
    );
    let video = payload("event_video_statistic_data_change");
    let ours = VideoStatisticDataChange {
        data: VideoStatistics {
            encoding: false,
            avg_loss: 0.0,
        },
    };
    assert_fields_exist(keys(ours), &video, "video-statistic-data-change");
    assert_fields_exist(
        keys(ours.data),
        &literal(field(&video, "data")),
        "video-statistic-data-change data",
    );
}

#[test]
fn system_resource_usage_change_has_the_sdks_fields() {
    let sdk = payload("event_system_resource_usage_change");
    let ours = SystemResourceUsageChange {
        cpu_usage: CpuUsage {
            system_cpu_pressure_level: SystemCpuPressureLevel::Serious,
        },
    };
    assert_fields_exist(keys(ours), &sdk, "system-resource-usage-change");
    let cpu = literal(field(&sdk, "cpu_usage"));
    assert_fields_exist(keys(ours.cpu_usage), &cpu, "cpu_usage");
    assert_eq!(
        field(&cpu, "system_cpu_pressure_level"),
        "SystemCPUPressureLevel"
    );
}

#[test]
fn active_speaker_has_the_sdks_fields() {
    let doc = types_json("event-callback");
    let props: Vec<(String, String)> = decl(&doc, "ActiveSpeaker")["properties"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["name"].as_str().unwrap().to_owned(), String::new()))
        .collect();
    assert_fields_exist(
        keys(ActiveSpeaker { user_id: UserId(1) }),
        &props,
        "ActiveSpeaker",
    );
}

#[test]
fn every_event_the_controller_reads_exists() {
    let client = types_json("videoclient");
    let events: Vec<String> = decl(&client, "VideoClient")["methods"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["name"] == "on")
        .filter_map(|m| {
            let sig = m["signature"].as_str()?;
            Some(
                sig.strip_prefix("on(event: '")?
                    .split('\'')
                    .next()?
                    .to_owned(),
            )
        })
        .collect();
    for name in QualityInput::SDK_EVENTS.iter().chain(&[
        "active-speaker",
        "active-share-change",
        "video-spotlight-change",
    ]) {
        assert!(events.iter().any(|e| e == name), "no event `{name}`");
    }
    // And the input's `kind` for an event is that event's name.
    for name in QualityInput::SDK_EVENTS {
        let e = serde_json::from_value::<QualityInput>(serde_json::json!({
            "kind": name, "payload": {}
        }))
        .unwrap_err()
        .to_string();
        assert!(e.contains("missing field"), "{name}: {e}");
    }
}

#[test]
fn every_method_and_option_the_docs_name_exists() {
    for m in [
        "isSupportMultipleVideos",
        "getMaxRenderableVideos",
        "isSupportHDVideo",
        "attachVideo",
        "detachVideo",
        "startVideo",
        "stopVideo",
        "subscribeVideoStatisticData",
        "subscribeAudioStatisticData",
        "subscribeSystemResourceUsage",
    ] {
        stream_method(m);
    }
    let media = types_json("media");
    let capture: Vec<String> = decl(&media, "CaptureVideoOption")["properties"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_owned())
        .collect();
    for o in ["hd", "fullHd", "captureWidth", "captureHeight"] {
        assert!(capture.iter().any(|c| c == o), "CaptureVideoOption.{o}");
    }
    let client = types_json("videoclient");
    assert!(decl(&client, "InitOptions")["properties"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["name"] == "enforceMultipleVideos"));
    let auth = std::fs::read_to_string(sdk_dir().join("skill/references/auth.md")).unwrap();
    assert!(auth.contains("`video_webrtc_mode`"));
}
