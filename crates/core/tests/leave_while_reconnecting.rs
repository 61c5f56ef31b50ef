//! Leaving during Zoom's failover or our rejoin ends cleanly.
mod common;
use common::*;
use zoomkit_core::sdk::{ConnectionReason, ConnectionState};
use zoomkit_core::{Input, LeaveOutcome, State, StateName};

#[test]
fn leave_while_zoom_is_reconnecting() {
    let mut h = Harness::new();
    h.connect();
    h.input(conn(
        ConnectionState::Reconnecting,
        Some(ConnectionReason::Failover),
        None,
    ))
    .unwrap();
    h.input(Input::Leave { end: false }).unwrap();
    assert_eq!(h.state(), StateName::Leaving);
    // The SDK may reject leave while reconnecting; the user is out either way.
    h.fail("leave", zerr(5003, "reconnecting"));
    assert!(matches!(
        h.s.state(),
        State::Left {
            outcome: LeaveOutcome::Rejected { .. },
            ..
        }
    ));
    h.assert_quiet();
}

#[test]
fn leave_while_waiting_to_rejoin_needs_no_sdk_call() {
    let mut h = Harness::with_policy(Default::default(), table(&[10_000]));
    h.connect();
    h.input(failed_connection(None)).unwrap();
    h.input(Input::Leave { end: false }).unwrap();
    assert_eq!(
        h.s.state(),
        &State::Left {
            outcome: LeaveOutcome::NotConnected,
            end_session: false
        }
    );
    assert_eq!(h.count_issued("leave"), 0);
    h.assert_quiet();
}

#[test]
fn leave_during_a_rejoin_attempt_cancels_it() {
    let mut h = Harness::with_policy(Default::default(), table(&[0]));
    h.connect();
    h.input(failed_connection(None)).unwrap();
    h.fire_next_timer();
    let join = h.expect("join");
    h.input(Input::Leave { end: false }).unwrap();
    assert!(h.cancelled.contains(&join.id));
    // Closed arrives instead of the leave promise: also done.
    h.input(conn(ConnectionState::Closed, None, None)).unwrap();
    assert_eq!(
        h.s.state(),
        &State::Left {
            outcome: LeaveOutcome::Clean,
            end_session: false
        }
    );
    h.assert_quiet();
}
