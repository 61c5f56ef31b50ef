//! How a session went, in numbers: [`SessionStats`], in the spirit of
//! quinn-proto's `Connection::stats()`.
//!
//! [`StatsTracker`] reads nothing but the session's own [`Event`]s, in the
//! order the session emits them, with the time of each; so what it counts is
//! exactly what the app was told. `Session::stats(now)` gives the numbers so
//! far (open intervals counted up to `now`), and the session
//! emits them once more, final, as [`Event::Stats`] when it ends (left,
//! ended or failed).
//!
//! Not counted (yet): time in each *receive* quality (the stage decides those
//! per tile, outside the session), and the time to the first remote video
//! actually rendered: `first_remote_video_ms` is until the first remote
//! participant's camera is on.

use serde::Serialize;

use crate::command::CaptureProfile;
use crate::device::DeviceChangeReason;
use crate::io::Event;
use crate::sdk::UserId;
use crate::state::{Cause, StateName};
use crate::time::Instant;
use crate::wire::Encode;

/// Whose reconnection it was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Encode)]
#[serde(rename_all = "camelCase")]
pub enum ReconnectKind {
    /// Zoom's own failover (`reconnecting`), which it ended.
    SdkFailover,
    /// zoomkit rejoined (`rejoining`), possibly after a failover that did
    /// not end.
    Rejoin,
}

/// One loss of the connection, from leaving `connected` to being back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Encode)]
#[serde(rename_all = "camelCase")]
pub struct Reconnect {
    /// Failover or rejoin (a failover that zoomkit had to finish by
    /// rejoining counts as a rejoin).
    pub kind: ReconnectKind,
    /// The cause of the transition that lost the connection.
    pub cause: Cause,
    /// When it was lost.
    pub started_at: Instant,
    /// How long until connected again; `None` while it lasts, or when the
    /// session ended first.
    pub duration_ms: Option<u64>,
}

/// Milliseconds the camera captured with each profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Encode)]
#[serde(rename_all = "camelCase")]
pub struct CaptureTimes {
    /// The SDK default (360p).
    pub standard: u64,
    /// `hd` (720p).
    pub hd: u64,
    /// `fullHd` (1080p).
    pub full_hd: u64,
}

/// The numbers of one session (from `join` to its end).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Encode)]
#[serde(rename_all = "camelCase")]
pub struct SessionStats {
    /// From `join` (or `resume`) to the first `connected`.
    pub join_ms: Option<u64>,
    /// From the first `connected` until a remote participant's camera was
    /// first on.
    pub first_remote_video_ms: Option<u64>,
    /// Time spent connected.
    pub connected_ms: u64,
    /// Each loss of the connection.
    pub reconnects: Vec<Reconnect>,
    /// Rejoin attempts started.
    pub rejoin_attempts: u32,
    /// Device changes after the first choice (picked, fallback on unplug,
    /// back to the preferred one).
    pub device_switches: u32,
    /// Camera time per capture profile.
    pub capture_ms: CaptureTimes,
    /// Time the camera was paused for audio-only mode.
    pub audio_only_ms: u64,
    /// Media operations that failed and unhealthy media reports
    /// (`mediaFailed`, `mediaHealth`).
    pub media_failures: u32,
}

/// Builds [`SessionStats`] from the session's events.
#[derive(Debug, Clone, Default)]
pub struct StatsTracker {
    stats: SessionStats,
    /// The state entered last, and when.
    state: Option<(StateName, Instant)>,
    joined_at: Option<Instant>,
    first_connected: Option<Instant>,
    /// A remote camera was on before the session connected (the SDK lists
    /// who is there while `join` is still pending).
    remote_video_before_connected: bool,
    connected_since: Option<Instant>,
    /// The profile the camera captures with while on (the SDK default
    /// until `captureChanged` says otherwise), and since when.
    capture: Option<(CaptureProfile, Instant)>,
    profile: CaptureProfile,
    audio_only_since: Option<Instant>,
    now: Instant,
}

impl StatsTracker {
    /// A new session: nothing counted.
    pub fn reset(&mut self) {
        *self = StatsTracker::default();
    }

    /// How long the session has been in its current state at `now` (`None`
    /// before its first state change).
    #[must_use]
    pub fn time_in_state(&self, now: Instant) -> Option<u64> {
        self.state.map(|(_, since)| ms(since, now))
    }

    /// The numbers so far, open intervals counted up to `now`.
    #[must_use]
    pub fn stats(&self, now: Instant) -> SessionStats {
        let mut s = self.stats.clone();
        if let Some(since) = self.connected_since {
            s.connected_ms += ms(since, now);
        }
        if let Some((profile, since)) = self.capture {
            *slot(&mut s.capture_ms, profile) += ms(since, now);
        }
        if let Some(since) = self.audio_only_since {
            s.audio_only_ms += ms(since, now);
        }
        s
    }

