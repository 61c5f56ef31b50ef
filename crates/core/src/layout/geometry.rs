//! Rectangles, 16:9 fits, grids and strips. Pure arithmetic on CSS pixels.

use crate::wire::{Decode, Encode};
use serde::{Deserialize, Serialize};

/// The aspect ratio of a video tile: 16:9, what the SDK renders on desktop
/// and in landscape (`skill/references/video/video-best-practices.md`).
pub const TILE_ASPECT: f64 = 16.0 / 9.0;

/// A rectangle in CSS pixels, origin at the viewport's top-left corner.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize, Encode, Decode)]
pub struct Rect {
    /// Left edge.
    pub x: f64,
    /// Top edge.
    pub y: f64,
    /// Width.
    pub width: f64,
    /// Height.
    pub height: f64,
}

impl Rect {
    /// A rectangle from its left, top, width and height.
    #[must_use]
    pub const fn new(x: f64, y: f64, width: f64, height: f64) -> Self {
        Rect {
            x,
            y,
            width,
            height,
        }
    }

    /// Right edge.
    #[must_use]
    pub fn right(&self) -> f64 {
        self.x + self.width
    }

    /// Bottom edge.
    #[must_use]
    pub fn bottom(&self) -> f64 {
        self.y + self.height
    }

    /// Whether the interiors intersect (touching edges do not), allowing
    /// `eps` of floating-point slack.
    #[must_use]
    pub fn overlaps(&self, other: &Rect, eps: f64) -> bool {
        self.x < other.right() - eps
            && other.x < self.right() - eps
            && self.y < other.bottom() - eps
            && other.y < self.bottom() - eps
    }

    /// Whether `inner` lies within this rectangle, allowing `eps`.
    #[must_use]
    pub fn contains(&self, inner: &Rect, eps: f64) -> bool {
        inner.x >= self.x - eps
            && inner.y >= self.y - eps
            && inner.right() <= self.right() + eps
            && inner.bottom() <= self.bottom() + eps
    }

    /// The largest rectangle of `aspect` (width / height) centred in this one.
    #[must_use]
    pub fn fit(&self, aspect: f64) -> Rect {
        let width = self.width.min(self.height * aspect);
        let height = width / aspect;
        Rect {
            x: self.x + (self.width - width) / 2.0,
            y: self.y + (self.height - height) / 2.0,
            width,
            height,
        }
    }
}

/// How a grid of `n` 16:9 tiles fills an area.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Grid {
    pub cols: usize,
    pub rows: usize,
    pub tile_w: f64,
    pub tile_h: f64,
    pub gap: f64,
    origin_x: f64,
    origin_y: f64,
    n: usize,
}

impl Grid {
    /// The column count that gives the largest tiles (the fewest columns on a
    /// tie). The gap is dropped when it leaves no room at all.
    pub(crate) fn fit(area: Rect, n: usize, gap: f64) -> Grid {
        Self::try_fit(area, n, gap).unwrap_or_else(|| {
            Self::try_fit(area, n, 0.0).unwrap_or(Grid {
                cols: 1,
                rows: n.max(1),
                tile_w: 0.0,
                tile_h: 0.0,
                gap: 0.0,
                origin_x: area.x,
                origin_y: area.y,
                n,
            })
        })
    }

    fn try_fit(area: Rect, n: usize, gap: f64) -> Option<Grid> {
        let mut best: Option<(usize, usize, f64)> = None;
        for cols in 1..=n.max(1) {
            let rows = n.max(1).div_ceil(cols);
            let cell_w = (area.width - gap * (cols - 1) as f64) / cols as f64;
            let cell_h = (area.height - gap * (rows - 1) as f64) / rows as f64;
            if cell_w <= 0.0 || cell_h <= 0.0 {
                continue;
            }
            let tile_w = cell_w.min(cell_h * TILE_ASPECT);
            if best.is_none_or(|(_, _, w)| tile_w > w) {
                best = Some((cols, rows, tile_w));
            }
        }
        let (cols, rows, tile_w) = best?;
        let tile_h = tile_w / TILE_ASPECT;
        let total_w = cols as f64 * tile_w + (cols - 1) as f64 * gap;
        let total_h = rows as f64 * tile_h + (rows - 1) as f64 * gap;
        Some(Grid {
            cols,
            rows,
            tile_w,
            tile_h,
            gap,
            origin_x: area.x + (area.width - total_w) / 2.0,
            origin_y: area.y + (area.height - total_h) / 2.0,
            n,
        })
    }

