//! Quality adaptation: what to capture, what to receive, how many videos,
//! and when to drop to audio only, decided from what the SDK reports.
//!
//! [`QualityController`] is a sans-IO machine like [`Session`](crate::Session):
//! feed it [`QualityInput`]s with `now`, drain [`QualityOutput`]s, arm a
//! timer for [`QualityOutput::Timeout`]. The glue applies the decisions:
//!
//! | output | the glue calls |
//! |---|---|
//! | [`SetCaptureQuality`](QualityOutput::SetCaptureQuality) | the session's [`Input::CaptureQuality`](crate::Input::CaptureQuality): `stream.startVideo({ hd, fullHd })` again when the profile changes (720p: `hd`, 1080p: `fullHd`, 360p and below: the SDK default) |
//! | [`SetReceiveQuality`](QualityOutput::SetReceiveQuality) | `stream.attachVideo(userId, quality, element)` |
//! | [`SetMaxVideos`](QualityOutput::SetMaxVideos) | [`LayoutInput::max_renderable_videos`](crate::layout::LayoutInput::max_renderable_videos), then lays out again |
//! | [`AudioOnly`](QualityOutput::AudioOnly) | detach every video, and the session's [`Input::AudioOnly`](crate::Input::AudioOnly): `stream.stopVideo()` (and back: `startVideo`) |
//! | [`Diagnostic`](QualityOutput::Diagnostic) | tells the developer (console, telemetry) |
//!
//! # Inputs
//!
//! The SDK's `network-quality-change` (your own user's uplink and
//! downlink), `audio-statistic-data-change` and `video-statistic-data-change`
//! (packet loss, both directions), `system-resource-usage-change` (CPU
//! pressure), the browser's [`Capabilities`], and the tiles the
//! [layout](mod@crate::layout) wants video for, with the quality their size
//! deserves.
//!
//! # Decisions
//!
//! Two ladders, one per direction: no video (audio only), 90p, 180p, 360p,
//! 720p, 1080p. Each direction's *target* is the lowest of:
//!
//! | source | rung |
//! |---|---|
//! | network level 5 / 4 / 3 / 2 / 1 / 0 | 1080p / 720p / 360p / 180p / 90p / none; no report yet: no limit |
//! | CPU `Serious` / `Critical` | 360p / 180p |
//! | video loss (that direction) at least [`video_loss_360p`](QualityConfig::video_loss_360p) / [`video_loss_180p`](QualityConfig::video_loss_180p) | 360p / 180p |
//! | audio loss (that direction) at least [`audio_loss_audio_only`](QualityConfig::audio_loss_audio_only) | none: keep the audio |
//!
//! Statistics count for [`stats_ttl`](QualityConfig::stats_ttl) after they arrive.
//! The uplink rung (capped by what the browser can send) is the capture
//! quality; the downlink rung (capped at 720p, the most the web renders) caps
//! every tile's receive quality and sets how many videos render: all the
//! browser can at 720p, 9 at 360p, 4 at 180p, 1 at 90p. If either direction
//! has no rung, it is audio only: no capture, no videos.
//!
//! # Hysteresis
//!
//! A direction goes down once its target has stayed lower for
//! [`down_hold`](QualityConfig::down_hold) (2 s), up once it has stayed higher
//! for [`up_hold`](QualityConfig::up_hold) (10 s), straight to the target,
//! and never twice within [`min_interval`](QualityConfig::min_interval) (4 s).
//! So under any input, each direction switches at most
//! [`max_switches_per_minute`](QualityConfig::max_switches_per_minute) times
//! in any minute (16 by default); capture and each tile's receive quality
//! follow one direction, the number of videos and audio-only follow both (at
//! most twice that). A level flapping faster than `up_hold` costs one
//! downgrade and nothing more.
//!
//! # Browser capabilities
//!
//! Without cross-origin isolation (no `SharedArrayBuffer`) and without WebRTC
//! video, the SDK's WebAssembly video renders one video (up to 4 with
//! `enforceMultipleVideos`) and sends at most 360p. The controller caps its
//! decisions accordingly and says how to unlock more in a [`Diagnostic`]:
//! serve the page with `Cross-Origin-Opener-Policy: same-origin` and
//! `Cross-Origin-Embedder-Policy: require-corp`, or sign tokens with
//! `video_webrtc_mode: 1`.

