//! Each layout mode on a concrete session, and the JSON the glue exchanges.

use serde_json::json;
use zoomkit_core::layout::{
    layout, LayoutError, LayoutInput, LayoutMode, LayoutParticipant, ShareState, Size, TileKind,
    TileRole, Viewport,
};
use zoomkit_core::{Rect, UserId, VideoQuality};

fn session(n: u64) -> LayoutInput {
    LayoutInput {
        participants: (1..=n)
            .map(|i| LayoutParticipant::new(UserId(i), i))
            .collect(),
        self_id: Some(UserId(1)),
        ..LayoutInput::new(Viewport::new(1920.0, 1080.0), 25)
    }
}

fn users(l: &zoomkit_core::Layout) -> Vec<u64> {
    l.tiles.iter().map(|t| t.user_id.0).collect()
}

#[test]
fn gallery_of_nine_is_a_3x3_grid_at_360p() {
    let l = layout(&session(9)).unwrap();
    assert_eq!(l.mode, LayoutMode::Gallery);
    assert_eq!(users(&l), (1..=9).collect::<Vec<_>>());
    assert_eq!(l.tiles[0].rect, Rect::new(0.0, 0.0, 640.0, 360.0));
    assert_eq!(l.tiles[8].rect, Rect::new(1280.0, 720.0, 640.0, 360.0));
    assert!(l.tiles[0].is_self);
    // video-hd.md: "Gallery View 3x3, medium sized videos in 360p"; 5x5 in 180p.
    assert!(l
        .tiles
        .iter()
        .all(|t| t.quality == Some(VideoQuality::Video360P)));
    let l = layout(&session(25)).unwrap();
    assert!(l
        .tiles
        .iter()
        .all(|t| t.quality == Some(VideoQuality::Video180P)));
}

#[test]
fn gallery_pages_keep_pins_on_every_page() {
    let input = LayoutInput {
        pins: vec![UserId(30)],
        page_size: 9,
        ..session(30)
    };
    let first = layout(&input).unwrap();
    // 29 others, 8 per page beside the pin.
    assert_eq!((first.page_count, first.per_page), (4, 9));
    assert_eq!(users(&first), vec![30, 1, 2, 3, 4, 5, 6, 7, 8]);
    let last = layout(&LayoutInput { page: 7, ..input }).unwrap();
    assert_eq!(last.page, 3, "clamped to the last page");
    assert_eq!(users(&last), vec![30, 25, 26, 27, 28, 29]);
    assert!(last.tiles[0].pinned);
}

#[test]
fn speaker_mode_puts_the_active_speaker_on_stage_and_the_rest_below() {
    let input = LayoutInput {
        mode: LayoutMode::Speaker,
        active_speaker: Some(UserId(3)),
        ..session(4)
    };
    let l = layout(&input).unwrap();
    assert_eq!(users(&l), vec![3, 1, 2, 4]);
    let stage = &l.tiles[0];
    assert_eq!((stage.role, stage.speaking), (TileRole::Main, true));
    assert_eq!(stage.quality, Some(VideoQuality::Video720P));
    assert!(l.tiles[1..].iter().all(|t| t.role == TileRole::Filmstrip));
    assert!(l.tiles[1..].iter().all(|t| t.rect.y >= stage.rect.bottom()));
    // video-hd.md: the speaker in 720p, the small videos in 180p.
    assert!(l.tiles[2..]
        .iter()
        .all(|t| t.quality == Some(VideoQuality::Video180P)));
}

#[test]
fn when_you_speak_the_previous_speaker_keeps_the_stage() {
    let input = LayoutInput {
        mode: LayoutMode::Speaker,
        active_speaker: Some(UserId(1)),
        recent_speakers: vec![UserId(1), UserId(4), UserId(2)],
        ..session(4)
    };
    let l = layout(&input).unwrap();
    assert_eq!(l.tiles[0].user_id, UserId(4));
    // A pin beats the speaker; a spotlight beats the pin.
    let l = layout(&LayoutInput {
        pins: vec![UserId(2)],
        ..input.clone()
    })
    .unwrap();
    assert_eq!(l.tiles[0].user_id, UserId(2));
    let l = layout(&LayoutInput {
        pins: vec![UserId(2)],
        spotlights: vec![UserId(3)],
        ..input
    })
    .unwrap();
    assert_eq!(users(&l), vec![3, 2, 1, 4]);
}

#[test]
fn share_mode_keeps_the_contents_aspect_and_falls_back_without_a_share() {
    let input = LayoutInput {
        mode: LayoutMode::Share,
        share: Some(ShareState {
            user_id: UserId(2),
            size: Some(Size {
                width: 1000.0,
                height: 1000.0,
            }),
        }),
        ..session(3)
    };
    let l = layout(&input).unwrap();
    assert_eq!(l.mode, LayoutMode::Share);
    let share = &l.tiles[0];
    assert_eq!((share.kind, share.quality), (TileKind::Share, None));
    assert_eq!(share.rect.width, share.rect.height);
    assert_eq!(users(&l), vec![2, 1, 2, 3]);
    // Your own share is not drawn back to you.
    let mine = LayoutInput {
        share: Some(ShareState {
            user_id: UserId(1),
            size: None,
        }),
        ..input.clone()
    };
    assert_eq!(layout(&mine).unwrap().mode, LayoutMode::Speaker);
    let none = LayoutInput {
        share: None,
        ..input
    };
    assert_eq!(layout(&none).unwrap().mode, LayoutMode::Speaker);
}

