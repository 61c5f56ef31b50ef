//! After `Fail`, zoomkit rejoins by policy: delays as the policy says, a
//! retryable failure schedules the next attempt, success reconnects, and the
//! policy's limit ends in `failed` with the attempts and last error.
mod common;
use std::time::Duration;

use common::*;
use zoomkit_core::sdk::ConnectionState;
use zoomkit_core::{Backoff, Event, Input, RejoinPhase, SessionError, State, StateName};

#[test]
fn rejoins_after_fail_with_the_policy_delays() {
    let mut h = Harness::with_policy(Default::default(), table(&[0, 1000, 2000]));
    h.connect();
    let m = h.mark();
    h.input(failed_connection(Some(1))).unwrap();
    assert!(matches!(
        h.s.state(),
        State::Rejoining {
            phase: RejoinPhase::Waiting { .. },
            ..
        }
    ));
    assert!(h.events_since(m).contains(&Event::RejoinScheduled {
        attempt: 1,
        at: h.now
    }));
    assert!(h.s.participants().next().is_none());

    h.fire_next_timer();
    h.fail("join", zerr(1, "OPERATION_TIMEOUT"));
    let at = h.now + Duration::from_millis(1000);
    assert!(h
        .events
        .contains(&Event::RejoinScheduled { attempt: 2, at }));
    h.advance(Duration::from_millis(999));
    assert!(h.find("join").is_none(), "not before the delay");
    h.advance(Duration::from_millis(1));
    h.ok("join");
    assert_eq!(h.state(), StateName::Connected);
    assert_eq!(h.count_issued("join"), 3);
    assert_eq!(h.count_issued("fetchToken"), 1, "the token was still good");
}

#[test]
fn an_unexpected_closed_also_rejoins() {
    let mut h = Harness::with_policy(Default::default(), table(&[0]));
    h.connect();
    h.input(conn(ConnectionState::Closed, None, None)).unwrap();
    assert_eq!(h.state(), StateName::Rejoining);
}

#[test]
fn gives_up_when_the_policy_does() {
    let mut h = Harness::with_policy(Default::default(), table(&[0, 10]));
    h.connect();
    h.input(failed_connection(None)).unwrap();
    h.fire_next_timer();
    h.fail("join", zerr(2, "internal"));
    h.fire_next_timer();
    h.fail("join", zerr(2, "internal again"));
    match h.s.state() {
        State::Failed {
            error:
                SessionError::GaveUp {
                    attempts,
                    last_error,
                },
        } => {
            assert_eq!(*attempts, 2);
            assert_eq!(last_error.as_ref().unwrap().reason, "internal again");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(h.count_issued("join"), 3);
    h.assert_quiet();
}

#[test]
fn a_terminal_error_during_rejoin_stops_at_once() {
    let mut h = Harness::with_policy(Default::default(), table(&[0, 10, 10, 10]));
    h.connect();
    h.input(failed_connection(None)).unwrap();
    h.fire_next_timer();
    h.fail("join", zerr(3004, "invalid password"));
    assert!(matches!(
        h.s.state(),
        State::Failed {
            error: SessionError::Join { .. }
        }
    ));
    h.assert_quiet();
}

#[test]
fn fail_with_a_terminal_code_does_not_rejoin() {
    let mut h = Harness::new();
    h.connect();
    h.input(failed_connection(Some(3010))).unwrap();
    assert!(matches!(
        h.s.state(),
        State::Failed {
            error: SessionError::Connection { .. }
        }
    ));
    h.assert_quiet();
}

#[test]
fn default_backoff_stays_within_its_budget_and_attempt_cap() {
    let policy = Backoff::default();
    let mut h = Harness::with_policy(Default::default(), Box::new(policy.clone()));
    h.connect();
    let lost_at = h.now;
    h.input(failed_connection(None)).unwrap();
    while h.state() == StateName::Rejoining {
        h.fire_next_timer();
        if h.find("join").is_some() {
            h.fail("join", zerr(1, "timeout"));
        }
    }
    assert_eq!(h.state(), StateName::Failed);
    let joins = h.count_issued("join") as u32 - 1;
    assert!(joins <= policy.max_attempts, "{joins} attempts");
    assert!(h.now.saturating_since(lost_at) <= policy.budget);
    h.assert_quiet();
}

#[test]
fn the_sdk_still_in_a_session_is_reset_before_the_next_attempt() {
    let mut h = Harness::with_policy(Default::default(), table(&[0, 0, 0]));
    h.connect();
    h.input(failed_connection(None)).unwrap();
    h.fire_next_timer();
    h.fail("join", zerr(5012, "duplicated operation"));
    assert!(matches!(
        h.s.state(),
        State::Rejoining {
            phase: RejoinPhase::Resetting,
            ..
        }
    ));
    h.ok("leave");
    h.fire_next_timer();
    h.ok("join");
    assert_eq!(h.state(), StateName::Connected);
    let _ = Input::Timeout;
}