mod capabilities;
mod payload;
mod track;
mod video_quality;

use std::collections::VecDeque;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::layout::{Layout, TileKind};
use crate::sdk::UserId;
use crate::time::Instant;
use crate::wire::{Decode, Encode};

pub use capabilities::{
    Capabilities, Diagnostic, Header, TokenClaim, ISOLATION_HEADERS, WEBRTC_CLAIM,
};
pub use payload::{
    AudioStatisticDataChange, AudioStatistics, CpuUsage, NetworkDirection, NetworkQualityChange,
    SystemCpuPressureLevel, SystemResourceUsageChange, VideoStatisticDataChange, VideoStatistics,
};
pub use video_quality::VideoQuality;

use track::{Holds, Rung, Track};

/// How [`QualityController`] reacts. Durations are milliseconds in JSON;
/// unknown keys are errors (a typo would otherwise be silently ignored).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Encode, Decode)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct QualityConfig {
    /// How long a lower target must last before going down.
    #[serde(with = "millis")]
    pub down_hold: Duration,
    /// How long a higher target must last before going up.
    #[serde(with = "millis")]
    pub up_hold: Duration,
    /// The least time between two switches of one direction.
    #[serde(with = "millis")]
    pub min_interval: Duration,
    /// How long a statistics report counts.
    #[serde(with = "millis")]
    pub stats_ttl: Duration,
    /// Capture 1080p (`fullHd`) when everything allows it. Off by default:
    /// the SDK needs Chromium, `SharedArrayBuffer`, WebAssembly video and 8
    /// cores for it (`browser-support.md`).
    pub allow_full_hd: bool,
    /// Video `avg_loss` from which a direction is capped at 360p.
    pub video_loss_360p: f64,
    /// Video `avg_loss` from which a direction is capped at 180p.
    pub video_loss_180p: f64,
    /// Audio `avg_loss` from which video is dropped to save the audio.
    pub audio_loss_audio_only: f64,
}

impl Default for QualityConfig {
    fn default() -> Self {
        QualityConfig {
            down_hold: Duration::from_secs(2),
            up_hold: Duration::from_secs(10),
            min_interval: Duration::from_secs(4),
            stats_ttl: Duration::from_secs(10),
            allow_full_hd: false,
            video_loss_360p: 4.0,
            video_loss_180p: 10.0,
            audio_loss_audio_only: 20.0,
        }
    }
}

impl QualityConfig {
    /// The least time between two switches of one direction.
    #[must_use]
    pub fn switch_spacing(&self) -> Duration {
        self.min_interval
            .max(self.down_hold.min(self.up_hold))
            .max(Duration::from_millis(1))
    }

    /// The most switches one direction makes in any 60 s (both ends
    /// included), whatever the input: `60 s / spacing + 1`.
    #[must_use]
    pub fn max_switches_per_minute(&self) -> u32 {
        let spacing = self.switch_spacing().as_millis();
        u32::try_from(60_000 / spacing + 1).unwrap_or(u32::MAX)
    }

    fn holds(&self) -> Holds {
        Holds {
            down: self.down_hold,
            up: self.up_hold,
            min_interval: self.min_interval,
        }
    }
}

pub(crate) mod millis {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    pub(crate) fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        Ok(Duration::from_millis(u64::deserialize(d)?))
    }

    pub(crate) fn wire_encode(d: &Duration) -> crate::wire::Value {
        crate::wire::Encode::encode(&u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
    }

    pub(crate) fn wire_decode(v: &crate::wire::Value) -> Result<Duration, crate::wire::Error> {
        crate::wire::decode::<u64>(v).map(Duration::from_millis)
    }
}

/// A tile the layout wants video for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Encode, Decode)]
#[serde(rename_all = "camelCase")]
pub struct TileDemand {
    /// Whose video.
    pub user_id: UserId,
    /// The quality the tile's size deserves ([`Tile::quality`](crate::layout::Tile::quality)).
    pub quality: VideoQuality,
}

impl TileDemand {
    /// The remote video tiles of `layout` that render video.
    pub fn from_layout(layout: &Layout) -> impl Iterator<Item = TileDemand> + '_ {
        layout.tiles.iter().filter_map(|t| {
            let q = t.quality?;
            (t.kind == TileKind::Video && !t.is_self).then_some(TileDemand {
                user_id: t.user_id,
                quality: q,
            })
        })
    }
}

