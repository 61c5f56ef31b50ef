//! Properties of the layout over random sessions: tiles stay inside the
//! viewport, never overlap on one layer, keep 16:9; pins, spotlights and the
//! active speaker stay visible; the render budget holds; the input's order
//! does not matter; and joins and leaves do not make others jump, as the
//! `layout` module's docs define it.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeSet;

use proptest::prelude::*;
use zoomkit_core::layout::{
    layout, Layout, LayoutInput, LayoutMode, LayoutParticipant, Layouter, ShareState, Size,
    TileKind, TileRole, Viewport, TILE_ASPECT,
};
use zoomkit_core::{UserId, VideoQuality};

const EPS: f64 = 1e-6;

/// Picks from the participants by index, or an id nobody has (9999).
fn pick(ids: &[UserId], i: usize) -> UserId {
    ids.get(i).copied().unwrap_or(UserId(9999))
}

prop_compose! {
    fn participants()(n in 0usize..40, seed in any::<u64>(), video in proptest::collection::vec(any::<bool>(), 40))
        -> Vec<LayoutParticipant>
    {
        // Distinct ids, join_seq unrelated to id, input order shuffled.
        let mut rng = seed;
        let mut next = move || { rng = rng.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407); rng >> 33 };
        let mut ids = BTreeSet::new();
        while ids.len() < n { ids.insert(1 + next() % 500); }
        let mut ps: Vec<LayoutParticipant> = ids.into_iter().enumerate().map(|(i, id)| LayoutParticipant {
            user_id: UserId(id),
            join_seq: (next() % 1000) * 64 + i as u64,
            video_on: video[i],
        }).collect();
        for i in (1..ps.len()).rev() { let j = (next() as usize) % (i + 1); ps.swap(i, j); }
        ps
    }
}

fn mode(ids: Vec<UserId>) -> impl Strategy<Value = LayoutMode> {
    prop_oneof![
        3 => Just(LayoutMode::Gallery),
        3 => Just(LayoutMode::Speaker),
        2 => Just(LayoutMode::Share),
        1 => Just(LayoutMode::Pip),
        1 => (0usize..45).prop_map(move |i| LayoutMode::Fullscreen { user_id: pick(&ids, i) }),
    ]
}

fn input() -> impl Strategy<Value = LayoutInput> {
    participants().prop_flat_map(|ps| {
        let ids: Vec<UserId> = ps.iter().map(|p| p.user_id).collect();
        let n = ids.len();
        let idx = move || 0usize..(n + 2);
        let ids2 = ids.clone();
        let ids3 = ids.clone();
        let ids4 = ids.clone();
        let ids5 = ids.clone();
        let ids6 = ids.clone();
        (
            Just(ps),
            (proptest::option::of(idx()), proptest::option::of(idx()))
                .prop_map(move |(s, a)| (s.map(|i| pick(&ids, i)), a.map(|i| pick(&ids, i)))),
            proptest::collection::vec(idx(), 0..4)
                .prop_map(move |v| v.into_iter().map(|i| pick(&ids2, i)).collect::<Vec<_>>()),
            proptest::option::of((
                idx(),
                proptest::option::of((1.0f64..4000.0, 1.0f64..4000.0)),
            ))
            .prop_map(move |s| {
                s.map(|(i, size)| ShareState {
                    user_id: pick(&ids3, i),
                    size: size.map(|(width, height)| Size { width, height }),
                })
            }),
            proptest::collection::vec(idx(), 0..5)
                .prop_map(move |v| v.into_iter().map(|i| pick(&ids4, i)).collect::<Vec<_>>()),
            proptest::collection::vec(idx(), 0..3)
                .prop_map(move |v| v.into_iter().map(|i| pick(&ids5, i)).collect::<Vec<_>>()),
            (
                120.0f64..3000.0,
                90.0f64..2000.0,
                prop_oneof![Just(1.0f64), Just(2.0), 1.0f64..3.0],
            ),
            mode(ids6),
            (
                0u32..6,
                any::<bool>(),
                0u32..30,
                1u32..60,
                prop_oneof![Just(0.0f64), 0.0f64..12.0],
            ),
        )
            .prop_map(
                |(
                    ps,
                    (self_id, active),
                    recent,
                    share,
                    pins,
                    spotlights,
                    (w, h, dpr),
                    mode,
                    (page, hide, max, size, gap),
                )| {
                    LayoutInput {
                        participants: ps,
                        self_id,
                        active_speaker: active,
                        recent_speakers: recent,
                        share,
                        pins,
                        spotlights,
                        viewport: Viewport {
                            width: w,
                            height: h,
                            device_pixel_ratio: dpr,
                        },
                        mode,
                        page,
                        hide_self_view: hide,
                        max_renderable_videos: max,
                        page_size: size,
                        gap,
                    }
                },
            )
    })
}

