//! What the driver must keep listening to is the core's: everything while a
//! session is under way, only `pageshow` after a leave on `pagehide`, and
//! nothing once the session is over.
mod common;

use common::*;
use zoomkit_core::{BrowserSignal, Input, Listening, StateName};

const EVERY_SIGNAL: [BrowserSignal; 6] = [
    BrowserSignal::Offline,
    BrowserSignal::Online,
    BrowserSignal::Hidden,
    BrowserSignal::Visible,
    BrowserSignal::PageHide,
    BrowserSignal::PageShow,
];

#[test]
fn a_session_under_way_keeps_everything() {
    let mut h = Harness::new();
    assert_eq!(h.s.listening(), Listening::All, "idle: nothing to release");
    h.join();
    assert_eq!(h.s.listening(), Listening::All, "joining");
    h.ok("fetchToken");
    h.ok("init");
    h.ok("join");
    assert_eq!(h.state(), StateName::Connected);
    let l = h.s.listening();
    assert!(l.sdk());
    assert!(EVERY_SIGNAL.iter().all(|s| l.browser(*s)));
}

#[test]
fn a_session_over_releases_everything() {
    let mut h = Harness::new();
    h.connect();
    h.input(Input::Leave { end: false }).unwrap();
    assert_eq!(
        h.s.listening(),
        Listening::All,
        "leaving: the answer is awaited"
    );
    h.ok("leave");
    assert_eq!(h.state(), StateName::Left);
    let l = h.s.listening();
    assert_eq!(l, Listening::Nothing);
    assert!(!l.sdk());
    assert!(EVERY_SIGNAL.iter().all(|s| !l.browser(*s)));
}

#[test]
fn a_leave_on_pagehide_keeps_only_pageshow_until_it_joins_again() {
    let mut h = Harness::new();
    h.connect();
    h.input(Input::Browser(BrowserSignal::PageHide)).unwrap();
    h.ok("leave");
    assert_eq!(h.state(), StateName::Left);
    let l = h.s.listening();
    assert_eq!(l, Listening::PageShow);
    assert!(!l.sdk());
    for s in EVERY_SIGNAL {
        assert_eq!(l.browser(s), s == BrowserSignal::PageShow, "{s:?}");
    }
    h.input(Input::Browser(BrowserSignal::PageShow)).unwrap();
    assert_eq!(h.state(), StateName::FetchingToken);
    assert_eq!(h.s.listening(), Listening::All);
}
