//! What a layout takes ([`LayoutInput`]) and gives ([`Layout`]), and how it
//! refuses a bad input ([`LayoutError`]).

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::geometry::Rect;
use crate::quality::VideoQuality;
use crate::sdk::UserId;
use crate::wire::{Decode, Encode};

/// One participant, as the layout needs them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Encode, Decode)]
#[serde(rename_all = "camelCase")]
pub struct LayoutParticipant {
    /// `userId`.
    pub user_id: UserId,
    /// Increases with join order (a counter the glue keeps as `user-added`
    /// arrives, or the join time). Ties are ordered by `userId`.
    pub join_seq: u64,
    /// `bVideoOn`: without video a tile gets no receive quality.
    #[serde(default)]
    pub video_on: bool,
}

impl LayoutParticipant {
    /// A participant with video on.
    #[must_use]
    pub const fn new(user_id: UserId, join_seq: u64) -> Self {
        LayoutParticipant {
            user_id,
            join_seq,
            video_on: true,
        }
    }
}

/// The layout mode.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, Encode, Decode,
)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum LayoutMode {
    /// A paginated grid of equal tiles.
    #[default]
    Gallery,
    /// The main participant large, a filmstrip of the others.
    Speaker,
    /// The shared screen large, a filmstrip of everyone.
    Share,
    /// A picture-in-picture window: the main participant and a self overlay.
    Pip,
    /// One participant fills the viewport.
    Fullscreen {
        /// Who.
        user_id: UserId,
    },
}

/// The area to lay out, in CSS pixels.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Encode, Decode)]
#[serde(rename_all = "camelCase")]
pub struct Viewport {
    /// Width, above 0.
    pub width: f64,
    /// Height, above 0.
    pub height: f64,
    /// `window.devicePixelRatio`: receive quality follows device pixels.
    #[serde(default = "one")]
    pub device_pixel_ratio: f64,
}

fn one() -> f64 {
    1.0
}

impl Viewport {
    /// A viewport at device pixel ratio 1.
    #[must_use]
    pub const fn new(width: f64, height: f64) -> Self {
        Viewport {
            width,
            height,
            device_pixel_ratio: 1.0,
        }
    }
}

/// Size of shared content (`share-content-dimension-change`'s `width`/`height`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Encode, Decode)]
pub struct Size {
    /// Width.
    pub width: f64,
    /// Height.
    pub height: f64,
}

/// Someone is sharing their screen (`active-share-change` `Active`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Encode, Decode)]
#[serde(rename_all = "camelCase")]
pub struct ShareState {
    /// The sharer's `userId`.
    pub user_id: UserId,
    /// The content's size, if known: the share tile keeps its aspect ratio.
    #[serde(default)]
    pub size: Option<Size>,
}

/// Everything a layout depends on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Encode, Decode)]
#[serde(rename_all = "camelCase")]
pub struct LayoutInput {
    /// Everyone in the session, yourself included, in any order.
    pub participants: Vec<LayoutParticipant>,
    /// Your own `userId`.
    #[serde(default)]
    pub self_id: Option<UserId>,
    /// The current active speaker ([`ActiveSpeakerTracker::current`](super::ActiveSpeakerTracker::current)).
    #[serde(default)]
    pub active_speaker: Option<UserId>,
    /// Recent speakers, most recent first ([`ActiveSpeakerTracker::recent`](super::ActiveSpeakerTracker::recent)):
    /// who takes the stage when the active speaker is you or has left.
    #[serde(default)]
    pub recent_speakers: Vec<UserId>,
    /// The active share, if any.
    #[serde(default)]
    pub share: Option<ShareState>,
    /// Pinned by you, in pin order.
    #[serde(default)]
    pub pins: Vec<UserId>,
    /// Spotlighted by the host (`video-spotlight-change`'s `spotlightList`).
    #[serde(default)]
    pub spotlights: Vec<UserId>,
    /// The area.
    pub viewport: Viewport,
    /// The mode.
    #[serde(default)]
    pub mode: LayoutMode,
    /// The page (0-based) of the gallery or filmstrip; clamped to the last.
    #[serde(default)]
    pub page: u32,
    /// Hide your own tile.
    #[serde(default)]
    pub hide_self_view: bool,
    /// How many remote videos may render at once: `getMaxRenderableVideos()`,
    /// or the quality controller's [`SetMaxVideos`](crate::quality::QualityOutput::SetMaxVideos).
    pub max_renderable_videos: u32,
    /// Tiles per gallery page (and at most per filmstrip page), 1..=49.
    #[serde(default = "default_page_size")]
    pub page_size: u32,
    /// Space between tiles, in CSS pixels.
    #[serde(default)]
    pub gap: f64,
}