/// What [`QualityController`] is told. In JSON, `{"kind": .., "payload": ..}`
/// with the SDK's event name as `kind` and its payload verbatim.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Encode, Decode)]
#[serde(tag = "kind", content = "payload")]
#[non_exhaustive]
pub enum QualityInput {
    /// Your own `userId` (`client.getCurrentUserInfo().userId`): network
    /// levels of other users are ignored, and all are until this is known.
    #[serde(rename = "selfUser")]
    SelfUser(UserId),
    /// What the browser can do. Nothing is decided before this arrives.
    #[serde(rename = "capabilities")]
    Capabilities(Capabilities),
    /// `network-quality-change`.
    #[serde(rename = "network-quality-change")]
    NetworkQuality(NetworkQualityChange),
    /// `audio-statistic-data-change`.
    #[serde(rename = "audio-statistic-data-change")]
    AudioStatistics(AudioStatisticDataChange),
    /// `video-statistic-data-change`.
    #[serde(rename = "video-statistic-data-change")]
    VideoStatistics(VideoStatisticDataChange),
    /// `system-resource-usage-change`.
    #[serde(rename = "system-resource-usage-change")]
    SystemResourceUsage(SystemResourceUsageChange),
    /// The tiles that render video now (replacing the previous ones); see
    /// also [`QualityController::set_tiles`].
    #[serde(rename = "tiles")]
    Tiles(Vec<TileDemand>),
    /// Only time passed (the timer fired).
    #[serde(rename = "timeout")]
    Timeout,
}

impl QualityInput {
    /// Every SDK event the controller reads: subscribe to these.
    pub const SDK_EVENTS: &'static [&'static str] = &[
        "network-quality-change",
        "audio-statistic-data-change",
        "video-statistic-data-change",
        "system-resource-usage-change",
    ];
}

/// A decision, or when to wake the controller. JSON: `{"type": .., ..}`.
///
/// Each decision is said when its value changes, and only then: capture
/// quality follows the uplink, each tile's receive quality the downlink,
/// the video count and audio-only both.
#[derive(Debug, Clone, PartialEq, Serialize, Encode)]
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
#[non_exhaustive]
pub enum QualityOutput {
    /// Capture (send) at this quality.
    SetCaptureQuality {
        /// The quality.
        quality: VideoQuality,
    },
    /// Receive this user's video at this quality (`attachVideo`).
    SetReceiveQuality {
        /// Whose video.
        user_id: UserId,
        /// The quality.
        quality: VideoQuality,
    },
    /// Render at most this many remote videos (0 in audio-only mode, so
    /// the layout attaches none).
    SetMaxVideos {
        /// How many.
        count: u32,
    },
    /// Stop (`true`) or resume (`false`) video in both directions. Resume
    /// capturing at the last [`SetCaptureQuality`](Self::SetCaptureQuality)
    /// ([`QualityController::capture_quality`]): it is not repeated.
    AudioOnly {
        /// Audio only.
        on: bool,
    },
    /// Something the developer can fix.
    Diagnostic {
        /// What.
        diagnostic: Diagnostic,
    },
    /// Call `handle(now, QualityInput::Timeout)` at this time. Always last.
    Timeout {
        /// When.
        at: Instant,
    },
}

/// Input the controller refuses; it is unchanged by it.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum QualityError {
    /// `network-quality-change` with `level` above 5.
    // The number goes through `wire::decimal`, not `u8`'s `Display`.
    #[error(
        "network-quality-change level must be 0-5, got {}",
        crate::wire::decimal(u64::from(*.0))
    )]
    Level(u8),
    /// A statistics report whose `avg_loss` is negative or not a number.
    #[error(
        "{event} data.avg_loss must be a finite number of at least 0, got {}",
        crate::wire::Num::of(.value)
    )]
    Loss {
        /// Which event.
        event: &'static str,
        /// What was given.
        value: f64,
    },
}

/// Which statistics stream: video/audio, receive/send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stat {
    VideoRx = 0,
    VideoTx = 1,
    AudioRx = 2,
    AudioTx = 3,
}

impl Stat {
    /// `tx` for the statistics of what is sent (`encoding`), else `rx`.
    fn of(encoding: bool, tx: Stat, rx: Stat) -> Stat {
        if encoding {
            tx
        } else {
            rx
        }
    }
}

