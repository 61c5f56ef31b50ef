//! Typed payloads, parsed after verification: each event the bridge needs
//! becomes its typed variant, a missing or mistyped field is an error
//! naming its path (never quoting the value), unknown events are kept raw,
//! personal data stays out of `Debug`, and dedupe keys are equal exactly
//! for the same event.

mod webhook_common;

use serde_json::{json, Value};
use webhook_common::*;
use zoomkit_server::webhook::calcom::CalcomEvent;
use zoomkit_server::webhook::calendly::CalendlyEvent;
use zoomkit_server::webhook::zoom::{MeetingId, ZoomEvent};
use zoomkit_server::webhook::{
    CalcomVerifier, CalendlyVerifier, Event, PayloadProblem, Provider, Verified, ZoomVerifier,
};

const T0: u64 = 1_800_000_000;
const SECRET: &str = "s3cret";

fn zoom(body: &[u8]) -> Verified {
    ZoomVerifier::new(secrets(SECRET))
        .verify(&zoom_headers(SECRET, T0, body), body, at(T0))
        .unwrap()
}

fn calendly(body: &[u8]) -> Verified {
    CalendlyVerifier::new(secrets(SECRET))
        .verify(&calendly_headers(SECRET, T0, body), body, at(T0))
        .unwrap()
}

fn calcom(body: &[u8]) -> Verified {
    CalcomVerifier::new(secrets(SECRET))
        .verify(&calcom_headers(SECRET, body), body, at(T0))
        .unwrap()
}

fn edit(body: &[u8], f: impl FnOnce(&mut Value)) -> Vec<u8> {
    let mut value: Value = serde_json::from_slice(body).unwrap();
    f(&mut value);
    serde_json::to_vec(&value).unwrap()
}

fn zoom_event(body: &[u8]) -> ZoomEvent {
    match zoom(body).parse(body).unwrap() {
        Event::Zoom(e) => *e,
        other => panic!("{other:?}"),
    }
}

fn recording_body() -> Vec<u8> {
    json!({
        "event": "recording.completed", "event_ts": 1_800_000_000_123_i64,
        "download_token": "dl-token-abc",
        "payload": {"account_id": "acc", "object": {
            "id": 85746065432_u64, "uuid": "u==", "host_id": "h", "host_email": "coach@example.com",
            "topic": "Coaching", "type": 2, "start_time": "2027-01-15T10:00:00Z",
            "password": "pass123", "share_url": "https://zoom.us/rec/share/x?pwd=pass123",
            "recording_files": [{"id": "f1", "meeting_id": "u==", "file_type": "MP4", "file_size": 1024,
                "download_url": "https://zoom.us/rec/download/f1", "status": "completed",
                "recording_type": "shared_screen_with_speaker_view"}]}}
    })
    .to_string()
    .into_bytes()
}

