//! `leave(true)` ends the session for everyone, which only the host may do.
//! A participant the roster says is not the host is refused up front and
//! stays in the session; when Zoom itself refuses (the roster did not know),
//! the session still leaves, plainly, and says why it did not end.
mod common;
use common::*;
use zoomkit_core::sdk::ParticipantProperties;
use zoomkit_core::{CoreError, Event, Input, LeaveOutcome, Op, SdkEvent, State, StateName};

fn me(is_host: bool) -> ParticipantProperties {
    ParticipantProperties {
        is_host: Some(is_host),
        ..user(1, "Ada")
    }
}

#[test]
fn a_participant_known_not_to_be_host_is_refused_and_stays() {
    let mut h = Harness::new();
    h.connect();
    h.sdk(SdkEvent::UserAdded(vec![me(false)]));
    let err = h.input(Input::Leave { end: true }).unwrap_err();
    assert_eq!(err, CoreError::HostOnly);
    assert!(err.to_string().contains("call leave()"), "{err}");
    assert_eq!(h.state(), StateName::Connected);
    assert_eq!(h.count_issued("leave"), 0);
    // A plain leave still works.
    h.input(Input::Leave { end: false }).unwrap();
    h.ok("leave");
    assert_eq!(
        h.s.state(),
        &State::Left {
            outcome: LeaveOutcome::Clean,
            end_session: false
        }
    );
}

#[test]
fn the_host_ends_the_session() {
    let mut h = Harness::new();
    h.connect();
    h.sdk(SdkEvent::UserAdded(vec![me(true)]));
    h.input(Input::Leave { end: true }).unwrap();
    let leave = h.expect("leave");
    assert_eq!(leave.op, Op::Leave { end: true });
    h.ok("leave");
    assert_eq!(
        h.s.state(),
        &State::Left {
            outcome: LeaveOutcome::Clean,
            end_session: true
        }
    );
}

#[test]
fn when_zoom_refuses_to_end_the_session_leaves_plainly_and_says_why() {
    let mut h = Harness::new();
    h.connect();
    // The roster does not know the local user yet: Zoom decides.
    h.input(Input::Leave { end: true }).unwrap();
    let mark = h.mark();
    let refusal = zerr(5007, "host only");
    h.fail("leave", refusal.clone());
    assert_eq!(
        h.state(),
        StateName::Leaving,
        "the SDK's session is still open"
    );
    let plain = h.expect("leave");
    assert_eq!(plain.op, Op::Leave { end: false });
    h.ok("leave");
    assert_eq!(
        h.s.state(),
        &State::Left {
            outcome: LeaveOutcome::Clean,
            end_session: false
        }
    );
    let changed: Vec<_> = h
        .events_since(mark)
        .iter()
        .filter_map(|e| match e {
            Event::StateChanged { to, error, .. } => Some((*to, error.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(changed, vec![(StateName::Left, Some(refusal))]);
    h.assert_quiet();
}

/// Connected, `leave(true)`, and Zoom refuses it: a plain leave is open.
fn refused_end() -> Harness {
    let mut h = Harness::new();
    h.connect();
    h.input(Input::Leave { end: true }).unwrap();
    h.fail("leave", zerr(5007, "host only"));
    h
}

#[test]
fn the_plain_leave_after_a_refusal_is_not_retried_again() {
    let mut h = refused_end();
    let second = zerr(1, "internal error");
    h.fail("leave", second.clone());
    assert_eq!(
        h.s.state(),
        &State::Left {
            outcome: LeaveOutcome::Rejected { error: second },
            end_session: false
        }
    );
    assert_eq!(h.count_issued("leave"), 2);
    h.assert_quiet();
}

#[test]
fn the_plain_leave_after_a_refusal_times_out_like_any_leave() {
    let mut h = refused_end();
    h.advance(h.s.config().leave_timeout);
    assert_eq!(
        h.s.state(),
        &State::Left {
            outcome: LeaveOutcome::TimedOut,
            end_session: false
        }
    );
    h.assert_quiet();
}
