//! Zoom's payload types against Zoom's own webhook schemas
//! (`tests/specs/zoom-*-webhooks.json`, copied unchanged from the vendor
//! documents):
//!
//! - every field our types carry exists at the same path in the event's
//!   schema (a made-up field is caught: see the negative test);
//! - a body with every field the schema declares parses into our type (so
//!   the fields we require are ones Zoom documents, with compatible types);
//! - Zoom's own example for each event parses.

use std::path::Path;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use zoomkit_server::webhook::zoom::{
    DeletedPayload, EndedMeeting, EndedSession, MeetingId, MeetingRecording, Notification,
    ObjectPayload, RecordingNotification, SessionRecording, StartedMeeting, StartedSession,
    ZoomEvent,
};

const MEETINGS: &str = "zoom-meetings-webhooks.json";
const VIDEO_SDK: &str = "zoom-videosdk-webhooks.json";

fn spec(file: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/specs")
        .join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

fn body_of(spec: &Value, event: &str) -> Value {
    spec["webhooks"][event]["post"]["requestBody"]["content"]["application/json"].clone()
}

/// The properties a schema declares, merged over `allOf`/`anyOf`/`oneOf`.
fn properties(schema: &Value) -> Map<String, Value> {
    let mut out = schema["properties"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    for key in ["allOf", "anyOf", "oneOf"] {
        for sub in schema[key].as_array().into_iter().flatten() {
            out.extend(properties(sub));
        }
    }
    out
}

fn type_of(schema: &Value) -> &str {
    match &schema["type"] {
        Value::String(t) => t,
        Value::Array(ts) => ts
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null")
            .unwrap_or("null"),
        _ if schema.get("properties").is_some() || schema.get("anyOf").is_some() => "object",
        _ => "null",
    }
}

/// A value with every declared field filled in with something of its type.
fn sample(schema: &Value) -> Value {
    if let Some(first) = schema["enum"].as_array().and_then(|e| e.first()) {
        return first.clone();
    }
    match type_of(schema) {
        "object" => Value::Object(
            properties(schema)
                .iter()
                .map(|(k, v)| (k.clone(), sample(v)))
                .collect(),
        ),
        "array" => json!([sample(&schema["items"])]),
        // Digits, so that string-typed meeting ids parse too.
        "string" => json!("1"),
        "integer" | "number" => json!(1),
        "boolean" => json!(true),
        _ => Value::Null,
    }
}

/// Paths of the fields in `ours` that `schema` does not declare.
fn unknown_fields(ours: &Value, schema: &Value, path: &str, out: &mut Vec<String>) {
    match ours {
        Value::Object(fields) => {
            let declared = properties(schema);
            for (name, value) in fields {
                let here = if path.is_empty() {
                    name.clone()
                } else {
                    format!("{path}.{name}")
                };
                match declared.get(name) {
                    Some(sub) => unknown_fields(value, sub, &here, out),
                    None => out.push(here),
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                unknown_fields(item, &schema["items"], path, out);
            }
        }
        _ => {}
    }
}

/// Runs the three checks for `T` against `event` in `file`; returns the
/// fields of `T` the schema lacks (empty when all is well).
fn check<T: Serialize + DeserializeOwned>(file: &str, event: &str) -> Vec<String> {
    let spec = spec(file);
    let body = body_of(&spec, event);
    let schema = &body["schema"];
    assert!(schema.is_object(), "{event} has a schema in {file}");

    let full = sample(schema);
    let parsed: T = serde_json::from_value(full.clone()).unwrap_or_else(|e| {
        panic!("{event}: a body with every documented field does not parse: {e}")
    });
    let ours = serde_json::to_value(&parsed).unwrap();
    let mut unknown = Vec::new();
    unknown_fields(&ours, schema, "", &mut unknown);
    unknown
}

/// Zoom's example for `event`, as a JSON value (the documents store it as
/// a string).
fn example(file: &str, event: &str) -> Value {
    let body = body_of(&spec(file), event);
    let text = body["examples"]["json-example"]["value"]
        .as_str()
        .unwrap_or_else(|| panic!("{event} has an example"));
    serde_json::from_str(text).unwrap()
}

#[test]
fn every_field_of_our_zoom_types_exists_in_zoom_s_schemas() {
    let results = [
        (
            "meeting.started",
            check::<Notification<ObjectPayload<StartedMeeting>>>(MEETINGS, "meeting.started"),
        ),
        (
            "meeting.ended",
            check::<Notification<ObjectPayload<EndedMeeting>>>(MEETINGS, "meeting.ended"),
        ),
        (
            "meeting.deleted",
            check::<Notification<DeletedPayload>>(MEETINGS, "meeting.deleted"),
        ),
        (
            "recording.completed",
            check::<RecordingNotification<MeetingRecording>>(MEETINGS, "recording.completed"),
        ),
        (
            "session.started",
            check::<Notification<ObjectPayload<StartedSession>>>(VIDEO_SDK, "session.started"),
        ),
        (
            "session.ended",
            check::<Notification<ObjectPayload<EndedSession>>>(VIDEO_SDK, "session.ended"),
        ),
        (
            "session.recording_completed",
            check::<RecordingNotification<SessionRecording>>(
                VIDEO_SDK,
                "session.recording_completed",
            ),
        ),
    ];
    for (event, unknown) in results {
        assert!(
            unknown.is_empty(),
            "{event}: fields not in Zoom's schema: {unknown:?}"
        );
    }
}

#[test]
fn zoom_s_own_examples_parse_into_the_typed_events() {
    for (file, event) in [
        (MEETINGS, "meeting.started"),
        (MEETINGS, "meeting.ended"),
        (MEETINGS, "meeting.deleted"),
        (MEETINGS, "recording.completed"),
        (VIDEO_SDK, "session.started"),
        (VIDEO_SDK, "session.ended"),
        (VIDEO_SDK, "session.recording_completed"),
    ] {
        let body = serde_json::to_vec(&example(file, event)).unwrap();
        let parsed = ZoomEvent::parse_verified(&body)
            .unwrap_or_else(|e| panic!("Zoom's example of {event}: {e}"));
        assert_eq!(parsed.name(), event);
        assert!(
            !matches!(parsed, ZoomEvent::Unknown { .. }),
            "{event} is a typed event"
        );
    }
}

/// A type with a field Zoom does not document is caught, at its path.
#[test]
fn a_made_up_field_is_caught() {
    #[derive(Serialize, Deserialize)]
    struct WithMadeUpField {
        id: MeetingId,
        uuid: String,
        attendee_count: Option<u32>,
    }
    let unknown =
        check::<Notification<ObjectPayload<WithMadeUpField>>>(MEETINGS, "meeting.started");
    assert_eq!(unknown, ["payload.object.attendee_count"]);

    // And one at the top level, on the Video SDK side.
    #[derive(Serialize, Deserialize)]
    struct TopLevel {
        event: String,
        webhook_id: Option<String>,
    }
    assert_eq!(
        check::<TopLevel>(VIDEO_SDK, "session.started"),
        ["webhook_id"]
    );
}