    /// Reads one event the session emitted at `now`. Returns the final
    /// numbers when this event ends the session.
    pub fn observe(
        &mut self,
        now: Instant,
        self_user: Option<UserId>,
        event: &Event,
    ) -> Option<SessionStats> {
        self.now = self.now.max(now);
        let now = self.now;
        match event {
            Event::StateChanged {
                from, to, cause, ..
            } => {
                return self.on_state(now, *from, *to, *cause);
            }
            Event::ParticipantJoined(p) | Event::ParticipantUpdated(p)
                if p.video_on && Some(p.user_id) != self_user =>
            {
                match (self.stats.first_remote_video_ms, self.first_connected) {
                    (None, Some(first)) => self.stats.first_remote_video_ms = Some(ms(first, now)),
                    (None, None) => self.remote_video_before_connected = true,
                    _ => {}
                }
            }
            Event::ActiveDeviceChanged { reason, .. } => {
                if matches!(
                    reason,
                    DeviceChangeReason::Selected
                        | DeviceChangeReason::Fallback
                        | DeviceChangeReason::PreferredReturned
                ) {
                    self.stats.device_switches += 1;
                }
            }
            Event::CaptureChanged { profile } => {
                self.profile = *profile;
                if self.capture.is_some() {
                    self.close_capture(now);
                    self.capture = Some((*profile, now));
                }
            }
            Event::VideoChanged { on: true } => {
                self.capture.get_or_insert((self.profile, now));
            }
            Event::VideoChanged { on: false } => self.close_capture(now),
            Event::VideoPaused { paused: true } => {
                self.audio_only_since.get_or_insert(now);
            }
            Event::VideoPaused { paused: false } => self.close_audio_only(now),
            Event::MediaFailed { .. } | Event::MediaHealth { .. } => {
                self.stats.media_failures += 1;
            }
            _ => {}
        }
        None
    }

    fn on_state(
        &mut self,
        now: Instant,
        from: StateName,
        to: StateName,
        cause: Cause,
    ) -> Option<SessionStats> {
        // A change of phase within a state (rejoining's attempts) is not a
        // new state: the time in it runs on.
        if from != to || self.state.is_none() {
            self.state = Some((to, now));
        }
        if to == StateName::FetchingToken && matches!(cause, Cause::Join | Cause::Resume) {
            self.joined_at.get_or_insert(now);
        }
        if cause == Cause::RetryStarted {
            self.stats.rejoin_attempts += 1;
        }
        if from == StateName::Connected && to != StateName::Connected {
            if let Some(since) = self.connected_since.take() {
                self.stats.connected_ms += ms(since, now);
            }
        }
        match to {
            StateName::Connected => {
                if self.first_connected.is_none() {
                    self.first_connected = Some(now);
                    self.stats.join_ms = self.joined_at.map(|j| ms(j, now));
                    if self.remote_video_before_connected {
                        self.stats.first_remote_video_ms = Some(0);
                    }
                }
                self.connected_since.get_or_insert(now);
                if let Some(r) = self.open_reconnect() {
                    r.duration_ms = Some(ms(r.started_at, now));
                }
            }
            StateName::Reconnecting | StateName::Rejoining => {
                let kind = if to == StateName::Reconnecting {
                    ReconnectKind::SdkFailover
                } else {
                    ReconnectKind::Rejoin
                };
                match self.open_reconnect() {
                    // A failover that zoomkit finishes by rejoining.
                    Some(r) if kind == ReconnectKind::Rejoin => r.kind = kind,
                    Some(_) => {}
                    None if from == StateName::Connected => self.stats.reconnects.push(Reconnect {
                        kind,
                        cause,
                        started_at: now,
                        duration_ms: None,
                    }),
                    None => {}
                }
            }
            _ => {}
        }
        if to.is_terminal() {
            self.close_capture(now);
            self.close_audio_only(now);
            return Some(self.stats(now));
        }
        None
    }

    fn open_reconnect(&mut self) -> Option<&mut Reconnect> {
        self.stats
            .reconnects
            .last_mut()
            .filter(|r| r.duration_ms.is_none())
    }

    fn close_capture(&mut self, now: Instant) {
        if let Some((profile, since)) = self.capture.take() {
            *slot(&mut self.stats.capture_ms, profile) += ms(since, now);
        }
    }

    fn close_audio_only(&mut self, now: Instant) {
        if let Some(since) = self.audio_only_since.take() {
            self.stats.audio_only_ms += ms(since, now);
        }
    }
}

fn slot(times: &mut CaptureTimes, profile: CaptureProfile) -> &mut u64 {
    match profile {
        CaptureProfile::Standard => &mut times.standard,
        CaptureProfile::Hd => &mut times.hd,
        CaptureProfile::FullHd => &mut times.full_hd,
    }
}

fn ms(from: Instant, to: Instant) -> u64 {
    to.as_millis().saturating_sub(from.as_millis())
}
