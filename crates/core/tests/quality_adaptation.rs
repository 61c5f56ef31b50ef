//! Quality adaptation under ramps, drops and recovery, CPU pressure, packet
//! loss and browser limits, with the decisions and their times written out.
//!
//! Network levels arrive as zoomkit-sim's `qualityRamp` sends them
//! (`crates/sim/src/sim.rs`, `Fault::QualityRamp`): one
//! `network-quality-change` `{userId, type: 'uplink' | 'downlink', level}`
//! per level from `from` to `to`, both included, one level at a time,
//! `stepMs` apart, for the local user unless another is named, and only while
//! connected. The sim's own script example ramps the uplink 5 to 1 at 100 ms.

mod quality_harness;

use quality_harness::*;
use serde_json::json;
use zoomkit_core::layout::{layout, LayoutInput, LayoutMode, LayoutParticipant, Viewport};
use zoomkit_core::quality::{
    AudioStatisticDataChange, Capabilities, Diagnostic, NetworkDirection, QualityError,
    QualityInput, SystemResourceUsageChange, VideoStatisticDataChange,
};
use zoomkit_core::{QualityConfig, QualityController, QualityOutput, UserId, VideoQuality};

use NetworkDirection::{Downlink, Uplink};
use VideoQuality::*;

#[test]
fn nothing_is_decided_before_the_capabilities_then_everything_is() {
    let mut q = Q::new(QualityConfig::default());
    q.level(0, ME, "uplink", 3);
    assert!(q.take().is_empty());
    q.feed(QualityInput::Capabilities(good_browser()));
    // Level 3 holds capture at 360p only after the down hold.
    assert_eq!(q.take(), vec![(0, max(25)), (0, capture(Video720P))]);
    q.advance_to(2_000);
    assert_eq!(q.take(), vec![(2_000, capture(Video360P))]);
}

#[test]
fn the_sims_uplink_ramp_5_to_1_and_back() {
    let mut q = Q::joined();
    assert_eq!(
        q.take(),
        vec![
            (0, max(25)),
            (0, capture(Video720P)),
            (0, receive(2, Video720P)),
            (0, receive(3, Video180P)),
        ]
    );
    // {"fault": "qualityRamp", "direction": "uplink", "from": 5, "to": 1, "stepMs": 100}
    q.ramp(1_000, Uplink, 5, 1, 100);
    q.advance_to(9_000);
    // Below 5 from 1.1 s; 2 s later, straight to where it ended.
    assert_eq!(q.take(), vec![(3_100, capture(Video90P))]);
    q.ramp(10_000, Uplink, 1, 5, 100);
    q.advance_to(40_000);
    // Above 90p from 10.1 s; up after 10 s, to 720p (the browser's ceiling).
    assert_eq!(q.take(), vec![(20_100, capture(Video720P))]);
}

#[test]
fn a_slow_downlink_ramp_to_0_goes_audio_only_and_comes_back() {
    let mut q = Q::joined();
    q.take();
    q.ramp(10_000, Downlink, 5, 0, 3_000);
    q.advance_to(40_000);
    assert_eq!(
        q.take(),
        vec![
            // 4 (720p) at 13 s changes nothing visible at 15 s. 3 at 16 s
            // waits for 4 s since that switch: 19 s, just before 2 arrives.
            (19_000, max(9)),
            (19_000, receive(2, Video360P)),
            // 2 at 19 s, 1 at 22 s: 4 s after the last switch, straight to 90p.
            (23_000, max(1)),
            (23_000, receive(2, Video90P)),
            (23_000, receive(3, Video90P)),
            // 0 at 25 s: 2 s later (and 4 s after 23 s), audio only.
            (27_000, audio_only(true)),
            (27_000, max(0)),
        ]
    );
    assert!(q.q.audio_only());
    // Still the quality to capture at when video comes back.
    assert_eq!(q.q.capture_quality(), Some(Video720P));
    q.ramp(40_000, Downlink, 0, 5, 3_000);
    q.advance_to(80_000);
    assert_eq!(
        q.take(),
        vec![
            // Better from 43 s; 10 s later the level is 4: 720p.
            (53_000, max(25)),
            (53_000, audio_only(false)),
            (53_000, receive(2, Video720P)),
            (53_000, receive(3, Video180P)),
        ]
    );
}

