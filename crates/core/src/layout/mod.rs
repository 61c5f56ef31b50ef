//! Layout: which participants get a tile, where, at what receive quality.
//!
//! A pure function from a [`LayoutInput`] (participants, active speaker,
//! share, pins and spotlights, viewport, mode, page, self view, how many
//! videos may render) to a [`Layout`] (tiles with a rectangle, z-order and
//! receive quality, and the page count). No state, no clock: the glue calls
//! it whenever an input changes and applies the difference (`attachVideo`,
//! `detachVideo`, CSS positions). [`Layouter`] keeps its buffers between
//! calls so a layout allocates nothing once warm.
//!
//! ```
//! # use zoomkit_core::layout::{layout, LayoutInput, LayoutMode, LayoutParticipant, Viewport};
//! # use zoomkit_core::UserId;
//! let input = LayoutInput {
//!     participants: (1..=5).map(|i| LayoutParticipant::new(UserId(i), i)).collect(),
//!     self_id: Some(UserId(1)),
//!     mode: LayoutMode::Gallery,
//!     page_size: 4,
//!     ..LayoutInput::new(Viewport::new(1280.0, 720.0), 25)
//! };
//! let out = layout(&input).unwrap();
//! assert_eq!(out.page_count, 2);
//! assert_eq!(out.tiles.len(), 4);
//! assert_eq!(out.tiles[0].user_id, UserId(1)); // self first, then join order
//! ```
//!
//! # Modes
//!
//! - **gallery**: a grid of equal 16:9 tiles, [`LayoutInput::page_size`] per
//!   page (default 25, the SDK's desktop maximum; its best practices suggest
//!   9 on desktop and 4 on mobile).
//! - **speaker**: the main participant on a large stage, everyone else on a
//!   filmstrip along the bottom ([`FILMSTRIP_FRACTION`] of the height),
//!   paginated by [`LayoutInput::page`].
//! - **share**: the shared screen on the stage, a filmstrip of everyone.
//!   Falls back to speaker when nobody else shares (your own share is not
//!   drawn back to you).
//! - **pip**: for a picture-in-picture window: the main participant, and the
//!   self view as an overlay in the corner (z 1).
//! - **fullscreen**: one participant fills the viewport; falls back to
//!   speaker if they are not there.
//!
//! The main participant is the first present of: spotlights, pins, the
//! active speaker, recent speakers, the earliest joiner; never yourself
//! unless you are alone.
//!
//! # Order, and what "stable" means
//!
//! Tiles follow one order: spotlights (in the order given), pins (in the
//! order given), then, in speaker and share modes, the active speaker; then
//! yourself; then everyone else by [`LayoutParticipant::join_seq`] (ties by
//! `userId`). The input's order does not matter. Pins, spotlights and the
//! active speaker ("sticky" tiles) are on **every** page as long as there are
//! fewer of them than tiles per page.
//!
//! A join never moves anyone else: someone joining with a `join_seq` above
//! everyone's lands at the end of the order, so every other participant
//! keeps their position in the order and therefore their page; on the page
//! shown, tiles keep their relative order; and when the page's grid keeps its
//! shape (columns and rows), every tile outside the last row keeps its exact
//! rectangle. A leave keeps the order of everyone else, each moving back by
//! at most one position. Three cases are outside these promises, by design:
//! the first person to join you when you were alone on the speaker stage
//! takes it; a page asked for past the last one shows the last one, which a
//! join can change; and pins beyond a page's worth page with the others. The
//! property tests (`tests/layout_properties.rs`) check the statements as
//! written.
//!
//! # Receive quality
//!
//! Each video tile gets the [`VideoQuality`] its size on screen (in device
//! pixels) deserves: 720p from 450 px tall, 360p from 225, 180p from 112.5,
//! else 90p (1.25 times the lower rung: the SDK's advice of 360p for a 3x3
//! gallery and 180p for 5x5 on a 1080p screen). Then the SDK's render budget
//! (`stream.getMaxRenderableVideos()`, or what the quality controller says):
//! at most [`LayoutInput::max_renderable_videos`] remote videos get a quality,
//! main and sticky tiles first; the rest get `None` (draw an avatar, do not
//! attach). At most one tile gets 720p when the budget is 4 or less, two
//! otherwise, following `video-hd.md`'s table; the self view is local and
//! not counted. 1080p is never asked for: the SDK renders at most one and
//! only on Chromium.

