//! Every operation the Zoom clients use, against Zoom's own OpenAPI
//! documents (`tests/specs/zoom-*-api.json`, unchanged copies):
//!
//! - each client method is run with every field and parameter it can send
//!   against the fake Zoom, which checks the method, path, path and query
//!   parameters and body of each request against the documents; the test
//!   fails naming any violation, and fails if an operation of
//!   `http::ZOOM_ENDPOINTS` was not exercised;
//! - each response type, filled from a complete example of Zoom's answer
//!   schema, serialises back to fields the schema has (a field we invented
//!   comes back as `null` under a name the schema lacks and is named);
//! - the checker itself finds an invented path, parameter and field.
#![cfg(feature = "testing")]

mod zoom_common;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};
use zoomkit_server::http::{ZoomApi, ZOOM_ENDPOINTS};
use zoomkit_server::testing::spec::{
    check_request, check_value, example, find_operation, property, Violation,
};
use zoomkit_server::testing::FakeSession;
use zoomkit_server::zoom::{
    ApprovalType, Audio, AutoRecording, Date, ListType, Meeting, MeetingRecording, MeetingRequest,
    MeetingSettings, MeetingSummary, SessionDetail, SessionRecording, SessionSummary, SessionType,
    SessionUser,
};

fn full_request() -> MeetingRequest {
    MeetingRequest::scheduled("Coaching", "2030-01-01T10:00:00Z", 45)
        .timezone("Europe/Berlin")
        .agenda("zoomkit:booking:abc")
        .password("a1b2c3")
        .tracking_field("zoomkit-booking", "calcom:uid-1")
        .settings(MeetingSettings {
            waiting_room: Some(true),
            join_before_host: Some(false),
            jbh_time: Some(5),
            mute_upon_entry: Some(true),
            host_video: Some(true),
            participant_video: Some(false),
            auto_recording: Some(AutoRecording::Cloud),
            approval_type: Some(ApprovalType::NoRegistration),
            audio: Some(Audio::Both),
        })
}

fn d(s: &str) -> Date {
    Date::parse(s).unwrap()
}

#[tokio::test]
async fn every_operation_we_send_is_in_zooms_documents() {
    let fake = zoom_common::fake().await;
    let zoom = zoom_common::client(&fake);
    let video = zoom_common::video(&fake);

    let m = zoom.create_meeting("me", &full_request()).await.unwrap();
    zoom.create_meeting("ada@example.com", &full_request())
        .await
        .unwrap();
    zoom.meeting(m.id).await.unwrap();
    zoom.update_meeting(m.id, &full_request()).await.unwrap();
    zoom.list_meetings("me", ListType::Scheduled).await.unwrap();
    fake.add_recording(m.id, d("2030-01-01"), 2);
    zoom.meeting_recordings(m.id, true).await.unwrap();
    zoom.meeting_recordings(m.id, false).await.unwrap();
    fake.add_instance_recording(m.id, "/ab+cd//ef==", d("2030-01-02"), 1);
    zoom.meeting_instance_recordings("/ab+cd//ef==", true)
        .await
        .unwrap();
    zoom.host_recordings("me", d("2029-11-15"), d("2030-01-20"))
        .await
        .unwrap();
    zoom.delete_meeting(m.id).await.unwrap();

    let today = Date::of(fake.now()).unwrap();
    fake.add_session(FakeSession {
        id: "/ab+cd//ef==".into(),
        name: "Cool Cars".into(),
        start: today,
        live: false,
        users: vec!["Ada".into()],
        recording_files: 1,
    });
    let from = today.pred().pred();
    video
        .sessions(SessionType::Past, from, today)
        .await
        .unwrap();
    video
        .sessions(SessionType::Live, from, today)
        .await
        .unwrap();
    video
        .session("/ab+cd//ef==", SessionType::Past)
        .await
        .unwrap();
    video
        .session_users("/ab+cd//ef==", SessionType::Past)
        .await
        .unwrap();
    video
        .session_recordings("/ab+cd//ef==", true)
        .await
        .unwrap();
    video.recordings(from, today).await.unwrap();

    let violations: Vec<String> = fake.violations().iter().map(Violation::to_string).collect();
    assert!(
        violations.is_empty(),
        "requests (or the fake's answers) Zoom's documents do not allow:\n{}",
        violations.join("\n")
    );
    let seen = fake.stats().by_operation;
    for ep in ZOOM_ENDPOINTS {
        assert!(
            seen.contains_key(ep.operation_id),
            "{} was not exercised (seen: {seen:?})",
            ep.operation_id
        );
    }
    // recordingGet and recordingsList exist in both documents: both were
    // sent (3 meeting + 1 session, 3 month calls + 1 session list).
    assert_eq!(seen["recordingGet"], 4);
    assert_eq!(seen["recordingsList"], 4);
}

/// The request body, with every field we can set, against both the
/// create and the update schema.
#[test]
fn meeting_request_fields_are_zooms() {
    let body = serde_json::to_vec(&full_request()).unwrap();
    for (method, path) in [("POST", "users/me/meetings"), ("PATCH", "meetings/123")] {
        let segments: Vec<String> = path.split('/').map(str::to_owned).collect();
        let (op, v) = check_request(method, &segments, &[], &body);
        assert!(op.is_some());
        assert!(v.is_empty(), "{method} {path}: {v:?}");
    }
}

