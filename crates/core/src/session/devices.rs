//! Devices: the lists, the device chosen per kind, the remembered
//! preferences and permissions. Which device to pick is
//! [`device::choose`]'s; this part keeps the choice and tells the media.

use crate::command::{CommandId, CommandOutput, Op};
use crate::device::{
    self, Device, DeviceChangeReason, DeviceKind, DeviceList, DevicePreference, DevicePreferences,
};
use crate::error::{CoreError, ErrorCode, Remedy, ZoomError};
use crate::io::{Event, Output, StorageKey, StorageWrite};
use crate::sdk::{PermissionName, PermissionState};

use super::Session;

/// One slot per [`DeviceKind`], indexed by [`idx`].
type PerKind<T> = [T; 3];

fn idx(kind: DeviceKind) -> usize {
    match kind {
        DeviceKind::Camera => 0,
        DeviceKind::Microphone => 1,
        DeviceKind::Speaker => 2,
    }
}

#[derive(Debug, Clone, Default)]
pub(super) struct Devices {
    pub(super) list: Option<DeviceList>,
    active: PerKind<Option<Device>>,
    /// The active device was chosen on purpose (selection, preference,
    /// fallback), so the SDK must be switched to it even if it chose a default.
    forced: PerKind<bool>,
    pub(super) prefs: DevicePreferences,
    camera_permission: Option<PermissionState>,
    microphone_permission: Option<PermissionState>,
    /// The `ListDevices` in flight, and whether to list again once it settles.
    listing: Option<CommandId>,
    list_again: bool,
}

impl Devices {
    pub(super) fn active(&self, kind: DeviceKind) -> Option<&Device> {
        self.active[idx(kind)].as_ref()
    }

    pub(super) fn active_id(&self, kind: DeviceKind) -> Option<String> {
        self.active(kind).map(|d| d.device_id.clone())
    }

    /// The device to switch the SDK to, when it uses `actual` for `kind`.
    pub(super) fn needs_switch(&self, kind: DeviceKind, actual: Option<&String>) -> Option<String> {
        let active = self.active_id(kind)?;
        match actual {
            Some(a) if *a == active => None,
            Some(_) => Some(active),
            None if self.forced[idx(kind)] => Some(active),
            None => None,
        }
    }

    /// The first lists are being read: media wait to know which devices.
    pub(super) fn reading_first_list(&self) -> bool {
        self.list.is_none() && self.listing.is_some()
    }

    /// The command `id` is answered or cancelled.
    pub(super) fn forget(&mut self, id: CommandId) {
        if self.listing == Some(id) {
            self.listing = None;
        }
    }

    pub(super) fn permission(&self, kind: DeviceKind) -> Option<PermissionState> {
        match kind {
            DeviceKind::Camera => self.camera_permission,
            DeviceKind::Microphone => self.microphone_permission,
            DeviceKind::Speaker => None,
        }
    }
}

impl Session {
    pub(super) fn request_list(&mut self) {
        if self.devices.listing.is_some() {
            self.devices.list_again = true;
        } else {
            self.devices.listing = Some(self.issue(Op::ListDevices));
        }
    }

    pub(super) fn on_list_done(&mut self, result: Result<CommandOutput, ZoomError>) {
        match result {
            Ok(CommandOutput::Devices(list)) => self.apply_list(list),
            Ok(_) => {}
            Err(error) => {
                self.media.drop_checks();
                self.emit(Event::MediaFailed {
                    op: "listDevices",
                    error,
                });
            }
        }
        if std::mem::take(&mut self.devices.list_again) {
            self.request_list();
        }
        self.reconcile();
    }

    fn apply_list(&mut self, list: DeviceList) {
        if self.devices.list.as_ref() != Some(&list) {
            self.emit(Event::DevicesChanged(list.clone()));
        }
        let mut prefs_changed = false;
        let mut fell_back = [false; 3];
        for kind in DeviceKind::ALL {
            let i = idx(kind);
            let pref = self.devices.prefs.get(kind).cloned();
            // Ids rotate: keep the stored preference pointing at today's id.
            if let Some(p) = &pref {
                if let Some(found) = p.find(list.of(kind)) {
                    let fresh = DevicePreference::from(found);
                    if fresh != *p {
                        self.devices.prefs.set(kind, Some(fresh));
                        prefs_changed = true;
                    }
                }
            }
            let current = self.devices.active[i].clone();
            let choice = device::choose(
                list.of(kind),
                current.as_ref(),
                pref.as_ref(),
                self.config.switch_back_to_preferred,
            );
            if choice.device != current {
                let preferred_match = pref
                    .as_ref()
                    .and_then(|p| p.find(list.of(kind)))
                    .is_some_and(|d| Some(d) == choice.device.as_ref());
                self.devices.forced[i] =
                    choice.reason != DeviceChangeReason::Initial || preferred_match;
                fell_back[i] = choice.reason == DeviceChangeReason::Fallback;
                self.devices.active[i].clone_from(&choice.device);
                self.emit(Event::ActiveDeviceChanged {
                    kind,
                    device: choice.device,
                    reason: choice.reason,
                });
            }
        }
        self.devices.list = Some(list);
        if prefs_changed {
            self.write_prefs();
        }
        // A medium that stopped by itself: a fallback device takes over,
        // otherwise the stop was deliberate (or the device is gone).
        let replaced =
            |kind: DeviceKind| fell_back[idx(kind)] && self.devices.active[idx(kind)].is_some();
        let (camera_replaced, mic_replaced) = (
            replaced(DeviceKind::Camera),
            replaced(DeviceKind::Microphone),
        );
        if self.media.take_video_check() && !camera_replaced {
            self.media.video.want = self.media.video.want.with(false);
        }
        if self.media.take_audio_check() && !mic_replaced {
            self.media.audio.want.connected = false;
        }
        if self.devices.active[idx(DeviceKind::Camera)].is_none() {
            self.media.video.want = self.media.video.want.with(false);
        }
    }