mod geometry;
mod speaker;
mod types;

pub use geometry::{Rect, TILE_ASPECT};
pub use speaker::{ActiveSpeaker, ActiveSpeakerTracker};
pub use types::{
    Layout, LayoutError, LayoutInput, LayoutMode, LayoutParticipant, ShareState, Size, Tile,
    TileKind, TileRole, Viewport,
};

use crate::quality::VideoQuality;
use crate::sdk::UserId;
use geometry::{Grid, Strip};

/// The filmstrip's share of the viewport's height in speaker and share modes.
pub const FILMSTRIP_FRACTION: f64 = 0.2;

/// The self view's share of the main tile's width in picture-in-picture.
pub const PIP_SELF_FRACTION: f64 = 0.25;

/// The most tiles a gallery page holds (a 7x7 grid).
pub const MAX_PAGE_SIZE: u32 = 49;

/// Lays out `input` (allocating; see [`Layouter`] to reuse buffers).
///
/// # Errors
/// [`LayoutError`] naming the bad field.
pub fn layout(input: &LayoutInput) -> Result<Layout, LayoutError> {
    let mut l = Layouter::default();
    l.layout(input)?;
    Ok(l.out)
}

/// The layout function with its buffers kept between calls.
#[derive(Debug, Clone, Default)]
pub struct Layouter {
    out: Layout,
    /// (userId, index into participants), sorted by userId.
    by_id: Vec<(UserId, u32)>,
    /// Indices into participants in join order.
    order: Vec<u32>,
    lists: Lists,
}

/// The page's participants, built per layout.
#[derive(Debug, Clone, Default)]
struct Lists {
    sticky: Vec<UserId>,
    sticky_sorted: Vec<UserId>,
    rest: Vec<UserId>,
    shown: Vec<UserId>,
}

/// Which slice of the sticky and rest lists a page shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Page {
    /// `sticky[..sticky_shown]` are on every page.
    sticky_shown: usize,
    /// Range into `sticky[sticky_shown..] ++ rest`.
    start: usize,
    end: usize,
    page: u32,
    count: u32,
    capacity: usize,
}

fn paginate(sticky: usize, rest: usize, capacity: usize, page: u32) -> Page {
    let total = sticky + rest;
    if capacity == 0 || total == 0 {
        return Page {
            sticky_shown: 0,
            start: 0,
            end: 0,
            page: 0,
            count: 1,
            capacity,
        };
    }
    if total <= capacity {
        return Page {
            sticky_shown: sticky,
            start: 0,
            end: rest,
            page: 0,
            count: 1,
            capacity,
        };
    }
    // More than a page: keep a slot for the others, unless there are none.
    let shown = if rest == 0 {
        0
    } else {
        sticky.min(capacity - 1)
    };
    let list = total - shown;
    let per = capacity - shown;
    let count = list.div_ceil(per).max(1);
    let page = (page as usize).min(count - 1);
    let start = page * per;
    Page {
        sticky_shown: shown,
        start,
        end: (start + per).min(list),
        page: u32::try_from(page).unwrap_or(u32::MAX),
        count: u32::try_from(count).unwrap_or(u32::MAX),
        capacity,
    }
}