/// What was last told to the glue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct Told {
    capture: Option<VideoQuality>,
    max_videos: Option<u32>,
    audio_only: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct TileState {
    user_id: UserId,
    wanted: VideoQuality,
    told: Option<VideoQuality>,
}

/// The quality adaptation machine. See the [module docs](self) for what it
/// decides and why.
///
/// ```no_run
/// # use zoomkit_core::quality::{QualityController, QualityConfig, QualityInput, QualityOutput, Capabilities};
/// # use zoomkit_core::Instant;
/// # fn now() -> Instant { Instant::EPOCH }
/// # fn apply(_: QualityOutput) {}
/// # fn set_timer(_: Instant) {}
/// let mut q = QualityController::new(QualityConfig::default());
/// q.handle(now(), QualityInput::Capabilities(Capabilities {
///     cross_origin_isolated: true,
///     supports_multiple_videos: true,
///     max_renderable_videos: 25,
///     supports_hd_video: true,
///     video_webrtc_mode: false,
/// }))?;
/// while let Some(out) = q.poll() {
///     match out {
///         QualityOutput::Timeout { at } => { set_timer(at); break } // then QualityInput::Timeout
///         decision => apply(decision),
///     }
/// }
/// # Ok::<(), zoomkit_core::quality::QualityError>(())
/// ```
#[derive(Debug, Clone)]
pub struct QualityController {
    config: QualityConfig,
    now: Instant,
    caps: Option<Capabilities>,
    self_id: Option<UserId>,
    uplink: Option<u8>,
    downlink: Option<u8>,
    cpu: SystemCpuPressureLevel,
    stats: [Option<(f64, Instant)>; 4],
    up: Track,
    down: Track,
    tiles: Vec<TileState>,
    scratch: Vec<TileState>,
    told: Told,
    diagnostic: Option<Diagnostic>,
    out: VecDeque<QualityOutput>,
}

impl Default for QualityController {
    fn default() -> Self {
        Self::new(QualityConfig::default())
    }
}

impl QualityController {
    /// A controller that knows nothing yet: no limit until reports arrive.
    #[must_use]
    pub fn new(config: QualityConfig) -> Self {
        let top = Some(VideoQuality::Video1080P);
        QualityController {
            config,
            now: Instant::EPOCH,
            caps: None,
            self_id: None,
            uplink: None,
            downlink: None,
            cpu: SystemCpuPressureLevel::Nominal,
            stats: [None; 4],
            up: Track::new(top),
            down: Track::new(top),
            tiles: Vec::new(),
            scratch: Vec::new(),
            told: Told::default(),
            diagnostic: None,
            out: VecDeque::new(),
        }
    }

    /// The configuration.
    #[must_use]
    pub fn config(&self) -> &QualityConfig {
        &self.config
    }

    /// Feeds one input at `now`.
    ///
    /// # Errors
    /// [`QualityError`] for a value out of the SDK's range; nothing changes.
    pub fn handle(&mut self, now: Instant, input: QualityInput) -> Result<(), QualityError> {
        match input {
            QualityInput::SelfUser(id) => self.self_id = Some(id),
            QualityInput::Capabilities(caps) => self.caps = Some(caps),
            QualityInput::NetworkQuality(n) => {
                if n.level > 5 {
                    return Err(QualityError::Level(n.level));
                }
                if Some(n.user_id) == self.self_id {
                    match n.direction {
                        NetworkDirection::Uplink => self.uplink = Some(n.level),
                        NetworkDirection::Downlink => self.downlink = Some(n.level),
                    }
                }
            }
            QualityInput::AudioStatistics(s) => {
                let which = Stat::of(s.data.encoding, Stat::AudioTx, Stat::AudioRx);
                self.stat(now, "audio-statistic-data-change", which, s.data.avg_loss)?;
            }
            QualityInput::VideoStatistics(s) => {
                let which = Stat::of(s.data.encoding, Stat::VideoTx, Stat::VideoRx);
                self.stat(now, "video-statistic-data-change", which, s.data.avg_loss)?;
            }
            QualityInput::SystemResourceUsage(s) => {
                self.cpu = s.cpu_usage.system_cpu_pressure_level;
            }
            QualityInput::Tiles(tiles) => {
                self.set_tiles(now, tiles);
                return Ok(());
            }
            QualityInput::Timeout => {}
        }
        self.step(now);
        Ok(())
    }