fn visible(input: &LayoutInput, id: UserId) -> bool {
    input.participants.iter().any(|p| p.user_id == id)
        && !(input.hide_self_view && Some(id) == input.self_id)
}

fn main_tile(l: &Layout) -> Option<UserId> {
    l.tiles
        .iter()
        .find(|t| t.role == TileRole::Main && t.kind == TileKind::Video)
        .map(|t| t.user_id)
}

/// The visible pins, spotlights (and active speaker where sticky) that are
/// not on the stage, as the layout counts them.
fn sticky(input: &LayoutInput, l: &Layout) -> Vec<UserId> {
    let main = main_tile(l);
    let speaker = input.active_speaker.filter(|&s| {
        matches!(l.mode, LayoutMode::Speaker | LayoutMode::Share) && Some(s) != input.self_id
    });
    let mut out = Vec::new();
    for id in input
        .spotlights
        .iter()
        .chain(&input.pins)
        .copied()
        .chain(speaker)
    {
        if Some(id) != main && visible(input, id) && !out.contains(&id) {
            out.push(id);
        }
    }
    out
}

fn ids(l: &Layout) -> Vec<UserId> {
    l.tiles
        .iter()
        .filter(|t| t.kind == TileKind::Video && t.role != TileRole::Main)
        .map(|t| t.user_id)
        .collect()
}

/// Everyone in the paginated region across all pages, each once, in order:
/// a participant's position in the order.
fn global_order(input: &LayoutInput) -> Vec<UserId> {
    let first = layout(input).unwrap();
    let mut seen = Vec::new();
    for page in 0..first.page_count {
        let l = layout(&LayoutInput {
            page,
            ..input.clone()
        })
        .unwrap();
        for id in ids(&l) {
            if !seen.contains(&id) {
                seen.push(id);
            }
        }
    }
    seen
}

fn is_subsequence(a: &[UserId], b: &[UserId]) -> bool {
    let mut it = b.iter();
    a.iter().all(|x| it.any(|y| y == x))
}

