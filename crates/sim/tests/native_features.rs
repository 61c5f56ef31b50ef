//! Chat, host controls and cloud recording: `zoomkit-core`'s actions driven
//! against `zoomkit-sim` natively (the harness is `native/`), with the
//! simulator's other participants and host on the other side.
mod native;

use native::World;
use zoomkit_core::action::Action;
use zoomkit_core::chat::{ChatAction, ChatPrivilege, ChatTarget};
use zoomkit_core::host::{HostAction, SharePrivilege};
use zoomkit_core::recording::{RecordingAction, RecordingStatus};
use zoomkit_core::{CommandOutput, Event, Input, StateName, UserId};
use zoomkit_sim::{Action as SimAction, ParticipantSpec, SimConfig, Who};

/// Connected with Ann (audio on, unmuted) in the session; host or not.
fn connected(host: bool) -> (World, UserId) {
    let mut w = World::new(
        SimConfig {
            seed: 11,
            participants: vec![ParticipantSpec {
                name: "Ann".into(),
                audio: true,
                ..ParticipantSpec::default()
            }],
            ..SimConfig::default()
        },
        zoomkit_core::Config::default(),
    );
    w.host = host;
    w.join(false, false);
    w.run_until(10_000, "connected", |w| {
        w.state() == StateName::Connected && w.core.participants().count() == 2
    });
    let ann = w
        .core
        .participants()
        .find(|p| p.display_name == "Ann")
        .expect("Ann is there")
        .user_id;
    (w, ann)
}

fn leave(w: &mut World) {
    w.input(Input::Leave { end: false })
        .expect("leave accepted");
    w.run_until(10_000, "left", |w| w.state() == StateName::Left);
    w.assert_released();
}

fn chat(text: &str, to: ChatTarget) -> Action {
    Action::Chat(ChatAction::Send {
        text: text.into(),
        to,
    })
}

#[test]
fn chat_goes_out_and_comes_in_and_the_history_has_both() {
    let (mut w, ann) = connected(false);
    let id = w.act(chat("hello Ann", ChatTarget::User(ann))).unwrap();
    w.run_until(5_000, "sent", |w| w.settled.contains_key(&id));
    let Some(Ok(CommandOutput::ChatMessage(sent))) = w.settled.get(&id).cloned() else {
        panic!("send resolved with a ChatMessage: {:?}", w.settled.get(&id));
    };
    assert_eq!(sent.message.as_deref(), Some("hello Ann"));
    assert_eq!(sent.receiver.user_id, ann);
    w.sim_act(SimAction::SendChat {
        who: Who::Name("Ann".into()),
        text: "hi Ada".into(),
        to_me: true,
    });
    w.sim_act(SimAction::SendChat {
        who: Who::Name("Ann".into()),
        text: "hi all".into(),
        to_me: false,
    });
    let told: Vec<_> = w
        .events
        .iter()
        .filter_map(|e| match e {
            Event::ChatMessage(m) => m.message.clone(),
            _ => None,
        })
        .collect();
    assert_eq!(told, ["hello Ann", "hi Ada", "hi all"]);
    let history = w.core.chat().history();
    assert_eq!(history.len(), 3);
    assert!(!history[1].to_everyone() && history[2].to_everyone());
    leave(&mut w);
}

#[test]
fn the_hosts_chat_privilege_reaches_the_participant_and_limits_them() {
    let (mut w, ann) = connected(false);
    w.sim_act(SimAction::SetChatPrivilege { privilege: 5 });
    assert_eq!(
        w.core.chat().privilege(),
        Some(ChatPrivilege::EveryonePublicly)
    );
    let err = w.act(chat("psst", ChatTarget::User(ann))).unwrap_err();
    assert_eq!(err.code(), "chatNotAllowed");
    w.act(chat("to all", ChatTarget::Everyone)).unwrap();
    // Only the host or a manager may change it: refused before the SDK.
    let err = w
        .act(Action::Chat(ChatAction::SetPrivilege(ChatPrivilege::All)))
        .unwrap_err();
    assert_eq!(err.code(), "hostOrManagerOnly");
    leave(&mut w);
}

