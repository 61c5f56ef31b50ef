//! The stage: which videos to lay out where, and which to attach, for one
//! [`Session`]. Sans-IO, like the session.
//!
//! A [`Stage`] owns a [`Layouter`], an [`ActiveSpeakerTracker`] and a
//! [`QualityController`], and decides everything the browser's `Stage` used
//! to work out itself: the join order of the participants, the active share
//! (`active-share-change`, `share-content-dimension-change`), the active
//! speaker (`active-speaker`, held so it does not flicker), the video budget,
//! and the `attachVideo`/`detachVideo` calls that make the SDK match the
//! layout. The glue feeds it the session, the SDK events in
//! [`StageSdkEvent::NAMES`] and the timer, and carries out its
//! [`StageOutput`]s in order.
//!
//! ```
//! # use zoomkit_core::stage::{Stage, StageConfig, StageInput, StageOutput, StageSdkEvent, ShareActivity};
//! # use zoomkit_core::{Instant, LayoutInput, LayoutMode, Viewport, UserId, Session, Config};
//! let session = Session::new(Config::default());
//! let mut stage = Stage::new(StageConfig::new(LayoutInput::new(Viewport::new(1280.0, 720.0), 9)));
//! stage.handle(Instant::EPOCH, StageInput::Mode(LayoutMode::Share)).unwrap();
//! stage.sync(Instant::EPOCH, &session, None).unwrap();
//! while let Some(out) = stage.poll() {
//!     match out {
//!         StageOutput::Layout => { /* draw stage.layout() */ }
//!         StageOutput::Attach { .. } | StageOutput::Detach { .. } => { /* stream.attachVideo / detachVideo */ }
//!         StageOutput::Session(_input) => { /* session.handle(now, input) */ }
//!         _ => {}
//!     }
//! }
//! // Arm one timer for `stage.poll_timeout()`; when it fires: `stage.handle(now, StageInput::Timeout)`.
//! ```

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::io::Input;
use crate::layout::{
    ActiveSpeaker, ActiveSpeakerTracker, Layout, LayoutError, LayoutInput, LayoutMode,
    LayoutParticipant, Layouter, ShareState, Size, Viewport,
};
use crate::quality::{
    Capabilities, Diagnostic, QualityConfig, QualityController, QualityError, QualityInput,
    QualityOutput, VideoQuality,
};
use crate::sdk::UserId;
use crate::session::Session;
use crate::state::StateName;
use crate::time::Instant;
use crate::vecmap::VecMap;
use crate::wire::{self, Decode, Encode};

/// `active-share-change`'s `state`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Encode, Decode)]
pub enum ShareActivity {
    /// `Active`: the user started sharing.
    Active,
    /// `Inactive`: the user stopped.
    Inactive,
}

/// `active-share-change` payload (`event_active_share_change` in
/// `event-callback.d.ts`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Encode, Decode)]
#[serde(rename_all = "camelCase")]
pub struct ActiveShareChange {
    /// `Active` or `Inactive`.
    pub state: ShareActivity,
    /// The sharer.
    pub user_id: UserId,
}

/// `share-content-dimension-change` payload (its `type`, `sended` or
/// `received`, is not read: the size is matched to the sharer by `userId`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Encode, Decode)]
#[serde(rename_all = "camelCase")]
pub struct ShareContentDimensionChange {
    /// Width of the shared content.
    pub width: f64,
    /// Height of the shared content.
    pub height: f64,
    /// The sharer.
    pub user_id: UserId,
}

/// An SDK event the stage reads. The driver subscribes to
/// [`NAMES`](Self::NAMES) with the session's own events and hands these over.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum StageSdkEvent {
    /// `active-speaker` (loudest first).
    ActiveSpeaker(Vec<ActiveSpeaker>),
    /// `active-share-change`.
    ActiveShareChange(ActiveShareChange),
    /// `share-content-dimension-change`.
    ShareContentDimensionChange(ShareContentDimensionChange),
    /// One of [`QualityInput::SDK_EVENTS`].
    Quality(QualityInput),
}