#[test]
fn a_sudden_drop_and_a_full_recovery() {
    let mut q = Q::joined();
    q.take();
    q.level(5_000, ME, "downlink", 1);
    q.level(5_500, ME, "uplink", 1);
    q.advance_to(8_000);
    assert_eq!(
        q.take(),
        vec![
            (7_000, max(1)),
            (7_000, receive(2, Video90P)),
            (7_000, receive(3, Video90P)),
            (7_500, capture(Video90P)),
        ]
    );
    q.level(30_000, ME, "downlink", 5);
    q.level(30_000, ME, "uplink", 5);
    q.advance_to(60_000);
    assert_eq!(
        q.take(),
        vec![
            (40_000, max(25)),
            (40_000, capture(Video720P)),
            (40_000, receive(2, Video720P)),
            (40_000, receive(3, Video180P)),
        ]
    );
}

#[test]
fn a_level_flapping_faster_than_the_up_hold_costs_one_downgrade() {
    let mut q = Q::joined();
    q.take();
    // 1 and 5 alternate every 3 s for five minutes, ending on 1.
    for i in 0..=100u64 {
        q.level(
            1_000 + i * 3_000,
            ME,
            "downlink",
            if i % 2 == 0 { 1 } else { 5 },
        );
    }
    q.advance_to(400_000);
    let log = q.take();
    assert_eq!(
        log.iter()
            .filter(|(_, o)| matches!(o, QualityOutput::SetMaxVideos { .. }))
            .count(),
        1
    );
    assert_eq!(log[0], (3_000, max(1)));
    // Once it stops flapping, up after 10 s.
    q.level(400_000, ME, "downlink", 5);
    q.advance_to(420_000);
    assert_eq!(q.take()[0], (410_000, max(25)));
}

#[test]
fn other_users_levels_are_not_ours() {
    let mut q = Q::joined();
    q.take();
    q.level(1_000, UserId(2), "downlink", 0);
    q.level(1_000, UserId(3), "uplink", 0);
    q.advance_to(30_000);
    assert!(q.take().is_empty());
    // Before our id is known, nobody's are.
    let mut q = QualityController::default();
    q.handle(at(0), QualityInput::Capabilities(good_browser()))
        .unwrap();
    let nq = serde_json::from_value(json!({"userId": 1, "type": "downlink", "level": 0})).unwrap();
    q.handle(at(0), QualityInput::NetworkQuality(nq)).unwrap();
    q.handle(at(60_000), QualityInput::Timeout).unwrap();
    assert!(!q.audio_only());
}

#[test]
fn cpu_pressure_caps_both_directions_and_the_video_count() {
    let mut q = Q::joined();
    q.take();
    let cpu = |level: u8| {
        QualityInput::SystemResourceUsage(
            serde_json::from_value::<SystemResourceUsageChange>(
                json!({"cpu_usage": {"system_cpu_pressure_level": level}}),
            )
            .unwrap(),
        )
    };
    q.advance_to(1_000);
    q.feed(cpu(3));
    q.advance_to(5_000);
    assert_eq!(
        q.take(),
        vec![
            (3_000, max(4)),
            (3_000, capture(Video180P)),
            (3_000, receive(2, Video180P)),
        ]
    );
    q.advance_to(6_000);
    q.feed(cpu(2));
    q.advance_to(10_000);
    q.feed(cpu(0));
    q.advance_to(30_000);
    assert_eq!(
        q.take(),
        vec![
            (16_000, max(25)),
            (16_000, capture(Video720P)),
            (16_000, receive(2, Video720P)),
        ]
    );
}

#[test]
fn packet_loss_caps_quality_until_the_report_expires() {
    let mut q = Q::joined();
    q.take();
    let video = |encoding: bool, loss: f64| {
        QualityInput::VideoStatistics(
            serde_json::from_value::<VideoStatisticDataChange>(json!({
                "data": {"avg_loss": loss, "encoding": encoding, "jitter": 3, "max_loss": loss,
                         "rtt": 80, "sample_rate": 0, "width": 640, "height": 360, "fps": 24,
                         "bandwidth": 0, "bitrate": 0},
                "type": "VIDEO_QOS_DATA"
            }))
            .unwrap(),
        )
    };
    q.advance_to(1_000);
    q.feed(video(false, 12.0)); // receiving
    q.feed(video(true, 5.0)); // sending
    q.advance_to(4_000);
    assert_eq!(
        q.take(),
        vec![
            (3_000, max(4)),
            (3_000, capture(Video360P)),
            (3_000, receive(2, Video180P)),
        ]
    );
    // No more reports: they stop counting at 11 s, and 10 s later it is back.
    q.advance_to(30_000);
    assert_eq!(
        q.take(),
        vec![
            (21_000, max(25)),
            (21_000, capture(Video720P)),
            (21_000, receive(2, Video720P)),
        ]
    );
}

