//! `pagehide`, `pageshow` and `visibilitychange`: the page's lifecycle as
//! inputs. A hidden page keeps its snapshot fresh, a page that goes away
//! leaves (so others do not see a frozen tile) without losing the snapshot,
//! and a page restored from the back/forward cache joins again.
mod common;
use std::time::Duration;

use common::*;
use zoomkit_core::{
    BrowserSignal, Cause, Config, Event, Input, MediaIntent, RejoinPhase, State, StateName,
    StorageKey,
};

fn resume_writes(h: &Harness) -> Vec<Option<String>> {
    h.storage
        .iter()
        .filter(|w| w.key == StorageKey::Resume)
        .map(|w| w.value.clone())
        .collect()
}

fn signal(h: &mut Harness, s: BrowserSignal) {
    h.input(Input::Browser(s)).unwrap();
}

#[test]
fn pagehide_leaves_and_keeps_a_fresh_snapshot_for_the_next_page() {
    let mut h = Harness::new();
    h.connect();
    h.input(Input::Media(MediaIntent::StartVideo)).unwrap();
    h.ok("startVideo");
    h.advance(Duration::from_secs(30));
    let writes = resume_writes(&h).len();
    let m = h.mark();
    signal(&mut h, BrowserSignal::PageHide);
    // A fresh snapshot first, then `leave(false)`.
    let after = resume_writes(&h);
    assert_eq!(after.len(), writes + 1, "one fresh write: {after:?}");
    let snap = after
        .last()
        .unwrap()
        .clone()
        .expect("a snapshot, not a removal");
    assert!(snap.contains("\"video\":true"), "{snap}");
    let leave = h.expect("leave");
    assert_eq!(leave.op, zoomkit_core::Op::Leave { end: false });
    assert!(h.events_since(m).iter().any(|e| matches!(
        e,
        Event::StateChanged {
            to: StateName::Leaving,
            cause: Cause::PageHidden,
            ..
        }
    )));
    h.ok("leave");
    assert_eq!(h.state(), StateName::Left);
    // The snapshot was not removed on the way to `left`.
    assert_eq!(resume_writes(&h).last().unwrap().as_deref(), Some(&*snap));
    h.assert_quiet();

    // The next page resumes from it.
    let mut page = Harness::new();
    page.now = h.now + Duration::from_secs(2);
    page.input(Input::Resume {
        stored: Some(snap),
        password: None,
    })
    .unwrap();
    assert_eq!(page.state(), StateName::FetchingToken);
}

#[test]
fn without_leave_on_page_hide_the_session_stays_and_the_snapshot_is_fresh() {
    let mut config = Config::default();
    config.leave_on_page_hide = false;
    let mut h = Harness::with_config(config);
    h.connect();
    h.advance(Duration::from_secs(30));
    let writes = resume_writes(&h).len();
    signal(&mut h, BrowserSignal::PageHide);
    assert_eq!(resume_writes(&h).len(), writes + 1);
    assert!(h.find("leave").is_none());
    assert_eq!(h.state(), StateName::Connected);
}

#[test]
fn pageshow_from_the_page_cache_joins_again_with_the_same_media() {
    let mut h = Harness::new();
    h.connect();
    h.input(Input::Media(MediaIntent::StartAudio)).unwrap();
    h.ok("startAudio");
    h.input(Input::Media(MediaIntent::Mute)).unwrap();
    h.ok("muteAudio");
    signal(&mut h, BrowserSignal::PageHide);
    // Frozen in the cache: the leave has not settled when the page returns.
    signal(&mut h, BrowserSignal::PageShow);
    assert_eq!(h.state(), StateName::Leaving, "waits for the leave");
    let m = h.mark();
    h.ok("leave");
    assert_eq!(
        h.transitions_since(m),
        vec![
            (StateName::Leaving, StateName::Left),
            (StateName::Left, StateName::FetchingToken)
        ]
    );
    h.ok("fetchToken");
    h.ok("join");
    h.list_devices(devices());
    match h.expect("startAudio").op {
        zoomkit_core::Op::StartAudio { mute, .. } => assert!(mute, "comes back muted"),
        other => panic!("{other:?}"),
    }
    // Only once: a second pageshow does nothing.
    signal(&mut h, BrowserSignal::PageShow);
    assert_eq!(h.count_issued("fetchToken"), 2);
}

#[test]
fn pageshow_without_a_pagehide_leave_does_nothing() {
    let mut h = Harness::new();
    h.connect();
    h.input(Input::Leave { end: false }).unwrap();
    h.ok("leave");
    signal(&mut h, BrowserSignal::PageShow);
    assert_eq!(h.state(), StateName::Left);
    // The app's own join after a pagehide leave wins over the cache return.
    let mut h = Harness::new();
    h.connect();
    signal(&mut h, BrowserSignal::PageHide);
    h.ok("leave");
    h.join();
    signal(&mut h, BrowserSignal::PageShow);
    assert_eq!(h.count_issued("fetchToken"), 2, "one join, not two");
}

#[test]
fn pagehide_before_connecting_stops_without_calling_leave() {
    let mut h = Harness::new();
    h.join();
    signal(&mut h, BrowserSignal::PageHide);
    assert_eq!(h.state(), StateName::Left);
    assert_eq!(h.count_issued("leave"), 0);
    h.assert_quiet();
    // And in idle, nothing happens at all.
    let mut idle = Harness::new();
    signal(&mut idle, BrowserSignal::PageHide);
    assert_eq!(idle.state(), StateName::Idle);
    assert!(idle.issued.is_empty() && idle.storage.is_empty());
}

#[test]
fn hidden_writes_a_fresh_snapshot_and_nothing_else() {
    let mut h = Harness::new();
    h.connect();
    h.advance(Duration::from_secs(20));
    let writes = resume_writes(&h).len();
    let issued = h.issued.len();
    signal(&mut h, BrowserSignal::Hidden);
    assert_eq!(resume_writes(&h).len(), writes + 1);
    assert_eq!(h.issued.len(), issued);
    assert_eq!(h.state(), StateName::Connected);
}

#[test]
fn visible_starts_a_waiting_rejoin_now_and_rereads_devices_when_connected() {
    let mut h = Harness::with_policy(Config::default(), table(&[60_000]));
    h.connect();
    signal(&mut h, BrowserSignal::Hidden);
    h.input(failed_connection(None)).unwrap();
    assert!(matches!(
        h.s.state(),
        State::Rejoining {
            phase: RejoinPhase::Waiting { .. },
            ..
        }
    ));
    h.advance(Duration::from_secs(5));
    let before = h.now;
    signal(&mut h, BrowserSignal::Visible);
    assert_eq!(h.now, before);
    h.ok("join");
    assert_eq!(h.state(), StateName::Connected);
    h.list_devices(devices());
    assert!(h.find("listDevices").is_none());
    signal(&mut h, BrowserSignal::Visible);
    h.expect("listDevices");
}

#[test]
fn visible_while_offline_does_not_start_an_attempt() {
    let mut h = Harness::with_policy(Config::default(), table(&[60_000]));
    h.connect();
    h.input(failed_connection(None)).unwrap();
    signal(&mut h, BrowserSignal::Offline);
    signal(&mut h, BrowserSignal::Visible);
    assert!(h.find("join").is_none());
}