impl StageSdkEvent {
    /// Every SDK event the stage reads.
    pub const NAMES: &'static [&'static str] = &[
        "active-speaker",
        "active-share-change",
        "share-content-dimension-change",
        "network-quality-change",
        "audio-statistic-data-change",
        "video-statistic-data-change",
        "system-resource-usage-change",
    ];

    /// Decodes the payload of event `name` from a [`wire::Value`].
    ///
    /// # Errors
    /// A malformed payload (the error names the field), or a name not in
    /// [`NAMES`](Self::NAMES).
    pub fn decode_wire(name: &str, payload: &wire::Value) -> Result<Self, wire::Error> {
        Ok(match name {
            "active-speaker" => StageSdkEvent::ActiveSpeaker(Decode::decode(payload)?),
            "active-share-change" => StageSdkEvent::ActiveShareChange(Decode::decode(payload)?),
            "share-content-dimension-change" => {
                StageSdkEvent::ShareContentDimensionChange(Decode::decode(payload)?)
            }
            quality if QualityInput::SDK_EVENTS.contains(&quality) => {
                StageSdkEvent::Quality(QualityInput::decode(&wire::Value::Object(vec![
                    ("kind".to_owned(), wire::Value::String(quality.to_owned())),
                    ("payload".to_owned(), payload.clone()),
                ]))?)
            }
            other => {
                let mut m = String::from("the stage reads no SDK event `");
                m.push_str(other);
                m.push('`');
                return Err(wire::Error::new(m));
            }
        })
    }
}

/// What the SDK's stream says it can do, read by the glue when the session
/// has one (`getMaxRenderableVideos`, `isSupportMultipleVideos`,
/// `isSupportHDVideo`, and the page's `crossOriginIsolated`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StreamInfo {
    /// `stream.getMaxRenderableVideos()`, if it answered a number.
    pub max_renderable_videos: Option<u32>,
    /// `stream.isSupportMultipleVideos()`.
    pub supports_multiple_videos: bool,
    /// `stream.isSupportHDVideo()`.
    pub supports_hd_video: bool,
    /// `window.crossOriginIsolated`.
    pub cross_origin_isolated: bool,
}

/// How a stage starts.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct StageConfig {
    /// The first layout input (mode, page size, gap, self view, viewport,
    /// budget). Participants, speakers and the share are the stage's to fill.
    pub layout: LayoutInput,
    /// The app fixed the viewport: window resizes ([`StageInput::Window`]) are ignored.
    pub fixed_viewport: bool,
    /// The app fixed the video budget: the SDK's and the quality
    /// controller's are not applied.
    pub fixed_budget: bool,
    /// The token was signed with `video_webrtc_mode: 1`.
    pub video_webrtc_mode: bool,
    /// The quality controller's tuning.
    pub quality: QualityConfig,
}

impl StageConfig {
    /// A stage laying out `layout`, following the window, with the SDK's budget.
    #[must_use]
    pub fn new(layout: LayoutInput) -> Self {
        StageConfig {
            layout,
            fixed_viewport: false,
            fixed_budget: false,
            video_webrtc_mode: false,
            quality: QualityConfig::default(),
        }
    }
}

/// What a [`Stage`] is told, besides the session ([`Stage::sync`]).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum StageInput {
    /// An SDK event in [`StageSdkEvent::NAMES`].
    Sdk(StageSdkEvent),
    /// The window was resized to this (ignored when the viewport is fixed).
    Window(Viewport),
    /// The app sets the viewport; from now on the window is not followed.
    Viewport(Viewport),
    /// The page was hidden (`true`) or shown: a hidden page attaches nothing.
    Hidden(bool),
    /// The app sets the mode.
    Mode(LayoutMode),
    /// The app shows this gallery or filmstrip page.
    Page(u32),
    /// The app pins a participant.
    Pin(UserId),
    /// The app unpins a participant.
    Unpin(UserId),
    /// The app names the active speaker (`None`: follow the SDK's
    /// `active-speaker` again).
    ActiveSpeaker(Option<UserId>),
    /// An `attachVideo` the stage asked for was refused: the next layout tries again.
    AttachFailed(UserId),
    /// The timer for [`Stage::poll_timeout`] fired.
    Timeout,
    /// The stage goes away: detach everything it attached and end audio-only
    /// mode (nothing else would).
    Dispose,
}

/// What the glue carries out, in order.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum StageOutput {
    /// `stream.detachVideo(userId)`.
    Detach {
        /// Whose video.
        user_id: UserId,
    },
    /// `stream.attachVideo(userId, quality)`; answer a refusal with
    /// [`StageInput::AttachFailed`].
    Attach {
        /// Whose video.
        user_id: UserId,
        /// At what quality.
        quality: VideoQuality,
    },
    /// The layout changed: hand [`Stage::layout`] to the app.
    Layout,
    /// The quality decisions changed: hand [`Stage::quality`] to the app.
    Quality,
    /// Feed this to the session (capture quality, audio-only mode).
    Session(Input),
    /// Something the developer can fix (also kept in [`Stage::quality`]).
    Diagnostic(Diagnostic),
}