#[test]
fn heavy_audio_loss_drops_video_to_save_the_audio() {
    let mut q = Q::joined();
    q.take();
    let audio = QualityInput::AudioStatistics(
        serde_json::from_value::<AudioStatisticDataChange>(json!({
            "data": {"avg_loss": 30, "encoding": false, "jitter": 40, "max_loss": 45, "rtt": 300,
                     "sample_rate": 48000, "bandwidth": 0, "bitrate": 0},
            "type": "AUDIO_QOS_DATA"
        }))
        .unwrap(),
    );
    for t in (0..8_000).step_by(1_000) {
        q.advance_to(t);
        q.feed(audio.clone());
    }
    q.advance_to(9_000);
    assert_eq!(q.take(), vec![(2_000, audio_only(true)), (2_000, max(0))]);
}

#[test]
fn without_isolation_it_degrades_and_says_which_headers_or_token_flag_unlock_more() {
    let mut q = Q::new(QualityConfig::default());
    let plain = Capabilities {
        cross_origin_isolated: false,
        supports_multiple_videos: false,
        max_renderable_videos: 1,
        supports_hd_video: false,
        video_webrtc_mode: false,
    };
    q.feed(QualityInput::Capabilities(plain));
    let log = q.take();
    assert_eq!(log.len(), 3, "{log:?}");
    let QualityOutput::Diagnostic { diagnostic } = &log[0].1 else {
        panic!("{log:?}")
    };
    assert!(matches!(
        diagnostic,
        Diagnostic::NotCrossOriginIsolated { .. }
    ));
    let json = serde_json::to_value(&log[0].1).unwrap();
    assert_eq!(json["type"], "diagnostic");
    assert_eq!(json["diagnostic"]["code"], "notCrossOriginIsolated");
    assert_eq!(json["diagnostic"]["maxVideos"], 1);
    assert_eq!(json["diagnostic"]["capture"], 2);
    assert_eq!(
        json["diagnostic"]["headers"],
        json!([
            {"name": "Cross-Origin-Opener-Policy", "value": "same-origin"},
            {"name": "Cross-Origin-Embedder-Policy", "value": "require-corp"}
        ])
    );
    assert_eq!(
        json["diagnostic"]["tokenClaim"],
        json!({"name": "video_webrtc_mode", "value": 1})
    );
    for needle in [
        "Cross-Origin-Opener-Policy: same-origin",
        "Cross-Origin-Embedder-Policy: require-corp",
        "video_webrtc_mode: 1",
    ] {
        assert!(diagnostic.message().contains(needle), "{needle}");
    }
    assert_eq!(log[1..], [(0, max(1)), (0, capture(Video360P))]);
    // Said once.
    q.feed(QualityInput::Capabilities(plain));
    assert!(q.take().is_empty());
    // With WebRTC video, HD sending and multiple videos need no isolation.
    q.feed(QualityInput::Capabilities(Capabilities {
        supports_multiple_videos: true,
        max_renderable_videos: 9,
        supports_hd_video: true,
        video_webrtc_mode: true,
        ..plain
    }));
    assert_eq!(q.take(), vec![(0, max(9)), (0, capture(Video720P))]);
}

#[test]
fn an_account_without_hd_is_told_so() {
    let mut q = Q::new(QualityConfig::default());
    q.feed(QualityInput::Capabilities(Capabilities {
        supports_hd_video: false,
        ..good_browser()
    }));
    let log = q.take();
    assert!(matches!(
        &log[0].1,
        QualityOutput::Diagnostic {
            diagnostic: Diagnostic::HdVideoUnsupported {
                capture: Video360P,
                ..
            }
        }
    ));
    assert_eq!(log[2], (0, capture(Video360P)));
}

#[test]
fn full_hd_capture_only_when_allowed_and_possible() {
    let config = QualityConfig {
        allow_full_hd: true,
        ..QualityConfig::default()
    };
    let mut q = Q::new(config);
    q.feed(QualityInput::Capabilities(good_browser()));
    assert_eq!(q.take()[1], (0, capture(Video1080P)));
    // WebRTC video does not send 1080p (browser-support.md).
    let mut q = Q::new(config);
    q.feed(QualityInput::Capabilities(Capabilities {
        video_webrtc_mode: true,
        ..good_browser()
    }));
    assert_eq!(q.take()[1], (0, capture(Video720P)));
}

