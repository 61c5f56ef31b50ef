//! `Input::Dispose` (the app freed the session without leaving): the core
//! says whether there is an SDK session to leave. Connected: one plain
//! `leave`; before the SDK holds a session: none; idle, over, or already
//! leaving: nothing at all.
mod common;

use common::*;
use zoomkit_core::{Input, Op, StateName};

fn leaves(h: &Harness) -> Vec<bool> {
    h.issued
        .iter()
        .filter_map(|c| match c.op {
            Op::Leave { end } => Some(end),
            _ => None,
        })
        .collect()
}

#[test]
fn dispose_while_connected_leaves_plainly() {
    let mut h = Harness::new();
    h.connect();
    h.input(Input::Dispose).unwrap();
    assert_eq!(leaves(&h), vec![false]);
    assert_eq!(h.state(), StateName::Leaving);
}

#[test]
fn dispose_while_joining_leaves_the_sdk_session() {
    let mut h = Harness::new();
    h.join();
    h.ok("fetchToken");
    h.ok("init");
    assert_eq!(h.state(), StateName::Joining);
    h.input(Input::Dispose).unwrap();
    assert_eq!(leaves(&h), vec![false]);
}

#[test]
fn dispose_before_the_sdk_has_a_session_calls_nothing() {
    let mut h = Harness::new();
    h.join();
    assert_eq!(h.state(), StateName::FetchingToken);
    h.input(Input::Dispose).unwrap();
    assert!(leaves(&h).is_empty());
    assert_eq!(h.state(), StateName::Left);
}

#[test]
fn dispose_when_idle_over_or_leaving_does_nothing() {
    let mut idle = Harness::new();
    idle.input(Input::Dispose).unwrap();
    assert_eq!(idle.state(), StateName::Idle);
    assert!(idle.issued.is_empty());

    let mut h = Harness::new();
    h.connect();
    h.input(Input::Leave { end: false }).unwrap();
    h.input(Input::Dispose).unwrap();
    assert_eq!(
        leaves(&h),
        vec![false],
        "the leave in flight is not repeated"
    );
    h.ok("leave");
    assert_eq!(h.state(), StateName::Left);
    let issued = h.issued.len();
    h.input(Input::Dispose).unwrap();
    assert_eq!(h.issued.len(), issued);
}
