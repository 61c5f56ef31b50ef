//! Joining a session: the happy path and each way `join` is refused.

mod common;

use common::*;
use serde_json::json;
use zoomkit_sim::payload::ConnectionState;
use zoomkit_sim::{Fault, ParticipantSpec, Sim, SimConfig};

#[test]
fn a_join_resolves_after_the_latency_with_connected_then_user_added() {
    let mut cfg = config(1);
    cfg.participants = vec![ParticipantSpec {
        name: "Ann".into(),
        host: true,
        video: true,
        audio: true,
    }];
    let mut sim = Sim::new(cfg);
    let init = sim.client().init("en-US", "Global");
    ok(&mut sim, init);
    let started = sim.now();
    let t = token("Room", 0);
    let join = sim.client().join("room", &t, "Me", None);
    // Nothing happens until the clock runs.
    assert!(sim.result(join).is_none());
    assert_eq!(sim.pending_ops(), 1);
    ok(&mut sim, join);
    let took = sim.now() - started;
    let lat = sim.config().latency.join;
    assert!((lat.min..=lat.max).contains(&took), "join took {took} ms");

    let events = sim.drain_events();
    assert_eq!(names(&events), ["connection-change", "user-added"]);
    assert_eq!(events[0].payload, json!({"state": "Connected"}));
    let added = events[1].payload.as_array().unwrap();
    assert_eq!(added.len(), 2);
    assert_eq!(added[0]["displayName"], "Ann");
    assert_eq!(added[0]["bVideoOn"], true);
    assert_eq!(added[0]["audio"], "computer");
    assert_eq!(added[0]["isAllowIndividualRecording"], false);
    assert_eq!(added[1]["displayName"], "Me");
    assert_eq!(added[1]["userIdentity"], "user-1");
    assert_eq!(added[1]["isHost"], false);

    let c = sim.client();
    let all = c.get_all_user();
    assert_eq!(all.len(), 2);
    let me = c.get_current_user_info().unwrap();
    assert_eq!(me.user_key.as_deref(), Some("user-1"));
    let info = c.get_session_info();
    assert_eq!((info.topic.as_str(), info.is_in_meeting), ("room", true));
    assert_eq!(info.user_id, me.user_id);
    assert_eq!(sim.connection_state(), Some(ConnectionState::Connected));
}

#[test]
fn join_before_init_is_closed_5002() {
    let mut sim = Sim::new(config(2));
    let t = token("room", 1);
    let op = sim.client().join("room", &t, "Me", None);
    assert_eq!(rejected(&mut sim, op), (5002, "closed".into()));
}

#[test]
fn a_second_join_is_a_duplicated_operation_5012() {
    let mut sim = joined(3);
    let t = token("room", 1);
    let op = sim.client().join("room", &t, "Me", None);
    assert_eq!(rejected(&mut sim, op).0, 5012);
}

#[test]
fn bad_join_parameters_are_5013_with_zooms_reasons() {
    let mut sim = Sim::new(config(4));
    let op = sim.client().init("en-US", "Global");
    ok(&mut sim, op);
    let t = token("room", 1);
    let long = "x".repeat(201);
    for (topic, tok, name, pw, reason) in [
        (
            "",
            t.as_str(),
            "Me",
            None,
            "Topic, token and userName must be string and required",
        ),
        (
            long.as_str(),
            t.as_str(),
            "Me",
            None,
            "The maximum length of topic is 200",
        ),
        (
            "room",
            t.as_str(),
            long.as_str(),
            None,
            "The maximum length of username is 200",
        ),
        (
            "room",
            t.as_str(),
            "Me",
            Some("12345678901"),
            "The maximum length of password is 10",
        ),
        ("room", "not-a-jwt", "Me", None, "invalid signature"),
    ] {
        let op = sim.client().join(topic, tok, name, pw);
        assert_eq!(rejected(&mut sim, op), (5013, reason.to_owned()));
    }
}

#[test]
fn an_expired_token_is_200_with_the_token_reason() {
    let mut sim = Sim::new(config(5));
    let op = sim.client().init("en-US", "Global");
    ok(&mut sim, op);
    let t = token_with("room", 1, epoch_s() - 7200, epoch_s() - 1);
    let op = sim.client().join("room", &t, "Me", None);
    assert_eq!(
        rejected(&mut sim, op),
        (200, zoomkit_sim::failure::TOKEN_EXPIRED_REASON.into())
    );
    // A join that fails leaves the client ready to try again.
    let op = sim.client().join("room", &token("room", 1), "Me", None);
    ok(&mut sim, op);
}

#[test]
fn a_token_for_another_topic_fails_verification() {
    let mut sim = Sim::new(config(6));
    let op = sim.client().init("en-US", "Global");
    ok(&mut sim, op);
    let op = sim
        .client()
        .join("room", &token("other room", 1), "Me", None);
    assert_eq!(rejected(&mut sim, op), (200, "Verify JWT failed".into()));
}

