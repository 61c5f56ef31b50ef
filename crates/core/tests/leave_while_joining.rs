//! Leaving at any point of a join ends cleanly: everything in flight is
//! cancelled, `leave` is called only if the SDK may hold a session.
mod common;
use common::*;
use zoomkit_core::{CommandOutput, Input, LeaveOutcome, State, StateName};

#[test]
fn leave_while_fetching_the_token_needs_no_sdk_call() {
    let mut h = Harness::new();
    h.join();
    let fetch = h.expect("fetchToken");
    h.input(Input::Leave { end: false }).unwrap();
    assert_eq!(
        h.s.state(),
        &State::Left {
            outcome: LeaveOutcome::NotConnected,
            end_session: false
        }
    );
    assert!(h.cancelled.contains(&fetch.id));
    assert_eq!(h.count_issued("leave"), 0);
    h.assert_quiet();
    // The provider answers anyway: ignored.
    h.input(Input::Done {
        id: fetch.id,
        result: Ok(CommandOutput::Token(token_at(h.now))),
    })
    .unwrap();
    assert_eq!(h.state(), StateName::Left);
}

#[test]
fn leave_while_joining_cancels_the_join_and_calls_leave() {
    let mut h = Harness::new();
    h.join();
    h.ok("fetchToken");
    h.ok("init");
    let join = h.expect("join");
    h.input(Input::Leave { end: false }).unwrap();
    assert!(h.cancelled.contains(&join.id));
    assert_eq!(h.state(), StateName::Leaving);
    h.ok("leave");
    assert_eq!(
        h.s.state(),
        &State::Left {
            outcome: LeaveOutcome::Clean,
            end_session: false
        }
    );
    h.assert_quiet();
}

#[test]
fn a_leave_that_never_settles_times_out() {
    let mut h = Harness::new();
    h.connect();
    h.input(Input::Leave { end: true }).unwrap();
    h.advance(h.s.config().leave_timeout);
    assert_eq!(
        h.s.state(),
        &State::Left {
            outcome: LeaveOutcome::TimedOut,
            end_session: true
        }
    );
    h.assert_quiet();
}
