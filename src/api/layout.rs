//! Layout for JavaScript: the core's pure layout function, and a reusable
//! layouter for hot paths (resize, benchmarks).

use wasm_bindgen::prelude::*;
use zoomkit_core::layout::{LayoutInput, Layouter as CoreLayouter};

use crate::api::{to_js, usage};

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &str = r#"
/** One participant as the layout needs them. `joinSeq` increases with join order. */
export interface LayoutParticipant { userId: number; joinSeq: number; videoOn?: boolean }
export type LayoutMode =
  | { kind: "gallery" } | { kind: "speaker" } | { kind: "share" } | { kind: "pip" }
  | { kind: "fullscreen"; userId: number };
/** Everything a layout depends on (see zoomkit-core's `layout` module). */
export interface LayoutInput {
  participants: LayoutParticipant[];
  selfId?: number | null;
  activeSpeaker?: number | null;
  recentSpeakers?: number[];
  share?: { userId: number; size?: { width: number; height: number } | null } | null;
  pins?: number[];
  spotlights?: number[];
  viewport: { width: number; height: number; devicePixelRatio?: number };
  mode?: LayoutMode;
  page?: number;
  hideSelfView?: boolean;
  maxRenderableVideos: number;
  pageSize?: number;
  gap?: number;
}
/** One tile: where it goes and at what quality to attach its video (`null`: do not attach). */
export interface Tile {
  userId: number;
  kind: "video" | "share";
  role: "main" | "grid" | "filmstrip" | "overlay";
  rect: { x: number; y: number; width: number; height: number };
  z: number;
  quality: number | null;
  isSelf: boolean;
  pinned: boolean;
  speaking: boolean;
}
export interface Layout { mode: LayoutMode; page: number; pageCount: number; perPage: number; tiles: Tile[] }
"#;

fn input(value: &JsValue) -> Result<LayoutInput, JsValue> {
    crate::json::from_js(value).map_err(|e| usage(format!("layout input: {e}")))
}

/// Lays out tiles: a pure function of its input. Throws a `ZoomkitError`
/// (kind `usage`) naming the bad field.
#[wasm_bindgen(js_name = layout, unchecked_return_type = "Layout")]
pub fn layout_js(
    #[wasm_bindgen(unchecked_param_type = "LayoutInput")] input_value: JsValue,
) -> Result<JsValue, JsValue> {
    let input = input(&input_value)?;
    let layout = zoomkit_core::layout::layout(&input).map_err(|e| usage(format!("layout: {e}")))?;
    to_js(&layout)
}

/// A layouter that keeps its buffers and its input between calls.
#[wasm_bindgen]
pub struct Layouter {
    inner: CoreLayouter,
    input: Option<LayoutInput>,
}

#[wasm_bindgen]
impl Layouter {
    /// An empty layouter.
    #[wasm_bindgen(constructor)]
    #[allow(clippy::new_without_default)]
    pub fn new() -> Layouter {
        Layouter {
            inner: CoreLayouter::new(),
            input: None,
        }
    }

    /// Stores `input` and lays it out.
    #[wasm_bindgen(unchecked_return_type = "Layout")]
    pub fn layout(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "LayoutInput")] input_value: JsValue,
    ) -> Result<JsValue, JsValue> {
        let input = input(&input_value)?;
        let layout = self
            .inner
            .layout(&input)
            .map_err(|e| usage(format!("layout: {e}")))?;
        let out = to_js(layout)?;
        self.input = Some(input);
        Ok(out)
    }

    /// Lays out the stored input `times` times without crossing into JS:
    /// what `cargo xtask bench layout` times. Returns the tile count.
    pub fn repeat(&mut self, times: u32) -> Result<usize, JsValue> {
        let input = self
            .input
            .as_ref()
            .ok_or_else(|| usage("call layout(input) before repeat"))?;
        let mut tiles = 0;
        for _ in 0..times {
            tiles = self
                .inner
                .layout(input)
                .map_err(|e| usage(format!("layout: {e}")))?
                .tiles
                .len();
        }
        Ok(tiles)
    }
}