fn check(input: &LayoutInput) -> Result<(), LayoutError> {
    let vp = &input.viewport;
    for (field, value) in [
        ("width", vp.width),
        ("height", vp.height),
        ("devicePixelRatio", vp.device_pixel_ratio),
    ] {
        if !(value.is_finite() && value > 0.0) {
            return Err(LayoutError::Viewport { field, value });
        }
    }
    if !(input.gap.is_finite() && input.gap >= 0.0) {
        return Err(LayoutError::Gap(input.gap));
    }
    if let Some(Size { width, height }) = input.share.and_then(|s| s.size) {
        if !(width.is_finite() && width > 0.0 && height.is_finite() && height > 0.0) {
            return Err(LayoutError::ShareSize { width, height });
        }
    }
    Ok(())
}

impl Layouter {
    /// A layouter with empty buffers.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// The last layout computed.
    #[must_use]
    pub fn last(&self) -> &Layout {
        &self.out
    }

    /// Lays out `input`, reusing this layouter's buffers.
    ///
    /// # Errors
    /// [`LayoutError`] naming the bad field; the last layout is then empty.
    pub fn layout(&mut self, input: &LayoutInput) -> Result<&Layout, LayoutError> {
        let out = &mut self.out;
        out.tiles.clear();
        out.page = 0;
        out.page_count = 1;
        out.per_page = 0;
        out.mode = input.mode;
        check(input)?;
        index(input, &mut self.by_id, &mut self.order)?;
        let ctx = Ctx {
            input,
            by_id: &self.by_id,
            order: &self.order,
        };
        let lists = &mut self.lists;
        let mode = match input.mode {
            LayoutMode::Fullscreen { user_id } if ctx.visible(user_id) => input.mode,
            LayoutMode::Fullscreen { .. } => LayoutMode::Speaker,
            LayoutMode::Share => match input.share {
                Some(s) if ctx.present(s.user_id) && Some(s.user_id) != input.self_id => {
                    LayoutMode::Share
                }
                _ => LayoutMode::Speaker,
            },
            m => m,
        };
        out.mode = mode;
        let vp = Rect::new(0.0, 0.0, input.viewport.width, input.viewport.height);
        let page_size = input.page_size.clamp(1, MAX_PAGE_SIZE) as usize;
        match mode {
            LayoutMode::Gallery => {
                lists.fill(&ctx, None, false);
                let page = paginate(lists.sticky.len(), lists.rest.len(), page_size, input.page);
                lists.select(page, out);
                let grid = Grid::fit(vp, lists.shown.len(), input.gap);
                for (i, &id) in lists.shown.iter().enumerate() {
                    out.tiles.push(ctx.tile(id, TileRole::Grid, grid.cell(i)));
                }
            }
            LayoutMode::Speaker | LayoutMode::Share => {
                let share = input.share.filter(|_| mode == LayoutMode::Share);
                let main = match (share, ctx.main()) {
                    (Some(_), _) => None,
                    (None, Some(m)) => Some(m),
                    (None, None) => return Ok(&self.out),
                };
                lists.fill(&ctx, main, true);
                if lists.sticky.is_empty() && lists.rest.is_empty() {
                    if let Some(m) = main {
                        out.tiles
                            .push(ctx.tile(m, TileRole::Main, vp.fit(TILE_ASPECT)));
                    }
                } else {
                    let strip_h = vp.height * FILMSTRIP_FRACTION;
                    let gap = if vp.height - strip_h - input.gap > 0.0 {
                        input.gap
                    } else {
                        0.0
                    };
                    let stage = Rect::new(0.0, 0.0, vp.width, vp.height - strip_h - gap);
                    let strip =
                        Strip::new(Rect::new(0.0, vp.height - strip_h, vp.width, strip_h), gap);
                    let capacity = strip.capacity().min(page_size);
                    let page = paginate(lists.sticky.len(), lists.rest.len(), capacity, input.page);
                    lists.select(page, out);
                    if let Some(m) = main {
                        out.tiles
                            .push(ctx.tile(m, TileRole::Main, stage.fit(TILE_ASPECT)));
                    } else if let Some(s) = share {
                        let rect = match s.size {
                            Some(size) => stage.fit(size.width / size.height),
                            None => stage,
                        };
                        out.tiles.push(Tile {
                            user_id: s.user_id,
                            kind: TileKind::Share,
                            role: TileRole::Main,
                            rect,
                            z: 0,
                            quality: None,
                            is_self: false,
                            pinned: false,
                            speaking: false,
                        });
                    }
                    let n = lists.shown.len();
                    for (i, &id) in lists.shown.iter().enumerate() {
                        out.tiles
                            .push(ctx.tile(id, TileRole::Filmstrip, strip.cell(i, n)));
                    }
                }
            }
            LayoutMode::Pip => {
                let Some(main) = ctx.main() else {
                    return Ok(&self.out);
                };
                let stage = vp.fit(TILE_ASPECT);
                out.tiles.push(ctx.tile(main, TileRole::Main, stage));
                if let Some(me) = input.self_id.filter(|&me| me != main && ctx.visible(me)) {
                    let width = stage.width * PIP_SELF_FRACTION;
                    let height = width / TILE_ASPECT;
                    let margin = stage.width * 0.02;
                    let rect = Rect::new(
                        stage.right() - width - margin,
                        stage.bottom() - height - margin,
                        width,
                        height,
                    );
                    out.tiles.push(Tile {
                        z: 1,
                        ..ctx.tile(me, TileRole::Overlay, rect)
                    });
                }
            }
            LayoutMode::Fullscreen { user_id } => {
                out.tiles
                    .push(ctx.tile(user_id, TileRole::Main, vp.fit(TILE_ASPECT)));
            }
        }
        assign_quality(input, &mut out.tiles);
        Ok(&self.out)
    }
}

