//! Connection faults: failover, network drops, Fail, Closed with each
//! reason, token expiry.

mod common;

use common::*;
use serde_json::json;
use zoomkit_sim::payload::{AudioOption, ClosedReason};
use zoomkit_sim::{Action, Fault, Script, Sim, SimError};

#[test]
fn failover_is_reconnecting_then_connected_and_audio_rejoins() {
    let mut sim = joined(20);
    let op = sim.client().start_audio(AudioOption::default());
    ok(&mut sim, op);
    sim.drain_events();
    let at = sim.now();
    sim.inject(Fault::Failover { ms: 4_000 }).unwrap();
    sim.advance(0);
    let during = sim.drain_events();
    assert_eq!(
        during[0].payload,
        json!({"state": "Reconnecting", "reason": "failover"})
    );
    assert_eq!(
        during[1].payload,
        json!({"action": "leave", "source": "failover"})
    );
    // Calls during failover are refused with 5003.
    let op = sim.client().start_video(Default::default());
    assert_eq!(rejected(&mut sim, op), (5003, "reconnecting".into()));
    sim.run_until(at + 4_000);
    let after = sim.drain_events();
    assert_eq!(names(&after), ["connection-change", "current-audio-change"]);
    assert_eq!(after[0].payload, json!({"state": "Connected"}));
    assert_eq!(after[0].at, at + 4_000);
    assert_eq!(
        after[1].payload,
        json!({"action": "join", "type": "computer"})
    );
    assert_eq!(sim.active_track_count(), 1);
}

#[test]
fn a_call_pending_when_failover_starts_is_cancelled_with_code_3() {
    let mut sim = joined(21);
    let op = sim.client().start_video(Default::default());
    sim.inject(Fault::Failover { ms: 1_000 }).unwrap();
    assert_eq!(rejected(&mut sim, op), (3, "operation cancelled".into()));
    assert_eq!(sim.active_track_count(), 0);
}

#[test]
fn what_happened_during_failover_arrives_as_one_diff_after_it() {
    let mut sim = joined(22);
    let ids = sim.act(Action::AddParticipants { n: 2 }).unwrap();
    sim.drain_events();
    let at = sim.now();
    sim.load(
        &Script::new()
            .at(at, Fault::Failover { ms: 5_000 })
            .at(
                at + 1_000,
                Action::AddParticipant {
                    name: "Late".into(),
                    host: false,
                    video: false,
                    audio: false,
                },
            )
            .at(at + 2_000, Action::RemoveParticipant { who: ids[0].into() })
            .at(
                at + 3_000,
                Action::SetVideo {
                    who: ids[1].into(),
                    on: true,
                },
            ),
    );
    sim.run_until(at + 4_999);
    // Nothing about participants reaches a reconnecting client.
    assert_eq!(names(&sim.drain_events()), ["connection-change"]);
    sim.run_until(at + 5_000);
    let ev = sim.drain_events();
    assert_eq!(
        names(&ev),
        [
            "connection-change",
            "user-added",
            "user-removed",
            "user-updated"
        ]
    );
    assert_eq!(ev[1].payload[0]["displayName"], "Late");
    assert_eq!(ev[2].payload[0]["userId"], ids[0]);
    assert_eq!(ev[3].payload[0]["userId"], ids[1]);
    assert_eq!(ev[3].payload[0]["bVideoOn"], true);
    assert!(sim.step_errors().is_empty());
}

#[test]
fn a_short_drop_reconnects_and_a_long_one_fails_at_the_give_up_time() {
    let mut sim = joined(23);
    let at = sim.now();
    sim.inject(Fault::DropConnection { ms: 10_000 }).unwrap();
    sim.run_until(at + 10_000);
    let ev = payloads(&sim.drain_events(), "connection-change");
    assert_eq!(
        ev,
        [
            json!({"state": "Reconnecting", "reason": "failover"}),
            json!({"state": "Connected"})
        ]
    );

    let mut sim = joined(23);
    let give_up = sim.config().reconnect_give_up_ms;
    let at = sim.now();
    sim.inject(Fault::DropConnection { ms: give_up * 2 })
        .unwrap();
    sim.run_until(at + give_up);
    let ev = sim.drain_events();
    assert_eq!(ev.last().unwrap().payload, json!({"state": "Fail"}));
    assert_eq!(ev.last().unwrap().at, at + give_up);
    assert!(!sim.in_session());
    // The network is still down: a rejoin fails until it is back.
    let op = sim.client().join("room", &token("room", 1), "Me", None);
    assert_eq!(rejected(&mut sim, op), (200, "connection error".into()));
}