/// Input the stage refuses; the stage is unchanged by it.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum StageError {
    /// The layout input cannot be laid out (a viewport of zero size, ...).
    #[error(transparent)]
    Layout(#[from] LayoutError),
    /// A quality event the controller refuses.
    #[error(transparent)]
    Quality(#[from] QualityError),
}

/// The quality controller's current decisions, as the stage applies them.
#[derive(Debug, Clone, PartialEq, Encode)]
#[serde(rename_all = "camelCase")]
pub struct StageQuality<'a> {
    /// What to capture at, once decided.
    pub capture: Option<VideoQuality>,
    /// The most videos to render.
    pub max_videos: Option<u32>,
    /// Video is off for the network's sake.
    pub audio_only: bool,
    /// Per-user receive caps of the tiles laid out.
    pub receive: Vec<(u64, VideoQuality)>,
    /// Why quality is limited and what would unlock more.
    pub diagnostics: &'a [Diagnostic],
}

/// Lays out a session's videos and decides which to attach. See the
/// [module docs](self) for the loop.
#[derive(Debug)]
pub struct Stage {
    layouter: Layouter,
    input: LayoutInput,
    fixed_viewport: bool,
    fixed_budget: bool,
    video_webrtc_mode: bool,
    /// Join order: a participant keeps their place while they stay.
    join_seq: VecMap<UserId, u64>,
    next_seq: u64,
    attached: VecMap<UserId, VideoQuality>,
    hidden: bool,
    speakers: ActiveSpeakerTracker,
    /// The app's own choice of speaker, which wins over the tracker's.
    speaker_override: Option<UserId>,
    quality: QualityController,
    /// The session is connected or reconnecting and has a stream.
    in_session: bool,
    /// Capabilities were told to the quality controller this session.
    quality_ready: bool,
    sdk_max_videos: u32,
    diagnostics: Vec<Diagnostic>,
    /// The last layout handed to the app, to say only changes.
    told: Option<Layout>,
    out: VecDeque<StageOutput>,
}

impl Stage {
    /// The budget before the SDK has said its own (`getMaxRenderableVideos`).
    pub const DEFAULT_MAX_VIDEOS: u32 = 9;

    /// A stage with nothing laid out yet; [`sync`](Self::sync) it with the session.
    #[must_use]
    pub fn new(config: StageConfig) -> Self {
        Stage {
            layouter: Layouter::new(),
            input: config.layout,
            fixed_viewport: config.fixed_viewport,
            fixed_budget: config.fixed_budget,
            video_webrtc_mode: config.video_webrtc_mode,
            join_seq: VecMap::new(),
            next_seq: 0,
            attached: VecMap::new(),
            hidden: false,
            speakers: ActiveSpeakerTracker::default(),
            speaker_override: None,
            quality: QualityController::new(config.quality),
            in_session: false,
            quality_ready: false,
            sdk_max_videos: Self::DEFAULT_MAX_VIDEOS,
            diagnostics: Vec::new(),
            told: None,
            out: VecDeque::new(),
        }
    }

    /// Reads the session (participants, you, whether it is in progress) and
    /// what its stream can do (`None` without one), and lays out again.
    ///
    /// # Errors
    /// [`StageError::Layout`] when the layout input cannot be laid out.
    pub fn sync(
        &mut self,
        now: Instant,
        session: &Session,
        stream: Option<StreamInfo>,
    ) -> Result<(), StageError> {
        let in_session = matches!(
            session.state().name(),
            StateName::Connected | StateName::Reconnecting
        ) && stream.is_some();
        if !in_session {
            // Out of a session: what was heard belongs to it.
            self.quality_ready = false;
            self.input.share = None;
            self.speakers = ActiveSpeakerTracker::default();
        }
        self.in_session = in_session;
        if let Some(stream) = stream.filter(|_| in_session) {
            if let Some(n) = stream.max_renderable_videos {
                self.sdk_max_videos = n;
            }
            if !self.quality_ready {
                self.quality_ready = true;
                let caps = Capabilities {
                    cross_origin_isolated: stream.cross_origin_isolated,
                    supports_multiple_videos: stream.supports_multiple_videos,
                    max_renderable_videos: self.sdk_max_videos,
                    supports_hd_video: stream.supports_hd_video,
                    video_webrtc_mode: self.video_webrtc_mode,
                };
                self.quality.handle(now, QualityInput::Capabilities(caps))?;
                if let Some(me) = session.self_user() {
                    self.quality.handle(now, QualityInput::SelfUser(me))?;
                }
            }
        }
        // Departed participants lose their place, their speaker history and their share.
        let gone: Vec<UserId> = self
            .join_seq
            .keys()
            .filter(|u| !session.participants().any(|p| p.user_id == **u))
            .copied()
            .collect();
        for user in gone {
            self.join_seq.remove(&user);
            self.speakers.remove(now, user);
            if self.input.share.is_some_and(|s| s.user_id == user) {
                self.input.share = None;
            }
        }
        self.input.participants.clear();
        for p in session.participants() {
            let seq = match self.join_seq.get(&p.user_id) {
                Some(s) => *s,
                None => {
                    self.next_seq += 1;
                    self.join_seq.insert(p.user_id, self.next_seq);
                    self.next_seq
                }
            };
            self.input.participants.push(LayoutParticipant {
                user_id: p.user_id,
                join_seq: seq,
                video_on: p.video_on,
            });
        }
        self.input.self_id = session.self_user();
        self.relayout(now)
    }

