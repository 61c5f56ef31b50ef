//! Cameras, microphones and speakers: lists, preferences and the choice of the
//! active device when devices come and go.
//!
//! Device ids change between origins, sessions and permission grants; labels
//! and group ids are steadier. A [`DevicePreference`] remembers all three and
//! [`choose`] matches on id first, then on label and group, then on label.

use std::fmt;

use crate::wire::{Decode, Encode};
use serde::{Deserialize, Serialize};

/// Which kind of device.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Encode, Decode,
)]
#[serde(rename_all = "camelCase")]
pub enum DeviceKind {
    /// A camera (`getCameraList`).
    Camera,
    /// A microphone (`getMicList`).
    Microphone,
    /// A speaker (`getSpeakerList`).
    Speaker,
}

impl DeviceKind {
    /// All three kinds.
    pub const ALL: [DeviceKind; 3] = [
        DeviceKind::Camera,
        DeviceKind::Microphone,
        DeviceKind::Speaker,
    ];

    /// A stable name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            DeviceKind::Camera => "camera",
            DeviceKind::Microphone => "microphone",
            DeviceKind::Speaker => "speaker",
        }
    }
}

impl fmt::Display for DeviceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One device: Zoom's `MediaDevice { deviceId, label }`, plus the browser's
/// `groupId` when the driver has it (from `enumerateDevices`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, Encode, Decode)]
#[serde(rename_all = "camelCase")]
pub struct Device {
    /// `deviceId`.
    pub device_id: String,
    /// `label` (empty before permission is granted).
    #[serde(default)]
    pub label: String,
    /// `groupId` (same physical device), if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_id: Option<String>,
}

impl Device {
    /// A device with an id and a label.
    #[must_use]
    pub fn new(device_id: impl Into<String>, label: impl Into<String>) -> Self {
        Device {
            device_id: device_id.into(),
            label: label.into(),
            group_id: None,
        }
    }

    /// The same device with a group id.
    #[must_use]
    pub fn with_group(mut self, group_id: impl Into<String>) -> Self {
        self.group_id = Some(group_id.into());
        self
    }

    /// True for the browser's "default" pseudo-device.
    #[must_use]
    pub fn is_os_default(&self) -> bool {
        self.device_id == "default"
    }
}

/// The three lists, as the driver read them.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, Encode, Decode)]
#[serde(rename_all = "camelCase")]
pub struct DeviceList {
    /// `stream.getCameraList()`.
    #[serde(default)]
    pub cameras: Vec<Device>,
    /// `stream.getMicList()`.
    #[serde(default)]
    pub microphones: Vec<Device>,
    /// `stream.getSpeakerList()`.
    #[serde(default)]
    pub speakers: Vec<Device>,
}

impl DeviceList {
    /// The list for one kind.
    #[must_use]
    pub fn of(&self, kind: DeviceKind) -> &[Device] {
        match kind {
            DeviceKind::Camera => &self.cameras,
            DeviceKind::Microphone => &self.microphones,
            DeviceKind::Speaker => &self.speakers,
        }
    }
}

/// A remembered choice of device, matched again when ids change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Encode, Decode)]
#[serde(rename_all = "camelCase")]
pub struct DevicePreference {
    /// The id when it was chosen.
    pub device_id: String,
    /// The label when it was chosen.
    #[serde(default)]
    pub label: String,
    /// The group id when it was chosen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_id: Option<String>,
}

impl From<&Device> for DevicePreference {
    fn from(d: &Device) -> Self {
        DevicePreference {
            device_id: d.device_id.clone(),
            label: d.label.clone(),
            group_id: d.group_id.clone(),
        }
    }
}

impl DevicePreference {
    /// The device in `list` that this preference designates, if any: same id;
    /// else same label and group; else same (non-empty) label.
    #[must_use]
    pub fn find<'a>(&self, list: &'a [Device]) -> Option<&'a Device> {
        list.iter()
            .find(|d| d.device_id == self.device_id)
            .or_else(|| {
                if self.label.is_empty() {
                    return None;
                }
                list.iter()
                    .find(|d| {
                        d.label == self.label && d.group_id == self.group_id && d.group_id.is_some()
                    })
                    .or_else(|| list.iter().find(|d| d.label == self.label))
            })
    }
}

/// The stored preferences for all three kinds (`zoomkit:devices`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, Encode, Decode)]
#[serde(rename_all = "camelCase")]
pub struct DevicePreferences {
    /// Preferred camera.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub camera: Option<DevicePreference>,
    /// Preferred microphone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub microphone: Option<DevicePreference>,
    /// Preferred speaker.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speaker: Option<DevicePreference>,
}

