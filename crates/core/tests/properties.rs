//! Random interleavings of user intents, SDK events, command results, timers
//! and browser signals. Whatever happens: the state is one in the table and
//! every transition is too (checked by the harness on every event), at most
//! one join or rejoin is in flight, the machine's pending commands are exactly
//! the driver's open ones (each answered or cancelled, never lost), after
//! left/ended/failed nothing is in flight and no timer is armed, attempts never
//! exceed the policy, and a final leave always ends quietly.
#![cfg(not(target_arch = "wasm32"))]

mod common;
use std::collections::BTreeSet;
use std::time::Duration;

use common::*;
use proptest::prelude::*;
use zoomkit_core::sdk::{
    ActiveMediaFailed, AudioChangeAction, AudioChangeSource, ConnectionReason, ConnectionState,
    CurrentAudioChange, DevicePermissionChange, MediaType, ParticipantProperties, PermissionName,
    PermissionState, VideoCapturingChange, VideoCapturingState,
};
use zoomkit_core::{
    ActiveMediaFailedCode, BrowserSignal, CommandOutput, DeviceKind, Input, JoinOptions,
    MediaIntent, Op, SdkEvent, State, StateName, UserId,
};

const POLICY: &[u64] = &[0, 500, 2_000, 5_000];

#[derive(Debug, Clone)]
enum Step {
    Join,
    Leave(bool),
    Resume(bool),
    Media(u8),
    Select(u8, u8),
    Refresh,
    Conn(u8, u8),
    Users(u8, u8, bool),
    Audio(u8, u8),
    Capture(u8),
    DeviceChange,
    Permission(bool, u8),
    MediaFailed(u8),
    Speaking,
    Answer(u8, bool, u8),
    AnswerCancelled(u8),
    Advance(u32),
    Fire,
    Browser(u8),
    CaptureQuality(u8),
    AudioOnly(bool),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        2 => Just(Step::Join),
        1 => any::<bool>().prop_map(Step::Leave),
        1 => any::<bool>().prop_map(Step::Resume),
        3 => (0u8..8).prop_map(Step::Media),
        1 => (0u8..3, 0u8..3).prop_map(|(k, d)| Step::Select(k, d)),
        1 => Just(Step::Refresh),
        4 => (0u8..8, 0u8..6).prop_map(|(s, c)| Step::Conn(s, c)),
        2 => (0u8..3, 1u8..5, any::<bool>()).prop_map(|(a, u, f)| Step::Users(a, u, f)),
        2 => (0u8..4, 0u8..8).prop_map(|(a, s)| Step::Audio(a, s)),
        1 => (0u8..3).prop_map(Step::Capture),
        1 => Just(Step::DeviceChange),
        1 => (any::<bool>(), 0u8..3).prop_map(|(c, s)| Step::Permission(c, s)),
        1 => (0u8..15).prop_map(Step::MediaFailed),
        1 => Just(Step::Speaking),
        10 => (any::<u8>(), any::<bool>(), 0u8..10).prop_map(|(i, ok, e)| Step::Answer(i, ok, e)),
        1 => any::<u8>().prop_map(Step::AnswerCancelled),
        3 => (0u32..40_000).prop_map(Step::Advance),
        3 => Just(Step::Fire),
        2 => (0u8..6).prop_map(Step::Browser),
        1 => (0u8..5).prop_map(Step::CaptureQuality),
        1 => any::<bool>().prop_map(Step::AudioOnly),
    ]
}

const CODES: [i64; 10] = [1, 2, 3, 200, 3004, 3009, 4004, 5003, 5012, 6100];