    /// The rectangle of tile `i` (row-major; a short last row is centred).
    pub(crate) fn cell(&self, i: usize) -> Rect {
        let row = i / self.cols;
        let col = i % self.cols;
        let in_last_row = self.n - (self.rows - 1) * self.cols;
        let shift = if row == self.rows - 1 {
            (self.cols - in_last_row) as f64 * (self.tile_w + self.gap) / 2.0
        } else {
            0.0
        };
        Rect {
            x: self.origin_x + shift + col as f64 * (self.tile_w + self.gap),
            y: self.origin_y + row as f64 * (self.tile_h + self.gap),
            width: self.tile_w,
            height: self.tile_h,
        }
    }
}

/// A row of 16:9 tiles as tall as a band (or narrower if the band is).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Strip {
    band: Rect,
    tile_w: f64,
    tile_h: f64,
    gap: f64,
}

impl Strip {
    pub(crate) fn new(band: Rect, gap: f64) -> Strip {
        let mut tile_h = band.height;
        let mut tile_w = tile_h * TILE_ASPECT;
        if tile_w > band.width {
            tile_w = band.width;
            tile_h = tile_w / TILE_ASPECT;
        }
        Strip {
            band,
            tile_w,
            tile_h,
            gap,
        }
    }

    /// How many tiles fit side by side.
    pub(crate) fn capacity(&self) -> usize {
        // `as` saturates; the band is finite and positive, so this is >= 1.
        (((self.band.width + self.gap) / (self.tile_w + self.gap)).floor() as usize).max(1)
    }

    /// The rectangle of tile `i` of `n` (the row is centred).
    pub(crate) fn cell(&self, i: usize, n: usize) -> Rect {
        let total = n as f64 * self.tile_w + n.saturating_sub(1) as f64 * self.gap;
        Rect {
            x: self.band.x + (self.band.width - total) / 2.0 + i as f64 * (self.tile_w + self.gap),
            y: self.band.y + (self.band.height - self.tile_h) / 2.0,
            width: self.tile_w,
            height: self.tile_h,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_centres_the_largest_16_9_rectangle() {
        let r = Rect::new(0.0, 0.0, 1000.0, 1000.0).fit(TILE_ASPECT);
        assert_eq!(r.width, 1000.0);
        assert!((r.height - 562.5).abs() < 1e-9);
        assert!((r.y - 218.75).abs() < 1e-9);
    }

    #[test]
    fn grid_picks_the_shape_with_the_largest_tiles() {
        // Four tiles in a 16:9 viewport: 2x2.
        let g = Grid::fit(Rect::new(0.0, 0.0, 1600.0, 900.0), 4, 0.0);
        assert_eq!((g.cols, g.rows), (2, 2));
        assert_eq!(g.tile_w, 800.0);
        // Three in a wide strip: one row.
        let g = Grid::fit(Rect::new(0.0, 0.0, 3000.0, 500.0), 3, 0.0);
        assert_eq!((g.cols, g.rows), (3, 1));
        // A short last row is centred.
        let g = Grid::fit(Rect::new(0.0, 0.0, 1600.0, 900.0), 3, 0.0);
        assert_eq!((g.cols, g.rows), (2, 2));
        assert_eq!(g.cell(2).x, 400.0);
    }

    #[test]
    fn a_gap_too_large_for_the_area_is_dropped() {
        let g = Grid::fit(Rect::new(0.0, 0.0, 10.0, 10.0), 4, 100.0);
        assert_eq!(g.gap, 0.0);
        assert!(g.tile_w > 0.0);
    }

    #[test]
    fn strip_capacity_counts_whole_tiles() {
        let s = Strip::new(Rect::new(0.0, 700.0, 1000.0, 90.0), 10.0);
        // 160 px tiles + 10 px gaps: 5 * 160 + 4 * 10 = 840 <= 1000 < 1010.
        assert_eq!(s.capacity(), 5);
        let s = Strip::new(Rect::new(0.0, 0.0, 100.0, 90.0), 0.0);
        assert_eq!(s.capacity(), 1);
        assert_eq!(s.cell(0, 1).width, 100.0);
    }
}
