//! Resume and the page lifecycle: the snapshot written to `sessionStorage`
//! while in a session, the join again after a refresh (`Input::Resume`), and
//! the leave on `pagehide` with the join again on a `pageshow` from the
//! back/forward cache.

use serde::{Deserialize, Serialize};

use crate::device::DevicePreferences;
use crate::error::CoreError;
use crate::io::{Event, Listening, Output, ResumeIgnored, StorageKey, StorageWrite};
use crate::state::{Cause, LeaveGoal, LeaveOutcome, State, StateName};
use crate::time::Instant;
use crate::wire::{Decode, Encode};

use super::options::JoinOptions;
use super::timer::TimerKind;
use super::Session;

/// The resume snapshot stored under `zoomkit:resume`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Encode, Decode)]
#[serde(rename_all = "camelCase")]
pub(super) struct Snapshot {
    v: u32,
    topic: String,
    user_name: String,
    has_password: bool,
    #[serde(default)]
    session_idle_timeout_mins: Option<u32>,
    audio: bool,
    muted: bool,
    video: bool,
    #[serde(default)]
    devices: DevicePreferences,
    saved_at: Instant,
    expires_at: Instant,
}

const SNAPSHOT_VERSION: u32 = 1;

/// The join and the media wishes of a session that left on `pagehide`.
#[derive(Debug, Clone)]
pub(super) struct PageLeft {
    join: JoinOptions,
    audio: bool,
    muted: bool,
    video: bool,
    /// `pageshow` came: join again once the leave has settled.
    shown: bool,
}

/// What resume and the page lifecycle keep.
#[derive(Debug, Clone, Default)]
pub(super) struct Resume {
    /// The snapshot last written, to write again only when it changes.
    pub(super) last: Option<Snapshot>,
    /// Set when the session left on `pagehide`: what to join again with on
    /// `pageshow`.
    pub(super) page_left: Option<PageLeft>,
}

impl Session {
    fn snapshot(&self) -> Option<Snapshot> {
        let ttl = self.config.resume_ttl?;
        if !matches!(
            self.name(),
            StateName::Connected | StateName::Reconnecting | StateName::Rejoining
        ) {
            return None;
        }
        let j = self.join.as_ref()?;
        Some(Snapshot {
            v: SNAPSHOT_VERSION,
            topic: j.topic.clone(),
            user_name: j.user_name.clone(),
            has_password: j.password.is_some(),
            session_idle_timeout_mins: j.session_idle_timeout_mins,
            audio: self.media.audio.want.connected,
            muted: self.media.audio.want.muted,
            video: self.media.video.want.wanted(),
            devices: self.devices.prefs.clone(),
            saved_at: self.now,
            expires_at: self.now + ttl,
        })
    }

    /// Writes the snapshot when its content changed, or when `refresh`.
    pub(super) fn maybe_write_snapshot(&mut self, refresh: bool) {
        let Some(snap) = self.snapshot() else { return };
        let same = self.resume.last.as_ref().is_some_and(|last| {
            Snapshot {
                saved_at: snap.saved_at,
                expires_at: snap.expires_at,
                ..last.clone()
            } == snap
        });
        if same && !refresh {
            return;
        }
        let json = crate::wire::json::to_string(&crate::wire::encode(&snap));
        if let Some(ttl) = self.config.resume_ttl {
            self.arm(TimerKind::Snapshot, ttl / 2);
        }
        self.resume.last = Some(snap);
        self.out.push_back(Output::Storage(StorageWrite {
            key: StorageKey::Resume,
            value: Some(json),
        }));
    }

    pub(super) fn on_resume(
        &mut self,
        stored: Option<String>,
        password: Option<String>,
    ) -> Result<(), CoreError> {
        let name = self.name();
        if !(name == StateName::Idle || name.is_terminal()) {
            return Err(CoreError::AlreadyActive {
                state: name.as_str(),
            });
        }
        let ignore = |me: &mut Self, reason: ResumeIgnored, clear: bool| {
            if clear {
                me.out.push_back(Output::Storage(StorageWrite {
                    key: StorageKey::Resume,
                    value: None,
                }));
            }
            me.emit(Event::ResumeIgnored { reason });
            Ok(())
        };
        let Some(text) = stored else {
            return ignore(self, ResumeIgnored::Missing, false);
        };
        let snap = match crate::wire::json::parse(&text)
            .and_then(|v| crate::wire::decode::<Snapshot>(&v))
        {
            Ok(s) if s.v == SNAPSHOT_VERSION => s,
            _ => return ignore(self, ResumeIgnored::Unreadable, true),
        };
        if snap.expires_at <= self.now {
            return ignore(self, ResumeIgnored::Stale, true);
        }
        if snap.has_password && password.is_none() {
            return ignore(self, ResumeIgnored::PasswordRequired, false);
        }
        let opts = JoinOptions {
            topic: snap.topic,
            user_name: snap.user_name,
            password,
            session_idle_timeout_mins: snap.session_idle_timeout_mins,
        };
        if opts.validate().is_err() {
            return ignore(self, ResumeIgnored::Unreadable, true);
        }
        self.media.audio.want.connected = snap.audio;
        self.media.audio.want.muted = snap.muted;
        self.media.video.want = self.media.video.want.with(snap.video);
        self.merge_prefs(snap.devices);
        self.on_join(opts, Cause::Resume)
    }