impl DevicePreferences {
    /// The preference for one kind.
    #[must_use]
    pub fn get(&self, kind: DeviceKind) -> Option<&DevicePreference> {
        match kind {
            DeviceKind::Camera => self.camera.as_ref(),
            DeviceKind::Microphone => self.microphone.as_ref(),
            DeviceKind::Speaker => self.speaker.as_ref(),
        }
    }

    /// Sets the preference for one kind.
    pub fn set(&mut self, kind: DeviceKind, pref: Option<DevicePreference>) {
        match kind {
            DeviceKind::Camera => self.camera = pref,
            DeviceKind::Microphone => self.microphone = pref,
            DeviceKind::Speaker => self.speaker = pref,
        }
    }
}

/// Why the active device changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Encode)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum DeviceChangeReason {
    /// The user selected it.
    Selected,
    /// The first list arrived, or a stored preference was matched.
    Initial,
    /// The active device disappeared; this is the fallback.
    Fallback,
    /// The preferred device came back.
    PreferredReturned,
    /// The active device's id changed but it is the same device.
    Renamed,
}

/// The result of [`choose`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    /// The device to use, if any is available.
    pub device: Option<Device>,
    /// Why, when it differs from the current device.
    pub reason: DeviceChangeReason,
}

/// Picks the device to use from `list`, given the current one and the
/// preference: the current device while it exists (or the preferred one if it
/// came back and `switch_back` is set); when the current device is gone, the
/// preferred one, then the OS default, then the first available.
#[must_use]
pub fn choose(
    list: &[Device],
    current: Option<&Device>,
    preferred: Option<&DevicePreference>,
    switch_back: bool,
) -> Choice {
    let preferred_dev = preferred.and_then(|p| p.find(list));
    if let Some(cur) = current {
        let still = DevicePreference::from(cur);
        if let Some(found) = still.find(list) {
            if let Some(p) = preferred_dev {
                if switch_back && p.device_id != found.device_id {
                    return Choice {
                        device: Some(p.clone()),
                        reason: DeviceChangeReason::PreferredReturned,
                    };
                }
            }
            let reason = if found.device_id == cur.device_id {
                DeviceChangeReason::Selected
            } else {
                DeviceChangeReason::Renamed
            };
            return Choice {
                device: Some(found.clone()),
                reason,
            };
        }
    }
    let reason = if current.is_some() {
        DeviceChangeReason::Fallback
    } else {
        DeviceChangeReason::Initial
    };
    let device = preferred_dev
        .or_else(|| list.iter().find(|d| d.is_os_default()))
        .or_else(|| list.first())
        .cloned();
    Choice { device, reason }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cams() -> Vec<Device> {
        vec![
            Device::new("a", "Built-in").with_group("g1"),
            Device::new("b", "USB Cam").with_group("g2"),
        ]
    }

    #[test]
    fn preference_matches_by_label_and_group_when_ids_rotate() {
        let pref = DevicePreference {
            device_id: "old".into(),
            label: "USB Cam".into(),
            group_id: Some("g2".into()),
        };
        assert_eq!(pref.find(&cams()).map(|d| d.device_id.as_str()), Some("b"));
        let unlabeled = DevicePreference {
            device_id: "old".into(),
            label: String::new(),
            group_id: None,
        };
        assert_eq!(unlabeled.find(&[Device::new("x", "")]), None);
    }

    #[test]
    fn fallback_order_is_preferred_then_default_then_first() {
        let list = vec![
            Device::new("z", "Z"),
            Device::new("default", "Default - Mic"),
        ];
        let gone = Device::new("gone", "Gone");
        let c = choose(&list, Some(&gone), None, true);
        assert_eq!(c.device.unwrap().device_id, "default");
        assert_eq!(c.reason, DeviceChangeReason::Fallback);
        let c = choose(&cams(), Some(&gone), None, true);
        assert_eq!(c.device.unwrap().device_id, "a");
        let pref = DevicePreference::from(&cams()[1]);
        let c = choose(&cams(), Some(&gone), Some(&pref), true);
        assert_eq!(c.device.unwrap().device_id, "b");
        assert_eq!(choose(&[], Some(&gone), None, true).device, None);
    }

    #[test]
    fn switches_back_only_when_asked() {
        let pref = DevicePreference::from(&cams()[1]);
        let cur = cams()[0].clone();
        let c = choose(&cams(), Some(&cur), Some(&pref), true);
        assert_eq!(c.reason, DeviceChangeReason::PreferredReturned);
        let c = choose(&cams(), Some(&cur), Some(&pref), false);
        assert_eq!(c.device.unwrap().device_id, "a");
    }
}
