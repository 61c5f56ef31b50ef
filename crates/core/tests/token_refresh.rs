//! A token that has expired, or would expire before the join completes, is
//! replaced through the app's token provider before rejoining.
mod common;
use std::time::Duration;

use common::*;
use zoomkit_core::{CommandOutput, Op, RejoinPhase, State, StateName, TokenReason};

#[test]
fn an_expiring_token_is_refreshed_before_the_rejoin() {
    let mut h = Harness::with_policy(Default::default(), table(&[0]));
    h.join();
    // A token that expires in 90 s: fine to join now, not for a rejoin later.
    let c = h.expect("fetchToken");
    let short = jwt(h.now.as_millis() / 1000 + 90);
    h.answer(c.id, Ok(CommandOutput::Token(short)));
    h.ok("init");
    h.ok("join");
    h.list_devices(devices());
    h.advance(Duration::from_secs(30));
    h.input(failed_connection(None)).unwrap();
    h.fire_next_timer();
    assert!(matches!(
        h.s.state(),
        State::Rejoining {
            phase: RejoinPhase::FetchingToken,
            ..
        }
    ));
    let fetch = h.expect("fetchToken");
    assert_eq!(
        fetch.op,
        Op::FetchToken {
            topic: "standup".into(),
            reason: TokenReason::Refresh
        }
    );
    assert!(h.find("join").is_none(), "no join with the old token");
    h.ok("fetchToken");
    let join = h.expect("join");
    match &join.op {
        Op::Join { token, .. } => assert_ne!(*token, jwt(h.now.as_millis() / 1000 + 90)),
        other => panic!("{other:?}"),
    }
    h.ok("join");
    assert_eq!(h.state(), StateName::Connected);
}

#[test]
fn a_token_rejected_as_expired_is_replaced_on_the_next_attempt() {
    let mut h = Harness::with_policy(Default::default(), table(&[0, 0]));
    h.connect();
    h.input(failed_connection(None)).unwrap();
    h.fire_next_timer();
    h.fail("join", zerr(200, "The token has expired"));
    assert_eq!(h.state(), StateName::Rejoining);
    h.fire_next_timer();
    h.expect("fetchToken");
    h.ok("fetchToken");
    h.ok("join");
    assert_eq!(h.state(), StateName::Connected);
}

#[test]
fn a_provider_failure_during_rejoin_is_one_failed_attempt() {
    let mut h = Harness::with_policy(Default::default(), table(&[0, 0]));
    h.connect();
    h.input(failed_connection(None)).unwrap();
    h.fire_next_timer();
    h.fail("join", zerr(200, "The token has expired"));
    h.fire_next_timer();
    h.fail("fetchToken", zoomkit_core::ZoomError::driver("503"));
    assert_eq!(h.state(), StateName::Failed, "the policy had two attempts");
}