    /// Writes a fresh snapshot, then (with `leave_on_page_hide`) leaves
    /// without clearing it.
    pub(super) fn on_page_hide(&mut self) {
        self.maybe_write_snapshot(true);
        let name = self.name();
        if !self.config.leave_on_page_hide
            || name == StateName::Idle
            || name == StateName::Leaving
            || name.is_terminal()
        {
            return;
        }
        let Some(join) = self.join.clone() else {
            return;
        };
        self.resume.page_left = Some(PageLeft {
            join,
            audio: self.media.audio.want.connected,
            muted: self.media.audio.want.muted,
            video: self.media.video.want.wanted(),
            shown: false,
        });
        // Nothing to tell the SDK unless a join may have reached Zoom.
        let connected = self.sdk_may_hold_session();
        self.cancel_all();
        if connected {
            self.start_leave(false, LeaveGoal::Left { end: false }, Cause::PageHidden);
        } else {
            self.transition(
                State::Left {
                    outcome: LeaveOutcome::NotConnected,
                    end_session: false,
                },
                Cause::PageHidden,
                None,
            );
        }
    }

    /// After `pageshow` from the back/forward cache, a session that left on
    /// `pagehide` joins again with its media, once its leave has settled.
    pub(super) fn maybe_return_from_page_cache(&mut self) {
        let ready =
            self.name().is_terminal() && self.resume.page_left.as_ref().is_some_and(|p| p.shown);
        if !ready {
            return;
        }
        let Some(p) = self.resume.page_left.take() else {
            return;
        };
        self.media.audio.want.connected = p.audio;
        self.media.audio.want.muted = p.muted;
        self.media.video.want = self.media.video.want.with(p.video);
        // The options were valid when they joined; a refusal cannot happen
        // from a terminal state, and would leave the session as it is.
        let _ = self.on_join(p.join, Cause::Resume);
    }

    /// `pageshow` from the back/forward cache: join again once the leave
    /// on `pagehide` has settled.
    pub(super) fn on_page_show(&mut self) {
        if let Some(p) = &mut self.resume.page_left {
            p.shown = true;
        }
    }

    /// What the driver must keep listening to.
    pub(super) fn listening_now(&self) -> Listening {
        match (self.name().is_terminal(), &self.resume.page_left) {
            (false, _) => Listening::All,
            (true, Some(_)) => Listening::PageShow,
            (true, None) => Listening::Nothing,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::device::DevicePreference;

    fn snapshot(password: bool, idle: Option<u32>, camera: bool) -> Snapshot {
        let mut devices = DevicePreferences::default();
        if camera {
            devices.camera = Some(DevicePreference {
                device_id: "cam \"1\"".into(),
                label: "Front — HD".into(),
                group_id: Some("g".into()),
            });
        }
        Snapshot {
            v: SNAPSHOT_VERSION,
            topic: "standup".into(),
            user_name: "Zoë".into(),
            has_password: password,
            session_idle_timeout_mins: idle,
            audio: true,
            muted: false,
            video: camera,
            devices,
            saved_at: Instant::from_millis(1_700_000_000_000),
            expires_at: Instant::from_millis(1_700_000_900_000),
        }
    }

    /// Snapshots and preferences written by the serde code (before the wire
    /// codec) still read, and what is written now is byte for byte the same.
    #[test]
    fn snapshots_read_and_write_as_serde_did() {
        for snap in [snapshot(false, None, false), snapshot(true, Some(40), true)] {
            let serde_text = serde_json::to_string(&snap).unwrap();
            let read = crate::wire::json::parse(&serde_text)
                .and_then(|v| crate::wire::decode::<Snapshot>(&v))
                .unwrap();
            assert_eq!(read, snap);
            let ours = crate::wire::json::to_string(&crate::wire::encode(&snap));
            assert_eq!(ours, serde_text);
            let prefs = serde_json::to_string(&snap.devices).unwrap();
            assert_eq!(
                crate::wire::json::to_string(&crate::wire::encode(&snap.devices)),
                prefs
            );
        }
    }
}
