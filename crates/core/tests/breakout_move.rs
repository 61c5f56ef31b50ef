//! Zoom moving the session into, between or out of breakout rooms is a
//! `Reconnecting` with a subsession reason: Zoom ends it itself, so the
//! failover watchdog (`Config::failover_timeout`) does not run during it and
//! nothing is rejoined, however long the move takes. A failover still is.
mod common;

use common::*;
use zoomkit_core::sdk::{ConnectionReason, ConnectionState};
use zoomkit_core::StateName;

#[test]
fn a_breakout_move_longer_than_the_failover_timeout_is_not_rejoined() {
    for reason in [
        ConnectionReason::JoinSubsession,
        ConnectionReason::MoveToSubsession,
        ConnectionReason::BackToMainSession,
    ] {
        let mut h = Harness::new();
        h.connect();
        let joins = h.count_issued("join");
        h.input(conn(
            ConnectionState::Reconnecting,
            Some(reason.clone()),
            None,
        ))
        .unwrap();
        assert_eq!(h.state(), StateName::Reconnecting);
        h.advance(h.s.config().failover_timeout.unwrap() * 3);
        assert_eq!(h.state(), StateName::Reconnecting, "{reason:?}");
        h.input(conn(ConnectionState::Connected, None, None))
            .unwrap();
        assert_eq!(h.state(), StateName::Connected, "{reason:?}");
        assert_eq!(
            h.count_issued("join"),
            joins,
            "{reason:?}: nothing rejoined"
        );
    }
}

#[test]
fn a_failover_after_a_breakout_move_is_still_watched() {
    let mut h = Harness::new();
    h.connect();
    h.input(conn(
        ConnectionState::Reconnecting,
        Some(ConnectionReason::JoinSubsession),
        None,
    ))
    .unwrap();
    h.input(conn(ConnectionState::Connected, None, None))
        .unwrap();
    h.input(conn(
        ConnectionState::Reconnecting,
        Some(ConnectionReason::Failover),
        None,
    ))
    .unwrap();
    h.advance(h.s.config().failover_timeout.unwrap());
    assert_eq!(h.state(), StateName::Rejoining);
}