#[test]
fn with_a_secret_only_signed_tokens_pass() {
    let mut cfg = config(7);
    cfg.sdk_secret = Some("s3cret".into());
    let mut sim = Sim::new(cfg);
    let op = sim.client().init("en-US", "Global");
    ok(&mut sim, op);
    let op = sim.client().join("room", &token("room", 1), "Me", None);
    assert_eq!(rejected(&mut sim, op), (200, "Verify JWT failed".into()));
    let signed = zoomkit_sim::token::signed_token(
        &claims("room", 1, epoch_s(), epoch_s() + 3600),
        b"s3cret",
    );
    let op = sim.client().join("room", &signed, "Me", None);
    ok(&mut sim, op);
}

#[test]
fn the_session_password_must_match_3004() {
    let cfg = SimConfig {
        session_password: Some("pw".into()),
        ..config(8)
    };
    let mut sim = Sim::new(cfg);
    let op = sim.client().init("en-US", "Global");
    ok(&mut sim, op);
    let op = sim
        .client()
        .join("room", &token("room", 0), "Me", Some("nope"));
    assert_eq!(rejected(&mut sim, op), (3004, "invalid password".into()));
    let op = sim
        .client()
        .join("room", &token("room", 0), "Me", Some("pw"));
    ok(&mut sim, op);
    assert_eq!(sim.client().get_session_info().password, "pw");
}

#[test]
fn joining_while_the_network_is_down_is_200_connection_error() {
    let mut sim = Sim::new(config(9));
    let op = sim.client().init("en-US", "Global");
    ok(&mut sim, op);
    sim.inject(Fault::DropConnection { ms: 60_000 }).unwrap();
    let op = sim.client().join("room", &token("room", 1), "Me", None);
    assert_eq!(rejected(&mut sim, op), (200, "connection error".into()));
    sim.advance(60_000);
    let op = sim.client().join("room", &token("room", 1), "Me", None);
    ok(&mut sim, op);
}

#[test]
fn init_fails_when_assets_are_unreachable_or_the_platform_unsupported() {
    let mut sim = Sim::new(SimConfig {
        assets_reachable: false,
        ..config(10)
    });
    let op = sim.client().init("en-US", "http://localhost/lib");
    assert_eq!(rejected(&mut sim, op).0, 5001);
    let mut cfg = config(10);
    cfg.compatibility.audio = false;
    cfg.compatibility.video = false;
    let mut sim = Sim::new(cfg);
    assert!(!sim.client().check_system_requirements().audio);
    let op = sim.client().init("en-US", "Global");
    assert_eq!(rejected(&mut sim, op).0, 5000);
}

#[test]
fn leave_closes_and_leaves_the_client_ready_to_join_again() {
    let mut sim = joined(11);
    let op = sim.client().leave(false);
    ok(&mut sim, op);
    let events = sim.drain_events();
    assert_eq!(names(&events), ["connection-change"]);
    assert_eq!(events[0].payload, json!({"state": "Closed"}));
    assert!(sim.client().get_all_user().is_empty());
    assert!(!sim.client().get_session_info().is_in_meeting);
    let op = sim.client().leave(false);
    assert_eq!(rejected(&mut sim, op).0, 5002);
    let op = sim.client().join("room", &token("room", 1), "Me", None);
    ok(&mut sim, op);
}

#[test]
fn leave_during_join_cancels_the_join_with_code_3() {
    let mut sim = Sim::new(config(12));
    let op = sim.client().init("en-US", "Global");
    ok(&mut sim, op);
    let join = sim.client().join("room", &token("room", 1), "Me", None);
    let leave = sim.client().leave(false);
    assert_eq!(rejected(&mut sim, join), (3, "operation cancelled".into()));
    ok(&mut sim, leave);
    // There was no session, so nothing is closed.
    assert!(sim.drain_events().is_empty());
}

#[test]
fn a_config_with_an_unknown_field_is_refused() {
    let e = serde_json::from_value::<SimConfig>(json!({"seed": 1, "sedd": 2})).unwrap_err();
    assert!(e.to_string().contains("unknown field `sedd`"), "{e}");
    let c: SimConfig = serde_json::from_value(json!({
        "seed": 3, "latency": {"join": {"min": 1, "max": 2}},
        "participants": [{"name": "Ann", "video": true}],
        "devices": [{"kind": "camera", "label": "Cam"}],
        "cameraPermission": "denied"
    }))
    .unwrap();
    assert_eq!(c.latency.join.max, 2);
    assert_eq!(c.participants[0].name, "Ann");
    assert_eq!(c.devices.len(), 1);
}

#[test]
fn ending_the_session_needs_the_host() {
    let mut sim = joined_with(config(13), false);
    let op = sim.client().leave(true);
    assert_eq!(rejected(&mut sim, op).0, 5007);
    let mut sim = joined_with(config(13), true);
    let op = sim.client().leave(true);
    ok(&mut sim, op);
}