fn schema(method: &str, path: &str, status: &str) -> &'static Value {
    let segments: Vec<String> = path
        .trim_start_matches('/')
        .split('/')
        .map(str::to_owned)
        .collect();
    let (op, _) = find_operation(method, &segments).unwrap_or_else(|| panic!("{method} {path}"));
    op.response_schema(status)
        .unwrap_or_else(|| panic!("{method} {path} {status}"))
}

/// Fills `T` from a complete example of `schema` (so every field we
/// require is one Zoom documents, with a compatible type), then checks
/// what `T` serialises to against the schema (so every field we have is
/// one Zoom documents).
fn round_trip<T: DeserializeOwned + Serialize>(what: &str, schema: &Value) -> Vec<Violation> {
    let full = example(schema);
    let ours: T = serde_json::from_value(full).unwrap_or_else(|e| panic!("{what}: {e}"));
    let back = serde_json::to_value(&ours).unwrap();
    let mut out = Vec::new();
    check_value(&back, schema, "", what, &mut out);
    out
}

/// Items of a listing's array property.
fn items<'a>(schema: &'a Value, name: &str) -> &'a Value {
    &property(schema, name).unwrap_or_else(|| panic!("no `{name}`"))["items"]
}

#[test]
fn response_types_have_only_zooms_fields() {
    let mut v = Vec::new();
    v.extend(round_trip::<Meeting>(
        "meetingCreate 201",
        schema("POST", "/users/me/meetings", "201"),
    ));
    v.extend(round_trip::<Meeting>(
        "meeting 200",
        schema("GET", "/meetings/1", "200"),
    ));
    v.extend(round_trip::<MeetingSummary>(
        "meetings 200 meetings[]",
        items(schema("GET", "/users/me/meetings", "200"), "meetings"),
    ));
    v.extend(round_trip::<MeetingRecording>(
        "recordingGet 200",
        schema("GET", "/meetings/1/recordings", "200"),
    ));
    v.extend(round_trip::<MeetingRecording>(
        "recordingsList 200 meetings[]",
        items(schema("GET", "/users/me/recordings", "200"), "meetings"),
    ));
    v.extend(round_trip::<SessionSummary>(
        "sessions 200 sessions[]",
        items(schema("GET", "/videosdk/sessions", "200"), "sessions"),
    ));
    v.extend(round_trip::<SessionDetail>(
        "sessionDetail 200",
        schema("GET", "/videosdk/sessions/x", "200"),
    ));
    v.extend(round_trip::<SessionUser>(
        "sessionUsers 200 users[]",
        items(schema("GET", "/videosdk/sessions/x/users", "200"), "users"),
    ));
    v.extend(round_trip::<SessionRecording>(
        "recordingGet (Video SDK) 200",
        schema("GET", "/videosdk/sessions/x/recordings", "200"),
    ));
    v.extend(round_trip::<SessionRecording>(
        "recordingsList (Video SDK) 200 sessions[]",
        items(schema("GET", "/videosdk/recordings", "200"), "sessions"),
    ));
    let shown: Vec<String> = v.iter().map(Violation::to_string).collect();
    assert!(
        shown.is_empty(),
        "fields Zoom's documents lack:\n{}",
        shown.join("\n")
    );
    // The listing wrappers we read (`next_page_token`, the item array).
    for (path, array) in [
        ("/users/me/meetings", "meetings"),
        ("/users/me/recordings", "meetings"),
        ("/videosdk/sessions", "sessions"),
        ("/videosdk/sessions/x/users", "users"),
        ("/videosdk/recordings", "sessions"),
    ] {
        let s = schema("GET", path, "200");
        assert!(property(s, "next_page_token").is_some(), "{path}");
        assert!(property(s, array).is_some(), "{path}: {array}");
    }
}

/// The checks can fail: an invented field, parameter and path are named.
#[test]
fn the_checker_names_what_zoom_lacks() {
    #[derive(Serialize, serde::Deserialize)]
    struct Invented {
        id: u64,
        meeting_colour: Option<String>,
    }
    let v = round_trip::<Invented>("meeting 200", schema("GET", "/meetings/1", "200"));
    assert_eq!(
        v.iter().map(Violation::to_string).collect::<Vec<_>>(),
        ["meeting 200: body field `meeting_colour`: is not in Zoom's document"]
    );

    let segments = |p: &str| p.split('/').map(str::to_owned).collect::<Vec<_>>();
    let body = serde_json::to_vec(
        &json!({"topic": "x", "settings": {"waiting_room": "yes", "lobby": true}}),
    )
    .unwrap();
    let (_, v) = check_request(
        "POST",
        &segments("users/me/meetings"),
        &[("colour".into(), "red".into())],
        &body,
    );
    let shown: Vec<String> = v.iter().map(Violation::to_string).collect();
    assert_eq!(
        shown,
        [
            "meetingCreate: query parameter `colour`: is not in Zoom's document",
            "meetingCreate: body field `settings.lobby`: is not in Zoom's document",
            "meetingCreate: body field `settings.waiting_room`: is not of type boolean",
        ]
    );
    let (op, v) = check_request("GET", &segments("meetings/1/transcripts/all"), &[], b"");
    assert!(op.is_none());
    assert_eq!(v[0].place, "path");
    let _ = ZoomApi::Meetings;
}