    /// The tiles that render video now, replacing the previous ones: new
    /// tiles get a [`QualityOutput::SetReceiveQuality`] at once, resized ones
    /// when their quality changes. Tiles not listed need nothing (the glue
    /// detaches what the layout no longer shows).
    pub fn set_tiles(&mut self, now: Instant, tiles: impl IntoIterator<Item = TileDemand>) {
        self.scratch.clear();
        for t in tiles {
            let told = self
                .tiles
                .iter()
                .find(|old| old.user_id == t.user_id)
                .and_then(|old| old.told);
            self.scratch.push(TileState {
                user_id: t.user_id,
                wanted: t.quality,
                told,
            });
        }
        std::mem::swap(&mut self.tiles, &mut self.scratch);
        self.step(now);
    }

    /// [`set_tiles`](Self::set_tiles) from a layout.
    pub fn set_layout(&mut self, now: Instant, layout: &Layout) {
        self.set_tiles(now, TileDemand::from_layout(layout));
    }

    /// The next decision, then [`QualityOutput::Timeout`] while a timer is needed.
    #[must_use]
    pub fn poll(&mut self) -> Option<QualityOutput> {
        self.out
            .pop_front()
            .or_else(|| self.poll_timeout().map(|at| QualityOutput::Timeout { at }))
    }

    /// When the controller next needs [`QualityInput::Timeout`].
    #[must_use]
    pub fn poll_timeout(&self) -> Option<Instant> {
        let holds = self.config.holds();
        let ttl = self.config.stats_ttl;
        // The earliest of the two holds and the statistics' expiries. A
        // plain loop: the iterator chain this was cost ~0.5 KB of wasm.
        let mut next = self.up.due(holds);
        let expiries = self.stats.iter().map(|s| s.map(|(_, at)| at + ttl));
        for at in std::iter::once(self.down.due(holds))
            .chain(expiries)
            .flatten()
        {
            if next.is_none_or(|n| at < n) {
                next = Some(at);
            }
        }
        next
    }

    /// The quality to capture at whenever video is on (`None` before the
    /// capabilities are known).
    #[must_use]
    pub fn capture_quality(&self) -> Option<VideoQuality> {
        self.told.capture
    }

    /// The receive quality decided for `user`'s tile, if it has one.
    #[must_use]
    pub fn receive_quality(&self, user: UserId) -> Option<VideoQuality> {
        self.tiles
            .iter()
            .find(|t| t.user_id == user)
            .and_then(|t| t.told)
    }

    /// How many videos may render.
    #[must_use]
    pub fn max_videos(&self) -> Option<u32> {
        self.told.max_videos
    }

    /// Whether video is off for the network's sake.
    #[must_use]
    pub fn audio_only(&self) -> bool {
        self.told.audio_only
    }

    /// The video budget to lay out with: the controller's count once it has
    /// decided one, never more than the SDK can render (`sdk_max`).
    #[must_use]
    pub fn video_budget(&self, sdk_max: u32) -> u32 {
        self.max_videos()
            .map_or(sdk_max, |count| count.min(sdk_max))
    }