#[test]
fn fail_ends_the_session_and_stops_media() {
    let mut sim = joined(24);
    let op = sim.client().start_video(Default::default());
    ok(&mut sim, op);
    assert_eq!(sim.active_track_count(), 1);
    sim.drain_events();
    sim.inject(Fault::Fail).unwrap();
    let ev = sim.drain_events();
    assert_eq!(names(&ev), ["connection-change"]);
    assert_eq!(ev[0].payload, json!({"state": "Fail"}));
    assert_eq!(sim.active_track_count(), 0);
    assert!(!sim.client().is_capturing_video());
    assert_eq!(sim.inject(Fault::Fail), Err(SimError::NotInSession("fail")));
}

#[test]
fn fail_during_join_rejects_the_join() {
    let mut sim = Sim::new(config(25));
    let op = sim.client().init("en-US", "Global");
    ok(&mut sim, op);
    let op = sim.client().join("room", &token("room", 1), "Me", None);
    sim.inject(Fault::Fail).unwrap();
    assert_eq!(rejected(&mut sim, op).0, 200);
    assert_eq!(
        payloads(&sim.drain_events(), "connection-change"),
        [json!({"state": "Fail"})]
    );
}

#[test]
fn closed_carries_each_closed_reason() {
    for (reason, text) in [
        (ClosedReason::KickedByHost, "kicked by host"),
        (ClosedReason::EndedByHost, "ended by host"),
        (ClosedReason::ExpeledByHost, "expeled by host"),
    ] {
        let mut sim = joined(26);
        sim.act(Action::AddParticipants { n: 1 }).unwrap();
        sim.drain_events();
        sim.inject(Fault::Close { reason }).unwrap();
        let ev = sim.drain_events();
        assert_eq!(names(&ev), ["connection-change"]);
        assert_eq!(ev[0].payload, json!({"state": "Closed", "reason": text}));
        assert!(!sim.in_session());

        let op = sim.client().join("room", &token("room", 1), "Me", None);
        match reason {
            // Expelled users cannot come back to the same session.
            ClosedReason::ExpeledByHost => assert_eq!(rejected(&mut sim, op).0, 3009),
            _ => ok(&mut sim, op),
        }
        if reason == ClosedReason::EndedByHost {
            // The ended session is gone; the rejoin starts a new one.
            assert_eq!(sim.client().get_all_user().len(), 1);
        }
    }
}

#[test]
fn an_expired_token_cannot_rejoin_but_a_fresh_one_can() {
    let mut sim = joined(27);
    sim.inject(Fault::ExpireToken).unwrap();
    // Expiry does not end a session already joined...
    assert!(sim.in_session());
    sim.inject(Fault::DropConnection { ms: 200_000 }).unwrap();
    sim.advance(200_000);
    assert!(!sim.in_session());
    // ...but the cached token no longer joins.
    let old = token("room", 1);
    let op = sim.client().join("room", &old, "Me", None);
    let (code, reason) = rejected(&mut sim, op);
    assert_eq!(code, 200);
    assert_eq!(reason, zoomkit_sim::failure::TOKEN_EXPIRED_REASON);
    let fresh = token_with("room", 1, epoch_s() + 1, epoch_s() + 3600);
    let op = sim.client().join("room", &fresh, "Me", None);
    ok(&mut sim, op);
}

#[test]
fn expire_token_before_any_join_expires_the_next_token() {
    let mut sim = Sim::new(config(28));
    sim.inject(Fault::ExpireToken).unwrap();
    let op = sim.client().init("en-US", "Global");
    ok(&mut sim, op);
    let op = sim.client().join("room", &token("room", 1), "Me", None);
    assert_eq!(rejected(&mut sim, op).0, 200);
}

#[test]
fn leave_during_failover_closes_without_reconnecting() {
    let mut sim = joined(29);
    sim.inject(Fault::Failover { ms: 10_000 }).unwrap();
    let op = sim.client().leave(false);
    ok(&mut sim, op);
    sim.advance(20_000);
    let states: Vec<_> = payloads(&sim.drain_events(), "connection-change")
        .into_iter()
        .map(|p| p["state"].clone())
        .collect();
    assert_eq!(states, [json!("Reconnecting"), json!("Closed")]);
}