    /// Takes one input and lays out again.
    ///
    /// # Errors
    /// [`StageError`] for input it refuses (it is then unchanged), e.g. a
    /// viewport of zero size or a malformed quality event.
    pub fn handle(&mut self, now: Instant, input: StageInput) -> Result<(), StageError> {
        match input {
            StageInput::Sdk(StageSdkEvent::ActiveSpeaker(list)) => {
                if !self.in_session {
                    return Ok(());
                }
                self.speakers.observe_all(now, &list);
            }
            StageInput::Sdk(StageSdkEvent::ActiveShareChange(c)) => {
                if !self.in_session {
                    return Ok(());
                }
                match c.state {
                    ShareActivity::Active => {
                        self.input.share = Some(ShareState {
                            user_id: c.user_id,
                            size: None,
                        });
                    }
                    ShareActivity::Inactive => {
                        if self.input.share.is_some_and(|s| s.user_id == c.user_id) {
                            self.input.share = None;
                        }
                    }
                }
            }
            StageInput::Sdk(StageSdkEvent::ShareContentDimensionChange(d)) => {
                match &mut self.input.share {
                    Some(share) if share.user_id == d.user_id => {
                        let size = Some(Size {
                            width: d.width,
                            height: d.height,
                        });
                        let before = std::mem::replace(&mut share.size, size);
                        if let Err(e) = self.layouter.layout(&self.input) {
                            if let Some(share) = &mut self.input.share {
                                share.size = before;
                            }
                            return Err(e.into());
                        }
                    }
                    _ => return Ok(()),
                }
            }
            StageInput::Sdk(StageSdkEvent::Quality(q)) => self.quality.handle(now, q)?,
            StageInput::Window(v) => {
                if self.fixed_viewport {
                    return Ok(());
                }
                self.set_viewport(v)?;
            }
            StageInput::Viewport(v) => {
                self.set_viewport(v)?;
                self.fixed_viewport = true;
            }
            StageInput::Hidden(hidden) => self.hidden = hidden,
            StageInput::Mode(mode) => self.input.mode = mode,
            StageInput::Page(page) => self.input.page = page,
            StageInput::Pin(user) => {
                if !self.input.pins.contains(&user) {
                    self.input.pins.push(user);
                }
            }
            StageInput::Unpin(user) => self.input.pins.retain(|p| *p != user),
            StageInput::ActiveSpeaker(user) => self.speaker_override = user,
            StageInput::AttachFailed(user) => {
                self.attached.remove(&user);
                return Ok(());
            }
            StageInput::Timeout => {
                self.speakers.handle_timeout(now);
                self.quality.handle(now, QualityInput::Timeout)?;
            }
            StageInput::Dispose => {
                self.dispose();
                return Ok(());
            }
        }
        self.relayout(now)
    }

    /// The next thing to carry out.
    #[must_use]
    pub fn poll(&mut self) -> Option<StageOutput> {
        self.out.pop_front()
    }

