//! What the glue attaches follows the controller: the layout's remote video
//! tiles at their quality, capped by the receive decision, none while
//! audio-only or hidden; the video budget stays within the SDK's.
use zoomkit_core::layout::{layout, LayoutInput, LayoutParticipant, Viewport};
use zoomkit_core::quality::{Capabilities, QualityInput, TileDemand};
use zoomkit_core::{Instant, QualityConfig, QualityController, UserId};

fn session_layout() -> zoomkit_core::layout::Layout {
    let mut input = LayoutInput::new(Viewport::new(1280.0, 720.0), 9);
    input.participants = (1..=5)
        .map(|i| LayoutParticipant::new(UserId(i), i))
        .collect();
    input.self_id = Some(UserId(1));
    layout(&input).unwrap()
}

#[test]
fn before_any_decision_the_layout_is_attached_as_is() {
    let q = QualityController::new(QualityConfig::default());
    let l = session_layout();
    let want: Vec<_> = TileDemand::from_layout(&l)
        .map(|t| (t.user_id, t.quality))
        .collect();
    assert_eq!(want.len(), 4, "four remote tiles, self excluded");
    assert_eq!(q.attachments(&l, true).collect::<Vec<_>>(), want);
    assert_eq!(
        q.attachments(&l, false).count(),
        0,
        "a hidden page attaches nothing"
    );
    assert_eq!(q.video_budget(9), 9);
}

#[test]
fn decisions_cap_the_budget_and_the_attach_quality() {
    let mut q = QualityController::new(QualityConfig::default());
    let t0 = Instant::from_millis(1_000_000);
    q.handle(
        t0,
        QualityInput::Capabilities(Capabilities {
            cross_origin_isolated: true,
            supports_multiple_videos: true,
            max_renderable_videos: 25,
            supports_hd_video: true,
            video_webrtc_mode: false,
        }),
    )
    .unwrap();
    q.handle(t0, QualityInput::SelfUser(UserId(1))).unwrap();
    let l = session_layout();
    q.set_layout(t0, &l);
    let body = |level: u8| {
        serde_json::from_value(serde_json::json!({"userId": 1, "type": "downlink", "level": level}))
            .unwrap()
    };
    q.handle(t0, QualityInput::NetworkQuality(body(1))).unwrap();
    // Past the down hold, the downlink decision lands.
    let later = Instant::from_millis(1_000_000 + 60_000);
    q.handle(later, QualityInput::Timeout).unwrap();
    while let Some(o) = q.poll() {
        if matches!(o, zoomkit_core::QualityOutput::Timeout { .. }) {
            break;
        }
    }
    let budget = q.max_videos().expect("a budget was decided");
    assert_eq!(q.video_budget(25), budget.min(25));
    assert_eq!(q.video_budget(0), 0, "never more than the SDK renders");
    for (user, quality) in q.attachments(&l, true) {
        if let Some(cap) = q.receive_quality(user) {
            assert!(
                quality <= cap,
                "{user:?} attached at {quality:?} over its cap {cap:?}"
            );
        }
    }
    if q.audio_only() {
        assert_eq!(q.attachments(&l, true).count(), 0);
    }
}
