//! Offline pauses rejoin attempts; online starts the waiting attempt at once.
mod common;
use std::time::Duration;

use common::*;
use zoomkit_core::{BrowserSignal, Input, RejoinPhase, State, StateName};

#[test]
fn offline_pauses_and_online_cuts_the_wait_short() {
    let mut config = zoomkit_core::Config::default();
    config.resume_ttl = None; // no snapshot refresh timer: only rejoin timers count here
    let mut h = Harness::with_policy(config, table(&[5_000, 5_000]));
    h.connect();
    h.input(Input::Browser(BrowserSignal::Offline)).unwrap();
    h.input(failed_connection(None)).unwrap();
    assert!(matches!(
        h.s.state(),
        State::Rejoining {
            phase: RejoinPhase::Offline,
            ..
        }
    ));
    // No attempt however long the browser stays offline.
    h.advance(Duration::from_secs(600));
    assert_eq!(h.count_issued("join"), 1);
    assert_eq!(h.timeout, None);
    h.input(Input::Browser(BrowserSignal::Online)).unwrap();
    h.ok("join");
    assert_eq!(h.state(), StateName::Connected);
}

#[test]
fn going_offline_while_waiting_pauses_and_online_resumes_immediately() {
    let mut h = Harness::with_policy(Default::default(), table(&[10_000, 10_000]));
    h.connect();
    h.input(failed_connection(None)).unwrap();
    h.advance(Duration::from_secs(2));
    h.input(Input::Browser(BrowserSignal::Offline)).unwrap();
    assert!(matches!(
        h.s.state(),
        State::Rejoining {
            phase: RejoinPhase::Offline,
            ..
        }
    ));
    h.advance(Duration::from_secs(60));
    assert_eq!(h.count_issued("join"), 1);
    let before = h.now;
    h.input(Input::Browser(BrowserSignal::Online)).unwrap();
    assert!(h.find("join").is_some());
    assert_eq!(h.now, before, "no wait after coming back online");
}

#[test]
fn a_timer_that_fires_while_offline_waits_for_online() {
    let mut h = Harness::with_policy(Default::default(), table(&[1_000]));
    h.connect();
    h.input(failed_connection(None)).unwrap();
    // The offline signal was missed, but an attempt failed meanwhile.
    h.input(Input::Browser(BrowserSignal::Offline)).unwrap();
    h.advance(Duration::from_secs(5));
    assert_eq!(h.count_issued("join"), 1);
    h.input(Input::Browser(BrowserSignal::Online)).unwrap();
    assert!(h.find("join").is_some());
}