#[test]
fn the_host_mutes_asks_to_unmute_and_the_participant_answers() {
    let (mut w, ann) = connected(true);
    let muted = |w: &World| w.core.participant(ann).and_then(|p| p.muted);
    assert_eq!(muted(&w), Some(false));
    w.act(Action::Host(HostAction::Mute(ann))).unwrap();
    w.run_until(5_000, "Ann muted", |w| muted(w) == Some(true));
    // Zoom does not unmute anyone: Ann is asked and (in the simulator) says yes.
    w.act(Action::Host(HostAction::AskToUnmute(ann))).unwrap();
    w.run_until(5_000, "Ann unmuted herself", |w| muted(w) == Some(false));
    leave(&mut w);
}

#[test]
fn the_host_makes_a_manager_hands_over_host_and_is_then_refused() {
    let (mut w, ann) = connected(true);
    w.act(Action::Host(HostAction::MakeManager(ann))).unwrap();
    w.run_until(5_000, "Ann is a manager", |w| {
        w.core.participant(ann).is_some_and(|p| p.is_manager)
    });
    w.act(Action::Host(HostAction::LockShare(true))).unwrap();
    w.run_until(5_000, "share locked", |w| {
        w.core.share_privilege() == Some(SharePrivilege::Locked)
    });
    w.act(Action::Host(HostAction::MakeHost(ann))).unwrap();
    w.run_until(5_000, "Ann is host", |w| {
        w.core.participant(ann).is_some_and(|p| p.is_host)
            && w.core.role() == zoomkit_core::action::Role::Participant
    });
    // No longer host: every host control is refused before any SDK call.
    let issued = w.issued.len();
    for action in [
        HostAction::Mute(ann),
        HostAction::Remove(ann),
        HostAction::MakeManager(ann),
        HostAction::LockShare(false),
    ] {
        let err = w.act(Action::Host(action)).unwrap_err();
        assert!(
            ["hostOnly", "hostOrManagerOnly"].contains(&err.code()),
            "{action:?}: {err}"
        );
    }
    assert_eq!(w.issued.len(), issued, "nothing was called");
    leave(&mut w);
}

#[test]
fn the_host_removes_a_participant() {
    let (mut w, ann) = connected(true);
    w.act(Action::Host(HostAction::Remove(ann))).unwrap();
    w.run_until(5_000, "Ann removed", |w| w.core.participant(ann).is_none());
    assert!(w
        .events
        .iter()
        .any(|e| matches!(e, Event::ParticipantLeft(p) if p.user_id == ann)));
    leave(&mut w);
}

#[test]
fn a_participant_is_refused_host_controls_without_a_call() {
    let (mut w, ann) = connected(false);
    let issued = w.issued.len();
    let err = w.act(Action::Host(HostAction::Mute(ann))).unwrap_err();
    assert_eq!(err.code(), "hostOrManagerOnly");
    assert!(
        err.to_string().contains("mute another participant"),
        "{err}"
    );
    assert_eq!(
        w.act(Action::Host(HostAction::MakeHost(ann)))
            .unwrap_err()
            .code(),
        "hostOnly"
    );
    assert_eq!(w.issued.len(), issued);
    // A manager may mute.
    w.sim_act(SimAction::SetMeManager { manager: true });
    w.act(Action::Host(HostAction::Mute(ann))).unwrap();
    w.run_until(5_000, "Ann muted by the manager", |w| {
        w.core.participant(ann).and_then(|p| p.muted) == Some(true)
    });
    leave(&mut w);
}