#[test]
fn zoom_events_parse_into_their_variants() {
    match zoom_event(&zoom_body()) {
        ZoomEvent::MeetingStarted(n) => {
            assert_eq!(n.payload.object.id, MeetingId(85746065432));
            assert_eq!(n.payload.object.uuid, "4444AAAiAAAAAiAiAiiAii==");
            assert_eq!(n.event_ts, Some(1_800_000_000_123));
        }
        other => panic!("{other:?}"),
    }
    match zoom_event(&recording_body()) {
        ZoomEvent::RecordingCompleted(n) => {
            assert_eq!(n.download_token.expose(), "dl-token-abc");
            assert_eq!(n.payload.object.recording_files[0].file_type, "MP4");
            let debug = format!("{n:?}");
            for secret in ["dl-token-abc", "coach@example.com", "pass123"] {
                assert!(!debug.contains(secret), "{debug}");
            }
        }
        other => panic!("{other:?}"),
    }
    let session = json!({"event": "session.ended", "event_ts": 1, "payload": {"account_id": "a",
        "object": {"id": "i", "session_id": "sid==", "session_name": "Cool Cars",
        "start_time": "2027-01-15T10:00:00Z", "end_time": "2027-01-15T11:00:00Z"}}})
    .to_string();
    match zoom_event(session.as_bytes()) {
        ZoomEvent::SessionEnded(n) => assert_eq!(n.payload.object.session_name, "Cool Cars"),
        other => panic!("{other:?}"),
    }
    let deleted = json!({"event": "meeting.deleted", "payload": {"account_id": "a",
        "operator": "admin@example.com",
        "object": {"uuid": "u", "id": 1, "host_id": "h", "type": 2}}})
    .to_string();
    match zoom_event(deleted.as_bytes()) {
        ZoomEvent::MeetingDeleted(n) => {
            assert_eq!(n.payload.operator.expose(), "admin@example.com");
            assert!(!format!("{n:?}").contains("admin@"));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_missing_or_mistyped_field_is_named_and_its_value_not_quoted() {
    let body = edit(&zoom_body(), |v| {
        v["payload"]["object"]
            .as_object_mut()
            .unwrap()
            .remove("uuid");
    });
    let err = Event::parse_verified(Provider::Zoom, &body).unwrap_err();
    assert_eq!(err.problem, PayloadProblem::MissingField("uuid".into()));
    assert_eq!(err.field(), "payload.object.uuid");
    assert_eq!(err.event, "meeting.started");
    assert!(err.to_string().contains("payload.object"), "{err}");

    let body = edit(&zoom_body(), |v| {
        v["payload"]["object"]["type"] = json!("alice@example.com")
    });
    let err = Event::parse_verified(Provider::Zoom, &body).unwrap_err();
    assert_eq!(
        (err.problem.clone(), err.field()),
        (PayloadProblem::InvalidValue, "payload.object.type".into())
    );
    assert!(!format!("{err} {err:?}").contains("alice"));

    let body = edit(&recording_body(), |v| {
        v.as_object_mut().unwrap().remove("download_token");
    });
    let err = Event::parse_verified(Provider::Zoom, &body).unwrap_err();
    assert_eq!(err.field(), "download_token");

    let body = edit(&calendly_body(), |v| {
        v["payload"]
            .as_object_mut()
            .unwrap()
            .remove("scheduled_event");
    });
    assert_eq!(
        Event::parse_verified(Provider::Calendly, &body)
            .unwrap_err()
            .field(),
        "payload.scheduled_event"
    );

    let body = edit(&calcom_body(), |v| {
        v["payload"]["organizer"]
            .as_object_mut()
            .unwrap()
            .remove("email");
    });
    assert_eq!(
        Event::parse_verified(Provider::Calcom, &body)
            .unwrap_err()
            .field(),
        "payload.organizer.email"
    );

    let err = Event::parse_verified(Provider::Calcom, b"{not json").unwrap_err();
    assert_eq!(err.problem, PayloadProblem::NotJson);
}

#[test]
fn unknown_events_are_kept_whole() {
    let body = br#"{"event":"meeting.participant_joined","event_ts":5,"payload":{"account_id":"a","object":{"uuid":"u","participant":{"email":"bob@example.com"}}}}"#;
    match zoom_event(body) {
        ZoomEvent::Unknown { event, raw } => {
            assert_eq!(event, "meeting.participant_joined");
            assert_eq!(
                raw.expose(),
                &serde_json::from_slice::<Value>(body).unwrap()
            );
            assert!(!format!("{raw:?}").contains("bob"));
        }
        other => panic!("{other:?}"),
    }
    let ping = br#"{"triggerEvent":"PING","createdAt":"2027-01-01T00:00:00Z","payload":{}}"#;
    assert!(matches!(
        calcom(ping).parse(ping).unwrap(),
        Event::Calcom(e) if matches!(*e, CalcomEvent::Unknown { ref event, .. } if event == "PING")
    ));
    let noshow = br#"{"event":"invitee_no_show.created","created_at":"2027-01-01T00:00:00Z","payload":{"uri":"x"}}"#;
    assert!(matches!(
        calendly(noshow).parse(noshow).unwrap(),
        Event::Calendly(e) if e.name() == "invitee_no_show.created"
    ));
}

#[test]
fn a_calendly_reschedule_is_a_cancel_with_new_invitee_and_a_create_with_old_invitee() {
    let canceled = edit(&calendly_body(), |v| {
        v["event"] = json!("invitee.canceled");
        v["payload"]["status"] = json!("canceled");
        v["payload"]["rescheduled"] = json!(true);
        v["payload"]["new_invitee"] =
            json!("https://api.calendly.com/scheduled_events/E2/invitees/I2");
        v["payload"]["cancellation"] =
            json!({"canceled_by": "Alice Example", "reason": "moving", "canceler_type": "invitee"});
    });
    let created = edit(&calendly_body(), |v| {
        v["payload"]["uri"] = json!("https://api.calendly.com/scheduled_events/E2/invitees/I2");
        v["payload"]["old_invitee"] =
            json!("https://api.calendly.com/scheduled_events/E1/invitees/I1");
    });
    let Event::Calendly(c) = calendly(&canceled).parse(&canceled).unwrap() else {
        panic!()
    };
    let CalendlyEvent::InviteeCanceled(c) = *c else {
        panic!()
    };
    assert!(c.payload.rescheduled);
    assert_eq!(
        c.payload.new_invitee.as_deref(),
        Some("https://api.calendly.com/scheduled_events/E2/invitees/I2")
    );
    assert_eq!(
        c.payload.cancellation.as_ref().unwrap().canceler_type,
        "invitee"
    );
    let Event::Calendly(n) = calendly(&created).parse(&created).unwrap() else {
        panic!()
    };
    let CalendlyEvent::InviteeCreated(n) = *n else {
        panic!()
    };
    assert_eq!(
        n.payload.old_invitee.as_deref(),
        Some("https://api.calendly.com/scheduled_events/E1/invitees/I1")
    );
    assert_eq!(
        n.payload.scheduled_event.start_time,
        "2027-01-15T10:00:00.000000Z"
    );
    assert_eq!(
        n.payload
            .scheduled_event
            .location
            .as_ref()
            .unwrap()
            .join_url
            .as_deref(),
        Some("https://zoom.us/j/1")
    );
    for debug in [format!("{c:?}"), format!("{n:?}")] {
        for personal in [
            "alice@example.com",
            "Alice Example",
            "coach@example.com",
            "moving",
        ] {
            assert!(!debug.contains(personal), "{debug}");
        }
    }
}

#[test]
fn every_cal_com_trigger_the_bridge_needs_parses() {
    for trigger in [
        "BOOKING_CREATED",
        "BOOKING_CANCELLED",
        "BOOKING_REQUESTED",
        "BOOKING_REJECTED",
    ] {
        let body = edit(&calcom_body(), |v| v["triggerEvent"] = json!(trigger));
        let Event::Calcom(e) = calcom(&body).parse(&body).unwrap() else {
            panic!()
        };
        assert_eq!(e.name(), trigger);
        assert!(!matches!(*e, CalcomEvent::Unknown { .. }), "{trigger}");
        assert!(!format!("{e:?}").contains("@example.com"));
    }
    let rescheduled = edit(&calcom_body(), |v| {
        v["triggerEvent"] = json!("BOOKING_RESCHEDULED");
        v["payload"]["uid"] = json!("bk_2");
        v["payload"]["rescheduleUid"] = json!("bk_1");
    });
    let Event::Calcom(e) = calcom(&rescheduled).parse(&rescheduled).unwrap() else {
        panic!()
    };
    let CalcomEvent::BookingRescheduled(d) = *e else {
        panic!()
    };
    assert_eq!(
        (d.payload.uid.as_str(), d.payload.reschedule_uid.as_deref()),
        ("bk_2", Some("bk_1"))
    );
    assert_eq!(
        d.payload.metadata.unwrap().video_call_url.as_deref(),
        Some("https://zoom.us/j/1")
    );

    let no_original = edit(&rescheduled, |v| {
        v["payload"]
            .as_object_mut()
            .unwrap()
            .remove("rescheduleUid");
    });
    let err = Event::parse_verified(Provider::Calcom, &no_original).unwrap_err();
    assert_eq!(err.field(), "payload.rescheduleUid");

    let ended = br#"{"triggerEvent":"MEETING_ENDED","createdAt":"2027-01-15T11:00:00Z","payload":{"id":42,"uid":"bk_1","startTime":"2027-01-15T10:00:00Z"}}"#;
    let Event::Calcom(e) = calcom(ended).parse(ended).unwrap() else {
        panic!()
    };
    let CalcomEvent::MeetingEnded(d) = *e else {
        panic!()
    };
    assert_eq!(
        (d.payload.uid.as_str(), d.payload.booking_id),
        ("bk_1", Some(42))
    );
}

#[test]
fn zoom_dedupe_keys_survive_a_retry_and_tell_events_apart() {
    let body = zoom_body();
    let first = zoom(&body);
    assert_eq!(
        first.dedupe_key,
        "zoom:meeting.started:4444AAAiAAAAAiAiAiiAii==:1800000000123"
    );
    // A retry minutes later, freshly signed: the same key.
    let retry = ZoomVerifier::new(secrets(SECRET))
        .verify(&zoom_headers(SECRET, T0 + 120, &body), &body, at(T0 + 120))
        .unwrap();
    assert_eq!(retry.dedupe_key, first.dedupe_key);
    assert_eq!(retry.signed_at, Some(at(T0 + 120)));
    // The next instance of the meeting, and another event of it: new keys.
    let next = edit(&body, |v| v["payload"]["object"]["uuid"] = json!("other=="));
    let ended = edit(&body, |v| v["event"] = json!("meeting.ended"));
    assert_ne!(zoom(&next).dedupe_key, first.dedupe_key);
    assert_ne!(zoom(&ended).dedupe_key, first.dedupe_key);
    // Events not keyed by their object use the body's hash, so two
    // participants joining in the same millisecond stay two deliveries.
    let joined = |who: &str| {
        json!({"event": "meeting.participant_joined", "event_ts": 7, "payload": {"account_id": "a",
            "object": {"uuid": "u", "participant": {"user_id": who}}}})
        .to_string()
        .into_bytes()
    };
    let (a, b) = (zoom(&joined("a")).dedupe_key, zoom(&joined("b")).dedupe_key);
    assert_ne!(a, b);
    assert!(
        a.starts_with("zoom:meeting.participant_joined:sha256:"),
        "{a}"
    );
    assert_eq!(zoom(&joined("a")).dedupe_key, a);
    // The URL validation answer is not an event (and says so).
    let handshake =
        br#"{"event":"endpoint.url_validation","event_ts":1,"payload":{"plainToken":"p"}}"#;
    assert!(zoom(handshake).url_validation.is_some());
    assert!(
        matches!(zoom(handshake).parse(handshake).unwrap(), Event::Zoom(e) if matches!(*e, ZoomEvent::UrlValidation))
    );
}

#[test]
fn calendly_and_cal_com_dedupe_keys() {
    let body = calendly_body();
    assert_eq!(
        calendly(&body).dedupe_key,
        "calendly:invitee.created:https://api.calendly.com/scheduled_events/E1/invitees/I1:2027-01-10T09:00:00.000000Z"
    );
    let canceled = edit(&body, |v| v["event"] = json!("invitee.canceled"));
    assert_ne!(calendly(&canceled).dedupe_key, calendly(&body).dedupe_key);
    // Re-serialised with other whitespace (as a retry might be): same key.
    let spaced =
        serde_json::to_vec_pretty(&serde_json::from_slice::<Value>(&body).unwrap()).unwrap();
    assert_eq!(calendly(&spaced).dedupe_key, calendly(&body).dedupe_key);

    let body = calcom_body();
    let key = calcom(&body).dedupe_key;
    assert!(
        key.starts_with("calcom:BOOKING_CREATED:bk_1:sha256:"),
        "{key}"
    );
    assert_eq!(calcom(&body).dedupe_key, key);
    // A second seat on the same booking (same uid, other attendee) is
    // another delivery, not a duplicate.
    let seat = edit(&body, |v| {
        v["payload"]["attendees"][0]["email"] = json!("carol@example.com")
    });
    assert_ne!(calcom(&seat).dedupe_key, key);
}
