//! Viewing others' shares: the session draws the active share on the app's
//! canvas while it has one (`startShareView`), stops it when the share ends
//! or the canvas is taken back (`stopShareView`), never views its own
//! share, and reports a refused start.
mod common;
use common::*;
use zoomkit_core::action::FeatureSdkEvent;
use zoomkit_core::share::{PeerShareAction, PeerShareStateChange};
use zoomkit_core::stage::{ActiveShareChange, ShareActivity};
use zoomkit_core::{Event, Op, SdkEvent, UserId};

fn session() -> Harness {
    let mut h = Harness::new();
    h.connect();
    h.sdk(SdkEvent::UserAdded(vec![user(1, "Ada"), user(2, "Ann")]));
    h
}

fn feature(h: &mut Harness, ev: FeatureSdkEvent) {
    h.s.feature_event(h.now, ev);
    h.drain();
}

fn active(h: &mut Harness, user: u64, on: bool) {
    let state = if on {
        ShareActivity::Active
    } else {
        ShareActivity::Inactive
    };
    feature(
        h,
        FeatureSdkEvent::ActiveShareChange(ActiveShareChange {
            state,
            user_id: UserId(user),
        }),
    );
}

fn want(h: &mut Harness, wanted: bool) {
    h.s.set_share_view(h.now, wanted);
    h.drain();
}

#[test]
fn the_active_share_is_drawn_while_the_app_has_a_canvas_for_it() {
    let mut h = session();
    feature(
        &mut h,
        FeatureSdkEvent::PeerShareStateChange(PeerShareStateChange {
            user_id: UserId(2),
            action: PeerShareAction::Start,
        }),
    );
    active(&mut h, 2, true);
    assert_eq!(h.count_issued("startShareView"), 0, "no canvas yet");
    assert_eq!(h.s.share_view().active, Some(UserId(2)));
    assert_eq!(h.s.share_view().sharers, vec![UserId(2)]);
    want(&mut h, true);
    let c = h.ok("startShareView");
    assert_eq!(c.op, Op::StartShareView { user_id: UserId(2) });
    assert_eq!(h.s.share_view().viewing, Some(UserId(2)));
    active(&mut h, 2, false);
    h.ok("stopShareView");
    assert_eq!(h.s.share_view().viewing, None);
    active(&mut h, 1, true);
    assert_eq!(
        h.count_issued("startShareView"),
        1,
        "our own share is not viewed"
    );
    active(&mut h, 2, true);
    h.ok("startShareView");
    want(&mut h, false);
    h.ok("stopShareView");
    let told = h
        .events
        .iter()
        .filter(|e| matches!(e, Event::ShareViewChanged(_)))
        .count();
    assert!(told >= 6, "each change is told: {told}");
}

#[test]
fn a_refused_start_is_a_media_failure_and_nothing_is_viewed() {
    let mut h = session();
    want(&mut h, true);
    active(&mut h, 2, true);
    let mark = h.mark();
    h.fail("startShareView", zerr(6103, "canvas busy"));
    assert_eq!(h.s.share_view().viewing, None);
    assert!(h.events_since(mark).iter().any(|e| matches!(
        e,
        Event::MediaFailed {
            op: "startShareView",
            ..
        }
    )));
}

#[test]
fn a_switched_share_is_followed_and_a_sharer_who_leaves_is_stopped() {
    use zoomkit_core::share::ShareContentChange;
    let mut h = session();
    h.sdk(SdkEvent::UserAdded(vec![user(3, "Bob")]));
    want(&mut h, true);
    active(&mut h, 2, true);
    h.ok("startShareView");
    feature(
        &mut h,
        FeatureSdkEvent::ShareContentChange(ShareContentChange { user_id: UserId(3) }),
    );
    h.ok("stopShareView");
    let c = h.ok("startShareView");
    assert_eq!(c.op, Op::StartShareView { user_id: UserId(3) });
    h.sdk(SdkEvent::UserRemoved(vec![user(3, "Bob")]));
    h.ok("stopShareView");
    assert_eq!(h.s.share_view().active, None);
    assert_eq!(h.s.share_view().viewing, None);
}
