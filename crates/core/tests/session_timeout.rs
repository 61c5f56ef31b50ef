//! The optional maximum duration and idle timeout end the session gracefully
//! with a reason.
mod common;
use std::time::Duration;

use common::*;
use zoomkit_core::{Config, EndReason, Input, SdkEvent, State, StateName};

#[test]
fn max_duration_leaves_and_ends_with_the_reason() {
    let mut config = Config::default();
    config.max_duration = Some(Duration::from_secs(3600));
    let mut h = Harness::with_config(config);
    h.connect();
    h.sdk(SdkEvent::UserAdded(vec![user(2, "Bob")]));
    h.advance(Duration::from_secs(3599));
    assert_eq!(h.state(), StateName::Connected);
    h.advance(Duration::from_secs(1));
    assert_eq!(h.state(), StateName::Leaving);
    h.ok("leave");
    assert_eq!(
        h.s.state(),
        &State::Ended {
            reason: EndReason::MaxDuration
        }
    );
    h.assert_quiet();
}

#[test]
fn the_max_duration_counts_from_the_first_connect_across_rejoins() {
    let mut config = Config::default();
    config.max_duration = Some(Duration::from_secs(60));
    let mut h = Harness::with_policy(config, table(&[0]));
    h.connect();
    h.advance(Duration::from_secs(30));
    h.input(failed_connection(None)).unwrap();
    h.advance(Duration::ZERO);
    h.ok("join");
    h.list_devices(devices());
    h.advance(Duration::from_secs(30));
    assert_eq!(h.state(), StateName::Leaving);
}

#[test]
fn idle_means_alone_and_company_resets_it() {
    let mut config = Config::default();
    config.idle_timeout = Some(Duration::from_secs(300));
    let mut h = Harness::with_config(config);
    h.connect();
    // The local user is in the list too: still alone.
    h.sdk(SdkEvent::UserAdded(vec![user(1, "Ada")]));
    h.advance(Duration::from_secs(200));
    h.sdk(SdkEvent::UserAdded(vec![user(2, "Bob")]));
    h.advance(Duration::from_secs(200));
    assert_eq!(h.state(), StateName::Connected, "not alone");
    h.sdk(SdkEvent::UserRemoved(vec![user(2, "Bob")]));
    h.advance(Duration::from_secs(299));
    assert_eq!(h.state(), StateName::Connected);
    h.advance(Duration::from_secs(1));
    assert_eq!(h.state(), StateName::Leaving);
    h.ok("leave");
    assert_eq!(
        h.s.state(),
        &State::Ended {
            reason: EndReason::Idle
        }
    );
    let _ = Input::Timeout;
}