#[test]
fn the_host_records_pauses_resumes_and_stops() {
    let (mut w, _) = connected(true);
    let status = |w: &World| w.core.recording().status();
    w.act(Action::Recording(RecordingAction::Start)).unwrap();
    w.run_until(5_000, "recording", |w| {
        status(w) == Some(RecordingStatus::Recording)
    });
    // Not while recording: refused by the core.
    assert_eq!(
        w.act(Action::Recording(RecordingAction::Resume))
            .unwrap_err()
            .code(),
        "recordingState"
    );
    w.act(Action::Recording(RecordingAction::Pause)).unwrap();
    w.run_until(5_000, "paused", |w| {
        status(w) == Some(RecordingStatus::Paused)
    });
    w.act(Action::Recording(RecordingAction::Resume)).unwrap();
    w.run_until(5_000, "resumed", |w| {
        status(w) == Some(RecordingStatus::Recording)
    });
    w.act(Action::Recording(RecordingAction::Stop)).unwrap();
    w.run_until(5_000, "stopped", |w| {
        status(w) == Some(RecordingStatus::Stopped)
    });
    let told: Vec<_> = w
        .events
        .iter()
        .filter_map(|e| match e {
            Event::RecordingChanged { status } => Some(*status),
            _ => None,
        })
        .collect();
    assert_eq!(
        told,
        [
            RecordingStatus::Recording,
            RecordingStatus::Paused,
            RecordingStatus::Recording,
            RecordingStatus::Stopped
        ]
    );
    leave(&mut w);
}

#[test]
fn a_participant_sees_the_hosts_recording_and_answers_the_consent_question() {
    let (mut w, _) = connected(false);
    assert_eq!(
        w.act(Action::Recording(RecordingAction::Start))
            .unwrap_err()
            .code(),
        "hostOnly"
    );
    assert_eq!(
        w.act(Action::Recording(RecordingAction::AcceptIndividual))
            .unwrap_err()
            .code(),
        "noConsentAsked"
    );
    w.sim_act(SimAction::SetRecording {
        status: zoomkit_sim::payload::RecordingStatus::Recording,
    });
    assert_eq!(
        w.core.recording().status(),
        Some(RecordingStatus::Recording)
    );
    w.sim_act(SimAction::AskRecordingConsent);
    assert!(w.core.recording().consent_pending());
    let id = w
        .act(Action::Recording(RecordingAction::AcceptIndividual))
        .unwrap();
    w.run_until(5_000, "answered", |w| w.settled.contains_key(&id));
    assert!(!w.core.recording().consent_pending());
    assert!(w.events.iter().any(|e| matches!(
        e,
        Event::IndividualRecordingChanged {
            status: RecordingStatus::Accept,
            ..
        }
    )));
    leave(&mut w);
}

#[test]
fn stats_count_a_failover_and_a_rejoin_against_the_simulator() {
    let (mut w, _) = connected(false);
    w.fault(zoomkit_sim::Fault::Failover { ms: 2_000 });
    w.run_until(10_000, "back after the failover", |w| {
        w.state() == StateName::Connected && w.core.stats(w.now()).reconnects.len() == 1
    });
    w.run_until(10_000, "failover over", |w| {
        w.core.stats(w.now()).reconnects[0].duration_ms.is_some()
    });
    w.fault(zoomkit_sim::Fault::Fail);
    w.run_until(30_000, "rejoined", |w| {
        w.state() == StateName::Connected && w.core.stats(w.now()).reconnects.len() == 2
    });
    let s = w.core.stats(w.now());
    assert!(s.join_ms.is_some());
    assert_eq!(
        s.reconnects.iter().map(|r| r.kind).collect::<Vec<_>>(),
        [
            zoomkit_core::stats::ReconnectKind::SdkFailover,
            zoomkit_core::stats::ReconnectKind::Rejoin
        ]
    );
    let failover = s.reconnects[0].duration_ms.expect("ended");
    assert!(
        (2_000..3_000).contains(&failover),
        "the simulator's 2 s failover: {failover}"
    );
    assert!(s.rejoin_attempts >= 1);
    leave(&mut w);
    let finals: Vec<_> = w
        .events
        .iter()
        .filter_map(|e| match e {
            Event::Stats(s) => Some(s.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(finals.len(), 1, "one final stats event");
    assert_eq!(finals[0].reconnects.len(), 2);
}
