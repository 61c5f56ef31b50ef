//! `Session`'s cloud recording controls and individual-recording consent.
//! What fits the recording's status, and who may control it, is the core's
//! (`zoomkit_core::recording`).

use wasm_bindgen::prelude::*;
use zoomkit_core::action::Action;
use zoomkit_core::recording::RecordingAction;

use crate::api::{act, to_js, Session};

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &str = r#"
/** The SDK's `RecordingStatus`. */
export type RecordingStatus = "Recording" | "Paused" | "Stopped" | "Ask" | "Accept" | "Decline";
"#;

#[wasm_bindgen]
impl Session {
    /// Starts cloud recording (host; `code` `hostOnly` otherwise,
    /// `recordingState` when it already runs).
    #[wasm_bindgen(js_name = startRecording, unchecked_return_type = "Promise<void>")]
    pub fn start_recording(&self) -> js_sys::Promise {
        act(self, Action::Recording(RecordingAction::Start))
    }

    /// Stops cloud recording (host).
    #[wasm_bindgen(js_name = stopRecording, unchecked_return_type = "Promise<void>")]
    pub fn stop_recording(&self) -> js_sys::Promise {
        act(self, Action::Recording(RecordingAction::Stop))
    }

    /// Pauses cloud recording (host; only while recording).
    #[wasm_bindgen(js_name = pauseRecording, unchecked_return_type = "Promise<void>")]
    pub fn pause_recording(&self) -> js_sys::Promise {
        act(self, Action::Recording(RecordingAction::Pause))
    }

    /// Resumes a paused cloud recording (host).
    #[wasm_bindgen(js_name = resumeRecording, unchecked_return_type = "Promise<void>")]
    pub fn resume_recording(&self) -> js_sys::Promise {
        act(self, Action::Recording(RecordingAction::Resume))
    }

    /// Consents to individual recording after `individualRecordingChanged`
    /// with status `Ask` (`code` `noConsentAsked` otherwise).
    #[wasm_bindgen(js_name = acceptRecording, unchecked_return_type = "Promise<void>")]
    pub fn accept_recording(&self) -> js_sys::Promise {
        act(self, Action::Recording(RecordingAction::AcceptIndividual))
    }

    /// Declines individual recording after an `Ask`.
    #[wasm_bindgen(js_name = declineRecording, unchecked_return_type = "Promise<void>")]
    pub fn decline_recording(&self) -> js_sys::Promise {
        act(self, Action::Recording(RecordingAction::DeclineIndividual))
    }

    /// The cloud recording's status as last reported; `null` until then.
    #[wasm_bindgen(js_name = recordingStatus, unchecked_return_type = "RecordingStatus | null")]
    pub fn recording_status(&self) -> Result<JsValue, JsValue> {
        self.driver().with_core(|c| to_js(&c.recording().status()))
    }

    /// Whether an individual-recording request waits for this user's answer.
    #[wasm_bindgen(js_name = recordingConsentPending)]
    pub fn recording_consent_pending(&self) -> bool {
        self.driver().with_core(|c| c.recording().consent_pending())
    }

    /// `RecordingClient.canStartRecording()`: whether the session has cloud
    /// recording enabled (`false` before joining).
    #[wasm_bindgen(js_name = canStartRecording)]
    pub fn can_start_recording(&self) -> bool {
        self.driver()
            .client()
            .ok()
            .and_then(|c| c.get_recording_client().ok())
            .and_then(|r| r.can_start_recording().ok())
            .and_then(|v| v.as_bool())
            .unwrap_or(false)
    }
}
