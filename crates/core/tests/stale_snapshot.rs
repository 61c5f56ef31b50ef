//! An expired, unreadable or missing snapshot is ignored (and cleared when it
//! is ours and useless); nothing is joined.
mod common;
use std::time::Duration;

use common::*;
use zoomkit_core::{Event, Input, ResumeIgnored, StateName, StorageKey, StorageWrite};

fn snapshot_after_connect() -> (Harness, String) {
    let mut h = Harness::new();
    h.connect();
    let s = h
        .storage
        .iter()
        .rev()
        .find_map(|w| {
            (w.key == StorageKey::Resume)
                .then(|| w.value.clone())
                .flatten()
        })
        .unwrap();
    (h, s)
}

#[test]
fn a_stale_snapshot_is_ignored_and_cleared() {
    let (h, stored) = snapshot_after_connect();
    let mut page = Harness::new();
    page.now = h.now + h.s.config().resume_ttl.unwrap() + Duration::from_millis(1);
    page.input(Input::Resume {
        stored: Some(stored),
        password: None,
    })
    .unwrap();
    assert_eq!(page.state(), StateName::Idle);
    assert!(page.events.contains(&Event::ResumeIgnored {
        reason: ResumeIgnored::Stale
    }));
    assert_eq!(
        page.storage,
        vec![StorageWrite {
            key: StorageKey::Resume,
            value: None
        }]
    );
    assert!(page.issued.is_empty());
}

#[test]
fn garbage_and_nothing_are_ignored() {
    let mut page = Harness::new();
    page.input(Input::Resume {
        stored: Some("{not json".into()),
        password: None,
    })
    .unwrap();
    assert!(page.events.contains(&Event::ResumeIgnored {
        reason: ResumeIgnored::Unreadable
    }));
    page.input(Input::Resume {
        stored: None,
        password: None,
    })
    .unwrap();
    assert!(page.events.contains(&Event::ResumeIgnored {
        reason: ResumeIgnored::Missing
    }));
    assert_eq!(page.state(), StateName::Idle);
    assert!(page.issued.is_empty());
}

#[test]
fn resume_while_active_is_misuse() {
    let (mut h, stored) = snapshot_after_connect();
    assert!(h
        .input(Input::Resume {
            stored: Some(stored),
            password: None
        })
        .is_err());
}