/// Sorts `v` by `less`. The layout's keys are unique (duplicates are refused),
/// so an unstable sort gives the one order; this one is a few hundred bytes
/// of wasm where `sort_unstable`'s ipnsort was over ten thousand.
fn heapsort<T>(v: &mut [T], less: impl Fn(&T, &T) -> bool) {
    // Ids usually arrive in order: then there is nothing to do.
    if v.windows(2).all(|w| !less(&w[1], &w[0])) {
        return;
    }
    let sift = |v: &mut [T], mut root: usize, end: usize| loop {
        let mut child = 2 * root + 1;
        if child >= end {
            break;
        }
        if child + 1 < end && less(&v[child], &v[child + 1]) {
            child += 1;
        }
        if !less(&v[root], &v[child]) {
            break;
        }
        v.swap(root, child);
        root = child;
    };
    for i in (0..v.len() / 2).rev() {
        sift(v, i, v.len());
    }
    for end in (1..v.len()).rev() {
        v.swap(0, end);
        sift(v, 0, end);
    }
}

/// Fills `by_id` (refusing duplicates) and `order` (join order).
fn index(
    input: &LayoutInput,
    by_id: &mut Vec<(UserId, u32)>,
    order: &mut Vec<u32>,
) -> Result<(), LayoutError> {
    let ps = &input.participants;
    by_id.clear();
    by_id.extend(
        ps.iter()
            .enumerate()
            .map(|(i, p)| (p.user_id, u32::try_from(i).unwrap_or(u32::MAX))),
    );
    heapsort(by_id, |a, b| a.0 < b.0);
    if let Some(w) = by_id.windows(2).find(|w| w[0].0 == w[1].0) {
        return Err(LayoutError::DuplicateParticipant(w[0].0));
    }
    let key = |i: u32| {
        let p = &ps[i as usize];
        (p.join_seq, p.user_id)
    };
    order.clear();
    order.extend(0..u32::try_from(ps.len()).unwrap_or(u32::MAX));
    // Usually already in join order: skip the sort then.
    if !order.is_sorted_by_key(|&i| key(i)) {
        heapsort(order, |&a, &b| key(a) < key(b));
    }
    Ok(())
}

