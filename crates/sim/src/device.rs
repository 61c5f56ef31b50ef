//! Media devices as the browser reports them.

use serde::{Deserialize, Serialize};

/// A device's kind, spelled as `MediaDeviceInfo.kind`. In scripts and fault
/// parameters `camera`, `microphone` and `speaker` are accepted too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum DeviceKind {
    /// `videoinput`.
    #[serde(rename = "videoinput", alias = "camera")]
    Camera,
    /// `audioinput`.
    #[serde(rename = "audioinput", alias = "microphone")]
    Microphone,
    /// `audiooutput`.
    #[serde(rename = "audiooutput", alias = "speaker")]
    Speaker,
}

/// The DOM's `MediaDeviceInfo` (not a Video SDK type), as `ZoomVideo.getDevices()`
/// resolves with it: `{ deviceId, kind, label, groupId }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MediaDeviceInfo {
    /// `deviceId`.
    pub device_id: String,
    /// `kind`.
    pub kind: DeviceKind,
    /// `label`.
    pub label: String,
    /// `groupId`.
    pub group_id: String,
}

/// A device the simulated machine starts with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeviceSpec {
    /// Camera, microphone or speaker.
    pub kind: DeviceKind,
    /// Its label, e.g. `Integrated Camera`. Faults find devices by label.
    pub label: String,
}

impl DeviceSpec {
    /// A device of `kind` called `label`.
    #[must_use]
    pub fn new(kind: DeviceKind, label: &str) -> Self {
        DeviceSpec {
            kind,
            label: label.to_owned(),
        }
    }

    /// One camera, one microphone, one speaker.
    #[must_use]
    pub fn defaults() -> Vec<DeviceSpec> {
        vec![
            DeviceSpec::new(DeviceKind::Camera, "Integrated Camera"),
            DeviceSpec::new(DeviceKind::Microphone, "Built-in Microphone"),
            DeviceSpec::new(DeviceKind::Speaker, "Built-in Speakers"),
        ]
    }
}
