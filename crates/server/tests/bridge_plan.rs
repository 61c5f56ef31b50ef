//! `bridge::plan` over random booking histories: any permutation of any
//! subset (gaps), with duplicates, ends in the state the same subset
//! reaches in order; and a full history, in any order, converges to exactly
//! one session at the latest time, or none when cancelled.

use proptest::prelude::*;
use zoomkit_server::bridge::{
    plan, Actual, Attendee, AttendeeStatus, BookingEvent, BookingState, Details, EventBody,
    ExternalKey, JoinWindow, Person, Provider, SessionKind, Shape, Status, Step,
};

const BASE: i64 = 1_800_000_000_000;
const HOUR: i64 = 3_600_000;
const NOW: i64 = BASE - 24 * HOUR;

#[derive(Debug, Clone)]
struct Script {
    provider: Provider,
    /// Start offsets (hours) of the original and each reschedule.
    starts: Vec<i64>,
    /// Cal.com: requested, then accepted.
    pending_first: bool,
    /// How it ends.
    end: Ending,
    /// Attendee comings and goings (index into a pool, added?).
    attendees: Vec<(u8, bool)>,
    /// A host change at the end.
    host_change: bool,
    kind: SessionKind,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Ending {
    Live,
    Cancelled,
    Rejected,
}

fn person(i: u8) -> Person {
    Person::new(&format!("Person{i}@Example.com"), &format!("P {i}"))
}

fn details(s: &Script, start_h: i64, organiser: &Person) -> Details {
    Details {
        title: "Coaching".to_owned(),
        start: BASE + start_h * HOUR,
        end: BASE + start_h * HOUR + HOUR,
        time_zone: Some("Europe/Paris".to_owned()),
        organiser: organiser.clone(),
        attendees: Some(vec![Attendee {
            person: person(0),
            status: AttendeeStatus::Active,
        }]),
        shape: Shape::Group { capacity: 4 },
        kind: s.kind,
        join_window: JoinWindow::default(),
    }
}

/// The history the script stands for, in the order it happened.
fn history(s: &Script) -> Vec<BookingEvent> {
    let key = |i: usize| ExternalKey::new(s.provider, format!("k{i}"));
    let host = person(100);
    let mut at = BASE - 1000 * HOUR;
    let mut tick = || {
        at += 1000;
        at
    };
    let mut out = Vec::new();
    let pending = s.pending_first && s.provider == Provider::Calcom;
    for (i, &start) in s.starts.iter().enumerate() {
        let replaces = (i > 0).then(|| key(i - 1));
        if i > 0 && s.provider == Provider::Calendly {
            // Calendly's old half of the reschedule.
            out.push(BookingEvent {
                key: key(i - 1),
                at: tick(),
                body: EventBody::RescheduledTo { to: key(i) },
            });
        }
        if pending && i == 0 {
            out.push(BookingEvent {
                key: key(0),
                at: tick(),
                body: EventBody::Booked {
                    details: details(s, start, &host),
                    confirmed: false,
                    replaces: None,
                },
            });
            if s.end == Ending::Rejected {
                out.push(BookingEvent {
                    key: key(0),
                    at: tick(),
                    body: EventBody::Rejected,
                });
                return out;
            }
        }
        out.push(BookingEvent {
            key: key(i),
            at: tick(),
            body: EventBody::Booked {
                details: details(s, start, &host),
                confirmed: true,
                replaces,
            },
        });
    }
    let last = key(s.starts.len() - 1);
    for &(who, added) in &s.attendees {
        let p = person(who);
        out.push(BookingEvent {
            key: last.clone(),
            at: tick(),
            body: if added {
                EventBody::AttendeeAdded { person: p }
            } else {
                EventBody::AttendeeRemoved { email: p.email }
            },
        });
    }
    if s.host_change {
        out.push(BookingEvent {
            key: last.clone(),
            at: tick(),
            body: EventBody::HostChanged { host: person(101) },
        });
    }
    if s.end != Ending::Live {
        out.push(BookingEvent {
            key: last,
            at: tick(),
            body: EventBody::Cancelled,
        });
    }
    out
}

fn script() -> impl Strategy<Value = Script> {
    (
        prop_oneof![
            Just(Provider::Calendly),
            Just(Provider::Calcom),
            Just(Provider::Api)
        ],
        prop::collection::vec(-5i64..200, 1..5),
        any::<bool>(),
        prop_oneof![
            Just(Ending::Live),
            Just(Ending::Cancelled),
            Just(Ending::Rejected)
        ],
        prop::collection::vec((0u8..4, any::<bool>()), 0..5),
        any::<bool>(),
        prop_oneof![Just(SessionKind::VideoSdk), Just(SessionKind::Meeting)],
    )
        .prop_map(
            |(provider, starts, pending_first, end, attendees, host_change, kind)| {
                let end = if end == Ending::Rejected
                    && !(pending_first && provider == Provider::Calcom)
                {
                    Ending::Cancelled
                } else {
                    end
                };
                Script {
                    provider,
                    starts,
                    pending_first,
                    end,
                    attendees,
                    host_change,
                    kind,
                }
            },
        )
}

/// Runs events through `plan`, carrying out each step like a converge job
/// would; counts the sessions made.
fn run(events: &[BookingEvent]) -> (BookingState, u32) {
    let mut state = BookingState::default();
    let mut made = 0;
    for e in events {
        let p = plan(&state, e, NOW);
        state = p.state;
        match p.step {
            Step::Nothing => {}
            Step::Delete => state.actual = None,
            Step::Create | Step::Recreate | Step::Update => {
                if p.step != Step::Update {
                    made += 1;
                }
                let b = p
                    .desired
                    .booking
                    .clone()
                    .expect("a wanted session has details");
                state.actual = Some(Actual {
                    kind: b.kind,
                    topic: "t".into(),
                    session_key: None,
                    meeting: None,
                    start: b.start,
                    end: b.end,
                    title: b.title,
                    host: b.organiser.email,
                });
            }
        }
    }
    (state, made)
}

/// A permutation of `events` with some repeated, from a seed vector.
fn shuffle_dup(events: &[BookingEvent], order: &[(u32, u8)]) -> Vec<BookingEvent> {
    let mut keyed: Vec<(u32, BookingEvent)> = Vec::new();
    for (i, e) in events.iter().enumerate() {
        let (pos, dups) = order.get(i).copied().unwrap_or((i as u32, 0));
        for d in 0..=u32::from(dups % 3) {
            keyed.push((pos.wrapping_add(d.wrapping_mul(7919)), e.clone()));
        }
    }
    keyed.sort_by_key(|(k, _)| *k);
    keyed.into_iter().map(|(_, e)| e).collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn any_order_with_gaps_and_duplicates_ends_where_the_order_does(
        s in script(),
        keep in prop::collection::vec(prop::bool::weighted(0.8), 32),
        order in prop::collection::vec((any::<u32>(), any::<u8>()), 32),
    ) {
        let full = history(&s);
        let subset: Vec<_> = full
            .iter()
            .enumerate()
            .filter(|(i, _)| keep.get(*i).copied().unwrap_or(true))
            .map(|(_, e)| e.clone())
            .collect();
        let (in_order, _) = run(&subset);
        let (shuffled, _) = run(&shuffle_dup(&subset, &order));
        prop_assert_eq!(&in_order.lineage, &shuffled.lineage);
        prop_assert_eq!(in_order.lineage.desired(), shuffled.lineage.desired());
        // And the session the steps left matches the desired state.
        let desired = shuffled.lineage.desired();
        match (&shuffled.actual, desired.wants_session()) {
            (Some(a), true) => {
                let b = desired.booking.unwrap();
                prop_assert_eq!((a.start, a.end, &a.host), (b.start, b.end, &b.organiser.email));
            }
            (None, false) => {}
            (a, w) => prop_assert!(false, "actual {:?} but wants {}", a.is_some(), w),
        }
    }

    #[test]
    fn a_full_history_in_any_order_gives_one_session_at_the_latest_time(
        s in script(),
        order in prop::collection::vec((any::<u32>(), any::<u8>()), 32),
    ) {
        let full = history(&s);
        let (state, made) = run(&shuffle_dup(&full, &order));
        let desired = state.lineage.desired();
        let last = ExternalKey::new(s.provider, format!("k{}", s.starts.len() - 1));
        match s.end {
            Ending::Live => {
                prop_assert_eq!(desired.status, Status::Confirmed);
                prop_assert_eq!(desired.head.as_ref(), Some(&last));
                let b = desired.booking.clone().unwrap();
                prop_assert_eq!(b.start, BASE + s.starts[s.starts.len() - 1] * HOUR);
                let a = state.actual.as_ref().expect("a live booking has its session");
                prop_assert_eq!(a.start, b.start);
                // Exactly one session made, moved by reschedules; a host
                // change re-makes a meeting (the host owns it).
                let remade = u32::from(s.host_change && s.kind == SessionKind::Meeting);
                prop_assert!(made >= 1 && made <= 1 + remade, "made {}", made);
                let expected_host = if s.host_change { person(101) } else { person(100) };
                prop_assert_eq!(&b.organiser, &expected_host);
            }
            Ending::Cancelled => {
                prop_assert_eq!(desired.status, Status::Cancelled);
                prop_assert!(state.actual.is_none());
                prop_assert!(made <= 1 + u32::from(s.host_change), "made {}", made);
            }
            Ending::Rejected => {
                prop_assert_eq!(desired.status, Status::Rejected);
                prop_assert!(state.actual.is_none());
                prop_assert_eq!(made, 0);
            }
        }
    }
}

fn at(key: &ExternalKey, t: i64, body: EventBody) -> BookingEvent {
    BookingEvent {
        key: key.clone(),
        at: BASE - 100 * HOUR + t,
        body,
    }
}

fn booked(start_h: i64, replaces: Option<&ExternalKey>) -> EventBody {
    let s = Script {
        provider: Provider::Calcom,
        starts: vec![start_h],
        pending_first: false,
        end: Ending::Live,
        attendees: vec![],
        host_change: false,
        kind: SessionKind::Meeting,
    };
    EventBody::Booked {
        details: details(&s, start_h, &person(100)),
        confirmed: true,
        replaces: replaces.cloned(),
    }
}

#[test]
fn a_cancel_before_its_create_does_not_resurrect() {
    let k = ExternalKey::new(Provider::Calcom, "uid-1");
    let cancel = plan(
        &BookingState::default(),
        &at(&k, 2, EventBody::Cancelled),
        NOW,
    );
    assert_eq!(cancel.step, Step::Nothing);
    assert_eq!(cancel.desired.status, Status::Cancelled);
    assert!(cancel.desired.booking.is_none());
    let create = plan(&cancel.state, &at(&k, 1, booked(10, None)), NOW);
    assert_eq!(create.desired.status, Status::Cancelled);
    assert_eq!(
        create.step,
        Step::Nothing,
        "no session for a cancelled booking"
    );
}

#[test]
fn a_reschedule_moves_the_session_and_a_lost_meeting_comes_back() {
    let old = ExternalKey::new(Provider::Calcom, "uid-1");
    let new = ExternalKey::new(Provider::Calcom, "uid-2");
    let p = plan(
        &BookingState::default(),
        &at(&old, 1, booked(10, None)),
        NOW,
    );
    assert_eq!(p.step, Step::Create);
    let mut state = p.state;
    state.actual = Some(Actual {
        kind: SessionKind::Meeting,
        topic: "Coaching".into(),
        session_key: None,
        meeting: Some(zoomkit_server::bridge::MeetingRef {
            id: 42,
            join_url: "https://zoom.us/j/42".into(),
            start_url: "https://zoom.us/s/42".into(),
            passcode: None,
        }),
        start: BASE + 10 * HOUR,
        end: BASE + 11 * HOUR,
        title: "Coaching".into(),
        host: person(100).email,
    });
    let moved = plan(&state, &at(&new, 2, booked(20, Some(&old))), NOW);
    assert_eq!(moved.step, Step::Update, "same meeting, new time");
    assert_eq!(moved.desired.head, Some(new.clone()));
    assert!(moved
        .changes
        .contains(&zoomkit_server::bridge::Change::Moved {
            from: BASE + 10 * HOUR,
            to: BASE + 20 * HOUR
        }));
    let other = plan(
        &moved.state,
        &at(&new, 3, EventBody::MeetingGone { meeting_id: 7 }),
        NOW,
    );
    assert_eq!(
        other.state.actual, moved.state.actual,
        "another meeting's deletion is not ours"
    );
    let gone = plan(
        &moved.state,
        &at(&new, 3, EventBody::MeetingGone { meeting_id: 42 }),
        NOW,
    );
    assert_eq!(
        gone.step,
        Step::Create,
        "recreated: the booking still wants it"
    );
    let cancelled = plan(&gone.state, &at(&new, 4, EventBody::Cancelled), NOW);
    let gone_then_cancelled = plan(
        &cancelled.state,
        &at(&new, 5, EventBody::MeetingGone { meeting_id: 42 }),
        NOW,
    );
    assert_eq!(gone_then_cancelled.step, Step::Nothing);
}

#[test]
fn an_ended_booking_gets_no_new_session() {
    let k = ExternalKey::new(Provider::Api, "c1");
    let p = plan(
        &BookingState::default(),
        &at(&k, 1, booked(-30, None)),
        BASE,
    );
    assert_eq!(p.desired.status, Status::Confirmed);
    assert_eq!(p.step, Step::Nothing);
}

#[test]
fn topics_fit_zoom() {
    use zoomkit_server::bridge::video_sdk_topic;
    assert_eq!(
        video_sdk_topic("Coaching  with Zoë", "b7"),
        "Coaching with Zo #b7"
    );
    let long = video_sdk_topic(&"x".repeat(500), "0123456789abcdef");
    assert_eq!(long.len(), 200);
    assert!(long.ends_with(" #0123456789abcdef"));
    assert_eq!(video_sdk_topic("日本", "b1"), "booking #b1");
    assert!(video_sdk_topic("a\u{7f}\tb", "1")
        .chars()
        .all(|c| c.is_ascii_graphic() || c == ' '));
}
