//! Shared harness for the simulator's scenario tests.
#![allow(dead_code, missing_docs)]

use serde_json::{json, Value};
use zoomkit_sim::{token, OpId, Sim, SimConfig, SimEvent};

/// Virtual time 0 of the default config, in seconds since the epoch.
pub fn epoch_s() -> i64 {
    (SimConfig::default().epoch_ms / 1000) as i64
}

/// A valid unsigned token for `topic` issued at the sim's epoch, good for 2 h.
pub fn token(topic: &str, role: i64) -> String {
    token_with(topic, role, epoch_s() - 30, epoch_s() + 7200)
}

pub fn token_with(topic: &str, role: i64, iat: i64, exp: i64) -> String {
    token::unsigned_token(&claims(topic, role, iat, exp))
}

pub fn claims(topic: &str, role: i64, iat: i64, exp: i64) -> Value {
    json!({"app_key": "KEY", "role_type": role, "tpc": topic, "version": 1,
           "iat": iat, "exp": exp, "user_key": "user-1"})
}

pub fn config(seed: u64) -> SimConfig {
    SimConfig {
        seed,
        ..SimConfig::default()
    }
}

/// Runs `op` to completion and asserts it resolved.
#[track_caller]
pub fn ok(sim: &mut Sim, op: OpId) {
    match sim.settle(op) {
        Some(Ok(())) => {}
        other => panic!("expected the call to resolve, got {other:?}"),
    }
}

/// Runs `op` to completion and returns its rejection's `(errorCode, reason)`.
#[track_caller]
pub fn rejected(sim: &mut Sim, op: OpId) -> (i64, String) {
    match sim.settle(op) {
        Some(Err(f)) => (f.error_code, f.reason),
        other => panic!("expected the call to reject, got {other:?}"),
    }
}

/// A sim with the client initialised and joined to `room` (as host when
/// `host`), events so far drained.
pub fn joined_with(config: SimConfig, host: bool) -> Sim {
    let mut sim = Sim::new(config);
    let op = sim.client().init("en-US", "Global");
    ok(&mut sim, op);
    let t = token("room", i64::from(host));
    let op = sim.client().join("room", &t, "Me", None);
    ok(&mut sim, op);
    sim.drain_events();
    sim
}

pub fn joined(seed: u64) -> Sim {
    joined_with(config(seed), true)
}

pub fn names(events: &[SimEvent]) -> Vec<&'static str> {
    events.iter().map(|e| e.name).collect()
}

/// The payloads of every event called `name`.
pub fn payloads(events: &[SimEvent], name: &str) -> Vec<Value> {
    events
        .iter()
        .filter(|e| e.name == name)
        .map(|e| e.payload.clone())
        .collect()
}

pub fn my_id(sim: &mut Sim) -> u32 {
    sim.client()
        .get_current_user_info()
        .expect("joined")
        .user_id
}
