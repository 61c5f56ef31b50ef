//! Join: token, init, join, connected; the events say so in order.
mod common;
use common::*;
use zoomkit_core::{Cause, Event, Input, JoinOptions, Op, StateName, TokenReason};

#[test]
fn happy_join_goes_token_init_join_connected() {
    let mut h = Harness::new();
    let m = h.mark();
    h.input(Input::Join(
        JoinOptions::new("standup", "Ada").password("pw"),
    ))
    .unwrap();
    let fetch = h.expect("fetchToken");
    assert_eq!(
        fetch.op,
        Op::FetchToken {
            topic: "standup".into(),
            reason: TokenReason::Join
        }
    );
    h.ok("fetchToken");
    h.ok("init");
    let join = h.expect("join");
    match &join.op {
        Op::Join {
            topic,
            user_name,
            session_password,
            token,
            ..
        } => {
            assert_eq!(topic, "standup");
            assert_eq!(user_name, "Ada");
            assert_eq!(session_password.as_deref(), Some("pw"));
            assert!(token.contains('.'));
        }
        other => panic!("{other:?}"),
    }
    h.ok("join");
    assert_eq!(
        h.transitions_since(m),
        vec![
            (StateName::Idle, StateName::FetchingToken),
            (StateName::FetchingToken, StateName::Initialising),
            (StateName::Initialising, StateName::Joining),
            (StateName::Joining, StateName::Connected),
        ]
    );
    assert!(h.events_since(m).iter().any(|e| matches!(
        e,
        Event::StateChanged {
            to: StateName::Connected,
            cause: Cause::Joined,
            ..
        }
    )));
    assert_eq!(h.s.self_user(), Some(zoomkit_core::UserId(1)));
    // Connected reads the device lists; nothing else is asked for.
    assert_eq!(h.open_ops(), vec!["listDevices"]);
    h.list_devices(devices());
    assert!(h.open.is_empty());
}

#[test]
fn a_second_join_while_active_is_refused_and_changes_nothing() {
    let mut h = Harness::new();
    h.join();
    let err = h
        .input(Input::Join(JoinOptions::new("standup", "Ada")))
        .unwrap_err();
    assert_eq!(
        err,
        zoomkit_core::CoreError::AlreadyActive {
            state: "fetching_token"
        }
    );
    assert_eq!(h.count_issued("fetchToken"), 1);
}

#[test]
fn bad_join_options_name_the_field() {
    let mut h = Harness::new();
    let err = h
        .input(Input::Join(JoinOptions::new("", "Ada")))
        .unwrap_err();
    assert!(matches!(
        err,
        zoomkit_core::CoreError::InvalidOption { field: "topic", .. }
    ));
    let err = h
        .input(Input::Join(
            JoinOptions::new("t", "Ada").password("12345678901"),
        ))
        .unwrap_err();
    assert!(matches!(
        err,
        zoomkit_core::CoreError::InvalidOption {
            field: "sessionPassword",
            ..
        }
    ));
    assert_eq!(h.state(), StateName::Idle);
    assert!(h.issued.is_empty());
}

#[test]
fn init_runs_once_per_session_object() {
    let mut h = Harness::new();
    h.connect();
    h.input(Input::Leave { end: false }).unwrap();
    h.ok("leave");
    h.join();
    h.ok("fetchToken");
    assert_eq!(h.state(), StateName::Joining, "no second init");
    assert_eq!(h.count_issued("init"), 1);
}

/// The SDK sends `user-added` (the local user and everyone present) before
/// `join` resolves; those participants must not be lost. (Found by the
/// browser test against zoomkit-sim, which orders events like the SDK.)
#[test]
fn participants_announced_before_join_resolves_are_kept() {
    let mut h = Harness::new();
    h.input(Input::Join(JoinOptions::new("standup", "Ada")))
        .unwrap();
    h.ok("fetchToken");
    h.ok("init");
    assert_eq!(h.state(), StateName::Joining);
    h.sdk(zoomkit_core::SdkEvent::UserAdded(vec![
        user(1, "Ada"),
        user(2, "Ann"),
    ]));
    h.ok("join");
    assert_eq!(h.state(), StateName::Connected);
    let mut names: Vec<_> = h.s.participants().map(|p| p.display_name.clone()).collect();
    names.sort();
    assert_eq!(names, vec!["Ada", "Ann"]);
}
