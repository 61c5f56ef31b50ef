//! Removal by the host is terminal and never rejoins.
mod common;
use common::*;
use zoomkit_core::sdk::{ConnectionReason, ConnectionState};
use zoomkit_core::{EndReason, State};

#[test]
fn kicked_or_expeled_by_host_is_removed() {
    for reason in [
        ConnectionReason::KickedByHost,
        ConnectionReason::ExpeledByHost,
    ] {
        let mut h = Harness::new();
        h.connect();
        h.input(conn(ConnectionState::Closed, Some(reason), None))
            .unwrap();
        assert_eq!(
            h.s.state(),
            &State::Ended {
                reason: EndReason::Removed
            }
        );
        h.assert_quiet();
    }
}

#[test]
fn removed_code_on_fail_or_rejoin_is_removed() {
    let mut h = Harness::new();
    h.connect();
    h.input(failed_connection(Some(3009))).unwrap();
    assert_eq!(
        h.s.state(),
        &State::Ended {
            reason: EndReason::Removed
        }
    );

    let mut h = Harness::with_policy(Default::default(), table(&[0, 0]));
    h.connect();
    h.input(failed_connection(None)).unwrap();
    h.fire_next_timer();
    h.fail("join", zerr(3009, "removed"));
    assert_eq!(
        h.s.state(),
        &State::Ended {
            reason: EndReason::Removed
        }
    );
    h.assert_quiet();
}
