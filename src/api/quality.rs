//! The quality controller for JavaScript: the core's sans-IO machine, fed
//! JSON inputs and drained of JSON decisions. `Stage` drives one for you;
//! this export is for apps with their own renderer, and for the bench.

use wasm_bindgen::prelude::*;
use zoomkit_core::quality::{
    QualityConfig, QualityController as Core, QualityInput, QualityOutput,
};

use crate::api::{to_js, usage};
use crate::driver::now;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &str = r#"
/** Inputs of the quality controller: the SDK's own event names and payloads, plus a few of ours. */
export type QualityInput =
  | { kind: "selfUser"; payload: number }
  | { kind: "capabilities"; payload: { crossOriginIsolated: boolean; supportsMultipleVideos: boolean; maxRenderableVideos: number; supportsHdVideo: boolean; videoWebrtcMode?: boolean } }
  | { kind: "network-quality-change"; payload: { userId: number; type: "uplink" | "downlink"; level: number } }
  | { kind: "audio-statistic-data-change"; payload: unknown }
  | { kind: "video-statistic-data-change"; payload: unknown }
  | { kind: "system-resource-usage-change"; payload: unknown }
  | { kind: "tiles"; payload: { userId: number; quality: number }[] }
  | { kind: "timeout" };
/** Decisions of the quality controller. Qualities are the SDK's `VideoQuality` numbers. */
export type QualityOutput =
  | { type: "setCaptureQuality"; quality: number }
  | { type: "setReceiveQuality"; userId: number; quality: number }
  | { type: "setMaxVideos"; count: number }
  | { type: "audioOnly"; on: boolean }
  | { type: "diagnostic"; diagnostic: { kind: string; message: string } & Record<string, unknown> }
  | { type: "timeout"; at: number };
/** The controller's settings; every field is optional (the core's `QualityConfig` defaults). */
export interface QualityConfig {
  /** How long a lower target must last before going down, in ms. Default 2000. */
  downHold?: number;
  /** How long a higher target must last before going up, in ms. Default 10000. */
  upHold?: number;
  /** The least time between two switches of one direction, in ms. Default 4000. */
  minInterval?: number;
  /** How long a statistics report counts, in ms. Default 10000. */
  statsTtl?: number;
  /** Capture 1080p (`fullHd`) when everything allows it. Default `false`. */
  allowFullHd?: boolean;
  /** Video `avg_loss` from which a direction is capped at 360p. Default 4. */
  videoLoss360p?: number;
  /** Video `avg_loss` from which a direction is capped at 180p. Default 10. */
  videoLoss180p?: number;
  /** Audio `avg_loss` from which video is dropped to save the audio. Default 20. */
  audioLossAudioOnly?: number;
}
"#;

/// Picks capture quality, receive quality per tile, how many videos to
/// render and audio-only mode, with hysteresis.
#[wasm_bindgen]
pub struct QualityController {
    inner: Core,
    last: Option<QualityInput>,
}

#[wasm_bindgen]
impl QualityController {
    /// A controller; `config` is the core's `QualityConfig` in JSON
    /// (durations in ms), or `undefined` for the defaults.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "QualityConfig | undefined")] config: JsValue,
    ) -> Result<QualityController, JsValue> {
        let config: QualityConfig = if config.is_undefined() || config.is_null() {
            QualityConfig::default()
        } else {
            crate::json::from_js(&config)
                .map_err(|e| usage(format!("QualityController config: {e}")))?
        };
        Ok(QualityController {
            inner: Core::new(config),
            last: None,
        })
    }

    /// Feeds one input (an SDK event payload under its event name, or one of
    /// ours) at the current time.
    pub fn handle(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "QualityInput")] input: JsValue,
    ) -> Result<(), JsValue> {
        let input: QualityInput = crate::json::from_js(&input)
            .map_err(|e| usage(format!("QualityController.handle: {e}")))?;
        self.inner
            .handle(now(), input.clone())
            .map_err(|e| usage(format!("QualityController.handle: {e}")))?;
        self.last = Some(input);
        Ok(())
    }

    /// Drains the decisions taken so far.
    #[wasm_bindgen(unchecked_return_type = "QualityOutput[]")]
    pub fn poll(&mut self) -> Result<JsValue, JsValue> {
        // `poll` answers `Timeout` for as long as a timer is needed: it is
        // the last output of a drain.
        let mut out: Vec<QualityOutput> = Vec::new();
        while let Some(o) = self.inner.poll() {
            let last = matches!(o, QualityOutput::Timeout { .. });
            out.push(o);
            if last {
                break;
            }
        }
        to_js(&out)
    }

    /// Feeds the last input again `times` times (time advancing 1 ms each
    /// step) without crossing into JS: what `cargo xtask bench quality` times.
    pub fn repeat(&mut self, times: u32) -> Result<u32, JsValue> {
        let input = self
            .last
            .clone()
            .ok_or_else(|| usage("call handle(input) before repeat"))?;
        let start = now().as_millis();
        let mut decisions = 0;
        for i in 0..times {
            let t = zoomkit_core::Instant::from_millis(start + u64::from(i));
            self.inner
                .handle(t, input.clone())
                .map_err(|e| usage(format!("QualityController.repeat: {e}")))?;
            while let Some(o) = self.inner.poll() {
                if matches!(o, QualityOutput::Timeout { .. }) {
                    break;
                }
                decisions += 1;
            }
        }
        Ok(decisions)
    }
}
