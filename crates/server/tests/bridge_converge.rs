//! Converge jobs against the fake Zoom: one meeting per live booking,
//! moved by a reschedule, deleted on cancel, adopted by its marker after a
//! create whose answer was lost, recreated after a deletion behind our
//! back, and retried through 5xx and 429.
#![cfg(all(feature = "testing", feature = "sqlite"))]

mod zoom_common;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use zoomkit_server::bridge::converge::{converge, marker};
use zoomkit_server::bridge::{
    Attendee, AttendeeStatus, BookingEvent, Details, EventBody, ExternalKey, JoinWindow, Person,
    Provider, SessionKind, Shape, Step,
};
use zoomkit_server::store::{BookingId, Store};
use zoomkit_server::testing::{FakeZoom, Fault};
use zoomkit_server::zoom::ZoomClient;

struct World {
    _dir: tempfile::TempDir,
    store: Store,
    fake: FakeZoom,
    zoom: ZoomClient,
    start: i64,
}

async fn world() -> World {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("bridge.db").display());
    let store = Store::open(&url).await.unwrap();
    store.migrate().await.unwrap();
    let fake = zoom_common::fake().await;
    let zoom = zoom_common::client(&fake);
    let now = fake.now().duration_since(UNIX_EPOCH).unwrap().as_millis() as i64;
    World {
        _dir: dir,
        store,
        fake,
        zoom,
        start: now + 48 * 3_600_000,
    }
}

fn booked(
    uid: &str,
    at: i64,
    start: i64,
    replaces: Option<&str>,
    kind: SessionKind,
) -> BookingEvent {
    BookingEvent {
        key: ExternalKey::new(Provider::Calcom, uid),
        at,
        body: EventBody::Booked {
            details: Details {
                title: "Intro call".into(),
                start,
                end: start + 1_800_000,
                time_zone: Some("UTC".into()),
                organiser: Person::new("host@example.com", "Host"),
                attendees: Some(vec![Attendee {
                    person: Person::new("guest@example.com", "Guest"),
                    status: AttendeeStatus::Active,
                }]),
                shape: Shape::OneToOne,
                kind,
                join_window: JoinWindow::default(),
            },
            confirmed: true,
            replaces: replaces.map(|r| ExternalKey::new(Provider::Calcom, r)),
        },
    }
}

impl World {
    fn now(&self) -> SystemTime {
        self.fake.now()
    }

    /// Runs the converge job until it succeeds, as the queue would retry it.
    async fn converge(&self, id: BookingId) -> Step {
        for _ in 0..20 {
            match converge(&self.store, Some(&self.zoom), id, self.now()).await {
                Ok(step) => return step,
                Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
            }
        }
        panic!("converge of {id} never succeeded");
    }
}

#[tokio::test]
async fn one_meeting_moved_then_deleted() {
    let w = world().await;
    let a = w
        .store
        .apply_booking_event(
            &booked("u1", 1, w.start, None, SessionKind::Meeting),
            w.now(),
        )
        .await
        .unwrap();
    assert_eq!(w.converge(a.booking).await, Step::Create);
    assert_eq!(
        w.converge(a.booking).await,
        Step::Nothing,
        "twice is harmless"
    );
    assert_eq!(w.fake.meeting_count(), 1);
    let rec = w.store.booking(a.booking).await.unwrap().unwrap();
    let m = rec.state.actual.unwrap().meeting.unwrap();
    let held = w.fake.meeting(m.id).unwrap();
    assert_eq!(held["agenda"], marker(a.booking));
    assert!(!m.join_url.is_empty());

    // Reschedule: the same meeting, at the new time.
    let later = w.start + 3_600_000;
    w.store
        .apply_booking_event(
            &booked("u2", 2, later, Some("u1"), SessionKind::Meeting),
            w.now(),
        )
        .await
        .unwrap();
    assert_eq!(w.converge(a.booking).await, Step::Update);
    assert_eq!(w.fake.meeting_count(), 1);
    let held = w.fake.meeting(m.id).unwrap();
    assert_eq!(
        held["start_time"].as_str(),
        Some(zoomkit_server::bridge::time::format_rfc3339(later).as_str())
    );

    // Cancel: gone at Zoom too.
    let cancel = BookingEvent {
        key: ExternalKey::new(Provider::Calcom, "u2"),
        at: 3,
        body: EventBody::Cancelled,
    };
    w.store.apply_booking_event(&cancel, w.now()).await.unwrap();
    assert_eq!(w.converge(a.booking).await, Step::Delete);
    assert_eq!(w.fake.meeting_count(), 0);
    assert!(w
        .store
        .booking(a.booking)
        .await
        .unwrap()
        .unwrap()
        .state
        .actual
        .is_none());
    assert!(w.fake.violations().is_empty(), "{:?}", w.fake.violations());
}

