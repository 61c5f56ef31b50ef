//! Zoom's own failover (`Reconnecting`) is not a teardown: participants and
//! media stay, users in failover show as reconnecting and are never counted
//! twice, and `Connected` brings the session back without any SDK call.
mod common;
use std::time::Duration;

use common::*;
use zoomkit_core::sdk::{ConnectionReason, ConnectionState, ParticipantProperties};
use zoomkit_core::{Event, Input, MediaIntent, SdkEvent, State, StateName, UserId};

#[test]
fn reconnecting_keeps_everything_and_connected_restores() {
    let mut h = Harness::new();
    h.connect();
    h.sdk(SdkEvent::UserAdded(vec![user(2, "Bob"), user(3, "Cy")]));
    h.input(Input::Media(MediaIntent::StartAudio)).unwrap();
    h.ok("startAudio");
    let issued = h.issued.len();
    let m = h.mark();

    h.input(conn(
        ConnectionState::Reconnecting,
        Some(ConnectionReason::Failover),
        None,
    ))
    .unwrap();
    assert!(matches!(
        h.s.state(),
        State::Reconnecting {
            reason: Some(ConnectionReason::Failover),
            ..
        }
    ));
    assert_eq!(h.s.participants().count(), 2);
    assert!(h.s.audio().connected);
    assert!(!h
        .events_since(m)
        .iter()
        .any(|e| matches!(e, Event::ParticipantsCleared)));

    h.input(conn(ConnectionState::Connected, None, None))
        .unwrap();
    assert_eq!(h.state(), StateName::Connected);
    assert_eq!(h.issued.len(), issued, "failover costs no SDK call");
    assert_eq!(
        h.transitions_since(m),
        vec![
            (StateName::Connected, StateName::Reconnecting),
            (StateName::Reconnecting, StateName::Connected)
        ]
    );
}

#[test]
fn users_in_failover_show_as_reconnecting_and_are_never_counted_twice() {
    let mut h = Harness::new();
    h.connect();
    let bob = ParticipantProperties {
        user_key: Some("bob-key".into()),
        ..user(2, "Bob")
    };
    h.sdk(SdkEvent::UserAdded(vec![bob.clone()]));
    let m = h.mark();
    h.sdk(SdkEvent::UserUpdated(vec![ParticipantProperties {
        is_in_failover: Some(true),
        ..ParticipantProperties::new(2)
    }]));
    assert!(h.s.participant(UserId(2)).unwrap().reconnecting);
    assert!(h
        .events_since(m)
        .contains(&Event::ParticipantReconnecting { user_id: UserId(2) }));

    // A duplicate user-added for the same id is an update, not a second Bob.
    h.sdk(SdkEvent::UserAdded(vec![bob.clone()]));
    assert_eq!(h.s.participants().count(), 1);

    // Bob comes back under a new id while the old entry is still in failover.
    let m = h.mark();
    let bob_again = ParticipantProperties {
        user_key: Some("bob-key".into()),
        ..user(7, "Bob")
    };
    h.sdk(SdkEvent::UserAdded(vec![bob_again]));
    assert_eq!(h.s.participants().count(), 1);
    assert!(h.s.participant(UserId(2)).is_none());
    assert!(!h.s.participant(UserId(7)).unwrap().reconnecting);
    assert!(h.events_since(m).contains(&Event::ParticipantRecovered {
        user_id: UserId(7),
        replaced: Some(UserId(2)),
    }));
    assert!(!h
        .events_since(m)
        .iter()
        .any(|e| matches!(e, Event::ParticipantJoined(_))));
}

#[test]
fn recovering_in_place_clears_the_flag() {
    let mut h = Harness::new();
    h.connect();
    h.sdk(SdkEvent::UserAdded(vec![ParticipantProperties {
        is_in_failover: Some(true),
        ..user(2, "Bob")
    }]));
    let m = h.mark();
    h.sdk(SdkEvent::UserUpdated(vec![ParticipantProperties {
        is_in_failover: Some(false),
        ..ParticipantProperties::new(2)
    }]));
    assert!(h.events_since(m).contains(&Event::ParticipantRecovered {
        user_id: UserId(2),
        replaced: None
    }));
}

#[test]
fn a_failover_that_hangs_is_abandoned_for_a_rejoin_after_resetting_the_sdk() {
    let mut h = Harness::with_policy(Default::default(), table(&[0, 1000]));
    h.connect();
    h.input(conn(
        ConnectionState::Reconnecting,
        Some(ConnectionReason::Failover),
        None,
    ))
    .unwrap();
    h.advance(h.s.config().failover_timeout.unwrap() - Duration::from_millis(1));
    assert_eq!(h.state(), StateName::Reconnecting);
    h.advance(Duration::from_millis(1));
    assert_eq!(h.state(), StateName::Rejoining);
    // The SDK may still hold the session: leave it first, then join again.
    h.ok("leave");
    h.advance(Duration::ZERO);
    h.ok("join");
    assert_eq!(h.state(), StateName::Connected);
}