/// An id in no list of the input.
fn newcomer(input: &LayoutInput) -> UserId {
    UserId(10_000 + input.participants.len() as u64)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 600, .. ProptestConfig::default() })]

    #[test]
    fn tiles_fit_do_not_overlap_and_keep_16_9(input in input()) {
        let l = layout(&input).unwrap();
        let vp = zoomkit_core::Rect::new(0.0, 0.0, input.viewport.width, input.viewport.height);
        prop_assert!(l.page < l.page_count);
        let mut seen = BTreeSet::new();
        for (i, t) in l.tiles.iter().enumerate() {
            prop_assert!(vp.contains(&t.rect, EPS), "tile {i} {:?} outside {vp:?}", t.rect);
            prop_assert!(t.rect.width > 0.0 && t.rect.height > 0.0);
            prop_assert!(visible(&input, t.user_id), "tile for absent or hidden {}", t.user_id);
            match (t.kind, input.share.and_then(|s| s.size)) {
                (TileKind::Video, _) => {
                    let ratio = t.rect.width / t.rect.height;
                    prop_assert!((ratio / TILE_ASPECT - 1.0).abs() < 1e-3, "aspect {ratio}");
                    prop_assert!(seen.insert(t.user_id), "{} twice", t.user_id);
                }
                (TileKind::Share, Some(size)) => {
                    let ratio = t.rect.width / t.rect.height;
                    prop_assert!((ratio / (size.width / size.height) - 1.0).abs() < 1e-3);
                }
                (TileKind::Share, None) => {}
            }
            for u in &l.tiles[..i] {
                if u.z == t.z {
                    prop_assert!(!u.rect.overlaps(&t.rect, EPS), "{:?} overlaps {:?}", u.rect, t.rect);
                }
            }
            if t.z > 0 {
                prop_assert!(l.tiles.iter().any(|u| u.z == 0 && u.rect.contains(&t.rect, EPS)));
            }
        }
    }

    #[test]
    fn pins_and_spotlights_are_on_every_page(input in input()) {
        let first = layout(&input).unwrap();
        prop_assume!(matches!(first.mode, LayoutMode::Gallery | LayoutMode::Speaker | LayoutMode::Share));
        let sticky = sticky(&input, &first);
        prop_assume!(sticky.len() < first.per_page as usize || first.page_count == 1);
        for page in 0..first.page_count {
            let l = layout(&LayoutInput { page, ..input.clone() }).unwrap();
            let shown: Vec<UserId> = l.tiles.iter().map(|t| t.user_id).collect();
            for id in input.pins.iter().chain(&input.spotlights) {
                if visible(&input, *id) {
                    prop_assert!(shown.contains(id), "pinned {id} missing on page {page}: {shown:?}");
                }
            }
            // And first among the grid or filmstrip, in the order given.
            prop_assert_eq!(&ids(&l)[..sticky.len()], &sticky[..]);
        }
    }

    #[test]
    fn the_active_speaker_is_visible_in_speaker_mode(input in input()) {
        let input = LayoutInput { mode: LayoutMode::Speaker, ..input };
        let l = layout(&input).unwrap();
        let Some(speaker) = input.active_speaker else { return Ok(()) };
        prop_assume!(visible(&input, speaker) && Some(speaker) != input.self_id);
        if input.pins.iter().chain(&input.spotlights).all(|&p| !visible(&input, p)) {
            prop_assert_eq!(main_tile(&l), Some(speaker));
        } else if sticky(&input, &l).len() < l.per_page as usize || l.page_count == 1 {
            prop_assert!(l.tiles.iter().any(|t| t.user_id == speaker));
        }
        let speaking: Vec<_> = l.tiles.iter().filter(|t| t.speaking).map(|t| t.user_id).collect();
        if l.tiles.iter().any(|t| t.user_id == speaker) {
            prop_assert_eq!(speaking, vec![speaker]);
        } else {
            prop_assert!(speaking.is_empty());
        }
    }

    #[test]
    fn the_render_budget_holds(input in input()) {
        let l = layout(&input).unwrap();
        let remote: Vec<_> = l.tiles.iter().filter(|t| !t.is_self && t.quality.is_some()).collect();
        prop_assert!(remote.len() <= input.max_renderable_videos as usize);
        let hd = remote.iter().filter(|t| t.quality == Some(VideoQuality::Video720P)).count();
        let slots = if input.max_renderable_videos <= 4 { 1 } else { 2 };
        prop_assert!(hd <= slots, "{hd} tiles at 720p, {slots} allowed");
        for t in &l.tiles {
            prop_assert!(t.quality != Some(VideoQuality::Video1080P));
            let on = input.participants.iter().any(|p| p.user_id == t.user_id && p.video_on);
            if t.kind == TileKind::Share || !on {
                prop_assert_eq!(t.quality, None);
            }
        }
        // Stage first: the budget goes to the main tile before anyone else.
        if input.max_renderable_videos > 0 {
            if let Some(m) = l.tiles.iter().find(|t| t.role == TileRole::Main && t.kind == TileKind::Video) {
                let on = input.participants.iter().any(|p| p.user_id == m.user_id && p.video_on);
                prop_assert_eq!(m.quality.is_some(), on);
            }
        }
    }

    #[test]
    fn input_order_does_not_matter_and_buffers_are_reusable(input in input(), other in input()) {
        let a = layout(&input).unwrap();
        let mut reversed = input.clone();
        reversed.participants.reverse();
        prop_assert_eq!(&layout(&reversed).unwrap(), &a);
        let mut l = Layouter::new();
        l.layout(&other).unwrap();
        prop_assert_eq!(l.layout(&input).unwrap(), &a);
    }

    #[test]
    fn a_join_moves_nobody_else(input in input()) {
        let before = layout(&input).unwrap();
        prop_assume!(matches!(before.mode, LayoutMode::Gallery | LayoutMode::Speaker | LayoutMode::Share));
        prop_assume!(main_tile(&before) != input.self_id || input.self_id.is_none());
        prop_assume!(sticky(&input, &before).len() < before.per_page as usize);
        let mut joined = input.clone();
        let seq = input.participants.iter().map(|p| p.join_seq).max().unwrap_or(0) + 1;
        joined.participants.push(LayoutParticipant::new(newcomer(&input), seq));
        let after = layout(&joined).unwrap();
        prop_assert_eq!(main_tile(&after), main_tile(&before));
        // Everyone keeps their position in the order (so their page); the
        // newcomer is last.
        let (o1, o2) = (global_order(&input), global_order(&joined));
        prop_assert_eq!(&o2[..o1.len()], &o1[..]);
        prop_assert_eq!(o2.len(), o1.len() + 1);
        prop_assert_eq!(o2[o1.len()], newcomer(&input));
        // On the page shown (if it was not clamped), everyone stays, in order.
        if before.page == input.page {
            prop_assert_eq!(after.page, before.page);
            prop_assert!(is_subsequence(&ids(&before), &ids(&after)));
            // Same grid shape: every row but the last keeps its rectangles.
            if before.mode == LayoutMode::Gallery && shape(&before) == shape(&after) {
                let last_y = before.tiles.iter().map(|t| t.rect.y).fold(f64::MIN, f64::max);
                for (a, b) in before.tiles.iter().zip(&after.tiles) {
                    if a.rect.y < last_y {
                        prop_assert_eq!(a.user_id, b.user_id);
                        prop_assert_eq!(a.rect, b.rect);
                    }
                }
            }
        }
    }

    #[test]
    fn a_leave_keeps_the_order_and_moves_others_back_at_most_one(input in input(), which in any::<prop::sample::Index>()) {
        prop_assume!(!input.participants.is_empty());
        let before = layout(&input).unwrap();
        prop_assume!(matches!(before.mode, LayoutMode::Gallery | LayoutMode::Speaker | LayoutMode::Share));
        prop_assume!(sticky(&input, &before).len() + 1 < before.per_page as usize);
        let leaver = input.participants[which.index(input.participants.len())].user_id;
        prop_assume!(Some(leaver) != main_tile(&before) && Some(leaver) != input.self_id);
        let mut left = input.clone();
        left.participants.retain(|p| p.user_id != leaver);
        let after = layout(&left).unwrap();
        prop_assume!(after.mode == before.mode && main_tile(&after) == main_tile(&before));
        let o1: Vec<UserId> = global_order(&input);
        let o2 = global_order(&left);
        let remaining: Vec<UserId> = o1.iter().copied().filter(|&u| u != leaver).collect();
        prop_assert_eq!(&o2, &remaining);
        for (i, u) in o1.iter().enumerate() {
            if let Some(j) = o2.iter().position(|x| x == u) {
                prop_assert!(j == i || j + 1 == i, "{u} moved from {i} to {j}");
            }
        }
        if before.page == input.page && after.page == before.page {
            let kept: Vec<UserId> = ids(&before).into_iter().filter(|&u| u != leaver).collect();
            let now = ids(&after);
            let common: Vec<UserId> = now.iter().copied().filter(|u| kept.contains(u)).collect();
            prop_assert!(is_subsequence(&common, &kept));
        }
    }
}

/// (columns, rows) of a gallery, read back from the tiles.
fn shape(l: &Layout) -> (usize, usize) {
    let mut rows: Vec<(f64, usize)> = Vec::new();
    for t in &l.tiles {
        match rows.iter_mut().find(|(y, _)| (*y - t.rect.y).abs() < EPS) {
            Some(r) => r.1 += 1,
            None => rows.push((t.rect.y, 1)),
        }
    }
    (rows.iter().map(|r| r.1).max().unwrap_or(0), rows.len())
}