#[tokio::test]
async fn a_lost_create_answer_is_adopted_by_its_marker_and_faults_are_retried() {
    let w = world().await;
    let a = w
        .store
        .apply_booking_event(
            &booked("u1", 1, w.start, None, SessionKind::Meeting),
            w.now(),
        )
        .await
        .unwrap();
    // Zoom makes the meeting but the answer is lost; then 5xx and a 429 burst.
    w.fake.fault("meetingCreate", Fault::Reset);
    w.fake.fault("meetings", Fault::Status(503));
    w.fake.fault("meetingUpdate", Fault::Status(500));
    assert_eq!(w.converge(a.booking).await, Step::Create);
    assert_eq!(
        w.fake.meeting_count(),
        1,
        "exactly one meeting for the booking"
    );
    let id = w
        .store
        .booking(a.booking)
        .await
        .unwrap()
        .unwrap()
        .state
        .actual
        .unwrap()
        .meeting
        .unwrap()
        .id;
    assert_eq!(w.fake.meeting(id).unwrap()["agenda"], marker(a.booking));
}

#[tokio::test]
async fn a_meeting_deleted_behind_our_back_comes_back() {
    let w = world().await;
    let a = w
        .store
        .apply_booking_event(
            &booked("u1", 1, w.start, None, SessionKind::Meeting),
            w.now(),
        )
        .await
        .unwrap();
    w.converge(a.booking).await;
    let rec = w.store.booking(a.booking).await.unwrap().unwrap();
    let old = rec.state.actual.unwrap().meeting.unwrap().id;
    assert!(w.fake.delete_behind_our_back(old));
    // Zoom's meeting.deleted webhook, found by meeting id.
    let found = w.store.booking_id_by_meeting(old).await.unwrap();
    assert_eq!(found, Some(a.booking));
    let gone = BookingEvent {
        key: ExternalKey::new(Provider::Calcom, "u1"),
        at: 2,
        body: EventBody::MeetingGone { meeting_id: old },
    };
    let applied = w.store.apply_booking_event(&gone, w.now()).await.unwrap();
    assert_eq!(applied.step, Step::Create);
    assert_eq!(w.converge(a.booking).await, Step::Create);
    assert_eq!(w.fake.meeting_count(), 1);
    let new = w
        .store
        .booking(a.booking)
        .await
        .unwrap()
        .unwrap()
        .state
        .actual
        .unwrap();
    assert_ne!(new.meeting.unwrap().id, old);
}

#[tokio::test]
async fn video_sdk_sessions_need_no_zoom_call_and_keep_their_topic() {
    let w = world().await;
    let a = w
        .store
        .apply_booking_event(
            &booked("u1", 1, w.start, None, SessionKind::VideoSdk),
            w.now(),
        )
        .await
        .unwrap();
    assert_eq!(
        converge(&w.store, None, a.booking, w.now()).await.unwrap(),
        Step::Create
    );
    let first = w
        .store
        .booking(a.booking)
        .await
        .unwrap()
        .unwrap()
        .state
        .actual
        .unwrap();
    assert_eq!(first.topic, format!("Intro call #{}", a.booking.0));
    assert_eq!(
        first.session_key.as_deref(),
        Some(format!("zk-{}", a.booking.0).as_str())
    );
    w.store
        .apply_booking_event(
            &booked(
                "u2",
                2,
                w.start + 600_000,
                Some("u1"),
                SessionKind::VideoSdk,
            ),
            w.now(),
        )
        .await
        .unwrap();
    assert_eq!(
        converge(&w.store, None, a.booking, w.now()).await.unwrap(),
        Step::Update
    );
    let moved = w
        .store
        .booking(a.booking)
        .await
        .unwrap()
        .unwrap()
        .state
        .actual
        .unwrap();
    assert_eq!((moved.topic, moved.start), (first.topic, w.start + 600_000));
    assert_eq!(w.fake.requests().len(), 0, "no Zoom call at all");
}