impl Lists {
    /// Fills `sticky` (spotlights, pins, and the active speaker if
    /// `with_speaker`) and `rest` (yourself, then join order), without `main`
    /// and without anyone hidden or absent.
    fn fill(&mut self, ctx: &Ctx<'_>, main: Option<UserId>, with_speaker: bool) {
        let input = ctx.input;
        self.sticky.clear();
        let speaker = input
            .active_speaker
            .filter(|&s| with_speaker && Some(s) != input.self_id);
        // Three loops rather than one over a chain of the three sources: the
        // chain's adapters cost more wasm than the loops.
        let sticky = &mut self.sticky;
        let mut add = |id: UserId| {
            if Some(id) != main && ctx.visible(id) && !sticky.contains(&id) {
                sticky.push(id);
            }
        };
        for &id in &input.spotlights {
            add(id);
        }
        for &id in &input.pins {
            add(id);
        }
        if let Some(id) = speaker {
            add(id);
        }
        self.sticky_sorted.clear();
        self.sticky_sorted.extend_from_slice(&self.sticky);
        heapsort(&mut self.sticky_sorted, |a, b| a < b);
        let sticky = &self.sticky_sorted;
        let skip = |id: UserId| Some(id) == main || sticky.binary_search(&id).is_ok();
        self.rest.clear();
        if let Some(me) = input.self_id.filter(|&me| ctx.visible(me) && !skip(me)) {
            self.rest.push(me);
        }
        for &i in ctx.order {
            let id = input.participants[i as usize].user_id;
            if Some(id) != input.self_id && !skip(id) {
                self.rest.push(id);
            }
        }
    }

    /// Fills `shown` with the page's participants, in order.
    fn select(&mut self, page: Page, out: &mut Layout) {
        out.page = page.page;
        out.page_count = page.count;
        out.per_page = u32::try_from(page.capacity).unwrap_or(u32::MAX);
        self.shown.clear();
        self.shown
            .extend_from_slice(&self.sticky[..page.sticky_shown]);
        let overflow = &self.sticky[page.sticky_shown..];
        for j in page.start..page.end {
            self.shown.push(match overflow.get(j) {
                Some(&id) => id,
                None => self.rest[j - overflow.len()],
            });
        }
    }
}

struct Ctx<'a> {
    input: &'a LayoutInput,
    by_id: &'a [(UserId, u32)],
    order: &'a [u32],
}

impl Ctx<'_> {
    fn participant(&self, id: UserId) -> Option<&LayoutParticipant> {
        self.by_id
            .binary_search_by_key(&id, |e| e.0)
            .ok()
            .map(|i| &self.input.participants[self.by_id[i].1 as usize])
    }

    fn present(&self, id: UserId) -> bool {
        self.participant(id).is_some()
    }

    fn visible(&self, id: UserId) -> bool {
        self.present(id) && !(self.input.hide_self_view && Some(id) == self.input.self_id)
    }

    /// Spotlights, pins, the active speaker, recent speakers, the earliest
    /// joiner; yourself only when alone.
    fn main(&self) -> Option<UserId> {
        let input = self.input;
        let me = input.self_id;
        // The first visible id of a list, skipping yourself if `not_me`. One
        // function over plain slices: chained iterators cost more wasm.
        let first = |ids: &[UserId], not_me: bool| {
            ids.iter()
                .copied()
                .find(|&id| !(not_me && Some(id) == me) && self.visible(id))
        };
        first(&input.spotlights, false)
            .or_else(|| first(&input.pins, false))
            .or_else(|| first(input.active_speaker.as_slice(), true))
            .or_else(|| first(&input.recent_speakers, true))
            .or_else(|| {
                self.order
                    .iter()
                    .map(|&i| input.participants[i as usize].user_id)
                    .find(|&id| Some(id) != me)
            })
            .or_else(|| me.filter(|&me| self.visible(me)))
    }

    fn tile(&self, id: UserId, role: TileRole, rect: Rect) -> Tile {
        let input = self.input;
        let video_on = self.participant(id).is_some_and(|p| p.video_on);
        Tile {
            user_id: id,
            kind: TileKind::Video,
            role,
            rect,
            z: 0,
            // Provisional: `assign_quality` decides.
            quality: video_on.then_some(VideoQuality::Video90P),
            is_self: Some(id) == input.self_id,
            pinned: input.pins.contains(&id) || input.spotlights.contains(&id),
            speaking: Some(id) == input.active_speaker,
        }
    }
}

