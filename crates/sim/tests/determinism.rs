//! Property tests over random scripts and random client calls: the same
//! seed and script give the same outputs, and every run keeps the SDK's
//! invariants.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::*;
use proptest::prelude::*;
use zoomkit_sim::payload::{AudioOption, CaptureVideoOption};
use zoomkit_sim::{OpId, Output, Script, Sim};

#[derive(Debug, Clone, Copy)]
enum Call {
    Join,
    Leave,
    StartAudio,
    Mute,
    Unmute,
    StopAudio,
    StartVideo,
    StopVideo,
    StartShare,
    StopShare,
}

fn call() -> impl Strategy<Value = Call> {
    prop_oneof![
        Just(Call::Join),
        Just(Call::Leave),
        Just(Call::StartAudio),
        Just(Call::Mute),
        Just(Call::Unmute),
        Just(Call::StopAudio),
        Just(Call::StartVideo),
        Just(Call::StopVideo),
        Just(Call::StartShare),
        Just(Call::StopShare),
    ]
}

struct Run {
    outputs: Vec<Output>,
    issued: Vec<OpId>,
    tracks_outside_session: Vec<(u64, usize)>,
}

fn run(seed: u64, script: &Script, calls: &[(u64, Call)]) -> Run {
    let mut sim = Sim::new(config(seed));
    sim.load(script);
    let mut issued = vec![sim.client().init("en-US", "Global")];
    let mut outputs = Vec::new();
    let mut tracks_outside_session = Vec::new();
    let tok = token("room", 1);
    for &(at, c) in calls {
        sim.run_until(at);
        outputs.extend(std::iter::from_fn(|| sim.poll_output()));
        // A leave in progress still holds its tracks until it resolves.
        if !sim.in_session() && sim.pending_ops() == 0 && sim.active_track_count() != 0 {
            tracks_outside_session.push((sim.now(), sim.active_track_count()));
        }
        let mut cl = sim.client();
        issued.push(match c {
            Call::Join => cl.join("room", &tok, "Me", None),
            Call::Leave => cl.leave(false),
            Call::StartAudio => cl.start_audio(AudioOption::default()),
            Call::Mute => cl.mute_audio(None),
            Call::Unmute => cl.unmute_audio(None),
            Call::StopAudio => cl.stop_audio(),
            Call::StartVideo => cl.start_video(CaptureVideoOption::default()),
            Call::StopVideo => cl.stop_video(),
            Call::StartShare => cl.start_share_screen(),
            Call::StopShare => cl.stop_share_screen(),
        });
    }
    // Long enough for every failover, drop and ramp to finish.
    sim.advance(400_000);
    outputs.extend(std::iter::from_fn(|| sim.poll_output()));
    if !sim.in_session() && sim.pending_ops() == 0 && sim.active_track_count() != 0 {
        tracks_outside_session.push((sim.now(), sim.active_track_count()));
    }
    Run {
        outputs,
        issued,
        tracks_outside_session,
    }
}

fn scenario() -> impl Strategy<Value = (u64, u64, usize, Vec<(u64, Call)>)> {
    (
        any::<u64>(),
        any::<u64>(),
        0usize..40,
        prop::collection::vec((0u64..60_000, call()), 0..40).prop_map(|mut v| {
            v.sort_by_key(|(at, _)| *at);
            v
        }),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn the_same_seed_and_script_give_identical_outputs((seed, script_seed, n, calls) in scenario()) {
        let script = Script::random(script_seed, 60_000, n);
        let a = run(seed, &script, &calls);
        let b = run(seed, &script, &calls);
        prop_assert_eq!(&a.outputs, &b.outputs);
        prop_assert_eq!(&a.issued, &b.issued);
    }

    #[test]
    fn every_run_keeps_the_sdks_invariants((seed, script_seed, n, calls) in scenario()) {
        let script = Script::random(script_seed, 60_000, n);
        let r = run(seed, &script, &calls);

        // Every call settles exactly once.
        let mut settled: BTreeMap<OpId, usize> = BTreeMap::new();
        for o in &r.outputs {
            if let Output::Done { op, .. } = o {
                *settled.entry(*op).or_default() += 1;
            }
        }
        for op in &r.issued {
            prop_assert_eq!(settled.get(op), Some(&1), "{:?} settled {:?} times", op, settled.get(op));
        }

        // Time never goes backwards.
        let times: Vec<u64> = r.outputs.iter().map(|o| match o {
            Output::Event(e) => e.at,
            Output::Done { at, .. } => *at,
        }).collect();
        prop_assert!(times.windows(2).all(|w| w[0] <= w[1]));

        // Participant events only about participants the client was told of,
        // and session events only while connected.
        let mut known: BTreeSet<u64> = BTreeSet::new();
        let mut connected = false;
        let mut last_state = String::new();
        for o in &r.outputs {
            let Output::Event(e) = o else { continue };
            let ids = || e.payload.as_array().into_iter().flatten()
                .filter_map(|p| p["userId"].as_u64()).collect::<Vec<_>>();
            match e.name {
                "connection-change" => {
                    let s = e.payload["state"].as_str().unwrap_or_default().to_owned();
                    match s.as_str() {
                        "Connected" => prop_assert!(last_state != "Connected", "Connected twice"),
                        "Reconnecting" => prop_assert_eq!(last_state.as_str(), "Connected"),
                        _ => known.clear(),
                    }
                    connected = s == "Connected";
                    last_state = s;
                }
                "user-added" => {
                    prop_assert!(connected);
                    for id in ids() { prop_assert!(known.insert(id), "{} added twice", id); }
                }
                "user-updated" => {
                    prop_assert!(connected);
                    for id in ids() { prop_assert!(known.contains(&id), "update of unknown {}", id); }
                }
                "user-removed" => {
                    prop_assert!(connected);
                    for id in ids() { prop_assert!(known.remove(&id), "removal of unknown {}", id); }
                }
                "active-speaker" | "network-quality-change" | "peer-video-state-change"
                | "active-share-change" | "peer-share-state-change" => prop_assert!(connected, "{} while not connected", e.name),
                _ => {}
            }
        }
        // A reconnect always ends (the run is long enough).
        prop_assert!(last_state != "Reconnecting");

        // No media track outlives the session.
        prop_assert!(r.tracks_outside_session.is_empty(), "{:?}", r.tracks_outside_session);
    }
}

#[test]
fn another_seed_changes_the_timing() {
    let script = Script::random(1, 60_000, 30);
    let calls = [(0, Call::Join), (5_000, Call::StartVideo)];
    let a = run(1, &script, &calls);
    let b = run(2, &script, &calls);
    assert_ne!(a.outputs, b.outputs);
}