fn apply(h: &mut Harness, step: &Step) {
    let r = match step {
        Step::Join => h.input(Input::Join(JoinOptions::new("standup", "Ada"))),
        Step::Leave(end) => {
            // Clicked twice: the second must not make a second SDK call.
            let first = h.input(Input::Leave { end: *end });
            let _ = h.input(Input::Leave { end: *end });
            first
        }
        Step::Resume(fresh) => {
            let stored = fresh.then(|| {
                format!(
                    r#"{{"v":1,"topic":"standup","userName":"Ada","hasPassword":false,"audio":true,"muted":false,"video":true,"savedAt":{0},"expiresAt":{1}}}"#,
                    h.now.as_millis(),
                    h.now.as_millis() + 60_000
                )
            });
            h.input(Input::Resume {
                stored,
                password: None,
            })
        }
        Step::Media(i) => {
            let intents = [
                MediaIntent::StartAudio,
                MediaIntent::StopAudio,
                MediaIntent::Mute,
                MediaIntent::Unmute,
                MediaIntent::StartVideo,
                MediaIntent::StopVideo,
                MediaIntent::StartShare,
                MediaIntent::StopShare,
            ];
            h.input(Input::Media(intents[*i as usize]))
        }
        Step::Select(k, d) => {
            let kind = DeviceKind::ALL[*k as usize];
            let list = devices();
            let id = list
                .of(kind)
                .get(*d as usize)
                .map(|d| d.device_id.clone())
                .unwrap_or_else(|| "nope".into());
            h.input(Input::SelectDevice {
                kind,
                device_id: id,
            })
        }
        Step::Refresh => h.input(Input::RefreshDevices),
        Step::Conn(s, c) => {
            let code = [
                None,
                Some(1),
                Some(4004),
                Some(3009),
                Some(3010),
                Some(9999),
            ][*c as usize];
            let input = match s {
                0 | 1 => conn(
                    ConnectionState::Reconnecting,
                    Some(ConnectionReason::Failover),
                    None,
                ),
                2 | 3 => conn(ConnectionState::Connected, None, None),
                4 => conn(ConnectionState::Closed, None, None),
                5 => conn(
                    ConnectionState::Closed,
                    Some(ConnectionReason::EndedByHost),
                    None,
                ),
                6 => conn(
                    ConnectionState::Closed,
                    Some(ConnectionReason::KickedByHost),
                    None,
                ),
                _ => conn(ConnectionState::Fail, None, code),
            };
            h.input(input)
        }
        Step::Users(a, u, failover) => {
            let p = ParticipantProperties {
                is_in_failover: Some(*failover),
                user_key: Some(format!("k{}", u % 2)),
                ..user(u64::from(*u), "U")
            };
            let ev = match a {
                0 => SdkEvent::UserAdded(vec![p]),
                1 => SdkEvent::UserUpdated(vec![p]),
                _ => SdkEvent::UserRemoved(vec![p]),
            };
            h.input(Input::Sdk(ev))
        }
        Step::Audio(a, s) => {
            let action = [
                AudioChangeAction::Join,
                AudioChangeAction::Leave,
                AudioChangeAction::Muted,
                AudioChangeAction::Unmuted,
            ][*a as usize];
            let source = [
                None,
                Some(AudioChangeSource::Active),
                Some(AudioChangeSource::PassiveByMuteOne),
                Some(AudioChangeSource::PassiveByMuteAll),
                Some(AudioChangeSource::Failover),
                Some(AudioChangeSource::EndedBySystem),
                Some(AudioChangeSource::Pstn),
                Some(AudioChangeSource::MicrophoneError),
            ][*s as usize]
                .clone();
            h.input(Input::Sdk(SdkEvent::CurrentAudioChange(
                CurrentAudioChange {
                    action,
                    kind: None,
                    source,
                },
            )))
        }
        Step::Capture(s) => {
            let state = [
                VideoCapturingState::Started,
                VideoCapturingState::Stopped,
                VideoCapturingState::Failed,
            ][*s as usize];
            h.input(Input::Sdk(SdkEvent::VideoCapturingChange(
                VideoCapturingChange { state },
            )))
        }
        Step::DeviceChange => h.input(Input::Sdk(SdkEvent::DeviceChange)),
        Step::Permission(camera, s) => {
            let name = if *camera {
                PermissionName::Camera
            } else {
                PermissionName::Microphone
            };
            let state = [
                PermissionState::Denied,
                PermissionState::Granted,
                PermissionState::Prompt,
            ][*s as usize];
            h.input(Input::Sdk(SdkEvent::DevicePermissionChange(
                DevicePermissionChange { name, state },
            )))
        }
        Step::MediaFailed(i) => {
            let (_, _, code) = ActiveMediaFailedCode::all().nth(*i as usize).unwrap();
            h.input(Input::Sdk(SdkEvent::ActiveMediaFailed(ActiveMediaFailed {
                code,
                message: String::new(),
                kind: MediaType::Video,
            })))
        }
        Step::Speaking => h.input(Input::Sdk(SdkEvent::SpeakingWhileMuted)),
        Step::Answer(i, ok, e) => {
            if h.open.is_empty() {
                return;
            }
            let c = h.open[*i as usize % h.open.len()].clone();
            let result = if *ok {
                Ok(match &c.op {
                    Op::FetchToken { .. } => CommandOutput::Token(token_at(h.now)),
                    Op::Join { .. } => CommandOutput::Joined {
                        user_id: Some(UserId(1)),
                    },
                    Op::ListDevices => CommandOutput::Devices(devices()),
                    _ => CommandOutput::Unit,
                })
            } else {
                Err(zerr(CODES[*e as usize], "random failure"))
            };
            h.open.retain(|o| o.id != c.id);
            h.input(Input::Done { id: c.id, result })
        }
        Step::AnswerCancelled(i) => {
            if h.cancelled.is_empty() {
                return;
            }
            let id = h.cancelled[*i as usize % h.cancelled.len()];
            // A late answer to a cancelled command is ignored (or, if it was
            // already answered once, refused as unknown): never a panic.
            let _ = h.s.handle(
                h.now,
                Input::Done {
                    id,
                    result: Ok(CommandOutput::Unit),
                },
            );
            h.drain();
            Ok(())
        }
        Step::Advance(ms) => {
            h.advance(Duration::from_millis(u64::from(*ms)));
            Ok(())
        }
        Step::Fire => {
            if h.timeout.is_some() {
                h.fire_next_timer();
            }
            Ok(())
        }
        Step::Browser(i) => h.input(Input::Browser(
            [
                BrowserSignal::Online,
                BrowserSignal::Offline,
                BrowserSignal::Hidden,
                BrowserSignal::Visible,
                BrowserSignal::PageHide,
                BrowserSignal::PageShow,
            ][*i as usize],
        )),
        Step::AudioOnly(on) => h.input(Input::AudioOnly(*on)),
        Step::CaptureQuality(q) => h.input(Input::CaptureQuality(
            zoomkit_core::VideoQuality::from_number(*q).expect("0..5"),
        )),
    };
    // Misuse is a typed error, never a panic; either way the machine must hold.
    let _ = r;
}