/// The quality a tile `height_px` device pixels tall deserves (never 1080p).
#[must_use]
pub fn quality_for_height(height_px: f64) -> VideoQuality {
    if height_px >= 450.0 {
        VideoQuality::Video720P
    } else if height_px >= 225.0 {
        VideoQuality::Video360P
    } else if height_px >= 112.5 {
        VideoQuality::Video180P
    } else {
        VideoQuality::Video90P
    }
}

/// Sizes, then the render budget and the 720p slots, in tile order (stage
/// and sticky tiles come first).
fn assign_quality(input: &LayoutInput, tiles: &mut [Tile]) {
    let mut budget = input.max_renderable_videos;
    let mut hd_slots = if budget <= 4 { 1 } else { 2 };
    let dpr = input.viewport.device_pixel_ratio;
    for t in tiles.iter_mut() {
        if t.kind != TileKind::Video || t.quality.is_none() {
            continue;
        }
        let mut q = quality_for_height(t.rect.height * dpr);
        if t.is_self {
            t.quality = Some(q);
            continue;
        }
        if budget == 0 {
            t.quality = None;
            continue;
        }
        budget -= 1;
        if q == VideoQuality::Video720P {
            if hd_slots > 0 {
                hd_slots -= 1;
            } else {
                q = VideoQuality::Video360P;
            }
        }
        t.quality = Some(q);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heapsort_sorts_like_std() {
        // Lengths 0 to 39, random values with many duplicates.
        let mut seed = 7u64;
        for len in 0..40 {
            for _ in 0..20 {
                let mut v: Vec<u32> = (0..len)
                    .map(|_| {
                        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                        (seed >> 33) as u32 % 16
                    })
                    .collect();
                let mut expect = v.clone();
                expect.sort_unstable();
                heapsort(&mut v, |a, b| a < b);
                assert_eq!(v, expect);
            }
        }
    }

    #[test]
    fn paginate_keeps_sticky_on_every_page() {
        // 2 sticky, 10 rest, 4 per page: 2 + 2 per page, 5 pages.
        let p = paginate(2, 10, 4, 3);
        assert_eq!(
            p,
            Page {
                sticky_shown: 2,
                start: 6,
                end: 8,
                page: 3,
                count: 5,
                capacity: 4,
            }
        );
        // Too many sticky: three stay, the other three page with the rest
        // through the one slot left.
        let p = paginate(6, 2, 4, 0);
        assert_eq!((p.sticky_shown, p.count), (3, 5));
        // Everything fits.
        assert_eq!(paginate(3, 1, 4, 9).count, 1);
        assert_eq!(paginate(4, 0, 4, 0).sticky_shown, 4);
        // Nobody.
        assert_eq!(paginate(0, 0, 4, 2).count, 1);
        // Only sticky, more than fit.
        let p = paginate(9, 0, 4, 2);
        assert_eq!((p.sticky_shown, p.start, p.end, p.count), (0, 8, 9, 3));
    }

    #[test]
    fn quality_follows_device_pixels() {
        assert_eq!(quality_for_height(720.0), VideoQuality::Video720P);
        assert_eq!(quality_for_height(360.0), VideoQuality::Video360P);
        assert_eq!(quality_for_height(216.0), VideoQuality::Video180P);
        assert_eq!(quality_for_height(100.0), VideoQuality::Video90P);
    }
}
