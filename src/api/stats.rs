//! `Session.stats()`: how the session went, in numbers. Counted by the
//! core (`zoomkit_core::stats`) from the session's own events; the end of a
//! session also sends them as a final `stats` event.

use wasm_bindgen::prelude::*;

use crate::api::{to_js, Session};

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &str = r#"
/** One loss of the connection (`SessionStats.reconnects`). */
export interface ReconnectStats {
  /** Zoom's own failover, or zoomkit's rejoin (also a failover zoomkit had to finish). */
  kind: "sdkFailover" | "rejoin";
  /** The cause of the transition that lost the connection. */
  cause: Cause;
  /** `Date.now()` ms. */
  startedAt: number;
  /** Until connected again; `null` while it lasts, or when the session ended first. */
  durationMs: number | null;
}
/** `Session.stats()` and the final `stats` event. Times are in ms. */
export interface SessionStats {
  /** From `join` (or `resume`) to the first `connected`. */
  joinMs: number | null;
  /** From the first `connected` until a remote participant's camera was first on. */
  firstRemoteVideoMs: number | null;
  connectedMs: number;
  reconnects: ReconnectStats[];
  rejoinAttempts: number;
  /** Device changes after the first choice (picked, fallback, back to the preferred one). */
  deviceSwitches: number;
  /** Camera time per capture profile. */
  captureMs: { standard: number; hd: number; fullHd: number };
  /** Camera paused for audio-only mode. */
  audioOnlyMs: number;
  /** `mediaFailed` and `mediaHealth` events. */
  mediaFailures: number;
}
"#;

#[wasm_bindgen]
impl Session {
    /// How this session went so far (time connected, on camera, ... up to
    /// now); after it ended, its final numbers until the next join.
    #[wasm_bindgen(unchecked_return_type = "SessionStats")]
    pub fn stats(&self) -> Result<JsValue, JsValue> {
        let now = crate::driver::now();
        let stats = self.driver().with_core(|c| c.stats(now));
        to_js(&stats)
    }
}