#[test]
fn tiles_from_a_layout_get_their_quality_capped_by_the_downlink() {
    let mut q = Q::joined();
    q.level(0, ME, "downlink", 3);
    q.advance_to(5_000);
    q.take();
    let input = LayoutInput {
        participants: (1..=4)
            .map(|i| LayoutParticipant::new(UserId(i), i))
            .collect(),
        self_id: Some(ME),
        active_speaker: Some(UserId(4)),
        mode: LayoutMode::Speaker,
        max_renderable_videos: q.q.max_videos().unwrap(),
        ..LayoutInput::new(Viewport::new(1920.0, 1080.0), 0)
    };
    let l = layout(&input).unwrap();
    q.q.set_layout(zoomkit_core::Instant::from_millis(T0 + 5_000), &l);
    let mut out = Vec::new();
    while let Some(o) = q.q.poll() {
        if matches!(o, QualityOutput::Timeout { .. }) {
            break;
        }
        out.push(o);
    }
    // The speaker's 720p tile at 360p, user 2 now small; user 3 is
    // unchanged and costs nothing; the self view is not a receive.
    assert_eq!(out, vec![receive(4, Video360P), receive(2, Video180P)]);
    assert_eq!(q.q.receive_quality(UserId(4)), Some(Video360P));
    assert_eq!(q.q.receive_quality(ME), None);
}

#[test]
fn out_of_range_input_is_refused_and_changes_nothing() {
    let mut q = QualityController::default();
    q.handle(at(0), QualityInput::SelfUser(ME)).unwrap();
    let nq = serde_json::from_value(json!({"userId": 1, "type": "uplink", "level": 9})).unwrap();
    assert_eq!(
        q.handle(at(0), QualityInput::NetworkQuality(nq)),
        Err(QualityError::Level(9))
    );
    let bad = QualityInput::VideoStatistics(VideoStatisticDataChange {
        data: zoomkit_core::quality::VideoStatistics {
            encoding: false,
            avg_loss: f64::NAN,
        },
    });
    let e = q.handle(at(0), bad).unwrap_err();
    assert!(
        e.to_string()
            .contains("video-statistic-data-change data.avg_loss"),
        "{e}"
    );
    assert_eq!(q.poll(), None);
}

#[test]
fn json_in_and_out() {
    let input: QualityInput = serde_json::from_value(json!({
        "kind": "network-quality-change",
        "payload": {"userId": 1, "type": "uplink", "level": 3}
    }))
    .unwrap();
    assert!(
        matches!(input, QualityInput::NetworkQuality(n) if n.level == 3 && n.direction == Uplink)
    );
    let caps: QualityInput = serde_json::from_value(json!({
        "kind": "capabilities",
        "payload": {"crossOriginIsolated": true, "supportsMultipleVideos": true,
                    "maxRenderableVideos": 9, "supportsHdVideo": true}
    }))
    .unwrap();
    assert!(matches!(caps, QualityInput::Capabilities(c) if !c.video_webrtc_mode));
    let t: QualityInput = serde_json::from_value(json!({"kind": "timeout"})).unwrap();
    assert_eq!(t, QualityInput::Timeout);
    let tiles: QualityInput = serde_json::from_value(json!({
        "kind": "tiles", "payload": [{"userId": 2, "quality": 3}]
    }))
    .unwrap();
    assert!(matches!(tiles, QualityInput::Tiles(v) if v[0].quality == Video720P));
    let e = serde_json::from_value::<QualityInput>(json!({
        "kind": "tiles", "payload": [{"userId": 2, "quality": 7}]
    }))
    .unwrap_err();
    assert!(e.to_string().contains("VideoQuality"), "{e}");

    assert_eq!(
        serde_json::to_value(receive(2, Video360P)).unwrap(),
        json!({"type": "setReceiveQuality", "userId": 2, "quality": 2})
    );
    assert_eq!(
        serde_json::to_value(capture(Video720P)).unwrap(),
        json!({"type": "setCaptureQuality", "quality": 3})
    );
    assert_eq!(
        serde_json::to_value(max(4)).unwrap(),
        json!({"type": "setMaxVideos", "count": 4})
    );
    assert_eq!(
        serde_json::to_value(audio_only(true)).unwrap(),
        json!({"type": "audioOnly", "on": true})
    );
    assert_eq!(
        serde_json::to_value(QualityOutput::Timeout { at: at(5) }).unwrap(),
        json!({"type": "timeout", "at": T0 + 5})
    );
    let e = serde_json::from_value::<QualityConfig>(json!({"upHoldMs": 1})).unwrap_err();
    assert!(e.to_string().contains("unknown field `upHoldMs`"), "{e}");
    let config: QualityConfig = serde_json::from_value(json!({"upHold": 20000})).unwrap();
    assert_eq!(config.up_hold.as_secs(), 20);
}