    /// When to call `handle(now, StageInput::Timeout)`; `None`: no timer.
    /// Out of a session nothing is timed.
    #[must_use]
    pub fn poll_timeout(&self) -> Option<Instant> {
        if !self.in_session {
            return None;
        }
        match (self.quality.poll_timeout(), self.speakers.poll_timeout()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// The current layout.
    #[must_use]
    pub fn layout(&self) -> &Layout {
        self.layouter.last()
    }

    /// The videos attached (or being attached) now.
    pub fn attached(&self) -> impl Iterator<Item = (UserId, VideoQuality)> + '_ {
        self.attached.iter().map(|(u, q)| (*u, *q))
    }

    /// The quality controller's decisions.
    #[must_use]
    pub fn quality(&self) -> StageQuality<'_> {
        let mut receive = Vec::new();
        for t in &self.layouter.last().tiles {
            if let Some(q) = self.quality.receive_quality(t.user_id) {
                receive.push((t.user_id.0, q));
            }
        }
        StageQuality {
            capture: self.quality.capture_quality(),
            max_videos: self.quality.max_videos(),
            audio_only: self.quality.audio_only(),
            receive,
            diagnostics: &self.diagnostics,
        }
    }

    /// The layout input as it stands (for tests and tools).
    #[must_use]
    pub fn input(&self) -> &LayoutInput {
        &self.input
    }

    fn set_viewport(&mut self, v: Viewport) -> Result<(), StageError> {
        let before = std::mem::replace(&mut self.input.viewport, v);
        if let Err(e) = self.layouter.layout(&self.input) {
            self.input.viewport = before;
            return Err(e.into());
        }
        Ok(())
    }

    fn dispose(&mut self) {
        for user in self.attached.keys() {
            self.out.push_back(StageOutput::Detach { user_id: *user });
        }
        self.attached.clear();
        if self.quality.audio_only() {
            self.out
                .push_back(StageOutput::Session(Input::AudioOnly(false)));
        }
        self.in_session = false;
    }

    fn relayout(&mut self, now: Instant) -> Result<(), StageError> {
        self.input.active_speaker = self.speaker_override.or(self.speakers.current());
        self.input.recent_speakers.clear();
        self.input
            .recent_speakers
            .extend_from_slice(self.speakers.recent());
        if !self.fixed_budget {
            self.input.max_renderable_videos = self.quality.video_budget(self.sdk_max_videos);
        }
        self.layouter.layout(&self.input)?;
        let mut quality_changed = false;
        if self.in_session {
            self.quality.set_layout(now, self.layouter.last());
            quality_changed = self.drain_quality();
            // A new video budget from the controller changes the layout
            // itself: lay out once more with it.
            let budget = self.quality.video_budget(self.sdk_max_videos);
            if !self.fixed_budget && budget != self.input.max_renderable_videos {
                self.input.max_renderable_videos = budget;
                self.layouter.layout(&self.input)?;
                self.quality.set_layout(now, self.layouter.last());
                quality_changed |= self.drain_quality();
            }
        }
        if quality_changed {
            self.out.push_back(StageOutput::Quality);
        }
        // Attach the tiles with a quality (capped by the controller), unless
        // the page is hidden, the network is audio-only, or there is no session.
        let want: VecMap<UserId, VideoQuality> = if self.in_session {
            self.quality
                .attachments(self.layouter.last(), !self.hidden)
                .collect()
        } else {
            VecMap::new()
        };
        for user in self.attached.keys() {
            if !want.contains_key(user) {
                self.out.push_back(StageOutput::Detach { user_id: *user });
            }
        }
        for (user, quality) in want.iter() {
            if self.attached.get(user) != Some(quality) {
                self.out.push_back(StageOutput::Attach {
                    user_id: *user,
                    quality: *quality,
                });
            }
        }
        self.attached = want;
        if self.told.as_ref() != Some(self.layouter.last()) {
            self.told = Some(self.layouter.last().clone());
            self.out.push_back(StageOutput::Layout);
        }
        Ok(())
    }

    /// Turns the controller's decisions into outputs; returns whether any changed.
    fn drain_quality(&mut self) -> bool {
        let mut changed = false;
        while let Some(out) = self.quality.poll() {
            match out {
                QualityOutput::SetCaptureQuality { quality } => self
                    .out
                    .push_back(StageOutput::Session(Input::CaptureQuality(quality))),
                QualityOutput::AudioOnly { on } => {
                    self.out
                        .push_back(StageOutput::Session(Input::AudioOnly(on)));
                }
                // The controller keeps these; `attachments` and `quality` read them back.
                QualityOutput::SetReceiveQuality { .. } | QualityOutput::SetMaxVideos { .. } => {}
                QualityOutput::Diagnostic { diagnostic } => {
                    self.diagnostics.push(diagnostic.clone());
                    self.out.push_back(StageOutput::Diagnostic(diagnostic));
                }
                // `Timeout` is always last: the timer comes from `poll_timeout`.
                _ => break,
            }
            changed = true;
        }
        changed
    }
}