fn check(h: &Harness, quiet_since_terminal: &mut Option<usize>, rejoin_joins: &mut usize) {
    // The driver's open commands are exactly the machine's pending ones.
    let machine: BTreeSet<_> = h.s.pending_commands().map(|(id, _)| id).collect();
    let driver: BTreeSet<_> = h.open.iter().map(|c| c.id).collect();
    assert_eq!(machine, driver, "pending commands diverged");

    // At most one join or rejoin in flight.
    let joins = h
        .open
        .iter()
        .filter(|c| matches!(c.op, Op::Join { .. }))
        .count();
    let fetches = h
        .open
        .iter()
        .filter(|c| matches!(c.op, Op::FetchToken { .. }))
        .count();
    assert!(
        joins + fetches <= 1,
        "two joins in flight: {:?}",
        h.open_ops()
    );
    assert!(
        h.open
            .iter()
            .filter(|c| matches!(c.op, Op::Leave { .. }))
            .count()
            <= 1
    );

    let name = h.state();
    assert!(StateName::ALL.contains(&name));
    if name.is_terminal() {
        // Nothing in flight but device listing the app asked for; no timer.
        assert!(
            h.open.iter().all(|c| matches!(c.op, Op::ListDevices)),
            "{name} with {:?} open",
            h.open_ops()
        );
        assert_eq!(h.s.poll_timeout(), None, "{name} with a timer armed");
        let since = *quiet_since_terminal.get_or_insert(h.issued.len());
        assert!(h.issued[since..]
            .iter()
            .all(|c| matches!(c.op, Op::ListDevices)));
    } else {
        *quiet_since_terminal = None;
    }

    match h.s.state() {
        State::Rejoining { attempt, .. } => {
            assert!(
                *attempt as usize <= POLICY.len(),
                "attempt {attempt} beyond the policy"
            );
        }
        State::Connected { .. } | State::Idle => *rejoin_joins = 0,
        _ => {}
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn invariants_hold_under_random_interleavings(steps in prop::collection::vec(step(), 1..80)) {
        let mut h = Harness::with_policy(Default::default(), table(POLICY));
        let mut quiet = None;
        let mut rejoin_joins = 0;
        let mut joins_seen = 0;
        for s in &steps {
            // A join, a resume, or a return from the page cache may start again.
            if matches!(s, Step::Join | Step::Resume(_) | Step::Browser(5)) {
                quiet = None;
            }
            apply(&mut h, s);
            check(&h, &mut quiet, &mut rejoin_joins);
            // Attempts per rejoin episode never exceed the policy.
            let joins_now = h.count_issued("join") + h.count_issued("fetchToken");
            if h.state() == StateName::Rejoining {
                rejoin_joins += joins_now - joins_seen;
                prop_assert!(rejoin_joins <= POLICY.len() * 2, "{rejoin_joins} join steps in one rejoin");
            }
            joins_seen = joins_now;
        }

        // Whatever happened, leaving ends quietly.
        for _ in 0..50 {
            let _ = h.input(Input::Leave { end: false });
            while let Some(c) = h.open.front().cloned() {
                let out = match c.op {
                    Op::ListDevices => CommandOutput::Devices(devices()),
                    Op::FetchToken { .. } => CommandOutput::Token(token_at(h.now)),
                    _ => CommandOutput::Unit,
                };
                h.answer(c.id, Ok(out));
            }
            if h.state().is_terminal() || h.state() == StateName::Idle {
                break;
            }
            if h.timeout.is_some() {
                h.fire_next_timer();
            }
        }
        prop_assert!(h.state().is_terminal() || h.state() == StateName::Idle, "stuck in {}", h.state());
        h.assert_quiet();
    }
}

/// The generator must reach every state, or the properties above prove little.
#[test]
fn random_runs_visit_every_state() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let mut seen = BTreeSet::new();
    for _ in 0..400 {
        let steps = prop::collection::vec(step(), 1..80)
            .new_tree(&mut runner)
            .unwrap()
            .current();
        let mut h = Harness::with_policy(Default::default(), table(POLICY));
        for s in &steps {
            apply(&mut h, s);
            seen.insert(h.state());
        }
    }
    for s in StateName::ALL {
        assert!(seen.contains(&s), "no random run reached {s}: {seen:?}");
    }
}