#[test]
fn pip_overlays_the_self_view_and_fullscreen_fills() {
    let input = LayoutInput {
        mode: LayoutMode::Pip,
        active_speaker: Some(UserId(2)),
        ..session(3)
    };
    let l = layout(&LayoutInput {
        viewport: Viewport::new(480.0, 270.0),
        ..input.clone()
    })
    .unwrap();
    assert_eq!(users(&l), vec![2, 1]);
    assert_eq!((l.tiles[1].role, l.tiles[1].z), (TileRole::Overlay, 1));
    assert!(l.tiles[0].rect.contains(&l.tiles[1].rect, 0.0));
    let hidden = layout(&LayoutInput {
        hide_self_view: true,
        ..input.clone()
    })
    .unwrap();
    assert_eq!(users(&hidden), vec![2]);

    let full = LayoutInput {
        mode: LayoutMode::Fullscreen { user_id: UserId(3) },
        ..input
    };
    let l = layout(&full).unwrap();
    assert_eq!(users(&l), vec![3]);
    assert_eq!(l.tiles[0].rect, Rect::new(0.0, 0.0, 1920.0, 1080.0));
    // Someone who left: back to speaker view.
    let gone = LayoutInput {
        mode: LayoutMode::Fullscreen {
            user_id: UserId(99),
        },
        ..full
    };
    assert_eq!(layout(&gone).unwrap().mode, LayoutMode::Speaker);
}

#[test]
fn the_render_budget_goes_to_the_stage_then_in_order() {
    let mut input = LayoutInput {
        mode: LayoutMode::Speaker,
        active_speaker: Some(UserId(5)),
        max_renderable_videos: 2,
        ..session(6)
    };
    input.participants[1].video_on = false; // user 2
    let l = layout(&input).unwrap();
    let q: Vec<(u64, Option<VideoQuality>)> =
        l.tiles.iter().map(|t| (t.user_id.0, t.quality)).collect();
    use VideoQuality::*;
    assert_eq!(
        q,
        vec![
            (5, Some(Video720P)),
            (1, Some(Video180P)), // yourself: local, not counted
            (2, None),            // video off
            (3, Some(Video180P)),
            (4, None), // over the budget: draw an avatar
            (6, None),
        ]
    );
}

#[test]
fn a_thousand_participants_page_through_in_join_order() {
    let mut input = session(1000);
    input.participants.reverse();
    let l = layout(&input).unwrap();
    assert_eq!((l.page_count, l.tiles.len()), (40, 25));
    assert_eq!(l.tiles[24].user_id, UserId(25));
    let last = layout(&LayoutInput { page: 39, ..input }).unwrap();
    assert_eq!(last.tiles[24].user_id, UserId(1000));
}

#[test]
fn bad_input_is_an_error_naming_the_field() {
    let bad = LayoutInput {
        viewport: Viewport::new(f64::NAN, 10.0),
        ..session(2)
    };
    let e = layout(&bad).unwrap_err();
    assert!(matches!(e, LayoutError::Viewport { field: "width", .. }));
    assert!(e.to_string().contains("viewport.width"));
    let mut dup = session(2);
    dup.participants.push(LayoutParticipant::new(UserId(2), 9));
    assert_eq!(
        layout(&dup).unwrap_err(),
        LayoutError::DuplicateParticipant(UserId(2))
    );
    let gap = LayoutInput {
        gap: -1.0,
        ..session(2)
    };
    assert_eq!(layout(&gap).unwrap_err(), LayoutError::Gap(-1.0));
}

#[test]
fn json_in_and_out() {
    let input: LayoutInput = serde_json::from_value(json!({
        "participants": [
            {"userId": 7, "joinSeq": 1, "videoOn": true},
            {"userId": 8, "joinSeq": 2}
        ],
        "selfId": 7,
        "viewport": {"width": 1280, "height": 720},
        "mode": {"kind": "fullscreen", "userId": 8},
        "maxRenderableVideos": 4
    }))
    .unwrap();
    assert_eq!(input.page_size, 25);
    assert_eq!(input.viewport.device_pixel_ratio, 1.0);
    let out = serde_json::to_value(layout(&input).unwrap()).unwrap();
    assert_eq!(
        out,
        json!({
            "mode": {"kind": "fullscreen", "userId": 8},
            "page": 0,
            "pageCount": 1,
            "perPage": 0,
            "tiles": [{
                "userId": 8,
                "kind": "video",
                "role": "main",
                "rect": {"x": 0.0, "y": 0.0, "width": 1280.0, "height": 720.0},
                "z": 0,
                "quality": null,
                "isSelf": false,
                "pinned": false,
                "speaking": false
            }]
        })
    );
    let mode: LayoutMode = serde_json::from_value(json!({"kind": "gallery"})).unwrap();
    assert_eq!(mode, LayoutMode::Gallery);
    let e = serde_json::from_value::<LayoutInput>(json!({"participants": []})).unwrap_err();
    assert!(e.to_string().contains("viewport"), "{e}");
}