    pub(super) fn on_select(
        &mut self,
        kind: DeviceKind,
        device_id: String,
    ) -> Result<(), CoreError> {
        let Some(device) = self.devices.list.as_ref().and_then(|l| {
            l.of(kind)
                .iter()
                .find(|d| d.device_id == device_id)
                .cloned()
        }) else {
            return Err(CoreError::UnknownDevice { kind, device_id });
        };
        let i = idx(kind);
        self.devices
            .prefs
            .set(kind, Some(DevicePreference::from(&device)));
        self.devices.forced[i] = true;
        self.write_prefs();
        if self.devices.active[i].as_ref() != Some(&device) {
            self.devices.active[i] = Some(device.clone());
            self.emit(Event::ActiveDeviceChanged {
                kind,
                device: Some(device),
                reason: DeviceChangeReason::Selected,
            });
        }
        self.reconcile();
        Ok(())
    }

    /// A switch failed: point the active device back at the one in use so the
    /// reconciler does not try again, and re-read the lists if ids went stale.
    pub(super) fn give_up_switch(&mut self, kind: DeviceKind, code: ErrorCode) {
        let back = self.media.in_use(kind).and_then(|id| {
            self.devices
                .list
                .as_ref()
                .and_then(|l| l.of(kind).iter().find(|d| d.device_id == *id).cloned())
        });
        let i = idx(kind);
        self.devices.forced[i] = false;
        if self.devices.active[i] != back {
            self.devices.active[i].clone_from(&back);
            self.emit(Event::ActiveDeviceChanged {
                kind,
                device: back,
                reason: DeviceChangeReason::Fallback,
            });
        }
        if matches!(
            code,
            ErrorCode::StreamMismatchDevice | ErrorCode::VideoMismatchCamera
        ) {
            self.request_list();
        }
    }

    pub(super) fn on_permission(&mut self, name: PermissionName, state: PermissionState) {
        let (kind, slot) = match name {
            PermissionName::Camera => (DeviceKind::Camera, &mut self.devices.camera_permission),
            PermissionName::Microphone => (
                DeviceKind::Microphone,
                &mut self.devices.microphone_permission,
            ),
        };
        if *slot == Some(state) {
            return;
        }
        *slot = Some(state);
        let remedy = (state == PermissionState::Denied).then_some(Remedy::GrantPermission);
        self.emit(Event::PermissionChanged {
            kind,
            state,
            remedy,
        });
        match state {
            PermissionState::Denied => {
                if kind == DeviceKind::Camera {
                    self.camera_denied();
                }
                self.reconcile();
            }
            // Labels appear once permission is granted.
            PermissionState::Granted if self.in_session() => self.request_list(),
            _ => {}
        }
    }

    fn write_prefs(&mut self) {
        let json = crate::wire::json::to_string(&crate::wire::encode(&self.devices.prefs));
        self.out.push_back(Output::Storage(StorageWrite {
            key: StorageKey::Devices,
            value: Some(json),
        }));
    }

    pub(super) fn on_load_preferences(&mut self, stored: Option<String>) {
        let Some(text) = stored else { return };
        let Ok(prefs) = crate::wire::json::parse(&text)
            .and_then(|v| crate::wire::decode::<DevicePreferences>(&v))
        else {
            // Ours and unreadable (older format): drop it.
            self.out.push_back(Output::Storage(StorageWrite {
                key: StorageKey::Devices,
                value: None,
            }));
            return;
        };
        self.merge_prefs(prefs);
    }

    pub(super) fn merge_prefs(&mut self, prefs: DevicePreferences) {
        for kind in DeviceKind::ALL {
            if self.devices.prefs.get(kind).is_none() {
                self.devices.prefs.set(kind, prefs.get(kind).cloned());
            }
        }
        if let Some(list) = self.devices.list.clone() {
            // Preferences arrived after the lists: prefer them now.
            for kind in DeviceKind::ALL {
                let i = idx(kind);
                let Some(found) = self
                    .devices
                    .prefs
                    .get(kind)
                    .and_then(|p| p.find(list.of(kind)))
                    .cloned()
                else {
                    continue;
                };
                if self.devices.active[i].as_ref() != Some(&found) {
                    self.devices.active[i] = Some(found.clone());
                    self.devices.forced[i] = true;
                    self.emit(Event::ActiveDeviceChanged {
                        kind,
                        device: Some(found),
                        reason: DeviceChangeReason::Initial,
                    });
                }
            }
            self.reconcile();
        }
    }
}
