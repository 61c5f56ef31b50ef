//! Screen share needs somewhere to render (`Config::share_target`, the JS
//! `shareElement`): without one, `StartShare` is refused up front, naming
//! the option, and no SDK call is made; with one, it shares.
mod common;

use common::*;
use zoomkit_core::{Config, CoreError, Input, MediaIntent};

#[test]
fn share_without_a_target_is_refused_naming_share_element() {
    let mut config = Config::default();
    config.share_target = false;
    let mut h = Harness::with_config(config);
    h.connect();
    let err = h.input(Input::Media(MediaIntent::StartShare)).unwrap_err();
    assert!(
        matches!(
            err,
            CoreError::InvalidOption {
                field: "shareElement",
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("shareElement"), "{err}");
    assert_eq!(h.count_issued("startShareScreen"), 0);
    // Everything else still works.
    h.input(Input::Media(MediaIntent::StartAudio)).unwrap();
    assert_eq!(h.count_issued("startAudio"), 1);
}

#[test]
fn share_with_a_target_starts_sharing() {
    let mut h = Harness::new();
    h.connect();
    h.input(Input::Media(MediaIntent::StartShare)).unwrap();
    assert_eq!(h.count_issued("startShareScreen"), 1);
}