    /// The videos to attach for `layout`: every remote video tile that has a
    /// quality, at that quality capped by the receive quality decided for it;
    /// none while audio-only, or when the page is not `visible`.
    pub fn attachments<'a>(
        &'a self,
        layout: &'a Layout,
        visible: bool,
    ) -> impl Iterator<Item = (UserId, VideoQuality)> + 'a {
        let on = visible && !self.audio_only();
        TileDemand::from_layout(layout)
            .filter(move |_| on)
            .map(move |t| match self.receive_quality(t.user_id) {
                Some(cap) => (t.user_id, t.quality.min(cap)),
                None => (t.user_id, t.quality),
            })
    }

    fn stat(
        &mut self,
        now: Instant,
        event: &'static str,
        which: Stat,
        loss: f64,
    ) -> Result<(), QualityError> {
        if !(loss.is_finite() && loss >= 0.0) {
            return Err(QualityError::Loss { event, value: loss });
        }
        self.stats[which as usize] = Some((loss, now.max(self.now)));
        Ok(())
    }

    fn loss(&self, which: Stat) -> f64 {
        self.stats[which as usize].map_or(0.0, |(l, _)| l)
    }

    /// The rung each direction's inputs allow.
    fn targets(&self) -> (Rung, Rung) {
        let c = &self.config;
        let cpu: Rung = match self.cpu {
            SystemCpuPressureLevel::Nominal | SystemCpuPressureLevel::Fair => {
                Some(VideoQuality::Video1080P)
            }
            SystemCpuPressureLevel::Serious => Some(VideoQuality::Video360P),
            SystemCpuPressureLevel::Critical => Some(VideoQuality::Video180P),
        };
        let video = |loss: f64| -> Rung {
            Some(if loss >= c.video_loss_180p {
                VideoQuality::Video180P
            } else if loss >= c.video_loss_360p {
                VideoQuality::Video360P
            } else {
                VideoQuality::Video1080P
            })
        };
        let audio = |loss: f64| -> Rung {
            (loss < c.audio_loss_audio_only).then_some(VideoQuality::Video1080P)
        };
        let up = level_rung(self.uplink)
            .min(cpu)
            .min(video(self.loss(Stat::VideoTx)))
            .min(audio(self.loss(Stat::AudioTx)));
        let down = level_rung(self.downlink)
            .min(cpu)
            .min(video(self.loss(Stat::VideoRx)))
            .min(audio(self.loss(Stat::AudioRx)));
        (up, down)
    }

    /// Expires statistics, follows the targets, and says what changed.
    fn step(&mut self, now: Instant) {
        if now > self.now {
            self.now = now;
        }
        let now = self.now;
        let ttl = self.config.stats_ttl;
        for s in &mut self.stats {
            if s.is_some_and(|(_, at)| now >= at + ttl) {
                *s = None;
            }
        }
        let (up, down) = self.targets();
        let holds = self.config.holds();
        self.up.update(now, up, holds);
        self.down.update(now, down, holds);
        self.decide();
    }

    fn decide(&mut self) {
        let Some(caps) = self.caps else { return };
        let diagnostic = caps.diagnostic(&self.config);
        if diagnostic != self.diagnostic {
            self.diagnostic.clone_from(&diagnostic);
            if let Some(diagnostic) = diagnostic {
                self.out.push_back(QualityOutput::Diagnostic { diagnostic });
            }
        }
        let audio_only = self.up.current.is_none() || self.down.current.is_none();
        let capture = self
            .up
            .current
            .map(|q| q.min(caps.capture_ceiling(&self.config)));
        let receive = self.down.current.map(|q| q.min(VideoQuality::Video720P));
        let max_videos = match receive {
            _ if audio_only => 0,
            Some(VideoQuality::Video720P | VideoQuality::Video1080P) | None => caps.max_videos(),
            Some(VideoQuality::Video360P) => caps.max_videos().min(9),
            Some(VideoQuality::Video180P) => caps.max_videos().min(4),
            Some(VideoQuality::Video90P) => caps.max_videos().min(1),
        };
        if audio_only && !self.told.audio_only {
            self.out.push_back(QualityOutput::AudioOnly { on: true });
        }
        if self.told.max_videos != Some(max_videos) {
            self.out
                .push_back(QualityOutput::SetMaxVideos { count: max_videos });
        }
        if !audio_only && self.told.audio_only {
            self.out.push_back(QualityOutput::AudioOnly { on: false });
        }
        self.told.audio_only = audio_only;
        self.told.max_videos = Some(max_videos);
        // Without a rung (audio only) the last qualities stand for when
        // video comes back.
        if let Some(capture) = capture.filter(|&c| self.told.capture != Some(c)) {
            self.out
                .push_back(QualityOutput::SetCaptureQuality { quality: capture });
            self.told.capture = Some(capture);
        }
        let Some(receive) = receive else { return };
        for t in &mut self.tiles {
            let q = t.wanted.min(receive);
            if t.told != Some(q) {
                self.out.push_back(QualityOutput::SetReceiveQuality {
                    user_id: t.user_id,
                    quality: q,
                });
                t.told = Some(q);
            }
        }
    }
}

/// The rung a network level allows (`None` level: no report, no limit).
fn level_rung(level: Option<u8>) -> Rung {
    match level {
        None | Some(5..) => Some(VideoQuality::Video1080P),
        Some(4) => Some(VideoQuality::Video720P),
        Some(3) => Some(VideoQuality::Video360P),
        Some(2) => Some(VideoQuality::Video180P),
        Some(1) => Some(VideoQuality::Video90P),
        Some(0) => None,
    }
}
