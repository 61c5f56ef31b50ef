//! The host ending the session is terminal: no rejoin, nothing left in
//! flight, no timer, the resume snapshot cleared.
mod common;
use common::*;
use zoomkit_core::sdk::{ConnectionReason, ConnectionState};
use zoomkit_core::{EndReason, Event, Input, MediaIntent, State, StorageKey, StorageWrite};

#[test]
fn closed_ended_by_host_ends_without_rejoin() {
    let mut h = Harness::new();
    h.connect();
    h.sdk(zoomkit_core::SdkEvent::UserAdded(vec![user(2, "Bob")]));
    h.input(Input::Media(MediaIntent::StartVideo)).unwrap();
    let m = h.mark();
    h.input(conn(
        ConnectionState::Closed,
        Some(ConnectionReason::EndedByHost),
        None,
    ))
    .unwrap();
    assert_eq!(
        h.s.state(),
        &State::Ended {
            reason: EndReason::EndedByHost
        }
    );
    h.assert_quiet();
    assert!(h.events_since(m).contains(&Event::ParticipantsCleared));
    assert_eq!(
        h.storage.last(),
        Some(&StorageWrite {
            key: StorageKey::Resume,
            value: None
        })
    );
    // More SDK noise changes nothing.
    h.input(failed_connection(None)).unwrap();
    h.assert_quiet();
}

#[test]
fn fail_with_session_ended_is_ended_by_host() {
    let mut h = Harness::new();
    h.connect();
    h.input(failed_connection(Some(4004))).unwrap();
    assert_eq!(
        h.s.state(),
        &State::Ended {
            reason: EndReason::EndedByHost
        }
    );
    h.assert_quiet();
}

#[test]
fn session_ended_while_rejoining_stops_rejoining() {
    let mut h = Harness::with_policy(Default::default(), table(&[0, 0, 0]));
    h.connect();
    h.input(failed_connection(None)).unwrap();
    h.fire_next_timer();
    h.fail("join", zerr(4004, "session ended"));
    assert_eq!(
        h.s.state(),
        &State::Ended {
            reason: EndReason::EndedByHost
        }
    );
    assert_eq!(h.count_issued("join"), 2);
    h.assert_quiet();
}
