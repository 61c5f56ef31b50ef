//! Walks `@zoom/videosdk`'s own `dist/types-json`: every exception code, error
//! type, active-media-failed code and enum value zoomkit decodes must be
//! mapped, and every event, payload field and SDK method zoomkit uses must
//! exist there. A code Zoom adds later fails this test until it is mapped.
//!
//! The SDK is read from `$ZOOMKIT_VIDEOSDK_DIR`, else
//! `<workspace>/tests/browser/node_modules/@zoom/videosdk`.

mod sdk_json;
use sdk_json::{decl, sdk_dir, types_json};

use serde_json::Value;
use zoomkit_core::error::ActiveMediaFailedCode;
use zoomkit_core::sdk::{
    ActiveMediaFailed, AudioChangeAction, AudioChangeSource, AudioType, ConnectionChange,
    ConnectionReason, ConnectionState, CurrentAudioChange, DevicePermissionChange,
    HostAskUnmuteAudio, MediaType, ParticipantProperties, PermissionName, PermissionState,
    VideoCapturingChange, VideoCapturingState,
};
use zoomkit_core::{
    CommandOutput, ErrorCode, ErrorType, Op, SdkEvent, TokenReason, UserId, ZoomError,
};

fn members(doc: &Value, name: &str) -> Vec<(String, String)> {
    decl(doc, name)["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["name"].as_str().unwrap().to_owned(),
                m["value"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn properties(doc: &Value, name: &str) -> Vec<String> {
    decl(doc, name)["properties"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_owned())
        .collect()
}

/// `'a' | 'b'` -> ["a", "b"].
fn string_union(def: &str) -> Vec<String> {
    def.split('|')
        .map(|s| s.trim().trim_matches('\'').to_owned())
        .filter(|s| !s.is_empty())
        .collect()
}

fn error_codes_md() -> String {
    std::fs::read_to_string(sdk_dir().join("skill/references/error-codes.md")).unwrap()
}

#[test]
fn every_exception_code_is_mapped_with_its_name() {
    let doc = types_json("exception-code");
    let all = members(&doc, "ExceptionCode");
    assert!(all.len() > 150, "suspiciously few codes: {}", all.len());
    for (name, value) in &all {
        let n: i64 = value.parse().unwrap();
        let code = ErrorCode::from_code(n);
        assert_ne!(
            code,
            ErrorCode::Unknown(n),
            "{name} ({n}) is not mapped: rerun tools/gen_codes.py"
        );
        assert_eq!(code.name(), Some(name.as_str()), "code {n}");
        assert_eq!(code.code(), n);
        let info = code.info().unwrap();
        // Every mapped code says who acts and how.
        let _ = (
            info.category,
            info.retryable,
            info.remedy.actor(),
            info.remedy.hint(),
        );
    }
}

#[test]
fn no_code_is_invented() {
    let doc = types_json("exception-code");
    let json: Vec<i64> = members(&doc, "ExceptionCode")
        .iter()
        .map(|(_, v)| v.parse().unwrap())
        .collect();
    let md = error_codes_md();
    for info in ErrorCode::all() {
        let in_md = md.contains(&format!("`{}`", info.code)) && md.contains(info.name);
        assert!(
            json.contains(&info.code) || in_md,
            "{} ({}) is in neither types-json nor error-codes.md",
            info.name,
            info.code
        );
    }
}

#[test]
fn every_error_type_is_known() {
    let common = types_json("common");
    let def = decl(&common, "ErrorTypes")["definition"].as_str().unwrap();
    let zoom = string_union(def);
    assert_eq!(
        zoom.len(),
        ErrorType::KNOWN.len(),
        "ErrorTypes changed: {zoom:?}"
    );
    for t in &zoom {
        assert!(
            !matches!(ErrorType::parse(t), ErrorType::Other(_)),
            "{t} not mapped"
        );
    }
    // The rejection shape: type, reason, errorCode.
    let props = properties(&common, "ExecutedFailure");
    let e = ZoomError::new(ErrorType::InternalError, 2, "x");
    for key in serde_json::to_value(&e)
        .unwrap()
        .as_object()
        .unwrap()
        .keys()
    {
        assert!(
            props.contains(key),
            "ZoomError field {key} not in ExecutedFailure"
        );
    }
    assert_eq!(props.len(), 3);
}

#[test]
fn every_active_media_failed_code_is_mapped() {
    let common = types_json("common");
    let zoom = members(&common, "ActiveMediaFailedCode");
    assert_eq!(zoom.len(), ActiveMediaFailedCode::all().count());
    for (name, value) in zoom {
        let n: i64 = value.parse().unwrap();
        let ours = ActiveMediaFailedCode::all().find(|(c, _, _)| *c == n);
        assert_eq!(
            ours.map(|o| o.1),
            Some(name.as_str()),
            "active-media-failed {n}"
        );
    }
}

fn same_set(zoom: Vec<String>, ours: Vec<String>, what: &str) {
    let mut z = zoom.clone();
    let mut o = ours.clone();
    z.sort();
    z.dedup();
    o.sort();
    assert_eq!(z, o, "{what}: Zoom has {zoom:?}, zoomkit has {ours:?}");
}

#[test]
fn decoded_enums_match_the_sdk() {
    let ev = types_json("event-callback");
    let common = types_json("common");
    let values = |doc: &Value, name: &str| {
        members(doc, name)
            .into_iter()
            .map(|m| m.1)
            .collect::<Vec<_>>()
    };
    let json_str = |v: serde_json::Value| v.as_str().unwrap().to_owned();

    let states = [
        ConnectionState::Connected,
        ConnectionState::Reconnecting,
        ConnectionState::Closed,
        ConnectionState::Fail,
    ];
    same_set(
        values(&ev, "ConnectionState"),
        states
            .iter()
            .map(|s| json_str(serde_json::to_value(s).unwrap()))
            .collect(),
        "ConnectionState",
    );

    let mut reasons = values(&common, "ReconnectReason");
    reasons.extend(string_union(
        decl(&ev, "ClosedReason")["definition"].as_str().unwrap(),
    ));
    same_set(
        reasons,
        ConnectionReason::KNOWN
            .iter()
            .map(|k| k.0.to_owned())
            .collect(),
        "connection reasons",
    );

    let mut sources = values(&common, "MutedSource");
    sources.extend(values(&common, "LeaveAudioSource"));
    same_set(
        sources,
        AudioChangeSource::KNOWN
            .iter()
            .map(|k| k.0.to_owned())
            .collect(),
        "audio sources",
    );

    let actions = [
        AudioChangeAction::Join,
        AudioChangeAction::Leave,
        AudioChangeAction::Muted,
        AudioChangeAction::Unmuted,
    ];
    same_set(
        values(&common, "AudioChangeAction"),
        actions
            .iter()
            .map(|a| json_str(serde_json::to_value(a).unwrap()))
            .collect(),
        "AudioChangeAction",
    );

    let capturing = [
        VideoCapturingState::Started,
        VideoCapturingState::Stopped,
        VideoCapturingState::Failed,
    ];
    same_set(
        values(&ev, "VideoCapturingState"),
        capturing
            .iter()
            .map(|a| json_str(serde_json::to_value(a).unwrap()))
            .collect(),
        "VideoCapturingState",
    );

    let passive = ["PrivilegeChange", "StopScreenCapture"];
    same_set(
        values(&ev, "PassiveStopShareReason"),
        passive.iter().map(|s| (*s).to_owned()).collect(),
        "PassiveStopShareReason",
    );
}

/// event name -> the `event_*` declaration in event-callback.json.
fn event_decl(name: &str) -> Value {
    let vc = types_json("videoclient");
    let client = decl(&vc, "VideoClient");
    let sig = client["methods"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["name"] == "on")
        .map(|m| m["signature"].as_str().unwrap().to_owned())
        .find(|s| s.contains(&format!("event: '{name}'")))
        .unwrap_or_else(|| panic!("client.on('{name}') is not in videoclient.json"));
    let func = sig
        .split("typeof ")
        .nth(1)
        .unwrap()
        .split(')')
        .next()
        .unwrap()
        .trim()
        .to_owned();
    decl(&types_json("event-callback"), &func).clone()
}

/// Field names of an event's payload: an interface's properties or an inline object type.
fn payload_fields(name: &str) -> Vec<String> {
    let d = event_decl(name);
    let ty = d["payloadType"].as_str().unwrap_or("").trim().to_owned();
    let ev = types_json("event-callback");
    let inner = ty.trim_start_matches("Array<").trim_end_matches('>');
    if inner.is_empty() {
        Vec::new()
    } else if inner.starts_with('{') {
        inner
            .trim_matches(|c| c == '{' || c == '}')
            .split(';')
            .filter_map(|f| f.split(':').next())
            .map(|f| f.trim().trim_end_matches('?').to_owned())
            .filter(|f| !f.is_empty())
            .collect()
    } else {
        properties(&ev, inner)
    }
}

fn keys_of<T: serde::Serialize>(v: &T) -> Vec<String> {
    serde_json::to_value(v)
        .unwrap()
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect()
}

fn assert_fields_exist(event: &str, ours: Vec<String>, extra_allowed: &[&str]) {
    let zoom = payload_fields(event);
    for f in ours {
        assert!(
            zoom.contains(&f) || extra_allowed.contains(&f.as_str()),
            "{event}: zoomkit reads `{f}`, which is not in the SDK's payload {zoom:?}"
        );
    }
}

#[test]
fn every_event_and_payload_field_exists() {
    for name in SdkEvent::NAMES {
        let _ = event_decl(name);
    }
    // errorCode on connection-change is documented in handle_events.md.
    let md = std::fs::read_to_string(sdk_dir().join("skill/references/handle_events.md")).unwrap();
    assert!(md.contains("errorCode?:number"));
    let c = ConnectionChange {
        state: ConnectionState::Fail,
        reason: Some(ConnectionReason::Failover),
        subsession_name: Some("x".into()),
        error_code: Some(1),
    };
    assert_fields_exist("connection-change", keys_of(&c), &["errorCode"]);

    let p = ParticipantProperties {
        user_id: UserId(1),
        display_name: Some("a".into()),
        audio: Some(AudioType::Computer),
        muted: Some(true),
        is_host: Some(true),
        is_manager: Some(true),
        b_video_on: Some(true),
        sharer_on: Some(true),
        is_in_failover: Some(true),
        user_guid: Some("g".into()),
        user_identity: Some("i".into()),
        user_key: Some("k".into()),
    };
    // userKey is on `Participant` (common.json), which is what the SDK sends.
    let participant = properties(&types_json("common"), "Participant");
    assert!(participant.contains(&"userKey".to_owned()));
    for ev in ["user-added", "user-updated", "user-removed"] {
        assert_fields_exist(ev, keys_of(&p), &["userKey"]);
    }
    let a = CurrentAudioChange {
        action: AudioChangeAction::Muted,
        kind: Some(AudioType::Computer),
        source: Some(AudioChangeSource::Active),
    };
    assert_fields_exist("current-audio-change", keys_of(&a), &[]);
    assert_fields_exist(
        "video-capturing-change",
        keys_of(&VideoCapturingChange {
            state: VideoCapturingState::Started,
        }),
        &[],
    );
    assert_fields_exist(
        "device-permission-change",
        keys_of(&DevicePermissionChange {
            name: PermissionName::Camera,
            state: PermissionState::Denied,
        }),
        &[],
    );
    let f = ActiveMediaFailed {
        code: ActiveMediaFailedCode::AudioStreamEnded,
        message: "m".into(),
        kind: MediaType::Audio,
    };
    assert_fields_exist("active-media-failed", keys_of(&f), &[]);
    assert_fields_exist(
        "host-ask-unmute-audio",
        keys_of(&HostAskUnmuteAudio {
            reason: "Unmute".into(),
        }),
        &[],
    );
    for unit in [
        "device-change",
        "speaking-while-muted",
        "auto-play-audio-failed",
    ] {
        assert!(payload_fields(unit).is_empty(), "{unit} gained a payload");
    }
}

#[test]
fn every_sdk_method_zoomkit_calls_exists() {
    let vc = types_json("videoclient");
    let media = types_json("media");
    let names = |d: &Value| -> Vec<String> {
        d["methods"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["name"].as_str().unwrap().to_owned())
            .collect()
    };
    let client = names(decl(&vc, "VideoClient"));
    let stream = names(decl(&media, "Stream"));
    let chat_json = types_json("chat");
    let recording_json = types_json("recording");
    let chat = names(decl(&chat_json, "ChatClient"));
    let recording = names(decl(&recording_json, "RecordingClient"));
    let user = zoomkit_core::UserId(1);
    let ops = [
        Op::FetchToken {
            topic: String::new(),
            reason: TokenReason::Join,
        },
        Op::Init,
        Op::Join {
            topic: String::new(),
            token: String::new(),
            user_name: String::new(),
            session_password: None,
            session_idle_timeout_mins: None,
        },
        Op::Leave { end: false },
        Op::StartAudio {
            mute: false,
            microphone_id: None,
            speaker_id: None,
        },
        Op::StopAudio,
        Op::MuteAudio,
        Op::UnmuteAudio,
        Op::SwitchMicrophone {
            microphone_id: String::new(),
        },
        Op::SwitchSpeaker {
            speaker_id: String::new(),
        },
        Op::StartVideo {
            camera_id: None,
            capture: zoomkit_core::CaptureProfile::Standard,
        },
        Op::StopVideo,
        Op::SwitchCamera {
            camera_device_id: String::new(),
        },
        Op::StartShareScreen,
        Op::StopShareScreen,
        Op::ListDevices,
        Op::SendChat {
            text: String::new(),
            user_id: user,
        },
        Op::SendChatToAll {
            text: String::new(),
        },
        Op::SetChatPrivilege {
            privilege: zoomkit_core::chat::ChatPrivilege::All,
        },
        Op::MuteUser { user_id: user },
        Op::AskToUnmute { user_id: user },
        Op::RemoveUser { user_id: user },
        Op::MakeHost { user_id: user },
        Op::MakeManager { user_id: user },
        Op::RevokeManager { user_id: user },
        Op::LockShare { locked: true },
        Op::StartRecording,
        Op::StopRecording,
        Op::PauseRecording,
        Op::ResumeRecording,
        Op::AcceptIndividualRecording,
        Op::DeclineIndividualRecording,
    ];
    for op in &ops {
        for m in op.sdk_methods() {
            let (obj, method) = m.split_once('.').unwrap();
            let list = match obj {
                "client" => &client,
                "stream" => &stream,
                "ChatClient" => &chat,
                "RecordingClient" => &recording,
                other => panic!("{m}: unknown SDK object `{other}`"),
            };
            assert!(
                list.contains(&method.to_owned()),
                "{m} (for {}) is not in the SDK",
                op.name()
            );
        }
    }
    // Parameter names carried by ops are the SDK's own.
    let sig = |d: &Value, name: &str| -> String {
        d["methods"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["name"] == name)
            .unwrap()["signature"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let join = sig(decl(&vc, "VideoClient"), "join");
    for p in [
        "topic",
        "token",
        "userName",
        "sessionPassword",
        "sessionIdleTimeoutMins",
    ] {
        assert!(join.contains(p), "join has no {p}: {join}");
    }
    let audio_opts = properties(&media, "AudioOption");
    for p in ["mute", "microphoneId", "speakerId"] {
        assert!(audio_opts.contains(&p.to_owned()));
    }
    assert!(properties(&media, "CaptureVideoOption").contains(&"cameraId".to_owned()));
    let _ = CommandOutput::Unit;
}
