//! Speakers, per-user network quality and the microphone level: the
//! simulator's participants talk and their (and our) network changes, and
//! `zoomkit-core` keeps it on each participant (the harness is `native/`).
mod native;

use native::World;
use zoomkit_core::{Event, Input, StateName, UserId};
use zoomkit_sim::payload::QualityDirection;
use zoomkit_sim::{Action as SimAction, Fault, ParticipantSpec, SimConfig, Who};

/// Connected, with audio, alongside Ann and Bob.
fn connected() -> (World, UserId, UserId) {
    let spec = |name: &str| ParticipantSpec {
        name: name.into(),
        audio: true,
        ..ParticipantSpec::default()
    };
    let mut w = World::new(
        SimConfig {
            seed: 17,
            participants: vec![spec("Ann"), spec("Bob")],
            ..SimConfig::default()
        },
        zoomkit_core::Config::default(),
    );
    w.join(true, false);
    w.run_until(10_000, "connected with audio", |w| {
        w.state() == StateName::Connected
            && w.core.participants().count() == 3
            && w.core.audio().connected
    });
    let id = |w: &World, name: &str| {
        w.core
            .participants()
            .find(|p| p.display_name == name)
            .expect("listed")
            .user_id
    };
    let (ann, bob) = (id(&w, "Ann"), id(&w, "Bob"));
    (w, ann, bob)
}

fn speaking(w: &World) -> Vec<String> {
    w.core
        .participants()
        .filter(|p| p.speaking)
        .map(|p| p.display_name.clone())
        .collect()
}

#[test]
fn whoever_the_sdk_says_talks_is_speaking_and_only_they() {
    let (mut w, _, _) = connected();
    assert!(speaking(&w).is_empty());
    w.sim_act(SimAction::Speak {
        who: Who::Name("Ann".into()),
    });
    assert_eq!(speaking(&w), vec!["Ann".to_owned()]);
    w.sim_act(SimAction::Speak {
        who: Who::Name("Bob".into()),
    });
    assert_eq!(speaking(&w), vec!["Bob".to_owned()]);
    assert!(w.refused.is_empty(), "{:?}", w.refused);
    leave(&mut w);
}

#[test]
fn each_users_quality_ramp_lands_on_that_user_and_ours_on_us() {
    let (mut w, ann, _) = connected();
    let me = w.core.self_user().expect("joined");
    w.fault(Fault::QualityRamp {
        user_id: Some(ann.0 as u32),
        direction: QualityDirection::Downlink,
        from: 5,
        to: 1,
        step_ms: 100,
    });
    w.fault(Fault::QualityRamp {
        user_id: None,
        direction: QualityDirection::Uplink,
        from: 2,
        to: 3,
        step_ms: 100,
    });
    w.run_for(1_000);
    let q = |id: UserId| {
        let p = w.core.participants().find(|p| p.user_id == id).unwrap();
        (p.uplink_quality, p.downlink_quality)
    };
    assert_eq!(q(ann), (None, Some(1)));
    assert_eq!(q(me), (Some(3), None));
    let bob = w
        .core
        .participants()
        .find(|p| p.display_name == "Bob")
        .unwrap();
    assert_eq!((bob.uplink_quality, bob.downlink_quality), (None, None));
    leave(&mut w);
}

#[test]
fn the_microphone_level_reaches_the_core_while_unmuted() {
    let (mut w, _, _) = connected();
    w.sim_act(SimAction::MicLevel { level: 6 });
    assert_eq!(w.core.audio_level(), Some(6));
    assert!(w
        .events
        .iter()
        .any(|e| matches!(e, Event::AudioLevel { level: 6 })));
    assert!(
        w.sim.act(SimAction::MicLevel { level: 10 }).is_err(),
        "the simulator refuses a level the SDK never sends"
    );
    leave(&mut w);
}

fn leave(w: &mut World) {
    w.input(Input::Leave { end: false })
        .expect("leave accepted");
    w.run_until(10_000, "left", |w| w.state() == StateName::Left);
    w.assert_released();
}

#[test]
fn the_active_share_is_viewed_on_the_apps_canvas_and_stopped_when_it_ends() {
    let (mut w, ann, _) = connected();
    let now = w.now();
    w.core.set_share_view(now, true);
    w.sim_act(SimAction::SetShare {
        who: Who::Name("Ann".into()),
        on: true,
    });
    w.run_until(2_000, "viewing Ann's share", |w| {
        w.sim.share_view_user() == Some(ann.0 as u32)
    });
    assert_eq!(w.core.share_view().viewing, Some(ann));
    assert_eq!(w.core.share_view().sharers, vec![ann]);
    w.sim_act(SimAction::SetShare {
        who: Who::Name("Ann".into()),
        on: false,
    });
    w.run_until(2_000, "view stopped", |w| w.sim.share_view_user().is_none());
    assert_eq!(w.core.share_view().viewing, None);
    assert!(w.core.share_view().sharers.is_empty());
    assert!(w.refused.is_empty(), "{:?}", w.refused);
    leave(&mut w);
}
