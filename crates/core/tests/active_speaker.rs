//! The active speaker holds the stage: it changes at most once per hold,
//! whoever talks, and a speaker heard during the hold takes over when it ends.

use std::time::Duration;

use zoomkit_core::{ActiveSpeaker, ActiveSpeakerTracker, Instant, UserId};

const HOLD: Duration = Duration::from_secs(2);

fn t(ms: u64) -> Instant {
    Instant::from_millis(1_700_000_000_000 + ms)
}

#[test]
fn crosstalk_does_not_flicker_the_stage() {
    let mut s = ActiveSpeakerTracker::new(HOLD);
    assert!(s.observe(t(0), UserId(1)));
    // 2 coughs, 1 keeps talking: no change, no timer.
    assert!(!s.observe(t(300), UserId(2)));
    assert!(!s.observe(t(600), UserId(1)));
    assert_eq!(s.poll_timeout(), None);
    assert!(!s.handle_timeout(t(2000)));
    assert_eq!(s.current(), Some(UserId(1)));
    // After the hold, a new speaker takes over at once.
    assert!(s.observe(t(2500), UserId(2)));
    assert_eq!(s.recent(), &[UserId(2), UserId(1)]);
}

#[test]
fn the_last_speaker_heard_during_the_hold_takes_over_when_it_ends() {
    let mut s = ActiveSpeakerTracker::new(HOLD);
    s.observe(t(0), UserId(1));
    s.observe(t(500), UserId(2));
    s.observe(t(900), UserId(3));
    assert_eq!(s.poll_timeout(), Some(t(2000)));
    assert!(!s.handle_timeout(t(1999)));
    assert!(s.handle_timeout(t(2000)));
    assert_eq!(s.current(), Some(UserId(3)));
    assert_eq!(s.poll_timeout(), None);
}

#[test]
fn a_departing_speaker_is_replaced_at_once() {
    let mut s = ActiveSpeakerTracker::new(HOLD);
    s.observe(t(0), UserId(1));
    s.observe(t(100), UserId(2));
    assert!(s.remove(t(200), UserId(1)));
    assert_eq!(s.current(), Some(UserId(2)));
    assert!(s.remove(t(300), UserId(2)));
    assert_eq!(s.current(), None);
    assert!(s.recent().is_empty());
    // Someone who was not speaking leaves: nothing changes.
    s.observe(t(400), UserId(5));
    assert!(!s.remove(t(500), UserId(9)));
    assert_eq!(s.current(), Some(UserId(5)));
}

#[test]
fn the_sdk_payload_observes_the_loudest() {
    let payload: Vec<ActiveSpeaker> =
        serde_json::from_str(r#"[{"userId":7,"displayName":"Ada"},{"userId":8}]"#).unwrap();
    let mut s = ActiveSpeakerTracker::default();
    assert!(s.observe_all(t(0), &payload));
    assert_eq!(s.current(), Some(UserId(7)));
    assert!(!s.observe_all(t(10), &[]));
}

#[cfg(not(target_arch = "wasm32"))]
mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 500, .. ProptestConfig::default() })]

        /// Whatever is heard, whenever: in any span of `d`, at most
        /// `1 + d / hold` changes, and each change keeps the stage `hold`.
        #[test]
        fn at_most_one_change_per_hold(
            hold_ms in 100u64..5000,
            steps in proptest::collection::vec((0u64..3000, 0u64..6, any::<bool>()), 1..200),
        ) {
            let hold = Duration::from_millis(hold_ms);
            let mut s = ActiveSpeakerTracker::new(hold);
            let mut now = 0;
            let mut changes = Vec::new();
            for (dt, who, fire) in steps {
                // Timers fire on time when due before the next event.
                if let Some(at) = s.poll_timeout() {
                    if at <= t(now + dt) && s.handle_timeout(at) {
                        changes.push(at);
                    }
                }
                now += dt;
                if fire {
                    if s.handle_timeout(t(now)) { changes.push(t(now)); }
                } else if s.observe(t(now), UserId(who)) {
                    changes.push(t(now));
                }
                prop_assert_eq!(s.current(), s.recent().first().copied());
                prop_assert!(s.recent().len() <= ActiveSpeakerTracker::HISTORY);
            }
            for w in changes.windows(2) {
                prop_assert!(w[1] - w[0] >= hold, "changes at {} and {}", w[0], w[1]);
            }
        }
    }
}
