//! The bridge's tables: events find their booking by any key, a
//! reschedule that links two stored lineages merges them, the state and a
//! converge job commit together, and duplicates change nothing.

use zoomkit_server::bridge::{
    Actual, Attendee, AttendeeStatus, BookingEvent, Details, EventBody, ExternalKey, JoinWindow,
    Person, Provider, SessionKind, Shape, Status, Step,
};
use zoomkit_server::store::{BookingId, JobKind, JobState};

use crate::harness::{t0, TestDb};

both!(
    events_find_their_booking_by_any_key,
    a_late_link_merges_two_lineages_and_keeps_one_session,
    sessions_are_recorded_against_the_version_read,
);

const START: i64 = 1_800_000_000_000;

fn booked(uid: &str, at: i64, start: i64, replaces: Option<&str>) -> BookingEvent {
    BookingEvent {
        key: ExternalKey::new(Provider::Calcom, uid),
        at,
        body: EventBody::Booked {
            details: Details {
                title: "Intro call".into(),
                start,
                end: start + 1_800_000,
                time_zone: None,
                organiser: Person::new("host@example.com", "Host"),
                attendees: Some(vec![Attendee {
                    person: Person::new("guest@example.com", "Guest"),
                    status: AttendeeStatus::Active,
                }]),
                shape: Shape::OneToOne,
                kind: SessionKind::VideoSdk,
                join_window: JoinWindow::default(),
            },
            confirmed: true,
            replaces: replaces.map(|r| ExternalKey::new(Provider::Calcom, r)),
        },
    }
}

async fn live_converge(db: &TestDb, id: BookingId) -> usize {
    db.store
        .jobs_of(JobKind::ConvergeBooking(id))
        .await
        .unwrap()
        .iter()
        .filter(|j| j.state == JobState::Available)
        .count()
}

async fn events_find_their_booking_by_any_key(db: &TestDb) {
    let s = &db.store;
    let a = s
        .apply_booking_event(&booked("u1", 1, START, None), t0())
        .await
        .unwrap();
    assert!(a.created);
    assert_eq!(a.step, Step::Create);
    assert_eq!(
        live_converge(db, a.booking).await,
        1,
        "state and job in one commit"
    );

    // The same event again: same booking, nothing new.
    let again = s
        .apply_booking_event(&booked("u1", 1, START, None), t0())
        .await
        .unwrap();
    assert_eq!((again.booking, again.created), (a.booking, false));
    assert!(again.changes.is_empty(), "{:?}", again.changes);
    assert_eq!(live_converge(db, a.booking).await, 1, "no second live job");

    // Cal.com's reschedule: a new uid naming the old one.
    let moved = s
        .apply_booking_event(&booked("u2", 2, START + 3_600_000, Some("u1")), t0())
        .await
        .unwrap();
    assert_eq!(moved.booking, a.booking, "a reschedule keeps the booking");
    for uid in ["u1", "u2"] {
        let key = ExternalKey::new(Provider::Calcom, uid);
        assert_eq!(s.booking_id_by_key(&key).await.unwrap(), Some(a.booking));
    }
    let rec = s.booking(a.booking).await.unwrap().unwrap();
    assert_eq!(
        rec.desired.head,
        Some(ExternalKey::new(Provider::Calcom, "u2"))
    );
    assert_eq!(rec.desired.booking.unwrap().start, START + 3_600_000);

    // A cancellation of the new uid cancels it for good.
    let cancel = BookingEvent {
        key: ExternalKey::new(Provider::Calcom, "u2"),
        at: 3,
        body: EventBody::Cancelled,
    };
    let c = s.apply_booking_event(&cancel, t0()).await.unwrap();
    assert_eq!(c.desired.status, Status::Cancelled);
    assert_eq!(s.booking_ids().await.unwrap(), vec![a.booking]);
}

fn actual(start: i64) -> Actual {
    Actual {
        kind: SessionKind::VideoSdk,
        topic: "Intro call #1".into(),
        session_key: Some("zk-1".into()),
        meeting: None,
        start,
        end: start + 1_800_000,
        title: "Intro call".into(),
        host: "host@example.com".into(),
    }
}

async fn a_late_link_merges_two_lineages_and_keeps_one_session(db: &TestDb) {
    let s = &db.store;
    // The chain u1 -> u2 -> u3 arrives as u3 first, then u1: two bookings.
    let third = s
        .apply_booking_event(&booked("u3", 3, START + 7_200_000, Some("u2")), t0())
        .await
        .unwrap();
    let first = s
        .apply_booking_event(&booked("u1", 1, START, None), t0())
        .await
        .unwrap();
    assert_ne!(first.booking, third.booking);
    // The first got its session (as if its converge job had run).
    let v = s.booking(first.booking).await.unwrap().unwrap().version;
    assert!(s
        .record_session(first.booking, v, Some(&actual(START)), t0())
        .await
        .unwrap());
    // u2 links them: one booking, the older id, with the session moved.
    let link = s
        .apply_booking_event(&booked("u2", 2, START + 3_600_000, Some("u1")), t0())
        .await
        .unwrap();
    let (keep, gone) = if first.booking < third.booking {
        (first.booking, third.booking)
    } else {
        (third.booking, first.booking)
    };
    assert_eq!(link.booking, keep);
    assert_eq!(link.merged, vec![gone]);
    let rec = s.booking(keep).await.unwrap().unwrap();
    assert_eq!(
        rec.desired.head,
        Some(ExternalKey::new(Provider::Calcom, "u3"))
    );
    assert_eq!(rec.desired.booking.unwrap().start, START + 7_200_000);
    assert_eq!(
        rec.state.actual.map(|a| a.start),
        Some(START),
        "one session, to be moved"
    );
    assert_eq!(link.step, Step::Update, "moved, not made again");
    let merged = s.booking(gone).await.unwrap().unwrap();
    assert_eq!(merged.merged_into, Some(keep));
    assert!(merged.state.actual.is_none());
    assert_eq!(merged.desired.status, Status::Unknown);
    for uid in ["u1", "u2", "u3"] {
        let key = ExternalKey::new(Provider::Calcom, uid);
        assert_eq!(s.booking_id_by_key(&key).await.unwrap(), Some(keep));
    }
}

async fn sessions_are_recorded_against_the_version_read(db: &TestDb) {
    let s = &db.store;
    let a = s
        .apply_booking_event(&booked("u1", 1, START, None), t0())
        .await
        .unwrap();
    let v = s.booking(a.booking).await.unwrap().unwrap().version;
    // The facts move on before the job records: its write is refused.
    s.apply_booking_event(&booked("u1", 2, START + 60_000, None), t0())
        .await
        .unwrap();
    assert!(!s
        .record_session(a.booking, v, Some(&actual(START)), t0())
        .await
        .unwrap());
    assert!(s
        .booking(a.booking)
        .await
        .unwrap()
        .unwrap()
        .state
        .actual
        .is_none());
    let v2 = s.booking(a.booking).await.unwrap().unwrap().version;
    assert!(s
        .record_session(a.booking, v2, Some(&actual(START + 60_000)), t0())
        .await
        .unwrap());
    // Zoom's meeting.deleted finds the booking by its meeting id.
    assert_eq!(s.booking_id_by_meeting(42).await.unwrap(), None);
}
