//! Other participants: joining, leaving, talking, video, audio, share,
//! their own failovers.

mod common;

use common::*;
use serde_json::json;
use zoomkit_sim::{Action, Script, Who};

fn ids_of(sim: &mut zoomkit_sim::Sim, name: &str) -> u32 {
    sim.client()
        .get_all_user()
        .into_iter()
        .find(|p| p.display_name == name)
        .unwrap()
        .user_id
}

#[test]
fn participants_join_and_leave_with_user_added_and_user_removed() {
    let mut sim = joined(50);
    let ids = sim.act(Action::AddParticipants { n: 3 }).unwrap();
    assert_eq!(ids.len(), 3);
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "ids grow: {ids:?}");
    sim.act(Action::RemoveParticipant { who: ids[1].into() })
        .unwrap();
    let ev = sim.drain_events();
    assert_eq!(
        names(&ev),
        ["user-added", "user-added", "user-added", "user-removed"]
    );
    assert_eq!(ev[0].payload[0]["displayName"], "Participant 1");
    assert_eq!(
        ev[3].payload,
        json!([{"userId": ids[1], "displayName": "Participant 2"}])
    );
    assert_eq!(sim.client().get_all_user().len(), 3);
    assert!(sim
        .act(Action::RemoveParticipant { who: ids[1].into() })
        .is_err());
}

#[test]
fn talking_video_audio_and_share_of_others_are_events() {
    let mut sim = joined(51);
    sim.act(Action::AddParticipant {
        name: "Ann".into(),
        host: false,
        video: false,
        audio: false,
    })
    .unwrap();
    let ann = Who::from("Ann");
    let id = ids_of(&mut sim, "Ann");
    sim.drain_events();
    for a in [
        Action::Speak { who: ann.clone() },
        Action::SetVideo {
            who: ann.clone(),
            on: true,
        },
        Action::SetMuted {
            who: ann.clone(),
            muted: true,
        },
        Action::SetShare {
            who: ann.clone(),
            on: true,
        },
    ] {
        sim.act(a).unwrap();
    }
    let ev = sim.drain_events();
    assert_eq!(
        names(&ev),
        [
            "active-speaker",
            "user-updated",
            "peer-video-state-change",
            "user-updated",
            "user-updated",
            "active-share-change",
            "peer-share-state-change"
        ]
    );
    assert_eq!(ev[0].payload, json!([{"userId": id, "displayName": "Ann"}]));
    assert_eq!(ev[2].payload, json!({"action": "Start", "userId": id}));
    assert_eq!(
        ev[3].payload,
        json!([{"userId": id, "audio": "computer", "muted": true}])
    );
    assert_eq!(ev[5].payload, json!({"state": "Active", "userId": id}));
    assert_eq!(ev[6].payload, json!({"userId": id, "action": "Start"}));
    let all = sim.client().get_all_user();
    let ann_now = all.iter().find(|p| p.user_id == id).unwrap();
    assert!(ann_now.b_video_on && ann_now.sharer_on && ann_now.muted == Some(true));
}

#[test]
fn a_participant_in_failover_is_flagged_then_recovers() {
    let mut sim = joined(52);
    let ids = sim.act(Action::AddParticipants { n: 1 }).unwrap();
    sim.drain_events();
    let at = sim.now();
    sim.load(&Script::new().at(
        at + 100,
        Action::ParticipantFailover {
            who: ids[0].into(),
            ms: 2_000,
        },
    ));
    sim.run_until(at + 100);
    let all = sim.client().get_all_user();
    let p = all.iter().find(|p| p.user_id == ids[0]).unwrap();
    assert_eq!(p.is_in_failover, Some(true));
    sim.run_until(at + 2_100);
    let ev = sim.drain_events();
    assert_eq!(
        payloads(&ev, "user-updated"),
        [
            json!([{"userId": ids[0], "isInFailover": true}]),
            json!([{"userId": ids[0], "isInFailover": false}]),
        ]
    );
    assert_eq!(ev[1].at, at + 2_100);
}

#[test]
fn a_script_step_naming_someone_absent_is_recorded_not_applied() {
    let mut sim = joined(53);
    let at = sim.now();
    sim.load(&Script::new().at(
        at + 10,
        Action::Speak {
            who: "Nobody".into(),
        },
    ));
    sim.advance(10);
    assert!(sim.drain_events().is_empty());
    assert_eq!(sim.step_errors().len(), 1);
    assert_eq!(sim.step_errors()[0].0, at + 10);
    assert!(sim.step_errors()[0].1.to_string().contains("`Nobody`"));
}

#[test]
fn participants_act_unseen_before_the_local_user_joins() {
    let mut sim = zoomkit_sim::Sim::new(config(54));
    sim.act(Action::AddParticipants { n: 2 }).unwrap();
    sim.act(Action::SetVideo {
        who: "Participant 1".into(),
        on: true,
    })
    .unwrap();
    assert!(sim.drain_events().is_empty());
    let op = sim.client().init("en-US", "Global");
    ok(&mut sim, op);
    let op = sim.client().join("room", &token("room", 1), "Me", None);
    ok(&mut sim, op);
    let added = payloads(&sim.drain_events(), "user-added");
    assert_eq!(added[0].as_array().unwrap().len(), 3);
    assert_eq!(added[0][0]["bVideoOn"], true);
}
