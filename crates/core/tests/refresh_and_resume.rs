//! After a browser refresh, a fresh snapshot written while connected joins the
//! same session again with the same media and devices.
mod common;
use common::*;
use zoomkit_core::{
    Cause, DeviceKind, Event, Input, JoinOptions, MediaIntent, Op, StateName, StorageKey,
    StorageWrite,
};

fn last_snapshot(h: &Harness) -> Option<String> {
    h.storage
        .iter()
        .rev()
        .find(|w| w.key == StorageKey::Resume)
        .and_then(|w| w.value.clone())
}

#[test]
fn snapshot_written_after_connecting_resumes_after_refresh() {
    let mut h = Harness::new();
    assert!(last_snapshot(&h).is_none());
    h.connect();
    h.input(Input::SelectDevice {
        kind: DeviceKind::Camera,
        device_id: "cam-usb".into(),
    })
    .unwrap();
    h.input(Input::Media(MediaIntent::StartAudio)).unwrap();
    h.input(Input::Media(MediaIntent::StartVideo)).unwrap();
    let stored = last_snapshot(&h).expect("a snapshot while connected");
    assert!(stored.contains("standup"));
    assert!(!stored.contains("token"), "no secrets in storage: {stored}");
    // Device preferences go to localStorage under zoomkit:devices.
    let prefs = h
        .storage
        .iter()
        .rev()
        .find(|w| w.key == StorageKey::Devices)
        .unwrap();
    assert_eq!(prefs.key.as_str(), "zoomkit:devices");

    // The page reloads: a new machine, the stored values read back.
    let mut page = Harness::new();
    page.now = h.now + std::time::Duration::from_secs(3);
    let m = page.mark();
    page.input(Input::LoadPreferences {
        stored: prefs.value.clone(),
    })
    .unwrap();
    page.input(Input::Resume {
        stored: Some(stored),
        password: None,
    })
    .unwrap();
    assert!(page.events_since(m).iter().any(|e| matches!(
        e,
        Event::StateChanged {
            to: StateName::FetchingToken,
            cause: Cause::Resume,
            ..
        }
    )));
    page.ok("fetchToken");
    page.ok("init");
    page.ok("join");
    page.list_devices(devices());
    assert_eq!(
        page.expect("startVideo").op,
        Op::StartVideo {
            camera_id: Some("cam-usb".into()),
            capture: zoomkit_core::CaptureProfile::Standard,
        }
    );
    page.expect("startAudio");
}

#[test]
fn leaving_clears_the_snapshot() {
    let mut h = Harness::new();
    h.connect();
    assert!(last_snapshot(&h).is_some());
    h.input(Input::Leave { end: false }).unwrap();
    h.ok("leave");
    assert_eq!(
        h.storage.last(),
        Some(&StorageWrite {
            key: StorageKey::Resume,
            value: None
        })
    );
}

#[test]
fn a_snapshot_of_a_session_with_a_passcode_needs_it_again() {
    let mut h = Harness::new();
    h.input(Input::Join(
        JoinOptions::new("standup", "Ada").password("pw"),
    ))
    .unwrap();
    h.ok("fetchToken");
    h.ok("init");
    h.ok("join");
    let stored = last_snapshot(&h).unwrap();
    assert!(!stored.contains("pw"), "the passcode is not stored");
    let mut page = Harness::new();
    page.now = h.now;
    page.input(Input::Resume {
        stored: Some(stored.clone()),
        password: None,
    })
    .unwrap();
    assert!(page.events.contains(&Event::ResumeIgnored {
        reason: zoomkit_core::ResumeIgnored::PasswordRequired
    }));
    page.input(Input::Resume {
        stored: Some(stored),
        password: Some("pw".into()),
    })
    .unwrap();
    assert_eq!(page.state(), StateName::FetchingToken);
}

#[test]
fn the_snapshot_is_refreshed_while_the_session_lasts() {
    let mut h = Harness::new();
    h.connect();
    let ttl = h.s.config().resume_ttl.unwrap();
    let writes = h.storage.len();
    h.advance(ttl * 3);
    assert!(h.storage.len() >= writes + 5, "rewritten every ttl/2");
    let stored = last_snapshot(&h).unwrap();
    let mut page = Harness::new();
    page.now = h.now + ttl / 3;
    page.input(Input::Resume {
        stored: Some(stored),
        password: None,
    })
    .unwrap();
    assert_eq!(page.state(), StateName::FetchingToken);
}
