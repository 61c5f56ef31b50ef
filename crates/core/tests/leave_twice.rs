//! Leave is idempotent while leaving and a typed error when there is nothing
//! to leave; it never makes a second SDK call.
mod common;
use common::*;
use zoomkit_core::{CoreError, Input, StateName};

#[test]
fn leave_twice_calls_leave_once() {
    let mut h = Harness::new();
    h.connect();
    h.input(Input::Leave { end: false }).unwrap();
    h.input(Input::Leave { end: false }).unwrap();
    assert_eq!(h.count_issued("leave"), 1);
    h.ok("leave");
    assert_eq!(h.state(), StateName::Left);
    let err = h.input(Input::Leave { end: false }).unwrap_err();
    assert_eq!(err, CoreError::NotInSession { state: "left" });
    assert_eq!(h.count_issued("leave"), 1);
    h.assert_quiet();
}

#[test]
fn leave_before_join_is_misuse() {
    let mut h = Harness::new();
    assert_eq!(
        h.input(Input::Leave { end: false }).unwrap_err(),
        CoreError::NotInSession { state: "idle" }
    );
    assert!(h.issued.is_empty());
}
