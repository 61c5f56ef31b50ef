//! Each class of join error ends in `failed` with the typed error and the
//! right advice, and nothing left in flight.
mod common;
use common::*;
use zoomkit_core::{
    Actor, CommandOutput, ErrorCode, Event, Input, JoinOptions, Remedy, SessionError, State,
    StateName, ZoomError,
};

fn fail_join_with(e: ZoomError) -> Harness {
    let mut h = Harness::new();
    h.join();
    h.ok("fetchToken");
    h.ok("init");
    h.fail("join", e);
    assert_eq!(h.state(), StateName::Failed);
    h.assert_quiet();
    h
}

fn join_error(h: &Harness) -> ZoomError {
    match h.s.state() {
        State::Failed {
            error: SessionError::Join { error },
        } => error.clone(),
        other => panic!("{other:?}"),
    }
}

#[test]
fn wrong_passcode_is_for_the_user() {
    let h = fail_join_with(zerr(3004, "invalid password"));
    let e = join_error(&h);
    assert_eq!(e.code(), ErrorCode::SessionIncorrectPasscode);
    let c = e.classify();
    assert!(!c.retryable);
    assert_eq!(c.remedy, Remedy::CheckPasscode);
    assert_eq!(c.remedy.actor(), Actor::User);
}

#[test]
fn invalid_token_is_for_the_developer() {
    let h = fail_join_with(zerr(200, "Verify JWT failed"));
    let c = join_error(&h).classify();
    assert!(!c.retryable);
    assert_eq!(c.remedy, Remedy::CheckToken);
    assert_eq!(c.remedy.actor(), Actor::Developer);
}

#[test]
fn code_200_connection_error_is_retryable() {
    let h = fail_join_with(zerr(200, "connection error"));
    let c = join_error(&h).classify();
    assert!(c.retryable);
    assert_eq!(c.remedy, Remedy::RetryLater);
}

#[test]
fn removed_and_ended_sessions_cannot_be_joined() {
    let c = join_error(&fail_join_with(zerr(3009, "removed"))).classify();
    assert_eq!((c.retryable, c.remedy), (false, Remedy::AskHost));
    let c = join_error(&fail_join_with(zerr(4004, "session ended"))).classify();
    assert!(!c.retryable);
}

#[test]
fn zoom_service_errors_are_retryable_and_reported() {
    let c = join_error(&fail_join_with(zerr(1, "timeout"))).classify();
    assert!(c.retryable);
    let c = join_error(&fail_join_with(zerr(2, "internal"))).classify();
    assert_eq!((c.retryable, c.remedy), (true, Remedy::ReportToZoom));
}

#[test]
fn unknown_codes_keep_number_and_reason() {
    let h = fail_join_with(zerr(9999, "brand new"));
    let e = join_error(&h);
    assert_eq!(e.code(), ErrorCode::Unknown(9999));
    assert_eq!(e.reason, "brand new");
    assert!(e.to_string().contains("9999"));
}

#[test]
fn init_failure_is_its_own_class() {
    let mut h = Harness::new();
    h.join();
    h.ok("fetchToken");
    h.fail("init", zerr(5001, "assets"));
    match h.s.state() {
        State::Failed {
            error: SessionError::Init { error },
        } => {
            assert_eq!(error.classify().remedy, Remedy::FixAssets);
        }
        other => panic!("{other:?}"),
    }
    h.assert_quiet();
}

#[test]
fn token_provider_failure_and_expired_token() {
    let mut h = Harness::new();
    h.join();
    h.fail("fetchToken", ZoomError::driver("HTTP 500"));
    assert!(matches!(
        h.s.state(),
        State::Failed {
            error: SessionError::Token { .. }
        }
    ));
    h.assert_quiet();

    let mut h = Harness::new();
    h.join();
    let c = h.expect("fetchToken");
    let expired = jwt(h.now.as_millis() / 1000 - 10);
    h.answer(c.id, Ok(CommandOutput::Token(expired)));
    assert!(matches!(
        h.s.state(),
        State::Failed {
            error: SessionError::TokenExpired { .. }
        }
    ));
    h.assert_quiet();
}

#[test]
fn join_that_never_settles_times_out_and_leaves() {
    let mut h = Harness::new();
    h.join();
    h.ok("fetchToken");
    h.ok("init");
    let join = h.expect("join");
    h.advance(h.s.config().join_timeout);
    assert!(h.cancelled.contains(&join.id));
    assert_eq!(h.state(), StateName::Leaving);
    h.ok("leave");
    assert!(matches!(
        h.s.state(),
        State::Failed {
            error: SessionError::JoinTimedOut { .. }
        }
    ));
    h.assert_quiet();
    // A late answer to the cancelled join is ignored.
    h.input(Input::Done {
        id: join.id,
        result: Ok(CommandOutput::Unit),
    })
    .unwrap();
    assert_eq!(h.state(), StateName::Failed);
}

#[test]
fn a_token_for_another_session_fails_before_calling_zoom() {
    let mut h = Harness::new();
    h.input(Input::Join(JoinOptions::new("Standup", "Ada")))
        .unwrap();
    // `tpc` is matched case-insensitively, as Zoom does.
    h.ok("fetchToken");
    h.expect("init");

    let mut h = Harness::new();
    h.input(Input::Join(JoinOptions::new("retro", "Ada")))
        .unwrap();
    h.ok("fetchToken"); // a token whose tpc is "standup"
    match h.s.state() {
        State::Failed {
            error: SessionError::TokenTopicMismatch { token_topic, topic },
        } => {
            assert_eq!((token_topic.as_str(), topic.as_str()), ("standup", "retro"));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(h.count_issued("init") + h.count_issued("join"), 0);
    // The failure is the last state change; only the session's final
    // stats follow it.
    let [.., Event::StateChanged { .. }, Event::Stats(_)] = h.events.as_slice() else {
        panic!("the failure is a state change");
    };
    assert_eq!(
        match h.s.state() {
            State::Failed { error } => error.classify().remedy,
            _ => unreachable!(),
        },
        Remedy::CheckToken
    );
    h.assert_quiet();
}