fn default_page_size() -> u32 {
    25
}

impl LayoutInput {
    /// A gallery of nobody in `viewport` with a render budget.
    #[must_use]
    pub fn new(viewport: Viewport, max_renderable_videos: u32) -> Self {
        LayoutInput {
            participants: Vec::new(),
            self_id: None,
            active_speaker: None,
            recent_speakers: Vec::new(),
            share: None,
            pins: Vec::new(),
            spotlights: Vec::new(),
            viewport,
            mode: LayoutMode::Gallery,
            page: 0,
            hide_self_view: false,
            max_renderable_videos,
            page_size: default_page_size(),
            gap: 0.0,
        }
    }
}

/// What a tile shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Encode, Decode)]
#[serde(rename_all = "camelCase")]
pub enum TileKind {
    /// A participant's video (or avatar): `attachVideo(userId, quality)`.
    Video,
    /// A screen share: `startShareView(canvas, userId)`.
    Share,
}

/// Where a tile sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Encode, Decode)]
#[serde(rename_all = "camelCase")]
pub enum TileRole {
    /// The stage: the speaker, the share, the full-screen participant.
    Main,
    /// A gallery cell.
    Grid,
    /// A filmstrip cell.
    Filmstrip,
    /// Above another tile (the picture-in-picture self view).
    Overlay,
}

/// One tile.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Encode, Decode)]
#[serde(rename_all = "camelCase")]
pub struct Tile {
    /// Whose.
    pub user_id: UserId,
    /// Video or share.
    pub kind: TileKind,
    /// Stage, grid, filmstrip or overlay.
    pub role: TileRole,
    /// Where, in CSS pixels.
    pub rect: Rect,
    /// Stacking: 0, or 1 for overlays.
    pub z: u8,
    /// The quality to attach the video at; `None`: do not attach (video
    /// off, over the render budget, or a share tile).
    pub quality: Option<VideoQuality>,
    /// Your own tile.
    pub is_self: bool,
    /// Pinned or spotlighted.
    pub pinned: bool,
    /// The active speaker.
    pub speaking: bool,
}

/// A layout: tiles (stage first, overlays last) and the pagination.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Encode)]
#[serde(rename_all = "camelCase")]
pub struct Layout {
    /// The mode laid out (after fallbacks).
    pub mode: LayoutMode,
    /// The page shown (the one asked for, clamped).
    pub page: u32,
    /// How many pages there are (at least 1).
    pub page_count: u32,
    /// How many grid or filmstrip tiles a page holds (0 without either).
    pub per_page: u32,
    /// The tiles.
    pub tiles: Vec<Tile>,
}

/// A [`LayoutInput`] that cannot be laid out.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum LayoutError {
    /// The viewport's size or pixel ratio is not a finite number above 0.
    #[error("viewport.{field} must be a finite number above 0, got {}", crate::wire::Num::of(.value))]
    Viewport {
        /// `width`, `height` or `devicePixelRatio`.
        field: &'static str,
        /// What was given.
        value: f64,
    },
    /// `gap` is negative or not finite.
    #[error("gap must be a finite number of at least 0, got {}", crate::wire::Num::of(.0))]
    Gap(f64),
    /// `share.size` is not finite and above 0.
    #[error(
        "share.size must have finite width and height above 0, got {}x{}",
        crate::wire::Num::of(.width),
        crate::wire::Num::of(.height)
    )]
    ShareSize {
        /// Given width.
        width: f64,
        /// Given height.
        height: f64,
    },
    /// A `userId` is listed twice in `participants`.
    #[error("participants lists userId {0} twice")]
    DuplicateParticipant(UserId),
}
